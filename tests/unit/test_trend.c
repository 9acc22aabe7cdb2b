/* SPDX-License-Identifier: MIT */
/* test_trend.c: daily peaks and the time-remaining fit (model/trend.c, doc/forecast.md)
 * against what generated series imply and a long-double reference of the least-squares
 * line (the textbook uncentred formulas, a different computation from trend.c's). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "trend.h"

/* Reference OLS: b = (n Sxy - Sx Sy) / (n Sxx - Sx^2), in long double. */
static long double ref_slope(const uint64_t *x, const uint64_t *y, size_t n)
{
    long double sx = 0, sy = 0, sxx = 0, sxy = 0, nn = (long double)n;

    for (size_t i = 0; i < n; i++) {
        sx += (long double)x[i];
        sy += (long double)y[i];
        sxx += (long double)x[i] * (long double)x[i];
        sxy += (long double)x[i] * (long double)y[i];
    }
    return (nn * sxy - sx * sy) / (nn * sxx - sx * sx);
}

static void fit(const uint64_t *y, size_t n, uint64_t cap, kc_trend *t)
{
    uint64_t day[400];
    kc_trend_opts o;

    cr_assert_leq(n, 400);
    for (size_t i = 0; i < n; i++)
        day[i] = 20000 + i;
    kc_trend_opts_init(&o);
    kc_trend_fit(day, y, n, cap, &o, t);
}

Test(trend, exact_line_gives_the_days_the_generator_implies)
{
    /* 30 days of memory growing 512 MiB a day from 100 GiB; capacity 200 GiB */
    uint64_t y[30], cap = 200ull << 20;
    kc_trend t;

    for (size_t i = 0; i < 30; i++)
        y[i] = (100ull << 20) + i * (512ull << 10);
    fit(y, 30, cap, &t);
    cr_assert_eq(t.status, KC_TREND_FULL);
    /* now = 100 GiB + 29 x 0.5 GiB = 114.5 GiB: 85.5 GiB / 0.5 GiB = 171 days, exactly */
    cr_expect_eq(t.days, 171u);
    cr_expect_eq(t.days_conservative, 171u); /* no residuals: no band */
    cr_expect(fabs(t.growth_per_day - 512.0 * 1024) < 1e-6);
    cr_expect_eq(t.demand_now, y[29]);
}

Test(trend, noisy_line_within_ten_percent_and_band_earlier)
{
    uint64_t y[60], day[60], cap = 5000000;
    kc_trend t;
    kc_trend_opts o;
    unsigned s = 12345;
    long double b;
    double implied;

    /* y = 1e6 + 20000 d + noise in [-50000, 50000] (a fixed LCG: deterministic) */
    for (size_t i = 0; i < 60; i++) {
        s = s * 1103515245u + 12345u;
        day[i] = 19000 + i;
        y[i] = 1000000 + 20000 * i + (s >> 8) % 100001 - 50000;
    }
    kc_trend_opts_init(&o);
    kc_trend_fit(day, y, 60, cap, &o, &t);
    b = ref_slope(day, y, 60);
    cr_expect(fabsl((long double)t.growth_per_day - b) < 1e-6L * fabsl(b), "slope %g vs %Lg",
              t.growth_per_day, b);
    implied = (double)(cap - (1000000 + 20000 * 59)) / 20000.0; /* 140.5 days */
    cr_assert_eq(t.status, KC_TREND_FULL);
    cr_expect(fabs((double)t.days - implied) <= 0.1 * implied, "days %u vs %g", t.days, implied);
    cr_expect_lt(t.days_conservative, t.days);
    cr_expect_gt(t.band, 0.0);
}

