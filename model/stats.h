/* SPDX-License-Identifier: MIT */
/* stats.h: statistics of observed load: counter rates, percentiles, per-VM and host-wide
 * summaries (pure: no I/O, integers only). */
#ifndef KC_STATS_H
#define KC_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc.h"

/*
 * The demand model (doc/recording.md, "The demand model") works on *slots*: one slot per
 * host-wide sample, the same slots for every VM of the host, so that the host's demand can
 * be summed at each sample. A slot without a value holds KC_STATS_NONE (the VM did not run,
 * or its counter had just started a new series). Any source that gives one value per VM
 * and per sample (a kvmcap recording, a Prometheus range query with a fixed step) fills the
 * same kc_vm_series and gets the same figures.
 *
 * Units (integers, as in kc.h):
 *   cpu, steal, cpu demand   basis points of one core: 10000 = one core busy
 *   steal share              basis points of the VM's vCPU time: 10000 = every vCPU waited
 *                            for a host CPU the whole interval
 *   memory                   KiB
 *   network                  kbit/s (decimal), receive + transmit
 *   iops                     thousandths of an I/O per second (read + write requests)
 *   disk throughput          kB/s (decimal), read + write
 */
#define KC_STATS_NONE UINT64_MAX

/* Multipliers for kc_stats_rates(): rate = delta * MUL / delta_ns. */
#define KC_STATS_MUL_CPU_BP 10000ull           /* ns of CPU per ns -> bp of a core */
#define KC_STATS_MUL_KBPS 8000000ull           /* bytes per ns -> kbit/s */
#define KC_STATS_MUL_MILLI_PER_S 1000000000000ull /* events per ns -> thousandths per s */
#define KC_STATS_MUL_KB_PER_S 1000000ull       /* bytes per ns -> kB/s */

/* One reading of a cumulative counter. */
typedef struct kc_stats_point {
    uint64_t t_ns;            /* monotonic time of the reading; comparable only within one
                                 series (one recording run) */
    uint64_t value;           /* the counter; KC_STATS_NONE = not read at this sample */
    bool fresh;               /* starts a new series: first reading of a run, the VM
                                 (re)started, the source reconnected after a gap */
} kc_stats_point;

/* Rates of a cumulative counter, one per point: out[i] is the rate over (t[i-1], t[i]],
 * floor(delta * @mul / delta_ns) in 128-bit arithmetic, capped at KC_STATS_NONE - 1.
 * out[i] is KC_STATS_NONE (no rate) when i == 0, when point i or i-1 has no value, point i
 * is fresh, time did not advance, the interval is longer than @max_gap_ns (0 = no limit),
 * or the counter went backwards (a reset: the counter starts a new series at point i,
 * never a negative rate). Returns the number of resets seen. Borrows @pts; @out has @n. */
size_t kc_stats_rates(const kc_stats_point *pts, size_t n, uint64_t mul, uint64_t max_gap_ns,
                      uint64_t *out);

/* The nearest-rank percentile of the values that are not KC_STATS_NONE: with m such values
 * sorted ascending, the value of rank ceil(@p_bp * m / 10000) (1-based), i.e. the smallest
 * value that at least @p_bp of the values do not exceed; @p_bp 0 gives the minimum, 10000
 * the maximum. Returns KC_STATS_NONE when no value is present. Reorders @values (it is the
 * caller's scratch: NONE entries are moved to the end and the rest sorted). */
uint64_t kc_stats_percentile(uint64_t *values, size_t n, uint32_t p_bp);

/* What one series says over the window. Every figure is KC_STATS_NONE when count is 0. */
typedef struct kc_stats_summary {
    size_t count;             /* slots with a value */
    uint64_t min, p50, pct, max; /* pct: at the caller's percentile */
    uint64_t mean;            /* floor of the mean */
} kc_stats_summary;

/* Summarise @values (n slots, KC_STATS_NONE = absent) at percentile @p_bp. @scratch has room
 * for @n values (the caller's; its content is overwritten). */
void kc_stats_summarize(const uint64_t *values, size_t n, uint32_t p_bp, uint64_t *scratch,
                        kc_stats_summary *out);

/* Add @series into @acc slot by slot: a slot with a value in @series adds it (saturating at
 * KC_STATS_NONE - 1) to @acc, where KC_STATS_NONE counts as 0; slots without a value leave
 * @acc as it is. So a host slot where no VM had a value stays KC_STATS_NONE (no sample, not
 * zero use). Start @acc with every slot KC_STATS_NONE (kc_stats_fill_none). */
void kc_stats_add(uint64_t *acc, const uint64_t *series, size_t n);
void kc_stats_fill_none(uint64_t *values, size_t n);

