/* SPDX-License-Identifier: MIT */
/* fit.h: how many more VMs of one shape fit on one host (pure, no I/O). */
#ifndef KC_FIT_H
#define KC_FIT_H

#include "kc.h"

/* Adding a resource: the checklist is doc/hacking.md 2. */
typedef enum kc_resource {
    KC_RES_MEMORY,        /* hard: RAM - reserve, x overcommit, x max util */
    KC_RES_HUGEPAGES,     /* hard: the hugepage pool, never overcommitted */
    KC_RES_CPU,           /* time-sliced: vCPUs against logical CPUs x ratio */
    KC_RES_CPU_LOAD,      /* time-sliced: vCPUs x cpu=% against cores x max util */
    KC_RES_NETWORK,       /* shared: uplink x mode efficiency */
    KC_RES_DISK,          /* hard: storage x (1 + disk overcommit) */
    KC_RES_IOPS,          /* shared: device IOPS, network storage capped by its link */
    KC_RES_THROUGHPUT,    /* shared: device MB/s, network storage capped by its link */
    KC_RES_LAST
} kc_resource;

/* Resource sets are bit masks (1u << kc_resource) in uint32_t fields. */
_Static_assert(KC_RES_LAST <= 32, "a kc_resource bit mask is a uint32_t");

typedef enum kc_res_state {
    KC_RES_ABSENT,        /* neither the host has it nor the VM asks: not shown */
    KC_RES_UNBOUNDED,     /* the host has it, the VM asks nothing: fair share only */
    KC_RES_BOUNDED,       /* the VM asks for it: limit is meaningful */
    KC_RES_UNKNOWN,       /* the VM asks, but the host's capacity is unknown: not planned */
    KC_RES_STATE_LAST
} kc_res_state;

typedef struct kc_res_fit {
    kc_res_state state;
    uint64_t capacity;        /* plannable capacity, in the resource's unit (see kc_resource_unit) */
    uint64_t used;            /* held by existing VMs */
    uint64_t per_vm;          /* demand of one VM of the shape */
    uint64_t limit;           /* how many more fit on this resource (KC_RES_BOUNDED only) */
} kc_res_fit;

typedef struct kc_fit {
    uint64_t count;               /* min of the bounded limits */
    uint32_t bottleneck;          /* bit (1u << kc_resource) for each resource at the min */
    bool too_big;                 /* the physical rule fired: one VM exceeds the hardware */
    kc_resource too_big_res;      /* which hardware it exceeds (valid if too_big) */
    uint64_t overhead_mib;        /* per-VM overhead that was applied */
    bool numa_limited;            /* strict NUMA: the split into nodes lowers the count (it is
                                     below spread_count) */
    uint64_t numa_limit;          /* strict NUMA: sum over nodes of min(node limits) */
    uint32_t numa_binding;        /* strict NUMA: resources that stop some node */
    uint64_t spread_count;        /* strict NUMA: the count host-wide (as --numa spread) */
    bool pool_limited;            /* a VM's disk lives whole on one pool: the sum over the
                                     pools of each pool's count (pool_limit) is below the
                                     rows (which are sums over the pools) */
    uint64_t pool_limit;          /* that sum; UINT64_MAX when the shape asks no storage */
    uint32_t pool_binding;        /* resources that stop some pool */
    kc_res_fit res[KC_RES_LAST];
} kc_fit;

/* Fit @shape onto @host under @policy. Borrows all three; writes *out.
 * Returns 0, or -1 with @err set: KC_ERR_INVALID for impossible input (a zero-vCPU shape,
 * a policy out of range) or for a capacity that does not fit in 64 bits. */
int kc_fit_compute(const kc_host *host, const kc_shape *shape,
                   const kc_policy *policy, kc_fit *out, kc_error *err);

/* How many more VMs of @shape each NUMA node of @host takes under @policy's --numa strict
 * (the per-node minimum that kc_fit_compute sums into numa_limit): @limits gets n_numa
 * entries. Under spread, or on a host of one node or none, one entry: the count.
 * Returns 0, or -1 with @err as kc_fit_compute. */
int kc_fit_node_limits(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                       uint64_t *limits, kc_error *err);

/* Whether @policy leaves anything of @host to plan: no reserve of every CPU, and some normal
 * memory after the reserve and the hugepage pool. Returns 0, or -1 with KC_ERR_INVALID
 * naming what takes it all (a fit would blame every VM for it). */
