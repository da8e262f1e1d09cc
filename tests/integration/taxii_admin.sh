#!/usr/bin/env bash
# TAXII administration and HTTP Basic pulls over real HTTP on loopback, with
# sg17d loaded with the medallion fixture and medallion's test users (both
# read in place; skips plainly without them):
# - `sg17 intel pull --user NAME --password-file F` / $SG17_TAXII_PASSWORD:
#   user1 pulls a readable collection, a wrong password is a 401 (exit 3), a
#   collection without read right gives the 403 title; usage errors;
# - `sg17d taxii acl list|set|revoke` and `sg17d taxii collection add` on the
#   database of a running sg17d: a role gains and loses access on the next
#   request (no restart), a new collection in a served root is served at once,
#   a new API root after a restart;
# - the access log names the TAXII principal (token:NAME, user:NAME).
set -u
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
. "$(dirname "$0")/../harness/taxii.sh"
tap_need_bins SG17D_BIN SG17_BIN
tap_need_tools curl jq
VEC=${SG17_VECTORS:-${SG17_SOURCE_DIR:-.}/../shared/vectors}
FIX="$VEC/stix/taxii/medallion_default_data.json"
CONF="$VEC/stix/taxii/medallion_test_config.json"
tap_need_files "$FIX" "$CONF"
tap_tmpdir

DB="$T/sg17d.db"
HV=91a7b528-80eb-42ed-a74d-c6fbd5a26116     # read + write in the fixture
NOREAD=472c94ae-3113-4e3e-a4dd-a9f4ac7471d4 # can_read false, can_write true
NEWC=5d0c4b3a-0f6e-4c1b-9a51-0a7e2b3c4d5e   # made by `taxii collection add`

TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
TDEV=$("$SG17D_BIN" token create --role device --name dev1 --db "$DB" 2>/dev/null)
[ -n "$TANA" ] && [ -n "$TDEV" ]
ok $? "analyst and device tokens"
SG17D_LOG_REQUESTS=1 sg17d_must_start "$T/log" --db "$DB" --taxii-fixture "$FIX" \
    --taxii-users "$CONF"
ROOT="$URL/trustgroup1/"

# req TOKEN METHOD PATH [curl args] -> HTTP status; body in $T/body
req() {
    local tok=$1 m=$2 p=$3
    shift 3
    taxii_curl -H "Authorization: Bearer $tok" -X "$m" "$@" "$URL$p"
}
post_one() { # post_one TOKEN COLLECTION N -> HTTP status
    printf '{"objects":[{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-%012d","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '"'"'198.51.100.%d'"'"']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}]}' \
        "$3" "$3" >"$T/post.json"
    req "$1" POST "/trustgroup1/collections/$2/objects/" -H "Content-Type: $TAXII_MT" \
        --data-binary "@$T/post.json"
}
adm() { "$SG17D_BIN" taxii "$@" --db "$DB" >"$T/aout" 2>"$T/aerr"; }

# ---- sg17 intel pull with HTTP Basic ----------------------------------------------------
WANT=$(jq -r --arg c "$HV" '.trustgroup1.collections[] | select(.id == $c) | .objects[] | .id' \
    "$FIX" | sort -u | wc -l)
[ "$WANT" -gt 0 ]
ok $? "the fixture's collection $HV holds $WANT objects"
taxii_pw user1 >"$T/pw1"
chmod 600 "$T/pw1"
"$SG17_BIN" intel pull "$ROOT" --collection "$HV" --user user1 --password-file "$T/pw1" \
    --limit 2 >"$T/out" 2>"$T/err"
ok $? "user1 pulls a readable collection with --user/--password-file ($(cat "$T/err"))"
is "$(jq -r '[.objects[].id] | unique | length' "$T/out" 2>/dev/null)" "$WANT" \
    "the bundle holds the collection's $WANT objects"
