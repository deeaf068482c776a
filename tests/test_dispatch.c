/*
 * test_dispatch.c - feature names, overrides and resolution with synthetic CPUs, the
 * process-wide configuration, and bn_dispatch_describe.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dispatch/dispatch.h"

static const char *other_arch_tier(void) { return strcmp(bn_build_arch(), "aarch64") == 0 ? "avx2" : "neon"; }

/* Every detected feature of this build's architecture. */
static bn_cpu_features all_features(void)
{
    bn_cpu_features m = 0;
    for (int isa = 0; isa < BN_ISA_COUNT; isa++)
        if (bn_isa_in_build((bn_isa)isa)) m |= bn_isa_features((bn_isa)isa);
    return m;
}

/* Every slot resolved to a kernel of its (format, op) that the effective features run. */
static void expect_sound(const bn_resolution *res)
{
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        for (int op = 0; op < BN_OP_COUNT; op++) {
            int idx = res->choice[f][op];
            if (!bn_format_has_op((bn_format)f, (bn_op)op)) {
                cr_expect_eq(idx, -1, "%s %s should have no kernel", bn_format_name(f), bn_op_name(op));
                continue;
            }
            cr_assert(idx >= 0 && (size_t)idx < count, "%s %s unresolved", bn_format_name(f), bn_op_name(op));
            const struct bn_kernel *k = &reg[idx];
            cr_expect(k->format == (bn_format)f && k->op == (bn_op)op, "%s is in the wrong slot", k->name);
            cr_expect_eq(bn_isa_features(k->isa) & ~res->effective, 0, "%s needs features not in effect",
                         k->name);
        }
}

Test(dispatch, feature_names_round_trip)
{
    unsigned n = 0;
    for (; bn_cpu_feature_name(n); n++)
        cr_expect_eq(bn_cpu_feature_from_name(bn_cpu_feature_name(n)), (int)n);
    cr_expect_eq(n, BN_CPU_FEATURE_COUNT);
    cr_expect_eq(bn_cpu_feature_from_name("avx512"), -1, "a tier name is not a feature name");
    cr_expect_eq(bn_cpu_feature_from_name("AVX2"), -1, "names are lower case");
    cr_expect_eq(bn_cpu_feature_from_name(""), -1);
}

Test(dispatch, names_of_formats_ops_isas)
{
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        cr_expect_eq(bn_format_from_name(bn_format_name((bn_format)f)), f);
    for (int o = 0; o < BN_OP_COUNT; o++) cr_expect_eq(bn_op_from_name(bn_op_name((bn_op)o)), o);
    for (int i = 0; i < BN_ISA_COUNT; i++) cr_expect_eq(bn_isa_from_name(bn_isa_name((bn_isa)i)), i);
    cr_expect_eq(bn_format_from_name("i2_s"), -1);
    cr_expect_eq(BN_FORMAT_COUNT, 8); /* ... BN_FORMAT_F32 = 6, BN_FORMAT_Q8 = 7 */
    cr_expect_str_eq(bn_format_name(BN_FORMAT_Q8), "q8");
    cr_expect_str_eq(bn_format_name(BN_FORMAT_COUNT), "?");
    cr_expect_eq(bn_op_from_name(NULL), -1);
    cr_expect_str_eq(bn_isa_name(BN_ISA_COUNT), "?");
    cr_expect_str_eq(bn_format_name((bn_format)99), "?");
    for (int s = 0; s <= BN_E_CONFIG; s++) {
        cr_expect_neq(strlen(bn_status_str((bn_status)s)), 0);
        for (int t = 0; t < s; t++)
            cr_expect_str_neq(bn_status_str((bn_status)s), bn_status_str((bn_status)t));
    }
}

Test(dispatch, isa_tiers_nest)
{
    cr_expect_eq(bn_isa_features(BN_ISA_SCALAR), 0);
    cr_expect_eq(bn_isa_features(BN_ISA_AVX2) & ~bn_isa_features(BN_ISA_AVX512), 0);
    cr_expect_eq(bn_isa_features(BN_ISA_AVX512) & ~bn_isa_features(BN_ISA_AVX512VBMI), 0);
    cr_expect_eq(bn_isa_features(BN_ISA_NEON) & ~bn_isa_features(BN_ISA_NEONDOT), 0);
    cr_expect(bn_isa_features(BN_ISA_AVX512) & BN_CPU_BIT(BN_CPU_AVX512VNNI));
    cr_expect(bn_isa_in_arch(BN_ISA_AVX512, "x86_64") && !bn_isa_in_arch(BN_ISA_AVX512, "aarch64"));
    cr_expect(bn_isa_in_arch(BN_ISA_NEONDOT, "aarch64") && !bn_isa_in_arch(BN_ISA_NEON, "x86_64"));
    cr_expect(bn_isa_in_arch(BN_ISA_SCALAR, "other") && !bn_isa_in_arch(BN_ISA_SCALAR, "riscv"));
}

