/*
 * test_calls.c - the public wrappers of dispatch/calls.c: sizes, argument checks (a clear
 * error instead of a crash: NULLs, wrong op or format, K alignment, row ranges, layouts,
 * ISAs the CPU lacks) and the counters they record.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dispatch/dispatch.h"

static const bn_kernel *kernel(bn_format f, bn_op op)
{
    const bn_kernel *k;
    cr_assert_eq(bn_kernel_select(f, op, &k), BN_OK, "%s", bn_last_error());
    return k;
}

/* The call failed with `status` and a message mentioning `needle`. */
#define REFUSED(call, status, needle)                                                                  \
    do {                                                                                               \
        bn_clear_error();                                                                              \
        bn_status st_ = (call);                                                                        \
        cr_expect_eq(st_, status, "%s returned %d (%s)", #call, (int)st_, bn_last_error());            \
        cr_expect(strstr(bn_last_error(), needle) != NULL, "%s: expected '%s' in '%s'", #call, needle, \
                  bn_last_error());                                                                    \
    } while (0)

Test(calls, sizes)
{
    size_t b;
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_I2S, 3, 256, 1, &b), BN_OK);
    cr_expect_eq(b, 3 * 64 + 32);
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_QK256, 3, 300, 1, &b), BN_OK);
    cr_expect_eq(b, 3 * 128 + 32);
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_TL1, 5, 8, 4, &b), BN_OK);
    cr_expect_eq(b, 8 * 2 + 32, "5 rows stored as 8 with interleave 4");
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_TL2, 2, 14, 1, &b), BN_OK);
    cr_expect_eq(b, 2 * (2 + 1 + 1) + 32, "K=14: 4 triples (2 index bytes, 1 sign byte), 2 tail columns");
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_F16, 2, 3, 1, &b), BN_OK);
    cr_expect_eq(b, 12, "F16 has no scale tail");
    REFUSED(bn_weights_bytes(BN_FORMAT_I2S, 3, 100, 1, &b), BN_E_INVALID_ARGUMENT, "not a multiple of 128");
    REFUSED(bn_weights_bytes(BN_FORMAT_TL1, 3, 6, 1, &b), BN_E_INVALID_ARGUMENT,
            "K = 6 is not a multiple of 4");
    REFUSED(bn_weights_bytes(BN_FORMAT_TL2, 3, 7, 1, &b), BN_E_INVALID_ARGUMENT, "multiple of 2");
    REFUSED(bn_weights_bytes(BN_FORMAT_I2S, 3, 128, 4, &b), BN_E_INVALID_ARGUMENT, "has one layout");
    REFUSED(bn_weights_bytes(BN_FORMAT_TL1, 3, 8, 0, &b), BN_E_INVALID_ARGUMENT, "layout_rows must be >= 1");
    REFUSED(bn_weights_bytes(BN_FORMAT_A8, 3, 8, 1, &b), BN_E_INVALID_ARGUMENT, "not a weight format");
    REFUSED(bn_weights_bytes(BN_FORMAT_I2S, 3, 0, 1, &b), BN_E_INVALID_ARGUMENT, "K must be positive");
    REFUSED(bn_weights_bytes(BN_FORMAT_I2S, 3, 128, 1, NULL), BN_E_INVALID_ARGUMENT, "bytes is NULL");
    cr_expect_eq(bn_lut_bytes(BN_FORMAT_TL1, 8, &b), BN_OK);
    cr_expect_eq(b, 4 * 32);
    cr_expect_eq(bn_lut_bytes(BN_FORMAT_TL2, 14, &b), BN_OK);
    cr_expect_eq(b, (4 + 1) * 32);
    REFUSED(bn_lut_bytes(BN_FORMAT_I2S, 128, &b), BN_E_INVALID_ARGUMENT, "i2s has no lookup tables");
}

/* A small I2S problem: 8 rows x 128, one token. */
typedef struct problem {
    int8_t t[8 * 128], q[128];
    uint8_t w[8 * 32 + 32];
    float x[128], s;
    int32_t qsum;
    bn_weights view;
    bn_act act;
} problem;

