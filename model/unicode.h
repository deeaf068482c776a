/*
 * unicode.h - the Unicode facts the tokenizers need, from tables generated out of the
 * Unicode Character Database (model/unicode_tables.c, tools/gen-unicode-tables).
 *
 * One class per code point is enough for the pre-tokenizer patterns: \p{L}, \p{N}, \p{P}
 * and \s (White_Space) never overlap.
 */
#ifndef BN_MODEL_UNICODE_H
#define BN_MODEL_UNICODE_H

#include <stddef.h>
#include <stdint.h>

typedef enum bn_uclass {
    BN_UCLASS_OTHER = 0, /* marks, symbols, controls that are not White_Space, unassigned */
    BN_UCLASS_LETTER = 1, /* general category L* */
    BN_UCLASS_NUMBER = 2, /* N* */
    BN_UCLASS_PUNCT = 3, /* P* */
    BN_UCLASS_SPACE = 4, /* White_Space (PropList.txt): the \s of the regex engines */
} bn_uclass;

typedef struct bn_unicode_fold {
    uint32_t cp;
    char ascii; /* the lower-case ASCII letter cp folds to */
} bn_unicode_fold;

extern const char bn_unicode_version[];
extern const uint8_t bn_unicode_latin1_class[256];
extern const uint32_t bn_unicode_class_runs[];
extern const size_t bn_unicode_class_run_count;
extern const bn_unicode_fold bn_unicode_ascii_folds[];
extern const size_t bn_unicode_ascii_fold_count;

/* The class of a code point (OTHER beyond U+10FFFF). */
bn_uclass bn_unicode_class(uint32_t cp);
/* The lower-case ASCII letter cp folds to under simple case folding, or 0. */
char bn_unicode_fold_ascii(uint32_t cp);

#endif /* BN_MODEL_UNICODE_H */
