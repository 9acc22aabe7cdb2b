/* SPDX-License-Identifier: MIT */
/* pack_heur.c: the packer's heuristics: bin-centric first/best fit by a priority rule, and
 * minimum bin slack. */
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

static uint64_t static_key(const kc_pack_inst *in, size_t i, kc_pack_heuristic h)
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

/* Whether item @a goes before item @b: larger @h key first, then lower index. */
static bool key_before(const kc_pack_inst *in, kc_pack_heuristic h, size_t a, size_t b)
{
    uint64_t ka = static_key(in, a, h), kb = static_key(in, b, h);

    return ka != kb ? ka > kb : a < b;
}

static void sift_down(const kc_pack_inst *in, kc_pack_heuristic h, size_t *order, size_t root,
                      size_t n)
{
    for (;;) {
        size_t c = 2 * root + 1, t;

        if (c >= n)
            return;
        /* a heap with the last item in the order on top */
        if (c + 1 < n && key_before(in, h, order[c], order[c + 1]))
            c++;
        if (!key_before(in, h, order[root], order[c]))
            return;
        t = order[root];
        order[root] = order[c];
        order[c] = t;
        root = c;
    }
}

/* Item indices by decreasing @h key, ties by index (a total order, so the same as a stable
 * sort): a heap sort, O(n log n) without allocating. */
void kc_pack_sort_items(const kc_pack_inst *in, kc_pack_heuristic h, size_t *order)
{
    size_t n = in->ni;

    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(in, h, order, i, n);
    for (size_t end = n; end-- > 1;) {
        size_t t = order[0];

        order[0] = order[end];
        order[end] = t;
        sift_down(in, h, order, 0, end);
    }
}

typedef struct keyed {
    uint64_t key;
    size_t i;
} keyed;

static int cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;     /* larger first */
    return (x->i > y->i) - (x->i < y->i);    /* then by index: deterministic */
}

/* Scarcity weights: with KC_PACK_W_AVG each dimension weighs what the VMs left ask of it
 * in all (normalized demand x count, the average demand times the VMs left), scaled so the
 * heaviest is 2^20; with KC_PACK_W_RECIP the reciprocal (the dimension few VMs ask for
 * weighs most, the lightest asked-for one is 2^20, one nobody asks for 0). @order by the
 * weighted sum of normalized demands, descending (ties by index). Recomputed at every new
 * host: a dimension that the packing has relieved changes weight. */
static void sort_scarce(const kc_pack_inst *in, kc_pack_weight wk, const uint64_t *rem,
                        size_t *order, keyed *tmp)
{
    kc_u128 tot[KC_PACK_DIM_MAX] = { 0 }, top = 0, low = 0;
    uint64_t w[KC_PACK_DIM_MAX];

    for (size_t i = 0; i < in->ni; i++)
        for (size_t d = 0; d < in->nd; d++)
            tot[d] += (kc_u128)rem[i] * in->norm[i * KC_PACK_DIM_MAX + d];
    for (size_t d = 0; d < in->nd; d++) {
        top = tot[d] > top ? tot[d] : top;
        low = tot[d] > 0 && (low == 0 || tot[d] < low) ? tot[d] : low;
    }
    for (size_t d = 0; d < in->nd; d++)
        if (wk == KC_PACK_W_RECIP)
            w[d] = tot[d] ? (uint64_t)((low << KC_PACK_NORM_BITS) / tot[d]) : 0;
        else
            w[d] = top ? (uint64_t)((tot[d] << KC_PACK_NORM_BITS) / top) : 1;
    for (size_t i = 0; i < in->ni; i++) {
        uint64_t k = 0;

        for (size_t d = 0; d < in->nd; d++)
            k += w[d] * in->norm[i * KC_PACK_DIM_MAX + d];    /* 8 x 2^40: no wrap */
        tmp[i] = (keyed){ k, i };
    }
    qsort(tmp, in->ni, sizeof(*tmp), cmp_keyed);
    for (size_t i = 0; i < in->ni; i++)
        order[i] = tmp[i].i;
}

