/*
 * verify.h - checking a receipt: the schema (receipts/schema.json, compiled into the
 * program) and the honesty rules of docs/receipts.md, each with a stable rule id.
 *
 * tools/verify-receipt is bn_verify_main; the tests call the same functions.
 */
#ifndef BN_HARNESS_VERIFY_H
#define BN_HARNESS_VERIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bitnet.h"
#include "dispatch/dispatch.h"
#include "harness/common/jsonschema.h"

typedef struct bn_verify_options {
    /* The model file to check an inference receipt's size and sha256 against; NULL: the
     * recorded model.path when that file exists (otherwise the check is not made). */
    const char *model_path;
} bn_verify_options;

/* Called once per broken rule: rule id ("R-CONF-COUNTS") and a message naming the field. */
typedef void bn_verify_report_fn(void *ctx, const char *rule, const char *message);

typedef struct bn_verify_result {
    size_t broken; /* rules broken (one receipt can break a rule several times) */
    size_t rules; /* rules checked */
    char kind[32]; /* the receipt's kind, "" if unreadable */
    char note[512]; /* what was not checked and why ("" if everything was) */
} bn_verify_result;

/* The schema compiled into this program (receipts/schema.json at build time). */
bn_status bn_verify_builtin_schema(bn_schema **out);

/* Verify a parsed receipt against `schema` and the rules of its kind.  BN_OK when the
 * verification ran (result->broken says whether the receipt is honest); BN_E_IO when the
 * model file to check cannot be read (the caller's problem, not the receipt's). */
bn_status bn_verify_receipt(const json_t *receipt, const bn_schema *schema, const bn_verify_options *options,
                            bn_verify_report_fn *report, void *ctx, bn_verify_result *result);

/* verify-receipt FILE... [--schema PATH] [--model PATH] [--list-rules]:
 * 0 all receipts honest, 1 a rule broken, 2 usage or I/O error. */
int bn_verify_main(int argc, char **argv);

/* ---- shared by verify.c and verify_kinds.c */

typedef struct bn_verifier {
    const json_t *receipt;
    const bn_verify_options *options;
    bn_verify_report_fn *report;
    void *ctx;
    bn_verify_result *result;
    const char *arch; /* machine.arch */
    bn_cpu_features detected, effective; /* as recorded */
    bn_resolution resolution; /* bn_resolve_arch of the recorded features and overrides */
    bool resolved; /* the overrides resolved (R-OVERRIDES held) */
    bn_status io_status; /* BN_E_IO if a model file could not be read */
    uint64_t checked; /* the rules checked, one bit per entry of the rule table */
} bn_verifier;

void bn_verify_broken(bn_verifier *v, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Count a rule as checked. */
void bn_verify_checked(bn_verifier *v, const char *rule);

/* Is `a` equal to `b` up to a relative 1e-6 (or the absolute slack `abs_slack`)? */
bool bn_verify_close(double a, double b, double abs_slack);
/* Number value of a JSON number (integer or real), 0 otherwise. */
double bn_verify_num(const json_t *v);
/* Was the receipt written by this very build (same commit, neither tree dirty)? */
bool bn_verify_same_build(const char *git_commit, bool git_dirty);
/* Can a kernel of ISA `isa` run on the recorded machine (architecture and features)? */
bool bn_verify_isa_runs(const bn_verifier *v, bn_isa isa);

void bn_verify_conformance(bn_verifier *v, const json_t *body);
void bn_verify_kernel_bench(bn_verifier *v, const json_t *body);
void bn_verify_inference(bn_verifier *v, const json_t *body);

#endif /* BN_HARNESS_VERIFY_H */
