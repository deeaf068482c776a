/*
 * attention.c - causal grouped-query attention over the f32 KV cache, in one fixed
 * arithmetic order.
 *
 * For query row i at position p (keys 0..p of its kv head g = h / (n_heads/n_kv_heads)):
 *     s[t] = (sum over d = 0, 1, ..., head_dim-1 of q[d] * k[t][d]) * (1/sqrt(head_dim))
 *     w    = softmax(s[0..p])                                   (model/ops.c)
 *     o[d] = sum over t = 0, 1, ..., p of w[t] * v[t][d]
 * Every sum runs in that index order with separate multiply and add (no FMA), and every
 * output is computed the same way whether the token comes alone (decode) or inside a
 * prompt batch (prefill).  So prefill and token-by-token decoding give bit-identical
 * results, and so do all ISA caps (the ternary kernels being bit-exact too).  The order
 * still vectorises: the key cache is stored transposed per head ([d][t]), so the score
 * loop runs over t with unit stride, and the value loop runs over d with unit stride.
 *
 * Cache layout (context.c): keys [layer][kv_head][head_dim][n_ctx], values
 * [layer][position][kv_dim].  Heads are spread over the pool's threads; the query heads
 * of one kv head are done together so each key row is loaded once for all of them.
 */
#include <math.h>
#include <string.h>

#include "model/forward.h"
#include "model/ops.h"

typedef struct attn_job {
    bn_context *c;
    uint32_t layer, pos0;
    size_t n;
} attn_job;

/* Scores of `group` query heads (q rows group_stride apart) over keys [0, len). */
static void scores_for(const float *q, size_t group, size_t group_stride, const float *kt, size_t n_ctx,
                       size_t hd, size_t len, float scale, float *s, size_t s_stride)
{
    for (size_t g = 0; g < group; g++) memset(s + g * s_stride, 0, len * sizeof(float));
    for (size_t d = 0; d < hd; d++) {
        const float *krow = kt + d * n_ctx;
        for (size_t g = 0; g < group; g++) {
            const float qd = q[g * group_stride + d];
            float *sg = s + g * s_stride;
            for (size_t t = 0; t < len; t++) sg[t] += qd * krow[t];
        }
    }
    for (size_t g = 0; g < group; g++)
        for (size_t t = 0; t < len; t++) s[g * s_stride + t] *= scale;
}

/* o[d] = sum_t w[t] v[t][d] for one query head, t in [0, len). */
static void weighted_values(const float *w, const float *v, size_t kv_dim, size_t hd, size_t len, float *o)
{
    memset(o, 0, hd * sizeof(float));
    for (size_t t = 0; t < len; t++) {
        const float wt = w[t];
        const float *vt = v + t * kv_dim;
        for (size_t d = 0; d < hd; d++) o[d] += wt * vt[d];
    }
}

static void attention_worker(void *arg, unsigned thread, unsigned threads)
{
    const attn_job *job = arg;
    bn_context *c = job->c;
    const bn_hparams *hp = &c->model->hp;
    const size_t hd = hp->head_dim, dim = hp->dim, kv_dim = (size_t)hp->n_kv_heads * hd;
    const size_t group = hp->n_heads / hp->n_kv_heads, n_ctx = c->n_ctx;
    const float scale = 1.0f / sqrtf((float)hd);
    float *s = c->scores + (size_t)thread * group * n_ctx; /* [group][n_ctx] per thread */
    for (size_t g = thread; g < hp->n_kv_heads; g += threads) {
        const float *kt = c->k_cache + (((size_t)job->layer * hp->n_kv_heads + g) * hd) * n_ctx;
        const float *v = c->v_cache + (size_t)job->layer * n_ctx * kv_dim + g * hd;
        for (size_t i = 0; i < job->n; i++) {
            const size_t len = job->pos0 + i + 1; /* causal: keys 0 .. pos0 + i */
            const float *q = c->q + i * dim + g * group * hd;
            scores_for(q, group, hd, kt, n_ctx, hd, len, scale, s, n_ctx);
            for (size_t h = 0; h < group; h++) {
                bn_softmax(s + h * n_ctx, len);
                weighted_values(s + h * n_ctx, v, kv_dim, hd, len, c->attn + i * dim + (g * group + h) * hd);
            }
        }
    }
}

void bn_attention(bn_context *c, uint32_t layer, size_t n, uint32_t pos0)
{
    attn_job job = {c, layer, pos0, n};
    bn_pool_run(c->pool, attention_worker, &job);
}
