/*
 * ternary_avx2.h - the AVX2 core shared by the I2_S and QK256 GEMV/GEMM kernels.
 * static inline only (DESIGN.md section 5); include it only from files compiled with the
 * avx2 flags.
 *
 * Both formats store a row as a run of 128-weight groups of 32 bytes (byte p holds weights
 * p, p+32, p+64, p+96 in bits 7..6, 5..4, 3..2, 1..0); they differ only in the row stride
 * and in K, so one core parameterised by (row_bytes, k) serves both.
 *
 * Per group: one 32-byte load, 16-bit shifts by 6/4/2 and a mask of 3 give four vectors
 * of 32 unsigned codes (0..3) that line up with the contiguous activations q[32j..32j+32).
 * vpmaddubsw multiplies unsigned codes by signed int8 activations and adds adjacent pairs
 * into int16 with saturation, which never triggers here: |code * q| <= 3 * 128 = 384, so
 * a pair is <= 768 and the four slots of a group add up to <= 3072 per int16 lane (code 3
 * included).  Eight groups then sum to <= 24576 < 32767, so int16 partial sums are
 * widened (vpmaddwd by ones) into int32 accumulators every 8 groups, never later.  An
 * int32 lane takes two int16 lanes of every group: |lane| <= 2 * 3072 * K / 128 = 48 * K,
 * 3.1e6 at K = 65536, far inside int32.  isum = sum(code * q) - qsum = sum((code - 1) * q), so a stray
 * code 3 counts as +2 exactly as in the reference.
 *
 * Tails: the last partial group of a QK256 row takes its activations from a zero-padded
 * copy on the stack, so no activation past K is read and padding codes are multiplied by
 * zero; its weight bytes lie inside the row's stored block (no over-read).
 */
#ifndef BN_KERNELS_TERNARY_AVX2_H
#define BN_KERNELS_TERNARY_AVX2_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kernels/kernel.h"

/* GEMV software prefetch distance (bytes ahead, rounded up to whole four-row blocks), as
 * in ternary_avx512.h: rows are short, so the loop prefetches the block it will read. */
#define BN_T256_PF_BYTES 4096

/* Groups whose int16 partial sums may be added before widening (8 * 3072 <= 32767). */
#define BN_T256_WIDEN_GROUPS 8

/* sum(code * q) of one group as 16 int16 lanes (<= 3072 each), q = the group's 128
 * activations. */
static inline __m256i bn_t256_dot(const uint8_t *g, const int8_t *q)
{
    const __m256i three = _mm256_set1_epi8(3);
    const __m256i b = _mm256_loadu_si256((const __m256i *)g);
    /* 16-bit shifts move bits across the two bytes of a word; the mask of 3 per byte
     * keeps only the code that belongs to each byte. */
    const __m256i c0 = _mm256_and_si256(_mm256_srli_epi16(b, 6), three);
    const __m256i c1 = _mm256_and_si256(_mm256_srli_epi16(b, 4), three);
    const __m256i c2 = _mm256_and_si256(_mm256_srli_epi16(b, 2), three);
    const __m256i c3 = _mm256_and_si256(b, three);
    const __m256i p0 = _mm256_maddubs_epi16(c0, _mm256_loadu_si256((const __m256i *)q));
    const __m256i p1 = _mm256_maddubs_epi16(c1, _mm256_loadu_si256((const __m256i *)(q + 32)));
    const __m256i p2 = _mm256_maddubs_epi16(c2, _mm256_loadu_si256((const __m256i *)(q + 64)));
    const __m256i p3 = _mm256_maddubs_epi16(c3, _mm256_loadu_si256((const __m256i *)(q + 96)));
    return _mm256_add_epi16(_mm256_add_epi16(p0, p1), _mm256_add_epi16(p2, p3));
}

/* int16 lanes -> int32 lanes added to acc (vpmaddwd by ones adds adjacent pairs). */
static inline __m256i bn_t256_widen(__m256i acc, __m256i s16)
{
    return _mm256_add_epi32(acc, _mm256_madd_epi16(s16, _mm256_set1_epi16(1)));
}

/* Horizontal sums of four int32 vectors -> [sum a, sum b, sum c, sum d]. */
static inline __m128i bn_t256_sum4(__m256i a, __m256i b, __m256i c, __m256i d)
{
    /* Three hadds leave [a b c d] partial sums in each 128-bit half; add the halves. */
    __m256i abcd = _mm256_hadd_epi32(_mm256_hadd_epi32(a, b), _mm256_hadd_epi32(c, d));
    return _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256(abcd, 1));
}

/* The epilogue ((float)isum / s) * ws on four outputs, each op correctly rounded, no FMA. */
static inline void bn_t256_store4(__m128i isum, float s, float ws, float *y, size_t count)
{
    __m128 v = _mm_mul_ps(_mm_div_ps(_mm_cvtepi32_ps(isum), _mm_set1_ps(s)), _mm_set1_ps(ws));
    if (count >= 4) {
        _mm_storeu_ps(y, v);
    } else {
        float tmp[4];
        _mm_storeu_ps(tmp, v);
        for (size_t i = 0; i < count; i++) y[i] = tmp[i];
    }
}