Test(trend, flat_and_falling_are_not_within_the_horizon)
{
    uint64_t y[20];
    kc_trend t;

    for (size_t i = 0; i < 20; i++)
        y[i] = 1000;
    fit(y, 20, 2000, &t);
    cr_expect_eq(t.status, KC_TREND_NONE_SEEN);
    cr_expect_eq(t.days, UINT32_MAX);
    for (size_t i = 0; i < 20; i++)
        y[i] = 1900 - 10 * i;
    fit(y, 20, 2000, &t);
    cr_expect_eq(t.status, KC_TREND_NONE_SEEN);
    cr_expect_lt(t.growth_per_day, 0.0);
    cr_expect_eq(t.days, UINT32_MAX);
    cr_expect_eq(t.days_conservative, UINT32_MAX);
}

Test(trend, rising_too_slowly_is_beyond_the_horizon)
{
    uint64_t y[10];
    kc_trend t;

    for (size_t i = 0; i < 10; i++)
        y[i] = 1000 + i; /* 1 a day: 990 days to 2000 > 365 */
    fit(y, 10, 2000, &t);
    cr_expect_eq(t.status, KC_TREND_NONE_SEEN);
    cr_expect_eq(t.days, UINT32_MAX);
}

Test(trend, too_short_one_day_and_empty)
{
    uint64_t y[6] = {1, 2, 3, 4, 5, 6};
    kc_trend t;

    fit(y, 6, 100, &t);
    cr_expect_eq(t.status, KC_TREND_SHORT);
    fit(y, 1, 100, &t);
    cr_expect_eq(t.status, KC_TREND_SHORT);
    cr_expect_eq(t.days_history, 1u);
    fit(y, 0, 100, &t);
    cr_expect_eq(t.status, KC_TREND_SHORT);
    cr_expect_eq(t.days_history, 0u);
}

Test(trend, already_over_capacity_is_zero_days)
{
    uint64_t y[10];
    kc_trend t;

    for (size_t i = 0; i < 10; i++)
        y[i] = 90 + 2 * i; /* latest 108 */
    fit(y, 10, 100, &t);
    cr_expect_eq(t.status, KC_TREND_OVER);
    cr_expect_eq(t.days, 0u);
    cr_expect_eq(t.days_conservative, 0u);
    fit(y, 2, 90, &t); /* over, even with too little history to fit */
    cr_expect_eq(t.status, KC_TREND_OVER);
}

Test(trend, huge_values_do_not_overflow)
{
    uint64_t y[30], cap = UINT64_MAX - 1;
    kc_trend t;

    /* from 2^63 rising 2^56 a day: (2^64 - 2^63 - 29 x 2^56) / 2^56 = 128 - 29 = 99 days */
    for (size_t i = 0; i < 30; i++)
        y[i] = (1ull << 63) + i * (1ull << 56);
    fit(y, 30, cap, &t);
    cr_assert_eq(t.status, KC_TREND_FULL);
    cr_expect(t.days >= 98 && t.days <= 99, "days %u", t.days);
    cr_expect(isfinite(t.band));
}

Test(trend, daily_peaks_take_the_max_per_utc_day_unsorted_with_gaps)
{
    uint64_t ts[7] = {3 * 86400 + 5, 86400 + 10, 86400 + 86399, 3 * 86400 + 7, 0, 5, 86400};
    uint64_t v[7] = {7, 4, 9, 8, KC_TREND_NONE, 3, 2};
    uint64_t day[7], peak[7];
    size_t m = kc_trend_daily_peaks(ts, v, 7, day, peak);

    cr_assert_eq(m, 3u);
    cr_expect_eq(day[0], 0u);
    cr_expect_eq(peak[0], 3u);
    cr_expect_eq(day[1], 1u);
    cr_expect_eq(peak[1], 9u);
    cr_expect_eq(day[2], 3u);
    cr_expect_eq(peak[2], 8u);
}

Test(trend, t_table_decreases_to_the_normal)
{
    cr_expect(fabs(kc_trend_t975(1) - 12.706) < 1e-9);
    cr_expect(fabs(kc_trend_t975(28) - 2.048) < 1e-9);
    for (size_t d = 1; d < 200; d++)
        cr_expect_geq(kc_trend_t975(d), kc_trend_t975(d + 1), "dof %zu", d);
    cr_expect_gt(kc_trend_t975(1000), 1.959);
}
