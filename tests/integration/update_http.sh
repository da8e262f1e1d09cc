#!/usr/bin/env bash
# X.1368 end to end over real HTTP: sg17d (firmware server + status tracker)
# and three simulated devices (sg17 device run) in one campaign.
#  dev1: the image download is cut midway and resumed with a Range request;
#  dev2: loses power mid-install (flash writes cut), boots the old image,
#        and completes at the next power-on;
#  dev3: is served a forged image (server storage tampered after upload):
#        refused at image-match, counter unchanged, "refused" reported.
# The tracker must end with installed / installed / refused, and refuses a
# replayed report, a report for another device and a bad signature.
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17_BIN SG17D_BIN
tap_need_tools curl sqlite3 xxd python3
tap_tmpdir
SG17D_LOG_REQUESTS=1 # the Range request's log line is checked below

S="$SG17_BIN"
DB="$T/sg17.db"
VENDOR=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe
CLASS=1492af14-2569-5e48-bf42-9b2d51f2ab45

# ---- tokens, daemon -----------------------------------------------------------
AUTHOR=$("$SG17D_BIN" token create --role author --name fw-author --db "$DB" 2>/dev/null)
for d in dev1 dev2 dev3; do
    "$SG17D_BIN" token create --role device --name "$d" --db "$DB" >"$T/$d.token" 2>/dev/null
done
[[ "$AUTHOR" =~ ^sg17_ ]] && [ -s "$T/dev3.token" ]
ok $? "author and device tokens"

sg17d_must_start "$T/log" --db "$DB"
ok 0 "sg17d on $URL"
A=(-H "Authorization: Bearer $AUTHOR")
req() { curl -s -o "$T/body" -w '%{http_code}' --max-time 20 "$@"; }

# ---- author: keys, images, manifest --------------------------------------------
"$S" pqc keygen --alg ml-dsa-65 -o "$T/author" >/dev/null 2>&1
ok $? "author ML-DSA-65 key"
head -c 12000 /dev/urandom >"$T/factory.bin"
head -c 50000 /dev/urandom >"$T/app.bin"
cat >"$T/desc.json" <<JSON
{
  "sequence-number": 2,
  "vendor-id": "$VENDOR",
  "class-id": "$CLASS",
  "components": [ {"id": ["app"], "image": "app.bin", "uri": "/v1/update/images/app.bin"} ]
}
JSON
"$S" update manifest create "$T/desc.json" -o "$T/m.suit" 2>"$T/err" &&
    "$S" update manifest sign --key "$T/author" "$T/m.suit" 2>>"$T/err"
ok $? "manifest created and signed (ML-DSA-65)"

