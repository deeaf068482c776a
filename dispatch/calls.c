/*
 * calls.c - the public entry points that call kernels: argument checks (a clear error
 * instead of a crash), then the call, timed and counted at this call site.
 */
#include "dispatch/dispatch.h"
#include "ref/formats.h"

static bool is_ternary(bn_format f)
{
    return f == BN_FORMAT_I2S || f == BN_FORMAT_QK256 || f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2;
}

static bn_status check_cols(bn_format f, size_t cols)
{
    if (cols == 0) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: K must be positive", bn_format_name(f));
    size_t align = f == BN_FORMAT_I2S ? 128 : f == BN_FORMAT_TL1 ? 4 : f == BN_FORMAT_TL2 ? 2 : 1;
    if (cols % align)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: K = %zu is not a multiple of %zu", bn_format_name(f), cols,
                       align);
    return BN_OK;
}

static bn_status check_layout(bn_format f, unsigned lr)
{
    if (lr == 0) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: layout_rows must be >= 1", bn_format_name(f));
    if (lr > 1 && f != BN_FORMAT_TL1 && f != BN_FORMAT_TL2)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s has one layout (layout_rows 1), got %u", bn_format_name(f),
                       lr);
    if (lr > 256) return bn_fail(BN_E_INVALID_ARGUMENT, "layout_rows %u exceeds 256", lr);
    return BN_OK;
}

/* Bytes of the data part of one stored row (no tail) in any layout. */
static size_t row_bytes(bn_format f, size_t k)
{
    switch (f) {
    case BN_FORMAT_I2S: return bn_i2s_row_bytes(k);
    case BN_FORMAT_QK256: return bn_qk256_row_bytes(k);
    case BN_FORMAT_TL1: return bn_tl1_row_bytes(k);
    case BN_FORMAT_TL2:
        return bn_tl2_index_row_bytes(k) + bn_tl2_sign_row_bytes(k) + bn_tl2_tail_row_bytes(k);
    case BN_FORMAT_F16: return 2 * k;
    case BN_FORMAT_Q8: return k + sizeof(float); /* the codes and the row's scale */
    default: return 0;
    }
}

bn_status bn_weights_bytes(bn_format f, size_t rows, size_t cols, unsigned lr, size_t *bytes)
{
    if (!bytes) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_weights_bytes: bytes is NULL");
    if (!is_ternary(f) && f != BN_FORMAT_F16 && f != BN_FORMAT_Q8)
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_weights_bytes: %s is not a weight format",
                       bn_format_name(f));
    bn_status st = check_cols(f, cols);
    if (st == BN_OK) st = check_layout(f, lr);
    if (st != BN_OK) return st;
    size_t stored = bn_layout_rows_stored(rows, lr);
    if (rows > SIZE_MAX / 4 / (row_bytes(f, cols) + 1))
        return bn_fail(BN_E_RANGE, "bn_weights_bytes: %zu x %zu overflows", rows, cols);
    if (f == BN_FORMAT_Q8)
        *bytes = bn_q8_bytes(rows, cols);
    else
        *bytes = stored * row_bytes(f, cols) + (is_ternary(f) ? BN_TAIL_BYTES : 0);
    return BN_OK;
}

bn_status bn_lut_bytes(bn_format f, size_t cols, size_t *bytes)
{
    if (!bytes) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_lut_bytes: bytes is NULL");
    if (f != BN_FORMAT_TL1 && f != BN_FORMAT_TL2)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s has no lookup tables", bn_format_name(f));
    bn_status st = check_cols(f, cols);
    if (st != BN_OK) return st;
    *bytes = f == BN_FORMAT_TL1 ? bn_tl1_lut_bytes(cols) : bn_tl2_lut_bytes(cols);
    return BN_OK;
}

float bn_weights_tail_scale(const bn_weights *w)
{
    size_t bytes;
    if (!w || !w->data || !is_ternary(w->format) ||
        bn_weights_bytes(w->format, w->rows, w->cols, w->layout_rows, &bytes) != BN_OK)
        return 0.0f;
    return bn_tail_load((const uint8_t *)w->data + bytes - BN_TAIL_BYTES);
}

