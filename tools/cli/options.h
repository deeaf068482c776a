/*
 * options.h - the command-line flags shared by run, chat, tokenize and bench, spelled as
 * llama.cpp users know them (-m, -p, -f, -n, -t, -c, -b, --temp, --seed, ...).
 */
#ifndef BN_TOOLS_CLI_OPTIONS_H
#define BN_TOOLS_CLI_OPTIONS_H

#include <stdbool.h>

#include "bitnet.h"

#define BN_CLI_MAX_STOPS 8

typedef struct bn_cli_options {
    const char *model; /* -m */
    const char *prompt; /* -p */
    const char *prompt_file; /* -f */
    long n_predict; /* -n: tokens to generate (-1 = until EOG / full context) */
    unsigned threads; /* -t (0 = one per core) */
    unsigned n_ctx, n_batch; /* -c, -b */
    bn_model_params model_params; /* --kernel-format, --permissive */
    bn_sampler_params
        sampler_params; /* --temp --top-k --top-p --min-p --repeat-penalty --repeat-last-n --seed */
    bool no_bos, special, ids, json, verbose;
    const char *stops[BN_CLI_MAX_STOPS + 1]; /* --stop (repeatable) */
    const char *receipt; /* --receipt FILE (bench) */
    const char *bench_prompts, *bench_gens; /* -p / -n lists for bench ("128,512") */
    int reps; /* -r (bench) */
} bn_cli_options;

/* Which flag groups a subcommand accepts. */
enum {
    BN_CLI_MODEL = 1,
    BN_CLI_PROMPT = 2,
    BN_CLI_SAMPLING = 4,
    BN_CLI_CONTEXT = 8,
    BN_CLI_TOKENIZE = 16,
    BN_CLI_BENCH = 32
};

/* Parse argv[1..]; on an unknown or malformed flag print the problem and return false. */
bool bn_cli_parse(int argc, char **argv, unsigned groups, const char *command, bn_cli_options *o);
/* Print the flags of the given groups. */
void bn_cli_usage(const char *command, unsigned groups);
/* The prompt text: -p, or the contents of -f (malloc'd; caller frees), or NULL. */
char *bn_cli_prompt_text(const bn_cli_options *o, size_t *len);

#endif /* BN_TOOLS_CLI_OPTIONS_H */
