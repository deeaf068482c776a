/* bn_q8_gemv_1x4__neon - Q8 (int8 head) GEMV on plain NEON, four weight rows per pass.
 *
 * Contract and loop: kernels/common/neon_q8.h (bit-identical to ref/q8.c).
 * Dot step, per 16 columns and row: smull of the low 8 codes by the low 8 activations,
 * smlal2 of the high 8 (int16: each product is at most 127 * 128 = 16256 in magnitude, so
 * the sum of two is at most 32512 and cannot wrap), then sadalp adds the int16 pairs into
 * the four int32 lanes.  Codes are in [-127, 127]; a -128 code would still be exact here. */
#include <arm_neon.h>

#include "kernels/kernel.h"

bn_gemv_fn bn_q8_gemv_1x4__neon;

static inline int32x4_t q8_dot16(int32x4_t acc, int8x16_t w, int8x16_t a)
{
    const int16x8_t p = vmlal_high_s8(vmull_s8(vget_low_s8(w), vget_low_s8(a)), w, a);
    return vpadalq_s16(acc, p);
}

#include "kernels/common/neon_q8.h"

void bn_q8_gemv_1x4__neon(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                          float *restrict y)
{
    bn_q8_neon_gemv(w, r0, r1, x, y);
}
