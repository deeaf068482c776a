/*
 * api.c - the public model API of bitnet.h over the internal loader, tokenizer and
 * forward pass: a bn_model is the loaded weights plus the vocabulary.
 */
#include <string.h>

#include "dispatch/dispatch.h"
#include "model/context.h"
#include "model/forward.h"
#include "model/loader.h"
#include "model/tokenizer.h"

void bn_model_params_default(bn_model_params *p)
{
    p->kernel_format = -1;
    p->permissive = 0;
    p->head_format = -1;
}

bn_status bn_model_open(const char *path, const bn_model_params *params, bn_model **out)
{
    if (!path || !out) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_open: NULL path or out");
    *out = NULL;
    bn_model_params p;
    if (params)
        p = *params;
    else
        bn_model_params_default(&p);
    if (p.kernel_format != -1 && (p.kernel_format < BN_FORMAT_I2S || p.kernel_format > BN_FORMAT_TL2))
        return bn_fail(BN_E_INVALID_ARGUMENT,
                       "bn_model_open: kernel_format %d is not i2s, qk256, tl1, tl2 or -1", p.kernel_format);
    bn_load_options opt = bn_load_options_default();
    opt.mode = p.permissive ? BN_LOAD_PERMISSIVE : BN_LOAD_STRICT;
    opt.kernel_format = p.kernel_format;
    opt.head_format = p.head_format;
    bn_model *m = NULL;
    bn_status st = bn_model_load(path, &opt, &m);
    if (st != BN_OK) return st;
    st = bn_vocab_from_gguf(m->file, &m->vocab);
    if (st == BN_OK && bn_vocab_size(m->vocab) != m->hp.vocab_size)
        st = bn_fail(BN_E_FORMAT, "%s: the vocabulary has %zu tokens but the model's vocab_size is %u", path,
                     bn_vocab_size(m->vocab), m->hp.vocab_size);
    if (st != BN_OK) {
        bn_model_close(m);
        return st;
    }
    *out = m;
    return BN_OK;
}

void bn_model_close(bn_model *m)
{
    if (!m) return;
    bn_vocab_free(m->vocab);
    m->vocab = NULL;
    bn_model_free(m);
}

bn_status bn_model_describe(const bn_model *m, bn_model_info *info)
{
    if (!m || !info) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_describe: NULL argument");
    memset(info, 0, sizeof *info);
    info->architecture = bn_arch_name(m->arch);
    info->name = "";
    bn_gguf_str name;
    static _Thread_local char name_buf[256];
    if (bn_gguf_get_str(m->file, "general.name", &name) == BN_OK) {
        size_t n = name.len < sizeof name_buf - 1 ? (size_t)name.len : sizeof name_buf - 1;
        memcpy(name_buf, name.ptr, n);
        name_buf[n] = '\0';
        info->name = name_buf;
    }
    bn_clear_error();
    const bn_hparams *hp = &m->hp;
    info->vocab_size = hp->vocab_size;
    info->context_length = hp->context_length;
    info->dim = hp->dim;
    info->n_layers = hp->n_layers;
    info->n_heads = hp->n_heads;
    info->n_kv_heads = hp->n_kv_heads;
    info->ffn_dim = hp->ffn_dim;
    info->format = m->format;
    info->head_format = m->head_format;
    info->file_bytes = bn_gguf_file_size(m->file);
    info->huge_mapped_bytes = bn_gguf_huge_mapped_bytes(m->file);
    info->tokenizer_split = m->vocab ? bn_vocab_split_name(m->vocab) : "";
    return BN_OK;
}

uint32_t bn_model_vocab_size(const bn_model *m) { return m ? m->hp.vocab_size : 0; }

bn_status bn_model_tokenize(const bn_model *m, const char *text, size_t len, int add_bos, int parse_special,
                            int32_t *ids, size_t cap, size_t *n)
{
    if (!m || (!text && len)) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_tokenize: NULL model or text");
    return bn_tokenize(m->vocab, text ? text : "", len, add_bos != 0, parse_special != 0, ids, cap, n);
}

bn_status bn_model_token_bytes(const bn_model *m, int32_t id, int render_special, char *buf, size_t cap,
                               size_t *len)
{
    if (!m) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_model_token_bytes: NULL model");
    return bn_token_bytes(m->vocab, id, render_special != 0, buf, cap, len);
}

int bn_model_is_eog(const bn_model *m, int32_t id) { return m && bn_vocab_is_eog(m->vocab, id); }
int32_t bn_model_bos(const bn_model *m) { return m ? bn_vocab_bos(m->vocab) : -1; }

bn_status bn_eval(bn_context *c, const int32_t *tokens, size_t n, float *logits)
{
    if (!c || !tokens) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_eval: NULL context or tokens");
    return bn_forward(c, tokens, n, logits, false);
}

bn_status bn_eval_all(bn_context *c, const int32_t *tokens, size_t n, float *logits)
{
    if (!c || !tokens || !logits) return bn_fail(BN_E_INVALID_ARGUMENT, "bn_eval_all: NULL argument");
    return bn_forward(c, tokens, n, logits, true);
}
