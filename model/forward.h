/*
 * forward.h - the transformer forward pass over a context (internal).
 */
#ifndef BN_MODEL_FORWARD_H
#define BN_MODEL_FORWARD_H

#include "model/context.h"

/* Evaluate n tokens at positions ctx->pos .. ctx->pos + n - 1, appending them to the KV
 * cache.  Prompts are processed n_batch tokens at a time, each layer over the whole
 * batch (ternary GEMMs, causal attention over the block).  Logits: when `logits` is not
 * NULL, the last token's (all_logits false: [vocab]) or every token's ([n][vocab]). */
bn_status bn_forward(bn_context *ctx, const int32_t *tokens, size_t n, float *logits, bool all_logits);

/* logits[vocab] = head . ctx->head_in (the last token's final-normed row, which every
 * bn_forward that wrote logits leaves there) with the head `head_format`: the model's
 * stored head (F16 / F32, whatever head_format the model was loaded with) or BN_FORMAT_Q8
 * (only when loaded with head_format Q8).  Lets tools compare both heads on the same
 * hidden state (tools/head-effect.c). */
bn_status bn_forward_head(bn_context *ctx, bn_format head_format, float *logits);

/* Attention of a batch of n tokens at positions pos0.. for one layer: reads ctx->q and the
 * cache, writes ctx->attn (model/attention.c, through the F32 kernels of ctx->kernels). */
bn_status bn_attention(bn_context *ctx, uint32_t layer, size_t n, uint32_t pos0);

#endif /* BN_MODEL_FORWARD_H */
