#!/usr/bin/env bash
# sg17d SIDF over real HTTP: home-network keys made by `sg17 suci keygen`
# (profiles A, B, mlkem768, xwing) loaded from the config file ([sidf] key and
# key_dir); SUCIs made by `sg17 suci conceal` de-concealed to the right SUPI;
# forged (flipped MAC / ciphertext / ephemeral byte) and unknown-key-id SUCIs
# refused with 400 and byte-identical bodies; malformed SUCIs and bodies
# refused with 400 and a reason; the null scheme refused by default; roles;
# the counters at /sidf/v1/stats; start-up refusal of bad key files.
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
tap_need_bins SG17D_BIN SG17_BIN
tap_need_tools curl python3
tap_tmpdir
SG17D_LOG_REQUESTS=1 # the request lines are checked below

req() { curl -s -o "$T/body" -w '%{http_code}' --max-time 20 "$@"; }
jget() { python3 -c "import json,sys
d=json.load(open('$T/body'))
for k in sys.argv[1:]: d=d[k] if not k.isdigit() else d[int(k)]
print(d)" "$@"; }
dec() { # dec TOKEN SUCI -> status, body in $T/body
    req -X POST -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
        --data-binary "{\"suci\": \"$2\"}" "$URL/sidf/v1/deconceal"
}

DB="$T/sg17.db"
mkdir -p "$T/keys" "$T/more"
"$SG17_BIN" suci keygen --profile A --key-id 1 -o "$T/keys/hn-a" >/dev/null &&
    "$SG17_BIN" suci keygen --profile B --key-id 2 -o "$T/keys/hn-b" >/dev/null &&
    "$SG17_BIN" suci keygen --profile mlkem768 --key-id 12 -o "$T/more/hn-mlkem" >/dev/null &&
    "$SG17_BIN" suci keygen --profile xwing --key-id 13 -o "$T/more/hn-xwing" >/dev/null
ok $? "home-network keys made by sg17 suci keygen (A 1, B 2, mlkem768 12, xwing 13)"
cat >"$T/sg17d.ini" <<EOF
[sidf]
key = $T/keys/hn-a
key = $T/keys/hn-b
key_dir = $T/more
EOF

TSIDF=$("$SG17D_BIN" token create --role sidf --name ausf1 --db "$DB" 2>/dev/null)
TADM=$("$SG17D_BIN" token create --role admin --name adm --db "$DB" 2>/dev/null)
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
[ -n "$TSIDF" ] && [ -n "$TADM" ] && [ -n "$TANA" ]
ok $? "sidf, admin and analyst tokens created"

sg17d_must_start "$T/log" --config "$T/sg17d.ini" --db "$DB"
ok 0 "sg17d listening on $URL"
grep -q 'sidf: 4 home-network key(s); null scheme refused' "$T/log"
ok $? "4 keys loaded (2 [sidf] key lines, 2 from key_dir), null scheme refused by default"

# ---- good SUCIs: every profile, IMSI with 2- and 3-digit MNC --------------
declare -A SUCI
i=0
for p in A:hn-a B:hn-b mlkem768:hn-mlkem xwing:hn-xwing; do
    prof=${p%%:*}
    key=${p#*:}
    pub="$T/keys/$key.pub"
    [ -f "$pub" ] || pub="$T/more/$key.pub"
    i=$((i + 1))
    supi="imsi-00101012345678$i"
    s=$("$SG17_BIN" suci conceal --hn-pub "$pub" --supi "$supi" --routing 0042)
    SUCI[$prof]=$s
    is "$(dec "$TSIDF" "$s")" 200 "profile $prof: SUCI de-conceals (200)"
    is "$(jget supi)" "$supi" "profile $prof: the SUPI is $supi"
done
s=$("$SG17_BIN" suci conceal --hn-pub "$T/more/hn-xwing.pub" --supi imsi-310260123456789 \
    --mnc-digits 3)
is "$(dec "$TSIDF" "$s")" 200 "3-digit MNC SUCI de-conceals"
is "$(jget supi)" "imsi-310260123456789" "3-digit MNC SUPI"

# ---- forged and unknown-key SUCIs: one answer ------------------------------
flip() { # flip the hex digit at offset $2 from the end (1 = last)
    python3 -c "import sys
s=sys.argv[1]; i=len(s)-int(sys.argv[2])
c='0' if s[i]!='0' else '1'
print(s[:i]+c+s[i+1:])" "$1" "$2"
}
ref=""
for prof in A B mlkem768 xwing; do
    s=${SUCI[$prof]}
    is "$(dec "$TSIDF" "$(flip "$s" 1)")" 400 "profile $prof: flipped MAC byte refused (400)"
    cp "$T/body" "$T/mac-$prof"
    [ -z "$ref" ] && ref="$T/mac-$prof"
    cmp -s "$T/body" "$ref"
    ok $? "profile $prof: same body as every other failure: $(cat "$T/body")"
    case $prof in A | B) off=20 ;; *) off=36 ;; esac # a hex digit of the encrypted MSIN
    is "$(dec "$TSIDF" "$(flip "$s" $off)")" 400 "profile $prof: flipped ciphertext byte refused"
    cmp -s "$T/body" "$ref"
    ok $? "profile $prof: flipped ciphertext gives the same body"
