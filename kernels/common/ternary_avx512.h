/*
 * ternary_avx512.h - the AVX-512 VNNI core shared by the I2_S and QK256 GEMV/GEMM kernels.
 * static inline only (DESIGN.md section 5); include it only from files compiled with the
 * avx512 flags.
 *
 * Both formats store a row as a run of 128-weight groups of 32 bytes in the same order
 * (byte p of a group holds weights p, p+32, p+64, p+96 in bits 7..6, 5..4, 3..2, 1..0);
 * they differ only in the row stride and in K (I2_S: K % 128 == 0; QK256: any K, the last
 * group partial).  So one core, parameterised by (row_bytes, k), serves both.
 *
 * The trick: codes are never shifted down.  A group's 32 bytes are broadcast to both
 * halves of a zmm, then masked in place:
 *     lo = [bytes & 0xC0 | bytes & 0x30]  = [code0 * 64 | code1 * 16]   (weights 0..63)
 *     hi = [bytes & 0x0C | bytes & 0x03]  = [code2 * 4  | code3 * 1 ]   (weights 64..127)
 * which line up with the 64 contiguous activations q[0..64) and q[64..128) of the group,
 * so activations are plain contiguous loads.  vpdpbusd multiplies the unsigned masked
 * codes (<= 192, code 3 included) by the signed int8 activations and adds groups of four
 * products into int32 lanes.  Each int32 lane therefore holds a sum scaled by a constant
 * power of two (64 or 16 in `lo` lanes 0..7 / 8..15, 4 or 1 in `hi`), and every term is a
 * multiple of that power, so an arithmetic right shift by 6/4 (2/0) at the end is exact.
 *
 * Exactness: one vpdpbusd adds 4 products of magnitude <= 192 * 128 to a lane, once per
 * group, so a lane holds at most 4 * 24576 * (K / 128) = 768 * K <= 5.1e7 for K = 65536,
 * far inside int32.  isum = sum(code * q) - qsum then gives sum((code - 1) * q), with a
 * stray code 3 counting as +2 exactly as in the reference.
 *
 * Tails: the last partial group (QK256) loads its activations with a byte mask, so no
 * activation past K is read and the padding codes are multiplied by zero.  The weight
 * bytes of that group lie inside the row's stored block, so reading them is no over-read.
 */
#ifndef BN_KERNELS_TERNARY_AVX512_H
#define BN_KERNELS_TERNARY_AVX512_H

#include <immintrin.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/kernel.h"

/* GEMV software prefetch distance: at least this many bytes ahead, rounded up to whole
 * four-row blocks (see bn_t512_gemv_1x4).  Measured on 6912x2560 from DRAM with tools/ktime:
 * min-time 10.5-14 GB/s without prefetch, 19-23 GB/s with it (the plain C read loop: 20-23). */
#define BN_T512_PF_BYTES 4096

/* Masks selecting, per half of a broadcast group, the code that lines up with q. */
static inline __m512i bn_t512_mask_lo(void)
{
    return _mm512_inserti64x4(_mm512_set1_epi8((char)0xC0), _mm256_set1_epi8(0x30), 1);
}
static inline __m512i bn_t512_mask_hi(void)
{
    return _mm512_inserti64x4(_mm512_set1_epi8(0x0C), _mm256_set1_epi8(0x03), 1);
}

/* One group's 32 code bytes in both halves of a zmm (a broadcast load, no shuffle uop). */
static inline __m512i bn_t512_group(const uint8_t *g)
{
    return _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)g));
}

/* Activation byte masks of group g's two 64-byte halves: all ones for full groups, the
 * first k - 128*g bits for the last partial group. */
static inline __mmask64 bn_t512_qmask(size_t valid)
{
    return valid >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << valid) - 1);
}

/* Undo the in-place scaling of a (lo, hi) accumulator pair and add the lanes together:
 * lanes 0..7 of lo hold 64x sums, 8..15 16x; of hi 4x and 1x. */
static inline __m512i bn_t512_unscale(__m512i lo, __m512i hi)
{
    const __m512i shift_lo = _mm512_inserti64x4(_mm512_set1_epi32(6), _mm256_set1_epi32(4), 1);
    const __m512i shift_hi = _mm512_inserti64x4(_mm512_set1_epi32(2), _mm256_set1_epi32(0), 1);
    return _mm512_add_epi32(_mm512_srav_epi32(lo, shift_lo), _mm512_srav_epi32(hi, shift_hi));
}

