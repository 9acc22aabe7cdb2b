/* SPDX-License-Identifier: MIT */
/* size_pool.c: sizing's packing with storage pools as sub-bins (pure). A VM's disk lives
 * whole on one pool, so each workload line becomes one item per pool it may use (a
 * variant), the line's count is split over them and the variants are packed; the rules are
 * doc/model.md 7.6. Every pool figure comes from pool.c (kc_pool_fits), as the fit's. */
#include <stdlib.h>
#include <string.h>

#include "demand.h"
#include "fit_impl.h"
#include "pool.h"
#include "size_pool.h"

/* A pool resource whose capacity differs between the shapes (their write shares) is
 * counted in shares of the pool: NORM_UNIT is a whole pool, a VM takes ceil(want x
 * NORM_UNIT / what the pool has free at its own write share): a little more than its exact
 * share, never less. */
#define NORM_UNIT (1ull << 30)
#define NO_POOL SIZE_MAX
#define N_CHUNKS 64          /* a line's count goes to its pools in this many parts */

enum dim_kind { DIM_HOST, DIM_POOL, DIM_NIC, DIM_ROW };

typedef struct pdim {
    enum dim_kind kind;
    size_t pool;             /* DIM_POOL */
    unsigned res;            /* DIM_HOST: a kc_resource; else 0 disk, 1 iops, 2 mbps */
    bool norm;               /* DIM_POOL: in shares of the pool (NORM_UNIT) */
    uint64_t cap;
} pdim;

typedef struct pvar {
    size_t line, pool;       /* pool NO_POOL: the shape asks no storage */
    uint64_t limit;          /* VMs of it one bin takes in its pool's dimensions */
} pvar;

struct kc_pool_inst {
    const kc_host *bin;
    size_t n_lines, n_pools, n_vars, n_dims, dropped;
    const uint64_t *counts;
    kc_host_capacity cap;
    const kc_shape_demand *dem;    /* n_lines: the caller's, or dem_own */
    kc_shape_demand *dem_own;
    kc_pool_fit *pf;         /* n_lines x n_active: the pools some line may use */
    size_t n_active, slot[KC_STORAGE_MAX];    /* pool -> its column in pf, or NO_POOL */
    uint32_t *asks;          /* n_lines: kc_pool_asks */
    uint64_t (*want)[3];     /* n_lines: disk MiB, IOPS, MB/s asked */
    kc_resource *misfit;     /* n_lines */
    size_t *first;           /* n_lines + 1: the variants of line i are first[i] .. */
    pvar *vars;
    bool nic, *dropped_pool; /* n_pools */
    uint64_t nic_room[2], unattr[3];
    pdim dims[KC_PACK_DIM_MAX];
    kc_pack_item *items;     /* n_vars: the demands (counts are a split's) */
};

static uint64_t sat128(kc_u128 v)
{
    return v > UINT64_MAX ? UINT64_MAX : (uint64_t)v;
}

/* Line @line on pool @pool; a pool no line may use is not stored (it reads as not
 * eligible). */
static const kc_pool_fit *pfit(const kc_pool_inst *pi, size_t line, size_t pool)
{
    static const kc_pool_fit none = { .limit = 0 };

    if (pi->slot[pool] == NO_POOL)
        return &none;
    return &pi->pf[line * pi->n_active + pi->slot[pool]];
}

/* A pool's capacity for resource @r (0 disk, 1 iops, 2 mbps) under line @i, and its use. */
static uint64_t pool_cap(const kc_pool_fit *f, unsigned r)
{
    return r == 0 ? f->space_cap : r == 1 ? f->iops_cap : f->mbps_cap;
}

static uint64_t pool_used(const kc_pool_fit *f, unsigned r)
{
    return r == 0 ? f->space_used : r == 1 ? f->iops_used : f->mbps_used;
}

static uint64_t pool_free(const kc_pool_fit *f, unsigned r)
{
    return kc_fit_sub_sat(pool_cap(f, r), pool_used(f, r));
}

void kc_pool_inst_free(kc_pool_inst *pi)
{
    if (!pi)
        return;
    free(pi->dem_own);
    free(pi->pf);
    free(pi->asks);
    free(pi->want);
    free(pi->misfit);
    free(pi->first);
    free(pi->vars);
    free(pi->dropped_pool);
    free(pi->items);
    free(pi);
}

kc_resource kc_pool_inst_misfit(const kc_pool_inst *pi, size_t i)
{
    return pi->misfit[i];
}

size_t kc_pool_inst_dropped(const kc_pool_inst *pi)
{
    return pi->dropped;
}

