/*
 * tokenizer_split.c - the pre-tokenizer splits of byte-level BPE, written by hand as small
 * matchers over code points (no regex library), one per pattern, with the semantics of a
 * backtracking regex engine: alternatives are tried in order, the first that matches at
 * the leftmost position wins, quantifiers are greedy.
 *
 * "llama-bpe" - the Llama 3 pattern (tokenizer.json of Meta-Llama-3, and llama.cpp's
 * LLAMA_VOCAB_PRE_TYPE_LLAMA3), one pass:
 *     (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
 *      ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
 * Every code point starts a match of some alternative, so the pieces are exactly the
 * successive matches.
 *
 * "default" - llama.cpp's split for a gpt2 vocabulary without a known pre key (the default
 * case of the regex switch in llm_tokenizer_bpe, src/llama-vocab.cpp), four patterns applied
 * one after the other; each splits every piece of the previous pass into its matches and
 * the unmatched gaps between them (unicode_regex_split in src/unicode.cpp):
 *     1. [\p{P}\$\+<=>\^~\|]+
 *     2. 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)
 *     3. \p{N}+
 *     4. [0-9][0-9][0-9]
 * Pass 1 isolates punctuation runs (ASCII symbols $+<=>^~| included, the backtick not), so
 * the contractions of pass 2 never see their apostrophe; pass 4 cuts ASCII digit runs into
 * threes from the left.  docs/tokenizers.md has worked examples.
 */
#include "model/tokenizer_internal.h"
#include "model/unicode.h"

static bool is_crlf(uint32_t c) { return c == '\r' || c == '\n'; }
/* [^\s\p{L}\p{N}] */
static bool is_other(uint8_t cl) { return cl == BN_UCLASS_PUNCT || cl == BN_UCLASS_OTHER; }

/* The length of the \s run at i. */
static size_t space_run(const uint8_t *cls, size_t i, size_t n)
{
    size_t e = i;
    while (e < n && cls[e] == BN_UCLASS_SPACE) e++;
    return e - i;
}

/* The match of the Llama 3 pattern at i (i < n); always >= 1. */
static size_t llama3_match(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n)
{
    /* (?i:'s|'t|'re|'ve|'m|'ll|'d): case-insensitive, so U+017F LONG S counts as 's' */
    if (cp[i] == '\'' && i + 1 < n) {
        char a = bn_unicode_fold_ascii(cp[i + 1]);
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
        if (i + 2 < n) {
            char b = bn_unicode_fold_ascii(cp[i + 2]);
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
        }
    }
    /* [^\r\n\p{L}\p{N}]?\p{L}+ */
    size_t j = i;
    if (cl[i] != BN_UCLASS_LETTER && cl[i] != BN_UCLASS_NUMBER && !is_crlf(cp[i]) && i + 1 < n &&
        cl[i + 1] == BN_UCLASS_LETTER)
        j = i + 1;
    if (cl[j] == BN_UCLASS_LETTER) {
        while (j < n && cl[j] == BN_UCLASS_LETTER) j++;
        return j - i;
    }
    /* \p{N}{1,3} */
    if (cl[i] == BN_UCLASS_NUMBER) {
        j = i;
        while (j < n && j - i < 3 && cl[j] == BN_UCLASS_NUMBER) j++;
        return j - i;
    }
    /* ' ?[^\s\p{L}\p{N}]+[\r\n]*' */
    j = i;
    if (cp[i] == ' ' && i + 1 < n && is_other(cl[i + 1])) j = i + 1;
    if (is_other(cl[j])) {
        while (j < n && is_other(cl[j])) j++;
        while (j < n && is_crlf(cp[j])) j++;
        return j - i;
    }
    /* Only \s is left: cl[i] is SPACE. */
    size_t run = space_run(cl, i, n);
    /* \s*[\r\n]+ : \s* backtracks to the last \r or \n of the run, [\r\n]+ takes it */
    for (size_t k = run; k-- > 0;)
        if (is_crlf(cp[i + k])) return k + 1;
    /* \s+(?!\S) : the whole run at the end of the text, else all but its last space */
    if (i + run == n || run > 1) return i + run == n ? run : run - 1;
    /* \s+ */
    return run;
}

