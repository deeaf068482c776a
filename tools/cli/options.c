/* options.c - parsing the shared command-line flags (see options.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/cli/options.h"

typedef struct flag {
    const char *name, *alias;
    unsigned group;
    const char *value; /* metavariable of the flag's value, NULL for a switch */
    const char *help;
} flag;

static const flag flags[] = {
    {"-m", "--model", BN_CLI_MODEL, "FILE", "GGUF model (or vocabulary for tokenize)"},
    {"--kernel-format", NULL, BN_CLI_MODEL, "F", "weight format in memory: i2s, qk256, tl1, tl2, auto"},
    {"--permissive", NULL, BN_CLI_MODEL, NULL, "accept small tensor-size deviations with a warning"},
    {"--head", NULL, BN_CLI_MODEL, "F",
     "output head in memory: f16/f32 (as stored) or q8 (int8, converted at load)"},
    {"-p", "--prompt", BN_CLI_PROMPT, "TEXT", "prompt"},
    {"-f", "--file", BN_CLI_PROMPT, "FILE", "prompt from a file"},
    {"-n", "--n-predict", BN_CLI_SAMPLING, "N", "tokens to generate (-1: until end of generation)"},
    {"--temp", NULL, BN_CLI_SAMPLING, "T", "temperature (0 = greedy)"},
    {"--top-k", NULL, BN_CLI_SAMPLING, "K", "top-k (0 = off)"},
    {"--top-p", NULL, BN_CLI_SAMPLING, "P", "top-p (1 = off)"},
    {"--min-p", NULL, BN_CLI_SAMPLING, "P", "min-p (0 = off)"},
    {"--repeat-penalty", NULL, BN_CLI_SAMPLING, "R", "repetition penalty (1 = off)"},
    {"--repeat-last-n", NULL, BN_CLI_SAMPLING, "N", "tokens the penalty looks back over"},
    {"--seed", NULL, BN_CLI_SAMPLING, "S", "sampling seed"},
    {"--stop", NULL, BN_CLI_SAMPLING, "STR", "stop when the output contains STR (repeatable)"},
    {"--ids", NULL, BN_CLI_SAMPLING, NULL, "print generated token ids instead of text"},
    {"-t", "--threads", BN_CLI_CONTEXT, "N", "threads (default: one per core)"},
    {"-c", "--ctx-size", BN_CLI_CONTEXT, "N", "context size (default: min(model, 4096))"},
    {"-b", "--batch-size", BN_CLI_CONTEXT, "N", "prompt tokens per step (default 512)"},
    {"--no-bos", NULL, BN_CLI_TOKENIZE, NULL, "do not add BOS"},
    {"--special", NULL, BN_CLI_TOKENIZE, NULL, "parse control-token text such as <|eot_id|>"},
    {"--json", NULL, BN_CLI_TOKENIZE | BN_CLI_BENCH, NULL, "machine-readable output"},
    {"-r", "--repetitions", BN_CLI_BENCH, "N", "repetitions per test (default 5)"},
    {"--receipt", NULL, BN_CLI_BENCH, "FILE", "write an inference receipt"},
    {"-v", "--verbose", BN_CLI_MODEL, NULL, "print the dispatch choice and timings"},
};

void bn_cli_usage(const char *command, unsigned groups)
{
    fprintf(stderr, "usage: bitnet %s [options]\n", command);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (flags[i].group & groups)
            fprintf(stderr, "  %s%s%s %-6s %s\n", flags[i].name, flags[i].alias ? ", " : "",
                    flags[i].alias ? flags[i].alias : "", flags[i].value ? flags[i].value : "",
                    flags[i].help);
}

static const flag *find(const char *arg, unsigned groups)
{
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if ((flags[i].group & groups) &&
            (!strcmp(arg, flags[i].name) || (flags[i].alias && !strcmp(arg, flags[i].alias))))
            return &flags[i];
    return NULL;
}

static bool number(const char *cmd, const char *flag_name, const char *text, double lo, double hi,
                   double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || v < lo || v > hi) {
        fprintf(stderr, "bitnet %s: %s expects a number in [%g, %g], got '%s'\n", cmd, flag_name, lo, hi,
                text);
        return false;
    }
    *out = v;
    return true;
}

