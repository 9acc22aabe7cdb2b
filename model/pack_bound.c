/* SPDX-License-Identifier: MIT */
/* pack_bound.c: lower bounds on the hosts a vector packing needs (pure, no I/O). */
#include <stdlib.h>
#include <string.h>

#include "pack_impl.h"

#define CLIQUE_EXACT_TYPES 24u
#define CLIQUE_ROTATE_TYPES 256u     /* greedy from every start: types^2 x clique */

typedef kc_pack_inst inst;

static int add128(kc_u128 *acc, kc_u128 v, kc_error *err)
{
    if (*acc > ~(kc_u128)0 - v)
        return kc_error_set(err, KC_ERR_INVALID, "total demand is too large");
    *acc += v;
    return 0;
}

static uint64_t gcd64(uint64_t a, uint64_t b)
{
    while (b) {
        uint64_t t = a % b;

        a = b;
        b = t;
    }
    return a;
}

#define REDUCE_UNITS 65536u

/* The most one host can really hold in dimension @d: the largest sum of item sizes (with
 * their counts) that is at most C. Loads are multiples of the sizes' gcd, and when C/gcd is
 * small a bounded subset-sum over a bitset finds the exact maximum. Every feasible host load
 * is at most this, so the instance with this capacity is the same instance and any bound
 * computed on it is valid; it turns e.g. 7.5 GiB hosts of 1 GiB VMs into 7 GiB hosts. */
static uint64_t reduced_cap(const inst *in, size_t d)
{
    uint64_t bits[REDUCE_UNITS / 64 + 1];
    uint64_t c = in->cap[d], g = 0, m, *per = NULL;
    size_t words;

    for (size_t i = 0; i < in->ni; i++)
        if (in->items[i].count > 0 && in->items[i].demand[d] > 0)
            g = gcd64(in->items[i].demand[d], g);
    if (g == 0)
        return c;
    m = c / g;
    if (m > REDUCE_UNITS)
        return m * g;
    /* the VMs of each size in units, at most m / size of them count: many types of one
     * size are one subset-sum step, so the work is O(types + m x distinct sizes / 64) */
    per = calloc(m + 1, sizeof(*per));
    if (!per)
        return c;                /* the plain capacity is always valid */
    for (size_t i = 0; i < in->ni; i++) {
        uint64_t u = in->items[i].demand[d] / g, n = in->items[i].count;

        if (n == 0 || u == 0 || u > m)
            continue;
        if (n > m / u)
            n = m / u;
        per[u] = per[u] + n < m / u ? per[u] + n : m / u;
    }
    words = (size_t)(m / 64 + 1);
    memset(bits, 0, words * sizeof(*bits));
    bits[0] = 1;
    for (uint64_t u = 1; u <= m && !(bits[m / 64] >> (m % 64) & 1); u++) {
        uint64_t n = per[u];

        /* binary splitting of the count: chunks 1, 2, 4, ... and the rest */
        for (uint64_t chunk = 1; n > 0; chunk *= 2) {
            uint64_t take_n = chunk < n ? chunk : n;
            uint64_t s = take_n * u, ws = s / 64, bs = s % 64;

            n -= take_n;
            if (s > m)
                continue;
            for (size_t w = words; w-- > ws;) {
                uint64_t v = bits[w - ws] << bs;

                if (bs && w > ws)
                    v |= bits[w - ws - 1] >> (64 - bs);
                bits[w] |= v;
            }
        }
    }
    free(per);
    for (uint64_t u = m + 1; u-- > 0;)
        if (bits[u / 64] >> (u % 64) & 1)
            return u * g;
    return c;
}

/* Martello and Toth's L2 for one dimension (items with counts): for each threshold k <= C/2,
 * items above C-k and items above C/2 each need their own host, and the items in [k, C/2]
 * must fit in what the latter leave or open new hosts. The thresholds are the item sizes up
 * to C/2 and 0. The sizes sorted, with prefix sums of counts and of demand, each threshold
 * is three binary searches: O(n log n) (it was every item for every threshold). */
typedef struct l2_size {
    uint64_t w, n;
} l2_size;

static int cmp_l2_size(const void *a, const void *b)
{
    const l2_size *x = a, *y = b;

    return (x->w > y->w) - (x->w < y->w);
}

