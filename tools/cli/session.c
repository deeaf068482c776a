/* session.c - model, context and sampler from the command-line options (see session.h). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "tools/cli/session.h"

double bn_session_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int bn_session_fail(const char *cmd, bn_status st)
{
    fprintf(stderr, "bitnet %s: %s: %s\n", cmd, bn_status_str(st), bn_last_error());
    return 1;
}

bool bn_session_open(const char *cmd, const bn_cli_options *o, bool need_sampler, bn_session *s)
{
    *s = (bn_session){0};
    double t0 = bn_session_now();
    bn_status st = bn_model_open(o->model, &o->model_params, &s->model);
    s->load_seconds = bn_session_now() - t0;
    bn_context_params cp = {o->n_ctx, o->n_batch, o->threads};
    if (st == BN_OK) st = bn_context_new(s->model, &cp, &s->ctx);
    if (st == BN_OK && need_sampler)
        st = bn_sampler_new(bn_model_vocab_size(s->model), &o->sampler_params, &s->sampler);
    if (st != BN_OK) {
        bn_session_fail(cmd, st);
        bn_session_close(s);
        return false;
    }
    if (o->verbose) {
        char buf[8192];
        bn_dispatch_describe(buf, sizeof buf);
        fputs(buf, stderr);
        bn_model_info info;
        if (bn_model_describe(s->model, &info) == BN_OK)
            fprintf(stderr, "model: ternary weights %s, output head %s, loaded in %.3f s\n",
                    bn_format_name(info.format), bn_format_name(info.head_format), s->load_seconds);
    }
    return true;
}

void bn_session_close(bn_session *s)
{
    bn_sampler_free(s->sampler);
    bn_context_free(s->ctx);
    bn_model_close(s->model);
    *s = (bn_session){0};
}

int32_t *bn_session_tokenize(const char *cmd, const bn_session *s, const char *text, size_t len, bool add_bos,
                             bool special, size_t *n)
{
    size_t cap = len + 8;
    int32_t *ids = malloc(cap * sizeof *ids);
    bn_status st =
        ids ? bn_model_tokenize(s->model, text, len, add_bos, special, ids, cap, n) : BN_E_NO_MEMORY;
    if (st != BN_OK) {
        bn_session_fail(cmd, st);
        free(ids);
        return NULL;
    }
    return ids;
}
