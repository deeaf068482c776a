/*
 * context.h - an inference context: the KV cache, the RoPE tables, the kernels chosen for
 * this model, the thread pool, and every scratch buffer the forward pass needs, all
 * allocated once when the context is created.  Evaluating tokens allocates nothing.
 */
#ifndef BN_MODEL_CONTEXT_H
#define BN_MODEL_CONTEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "dispatch/pool.h"
#include "model/model.h"

/* The kernels one context calls, resolved once from dispatch for the model's format. */
typedef struct bn_kernel_set {
    const bn_kernel *a8_quant;
    const bn_kernel *lut; /* TL formats only */
    const bn_kernel *gemv; /* ternary, one token */
    const bn_kernel *gemm; /* ternary, several tokens */
    const bn_kernel *head; /* F16 output head GEMV (NULL for an F32 head) */
    const bn_kernel *attn_gemm; /* F32 GEMM: attention scores and outputs */
    const bn_kernel *attn_softmax; /* F32 softmax: attention weights */
} bn_kernel_set;

/* A8 activations of up to n_batch rows of up to max_k columns. */
typedef struct bn_act_buf {
    int8_t *q;
    float *scale;
    int32_t *qsum;
    uint8_t *lut;
    size_t q_stride, lut_stride;
} bn_act_buf;

struct bn_context {
    const bn_model *model;
    bn_pool *pool;
    bn_kernel_set kernels;
    uint32_t n_ctx, n_batch, n_threads;
    uint32_t pos; /* tokens in the cache */

    /* KV cache, f32: keys [layer][kv_head][head_dim][n_ctx] (transposed per head),
     * values [layer][position][kv_dim] (see model/attention.c). */
    float *k_cache, *v_cache;
    /* RoPE: cos and sin of pos * base^(-2i/rope_dim), [n_ctx][rope_dim/2]. */
    float *rope_cos, *rope_sin;

    /* Scratch, [n_batch][width]: the residual stream, a normed copy, q/k/v, attention
     * output, FFN gate/up, and per-thread attention scores [threads][group][n_ctx]. */
    float *h, *x, *q, *k, *v, *attn, *gate, *up, *scores;
    bn_act_buf act;
    float *logits; /* [vocab] for the last evaluated token */
    float *head_in; /* [dim], the final-normed last token */
};

#endif /* BN_MODEL_CONTEXT_H */