/* @v (@n) by size, ascending, by a radix sort of the sizes (the bound reads only the sizes
 * and their counts in size order: the order among equal sizes does not matter); qsort when
 * its scratch cannot be had. */
static void sort_l2_sizes(l2_size *v, size_t n)
{
    kc_pack_keyed *k = malloc(2 * n * sizeof(*k));
    uint64_t *cnt = malloc(n * sizeof(*cnt));

    if (!k || !cnt) {
        free(k);
        free(cnt);
        qsort(v, n, sizeof(*v), cmp_l2_size);
        return;
    }
    for (size_t j = 0; j < n; j++) {
        k[j] = (kc_pack_keyed){ v[j].w, j };
        cnt[j] = v[j].n;
    }
    kc_pack_radix_keyed(k, k + n, n, false);
    for (size_t j = 0; j < n; j++)
        v[j] = (l2_size){ k[j].key, cnt[k[j].i] };
    free(k);
    free(cnt);
}

/* The number of sizes in @v (@n, ascending) that are at most @w. */
static size_t count_le(const l2_size *v, size_t n, uint64_t w)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (v[mid].w <= w)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int bound_l2(const inst *in, size_t d, uint64_t c, kc_u128 *out, kc_error *err)
{
    kc_u128 best = 0, *cnt = NULL, *sum = NULL;   /* prefix sums: cnt[j], sum[j] over v[< j] */
    l2_size *v = NULL;
    size_t n = 0, half;
    int ret = -1;

    *out = 0;
    if (c == 0)
        return 0;
    v = calloc(in->ni + 1, sizeof(*v));
    cnt = calloc(in->ni + 2, sizeof(*cnt));
    sum = calloc(in->ni + 2, sizeof(*sum));
    if (!v || !cnt || !sum) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < in->ni; i++)
        if (in->items[i].count > 0)
            v[n++] = (l2_size){ in->items[i].demand[d], in->items[i].count };
    if (n > KC_PACK_RADIX_MIN)
        sort_l2_sizes(v, n);
    else
        qsort(v, n, sizeof(*v), cmp_l2_size);
    for (size_t j = 0; j < n; j++) {
        cnt[j + 1] = cnt[j] + v[j].n;
        sum[j + 1] = sum[j];
        if (add128(&sum[j + 1], (kc_u128)v[j].w * v[j].n, err) < 0)
            goto out;
    }
    half = count_le(v, n, c / 2);            /* v[< half]: 2w <= C; v[>= half]: J1 or J2 */
    for (size_t t = 0; t <= half; t++) {
        /* t < half: the threshold v[t].w (each distinct size once); t == half: 0 */
        uint64_t k = t < half ? v[t].w : 0;
        size_t lo, hi;
        kc_u128 n1, n2, s2, s3, room, l;

        if (t < half && t > 0 && v[t - 1].w == k)
            continue;
        lo = k == 0 ? 0 : t;                 /* J3 = v[lo .. half): k <= w <= C/2 */
        hi = count_le(v, n, c - k);          /* J2 = v[half .. hi): C/2 < w <= C-k */
        n1 = cnt[n] - cnt[hi];
        n2 = cnt[hi] - cnt[half];
        s2 = sum[hi] - sum[half];
        s3 = sum[half] - sum[lo];
        /* room = n2 * C - s2 <= n2 * C: no wrap since each J2 item is at most C. */
        room = n2 * c - s2;
        l = n1 + n2 + (s3 > room ? kc_pack_div_up128(s3 - room, c) : 0);
        if (l > best)
            best = l;
    }
    *out = best;
    ret = 0;
 out:
    free(v);
    free(cnt);
    free(sum);
    return ret;
}

static bool conflict(const inst *in, size_t i, size_t j)
{
    for (size_t d = 0; d < in->nd; d++)
        if ((kc_u128)in->items[i].demand[d] + in->items[j].demand[d] > in->cap[d])
            return true;
    return false;
}

/* Exact maximum-weight clique over at most CLIQUE_EXACT_TYPES types: the best weight, and
 * its types as a bit mask in *best_set. */
