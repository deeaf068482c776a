/*
 * bn-tokenize - tokenize text with a vocabulary, time it, or write the vocabulary as a
 * vocab-only GGUF.
 *
 *   bn-tokenize [options] VOCAB [TEXT_FILE]     ids of the file (or stdin), one line
 *     VOCAB: a .gguf file, a Hugging Face tokenizer.json, or a llama2.c tokenizer.bin
 *     --bos              put BOS first            --special   match special tokens in text
 *     --split NAME       llama-bpe | default (gpt2 vocabularies)
 *     --bench REPS       tokenize REPS times; print the median and minimum time
 *     --write-gguf OUT   write the vocabulary as a vocab-only GGUF and exit
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/gguf.h"
#include "model/tokenizer.h"

static int usage(void)
{
    fprintf(stderr, "usage: bn-tokenize [--bos] [--special] [--split NAME] [--bench REPS] [--write-gguf OUT] "
                    "VOCAB [TEXT_FILE]\n");
    return 2;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static bn_status load_vocab(const char *path, bn_vocab **v)
{
    if (ends_with(path, ".json")) return bn_vocab_from_tokenizer_json(path, v);
    if (!ends_with(path, ".gguf")) return bn_vocab_from_llama2c(path, v);
    bn_gguf *g = NULL;
    bn_status st = bn_gguf_open(path, &g);
    if (st == BN_OK) st = bn_vocab_from_gguf(g, v);
    bn_gguf_close(g);
    return st;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = path ? fopen(path, "rb") : stdin;
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
        n += k;
        if (n == cap) buf = realloc(buf, cap *= 2);
    }
    if (path) fclose(f);
    *len = n;
    return buf;
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    bool bos = false, special = false;
    const char *split = NULL, *gguf_out = NULL, *vocab_path = NULL, *text_path = NULL;
    long reps = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--bos"))
            bos = true;
        else if (!strcmp(argv[i], "--special"))
            special = true;
        else if (!strcmp(argv[i], "--split") && i + 1 < argc)
            split = argv[++i];
        else if (!strcmp(argv[i], "--bench") && i + 1 < argc)
            reps = strtol(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--write-gguf") && i + 1 < argc)
            gguf_out = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1])
            return usage();
        else if (!vocab_path)
            vocab_path = argv[i];
        else if (!text_path)
            text_path = argv[i];
        else
            return usage();
    }
    if (!vocab_path || reps < 0) return usage();
    bn_vocab *v = NULL;
    double t0 = now_s();
    bn_status st = load_vocab(vocab_path, &v);
    double load_s = now_s() - t0;
    if (st == BN_OK && split) st = bn_vocab_set_split(v, split);
    if (st != BN_OK) {
        fprintf(stderr, "bn-tokenize: %s\n", bn_last_error());
        return 1;
    }
    if (gguf_out) {
        bn_gguf_writer *w = NULL;
        st = bn_gguf_writer_create(&w);
        if (st == BN_OK) st = bn_vocab_to_gguf(v, w);
        if (st == BN_OK) st = bn_gguf_writer_write_file(w, gguf_out);
        bn_gguf_writer_free(w);
        bn_vocab_free(v);
        if (st != BN_OK) fprintf(stderr, "bn-tokenize: %s\n", bn_last_error());
        return st == BN_OK ? 0 : 1;
    }
    size_t len = 0;
    char *text = read_text(text_path, &len);
    if (!text) {
        fprintf(stderr, "bn-tokenize: cannot read %s\n", text_path ? text_path : "stdin");
        return 1;
    }
    size_t cap = len + 2, n = 0;
    int32_t *ids = malloc(cap * sizeof *ids);
    st = ids ? bn_tokenize(v, text, len, bos, special, ids, cap, &n) : BN_E_NO_MEMORY;
    if (st != BN_OK) {
        fprintf(stderr, "bn-tokenize: %s\n", bn_last_error());
        return 1;
    }
    if (reps > 0) {
        double *t = malloc((size_t)reps * sizeof *t);
        for (long r = 0; r < reps; r++) {
            double s = now_s();
            bn_tokenize(v, text, len, bos, special, ids, cap, &n);
            t[r] = now_s() - s;
        }
        qsort(t, (size_t)reps, sizeof *t, cmp_double);
        printf("vocab %s (%zu tokens, split %s) loaded in %.3f s\n", vocab_path, bn_vocab_size(v),
               bn_vocab_split_name(v), load_s);
        printf("%zu bytes -> %zu ids; %ld runs: median %.3f ms, min %.3f ms (%.1f MB/s at the median)\n", len,
               n, reps, 1e3 * t[reps / 2], 1e3 * t[0], (double)len / t[reps / 2] / 1e6);
        free(t);
    } else {
        for (size_t i = 0; i < n; i++) printf(i ? " %d" : "%d", (int)ids[i]);
        printf("\n");
    }
    free(ids);
    free(text);
    bn_vocab_free(v);
    return 0;
}