/* The kernel may run this op on this format on this CPU. */
static bn_status check_kernel(const bn_kernel *k, bn_op op, const char *what)
{
    if (!k) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: kernel is NULL", what);
    if (k->op != op)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: kernel %s implements %s, not %s", what, k->name,
                       bn_op_name(k->op), bn_op_name(op));
    if (!bn_kernel_usable_in(k, bn_dispatch()))
        return bn_fail(BN_E_UNSUPPORTED, "%s: kernel %s needs ISA %s, which this CPU (with overrides) lacks",
                       what, k->name, bn_isa_name(k->isa));
    return BN_OK;
}

static bn_status check_weights(const bn_kernel *k, const bn_weights *w, const char *what)
{
    if (!w || !w->data) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: weights are NULL", what);
    if (w->format != k->format)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: weights are %s, kernel %s reads %s", what,
                       bn_format_name(w->format), k->name, bn_format_name(k->format));
    bn_status st = check_cols(w->format, w->cols);
    if (st == BN_OK) st = check_layout(w->format, w->layout_rows);
    if (st != BN_OK) return st;
    if (w->format == BN_FORMAT_Q8 && w->cols > BN_Q8_MAX_K)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: Q8 allows K <= %u (int32 sums), K = %zu", what,
                       BN_Q8_MAX_K, w->cols);
    if (k->k_align > 1 && w->cols % k->k_align)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: kernel %s needs K %% %u == 0, K = %zu", what, k->name,
                       (unsigned)k->k_align, w->cols);
    if (k->layout_rows != 0 && k->layout_rows != w->layout_rows)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: kernel %s reads layout_rows %u, weights have %u", what,
                       k->name, (unsigned)k->layout_rows, w->layout_rows);
    return BN_OK;
}

static bn_status check_rows(const bn_weights *w, size_t r0, size_t r1, const char *what)
{
    if (r0 > r1 || r1 > w->rows)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: row range [%zu, %zu) outside [0, %zu)", what, r0, r1,
                       w->rows);
    if (w->layout_rows > 1 && r0 % w->layout_rows)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: r0 = %zu is not a multiple of layout_rows %u", what, r0,
                       w->layout_rows);
    return BN_OK;
}

static bn_status check_act(const bn_kernel *k, const bn_act *x, size_t n, const char *what)
{
    if (!x || !x->q || !x->scale || !x->qsum)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: activations (q, scale, qsum) are NULL", what);
    if ((k->format == BN_FORMAT_TL1 || k->format == BN_FORMAT_TL2) && !x->lut)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s kernels need lookup tables (bn_lut_build)", what,
                       bn_format_name(k->format));
    (void)n;
    return BN_OK;
}

#define TIMED(k, bytes, call)                                            \
    do {                                                                 \
        bool timed_ = bn_counters_timing_on();                           \
        uint64_t t0_ = timed_ ? bn_now_ns() : 0;                         \
        call;                                                            \
        bn_counter_add((k), 1, (bytes), timed_ ? bn_now_ns() - t0_ : 0); \
    } while (0)

bn_status bn_a8_quantize(const bn_kernel *k, size_t n, size_t cols, const float *x, size_t x_stride,
                         int8_t *q, size_t q_stride, float *scale, int32_t *qsum)
{
    const char *what = "bn_a8_quantize";
    bn_status st = check_kernel(k, BN_OP_QUANT, what);
    if (st != BN_OK) return st;
    if (k->format != BN_FORMAT_A8)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is not an A8 kernel", what, k->name);
    if (!x || !q || !scale || !qsum || cols == 0)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: NULL buffer or K = 0", what);
    TIMED(k, (uint64_t)n * cols * sizeof(float),
          k->fn.a8_quant(n, cols, x, x_stride, q, q_stride, scale, qsum));
    return BN_OK;
}

