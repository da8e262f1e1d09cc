#!/usr/bin/env bash
# sg17d as a TAXII 2.1 server over real HTTP, loaded with the medallion
# fixture (../shared/vectors/stix/taxii/medallion_default_data.json, read in
# place): discovery, API roots, collections and rights, objects paged with
# limit/next (no gap, no duplicate, `more` right, X-TAXII-Date-Added-*
# headers), match[id|type|version|spec_version] and added_after against the
# fixture's manifest, manifest vs objects, versions, POST -> status ->
# objects, DELETE, paging stable while objects are added, a second sg17d on
# the same database continuing a page, and the errors (400 forged/foreign
# next, 401, 403, 404, 405, 406, 413, 415) as TAXII error messages.
set -u

. "$(dirname "$0")/../harness/tap.sh"
. "$(dirname "$0")/../harness/sg17d.sh"
. "$(dirname "$0")/../harness/taxii.sh"
tap_need_bins SG17D_BIN
tap_need_tools curl jq
tap_vector FIX stix/taxii/medallion_default_data.json
tap_tmpdir

# get TOKEN PATH [curl args] -> status (Accept: ${ACC:-$TAXII_MT}); body in $T/body,
# headers in $T/hdr
get() {
    local tok=$1 p=$2
    shift 2
    taxii_curl -H "Authorization: Bearer $tok" "$@" "$URL$p"
}
post() { # post TOKEN PATH FILE [content-type]
    taxii_curl -X POST -H "Authorization: Bearer $1" -H "Content-Type: ${4:-$TAXII_MT}" \
        --data-binary "@$3" "$URL$2"
}

DB="$T/sg17.db"
TANA=$("$SG17D_BIN" token create --role analyst --name ana --db "$DB" 2>/dev/null)
TADM=$("$SG17D_BIN" token create --role admin --name adm --db "$DB" 2>/dev/null)
TDEV=$("$SG17D_BIN" token create --role device --name dev --db "$DB" 2>/dev/null)
[ -n "$TANA" ] && [ -n "$TADM" ] && [ -n "$TDEV" ]
ok $? "analyst, admin and device tokens"

sg17d_must_start "$T/log" --db "$DB" --taxii-fixture "$FIX"
grep -q 'taxii: loaded' "$T/log"
ok $? "the fixture was loaded at start"

R=/trustgroup1
HV=91a7b528-80eb-42ed-a74d-c6fbd5a26116 # High Value Indicator Collection (8 versions)
C="$R/collections/$HV"
ADD=365fed99-08fa-fdcd-a1b3-fb247eb41d01  # can_read + can_write
NOREAD=472c94ae-3113-4e3e-a4dd-a9f4ac7471d4
NOWRITE=52892447-4d7e-4f70-b94d-d7f22742ff63
FX() { jq -r "$@" "$FIX"; }

# ---- discovery and API roots -------------------------------------------------
is "$(get "$TANA" /taxii2/)" 200 "GET /taxii2/"
taxii_ctype_ok
ok $? "discovery Content-Type is the TAXII 2.1 media type"
is "$(jb .title)" "$(FX '."/discovery".title')" "discovery title from the fixture"
is "$(jb '.api_roots | length')" 3 "three API roots"
is "$(jb '.api_roots | map(sub("^https?://[^/]*"; "")) | join(" ")')" "/api1/ /api2/ /trustgroup1/" \
    "API root paths as the fixture names them"
is "$(jb '.default')" "$URL/trustgroup1/" "default API root points at this server"
is "$(get "$TANA" /api1/)" 200 "GET /api1/"
is "$(jb .max_content_length)" 9765625 "api1 max_content_length"
is "$(jb '.versions[0]')" "$TAXII_MT" "api1 versions"
get "$TANA" $R/ >/dev/null
is "$(jb .title)" "Malware Research Group" "trustgroup1 title"

# ---- collections ----------------------------------------------------------------
is "$(get "$TANA" $R/collections/)" 200 "GET collections"
is "$(jb '[.collections[].id] | join(" ")')" "$(FX '[.trustgroup1.collections[].id] | join(" ")')" \
    "all five collections listed for an analyst, in fixture order"
is "$(jb '[.collections[] | "\(.can_read)/\(.can_write)"] | join(" ")')" \
    "$(FX '[.trustgroup1.collections[] | "\(.can_read)/\(.can_write)"] | join(" ")')" \
    "can_read/can_write as in the fixture"
