/*
 * registry.h - how the per-format kernel lists (kernels/<fmt>/<fmt>.inc) are expanded.
 *
 * Each list has one line per kernel:
 *
 *   BN_KERNEL(symbol, fmt, op, isa, mr, nr, kr, layout_rows, k_align, overread, err_bound)
 *
 *   symbol       bn_<fmt>_<op>[_<tile>]__<isa>[_<variant>]; the file kernels/<fmt>/<symbol
 *                without bn_>.c defines it (checked by `make lint`)
 *   fmt, op, isa lower-case tokens: i2s qk256 tl1 tl2 a8 f16 f32 q8 / quant dequant pack unpack
 *                lut gemv gemm softmax / scalar avx2 avx512 avx512vbmi neon neondot
 *   mr, nr, kr   register tile: weight rows x tokens per inner step, K per inner step
 *   layout_rows  row interleave of the weights the kernel reads (1 canonical, 0 any)
 *   k_align      K must be a multiple of this
 *   overread     bytes the kernel may read past an input buffer (0 preferred)
 *   err_bound    float kernels: the error bound e of ref/f16.c; 0 for exact kernels
 *
 * The expansion keeps only the kernels of ISAs this target compiles (BN_IF_<isa>), so the
 * lists need no #if.
 */
#ifndef BN_KERNELS_REGISTRY_H
#define BN_KERNELS_REGISTRY_H

#include "kernels/kernel.h"

#if defined(__x86_64__)
#define BN_IF_scalar(...) __VA_ARGS__
#define BN_IF_avx2(...) __VA_ARGS__
#define BN_IF_avx512(...) __VA_ARGS__
#define BN_IF_avx512vbmi(...) __VA_ARGS__
#define BN_IF_neon(...)
#define BN_IF_neondot(...)
#elif defined(__aarch64__)
#define BN_IF_scalar(...) __VA_ARGS__
#define BN_IF_avx2(...)
#define BN_IF_avx512(...)
#define BN_IF_avx512vbmi(...)
#define BN_IF_neon(...) __VA_ARGS__
#define BN_IF_neondot(...) __VA_ARGS__
#else
#define BN_IF_scalar(...) __VA_ARGS__
#define BN_IF_avx2(...)
#define BN_IF_avx512(...)
#define BN_IF_avx512vbmi(...)
#define BN_IF_neon(...)
#define BN_IF_neondot(...)
#endif

/* Function type and union member of (fmt, op): A8, F16 and F32 ops have their own types;
 * Q8 has its own quant type and shares the ternary GEMV type (same arguments). */
#define BN_FNTYPE(fmt, op) BN_FNTYPE_##fmt(op)
#define BN_FNTYPE_a8(op) bn_a8_##op##_fn
#define BN_FNTYPE_f16(op) bn_f16_##op##_fn
#define BN_FNTYPE_f32(op) bn_f32_##op##_fn
#define BN_FNTYPE_q8(op) BN_FNTYPE_q8_##op
#define BN_FNTYPE_q8_quant bn_q8_quant_fn
#define BN_FNTYPE_q8_gemv bn_gemv_fn
#define BN_FNTYPE_i2s(op) bn_##op##_fn
#define BN_FNTYPE_qk256(op) bn_##op##_fn
#define BN_FNTYPE_tl1(op) bn_##op##_fn
#define BN_FNTYPE_tl2(op) bn_##op##_fn
#define BN_FNFIELD(fmt, op) BN_FNFIELD_##fmt(op)
#define BN_FNFIELD_a8(op) a8_##op
#define BN_FNFIELD_f16(op) f16_##op
#define BN_FNFIELD_f32(op) f32_##op
#define BN_FNFIELD_q8(op) BN_FNFIELD_q8_##op
#define BN_FNFIELD_q8_quant q8_quant
#define BN_FNFIELD_q8_gemv gemv
#define BN_FNFIELD_i2s(op) op
#define BN_FNFIELD_qk256(op) op
#define BN_FNFIELD_tl1(op) op
#define BN_FNFIELD_tl2(op) op

/* Enum values of the tokens. */
#define BN_FMT_i2s BN_FORMAT_I2S
#define BN_FMT_qk256 BN_FORMAT_QK256
#define BN_FMT_tl1 BN_FORMAT_TL1
#define BN_FMT_tl2 BN_FORMAT_TL2
#define BN_FMT_a8 BN_FORMAT_A8
#define BN_FMT_f16 BN_FORMAT_F16
#define BN_FMT_f32 BN_FORMAT_F32
#define BN_FMT_q8 BN_FORMAT_Q8
#define BN_OPV_quant BN_OP_QUANT
#define BN_OPV_dequant BN_OP_DEQUANT
#define BN_OPV_pack BN_OP_PACK
#define BN_OPV_unpack BN_OP_UNPACK
#define BN_OPV_lut BN_OP_LUT
#define BN_OPV_gemv BN_OP_GEMV
#define BN_OPV_gemm BN_OP_GEMM
#define BN_OPV_softmax BN_OP_SOFTMAX
#define BN_ISAV_scalar BN_ISA_SCALAR
#define BN_ISAV_avx2 BN_ISA_AVX2
#define BN_ISAV_avx512 BN_ISA_AVX512
#define BN_ISAV_avx512vbmi BN_ISA_AVX512VBMI
#define BN_ISAV_neon BN_ISA_NEON
#define BN_ISAV_neondot BN_ISA_NEONDOT

#endif /* BN_KERNELS_REGISTRY_H */
