/* SPDX-License-Identifier: MIT */
/* report_forecast.c: time remaining per resource in text (with a chart of the daily peaks
 * and the projection), JSON and CSV (doc/forecast.md). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report_forecast.h"
#include "util/json_out.h"
#include "util/sanitize.h"
#include "util/util.h"

#ifndef KC_VERSION
#define KC_VERSION "0.1.0"
#endif

#define CHART_W 60
#define CHART_H 8

/* a figure of resource @r in its display unit (MiB stay MiB; bp of a core -> cores) */
static double shown(kc_forecast_res r, double v)
{
    return r == KC_FORECAST_CPU ? v / 10000.0 : v;
}

static double round2(double v)
{
    return round(v * 100.0) / 100.0;
}

static void day_text(char *buf, size_t size, uint64_t day)
{
    time_t t = (time_t)(day * KC_TREND_DAY_S);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%d", &tm))
        snprintf(buf, size, "?");
}

static const char *status_key(const kc_forecast_row *row)
{
    if (!row->known)
        return "unknown";
    switch (row->t.status) {
    case KC_TREND_FULL: return "full";
    case KC_TREND_OVER: return "over";
    case KC_TREND_NONE_SEEN: return "none";
    case KC_TREND_SHORT: return "short";
    }
    return "?";
}

static bool fitted(const kc_forecast_row *row)
{
    return row->t.status != KC_TREND_SHORT && row->n_days >= 3;
}

/* "memory: full in 47 days (conservative 31, from 30 days of history)" */
static void row_line(FILE *out, kc_forecast_res r, const kc_forecast_row *row,
                     const kc_forecast_opts *o)
{
    const char *u = kc_forecast_res_unit(r);
    int dec = r == KC_FORECAST_CPU ? 2 : 0;

    fprintf(out, "%s: ", kc_forecast_res_name(r));
    if (!row->known)
        fprintf(out, "capacity unknown (no host size: node_exporter's metrics or facts)");
    else if (row->t.status == KC_TREND_OVER)
        fprintf(out, "full now: the latest day's peak %.*f %s is at or over the usable %.*f %s",
                dec, shown(r, (double)row->t.demand_now), u, dec,
                shown(r, (double)row->capacity), u);
    else if (row->t.status == KC_TREND_SHORT)
        fprintf(out, "not enough history (%zu day%s; a forecast needs at least %u)",
                row->n_days, row->n_days == 1 ? "" : "s", o->trend.min_days);
    else if (row->t.status == KC_TREND_FULL)
        fprintf(out, "full in %u day%s (conservative %u, from %zu days of history)",
                row->t.days, row->t.days == 1 ? "" : "s", row->t.days_conservative,
                row->n_days);
    else
        fprintf(out, "not within the horizon (%u days; from %zu days of history)",
                o->trend.horizon_days, row->n_days);
    fputc('\n', out);
    if (row->n_days && row->known)
        fprintf(out, "  now %.*f %s of %.*f %s usable", dec, shown(r, (double)row->t.demand_now),
                u, dec, shown(r, (double)row->capacity), u);
    else if (row->n_days)
        fprintf(out, "  now %.*f %s", dec, shown(r, (double)row->t.demand_now), u);
    if (fitted(row))
        fprintf(out, ", trend %+.*f %s/day (95 %% band +-%.*f)", dec + 1,
                shown(r, row->t.growth_per_day), u, dec, shown(r, row->t.band));
    if (row->n_days)
        fputc('\n', out);
}

/* The daily peaks ('*'), the line's projection ('.') and the capacity ('='), from the
 * first day of history to the day it runs out (or the horizon, at most 4 x the history). */
static void chart(FILE *out, kc_forecast_res r, const kc_forecast_row *row,
                  const kc_forecast_opts *o)
{
    char grid[CHART_H][CHART_W + 1];
    double top = (double)row->capacity, span;
    uint64_t last = row->last_day - row->first_day, ahead;

    if (!row->known || !fitted(row) || row->n_days < 2)
        return;
    ahead = row->t.status == KC_TREND_FULL ? row->t.days : o->trend.horizon_days;
    if (ahead > 4 * (last + 1))
        ahead = 4 * (last + 1);
    span = (double)(last + ahead + 1);
    for (size_t i = 0; i < row->n_days; i++)
        top = (double)row->peak[i] > top ? (double)row->peak[i] : top;
    if (!(top > 0))
        return;
    for (int y = 0; y < CHART_H; y++) {
        memset(grid[y], ' ', CHART_W);
        grid[y][CHART_W] = '\0';
    }
    for (int x = 0; x < CHART_W; x++) {
        double d = (double)x * span / CHART_W;
        int yc = (int)((double)(CHART_H - 1) * (double)row->capacity / top + 0.5);

        if (yc >= 0 && yc < CHART_H)
            grid[CHART_H - 1 - yc][x] = '=';
        if (d > (double)last) {
            double v = kc_trend_at(&row->t, d - (double)last);
            int y = (int)((double)(CHART_H - 1) * v / top + 0.5);

            if (v >= 0 && y >= 0 && y < CHART_H)
                grid[CHART_H - 1 - y][x] = '.';
        }
    }
    /* each column of the history shows the peak of the day it falls on (none: a gap) */
    for (int x = 0, i = 0; x < CHART_W; x++) {
        uint64_t d = row->first_day + (uint64_t)((double)x * span / CHART_W);
        int y;

        while ((size_t)i < row->n_days && row->day[i] < d)
            i++;
        if ((size_t)i >= row->n_days)
            break;
        if (row->day[i] != d)
            continue;
        y = (int)((double)(CHART_H - 1) * (double)row->peak[i] / top + 0.5);
        if (y >= 0 && y < CHART_H)
            grid[CHART_H - 1 - y][x] = '*';
    }
    for (int y = 0; y < CHART_H; y++) {
        int end = CHART_W;

        while (end > 0 && grid[y][end - 1] == ' ')
            grid[y][--end] = '\0';
        fprintf(out, "  %10.*f |%s\n", r == KC_FORECAST_CPU ? 2 : 0,
                shown(r, top * (CHART_H - 1 - y) / (CHART_H - 1)), grid[y]);
    }
    {
        char a[16], b[16];

        day_text(a, sizeof(a), row->first_day);
        day_text(b, sizeof(b), row->first_day + (uint64_t)span - 1);
        fprintf(out, "  %10s +%.*s\n  %10s  %-*s%s\n", "", CHART_W,
                "------------------------------------------------------------------------",
                "", CHART_W - 10, a, b);
    }
}

