/* SPDX-License-Identifier: MIT */
/* pack_multi.c: the packer's multi-bin family: k hosts open at once, the best (VM, host)
 * pair placed first, and a binary search on k. */
#include <stdlib.h>
#include <string.h>

#include "pack_impl.h"

/*
 * Bin-centric heuristics close a host before opening the next, so an early host cannot
 * take a VM that turns out to fit it best later. The multi-bin family (Panigrahy et al.'s
 * "bin balancing" and its relatives, the family that wins on large instances in Mommessin,
 * Gunia, Trystram, "Classification and evaluation of the algorithms for vector bin packing",
 * 2025) opens k hosts at once and repeatedly places the (VM, host) pair with the best score
 * until every VM is placed (k hosts suffice) or none fits any more (they do not). k is found
 * by binary search between the lower bound and the best packing known so far, after one
 * attempt just below the best (if that fails, the search stops).
 *
 * Score of VM type i on host h: the weighted squared residual sum over d of
 * w_d (f_hd - x_id)^2 (x: demand, f: free capacity, both normalized to the host), smallest
 * first: the pair that leaves a host fullest (best fit; the dot product x.f, also tried,
 * spreads VMs over the open hosts and was far worse on the classes of bench/). Scarcity
 * weights (@weight, re-weighted every k placements as the packing proceeds; the weight
 * families of Panigrahy et al. and of Mommessin et al.'s classification):
 *   KC_PACK_W_UTIL   w_d = remaining demand in d / free capacity in d over the open hosts
 *                     (the utilisation ratio a dimension still has to bear),
 *   KC_PACK_W_AVG    w_d = the average normalized demand in d of the VMs left,
 *   KC_PACK_W_RECIP  w_d = 1 / that average (the scarce dimension is the one few VMs ask
 *                     for: it is kept free for them),
 *   KC_PACK_W_ONE    every w_d = 1.
 *
 * Work: each host keeps its best VM type; a placement rescans that host (types x dims) and
 * the hosts whose best type ran out. Every unit of work counts against @budget; running out
 * abandons the attempt (the caller keeps what it has), so the time stays bounded.
 */

typedef struct mb {
    const kc_pack_inst *in;
    size_t k;                    /* hosts open */
    uint64_t *rem;               /* ni: VMs of each type left */
    uint64_t *free;              /* k x KC_PACK_DIM_MAX: exact free capacity */
    uint64_t *cnt;               /* k x ni: VMs of each type on each host */
    size_t *best_i;              /* k: best type for the host, SIZE_MAX = none fits */
    kc_u128 *best_s;             /* k: its score */
    uint64_t w[KC_PACK_DIM_MAX]; /* weights, 2^16 = 1 */
    kc_pack_weight weight;
    uint64_t work, budget;
} mb;

/* @fn: the host's free capacity, normalized (computed once per scan: it is a division). */
static kc_u128 score(const mb *m, const uint64_t *fn, size_t i)
{
    const kc_pack_inst *in = m->in;
    const uint64_t *x = in->norm + i * KC_PACK_DIM_MAX;
    kc_u128 s = 0;

    for (size_t d = 0; d < in->nd; d++) {
        /* the residual after placing it: smaller is better (best fit) */
        uint64_t r = fn[d] > x[d] ? fn[d] - x[d] : 0;

        s += (kc_u128)r * r * m->w[d];
    }
    return ~s;
}

static void rescan(mb *m, size_t h)
{
    const kc_pack_inst *in = m->in;
    const uint64_t *f = m->free + h * KC_PACK_DIM_MAX;
    uint64_t fn[KC_PACK_DIM_MAX];
    size_t bi = SIZE_MAX;
    kc_u128 bs = 0;

    for (size_t d = 0; d < in->nd; d++)
        fn[d] = kc_pack_norm_of(f[d], in->cap[d]);
    m->work += in->ni;
    for (size_t i = 0; i < in->ni; i++) {
        kc_u128 s;

        if (m->rem[i] == 0 || !kc_pack_fits_once(f, in->items[i].demand, in->nd))
            continue;
        s = score(m, fn, i);
        if (bi == SIZE_MAX || s > bs) {
            bi = i;
            bs = s;
        }
    }
    m->best_i[h] = bi;
    m->best_s[h] = bs;
}

