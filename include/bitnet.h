/*
 * bitnet.h - the public C API of libbitnet.
 *
 * libbitnet is a catalogue of CPU kernels for ternary (BitNet b1.58) language models:
 * weights in {-1, 0, +1} stored in one of four formats (I2_S, QK256, TL1, TL2), int8
 * per-token activations (A8), and an F16 output head.  Every kernel is checked bit for bit
 * against a reference twin; runtime dispatch picks the best kernel the CPU supports.
 *
 * This header is the whole public surface: a stable C ABI for applications and for other
 * runtimes that want to use the kernels as a backend.  All symbols start with bn_, all
 * macros with BN_.  Types are opaque where the library owns the memory.
 *
 * Conventions
 *  - Functions that can fail return bn_status; BN_OK is 0.  After a failure,
 *    bn_last_error() returns a message for the calling thread that names what is wrong.
 *  - Strides are in bytes.  Matrices are row-major: a weight matrix has `rows` output
 *    features (M) of `cols` input features (K); an activation block has n token rows.
 *  - Kernel entry points never allocate and never keep pointers after they return.
 *
 * The byte layouts and the arithmetic every kernel must reproduce are specified in
 * docs/formats.md; the reference implementation is ref/.
 */
#ifndef BITNET_H
#define BITNET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- version */

#define BN_VERSION_MAJOR 0
#define BN_VERSION_MINOR 4
#define BN_VERSION_PATCH 0
#define BN_VERSION_STRING "0.4.0"

/* The version the library was built as (may differ from the header you compiled with). */
const char *bn_version(void);

/* ---------------------------------------------------------------- status */

typedef enum bn_status {
    BN_OK = 0,
    BN_E_INVALID_ARGUMENT = 1, /* a NULL pointer, a zero size, a shape the format forbids */
    BN_E_UNSUPPORTED = 2, /* the CPU or the build lacks what the call needs */
    BN_E_NO_MEMORY = 3, /* an allocation failed */
    BN_E_IO = 4, /* open/read/mmap/write failed */
    BN_E_FORMAT = 5, /* a file or buffer is malformed (see bn_last_error) */
    BN_E_NOT_FOUND = 6, /* a named kernel, tensor, key or token does not exist */
    BN_E_RANGE = 7, /* a value is out of its valid range (e.g. context full) */
    BN_E_CORRUPT = 8, /* data violates the format's invariants (e.g. I2_S code 3) */
    BN_E_CONFIG = 9, /* an override (BN_ISA, BN_DISABLE, ...) is not understood */
} bn_status;

/* A short constant description of a status code ("invalid argument", ...). */
const char *bn_status_str(bn_status status);

/* The detailed message of the last failure on the calling thread ("" if none).  The
 * pointer stays valid until the next failing call on this thread. */
const char *bn_last_error(void);

/* ---------------------------------------------------------------- vocabulary */

/* Storage formats.  The first four hold ternary weights; A8 is the int8 per-token
 * activation format; F16 is the IEEE half-precision format of the output head; F32 is
 * plain IEEE single precision (attention's float steps, in one canonical order); Q8 is
 * int8 weights with one f32 scale per row (the opt-in int8 output head). */
typedef enum bn_format {
    BN_FORMAT_I2S = 0, /* 2 bits/weight, 128-weight groups, GGUF type 36 */
    BN_FORMAT_QK256 = 1, /* I2_S codes in 256-weight blocks, any K (padded) */
    BN_FORMAT_TL1 = 2, /* 4-bit table index per weight pair */
    BN_FORMAT_TL2 = 3, /* 4-bit index + sign bit per weight triple (1.67 bits/weight) */
    BN_FORMAT_A8 = 4, /* int8 activations, one f32 scale per token */
    BN_FORMAT_F16 = 5, /* half precision (output head) */
    BN_FORMAT_F32 = 6, /* single precision: attention's float GEMM and softmax */
    BN_FORMAT_Q8 = 7, /* int8 weights, one f32 scale per row (int8 output head) */
    BN_FORMAT_COUNT = 8
} bn_format;

