/* SPDX-License-Identifier: MIT */
/* pack.c: vector bin packing over shape counts: heuristics, small exact search, improvement
 * (the lower bounds are in pack_bound.c). */
#include <stdlib.h>
#include <string.h>

#include "pack_impl.h"

/*
 * Heuristics are "bin-centric" (Panigrahy, Talwar, Uyeda, Wieder: "Heuristics for Vector
 * Bin Packing", 2011): open one host, fill it by a priority rule, close it, open the next.
 * Because hosts are identical, the filled host is a pattern that is repeated
 * k = min over items in it of remaining / in-pattern times before the next one is built,
 * so the work is proportional to the number of distinct patterns, not of VMs.
 *
 * Priorities use demands normalized to the host (demand * 2^20 / capacity) in integers:
 * no floating point, so the result is the same on every machine. Feasibility is always
 * checked on the exact figures, never on the normalized ones.
 */
#define NORM_BITS KC_PACK_NORM_BITS
#define DEFAULT_EXACT_NODES 200000u
#define DEFAULT_EXACT_ITEMS 60u
#define EXACT_MAX_TYPES 24u      /* the exact search recurses once per item type */

typedef kc_pack_inst inst;

/* A packing under construction: patterns with repetitions. */
typedef struct sol {
    size_t n_pat, cap_pat;
    uint64_t *reps;
    uint64_t *counts;            /* n_pat x ni */
    uint64_t hosts;
    kc_pack_heuristic how;
} sol;

static void sol_clear(sol *s)
{
    free(s->reps);
    free(s->counts);
    memset(s, 0, sizeof(*s));
}

static int sol_push(sol *s, size_t ni, uint64_t reps, const uint64_t *p, kc_error *err)
{
    if (s->n_pat == s->cap_pat) {
        size_t n = s->cap_pat ? 2 * s->cap_pat : 8;
        uint64_t *r = realloc(s->reps, n * sizeof(*r));

        if (!r)
            return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        s->reps = r;
        r = realloc(s->counts, n * ni * sizeof(*r) + 1);
        if (!r)
            return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        s->counts = r;
        s->cap_pat = n;
    }
    s->reps[s->n_pat] = reps;
    if (ni)
        memcpy(s->counts + s->n_pat * ni, p, ni * sizeof(*p));
    s->n_pat++;
    s->hosts += reps;
    return 0;
}

/* How many of @dem fit into @left (UINT64_MAX if it asks nothing). */
static uint64_t fit_count(const uint64_t *left, const uint64_t *dem, size_t nd)
{
    uint64_t n = UINT64_MAX;

    for (size_t d = 0; d < nd; d++)
        if (dem[d] > 0 && left[d] / dem[d] < n)
            n = left[d] / dem[d];
    return n;
}

/* fit_count(left, dem, nd) > 0, without dividing: the packing loops ask this of every item
 * type at every step and need the count itself only for the one they pick. */
static bool fits_once(const uint64_t *left, const uint64_t *dem, size_t nd)
{
    bool ok = true;

    for (size_t d = 0; d < nd; d++)
        ok &= dem[d] <= left[d];
    return ok;
}

static void take(uint64_t *left, const uint64_t *dem, size_t nd, uint64_t n)
{
    for (size_t d = 0; d < nd; d++)
        left[d] -= dem[d] * n;   /* n <= left[d] / dem[d]: no wrap */
}

static uint64_t norm_of(uint64_t v, uint64_t cap)
{
    return cap ? (uint64_t)(((kc_u128)v << NORM_BITS) / cap) : 0;
}

static uint64_t static_key(const inst *in, size_t i, kc_pack_heuristic h)
{
    const uint64_t *x = in->norm + i * KC_PACK_DIM_MAX;
    uint64_t k = 0;

    for (size_t d = 0; d < in->nd; d++) {
        if (h == KC_PACK_FFD_L1)
            k += x[d];
        else if (h == KC_PACK_FFD_L2)
            k += x[d] * x[d];
        else if (x[d] > k)
            k = x[d];
    }
    return k;
}

