/*
 * loader.c - from a validated GGUF file to a bn_model: architecture, hyperparameters,
 * the tensor inventory (every expected tensor with the right type and shape, nothing left
 * over), and the assembly of the model struct.  Ternary tensors go through
 * loader_ternary.c.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/hugemem.h"
#include "model/loader_internal.h"

/* What a model owns besides the file mapping: small buffers from calloc, and converted
 * ternary weights carved from an arena of 2 MiB-aligned memory advised for huge pages
 * (model/hugemem.h), so that a GEMV streams converted weights with as few page walks as
 * the file's own. */
typedef struct owned_list {
    void **ptrs;
    size_t n, cap;
    bn_huge_arena arena;
} owned_list;

#define ARENA_MIN_BYTES ((size_t)256 << 10) /* smaller buffers: calloc */
#define ARENA_CHUNK_BYTES ((size_t)64 << 20)

bn_load_options bn_load_options_default(void)
{
    bn_load_options o = {BN_LOAD_STRICT, -1, true, NULL, NULL, -1};
    return o;
}

const char *bn_arch_name(bn_arch arch) { return arch == BN_ARCH_BITNET ? "bitnet" : "bitnet-b1.58"; }

void bn_load_warn(bn_load_ctx *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t old = c->m->warnings ? strlen(c->m->warnings) : 0;
    char *w = realloc(c->m->warnings, old + strlen(msg) + 2);
    if (w) {
        memcpy(w + old, msg, strlen(msg));
        w[old + strlen(msg)] = '\n';
        w[old + strlen(msg) + 1] = '\0';
        c->m->warnings = w;
    }
    if (c->opt.warn)
        c->opt.warn(c->opt.warn_ctx, msg);
    else
        fprintf(stderr, "libbitnet: warning: %s: %s\n", bn_gguf_path(c->g), msg);
}

void *bn_load_alloc(bn_load_ctx *c, size_t bytes)
{
    owned_list *o = c->m->owned;
    if (o->n == o->cap) {
        size_t cap = o->cap ? 2 * o->cap : 32;
        void **p = realloc(o->ptrs, cap * sizeof *p);
        if (!p) goto oom;
        o->ptrs = p;
        o->cap = cap;
    }
    void *p;
    if (bytes >= ARENA_MIN_BYTES) {
        if (!(p = bn_huge_arena_alloc(&o->arena, bytes))) goto oom;
    } else {
        if (!(p = calloc(1, bytes ? bytes : 1))) goto oom;
        o->ptrs[o->n++] = p;
    }
    c->m->owned_bytes += bytes;
    return p;
oom:
    bn_fail(BN_E_NO_MEMORY, "%s: out of memory (%zu bytes) while loading", bn_gguf_path(c->g), bytes);
    return NULL;
}

void bn_model_free(bn_model *m)
{
    if (!m) return;
    owned_list *o = m->owned;
    if (o) {
        for (size_t i = 0; i < o->n; i++) free(o->ptrs[i]);
        bn_huge_arena_free(&o->arena);
        free(o->ptrs);
        free(o);
    }
    free(m->layers);
    free(m->warnings);
    bn_gguf_close(m->file);
    free(m);
}

/* ---------------------------------------------------------------- hyperparameters */

static bn_status read_arch(bn_gguf *g, bn_arch *arch)
{
    bn_gguf_str s;
    bn_status st = bn_gguf_get_str(g, "general.architecture", &s);
    if (st == BN_E_NOT_FOUND)
        return bn_fail(BN_E_FORMAT,
                       "%s: key 'general.architecture' is missing (expected 'bitnet-b1.58' or 'bitnet')",
                       bn_gguf_path(g));
    if (st != BN_OK) return st;
    if (bn_gguf_str_eq(s, "bitnet-b1.58"))
        *arch = BN_ARCH_BITNET_B158;
    else if (bn_gguf_str_eq(s, "bitnet"))
        *arch = BN_ARCH_BITNET;
    else
        return bn_fail(
            BN_E_UNSUPPORTED,
            "%s: wrong architecture: general.architecture = '%.*s' (expected 'bitnet-b1.58' or 'bitnet')",
            bn_gguf_path(g), (int)(s.len > 64 ? 64 : s.len), s.ptr);
    return BN_OK;
}

