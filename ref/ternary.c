/*
 * ternary.c - rules shared by every ternary format: the quantisation of a ternary*scale
 * matrix, the weight scale, and the float epilogue of docs/formats.md section 2.
 */
#include <assert.h>
#include <math.h>

#include "ref/ref.h"

/* docs/formats.md 3.2: a value is zero when |w| < 1e-6, otherwise its sign.  The input is
 * already ternary times a scale, so no threshold near the scale is needed. */
int8_t bn_ternary_of__ref(float w)
{
    if (fabsf(w) < 1e-6f) return 0;
    return w > 0.0f ? 1 : -1;
}

/* The weight scale of a ternary*scale matrix is its largest magnitude (every nonzero
 * entry has that magnitude).  max is exact in f32. */
float bn_ternary_scale__ref(size_t m, size_t k, const float *w, size_t w_stride)
{
    float ws = 0.0f;
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) {
            float a = fabsf(row[c]);
            if (a > ws) ws = a;
        }
    }
    return ws;
}

/* The epilogue every kernel must reproduce bit for bit:
 *     y = ((float)isum / s) * ws
 * isum converted to f32 (exact for |isum| <= 2^24, which holds for K <= 131072), one f32
 * division by the activation scale, then one f32 multiplication by the weight scale.
 * Compiled with -ffp-contract=off so the compiler cannot fuse anything. */
float bn_epilogue__ref(int64_t isum, float s, float ws)
{
    assert(isum >= -((int64_t)1 << 24) && isum <= ((int64_t)1 << 24));
    float f = (float)isum;
    float scaled = f / s;
    return scaled * ws;
}

void bn_ternary_to_f32__ref(size_t m, size_t k, const int8_t *t, size_t t_stride, float ws, float *out,
                            size_t out_stride)
{
    for (size_t r = 0; r < m; r++) {
        const int8_t *src = t + r * t_stride;
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t c = 0; c < k; c++) dst[c] = (float)src[c] * ws;
    }
}

float bn_ternary_from_f32__ref(size_t m, size_t k, const float *w, size_t w_stride, int8_t *t,
                               size_t t_stride)
{
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) t[r * t_stride + c] = bn_ternary_of__ref(row[c]);
    }
    return bn_ternary_scale__ref(m, k, w, w_stride);
}
