/*
 * forward.c - one BitNet b1.58 layer stack over a batch of tokens (docs/MODEL.md).
 *
 *   h = embed(token)
 *   per layer:  x = RMSNorm(h; attn_norm) -> A8 once -> q, k, v (ternary)
 *               RoPE(q, k); append k, v to the cache; a = attention
 *               h += Wo A8(RMSNorm(a; attn_sub_norm))
 *               x = RMSNorm(h; ffn_norm) -> A8 once -> gate, up (ternary)
 *               h += Wdown A8(RMSNorm(act(gate) * up; ffn_sub_norm))
 *   logits = head . RMSNorm(h; output_norm)   (only for the tokens asked for; an int8 head
 *                                              takes A8(RMSNorm(h)) through the Q8 GEMV)
 *
 * Every ternary matmul goes through dispatch (the kernels chosen in context.c), split over
 * the pool's threads by rows.  n == 1 (decode) uses the GEMV, n > 1 (prefill) the GEMM;
 * both are bit-identical to the reference, so the two paths differ only in attention's
 * float summation order.  Nothing here allocates.
 */
#include <stdatomic.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/forward.h"
#include "model/ops.h"

/* A8-quantise rows [r0, r1) of ctx->x (k floats each, row stride k) into the same rows
 * of ctx->act; build their TL tables when the format needs them. */
static bn_status quantize(bn_context *c, size_t r0, size_t r1, size_t k)
{
    bn_act_buf *a = &c->act;
    int8_t *q = a->q + r0 * a->q_stride;
    bn_status st = bn_a8_quantize(c->kernels.a8_quant, r1 - r0, k, c->x + r0 * k, k * sizeof(float), q,
                                  a->q_stride, a->scale + r0, a->qsum + r0);
    if (st == BN_OK && c->kernels.lut)
        st = bn_lut_build(c->kernels.lut, r1 - r0, k, q, a->q_stride, a->lut + r0 * a->lut_stride,
                          a->lut_stride);
    return st;
}

/* out_i[n][w_i->rows] = W_i . act for the n quantised rows in ctx->act, for 1..3 matmuls
 * sharing those activations (one run of the pool), each times the optional per-tensor
 * scale of the "bitnet" architecture. */
static bn_status matmuls(bn_context *c, size_t n, size_t count, const bn_weights *const *w, float *const *out,
                         const float *scale)
{
    const bn_act_buf *a = &c->act;
    bn_act x = {a->q, a->q_stride, a->scale, a->qsum, a->lut, a->lut_stride};
    bn_pool_matmul mm[3];
    for (size_t i = 0; i < count; i++) mm[i] = (bn_pool_matmul){w[i], out[i], w[i]->rows * sizeof(float)};
    bn_status st = n == 1 ? bn_pool_gemv_many(c->pool, c->kernels.gemv, &x, count, mm)
                          : bn_pool_gemm_many(c->pool, c->kernels.gemm, n, &x, count, mm);
    for (size_t i = 0; i < count && st == BN_OK; i++)
        if (scale[i] != 1.0f) bn_scale(out[i], n * w[i]->rows, scale[i]);
    return st;
}

static bn_status matmul(bn_context *c, const bn_weights *w, size_t n, float *out, float scale)
{
    return matmuls(c, n, 1, &w, &out, &scale);
}

static void embed(bn_context *c, const int32_t *tokens, size_t n)
{
    const bn_model *m = c->model;
    const size_t dim = m->hp.dim;
    for (size_t i = 0; i < n; i++) {
        const size_t row = (size_t)tokens[i] * dim;
        if (m->token_embd_type == BN_GGML_F16)
            bn_f16_row_to_f32((const uint16_t *)m->token_embd.data + row, dim, c->h + i * dim);
        else
            memcpy(c->h + i * dim, (const float *)m->token_embd.data + row, dim * sizeof(float));
    }
}

