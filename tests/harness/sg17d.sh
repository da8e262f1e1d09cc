# Sourced by test scripts: start sg17d on a free loopback port, wait for it,
# stop it.
#   sg17d_start LOG ARGS...   runs "$SG17D_BIN" ARGS... --port 0 in the background,
#                             stderr (minus per-request INFO lines, unless
#                             SG17D_LOG_REQUESTS=1) to LOG;
#                             sets PID, PORT and URL; returns 1 if it did not start.
#   sg17d_must_start LOG ARGS...  sg17d_start, or else "not ok - sg17d did not start",
#                             LOG as comments, and exit 1.
#   sg17d_run LOG CMD...      the same for any command that ends up as sg17d on a
#                             free port (e.g. env -C DIR scripts/run-daemon): stderr
#                             whole to LOG, stdout where the caller's goes.
#   sg17d_wait_port LOG       waits ($SG17D_START_SECS, default 10 s) for the
#                             "listening on http[s]://127.0.0.1:PORT/" line of $PID in
#                             LOG: sets PORT and URL (http or https).
#   sg17d_stop [SECS [SIG]]   sends SIG (TERM) to $PID, waits up to SECS (5) for it to
#                             exit, then KILLs it; sets STOPPED (0 if it exited in
#                             time, else 1) and STATUS (its exit status); clears PID.
#   sg17d_kill                for an EXIT trap: KILL a still-running $PID and reap it.
PID=""
PORT=""
URL=""

sg17d_wait_port() {
    local log=$1 line=""
    PORT=""
    URL=""
    for _ in $(seq 1 $((${SG17D_START_SECS:-10} * 20))); do
        line=$(sed -n 's|.*listening on \(https\{0,1\}\)://127\.0\.0\.1:\([0-9]*\)/.*|\1 \2|p' \
            "$log" 2>/dev/null | head -n 1)
        [ -n "$line" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -n "$line" ] || return 1
    PORT=${line#* }
    URL="${line%% *}://127.0.0.1:$PORT"
}

sg17d_run() {
    local log=$1
    shift
    : >"$log" # exists before the child opens it, so the poll never misses it
    "$@" 2>"$log" &
    PID=$!
    sg17d_wait_port "$log"
}

sg17d_start() {
    local log=$1
    shift
    if [ "${SG17D_LOG_REQUESTS:-0}" = 1 ]; then
        sg17d_run "$log" "$SG17D_BIN" "$@" --port 0
        return
    fi
    : >"$log"
    "$SG17D_BIN" "$@" --port 0 2> >(grep --line-buffered -v ' INFO http: ' >"$log") &
    PID=$!
    sg17d_wait_port "$log"
}

sg17d_must_start() {
    sg17d_start "$@" && return 0
    echo "not ok - sg17d did not start"
    sed 's/^/# /' "$1"
    exit 1
}

sg17d_stop() {
    local secs=${1:-5} sig=${2:-TERM}
    STOPPED=1
    kill -"$sig" "$PID" 2>/dev/null
    for _ in $(seq 1 $((secs * 10))); do
        if ! kill -0 "$PID" 2>/dev/null; then
            STOPPED=0
            break
        fi
        sleep 0.1
    done
    [ "$STOPPED" -eq 0 ] || kill -KILL "$PID" 2>/dev/null
    wait "$PID" 2>/dev/null
    STATUS=$?
    PID=""
}

sg17d_kill() {
    if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then
        kill -KILL "$PID" 2>/dev/null
        wait "$PID" 2>/dev/null
    fi
    PID=""
}