/* The variants: every eligible pool that takes one VM of the line, unless dropped. */
static void build_vars(kc_pool_inst *pi)
{
    pi->n_vars = 0;
    for (size_t i = 0; i < pi->n_lines; i++) {
        pi->first[i] = pi->n_vars;
        if (pi->misfit[i] != KC_RES_LAST)
            continue;
        if (!pi->asks[i]) {
            pi->vars[pi->n_vars++] = (pvar){ i, NO_POOL, UINT64_MAX };
            continue;
        }
        for (size_t p = 0; p < pi->n_pools; p++) {
            const kc_pool_fit *f = pfit(pi, i, p);

            if (f->eligible && f->limit >= 1 && f->limit != UINT64_MAX && !pi->dropped_pool[p])
                pi->vars[pi->n_vars++] = (pvar){ i, p, f->limit };
        }
    }
    pi->first[pi->n_lines] = pi->n_vars;
}

static bool var_asks(const kc_pool_inst *pi, const pvar *v, unsigned r)
{
    return v->pool != NO_POOL && (pi->asks[v->line] & (1u << r));
}

static bool var_over_ip(const kc_pool_inst *pi, const pvar *v)
{
    return v->pool != NO_POOL && pi->nic && pi->bin->storage[v->pool].over_ip;
}

/* The dimensions the variants need; false if more than KC_PACK_DIM_MAX (*n: how many). */
static bool build_dims(kc_pool_inst *pi, size_t *n)
{
    pdim d[KC_PACK_DIM_MAX + 3 * KC_STORAGE_MAX + 5];
    size_t nd = 0;

    for (unsigned r = 0; r < KC_RES_LAST; r++)
        if (r != KC_RES_DISK && r != KC_RES_IOPS && r != KC_RES_THROUGHPUT &&
            (pi->cap.planned & (1u << r)))
            d[nd++] = (pdim){ .kind = DIM_HOST, .res = r, .cap = pi->cap.free[r] };
    for (size_t p = 0; p < pi->n_pools; p++)
        for (unsigned r = 0; r < 3; r++) {
            bool any = false, norm = false;
            uint64_t c = 0, used = 0;

            for (size_t v = 0; v < pi->n_vars; v++) {
                const kc_pool_fit *f = pfit(pi, pi->vars[v].line, p);

                if (pi->vars[v].pool != p || !var_asks(pi, &pi->vars[v], r))
                    continue;
                if (any && pool_cap(f, r) != c)
                    norm = true;
                c = pool_cap(f, r);
                used = pool_used(f, r);
                any = true;
            }
            if (any)
                d[nd++] = (pdim){ .kind = DIM_POOL, .pool = p, .res = r, .norm = norm,
                                  .cap = norm ? NORM_UNIT : kc_fit_sub_sat(c, used) };
        }
    for (unsigned r = 1; r < 3; r++) {
        bool any = false;

        for (size_t v = 0; v < pi->n_vars; v++)
            any |= var_over_ip(pi, &pi->vars[v]) && var_asks(pi, &pi->vars[v], r);
        if (any)
            d[nd++] = (pdim){ .kind = DIM_NIC, .res = r, .cap = pi->nic_room[r - 1] };
    }
    for (unsigned r = 0; r < 3; r++) {
        uint64_t c = UINT64_MAX;
        bool any = false;

        if (!pi->unattr[r])
            continue;
        /* the fit's row: what the line's eligible pools have free together, less the use of
         * no known pool; the smallest over the lines (the use may sit on any of them) */
        for (size_t i = 0; i < pi->n_lines; i++) {
            kc_u128 sum = 0;

            if (pi->first[i] == pi->first[i + 1] || !(pi->asks[i] & (1u << r)))
                continue;
            for (size_t p = 0; p < pi->n_pools; p++)
                if (pfit(pi, i, p)->eligible)
                    sum += pool_free(pfit(pi, i, p), r);
            sum = sum > pi->unattr[r] ? sum - pi->unattr[r] : 0;
            c = sat128(sum) < c ? sat128(sum) : c;
            any = true;
        }
        if (any)
            d[nd++] = (pdim){ .kind = DIM_ROW, .res = r, .cap = c };
    }
    *n = nd;
    if (nd > KC_PACK_DIM_MAX)
        return false;
    memcpy(pi->dims, d, nd * sizeof(*d));
    pi->n_dims = nd;
    return true;
}

/* A pool to leave out so that fewer dimensions are needed: one every line using it can do
 * without, the one whose lines lose the least room (the sum of their limits there). */
