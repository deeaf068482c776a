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
    const bn_kernel *head_q8; /* Q8 output head GEMV (only when the model has a Q8 head) */
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

/* Where a forward pass spends its time, for `bitnet bench`'s decode breakdown: wall time
 * of each step of model/forward.c summed over layers (only while `profile` is set; a
 * clock read costs tens of nanoseconds, a few hundred times per token). */
typedef enum bn_phase {
    BN_PHASE_EMBED, /* token embedding lookup */
    BN_PHASE_NORM, /* RMSNorms, the output norm included */
    BN_PHASE_QUANT, /* A8 quantisation of activations (and TL tables) */
    BN_PHASE_MATMUL, /* ternary GEMV/GEMM, split over the pool */
    BN_PHASE_ROPE, /* RoPE and the KV cache append */
    BN_PHASE_ATTENTION, /* scores, softmax, weighted values */
    BN_PHASE_FFN_ACT, /* squared ReLU or SiLU times up */
    BN_PHASE_RESIDUAL, /* residual adds */
    BN_PHASE_HEAD, /* output head GEMV */
    BN_PHASE_COUNT
} bn_phase;

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
    int8_t *head_q; /* [dim], A8 codes of head_in (Q8 head) */
    float head_scale; /* and their scale */
    int32_t head_qsum; /* and code sum */

    bool profile; /* accumulate phase_ns (see bn_phase) */
    uint64_t phase_ns[BN_PHASE_COUNT];
};

/* The name of a phase ("matmul", ...), for reports. */
const char *bn_phase_name(bn_phase phase);

#endif /* BN_MODEL_CONTEXT_H */
