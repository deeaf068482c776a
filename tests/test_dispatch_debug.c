/* test_dispatch_debug.c - BN_DISPATCH_DEBUG=1 prints the choice table and returns.
 *
 * The table is printed while the first kernel lookup resolves dispatch (inside its
 * pthread_once); printing through the public describe call would wait on that same once
 * forever.  Criterion runs each test in a fresh process, so the environment set here is
 * what the first lookup sees; the timeout turns a hang into a failure. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bitnet.h"

Test(dispatch_debug, first_lookup_prints_and_returns, .init = cr_redirect_stderr, .timeout = 10.0)
{
    cr_assert_eq(setenv("BN_DISPATCH_DEBUG", "1", 1), 0);
    const bn_kernel *k = NULL;
    cr_assert_eq(bn_kernel_select(BN_FORMAT_I2S, BN_OP_GEMV, &k), BN_OK);
    cr_assert_not_null(k);
    fflush(stderr);

    char printed[16384];
    size_t got = fread(printed, 1, sizeof printed - 1, cr_get_redirected_stderr());
    printed[got] = '\0';
    cr_assert_not_null(strstr(printed, "i2s    gemv     -> "), "no choice table on stderr:\n%s", printed);
    cr_assert_not_null(strstr(printed, bn_kernel_name(k)), "the table does not name the selected %s",
                       bn_kernel_name(k));
}
