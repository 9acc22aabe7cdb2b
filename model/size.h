/* SPDX-License-Identifier: MIT */
/* size.h: pre-purchase sizing over candidate host models, and mixed fit on one host (pure). */
#ifndef KC_SIZE_H
#define KC_SIZE_H

#include "kc.h"
#include "fit.h"
#include "pack.h"

/* Sizing packs one dimension per resource (kc_pack_item.demand has KC_PACK_DIM_MAX). */
_Static_assert(KC_PACK_DIM_MAX == KC_RES_LAST, "KC_PACK_DIM_MAX is one per kc_resource");

/* One line of a workload: @count VMs of @shape, named @name in reports and errors (the
 * spec as the user wrote it, or the workload file's name). */
typedef struct kc_workload_line {
    char name[KC_NAME_MAX];
    kc_shape shape;
    uint64_t count;
} kc_workload_line;

/* A candidate host model: the host as the core sees it, and an optional price. */
typedef struct kc_candidate {
    char name[KC_NAME_MAX];
    kc_host host;
    uint64_t price;              /* per host, whole currency units (USD); 0 = no price */
} kc_candidate;

typedef struct kc_size_opts {
    kc_policy policy;            /* max_util_bp is the per-resource utilization cap */
    uint32_t growth_bp;          /* counts grow to ceil(count x (10000 + growth) / 10000) */
    uint32_t ha;                 /* host failures tolerated: spare hosts added */
    kc_pack_opts pack;           /* zero = defaults */
} kc_size_opts;

#define KC_SIZE_NO_POOL SIZE_MAX
#define KC_SIZE_POOLS_KEPT 1024

/* A merged workload line: the lines of one shape (zero counts dropped). */
typedef struct kc_size_line {
    char name[KC_NAME_MAX];      /* every line's name, joined by '+' in the order given
                                    ("web+db"); past KC_NAME_MAX "web+db +3 more" */
    size_t n_names;              /* names merged here (a name given again counts once, as
                                    far as the label holds them) */
    kc_shape shape;
    uint64_t requested;          /* sum of the merged lines' counts */
    uint64_t count;              /* after growth: what is packed */
} kc_size_line;

typedef enum kc_size_rank {
    KC_SIZE_RANK_PRICE,          /* cheapest total first */
    KC_SIZE_RANK_HOSTS,          /* no price: fewest hosts first */
    KC_SIZE_RANK_INFEASIBLE,     /* does not hold the workload: listed after the feasible */
    KC_SIZE_RANK_ERROR,          /* packed, but an answer for it does not fit in 64 bits (its
                                    total price or host count): kc_size_result.error says
                                    which; listed last, the other candidates stand */
    KC_SIZE_RANK_LAST
} kc_size_rank;

