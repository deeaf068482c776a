/*
 * attention.c - causal grouped-query attention over the f32 KV cache.
 *
 * For a batch of n new tokens at positions pos0 .. pos0+n-1, every query head h attends
 * over the cached keys 0 .. pos0+i of its kv head h / (n_heads / n_kv_heads):
 *     S = Q_h K^T / sqrt(head_dim)   (OpenBLAS sgemm: n x L, L = pos0 + n)
 *     row i: softmax over columns 0 .. pos0+i, zero beyond (the causal mask)
 *     O_h = S V                       (sgemm: n x head_dim)
 * Decode (n == 1) groups the query heads that share a kv head into one sgemm of
 * group-size rows.  Heads (or groups) are spread over the pool's threads; each thread has
 * its own score buffer, OpenBLAS runs single-threaded inside.
 */
#include <cblas.h>
#include <math.h>
#include <string.h>

#include "model/forward.h"
#include "model/ops.h"

typedef struct attn_job {
    bn_context *c;
    uint32_t layer, pos0;
    size_t n;
} attn_job;

/* Softmax of row i over its causal window, zero past it. */
static void causal_softmax(float *scores, size_t rows, size_t L, size_t first_valid, size_t per_row)
{
    for (size_t i = 0; i < rows; i++) {
        const size_t valid = first_valid + (i / per_row);
        float *row = scores + i * L;
        bn_softmax(row, valid);
        if (valid < L) memset(row + valid, 0, (L - valid) * sizeof(float));
    }
}

static void attention_worker(void *arg, unsigned t, unsigned threads)
{
    const attn_job *job = arg;
    bn_context *c = job->c;
    const bn_hparams *hp = &c->model->hp;
    const size_t hd = hp->head_dim, dim = hp->dim, kv_dim = (size_t)hp->n_kv_heads * hd;
    const size_t group = hp->n_heads / hp->n_kv_heads, n = job->n, L = job->pos0 + n;
    const float *kc = c->k_cache + (size_t)job->layer * c->n_ctx * kv_dim;
    const float *vc = c->v_cache + (size_t)job->layer * c->n_ctx * kv_dim;
    const float scale = 1.0f / sqrtf((float)hd);
    float *scores = c->scores + (size_t)t * c->n_batch * c->n_ctx;

    if (n == 1) {
        /* Decode: the `group` query heads of a kv head are adjacent in q, one sgemm each. */
        for (size_t g = t; g < hp->n_kv_heads; g += threads) {
            const float *q = c->q + g * group * hd, *k = kc + g * hd, *v = vc + g * hd;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)group, (int)L, (int)hd, scale, q,
                        (int)hd, k, (int)kv_dim, 0.0f, scores, (int)L);
            causal_softmax(scores, group, L, L, group);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)group, (int)hd, (int)L, 1.0f, scores,
                        (int)L, v, (int)kv_dim, 0.0f, c->attn + g * group * hd, (int)hd);
        }
        return;
    }
    for (size_t h = t; h < hp->n_heads; h += threads) {
        const size_t g = h / group;
        const float *q = c->q + h * hd, *k = kc + g * hd, *v = vc + g * hd;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)L, (int)hd, scale, q, (int)dim, k,
                    (int)kv_dim, 0.0f, scores, (int)L);
        causal_softmax(scores, n, L, job->pos0 + 1, 1);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)n, (int)hd, (int)L, 1.0f, scores, (int)L,
                    v, (int)kv_dim, 0.0f, c->attn + h * hd, (int)dim);
    }
}

void bn_attention(bn_context *c, uint32_t layer, size_t n, uint32_t pos0)
{
    attn_job job = {c, layer, pos0, n};
    bn_pool_run(c->pool, attention_worker, &job);
}
