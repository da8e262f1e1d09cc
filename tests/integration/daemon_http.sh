#!/usr/bin/env bash
# sg17d over real HTTP: start it on a free loopback port with a temp DB and a
# config file, then check routing, caps, auth, the store and a clean SIGTERM.
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN
tap_need_tools curl sqlite3 sha256sum
tap_tmpdir
SG17D_LOG_REQUESTS=1 # one log line per request is checked below

DB="$T/sg17.db"
# req <curl args...>: prints the status code; body in $T/body, headers in $T/hdr.
# Each call is counted in $T/reqs (req runs in a subshell, so not in a variable).
req() {
    echo >>"$T/reqs"
    curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' --max-time 10 "$@"
}

# ---- tokens (before the daemon starts; the CLI migrates the DB) ----------
ADMIN=$("$SG17D_BIN" token create --role admin --name admin1 --db "$DB" 2>"$T/create.err")
is "$?" 0 "token create admin exits 0"
[[ "$ADMIN" =~ ^sg17_[0-9a-f]{64}$ ]]; ok $? "admin token has the sg17_<64 hex> form"
ADMIN2=$("$SG17D_BIN" token create --role admin --name admin2 --db "$DB" 2>/dev/null)
ANALYST=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
[ -n "$ADMIN2" ] && [ -n "$ANALYST" ] && [ "$ADMIN" != "$ADMIN2" ]
ok $? "further tokens created and distinct"

# ---- config file; the flag --port 0 must override port = 1 ----------------
cat >"$T/sg17d.ini" <<EOF
; test configuration
[server]
listen = 127.0.0.1
port = 1
threads = 2
max_body_bytes = 1024
max_header_bytes = 8192
timeout_s = 5
[store]
path = $DB
[log]
level = info
EOF

sg17d_must_start "$T/log" --config "$T/sg17d.ini"
ok 0 "sg17d listening on $URL (port from --port 0 overrode port = 1)"
grep -q "max body 1024 bytes" "$T/log"
ok $? "max_body_bytes from the config file is in effect"

# ---- public endpoints -------------------------------------------------------
code=""
for _ in $(seq 1 100); do
    code=$(req "$URL/healthz")
    [ "$code" = 200 ] && break
    sleep 0.05
done
is "$code" 200 "GET /healthz -> 200"
is "$(cat "$T/body")" '{"status":"ok"}' "/healthz body"
grep -qi '^content-type: application/json' "$T/hdr"
ok $? "/healthz is application/json"

code=$(req -I "$URL/healthz")
is "$code" 200 "HEAD /healthz -> 200"

VERSION=$("$SG17D_BIN" --version | sed 's/^sg17d //')
code=$(req "$URL/version")
is "$code" 200 "GET /version -> 200"
grep -q "\"name\":\"sg17d\"" "$T/body" && grep -q "\"version\":\"$VERSION\"" "$T/body"
ok $? "/version names sg17d $VERSION ($(cat "$T/body"))"

# ---- routing errors -----------------------------------------------------------
code=$(req "$URL/no/such/thing")
is "$code" 404 "GET /no/such/thing -> 404"
grep -q '"error":"not_found"' "$T/body" && grep -q '"reason":' "$T/body"
ok $? "404 body is {\"error\",\"reason\"} JSON"

code=$(req -X DELETE "$URL/version")
is "$code" 405 "DELETE /version -> 405"
grep -qi '^allow: GET' "$T/hdr"
ok $? "405 carries Allow: GET"
grep -q '"error":"method_not_allowed"' "$T/body"
ok $? "405 body names the error"

# ---- body caps (max_body_bytes = 1024) -----------------------------------------
head -c 1024 /dev/zero >"$T/at_cap"
head -c 1025 /dev/zero >"$T/over_cap"
head -c 12000000 /dev/zero >"$T/huge"
code=$(req -X POST --data-binary @"$T/at_cap" "$URL/healthz")
is "$code" 405 "POST of exactly max_body_bytes is read and routed (405, not 413)"
code=$(req -X POST --data-binary @"$T/over_cap" "$URL/healthz")
is "$code" 413 "POST of max_body_bytes+1 (Content-Length) -> 413"
grep -q '"error":"payload_too_large"' "$T/body"
ok $? "413 body names the error"
code=$(req -X POST -H 'Transfer-Encoding: chunked' --data-binary @"$T/over_cap" "$URL/healthz")
is "$code" 413 "chunked POST over the cap -> 413"
# MHD itself refuses a Content-Length that does not fit in 64 bits (413, its
# own HTML body, a WARN mhd line but no http line), so this one is not counted.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Length: 99999999999999999999999' "$URL/healthz")
is "$code" 413 "absurd Content-Length -> 413"
# A chunked body far above the cap is dropped, then the connection is closed;
# it still gets its log line.
echo >>"$T/reqs"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Expect:' -H 'Transfer-Encoding: chunked' --data-binary @"$T/huge" "$URL/healthz" 2>/dev/null)
is "$code" 000 "endless chunked body: connection closed without a reply"
grep -q 'closing: body far above max_body_bytes' "$T/log"
ok $? "the cut-off is logged"
code=$(req "$URL/healthz")
is "$code" 200 "server still healthy afterwards"

