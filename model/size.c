/* SPDX-License-Identifier: MIT */
/* size.c: which host model to buy for a workload: packing per candidate, HA, price, ranking. */
#include <stdlib.h>
#include <string.h>

#include "demand.h"
#include "size.h"

static bool same_shape(const kc_shape *a, const kc_shape *b)
{
    return a->vcpus == b->vcpus && a->mem_mib == b->mem_mib && a->disk_mib == b->disk_mib &&
           a->iops == b->iops && a->mbps == b->mbps && a->net_kbps == b->net_kbps &&
           a->cpu_util_bp == b->cpu_util_bp && a->hugepages == b->hugepages;
}

static void copy_name(char *dst, const char *src)
{
    size_t n = strnlen(src, KC_NAME_MAX - 1);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* Re-issue @err's message with a prefix naming what it is about. */
static int prefix_error(kc_error *err, const char *what, const char *name)
{
    char inner[sizeof(err->msg)];

    if (!err)
        return -1;
    memcpy(inner, err->msg, sizeof(inner));
    inner[sizeof(inner) - 1] = '\0';
    return kc_error_set(err, err->code == KC_ERR_NONE ? KC_ERR_INVALID : err->code,
                        "%s '%s': %s", what, name, inner);
}

/* Merge duplicates, drop zero counts, apply growth. */
static int build_lines(kc_sizing *sz, const kc_workload_line *lines, size_t n_lines,
                       uint32_t growth_bp, kc_error *err)
{
    sz->lines = calloc(n_lines + 1, sizeof(*sz->lines));
    if (!sz->lines)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n_lines; i++) {
        const kc_workload_line *l = &lines[i];
        size_t j;

        if (l->count == 0)
            continue;
        if (kc_shape_validate(&l->shape, err) < 0)
            return prefix_error(err, "vm", l->name);
        for (j = 0; j < sz->n_lines; j++)
            if (same_shape(&sz->lines[j].shape, &l->shape))
                break;
        if (j == sz->n_lines) {
            copy_name(sz->lines[j].name, l->name);
            sz->lines[j].shape = l->shape;
            sz->n_lines++;
        }
        if (sz->lines[j].requested > UINT64_MAX - l->count)
            return kc_error_set(err, KC_ERR_INVALID, "vm '%s': count does not fit in 64 bits",
                                l->name);
        sz->lines[j].requested += l->count;
    }
    if (sz->n_lines == 0)
        return kc_error_set(err, KC_ERR_INVALID, "the workload has no VMs");
    for (size_t j = 0; j < sz->n_lines; j++) {
        kc_size_line *l = &sz->lines[j];
        kc_u128 num = (kc_u128)l->requested * (KC_BP_ONE + (uint64_t)growth_bp);
        kc_u128 grown = num / KC_BP_ONE + (num % KC_BP_ONE != 0);

        if (grown > UINT64_MAX || sz->total_vms > UINT64_MAX - (uint64_t)grown)
            return kc_error_set(err, KC_ERR_INVALID,
                                "vm '%s': count after growth does not fit in 64 bits", l->name);
        l->count = (uint64_t)grown;
        sz->total_vms += l->count;
    }
    return 0;
}