/* Horizontal sums of four int32 vectors -> [sum a, sum b, sum c, sum d]. */
static inline __m128i bn_t512_sum4(__m512i a, __m512i b, __m512i c, __m512i d)
{
    /* Interleave pairs and add: each step halves the lanes per vector while keeping the
     * four sums apart, so the whole reduction is 3 adds of full vectors + 2 of halves. */
    __m512i ab = _mm512_add_epi32(_mm512_unpacklo_epi32(a, b), _mm512_unpackhi_epi32(a, b));
    __m512i cd = _mm512_add_epi32(_mm512_unpacklo_epi32(c, d), _mm512_unpackhi_epi32(c, d));
    __m512i abcd = _mm512_add_epi32(_mm512_unpacklo_epi64(ab, cd), _mm512_unpackhi_epi64(ab, cd));
    __m256i half = _mm256_add_epi32(_mm512_castsi512_si256(abcd), _mm512_extracti64x4_epi64(abcd, 1));
    return _mm_add_epi32(_mm256_castsi256_si128(half), _mm256_extracti128_si256(half, 1));
}

/* The epilogue of docs/formats.md section 2 on four outputs: ((float)isum / s) * ws, each
 * op correctly rounded, no FMA (this file is compiled with -ffp-contract=off anyway). */
static inline void bn_t512_store4(__m128i isum, float s, float ws, float *y, size_t count)
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

/* One group of one row against one token: add code*q of weights 0..63 to *lo and of
 * weights 64..127 to *hi (scales as described at the top). */
static inline void bn_t512_dot(const uint8_t *g, __m512i qa, __m512i qb, __m512i mlo, __m512i mhi,
                               __m512i *lo, __m512i *hi)
{
    __m512i b = bn_t512_group(g);
    *lo = _mm512_dpbusd_epi32(*lo, _mm512_and_si512(b, mlo), qa);
    *hi = _mm512_dpbusd_epi32(*hi, _mm512_and_si512(b, mhi), qb);
}

/* GEMV, four rows per step: y[r] for r in [r0, r1) of one token.  The four rows stream
 * side by side; each group's 128 activations are loaded once and used by all four rows.
 * Rows are short (K/4 bytes, 640 for K = 2560) and four of them are one contiguous block,
 * so the hardware prefetchers see short streams that restart every block: the loop
 * prefetches the block `lead` rows ahead instead, two cache lines per group (a block
 * is 4 * 32 bytes per group), i.e. exactly the bytes it will read, in order.  Near the
 * end of the range it prefetches the current block (harmless) rather than past r1.  A tail of 1..3 rows repeats the last valid row (its
 * result is computed and dropped), so it needs no separate code and reads nothing new.
 * Registers: 8 accumulators, 2 activation vectors, 2 masks, 2 temporaries. */
static inline void bn_t512_gemv_1x4(const bn_weights *restrict w, size_t row_bytes, size_t r0, size_t r1,
                                    const bn_act *restrict x, float *restrict y)
{
    const size_t k = w->cols, full = k / 128, rest = k % 128;
    const uint8_t *data = w->data;
    const int8_t *q = x->q;
    const __m512i mlo = bn_t512_mask_lo(), mhi = bn_t512_mask_hi();
    const __mmask64 ma = bn_t512_qmask(rest), mb = bn_t512_qmask(rest > 64 ? rest - 64 : 0);
    const size_t lead = 4 * ((BN_T512_PF_BYTES + 4 * row_bytes - 1) / (4 * row_bytes));
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint8_t *w0 = data + r * row_bytes;
        const uint8_t *pf = r + lead + 4 <= r1 ? w0 + lead * row_bytes : w0;
        const uint8_t *w1 = w0 + (rows > 1 ? 1 : 0) * row_bytes;
        const uint8_t *w2 = w0 + (rows > 2 ? 2 : rows - 1) * row_bytes;
        const uint8_t *w3 = w0 + (rows > 3 ? 3 : rows - 1) * row_bytes;
        __m512i l0 = _mm512_setzero_si512(), h0 = l0, l1 = l0, h1 = l0, l2 = l0, h2 = l0, l3 = l0, h3 = l0;
        for (size_t g = 0; g < full; g++) {
            const __m512i qa = _mm512_loadu_si512(q + 128 * g), qb = _mm512_loadu_si512(q + 128 * g + 64);
            _mm_prefetch((const char *)pf + 128 * g, _MM_HINT_T0);
            _mm_prefetch((const char *)pf + 128 * g + 64, _MM_HINT_T0);
            bn_t512_dot(w0 + 32 * g, qa, qb, mlo, mhi, &l0, &h0);
            bn_t512_dot(w1 + 32 * g, qa, qb, mlo, mhi, &l1, &h1);
            bn_t512_dot(w2 + 32 * g, qa, qb, mlo, mhi, &l2, &h2);
            bn_t512_dot(w3 + 32 * g, qa, qb, mlo, mhi, &l3, &h3);
        }
        if (rest) { /* masked loads: activations past K are neither read nor counted */
            const size_t g = full;
            const __m512i qa = _mm512_maskz_loadu_epi8(ma, q + 128 * g);
            const __m512i qb = _mm512_maskz_loadu_epi8(mb, q + 128 * g + 64);
            bn_t512_dot(w0 + 32 * g, qa, qb, mlo, mhi, &l0, &h0);
            bn_t512_dot(w1 + 32 * g, qa, qb, mlo, mhi, &l1, &h1);
            bn_t512_dot(w2 + 32 * g, qa, qb, mlo, mhi, &l2, &h2);
            bn_t512_dot(w3 + 32 * g, qa, qb, mlo, mhi, &l3, &h3);
        }
        __m128i isum = bn_t512_sum4(bn_t512_unscale(l0, h0), bn_t512_unscale(l1, h1), bn_t512_unscale(l2, h2),
                                    bn_t512_unscale(l3, h3));
        isum = _mm_sub_epi32(isum, _mm_set1_epi32(x->qsum[0]));
        bn_t512_store4(isum, x->scale[0], w->scale, y + r, rows);
    }
}

