#!/usr/bin/env bash
# ctest wrapper for scripts/check-no-div over this build's library objects,
# plus a self-check that the scanner does catch a division.
set -u
src=${SG17_SOURCE_DIR:?}; bld=${SG17_BUILD_DIR:?}
command -v objdump >/dev/null || { echo "1..0 # SKIP objdump not installed"; exit 77; }
objdir="$bld/CMakeFiles/sg17_obj.dir"
fail=0
if out=$(bash "$src/scripts/check-no-div" "$objdir" 2>&1); then
  echo "ok 1 - $out"
else
  echo "not ok 1 - division instructions found"; echo "$out" | sed 's/^/# /'; fail=1
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/src/lib/pqc"
printf 'unsigned f(unsigned a, unsigned b){return a/b;}\n' > "$tmp/t.c"
cc -O2 -c "$tmp/t.c" -o "$tmp/src/lib/pqc/t.c.o"
if bash "$src/scripts/check-no-div" "$tmp" >/dev/null 2>&1; then
  echo "not ok 2 - the scanner missed a planted division"; fail=1
else
  echo "ok 2 - the scanner catches a planted division"
fi
echo "1..2"
exit $fail
