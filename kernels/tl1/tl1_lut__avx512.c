/* bn_tl1_lut__avx512 - A8 codes -> TL1 tables, two 32-byte tables per zmm (AVX-512 BW).
 *
 * Contract: K % 4 == 0 (so K/2 pairs is even); for each token t < n, table j at
 * lut + t*lut_stride + 32*j, bit-identical to bn_tl1_lut__ref: entry 3a + b =
 * (a - 1) q[2j] + (b - 1) q[2j+1], entries 9..15 zero, 16 low bytes then 16 high bytes.
 * Reads exactly K codes per token (4 at a time, never past the row), writes exactly
 * K/2 * 32 bytes per token.  No over-read.
 *
 * Algorithm: per two pairs j, j+1, the four codes are loaded as one 32-bit word and
 * sign-extended to int16 (vpmovsxbw); vpermw spreads q0 of pair j over lanes 0-15 and q0
 * of pair j+1 over lanes 16-31 (likewise q1); vpmullw by the coefficient vectors in
 * {-1, 0, 1} and vpaddw give both tables' 16 int16 entries, and vpshufb + vpermq split
 * them into low and high byte halves (kernels/common/tl_lut_x86.h): one 64-byte store.
 * About 10 instructions per two tables.
 *
 * Register budget (zmm): coefficients 2, permute indices 2, split control and qword order
 * 2, codes 3, entries 1 -> 10 of 32.
 */
#include <string.h>

#include "kernels/common/tl_lut_x86.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_lut_fn bn_tl1_lut__avx512;

void bn_tl1_lut__avx512(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                        size_t lut_stride)
{
    BN_KASSERT(k % 4 == 0);
    const __m512i c0 = _mm512_broadcast_i64x4(bn_tl1_coef(0)), c1 = _mm512_broadcast_i64x4(bn_tl1_coef(1));
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        for (size_t j = 0; j < k / 2; j += 2) {
            int32_t word;
            memcpy(&word, qt + 2 * j, sizeof word); /* q0, q1 of pair j, then of pair j + 1 */
            __m512i codes = _mm512_zextsi128_si512(_mm_cvtepi8_epi16(_mm_cvtsi32_si128(word)));
            __m512i e = _mm512_add_epi16(_mm512_mullo_epi16(bn_tl_spread2(codes, 0, 2), c0),
                                         _mm512_mullo_epi16(bn_tl_spread2(codes, 1, 3), c1));
            bn_tl_store_two_tables(e, tables + j * BN_LUT_TABLE_BYTES);
        }
    }
}
