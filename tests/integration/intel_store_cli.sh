#!/usr/bin/env bash
# The intel store end to end (docs/INTEL-STORE.md): sg17 intel store ingest
# (two feeds, a rejected object, a warninglist, a MISP feed written by sg17
# intel export, a plain list), compile -> sg17 intel match -> sightings back
# into the store -> stats; exports; and sg17d's GET /intel/v1/summary and
# POST /intel/v1/sightings on the same database over real HTTP, with roles.
set -u
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN SG17_BIN
tap_need_tools curl jq sqlite3
tap_tmpdir
S=$SG17_BIN
DB="$T/sg17.db"
NOW=2024-06-02T12:00:00Z

ind() { # ind ID8 PATTERN [extra json]
    printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%s-17d4-4cbf-938f-98ee46b3cd3f","created":"2024-01-01T00:00:00Z","modified":"2024-01-01T00:00:00Z","pattern_type":"stix","pattern":"%s","valid_from":"2020-01-01T00:00:00Z"%s}' "$1" "$2" "${3:-}"
}
G='"object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]'
{
    echo '{"type":"bundle","id":"bundle--11111111-1111-4111-8111-111111111111","objects":['
    ind 00000001 "[ipv4-addr:value = '198.51.100.10']" ",\"confidence\":90,$G"; echo ,
    ind 00000002 "[ipv4-addr:value ISSUBSET '203.0.113.0/24']" ",$G"; echo ,
    ind 00000003 "[domain-name:value = 'C2.Example.']" ",$G"; echo ,
    ind 00000004 "[x-sg17-sccp-gt:value LIKE '99988%']" ",\"x_sg17_fs11_category\":\"cat1\",$G"; echo ,
    ind 00000005 "[ipv4-addr:value = '192.0.2.99']" ",\"valid_until\":\"2021-01-01T00:00:00Z\""; echo ,
    ind 00000006 "[domain-name:value = 'cdn.benign.example']" ",$G"; echo ,
    echo '{"type":"indicator","id":"indicator--nope"}'
    echo ']}'
} >"$T/feedA.json"
cat >"$T/wl.json" <<'EOF'
{"name": "Benign CDNs", "type": "hostname", "list": ["benign.example"], "matching_attributes": ["domain", "hostname"]}
EOF

rc_is 1 "ingest feedA: exit 1 because one object is rejected" \
    "$S" intel store ingest --db "$DB" --source feedA --warninglist "$T/wl.json" --now "$NOW" --json "$T/feedA.json"
is "$(jq -r '"\(.stored)/\(.rejected)/\(.new_values)/\(.filtered)"' "$T/out")" "6/1/6/1" \
    "stored 6, rejected 1, 6 values, 1 filtered"
grep -q 'indicator--nope' "$T/err"
ok $? "the rejected object and its reason on stderr"
rc_is 1 "the same bundle as feedB" \
    "$S" intel store ingest --db "$DB" --source feedB --now "$NOW" --json "$T/feedA.json"
is "$(jq -r '"\(.duplicates)/\(.new_values)"' "$T/out")" "6/0" "feedB: duplicates, no new values"
printf '# list\n198.51.100.10\nlisted-only.example\n' >"$T/list.txt"
rc_is 0 "a plain list via the collector" \
    "$S" intel store ingest --db "$DB" --list "auto:$T/list.txt" --source list1 --tlp clear --now "$NOW" --json
is "$(jq -r '"\(.stored)/\(.new_values)"' "$T/out")" "2/1" "list: 2 indicators, 1 new value"
# a JSON array (not a bundle) and stdin take the whole-document path
printf '[%s]' "$(ind 000000a1 "[ipv4-addr:value = '192.0.2.161']")" >"$T/array.json"
rc_is 0 "a JSON array of objects" "$S" intel store ingest --db "$T/arr.db" --json "$T/array.json"
is "$(jq -r .stored "$T/out")" 1 "stored"
"$S" intel store ingest --db "$T/arr.db" --source stdin-feed --json - <"$T/feedA.json" >"$T/out" 2>/dev/null
is "$(jq -r .stored "$T/out")" 6 "a bundle on stdin"
# a bundle cut short: the objects before the damage are kept, the error names the file
{ echo '{"type":"bundle","id":"bundle--11111111-1111-4111-8111-111111111111","objects":['
  ind 000000a2 "[ipv4-addr:value = '192.0.2.162']"; echo ', {"type": '; } >"$T/cut.json"
