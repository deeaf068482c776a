/*
 * ops.h - the float steps of the forward pass between the ternary matmuls: RMSNorm,
 * rotary embedding, the FFN activations (attention's softmax is an F32 kernel:
 * model/attention.c).  Plain C (no intrinsics: those live in
 * kernels/); written so the compiler vectorises the inner loops.
 */
#ifndef BN_MODEL_OPS_H
#define BN_MODEL_OPS_H

#include <stddef.h>
#include <stdint.h>

/* out = x / sqrt(mean(x^2) + eps) * gain, over n values (gain may be NULL = 1).  The sum
 * of squares is accumulated in double, in eight fixed partial sums (ops.c), so the result
 * is the same whatever the compiler or ISA. */
void bn_rmsnorm(const float *x, const float *gain, size_t n, float eps, float *out);

/* NeoX rotary embedding of one head of `head_dim` values in place: pairs (i, i + rot/2)
 * for i < rot/2 rotate by the angle whose cos/sin are given; dims past rot are kept. */
void bn_rope_neox(float *head, size_t rot, const float *cos_row, const float *sin_row);

/* m[i] = act(g[i]) * u[i]: squared ReLU (bitnet-b1.58) or SiLU (bitnet). */
void bn_relu2_mul(const float *g, const float *u, size_t n, float *m);
void bn_silu_mul(const float *g, const float *u, size_t n, float *m);

/* y[i] *= s for n values (the optional per-tensor scales of the "bitnet" architecture). */
void bn_scale(float *y, size_t n, float s);

/* y += x over n values (the residual connections). */
void bn_add(float *y, const float *x, size_t n);

/* F16 -> F32 of n values (embedding rows). */
void bn_f16_row_to_f32(const uint16_t *h, size_t n, float *out);

#endif /* BN_MODEL_OPS_H */
