/* SPDX-License-Identifier: MIT */
/* forecast.c: a host's (or the fleet's) demand history against its usable capacity, per
 * resource, through the core's daily peaks and trend (doc/forecast.md). */
#include <stdlib.h>
#include <string.h>

#include "demand/forecast.h"
#include "util/util.h"

static const char *const res_names[] = { [KC_FORECAST_MEMORY] = "memory",
                                         [KC_FORECAST_CPU] = "cpu" };
static const char *const res_units[] = { [KC_FORECAST_MEMORY] = "MiB",
                                         [KC_FORECAST_CPU] = "cores" };
_Static_assert(sizeof(res_names) / sizeof(res_names[0]) == KC_FORECAST_RES_LAST,
               "a name per forecast resource");
_Static_assert(sizeof(res_units) / sizeof(res_units[0]) == KC_FORECAST_RES_LAST,
               "a unit per forecast resource");

const char *kc_forecast_res_name(kc_forecast_res r)
{
    return r < KC_FORECAST_RES_LAST ? res_names[r] : "?";
}

const char *kc_forecast_res_unit(kc_forecast_res r)
{
    return r < KC_FORECAST_RES_LAST ? res_units[r] : "?";
}

void kc_forecast_opts_init(kc_forecast_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->reserve_mib = 512;
    o->max_util_bp = KC_BP_ONE;
    kc_trend_opts_init(&o->trend);
}

uint64_t kc_forecast_capacity(kc_forecast_res r, uint32_t cpus, uint64_t mem_mib,
                              const kc_forecast_opts *o)
{
    if (r == KC_FORECAST_MEMORY)
        return mem_mib <= o->reserve_mib ? 0 : (uint64_t)((kc_u128)(mem_mib - o->reserve_mib) *
                                                          o->max_util_bp / KC_BP_ONE);
    if (cpus <= o->reserve_cpus)
        return 0;
    return (uint64_t)(cpus - o->reserve_cpus) * o->max_util_bp;   /* x 10000 bp / 10000 */
}

/* The series of resource @r in its unit (MiB rounded up, bp of a core), per sample. */
static uint64_t value_at(const kc_demand_host *h, kc_forecast_res r, size_t k)
{
    if (r == KC_FORECAST_MEMORY) {
        uint64_t kib = h->series[KC_METRIC_RSS] ? h->series[KC_METRIC_RSS][k] : KC_STATS_NONE;

        return kib == KC_STATS_NONE ? KC_TREND_NONE : kib / 1024 + (kib % 1024 != 0);
    }
    if (h->series[KC_METRIC_CPU_DEMAND] && h->series[KC_METRIC_CPU_DEMAND][k] != KC_STATS_NONE)
        return h->series[KC_METRIC_CPU_DEMAND][k];
    if (h->series[KC_METRIC_CPU] && h->series[KC_METRIC_CPU][k] != KC_STATS_NONE)
        return h->series[KC_METRIC_CPU][k];
    return KC_TREND_NONE;
}

/* Fit one resource: @t_s and @v (n samples) against @capacity (0: unknown). */
static void fit_row(const uint64_t *t_s, const uint64_t *v, size_t n, uint64_t capacity,
                    bool known, const kc_forecast_opts *o, kc_forecast_row *row)
{
    memset(row, 0, sizeof(*row));
    row->day = kc_xcalloc(n ? n : 1, sizeof(*row->day));
    row->peak = kc_xcalloc(n ? n : 1, sizeof(*row->peak));
    row->n_days = kc_trend_daily_peaks(t_s, v, n, row->day, row->peak);
    if (row->n_days) {
        row->first_day = row->day[0];
        row->last_day = row->day[row->n_days - 1];
    }
    row->capacity = capacity;
    row->known = known;
    /* without a capacity the trend is still shown; "full" needs one */
    kc_trend_fit(row->day, row->peak, row->n_days, known ? capacity : UINT64_MAX, &o->trend,
                 &row->t);
}

static void wall_seconds(const kc_demand_host *h, uint64_t *t_s)
{
    for (size_t k = 0; k < h->samples; k++)
        t_s[k] = h->slot_wall_ns ? h->slot_wall_ns[k] / 1000000000ull : 0;
}

