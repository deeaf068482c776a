/*
 * qk256.c - QK256: I2_S codes in 256-weight blocks, for 64-byte vectors and any K.
 *
 * Same codes and the same order within a 128-weight group as I2_S (ref/i2s.c).  A block is
 * 256 consecutive weights of a row = 64 bytes = two I2_S groups: bytes 0..31 hold weights
 * 0..127 of the block, bytes 32..63 weights 128..255.  Row stride = ceil(K/256)*64 bytes.
 * When K % 256 != 0 the last block of each row is padded: writers put code 1 (w = 0) there,
 * but results never depend on the padding (the conformance harness fills it with garbage),
 * because a kernel must not read activations past K anyway.
 * After the m * stride data bytes, the 32-byte scale tail as in I2_S.
 *
 * When K % 256 == 0 a QK256 tensor is byte-identical to the I2_S tensor of the same
 * weights: an I2_S tensor can be used as QK256 without a copy.
 */
#include <string.h>

#include "ref/ref.h"

static void qk256_locate(size_t k, size_t r, size_t c, size_t *byte, unsigned *shift)
{
    size_t group = c / BN_I2S_GROUP; /* two groups per block, so blocks need no extra term */
    size_t within = c % BN_I2S_GROUP;
    *byte = r * bn_qk256_row_bytes(k) + group * 32 + within % 32;
    *shift = 6 - 2 * (unsigned)(within / 32);
}

static unsigned qk256_get(const uint8_t *data, size_t k, size_t r, size_t c)
{
    size_t byte;
    unsigned shift;
    qk256_locate(k, r, c, &byte, &shift);
    return (data[byte] >> shift) & 3u;
}

static void qk256_put(uint8_t *data, size_t k, size_t r, size_t c, unsigned code)
{
    size_t byte;
    unsigned shift;
    qk256_locate(k, r, c, &byte, &shift);
    data[byte] = (uint8_t)((data[byte] & ~(3u << shift)) | (code << shift));
}

void bn_qk256_pack__ref(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                        unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(layout_rows == 1);
    (void)layout_rows;
    memset(out, BN_BYTE_ZEROS, bn_qk256_data_bytes(m, k)); /* padding: code 1 everywhere */
    for (size_t r = 0; r < m; r++)
        for (size_t c = 0; c < k; c++) {
            int w = t[r * t_stride + c];
            BN_KASSERT(w >= -1 && w <= 1);
            qk256_put(out, k, r, c, (unsigned)(w + 1));
        }
    bn_tail_store(out + bn_qk256_data_bytes(m, k), ws);
}

void bn_qk256_unpack__ref(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    for (size_t r = 0; r < w->rows; r++)
        for (size_t c = 0; c < w->cols; c++)
            t[r * t_stride + c] = (int8_t)bn_code_value__ref(qk256_get(w->data, w->cols, r, c));
}

void bn_qk256_quant__ref(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    memset(out, BN_BYTE_ZEROS, bn_qk256_data_bytes(m, k));
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t c = 0; c < k; c++) qk256_put(out, k, r, c, (unsigned)(bn_ternary_of__ref(row[c]) + 1));
    }
    bn_tail_store(out + bn_qk256_data_bytes(m, k), bn_ternary_scale__ref(m, k, w, w_stride));
}

void bn_qk256_dequant__ref(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    for (size_t r = 0; r < w->rows; r++) {
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t c = 0; c < w->cols; c++)
            dst[c] = (float)bn_code_value__ref(qk256_get(w->data, w->cols, r, c)) * w->scale;
    }
}

/* Only the k real columns take part: the padding of the last block is never read. */
void bn_qk256_gemm__ref(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                        const bn_act *restrict x, float *restrict y, size_t y_stride)
{
    for (size_t t = 0; t < n; t++) {
        const int8_t *q = x->q + t * x->q_stride;
        float *yt = (float *)((char *)y + t * y_stride);
        for (size_t r = r0; r < r1; r++) {
            int64_t isum = 0;
            for (size_t c = 0; c < w->cols; c++)
                isum += (int64_t)bn_code_value__ref(qk256_get(w->data, w->cols, r, c)) * q[c];
            yt[r] = bn_epilogue__ref(isum, x->scale[t], w->scale);
        }
    }
}

void bn_qk256_gemv__ref(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                        float *restrict y)
{
    bn_qk256_gemm__ref(w, r0, r1, 1, x, y, 0);
}
