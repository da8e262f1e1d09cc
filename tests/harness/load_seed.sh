# Sourced by tests/integration/load_wrk.sh and soak_slow.sh (after tap.sh and
# sg17d.sh, with T, SG17_BIN, SG17D_BIN, SRC and INV set): creates the tokens
# and the data of every service the load tests drive (SUCI key, Circular 268,
# intel store, a TAXII collection seeded through TAXII POST, signed MBR reports,
# a firmware image), starts sg17d (PID, PORT, URL) and checks each endpoint's
# reply once before the load.
DB="$T/sg17.db"
ADMIN=$("$SG17D_BIN" token create --role admin --name admin1 --db "$DB" 2>/dev/null)
ANALYST=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
SIDF=$("$SG17D_BIN" token create --role sidf --name ausf1 --db "$DB" 2>/dev/null)
AUTHOR=$("$SG17D_BIN" token create --role author --name author1 --db "$DB" 2>/dev/null)
DEVICE=$("$SG17D_BIN" token create --role device --name dev1 --db "$DB" 2>/dev/null)
[ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$SIDF" ] && [ -n "$AUTHOR" ] && [ -n "$DEVICE" ]
ok $? "admin, analyst, sidf, author and device tokens created"

"$SG17_BIN" suci keygen --profile A --key-id 1 -o "$T/hn-a" >/dev/null 2>&1
ok $? "home-network key made by sg17 suci keygen (profile A, key id 1)"
SUCI=$("$SG17_BIN" suci conceal --hn-pub "$T/hn-a.pub" --supi imsi-001010123456789 --routing 0042 2>/dev/null)
[ -n "$SUCI" ]
ok $? "SUCI made by sg17 suci conceal"
printf '{"suci":"%s"}' "$SUCI" >"$T/suci.json"

# Consultation: Member States and Circular 268 in the daemon's database.
SG17_CONSULT_DB="$DB" "$SG17_BIN" consult states import "$SRC/data/consult/member_states.json" >/dev/null &&
    SG17_CONSULT_DB="$DB" "$SG17_BIN" consult circular import "$SRC/data/consult/circular-268.json" >/dev/null
ok $? "Circular 268 imported with sg17 consult"

# Intel store: 256 IPv4 indicators ingested with sg17 intel store ingest;
# the sightings body is 8 JSON Lines about 8 of them (@SEQ@: see load_wrk.lua).
TS=2026-01-01T00:00:00.000Z
{
    printf '{"type":"bundle","id":"bundle--6f0e9c2a-1d6b-4f1e-9a53-0c1e2d3f4a5b","objects":['
    for i in $(seq 0 255); do
        [ "$i" -gt 0 ] && printf ','
        printf '{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-%012d","created":"%s","modified":"%s","pattern_type":"stix","pattern":"[ipv4-addr:value = '"'"'10.0.0.%d'"'"']","valid_from":"2020-01-01T00:00:00Z"}' "$i" "$TS" "$TS" "$i"
    done
    printf ']}\n'
} >"$T/intel.json"
"$SG17_BIN" intel store ingest --db "$DB" --source load "$T/intel.json" >/dev/null 2>"$T/ingest.err"
ok $? "256 indicators ingested into the intel store"
for i in $(seq 1 8); do
    printf '{"type":"sighting","spec_version":"2.1","id":"sighting--%08d-0000-4000-8000-@SEQ@","created":"%s","modified":"%s","sighting_of_ref":"indicator--00000000-0000-4000-8000-%012d","count":1,"x_sg17_observation":{"indicator_type":"ipv4-addr","indicator_value":"10.0.0.%d"}}\n' \
        "$i" "$TS" "$TS" "$((i * 7))" "$((i * 7))"
done >"$T/sightings.jsonl"

# TAXII: an API root "load" with one empty collection, from a data file in
# medallion's format written here; 3000 indicators are POSTed after the start.
CID=91a7b528-80eb-42ed-a74d-c6fbd5a26116
cat >"$T/taxii.json" <<EOF2
{"/discovery": {"title": "sg17 load test", "default": "http://localhost/load/",
  "api_roots": ["http://localhost/load/"]},
 "load": {"information": {"title": "load", "versions": ["application/taxii+json;version=2.1"],
   "max_content_length": 1048576},
  "status": [],
  "collections": [{"id": "$CID", "title": "load", "can_read": true, "can_write": true,
    "media_types": ["application/stix+json;version=2.1"], "objects": [], "manifest": []}]}}
EOF2
# taxii_envelope <first> <count> <id prefix>: indicators with ids <prefix>-<12 digits>
taxii_envelope() {
    local i
    printf '{"objects":['
    for i in $(seq "$1" $(($1 + $2 - 1))); do
        [ "$i" -gt "$1" ] && printf ','
        printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%s-%012d","created":"%s","modified":"%s","pattern_type":"stix","pattern":"[domain-name:value = '"'"'h%d.example'"'"']","valid_from":"2020-01-01T00:00:00Z"}' "$3" "$i" "$TS" "$TS" "$i"
    done
    printf ']}\n'
}
for k in 0 1 2; do taxii_envelope $((k * 1000)) 1000 11111111-0000-4000-8000 >"$T/seed$k.json"; done
{
    printf '{"objects":['
    for k in 1 2 3 4 5; do
        [ "$k" -gt 1 ] && printf ','
        printf '{"type":"indicator","spec_version":"2.1","id":"indicator--2222222%d-0000-4000-8000-@SEQ@","created":"%s","modified":"%s","pattern_type":"stix","pattern":"[domain-name:value = '"'"'n%d.example'"'"']","valid_from":"2020-01-01T00:00:00Z"}' "$k" "$TS" "$TS" "$k"
    done
    printf ']}\n'
} >"$T/envelope.json"

# Firmware: a 1 MiB image; the load reads 64 KiB from its middle.
head -c 1048576 /dev/urandom >"$T/fw.bin"

cat >"$T/sg17d.ini" <<EOF2
[server]
listen = 127.0.0.1
threads = 2
timeout_s = 30
[store]
path = $DB
[log]
level = info
[sidf]
key = $T/hn-a
[assess]
inventory = $INV
[taxii]
fixture = $T/taxii.json
EOF2

# Per-request INFO lines are formatted and written by the daemon, then dropped.
if ! sg17d_start "$T/log" --config "$T/sg17d.ini"; then
    echo "not ok - sg17d did not start"
    sed 's/^/# /' "$T/log"
    exit 1
fi
ok 0 "sg17d listening on $URL"
code=""
for _ in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/healthz")
    [ "$code" = 200 ] && break
    sleep 0.05
done
is "$code" 200 "GET /healthz -> 200 before the load"
# The write endpoints answer 200 to one request before they are put under load.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    -H 'Content-Type: application/json' --data-binary @"$INV" "$URL/v1/assess")
is "$code" 200 "POST /v1/assess -> 200"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $SIDF" \
    -H 'Content-Type: application/json' --data-binary @"$T/suci.json" "$URL/sidf/v1/deconceal")
is "$code" 200 "POST /sidf/v1/deconceal -> 200"
grep -q '"supi":"imsi-001010123456789"' "$T/body"
ok $? "deconceal returns the SUPI"

# TAXII: seed the collection (3 POSTs of 1000), then one page of 100 and one
# small envelope answer as they will under load.
TX="$URL/load/collections/$CID/objects/"
TXT='application/taxii+json;version=2.1'
seeded=0
for k in 0 1 2; do
    code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 30 -H "Authorization: Bearer $ANALYST" \
        -H "Content-Type: $TXT" -H "Accept: $TXT" --data-binary @"$T/seed$k.json" "$TX")
    [ "$code" = 202 ] && grep -q '"success_count":1000' "$T/body" && seeded=$((seeded + 1000))