static void make_problem(problem *p)
{
    for (int i = 0; i < 8 * 128; i++) p->t[i] = (int8_t)(i % 3 - 1);
    for (int i = 0; i < 128; i++) p->x[i] = (float)(i % 7) - 3.0f;
    cr_assert_eq(bn_weights_pack(kernel(BN_FORMAT_I2S, BN_OP_PACK), 8, 128, p->t, 128, 0.5f, 1, p->w), BN_OK);
    cr_assert_eq(
        bn_a8_quantize(kernel(BN_FORMAT_A8, BN_OP_QUANT), 1, 128, p->x, 0, p->q, 128, &p->s, &p->qsum),
        BN_OK);
    p->view = (bn_weights){p->w, 8, 128, 0.5f, 1, BN_FORMAT_I2S};
    p->act = (bn_act){p->q, 128, &p->s, &p->qsum, NULL, 0};
}

Test(calls, counters_count_at_the_call_site)
{
    problem p;
    make_problem(&p);
    const bn_kernel *gemv = kernel(BN_FORMAT_I2S, BN_OP_GEMV);
    float y[8];
    bn_counters_reset();
    cr_expect_eq(bn_kernel_counter(gemv).calls, 0);
    cr_assert_eq(bn_gemv(gemv, &p.view, 0, 8, &p.act, y), BN_OK, "%s", bn_last_error());
    cr_assert_eq(bn_gemv(gemv, &p.view, 4, 8, &p.act, y), BN_OK);
    bn_counter c = bn_kernel_counter(gemv);
    cr_expect_eq(c.calls, 2);
    cr_expect_eq(c.bytes, 8 * 32 + 4 * 32, "weight bytes of the rows each call read");
    cr_expect_eq(bn_weights_tail_scale(&p.view), 0.5f);
    /* a refused call counts nothing */
    cr_expect_eq(bn_gemv(gemv, &p.view, 0, 9, &p.act, y), BN_E_INVALID_ARGUMENT);
    cr_expect_eq(bn_kernel_counter(gemv).calls, 2);
    /* timing off: calls and bytes still counted, no time added */
    bn_counters_timing(0);
    uint64_t ns = bn_kernel_counter(gemv).ns;
    cr_assert_eq(bn_gemv(gemv, &p.view, 0, 8, &p.act, y), BN_OK);
    cr_expect_eq(bn_kernel_counter(gemv).calls, 3);
    cr_expect_eq(bn_kernel_counter(gemv).ns, ns);
    bn_counters_timing(1);
    bn_counters_reset();
    cr_expect_eq(bn_kernel_counter(gemv).calls, 0);
    cr_expect_eq(bn_kernel_counter(NULL).calls, 0);
    /* every op's wrapper counts */
    const bn_kernel *quant = kernel(BN_FORMAT_A8, BN_OP_QUANT), *unpack = kernel(BN_FORMAT_I2S, BN_OP_UNPACK);
    cr_assert_eq(bn_a8_quantize(quant, 1, 128, p.x, 0, p.q, 128, &p.s, &p.qsum), BN_OK);
    cr_assert_eq(bn_weights_unpack(unpack, &p.view, p.t, 128), BN_OK);
    cr_expect_eq(bn_kernel_counter(quant).calls, 1);
    cr_expect_eq(bn_kernel_counter(quant).bytes, 128 * sizeof(float));
    cr_expect_eq(bn_kernel_counter(unpack).calls, 1);
}

