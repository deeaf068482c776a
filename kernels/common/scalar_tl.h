/*
 * scalar_tl.h - portable helpers for the TL1/TL2 kernels: table entries, index nibbles,
 * and the pair/triple codes.  static inline only.
 */
#ifndef BN_KERNELS_SCALAR_TL_H
#define BN_KERNELS_SCALAR_TL_H

#include <stddef.h>
#include <stdint.h>

#include "ref/formats.h"

/* Entry i of a 32-byte table: low byte at i, high byte at 16 + i. */
static inline int32_t bn_tl_entry(const uint8_t *table, unsigned i)
{
    return (int16_t)(uint16_t)(table[i] | (unsigned)table[16 + i] << 8);
}

static inline void bn_tl_set_entry(uint8_t *table, unsigned i, int value)
{
    uint16_t v = (uint16_t)(int16_t)value;
    table[i] = (uint8_t)v;
    table[16 + i] = (uint8_t)(v >> 8);
}

/* TL1 index of a pair and the pair of an index (invalid indices: (0, 0)). */
static inline unsigned bn_tl1_index(int w0, int w1) { return (unsigned)(3 * (w0 + 1) + (w1 + 1)); }
static inline int bn_tl1_w0(unsigned idx) { return idx > 8 ? 0 : (int)(idx / 3) - 1; }
static inline int bn_tl1_w1(unsigned idx) { return idx > 8 ? 0 : (int)(idx % 3) - 1; }

/* TL2: v = 9*w0 + 3*w1 + w2 and back (balanced ternary digits; |v| > 13 gives zeros). */
static inline int bn_tl2_value(int w0, int w1, int w2) { return 9 * w0 + 3 * w1 + w2; }
static inline void bn_tl2_digits(int v, int8_t *w)
{
    if (v > 13 || v < -13) v = 0;
    int d2 = ((v % 3) + 3 + 1) % 3 - 1; /* the balanced digit congruent to v mod 3 */
    int rest = (v - d2) / 3;
    int d1 = ((rest % 3) + 3 + 1) % 3 - 1;
    int d0 = (rest - d1) / 3;
    w[0] = (int8_t)d0;
    w[1] = (int8_t)d1;
    w[2] = (int8_t)d2;
}

/* Set the nibble of pair/triple j in a byte column (even j: high nibble). */
static inline uint8_t bn_tl_nibble_set(uint8_t byte, size_t j, unsigned idx)
{
    return (j % 2 == 0) ? (uint8_t)((byte & 0x0Fu) | idx << 4) : (uint8_t)((byte & 0xF0u) | idx);
}
static inline unsigned bn_tl_nibble_get(uint8_t byte, size_t j)
{
    return (j % 2 == 0) ? (unsigned)(byte >> 4) : (unsigned)(byte & 15u);
}

#endif /* BN_KERNELS_SCALAR_TL_H */
