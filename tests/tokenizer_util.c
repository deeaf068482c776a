/*
 * tokenizer_util.c - see tokenizer_util.h.
 */
#include "tests/tokenizer_util.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "model/gguf.h"

char *bn_tok_data_path(const char *rel)
{
    char base[4096];
    const char *env = getenv("BN_SHARED_DATA");
    if (env && *env) {
        snprintf(base, sizeof base, "%s", env);
    } else {
        ssize_t k = readlink("/proc/self/exe", base, sizeof base - 1);
        cr_assert(k > 0, "cannot read /proc/self/exe to find the repository root");
        base[k] = 0;
        for (int up = 0; up < 4; up++) { /* strip unit-tests, bin, <variant>, build */
            char *slash = strrchr(base, '/');
            cr_assert(slash, "test binary path %s is not build/<variant>/bin/<name>", base);
            *slash = 0;
        }
        strncat(base, "/../shared/data", sizeof base - strlen(base) - 1);
    }
    size_t n = strlen(base) + strlen(rel) + 2;
    char *path = malloc(n);
    cr_assert(path);
    snprintf(path, n, "%s/%s", base, rel);
    if (access(path, R_OK) != 0)
        cr_assert_fail("test data %s is missing: the tests expect ../shared/data beside the repository root "
                       "(or BN_SHARED_DATA=<dir>)",
                       path);
    return path;
}

bn_vocab *bn_tok_load_llama3(void)
{
    char *path = bn_tok_data_path("llama3-tokenizer/tokenizer.json");
    bn_vocab *v = NULL;
    bn_status st = bn_vocab_from_tokenizer_json(path, &v);
    cr_assert_eq(st, BN_OK, "loading %s: %s", path, bn_last_error());
    free(path);
    return v;
}

bn_vocab *bn_tok_load_llama2(void)
{
    char *path = bn_tok_data_path("llama2-tokenizer/ggml-vocab-llama-spm.gguf");
    bn_gguf *g = NULL;
    bn_status st = bn_gguf_open(path, &g);
    cr_assert_eq(st, BN_OK, "opening %s: %s", path, bn_last_error());
    bn_vocab *v = NULL;
    st = bn_vocab_from_gguf(g, &v);
    cr_assert_eq(st, BN_OK, "vocabulary of %s: %s", path, bn_last_error());
    bn_gguf_close(g); /* the vocabulary keeps copies, not views into the mapping */
    free(path);
    return v;
}

bn_vocab *bn_tok_load_tinystories(void)
{
    char *path = bn_tok_data_path("tinystories-ternary/tokenizer.bin");
    bn_vocab *v = NULL;
    bn_status st = bn_vocab_from_llama2c(path, &v);
    cr_assert_eq(st, BN_OK, "loading %s: %s", path, bn_last_error());
    free(path);
    return v;
}

static char *read_all(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    cr_assert(f, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert(buf && fread(buf, 1, (size_t)n, f) == (size_t)n, "cannot read %s", path);
    buf[n] = 0;
    fclose(f);
    *size = (size_t)n;
    return buf;
}

size_t bn_tok_read_jsonl(const char *rel, bn_tok_case **cases)
{
    char *path = bn_tok_data_path(rel);
    size_t size;
    char *buf = read_all(path, &size);
    size_t cap = 16, n = 0;
    bn_tok_case *c = malloc(cap * sizeof *c);
    for (char *line = buf; *line;) {
        char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len) {
            json_error_t err;
            json_t *o = json_loadb(line, len, JSON_ALLOW_NUL, &err);
            cr_assert(o, "%s line %zu: %s", path, n + 1, err.text);
            json_t *text = json_object_get(o, "text"), *ids = json_object_get(o, "ids");
            cr_assert(json_is_string(text) && json_is_array(ids), "%s line %zu: no text/ids", path, n + 1);
            if (n == cap) c = realloc(c, (cap *= 2) * sizeof *c);
            c[n].len = json_string_length(text);
            c[n].text = malloc(c[n].len + 1);
            memcpy(c[n].text, json_string_value(text), c[n].len + 1);
            c[n].n = json_array_size(ids);
            c[n].ids = malloc((c[n].n + 1) * sizeof *c[n].ids);
            for (size_t i = 0; i < c[n].n; i++)
                c[n].ids[i] = (int32_t)json_integer_value(json_array_get(ids, i));
            json_decref(o);
            n++;
        }
        line += len + (end ? 1 : 0);
    }
    free(buf);
    free(path);
    *cases = c;
    return n;
}

size_t bn_tok_read_inp_out(const char *rel_inp, const char *rel_out, bn_tok_case **cases)
{
    static const char sep[] = "\n__ggml_vocab_test__\n";
    char *pin = bn_tok_data_path(rel_inp), *pout = bn_tok_data_path(rel_out);
    size_t sin, sout;
    char *inp = read_all(pin, &sin), *out = read_all(pout, &sout);
    size_t n = 0;
    for (char *p = inp; (p = strstr(p, sep)); p += strlen(sep)) n++;
    bn_tok_case *c = calloc(n, sizeof *c);
    char *text = inp, *line = out;
    for (size_t i = 0; i < n; i++) {
        char *end = strstr(text, sep);
        c[i].len = (size_t)(end - text);
        c[i].text = malloc(c[i].len + 1);
        memcpy(c[i].text, text, c[i].len);
        c[i].text[c[i].len] = 0;
        text = end + strlen(sep);
        char *eol = strchr(line, '\n');
        cr_assert(eol, "%s: fewer than %zu lines", pout, n);
        *eol = 0;
        c[i].ids = malloc((strlen(line) / 2 + 1) * sizeof *c[i].ids);
        for (char *q = line; *q;) {
            char *next;
            long id = strtol(q, &next, 10);
            if (next == q) break;
            c[i].ids[c[i].n++] = (int32_t)id;
            q = next;
        }
        line = eol + 1;
    }
    free(inp);
    free(out);
    free(pin);
    free(pout);
    *cases = c;
    return n;
}

void bn_tok_free_cases(bn_tok_case *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(cases[i].text);
        free(cases[i].ids);
    }
    free(cases);
}

static void print_ids(const char *what, const int32_t *ids, size_t n)
{
    fprintf(stderr, "  %s (%zu):", what, n);
    for (size_t i = 0; i < n && i < 60; i++) fprintf(stderr, " %d", (int)ids[i]);
    fprintf(stderr, n > 60 ? " ...\n" : "\n");
}

size_t bn_tok_check_cases(const bn_vocab *v, const bn_tok_case *cases, size_t n, bool add_bos, bool special,
                          const char *label)
{
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t cap = 4 * cases[i].len + 8, got = 0;
        int32_t *ids = malloc(cap * sizeof *ids);
        bn_status st = bn_tokenize(v, cases[i].text, cases[i].len, add_bos, special, ids, cap, &got);
        bool same = st == BN_OK && got == cases[i].n && !memcmp(ids, cases[i].ids, got * sizeof *ids);
        if (!same && bad++ < 8) {
            fprintf(stderr, "%s case %zu: \"%.*s\"%s%s\n", label, i,
                    (int)(cases[i].len > 80 ? 80 : cases[i].len), cases[i].text,
                    st == BN_OK ? "" : " error: ", st == BN_OK ? "" : bn_last_error());
            print_ids("expected", cases[i].ids, cases[i].n);
            print_ids("got     ", ids, got);
        }
        free(ids);
    }
    return bad;
}
