/*
 * test_cli.c - `bitnet inspect` and `bitnet gen`: output and exit status on good, permissive-
 * only, unloadable and malformed files (the subcommand functions, stdout captured).
 */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixtures/gen/gen.h"
#include "tests/gguf_util.h"
#include "tools/cli/cli.h"

typedef struct run {
    int status;
    char out[1 << 16];
    char err[4096];
} run;

static void read_back(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
    unlink(path);
}

/* Run a subcommand with stdout and stderr captured into files. */
static void run_cli(int (*cmd)(int, char **), int argc, char **argv, run *r)
{
    char out[] = "/tmp/bn-cli-out-XXXXXX", err[] = "/tmp/bn-cli-err-XXXXXX";
    int fo = mkstemp(out), fe = mkstemp(err);
    cr_assert(fo >= 0 && fe >= 0);
    fflush(stdout);
    fflush(stderr);
    int so = dup(1), se = dup(2);
    dup2(fo, 1);
    dup2(fe, 2);
    r->status = cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so), close(se), close(fo), close(fe);
    read_back(out, r->out, sizeof r->out);
    read_back(err, r->err, sizeof r->err);
}

static void write_file(const char *path, const bn_test_file *f)
{
    FILE *o = fopen(path, "wb");
    cr_assert_not_null(o);
    cr_assert_eq(fwrite(f->data, 1, f->size, o), f->size);
    fclose(o);
}

static run *inspect(const char *path, bool json)
{
    static run r;
    char *argv[3] = {"inspect", (char *)path, "--json"};
    run_cli(bn_cli_inspect, json ? 3 : 2, argv, &r);
    return &r;
}

Test(cli, inspect_good_model_text_and_json)
{
    char path[] = "/tmp/bn-cli-model-XXXXXX";
    close(mkstemp(path));
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    cr_assert_eq(bn_synth_write_file(&s, path), BN_OK);
    run *r = inspect(path, false);
    cr_assert_eq(r->status, 0, "stderr: %s", r->err);
    cr_assert(strstr(r->out, "architecture: bitnet-b1.58"), "%s", r->out);
    cr_assert(strstr(r->out, "tensors (24: 14 I2_S, 9 F32, 1 F16)"), "%s", r->out);
    cr_assert(strstr(r->out, "metadata (19 keys)"), "%s", r->out);
    cr_assert(strstr(r->out, "pre-tokenizer split: spm"), "%s", r->out);
    cr_assert(strstr(r->out, "blk.1.ffn_down.weight            I2_S   {384, 256}"), "%s", r->out);
    cr_assert(strstr(r->out, "strict:    ok (0 warnings)"), "%s", r->out);
    r = inspect(path, true);
    cr_assert_eq(r->status, 0);
    json_error_t err;
    json_t *j = json_loads(r->out, 0, &err);
    cr_assert_not_null(j, "invalid JSON: %s", err.text);
    cr_assert_eq(json_integer_value(json_object_get(j, "tensor_count")), 24);
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(j, "tensor_types"), "I2_S")), 14);
    cr_assert_eq(json_array_size(json_object_get(j, "metadata")), 19);
    cr_assert(
        json_is_true(json_object_get(json_object_get(json_object_get(j, "validation"), "strict"), "ok")));
    json_decref(j);
    unlink(path);
}

Test(cli, inspect_exit_status_per_verdict)
{
    char path[] = "/tmp/bn-cli-bad-XXXXXX";
    close(mkstemp(path));
    /* 3: loads only in permissive mode (a leftover tensor) */
    bn_gen *gen;
    cr_assert_eq(bn_gen_create(&gen), BN_OK);
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET);
    cr_assert_eq(bn_synth_build(&s, gen), BN_OK);
    cr_assert_eq(bn_gen_f32_const(gen, "extra.weight", 8, 1.0f), BN_OK);
    cr_assert_eq(bn_gguf_writer_write_file(bn_gen_writer(gen), path), BN_OK);
    bn_gen_free(gen);
    run *r = inspect(path, false);
    cr_assert_eq(r->status, 3, "out: %s", r->out);
    cr_assert(strstr(r->out, "warning: unexpected tensor 'extra.weight' ignored"), "%s", r->out);
    cr_assert(strstr(r->err, "unexpected tensor(s)"), "%s", r->err);
    /* 2: a valid container that is not a model (wrong architecture) */
    bn_test_file f = bn_test_small_file();
    write_file(path, &f);
    r = inspect(path, false);
    cr_assert_eq(r->status, 2);
    cr_assert(strstr(r->out, "strict:    FAILED: "), "%s", r->out);
    cr_assert(strstr(r->err, "general.architecture' is missing"), "%s", r->err);
    /* 1: a malformed container, the reader's error on stderr */
    f.data[0] = 'X';
    write_file(path, &f);
    r = inspect(path, false);
    cr_assert_eq(r->status, 1);
    cr_assert(strstr(r->err, "bad magic at byte 0"), "%s", r->err);
    free(f.data);
    /* 0: a vocabulary-only file is valid */
    char vocab[512];
    snprintf(vocab, sizeof vocab, "%s/llama2-tokenizer/ggml-vocab-llama-spm.gguf", bn_test_shared_data());
    r = inspect(vocab, false);
    cr_assert_eq(r->status, 0);
    cr_assert(strstr(r->out, "tokenizer: model llama, 32000 tokens, 0 merges, BOS 1 \"<s>\", EOS 2 \"</s>\""),
              "%s", r->out);
    unlink(path);
}

Test(cli, gen_refuses_inconsistent_shapes)
{
    char *argv[6] = {"gen", "tiny", "/tmp/bn-never-written.gguf", "--heads", "3", NULL};
    run r;
    run_cli(bn_cli_gen, 5, argv, &r);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, "inconsistent shape"), "%s", r.err);
    cr_assert_neq(access("/tmp/bn-never-written.gguf", F_OK), 0);
}

/* `bitnet load --reread` drops the file from the page cache and loads it; the report says how
 * much the kernel mapped with 2 MiB pages; a missing file is refused naming it. */
Test(cli, load_reread_reports_the_huge_page_share)
{
    char path[] = "/tmp/bn-cli-load-XXXXXX";
    close(mkstemp(path));
    bn_synth_spec s = bn_synth_default(BN_ARCH_BITNET_B158);
    cr_assert_eq(bn_synth_write_file(&s, path), BN_OK);
    char *argv[5] = {"load", path, "--reread", "--repeat", "2"};
    run r;
    run_cli(bn_cli_load, 5, argv, &r);
    cr_assert_eq(r.status, 0, "%s", r.err);
    cr_assert(strstr(r.out, "mapped with 2 MiB pages: "), "%s", r.out);
    cr_assert(strstr(r.out, "2 loads: min"), "%s", r.out);
    unlink(path);
    run_cli(bn_cli_load, 3, argv, &r);
    cr_assert_eq(r.status, 1);
    cr_assert(strstr(r.err, path) && strstr(r.err, "cannot drop from the page cache"), "%s", r.err);
}
