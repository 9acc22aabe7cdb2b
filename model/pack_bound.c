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
    uint64_t c = in->cap[d], g = 0, m;
    size_t words;

    for (size_t i = 0; i < in->ni; i++)
        if (in->items[i].count > 0 && in->items[i].demand[d] > 0)
            g = gcd64(in->items[i].demand[d], g);
    if (g == 0)
        return c;
    m = c / g;
    if (m > REDUCE_UNITS)
        return m * g;
    words = (size_t)(m / 64 + 1);
    memset(bits, 0, words * sizeof(*bits));
    bits[0] = 1;
    for (size_t i = 0; i < in->ni; i++) {
        uint64_t u = in->items[i].demand[d] / g, n = in->items[i].count;

        if (n == 0 || u == 0)
            continue;
        if (n > m / u)
            n = m / u;
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
    for (uint64_t u = m + 1; u-- > 0;)
        if (bits[u / 64] >> (u % 64) & 1)
            return u * g;
    return c;
}

/* Martello and Toth's L2 for one dimension (items with counts): for each threshold k <= C/2,
 * items above C-k and items above C/2 each need their own host, and the items in [k, C/2]
 * must fit in what the latter leave or open new hosts. */
static int bound_l2(const inst *in, size_t d, uint64_t c, kc_u128 *out, kc_error *err)
{
    kc_u128 best = 0;

    *out = 0;
    if (c == 0)
        return 0;
    for (size_t t = 0; t <= in->ni; t++) {
        uint64_t k;
        kc_u128 n1 = 0, n2 = 0, s2 = 0, s3 = 0, l, room;

        if (t == in->ni) {
            k = 0;
        } else {
            k = in->items[t].demand[d];
            if (in->items[t].count == 0 || (kc_u128)k * 2 > c)
                continue;
        }
        for (size_t i = 0; i < in->ni; i++) {
            uint64_t w = in->items[i].demand[d], n = in->items[i].count;

            if (n == 0)
                continue;
            if (w > c - k)
                n1 += n;
            else if ((kc_u128)w * 2 > c) {
                n2 += n;
                if (add128(&s2, (kc_u128)w * n, err) < 0)
                    return -1;
            } else if (w >= k) {
                if (add128(&s3, (kc_u128)w * n, err) < 0)
                    return -1;
            }
        }
        /* room = n2 * C - s2 <= n2 * C: no wrap since each J2 item is at most C. */
        room = n2 * c - s2;
        l = n1 + n2 + (s3 > room ? kc_pack_div_up128(s3 - room, c) : 0);
        if (l > best)
            best = l;
    }
    *out = best;
    return 0;
}

static bool conflict(const inst *in, size_t i, size_t j)
{
    for (size_t d = 0; d < in->nd; d++)
        if ((kc_u128)in->items[i].demand[d] + in->items[j].demand[d] > in->cap[d])
            return true;
    return false;
}

static uint64_t clique_rec(const uint64_t *w, const uint32_t *adj, uint32_t cand, uint64_t cur,
                           uint64_t best)
{
    uint64_t rest = 0;
    size_t i;

    if (cand == 0)
        return cur > best ? cur : best;
    for (uint32_t m = cand; m; m &= m - 1)
        rest += w[__builtin_ctz(m)];
    if (cur + rest <= best)
        return best;
    i = (size_t)__builtin_ctz(cand);
    best = clique_rec(w, adj, cand & adj[i], cur + w[i], best);
    return clique_rec(w, adj, cand & ~(1u << i), cur, best);
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

/* Greedy cliques, uncapped: the types in decreasing size (by each dimension, the largest
 * and the sum of the normalized demands), each added when it conflicts with every type
 * chosen so far. Any clique is a valid bound; large VMs are the ones that cannot share, so
 * size orders find big cliques (hundreds of VMs on 500-VM instances). O(types x clique) per
 * order; up to CLIQUE_ROTATE_TYPES types also from every type in index order. Returns 0 when out of memory (0 is always a valid bound). */
static uint64_t clique_greedy(const inst *in)
{
    keyed *ord = calloc(in->ni + 1, sizeof(*ord));
    size_t *chosen = calloc(in->ni + 1, sizeof(*chosen));
    uint64_t best = 0;

    if (!ord || !chosen)
        goto out;
    for (size_t key = 0; key < in->nd + 2; key++) {
        uint64_t sum = 0;
        size_t n = 0;

        for (size_t i = 0; i < in->ni; i++)
            ord[i] = (keyed){ size_key(in, i, key), i };
        qsort(ord, in->ni, sizeof(*ord), cmp_keyed);
        for (size_t t = 0; t < in->ni; t++) {
            size_t i = ord[t].i;
            bool ok = in->items[i].count > 0;

            for (size_t c = 0; ok && c < n; c++)
                ok = conflict(in, i, chosen[c]);
            if (!ok)
                continue;
            chosen[n++] = i;
            sum += conflict(in, i, i) ? in->items[i].count : 1;
        }
        if (sum > best)
            best = sum;
    }
    /* and, while types are few enough, from each type in index order (rotated) */
    for (size_t s0 = 0; in->ni <= CLIQUE_ROTATE_TYPES && s0 < in->ni; s0++) {
        uint64_t sum = 0;
        size_t n = 0;

        for (size_t t = 0; t < in->ni; t++) {
            size_t i = (s0 + t) % in->ni;
            bool ok = in->items[i].count > 0;

            for (size_t c = 0; ok && c < n; c++)
                ok = conflict(in, i, chosen[c]);
            if (!ok)
                continue;
            chosen[n++] = i;
            sum += conflict(in, i, i) ? in->items[i].count : 1;
        }
        if (sum > best)
            best = sum;
    }
 out:
    free(ord);
    free(chosen);
    return best;
}

/* Items no two of which fit one host together need a host each. An item type conflicting
 * with itself (over half a host in some dimension) contributes all its copies, any other
 * type one copy. Maximum-weight clique, exact for up to CLIQUE_EXACT_TYPES types, else
 * greedy by size (still a valid bound: any clique is). */
static uint64_t bound_clique(const inst *in)
{
    uint64_t w[CLIQUE_EXACT_TYPES];
    uint32_t adj[CLIQUE_EXACT_TYPES];

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
        return clique_rec(w, adj, cand, 0, 0);
    }
    return clique_greedy(in);
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
    cl = bound_clique(in);
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
