/*
 * test_tl_dispatch.c - dispatch of the x86 TL kernels: under every ISA cap this CPU allows,
 * the TL1/TL2 GEMM chosen reads the same weight layout as the GEMV chosen, both come from
 * the capped tier (no silent fall-back to scalar because of a layout mismatch), and the
 * layout is the one tiled layout of every x86 tier (layout_rows 64).
 */
#include <criterion/criterion.h>

#include "bitnet.h"

static void check_tier(const char *cap, bn_isa want)
{
    cr_assert_eq(bn_dispatch_configure(cap, NULL), BN_OK, "BN_ISA=%s: %s", cap, bn_last_error());
    static const bn_format formats[] = {BN_FORMAT_TL1, BN_FORMAT_TL2};
    for (int i = 0; i < 2; i++) {
        const bn_kernel *gemv, *gemm, *lut;
        cr_assert_eq(bn_kernel_select(formats[i], BN_OP_GEMV, &gemv), BN_OK);
        cr_assert_eq(bn_kernel_select(formats[i], BN_OP_GEMM, &gemm), BN_OK);
        cr_assert_eq(bn_kernel_select(formats[i], BN_OP_LUT, &lut), BN_OK);
        const char *name = bn_format_name(formats[i]);
        cr_expect_eq(bn_kernel_isa(gemv), want, "%s GEMV under %s: %s", name, cap, bn_kernel_name(gemv));
        cr_expect_eq(bn_kernel_isa(gemm), want, "%s GEMM under %s: %s", name, cap, bn_kernel_name(gemm));
        cr_expect_eq(bn_kernel_isa(lut), want, "%s LUT under %s: %s", name, cap, bn_kernel_name(lut));
        cr_expect_eq(bn_kernel_layout_rows(gemv), 64u, "%s", bn_kernel_name(gemv));
        cr_expect_eq(bn_kernel_layout_rows(gemm), bn_kernel_layout_rows(gemv), "%s reads %u, %s reads %u",
                     bn_kernel_name(gemm), bn_kernel_layout_rows(gemm), bn_kernel_name(gemv),
                     bn_kernel_layout_rows(gemv));
    }
    bn_dispatch_configure(NULL, NULL);
}

static int cpu_has(bn_isa isa) { return (bn_cpu_detect() & bn_isa_features(isa)) == bn_isa_features(isa); }

Test(tl_dispatch, avx2_tier_pairs_gemv_and_gemm)
{
    if (!cpu_has(BN_ISA_AVX2)) cr_skip_test("CPU lacks AVX2");
    check_tier("avx2", BN_ISA_AVX2);
}

Test(tl_dispatch, avx512_tier_pairs_gemv_and_gemm)
{
    if (!cpu_has(BN_ISA_AVX512)) cr_skip_test("CPU lacks the AVX-512 tier");
    check_tier("avx512", BN_ISA_AVX512);
}

/* The AVX-512 tier's kernels also serve the VBMI tier: no TL kernel needs VBMI. */
Test(tl_dispatch, avx512vbmi_tier_uses_the_avx512_kernels)
{
    if (!cpu_has(BN_ISA_AVX512VBMI)) cr_skip_test("CPU lacks VBMI");
    check_tier("avx512vbmi", BN_ISA_AVX512);
}
