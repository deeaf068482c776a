/*
 * loader.h - load a BitNet model from a GGUF file: validate everything, then hand out the
 * weights in the kernel format the caller picks (docs/gguf.md, "Loader rules").
 *
 * Architectures "bitnet-b1.58" (2B4T) and "bitnet" (1bitLLM, TinyStories).  Every expected
 * tensor must be present with the right type and shape; leftover tensors are an error in
 * strict mode and a warning in permissive mode.  Ternary tensors are used straight from
 * the mapping where the bytes allow, otherwise converted through the dispatch kernels.
 */
#ifndef BN_MODEL_LOADER_H
#define BN_MODEL_LOADER_H

#include "model/model.h"

typedef struct bn_model bn_model;

/* Strict, auto format (-1), prefault on, warnings to stderr. */
bn_load_options bn_load_options_default(void);

/* opt NULL = bn_load_options_default().  On failure *out is NULL and bn_last_error() names
 * the file, tensor or key and what is wrong. */
bn_status bn_model_load(const char *path, const bn_load_options *opt, bn_model **out);
/* The same on an open file; takes ownership of g (closed on failure, by bn_model_free
 * otherwise).  Lets tests and the fuzzer load from memory (bn_gguf_open_memory). */
bn_status bn_model_load_gguf(bn_gguf *g, const bn_load_options *opt, bn_model **out);
void bn_model_free(bn_model *m);

/* "bitnet-b1.58" / "bitnet". */
const char *bn_arch_name(bn_arch arch);

#endif /* BN_MODEL_LOADER_H */
