/*
 * neon_codes.h - shared by the NEON I2_S and QK256 kernels (static inline only): the
 * geometry of a row of 2-bit codes, the partial last group of QK256 and the code decoders.
 * Included only by files whose ISA token is neon or neondot.
 *
 * Both formats store a row as 128-weight groups of 32 bytes; byte p of a group holds the
 * weights p, p+32, p+64, p+96 in bits 7..6, 5..4, 3..2, 1..0.  So the 16-byte half h of a
 * group, seen through slot s (0..3), lines up with the 16 activations 32*s + 16*h .. +15.
 *
 * The kernels multiply the unsigned codes c (0..3) and subtract the token's qsum once:
 *     sum_k (c_k - 1) * q_k = sum_k c_k * q_k - sum_k q_k,
 * so code 3 reads as +2 exactly as the reference's w = code - 1.
 */
#ifndef BN_KERNELS_NEON_CODES_H
#define BN_KERNELS_NEON_CODES_H

#include <arm_neon.h>
#include <string.h>

#include "kernels/common/neon_common.h"
#include "kernels/kernel.h"
#include "ref/formats.h"

/* One matrix of codes: row r starts at data + r * stride; group g of a row at 32 * g.
 * `groups` whole groups, then (QK256 only) a partial group holding the first `tail`
 * (1..127) weights of its 128; its codes past `tail` are padding and must never count. */
typedef struct bn_codes {
    const uint8_t *data;
    size_t stride, groups, tail;
} bn_codes;

BN_INLINE bn_codes bn_codes_of(const bn_weights *w, size_t stride)
{
    bn_codes m = {w->data, stride, w->cols / BN_I2S_GROUP, w->cols % BN_I2S_GROUP};
    return m;
}

/* The activations of the partial group copied into a zeroed 128-byte block: the padding
 * codes then meet q = 0 and add nothing, and q is never read past K.  The token's qsum
 * covers only the K real activations, which is exactly what the zeros preserve. */
BN_INLINE void bn_codes_pad_tail(int8_t pad[BN_I2S_GROUP], const int8_t *q, const bn_codes *m)
{
    memset(pad, 0, BN_I2S_GROUP);
    memcpy(pad, q + m->groups * BN_I2S_GROUP, m->tail);
}

/* The four slots of a half "in place" (used by the GEMV): 4 instructions, where shifting
 * every slot down to codes 0..3 takes 6.
 * Masking without shifting leaves slot 1 as 16*c and slot 2 as 4*c (0..48 and 0..12, still
 * valid int8 factors); the GEMV keeps them in separate accumulators and divides them back
 * exactly at the end (bn_codes_combine).  Slot 0 needs the shift: b & 0xC0 would read
 * 128 and 192 as negative int8. */
BN_INLINE void bn_codes_split(uint8x16_t b, int8x16_t c[4])
{
    c[0] = vreinterpretq_s8_u8(vshrq_n_u8(b, 6)); /* 1 * c */
    c[1] = vreinterpretq_s8_u8(vandq_u8(b, vdupq_n_u8(0x30))); /* 16 * c */
    c[2] = vreinterpretq_s8_u8(vandq_u8(b, vdupq_n_u8(0x0C))); /* 4 * c */
    c[3] = vreinterpretq_s8_u8(vandq_u8(b, vdupq_n_u8(0x03))); /* 1 * c */
}

/* acc[0] holds 1*sum (slots 0, 3), acc[1] 16*sum (slot 1), acc[2] 4*sum (slot 2), lane by
 * lane.  Every lane of acc[1] is a sum of multiples of 16 and every lane of acc[2] of
 * multiples of 4, so the arithmetic shifts divide exactly (also for negative sums). */
BN_INLINE int32x4_t bn_codes_combine(const int32x4_t acc[3])
{
    int32x4_t v = vsraq_n_s32(acc[0], acc[1], 4); /* acc[0] + (acc[1] >> 4) in one op */
    return vsraq_n_s32(v, acc[2], 2);
}

#endif /* BN_KERNELS_NEON_CODES_H */