static uint64_t clique_rec(const uint64_t *w, const uint32_t *adj, uint32_t cand, uint32_t set,
                           uint64_t cur, uint64_t best, uint32_t *best_set)
{
    uint64_t rest = 0;
    size_t i;

    if (cand == 0) {
        if (cur > best)
            *best_set = set;
        return cur > best ? cur : best;
    }
    for (uint32_t m = cand; m; m &= m - 1)
        rest += w[__builtin_ctz(m)];
    if (cur + rest <= best)
        return best;
    i = (size_t)__builtin_ctz(cand);
    best = clique_rec(w, adj, cand & adj[i], set | 1u << i, cur + w[i], best, best_set);
    return clique_rec(w, adj, cand & ~(1u << i), set, cur, best, best_set);
}

/* Sort keys for the greedy clique: the normalized demand in dimension @key (< nd), or the
 * largest (nd) or the sum (nd + 1) over the dimensions. */
static uint64_t size_key(const inst *in, size_t i, size_t key)
{
    const uint64_t *x = in->norm + i * KC_PACK_DIM_MAX;
    uint64_t k = 0;

    if (key < in->nd)
        return x[key];
    for (size_t d = 0; d < in->nd; d++)
        k = key == in->nd ? (x[d] > k ? x[d] : k) : k + x[d];
    return k;
}

typedef kc_pack_keyed keyed;

/* Greedy cliques: the types in decreasing size (by each dimension, the largest and the sum
 * of the normalized demands), each added when it conflicts with every type chosen so far.
 * Any clique is a valid bound; large VMs are the ones that cannot share, so size orders find
 * big cliques (hundreds of VMs on 500-VM instances). A type that overflows some dimension
 * next to the smallest chosen demand there conflicts with all of them (no pairwise test);
 * else the chosen are tested newest first (the small ones, likeliest to share). Up to
 * CLIQUE_ROTATE_TYPES types also from every type in index order. The pairwise tests are
 * bounded by CLIQUE_WORK (work, not time: deterministic); past it the cliques found so far
 * stand. Returns 0 when out of memory (0 is always a valid bound). */
#define CLIQUE_WORK (1ull << 27)
#define CLIQUE_RESIDUAL_WORK (1ull << 25)   /* clique_residual's pairwise tests, in all */

typedef struct clique_run {
    const inst *in;
    size_t *chosen;
    size_t n;
    uint64_t sum, minc[KC_PACK_DIM_MAX], work;
} clique_run;

static void clique_start(clique_run *r)
{
    r->n = 0;
    r->sum = 0;
    for (size_t d = 0; d < KC_PACK_DIM_MAX; d++)
        r->minc[d] = UINT64_MAX;
}

static void clique_offer(clique_run *r, size_t i)
{
    const inst *in = r->in;
    const uint64_t *w = in->items[i].demand;
    bool ok = in->items[i].count > 0, all = r->n == 0;

    if (!ok)
        return;
    for (size_t d = 0; !all && d < in->nd; d++)
        all = (kc_u128)w[d] + r->minc[d] > in->cap[d];
    for (size_t c = r->n; !all && ok && c-- > 0;) {
        if (r->work >= CLIQUE_WORK)
            return;
        r->work++;
        ok = conflict(in, i, r->chosen[c]);
    }
    if (!ok)
        return;
    r->chosen[r->n++] = i;
    for (size_t d = 0; d < in->nd; d++)
        r->minc[d] = w[d] < r->minc[d] ? w[d] : r->minc[d];
    r->sum += conflict(in, i, i) ? in->items[i].count : 1;
}

/*
 * A clique and what its hosts cannot take. Each VM of the clique K needs a host of its own;
 * on the host of k, the other VMs take at most C_d - w_kd in dimension d (C: the reduced
 * capacity) and at most the demand of the VMs outside K that can share a host with k; every
 * other host takes at most C_d. So the VMs outside K, D_d in all, need
 *   hosts >= |K| + ceil((D_d - sum over k in K of min(C_d - w_kd, S_kd)) / C_d)
 * for every d, S_kd being the demand in d of the VMs outside K compatible with k. It is the
 * vector form of L2's argument: VMs that no clique host can take open hosts of their own.
 * The pairwise tests (types of K x types) count against *work; past the budget the clique
 * alone stands. @k: the clique's @n types (each type's copies: all of them in K when two
 * cannot share a host, else one); @nonk: scratch of ni counts.
 */
