/* SPDX-License-Identifier: MIT */
/* test_fmt.c: numbers for people (util/fmt.h): a lower bound rounds down, an upper bound
 * up, a plain figure to nearest; thousands separators; singular and plural. */
#include <criterion/criterion.h>
#include <stdint.h>

#include "util/fmt.h"
#include "helpers.h"

Test(fmt, a_lower_bound_rounds_down)
{
    char buf[32];

    /* "each vCPU gets at least 0.88 of a core": 8/9 = 0.888..., never 0.89 */
    cr_expect_str_eq(kc_fmt_fixed(buf, sizeof(buf), 8, 9, 2, KC_ROUND_DOWN), "0.88");
    cr_expect_str_eq(kc_fmt_fixed(buf, sizeof(buf), 8, 11, 2, KC_ROUND_DOWN), "0.72");
    cr_expect_str_eq(kc_fmt_fixed(buf, sizeof(buf), 1, 2, 2, KC_ROUND_DOWN), "0.50");
}

Test(fmt, an_upper_bound_rounds_up)
{
    char buf[32];

    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 1, 3, 2, KC_ROUND_UP), "0.34");
    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 2, 1, 2, KC_ROUND_UP), "2");
    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 1001, 1000, 2, KC_ROUND_UP), "1.01");
}

Test(fmt, a_plain_figure_rounds_to_nearest_half_up)
{
    char buf[32];

    /* a utilization of 2/3 is 66.67 %, not 66.66 % */
    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 200, 3, 2, KC_ROUND_NEAREST), "66.67");
    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 1, 8, 2, KC_ROUND_NEAREST), "0.13");
    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 1250, 100, 2, KC_ROUND_NEAREST), "12.5");
    cr_expect_str_eq(kc_fmt_fixed(buf, sizeof(buf), 5000, 100, 2, KC_ROUND_NEAREST), "50.00");
    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), 5, 0, 2, KC_ROUND_NEAREST), "-");
}

Test(fmt, exact_at_the_edges_of_64_bits)
{
    char buf[40];

    cr_expect_str_eq(kc_fmt_frac(buf, sizeof(buf), UINT64_MAX, 1, 6, KC_ROUND_UP),
                     "18446744073709551615");
    cr_expect_str_eq(kc_fmt_fixed(buf, sizeof(buf), UINT64_MAX, UINT64_MAX - 1, 6,
                                  KC_ROUND_DOWN), "1.000000");
    cr_expect_str_eq(kc_fmt_fixed(buf, sizeof(buf), UINT64_MAX, UINT64_MAX - 1, 6,
                                  KC_ROUND_UP), "1.000001");
}

Test(fmt, thousands_are_grouped)
{
    char buf[32];

    cr_expect_str_eq(kc_fmt_grouped(buf, sizeof(buf), 0), "0");
    cr_expect_str_eq(kc_fmt_grouped(buf, sizeof(buf), 999), "999");
    cr_expect_str_eq(kc_fmt_grouped(buf, sizeof(buf), 1000), "1,000");
    cr_expect_str_eq(kc_fmt_grouped(buf, sizeof(buf), 1234567), "1,234,567");
}

Test(fmt, one_is_singular_everything_else_plural)
{
    char buf[32];

    cr_expect_str_eq(kc_fmt_count(buf, sizeof(buf), 1, "VM", NULL), "1 VM");
    cr_expect_str_eq(kc_fmt_count(buf, sizeof(buf), 0, "VM", NULL), "0 VMs");
    cr_expect_str_eq(kc_fmt_count(buf, sizeof(buf), 3, "vCPU", NULL), "3 vCPUs");
    cr_expect_str_eq(kc_fmt_count(buf, sizeof(buf), 2, "host failure", NULL),
                     "2 host failures");
    cr_expect_str_eq(kc_plural(1, "socket", "sockets"), "socket");
    cr_expect_str_eq(kc_plural(2, "socket", "sockets"), "sockets");
}
