/*
 * gen.c - `bitnet gen`: synthetic models for tests, fuzzing and load-time measurements.
 *
 *   bitnet gen tiny OUT [--arch bitnet|bitnet-b1.58] [--dim N] [--layers N] [--ffn N]
 *                       [--heads N] [--kv-heads N] [--vocab N] [--type i2_s|tq2_0|tq1_0]
 *                       [--embd f16|f32] [--scales] [--output] [--seed N]
 *   bitnet gen 2b4t OUT [--tokenizer tokenizer.json] [--seed N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fixtures/gen/gen.h"
#include "model/loader.h"
#include "tools/cli/cli.h"

static const char usage_text[] =
    "usage: bitnet gen tiny OUT [--arch bitnet|bitnet-b1.58] [--dim N] [--layers N] [--ffn N] [--heads N]\n"
    "                           [--kv-heads N] [--vocab N] [--type i2_s|tq2_0|tq1_0] [--embd f16|f32]\n"
    "                           [--scales] [--output] [--seed N]\n"
    "       bitnet gen 2b4t OUT [--tokenizer PATH] [--seed N]\n"
    "  tiny: a small model with random ternary weights (defaults: bitnet-b1.58, dim 256, 2 layers,\n"
    "        ffn 384, 4 heads over 2 kv heads, vocab 300, I2_S, F16 embedding)\n"
    "  2b4t: the exact layout of the released BitNet b1.58 2B4T file (24 keys, 332 tensors,\n"
    "        ~1.19 GB) with random weights and the Llama 3 vocabulary from tokenizer.json\n"
    "        (default ../shared/data/llama3-tokenizer/tokenizer.json)\n";

static int bad(const char *what, const char *arg)
{
    fprintf(stderr, "bitnet gen: %s '%s'\n%s", what, arg, usage_text);
    return 1;
}

static bool parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (!*s || *end || v == 0 || v > 1u << 24) return false;
    *out = (uint32_t)v;
    return true;
}

static int gen_tiny(int argc, char **argv, const char *out)
{
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint32_t *num = !strcmp(a, "--dim")        ? &s.dim
                        : !strcmp(a, "--layers")   ? &s.n_layers
                        : !strcmp(a, "--ffn")      ? &s.ffn_dim
                        : !strcmp(a, "--heads")    ? &s.n_heads
                        : !strcmp(a, "--kv-heads") ? &s.n_kv_heads
                        : !strcmp(a, "--vocab")    ? &s.vocab
                                                   : NULL;
        if (num) {
            if (!v || !parse_u32(v, num)) return bad("expected a positive number after", a);
            i++;
        } else if (!strcmp(a, "--seed") && v) {
            s.seed = strtoull(v, NULL, 10), i++;
        } else if (!strcmp(a, "--arch") && v) {
            if (!strcmp(v, "bitnet"))
                s.arch = BN_ARCH_BITNET;
            else if (!strcmp(v, "bitnet-b1.58"))
                s.arch = BN_ARCH_BITNET_B158;
            else
                return bad("unknown architecture", v);
            i++;
        } else if (!strcmp(a, "--type") && v) {
            s.ternary_type = !strcmp(v, "i2_s")    ? BN_GGML_I2_S
                             : !strcmp(v, "tq2_0") ? BN_GGML_TQ2_0
                             : !strcmp(v, "tq1_0") ? BN_GGML_TQ1_0
                                                   : 0;
            if (!s.ternary_type) return bad("unknown ternary type", v);
            i++;
        } else if (!strcmp(a, "--embd") && v) {
            if (strcmp(v, "f16") && strcmp(v, "f32")) return bad("unknown embedding type", v);
            s.embd_type = !strcmp(v, "f16") ? BN_GGML_F16 : BN_GGML_F32;
            i++;
        } else if (!strcmp(a, "--scales")) {
            s.with_scales = true;
        } else if (!strcmp(a, "--output")) {
            s.explicit_output = true;
        } else {
            return bad("unknown or incomplete option", a);
        }
    }
    if (s.dim % s.n_heads || s.n_heads % s.n_kv_heads || (s.dim / s.n_heads) % 2 || s.dim % 128 ||
        s.ffn_dim % 128)
        return bad("inconsistent shape (dim and ffn must be multiples of 128, heads must divide dim and be a "
                   "multiple of kv-heads, head dim even) for",
                   out);
    bn_status st = bn_synth_write_file(&s, out);
    if (st != BN_OK) {
        fprintf(stderr, "bitnet gen: %s\n", bn_last_error());
        return 1;
    }
    return 0;
}

int bn_cli_gen(int argc, char **argv)
{
    if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (argc < 3) {
        fputs(usage_text, stderr);
        return 1;
    }
    const char *what = argv[1], *out = argv[2];
    if (!strcmp(what, "tiny")) return gen_tiny(argc - 3, argv + 3, out);
    if (strcmp(what, "2b4t")) return bad("unknown model kind", what);
    const char *tokenizer = "../shared/data/llama3-tokenizer/tokenizer.json";
    uint64_t seed = 2024;
    for (int i = 3; i < argc; i++) {
        if (!strcmp(argv[i], "--tokenizer") && i + 1 < argc)
            tokenizer = argv[++i];
        else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 10);
        else
            return bad("unknown or incomplete option", argv[i]);
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    bn_status st = bn_gen_2b4t(tokenizer, out, seed);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != BN_OK) {
        fprintf(stderr, "bitnet gen: %s\n", bn_last_error());
        return 1;
    }
    fprintf(stderr, "bitnet gen: wrote %s in %.2f s\n", out,
            (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec));
    return 0;
}