static uint64_t clique_residual(const inst *in, const uint64_t *capr, const size_t *k, size_t n,
                                uint64_t *nonk, uint64_t *work, uint64_t limit)
{
    kc_u128 need[KC_PACK_DIM_MAX] = { 0 }, room[KC_PACK_DIM_MAX] = { 0 };
    uint64_t weight = 0, extra = 0;

    for (size_t i = 0; i < in->ni; i++)
        nonk[i] = in->items[i].count;
    for (size_t c = 0; c < n; c++) {
        size_t t = k[c];
        uint64_t mult = conflict(in, t, t) ? in->items[t].count : 1;

        weight += mult;
        nonk[t] -= mult;
    }
    if (n == 0 || *work + (uint64_t)n * in->ni > limit)
        return weight;
    *work += (uint64_t)n * in->ni;
    for (size_t i = 0; i < in->ni; i++)
        for (size_t d = 0; d < in->nd; d++)
            need[d] += (kc_u128)nonk[i] * in->items[i].demand[d];
    for (size_t c = 0; c < n; c++) {
        size_t t = k[c];
        uint64_t mult = conflict(in, t, t) ? in->items[t].count : 1;
        kc_u128 sum[KC_PACK_DIM_MAX] = { 0 };

        for (size_t j = 0; j < in->ni; j++) {
            if (nonk[j] == 0 || conflict(in, t, j))
                continue;
            for (size_t d = 0; d < in->nd; d++)
                sum[d] += (kc_u128)nonk[j] * in->items[j].demand[d];
        }
        for (size_t d = 0; d < in->nd; d++) {
            /* every VM fits an empty host, so w_td <= the reduced capacity */
            kc_u128 r = capr[d] - in->items[t].demand[d];

            room[d] += (kc_u128)mult * (sum[d] < r ? sum[d] : r);
        }
    }
    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 e;

        if (capr[d] == 0 || need[d] <= room[d])
            continue;
        e = kc_pack_div_up128(need[d] - room[d], capr[d]);
        if (e > extra)
            extra = e > in->total ? in->total : (uint64_t)e;
    }
    return weight + extra;
}

static uint64_t clique_greedy(const inst *in, const uint64_t *capr)
{
    /* many types: the second half is the radix sort's scratch */
    keyed *ord = calloc(in->ni > KC_PACK_RADIX_MIN ? 2 * in->ni : in->ni + 1, sizeof(*ord));
    clique_run r = { .in = in, .chosen = calloc(in->ni + 1, sizeof(size_t)) };
    size_t *keep = calloc(in->ni + 1, sizeof(size_t)), n_keep = 0;
    uint64_t *nonk = calloc(in->ni + 1, sizeof(uint64_t));
    uint64_t best = 0, best_sum = 0, v, rwork = 0;

    if (!ord || !r.chosen || !keep || !nonk)
        goto out;
    for (size_t key = 0; key < in->nd + 2; key++) {
        for (size_t i = 0; i < in->ni; i++)
            ord[i] = (keyed){ size_key(in, i, key), i };
        if (in->ni > KC_PACK_RADIX_MIN)
            kc_pack_radix_keyed(ord, ord + in->ni, in->ni, true);   /* the same order */
        else
            qsort(ord, in->ni, sizeof(*ord), kc_pack_cmp_keyed);
        clique_start(&r);
        for (size_t t = 0; t < in->ni && r.work < CLIQUE_WORK; t++)
            clique_offer(&r, ord[t].i);
        v = clique_residual(in, capr, r.chosen, r.n, nonk, &rwork, CLIQUE_RESIDUAL_WORK);
        best = v > best ? v : best;
    }
    /* and, while types are few enough, from each type in index order (rotated); the
     * residual of the largest of these cliques */
    for (size_t s0 = 0; in->ni <= CLIQUE_ROTATE_TYPES && s0 < in->ni; s0++) {
        clique_start(&r);
        for (size_t t = 0; t < in->ni && r.work < CLIQUE_WORK; t++)
            clique_offer(&r, (s0 + t) % in->ni);
        if (r.sum > best_sum) {
            best_sum = r.sum;
            n_keep = r.n;
            memcpy(keep, r.chosen, r.n * sizeof(*keep));
        }
    }
    v = clique_residual(in, capr, keep, n_keep, nonk, &rwork, CLIQUE_RESIDUAL_WORK);
    best = v > best ? v : best;
 out:
    free(ord);
    free(r.chosen);
    free(keep);
    free(nonk);
    return best;
}

