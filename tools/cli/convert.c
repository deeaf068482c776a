/*
 * convert.c - `bitnet convert tinystories CHECKPOINT TOKENIZER OUT`: a TinyStories ternary
 * checkpoint (llama2.c "bitllama2" format) and its tokenizer.bin to a GGUF model of
 * architecture "bitnet" (docs/gguf.md, "TinyStories conversion").
 */
#include <stdio.h>
#include <string.h>

#include "fixtures/gen/gen.h"
#include "tools/cli/cli.h"

int bn_cli_convert(int argc, char **argv)
{
    if (argc != 5 || strcmp(argv[1], "tinystories") != 0) {
        fprintf(stderr, "usage: bitnet convert tinystories CHECKPOINT.bin TOKENIZER.bin OUT.gguf\n");
        return 1;
    }
    bn_status st = bn_convert_tinystories(argv[2], argv[3], argv[4]);
    if (st != BN_OK) {
        fprintf(stderr, "bitnet convert: %s\n", bn_last_error());
        return 1;
    }
    return 0;
}
