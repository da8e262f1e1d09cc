#!/usr/bin/env bash
# sg17d under load (issue 10): wrk against read endpoints (GET /healthz,
# GET /v1/whoami with a token) and write endpoints (POST /v1/assess with the
# example inventory, POST /sidf/v1/deconceal with a SUCI made by `sg17 suci`)
# on loopback, each for a bounded time (LOAD_SECONDS, default 4) with 2 threads
# and 16 connections. Asserts every reply is 2xx, no socket errors, and that
# sg17d is still healthy afterwards; prints requests/s and p99 latency.
set -u

if [ -z "${SG17D_BIN:-}" ] || [ ! -x "$SG17D_BIN" ] || [ -z "${SG17_BIN:-}" ]; then
    echo "1..0 # SKIP SG17D_BIN/SG17_BIN not set or not built"
    exit 77
fi
for tool in wrk curl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "1..0 # SKIP $tool not installed"
        exit 77
    fi
done
SRC=${SG17_SOURCE_DIR:-$(cd "$(dirname "$0")/../.." && pwd)}
LUA="$SRC/tests/integration/load_wrk.lua"
INV="$SRC/examples/assess/5g-sa-2020.json"
SECS=${LOAD_SECONDS:-4}

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

. "${SG17_SOURCE_DIR:?}/tests/harness/tap.sh"
. "${SG17_SOURCE_DIR:?}/tests/harness/sg17d.sh"

DB="$T/sg17.db"
ADMIN=$("$SG17D_BIN" token create --role admin --name admin1 --db "$DB" 2>/dev/null)
ANALYST=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
SIDF=$("$SG17D_BIN" token create --role sidf --name ausf1 --db "$DB" 2>/dev/null)
[ -n "$ADMIN" ] && [ -n "$ANALYST" ] && [ -n "$SIDF" ]
ok $? "admin, analyst and sidf tokens created"

"$SG17_BIN" suci keygen --profile A --key-id 1 -o "$T/hn-a" >/dev/null 2>&1
ok $? "home-network key made by sg17 suci keygen (profile A, key id 1)"
SUCI=$("$SG17_BIN" suci conceal --hn-pub "$T/hn-a.pub" --supi imsi-001010123456789 --routing 0042 2>/dev/null)
[ -n "$SUCI" ]
ok $? "SUCI made by sg17 suci conceal"
printf '{"suci":"%s"}' "$SUCI" >"$T/suci.json"

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

# load <label> <path> <token> <method> <body file>
load() {
    local out="$T/wrk.$1"
    LOAD_TOKEN="$3" LOAD_METHOD="$4" LOAD_BODY_FILE="$5" \
        wrk -t2 -c16 -d"${SECS}s" --timeout 10s --latency -s "$LUA" "$URL$2" >"$out" 2>&1
    local rc=$?
    sed 's/^/# /' "$out"
    ok $rc "wrk $4 $2 exits 0"
    local reqs bad serr
    reqs=$(sed -n 's/^load: requests=\([0-9]*\) .*/\1/p' "$out")
    bad=$(sed -n 's/^load: .* non2xx=\([0-9]*\) .*/\1/p' "$out")
    serr=$(sed -n 's/^load: .* socket_errors=\([0-9]*\)$/\1/p' "$out")
    [ -n "$reqs" ] && [ "$reqs" -gt 0 ]
    ok $? "$4 $2: requests answered (${reqs:-none})"
    is "${bad:-missing}" 0 "$4 $2: 0 non-2xx replies"
    is "${serr:-missing}" 0 "$4 $2: 0 socket errors"
    grep -q 'Socket errors' "$out"
    is "$?" 1 "$4 $2: wrk reports no socket errors"
    echo "# $4 $2: $(sed -n 's/^load: rps=\([0-9.]*\) .*p99_ms=\([0-9.]*\) .*/\1 requests\/s, p99 \2 ms/p' "$out")"
}

load healthz /healthz "" GET ""
load whoami /v1/whoami "$ADMIN" GET ""
load assess /v1/assess "$ANALYST" POST "$INV"
load deconceal /sidf/v1/deconceal "$SIDF" POST "$T/suci.json"

kill -0 "$PID" 2>/dev/null
ok $? "sg17d still running after the load"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "$URL/healthz")
is "$code" 200 "GET /healthz -> 200 after the load"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ADMIN" "$URL/v1/whoami")
is "$code" 200 "GET /v1/whoami -> 200 after the load"
if grep -q -E ' (ERROR|WARN) ' "$T/log"; then r=1; else r=0; fi
ok $r "no WARN or ERROR lines in the daemon log"

kill -TERM "$PID"
stopped=1
for _ in $(seq 1 50); do
    if ! kill -0 "$PID" 2>/dev/null; then stopped=0; break; fi
    sleep 0.1
done
ok $stopped "sg17d exits within 5 s of SIGTERM"
[ "$stopped" -eq 0 ] || kill -KILL "$PID"
wait "$PID"
is "$?" 0 "exit status after SIGTERM is 0"
PID=""

echo "1..$n"
if [ "$fails" -ne 0 ]; then
    echo "# $fails of $n failed; daemon log (last 40 lines):"
    tail -n 40 "$T/log" | sed 's/^/# /'
    exit 1
fi
exit 0