/* An arch-prefixed u32: required (def == NULL) or defaulted. */
static bn_status hp_u32(bn_gguf *g, bn_arch arch, const char *key, const uint32_t *def, uint32_t *out)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", bn_arch_name(arch), key);
    bn_status st = bn_gguf_get_u32(g, full, out);
    if (st == BN_E_NOT_FOUND && def) {
        *out = *def;
        return BN_OK;
    }
    if (st == BN_E_NOT_FOUND)
        return bn_fail(BN_E_FORMAT, "%s: required key '%s' is missing", bn_gguf_path(g), full);
    if (st != BN_OK) return bn_fail(st, "%s: %s", bn_gguf_path(g), bn_last_error());
    if (*out == 0) return bn_fail(BN_E_FORMAT, "%s: key '%s' is 0 (must be positive)", bn_gguf_path(g), full);
    return BN_OK;
}

static bn_status hp_f32(bn_gguf *g, bn_arch arch, const char *key, const float *def, float *out)
{
    char full[128];
    snprintf(full, sizeof full, "%s.%s", bn_arch_name(arch), key);
    bn_status st = bn_gguf_get_f32(g, full, out);
    if (st == BN_E_NOT_FOUND && def) {
        *out = *def;
        return BN_OK;
    }
    if (st == BN_E_NOT_FOUND)
        return bn_fail(BN_E_FORMAT, "%s: required key '%s' is missing", bn_gguf_path(g), full);
    if (st != BN_OK) return bn_fail(st, "%s: %s", bn_gguf_path(g), bn_last_error());
    if (!isfinite(*out) || *out < 0)
        return bn_fail(BN_E_FORMAT, "%s: key '%s' = %g (must be finite and >= 0)", bn_gguf_path(g), full,
                       (double)*out);
    return BN_OK;
}

static bn_status read_hparams(bn_gguf *g, bn_arch arch, bn_hparams *hp)
{
    bn_status st = hp_u32(g, arch, "context_length", NULL, &hp->context_length);
    if (st == BN_OK) st = hp_u32(g, arch, "embedding_length", NULL, &hp->dim);
    if (st == BN_OK) st = hp_u32(g, arch, "block_count", NULL, &hp->n_layers);
    if (st == BN_OK) st = hp_u32(g, arch, "feed_forward_length", NULL, &hp->ffn_dim);
    if (st == BN_OK) st = hp_u32(g, arch, "attention.head_count", NULL, &hp->n_heads);
    if (st == BN_OK) st = hp_u32(g, arch, "attention.head_count_kv", &hp->n_heads, &hp->n_kv_heads);
    if (st == BN_OK) st = hp_f32(g, arch, "attention.layer_norm_rms_epsilon", NULL, &hp->norm_eps);
    static const float default_rope_base = 10000.0f;
    if (st == BN_OK) st = hp_f32(g, arch, "rope.freq_base", &default_rope_base, &hp->rope_base);
    if (st != BN_OK) return st;
    const char *path = bn_gguf_path(g);
    if (hp->dim % hp->n_heads)
        return bn_fail(BN_E_FORMAT, "%s: embedding_length %u is not a multiple of head_count %u", path,
                       hp->dim, hp->n_heads);
    if (hp->n_heads % hp->n_kv_heads)
        return bn_fail(BN_E_FORMAT, "%s: head_count %u is not a multiple of head_count_kv %u", path,
                       hp->n_heads, hp->n_kv_heads);
    hp->head_dim = hp->dim / hp->n_heads;
    if (hp->head_dim % 2)
        return bn_fail(BN_E_FORMAT, "%s: head dimension %u is odd (RoPE rotates pairs)", path, hp->head_dim);
    st = hp_u32(g, arch, "rope.dimension_count", &hp->head_dim, &hp->rope_dim);
    if (st != BN_OK) return st;
    if (hp->rope_dim > hp->head_dim || hp->rope_dim % 2)
        return bn_fail(BN_E_FORMAT, "%s: rope.dimension_count %u must be even and <= the head dimension %u",
                       path, hp->rope_dim, hp->head_dim);
    if (hp->rope_base <= 0) return bn_fail(BN_E_FORMAT, "%s: rope.freq_base must be positive", path);
    /* The vocabulary size is the embedding's row count; a vocab_size key must agree. */
    const bn_gguf_tensor *emb = bn_gguf_find_tensor(g, "token_embd.weight");
    hp->vocab_size = emb && emb->ne[1] <= UINT32_MAX ? (uint32_t)emb->ne[1] : 0;
    uint32_t vocab;
    st = hp_u32(g, arch, "vocab_size", &hp->vocab_size, &vocab);
    if (st != BN_OK) return st;
    if (emb && vocab != hp->vocab_size)
        return bn_fail(BN_E_FORMAT, "%s: %s.vocab_size = %u but token_embd.weight has %u rows", path,
                       bn_arch_name(arch), vocab, hp->vocab_size);
    return BN_OK;
}

