#!/usr/bin/env bash
# Fuzz smoke (TAP, label slow): builds the libFuzzer harnesses with clang
# (the `fuzz` preset: ASan+UBSan+libFuzzer) and runs every
# tests/fuzz/fuzz_<name>.c for a bounded time, starting from its seed corpus
# (copied to scratch space; the tree is not modified). Crash inputs are kept
# in <fuzz build>/fuzz-artifacts/ to be added to tests/fuzz/corpus/<name>/.
# Skips (77) if clang or the libFuzzer runtime is missing.
#   SG17_FUZZ_SECONDS  time per harness (default: 600 s shared by all harnesses, at
#                      least 10 s each, so the run stays inside ctest's 900-s limit
#                      as harnesses are added; 19 harnesses took 19 x 120 s and timed out)
#   SG17_FUZZ_BUILD    build directory (default <source>/build-fuzz, as `make fuzz`)
set -uo pipefail

src=${SG17_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
n_harness=$(ls "$src"/tests/fuzz/fuzz_*.c 2>/dev/null | wc -l)
default_secs=$((600 / (n_harness > 0 ? n_harness : 1)))
[ "$default_secs" -ge 10 ] || default_secs=10
secs=${SG17_FUZZ_SECONDS:-$default_secs}
build=${SG17_FUZZ_BUILD:-$src/build-fuzz}
jobs=${JOBS:-2}

if ! command -v clang >/dev/null 2>&1; then
    echo "1..0 # SKIP clang is not installed (needed for libFuzzer)"
    exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\n%s\n' \
    'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }' \
    >"$tmp/probe.c"
if ! clang -fsanitize=fuzzer "$tmp/probe.c" -o "$tmp/probe" >"$tmp/probe.log" 2>&1; then
    echo "1..0 # SKIP clang cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)"
    sed 's/^/# /' "$tmp/probe.log"
    exit 77
fi

echo "# building fuzz harnesses in $build"
if ! CC=clang cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSG17_FUZZ=ON \
        -DSG17_BUILD_SHARED=OFF -DSG17_CT_TESTING=OFF >"$tmp/build.log" 2>&1 ||
    ! cmake --build "$build" -j "$jobs" >>"$tmp/build.log" 2>&1; then
    echo "not ok 1 - fuzz build"
    tail -n 40 "$tmp/build.log" | sed 's/^/# /'
    echo "1..1"
    exit 1
fi

n=0
failed=0
mkdir -p "$build/fuzz-artifacts"
for harness in "$src"/tests/fuzz/fuzz_*.c; do
    name=$(basename "$harness" .c)
    short=${name#fuzz_}
    n=$((n + 1))
    exe="$build/$name"
    seeds="$src/tests/fuzz/corpus/$short"
    work="$tmp/corpus-$short"
    mkdir -p "$work"
    [ -d "$seeds" ] && cp "$seeds"/* "$work"/ 2>/dev/null
    if [ ! -x "$exe" ]; then
        failed=$((failed + 1))
        echo "not ok $n - $name was not built"
        continue
    fi
    log="$tmp/$name.log"
    (cd "$tmp" && "$exe" -max_total_time="$secs" -timeout=25 -rss_limit_mb=2048 \
        -artifact_prefix="$build/fuzz-artifacts/$name-" -print_final_stats=1 "$work" \
        >"$log" 2>&1)
    rc=$?
    runs=$(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -E '^#[0-9]+.*(DONE|cov:)' "$log" | tail -n1 | grep -o 'cov: [0-9]*')
    if [ "$rc" -eq 0 ]; then
        echo "ok $n - $name: ${runs:-?} runs in ${secs}s, ${cov:-cov: ?}, no crash"
    else
        failed=$((failed + 1))
        echo "not ok $n - $name exited $rc"
        grep -E 'ERROR|runtime error|Assertion|SUMMARY|Test unit written' "$log" | head -n 20 |
            sed 's/^/# /'
    fi
done
echo "1..$n"
echo "# $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
