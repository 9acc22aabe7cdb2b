/* SPDX-License-Identifier: MIT */
/* place.c: placing counted shapes across a fleet of different hosts' free capacity (pure). */
#include <stdlib.h>
#include <string.h>

#include "place.h"

/* Resources the host's usage record has no field for: placed demand is tracked here. */
static bool shared_res(int r)
{
    return r == KC_RES_NETWORK || r == KC_RES_IOPS || r == KC_RES_THROUGHPUT;
}

/* How many more of @s fit on @h with @extra[r] of the shared resources already placed.
 * *why gets the resources at that count; *fit the core's answer. */
static int limit_on(const kc_host *h, const uint64_t *extra, const kc_shape *s,
                    const kc_policy *policy, uint64_t *n, uint32_t *why, kc_fit *fit,
                    kc_error *err)
{
    uint64_t lim[KC_RES_LAST];

    if (kc_fit_compute(h, s, policy, fit, err) < 0)
        return -1;
    *n = fit->count;
    for (int r = 0; r < KC_RES_LAST; r++) {
        const kc_res_fit *rf = &fit->res[r];

        lim[r] = UINT64_MAX;
        if (rf->state != KC_RES_BOUNDED || !shared_res(r))
            continue;
        lim[r] = (rf->capacity > extra[r] ? rf->capacity - extra[r] : 0) / rf->per_vm;
        if (lim[r] < *n)
            *n = lim[r];
    }
    *why = *n == fit->count ? fit->bottleneck : 0;
    for (int r = 0; r < KC_RES_LAST; r++)
        if (lim[r] == *n)
            *why |= 1u << r;
    return 0;
}

/* Add @n VMs of @s to @h's usage and @extra; -1 if a total leaves 64 bits. */
static int add_usage(kc_host *h, uint64_t *extra, const kc_shape *s, const kc_fit *fit,
                     uint64_t n, kc_error *err)
{
    kc_usage *u = &h->used;
    kc_u128 mem = (kc_u128)(s->hugepages ? 0 : s->mem_mib) * n + u->mem_mib;
    /* hugepage RAM is held in whole pages: the fit's per-VM figure, not the raw size */
    kc_u128 hp = (kc_u128)(s->hugepages && fit->res[KC_RES_HUGEPAGES].state == KC_RES_BOUNDED ?
                           fit->res[KC_RES_HUGEPAGES].per_vm : 0) * n + u->hugepages_mib;
    kc_u128 vcpus = (kc_u128)s->vcpus * n + u->vcpus;
    kc_u128 disk = (kc_u128)s->disk_mib * n + u->disk_mib;
    kc_u128 vms = (kc_u128)n + u->vms;
    kc_u128 sh[KC_RES_LAST];

    for (int r = 0; r < KC_RES_LAST; r++) {
        sh[r] = extra[r];
        if (shared_res(r) && fit->res[r].state == KC_RES_BOUNDED)
            sh[r] += (kc_u128)fit->res[r].per_vm * n;
        if (sh[r] > UINT64_MAX)
            return kc_error_set(err, KC_ERR_INVALID, "placed %s does not fit in 64 bits",
                                kc_resource_name((kc_resource)r));
    }
    if (mem > UINT64_MAX || hp > UINT64_MAX || vcpus > UINT64_MAX || disk > UINT64_MAX ||
        vms > UINT64_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "placed VMs do not fit in 64 bits");
    u->mem_mib = (uint64_t)mem;
    u->hugepages_mib = (uint64_t)hp;
    u->vcpus = (uint64_t)vcpus;
    u->disk_mib = (uint64_t)disk;
    u->vms = (uint64_t)vms;
    for (int r = 0; r < KC_RES_LAST; r++)
        extra[r] = (uint64_t)sh[r];
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
    free(place);
}

int kc_place_solve(const kc_host *hosts, size_t n_hosts, const kc_shape *shapes,
                   const uint64_t *counts, size_t n_shapes, const kc_policy *policy,
                   kc_place **out, kc_error *err)
{
    kc_place *p = calloc(1, sizeof(*p));
    kc_host *work = NULL;
    uint64_t (*extra)[KC_RES_LAST] = NULL;
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
    work = calloc(n_hosts ? n_hosts : 1, sizeof(*work));
    extra = calloc(n_hosts ? n_hosts : 1, sizeof(*extra));
    order = calloc(n_shapes ? n_shapes : 1, sizeof(*order));
    if (!p->shapes || !p->counts || !work || !extra || !order) {
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
            uint64_t n;
            uint32_t why;
            kc_fit fit;

            if (limit_on(&work[h], extra[h], &shapes[s], policy, &n, &why, &fit, err) < 0)
                goto out;
            if (n > left)
                n = left;
            if (n && add_usage(&work[h], extra[h], &shapes[s], &fit, n, err) < 0)
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
            uint64_t n;
            uint32_t why;
            kc_fit fit;

            if (limit_on(&work[h], extra[h], &shapes[s], policy, &n, &why, &fit, err) < 0)
                goto out;
            if (fit.too_big) {
                ps->hosts_too_big++;
                ps->too_big |= 1u << fit.too_big_res;
            } else {
                ps->full |= why;
            }
        }
    }
    ret = 0;
    *out = p;
    p = NULL;
 out:
    kc_place_free(p);
    free(work);
    free(extra);
    free(order);
    return ret;
}
