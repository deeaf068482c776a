/*
 * verify_kinds.c - the honesty rules of each receipt kind (docs/receipts.md).
 *
 * These run only on a receipt that matched the schema, so every field read here exists
 * with its schema type.  Every message names the field ("conformance.kernels[3] (name)")
 * and the numbers that disagree.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness/common/sha256.h"
#include "harness/common/verify.h"

static const json_t *get(const json_t *o, const char *key) { return json_object_get(o, key); }
static const char *str(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}
static json_int_t integer(const json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}
static double num(const json_t *o, const char *key) { return bn_verify_num(json_object_get(o, key)); }

static void check_all(bn_verifier *v, const char *const *ids)
{
    for (size_t i = 0; ids[i]; i++) bn_verify_checked(v, ids[i]);
}

/* Registry lookups shared by the kinds: a missing kernel breaks `rule_kernel`, a kernel whose
 * recorded format/op/isa differ from its registry entry breaks `rule_fields` (NULL fields
 * are not recorded by that kind). */
static const struct bn_kernel *lookup(bn_verifier *v, const char *where, const char *name, const char *format,
                                      const char *op, const char *isa, const char *rule_kernel,
                                      const char *rule_fields)
{
    const struct bn_kernel *k = bn_registry_all_find(name);
    if (!k) {
        bn_verify_broken(v, rule_kernel, "%s: no kernel named '%s' in the registry", where, name);
        return NULL;
    }
    const char *fields[3] = {format, op, isa};
    const char *truth[3] = {bn_format_name(k->format), bn_op_name(k->op), bn_isa_name(k->isa)};
    static const char *const labels[3] = {"format", "op", "isa"};
    for (int i = 0; i < 3; i++)
        if (fields[i] && strcmp(fields[i], truth[i]) != 0)
            bn_verify_broken(v, rule_fields, "%s (%s): %s is '%s', the registry says '%s'", where, name,
                             labels[i], fields[i], truth[i]);
    return k;
}

/* The ISA named `isa` can run on the recorded machine, or `rule` is broken. */
static void check_isa(bn_verifier *v, const char *rule, const char *where, const char *name,
                      const char *isa_name)
{
    int isa = bn_isa_from_name(isa_name);
    if (isa < 0 || bn_verify_isa_runs(v, (bn_isa)isa)) return;
    if (!bn_isa_in_arch((bn_isa)isa, v->arch)) {
        bn_verify_broken(v, rule, "%s (%s): ISA %s does not exist on %s", where, name, isa_name, v->arch);
        return;
    }
    char missing[256] = "";
    size_t len = 0;
    bn_cpu_features lacks = bn_isa_features((bn_isa)isa) & ~v->effective;
    for (unsigned b = 0; bn_cpu_feature_name(b); b++)
        if (lacks & BN_CPU_BIT(b))
            len += (size_t)snprintf(missing + len, sizeof missing - len, " %s", bn_cpu_feature_name(b));
    bn_verify_broken(v, rule, "%s (%s): ISA %s needs%s, which machine.features_effective lacks", where, name,
                     isa_name, missing);
}

/* ---------------------------------------------------------------- conformance */

/* Is `name` among the "name" fields of list[0..upto)? */
static bool listed(const json_t *list, size_t upto, const char *name)
{
    for (size_t i = 0; i < upto && i < json_array_size(list); i++)
        if (strcmp(str(json_array_get(list, i), "name"), name) == 0) return true;
    return false;
}

