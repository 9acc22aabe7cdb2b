/* SPDX-License-Identifier: MIT */
/* size.c: which host model to buy for a workload: packing per candidate, HA, price, ranking. */
#include <stdio.h>     /* snprintf: formatting a label, no I/O */
#include <stdlib.h>
#include <string.h>

#include "demand.h"
#include "size.h"
#include "size_pool.h"

static bool same_shape(const kc_shape *a, const kc_shape *b)
{
    return a->vcpus == b->vcpus && a->mem_mib == b->mem_mib && a->disk_mib == b->disk_mib &&
           a->iops == b->iops && a->mbps == b->mbps && a->net_kbps == b->net_kbps &&
           a->cpu_util_bp == b->cpu_util_bp && a->hugepages == b->hugepages &&
           a->write_bp == b->write_bp && strncmp(a->pool, b->pool, KC_POOL_NAME_MAX) == 0;
}

/* A hash of the fields same_shape compares (a field it compares and this leaves out only
 * makes the hash coarser: lookups still compare with same_shape). */
static uint64_t shape_hash(const kc_shape *a)
{
    const uint64_t f[] = { a->vcpus, a->mem_mib, a->disk_mib, a->iops, a->mbps, a->net_kbps,
                           a->cpu_util_bp, a->hugepages, a->write_bp };
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        x ^= f[i];
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
    }
    return x;
}

/* The line of @shape in @sz (an open-addressing table @slot of @mask + 1 entries, each a
 * line index + 1 or 0), or sz->n_lines with its slot in *@at when it is new. */