#define W_MIN 64u                    /* weights are clamped to [2^-10, 2^8]: a dimension */
#define W_MAX ((uint64_t)1 << 24)    /* no VM asks for still weighs a little, none alone */

static uint64_t clamp_w(kc_u128 r)
{
    return r < W_MIN ? W_MIN : r > W_MAX ? W_MAX : (uint64_t)r;
}

/* The weights of m->weight for the VMs left and the open hosts, 2^16 = 1. */
static void reweigh(mb *m)
{
    const kc_pack_inst *in = m->in;
    uint64_t vms = 0;

    if (m->weight == KC_PACK_W_AVG || m->weight == KC_PACK_W_RECIP) {
        for (size_t i = 0; i < in->ni; i++)
            vms += m->rem[i];
        m->work += in->ni;
    }
    for (size_t d = 0; d < in->nd; d++) {
        kc_u128 need = 0, room = 0;

        m->w[d] = (uint64_t)1 << 16;
        if (m->weight == KC_PACK_W_ONE)
            continue;
        for (size_t i = 0; i < in->ni; i++)
            need += (kc_u128)m->rem[i] * in->norm[i * KC_PACK_DIM_MAX + d];
        m->work += in->ni;
        if (m->weight == KC_PACK_W_UTIL) {
            for (size_t h = 0; h < m->k; h++)
                room += kc_pack_norm_of(m->free[h * KC_PACK_DIM_MAX + d], in->cap[d]);
            m->work += m->k;
            if (room > 0)
                m->w[d] = clamp_w((need << 16) / room);
        } else if (vms > 0) {
            /* the average normalized demand (2^20 = a whole host), as 2^16 = 1 */
            kc_u128 avg = (need / vms) >> (KC_PACK_NORM_BITS - 16);

            m->w[d] = m->weight == KC_PACK_W_AVG ? clamp_w(avg) :
                      clamp_w(((kc_u128)1 << 32) / (avg ? avg : 1));
        }
    }
}

/* Try k hosts. 1: every VM placed (m->cnt holds the hosts); 0: not; -1: budget spent.
 * Empty hosts are all alike: only the first of them is scored (hosts 0 .. used, the rest
 * wait), so the work follows the hosts in use, not k. */
static int attempt(mb *m, size_t k)
{
    const kc_pack_inst *in = m->in;
    uint64_t left = in->total, since = 0;
    size_t used = 0;                         /* hosts 0 .. used-1 hold VMs */

    m->k = k;
    for (size_t i = 0; i < in->ni; i++)
        m->rem[i] = in->items[i].count;
    memset(m->cnt, 0, k * in->ni * sizeof(*m->cnt));
    for (size_t h = 0; h < k; h++)
        memcpy(m->free + h * KC_PACK_DIM_MAX, in->cap, in->nd * sizeof(*in->cap));
    reweigh(m);
    rescan(m, 0);
    while (left > 0) {
        size_t bh = SIZE_MAX, i, active = used < k ? used + 1 : k;

        if (m->work > m->budget)
            return -1;
        m->work += active;
        for (size_t h = 0; h < active; h++)
            if (m->best_i[h] != SIZE_MAX && (bh == SIZE_MAX || m->best_s[h] > m->best_s[bh]))
                bh = h;
        if (bh == SIZE_MAX)
            return 0;                        /* VMs left and none fits an open host */
        i = m->best_i[bh];
        kc_pack_take(m->free + bh * KC_PACK_DIM_MAX, in->items[i].demand, in->nd, 1);
        m->cnt[bh * in->ni + i]++;
        m->rem[i]--;
        left--;
        if (bh == used) {
            used++;                          /* the empty host is in use: the next waits */
            active = used < k ? used + 1 : k;
            if (used < k)
                rescan(m, used);
        }
        if (m->weight != KC_PACK_W_ONE && ++since >= k) {
            since = 0;
            reweigh(m);
            for (size_t h = 0; h < active; h++)
                rescan(m, h);
            continue;
        }
        rescan(m, bh);
        if (m->rem[i] == 0)
            for (size_t h = 0; h < active; h++)
                if (h != bh && m->best_i[h] == i)
                    rescan(m, h);
    }
    return 1;
}