grep -q 'in 3 pages' "$T/err"
ok $? "limit 2: the pages followed with the same credentials"
SG17_TAXII_PASSWORD=$(taxii_pw user1) "$SG17_BIN" intel pull "$ROOT" --collection "$HV" \
    --user user1 >"$T/out2" 2>"$T/err"
ok $? "the password from \$SG17_TAXII_PASSWORD"
cmp -s <(jq -S . "$T/out") <(jq -S . "$T/out2")
ok $? "the same bundle"
"$SG17_BIN" intel pull "$ROOT" --collection "$HV" --user user1 --password-file "$T/pw1" \
    --db "$T/store.db" >"$T/out" 2>"$T/err"
ok $? "Basic pull into a store"
grep -q "$WANT new versions stored" "$T/err"
ok $? "every object stored ($(cat "$T/err"))"

printf 'wrong\n' >"$T/pwbad"
rc_is 3 "wrong password: exit 3" "$SG17_BIN" intel pull "$ROOT" --collection "$HV" \
    --user user1 --password-file "$T/pwbad"
grep -q 'HTTP 401: Unauthorized - unknown user or wrong password' "$T/err"
ok $? "wrong password: the 401 error message ($(cat "$T/err"))"
rc_is 3 "unknown user: exit 3" env SG17_TAXII_PASSWORD=x "$SG17_BIN" intel pull "$ROOT" \
    --collection "$HV" --user nobody
grep -q 'HTTP 401: ' "$T/err"
ok $? "unknown user: HTTP 401"
rc_is 3 "collection without read right: exit 3" "$SG17_BIN" intel pull "$ROOT" \
    --collection "$NOREAD" --user user1 --password-file "$T/pw1"
TITLE=$(curl -s --max-time 20 -u "user1:$(taxii_pw user1)" -H "Accept: $TAXII_MT" \
    "${ROOT}collections/$NOREAD/objects/" | jq -r .title)
[ -n "$TITLE" ] && grep -q "HTTP 403: $TITLE" "$T/err"
ok $? "no read right: the server's 403 title '$TITLE' ($(cat "$T/err"))"

rc_is 2 "no --password option (a password never on the command line)" "$SG17_BIN" intel pull \
    "$ROOT" --collection "$HV" --user user1 --password "$(taxii_pw user1)"
grep -q "$(taxii_pw user1)" "$T/err"
ok $((1 - $?)) "... and the password given to it is not echoed ($(cat "$T/err"))"
rc_is 2 "--pass is ambiguous, not taken for --password-file" "$SG17_BIN" intel pull "$ROOT" \
    --collection "$HV" --user user1 --pass "$(taxii_pw user1)"
rc_is 2 "--user without a password source" env -u SG17_TAXII_PASSWORD "$SG17_BIN" intel pull \
    "$ROOT" --collection "$HV" --user user1
rc_is 2 "--user with a token" "$SG17_BIN" intel pull "$ROOT" --collection "$HV" --user user1 \
    --password-file "$T/pw1" --token "$TANA"
rc_is 2 "--password-file without --user" "$SG17_BIN" intel pull "$ROOT" --collection "$HV" \
    --password-file "$T/pw1"
rc_is 3 "unreadable password file: exit 3" "$SG17_BIN" intel pull "$ROOT" --collection "$HV" \
    --user user1 --password-file "$T/nonexistent"
rc_is 3 "a user name with ':' is refused" env SG17_TAXII_PASSWORD=x "$SG17_BIN" intel pull \
    "$ROOT" --collection "$HV" --user 'a:b'
grep -q "without ':'" "$T/err"
ok $? "... saying why ($(cat "$T/err"))"

# ---- rights without editing the database, applied on the next request ---------------------
adm acl list
ok $? "taxii acl list"
is "$(grep -c . "$T/aout")" "$(jq '[.[] | objects | .collections[]?] | length * 2' "$FIX")" \
    "one row per fixture collection for admin and analyst"