/* Item indices by decreasing @h key, ties by index: a stable insertion sort (few types). */
static void sort_items(const inst *in, kc_pack_heuristic h, size_t *order)
{
    for (size_t i = 0; i < in->ni; i++) {
        uint64_t k = static_key(in, i, h);
        size_t j = i;

        while (j > 0 && static_key(in, order[j - 1], h) < k) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
}

/* Dynamic choice for dot-product and best-fit: the fitting item with the best score. */
static size_t pick_dynamic(const inst *in, kc_pack_heuristic h, const uint64_t *rem,
                           const uint64_t *p, const uint64_t *left, uint64_t *n_out)
{
    uint64_t rl[KC_PACK_DIM_MAX];
    size_t best = SIZE_MAX;
    uint64_t best_score = 0;

    for (size_t d = 0; d < in->nd; d++)
        rl[d] = norm_of(left[d], in->cap[d]);
    for (size_t i = 0; i < in->ni; i++) {
        const uint64_t *x = in->norm + i * KC_PACK_DIM_MAX;
        uint64_t avail = rem[i] - p[i], f, score = 0;

        if (avail == 0 || !fits_once(left, in->items[i].demand, in->nd))
            continue;
        for (size_t d = 0; d < in->nd; d++) {
            if (h == KC_PACK_DOT) {
                score += x[d] * rl[d];
            } else {
                uint64_t r = rl[d] > x[d] ? rl[d] - x[d] : 0;

                score += r * r;
            }
        }
        if (best == SIZE_MAX || (h == KC_PACK_DOT ? score > best_score : score < best_score)) {
            best = i;
            best_score = score;
            f = fit_count(left, in->items[i].demand, in->nd);
            /* Add a batch: half of what fits keeps the choice dynamic while a host holding
             * thousands of small VMs still takes only a logarithmic number of steps. */
            *n_out = f / 2 > 1 ? f / 2 : 1;
            if (*n_out > avail)
                *n_out = avail;
        }
    }
    return best;
}

static int run_heuristic(const inst *in, kc_pack_heuristic h, sol *s, kc_error *err)
{
    size_t ni = in->ni, nd = in->nd;
    uint64_t *rem = calloc(ni + 1, sizeof(*rem));
    uint64_t *p = calloc(ni + 1, sizeof(*p));
    size_t *order = calloc(ni + 1, sizeof(*order));
    uint64_t left_vms = in->total;
    int ret = -1;

    memset(s, 0, sizeof(*s));
    s->how = h;
    if (!rem || !p || !order) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        rem[i] = in->items[i].count;
    if (h <= KC_PACK_FFD_LINF)
        sort_items(in, h, order);

    while (left_vms > 0) {
        uint64_t left[KC_PACK_DIM_MAX];
        uint64_t k = UINT64_MAX, placed = 0;

        memcpy(left, in->cap, nd * sizeof(*left));
        memset(p, 0, ni * sizeof(*p));
        if (h <= KC_PACK_FFD_LINF) {
            for (size_t j = 0; j < ni; j++) {
                size_t i = order[j];
                uint64_t n = rem[i] == 0 || !fits_once(left, in->items[i].demand, nd) ? 0 :
                             fit_count(left, in->items[i].demand, nd);

                if (n > rem[i])
                    n = rem[i];
                p[i] = n;
                take(left, in->items[i].demand, nd, n);
            }
        } else {
            for (;;) {
                uint64_t n = 0;
                size_t i = pick_dynamic(in, h, rem, p, left, &n);

                if (i == SIZE_MAX)
                    break;
                p[i] += n;
                take(left, in->items[i].demand, nd, n);
            }
        }
        for (size_t i = 0; i < ni; i++) {
            if (p[i] == 0)
                continue;
            placed += p[i];
            if (rem[i] / p[i] < k)
                k = rem[i] / p[i];
        }
        if (placed == 0) {
            kc_error_set(err, KC_ERR_INTERNAL, "packing made no progress");
            goto out;
        }
        for (size_t i = 0; i < ni; i++)
            rem[i] -= k * p[i];
        left_vms -= k * placed;      /* k * placed <= left_vms: both count placed VMs */
        if (sol_push(s, ni, k, p, err) < 0)
            goto out;
    }
    ret = 0;
 out:
    if (ret < 0)
        sol_clear(s);
    free(rem);
    free(p);
    free(order);
    return ret;
}

/* ---- minimum bin slack ---- */

/*
 * Gupta and Ho's minimum bin slack, for vectors: each host is the fullest one (largest sum
 * of normalized demands) that a depth-first search over item types finds within MBS_NODES
 * nodes, holding at least one VM of the first type (in decreasing L1 order) that has VMs
 * left. The first dive is first-fit decreasing, so a host is never worse filled than FFD's;
 * a host found completely full ends the search. Only up to MBS_MAX_TYPES item types, and
 * MBS_TOTAL_NODES in all: work stays bounded however many patterns the counts need.
 */
#define MBS_NODES 4000u          /* per host */
#define MBS_TOTAL_NODES 200000u  /* per solve; then each host gets only its first dive */
#define MBS_MAX_TYPES 256u

typedef struct mbs {
    const inst *in;
    const size_t *order;
    const uint64_t *rem;
    uint64_t *cur, *best;
    uint64_t best_fill, full, nodes, limit;
} mbs;

static uint64_t item_fill(const inst *in, size_t i)
{
    uint64_t f = 0;

    for (size_t d = 0; d < in->nd; d++)
        f += in->norm[i * KC_PACK_DIM_MAX + d];
    return f;
}

static void mbs_rec(mbs *m, size_t pos, size_t first, const uint64_t *left, uint64_t fill)
{
    const inst *in = m->in;
    size_t i;
    uint64_t maxn, lo;

    if (fill > m->best_fill) {
        m->best_fill = fill;
        memcpy(m->best, m->cur, in->ni * sizeof(*m->cur));
    }
    if (pos == in->ni || m->best_fill >= m->full || ++m->nodes >= m->limit)
        return;
    i = m->order[pos];
    maxn = m->rem[i] == 0 || !fits_once(left, in->items[i].demand, in->nd) ? 0 :
           fit_count(left, in->items[i].demand, in->nd);
    if (maxn > m->rem[i])
        maxn = m->rem[i];
    lo = pos == first ? 1 : 0;
    for (uint64_t n = maxn + 1; n-- > lo;) {
        uint64_t next[KC_PACK_DIM_MAX];

        memcpy(next, left, in->nd * sizeof(*next));
        take(next, in->items[i].demand, in->nd, n);
        m->cur[i] = n;
        mbs_rec(m, pos + 1, first, next, fill + n * item_fill(in, i));
        if (m->best_fill >= m->full || m->nodes >= m->limit)
            break;
    }
    m->cur[i] = 0;
}

static int run_mbs(const inst *in, sol *s, kc_error *err)
{
    size_t ni = in->ni;
    uint64_t *rem = calloc(ni + 1, sizeof(*rem));
    uint64_t *cur = calloc(ni + 1, sizeof(*cur));
    uint64_t *best = calloc(ni + 1, sizeof(*best));
    size_t *order = calloc(ni + 1, sizeof(*order));
    uint64_t left_vms = in->total, spent = 0;
    int ret = -1;
    mbs m;

    memset(s, 0, sizeof(*s));
    s->how = KC_PACK_MIN_SLACK;
    if (!rem || !cur || !best || !order) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        rem[i] = in->items[i].count;
    sort_items(in, KC_PACK_FFD_L1, order);
    memset(&m, 0, sizeof(m));
    m.in = in;
    m.order = order;
    m.rem = rem;
    m.cur = cur;
    m.best = best;
    for (size_t d = 0; d < in->nd; d++)
        if (in->cap[d] > 0)
            m.full += (uint64_t)1 << NORM_BITS;
    while (left_vms > 0) {
        size_t first = 0;
        uint64_t k = UINT64_MAX, placed = 0;

        while (rem[order[first]] == 0)
            first++;
        memset(best, 0, ni * sizeof(*best));
        m.best_fill = 0;
        m.nodes = 0;
        /* the first dive takes at most ni + 1 nodes: always allowed */
        m.limit = spent + MBS_NODES <= MBS_TOTAL_NODES ? MBS_NODES : ni + 2;
        mbs_rec(&m, first, first, in->cap, 0);
        spent += m.nodes;
        if (best[order[first]] == 0) {
            /* all demands zero (fill 0): take the first type's VMs as FFD would */
            best[order[first]] = rem[order[first]];
        }
        for (size_t i = 0; i < ni; i++) {
            if (best[i] == 0)
                continue;
            placed += best[i];
            if (rem[i] / best[i] < k)
                k = rem[i] / best[i];
        }
        for (size_t i = 0; i < ni; i++)
            rem[i] -= k * best[i];
        left_vms -= k * placed;
        if (sol_push(s, ni, k, best, err) < 0)
            goto out;
    }
    ret = 0;
 out:
    if (ret < 0)
        sol_clear(s);
    free(rem);
    free(cur);
    free(best);
    free(order);
    return ret;
}

/* ---- exact search (small instances) ---- */

typedef struct bb {
    const inst *in;
    size_t order[EXACT_MAX_TYPES];
    uint64_t *rem;
    uint64_t *path;              /* depth x ni: the current host-by-host assignment */
    uint64_t *best_path;
    uint64_t best;               /* hosts of the best known solution */
    uint64_t lb;
    bool found, aborted;
    uint64_t nodes, budget;
} bb;

static uint64_t rem_volume(const bb *b)
{
    const inst *in = b->in;
    uint64_t best = 0;

    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 tot = 0;

        if (in->cap[d] == 0)
            continue;
        for (size_t i = 0; i < in->ni; i++)
            tot += (kc_u128)in->items[i].demand[d] * b->rem[i];   /* small instance */
        if (kc_pack_div_up128(tot, in->cap[d]) > best)
            best = (uint64_t)kc_pack_div_up128(tot, in->cap[d]);
    }
    return best;
}