done
# Profile A: any 32 bytes are an X25519 key, so a flipped ephemeral byte is a MAC failure too.
is "$(dec "$TSIDF" "$(flip "${SUCI[A]}" 40)")" 400 "profile A: flipped ephemeral key byte refused"
cmp -s "$T/body" "$ref"
ok $? "profile A: flipped ephemeral key gives the same body"
# An ML-KEM ciphertext byte: implicit rejection, then the MAC fails.
s=${SUCI[mlkem768]}
is "$(dec "$TSIDF" "$(flip "$s" 400)")" 400 "mlkem768: flipped KEM ciphertext byte refused"
cmp -s "$T/body" "$ref"
ok $? "mlkem768: flipped KEM ciphertext gives the same body"
# Unknown key id: concealed to a real key but labelled with another id.
for kid in 7 12; do
    s=$("$SG17_BIN" suci conceal --hn-pub "$T/keys/hn-a.pub" --supi imsi-001010123456789 \
        --key-id $kid)
    is "$(dec "$TSIDF" "$s")" 400 "profile A SUCI under key id $kid (unknown / other scheme) refused"
    cmp -s "$T/body" "$ref"
    ok $? "key id $kid: the body is identical to a MAC failure's"
done
python3 -c "import json; d=json.load(open('$ref')); assert d['error']=='bad_suci' and d['reason']" 2>/dev/null
ok $? "failure body is {error: bad_suci, reason: ...}"

# ---- malformed ----------------------------------------------------------------
for bad in "suci-0-001-01-0000-1-1-zz" "suci-0-001-01" "imsi-001010123456789" "" \
    "suci-0-001-01-0000-1-1-$(printf '%0200d' 0)"; do
    is "$(dec "$TSIDF" "$bad")" 400 "malformed SUCI '${bad:0:30}' refused (400)"
    r=$(jget reason 2>/dev/null)
    [ -n "$r" ] && [ "$(jget error)" = bad_suci ]
    ok $? "  with a reason: $r"