int kc_fit_check_policy(const kc_host *host, const kc_policy *policy, kc_error *err);

/* Per-VM memory overhead in MiB for @shape under @policy (0 unless set). */
uint64_t kc_fit_overhead_mib(const kc_shape *shape, const kc_policy *policy);

/* Stable names ("memory", "cpu", ...) and units ("MiB", "vCPU", ...) for reports. */
const char *kc_resource_name(kc_resource r);
const char *kc_resource_unit(kc_resource r);

/* What a loop over many hosts or shapes needs of a fit: kc_fit without the per-resource
 * table. Every field means what it means in kc_fit. */
typedef struct kc_fit_summary {
    uint64_t count;
    uint32_t bottleneck;
    bool too_big;
    kc_resource too_big_res;      /* valid if too_big */
    bool numa_limited;
} kc_fit_summary;

/* The count of kc_fit_compute() without building the table (no per-resource division):
 * the entry point for loops (sweep, fleet, sizing); the same answer, the same errors.
 * Borrows all three; writes *out. Returns 0, or -1 with @err as kc_fit_compute(). */
int kc_fit_count(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                 kc_fit_summary *out, kc_error *err);

/* A host under a policy, prepared once for counting many shapes on it (a fleet's hosts,
 * sizing's candidates): the host-wide figures of the fit, validated and derived. Borrows
 * @host and @policy, which must stay unchanged while it is used. The fields are the fit's
 * own; read none of them. */
/* One storage pool of a prepared host (what the count takes from it for every shape). */
typedef struct kc_fit_pool {
    const char *name;
    uint64_t space, space_cap;    /* usable MiB; x (1 + disk overcommit) x max util */
    uint64_t used[3];             /* MiB, IOPS, MB/s held on the pool */
    uint64_t rd[2], wr[2], pen[2];   /* IOPS, MB/s: what reads and writes get of the devices,
                                        and the write penalty (pool.c's mix) */
    uint64_t cap_lim[2];          /* the link's and the storage NICs' cap; UINT64_MAX = none */
    uint64_t cap0[2];             /* IOPS, MB/s x max util at a write share of 0 (of every
                                     share when flat) */
    uint64_t free0[3];            /* space, cap0 less the pool's use */
    bool boot, over_ip, flat[2];
} kc_fit_pool;

/* The pair's part of a prepared host (kc_fit_pair), small so that a loop over many prepared
 * hosts touches few cache lines; it may be copied into an array of its own while its host
 * (fh) lives. Each row's free capacity (CPU_LOAD: per pair; each below 2^30), PAIR_NONE
 * where the host leaves the row unbounded, the physical rule's limits (clamped to 2^31 - 1:
 * every demand the pair takes is below 2^31), the pools that may take a shape's count on
 * their own. The fields are the fit's own; read none of them. */
#define KC_FIT_HOT_TAKE 2
struct kc_fit_host;
typedef struct kc_fit_hot {
    const struct kc_fit_host *fh;
    uint8_t has;                  /* what the pair may rely on (fit_fast.c: PAIR_*); 0 when
                                     the host is not for the pair */
    uint8_t hp_class;             /* hugepage size: 0 a page of at most 1 MiB, 1 2 MiB,
                                     2 1 GiB (or another size: see has) */
    bool def_may_bind;            /* the default pools' sum can be below the rows' count */
    uint8_t n_take;               /* take_free entries (at most KC_FIT_HOT_TAKE) */
    uint32_t free[KC_RES_LAST];
    int32_t unb32[KC_RES_LAST];
    uint64_t ovh_mib;             /* the policy's fixed overhead (0 under auto) */
    uint64_t ask[3];              /* all ones where the host knows disk, IOPS, MB/s */
    uint64_t load_bp;
    uint32_t lcap, load_n;        /* cpu load: capacity, existing vCPUs of no cpu=% */
    int32_t lim4[4];              /* memory, hugepage pool, cpus, largest pool (clamped) */
    uint64_t take_free[KC_FIT_HOT_TAKE][3];   /* free space, IOPS, MB/s of the first pools
                                                 that take a shape of no pool= (storage
                                                 NICs in) */
} kc_fit_hot;

