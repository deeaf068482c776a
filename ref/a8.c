/*
 * a8.c - A8, the int8 per-token activation format (bitnet.cpp's "I8_S").
 *
 * For each token row x[0..k):
 *   1. amax = max_i |x_i|, exact in f32.  The floor 1e-5 is applied in double, as
 *      bitnet.cpp does: amax_d = max(1e-5, (double)amax).
 *   2. s = (float)(127.0 / amax_d), the activation scale (one f32 per token).
 *   3. q_i = clamp(round_half_even((float)(x_i * s)), -128, 127): the product is an f32
 *      product (no FMA, no double), rounded to the nearest integer with ties to even
 *      (the default rounding mode; rintf).
 *   4. qsum = sum_i q_i as int32 (kernels that add a bias to the weight codes need it).
 * Inputs must be finite.  |x_i * s| <= 127 up to one rounding, so the clamp only guards.
 */
#include <math.h>

#include "ref/ref.h"

static int8_t a8_round(float v)
{
    float r = rintf(v); /* round half to even in the default rounding mode */
    if (r > 127.0f) r = 127.0f;
    if (r < -128.0f) r = -128.0f;
    return (int8_t)r;
}

void bn_a8_quant__ref(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                      size_t q_stride, float *restrict scale, int32_t *restrict qsum)
{
    for (size_t t = 0; t < n; t++) {
        const float *row = (const float *)((const char *)x + t * x_stride);
        int8_t *out = q + t * q_stride;

        float amax = 0.0f;
        for (size_t i = 0; i < k; i++) {
            float a = fabsf(row[i]);
            if (a > amax) amax = a;
        }
        double amax_d = (double)amax;
        if (amax_d < 1e-5) amax_d = 1e-5;
        float s = (float)(127.0 / amax_d);

        int32_t sum = 0;
        for (size_t i = 0; i < k; i++) {
            float product = row[i] * s;
            out[i] = a8_round(product);
            sum += out[i];
        }
        scale[t] = s;
        qsum[t] = sum;
    }
}
