/*
 * bitnet.c - the `bitnet` command line tool: a table of subcommands, each in its own file
 * under tools/cli/.  Adding a subcommand = one file + one line in the table below.
 */
#include <stdio.h>
#include <string.h>

#include "bitnet.h"
#include "tools/cli/cli.h"

typedef struct subcommand {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} subcommand;

static const subcommand subcommands[] = {
    {"run", bn_cli_run,
     "run -m MODEL [-p TEXT|-f FILE] [-n N] [--temp T] ...   continue a prompt (run --help)"},
    {"chat", bn_cli_chat,
     "chat -m MODEL [-p SYSTEM] ...   interactive multi-turn chat, one message per line"},
    {"bench", bn_cli_bench,
     "bench -m MODEL [-p 512] [-n 128] [-r 5] [-t N] [--receipt FILE]   pp/tg tokens/s against measured "
     "limits"},
    {"tokenize", bn_cli_tokenize, "tokenize -m MODEL (-p TEXT|-f FILE) [--no-bos] [--special] [--json]"},
    {"inspect", bn_cli_inspect,
     "inspect FILE [--json]      metadata, tensors and validation verdict of a GGUF file"},
    {"gen", bn_cli_gen, "gen tiny|2b4t OUT [...]      generate a synthetic model (see `bitnet gen --help`)"},
    {"load", bn_cli_load,
     "load FILE [--repeat N] [--format F] [--head H] [--permissive] [--reread]   time loading a model"},
    {"convert", bn_cli_convert, "convert tinystories CKPT TOKENIZER OUT   a TinyStories checkpoint to GGUF"},
};

static void usage(FILE *to)
{
    fprintf(to, "usage: bitnet COMMAND [ARGS]   (libbitnet %s)\ncommands:\n", bn_version());
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        fprintf(to, "  %s\n", subcommands[i].usage);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 1 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("bitnet %s\n", bn_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++)
        if (strcmp(argv[1], subcommands[i].name) == 0) return subcommands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "bitnet: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return 1;
}