static size_t find_line(const kc_sizing *sz, const size_t *slot, size_t mask,
                        const kc_shape *shape, size_t *at)
{
    size_t h = (size_t)shape_hash(shape) & mask;

    while (slot[h] && !same_shape(&sz->lines[slot[h] - 1].shape, shape))
        h = (h + 1) & mask;
    *at = h;
    return slot[h] ? slot[h] - 1 : sz->n_lines;
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

/* Add @name to the label of a merged line (@len: its length so far, @omitted: names left
 * out for want of room; the label is finished by finish_label). */
#define LABEL_ROOM (KC_NAME_MAX - 1 - 16)    /* leaves room for " +N more" */
static void add_label(kc_size_line *l, size_t *len, size_t *omitted, const char *name)
{
    size_t n = strnlen(name, KC_NAME_MAX - 1);

    if (*len == 0) {
        memcpy(l->name, name, n);
        l->name[n] = '\0';
        *len = n;
    } else if (*omitted == 0 && *len + 1 + n <= LABEL_ROOM) {
        l->name[(*len)++] = '+';
        memcpy(l->name + *len, name, n);
        *len += n;
        l->name[*len] = '\0';
    } else {
        (*omitted)++;
    }
}

/* Whether @name is one of the '+'-joined names of @label already. */
static bool in_label(const char *label, const char *name)
{
    size_t n = strnlen(name, KC_NAME_MAX - 1);

    for (const char *p = label; *p;) {
        size_t t = strcspn(p, "+");

        if (t == n && strncmp(p, name, n) == 0)
            return true;
        p += t + (p[t] == '+');
    }
    return false;
}

static void finish_label(kc_size_line *l, size_t len, size_t omitted)
{
    char more[24];
    int m;

    if (omitted == 0)
        return;
    m = snprintf(more, sizeof(more), " +%zu more", omitted);
    if (len + (size_t)m > KC_NAME_MAX - 1)
        len = KC_NAME_MAX - 1 - (size_t)m;    /* a long first name is cut */
    memcpy(l->name + len, more, (size_t)m + 1);
}

/* Merge lines of the same shape (the packing works on shapes), keeping every name in the
 * merged line's name ("web+db", or "... +N more" past KC_NAME_MAX), drop zero counts,
 * apply growth. */
static int build_lines(kc_sizing *sz, const kc_workload_line *lines, size_t n_lines,
                       uint32_t growth_bp, kc_error *err)
{
    size_t *last = calloc(n_lines + 1, sizeof(*last));    /* last name added, per line */
    size_t *len = calloc(n_lines + 1, sizeof(*len)), *omitted = calloc(n_lines + 1,
                                                                        sizeof(*omitted));
    size_t mask = 15, *slot;     /* the lines by shape: a hash table at most half full */
    int ret = -1;

    while (mask / 2 < n_lines)
        mask = mask * 2 + 1;
    slot = calloc(mask + 1, sizeof(*slot));
    sz->lines = calloc(n_lines + 1, sizeof(*sz->lines));
    if (!sz->lines || !last || !len || !omitted || !slot) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n_lines; i++) {
        const kc_workload_line *l = &lines[i];
        size_t j, at;

        if (l->count == 0)
            continue;
        if (kc_shape_validate(&l->shape, err) < 0) {
            prefix_error(err, "vm", l->name);
            goto out;
        }
        j = find_line(sz, slot, mask, &l->shape, &at);
        if (j == sz->n_lines) {
            slot[at] = j + 1;
            sz->lines[j].shape = l->shape;
            sz->n_lines++;
            add_label(&sz->lines[j], &len[j], &omitted[j], l->name);
            sz->lines[j].n_names = 1;
        } else if (strncmp(lines[last[j]].name, l->name, KC_NAME_MAX) != 0 &&
                   !in_label(sz->lines[j].name, l->name)) {
            /* a name of its own (a name given again is one name, as far as the label
             * shows them) */
            add_label(&sz->lines[j], &len[j], &omitted[j], l->name);
            sz->lines[j].n_names++;
        }
        last[j] = i;
        if (sz->lines[j].requested > UINT64_MAX - l->count) {
            kc_error_set(err, KC_ERR_INVALID, "vm '%s': count does not fit in 64 bits",
                         l->name);
            goto out;
        }
        sz->lines[j].requested += l->count;
    }
    if (sz->n_lines == 0) {
        kc_error_set(err, KC_ERR_INVALID, "the workload has no VMs");
        goto out;
    }
    for (size_t j = 0; j < sz->n_lines; j++) {
        kc_size_line *l = &sz->lines[j];
        kc_u128 num = (kc_u128)l->requested * (KC_BP_ONE + (uint64_t)growth_bp);
        kc_u128 grown = num / KC_BP_ONE + (num % KC_BP_ONE != 0);

        finish_label(l, len[j], omitted[j]);
        if (grown > UINT64_MAX || sz->total_vms > UINT64_MAX - (uint64_t)grown) {
            kc_error_set(err, KC_ERR_INVALID,
                         "vm '%s': count after growth does not fit in 64 bits", l->name);
            goto out;
        }
        l->count = (uint64_t)grown;
        sz->total_vms += l->count;
    }
    ret = 0;
 out:
    free(last);
    free(len);
    free(omitted);
    free(slot);
    return ret;
}