static bool drop_a_pool(kc_pool_inst *pi)
{
    size_t best = NO_POOL;
    kc_u128 best_room = 0;

    for (size_t p = 0; p < pi->n_pools; p++) {
        kc_u128 room = 0;
        bool used = false, ok = true;

        if (pi->dropped_pool[p])
            continue;
        for (size_t v = 0; v < pi->n_vars && ok; v++) {
            size_t i = pi->vars[v].line;

            if (pi->vars[v].pool != p)
                continue;
            used = true;
            room += pi->vars[v].limit;
            ok = pi->first[i + 1] - pi->first[i] > 1;
        }
        if (used && ok && (best == NO_POOL || room < best_room)) {
            best = p;
            best_room = room;
        }
    }
    if (best == NO_POOL)
        return false;
    pi->dropped_pool[best] = true;
    pi->dropped++;
    build_vars(pi);
    return true;
}

/* Demand of variant @v in dimension @d (0 where it asks nothing there). */
static uint64_t var_demand(const kc_pool_inst *pi, const pvar *v, const pdim *d)
{
    const uint64_t *w = pi->want[v->line];

    switch (d->kind) {
    case DIM_HOST:
        return pi->dem[v->line].per_vm[d->res];
    case DIM_POOL:
        if (v->pool != d->pool || !var_asks(pi, v, d->res))
            return 0;
        if (d->norm) {
            uint64_t f = pool_free(pfit(pi, v->line, v->pool), d->res);

            /* f >= w > 0: the pool takes one VM (limit >= 1); the guard for the analyzer */
            return f ? sat128(((kc_u128)w[d->res] * NORM_UNIT + f - 1) / f) : UINT64_MAX;
        }
        return w[d->res];
    case DIM_NIC:
        return var_over_ip(pi, v) && var_asks(pi, v, d->res) ? w[d->res] : 0;
    default:
        return var_asks(pi, v, d->res) ? w[d->res] : 0;
    }
}

