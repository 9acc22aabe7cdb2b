/* SPDX-License-Identifier: MIT */
/* demand.h: per-resource capacity vectors of a host and demand vectors of VM shapes (pure). */
#ifndef KC_DEMAND_H
#define KC_DEMAND_H

#include "kc.h"
#include "fit.h"

/*
 * The packing engine sees a host as a vector of capacities and a VM as a vector of demands,
 * one entry per kc_resource. Both come from kc_fit_compute(), so that packing one shape on
 * one host gives exactly the single-host count of doc/model.md 2 (same reserve, overcommit,
 * ratio, max util, hugepage rounding, overhead, existing VMs).
 *
 * Limitation: --numa strict is honoured for the physical rule (a VM bigger than every node
 * fits nowhere) but the vectors are host-wide (spread), i.e. a host is one bin.
 */

/* What a host offers to new VMs. */
typedef struct kc_host_capacity {
    uint32_t planned;                 /* bit (1u << r): some shape asks for r and the host's
                                         capacity is known: a dimension of the packing */
    uint32_t unknown;                 /* bit: some shape asks for r, the host cannot tell
                                         (no NIC speed, no device figure): not planned */
    uint64_t capacity[KC_RES_LAST];   /* plannable capacity (after max util), before existing */
    uint64_t used[KC_RES_LAST];       /* held by existing VMs */
    uint64_t free[KC_RES_LAST];       /* capacity - used, floored at 0: what packing fills */
} kc_host_capacity;

/* What one VM of a shape takes on that host. */
typedef struct kc_shape_demand {
    uint64_t per_vm[KC_RES_LAST];     /* 0 where the shape asks nothing or r is not planned */
    bool too_big;                     /* the physical rule: fits 0 times on this host */
    kc_resource too_big_res;          /* which hardware it exceeds (valid if too_big) */
} kc_shape_demand;

/* Compute @cap for @host and @dem[i] for each of the @n_shapes @shapes under @policy.
 * Borrows everything; @dem has @n_shapes entries (caller-owned). Returns 0, or -1 with @err
 * (KC_ERR_INVALID: invalid host/policy/shape, or a figure beyond 64 bits). */
int kc_demand_compute(const kc_host *host, const kc_policy *policy, const kc_shape *shapes,
                      size_t n_shapes, kc_host_capacity *cap, kc_shape_demand *dem,
                      kc_error *err);

/* The first planned resource where one VM of @dem exceeds what @cap has free, or the
 * physical rule's resource; KC_RES_LAST if one VM fits on an empty (as given) host. */
kc_resource kc_demand_misfit(const kc_host_capacity *cap, const kc_shape_demand *dem);

#endif /* KC_DEMAND_H */