/* Operations a kernel can implement. */
typedef enum bn_op {
    BN_OP_QUANT = 0, /* A8: f32 activations -> int8.  Weights: f32 ternary*scale -> format */
    BN_OP_DEQUANT = 1, /* weights in the format's canonical layout -> f32 */
    BN_OP_PACK = 2, /* canonical ternary (int8 -1/0/+1) -> a layout of the format */
    BN_OP_UNPACK = 3, /* a layout of the format -> canonical ternary */
    BN_OP_LUT = 4, /* TL1/TL2: A8 activations -> lookup tables */
    BN_OP_GEMV = 5, /* one token: y = W x */
    BN_OP_GEMM = 6, /* several tokens: Y = X W^T.  F32: C = A B, dense f32 */
    BN_OP_SOFTMAX = 7, /* F32: softmax of rows in place */
    BN_OP_COUNT = 8
} bn_op;

/* Instruction-set tiers.  A tier needs every CPU feature of its mask (bn_isa_features). */
typedef enum bn_isa {
    BN_ISA_SCALAR = 0, /* portable C */
    BN_ISA_AVX2 = 1, /* AVX2 + FMA + F16C */
    BN_ISA_AVX512 = 2, /* AVX-512 F/BW/VL/DQ + VNNI (+ AVX2 tier) */
    BN_ISA_AVX512VBMI = 3, /* AVX512 tier + VBMI (vpermb, vpmultishiftqb) */
    BN_ISA_NEON = 4, /* AArch64 Advanced SIMD (baseline on aarch64) */
    BN_ISA_NEONDOT = 5, /* NEON + ARMv8.2 dot product (sdot/udot) */
    BN_ISA_COUNT = 6
} bn_isa;

/* Names as used in kernel symbols, BN_ISA and receipts ("i2s", "gemv", "avx512", ...).
 * Lookups by name return -1 (as the enum type) when the name is unknown. */
const char *bn_format_name(bn_format format);
const char *bn_op_name(bn_op op);
const char *bn_isa_name(bn_isa isa);
int bn_format_from_name(const char *name);
int bn_op_from_name(const char *name);
int bn_isa_from_name(const char *name);

/* ---------------------------------------------------------------- CPU and dispatch */

/* CPU features as a bit mask (bit i = feature i; names from bn_cpu_feature_name). */
typedef uint64_t bn_cpu_features;

/* Features detected on this CPU (cpuid + xgetbv on x86, hwcap on aarch64), before any
 * override.  Detected once. */
bn_cpu_features bn_cpu_detect(void);
/* Features in effect: detected minus BN_DISABLE, limited to the BN_ISA cap. */
bn_cpu_features bn_cpu_effective(void);
/* The features a tier needs. */
bn_cpu_features bn_isa_features(bn_isa isa);
/* Name of feature bit i, or NULL past the last one. */
const char *bn_cpu_feature_name(unsigned bit);
/* CPU brand string ("AMD EPYC ...") or "unknown". */
const char *bn_cpu_model(void);

/* Re-resolve dispatch with explicit overrides (same syntax as the environment variables
 * BN_ISA and BN_DISABLE; NULL or "" = none).  The first kernel lookup otherwise resolves
 * from the environment.  Not safe while other threads call kernels.  Returns
 * BN_E_CONFIG, with the bad name in bn_last_error(), for unknown names. */
bn_status bn_dispatch_configure(const char *isa_cap, const char *disable);
/* The overrides in effect, as given ("" when none). */
const char *bn_dispatch_isa_cap(void);
const char *bn_dispatch_disabled(void);
/* A human-readable table of the choice per (format, op): what was picked and why the
 * kernels before it in the preference list were passed over.  Writes at most `size`
 * bytes including the NUL; returns the length it needed. */
size_t bn_dispatch_describe(char *buf, size_t size);
/* The ternary format a loader should use when the caller has no preference: I2S, unless
 * the GEMV dispatch selected for QK256, TL1 or TL2 is of a higher ISA tier than the I2S
 * one (then the highest such tier; ties go to QK256, then TL1, then TL2). */
bn_format bn_dispatch_preferred_format(void);

/* ---------------------------------------------------------------- kernels */

/* A registry entry: one kernel.  Owned by the library, valid for the process lifetime. */
typedef struct bn_kernel bn_kernel;

/* The kernel dispatch selected for (format, op) on this CPU with the overrides in effect.
 * Every pair that exists has at least a scalar kernel.  BN_E_NOT_FOUND if the format
 * has no such op (e.g. LUT for I2S). */
