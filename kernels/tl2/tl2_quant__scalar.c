/* bn_tl2_quant__scalar - f32 ternary*scale matrix -> TL2 canonical layout with tail.
 *
 * Contract: K % 2 == 0; ws = max|w|; zero when |w| < 1e-6, else the sign.
 * Algorithm: one pass for the scale; then per row each index byte (two triples), sign
 * bit and tail byte is computed from the floats directly. */
#include <math.h>
#include <string.h>

#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_quant_fn bn_tl2_quant__scalar;

static inline int ternary(float v) { return fabsf(v) < 1e-6f ? 0 : (v > 0.0f ? 1 : -1); }

void bn_tl2_quant__scalar(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    BN_KASSERT(k % 2 == 0);
    const size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const size_t ib = bn_tl2_index_row_bytes(k), sb = bn_tl2_sign_row_bytes(k), tb = bn_tl2_tail_row_bytes(k);
    uint8_t *index = out, *sign = out + bn_tl2_sign_plane(m, k, 1), *tail = out + bn_tl2_tail_plane(m, k, 1);
    float ws = 0.0f;
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) ws = fmaxf(ws, fabsf(row[c]));
    }
    memset(sign, 0, m * sb);
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t b = 0; b < ib; b++) {
            unsigned byte = 0;
            for (size_t g = 2 * b; g < 2 * b + 2; g++) {
                int v = bn_tl2_value(ternary(row[3 * g]), ternary(row[3 * g + 1]), ternary(row[3 * g + 2]));
                byte = bn_tl_nibble_set((uint8_t)byte, g, (unsigned)(v < 0 ? -v : v));
                if (v < 0) sign[r * sb + g / 8] |= (uint8_t)(1u << (g % 8));
            }
            index[r * ib + b] = (uint8_t)byte;
        }
        for (size_t b = 0; b < tb; b++) {
            const float *p = row + 3 * G + 4 * b;
            unsigned hi = bn_tl1_index(ternary(p[0]), ternary(p[1]));
            unsigned lo = (4 * b + 2 < R) ? bn_tl1_index(ternary(p[2]), ternary(p[3])) : BN_TL1_IDX_ZERO;
            tail[r * tb + b] = (uint8_t)(hi << 4 | lo);
        }
    }
    bn_tail_store(out + bn_tl2_data_bytes(m, k, 1), ws);
}
