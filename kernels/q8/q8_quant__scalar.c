/* bn_q8_quant__scalar - f32 rows -> Q8 int8 codes and one f32 scale per row (at load).
 *
 * Contract: for each of m rows of k finite floats (row r at byte offset r * w_stride):
 * scale[r] = max|w| / 127 and q[r * q_stride + c] = clamp(roundf(w[c] / scale), -127,
 * 127), 0 for the whole row when scale == 0 (ref/q8.c, bit for bit); rows are independent,
 * so the caller may quantise blocks of rows on different threads; no over-read.
 * Algorithm: the row maximum in four independent lanes (max is exact, so any order gives
 * the same value), then one f32 division and roundf per value, as the spec says: a
 * multiplication by 1/scale would round differently.  Used once per model load, so
 * clarity over speed: the division runs at ~1 ns per value. */
#include <math.h>

#include "kernels/common/q8.h"
#include "kernels/kernel.h"

bn_q8_quant_fn bn_q8_quant__scalar;

static float row_amax(const float *row, size_t k)
{
    float m[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    size_t c = 0;
    for (; c + 4 <= k; c += 4)
        for (size_t j = 0; j < 4; j++) m[j] = fabsf(row[c + j]) > m[j] ? fabsf(row[c + j]) : m[j];
    for (; c < k; c++) m[0] = fabsf(row[c]) > m[0] ? fabsf(row[c]) : m[0];
    const float a = m[0] > m[1] ? m[0] : m[1], b = m[2] > m[3] ? m[2] : m[3];
    return a > b ? a : b;
}

void bn_q8_quant__scalar(size_t m, size_t k, const float *restrict w, size_t w_stride, int8_t *restrict q,
                         size_t q_stride, float *restrict scale)
{
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        int8_t *out = q + r * q_stride;
        const float s = row_amax(row, k) / 127.0f;
        scale[r] = s;
        if (s == 0.0f) {
            for (size_t c = 0; c < k; c++) out[c] = 0;
            continue;
        }
        for (size_t c = 0; c < k; c++) out[c] = bn_q8_code(row[c], s);
    }
}