Test(dispatch, synthetic_cpus)
{
    bn_resolution res;
    /* scalar only: a CPU without any SIMD feature gets scalar kernels everywhere */
    cr_assert_eq(bn_resolve(0, NULL, NULL, &res), BN_OK, "%s", bn_last_error());
    expect_sound(&res);
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        for (int op = 0; op < BN_OP_COUNT; op++)
            if (res.choice[f][op] >= 0) cr_expect_eq(reg[res.choice[f][op]].isa, BN_ISA_SCALAR);

    /* every tier alone, and everything: sound, effective == detected */
    for (int isa = 0; isa < BN_ISA_COUNT; isa++) {
        if (!bn_isa_in_build((bn_isa)isa)) continue;
        cr_assert_eq(bn_resolve(bn_isa_features((bn_isa)isa), "", "", &res), BN_OK, "%s", bn_last_error());
        cr_expect_eq(res.effective, bn_isa_features((bn_isa)isa));
        expect_sound(&res);
    }
    cr_assert_eq(bn_resolve(all_features(), "", "", &res), BN_OK);
    cr_expect_eq(res.effective, all_features());
    expect_sound(&res);
}

Test(dispatch, isa_cap_limits_the_tier)
{
    bn_resolution res;
    for (int isa = 0; isa < BN_ISA_COUNT; isa++) {
        if (!bn_isa_in_build((bn_isa)isa)) continue;
        cr_assert_eq(bn_resolve(all_features(), bn_isa_name((bn_isa)isa), NULL, &res), BN_OK, "%s",
                     bn_last_error());
        cr_expect_eq(res.effective, bn_isa_features((bn_isa)isa), "cap %s", bn_isa_name((bn_isa)isa));
        cr_expect_str_eq(res.isa_cap, bn_isa_name((bn_isa)isa));
        expect_sound(&res);
    }
    /* a cap above what the CPU has does not add features */
    cr_assert_eq(bn_resolve(0, strcmp(bn_build_arch(), "aarch64") == 0 ? "neondot" : "avx512", "", &res),
                 BN_OK);
    cr_expect_eq(res.effective, 0);
}

Test(dispatch, disable_removes_features)
{
    if (strcmp(bn_build_arch(), "x86_64") != 0) cr_skip_test("x86 feature names");
    bn_cpu_features all = all_features();
    bn_resolution res;
    cr_assert_eq(bn_resolve(all, "", "avx512vnni", &res), BN_OK, "%s", bn_last_error());
    cr_expect_eq(res.effective, all & ~BN_CPU_BIT(BN_CPU_AVX512VNNI));
    expect_sound(&res);
    cr_assert_eq(bn_resolve(all, "", "avx512", &res), BN_OK, "%s", bn_last_error());
    cr_expect_eq(res.effective & BN_CPU_BIT(BN_CPU_AVX512F), 0, "a tier name removes its defining feature");
    cr_assert_eq(bn_resolve(all, "", "avx2, fma", &res), BN_OK, "%s", bn_last_error());
    cr_expect_eq(res.effective & (BN_CPU_BIT(BN_CPU_AVX2) | BN_CPU_BIT(BN_CPU_FMA)), 0);
    cr_expect_str_eq(res.disabled, "avx2, fma");
    expect_sound(&res);
    cr_assert_eq(bn_resolve(all, "avx512", "avx512vbmi", &res), BN_OK);
    cr_expect_eq(res.effective, bn_isa_features(BN_ISA_AVX512) & ~BN_CPU_BIT(BN_CPU_AVX512VBMI));
}

/* An override dispatch refuses: BN_E_CONFIG, and the message names the bad word. */
static void refused(const char *cap, const char *disable, const char *word)
{
    bn_resolution res;
    cr_expect_eq(bn_resolve(all_features(), cap, disable, &res), BN_E_CONFIG, "BN_ISA=%s BN_DISABLE=%s", cap,
                 disable);
    cr_expect(strstr(bn_last_error(), word) != NULL, "'%s' not named in: %s", word, bn_last_error());
}