static void bb_search(bb *b, uint64_t depth);

/* Enumerate the host at @depth item by item (in b->order from position @pos), largest
 * counts first; only maximal hosts (no remaining VM would still fit) are explored: moving a
 * VM from a later host into this one never costs a host, so nothing optimal is lost. */
static void bb_fill(bb *b, uint64_t depth, size_t pos, size_t first, const uint64_t *left)
{
    const inst *in = b->in;
    uint64_t *pat = b->path + depth * in->ni;
    size_t i;
    uint64_t maxn, lo;

    if (b->aborted)
        return;
    if (++b->nodes > b->budget) {
        b->aborted = true;
        return;
    }
    if (pos == in->ni) {
        for (size_t j = 0; j < in->ni; j++)
            if (b->rem[j] > pat[j] && fit_count(left, in->items[j].demand, in->nd) > 0)
                return;
        for (size_t j = 0; j < in->ni; j++)
            b->rem[j] -= pat[j];
        bb_search(b, depth + 1);
        for (size_t j = 0; j < in->ni; j++)
            b->rem[j] += pat[j];
        return;
    }
    i = b->order[pos];
    maxn = fit_count(left, in->items[i].demand, in->nd);
    if (maxn > b->rem[i])
        maxn = b->rem[i];
    lo = pos == first ? 1 : 0;
    for (uint64_t n = maxn + 1; n-- > lo;) {
        uint64_t next[KC_PACK_DIM_MAX];

        memcpy(next, left, in->nd * sizeof(*next));
        take(next, in->items[i].demand, in->nd, n);
        pat[i] = n;
        bb_fill(b, depth, pos + 1, first, next);
        if (b->aborted || b->best <= b->lb)
            break;
    }
    pat[i] = 0;
}