done
is "$seeded" 3000 "TAXII POST: 3000 indicators added to the collection"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    -H "Accept: $TXT" "$TX?limit=100")
is "$code" 200 "TAXII objects page (limit=100) -> 200"
is "$(grep -o '"type":"indicator"' "$T/body" | wc -l)" 100 "the page holds 100 objects"
grep -q '"more":true' "$T/body"
ok $? "the page says more:true"
sed 's/@SEQ@/999000000000/g' "$T/envelope.json" >"$T/envelope0.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    -H "Content-Type: $TXT" -H "Accept: $TXT" --data-binary @"$T/envelope0.json" "$TX")
is "$code" 202 "TAXII POST of the 5-object envelope -> 202"
grep -q '"success_count":5' "$T/body"
ok $? "its status counts 5 successes"

# Intel: the sightings body is recorded (8 values matched).
sed 's/@SEQ@/999000000000/g' "$T/sightings.jsonl" >"$T/sightings0.jsonl"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    -H 'Content-Type: application/x-ndjson' --data-binary @"$T/sightings0.jsonl" "$URL/intel/v1/sightings")
is "$code" 200 "POST /intel/v1/sightings -> 200"
grep -q '"recorded":8' "$T/body"
ok $? "8 sightings recorded"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    "$URL/intel/v1/summary")
is "$code" 200 "GET /intel/v1/summary -> 200"
grep -q '"total":256' "$T/body"
ok $? "the summary counts 256 values"