void kc_report_forecast_text(FILE *out, const kc_forecast_host *f, size_t n,
                             const kc_forecast_meta *meta)
{
    const kc_forecast_opts *o = meta->opts;

    for (size_t i = 0; i < n; i++) {
        const kc_forecast_host *h = &f[i];
        char a[16] = "-", b[16] = "-";

        if (i)
            fputc('\n', out);
        if (h->hosts)
            fprintf(out, "forecast of the fleet (%u host%s of a known size, %u kept spare by "
                    "--ha) from %s\n", h->hosts, h->hosts == 1 ? "" : "s", h->ha_hosts,
                    kc_term_str(meta->origin));
        else
            fprintf(out, "forecast of '%s' (%s) from %s\n", kc_term_str(h->hostname),
                    kc_term_str(h->uri), kc_term_str(meta->origin));
        if (h->r[0].n_days) {
            day_text(a, sizeof(a), h->r[0].first_day);
            day_text(b, sizeof(b), h->r[0].last_day);
        }
        if (h->has_facts)
            fprintf(out, "history: %s .. %s; usable: (%llu MiB - %llu reserve) x %.0f %%, "
                    "(%u CPUs - %u reserved) x %.0f %%\n", a, b,
                    (unsigned long long)h->mem_mib,
                    (unsigned long long)o->reserve_mib *
                    (h->hosts ? h->hosts - h->ha_hosts : 1u),
                    (double)o->max_util_bp / 100.0, h->cpus,
                    o->reserve_cpus * (h->hosts ? h->hosts - h->ha_hosts : 1u),
                    (double)o->max_util_bp / 100.0);
        else
            fprintf(out, "history: %s .. %s; host size unknown\n", a, b);
        for (int r = 0; r < KC_FORECAST_RES_LAST; r++) {
            row_line(out, (kc_forecast_res)r, &h->r[r], o);
            chart(out, (kc_forecast_res)r, &h->r[r], o);
        }
    }
}

static void csv_days(FILE *out, uint32_t d)
{
    if (d == UINT32_MAX)
        fputc(',', out);
    else
        fprintf(out, ",%u", d);
}

void kc_report_forecast_csv(FILE *out, const kc_forecast_host *f, size_t n)
{
    fputs("host,resource,unit,capacity,demand_now,growth_per_day,days_remaining,"
          "days_remaining_conservative,days_history,status\n", out);
    for (size_t i = 0; i < n; i++)
        for (int r = 0; r < KC_FORECAST_RES_LAST; r++) {
            const kc_forecast_row *row = &f[i].r[r];
            bool fit = fitted(row);

            if (strpbrk(f[i].hostname, ",\"\r\n"))
                fputs("\"(name with a separator)\"", out);
            else
                kc_term_fputs(f[i].hostname, out);
            fprintf(out, ",%s,%s,", kc_forecast_res_name((kc_forecast_res)r),
                    kc_forecast_res_unit((kc_forecast_res)r));
            if (row->known)
                fprintf(out, "%g", shown((kc_forecast_res)r, (double)row->capacity));
            fputc(',', out);
            if (row->n_days)
                fprintf(out, "%g", shown((kc_forecast_res)r, (double)row->t.demand_now));
            fputc(',', out);
            if (fit)
                fprintf(out, "%g", round2(shown((kc_forecast_res)r, row->t.growth_per_day)));
            csv_days(out, row->known ? row->t.days : UINT32_MAX);
            csv_days(out, row->known ? row->t.days_conservative : UINT32_MAX);
            fprintf(out, ",%zu,%s\n", row->n_days, status_key(row));
        }
}