/* Pack the workload onto one candidate and fill @r. */
static uint64_t div_up_u64(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* Under --numa strict a VM lives inside one node, so the bins are the nodes: one node as a
 * host of its own. Each dimension takes the smallest node; what is host-wide (NICs, storage,
 * the reserve, existing usage) is split evenly, rounded against the plan. */
static void node_view(const kc_host *h, const kc_policy *p, kc_host *n, kc_policy *np)
{
    uint64_t k = h->n_numa;

    kc_host_init(n);
    n->cpus = UINT32_MAX;
    n->mem_mib = UINT64_MAX;
    n->hugepages_mib = UINT64_MAX;
    for (size_t i = 0; i < h->n_numa; i++) {
        const kc_numa_node *nd = &h->numa[i];

        n->cpus = nd->cpus < n->cpus ? nd->cpus : n->cpus;
        n->mem_mib = nd->mem_mib < n->mem_mib ? nd->mem_mib : n->mem_mib;
        n->hugepages_mib = nd->hugepages_mib < n->hugepages_mib ? nd->hugepages_mib
                                                                : n->hugepages_mib;
    }
    n->hugepage_kib = h->hugepage_kib;
    n->n_nics = h->n_nics;
    for (size_t i = 0; i < h->n_nics; i++)
        n->nics[i].speed_kbps = h->nics[i].speed_kbps / k;
    n->n_storage = h->n_storage;
    for (size_t i = 0; i < h->n_storage; i++) {
        kc_storage *st = &n->storage[i];

        *st = h->storage[i];
        st->size_mib = st->size_mib / k ? st->size_mib / k : 1;
        st->iops /= k;
        st->mbps /= k;
        st->link_iops /= k;
        st->link_mbps /= k;
    }
    n->used = (kc_usage){
        .vms = div_up_u64(h->used.vms, k), .vcpus = div_up_u64(h->used.vcpus, k),
        .mem_mib = div_up_u64(h->used.mem_mib, k),
        .hugepages_mib = div_up_u64(h->used.hugepages_mib, k),
        .disk_mib = div_up_u64(h->used.disk_mib, k), .net_kbps = div_up_u64(h->used.net_kbps, k),
        .iops = div_up_u64(h->used.iops, k), .mbps = div_up_u64(h->used.mbps, k),
        .load_vcpus = div_up_u64(h->used.load_vcpus, k), .load_bp = div_up_u64(h->used.load_bp, k),
    };
    if (n->used.load_vcpus > n->used.vcpus)
        n->used.load_vcpus = n->used.vcpus;
    *np = *p;
    np->reserve_mib = div_up_u64(p->reserve_mib, k);
    np->reserve_cpus = (uint32_t)div_up_u64(p->reserve_cpus, k);
    np->numa = KC_NUMA_SPREAD;
}

static int size_one(const kc_sizing *sz, const kc_candidate *cand, const kc_size_opts *opts,
                    const kc_shape *shapes, kc_shape_demand *dem, bool *fits_somewhere,
                    kc_size_result *r, kc_error *err)
{
    kc_host_capacity cap;
    kc_pack_item *items = NULL;
    uint64_t capv[KC_PACK_DIM_MAX];
    kc_resource dims[KC_PACK_DIM_MAX];
    size_t nd = 0;
    bool feasible = true;
    int ret = -1;

    const kc_host *host = &cand->host;
    const kc_policy *policy = &opts->policy;
    kc_host node;
    kc_policy node_policy;
    uint64_t per_host = 1;    /* bins per host: its NUMA nodes under strict placement */

    if (kc_host_validate(host, err) < 0)
        return prefix_error(err, "host", cand->name);
    if (policy->numa == KC_NUMA_STRICT && host->n_numa > 1) {
        node_view(host, policy, &node, &node_policy);
        per_host = host->n_numa;
        host = &node;
        policy = &node_policy;
    }
    if (kc_host_validate(host, err) < 0 ||
        kc_demand_compute(host, policy, shapes, sz->n_lines, &cap, dem, err) < 0)
        return prefix_error(err, "host", cand->name);
    r->planned = cap.planned;
    r->unknown = cap.unknown;
    for (size_t d = 0; d < KC_RES_LAST; d++)
        r->capacity[d] = (uint64_t)((kc_u128)cap.free[d] * per_host > UINT64_MAX ? UINT64_MAX :
                                    cap.free[d] * per_host);
    for (size_t i = 0; i < sz->n_lines; i++) {
        kc_resource res = kc_demand_misfit(&cap, &dem[i]);

        if (res == KC_RES_LAST) {
            fits_somewhere[i] = true;
        } else if (feasible) {
            feasible = false;
            r->misfit_line = i;
            r->misfit_res = res;
        }
    }
    if (!feasible) {
        r->rank = KC_SIZE_RANK_INFEASIBLE;
        return 0;
    }

    items = calloc(sz->n_lines, sizeof(*items));
    if (!items)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t d = 0; d < KC_RES_LAST; d++)
        if (cap.planned & (1u << d)) {
            dims[nd] = (kc_resource)d;
            capv[nd++] = cap.free[d];
        }
    for (size_t i = 0; i < sz->n_lines; i++) {
        items[i].count = sz->lines[i].count;
        for (size_t k = 0; k < nd; k++)
            items[i].demand[k] = dem[i].per_vm[dims[k]];
    }
    if (kc_pack_solve(capv, nd, items, sz->n_lines, &opts->pack, &r->pack, err) < 0) {
        prefix_error(err, "host", cand->name);
        goto out;
    }
    r->rank = cand->price ? KC_SIZE_RANK_PRICE : KC_SIZE_RANK_HOSTS;
    r->hosts_packed = div_up_u64(r->pack->hosts, per_host);
    r->lower_bound = div_up_u64(r->pack->lower_bound, per_host);
    /* Node bins are a conservative view of a host (its smallest node, shared resources
     * split evenly): a packing of them is not proven minimal for the real hosts. */
    r->proven_optimal = r->pack->proven_optimal && per_host == 1;
    r->method = r->pack->heuristic;
    /*
     * N host failures: hosts = packed + N. Sufficient because the hosts are identical: after
     * any N of them fail, `packed` healthy hosts remain, each the same as a host of the
     * packing, so the whole workload (the failed hosts' VMs included) fits on them by the
     * same plan, whichever hosts failed and however full they were. It is also the least
     * that works whenever `packed` is optimal: with one host fewer, losing N would leave
     * packed - 1 hosts, fewer than any packing of the workload needs.
     */
    if (r->hosts_packed > UINT64_MAX - opts->ha) {
        kc_error_set(err, KC_ERR_INVALID, "host '%s': host count does not fit in 64 bits",
                     cand->name);
        goto out;
    }
    r->hosts = r->hosts_packed + opts->ha;
    for (size_t k = 0; k < nd; k++) {
        kc_resource res = dims[k];
        kc_u128 tot = 0, den = (kc_u128)r->hosts_packed * capv[k] * per_host;

        for (size_t i = 0; i < sz->n_lines; i++)
            tot += (kc_u128)items[i].count * items[i].demand[k];   /* each < 2^128 / 2^8 */
        if (tot > UINT64_MAX) {
            kc_error_set(err, KC_ERR_INVALID, "host '%s': total %s demand does not fit in "
                         "64 bits", cand->name, kc_resource_name(res));
            goto out;
        }
        r->demand[res] = (uint64_t)tot;
        /* the packing is feasible, so tot <= den and the ratio is at most 10000 */
        r->util_bp[res] = den ? (uint32_t)(tot * KC_BP_ONE / den) : 0;
    }
    /* bottleneck: highest demand / capacity, compared exactly by cross-multiplying */
    for (size_t k = 0; k < nd; k++) {
        kc_resource a = dims[k];
        bool top = r->demand[a] > 0;

        for (size_t j = 0; top && j < nd; j++) {
            kc_resource b = dims[j];

            if ((kc_u128)r->demand[b] * capv[k] > (kc_u128)r->demand[a] * capv[j])
                top = false;
        }
        if (top)
            r->bottleneck |= 1u << a;
    }
    if (cand->price) {
        kc_u128 total = (kc_u128)cand->price * r->hosts;

        if (total > UINT64_MAX) {
            kc_error_set(err, KC_ERR_INVALID, "host '%s': total price does not fit in 64 bits",
                         cand->name);
            goto out;
        }
        r->price_total = (uint64_t)total;
        r->price_per_vm_cents = (uint64_t)((total * 200 + sz->total_vms) /
                                           (2 * (kc_u128)sz->total_vms));
    }
    ret = 0;
 out:
    free(items);
    return ret;
}