/* GEMM register block: 4 rows x 4 tokens, one accumulator each (16 zmm).  To fit one
 * accumulator per pair, the second half of a group is moved up by a 16-bit shift left by
 * 4 before masking with the same mask: bits 3..2 land in 7..6 and bits 1..0 in 5..4 of the
 * same byte (bits shifted in from the neighbouring byte fall outside the mask), so both
 * vpdpbusd of a group carry the lane scales [64 | 16] and one accumulator takes both.
 * A lane then gets 8 products per group: |lane| <= 8 * 24576 * K / 128 = 1536 * K, still
 * <= 1.1e8 at K = 65536.  Per group: 4 broadcast loads, 4 shifts, 8 ands for the codes of
 * four rows (8 zmm), then per token 2 activation loads and 8 vpdpbusd. */
/* gcc 12's partial redundancy elimination wrecks the register allocation of vpdpbusd
 * loops: the 16-accumulator GEMM loop spilled every iteration (42 stack accesses per
 * group) and the GEMV loop copied each accumulator twice per group (16 extra moves);
 * without tree-PRE both are clean.  clang needs nothing.  Every kernel that expands this
 * core puts the attribute on its own declaration (it cannot go on a static inline). */
#if defined(__GNUC__) && !defined(__clang__)
#define BN_T512_ATTR __attribute__((optimize("no-tree-pre")))
#else
#define BN_T512_ATTR
#endif

/* One token's 8 vpdpbusd against the unpacked codes c0..c7 of the four rows. */
#define BN_T512_TOKEN(qa, qb, a0, a1, a2, a3)                              \
    do {                                                                   \
        a0 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(a0, c0, qa), c1, qb); \
        a1 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(a1, c2, qa), c3, qb); \
        a2 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(a2, c4, qa), c5, qb); \
        a3 = _mm512_dpbusd_epi32(_mm512_dpbusd_epi32(a3, c6, qa), c7, qb); \
    } while (0)

/* One group of the 4x4 tile: unpack the codes of the four rows, then each token.  Named
 * variables rather than arrays: gcc 12 keeps arrays of vectors partly in memory. */
#define BN_T512_GROUP(g, ma, mb)                                                                            \
    do {                                                                                                    \
        const __m512i b0 = bn_t512_group(w0 + 32 * (g)), b1 = bn_t512_group(w1 + 32 * (g));                 \
        const __m512i b2 = bn_t512_group(w2 + 32 * (g)), b3 = bn_t512_group(w3 + 32 * (g));                 \
        const __m512i c0 = _mm512_and_si512(b0, mlo), c1 = _mm512_and_si512(_mm512_slli_epi16(b0, 4), mlo); \
        const __m512i c2 = _mm512_and_si512(b1, mlo), c3 = _mm512_and_si512(_mm512_slli_epi16(b1, 4), mlo); \
        const __m512i c4 = _mm512_and_si512(b2, mlo), c5 = _mm512_and_si512(_mm512_slli_epi16(b2, 4), mlo); \
        const __m512i c6 = _mm512_and_si512(b3, mlo), c7 = _mm512_and_si512(_mm512_slli_epi16(b3, 4), mlo); \
        BN_T512_TOKEN(_mm512_maskz_loadu_epi8(ma, q0 + 128 * (g)),                                          \
                      _mm512_maskz_loadu_epi8(mb, q0 + 128 * (g) + 64), a00, a10, a20, a30);                \
        BN_T512_TOKEN(_mm512_maskz_loadu_epi8(ma, q1 + 128 * (g)),                                          \
                      _mm512_maskz_loadu_epi8(mb, q1 + 128 * (g) + 64), a01, a11, a21, a31);                \
        BN_T512_TOKEN(_mm512_maskz_loadu_epi8(ma, q2 + 128 * (g)),                                          \
                      _mm512_maskz_loadu_epi8(mb, q2 + 128 * (g) + 64), a02, a12, a22, a32);                \
        BN_T512_TOKEN(_mm512_maskz_loadu_epi8(ma, q3 + 128 * (g)),                                          \
                      _mm512_maskz_loadu_epi8(mb, q3 + 128 * (g) + 64), a03, a13, a23, a33);                \
    } while (0)