bn_status bn_q8_quantize(const bn_kernel *k, size_t rows, size_t cols, const float *w, size_t w_stride,
                         int8_t *q, size_t q_stride, float *scale)
{
    const char *what = "bn_q8_quantize";
    bn_status st = check_kernel(k, BN_OP_QUANT, what);
    if (st != BN_OK) return st;
    if (k->format != BN_FORMAT_Q8)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is not a Q8 kernel", what, k->name);
    if (!w || !q || !scale || cols == 0)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: NULL buffer or K = 0", what);
    if (rows > 1 && (w_stride < cols * sizeof(float) || q_stride < cols))
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: strides %zu / %zu are shorter than a row", what, w_stride,
                       q_stride);
    TIMED(k, (uint64_t)rows * cols * sizeof(float),
          k->fn.q8_quant(rows, cols, w, w_stride, q, q_stride, scale));
    return BN_OK;
}

bn_status bn_weights_quantize(const bn_kernel *k, size_t rows, size_t cols, const float *w, size_t w_stride,
                              void *out)
{
    const char *what = "bn_weights_quantize";
    bn_status st = check_kernel(k, BN_OP_QUANT, what);
    if (st == BN_OK && !is_ternary(k->format))
        st = bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is not a ternary-format kernel", what, k->name);
    if (st == BN_OK) st = check_cols(k->format, cols);
    if (st != BN_OK) return st;
    if (!w || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: NULL buffer", what);
    TIMED(k, (uint64_t)rows * cols * sizeof(float), k->fn.quant(rows, cols, w, w_stride, out));
    return BN_OK;
}

bn_status bn_weights_dequantize(const bn_kernel *k, const bn_weights *w, float *out, size_t out_stride)
{
    const char *what = "bn_weights_dequantize";
    bn_status st = check_kernel(k, BN_OP_DEQUANT, what);
    if (st == BN_OK) st = check_weights(k, w, what);
    if (st != BN_OK) return st;
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: out is NULL", what);
    TIMED(k, (uint64_t)w->rows * row_bytes(w->format, w->cols), k->fn.dequant(w, out, out_stride));
    return BN_OK;
}

bn_status bn_weights_pack(const bn_kernel *k, size_t rows, size_t cols, const int8_t *t, size_t t_stride,
                          float scale, unsigned layout_rows, void *out)
{
    const char *what = "bn_weights_pack";
    bn_status st = check_kernel(k, BN_OP_PACK, what);
    if (st == BN_OK) st = check_cols(k->format, cols);
    if (st == BN_OK) st = check_layout(k->format, layout_rows);
    if (st != BN_OK) return st;
    if (!t || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: NULL buffer", what);
    for (size_t r = 0; r < rows; r++)
        for (size_t c = 0; c < cols; c++)
            if (t[r * t_stride + c] < -1 || t[r * t_stride + c] > 1)
                return bn_fail(BN_E_CORRUPT, "%s: weight (%zu, %zu) = %d is not ternary", what, r, c,
                               t[r * t_stride + c]);
    TIMED(k, (uint64_t)rows * cols, k->fn.pack(rows, cols, t, t_stride, scale, layout_rows, out));
    return BN_OK;
}

bn_status bn_weights_unpack(const bn_kernel *k, const bn_weights *w, int8_t *t, size_t t_stride)
{
    const char *what = "bn_weights_unpack";
    bn_status st = check_kernel(k, BN_OP_UNPACK, what);
    if (st == BN_OK) st = check_weights(k, w, what);
    if (st != BN_OK) return st;
    if (!t) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: out is NULL", what);
    TIMED(k, (uint64_t)w->rows * row_bytes(w->format, w->cols), k->fn.unpack(w, t, t_stride));
    return BN_OK;
}

bn_status bn_lut_build(const bn_kernel *k, size_t n, size_t cols, const int8_t *q, size_t q_stride,
                       uint8_t *lut, size_t lut_stride)
{
    const char *what = "bn_lut_build";
    bn_status st = check_kernel(k, BN_OP_LUT, what);
    if (st == BN_OK) st = check_cols(k->format, cols);
    if (st != BN_OK) return st;
    if (!q || !lut) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: NULL buffer", what);
    TIMED(k, (uint64_t)n * cols, k->fn.lut(n, cols, q, q_stride, lut, lut_stride));
    return BN_OK;
}

/* ---- the matmuls: argument checks shared with the thread pool (dispatch/pool.c), so a
 *      parallel call is checked exactly like a single-threaded one. */

uint64_t bn_matmul_bytes(const bn_weights *w, size_t r0, size_t r1)
{
    return (uint64_t)(r1 - r0) * row_bytes(w->format, w->cols);
}

bn_status bn_gemv_check(const char *what, const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1,
                        const bn_act *x, const float *y)
{
    bn_status st = check_kernel(k, BN_OP_GEMV, what);
    if (st == BN_OK && !is_ternary(k->format) && k->format != BN_FORMAT_Q8)
        st = bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is not a ternary GEMV or a Q8 GEMV (use bn_f16_gemv)",
                     what, k->name);
    if (st == BN_OK) st = check_weights(k, w, what);
    if (st == BN_OK) st = check_rows(w, r0, r1, what);
    if (st == BN_OK) st = check_act(k, x, 1, what);
    if (st != BN_OK) return st;
    if (!y) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: y is NULL", what);
    return BN_OK;
}

bn_status bn_gemm_check(const char *what, const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1,
                        size_t n, const bn_act *x, const float *y, size_t y_stride)
{
    bn_status st = check_kernel(k, BN_OP_GEMM, what);
    if (st == BN_OK) st = check_weights(k, w, what);
    if (st == BN_OK) st = check_rows(w, r0, r1, what);
    if (st == BN_OK) st = check_act(k, x, n, what);
    if (st != BN_OK) return st;
    if (!y || (n > 1 && y_stride < r1 * sizeof(float)))
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: y is NULL or y_stride %zu < %zu", what, y_stride,
                       r1 * sizeof(float));
    return BN_OK;
}