static void bb_search(bb *b, uint64_t depth)
{
    const inst *in = b->in;
    size_t first = in->ni;

    if (b->aborted || b->best <= b->lb)
        return;
    for (size_t k = 0; k < in->ni; k++)
        if (b->rem[b->order[k]] > 0) {
            first = k;
            break;
        }
    if (first == in->ni) {
        if (depth < b->best) {
            b->best = depth;
            b->found = true;
            memcpy(b->best_path, b->path, depth * in->ni * sizeof(*b->path));
        }
        return;
    }
    if (depth + rem_volume(b) >= b->best)
        return;
    memset(b->path + depth * in->ni, 0, in->ni * sizeof(*b->path));
    bb_fill(b, depth, first, first, in->cap);
}

/* Try to beat @s (or prove it optimal). Returns 0 and updates @s / *proven, -1 on OOM. */
static int exact(const inst *in, uint64_t lb, uint64_t budget, sol *s, bool *proven,
                 kc_error *err)
{
    bb b;
    int ret = -1;
    size_t ni = in->ni;

    memset(&b, 0, sizeof(b));
    b.in = in;
    b.best = s->hosts;
    b.lb = lb;
    b.budget = budget;
    b.rem = calloc(ni, sizeof(*b.rem));
    b.path = calloc(s->hosts * ni + 1, sizeof(*b.path));
    b.best_path = calloc(s->hosts * ni + 1, sizeof(*b.best_path));
    if (!b.rem || !b.path || !b.best_path) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        b.rem[i] = in->items[i].count;
    sort_items(in, KC_PACK_FFD_LINF, b.order);
    bb_search(&b, 0);
    if (b.found) {
        sol n;

        memset(&n, 0, sizeof(n));
        n.how = KC_PACK_EXACT;
        for (uint64_t h = 0; h < b.best; h++) {
            const uint64_t *p = b.best_path + h * ni;

            if (n.n_pat > 0 && memcmp(n.counts + (n.n_pat - 1) * ni, p, ni * sizeof(*p)) == 0) {
                n.reps[n.n_pat - 1]++;
                n.hosts++;
            } else if (sol_push(&n, ni, 1, p, err) < 0) {
                sol_clear(&n);
                goto out;
            }
        }
        sol_clear(s);
        *s = n;
    }
    *proven = !b.aborted || s->hosts <= lb;
    ret = 0;
 out:
    free(b.rem);
    free(b.path);
    free(b.best_path);
    return ret;
}

