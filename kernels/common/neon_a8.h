/*
 * neon_a8.h - template of the NEON A8 activation quantiser (static inline only).
 *
 * The includer first defines
 *     int32x4_t bn_a8_qsum_step(int32x4_t acc, int8x16_t q)
 * adding the 16 codes of q into the int32 lanes of acc: the only step where the neon and
 * neondot variants differ.
 *
 * Arithmetic, exactly as ref/a8.c:
 *   amax  the max of |x| over the row: fabs and fmax are exact, so any order gives the
 *         reference's value; four vector lanes, then one horizontal max;
 *   s     (float)(127.0 / max(1e-5, (double)amax)) in scalar double, as the reference;
 *   q     fmul (one f32 rounding, the reference's product), fcvtns (round to nearest,
 *         ties to even: rintf in the default mode), then saturating narrows s32 -> s16 ->
 *         s8, which clamp to [-128, 127] exactly as the reference's clamp does;
 *   qsum  the exact int32 sum of the codes.
 * A row tail of k % 16 floats is copied into a zeroed 16-float block: zeros do not change
 * the max, quantise to code 0 and add nothing to qsum; only k % 16 codes are stored.
 */
#ifndef BN_KERNELS_NEON_A8_H
#define BN_KERNELS_NEON_A8_H

#include <arm_neon.h>
#include <string.h>

#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"

BN_INLINE float bn_a8_absmax(const float *x, size_t k)
{
    float32x4_t m0 = vdupq_n_f32(0.0f), m1 = m0, m2 = m0, m3 = m0;
    size_t i = 0;
    for (; i + 16 <= k; i += 16) { /* four independent chains hide the fmax latency */
        m0 = vmaxq_f32(m0, vabsq_f32(vld1q_f32(x + i)));
        m1 = vmaxq_f32(m1, vabsq_f32(vld1q_f32(x + i + 4)));
        m2 = vmaxq_f32(m2, vabsq_f32(vld1q_f32(x + i + 8)));
        m3 = vmaxq_f32(m3, vabsq_f32(vld1q_f32(x + i + 12)));
    }
    for (; i + 4 <= k; i += 4) m0 = vmaxq_f32(m0, vabsq_f32(vld1q_f32(x + i)));
    float m = vmaxvq_f32(vmaxq_f32(vmaxq_f32(m0, m1), vmaxq_f32(m2, m3)));
    for (; i < k; i++) {
        float a = x[i] < 0.0f ? -x[i] : x[i];
        if (a > m) m = a;
    }
    return m;
}

/* 16 floats -> 16 codes. */
BN_INLINE int8x16_t bn_a8_round16(const float *x, float32x4_t s)
{
    int32x4_t i0 = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(x), s));
    int32x4_t i1 = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(x + 4), s));
    int32x4_t i2 = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(x + 8), s));
    int32x4_t i3 = vcvtnq_s32_f32(vmulq_f32(vld1q_f32(x + 12), s));
    int16x8_t h0 = vqmovn_high_s32(vqmovn_s32(i0), i1); /* sqxtn, sqxtn2: saturate to s16 */
    int16x8_t h1 = vqmovn_high_s32(vqmovn_s32(i2), i3);
    return vqmovn_high_s16(vqmovn_s16(h0), h1); /* saturate to s8: the clamp */
}

BN_INLINE void bn_a8_quant_rows(size_t n, size_t k, const float *x, size_t x_stride, int8_t *q,
                                size_t q_stride, float *scale, int32_t *qsum)
{
    for (size_t t = 0; t < n; t++) {
        const float *row = (const float *)((const char *)x + t * x_stride);
        int8_t *out = q + t * q_stride;
        double amax = (double)bn_a8_absmax(row, k);
        if (amax < 1e-5) amax = 1e-5; /* the floor is compared in double */
        const float s = (float)(127.0 / amax);
        const float32x4_t sv = vdupq_n_f32(s);

        int32x4_t sum = vdupq_n_s32(0);
        size_t i = 0;
        for (; i + 16 <= k; i += 16) {
            int8x16_t codes = bn_a8_round16(row + i, sv);
            vst1q_s8(out + i, codes);
            sum = bn_a8_qsum_step(sum, codes);
        }
        if (i < k) {
            float block[16] = {0};
            int8_t codes[16];
            memcpy(block, row + i, (k - i) * sizeof(float));
            int8x16_t v = bn_a8_round16(block, sv);
            vst1q_s8(codes, v);
            memcpy(out + i, codes, k - i);
            sum = bn_a8_qsum_step(sum, v);
        }
        scale[t] = s;
        qsum[t] = vaddvq_s32(sum);
    }
}

#endif /* BN_KERNELS_NEON_A8_H */
