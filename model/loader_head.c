/*
 * loader_head.c - the output head in the format the caller asked for (head_format).
 *
 * As stored (F16 for 2B4T, F32 for the TinyStories conversions) the head is used straight
 * from the mapping.  BN_FORMAT_Q8 converts it at load: blocks of HEAD_BLOCK_ROWS rows,
 * claimed in turn by the threads of a temporary pool, are widened to f32 (F16 heads),
 * checked finite and quantised by the dispatched Q8 quant kernel into one owned buffer
 * (docs/formats.md, "Q8").  The stored head stays mapped: in 2B4T it is the tied token
 * embedding, which decoding still reads one row of per token.
 */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "dispatch/dispatch.h"
#include "dispatch/pool.h"
#include "model/loader_internal.h"
#include "model/ops.h"
#include "ref/formats.h"

#define HEAD_BLOCK_ROWS 16

typedef struct convert_job {
    const bn_weights *src;
    bool f16;
    const bn_kernel *quant;
    int8_t *q;
    float *scale;
    float *rows; /* [threads][HEAD_BLOCK_ROWS * cols] f32 scratch */
    atomic_size_t next; /* first row of the next unclaimed block */
    atomic_size_t bad_row; /* a row with a non-finite value, or SIZE_MAX */
    atomic_int failed; /* a quant call refused its arguments */
} convert_job;

static void convert_part(void *ctx, unsigned thread, unsigned threads)
{
    (void)threads;
    convert_job *j = ctx;
    const size_t cols = j->src->cols, rows = j->src->rows;
    float *buf = j->rows + (size_t)thread * HEAD_BLOCK_ROWS * cols;
    for (;;) {
        const size_t r0 = atomic_fetch_add_explicit(&j->next, HEAD_BLOCK_ROWS, memory_order_relaxed);
        if (r0 >= rows) return;
        const size_t n = rows - r0 < HEAD_BLOCK_ROWS ? rows - r0 : HEAD_BLOCK_ROWS;
        const float *in = (const float *)j->src->data + r0 * cols;
        if (j->f16) {
            for (size_t i = 0; i < n; i++)
                bn_f16_row_to_f32((const uint16_t *)j->src->data + (r0 + i) * cols, cols, buf + i * cols);
            in = buf;
        }
        bool finite = true;
        for (size_t i = 0; i < n * cols && finite; i++) finite = isfinite(in[i]);
        if (!finite) { /* the quant rule needs finite values: report, do not quantise */
            atomic_store(&j->bad_row, r0);
            continue;
        }
        if (bn_q8_quantize(j->quant, n, cols, in, cols * sizeof(float), j->q + r0 * cols, cols,
                           j->scale + r0) != BN_OK)
            atomic_store(&j->failed, 1);
    }
}

static bn_status convert_to_q8(bn_load_ctx *c)
{
    bn_model *m = c->m;
    const bn_weights *src = &m->output;
    const char *path = bn_gguf_path(c->g);
    if (src->cols > BN_Q8_MAX_K)
        return bn_fail(BN_E_UNSUPPORTED, "%s: head_format q8 needs dim <= %u (int32 sums), dim = %zu", path,
                       BN_Q8_MAX_K, src->cols);
    const bn_kernel *quant;
    bn_status st = bn_kernel_select(BN_FORMAT_Q8, BN_OP_QUANT, &quant);
    if (st != BN_OK) return st;
    const uint64_t t0 = bn_now_ns();
    uint8_t *data = bn_load_alloc(c, bn_q8_bytes(src->rows, src->cols));
    if (!data) return BN_E_NO_MEMORY;
    bn_pool *pool;
    st = bn_pool_create(0, &pool);
    if (st != BN_OK) return st;
    const unsigned threads = bn_pool_threads(pool);
    convert_job job = {.src = src,
                       .f16 = m->output_type == BN_GGML_F16,
                       .quant = quant,
                       .q = (int8_t *)data,
                       .scale = (float *)(data + bn_q8_scales_offset(src->rows, src->cols)),
                       .rows = malloc((size_t)threads * HEAD_BLOCK_ROWS * src->cols * sizeof(float))};
    atomic_init(&job.next, 0);
    atomic_init(&job.bad_row, SIZE_MAX);
    atomic_init(&job.failed, 0);
    if (!job.rows) {
        bn_pool_destroy(pool);
        return bn_fail(BN_E_NO_MEMORY, "%s: out of memory converting the output head to q8", path);
    }
    bn_pool_run(pool, convert_part, &job);
    bn_pool_destroy(pool);
    free(job.rows);
    const size_t bad = atomic_load(&job.bad_row);
    if (bad != SIZE_MAX)
        return bn_fail(BN_E_FORMAT,
                       "%s: the output head has a non-finite value in rows %zu..%zu: it cannot be "
                       "converted to q8",
                       path, bad, bad + HEAD_BLOCK_ROWS - 1);
    if (atomic_load(&job.failed))
        return bn_fail(BN_E_INVALID_ARGUMENT, "%s: the q8 quant kernel refused the output head", path);
    m->output_q8 = (bn_weights){data, src->rows, src->cols, 1.0f, 1, BN_FORMAT_Q8};
    m->head_format = BN_FORMAT_Q8;
    m->head_convert_seconds = (double)(bn_now_ns() - t0) * 1e-9;
    return BN_OK;
}

bn_status bn_load_head(bn_load_ctx *c)
{
    bn_model *m = c->m;
    const bn_format stored = m->output_type == BN_GGML_F16 ? BN_FORMAT_F16 : BN_FORMAT_F32;
    const int want = c->opt.head_format;
    m->head_format = stored;
    if (want == -1 || want == (int)stored) return BN_OK;
    if (want != BN_FORMAT_Q8)
        return bn_fail(
            BN_E_INVALID_ARGUMENT,
            "%s: head_format %d (%s) is not available: the stored output head is %s; choose %s (as "
            "stored, or -1) or q8",
            bn_gguf_path(c->g), want, bn_format_name((bn_format)want), bn_format_name(stored),
            bn_format_name(stored));
    return convert_to_q8(c);
}
