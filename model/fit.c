/* SPDX-License-Identifier: MIT */
/* fit.c: how many more VMs of one shape fit on one host, the plain way: the reference
 * (specification) of the rules, which the fast path (fit_fast.c) must match field for field,
 * and the helpers both share. Pure, no I/O. */
#include <string.h>

#include "fit.h"
#include "fit_impl.h"
#include "fit_reference.h"

/*
 * Every capacity here is floor(base x factor / divisor) with factors in basis points or
 * thousandths. The product is formed in 128 bits (a 64-bit base times factors below 2^40
 * cannot overflow it) and divided once, so no count depends on rounding an intermediate
 * value, and a result above 64 bits is an error rather than a wrapped number.
 */
static int scale(uint64_t base, uint64_t f1, uint64_t f2, uint64_t divisor, const char *what,
                 uint64_t *out, kc_error *err)
{
    uint64_t p1, p2;
    kc_u128 v;

    /* 128-bit division is a library call costing tens of ns: take the 64-bit path whenever
     * the product fits, which is every realistic host. Same result either way. */
    if (!__builtin_mul_overflow(base, f1, &p1) && !__builtin_mul_overflow(p1, f2, &p2)) {
        *out = p2 / divisor;
        return 0;
    }
    v = (kc_u128)base * f1 * f2 / divisor;

    if (v > UINT64_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "%s capacity does not fit in 64 bits", what);
    *out = (uint64_t)v;
    return 0;
}

static int add_u64(uint64_t *acc, uint64_t v, const char *what, kc_error *err)
{
    if (*acc > UINT64_MAX - v)
        return kc_error_set(err, KC_ERR_INVALID, "%s total does not fit in 64 bits", what);
    *acc += v;
    return 0;
}

static int mul_u64(uint64_t a, uint64_t b, const char *what, uint64_t *out, kc_error *err)
{
    kc_u128 v = (kc_u128)a * b;

    if (v > UINT64_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "%s does not fit in 64 bits", what);
    *out = (uint64_t)v;
    return 0;
}

/* ceil(total x part / whole): an existing load split over NUMA nodes in proportion, rounded
 * up so that the split never hides usage. */
static uint64_t share_up(uint64_t total, uint64_t part, uint64_t whole)
{
    uint64_t small;
    kc_u128 num;

    if (whole == 0)
        return 0;
    if (!__builtin_mul_overflow(total, part, &small))
        return small / whole + (small % whole != 0);
    num = (kc_u128)total * part;
    return (uint64_t)(num / whole + (num % whole != 0));
}

uint64_t kc_fit_overhead_mib(const kc_shape *shape, const kc_policy *policy)
{
    if (policy->overhead_mode == KC_OVERHEAD_AUTO) {
        /* After oVirt's estimate of QEMU/KVM's own memory per guest: 64 MiB fixed, plus
         * guest RAM / 512 (page tables and shadow structures), plus 8 MiB per vCPU. */
        return 64 + kc_fit_div_up(shape->mem_mib, 512) + 8 * (uint64_t)shape->vcpus;
    }
    return policy->overhead_mib;
}

/* The overhead the existing VMs carry under the same policy (aggregate estimate). */
static uint64_t existing_overhead(const kc_usage *u, const kc_policy *policy, bool *overflow)
{
    kc_u128 v;

    if (policy->overhead_mode == KC_OVERHEAD_AUTO)
        v = (kc_u128)64 * u->vms + kc_fit_div_up(u->mem_mib + u->hugepages_mib < u->mem_mib ?
                                          UINT64_MAX : u->mem_mib + u->hugepages_mib, 512) +
            (kc_u128)8 * u->vcpus;
    else
        v = (kc_u128)policy->overhead_mib * u->vms;
    if (v > UINT64_MAX) {
        *overflow = true;
        return 0;
    }
    return (uint64_t)v;
}

static void bound(kc_res_fit *r, uint64_t capacity, uint64_t used, uint64_t per_vm)
{
    r->state = KC_RES_BOUNDED;
    r->capacity = capacity;
    r->used = used;
    r->per_vm = per_vm;
    r->limit = kc_fit_sub_sat(capacity, used) / per_vm;
}

