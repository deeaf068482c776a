/*
 * perf-table - the tables of docs/performance.md ("End to end"), rendered from `inference`
 * receipts (bitnet bench --receipt), so that every figure in the docs is one a receipt
 * holds and tools/verify-receipt accepts.
 *
 *   perf-table RECEIPT...
 *
 * Prints two markdown tables: one row per (receipt, test) with tokens/s, the limit
 * measured in the same run (decode: read bandwidth / bytes per token; prefill: vpdpbusd
 * peak / ternary MACs per token) and the percent of it, and the percent of the best limit
 * any of the receipts measured with that thread count (on a shared machine one run's
 * bandwidth probe can come out low, which flatters its percent; the best one seen is the
 * conservative limit); then, per decode test, where the time of its profiled repetitions
 * went.  It checks nothing: run verify-receipt first.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const char *const steps[] = {"embed",     "norm",    "quant",    "matmul", "rope",
                                    "attention", "ffn_act", "residual", "head"};
#define STEP_COUNT (sizeof steps / sizeof steps[0])

static double num(const json_t *o, const char *key) { return json_number_value(json_object_get(o, key)); }
static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "?";
}

/* The best read bandwidth and vpdpbusd peak any receipt measured, per thread count. */
#define MAX_THREADS 256
static double best_gbps[MAX_THREADS + 1], best_macs[MAX_THREADS + 1];

static int threads_of(const json_t *inf)
{
    json_int_t t = json_integer_value(json_object_get(inf, "threads"));
    return t < 0 || t > MAX_THREADS ? 0 : (int)t;
}

static void note_limits(const json_t *inf)
{
    const json_t *roof = json_object_get(inf, "roofline"), *peak = json_object_get(inf, "compute_peak");
    const int t = threads_of(inf);
    if (roof && num(roof, "read_gbps") > best_gbps[t]) best_gbps[t] = num(roof, "read_gbps");
    if (peak && num(peak, "int8_macs_per_s") > best_macs[t]) best_macs[t] = num(peak, "int8_macs_per_s");
}

static void speed_rows(const char *path, const json_t *inf)
{
    const json_t *roof = json_object_get(inf, "roofline"), *peak = json_object_get(inf, "compute_peak");
    const json_t *phases = json_object_get(inf, "phases");
    for (size_t i = 0; i < json_array_size(phases); i++) {
        const json_t *p = json_array_get(phases, i), *tps = json_object_get(p, "tokens_per_second");
        const bool decode = strcmp(str(p, "kind"), "decode") == 0;
        const double rate = num(tps, "mean");
        char limit[96] = "-", share[16] = "-", best[16] = "-", gops[32] = "-";
        const int t = threads_of(inf);
        if (decode && roof) {
            const double l = num(roof, "tokens_per_second"), bytes = num(roof, "bytes_per_token");
            snprintf(limit, sizeof limit, "%.1f t/s (%.1f GB/s / %.3g GB)", l, num(roof, "read_gbps"),
                     bytes * 1e-9);
            snprintf(share, sizeof share, "%.0f%%", 100.0 * rate / l);
            snprintf(best, sizeof best, "%.0f%%", 100.0 * rate / (best_gbps[t] * 1e9 / bytes));
        }
        if (!decode && peak) {
            const double l = num(peak, "int8_macs_per_s") / num(peak, "macs_per_token");
            snprintf(limit, sizeof limit, "%.1f t/s (%.3g MAC/s / %.3g MAC)", l, num(peak, "int8_macs_per_s"),
                     num(peak, "macs_per_token"));
            snprintf(share, sizeof share, "%.0f%%", 100.0 * rate / l);
            snprintf(best, sizeof best, "%.0f%%",
                     100.0 * rate / (best_macs[t] / num(peak, "macs_per_token")));
            snprintf(gops, sizeof gops, "%.0f", rate * num(peak, "macs_per_token") * 1e-9);
        }
        printf("| %s | %s | %d | %s | %.2f ± %.2f | %s | %s | %s | %s | `%s` |\n", str(inf, "kernel_format"),
               str(inf, "output_head"), t, str(p, "name"), rate, num(tps, "stddev"), gops, limit, share, best,
               path);
    }
}

static void breakdown_rows(const json_t *inf)
{
    const json_t *phases = json_object_get(inf, "phases");
    for (size_t i = 0; i < json_array_size(phases); i++) {
        const json_t *p = json_array_get(phases, i), *b = json_object_get(p, "breakdown");
        if (!b || strcmp(str(p, "kind"), "decode") != 0) continue;
        const json_t *s = json_object_get(b, "steps");
        const double wall = num(b, "profiled_seconds"), per_token = 1e3 / (num(p, "tokens") * num(p, "reps"));
        double rest = wall;
        printf("| %s | %s | %d | %s | %.2f |", str(inf, "kernel_format"), str(inf, "output_head"),
               (int)json_integer_value(json_object_get(inf, "threads")), str(p, "name"), wall * per_token);
        for (size_t k = 0; k < STEP_COUNT; k++) {
            const double t = num(s, steps[k]);
            rest -= t;
            printf(" %.2f (%.0f%%) |", t * per_token, 100.0 * t / wall);
        }
        printf(" %.2f (%.0f%%) |\n", rest * per_token, 100.0 * rest / wall);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: perf-table RECEIPT...\n");
        return 2;
    }
    json_t *receipts[256];
    int n = 0;
    for (int i = 1; i < argc && n < 256; i++) {
        json_error_t err;
        json_t *r = json_load_file(argv[i], 0, &err);
        if (!r || strcmp(str(r, "kind"), "inference") != 0) {
            fprintf(stderr, "perf-table: %s: %s\n", argv[i], r ? "not an inference receipt" : err.text);
            json_decref(r);
            for (int j = 0; j < n; j++) json_decref(receipts[j]);
            return 1;
        }
        receipts[n++] = r;
    }
    for (int i = 0; i < n; i++) note_limits(json_object_get(receipts[i], "inference"));
    printf("| format | head | threads | test | t/s (mean ± sd) | GOP/s | limit in the same run | of limit | "
           "of best limit | receipt |\n|---|---|--:|---|--:|--:|---|--:|--:|---|\n");
    for (int i = 0; i < n; i++) speed_rows(argv[i + 1], json_object_get(receipts[i], "inference"));
    printf("\nDecode, where the time goes (all timed repetitions; ms per token and share):\n\n"
           "| format | head | threads | test | wall |");
    for (size_t k = 0; k < STEP_COUNT; k++) printf(" %s |", steps[k]);
    printf(" other |\n|---|---|--:|---|--:|");
    for (size_t k = 0; k <= STEP_COUNT; k++) printf("--:|");
    printf("\n");
    for (int i = 0; i < n; i++) breakdown_rows(json_object_get(receipts[i], "inference"));
    for (int i = 0; i < n; i++) json_decref(receipts[i]);
    return 0;
}
