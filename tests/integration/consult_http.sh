#!/usr/bin/env bash
# sg17d consult endpoints over real HTTP: signed replies POSTed with
# administration tokens (token name = administration id), refusals as 422,
# a reply from another administration's token as 403, replacement, the tally
# (JSON/HTML) and the public form. Circular 268's deadline (2020) is in the
# past for the daemon's clock, so its replies are refused as late; the same
# engine runs a test circular 9268 (the 268 data with a 2099 deadline).
# The daemon keeps the consultation in its own SQLite database; the operator
# prepares it with `sg17 consult --db` on the same file (also while it runs).
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN SG17_BIN
tap_need_tools curl python3
SRC="${SG17_SOURCE_DIR:?}"
tap_tmpdir
SG17D_LOG_REQUESTS=1 # the log is kept whole, as before
req() { curl -s -o "$T/body" -w '%{http_code}' --max-time 20 "$@"; }
field() { python3 -c "import json,sys; print(json.load(open('$T/body'))[sys.argv[1]])" "$1"; }

DB="$T/sg17.db"
export SG17_CONSULT_DB="$DB" # the daemon's database, shared with the CLI
S() { "$SG17_BIN" consult "$@"; }
S states import "$SRC/data/consult/member_states.json" >/dev/null &&
    S circular import "$SRC/data/consult/circular-268.json" >/dev/null
ok $? "store prepared with the CLI (Member States, Circular 268)"
sed -e 's/"number": 268/"number": 9268/' -e 's/2020-12-18T23:59:59Z/2099-12-31T23:59:59Z/' \
    "$SRC/data/consult/circular-268.json" >"$T/c9268.json"
S circular import "$T/c9268.json" >/dev/null
ok $? "test circular 9268 imported (deadline 2099)"
for a in CHN FRA; do
    "$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/$a.key" >/dev/null 2>&1 &&
        S admin register --admin "$a" --key "$T/$a.key.pub" >/dev/null || echo "# key $a failed"
done
TCHN=$("$SG17D_BIN" token create --role administration --name CHN --db "$DB" 2>/dev/null)
TFRA=$("$SG17D_BIN" token create --role administration --name FRA.2020 --db "$DB" 2>/dev/null)
TUSA=$("$SG17D_BIN" token create --role administration --name USA --db "$DB" 2>/dev/null)
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
[ -n "$TCHN" ] && [ -n "$TFRA" ] && [ -n "$TUSA" ] && [ -n "$TANA" ]
ok $? "administration tokens created (CHN, FRA.2020, USA) and an analyst token"

sg17d_must_start "$T/log" --db "$DB"
ok 0 "sg17d listening on $URL"
"$SG17_BIN" pqc keygen --alg ml-dsa-65 -o "$T/USA.key" >/dev/null 2>&1 &&
    S admin register --admin USA --key "$T/USA.key.pub" >/dev/null
ok $? "USA's key registered with the CLI while sg17d runs (same database)"
[ ! -e "$DB.consult" ]
ok $? "no directory store beside the database"

mk() { # mk <adm> <circular> <name> <extra create args...>: create + sign -> $T/<name>.env
    local a=$1 c=$2 f=$3
    shift 3
    S reply create --circular "$c" --admin "$a" --name "A. Delegate" --title Director \
        --address "1 Main St" --date 2020-12-01 --place Geneva "$@" -o "$T/$f.json" &&
        S reply sign --key "$T/$a.key" -o "$T/$f.env" "$T/$f.json"
}
ALL=(--authorize X.1217 --authorize X.1368 --authorize X.1376 --authorize X.1811)
post() { req -X POST -H "Authorization: Bearer $1" --data-binary "@$T/$2.env" "$URL/v1/consult/circulars/$3/replies"; }

mk CHN 268 chn268 "${ALL[@]}"
is "$(post "$TCHN" chn268 268)" 422 "a reply to Circular 268 now (after 2020-12-18) is refused"
is "$(field code)" late "refusal code late"

