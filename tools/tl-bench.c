/*
 * tl-bench.c - timing of the TL1/TL2 (and I2_S) GEMV/GEMM kernels on the BitNet 2B4T shapes,
 * for docs/kernels-tl.md.  Not the project's benchmark (harness/bench is); a focused tool
 * to measure the table-lookup kernels against the memory read bandwidth of the same run.
 *
 *   tl-bench [--reps N] [--cold] [--tokens N] [--kernel NAME]... [--shape MxK]...
 *
 * Every kernel is first checked bit for bit against its reference twin on each shape.
 * Warm: the same weights every call (they sit in L2/L3 when they fit).  --cold: calls cycle
 * through enough copies of the weights (>= 512 MiB) that every call streams from DRAM.
 * Prints median and minimum time per call, weight GB/s (bytes of the layout / median),
 * and for GEMMs the time per token.  Default kernels: every usable TL GEMV and GEMM.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch/dispatch.h"
#include "harness/common/harness.h"

#define MAX_ITEMS 32

typedef struct options {
    unsigned reps, tokens;
    bool cold;
    const char *kernels[MAX_ITEMS];
    size_t shapes[MAX_ITEMS][2];
    unsigned nkernels, nshapes;
} options;

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Read bandwidth of this machine now: memchr (the C library's vectorised scan) over
 * 512 MiB of zeros for a byte that is not there, median of 5. */
static double read_bandwidth_gbs(void)
{
    size_t bytes = (size_t)512 << 20;
    uint8_t *buf = calloc(bytes, 1);
    uint64_t ns[5];
    if (!buf) return 0.0;
    memset(buf, 0, bytes); /* fault the pages in */
    for (int r = 0; r < 5; r++) {
        uint64_t t0 = bn_now_ns();
        if (memchr(buf, 1, bytes)) fprintf(stderr, "tl-bench: memchr found a 1 in zeros\n");
        ns[r] = bn_now_ns() - t0;
    }
    qsort(ns, 5, sizeof ns[0], cmp_u64);
    free(buf);
    return (double)bytes / (double)ns[2];
}

/* One kernel on one shape: check against the twin, then time.  false on mismatch. */
static bool bench(const bn_kernel *k, size_t m, size_t kk, const options *o)
{
    bn_format f = bn_kernel_format(k);
    bool gemm = bn_kernel_op(k) == BN_OP_GEMM;
    size_t n = gemm ? o->tokens : 1, lr = bn_kernel_layout_rows(k) ? bn_kernel_layout_rows(k) : 1, bytes;
    if (bn_weights_bytes(f, m, kk, (unsigned)lr, &bytes) != BN_OK) return true; /* K not allowed */
    bn_rng rng = {m * 131 + kk};
    int8_t *t = malloc(m * kk), *q = malloc(n * kk);
    float *s = malloc(n * sizeof(float)), *y = malloc(n * m * sizeof(float)), *yref = malloc(n * m * 4);
    int32_t *qsum = calloc(n, sizeof(int32_t));
    for (size_t i = 0; i < m * kk; i++) t[i] = (int8_t)((int)bn_rng_below(&rng, 3) - 1);
    for (size_t i = 0; i < n * kk; i++) qsum[i / kk] += q[i] = (int8_t)((int)bn_rng_below(&rng, 256) - 128);
    for (size_t i = 0; i < n; i++) s[i] = 1.0f + (float)i;
    size_t copies = o->cold ? (((size_t)512 << 20) + bytes - 1) / bytes : 1;
    uint8_t *data = malloc(copies * bytes), *lut = NULL;
    bn_ref_twin(f, BN_OP_PACK).pack(m, kk, t, kk, 0.01f, (unsigned)lr, data);
    for (size_t c = 1; c < copies; c++) memcpy(data + c * bytes, data, bytes);
    size_t lut_bytes = 0;
    if (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2) {
        const bn_kernel *lk;
        bn_lut_bytes(f, kk, &lut_bytes);
        lut = malloc(n * lut_bytes);
        if (bn_kernel_select(f, BN_OP_LUT, &lk) != BN_OK ||
            bn_lut_build(lk, n, kk, q, kk, lut, lut_bytes) != BN_OK)
            return false;
    }
    bn_act x = {q, kk, s, qsum, lut, lut_bytes};
    bn_weights w = {data, m, kk, 0.01f, (unsigned)lr, f};
    bn_kernel_fn twin = bn_ref_twin(f, bn_kernel_op(k));
    bn_status st = gemm ? bn_gemm(k, &w, 0, m, n, &x, y, m * 4) : bn_gemv(k, &w, 0, m, &x, y);
    if (gemm)
        twin.gemm(&w, 0, m, n, &x, yref, m * 4);
    else
        twin.gemv(&w, 0, m, &x, yref);
    bool ok = st == BN_OK && memcmp(y, yref, n * m * 4) == 0;
    if (!ok)
        fprintf(stderr, "tl-bench: %s %zux%zu differs from its reference twin\n", bn_kernel_name(k), m, kk);
    uint64_t *ns = malloc(o->reps * sizeof(uint64_t));
    for (unsigned r = 0; ok && r < o->reps + 3; r++) {
        w.data = data + (r % copies) * bytes;
        uint64_t t0 = bn_now_ns();
        if (gemm)
            k->fn.gemm(&w, 0, m, n, &x, y, m * 4);
        else
            k->fn.gemv(&w, 0, m, &x, y);
        if (r >= 3) ns[r - 3] = bn_now_ns() - t0; /* 3 warm-up calls */
    }
    if (ok) {
        qsort(ns, o->reps, sizeof ns[0], cmp_u64);
        double med = (double)ns[o->reps / 2], gbs = (double)bytes / med;
        printf("%-28s %5zux%-5zu %9zu B %10.1f us (min %8.1f) %7.2f GB/s", bn_kernel_name(k), m, kk, bytes,
               med * 1e-3, (double)ns[0] * 1e-3, gbs);
        if (gemm) printf("  %zu tokens: %.1f us/token", n, med * 1e-3 / (double)n);
        printf("\n");
    }
    free(ns), free(t), free(q), free(s), free(y), free(yref), free(qsum), free(data), free(lut);
    return ok;
}

