#!/usr/bin/env bash
# sg17 intel: validate (exit 0 valid / 1 invalid / 3 unreadable, --json shape,
# --strict, --disable/--enable by code and name, --strict-types,
# --strict-properties, --stream), pattern validate (0/1, reason on stderr),
# pattern match (0 match / 1 no match / >=2 error, --json ids), census, canon,
# usage errors (2). Uses inline documents; the OASIS examples when the
# vectors are present.
set -u

. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
tap_tmpdir

cat >"$T/ind.json" <<'J'
{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
 "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
 "name": "Poison Ivy Malware", "description": "file hash", "indicator_types": ["malicious-activity"],
 "pattern": "[file:hashes.'SHA-256' = '4bac27393bdd9777ce02453256c5577cd02275510b2227f473d03f533924f877']",
 "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z"}
J
cat >"$T/custom.json" <<'J'
{"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
 "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
 "name": "x", "description": "y", "pattern": "[ipv4-addr:value = '10.0.0.1']",
 "pattern_type": "stix", "valid_from": "2016-01-01T00:00:00Z", "x_note": "custom"}
J
cat >"$T/badts.json" <<'J'
{"type": "campaign", "spec_version": "2.1", "id": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
 "created": "2016-02-30T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z", "name": "c"}
J
cat >"$T/xtype.json" <<'J'
{"type": "x-example-thing", "spec_version": "2.1", "id": "x-example-thing--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
 "created": "2016-02-10T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z", "name": "c"}
J
printf '{"type": "campaign", "id": ' >"$T/broken.json"
printf '{"type": "campaign", "name": "a", "name": "b", "id": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}' >"$T/dup.json"
printf '[1, 2]' >"$T/list.json"

is "$(status "$SG17_BIN" intel validate "$T/ind.json")" 0 "valid indicator: exit 0"
grep -q "valid" "$T/out"; ok $? "valid indicator: verdict printed"
is "$(status "$SG17_BIN" intel validate "$T/custom.json")" 0 "custom property: valid when not strict"
is "$(status "$SG17_BIN" intel validate --strict "$T/custom.json")" 1 "custom property: invalid with --strict"
is "$(status "$SG17_BIN" intel validate --strict --disable 401 "$T/custom.json")" 1 "--disable 401: prefix check 101 fires instead"
is "$(status "$SG17_BIN" intel validate --strict --disable extensions-use,custom-prefix,custom-prefix-lax "$T/custom.json")" 0 "--disable by names: valid"
is "$(status "$SG17_BIN" intel validate --strict-properties "$T/custom.json")" 1 "--strict-properties rejects the custom property"
is "$(status "$SG17_BIN" intel validate "$T/xtype.json")" 0 "custom type: valid"
is "$(status "$SG17_BIN" intel validate --strict-types "$T/xtype.json")" 1 "--strict-types rejects the custom type"
is "$(status "$SG17_BIN" intel validate "$T/badts.json")" 1 "Feb 30 timestamp: invalid"
printf '%s' '{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--00000000-0000-4000-8000-000000000001","value":"1.2.3.4/99999999999"}' >"$T/v4big.json"
is "$(status "$SG17_BIN" intel validate "$T/v4big.json")" 1 "IPv4 prefix of 11 digits: invalid (no integer overflow)"
is "$(status "$SG17_BIN" intel validate "$T/broken.json")" 3 "malformed JSON: exit 3"
is "$(status "$SG17_BIN" intel validate "$T/dup.json")" 3 "duplicate key: exit 3"
is "$(status "$SG17_BIN" intel validate "$T/missing.json")" 3 "missing file: exit 3"
is "$(status "$SG17_BIN" intel validate "$T/list.json")" 1 "not a STIX object: invalid"
is "$(status "$SG17_BIN" intel validate --disable no-such-check "$T/ind.json")" 2 "unknown check: exit 2"
is "$(status "$SG17_BIN" intel validate)" 2 "no file: exit 2"
st=$(status "$SG17_BIN" intel validate - <"$T/ind.json")
is "$st" 0 "stdin: exit 0"

is "$(status "$SG17_BIN" intel validate --strict --json "$T/custom.json")" 1 "--json invalid: exit 1"
if command -v python3 >/dev/null 2>&1; then
    python3 - "$T/out" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
assert set(d) == {"valid", "codes", "errors", "warnings"}, d
assert d["valid"] is False and d["codes"] == [401] and len(d["errors"]) == 1 and d["warnings"] == [], d
P
    ok $? "--json shape {valid, codes, errors, warnings} and content"
    "$SG17_BIN" intel validate --json "$T/custom.json" >"$T/out2"
    python3 - "$T/out2" <<'P'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["valid"] is True and d["codes"] == [401] and d["errors"] == [] and len(d["warnings"]) == 1, d
