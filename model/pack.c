/* SPDX-License-Identifier: MIT */
/* pack.c: vector bin packing over shape counts: the public API, which runs the heuristics
 * (pack_heur.c), the small exact search (pack_exact.c), the improvement (pack_local.c) and
 * the lower bounds (pack_bound.c). */
#include <stdlib.h>
#include <string.h>

#include "pack_impl.h"

#define DEFAULT_EXACT_NODES 200000u
#define DEFAULT_EXACT_ITEMS 60u
/* Work budgets at effort 1 (kc_pack_opts.effort multiplies them): minimum-bin-slack search
 * nodes, and multi-bin work units (one unit: one VM type scored against one host). */
#define MBS_BUDGET 200000u
#define MULTI_BUDGET 1000000u

void kc_pack_sol_clear(kc_pack_sol *s)
{
    free(s->reps);
    free(s->start);
    free(s->uses);
    memset(s, 0, sizeof(*s));
}

/* Room for one more pattern of @n uses. */
static int sol_reserve(kc_pack_sol *s, size_t n, kc_error *err)
{
    if (s->n_pat + 1 >= s->cap_pat) {
        size_t c = s->cap_pat ? 2 * s->cap_pat : 8;
        uint64_t *r = realloc(s->reps, c * sizeof(*r));
        size_t *st;

        if (!r)
            return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        s->reps = r;
        st = realloc(s->start, c * sizeof(*st));
        if (!st)
            return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        if (!s->start)
            st[0] = 0;
        s->start = st;
        s->cap_pat = c;
    }
    if (n > s->cap_uses - s->n_uses) {
        size_t c = s->cap_uses ? 2 * s->cap_uses : 64;
        kc_pack_use *u;

        while (c - s->n_uses < n)
            c *= 2;
        u = realloc(s->uses, c * sizeof(*u));
        if (!u)
            return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        s->uses = u;
        s->cap_uses = c;
    }
    return 0;
}

static void sol_close(kc_pack_sol *s, uint64_t reps)
{
    s->reps[s->n_pat] = reps;
    s->start[++s->n_pat] = s->n_uses;
    s->hosts += reps;
}

int kc_pack_sol_push(kc_pack_sol *s, size_t ni, uint64_t reps, const uint64_t *p, kc_error *err)
{
    size_t n = 0;

    for (size_t i = 0; i < ni; i++)
        n += p[i] != 0;
    if (sol_reserve(s, n, err) < 0)
        return -1;
    for (size_t i = 0; i < ni; i++)
        if (p[i])
            s->uses[s->n_uses++] = (kc_pack_use){ i, p[i] };
    sol_close(s, reps);
    return 0;
}

int kc_pack_sol_push_uses(kc_pack_sol *s, uint64_t reps, const kc_pack_use *u, size_t n,
                          kc_error *err)
{
    if (sol_reserve(s, n, err) < 0)
        return -1;
    if (n)
        memcpy(s->uses + s->n_uses, u, n * sizeof(*u));
    s->n_uses += n;
    sol_close(s, reps);
    return 0;
}

int kc_pack_sol_push_merge(kc_pack_sol *s, size_t ni, uint64_t reps, const uint64_t *p,
                           kc_error *err)
{
    if (s->n_pat > 0) {
        size_t a = s->start[s->n_pat - 1], b = s->start[s->n_pat], j = a;
        bool same = true;

        for (size_t i = 0; same && i < ni; i++) {
            if (p[i] == 0)
                continue;
            same = j < b && s->uses[j].item == i && s->uses[j].count == p[i];
            j++;
        }
        if (same && j == b) {
            s->reps[s->n_pat - 1] += reps;
            s->hosts += reps;
            return 0;
        }
    }
    return kc_pack_sol_push(s, ni, reps, p, err);
}

/* ---- public API ---- */

