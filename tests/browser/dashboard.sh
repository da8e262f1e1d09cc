#!/usr/bin/env bash
# The web dashboard in a real browser: Debian's headless Chromium driven by
# playwright-core (tests/browser/node_modules, installed by scripts/install-deps
# or here). sg17d is started with real data behind every panel (SIDF keys and
# de-concealments, signed consultation replies, the assessment example,
# signed misbehaviour reports of two vehicles, a STIX feed and sightings from
# a Zeek log, the TAXII fixture of ../shared/vectors when present);
# dashboard.mjs signs in with tokens and compares what each page shows with
# what the API holds. Screenshots: $SG17_BUILD_DIR/browser-artifacts/*.png.
# Skips (77) when chromium, node or playwright-core cannot be had.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
skip() { echo "1..0 # SKIP $*"; exit 77; }

[ -n "${SG17D_BIN:-}" ] && [ -x "$SG17D_BIN" ] && [ -n "${SG17_BIN:-}" ] || skip "SG17D_BIN/SG17_BIN not built"
CHROMIUM=${CHROMIUM:-$(command -v chromium || true)}
[ -n "$CHROMIUM" ] || skip "chromium is not installed (Debian package chromium; scripts/install-deps)"
command -v node >/dev/null 2>&1 || skip "node is not installed (Debian package nodejs)"
for tool in curl python3; do command -v $tool >/dev/null 2>&1 || skip "$tool not installed"; done
if [ ! -f "$HERE/node_modules/playwright-core/package.json" ]; then
    command -v npm >/dev/null 2>&1 || skip "npm is not installed and playwright-core is missing"
    (cd "$HERE" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 npm install --no-audit --no-fund \
        --silent >/dev/null 2>&1) || skip "playwright-core could not be installed from npm"
