/*
 * ref.h - the reference twins: the executable specification of every format and op.
 *
 * Each ref function has exactly the type of the kernels it is the twin of, so the
 * conformance harness can call both the same way.  The refs accept every layout
 * interleave (they read bytes through formats.h) and are written for clarity, never speed.
 * Compiled with -O2 -ffp-contract=off and never with fast-math.
 */
#ifndef BN_REF_H
#define BN_REF_H

#include "kernels/kernel.h"
#include "ref/formats.h"

/* A8 (ref/a8.c) */
bn_a8_quant_fn bn_a8_quant__ref;

/* I2_S (ref/i2s.c) */
bn_quant_fn bn_i2s_quant__ref;
bn_dequant_fn bn_i2s_dequant__ref;
bn_pack_fn bn_i2s_pack__ref;
bn_unpack_fn bn_i2s_unpack__ref;
bn_gemv_fn bn_i2s_gemv__ref;
bn_gemm_fn bn_i2s_gemm__ref;

/* QK256 (ref/qk256.c) */
bn_quant_fn bn_qk256_quant__ref;
bn_dequant_fn bn_qk256_dequant__ref;
bn_pack_fn bn_qk256_pack__ref;
bn_unpack_fn bn_qk256_unpack__ref;
bn_gemv_fn bn_qk256_gemv__ref;
bn_gemm_fn bn_qk256_gemm__ref;

/* TL1 (ref/tl1.c) */
bn_quant_fn bn_tl1_quant__ref;
bn_dequant_fn bn_tl1_dequant__ref;
bn_pack_fn bn_tl1_pack__ref;
bn_unpack_fn bn_tl1_unpack__ref;
bn_lut_fn bn_tl1_lut__ref;
bn_gemv_fn bn_tl1_gemv__ref;
bn_gemm_fn bn_tl1_gemm__ref;

/* TL1 building blocks, shared with TL2's tail pairs. */
int bn_tl1_index__ref(int w0, int w1); /* 3*(w0+1) + (w1+1) */
void bn_tl1_pair__ref(unsigned idx, int *w0, int *w1); /* inverse; idx > 8 -> (0, 0) */
void bn_tl1_table__ref(int q0, int q1, uint8_t *table); /* 32-byte table of one pair */
/* Entry i of a 32-byte table (low bytes at 0..15, high bytes at 16..31). */
void bn_lut_store__ref(uint8_t *table, unsigned i, int value);
int bn_lut_load__ref(const uint8_t *table, unsigned i);

/* TL2 (ref/tl2.c) */
bn_quant_fn bn_tl2_quant__ref;
bn_dequant_fn bn_tl2_dequant__ref;
bn_pack_fn bn_tl2_pack__ref;
bn_unpack_fn bn_tl2_unpack__ref;
bn_lut_fn bn_tl2_lut__ref;
bn_gemv_fn bn_tl2_gemv__ref;
bn_gemm_fn bn_tl2_gemm__ref;

/* F16 (ref/f16.c) */
bn_f16_gemv_fn bn_f16_gemv__ref; /* the canonical order every kernel reproduces */
bn_f16_gemv_fn bn_f16_gemv_exact__ref; /* summed in double: for accuracy checks */
/* IEEE binary16 <-> binary32, exact decode; encode rounds to nearest even. */
float bn_f16_to_f32__ref(uint16_t h);
uint16_t bn_f32_to_f16__ref(float f);

/* Q8 (ref/q8.c): int8 weights, one f32 scale per row (the int8 output head). */
bn_q8_quant_fn bn_q8_quant__ref;
bn_gemv_fn bn_q8_gemv__ref;
/* y = ((float)acc / s) * row_scale, f32 ops in this order, no FMA. */
float bn_q8_epilogue__ref(int32_t acc, float s, float row_scale);

/* F32 (ref/f32.c): attention's float steps in one canonical order. */
bn_f32_gemm_fn bn_f32_gemm__ref;
bn_f32_softmax_fn bn_f32_softmax__ref;
/* exp_canonical: the exponential every softmax kernel reproduces bit for bit. */
float bn_f32_exp__ref(float x);

/* Shared by all ternary formats (ref/ternary.c). */

/* The ternary value rule: w = code - 1 (a stray code 3 reads as +2). */
static inline int bn_code_value__ref(unsigned code) { return (int)code - 1; }
/* The quantisation rule of docs/formats.md 3.2 for one value of a ternary*scale matrix. */
int8_t bn_ternary_of__ref(float w);
/* ws = max |w| over the matrix (exact in f32). */
float bn_ternary_scale__ref(size_t m, size_t k, const float *w, size_t w_stride);
/* The epilogue: y = ((float)isum / s) * ws, f32 ops in this order, no FMA. */
float bn_epilogue__ref(int64_t isum, float s, float ws);
/* Canonical ternary -> f32 matrix t * ws. */
void bn_ternary_to_f32__ref(size_t m, size_t k, const int8_t *t, size_t t_stride, float ws, float *out,
                            size_t out_stride);
/* The int8 ternary matrix of a ternary*scale f32 matrix, and its scale. */
float bn_ternary_from_f32__ref(size_t m, size_t k, const float *w, size_t w_stride, int8_t *t,
                               size_t t_stride);

#endif /* BN_REF_H */