Test(calls, wrong_kernel_op_or_format)
{
    problem p;
    make_problem(&p);
    float y[8], out[8 * 128];
    const bn_kernel *gemv = kernel(BN_FORMAT_I2S, BN_OP_GEMV), *gemm = kernel(BN_FORMAT_I2S, BN_OP_GEMM);
    const bn_kernel *f16 = kernel(BN_FORMAT_F16, BN_OP_GEMV), *a8 = kernel(BN_FORMAT_A8, BN_OP_QUANT);
    const bn_kernel *qk_gemv = kernel(BN_FORMAT_QK256, BN_OP_GEMV);
    REFUSED(bn_gemv(NULL, &p.view, 0, 8, &p.act, y), BN_E_INVALID_ARGUMENT, "bn_gemv: kernel is NULL");
    REFUSED(bn_gemv(gemm, &p.view, 0, 8, &p.act, y), BN_E_INVALID_ARGUMENT, "implements gemm, not gemv");
    REFUSED(bn_gemv(f16, &p.view, 0, 8, &p.act, y), BN_E_INVALID_ARGUMENT, "not a ternary GEMV");
    REFUSED(bn_gemv(qk_gemv, &p.view, 0, 8, &p.act, y), BN_E_INVALID_ARGUMENT, "weights are i2s");
    REFUSED(bn_f16_gemv(gemv, &p.view, 0, 8, p.x, y), BN_E_INVALID_ARGUMENT, "not an F16 kernel");
    REFUSED(bn_a8_quantize(gemv, 1, 128, p.x, 0, p.q, 128, &p.s, &p.qsum), BN_E_INVALID_ARGUMENT,
            "implements gemv");
    REFUSED(bn_a8_quantize(kernel(BN_FORMAT_I2S, BN_OP_QUANT), 1, 128, p.x, 0, p.q, 128, &p.s, &p.qsum),
            BN_E_INVALID_ARGUMENT, "not an A8 kernel");
    REFUSED(bn_weights_quantize(a8, 8, 128, out, 512, p.w), BN_E_INVALID_ARGUMENT,
            "not a ternary-format kernel");
    REFUSED(bn_weights_dequantize(gemv, &p.view, out, 512), BN_E_INVALID_ARGUMENT,
            "implements gemv, not dequant");
    REFUSED(bn_lut_build(gemv, 1, 128, p.q, 128, p.w, 32), BN_E_INVALID_ARGUMENT, "not lut");

    /* a kernel whose ISA this build or CPU cannot run: BN_E_UNSUPPORTED */
    struct bn_kernel foreign = *gemv;
    foreign.isa = strcmp(bn_build_arch(), "aarch64") == 0 ? BN_ISA_AVX2 : BN_ISA_NEON;
    REFUSED(bn_gemv(&foreign, &p.view, 0, 8, &p.act, y), BN_E_UNSUPPORTED, "needs ISA");
    if (strcmp(bn_build_arch(), "x86_64") == 0) {
        cr_assert_eq(bn_dispatch_configure("avx2", ""), BN_OK);
        foreign.isa = BN_ISA_AVX512;
        REFUSED(bn_gemv(&foreign, &p.view, 0, 8, &p.act, y), BN_E_UNSUPPORTED, "needs ISA avx512");
        cr_assert_eq(bn_dispatch_configure("", ""), BN_OK);
    }
}

