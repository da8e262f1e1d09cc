#!/usr/bin/env bash
# sg17 assess: text/JSON/HTML on the shipped example inventories, --strict exit
# codes, -o, malformed input (exit 3 with the item named), usage (exit 2).
set -u
. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
tap_tmpdir
EX="${SG17_SOURCE_DIR:-.}/examples/assess"
is "$(status "$SG17_BIN" assess "$EX/5g-sa-2020.json")" 0 "text report"
grep -q "^1   suci .*SUCI-PROFILE-A .* 128 .* 0 broken" "$T/out"; ok $? "SUCI profile A: 128 classical, 0 quantum, broken, priority 1"
grep -q "GOST-28147 .*unknown" "$T/out"; ok $? "unknown algorithm reported as unknown"
is "$(status "$SG17_BIN" assess --strict "$EX/5g-sa-2020.json")" 1 "--strict fails the 2020 core"
is "$(status "$SG17_BIN" assess --strict "$EX/5g-sa-migrated.json")" 0 "--strict passes the migrated core"
is "$(status "$SG17_BIN" assess --json "$EX/5g-sa-2020.json")" 0 "json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["broken"]==13 and d["items"][0]["priority"]==0' "$T/out" 2>/dev/null
ok $? "JSON parses, 13 broken, sorted by priority"
is "$(status "$SG17_BIN" assess --html -o "$T/r.html" "$EX/5g-sa-2020.json")" 0 "html to file"
grep -q "<table>" "$T/r.html"; ok $? "html table written"
echo '{"schema":"sg17-assess-1","system":"x","items":[{"id":"a","area":"nas","name":"n","algorithm":"AES-128","key_bit":1}]}' >"$T/bad.json"
is "$(status "$SG17_BIN" assess "$T/bad.json")" 3 "malformed inventory exit 3"
grep -q 'items\[0\]: unknown field "key_bit"' "$T/err"; ok $? "error names the item and field"
is "$(status "$SG17_BIN" assess)" 2 "no file is usage"
is "$(status "$SG17_BIN" assess --bogus x)" 2 "bad option is usage"
tap_done
