/* SPDX-License-Identifier: MIT */
/* plan.h: how many more VMs fit on a recorded host under the demand model, beside the
 * allocation model (kvmcap --demand FILE --vm SPEC). */
#ifndef KC_PLAN_H
#define KC_PLAN_H

#include "demand/demand.h"
#include "fit.h"
#include "kc.h"

/*
 * The demand model plans the recorded host's existing VMs at what they were observed to use
 * and a new VM at what it is expected to use, against the hardware: the same capacities,
 * reserve and --max-util as the allocation model, but no memory overcommit and no vCPU
 * ratio (use is compared with physical memory and cores):
 *   memory    existing: the most RSS the host held for its VMs (sum at each sample, max);
 *             new VM: like=VM's RSS maximum, else its memory x the host's RSS per
 *             allocated MiB at that peak (the host's typical VM)
 *   cpu load  existing: the VMs' CPU demand with steal (sum at each sample, percentile);
 *             new VM: cpu=NN % where given, else like=VM's per vCPU, else the host's
 *             demand per allocated vCPU
 *   network, IOPS, disk throughput: as cpu load, per vCPU
 */
typedef struct kc_demand_plan {
    kc_host dhost;                   /* the host with its VMs at their demand */
    kc_policy dpolicy;               /* the allocation policy without overcommit */
    uint64_t cpu_bp_per_vcpu;        /* the typical VM: bp of a core per allocated vCPU */
    uint64_t rss_bp_of_mem;          /* RSS per allocated MiB, in bp (for the report) */
    uint64_t rss_kib, alloc_kib;     /* the exact ratio: the peak RSS sum, what it was given */
    uint64_t net_kbps_per_vcpu, iops_milli_per_vcpu, disk_kbs_per_vcpu;
} kc_demand_plan;

typedef enum kc_plan_source {
    KC_PLAN_GIVEN,                   /* cpu= (and net=, iops=, mbps=) of the spec */
    KC_PLAN_LIKE,                    /* like=VM */
    KC_PLAN_TYPICAL,                 /* the host's typical VM */
    KC_PLAN_SOURCE_LAST
} kc_plan_source;

typedef struct kc_demand_plan_row {
    kc_fit alloc;                    /* the allocation model */
    kc_fit demand;                   /* the demand model (count and bottleneck without the
                                        vCPU ratio) */
    kc_shape dshape;                 /* one new VM at its expected demand */
    kc_plan_source cpu_source, mem_source;
    uint64_t count;                  /* the smaller */
    bool by_alloc, by_demand;        /* which model gives it (both on a tie) */
} kc_demand_plan_row;

/* Prepare the demand model of recorded host @h (its facts made into @host under @policy).
 * Returns 0, or -1 with @err (KC_ERR_INVALID: nothing ran in the window). */
int kc_demand_plan_init(const kc_demand_host *h, const kc_host *host, const kc_policy *policy,
                        kc_demand_plan *p, kc_error *err);

/* Fit @shape (with @like: a recorded VM's name, or NULL) on @host under both models. */
int kc_demand_plan_shape(const kc_demand_plan *p, const kc_demand_host *h, const kc_host *host,
                         const kc_policy *policy, const kc_shape *shape, const char *like,
                         kc_demand_plan_row *row, kc_error *err);

const char *kc_plan_source_name(kc_plan_source s);

#endif /* KC_PLAN_H */
