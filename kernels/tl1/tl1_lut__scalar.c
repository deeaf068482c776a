/* bn_tl1_lut__scalar - A8 codes -> TL1 tables (one 32-byte table per activation pair).
 *
 * Contract: K % 4 == 0 (pairs: K/2); table j of token t at lut + t*lut_stride + 32*j.
 * Algorithm: T[3a + b] = (a - 1)*q0 + (b - 1)*q1 built from the three multiples of q0 and
 * of q1; entries 9..15 are 0. */
#include <string.h>

#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_lut_fn bn_tl1_lut__scalar;

void bn_tl1_lut__scalar(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                        size_t lut_stride)
{
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        for (size_t j = 0; j < k / 2; j++) {
            uint8_t *table = lut + t * lut_stride + j * BN_LUT_TABLE_BYTES;
            const int q0 = qt[2 * j], q1 = qt[2 * j + 1];
            memset(table, 0, BN_LUT_TABLE_BYTES);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    bn_tl_set_entry(table, (unsigned)(3 * a + b), (a - 1) * q0 + (b - 1) * q1);
        }
    }
}
