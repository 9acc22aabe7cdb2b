/* SPDX-License-Identifier: MIT */
/* place.h: placing counted shapes across a fleet of different hosts' free capacity (pure). */
#ifndef KC_PLACE_H
#define KC_PLACE_H

#include "fit.h"
#include "kc.h"

/*
 * First-fit decreasing over hosts: shapes are taken largest first (memory, then vCPUs, then
 * the order given), and each goes to the hosts in the order given, every host taking as
 * many as still fit there (kc_fit_compute on the host with everything placed so far added
 * to its usage by kc_place_add, as `kvmcap fit` places SPEC:COUNT), until the count is
 * placed or the hosts run out. The result is deterministic.
 */

/* Add @n VMs of @shape to @host's usage as VMs placed there: their memory (hugepage RAM in
 * whole pages of the host's pool), vCPUs, disk, network, IOPS and throughput, and with
 * cpu= the load of their vCPUs (then known). Their memory overhead follows from the usage,
 * as for existing VMs. Under --numa strict (@policy) on a host of several nodes each VM
 * goes whole to one node, as a real VM does: the nodes in order, each taking as many as
 * still fit there (kc_fit_node_limits); the usage of the nodes is kept in
 * host->node_used. The one function by which `fit` and placement add VMs.
 * Returns 0, or -1 with @err: KC_ERR_INVALID for a shape, host or policy the fit rejects
 * or a total above 64 bits (then @host is unchanged). */
int kc_place_add(kc_host *host, const kc_shape *shape, const kc_policy *policy, uint64_t n,
                 kc_error *err);

typedef struct kc_place_shape {
    uint64_t requested;        /* the count asked for */
    uint64_t placed;           /* sum over hosts */
    uint64_t unplaced;         /* requested - placed */
    /* Why the unplaced rest fits nowhere (unplaced > 0 only), over the hosts at the end: */
    uint32_t full;             /* bit (1u << kc_resource): resources that stop some host */
    size_t hosts_too_big;      /* hosts on which one VM exceeds the hardware */
    uint32_t too_big;          /* bit (1u << kc_resource): what it exceeds there */
} kc_place_shape;

/* A placement. Caller frees with kc_place_free() (NULL-safe). */
typedef struct kc_place {
    size_t n_shapes, n_hosts;
    kc_place_shape *shapes;    /* n_shapes, in the order given */
    uint64_t *counts;          /* counts[s * n_hosts + h]: VMs of shape s on host h */
    kc_host *hosts;            /* n_hosts: each host with what was placed on it added */
    bool complete;             /* every requested VM is placed */
} kc_place;

/* Place @counts[s] VMs of @shapes[s] (@n_shapes) on @hosts (@n_hosts, borrowed: their
 * existing usage is the start) under @policy. *out gets a new kc_place. Returns 0, or -1
 * with @err: KC_ERR_INVALID for a shape or policy kc_fit_compute rejects or a usage total
 * above 64 bits, KC_ERR_INTERNAL on out-of-memory. No hosts is valid: nothing is placed. */
int kc_place_solve(const kc_host *hosts, size_t n_hosts, const kc_shape *shapes,
                   const uint64_t *counts, size_t n_shapes, const kc_policy *policy,
                   kc_place **out, kc_error *err);
void kc_place_free(kc_place *place);

#endif /* KC_PLACE_H */
