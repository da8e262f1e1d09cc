#!/usr/bin/env bash
# sg17 intel pull (TAXII 2.1 client) against sg17d's TAXII 2.1 server loaded
# with the medallion fixture (read in place; skips plainly without it), over
# real HTTP on loopback: a collection pulled in several pages into a store,
# a second pull fetches nothing new, an object added to the server later is
# the only one the next pull fetches, --all-versions, the bundle on stdout
# without --db, and HTTP errors shown with the TAXII error message's title.
set -u
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN SG17_BIN
tap_need_tools curl jq sqlite3
tap_vector FIX stix/taxii/medallion_default_data.json
tap_tmpdir

DB="$T/sg17d.db"
STORE="$T/store.db"
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
TADM=$("$SG17D_BIN" token create --role admin --name adm --db "$DB" 2>/dev/null)
[ -n "$TANA" ] && [ -n "$TADM" ]
ok $? "analyst and admin tokens"
sg17d_must_start "$T/log" --db "$DB" --taxii-fixture "$FIX"

ROOT="$URL/trustgroup1/"
HV=91a7b528-80eb-42ed-a74d-c6fbd5a26116 # 5 objects, 8 versions
ADD=365fed99-08fa-fdcd-a1b3-fb247eb41d01 # can_read + can_write, empty
NOREAD=472c94ae-3113-4e3e-a4dd-a9f4ac7471d4
# expected: the latest version of each object of the collection
jq -r --arg hv "$HV" '.trustgroup1.collections[] | select(.id == $hv) | .objects[] | .id' "$FIX" |
    sort -u >"$T/want_ids"
WANT=$(wc -l <"$T/want_ids")
LAST=$(jq -r --arg hv "$HV" '.trustgroup1.collections[] | select(.id == $hv) | .manifest[] |
    .date_added' "$FIX" | sort | tail -n 1)

pull() { "$SG17_BIN" intel pull "$ROOT" --token "$TANA" "$@" >"$T/out" 2>"$T/err"; }

# ---- without --db: one STIX bundle on stdout --------------------------------------
pull --collection "$HV" --limit 2
ok $? "pull to stdout (exit 0)"
jq -r '.objects[].id' "$T/out" | sort -u >"$T/got_ids"
cmp -s "$T/got_ids" "$T/want_ids"
ok $? "the bundle holds the latest version of each of the $WANT objects"
is "$(jq -r .type "$T/out")" bundle "printed as a STIX bundle"
grep -q "in 3 pages" "$T/err"
ok $? "limit 2: 3 pages followed through next ($(cat "$T/err"))"

# ---- into a store, then incrementally -------------------------------------------------
pull --collection "$HV" --limit 2 --db "$STORE"
ok $? "pull into a store"
is "$(sqlite3 "$STORE" 'SELECT COUNT(DISTINCT id) FROM intel_objects')" "$WANT" \
    "store holds the $WANT objects"
is "$(sqlite3 "$STORE" "SELECT added_last FROM intel_taxii_state WHERE collection='$HV'")" \
    "$(date -u -d "$LAST" +%Y-%m-%dT%H:%M:%S.%6NZ 2>/dev/null || echo "$LAST")" \
    "X-TAXII-Date-Added-Last of the last page remembered"
is "$(sqlite3 "$STORE" "SELECT COUNT(*) FROM intel_objects WHERE source='taxii:${ROOT}collections/$HV/'")" \
    "$WANT" "objects carry the collection URL as their source"
"$SG17_BIN" intel store stats --db "$STORE" --json >"$T/stats" 2>/dev/null
is "$(jq -r '.values.active' "$T/stats")" 2 "the two indicators' values are active"

pull --collection "$HV" --limit 2 --db "$STORE"
ok $? "second pull"
grep -q "^sg17 intel pull: 0 objects in 1 pages" "$T/err"
ok $? "second pull fetches nothing new ($(cat "$T/err"))"
is "$(sqlite3 "$STORE" 'SELECT COUNT(*) FROM intel_objects')" "$WANT" "no versions added"

# ---- an object added to the server later is the only one fetched -----------------
printf '{"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--00000001-0000-4000-8000-0000000000aa","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '"'"'198.51.100.66'"'"']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}]}' >"$T/new.json"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
    -H 'Accept: application/taxii+json;version=2.1' -H "Authorization: Bearer $TADM" \
    -H 'Content-Type: application/taxii+json;version=2.1' --data-binary "@$T/new.json" \
    "${ROOT}collections/$HV/objects/")