void bn_verify_conformance(bn_verifier *v, const json_t *c)
{
    static const char *const ids[] = {"R-CONF-PASSED",    "R-CONF-HIDDEN-FAILURE",
                                      "R-CONF-COUNTS",    "R-CONF-COMPUTE",
                                      "R-CONF-KERNEL",    "R-CONF-FIELDS",
                                      "R-CONF-ISA",       "R-CONF-SKIP",
                                      "R-CONF-DUPLICATE", NULL};
    check_all(v, ids);
    const json_t *kernels = get(c, "kernels"), *skipped = get(c, "skipped");
    const json_t *cross = get(c, "cross_format"), *totals = get(c, "totals");
    bool passed = json_is_true(get(c, "passed"));
    char where[96];
    json_int_t run = 0, pass = 0;

    if (!passed)
        bn_verify_broken(v, "R-CONF-PASSED",
                         "conformance.passed is false (%" JSON_INTEGER_FORMAT
                         " cases failed): a failed run gets no passing receipt",
                         integer(totals, "cases_failed"));
    for (size_t i = 0; i < json_array_size(kernels); i++) {
        const json_t *k = json_array_get(kernels, i);
        const char *name = str(k, "name");
        json_int_t kr = integer(k, "cases_run"), kp = integer(k, "cases_passed"),
                   calls = integer(k, "dispatch_calls");
        snprintf(where, sizeof where, "conformance.kernels[%zu]", i);
        run += kr, pass += kp;
        if (kp > kr)
            bn_verify_broken(v, "R-CONF-COUNTS",
                             "%s (%s): cases_passed %" JSON_INTEGER_FORMAT
                             " > cases_run %" JSON_INTEGER_FORMAT,
                             where, name, kp, kr);
        else if (passed && kp != kr)
            bn_verify_broken(v, "R-CONF-HIDDEN-FAILURE",
                             "conformance.passed is true but %s (%s) passed %" JSON_INTEGER_FORMAT
                             " of %" JSON_INTEGER_FORMAT " cases",
                             where, name, kp, kr);
        if (kr == 0)
            bn_verify_broken(v, "R-CONF-COMPUTE", "%s (%s): cases_run is 0, nothing was checked", where,
                             name);
        else if (calls < kr)
            bn_verify_broken(v, "R-CONF-COMPUTE",
                             "%s (%s): dispatch_calls %" JSON_INTEGER_FORMAT
                             " < cases_run %" JSON_INTEGER_FORMAT ": cases did not run through dispatch",
                             where, name, calls, kr);
        lookup(v, where, name, str(k, "format"), str(k, "op"), str(k, "isa"), "R-CONF-KERNEL",
               "R-CONF-FIELDS");
        check_isa(v, "R-CONF-ISA", where, name, str(k, "isa"));
        if (listed(kernels, i, name))
            bn_verify_broken(v, "R-CONF-DUPLICATE", "%s: %s is listed twice in conformance.kernels", where,
                             name);
    }
    for (size_t i = 0; i < json_array_size(skipped); i++) {
        const json_t *s = json_array_get(skipped, i);
        const char *name = str(s, "name");
        snprintf(where, sizeof where, "conformance.skipped[%zu]", i);
        const struct bn_kernel *k =
            lookup(v, where, name, NULL, NULL, str(s, "isa"), "R-CONF-KERNEL", "R-CONF-FIELDS");
        if (k && bn_verify_isa_runs(v, k->isa))
            bn_verify_broken(v, "R-CONF-SKIP", "%s (%s): skipped ('%s'), but the recorded CPU runs ISA %s",
                             where, name, str(s, "reason"), bn_isa_name(k->isa));
        if (listed(skipped, i, name) || listed(kernels, json_array_size(kernels), name))
            bn_verify_broken(v, "R-CONF-DUPLICATE", "%s: %s is listed twice (tested or skipped)", where,
                             name);
    }

    json_int_t cross_run = integer(cross, "cases_run"), cross_pass = integer(cross, "cases_passed");
    if (cross_pass > cross_run)
        bn_verify_broken(v, "R-CONF-COUNTS",
                         "conformance.cross_format: cases_passed %" JSON_INTEGER_FORMAT
                         " > cases_run %" JSON_INTEGER_FORMAT,
                         cross_pass, cross_run);
    else if (passed && cross_pass != cross_run)
        bn_verify_broken(v, "R-CONF-HIDDEN-FAILURE",
                         "conformance.passed is true but cross_format passed %" JSON_INTEGER_FORMAT
                         " of %" JSON_INTEGER_FORMAT " cases",
                         cross_pass, cross_run);

    json_int_t t_run = integer(totals, "cases_run"), t_pass = integer(totals, "cases_passed");
    json_int_t t_fail = integer(totals, "cases_failed");
    if ((size_t)integer(totals, "kernels_tested") != json_array_size(kernels))
        bn_verify_broken(v, "R-CONF-COUNTS",
                         "totals.kernels_tested %" JSON_INTEGER_FORMAT " != %zu kernels listed",
                         integer(totals, "kernels_tested"), json_array_size(kernels));
    if ((size_t)integer(totals, "kernels_skipped") != json_array_size(skipped))
        bn_verify_broken(v, "R-CONF-COUNTS",
                         "totals.kernels_skipped %" JSON_INTEGER_FORMAT " != %zu skipped listed",
                         integer(totals, "kernels_skipped"), json_array_size(skipped));
    if (t_run != run + cross_run)
        bn_verify_broken(v, "R-CONF-COUNTS",
                         "totals.cases_run %" JSON_INTEGER_FORMAT " != sum of kernels %" JSON_INTEGER_FORMAT
                         " + cross %" JSON_INTEGER_FORMAT,
                         t_run, run, cross_run);
    if (t_pass != pass + cross_pass)
        bn_verify_broken(v, "R-CONF-COUNTS",
                         "totals.cases_passed %" JSON_INTEGER_FORMAT
                         " != sum of kernels %" JSON_INTEGER_FORMAT " + cross %" JSON_INTEGER_FORMAT,
                         t_pass, pass, cross_pass);
    if (t_fail != t_run - t_pass)
        bn_verify_broken(v, "R-CONF-COUNTS",
                         "totals.cases_failed %" JSON_INTEGER_FORMAT " != cases_run %" JSON_INTEGER_FORMAT
                         " - cases_passed %" JSON_INTEGER_FORMAT,
                         t_fail, t_run, t_pass);
    if (passed && t_fail != 0)
        bn_verify_broken(v, "R-CONF-HIDDEN-FAILURE",
                         "conformance.passed is true but totals.cases_failed is %" JSON_INTEGER_FORMAT,
                         t_fail);

    const json_t *tool = get(v->receipt, "tool");
    if (bn_verify_same_build(str(tool, "git_commit"), json_is_true(get(tool, "git_dirty")))) {
        bn_verify_checked(v, "R-CONF-COMPLETE");
        size_t count;
        const struct bn_kernel *all = bn_registry_all(&count);
        for (size_t i = 0; i < count; i++)
            if (bn_isa_in_arch(all[i].isa, v->arch) &&
                !listed(kernels, json_array_size(kernels), all[i].name) &&
                !listed(skipped, json_array_size(skipped), all[i].name))
                bn_verify_broken(v, "R-CONF-COMPLETE",
                                 "%s is registered for %s but neither tested nor skipped", all[i].name,
                                 v->arch);
    }
}