/* ---------------------------------------------------------------- the tensor inventory */

enum { KIND_F32 = 1, KIND_EMBED = 2, KIND_TERNARY = 4 };

typedef struct inventory {
    bn_load_ctx *c;
    bool *used; /* per tensor index */
} inventory;

static void type_list(int kind, char *buf, size_t size)
{
    snprintf(buf, size, "%s",
             kind == KIND_F32     ? "F32"
             : kind == KIND_EMBED ? "F16 or F32"
                                  : "I2_S, TQ2_0 or TQ1_0");
}

static bool type_fits(int kind, uint32_t type)
{
    switch (kind) {
    case KIND_F32: return type == BN_GGML_F32;
    case KIND_EMBED: return type == BN_GGML_F16 || type == BN_GGML_F32;
    default: return type == BN_GGML_I2_S || type == BN_GGML_TQ2_0 || type == BN_GGML_TQ1_0;
    }
}

/* Find `name`, check type kind and shape {ne0, ne1} (ne1 = 1 for vectors). */
static bn_status take(inventory *inv, const char *name, bool required, int kind, uint64_t ne0, uint64_t ne1,
                      const bn_gguf_tensor **out)
{
    bn_gguf *g = inv->c->g;
    char types[32];
    type_list(kind, types, sizeof types);
    const bn_gguf_tensor *t = bn_gguf_find_tensor(g, name);
    *out = t;
    if (!t) {
        if (!required) return BN_OK;
        return bn_fail(BN_E_FORMAT, "%s: missing tensor '%s' (expected %s {%llu, %llu})", bn_gguf_path(g),
                       name, types, (unsigned long long)ne0, (unsigned long long)ne1);
    }
    inv->used[t - bn_gguf_tensor_at(g, 0)] = true;
    if (!type_fits(kind, t->type)) {
        const char *tn = bn_ggml_type_name(t->type);
        return bn_fail(BN_E_FORMAT, "%s: tensor '%s' has type %s (%u), expected %s", bn_gguf_path(g), name,
                       tn ? tn : "?", t->type, types);
    }
    if (t->ne[0] != ne0 || t->ne[1] != ne1 || t->ne[2] != 1 || t->ne[3] != 1)
        return bn_fail(BN_E_FORMAT,
                       "%s: tensor '%s' has wrong shape {%llu, %llu, %llu, %llu}, expected {%llu, %llu}",
                       bn_gguf_path(g), name, (unsigned long long)t->ne[0], (unsigned long long)t->ne[1],
                       (unsigned long long)t->ne[2], (unsigned long long)t->ne[3], (unsigned long long)ne0,
                       (unsigned long long)ne1);
    return BN_OK;
}

/* F32 data as a float pointer: in place when aligned, else copied (alignment 1 and 2 are
 * legal GGUF, unaligned float loads are not legal C). */
static bn_status f32_view(bn_load_ctx *c, const bn_gguf_tensor *t, const float **out)
{
    if ((uintptr_t)t->data % sizeof(float) == 0) {
        *out = t->data;
        return BN_OK;
    }
    size_t bytes = (size_t)bn_gguf_tensor_needed(c->g, t);
    void *copy = bn_load_alloc(c, bytes);
    if (!copy) return BN_E_NO_MEMORY;
    memcpy(copy, t->data, bytes);
    *out = copy;
    return BN_OK;
}

static bn_status take_f32(inventory *inv, const char *name, uint64_t n, const float **out)
{
    const bn_gguf_tensor *t;
    bn_status st = take(inv, name, true, KIND_F32, n, 1, &t);
    return st == BN_OK ? f32_view(inv->c, t, out) : st;
}

static bn_status take_ternary(inventory *inv, const char *name, uint64_t k, uint64_t m, bn_weights *w)
{
    const bn_gguf_tensor *t;
    bn_status st = take(inv, name, true, KIND_TERNARY, k, m, &t);
    return st == BN_OK ? bn_load_ternary(inv->c, t, w) : st;
}

/* Optional per-tensor output scale of the "bitnet" arch: blk.N.<base>.scale, F32 {1}. */
static bn_status take_scale(inventory *inv, unsigned layer, const char *base, float *out)
{
    char name[96];
    snprintf(name, sizeof name, "blk.%u.%s.scale", layer, base);
    const bn_gguf_tensor *t;
    *out = 1.0f;
    bn_status st = take(inv, name, false, KIND_F32, 1, 1, &t);
    if (st != BN_OK || !t) return st;
    memcpy(out, t->data, sizeof *out);
    if (!isfinite(*out))
        return bn_fail(BN_E_FORMAT, "%s: tensor '%s' holds %g (must be finite)", bn_gguf_path(inv->c->g),
                       name, (double)*out);
    return BN_OK;
}