/*
 * First fit over a fixed order without scanning every type at every host: a segment tree
 * over the order's positions keeps, per node, the smallest demand in each dimension among
 * the types with VMs left below it. A subtree none of whose types could fit (some dimension's
 * smallest demand exceeds what is left) is skipped whole, so a host costs about the types it
 * takes times log(types), not the number of types (thousands of distinct shapes). The
 * answer is the same as the plain scan's: the first type in the order that fits.
 */
typedef struct ffd_tree {
    size_t leaves, nd;
    uint64_t *min;               /* 2 x leaves x nd */
    uint64_t *max;               /* the same layout: the largest normalized demand (dot-product
                                    and best-fit only, else NULL) */
} ffd_tree;

/* Type at @pos has no VMs left: out of every node above it. */
static void tree_kill(ffd_tree *t, size_t pos)
{
    size_t n = t->leaves + pos;

    for (size_t d = 0; d < t->nd; d++) {
        t->min[n * t->nd + d] = UINT64_MAX;
        if (t->max)
            t->max[n * t->nd + d] = 0;
    }
    for (n /= 2; n >= 1; n /= 2)
        for (size_t d = 0; d < t->nd; d++) {
            uint64_t a = t->min[2 * n * t->nd + d], b = t->min[(2 * n + 1) * t->nd + d];

            t->min[n * t->nd + d] = a < b ? a : b;
            if (t->max) {
                a = t->max[2 * n * t->nd + d];
                b = t->max[(2 * n + 1) * t->nd + d];
                t->max[n * t->nd + d] = a > b ? a : b;
            }
        }
}

/* The tree over @order's positions (types with VMs left); with @with_max the largest
 * normalized demands too. */
static int tree_build(ffd_tree *t, const kc_pack_inst *in, const size_t *order,
                      const uint64_t *rem, bool with_max, kc_error *err)
{
    size_t cells;

    t->nd = in->nd;
    for (t->leaves = 1; t->leaves < in->ni; t->leaves *= 2)
        ;
    cells = 2 * t->leaves * t->nd;
    t->min = malloc(cells * sizeof(*t->min) + 1);
    t->max = with_max ? calloc(cells + 1, sizeof(*t->max)) : NULL;
    if (!t->min || (with_max && !t->max))
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t n = 0; n < cells; n++)
        t->min[n] = UINT64_MAX;
    for (size_t pos = 0; pos < in->ni; pos++) {
        if (rem[order[pos]] == 0)
            continue;
        memcpy(t->min + (t->leaves + pos) * t->nd, in->items[order[pos]].demand,
               t->nd * sizeof(*t->min));
        if (with_max)
            memcpy(t->max + (t->leaves + pos) * t->nd, in->norm + order[pos] * KC_PACK_DIM_MAX,
                   t->nd * sizeof(*t->max));
    }
    for (size_t n = t->leaves; n-- > 1;)
        for (size_t d = 0; d < t->nd; d++) {
            uint64_t a = t->min[2 * n * t->nd + d], b = t->min[(2 * n + 1) * t->nd + d];

            t->min[n * t->nd + d] = a < b ? a : b;
            if (with_max) {
                a = t->max[2 * n * t->nd + d];
                b = t->max[(2 * n + 1) * t->nd + d];
                t->max[n * t->nd + d] = a > b ? a : b;
            }
        }
    return 0;
}

/* The first position >= @pos in node @n (covering [lo, lo + len)) whose type has VMs left
 * and fits @left; SIZE_MAX if none. */
static size_t tree_first(const ffd_tree *t, const kc_pack_inst *in, const size_t *order,
                         const uint64_t *rem, size_t n, size_t lo, size_t len, size_t pos,
                         const uint64_t *left)
{
    size_t r;

    if (lo + len <= pos || !kc_pack_fits_once(left, t->min + n * t->nd, t->nd))
        return SIZE_MAX;
    if (len == 1)
        return lo < in->ni && rem[order[lo]] > 0 ? lo : SIZE_MAX;
    r = tree_first(t, in, order, rem, 2 * n, lo, len / 2, pos, left);
    return r != SIZE_MAX ? r : tree_first(t, in, order, rem, 2 * n + 1, lo + len / 2, len / 2,
                                          pos, left);
}

