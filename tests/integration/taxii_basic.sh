#!/usr/bin/env bash
# sg17d's TAXII 2.1 server with HTTP Basic users from medallion's test
# configuration (../shared/vectors/stix/taxii/medallion_test_config.json, read
# in place: admin/Password0, user1, user2) over real HTTP with curl -u:
# discovery, collections and rights per user, wrong or malformed credentials
# (401 with WWW-Authenticate Basic and Bearer), Bearer tokens still working,
# the sg17_roles extension, status resources visible only to their creator and
# admin and expiring after [taxii] status_max_age_s, and TAXII error messages
# for sg17d's own 404 (unknown API root), 405 and 413 (body over max_body_bytes).
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
. "$(dirname "$0")/../harness/taxii.sh"
tap_need_bins SG17D_BIN
tap_need_tools curl jq
tap_vector FIX stix/taxii/medallion_default_data.json
tap_vector CONF stix/taxii/medallion_test_config.json
tap_tmpdir

# req USER:PASS METHOD PATH [curl args] -> status; body in $T/body, headers in $T/hdr
req() {
    local cred=$1 m=$2 p=$3
    shift 3
    taxii_curl -u "$cred" -X "$m" "$@" "$URL$p"
}
post() { # post USER:PASS PATH FILE
    req "$1" POST "$2" -H "Content-Type: $TAXII_MT" --data-binary "@$3"
}
FX() { jq -r "$@" "$FIX"; }
ADMIN="admin:$(taxii_pw admin)"
U1="user1:$(taxii_pw user1)"
U2="user2:$(taxii_pw user2)"

R=/trustgroup1
NOREAD=472c94ae-3113-4e3e-a4dd-a9f4ac7471d4   # can_read false, can_write true
ADD=365fed99-08fa-fdcd-a1b3-fb247eb41d01      # read + write
HV=91a7b528-80eb-42ed-a74d-c6fbd5a26116       # read + write
NOWRITE=52892447-4d7e-4f70-b94d-d7f22742ff63  # can_read true, can_write false
SECRET=64993447-4d7e-4f70-b94d-d7f33742ee63   # neither

DB="$T/sg17.db"
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
[ -n "$TANA" ]
ok $? "an analyst token"
printf '[server]\nmax_body_bytes = 4000\n' >"$T/d.ini"
sg17d_must_start "$T/log" -c "$T/d.ini" --db "$DB" --taxii-fixture "$FIX" --taxii-users "$CONF"
grep -q 'taxii: 3 HTTP Basic users from .* (PBKDF2, 20000 iterations)' "$T/log"
ok $? "the three users of the medallion test configuration were loaded"
grep -q 'Password' "$T/log"
ok $((1 - $?)) "no password in the log"

# ---- each fixture user: discovery, API root, collections per rights ---------------
for cred in "$ADMIN" "$U1" "$U2"; do
    u=${cred%%:*}
    is "$(req "$cred" GET /taxii2/)" 200 "$u: GET /taxii2/ with curl -u"
    is "$(jb .title)" "$(FX '."/discovery".title')" "$u: the discovery resource"
    is "$(req "$cred" GET $R/)" 200 "$u: GET the API root"
    is "$(req "$cred" GET $R/collections/)" 200 "$u: GET collections"
    is "$(jb '[.collections[] | "\(.id):\(.can_read)/\(.can_write)"] | join(" ")')" \
        "$(FX '[.trustgroup1.collections[] | "\(.id):\(.can_read)/\(.can_write)"] | join(" ")')" \
        "$u: every collection with the file's can_read/can_write"
    is "$(req "$cred" GET $R/collections/$HV/objects/)" 200 "$u: read a can_read collection"
    is "$(jb '.objects | length')" 5 "$u: its 5 objects (last versions)"
    is "$(req "$cred" GET $R/collections/$NOREAD/objects/)" 403 "$u: can_read false -> 403"
    is_taxii_error 403 "$u: no read access"
    is "$(req "$cred" GET $R/collections/$SECRET/manifest/)" 403 "$u: manifest without can_read -> 403"
done

