/* SPDX-License-Identifier: Apache-2.0 */
/* A tiny TAP producer for the unit tests: each check prints "ok N" or
 * "not ok N" with both operands on failure; the plan is printed at the
 * end from the count, and the exit status says whether all passed. */
#ifndef PCON_TESTS_TAP_H
#define PCON_TESTS_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline void
tap_result(int pass, const char *name)
{
    tap_n++;
    if (!pass)
        tap_failed++;
    printf("%sok %d - %s\n", pass ? "" : "not ", tap_n, name);
}

#define ok(cond, name) tap_result(!!(cond), name)

#define is_int(got, want, name)                                                                    \
    do {                                                                                           \
        long long g_ = (long long) (got), w_ = (long long) (want);                                 \
        tap_result(g_ == w_, name);                                                                \
        if (g_ != w_)                                                                              \
            printf("#   got: %lld\n#  want: %lld\n", g_, w_);                                      \
    } while (0)

#define is_str(got, want, name)                                                                    \
    do {                                                                                           \
        const char *g_ = (got), *w_ = (want);                                                      \
        int p_ = (g_ == NULL && w_ == NULL) || (g_ && w_ && strcmp(g_, w_) == 0);                  \
        tap_result(p_, name);                                                                      \
        if (!p_)                                                                                   \
            printf("#   got: %s\n#  want: %s\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");          \
    } while (0)

static inline int
tap_done(void)
{
    printf("1..%d\n", tap_n);
    return tap_failed ? 1 : 0;
}

#endif
