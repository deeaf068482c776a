/* bn_tl2_gemm_4x16__neon - TL2 GEMM by tbl table lookup: 16 interleaved rows x 4 tokens per tile.
 *
 * Contract: y[t][r] (row t at byte t * y_stride) for t < n, r in [r0, r1); layout_rows 16
 * (r0 a multiple of 16), the layout of bn_tl2_gemv_1x16__neon; K % 2 == 0; x->lut holds n
 * tokens' TL2 tables at lut_stride; any n and row count (the last block computes all 16
 * stored rows, a last tile of fewer than 4 tokens re-reads the last valid token's tables;
 * only valid results are stored); no byte read past an input.
 *
 * Algorithm (kernels/common/neon_tl2.h, neon_tl.h): per index column of the block (two
 * triples of 16 rows), the index vectors and the sign masks are decoded once and used for
 * the four tokens: per token and triple, two tbl, two eor (the sign) and three adds into
 * that token's narrow sums, folded into int32 every 64 triples; the count of negated
 * entries is token-independent and added once per token at the end.  Loop order: row
 * blocks outside, token tiles inside.
 * Registers: 12 narrow sums (4 tokens x 3) + sign, count, code, 2 index and 2 mask vectors
 * + table halves + constants; the int32 sums live on the stack (touched every 64 triples).
 * Exactness: bounds in kernels/common/neon_tl.h; the sign trick in neon_tl2.h.
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_tl2.h"

bn_gemm_fn bn_tl2_gemm_4x16__neon;

void bn_tl2_gemm_4x16__neon(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                            const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols % 2 == 0 && w->layout_rows == BN_TL_ROWS && r0 % BN_TL_ROWS == 0 && r0 <= r1 &&
               r1 <= w->rows);
    bn_tl2_rows(w, r0, r1, n, x, y, y_stride, BN_TL_TOKENS);
}
