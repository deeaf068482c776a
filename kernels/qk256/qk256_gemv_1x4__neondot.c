/* bn_qk256_gemv_1x4__neondot - QK256 decode GEMV with the ARMv8.2 dot product, four rows per pass.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; canonical layout; any K: rows of
 * ceil(K/256) 64-byte blocks, the last block padded; any row count (a last pass of 1..3
 * rows re-reads its last valid row in the unused lanes and stores only the valid ones);
 * reads the rows' code bytes (inside their row stride) and the K activations, never a byte
 * past them: the activations of a partial last group are copied into a zeroed 128-byte
 * stack block once per call, so padding codes meet zeros and never count.
 *
 * Algorithm (kernels/common/neon_codes_gemv.h): a QK256 row is a run of I2_S groups
 * (two per block), so the I2_S GEMV runs over ceil(K/128) groups, the last one on the
 * padded activations; the block count never enters.  Per group and 16-byte half: the four
 * activation vectors are loaded once for four rows; each row's 16 code bytes are loaded
 * once, split by one shift and three masks (slot 1 stays 16*c, slot 2 stays 4*c) and
 * multiplied by four sdot into three int32 class accumulators, divided back exactly at the
 * end; then qsum is subtracted (code 3 reads +2) and y = ((float)isum / s) * ws.
 *
 * Registers: 12 accumulators (4 rows x 3 classes) + 4 activations + 1 code vector +
 * 4 slots + 3 mask constants = 24 of the 32 vector registers (no spills).
 * Exactness: int32 lane bounds in kernels/common/neon_codes_sdot.h (<= 2.6e7 at K = 65536).
 * Inner loop: the I2_S one (docs/kernels-neon.md). */
#include "kernels/common/neon_codes_sdot.h" /* the multiply step, before the template */

#include "kernels/common/neon_codes_gemv.h"

bn_gemv_fn bn_qk256_gemv_1x4__neondot;

void bn_qk256_gemv_1x4__neondot(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                                float *restrict y)
{
    BN_KASSERT(w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    const bn_codes m = bn_codes_of(w, bn_qk256_row_bytes(w->cols));
    bn_codes_gemv(&m, r0, r1, x, w->scale, y);
}
