/*
 * neon_codes_gemv.h - template of the NEON I2_S / QK256 decode GEMV (static inline only).
 *
 * The includer first includes the multiply step of its ISA, which defines
 *     void bn_codes_mac(int32x4_t acc[3], const int8x16_t c[4], const int8x16_t q[4])
 * adding the products of one 16-byte half of a group into three class accumulators:
 * c[0].q[0] + c[3].q[3] into acc[0], c[1].q[1] into acc[1], c[2].q[2] into acc[2], where
 * c comes from bn_codes_split (so acc[1] collects 16x and acc[2] 4x the true products).
 * neon_codes_sdot.h does it with sdot, neon_codes_smull.h with widening multiplies.
 *
 * Loop: four rows per pass.  Per group and half, the four activation vectors of the half
 * are loaded once for the four rows; each row's 16 code bytes are loaded once, split into
 * the four slots and multiplied.  So every weight byte is read exactly once, and the
 * activations once per four rows.  Rows r1 - r < 4 of the last pass point their unused
 * lanes at the last valid row (re-read, never past the matrix) and store only the valid
 * lanes.  The partial QK256 group runs through the same code on padded activations.
 */
#ifndef BN_KERNELS_NEON_CODES_GEMV_H
#define BN_KERNELS_NEON_CODES_GEMV_H

#include "kernels/common/neon_codes.h"

/* acc[i] += (the 16 code bytes of row i at byte `offset`, one half of a group) . (the
 * activations of that half: slot s at qh + 32 * s), for i < 4.  One half per call, and the
 * caller's loop over halves stays a loop: unrolled, gcc hoists every load of the group to
 * the top and spills accumulators. */
BN_INLINE void bn_codes_gemv_half(int32x4_t acc[4][3], const uint8_t *const rows[4], const int8_t *qh,
                                  size_t offset)
{
    int8x16_t qv[4];
    BN_UNROLL
    for (int s = 0; s < 4; s++) qv[s] = vld1q_s8(qh + 32 * s);
    BN_UNROLL
    for (int i = 0; i < 4; i++) {
        int8x16_t c[4];
        bn_codes_split(vld1q_u8(rows[i] + offset), c);
        bn_codes_mac(acc[i], c, qv);
    }
}

BN_INLINE void bn_codes_gemv(const bn_codes *m, size_t r0, size_t r1, const bn_act *x, float ws, float *y)
{
    int8_t pad[BN_I2S_GROUP];
    bn_codes_pad_tail(pad, x->q, m); /* once per call; copies nothing when there is no tail */
    for (size_t r = r0; r < r1; r += 4) {
        const size_t rows = r1 - r < 4 ? r1 - r : 4;
        const uint8_t *row[4];
        BN_UNROLL
        for (size_t i = 0; i < 4; i++) row[i] = m->data + (r + (i < rows ? i : rows - 1)) * m->stride;
        int32x4_t acc[4][3];
        BN_UNROLL
        for (int i = 0; i < 4; i++) acc[i][0] = acc[i][1] = acc[i][2] = vdupq_n_s32(0);
        /* Half j of the row: weights at 16 * j, activations at 128 * (j / 2) + 16 * (j % 2),
         * stepped by +16 after an even half and +112 after an odd one. */
        const int8_t *qh = x->q;
        for (size_t j = 0; j < 2 * m->groups; j++, qh += (j & 1) ? 16 : 112)
            bn_codes_gemv_half(acc, row, qh, 16 * j);
        for (size_t h = 0; m->tail && h < 2; h++)
            bn_codes_gemv_half(acc, row, pad + 16 * h, 32 * m->groups + 16 * h);
        int32x4_t isum = bn_neon_hsum4(bn_codes_combine(acc[0]), bn_codes_combine(acc[1]),
                                       bn_codes_combine(acc[2]), bn_codes_combine(acc[3]));
        isum = vsubq_s32(isum, vdupq_n_s32(x->qsum[0]));
        bn_neon_store_lanes(y + r, bn_neon_epilogue(isum, x->scale[0], ws), rows);
    }
}

#endif /* BN_KERNELS_NEON_CODES_GEMV_H */
