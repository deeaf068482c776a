/*
 * run.c - `bitnet run -m MODEL [-p TEXT | -f FILE] [-n N] ...`: print the continuation of
 * a prompt (streamed as valid UTF-8, or token ids with --ids) on stdout and timing lines
 * on stderr.  With no prompt the model starts from BOS alone.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tools/cli/cli.h"
#include "tools/cli/session.h"

typedef struct printer {
    bool ids;
    size_t count;
} printer;

static int print_token(void *user, int32_t token, const char *text, size_t len)
{
    printer *p = user;
    if (p->ids) {
        if (token >= 0) printf("%s%d", p->count++ ? " " : "", token);
    } else {
        fwrite(text, 1, len, stdout);
    }
    fflush(stdout);
    return 0;
}

static const char *stop_name(bn_stop_reason r)
{
    switch (r) {
    case BN_STOP_MAX_TOKENS: return "token limit (-n)";
    case BN_STOP_EOG: return "end of generation token";
    case BN_STOP_STRING: return "stop string";
    case BN_STOP_CONTEXT_FULL: return "context full (raise -c)";
    case BN_STOP_CALLBACK: return "interrupted";
    }
    return "?";
}

int bn_cli_run(int argc, char **argv)
{
    bn_cli_options o;
    const unsigned groups = BN_CLI_MODEL | BN_CLI_PROMPT | BN_CLI_SAMPLING | BN_CLI_CONTEXT | BN_CLI_TOKENIZE;
    if (!bn_cli_parse(argc, argv, groups, "run", &o)) return 2;
    size_t len = 0, n = 0;
    char *text = bn_cli_prompt_text(&o, &len);
    if (!text) return 1;
    bn_session s;
    if (!bn_session_open("run", &o, true, &s)) {
        free(text);
        return 1;
    }
    int32_t *ids = bn_session_tokenize("run", &s, text, len, !o.no_bos, o.special, &n);
    int status = 1;
    if (!ids) goto done;
    if (n == 0) {
        fprintf(stderr, "bitnet run: the prompt is empty and --no-bos was given: nothing to continue from\n");
        goto done;
    }
    if (n >= bn_context_size(s.ctx)) {
        fprintf(stderr, "bitnet run: the prompt has %zu tokens but the context holds %u (raise -c)\n", n,
                bn_context_size(s.ctx));
        goto done;
    }
    printer p = {o.ids, 0};
    bn_generate_params gp = {o.n_predict < 0 ? 0 : (size_t)o.n_predict, o.stops[0] ? o.stops : NULL, 0};
    bn_generate_result r;
    bn_status st = bn_generate(s.ctx, s.sampler, ids, n, &gp, print_token, &p, &r);
    printf("\n");
    fflush(stdout);
    if (st != BN_OK) {
        status = bn_session_fail("run", st);
        goto done;
    }
    fprintf(stderr, "load:       %8.1f ms\n", s.load_seconds * 1e3);
    fprintf(stderr, "prompt:     %8.1f ms for %zu tokens (%.2f tokens/s)\n", r.prefill_seconds * 1e3,
            r.prompt_tokens, r.prefill_seconds > 0 ? (double)r.prompt_tokens / r.prefill_seconds : 0.0);
    fprintf(stderr, "generation: %8.1f ms for %zu tokens (%.2f tokens/s)\n", r.decode_seconds * 1e3,
            r.generated_tokens, r.decode_seconds > 0 ? (double)r.generated_tokens / r.decode_seconds : 0.0);
    fprintf(stderr, "stopped:    %s\n", stop_name(r.stop));
    status = 0;
done:
    free(ids);
    free(text);
    bn_session_close(&s);
    return status;
}
