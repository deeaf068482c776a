/*
 * tl_lut_x86.h - building TL1/TL2 activation tables with AVX2 (one table per ymm) and
 * AVX-512 BW (two tables per zmm).  static inline only; include from AVX2 or AVX-512
 * kernel files.
 *
 * A table is 16 int16 entries stored as 32 bytes: the 16 low bytes, then the 16 high bytes
 * (ref/tl1.c).  Entries are computed as int16 lanes (coefficient vectors in {-1, 0, 1}
 * times broadcast activations, so invalid indices, whose coefficients are all 0, get 0),
 * then split into bytes: vpshufb gathers each 128-bit lane's 8 low bytes then its 8 high
 * bytes, and a qword permute puts the two lanes' low halves first.
 */
#ifndef BN_KERNELS_TL_LUT_X86_H
#define BN_KERNELS_TL_LUT_X86_H

#include <immintrin.h>
#include <stdint.h>

/* vpshufb control: in each 128-bit lane, the low bytes of its 8 int16 lanes, then the high. */
static inline __m256i bn_tl_split_control(void)
{
    return _mm256_setr_epi8(0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15, 0, 2, 4, 6, 8, 10, 12, 14,
                            1, 3, 5, 7, 9, 11, 13, 15);
}

/* 16 int16 entries -> the 32 table bytes at out. */
static inline void bn_tl_store_table(__m256i entries, uint8_t *out)
{
    __m256i b = _mm256_shuffle_epi8(entries, bn_tl_split_control());
    /* qwords (lo 0-7, hi 0-7, lo 8-15, hi 8-15) -> (lo 0-7, lo 8-15, hi 0-7, hi 8-15) */
    _mm256_storeu_si256((__m256i *)out, _mm256_permute4x64_epi64(b, _MM_SHUFFLE(3, 1, 2, 0)));
}

/* TL1 pair table: entry 3a + b = (a - 1) q0 + (b - 1) q1 for a, b < 3; entries 9..15 = 0.
 * vpsignw(x, c) is x, -x or 0 for c > 0, < 0, == 0: a multiply by a coefficient in {-1,0,1}. */
static inline __m256i bn_tl1_coef(unsigned which)
{
    return which == 0 ? _mm256_setr_epi16(-1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0)
                      : _mm256_setr_epi16(-1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0, 0, 0, 0, 0, 0);
}
static inline __m256i bn_tl1_entries_avx2(int q0, int q1)
{
    return _mm256_add_epi16(_mm256_sign_epi16(_mm256_set1_epi16((short)q0), bn_tl1_coef(0)),
                            _mm256_sign_epi16(_mm256_set1_epi16((short)q1), bn_tl1_coef(1)));
}

/* TL2 triple table: entry i = d0 q0 + d1 q1 + d2 q2 for the balanced-ternary digits
 * (d0, d1, d2) of i, i = 0..13; entries 14 and 15 = 0. */
static inline __m256i bn_tl2_digits(unsigned which)
{
    return which == 0   ? _mm256_setr_epi16(0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0)
           : which == 1 ? _mm256_setr_epi16(0, 0, 1, 1, 1, -1, -1, -1, 0, 0, 0, 1, 1, 1, 0, 0)
                        : _mm256_setr_epi16(0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, -1, 0, 1, 0, 0);
}
static inline __m256i bn_tl2_entries_avx2(int q0, int q1, int q2)
{
    __m256i e = _mm256_add_epi16(_mm256_sign_epi16(_mm256_set1_epi16((short)q0), bn_tl2_digits(0)),
                                 _mm256_sign_epi16(_mm256_set1_epi16((short)q1), bn_tl2_digits(1)));
    return _mm256_add_epi16(e, _mm256_sign_epi16(_mm256_set1_epi16((short)q2), bn_tl2_digits(2)));
}

#ifdef __AVX512BW__
/* Two tables' int16 entries (lanes 0-15 and 16-31) -> their 64 table bytes at out. */
static inline void bn_tl_store_two_tables(__m512i entries, uint8_t *out)
{
    __m512i b = _mm512_shuffle_epi8(entries, _mm512_broadcast_i64x4(bn_tl_split_control()));
    _mm512_storeu_si512((void *)out, _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 1, 3, 4, 6, 5, 7), b));
}

/* Lanes 0-15 = v[i], lanes 16-31 = v[j] of the int16 vector v (vpermw). */
static inline __m512i bn_tl_spread2(__m512i v, short i, short j)
{
    __m512i idx = _mm512_inserti64x4(_mm512_set1_epi16(i), _mm256_set1_epi16(j), 1);
    return _mm512_permutexvar_epi16(idx, v);
}
#endif

#endif /* BN_KERNELS_TL_LUT_X86_H */