/* ---- improvement: empty the least-filled host ---- */

/*
 * On instances with few VMs (LS_MAX_VMS) the packing is expanded VM by VM and one host at
 * a time is emptied: its VMs go to a pool, and moves put them back into the other hosts:
 *   insert   a pool VM into a host where it fits (best fit: least room left);
 *   swap     a pool VM for a smaller VM of a host (1-1), or for two VMs of one host whose
 *            sizes add up to less than its own (1-2);
 * sizes are the sums of normalized demands. Every move lowers the pool's total size, so the
 * search ends; it also stops after LS_WORK fit tests. An empty pool is one host fewer and the
 * next least-filled host is tried; when LS_TARGETS hosts in a row fail, the best packing
 * found is kept. Every move is checked on the exact demands; the result is a packing like
 * any other (and kc_pack_verify checks it in the tests). Deterministic: fixed orders only.
 */
#define LS_MAX_VMS 2000u
#define LS_TARGETS 8u
#define LS_WORK 3000000u
#define LS_POOL (SIZE_MAX)

typedef struct ls {
    const inst *in;
    size_t nv, nb;               /* VMs; hosts (indices 0..nb-1, some may be empty) */
    size_t *type;                /* nv: item type of each VM */
    size_t *where;               /* nv: host, or LS_POOL */
    uint64_t *load;              /* nb x KC_PACK_DIM_MAX */
    uint64_t *size;              /* nv: sum of normalized demands */
    uint64_t work;
} ls;

static bool ls_fits_swap(const ls *l, size_t b, const size_t *out, size_t n_out, size_t in_v)
{
    const inst *in = l->in;

    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 v = l->load[b * KC_PACK_DIM_MAX + d];

        for (size_t k = 0; k < n_out; k++)
            v -= in->items[l->type[out[k]]].demand[d];
        v += in->items[l->type[in_v]].demand[d];
        if (v > in->cap[d])
            return false;
    }
    return true;
}

static void ls_move(ls *l, size_t v, size_t to)
{
    const inst *in = l->in;
    const uint64_t *dem = in->items[l->type[v]].demand;

    if (l->where[v] != LS_POOL)
        for (size_t d = 0; d < in->nd; d++)
            l->load[l->where[v] * KC_PACK_DIM_MAX + d] -= dem[d];
    if (to != LS_POOL)
        for (size_t d = 0; d < in->nd; d++)
            l->load[to * KC_PACK_DIM_MAX + d] += dem[d];
    l->where[v] = to;
}

/* Room left in host @b after adding @v (normalized L1), or UINT64_MAX if @v does not fit. */
static uint64_t ls_room_after(const ls *l, size_t b, size_t v)
{
    const inst *in = l->in;
    uint64_t room = 0;

    for (size_t d = 0; d < in->nd; d++) {
        uint64_t used = l->load[b * KC_PACK_DIM_MAX + d], w = in->items[l->type[v]].demand[d];

        if (w > in->cap[d] - used)
            return UINT64_MAX;
        room += norm_of(in->cap[d] - used - w, in->cap[d]);
    }
    return room;
}

