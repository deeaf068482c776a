/*
 * probe.h - machine probes for the benchmarks (harness/bench): loops that measure the
 * machine, not kernels of the library.  They live under kernels/ because they use ISA
 * intrinsics, follow the kernel file naming (the token after `__` gives the ISA flags),
 * and are not in the registry: only the bench program links them.
 */
#ifndef BN_KERNELS_PROBE_H
#define BN_KERNELS_PROBE_H

#include <stddef.h>
#include <stdint.h>

/* Buffers passed to a read probe: 64-byte aligned, a multiple of this many bytes. */
#define BN_PROBE_READ_STEP 512u

/* Read every byte of buf once, front to back, with the widest loads of the ISA and
 * independent accumulators (so the loop is limited by memory, not by a dependency
 * chain).  Returns a value that depends on every byte, so no load can be dropped. */
typedef uint64_t bn_probe_read_fn(const void *buf, size_t bytes);

/* Execute `iterations` x BN_PROBE_VNNI_CHAINS vpdpbusd on zmm registers in that many
 * independent dependency chains (no instruction waits for the previous one's result).
 * The sources come from `seed` so nothing can be folded at compile time.  Returns a
 * value that depends on every accumulator. */
#define BN_PROBE_VNNI_CHAINS 16u
typedef uint64_t bn_probe_vnni_fn(uint64_t iterations, uint32_t seed);

bn_probe_read_fn bn_probe_read__scalar;
#if defined(__x86_64__)
bn_probe_read_fn bn_probe_read__avx2;
bn_probe_read_fn bn_probe_read__avx512;
bn_probe_vnni_fn bn_probe_vpdpbusd__avx512;
#elif defined(__aarch64__)
bn_probe_read_fn bn_probe_read__neon;
#endif

#endif /* BN_KERNELS_PROBE_H */
