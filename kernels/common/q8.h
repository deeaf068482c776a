/* q8.h - what every Q8 kernel shares (docs/formats.md "Q8"); ISA-neutral, static inline only.
 *
 *   bn_q8_row_scales   where the row scales of a Q8 matrix start (no alignment assumed)
 *   bn_q8_store_rows   the epilogue of a 4-row GEMV step: y = ((float)acc / s) * scale[r]
 *                      for the valid rows, the scales read with memcpy, in scalar f32
 *   bn_q8_code         one code of the quant rule: clamp(roundf(v / s), -127, 127) */
#ifndef BN_KERNELS_Q8_H
#define BN_KERNELS_Q8_H

#include <math.h>
#include <string.h>

#include "kernels/kernel.h"
#include "ref/formats.h"

static inline const uint8_t *bn_q8_row_scales(const bn_weights *w)
{
    return (const uint8_t *)w->data + bn_q8_scales_offset(w->rows, w->cols);
}

static inline void bn_q8_store_rows(float *y, size_t r, size_t rows, const int32_t acc[4],
                                    const uint8_t *scales, float s)
{
    for (size_t j = 0; j < rows; j++) {
        float rs;
        memcpy(&rs, scales + 4 * (r + j), sizeof rs);
        y[r + j] = ((float)acc[j] / s) * rs; /* one conversion, one division, one multiplication */
    }
}

static inline int8_t bn_q8_code(float v, float s)
{
    float c = roundf(v / s); /* ties away from zero */
    c = c > 127.0f ? 127.0f : c < -127.0f ? -127.0f : c;
    return (int8_t)c;
}

#endif /* BN_KERNELS_Q8_H */
