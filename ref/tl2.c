/*
 * tl2.c - TL2: three weights per 4-bit index plus a sign bit (5 bits per 3 weights,
 * 1.67 bits per weight).
 *
 * Split of a row (K % 2 == 0): G = 2*floor(K/6) triples cover the first 3G columns;
 * triple g = (w0, w1, w2) = (w[3g], w[3g+1], w[3g+2]).  The R = K - 3G remaining columns
 * (0, 2 or 4) are R/2 TL1 pairs (ref/tl1.c).
 *
 * A triple is stored as v = 9*w0 + 3*w1 + w2 in -13..13: a sign bit (1 iff v < 0) and the
 * 4-bit index |v| in 0..13.  Indices 14 and 15 never occur in valid data; they read as
 * (0, 0, 0) and their table entries are 0.
 *
 * Canonical layout (layout_rows == 1): three planes, each with rows contiguous, one after
 * the other, then the 32-byte scale tail:
 *   1. index plane, G/2 bytes per row: byte b holds triple 2b (high nibble) and 2b+1 (low);
 *   2. sign plane, ceil(G/8) bytes per row: triple g's sign is bit (g % 8) of byte g/8,
 *      least significant bit first; unused bits are 0;
 *   3. tail plane, ceil(R/4) bytes per row: the R/2 tail pairs in TL1 encoding (pair i in
 *      byte i/2, high nibble for even i); an unused nibble holds 4, the pair (0, 0).
 * Tiled layout (layout_rows == lr > 1): each plane is tiled as TL1's is (bn_plane_offset):
 * blocks of lr rows, byte column by byte column; padding rows hold zero weights.
 *
 * Activation tables (op LUT), per token: G triple tables then R/2 TL1 pair tables, 32 bytes
 * each (16 low bytes, 16 high bytes of 16 int16 entries).  Triple table g has
 *     T[i] = w0*q0 + w1*q1 + w2*q2 for the unique ternary (w0, w1, w2) with v = i, i 0..13,
 *     T[14] = T[15] = 0,
 * for the activation triple (q0, q1, q2) = (q[3g], q[3g+1], q[3g+2]).
 *
 * Product: isum = sum_g (sign_g ? -T_g[idx_g] : +T_g[idx_g]) + sum over tail pairs of their
 * TL1 entries, exact; y = ((float)isum / s) * ws.
 */
#include <string.h>

#include "ref/ref.h"

/* The ternary triple with 9*w0 + 3*w1 + w2 == v (balanced ternary digits of v), found by
 * trying all 27 triples.  |v| > 13 has none; it stands for (0, 0, 0). */
static void tl2_triple_of(int v, int w[3])
{
    w[0] = w[1] = w[2] = 0;
    for (int a = -1; a <= 1; a++)
        for (int b = -1; b <= 1; b++)
            for (int c = -1; c <= 1; c++)
                if (9 * a + 3 * b + c == v) {
                    w[0] = a;
                    w[1] = b;
                    w[2] = c;
                }
}

/* Plane accessors: (index, sign) of triple g and the TL1 index of tail pair i of row r. */
typedef struct tl2_planes {
    const uint8_t *index, *sign, *tail;
    size_t k, lr;
} tl2_planes;

static tl2_planes tl2_view(const uint8_t *data, size_t m, size_t k, size_t lr)
{
    tl2_planes p = {data, data + bn_tl2_sign_plane(m, k, lr), data + bn_tl2_tail_plane(m, k, lr), k, lr};
    return p;
}

static unsigned tl2_get_index(const tl2_planes *p, size_t r, size_t g)
{
    uint8_t byte = p->index[bn_plane_offset(r, g / 2, bn_tl2_index_row_bytes(p->k), p->lr)];
    return (g % 2 == 0) ? (unsigned)(byte >> 4) : (unsigned)(byte & 15u);
}

static unsigned tl2_get_sign(const tl2_planes *p, size_t r, size_t g)
{
    uint8_t byte = p->sign[bn_plane_offset(r, g / 8, bn_tl2_sign_row_bytes(p->k), p->lr)];
    return (byte >> (g % 8)) & 1u;
}

static unsigned tl2_get_tail(const tl2_planes *p, size_t r, size_t i)
{
    uint8_t byte = p->tail[bn_plane_offset(r, i / 2, bn_tl2_tail_row_bytes(p->k), p->lr)];
    return (i % 2 == 0) ? (unsigned)(byte >> 4) : (unsigned)(byte & 15u);
}

