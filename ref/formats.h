/*
 * formats.h - geometry of every byte layout: sizes and offsets, as the specification
 * (docs/formats.md) defines them.  Pure arithmetic, shared by the reference twins, the
 * kernels and the loader so that there is exactly one definition of each layout.
 *
 * Terms: a weight matrix has m rows (output features) of k columns (input features).
 * A layout has a row interleave `lr` ("layout rows"): lr == 1 is the format's canonical
 * layout; lr > 1 (TL1/TL2 only) groups rows in blocks of lr, padded at the end with
 * all-zero rows, and within a block stores byte column c of every row of the block
 * together (lr consecutive bytes), column after column.
 */
#ifndef BN_REF_FORMATS_H
#define BN_REF_FORMATS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every ternary tensor ends with a 32-byte tail whose first 4 bytes are the weight
 * scale as a little-endian f32; the other 28 bytes carry no meaning. */
#define BN_TAIL_BYTES 32u

/* I2_S: 128-weight groups of 32 bytes; K % 128 == 0. */
#define BN_I2S_GROUP 128u
/* QK256: 256-weight blocks of 64 bytes; any K, last block padded with code 1. */
#define BN_QK256_BLOCK 256u
/* Code of a zero weight (w = code - 1), and a byte of four zero weights. */
#define BN_CODE_ZERO 1u
#define BN_BYTE_ZEROS 0x55u
/* TL1 index of the pair (0, 0) and a byte of two such pairs; TL2 zero triple is idx 0. */
#define BN_TL1_IDX_ZERO 4u
#define BN_TL1_BYTE_ZEROS 0x44u
/* Bytes of one activation table (16 int16 entries: 16 low bytes, then 16 high bytes). */
#define BN_LUT_TABLE_BYTES 32u

static inline size_t bn_round_up(size_t x, size_t m) { return (x + m - 1) / m * m; }
static inline size_t bn_div_up(size_t x, size_t m) { return (x + m - 1) / m; }

/* Rows stored by a layout: m rounded up to the interleave. */
static inline size_t bn_layout_rows_stored(size_t m, size_t lr) { return lr <= 1 ? m : bn_round_up(m, lr); }

/* ---- I2_S */
static inline size_t bn_i2s_row_bytes(size_t k) { return k / 4; }
static inline size_t bn_i2s_data_bytes(size_t m, size_t k) { return m * (k / 4); }

/* ---- QK256 */
static inline size_t bn_qk256_row_bytes(size_t k) { return bn_div_up(k, BN_QK256_BLOCK) * 64; }
static inline size_t bn_qk256_data_bytes(size_t m, size_t k) { return m * bn_qk256_row_bytes(k); }

/* ---- TL1: K % 4 == 0, one byte per two pairs */
static inline size_t bn_tl1_row_bytes(size_t k) { return k / 4; }
static inline size_t bn_tl1_data_bytes(size_t m, size_t k, size_t lr)
{
    return bn_layout_rows_stored(m, lr) * bn_tl1_row_bytes(k);
}

/* ---- TL2: K % 2 == 0.  G triples (G even) then R tail columns as TL1 pairs. */
static inline size_t bn_tl2_triples(size_t k) { return 2 * (k / 6); }
static inline size_t bn_tl2_tail_cols(size_t k) { return k - 3 * bn_tl2_triples(k); }
static inline size_t bn_tl2_index_row_bytes(size_t k) { return bn_tl2_triples(k) / 2; }
static inline size_t bn_tl2_sign_row_bytes(size_t k) { return bn_div_up(bn_tl2_triples(k), 8); }
static inline size_t bn_tl2_tail_row_bytes(size_t k) { return bn_div_up(bn_tl2_tail_cols(k), 4); }
/* Offsets of the three planes from the start of the layout, for mr stored rows. */
static inline size_t bn_tl2_sign_plane(size_t m, size_t k, size_t lr)
{
    return bn_layout_rows_stored(m, lr) * bn_tl2_index_row_bytes(k);
}
static inline size_t bn_tl2_tail_plane(size_t m, size_t k, size_t lr)
{
    return bn_tl2_sign_plane(m, k, lr) + bn_layout_rows_stored(m, lr) * bn_tl2_sign_row_bytes(k);
}
static inline size_t bn_tl2_data_bytes(size_t m, size_t k, size_t lr)
{
    return bn_tl2_tail_plane(m, k, lr) + bn_layout_rows_stored(m, lr) * bn_tl2_tail_row_bytes(k);
}

/* ---- Q8: rows x K int8 (row-major, no padding), then one f32 scale per row at the
 *      next multiple of 64 bytes (docs/formats.md, "Q8"). */
#define BN_Q8_SCALE_ALIGN 64u
/* Largest K: |sum of K products| <= 127 * 128 * K stays an exact int32. */
#define BN_Q8_MAX_K 65536u
static inline size_t bn_q8_scales_offset(size_t m, size_t k) { return bn_round_up(m * k, BN_Q8_SCALE_ALIGN); }
static inline size_t bn_q8_bytes(size_t m, size_t k) { return bn_q8_scales_offset(m, k) + 4 * m; }

/* Offset of byte column c of row r in a plane whose rows have `row_bytes` bytes, in a
 * layout with interleave lr (lr == 1: plain row-major). */
static inline size_t bn_plane_offset(size_t r, size_t c, size_t row_bytes, size_t lr)
{
    if (lr <= 1) return r * row_bytes + c;
    return (r / lr) * lr * row_bytes + c * lr + (r % lr);
}

/* ---- lookup tables (per token) */
static inline size_t bn_tl1_lut_bytes(size_t k) { return (k / 2) * BN_LUT_TABLE_BYTES; }
static inline size_t bn_tl2_lut_bytes(size_t k)
{
    return (bn_tl2_triples(k) + bn_tl2_tail_cols(k) / 2) * BN_LUT_TABLE_BYTES;
}

/* ---- the scale tail */
static inline float bn_tail_load(const uint8_t *tail)
{
    float ws;
    memcpy(&ws, tail, sizeof ws); /* little-endian hosts only (x86_64, aarch64) */
    return ws;
}
static inline void bn_tail_store(uint8_t *tail, float ws)
{
    memset(tail, 0, BN_TAIL_BYTES);
    memcpy(tail, &ws, sizeof ws);
}

#endif /* BN_REF_FORMATS_H */