static bool parse(int argc, char **argv, options *o)
{
    *o = (options){.reps = 41, .tokens = 8};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool more = i + 1 < argc;
        if (strcmp(a, "--cold") == 0)
            o->cold = true;
        else if (strcmp(a, "--reps") == 0 && more)
            o->reps = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--tokens") == 0 && more)
            o->tokens = (unsigned)strtoul(argv[++i], NULL, 10);
        else if (strcmp(a, "--kernel") == 0 && more && o->nkernels < MAX_ITEMS)
            o->kernels[o->nkernels++] = argv[++i];
        else if (strcmp(a, "--shape") == 0 && more && o->nshapes < MAX_ITEMS &&
                 sscanf(argv[i + 1], "%zux%zu", &o->shapes[o->nshapes][0], &o->shapes[o->nshapes][1]) == 2)
            o->nshapes++, i++;
        else {
            fprintf(stderr,
                    "tl-bench: unknown or incomplete argument '%s'\n"
                    "usage: tl-bench [--reps N] [--cold] [--tokens N] [--kernel NAME]... [--shape MxK]...\n",
                    a);
            return false;
        }
    }
    if (o->reps == 0 || o->tokens == 0)
        return fprintf(stderr, "tl-bench: --reps and --tokens must be > 0\n"), false;
    if (o->nshapes == 0) {
        static const size_t shapes[4][2] = {{2560, 2560}, {640, 2560}, {6912, 2560}, {2560, 6912}};
        memcpy(o->shapes, shapes, sizeof shapes);
        o->nshapes = 4;
    }
    return true;
}

int main(int argc, char **argv)
{
    options o;
    if (!parse(argc, argv, &o)) return 2;
    printf("tl-bench: %s, %u reps (median), %s weights; read bandwidth %.2f GB/s\n", bn_cpu_model(), o.reps,
           o.cold ? "cold (DRAM)" : "warm", read_bandwidth_gbs());
    bool ok = true;
    for (size_t i = 0; i < bn_kernel_count(); i++) {
        const bn_kernel *k = bn_kernel_at(i);
        bn_format f = bn_kernel_format(k);
        bn_op op = bn_kernel_op(k);
        bool wanted = false;
        for (unsigned j = 0; j < o.nkernels; j++) wanted |= strcmp(o.kernels[j], bn_kernel_name(k)) == 0;
        if (o.nkernels == 0)
            wanted = (f == BN_FORMAT_TL1 || f == BN_FORMAT_TL2) && (op == BN_OP_GEMV || op == BN_OP_GEMM);
        if (!wanted) continue;
        if (!bn_kernel_usable(k)) {
            printf("%-28s skipped: this CPU lacks its ISA\n", bn_kernel_name(k));
            continue;
        }
        for (unsigned s = 0; s < o.nshapes; s++) ok &= bench(k, o.shapes[s][0], o.shapes[s][1], &o);
    }
    return ok ? 0 : 1;
}