/*
 * Dot-product and best-fit choose the fitting type with the best score (ties: the lowest
 * index), which a scan finds by scoring every type. The same choice by branch and
 * bound over the tree in index order: a node whose types cannot fit (its smallest demands)
 * or cannot beat the best so far (its score bound from the largest normalized demands:
 * dot-product's score grows with each demand, best-fit's falls) is skipped.
 */
typedef struct dyn_pick {
    const ffd_tree *t;
    const kc_pack_inst *in;
    kc_pack_heuristic h;
    const uint64_t *rem, *p, *left, *rl;
    size_t best;
    uint64_t best_score;
} dyn_pick;

static uint64_t node_score(const dyn_pick *q, const uint64_t *x)
{
    uint64_t score = 0;

    for (size_t d = 0; d < q->in->nd; d++) {
        if (q->h == KC_PACK_DOT) {
            score += x[d] * q->rl[d];
        } else {
            uint64_t r = q->rl[d] > x[d] ? q->rl[d] - x[d] : 0;

            score += r * r;
        }
    }
    return score;
}

/* Whether @score at index @i beats the best so far. */
static bool dyn_better(const dyn_pick *q, uint64_t score, size_t i)
{
    if (q->best == SIZE_MAX)
        return true;
    if (score != q->best_score)
        return q->h == KC_PACK_DOT ? score > q->best_score : score < q->best_score;
    return i < q->best;
}

/* Whether node @n (first index @lo) may hold a fitting type that beats the best; its bound
 * into @bound. */
static bool dyn_open(const dyn_pick *q, size_t n, size_t lo, uint64_t *bound)
{
    const ffd_tree *t = q->t;

    if (lo >= q->in->ni || !kc_pack_fits_once(q->left, t->min + n * t->nd, t->nd))
        return false;
    /* the bound at the node's first index: no type below it scores better or ties lower */
    /* the tree's arrays are freed by kc_pack_run_heuristic's exit path: the analyzer loses
     * them across the recursion */
    *bound = node_score(q, t->max + n * t->nd);   // NOLINT(clang-analyzer-unix.Malloc)
    return dyn_better(q, *bound, lo);
}

static void dyn_search(dyn_pick *q, size_t n, size_t lo, size_t len)
{
    uint64_t b0 = 0, b1 = 0;
    bool o0, o1, second_first;

    if (len == 1) {
        if (q->rem[lo] - q->p[lo] == 0 ||
            !kc_pack_fits_once(q->left, q->in->items[lo].demand, q->in->nd))
            return;
        q->best = lo;     /* its bound is its score, and it was open: it beats the best */
        q->best_score = node_score(q, q->in->norm + lo * KC_PACK_DIM_MAX);
        return;
    }
    o0 = dyn_open(q, 2 * n, lo, &b0);
    o1 = dyn_open(q, 2 * n + 1, lo + len / 2, &b1);
    /* the more promising child first: the best is found early and prunes more */
    second_first = o0 && o1 && (q->h == KC_PACK_DOT ? b1 > b0 : b1 < b0);
    for (int c = 0; c < 2; c++) {
        size_t k = (size_t)(c ^ second_first);
        size_t clo = lo + k * (len / 2);

        /* open again: the best may have moved since */
        if ((k ? o1 : o0) && dyn_open(q, 2 * n + k, clo, k ? &b1 : &b0))
            dyn_search(q, 2 * n + k, clo, len / 2);
    }
}

