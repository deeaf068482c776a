/* bn_tl2_lut__scalar - A8 codes -> TL2 tables: G triple tables, then R/2 TL1 pair tables.
 *
 * Contract: K % 2 == 0; tables of token t at lut + t*lut_stride, 32 bytes each.
 * Algorithm: entry i of a triple table is the dot product with the balanced-ternary
 * digits of i; digits for 0..13 are computed once per call. */
#include <string.h>

#include "kernels/common/scalar_tl.h"
#include "kernels/kernel.h"

bn_lut_fn bn_tl2_lut__scalar;

void bn_tl2_lut__scalar(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                        size_t lut_stride)
{
    const size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    int8_t digits[14][3];
    for (int i = 0; i < 14; i++) bn_tl2_digits(i, digits[i]);
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        for (size_t g = 0; g < G; g++) {
            uint8_t *table = tables + g * BN_LUT_TABLE_BYTES;
            const int q0 = qt[3 * g], q1 = qt[3 * g + 1], q2 = qt[3 * g + 2];
            memset(table, 0, BN_LUT_TABLE_BYTES);
            for (unsigned i = 0; i < 14; i++)
                bn_tl_set_entry(table, i, digits[i][0] * q0 + digits[i][1] * q1 + digits[i][2] * q2);
        }
        for (size_t i = 0; i < R / 2; i++) {
            uint8_t *table = tables + (G + i) * BN_LUT_TABLE_BYTES;
            const int q0 = qt[3 * G + 2 * i], q1 = qt[3 * G + 2 * i + 1];
            memset(table, 0, BN_LUT_TABLE_BYTES);
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++)
                    bn_tl_set_entry(table, (unsigned)(3 * a + b), (a - 1) * q0 + (b - 1) * q1);
        }
    }
}
