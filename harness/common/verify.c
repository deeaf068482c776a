/*
 * verify.c - the receipt verifier: the rule table, the common rules, and the command line
 * of tools/verify-receipt.  The rules of each kind are in verify_kinds.c.
 *
 * Order: the schema version and the kind decide which rules apply, so they are checked
 * first; then the schema; then (only on a receipt that matches the schema, so every field
 * the rules read exists with the right type) the common rules and those of the kind.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buildinfo.h" /* BN_GIT_COMMIT, BN_GIT_DIRTY of this build */
#include "harness/common/verify.h"
#include "receipt_schema.h" /* generated from receipts/schema.json: bn_receipt_schema_json */

#define SUPPORTED_SCHEMA_VERSION 1

/* Every rule, in the order docs/receipts.md lists them. */
static const struct rule {
    const char *id, *kind, *summary;
} rules[] = {
    {"R-VERSION", "all", "schema_version is one this verifier knows (1)"},
    {"R-KIND", "all", "kind is conformance, kernel-bench or inference"},
    {"R-SCHEMA", "all", "the receipt matches receipts/schema.json"},
    {"R-FEATURE-NAME", "all", "every CPU feature name is one the library knows"},
    {"R-FEATURE-ARCH", "all", "every CPU feature belongs to machine.arch"},
    {"R-FEATURE-SUBSET", "all", "features_effective is a subset of features_detected"},
    {"R-OVERRIDES", "all", "BN_ISA and BN_DISABLE are overrides dispatch accepts on that architecture"},
    {"R-EFFECTIVE", "all",
     "features_effective is what dispatch derives from the detected features and overrides"},
    {"R-CONF-PASSED", "conformance", "passed is true: a failed run gets no passing receipt"},
    {"R-CONF-HIDDEN-FAILURE", "conformance", "passed is true only if every kernel and cross case passed"},
    {"R-CONF-COUNTS", "conformance", "totals are the sums of the lists; failed = run - passed"},
    {"R-CONF-COMPUTE", "conformance", "every tested kernel ran: dispatch_calls >= cases_run > 0"},
    {"R-CONF-KERNEL", "conformance", "every kernel named exists in the registry (all architectures)"},
    {"R-CONF-FIELDS", "conformance", "format, op and isa of each entry match the registry"},
    {"R-CONF-ISA", "conformance", "no kernel tested for an ISA the recorded CPU lacks"},
    {"R-CONF-SKIP", "conformance", "a skipped kernel could not run on the recorded CPU"},
    {"R-CONF-DUPLICATE", "conformance", "no kernel listed twice"},
    {"R-CONF-COMPLETE", "conformance",
     "receipt from this very commit (clean): every kernel of the architecture is tested or skipped"},
    {"R-BENCH-KERNEL", "kernel-bench", "every kernel exists in the registry"},
    {"R-BENCH-FIELDS", "kernel-bench", "format, op and isa of each result match the registry"},
    {"R-BENCH-ISA", "kernel-bench", "every kernel's ISA is one the recorded CPU has"},
    {"R-BENCH-CONFORMANCE", "kernel-bench", "each result passed conformance on the same kernel and shape"},
    {"R-BENCH-REPS", "kernel-bench", "reps == number of raw timings"},
    {"R-BENCH-TIMING", "kernel-bench", "timings positive; min_ns and median_ns are those of ns[]"},
    {"R-BENCH-GBPS", "kernel-bench", "gbps == weight_bytes / median_ns"},
    {"R-BENCH-PCT", "kernel-bench",
     "pct_of_bandwidth == gbps / measured bandwidth at that thread count * 100"},
    {"R-BENCH-PEAK", "kernel-bench", "int8 MACs/s == 64 * vpdpbusd/s (one zmm vpdpbusd = 64 MACs)"},
    {"R-INF-KERNEL", "inference", "every kernel exists in the registry"},
    {"R-INF-FIELDS", "inference", "format and op of each kernel entry match the registry"},
    {"R-INF-ISA", "inference", "every kernel's ISA is one the recorded CPU has"},
    {"R-INF-DISPATCH", "inference", "each kernel is dispatch's choice for its (format, op) unless fallback"},
    {"R-INF-COMPUTE", "inference", "every recorded kernel was called; the model's format and head were used"},
    {"R-INF-DUPLICATE", "inference", "no kernel listed twice"},
    {"R-INF-REPS", "inference", "reps == number of raw timings"},
    {"R-INF-TOKENS", "inference", "every phase processed at least one token"},
    {"R-INF-TIMING", "inference", "all timings positive"},
    {"R-INF-TPS", "inference", "tokens_per_second mean/stddev are those of tokens / seconds[i]"},
    {"R-INF-ROOFLINE", "inference", "decode has a roofline (= read_gbps / bytes_per_token), prefill a peak"},
    {"R-INF-BREAKDOWN", "inference",
     "a phase's breakdown covers its timed repetitions, its steps no more than their time"},
    {"R-INF-MODEL", "inference", "model size and sha256 match the file when it is present"},
};
#define RULE_COUNT (sizeof rules / sizeof rules[0])

