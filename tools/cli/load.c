/*
 * load.c - `bitnet load FILE [--repeat N] [--format i2s|qk256|tl1|tl2] [--head f16|f32|q8]
 * [--permissive] [--no-prefault] [--reread]`: load a model the way an application does (map,
 * prefault, validate, convert) N times and print the wall time of each load, its min and
 * median, and how much of the file the kernel mapped with 2 MiB pages.  This is the
 * measurement behind the load-time figure in docs/gguf.md.  --reread first drops the file's
 * clean pages from the page cache, so that it is read back through readahead in 2 MiB folios
 * (docs/performance.md, "Huge page mappings"); pages other processes have mapped stay.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "model/hugemem.h"
#include "model/loader.h"
#include "tools/cli/cli.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int drop_from_page_cache(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int e = fd < 0 ? errno : bn_drop_page_cache(fd);
    if (fd >= 0) close(fd);
    if (e) fprintf(stderr, "bitnet load: %s: cannot drop from the page cache: %s\n", path, strerror(e));
    return e ? -1 : 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int bn_cli_load(int argc, char **argv)
{
    const char *path = NULL;
    int repeat = 5;
    bool reread = false;
    bn_load_options o = bn_load_options_default();
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--repeat") && i + 1 < argc) {
            repeat = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
            o.kernel_format = bn_format_from_name(argv[++i]);
            if (o.kernel_format < 0 || o.kernel_format > BN_FORMAT_TL2) {
                fprintf(stderr, "bitnet load: unknown ternary format '%s' (i2s, qk256, tl1, tl2)\n", argv[i]);
                return 1;
            }
        } else if (!strcmp(argv[i], "--head") && i + 1 < argc) {
            o.head_format = bn_format_from_name(argv[++i]);
            if (o.head_format != BN_FORMAT_F16 && o.head_format != BN_FORMAT_F32 &&
                o.head_format != BN_FORMAT_Q8) {
                fprintf(stderr, "bitnet load: --head must be f16, f32 or q8, got '%s'\n", argv[i]);
                return 1;
            }
        } else if (!strcmp(argv[i], "--permissive")) {
            o.mode = BN_LOAD_PERMISSIVE;
        } else if (!strcmp(argv[i], "--no-prefault")) {
            o.prefault = false;
        } else if (!strcmp(argv[i], "--reread")) {
            reread = true;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            path = NULL;
            break;
        }
    }
    if (!path || repeat < 1 || repeat > 1000) {
        fprintf(stderr,
                "usage: bitnet load FILE [--repeat N] [--format i2s|qk256|tl1|tl2] [--head f16|f32|q8] "
                "[--permissive] [--no-prefault] [--reread]\n");
        return 1;
    }
    if (reread && drop_from_page_cache(path) != 0) return 1;
    double *t = calloc((size_t)repeat, sizeof *t);
    bn_format used = BN_FORMAT_I2S, head = BN_FORMAT_F16;
    size_t owned = 0;
    uint64_t huge = 0, file = 1;
    double *head_s = calloc((size_t)repeat, sizeof *head_s);
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        bn_model *m;
        if (bn_model_load(path, &o, &m) != BN_OK) {
            fprintf(stderr, "bitnet load: %s\n", bn_last_error());
            free(t), free(head_s);
            return 2;
        }
        t[r] = now_s() - t0;
        used = m->format;
        head = m->head_format;
        owned = m->owned_bytes;
        bn_model_info info;
        if (bn_model_describe(m, &info) == BN_OK) huge = info.huge_mapped_bytes, file = info.file_bytes;
        head_s[r] = m->head_convert_seconds;
        bn_model_free(m);
        printf("load %d: %.1f ms", r + 1, 1e3 * t[r]);
        if (head == BN_FORMAT_Q8) printf(" (q8 head conversion %.1f ms)", 1e3 * head_s[r]);
        printf("\n");
    }
    qsort(t, (size_t)repeat, sizeof *t, cmp_double);
    printf("mapped with 2 MiB pages: %.0f of %.0f MiB (%.0f%%)\n", (double)huge / (1 << 20),
           (double)file / (1 << 20), 100.0 * (double)huge / (double)file);
    qsort(head_s, (size_t)repeat, sizeof *head_s, cmp_double);
    printf(
        "%s: format %s, head %s (%zu bytes converted), %d loads: min %.1f ms, median %.1f ms, max %.1f ms\n",
        path, bn_format_name(used), bn_format_name(head), owned, repeat, 1e3 * t[0], 1e3 * t[repeat / 2],
        1e3 * t[repeat - 1]);
    if (head == BN_FORMAT_Q8)
        printf("q8 head conversion: min %.1f ms, median %.1f ms\n", 1e3 * head_s[0],
               1e3 * head_s[repeat / 2]);
    free(t), free(head_s);
    return 0;
}