P
    ok $? "--json non-strict: the finding is a warning"
fi

# patterns
is "$(status "$SG17_BIN" intel pattern validate "[file:size = 1280]")" 0 "pattern validate: valid"
is "$(status "$SG17_BIN" intel pattern validate "file:size = 1280")" 1 "pattern validate: invalid"
grep -q "square brackets" "$T/err"; ok $? "pattern validate: reason on stderr"
is "$(status "$SG17_BIN" intel pattern validate "[file:hashes.MD5 = 'f00']")" 1 "pattern validate: bad hash length"
is "$(status "$SG17_BIN" intel pattern validate "[a:b = 1] WITHIN 5 SECONDS WITHIN 6 SECONDS")" 1 "pattern validate: duplicate qualifier"
is "$(status "$SG17_BIN" intel pattern validate)" 2 "pattern validate: usage"

cat >"$T/obs.json" <<'J'
[{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": [
  {"type": "observed-data", "id": "observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf",
   "first_observed": "2020-01-01T00:00:00Z", "last_observed": "2020-01-01T00:00:00Z",
   "number_observed": 1, "object_refs": ["ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd",
   "network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d"]},
  {"type": "ipv4-addr", "id": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "value": "198.51.100.3"},
  {"type": "network-traffic", "id": "network-traffic--2568d22a-8998-58eb-99ec-3c8ca74f527d",
   "dst_ref": "ipv4-addr--ff26c055-6336-5bc5-b98d-13d6226742dd", "dst_port": 443, "protocols": ["tcp"]},
  {"type": "observed-data", "id": "observed-data--c67d30ff-02ac-498a-92f9-32f845f448cf",
   "first_observed": "2020-01-01T00:00:10Z", "last_observed": "2020-01-01T00:00:10Z",
   "number_observed": 1, "object_refs": ["domain-name--dd26c055-6336-5bc5-b98d-13d6226742dd"]},
  {"type": "domain-name", "id": "domain-name--dd26c055-6336-5bc5-b98d-13d6226742dd", "value": "evil.example.com"}
]}]
J
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = '198.51.100.3']" "$T/obs.json")" 0 "match: exit 0"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = '198.51.100.4']" "$T/obs.json")" 1 "no match: exit 1"
is "$(status "$SG17_BIN" intel pattern match "[network-traffic:dst_ref.value ISSUBSET '198.51.100.0/24' AND network-traffic:dst_port = 443]" "$T/obs.json")" 0 "reference + ISSUBSET"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = '198.51.100.3'] FOLLOWEDBY [domain-name:value LIKE '%.example.com'] WITHIN 20 SECONDS" "$T/obs.json")" 0 "FOLLOWEDBY + WITHIN"
is "$(status "$SG17_BIN" intel pattern match "[domain-name:value MATCHES '^evil\\\\.'] FOLLOWEDBY [ipv4-addr:value = '198.51.100.3']" "$T/obs.json")" 1 "FOLLOWEDBY respects order"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = '198.51.100.3'] REPEATS 2 TIMES" "$T/obs.json")" 1 "REPEATS needs two observations"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value IN ('a', 1)]" "$T/obs.json")" 3 "heterogeneous IN: error"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value MATCHES '(']" "$T/obs.json")" 3 "bad regex: error"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = 1" "$T/obs.json")" 3 "bad pattern: error"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = 1]" "$T/nope.json")" 3 "missing observations: error"
is "$(status "$SG17_BIN" intel pattern match "[ipv4-addr:value = '198.51.100.3']" "$T/obs.json" --json)" 0 "match --json: exit 0"
grep -q '"observed-data--b67d30ff-02ac-498a-92f9-32f845f448cf"' "$T/out"; ok $? "match --json lists the matched observed-data id"

