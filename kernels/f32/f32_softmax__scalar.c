/* bn_f32_softmax__scalar - portable softmax of rows in place, canonical order.
 *
 * Contract: each of `rows` rows of `len` floats (row stride x_stride bytes) becomes its
 * softmax exactly as ref/f32.c computes it: exact max, exp_canonical(x - max), sixteen
 * partial sums over t % 16 and the fixed tree, one division, multiplications.  A row of
 * only -inf becomes +0s.  Bit-identical to every F32 softmax kernel; reads and writes
 * only the rows' len floats.
 * Algorithm: three passes per row (max; exp, store and sum; scale), plain C the compiler
 * may vectorise without reassociating (no fast-math). */
#include <math.h>

#include "kernels/common/f32_exp.h"
#include "kernels/kernel.h"

bn_f32_softmax_fn bn_f32_softmax__scalar;

void bn_f32_softmax__scalar(size_t rows, size_t len, float *x, size_t x_stride)
{
    for (size_t r = 0; r < rows; r++) {
        float *row = (float *)((char *)x + r * x_stride);
        float m = -INFINITY;
        for (size_t t = 0; t < len; t++) m = row[t] > m ? row[t] : m;
        if (m == -INFINITY) {
            for (size_t t = 0; t < len; t++) row[t] = 0.0f;
            continue;
        }
        float acc[16] = {0};
        size_t t = 0;
        for (; t + 16 <= len; t += 16)
            for (size_t j = 0; j < 16; j++) {
                row[t + j] = bn_exp_canonical(row[t + j] - m);
                acc[j] = acc[j] + row[t + j];
            }
        for (size_t j = 0; t + j < len; j++) {
            row[t + j] = bn_exp_canonical(row[t + j] - m);
            acc[j] = acc[j] + row[t + j];
        }
        float u[8];
        for (int j = 0; j < 8; j++) u[j] = acc[j] + acc[j + 8];
        for (int j = 0; j < 4; j++) u[j] = u[j] + u[j + 4];
        const float inv = 1.0f / ((u[0] + u[2]) + (u[1] + u[3]));
        for (t = 0; t < len; t++) row[t] = row[t] * inv;
    }
}