static int compare_results(const void *pa, const void *pb)
{
    const kc_size_result *a = pa, *b = pb;
    int c;

    if (a->rank != b->rank)
        return a->rank < b->rank ? -1 : 1;
    if (a->rank == KC_SIZE_RANK_PRICE && a->price_total != b->price_total)
        return a->price_total < b->price_total ? -1 : 1;
    if (a->rank != KC_SIZE_RANK_INFEASIBLE && a->hosts != b->hosts)
        return a->hosts < b->hosts ? -1 : 1;
    c = strcmp(a->name, b->name);
    if (c)
        return c;
    return a->candidate < b->candidate ? -1 : a->candidate > b->candidate;
}

/* The biggest candidate, for the "fits nowhere" message: most memory, then most CPUs. */
static size_t biggest(const kc_candidate *cands, size_t n)
{
    size_t best = 0;

    for (size_t c = 1; c < n; c++)
        if (cands[c].host.mem_mib > cands[best].host.mem_mib ||
            (cands[c].host.mem_mib == cands[best].host.mem_mib &&
             cands[c].host.cpus > cands[best].host.cpus))
            best = c;
    return best;
}

int kc_size_run(const kc_workload_line *lines, size_t n_lines, const kc_candidate *cands,
                size_t n_cands, const kc_size_opts *opts, kc_sizing **out, kc_error *err)
{
    kc_sizing *sz = NULL;
    kc_shape *shapes = NULL;
    kc_shape_demand *dem = NULL;
    bool *fits = NULL;
    int ret = -1;

    *out = NULL;
    if (kc_policy_validate(&opts->policy, err) < 0)
        return -1;
    if (n_cands == 0)
        return kc_error_set(err, KC_ERR_INVALID, "no candidate hosts to size against");
    sz = calloc(1, sizeof(*sz));
    if (!sz)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    if (build_lines(sz, lines, n_lines, opts->growth_bp, err) < 0)
        goto out;
    shapes = calloc(sz->n_lines, sizeof(*shapes));
    dem = calloc(sz->n_lines, sizeof(*dem));
    fits = calloc(sz->n_lines, sizeof(*fits));
    sz->results = calloc(n_cands, sizeof(*sz->results));
    if (!shapes || !dem || !fits || !sz->results) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sz->n_lines; i++)
        shapes[i] = sz->lines[i].shape;
    for (size_t c = 0; c < n_cands; c++) {
        kc_size_result *r = &sz->results[c];

        copy_name(r->name, cands[c].name);
        r->candidate = c;
        r->price = cands[c].price;
        sz->n_results++;
        if (size_one(sz, &cands[c], opts, shapes, dem, fits, r, err) < 0)
            goto out;
    }
    for (size_t i = 0; i < sz->n_lines; i++)
        if (!fits[i]) {
            kc_error_set(err, KC_ERR_INVALID,
                         "vm '%s' fits on no candidate host (the biggest is '%s')",
                         sz->lines[i].name, cands[biggest(cands, n_cands)].name);
            goto out;
        }
    qsort(sz->results, sz->n_results, sizeof(*sz->results), compare_results);
    if (sz->results[0].rank == KC_SIZE_RANK_INFEASIBLE) {
        const kc_size_result *r = &sz->results[0];

        kc_error_set(err, KC_ERR_INVALID,
                     "no candidate host holds every vm shape: vm '%s' does not fit on '%s' (%s)",
                     sz->lines[r->misfit_line].name, r->name, kc_resource_name(r->misfit_res));
        goto out;
    }
    sz->recommended = true;
    *out = sz;
    sz = NULL;
    ret = 0;
 out:
    kc_sizing_free(sz);
    free(shapes);
    free(dem);
    free(fits);
    return ret;
}

