/* SPDX-License-Identifier: MIT */
/* exact_packer.c: brute-force vector bin packing for tests: each VM tried in every open host. */
#include <string.h>

#include "exact_packer.h"

/*
 * Deliberately a different algorithm from model/pack.c: VMs are expanded one by one and
 * assigned, in order, to each host already open or to one new host (the classic
 * assignment search), with only two safe prunings: never open a host when that cannot beat
 * the best so far, and a VM identical to the previous one goes to the same or a later host
 * (swapping two identical VMs gives the same packing).
 */
typedef struct ex {
    size_t nd, n;
    const uint64_t *cap;
    uint64_t dem[KC_EXACT_MAX_VMS][KC_PACK_DIM_MAX];
    size_t type[KC_EXACT_MAX_VMS];
    uint64_t load[KC_EXACT_MAX_VMS][KC_PACK_DIM_MAX];
    size_t where[KC_EXACT_MAX_VMS];
    size_t best;
} ex;

static int fits(const ex *e, size_t bin, size_t v)
{
    for (size_t d = 0; d < e->nd; d++)
        if (e->load[bin][d] + e->dem[v][d] > e->cap[d])
            return 0;
    return 1;
}

static void put(ex *e, size_t bin, size_t v, int sign)
{
    for (size_t d = 0; d < e->nd; d++) {
        if (sign > 0)
            e->load[bin][d] += e->dem[v][d];
        else
            e->load[bin][d] -= e->dem[v][d];
    }
}

static void search(ex *e, size_t v, size_t open)
{
    size_t from = 0;

    if (open >= e->best)
        return;
    if (v == e->n) {
        e->best = open;
        return;
    }
    if (v > 0 && e->type[v] == e->type[v - 1])
        from = e->where[v - 1];
    for (size_t b = from; b < open; b++) {
        if (!fits(e, b, v))
            continue;
        put(e, b, v, 1);
        e->where[v] = b;
        search(e, v + 1, open);
        put(e, b, v, -1);
    }
    if (open + 1 < e->best) {
        memset(e->load[open], 0, sizeof(e->load[open]));
        put(e, open, v, 1);
        e->where[v] = open;
        search(e, v + 1, open + 1);
        put(e, open, v, -1);
    }
}

uint64_t kc_exact_bins(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                       size_t n_items)
{
    ex e;

    memset(&e, 0, sizeof(e));
    e.nd = n_dims;
    e.cap = cap;
    for (size_t i = 0; i < n_items; i++) {
        for (uint64_t c = 0; c < items[i].count; c++) {
            if (e.n == KC_EXACT_MAX_VMS)
                return UINT64_MAX;
            for (size_t d = 0; d < n_dims; d++) {
                if (items[i].demand[d] > cap[d])
                    return UINT64_MAX;
                e.dem[e.n][d] = items[i].demand[d];
            }
            e.type[e.n] = i;
            e.n++;
        }
    }
    e.best = e.n + 1;        /* one host per VM always works; search for fewer */
    search(&e, 0, 0);
    return e.best > e.n ? e.n : e.best;
}