bn_status bn_kernel_select(bn_format format, bn_op op, const bn_kernel **out);
/* A kernel by symbol name ("bn_i2s_gemv_1x4__avx2") whether or not the CPU supports it. */
bn_status bn_kernel_find(const char *name, const bn_kernel **out);
/* Iterate over the whole registry of this build. */
size_t bn_kernel_count(void);
const bn_kernel *bn_kernel_at(size_t index);

const char *bn_kernel_name(const bn_kernel *kernel);
bn_format bn_kernel_format(const bn_kernel *kernel);
bn_op bn_kernel_op(const bn_kernel *kernel);
bn_isa bn_kernel_isa(const bn_kernel *kernel);
unsigned bn_kernel_id(const bn_kernel *kernel); /* index in the registry */
/* 1 if this CPU has every feature the kernel needs and no override excludes it. */
int bn_kernel_usable(const bn_kernel *kernel);
/* Row interleave of the weight layout a GEMV/GEMM kernel reads: 1 = the format's canonical
 * layout, r > 1 = rows interleaved in blocks of r (TL tiled layouts, made by PACK),
 * 0 = any layout (the kernel reads the interleave from the weights). */
unsigned bn_kernel_layout_rows(const bn_kernel *kernel);
/* The multiple of which K must be for this kernel (the format's alignment or stricter). */
unsigned bn_kernel_k_align(const bn_kernel *kernel);

/* ---------------------------------------------------------------- data views */

/* A ternary, F16 or Q8 weight matrix as the kernels read it. */
typedef struct bn_weights {
    const void *data; /* start of the layout (row 0); for ternary formats followed by the
                            32-byte tail of docs/formats.md only in the canonical layout;
                            Q8: rows x cols int8, then the rows f32 row scales at byte
                            offset round_up(rows * cols, 64) (docs/formats.md, "Q8") */
    size_t rows; /* M, output features */
    size_t cols; /* K, input features */
    float scale; /* ternary formats: the weight scale ws; F16, Q8: unused (1) */
    unsigned layout_rows; /* 1 = canonical layout; r > 1 = TL rows interleaved by r */
    bn_format format;
} bn_weights;

/* A block of n quantized token rows (the A8 format), plus TL lookup tables if built. */
typedef struct bn_act {
    const int8_t *q; /* n rows of `cols` int8 codes */
    size_t q_stride; /* bytes between token rows of q */
    const float *scale; /* n activation scales s (q = round(x * s)) */
    const int32_t *qsum; /* n sums of the codes of each row */
    const uint8_t *lut; /* TL1/TL2 only: n tables from the LUT op; NULL otherwise */
    size_t lut_stride; /* bytes between token tables */
} bn_act;

/* Bytes of a weight matrix in `format` and layout (layout_rows as in bn_weights),
 * including the 32-byte scale tail (ternary) or the row scales (Q8).  BN_E_INVALID_ARGUMENT if cols breaks the format's
 * alignment (I2S: K % 128; TL1: K % 4; TL2: K % 2). */
bn_status bn_weights_bytes(bn_format format, size_t rows, size_t cols, unsigned layout_rows, size_t *bytes);
/* Bytes of one token's lookup table for TL1/TL2 with `cols` inputs. */
bn_status bn_lut_bytes(bn_format format, size_t cols, size_t *bytes);
/* Read the weight scale stored in the tail of a canonical-layout buffer. */
float bn_weights_tail_scale(const bn_weights *w);

/* ---------------------------------------------------------------- calling kernels
 *
 * These wrappers check their arguments (returning BN_E_INVALID_ARGUMENT with a message
 * instead of crashing), check that `kernel` implements the op and is usable on this CPU,
 * call it, and record calls, bytes and time in the kernel's counters.  Pass the kernel
 * from bn_kernel_select (or any usable kernel from the registry).
 */

/* A8: n rows of cols floats -> codes, scales and code sums. */
bn_status bn_a8_quantize(const bn_kernel *kernel, size_t n, size_t cols, const float *x, size_t x_stride,
                         int8_t *q, size_t q_stride, float *scale, int32_t *qsum);
/* Ternary formats: f32 matrix (ternary values times one scale) -> canonical layout. */
bn_status bn_weights_quantize(const bn_kernel *kernel, size_t rows, size_t cols, const float *w,
                              size_t w_stride, void *out);