/* The activations of the last group of a row with K % 128 = rest != 0, zero past K. */
static inline void bn_t256_tail_copy(int8_t tail[128], const int8_t *q, size_t k)
{
    memset(tail, 0, 128);
    memcpy(tail, q + k / 128 * 128, k % 128);
}

/* GEMV, four rows per step: y[r] for r in [r0, r1) of one token.  Four sequential read
 * streams; the group's activations are loaded once per row from L1.  A tail of 1..3 rows
 * repeats the last valid row and drops the copies.  Registers: 4 int16 + 4 int32
 * accumulators, the mask, codes and products of one row at a time. */
static inline void bn_t256_gemv_1x4(const bn_weights *restrict w, size_t row_bytes, size_t r0, size_t r1,
                                    const bn_act *restrict x, float *restrict y)
{
    const size_t k = w->cols, full = k / 128;
    const uint8_t *data = w->data;
    const int8_t *q = x->q;
    int8_t tail[128];
    if (k % 128) bn_t256_tail_copy(tail, q, k);
    const size_t lead = 4 * ((BN_T256_PF_BYTES + 4 * row_bytes - 1) / (4 * row_bytes));
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint8_t *w0 = data + r * row_bytes;
        const uint8_t *pf = r + lead + 4 <= r1 ? w0 + lead * row_bytes : w0;
        const uint8_t *w1 = w0 + (rows > 1 ? 1 : 0) * row_bytes;
        const uint8_t *w2 = w0 + (rows > 2 ? 2 : rows - 1) * row_bytes;
        const uint8_t *w3 = w0 + (rows > 3 ? 3 : rows - 1) * row_bytes;
        __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
        for (size_t g0 = 0; g0 < full; g0 += BN_T256_WIDEN_GROUPS) {
            const size_t g1 = full - g0 < BN_T256_WIDEN_GROUPS ? full : g0 + BN_T256_WIDEN_GROUPS;
            __m256i s0 = _mm256_setzero_si256(), s1 = s0, s2 = s0, s3 = s0;
            for (size_t g = g0; g < g1; g++) {
                _mm_prefetch((const char *)pf + 128 * g, _MM_HINT_T0);
                _mm_prefetch((const char *)pf + 128 * g + 64, _MM_HINT_T0);
                s0 = _mm256_add_epi16(s0, bn_t256_dot(w0 + 32 * g, q + 128 * g));
                s1 = _mm256_add_epi16(s1, bn_t256_dot(w1 + 32 * g, q + 128 * g));
                s2 = _mm256_add_epi16(s2, bn_t256_dot(w2 + 32 * g, q + 128 * g));
                s3 = _mm256_add_epi16(s3, bn_t256_dot(w3 + 32 * g, q + 128 * g));
            }
            a0 = bn_t256_widen(a0, s0), a1 = bn_t256_widen(a1, s1);
            a2 = bn_t256_widen(a2, s2), a3 = bn_t256_widen(a3, s3);
        }
        if (k % 128) {
            a0 = bn_t256_widen(a0, bn_t256_dot(w0 + 32 * full, tail));
            a1 = bn_t256_widen(a1, bn_t256_dot(w1 + 32 * full, tail));
            a2 = bn_t256_widen(a2, bn_t256_dot(w2 + 32 * full, tail));
            a3 = bn_t256_widen(a3, bn_t256_dot(w3 + 32 * full, tail));
        }
        __m128i isum = _mm_sub_epi32(bn_t256_sum4(a0, a1, a2, a3), _mm_set1_epi32(x->qsum[0]));
        bn_t256_store4(isum, x->scale[0], w->scale, y + r, rows);
    }
}

/* GEMM register block: 2 rows x 4 tokens -> isum[t] = [row 0, row 1, 0, 0] of token t
 * (sums of code*q, before - qsum); tails[t] are the zero-padded last-group activations.
 * Slot by slot (32 weights of a group) the codes of the two rows are unpacked into 2 ymm
 * and multiplied with each token's 32 activations: 8 int16 accumulators + 2 raw rows +
 * 2 codes + 1 activation + mask and product fit the 16 ymm registers.  The slot loop is
 * deliberately not unrolled (the shift count is a register operand, vpsrlw by xmm): fully
 * unrolled, gcc 12 computes all 32 products of a group first and spills them (38 stack
 * accesses per group); as a loop the accumulators stay in registers (the raw rows and the
 * mask are reloaded from L1) and it runs 19% faster (clang: equal).
 * The int32 sums (8 more ymm) may live on the stack: they are touched every 8 groups.
 * Unpack (shift, mask) of a slot: 2 operations per row against 8 products and 8 adds. */
