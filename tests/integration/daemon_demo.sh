#!/usr/bin/env bash
# scripts/demo (the `make run` demonstration) end to end in a temporary
# directory: keys generated, Circular 268 replies signed and accepted, sg17d
# started, SUCIs of every quantum-safe profile de-concealed through the daemon,
# a forged one refused, a firmware campaign, vehicle captures analysed and
# signed misbehaviour reports stored, a threat feed loaded and a Zeek log's
# sightings posted, the tally and the report read back; then a second run
# on the same ./var reuses keys and tokens. SG17_DEMO_WAIT=0 stops sg17d at the end.
set -u
. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17D_BIN
if [ -z "${SG17_SOURCE_DIR:-}" ]; then
    echo "1..0 # SKIP SG17_SOURCE_DIR not set"
    exit 77
fi
tap_need_tools curl python3
tap_tmpdir
BUILD=$(dirname "$SG17D_BIN")
run() { (cd "$T" && SG17D_PORT=0 SG17_DEMO_WAIT=0 timeout 120 bash "$SG17_SOURCE_DIR/scripts/demo" "$BUILD") >"$T/$1.out" 2>&1; }

run first
ok $? "demo exits 0"
sed 's/^/# /' "$T/first.out"
for s in 1 2 3 4 5 6 7 8 9; do
    grep -q "^\[$s/9\]" "$T/first.out"
    ok $? "progress step $s/9 shown"
done
for a in CHN FRA DEU; do
    grep -q "$a: reply signed with ML-DSA-65 and accepted" "$T/first.out"
    ok $? "Circular 268: $a's signed reply accepted"
done
for p in mlkem768:1 xwing:2 A:3; do
    grep -Eq "^ +${p%%:*} +SUCI of [0-9]+ characters -> imsi-00101012345678${p#*:}\$" "$T/first.out"
    ok $? "SUCI ${p%%:*} de-concealed through sg17d to its SUPI"
done
grep -q "forged SUCI .* -> 400" "$T/first.out"
ok $? "forged SUCI refused"
[ "$(grep -c 'demo-cam[123]: verified, installed, booted, confirmed; signed report sent' "$T/first.out")" = 3 ]
ok $? "firmware campaign: three simulated devices updated"
grep -q "tracker: 3 installed" "$T/first.out"
ok $? "the status tracker says 3 installed"
[ "$(grep -c 'support 3/3: the approval procedure may be applied' "$T/first.out")" = 4 ]
ok $? "tally read from the API: four drafts, 3/3 each"
grep -q "29 items: .*13 broken" "$T/first.out" && grep -q "<html" "$T/var/demo/assessment.html"
ok $? "assessment summary and HTML report from the API"
grep -Eq "^ +demo-car1: .*: [0-9]+ alerts \(.*\); .*signed with ML-DSA-65, stored as report [0-9]+" "$T/first.out"
ok $? "vehicle capture analysed, its alerts signed and stored as a misbehaviour report"
grep -q "<svg" "$T/var/demo/vehicle/demo-car1.svg"
ok $? "the detection timeline written as SVG"
grep -Eq "sg17d holds [1-9][0-9]* reports, [1-9][0-9]* alerts" "$T/first.out"
ok $? "GET /mbr/v1/summary counts them"
grep -Eq "[0-9]+ indicators, [0-9]+ values \([0-9]+ new\)" "$T/first.out" &&
    grep -Eq "POST /intel/v1/sightings: [1-9][0-9]* recorded" "$T/first.out"
ok $? "threat feed loaded, log matched, sightings recorded by sg17d"
for p in vehicle.html intel.html consult.html update.html; do
    grep -q "/$p" "$T/first.out" || { ok 1 "where to look lists $p"; continue; }
    ok 0 "where to look lists $p"
done
python3 - "$T/var/sg17.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
q = lambda sql: db.execute(sql).fetchone()[0]
sys.exit(0 if q("SELECT count(*) FROM consult_replies WHERE circular = 268") == 3
         and q("SELECT count(*) FROM mbr_reports") >= 1
         and q("SELECT count(*) FROM intel_sightings") >= 1 else 1)
PY
ok $? "replies, reports and sightings are rows of sg17d's one database (var/sg17.db)"
[ ! -e "$T/var/sg17.db.consult" ]
ok $? "no separate consultation store"
url=$(sed -n 's|.*dashboard: *\(http://[^ ]*\)/ .*|\1|p' "$T/first.out")
[ -n "$url" ] && ! curl -s --max-time 2 "$url/healthz" >/dev/null
ok $? "sg17d stopped at the end (SG17_DEMO_WAIT=0)"
[ "$(stat -c %a "$T/var/sidf.token")" = 600 ] && [ "$(stat -c %a "$T/var/demo/hn-keys/hn-xwing")" = 600 ]
ok $? "tokens and private keys are 0600"

sleep 1 # the demo's manifest sequence number is time-based
run second
ok $? "a second run on the same ./var exits 0"
grep -q "tracker: 3 installed" "$T/second.out"
ok $? "second run: a new campaign (higher sequence) installs on the same devices"
grep -Eq "^ +demo-car1: .*stored as report [0-9]+" "$T/second.out"
ok $? "second run: the same reporter sends a new report"
[ "$(grep -c 'kept from an earlier run' "$T/second.out")" = 3 ] && ! grep -q "created" "$T/second.out"
ok $? "second run keeps the keys and tokens"
tap_done