static size_t pick_tree(const ffd_tree *t, const kc_pack_inst *in, kc_pack_heuristic h,
                        const uint64_t *rem, const uint64_t *p, const uint64_t *left,
                        uint64_t *n_out)
{
    uint64_t rl[KC_PACK_DIM_MAX], f;
    dyn_pick q = { t, in, h, rem, p, left, rl, SIZE_MAX, 0 };

    for (size_t d = 0; d < in->nd; d++)
        rl[d] = kc_pack_norm_of(left[d], in->cap[d]);
    {
        uint64_t b;

        if (dyn_open(&q, 1, 0, &b))
            dyn_search(&q, 1, 0, t->leaves);
    }
    if (q.best == SIZE_MAX)
        return SIZE_MAX;
    /* Add a batch: half of what fits keeps the choice dynamic while a host holding
     * thousands of small VMs still takes only a logarithmic number of steps. */
    f = kc_pack_fit_count(left, in->items[q.best].demand, in->nd);
    *n_out = f / 2 > 1 ? f / 2 : 1;
    if (*n_out > rem[q.best] - p[q.best])
        *n_out = rem[q.best] - p[q.best];
    return q.best;
}

static int cmp_use(const void *a, const void *b)
{
    const kc_pack_use *x = a, *y = b;

    return (x->item > y->item) - (x->item < y->item);
}

int kc_pack_run_heuristic(const kc_pack_inst *in, kc_pack_heuristic h, kc_pack_weight w,
                          kc_pack_sol *s, kc_error *err)
{
    size_t ni = in->ni, nd = in->nd;
    uint64_t *rem = calloc(ni + 1, sizeof(*rem));
    uint64_t *p = calloc(ni + 1, sizeof(*p));
    size_t *order = calloc(ni + 1, sizeof(*order));
    keyed *key = calloc(ni + 1, sizeof(*key));
    kc_pack_use *use = calloc(ni + 1, sizeof(*use));   /* the types this host takes */
    size_t *pos_of = calloc(ni + 1, sizeof(*pos_of));  /* a type's position in @order */
    uint64_t left_vms = in->total;
    bool ffd = h <= KC_PACK_FFD_LINF || h == KC_PACK_FFD_SCARCE;
    ffd_tree tree = { 0 };
    int ret = -1;

    memset(s, 0, sizeof(*s));
    s->how = h;
    if (!rem || !p || !order || !key || !use || !pos_of) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        rem[i] = in->items[i].count;
    if (h <= KC_PACK_FFD_LINF) {
        kc_pack_sort_items(in, h, order);
        for (size_t j = 0; j < ni; j++)
            pos_of[order[j]] = j;
        if (tree_build(&tree, in, order, rem, false, err) < 0)
            goto out;
    } else if (!ffd) {
        for (size_t j = 0; j < ni; j++)
            order[j] = pos_of[j] = j;
        if (tree_build(&tree, in, order, rem, true, err) < 0)
            goto out;
    }

    while (left_vms > 0) {
        uint64_t left[KC_PACK_DIM_MAX];
        uint64_t k = UINT64_MAX, placed = 0;
        size_t nu = 0;

        memcpy(left, in->cap, nd * sizeof(*left));
        if (h == KC_PACK_FFD_SCARCE)
            sort_scarce(in, w, rem, order, key);
        if (ffd) {
            for (size_t j = 0; j < ni; j++) {
                size_t i;
                uint64_t n;

                if (tree.min) {
                    j = tree_first(&tree, in, order, rem, 1, 0, tree.leaves, j, left);
                    if (j == SIZE_MAX)
                        break;
                } else if (rem[order[j]] == 0 ||
                           !kc_pack_fits_once(left, in->items[order[j]].demand, nd)) {
                    continue;
                }
                i = order[j];
                n = kc_pack_fit_count(left, in->items[i].demand, nd);
                if (n > rem[i])
                    n = rem[i];
                p[i] = n;
                use[nu++].item = i;
                kc_pack_take(left, in->items[i].demand, nd, n);
            }
        } else {
            for (;;) {
                uint64_t n = 0;
                size_t i = pick_tree(&tree, in, h, rem, p, left, &n);

                if (i == SIZE_MAX)
                    break;
                if (p[i] == 0)
                    use[nu++].item = i;
                p[i] += n;
                kc_pack_take(left, in->items[i].demand, nd, n);
            }
        }
        for (size_t u = 0; u < nu; u++) {
            size_t i = use[u].item;

            placed += p[i];
            if (rem[i] / p[i] < k)
                k = rem[i] / p[i];
        }
        if (placed == 0) {
            kc_error_set(err, KC_ERR_INTERNAL, "packing made no progress");
            goto out;
        }
        for (size_t u = 0; u < nu; u++) {
            size_t i = use[u].item;

            use[u].count = p[i];
            rem[i] -= k * p[i];
            p[i] = 0;
            if (rem[i] == 0 && tree.min)
                tree_kill(&tree, pos_of[i]);
        }
        left_vms -= k * placed;      /* k * placed <= left_vms: both count placed VMs */
        qsort(use, nu, sizeof(*use), cmp_use);
        if (kc_pack_sol_push_uses(s, k, use, nu, err) < 0)
            goto out;
    }
    ret = 0;
 out:
    if (ret < 0)
        kc_pack_sol_clear(s);
    free(rem);
    free(p);
    free(order);
    free(key);
    free(use);
    free(pos_of);
    free(tree.min);
    free(tree.max);
    return ret;
}

