/* SPDX-License-Identifier: MIT */
/* trend.c: daily peaks, an ordinary least-squares line through them, the 95 % prediction
 * band, and the days until each reaches capacity (doc/forecast.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "trend.h"

void kc_trend_opts_init(kc_trend_opts *o)
{
    o->min_days = KC_TREND_MIN_DAYS;
    o->horizon_days = KC_TREND_HORIZON_DAYS;
}

size_t kc_trend_daily_peaks(const uint64_t *t_s, const uint64_t *v, size_t n, uint64_t *day_out,
                            uint64_t *peak_out)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++) {
        uint64_t d = t_s[i] / KC_TREND_DAY_S;
        size_t j;

        if (v[i] == KC_TREND_NONE)
            continue;
        /* insertion into the ascending day list: days are few (one per day of history) */
        for (j = 0; j < m && day_out[j] < d; j++)
            ;
        if (j < m && day_out[j] == d) {
            if (v[i] > peak_out[j])
                peak_out[j] = v[i];
            continue;
        }
        memmove(day_out + j + 1, day_out + j, (m - j) * sizeof *day_out);
        memmove(peak_out + j + 1, peak_out + j, (m - j) * sizeof *peak_out);
        day_out[j] = d;
        peak_out[j] = v[i];
        m++;
    }
    return m;
}

/* Student's t, two-sided 95 % (upper 0.975 quantile), dof 1..30, then 40, 60, 120 and the
 * normal's 1.960: the standard table (NIST/SEMATECH e-Handbook of Statistical Methods,
 * 1.3.6.7.2, "Critical values of the Student's t distribution"). */
static const double t975_small[30] = {
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
};

double kc_trend_t975(size_t dof)
{
    if (dof == 0)
        return INFINITY;
    if (dof <= 30)
        return t975_small[dof - 1];
    if (dof < 40)
        return 2.042;
    if (dof < 60)
        return 2.021;
    if (dof < 120)
        return 2.000;
    return 1.980;
}

double kc_trend_at(const kc_trend *t, double d)
{
    return t->intercept + t->growth_per_day * d;
}

double kc_trend_upper_at(const kc_trend *t, double d)
{
    double g = t->gap + d;
    double n = (double)t->days_history;

    if (t->days_history < 3 || t->sxx <= 0)
        return kc_trend_at(t, d);
    return kc_trend_at(t, d) + t->tq * t->resid_sd * sqrt(1.0 + 1.0 / n + g * g / t->sxx);
}

/* The first whole day d in [0, horizon] at which @f(t, d) >= @cap, else UINT32_MAX. The line
 * and the band's upper edge both rise monotonically for d >= 0 when the slope is positive
 * (the edge's square-root term grows with d too), so a bisection finds it. */
static uint32_t first_day(const kc_trend *t, double (*f)(const kc_trend *, double), double cap,
                          uint32_t horizon)
{
    uint32_t lo = 0, hi = horizon;

    if (f(t, (double)horizon) < cap)
        return UINT32_MAX;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;

        if (f(t, (double)mid) >= cap)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

void kc_trend_fit(const uint64_t *day, const uint64_t *peak, size_t n, uint64_t capacity,
                  const kc_trend_opts *o, kc_trend *out)
{
    double xbar = 0, ybar = 0, sxx = 0, sxy = 0, sse = 0, slope, icpt, xl, cap;
    uint32_t min_days = o->min_days < 3 ? 3 : o->min_days;
    uint32_t horizon = o->horizon_days ? o->horizon_days : 1;

    memset(out, 0, sizeof *out);
    out->days_history = n;
    out->days = UINT32_MAX;
    out->days_conservative = UINT32_MAX;
    if (n == 0) {
        out->status = KC_TREND_SHORT;
        return;
    }
    out->demand_now = peak[n - 1];
    if (peak[n - 1] >= capacity) {
        out->status = KC_TREND_OVER;
        out->days = 0;
        out->days_conservative = 0;
    }
    if (n < min_days) {
        if (out->status != KC_TREND_OVER)
            out->status = KC_TREND_SHORT;
        return;
    }
    /* centred sums (two passes): no cancellation of huge means, no overflow near 2^64
     * (the squares are doubles, up to 2^128 x n, far below DBL_MAX) */
    for (size_t i = 0; i < n; i++) {
        xbar += (double)(day[i] - day[0]);
        ybar += (double)peak[i];
    }
    xbar /= (double)n;
    ybar /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double dx = (double)(day[i] - day[0]) - xbar;

        sxx += dx * dx;
        sxy += dx * ((double)peak[i] - ybar);
    }
    slope = sxx > 0 ? sxy / sxx : 0;
    for (size_t i = 0; i < n; i++) {
        double dx = (double)(day[i] - day[0]) - xbar;
        double r = (double)peak[i] - ybar - slope * dx;

        sse += r * r;
    }
    xl = (double)(day[n - 1] - day[0]);
    icpt = ybar + slope * (xl - xbar);
    out->intercept = icpt;
    out->growth_per_day = slope;
    out->gap = xl - xbar;
    out->sxx = sxx;
    out->resid_sd = sqrt(sse / (double)(n - 2));
    out->tq = kc_trend_t975(n - 2);
    out->band = kc_trend_upper_at(out, 0) - icpt;
    if (out->status == KC_TREND_OVER)
        return;
    out->status = KC_TREND_NONE_SEEN;
    if (!(slope > 0))
        return;
    cap = (double)capacity;
    out->days = first_day(out, kc_trend_at, cap, horizon);
    out->days_conservative = first_day(out, kc_trend_upper_at, cap, horizon);
    if (out->days != UINT32_MAX)
        out->status = KC_TREND_FULL;
    if (out->days_conservative > out->days)
        out->days_conservative = out->days;
}