# MBR: one reporter (ML-DSA-65 key from sg17 pqc keygen), 8 signed reports.
cat >"$T/alerts.jsonl" <<'EOF2'
{"time":1.5,"decided":1.6,"detector":"timing","id":"0C1","frame":10}
{"time":2.5,"decided":2.6,"detector":"payload","id":"0C1","frame":20}
EOF2
"$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/car1.key" >/dev/null 2>&1
{
    printf '{"id":"car1","public_key":"'
    awk '{ printf "%s\\n", $0 }' "$T/car1.key.pub"
    printf '"}\n'
} >"$T/reg.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ADMIN" \
    -H 'Content-Type: application/json' --data-binary @"$T/reg.json" "$URL/mbr/v1/reporters")
is "$code" 201 "POST /mbr/v1/reporters (car1) -> 201"
posted=0
for i in $(seq 1 8); do
    "$SG17_BIN" vehicle report sign --key "$T/car1.key" --vehicle car1 -o "$T/r.json" "$T/alerts.jsonl" 2>/dev/null &&
        code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $DEVICE" \
            -H 'Content-Type: application/json' --data-binary @"$T/r.json" "$URL/mbr/v1/reports") &&
        [ "$code" = 201 ] && posted=$((posted + 1))
done
is "$posted" 8 "8 signed reports posted (201)"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    "$URL/mbr/v1/summary")
is "$code" 200 "GET /mbr/v1/summary -> 200"
grep -q '"car1"' "$T/body"
ok $? "the summary names car1"

# Consultation tally (admin).
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ADMIN" \
    "$URL/v1/consult/circulars/268/tally")
is "$code" 200 "GET /v1/consult/circulars/268/tally -> 200"

# Firmware: upload the image, read bytes 524288-589823 back.
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $AUTHOR" \
    -H 'Content-Type: application/octet-stream' --data-binary @"$T/fw.bin" "$URL/v1/update/images/fw.bin")
is "$code" 201 "POST /v1/update/images/fw.bin (1 MiB) -> 201"
code=$(curl -s -o "$T/range" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $DEVICE" \
    -H 'Range: bytes=524288-589823' "$URL/v1/update/images/fw.bin")
is "$code" 206 "GET with Range: bytes=524288-589823 -> 206"
tail -c +524289 "$T/fw.bin" | head -c 65536 | cmp -s - "$T/range"
ok $? "the 64 KiB range is the image's bytes"
