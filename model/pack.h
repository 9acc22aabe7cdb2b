/* SPDX-License-Identifier: MIT */
/* pack.h: multi-dimensional vector bin packing over shape counts, with a lower bound (pure). */
#ifndef KC_PACK_H
#define KC_PACK_H

#include "kc.h"

/*
 * Items are (demand vector, count); bins are identical hosts with one capacity vector.
 * Work grows with the number of item types and hosts, never with the number of VMs: a host
 * is filled with a *pattern* (how many of each item) and the pattern is repeated as often
 * as the remaining counts allow. All arithmetic is integer; results are deterministic.
 */
#define KC_PACK_DIM_MAX 8          /* one per kc_resource */

/* kc_pack_mixed keeps dimension sets as bit masks in uint32_t fields. */
_Static_assert(KC_PACK_DIM_MAX <= 32, "a dimension bit mask is a uint32_t");

typedef struct kc_pack_item {
    uint64_t demand[KC_PACK_DIM_MAX];   /* per item, in each dimension's unit; 0 = asks nothing */
    uint64_t count;                     /* how many; 0 is allowed and ignored */
} kc_pack_item;

typedef enum kc_pack_heuristic {
    KC_PACK_FFD_L1,        /* first-fit decreasing by the sum of normalized demands */
    KC_PACK_FFD_L2,        /* ... by the sum of squares */
    KC_PACK_FFD_LINF,      /* ... by the largest normalized demand */
    KC_PACK_DOT,           /* dot product of demand and free capacity (Panigrahy et al.) */
    KC_PACK_BEST_FIT,      /* the item leaving the smallest L2 norm of free capacity */
    KC_PACK_EXACT,         /* branch and bound (small instances only) */
    KC_PACK_MIN_SLACK,     /* each host filled by a bounded search for the fullest one that
                              holds the largest VM left (Gupta-Ho's minimum bin slack) */
    KC_PACK_FFD_SCARCE,    /* first-fit decreasing by demand weighted with each dimension's
                              remaining total or its reciprocal, re-weighted at every new
                              host */
    KC_PACK_MULTI,         /* multi-bin: k hosts open at once, the best (VM, host) pair by a
                              scarcity-weighted residual first, binary search on k */
    KC_PACK_BFD,           /* best-fit decreasing VM by VM: each VM onto the fullest open
                              host it fits, every host kept open */
    KC_PACK_MINDEG,        /* least flexible first: each host seeded with the VM that can
                              share a host with the fewest others, filled likewise */
    KC_PACK_HEURISTIC_LAST
} kc_pack_heuristic;

typedef enum kc_pack_bound {
    KC_PACK_BOUND_VOLUME,  /* max over dimensions of ceil(total demand / capacity) */
    KC_PACK_BOUND_L2,      /* Martello-Toth L2 in one dimension */
    KC_PACK_BOUND_CLIQUE,  /* items no two of which can share a host */
    KC_PACK_BOUND_DFF,     /* dual-feasible functions (Fekete-Schepers) on one dimension or on
                              a weighted sum of the normalized dimensions (Caprara-Toth's
                              surrogate relaxation) */
    KC_PACK_BOUND_LAST
} kc_pack_bound;

/* One item type on a pattern's hosts. */
typedef struct kc_pack_use {
    size_t item;           /* index into the instance's items */
    uint64_t count;        /* VMs of it on each of the pattern's hosts (> 0) */
} kc_pack_use;

/* A pattern lists only the item types its hosts hold (sparse: a packing of n distinct
 * shapes takes memory in the VMs placed, not in patterns x shapes). */
typedef struct kc_pack_pattern {
    uint64_t hosts;        /* hosts filled like this */
    size_t n_uses;
    kc_pack_use *uses;     /* n_uses entries, by increasing item index, counts > 0 */
} kc_pack_pattern;