fi
SRC="${SG17_SOURCE_DIR:?}"
SG17_BIN=$(cd "$(dirname "$SG17_BIN")" && pwd)/$(basename "$SG17_BIN") # some steps cd
SHOTS="${SG17_BUILD_DIR:-$(mktemp -d)}/browser-artifacts"
mkdir -p "$SHOTS"
rm -f "$SHOTS"/*.png

T=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -TERM "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT
die() { echo "not ok - $*"; [ -f "$T/log" ] && sed 's/^/# /' "$T/log" | tail -20; exit 1; }

# ---- data behind every panel -----------------------------------------------------
DB="$T/sg17.db"
export SG17_CONSULT_DB="$DB" # sg17d keeps the consultation in its database
tok() { "$SG17D_BIN" token create --db "$DB" --role "$1" --name "$2" 2>/dev/null; }
ADMIN=$(tok admin ops) && ANALYST=$(tok analyst cti) && SIDF=$(tok sidf ausf) &&
    CHN=$(tok administration CHN) && FRA=$(tok administration FRA) || die "tokens"
mkdir -p "$T/keys"
for k in A:1 mlkem768:12 xwing:13; do
    "$SG17_BIN" suci keygen --profile "${k%%:*}" --key-id "${k#*:}" -o "$T/keys/${k%%:*}" >/dev/null ||
        die "suci keygen"
done
C="$SG17_BIN consult"
$C states import "$SRC/data/consult/member_states.json" >/dev/null &&
    sed -e 's/"number": 268/"number": 9268/' -e 's/2020-12-18T23:59:59Z/2099-12-31T23:59:59Z/' \
        "$SRC/data/consult/circular-268.json" >"$T/c9268.json" &&
    $C circular import "$SRC/data/consult/circular-268.json" >/dev/null &&
    $C circular import "$T/c9268.json" >/dev/null || die "consult store"

# X.1217: a small STIX feed in sg17d's intel store (IPv4, domain, an SCCP GT prefix with FS.11
# category 1); the TAXII server gets the medallion fixture of ../shared/vectors when present.
ind() { printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%s-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":"%s","valid_from":"2020-01-01T00:00:00Z"%s}' "$1" "$2" "${3:-}"; }
{
    echo '{"type":"bundle","id":"bundle--6f6a2b8e-3c1d-4e57-9a3b-2f0f3f6b1a01","objects":['
    ind 00000001 "[ipv4-addr:value = '198.51.100.10']" ',"confidence":90'; echo ,
    ind 00000002 "[domain-name:value = 'c2.example']"; echo ,
    ind 00000003 "[x-sg17-sccp-gt:value LIKE '99988%']" ',"x_sg17_fs11_category":"cat1"'
    echo ']}'
} >"$T/feed.json"
"$SG17_BIN" intel store ingest --db "$DB" --source dashboard-test "$T/feed.json" >/dev/null 2>&1 || die "intel ingest"
VEC=${SG17_VECTORS:-$SRC/../shared/vectors}
FIX="$VEC/stix/taxii/medallion_default_data.json"
TAXII_ARGS=()
HAVE_TAXII=0
if [ -f "$FIX" ]; then TAXII_ARGS=(--taxii-fixture "$FIX"); HAVE_TAXII=1; fi

"$SG17D_BIN" --db "$DB" --port 0 --sidf-key-dir "$T/keys" --web-root "$SRC/web" "${TAXII_ARGS[@]}" 2>"$T/log" &
PID=$!
PORT=""
for _ in $(seq 1 200); do
    PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$T/log" | head -n 1)
    [ -n "$PORT" ] && break
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
done
[ -n "$PORT" ] || die "sg17d did not start"
URL="http://127.0.0.1:$PORT"
post() { curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $1" --data-binary "$2" "$URL$3"; }

for p in A mlkem768 xwing mlkem768; do
    s=$("$SG17_BIN" suci conceal --hn-pub "$T/keys/$p.pub" --supi imsi-001010000000042)
    [ "$(post "$SIDF" "{\"suci\":\"$s\"}" /sidf/v1/deconceal)" = 200 ] || die "de-conceal $p"
done
[ "$(post "$SIDF" '{"suci":"suci-0-001-01-0000-1-1-00"}' /sidf/v1/deconceal)" = 400 ] || die "malformed"
for a in CHN FRA; do
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/$a.key" >/dev/null 2>&1 &&
        $C admin register --admin "$a" --key "$T/$a.key.pub" >/dev/null || die "consult key $a"
done
vote() { # vote ADMIN TOKEN ARGS...
    local a=$1 t=$2
    shift 2
    $C reply create --circular 9268 --admin "$a" --name "A. Delegate" --title Director \
        --address "1 Main St" --date 2020-12-01 --place Geneva "$@" -o "$T/$a.json" &&
        $C reply sign --key "$T/$a.key" -o "$T/$a.env" "$T/$a.json" >/dev/null || die "reply $a"
    [ "$(post "$t" "@$T/$a.env" /v1/consult/circulars/9268/replies)" = 201 ] || die "submit $a"
}
vote CHN "$CHN" --authorize X.1217 --authorize X.1368 --authorize X.1376 --authorize X.1811
vote FRA "$FRA" --authorize X.1217 --authorize X.1368 --authorize X.1376 --not-authorize X.1811 \
    --reasons "X.1811=needs hybrid guidance"
# one refused submission (the signature removed): recorded, not counted
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); del d['signature']; print(json.dumps(d))" "$T/FRA.env" >"$T/uns.env"
[ "$(post "$FRA" "@$T/uns.env" /v1/consult/circulars/9268/replies)" = 422 ] || die "unsigned reply not refused"
# X.1368: a signed manifest, two devices; cam1 updates (installed), cam2 only polls (offered).
AUTHOR=$(tok author fw) || die "author token"
VENDOR=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe
CLASS=1492af14-2569-5e48-bf42-9b2d51f2ab45
"$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/author" >/dev/null 2>&1 || die "author key"
head -c 8000 /dev/urandom >"$T/factory.bin"
head -c 20000 /dev/urandom >"$T/app.bin"
printf '{"sequence-number": 2, "vendor-id": "%s", "class-id": "%s", "components": [{"id": ["app"], "image": "app.bin", "uri": "/v1/update/images/app.bin"}]}\n' \
    "$VENDOR" "$CLASS" >"$T/desc.json"
(cd "$T" && "$SG17_BIN" update manifest create desc.json -o m.suit >/dev/null 2>&1 &&
    "$SG17_BIN" update manifest sign --key author m.suit >/dev/null 2>&1) || die "manifest"
[ "$(post "$AUTHOR" "@$T/app.bin" /v1/update/images/app.bin)" = 201 ] || die "image upload"
DG=$(curl -s -X POST -H "Authorization: Bearer $AUTHOR" --data-binary "@$T/m.suit" "$URL/v1/update/envelopes" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["manifest"])') || die "envelope upload"
for d in cam1 cam2; do
    "$SG17_BIN" device init --state "$T/$d" --id "$d" --vendor-id "$VENDOR" --class-id "$CLASS" \
        --trust-anchor "$T/author.pub" --require-pq --factory "$T/factory.bin" --slot-size 65536 \
        >/dev/null 2>&1 || die "device $d"
    tok device "$d" >"$T/$d.token" || die "device token $d"
    key=$("$SG17_BIN" device pubkey --state "$T/$d")
    [ "$(post "$AUTHOR" "{\"id\":\"$d\",\"class\":\"cam\",\"key\":\"$key\"}" /v1/update/devices)" = 201 ] ||
        die "register $d"
done
[ "$(post "$AUTHOR" "{\"name\":\"c1\",\"manifest\":\"$DG\",\"devices\":[\"cam1\",\"cam2\"]}" \
    /v1/update/campaigns)" = 201 ] || die "campaign"
"$SG17_BIN" device run --state "$T/cam1" --server "$URL" --token-file "$T/cam1.token" >/dev/null 2>&1 ||
    die "cam1 update"
curl -s -o /dev/null -H "Authorization: Bearer $(cat "$T/cam2.token")" "$URL/v1/update/poll?device=cam2"
# X.1376: two vehicles' signed misbehaviour reports (sg17 vehicle report sign) through the API.
DEV=$(tok device obu) || die "device token"
for v in car1 car2; do
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/$v.mbr" >/dev/null 2>&1 || die "reporter key $v"
    python3 -c "import json,sys; print(json.dumps({'id': sys.argv[1], 'public_key': open(sys.argv[2]).read()}))" \
        "$v" "$T/$v.mbr.pub" >"$T/$v.reg"
    [ "$(post "$ADMIN" "@$T/$v.reg" /mbr/v1/reporters)" = 201 ] || die "reporter $v"
done
printf '%s\n' '{"time":1.5,"detector":"timing","id":"0C1","frame":10}' \
    '{"time":2.5,"detector":"payload","id":"0C1","frame":20}' \
    '{"time":7.25,"detector":"timing","id":"1A0","frame":95}' >"$T/car1.jsonl"
printf '%s\n' '{"time":3.0,"detector":"v2x-speed","id":"cam","frame":1}' >"$T/car2.jsonl"
for v in car1 car2; do
    "$SG17_BIN" vehicle report sign --key "$T/$v.mbr" --vehicle "$v" -o "$T/$v.rep" "$T/$v.jsonl" \
        2>/dev/null || die "report sign $v"
    [ "$(post "$DEV" "@$T/$v.rep" /mbr/v1/reports)" = 201 ] || die "report post $v"
done
# Operator logs matched against the feed; the sightings go to sg17d (analyst).
now=$(date +%s)
{
    printf '#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n'
    printf '%s\tC1\t192.0.2.5\t1\t198.51.100.10\t443\n' $((now - 120))
    printf '%s\tC2\t198.51.100.10\t2\t203.0.113.9\t80\n' $((now - 60))
} >"$T/conn.log"
"$SG17_BIN" intel match --format zeek --indicators "$T/feed.json" "$T/conn.log" >"$T/sightings.jsonl"
[ "$?" = 1 ] || die "intel match found nothing"
[ "$(post "$ANALYST" "@$T/sightings.jsonl" /intel/v1/sightings)" = 200 ] || die "sightings post"
echo "# sg17d on $URL with data; screenshots in $SHOTS"

SG17_URL="$URL" SG17_SHOTS="$SHOTS" CHROMIUM="$CHROMIUM" SG17_HAVE_TAXII=$HAVE_TAXII \
    SG17_TOKENS="{\"admin\":\"$ADMIN\",\"analyst\":\"$ANALYST\"}" \
    timeout 300 node "$HERE/dashboard.mjs"
rc=$?
ls "$SHOTS"/*.png >/dev/null 2>&1 && echo "# screenshots: $(cd "$SHOTS" && echo *.png)"
exit $rc
