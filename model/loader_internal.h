/*
 * loader_internal.h - what model/loader.c and model/loader_ternary.c share while loading.
 */
#ifndef BN_MODEL_LOADER_INTERNAL_H
#define BN_MODEL_LOADER_INTERNAL_H

#include "model/loader.h"

typedef struct bn_load_ctx {
    bn_gguf *g;
    bn_load_options opt;
    bn_model *m;
    bn_format target; /* kernel format of the ternary weights */
    unsigned target_lr; /* layout interleave the selected GEMV of `target` reads */
} bn_load_ctx;

/* Record a warning in m->warnings and pass it to opt.warn (stderr when NULL). */
void bn_load_warn(bn_load_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A zeroed buffer owned by the model (freed by bn_model_free); NULL with an error set. */
void *bn_load_alloc(bn_load_ctx *c, size_t bytes);
/* Validate one ternary tensor ({K, M}, type I2_S / TQ2_0 / TQ1_0) and make it available as
 * c->target: zero copy where the bytes allow, converted through the kernels otherwise. */
bn_status bn_load_ternary(bn_load_ctx *c, const bn_gguf_tensor *t, bn_weights *out);
/* The output head in c->opt.head_format (model/loader_head.c): as stored, or converted to
 * Q8 (m->output_q8).  Sets m->head_format; refuses any other format. */
bn_status bn_load_head(bn_load_ctx *c);

#endif /* BN_MODEL_LOADER_INTERNAL_H */
