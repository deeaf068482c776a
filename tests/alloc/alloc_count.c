/*
 * alloc_count.c - proves that decoding allocates nothing after warm-up.
 *
 * This program replaces malloc, calloc, realloc, free, posix_memalign, aligned_alloc and
 * memalign for the whole process (every library, every pool thread) with versions that
 * count calls while counting is on, then forward to glibc.  It loads each model given on
 * the command line, warms up (BOS and a few decode steps), turns counting on, decodes
 * 64 tokens with bn_eval + the sampler and 32 more through bn_generate, and fails if any
 * allocation happened; each model twice, with its stored head and with the int8 head
 * (head_format q8).  Not built with sanitizers (they replace malloc themselves).
 *
 *   alloc-count MODEL.gguf...
 */
#include <malloc.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "bitnet.h"

void *__libc_malloc(size_t);
void *__libc_calloc(size_t, size_t);
void *__libc_realloc(void *, size_t);
void *__libc_memalign(size_t, size_t);
void __libc_free(void *);

static atomic_int counting;
static atomic_long allocations;

static void note(void)
{
    if (atomic_load_explicit(&counting, memory_order_relaxed)) atomic_fetch_add(&allocations, 1);
}

void *malloc(size_t n)
{
    note();
    return __libc_malloc(n);
}
void *calloc(size_t a, size_t b)
{
    note();
    return __libc_calloc(a, b);
}
void *realloc(void *p, size_t n)
{
    note();
    return __libc_realloc(p, n);
}
void free(void *p) { __libc_free(p); }
void *memalign(size_t a, size_t n)
{
    note();
    return __libc_memalign(a, n);
}
void *aligned_alloc(size_t a, size_t n)
{
    note();
    return __libc_memalign(a, n);
}
int posix_memalign(void **out, size_t a, size_t n)
{
    note();
    *out = __libc_memalign(a, n);
    return *out ? 0 : 12; /* ENOMEM */
}

static int ignore(void *user, int32_t token, const char *text, size_t len)
{
    (void)user, (void)token, (void)text, (void)len;
    return 0;
}

static int check(const char *path, int head_format)
{
    bn_model *m = NULL;
    bn_context *c = NULL;
    bn_sampler *s = NULL;
    bn_context_params cp = {128, 32, 0};
    bn_model_params mp;
    bn_model_params_default(&mp);
    mp.head_format = head_format;
    bn_status st = bn_model_open(path, &mp, &m);
    if (st == BN_OK) st = bn_context_new(m, &cp, &c);
    if (st == BN_OK) st = bn_sampler_new(bn_model_vocab_size(m), NULL, &s);
    if (st != BN_OK) {
        fprintf(stderr, "alloc-count: %s: %s\n", path, bn_last_error());
        return 2;
    }
    float *logits = malloc(bn_model_vocab_size(m) * sizeof(float));
    int32_t tok = bn_model_bos(m) >= 0 ? bn_model_bos(m) : 0;
    for (int i = 0; i < 4 && st == BN_OK; i++) { /* warm-up: first calls may set things up */
        st = bn_eval(c, &tok, 1, logits);
        tok = bn_sampler_sample(s, logits);
        bn_sampler_accept(s, tok);
    }
    atomic_store(&counting, 1);
    for (int i = 0; i < 64 && st == BN_OK; i++) {
        st = bn_eval(c, &tok, 1, logits);
        tok = bn_sampler_sample(s, logits);
        bn_sampler_accept(s, tok);
    }
    long in_eval = atomic_load(&allocations);
    bn_generate_params gp = {32, NULL, 0};
    if (st == BN_OK) st = bn_generate(c, s, &tok, 1, &gp, ignore, NULL, NULL);
    atomic_store(&counting, 0);
    long total = atomic_load(&allocations);
    atomic_store(&allocations, 0);
    printf("alloc-count: %s (head %s): %ld allocations in 64 decode steps, %ld in 32 generated tokens\n",
           path, head_format < 0 ? "as stored" : bn_format_name((bn_format)head_format), in_eval,
           total - in_eval);
    free(logits);
    bn_sampler_free(s);
    bn_context_free(c);
    bn_model_close(m);
    if (st != BN_OK) {
        fprintf(stderr, "alloc-count: %s: %s\n", path, bn_last_error());
        return 2;
    }
    return total == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: alloc-count MODEL.gguf...\n");
        return 2;
    }
    int status = 0;
    for (int i = 1; i < argc; i++) {
        for (int q8 = 0; q8 < 2; q8++) {
            int r = check(argv[i], q8 ? BN_FORMAT_Q8 : -1);
            if (r > status) status = r;
        }
    }
    return status;
}