mk CHN 9268 chn1 "${ALL[@]}"
is "$(post "$TCHN" chn1 9268)" 201 "signed reply from CHN accepted (201)"
is "$(field verdict)" accepted "verdict accepted"
is "$(post "$TUSA" chn1 9268)" 403 "CHN's reply posted with USA's token: 403"
is "$(req -X POST --data-binary "@$T/chn1.env" "$URL/v1/consult/circulars/9268/replies")" 401 "no token: 401"
is "$(req -X POST -H "Authorization: Bearer $TANA" --data-binary "@$T/chn1.env" "$URL/v1/consult/circulars/9268/replies")" 403 "analyst token: 403"

mk FRA 9268 fra1 --authorize X.1217 --authorize X.1368 --authorize X.1376 --not-authorize X.1811 \
    --reasons "X.1811=needs hybrid guidance" --modifications "X.1811=add annex"
is "$(post "$TFRA" fra1 9268)" 201 "FRA (token FRA.2020) not-authorize with reasons accepted"
mk USA 9268 usa1 --authorize X.1217 --authorize X.1368 --authorize X.1376 --not-authorize X.1811
is "$(post "$TUSA" usa1 9268)" 422 "not authorize without reasons: 422"
is "$(field code)" no_reasons "refusal code no_reasons"
python3 -c "import json; d=json.load(open('$T/chn1.env')); del d['signature']; json.dump(d, open('$T/uns.env','w'))"
is "$(post "$TCHN" uns 9268)" 422 "unsigned: 422"
is "$(field code)" unsigned "refusal code unsigned"
S reply sign --key "$T/USA.key" -o "$T/wrong.env" "$T/chn1.json"
is "$(post "$TCHN" wrong 9268)" 422 "signed with another key: 422"
is "$(field code)" bad_signature "refusal code bad_signature"
is "$(post "$TCHN" chn1 404)" 404 "unknown circular: 404"

# 2 replies, X.1811: CHN yes, FRA no -> 1/2 not approved; FRA replaces -> 2/2 approved
is "$(req -H "Authorization: Bearer $TUSA" "$URL/v1/consult/circulars/9268/tally")" 200 "tally (administration token)"
x() { python3 -c "import json,sys; d=json.load(open('$T/body')); print([r for r in d['drafts'] if r['draft']=='X.1811'][0][sys.argv[1]])" "$1"; }
is "$(x share)" "1/2" "X.1811 support 1/2"
is "$(x approved)" "False" "X.1811 not approved"
mk FRA 9268 fra2 "${ALL[@]}"
is "$(post "$TFRA" fra2 9268)" 201 "FRA's replacement reply accepted"
req -H "Authorization: Bearer $TCHN" "$URL/v1/consult/circulars/9268/tally" >/dev/null
is "$(x share)" "2/2" "replacement counted once: X.1811 2/2"
is "$(x approved)" "True" "X.1811 approved"
is "$(python3 -c "import json; d=json.load(open('$T/body')); print([a['replies'] for a in d['administrations'] if a['administration']=='FRA'][0])")" 2 "FRA's history: 2 replies"
is "$(field refusals)" 3 "the 3 refused submissions to 9268 recorded (no_reasons, unsigned, bad_signature)"
is "$(req -H "Authorization: Bearer $TANA" "$URL/v1/consult/circulars/9268/tally")" 403 "analyst cannot read the tally"
req -H "Authorization: Bearer $TCHN" "$URL/v1/consult/circulars/9268/tally?format=html" >/dev/null
grep -q "<table" "$T/body"
ok $? "tally as HTML"
is "$(req "$URL/v1/consult/form/268?lang=zh&format=html")" 200 "public Chinese form"
grep -q "不授权" "$T/body"
ok $? "form text is Chinese"
is "$(req "$URL/v1/consult/form/268?lang=fr")" 400 "form in another language: 400"

sg17d_stop 600
is "$STATUS" 0 "sg17d stops cleanly"
is "$(python3 -c "import sqlite3; db=sqlite3.connect('$DB'); print(db.execute('SELECT count(*) FROM consult_replies WHERE circular=9268').fetchone()[0], db.execute(\"SELECT name FROM schema_migrations WHERE version=5\").fetchone()[0])")" "3 consult" \
    "the 3 accepted replies are rows of the daemon's database (schema step 5 consult)"
S tally --circular 9268 --json >"$T/cli.json" && python3 -c "import json; print(json.load(open('$T/cli.json'))['drafts'][3]['share'])" >"$T/share"
is "$(cat "$T/share")" "2/2" "sg17 consult --db reads the same tally"
tap_done
