/* bn_f32_softmax__neon - softmax of rows in place on NEON, canonical order.
 *
 * Contract: each of `rows` rows of `len` floats (row stride x_stride bytes) becomes its
 * softmax exactly as ref/f32.c computes it, bit-identical to every F32 softmax kernel:
 * exact max, exp_canonical(x - max), sixteen partial sums in four q registers (register q
 * holds t % 16 in 4q..4q+3) and the fixed tree, one division, multiplications.  A row of
 * only -inf becomes +0s.  The last len % 16 floats go through a stack block padded with
 * -inf (exp gives +0 there, which leaves a partial sum unchanged); nothing past the row is
 * read or written.
 * Algorithm: three passes per row.  exp_canonical in 4 lanes with the reference's
 * operations: the clamps as compare-and-select (the reference's `x > lo ? x : lo`, whose
 * NaN rule fmax does not share), the 1.5 * 2^23 rounder, Cody-Waite with two constants,
 * Horner with fmul and fadd (never fmla), 2^n1 * 2^n2 from integer shifts.  The tree:
 * q0 + q2 and q1 + q3 (acc[j] + acc[j+8]), their sum (t[j] + t[j+4]), then lanes 0 + 2 and
 * 1 + 3 and their sum (no faddp: it pairs neighbours, another order).
 * Registers: four accumulators, four data vectors, constants and temporaries. */
#include <arm_neon.h>
#include <math.h>
#include <string.h>

#include "kernels/common/f32_exp.h"
#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"

bn_f32_softmax_fn bn_f32_softmax__neon;

BN_INLINE float32x4_t exp4(float32x4_t x)
{
    const float32x4_t lo = vdupq_n_f32(BN_EXP_LO), hi = vdupq_n_f32(BN_EXP_HI);
    x = vbslq_f32(vcgtq_f32(x, lo), x, lo);
    x = vbslq_f32(vcltq_f32(x, hi), x, hi);
    const float32x4_t rounder = vdupq_n_f32(BN_EXP_ROUNDER);
    const float32x4_t t = vaddq_f32(vmulq_f32(x, vdupq_n_f32(BN_EXP_LOG2E)), rounder);
    const float32x4_t nf = vsubq_f32(t, rounder);
    const int32x4_t n = vsubq_s32(vreinterpretq_s32_f32(t), vdupq_n_s32((int32_t)BN_EXP_ROUNDER_BITS));
    const float32x4_t r = vsubq_f32(vsubq_f32(x, vmulq_f32(nf, vdupq_n_f32(BN_EXP_LN2_HI))),
                                    vmulq_f32(nf, vdupq_n_f32(BN_EXP_LN2_LO)));
    float32x4_t p = vdupq_n_f32(BN_EXP_C7);
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(BN_EXP_C6));
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(BN_EXP_C5));
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(BN_EXP_C4));
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(BN_EXP_C3));
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(BN_EXP_C2));
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(1.0f));
    p = vaddq_f32(vmulq_f32(p, r), vdupq_n_f32(1.0f));
    const int32x4_t n1 = vshrq_n_s32(n, 1), n2 = vsubq_s32(n, n1), bias = vdupq_n_s32(127);
    const float32x4_t s1 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n1, bias), 23));
    const float32x4_t s2 = vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(n2, bias), 23));
    return vmulq_f32(vmulq_f32(p, s1), s2);
}

/* acc[q] += e = exp(x[4q..4q+3] - m), stored back to x. */
BN_INLINE void exp_block(float *x, float32x4_t m, float32x4_t acc[4])
{
    BN_UNROLL
    for (int q = 0; q < 4; q++) {
        const float32x4_t e = exp4(vsubq_f32(vld1q_f32(x + 4 * q), m));
        vst1q_f32(x + 4 * q, e);
        acc[q] = vaddq_f32(acc[q], e);
    }
}

void bn_f32_softmax__neon(size_t rows, size_t len, float *x, size_t x_stride)
{
    const size_t body = len / 16 * 16, rest = len - body;
    for (size_t r = 0; r < rows; r++) {
        float *row = (float *)((char *)x + r * x_stride);
        float tail[16];
        for (int i = 0; i < 16; i++) tail[i] = -INFINITY;
        memcpy(tail, row + body, rest * sizeof(float));
        float32x4_t mv = vmaxq_f32(vmaxq_f32(vld1q_f32(tail), vld1q_f32(tail + 4)),
                                   vmaxq_f32(vld1q_f32(tail + 8), vld1q_f32(tail + 12)));
        for (size_t t = 0; t < body; t += 4) mv = vmaxq_f32(mv, vld1q_f32(row + t));
        const float m = vmaxvq_f32(mv);
        if (m == -INFINITY) {
            memset(row, 0, len * sizeof(float));
            continue;
        }
        const float32x4_t mvec = vdupq_n_f32(m);
        float32x4_t acc[4] = {vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f), vdupq_n_f32(0.0f)};
        for (size_t t = 0; t < body; t += 16) exp_block(row + t, mvec, acc);
        if (rest) {
            exp_block(tail, mvec, acc);
            memcpy(row + body, tail, rest * sizeof(float));
        }
        const float32x4_t u = vaddq_f32(vaddq_f32(acc[0], acc[2]), vaddq_f32(acc[1], acc[3]));
        const float v0 = vgetq_lane_f32(u, 0) + vgetq_lane_f32(u, 2),
                    v1 = vgetq_lane_f32(u, 1) + vgetq_lane_f32(u, 3);
        const float inv = 1.0f / (v0 + v1);
        for (size_t t = 0; t < body; t += 4) vst1q_f32(row + t, vmulq_n_f32(vld1q_f32(row + t), inv));
        for (size_t t = body; t < len; t++) row[t] = row[t] * inv;
    }
}
