#!/usr/bin/env bash
# sg17d static files (the dashboard): content types, index.html for "/" and
# ".../", the CSP header, HEAD, and path traversal refused every way we can
# think of: "..", encoded dots, "//", backslashes, hidden files, a symlink and
# a hard-to-see symlinked directory pointing out of the root, a FIFO, unknown
# extensions, over-long paths. Uses a temporary web root.
set -u
. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN
tap_need_tools curl
tap_tmpdir

W="$T/www"
mkdir -p "$W/sub" "$T/outside"
echo '<!doctype html><title>root</title>' >"$W/index.html"
echo '<!doctype html><title>sub</title>' >"$W/sub/index.html"
echo 'body{}' >"$W/a.css"
echo 'let x=1;' >"$W/a.js"
echo '{}' >"$W/a.json"
echo '<svg xmlns="http://www.w3.org/2000/svg"/>' >"$W/a.svg"
echo 'secret' >"$W/.hidden.txt"
echo 'secret' >"$W/notes.md"
echo 'SECRET-OUTSIDE' >"$T/outside/secret.txt"
echo 'SECRET-OUTSIDE' >"$T/secret.txt"
ln -s "$T/outside/secret.txt" "$W/link.txt"
ln -s "$T/outside" "$W/out"
mkfifo "$W/fifo.txt"

sg17d_must_start "$T/log" --db "$T/sg17.db" --web-root "$W"
get() { curl -s --path-as-is --max-time 5 -o "$T/body" -D "$T/hdr" -w '%{http_code} %{content_type}' "$URL$1"; }

is "$(get /)" "200 text/html; charset=utf-8" "/ is index.html"
grep -q '<title>root' "$T/body"
ok $? "  with its content"
grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'" "$T/hdr"
ok $? "  and a strict Content-Security-Policy"
grep -qi '^X-Content-Type-Options: nosniff' "$T/hdr"
ok $? "  and nosniff"
is "$(get /sub/)" "200 text/html; charset=utf-8" "/sub/ is sub/index.html"
is "$(get /a.css)" "200 text/css; charset=utf-8" ".css type"
is "$(get /a.js)" "200 text/javascript; charset=utf-8" ".js type"
is "$(get /a.json)" "200 application/json" ".json type"
is "$(get /a.svg)" "200 image/svg+xml" ".svg type"
is "$(curl -s -I -o /dev/null -w '%{http_code}' "$URL/a.css")" 200 "HEAD works"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/a.css")" 404 "POST to a file: 404 (no route)"

for p in /../secret.txt /sub/../../secret.txt /..%2fsecret.txt /%2e%2e/secret.txt /%2e%2e%2fsecret.txt \
    /sub/%2e%2e/%2e%2e/secret.txt '/..\secret.txt' '/sub\..\..\secret.txt' //secret.txt \
    "/$T/secret.txt" /./a.css /.hidden.txt /notes.md /link.txt /out/secret.txt /fifo.txt /sub \
    /a.css/ "/$(printf 'a%.0s' $(seq 1 300)).css" /%C0%AE%C0%AE/secret.txt; do
    code=$(get "$p")
    if [ "${code%% *}" = 404 ] && ! grep -q SECRET "$T/body"; then
        ok 0 "refused: $p"
    else
        ok 1 "refused: $p (got $code: $(head -c 80 "$T/body"))"
    fi
done
# libmicrohttpd hands handlers the decoded path as a C string: %00 ends it, so
# this is a request for /index.html, inside the root (never anything else).
code=$(get /index.html%00/../../secret.txt)
[ "${code%% *}" = 200 ] && grep -q '<title>root' "$T/body" && ! grep -q SECRET "$T/body"
ok $? "a %00 cuts the path: /index.html%00/../../secret.txt serves index.html, nothing outside"
kill -0 "$PID"
ok $? "sg17d still running (the FIFO did not block a thread for good)"
get /nope.css >/dev/null
grep -q '"error":"not_found"' "$T/body"
ok $? "404s are JSON {error: not_found}"
tap_done
