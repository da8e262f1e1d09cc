#!/usr/bin/env bash
# Moving a consultation from a directory store (what sg17d used before it kept
# the consultation in its database) into sg17d's SQLite database, nothing lost:
# sg17d copies <db>.consult at start-up (replies, arrival times, histories,
# keys), the HTTP tally equals the directory store's, a restart copies nothing
# twice, a conflicting directory is left alone with an error logged, and
# `sg17 consult import --from DIR --db FILE` does the same by hand.
set -u
. "$SG17_SOURCE_DIR/tests/harness/tap.sh"
. "$SG17_SOURCE_DIR/tests/harness/sg17d.sh"
tap_need_bins SG17_BIN SG17D_BIN
tap_need_tools curl python3
tap_tmpdir
SRC="$SG17_SOURCE_DIR"
DB="$T/sg17.db"
DIR="$DB.consult"
unset SG17_CONSULT_DB
export SG17_CONSULT_STORE="$DIR" # the CLI's store; sg17d's default legacy path is the same
S() { "$SG17_BIN" consult "$@"; }

S states import "$SRC/data/consult/member_states.json" >/dev/null &&
    S circular import "$SRC/data/consult/circular-268.json" >/dev/null
ok $? "directory store: Member States and Circular 268"
bad=0
for a in CHN FRA USA; do
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/$a.key" >/dev/null 2>&1 &&
        S admin register --admin "$a" --key "$T/$a.key.pub" >/dev/null || bad=1
done
ok $bad "3 keys registered"
mk() { # mk <adm> <name> <at> <args...>: create, sign, submit at <at>
    local a=$1 f=$2 at=$3
    shift 3
    S reply create --circular 268 --admin "$a" --name N --title T --address A \
        --date 2020-12-01 --place P "$@" -o "$T/$f.json" &&
        S reply sign --key "$T/$a.key" -o "$T/$f.env" "$T/$f.json" &&
        S reply submit --at "$at" "$T/$f.env" >/dev/null
}
ALL=(--authorize X.1217 --authorize X.1368 --authorize X.1376 --authorize X.1811)
mk CHN c1 2020-12-01T10:00:00Z "${ALL[@]}" &&
    mk FRA f1 2020-12-02T10:00:00Z --authorize X.1217 --authorize X.1368 --authorize X.1376 \
        --not-authorize X.1811 --reasons "X.1811=later" &&
    mk USA u1 2020-12-03T10:00:00Z "${ALL[@]}" &&
    mk FRA f2 2020-12-18T23:59:59Z --authorize X.1217 --authorize X.1368 \
        --not-authorize X.1376 --reasons "X.1376=scope" --authorize X.1811
ok $? "4 replies in the directory store (FRA replaced its first)"
S tally --circular 268 --json >"$T/dir.json"

TA=$("$SG17D_BIN" token create --role admin --name boss --db "$DB" 2>/dev/null)
[ -n "$TA" ]
ok $? "admin token"
sg17d_must_start "$T/log1" --db "$DB"
grep -q "copied 1 list, 1 circulars, 3 keys, 4 replies" "$T/log1"
ok $? "sg17d copied the directory store at start-up (log line)"
code=$(curl -s -o "$T/http.json" -w '%{http_code}' -H "Authorization: Bearer $TA" "$URL/v1/consult/circulars/268/tally")
is "$code" 200 "tally over HTTP"
python3 - "$T/dir.json" "$T/http.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
b.pop("refusals", None)
sys.exit(0 if a == b else 1)
PY
ok $? "the HTTP tally equals the directory store's (counts, decisions, histories, comments)"
is "$(python3 -c "import json; d=json.load(open('$T/http.json')); print([a['replies'] for a in d['administrations'] if a['administration']=='FRA'][0])")" 2 "FRA's history (2) came along"
python3 -c "import sqlite3; print(*sqlite3.connect('$DB').execute(\"SELECT received_at FROM consult_replies WHERE administration='FRA' ORDER BY seq\").fetchall())" >"$T/at"
is "$(cat "$T/at")" "(1606903200,) (1608335999,)" "arrival times kept, in order"
sg17d_stop
is "$STATUS" 0 "sg17d stopped"

sg17d_must_start "$T/log2" --db "$DB"
grep -q "copied 0 list, 0 circulars, 0 keys, 0 replies; 8 already in the database" "$T/log2"
ok $? "restart: nothing copied twice"
sg17d_stop

"$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/USA2.key" >/dev/null 2>&1 &&
    S admin register --admin USA --key "$T/USA2.key.pub" >/dev/null
sg17d_must_start "$T/log3" --db "$DB"
grep -q "ERROR consult: import of the directory store .* conflicts with the database" "$T/log3"
ok $? "a directory store that conflicts (USA's new key) is reported, not copied"
code=$(curl -s -o "$T/http3.json" -w '%{http_code}' -H "Authorization: Bearer $TA" "$URL/v1/consult/circulars/268/tally")
is "$code" 200 "sg17d still serves the tally"
sg17d_stop

out=$("$SG17_BIN" consult import --from "$DIR" --db "$T/other.db")
is "$?" 0 "sg17 consult import --from DIR --db FILE"
case "$out" in *"4 replies"*) ok 0 "it reports 4 replies";; *) ok 1 "it reports 4 replies (got '$out')";; esac
"$SG17_BIN" consult import --from "$DIR" --db "$DB" >/dev/null 2>"$T/err"
is "$?" 3 "the conflicting import by hand: exit 3"
"$SG17_BIN" consult import --db "$DB" >/dev/null 2>&1
is "$?" 2 "import without --from: usage (2)"
tap_done "$T/log1" "$T/log3"