rc_is 3 "a truncated bundle: exit 3" "$S" intel store ingest --db "$T/cut.db" "$T/cut.json"
grep -q 'cut.json' "$T/err"
ok $? "the error names the file"
is "$(sqlite3 "$T/cut.db" 'SELECT COUNT(*) FROM intel_objects')" 1 "the object before it was stored"
rc_is 2 "bad --tlp is a usage error" "$S" intel store ingest --db "$DB" --tlp purple "$T/feedA.json"
printf '{"type":"bundle",' >"$T/broken.json"
rc_is 3 "malformed JSON: exit 3" "$S" intel store ingest --db "$DB" "$T/broken.json"
grep -q 'broken.json' "$T/err"
ok $? "the error names the file"

# the MISP warninglists of the vectors directory, read in place (skipped if absent)
WLD="${SG17_VECTORS:-${SG17_SOURCE_DIR:-.}/../shared/vectors}/stix/misp/warninglists"
if [ -d "$WLD" ]; then
    printf '[%s]' "$(ind 000000f1 "[ipv4-addr:value = '8.8.8.8'] OR [ipv4-addr:value = '192.168.1.1'] OR [domain-name:value = 'not-listed.example']")" >"$T/wl_ind.json"
    rc_is 0 "--warninglist-dir over the vectors' lists" \
        "$S" intel store ingest --db "$T/wl.db" --warninglist-dir "$WLD" --now "$NOW" --json "$T/wl_ind.json"
    is "$(jq -r .filtered "$T/out")" 2 "two values filtered"
    is "$(sqlite3 "$T/wl.db" "SELECT filtered FROM intel_values WHERE canon='8.8.8.8'")" \
        "$(jq -r .name "$WLD/public-dns-v4.json")" "8.8.8.8 filtered by the public DNS list (its name)"
    is "$(sqlite3 "$T/wl.db" "SELECT filtered FROM intel_values WHERE canon='192.168.1.1'")" \
        "$(jq -r .name "$WLD/rfc1918.json")" "192.168.1.1 by the RFC 1918 list"
    is "$(sqlite3 "$T/wl.db" "SELECT COUNT(*) FROM intel_values WHERE filtered IS NULL")" 1 \
        "the unlisted value stays active"
else
    echo "# warninglists not present ($WLD): --warninglist-dir not tested"
fi

rc_is 0 "stats --json" "$S" intel store stats --db "$DB" --json --now "$NOW"
cp "$T/out" "$T/stats1"
is "$(jq -r '"\(.values.total)/\(.values.active)/\(.values.expired)/\(.values.filtered)"' "$T/stats1")" \
    "7/5/1/1" "values: 7 total, 5 active, 1 expired, 1 filtered"
is "$(jq -r '"\(.by_source.feedA)/\(.by_source.feedB)/\(.by_source.list1)"' "$T/stats1")" "4/4/2" \
    "active values by source"
is "$(jq -r '.by_fs11_category."1"' "$T/stats1")" 1 "FS.11 category 1"
is "$(jq -r '.objects.rejected' "$T/stats1")" 2 "two rejects recorded (feedA, feedB)"