/* Items no two of which fit one host together need a host each. An item type conflicting
 * with itself (over half a host in some dimension) contributes all its copies, any other
 * type one copy. Maximum-weight clique, exact for up to CLIQUE_EXACT_TYPES types, else
 * greedy by size (still a valid bound: any clique is); then what the clique's hosts cannot
 * take (clique_residual). */
static uint64_t bound_clique(const inst *in, const uint64_t *capr)
{
    uint64_t w[CLIQUE_EXACT_TYPES], nonk[CLIQUE_EXACT_TYPES], work = 0;
    uint32_t adj[CLIQUE_EXACT_TYPES], set = 0;
    size_t k[CLIQUE_EXACT_TYPES], n = 0;

    if (in->ni <= CLIQUE_EXACT_TYPES) {
        uint32_t cand = 0;

        for (size_t i = 0; i < in->ni; i++) {
            adj[i] = 0;
            w[i] = in->items[i].count == 0 ? 0 :
                   conflict(in, i, i) ? in->items[i].count : 1;
            if (w[i])
                cand |= 1u << i;
            for (size_t j = 0; j < in->ni; j++)
                if (j != i && conflict(in, i, j))
                    adj[i] |= 1u << j;
        }
        clique_rec(w, adj, cand, 0, 0, 0, &set);
        for (size_t i = 0; i < in->ni; i++)
            if (set >> i & 1)
                k[n++] = i;
        return clique_residual(in, capr, k, n, nonk, &work, CLIQUE_RESIDUAL_WORK);
    }
    return clique_greedy(in, capr);
}

/* ---- dual-feasible functions, on one dimension and on surrogate sums ---- */

#define DFF_K_MAX 10u            /* Fekete-Schepers u^(k) for k = 1..10 */
#define DFF_COMPOSE_TYPES 64u    /* up to this many types, also f0 thresholds before u^(k) */
#define DFF_EXACT_CAP (1ull << 32)

/* Fekete and Schepers' u^(k) (k >= 1), scaled by k to stay in integers: for bins of
 * capacity @c, an item @x (<= c) with (k+1)x/c integral maps to k*x, any other to
 * floor((k+1)x/c)*c; items that fit one bin together map to at most k*c. k = 0 is the
 * identity (plain volume). */
static uint64_t dff_u(uint64_t x, uint64_t c, uint64_t k)
{
    uint64_t t;

    if (k == 0)
        return x;
    t = (k + 1) * x;             /* x <= c < 2^33, k <= 10: no wrap */
    return t % c == 0 ? k * x : t / c * c;
}

/* The best bound of the one-dimensional relaxation @x (sizes of @in's item types, their
 * counts as in @in) in bins of @c: sum of f(x) over capacity f(c), rounded up, for f = u^(k)
 * and, up to DFF_COMPOSE_TYPES types, u^(k) after Martello-Toth's threshold function f0
 * (x > c - l counts c, x < l counts 0), l over the item sizes up to c/2. Each f is
 * dual-feasible, so every such figure is a lower bound. */
static kc_u128 dff_bound(const inst *in, const uint64_t *x, uint64_t c)
{
    kc_u128 best = 0;
    size_t ni = in->ni;

    for (size_t t = ni <= DFF_COMPOSE_TYPES ? 0 : ni; t <= ni; t++) {
        uint64_t lam = t < ni ? x[t] : 0;

        if (t < ni && (in->items[t].count == 0 || lam == 0 || lam > c / 2))
            continue;
        for (uint64_t k = 0; k <= DFF_K_MAX; k++) {
            kc_u128 sum = 0, v;

            for (size_t i = 0; i < ni; i++) {
                uint64_t y = x[i];

                if (in->items[i].count == 0)
                    continue;
                if (lam > 0)
                    y = y > c - lam ? c : y < lam ? 0 : y;
                /* count < 2^64, f < 2^37, all counts sum below 2^64: no wrap */
                sum += (kc_u128)in->items[i].count * dff_u(y, c, k);
            }
            v = kc_pack_div_up128(sum, (kc_u128)(k ? k : 1) * c);
            if (v > best)
                best = v;
        }
    }
    return best;
}