/* ---------------------------------------------------------------- kernel-bench */

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The value of key (m, k or n) in a case string "kernel:m=..,k=..,..."; -1 if absent. */
static long long case_value(const char *text, const char *key)
{
    const char *p = strchr(text, ':');
    size_t klen = strlen(key);
    while (p) {
        p++;
        if (strncmp(p, key, klen) == 0 && p[klen] == '=') return strtoll(p + klen + 1, NULL, 10);
        p = strchr(p, ',');
    }
    return -1;
}

static void check_bench_conformance(bn_verifier *v, const char *where, const char *name, const json_t *r)
{
    const json_t *conf = get(r, "conformance"), *shape = get(r, "shape");
    const char *text = str(conf, "case");
    if (!json_is_true(get(conf, "passed"))) {
        bn_verify_broken(v, "R-BENCH-CONFORMANCE",
                         "%s (%s): conformance.passed is false: a kernel that failed "
                         "conformance on the benchmark shape must not be timed",
                         where, name);
        return;
    }
    size_t nlen = strlen(name);
    if (strncmp(text, name, nlen) != 0 || text[nlen] != ':') {
        bn_verify_broken(v, "R-BENCH-CONFORMANCE",
                         "%s (%s): conformance.case '%s' is not a case of this kernel", where, name, text);
        return;
    }
    static const char *const dims[] = {"m", "k", "n"};
    for (int d = 0; d < 3; d++)
        if (case_value(text, dims[d]) != (long long)integer(shape, dims[d]))
            bn_verify_broken(v, "R-BENCH-CONFORMANCE",
                             "%s (%s): conformance.case has %s=%lld, shape.%s is %" JSON_INTEGER_FORMAT,
                             where, name, dims[d], case_value(text, dims[d]), dims[d],
                             integer(shape, dims[d]));
}