bn_status bn_f16_gemv_check(const char *what, const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1,
                            const float *x, const float *y)
{
    bn_status st = check_kernel(k, BN_OP_GEMV, what);
    if (st == BN_OK && k->format != BN_FORMAT_F16)
        st = bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is not an F16 kernel", what, k->name);
    if (st == BN_OK) st = check_weights(k, w, what);
    if (st == BN_OK) st = check_rows(w, r0, r1, what);
    if (st != BN_OK) return st;
    if (!x || !y) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: NULL x or y", what);
    return BN_OK;
}

bn_status bn_gemv(const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1, const bn_act *x, float *y)
{
    bn_status st = bn_gemv_check("bn_gemv", k, w, r0, r1, x, y);
    if (st != BN_OK) return st;
    TIMED(k, bn_matmul_bytes(w, r0, r1), k->fn.gemv(w, r0, r1, x, y));
    return BN_OK;
}

bn_status bn_gemm(const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1, size_t n, const bn_act *x,
                  float *y, size_t y_stride)
{
    bn_status st = bn_gemm_check("bn_gemm", k, w, r0, r1, n, x, y, y_stride);
    if (st != BN_OK) return st;
    TIMED(k, bn_matmul_bytes(w, r0, r1), k->fn.gemm(w, r0, r1, n, x, y, y_stride));
    return BN_OK;
}

bn_status bn_f16_gemv(const bn_kernel *k, const bn_weights *w, size_t r0, size_t r1, const float *x, float *y)
{
    bn_status st = bn_f16_gemv_check("bn_f16_gemv", k, w, r0, r1, x, y);
    if (st != BN_OK) return st;
    TIMED(k, bn_matmul_bytes(w, r0, r1), k->fn.f16_gemv(w, r0, r1, x, y));
    return BN_OK;
}

/* ---- F32: dense float steps of attention */

/* A row-major block of `rows` rows of `cols` floats: a non-NULL, float-aligned pointer and a
 * stride that is a whole number of floats, at least one row (unless there is one row). */