int kc_pool_inst_build(const kc_host *bin, const kc_policy *policy, const kc_shape *shapes,
                       const uint64_t *counts, size_t n_lines, const kc_host_capacity *cap,
                       const kc_shape_demand *dem, kc_pool_inst **out, kc_error *err)
{
    kc_pool_inst *pi = calloc(1, sizeof(*pi));
    size_t np = bin->n_storage, nd;

    *out = NULL;
    if (!pi)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    pi->bin = bin;
    pi->n_lines = n_lines;
    pi->n_pools = np;
    pi->counts = counts;
    pi->dem = pi->dem_own = cap ? NULL : calloc(n_lines + 1, sizeof(*pi->dem_own));
    pi->asks = calloc(n_lines + 1, sizeof(*pi->asks));
    pi->want = calloc(n_lines + 1, sizeof(*pi->want));
    pi->misfit = calloc(n_lines + 1, sizeof(*pi->misfit));
    pi->first = calloc(n_lines + 1, sizeof(*pi->first));
    pi->vars = calloc(n_lines * (np + 1) + 1, sizeof(*pi->vars));
    pi->dropped_pool = calloc(np + 1, sizeof(*pi->dropped_pool));
    if ((!cap && !pi->dem_own) || !pi->asks || !pi->want || !pi->misfit || !pi->first ||
        !pi->vars || !pi->dropped_pool) {
        kc_pool_inst_free(pi);
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    }
    if (cap) {
        pi->cap = *cap;
        pi->dem = dem;
    } else if (kc_demand_compute(bin, policy, shapes, n_lines, &pi->cap, pi->dem_own,
                                 err) < 0) {
        goto fail;
    }
    pi->nic = kc_pool_nic_room(bin, policy, pi->nic_room);
    kc_pool_unattributed(bin, pi->unattr);
    {
        /* the pools some line may use: only those are kept per line */
        uint32_t used = 0;

        for (size_t i = 0; i < n_lines; i++) {
            kc_pool_fit f[KC_STORAGE_MAX];

            pi->asks[i] = kc_pool_asks(bin, &shapes[i]);
            if (!pi->asks[i])
                continue;
            if (kc_pool_fits(bin, &shapes[i], policy, f, err) < 0)
                goto fail;
            for (size_t p = 0; p < np; p++)
                used |= f[p].eligible ? 1u << p : 0;
        }
        for (size_t p = 0; p < KC_STORAGE_MAX; p++)
            pi->slot[p] = p < np && (used & (1u << p)) ? pi->n_active++ : NO_POOL;
        pi->pf = calloc(n_lines * pi->n_active + 1, sizeof(*pi->pf));
        if (!pi->pf) {
            kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
            goto fail;
        }
    }
    for (size_t i = 0; i < n_lines; i++) {
        const kc_shape *s = &shapes[i];
        bool some = false;

        pi->want[i][0] = s->disk_mib;
        pi->want[i][1] = s->iops;
        pi->want[i][2] = s->mbps;
        if (pi->asks[i]) {
            kc_pool_fit f[KC_STORAGE_MAX];

            if (kc_pool_fits(bin, s, policy, f, err) < 0)
                goto fail;
            for (size_t p = 0; p < np; p++)
                if (pi->slot[p] != NO_POOL)
                    pi->pf[i * pi->n_active + pi->slot[p]] = f[p];
        }
        pi->misfit[i] = kc_demand_misfit(&pi->cap, &pi->dem[i]);
        if (pi->misfit[i] != KC_RES_LAST || !pi->asks[i])
            continue;
        /* no pool takes one VM: the resource that stops the first eligible pool */
        for (size_t p = 0; p < np && !some; p++)
            some = pfit(pi, i, p)->eligible && pfit(pi, i, p)->limit >= 1;
        if (!some) {
            pi->misfit[i] = KC_RES_DISK;
            for (size_t p = 0; p < np; p++)
                if (pfit(pi, i, p)->eligible && pfit(pi, i, p)->binding) {
                    pi->misfit[i] = (kc_resource)__builtin_ctz(pfit(pi, i, p)->binding);
                    break;
                }
        }
    }
    build_vars(pi);
    while (!build_dims(pi, &nd))
        if (!drop_a_pool(pi)) {
            kc_error_set(err, KC_ERR_INVALID, "the storage pools need %zu packing dimensions, "
                         "more than %d", nd, KC_PACK_DIM_MAX);
            goto fail;
        }
    pi->items = calloc(pi->n_vars + 1, sizeof(*pi->items));
    if (!pi->items) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto fail;
    }
    {
        size_t kept = 0;
        bool *some = calloc(n_lines + 1, sizeof(*some));
        kc_resource *first_stop = calloc(n_lines + 1, sizeof(*first_stop));

        if (!some || !first_stop) {
            free(some);
            free(first_stop);
            kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
            goto fail;
        }
        for (size_t i = 0; i < n_lines; i++)
            first_stop[i] = KC_RES_LAST;
        for (size_t v = 0; v < pi->n_vars; v++) {
            pvar pv = pi->vars[v];
            kc_resource stop = KC_RES_LAST;

            pv.limit = UINT64_MAX;
            for (size_t k = 0; k < pi->n_dims; k++) {
                uint64_t a = var_demand(pi, &pv, &pi->dims[k]);

                pi->items[kept].demand[k] = a;
                if (a > pi->dims[k].cap && stop == KC_RES_LAST)
                    stop = pi->dims[k].kind == DIM_HOST ? (kc_resource)pi->dims[k].res
                                                        : (kc_resource)(KC_RES_DISK +
                                                                        pi->dims[k].res);
                /* what one bin takes of it in its storage dimensions (not host-wide) */
                if (a && pi->dims[k].kind != DIM_HOST && pi->dims[k].cap / a < pv.limit)
                    pv.limit = pi->dims[k].cap / a;
            }
            if (stop != KC_RES_LAST) {
                /* not one VM in what its pools share (the storage NICs, the use of no
                 * known pool): no such variant; a line left with none does not fit */
                if (first_stop[pv.line] == KC_RES_LAST)
                    first_stop[pv.line] = stop;
                continue;
            }
            some[pv.line] = true;
            pi->vars[kept++] = pv;
        }
        for (size_t i = 0; i < pi->n_lines; i++)
            if (pi->misfit[i] == KC_RES_LAST && !some[i] && first_stop[i] != KC_RES_LAST)
                pi->misfit[i] = first_stop[i];
        free(some);
        free(first_stop);
        pi->n_vars = kept;
        {
            pvar *shrunk = realloc(pi->vars, (kept + 1) * sizeof(*pi->vars));

            if (shrunk)
                pi->vars = shrunk;
        }
        for (size_t i = 0, v = 0; i <= pi->n_lines; i++) {
            while (v < kept && pi->vars[v].line < i)
                v++;
            pi->first[i] = v;
        }
    }
    *out = pi;
    return 0;
 fail:
    kc_pool_inst_free(pi);
    return -1;
}

/* ---- splits: how many VMs of each line go to each of its pools ---- */

/* The room of one bin for line @i alone in what all its pools share: the host-wide
 * dimensions and the use of no known pool. */
