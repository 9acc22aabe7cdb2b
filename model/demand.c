/* SPDX-License-Identifier: MIT */
/* demand.c: capacity and demand vectors for packing, derived from the single-host fit rules. */
#include <string.h>

#include "demand.h"

int kc_demand_compute(const kc_host *host, const kc_policy *policy, const kc_shape *shapes,
                      size_t n_shapes, kc_host_capacity *cap, kc_shape_demand *dem,
                      kc_error *err)
{
    kc_policy spread = *policy;
    kc_fit fit;

    memset(cap, 0, sizeof(*cap));
    spread.numa = KC_NUMA_SPREAD;
    for (size_t i = 0; i < n_shapes; i++) {
        kc_shape_demand *d = &dem[i];

        memset(d, 0, sizeof(*d));
        /* Host-wide vectors (one bin per host); see the NUMA note in demand.h. */
        if (kc_fit_compute(host, &shapes[i], &spread, &fit, err) < 0)
            return -1;
        d->too_big = fit.too_big;
        d->too_big_res = fit.too_big_res;
        for (size_t r = 0; r < KC_RES_LAST; r++) {
            const kc_res_fit *rf = &fit.res[r];
            uint64_t free_r;

            if (rf->state == KC_RES_UNKNOWN) {
                cap->unknown |= 1u << r;
                continue;
            }
            if (rf->state != KC_RES_BOUNDED)
                continue;
            free_r = rf->capacity > rf->used ? rf->capacity - rf->used : 0;
            /* Capacities are the same for every shape except where the existing load is
             * estimated from the shape (cpu load): keep the smallest, the safe side. */
            if (!(cap->planned & (1u << r)) || free_r < cap->free[r]) {
                cap->capacity[r] = rf->capacity;
                cap->used[r] = rf->used;
                cap->free[r] = free_r;
            }
            cap->planned |= 1u << r;
            d->per_vm[r] = rf->per_vm;
        }
        if (policy->numa == KC_NUMA_STRICT && host->n_numa > 1 && !d->too_big) {
            /* A VM bigger than every NUMA node cannot be placed at all under strict NUMA
             * (only the physical rule is wanted here: the count alone). */
            kc_fit_summary sum;

            if (kc_fit_count(host, &shapes[i], policy, &sum, err) < 0)
                return -1;
            d->too_big = sum.too_big;
            d->too_big_res = sum.too_big_res;
        }
    }
    cap->unknown &= ~cap->planned;
    return 0;
}

kc_resource kc_demand_misfit(const kc_host_capacity *cap, const kc_shape_demand *dem)
{
    if (dem->too_big)
        return dem->too_big_res;
    for (size_t r = 0; r < KC_RES_LAST; r++)
        if ((cap->planned & (1u << r)) && dem->per_vm[r] > cap->free[r])
            return (kc_resource)r;
    return KC_RES_LAST;
}