/* ---- minimum bin slack ---- */

/*
 * Gupta and Ho's minimum bin slack, for vectors: each host is the fullest one (largest sum
 * of normalized demands) that a depth-first search over item types finds within its node
 * limit, holding at least one VM of the first type (in decreasing L1 order) that has VMs
 * left. The first dive is first-fit decreasing, so a host is never worse filled than FFD's;
 * a host found completely full ends the search. The budget is adaptive: @effort x
 * MBS_NODES a host, and @budget in all raised to that for every host the packing is expected
 * to need (the volume of the demand), at most @effort x MBS_MAX_BUDGET (a fixed 200,000 in
 * all covered ~50 hosts). @deep shares @effort x MBS_MAX_BUDGET out over the hosts expected,
 * up to MBS_HOST_MAX and 256 x the types a host: small instances are searched deeper (on the vector triplets of
 * bench/, 4000 nodes a host leave 5-10 % above the optimum, 64,000 find it on 249 VMs in 5
 * dimensions; deeper is not always better, so the caller keeps the better of both). Once
 * spent, each host gets only its first dive, and past MBS_ABANDON x the budget the search
 * gives up (s->hosts = UINT64_MAX): work stays bounded however many patterns there are.
 */
#define MBS_NODES 4000u          /* per host, at least */
#define MBS_ABANDON 4u
#define MBS_MAX_BUDGET 2000000u  /* nodes at effort 1, however many hosts (~50 ms) */
#define MBS_HOST_MAX 64000u      /* nodes a host at effort 1, however few hosts */

typedef struct mbs {
    const kc_pack_inst *in;
    const size_t *order;
    const uint64_t *rem;
    uint64_t *cur, *best;
    uint64_t best_fill, full, nodes, limit;
} mbs;

static uint64_t item_fill(const kc_pack_inst *in, size_t i)
{
    uint64_t f = 0;

    for (size_t d = 0; d < in->nd; d++)
        f += in->norm[i * KC_PACK_DIM_MAX + d];
    return f;
}

static void mbs_rec(mbs *m, size_t pos, size_t first, const uint64_t *left, uint64_t fill)
{
    const kc_pack_inst *in = m->in;
    size_t i;
    uint64_t maxn, lo;

    if (fill > m->best_fill) {
        m->best_fill = fill;
        memcpy(m->best, m->cur, in->ni * sizeof(*m->cur));
    }
    if (pos == in->ni || m->best_fill >= m->full || ++m->nodes >= m->limit)
        return;
    i = m->order[pos];
    maxn = m->rem[i] == 0 || !kc_pack_fits_once(left, in->items[i].demand, in->nd) ? 0 :
           kc_pack_fit_count(left, in->items[i].demand, in->nd);
    if (maxn > m->rem[i])
        maxn = m->rem[i];
    lo = pos == first ? 1 : 0;
    for (uint64_t n = maxn + 1; n-- > lo;) {
        uint64_t next[KC_PACK_DIM_MAX];

        memcpy(next, left, in->nd * sizeof(*next));
        kc_pack_take(next, in->items[i].demand, in->nd, n);
        m->cur[i] = n;
        mbs_rec(m, pos + 1, first, next, fill + n * item_fill(in, i));
        if (m->best_fill >= m->full || m->nodes >= m->limit)
            break;
    }
    m->cur[i] = 0;
}