static int check_instance(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                          size_t n_items, uint64_t *total, kc_error *err)
{
    if (n_dims == 0 || n_dims > KC_PACK_DIM_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "packing needs 1 to %d dimensions, not '%zu'",
                            KC_PACK_DIM_MAX, n_dims);
    *total = 0;
    for (size_t i = 0; i < n_items; i++) {
        if (items[i].count == 0)
            continue;
        for (size_t d = 0; d < n_dims; d++)
            if (items[i].demand[d] > cap[d])
                return kc_error_set(err, KC_ERR_INVALID,
                                    "item %zu needs '%llu' in dimension %zu but a host has %llu",
                                    i, (unsigned long long)items[i].demand[d], d,
                                    (unsigned long long)cap[d]);
        if (*total > UINT64_MAX - items[i].count)
            return kc_error_set(err, KC_ERR_INVALID, "more than 2^64 VMs to pack");
        *total += items[i].count;
    }
    return 0;
}

static int make_inst(kc_pack_inst *in, const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                     size_t n_items, kc_error *err)
{
    memset(in, 0, sizeof(*in));
    if (check_instance(cap, n_dims, items, n_items, &in->total, err) < 0)
        return -1;
    in->cap = cap;
    in->nd = n_dims;
    in->ni = n_items;
    in->items = items;
    in->norm = calloc(n_items * KC_PACK_DIM_MAX + 1, sizeof(*in->norm));
    if (!in->norm)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n_items; i++)
        for (size_t d = 0; d < n_dims; d++)
            in->norm[i * KC_PACK_DIM_MAX + d] = kc_pack_norm_of(items[i].demand[d], cap[d]);
    return 0;
}

int kc_pack_lower_bound(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                        size_t n_items, uint64_t *bound, kc_pack_bound *kind, kc_error *err)
{
    kc_pack_inst in;
    int ret;

    if (make_inst(&in, cap, n_dims, items, n_items, err) < 0)
        return -1;
    ret = kc_pack_bound_inst(&in, bound, kind, err);
    free(in.norm);
    return ret;
}

static kc_pack *pack_from_sol(const kc_pack_inst *in, const kc_pack_sol *s, kc_error *err)
{
    kc_pack *p = calloc(1, sizeof(*p));

    if (!p)
        goto oom;
    p->patterns = calloc(s->n_pat + 1, sizeof(*p->patterns));
    p->use_pool = calloc(s->n_uses + 1, sizeof(*p->use_pool));
    if (!p->patterns || !p->use_pool)
        goto oom;
    if (s->n_uses > 0)
        memcpy(p->use_pool, s->uses, s->n_uses * sizeof(*p->use_pool));
    p->n_items = in->ni;
    p->n_dims = in->nd;
    p->hosts = s->hosts;
    p->heuristic = s->how;
    p->n_patterns = s->n_pat;
    for (size_t k = 0; k < s->n_pat; k++) {
        p->patterns[k].hosts = s->reps[k];
        p->patterns[k].uses = p->use_pool + s->start[k];
        p->patterns[k].n_uses = s->start[k + 1] - s->start[k];
    }
    return p;
 oom:
    kc_pack_free(p);
    kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    return NULL;
}

/* Keep @cur in @best if it uses fewer hosts (on a tie the one found first), free the other. */
static void keep_better(kc_pack_sol *best, kc_pack_sol *cur)
{
    if (cur->hosts < best->hosts) {
        kc_pack_sol_clear(best);
        *best = *cur;
    } else {
        kc_pack_sol_clear(cur);
    }
}

/* One round of the searches at effort @e: minimum bin slack (4000 x @e nodes a host, then
 * small instances deeper), then the multi-bin family with each scarcity weight, each below
 * the best so far. Each result is kept only when it beats @best. */