# ---- apply and feed back -------------------------------------------------------------
rc_is 0 "compile the active set" "$S" intel store compile --db "$DB" --now "$NOW" -o "$T/active.json"
is "$(jq '.objects | length' "$T/active.json")" 5 "5 active indicators"
printf '#separator \\x09\n#path\tconn\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\n' >"$T/conn.log"
printf '1717300000.1\tC1\t192.0.2.5\t1\t198.51.100.10\t443\n1717303600.0\tC2\t192.0.2.5\t2\t203.0.113.9\t80\n' >>"$T/conn.log"
printf '1717307200.0\tC5\t198.51.100.10\t3\t192.0.2.1\t4\n1717307300.0\tC6\t192.0.2.5\t3\t192.0.2.99\t4\n' >>"$T/conn.log"
"$S" intel match --format zeek --indicators "$T/active.json" --now "$NOW" "$T/conn.log" >"$T/s.jsonl" 2>"$T/err"
is "$?" 1 "sg17 intel match on the compiled set: sightings"
is "$(wc -l <"$T/s.jsonl")" 2 "two values sighted (the expired one is not compiled)"
rc_is 0 "sightings into the store" "$S" intel store sightings --db "$DB" --now "$NOW" --json "$T/s.jsonl"
is "$(jq -r '"\(.recorded)/\(.unmatched)/\(.invalid)"' "$T/out")" "2/0/0" "both recorded"
rc_is 0 "the same file again" "$S" intel store sightings --db "$DB" --now "$NOW" --json "$T/s.jsonl"
"$S" intel store stats --db "$DB" --json --now "$NOW" >"$T/stats2" 2>/dev/null
is "$(jq -r '.sightings.total' "$T/stats2")" 3 "3 sightings counted once"
is "$(jq -r '.top_sighted[0].value' "$T/stats2")" 198.51.100.10 "top sighted value"
C0=$(jq -r '.objects[] | select(.pattern == "[ipv4-addr:value = '"'"'198.51.100.10'"'"']") | .confidence' "$T/active.json")
"$S" intel store compile --db "$DB" --now "$NOW" -o "$T/active2.json" 2>/dev/null
C1=$(jq -r '.objects[] | select(.pattern == "[ipv4-addr:value = '"'"'198.51.100.10'"'"']") | .confidence' "$T/active2.json")
[ "$C1" -gt "$C0" ]
ok $? "confidence rose with the sightings ($C0 -> $C1)"
"$S" intel store compile --db "$DB" --now 2024-12-01T00:00:00Z -o "$T/active3.json" 2>/dev/null
C2=$(jq -r '.objects[] | select(.pattern == "[ipv4-addr:value = '"'"'198.51.100.10'"'"']") | .confidence' "$T/active3.json")
[ "$C2" -lt "$C1" ]
ok $? "and decays with age ($C1 -> $C2 six months later)"
# the same loop in one command: store match --feedback
cp "$DB" "$T/loop.db"
"$S" intel store match --db "$T/loop.db" --format zeek --now "$NOW" --feedback "$T/conn.log" >"$T/m.jsonl" 2>"$T/err"
is "$?" 1 "store match: exit 1 (sightings)"
is "$(wc -l <"$T/m.jsonl")" 2 "the same two values sighted"
is "$(jq -r '.x_sg17_observation.indicator_value' "$T/m.jsonl" | sort | tr '\n' ' ')" \
    "$(jq -r '.x_sg17_observation.indicator_value' "$T/s.jsonl" | sort | tr '\n' ' ')" \
    "as sg17 intel match on the compiled bundle"
"$S" intel store stats --db "$T/loop.db" --json >"$T/stats3" 2>/dev/null
is "$(jq -r '.sightings.total' "$T/stats3")" 6 "--feedback recorded them (3 before + 3)"
printf '1.0\tbad\n' | "$S" intel store match --db "$T/loop.db" --format zeek - >/dev/null 2>"$T/err"
rc=$?
[ "$rc" -eq 0 ] && grep -q -- '-:1: ' "$T/err"
ok $? "store match: a malformed line is reported as FILE:LINE and skipped (exit $rc)"
rc_is 2 "store match without --format" "$S" intel store match --db "$T/loop.db" "$T/conn.log"

printf 'not json\n' >"$T/bad.jsonl"
rc_is 1 "unusable sightings: exit 1" "$S" intel store sightings --db "$DB" "$T/bad.jsonl"
grep -q 'line 1' "$T/err"
ok $? "named by line"

# ---- exports --------------------------------------------------------------------------------
rc_is 0 "zeek export (default tlp-max green)" "$S" intel export --db "$DB" --format zeek -o "$T/z.intel" --now "$NOW"
grep -q $'^198.51.100.10\tIntel::ADDR\t' "$T/z.intel" && ! grep -q 'benign' "$T/z.intel"
ok $? "zeek: the green address, not the filtered domain"
rc_is 0 "misp export" "$S" intel export --db "$DB" --format misp -o "$T/misp" --tlp-max green --now "$NOW"
[ -s "$T/misp/manifest.json" ] && [ -s "$T/misp/hashes.csv" ]
ok $? "misp feed directory written"
rc_is 0 "the MISP feed ingested into a new store" \
    "$S" intel store ingest --db "$T/two.db" --misp-feed "$T/misp" --source misp --json --now "$NOW"
