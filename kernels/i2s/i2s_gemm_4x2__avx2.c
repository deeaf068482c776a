/* bn_i2s_gemm_4x2__avx2 - I2_S GEMM with AVX2: two rows x four tokens per step.
 *
 * Contract: y[t][r] (row t at byte offset t * y_stride) for t < n, r in [r0, r1);
 * canonical layout; K % 128 == 0; any n and row count (tails repeat the last valid row or
 * token and drop the copies); unaligned buffers and strides; no over-read.
 * Algorithm (kernels/common/ternary_avx2.h): for a pair of rows, every tile of four tokens
 * runs over K.  Per 32-weight slot the codes of the two rows are unpacked once (shift,
 * mask) and reused by the four tokens: 8 vpmaddubsw + 8 int16 adds per 2 unpacks; int16
 * sums (bounded by 8 * 3072) are widened into int32 every 8 groups.  The two rows stay in
 * L1 while all token tiles stream past them, so weights come from memory once per call.
 * Registers: 8 int16 accumulators + 2 raw rows + 2 codes + 1 activation + mask + product. */
#include "kernels/common/ternary_avx2.h"
#include "ref/formats.h"

bn_gemm_fn bn_i2s_gemm_4x2__avx2;

void bn_i2s_gemm_4x2__avx2(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                           const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t256_gemm_4x2(w, bn_i2s_row_bytes(w->cols), r0, r1, n, x, y, y_stride);
}