/* The read bandwidth measured with `threads` threads: read_gbps_1thread, read_gbps_all,
 * or (for other thread counts) the bandwidth.measurements[] entry; 0 if none. */
static double bandwidth_at(const json_t *bandwidth, json_int_t threads)
{
    if (threads == 1) return num(bandwidth, "read_gbps_1thread");
    if (threads == integer(bandwidth, "threads_all")) return num(bandwidth, "read_gbps_all");
    size_t i;
    const json_t *m;
    json_array_foreach(get(bandwidth, "measurements"), i, m)
    {
        if (integer(m, "threads") == threads) return num(m, "gbps");
    }
    return 0;
}

static void check_bench_timing(bn_verifier *v, const char *where, const char *name, const json_t *r,
                               const json_t *bandwidth)
{
    const json_t *ns = get(r, "ns");
    size_t n = json_array_size(ns);
    if ((size_t)integer(r, "reps") != n)
        bn_verify_broken(v, "R-BENCH-REPS", "%s (%s): reps %" JSON_INTEGER_FORMAT " != %zu timings in ns[]",
                         where, name, integer(r, "reps"), n);
    double *sorted = malloc((n ? n : 1) * sizeof *sorted);
    for (size_t i = 0; i < n; i++) {
        sorted[i] = bn_verify_num(json_array_get(ns, i));
        if (!(sorted[i] > 0))
            bn_verify_broken(v, "R-BENCH-TIMING", "%s (%s): ns[%zu] = %g is not positive", where, name, i,
                             sorted[i]);
    }
    qsort(sorted, n, sizeof *sorted, compare_doubles);
    double median = n % 2 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    double min = sorted[0], median_ns = num(r, "median_ns");
    free(sorted);
    if (!bn_verify_close(num(r, "min_ns"), min, 0.5))
        bn_verify_broken(v, "R-BENCH-TIMING", "%s (%s): min_ns %.17g != min of ns[] %.17g", where, name,
                         num(r, "min_ns"), min);
    if (!bn_verify_close(median_ns, median, 0.5))
        bn_verify_broken(v, "R-BENCH-TIMING", "%s (%s): median_ns %.17g != median of ns[] %.17g", where, name,
                         median_ns, median);

    double gbps = num(r, "gbps"), want = median_ns > 0 ? num(r, "weight_bytes") / median_ns : 0;
    if (!bn_verify_close(gbps, want, 0))
        bn_verify_broken(v, "R-BENCH-GBPS",
                         "%s (%s): gbps %.17g != weight_bytes %" JSON_INTEGER_FORMAT
                         " / median_ns %.17g = %.17g",
                         where, name, gbps, integer(r, "weight_bytes"), median_ns, want);
    json_int_t threads = integer(r, "threads"), all = integer(bandwidth, "threads_all");
    double bw = bandwidth_at(bandwidth, threads);
    if (bw <= 0) {
        bn_verify_broken(v, "R-BENCH-PCT",
                         "%s (%s): no bandwidth was measured at %" JSON_INTEGER_FORMAT
                         " threads (1, %" JSON_INTEGER_FORMAT " or an entry of bandwidth.measurements)",
                         where, name, threads, all);
    } else if (!bn_verify_close(num(r, "pct_of_bandwidth"), gbps / bw * 100, 0)) {
        bn_verify_broken(v, "R-BENCH-PCT",
                         "%s (%s): pct_of_bandwidth %.17g != gbps %.17g / %.17g GB/s * 100 = %.17g", where,
                         name, num(r, "pct_of_bandwidth"), gbps, bw, gbps / bw * 100);
    }
}

