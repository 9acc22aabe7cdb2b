/* SPDX-License-Identifier: MIT */
/* plan.c: the demand model on the core's fit: the recorded VMs at their observed demand, a
 * new VM at its expected demand (see plan.h for the rules). */
#include <string.h>

#include "demand/plan.h"

#define NONE KC_STATS_NONE

static uint64_t or0(uint64_t v)
{
    return v == NONE ? 0 : v;
}

static uint64_t div_up(kc_u128 a, uint64_t b)
{
    kc_u128 q = b ? (a + b - 1) / b : 0;

    return q > UINT64_MAX / 4 ? UINT64_MAX / 4 : (uint64_t)q;
}

const char *kc_plan_source_name(kc_plan_source s)
{
    static const char *const names[KC_PLAN_SOURCE_LAST] = { "given", "like", "typical" };

    return s < KC_PLAN_SOURCE_LAST ? names[s] : "?";
}

int kc_demand_plan_init(const kc_demand_host *h, const kc_host *host, const kc_policy *policy,
                        kc_demand_plan *p, kc_error *err)
{
    const kc_stats_summary *m = h->m;
    kc_usage *u;

    memset(p, 0, sizeof(*p));
    if (!h->alloc_vcpus || !h->alloc_mem_mib || m[KC_METRIC_RSS].count == 0)
        return kc_error_set(err, KC_ERR_INVALID, "no VM ran with figures in the recorded window "
                            "of '%s': nothing to learn demand from", h->hostname);
    p->dhost = *host;
    u = &p->dhost.used;
    u->mem_mib = div_up(m[KC_METRIC_RSS].max, 1024);
    u->load_vcpus = u->vcpus;
    u->load_bp = or0(m[KC_METRIC_CPU_DEMAND].pct);
    u->net_kbps = or0(m[KC_METRIC_NET].pct);
    u->iops = div_up(or0(m[KC_METRIC_IOPS].pct), 1000);
    u->mbps = div_up(or0(m[KC_METRIC_DISK].pct), 1000);
    p->dpolicy = *policy;
    p->dpolicy.overcommit_bp = 0;           /* use against physical memory */
    p->dpolicy.overhead_mode = KC_OVERHEAD_FIXED;
    p->dpolicy.overhead_mib = 0;            /* RSS holds QEMU's own memory already */
    p->cpu_bp_per_vcpu = or0(m[KC_METRIC_CPU_DEMAND].pct) / h->alloc_vcpus;
    p->rss_bp_of_mem = div_up((kc_u128)m[KC_METRIC_RSS].max * KC_BP_ONE,
                              h->alloc_mem_mib * 1024);
    p->rss_kib = m[KC_METRIC_RSS].max;
    p->alloc_kib = h->alloc_mem_mib * 1024;
    p->net_kbps_per_vcpu = or0(m[KC_METRIC_NET].pct) / h->alloc_vcpus;
    p->iops_milli_per_vcpu = or0(m[KC_METRIC_IOPS].pct) / h->alloc_vcpus;
    p->disk_kbs_per_vcpu = or0(m[KC_METRIC_DISK].pct) / h->alloc_vcpus;
    return 0;
}

static const kc_demand_vm *find_vm(const kc_demand_host *h, const char *name)
{
    for (size_t i = 0; i < h->n_vms; i++)
        if (strcmp(h->vms[i].st.name, name) == 0)
            return &h->vms[i];
    return NULL;
}

/* The demand model's count: every bounded resource but the vCPU ratio. */
static void demand_count(kc_fit *f)
{
    uint64_t count = UINT64_MAX;
    uint32_t bn = 0;

    for (int r = 0; r < KC_RES_LAST; r++) {
        if (r == KC_RES_CPU || f->res[r].state != KC_RES_BOUNDED)
            continue;
        if (f->res[r].limit < count) {
            count = f->res[r].limit;
            bn = 1u << r;
        } else if (f->res[r].limit == count) {
            bn |= 1u << r;
        }
    }
    if (f->numa_limited && f->numa_limit < count)
        count = f->numa_limit;
    if (f->too_big) {
        count = 0;
        bn = 1u << f->too_big_res;
    }
    f->count = count == UINT64_MAX ? 0 : count;
    f->bottleneck = bn;
}

int kc_demand_plan_shape(const kc_demand_plan *p, const kc_demand_host *h, const kc_host *host,
                         const kc_policy *policy, const kc_shape *shape, const char *like,
                         kc_demand_plan_row *row, kc_error *err)
{
    kc_shape *d = &row->dshape;
    uint64_t cpu_per_vcpu = p->cpu_bp_per_vcpu, rss_kib = p->rss_kib, alloc_kib = p->alloc_kib;
    uint64_t net = p->net_kbps_per_vcpu, iops = p->iops_milli_per_vcpu;
    uint64_t disk = p->disk_kbs_per_vcpu;

    memset(row, 0, sizeof(*row));
    if (kc_fit_compute(host, shape, policy, &row->alloc, err) < 0)
        return -1;
    row->cpu_source = row->mem_source = KC_PLAN_TYPICAL;
    if (like) {
        const kc_demand_vm *v = find_vm(h, like);

        if (!v)
            return kc_error_set(err, KC_ERR_INVALID, "like=%s: no such VM in the recording",
                                like);
        if (v->off || !v->st.vcpus || !v->st.mem_mib || v->st.m[KC_METRIC_RSS].count == 0)
            return kc_error_set(err, KC_ERR_INVALID, "like=%s: the VM did not run with figures "
                                "in the window", like);
        cpu_per_vcpu = or0(v->st.m[KC_METRIC_CPU_DEMAND].pct) / v->st.vcpus;
        rss_kib = v->st.m[KC_METRIC_RSS].max;
        alloc_kib = v->st.mem_mib * 1024;
        net = or0(v->st.m[KC_METRIC_NET].pct) / v->st.vcpus;
        iops = or0(v->st.m[KC_METRIC_IOPS].pct) / v->st.vcpus;
        disk = or0(v->st.m[KC_METRIC_DISK].pct) / v->st.vcpus;
        row->cpu_source = row->mem_source = KC_PLAN_LIKE;
    }
    *d = *shape;
    if (shape->cpu_util_bp) {
        row->cpu_source = KC_PLAN_GIVEN;
    } else {
        uint64_t c = cpu_per_vcpu < 1 ? 1 : cpu_per_vcpu > KC_BP_ONE ? KC_BP_ONE : cpu_per_vcpu;

        d->cpu_util_bp = (uint32_t)c;
    }
    /* the shape's memory x resident / given, rounded up once */
    d->mem_mib = div_up((kc_u128)shape->mem_mib * rss_kib, alloc_kib);
    if (d->mem_mib == 0)
        d->mem_mib = 1;
    if (!shape->net_kbps)
        d->net_kbps = net * shape->vcpus;
    if (!shape->iops)
        d->iops = div_up((kc_u128)iops * shape->vcpus, 1000);
    if (!shape->mbps)
        d->mbps = div_up((kc_u128)disk * shape->vcpus, 1000);
    if (kc_fit_compute(&p->dhost, d, &p->dpolicy, &row->demand, err) < 0)
        return -1;
    demand_count(&row->demand);
    row->count = row->alloc.count < row->demand.count ? row->alloc.count : row->demand.count;
    row->by_alloc = row->alloc.count == row->count;
    row->by_demand = row->demand.count == row->count;
    return 0;
}
