/* bn_i2s_gemv_1x4__neondot - I2_S decode GEMV with the ARMv8.2 dot product, four rows per pass.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token; canonical layout (layout_rows 1);
 * K % 128 == 0; any row count (a last pass of 1..3 rows re-reads its last valid row in the
 * unused lanes and stores only the valid ones); reads the rows' K/4 code bytes and the K
 * activations, never a byte past them.
 *
 * Algorithm (kernels/common/neon_codes_gemv.h): per 128-weight group and 16-byte half,
 * the four activation vectors of the half are loaded once for four rows.  Each row's 16
 * code bytes are loaded once and split into the four slots by one shift and three masks
 * (slot 1 stays 16*c, slot 2 stays 4*c: bn_codes_split), then four sdot add them into
 * three int32 class accumulators; the classes are divided back exactly at the end, the
 * qsum subtracted (code 3 reads +2), and the epilogue y = ((float)isum / s) * ws computed
 * with one IEEE convert, divide and multiply per lane.
 *
 * Registers: 12 accumulators (4 rows x 3 classes) + 4 activations + 1 code vector +
 * 4 slots + 3 mask constants = 24 of the 32 vector registers (no spills).
 * Exactness: int32 lane bounds in kernels/common/neon_codes_sdot.h (<= 2.6e7 at K = 65536).
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_codes_sdot.h" /* the multiply step, before the template */

#include "kernels/common/neon_codes_gemv.h"

bn_gemv_fn bn_i2s_gemv_1x4__neondot;

void bn_i2s_gemv_1x4__neondot(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                              float *restrict y)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    const bn_codes m = bn_codes_of(w, bn_i2s_row_bytes(w->cols));
    bn_codes_gemv(&m, r0, r1, x, w->scale, y);
}
