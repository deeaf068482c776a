/*
 * harness.h - shared by the conformance runner and the benchmarks: guarded buffers, a
 * seeded generator, the reference twin of each kernel, and the check of one case.
 */
#ifndef BN_HARNESS_H
#define BN_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "kernels/kernel.h"

/* ---- buffers whose last byte is flush against a PROT_NONE page: a kernel that reads or
 *      writes one byte past the end faults at once. */
void *bn_guarded_alloc(size_t bytes);
void bn_guarded_free(void *p);

/* ---- splitmix64: tiny, seedable, same sequence on every platform */
typedef struct bn_rng {
    uint64_t state;
} bn_rng;
uint64_t bn_rng_next(bn_rng *rng);
uint32_t bn_rng_below(bn_rng *rng, uint32_t bound); /* uniform in [0, bound) */
float bn_rng_float(bn_rng *rng); /* uniform in [-1, 1) */

/* ---- the twin of a kernel: the ref function of the same (format, op) */
bn_kernel_fn bn_ref_twin(bn_format fmt, bn_op op);

/* ---- one conformance case */
typedef enum bn_pattern {
    BN_PAT_RANDOM = 0, /* uniform ternary weights / activations */
    BN_PAT_PLUS, /* every weight +1 / every activation code +127 */
    BN_PAT_MINUS, /* every weight -1 / every activation code -128 */
    BN_PAT_ZERO, /* every weight 0 / every activation 0 */
    BN_PAT_ALT, /* alternating extremes +1,-1 / +127,-128 */
    BN_PAT_SPARSE, /* mostly zero with rare +-1 / rare extremes */
    BN_PAT_CODE3, /* I2S/QK256: raw random bytes, code 3 included; TL: invalid indices */
    BN_PAT_TIES, /* A8: values that land exactly on rounding ties */
    BN_PAT_CODE3_ALL, /* every weight byte 0xFF: I2S/QK256 all code 3 (+2); TL all invalid */
    BN_PAT_COUNT
} bn_pattern;

const char *bn_pattern_name(bn_pattern p);
int bn_pattern_from_name(const char *name);

typedef struct bn_case {
    const bn_kernel *kernel;
    size_t m, k, n; /* rows, columns, tokens */
    size_t r0, r1; /* row range of GEMV/GEMM */
    unsigned layout_rows; /* weight layout interleave (1 = canonical) */
    bn_pattern wpat, xpat; /* weight and activation patterns */
    size_t pad; /* extra bytes per row of strided buffers (0 = packed) */
    uint64_t seed;
} bn_case;

/* "kernel:m=..,k=..,n=..,r0=..,r1=..,lr=..,w=..,x=..,pad=..,seed=.." */
void bn_case_format(const bn_case *c, char *buf, size_t size);
/* Parse a case string (the kernel must exist in this build).  false with a message. */
bool bn_case_parse(const char *text, bn_case *c, char *err, size_t err_size);

/* Run the kernel (through the public API, so dispatch counts it) and its twin on the
 * case and compare: bit-exact for everything but F16 GEMV, which must meet its declared
 * bound.  On mismatch returns false and writes a description into why. */
bool bn_case_check(const bn_case *c, char *why, size_t why_size);
/* The F32 part of bn_case_check (check_f32.c). */
bool bn_f32_case_check(const bn_case *c, bn_rng *rng, char *why, size_t why_size);

#endif /* BN_HARNESS_H */
