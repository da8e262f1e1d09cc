# Sourced by test scripts: TAP assertions. Counts in n and fails.
#   ok STATUS DESC, is GOT WANT DESC       one test each
#   tap_need_bins VAR...                   skip (exit 77) unless each named variable
#                                          holds an executable (e.g. SG17_BIN SG17D_BIN)
#   tap_need_tools TOOL...                 skip unless each tool is on PATH
#   tap_need_files FILE...                 skip unless each file is readable (e.g. a
#                                          vector under ${SG17_VECTORS:-../shared/vectors})
#   tap_vector VAR PATH                    VAR=<vectors dir>/PATH (dir: $SG17_VECTORS, or
#                                          $SG17_SOURCE_DIR/../shared/vectors); skip if unreadable
#   tap_tmpdir                             T=$(mktemp -d), removed on exit (and a
#                                          still-running sg17d $PID killed, if
#                                          tests/harness/sg17d.sh is sourced)
#   status CMD...                          runs CMD, output to $T/out and $T/err,
#                                          prints its exit status
#   rc_is WANT DESC CMD...                 one test: CMD exits WANT ($T/err shown if not)
#   tap_done [FILE...]                     prints the plan and exits 0, or 1 after
#                                          showing FILEs (logs) as comments if a test failed
n=0
fails=0
ok() { # ok <0|1 as shell status> <description>
    n=$((n + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $n - $2"
    else
        echo "not ok $n - $2"
        fails=$((fails + 1))
    fi
}
is() { # is <got> <want> <description>
    if [ "$1" = "$2" ]; then ok 0 "$3"; else ok 1 "$3 (got '$1', want '$2')"; fi
}

tap_need_bins() {
    local v
    for v in "$@"; do
        if [ -z "${!v:-}" ] || [ ! -x "${!v}" ]; then
            echo "1..0 # SKIP $v not set or not built"
            exit 77
        fi
    done
}

tap_need_tools() {
    local t
    for t in "$@"; do
        if ! command -v "$t" >/dev/null 2>&1; then
            echo "1..0 # SKIP $t not installed"
            exit 77
        fi
    done
}

tap_need_files() {
    local f
    for f in "$@"; do
        if [ ! -r "$f" ]; then
            echo "1..0 # SKIP $f not present"
            exit 77
        fi
    done
}

tap_vector() { # tap_vector <variable> <path under the vectors directory>
    printf -v "$1" '%s/%s' "${SG17_VECTORS:-${SG17_SOURCE_DIR:-.}/../shared/vectors}" "$2"
    tap_need_files "${!1}"
}

tap_cleanup() {
    if declare -F sg17d_kill >/dev/null; then sg17d_kill; fi
    [ -n "${T:-}" ] && rm -rf "$T"
}

tap_tmpdir() {
    T=$(mktemp -d)
    trap tap_cleanup EXIT
}

status() {
    "$@" >"$T/out" 2>"$T/err"
    echo $?
}

rc_is() { # rc_is <want> <description> <command...>
    local want=$1 desc=$2
    shift 2
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    [ "$got" -eq "$want" ]
    ok $? "$desc (exit $got, want $want)"
    if [ "$got" -ne "$want" ]; then sed 's/^/# /' "$T/err"; fi
}

tap_done() {
    echo "1..$n"
    [ "$fails" -eq 0 ] && exit 0
    echo "# $fails of $n failed"
    local f
    for f in "$@"; do
        [ -f "$f" ] || continue
        echo "# --- $f"
        sed 's/^/# /' "$f"
    done
    exit 1
}