/* RoPE on the q and k heads of n tokens, then append k (transposed per head: [d][pos])
 * and v ([pos][kv_dim]) to the layer's cache (layouts in model/attention.c). */
static void rope_and_cache(bn_context *c, uint32_t layer, size_t n, uint32_t pos0)
{
    const bn_hparams *hp = &c->model->hp;
    const size_t hd = hp->head_dim, kv_dim = (size_t)hp->n_kv_heads * hd, half = hp->rope_dim / 2;
    const size_t n_ctx = c->n_ctx;
    float *kt = c->k_cache + (size_t)layer * hp->n_kv_heads * hd * n_ctx;
    float *vc = c->v_cache + ((size_t)layer * n_ctx + pos0) * kv_dim;
    for (size_t i = 0; i < n; i++) {
        const size_t pos = pos0 + i;
        const float *cs = c->rope_cos + pos * half, *sn = c->rope_sin + pos * half;
        for (size_t h = 0; h < hp->n_heads; h++)
            bn_rope_neox(c->q + i * hp->dim + h * hd, hp->rope_dim, cs, sn);
        for (size_t g = 0; g < hp->n_kv_heads; g++) {
            float *k = c->k + i * kv_dim + g * hd;
            bn_rope_neox(k, hp->rope_dim, cs, sn);
            for (size_t d = 0; d < hd; d++) kt[(g * hd + d) * n_ctx + pos] = k[d];
        }
    }
    memcpy(vc, c->v, n * kv_dim * sizeof(float));
}

/* Run `step` and, when the context profiles, add its wall time to `phase`. */
#define TIMED(c, phase, step)                                        \
    do {                                                             \
        const uint64_t t0_ = (c)->profile ? bn_now_ns() : 0;         \
        step;                                                        \
        if ((c)->profile) (c)->phase_ns[phase] += bn_now_ns() - t0_; \
    } while (0)

/* What goes into a ternary matmul: x = A8(RMSNorm(in; gain)) for n token rows of `width`
 * floats, after in = act(in) * up when `up` is given (the FFN's down projection). */
typedef struct prep_job {
    bn_context *c;
    float *in;
    const float *up, *gain;
    size_t n, width;
    atomic_size_t next_row; /* rows are claimed PREP_ROWS at a time, as the pool's matmuls */
    _Atomic int status;
} prep_job;

#define PREP_ROWS 4

static void activate(const bn_context *c, float *gate, const float *up, size_t count)
{
    if (c->model->arch == BN_ARCH_BITNET_B158)
        bn_relu2_mul(gate, up, count, gate);
    else
        bn_silu_mul(gate, up, count, gate);
}

static bn_status prepare_rows(bn_context *c, const prep_job *j, size_t r0, size_t r1)
{
    const size_t w = j->width;
    if (j->up) activate(c, j->in + r0 * w, j->up + r0 * w, (r1 - r0) * w);
    for (size_t i = r0; i < r1; i++)
        bn_rmsnorm(j->in + i * w, j->gain, w, c->model->hp.norm_eps, c->x + i * w);
    return quantize(c, r0, r1, w);
}

static void prepare_part(void *arg, unsigned t, unsigned threads)
{
    (void)t, (void)threads;
    prep_job *j = arg;
    for (;;) {
        const size_t r0 = atomic_fetch_add_explicit(&j->next_row, PREP_ROWS, memory_order_relaxed);
        if (r0 >= j->n) return;
        bn_status st = prepare_rows(j->c, j, r0, r0 + PREP_ROWS < j->n ? r0 + PREP_ROWS : j->n);
        if (st != BN_OK) atomic_store(&j->status, (int)st);
    }
}

/* One token (decode): inline, each step timed on its own.  A prompt: the rows split over
 * the pool, each row's steps fused while it is in cache (timed together under "norm"). */