/* One improving move for pool VM @p; true if made. */
static bool ls_place(ls *l, size_t p, size_t skip)
{
    uint64_t best_room = UINT64_MAX;
    size_t best_b = SIZE_MAX;

    for (size_t b = 0; b < l->nb; b++) {
        uint64_t r;

        if (b == skip)
            continue;
        l->work++;
        r = ls_room_after(l, b, p);
        if (r < best_room) {
            best_room = r;
            best_b = b;
        }
    }
    if (best_b != SIZE_MAX) {
        ls_move(l, p, best_b);
        return true;
    }
    /* 1-1 swap: the largest VM smaller than @p whose host then holds @p */
    {
        size_t best_v = SIZE_MAX;

        for (size_t v = 0; v < l->nv; v++) {
            if (l->where[v] == LS_POOL || l->where[v] == skip || l->size[v] >= l->size[p])
                continue;
            if (best_v != SIZE_MAX && l->size[v] <= l->size[best_v])
                continue;
            l->work++;
            if (ls_fits_swap(l, l->where[v], &v, 1, p))
                best_v = v;
        }
        if (best_v != SIZE_MAX) {
            size_t b = l->where[best_v];

            ls_move(l, best_v, LS_POOL);
            ls_move(l, p, b);
            return true;
        }
    }
    /* 1-2 swap: two VMs of one host, together smaller than @p */
    for (size_t v = 0; v < l->nv; v++) {
        size_t b = l->where[v];

        if (b == LS_POOL || b == skip || l->size[v] >= l->size[p])
            continue;
        for (size_t w = v + 1; w < l->nv; w++) {
            size_t pair[2] = { v, w };

            if (l->where[w] != b || l->size[v] + l->size[w] >= l->size[p])
                continue;
            if (++l->work > LS_WORK)
                return false;
            if (ls_fits_swap(l, b, pair, 2, p)) {
                ls_move(l, v, LS_POOL);
                ls_move(l, w, LS_POOL);
                ls_move(l, p, b);
                return true;
            }
        }
    }
    return false;
}

/* Try to empty host @t. Returns true (host @t empty) or false (state restored). */
static bool ls_empty_host(ls *l, size_t t, size_t *saved)
{
    bool moved = true;

    memcpy(saved, l->where, l->nv * sizeof(*saved));
    for (size_t v = 0; v < l->nv; v++)
        if (l->where[v] == t)
            ls_move(l, v, LS_POOL);
    while (moved && l->work <= LS_WORK) {
        size_t p = SIZE_MAX;

        /* the largest pool VM first (ties: lowest index) */
        for (size_t v = 0; v < l->nv; v++)
            if (l->where[v] == LS_POOL && (p == SIZE_MAX || l->size[v] > l->size[p]))
                p = v;
        if (p == SIZE_MAX)
            return true;
        moved = ls_place(l, p, t);
        if (!moved) {
            /* the largest one is stuck: any other pool VM that moves still helps */
            for (size_t v = 0; v < l->nv && !moved; v++)
                if (l->where[v] == LS_POOL && v != p)
                    moved = ls_place(l, v, t);
        }
    }
    for (size_t v = 0; v < l->nv; v++)
        if (l->where[v] != saved[v])
            ls_move(l, v, saved[v]);
    return false;
}