static size_t rule_index(const char *id)
{
    for (size_t i = 0; i < RULE_COUNT; i++)
        if (strcmp(rules[i].id, id) == 0) return i;
    return RULE_COUNT;
}

_Static_assert(RULE_COUNT <= 64, "bn_verifier.checked is a 64-bit set of rules");

void bn_verify_checked(bn_verifier *v, const char *rule)
{
    size_t i = rule_index(rule);
    if (i < RULE_COUNT) v->checked |= (uint64_t)1 << i;
}

void bn_verify_broken(bn_verifier *v, const char *rule, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bn_verify_checked(v, rule);
    v->result->broken++;
    if (v->report) v->report(v->ctx, rule, msg);
}

bool bn_verify_close(double a, double b, double abs_slack)
{
    double diff = a > b ? a - b : b - a;
    double scale = (a < 0 ? -a : a) > (b < 0 ? -b : b) ? (a < 0 ? -a : a) : (b < 0 ? -b : b);
    return diff <= 1e-6 * scale || diff <= abs_slack;
}

double bn_verify_num(const json_t *v) { return json_is_number(v) ? json_number_value(v) : 0.0; }

bool bn_verify_isa_runs(const bn_verifier *v, bn_isa isa)
{
    return bn_isa_in_arch(isa, v->arch) && (bn_isa_features(isa) & ~v->effective) == 0;
}

bn_status bn_verify_builtin_schema(bn_schema **out)
{
    json_error_t err;
    json_t *doc = json_loads(bn_receipt_schema_json, JSON_REJECT_DUPLICATES, &err);
    if (!doc) return bn_fail(BN_E_FORMAT, "built-in schema: line %d: %s", err.line, err.text);
    bn_status st = bn_schema_compile(doc, "receipts/schema.json (built in)", out);
    json_decref(doc);
    return st;
}

/* ---------------------------------------------------------------- common rules */

/* A recorded feature list as a mask; names that are unknown or of another architecture
 * break R-FEATURE-NAME / R-FEATURE-ARCH. */
static bn_cpu_features feature_mask(bn_verifier *v, const json_t *list, const char *field)
{
    bn_cpu_features mask = 0;
    size_t i;
    const json_t *item;
    json_array_foreach(list, i, item)
    {
        const char *name = json_string_value(item);
        int bit = bn_cpu_feature_from_name(name);
        if (bit < 0) {
            bn_verify_broken(v, "R-FEATURE-NAME", "machine.%s[%zu]: unknown CPU feature '%s'", field, i,
                             name);
            continue;
        }
        mask |= BN_CPU_BIT(bit);
        bool arm_feature = bit == BN_CPU_NEON || bit == BN_CPU_DOTPROD;
        bool fits =
            strcmp(v->arch, "aarch64") == 0 ? arm_feature : strcmp(v->arch, "x86_64") == 0 && !arm_feature;
        if (!fits)
            bn_verify_broken(v, "R-FEATURE-ARCH", "machine.%s[%zu]: '%s' is not a feature of %s", field, i,
                             name, v->arch);
    }
    return mask;
}

static void features_text(bn_cpu_features mask, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned b = 0; bn_cpu_feature_name(b); b++)
        if ((mask & BN_CPU_BIT(b)) && len < size)
            len += (size_t)snprintf(buf + len, size - len, "%s%s", len ? " " : "", bn_cpu_feature_name(b));
    if (!len) snprintf(buf, size, "(none)");
}

