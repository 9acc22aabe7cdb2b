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

typedef kc_pack_keyed keyed;

int kc_pack_cmp_keyed(const void *a, const void *b)
{
    const keyed *x = a, *y = b;

    if (x->key != y->key)
        return x->key < y->key ? 1 : -1;     /* larger first */
    return (x->i > y->i) - (x->i < y->i);    /* then by index: deterministic */
}

#define RADIX_BITS 11u

void kc_pack_radix_keyed(kc_pack_keyed *a, kc_pack_keyed *tmp, size_t n, bool descending)
{
    uint64_t top = 0, flip = descending ? UINT64_MAX : 0;

    for (size_t i = 0; i < n; i++)
        top |= a[i].key ^ flip;
    for (unsigned shift = 0; shift < 64 && (top >> shift) != 0; shift += RADIX_BITS) {
        size_t count[(1u << RADIX_BITS) + 1] = { 0 };

        for (size_t i = 0; i < n; i++)
            count[(((a[i].key ^ flip) >> shift) & ((1u << RADIX_BITS) - 1)) + 1]++;
        for (size_t b = 1; b <= (1u << RADIX_BITS); b++)
            count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++)
            tmp[count[((a[i].key ^ flip) >> shift) & ((1u << RADIX_BITS) - 1)]++] = a[i];
        memcpy(a, tmp, n * sizeof(*a));
    }
}

/* Item indices by decreasing @h key, ties by index (a total order, so the same as a stable
 * sort, whichever sort): a heap sort, O(n log n) without allocating; for many types a radix
 * sort of the keys computed once when its table can be had (the same order). */
void kc_pack_sort_items(const kc_pack_inst *in, kc_pack_heuristic h, size_t *order)
{
    size_t n = in->ni;
    keyed *tab = n > KC_PACK_RADIX_MIN ? malloc(2 * n * sizeof(*tab)) : NULL;

    if (tab) {
        for (size_t i = 0; i < n; i++)
            tab[i] = (keyed){ static_key(in, i, h), i };
        kc_pack_radix_keyed(tab, tab + n, n, true);
        for (size_t i = 0; i < n; i++)
            order[i] = tab[i].i;
        free(tab);
        return;
    }
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
    qsort(tmp, in->ni, sizeof(*tmp), kc_pack_cmp_keyed);
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
    size_t leaves, nd, w;
    /* 2 x leaves nodes of w words each, together (one node, one cache line or two): the
     * smallest demand in each dimension (nd words); for dot-product and best-fit also the
     * largest normalized demand (nd); for them and for first fit in k-d order the lowest key
     * with VMs left below the node (1 word, the last; UINT64_MAX if none): the item index
     * (dot-product, best-fit) or the place in the order (first fit) */
    uint64_t *node;
    bool with_max, with_idx;
} ffd_tree;

static inline uint64_t *tree_min(const ffd_tree *t, size_t n)
{
    return t->node + n * t->w;
}

static inline uint64_t *tree_max(const ffd_tree *t, size_t n)
{
    return t->node + n * t->w + t->nd;
}

static inline uint64_t tree_idx(const ffd_tree *t, size_t n)
{
    return t->node[n * t->w + t->w - 1];
}

/* Node @n from its children; whether it changed. */
static bool tree_pull(ffd_tree *t, size_t n)
{
    const uint64_t *l = tree_min(t, 2 * n), *r = tree_min(t, 2 * n + 1);
    uint64_t *x = tree_min(t, n);
    bool changed = false;

    for (size_t d = 0; d < t->nd; d++) {
        uint64_t v = l[d] < r[d] ? l[d] : r[d];

        changed |= v != x[d];
        x[d] = v;
    }
    if (t->with_max) {
        for (size_t d = t->nd; d < 2 * t->nd; d++) {
            uint64_t v = l[d] > r[d] ? l[d] : r[d];

            changed |= v != x[d];
            x[d] = v;
        }
    }
    if (t->with_idx) {
        size_t e = t->w - 1;
        uint64_t v = l[e] < r[e] ? l[e] : r[e];

        changed |= v != x[e];
        x[e] = v;
    }
    return changed;
}

