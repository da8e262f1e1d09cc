#!/usr/bin/env bash
# sg17 update manifest: create from a JSON description, sign with P-256,
# ML-DSA-65, HSS-LMS, Ed25519 and HMAC, verify under any/all/PQ-required
# policies (a classical-only envelope is a downgrade under the hybrid policy),
# image match, anti-rollback, vendor check, tampering, sever/strip, encrypt
# for an ML-KEM-768 recipient, show --json, and the exit codes 0/1/2.
set -u

. "$(dirname "$0")/../harness/tap.sh"
tap_need_bins SG17_BIN
tap_tmpdir
S="$SG17_BIN"

for a in p256 ml-dsa-65 ed25519 lms-sha256-h5-w8 ml-kem-768; do
    "$S" pqc keygen --alg "$a" -o "$T/$a" >/dev/null 2>&1
    ok $? "keygen $a"
done
printf '0123456789abcdef0123456789abcdef' >"$T/hmac.hex"
head -c 40000 /dev/urandom >"$T/app.bin"
head -c 300 /dev/urandom >"$T/boot.bin"
cat >"$T/desc.json" <<JSON
{
  "sequence-number": 7,
  "vendor-id": "fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe",
  "class-id": "1492af14-2569-5e48-bf42-9b2d51f2ab45",
  "text": "sg17 test image",
  "invoke": true,
  "components": [
    {"id": ["app"], "image": "app.bin", "uri": "https://fw.example/app.bin"},
    {"id": ["hex:00", "boot"], "image": "boot.bin", "uri": "#boot"}
  ]
}
JSON
rc_is 0 "create" "$S" update manifest create "$T/desc.json" -o "$T/m.suit"
rc_is 1 "unsigned envelope refused" "$S" update manifest verify --trust-anchor "$T/p256.pub" "$T/m.suit"
grep -q "no authentication block" "$T/err"
ok $? "reason: no authentication block"
cp "$T/m.suit" "$T/classic.suit"
rc_is 0 "sign p256 + ml-dsa-65" "$S" update manifest sign --key "$T/p256" --key "$T/ml-dsa-65" "$T/m.suit"
rc_is 0 "sign p256 only (classical copy)" "$S" update manifest sign --key "$T/p256" "$T/classic.suit"
rc_is 0 "verify any (p256)" "$S" update manifest verify --trust-anchor "$T/p256.pub" "$T/m.suit"
rc_is 0 "verify all (p256 AND ml-dsa-65)" "$S" update manifest verify --trust-anchor "$T/p256.pub" \
    --trust-anchor "$T/ml-dsa-65.pub" --policy all "$T/m.suit"
rc_is 1 "hybrid policy: classical-only envelope is a downgrade" "$S" update manifest verify \
    --trust-anchor "$T/p256.pub" --trust-anchor "$T/ml-dsa-65.pub" --policy all "$T/classic.suit"
grep -q "all-of" "$T/err" && grep -q "ml-dsa-65" "$T/err"
ok $? "downgrade reason names the missing ml-dsa-65 anchor"
rc_is 1 "--require-pq with a classical block only" "$S" update manifest verify --trust-anchor \
    "$T/p256.pub" --require-pq "$T/classic.suit"
rc_is 1 "wrong key" "$S" update manifest verify --trust-anchor "$T/ed25519.pub" "$T/m.suit"
rc_is 0 "vendor and class match" "$S" update manifest verify --trust-anchor "$T/ml-dsa-65.pub" \
    --vendor-id fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe --class-id 1492af14-2569-5e48-bf42-9b2d51f2ab45 "$T/m.suit"
rc_is 1 "wrong vendor" "$S" update manifest verify --trust-anchor "$T/ml-dsa-65.pub" \
    --vendor-id fa6b4a53-d5ad-5fdf-be9d-e663e4d41fff "$T/m.suit"
grep -q "condition-vendor-identifier" "$T/err"
ok $? "reason names condition-vendor-identifier"
rc_is 0 "newer than last accepted" "$S" update manifest verify --trust-anchor "$T/p256.pub" --last-sequence 6 "$T/m.suit"
rc_is 1 "replay (equal sequence number)" "$S" update manifest verify --trust-anchor "$T/p256.pub" --last-sequence 7 "$T/m.suit"
rc_is 1 "rollback (older sequence number)" "$S" update manifest verify --trust-anchor "$T/p256.pub" --last-sequence 8 "$T/m.suit"
grep -q "rollback" "$T/err"
ok $? "reason: rollback"
rc_is 0 "images match" "$S" update manifest verify --trust-anchor "$T/p256.pub" --image "$T/app.bin" --image "$T/boot.bin" "$T/m.suit"
rc_is 1 "other image refused" "$S" update manifest verify --trust-anchor "$T/p256.pub" --image "$T/boot.bin" --image "$T/boot.bin" "$T/m.suit"
grep -q "condition-image-match failed on component 0" "$T/err"
ok $? "reason: image-match on component 0"