static void verify_common(bn_verifier *v)
{
    const json_t *machine = json_object_get(v->receipt, "machine");
    const json_t *overrides = json_object_get(v->receipt, "overrides");
    v->arch = json_string_value(json_object_get(machine, "arch"));
    bn_verify_checked(v, "R-FEATURE-NAME");
    bn_verify_checked(v, "R-FEATURE-ARCH");
    v->detected = feature_mask(v, json_object_get(machine, "features_detected"), "features_detected");
    v->effective = feature_mask(v, json_object_get(machine, "features_effective"), "features_effective");

    bn_verify_checked(v, "R-FEATURE-SUBSET");
    if (v->effective & ~v->detected) {
        char extra[256];
        features_text(v->effective & ~v->detected, extra, sizeof extra);
        bn_verify_broken(v, "R-FEATURE-SUBSET", "machine.features_effective has %s, which were not detected",
                         extra);
    }

    const char *cap = json_string_value(json_object_get(overrides, "BN_ISA"));
    const char *disable = json_string_value(json_object_get(overrides, "BN_DISABLE"));
    bn_verify_checked(v, "R-OVERRIDES");
    bn_verify_checked(v, "R-EFFECTIVE");
    if (bn_resolve_arch(v->arch, v->detected, cap, disable, &v->resolution) != BN_OK) {
        bn_verify_broken(v, "R-OVERRIDES", "overrides: dispatch would reject them on %s: %s", v->arch,
                         bn_last_error());
        return;
    }
    v->resolved = true;
    if (v->resolution.effective != v->effective) {
        char want[256], got[256];
        features_text(v->resolution.effective, want, sizeof want);
        features_text(v->effective, got, sizeof got);
        bn_verify_broken(v, "R-EFFECTIVE",
                         "machine.features_effective is [%s]; detected features with BN_ISA='%s' "
                         "BN_DISABLE='%s' give [%s]",
                         got, cap, disable, want);
    }
}

/* ---------------------------------------------------------------- one receipt */

static void schema_error(void *ctx, const char *path, const char *message)
{
    bn_verifier *v = ctx;
    bn_verify_broken(v, "R-SCHEMA", "%s: %s", *path ? path : "(root)", message);
}

bn_status bn_verify_receipt(const json_t *receipt, const bn_schema *schema, const bn_verify_options *options,
                            bn_verify_report_fn *report, void *ctx, bn_verify_result *result)
{
    static const bn_verify_options none = {NULL};
    memset(result, 0, sizeof *result);
    bn_verifier v = {receipt, options ? options : &none, report, ctx, result, "", 0, 0, {0}, false, BN_OK, 0};

    const json_t *version = json_object_get(receipt, "schema_version");
    const char *kind = json_string_value(json_object_get(receipt, "kind"));
    bn_verify_checked(&v, "R-VERSION");
    bn_verify_checked(&v, "R-KIND");
    if (!json_is_integer(version) || json_integer_value(version) != SUPPORTED_SCHEMA_VERSION) {
        char shown[64] = "missing";
        if (version) snprintf(shown, sizeof shown, "%.17g", bn_verify_num(version));
        bn_verify_broken(&v, "R-VERSION", "schema_version: %s is not supported (this verifier knows %d)",
                         json_is_number(version) ? shown
                         : version               ? "not a number"
                                                 : "missing",
                         SUPPORTED_SCHEMA_VERSION);
    }
    bool known = kind && (strcmp(kind, "conformance") == 0 || strcmp(kind, "kernel-bench") == 0 ||
                          strcmp(kind, "inference") == 0);
    if (!known) bn_verify_broken(&v, "R-KIND", "kind: '%s' is not a known kind", kind ? kind : "(missing)");
    snprintf(result->kind, sizeof result->kind, "%s", known ? kind : "");

    if (result->broken == 0) {
        bn_verify_checked(&v, "R-SCHEMA");
        bn_schema_validate(schema, receipt, schema_error, &v);
    }
    if (result->broken == 0) {
        verify_common(&v);
        const json_t *body;
        if ((body = json_object_get(receipt, "conformance")))
            bn_verify_conformance(&v, body);
        else if ((body = json_object_get(receipt, "kernel_bench")))
            bn_verify_kernel_bench(&v, body);
        else if ((body = json_object_get(receipt, "inference")))
            bn_verify_inference(&v, body);
    } else {
        snprintf(result->note, sizeof result->note, "honesty rules not checked: fix the errors above first");
    }
    if (v.io_status != BN_OK) return v.io_status;
    for (size_t i = 0; i < RULE_COUNT; i++) result->rules += (v.checked >> i) & 1;
    return BN_OK;
}