# ---- writes per can_write ---------------------------------------------------------------
taxii_envelope 1 1 >"$T/e1.json"
taxii_envelope 2 2 >"$T/e2.json"
is "$(post "$U1" $R/collections/$ADD/objects/ "$T/e1.json")" 202 "user1: POST to a can_write collection -> 202"
S1=$(jb .id)
is "$(jb .success_count)" 1 "user1: the object was added"
is "$(post "$U2" $R/collections/$NOWRITE/objects/ "$T/e2.json")" 403 "user2: POST where can_write is false -> 403"
is_taxii_error 403 "user2: no write access"
is "$(req "$U2" DELETE "$R/collections/$NOWRITE/objects/indicator--00000001-0000-4000-8000-000000000000/")" \
    403 "user2: DELETE where can_write is false -> 403"
is "$(post "$ADMIN" $R/collections/$SECRET/objects/ "$T/e2.json")" 403 "admin: POST to the secret collection -> 403"
is "$(post "$U2" $R/collections/$NOREAD/objects/ "$T/e2.json")" 202 "user2: POST to a write-only collection -> 202"
S2=$(jb .id)

# ---- status resources: the creator and admin only ------------------------------------------
is "$(req "$U1" GET "$R/status/$S1/")" 200 "user1 reads the status of its POST"
is "$(jb .id)/$(jb .status)" "$S1/complete" "its status resource"
is "$(req "$U2" GET "$R/status/$S1/")" 404 "user2 does not see user1's status"
is_taxii_error 404 "someone else's status"
is "$(req "$ADMIN" GET "$R/status/$S1/")" 200 "admin sees user1's status"
is "$(taxii_curl -H "Authorization: Bearer $TANA" "$URL$R/status/$S2/")" 404 \
    "an analyst token does not see user2's status (another principal, same role)"
is "$(req "$U2" GET "$R/status/$S2/")" 200 "user2 sees its own"
FS=$(FX '.trustgroup1.status[0].id')
is "$(req "$ADMIN" GET "$R/status/$FS/")" 200 "admin sees a status resource of the data file"
is "$(req "$U1" GET "$R/status/$FS/")" 404 "user1 does not (it has no creator)"

# ---- refused credentials ---------------------------------------------------------------------
is "$(req "admin:Password1" GET /taxii2/)" 401 "admin with user1's password -> 401"
is_taxii_error 401 "wrong password"
hdr WWW-Authenticate >/dev/null
grep -i '^WWW-Authenticate: *Basic realm="sg17 TAXII"' "$T/hdr" >/dev/null
ok $? "401 carries WWW-Authenticate: Basic realm=\"sg17 TAXII\""
grep -i '^WWW-Authenticate: *Bearer' "$T/hdr" >/dev/null
ok $? "and WWW-Authenticate: Bearer"
is "$(req "nobody:Password0" GET /taxii2/)" 401 "unknown user -> 401"
is "$(req "user1:" GET /taxii2/)" 401 "empty password -> 401"
is "$(req "user1:password1" GET $R/collections/)" 401 "password case matters -> 401"
anon() { # anon AUTHORIZATION-VALUE PATH -> status
    taxii_curl -H "Authorization: $1" "$URL$2"
}
is "$(anon "Basic !!!notbase64" /taxii2/)" 401 "malformed base64 -> 401"
is "$(jb .description)" "malformed HTTP Basic credentials" "it says so"
is "$(anon "Basic $(printf 'user1Password1' | base64)" /taxii2/)" 401 "no ':' -> 401"
is "$(anon "Basic $(head -c 600 /dev/zero | tr '\0' 'A')" /taxii2/)" 401 "over-long credentials -> 401"
is "$(anon "Basic $(printf 'user1:Password1' | base64)" /taxii2/)" 200 "a hand-made Basic header -> 200"
is "$(anon "basic   $(printf 'user1:Password1' | base64)  " /taxii2/)" 200 "scheme in any case, extra spaces -> 200"
is "$(taxii_curl "$URL$R/collections/")" 401 "no credentials -> 401"
grep -i '^WWW-Authenticate: *Basic' "$T/hdr" >/dev/null
ok $? "with the Basic challenge"
is "$(taxii_curl -H "Authorization: Bearer $TANA" "$URL$R/collections/$HV/objects/")" 200 \
    "Bearer tokens keep working"

