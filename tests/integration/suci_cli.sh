#!/usr/bin/env bash
# sg17 suci: keygen / conceal / deconceal round trips for every profile and
# SUPI type, key id override and multiple keys, tampered and malformed SUCIs
# (exit 1 with a reason), usage errors (exit 2), key file permissions.
set -u

. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
tap_tmpdir

id=1
for p in A B mlkem768 xwing; do
    is "$(status "$SG17_BIN" suci keygen --profile $p --key-id $id -o "$T/hn$p")" 0 "keygen $p"
    is "$(stat -c %a "$T/hn$p")" 600 "private key $p is 0600"
    suci=$("$SG17_BIN" suci conceal --hn-pub "$T/hn$p.pub" --supi imsi-001010123456789 --routing 0123)
    case "$suci" in suci-0-001-01-0123-*) ok 0 "conceal $p: $(echo "$suci" | cut -c1-40)...";; *) ok 1 "conceal $p: '$suci'";; esac
    is "$("$SG17_BIN" suci deconceal --hn-key "$T/hn$p" "$suci")" imsi-001010123456789 "deconceal $p"
    nai=$("$SG17_BIN" suci conceal --hn-pub "$T/hn$p.pub" --supi nai-alice@example.org)
    is "$("$SG17_BIN" suci deconceal --hn-key "$T/hn$p" "$nai")" nai-alice@example.org "NAI SUPI $p"
    ie=$("$SG17_BIN" suci conceal --hn-pub "$T/hn$p.pub" --supi imsi-310410123456789 --mnc-digits 3 --form ie)
    is "$("$SG17_BIN" suci deconceal --hn-key "$T/hn$p" "ie:$ie")" imsi-310410123456789 "IE form $p"
    # flip one hex digit of the scheme output tail (the MAC)
    last=${suci: -1}
    if [ "$last" = 0 ]; then repl=1; else repl=0; fi
    bad="${suci%?}$repl"
    is "$(status "$SG17_BIN" suci deconceal --hn-key "$T/hn$p" "$bad")" 1 "tampered SUCI $p refused"
    is "$(cat "$T/err")" "sg17 suci deconceal: SUCI does not de-conceal" "reason for $p"
    id=$((id + 1))
done

# several keys in one store; a key id that is not loaded looks like a MAC failure
s=$("$SG17_BIN" suci conceal --hn-pub "$T/hnB.pub" --supi imsi-20893001002086)
is "$("$SG17_BIN" suci deconceal --hn-key "$T/hnA" --hn-key "$T/hnB" --hn-key "$T/hnxwing" "$s")" imsi-20893001002086 "multi-key store"
is "$(status "$SG17_BIN" suci deconceal --hn-key "$T/hnA" "$s")" 1 "unknown key id refused"
is "$(cat "$T/err")" "sg17 suci deconceal: SUCI does not de-conceal" "same reason as MAC failure"
s=$("$SG17_BIN" suci conceal --hn-pub "$T/hnA.pub" --key-id 7 --supi imsi-20893001002086)
case "$s" in suci-0-208-93-0000-1-7-*) ok 0 "--key-id overrides";; *) ok 1 "--key-id: $s";; esac
is "$(status "$SG17_BIN" suci deconceal --hn-key "$T/hnA" "$s")" 1 "key id 7 not in store"

# null scheme
s=$("$SG17_BIN" suci conceal --null --supi imsi-274012001002086 --mnc-digits 3 --routing 0)
is "$s" suci-0-274-012-0-0-0-001002086 "null scheme string form"
is "$("$SG17_BIN" suci deconceal --hn-key "$T/hnA" "$s")" imsi-274012001002086 "null scheme accepted"
is "$(status "$SG17_BIN" suci deconceal --no-null --hn-key "$T/hnA" "$s")" 1 "--no-null refuses it"

# --json
s=$("$SG17_BIN" suci conceal --hn-pub "$T/hnmlkem768.pub" --supi nai-a.b@example.org)
is "$("$SG17_BIN" suci deconceal --json --hn-key "$T/hnmlkem768" "$s")" '{"supi":"nai-a.b@example.org"}' "--json SUPI"
is "$(status "$SG17_BIN" suci deconceal --json --hn-key "$T/hnA" "$s")" 1 "--json failure exit 1"
is "$(cat "$T/out")" '{"error":"SUCI does not de-conceal"}' "--json reason"

# malformed input and usage
is "$(status "$SG17_BIN" suci deconceal --hn-key "$T/hnA" suci-0-208-93-0-1-1-zz)" 1 "malformed SUCI exit 1"
is "$(cat "$T/err")" "sg17 suci deconceal: SUCI is malformed" "malformed reason"
is "$(status "$SG17_BIN" suci deconceal --hn-key "$T/hnA" suci-0-208-93-0-2-2-04aa)" 1 "uncompressed B key exit 1"
is "$(status "$SG17_BIN" suci keygen --profile C -o "$T/x")" 2 "unknown profile is usage"
is "$(status "$SG17_BIN" suci keygen --profile A -o "$T/hnA")" 3 "refuses to overwrite"
is "$(status "$SG17_BIN" suci conceal --hn-pub "$T/hnA.pub" --supi 12345)" 2 "bad SUPI is usage"
is "$(status "$SG17_BIN" suci conceal --hn-pub "$T/hnA.pub" --supi imsi-20893001002086 --routing 12345)" 2 "bad routing is usage"
is "$(status "$SG17_BIN" suci deconceal --hn-key "$T/hnA.pub" "$s")" 3 "public key as SIDF key"
is "$(status "$SG17_BIN" suci frob)" 2 "unknown command"
is "$(status "$SG17_BIN" suci --help)" 0 "--help"

tap_done