/* Canonical layout -> f32 matrix. */
bn_status bn_weights_dequantize(const bn_kernel *kernel, const bn_weights *w, float *out, size_t out_stride);
/* Canonical ternary int8 matrix (values -1, 0, +1) and scale -> layout `layout_rows`. */
bn_status bn_weights_pack(const bn_kernel *kernel, size_t rows, size_t cols, const int8_t *t, size_t t_stride,
                          float scale, unsigned layout_rows, void *out);
/* Any layout -> canonical ternary int8 (I2S/QK256 code 3 reads as +2, see formats.md). */
bn_status bn_weights_unpack(const bn_kernel *kernel, const bn_weights *w, int8_t *t, size_t t_stride);
/* TL1/TL2: tables for n token rows of A8 codes. */
bn_status bn_lut_build(const bn_kernel *kernel, size_t n, size_t cols, const int8_t *q, size_t q_stride,
                       uint8_t *lut, size_t lut_stride);
/* y[r] for r in [r0, r1): one token.  r0 must be a multiple of the layout's row block.
 * Ternary formats and Q8 (y[r] = ((float)sum_k q[r][k] * a[k] / s) * scale[r]). */
bn_status bn_gemv(const bn_kernel *kernel, const bn_weights *w, size_t r0, size_t r1, const bn_act *x,
                  float *y);
/* y[t][r] (row t at byte offset t*y_stride) for t < n, r in [r0, r1). */
bn_status bn_gemm(const bn_kernel *kernel, const bn_weights *w, size_t r0, size_t r1, size_t n,
                  const bn_act *x, float *y, size_t y_stride);
/* Q8: rows of cols floats (row r at byte offset r * w_stride, finite values) -> int8
 * codes q[r * q_stride + c] and one scale per row, scale[r] = max|w[r]| / 127, by the
 * rule of docs/formats.md ("Q8").  With q = data and scale = data + round_up(rows*cols,
 * 64) it writes a whole Q8 matrix; row blocks can be quantised separately. */
bn_status bn_q8_quantize(const bn_kernel *kernel, size_t rows, size_t cols, const float *w, size_t w_stride,
                         int8_t *q, size_t q_stride, float *scale);
/* F16 output head: y[r] = sum_k w[r][k] * x[k] for r in [r0, r1), f32 accumulation. */
bn_status bn_f16_gemv(const bn_kernel *kernel, const bn_weights *w, size_t r0, size_t r1, const float *x,
                      float *y);

/* F32 GEMM (attention): c[i][j] = (sum over p < k of a[i][p] * b[p][j]) * scale for i < m,
 * j < n, in the canonical order of docs/formats.md ("F32"): each sum starts at +0 and adds
 * the rounded products in order of p, no FMA; every F32 kernel gives the same bits.  A is
 * m x k, B is k x n (row p of n floats), C is m x n; byte strides, multiples of 4 and at
 * least a row's bytes; C must not overlap A or B.  m, n and k must be positive. */
bn_status bn_f32_gemm(const bn_kernel *kernel, size_t m, size_t n, size_t k, const float *a, size_t a_stride,
                      const float *b, size_t b_stride, float scale, float *c, size_t c_stride);
/* F32 softmax in place over `rows` rows of `len` floats (row r at byte offset r*x_stride),
 * in the canonical order of docs/formats.md: exact max, exp_canonical (<= 1.22 ulp), 16
 * partial sums and a fixed tree, x = e * (1/sum).  Entries must be finite or -inf; a row
 * of only -inf becomes zeros.  rows and len must be positive. */
bn_status bn_f32_softmax(const bn_kernel *kernel, size_t rows, size_t len, float *x, size_t x_stride);

/* ---------------------------------------------------------------- counters */

typedef struct bn_counter {
    uint64_t calls; /* calls recorded at the dispatch call site */
    uint64_t bytes; /* bytes of weights (matmuls) or inputs (other ops) the calls read */
    uint64_t ns; /* wall time inside the calls */
} bn_counter;

/* Counters of one kernel since start or the last reset. */
bn_counter bn_kernel_counter(const bn_kernel *kernel);
void bn_counters_reset(void);
/* Counters are on by default; BN_COUNTERS=0 or this call turns off the timing part
 * (calls and bytes are always counted). */
