# Sourced by TAXII 2.1 test scripts (after tap.sh and sg17d.sh, with $T from
# tap_tmpdir and $URL from sg17d_must_start): requests and checks of replies.
#   TAXII_MT                  the TAXII 2.1 media type, application/taxii+json;version=2.1
#   taxii_curl CURL-ARGS...   curl -s with Accept: ${ACC:-$TAXII_MT} and a 20 s limit;
#                             prints the HTTP status, body to $T/body, headers to $T/hdr
#                             (the caller adds the URL, credentials, method, body)
#   hdr NAME                  the value of the first NAME: header in $T/hdr (any case)
#   jb JQ-ARGS...             jq -r JQ-ARGS... on $T/body
#   taxii_ctype_ok            status 0 if the reply's Content-Type is exactly TAXII_MT
#   is_taxii_error STATUS DESC  one test: the body is a TAXII error message
#                             (http_status STATUS, a title) sent as TAXII_MT
#   taxii_pw USER             USER's password in the medallion users file $CONF
#   taxii_indicator N         a STIX 2.1 indicator, id indicator--<N as %08d>-0000-4000-
#                             8000-000000000000, pattern on 10.0.0.N
#   taxii_envelope FROM TO    a TAXII envelope of taxii_indicator FROM..TO
TAXII_MT='application/taxii+json;version=2.1'

taxii_curl() {
    curl -s -D "$T/hdr" -o "$T/body" -w '%{http_code}' --max-time 20 \
        -H "Accept: ${ACC:-$TAXII_MT}" "$@"
}

hdr() { sed -n "s/^$1: *\\([^\\r]*\\)\\r*\$/\\1/Ip" "$T/hdr" | head -n 1; }

jb() { jq -r "$@" "$T/body"; }

# sg17d sends the media type with its version parameter, as TAXII 2.1 names it:
# no other spelling, no parameter left out or added, passes.
taxii_ctype_ok() { [ "$(hdr Content-Type)" = "$TAXII_MT" ]; }

is_taxii_error() {
    [ "$(jb '.http_status')" = "$1" ] && [ -n "$(jb '.title // empty')" ] && taxii_ctype_ok
    ok $? "$2: TAXII error message with http_status $1"
}

taxii_pw() { jq -r --arg u "$1" '.users[$u]' "$CONF"; }

taxii_indicator() {
    printf '{"type":"indicator","spec_version":"2.1","id":"indicator--%08d-0000-4000-8000-000000000000","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '"'"'10.0.0.%d'"'"']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z"}' "$1" "$1"
}

taxii_envelope() {
    local i sep=""
    printf '{"objects":['
    for i in $(seq "$1" "$2"); do
        printf '%s' "$sep"
        taxii_indicator "$i"
        sep=","
    done
    printf ']}'
}