# ---- TAXII error messages for sg17d's own 404, 405 and 413 -------------------------------------
is "$(req "$U1" GET /api9/collections/)" 404 "unknown API root -> 404"
is_taxii_error 404 "unknown API root"
is "$(req "$U1" GET /nothing-here/)" 404 "unknown path with a TAXII Accept -> 404"
is_taxii_error 404 "unknown path asked for as TAXII"
is "$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' "$URL/api9/collections/")" 404 \
    "unknown API root without Accept -> 404"
is_taxii_error 404 "unknown API root (path shape)"
is "$(req "$U1" PUT $R/collections/$ADD/objects/)" 405 "PUT on a TAXII path -> 405"
is_taxii_error 405 "PUT"
[ -n "$(hdr Allow)" ]
ok $? "the 405 keeps its Allow header"
{ printf '{"objects":['; for i in $(seq 1 90); do printf '{"type":"indicator","id":"indicator--%08d-0000-4000-8000-000000000000"},' "$i"; done; printf '{}]}'; } >"$T/big.json"
[ "$(wc -c <"$T/big.json")" -gt 4000 ]
ok $? "a POST body over max_body_bytes (4000)"
is "$(post "$U1" $R/collections/$ADD/objects/ "$T/big.json")" 413 "POST over max_body_bytes -> 413"
is_taxii_error 413 "body over max_body_bytes (Content-Length)"
is "$(post "$U1" $R/collections/$ADD/objects/ "$T/big.json" -H 'Transfer-Encoding: chunked')" 413 \
    "chunked POST over max_body_bytes -> 413"
is_taxii_error 413 "body over max_body_bytes (chunked)"
is "$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' "$URL/v1/nothing")" 404 \
    "a non-TAXII path keeps sg17d's own 404"
hdr Content-Type | grep -qi '^application/taxii+json'
ok $((1 - $?)) "without the TAXII media type"
sg17d_stop

# ---- sg17_roles, and status expiry ------------------------------------------------------------
jq '. + {sg17_roles: {user2: "device"}}' "$CONF" >"$T/users.json"
printf '[taxii]\nusers = %s\nstatus_max_age_s = 2\npbkdf2_iterations = 1000\n' "$T/users.json" >"$T/t.ini"
sg17d_must_start "$T/log2" -c "$T/t.ini" --db "$DB"
grep -q 'taxii: 3 HTTP Basic users from .* (PBKDF2, 1000 iterations)' "$T/log2"
ok $? "[taxii] pbkdf2_iterations = 1000 is used"
is "$(req "$U2" GET $R/collections/)" 200 "user2 mapped to the role device: collections"
is "$(jb '.collections // [] | length')" 0 "it sees none (device has no rights rows)"
is "$(req "$U2" GET $R/collections/$HV/objects/)" 404 "and cannot read one (404)"
is "$(req "$U1" GET $R/collections/$HV/objects/)" 200 "user1 (default role analyst) still reads"
is "$(post "$U1" $R/collections/$ADD/objects/ "$T/e2.json")" 202 "a new POST"
S3=$(jb .id)
is "$(req "$U1" GET "$R/status/$S3/")" 200 "its status is there"
sleep 2.5
is "$(req "$U1" GET "$R/status/$S3/")" 404 "2.5 s later (status_max_age_s = 2) it has expired"
is_taxii_error 404 "expired status"
is "$(req "$ADMIN" GET "$R/status/$S1/")" 404 "so has the first daemon's, for admin too"
sg17d_stop

printf '[taxii]\npbkdf2_iterations = 10\n' >"$T/bad.ini"
"$SG17D_BIN" -c "$T/bad.ini" --db "$DB" --port 0 >/dev/null 2>"$T/err"
is "$?" 2 "pbkdf2_iterations = 10 is refused (exit 2)"
grep -q "pbkdf2_iterations: '10' is not a number in 1000..10000000" "$T/err"
ok $? "with the reason"
printf '{"users": {"a:b": "x"}}' >"$T/bad.json"
sg17d_start "$T/log3" --db "$DB" --taxii-users "$T/bad.json"
r=$?
[ $r -ne 0 ] && grep -q "cannot load the users" "$T/log3"
ok $? "a users file with a ':' in a name stops the start with a reason"
sg17d_kill

tap_done
