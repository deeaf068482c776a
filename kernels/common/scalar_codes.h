/*
 * scalar_codes.h - portable helpers for kernels that read 2-bit I2_S/QK256 codes.
 * static inline only (shared by kernel files; see DESIGN.md section 5).
 *
 * The dot product of a group uses the unsigned codes directly:
 *     sum_k (code_k - 1) * q_k  =  sum_k code_k * q_k  -  sum_k q_k
 * so a kernel accumulates code*q and subtracts the activation row's qsum once at the end.
 * Code 3 then contributes 2*q, exactly as the reference's w = code - 1.
 */
#ifndef BN_KERNELS_SCALAR_CODES_H
#define BN_KERNELS_SCALAR_CODES_H

#include <stddef.h>
#include <stdint.h>

/* sum of code*q over one 128-weight group: 32 bytes g, 128 activations q.  Byte p holds
 * weights p, p+32, p+64, p+96 in bits 7..6, 5..4, 3..2, 1..0. */
static inline int32_t bn_scalar_group_dot(const uint8_t *restrict g, const int8_t *restrict q)
{
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    for (int p = 0; p < 32; p++) {
        unsigned b = g[p];
        a0 += (int32_t)(b >> 6) * q[p];
        a1 += (int32_t)((b >> 4) & 3u) * q[32 + p];
        a2 += (int32_t)((b >> 2) & 3u) * q[64 + p];
        a3 += (int32_t)(b & 3u) * q[96 + p];
    }
    return a0 + a1 + a2 + a3;
}

/* The same for a partial group holding only its first n (< 128) weights: weights at or
 * past n are skipped (so padding and activations past K are never read). */
static inline int32_t bn_scalar_group_dot_partial(const uint8_t *restrict g, const int8_t *restrict q,
                                                  size_t n)
{
    int32_t acc = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned shift = 6 - 2 * (unsigned)(i / 32);
        acc += (int32_t)((g[i % 32] >> shift) & 3u) * q[i];
    }
    return acc;
}

/* Decode one 128-weight group into the int8 codes 0..3, in weight order. */
static inline void bn_scalar_group_decode(const uint8_t *restrict g, int8_t *restrict codes)
{
    for (int p = 0; p < 32; p++) {
        unsigned b = g[p];
        codes[p] = (int8_t)(b >> 6);
        codes[32 + p] = (int8_t)((b >> 4) & 3u);
        codes[64 + p] = (int8_t)((b >> 2) & 3u);
        codes[96 + p] = (int8_t)(b & 3u);
    }
}

/* The epilogue of docs/formats.md section 2, as the reference computes it. */
static inline float bn_scalar_epilogue(int32_t isum, float s, float ws)
{
    float f = (float)isum;
    f = f / s;
    return f * ws;
}

#endif /* BN_KERNELS_SCALAR_CODES_H */
