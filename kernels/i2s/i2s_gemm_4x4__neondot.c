/* bn_i2s_gemm_4x4__neondot - I2_S GEMM with the ARMv8.2 dot product: 4 rows x 4 tokens per tile.
 *
 * Contract: y[t][r] (row t at byte t * y_stride) for t < n, r in [r0, r1); canonical
 * layout; K % 128 == 0; any n and row count (tails re-use the last valid row / token in
 * the unused slots of the tile and store only valid results); reads the rows' code bytes
 * and the tokens' K activations, never a byte past them.
 *
 * Algorithm (kernels/common/neon_codes_gemm.h): per 128-weight group, slot s and 16-byte
 * half h, the 16 code bytes of each of the four rows are decoded to codes 0..3 once (ushl
 * by -(6 - 2s), and 3) and used for all four tokens, whose activation vector is loaded
 * once for the four rows; one sdot per (row, token) adds 16 products into that pair's
 * int32 accumulator.  So weights are unpacked once per four tokens.  At the end of the
 * row, pairwise adds reduce the 16 accumulators, qsum is subtracted (code 3 reads +2) and
 * y = ((float)isum / s) * ws lane by lane.
 *
 * Registers: 16 accumulators + 8 code vectors (both halves; invariant over the slot loop,
 * so gcc keeps some on the stack and re-reads them) + 4 decoded slots + 1 activation
 * vector + 2 constants.
 * Exactness: at most K/4 products of |.| <= 384 per int32 lane (<= 6.3e6 at K = 65536).
 * Inner loop: see docs/kernels-neon.md (static count from aarch64-linux-gnu-objdump). */
#include "kernels/common/neon_codes_sdot.h" /* the multiply step, before the template */

#include "kernels/common/neon_codes_gemm.h"

bn_gemm_fn bn_i2s_gemm_4x4__neondot;

void bn_i2s_gemm_4x4__neondot(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                              const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    BN_KASSERT(w->cols % BN_I2S_GROUP == 0 && w->layout_rows == 1 && r0 <= r1 && r1 <= w->rows);
    const bn_codes m = bn_codes_of(w, bn_i2s_row_bytes(w->cols));
    bn_codes_gemm(&m, r0, r1, n, x, w->scale, y, y_stride);
}
