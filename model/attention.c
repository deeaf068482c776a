/*
 * attention.c - causal grouped-query attention over the f32 KV cache, in one fixed
 * arithmetic order, computed by the F32 kernels (docs/formats.md, "F32").
 *
 * For the query heads h of kv head g = h / (n_heads/n_kv_heads) at position p, with
 * len = p + 1 keys:
 *     S[h][t] = (sum over d = 0, 1, ..., head_dim-1 of q[h][d] * kT[d][t]) * (1/sqrt(head_dim))
 *     W[h]    = softmax(S[h][0..len-1])
 *     O[h][d] = sum over t = 0, 1, ..., len-1 of W[h][t] * V[t][d]
 * The scores and the outputs are F32 GEMMs (every sum from +0 in index order, multiply
 * and add rounded separately, the scale multiplied after the sum), the weights one F32
 * softmax over the group's rows; every F32 kernel gives the same bits.  A position is
 * computed the same way whether its token comes alone (decode) or inside a prompt batch
 * (prefill), so the two give bit-identical results, and so do all ISA caps.
 *
 * Cache layout (context.c): keys [layer][kv_head][head_dim][n_ctx] (transposed per head:
 * B of the score GEMM, row stride n_ctx), values [layer][position][kv_dim] (B of the
 * output GEMM, row stride kv_dim).  Only keys and values 0 .. p are read.  (KV head,
 * batch row) pairs are claimed by the pool's threads in turn; the group's query heads are
 * one GEMM of `group` rows, so each key and value row is loaded once for all of them.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>

#include "dispatch/dispatch.h"
#include "model/forward.h"

typedef struct attn_job {
    bn_context *c;
    uint32_t layer, pos0;
    size_t n;
    atomic_size_t next_item; /* work items claimed in turn, see attention_worker */
    atomic_int failed; /* the first failing worker writes why */
    char why[512];
} attn_job;

/* Scores, softmax and outputs of the `group` query heads of kv head g at batch row i. */
static bn_status attend(const attn_job *job, size_t g, size_t i, float *s)
{
    bn_context *c = job->c;
    const bn_hparams *hp = &c->model->hp;
    const size_t hd = hp->head_dim, dim = hp->dim, kv_dim = (size_t)hp->n_kv_heads * hd;
    const size_t group = hp->n_heads / hp->n_kv_heads, n_ctx = c->n_ctx;
    const size_t len = job->pos0 + i + 1; /* causal: keys 0 .. pos0 + i */
    const float *kt = c->k_cache + (((size_t)job->layer * hp->n_kv_heads + g) * hd) * n_ctx;
    const float *v = c->v_cache + (size_t)job->layer * n_ctx * kv_dim + g * hd;
    const float *q = c->q + i * dim + g * group * hd;
    float *o = c->attn + i * dim + g * group * hd;
    const size_t f = sizeof(float);
    bn_status st = bn_f32_gemm(c->kernels.attn_gemm, group, len, hd, q, hd * f, kt, n_ctx * f,
                               1.0f / sqrtf((float)hd), s, n_ctx * f);
    if (st == BN_OK) st = bn_f32_softmax(c->kernels.attn_softmax, group, len, s, n_ctx * f);
    if (st == BN_OK)
        st = bn_f32_gemm(c->kernels.attn_gemm, group, hd, len, s, n_ctx * f, v, kv_dim * f, 1.0f, o, hd * f);
    return st;
}

/* Work items are (kv head g, batch row i) pairs, claimed from one cursor so that neither
 * the number of kv heads (5 in 2B4T: a fixed split over 2 threads would be 3:2) nor a
 * busy core unbalances the threads.  Later rows attend over more keys, so they are
 * handed out first: the last claims are the cheapest. */
static void attention_worker(void *arg, unsigned thread, unsigned threads)
{
    (void)threads;
    attn_job *job = arg;
    bn_context *c = job->c;
    const bn_hparams *hp = &c->model->hp;
    const size_t group = hp->n_heads / hp->n_kv_heads, kv_heads = hp->n_kv_heads;
    float *s = c->scores + (size_t)thread * group * c->n_ctx; /* [group][n_ctx] per thread */
    for (;;) {
        const size_t item = atomic_fetch_add_explicit(&job->next_item, 1, memory_order_relaxed);
        if (item >= kv_heads * job->n) return;
        const size_t i = job->n - 1 - item / kv_heads, g = item % kv_heads;
        if (attend(job, g, i, s) != BN_OK) {
            int expected = 0;
            if (atomic_compare_exchange_strong(&job->failed, &expected, 1))
                snprintf(job->why, sizeof job->why, "%s", bn_last_error());
            return;
        }
    }
}

bn_status bn_attention(bn_context *c, uint32_t layer, size_t n, uint32_t pos0)
{
    attn_job job = {.c = c, .layer = layer, .pos0 = pos0, .n = n};
    atomic_init(&job.next_item, 0);
    atomic_init(&job.failed, 0);
    bn_pool_run(c->pool, attention_worker, &job);
    if (atomic_load(&job.failed))
        return bn_fail(BN_E_INVALID_ARGUMENT, "attention, layer %u, positions %u..%zu: %s", layer, pos0,
                       pos0 + n - 1, job.why);
    return BN_OK;
}