void bn_counters_timing(int enabled);

/* ---------------------------------------------------------------- models
 *
 * A model is a loaded GGUF file (architectures "bitnet-b1.58" and "bitnet") with its
 * vocabulary; a context holds one sequence's KV cache and scratch buffers; a sampler
 * picks tokens.  Typical use:
 *
 *     bn_model *m;  bn_model_open("model.gguf", NULL, &m);
 *     bn_context *c;  bn_context_new(m, NULL, &c);
 *     bn_sampler *s;  bn_sampler_new(bn_model_vocab_size(m), NULL, &s);
 *     int32_t ids[256];  size_t n;
 *     bn_model_tokenize(m, "Once upon a time", 16, 1, 0, ids, 256, &n);
 *     bn_generate(c, s, ids, n, &(bn_generate_params){.max_tokens = 64}, on_token, NULL, NULL);
 *
 * A model may be shared by several contexts (it is read-only after loading); a context
 * and a sampler belong to one thread at a time.
 */
typedef struct bn_model bn_model;
typedef struct bn_context bn_context;
typedef struct bn_sampler bn_sampler;

typedef struct bn_model_params {
    int kernel_format; /* BN_FORMAT_I2S, _QK256, _TL1, _TL2, or -1 = what dispatch prefers */
    int permissive; /* 0: strict validation (exact tensor sizes, code 3 is an error) */
    int head_format; /* output head in memory: -1 = as stored (F16 for 2B4T, F32 for the
                        TinyStories conversions), the stored format itself (BN_FORMAT_F16
                        or BN_FORMAT_F32), or BN_FORMAT_Q8: converted to int8 with one
                        f32 scale per row at load (half the F16 bytes per token; logits
                        change, see docs/performance.md "Int8 output head").  Anything
                        else is refused (BN_E_INVALID_ARGUMENT / BN_E_UNSUPPORTED). */
} bn_model_params;

/* Defaults: kernel_format -1 (auto), strict, head_format -1 (as stored). */
void bn_model_params_default(bn_model_params *params);
/* Map, validate and prepare a GGUF model (params NULL = defaults). */
bn_status bn_model_open(const char *path, const bn_model_params *params, bn_model **out);
void bn_model_close(bn_model *model);

typedef struct bn_model_info {
    const char *architecture; /* "bitnet-b1.58" or "bitnet" */
    const char *name; /* general.name, or "" */
    uint32_t vocab_size, context_length, dim, n_layers, n_heads, n_kv_heads, ffn_dim;
    bn_format format; /* kernel format of the ternary weights in memory */
    uint64_t file_bytes;
    const char *tokenizer_split; /* "llama-bpe", "default" or "spm" */
    bn_format head_format; /* output head in memory: F16, F32 or Q8 */
    /* Bytes of the file mapping covered by 2 MiB pages (Linux smaps FilePmdMapped, read at
     * the call; 0 if unknown).  Decode is faster when this is most of the file: see
     * docs/performance.md, "Huge page mappings". */
    uint64_t huge_mapped_bytes;
} bn_model_info;
bn_status bn_model_describe(const bn_model *model, bn_model_info *info);
uint32_t bn_model_vocab_size(const bn_model *model);

/* Text -> ids with the model's tokenizer.  add_bos: prepend BOS (when the vocabulary has
 * one); parse_special: match control-token text such as "<|eot_id|>".  Writes at most cap
 * ids, sets *n to the count the text needs (BN_E_RANGE if cap was too small). */
bn_status bn_model_tokenize(const bn_model *model, const char *text, size_t len, int add_bos,
                            int parse_special, int32_t *ids, size_t cap, size_t *n);
/* The bytes token `id` decodes to (control tokens: "" unless render_special). */
bn_status bn_model_token_bytes(const bn_model *model, int32_t id, int render_special, char *buf, size_t cap,
                               size_t *len);
/* Is id an end-of-generation token of this vocabulary? */
int bn_model_is_eog(const bn_model *model, int32_t id);
/* BOS id or -1. */
int32_t bn_model_bos(const bn_model *model);

typedef struct bn_context_params {
    uint32_t n_ctx; /* KV cache positions; 0 = min(context_length, 4096) */
    uint32_t n_batch; /* tokens per prefill step; 0 = 512 */
    uint32_t n_threads; /* 0 = one per core */
} bn_context_params;