/* Four rows x four tokens over all of K -> the 16 exact sums of code*q (not yet - qsum),
 * isum[t] = the four rows of token t. */
static inline void bn_t512_gemm_tile(const uint8_t *const wr[4], const int8_t *const qt[4], size_t k,
                                     __m128i isum[4])
{
    const size_t full = k / 128, rest = k % 128;
    const __m512i mlo = bn_t512_mask_lo();
    const uint8_t *w0 = wr[0], *w1 = wr[1], *w2 = wr[2], *w3 = wr[3];
    const int8_t *q0 = qt[0], *q1 = qt[1], *q2 = qt[2], *q3 = qt[3];
    __m512i a00 = _mm512_setzero_si512(), a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00;
    __m512i a13 = a00, a20 = a00, a21 = a00, a22 = a00, a23 = a00, a30 = a00, a31 = a00, a32 = a00, a33 = a00;
    /* Full groups: constant all-ones masks make the masked loads plain loads. */
    for (size_t g = 0; g < full; g++) BN_T512_GROUP(g, ~(__mmask64)0, ~(__mmask64)0);
    if (rest) { /* the partial last group: activations masked at K */
        const __mmask64 ma = bn_t512_qmask(rest), mb = bn_t512_qmask(rest > 64 ? rest - 64 : 0);
        BN_T512_GROUP(full, ma, mb);
    }
    /* Undo the [64 | 16] lane scales (exact: every term is a multiple) and reduce. */
    const __m512i sh = _mm512_inserti64x4(_mm512_set1_epi32(6), _mm256_set1_epi32(4), 1);
    isum[0] = bn_t512_sum4(_mm512_srav_epi32(a00, sh), _mm512_srav_epi32(a10, sh), _mm512_srav_epi32(a20, sh),
                           _mm512_srav_epi32(a30, sh));
    isum[1] = bn_t512_sum4(_mm512_srav_epi32(a01, sh), _mm512_srav_epi32(a11, sh), _mm512_srav_epi32(a21, sh),
                           _mm512_srav_epi32(a31, sh));
    isum[2] = bn_t512_sum4(_mm512_srav_epi32(a02, sh), _mm512_srav_epi32(a12, sh), _mm512_srav_epi32(a22, sh),
                           _mm512_srav_epi32(a32, sh));
    isum[3] = bn_t512_sum4(_mm512_srav_epi32(a03, sh), _mm512_srav_epi32(a13, sh), _mm512_srav_epi32(a23, sh),
                           _mm512_srav_epi32(a33, sh));
}

/* GEMM: y[t][r] for t < n, r in [r0, r1).  Rows outer, tokens inner: a block of four
 * rows (4 * K/4 bytes) stays in L1 while every token tile streams past it, so each weight
 * byte comes from memory once; row and token tails repeat the last valid row / token. */
static inline void bn_t512_gemm_4x4(const bn_weights *restrict w, size_t row_bytes, size_t r0, size_t r1,
                                    size_t n, const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    const uint8_t *data = w->data;
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint8_t *wr[4];
        for (size_t i = 0; i < 4; i++) wr[i] = data + (r + (i < rows ? i : rows - 1)) * row_bytes;
        for (size_t t0 = 0; t0 < n; t0 += 4) {
            const size_t toks = n - t0 < 4 ? n - t0 : 4;
            const int8_t *qt[4];
            for (size_t t = 0; t < 4; t++) qt[t] = x->q + (t0 + (t < toks ? t : toks - 1)) * x->q_stride;
            __m128i sums[4];
            bn_t512_gemm_tile(wr, qt, w->cols, sums);
            for (size_t t = 0; t < toks; t++) {
                __m128i isum = _mm_sub_epi32(sums[t], _mm_set1_epi32(x->qsum[t0 + t]));
                float *yt = (float *)((char *)y + (t0 + t) * y_stride);
                bn_t512_store4(isum, x->scale[t0 + t], w->scale, yt + r, rows);
            }
        }
    }
}

#endif /* BN_KERNELS_TERNARY_AVX512_H */