static int search_round(const kc_pack_inst *in, uint64_t lb, uint64_t e, kc_pack_sol *best,
                        kc_error *err)
{
    static const kc_pack_weight weights[] = {
        KC_PACK_W_UTIL, KC_PACK_W_AVG, KC_PACK_W_RECIP, KC_PACK_W_ONE,
    };
    kc_pack_sol cur;
    uint64_t spent;

    for (int deep = 0; deep <= 1 && best->hosts > lb && in->ni <= KC_PACK_MBS_MAX_TYPES &&
         (in->ni <= KC_PACK_SCARCE_MAX_TYPES || in->total <= KC_PACK_MULTI_MAX_VMS); deep++) {
        if (kc_pack_run_mbs(in, e * MBS_BUDGET, e, deep, &cur, &spent, err) < 0)
            return -1;
        keep_better(best, &cur);
    }
    for (size_t w = 0; w < sizeof(weights) / sizeof(weights[0]); w++) {
        if (best->hosts <= lb || in->total > KC_PACK_MULTI_MAX_VMS ||
            (best->hosts - 1) * in->ni > KC_PACK_MULTI_MAX_CELLS)
            break;
        if (kc_pack_run_multi(in, lb, best->hosts, weights[w], e * MULTI_BUDGET, &cur, &spent,
                              err) < 0)
            return -1;
        keep_better(best, &cur);
    }
    return 0;
}

int kc_pack_solve(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                  size_t n_items, const kc_pack_opts *opts, kc_pack **out, kc_error *err)
{
    static const struct { kc_pack_heuristic h; kc_pack_weight w; } heuristics[] = {
        { KC_PACK_FFD_L2, KC_PACK_W_ONE }, { KC_PACK_DOT, KC_PACK_W_ONE },
        { KC_PACK_BEST_FIT, KC_PACK_W_ONE }, { KC_PACK_FFD_L1, KC_PACK_W_ONE },
        { KC_PACK_FFD_LINF, KC_PACK_W_ONE }, { KC_PACK_FFD_SCARCE, KC_PACK_W_AVG },
        { KC_PACK_FFD_SCARCE, KC_PACK_W_RECIP },
    };
    kc_pack_opts defaults = { 0 };
    kc_pack_inst in;
    kc_pack_sol best, cur;
    uint64_t lb = 0, effort, nodes;
    kc_pack_bound kind = KC_PACK_BOUND_VOLUME;
    size_t *kd = NULL;
    bool proven = false;
    int ret = -1;

    *out = NULL;
    memset(&best, 0, sizeof(best));
    if (!opts)
        opts = &defaults;
    effort = opts->effort ? opts->effort : 1;
    nodes = opts->exact_nodes ? opts->exact_nodes : DEFAULT_EXACT_NODES;
    nodes = nodes > UINT64_MAX / effort ? UINT64_MAX : nodes * effort;
    if (make_inst(&in, cap, n_dims, items, n_items, err) < 0)
        return -1;
    /* the default effort is higher on small instances (their rounds are cheap); the exact
     * search's nodes keep the effort asked for */
    if (!opts->effort && in.total <= KC_PACK_SMALL_VMS)
        effort = KC_PACK_SMALL_EFFORT;
    if (kc_pack_bound_inst(&in, &lb, &kind, err) < 0)
        goto out;
    if (n_items > KC_PACK_KD_MIN_TYPES) {
        kd = malloc(n_items * sizeof(*kd));    /* else each heuristic computes it */
        if (kd)
            kc_pack_kd_order(&in, kd);
        in.kd = kd;
    }
    best.hosts = UINT64_MAX;
    for (size_t h = 0; h < sizeof(heuristics) / sizeof(heuristics[0]); h++) {
        /* the scarcity weights re-sort the types at every host: not for many types */
        if (heuristics[h].h == KC_PACK_FFD_SCARCE && n_items > KC_PACK_SCARCE_MAX_TYPES)
            continue;
        if (kc_pack_run_heuristic(&in, heuristics[h].h, heuristics[h].w, &cur, err) < 0)
            goto out;
        /* Fewest hosts wins; on a tie the earlier heuristic (a fixed order). */
        keep_better(&best, &cur);
        if (best.hosts <= lb)
            break;
    }
    /* best-fit decreasing VM by VM, in each order, on instances of up to
     * KC_PACK_BFD_MAX_VMS VMs (kept only when better: a tie keeps the earlier) */
    for (size_t k = 0; k < 3 && best.hosts > lb && in.total <= KC_PACK_BFD_MAX_VMS; k++) {
        static const kc_pack_heuristic keys[3] = {
            KC_PACK_FFD_L2, KC_PACK_FFD_L1, KC_PACK_FFD_LINF,
        };

        if (kc_pack_run_bfd(&in, keys[k], &cur, err) < 0)
            goto out;
        keep_better(&best, &cur);
    }
    /* least flexible first, by partners and by size (the same limit) */
    for (int k = 0; k < 2 && best.hosts > lb && in.total <= KC_PACK_BFD_MAX_VMS; k++) {
        if (kc_pack_run_mindeg(&in, k == 1, &cur, err) < 0)
            goto out;
        keep_better(&best, &cur);
    }
    /* The searches at effort 1, then, while a gap to the bound is left, again at effort 2,
     * 4, ... up to @effort: the budget adapts to the instance (an instance at its bound
     * stops), and a higher effort never gives a worse packing (each round's results are
     * kept only when better; a deeper search alone is not monotone). The work is at most
     * about twice that of the last round. */
    for (uint64_t e = 1; best.hosts > lb; e = e * 2 < effort ? e * 2 : effort) {
        if (search_round(&in, lb, e, &best, err) < 0)
            goto out;
        if (e >= effort)
            break;
    }
    if (best.hosts > lb && in.total <= KC_PACK_LS_MAX_VMS && kc_pack_improve(&in, lb, &best, err) < 0)
        goto out;
    proven = best.hosts <= lb;
    if (!proven && !opts->no_exact && n_items <= KC_PACK_EXACT_MAX_TYPES &&
        in.total <= (opts->exact_max_items ? opts->exact_max_items : DEFAULT_EXACT_ITEMS) &&
        kc_pack_exact(&in, lb, nodes, &best, &proven, err) < 0)
        goto out;
    if (proven && best.hosts > lb)
        lb = best.hosts;         /* the exact search proved it: the bound is the optimum */
    *out = pack_from_sol(&in, &best, err);
    if (!*out)
        goto out;
    /* Every packing is checked before it is returned (patterns x types x dimensions, small
     * next to the search): a wrong packing is an internal error, never an answer. */
    if (kc_pack_verify(*out, cap, n_dims, items, n_items, err) < 0) {
        kc_pack_free(*out);
        *out = NULL;
        goto out;
    }
    (*out)->lower_bound = lb;
    (*out)->bound = kind;
    (*out)->proven_optimal = proven;
    ret = 0;
 out:
    kc_pack_sol_clear(&best);
    free(in.norm);
    free(kd);
    return ret;
}

