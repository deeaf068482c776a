/* bn_q8_gemv_1x4__scalar - portable Q8 (int8 head) GEMV, four weight rows per step.
 *
 * Contract: y[r] for r in [r0, r1) of one A8 token, bit-identical to ref/q8.c: int8 rows
 * of K codes, then the row scales at bn_q8_scales_offset (read with memcpy: no alignment
 * needed); any K <= 65536 and any row count (a tail of 1..3 rows takes fewer rows through
 * the same loop); no over-read.
 * Algorithm: four int32 accumulators per row (k % 4 lanes, so the compiler can keep them in
 * registers and vectorise), summed at the end: integer sums, so the order cannot change
 * the result.  Epilogue ((float)acc / s) * scale[r]. */
#include "kernels/common/q8.h"
#include "kernels/kernel.h"

bn_gemv_fn bn_q8_gemv_1x4__scalar;

static int32_t dot(const int8_t *w, const int8_t *a, size_t k)
{
    int32_t l[4] = {0, 0, 0, 0};
    size_t c = 0;
    for (; c + 4 <= k; c += 4)
        for (size_t j = 0; j < 4; j++) l[j] += (int32_t)w[c + j] * a[c + j];
    for (; c < k; c++) l[0] += (int32_t)w[c] * a[c];
    return (l[0] + l[1]) + (l[2] + l[3]);
}

void bn_q8_gemv_1x4__scalar(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                            float *restrict y)
{
    BN_KASSERT(r0 <= r1 && r1 <= w->rows && w->cols <= 65536);
    const size_t k = w->cols;
    const int8_t *codes = w->data;
    const uint8_t *scales = bn_q8_row_scales(w);
    const float s = x->scale[0];
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        int32_t acc[4] = {0, 0, 0, 0};
        for (size_t i = 0; i < rows; i++) acc[i] = dot(codes + (r + i) * k, x->q, k);
        bn_q8_store_rows(y, r, rows, acc, scales, s);
    }
}
