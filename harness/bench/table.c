/* table.c - the benchmark's readable output: a markdown report on stdout. */
#include <math.h>
#include <stdio.h>

#include "harness/bench/bench.h"

static double mib(size_t bytes) { return (double)bytes / (1024.0 * 1024.0); }

void bench_print_machine(const bench_options *o, const bench_machine *mc)
{
    const bn_topology_info *t = &mc->topo;
    printf("# libbitnet kernel benchmark (%s)\n\n", bn_version());
    printf("- CPU: %s, %u cores; L2 %.2f MiB per core; last-level cache: %u x L%u of %.1f MiB (hwloc)\n",
           bn_cpu_model(), t->cores, mib(t->l2_bytes), t->llc_count, t->llc_level, mib(t->llc_bytes));
    printf("- DRAM placement rotates weight copies over %.0f MiB; mode %s; reps %s\n",
           mib(mc->dram_footprint), o->quick ? "quick" : "full", o->reps ? "fixed" : "adaptive");
    printf("- Memory read bandwidth (%s; median over %zu timed reads of %.0f MiB chunks rotating through "
           "%.0f MiB, half before and half after the kernels):",
           mc->read_probe, mc->bw[0].t.reps, mib(mc->bw[0].bytes), mib(mc->bw[0].buffer_bytes));
    for (unsigned i = 0; i < mc->count_n; i++)
        printf("%s %u thread%s %.2f GB/s (before %.2f, after %.2f; sustained over whole passes %.2f)",
               i ? ";" : "", mc->bw[i].threads, mc->bw[i].threads > 1 ? "s" : "", mc->bw[i].gbps,
               mc->bw_pass_gbps[0][i], mc->bw_pass_gbps[1][i], mc->bw[i].sustained_gbps);
    printf("\n");
    if (mc->have_peak)
        printf(
            "- Peak zmm vpdpbusd: 1 thread %.3g/s = %.3g int8 MAC/s; %u threads %.3g/s = %.3g int8 MAC/s\n",
            mc->peak_one.per_s, mc->peak_one.macs_per_s, mc->peak_all.threads, mc->peak_all.per_s,
            mc->peak_all.macs_per_s);
    else
        printf("- Peak vpdpbusd: not measured (%s)\n", mc->peak_reason);
    if (mc->pool.run.reps)
        printf("- Pool of %u threads (%u pinned, spin %llu us): empty run %.0f ns while spinning, %.1f us "
               "to wake sleeping workers (medians)\n",
               mc->pool.threads, mc->pool.pinned, (unsigned long long)mc->pool.spin_us,
               mc->pool.run.median_ns, mc->pool.wake.median_ns / 1000.0);
    printf("\nGB/s = weight bytes per call / median time (for a8 quant and tl lut: the activations they "
           "read); best GB/s = the same at the minimum time; %%bw = GB/s / the read bandwidth with the same "
           "thread count; GOP/s (GEMM) = m*k*n ternary MACs / median time; tok/s = tokens per median "
           "call.\n\n");
}

void bench_print_header(void)
{
    printf("| kernel | shape | m x k | n | thr | place | reps | median us | min us | MB/call | GB/s | best "
           "GB/s | %%bw | GOP/s | tok/s |\n");
    printf("|---|---|---|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
}

void bench_print_result(const bn_bench_result *r)
{
    char gops[32] = "", tps[32] = "";
    if (!isnan(r->gops)) snprintf(gops, sizeof gops, "%.1f", r->gops);
    if (!isnan(r->tokens_per_s)) snprintf(tps, sizeof tps, "%.0f", r->tokens_per_s);
    printf(
        "| %s | %s | %zu x %zu | %zu | %u | %s | %zu | %.1f | %.1f | %.3f | %.2f | %.2f | %.1f | %s | %s |\n",
        bn_kernel_name(r->kernel), r->shape_name, r->m, r->k, r->n, r->threads, r->dram ? "dram" : "cache",
        r->t.reps, r->t.median_ns / 1000.0, (double)r->t.min_ns / 1000.0, (double)r->weight_bytes / 1e6,
        r->gbps, r->best_gbps, r->pct_of_bandwidth, gops, tps);
    fflush(stdout);
}