/* Store triple g of row r as (sign, |v|) and tail pair i of row r as a TL1 index. */
static void tl2_put_triple(uint8_t *data, size_t m, size_t k, size_t lr, size_t r, size_t g, int v)
{
    unsigned idx = (unsigned)(v < 0 ? -v : v);
    uint8_t *ib = &data[bn_plane_offset(r, g / 2, bn_tl2_index_row_bytes(k), lr)];
    if (g % 2 == 0)
        *ib = (uint8_t)((*ib & 0x0Fu) | (idx << 4));
    else
        *ib = (uint8_t)((*ib & 0xF0u) | idx);
    uint8_t *sb =
        &data[bn_tl2_sign_plane(m, k, lr) + bn_plane_offset(r, g / 8, bn_tl2_sign_row_bytes(k), lr)];
    if (v < 0)
        *sb = (uint8_t)(*sb | (1u << (g % 8)));
    else
        *sb = (uint8_t)(*sb & ~(1u << (g % 8)));
}

static void tl2_put_tail(uint8_t *data, size_t m, size_t k, size_t lr, size_t r, size_t i, unsigned idx)
{
    uint8_t *tb =
        &data[bn_tl2_tail_plane(m, k, lr) + bn_plane_offset(r, i / 2, bn_tl2_tail_row_bytes(k), lr)];
    if (i % 2 == 0)
        *tb = (uint8_t)((*tb & 0x0Fu) | (idx << 4));
    else
        *tb = (uint8_t)((*tb & 0xF0u) | idx);
}

/* Fill all planes with zero weights: index 0, sign 0, tail pairs (0, 0). */
static void tl2_clear(uint8_t *data, size_t m, size_t k, size_t lr)
{
    memset(data, 0, bn_tl2_tail_plane(m, k, lr));
    memset(data + bn_tl2_tail_plane(m, k, lr), BN_TL1_BYTE_ZEROS,
           bn_tl2_data_bytes(m, k, lr) - bn_tl2_tail_plane(m, k, lr));
}

void bn_tl2_pack__ref(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                      unsigned layout_rows, uint8_t *restrict out)
{
    BN_KASSERT(k % 2 == 0 && layout_rows >= 1);
    size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    tl2_clear(out, m, k, layout_rows);
    for (size_t r = 0; r < m; r++) {
        const int8_t *w = t + r * t_stride;
        for (size_t c = 0; c < k; c++) BN_KASSERT(w[c] >= -1 && w[c] <= 1);
        for (size_t g = 0; g < G; g++)
            tl2_put_triple(out, m, k, layout_rows, r, g, 9 * w[3 * g] + 3 * w[3 * g + 1] + w[3 * g + 2]);
        for (size_t i = 0; i < R / 2; i++)
            tl2_put_tail(out, m, k, layout_rows, r, i,
                         (unsigned)bn_tl1_index__ref(w[3 * G + 2 * i], w[3 * G + 2 * i + 1]));
    }
    bn_tail_store(out + bn_tl2_data_bytes(m, k, layout_rows), ws);
}

/* The canonical ternary weights of row r. */
static void tl2_get_row(const tl2_planes *p, size_t r, int8_t *w)
{
    size_t G = bn_tl2_triples(p->k), R = bn_tl2_tail_cols(p->k);
    for (size_t g = 0; g < G; g++) {
        int v = (int)tl2_get_index(p, r, g);
        if (tl2_get_sign(p, r, g)) v = -v;
        int triple[3];
        tl2_triple_of(v, triple);
        for (int i = 0; i < 3; i++) w[3 * g + (size_t)i] = (int8_t)triple[i];
    }
    for (size_t i = 0; i < R / 2; i++) {
        int w0, w1;
        bn_tl1_pair__ref(tl2_get_tail(p, r, i), &w0, &w1);
        w[3 * G + 2 * i] = (int8_t)w0;
        w[3 * G + 2 * i + 1] = (int8_t)w1;
    }
}

void bn_tl2_unpack__ref(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride)
{
    tl2_planes p = tl2_view(w->data, w->rows, w->cols, w->layout_rows);
    for (size_t r = 0; r < w->rows; r++) tl2_get_row(&p, r, t + r * t_stride);
}