# Request line and headers are capped by max_header_bytes (MHD answers these
# itself, with the RFC codes 431/414, an HTML body and a WARN mhd log line).
big=$(head -c 10000 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H "X-Big: $big" "$URL/healthz")
is "$code" 431 "headers over max_header_bytes -> 431"
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$URL/healthz?q=$big")
is "$code" 414 "request line over max_header_bytes -> 414"
code=$(req -H "X-Big: ${big:0:2000}" "$URL/healthz")
is "$code" 200 "a 2 KB header is fine"

# ---- auth ----------------------------------------------------------------------
code=$(req "$URL/v1/whoami")
is "$code" 401 "whoami without a token -> 401"
grep -qi '^www-authenticate: Bearer' "$T/hdr"
ok $? "401 carries WWW-Authenticate: Bearer"
code=$(req -H "Authorization: Bearer sg17_$(printf '0%.0s' $(seq 1 64))" "$URL/v1/whoami")
is "$code" 401 "whoami with an unknown well-formed token -> 401"
code=$(req -H "Authorization: Bearer ${ADMIN}x" "$URL/v1/whoami")
is "$code" 401 "whoami with a token plus one character -> 401"
code=$(req -H "Authorization: Basic $ADMIN" "$URL/v1/whoami")
is "$code" 401 "whoami with a non-Bearer scheme -> 401"
code=$(req -H "Authorization: Bearer $ANALYST" "$URL/v1/whoami")
is "$code" 403 "whoami with an analyst token -> 403"
grep -q '"error":"forbidden"' "$T/body"
ok $? "403 body names the error"
code=$(req -H "Authorization: Bearer $ADMIN" "$URL/v1/whoami")
is "$code" 200 "whoami with the admin token -> 200"
is "$(cat "$T/body")" '{"principal":"admin1","role":"admin"}' "whoami names the principal and role"

code=$(req -H "Authorization: Bearer $ADMIN2" "$URL/v1/whoami")
is "$code" 200 "second admin token works before revocation"
"$SG17D_BIN" token revoke admin2 --db "$DB" 2>/dev/null
is "$?" 0 "token revoke admin2 (while the daemon runs) exits 0"
code=$(req -H "Authorization: Bearer $ADMIN2" "$URL/v1/whoami")
is "$code" 401 "revoked token -> 401"
code=$(req -H "Authorization: Bearer $ADMIN" "$URL/v1/whoami")
is "$code" 200 "the other admin token still works"
"$SG17D_BIN" token list --db "$DB" >"$T/list" 2>/dev/null
grep -q $'^admin2\tadmin\t.*\trevoked ' "$T/list" && grep -q $'^admin1\tadmin\t.*\tactive$' "$T/list"
ok $? "token list shows admin2 revoked and admin1 active"

# ---- concurrency: the thread pool and the store mutex under parallel load ----
seq 1 96 | xargs -P 12 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
    -H "Authorization: Bearer $ADMIN" "$URL/v1/whoami" >"$T/par" 2>/dev/null
seq 1 96 | xargs -P 12 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 20 \
    "$URL/healthz" >>"$T/par" 2>/dev/null
seq 1 192 | sed "s/.*//" >>"$T/reqs"
is "$(grep -c '^200$' "$T/par")" 192 "192 parallel requests (12 at a time) all answered 200"

# ---- the store ---------------------------------------------------------------------
is "$(sqlite3 "$DB" 'PRAGMA journal_mode')" wal "database is in WAL mode"
is "$(stat -c %a "$DB")" 600 "database file is mode 0600"
uv=$(sqlite3 "$DB" 'PRAGMA user_version')
[ "$uv" -ge 1 ] 2>/dev/null
ok $? "schema version recorded (user_version = $uv)"
is "$(sqlite3 "$DB" 'SELECT max(version) FROM schema_migrations')" "$uv" \
    "schema_migrations agrees with user_version"
req "$URL/version" >/dev/null
grep -q "\"schema\":$uv" "$T/body"
ok $? "/version reports schema $uv"
want=$(printf '%s' "$ADMIN" | sha256sum | cut -d' ' -f1)
got=$(sqlite3 "$DB" "SELECT lower(hex(hash)) FROM auth_tokens WHERE name = 'admin1'")
is "$got" "$want" "the store holds SHA-256(token)"
sqlite3 "$DB" .dump >"$T/dump"
if grep -q "${ADMIN#sg17_}" "$T/dump" "$DB" "$DB-wal" 2>/dev/null; then r=1; else r=0; fi
ok $r "the token itself is nowhere in the database or its WAL"

# ---- logging --------------------------------------------------------------------------
# The completion callback (which logs) runs just after the reply is sent: poll.
reqs=$(wc -l <"$T/reqs")
for _ in $(seq 1 60); do
    lines=$(grep -c ' INFO http: ' "$T/log")
    [ "$lines" -ge "$reqs" ] && break
    sleep 0.05
done
is "$lines" "$reqs" "one log line per request ($reqs requests)"
grep -Eq 'INFO http: GET "/no/such/thing" 404 [0-9]+B [0-9]+us principal=-' "$T/log"
ok $? "log line has method, path, status, bytes, duration and principal"
grep -Eq 'INFO http: GET "/v1/whoami" 200 [0-9]+B [0-9]+us principal=admin1' "$T/log"
ok $? "log line names the authenticated principal"

# ---- SIGTERM ---------------------------------------------------------------------------
sg17d_stop 2
ok $STOPPED "sg17d exits within 2 s of SIGTERM"
is "$STATUS" 0 "exit status after SIGTERM is 0"
grep -q 'INFO sg17d: stopped' "$T/log"
ok $? "shutdown logged"

tap_done "$T/log"
