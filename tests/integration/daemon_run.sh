#!/usr/bin/env bash
# scripts/run-daemon (what `make run` does): first start creates ./var and an
# admin token saved 0600 in ./var/admin.token, prints the URL, execs sg17d in
# the foreground; a second start reuses the token.
set -u

if [ -z "${SG17D_BIN:-}" ] || [ ! -x "$SG17D_BIN" ] || [ -z "${SG17_SOURCE_DIR:-}" ]; then
    echo "1..0 # SKIP SG17D_BIN or SG17_SOURCE_DIR not set"
    exit 77
fi
if ! command -v curl >/dev/null 2>&1; then
    echo "1..0 # SKIP curl not installed"
    exit 77
fi

T=$(mktemp -d)
PID=""
cleanup() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -KILL "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    rm -rf "$T"
}
trap cleanup EXIT

n=0
fails=0
ok() {
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
is() {
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3 (got '$1', want '$2')"; fi
}

SCRIPT="$SG17_SOURCE_DIR/scripts/run-daemon"
BUILD=$(dirname "$SG17D_BIN")

# run_once <tag>: start run-daemon in $T/work, wait for the port, query whoami
# with ./var/admin.token, SIGTERM it. Sets CODE and STATUS.
run_once() {
    local tag=$1 port=""
    : >"$T/$tag.err"
    (cd "$T/work" && SG17D_PORT=0 exec bash "$SCRIPT" "$BUILD") >"$T/$tag.out" 2>"$T/$tag.err" &
    PID=$!
    for _ in $(seq 1 200); do
        port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$T/$tag.err" | head -n 1)
        [ -n "$port" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    CODE=000
    if [ -n "$port" ] && [ -r "$T/work/var/admin.token" ]; then
        CODE=$(curl -s -o "$T/$tag.body" -w '%{http_code}' --max-time 10 \
            -H "Authorization: Bearer $(cat "$T/work/var/admin.token")" \
            "http://127.0.0.1:$port/v1/whoami")
    fi
    kill -TERM "$PID" 2>/dev/null
    for _ in $(seq 1 20); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$PID" 2>/dev/null && kill -KILL "$PID"
    wait "$PID"
    STATUS=$?
    PID=""
}

mkdir -p "$T/work"
run_once first
is "$CODE" 200 "first start: the saved admin token authenticates (whoami 200)"
is "$STATUS" 0 "sg17d (exec'd by run-daemon) exits 0 on SIGTERM"
[ -d "$T/work/var" ] && [ -f "$T/work/var/sg17.db" ]
ok $? "./var and ./var/sg17.db created"
is "$(stat -c %a "$T/work/var/admin.token")" 600 "./var/admin.token is mode 0600"
tok=$(cat "$T/work/var/admin.token")
grep -q "^  $tok\$" "$T/first.out"
ok $? "the token is printed once on first start"
grep -q '^sg17d: starting on 127.0.0.1' "$T/first.out"
ok $? "the address is printed before start"

run_once second
is "$CODE" 200 "second start: the same token still works"
is "$(cat "$T/work/var/admin.token")" "$tok" "admin.token unchanged"
if grep -q 'first start' "$T/second.out"; then r=1; else r=0; fi
ok $r "no new token on the second start"
count=$("$SG17D_BIN" token list --db "$T/work/var/sg17.db" 2>/dev/null | grep -c $'\tadmin\t')
is "$count" 1 "exactly one admin token in the database"

echo "1..$n"
if [ "$fails" -ne 0 ]; then
    for f in "$T"/*.out "$T"/*.err; do echo "# --- $f"; sed 's/^/# /' "$f"; done
    exit 1
fi
exit 0
