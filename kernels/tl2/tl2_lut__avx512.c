/* bn_tl2_lut__avx512 - A8 codes -> TL2 tables, two triple tables per zmm (AVX-512 BW).
 *
 * Contract: K % 2 == 0; for each token t < n, the tables at lut + t*lut_stride, 32 bytes
 * each, bit-identical to bn_tl2_lut__ref: triple table g (g < G = 2*floor(K/6), G even)
 * has entry i = d0 q[3g] + d1 q[3g+1] + d2 q[3g+2] for the balanced-ternary digits of i
 * (i < 14), entries 14 and 15 zero; then the R/2 tail pairs' TL1 tables.  Reads exactly
 * K codes per token (6 at a time, never past the row), writes exactly the table bytes.
 * No over-read.
 *
 * Algorithm: per two triples g, g+1 the six codes are gathered into one 64-bit word and
 * sign-extended to int16 (vpmovsxbw); vpermw spreads code i of triple g over lanes 0-15
 * and of triple g+1 over lanes 16-31; vpmullw by the digit vectors in {-1, 0, 1} and two
 * vpaddw give both tables' int16 entries, split into low/high byte halves by vpshufb +
 * vpermq (kernels/common/tl_lut_x86.h): one 64-byte store.  The 0..2 tail pair tables use
 * the 256-bit path of the AVX2 kernel.  About 13 instructions per two tables.
 *
 * Register budget (zmm): digits 3, permute indices 3, split control and qword order 2,
 * codes 4, entries 1 -> 13 of 32.
 */
#include <string.h>

#include "kernels/common/tl_lut_x86.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

bn_lut_fn bn_tl2_lut__avx512;

void bn_tl2_lut__avx512(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                        size_t lut_stride)
{
    BN_KASSERT(k % 2 == 0);
    const size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    const __m512i d0 = _mm512_broadcast_i64x4(bn_tl2_digits(0)),
                  d1 = _mm512_broadcast_i64x4(bn_tl2_digits(1));
    const __m512i d2 = _mm512_broadcast_i64x4(bn_tl2_digits(2));
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        for (size_t g = 0; g < G; g += 2) {
            /* The two triples' six codes, never read past the row.  Where two more codes
             * follow, one 8-byte load (lanes 6, 7 are never used): a 6-byte copy is two
             * narrow stores and a wide reload, a store-forwarding stall that made this
             * kernel 5x slower than the AVX2 one. */
            uint64_t word = 0;
            memcpy(&word, qt + 3 * g, 3 * g + 8 <= k ? 8 : 6);
            __m512i codes = _mm512_zextsi128_si512(_mm_cvtepi8_epi16(_mm_cvtsi64_si128((long long)word)));
            __m512i e = _mm512_add_epi16(_mm512_mullo_epi16(bn_tl_spread2(codes, 0, 3), d0),
                                         _mm512_mullo_epi16(bn_tl_spread2(codes, 1, 4), d1));
            e = _mm512_add_epi16(e, _mm512_mullo_epi16(bn_tl_spread2(codes, 2, 5), d2));
            bn_tl_store_two_tables(e, tables + g * BN_LUT_TABLE_BYTES);
        }
        for (size_t i = 0; i < R / 2; i++)
            bn_tl_store_table(bn_tl1_entries_avx2(qt[3 * G + 2 * i], qt[3 * G + 2 * i + 1]),
                              tables + (G + i) * BN_LUT_TABLE_BYTES);
    }
}
