/* twins.c - the reference twin of every (format, op), and the names of case patterns. */
#include <string.h>

#include "harness/common/harness.h"
#include "ref/ref.h"

#define TERNARY_TWINS(f)                                                                                  \
    [BN_OP_QUANT] = {.quant = bn_##f##_quant__ref}, [BN_OP_DEQUANT] = {.dequant = bn_##f##_dequant__ref}, \
    [BN_OP_PACK] = {.pack = bn_##f##_pack__ref}, [BN_OP_UNPACK] = {.unpack = bn_##f##_unpack__ref},       \
    [BN_OP_GEMV] = {.gemv = bn_##f##_gemv__ref}, [BN_OP_GEMM] = {.gemm = bn_##f##_gemm__ref}

static const bn_kernel_fn twins[BN_FORMAT_COUNT][BN_OP_COUNT] = {
    [BN_FORMAT_A8] = {[BN_OP_QUANT] = {.a8_quant = bn_a8_quant__ref}},
    [BN_FORMAT_I2S] = {TERNARY_TWINS(i2s)},
    [BN_FORMAT_QK256] = {TERNARY_TWINS(qk256)},
    [BN_FORMAT_TL1] = {TERNARY_TWINS(tl1), [BN_OP_LUT] = {.lut = bn_tl1_lut__ref}},
    [BN_FORMAT_TL2] = {TERNARY_TWINS(tl2), [BN_OP_LUT] = {.lut = bn_tl2_lut__ref}},
    [BN_FORMAT_F16] = {[BN_OP_GEMV] = {.f16_gemv = bn_f16_gemv__ref}},
    [BN_FORMAT_F32] = {[BN_OP_GEMM] = {.f32_gemm = bn_f32_gemm__ref},
                       [BN_OP_SOFTMAX] = {.f32_softmax = bn_f32_softmax__ref}},
    [BN_FORMAT_Q8] =
        {[BN_OP_QUANT] = {.q8_quant = bn_q8_quant__ref}, [BN_OP_GEMV] = {.gemv = bn_q8_gemv__ref}},
};

bn_kernel_fn bn_ref_twin(bn_format fmt, bn_op op)
{
    bn_kernel_fn none = {0};
    if ((unsigned)fmt >= BN_FORMAT_COUNT || (unsigned)op >= BN_OP_COUNT) return none;
    return twins[fmt][op];
}

static const char *const pattern_names[BN_PAT_COUNT] = {"random", "plus",  "minus", "zero",    "alt",
                                                        "sparse", "code3", "ties",  "code3all"};

const char *bn_pattern_name(bn_pattern p) { return (unsigned)p < BN_PAT_COUNT ? pattern_names[p] : "?"; }

int bn_pattern_from_name(const char *name)
{
    for (int i = 0; i < BN_PAT_COUNT; i++)
        if (strcmp(pattern_names[i], name) == 0) return i;
    return -1;
}