void bn_verify_kernel_bench(bn_verifier *v, const json_t *b)
{
    static const char *const ids[] = {"R-BENCH-KERNEL",      "R-BENCH-FIELDS", "R-BENCH-ISA",
                                      "R-BENCH-CONFORMANCE", "R-BENCH-REPS",   "R-BENCH-TIMING",
                                      "R-BENCH-GBPS",        "R-BENCH-PCT",    NULL};
    check_all(v, ids);
    const json_t *bandwidth = get(b, "bandwidth"), *peak = get(b, "peak"), *results = get(b, "results");
    if (peak) {
        bn_verify_checked(v, "R-BENCH-PEAK");
        static const char *const which[] = {"1thread", "all"};
        for (int i = 0; i < 2; i++) {
            char instr[48], macs[48];
            snprintf(instr, sizeof instr, "vpdpbusd_per_s_%s", which[i]);
            snprintf(macs, sizeof macs, "int8_macs_per_s_%s", which[i]);
            if (!bn_verify_close(num(peak, macs), 64 * num(peak, instr), 0))
                bn_verify_broken(v, "R-BENCH-PEAK", "kernel_bench.peak.%s %.17g != 64 * %s %.17g", macs,
                                 num(peak, macs), instr, num(peak, instr));
        }
    }
    for (size_t i = 0; i < json_array_size(results); i++) {
        const json_t *r = json_array_get(results, i);
        const char *name = str(r, "kernel");
        char where[64];
        snprintf(where, sizeof where, "kernel_bench.results[%zu]", i);
        lookup(v, where, name, str(r, "format"), str(r, "op"), str(r, "isa"), "R-BENCH-KERNEL",
               "R-BENCH-FIELDS");
        check_isa(v, "R-BENCH-ISA", where, name, str(r, "isa"));
        check_bench_conformance(v, where, name, r);
        check_bench_timing(v, where, name, r, bandwidth);
    }
}

/* ---------------------------------------------------------------- inference */

static void check_inference_kernels(bn_verifier *v, const json_t *inf)
{
    const json_t *kernels = get(inf, "kernels");
    const char *model_format = str(inf, "kernel_format");
    bool format_used = false, f16_head_used = false, q8_head_used = false;
    char where[64];
    for (size_t i = 0; i < json_array_size(kernels); i++) {
        const json_t *e = json_array_get(kernels, i);
        const char *name = str(e, "kernel"), *format = str(e, "format"), *op = str(e, "op");
        snprintf(where, sizeof where, "inference.kernels[%zu]", i);
        const struct bn_kernel *k = lookup(v, where, name, format, op, NULL, "R-INF-KERNEL", "R-INF-FIELDS");
        if (integer(e, "calls") < 1)
            bn_verify_broken(v, "R-INF-COMPUTE",
                             "%s (%s): calls is 0: a kernel that never ran is no evidence", where, name);
        else if (strcmp(format, model_format) == 0 && (strcmp(op, "gemv") == 0 || strcmp(op, "gemm") == 0))
            format_used = true;
        else if (strcmp(format, "f16") == 0 && strcmp(op, "gemv") == 0)
            f16_head_used = true;
        else if (strcmp(format, "q8") == 0 && strcmp(op, "gemv") == 0)
            q8_head_used = true;
        for (size_t j = 0; j < i; j++) {
            const json_t *o = json_array_get(kernels, j);
            if (strcmp(str(o, "kernel"), name) == 0 && strcmp(str(o, "format"), format) == 0 &&
                strcmp(str(o, "op"), op) == 0)
                bn_verify_broken(v, "R-INF-DUPLICATE", "%s: %s (%s %s) is listed twice", where, name, format,
                                 op);
        }
        if (!k) continue;
        check_isa(v, "R-INF-ISA", where, name, bn_isa_name(k->isa));
        if (!v->resolved || json_is_true(get(e, "fallback"))) continue;
        int f = bn_format_from_name(format), o = bn_op_from_name(op);
        int choice = v->resolution.choice[f][o];
        size_t count;
        const struct bn_kernel *all = bn_registry_all(&count);
        if (choice < 0)
            bn_verify_broken(v, "R-INF-DISPATCH", "%s: format %s has no op %s", where, format, op);
        else if (strcmp(all[choice].name, name) != 0)
            bn_verify_broken(v, "R-INF-DISPATCH",
                             "%s: %s %s ran %s, but dispatch picks %s for the recorded "
                             "features and overrides, and fallback is false",
                             where, format, op, name, all[choice].name);
    }
    if (!format_used)
        bn_verify_broken(v, "R-INF-COMPUTE",
                         "inference.kernels: no GEMV or GEMM of kernel_format '%s' was called", model_format);
    /* The head claimed is the head that ran: f16 needs an F16 GEMV call, q8 a Q8 GEMV call
     * (an int8 head must not hide behind the F16 kernels, nor the reverse). */
    const char *head = str(inf, "output_head");
    if (strcmp(head, "f16") == 0 && !f16_head_used)
        bn_verify_broken(v, "R-INF-COMPUTE",
                         "inference.kernels: output_head is f16 but no f16 GEMV was called");
    if (strcmp(head, "q8") == 0 && !q8_head_used)
        bn_verify_broken(v, "R-INF-COMPUTE",
                         "inference.kernels: output_head is q8 but no q8 GEMV was called");
    if (strcmp(head, "q8") == 0 && f16_head_used)
        bn_verify_broken(
            v, "R-INF-COMPUTE",
            "inference.kernels: output_head is q8 but an f16 GEMV was called (the F16 head ran)");
    if (strcmp(head, "f16") == 0 && q8_head_used)
        bn_verify_broken(
            v, "R-INF-COMPUTE",
            "inference.kernels: output_head is f16 but a q8 GEMV was called (the int8 head ran)");
}