/* Pack the workload onto one candidate and fill @r. */
static uint64_t div_up_u64(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* What each NUMA node of @h offers after its part of the reserve: the host-wide reserve
 * and reserved CPUs split over the nodes as integers that add up to them, as the fit splits
 * them (the first nodes take the odd unit; what a node cannot hold goes on to the next). */
static void node_room(const kc_host *h, const kc_policy *p, uint64_t *mem, uint64_t *cpus)
{
    uint64_t k = h->n_numa, res_left = p->reserve_mib, rcpu_left = p->reserve_cpus;

    for (size_t i = 0; i < h->n_numa; i++) {
        const kc_numa_node *nd = &h->numa[i];
        uint64_t room = nd->mem_mib - nd->hugepages_mib;
        uint64_t r = div_up_u64(res_left, k - i), c = div_up_u64(rcpu_left, k - i);

        r = r < room ? r : room;
        c = c < nd->cpus ? c : nd->cpus;
        res_left -= r;
        rcpu_left -= c;
        mem[i] = room - r;
        cpus[i] = nd->cpus - c;
    }
}

/* Under --numa strict a VM lives inside one node, so the bins are the nodes: one node as a
 * host of its own, the same for every node (the packing's bins are identical). Each
 * dimension takes the smallest node after its part of the reserve (node_room); what is
 * host-wide (NICs, storage, existing usage) is split evenly, rounded against the plan. */
static void node_view(const kc_host *h, const kc_policy *p, kc_host *n, kc_policy *np)
{
    uint64_t k = h->n_numa, mem[KC_NUMA_MAX], cpus[KC_NUMA_MAX];
    uint64_t min_mem = UINT64_MAX, min_cpus = UINT64_MAX, hp = UINT64_MAX;

    node_room(h, p, mem, cpus);
    kc_host_init(n);
    for (size_t i = 0; i < h->n_numa; i++) {
        min_mem = mem[i] < min_mem ? mem[i] : min_mem;
        min_cpus = cpus[i] < min_cpus ? cpus[i] : min_cpus;
        hp = h->numa[i].hugepages_mib < hp ? h->numa[i].hugepages_mib : hp;
    }
    /* The reserve is taken off already: the node view has none. A node with no CPU left
     * is kept as one CPU fully reserved, so that the host stays valid and plans 0 vCPUs. */
    *np = *p;
    np->reserve_mib = 0;
    np->reserve_cpus = min_cpus == 0;
    np->numa = KC_NUMA_SPREAD;
    n->cpus = (uint32_t)(min_cpus + np->reserve_cpus);
    n->mem_mib = min_mem + hp;
    n->hugepages_mib = hp;
    n->hugepage_kib = h->hugepage_kib;
    n->n_nics = h->n_nics;
    for (size_t i = 0; i < h->n_nics; i++) {
        n->nics[i].speed_kbps = h->nics[i].speed_kbps / k;
        n->nics[i].role = h->nics[i].role;
    }
    n->n_storage = h->n_storage;
    for (size_t i = 0; i < h->n_storage; i++) {
        kc_storage *st = &n->storage[i];

        *st = h->storage[i];
        st->size_mib = st->size_mib / k ? st->size_mib / k : 1;
        st->iops /= k;
        st->mbps /= k;
        st->write_iops /= k;
        st->write_mbps /= k;
        st->link_iops /= k;
        st->link_mbps /= k;
        st->used_mib = div_up_u64(st->used_mib, k);
        st->used_iops = div_up_u64(st->used_iops, k);
        st->used_mbps = div_up_u64(st->used_mbps, k);
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
}

/* A lower bound on the hosts a strict packing needs, from the nodes alone: no real node
 * offers more than the biggest one (after its smallest part of the reserve, no usage), and
 * a host has n_numa nodes, so H hosts give at most H x n_numa such bins in memory,
 * hugepages and vCPUs. 0 when the nodes give nothing to bound with. */
static int node_bound(const kc_host *h, const kc_policy *p, const kc_shape *shapes,
                      const kc_size_line *lines, size_t n_lines, kc_shape_demand *dem,
                      uint64_t *bound, kc_error *err)
{
    static const kc_resource node_dims[] = { KC_RES_MEMORY, KC_RES_HUGEPAGES, KC_RES_CPU };
    uint64_t mem[KC_NUMA_MAX], cpus[KC_NUMA_MAX], max_mem = 0, max_cpus = 0, hp = 0, lb;
    uint64_t capv[KC_PACK_DIM_MAX];
    kc_resource dims[KC_PACK_DIM_MAX];
    kc_host_capacity cap;
    kc_pack_item *items;
    kc_policy bp = *p;
    kc_host best;
    size_t nd = 0;
    int ret = -1;

    *bound = 0;
    node_room(h, p, mem, cpus);
    for (size_t i = 0; i < h->n_numa; i++) {
        max_mem = mem[i] > max_mem ? mem[i] : max_mem;
        max_cpus = cpus[i] > max_cpus ? cpus[i] : max_cpus;
        hp = h->numa[i].hugepages_mib > hp ? h->numa[i].hugepages_mib : hp;
    }
    if (max_cpus == 0 || max_mem + hp == 0)
        return 0;
    kc_host_init(&best);
    best.cpus = (uint32_t)max_cpus;
    best.mem_mib = max_mem + hp;
    best.hugepages_mib = hp;
    best.hugepage_kib = h->hugepage_kib;
    bp.reserve_mib = 0;
    bp.reserve_cpus = 0;
    bp.numa = KC_NUMA_SPREAD;
    if (kc_demand_compute(&best, &bp, shapes, n_lines, &cap, dem, err) < 0)
        return -1;
    for (size_t i = 0; i < n_lines; i++)
        if (dem[i].too_big)
            return 0;    /* cannot be: it fits the smallest node; no bound then */
    for (size_t d = 0; d < sizeof(node_dims) / sizeof(node_dims[0]); d++)
        if (cap.planned & (1u << node_dims[d])) {
            dims[nd] = node_dims[d];
            capv[nd++] = cap.free[node_dims[d]];
        }
    items = calloc(n_lines + 1, sizeof(*items));
    if (!items)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    for (size_t i = 0; i < n_lines; i++) {
        items[i].count = lines[i].count;
        for (size_t k = 0; k < nd; k++)
            items[i].demand[k] = dem[i].per_vm[dims[k]];
    }
    if (nd > 0 && kc_pack_lower_bound(capv, nd, items, n_lines, &lb, NULL, err) < 0)
        goto out;
    *bound = nd > 0 ? div_up_u64(lb, h->n_numa) : 0;
    ret = 0;
 out:
    free(items);
    return ret;
}

/* Append a pattern of @hosts hosts with the @n uses @u (by item index) to @out (room for it
 * and its uses in @pool is there), or add the hosts to the last pattern when its uses are
 * the same. */
static void emit_pattern(kc_pack *out, size_t *pooled, uint64_t hosts, const kc_pack_use *u,
                         size_t n)
{
    kc_pack_pattern *last = out->n_patterns ? &out->patterns[out->n_patterns - 1] : NULL;

    if (last && last->n_uses == n && (n == 0 || memcmp(last->uses, u, n * sizeof(*u)) == 0)) {
        last->hosts += hosts;
        return;
    }
    last = &out->patterns[out->n_patterns++];
    last->uses = out->use_pool + *pooled;
    last->n_uses = n;
    if (n)
        memcpy(last->uses, u, n * sizeof(*u));
    *pooled += n;
    last->hosts = hosts;
}

static int cmp_use_item(const void *a, const void *b)
{
    const kc_pack_use *x = a, *y = b;

    return (x->item > y->item) - (x->item < y->item);
}

/* Under --numa strict the packing's bins are nodes: group them, in the packing's order, @k
 * to a host (the last host may have empty nodes), so that every pattern describes hosts (a
 * host lists the VMs of all its nodes) and pack->hosts counts hosts. Sparse: the work is in
 * the patterns' uses, not patterns x shapes. */
static int group_nodes(kc_pack *pack, uint64_t k, kc_error *err)
{
    size_t ni = pack->n_items, room = 3 * pack->n_patterns + 1, in_uses = 0, pooled = 0;
    kc_pack out = { .n_items = ni };
    kc_pack_use *part = NULL, *full = NULL;   /* the host begun, and k full bins */
    size_t *slot = calloc(ni + 1, sizeof(*slot)), n_part = 0;   /* item -> part index + 1 */
    uint64_t part_bins = 0;

    for (size_t p = 0; p < pack->n_patterns; p++)
        in_uses += pack->patterns[p].n_uses;
    out.patterns = calloc(room, sizeof(*out.patterns));
    out.use_pool = calloc(3 * in_uses + 1, sizeof(*out.use_pool));
    part = calloc(in_uses + 1, sizeof(*part));
    full = calloc(in_uses + 1, sizeof(*full));
    if (!slot || !out.patterns || !out.use_pool || !part || !full) {
        free(slot);
        free(part);
        free(full);
        free(out.patterns);
        free(out.use_pool);
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    }
    for (size_t p = 0; p < pack->n_patterns; p++) {
        const kc_pack_pattern *pat = &pack->patterns[p];
        uint64_t left = pat->hosts;

        if (part_bins) {    /* complete the host that the last pattern began */
            uint64_t take = k - part_bins < left ? k - part_bins : left;

            for (size_t u = 0; u < pat->n_uses; u++) {
                size_t i = pat->uses[u].item;

                if (!slot[i]) {
                    part[n_part] = (kc_pack_use){ i, 0 };
                    slot[i] = ++n_part;
                }
                part[slot[i] - 1].count += take * pat->uses[u].count;   /* within 64 bits */
            }
            part_bins += take;
            left -= take;
            if (part_bins == k) {
                qsort(part, n_part, sizeof(*part), cmp_use_item);
                emit_pattern(&out, &pooled, 1, part, n_part);
                for (size_t u = 0; u < n_part; u++)
                    slot[part[u].item] = 0;
                n_part = 0;
                part_bins = 0;
            }
        }
        if (left >= k) {
            for (size_t u = 0; u < pat->n_uses; u++)
                full[u] = (kc_pack_use){ pat->uses[u].item, k * pat->uses[u].count };
            emit_pattern(&out, &pooled, left / k, full, pat->n_uses);
            left %= k;
        }
        if (left) {
            for (size_t u = 0; u < pat->n_uses; u++) {
                part[u] = (kc_pack_use){ pat->uses[u].item, left * pat->uses[u].count };
                slot[part[u].item] = u + 1;
            }
            n_part = pat->n_uses;
            part_bins = left;
        }
    }
    if (part_bins) {
        qsort(part, n_part, sizeof(*part), cmp_use_item);
        emit_pattern(&out, &pooled, 1, part, n_part);
    }
    free(slot);
    free(part);
    free(full);
    free(pack->use_pool);
    free(pack->patterns);
    pack->patterns = out.patterns;
    pack->n_patterns = out.n_patterns;
    pack->use_pool = out.use_pool;
    pack->hosts = div_up_u64(pack->hosts, k);
    return 0;
}

/* The variants of r->pool_pack: each item's line and pool. */
static int keep_vars(const kc_pool_inst *pi, kc_size_result *r, bool keep, kc_error *err)
{
    size_t n = kc_pool_inst_n_vars(pi);

    r->pools_dropped = kc_pool_inst_dropped(pi);
    if (!keep) {
        /* no line has a choice of pool on a large workload: r->pack says it all, and a
         * second copy of the patterns per candidate costs memory */
        kc_pack_free(r->pool_pack);
        r->pool_pack = NULL;
        return 0;
    }

    r->var_line = calloc(n + 1, sizeof(*r->var_line));
    r->var_pool = calloc(n + 1, sizeof(*r->var_pool));
    if (!r->var_line || !r->var_pool)
        return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
    r->n_vars = n;
    for (size_t v = 0; v < n; v++)
        kc_pool_inst_var(pi, v, &r->var_line[v], &r->var_pool[v]);
    return 0;
}

size_t kc_size_pools_used(const kc_size_result *r)
{
    bool seen[KC_STORAGE_MAX] = { false };
    size_t n = 0;

    for (size_t t = 0; r->pool_pack && t < r->pool_pack->n_patterns; t++)
        for (size_t u = 0; u < r->pool_pack->patterns[t].n_uses; u++) {
            size_t p = r->var_pool[r->pool_pack->patterns[t].uses[u].item];

            if (p < KC_STORAGE_MAX && !seen[p]) {
                seen[p] = true;
                n++;
            }
        }
    return n;
}

/* @r's answer does not fit in 64 bits: an error of this candidate alone (listed last). */
static void candidate_error(kc_size_result *r, const char *what)
{
    r->rank = KC_SIZE_RANK_ERROR;
    snprintf(r->error, sizeof(r->error), "%s", what);
}

static int size_one(const kc_sizing *sz, const kc_candidate *cand, const kc_size_opts *opts,
                    const kc_shape *shapes, const uint64_t *counts, kc_shape_demand *dem,
                    bool *fits_somewhere, kc_size_result *r, kc_error *err)
{
    kc_host_capacity cap;
    kc_pack_item *host_items = NULL;
    kc_shape_demand *node_dem = NULL;
    kc_pool_inst *pi = NULL;
    uint64_t host_capv[KC_PACK_DIM_MAX], storage_cap[3], lb;
    uint64_t util_num[KC_PACK_DIM_MAX], util_cap[KC_PACK_DIM_MAX];
    kc_pool_fullest fullest;
    kc_pack_bound bound_kind;
    bool choice;
    kc_resource host_dims[KC_PACK_DIM_MAX];
    size_t host_nd = 0;
    bool feasible = true, exact_inst;
    int ret = -1;

    const kc_host *host = &cand->host;
    const kc_policy *policy = &opts->policy;
    const kc_host *bin = host;            /* what the packing's bins are: hosts or nodes */
    const kc_policy *bin_policy = policy;
    kc_host node;
    kc_policy node_policy;
    uint64_t per_host = 1;    /* bins per host: its NUMA nodes under strict placement */

    if (kc_host_validate(host, err) < 0)
        return prefix_error(err, "host", cand->name);
    /* host-wide vectors: what the report says of a host (capacity, utilization) */
    if (kc_demand_compute(host, policy, shapes, sz->n_lines, &cap, dem, err) < 0)
        return prefix_error(err, "host", cand->name);
    if (policy->numa == KC_NUMA_STRICT && host->n_numa > 1) {
        node_dem = calloc(sz->n_lines, sizeof(*node_dem));
        if (!node_dem)
            return kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        node_view(host, policy, &node, &node_policy);
        per_host = host->n_numa;
        if (kc_host_validate(&node, err) < 0) {
            prefix_error(err, "host", cand->name);
            goto out;
        }
        bin = &node;
        bin_policy = &node_policy;
    }
    /* the packing's instance: pools as sub-bins of each bin (size_pool.c) */
    if (kc_pool_inst_build(bin, bin_policy, shapes, counts, sz->n_lines,
                           per_host > 1 ? NULL : &cap, per_host > 1 ? NULL : dem, &pi,
                           err) < 0) {
        prefix_error(err, "host", cand->name);
        goto out;
    }
    if (per_host > 1) {
        kc_host_capacity node_cap;

        if (kc_demand_compute(bin, bin_policy, shapes, sz->n_lines, &node_cap, node_dem,
                              err) < 0) {
            prefix_error(err, "host", cand->name);
            goto out;
        }
        r->unknown = cap.unknown | node_cap.unknown;    /* not planned in the packing either */
    } else {
        r->unknown = cap.unknown;
    }
    r->planned = cap.planned & ~r->unknown;
    for (size_t d = 0; d < KC_RES_LAST; d++)
        r->capacity[d] = cap.free[d];
    for (size_t i = 0; i < sz->n_lines; i++) {
        kc_resource res = kc_demand_misfit(&cap, &dem[i]);

        if (res == KC_RES_LAST)
            res = kc_pool_inst_misfit(pi, i);    /* some pool of the bin takes it */
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
        ret = 0;
        goto out;
    }

    host_items = calloc(sz->n_lines, sizeof(*host_items));
    if (!host_items) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    r->bins_per_host = per_host;
    /* the bound first: a split packed at it ends the search (bins are nodes under strict:
     * no early end there) */
    choice = kc_pool_inst_has_choice(pi);
    if (kc_pool_bound(host, policy, shapes, counts, sz->n_lines, &cap, dem,
                      choice || per_host > 1, &lb, &bound_kind, storage_cap, err) < 0 ||
        kc_pool_inst_solve(pi, &opts->pack, per_host > 1 ? 0 : lb, &r->pack, &r->pool_pack,
                           &exact_inst, &fullest, err) < 0 ||
        keep_vars(pi, r, choice || sz->n_lines <= KC_SIZE_POOLS_KEPT, err) < 0 ||
        (per_host > 1 && group_nodes(r->pack, per_host, err) < 0)) {
        prefix_error(err, "host", cand->name);
        goto out;
    }
    /* what a host offers the workload: the storage rows over the pools it may use */
    for (size_t d = 0; d < KC_RES_LAST; d++) {
        uint64_t c = cap.free[d];

        if (d == KC_RES_DISK || d == KC_RES_IOPS || d == KC_RES_THROUGHPUT)
            c = storage_cap[d - KC_RES_DISK] > c ? storage_cap[d - KC_RES_DISK] : c;
        r->capacity[d] = c;
        if (cap.planned & (1u << d)) {
            host_dims[host_nd] = (kc_resource)d;
            host_capv[host_nd++] = c;
        }
    }
    for (size_t i = 0; i < sz->n_lines; i++) {
        host_items[i].count = sz->lines[i].count;
        for (size_t k = 0; k < host_nd; k++)
            host_items[i].demand[k] = dem[i].per_vm[host_dims[k]];
    }
    if (per_host > 1) {
        /* Node bins are a conservative view of a host (its smallest node, shared resources
         * split evenly): grouped into hosts, and bounded by what holds for the real hosts:
         * the pools-summed relaxation of the host (every strict packing satisfies it: the
         * nodes and their reserves add up to the host) and the biggest node (node_bound), so
         * that the bound and "proven optimal" are true of real hosts. (node_dem is reused as
         * scratch.) */
        uint64_t nlb;

        if (node_bound(host, policy, shapes, sz->lines, sz->n_lines, node_dem, &nlb, err) < 0) {
            prefix_error(err, "host", cand->name);
            goto out;
        }
        r->pack->lower_bound = lb > nlb ? lb : nlb;
        r->pack->proven_optimal = r->pack->hosts == r->pack->lower_bound;
        r->pack->bound = bound_kind;
    } else if (exact_inst) {
        /* no choice of pool: the packed instance is the workload's, its bound too */
        if (r->pack->lower_bound < lb) {
            r->pack->lower_bound = lb;
            r->pack->bound = bound_kind;
            r->pack->proven_optimal |= r->pack->hosts == lb;
        }
    } else {
        r->pack->lower_bound = lb;
        r->pack->bound = bound_kind;
        r->pack->proven_optimal = r->pack->hosts == lb;
    }
    r->rank = cand->price ? KC_SIZE_RANK_PRICE : KC_SIZE_RANK_HOSTS;
    r->hosts_packed = r->pack->hosts;
    r->lower_bound = r->pack->lower_bound;
    r->proven_optimal = r->pack->proven_optimal;
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
        candidate_error(r, "host count does not fit in 64 bits");
        ret = 0;
        goto out;
    }
    r->hosts = r->hosts_packed + opts->ha;
    for (size_t k = 0; k < host_nd; k++) {
        kc_resource res = host_dims[k];
        kc_u128 tot = 0, den;

        for (size_t i = 0; i < sz->n_lines; i++)
            tot += (kc_u128)host_items[i].count * host_items[i].demand[k];   /* < 2^128 / 2^8 */
        if (tot > UINT64_MAX) {
            kc_error_set(err, KC_ERR_INVALID, "host '%s': total %s demand does not fit in "
                         "64 bits", cand->name, kc_resource_name(res));
            goto out;
        }
        r->demand[res] = (uint64_t)tot;
        util_num[k] = (uint64_t)tot;
        util_cap[k] = host_capv[k];
        if (per_host == 1 && (res == KC_RES_DISK || res == KC_RES_IOPS ||
                              res == KC_RES_THROUGHPUT) && fullest.cap[res - KC_RES_DISK]) {
            /* a storage resource is as full as its fullest pool (or the storage NICs) */
            util_num[k] = fullest.load[res - KC_RES_DISK];
            util_cap[k] = fullest.cap[res - KC_RES_DISK];
        }
        den = (kc_u128)r->hosts_packed * util_cap[k];
        /* the packing is feasible, so the load is within den and the ratio at most 10000; to
         * the nearest basis point (half up): a utilization is a plain figure, not a bound, so
         * 2/3 is 66.67 %, not 66.66 % (doc/model.md 7.4) */
        r->util_bp[res] = den ? (uint32_t)(((kc_u128)util_num[k] * KC_BP_ONE + den / 2) / den)
                              : 0;
    }
    /* bottleneck: highest load / capacity, compared exactly by cross-multiplying */
    for (size_t k = 0; k < host_nd; k++) {
        kc_resource a = host_dims[k];
        bool top = util_num[k] > 0;

        for (size_t j = 0; top && j < host_nd; j++)
            if ((kc_u128)util_num[j] * util_cap[k] > (kc_u128)util_num[k] * util_cap[j])
                top = false;
        if (top)
            r->bottleneck |= 1u << a;
    }
    if (cand->price) {
        kc_u128 total = (kc_u128)cand->price * r->hosts;

        if (total > UINT64_MAX) {
            candidate_error(r, "total price does not fit in 64 bits");
            ret = 0;
            goto out;
        }
        r->price_total = (uint64_t)total;
        r->price_per_vm_cents = (uint64_t)((total * 200 + sz->total_vms) /
                                           (2 * (kc_u128)sz->total_vms));
    }
    ret = 0;
 out:
    kc_pool_inst_free(pi);
    free(host_items);
    free(node_dem);
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
    if (a->rank < KC_SIZE_RANK_INFEASIBLE && a->hosts != b->hosts)
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

/* A pool= that no candidate has is bad input (as in a fit), naming it. */
static int check_pool_names(const kc_sizing *sz, const kc_candidate *cands, size_t n_cands,
                            kc_error *err)
{
    for (size_t i = 0; i < sz->n_lines; i++) {
        const char *want = sz->lines[i].shape.pool;
        bool found = false;

        if (!want[0])
            continue;
        for (size_t c = 0; c < n_cands && !found; c++)
            for (size_t p = 0; p < cands[c].host.n_storage && !found; p++)
                found = strncmp(cands[c].host.storage[p].name, want, KC_POOL_NAME_MAX) == 0;
        if (!found)
            return kc_error_set(err, KC_ERR_INVALID, "vm '%s': no candidate host has a pool "
                                "named '%s'", sz->lines[i].name, want);
    }
    return 0;
}

int kc_size_run(const kc_workload_line *lines, size_t n_lines, const kc_candidate *cands,
                size_t n_cands, const kc_size_opts *opts, kc_sizing **out, kc_error *err)
{
    kc_sizing *sz = NULL;
    kc_shape *shapes = NULL;
    kc_shape_demand *dem = NULL;
    uint64_t *counts = NULL;
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
    counts = calloc(sz->n_lines, sizeof(*counts));
    sz->results = calloc(n_cands, sizeof(*sz->results));
    if (!shapes || !dem || !fits || !counts || !sz->results) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < sz->n_lines; i++) {
        shapes[i] = sz->lines[i].shape;
        counts[i] = sz->lines[i].count;
    }
    if (check_pool_names(sz, cands, n_cands, err) < 0)
        goto out;
    for (size_t c = 0; c < n_cands; c++) {
        kc_size_result *r = &sz->results[c];

        copy_name(r->name, cands[c].name);
        r->candidate = c;
        r->price = cands[c].price;
        sz->n_results++;
        if (size_one(sz, &cands[c], opts, shapes, counts, dem, fits, r, err) < 0)
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
    if (sz->results[0].rank == KC_SIZE_RANK_ERROR) {
        kc_error_set(err, KC_ERR_INVALID, "host '%s': %s", sz->results[0].name,
                     sz->results[0].error);
        goto out;
    }
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
    free(counts);
    free(fits);
    return ret;
}

void kc_sizing_free(kc_sizing *sizing)
{
    if (!sizing)
        return;
    for (size_t c = 0; c < sizing->n_results; c++) {
        kc_pack_free(sizing->results[c].pack);
        kc_pack_free(sizing->results[c].pool_pack);
        free(sizing->results[c].var_line);
        free(sizing->results[c].var_pool);
    }
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