Test(dispatch, unknown_overrides_are_errors)
{
    refused("avx3", "", "avx3");
    refused("AVX2", "", "AVX2");
    refused("", "avx512,sse9", "'sse9'");
    refused("", "scalar", "scalar tier cannot be disabled");
    refused(other_arch_tier(), "", other_arch_tier());
    char long_list[400];
    memset(long_list, 'a', sizeof long_list - 1);
    long_list[sizeof long_list - 1] = '\0';
    refused("", long_list, "too long");
}

Test(dispatch, resolve_for_any_architecture)
{
    bn_resolution res, here;
    bn_cpu_features arm = BN_CPU_BIT(BN_CPU_NEON) | BN_CPU_BIT(BN_CPU_DOTPROD);
    cr_expect_eq(bn_resolve_arch("aarch64", arm, "neondot", "", &res), BN_OK, "%s", bn_last_error());
    cr_expect_eq(res.effective, arm);
    cr_expect_eq(bn_resolve_arch("x86_64", all_features(), "neon", "", &res), BN_E_CONFIG);
    cr_expect(strstr(bn_last_error(), "x86_64") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_resolve_arch("sparc", 0, "", "", &res), BN_E_CONFIG);
    cr_expect(strstr(bn_last_error(), "sparc") != NULL, "%s", bn_last_error());

    /* For this build's architecture, bn_resolve_arch picks the same kernels as bn_resolve. */
    size_t count, all_count;
    const struct bn_kernel *reg = bn_registry(&count), *all = bn_registry_all(&all_count);
    bn_cpu_features masks[] = {0, all_features()};
    for (int m = 0; m < 2; m++) {
        cr_assert_eq(bn_resolve(masks[m], "", "", &here), BN_OK);
        cr_assert_eq(bn_resolve_arch(bn_build_arch(), masks[m], "", "", &res), BN_OK);
        cr_expect_eq(here.effective, res.effective);
        for (int f = 0; f < BN_FORMAT_COUNT; f++)
            for (int op = 0; op < BN_OP_COUNT; op++) {
                cr_assert_eq(here.choice[f][op] < 0, res.choice[f][op] < 0);
                if (here.choice[f][op] >= 0)
                    cr_expect_str_eq(reg[here.choice[f][op]].name, all[res.choice[f][op]].name);
            }
    }
}

Test(dispatch, configure_and_describe)
{
    cr_assert_eq(bn_dispatch_configure("scalar", ""), BN_OK, "%s", bn_last_error());
    cr_expect_str_eq(bn_dispatch_isa_cap(), "scalar");
    cr_expect_eq(bn_cpu_effective(), 0);
    const bn_kernel *k;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMV, &k), BN_OK);
    cr_expect_eq(bn_kernel_isa(k), BN_ISA_SCALAR);

    /* a refused configuration leaves the previous one in force */
    cr_expect_eq(bn_dispatch_configure("avx3", NULL), BN_E_CONFIG);
    cr_expect_str_eq(bn_dispatch_isa_cap(), "scalar");

    char text[8192];
    size_t need = bn_dispatch_describe(text, sizeof text);
    cr_assert_lt(need, sizeof text);
    cr_expect_eq(strlen(text) + 1, need);
    cr_expect(strstr(text, "cpu: ") == text, "%s", text);
    cr_expect(strstr(text, "\ndetected: ") && strstr(text, "\neffective: (none)"), "%s", text);
    cr_expect(strstr(text, "overrides: BN_ISA=scalar BN_DISABLE=(none)"), "%s", text);
    char line[160];
    snprintf(line, sizeof line, "i2s    gemv     -> %s", bn_kernel_name(k));
    cr_expect(strstr(text, line), "no '%s' in:\n%s", line, text);
    cr_expect(strstr(text, "tl2    lut      -> bn_tl2_lut"), "%s", text);
    cr_expect(strstr(text, "i2s    lut") == NULL, "I2S has no LUT op:\n%s", text);

    /* truncation: the needed length is returned and the buffer stays a C string */
    char small[16];
    cr_expect_eq(bn_dispatch_describe(small, sizeof small), need);
    cr_expect_eq(strlen(small), sizeof small - 1);

    cr_assert_eq(bn_dispatch_configure(NULL, NULL), BN_OK);
    cr_expect_str_eq(bn_dispatch_isa_cap(), "");
    cr_expect_eq(bn_cpu_effective(), bn_cpu_detect());
}