static bn_status prepare(bn_context *c, float *in, const float *up, const float *gain, size_t n, size_t width)
{
    prep_job j = {.c = c, .in = in, .up = up, .gain = gain, .n = n, .width = width};
    atomic_init(&j.next_row, 0);
    atomic_init(&j.status, BN_OK);
    bn_status st = BN_OK;
    if (n == 1) {
        if (up) TIMED(c, BN_PHASE_FFN_ACT, activate(c, in, up, width));
        j.up = NULL;
        TIMED(c, BN_PHASE_NORM, bn_rmsnorm(in, gain, width, c->model->hp.norm_eps, c->x));
        TIMED(c, BN_PHASE_QUANT, st = quantize(c, 0, 1, width));
        return st;
    }
    TIMED(c, BN_PHASE_NORM, bn_pool_run(c->pool, prepare_part, &j));
    return (bn_status)atomic_load(&j.status);
}

/* q, k and v of n tokens from the one quantised x. */
static bn_status qkv(bn_context *c, const bn_layer_weights *L, size_t n)
{
    const bn_weights *w[] = {&L->wq, &L->wk, &L->wv};
    float *out[] = {c->q, c->k, c->v};
    const float scale[] = {L->sq, L->sk, L->sv};
    return matmuls(c, n, 3, w, out, scale);
}

/* The FFN's gate and up projections of n tokens from the one quantised x. */
static bn_status gate_up(bn_context *c, const bn_layer_weights *L, size_t n)
{
    const bn_weights *w[] = {&L->wgate, &L->wup};
    float *out[] = {c->gate, c->up};
    const float scale[] = {L->sgate, L->sup};
    return matmuls(c, n, 2, w, out, scale);
}

static bn_status layer_forward(bn_context *c, uint32_t l, size_t n, uint32_t pos0)
{
    const bn_model *m = c->model;
    const bn_hparams *hp = &m->hp;
    const bn_layer_weights *L = &m->layers[l];
    const size_t dim = hp->dim, ffn = hp->ffn_dim;

    /* Attention block: one A8 quantisation of x shared by q, k and v. */
    bn_status st = prepare(c, c->h, NULL, L->attn_norm, n, dim);
    TIMED(c, BN_PHASE_MATMUL, if (st == BN_OK) st = qkv(c, L, n));
    if (st != BN_OK) return st;
    TIMED(c, BN_PHASE_ROPE, rope_and_cache(c, l, n, pos0));
    TIMED(c, BN_PHASE_ATTENTION, st = bn_attention(c, l, n, pos0));
    if (st != BN_OK) return st;
    st = prepare(c, c->attn, NULL, L->attn_sub_norm, n, dim);
    TIMED(c, BN_PHASE_MATMUL, if (st == BN_OK) st = matmul(c, &L->wo, n, c->q, L->so));
    if (st != BN_OK) return st;
    TIMED(c, BN_PHASE_RESIDUAL, bn_add(c->h, c->q, n * dim));

    /* FFN block: one A8 quantisation of x shared by gate and up. */
    st = prepare(c, c->h, NULL, L->ffn_norm, n, dim);
    TIMED(c, BN_PHASE_MATMUL, if (st == BN_OK) st = gate_up(c, L, n));
    if (st == BN_OK) st = prepare(c, c->gate, c->up, L->ffn_sub_norm, n, ffn);
    TIMED(c, BN_PHASE_MATMUL, if (st == BN_OK) st = matmul(c, &L->wdown, n, c->q, L->sdown));
    if (st != BN_OK) return st;
    TIMED(c, BN_PHASE_RESIDUAL, bn_add(c->h, c->q, n * dim));
    return BN_OK;
}