static void unbounded(kc_res_fit *r, uint64_t capacity, uint64_t used)
{
    r->state = KC_RES_UNBOUNDED;
    r->capacity = capacity;
    r->used = used;
}

void kc_fit_too_big(kc_fit *out, kc_resource res)
{
    if (!out->too_big) {
        out->too_big = true;
        out->too_big_res = res;
    }
    out->res[res].limit = 0;
}

/* Hugepage-backed guest RAM is allocated in whole pages. */
uint64_t kc_fit_round_to_page(uint64_t mem_mib, uint64_t page_kib)
{
    uint64_t page_mib = page_kib / 1024;

    uint64_t rounded;

    if (page_mib <= 1)
        return mem_mib;
    /* saturate: a VM within a page of 2^64 MiB fits nowhere (a wrapped 0 would divide by 0) */
    if (__builtin_mul_overflow(kc_fit_div_up(mem_mib, page_mib), page_mib, &rounded))
        return UINT64_MAX;
    return rounded;
}

/* One node's part of @total split over the nodes in proportion to a weight: the nodes are
 * taken in order, @before is the weight of those before it, @weight its own, @whole that
 * of all; *@up carries ceil(total x before / whole) from the node before (0 for the
 * first). The part is the difference of two rounded-up cumulative shares, so that the
 * parts are integers adding up to @total exactly (none hides usage, none invents it), at
 * one division per node. Without any weight the first node takes it all. */
static uint64_t prop_share(uint64_t total, uint64_t before, uint64_t weight, uint64_t whole,
                           uint64_t *up)
{
    uint64_t next, part;

    if (total == 0)
        return 0;    /* nothing to split (*up stays 0) */
    /* no weight at all (all weights 0): the first node takes it all, *up remembers it */
    next = whole == 0 ? total : share_up(total, before + weight, whole);
    part = next - *up;
    *up = next;
    return part;
}

/* Node @i's part of a host-wide reserve: @left (what the nodes before it did not take) over
 * the @nodes_left nodes from it on, rounded up, and no more than the node has (@room); what
 * it cannot hold goes on to the next nodes. The parts add up to the reserve whenever the
 * nodes can hold it. */
static uint64_t reserve_share(uint64_t left, uint64_t nodes_left, uint64_t room)
{
    uint64_t part = kc_fit_div_up(left, nodes_left);

    return part < room ? part : room;
}

/* Per-node capacities for --numa strict: a VM must fit inside one node. The host-wide
 * reserve and reserved CPUs are split over the nodes as integers that add up to them (the
 * first nodes take the odd unit). What the VMs of known node hold (kc_host.node_used, VMs
 * placed by kvmcap) counts on their node; the rest of the usage (existing guests, whose
 * nodes the facts do not tell) is split in proportion to each node's size, again as
 * integers adding up to it. Each node takes min(its limits) VMs, the host the sum. The
 * memory, cpu and hugepages rows show sums over the nodes: capacity, usage, and the limit
 * of that resource alone on each node (0 on a node one VM does not fit in that resource).
 * numa_limited says that the count is below the host-wide one (spread_count). With
 * @node_limits, each node's limit is written there (n_numa entries). */
