/*
 * cpu.c - CPU feature detection.
 *
 * x86_64: cpuid says what the core implements; xgetbv says whether the OS saves the
 * register state (YMM for AVX2, opmask/ZMM for AVX-512).  Both must agree before a feature
 * counts.  aarch64: NEON (Advanced SIMD) is the baseline; the dot-product extension comes
 * from getauxval(AT_HWCAP).  No SIGILL probing anywhere.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "dispatch/dispatch.h"

#if defined(__x86_64__)
#include <cpuid.h>
#elif defined(__aarch64__)
#include <sys/auxv.h>
#endif

static const char *const feature_names[BN_CPU_FEATURE_COUNT] = {
    "avx2",     "fma",      "f16c",       "bmi2",       "avx512f", "avx512bw",
    "avx512vl", "avx512dq", "avx512vnni", "avx512vbmi", "neon",    "dotprod"};

const char *bn_cpu_feature_name(unsigned bit)
{
    return bit < BN_CPU_FEATURE_COUNT ? feature_names[bit] : NULL;
}

int bn_cpu_feature_from_name(const char *name)
{
    for (int i = 0; i < BN_CPU_FEATURE_COUNT; i++)
        if (strcmp(feature_names[i], name) == 0) return i;
    return -1;
}

bn_cpu_features bn_isa_features(bn_isa isa)
{
    const bn_cpu_features avx2 =
        BN_CPU_BIT(BN_CPU_AVX2) | BN_CPU_BIT(BN_CPU_FMA) | BN_CPU_BIT(BN_CPU_F16C) | BN_CPU_BIT(BN_CPU_BMI2);
    const bn_cpu_features avx512 = avx2 | BN_CPU_BIT(BN_CPU_AVX512F) | BN_CPU_BIT(BN_CPU_AVX512BW) |
                                   BN_CPU_BIT(BN_CPU_AVX512VL) | BN_CPU_BIT(BN_CPU_AVX512DQ) |
                                   BN_CPU_BIT(BN_CPU_AVX512VNNI);
    switch (isa) {
    case BN_ISA_SCALAR: return 0;
    case BN_ISA_AVX2: return avx2;
    case BN_ISA_AVX512: return avx512;
    case BN_ISA_AVX512VBMI: return avx512 | BN_CPU_BIT(BN_CPU_AVX512VBMI);
    case BN_ISA_NEON: return BN_CPU_BIT(BN_CPU_NEON);
    case BN_ISA_NEONDOT: return BN_CPU_BIT(BN_CPU_NEON) | BN_CPU_BIT(BN_CPU_DOTPROD);
    case BN_ISA_COUNT: break;
    }
    return ~(bn_cpu_features)0; /* unknown tier: needs everything, so never usable */
}

const char *bn_build_arch(void)
{
#if defined(__x86_64__)
    return "x86_64";
#elif defined(__aarch64__)
    return "aarch64";
#else
    return "other";
#endif
}

bool bn_isa_in_arch(bn_isa isa, const char *arch)
{
    if (!arch) return false;
    bool x86 = strcmp(arch, "x86_64") == 0, arm = strcmp(arch, "aarch64") == 0;
    if (!x86 && !arm && strcmp(arch, "other") != 0) return false;
    switch (isa) {
    case BN_ISA_SCALAR: return true;
    case BN_ISA_AVX2:
    case BN_ISA_AVX512:
    case BN_ISA_AVX512VBMI: return x86;
    case BN_ISA_NEON:
    case BN_ISA_NEONDOT: return arm;
    default: return false;
    }
}

bool bn_isa_in_build(bn_isa isa) { return bn_isa_in_arch(isa, bn_build_arch()); }

static bn_cpu_features detected;
static char model[64] = "unknown";
static pthread_once_t detect_once = PTHREAD_ONCE_INIT;

#if defined(__x86_64__)
static uint64_t read_xcr0(void)
{
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((uint64_t)hi << 32) | lo;
}

static void detect_x86(void)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return;
    bool osxsave = c & (1u << 27), avx = c & (1u << 28);
    bool fma = c & (1u << 12), f16c = c & (1u << 29);
    if (!osxsave || !avx) return;
    uint64_t xcr0 = read_xcr0();
    bool ymm_state = (xcr0 & 0x6) == 0x6; /* SSE and AVX state */
    bool zmm_state = ymm_state && (xcr0 & 0xE0) == 0xE0; /* opmask, ZMM_Hi256, Hi16_ZMM */
    if (!ymm_state) return;
    if (fma) detected |= BN_CPU_BIT(BN_CPU_FMA);
    if (f16c) detected |= BN_CPU_BIT(BN_CPU_F16C);
    if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return;
    if (b & (1u << 5)) detected |= BN_CPU_BIT(BN_CPU_AVX2);
    if (b & (1u << 8)) detected |= BN_CPU_BIT(BN_CPU_BMI2);
    if (zmm_state) {
        if (b & (1u << 16)) detected |= BN_CPU_BIT(BN_CPU_AVX512F);
        if (b & (1u << 17)) detected |= BN_CPU_BIT(BN_CPU_AVX512DQ);
        if (b & (1u << 30)) detected |= BN_CPU_BIT(BN_CPU_AVX512BW);
        if (b & (1u << 31)) detected |= BN_CPU_BIT(BN_CPU_AVX512VL);
        if (c & (1u << 1)) detected |= BN_CPU_BIT(BN_CPU_AVX512VBMI);
        if (c & (1u << 11)) detected |= BN_CPU_BIT(BN_CPU_AVX512VNNI);
    }
}

static void read_model_x86(void)
{
    unsigned regs[12];
    if (!__get_cpuid(0x80000000u, &regs[0], &regs[1], &regs[2], &regs[3]) || regs[0] < 0x80000004u) return;
    for (unsigned i = 0; i < 3; i++)
        __get_cpuid(0x80000002u + i, &regs[4 * i], &regs[4 * i + 1], &regs[4 * i + 2], &regs[4 * i + 3]);
    char brand[49];
    memcpy(brand, regs, 48);
    brand[48] = '\0';
    const char *start = brand;
    while (*start == ' ') start++;
    snprintf(model, sizeof model, "%s", start);
    for (size_t n = strlen(model); n > 0 && model[n - 1] == ' '; n--) model[n - 1] = '\0';
}
#endif

static void detect(void)
{
#if defined(__x86_64__)
    detect_x86();
    read_model_x86();
#elif defined(__aarch64__)
    detected |= BN_CPU_BIT(BN_CPU_NEON); /* Advanced SIMD is mandatory on AArch64 Linux */
    unsigned long hwcap = getauxval(AT_HWCAP);
    if (hwcap & (1ul << 20)) detected |= BN_CPU_BIT(BN_CPU_DOTPROD); /* HWCAP_ASIMDDP */
    snprintf(model, sizeof model, "aarch64");
#endif
}

bn_cpu_features bn_cpu_detect(void)
{
    pthread_once(&detect_once, detect);
    return detected;
}

const char *bn_cpu_model(void)
{
    pthread_once(&detect_once, detect);
    return model;
}
