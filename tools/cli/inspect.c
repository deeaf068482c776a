/*
 * inspect.c - `bitnet inspect FILE [--json]`: what a GGUF file holds and whether the
 * loader accepts it.
 *
 * Prints the container (version, size, alignment), architecture and hyperparameters, a
 * tokenizer summary, every metadata key with its type and value (arrays: count and the
 * first elements), every tensor (name, type, shape, offset, bytes) with a count per type,
 * and the loader's verdict in strict and permissive mode with every warning.
 *
 * Exit status: 0 the file loads in strict mode (or is a valid vocabulary-only file),
 * 3 it loads only in permissive mode, 2 it is a valid GGUF file but not a loadable model,
 * 1 the GGUF container itself is malformed (the error names what and where) or bad usage.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/loader.h"
#include "tools/cli/cli.h"

typedef struct verdict {
    bool ok;
    char error[1024];
    char *warnings; /* newline-separated, owned */
    bn_model *model;
} verdict;

static void drop_warning(void *ctx, const char *msg)
{
    (void)ctx;
    (void)msg; /* collected in model->warnings; not printed twice */
}

static void validate(const char *path, bn_load_mode mode, verdict *v)
{
    bn_load_options o = bn_load_options_default();
    o.mode = mode;
    o.kernel_format = BN_FORMAT_I2S; /* zero copy for I2_S files: inspection converts nothing */
    o.prefault = false;
    o.warn = drop_warning;
    memset(v, 0, sizeof *v);
    v->ok = bn_model_load(path, &o, &v->model) == BN_OK;
    if (!v->ok) snprintf(v->error, sizeof v->error, "%s", bn_last_error());
    if (v->ok && v->model->warnings) v->warnings = strdup(v->model->warnings);
}

/* ---------------------------------------------------------------- value rendering */

/* A byte string as printable text: escapes for control bytes, quotes and backslashes. */
static void put_escaped(FILE *to, const char *s, uint64_t len, size_t max)
{
    fputc('"', to);
    for (uint64_t i = 0; i < len && i < max; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            fprintf(to, "\\%c", c);
        else if (c == '\n')
            fputs("\\n", to);
        else if (c < 0x20 || c == 0x7f)
            fprintf(to, "\\x%02x", c);
        else
            fputc(c, to);
    }
    fputc('"', to);
    if (len > max) fprintf(to, "... (%llu bytes)", (unsigned long long)len);
}

static void put_scalar(FILE *to, bn_gguf_type t, const uint8_t *p)
{
    bn_gguf_kv one = {{"", 0}, t, t, 1, p, 0};
    int64_t i;
    double d;
    if (t == BN_GGUF_STRING) {
        uint64_t len;
        memcpy(&len, p, 8);
        put_escaped(to, (const char *)p + 8, len, 60);
    } else if (t == BN_GGUF_BOOL) {
        fputs(*p ? "true" : "false", to);
    } else if (t == BN_GGUF_FLOAT32 || t == BN_GGUF_FLOAT64) {
        bn_gguf_array_f64(&one, 0, &d);
        fprintf(to, "%.9g", d);
    } else if (t == BN_GGUF_UINT64) {
        uint64_t u;
        memcpy(&u, p, 8);
        fprintf(to, "%llu", (unsigned long long)u);
    } else if (bn_gguf_array_i64(&one, 0, &i) == BN_OK) {
        fprintf(to, "%lld", (long long)i);
    }
}

