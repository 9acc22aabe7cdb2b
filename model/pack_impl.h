/* SPDX-License-Identifier: MIT */
/* pack_impl.h: what the packer's files share (pack.c, pack_heur.c, pack_exact.c,
 * pack_local.c, pack_bound.c): internal to the core, not an API. */
#ifndef KC_PACK_IMPL_H
#define KC_PACK_IMPL_H

#include <stdbool.h>
#include <string.h>

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
    const size_t *kd;            /* above KC_PACK_KD_MIN_TYPES types the k-d order
                                    (kc_pack_kd_order) if computed, else NULL */
} kc_pack_inst;

#define KC_PACK_KD_MIN_TYPES 1024u   /* the heuristics' trees in k-d order above this many
                                        types (pack_heur.c) */

static inline kc_u128 kc_pack_div_up128(kc_u128 a, kc_u128 b)
{
    return a / b + (a % b != 0);
}

#define KC_PACK_EXACT_MAX_TYPES 256u  /* the exact search: up to this many item types (and
                                         DEFAULT_EXACT_ITEMS VMs; its node budget bounds it) */
#define KC_PACK_MBS_MAX_TYPES 4096u   /* minimum bin slack: up to this many item types (its
                                         budget, not the type count, bounds the work) */
#define KC_PACK_LS_MAX_VMS 2000u      /* the local search expands up to this many VMs */
#define KC_PACK_SCARCE_MAX_TYPES 256u /* ffd-scarce re-sorts the types at every host; above
                                         this many types minimum bin slack also needs
                                         few VMs (KC_PACK_MULTI_MAX_VMS) */
#define KC_PACK_SMALL_VMS 600u       /* up to this many VMs the default effort is */
#define KC_PACK_SMALL_EFFORT 4u      /* this (kc_pack_opts.effort 0); 1 above */
#define KC_PACK_BFD_MAX_VMS 1000u     /* best-fit decreasing and least flexible first, up to
                                         this many VMs (VMs x hosts work) */
#define KC_PACK_MULTI_MAX_VMS 20000u  /* multi-bin places VMs one by one: up to this many */
#define KC_PACK_MULTI_MAX_CELLS (1u << 21)  /* and hosts x types up to this (its tables) */

/* A packing under construction: patterns with repetitions (pack.c). Sparse: pattern k's
 * item types are uses[start[k] .. start[k + 1]), by increasing item index. */
typedef struct kc_pack_sol {
    size_t n_pat, cap_pat;
    uint64_t *reps;
    size_t *start;               /* n_pat + 1 offsets into uses */
    kc_pack_use *uses;
    size_t n_uses, cap_uses;
    uint64_t hosts;
    kc_pack_heuristic how;
} kc_pack_sol;

void kc_pack_sol_clear(kc_pack_sol *s);
/* Append @reps hosts of the pattern @p (@ni dense counts). -1 with @err on out-of-memory. */
int kc_pack_sol_push(kc_pack_sol *s, size_t ni, uint64_t reps, const uint64_t *p, kc_error *err);
/* The same, or add the hosts to the last pattern when it is @p already. */
int kc_pack_sol_push_merge(kc_pack_sol *s, size_t ni, uint64_t reps, const uint64_t *p,
                           kc_error *err);
/* Append @reps hosts of the pattern @u (@n uses, by increasing item index). */
int kc_pack_sol_push_uses(kc_pack_sol *s, uint64_t reps, const kc_pack_use *u, size_t n,
                          kc_error *err);

/* How many of @dem fit into @left (UINT64_MAX if it asks nothing). */
static inline uint64_t kc_pack_fit_count(const uint64_t *left, const uint64_t *dem, size_t nd)
{
    uint64_t n = UINT64_MAX;

    for (size_t d = 0; d < nd; d++)
        if (dem[d] > 0 && left[d] / dem[d] < n)
            n = left[d] / dem[d];
    return n;
}

/* fit_count(left, dem, nd) > 0, without dividing: the packing loops ask this of every item
 * type at every step and need the count itself only for the one they pick. */
static inline bool kc_pack_fits_once(const uint64_t *left, const uint64_t *dem, size_t nd)
{
    bool ok = true;

    for (size_t d = 0; d < nd; d++)
        ok &= dem[d] <= left[d];
    return ok;
}

static inline void kc_pack_take(uint64_t *left, const uint64_t *dem, size_t nd, uint64_t n)
{
    for (size_t d = 0; d < nd; d++)
        left[d] -= dem[d] * n;   /* n <= left[d] / dem[d]: no wrap */
}