void kc_sizing_free(kc_sizing *sizing)
{
    if (!sizing)
        return;
    for (size_t c = 0; c < sizing->n_results; c++)
        kc_pack_free(sizing->results[c].pack);
    free(sizing->results);
    free(sizing->lines);
    free(sizing);
}

int kc_size_mixed_fit(const kc_host *host, const kc_policy *policy,
                      const kc_workload_line *placed, size_t n_placed, const kc_shape *extra,
                      kc_size_mixed *out, kc_error *err)
{
    kc_host_capacity cap;
    kc_shape *shapes = NULL;
    kc_shape_demand *dem = NULL;
    kc_pack_item *items = NULL;
    kc_pack_mixed m;
    uint64_t capv[KC_PACK_DIM_MAX], extrav[KC_PACK_DIM_MAX];
    kc_resource dims[KC_PACK_DIM_MAX];
    size_t nd = 0;
    int ret = -1;

    memset(out, 0, sizeof(*out));
    shapes = calloc(n_placed + 1, sizeof(*shapes));
    dem = calloc(n_placed + 1, sizeof(*dem));
    items = calloc(n_placed + 1, sizeof(*items));
    if (!shapes || !dem || !items) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_placed; i++) {
        if (kc_shape_validate(&placed[i].shape, err) < 0) {
            prefix_error(err, "vm", placed[i].name);
            goto out;
        }
        shapes[i] = placed[i].shape;
    }
    shapes[n_placed] = *extra;
    if (kc_demand_compute(host, policy, shapes, n_placed + 1, &cap, dem, err) < 0)
        goto out;
    out->unknown = cap.unknown;
    for (size_t d = 0; d < KC_RES_LAST; d++)
        if (cap.planned & (1u << d)) {
            dims[nd] = (kc_resource)d;
            capv[nd++] = cap.free[d];
            out->capacity[d] = cap.free[d];
        }
    out->misfit_line = n_placed;
    out->placed_fit = true;
    for (size_t i = 0; i < n_placed; i++) {
        items[i].count = placed[i].count;
        for (size_t k = 0; k < nd; k++)
            items[i].demand[k] = dem[i].per_vm[dims[k]];
        if (placed[i].count > 0 && dem[i].too_big && out->placed_fit) {
            out->placed_fit = false;
            out->misfit_line = i;
        }
    }
    for (size_t k = 0; k < nd; k++)
        extrav[k] = dem[n_placed].per_vm[dims[k]];
    if (kc_pack_fit_mixed(capv, nd, items, n_placed, extrav, &m, err) < 0)
        goto out;
    for (size_t k = 0; k < nd; k++) {
        out->used[dims[k]] = m.used[k];
        if (m.over & (1u << k))
            out->over |= 1u << dims[k];
        if (m.bottleneck & (1u << k))
            out->bottleneck |= 1u << dims[k];
    }
    out->placed_fit = out->placed_fit && m.placed_fit;
    out->extra_too_big = dem[n_placed].too_big;
    out->extra = out->placed_fit && !out->extra_too_big ? m.extra : 0;
    if (out->extra_too_big)
        out->bottleneck = 1u << dem[n_placed].too_big_res;
    ret = 0;
 out:
    free(shapes);
    free(dem);
    free(items);
    return ret;
}