static uint64_t host_limit(const kc_pool_inst *pi, size_t i)
{
    uint64_t lim = UINT64_MAX;

    for (size_t k = 0; k < pi->n_dims; k++) {
        const pdim *d = &pi->dims[k];
        uint64_t a = d->kind == DIM_HOST ? pi->dem[i].per_vm[d->res]
                     : d->kind == DIM_ROW && (pi->asks[i] & (1u << d->res)) ? pi->want[i][d->res]
                     : 0;

        if (a && pi->dims[k].cap / a < lim)
            lim = pi->dims[k].cap / a;
    }
    return lim;
}

/* The storage NICs' room for line @i alone (UINT64_MAX: no cap). */
static uint64_t nic_limit(const kc_pool_inst *pi, size_t i)
{
    uint64_t lim = UINT64_MAX;

    for (size_t k = 0; k < pi->n_dims; k++) {
        const pdim *d = &pi->dims[k];

        if (d->kind == DIM_NIC && (pi->asks[i] & (1u << d->res)) && pi->want[i][d->res] &&
            d->cap / pi->want[i][d->res] < lim)
            lim = d->cap / pi->want[i][d->res];
    }
    return lim;
}

/* Split by the line's own best host: fill one bin with the line alone, the pools that take
 * most first, and repeat that bin's split (what packing one shape needs: its count is the
 * fit's). */
static void split_pattern(const kc_pool_inst *pi, uint64_t *x)
{
    uint64_t *y = calloc(pi->n_vars + 1, sizeof(*y));
    bool *taken = calloc(pi->n_vars + 1, sizeof(*taken));

    for (size_t i = 0; i < pi->n_lines; i++) {
        size_t a = pi->first[i], b = pi->first[i + 1];
        uint64_t room = host_limit(pi, i), nic = nic_limit(pi, i), per = 0, q, rem;

        if (a == b)
            continue;
        for (size_t v = a; v < b; v++)
            x[v] = 0;
        if (!y || !taken) {    /* out of memory: everything on the first pool (a split) */
            x[a] = pi->counts[i];
            continue;
        }
        for (size_t v = a; v < b; v++) {
            y[v] = 0;
            taken[v] = false;
        }
        while (room > 0) {
            size_t best = b;

            for (size_t v = a; v < b; v++)
                if (!taken[v] && (best == b || pi->vars[v].limit > pi->vars[best].limit))
                    best = v;
            if (best == b)
                break;
            taken[best] = true;
            y[best] = pi->vars[best].limit < room ? pi->vars[best].limit : room;
            if (var_over_ip(pi, &pi->vars[best])) {
                y[best] = y[best] < nic ? y[best] : nic;
                nic -= y[best];
            }
            room -= y[best];
            per += y[best];
        }
        if (per == 0) {
            x[a] = pi->counts[i];
            continue;
        }
        q = pi->counts[i] / per;
        rem = pi->counts[i] % per;
        for (size_t v = a; v < b; v++) {
            uint64_t t = y[v] < rem ? y[v] : rem;

            x[v] = q * y[v] + t;
            rem -= t;
        }
    }
    free(y);
    free(taken);
}

/* Split by balance: the lines with one pool first, then each line's count in N_CHUNKS
 * parts, each part to the pool whose fullest dimension (as a share of one bin) is least
 * full after it (a greedy form of the fractional relaxation's balanced split). */
static void split_balance(const kc_pool_inst *pi, uint64_t *x)
{
    /* loads in the dimensions' units; a fullness is load x 2^32 / capacity, in integers
     * (the same split on every machine) */
    uint64_t load[KC_PACK_DIM_MAX] = { 0 };

    for (size_t v = 0; v < pi->n_vars; v++)
        x[v] = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < pi->n_lines; i++) {
            size_t a = pi->first[i], b = pi->first[i + 1];
            uint64_t n = pi->counts[i], chunks;

            if (a == b || (pass == 0) != (b - a == 1))
                continue;
            chunks = n < N_CHUNKS ? n : N_CHUNKS;
            for (uint64_t c = 0; c < chunks; c++) {
                uint64_t part = n / chunks + (c < n % chunks);
                size_t best = a;
                kc_u128 best_score = 0;

                for (size_t v = a; v < b; v++) {
                    kc_u128 score = 0;

                    for (size_t k = 0; k < pi->n_dims; k++) {
                        uint64_t dm = pi->items[v].demand[k], cap = pi->dims[k].cap;
                        kc_u128 f;

                        if (!dm || pi->dims[k].kind == DIM_HOST)
                            continue;
                        f = cap ? ((kc_u128)sat128((kc_u128)load[k] + (kc_u128)part * dm)
                                   << 32) / cap
                                : ~(kc_u128)0;
                        score = f > score ? f : score;
                    }
                    if (v == a || score < best_score) {
                        best = v;
                        best_score = score;
                    }
                }
                x[best] += part;
                for (size_t k = 0; k < pi->n_dims; k++)
                    load[k] = sat128((kc_u128)load[k] +
                                     (kc_u128)part * pi->items[best].demand[k]);
            }
        }
}

