/* bn_tl1_gemm_4x16__neon - TL1 GEMM by tbl table lookup: 16 interleaved rows x 4 tokens per tile.
 *
 * Contract: y[t][r] (row t at byte t * y_stride) for t < n, r in [r0, r1); layout_rows 16
 * (r0 a multiple of 16), the layout of bn_tl1_gemv_1x16__neon; K % 4 == 0; x->lut holds n
 * tokens' TL1 tables at lut_stride; any n and row count (the last block computes all 16
 * stored rows, a last tile of fewer than 4 tokens re-reads the last valid token's tables;
 * only valid results are stored); no byte read past an input.
 *
 * Algorithm (kernels/common/neon_tl1.h, neon_tl.h): per byte column of the block, the two
 * index vectors of the 16 rows are decoded once (ushr / and) and used for the four tokens:
 * per token and pair, two tbl (low and high bytes of the pair's table) and three adds into
 * that token's narrow sums, folded into int32 every 64 tables.  Loop order: row blocks
 * outside, token tiles inside, so the block's K/4 * 16 bytes stay in L1.
 * Registers: 12 narrow sums (4 tokens x 3) + 1 code vector + 2 index vectors + 4 table
 * halves + 2 lookups + 1 mask = 22 of 32; the int32 sums live on the stack and are
 * touched once per 64 tables.
 * Exactness: chunk bounds in kernels/common/neon_tl.h (entries |T| <= 256 here).
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_tl1.h"

bn_gemm_fn bn_tl1_gemm_4x16__neon;

void bn_tl1_gemm_4x16__neon(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                            const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols % 4 == 0 && w->layout_rows == BN_TL_ROWS && r0 % BN_TL_ROWS == 0 && r0 <= r1 &&
               r1 <= w->rows);
    bn_tl1_rows(w, r0, r1, n, x, y, y_stride, BN_TL_TOKENS);
}
