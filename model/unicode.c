/*
 * unicode.c - lookups in the generated Unicode tables (model/unicode_tables.c).
 */
#include "model/unicode.h"

bn_uclass bn_unicode_class(uint32_t cp)
{
    if (cp < 256) return (bn_uclass)bn_unicode_latin1_class[cp];
    if (cp > 0x10FFFF) return BN_UCLASS_OTHER;
    /* The last run starting at or before cp. */
    size_t lo = 0, hi = bn_unicode_class_run_count;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if ((bn_unicode_class_runs[mid] >> 3) <= cp)
            lo = mid;
        else
            hi = mid;
    }
    return (bn_uclass)(bn_unicode_class_runs[lo] & 7);
}

char bn_unicode_fold_ascii(uint32_t cp)
{
    if (cp >= 'a' && cp <= 'z') return (char)cp;
    for (size_t i = 0; i < bn_unicode_ascii_fold_count; i++)
        if (bn_unicode_ascii_folds[i].cp == cp) return bn_unicode_ascii_folds[i].ascii;
    return 0;
}
