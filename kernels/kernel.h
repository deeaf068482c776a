/*
 * kernel.h - the kernel contract: one C function type per operation.
 *
 * Every kernel is declared with its op's type (`bn_gemv_fn bn_i2s_gemv_1x4__avx2;`), so a
 * kernel whose signature drifts does not compile.  The rules every kernel obeys:
 *   - it computes exactly what its reference twin in ref/ computes (docs/formats.md);
 *   - it never allocates, never fails, never touches global state;
 *   - it handles every tail itself: any number of rows, any K the format allows;
 *   - preconditions are asserted at the top (BN_KASSERT), not silently assumed;
 *   - it reads at most `overread` bytes past an input (0 for every kernel so far).
 * Strides are in bytes.
 */
#ifndef BN_KERNEL_H
#define BN_KERNEL_H

#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"

#ifdef BN_KERNEL_NDEBUG
#define BN_KASSERT(c) ((void)0)
#else
#include <assert.h>
#define BN_KASSERT(c) assert(c)
#endif

/* A8 quantisation of n token rows of k floats (docs/formats.md section 1). */
typedef void bn_a8_quant_fn(size_t n, size_t k, const float *restrict x, size_t x_stride, int8_t *restrict q,
                            size_t q_stride, float *restrict scale, int32_t *restrict qsum);

/* Weight quantisation: an f32 matrix of ternary values times one scale -> the canonical
 * layout of the format, including the 32-byte scale tail. */
typedef void bn_quant_fn(size_t m, size_t k, const float *restrict w, size_t w_stride, uint8_t *restrict out);

/* Canonical layout (w->layout_rows == 1) -> f32 values w * ws. */
typedef void bn_dequant_fn(const bn_weights *restrict w, float *restrict out, size_t out_stride);

/* Canonical ternary int8 (-1, 0, +1) -> layout with row interleave `layout_rows` (1 =
 * canonical), including the scale tail. */
typedef void bn_pack_fn(size_t m, size_t k, const int8_t *restrict t, size_t t_stride, float ws,
                        unsigned layout_rows, uint8_t *restrict out);

/* Any layout -> canonical ternary int8 (I2S/QK256 code 3 gives +2). */
typedef void bn_unpack_fn(const bn_weights *restrict w, int8_t *restrict t, size_t t_stride);

/* TL1/TL2 lookup tables for n token rows of A8 codes. */
typedef void bn_lut_fn(size_t n, size_t k, const int8_t *restrict q, size_t q_stride, uint8_t *restrict lut,
                       size_t lut_stride);

/* One token: y[r] for r in [r0, r1).  r0 is a multiple of the layout's row block. */
typedef void bn_gemv_fn(const bn_weights *restrict w, size_t r0, size_t r1, const bn_act *restrict x,
                        float *restrict y);

/* n tokens: y[t * y_stride + r] for t < n, r in [r0, r1). */
typedef void bn_gemm_fn(const bn_weights *restrict w, size_t r0, size_t r1, size_t n,
                        const bn_act *restrict x, float *restrict y, size_t y_stride);

/* Q8 weight quantisation (docs/formats.md, "Q8"): m rows of k finite floats (row r at
 * byte offset r * w_stride) -> int8 codes q[r * q_stride + c] and one f32 scale per row.
 * Row by row, so blocks of rows can be quantised separately (the loader does, over the
 * pool).  Q8 GEMV is a bn_gemv_fn: the int8 rows and their scales in one bn_weights. */
typedef void bn_q8_quant_fn(size_t m, size_t k, const float *restrict w, size_t w_stride, int8_t *restrict q,
                            size_t q_stride, float *restrict scale);

/* F16 head: y[r] = sum_k f32(w[r][k]) * x[k], r in [r0, r1). */
typedef void bn_f16_gemv_fn(const bn_weights *restrict w, size_t r0, size_t r1, const float *restrict x,
                            float *restrict y);

/* F32 GEMM in the canonical order of ref/f32.c: for i < m, j < n,
 *     c[i][j] = (sum over p = 0, 1, ..., k-1 of a[i][p] * b[p][j]) * scale,
 * the sum starting at +0, each product and each addition rounded separately (no FMA).
 * A is m x k, B is k x n, C is m x n, all row-major with byte strides; C overlaps neither. */
typedef void bn_f32_gemm_fn(size_t m, size_t n, size_t k, const float *restrict a, size_t a_stride,
                            const float *restrict b, size_t b_stride, float scale, float *restrict c,
                            size_t c_stride);

/* F32 softmax in place over `rows` rows of `len` floats (row r at byte offset r * x_stride),
 * in the canonical order of ref/f32.c (exact max, exp_canonical, sixteen partial sums and a
 * fixed tree, one division, multiplications). */
typedef void bn_f32_softmax_fn(size_t rows, size_t len, float *x, size_t x_stride);

/* One registry entry (kernels/<fmt>/<fmt>.inc expands into a const table of these). */
typedef union bn_kernel_fn {
    bn_a8_quant_fn *a8_quant;
    bn_quant_fn *quant;
    bn_dequant_fn *dequant;
    bn_pack_fn *pack;
    bn_unpack_fn *unpack;
    bn_lut_fn *lut;
    bn_gemv_fn *gemv;
    bn_gemm_fn *gemm;
    bn_f16_gemv_fn *f16_gemv;
    bn_q8_quant_fn *q8_quant;
    bn_f32_gemm_fn *f32_gemm;
    bn_f32_softmax_fn *f32_softmax;
} bn_kernel_fn;

struct bn_kernel {
    const char *name; /* symbol, e.g. "bn_i2s_gemv_1x4__avx2" */
    bn_format format;
    bn_op op;
    bn_isa isa;
    uint8_t mr, nr; /* register tile: weight rows x tokens per inner step */
    uint16_t kr; /* K per inner step */
    uint16_t layout_rows; /* row interleave of the weight layout read (0 = any, 1 = canonical) */
    uint16_t k_align; /* K must be a multiple of this */
    uint16_t overread; /* bytes it may read past an input buffer */
    float err_bound; /* F16 kernels: |y - ref| <= err_bound * sum|w*x| (0 = exact) */
    bn_kernel_fn fn;
};

#endif /* BN_KERNEL_H */
