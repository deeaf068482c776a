/* bn_q8_gemv_1x4__avx2 - Q8 (int8 head) GEMV with AVX2, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token, bit-identical to ref/q8.c; int8 rows
 * of K codes in [-127, 127] (quant never writes -128; a -128 code gives an unspecified
 * value here), row scales at bn_q8_scales_offset, unaligned buffers; any K <= 65536 and row
 * count (a tail of 1..3 rows recomputes the last valid row and drops the copies); no
 * over-read (the last K % 32 codes and activations go through zero-padded stack copies).
 * Algorithm, per 32 columns: |a| once for the four rows (vpabsb; |-128| = 0x80 read as
 * unsigned 128), then per row w * sign(a) (vpsignb: -w is exact since |w| <= 127), vpmaddubsw
 * of |a| (unsigned) by w * sign(a) (signed): pairs of products |a| * |w| <= 128 * 127, so
 * each 16-bit pair sum is at most 32512 and never saturates; vpmaddwd by ones widens the
 * pairs to int32.  Integer sums: any order gives the same acc.  The weight block four rows
 * ahead is prefetched (the head streams 328 MB per token).  Epilogue in scalar f32,
 * ((float)acc / s) * scale[r], as the ref.
 * Registers: 4 accumulators + |a| + a + ones + 2 temporaries of 16 ymm. */
#include <immintrin.h>
#include <string.h>

#include "kernels/common/q8.h"
#include "kernels/kernel.h"

bn_gemv_fn bn_q8_gemv_1x4__avx2;

/* acc + the int32 pair sums of w[0..32) * a, given aa = |a| */
static inline __m256i dot32(const int8_t *w, __m256i a, __m256i aa, __m256i ones, __m256i acc)
{
    const __m256i sw = _mm256_sign_epi8(_mm256_loadu_si256((const __m256i *)w), a);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(aa, sw), ones));
}

static inline int32_t hsum8(__m256i v)
{
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

void bn_q8_gemv_1x4__avx2(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                          float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows && w->cols <= 65536);
    const size_t k = w->cols, body = k / 32 * 32, rest = k % 32;
    const int8_t *codes = w->data;
    const uint8_t *scales = bn_q8_row_scales(w);
    const float s = x->scale[0];
    const __m256i ones = _mm256_set1_epi16(1);
    int8_t at[32] = {0};
    if (rest) memcpy(at, x->q + body, rest);
    const __m256i a_tail = _mm256_loadu_si256((const __m256i *)at), aa_tail = _mm256_abs_epi8(a_tail);
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const int8_t *wr[4];
        for (size_t j = 0; j < 4; j++) wr[j] = codes + (r + (j < rows ? j : rows - 1)) * k;
        const int8_t *w0 = wr[0], *w1 = wr[1], *w2 = wr[2], *w3 = wr[3];
        const char *pf = (const char *)(r + 8 <= r1 ? w0 + 4 * k : w0);
        __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0;
        for (size_t i = 0; i < body; i += 32) {
            const __m256i a = _mm256_loadu_si256((const __m256i *)(x->q + i)), aa = _mm256_abs_epi8(a);
            _mm_prefetch(pf + 4 * i, _MM_HINT_T0), _mm_prefetch(pf + 4 * i + 64, _MM_HINT_T0);
            c0 = dot32(w0 + i, a, aa, ones, c0), c1 = dot32(w1 + i, a, aa, ones, c1);
            c2 = dot32(w2 + i, a, aa, ones, c2), c3 = dot32(w3 + i, a, aa, ones, c3);
        }
        if (rest) {
            int8_t h[4][32] = {{0}};
            for (size_t j = 0; j < 4; j++) memcpy(h[j], wr[j] + body, rest);
            c0 = dot32(h[0], a_tail, aa_tail, ones, c0), c1 = dot32(h[1], a_tail, aa_tail, ones, c1);
            c2 = dot32(h[2], a_tail, aa_tail, ones, c2), c3 = dot32(h[3], a_tail, aa_tail, ones, c3);
        }
        const int32_t acc[4] = {hsum8(c0), hsum8(c1), hsum8(c2), hsum8(c3)};
        bn_q8_store_rows(y, r, rows, acc, scales, s);
    }
}