void kc_forecast_host_run(const kc_demand_host *h, const kc_forecast_opts *o,
                          kc_forecast_host *out)
{
    size_t n = h->samples;
    uint64_t *t_s = kc_xcalloc(n ? n : 1, sizeof(*t_s));
    uint64_t *v = kc_xcalloc(n ? n : 1, sizeof(*v));

    memset(out, 0, sizeof(*out));
    kc_strlcpy(out->hostname, h->hostname, sizeof(out->hostname));
    kc_strlcpy(out->uri, h->uri, sizeof(out->uri));
    out->first_wall_ns = h->first_wall_ns;
    out->last_wall_ns = h->last_wall_ns;
    out->has_facts = h->facts && h->facts->mem_mib && h->facts->cpus;
    if (out->has_facts) {
        out->cpus = h->facts->cpus;
        out->mem_mib = h->facts->mem_mib;
    }
    wall_seconds(h, t_s);
    for (int r = 0; r < KC_FORECAST_RES_LAST; r++) {
        for (size_t k = 0; k < n; k++)
            v[k] = h->slot_wall_ns ? value_at(h, (kc_forecast_res)r, k) : KC_TREND_NONE;
        fit_row(t_s, v, n, kc_forecast_capacity((kc_forecast_res)r, out->cpus, out->mem_mib, o),
                out->has_facts, o, &out->r[r]);
    }
    free(t_s);
    free(v);
}

static int by_mem_desc(const void *a, const void *b)
{
    const kc_demand_host *x = *(const kc_demand_host *const *)a;
    const kc_demand_host *y = *(const kc_demand_host *const *)b;

    return (x->facts->mem_mib < y->facts->mem_mib) - (x->facts->mem_mib > y->facts->mem_mib);
}

int kc_forecast_fleet_run(const kc_demand_host *h, size_t n, const kc_forecast_opts *o,
                          kc_forecast_host *out, kc_error *err)
{
    const kc_demand_host **with = kc_xcalloc(n ? n : 1, sizeof(*with));
    size_t nw = 0, slots = 0;
    uint64_t cap[KC_FORECAST_RES_LAST] = { 0 };
    uint64_t *t_s = NULL, *v = NULL;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    for (size_t i = 0; i < n; i++)
        if (h[i].facts && h[i].facts->mem_mib && h[i].facts->cpus && h[i].slot_wall_ns) {
            with[nw++] = &h[i];
            slots = h[i].samples > slots ? h[i].samples : slots;
        }
    if (nw == 0) {
        kc_error_set(err, KC_ERR_INVALID, "forecast: no host has a known size (node_exporter's "
                     "node_memory_MemTotal_bytes and node_cpu_seconds_total)");
        goto out;
    }
    if (o->ha_hosts >= nw) {
        kc_error_set(err, KC_ERR_USAGE, "--ha %u leaves no host of the %zu with a known size",
                     o->ha_hosts, nw);
        goto out;
    }
    /* the N largest hosts are the spares: the failures that cost the most */
    if (nw > 1)
        qsort(with, nw, sizeof(*with), by_mem_desc);
    for (size_t i = o->ha_hosts; i < nw; i++) {
        cap[KC_FORECAST_MEMORY] += kc_forecast_capacity(KC_FORECAST_MEMORY, with[i]->facts->cpus,
                                                        with[i]->facts->mem_mib, o);
        cap[KC_FORECAST_CPU] += kc_forecast_capacity(KC_FORECAST_CPU, with[i]->facts->cpus,
                                                     with[i]->facts->mem_mib, o);
        out->cpus += with[i]->facts->cpus;
        out->mem_mib += with[i]->facts->mem_mib;
    }
    kc_strlcpy(out->hostname, "(fleet)", sizeof(out->hostname));
    out->has_facts = true;
    out->hosts = (uint32_t)nw;
    out->ha_hosts = o->ha_hosts;
    out->first_wall_ns = with[0]->first_wall_ns;
    out->last_wall_ns = with[0]->last_wall_ns;
    t_s = kc_xcalloc(slots ? slots : 1, sizeof(*t_s));
    v = kc_xcalloc(slots ? slots : 1, sizeof(*v));
    for (size_t i = 0; i < nw; i++)     /* one grid: slot k is the same time on each host */
        for (size_t k = 0; k < with[i]->samples; k++)
            t_s[k] = with[i]->slot_wall_ns[k] / 1000000000ull;
    for (int r = 0; r < KC_FORECAST_RES_LAST; r++) {
        for (size_t k = 0; k < slots; k++) {
            uint64_t sum = KC_TREND_NONE;

            for (size_t i = 0; i < nw; i++) {
                uint64_t x = k < with[i]->samples ? value_at(with[i], (kc_forecast_res)r, k)
                                                  : KC_TREND_NONE;

                if (x != KC_TREND_NONE)
                    sum = sum == KC_TREND_NONE ? x : (x > UINT64_MAX - 1 - sum
                                                      ? UINT64_MAX - 1 : sum + x);
            }
            v[k] = sum;
        }
        fit_row(t_s, v, slots, cap[r], true, o, &out->r[r]);
    }
    ret = 0;
 out:
    free(with);
    free(t_s);
    free(v);
    return ret;
}

void kc_forecast_host_clear(kc_forecast_host *f)
{
    if (!f)
        return;
    for (int r = 0; r < KC_FORECAST_RES_LAST; r++) {
        free(f->r[r].day);
        free(f->r[r].peak);
    }
    memset(f, 0, sizeof(*f));
}