void kc_pack_free(kc_pack *pack)
{
    if (!pack)
        return;
    free(pack->use_pool);
    free(pack->patterns);
    free(pack);
}

uint64_t kc_pack_pattern_count(const kc_pack_pattern *pat, size_t item)
{
    size_t lo = 0, hi = pat->n_uses;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (pat->uses[mid].item < item)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pat->n_uses && pat->uses[lo].item == item ? pat->uses[lo].count : 0;
}

int kc_pack_verify(const kc_pack *pack, const uint64_t *cap, size_t n_dims,
                   const kc_pack_item *items, size_t n_items, kc_error *err)
{
    kc_u128 hosts = 0, *placed;
    int ret = -1;

    if (pack->n_items != n_items || pack->n_dims != n_dims)
        return kc_error_set(err, KC_ERR_INTERNAL, "packing is for another instance");
    placed = calloc(n_items + 1, sizeof(*placed));
    if (!placed)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t k = 0; k < pack->n_patterns; k++) {
        const kc_pack_pattern *pt = &pack->patterns[k];
        kc_u128 sum[KC_PACK_DIM_MAX] = { 0 };

        if (pt->hosts == 0) {
            kc_error_set(err, KC_ERR_INTERNAL, "pattern %zu is used on no host", k);
            goto out;
        }
        hosts += pt->hosts;
        for (size_t j = 0; j < pt->n_uses; j++) {
            const kc_pack_use *u = &pt->uses[j];

            if (u->item >= n_items || u->count == 0 || (j > 0 && u->item <= pt->uses[j - 1].item)) {
                kc_error_set(err, KC_ERR_INTERNAL, "pattern %zu lists its items wrongly", k);
                goto out;
            }
            placed[u->item] += (kc_u128)pt->hosts * u->count;
            for (size_t d = 0; d < n_dims; d++)
                sum[d] += (kc_u128)u->count * items[u->item].demand[d];
        }
        for (size_t d = 0; d < n_dims; d++)
            if (sum[d] > cap[d]) {
                kc_error_set(err, KC_ERR_INTERNAL, "pattern %zu exceeds dimension %zu", k, d);
                goto out;
            }
    }
    if (hosts != pack->hosts) {
        kc_error_set(err, KC_ERR_INTERNAL, "patterns do not add up to the host count");
        goto out;
    }
    for (size_t i = 0; i < n_items; i++)
        if (placed[i] != items[i].count) {
            kc_error_set(err, KC_ERR_INTERNAL, "item %zu is placed %llu times, not %llu", i,
                         (unsigned long long)placed[i], (unsigned long long)items[i].count);
            goto out;
        }
    ret = 0;
 out:
    free(placed);
    return ret;
}

