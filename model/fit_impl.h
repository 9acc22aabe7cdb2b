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

#endif /* KC_FIT_IMPL_H */