# census and canon
cat >"$T/bundle.json" <<'J'
{"type": "bundle", "id": "bundle--44af6c39-c09b-49c5-9de2-394224b04982", "objects": [
  {"type": "campaign", "spec_version": "2.1", "id": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
   "created": "2016-02-10T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z", "name": "c", "revoked": true},
  {"type": "relationship", "spec_version": "2.1", "id": "relationship--44298a74-ba52-4f0c-87a3-1824e67d7fad",
   "created": "2016-02-10T08:17:27.000Z", "modified": "2016-05-12T08:17:27.000Z", "relationship_type": "related-to",
   "source_ref": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061", "target_ref": "campaign--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061"}
]}
J
is "$(status "$SG17_BIN" intel census "$T/bundle.json")" 0 "census: exit 0"
grep -q '"object_count": 2' "$T/out" && grep -q '"revoked": 1' "$T/out" && grep -q '"relationships": 1' "$T/out"
ok $? "census counts"
is "$(status "$SG17_BIN" intel canon "$T/bundle.json")" 0 "canon: exit 0"
cp "$T/out" "$T/canon1.json"
is "$(status "$SG17_BIN" intel canon "$T/canon1.json")" 0 "canon of canon: exit 0"
cmp -s "$T/out" "$T/canon1.json"; ok $? "canonical form is a fixed point"
is "$(status "$SG17_BIN" intel validate --stream "$T/bundle.json")" 0 "--stream: valid bundle"

# STIX 2.0 mode: the 2.0 schema (labels required on indicators, no pattern_type)
cat >"$T/ind20.json" <<'J'
{"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
 "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",
 "labels": ["malicious-activity"], "pattern": "[ipv4-addr:value = '10.0.0.1']",
 "valid_from": "2016-01-01T00:00:00Z"}
J
printf '{"type": "indicator", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",\n "created": "2016-04-06T20:03:48.000Z", "modified": "2016-04-06T20:03:48.000Z",\n "pattern": "[ipv4-addr:value = '"'"'10.0.0.1'"'"']", "valid_from": "2016-01-01T00:00:00Z"}' >"$T/ind20_nolabels.json"
is "$(status "$SG17_BIN" intel validate --version 2.0 "$T/ind20.json")" 0 "--version 2.0: indicator with labels is valid"
is "$(status "$SG17_BIN" intel validate --version 2.0 "$T/ind20_nolabels.json")" 1 "--version 2.0: indicator without labels is invalid"
grep -q "'labels' is a required property" "$T/out"; ok $? "--version 2.0: names the missing labels"
is "$(status "$SG17_BIN" intel validate --version 2.1 "$T/ind20.json")" 1 "--version 2.1: the same indicator lacks pattern_type"

# malformed JSON on the fast path: position in the message
printf '{"type": "campaign",\n  "id": x}' >"$T/broken2.json"
is "$(status "$SG17_BIN" intel validate "$T/broken2.json")" 3 "malformed JSON (fast path): exit 3"
grep -q "line 2, column 9" "$T/err"; ok $? "malformed JSON: line and column reported ($(cat "$T/err"))"

V="${SG17_VECTORS:-${SG17_SOURCE_DIR:-.}/../shared/vectors}"
if [ -d "$V/stix/examples" ]; then
    for f in "$V"/stix/examples/*.json; do
        is "$(status "$SG17_BIN" intel validate --version 2.1 "$f")" 0 "OASIS example $(basename "$f"): valid"
    done
    is "$(status "$SG17_BIN" intel validate --stream --version 2.1 "$V/stix/bundles/ics-attack-18.1.json")" 0 "ATT&CK ICS streamed: valid"
    "$SG17_BIN" intel validate --version 2.1 --json "$V/stix/bundles/ics-attack-18.1.json" >"$T/ics.json"
    if command -v python3 >/dev/null 2>&1; then
        python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert len(d['warnings'])==7365 and not d['errors'], len(d['warnings'])" "$T/ics.json"
        ok $? "ATT&CK ICS: 7365 warnings, no errors (as the reference)"
        "$SG17_BIN" intel validate --stream --version 2.1 --json "$V/stix/bundles/ics-attack-18.1.json" >"$T/ics_stream.json"
        python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); assert a['warnings']==b['warnings'] and a['codes']==b['codes']" "$T/ics.json" "$T/ics_stream.json"
        ok $? "ATT&CK ICS: whole-document (fast DOM) and --stream (jansson) findings identical"
        # the whole document from a pipe (read and parsed 64 KiB at a time, no size known
        # in advance): the same output, byte for byte, as from the file
        "$SG17_BIN" intel validate --version 2.1 --json - <"$V/stix/bundles/ics-attack-18.1.json" >"$T/ics_stdin.json"
        cmp -s "$T/ics.json" "$T/ics_stdin.json"
        ok $? "ATT&CK ICS from stdin: output identical to the file's"
        "$SG17_BIN" intel validate --version 2.1 "$V/stix/bundles/ics-attack-18.1.json" >"$T/ics.txt"
        python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
lines = open(sys.argv[2]).read().splitlines()
want = ['warning: ' + w for w in d['warnings']]
assert lines[:-1] == want and lines[-1].endswith(': valid'), (len(lines), len(want))
assert all(len(w) <= 239 for w in d['warnings'])
" "$T/ics.json" "$T/ics.txt"
        ok $? "ATT&CK ICS: text output is 'warning: <message>' per finding (as in --json), then the verdict"
    fi
else
    echo "# vectors not found at $V: OASIS example checks skipped"
fi

tap_done