/* Size of one element at p (strings and nested arrays walk their content). */
static uint64_t element_size(bn_gguf_type t, const uint8_t *p)
{
    static const uint8_t sizes[BN_GGUF_TYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    if (t == BN_GGUF_STRING) {
        uint64_t len;
        memcpy(&len, p, 8);
        return 8 + len;
    }
    if (t == BN_GGUF_ARRAY) {
        uint32_t et;
        uint64_t n, size = 12;
        memcpy(&et, p, 4);
        memcpy(&n, p + 4, 8);
        for (uint64_t i = 0; i < n; i++) size += element_size((bn_gguf_type)et, p + size);
        return size;
    }
    return sizes[t];
}

static void put_value(FILE *to, const bn_gguf_kv *kv)
{
    if (kv->type != BN_GGUF_ARRAY) {
        put_scalar(to, kv->type, kv->value);
        return;
    }
    fputc('[', to);
    const uint8_t *p = kv->value;
    for (uint64_t i = 0; i < kv->count && i < 4; i++) {
        if (i) fputs(", ", to);
        if (kv->array_type == BN_GGUF_ARRAY)
            fputs("[...]", to);
        else
            put_scalar(to, kv->array_type, p);
        p += element_size(kv->array_type, p);
    }
    fprintf(to, "%s]", kv->count > 4 ? ", ..." : "");
}

/* ---------------------------------------------------------------- tokenizer summary */

typedef struct tok_summary {
    char model[64];
    uint64_t tokens, merges;
    int64_t bos, eos;
    bool has_add_bos, add_bos;
    char split[160];
} tok_summary;

static void summarise_tokenizer(const bn_gguf *g, tok_summary *t)
{
    memset(t, 0, sizeof *t);
    bn_gguf_str s;
    snprintf(t->model, sizeof t->model, "(none)");
    if (bn_gguf_get_str(g, "tokenizer.ggml.model", &s) == BN_OK)
        snprintf(t->model, sizeof t->model, "%.*s", (int)(s.len > 60 ? 60 : s.len), s.ptr);
    const bn_gguf_kv *kv = bn_gguf_find_kv(g, "tokenizer.ggml.tokens");
    t->tokens = kv && kv->type == BN_GGUF_ARRAY ? kv->count : 0;
    kv = bn_gguf_find_kv(g, "tokenizer.ggml.merges");
    t->merges = kv && kv->type == BN_GGUF_ARRAY ? kv->count : 0;
    if (bn_gguf_get_i64(g, "tokenizer.ggml.bos_token_id", &t->bos) != BN_OK) t->bos = -1;
    if (bn_gguf_get_i64(g, "tokenizer.ggml.eos_token_id", &t->eos) != BN_OK) t->eos = -1;
    t->has_add_bos = bn_gguf_get_bool(g, "tokenizer.ggml.add_bos_token", &t->add_bos) == BN_OK;
    if (!strcmp(t->model, "llama")) {
        snprintf(t->split, sizeof t->split, "spm (SentencePiece: no pre-tokenizer split)");
    } else if (bn_gguf_get_str(g, "tokenizer.ggml.pre", &s) != BN_OK) {
        snprintf(t->split, sizeof t->split, "default (no tokenizer.ggml.pre key)");
    } else if (bn_gguf_str_eq(s, "llama-bpe")) {
        snprintf(t->split, sizeof t->split, "llama-bpe");
    } else {
        snprintf(t->split, sizeof t->split, "default (tokenizer.ggml.pre = '%.*s' is not llama-bpe)",
                 (int)(s.len > 60 ? 60 : s.len), s.ptr);
    }
}

/* The text of token id (for BOS/EOS), from the tokens array. */
static bn_gguf_str token_text(const bn_gguf *g, int64_t id)
{
    bn_gguf_str none = {"", 0};
    const bn_gguf_kv *kv = bn_gguf_find_kv(g, "tokenizer.ggml.tokens");
    if (!kv || kv->type != BN_GGUF_ARRAY || kv->array_type != BN_GGUF_STRING || id < 0 ||
        (uint64_t)id >= kv->count)
        return none;
    const uint8_t *p = kv->value;
    for (int64_t i = 0; i < id; i++) p += element_size(BN_GGUF_STRING, p);
    uint64_t len;
    memcpy(&len, p, 8);
    bn_gguf_str s = {(const char *)p + 8, len};
    return s;
}

/* ---------------------------------------------------------------- text report */

static const char *type_name(uint32_t type)
{
    const char *n = bn_ggml_type_name(type);
    return n ? n : "?";
}

static void count_types(const bn_gguf *g, size_t counts[5], const uint32_t ids[5])
{
    for (size_t i = 0; i < bn_gguf_tensor_count(g); i++)
        for (int j = 0; j < 5; j++)
            if (bn_gguf_tensor_at(g, i)->type == ids[j]) counts[j]++;
}

static const uint32_t type_ids[5] = {BN_GGML_I2_S, BN_GGML_F32, BN_GGML_F16, BN_GGML_TQ2_0, BN_GGML_TQ1_0};

static void print_verdict(FILE *to, const char *mode, const verdict *v)
{
    if (!v->ok) {
        fprintf(to, "  %-10s FAILED: %s\n", mode, v->error);
        return;
    }
    int n = 0;
    for (const char *p = v->warnings; p && *p; p++) n += *p == '\n';
    fprintf(to, "  %-10s ok (%d warning%s)\n", mode, n, n == 1 ? "" : "s");
    for (const char *p = v->warnings; p && *p;) {
        const char *nl = strchr(p, '\n');
        fprintf(to, "             warning: %.*s\n", (int)(nl ? nl - p : (long)strlen(p)), p);
        p = nl ? nl + 1 : p + strlen(p);
    }
}

static void print_text(const bn_gguf *g, const verdict *strict, const verdict *perm)
{
    FILE *to = stdout;
    fprintf(to, "file: %s\n", bn_gguf_path(g));
    fprintf(to, "gguf: version %u, %llu bytes, alignment %llu, data section at byte %llu\n",
            bn_gguf_version(g), (unsigned long long)bn_gguf_file_size(g),
            (unsigned long long)bn_gguf_alignment(g), (unsigned long long)bn_gguf_data_offset(g));
    bn_gguf_str arch = {"(none)", 6};
    bn_gguf_get_str(g, "general.architecture", &arch);
    fprintf(to, "architecture: %.*s\n", (int)(arch.len > 60 ? 60 : arch.len), arch.ptr);
    const bn_model *m = strict->ok ? strict->model : perm->ok ? perm->model : NULL;
    if (m) {
        const bn_hparams *h = &m->hp;
        fprintf(to,
                "hyperparameters: vocab %u, context %u, dim %u, layers %u, ffn %u, heads %u (kv %u, head dim "
                "%u), "
                "rope dim %u base %g, rms eps %g, output head %s\n",
                h->vocab_size, h->context_length, h->dim, h->n_layers, h->ffn_dim, h->n_heads, h->n_kv_heads,
                h->head_dim, h->rope_dim, (double)h->rope_base, (double)h->norm_eps,
                m->output_tied ? "tied to token_embd" : "output.weight");
    } else {
        fprintf(to, "hyperparameters: (not a loadable model, see validation)\n");
    }
    tok_summary t;
    summarise_tokenizer(g, &t);
    fprintf(to, "tokenizer: model %s, %llu tokens, %llu merges, BOS %lld ", t.model,
            (unsigned long long)t.tokens, (unsigned long long)t.merges, (long long)t.bos);
    bn_gguf_str bt = token_text(g, t.bos), et = token_text(g, t.eos);
    put_escaped(to, bt.ptr, bt.len, 40);
    fprintf(to, ", EOS %lld ", (long long)t.eos);
    put_escaped(to, et.ptr, et.len, 40);
    fprintf(to, ", add_bos %s, pre-tokenizer split: %s\n",
            t.has_add_bos ? (t.add_bos ? "true" : "false") : "(unset)", t.split);

    fprintf(to, "metadata (%zu keys):\n", bn_gguf_kv_count(g));
    for (size_t i = 0; i < bn_gguf_kv_count(g); i++) {
        const bn_gguf_kv *kv = bn_gguf_kv_at(g, i);
        char type[48];
        if (kv->type == BN_GGUF_ARRAY)
            snprintf(type, sizeof type, "%s[%llu]", bn_gguf_type_name(kv->array_type),
                     (unsigned long long)kv->count);
        else
            snprintf(type, sizeof type, "%s", bn_gguf_type_name(kv->type));
        fprintf(to, "  %-48.*s %-16s ", (int)kv->key.len, kv->key.ptr, type);
        put_value(to, kv);
        fputc('\n', to);
    }
    size_t counts[5] = {0};
    count_types(g, counts, type_ids);
    fprintf(to, "tensors (%zu:", bn_gguf_tensor_count(g));
    for (int j = 0, first = 1; j < 5; j++)
        if (counts[j])
            fprintf(to, "%s %zu %s", first ? "" : ",", counts[j], type_name(type_ids[j])), first = 0;
    fprintf(to, "):\n  %-32s %-6s %-22s %14s %12s\n", "name", "type", "shape", "offset", "bytes");
    for (size_t i = 0; i < bn_gguf_tensor_count(g); i++) {
        const bn_gguf_tensor *x = bn_gguf_tensor_at(g, i);
        char shape[96];
        int n = snprintf(shape, sizeof shape, "{");
        for (uint32_t d = 0; d < x->n_dims; d++)
            n += snprintf(shape + n, sizeof shape - (size_t)n, "%s%llu", d ? ", " : "",
                          (unsigned long long)x->ne[d]);
        snprintf(shape + n, sizeof shape - (size_t)n, "}");
        fprintf(to, "  %-32.*s %-6s %-22s %14llu %12llu\n", (int)x->name.len, x->name.ptr, type_name(x->type),
                shape, (unsigned long long)x->file_offset, (unsigned long long)bn_gguf_tensor_needed(g, x));
    }
    fprintf(to, "validation:\n");
    print_verdict(to, "strict:", strict);
    print_verdict(to, "permissive:", perm);
}

/* ---------------------------------------------------------------- JSON report (--json) */

/* A JSON string of arbitrary bytes: invalid UTF-8 becomes '?' (JSON text must be UTF-8). */
static json_t *jstr(const char *p, uint64_t len)
{
    json_t *j = json_stringn(p, (size_t)len);
    if (j) return j;
    char *copy = malloc((size_t)len + 1);
    for (uint64_t i = 0; i < len; i++) copy[i] = (unsigned char)p[i] < 0x80 && p[i] ? p[i] : '?';
    j = json_stringn(copy, (size_t)len);
    free(copy);
    return j;
}

static json_t *jscalar(bn_gguf_type t, const uint8_t *p)
{
    bn_gguf_kv one = {{"", 0}, t, t, 1, p, 0};
    int64_t i;
    double d;
    if (t == BN_GGUF_STRING) {
        uint64_t len;
        memcpy(&len, p, 8);
        return jstr((const char *)p + 8, len);
    }
    if (t == BN_GGUF_BOOL) return json_boolean(*p);
    if (t == BN_GGUF_FLOAT32 || t == BN_GGUF_FLOAT64) return bn_gguf_array_f64(&one, 0, &d), json_real(d);
    if (t == BN_GGUF_UINT64) {
        uint64_t u;
        memcpy(&u, p, 8);
        return u > INT64_MAX ? json_real((double)u) : json_integer((json_int_t)u);
    }
    if (t == BN_GGUF_ARRAY) return json_string("[...]");
    bn_gguf_array_i64(&one, 0, &i);
    return json_integer(i);
}

static json_t *jvalue(const bn_gguf_kv *kv)
{
    if (kv->type != BN_GGUF_ARRAY) return jscalar(kv->type, kv->value);
    json_t *head = json_array();
    const uint8_t *p = kv->value;
    for (uint64_t i = 0; i < kv->count && i < 4; i++) {
        json_array_append_new(head, jscalar(kv->array_type, p));
        p += element_size(kv->array_type, p);
    }
    return json_pack("{s:s, s:I, s:o}", "element_type", bn_gguf_type_name(kv->array_type), "count",
                     (json_int_t)kv->count, "head", head);
}

static json_t *jverdict(const verdict *v)
{
    json_t *warnings = json_array();
    for (const char *p = v->warnings; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        json_array_append_new(warnings, jstr(p, n));
        p += n + (nl ? 1 : 0);
    }
    return json_pack("{s:b, s:o, s:o}", "ok", v->ok, "error",
                     v->ok ? json_null() : jstr(v->error, strlen(v->error)), "warnings", warnings);
}

static void print_json(const bn_gguf *g, const verdict *strict, const verdict *perm)
{
    json_t *root = json_object();
    json_object_set_new(root, "file", jstr(bn_gguf_path(g), strlen(bn_gguf_path(g))));
    json_object_set_new(root, "version", json_integer(bn_gguf_version(g)));
    json_object_set_new(root, "size", json_integer((json_int_t)bn_gguf_file_size(g)));
    json_object_set_new(root, "alignment", json_integer((json_int_t)bn_gguf_alignment(g)));
    json_object_set_new(root, "data_offset", json_integer((json_int_t)bn_gguf_data_offset(g)));
    bn_gguf_str arch;
    json_object_set_new(root, "architecture",
                        bn_gguf_get_str(g, "general.architecture", &arch) == BN_OK ? jstr(arch.ptr, arch.len)
                                                                                   : json_null());
    const bn_model *m = strict->ok ? strict->model : perm->ok ? perm->model : NULL;
    if (m) {
        const bn_hparams *h = &m->hp;
        json_object_set_new(root, "hparams",
                            json_pack("{s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:f, s:f, s:b}",
                                      "vocab_size", h->vocab_size, "context_length", h->context_length, "dim",
                                      h->dim, "n_layers", h->n_layers, "ffn_dim", h->ffn_dim, "n_heads",
                                      h->n_heads, "n_kv_heads", h->n_kv_heads, "head_dim", h->head_dim,
                                      "rope_dim", h->rope_dim, "rope_base", (double)h->rope_base, "norm_eps",
                                      (double)h->norm_eps, "output_tied", m->output_tied));
    } else {
        json_object_set_new(root, "hparams", json_null());
    }
    tok_summary t;
    summarise_tokenizer(g, &t);
    bn_gguf_str bt = token_text(g, t.bos), et = token_text(g, t.eos);
    json_object_set_new(root, "tokenizer",
                        json_pack("{s:s, s:I, s:I, s:I, s:o, s:I, s:o, s:o, s:s}", "model", t.model, "tokens",
                                  (json_int_t)t.tokens, "merges", (json_int_t)t.merges, "bos",
                                  (json_int_t)t.bos, "bos_text", jstr(bt.ptr, bt.len), "eos",
                                  (json_int_t)t.eos, "eos_text", jstr(et.ptr, et.len), "add_bos",
                                  t.has_add_bos ? json_boolean(t.add_bos) : json_null(), "split", t.split));
    json_t *meta = json_array();
    for (size_t i = 0; i < bn_gguf_kv_count(g); i++) {
        const bn_gguf_kv *kv = bn_gguf_kv_at(g, i);
        json_array_append_new(meta, json_pack("{s:o, s:s, s:o}", "key", jstr(kv->key.ptr, kv->key.len),
                                              "type", bn_gguf_type_name(kv->type), "value", jvalue(kv)));
    }
    json_object_set_new(root, "metadata", meta);
    json_t *tensors = json_array(), *counts = json_object();
    for (size_t i = 0; i < bn_gguf_tensor_count(g); i++) {
        const bn_gguf_tensor *x = bn_gguf_tensor_at(g, i);
        json_t *shape = json_array();
        for (uint32_t d = 0; d < x->n_dims; d++)
            json_array_append_new(shape, json_integer((json_int_t)x->ne[d]));
        json_array_append_new(tensors, json_pack("{s:o, s:s, s:o, s:I, s:I}", "name",
                                                 jstr(x->name.ptr, x->name.len), "type", type_name(x->type),
                                                 "shape", shape, "offset", (json_int_t)x->file_offset,
                                                 "bytes", (json_int_t)bn_gguf_tensor_needed(g, x)));
        json_t *c = json_object_get(counts, type_name(x->type));
        json_object_set_new(counts, type_name(x->type), json_integer(c ? json_integer_value(c) + 1 : 1));
    }
    json_object_set_new(root, "tensor_count", json_integer((json_int_t)bn_gguf_tensor_count(g)));
    json_object_set_new(root, "tensor_types", counts);
    json_object_set_new(root, "tensors", tensors);
    json_object_set_new(root, "validation",
                        json_pack("{s:o, s:o}", "strict", jverdict(strict), "permissive", jverdict(perm)));
    json_dumpf(root, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    fputc('\n', stdout);
    json_decref(root);
}

static int exit_status(const bn_gguf *g, const verdict *strict, const verdict *perm)
{
    if (strict->ok || bn_gguf_tensor_count(g) == 0) return 0;
    return perm->ok ? 3 : 2;
}

int bn_cli_inspect(int argc, char **argv)
{
    const char *path = NULL;
    bool json = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--json"))
            json = true;
        else if (!path && argv[i][0] != '-')
            path = argv[i];
        else {
            fprintf(stderr, "usage: bitnet inspect FILE [--json]\n");
            return 1;
        }
    }
    if (!path) {
        fprintf(stderr, "usage: bitnet inspect FILE [--json]\n");
        return 1;
    }
    bn_gguf *g;
    if (bn_gguf_open(path, &g) != BN_OK) {
        fprintf(stderr, "bitnet inspect: %s\n", bn_last_error());
        return 1;
    }
    verdict strict, perm;
    validate(path, BN_LOAD_STRICT, &strict);
    validate(path, BN_LOAD_PERMISSIVE, &perm);
    if (json)
        print_json(g, &strict, &perm);
    else
        print_text(g, &strict, &perm);
    int status = exit_status(g, &strict, &perm);
    if (status) fprintf(stderr, "bitnet inspect: %s\n", strict.error);
    bn_model_free(strict.model);
    bn_model_free(perm.model);
    free(strict.warnings);
    free(perm.warnings);
    bn_gguf_close(g);
    return status;
}
