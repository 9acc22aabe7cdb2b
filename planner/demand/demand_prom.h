/* SPDX-License-Identifier: MIT */
/* demand_prom.h: one host of a Prometheus window as the demand model of a recorded host
 * (kc_demand_host), so demand, --demand, rightsize, fleet and forecast read either source. */
#ifndef KC_DEMAND_PROM_H
#define KC_DEMAND_PROM_H

#include <stdbool.h>
#include <stdint.h>

#include "demand/demand.h"
#include "demand/prom_map.h"
#include "kc.h"

/*
 * Host @ph of fleet @f (its slot grid: f->since_ms, f->step_ms, f->n), summarised
 * at percentile @p_bp into @h, as kc_demand_load() does for a recording (caller frees with
 * kc_demand_host_clear). Rates are computed here from the reset-corrected counters
 * (doc/prometheus.md says why not PromQL's rate()). Stand-ins, noted in h->facts->notes:
 * a VM's resident memory is the balloon's current size (memory_usage_bytes: the exporter
 * has no QEMU RSS); no steal and no guest-used figure. h->facts is set when node_exporter
 * gave the host's memory or CPUs (mem_source "node_exporter"), else NULL (the caller falls
 * back to --host). With @series, the per-slot sums and slot times are kept as
 * kc_demand_opts.keep_series keeps them for a recording. Cannot fail.
 */
void kc_demand_from_prom(const kc_prom_fleet *f, const kc_prom_host *ph, uint32_t p_bp,
                         bool series, kc_demand_host *h);

#endif /* KC_DEMAND_PROM_H */
