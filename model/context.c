/*
 * context.c - creating an inference context: resolve the kernels once, allocate the KV
 * cache, the RoPE tables and every scratch buffer for the largest batch, start the pool.
 */
#include <math.h>
#include <sleef.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/context.h"
#include "model/forward.h"

static bn_status select_kernels(const bn_model *m, bn_kernel_set *ks)
{
    memset(ks, 0, sizeof *ks);
    bn_format f = m->format;
    bn_status st = bn_kernel_select(BN_FORMAT_A8, BN_OP_QUANT, &ks->a8_quant);
    if (st == BN_OK) st = bn_kernel_select(f, BN_OP_GEMV, &ks->gemv);
    if (st == BN_OK) st = bn_kernel_select(f, BN_OP_GEMM, &ks->gemm);
    if (st == BN_OK && (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2))
        st = bn_kernel_select(f, BN_OP_LUT, &ks->lut);
    if (st == BN_OK) st = bn_kernel_select(BN_FORMAT_F32, BN_OP_GEMM, &ks->attn_gemm);
    if (st == BN_OK) st = bn_kernel_select(BN_FORMAT_F32, BN_OP_SOFTMAX, &ks->attn_softmax);
    if (st == BN_OK && m->output_type == BN_GGML_F16)
        st = bn_kernel_select(BN_FORMAT_F16, BN_OP_GEMV, &ks->head);
    if (st == BN_OK && m->head_format == BN_FORMAT_Q8)
        st = bn_kernel_select(BN_FORMAT_Q8, BN_OP_GEMV, &ks->head_q8);
    if (st != BN_OK) return st;
    /* The weights were packed for the layout dispatch selected at load time; a context
     * created after a re-configuration must still find kernels that read it. */
    unsigned lr = m->layers[0].wq.layout_rows;
    if ((bn_kernel_layout_rows(ks->gemv) && bn_kernel_layout_rows(ks->gemv) != lr) ||
        (bn_kernel_layout_rows(ks->gemm) && bn_kernel_layout_rows(ks->gemm) != lr))
        return bn_fail(
            BN_E_UNSUPPORTED,
            "the model's %s weights are packed with layout_rows %u but the selected kernels %s / %s "
            "read another layout: load the model again after changing BN_ISA/BN_DISABLE",
            bn_format_name(f), lr, bn_kernel_name(ks->gemv), bn_kernel_name(ks->gemm));
    return BN_OK;
}

/* cos/sin of pos * base^(-2i/rope_dim), computed once in double. */
static void rope_tables(bn_context *c)
{
    const bn_hparams *hp = &c->model->hp;
    const size_t half = hp->rope_dim / 2;
    for (size_t i = 0; i < half; i++) {
        const double freq = pow((double)hp->rope_base, -2.0 * (double)i / (double)hp->rope_dim);
        for (size_t p = 0; p < c->n_ctx; p++) {
            Sleef_double2 sc = Sleef_sincos_u10((double)p * freq);
            c->rope_sin[p * half + i] = (float)sc.x;
            c->rope_cos[p * half + i] = (float)sc.y;
        }
    }
}

static void *zalloc(size_t count, size_t size, bool *failed)
{
    void *p = count ? calloc(count, size) : NULL;
    if (count && !p) *failed = true;
    return p;
}