/* ---- re-fit and the packing over lines ---- */

/* Re-fit every pattern of @pack (items are variants) from the pools' own figures: each
 * pool's space, IOPS and throughput (in shares of the pool where the shapes' write shares
 * differ: ceil of each VM's share, so a sum within a whole pool is within it exactly), the
 * storage NICs over the over-IP pools, the use of no known pool, and the host-wide
 * limits. */
static int refit(const kc_pool_inst *pi, const kc_pack *pack, kc_error *err)
{
    for (size_t t = 0; t < pack->n_patterns; t++) {
        const kc_pack_pattern *pat = &pack->patterns[t];

        for (size_t k = 0; k < pi->n_dims; k++) {
            const pdim *d = &pi->dims[k];
            kc_u128 sum = 0, cap = d->cap;

            for (size_t u = 0; u < pat->n_uses; u++) {
                const pvar *v = &pi->vars[pat->uses[u].item];
                uint64_t n = pat->uses[u].count, w = d->kind == DIM_HOST ? 0 : pi->want[v->line][d->res];

                switch (d->kind) {
                case DIM_HOST:
                    sum += (kc_u128)n * pi->dem[v->line].per_vm[d->res];
                    break;
                case DIM_POOL:
                    if (v->pool != d->pool || !var_asks(pi, v, d->res))
                        break;
                    if (!pfit(pi, v->line, v->pool)->eligible)
                        return kc_error_set(err, KC_ERR_INTERNAL, "sizing: pattern %zu puts "
                                            "a disk on a pool it may not use", t);
                    if (d->norm) {
                        uint64_t f = pool_free(pfit(pi, v->line, v->pool), d->res);

                        if (f == 0)
                            return kc_error_set(err, KC_ERR_INTERNAL, "sizing: pattern %zu "
                                                "puts a VM on a full pool", t);
                        sum += (kc_u128)n * (((kc_u128)w * NORM_UNIT + f - 1) / f);
                    } else {
                        sum += (kc_u128)n * w;
                        cap = pool_free(pfit(pi, v->line, v->pool), d->res);
                    }
                    break;
                case DIM_NIC:
                    if (var_over_ip(pi, v) && var_asks(pi, v, d->res))
                        sum += (kc_u128)n * w;
                    break;
                default:
                    if (var_asks(pi, v, d->res))
                        sum += (kc_u128)n * w;
                    break;
                }
            }
            if (d->kind == DIM_HOST)
                cap = pi->cap.free[d->res];
            if (sum > cap)
                return kc_error_set(err, KC_ERR_INTERNAL, "sizing: pattern %zu holds more "
                                    "than a host has (dimension %zu)", t, k);
        }
    }
    return 0;
}

static int cmp_use(const void *a, const void *b)
{
    const kc_pack_use *x = a, *y = b;

    return (x->item > y->item) - (x->item < y->item);
}

/* The packing over lines: each pattern's variants summed per line. */
static int collapse(const kc_pool_inst *pi, const kc_pack *vp, kc_pack **out, kc_error *err)
{
    kc_pack *p = calloc(1, sizeof(*p));
    size_t n_uses = 0, pooled = 0;

    for (size_t t = 0; t < vp->n_patterns; t++)
        n_uses += vp->patterns[t].n_uses;
    if (p) {
        p->patterns = calloc(vp->n_patterns + 1, sizeof(*p->patterns));
        p->use_pool = calloc(n_uses + 1, sizeof(*p->use_pool));
    }
    if (!p || !p->patterns || !p->use_pool) {
        kc_pack_free(p);
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    }
    p->n_items = pi->n_lines;
    p->n_dims = vp->n_dims;
    p->hosts = vp->hosts;
    p->heuristic = vp->heuristic;
    p->bound = vp->bound;
    p->lower_bound = vp->lower_bound;        /* the split instance's (the caller decides) */
    p->proven_optimal = vp->proven_optimal;
    for (size_t t = 0; t < vp->n_patterns; t++) {
        const kc_pack_pattern *src = &vp->patterns[t];
        kc_pack_use *u = p->use_pool + pooled;
        size_t n = 0;

        for (size_t k = 0; k < src->n_uses; k++) {
            u[n++] = (kc_pack_use){ pi->vars[src->uses[k].item].line, src->uses[k].count };
        }
        qsort(u, n, sizeof(*u), cmp_use);
        {
            size_t m = 0;

            for (size_t k = 0; k < n; k++) {
                if (m && u[m - 1].item == u[k].item)
                    u[m - 1].count += u[k].count;
                else
                    u[m++] = u[k];
            }
            n = m;
        }
        if (p->n_patterns) {
            kc_pack_pattern *last = &p->patterns[p->n_patterns - 1];

            if (last->n_uses == n && memcmp(last->uses, u, n * sizeof(*u)) == 0) {
                last->hosts += src->hosts;
                continue;
            }
        }
        p->patterns[p->n_patterns++] = (kc_pack_pattern){ src->hosts, n, u };
        pooled += n;
    }
    *out = p;
    return 0;
}

