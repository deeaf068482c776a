/*
 * q8.c - Q8, int8 weights with one f32 scale per row: the opt-in int8 output head.
 *
 * Layout of an m x K matrix: the codes q[r][c], m rows of K int8, row-major, no padding;
 * then, at byte offset round_up(m * K, 64) from the start, m f32 scales (scale[r],
 * little-endian, no alignment required of the buffer).  bn_weights.scale is unused.
 *
 * Quantisation of one row w[0..K) of finite floats, every step an IEEE f32 operation:
 *   1. amax = max_c |w[c]|, exact.
 *   2. scale = amax / 127 (one f32 division).
 *   3. scale == 0 (an all-zero row, or amax < 127 * 2^-149 so the division underflows):
 *      every q[c] = 0.  Otherwise q[c] = clamp(round_half_away(w[c] / scale), -127, 127):
 *      one f32 division, then rounding to the nearest integer with ties away from zero
 *      (roundf).  |w[c] / scale| <= 127 up to one rounding, so the clamp only guards;
 *      -128 never occurs, the codes are symmetric.
 *
 * GEMV of one A8 token (codes a[c], activation scale s, as bn_a8_quant makes them,
 * x[c] ~ a[c] / s):
 *   acc = sum_c q[r][c] * a[c], exactly, in int32.  Q8 allows K <= 65536 (bn_gemv checks
 *   it): |q| <= 127 and |a| <= 128, so |acc| <= 127 * 128 * 65536 = 2^30 - 2^23 < 2^31,
 *   and even a kernel that adds 128 to every code (VNNI's unsigned operand) stays below
 *   255 * 128 * 65536 < 2^31 in every partial sum.  The harness checks K = 65536 with
 *   every product at its extreme.  Any order of summation gives the same integer.
 *   y[r] = ((float)acc / s) * scale[r]: (float)acc rounds to nearest even (exact while
 *   |acc| <= 2^24), then one f32 division and one f32 multiplication, never fused: the
 *   epilogue of the ternary formats with the row's scale in place of ws.
 */
#include <math.h>
#include <string.h>

#include "ref/ref.h"

static int8_t q8_code(float v, float scale)
{
    if (scale == 0.0f) return 0;
    float r = roundf(v / scale); /* half away from zero */
    if (r > 127.0f) r = 127.0f;
    if (r < -127.0f) r = -127.0f;
    return (int8_t)r;
}

void bn_q8_quant__ref(size_t m, size_t k, const float *restrict w, size_t w_stride, int8_t *restrict q,
                      size_t q_stride, float *restrict scale)
{
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        float amax = 0.0f;
        for (size_t c = 0; c < k; c++)
            if (fabsf(row[c]) > amax) amax = fabsf(row[c]);
        const float s = amax / 127.0f;
        for (size_t c = 0; c < k; c++) q[r * q_stride + c] = q8_code(row[c], s);
        scale[r] = s;
    }
}

float bn_q8_epilogue__ref(int32_t acc, float s, float row_scale)
{
    float f = (float)acc; /* round to nearest even */
    float scaled = f / s;
    return scaled * row_scale;
}

void bn_q8_gemv__ref(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                     float *restrict y)
{
    const int8_t *codes = w->data;
    const uint8_t *scales = (const uint8_t *)w->data + bn_q8_scales_offset(w->rows, w->cols);
    for (size_t r = r0; r < r1; r++) {
        int64_t acc = 0; /* wide, to show that the int32 the kernels use cannot overflow */
        for (size_t c = 0; c < w->cols; c++) acc += (int32_t)codes[r * w->cols + c] * x->q[c];
        float row_scale;
        memcpy(&row_scale, scales + 4 * r, sizeof row_scale);
        y[r] = bn_q8_epilogue__ref((int32_t)acc, x->scale[0], row_scale);
    }
}
