/* bn_a8_quant__scalar - f32 activations -> A8 (int8 codes, f32 scale, int32 code sum).
 *
 * Contract: n token rows of k finite floats at x_stride; writes q (q_stride), scale[n],
 * qsum[n]; bit-identical to ref/a8.c; no over-read.
 * Algorithm: the reference's arithmetic, with the max taken over four independent lanes
 * (max is exact and order-free) and the rounding done by rintf (half to even). */
#include <math.h>

#include "kernels/kernel.h"

bn_a8_quant_fn bn_a8_quant__scalar;

void bn_a8_quant__scalar(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                         size_t q_stride, float *restrict scale, int32_t *restrict qsum)
{
    for (size_t t = 0; t < n; t++) {
        const float *row = (const float *)((const char *)x + t * x_stride);
        int8_t *out = q + t * q_stride;
        float m0 = 0.0f, m1 = 0.0f, m2 = 0.0f, m3 = 0.0f;
        size_t i = 0;
        for (; i + 4 <= k; i += 4) {
            m0 = fmaxf(m0, fabsf(row[i]));
            m1 = fmaxf(m1, fabsf(row[i + 1]));
            m2 = fmaxf(m2, fabsf(row[i + 2]));
            m3 = fmaxf(m3, fabsf(row[i + 3]));
        }
        for (; i < k; i++) m0 = fmaxf(m0, fabsf(row[i]));
        double amax = (double)fmaxf(fmaxf(m0, m1), fmaxf(m2, m3));
        if (amax < 1e-5) amax = 1e-5; /* the floor is compared in double */
        const float s = (float)(127.0 / amax);

        int32_t sum = 0;
        for (i = 0; i < k; i++) {
            float v = rintf(row[i] * s);
            v = v > 127.0f ? 127.0f : (v < -128.0f ? -128.0f : v);
            out[i] = (int8_t)v;
            sum += out[i];
        }
        scale[t] = s;
        qsum[t] = sum;
    }
}