grep -q "^trustgroup1	$NOREAD	analyst	write	" "$T/aout"
ok $? "the fixture's rights as loaded (analyst: write only on $NOREAD)"
is "$(req "$TDEV" GET "/trustgroup1/collections/$HV/objects/")" 404 \
    "a device token does not see $HV (no rights row)"
adm acl set trustgroup1 "$HV" device read
ok $? "taxii acl set ... device read"
is "$(req "$TDEV" GET "/trustgroup1/collections/$HV/objects/")" 200 \
    "the device reads it on the next request (no restart)"
is "$(post_one "$TDEV" "$HV" 1)" 403 "read only: POST refused"
adm acl set trustgroup1 "$HV" device rw
is "$(post_one "$TDEV" "$HV" 1)" 202 "after set rw: POST accepted"
adm acl set trustgroup1 "$HV" device write
is "$(req "$TDEV" GET "/trustgroup1/collections/$HV/objects/")" 403 "write only: read refused"
is "$(req "$TDEV" GET "/trustgroup1/collections/$HV/" && jq -r '"\(.can_read) \(.can_write)"' \
    "$T/body")" "200false true" "the collection resource shows the new rights"
adm acl revoke trustgroup1 "$HV" device
ok $? "taxii acl revoke"
is "$(req "$TDEV" GET "/trustgroup1/collections/$HV/objects/")" 404 "revoked: 404 again"
rc_is 1 "revoking again: exit 1 (no such row)" "$SG17D_BIN" taxii acl revoke trustgroup1 "$HV" \
    device --db "$DB"
rc_is 1 "set on an unknown collection: exit 1" "$SG17D_BIN" taxii acl set trustgroup1 nope \
    device read --db "$DB"
rc_is 2 "bad rights word: exit 2" "$SG17D_BIN" taxii acl set trustgroup1 "$HV" device all \
    --db "$DB"
rc_is 2 "bad role name: exit 2" "$SG17D_BIN" taxii acl set trustgroup1 "$HV" 'Dev ice' read \
    --db "$DB"
rc_is 2 "missing operand: exit 2" "$SG17D_BIN" taxii acl set trustgroup1 "$HV" device --db "$DB"

# Basic users: user1 is an analyst; taking the analyst's read right away stops its pull
adm acl set trustgroup1 "$HV" analyst write
rc_is 3 "analyst without read right: user1's pull fails" "$SG17_BIN" intel pull "$ROOT" \
    --collection "$HV" --user user1 --password-file "$T/pw1"
grep -q 'HTTP 403: ' "$T/err"
ok $? "... with the 403"
adm acl set trustgroup1 "$HV" analyst rw
rc_is 0 "read right back: user1 pulls again" "$SG17_BIN" intel pull "$ROOT" --collection "$HV" \
    --user user1 --password-file "$T/pw1"

# ---- a new collection in a served root: served at once, visible once a role has rights ---
adm collection add trustgroup1 "$NEWC" --title "Added by taxii3" --description "made offline"
ok $? "taxii collection add in a served root"
grep -q 'no role has rights' "$T/aerr"
ok $? "... says no role has rights yet"
is "$(req "$TANA" GET "/trustgroup1/collections/$NEWC/")" 404 "no rights row: not visible"
adm acl set trustgroup1 "$NEWC" analyst read
is "$(req "$TANA" GET "/trustgroup1/collections/$NEWC/")" 200 "analyst read: visible"
is "$(jq -r '"\(.id)|\(.title)|\(.description)|\(.media_types[0])|\(.can_read)|\(.can_write)"' \
    "$T/body")" "$NEWC|Added by taxii3|made offline|application/stix+json;version=2.1|true|false" \
    "its collection resource"
