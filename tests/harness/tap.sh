# Sourced by test scripts: TAP assertions. Counts in n and fails.
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
