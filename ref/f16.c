/*
 * f16.c - F16, IEEE 754 binary16: the output head (tied token embedding) of 2B4T.
 *
 * GEMV: y[r] = sum_k f32(w[r][k]) * x[k], in one canonical f32 order so that every
 * kernel, whatever its vector width, gives the same bits (and the model the same logits
 * under every ISA cap):
 *   1. sixteen partial sums: acc[j] = 0 for j = 0..15; for k = 0, 1, ..., K-1 in order,
 *      p = f32(w[k]) * x[k] (an f32 multiplication; f16 -> f32 is exact), then
 *      acc[k % 16] = acc[k % 16] + p (an f32 addition).  No fused multiply-add.
 *   2. a fixed tree: t[j] = acc[j] + acc[j+8] (j < 8), u[j] = t[j] + t[j+4] (j < 4),
 *      v[j] = u[j] + u[j+2] (j < 2), y = v[0] + v[1].
 * Sixteen lanes are one AVX-512 register, two AVX2 registers, four NEON registers; the
 * tree is the usual halving reduction.  A lane that K does not reach stays +0 (acc never
 * becomes -0, since it starts at +0 and x + (-0) = x), so vector tails may add exact zeros.
 * The error against the exact sum is bounded like any f32 summation, by roughly
 * (K/16 + 5) * 2^-24 * sum|w*x|; bn_f16_gemv_exact__ref computes the exact-ish sum in
 * double for accuracy tests.
 */
#include <math.h>
#include <string.h>

#include "ref/ref.h"

/* binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits.  Every binary16
 * value is exactly representable in binary32. */
float bn_f16_to_f32__ref(uint16_t h)
{
    int sign = (h >> 15) & 1;
    int exponent = (h >> 10) & 0x1F;
    int fraction = h & 0x3FF;
    float value;
    if (exponent == 0)
        value = ldexpf((float)fraction, -24); /* zero and subnormals */
    else if (exponent == 31)
        value = fraction ? NAN : INFINITY;
    else
        value = ldexpf((float)(fraction | 0x400), exponent - 25);
    return sign ? -value : value;
}

/* binary32 -> binary16, round to nearest, ties to even; overflow gives infinity. */
uint16_t bn_f32_to_f16__ref(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    uint16_t sign = (uint16_t)((bits >> 16) & 0x8000u);
    float a = fabsf(f);
    if (isnan(f)) return (uint16_t)(sign | 0x7E00u);
    if (a >= 65520.0f) return (uint16_t)(sign | 0x7C00u); /* rounds to infinity */
    if (a < ldexpf(1.0f, -14)) {
        /* subnormal range: multiples of 2^-24, rintf rounds half to even */
        return (uint16_t)(sign | (uint16_t)rintf(ldexpf(a, 24)));
    }
    int e;
    float m = frexpf(a, &e); /* a = m * 2^e, m in [0.5, 1) */
    /* 11 significant bits: scale the mantissa to [1024, 2048) and round. */
    float scaled = rintf(ldexpf(m, 11));
    if (scaled >= 2048.0f) { /* rounding carried into the next binade */
        scaled = 1024.0f;
        e += 1;
    }
    int exponent = e - 1 + 15;
    if (exponent >= 31) return (uint16_t)(sign | 0x7C00u);
    return (uint16_t)(sign | (uint16_t)(exponent << 10) | ((uint16_t)scaled & 0x3FFu));
}

void bn_f16_gemv__ref(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                      float *restrict y)
{
    const uint16_t *data = w->data;
    for (size_t r = r0; r < r1; r++) {
        float acc[16] = {0};
        for (size_t c = 0; c < w->cols; c++) {
            float p = bn_f16_to_f32__ref(data[r * w->cols + c]) * x[c];
            acc[c % 16] = acc[c % 16] + p;
        }
        float t[8], u[4], v[2];
        for (int j = 0; j < 8; j++) t[j] = acc[j] + acc[j + 8];
        for (int j = 0; j < 4; j++) u[j] = t[j] + t[j + 4];
        for (int j = 0; j < 2; j++) v[j] = u[j] + u[j + 2];
        y[r] = v[0] + v[1];
    }
}

void bn_f16_gemv_exact__ref(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                            float *restrict y)
{
    const uint16_t *data = w->data;
    for (size_t r = r0; r < r1; r++) {
        double sum = 0.0; /* every f16 * f32 product is exact in double */
        for (size_t c = 0; c < w->cols; c++)
            sum += (double)bn_f16_to_f32__ref(data[r * w->cols + c]) * (double)x[c];
        y[r] = (float)sum;
    }
}
