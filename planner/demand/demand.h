/* SPDX-License-Identifier: MIT */
/* demand.h: the demand model of one recorded host: per VM and host-wide observed use over a
 * window, whatever the source (a recording today; Prometheus history fills the same). */
#ifndef KC_DEMAND_PLANNER_H
#define KC_DEMAND_PLANNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "facts/sample.h"
#include "kc.h"
#include "stats.h"

/* One VM over the window. Summaries are in the units of stats.h (KC_STATS_NONE: none). */
typedef struct kc_demand_vm {
    kc_vm_stats st;            /* name, allocation, slots, running, resets, metrics */
    char uuid[40];
    kc_dom_state last_state;   /* at its last reading */
    bool off;                  /* seen, but never running in the window */
    bool gone;                 /* not in the window's last sample (destroyed, undefined) */
} kc_demand_vm;

/* The host over the window: the sum over its VMs at each slot, then summarised. */
typedef struct kc_demand_host {
    char uri[256];
    char hostname[256];
    size_t samples, runs, gaps;
    uint64_t first_wall_ns, last_wall_ns;   /* the window actually covered: the earliest
                                               and the latest stamp of its samples */
    kc_stats_summary m[KC_METRIC_LAST];     /* sums per slot */
    kc_stats_summary node_cpu;              /* bp of a core: the host's own CPU counters */
    kc_stats_summary mem_used_kib;          /* total - free - buffers - cached */
    kc_stats_summary ksm_saved_kib;         /* pages_sharing x page size */
    uint64_t alloc_vcpus, alloc_mem_mib;    /* of the VMs that ran in the window */
    kc_facts *facts;                        /* at the latest run's start; NULL: none kept */
    const char *mem_standin;                /* static text: which figure stands in for the
                                               VMs' RSS (Prometheus); NULL: the RSS itself */
    size_t n_vms;
    kc_demand_vm *vms;                      /* by name */
    /* with kc_demand_opts.keep_series (forecast): per sample, its wall clock and the sums
     * over the VMs (KC_STATS_NONE: none); NULL otherwise. @samples entries each. */
    uint64_t *slot_wall_ns;
    uint64_t *series[KC_METRIC_LAST];
} kc_demand_host;

typedef struct kc_demand_opts {
    uint64_t since_ns, until_ns;  /* the window on the wall clock; 0: open */
    uint32_t p_bp;                /* the percentile (basis points; 9500 = p95) */
    const char *hostname;         /* which host of the file (hostname or URI); NULL: the
                                     only one */
    bool keep_series;             /* keep the per-sample sums (kc_demand_host.series) */
} kc_demand_opts;

/* Read host @opts->hostname of the recording @path and compute its demand into @out
 * (caller frees with kc_demand_host_clear). Returns 0, or -1 with @err: KC_ERR_INVALID for a
 * bad file or a file without that host or with several hosts and no choice (the message
 * lists them), KC_ERR_HOST for I/O. */
int kc_demand_load(const char *path, const kc_demand_opts *opts, kc_demand_host *out,
                   kc_error *err);

void kc_demand_host_clear(kc_demand_host *host);

/* The largest figure a VM's series may hold at one sample for metric @m (its units, see
 * stats.h) before the recording is refused as damaged (doc/recording.md, "Bounds"): more
 * than any host can do, such as a counter that grew by years of CPU in a second. */
uint64_t kc_demand_bound(kc_metric m);

/* The most vCPUs and memory a VM's allocation may claim before the file is refused. */
#define KC_DEMAND_MAX_VCPUS 1048576u
#define KC_DEMAND_MAX_MEM_KIB (1ull << 44)      /* 16 PiB */

/* Overcommit advice from the host's own history: the largest CPU ratio (thousandths) and
 * memory overcommit (basis points) at which the peak observed use per allocated vCPU and per
 * allocated MiB would still fit the hardware with @margin_bp to spare. 0 when unknown (no
 * facts, nothing ran, nothing used). */
typedef struct kc_demand_advice {
    uint32_t margin_bp;
    uint64_t cpu_ratio_milli;
    uint64_t overcommit_bp;
    bool known;
} kc_demand_advice;

void kc_demand_advise(const kc_demand_host *host, uint32_t margin_bp, uint64_t reserve_mib,
                      kc_demand_advice *out);

#endif /* KC_DEMAND_PLANNER_H */