/* Improve @s in place by emptying hosts; no-op when nothing is gained. -1 on OOM only. */
static int improve(const inst *in, uint64_t lb, sol *s, kc_error *err)
{
    ls l;
    size_t *saved = NULL, *order = NULL;
    uint64_t *fill = NULL;
    uint64_t *cnt = NULL;
    size_t live, fails = 0, nv = (size_t)in->total;
    int ret = -1;

    memset(&l, 0, sizeof(l));
    l.in = in;
    l.nv = nv;
    l.nb = (size_t)s->hosts;
    l.type = calloc(nv + 1, sizeof(*l.type));
    l.where = calloc(nv + 1, sizeof(*l.where));
    l.size = calloc(nv + 1, sizeof(*l.size));
    l.load = calloc(l.nb * KC_PACK_DIM_MAX + 1, sizeof(*l.load));
    saved = calloc(nv + 1, sizeof(*saved));
    order = calloc(l.nb + 1, sizeof(*order));
    fill = calloc(l.nb + 1, sizeof(*fill));
    cnt = calloc(in->ni + 1, sizeof(*cnt));
    if (!l.type || !l.where || !l.size || !l.load || !saved || !order || !fill || !cnt) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    {
        size_t v = 0, b = 0;

        for (size_t k = 0; k < s->n_pat; k++)
            for (uint64_t r = 0; r < s->reps[k]; r++, b++)
                for (size_t i = 0; i < in->ni; i++)
                    for (uint64_t c = 0; c < s->counts[k * in->ni + i]; c++, v++) {
                        l.type[v] = i;
                        l.where[v] = LS_POOL;
                        for (size_t d = 0; d < in->nd; d++)
                            l.size[v] += in->norm[i * KC_PACK_DIM_MAX + d];
                        ls_move(&l, v, b);
                    }
    }
    live = l.nb;
    while (live > lb && fails < LS_TARGETS && l.work <= LS_WORK) {
        size_t n = 0, t;

        /* live hosts by increasing fill (sum of normalized loads), ties by index */
        for (size_t b = 0; b < l.nb; b++) {
            fill[b] = 0;
            for (size_t d = 0; d < in->nd; d++)
                fill[b] += norm_of(l.load[b * KC_PACK_DIM_MAX + d], in->cap[d]);
        }
        for (size_t v = 0; v < nv; v++)
            order[l.where[v]] = 1;       /* mark live hosts */
        for (size_t b = 0; b < l.nb; b++) {
            size_t j;

            if (!order[b])
                continue;
            order[b] = 0;
            /* insertion into order[0..n]: it writes only entries <= n <= b, whose marks
             * (hosts up to b) are already read */
            for (j = n; j > 0 && fill[order[j - 1]] > fill[b]; j--)
                order[j] = order[j - 1];
            order[j] = b;
            n++;
        }
        for (size_t b = n; b <= l.nb; b++)
            order[b] = 0;
        if (fails >= n)
            break;
        t = order[fails];
        if (ls_empty_host(&l, t, saved)) {
            live--;
            fails = 0;
        } else {
            fails++;
        }
        for (size_t b = 0; b <= l.nb; b++)
            order[b] = 0;
    }
    if (live < s->hosts) {
        sol n;

        memset(&n, 0, sizeof(n));
        n.how = s->how;
        /* hosts in order of first VM type (deterministic), merged when equal to the last */
        for (size_t b = 0; b < l.nb; b++) {
            bool any = false;

            memset(cnt, 0, in->ni * sizeof(*cnt));
            for (size_t v = 0; v < nv; v++)
                if (l.where[v] == b) {
                    cnt[l.type[v]]++;
                    any = true;
                }
            if (!any)
                continue;
            if (n.n_pat > 0 && memcmp(n.counts + (n.n_pat - 1) * in->ni, cnt,
                                      in->ni * sizeof(*cnt)) == 0) {
                n.reps[n.n_pat - 1]++;
                n.hosts++;
            } else if (sol_push(&n, in->ni, 1, cnt, err) < 0) {
                sol_clear(&n);
                goto out;
            }
        }
        sol_clear(s);
        *s = n;
    }
    ret = 0;
 out:
    free(l.type);
    free(l.where);
    free(l.size);
    free(l.load);
    free(saved);
    free(order);
    free(fill);
    free(cnt);
    return ret;
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

static int make_inst(inst *in, const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
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
            in->norm[i * KC_PACK_DIM_MAX + d] = norm_of(items[i].demand[d], cap[d]);
    return 0;
}

int kc_pack_lower_bound(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                        size_t n_items, uint64_t *bound, kc_pack_bound *kind, kc_error *err)
{
    inst in;
    int ret;

    if (make_inst(&in, cap, n_dims, items, n_items, err) < 0)
        return -1;
    ret = kc_pack_bound_inst(&in, bound, kind, err);
    free(in.norm);
    return ret;
}

static kc_pack *pack_from_sol(const inst *in, const sol *s, kc_error *err)
{
    kc_pack *p = calloc(1, sizeof(*p));
    uint64_t *counts;

    if (!p)
        goto oom;
    p->patterns = calloc(s->n_pat + 1, sizeof(*p->patterns));
    counts = calloc(s->n_pat * in->ni + 1, sizeof(*counts));
    if (!p->patterns || !counts) {
        free(counts);
        goto oom;
    }
    if (s->n_pat > 0 && in->ni > 0)
        memcpy(counts, s->counts, s->n_pat * in->ni * sizeof(*counts));
    p->n_items = in->ni;
    p->n_dims = in->nd;
    p->hosts = s->hosts;
    p->heuristic = s->how;
    p->n_patterns = s->n_pat;
    for (size_t k = 0; k < s->n_pat; k++) {
        p->patterns[k].hosts = s->reps[k];
        p->patterns[k].counts = counts + k * in->ni;
    }
    /* The first pattern's counts own the block (see kc_pack_free). */
    if (s->n_pat == 0)
        free(counts);
    return p;
 oom:
    kc_pack_free(p);
    kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    return NULL;
}

int kc_pack_solve(const uint64_t *cap, size_t n_dims, const kc_pack_item *items,
                  size_t n_items, const kc_pack_opts *opts, kc_pack **out, kc_error *err)
{
    static const kc_pack_heuristic heuristics[] = {
        KC_PACK_FFD_L2, KC_PACK_DOT, KC_PACK_BEST_FIT, KC_PACK_FFD_L1, KC_PACK_FFD_LINF,
    };
    kc_pack_opts defaults = { 0 };
    inst in;
    sol best, cur;
    uint64_t lb = 0;
    kc_pack_bound kind = KC_PACK_BOUND_VOLUME;
    bool proven = false;
    int ret = -1;

    *out = NULL;
    memset(&best, 0, sizeof(best));
    if (!opts)
        opts = &defaults;
    if (make_inst(&in, cap, n_dims, items, n_items, err) < 0)
        return -1;
    if (kc_pack_bound_inst(&in, &lb, &kind, err) < 0)
        goto out;
    best.hosts = UINT64_MAX;
    for (size_t h = 0; h < sizeof(heuristics) / sizeof(heuristics[0]); h++) {
        if (run_heuristic(&in, heuristics[h], &cur, err) < 0)
            goto out;
        /* Fewest hosts wins; on a tie the earlier heuristic (a fixed order). */
        if (cur.hosts < best.hosts) {
            sol_clear(&best);
            best = cur;
        } else {
            sol_clear(&cur);
        }
        if (best.hosts <= lb)
            break;
    }
    if (best.hosts > lb && n_items <= MBS_MAX_TYPES) {
        if (run_mbs(&in, &cur, err) < 0)
            goto out;
        if (cur.hosts < best.hosts) {
            sol_clear(&best);
            best = cur;
        } else {
            sol_clear(&cur);
        }
    }
    if (best.hosts > lb && in.total <= LS_MAX_VMS && improve(&in, lb, &best, err) < 0)
        goto out;
    proven = best.hosts <= lb;
    if (!proven && !opts->no_exact && n_items <= EXACT_MAX_TYPES &&
        in.total <= (opts->exact_max_items ? opts->exact_max_items : DEFAULT_EXACT_ITEMS) &&
        exact(&in, lb, opts->exact_nodes ? opts->exact_nodes : DEFAULT_EXACT_NODES, &best,
              &proven, err) < 0)
        goto out;
    if (proven && best.hosts > lb)
        lb = best.hosts;         /* the exact search proved it: the bound is the optimum */
    *out = pack_from_sol(&in, &best, err);
    if (!*out)
        goto out;
    (*out)->lower_bound = lb;
    (*out)->bound = kind;
    (*out)->proven_optimal = proven;
    ret = 0;
 out:
    sol_clear(&best);
    free(in.norm);
    return ret;
}

void kc_pack_free(kc_pack *pack)
{
    if (!pack)
        return;
    if (pack->patterns && pack->n_patterns > 0)
        free(pack->patterns[0].counts);
    free(pack->patterns);
    free(pack);
}

int kc_pack_verify(const kc_pack *pack, const uint64_t *cap, size_t n_dims,
                   const kc_pack_item *items, size_t n_items, kc_error *err)
{
    kc_u128 hosts = 0;

    if (pack->n_items != n_items || pack->n_dims != n_dims)
        return kc_error_set(err, KC_ERR_INTERNAL, "packing is for another instance");
    for (size_t k = 0; k < pack->n_patterns; k++) {
        const kc_pack_pattern *pt = &pack->patterns[k];

        if (pt->hosts == 0)
            return kc_error_set(err, KC_ERR_INTERNAL, "pattern %zu is used on no host", k);
        hosts += pt->hosts;
        for (size_t d = 0; d < n_dims; d++) {
            kc_u128 sum = 0;

            for (size_t i = 0; i < n_items; i++)
                sum += (kc_u128)pt->counts[i] * items[i].demand[d];
            if (sum > cap[d])
                return kc_error_set(err, KC_ERR_INTERNAL,
                                    "pattern %zu exceeds dimension %zu", k, d);
        }
    }
    if (hosts != pack->hosts)
        return kc_error_set(err, KC_ERR_INTERNAL, "patterns do not add up to the host count");
    for (size_t i = 0; i < n_items; i++) {
        kc_u128 placed = 0;

        for (size_t k = 0; k < pack->n_patterns; k++)
            placed += (kc_u128)pack->patterns[k].hosts * pack->patterns[k].counts[i];
        if (placed != items[i].count)
            return kc_error_set(err, KC_ERR_INTERNAL, "item %zu is placed %llu times, not %llu",
                                i, (unsigned long long)placed,
                                (unsigned long long)items[i].count);
    }
    return 0;
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
