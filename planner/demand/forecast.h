/* SPDX-License-Identifier: MIT */
/* forecast.h: how long until a host (or the fleet) runs out, per resource, from its demand
 * history (a recording or Prometheus): the host's sums per sample become daily peaks, the
 * core's trend (model/trend.h) fits them against the usable capacity (doc/forecast.md). */
#ifndef KC_FORECAST_H
#define KC_FORECAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "demand/demand.h"
#include "kc.h"
#include "trend.h"

typedef enum kc_forecast_res {
    KC_FORECAST_MEMORY,         /* the VMs' resident memory summed (MiB) */
    KC_FORECAST_CPU,            /* the VMs' CPU demand summed (cores) */
    KC_FORECAST_RES_LAST        /* sentinel: keep last */
} kc_forecast_res;

/* What is usable of a host: the demand model's capacity, physical (no overcommit). */
typedef struct kc_forecast_opts {
    uint64_t reserve_mib;       /* --reserve (default 512) */
    uint32_t reserve_cpus;      /* --reserve-cpus */
    uint32_t max_util_bp;       /* --max-util (default 10000) */
    uint32_t ha_hosts;          /* --ha N: the fleet keeps its N largest hosts spare */
    kc_trend_opts trend;        /* --min-days, --horizon */
} kc_forecast_opts;

/* One resource: the trend of its daily peaks in its own unit, with the capacity in it. */
typedef struct kc_forecast_row {
    bool known;                 /* capacity known (facts) and some history; else status
                                   KC_TREND_SHORT with capacity 0 when facts are missing */
    uint64_t capacity;          /* MiB or bp of a core */
    uint64_t first_day, last_day;   /* UTC day numbers of the history (days since epoch) */
    size_t n_days;
    uint64_t *day, *peak;       /* n_days each: the daily peaks (the chart's history) */
    kc_trend t;
} kc_forecast_row;

typedef struct kc_forecast_host {
    char hostname[256], uri[256];
    bool has_facts;             /* capacity known */
    uint32_t cpus;
    uint64_t mem_mib;
    uint32_t hosts;             /* the fleet row: hosts summed (0 for a host) */
    uint32_t ha_hosts;          /* the fleet row: hosts kept spare */
    uint64_t first_wall_ns, last_wall_ns;
    kc_forecast_row r[KC_FORECAST_RES_LAST];
} kc_forecast_host;

void kc_forecast_opts_init(kc_forecast_opts *o);

/* The usable capacity of a host of @cpus and @mem_mib under @o: memory (MiB) =
 * (mem - reserve) x max util, cpu (bp of a core) = (cpus - reserved) x 10000 x max util,
 * both rounded down; 0 when the reserve takes it all. */
uint64_t kc_forecast_capacity(kc_forecast_res r, uint32_t cpus, uint64_t mem_mib,
                              const kc_forecast_opts *o);

/* Forecast host @h (its series kept: kc_demand_opts.keep_series) into @out (caller frees
 * with kc_forecast_host_clear). A host without facts gets rows without capacity. */
void kc_forecast_host_run(const kc_demand_host *h, const kc_forecast_opts *o,
                          kc_forecast_host *out);

/* The fleet of @n hosts read on one slot grid (Prometheus): per slot the sum over the
 * hosts with facts, against the sum of their capacities less the o->ha_hosts largest
 * (by memory; the same hosts' CPUs). Returns 0, or -1 with @err (KC_ERR_USAGE: --ha leaves
 * no host, or no host has facts). */
int kc_forecast_fleet_run(const kc_demand_host *h, size_t n, const kc_forecast_opts *o,
                          kc_forecast_host *out, kc_error *err);

void kc_forecast_host_clear(kc_forecast_host *f);

/* "memory", "cpu"; "MiB", "cores". */
const char *kc_forecast_res_name(kc_forecast_res r);
const char *kc_forecast_res_unit(kc_forecast_res r);

#endif /* KC_FORECAST_H */