/* The fullest pool dimension per storage resource over the packing @vp. */
static void find_fullest(const kc_pool_inst *pi, const kc_pack *vp, kc_pool_fullest *f)
{
    memset(f, 0, sizeof(*f));
    for (size_t k = 0; k < pi->n_dims; k++) {
        const pdim *d = &pi->dims[k];
        kc_u128 load = 0;

        if (d->kind != DIM_POOL && d->kind != DIM_NIC)
            continue;
        for (size_t t = 0; t < vp->n_patterns; t++)
            for (size_t u = 0; u < vp->patterns[t].n_uses; u++)
                load += (kc_u128)vp->patterns[t].hosts * vp->patterns[t].uses[u].count *
                        pi->items[vp->patterns[t].uses[u].item].demand[k];
        /* the packing's totals fit in 64 bits (kc_pack_solve checks them) */
        if (!f->cap[d->res] || load * f->cap[d->res] > (kc_u128)f->load[d->res] * d->cap) {
            f->load[d->res] = sat128(load);
            f->cap[d->res] = d->cap;
        }
    }
}

bool kc_pool_inst_has_choice(const kc_pool_inst *pi)
{
    for (size_t i = 0; i < pi->n_lines; i++)
        if (pi->first[i + 1] - pi->first[i] > 1)
            return true;
    return false;
}

size_t kc_pool_inst_n_vars(const kc_pool_inst *pi)
{
    return pi->n_vars;
}

void kc_pool_inst_var(const kc_pool_inst *pi, size_t v, size_t *line, size_t *pool)
{
    *line = pi->vars[v].line;
    *pool = pi->vars[v].pool;
}

int kc_pool_inst_solve(const kc_pool_inst *pi, const kc_pack_opts *opts, uint64_t bound,
                       kc_pack **out, kc_pack **pool_pack, bool *exact_inst,
                       kc_pool_fullest *fullest, kc_error *err)
{
    uint64_t capv[KC_PACK_DIM_MAX];
    uint64_t *x[2];
    kc_pack *best = NULL;
    bool multi = false;
    int ret = -1;

    *out = NULL;
    *pool_pack = NULL;
    for (size_t i = 0; i < pi->n_lines; i++)
        multi |= pi->first[i + 1] - pi->first[i] > 1;
    *exact_inst = !multi && pi->dropped == 0;
    for (size_t k = 0; k < pi->n_dims; k++)
        *exact_inst &= !pi->dims[k].norm;
    for (size_t k = 0; k < pi->n_dims; k++)
        capv[k] = pi->dims[k].cap;
    x[0] = calloc(pi->n_vars + 1, sizeof(*x[0]));
    x[1] = calloc(pi->n_vars + 1, sizeof(*x[1]));
    if (!x[0] || !x[1]) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    split_pattern(pi, x[0]);
    for (int s = 0; s < (multi ? 2 : 1); s++) {
        kc_pack_item *items = pi->items;
        kc_pack *p = NULL;

        if (s == 1 && best->hosts > bound)
            split_balance(pi, x[1]);
        if (s == 1 && (best->hosts <= bound ||
                       memcmp(x[0], x[1], pi->n_vars * sizeof(*x[0])) == 0))
            break;    /* at the bound already, or the same split */
        for (size_t v = 0; v < pi->n_vars; v++)
            items[v].count = x[s][v];
        if (kc_pack_solve(capv, pi->n_dims, items, pi->n_vars, opts, &p, err) < 0)
            goto out;
        if (!best || p->hosts < best->hosts) {
            kc_pack_free(best);
            best = p;
        } else {
            kc_pack_free(p);
        }
    }
    if (refit(pi, best, err) < 0 || collapse(pi, best, out, err) < 0)
        goto out;
    find_fullest(pi, best, fullest);
    *pool_pack = best;
    best = NULL;
    ret = 0;
 out:
    kc_pack_free(best);
    free(x[0]);
    free(x[1]);
    return ret;
}