static bn_status take_embedding(inventory *inv, const char *name, bool required, bn_weights *w,
                                uint32_t *type)
{
    bn_load_ctx *c = inv->c;
    const bn_gguf_tensor *t;
    bn_status st = take(inv, name, required, KIND_EMBED, c->m->hp.dim, c->m->hp.vocab_size, &t);
    if (st != BN_OK || !t) return st;
    const void *data = t->data;
    if ((uintptr_t)data % (t->type == BN_GGML_F32 ? 4 : 2)) {
        void *copy = bn_load_alloc(c, (size_t)bn_gguf_tensor_needed(c->g, t));
        if (!copy) return BN_E_NO_MEMORY;
        memcpy(copy, data, (size_t)bn_gguf_tensor_needed(c->g, t));
        data = copy;
    }
    /* format is the kernel format for F16; an F32 matrix has none (token_embd_type says). */
    bn_weights v = {data,
                    c->m->hp.vocab_size,
                    c->m->hp.dim,
                    1.0f,
                    1,
                    t->type == BN_GGML_F16 ? BN_FORMAT_F16 : BN_FORMAT_COUNT};
    *w = v;
    *type = t->type;
    return BN_OK;
}

static bn_status load_layer(inventory *inv, unsigned l)
{
    bn_model *m = inv->c->m;
    const bn_hparams *hp = &m->hp;
    bn_layer_weights *L = &m->layers[l];
    uint64_t dim = hp->dim, kv = (uint64_t)hp->n_kv_heads * hp->head_dim, ffn = hp->ffn_dim;
    char name[96];
#define NAME(s) (snprintf(name, sizeof name, "blk.%u." s ".weight", l), name)
    bn_status st = take_f32(inv, NAME("attn_norm"), dim, &L->attn_norm);
    if (st == BN_OK) st = take_ternary(inv, NAME("attn_q"), dim, dim, &L->wq);
    if (st == BN_OK) st = take_ternary(inv, NAME("attn_k"), dim, kv, &L->wk);
    if (st == BN_OK) st = take_ternary(inv, NAME("attn_v"), dim, kv, &L->wv);
    if (st == BN_OK) st = take_ternary(inv, NAME("attn_output"), dim, dim, &L->wo);
    if (st == BN_OK) st = take_f32(inv, NAME("attn_sub_norm"), dim, &L->attn_sub_norm);
    if (st == BN_OK) st = take_f32(inv, NAME("ffn_norm"), dim, &L->ffn_norm);
    if (st == BN_OK) st = take_ternary(inv, NAME("ffn_gate"), dim, ffn, &L->wgate);
    if (st == BN_OK) st = take_ternary(inv, NAME("ffn_up"), dim, ffn, &L->wup);
    if (st == BN_OK) st = take_ternary(inv, NAME("ffn_down"), ffn, dim, &L->wdown);
    if (st == BN_OK) st = take_f32(inv, NAME("ffn_sub_norm"), ffn, &L->ffn_sub_norm);
#undef NAME
    L->sq = L->sk = L->sv = L->so = L->sgate = L->sup = L->sdown = 1.0f;
    if (st != BN_OK || m->arch != BN_ARCH_BITNET) return st;
    st = take_scale(inv, l, "attn_q", &L->sq);
    if (st == BN_OK) st = take_scale(inv, l, "attn_k", &L->sk);
    if (st == BN_OK) st = take_scale(inv, l, "attn_v", &L->sv);
    if (st == BN_OK) st = take_scale(inv, l, "attn_output", &L->so);
    if (st == BN_OK) st = take_scale(inv, l, "ffn_gate", &L->sgate);
    if (st == BN_OK) st = take_scale(inv, l, "ffn_up", &L->sup);
    if (st == BN_OK) st = take_scale(inv, l, "ffn_down", &L->sdown);
    return st;
}

/* Tensors nobody asked for: strict error, permissive warning per tensor. */
static bn_status report_leftovers(inventory *inv)
{
    bn_gguf *g = inv->c->g;
    size_t n = bn_gguf_tensor_count(g), left = 0, first = 0;
    for (size_t i = 0; i < n; i++)
        if (!inv->used[i] && left++ == 0) first = i;
    if (!left) return BN_OK;
    const bn_gguf_tensor *t = bn_gguf_tensor_at(g, first);
    if (inv->c->opt.mode == BN_LOAD_STRICT)
        return bn_fail(
            BN_E_FORMAT,
            "%s: %zu unexpected tensor(s) for architecture %s, first '%.*s' (record %zu); strict mode "
            "refuses tensors it would ignore",
            bn_gguf_path(g), left, bn_arch_name(inv->c->m->arch), (int)t->name.len, t->name.ptr, first);
    for (size_t i = 0; i < n; i++) {
        if (inv->used[i]) continue;
        t = bn_gguf_tensor_at(g, i);
        bn_load_warn(inv->c, "unexpected tensor '%.*s' ignored (permissive mode)", (int)t->name.len,
                     t->name.ptr);
    }
    return BN_OK;
}

