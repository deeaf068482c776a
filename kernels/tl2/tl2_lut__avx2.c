/* bn_tl2_lut__avx2 - A8 codes -> TL2 tables: G triple tables, then R/2 TL1 pair tables (AVX2).
 *
 * Contract: K % 2 == 0; for each token t < n, the tables at lut + t*lut_stride, 32 bytes
 * each, bit-identical to bn_tl2_lut__ref: triple table g (g < G = 2*floor(K/6)) has entry
 * i = d0 q[3g] + d1 q[3g+1] + d2 q[3g+2] for the balanced-ternary digits of i (i < 14),
 * entries 14 and 15 zero; then the R/2 tail pairs' TL1 tables.  Reads exactly K codes per
 * token, writes exactly the table bytes.  No over-read.
 *
 * Algorithm (kernels/common/tl_lut_x86.h): per triple, the three codes are broadcast to 16
 * int16 lanes, multiplied by the constant digit vectors with vpsignw (x, -x or 0) and
 * summed; vpshufb + vpermq split the entries into the low/high byte halves.  About 13
 * instructions per 32-byte table.
 *
 * Register budget (ymm): digit vectors 3, split control 1, codes 3, entries 1 -> 8 of 16.
 */
#include "kernels/common/tl_lut_x86.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_lut_fn bn_tl2_lut__avx2;

void bn_tl2_lut__avx2(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                      size_t lut_stride)
{
    BN_KASSERT(k % 2 == 0);
    const size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        for (size_t g = 0; g < G; g++)
            bn_tl_store_table(bn_tl2_entries_avx2(qt[3 * g], qt[3 * g + 1], qt[3 * g + 2]),
                              tables + g * BN_LUT_TABLE_BYTES);
        for (size_t i = 0; i < R / 2; i++)
            bn_tl_store_table(bn_tl1_entries_avx2(qt[3 * G + 2 * i], qt[3 * G + 2 * i + 1]),
                              tables + (G + i) * BN_LUT_TABLE_BYTES);
    }
}