int kc_pack_fit_mixed(const uint64_t *cap, size_t n_dims, const kc_pack_item *placed,
                      size_t n_placed, const uint64_t *extra, kc_pack_mixed *out,
                      kc_error *err)
{
    bool asks = false;

    memset(out, 0, sizeof(*out));
    if (n_dims == 0 || n_dims > KC_PACK_DIM_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "packing needs 1 to %d dimensions, not '%zu'",
                            KC_PACK_DIM_MAX, n_dims);
    out->placed_fit = true;
    for (size_t d = 0; d < n_dims; d++) {
        kc_u128 sum = 0;

        for (size_t i = 0; i < n_placed; i++)
            sum += (kc_u128)placed[i].demand[d] * placed[i].count;   /* < 2^128 for < 2^64 items */
        if (sum > cap[d]) {
            out->placed_fit = false;
            out->over |= 1u << d;
            out->used[d] = sum > UINT64_MAX ? UINT64_MAX : (uint64_t)sum;
        } else {
            out->used[d] = (uint64_t)sum;
        }
        asks = asks || extra[d] > 0;
    }
    if (!asks)
        return kc_error_set(err, KC_ERR_INVALID, "the extra VM asks for no resource");
    if (!out->placed_fit)
        return 0;
    out->extra = UINT64_MAX;
    for (size_t d = 0; d < n_dims; d++)
        if (extra[d] > 0 && (cap[d] - out->used[d]) / extra[d] < out->extra)
            out->extra = (cap[d] - out->used[d]) / extra[d];
    for (size_t d = 0; d < n_dims; d++)
        if (extra[d] > 0 && (cap[d] - out->used[d]) / extra[d] == out->extra)
            out->bottleneck |= 1u << d;
    return 0;
}

const char *kc_pack_heuristic_name(kc_pack_heuristic h)
{
    static const char *const names[] = {
        "ffd-l1", "ffd-l2", "ffd-max", "dot-product", "best-fit", "exact", "min-slack",
        "ffd-scarce", "multi-bin", "best-fit-dec", "least-flexible",
    };
    _Static_assert(sizeof(names) / sizeof(names[0]) == KC_PACK_HEURISTIC_LAST,
                   "one name per kc_pack_heuristic");

    return (unsigned)h < KC_PACK_HEURISTIC_LAST ? names[h] : "unknown";
}

const char *kc_pack_bound_name(kc_pack_bound b)
{
    static const char *const names[] = { "volume", "l2", "clique", "dff" };
    _Static_assert(sizeof(names) / sizeof(names[0]) == KC_PACK_BOUND_LAST,
                   "one name per kc_pack_bound");

    return (unsigned)b < KC_PACK_BOUND_LAST ? names[b] : "unknown";
}
