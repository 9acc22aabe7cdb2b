/* SPDX-License-Identifier: MIT */
/* pack_impl.h: what pack.c and pack_bound.c share (internal to the core, not an API). */
#ifndef KC_PACK_IMPL_H
#define KC_PACK_IMPL_H

#include "pack.h"

#define KC_PACK_NORM_BITS 20

/* One packing instance: the host's capacity and the items, with their demands normalized
 * to the host (demand * 2^KC_PACK_NORM_BITS / capacity) for the heuristics' priorities. */
typedef struct kc_pack_inst {
    const uint64_t *cap;
    size_t nd, ni;
    const kc_pack_item *items;
    uint64_t *norm;              /* ni x KC_PACK_DIM_MAX */
    uint64_t total;              /* VMs */
} kc_pack_inst;

static inline kc_u128 kc_pack_div_up128(kc_u128 a, kc_u128 b)
{
    return a / b + (a % b != 0);
}

/* The strongest lower bound on hosts for @in (volume on reachable load, Martello-Toth L2,
 * VMs that cannot share a host, dual-feasible functions): pack_bound.c. */
int kc_pack_bound_inst(const kc_pack_inst *in, uint64_t *bound, kc_pack_bound *kind,
                       kc_error *err);

#endif /* KC_PACK_IMPL_H */
