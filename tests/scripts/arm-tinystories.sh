#!/bin/sh
# arm-tinystories.sh - the real TinyStories models write the reference stories on AArch64:
# the aarch64 build of `bitnet` runs under qemu-aarch64, greedy from BOS, in every kernel
# format and under both NEON tiers (BN_ISA=neon, and the default: neondot on qemu's CPU).
# The first 32 generated ids must equal fixtures/tinystories/golden-greedy.txt.  With the int8
# head (--head q8, i2s weights) 3M must still write the first 32 reference ids and 1M the first
# 26 (it takes another word at token 26: docs/performance.md, "Int8 output head"), which also
# ties the NEON Q8 kernels to the x86 ones (every kernel is exact, so the ids are the same).
#   usage: tests/scripts/arm-tinystories.sh BITNET_AARCH64 "QEMU COMMAND"
set -u
bitnet=$1
qemu=$2
status=0
# check WANT GOT LABEL: one line of verdict; on a mismatch the ids and bitnet's stderr.
check() {
    if [ "$2" = "$1" ]; then
        echo "ok   aarch64 $3"
    else
        echo "FAIL aarch64 $3"
        echo "     want: $1"
        echo "     got:  $2"
        sed 's/^/     /' /tmp/arm-tinystories.$$
        status=1
    fi
}
for model in 1M 3M; do
    want=$(grep "^$model:" fixtures/tinystories/golden-greedy.txt | cut -d' ' -f2-33)
    for cap in neon neondot; do
        for fmt in i2s qk256 tl1 tl2; do
            got=$(BN_ISA=$cap $qemu "$bitnet" run -m "build/fixtures/tinystories-$model.gguf" -n 32 --temp 0 \
                  --ids --kernel-format $fmt 2>/tmp/arm-tinystories.$$)
            check "$want" "$got" "BN_ISA=$cap $fmt tinystories-$model: 32/32 reference tokens"
        done
    done
done
for model in 1M 3M; do
    n=32
    [ $model = 1M ] && n=26
    want=$(grep "^$model:" fixtures/tinystories/golden-greedy.txt | cut -d' ' -f2-$((n + 1)))
    for cap in neon neondot; do
        got=$(BN_ISA=$cap $qemu "$bitnet" run -m "build/fixtures/tinystories-$model.gguf" -n $n --temp 0 \
              --ids --head q8 2>/tmp/arm-tinystories.$$)
        check "$want" "$got" "BN_ISA=$cap --head q8 tinystories-$model: $n/$n reference tokens"
    done
done
rm -f /tmp/arm-tinystories.$$
exit $status