bool bn_cli_parse(int argc, char **argv, unsigned groups, const char *cmd, bn_cli_options *o)
{
    memset(o, 0, sizeof *o);
    o->n_predict = -1;
    o->reps = 5;
    bn_model_params_default(&o->model_params);
    bn_sampler_params_default(&o->sampler_params);
    size_t n_stops = 0;
    for (int i = 1; i < argc; i++) {
        const flag *f = find(argv[i], groups);
        if (!f) {
            fprintf(stderr, "bitnet %s: unknown option '%s'\n", cmd, argv[i]);
            bn_cli_usage(cmd, groups);
            return false;
        }
        const char *n = f->name;
        const char *v = NULL;
        if (f->value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "bitnet %s: %s needs a value\n", cmd, argv[i]);
                return false;
            }
            v = argv[++i];
        }
        double x = 0;
        bool ok = true;
        if (!strcmp(n, "-m"))
            o->model = v;
        else if (!strcmp(n, "-p"))
            o->prompt = v, o->bench_prompts = v;
        else if (!strcmp(n, "-f"))
            o->prompt_file = v;
        else if (!strcmp(n, "-n")) {
            if (groups & BN_CLI_BENCH)
                o->bench_gens = v;
            else if ((ok = number(cmd, n, v, -1, 1e9, &x)))
                o->n_predict = (long)x;
        } else if (!strcmp(n, "--kernel-format")) {
            int fmt = !strcmp(v, "auto") ? -1 : bn_format_from_name(v);
            if (!strcmp(v, "auto") || (fmt >= BN_FORMAT_I2S && fmt <= BN_FORMAT_TL2))
                o->model_params.kernel_format = fmt;
            else {
                fprintf(stderr, "bitnet %s: --kernel-format must be i2s, qk256, tl1, tl2 or auto, got '%s'\n",
                        cmd, v);
                ok = false;
            }
        } else if (!strcmp(n, "--head")) {
            int fmt = bn_format_from_name(v);
            if (fmt == BN_FORMAT_F16 || fmt == BN_FORMAT_F32 || fmt == BN_FORMAT_Q8)
                o->model_params.head_format = fmt; /* the loader refuses f16/f32 unless stored so */
            else {
                fprintf(stderr, "bitnet %s: --head must be f16, f32 or q8, got '%s'\n", cmd, v);
                ok = false;
            }
        } else if (!strcmp(n, "--permissive"))
            o->model_params.permissive = 1;
        else if (!strcmp(n, "--temp"))
            ok = number(cmd, n, v, 0, 100, &x), o->sampler_params.temperature = (float)x;
        else if (!strcmp(n, "--top-k"))
            ok = number(cmd, n, v, 0, 1e9, &x), o->sampler_params.top_k = (int)x;
        else if (!strcmp(n, "--top-p"))
            ok = number(cmd, n, v, 1e-6, 1, &x), o->sampler_params.top_p = (float)x;
        else if (!strcmp(n, "--min-p"))
            ok = number(cmd, n, v, 0, 1, &x), o->sampler_params.min_p = (float)x;
        else if (!strcmp(n, "--repeat-penalty"))
            ok = number(cmd, n, v, 1e-3, 100, &x), o->sampler_params.repeat_penalty = (float)x;
        else if (!strcmp(n, "--repeat-last-n"))
            ok = number(cmd, n, v, 0, 1e6, &x), o->sampler_params.repeat_last_n = (int)x;
        else if (!strcmp(n, "--seed"))
            ok = number(cmd, n, v, 0, 1.8e19, &x), o->sampler_params.seed = (uint64_t)x;
        else if (!strcmp(n, "--stop")) {
            if (n_stops == BN_CLI_MAX_STOPS) {
                fprintf(stderr, "bitnet %s: at most %d --stop strings\n", cmd, BN_CLI_MAX_STOPS);
                ok = false;
            } else
                o->stops[n_stops++] = v;
        } else if (!strcmp(n, "--ids"))
            o->ids = true;
        else if (!strcmp(n, "-t"))
            ok = number(cmd, n, v, 1, 1024, &x), o->threads = (unsigned)x;
        else if (!strcmp(n, "-c"))
            ok = number(cmd, n, v, 1, 1 << 24, &x), o->n_ctx = (unsigned)x;
        else if (!strcmp(n, "-b"))
            ok = number(cmd, n, v, 1, 1 << 16, &x), o->n_batch = (unsigned)x;
        else if (!strcmp(n, "--no-bos"))
            o->no_bos = true;
        else if (!strcmp(n, "--special"))
            o->special = true;
        else if (!strcmp(n, "--json"))
            o->json = true;
        else if (!strcmp(n, "-r"))
            ok = number(cmd, n, v, 1, 1000, &x), o->reps = (int)x;
        else if (!strcmp(n, "--receipt"))
            o->receipt = v;
        else if (!strcmp(n, "-v"))
            o->verbose = true;
        if (!ok) return false;
    }
    if ((groups & BN_CLI_MODEL) && !o->model) {
        fprintf(stderr, "bitnet %s: -m MODEL is required\n", cmd);
        bn_cli_usage(cmd, groups);
        return false;
    }
    if (o->prompt && o->prompt_file && !(groups & BN_CLI_BENCH)) {
        fprintf(stderr, "bitnet %s: give -p or -f, not both\n", cmd);
        return false;
    }
    return true;
}

char *bn_cli_prompt_text(const bn_cli_options *o, size_t *len)
{
    if (o->prompt_file) {
        FILE *f = fopen(o->prompt_file, "rb");
        if (!f) {
            fprintf(stderr, "bitnet: cannot open prompt file '%s': %s\n", o->prompt_file, strerror(errno));
            return NULL;
        }
        size_t cap = 4096, n = 0;
        char *buf = malloc(cap + 1);
        size_t got;
        while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
            n += got;
            if (n == cap) {
                char *bigger = realloc(buf, 2 * cap + 1);
                if (!bigger) free(buf);
                buf = bigger;
                cap *= 2;
            }
        }
        fclose(f);
        if (!buf) return NULL;
        buf[n] = '\0';
        *len = n;
        return buf;
    }
    const char *p = o->prompt ? o->prompt : "";
    *len = strlen(p);
    return strdup(p);
}
