/*
 * chat.c - `bitnet chat -m MODEL [-p SYSTEM] ...`: an interactive, streaming, multi-turn
 * conversation in the 2B4T chat format.  Each line on stdin is one user message (so it
 * works when stdin is a pipe or a file); the reply streams to stdout.  The KV cache keeps
 * the whole conversation: each turn evaluates only its new tokens.  -p gives an optional
 * system message.  Ends at EOF or when the context is full.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/cli/cli.h"
#include "tools/cli/session.h"

static int stream(void *user, int32_t token, const char *text, size_t len)
{
    (void)user, (void)token;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
    return 0;
}

/* The tokens of one turn: (EOT closing the previous reply,) "User: msg<|eot_id|>Assistant: ". */
static int32_t *turn_tokens(const bn_session *s, const char *system, const char *msg, bool first, int32_t eot,
                            size_t *n)
{
    bn_chat_message m[2] = {{"system", system}, {"user", msg}};
    const bn_chat_message *msgs = system && first ? m : m + 1;
    size_t count = system && first ? 2 : 1, need = bn_chat_format(msgs, count, 1, NULL, 0);
    char *text = malloc(need);
    if (!text) return NULL;
    bn_chat_format(msgs, count, 1, text, need);
    size_t got = 0;
    int32_t *ids = bn_session_tokenize("chat", s, text, need - 1, first, true, &got);
    free(text);
    if (!ids || first || eot < 0) {
        *n = got;
        return ids;
    }
    int32_t *with_eot = malloc((got + 1) * sizeof *ids);
    if (with_eot) {
        with_eot[0] = eot;
        memcpy(with_eot + 1, ids, got * sizeof *ids);
        *n = got + 1;
    }
    free(ids);
    return with_eot;
}

int bn_cli_chat(int argc, char **argv)
{
    bn_cli_options o;
    const unsigned groups = BN_CLI_MODEL | BN_CLI_PROMPT | BN_CLI_SAMPLING | BN_CLI_CONTEXT;
    if (!bn_cli_parse(argc, argv, groups, "chat", &o)) return 2;
    bn_session s;
    if (!bn_session_open("chat", &o, true, &s)) return 1;
    int32_t eot_ids[4];
    size_t n_eot = 0;
    bn_model_tokenize(s.model, "<|eot_id|>", 10, 0, 1, eot_ids, 4, &n_eot);
    const int32_t eot = n_eot == 1 ? eot_ids[0] : -1; /* vocabularies without it: nothing to close */
    const bool interactive = isatty(STDIN_FILENO);
    char *line = NULL;
    size_t cap = 0;
    int status = 0;
    bool first = true;
    bn_generate_params gp = {o.n_predict < 0 ? 0 : (size_t)o.n_predict, o.stops[0] ? o.stops : NULL, 0};
    for (;;) {
        if (interactive) fputs("> ", stdout), fflush(stdout);
        ssize_t got = getline(&line, &cap, stdin);
        if (got < 0) break;
        while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) line[--got] = '\0';
        if (got == 0) continue;
        size_t n = 0;
        int32_t *ids = turn_tokens(&s, o.prompt, line, first, eot, &n);
        if (!ids) {
            status = 1;
            break;
        }
        if (bn_context_pos(s.ctx) + n >= bn_context_size(s.ctx)) {
            fprintf(stderr, "bitnet chat: the conversation has filled the context of %u tokens (raise -c)\n",
                    bn_context_size(s.ctx));
            free(ids);
            break;
        }
        bn_generate_result r;
        bn_status st = bn_generate(s.ctx, s.sampler, ids, n, &gp, stream, NULL, &r);
        free(ids);
        fputs("\n", stdout);
        fflush(stdout);
        if (st != BN_OK) {
            status = bn_session_fail("chat", st);
            break;
        }
        if (r.stop == BN_STOP_CONTEXT_FULL) {
            fprintf(stderr, "bitnet chat: the conversation has filled the context of %u tokens (raise -c)\n",
                    bn_context_size(s.ctx));
            break;
        }
        first = false;
    }
    free(line);
    bn_session_close(&s);
    return status;
}