static bn_status load_all(bn_load_ctx *c)
{
    bn_model *m = c->m;
    bn_status st = read_arch(c->g, &m->arch);
    if (st == BN_OK) st = read_hparams(c->g, m->arch, &m->hp);
    if (st != BN_OK) return st;
    if (c->opt.kernel_format < 0)
        c->target = bn_dispatch_preferred_format();
    else if (c->opt.kernel_format <= BN_FORMAT_TL2)
        c->target = (bn_format)c->opt.kernel_format;
    else
        return bn_fail(BN_E_INVALID_ARGUMENT,
                       "kernel_format %d is not a ternary format (i2s, qk256, tl1, tl2 or -1)",
                       c->opt.kernel_format);
    c->target_lr = bn_dispatch_layout_rows(c->target);
    m->format = c->target;

    /* 11 tensors per layer: a block count the file cannot hold is refused before it sizes
     * an allocation */
    if (m->hp.n_layers > bn_gguf_tensor_count(c->g) / 11)
        return bn_fail(BN_E_FORMAT, "%s: block_count %u needs %llu tensors, the file has %zu",
                       bn_gguf_path(c->g), m->hp.n_layers, 11ull * m->hp.n_layers + 3,
                       bn_gguf_tensor_count(c->g));
    inventory inv = {c, calloc(bn_gguf_tensor_count(c->g) + 1, sizeof(bool))};
    m->layers = calloc(m->hp.n_layers, sizeof *m->layers);
    if (!inv.used || !m->layers) {
        free(inv.used);
        return bn_fail(BN_E_NO_MEMORY, "out of memory loading %s", bn_gguf_path(c->g));
    }
    st = take_embedding(&inv, "token_embd.weight", true, &m->token_embd, &m->token_embd_type);
    if (st == BN_OK) st = take_f32(&inv, "output_norm.weight", m->hp.dim, &m->output_norm);
    if (st == BN_OK) st = take_embedding(&inv, "output.weight", false, &m->output, &m->output_type);
    if (st == BN_OK && !m->output.data) {
        m->output = m->token_embd;
        m->output_type = m->token_embd_type;
        m->output_tied = true;
    }
    for (unsigned l = 0; l < m->hp.n_layers && st == BN_OK; l++) st = load_layer(&inv, l);
    if (st == BN_OK) st = report_leftovers(&inv);
    free(inv.used);
    if (st == BN_OK) st = bn_load_head(c);
    return st;
}

bn_status bn_model_load_gguf(bn_gguf *g, const bn_load_options *opt, bn_model **out)
{
    if (!out) {
        bn_gguf_close(g);
        return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_load_gguf: out is NULL");
    }
    *out = NULL;
    if (!g) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_load_gguf: file is NULL");
    bn_model *m = calloc(1, sizeof *m);
    owned_list *owned = calloc(1, sizeof *owned);
    if (!m || !owned) {
        free(m);
        free(owned);
        bn_fail(BN_E_NO_MEMORY, "out of memory loading %s", bn_gguf_path(g));
        bn_gguf_close(g);
        return BN_E_NO_MEMORY;
    }
    owned->arena.chunk_bytes = ARENA_CHUNK_BYTES;
    m->file = g;
    m->owned = owned;
    bn_load_ctx c = {g, opt ? *opt : bn_load_options_default(), m, BN_FORMAT_I2S, 1};
    if (c.opt.prefault) {
        uint64_t data = bn_gguf_data_offset(g);
        bn_gguf_prefault(g, data, bn_gguf_file_size(g) - data);
    }
    bn_status st = load_all(&c);
    if (st != BN_OK) {
        bn_model_free(m);
        return st;
    }
    *out = m;
    return BN_OK;
}

bn_status bn_model_load(const char *path, const bn_load_options *opt, bn_model **out)
{
    if (!out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_load: out is NULL");
    *out = NULL;
    bn_gguf *g;
    bn_status st = bn_gguf_open(path, &g);
    if (st != BN_OK) return st;
    return bn_model_load_gguf(g, opt, out);
}
