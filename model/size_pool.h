/* SPDX-License-Identifier: MIT */
/* size_pool.h: sizing's packing with storage pools as sub-bins (internal to size.c; pure).
 * The rules are doc/model.md 7.6. */
#ifndef KC_SIZE_POOL_H
#define KC_SIZE_POOL_H

#include "kc.h"
#include "fit.h"
#include "demand.h"
#include "pack.h"

/* The packing instance of one bin (a host, or a node under --numa strict): each line of a
 * workload as one item per pool its disk may live on (a variant: the host-wide demands and
 * that pool's space, IOPS and throughput), or one item where the shape asks no storage. */
typedef struct kc_pool_inst kc_pool_inst;

/* Build the instance of @n_lines @shapes (@counts VMs each) on @bin under @policy (spread:
 * the vectors are host-wide); @cap and @dem: kc_demand_compute's for @bin if the caller has
 * them, else NULL. Returns 0, or -1 with @err (KC_ERR_INVALID: a figure beyond
 * 64 bits, more dimensions than KC_PACK_DIM_MAX after dropping every pool that can be
 * dropped; KC_ERR_INTERNAL: out of memory). */
int kc_pool_inst_build(const kc_host *bin, const kc_policy *policy, const kc_shape *shapes,
                       const uint64_t *counts, size_t n_lines, const kc_host_capacity *cap,
                       const kc_shape_demand *dem, kc_pool_inst **out, kc_error *err);
void kc_pool_inst_free(kc_pool_inst *pi);

/* KC_RES_LAST when a VM of line @i fits an empty bin (some pool takes it), else the
 * resource that stops it. */
kc_resource kc_pool_inst_misfit(const kc_pool_inst *pi, size_t i);

/* Pools left out of the packing to stay within KC_PACK_DIM_MAX dimensions (0 normally). */
size_t kc_pool_inst_dropped(const kc_pool_inst *pi);

/* Pack the instance: each line's count is split over its pools in more than one way
 * (doc/model.md 7.6), each split packed, the fewest hosts kept, and every pattern re-fitted
 * against each pool's space, IOPS and throughput, the storage NICs and the host-wide
 * limits; a split that packs in @bound bins (a valid lower bound) ends the search. Every line must fit (kc_pool_inst_misfit). *out is a packing over the lines
 * (items are lines; lower_bound and proven_optimal are the caller's to set: the split
 * instance's own bound is not one of the workload); *pool_pack the packing of the variants
 * (the caller frees both). @exact_inst: the instance had no
 * choice of pool (its bound is the workload's); @fullest: see above. Returns 0, or -1 with
 * @err. */
/* Per storage resource (disk, iops, mbps): the load over all bins of the fullest pool (or
 * the storage NICs) and that pool's capacity per bin, in the pool's own units (cap 0: no
 * pool is asked for it). */
typedef struct kc_pool_fullest {
    uint64_t load[3];
    uint64_t cap[3];
} kc_pool_fullest;

int kc_pool_inst_solve(const kc_pool_inst *pi, const kc_pack_opts *opts, uint64_t bound,
                       kc_pack **out, kc_pack **pool_pack, bool *exact_inst,
                       kc_pool_fullest *fullest, kc_error *err);

/* The variants (the items of *pool_pack): how many, and variant @v's line and pool
 * (SIZE_MAX: no storage asked). */
size_t kc_pool_inst_n_vars(const kc_pool_inst *pi);
void kc_pool_inst_var(const kc_pool_inst *pi, size_t v, size_t *line, size_t *pool);

/* A lower bound on the hosts of @host holding the workload, valid with pools as sub-bins:
 * the pools-summed relaxation (each storage resource one dimension, the sum over the pools
 * of the most any shape may take of each, less the use of no known pool; @cap and @dem are
 * kc_demand_compute's for @host) and, per line,
 * ceil(count / the fit's count); without @relax only the latter (the caller has a bound
 * of the relaxation's strength already: no line has a choice of pool). @storage_cap gets those sums (disk MiB, IOPS, MB/s; 0 where
 * no shape asks): what a host offers the workload, for utilization. Every line must fit.
 * Returns 0, or -1 with @err. */
int kc_pool_bound(const kc_host *host, const kc_policy *policy, const kc_shape *shapes,
                  const uint64_t *counts, size_t n_lines, const kc_host_capacity *cap,
                  const kc_shape_demand *dem, bool relax, uint64_t *bound, kc_pack_bound *kind,
                  uint64_t storage_cap[3], kc_error *err);

/* Whether some line may go to more than one pool (else the packed instance is the
 * workload's own and its bound valid). */
bool kc_pool_inst_has_choice(const kc_pool_inst *pi);

#endif /* KC_SIZE_POOL_H */