/* The answer for one candidate. */
typedef struct kc_size_result {
    char name[KC_NAME_MAX];
    size_t candidate;            /* index into the caller's candidate array */
    kc_size_rank rank;
    /* infeasible: the first line (index into kc_sizing.lines) that cannot go on this host
     * and the resource that stops it */
    size_t misfit_line;
    kc_resource misfit_res;
    uint64_t hosts;              /* hosts_packed + ha */
    uint64_t hosts_packed;
    uint64_t lower_bound;        /* no packing needs fewer than this (before ha) */
    bool proven_optimal;         /* hosts_packed is the minimum */
    kc_pack_heuristic method;
    uint64_t price;              /* per host, 0 = none */
    uint64_t price_total;        /* price x hosts */
    uint64_t price_per_vm_cents; /* price_total x 100 / VMs, rounded half up */
    uint32_t planned;            /* bit per kc_resource: the dimensions packed */
    uint32_t unknown;            /* asked for, but this host's capacity is unknown: unplanned */
    uint64_t capacity[KC_RES_LAST];   /* plannable per host (max util applied) */
    uint64_t demand[KC_RES_LAST];     /* the whole grown workload */
    /* utilization = demand / (hosts_packed x capacity) in basis points, to nearest (half up);
     * over all hosts (spares included) it is demand / (hosts x capacity) */
    uint32_t util_bp[KC_RES_LAST];
    uint32_t bottleneck;         /* bits: resource(s) with the highest utilization (ties all) */
    kc_pack *pack;               /* owned: the patterns; item i is kc_sizing.lines[i] */
    /* The same packing with its pools (doc/model.md 7.6), owned: item v of pool_pack is
     * line var_line[v] with its disk on pool var_pool[v] of the host (an index into
     * kc_host.storage; KC_SIZE_NO_POOL: the shape asks no storage). Its bins are hosts, or
     * NUMA nodes under --numa strict (pack groups them into hosts). NULL (and n_vars 0)
     * where no line has a choice of pool and the workload has more than
     * KC_SIZE_POOLS_KEPT lines: the packing is then pack's alone. */
    kc_pack *pool_pack;
    size_t n_vars;
    size_t *var_line;
    size_t *var_pool;
    size_t pools_dropped;        /* pools left out to stay within KC_PACK_DIM_MAX dimensions */
    uint64_t bins_per_host;      /* pool_pack's bins per host: 1, or the NUMA nodes (strict) */
    char error[128];             /* rank KC_SIZE_RANK_ERROR: what does not fit ("total price
                                    does not fit in 64 bits"), else "" */
} kc_size_result;

typedef struct kc_sizing {
    size_t n_lines;
    kc_size_line *lines;
    uint64_t total_vms;          /* grown */
    size_t n_results;
    kc_size_result *results;     /* sorted: price (if any), hosts, name; infeasible last */
    bool recommended;            /* results[0] is the recommendation */
} kc_sizing;

/* Size @n_lines @lines against @n_cands @cands under @opts. Borrows everything. On success
 * *out is a new kc_sizing (caller frees with kc_sizing_free()). Returns -1 with @err
 * (KC_ERR_INVALID): an invalid shape, host or policy (naming it), an empty workload,
 * no candidates, a VM shape that fits on no candidate (naming the shape and the biggest
 * candidate), no candidate holding every shape, or a total beyond 64 bits. A candidate
 * whose own total price or host count exceeds 64 bits is that candidate's answer (rank
 * KC_SIZE_RANK_ERROR, listed last), not the run's, unless no candidate is left. */
int kc_size_run(const kc_workload_line *lines, size_t n_lines, const kc_candidate *cands,
                size_t n_cands, const kc_size_opts *opts, kc_sizing **out, kc_error *err);
void kc_sizing_free(kc_sizing *sizing);

/* How many distinct pools of the host @r's packing puts VMs' disks on (0: none; reports
 * show the pools of a packing that uses two or more). */
size_t kc_size_pools_used(const kc_size_result *r);

/* Mixed fit on one host: do the @placed lines fit together on @host, and how many VMs of
 * @extra fit next to them? */
typedef struct kc_size_mixed {
    bool placed_fit;
    size_t misfit_line;          /* !placed_fit: a line too big on its own, or n_placed when
                                    only their sum is too much */
    uint32_t over;               /* bits: resources the placed VMs exceed together */
    uint64_t extra;              /* VMs of @extra that still fit (0 if !placed_fit) */
    bool extra_too_big;          /* the physical rule for @extra */
    uint32_t bottleneck;         /* bits: resources that stop @extra */
    uint32_t unknown;            /* asked for but not known on this host: not planned */
    uint64_t capacity[KC_RES_LAST];   /* free for new VMs (existing VMs subtracted) */
    uint64_t used[KC_RES_LAST];       /* by the placed VMs */
} kc_size_mixed;

int kc_size_mixed_fit(const kc_host *host, const kc_policy *policy,
                      const kc_workload_line *placed, size_t n_placed, const kc_shape *extra,
                      kc_size_mixed *out, kc_error *err);

#endif /* KC_SIZE_H */
