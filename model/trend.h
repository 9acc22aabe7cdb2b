/* SPDX-License-Identifier: MIT */
/* trend.h: how long until a resource runs out: daily peaks, a least-squares line through
 * them, and a 95 % prediction band (pure: libc and libm only). The method is
 * doc/forecast.md. */
#ifndef KC_TREND_H
#define KC_TREND_H

#include <stddef.h>
#include <stdint.h>

/*
 * Input: one resource of one host as a time series, whatever its source (a kvmcap recording,
 * a Prometheus range query): sample times in seconds of wall-clock time, the host's summed
 * demand at each sample (any unit; KC_TREND_NONE = no value), and the usable capacity in the
 * same unit. kc_trend_daily_peaks() turns the samples into one peak per day; kc_trend_fit()
 * fits the peaks.
 *
 * A forecast is an estimate, not a count: the fit is computed in double (the inputs may be
 * up to 2^64, whose squares no integer type holds) and the answers are whole days, rounded
 * up (the first whole day at which the line reaches capacity). No count of VMs passes
 * through it (doc/model.md's exact-arithmetic rule is about those).
 */
#define KC_TREND_NONE UINT64_MAX
#define KC_TREND_DAY_S 86400u
#define KC_TREND_MIN_DAYS 7u       /* default: fewer days of history give no forecast */
#define KC_TREND_HORIZON_DAYS 365u /* default: beyond it, "not within the horizon" */

typedef enum kc_trend_status {
    KC_TREND_FULL,      /* the line reaches capacity within the horizon: days is set */
    KC_TREND_NONE_SEEN, /* flat or falling, or reaching capacity only after the horizon */
    KC_TREND_OVER,      /* the latest day's peak is already at or over capacity: days 0 */
    KC_TREND_SHORT      /* fewer than min_days days of history */
} kc_trend_status;

typedef struct kc_trend_opts {
    uint32_t min_days;      /* at least 3 (the band needs n - 2 > 0 degrees of freedom) */
    uint32_t horizon_days;  /* at least 1 */
} kc_trend_opts;

void kc_trend_opts_init(kc_trend_opts *o);

/* Daily peaks: the maximum value per day (day = floor(t / 86400), UTC) of the samples that
 * have a value. @day_out gets the day numbers (ascending), @peak_out the peaks; both have
 * room for @n. Samples need not be sorted. Returns the number of days. */
size_t kc_trend_daily_peaks(const uint64_t *t_s, const uint64_t *v, size_t n, uint64_t *day_out,
                            uint64_t *peak_out);

typedef struct kc_trend {
    kc_trend_status status;
    size_t days_history;      /* days with a peak */
    uint64_t demand_now;      /* the latest day's peak */
    double intercept;         /* the line at the latest day (the fitted "now") */
    double growth_per_day;    /* slope of the line, units per day */
    double band;              /* half-width of the 95 % prediction band at the latest day */
    uint32_t days;            /* KC_TREND_FULL / OVER: days from the latest day */
    uint32_t days_conservative; /* first day the band's upper edge reaches capacity (<= days;
                                   UINT32_MAX when it does not within the horizon) */
    /* for kc_trend_upper_at(): the band's terms */
    double resid_sd;          /* sqrt(sum of squared residuals / (n - 2)) */
    double tq;                /* kc_trend_t975(n - 2) */
    double gap;               /* latest day - mean day */
    double sxx;               /* sum of (day - mean day)^2 */
} kc_trend;

/* Fit @n daily peaks (@day ascending, distinct; @peak) against @capacity under @o. */
void kc_trend_fit(const uint64_t *day, const uint64_t *peak, size_t n, uint64_t capacity,
                  const kc_trend_opts *o, kc_trend *out);

/* The two-sided 95 % quantile of Student's t with @dof degrees of freedom (table; between
 * rows the next smaller dof's value, which is larger: the band errs wide). */
double kc_trend_t975(size_t dof);

/* The line and the band's upper edge @d days after the latest day (for charts). */
double kc_trend_at(const kc_trend *t, double d);
double kc_trend_upper_at(const kc_trend *t, double d);

#endif /* KC_TREND_H */