/* Mean and sample standard deviation (n - 1; 0 for one repetition) of tokens / seconds[i]. */
static void rate_stats(double tokens, const json_t *seconds, double *mean, double *stddev)
{
    size_t n = json_array_size(seconds);
    double sum = 0, squares = 0;
    for (size_t i = 0; i < n; i++) sum += tokens / bn_verify_num(json_array_get(seconds, i));
    *mean = n ? sum / (double)n : 0;
    for (size_t i = 0; i < n; i++) {
        double d = tokens / bn_verify_num(json_array_get(seconds, i)) - *mean;
        squares += d * d;
    }
    *stddev = n > 1 ? sqrt(squares / (double)(n - 1)) : 0;
}

/* The breakdown covers the timed repetitions, and its steps are parts of their time. */
static void check_breakdown(bn_verifier *v, size_t i, const char *name, const json_t *breakdown,
                            const json_t *seconds)
{
    double timed = 0;
    for (size_t r = 0; r < json_array_size(seconds); r++) timed += bn_verify_num(json_array_get(seconds, r));
    if (!bn_verify_close(num(breakdown, "profiled_seconds"), timed, 0))
        bn_verify_broken(v, "R-INF-BREAKDOWN",
                         "inference.phases[%zu] (%s): breakdown.profiled_seconds %.9g != %.9g, the sum of "
                         "seconds[]",
                         i, name, num(breakdown, "profiled_seconds"), timed);
    const json_t *steps = get(breakdown, "steps");
    const char *step;
    const json_t *step_seconds;
    double sum = 0;
    json_object_foreach((json_t *)steps, step, step_seconds) sum += bn_verify_num(step_seconds);
    const double profiled = num(breakdown, "profiled_seconds");
    if (sum > profiled * (1 + 1e-9))
        bn_verify_broken(v, "R-INF-BREAKDOWN",
                         "inference.phases[%zu] (%s): the steps of breakdown add up to %.9g s, more than "
                         "profiled_seconds %.9g s",
                         i, name, sum, profiled);
}