bn_status bn_forward_head(bn_context *c, bn_format head_format, float *logits)
{
    const bn_model *m = c->model;
    bn_status st = BN_OK;
    if (head_format == BN_FORMAT_Q8) { /* int8 head: A8 codes of the normed row, Q8 GEMV */
        if (!c->kernels.head_q8)
            return bn_fail(BN_E_INVALID_ARGUMENT, "the model was loaded without the q8 head (head_format)");
        const size_t dim = m->hp.dim;
        const bn_act x = {c->head_q, dim, &c->head_scale, &c->head_qsum, NULL, 0};
        TIMED(c, BN_PHASE_HEAD,
              st = bn_a8_quantize(c->kernels.a8_quant, 1, dim, c->head_in, dim * sizeof(float), c->head_q,
                                  dim, &c->head_scale, &c->head_qsum);
              if (st == BN_OK) st = bn_pool_gemv(c->pool, c->kernels.head_q8, &m->output_q8, &x, logits));
        return st;
    }
    if (m->output_type == BN_GGML_F16) {
        TIMED(c, BN_PHASE_HEAD,
              st = bn_pool_f16_gemv(c->pool, c->kernels.head, &m->output, c->head_in, logits));
        return st;
    }
    /* An F32 head (the TinyStories conversions): small; one fixed order per row. */
    const uint64_t t0 = c->profile ? bn_now_ns() : 0;
    const float *w = m->output.data;
    for (size_t r = 0; r < m->output.rows; r++) {
        float acc = 0.0f;
        for (size_t k = 0; k < m->output.cols; k++) acc += w[r * m->output.cols + k] * c->head_in[k];
        logits[r] = acc;
    }
    if (c->profile) c->phase_ns[BN_PHASE_HEAD] += bn_now_ns() - t0;
    return BN_OK;
}

/* logits = head . RMSNorm(h_i; output_norm) for one token row of h, with the model's head. */
static bn_status head(bn_context *c, const float *h_row, float *logits)
{
    const bn_model *m = c->model;
    TIMED(c, BN_PHASE_NORM, bn_rmsnorm(h_row, m->output_norm, m->hp.dim, m->hp.norm_eps, c->head_in));
    return bn_forward_head(c, m->head_format, logits);
}

const char *bn_phase_name(bn_phase phase)
{
    static const char *const names[BN_PHASE_COUNT] = {"embed",     "norm",    "quant",    "matmul", "rope",
                                                      "attention", "ffn_act", "residual", "head"};
    return (unsigned)phase < BN_PHASE_COUNT ? names[phase] : "?";
}

bn_status bn_forward(bn_context *c, const int32_t *tokens, size_t n, float *logits, bool all_logits)
{
    const bn_model *m = c->model;
    if (n == 0) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_eval: no tokens");
    if ((size_t)c->pos + n > c->n_ctx)
        return bn_fail(BN_E_RANGE, "context full: %u tokens in the cache + %zu new > context size %u", c->pos,
                       n, c->n_ctx);
    for (size_t i = 0; i < n; i++)
        if (tokens[i] < 0 || (uint32_t)tokens[i] >= m->hp.vocab_size)
            return bn_fail(BN_E_INVALID_ARGUMENT, "token %zu: id %d outside the vocabulary [0, %u)", i,
                           tokens[i], m->hp.vocab_size);
    for (size_t done = 0; done < n;) {
        const size_t chunk = n - done < c->n_batch ? n - done : c->n_batch;
        TIMED(c, BN_PHASE_EMBED, embed(c, tokens + done, chunk));
        for (uint32_t l = 0; l < m->hp.n_layers; l++) {
            bn_status st = layer_forward(c, l, chunk, c->pos);
            if (st != BN_OK) return st;
        }
        if (logits && all_logits)
            for (size_t i = 0; i < chunk; i++) {
                bn_status st = head(c, c->h + i * m->hp.dim, logits + (done + i) * m->hp.vocab_size);
                if (st != BN_OK) return st;
            }
        c->pos += (uint32_t)chunk;
        done += chunk;
        if (done == n && logits && !all_logits) return head(c, c->h + (chunk - 1) * m->hp.dim, logits);
    }
    return BN_OK;
}