/* A node with no type below it. */
static void tree_empty(ffd_tree *t, size_t n)
{
    uint64_t *x = tree_min(t, n);

    for (size_t d = 0; d < t->nd; d++)
        x[d] = UINT64_MAX;
    if (t->with_max)
        for (size_t d = t->nd; d < 2 * t->nd; d++)
            x[d] = 0;
    if (t->with_idx)
        x[t->w - 1] = UINT64_MAX;
}

/* Type at @pos has no VMs left: out of every node above it (up to the first node that does
 * not change: the ones above it do not either). */
static void tree_kill(ffd_tree *t, size_t pos)
{
    tree_empty(t, t->leaves + pos);
    for (size_t n = (t->leaves + pos) / 2; n >= 1 && tree_pull(t, n); n /= 2)
        ;
}

/* The tree over @order's positions (types with VMs left); with @with_max the largest
 * normalized demands and the lowest indices too; with @rank (first fit in k-d order) the
 * lowest rank[type] instead of the lowest index (and no largest demands). */
static int tree_build(ffd_tree *t, const kc_pack_inst *in, const size_t *order,
                      const uint64_t *rem, bool with_max, const size_t *rank, kc_error *err)
{
    t->nd = in->nd;
    t->with_max = with_max;
    t->with_idx = with_max || rank;
    t->w = t->nd + (with_max ? t->nd : 0) + (t->with_idx ? 1 : 0);
    for (t->leaves = 1; t->leaves < in->ni; t->leaves *= 2)
        ;
    t->node = malloc(2 * t->leaves * t->w * sizeof(*t->node) + 1);
    if (!t->node)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t pos = 0; pos < t->leaves; pos++) {
        size_t n = t->leaves + pos;

        if (pos >= in->ni || rem[order[pos]] == 0) {
            tree_empty(t, n);
            continue;
        }
        memcpy(tree_min(t, n), in->items[order[pos]].demand, t->nd * sizeof(*t->node));
        if (with_max)
            memcpy(tree_max(t, n), in->norm + order[pos] * KC_PACK_DIM_MAX,
                   t->nd * sizeof(*t->node));
        if (t->with_idx)
            t->node[n * t->w + t->w - 1] = rank ? rank[order[pos]] : order[pos];
    }
    for (size_t n = t->leaves; n-- > 1;) {
        tree_empty(t, n);
        tree_pull(t, n);
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

    if (lo + len <= pos || !kc_pack_fits_once(left, tree_min(t, n), t->nd))
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
 * bound over the tree: a node whose types cannot fit (its smallest demands) or cannot beat
 * the best so far (its score bound from the largest normalized demands: dot-product's score
 * grows with each demand, best-fit's falls; a tie only with a lower index, the node's
 * lowest) is skipped. The tree's leaves are the types in index order up to
 * KC_PACK_KD_MIN_TYPES types; above, in k-d order (kd_order), so that a node's smallest and
 * largest demands bound a small box and the bounds prune: in index order every node of
 * thousands of distinct shapes spans nearly every demand, and each pick visited a large
 * part of the tree. A type is out of the tree as soon as the host under construction takes
 * its last VM (it cannot come back: the host is repeated once, k = 1).
 */

typedef struct dyn_pick {
    const ffd_tree *t;
    const kc_pack_inst *in;
    kc_pack_heuristic h;
    const uint64_t *rem, *p, *left, *rl;
    const size_t *order;
    size_t best;
    uint64_t best_score;
} dyn_pick;

static inline uint64_t node_score(const dyn_pick *q, const uint64_t *x)
{
    const uint64_t *rl = q->rl;
    size_t nd = q->in->nd;
    uint64_t score = 0;

    if (q->h == KC_PACK_DOT) {
        /* a type that fits asks at most what is left (normalized: rounding down keeps the
         * order), so a node's bound need not count more: the same score at a leaf that
         * fits, a much lower bound on a node that straddles what is left */
        for (size_t d = 0; d < nd; d++)
            score += (x[d] < rl[d] ? x[d] : rl[d]) * rl[d];
    } else {
        for (size_t d = 0; d < nd; d++) {
            uint64_t r = rl[d] > x[d] ? rl[d] - x[d] : 0;

            score += r * r;
        }
    }
    return score;
}

/* Whether @score at index @i beats the best so far. */
static inline bool dyn_better(const dyn_pick *q, uint64_t score, size_t i)
{
    if (q->best == SIZE_MAX)
        return true;
    if (score != q->best_score)
        return q->h == KC_PACK_DOT ? score > q->best_score : score < q->best_score;
    return i < q->best;
}

/* Whether node @n may hold a fitting type that beats the best; its bound into @bound. */
static inline bool dyn_open(const dyn_pick *q, size_t n, uint64_t *bound)
{
    const ffd_tree *t = q->t;

    if (tree_idx(t, n) == UINT64_MAX || !kc_pack_fits_once(q->left, tree_min(t, n), t->nd))
        return false;
    /* the bound with the node's lowest index: no type below it scores better or ties lower */
    /* the tree's arrays are freed by kc_pack_run_heuristic's exit path: the analyzer loses
     * them across the recursion */
    *bound = node_score(q, tree_max(t, n));   // NOLINT(clang-analyzer-unix.Malloc)
    return dyn_better(q, *bound, (size_t)tree_idx(t, n));
}

static void dyn_search(dyn_pick *q, size_t n, size_t lo, size_t len)
{
    uint64_t b0 = 0, b1 = 0;
    bool o0, o1, second_first;

    if (len == 1) {
        size_t i = q->order[lo];

        if (q->rem[i] - q->p[i] == 0 ||
            !kc_pack_fits_once(q->left, q->in->items[i].demand, q->in->nd))
            return;
        q->best = i;      /* its bound is its score, and it was open: it beats the best */
        q->best_score = node_score(q, q->in->norm + i * KC_PACK_DIM_MAX);
        return;
    }
    o0 = dyn_open(q, 2 * n, &b0);
    o1 = dyn_open(q, 2 * n + 1, &b1);
    /* the more promising child first: the best is found early and prunes more */
    second_first = o0 && o1 && (q->h == KC_PACK_DOT ? b1 > b0 : b1 < b0);
    for (int c = 0; c < 2; c++) {
        size_t k = (size_t)(c ^ second_first);

        /* again: the best may have moved since (the fit and the bound have not) */
        if ((k ? o1 : o0) && dyn_better(q, k ? b1 : b0, (size_t)tree_idx(q->t, 2 * n + k)))
            dyn_search(q, 2 * n + k, lo + k * (len / 2), len / 2);
    }
}

static size_t pick_tree(const ffd_tree *t, const kc_pack_inst *in, kc_pack_heuristic h,
                        const size_t *order, const uint64_t *rem, const uint64_t *p,
                        const uint64_t *left, uint64_t *n_out)
{
    uint64_t rl[KC_PACK_DIM_MAX], f;
    dyn_pick q = { t, in, h, rem, p, left, rl, order, SIZE_MAX, 0 };

    for (size_t d = 0; d < in->nd; d++)
        rl[d] = kc_pack_norm_of(left[d], in->cap[d]);
    {
        uint64_t b;

        if (dyn_open(&q, 1, &b))
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

/*
 * The k-d order of the types (dot-product and best-fit above KC_PACK_KD_MIN_TYPES types):
 * the tree's node over positions [lo, lo + len) splits at lo + len / 2, and kd_split puts
 * there the types below and above the median of the dimension whose normalized demands
 * spread widest in the node (ties by index: a total order, so the order is the same on
 * every machine). O(types x log(types)): a selection per node, not a sort.
 */
static bool kd_less(const kc_pack_inst *in, size_t d, size_t a, size_t b)
{
    uint64_t x = in->norm[a * KC_PACK_DIM_MAX + d], y = in->norm[b * KC_PACK_DIM_MAX + d];

    return x != y ? x < y : a < b;
}

static void kd_swap(size_t *v, size_t a, size_t b)
{
    size_t t = v[a];

    v[a] = v[b];
    v[b] = t;
}

static void kd_sift(const kc_pack_inst *in, size_t d, size_t *v, size_t root, size_t n)
{
    for (size_t c; (c = 2 * root + 1) < n; root = c) {
        if (c + 1 < n && kd_less(in, d, v[c], v[c + 1]))
            c++;
        if (!kd_less(in, d, v[root], v[c]))
            return;
        kd_swap(v, root, c);
    }
}

/* v[lo .. hi) rearranged so that v[k] is the one of its rank and the ones before it are
 * smaller (quickselect, the median of three pseudo-random ones as the pivot; a heap sort
 * past @depth rounds, so never quadratic). Which ones end before @k does not depend on the
 * pivots: the order kd_order makes is the same whatever they are. */
static void kd_select(const kc_pack_inst *in, size_t d, size_t *v, size_t lo, size_t hi,
                      size_t k, unsigned depth)
{
    uint64_t rng = 0x9e3779b97f4a7c15u ^ (hi - lo);

    while (hi - lo > 1) {
        size_t r[3], piv, store = lo;

        if (depth-- == 0) {
            size_t n = hi - lo;

            for (size_t i = n / 2; i-- > 0;)
                kd_sift(in, d, v + lo, i, n);
            for (size_t end = n; end-- > 1;) {
                kd_swap(v + lo, 0, end);
                kd_sift(in, d, v + lo, 0, end);
            }
            return;
        }
        for (int j = 0; j < 3; j++) {
            rng = rng * 6364136223846793005u + 1442695040888963407u;   /* Knuth's MMIX LCG */
            r[j] = lo + (size_t)((rng >> 33) % (hi - lo));
        }
        /* the median of the three */
        if (kd_less(in, d, v[r[0]], v[r[1]]))
            piv = kd_less(in, d, v[r[1]], v[r[2]]) ? r[1] :
                  kd_less(in, d, v[r[0]], v[r[2]]) ? r[2] : r[0];
        else
            piv = kd_less(in, d, v[r[0]], v[r[2]]) ? r[0] :
                  kd_less(in, d, v[r[1]], v[r[2]]) ? r[2] : r[1];
        kd_swap(v, piv, hi - 1);
        for (size_t j = lo; j < hi - 1; j++)
            if (kd_less(in, d, v[j], v[hi - 1]))
                kd_swap(v, store++, j);
        kd_swap(v, store, hi - 1);
        if (k == store)
            return;
        if (k < store)
            hi = store;
        else
            lo = store + 1;
    }
}

static void kd_split(const kc_pack_inst *in, size_t *order, size_t lo, size_t len)
{
    while (len > 1 && lo < in->ni) {
        size_t end = lo + len < in->ni ? lo + len : in->ni, mid = lo + len / 2, best_d = 0;
        uint64_t spread = 0;
        unsigned depth = 0;

        if (mid >= end) {            /* the right half is empty: all of it goes left */
            len /= 2;
            continue;
        }
        for (size_t d = 0; d < in->nd; d++) {
            uint64_t a = UINT64_MAX, b = 0;

            for (size_t j = lo; j < end; j++) {
                uint64_t x = in->norm[order[j] * KC_PACK_DIM_MAX + d];

                a = x < a ? x : a;
                b = x > b ? x : b;
            }
            if (b - a > spread) {
                spread = b - a;
                best_d = d;
            }
        }
        for (size_t n = end - lo; n > 1; n /= 2)
            depth += 2;
        kd_select(in, best_d, order, lo, end, mid, depth + 4);
        kd_split(in, order, lo, len / 2);
        lo = mid;                    /* the right half: no recursion */
        len /= 2;
    }
}

void kc_pack_kd_order(const kc_pack_inst *in, size_t *order)
{
    size_t leaves = 1;

    while (leaves < in->ni)
        leaves *= 2;
    for (size_t i = 0; i < in->ni; i++)
        order[i] = i;
    kd_split(in, order, 0, leaves);
}

/*
 * First fit over many types (above KC_PACK_KD_MIN_TYPES): the tree in k-d order, each node
 * keyed by the lowest place in the order (rank) of its types with VMs left, and first fit is
 * the fitting type of lowest rank, found by branch and bound (a node whose smallest demands
 * do not fit, or whose lowest rank is no better than the best so far, is skipped). The same
 * types as the scan in the order, in the same sequence: what is left only shrinks, so a
 * type passed over never fits again, and one taken is out of the tree (its last VM) or no
 * longer fits (as many as fit). In the order's own tree the smallest demands of a node mix
 * types all over the space, and proving that nothing fits any more took a walk over much
 * of the tree at every host (quadratic at a million types).
 */
static void kd_first(const ffd_tree *t, const uint64_t *left, const size_t *order, size_t n,
                     size_t lo, size_t len, uint64_t *best_rank, size_t *best)
{
    size_t a, b;

    if (tree_idx(t, n) >= *best_rank || !kc_pack_fits_once(left, tree_min(t, n), t->nd))
        return;
    if (len == 1) {
        *best_rank = tree_idx(t, n);
        *best = order[lo];
        return;
    }
    /* the child with the lower rank first */
    a = tree_idx(t, 2 * n + 1) < tree_idx(t, 2 * n) ? 1 : 0;
    b = 1 - a;
    kd_first(t, left, order, 2 * n + a, lo + a * (len / 2), len / 2, best_rank, best);
    kd_first(t, left, order, 2 * n + b, lo + b * (len / 2), len / 2, best_rank, best);
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
    bool kd_ffd = h <= KC_PACK_FFD_LINF && ni > KC_PACK_KD_MIN_TYPES;
    size_t *rank = kd_ffd ? calloc(ni + 1, sizeof(*rank)) : NULL;   /* place in the order */
    uint64_t left_vms = in->total;
    bool ffd = h <= KC_PACK_FFD_LINF || h == KC_PACK_FFD_SCARCE;
    ffd_tree tree = { 0 };
    int ret = -1;

    memset(s, 0, sizeof(*s));
    s->how = h;
    if (!rem || !p || !order || !key || !use || !pos_of || (kd_ffd && !rank)) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < ni; i++)
        rem[i] = in->items[i].count;
    if (h <= KC_PACK_FFD_LINF) {
        kc_pack_sort_items(in, h, order);
        for (size_t j = 0; j < ni; j++)
            pos_of[order[j]] = j;
        if (kd_ffd) {
            /* many types: the tree in k-d order, keyed by the place in the order */
            for (size_t j = 0; j < ni; j++)
                rank[order[j]] = j;
            if (in->kd)
                memcpy(order, in->kd, ni * sizeof(*order));    /* computed once a solve */
            else
                kc_pack_kd_order(in, order);
            for (size_t j = 0; j < ni; j++)
                pos_of[order[j]] = j;
        }
        if (tree_build(&tree, in, order, rem, false, kd_ffd ? rank : NULL, err) < 0)
            goto out;
    } else if (!ffd) {
        if (ni > KC_PACK_KD_MIN_TYPES) {
            if (in->kd)
                memcpy(order, in->kd, ni * sizeof(*order));    /* computed once a solve */
            else
                kc_pack_kd_order(in, order);
        } else {
            for (size_t j = 0; j < ni; j++)
                order[j] = j;
        }
        for (size_t j = 0; j < ni; j++)
            pos_of[order[j]] = j;
        if (tree_build(&tree, in, order, rem, true, NULL, err) < 0)
            goto out;
    }

    while (left_vms > 0) {
        uint64_t left[KC_PACK_DIM_MAX];
        uint64_t k = UINT64_MAX, placed = 0;
        size_t nu = 0;

        memcpy(left, in->cap, nd * sizeof(*left));
        if (h == KC_PACK_FFD_SCARCE)
            sort_scarce(in, w, rem, order, key);
        if (kd_ffd) {
            for (;;) {
                uint64_t best_rank = UINT64_MAX, n;
                size_t i = SIZE_MAX;

                kd_first(&tree, left, order, 1, 0, tree.leaves, &best_rank, &i);
                if (i == SIZE_MAX)
                    break;
                n = kc_pack_fit_count(left, in->items[i].demand, nd);
                if (n > rem[i])
                    n = rem[i];
                p[i] = n;
                use[nu++].item = i;
                kc_pack_take(left, in->items[i].demand, nd, n);
                if (n == rem[i])
                    tree_kill(&tree, pos_of[i]);    /* its last VM: out of the tree now */
            }
        } else if (ffd) {
            for (size_t j = 0; j < ni; j++) {
                size_t i;
                uint64_t n;

                if (tree.node) {
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
                size_t i = pick_tree(&tree, in, h, order, rem, p, left, &n);

                if (i == SIZE_MAX)
                    break;
                if (p[i] == 0)
                    use[nu++].item = i;
                p[i] += n;
                kc_pack_take(left, in->items[i].demand, nd, n);
                if (p[i] == rem[i])
                    tree_kill(&tree, pos_of[i]);    /* its last VM: out of the tree now */
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
            /* killed when the host took it */
            bool out_already = (!ffd || kd_ffd) && p[i] == rem[i];

            use[u].count = p[i];
            rem[i] -= k * p[i];
            p[i] = 0;
            if (rem[i] == 0 && tree.node && !out_already)
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
    free(rank);
    free(tree.node);
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
