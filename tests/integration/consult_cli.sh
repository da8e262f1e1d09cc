#!/usr/bin/env bash
# sg17 consult end to end: import Circular 268 and the Member States list,
# register ML-DSA-65 keys, create/sign/submit replies (deadline boundary,
# refusals, replacement with history), tally at the 70 % boundary, forms.
set -u

. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
SRC="${SG17_SOURCE_DIR:?}"
tap_tmpdir
export SG17_CONSULT_STORE="$T/store"
# consult_cli_db.sh runs this whole script against the SQLite store (sg17 consult --db).
BACKEND=${CONSULT_BACKEND:-dir}
if [ "$BACKEND" = db ]; then
    export SG17_CONSULT_DB="$T/consult.db"
fi
echo "# backend: $BACKEND"

S() { "$SG17_BIN" consult "$@"; }

S states import "$SRC/data/consult/member_states.json" >/dev/null
is "$?" 0 "states import"
S circular import "$SRC/data/consult/circular-268.json" >/dev/null
is "$?" 0 "circular import"
S circular import "$SRC/data/consult/circular-268.json" >/dev/null
is "$?" 0 "re-importing the same circular is a no-op"
sed 's/"threshold_percent": 70/"threshold_percent": 60/' "$SRC/data/consult/circular-268.json" >"$T/c2.json"
S circular import "$T/c2.json" >/dev/null 2>&1
is "$?" 3 "a different circular 268 is refused"

S form --circular 268 --lang en >"$T/form.en"
is "$?" 0 "form --lang en"
grep -q "X.1811 (X.5Gsec-q)" "$T/form.en" && grep -q "2020-12-18T23:59:59Z" "$T/form.en"
ok $? "English form lists the drafts and the deadline"
S form --circular 268 --lang zh --html >"$T/form.zh.html"
grep -q '<html lang="zh">' "$T/form.zh.html" && grep -q "不授权" "$T/form.zh.html"
ok $? "Chinese HTML form"
S form --circular 268 --lang fr >/dev/null 2>&1
is "$?" 2 "unknown language is a usage error"

ADMS="CHN FRA USA KOR JPN DEU BRA IND ZAF GBR"
bad=0
for a in $ADMS; do
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/$a.key" >/dev/null 2>&1 &&
        S admin register --admin "$a" --key "$T/$a.key.pub" >/dev/null || bad=1
done
ok $bad "10 ML-DSA-65 keys generated and registered"
"$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/XYZ.key" >/dev/null 2>&1
S admin register --admin XYZ --key "$T/XYZ.key.pub" >/dev/null 2>&1
is "$?" 3 "registering a non-Member State is refused"

common=(--circular 268 --name "A. Delegate" --title "Director" --address "1 Main St"
        --date 2020-12-01 --place Geneva)
# reply <adm> <file> <extra args...>: create + sign
reply() {
    local a=$1 f=$2
    shift 2
    S reply create "${common[@]}" --admin "$a" "$@" -o "$T/$f.json" &&
        S reply sign --key "$T/$a.key" -o "$T/$f.env" "$T/$f.json"
}
ALL=(--authorize X.1217 --authorize X.1368 --authorize X.1376 --authorize X.1811)

# 7 of 10 support X.1217 (exactly 70 %); 6 of 10 support X.1368 (one short)
i=0
bad=0
for a in $ADMS; do
    args=()
    if [ $i -lt 7 ]; then args+=(--authorize X.1217); else args+=(--not-authorize X.1217 --reasons "X.1217=needs work"); fi
    if [ $i -lt 6 ]; then args+=(--authorize X.1368 --comments "X.1368=editorial comment from $a"); else args+=(--not-authorize X.1368 --reasons "X.1368=scope unclear" --modifications "X.1368=narrow the scope"); fi
    args+=(--authorize X.1376 --authorize X.1811)
    reply "$a" "$a" "${args[@]}" || bad=1
    S reply submit --at 2020-12-18T23:59:59Z "$T/$a.env" >/dev/null || bad=1
    i=$((i + 1))
done
ok $bad "10 replies created, signed and submitted at 23:59:59"
S tally --circular 268 --json >"$T/tally.json"
is "$?" 0 "tally --json"
t() { python3 -c "import json,sys; d=json.load(open('$T/tally.json')); r=[x for x in d['drafts'] if x['draft']==sys.argv[1]][0]; print(r[sys.argv[2]])" "$1" "$2"; }
is "$(t X.1217 share)" "7/10" "X.1217 support 7/10"
is "$(t X.1217 approved)" "True" "X.1217 at exactly 70 % is approved"
is "$(t X.1368 share)" "6/10" "X.1368 support 6/10"
is "$(t X.1368 approved)" "False" "X.1368 one reply short of 70 % is not approved"
is "$(t X.1368 authorize_with_comments)" "6" "X.1368 authorize with comments counted"
is "$(python3 -c "import json; d=json.load(open('$T/tally.json')); print(len(d['drafts'][1]['reasons']))")" "4" "reasons of the 4 not-authorize collected"