/* The metrics of one VM, one array of slots each. */
typedef enum kc_metric {
    KC_METRIC_CPU,            /* bp of a core: rate of cpu.time */
    KC_METRIC_STEAL,          /* bp of a core: rate of the vCPUs' wait for a host CPU */
    KC_METRIC_CPU_DEMAND,     /* bp of a core: cpu + steal at the same slot (derived) */
    KC_METRIC_STEAL_SHARE,    /* bp of the VM's vCPU time: steal / vcpus (derived) */
    KC_METRIC_RSS,            /* KiB the host holds for the VM (QEMU's resident memory) */
    KC_METRIC_GUEST_USED,     /* KiB the guest says it uses (balloon available - usable) */
    KC_METRIC_NET,            /* kbit/s, receive + transmit */
    KC_METRIC_IOPS,           /* thousandths of an I/O per second, read + write */
    KC_METRIC_DISK,           /* kB/s, read + write */
    KC_METRIC_LAST            /* sentinel: keep last */
} kc_metric;

const char *kc_metric_name(kc_metric m);

/* One VM over the window: what it was given, and its metrics at the host's slots. */
typedef struct kc_vm_series {
    char name[KC_NAME_MAX];
    uint32_t vcpus;           /* allocated (the latest seen) */
    uint64_t mem_mib;         /* allocated (the latest seen) */
    size_t n;                 /* slots (the host's samples in the window) */
    uint64_t *v[KC_METRIC_LAST]; /* n slots each, owned by whoever filled the series */
    size_t running;           /* slots at which the VM was running */
    size_t resets;            /* counter resets seen (reboots, restarts) */
} kc_vm_series;

/* Fill the derived metrics (CPU_DEMAND, STEAL_SHARE) of @s from CPU, STEAL and vcpus: at a
 * slot with a CPU value, demand = cpu + steal (steal absent counts 0); share = steal /
 * vcpus where steal has a value and vcpus > 0. */
void kc_stats_derive(kc_vm_series *s);

/* One VM's demand over the window, whatever the source. */
typedef struct kc_vm_stats {
    char name[KC_NAME_MAX];
    uint32_t vcpus;
    uint64_t mem_mib;
    size_t slots, running, resets;
    kc_stats_summary m[KC_METRIC_LAST];
} kc_vm_stats;

/* Summarise @s at percentile @p_bp into @out; @scratch has room for s->n values. */
void kc_stats_vm(const kc_vm_series *s, uint32_t p_bp, uint64_t *scratch, kc_vm_stats *out);

/*
 * Right-sizing one VM from its demand (kvmcap rightsize; thresholds are options):
 *   recommended vCPUs  ceil(cpu demand at the percentile / target), at least 1 (without
 *                      any CPU figure: the allocation)
 *   recommended memory (guest's used memory at its maximum where known, else RSS maximum)
 *                      x (100 % + headroom), rounded up to 64 MiB, at least the floor
 *   off                never running in the window: its whole allocation is reclaimable
 *   idle               cpu demand at the percentile below idle_cpu_bp (known) and no network
 *                      or disk I/O at all
 *   undersized         cpu demand at the percentile at or above undersized_bp of its vCPUs,
 *                      or steal share at the percentile above steal_bp
 *   oversized          not undersized, and recommended vCPUs or memory below the allocation
 */
typedef struct kc_rightsize_opts {
    uint32_t target_bp;         /* CPU utilisation to size for; default 8000 (80 %) */
    uint32_t headroom_bp;       /* memory headroom; default 2000 (20 %) */
    uint64_t mem_floor_mib;     /* default 256 */
    uint32_t idle_cpu_bp;       /* of one core; default 500 (0.05 core) */
    uint32_t undersized_bp;     /* of the VM's vCPUs; default 9000 (90 %) */
    uint32_t steal_bp;          /* steal share; default 1000 (10 %) */
} kc_rightsize_opts;

#define KC_RIGHTSIZE_OVERSIZED 1u
#define KC_RIGHTSIZE_UNDERSIZED 2u
#define KC_RIGHTSIZE_IDLE 4u
#define KC_RIGHTSIZE_OFF 8u

typedef struct kc_vm_rightsize {
    uint32_t vcpus;             /* recommended */
    uint64_t mem_mib;           /* recommended */
    unsigned flags;             /* KC_RIGHTSIZE_* */
    uint64_t reclaim_vcpus, reclaim_mem_mib;  /* allocation above the recommendation */
} kc_vm_rightsize;

void kc_rightsize_opts_init(kc_rightsize_opts *o);

/* Right-size @vm under @o into @out. */
void kc_rightsize_vm(const kc_vm_stats *vm, const kc_rightsize_opts *o, kc_vm_rightsize *out);

#endif /* KC_STATS_H */