int kc_pack_run_mbs(const kc_pack_inst *in, uint64_t budget, uint64_t effort, bool deep,
                    kc_pack_sol *s, uint64_t *spent_out, kc_error *err)
{
    size_t ni = in->ni;
    uint64_t *rem = calloc(ni + 1, sizeof(*rem));
    uint64_t *cur = calloc(ni + 1, sizeof(*cur));
    uint64_t *best = calloc(ni + 1, sizeof(*best));
    size_t *order = calloc(ni + 1, sizeof(*order));
    uint64_t left_vms = in->total, spent = 0, per_host = effort * MBS_NODES, lb = 1;
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
    kc_pack_sort_items(in, KC_PACK_FFD_L1, order);
    memset(&m, 0, sizeof(m));
    m.in = in;
    m.order = order;
    m.rem = rem;
    m.cur = cur;
    m.best = best;
    for (size_t d = 0; d < in->nd; d++)
        if (in->cap[d] > 0)
            m.full += (uint64_t)1 << KC_PACK_NORM_BITS;
    /* hosts expected: the volume of the normalized demand (a cheap lower bound) */
    {
        kc_u128 vol = 0;

        for (size_t i = 0; i < ni; i++)
            for (size_t d = 0; d < in->nd; d++)
                vol += (kc_u128)in->items[i].count * in->norm[i * KC_PACK_DIM_MAX + d];
        vol = m.full ? vol / m.full : 0;
        lb = vol > 1 ? (vol > UINT64_MAX ? UINT64_MAX : (uint64_t)vol) : 1;
    }
    /* deep: share the total out over the hosts expected (small instances deeper), as far
     * as the types make the search wide (256 nodes a type); not deeper than plain: no run */
    if (deep) {
        uint64_t d = effort * MBS_MAX_BUDGET / lb;

        d = d < effort * MBS_HOST_MAX ? d : effort * MBS_HOST_MAX;
        d = d < effort * 256 * (uint64_t)ni ? d : effort * 256 * (uint64_t)ni;
        if (d <= per_host) {
            s->hosts = UINT64_MAX;
            ret = 0;
            goto out;
        }
        per_host = d;
    }
    if (budget / per_host < lb)
        budget = per_host * lb;              /* enough for every host expected, */
    if (budget / effort > MBS_MAX_BUDGET)
        budget = effort * MBS_MAX_BUDGET;    /* within reason */
    while (left_vms > 0) {
        size_t first = 0;
        uint64_t k = UINT64_MAX, placed = 0;

        while (rem[order[first]] == 0)
            first++;
        memset(best, 0, ni * sizeof(*best));
        m.best_fill = 0;
        m.nodes = 0;
        /* the first dive takes at most ni + 1 nodes: always allowed */
        m.limit = spent + per_host <= budget ? per_host : ni + 2;
        mbs_rec(&m, first, first, in->cap, 0);
        spent += m.nodes;
        if (spent > MBS_ABANDON * budget) {
            kc_pack_sol_clear(s);
            s->hosts = UINT64_MAX;           /* too many patterns for the budget: no result */
            ret = 0;
            goto out;
        }
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
        if (kc_pack_sol_push(s, ni, k, best, err) < 0)
            goto out;
    }
    ret = 0;
 out:
    if (ret < 0)
        kc_pack_sol_clear(s);
    *spent_out = spent;
    free(rem);
    free(cur);
    free(best);
    free(order);
    return ret;
}


/* ---- best-fit decreasing, VM by VM ---- */

