#!/usr/bin/env bash
# sg17d under load (issue 10): wrk against read and write endpoints on
# loopback, each for a bounded time (LOAD_SECONDS, default 3) with 2 threads
# and 16 connections: GET /healthz, GET /v1/whoami, POST /v1/assess (example
# inventory), POST /sidf/v1/deconceal (a SUCI made by `sg17 suci`), a TAXII 2.1
# objects page (limit=100) of a collection seeded with 3000 indicators through
# TAXII POST, TAXII POST of a 5-object envelope (new ids on every request),
# GET /intel/v1/summary and POST /intel/v1/sightings (8 JSON Lines, new ids on
# every request) over a store of 256 ingested indicators, GET /mbr/v1/summary
# over 8 signed reports, the Circular 268 tally, and a 64 KiB byte range of a
# 1 MiB firmware image. Everything is made by this test (the TAXII API root
# and collection come from a data file it writes; nothing from the vectors).
# Asserts every reply is 2xx, no socket errors, that sg17d is still healthy
# afterwards, no WARN/ERROR log line and a clean SIGTERM; prints requests/s
# and p99 latency.
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
SECS=${LOAD_SECONDS:-3}

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

. "${SG17_SOURCE_DIR:?}/tests/harness/load_seed.sh"

# load <label> <path> <token> <method> <body file> [content type] [header] [unique]
load() {
    local out="$T/wrk.$1"
    LOAD_TOKEN="$3" LOAD_METHOD="$4" LOAD_BODY_FILE="$5" LOAD_CONTENT_TYPE="${6:-}" \
        LOAD_HEADER="${7:-}" LOAD_UNIQUE="${8:-0}" \
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
load taxii-page "/load/collections/$CID/objects/?limit=100" "$ANALYST" GET "" "" "Accept: $TXT"
load taxii-post "/load/collections/$CID/objects/" "$ANALYST" POST "$T/envelope.json" "$TXT" "Accept: $TXT" 1
load intel-summary /intel/v1/summary "$ANALYST" GET ""
load intel-sightings /intel/v1/sightings "$ANALYST" POST "$T/sightings.jsonl" application/x-ndjson "" 1
load mbr-summary /mbr/v1/summary "$ANALYST" GET ""
load consult-tally /v1/consult/circulars/268/tally "$ADMIN" GET ""
load fw-range /v1/update/images/fw.bin "$DEVICE" GET "" "" "Range: bytes=524288-589823"

# The write loads really wrote: the collection grew by the TAXII POSTs.
tx_posts=$(sed -n 's/^load: requests=\([0-9]*\) .*/\1/p' "$T/wrk.taxii-post")
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ANALYST" \
    -H "Accept: $TXT" "$URL/load/collections/$CID/manifest/?limit=1&match%5Bid%5D=indicator--22222221-0000-4000-8000-001000000001")
is "$code" 200 "manifest of an object added under load -> 200"
grep -q 'indicator--22222221-0000-4000-8000-001000000001' "$T/body"
ok $? "thread 1's first TAXII POST under load is in the collection (of ${tx_posts:-?} POSTs)"

kill -0 "$PID" 2>/dev/null
ok $? "sg17d still running after the load"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 "$URL/healthz")
is "$code" 200 "GET /healthz -> 200 after the load"
code=$(curl -s -o "$T/body" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $ADMIN" "$URL/v1/whoami")
is "$code" 200 "GET /v1/whoami -> 200 after the load"
if grep -q -E ' (ERROR|WARN) ' "$T/log"; then r=1; else r=0; fi
ok $r "no WARN or ERROR lines in the daemon log"

sg17d_stop 5
ok "$STOPPED" "sg17d exits within 5 s of SIGTERM"
is "$STATUS" 0 "exit status after SIGTERM is 0"

echo "1..$n"
if [ "$fails" -ne 0 ]; then
    echo "# $fails of $n failed; daemon log (last 40 lines):"
    tail -n 40 "$T/log" | sed 's/^/# /'
    exit 1
fi
exit 0