/* Caprara and Toth's surrogate relaxation: a host holds a set of VMs only if, for any
 * weights m_d >= 0, the weighted sum of their demands normalized to the (reduced) capacity
 * is at most the weighted sum of capacities. Normalizing rounds down (floor(w 2^20 / C)),
 * which keeps every feasible set feasible. Weights: each dimension alone (exact figures
 * when small), all ones, and all ones with 2 or 3 on one dimension. */
static int bound_dff(const inst *in, const uint64_t *capr, kc_u128 *out, kc_error *err)
{
    size_t ni = in->ni, nd = in->nd, act = 0;
    uint64_t *x = calloc(ni * (KC_PACK_DIM_MAX + 1) + 1, sizeof(*x));
    uint64_t *nx;                /* ni x KC_PACK_DIM_MAX normalized demands */
    kc_u128 best = 0, v;

    *out = 0;
    if (!x)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    nx = x + ni;                 /* not before the check: NULL + ni is undefined */
    for (size_t d = 0; d < nd; d++) {
        if (capr[d] == 0)
            continue;
        act++;
        for (size_t i = 0; i < ni; i++) {
            uint64_t w = in->items[i].demand[d];

            /* zero-count items may exceed the reduced capacity: they are never counted */
            nx[i * KC_PACK_DIM_MAX + d] = w > capr[d] ? 0 :
                (uint64_t)(((kc_u128)w << KC_PACK_NORM_BITS) / capr[d]);
            x[i] = capr[d] <= DFF_EXACT_CAP ? (w > capr[d] ? 0 : w) :
                   nx[i * KC_PACK_DIM_MAX + d];
        }
        v = dff_bound(in, x, capr[d] <= DFF_EXACT_CAP ? capr[d] : (uint64_t)1 << KC_PACK_NORM_BITS);
        if (v > best)
            best = v;
    }
    for (size_t e = 0; act >= 2 && e <= 2 * nd; e++) {
        /* e == 0: all ones; else weight 2 (e odd) or 3 (e even) on dimension (e - 1) / 2 */
        size_t hd = e ? (e - 1) / 2 : nd;
        uint64_t hw = e % 2 ? 2 : 3, c = 0;

        if (hd < nd && capr[hd] == 0)
            continue;
        for (size_t d = 0; d < nd; d++)
            if (capr[d] > 0)
                c += (d == hd ? hw : 1) << KC_PACK_NORM_BITS;
        for (size_t i = 0; i < ni; i++) {
            x[i] = 0;
            for (size_t d = 0; d < nd; d++)
                if (capr[d] > 0)
                    x[i] += (d == hd ? hw : 1) * nx[i * KC_PACK_DIM_MAX + d];
        }
        v = dff_bound(in, x, c);
        if (v > best)
            best = v;
    }
    free(x);
    *out = best;
    return 0;
}

int kc_pack_bound_inst(const kc_pack_inst *in, uint64_t *bound, kc_pack_bound *kind,
                       kc_error *err)
{
    kc_u128 best = 0, v;
    kc_pack_bound how = KC_PACK_BOUND_VOLUME;
    uint64_t cl, capr[KC_PACK_DIM_MAX];

    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 tot = 0;

        capr[d] = reduced_cap(in, d);
        for (size_t i = 0; i < in->ni; i++)
            if (add128(&tot, (kc_u128)in->items[i].demand[d] * in->items[i].count, err) < 0)
                return -1;
        if (capr[d] == 0)
            continue;
        v = kc_pack_div_up128(tot, capr[d]);
        if (v > best)
            best = v;
    }
    for (size_t d = 0; d < in->nd; d++) {
        if (bound_l2(in, d, capr[d], &v, err) < 0)
            return -1;
        if (v > best) {
            best = v;
            how = KC_PACK_BOUND_L2;
        }
    }
    cl = bound_clique(in, capr);
    if (cl > best) {
        best = cl;
        how = KC_PACK_BOUND_CLIQUE;
    }
    /* last: on a tie the simpler bound keeps the name */
    if (bound_dff(in, capr, &v, err) < 0)
        return -1;
    if (v > best) {
        best = v;
        how = KC_PACK_BOUND_DFF;
    }
    if (in->total > 0 && best == 0)
        best = 1;
    /* Never above the number of VMs: every bound here counts VMs or demand of placeable VMs. */
    *bound = best > in->total ? in->total : (uint64_t)best;
    if (kind)
        *kind = how;
    return 0;
}
