# Sourced by test scripts: start sg17d on a free loopback port and wait for it.
#   sg17d_start LOG ARGS...   runs "$SG17D_BIN" ARGS... --port 0 in the background,
#                             stderr (minus per-request INFO lines) to LOG;
#                             sets PID, PORT and URL; returns 1 if it did not start.
sg17d_start() {
    local log=$1
    shift
    "$SG17D_BIN" "$@" --port 0 2> >(grep --line-buffered -v ' INFO http: ' >"$log") &
    PID=$!
    PORT=""
    for _ in $(seq 1 200); do
        PORT=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$log" | head -n 1)
        [ -n "$PORT" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    URL="http://127.0.0.1:$PORT"
    [ -n "$PORT" ]
}
