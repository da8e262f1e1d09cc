#!/usr/bin/env bash
# sg17 device: init / status / pubkey, exit codes, and trust-anchor rotation
# and irreversible revocation through `sg17 device anchors sign|apply`.
set -u
. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
tap_tmpdir
S="$SG17_BIN"
V=fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe
C=1492af14-2569-5e48-bf42-9b2d51f2ab45
for k in a1:ml-dsa-65 a2:ed25519 n1:ml-dsa-65 x:ml-dsa-65; do
    "$S" pqc keygen --alg "${k#*:}" -o "$T/${k%%:*}" >/dev/null 2>&1
done
head -c 3000 /dev/urandom >"$T/fw.bin"

rc_is 2 "run without --server is a usage error" "$S" device run --state "$T/d"
rc_is 2 "init without anchors is a usage error" "$S" device init --state "$T/d" --id d \
    --vendor-id $V --class-id $C --factory "$T/fw.bin"
rc_is 0 "init (any-of, require-pq, anchors a1 + a2)" "$S" device init --state "$T/d" --id d \
    --vendor-id $V --class-id $C --trust-anchor "$T/a1.pub" --trust-anchor "$T/a2.pub" \
    --require-pq --factory "$T/fw.bin" --factory-seq 5
rc_is 3 "init twice refused" "$S" device init --state "$T/d" --id d --vendor-id $V \
    --class-id $C --trust-anchor "$T/a1.pub" --factory "$T/fw.bin"
rc_is 0 "status" "$S" device status --state "$T/d"
grep -q '"committed_sequence":5' "$T/out" && grep -q '"active_slot":0' "$T/out"
ok $? "factory image at sequence 5 in slot 0"
rc_is 0 "pubkey" "$S" device pubkey --state "$T/d"
[ "$(tr -d '\n' <"$T/out" | wc -c)" -eq 3904 ]
ok $? "pubkey is 1952 bytes of hex (ML-DSA-65)"

rc_is 0 "sign e1 (+n1, -a2) with a1" "$S" device anchors sign --epoch 1 --add "$T/n1.pub" \
    --revoke "$T/a2.pub" --key "$T/a1" -o "$T/u1.cbor"
rc_is 0 "sign e1 with the outsider x" "$S" device anchors sign --epoch 1 --add "$T/x.pub" \
    --key "$T/x" -o "$T/ux.cbor"
rc_is 1 "outsider's update refused" "$S" device anchors apply --state "$T/d" "$T/ux.cbor"
grep -q "no current trust anchor" "$T/err"
ok $? "reason: no current trust anchor signed it"
rc_is 0 "a1's update applied" "$S" device anchors apply --state "$T/d" "$T/u1.cbor"
grep -q '"anchors":2,"anchor_epoch":1,"revoked":1' "$T/out"
ok $? "now 2 anchors (a1, n1), epoch 1, 1 revoked"
rc_is 1 "replayed update refused" "$S" device anchors apply --state "$T/d" "$T/u1.cbor"
"$S" device anchors sign --epoch 2 --add "$T/a2.pub" --key "$T/a1" -o "$T/u2.cbor" 2>/dev/null
rc_is 1 "re-adding the revoked a2 refused" "$S" device anchors apply --state "$T/d" "$T/u2.cbor"
grep -q "irreversible" "$T/err"
ok $? "reason: revocation is irreversible"
rc_is 2 "anchors sign without --key is a usage error" "$S" device anchors sign --epoch 3 -o "$T/u.cbor"
tap_done