/* A packing. Owned by the caller; free with kc_pack_free(). */
typedef struct kc_pack {
    size_t n_items;
    size_t n_dims;
    uint64_t hosts;                /* hosts used: sum of patterns[].hosts */
    uint64_t lower_bound;          /* no packing uses fewer hosts */
    kc_pack_bound bound;           /* which bound gave lower_bound */
    bool proven_optimal;           /* hosts == lower_bound, or the exact search finished */
    kc_pack_heuristic heuristic;   /* which method found this packing */
    size_t n_patterns;
    kc_pack_pattern *patterns;
    kc_pack_use *use_pool;         /* owns every pattern's uses (kc_pack_free frees it) */
} kc_pack;

typedef struct kc_pack_opts {
    uint64_t exact_nodes;          /* node budget of the exact search; 0 = default (200000) */
    uint64_t exact_max_items;      /* try the exact search up to this many VMs; 0 = default (60) */
    bool no_exact;                 /* heuristics only */
    uint32_t effort;               /* search effort (0 = the default: 4 on instances of up
                                      to 600 VMs, 1 above): the minimum-bin-slack and
                                      multi-bin searches run at effort 1, 2, 4, ... up to this
                                      multiple of their default work budgets while a gap to
                                      the bound is left, each round kept only when better (a
                                      higher effort never gives more hosts); the exact
                                      search's nodes are multiplied too. Work, not time, so
                                      that a packing never depends on the machine's speed */
} kc_pack_opts;

/* Pack @n_items @items into hosts of capacity @cap (@n_dims <= KC_PACK_DIM_MAX entries).
 * @opts may be NULL. On success *out is a new kc_pack (caller frees). Returns -1 with @err:
 * KC_ERR_INVALID when an item does not fit an empty host (the message names the item's
 * index and dimension), when there are no items, or when a total exceeds 64 bits;
 * KC_ERR_INTERNAL on out-of-memory, or if the packing fails kc_pack_verify (it is checked
 * before it is returned). */
int kc_pack_solve(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                  size_t n_items, const kc_pack_opts *opts, kc_pack **out, kc_error *err);
void kc_pack_free(kc_pack *pack);

/* VMs of item @item on each host of @pat (0 if it holds none): a binary search. */
uint64_t kc_pack_pattern_count(const kc_pack_pattern *pat, size_t item);

/* The lower bound alone (same as kc_pack_solve's). Items must each fit an empty host.
 * Returns 0 with *bound (and *kind if non-NULL), or -1 with @err. */
int kc_pack_lower_bound(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                        size_t n_items, uint64_t *bound, kc_pack_bound *kind, kc_error *err);

/* Check @pack against the instance: every pattern fits, every VM placed exactly once, the
 * host count adds up. Returns 0, or -1 with @err (KC_ERR_INTERNAL) saying what is wrong. */
int kc_pack_verify(const kc_pack *pack, const uint64_t *cap, size_t n_dims,
                   const kc_pack_item *items, size_t n_items, kc_error *err);

/* Mixed fit on one host: do the @n_placed @placed items (with counts) fit together, and how
 * many of @extra (a demand vector, at least one entry non-zero) fit in what they leave? */
typedef struct kc_pack_mixed {
    bool placed_fit;                    /* the placed items fit together */
    uint32_t over;                      /* bit d: dimensions the placed items exceed */
    uint64_t used[KC_PACK_DIM_MAX];     /* taken by the placed items */
    uint64_t extra;                     /* how many @extra fit next to them (0 if !placed_fit) */
    uint32_t bottleneck;                /* bit d: dimensions that stop @extra at that count */
} kc_pack_mixed;

int kc_pack_fit_mixed(const uint64_t *cap, size_t n_dims, const kc_pack_item *placed,
                      size_t n_placed, const uint64_t *extra, kc_pack_mixed *out,
                      kc_error *err);

/* Stable names for reports: "ffd-l1", "ffd-l2", "ffd-max", "dot-product", "best-fit",
 * "exact", "min-slack", "ffd-scarce", "multi-bin", "best-fit-dec",
 * "least-flexible"; "volume", "l2", "clique", "dff". */
const char *kc_pack_heuristic_name(kc_pack_heuristic h);
const char *kc_pack_bound_name(kc_pack_bound b);

#endif /* KC_PACK_H */
