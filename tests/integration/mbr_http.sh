#!/usr/bin/env bash
# sg17d misbehaviour reports over real HTTP: an admin registers reporter keys
# (ML-DSA-65 PEM from `sg17 pqc keygen`) at POST /mbr/v1/reporters; a device
# token posts reports made by `sg17 vehicle report sign` to POST
# /mbr/v1/reports; valid ones are stored (201), unsigned / forged / wrongly
# keyed / unknown-reporter / malformed / duplicate ones refused with 4xx and a
# reason and not stored; GET /mbr/v1/reports filters by vehicle, reporter,
# detector and time, newest first, with a capped page; roles; the summary
# (GET /mbr/v1/summary) per vehicle, detector and minute.
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN SG17_BIN
tap_need_tools curl python3
tap_tmpdir
SG17D_LOG_REQUESTS=1 # the logs are kept whole, as before
SG17D_START_SECS=20
req() { curl -s -o "$T/body" -w '%{http_code}' --max-time 20 "$@"; }
# JSON field of the last reply (jq when installed: python3 costs far more CPU
# per call, which matters on a loaded machine); booleans print as true/false
if command -v jq >/dev/null 2>&1; then
    jget() {
        local p="" k
        for k in "$@"; do
            case "$k" in *[!0-9]*) p="$p.\"$k\"" ;; *) p="$p[$k]" ;; esac
        done
        jq -r "${p:-.}" "$T/body"
    }
    ids() { jq -r '[.reports[].id | tostring] | join(" ")' "$T/body"; }
