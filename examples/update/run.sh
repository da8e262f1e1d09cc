#!/usr/bin/env bash
# Author a hybrid-signed (ES256 + ML-DSA-65) SUIT manifest and verify it with
# the all-of policy. Usage: examples/update/run.sh [path/to/sg17]
set -eu
S=${1:-build/sg17}
D=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
"$S" pqc keygen --alg p256 -o "$T/classic"
"$S" pqc keygen --alg ml-dsa-65 -o "$T/pq"
"$S" update manifest create "$D/description.json" -o "$T/m.suit"
"$S" update manifest sign --key "$T/classic" --key "$T/pq" "$T/m.suit"
"$S" update manifest show "$T/m.suit"
"$S" update manifest verify --policy all --trust-anchor "$T/classic.pub" --trust-anchor "$T/pq.pub" \
    --vendor-id fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe --image "$D/firmware.bin" "$T/m.suit"