code=$(req "${A[@]}" --data-binary @"$T/app.bin" "$URL/v1/update/images/app.bin")
is "$code" 201 "image upload"
code=$(req "${A[@]}" --data-binary @"$T/m.suit" "$URL/v1/update/envelopes")
is "$code" 201 "envelope upload"
DG=$(sed -n 's/.*"manifest": *"\([0-9a-f]\{64\}\)".*/\1/p' "$T/body")
[ ${#DG} -eq 64 ]
ok $? "tracker returned the manifest digest $DG"
printf 'not an envelope' >"$T/junk"
code=$(req "${A[@]}" --data-binary @"$T/junk" "$URL/v1/update/envelopes")
is "$code" 422 "malformed envelope refused at upload"
code=$(req -H "Authorization: Bearer $(cat "$T/dev1.token")" --data-binary @"$T/m.suit" \
    "$URL/v1/update/envelopes")
is "$code" 403 "a device token cannot upload"

# ---- devices --------------------------------------------------------------------
for d in dev1 dev2 dev3; do
    "$S" device init --state "$T/$d" --id "$d" --vendor-id "$VENDOR" --class-id "$CLASS" \
        --trust-anchor "$T/author.pub" --require-pq --factory "$T/factory.bin" \
        --slot-size 262144 2>"$T/err"
    ok $? "$d provisioned"
    key=$("$S" device pubkey --state "$T/$d")
    code=$(req "${A[@]}" -H 'Content-Type: application/json' \
        -d "{\"id\":\"$d\",\"class\":\"cam\",\"key\":\"$key\"}" "$URL/v1/update/devices")
    is "$code" 201 "$d registered"
done
code=$(req "${A[@]}" -d "{\"name\":\"c1\",\"manifest\":\"$DG\",\"devices\":[\"dev1\",\"dev2\",\"dev3\"]}" \
    "$URL/v1/update/campaigns")
is "$code" 201 "campaign c1 for dev1, dev2, dev3"
code=$(req -H "Authorization: Bearer $(cat "$T/dev1.token")" "$URL/v1/update/poll?device=dev2")
is "$code" 403 "dev1's token cannot poll for dev2"

run() { # run DEV [extra args]: exit code in $rc, JSON in $T/DEV.out
    local d=$1
    shift
    "$S" device run --state "$T/$d" --server "$URL" --token-file "$T/$d.token" "$@" \
        >"$T/$d.out" 2>"$T/$d.err"
    rc=$?
}
jget() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$T/$1.out"; }

# ---- dev1: download cut midway, resumed with Range ------------------------------
run dev1 --cut-download 20000
is "$rc" 0 "dev1 run exits 0"
is "$(jget dev1 confirmed)" true "dev1 confirmed the new image"
is "$(jget dev1 committed_sequence)" 2 "dev1 anti-rollback counter 2"
is "$(jget dev1 resumed_from)" 20000 "dev1 resumed the download at byte 20000"
grep -q '"/v1/update/images/app.bin" 206 30000B' "$T/log"
ok $? "server answered the Range request with 206 and the remaining 30000 bytes"
hdrs=$(curl -s -D - -o /dev/null --max-time 20 -H "Authorization: Bearer $(cat "$T/dev1.token")" \
    -r 20000- "$URL/v1/update/images/app.bin" | tr -d '\r')
grep -qi '^content-range: bytes 20000-49999/50000$' <<<"$hdrs"
ok $? "206 carries Content-Range: bytes 20000-49999/50000 (RFC 9110)"
hdrs=$(curl -s -D - -o /dev/null --max-time 20 -H "Authorization: Bearer $(cat "$T/dev1.token")" \
    -r 90000- "$URL/v1/update/images/app.bin" | tr -d '\r')
grep -q '^HTTP/1.1 416' <<<"$hdrs" && grep -qi '^content-range: bytes \*/50000$' <<<"$hdrs"
ok $? "an unsatisfiable range gets 416 with Content-Range: bytes */50000"

# ---- dev2: power lost mid-install -----------------------------------------------
run dev2 --cut-flash 4
is "$rc" 3 "dev2: power cut after 4 flash writes (exit 3, run again)"
"$S" device status --state "$T/dev2" >"$T/dev2.st"
grep -q '"committed_sequence":1' "$T/dev2.st"
ok $? "dev2 after the cut: counter still 1"
code=$(req "${A[@]}" "$URL/v1/update/devices/dev2")
grep -q '"status": *"downloading"' "$T/body"
ok $? "tracker: dev2 downloading (no report yet)"
run dev2
is "$rc" 0 "dev2 next power-on exits 0"
is "$(jget dev2 committed_sequence)" 2 "dev2 completed: counter 2"
is "$(jget dev2 reported)" true "dev2 reported after the confirmed boot"

# ---- dev3: forged image (server storage tampered) --------------------------------
head -c 50000 /dev/urandom >"$T/forged.bin"
sqlite3 "$DB" "UPDATE update_images SET body = readfile('$T/forged.bin') WHERE name = 'app.bin'" 2>"$T/err" ||
    sqlite3 "$DB" "UPDATE update_images SET body = X'$(xxd -p "$T/forged.bin" | tr -d '\n')' WHERE name = 'app.bin'"
run dev3
is "$rc" 1 "dev3 refuses the forged image (exit 1)"
grep -q "image-match" "$T/dev3.err"
ok $? "dev3's reason names condition-image-match"
is "$(jget dev3 committed_sequence)" 1 "dev3 counter stays 1"
"$S" device status --state "$T/dev3" | grep -q '"active_slot":0'
ok $? "dev3 still runs its factory slot"

# ---- the tracker's view ----------------------------------------------------------
code=$(req "${A[@]}" "$URL/v1/update/campaigns/c1")
is "$code" 200 "campaign status"
cp "$T/body" "$T/c1.json"
for pair in dev1:installed dev2:installed dev3:refused; do
    d=${pair%%:*}
    want=${pair#*:}
    got=$(tr -d ' \n' <"$T/c1.json" | sed -n "s/.*\"$d\":{\"status\":\"\([a-z]*\)\".*/\1/p")
    is "$got" "$want" "tracker: $d $want"
done
grep -q "image-match" "$T/c1.json"
ok $? "tracker keeps dev3's reason"
code=$(req "${A[@]}" "$URL/v1/update/devices/dev1")
grep -q '"sequence": *2' "$T/body" && grep -q "\"manifest\": *\"$DG\"" "$T/body"
ok $? "dev1 history: report bound to manifest $DG, sequence 2"

# ---- report replay / spoofing ------------------------------------------------------
sqlite3 "$DB" "SELECT hex(report) FROM update_reports WHERE device = 'dev1'" | xxd -r -p >"$T/r1.cbor"
[ -s "$T/r1.cbor" ]
ok $? "dev1's stored signed report"
code=$(req -H "Authorization: Bearer $(cat "$T/dev1.token")" -H 'Content-Type: application/cbor' \
    --data-binary @"$T/r1.cbor" "$URL/v1/update/reports")
is "$code" 409 "replayed report refused (offer closed, nonce spent)"
code=$(req -H "Authorization: Bearer $(cat "$T/dev2.token")" -H 'Content-Type: application/cbor' \
    --data-binary @"$T/r1.cbor" "$URL/v1/update/reports")
is "$code" 403 "dev1's report sent with dev2's token refused"
python3 - "$T/r1.cbor" "$T/r1bad.cbor" <<'PY' 2>/dev/null
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
b[-10] ^= 1
open(sys.argv[2], 'wb').write(b)
PY
code=$(req -H "Authorization: Bearer $(cat "$T/dev1.token")" -H 'Content-Type: application/cbor' \
    --data-binary @"$T/r1bad.cbor" "$URL/v1/update/reports")
is "$code" 422 "report with a flipped signature bit refused"

run dev1
is "$rc" 0 "dev1 polls again: nothing to do"
is "$(jget dev1 installed)" false "no second install"

# ---- staged rollout by class ----------------------------------------------------------
code=$(req "${A[@]}" -d "{\"name\":\"stage0\",\"manifest\":\"$DG\",\"class\":\"cam\",\"percent\":0}" \
    "$URL/v1/update/campaigns")
is "$code" 201 "class campaign at 0 %"
code=$(req -H "Authorization: Bearer $(cat "$T/dev1.token")" "$URL/v1/update/poll?device=dev1")
grep -q '"manifest": *null' "$T/body"
ok $? "0 % rollout: dev1 is not offered anything"
code=$(req "${A[@]}" -d "{\"name\":\"stage100\",\"manifest\":\"$DG\",\"class\":\"cam\",\"percent\":100}" \
    "$URL/v1/update/campaigns")
is "$code" 201 "class campaign at 100 %"
code=$(req -H "Authorization: Bearer $(cat "$T/dev1.token")" "$URL/v1/update/poll?device=dev1")
grep -q '"campaign": *"stage100"' "$T/body"
ok $? "100 % rollout: dev1 is offered stage100"
code=$(req "${A[@]}" -d "{\"name\":\"stage100\",\"manifest\":\"$DG\",\"class\":\"cam\"}" \
    "$URL/v1/update/campaigns")
is "$code" 409 "campaign name taken"
code=$(req "${A[@]}" -d '{"name":"bad","manifest":"00","devices":["dev1"]}' "$URL/v1/update/campaigns")
is "$code" 400 "malformed campaign refused"

sg17d_stop
is "$STATUS" 0 "sg17d stops cleanly"
tap_done
