/* bn_tl1_gemv_1x16__neon - TL1 decode GEMV by tbl table lookup, 16 interleaved rows per pass.
 *
 * Contract: y[r] for r in [r0, r1) of one token; layout_rows 16 (rows interleaved in
 * blocks of 16, padded with zero rows; r0 a multiple of 16); K % 4 == 0; x->lut holds the
 * token's TL1 tables (K/2 tables of 32 bytes); any row count (the last block computes all
 * 16 stored rows and stores only those below r1); reads the block's K/4 bytes per row and
 * the K/2 tables, never a byte past them.
 *
 * Algorithm (kernels/common/neon_tl1.h, neon_tl.h): per byte column of the block (16
 * bytes: two pairs of 16 rows), ushr / and give the two index vectors; per pair, tbl looks
 * up the 16 rows' low bytes and tbl their high bytes in the pair's table, uaddw / uaddw2
 * add the low bytes into two uint16x8 sums and one add the high bytes into an int8x16 sum.
 * Every 64 tables these are folded into four int32x4 row sums (sum_l + 256 * sum_h).  No
 * dot product helps here (the lookup is the multiply), so neondot CPUs run this kernel.
 * Registers: 3 narrow sums + 4 int32 sums + 1 code vector + 2 index vectors + 4 table
 * halves + 2 lookups + 1 mask = 17 of 32.
 * Exactness: chunk bounds in kernels/common/neon_tl.h (entries |T| <= 256 here).
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_tl1.h"

bn_gemv_fn bn_tl1_gemv_1x16__neon;

void bn_tl1_gemv_1x16__neon(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                            float *restrict y)
{
    BN_KASSERT(w->cols % 4 == 0 && w->layout_rows == BN_TL_ROWS && r0 % BN_TL_ROWS == 0 && r0 <= r1 &&
               r1 <= w->rows);
    bn_tl1_rows(w, r0, r1, 1, x, y, 0, 1);
}