static bn_status check_f32_block(const char *what, const char *name, const void *p, size_t rows, size_t cols,
                                 size_t stride)
{
    if (!p) return bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is NULL", what, name);
    if (cols > SIZE_MAX / sizeof(float) / 2)
        return bn_fail(BN_E_RANGE, "%s: %s has %zu floats per row, too many to address", what, name, cols);
    if ((uintptr_t)p % sizeof(float))
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s = %p is not aligned to a float", what, name, p);
    if (rows > 1 && (stride % sizeof(float) || stride < cols * sizeof(float)))
        return bn_fail(BN_E_INVALID_ARGUMENT,
                       "%s: %s stride %zu bytes must be a multiple of 4 and at least %zu (%zu floats)", what,
                       name, stride, cols * sizeof(float), cols);
    if (rows > 1 && (rows - 1) > (SIZE_MAX - cols * sizeof(float)) / stride)
        return bn_fail(BN_E_RANGE, "%s: %s of %zu rows at stride %zu overflows", what, name, rows, stride);
    return BN_OK;
}

/* Bytes from the first to one past the last element of a block. */
static size_t f32_block_span(size_t rows, size_t cols, size_t stride)
{
    return (rows - 1) * stride + cols * sizeof(float);
}

static bool spans_overlap(const void *p, size_t p_bytes, const void *q, size_t q_bytes)
{
    uintptr_t a = (uintptr_t)p, b = (uintptr_t)q;
    return a < b + q_bytes && b < a + p_bytes;
}

static bn_status check_f32_kernel(const bn_kernel *k, bn_op op, const char *what)
{
    bn_status st = check_kernel(k, op, what);
    if (st == BN_OK && k->format != BN_FORMAT_F32)
        st = bn_fail(BN_E_INVALID_ARGUMENT, "%s: %s is not an F32 kernel", what, k->name);
    return st;
}

bn_status bn_f32_gemm(const bn_kernel *k, size_t m, size_t n, size_t kk, const float *a, size_t a_stride,
                      const float *b, size_t b_stride, float scale, float *c, size_t c_stride)
{
    const char *what = "bn_f32_gemm";
    bn_status st = check_f32_kernel(k, BN_OP_GEMM, what);
    if (st != BN_OK) return st;
    if (m == 0 || n == 0 || kk == 0)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: m = %zu, n = %zu, k = %zu: every size must be positive",
                       what, m, n, kk);
    st = check_f32_block(what, "A", a, m, kk, a_stride);
    if (st == BN_OK) st = check_f32_block(what, "B", b, kk, n, b_stride);
    if (st == BN_OK) st = check_f32_block(what, "C", c, m, n, c_stride);
    if (st != BN_OK) return st;
    const size_t c_span = f32_block_span(m, n, c_stride);
    if (spans_overlap(c, c_span, a, f32_block_span(m, kk, a_stride)) ||
        spans_overlap(c, c_span, b, f32_block_span(kk, n, b_stride)))
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: C overlaps A or B (the product is not computed in place)",
                       what);
    TIMED(k, ((uint64_t)m * kk + (uint64_t)kk * n) * sizeof(float),
          k->fn.f32_gemm(m, n, kk, a, a_stride, b, b_stride, scale, c, c_stride));
    return BN_OK;
}

bn_status bn_f32_softmax(const bn_kernel *k, size_t rows, size_t len, float *x, size_t x_stride)
{
    const char *what = "bn_f32_softmax";
    bn_status st = check_f32_kernel(k, BN_OP_SOFTMAX, what);
    if (st != BN_OK) return st;
    if (rows == 0 || len == 0)
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: rows = %zu, len = %zu: both must be positive", what, rows,
                       len);
    st = check_f32_block(what, "x", x, rows, len, x_stride);
    if (st != BN_OK) return st;
    TIMED(k, (uint64_t)rows * len * sizeof(float), k->fn.f32_softmax(rows, len, x, x_stride));
    return BN_OK;
}