done
# Profile B with an uncompressed-point prefix (0x04) in the ephemeral key.
s=${SUCI[B]}
bad=$(python3 -c "import sys
s=sys.argv[1]; h=s.rsplit('-',1); print(h[0]+'-04'+h[1][2:])" "$s")
is "$(dec "$TSIDF" "$bad")" 400 "profile B: invalid ephemeral point refused"
ok "$(grep -c . "$T/body" >/dev/null; [ "$(jget error)" = bad_suci ]; echo $?)" \
    "  reason: $(jget reason)"
is "$(dec "$TSIDF" "suci-0-001-01-0000-0-0-0123456789")" 400 "null-scheme SUCI refused by default"
echo "# null scheme: $(cat "$T/body")"
for body in 'not json' '{"suci": 5}' '{}' '[]' '{"suci":"a","suci":"b"}' '{"suci":"x","y":1}'; do
    is "$(req -X POST -H "Authorization: Bearer $TSIDF" --data-binary "$body" \
        "$URL/sidf/v1/deconceal")" 400 "body '$body' refused (400 bad_request)"
done
# A body with a NUL inside the string must not be cut at the NUL.
is "$(req -X POST -H "Authorization: Bearer $TSIDF" \
    --data-binary "{\"suci\": \"${SUCI[A]}\\u0000x\"}" "$URL/sidf/v1/deconceal")" 400 \
    "a SUCI with an embedded NUL is refused, not truncated"

# ---- auth ----------------------------------------------------------------------
is "$(req -X POST --data-binary "{\"suci\":\"${SUCI[A]}\"}" "$URL/sidf/v1/deconceal")" 401 \
    "no token: 401"
is "$(dec "$TANA" "${SUCI[A]}")" 403 "analyst token may not de-conceal (403)"
is "$(dec "$TADM" "${SUCI[A]}")" 403 "admin token may not de-conceal either: sidf role only (403)"
is "$(req "$URL/sidf/v1/stats")" 401 "stats without a token: 401"
is "$(req -H "Authorization: Bearer $TSIDF" "$URL/sidf/v1/deconceal")" 405 "GET deconceal: 405"

# ---- counters -----------------------------------------------------------------------
is "$(req -H "Authorization: Bearer $TANA" "$URL/sidf/v1/stats")" 200 "analyst reads the stats"
cp "$T/body" "$T/stats"
is "$(jget schemes A ok)" 1 "A ok = 1"
is "$(jget schemes A failed)" 5 "A failed = 5 (MAC, ciphertext, ephemeral, key id 7, key id 12)"
is "$(jget schemes B ok)" 1 "B ok = 1"
is "$(jget schemes B failed)" 2 "B failed = 2"
is "$(jget schemes B malformed)" 1 "B malformed = 1 (invalid point)"
is "$(jget schemes mlkem768 ok)" 1 "mlkem768 ok = 1"
is "$(jget schemes mlkem768 failed)" 3 "mlkem768 failed = 3"
is "$(jget schemes xwing ok)" 2 "xwing ok = 2"
is "$(jget schemes null malformed)" 1 "null scheme refusal counted as malformed"
is "$(jget total ok)" 5 "total ok = 5"
is "$(jget bad_requests)" 7 "7 bad request bodies"
python3 -c "import json; d=json.load(open('$T/stats'))
assert sorted((k['key_id'],k['scheme']) for k in d['keys'])==[(1,'A'),(2,'B'),(12,'mlkem768'),(13,'xwing')]
assert d['allow_null'] is False"
ok $? "stats list the key ids and schemes (never key material)"
grep -q -E 'private|[0-9a-f]{64}' "$T/stats"
ok $((1 - $?)) "no key material in the stats"
is "$(req -H "Authorization: Bearer $TADM" "$URL/sidf/v1/stats")" 200 "admin reads the stats"
grep -q 'POST "/sidf/v1/deconceal" 200 .* principal=ausf1' "$T/log"
ok $? "one log line per request, with the principal"
grep -q "imsi-00101012345678" "$T/log"
ok $((1 - $?)) "no SUPI in the log"

sg17d_stop
is "$STATUS" 0 "SIGTERM: clean stop"

# ---- allow_null and start-up refusals ------------------------------------------------
printf '[sidf]\nallow_null = yes\n' >"$T/null.ini"
"$SG17D_BIN" --db "$DB" --port 0 --sidf-key "$T/keys/hn-a.pub" 2>"$T/log3"
is "$?" 2 "a public key as [sidf] key: exit 2"
grep -q "public key" "$T/log3"
ok $? "  and the log says why"
"$SG17D_BIN" --db "$DB" --port 0 --sidf-key "$T/keys/hn-a" --sidf-key "$T/keys/hn-a" 2>"$T/log3"
is "$?" 2 "the same key id twice: exit 2"
"$SG17D_BIN" --db "$DB" --port 0 --sidf-key "$T/nope" 2>"$T/log3"
is "$?" 2 "a missing key file: exit 2"
printf '[sidf]\nallow_null = maybe\n' >"$T/bad.ini"
"$SG17D_BIN" --config "$T/bad.ini" --db "$DB" --port 0 2>"$T/log3"
is "$?" 2 "allow_null = maybe: exit 2"
grep -q 'bad.ini:2: allow_null' "$T/log3"
ok $? "  reported as FILE:LINE"

sg17d_start "$T/log" --config "$T/null.ini" --db "$DB"
is "$(dec "$TSIDF" "suci-0-001-01-0000-0-0-0123456789")" 200 "allow_null = yes: null SUCI accepted"
is "$(jget supi)" "imsi-001010123456789" "  its SUPI"

tap_done