req "$TANA" GET /trustgroup1/collections/ >/dev/null
jq -e --arg c "$NEWC" '.collections[] | select(.id == $c)' "$T/body" >/dev/null
ok $? "listed in the analyst's collections"
is "$(post_one "$TANA" "$NEWC" 2)" 403 "no write right: POST refused"
adm acl set trustgroup1 "$NEWC" analyst rw
is "$(post_one "$TANA" "$NEWC" 2)" 202 "rw: POST accepted"
"$SG17_BIN" intel pull "$ROOT" --collection "$NEWC" --user user1 --password-file "$T/pw1" \
    >"$T/out" 2>"$T/err"
ok $? "user1 (analyst) pulls the new collection"
is "$(jq -r '.objects[0].id' "$T/out")" "indicator--00000000-0000-4000-8000-000000000002" \
    "the object posted to it"
rc_is 1 "adding it again: exit 1" "$SG17D_BIN" taxii collection add trustgroup1 "$NEWC" \
    --title x --db "$DB"
rc_is 2 "collection add without --title: exit 2" "$SG17D_BIN" taxii collection add trustgroup1 \
    other --db "$DB"
rc_is 2 "an id that is no path segment: exit 2" "$SG17D_BIN" taxii collection add trustgroup1 \
    'a/b' --title x --db "$DB"
adm acl list trustgroup1 "$NEWC"
is "$(cat "$T/aout")" "trustgroup1	$NEWC	analyst	rw	Added by taxii3" "acl list of one collection"

# ---- a new API root: in the database at once, served after a restart ------------------------
adm collection add ops c1 --title "Ops"
ok $? "taxii collection add in a new root"
grep -q 'new API root' "$T/aerr"
ok $? "... says the root is new and needs a restart"
adm acl set ops c1 analyst read
is "$(req "$TANA" GET /ops/collections/c1/)" 404 "not routed before a restart"
is "$(req "$TANA" GET /taxii2/ && jq -r '.api_roots[-1]' "$T/body")" "200$URL/ops/" \
    "discovery lists the new root"
for i in $(seq 1 16); do
    "$SG17D_BIN" taxii collection add --db "$T/many.db" "r$i" c --title t 2>"$T/aerr" || break
done
grep -q warning "$T/aerr"
ok $((1 - $?)) "16 API roots: no warning"
"$SG17D_BIN" taxii collection add --db "$T/many.db" r17 c --title t 2>"$T/aerr"
grep -q 'warning: more than 16 API roots' "$T/aerr"
ok $? "the 17th API root: a warning that sg17d serves 16"

# ---- the access log names the TAXII principal ------------------------------------------------------
grep -q "\"/trustgroup1/collections/$HV/objects/\" 200 .* principal=user:user1$" "$T/log"
ok $? "access log: principal=user:user1 for a Basic pull"
grep -q "\"/trustgroup1/collections/$HV/objects/\" 200 .* principal=token:dev1$" "$T/log"
ok $? "access log: principal=token:dev1 for a Bearer request"
grep -q "\"/trustgroup1/collections/$HV/objects/\" 401 .* principal=-$" "$T/log"
ok $? "access log: a refused credential stays principal=-"
grep -q 'Password' "$T/log"
ok $((1 - $?)) "no password in the log"

sg17d_stop
is "$STATUS" 0 "sg17d stopped cleanly (exit 0)"
SG17D_LOG_REQUESTS=1 sg17d_must_start "$T/log2" --db "$DB" --taxii-users "$CONF"
is "$(req "$TANA" GET /ops/collections/c1/ && jq -r .title "$T/body")" "200Ops" \
    "after a restart the new root is served with its rights"
is "$(req "$TANA" GET /ops/ && jq -r '"\(.title) \(.max_content_length)"' "$T/body")" \
    "200ops 10485760" "its API root information"
is "$(req "$TANA" GET "/trustgroup1/collections/$NEWC/objects/" &&
    jq -r '.objects | length' "$T/body")" "2001" "the added collection kept its object"
sg17d_stop
is "$STATUS" 0 "the restarted sg17d stopped cleanly"

tap_done "$T/log" "$T/log2"
