/*
 * tl_avx512.h - AVX-512 (F/BW) primitives of the x86 TL1/TL2 table-lookup kernels: one
 * "row group" is 64 weight rows, one zmm of index bytes.  static inline only.
 *
 * The width-generic kernel templates (kernels/common/tl_x86.h, kernels/tl1/tl1_x86.h,
 * kernels/tl2/tl2_x86.h) are written against this small vocabulary; tl_avx2.h defines the
 * same names for 32-row groups.  Row order inside a group after a lookup (shared by both
 * widths, undone by bn_tl_row_of):
 *   unpacklo_epi8(lo, hi) holds the int16 entries of rows 16L + 0..7 of every 128-bit lane L
 *   ("A" rows), unpackhi_epi8 those of rows 16L + 8..15 ("B" rows).
 */
#ifndef BN_KERNELS_TL_AVX512_H
#define BN_KERNELS_TL_AVX512_H

#include <immintrin.h>
#include <stdint.h>

#define BN_TLV_ROWS 64u /* rows per group = bytes per vector */

typedef __m512i bn_tlv;
typedef __mmask32 bn_tlv_sel; /* which int16 lanes of an A or B vector are negated */

static inline bn_tlv bn_tlv_load(const uint8_t *p) { return _mm512_loadu_si512((const void *)p); }
static inline bn_tlv bn_tlv_zero(void) { return _mm512_setzero_si512(); }
static inline bn_tlv bn_tlv_add16(bn_tlv a, bn_tlv b) { return _mm512_add_epi16(a, b); }

/* Index nibbles as pshufb selectors: bit 7 must be clear (a set bit 7 would give 0). */
static inline bn_tlv bn_tlv_hi_nibbles(bn_tlv x)
{
    return _mm512_and_si512(_mm512_srli_epi16(x, 4), _mm512_set1_epi8(15));
}
static inline bn_tlv bn_tlv_lo_nibbles(bn_tlv x) { return _mm512_and_si512(x, _mm512_set1_epi8(15)); }

/* The int16 entries table[nib[r]] of every row r of the group: the 16 low bytes and the 16
 * high bytes of the table are each broadcast to the four 128-bit lanes and looked up with
 * one vpshufb; interleaving low and high bytes rebuilds the int16 entries (A and B rows). */
static inline void bn_tlv_lookup(const uint8_t *table, bn_tlv nib, bn_tlv *a, bn_tlv *b)
{
    bn_tlv tlo = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)table));
    bn_tlv thi = _mm512_broadcast_i32x4(_mm_loadu_si128((const __m128i *)(table + 16)));
    bn_tlv lo = _mm512_shuffle_epi8(tlo, nib), hi = _mm512_shuffle_epi8(thi, nib);
    *a = _mm512_unpacklo_epi8(lo, hi);
    *b = _mm512_unpackhi_epi8(lo, hi);
}

/* Sign bytes of 64 rows -> int16 lanes in A and B row order; each lane holds its row's sign
 * byte twice (s | s << 8), so bit b of the byte can be tested in the 16-bit lane. */
static inline void bn_tlv_sign_lanes(bn_tlv s, bn_tlv *a, bn_tlv *b)
{
    *a = _mm512_unpacklo_epi8(s, s);
    *b = _mm512_unpackhi_epi8(s, s);
}
static inline bn_tlv_sel bn_tlv_sign_sel(bn_tlv lanes, unsigned bit)
{
    return _mm512_test_epi16_mask(lanes, _mm512_set1_epi16((short)(1u << bit)));
}
/* v where the sign bit is clear, -v where it is set (a masked 0 - v; AVX-512 has no vpsignw). */
static inline bn_tlv bn_tlv_apply_sign(bn_tlv v, bn_tlv_sel sel)
{
    return _mm512_mask_sub_epi16(v, sel, _mm512_setzero_si512(), v);
}

/* int16 sums -> int32: vpmaddwd with (1, 0) keeps the even lanes, with (0, 1) the odd ones,
 * each sign-extended exactly; added to the int32 sums at even/odd. */
static inline void bn_tlv_widen(bn_tlv acc16, int32_t *even, int32_t *odd)
{
    bn_tlv e = _mm512_madd_epi16(acc16, _mm512_set1_epi32(1));
    bn_tlv o = _mm512_madd_epi16(acc16, _mm512_set1_epi32(0x10000));
    _mm512_storeu_si512((void *)even, _mm512_add_epi32(_mm512_loadu_si512((const void *)even), e));
    _mm512_storeu_si512((void *)odd, _mm512_add_epi32(_mm512_loadu_si512((const void *)odd), o));
}

/* out[i] = ((float)isum[i] / s) * ws for the 64 sums of a group, in the same (permuted)
 * order: the epilogue of docs/formats.md section 2, one IEEE op at a time (no FMA). */
static inline void bn_tlv_epilogue(const int32_t *isum, float s, float ws, float *out)
{
    for (unsigned i = 0; i < BN_TLV_ROWS; i += 16) {
        __m512 f = _mm512_cvtepi32_ps(_mm512_loadu_si512((const void *)(isum + i)));
        f = _mm512_div_ps(f, _mm512_set1_ps(s));
        _mm512_storeu_ps(out + i, _mm512_mul_ps(f, _mm512_set1_ps(ws)));
    }
}

#endif /* BN_KERNELS_TL_AVX512_H */