/* Pass 1 of the default split: [\p{P}\$\+<=>\^~\|]+ ; 0 if no match at i. */
static size_t punct_match(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n)
{
    size_t j = i;
    while (j < n && (cl[j] == BN_UCLASS_PUNCT || cp[j] == '$' || cp[j] == '+' || cp[j] == '<' ||
                     cp[j] == '=' || cp[j] == '>' || cp[j] == '^' || cp[j] == '~' || cp[j] == '|'))
        j++;
    return j - i;
}

/* ' ?' followed by a run of code points of class test: the match length at i, or 0. */
static size_t space_then_run(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n, bool (*test)(uint8_t))
{
    size_t j = i;
    if (cp[i] == ' ' && i + 1 < n && test(cl[i + 1])) j = i + 1;
    if (!test(cl[j])) return 0;
    while (j < n && test(cl[j])) j++;
    return j - i;
}

static bool is_letter(uint8_t cl) { return cl == BN_UCLASS_LETTER; }
static bool is_number(uint8_t cl) { return cl == BN_UCLASS_NUMBER; }

/* Pass 2: the GPT-2 pattern (case-sensitive contractions); 0 if no match at i. */
static size_t gpt2_match(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n)
{
    if (cp[i] == '\'' && i + 1 < n) {
        uint32_t a = cp[i + 1];
        if (a == 's' || a == 't' || a == 'm' || a == 'd') return 2;
        if (i + 2 < n) {
            uint32_t b = cp[i + 2];
            if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return 3;
        }
    }
    size_t k;
    if ((k = space_then_run(cp, cl, i, n, is_letter))) return k;
    if ((k = space_then_run(cp, cl, i, n, is_number))) return k;
    if ((k = space_then_run(cp, cl, i, n, is_other))) return k;
    /* \s+(?!\S) ; a single space before a non-space is left unmatched, a piece of its own */
    size_t run = space_run(cl, i, n);
    if (run == 0) return 0;
    if (i + run == n) return run;
    return run - 1;
}

/* Pass 3: \p{N}+ */
static size_t number_match(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n)
{
    (void)cp;
    size_t j = i;
    while (j < n && cl[j] == BN_UCLASS_NUMBER) j++;
    return j - i;
}

/* Pass 4: [0-9][0-9][0-9] */
static size_t digits3_match(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n)
{
    (void)cl;
    if (i + 3 > n) return 0;
    for (size_t k = 0; k < 3; k++)
        if (cp[i + k] < '0' || cp[i + k] > '9') return 0;
    return 3;
}

typedef size_t (*matcher)(const uint32_t *cp, const uint8_t *cl, size_t i, size_t n);

/* One pattern over every piece of the previous passes: each match becomes a piece, and so
 * does every gap between matches. */
static void refine(matcher match, const uint32_t *cp, const uint8_t *cl, size_t n, uint8_t *cut)
{
    for (size_t start = 0; start < n;) {
        size_t end = start + 1;
        while (end < n && !cut[end]) end++;
        /* Matching sees only [start, end): the piece is the whole subject string. */
        for (size_t i = start; i < end;) {
            size_t k = match(cp + start, cl + start, i - start, end - start);
            if (k == 0) {
                i++;
                continue;
            }
            cut[i] = 1;
            cut[i + k] = 1;
            i += k;
        }
        start = end;
    }
    cut[0] = 0;
    cut[n] = 0;
}

void bn_split_cps(bn_split split, const uint32_t *cps, const uint8_t *cls, size_t n, uint8_t *cut)
{
    if (split == BN_SPLIT_LLAMA3) {
        for (size_t i = 0; i < n;) {
            i += llama3_match(cps, cls, i, n);
            if (i < n) cut[i] = 1;
        }
        return;
    }
    if (split == BN_SPLIT_DEFAULT) {
        static const matcher passes[] = {punct_match, gpt2_match, number_match, digits3_match};
        for (size_t p = 0; p < sizeof passes / sizeof passes[0]; p++) refine(passes[p], cps, cls, n, cut);
    }
}