# tampering: truncation, a flipped byte in the manifest
sz=$(stat -c %s "$T/m.suit")
head -c $((sz - 1)) "$T/m.suit" >"$T/trunc.suit"
rc_is 1 "truncated envelope refused" "$S" update manifest verify --trust-anchor "$T/p256.pub" "$T/trunc.suit"
cp "$T/m.suit" "$T/flip.suit"
off=$(grep -obUa "fw.example" "$T/flip.suit" | head -1 | cut -d: -f1)
printf 'F' | dd of="$T/flip.suit" bs=1 seek="$off" conv=notrunc 2>/dev/null
rc_is 1 "flipped manifest byte refused" "$S" update manifest verify --trust-anchor "$T/p256.pub" "$T/flip.suit"
grep -q "digest mismatch" "$T/err"
ok $? "reason: manifest digest mismatch"

# more algorithms on one envelope
rc_is 0 "sign ed25519 + hss + hmac" "$S" update manifest sign --key "$T/ed25519" \
    --key "$T/lms-sha256-h5-w8" --key "hmac:$T/hmac.hex" "$T/m.suit"
for k in ed25519.pub lms-sha256-h5-w8.pub; do
    rc_is 0 "verify with $k" "$S" update manifest verify --trust-anchor "$T/$k" "$T/m.suit"
done
rc_is 0 "verify with the HMAC key file" "$S" update manifest verify --trust-anchor "$T/hmac.hex" "$T/m.suit"
rc_is 0 "all five, PQ required" "$S" update manifest verify --policy all --require-pq \
    --trust-anchor "$T/p256.pub" --trust-anchor "$T/ml-dsa-65.pub" --trust-anchor "$T/ed25519.pub" \
    --trust-anchor "$T/lms-sha256-h5-w8.pub" --trust-anchor "hmac:$T/hmac.hex" "$T/m.suit"
"$S" update manifest show --json "$T/m.suit" >"$T/show.json"
ok $? "show --json"
for a in ES256 ML-DSA-65 EdDSA HSS-LMS HMAC256; do
    grep -q "\"alg\":\"$a\"" "$T/show.json"
    ok $? "show lists $a"
done
grep -q '"text":"sg17 test image"' "$T/show.json"
ok $? "show has the text"

# sever: inline -> severed (must re-sign), then strip the elements (signatures stay valid)
rc_is 0 "sever" "$S" update manifest sever -o "$T/sev.suit" "$T/m.suit"
rc_is 1 "severed manifest is unsigned" "$S" update manifest verify --trust-anchor "$T/p256.pub" "$T/sev.suit"
rc_is 0 "re-sign severed" "$S" update manifest sign --key "$T/ml-dsa-65" "$T/sev.suit"
rc_is 0 "strip" "$S" update manifest sever --strip -o "$T/strip.suit" "$T/sev.suit"
rc_is 0 "stripped still authentic" "$S" update manifest verify --trust-anchor "$T/ml-dsa-65.pub" "$T/strip.suit"
[ "$(stat -c %s "$T/strip.suit")" -lt "$(stat -c %s "$T/sev.suit")" ]
ok $? "stripped envelope is smaller"

# encrypt for an ML-KEM-768 recipient
rc_is 0 "encrypt (ML-KEM-768)" "$S" update manifest encrypt --recipient "$T/ml-kem-768.pub" \
    --image "$T/app.bin" --image-out "$T/app.enc" -o "$T/enc.suit" "$T/m.suit"
cmp -s "$T/app.bin" "$T/app.enc"
[ $? -ne 0 ]
ok $? "encrypted image differs from plaintext"
rc_is 0 "sign encrypted" "$S" update manifest sign --key "$T/ml-dsa-65" "$T/enc.suit"
rc_is 0 "encrypted manifest verifies, image digest is the plaintext's" "$S" update manifest verify \
    --trust-anchor "$T/ml-dsa-65.pub" --image "$T/app.bin" --image "$T/boot.bin" "$T/enc.suit"
rc_is 0 "encrypt (A128KW, CTR)" "$S" update manifest encrypt --recipient "$T/hmac.hex" --ctr \
    --image "$T/app.bin" --image-out "$T/app.ctr" -o "$T/enc2.suit" "$T/m.suit"

rc_is 2 "usage error" "$S" update manifest verify "$T/m.suit"
rc_is 2 "unknown command" "$S" update manifest frobnicate
rc_is 0 "--help" "$S" update --help

tap_done
