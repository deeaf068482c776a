/* test_sampler.c - next-token selection: greedy, top-k, penalties, seeds, distribution. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "bitnet.h"

static bn_sampler *make(size_t vocab, float temp, int top_k, float top_p, float min_p, float penalty,
                        uint64_t seed)
{
    bn_sampler_params p;
    bn_sampler_params_default(&p);
    p.temperature = temp, p.top_k = top_k, p.top_p = top_p, p.min_p = min_p, p.repeat_penalty = penalty;
    p.seed = seed;
    bn_sampler *s = NULL;
    cr_assert_eq(bn_sampler_new(vocab, &p, &s), BN_OK, "%s", bn_last_error());
    return s;
}

Test(sampler, greedy_picks_the_argmax_lowest_id_on_ties)
{
    float logits[6] = {0.5f, 3.0f, -1.0f, 3.0f, 2.9f, 0.0f};
    bn_sampler *s = make(6, 0.0f, 0, 1.0f, 0.0f, 1.0f, 1);
    cr_assert_eq(bn_sampler_sample(s, logits), 1);
    bn_sampler_free(s);
}

Test(sampler, top_k_one_is_greedy_at_any_temperature)
{
    float logits[5] = {0.1f, 0.2f, 5.0f, 0.3f, 0.4f};
    bn_sampler *s = make(5, 2.0f, 1, 1.0f, 0.0f, 1.0f, 7);
    for (int i = 0; i < 50; i++) cr_assert_eq(bn_sampler_sample(s, logits), 2);
    bn_sampler_free(s);
}

Test(sampler, repetition_penalty_pushes_a_seen_token_below_the_next)
{
    float logits[3] = {2.0f, 1.9f, -5.0f};
    bn_sampler *s = make(3, 0.0f, 0, 1.0f, 0.0f, 1.5f, 1);
    cr_assert_eq(bn_sampler_sample(s, logits), 0);
    bn_sampler_accept(s, 0);
    bn_sampler_accept(s, 0); /* seen twice: penalised once (2.0 / 1.5 = 1.33 < 1.9) */
    cr_assert_eq(bn_sampler_sample(s, logits), 1);
    bn_sampler_reset(s);
    cr_assert_eq(bn_sampler_sample(s, logits), 0);
    bn_sampler_free(s);
}

Test(sampler, same_seed_same_sequence_other_seed_differs)
{
    float logits[64];
    for (int i = 0; i < 64; i++) logits[i] = (float)(i % 7) * 0.1f;
    bn_sampler *a = make(64, 1.0f, 0, 1.0f, 0.0f, 1.0f, 42), *b = make(64, 1.0f, 0, 1.0f, 0.0f, 1.0f, 42);
    bn_sampler *c = make(64, 1.0f, 0, 1.0f, 0.0f, 1.0f, 43);
    int differ = 0;
    for (int i = 0; i < 100; i++) {
        int32_t x = bn_sampler_sample(a, logits), y = bn_sampler_sample(b, logits),
                z = bn_sampler_sample(c, logits);
        cr_assert_eq(x, y);
        differ += x != z;
    }
    cr_assert_gt(differ, 0);
    bn_sampler_free(a), bn_sampler_free(b), bn_sampler_free(c);
}

Test(sampler, frequencies_follow_the_softmax)
{
    /* Two tokens with logits differing by ln 3 at temperature 1: expect a 3:1 split. */
    float logits[4] = {logf(3.0f), 0.0f, -40.0f, -40.0f};
    bn_sampler *s = make(4, 1.0f, 0, 1.0f, 0.0f, 1.0f, 99);
    int count[4] = {0};
    for (int i = 0; i < 40000; i++) count[bn_sampler_sample(s, logits)]++;
    cr_assert_eq(count[2] + count[3], 0);
    double ratio = (double)count[0] / count[1];
    cr_assert(fabs(ratio - 3.0) < 0.15, "ratio %f", ratio);
    bn_sampler_free(s);
}

Test(sampler, top_p_and_min_p_cut_the_tail)
{
    /* p = {0.6, 0.3, 0.1}: top_p 0.5 keeps only the first; min_p 0.4 drops p < 0.24. */
    float logits[3] = {logf(0.6f), logf(0.3f), logf(0.1f)};
    bn_sampler *s = make(3, 1.0f, 0, 0.5f, 0.0f, 1.0f, 5);
    for (int i = 0; i < 200; i++) cr_assert_eq(bn_sampler_sample(s, logits), 0);
    bn_sampler_free(s);
    s = make(3, 1.0f, 0, 1.0f, 0.4f, 1.0f, 5);
    int seen[3] = {0};
    for (int i = 0; i < 2000; i++) seen[bn_sampler_sample(s, logits)]++;
    cr_assert(seen[0] > 0 && seen[1] > 0);
    cr_assert_eq(seen[2], 0);
    bn_sampler_free(s);
}

Test(sampler, rejects_bad_parameters_with_a_message)
{
    bn_sampler_params p;
    bn_sampler_params_default(&p);
    p.top_p = 0.0f;
    bn_sampler *s = NULL;
    cr_assert_eq(bn_sampler_new(10, &p, &s), BN_E_INVALID_ARGUMENT);
    cr_assert(strstr(bn_last_error(), "top_p") != NULL);
    cr_assert_null(s);
}

Test(chat, formats_the_2b4t_template)
{
    bn_chat_message msgs[] = {{"user", "  What is 2+2? Answer with only the number. "}};
    char buf[256];
    size_t need = bn_chat_format(msgs, 1, 1, buf, sizeof buf);
    cr_assert_str_eq(buf, "User: What is 2+2? Answer with only the number.<|eot_id|>Assistant: ");
    cr_assert_eq(need, strlen(buf) + 1);
    char small[8];
    cr_assert_eq(bn_chat_format(msgs, 1, 1, small, sizeof small), need);
    cr_assert_str_eq(small, "User: W");
}

#include "model/tokenizer.h"

Test(utf8_stream, invalid_lead_bytes_become_replacement_characters)
{
    /* 0xF6 and 0x80 can never start a character: each becomes U+FFFD (this once looped). */
    bn_utf8_stream s = {{0}, 0};
    char out[64];
    size_t n = bn_utf8_stream_feed(&s,
                                   "\xF6"
                                   "a\x80"
                                   "b",
                                   4, out, sizeof out);
    cr_assert_eq(n, 8);
    cr_assert_eq(memcmp(out,
                        "\xEF\xBF\xBD"
                        "a"
                        "\xEF\xBF\xBD"
                        "b",
                        8),
                 0);
    cr_assert_eq(bn_utf8_stream_flush(&s, out, sizeof out), 0);
}
