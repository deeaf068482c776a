/*
 * f32_exp.h - the constants of exp_canonical (ref/f32.c has the algorithm and why) and
 * its portable C form for the scalar kernels.  Every F32 softmax kernel evaluates exactly
 * these operations in this order, so scalar and every vector width give the same bits.
 */
#ifndef BN_KERNELS_F32_EXP_H
#define BN_KERNELS_F32_EXP_H

#include <stdint.h>
#include <string.h>

#define BN_EXP_LO (-104.0f) /* exp below rounds to +0 */
#define BN_EXP_HI 89.0f /* exp above rounds to +inf */
#define BN_EXP_LOG2E 0x1.715476p+0f
#define BN_EXP_ROUNDER 0x1.8p23f /* x + 1.5 * 2^23 rounds x to an integer, |x| < 2^22 */
#define BN_EXP_ROUNDER_BITS 0x4B400000u /* its bit pattern: bits(t) - this = n */
#define BN_EXP_LN2_HI 0x1.62e4p-1f /* 15 significant bits: n * LN2_HI is exact */
#define BN_EXP_LN2_LO 0x1.7f7d1cp-20f /* ln2 - LN2_HI rounded to f32 */
/* Taylor coefficients 1/i!, i = 7 down to 2, rounded to f32 (then + 1, + 1). */
#define BN_EXP_C7 (1.0f / 5040.0f)
#define BN_EXP_C6 (1.0f / 720.0f)
#define BN_EXP_C5 (1.0f / 120.0f)
#define BN_EXP_C4 (1.0f / 24.0f)
#define BN_EXP_C3 (1.0f / 6.0f)
#define BN_EXP_C2 0.5f

static inline float bn_exp_pow2(int32_t e)
{
    uint32_t u = (uint32_t)(e + 127) << 23;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* exp_canonical in plain C (clamps written so that NaN maps to LO, as maxps does). */
static inline float bn_exp_canonical(float x)
{
    x = x > BN_EXP_LO ? x : BN_EXP_LO;
    x = x < BN_EXP_HI ? x : BN_EXP_HI;
    const float t = x * BN_EXP_LOG2E + BN_EXP_ROUNDER;
    const float nf = t - BN_EXP_ROUNDER;
    uint32_t tb;
    memcpy(&tb, &t, sizeof tb);
    const int32_t n = (int32_t)(tb - BN_EXP_ROUNDER_BITS);
    const float r = (x - nf * BN_EXP_LN2_HI) - nf * BN_EXP_LN2_LO;
    float p = BN_EXP_C7;
    p = p * r + BN_EXP_C6;
    p = p * r + BN_EXP_C5;
    p = p * r + BN_EXP_C4;
    p = p * r + BN_EXP_C3;
    p = p * r + BN_EXP_C2;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    const int32_t n1 = n >> 1, n2 = n - n1;
    return (p * bn_exp_pow2(n1)) * bn_exp_pow2(n2);
}

#endif /* BN_KERNELS_F32_EXP_H */
