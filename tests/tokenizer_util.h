/*
 * tokenizer_util.h - helpers of the tokenizer tests: the shared test data (located from the
 * repository root), the vocabularies, and the test-vector files (.jsonl, .inp/.out).
 */
#ifndef BN_TESTS_TOKENIZER_UTIL_H
#define BN_TESTS_TOKENIZER_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/tokenizer.h"

/* "<repo>/../shared/data/<rel>" ($BN_SHARED_DATA/<rel> if set), where <repo> is found from
 * the test binary's path (build/<variant>/bin/unit-tests); a fatal, clear test failure if
 * the file is not there.  Returns a malloc'd path. */
char *bn_tok_data_path(const char *rel);

bn_vocab *bn_tok_load_llama3(void); /* tokenizer.json */
bn_vocab *bn_tok_load_llama2(void); /* ggml-vocab-llama-spm.gguf */
bn_vocab *bn_tok_load_tinystories(void); /* tokenizer.bin */

typedef struct bn_tok_case {
    char *text;
    size_t len;
    int32_t *ids;
    size_t n;
} bn_tok_case;

/* {"text": ..., "ids": [...]} per line. */
size_t bn_tok_read_jsonl(const char *rel, bn_tok_case **cases);
/* llama.cpp's .inp (tests separated by "\n__ggml_vocab_test__\n") and .out (" id id" lines). */
size_t bn_tok_read_inp_out(const char *rel_inp, const char *rel_out, bn_tok_case **cases);
void bn_tok_free_cases(bn_tok_case *cases, size_t n);

/* Tokenize every case and compare; prints each mismatch (up to a limit) and returns how
 * many cases differ. */
size_t bn_tok_check_cases(const bn_vocab *v, const bn_tok_case *cases, size_t n, bool add_bos, bool special,
                          const char *label);

#endif /* BN_TESTS_TOKENIZER_UTIL_H */
