/*
 * i2s.c - I2_S, the ternary format of the released BitNet b1.58 2B4T file (GGUF type 36).
 *
 * Codes: 2 bits per weight, w = -1 -> 0, w = 0 -> 1, w = +1 -> 2; the value of any code is
 * code - 1 (so corrupt code 3 reads as +2, deterministically, everywhere).
 *
 * Layout (K % 128 == 0): rows contiguous, K/4 bytes each, no padding.  A row is cut into
 * groups of 128 weights, 32 bytes each.  Within a group, byte p (0..31) holds weights
 * p, p+32, p+64, p+96 of the group in bits 7..6, 5..4, 3..2, 1..0 (most significant first).
 * After the m*K/4 data bytes comes the 32-byte tail: the f32 scale ws, then 28 bytes
 * with no meaning.  One layout on every CPU (layout_rows is always 1).
 *
 * Product: isum = sum_k (code_k - 1) * q_k exactly; y = ((float)isum / s) * ws.
 */
#include "ref/ref.h"

/* Where weight c of a row lives: byte and shift within the row. */
static void i2s_locate(size_t c, size_t *byte, unsigned *shift)
{
    size_t group = c / BN_I2S_GROUP;
    size_t within = c % BN_I2S_GROUP; /* 0..127 */
    size_t p = within % 32; /* byte of the group */
    size_t slot = within / 32; /* 0: bits 7..6, 1: 5..4, 2: 3..2, 3: 1..0 */
    *byte = group * 32 + p;
    *shift = 6 - 2 * (unsigned)slot;
}

static unsigned i2s_get(const uint8_t *data, size_t k, size_t r, size_t c)
{
    size_t byte;
    unsigned shift;
    i2s_locate(c, &byte, &shift);
    return (data[r * bn_i2s_row_bytes(k) + byte] >> shift) & 3u;
}

static void i2s_put(uint8_t *data, size_t k, size_t r, size_t c, unsigned code)
{
    size_t byte;
    unsigned shift;
    i2s_locate(c, &byte, &shift);
    uint8_t *b = &data[r * bn_i2s_row_bytes(k) + byte];
    *b = (uint8_t)((*b & ~(3u << shift)) | (code << shift));
}

void bn_i2s_pack__ref(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                      unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(k % BN_I2S_GROUP == 0 && layout_rows == 1);
    (void)layout_rows;
    for (size_t r = 0; r < m; r++)
        for (size_t c = 0; c < k; c++) {
            int w = t[r * t_stride + c];
            BN_KASSERT(w >= -1 && w <= 1);
            i2s_put(out, k, r, c, (unsigned)(w + 1));
        }
    bn_tail_store(out + bn_i2s_data_bytes(m, k), ws);
}

void bn_i2s_unpack__ref(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    const uint8_t *data = w->data;
    for (size_t r = 0; r < w->rows; r++)
        for (size_t c = 0; c < w->cols; c++)
            t[r * t_stride + c] = (int8_t)bn_code_value__ref(i2s_get(data, w->cols, r, c));
}

void bn_i2s_quant__ref(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    BN_KASSERT(k % BN_I2S_GROUP == 0);
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) i2s_put(out, k, r, c, (unsigned)(bn_ternary_of__ref(row[c]) + 1));
    }
    bn_tail_store(out + bn_i2s_data_bytes(m, k), bn_ternary_scale__ref(m, k, w, w_stride));
}

void bn_i2s_dequant__ref(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    const uint8_t *data = w->data;
    for (size_t r = 0; r < w->rows; r++) {
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t c = 0; c < w->cols; c++)
            dst[c] = (float)bn_code_value__ref(i2s_get(data, w->cols, r, c)) * w->scale;
    }
}

void bn_i2s_gemm__ref(const bn_weights *restrict w, size_t r0, size_t r1, size_t n, const bn_act *restrict x,
                      float *restrict y, size_t y_stride)
{
    const uint8_t *data = w->data;
    for (size_t t = 0; t < n; t++) {
        const int8_t *q = x->q + t * x->q_stride;
        float *yt = (float *)((char *)y + t * y_stride);
        for (size_t r = r0; r < r1; r++) {
            int64_t isum = 0;
            for (size_t c = 0; c < w->cols; c++)
                isum += (int64_t)bn_code_value__ref(i2s_get(data, w->cols, r, c)) * q[c];
            yt[r] = bn_epilogue__ref(isum, x->scale[t], w->scale);
        }
    }
}

void bn_i2s_gemv__ref(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                      float *restrict y)
{
    bn_i2s_gemm__ref(w, r0, r1, 1, x, y, 0);
}
