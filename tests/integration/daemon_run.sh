#!/usr/bin/env bash
# scripts/run-daemon (what `make run` does): first start creates ./var and an
# admin token saved 0600 in ./var/admin.token, prints the URL, execs sg17d in
# the foreground; a second start reuses the token.
set -u

if [ -z "${SG17_SOURCE_DIR:-}" ]; then
    echo "1..0 # SKIP SG17_SOURCE_DIR not set"
    exit 77
fi
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN
tap_need_tools curl
tap_tmpdir

SCRIPT="$SG17_SOURCE_DIR/scripts/run-daemon"
BUILD=$(dirname "$SG17D_BIN")

# run_once <tag>: start run-daemon in $T/work, wait for the port, query whoami
# with ./var/admin.token, SIGTERM it. Sets CODE and STATUS.
run_once() {
    local tag=$1
    CODE=000
    if sg17d_run "$T/$tag.err" env -C "$T/work" SG17D_PORT=0 bash "$SCRIPT" "$BUILD" \
        >"$T/$tag.out" && [ -r "$T/work/var/admin.token" ]; then
        CODE=$(curl -s -o "$T/$tag.body" -w '%{http_code}' --max-time 10 \
            -H "Authorization: Bearer $(cat "$T/work/var/admin.token")" "$URL/v1/whoami")
    fi
    sg17d_stop 2
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

tap_done "$T"/*.out "$T"/*.err