/* ---- the bound ---- */

int kc_pool_bound(const kc_host *host, const kc_policy *policy, const kc_shape *shapes,
                  const uint64_t *counts, size_t n_lines, const kc_host_capacity *hcap,
                  const kc_shape_demand *dem, bool relax, uint64_t *bound, kc_pack_bound *kind,
                  uint64_t storage_cap[3], kc_error *err)
{
    size_t np = host->n_storage, nd = 0;
    const kc_host_capacity cap = *hcap;
    kc_pool_fit *pf = calloc(np + 1, sizeof(*pf));
    kc_pack_item *items = calloc(n_lines + 1, sizeof(*items));
    uint64_t (*most)[3] = calloc(np + 1, sizeof(*most));   /* per pool: the most any line
                                                               may take of it */
    uint64_t capv[KC_PACK_DIM_MAX], lb = 0;
    unsigned dres[KC_PACK_DIM_MAX];
    bool sdim[KC_PACK_DIM_MAX] = { false }, asked[3] = { false };
    uint64_t unattr[3];
    int ret = -1;

    *bound = 0;
    storage_cap[0] = storage_cap[1] = storage_cap[2] = 0;
    kc_pool_unattributed(host, unattr);
    if (!pf || !items || !most) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_lines; i++) {
        uint32_t asks = kc_pool_asks(host, &shapes[i]);
        kc_fit_summary sum;

        if (!asks)
            continue;
        if (kc_pool_fits(host, &shapes[i], policy, pf, err) < 0)
            goto out;
        for (unsigned r = 0; r < 3; r++) {
            if (!(asks & (1u << r)))
                continue;
            asked[r] = true;
            for (size_t p = 0; p < np; p++)
                if (pf[p].eligible && pool_free(&pf[p], r) > most[p][r])
                    most[p][r] = pool_free(&pf[p], r);
        }
        /* per line: no host holds more of it than the fit's count */
        if (kc_fit_count(host, &shapes[i], policy, &sum, err) < 0)
            goto out;
        if (sum.count > 0 && counts[i] / sum.count + (counts[i] % sum.count != 0) > lb)
            lb = counts[i] / sum.count + (counts[i] % sum.count != 0);
    }
    /* the pools-summed relaxation: host-wide dimensions, and a storage resource's pools as
     * one (a VM's disk may split over them there) */
    for (unsigned r = 0; r < KC_RES_LAST; r++)
        if (r != KC_RES_DISK && r != KC_RES_IOPS && r != KC_RES_THROUGHPUT &&
            (cap.planned & (1u << r))) {
            dres[nd] = r;
            capv[nd++] = cap.free[r];
        }
    for (unsigned r = 0; r < 3 && nd < KC_PACK_DIM_MAX; r++)
        if (asked[r]) {
            kc_u128 c = 0;

            for (size_t p = 0; p < np; p++)
                c += most[p][r];
            /* the use of no known pool sits on some pool (the fit's rows) */
            c = c > unattr[r] ? c - unattr[r] : 0;
            storage_cap[r] = sat128(c);
            dres[nd] = r;
            sdim[nd] = true;
            capv[nd++] = sat128(c);
        }
    for (size_t i = 0; i < n_lines; i++) {
        uint32_t asks = kc_pool_asks(host, &shapes[i]);
        const uint64_t w[3] = { shapes[i].disk_mib, shapes[i].iops, shapes[i].mbps };

        items[i].count = counts[i];
        for (size_t k = 0; k < nd; k++)
            items[i].demand[k] = sdim[k] ? ((asks & (1u << dres[k])) ? w[dres[k]] : 0)
                                         : dem[i].per_vm[dres[k]];
    }
    {
        uint64_t rb = 0;
        kc_pack_bound rk = KC_PACK_BOUND_VOLUME;

        if (relax && nd > 0 &&
            kc_pack_lower_bound(capv, nd, items, n_lines, &rb, &rk, err) < 0)
            goto out;
        *kind = rb >= lb ? rk : KC_PACK_BOUND_VOLUME;
        *bound = rb > lb ? rb : lb;
    }
    ret = 0;
 out:
    free(pf);
    free(items);
    free(most);
    return ret;
}