bn_status bn_context_new(const bn_model *model, const bn_context_params *params, bn_context **out);
void bn_context_free(bn_context *ctx);
/* Forget every token (empty KV cache). */
void bn_context_reset(bn_context *ctx);
/* Tokens in the cache, and its capacity. */
uint32_t bn_context_pos(const bn_context *ctx);
uint32_t bn_context_size(const bn_context *ctx);
/* Evaluate n tokens after those in the cache (prefill when n > 1) and, if logits is not
 * NULL, write the last token's vocab_size logits.  BN_E_RANGE when the context is full. */
bn_status bn_eval(bn_context *ctx, const int32_t *tokens, size_t n, float *logits);
/* The same, writing every token's logits: logits[n][vocab_size]. */
bn_status bn_eval_all(bn_context *ctx, const int32_t *tokens, size_t n, float *logits);

typedef struct bn_sampler_params {
    float temperature; /* <= 0: greedy */
    int top_k; /* 0: off */
    float top_p; /* 1: off */
    float min_p; /* 0: off */
    float repeat_penalty; /* 1: off */
    int repeat_last_n; /* tokens the penalty looks back over */
    uint64_t seed;
} bn_sampler_params;

/* Defaults: temperature 0.8, top_k 40, top_p 0.95, min_p 0.05, repeat_penalty 1 (off),
 * repeat_last_n 64, seed 0x5EED. */
void bn_sampler_params_default(bn_sampler_params *params);
bn_status bn_sampler_new(size_t vocab_size, const bn_sampler_params *params, bn_sampler **out);
void bn_sampler_free(bn_sampler *sampler);
/* Pick a token from logits (allocates nothing). */
int32_t bn_sampler_sample(bn_sampler *sampler, const float *logits);
/* Record a token in the repetition-penalty history (prompt tokens and generated ones). */
void bn_sampler_accept(bn_sampler *sampler, int32_t token);
void bn_sampler_reset(bn_sampler *sampler);

/* Called for every generated token with the valid UTF-8 text it completes (possibly ""
 * while a multi-byte character is split across tokens).  Return non-zero to stop. */
typedef int (*bn_token_callback)(void *user, int32_t token, const char *text, size_t len);

typedef enum bn_stop_reason {
    BN_STOP_MAX_TOKENS = 0, /* generated max_tokens */
    BN_STOP_EOG = 1, /* an end-of-generation token */
    BN_STOP_STRING = 2, /* a stop string appeared in the output */
    BN_STOP_CONTEXT_FULL = 3, /* the KV cache is full */
    BN_STOP_CALLBACK = 4, /* the callback asked to stop */
} bn_stop_reason;

typedef struct bn_generate_params {
    size_t max_tokens; /* 0 = until EOG or a full context */
    const char *const *stop_strings; /* NULL-terminated, or NULL */
    int echo_special; /* render control tokens in the text */
} bn_generate_params;

typedef struct bn_generate_result {
    size_t prompt_tokens, generated_tokens;
    bn_stop_reason stop;
    double prefill_seconds, decode_seconds; /* wall time of prompt evaluation and of decoding */
} bn_generate_result;

/* Evaluate the prompt (appended to what the context holds), then sample and evaluate
 * tokens until a stop condition.  The end-of-generation token is not passed to the
 * callback.  Text held back at the end (an incomplete character) is flushed as U+FFFD. */
bn_status bn_generate(bn_context *ctx, bn_sampler *sampler, const int32_t *prompt, size_t n_prompt,
                      const bn_generate_params *params, bn_token_callback callback, void *user,
                      bn_generate_result *result);

/* The 2B4T chat format: each message "Role: " + trimmed content + "<|eot_id|>", BOS
 * first (not written into the text: tokenize with add_bos), then "Assistant: " when
 * add_generation_prompt.  Roles "system", "user", "assistant".  Returns the bytes needed
 * including the NUL; writes at most size. */
typedef struct bn_chat_message {
    const char *role;
    const char *content;
} bn_chat_message;
size_t bn_chat_format(const bn_chat_message *messages, size_t n, int add_generation_prompt, char *buf,
                      size_t size);

#ifdef __cplusplus
}
#endif
#endif /* BITNET_H */