static inline uint64_t kc_pack_norm_of(uint64_t v, uint64_t cap)
{
    return cap ? (uint64_t)(((kc_u128)v << KC_PACK_NORM_BITS) / cap) : 0;
}

/* Scarcity weights of the multi-bin family (pack_multi.c says what each is) and of
 * ffd-scarce (pack_heur.c: average and reciprocal average only). */
typedef enum kc_pack_weight {
    KC_PACK_W_UTIL, KC_PACK_W_AVG, KC_PACK_W_RECIP, KC_PACK_W_ONE, KC_PACK_W_LAST
} kc_pack_weight;

/* A sort key and the item it is for. */
typedef struct kc_pack_keyed {
    uint64_t key;
    size_t i;
} kc_pack_keyed;

/* qsort order of kc_pack_keyed: larger key first, then by index (pack_heur.c). */
int kc_pack_cmp_keyed(const void *a, const void *b);

/* Above this many items the sorts of many types (kc_pack_sort_items, the bounds' orders)
 * radix-sort their keys when the scratch can be had, else they compare (the same order). */
#define KC_PACK_RADIX_MIN 1024u

/* @a (@n) by key, descending or ascending, stable (ties keep their order: @a by index gives
 * ties by index); @tmp: scratch of @n. A radix sort, 11 bits a pass, as many passes as the
 * keys have bits (pack_heur.c). */
void kc_pack_radix_keyed(kc_pack_keyed *a, kc_pack_keyed *tmp, size_t n, bool descending);

/* The k-d order of @in's types into @order (pack_heur.c): the same for every heuristic of
 * one instance. */
void kc_pack_kd_order(const kc_pack_inst *in, size_t *order);

/* Item order of heuristic @h (static key, descending) into @order (pack_heur.c). */
void kc_pack_sort_items(const kc_pack_inst *in, kc_pack_heuristic h, size_t *order);
/* One bin-centric heuristic, or minimum bin slack, into @s (pack_heur.c); @w is
 * ffd-scarce's weight (KC_PACK_W_AVG or KC_PACK_W_RECIP), ignored by the others. -1 on OOM. */
int kc_pack_run_heuristic(const kc_pack_inst *in, kc_pack_heuristic h, kc_pack_weight w,
                          kc_pack_sol *s, kc_error *err);
/* Item-centric best-fit decreasing in @key order (KC_PACK_FFD_L1, _L2 or _LINF), into @s
 * (pack_heur.c). -1 on OOM. */
int kc_pack_run_bfd(const kc_pack_inst *in, kc_pack_heuristic key, kc_pack_sol *s,
                    kc_error *err);
/* Least flexible first (pack_heur.c): hosts seeded with the VM that fits with the fewest
 * others, filled with the fitting VMs of fewest partners (@by_size: the largest). -1 on OOM. */
int kc_pack_run_mindeg(const kc_pack_inst *in, bool by_size, kc_pack_sol *s, kc_error *err);
int kc_pack_run_mbs(const kc_pack_inst *in, uint64_t budget, uint64_t effort, bool deep,
                    kc_pack_sol *s, uint64_t *spent, kc_error *err);
/* Multi-bin with a binary search on k in [@lb, @ub - 1] (pack_multi.c): the best packing
 * found into @s (s->hosts == UINT64_MAX if none beats @ub); @spent gets the work done, at
 * most about @budget. -1 on OOM only. */
int kc_pack_run_multi(const kc_pack_inst *in, uint64_t lb, uint64_t ub, kc_pack_weight weight,
                      uint64_t budget, kc_pack_sol *s, uint64_t *spent, kc_error *err);
/* Try to beat @s with a bounded exact search, or prove it optimal (pack_exact.c). */
int kc_pack_exact(const kc_pack_inst *in, uint64_t lb, uint64_t budget, kc_pack_sol *s,
                  bool *proven, kc_error *err);
/* Improve @s in place by emptying hosts (pack_local.c). -1 on OOM only. */
int kc_pack_improve(const kc_pack_inst *in, uint64_t lb, kc_pack_sol *s, kc_error *err);

/* The strongest lower bound on hosts for @in (volume on reachable load, Martello-Toth L2,
 * VMs that cannot share a host, dual-feasible functions): pack_bound.c. */
int kc_pack_bound_inst(const kc_pack_inst *in, uint64_t *bound, kc_pack_bound *kind,
                       kc_error *err);

#endif /* KC_PACK_IMPL_H */
