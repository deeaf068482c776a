/*
 * session.h - what run, chat and bench share: open the model, a context and a sampler from
 * the parsed options, report failures the same way, and print timing lines.
 */
#ifndef BN_TOOLS_CLI_SESSION_H
#define BN_TOOLS_CLI_SESSION_H

#include "bitnet.h"
#include "tools/cli/options.h"

typedef struct bn_session {
    bn_model *model;
    bn_context *ctx;
    bn_sampler *sampler;
    double load_seconds;
} bn_session;

/* Open everything; on failure print "bitnet CMD: <message>" and return false. */
bool bn_session_open(const char *cmd, const bn_cli_options *o, bool need_sampler, bn_session *s);
void bn_session_close(bn_session *s);
/* Tokenize text with the options' BOS/special flags into a malloc'd array. */
int32_t *bn_session_tokenize(const char *cmd, const bn_session *s, const char *text, size_t len, bool add_bos,
                             bool special, size_t *n);
/* Print a library failure as "bitnet CMD: <status>: <message>" and return exit status 1. */
int bn_session_fail(const char *cmd, bn_status st);
double bn_session_now(void);

#endif /* BN_TOOLS_CLI_SESSION_H */
