/* bn_tl2_gemv_1x16__neon - TL2 decode GEMV by tbl table lookup, 16 interleaved rows per pass.
 *
 * Contract: y[r] for r in [r0, r1) of one token; layout_rows 16 (each plane interleaved in
 * blocks of 16 rows, padded with zero rows; r0 a multiple of 16); K % 2 == 0; x->lut holds
 * the token's TL2 tables (G triple tables, then R/2 pair tables); any row count (the last
 * block computes all 16 stored rows and stores only those below r1); reads the block's
 * index, sign and tail bytes and the tables, never a byte past them.
 *
 * Algorithm (kernels/common/neon_tl2.h, neon_tl.h): per sign column (8 triples of 16 rows)
 * one load and one cnt (the +1 owed by every negated entry); per index column (2 triples)
 * one load, ushr / and for the index vectors and two tst for the 16 rows' sign masks; per
 * triple, two tbl look up the low and high bytes of the 16 rows' entries, two eor
 * complement them where the sign is set, and uaddw / uaddw2 / add collect them.  Every 64
 * triples the narrow sums are folded into four int32x4 row sums; the tail pairs are plain
 * TL1 lookups.  No dot product helps here, so neondot CPUs run this kernel.
 * Registers: 3 narrow sums + 4 int32 sums + sign, count, code, 2 index and 2 mask vectors
 * + 4 table halves + constants, about 22 of 32.
 * Exactness: bounds in kernels/common/neon_tl.h; the sign trick in neon_tl2.h.
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_tl2.h"

bn_gemv_fn bn_tl2_gemv_1x16__neon;

void bn_tl2_gemv_1x16__neon(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                            float *restrict y)
{
    BN_KASSERT(w->cols % 2 == 0 && w->layout_rows == BN_TL_ROWS && r0 % BN_TL_ROWS == 0 && r0 <= r1 &&
               r1 <= w->rows);
    bn_tl2_rows(w, r0, r1, 1, x, y, 0, 1);
}