static int fit_numa(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                    uint64_t used_mem, kc_fit *out, uint64_t *node_limits, kc_error *err)
{
    static const kc_resource dims[] = { KC_RES_MEMORY, KC_RES_CPU, KC_RES_HUGEPAGES };
    uint64_t n = host->n_numa;
    uint64_t mem_total = 0, total = 0, spread = UINT64_MAX, count;
    uint64_t known_mem = 0, known_cpu = 0, known_hp = 0, node_mem[KC_NUMA_MAX];
    uint64_t rest_mem, rest_cpu, rest_hp, res_left, rcpu_left;
    uint64_t before_mem = 0, before_cpu = 0, before_hp = 0, up_mem = 0, up_cpu = 0, up_hp = 0;
    kc_res_fit sum[KC_RES_LAST];
    bool any_node = false;
    bool dim_fits[KC_RES_LAST] = { false };    /* fits some node in this dimension alone */

    /* the count host-wide, before the rows become sums over the nodes */
    for (size_t r = 0; r < KC_RES_LAST; r++)
        if (out->res[r].state == KC_RES_BOUNDED && out->res[r].limit < spread)
            spread = out->res[r].limit;
    if (out->too_big)
        spread = 0;

    memset(sum, 0, sizeof(sum));
    for (size_t i = 0; i < n; i++) {
        const kc_node_usage *nu = &host->node_used[i];
        kc_usage u;
        bool overflow = false;

        mem_total += host->numa[i].mem_mib;    /* validated: cannot wrap */
        node_mem[i] = 0;
        if ((nu->vms | nu->vcpus | nu->mem_mib | nu->hugepages_mib) == 0)
            continue;    /* the common case: no VM of known node here */
        /* their memory with its overhead, as for the host's usage */
        u = (kc_usage){ .vms = nu->vms, .vcpus = nu->vcpus, .mem_mib = nu->mem_mib,
                        .hugepages_mib = nu->hugepages_mib };
        node_mem[i] = existing_overhead(&u, policy, &overflow);
        if (overflow || __builtin_add_overflow(node_mem[i], nu->mem_mib, &node_mem[i]) ||
            __builtin_add_overflow(known_mem, node_mem[i], &known_mem))
            return kc_error_set(err, KC_ERR_INVALID, "NUMA node usage does not fit in 64 bits");
        known_cpu += nu->vcpus;                 /* validated: at most the host's usage */
        known_hp += nu->hugepages_mib;
    }
    rest_mem = kc_fit_sub_sat(used_mem, known_mem);
    rest_cpu = kc_fit_sub_sat(host->used.vcpus, known_cpu);
    rest_hp = kc_fit_sub_sat(host->used.hugepages_mib, known_hp);
    res_left = policy->reserve_mib;
    rcpu_left = policy->reserve_cpus;

    for (size_t i = 0; i < n; i++) {
        const kc_numa_node *node = &host->numa[i];
        uint64_t reserve_i = reserve_share(res_left, n - i, node->mem_mib - node->hugepages_mib);
        uint64_t rcpus_i = reserve_share(rcpu_left, n - i, node->cpus);
        uint64_t base = node->mem_mib - node->hugepages_mib - reserve_i;
        uint64_t usable = node->cpus - rcpus_i;
        uint64_t cap[KC_RES_LAST] = { 0 }, used[KC_RES_LAST] = { 0 }, lim[KC_RES_LAST];
        bool fit_d[KC_RES_LAST];
        uint64_t node_limit = UINT64_MAX;
        bool fits = true;

        res_left -= reserve_i;
        rcpu_left -= rcpus_i;
        for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
            lim[dims[d]] = UINT64_MAX;    /* only these three are read */
            fit_d[dims[d]] = true;
        }
        if (out->res[KC_RES_MEMORY].state == KC_RES_BOUNDED) {
            uint64_t per_vm = out->res[KC_RES_MEMORY].per_vm;

            if (scale(base, KC_BP_ONE + (uint64_t)policy->overcommit_bp, policy->max_util_bp,
                      (uint64_t)KC_BP_ONE * KC_BP_ONE, "memory", &cap[KC_RES_MEMORY], err) < 0)
                return -1;
            used[KC_RES_MEMORY] = node_mem[i] + prop_share(rest_mem, before_mem, node->mem_mib,
                                                           mem_total, &up_mem);
            lim[KC_RES_MEMORY] = kc_fit_sub_sat(cap[KC_RES_MEMORY], used[KC_RES_MEMORY]) / per_vm;
            fit_d[KC_RES_MEMORY] = per_vm <= base;
        }
        if (scale(usable, policy->cpu_ratio_milli, policy->max_util_bp,
                  (uint64_t)KC_MILLI_ONE * KC_BP_ONE, "cpu", &cap[KC_RES_CPU], err) < 0)
            return -1;
        used[KC_RES_CPU] = host->node_used[i].vcpus +
                           prop_share(rest_cpu, before_cpu, node->cpus, host->cpus, &up_cpu);
        lim[KC_RES_CPU] = kc_fit_sub_sat(cap[KC_RES_CPU], used[KC_RES_CPU]) / shape->vcpus;
        fit_d[KC_RES_CPU] = shape->vcpus <= usable;
        if (out->res[KC_RES_HUGEPAGES].state == KC_RES_BOUNDED) {
            uint64_t per_vm = out->res[KC_RES_HUGEPAGES].per_vm;

            if (scale(node->hugepages_mib, policy->max_util_bp, 1, KC_BP_ONE, "hugepages",
                      &cap[KC_RES_HUGEPAGES], err) < 0)
                return -1;
            used[KC_RES_HUGEPAGES] = host->node_used[i].hugepages_mib +
                                     prop_share(rest_hp, before_hp, node->hugepages_mib,
                                                host->hugepages_mib, &up_hp);
            lim[KC_RES_HUGEPAGES] = kc_fit_sub_sat(cap[KC_RES_HUGEPAGES],
                                            used[KC_RES_HUGEPAGES]) / per_vm;
            fit_d[KC_RES_HUGEPAGES] = per_vm <= node->hugepages_mib;
        }
        before_mem += node->mem_mib;
        before_cpu += node->cpus;
        before_hp += node->hugepages_mib;
        for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
            kc_resource r = dims[d];

            if (lim[r] == UINT64_MAX)
                continue;
            if (!fit_d[r])
                lim[r] = 0;    /* one VM does not fit this node in this resource */
            dim_fits[r] |= fit_d[r];
            fits = fits && fit_d[r];
            if (lim[r] < node_limit)
                node_limit = lim[r];
            sum[r].capacity += cap[r];    /* each below 2^64 / 64 nodes in practice; */
            sum[r].used += used[r];       /* bounded by host-wide figures validated above */
            sum[r].limit += lim[r];
        }
        any_node = any_node || fits;
        total += node_limit;
        if (node_limits)
            node_limits[i] = node_limit;
        for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++)
            if (lim[dims[d]] == node_limit)
                out->numa_binding |= 1u << dims[d];
    }
    for (size_t d = 0; d < sizeof(dims) / sizeof(dims[0]); d++) {
        kc_res_fit *r = &out->res[dims[d]];

        if (r->state != KC_RES_BOUNDED)
            continue;
        r->capacity = sum[dims[d]].capacity;
        r->used = sum[dims[d]].used;
        r->limit = sum[dims[d]].limit;
    }
    if (!any_node) {
        /* Name a dimension that fits no node at all; if each fits some node but never the
         * same one, memory is named. */
        kc_resource r = KC_RES_MEMORY;

        if (out->res[KC_RES_HUGEPAGES].state == KC_RES_BOUNDED && !dim_fits[KC_RES_HUGEPAGES])
            r = KC_RES_HUGEPAGES;
        else if (!dim_fits[KC_RES_CPU])
            r = KC_RES_CPU;
        kc_fit_too_big(out, r);
    }
    out->numa_limit = total;
    /* the count the callers arrive at: min of the rows, of the nodes, 0 if too big */
    count = total;
    for (size_t r = 0; r < KC_RES_LAST; r++)
        if (out->res[r].state == KC_RES_BOUNDED && out->res[r].limit < count)
            count = out->res[r].limit;
    if (out->too_big)
        count = 0;
    out->spread_count = spread;
    out->numa_limited = count < spread;
    return 0;
}