/* What was not checked, e.g. a model file that is not there. */
static void print_note(const char *file, const bn_verify_result *r)
{
    if (r->note[0]) printf("verify-receipt: %s: note: %s\n", file, r->note);
}

/* ---------------------------------------------------------------- command line */

static void print_report(void *ctx, const char *rule, const char *message)
{
    printf("verify-receipt: %s: %s: %s\n", (const char *)ctx, rule, message);
}

static int usage(void)
{
    fprintf(stderr, "usage: verify-receipt FILE... [--schema PATH] [--model PATH] [--list-rules]\n"
                    "  checks each receipt against the schema and the honesty rules (docs/receipts.md)\n"
                    "  exit 0: all honest; 1: a rule is broken; 2: usage or I/O error\n");
    return 2;
}

int bn_verify_main(int argc, char **argv)
{
    const char *schema_path = NULL;
    bn_verify_options options = {NULL};
    int files = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list-rules") == 0) {
            for (size_t r = 0; r < RULE_COUNT; r++)
                printf("%-22s %-13s %s\n", rules[r].id, rules[r].kind, rules[r].summary);
            return 0;
        } else if (strcmp(argv[i], "--schema") == 0 || strcmp(argv[i], "--model") == 0) {
            if (i + 1 >= argc) return fprintf(stderr, "verify-receipt: %s needs a path\n", argv[i]), usage();
            if (argv[i][2] == 's')
                schema_path = argv[++i];
            else
                options.model_path = argv[++i];
        } else if (argv[i][0] == '-' && argv[i][1] == '-') {
            return fprintf(stderr, "verify-receipt: unknown option '%s'\n", argv[i]), usage();
        } else {
            files++;
        }
    }
    if (files == 0) return fprintf(stderr, "verify-receipt: no receipt given\n"), usage();

    bn_schema *schema = NULL;
    bn_status st = schema_path ? bn_schema_load(schema_path, &schema) : bn_verify_builtin_schema(&schema);
    if (st != BN_OK) {
        fprintf(stderr, "verify-receipt: %s\n", bn_last_error());
        return 2;
    }
    int worst = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--schema") == 0 || strcmp(argv[i], "--model") == 0) {
            i++;
            continue;
        }
        const char *file = argv[i];
        json_error_t err;
        json_t *receipt = json_load_file(file, JSON_REJECT_DUPLICATES, &err);
        if (!receipt) {
            if (err.line > 0)
                fprintf(stderr, "verify-receipt: %s: line %d column %d: %s\n", file, err.line, err.column,
                        err.text);
            else
                fprintf(stderr, "verify-receipt: %s\n", err.text);
            worst = 2;
            continue;
        }
        bn_verify_result r;
        st = bn_verify_receipt(receipt, schema, &options, print_report, (void *)file, &r);
        json_decref(receipt);
        if (st != BN_OK) {
            fprintf(stderr, "verify-receipt: %s: %s\n", file, bn_last_error());
            worst = 2;
            continue;
        }
        print_note(file, &r);
        if (r.broken) {
            printf("verify-receipt: %s: FAILED (%zu broken)\n", file, r.broken);
            if (worst < 1) worst = 1;
        } else {
            printf("verify-receipt: %s: ok (%s, %zu rules)\n", file, r.kind, r.rules);
        }
    }
    bn_schema_free(schema);
    return worst;
}

bool bn_verify_same_build(const char *git_commit, bool git_dirty)
{
    return !git_dirty && !BN_GIT_DIRTY && git_commit && strcmp(git_commit, BN_GIT_COMMIT) == 0;
}