static uint64_t hash_counts(const uint64_t *c, size_t n)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (size_t i = 0; i < n; i++)
        x = (x ^ c[i]) * 0x100000001b3ull;
    return x;
}

/* The k hosts of m->cnt as patterns (identical hosts merged) into @s. */
static int to_sol(const mb *m, kc_pack_sol *s, kc_error *err)
{
    size_t ni = m->in->ni, n_dist = 0;
    uint64_t *hash = calloc(m->k + 1, sizeof(*hash)), *reps = calloc(m->k + 1, sizeof(*reps));
    size_t *first = calloc(m->k + 1, sizeof(*first));
    int ret = -1;

    memset(s, 0, sizeof(*s));
    s->how = KC_PACK_MULTI;
    if (!hash || !reps || !first) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t h = 0; h < m->k; h++) {
        const uint64_t *c = m->cnt + h * ni;
        uint64_t x = hash_counts(c, ni);
        size_t j = 0;
        bool empty = true;

        for (size_t i = 0; i < ni && empty; i++)
            empty = c[i] == 0;
        if (empty)
            continue;                        /* an open host left empty: not used */
        for (; j < n_dist; j++)
            if (hash[j] == x && memcmp(m->cnt + first[j] * ni, c, ni * sizeof(*c)) == 0)
                break;
        if (j == n_dist) {
            hash[n_dist] = x;
            first[n_dist++] = h;
        }
        reps[j]++;
    }
    for (size_t j = 0; j < n_dist; j++)
        if (kc_pack_sol_push(s, ni, reps[j], m->cnt + first[j] * ni, err) < 0)
            goto out;
    ret = 0;
 out:
    if (ret < 0)
        kc_pack_sol_clear(s);
    free(hash);
    free(reps);
    free(first);
    return ret;
}

int kc_pack_run_multi(const kc_pack_inst *in, uint64_t lb, uint64_t ub, kc_pack_weight weight,
                      uint64_t budget, kc_pack_sol *s, uint64_t *spent, kc_error *err)
{
    size_t ni = in->ni, kmax;
    mb m;
    int ret = -1, found = 0;
    uint64_t lo = lb, hi;

    memset(s, 0, sizeof(*s));
    s->hosts = UINT64_MAX;
    if (ub <= lb || ub - 1 > KC_PACK_MULTI_MAX_VMS) {
        *spent = 0;
        return 0;                            /* nothing to gain, or too many hosts */
    }
    kmax = (size_t)(ub - 1);
    hi = ub - 1;
    memset(&m, 0, sizeof(m));
    m.in = in;
    m.weight = weight;
    m.budget = budget;
    m.rem = calloc(ni + 1, sizeof(*m.rem));
    m.free = calloc(kmax * KC_PACK_DIM_MAX + 1, sizeof(*m.free));
    m.cnt = calloc(kmax * ni + 1, sizeof(*m.cnt));
    m.best_i = calloc(kmax + 1, sizeof(*m.best_i));
    m.best_s = calloc(kmax + 1, sizeof(*m.best_s));
    if (!m.rem || !m.free || !m.cnt || !m.best_i || !m.best_s) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    /* the smallest k that works, between the bound and one below the best known: k = ub - 1
     * first, since where that fails (most instances) a smaller k fails too, and one attempt
     * costs about as much as the packing; then a binary search below it */
    for (bool first = true; lo <= hi; first = false) {
        uint64_t k = first ? hi : lo + (hi - lo) / 2;
        int r = attempt(&m, (size_t)k);

        if (first && r != 1)
            break;

        if (r < 0)
            break;
        if (r == 1) {
            kc_pack_sol_clear(s);
            if (to_sol(&m, s, err) < 0)
                goto out;
            found = 1;
            if (k == 0)
                break;
            hi = k - 1;
        } else {
            lo = k + 1;
        }
    }
    if (!found) {
        kc_pack_sol_clear(s);
        s->hosts = UINT64_MAX;
    }
    ret = 0;
 out:
    if (ret < 0)
        kc_pack_sol_clear(s);
    *spent = m.work;
    free(m.rem);
    free(m.free);
    free(m.cnt);
    free(m.best_i);
    free(m.best_s);
    return ret;
}
