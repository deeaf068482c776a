/* generate.c - load a BitNet GGUF model and continue a prompt with the public API.
 *
 *   generate MODEL.gguf "Once upon a time" [TOKENS]
 *
 * Greedy decoding; the text streams to stdout as it is generated.  Built by `make`
 * (build/native/bin/example-generate); after `make install`:
 *   cc generate.c $(pkg-config --cflags --libs bitnet) */
#include <bitnet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int print_text(void *user, int32_t token, const char *text, size_t len)
{
    (void)user, (void)token;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
    return 0; /* non-zero would stop the generation */
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf PROMPT [TOKENS]\n", argv[0]);
        return 2;
    }
    bn_model *model = NULL;
    bn_context *ctx = NULL;
    bn_sampler *sampler = NULL;
    bn_sampler_params sp;
    bn_sampler_params_default(&sp);
    sp.temperature = 0.0f; /* greedy */
    int32_t ids[512];
    size_t n = 0;
    bn_status st = bn_model_open(argv[1], NULL, &model); /* strict validation, best format */
    if (st == BN_OK) st = bn_context_new(model, NULL, &ctx); /* KV cache, threads: defaults */
    if (st == BN_OK) st = bn_sampler_new(bn_model_vocab_size(model), &sp, &sampler);
    if (st == BN_OK) st = bn_model_tokenize(model, argv[2], strlen(argv[2]), 1, 0, ids, 512, &n);
    if (st == BN_OK) {
        bn_generate_params gp = {argc > 3 ? (size_t)atoi(argv[3]) : 64, NULL, 0};
        bn_generate_result r;
        fputs(argv[2], stdout);
        st = bn_generate(ctx, sampler, ids, n, &gp, print_text, NULL, &r);
        if (st == BN_OK)
            fprintf(stderr, "\n[%zu prompt tokens, %zu generated, %.1f tokens/s]\n", r.prompt_tokens,
                    r.generated_tokens,
                    r.decode_seconds > 0 ? (double)r.generated_tokens / r.decode_seconds : 0.0);
    }
    if (st != BN_OK) fprintf(stderr, "%s: %s: %s\n", argv[0], bn_status_str(st), bn_last_error());
    bn_sampler_free(sampler);
    bn_context_free(ctx);
    bn_model_close(model);
    return st == BN_OK ? 0 : 1;
}
