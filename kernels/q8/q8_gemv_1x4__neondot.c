/* bn_q8_gemv_1x4__neondot - Q8 (int8 head) GEMV with the ARMv8.2 dot product (sdot).
 *
 * Contract and loop: kernels/common/neon_q8.h (bit-identical to ref/q8.c).
 * Dot step, per 16 columns and row: one sdot, signed int8 by signed int8 with each group
 * of four products summed into an int32 lane; both operands are signed, so no bias or
 * sign trick is needed (a -128 code would be exact too). */
#include <arm_neon.h>

#include "kernels/kernel.h"

bn_gemv_fn bn_q8_gemv_1x4__neondot;

static inline int32x4_t q8_dot16(int32x4_t acc, int8x16_t w, int8x16_t a) { return vdotq_s32(acc, w, a); }

#include "kernels/common/neon_q8.h"

void bn_q8_gemv_1x4__neondot(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                             float *restrict y)
{
    bn_q8_neon_gemv(w, r0, r1, x, y);
}