/*
 * Item-centric best fit decreasing: the VMs in decreasing @key order (L1, L2 or the largest
 * normalized demand), each onto the open host it fits that is fullest (the smallest sum of
 * normalized free capacity; the lowest index on a tie), a new host when it fits none. All
 * hosts stay open, so a small VM late in the order still fills a gap an early host left;
 * the bin-centric heuristics above close each host before the next. Mommessin et al.'s
 * classification (pack_multi.c cites it) finds the item-centric family the best of the
 * single-pass heuristics on instances with a wide spread of sizes (the Caprara-Toth classes
 * 2 and 3 in 3-5 dimensions). Work: VMs x open hosts x dimensions, so the caller keeps it to
 * KC_PACK_BFD_MAX_VMS VMs.
 */
int kc_pack_run_bfd(const kc_pack_inst *in, kc_pack_heuristic key, kc_pack_sol *s,
                    kc_error *err)
{
    size_t ni = in->ni, nd = in->nd, nb = 0, nv = 0;
    size_t *order = calloc(ni + 1, sizeof(*order));
    size_t *vm_type = calloc(in->total + 1, sizeof(*vm_type));
    size_t *vm_bin = calloc(in->total + 1, sizeof(*vm_bin));
    uint64_t *free_ = calloc((in->total + 1) * KC_PACK_DIM_MAX, sizeof(*free_));
    uint64_t *fsum = calloc(in->total + 1, sizeof(*fsum));
    uint64_t *cnt = calloc(ni + 1, sizeof(*cnt));
    size_t *first = NULL, *next = NULL;
    int ret = -1;

    memset(s, 0, sizeof(*s));
    s->how = KC_PACK_BFD;
    if (!order || !vm_type || !vm_bin || !free_ || !fsum || !cnt) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    kc_pack_sort_items(in, key, order);
    for (size_t o = 0; o < ni; o++) {
        size_t i = order[o];
        const uint64_t *dem = in->items[i].demand;

        for (uint64_t c = 0; c < in->items[i].count; c++) {
            size_t b = SIZE_MAX;
            uint64_t *f;

            for (size_t h = 0; h < nb; h++)
                if ((b == SIZE_MAX || fsum[h] < fsum[b]) &&
                    kc_pack_fits_once(free_ + h * KC_PACK_DIM_MAX, dem, nd))
                    b = h;
            if (b == SIZE_MAX) {
                b = nb++;
                memcpy(free_ + b * KC_PACK_DIM_MAX, in->cap, nd * sizeof(*in->cap));
            }
            f = free_ + b * KC_PACK_DIM_MAX;
            kc_pack_take(f, dem, nd, 1);
            fsum[b] = 0;
            for (size_t d = 0; d < nd; d++)
                fsum[b] += kc_pack_norm_of(f[d], in->cap[d]);
            vm_type[nv] = i;
            vm_bin[nv++] = b;
        }
    }
    /* the hosts' VMs as lists, then one pattern a host */
    first = malloc((nb + 1) * sizeof(*first));
    next = malloc((nv + 1) * sizeof(*next));
    if (!first || !next) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t b = 0; b < nb; b++)
        first[b] = SIZE_MAX;
    for (size_t v = nv; v-- > 0;) {
        next[v] = first[vm_bin[v]];
        first[vm_bin[v]] = v;
    }
    for (size_t b = 0; b < nb; b++) {
        for (size_t v = first[b]; v != SIZE_MAX; v = next[v])
            cnt[vm_type[v]]++;
        if (kc_pack_sol_push_merge(s, ni, 1, cnt, err) < 0)
            goto out;
        for (size_t v = first[b]; v != SIZE_MAX; v = next[v])
            cnt[vm_type[v]] = 0;
    }
    ret = 0;
 out:
    if (ret < 0)
        kc_pack_sol_clear(s);
    free(order);
    free(vm_type);
    free(vm_bin);
    free(free_);
    free(fsum);
    free(cnt);
    free(first);
    free(next);
    return ret;
}

/* ---- least flexible first ---- */

