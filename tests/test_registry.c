/*
 * test_registry.c - invariants of the kernel registry and the preference lists that the
 * compiler cannot check: unique names, names that match their fields, every kernel in its
 * preference list, a scalar kernel in every slot under every cap, TL layout agreement.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "dispatch/dispatch.h"

/* bn_<fmt>_<op>[_<tile>]__<isa>[_<variant>]: the tokens must be the entry's fields. */
static void expect_name_matches_fields(const struct bn_kernel *k)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "bn_%s_%s", bn_format_name(k->format), bn_op_name(k->op));
    size_t n = strlen(prefix);
    cr_expect(strncmp(k->name, prefix, n) == 0 && (k->name[n] == '_'), "%s does not start with %s_", k->name,
              prefix);
    const char *how = strstr(k->name, "__");
    cr_assert_not_null(how, "%s has no __<isa>", k->name);
    char isa[32];
    size_t len = strcspn(how + 2, "_");
    cr_assert_lt(len, sizeof isa);
    memcpy(isa, how + 2, len);
    isa[len] = '\0';
    cr_expect_str_eq(isa, bn_isa_name(k->isa), "%s: ISA token vs field", k->name);
}

static bool in_list(const char *const *list, const char *name)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(list[i], name) == 0) return true;
    return false;
}

Test(registry, names_unique_and_matching_fields)
{
    size_t count;
    const struct bn_kernel *all = bn_registry_all(&count);
    cr_assert_gt(count, 0);
    for (size_t i = 0; i < count; i++) {
        expect_name_matches_fields(&all[i]);
        for (size_t j = 0; j < i; j++) cr_expect_str_neq(all[i].name, all[j].name, "duplicate name");
        cr_expect_null(all[i].fn.gemv, "%s: bn_registry_all entries carry no function", all[i].name);
        cr_expect_gt(all[i].k_align, 0, "%s", all[i].name);
        cr_expect(all[i].err_bound == 0.0f || all[i].format == BN_FORMAT_F16,
                  "%s: only float kernels have a bound", all[i].name);
    }
}

Test(registry, build_registry_is_this_architecture_of_the_full_one)
{
    size_t count, all_count, own = 0;
    const struct bn_kernel *reg = bn_registry(&count), *all = bn_registry_all(&all_count);
    cr_expect_eq(bn_kernel_count(), count);
    for (size_t i = 0; i < all_count; i++) own += bn_isa_in_build(all[i].isa);
    cr_expect_eq(own, count);
    for (size_t i = 0; i < count; i++) {
        const struct bn_kernel *twin = bn_registry_all_find(reg[i].name);
        cr_assert_not_null(twin, "%s missing from bn_registry_all", reg[i].name);
        cr_expect(twin->format == reg[i].format && twin->op == reg[i].op && twin->isa == reg[i].isa &&
                      twin->mr == reg[i].mr && twin->nr == reg[i].nr && twin->kr == reg[i].kr &&
                      twin->layout_rows == reg[i].layout_rows && twin->k_align == reg[i].k_align,
                  "%s: fields differ between the two expansions", reg[i].name);
        cr_expect_not_null(reg[i].fn.gemv, "%s has no function", reg[i].name);
        cr_expect(bn_isa_in_build(reg[i].isa));
        cr_expect_eq(bn_kernel_at(i), &reg[i]);
        cr_expect_eq(bn_kernel_id(&reg[i]), i);
        cr_expect_eq(bn_registry_find(reg[i].name), &reg[i]);
    }
    cr_expect_null(bn_kernel_at(count));
    cr_expect_null(bn_registry_find("bn_nothing__scalar"));
    cr_expect_null(bn_registry_all_find(NULL));
}

Test(registry, every_kernel_in_its_preference_list)
{
    size_t count;
    const struct bn_kernel *all = bn_registry_all(&count);
    for (size_t i = 0; i < count; i++)
        cr_expect(in_list(bn_preferences(all[i].format, all[i].op), all[i].name),
                  "%s is in no preference list of (%s, %s)", all[i].name, bn_format_name(all[i].format),
                  bn_op_name(all[i].op));
    /* and every name in a list is a kernel of that slot (no typos, no misplaced names) */
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        for (int op = 0; op < BN_OP_COUNT; op++) {
            const char *const *list = bn_preferences((bn_format)f, (bn_op)op);
            cr_expect_eq(list != NULL, bn_format_has_op((bn_format)f, (bn_op)op), "%s %s", bn_format_name(f),
                         bn_op_name(op));
            for (size_t j = 0; list && list[j]; j++) {
                const struct bn_kernel *k = bn_registry_all_find(list[j]);
                cr_expect_not_null(k, "preference list %s %s names unknown kernel %s", bn_format_name(f),
                                   bn_op_name(op), list[j]);
                if (k)
                    cr_expect(k->format == (bn_format)f && k->op == (bn_op)op, "%s in the wrong list",
                              list[j]);
            }
        }
}

