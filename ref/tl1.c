/*
 * tl1.c - TL1: two weights per 4-bit table index.
 *
 * Weights are taken in pairs along K: pair j = (w0, w1) = (w[2j], w[2j+1]), and stored as
 * the index idx = 3*(w0 + 1) + (w1 + 1) in 0..8.  Indices 9..15 never occur in valid data;
 * they read as the pair (0, 0) and their table entries are 0, so they are inert.
 *
 * Canonical layout (layout_rows == 1, K % 4 == 0): rows contiguous, K/4 bytes each; byte b
 * of a row holds pair 2b in its high nibble and pair 2b+1 in its low nibble.  Then the
 * 32-byte scale tail.
 *
 * Tiled layout (layout_rows == lr > 1, made by PACK for kernels that look up many rows at
 * once): rows in blocks of lr (the last block padded with zero rows, bytes 0x44); within a
 * block, byte column b of all lr rows is stored together (row i of the block at b*lr + i).
 * See bn_plane_offset in formats.h.  Then the scale tail.
 *
 * Activation tables (op LUT): for each activation pair (q0, q1) of a token, 16 int16
 *     T[idx] = (idx/3 - 1)*q0 + (idx%3 - 1)*q1   for idx 0..8,   T[9..15] = 0,
 * stored as 32 bytes: the 16 low bytes, then the 16 high bytes (two's complement), so a
 * byte shuffle can look up each half directly.  Table j of a token starts at byte 32*j.
 *
 * Product: isum = sum over pairs j of T_j[idx_j], exact; y = ((float)isum / s) * ws.
 */
#include <string.h>

#include "ref/ref.h"

int bn_tl1_index__ref(int w0, int w1) { return 3 * (w0 + 1) + (w1 + 1); }

/* The pair an index stands for; invalid indices stand for (0, 0). */
void bn_tl1_pair__ref(unsigned idx, int *w0, int *w1)
{
    if (idx > 8) idx = BN_TL1_IDX_ZERO;
    *w0 = (int)(idx / 3) - 1;
    *w1 = (int)(idx % 3) - 1;
}

static unsigned tl1_get(const uint8_t *data, size_t k, size_t lr, size_t r, size_t j)
{
    uint8_t byte = data[bn_plane_offset(r, j / 2, bn_tl1_row_bytes(k), lr)];
    return (j % 2 == 0) ? (unsigned)(byte >> 4) : (unsigned)(byte & 15u);
}

static void tl1_put(uint8_t *data, size_t k, size_t lr, size_t r, size_t j, unsigned idx)
{
    uint8_t *b = &data[bn_plane_offset(r, j / 2, bn_tl1_row_bytes(k), lr)];
    if (j % 2 == 0)
        *b = (uint8_t)((*b & 0x0Fu) | (idx << 4));
    else
        *b = (uint8_t)((*b & 0xF0u) | idx);
}

void bn_tl1_pack__ref(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                      unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(k % 4 == 0 && layout_rows >= 1);
    size_t data_bytes = bn_tl1_data_bytes(m, k, layout_rows);
    memset(out, BN_TL1_BYTE_ZEROS, data_bytes); /* padding rows hold (0, 0) pairs */
    for (size_t r = 0; r < m; r++)
        for (size_t j = 0; j < k / 2; j++) {
            int w0 = t[r * t_stride + 2 * j], w1 = t[r * t_stride + 2 * j + 1];
            BN_KASSERT(w0 >= -1 && w0 <= 1 && w1 >= -1 && w1 <= 1);
            tl1_put(out, k, layout_rows, r, j, (unsigned)bn_tl1_index__ref(w0, w1));
        }
    bn_tail_store(out + data_bytes, ws);
}

void bn_tl1_unpack__ref(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    for (size_t r = 0; r < w->rows; r++)
        for (size_t j = 0; j < w->cols / 2; j++) {
            int w0, w1;
            bn_tl1_pair__ref(tl1_get(w->data, w->cols, w->layout_rows, r, j), &w0, &w1);
            t[r * t_stride + 2 * j] = (int8_t)w0;
            t[r * t_stride + 2 * j + 1] = (int8_t)w1;
        }
}

void bn_tl1_quant__ref(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    BN_KASSERT(k % 4 == 0);
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t j = 0; j < k / 2; j++) {
            int idx = bn_tl1_index__ref(bn_ternary_of__ref(row[2 * j]), bn_ternary_of__ref(row[2 * j + 1]));
            tl1_put(out, k, 1, r, j, (unsigned)idx);
        }
    }
    bn_tail_store(out + bn_tl1_data_bytes(m, k, 1), bn_ternary_scale__ref(m, k, w, w_stride));
}

void bn_tl1_dequant__ref(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    for (size_t r = 0; r < w->rows; r++) {
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t j = 0; j < w->cols / 2; j++) {
            int w0, w1;
            bn_tl1_pair__ref(tl1_get(w->data, w->cols, w->layout_rows, r, j), &w0, &w1);
            dst[2 * j] = (float)w0 * w->scale;
            dst[2 * j + 1] = (float)w1 * w->scale;
        }
    }
}

/* Store entry i of a table as its low byte at i and its high byte at 16 + i. */
void bn_lut_store__ref(uint8_t *table, unsigned i, int value)
{
    uint16_t v = (uint16_t)(int16_t)value;
    table[i] = (uint8_t)(v & 0xFFu);
    table[16 + i] = (uint8_t)(v >> 8);
}

int bn_lut_load__ref(const uint8_t *table, unsigned i)
{
    return (int16_t)(uint16_t)(table[i] | (table[16 + i] << 8));
}

/* The TL1 table of one activation pair (also used by TL2 for its tail pairs). */
void bn_tl1_table__ref(int q0, int q1, uint8_t *table)
{
    for (unsigned idx = 0; idx < 16; idx++) {
        int value = 0;
        if (idx <= 8) value = ((int)(idx / 3) - 1) * q0 + ((int)(idx % 3) - 1) * q1;
        bn_lut_store__ref(table, idx, value);
    }
}

void bn_tl1_lut__ref(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                     size_t lut_stride)
{
    for (size_t t = 0; t < n; t++)
        for (size_t j = 0; j < k / 2; j++)
            bn_tl1_table__ref(q[t * q_stride + 2 * j], q[t * q_stride + 2 * j + 1],
                              lut + t * lut_stride + j * BN_LUT_TABLE_BYTES);
}

void bn_tl1_gemm__ref(const bn_weights *restrict w, size_t r0, size_t r1, size_t n, const bn_act *restrict x,
                      float *restrict y, size_t y_stride)
{
    for (size_t t = 0; t < n; t++) {
        const uint8_t *tables = x->lut + t * x->lut_stride;
        float *yt = (float *)((char *)y + t * y_stride);
        for (size_t r = r0; r < r1; r++) {
            int64_t isum = 0;
            for (size_t j = 0; j < w->cols / 2; j++) {
                unsigned idx = tl1_get(w->data, w->cols, w->layout_rows, r, j);
                isum += bn_lut_load__ref(tables + j * BN_LUT_TABLE_BYTES, idx);
            }
            yt[r] = bn_epilogue__ref(isum, x->scale[t], w->scale);
        }
    }
}

void bn_tl1_gemv__ref(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                      float *restrict y)
{
    bn_tl1_gemm__ref(w, r0, r1, 1, x, y, 0);
}