int kc_fit_numa(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                uint64_t used_mem, kc_fit *out, kc_error *err)
{
    return fit_numa(host, shape, policy, used_mem, out, NULL, err);
}

int kc_fit_compute_reference(const kc_host *host, const kc_shape *shape,
                             const kc_policy *policy, kc_fit *out, kc_error *err)
{
    uint64_t util = policy->max_util_bp;
    uint64_t overhead, mem_base, usable_cpus, cap = 0, used, per_vm;
    uint64_t uplink = 0, existing_ovh;
    kc_fit_storage st;
    bool overflow = false;
    bool strict;

    memset(out, 0, sizeof(*out));
    if (kc_policy_validate(policy, err) < 0 || kc_host_validate(host, err) < 0 ||
        kc_shape_validate(shape, err) < 0)
        return -1;
    strict = policy->numa == KC_NUMA_STRICT && host->n_numa > 1;

    overhead = kc_fit_overhead_mib(shape, policy);
    out->overhead_mib = overhead;
    existing_ovh = existing_overhead(&host->used, policy, &overflow);
    if (overflow)
        return kc_error_set(err, KC_ERR_INVALID, "existing VMs' overhead does not fit in 64 bits");

    /* memory: (RAM - reserve - hugepage pool) x (100 % + overcommit) x max util. A VM on
     * hugepages still needs its QEMU overhead from normal memory. */
    mem_base = kc_fit_sub_sat(kc_fit_sub_sat(host->mem_mib, policy->reserve_mib), host->hugepages_mib);
    if (scale(mem_base, KC_BP_ONE + (uint64_t)policy->overcommit_bp, util,
              (uint64_t)KC_BP_ONE * KC_BP_ONE, "memory", &cap, err) < 0)
        return -1;
    used = host->used.mem_mib;
    if (add_u64(&used, existing_ovh, "existing memory", err) < 0)
        return -1;
    per_vm = shape->hugepages ? 0 : shape->mem_mib;
    if (add_u64(&per_vm, overhead, "VM memory", err) < 0)
        return -1;
    if (per_vm > 0) {
        bound(&out->res[KC_RES_MEMORY], cap, used, per_vm);
        if (per_vm > mem_base)
            kc_fit_too_big(out, KC_RES_MEMORY);
    } else {
        unbounded(&out->res[KC_RES_MEMORY], cap, used);
    }

    /* hugepages: the pool, never overcommitted; guest RAM rounded up to whole pages. */
    if (shape->hugepages || host->hugepages_mib > 0) {
        if (scale(host->hugepages_mib, util, 1, KC_BP_ONE, "hugepages", &cap, err) < 0)
            return -1;
        if (shape->hugepages) {
            per_vm = kc_fit_round_to_page(shape->mem_mib, host->hugepage_kib);
            bound(&out->res[KC_RES_HUGEPAGES], cap, host->used.hugepages_mib, per_vm);
            if (per_vm > host->hugepages_mib)
                kc_fit_too_big(out, KC_RES_HUGEPAGES);
        } else {
            unbounded(&out->res[KC_RES_HUGEPAGES], cap, host->used.hugepages_mib);
        }
    }

    /* cpu: (logical CPUs - reserved) x ratio x max util, time-sliced. */
    usable_cpus = kc_fit_sub_sat(host->cpus, policy->reserve_cpus);
    if (scale(usable_cpus, policy->cpu_ratio_milli, util, (uint64_t)KC_MILLI_ONE * KC_BP_ONE,
              "cpu", &cap, err) < 0)
        return -1;
    bound(&out->res[KC_RES_CPU], cap, host->used.vcpus, shape->vcpus);
    if (shape->vcpus > usable_cpus)
        kc_fit_too_big(out, KC_RES_CPU);

    /* cpu load (cpu=NN%): the busy share of each vCPU against real cores x max util. The
     * existing VMs whose load is not known are assumed to run at the shape's load. */
    if (shape->cpu_util_bp > 0) {
        uint64_t load_used = 0;    /* not `used`: the memory figure that fit_numa splits */

        cap = usable_cpus * util;                       /* < 2^32 x 2^14 */
        if (mul_u64(host->used.vcpus - host->used.load_vcpus, shape->cpu_util_bp,
                    "existing cpu load", &load_used, err) < 0 ||
            add_u64(&load_used, host->used.load_bp, "existing cpu load", err) < 0)
            return -1;
        bound(&out->res[KC_RES_CPU_LOAD], cap, load_used,
              (uint64_t)shape->vcpus * shape->cpu_util_bp);
    }

    /* network: the uplink (sum of the known speeds of the VM NICs: mgmt and storage ports
     * carry no VM traffic, README "Model") x mode efficiency x max util. */
    for (size_t i = 0; i < host->n_nics; i++)
        if (host->nics[i].role == KC_NIC_VM &&
            add_u64(&uplink, host->nics[i].speed_kbps, "uplink", err) < 0)
            return -1;
    if (uplink > 0 || shape->net_kbps > 0) {
        uint64_t eff = policy->net_mode == KC_NET_NAT ? policy->nat_efficiency_bp : KC_BP_ONE;

        if (scale(uplink, eff, util, (uint64_t)KC_BP_ONE * KC_BP_ONE, "network", &cap, err) < 0)
            return -1;
        if (shape->net_kbps == 0)
            unbounded(&out->res[KC_RES_NETWORK], cap, host->used.net_kbps);
        else if (uplink == 0)
            out->res[KC_RES_NETWORK].state = KC_RES_UNKNOWN;
        else
            bound(&out->res[KC_RES_NETWORK], cap, host->used.net_kbps, shape->net_kbps);
    }

    /* disk space, iops and throughput: per pool (pool.c), the rows sums over the pools
     * the shape's disk may live on */
    if (kc_fit_storage_compute(host, shape, policy, &st, NULL, err) < 0)
        return -1;
    memcpy(&out->res[KC_RES_DISK], st.rows, sizeof(st.rows));
    if (st.too_big)
        kc_fit_too_big(out, KC_RES_DISK);
    out->pool_limit = st.pool_limit;
    out->pool_binding = st.pool_binding;

    if (strict && kc_fit_numa(host, shape, policy, used, out, err) < 0)
        return -1;

    /* count = min of the bounded limits; the bottleneck is every resource at the min. */
    out->count = UINT64_MAX;
    for (size_t r = 0; r < KC_RES_LAST; r++)
        if (out->res[r].state == KC_RES_BOUNDED && out->res[r].limit < out->count)
            out->count = out->res[r].limit;
    if (out->too_big)
        out->count = 0;
    if (strict && out->numa_limit < out->count)
        out->count = out->numa_limit;    /* numa_limited: set by kc_fit_numa */
    if (st.asks && st.pool_limit < out->count) {
        out->count = st.pool_limit;
        out->pool_limited = true;
    }
    for (size_t r = 0; r < KC_RES_LAST; r++)
        if (out->res[r].state == KC_RES_BOUNDED && out->res[r].limit == out->count)
            out->bottleneck |= 1u << r;
    if (out->numa_limited)
        out->bottleneck |= out->numa_binding;
    if (out->pool_limited)
        out->bottleneck |= out->pool_binding;
    return 0;
}