void bn_tl2_quant__ref(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out)
{
    BN_KASSERT(k % 2 == 0);
    size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    tl2_clear(out, m, k, 1);
    for (size_t r = 0; r < m; r++) {
        const float *row = (const float *)((const char *)w + r * w_stride);
        for (size_t g = 0; g < G; g++) {
            int v = 9 * bn_ternary_of__ref(row[3 * g]) + 3 * bn_ternary_of__ref(row[3 * g + 1]) +
                    bn_ternary_of__ref(row[3 * g + 2]);
            tl2_put_triple(out, m, k, 1, r, g, v);
        }
        for (size_t i = 0; i < R / 2; i++)
            tl2_put_tail(out, m, k, 1, r, i,
                         (unsigned)bn_tl1_index__ref(bn_ternary_of__ref(row[3 * G + 2 * i]),
                                                     bn_ternary_of__ref(row[3 * G + 2 * i + 1])));
    }
    bn_tail_store(out + bn_tl2_data_bytes(m, k, 1), bn_ternary_scale__ref(m, k, w, w_stride));
}

void bn_tl2_dequant__ref(const bn_weights *restrict w, float *restrict out, size_t out_stride)
{
    tl2_planes p = tl2_view(w->data, w->rows, w->cols, w->layout_rows);
    size_t G = bn_tl2_triples(w->cols), R = bn_tl2_tail_cols(w->cols);
    for (size_t r = 0; r < w->rows; r++) {
        float *dst = (float *)((char *)out + r * out_stride);
        for (size_t g = 0; g < G; g++) {
            int v = (int)tl2_get_index(&p, r, g), triple[3];
            tl2_triple_of(tl2_get_sign(&p, r, g) ? -v : v, triple);
            for (size_t i = 0; i < 3; i++) dst[3 * g + i] = (float)triple[i] * w->scale;
        }
        for (size_t i = 0; i < R / 2; i++) {
            int w0, w1;
            bn_tl1_pair__ref(tl2_get_tail(&p, r, i), &w0, &w1);
            dst[3 * G + 2 * i] = (float)w0 * w->scale;
            dst[3 * G + 2 * i + 1] = (float)w1 * w->scale;
        }
    }
}

/* The table of one activation triple: entry i is the dot product with the triple v = i. */
static void tl2_table(int q0, int q1, int q2, uint8_t *table)
{
    for (unsigned i = 0; i < 16; i++) {
        int value = 0;
        if (i <= 13) {
            int w[3];
            tl2_triple_of((int)i, w);
            value = w[0] * q0 + w[1] * q1 + w[2] * q2;
        }
        bn_lut_store__ref(table, i, value);
    }
}

void bn_tl2_lut__ref(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                     size_t lut_stride)
{
    size_t G = bn_tl2_triples(k), R = bn_tl2_tail_cols(k);
    for (size_t t = 0; t < n; t++) {
        const int8_t *qt = q + t * q_stride;
        uint8_t *tables = lut + t * lut_stride;
        for (size_t g = 0; g < G; g++)
            tl2_table(qt[3 * g], qt[3 * g + 1], qt[3 * g + 2], tables + g * BN_LUT_TABLE_BYTES);
        for (size_t i = 0; i < R / 2; i++)
            bn_tl1_table__ref(qt[3 * G + 2 * i], qt[3 * G + 2 * i + 1],
                              tables + (G + i) * BN_LUT_TABLE_BYTES);
    }
}

void bn_tl2_gemm__ref(const bn_weights *restrict w, size_t r0, size_t r1, size_t n, const bn_act *restrict x,
                      float *restrict y, size_t y_stride)
{
    tl2_planes p = tl2_view(w->data, w->rows, w->cols, w->layout_rows);
    size_t G = bn_tl2_triples(w->cols), R = bn_tl2_tail_cols(w->cols);
    for (size_t t = 0; t < n; t++) {
        const uint8_t *tables = x->lut + t * x->lut_stride;
        float *yt = (float *)((char *)y + t * y_stride);
        for (size_t r = r0; r < r1; r++) {
            int64_t isum = 0;
            for (size_t g = 0; g < G; g++) {
                int value = bn_lut_load__ref(tables + g * BN_LUT_TABLE_BYTES, tl2_get_index(&p, r, g));
                isum += tl2_get_sign(&p, r, g) ? -value : value;
            }
            for (size_t i = 0; i < R / 2; i++)
                isum += bn_lut_load__ref(tables + (G + i) * BN_LUT_TABLE_BYTES, tl2_get_tail(&p, r, i));
            yt[r] = bn_epilogue__ref(isum, x->scale[t], w->scale);
        }
    }
}

void bn_tl2_gemv__ref(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                      float *restrict y)
{
    bn_tl2_gemm__ref(w, r0, r1, 1, x, y, 0);
}
