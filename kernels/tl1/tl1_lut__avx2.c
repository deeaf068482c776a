/* bn_tl1_lut__avx2 - A8 codes -> TL1 tables, one 32-byte table per activation pair (AVX2).
 *
 * Contract: K % 4 == 0; for each token t < n, table j (j < K/2) at lut + t*lut_stride +
 * 32*j, bit-identical to bn_tl1_lut__ref: entry 3a + b = (a - 1) q[2j] + (b - 1) q[2j+1],
 * entries 9..15 zero, 16 low bytes then 16 high bytes.  Reads exactly K codes per token,
 * writes exactly K/2 * 32 bytes per token (the bytes between tables of different tokens
 * are not touched).  No over-read.
 *
 * Algorithm (kernels/common/tl_lut_x86.h): per pair, the two codes are broadcast to 16
 * int16 lanes, multiplied by the constant coefficient vectors with vpsignw and added;
 * vpshufb + vpermq split the int16 entries into the low/high byte halves of the table.
 * About 10 instructions per 32-byte table, about 2-4% of a GEMV over the same K.
 *
 * Register budget (ymm): coefficients 2, split control 1, codes 2, entries 1 -> 6 of 16.
 */
#include "kernels/common/tl_lut_x86.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_lut_fn bn_tl1_lut__avx2;

void bn_tl1_lut__avx2(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                      size_t lut_stride)
{
    BN_KASSERT(k % 4 == 0);
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        for (size_t j = 0; j < k / 2; j++)
            bn_tl_store_table(bn_tl1_entries_avx2(qt[2 * j], qt[2 * j + 1]), tables + j * BN_LUT_TABLE_BYTES);
    }
}