# late reply
reply CHN late "${ALL[@]}"
out=$(S reply submit --at 2020-12-19T00:00:00Z "$T/late.env")
is "$?" 1 "submission at 2020-12-19T00:00:00Z refused (exit 1)"
case "$out" in "refused (late)"*) ok 0 "reason: late";; *) ok 1 "reason: late (got '$out')";; esac

# replacement: ZAF (not authorize X.1368) now authorizes -> 7/10 approved, history 2
reply ZAF zaf2 "${ALL[@]}"
S reply submit --at 2020-12-18T12:00:00Z "$T/zaf2.env" >/dev/null
is "$?" 0 "replacement reply accepted"
S tally --circular 268 --json >"$T/tally.json"
is "$(t X.1368 share)" "7/10" "replacement counted once: X.1368 now 7/10"
is "$(t X.1368 approved)" "True" "X.1368 now approved"
if [ "$BACKEND" = db ]; then
    python3 -c "import sqlite3; print(sqlite3.connect('$T/consult.db').execute(\"SELECT count(*) FROM consult_replies WHERE circular=268 AND administration='ZAF'\").fetchone()[0])" >"$T/hist"
    [ ! -e "$T/store" ]
    ok $? "the SQLite backend wrote no directory store"
else
    ls "$T/store/replies/268/ZAF/" | wc -l | tr -d ' ' >"$T/hist"
fi
is "$(cat "$T/hist")" "2" "both ZAF replies kept as history"
is "$(python3 -c "import json; d=json.load(open('$T/tally.json')); print([a['replies'] for a in d['administrations'] if a['administration']=='ZAF'][0])")" 2 "the tally reports ZAF's 2 replies"

# refusals through the CLI
code() { S reply submit --json --at 2020-12-10T00:00:00Z "$1" | python3 -c "import json,sys; print(json.load(sys.stdin)['code'])"; }
python3 -c "import json; d=json.load(open('$T/CHN.env')); del d['signature']; json.dump(d, open('$T/unsigned.env','w'))"
is "$(code "$T/unsigned.env")" "unsigned" "unsigned reply refused"
S reply sign --key "$T/FRA.key" -o "$T/wrong.env" "$T/CHN.json"
is "$(code "$T/wrong.env")" "bad_signature" "reply signed with another administration's key refused"
python3 -c "import json; d=json.load(open('$T/CHN.env')); d['reply']['drafts'][0]['authorize']=False; d['reply']['drafts'][0]['not_authorize']=True; d['reply']['drafts'][0]['reasons']='x'; json.dump(d, open('$T/tampered.env','w'))"
is "$(code "$T/tampered.env")" "bad_signature" "tampered reply refused"
reply CHN noreason --authorize X.1217 --authorize X.1368 --authorize X.1376 --not-authorize X.1811
is "$(code "$T/noreason.env")" "no_reasons" "not authorize without reasons refused"
reply CHN both "${ALL[@]}" --not-authorize X.1376 --reasons "X.1376=r"
is "$(code "$T/both.env")" "both_boxes" "both boxes ticked refused"
reply CHN none --authorize X.1217 --authorize X.1368 --authorize X.1811
is "$(code "$T/none.env")" "no_box" "no box ticked refused"
python3 -c "import json; d=json.load(open('$T/CHN.json')); d['drafts'][0]['draft']='X.9999'; json.dump(d, open('$T/unk.json','w'))"
S reply sign --key "$T/CHN.key" -o "$T/unk.env" "$T/unk.json"
is "$(code "$T/unk.env")" "unknown_draft" "draft not in the circular refused"
S reply create --circular 268 --admin CHN "${ALL[@]}" -o "$T/inc.json" && S reply sign --key "$T/CHN.key" -o "$T/inc.env" "$T/inc.json"
is "$(code "$T/inc.env")" "incomplete" "reply without sender, date, place refused"
S tally --circular 268 --json >"$T/tally2.json"
cmp -s "$T/tally.json" "$T/tally2.json"
ok $? "refused replies did not change the tally"
S tally --circular 268 --html | grep -q "<table"
ok $? "tally --html"
S tally --circular 268 | grep -q "X.1217 (X.fgati): received 10"
ok $? "tally text"

tap_done
