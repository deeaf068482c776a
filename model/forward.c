/*
 * forward.c - one BitNet b1.58 layer stack over a batch of tokens (docs/MODEL.md).
 *
 *   h = embed(token)
 *   per layer:  x = RMSNorm(h; attn_norm) -> A8 once -> q, k, v (ternary)
 *               RoPE(q, k); append k, v to the cache; a = attention
 *               h += Wo A8(RMSNorm(a; attn_sub_norm))
 *               x = RMSNorm(h; ffn_norm) -> A8 once -> gate, up (ternary)
 *               h += Wdown A8(RMSNorm(act(gate) * up; ffn_sub_norm))
 *   logits = head . RMSNorm(h; output_norm)   (only for the tokens asked for)
 *
 * Every ternary matmul goes through dispatch (the kernels chosen in context.c), split over
 * the pool's threads by rows.  n == 1 (decode) uses the GEMV, n > 1 (prefill) the GEMM;
 * both are bit-identical to the reference, so the two paths differ only in attention's
 * float summation order.  Nothing here allocates.
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/forward.h"
#include "model/ops.h"

/* A8-quantise n rows of k floats (row stride `stride` floats) into ctx->act; build TL
 * tables when the format needs them. */
static bn_status quantize(bn_context *c, const float *x, size_t n, size_t k, size_t stride)
{
    bn_act_buf *a = &c->act;
    bn_status st = bn_a8_quantize(c->kernels.a8_quant, n, k, x, stride * sizeof(float), a->q, a->q_stride,
                                  a->scale, a->qsum);
    if (st == BN_OK && c->kernels.lut)
        st = bn_lut_build(c->kernels.lut, n, k, a->q, a->q_stride, a->lut, a->lut_stride);
    return st;
}

/* out[n][w->rows] = W . act for the n quantised rows in ctx->act, times the optional
 * per-tensor scale of the "bitnet" architecture. */
static bn_status matmul(bn_context *c, const bn_weights *w, size_t n, float *out, float scale)
{
    const bn_act_buf *a = &c->act;
    bn_act x = {a->q, a->q_stride, a->scale, a->qsum, a->lut, a->lut_stride};
    bn_status st = n == 1 ? bn_pool_gemv(c->pool, c->kernels.gemv, w, &x, out)
                          : bn_pool_gemm(c->pool, c->kernels.gemm, w, n, &x, out, w->rows * sizeof(float));
    if (st == BN_OK && scale != 1.0f) bn_scale(out, n * w->rows, scale);
    return st;
}

static void norm_rows(const float *in, size_t in_stride, const float *gain, size_t n, size_t width, float eps,
                      float *out, size_t out_stride)
{
    for (size_t i = 0; i < n; i++) bn_rmsnorm(in + i * in_stride, gain, width, eps, out + i * out_stride);
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

static bn_status layer_forward(bn_context *c, uint32_t l, size_t n, uint32_t pos0)
{
    const bn_model *m = c->model;
    const bn_hparams *hp = &m->hp;
    const bn_layer_weights *L = &m->layers[l];
    const size_t dim = hp->dim, ffn = hp->ffn_dim;
    const float eps = hp->norm_eps;

    /* Attention block: one A8 quantisation of x shared by q, k and v. */
    norm_rows(c->h, dim, L->attn_norm, n, dim, eps, c->x, dim);
    bn_status st = quantize(c, c->x, n, dim, dim);
    if (st == BN_OK) st = matmul(c, &L->wq, n, c->q, L->sq);
    if (st == BN_OK) st = matmul(c, &L->wk, n, c->k, L->sk);
    if (st == BN_OK) st = matmul(c, &L->wv, n, c->v, L->sv);
    if (st != BN_OK) return st;
    rope_and_cache(c, l, n, pos0);
    st = bn_attention(c, l, n, pos0);
    if (st != BN_OK) return st;
    norm_rows(c->attn, dim, L->attn_sub_norm, n, dim, eps, c->x, dim);
    st = quantize(c, c->x, n, dim, dim);
    if (st == BN_OK) st = matmul(c, &L->wo, n, c->q, L->so);
    if (st != BN_OK) return st;
    bn_add(c->h, c->q, n * dim);

    /* FFN block: one A8 quantisation of x shared by gate and up. */
    norm_rows(c->h, dim, L->ffn_norm, n, dim, eps, c->x, dim);
    st = quantize(c, c->x, n, dim, dim);
    if (st == BN_OK) st = matmul(c, &L->wgate, n, c->gate, L->sgate);
    if (st == BN_OK) st = matmul(c, &L->wup, n, c->up, L->sup);
    if (st != BN_OK) return st;
    if (m->arch == BN_ARCH_BITNET_B158)
        bn_relu2_mul(c->gate, c->up, n * ffn, c->gate);
    else
        bn_silu_mul(c->gate, c->up, n * ffn, c->gate);
    norm_rows(c->gate, ffn, L->ffn_sub_norm, n, ffn, eps, c->x, ffn);
    st = quantize(c, c->x, n, ffn, ffn);
    if (st == BN_OK) st = matmul(c, &L->wdown, n, c->q, L->sdown);
    if (st != BN_OK) return st;
    bn_add(c->h, c->q, n * dim);
    return BN_OK;
}

/* logits = head . RMSNorm(h_i; output_norm) for one token row of h. */
static bn_status head(bn_context *c, const float *h_row, float *logits)
{
    const bn_model *m = c->model;
    bn_rmsnorm(h_row, m->output_norm, m->hp.dim, m->hp.norm_eps, c->head_in);
    if (m->output_type == BN_GGML_F16)
        return bn_pool_f16_gemv(c->pool, c->kernels.head, &m->output, c->head_in, logits);
    /* An F32 head (the TinyStories conversions): small; one fixed order per row. */
    const float *w = m->output.data;
    for (size_t r = 0; r < m->output.rows; r++) {
        float acc = 0.0f;
        for (size_t k = 0; k < m->output.cols; k++) acc += w[r * m->output.cols + k] * c->head_in[k];
        logits[r] = acc;
    }
    return BN_OK;
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
        embed(c, tokens + done, chunk);
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