static inline void bn_t256_gemm_tile(const uint8_t *w0, const uint8_t *w1, const int8_t *const qt[4],
                                     const int8_t tails[4][128], size_t k, __m128i isum[4])
{
    const size_t full = k / 128, groups = full + (k % 128 ? 1 : 0);
    const __m256i three = _mm256_set1_epi8(3);
    __m256i a00 = _mm256_setzero_si256(), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00,
            a13 = a00;
    for (size_t g0 = 0; g0 < groups; g0 += BN_T256_WIDEN_GROUPS) {
        const size_t g1 = groups - g0 < BN_T256_WIDEN_GROUPS ? groups : g0 + BN_T256_WIDEN_GROUPS;
        __m256i s00 = _mm256_setzero_si256(), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00,
                s12 = s00, s13 = s00;
        for (size_t g = g0; g < g1; g++) {
            const int8_t *q0 = g < full ? qt[0] + 128 * g : tails[0];
            const int8_t *q1 = g < full ? qt[1] + 128 * g : tails[1];
            const int8_t *q2 = g < full ? qt[2] + 128 * g : tails[2];
            const int8_t *q3 = g < full ? qt[3] + 128 * g : tails[3];
            const __m256i b0 = _mm256_loadu_si256((const __m256i *)(w0 + 32 * g));
            const __m256i b1 = _mm256_loadu_si256((const __m256i *)(w1 + 32 * g));
            for (int j = 0; j < 4; j++) {
                const __m256i c0 =
                    _mm256_and_si256(_mm256_srl_epi16(b0, _mm_cvtsi32_si128(6 - 2 * j)), three);
                const __m256i c1 =
                    _mm256_and_si256(_mm256_srl_epi16(b1, _mm_cvtsi32_si128(6 - 2 * j)), three);
                __m256i qv = _mm256_loadu_si256((const __m256i *)(q0 + 32 * j));
                s00 = _mm256_add_epi16(s00, _mm256_maddubs_epi16(c0, qv));
                s10 = _mm256_add_epi16(s10, _mm256_maddubs_epi16(c1, qv));
                qv = _mm256_loadu_si256((const __m256i *)(q1 + 32 * j));
                s01 = _mm256_add_epi16(s01, _mm256_maddubs_epi16(c0, qv));
                s11 = _mm256_add_epi16(s11, _mm256_maddubs_epi16(c1, qv));
                qv = _mm256_loadu_si256((const __m256i *)(q2 + 32 * j));
                s02 = _mm256_add_epi16(s02, _mm256_maddubs_epi16(c0, qv));
                s12 = _mm256_add_epi16(s12, _mm256_maddubs_epi16(c1, qv));
                qv = _mm256_loadu_si256((const __m256i *)(q3 + 32 * j));
                s03 = _mm256_add_epi16(s03, _mm256_maddubs_epi16(c0, qv));
                s13 = _mm256_add_epi16(s13, _mm256_maddubs_epi16(c1, qv));
            }
        }
        a00 = bn_t256_widen(a00, s00), a01 = bn_t256_widen(a01, s01), a02 = bn_t256_widen(a02, s02);
        a03 = bn_t256_widen(a03, s03), a10 = bn_t256_widen(a10, s10), a11 = bn_t256_widen(a11, s11);
        a12 = bn_t256_widen(a12, s12), a13 = bn_t256_widen(a13, s13);
    }
    const __m256i zero = _mm256_setzero_si256();
    isum[0] = bn_t256_sum4(a00, a10, zero, zero);
    isum[1] = bn_t256_sum4(a01, a11, zero, zero);
    isum[2] = bn_t256_sum4(a02, a12, zero, zero);
    isum[3] = bn_t256_sum4(a03, a13, zero, zero);
}

/* GEMM: y[t][r] for t < n, r in [r0, r1).  Rows outer, tokens inner: the two rows
 * (K/2 bytes) stay in L1 while every token tile streams past them, so weights come from
 * memory once; row and token tails repeat the last valid row / token. */
static inline void bn_t256_gemm_4x2(const bn_weights *restrict w, size_t row_bytes, size_t r0, size_t r1,
                                    size_t n, const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    const size_t k = w->cols;
    const uint8_t *data = w->data;
    int8_t tails[4][128];
    for (size_t r = r0; r < r1; r += 2) {
        const size_t rows = r1 - r < 2 ? r1 - r : 2;
        const uint8_t *w0 = data + r * row_bytes, *w1 = w0 + (rows - 1) * row_bytes;
        for (size_t t0 = 0; t0 < n; t0 += 4) {
            const size_t toks = n - t0 < 4 ? n - t0 : 4;
            const int8_t *qt[4];
            for (size_t t = 0; t < 4; t++) {
                qt[t] = x->q + (t0 + (t < toks ? t : toks - 1)) * x->q_stride;
                if (k % 128) bn_t256_tail_copy(tails[t], qt[t], k);
            }
            __m128i sums[4];
            bn_t256_gemm_tile(w0, w1, qt, (const int8_t(*)[128])tails, k, sums);
            for (size_t t = 0; t < toks; t++) {
                __m128i isum = _mm_sub_epi32(sums[t], _mm_set1_epi32(x->qsum[t0 + t]));
                float *yt = (float *)((char *)y + (t0 + t) * y_stride);
                bn_t256_store4(isum, x->scale[t0 + t], w->scale, yt + r, rows);
            }
        }
    }
}

#endif /* BN_KERNELS_TERNARY_AVX2_H */
