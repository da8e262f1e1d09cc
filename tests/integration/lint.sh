#!/usr/bin/env bash
# Lint gate (TAP). Checks that .clang-format and .clang-tidy load with the
# Debian 12 tools (clang-format/clang-tidy 14) and really are the files in
# the tree, then runs cppcheck with the `make cppcheck` profile, which must be
# clean. Skips (77) only when cppcheck is not installed; a missing clang tool
# is reported as a skipped check, not a pass.
set -uo pipefail

src=${SG17_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$src" || exit 1

if ! command -v cppcheck >/dev/null 2>&1; then
    echo "1..0 # SKIP cppcheck is not installed (apt-get install cppcheck)"
    exit 77
fi

n=0
failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }
first_tool() { for t in "$@"; do command -v "$t" >/dev/null 2>&1 && { echo "$t"; return; }; done; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# clang-format: must load without error and carry our settings (not a fallback style).
cf=$(first_tool clang-format-14 clang-format)
if [ -z "$cf" ]; then
    skip ".clang-format loads" "clang-format not installed"
elif "$cf" --style=file --assume-filename="$src/src/lib/lint_probe.c" --dump-config \
        >"$tmp/cf.out" 2>"$tmp/cf.err" &&
    grep -q '^ColumnLimit: *100$' "$tmp/cf.out" && grep -q '^IndentWidth: *4$' "$tmp/cf.out" &&
    grep -q '^BreakBeforeBraces: *Linux$' "$tmp/cf.out"; then
    ok ".clang-format loads with $($cf --version | head -n1)"
else
    not_ok ".clang-format loads with $cf"
    sed 's/^/# /' "$tmp/cf.err"
fi

# clang-tidy: exits 0 even on a broken config, so require a clean stderr and
# check the enabled list: our file turns misc-no-recursion on and
# bugprone-easily-swappable-parameters off.
ct=$(first_tool clang-tidy-14 clang-tidy)
if [ -z "$ct" ]; then
    skip ".clang-tidy loads" "clang-tidy not installed"
else
    probe="$src/src/lib/common/buf.c"
    "$ct" --dump-config "$probe" -- >"$tmp/ct.out" 2>"$tmp/ct.err"
    "$ct" --list-checks "$probe" -- >"$tmp/ct.list" 2>>"$tmp/ct.err"
    if [ ! -s "$tmp/ct.err" ] && grep -q 'bugprone-easily-swappable-parameters' "$tmp/ct.out" &&
        grep -q '^ *misc-no-recursion$' "$tmp/ct.list" &&
        ! grep -q '^ *bugprone-easily-swappable-parameters$' "$tmp/ct.list"; then
        ok ".clang-tidy loads with $("$ct" --version | grep -m1 -i version | sed 's/^ *//')"
    else
        not_ok ".clang-tidy loads with $ct"
        sed 's/^/# /' "$tmp/ct.err"
    fi
fi

# cppcheck, exactly as `make cppcheck` runs it.
if make -s -C "$src" cppcheck >"$tmp/cppcheck.out" 2>&1; then
    ok "cppcheck clean on src/ ($(cppcheck --version))"
else
    not_ok "cppcheck clean on src/ ($(cppcheck --version))"
    grep -E '^[^ ].*:[0-9]+:[0-9]+: ' "$tmp/cppcheck.out" | sed 's/^/# /'
fi

echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