Test(registry, every_slot_has_a_scalar_kernel_and_resolves_under_every_cap)
{
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        for (int op = 0; op < BN_OP_COUNT; op++) {
            if (!bn_format_has_op((bn_format)f, (bn_op)op)) continue;
            const char *const *list = bn_preferences((bn_format)f, (bn_op)op);
            bool scalar = false;
            for (size_t j = 0; list && list[j]; j++) {
                const struct bn_kernel *k = bn_registry_find(list[j]);
                scalar |= k && k->isa == BN_ISA_SCALAR;
            }
            cr_expect(scalar, "%s %s has no scalar kernel in this build", bn_format_name(f), bn_op_name(op));
        }
    bn_cpu_features everything = ~(bn_cpu_features)0 >> (64 - BN_CPU_FEATURE_COUNT);
    for (int isa = 0; isa < BN_ISA_COUNT; isa++) {
        if (!bn_isa_in_build((bn_isa)isa)) continue;
        bn_resolution res;
        cr_expect_eq(bn_resolve(everything, bn_isa_name((bn_isa)isa), "", &res), BN_OK, "cap %s: %s",
                     bn_isa_name((bn_isa)isa), bn_last_error());
        cr_expect_eq(bn_resolve(bn_isa_features((bn_isa)isa), "", "", &res), BN_OK, "CPU with only %s: %s",
                     bn_isa_name((bn_isa)isa), bn_last_error());
    }
}

/* The TL GEMM chosen must read the layout the chosen GEMV's weights are packed in. */
Test(registry, tl_gemm_reads_the_gemv_layout)
{
    size_t count;
    const struct bn_kernel *reg = bn_registry(&count);
    bn_cpu_features everything = ~(bn_cpu_features)0 >> (64 - BN_CPU_FEATURE_COUNT);
    for (int isa = 0; isa < BN_ISA_COUNT; isa++) {
        if (!bn_isa_in_build((bn_isa)isa)) continue;
        bn_resolution res;
        cr_assert_eq(bn_resolve(everything, bn_isa_name((bn_isa)isa), "", &res), BN_OK);
        for (int f = BN_FORMAT_TL1; f <= BN_FORMAT_TL2; f++) {
            const struct bn_kernel *gemv = &reg[res.choice[f][BN_OP_GEMV]],
                                   *gemm = &reg[res.choice[f][BN_OP_GEMM]];
            unsigned packed = gemv->layout_rows > 1 ? gemv->layout_rows : 1;
            cr_expect(gemm->layout_rows == 0 || gemm->layout_rows == packed,
                      "cap %s: %s reads layout %u but %s packs %u", bn_isa_name((bn_isa)isa), gemm->name,
                      (unsigned)gemm->layout_rows, gemv->name, packed);
        }
    }
}

Test(registry, lookups_and_selection)
{
    const bn_kernel *k;
    cr_expect_eq(bn_kernel_find("bn_i2s_gemv_1x4__scalar", &k), BN_OK);
    cr_expect_str_eq(bn_kernel_name(k), "bn_i2s_gemv_1x4__scalar");
    cr_expect_eq(bn_kernel_find("bn_i2s_gemv_9x9__scalar", &k), BN_E_NOT_FOUND);
    cr_expect(strstr(bn_last_error(), "bn_i2s_gemv_9x9__scalar") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_kernel_find("x", NULL), BN_E_INVALID_ARGUMENT);
    for (int f = 0; f < BN_FORMAT_COUNT; f++)
        for (int op = 0; op < BN_OP_COUNT; op++) {
            bn_status st = bn_kernel_select((bn_format)f, (bn_op)op, &k);
            if (!bn_format_has_op((bn_format)f, (bn_op)op)) {
                cr_expect_eq(st, BN_E_NOT_FOUND, "%s %s", bn_format_name(f), bn_op_name(op));
                continue;
            }
            cr_assert_eq(st, BN_OK, "%s %s: %s", bn_format_name(f), bn_op_name(op), bn_last_error());
            cr_expect(bn_kernel_format(k) == (bn_format)f && bn_kernel_op(k) == (bn_op)op);
            cr_expect(bn_kernel_usable(k));
        }
    /* Q8 (the int8 head) has exactly quant and gemv, as the loader and the forward pass use */
    for (int op = 0; op < BN_OP_COUNT; op++)
        cr_expect_eq(bn_format_has_op(BN_FORMAT_Q8, (bn_op)op), op == BN_OP_QUANT || op == BN_OP_GEMV,
                     "q8 %s", bn_op_name(op));
    cr_expect_eq(bn_kernel_select(BN_FORMAT_Q8, BN_OP_GEMM, &k), BN_E_NOT_FOUND);
    size_t q8_bytes;
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_Q8, 3, 5, 1, &q8_bytes), BN_OK);
    cr_expect_eq(q8_bytes, 64 + 3 * 4, "15 codes, padding to 64, three row scales");
    cr_expect_eq(bn_weights_bytes(BN_FORMAT_Q8, 3, 5, 2, &q8_bytes), BN_E_INVALID_ARGUMENT);
    cr_expect_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_LUT, &k), BN_E_NOT_FOUND);
    cr_expect(strstr(bn_last_error(), "i2s has no op lut") != NULL, "%s", bn_last_error());
    cr_expect_eq(bn_kernel_select(BN_FORMAT_COUNT, BN_OP_GEMV, &k), BN_E_INVALID_ARGUMENT);
    cr_expect_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMV, NULL), BN_E_INVALID_ARGUMENT);
    cr_expect_eq(bn_kernel_usable(NULL), 0);
}
