/* SPDX-License-Identifier: MIT */
/* fit_impl.h: what the fit's reference (fit.c) and its fast path (fit_fast.c) share:
 * internal to the core, not an API. */
#ifndef KC_FIT_IMPL_H
#define KC_FIT_IMPL_H

#include "fit.h"

static inline uint64_t kc_fit_div_up(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

static inline uint64_t kc_fit_sub_sat(uint64_t a, uint64_t b)
{
    return a > b ? a - b : 0;
}

/* Mark @out as "fits 0 times" because of @res (the first such resource is kept). */
void kc_fit_too_big(kc_fit *out, kc_resource res);
/* Hugepage-backed guest RAM is allocated in whole pages of @page_kib. */
uint64_t kc_fit_round_to_page(uint64_t mem_mib, uint64_t page_kib);
/* --numa strict: per-node limits into @out (numa_limit, numa_binding); see fit.c. */
int kc_fit_numa(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                uint64_t used_mem, kc_fit *out, kc_error *err);

/* ---- storage pools (pool.c; the rules are README "Model", doc/model.md 2.5) ---- */

/* One pool under one shape: kc_pool_fit of pool.h (not included: pool.c includes this). */
struct kc_pool_fit;

/* The storage part of a fit: the DISK, IOPS and THROUGHPUT rows (sums over the eligible
 * pools; their used adds what the host holds of unknown pool) and the pools' count. */
typedef struct kc_fit_storage {
    kc_res_fit rows[3];       /* KC_RES_DISK, KC_RES_IOPS, KC_RES_THROUGHPUT; each limit
                                 counts a pool's use only up to its capacity */
    bool asks;                /* the shape asks for disk, iops or mbps: pool_limit counts */
    uint64_t pool_limit;      /* sum over eligible pools of their limits (storage NICs
                                 capping the over-IP ones together) */
    uint32_t pool_binding;    /* resources that stop some pool */
    bool nic_limited;         /* the storage NICs cap the over-IP pools */
    bool too_big;             /* one VM's disk is larger than every eligible pool */
} kc_fit_storage;

/* Compute @out (and, if @pools is non-NULL, host->n_storage entries of it) for @shape on
 * @host under @policy. Host, shape and policy must be valid. Returns 0, or -1 with
 * KC_ERR_INVALID for a figure beyond 64 bits. */
int kc_fit_storage_compute(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                           kc_fit_storage *out, struct kc_pool_fit *pools, kc_error *err);

#endif /* KC_FIT_IMPL_H */