else
    jget() { python3 -c "import json,sys
d=json.load(open('$T/body'))
for k in sys.argv[1:]: d=d[k] if not k.isdigit() else d[int(k)]
print(json.dumps(d) if isinstance(d, bool) else d)" "$@"; }
    ids() { python3 -c "import json
print(' '.join(str(r['id']) for r in json.load(open('$T/body'))['reports']))"; }
fi
# post TOKEN FILE [QUERY] -> status
post() { req -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    --data-binary "@$2" "$URL/mbr/v1/reports${3:-}"; }
get() { req -H "Authorization: Bearer $1" "$URL/mbr/v1/reports${2:-}"; }
# register TOKEN ID PEMFILE -> status
register() {
    if command -v jq >/dev/null 2>&1; then
        jq -n --arg id "$2" --rawfile k "$3" '{id: $id, public_key: $k}' >"$T/reg.json"
    else
        python3 -c "import json,sys
print(json.dumps({'id': sys.argv[1], 'public_key': open(sys.argv[2]).read()}))" "$2" "$3" >"$T/reg.json"
    fi
    req -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary "@$T/reg.json" "$URL/mbr/v1/reporters"
}

DB="$T/sg17.db"
"$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/car1.key" >/dev/null 2>&1 &&
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/car2.key" >/dev/null 2>&1 &&
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/rsu.key" >/dev/null 2>&1 &&
    "$SG17_BIN" pqc keygen --alg ml-dsa-44 -o "$T/small.key" >/dev/null 2>&1
ok $? "reporter keys made by sg17 pqc keygen (3 x ML-DSA-65, 1 x ML-DSA-44)"

cat >"$T/a1.jsonl" <<'EOF'
{"time":1.5,"decided":1.6,"detector":"timing","id":"0C1","frame":10}
{"time":2.5,"decided":2.6,"detector":"payload","id":"0C1","frame":20}
EOF
cat >"$T/a2.jsonl" <<'EOF'
{"time":3.0,"decided":3.1,"detector":"timing","id":"1A0","frame":30}
EOF
cat >"$T/a3.jsonl" <<'EOF'
{"time":4.0,"decided":4.1,"detector":"v2x-speed","id":"cam","frame":1}
EOF
S="$SG17_BIN vehicle report sign"
$S --key "$T/car1.key" --vehicle car1 -o "$T/r1.json" "$T/a1.jsonl" 2>/dev/null &&
    $S --key "$T/car2.key" --vehicle car2 -o "$T/r2.json" "$T/a2.jsonl" 2>/dev/null &&
    $S --key "$T/rsu.key" --vehicle car2 -o "$T/r3.json" "$T/a3.jsonl" 2>/dev/null &&
    $S --key "$T/car1.key" --vehicle car1 -o "$T/r4.json" "$T/a2.jsonl" 2>/dev/null &&
    $S --key "$T/car2.key" --vehicle car1 -o "$T/rwrong.json" "$T/a1.jsonl" 2>/dev/null &&
    $S --key "$T/car1.key" --vehicle ghost -o "$T/rghost.json" "$T/a1.jsonl" 2>/dev/null &&
    $S --key "$T/small.key" --vehicle car1 -o "$T/rsmall.json" "$T/a1.jsonl" 2>/dev/null
ok $? "reports signed by sg17 vehicle report sign"
# forged: one alert changed after signing; unsigned: the sig member removed;
# bad hex; not a report; wrong format tag (same signature)
python3 - "$T" <<'EOF'
import json, sys
t = sys.argv[1]
r = json.load(open(t + "/r1.json"))
f = json.loads(json.dumps(r)); f["report"]["alerts"][0]["frame"] = 11
json.dump(f, open(t + "/rforged.json", "w"))
u = json.loads(json.dumps(r)); del u["sig"]
json.dump(u, open(t + "/runsigned.json", "w"))
h = json.loads(json.dumps(r)); h["sig"] = "zz" + h["sig"][2:]
json.dump(h, open(t + "/rbadhex.json", "w"))
g = json.loads(json.dumps(r)); g["report"]["format"] = "sg17-mbr-0"
json.dump(g, open(t + "/rbadfmt.json", "w"))
s = json.loads(json.dumps(r)); s["sig"] = ("00" if s["sig"][:2] != "00" else "01") + s["sig"][2:]
json.dump(s, open(t + "/rflipsig.json", "w"))
open(t + "/rnotjson.json", "w").write('{"report": ')
open(t + "/rarray.json", "w").write('[1,2,3]')
EOF
ok $? "forged, unsigned and malformed variants made"

TADM=$("$SG17D_BIN" token create --role admin --name adm --db "$DB" 2>/dev/null)
TDEV=$("$SG17D_BIN" token create --role device --name car1.obu --db "$DB" 2>/dev/null)
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
TSIDF=$("$SG17D_BIN" token create --role sidf --name ausf --db "$DB" 2>/dev/null)
[ -n "$TADM" ] && [ -n "$TDEV" ] && [ -n "$TANA" ] && [ -n "$TSIDF" ]
ok $? "admin, device, analyst and sidf tokens created"

sg17d_must_start "$T/log" --db "$DB"

# ---- reporter registration --------------------------------------------------
is "$(register "$TDEV" car1 "$T/car1.key.pub")" 403 "device token cannot register a reporter"
is "$(register "$TANA" car1 "$T/car1.key.pub")" 403 "analyst token cannot register a reporter"
is "$(register "$TADM" car1 "$T/car1.key.pub")" 201 "admin registers car1"
is "$(jget alg)" "ml-dsa-65" "  as ML-DSA-65"
is "$(register "$TADM" car2 "$T/car2.key.pub")" 201 "admin registers car2"
is "$(register "$TADM" rsu-7 "$T/rsu.key.pub")" 201 "admin registers rsu-7"
is "$(register "$TADM" car1 "$T/car2.key.pub")" 409 "the same id twice: 409"
is "$(jget error)" "exists" "  error exists"
is "$(register "$TADM" small "$T/small.key.pub")" 400 "an ML-DSA-44 key: 400"
is "$(jget error)" "bad_key" "  error bad_key"
is "$(register "$TADM" priv "$T/car1.key")" 400 "a private key file: 400"
printf 'not a pem' >"$T/junk.pem"
is "$(register "$TADM" junk "$T/junk.pem")" 400 "not a PEM: 400"
is "$(register "$TADM" 'bad id!' "$T/car1.key.pub")" 400 "an id outside [A-Za-z0-9._-]: 400"
is "$(req -X POST -H "Authorization: Bearer $TADM" --data-binary '{"id":"x"}' "$URL/mbr/v1/reporters")" \
    400 "no public_key: 400"
is "$(req -X POST --data-binary @"$T/reg.json" "$URL/mbr/v1/reporters")" 401 "no token: 401"

# ---- posting reports ---------------------------------------------------------
is "$(post "$TDEV" "$T/r1.json")" 201 "car1's report accepted"
is "$(jget reporter)/$(jget vehicle)/$(jget alerts)" "car1/car1/2" "  reporter car1, vehicle car1, 2 alerts"
ID1=$(jget id)
is "$(post "$TDEV" "$T/r2.json")" 201 "car2's report accepted"
ID2=$(jget id)
sleep 1.1
is "$(post "$TDEV" "$T/r3.json" '?reporter=rsu-7')" 201 "an RSU's report about car2 (?reporter=rsu-7) accepted"
ID3=$(jget id)
is "$(jget reporter)/$(jget vehicle)" "rsu-7/car2" "  reporter rsu-7, vehicle car2"
T3=$(jget received_at)
sleep 1.1
is "$(post "$TDEV" "$T/r4.json")" 201 "car1's second report accepted"
ID4=$(jget id)

is "$(post "$TDEV" "$T/r1.json")" 409 "the same report again: 409"
is "$(jget error)" "duplicate" "  error duplicate"
is "$(post "$TDEV" "$T/rforged.json")" 400 "an alert changed after signing: 400"
is "$(jget error)" "bad_signature" "  error bad_signature"
is "$(post "$TDEV" "$T/rflipsig.json")" 400 "a flipped signature byte (first byte, in c~): 400"
is "$(jget error)" "bad_signature" "  error bad_signature"
is "$(post "$TDEV" "$T/rwrong.json")" 400 "car1's report signed with car2's key: 400"
is "$(jget error)" "bad_signature" "  error bad_signature"
is "$(post "$TDEV" "$T/r3.json" '?reporter=car1')" 400 "an RSU report claimed for car1: 400"
is "$(jget error)" "bad_signature" "  error bad_signature"
is "$(post "$TDEV" "$T/rsmall.json")" 400 "signed with ML-DSA-44 for an ML-DSA-65 reporter: 400"
is "$(post "$TDEV" "$T/runsigned.json")" 400 "no sig member: 400"
is "$(jget error)" "unsigned" "  error unsigned"
is "$(post "$TDEV" "$T/rghost.json")" 400 "unregistered reporter ghost: 400"
is "$(jget error)" "unknown_reporter" "  error unknown_reporter"
is "$(post "$TDEV" "$T/r1.json" '?reporter=nobody')" 400 "?reporter=nobody: 400"
is "$(jget error)" "unknown_reporter" "  error unknown_reporter"
is "$(post "$TDEV" "$T/rbadhex.json")" 400 "non-hex signature: 400"
is "$(jget error)" "bad_report" "  error bad_report"
is "$(post "$TDEV" "$T/rbadfmt.json")" 400 "format sg17-mbr-0: 400"
is "$(post "$TDEV" "$T/rnotjson.json")" 400 "truncated JSON: 400"
is "$(jget error)" "bad_report" "  error bad_report"
is "$(post "$TDEV" "$T/rarray.json")" 400 "a JSON array: 400"
is "$(jget error)" "bad_report" "  error bad_report"
[ -n "$(jget reason)" ]
ok $? "  with a reason"
is "$(post "$TANA" "$T/r4.json")" 403 "analyst cannot post"
is "$(post "$TADM" "$T/r4.json")" 403 "admin cannot post (device role only)"
is "$(post "$TSIDF" "$T/r4.json")" 403 "sidf cannot post"
is "$(req -X POST --data-binary @"$T/r4.json" "$URL/mbr/v1/reports")" 401 "no token: 401"

# ---- queries -----------------------------------------------------------------
is "$(get "$TDEV")" 403 "device cannot read"
is "$(get "$TSIDF")" 403 "sidf cannot read"
is "$(get "$TANA")" 200 "analyst reads"
is "$(ids)" "$ID4 $ID3 $ID2 $ID1" "  all four stored reports, newest first (refused ones not stored)"
is "$(jget truncated)" "false" "  not truncated"
cp "$T/body" "$T/all.json"
is "$(jget reports 0 report sig)" "$(cp "$T/r4.json" "$T/body"; jget sig; cp "$T/all.json" "$T/body")" \
    "  the stored report is the signed envelope"
is "$(get "$TADM" '?vehicle=car1')" 200 "admin reads ?vehicle=car1"
is "$(ids)" "$ID4 $ID1" "  car1's two reports"
is "$(get "$TANA" '?vehicle=car2')" 200 "?vehicle=car2"
is "$(ids)" "$ID3 $ID2" "  car2's two reports (own and RSU's)"
is "$(get "$TANA" '?reporter=rsu-7')" 200 "?reporter=rsu-7"
is "$(ids)" "$ID3" "  the RSU's report"
is "$(get "$TANA" '?detector=timing')" 200 "?detector=timing"
is "$(ids)" "$ID4 $ID2 $ID1" "  the three reports with a timing alert"
is "$(get "$TANA" '?detector=payload&vehicle=car1')" 200 "?detector=payload&vehicle=car1"
is "$(ids)" "$ID1" "  one report"
is "$(get "$TANA" '?detector=nonesuch')" 200 "?detector=nonesuch"
is "$(ids)" "" "  empty list"
is "$(get "$TANA" "?since=$T3")" 200 "?since=received_at of the RSU report"
is "$(ids)" "$ID4 $ID3" "  it and the later one"
is "$(get "$TANA" "?until=$((T3 - 1))")" 200 "?until=just before it"
is "$(ids)" "$ID2 $ID1" "  the two earlier ones"
is "$(get "$TANA" "?since=$T3&until=$T3")" 200 "?since=T&until=T"
is "$(ids)" "$ID3" "  exactly that one"
is "$(get "$TANA" '?limit=2')" 200 "?limit=2"
is "$(ids)" "$ID4 $ID3" "  the newest two"
is "$(jget truncated)" "true" "  truncated"
is "$(get "$TANA" '?limit=501')" 400 "?limit=501: 400 (page cap 500)"
is "$(get "$TANA" '?limit=0')" 400 "?limit=0: 400"
is "$(get "$TANA" '?since=yesterday')" 400 "?since=yesterday: 400"
is "$(get "$TANA" '?until=-5')" 400 "?until=-5: 400"

# ---- summary (the dashboard's vehicle panel) ----------------------------------
summ() { req -H "Authorization: Bearer $1" "$URL/mbr/v1/summary${2:-}"; }
is "$(summ "$TDEV")" 403 "device cannot read the summary"
is "$(summ "$TANA")" 200 "analyst reads GET /mbr/v1/summary"
is "$(jget totals reports)/$(jget totals alerts)/$(jget totals vehicles)/$(jget totals detectors)" \
    "4/5/2/3" "  totals: 4 reports, 5 alerts, 2 vehicles, 3 detectors"
is "$(jget vehicles 0 vehicle)/$(jget vehicles 0 reports)/$(jget vehicles 0 alerts)" "car1/2/3" \
    "  car1 first: 2 reports, 3 alerts"
is "$(jget vehicles 1 vehicle)/$(jget vehicles 1 alerts)" "car2/2" "  car2: 2 alerts"
is "$(jget detectors 0 detector)/$(jget detectors 0 alerts)/$(jget detectors 0 vehicles)" \
    "timing/3/2" "  timing: 3 alerts on 2 vehicles"
python3 - "$T/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
vd = {(r["vehicle"], r["detector"]): r["alerts"] for r in d["by_vehicle_detector"]}
want = {("car1", "timing"): 2, ("car1", "payload"): 1, ("car2", "timing"): 1, ("car2", "v2x-speed"): 1}
tl = d["timeline"]
ok = vd == want and sum(r["alerts"] for r in tl) == 5 and all(r["t"] % 60 == 0 for r in tl) \
    and d["bucket_seconds"] == 60 and d["truncated"] is False
sys.exit(0 if ok else 1)
PY
ok $? "  per vehicle and detector as stored; the timeline's minute buckets hold the 5 alerts"
is "$(summ "$TANA" "?since=$T3&bucket=1")" 200 "?since=T&bucket=1"
is "$(jget totals reports)/$(jget totals alerts)/$(jget bucket_seconds)" "2/2/1" "  the 2 later reports, 2 alerts"
is "$(summ "$TANA" '?bucket=0')" 400 "?bucket=0: 400"
is "$(summ "$TANA" '?since=x')" 400 "?since=x: 400"

sg17d_stop 600
is "$STATUS" 0 "SIGTERM: clean stop"

# ---- persistence across a restart ------------------------------------------------
sg17d_start "$T/log2" --db "$DB" # a failed start shows as the not-ok lines below
is "$(get "$TANA")" 200 "after a restart"
is "$(ids)" "$ID4 $ID3 $ID2 $ID1" "  the four reports are still there"
is "$(post "$TDEV" "$T/r2.json")" 409 "  and a replay is still refused"

tap_done