int kc_fit_node_limits(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                       uint64_t *limits, kc_error *err)
{
    kc_fit fit;
    bool overflow = false;
    uint64_t used;

    if (kc_fit_compute_reference(host, shape, policy, &fit, err) < 0)
        return -1;
    if (policy->numa != KC_NUMA_STRICT || host->n_numa <= 1) {
        limits[0] = fit.count;
        return 0;
    }
    /* the host's memory usage as the fit took it (it did not overflow there) */
    used = host->used.mem_mib + existing_overhead(&host->used, policy, &overflow);
    return fit_numa(host, shape, policy, used, &fit, limits, err);
}

int kc_fit_check_policy(const kc_host *host, const kc_policy *policy, kc_error *err)
{
    uint64_t normal = kc_fit_sub_sat(host->mem_mib, host->hugepages_mib);

    if (policy->reserve_cpus >= host->cpus)
        return kc_error_set(err, KC_ERR_INVALID, "the reserved CPUs (%u) leave none of the "
                            "host's %u CPUs for VMs", policy->reserve_cpus, host->cpus);
    if (host->hugepages_mib > 0 && normal <= policy->reserve_mib)
        return kc_error_set(err, KC_ERR_INVALID, "the hugepage pool (%llu MiB) and the reserve "
                            "(%llu MiB) take all of the host's %llu MiB of memory",
                            (unsigned long long)host->hugepages_mib,
                            (unsigned long long)policy->reserve_mib,
                            (unsigned long long)host->mem_mib);
    if (normal <= policy->reserve_mib)
        return kc_error_set(err, KC_ERR_INVALID, "the reserve (%llu MiB) takes all of the "
                            "host's %llu MiB of memory", (unsigned long long)policy->reserve_mib,
                            (unsigned long long)host->mem_mib);
    return 0;
}

const char *kc_resource_name(kc_resource r)
{
    static const char *const names[] = {
        "memory", "hugepages", "cpu", "cpu_load", "network", "disk", "iops", "throughput",
    };
    _Static_assert(sizeof(names) / sizeof(names[0]) == KC_RES_LAST, "one name per kc_resource");

    return (unsigned)r < KC_RES_LAST ? names[r] : "unknown";
}

const char *kc_resource_unit(kc_resource r)
{
    static const char *const units[] = {
        "MiB", "MiB", "vCPU", "core/10000", "kbit/s", "MiB", "IOPS", "MB/s",
    };
    _Static_assert(sizeof(units) / sizeof(units[0]) == KC_RES_LAST, "one unit per kc_resource");

    return (unsigned)r < KC_RES_LAST ? units[r] : "";
}