Test(calls, nulls_shapes_and_rows)
{
    problem p;
    make_problem(&p);
    float y[64], out[8 * 128];
    const bn_kernel *gemv = kernel(BN_FORMAT_I2S, BN_OP_GEMV), *gemm = kernel(BN_FORMAT_I2S, BN_OP_GEMM);
    const bn_kernel *a8 = kernel(BN_FORMAT_A8, BN_OP_QUANT), *quant = kernel(BN_FORMAT_I2S, BN_OP_QUANT);
    const bn_kernel *pack = kernel(BN_FORMAT_I2S, BN_OP_PACK), *deq = kernel(BN_FORMAT_I2S, BN_OP_DEQUANT);
    bn_weights w = p.view;
    bn_act x = p.act;

    REFUSED(bn_gemv(gemv, NULL, 0, 8, &x, y), BN_E_INVALID_ARGUMENT, "weights are NULL");
    REFUSED(bn_gemv(gemv, &w, 0, 8, NULL, y), BN_E_INVALID_ARGUMENT, "activations");
    REFUSED(bn_gemv(gemv, &w, 0, 8, &x, NULL), BN_E_INVALID_ARGUMENT, "y is NULL");
    x.scale = NULL;
    REFUSED(bn_gemv(gemv, &w, 0, 8, &x, y), BN_E_INVALID_ARGUMENT, "activations (q, scale, qsum) are NULL");
    x = p.act;
    REFUSED(bn_gemv(gemv, &w, 0, 9, &x, y), BN_E_INVALID_ARGUMENT, "row range [0, 9) outside [0, 8)");
    REFUSED(bn_gemv(gemv, &w, 5, 4, &x, y), BN_E_INVALID_ARGUMENT, "row range [5, 4)");
    w.cols = 100;
    REFUSED(bn_gemv(gemv, &w, 0, 8, &x, y), BN_E_INVALID_ARGUMENT, "K = 100 is not a multiple of 128");
    w = p.view;
    w.layout_rows = 4;
    REFUSED(bn_gemv(gemv, &w, 0, 8, &x, y), BN_E_INVALID_ARGUMENT,
            "i2s has one layout (layout_rows 1), got 4");
    w.layout_rows = 0;
    REFUSED(bn_gemv(gemv, &w, 0, 8, &x, y), BN_E_INVALID_ARGUMENT, "layout_rows must be >= 1");
    w = p.view;
    REFUSED(bn_gemm(gemm, &w, 0, 8, 2, &x, y, 4 * sizeof(float)), BN_E_INVALID_ARGUMENT, "y_stride 16 < 32");
    REFUSED(bn_gemm(gemm, &w, 0, 8, 2, &x, NULL, 32), BN_E_INVALID_ARGUMENT, "y is NULL");

    REFUSED(bn_a8_quantize(a8, 1, 128, NULL, 0, p.q, 128, &p.s, &p.qsum), BN_E_INVALID_ARGUMENT,
            "NULL buffer");
    REFUSED(bn_a8_quantize(a8, 1, 0, p.x, 0, p.q, 128, &p.s, &p.qsum), BN_E_INVALID_ARGUMENT, "K = 0");
    REFUSED(bn_weights_quantize(quant, 8, 100, out, 512, p.w), BN_E_INVALID_ARGUMENT, "multiple of 128");
    REFUSED(bn_weights_quantize(quant, 8, 128, NULL, 512, p.w), BN_E_INVALID_ARGUMENT, "NULL buffer");
    REFUSED(bn_weights_dequantize(deq, &w, NULL, 512), BN_E_INVALID_ARGUMENT, "out is NULL");
    REFUSED(bn_weights_unpack(kernel(BN_FORMAT_I2S, BN_OP_UNPACK), &w, NULL, 128), BN_E_INVALID_ARGUMENT,
            "out is NULL");
    REFUSED(bn_weights_pack(pack, 8, 128, NULL, 128, 1.0f, 1, p.w), BN_E_INVALID_ARGUMENT, "NULL buffer");
    REFUSED(bn_weights_pack(pack, 8, 128, p.t, 128, 1.0f, 2, p.w), BN_E_INVALID_ARGUMENT, "has one layout");
    p.t[130] = 2;
    REFUSED(bn_weights_pack(pack, 8, 128, p.t, 128, 1.0f, 1, p.w), BN_E_CORRUPT,
            "weight (1, 2) = 2 is not ternary");
}