typedef struct kc_fit_host {
    const kc_host *host;
    const kc_policy *policy;
    bool fast;                    /* the figures below are valid (else every count goes the
                                     plain way, which gives the answer or the error) */
    kc_fit_hot hot;               /* the pair's part */
    bool iops_known, mbps_known;
    uint64_t mem_base, usable, used, uplink;
    uint64_t mem_cap, hp_cap, cpu_cap, load_cap, net_cap;
    /* storage pools: the use of no known pool, the storage NICs (IOPS, MB/s x max util and
     * what the over-IP pools hold; nic false: no cap) and, for shapes that name no pool,
     * the sums over the pools that are not boot (at a write share of 0; of every share when
     * def_flat) */
    bool nic, def_flat;
    uint64_t unattr[3], nic_cap[2], ip_used[2];
    uint32_t def_mask;
    uint64_t def_cap[3], def_used[3], def_held[3], def_max_space;
    size_t n_pools;
    kc_fit_pool pools[KC_STORAGE_MAX];
} kc_fit_host;

/* Prepare @out for kc_fit_count_on(). Cannot fail: an invalid host or policy is reported by
 * each count, with kc_fit_compute()'s error. */
void kc_fit_host_prepare(const kc_host *host, const kc_policy *policy, kc_fit_host *out);

/* kc_fit_count(@fh's host, @shape, @fh's policy, @out, @err), without repeating the host's
 * part of the work. */
int kc_fit_count_on(const kc_fit_host *fh, const kc_shape *shape, kc_fit_summary *out,
                    kc_error *err);

/* A shape under a policy, prepared once for counting it on many prepared hosts: the
 * per-VM demand of each row, validated, and its exact reciprocal. Borrows @shape, which
 * must stay unchanged while it is used. The fields are the fit's own; read none of them. */
typedef struct kc_fit_shape {
    uint8_t needs;                /* what it needs of the host (fit_fast.c: PAIR_*) */
    bool ovh_auto;                /* the policy's overhead it was prepared under: auto, or */
    uint32_t util_bp;             /* cpu=NN% */
    uint64_t ovh_mib;             /* ovh_mib MiB */
    uint64_t per_vm;              /* normal memory + overhead (kc_fit's memory row) */
    uint64_t mul[KC_RES_LAST];    /* ceil(2^63 / den) (HUGEPAGES: hp_mul); 0 where den is 0 */
    uint64_t hp_mul[3];           /* by the host's hugepage class; 0 off hugepages */
    int32_t unb32[KC_RES_LAST];   /* PAIR_NONE where the shape asks nothing of the row */
    int32_t big4[3][4];           /* by hugepage class: what the physical rule compares
                                     with kc_fit_hot.lim4 (memory, hugepages, vCPUs, disk) */
    uint64_t den[KC_RES_LAST];    /* per-VM demand of each row (HUGEPAGES: hp_den) */
    uint64_t hp_den[3];
    const kc_shape *shape;
    bool fast;                    /* valid, no pool=, every demand below 2^31: the pair's
                                     own way, on a host that has what it needs */
} kc_fit_shape;

/* Prepare @out for kc_fit_pair() under @policy. Cannot fail: an invalid shape is reported
 * by each pair, with kc_fit_compute()'s error. */
void kc_fit_shape_prepare(const kc_shape *shape, const kc_policy *policy, kc_fit_shape *out);

/* kc_fit_count(@fh's host, @fs's shape, @fh's policy, @out, @err), @fh the hot part of a
 * prepared host (&kc_fit_host.hot, or a copy): the hot loop's entry point
 * (a sweep's points, a fleet's hosts x shapes). Everything that depends on the host alone
 * or the shape alone is done by the two preparations; the pair takes the rows' limits by
 * exact reciprocal multiplications (no division), their minimum, the bottleneck, the
 * physical rule and the pools' sum. A shape prepared under another overhead than @fh's
 * policy, a shape on a named pool or a write share on pools whose writes differ, strict
 * NUMA, a hugepage size other than 2 MiB or 1 GiB, free capacities from 2^30 and demands
 * from 2^31 up take kc_fit_count_on's way: the same answer or the same error. */
int kc_fit_pair(const kc_fit_hot *fh, const kc_fit_shape *fs, kc_fit_summary *out,
                kc_error *err);

/* Whether kc_fit_pair(@fh, @fs) takes its own way (for tests and benchmarks). */
bool kc_fit_pair_direct(const kc_fit_hot *fh, const kc_fit_shape *fs);

/* The summary of a full fit (what kc_fit_count gives for the same input). */
void kc_fit_summarize(const kc_fit *fit, kc_fit_summary *out);

#endif /* KC_FIT_H */
