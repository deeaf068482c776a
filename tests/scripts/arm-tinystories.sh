#!/bin/sh
# arm-tinystories.sh - the real TinyStories models write the reference stories on AArch64:
# the aarch64 build of `bitnet` runs under qemu-aarch64, greedy from BOS, in every kernel
# format and under both NEON tiers (BN_ISA=neon, and the default: neondot on qemu's CPU).
# The first 32 generated ids must equal fixtures/tinystories/golden-greedy.txt.
#   usage: tests/scripts/arm-tinystories.sh BITNET_AARCH64 "QEMU COMMAND"
set -u
bitnet=$1
qemu=$2
status=0
for model in 1M 3M; do
    want=$(grep "^$model:" fixtures/tinystories/golden-greedy.txt | cut -d' ' -f2-33)
    for cap in neon neondot; do
        for fmt in i2s qk256 tl1 tl2; do
            got=$(BN_ISA=$cap $qemu "$bitnet" run -m "build/fixtures/tinystories-$model.gguf" -n 32 --temp 0 \
                  --ids --kernel-format $fmt 2>/tmp/arm-tinystories.$$)
            if [ "$got" = "$want" ]; then
                echo "ok   aarch64 BN_ISA=$cap $fmt tinystories-$model: 32/32 reference tokens"
            else
                echo "FAIL aarch64 BN_ISA=$cap $fmt tinystories-$model"
                echo "     want: $want"
                echo "     got:  $got"
                sed 's/^/     /' /tmp/arm-tinystories.$$
                status=1
            fi
        done
    done
done
rm -f /tmp/arm-tinystories.$$
exit $status