Test(calls, lookup_table_formats)
{
    /* TL1: 8 rows x 8 columns packed with interleave 4. */
    int8_t t[8 * 8], q[8] = {1, -2, 3, -4, 5, -6, 7, -8};
    for (int i = 0; i < 64; i++) t[i] = (int8_t)(i % 3 - 1);
    uint8_t w[4 * 8 / 4 * 8 + 64], lut[8 / 2 * 32];
    float s = 1.0f, y[8];
    int32_t qsum = -4;
    const bn_kernel *pack = kernel(BN_FORMAT_TL1, BN_OP_PACK), *lutk = kernel(BN_FORMAT_TL1, BN_OP_LUT);
    const bn_kernel *gemv; /* the scalar kernel reads any interleave (layout_rows 0) */
    cr_assert_eq(bn_kernel_find("bn_tl1_gemv_1x4__scalar", &gemv), BN_OK);
    cr_assert_eq(bn_kernel_layout_rows(gemv), 0);
    cr_assert_eq(bn_weights_pack(pack, 8, 8, t, 8, 1.0f, 4, w), BN_OK, "%s", bn_last_error());
    REFUSED(bn_lut_build(lutk, 1, 6, q, 8, lut, 128), BN_E_INVALID_ARGUMENT, "K = 6 is not a multiple of 4");
    REFUSED(bn_lut_build(lutk, 1, 8, NULL, 8, lut, 128), BN_E_INVALID_ARGUMENT, "NULL buffer");
    cr_assert_eq(bn_lut_build(lutk, 1, 8, q, 8, lut, 128), BN_OK);
    bn_weights view = {w, 8, 8, 1.0f, 4, BN_FORMAT_TL1};
    bn_act x = {q, 8, &s, &qsum, NULL, 0};
    REFUSED(bn_gemv(gemv, &view, 0, 8, &x, y), BN_E_INVALID_ARGUMENT, "tl1 kernels need lookup tables");
    x.lut = lut, x.lut_stride = 128;
    REFUSED(bn_gemv(gemv, &view, 2, 8, &x, y), BN_E_INVALID_ARGUMENT,
            "r0 = 2 is not a multiple of layout_rows 4");
    cr_expect_eq(bn_gemv(gemv, &view, 4, 8, &x, y), BN_OK, "%s", bn_last_error());
    view.layout_rows = 300;
    REFUSED(bn_gemv(gemv, &view, 0, 8, &x, y), BN_E_INVALID_ARGUMENT, "exceeds 256");

    /* a kernel bound to one tiled layout refuses weights packed in another */
    struct bn_kernel tiled = *gemv;
    tiled.layout_rows = 8;
    view.layout_rows = 4;
    REFUSED(bn_gemv(&tiled, &view, 0, 8, &x, y), BN_E_INVALID_ARGUMENT,
            "reads layout_rows 8, weights have 4");
    REFUSED(bn_weights_unpack(kernel(BN_FORMAT_TL1, BN_OP_UNPACK), NULL, t, 8), BN_E_INVALID_ARGUMENT,
            "weights are NULL");
}

Test(calls, every_wrapper_checks_its_kernel)
{
    problem p;
    make_problem(&p);
    float y[8], out[8 * 128];
    const bn_kernel *gemv = kernel(BN_FORMAT_I2S, BN_OP_GEMV), *f16 = kernel(BN_FORMAT_F16, BN_OP_GEMV);
    REFUSED(bn_gemm(gemv, &p.view, 0, 8, 1, &p.act, y, 32), BN_E_INVALID_ARGUMENT,
            "implements gemv, not gemm");
    REFUSED(bn_weights_unpack(gemv, &p.view, p.t, 128), BN_E_INVALID_ARGUMENT, "implements gemv, not unpack");
    REFUSED(bn_weights_pack(gemv, 8, 128, p.t, 128, 1.0f, 1, p.w), BN_E_INVALID_ARGUMENT,
            "implements gemv, not pack");
    REFUSED(bn_weights_quantize(gemv, 8, 128, out, 512, p.w), BN_E_INVALID_ARGUMENT,
            "implements gemv, not quant");
    REFUSED(bn_a8_quantize(NULL, 1, 128, p.x, 0, p.q, 128, &p.s, &p.qsum), BN_E_INVALID_ARGUMENT,
            "kernel is NULL");

    uint16_t half[4 * 16] = {0};
    bn_weights hw = {half, 4, 16, 1.0f, 1, BN_FORMAT_F16};
    REFUSED(bn_f16_gemv(f16, &hw, 0, 4, NULL, y), BN_E_INVALID_ARGUMENT, "NULL x or y");
    REFUSED(bn_f16_gemv(f16, &hw, 0, 4, p.x, NULL), BN_E_INVALID_ARGUMENT, "NULL x or y");
    REFUSED(bn_f16_gemv(f16, &hw, 2, 5, p.x, y), BN_E_INVALID_ARGUMENT, "row range [2, 5) outside [0, 4)");
    REFUSED(bn_f16_gemv(f16, &p.view, 0, 4, p.x, y), BN_E_INVALID_ARGUMENT, "weights are i2s");
    REFUSED(bn_f16_gemv(f16, NULL, 0, 4, p.x, y), BN_E_INVALID_ARGUMENT, "weights are NULL");
    cr_expect_eq(bn_f16_gemv(f16, &hw, 0, 4, p.x, y), BN_OK, "%s", bn_last_error());
    cr_expect_eq(y[3], 0.0f);
}
