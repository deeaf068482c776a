/*
 * tl_x86.h - width-generic parts of the x86 TL1/TL2 GEMV/GEMM kernels (docs/kernels-tl.md).
 * Include tl_avx2.h or tl_avx512.h first: they define bn_tlv (one vector of index bytes of
 * a row group of BN_TLV_ROWS rows) and its primitives.  static inline only.
 *
 * Every x86 TL matmul reads the tiled layout with layout_rows BN_TL_LR = 64 (ref/formats.h:
 * byte column c of the 64 rows of a block is 64 consecutive bytes), whatever its vector
 * width: an AVX2 group is half a block.  Per group and token the kernels keep
 *   - int16 sums of A rows and B rows (tl_avx512.h), at most BN_TL_CHUNK table entries
 *     each: |entry| <= 256 (TL1) or 384 (TL2), so |sum| <= 64 * 384 = 24576 < 32767;
 *   - int32 sums isum[BN_TLV_ROWS] in the order [A even | A odd | B even | B odd], to which
 *     the int16 sums are widened after every chunk, exact for any K (|isum| <= 128 K).
 */
#ifndef BN_KERNELS_TL_X86_H
#define BN_KERNELS_TL_X86_H

#ifndef BN_TLV_ROWS
#error "include kernels/common/tl_avx2.h or tl_avx512.h before tl_x86.h"
#endif

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ref/formats.h"

#define BN_TL_LR 64u /* layout_rows of every x86 TL GEMV/GEMM */
#define BN_TL_CHUNK 64u /* table entries summed in int16 before widening to int32 */
#define BN_TL_MAX_TOKENS 4u /* tokens per pass of a GEMM */

/* Forced inlining: the token count becomes a constant, so the per-token vectors of the
 * templates below live in registers instead of arrays. */
#define BN_TL_INLINE static inline __attribute__((always_inline))

/* The row (within its group) of position p of the int32 sums. */
static inline unsigned bn_tl_row_of(unsigned p)
{
    const unsigned quarter = BN_TLV_ROWS / 4;
    unsigned part = p / quarter, j = 2 * (p % quarter) + (part & 1u);
    return 16u * (j / 8u) + j % 8u + (part >= 2 ? 8u : 0u);
}

/* Widen the int16 sums of the A and B rows into the int32 sums. */
static inline void bn_tl_widen(bn_tlv a16, bn_tlv b16, int32_t *isum)
{
    const unsigned quarter = BN_TLV_ROWS / 4;
    bn_tlv_widen(a16, isum, isum + quarter);
    bn_tlv_widen(b16, isum + 2 * quarter, isum + 3 * quarter);
}

/* y[i] for the first `rows` rows of the group from its permuted int32 sums. */
static inline void bn_tl_store(const int32_t *isum, float s, float ws, size_t rows, float *y)
{
    float out[BN_TLV_ROWS];
    bn_tlv_epilogue(isum, s, ws, out);
    for (unsigned p = 0; p < BN_TLV_ROWS; p++) {
        unsigned r = bn_tl_row_of(p);
        if (r < rows) y[r] = out[p];
    }
}

/* Add table entry nib[r] of table `entry` of each of nt tokens to their int16 sums. */
BN_TL_INLINE void bn_tl_add_entries(const uint8_t *const *luts, size_t nt, size_t entry, bn_tlv nib,
                                    bn_tlv *a16, bn_tlv *b16)
{
#pragma GCC unroll 4
    for (size_t t = 0; t < nt; t++) {
        bn_tlv va, vb;
        bn_tlv_lookup(luts[t] + entry * BN_LUT_TABLE_BYTES, nib, &va, &vb);
        a16[t] = bn_tlv_add16(a16[t], va);
        b16[t] = bn_tlv_add16(b16[t], vb);
    }
}

/* The same with a sign per row: entries of rows selected by sa/sb are subtracted. */
BN_TL_INLINE void bn_tl_add_signed_entries(const uint8_t *const *luts, size_t nt, size_t entry, bn_tlv nib,
                                           bn_tlv_sel sa, bn_tlv_sel sb, bn_tlv *a16, bn_tlv *b16)
{
#pragma GCC unroll 4
    for (size_t t = 0; t < nt; t++) {
        bn_tlv va, vb;
        bn_tlv_lookup(luts[t] + entry * BN_LUT_TABLE_BYTES, nib, &va, &vb);
        a16[t] = bn_tlv_add16(a16[t], bn_tlv_apply_sign(va, sa));
        b16[t] = bn_tlv_add16(b16[t], bn_tlv_apply_sign(vb, sb));
    }
}

/* Output row pointer of token t. */
static inline float *bn_tl_y_row(float *y, size_t y_stride, size_t t)
{
    return (float *)((char *)y + t * y_stride);
}

#endif /* BN_KERNELS_TL_X86_H */
