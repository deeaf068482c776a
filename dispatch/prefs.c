/*
 * prefs.c - the preference list of every (format, op): kernel symbols, best first.
 *
 * Dispatch walks a list and takes the first kernel this build has, whose ISA the CPU
 * (after overrides) supports.  Every list ends with a scalar kernel, so no slot is ever
 * empty.  The order comes from `make bench` on the machines in docs/performance.md:
 * when a new kernel wins there, move it up here and record the figures in the commit.
 * Names of other architectures' kernels are simply absent from a build and skipped.
 */
#include <stddef.h>

#include "dispatch/dispatch.h"

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

typedef struct preference {
    bn_format format;
    bn_op op;
    const char *const *names; /* best first, NULL-terminated */
} preference;

static const preference preferences[] = {
    {BN_FORMAT_A8, BN_OP_QUANT,
     LIST("bn_a8_quant__avx512", "bn_a8_quant__avx2", "bn_a8_quant__neondot", "bn_a8_quant__neon",
          "bn_a8_quant__scalar")},
    {BN_FORMAT_I2S, BN_OP_QUANT, LIST("bn_i2s_quant__scalar")},
    {BN_FORMAT_I2S, BN_OP_DEQUANT, LIST("bn_i2s_dequant__scalar")},
    {BN_FORMAT_I2S, BN_OP_PACK, LIST("bn_i2s_pack__scalar")},
    {BN_FORMAT_I2S, BN_OP_UNPACK, LIST("bn_i2s_unpack__scalar")},
    {BN_FORMAT_I2S, BN_OP_GEMV,
     LIST("bn_i2s_gemv_1x4__avx512", "bn_i2s_gemv_1x4__avx2", "bn_i2s_gemv_1x4__neondot",
          "bn_i2s_gemv_1x4__neon", "bn_i2s_gemv_1x4__scalar")},
    {BN_FORMAT_I2S, BN_OP_GEMM,
     LIST("bn_i2s_gemm_4x4__avx512", "bn_i2s_gemm_4x2__avx2", "bn_i2s_gemm_4x4__neondot",
          "bn_i2s_gemm_4x4__neon", "bn_i2s_gemm_4x4__scalar")},
    {BN_FORMAT_QK256, BN_OP_QUANT, LIST("bn_qk256_quant__scalar")},
    {BN_FORMAT_QK256, BN_OP_DEQUANT, LIST("bn_qk256_dequant__scalar")},
    {BN_FORMAT_QK256, BN_OP_PACK, LIST("bn_qk256_pack__scalar")},
    {BN_FORMAT_QK256, BN_OP_UNPACK, LIST("bn_qk256_unpack__scalar")},
    {BN_FORMAT_QK256, BN_OP_GEMV,
     LIST("bn_qk256_gemv_1x4__avx512", "bn_qk256_gemv_1x4__avx2", "bn_qk256_gemv_1x4__neondot",
          "bn_qk256_gemv_1x4__neon", "bn_qk256_gemv_1x4__scalar")},
    {BN_FORMAT_QK256, BN_OP_GEMM,
     LIST("bn_qk256_gemm_4x4__avx512", "bn_qk256_gemm_4x2__avx2", "bn_qk256_gemm_4x4__neondot",
          "bn_qk256_gemm_4x4__neon", "bn_qk256_gemm_4x4__scalar")},
    {BN_FORMAT_TL1, BN_OP_QUANT, LIST("bn_tl1_quant__scalar")},
    {BN_FORMAT_TL1, BN_OP_DEQUANT, LIST("bn_tl1_dequant__scalar")},
    {BN_FORMAT_TL1, BN_OP_PACK, LIST("bn_tl1_pack__scalar")},
    {BN_FORMAT_TL1, BN_OP_UNPACK, LIST("bn_tl1_unpack__scalar")},
    {BN_FORMAT_TL1, BN_OP_LUT,
     LIST("bn_tl1_lut__avx512", "bn_tl1_lut__avx2", "bn_tl1_lut__neon", "bn_tl1_lut__scalar")},
    {BN_FORMAT_TL1, BN_OP_GEMV,
     LIST("bn_tl1_gemv_1x64__avx512", "bn_tl1_gemv_1x32__avx2", "bn_tl1_gemv_1x16__neon",
          "bn_tl1_gemv_1x4__scalar")},
    {BN_FORMAT_TL1, BN_OP_GEMM,
     LIST("bn_tl1_gemm_4x64__avx512", "bn_tl1_gemm_4x32__avx2", "bn_tl1_gemm_4x16__neon",
          "bn_tl1_gemm_4x4__scalar")},
    {BN_FORMAT_TL2, BN_OP_QUANT, LIST("bn_tl2_quant__scalar")},
    {BN_FORMAT_TL2, BN_OP_DEQUANT, LIST("bn_tl2_dequant__scalar")},
    {BN_FORMAT_TL2, BN_OP_PACK, LIST("bn_tl2_pack__scalar")},
    {BN_FORMAT_TL2, BN_OP_UNPACK, LIST("bn_tl2_unpack__scalar")},
    {BN_FORMAT_TL2, BN_OP_LUT,
     LIST("bn_tl2_lut__avx512", "bn_tl2_lut__avx2", "bn_tl2_lut__neon", "bn_tl2_lut__scalar")},
    {BN_FORMAT_TL2, BN_OP_GEMV,
     LIST("bn_tl2_gemv_1x64__avx512", "bn_tl2_gemv_1x32__avx2", "bn_tl2_gemv_1x16__neon",
          "bn_tl2_gemv_1x4__scalar")},
    {BN_FORMAT_TL2, BN_OP_GEMM,
     LIST("bn_tl2_gemm_4x64__avx512", "bn_tl2_gemm_4x32__avx2", "bn_tl2_gemm_4x16__neon",
          "bn_tl2_gemm_4x4__scalar")},
    {BN_FORMAT_F16, BN_OP_GEMV,
     LIST("bn_f16_gemv_1x4__avx512", "bn_f16_gemv_1x4__avx2", "bn_f16_gemv_1x4__neon",
          "bn_f16_gemv_1x4__scalar")},
    {BN_FORMAT_F32, BN_OP_GEMM,
     LIST("bn_f32_gemm_4x32__avx512", "bn_f32_gemm_4x16__avx2", "bn_f32_gemm_4x16__neon",
          "bn_f32_gemm_4x8__scalar")},
    {BN_FORMAT_F32, BN_OP_SOFTMAX,
     LIST("bn_f32_softmax__avx512", "bn_f32_softmax__avx2", "bn_f32_softmax__neon",
          "bn_f32_softmax__scalar")},
    {BN_FORMAT_Q8, BN_OP_QUANT, LIST("bn_q8_quant__avx512", "bn_q8_quant__avx2", "bn_q8_quant__scalar")},
    {BN_FORMAT_Q8, BN_OP_GEMV,
     LIST("bn_q8_gemv_1x4__avx512", "bn_q8_gemv_1x4__avx2", "bn_q8_gemv_1x4__neondot", "bn_q8_gemv_1x4__neon",
          "bn_q8_gemv_1x4__scalar")},
};

const char *const *bn_preferences(bn_format fmt, bn_op op)
{
    for (size_t i = 0; i < sizeof preferences / sizeof preferences[0]; i++)
        if (preferences[i].format == fmt && preferences[i].op == op) return preferences[i].names;
    return NULL;
}