is "$(jq -r .new_values "$T/out")" "$(grep -c . "$T/misp/hashes.csv")" "every attribute a value"
rc_is 2 "export without -o is a usage error" "$S" intel export --db "$DB" --format zeek
rc_is 2 "unknown format" "$S" intel export --db "$DB" --format csv -o "$T/x"

# ---- sg17d on the same database ---------------------------------------------------------
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
TADM=$("$SG17D_BIN" token create --role admin --name adm --db "$DB" 2>/dev/null)
TDEV=$("$SG17D_BIN" token create --role device --name dev --db "$DB" 2>/dev/null)
[ -n "$TANA" ] && [ -n "$TADM" ] && [ -n "$TDEV" ]
ok $? "tokens in the store's database"
sg17d_must_start "$T/log" --db "$DB"
req() { curl -s -o "$T/body" -w '%{http_code}' --max-time 20 "$@"; }
is "$(req -H "Authorization: Bearer $TANA" "$URL/intel/v1/summary?hours=0")" 200 "analyst GET summary"
jq -S 'del(.generated, .top_sighted[].confidence, .sightings_by_hour)' "$T/body" >"$T/a"
"$S" intel store stats --db "$DB" --json --hours 0 >"$T/b0" 2>/dev/null
jq -S 'del(.generated, .top_sighted[].confidence, .sightings_by_hour)' "$T/b0" >"$T/b"
cmp -s "$T/a" "$T/b"
ok $? "the same counters as sg17 intel store stats"
is "$(req -H "Authorization: Bearer $TADM" "$URL/intel/v1/summary")" 200 "admin GET summary"
is "$(jq '.sightings_by_hour | length' "$T/body")" 48 "48 hourly entries by default"
is "$(req -H "Authorization: Bearer $TDEV" "$URL/intel/v1/summary")" 403 "device: 403"
is "$(req "$URL/intel/v1/summary")" 401 "no token: 401"
is "$(req -H "Authorization: Bearer $TANA" "$URL/intel/v1/summary?hours=x")" 400 "bad hours: 400"
# a fresh sighting, now
NOWS=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
printf '{"type":"sighting","spec_version":"2.1","id":"sighting--00000000-0000-4000-8000-0000000000f1","sighting_of_ref":"indicator--00000003-17d4-4cbf-938f-98ee46b3cd3f","count":4,"first_seen":"%s","last_seen":"%s","x_sg17_observation":{"indicator_type":"domain-name","indicator_value":"c2.example"}}\n' "$NOWS" "$NOWS" >"$T/new.jsonl"
is "$(req -X POST -H "Authorization: Bearer $TANA" -H 'Content-Type: application/x-ndjson' \
    --data-binary "@$T/new.jsonl" "$URL/intel/v1/sightings")" 200 "analyst POST sightings"
is "$(jq -r '"\(.recorded)/\(.unmatched)/\(.invalid)"' "$T/body")" "1/0/0" "recorded"
req -H "Authorization: Bearer $TANA" "$URL/intel/v1/summary?hours=2" >/dev/null
is "$(jq -r '.sightings_by_hour[1].count' "$T/body")" 4 "the current hour shows the 4 sightings"
is "$(jq -r '.sightings_by_type."domain-name"' "$T/body")" 4 "sightings by type"
is "$(req -X POST -H "Authorization: Bearer $TADM" --data-binary "@$T/new.jsonl" \
    "$URL/intel/v1/sightings")" 403 "admin may not post sightings"
is "$(req -X POST -H "Authorization: Bearer $TANA" --data-binary "@$T/bad.jsonl" \
    "$URL/intel/v1/sightings")" 400 "unusable body: 400"
jq -r .reason "$T/body" | grep -q 'line 1'
ok $? "with the reason"
sg17d_stop
is "$STATUS" 0 "sg17d stopped cleanly"
tap_done "$T/log"