is "$(get "$TANA" $C/)" 200 "GET one collection"
is "$(jb .title)" "High Value Indicator Collection" "its title"
is "$(jb '.media_types | length')" 2 "its media types"
get "$TANA" /api1/collections/ >/dev/null
is "$(jb '.collections // [] | length')" 0 "api1 has no collections"

# ---- objects: the expected sets come from the fixture's objects + manifest -----
# each version: id, version (modified // created), date_added (manifest), spec
FX --arg hv "$HV" '.trustgroup1.collections[] | select(.id == $hv) as $c
  | $c.objects[] | . as $o | ($o.modified // $o.created) as $v
  | ($c.manifest[] | select(.id == $o.id and .version == $v)) as $m
  | [$o.id, $v, $m.date_added, ($m.media_type | sub(".*version="; ""))] | @tsv' |
    sort -s -t "$(printf '\t')" -k3,3 >"$T/versions.tsv"
is "$(wc -l <"$T/versions.tsv")" 8 "fixture: 8 object versions with manifest entries"
# last version of each id, ordered by date_added
awk -F'\t' '{ if (!($1 in v) || $2 > v[$1]) { v[$1] = $2; r[$1] = $0 } }
    END { for (k in r) print r[k] }' "$T/versions.tsv" | sort -s -t "$(printf '\t')" -k3,3 >"$T/last.tsv"
cut -f1,2 "$T/last.tsv" >"$T/want_last"

is "$(get "$TANA" "$C/objects/")" 200 "GET objects"
jb '.objects[] | [.id, (.modified // .created)] | @tsv' >"$T/got_all"
cmp -s "$T/got_all" "$T/want_last"
ok $? "default objects = the last version of each object, in date_added order"
is "$(jb .more)" false "one page: more is false"
is "$(jb '.next // "none"')" none "no next on the last page"
is "$(hdr X-TAXII-Date-Added-First)" "$(head -n 1 "$T/last.tsv" | cut -f3)" \
    "X-TAXII-Date-Added-First = date_added of the first object"
is "$(hdr X-TAXII-Date-Added-Last)" "$(tail -n 1 "$T/last.tsv" | cut -f3)" \
    "X-TAXII-Date-Added-Last = date_added of the last object"

# paging with limit 1, 2, 3: concatenation equals the one-page answer
for lim in 1 2 3; do
    : >"$T/paged"
    next=""
    pages=0
    good=1
    while :; do
        q="limit=$lim"
        [ -n "$next" ] && q="$q&next=$next"
        [ "$(get "$TANA" "$C/objects/?$q")" = 200 ] || { good=0; break; }
        pages=$((pages + 1))
        cnt=$(jb '.objects // [] | length')
        more=$(jb .more)
        next=$(jb '.next // empty')
        jb '.objects // [] | .[] | [.id, (.modified // .created)] | @tsv' >>"$T/paged"
        if [ "$more" = true ]; then
            [ "$cnt" -eq "$lim" ] && [ -n "$next" ] || good=0
        else
            [ -z "$next" ] || good=0
            break
        fi
        [ $pages -gt 20 ] && { good=0; break; }
    done
    ok $((1 - good)) "limit=$lim: full pages carry more=true and next, the last more=false"
    cmp -s "$T/paged" "$T/want_last"
    ok $? "limit=$lim: $pages pages, no gap, no duplicate"
done

# ---- filters ---------------------------------------------------------------------
cut -f1,2 "$T/versions.tsv" >"$T/want_allv"
get "$TANA" "$C/objects/?match%5Bversion%5D=all" >/dev/null
jb '.objects[] | [.id, (.modified // .created)] | @tsv' >"$T/got"
cmp -s "$T/got" "$T/want_allv"
ok $? "match[version]=all: all 8 versions in date_added order"
awk -F'\t' '{ if (!($1 in v) || $2 < v[$1]) { v[$1] = $2; r[$1] = $1 "\t" $2 "\t" $3 } }
    END { for (k in r) print r[k] }' "$T/versions.tsv" | sort -s -t "$(printf '\t')" -k3,3 | cut -f1,2 >"$T/want_first"
get "$TANA" "$C/objects/?match%5Bversion%5D=first" >/dev/null
jb '.objects[] | [.id, (.modified // .created)] | @tsv' >"$T/got"
cmp -s "$T/got" "$T/want_first"
ok $? "match[version]=first: the oldest version of each object"
I6=indicator--6770298f-0fd8-471a-ab8c-1c658a46574e
get "$TANA" "$C/objects/?match%5Bid%5D=$I6&match%5Bversion%5D=2016-12-25T12:30:59.444Z" >/dev/null
is "$(jb '[.objects[] | .modified] | join(" ")')" "2016-12-25T12:30:59.444Z" \
    "match[version]=timestamp picks that version"
get "$TANA" "$C/objects/?match%5Bid%5D=$I6&match%5Bversion%5D=first,last" >/dev/null
is "$(jb '[.objects[] | .modified] | join(" ")')" "2016-11-03T12:30:59.000Z 2017-01-27T13:49:53.935Z" \
    "match[version]=first,last"
get "$TANA" "$C/objects/?match%5Btype%5D=indicator" >/dev/null
is "$(jb '[.objects[].type] | unique | join(" ")')" indicator "match[type]=indicator: only indicators"
is "$(jb '.objects | length')" "$(grep -c '^indicator--' "$T/want_last")" "match[type]: every indicator"
get "$TANA" "$C/objects/?match%5Btype%5D=malware,marking-definition" >/dev/null
is "$(jb '[.objects[].type] | unique | join(" ")')" "malware marking-definition" "match[type] with two types"
get "$TANA" "$C/objects/?match%5Bid%5D=$I6" >/dev/null
is "$(jb '[.objects[] | .id + " " + .modified] | join(",")')" "$I6 2017-01-27T13:49:53.935Z" \
    "match[id]: that object's last version"
get "$TANA" "$C/objects/?match%5Bspec_version%5D=2.0" >/dev/null
is "$(jb '[.objects[] | .id + " " + .modified] | join(",")')" \
    "malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec 2018-02-23T18:30:00.000Z" \
    "match[spec_version]=2.0: the one 2.0 version"
get "$TANA" "$C/objects/?match%5Bspec_version%5D=2.1&match%5Bid%5D=malware--c0931cc6-c75e-47e5-9036-78fabc95d4ec" >/dev/null
is "$(jb '[.objects[] | .modified] | join(",")')" "2017-01-27T13:49:53.997Z" \
    "match[spec_version]=2.1: the latest 2.1 version of the malware"
AA=2016-12-01T00:00:00Z
get "$TANA" "$C/objects/?added_after=$AA&match%5Bversion%5D=all" >/dev/null
jb '.objects[] | [.id, (.modified // .created)] | @tsv' >"$T/got"
awk -F'\t' -v aa="2016-12-01T00:00:00.000000Z" '$3 > aa { print $1 "\t" $2 }' "$T/versions.tsv" >"$T/want"
cmp -s "$T/got" "$T/want"
ok $? "added_after: exactly the versions added later ($(wc -l <"$T/want"))"
is "$(get "$TANA" "$C/objects/?match%5Bversion%5D=newest")" 400 "bad match[version] -> 400"
is_taxii_error 400 "bad filter"
is "$(get "$TANA" "$C/objects/?limit=0")" 400 "limit=0 -> 400"
is "$(get "$TANA" "$C/objects/?added_after=yesterday")" 400 "bad added_after -> 400"

# ---- manifest, one object, versions ------------------------------------------------
get "$TANA" "$C/manifest/?match%5Bversion%5D=all" >/dev/null
jb '.objects[] | [.id, .version, .date_added, (.media_type | sub(".*version="; ""))] | @tsv' >"$T/got"
cmp -s "$T/got" "$T/versions.tsv"
ok $? "manifest (all versions): id, version, date_added, media_type as in the fixture"
get "$TANA" "$C/manifest/" >/dev/null
jb '.objects[] | [.id, .version] | @tsv' >"$T/got"
cmp -s "$T/got" "$T/want_last"
ok $? "manifest (default) agrees with the objects listing"
get "$TANA" "$C/manifest/?limit=3" >/dev/null
is "$(jb '.objects | length')/$(jb .more)" "3/true" "manifest pages too"
is "$(get "$TANA" "$C/objects/$I6/")" 200 "GET one object"
is "$(jb '[.objects[].modified] | join(" ")')" "2017-01-27T13:49:53.935Z" "its last version"
get "$TANA" "$C/objects/$I6/?match%5Bversion%5D=all" >/dev/null
is "$(jb '.objects | length')" 3 "all three versions of it"
is "$(get "$TANA" "$C/objects/$I6/versions/")" 200 "GET versions"
is "$(jb '.versions | join(" ")')" "$(awk -F'\t' -v id="$I6" '$1 == id { print $2 }' "$T/versions.tsv" | paste -sd' ')" \
    "versions = the fixture's versions of it, by date_added"
is "$(get "$TANA" "$C/objects/indicator--00000000-0000-4000-8000-000000000000/")" 404 "unknown object -> 404"
is_taxii_error 404 "unknown object"

# ---- paging is stable while objects are added; a cursor survives a restart ------------
A="$R/collections/$ADD"
taxii_envelope 1 5 >"$T/e1.json"
is "$(post "$TADM" "$A/objects/" "$T/e1.json")" 202 "POST 5 objects -> 202"
is "$(jb .status)/$(jb .total_count)/$(jb .success_count)/$(jb .failure_count)/$(jb .pending_count)" \
    "complete/5/5/0/0" "status resource counts"
SID=$(jb .id)
is "$(get "$TADM" "$R/status/$SID/")" 200 "GET the status resource (its creator)"
is "$(jb '.successes | length')" 5 "its successes list"
is "$(get "$TANA" "$R/status/$SID/")" 404 "another principal does not see it"
is_taxii_error 404 "someone else's status"
is "$(get "$TADM" "$R/status/2d086da7-4bdc-4f91-900e-d77486753710/")" 200 "fixture status resource (admin)"
is "$(jb .pending_count)/$(jb '.pendings | length')" "2/2" "fixture status pendings"
is "$(get "$TANA" "$R/status/2d086da7-4bdc-4f91-900e-d77486753710/")" 404 \
    "fixture status resources (no creator) are for admin only"
is "$(get "$TANA" "$R/status/00000000-0000-4000-8000-000000000000/")" 404 "unknown status -> 404"
get "$TANA" "$A/objects/?limit=3" >/dev/null
N1=$(jb .next)
jb '.objects[].id' >"$T/stable"
taxii_envelope 6 8 >"$T/e2.json"
post "$TADM" "$A/objects/" "$T/e2.json" >/dev/null
get "$TANA" "$A/objects/?limit=3&next=$N1" >/dev/null
jb '.objects[].id' >>"$T/stable"
N2=$(jb '.next // empty')
# the second sg17d on the same database continues the page
sg17d_stop
sg17d_must_start "$T/log2" --db "$DB"
[ -n "$N2" ] && [ "$(get "$TANA" "$A/objects/?limit=3&next=$N2")" = 200 ]
ok $? "a restarted sg17d (same database, no fixture flag) accepts the cursor"
jb '.objects[].id' >>"$T/stable"
while [ "$(jb .more)" = true ]; do
    get "$TANA" "$A/objects/?limit=3&next=$(jb .next)" >/dev/null
    jb '.objects[].id' >>"$T/stable"
done
for i in 1 2 3 4 5 6 7 8; do printf 'indicator--%08d-0000-4000-8000-000000000000\n' "$i"; done >"$T/want"
cmp -s "$T/stable" "$T/want"
ok $? "objects added between pages appear once, at the end; nothing skipped or repeated"
post "$TADM" "$A/objects/" "$T/e1.json" >/dev/null
is "$(jb .success_count)/$(jb '.successes[0].message')" "5/this version was already present" \
    "posting the same versions again changes nothing"
get "$TANA" "$A/objects/" >/dev/null
is "$(jb '.objects | length')" 8 "still 8 objects"

# ---- errors ----------------------------------------------------------------------------
get "$TANA" "$C/objects/?limit=2" >/dev/null
NX=$(jb .next)
FORGED="${NX:0:30}$([ "${NX:30:1}" = A ] && echo B || echo A)${NX:31}"
is "$(get "$TANA" "$C/objects/?next=$FORGED")" 400 "forged next -> 400"
is_taxii_error 400 "forged next"
is "$(get "$TANA" "$A/objects/?next=$NX")" 400 "next of another collection -> 400"
is "$(get "$TANA" "$C/manifest/?next=$NX")" 400 "objects next on the manifest -> 400"
is "$(get "$TANA" "$C/objects/?next=garbage")" 400 "garbage next -> 400"
is "$(taxii_curl "$URL$C/objects/")" 401 "no token -> 401"
hdr WWW-Authenticate | grep -qi '^Bearer'
ok $? "401 carries WWW-Authenticate"
is_taxii_error 401 "no token"
is "$(get sg17_0000000000000000000000000000000000000000000000000000000000000000 /taxii2/)" 401 \
    "unknown token -> 401"
is "$(get "$TANA" "$R/collections/$NOREAD/objects/")" 403 "can_read false -> 403"
is_taxii_error 403 "no read access"
is "$(post "$TADM" "$R/collections/$NOWRITE/objects/" "$T/e1.json")" 403 "can_write false -> 403"
is "$(get "$TANA" "$R/collections/00000000-0000-4000-8000-000000000000/objects/")" 404 \
    "unknown collection -> 404"
is_taxii_error 404 "unknown collection"
is "$(get "$TANA" "$R/collections/$HV/nothing/")" 404 "unknown endpoint -> 404"
is "$(get "$TANA" "/api9/collections/")" 404 "unknown API root -> 404"
is_taxii_error 404 "unknown API root"
is "$(get "$TDEV" "$C/objects/")" 404 "a role without rights does not see the collection"
get "$TDEV" "$R/collections/" >/dev/null
is "$(jb '.collections // [] | length')" 0 "nor lists it"
is "$(ACC=application/json get "$TANA" "$C/objects/")" 406 "Accept: application/json -> 406"
is_taxii_error 406 "unacceptable Accept"
is "$(ACC='application/taxii+json;version=2.0' get "$TANA" "$C/objects/")" 406 \
    "Accept of TAXII 2.0 -> 406"
is "$(ACC='application/taxii+json' get "$TANA" "$C/objects/")" 200 \
    "Accept without version -> 200"
is "$(post "$TADM" "$A/objects/" "$T/e1.json" application/json)" 415 "POST as application/json -> 415"
is_taxii_error 415 "wrong Content-Type"
printf '{"objects": [' >"$T/bad.json"
is "$(post "$TADM" "$A/objects/" "$T/bad.json")" 400 "POST of broken JSON -> 400"
is "$(curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' -X PUT -H "Authorization: Bearer $TADM" "$URL$A/objects/")" \
    405 "PUT -> 405"
is_taxii_error 405 "PUT"
is "$(get "$TADM" "$A/" -X POST)" 405 "POST on the API root -> 405"

# ---- DELETE ------------------------------------------------------------------------------
O1=indicator--00000001-0000-4000-8000-000000000000
is "$(get "$TADM" "$A/objects/$O1/" -X DELETE)" 200 "DELETE an object"
is "$(get "$TANA" "$A/objects/$O1/")" 404 "it is gone"
get "$TANA" "$A/objects/" >/dev/null
is "$(jb '.objects | length')" 7 "7 objects left"
is "$(get "$TADM" "$A/objects/$O1/" -X DELETE)" 404 "DELETE it again -> 404"
is "$(get "$TADM" "$R/collections/$NOWRITE/objects/$O1/" -X DELETE)" 403 \
    "DELETE in a collection without write access -> 403"

# ---- 413: a body above the API root's max_content_length ---------------------------------
sg17d_stop
jq '.trustgroup1.information.max_content_length = 1000' "$FIX" >"$T/small.json"
DB="$T/small.db"
TADM=$("$SG17D_BIN" token create --role admin --name adm --db "$DB" 2>/dev/null)
printf '[taxii]\nfixture = %s\ncursor_max_age_s = 1\nmax_page_size = 2\n' "$T/small.json" >"$T/taxii.ini"
sg17d_must_start "$T/log3" -c "$T/taxii.ini" --db "$DB"
taxii_envelope 1 2 >"$T/e3.json"
is "$(post "$TADM" "$A/objects/" "$T/e3.json")" 202 "a body under max_content_length is taken"
taxii_envelope 1 5 >"$T/e4.json"
is "$(post "$TADM" "$A/objects/" "$T/e4.json")" 413 "a body above max_content_length -> 413"
is_taxii_error 413 "too large"
# [taxii] max_page_size = 2 caps limit; cursor_max_age_s = 1 makes a cursor stale after 1 s
taxii_envelope 3 4 >"$T/e5.json"
post "$TADM" "$A/objects/" "$T/e5.json" >/dev/null
get "$TADM" "$A/objects/?limit=100" >/dev/null
is "$(jb '.objects | length')/$(jb .more)" "2/true" "4 objects, limit=100 lowered to max_page_size 2"
get "$TADM" "$C/objects/?limit=1" >/dev/null
NS=$(jb .next)
is "$(get "$TADM" "$C/objects/?limit=1&next=$NS")" 200 "a fresh cursor continues"
sleep 2.2
is "$(get "$TADM" "$C/objects/?limit=1&next=$NS")" 400 "the same cursor 2 s later (max age 1 s) -> 400"
jb .description | grep -q expired
ok $? "the error says the cursor expired"
sg17d_stop

tap_done
