/* bn_qk256_gemm_4x2__avx2 - QK256 GEMM with AVX2: two rows x four tokens per step.
 *
 * Contract: y[t][r] (row t at byte offset t * y_stride) for t < n, r in [r0, r1);
 * canonical layout; any K >= 1 (the last, partial 128-weight group takes its activations
 * from zero-padded copies on the stack, so padding codes never count and nothing past K
 * is read); any n and row count (tails repeat the last valid row or token and drop the
 * copies); unaligned buffers and strides; no over-read.
 * Algorithm: the I2_S core with the QK256 row stride (kernels/common/ternary_avx2.h): per
 * 32-weight slot the codes of two rows are unpacked once and reused by four tokens with
 * vpmaddubsw; int16 sums widened into int32 every 8 groups; epilogue per token.
 * Registers: 8 int16 accumulators + 2 raw rows + 2 codes + 1 activation + mask + product. */
#include "kernels/common/ternary_avx2.h"
#include "ref/formats.h"

bn_gemm_fn bn_qk256_gemm_4x2__avx2;

void bn_qk256_gemm_4x2__avx2(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                             const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols >= 1 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    bn_t256_gemm_4x2(w, bn_qk256_row_bytes(w->cols), r0, r1, n, x, y, y_stride);
}
