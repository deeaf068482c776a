/*
 * tokenize.c - `bitnet tokenize -m MODEL (-p TEXT | -f FILE) [--no-bos] [--special] [--json]`:
 * print the token ids of a text.  MODEL may be a full model or a vocabulary-only GGUF: only
 * the tokenizer.ggml.* metadata is read.
 */
#include <stdio.h>
#include <stdlib.h>

#include "model/gguf.h"
#include "model/tokenizer.h"
#include "tools/cli/cli.h"
#include "tools/cli/options.h"

static void print_json_string(const char *s, size_t n)
{
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

int bn_cli_tokenize(int argc, char **argv)
{
    bn_cli_options o;
    if (!bn_cli_parse(argc, argv, BN_CLI_MODEL | BN_CLI_PROMPT | BN_CLI_TOKENIZE, "tokenize", &o)) return 2;
    if (!o.prompt && !o.prompt_file) {
        fprintf(stderr, "bitnet tokenize: give the text with -p TEXT or -f FILE\n");
        return 2;
    }
    size_t len = 0, n = 0;
    char *text = bn_cli_prompt_text(&o, &len);
    if (!text) return 1;
    bn_gguf *g = NULL;
    bn_vocab *v = NULL;
    int32_t *ids = malloc((len + 8) * sizeof *ids);
    bn_status st = ids ? bn_gguf_open(o.model, &g) : BN_E_NO_MEMORY;
    if (st == BN_OK) st = bn_vocab_from_gguf(g, &v);
    if (st == BN_OK) st = bn_tokenize(v, text, len, !o.no_bos, o.special, ids, len + 8, &n);
    if (st != BN_OK) {
        fprintf(stderr, "bitnet tokenize: %s: %s\n", bn_status_str(st), bn_last_error());
    } else if (o.json) {
        printf("{\"ids\": [");
        for (size_t i = 0; i < n; i++) printf("%s%d", i ? ", " : "", ids[i]);
        printf("], \"pieces\": [");
        for (size_t i = 0; i < n; i++) {
            char piece[256];
            size_t plen = 0;
            bn_token_bytes(v, ids[i], true, piece, sizeof piece, &plen);
            printf("%s", i ? ", " : "");
            print_json_string(piece, plen);
        }
        printf("], \"count\": %zu, \"split\": \"%s\"}\n", n, bn_vocab_split_name(v));
    } else {
        for (size_t i = 0; i < n; i++) printf("%s%d", i ? " " : "", ids[i]);
        printf("\n");
    }
    bn_vocab_free(v);
    bn_gguf_close(g);
    free(ids);
    free(text);
    return st == BN_OK ? 0 : 1;
}
