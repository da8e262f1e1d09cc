#!/usr/bin/env bash
# sg17d rate limit (per-client-address token bucket, 429 + Retry-After) and
# optional TLS (libmicrohttpd + GnuTLS) over real connections.
set -u
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN
tap_need_tools curl
tap_tmpdir
SG17D_LOG_REQUESTS=1 # the 429 replies are looked for in the log
start() { sg17d_start "$1" --db "$T/sg17.db" "${@:2}"; } # start LOG ARGS...: PID, PORT, URL

# ---- rate limit ---------------------------------------------------------------------
start "$T/log" --rate 5
[ -n "$PORT" ]
ok $? "sg17d --rate 5 started"
urls=()
for _ in $(seq 1 30); do urls+=(-o /dev/null "$URL/healthz"); done
# One curl process: 30 requests back to back on one connection.
t0=$(date +%s%N)
curl -s -o /dev/null -w '%{http_code}\n' "${urls[@]}" >"$T/codes"
t1=$(date +%s%N)
n200=$(grep -c '^200$' "$T/codes")
n429=$(grep -c '^429$' "$T/codes")
# burst 10, plus at most one refill per 200 ms that the 30 requests took (+1 for rounding)
max200=$((10 + (t1 - t0) / 200000000 + 1))
[ "$n200" -ge 10 ] && [ "$n200" -le "$max200" ] && [ "$n429" -ge 1 ] && [ $((n200 + n429)) -eq 30 ]
ok $? "30 requests at once: the burst of 10 (+ refill) passes, the rest get 429 ($n200 x 200, $n429 x 429)"
# The bucket refills at 5/s: on a slow (sanitizer, loaded) machine one token may
# be back already, so ask until a 429 comes (the burst is 10: at most 12 tries).
for _ in $(seq 1 12); do
    curl -s -o "$T/429.body" -D "$T/429.hdr" "$URL/healthz"
    grep -q '"error":"too_many_requests"' "$T/429.body" && break
done
grep -q '"error":"too_many_requests"' "$T/429.body"
ok $? "429 body: {error: too_many_requests}"
grep -qi '^Retry-After: [1-9]' "$T/429.hdr"
ok $? "429 carries Retry-After"
sleep 1.3
is "$(curl -s -o /dev/null -w '%{http_code}' "$URL/healthz")" 200 "after a pause the bucket refills: 200"
grep -q 'GET "/healthz" 429 ' "$T/log"
ok $? "429 replies are logged like any request"
sg17d_stop
printf '[limits]\nrate = fast\n' >"$T/bad.ini"
"$SG17D_BIN" --config "$T/bad.ini" --db "$T/sg17.db" --port 0 2>"$T/err"
is "$?" 2 "[limits] rate = fast: exit 2"
printf '[limits]\nrate = 100\nburst = 0\n' >"$T/bad.ini"
"$SG17D_BIN" --config "$T/bad.ini" --db "$T/sg17.db" --port 0 2>"$T/err"
is "$?" 2 "[limits] burst = 0: exit 2"
start "$T/log0"
for _ in $(seq 1 40); do curl -s -o /dev/null -w '%{http_code}\n' "$URL/healthz"; done >"$T/codes0"
is "$(sort -u "$T/codes0")" 200 "without [limits] rate: 40 quick requests all 200"
sg17d_stop

# ---- TLS -------------------------------------------------------------------------------
if ! command -v openssl >/dev/null 2>&1; then
    echo "# openssl not installed: TLS part skipped"
else
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/tls.key" \
        -out "$T/tls.crt" -days 2 -subj /CN=localhost \
        -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" 2>/dev/null
    ok $? "self-signed P-256 certificate made with openssl"
    start "$T/tlog" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key"
    grep -q 'listening on https://127.0.0.1:' "$T/tlog"
    ok $? "the log says https://"
    is "$(curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/tls.crt" "https://127.0.0.1:$PORT/healthz")" 200 \
        "HTTPS /healthz: 200 with the certificate verified"
    curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz"
    [ $? -ne 0 ]
    ok $? "plain HTTP on the TLS port fails"
    curl -s -o /dev/null --tls-max 1.1 --cacert "$T/tls.crt" "https://127.0.0.1:$PORT/healthz"
    [ $? -ne 0 ]
    ok $? "TLS 1.1 is refused (1.2 and 1.3 only)"
    v=$(curl -s -o /dev/null -w '%{http_code}' --tlsv1.3 --cacert "$T/tls.crt" "https://127.0.0.1:$PORT/version")
    is "$v" 200 "TLS 1.3 works"
    sg17d_stop
    "$SG17D_BIN" --db "$T/sg17.db" --port 0 --tls-cert "$T/tls.crt" 2>"$T/err"
    is "$?" 4 "a certificate without a key: exit 4"
    grep -q 'needs both cert and key' "$T/err"
    ok $? "  and the log says why"
    "$SG17D_BIN" --db "$T/sg17.db" --port 0 --tls-cert "$T/tls.crt" --tls-key "$T/tls.crt" 2>"$T/err"
    is "$?" 4 "the certificate given as the key: exit 4"
fi

# ---- packaging: the shipped config parses; the unit passes systemd-analyze -----------------
if [ -n "${SG17_SOURCE_DIR:-}" ]; then
    mkdir -p "$T/etc/hn-keys"
    sed -e "s|/etc/sg17|$T/etc|g" -e "s|/var/lib/sg17|$T|g" \
        -e "s|/usr/local/share/sg17/web|$SG17_SOURCE_DIR/web|" \
        -e "s|^port = 8017|port = 0|" "$SG17_SOURCE_DIR/packaging/sg17d.ini" >"$T/pkg.ini"
    start "$T/plog" --config "$T/pkg.ini"
    [ -n "$PORT" ] && grep -q 'sidf: 0 home-network key' "$T/plog"
    ok $? "packaging/sg17d.ini (paths moved to a temp dir) starts sg17d"
    sg17d_stop
    if command -v systemd-analyze >/dev/null 2>&1; then
        sed "s|/usr/local/bin/sg17d|$SG17D_BIN|" "$SG17_SOURCE_DIR/packaging/sg17d.service" \
            >"$T/sg17d.service"
        out=$(systemd-analyze verify "$T/sg17d.service" 2>&1)
        ok $? "packaging/sg17d.service passes systemd-analyze verify${out:+: $out}"
    fi
fi
tap_done