/*
 * Each host starts with the VM left that can share a host with the fewest others (its
 * degree in the graph of pairs that fit together, over the VMs left; ties: the larger by
 * the sum of normalized demands, then the lower index), then takes, while one fits, the
 * fitting VM of the smallest degree (@by_size: the largest fitting one instead). Where
 * most hosts hold one to three VMs (sizes up to the whole host, the Caprara-Toth classes
 * 2 and 3 in 3-5 dimensions), this is a greedy matching that pairs the hard VMs first:
 * 2-5 hosts fewer than every first-fit order on 250-500 VMs of those classes, and worse
 * where hosts hold many VMs (the caller keeps the best). Work: VMs^2 / 64 words for the
 * pair graph (a bit matrix), VMs x hosts to fill, so the caller keeps it to
 * KC_PACK_BFD_MAX_VMS VMs.
 */
int kc_pack_run_mindeg(const kc_pack_inst *in, bool by_size, kc_pack_sol *s, kc_error *err)
{
    size_t ni = in->ni, nd = in->nd, n = (size_t)in->total, words = n / 64 + 1, nv = 0;
    uint64_t *adj = calloc(n * words + 1, sizeof(*adj));
    uint64_t *alive = calloc(words, sizeof(*alive));
    size_t *type = calloc(n + 1, sizeof(*type));
    size_t *deg = calloc(n + 1, sizeof(*deg));
    uint64_t *size = calloc(n + 1, sizeof(*size));
    uint64_t *cnt = calloc(ni + 1, sizeof(*cnt));
    size_t *members = calloc(n + 1, sizeof(*members));
    int ret = -1;

    memset(s, 0, sizeof(*s));
    s->how = KC_PACK_MINDEG;
    if (!adj || !alive || !type || !deg || !size || !cnt || !members) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        for (uint64_t c = 0; c < in->items[i].count; c++) {
            type[nv] = i;
            size[nv] = item_fill(in, i);
            alive[nv / 64] |= (uint64_t)1 << (nv % 64);
            nv++;
        }
    for (size_t a = 0; a < n; a++)
        for (size_t b = a + 1; b < n; b++) {
            const uint64_t *x = in->items[type[a]].demand, *y = in->items[type[b]].demand;
            bool ok = true;

            for (size_t d = 0; d < nd && ok; d++)
                ok = x[d] <= in->cap[d] - y[d];
            if (ok) {
                adj[a * words + b / 64] |= (uint64_t)1 << (b % 64);
                adj[b * words + a / 64] |= (uint64_t)1 << (a % 64);
                deg[a]++;
                deg[b]++;
            }
        }
    for (size_t left = n; left > 0;) {
        uint64_t free_[KC_PACK_DIM_MAX];
        size_t nm = 0;

        memcpy(free_, in->cap, nd * sizeof(*free_));
        for (bool seed = true;; seed = false) {
            size_t v = SIZE_MAX;

            for (size_t x = 0; x < n; x++) {
                if (!(alive[x / 64] >> (x % 64) & 1) ||
                    (!seed && !kc_pack_fits_once(free_, in->items[type[x]].demand, nd)))
                    continue;
                if (v == SIZE_MAX || (!seed && by_size ? size[x] > size[v] :
                                      deg[x] != deg[v] ? deg[x] < deg[v] : size[x] > size[v]))
                    v = x;
            }
            if (v == SIZE_MAX)
                break;
            kc_pack_take(free_, in->items[type[v]].demand, nd, 1);
            alive[v / 64] &= ~((uint64_t)1 << (v % 64));
            for (size_t w = 0; w < words; w++) {
                uint64_t m = adj[v * words + w] & alive[w];

                while (m) {
                    deg[w * 64 + (size_t)__builtin_ctzll(m)]--;
                    m &= m - 1;
                }
            }
            members[nm++] = v;
            left--;
        }
        for (size_t k = 0; k < nm; k++)
            cnt[type[members[k]]]++;
        if (kc_pack_sol_push_merge(s, ni, 1, cnt, err) < 0)
            goto out;
        for (size_t k = 0; k < nm; k++)
            cnt[type[members[k]]] = 0;
    }
    ret = 0;
 out:
    if (ret < 0)
        kc_pack_sol_clear(s);
    free(adj);
    free(alive);
    free(type);
    free(deg);
    free(size);
    free(cnt);
    free(members);
    return ret;
}