bn_status bn_context_new(const bn_model *m, const bn_context_params *params, bn_context **out)
{
    if (!m || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_context_new: NULL model or out");
    *out = NULL;
    bn_context_params p = params ? *params : (bn_context_params){0};
    const bn_hparams *hp = &m->hp;
    if (p.n_ctx == 0) p.n_ctx = hp->context_length < 4096 ? hp->context_length : 4096;
    if (p.n_ctx > hp->context_length)
        return bn_fail(BN_E_RANGE, "context of %u tokens exceeds the model's context_length %u", p.n_ctx,
                       hp->context_length);
    if (p.n_batch == 0) p.n_batch = 512;
    if (p.n_batch > p.n_ctx) p.n_batch = p.n_ctx;

    bn_context *c = calloc(1, sizeof *c);
    if (!c) return bn_fail(BN_E_NO_MEMORY, "bn_context_new: out of memory");
    c->model = m;
    c->n_ctx = p.n_ctx;
    c->n_batch = p.n_batch;
    bn_status st = select_kernels(m, &c->kernels);
    if (st == BN_OK) st = bn_pool_create(p.n_threads, &c->pool);
    if (st != BN_OK) {
        bn_context_free(c);
        return st;
    }
    c->n_threads = bn_pool_threads(c->pool);

    const size_t kv_dim = (size_t)hp->n_kv_heads * hp->head_dim, dim = hp->dim, ffn = hp->ffn_dim;
    const size_t nb = c->n_batch, wide = ffn > dim ? ffn : dim,
                 cache = (size_t)hp->n_layers * c->n_ctx * kv_dim;
    bool failed = false;
    c->k_cache = zalloc(cache, sizeof(float), &failed);
    c->v_cache = zalloc(cache, sizeof(float), &failed);
    c->rope_cos = zalloc((size_t)c->n_ctx * (hp->rope_dim / 2), sizeof(float), &failed);
    c->rope_sin = zalloc((size_t)c->n_ctx * (hp->rope_dim / 2), sizeof(float), &failed);
    c->h = zalloc(nb * dim, sizeof(float), &failed);
    c->x = zalloc(nb * wide, sizeof(float), &failed);
    c->q = zalloc(nb * dim, sizeof(float), &failed);
    c->k = zalloc(nb * kv_dim, sizeof(float), &failed);
    c->v = zalloc(nb * kv_dim, sizeof(float), &failed);
    c->attn = zalloc(nb * dim, sizeof(float), &failed);
    c->gate = zalloc(nb * ffn, sizeof(float), &failed);
    c->up = zalloc(nb * ffn, sizeof(float), &failed);
    c->scores =
        zalloc((size_t)c->n_threads * (hp->n_heads / hp->n_kv_heads) * c->n_ctx, sizeof(float), &failed);
    c->logits = zalloc(hp->vocab_size, sizeof(float), &failed);
    c->head_in = zalloc(dim, sizeof(float), &failed);
    c->head_q = zalloc(dim, 1, &failed);
    c->act.q_stride = wide;
    c->act.q = zalloc(nb * wide, 1, &failed);
    c->act.scale = zalloc(nb, sizeof(float), &failed);
    c->act.qsum = zalloc(nb, sizeof(int32_t), &failed);
    if (c->kernels.lut) {
        size_t lut_dim, lut_ffn;
        bn_lut_bytes(m->format, dim, &lut_dim);
        bn_lut_bytes(m->format, ffn, &lut_ffn);
        c->act.lut_stride = lut_dim > lut_ffn ? lut_dim : lut_ffn;
        c->act.lut = zalloc(nb * c->act.lut_stride, 1, &failed);
    }
    if (failed) {
        bn_context_free(c);
        return bn_fail(BN_E_NO_MEMORY,
                       "bn_context_new: cannot allocate the KV cache and buffers for %u tokens", p.n_ctx);
    }
    rope_tables(c);
    *out = c;
    return BN_OK;
}

void bn_context_free(bn_context *c)
{
    if (!c) return;
    bn_pool_destroy(c->pool);
    float *floats[] = {c->k_cache, c->v_cache, c->rope_cos, c->rope_sin, c->h,
                       c->x,       c->q,       c->k,        c->v,        c->attn,
                       c->gate,    c->up,      c->scores,   c->logits,   c->head_in};
    for (size_t i = 0; i < sizeof floats / sizeof floats[0]; i++) free(floats[i]);
    free(c->act.q), free(c->act.scale), free(c->act.qsum), free(c->act.lut), free(c->head_q);
    free(c);
}

void bn_context_reset(bn_context *c)
{
    if (c) c->pos = 0;
}

uint32_t bn_context_pos(const bn_context *c) { return c ? c->pos : 0; }
uint32_t bn_context_size(const bn_context *c) { return c ? c->n_ctx : 0; }
