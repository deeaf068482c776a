/*
 * model.h - a loaded BitNet model: hyperparameters and weights as the kernels read them.
 *
 * Filled by the loader (model/loader.c) from a validated GGUF file; consumed by the
 * transformer.  Ternary weights are bn_weights views, either straight into the file's
 * mapping (zero copy: I2_S used as I2_S, or as QK256 when K % 256 == 0) or into buffers
 * the loader converted them into (TL1/TL2 layouts, QK256 with padding, TQ1_0/TQ2_0).
 */
#ifndef BN_MODEL_MODEL_H
#define BN_MODEL_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitnet.h"
#include "model/gguf.h"

typedef enum bn_arch {
    BN_ARCH_BITNET_B158 = 0, /* "bitnet-b1.58": squared-ReLU FFN (2B4T) */
    BN_ARCH_BITNET = 1, /* "bitnet": SiLU-gated FFN (1bitLLM 0.7B/3B, TinyStories) */
} bn_arch;

typedef struct bn_hparams {
    uint32_t vocab_size, context_length, dim, n_layers, ffn_dim;
    uint32_t n_heads, n_kv_heads, head_dim, rope_dim;
    float norm_eps, rope_base; /* norm_eps may be 0 (TinyStories): use it as stored */
} bn_hparams;

typedef struct bn_layer_weights {
    const float *attn_norm, *attn_sub_norm, *ffn_norm, *ffn_sub_norm; /* gains, F32 */
    bn_weights wq, wk, wv, wo, wgate, wup, wdown; /* ternary */
    /* "bitnet" arch: optional per-tensor output scales (*.scale, shape {1}); 1 if absent */
    float sq, sk, sv, so, sgate, sup, sdown;
} bn_layer_weights;

typedef enum bn_load_mode {
    BN_LOAD_STRICT = 0, /* exact tensor sizes only; code 3 is an error */
    BN_LOAD_PERMISSIVE = 1, /* small size deviations and code 3 are warnings */
} bn_load_mode;

typedef struct bn_load_options {
    bn_load_mode mode;
    int kernel_format; /* BN_FORMAT_I2S/QK256/TL1/TL2, or -1 = auto (what dispatch prefers) */
    bool prefault; /* touch/advise the mapping so the first token takes no faults */
    void (*warn)(void *ctx, const char *message); /* NULL: warnings go to stderr */
    void *warn_ctx;
    int head_format; /* -1 or the stored head's format: as stored; BN_FORMAT_Q8: int8 head */
} bn_load_options;

struct bn_model {
    bn_gguf *file;
    bn_arch arch;
    bn_hparams hp;
    bn_format format; /* kernel format of the ternary weights */
    bn_layer_weights *layers; /* hp.n_layers */
    bn_weights token_embd; /* rows [vocab][dim]; data is F16 or F32 per token_embd_type
                              (format BN_FORMAT_F16 for F16, BN_FORMAT_COUNT for F32) */
    uint32_t token_embd_type; /* BN_GGML_F16 or BN_GGML_F32 */
    bn_weights output; /* output head [vocab][dim]; tied models alias token_embd */
    uint32_t output_type; /* BN_GGML_F16 or BN_GGML_F32 */
    bool output_tied;
    bn_format head_format; /* the head the forward pass uses: F16 or F32 (`output` as
                              stored) or Q8 (`output_q8`, converted at load) */
    bn_weights output_q8; /* Q8 head (format BN_FORMAT_Q8, owned), when head_format is Q8 */
    double head_convert_seconds; /* wall time of the Q8 conversion at load (0 if none) */
    const float *output_norm;
    struct bn_vocab *vocab; /* the tokenizer, built by bn_model_open */
    void *owned; /* buffers the loader allocated (converted weights) */
    size_t owned_bytes;
    char *warnings; /* newline-separated, for inspect and receipts */
};

#endif /* BN_MODEL_MODEL_H */
