/* test_x86_dispatch.c - dispatch picks the fastest x86 kernel the CPU and the BN_ISA cap
 * allow for A8 quant, I2_S/QK256 GEMV/GEMM and the F16 head (dispatch/prefs.c order). */
#include <criterion/criterion.h>
#include <string.h>

#include "bitnet.h"

#if defined(__x86_64__)
#define ON_X86 1
#else
#define ON_X86 0
#endif

static const struct {
    bn_format format;
    bn_op op;
    const char *avx512, *avx2, *scalar;
} slots[] = {
    {BN_FORMAT_A8, BN_OP_QUANT, "bn_a8_quant__avx512", "bn_a8_quant__avx2", "bn_a8_quant__scalar"},
    {BN_FORMAT_I2S, BN_OP_GEMV, "bn_i2s_gemv_1x4__avx512", "bn_i2s_gemv_1x4__avx2",
     "bn_i2s_gemv_1x4__scalar"},
    {BN_FORMAT_I2S, BN_OP_GEMM, "bn_i2s_gemm_4x4__avx512", "bn_i2s_gemm_4x2__avx2",
     "bn_i2s_gemm_4x4__scalar"},
    {BN_FORMAT_QK256, BN_OP_GEMV, "bn_qk256_gemv_1x4__avx512", "bn_qk256_gemv_1x4__avx2",
     "bn_qk256_gemv_1x4__scalar"},
    {BN_FORMAT_QK256, BN_OP_GEMM, "bn_qk256_gemm_4x4__avx512", "bn_qk256_gemm_4x2__avx2",
     "bn_qk256_gemm_4x4__scalar"},
    {BN_FORMAT_F16, BN_OP_GEMV, "bn_f16_gemv_1x4__avx512", "bn_f16_gemv_1x4__avx2",
     "bn_f16_gemv_1x4__scalar"},
};

static bool cpu_has(bn_isa isa)
{
    bn_cpu_features need = bn_isa_features(isa);
    return (bn_cpu_detect() & need) == need;
}

/* The kernel selected for every slot under the cap, compared with the expected tier. */
static void expect_tier(const char *cap, int tier)
{
    cr_assert_eq(bn_dispatch_configure(cap, NULL), BN_OK, "configure %s: %s", cap, bn_last_error());
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        const bn_kernel *k = NULL;
        cr_assert_eq(bn_kernel_select(slots[i].format, slots[i].op, &k), BN_OK);
        const char *want = tier == 2 ? slots[i].avx512 : tier == 1 ? slots[i].avx2 : slots[i].scalar;
        cr_expect_str_eq(bn_kernel_name(k), want, "cap %s, %s %s", cap, bn_format_name(slots[i].format),
                         bn_op_name(slots[i].op));
    }
}

Test(x86_dispatch, best_tier_the_cpu_has, .disabled = !ON_X86)
{
    int tier = cpu_has(BN_ISA_AVX512) ? 2 : cpu_has(BN_ISA_AVX2) ? 1 : 0;
    expect_tier("", tier);
}

Test(x86_dispatch, isa_cap_steps_down, .disabled = !ON_X86)
{
    if (cpu_has(BN_ISA_AVX2)) expect_tier("avx2", 1);
    expect_tier("scalar", 0);
    cr_assert_eq(bn_dispatch_configure(NULL, NULL), BN_OK);
}

Test(x86_dispatch, every_x86_kernel_is_registered, .disabled = !ON_X86)
{
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++) {
        const bn_kernel *k = NULL;
        cr_expect_eq(bn_kernel_find(slots[i].avx512, &k), BN_OK, "%s", slots[i].avx512);
        cr_expect_eq(bn_kernel_find(slots[i].avx2, &k), BN_OK, "%s", slots[i].avx2);
    }
}
