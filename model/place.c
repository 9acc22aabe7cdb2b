/* SPDX-License-Identifier: MIT */
/* place.c: placing counted shapes across a fleet of different hosts' free capacity (pure). */
#include <stdlib.h>
#include <string.h>

#include "fit_impl.h"
#include "place.h"

/* @a x @b + @c into *out; false when it leaves 64 bits. */
static bool mul_add(uint64_t a, uint64_t b, uint64_t c, uint64_t *out)
{
    kc_u128 v = (kc_u128)a * b + c;

    if (v > UINT64_MAX)
        return false;
    *out = (uint64_t)v;
    return true;
}

int kc_place_add(kc_host *host, const kc_shape *shape, const kc_policy *policy, uint64_t n,
                 kc_error *err)
{
    const kc_usage *u = &host->used;
    kc_usage next;
    /* hugepage RAM is held in whole pages: the fit's per-VM figure, not the raw size */
    uint64_t hp = shape->hugepages ? kc_fit_round_to_page(shape->mem_mib, host->hugepage_kib) : 0;
    uint64_t mem = shape->hugepages ? 0 : shape->mem_mib;
    uint64_t load_vcpus = shape->cpu_util_bp ? shape->vcpus : 0, load_bp;
    uint64_t limits[KC_NUMA_MAX], left = n;

    if (n == 0)
        return 0;
    if (!mul_add(shape->vcpus, shape->cpu_util_bp, 0, &load_bp) ||
        !mul_add(n, 1, u->vms, &next.vms) || !mul_add(shape->vcpus, n, u->vcpus, &next.vcpus) ||
        !mul_add(mem, n, u->mem_mib, &next.mem_mib) ||
        !mul_add(hp, n, u->hugepages_mib, &next.hugepages_mib) ||
        !mul_add(shape->disk_mib, n, u->disk_mib, &next.disk_mib) ||
        !mul_add(shape->net_kbps, n, u->net_kbps, &next.net_kbps) ||
        !mul_add(shape->iops, n, u->iops, &next.iops) ||
        !mul_add(shape->mbps, n, u->mbps, &next.mbps) ||
        !mul_add(load_vcpus, n, u->load_vcpus, &next.load_vcpus) ||
        !mul_add(load_bp, n, u->load_bp, &next.load_bp))
        return kc_error_set(err, KC_ERR_INVALID, "placed VMs do not fit in 64 bits");
    if (policy->numa == KC_NUMA_STRICT && host->n_numa > 1) {
        /* each VM whole on one node: the nodes in order, each as many as fit there (the
         * nodes' limits do not move each other: a VM placed on a node is usage taken off
         * the host's usage of unknown node). What no node takes stays of unknown node. */
        if (kc_fit_node_limits(host, shape, policy, limits, err) < 0)
            return -1;
        for (size_t i = 0; i < host->n_numa && left; i++) {
            kc_node_usage *nu = &host->node_used[i];
            uint64_t k = limits[i] < left ? limits[i] : left;

            /* a node's part is below the host's total, which did not overflow */
            nu->vms += k;
            nu->vcpus += k * shape->vcpus;
            nu->mem_mib += k * mem;
            nu->hugepages_mib += k * hp;
            left -= k;
        }
    }
    host->used = next;
    return 0;
}

/* Largest first: memory, then vCPUs, then the order given (a stable, total order). */
static bool before(const kc_shape *shapes, size_t a, size_t b)
{
    if (shapes[a].mem_mib != shapes[b].mem_mib)
        return shapes[a].mem_mib > shapes[b].mem_mib;
    if (shapes[a].vcpus != shapes[b].vcpus)
        return shapes[a].vcpus > shapes[b].vcpus;
    return a < b;
}

void kc_place_free(kc_place *place)
{
    if (!place)
        return;
    free(place->shapes);
    free(place->counts);
    free(place->hosts);
    free(place);
}

int kc_place_solve(const kc_host *hosts, size_t n_hosts, const kc_shape *shapes,
                   const uint64_t *counts, size_t n_shapes, const kc_policy *policy,
                   kc_place **out, kc_error *err)
{
    kc_place *p = calloc(1, sizeof(*p));
    kc_host *work;
    size_t *order = NULL;
    int ret = -1;

    *out = NULL;
    if (!p || (n_hosts && n_shapes > (SIZE_MAX - 1) / n_hosts)) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    p->n_shapes = n_shapes;
    p->n_hosts = n_hosts;
    p->complete = true;
    p->shapes = calloc(n_shapes ? n_shapes : 1, sizeof(*p->shapes));
    p->counts = calloc(n_shapes * n_hosts + 1, sizeof(*p->counts));
    p->hosts = work = calloc(n_hosts ? n_hosts : 1, sizeof(*work));
    order = calloc(n_shapes ? n_shapes : 1, sizeof(*order));
    if (!p->shapes || !p->counts || !work || !order) {
        kc_error_set(err, KC_ERR_INTERNAL, "out of memory");
        goto out;
    }
    if (n_hosts)
        memcpy(work, hosts, n_hosts * sizeof(*work));
    /* insertion sort: few shapes, and it keeps the order total and deterministic */
    for (size_t i = 0; i < n_shapes; i++) {
        size_t j = i;

        order[i] = i;
        while (j > 0 && before(shapes, order[j], order[j - 1])) {
            size_t t = order[j];

            order[j] = order[j - 1];
            order[j - 1] = t;
            j--;
        }
    }
    for (size_t k = 0; k < n_shapes; k++) {
        size_t s = order[k];
        kc_place_shape *ps = &p->shapes[s];
        uint64_t left = counts[s];

        ps->requested = counts[s];
        for (size_t h = 0; h < n_hosts && left; h++) {
            kc_fit fit;
            uint64_t n;

            if (kc_fit_compute(&work[h], &shapes[s], policy, &fit, err) < 0)
                goto out;
            n = fit.count < left ? fit.count : left;
            if (kc_place_add(&work[h], &shapes[s], policy, n, err) < 0)
                goto out;
            p->counts[s * n_hosts + h] = n;
            left -= n;
        }
        ps->placed = counts[s] - left;
        ps->unplaced = left;
        if (!left)
            continue;
        p->complete = false;
        /* why the rest fits nowhere: every host as the placement left it */
        for (size_t h = 0; h < n_hosts; h++) {
            kc_fit fit;

            if (kc_fit_compute(&work[h], &shapes[s], policy, &fit, err) < 0)
                goto out;
            if (fit.too_big) {
                ps->hosts_too_big++;
                ps->too_big |= 1u << fit.too_big_res;
            } else {
                ps->full |= fit.bottleneck;
            }
        }
    }
    ret = 0;
    *out = p;
    p = NULL;
 out:
    kc_place_free(p);
    free(order);
    return ret;
}