static void check_phases(bn_verifier *v, const json_t *inf)
{
    const json_t *phases = get(inf, "phases");
    bool decode = false, prefill = false;
    for (size_t i = 0; i < json_array_size(phases); i++) {
        const json_t *p = json_array_get(phases, i), *seconds = get(p, "seconds"),
                     *tps = get(p, "tokens_per_second");
        const char *name = str(p, "name");
        json_int_t tokens = integer(p, "tokens");
        bool positive = true;
        decode |= strcmp(str(p, "kind"), "decode") == 0;
        prefill |= strcmp(str(p, "kind"), "prefill") == 0;
        if ((size_t)integer(p, "reps") != json_array_size(seconds))
            bn_verify_broken(v, "R-INF-REPS",
                             "inference.phases[%zu] (%s): reps %" JSON_INTEGER_FORMAT
                             " != %zu timings in seconds[]",
                             i, name, integer(p, "reps"), json_array_size(seconds));
        if (tokens < 1)
            bn_verify_broken(v, "R-INF-TOKENS",
                             "inference.phases[%zu] (%s, %s): tokens is %" JSON_INTEGER_FORMAT, i, name,
                             str(p, "kind"), tokens);
        for (size_t j = 0; j < json_array_size(seconds); j++)
            if (!(bn_verify_num(json_array_get(seconds, j)) > 0)) {
                positive = false;
                bn_verify_broken(v, "R-INF-TIMING",
                                 "inference.phases[%zu] (%s): seconds[%zu] = %g is not positive", i, name, j,
                                 bn_verify_num(json_array_get(seconds, j)));
            }
        if (get(p, "breakdown")) check_breakdown(v, i, name, get(p, "breakdown"), seconds);
        if (!positive || tokens < 1) continue;
        double mean, stddev;
        rate_stats((double)tokens, seconds, &mean, &stddev);
        if (!bn_verify_close(num(tps, "mean"), mean, 0))
            bn_verify_broken(v, "R-INF-TPS",
                             "inference.phases[%zu] (%s): tokens_per_second.mean %.17g != mean of "
                             "tokens / seconds[i] = %.17g",
                             i, name, num(tps, "mean"), mean);
        if (!bn_verify_close(num(tps, "stddev"), stddev, 1e-9 * mean))
            bn_verify_broken(v, "R-INF-TPS",
                             "inference.phases[%zu] (%s): tokens_per_second.stddev %.17g != sample "
                             "standard deviation of tokens / seconds[i] = %.17g",
                             i, name, num(tps, "stddev"), stddev);
    }
    const json_t *roof = get(inf, "roofline");
    if (decode && !roof)
        bn_verify_broken(v, "R-INF-ROOFLINE", "inference: a decode phase was run but roofline is missing");
    if (roof) {
        double want = num(roof, "read_gbps") * 1e9 / num(roof, "bytes_per_token");
        if (!bn_verify_close(num(roof, "tokens_per_second"), want, 0))
            bn_verify_broken(v, "R-INF-ROOFLINE",
                             "inference.roofline.tokens_per_second %.17g != read_gbps * 1e9 / "
                             "bytes_per_token = %.17g",
                             num(roof, "tokens_per_second"), want);
    }
    if (prefill && !get(inf, "compute_peak"))
        bn_verify_broken(v, "R-INF-ROOFLINE",
                         "inference: a prefill phase was run but compute_peak is missing");
    if (!(num(inf, "load_seconds") > 0))
        bn_verify_broken(v, "R-INF-TIMING", "inference.load_seconds %g is not positive",
                         num(inf, "load_seconds"));
}

static void check_model(bn_verifier *v, const json_t *model)
{
    const char *path = v->options->model_path ? v->options->model_path : str(model, "path");
    if (!v->options->model_path && access(path, F_OK) != 0) {
        snprintf(
            v->result->note, sizeof v->result->note,
            "model file '%s' is not present: size and sha256 not checked (R-INF-MODEL; use --model PATH)",
            path);
        return;
    }
    bn_verify_checked(v, "R-INF-MODEL");
    uint8_t digest[BN_SHA256_BYTES];
    char hex[BN_SHA256_HEX];
    uint64_t bytes;
    if (bn_sha256_file(path, digest, &bytes) != BN_OK) {
        v->io_status = BN_E_IO;
        return;
    }
    bn_sha256_hex(digest, hex);
    if (bytes != (uint64_t)integer(model, "bytes"))
        bn_verify_broken(v, "R-INF-MODEL",
                         "inference.model.bytes %" JSON_INTEGER_FORMAT " != size %llu of %s",
                         integer(model, "bytes"), (unsigned long long)bytes, path);
    if (strcmp(hex, str(model, "sha256")) != 0)
        bn_verify_broken(v, "R-INF-MODEL", "inference.model.sha256 %s != sha256 %s of %s",
                         str(model, "sha256"), hex, path);
}

void bn_verify_inference(bn_verifier *v, const json_t *inf)
{
    static const char *const ids[] = {"R-INF-KERNEL",
                                      "R-INF-FIELDS",
                                      "R-INF-ISA",
                                      "R-INF-DISPATCH",
                                      "R-INF-COMPUTE",
                                      "R-INF-DUPLICATE",
                                      "R-INF-REPS",
                                      "R-INF-TOKENS",
                                      "R-INF-TIMING",
                                      "R-INF-TPS",
                                      "R-INF-ROOFLINE",
                                      "R-INF-BREAKDOWN",
                                      NULL};
    check_all(v, ids);
    check_inference_kernels(v, inf);
    check_phases(v, inf);
    check_model(v, get(inf, "model"));
}
