/*
 * tl_avx2.h - AVX2 primitives of the x86 TL1/TL2 table-lookup kernels: one "row group" is
 * 32 weight rows, one ymm of index bytes (half of a 64-row layout block).  static inline
 * only.  Same vocabulary and the same row order as tl_avx512.h (see there).
 */
#ifndef BN_KERNELS_TL_AVX2_H
#define BN_KERNELS_TL_AVX2_H

#include <immintrin.h>
#include <stdint.h>

#define BN_TLV_ROWS 32u /* rows per group = bytes per vector */

typedef __m256i bn_tlv;
typedef __m256i bn_tlv_sel; /* int16 lanes whose sign bit says "negate" (never 0) */

static inline bn_tlv bn_tlv_load(const uint8_t *p) { return _mm256_loadu_si256((const __m256i *)p); }
static inline bn_tlv bn_tlv_zero(void) { return _mm256_setzero_si256(); }
static inline bn_tlv bn_tlv_add16(bn_tlv a, bn_tlv b) { return _mm256_add_epi16(a, b); }

/* Index nibbles as pshufb selectors: bit 7 must be clear (a set bit 7 would give 0). */
static inline bn_tlv bn_tlv_hi_nibbles(bn_tlv x)
{
    return _mm256_and_si256(_mm256_srli_epi16(x, 4), _mm256_set1_epi8(15));
}
static inline bn_tlv bn_tlv_lo_nibbles(bn_tlv x) { return _mm256_and_si256(x, _mm256_set1_epi8(15)); }

/* The int16 entries table[nib[r]] of the 32 rows: low and high table bytes broadcast to
 * both lanes, one vpshufb each, then interleaved back into int16 (A and B rows). */
static inline void bn_tlv_lookup(const uint8_t *table, bn_tlv nib, bn_tlv *a, bn_tlv *b)
{
    bn_tlv tlo = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)table));
    bn_tlv thi = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(table + 16)));
    bn_tlv lo = _mm256_shuffle_epi8(tlo, nib), hi = _mm256_shuffle_epi8(thi, nib);
    *a = _mm256_unpacklo_epi8(lo, hi);
    *b = _mm256_unpackhi_epi8(lo, hi);
}

/* Sign bytes of 32 rows -> int16 lanes (s << 8 | 1) in A and B row order.  Shifting a lane
 * left by 7 - b moves sign bit b to bit 15, and the 1 in the low byte keeps the lane
 * non-zero, so vpsignw negates exactly the rows whose bit is set and never zeroes one. */
static inline void bn_tlv_sign_lanes(bn_tlv s, bn_tlv *a, bn_tlv *b)
{
    *a = _mm256_unpacklo_epi8(_mm256_set1_epi8(1), s);
    *b = _mm256_unpackhi_epi8(_mm256_set1_epi8(1), s);
}
static inline bn_tlv_sel bn_tlv_sign_sel(bn_tlv lanes, unsigned bit)
{
    return _mm256_sll_epi16(lanes, _mm_cvtsi32_si128((int)(7 - bit)));
}
static inline bn_tlv bn_tlv_apply_sign(bn_tlv v, bn_tlv_sel sel) { return _mm256_sign_epi16(v, sel); }

/* int16 sums -> int32: vpmaddwd with (1, 0) keeps the even lanes, with (0, 1) the odd ones,
 * each sign-extended exactly; added to the int32 sums at even/odd. */
static inline void bn_tlv_widen(bn_tlv acc16, int32_t *even, int32_t *odd)
{
    bn_tlv e = _mm256_madd_epi16(acc16, _mm256_set1_epi32(1));
    bn_tlv o = _mm256_madd_epi16(acc16, _mm256_set1_epi32(0x10000));
    _mm256_storeu_si256((__m256i *)even, _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)even), e));
    _mm256_storeu_si256((__m256i *)odd, _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)odd), o));
}

/* out[i] = ((float)isum[i] / s) * ws for the 32 sums of a group, same (permuted) order,
 * one IEEE op at a time (no FMA): docs/formats.md section 2. */
static inline void bn_tlv_epilogue(const int32_t *isum, float s, float ws, float *out)
{
    for (unsigned i = 0; i < BN_TLV_ROWS; i += 8) {
        __m256 f = _mm256_cvtepi32_ps(_mm256_loadu_si256((const __m256i *)(isum + i)));
        f = _mm256_div_ps(f, _mm256_set1_ps(s));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(f, _mm256_set1_ps(ws)));
    }
}

#endif /* BN_KERNELS_TL_AVX2_H */
