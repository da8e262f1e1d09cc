#!/usr/bin/env bash
# Proves the valgrind constant-time check has teeth: the early-exit
# comparison in tests/ct/memeq.c --leaky must make memcheck fail (exit 9),
# while the sg17_ct_memeq path passes (exit 0).
set -u
exe="${SG17_BUILD_DIR:?}/test_ct_memeq"
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind not installed"; exit 77; }
[ -x "$exe" ] || { echo "1..0 # SKIP $exe not built (ct tests are not built under ASan)"; exit 77; }
fail=0
out=$(valgrind -q --error-exitcode=9 "$exe" --leaky 2>&1); rc=$?
if [ $rc -eq 9 ] && grep -q "depends on uninitialised" <<<"$out"; then
  echo "ok 1 - memcheck flags an early-exit comparison of a secret (exit $rc)"
else
  echo "not ok 1 - memcheck did not flag the leaky comparison (exit $rc)"; echo "$out" | sed 's/^/# /'; fail=1
fi
out=$(valgrind -q --error-exitcode=9 "$exe" 2>&1); rc=$?
if [ $rc -eq 0 ]; then
  echo "ok 2 - sg17_ct_memeq on the same secret passes memcheck"
else
  echo "not ok 2 - sg17_ct_memeq flagged (exit $rc)"; echo "$out" | sed 's/^/# /'; fail=1
fi
echo "1..2"
exit $fail
