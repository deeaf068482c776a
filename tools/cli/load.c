/*
 * load.c - `bitnet load FILE [--repeat N] [--format i2s|qk256|tl1|tl2] [--permissive]
 * [--no-prefault]`: load a model the way an application does (map, prefault, validate,
 * convert) N times and print the wall time of each load, its min and median.  This is the
 * measurement behind the load-time figure in docs/gguf.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model/loader.h"
#include "tools/cli/cli.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
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
        } else if (!strcmp(argv[i], "--permissive")) {
            o.mode = BN_LOAD_PERMISSIVE;
        } else if (!strcmp(argv[i], "--no-prefault")) {
            o.prefault = false;
        } else if (!path && argv[i][0] != '-') {
            path = argv[i];
        } else {
            path = NULL;
            break;
        }
    }
    if (!path || repeat < 1 || repeat > 1000) {
        fprintf(stderr, "usage: bitnet load FILE [--repeat N] [--format i2s|qk256|tl1|tl2] [--permissive] "
                        "[--no-prefault]\n");
        return 1;
    }
    double *t = calloc((size_t)repeat, sizeof *t);
    bn_format used = BN_FORMAT_I2S;
    size_t owned = 0;
    for (int r = 0; r < repeat; r++) {
        double t0 = now_s();
        bn_model *m;
        if (bn_model_load(path, &o, &m) != BN_OK) {
            fprintf(stderr, "bitnet load: %s\n", bn_last_error());
            free(t);
            return 2;
        }
        t[r] = now_s() - t0;
        used = m->format;
        owned = m->owned_bytes;
        bn_model_free(m);
        printf("load %d: %.1f ms\n", r + 1, 1e3 * t[r]);
    }
    qsort(t, (size_t)repeat, sizeof *t, cmp_double);
    printf("%s: format %s (%zu bytes converted), %d loads: min %.1f ms, median %.1f ms, max %.1f ms\n", path,
           bn_format_name(used), owned, repeat, 1e3 * t[0], 1e3 * t[repeat / 2], 1e3 * t[repeat - 1]);
    free(t);
    return 0;
}