is "$code" 202 "a new indicator POSTed to the collection"
pull --collection "$HV" --limit 2 --db "$STORE"
ok $? "third pull"
grep -q "^sg17 intel pull: 1 objects in 1 pages" "$T/err"
ok $? "only the new object is fetched ($(cat "$T/err"))"
"$SG17_BIN" intel store compile --db "$STORE" -o "$T/active.json" 2>/dev/null
jq -e '.objects[] | select(.pattern == "[ipv4-addr:value = '"'"'198.51.100.66'"'"']")' \
    "$T/active.json" >/dev/null
ok $? "its value is active in the store"

# ---- every version on request ---------------------------------------------------------
pull --collection "$HV" --all-versions --added-after 2000-01-01T00:00:00Z --db "$T/all.db"
ok $? "pull with --all-versions"
VERS=$(jq -r --arg hv "$HV" '.trustgroup1.collections[] | select(.id == $hv) | .objects | length' "$FIX")
is "$(sqlite3 "$T/all.db" 'SELECT COUNT(*) FROM intel_objects')" "$((VERS + 1))" \
    "every version stored ($VERS from the fixture + the new one)"

# ---- the token from a file or the environment (not on the command line) -----------
printf '%s\n' "$TANA" >"$T/token"
"$SG17_BIN" intel pull "$ROOT" --collection "$HV" --token-file "$T/token" >"$T/out" 2>"$T/err"
ok $? "--token-file"
SG17_TAXII_TOKEN=$TANA "$SG17_BIN" intel pull "$ROOT" --collection "$HV" >"$T/out" 2>"$T/err"
ok $? "\$SG17_TAXII_TOKEN"
is "$(jq -r '.objects | length' "$T/out")" "$((WANT + 1))" "the same objects (with the one added)"
"$SG17_BIN" intel pull "$ROOT" --collection "$HV" --token-file "$T/nonexistent" >"$T/out" 2>"$T/err"
is "$?" 3 "unreadable token file: exit 3"

# ---- errors ----------------------------------------------------------------------------------
"$SG17_BIN" intel pull "$ROOT" --collection "$HV" --token sg17_bad >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'HTTP 401: ' "$T/err"
ok $? "bad token: exit 3, HTTP 401 with the error title ($(cat "$T/err"))"
pull --collection "$NOREAD"
rc=$?
[ "$rc" -eq 3 ] && grep -q 'HTTP 403: .' "$T/err"
ok $? "no read access: exit 3, HTTP 403 and title ($(cat "$T/err"))"
pull --collection 00000000-0000-4000-8000-00000000dead
rc=$?
[ "$rc" -eq 3 ] && grep -q 'HTTP 404: .' "$T/err"
ok $? "unknown collection: HTTP 404 and title"
"$SG17_BIN" intel pull "http://127.0.0.1:1/x/" --collection "$HV" >"$T/out" 2>"$T/err"
[ $? -eq 3 ] && [ -s "$T/err" ]
ok $? "nothing listening: exit 3 with a reason ($(cat "$T/err"))"
"$SG17_BIN" intel pull "ftp://127.0.0.1/x/" --collection "$HV" >"$T/out" 2>"$T/err"
[ $? -eq 3 ]
ok $? "non-HTTP URL refused"
"$SG17_BIN" intel pull "$ROOT" >"$T/out" 2>"$T/err"
is "$?" 2 "no --collection: usage error"
pull --collection "$ADD"
ok $? "an empty collection is not an error"
is "$(jq -r '.objects | length' "$T/out")" 0 "empty bundle"

sg17d_stop
tap_done "$T/log"