static void add_days(cJSON *o, const char *key, uint32_t d, bool known)
{
    if (!known || d == UINT32_MAX)
        kc_json_must(cJSON_AddNullToObject(o, key));
    else
        kc_json_add_u64(o, key, d);
}

char *kc_report_forecast_json(const kc_forecast_host *f, size_t n, const kc_forecast_meta *meta)
{
    cJSON *root = kc_json_must(cJSON_CreateObject()), *hosts, *m;
    const kc_forecast_opts *o = meta->opts;

    kc_json_must(cJSON_AddStringToObject(root, "kvmcap", KC_VERSION));
    kc_json_must(cJSON_AddStringToObject(root, "report", "forecast"));
    kc_json_must(cJSON_AddStringToObject(root, "source", meta->source));
    kc_json_must(cJSON_AddStringToObject(root, strcmp(meta->source, "prometheus") == 0
                                         ? "url" : "file", meta->origin));
    m = kc_json_add_obj(root, "method");
    kc_json_must(cJSON_AddStringToObject(m, "fit", "ols-daily-peaks"));
    kc_json_must(cJSON_AddNumberToObject(m, "band_pct", 95));
    kc_json_add_u64(m, "min_days", o->trend.min_days);
    kc_json_add_u64(m, "horizon_days", o->trend.horizon_days);
    kc_json_add_u64(m, "reserve_mib", o->reserve_mib);
    kc_json_add_u64(m, "reserve_cpus", o->reserve_cpus);
    kc_json_must(cJSON_AddNumberToObject(m, "max_util_pct", (double)o->max_util_bp / 100.0));
    kc_json_add_u64(m, "ha", o->ha_hosts);
    hosts = kc_json_add_arr(root, "hosts");
    for (size_t i = 0; i < n; i++) {
        const kc_forecast_host *h = &f[i];
        cJSON *ho = kc_json_must(cJSON_CreateObject()), *res;

        cJSON_AddItemToArray(hosts, ho);
        kc_json_must(cJSON_AddStringToObject(ho, "hostname", h->hostname));
        if (h->hosts) {
            kc_json_must(cJSON_AddNullToObject(ho, "uri"));
            kc_json_add_u64(ho, "hosts", h->hosts);
            kc_json_add_u64(ho, "hosts_spare", h->ha_hosts);
        } else {
            kc_json_must(cJSON_AddStringToObject(ho, "uri", h->uri));
        }
        if (h->has_facts) {
            kc_json_add_u64(ho, "cpus", h->cpus);
            kc_json_add_u64(ho, "mem_mib", h->mem_mib);
        } else {
            kc_json_must(cJSON_AddNullToObject(ho, "cpus"));
            kc_json_must(cJSON_AddNullToObject(ho, "mem_mib"));
        }
        res = kc_json_add_arr(ho, "resources");
        for (int r = 0; r < KC_FORECAST_RES_LAST; r++) {
            const kc_forecast_row *row = &h->r[r];
            cJSON *ro = kc_json_must(cJSON_CreateObject());
            char a[16], b[16];

            cJSON_AddItemToArray(res, ro);
            kc_json_must(cJSON_AddStringToObject(ro, "name",
                                                 kc_forecast_res_name((kc_forecast_res)r)));
            kc_json_must(cJSON_AddStringToObject(ro, "unit",
                                                 kc_forecast_res_unit((kc_forecast_res)r)));
            kc_json_must(cJSON_AddStringToObject(ro, "model", "demand"));
            if (row->known)
                kc_json_must(cJSON_AddNumberToObject(ro, "capacity",
                                                     shown((kc_forecast_res)r,
                                                           (double)row->capacity)));
            else
                kc_json_must(cJSON_AddNullToObject(ro, "capacity"));
            if (row->n_days)
                kc_json_must(cJSON_AddNumberToObject(ro, "demand_now",
                                                     shown((kc_forecast_res)r,
                                                           (double)row->t.demand_now)));
            else
                kc_json_must(cJSON_AddNullToObject(ro, "demand_now"));
            if (fitted(row)) {
                kc_json_must(cJSON_AddNumberToObject(ro, "growth_per_day",
                                                     round2(shown((kc_forecast_res)r,
                                                                  row->t.growth_per_day))));
                kc_json_must(cJSON_AddNumberToObject(ro, "band",
                                                     round2(shown((kc_forecast_res)r,
                                                                  row->t.band))));
            } else {
                kc_json_must(cJSON_AddNullToObject(ro, "growth_per_day"));
                kc_json_must(cJSON_AddNullToObject(ro, "band"));
            }
            add_days(ro, "days_remaining", row->t.days, row->known);
            add_days(ro, "days_remaining_conservative", row->t.days_conservative, row->known);
            kc_json_must(cJSON_AddStringToObject(ro, "status", status_key(row)));
            kc_json_add_u64(ro, "days_history", row->n_days);
            if (row->n_days) {
                day_text(a, sizeof(a), row->first_day);
                day_text(b, sizeof(b), row->last_day);
                kc_json_must(cJSON_AddStringToObject(ro, "from", a));
                kc_json_must(cJSON_AddStringToObject(ro, "to", b));
            }
        }
    }
    return kc_json_print(root);
}
