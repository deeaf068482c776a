/* bn_tl1_quant__scalar - f32 ternary*scale matrix -> TL1 canonical layout with tail.
 *
 * Contract: K % 4 == 0; ws = max|w|; zero when |w| < 1e-6, else the sign.
 * Algorithm: one pass for the scale, one pass building a byte per four weights. */
#include <math.h>

#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_quant_fn bn_tl1_quant__scalar;

static inline int ternary(float v) { return fabsf(v) < 1e-6f ? 0 : (v > 0.0f ? 1 : -1); }

void bn_tl1_quant__scalar(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    BN_KASSERT(k % 4 == 0);
    float ws = 0.0f;
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) ws = fmaxf(ws, fabsf(row[c]));
    }
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        uint8_t *dst = out + r * bn_tl1_row_bytes(k);
        for (size_t b = 0; b < k / 4; b++) {
            unsigned hi = bn_tl1_index(ternary(row[4 * b]), ternary(row[4 * b + 1]));
            unsigned lo = bn_tl1_index(ternary(row[4 * b + 2]), ternary(row[4 * b + 3]));
            dst[b] = (uint8_t)(hi << 4 | lo);
        }
    }
    bn_tail_store(out + bn_tl1_data_bytes(m, k, 1), ws);
}
