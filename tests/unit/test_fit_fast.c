/* SPDX-License-Identifier: MIT */
/* test_fit_fast.c: kc_fit_compute's fast path and kc_fit_count give the reference's answer,
 * field for field. */
#include <criterion/criterion.h>
#include <string.h>

#include "fit.h"
#include "fit_reference.h"
#include "pool.h"
#include "helpers.h"

/* Every field of two results (not memcmp: the fast path leaves padding as it finds it). */
static void expect_same_fit(const kc_fit *a, const kc_fit *b, int i)
{
    cr_expect_eq(a->count, b->count, "case %d: count %llu vs %llu", i,
                 (unsigned long long)a->count, (unsigned long long)b->count);
    cr_expect_eq(a->bottleneck, b->bottleneck, "case %d: bottleneck", i);
    cr_expect_eq(a->too_big, b->too_big, "case %d: too_big", i);
    if (a->too_big && b->too_big)
        cr_expect_eq(a->too_big_res, b->too_big_res, "case %d: too_big_res", i);
    cr_expect_eq(a->overhead_mib, b->overhead_mib, "case %d: overhead", i);
    cr_expect_eq(a->numa_limited, b->numa_limited, "case %d: numa_limited", i);
    cr_expect_eq(a->numa_limit, b->numa_limit, "case %d: numa_limit", i);
    cr_expect_eq(a->numa_binding, b->numa_binding, "case %d: numa_binding", i);
    cr_expect_eq(a->pool_limited, b->pool_limited, "case %d: pool_limited", i);
    cr_expect_eq(a->pool_limit, b->pool_limit, "case %d: pool_limit", i);
    cr_expect_eq(a->pool_binding, b->pool_binding, "case %d: pool_binding", i);
    for (int r = 0; r < KC_RES_LAST; r++) {
        const kc_res_fit *x = &a->res[r], *y = &b->res[r];

        cr_expect_eq(x->state, y->state, "case %d: %s state", i, kc_resource_name((kc_resource)r));
        cr_expect_eq(x->capacity, y->capacity, "case %d: %s capacity", i, kc_resource_name((kc_resource)r));
        cr_expect_eq(x->used, y->used, "case %d: %s used", i, kc_resource_name((kc_resource)r));
        cr_expect_eq(x->per_vm, y->per_vm, "case %d: %s per_vm", i, kc_resource_name((kc_resource)r));
        cr_expect_eq(x->limit, y->limit, "case %d: %s limit", i, kc_resource_name((kc_resource)r));
    }
}

/* One value in edge_every is an edge (near 2^64 or 2^32, random bits of any width, 0), the
 * rest come from [lo, hi]: reaches the 32-bit and 64-bit limits where the fast path divides
 * differently or falls back to the reference. Varied per case, so that many cases are
 * entirely ordinary (the fast path proper) and many have several edges. */
static uint64_t edge_every = 64;
static bool ordinary;    /* random_case: no edges at all */

static uint64_t pick(uint64_t *s, uint64_t lo, uint64_t hi)
{
    uint64_t r = kc_test_rand(s) % edge_every;

    if (r == 0)
        return UINT64_MAX - kc_test_rand(s) % 3;
    if (r == 1)
        return kc_test_rand(s) >> (kc_test_rand(s) % 64);
    if (r == 2)
        return (1ull << 32) - 1 + kc_test_rand(s) % 3;
    if (r == 3)
        return 0;
    return kc_test_range(s, lo, hi);
}

static void random_case(uint64_t *s, kc_host *h, kc_shape *v, kc_policy *p)
{
    size_t numa = (size_t)(kc_test_rand(s) % 5);    /* 0 (unknown) .. 4 nodes */

    edge_every = ordinary ? UINT64_MAX : kc_test_rand(s) % 2 ? 16 : 1024;

    *h = kc_test_host((uint32_t)pick(s, 1, 512), pick(s, 1, 1ull << 22));
    if (kc_test_rand(s) % 3 == 0) {
        h->hugepage_kib = kc_test_rand(s) % 2 ? 2048 : 1048576;
        h->hugepages_mib = kc_test_range(s, 0, h->mem_mib) / 1024 * 1024;
    }
    if (numa > 0 && h->cpus >= numa && h->mem_mib >= numa) {
        h->n_numa = numa;
        for (size_t n = 0; n < numa; n++)
            h->numa[n] = (kc_numa_node){
                .cpus = h->cpus / (uint32_t)numa + (n == 0 ? h->cpus % (uint32_t)numa : 0),
                .mem_mib = h->mem_mib / numa,
                .hugepages_mib = h->hugepages_mib / numa +
                                 (n == 0 ? h->hugepages_mib % numa : 0) };
        if (kc_test_rand(s) % 8 == 0)
            h->numa[0].cpus++;                          /* do not add up: invalid */
    }
    h->n_nics = (size_t)(kc_test_rand(s) % 4);
    for (size_t i = 0; i < h->n_nics; i++) {
        h->nics[i].speed_kbps = kc_test_rand(s) % 4 ? pick(s, 0, 100000000) : 0;
        /* every role (mostly vm), now and then one out of range, which both paths reject */
        h->nics[i].role = kc_test_rand(s) % 64 == 0 ? KC_NIC_LAST
                                                    : (kc_nic_role)(kc_test_rand(s) % 5 < 3
                                                                        ? KC_NIC_VM
                                                                        : kc_test_rand(s) % 3);
    }
    h->n_storage = (size_t)(kc_test_rand(s) % 4);
    for (size_t i = 0; i < h->n_storage; i++)
        h->storage[i] = (kc_storage){
            .kind = kc_test_rand(s) % 2 ? KC_STORAGE_NETWORK : KC_STORAGE_LOCAL,
            .count = (uint32_t)pick(s, 0, 24), .size_mib = pick(s, 0, 1ull << 24),
            .iops = pick(s, 0, 1000000), .mbps = pick(s, 0, 10000),
            .link_iops = pick(s, 0, 500000), .link_mbps = pick(s, 0, 5000) };
    /* pools (pool.c): RAID levels (now and then too few devices), boot, names, write
     * figures, per-pool use, over-IP arrays under storage NICs */
    for (size_t i = 0; i < h->n_storage; i++) {
        kc_storage *g = &h->storage[i];
        static const char *const names[] = { "", "a", "b" };

        if (kc_test_rand(s) % 4 == 0)
            g->raid = (kc_raid)(kc_test_rand(s) % KC_RAID_LAST);
        g->boot = kc_test_rand(s) % 4 == 0;
        strcpy(g->name, names[kc_test_rand(s) % 3]);
        if (kc_test_rand(s) % 2)
            g->write_iops = pick(s, 0, 1000000);
        if (kc_test_rand(s) % 2)
            g->write_mbps = pick(s, 0, 10000);
        if (kc_test_rand(s) % 3 == 0) {
            g->used_mib = pick(s, 0, 1ull << 22);
            g->used_iops = pick(s, 0, 100000);
            g->used_mbps = pick(s, 0, 2000);
        }
        g->over_ip = g->kind == KC_STORAGE_NETWORK && kc_test_rand(s) % 2;
    }
    h->used = (kc_usage){ .vms = pick(s, 0, 64), .vcpus = pick(s, 0, 1024),
                          .mem_mib = pick(s, 0, 1ull << 20),
                          .hugepages_mib = pick(s, 0, 1ull << 16),
                          .disk_mib = pick(s, 0, 1ull << 24) };
    if (kc_test_rand(s) % 2) {
        h->used.iops = pick(s, 0, 200000);
        h->used.mbps = pick(s, 0, 4000);
    }
    /* VMs of known node (placed under --numa strict): now and then more than the host's
     * usage, which both paths must reject */
    for (size_t n = 0; n < h->n_numa && kc_test_rand(s) % 3 == 0; n++)
        h->node_used[n] = (kc_node_usage){
            .vms = h->used.vms / 2, .vcpus = pick(s, 0, h->used.vcpus / 2 + 1),
            .mem_mib = pick(s, 0, h->used.mem_mib / 2 + 1),
            .hugepages_mib = h->used.hugepages_mib / 4 };
    *v = (kc_shape){ .vcpus = (uint32_t)pick(s, 1, 64), .mem_mib = pick(s, 1, 1ull << 18),
                     .hugepages = kc_test_rand(s) % 4 == 0 };
    if (kc_test_rand(s) % 2)
        v->disk_mib = pick(s, 0, 1ull << 20);
    if (kc_test_rand(s) % 2)
        v->iops = pick(s, 0, 5000);
    if (kc_test_rand(s) % 2)
        v->mbps = pick(s, 0, 500);
    if (kc_test_rand(s) % 2)
        v->net_kbps = pick(s, 0, 10000000);
    if (kc_test_rand(s) % 2)
        v->cpu_util_bp = (uint32_t)pick(s, 0, 10000);
    if (kc_test_rand(s) % 2)
        v->write_bp = (uint32_t)pick(s, 0, 10000);
    if (kc_test_rand(s) % 4 == 0)
        strcpy(v->pool, kc_test_rand(s) % 2 ? "a" : "b");
    *p = kc_test_policy();
    p->overcommit_bp = (uint32_t)pick(s, 0, 100000);
    p->disk_overcommit_bp = (uint32_t)pick(s, 0, 30000);
    p->reserve_mib = pick(s, 0, 8192);
    p->reserve_cpus = (uint32_t)pick(s, 0, 8);
    p->cpu_ratio_milli = (uint32_t)pick(s, 1, 64000);
    p->max_util_bp = (uint32_t)pick(s, 1, 10000);
    p->overhead_mode = kc_test_rand(s) % 2 ? KC_OVERHEAD_AUTO : KC_OVERHEAD_FIXED;
    p->overhead_mib = pick(s, 0, 256);
    p->numa = kc_test_rand(s) % 2 ? KC_NUMA_STRICT : KC_NUMA_SPREAD;
    p->net_mode = kc_test_rand(s) % 2 ? KC_NET_NAT : KC_NET_BRIDGE;
    p->nat_efficiency_bp = (uint32_t)pick(s, 1, 10000);
}

Test(fit_fast, matches_the_reference_on_every_field_errors_included)
{
    uint64_t seed = 0x66617374ull;
    unsigned ok = 0, errors = 0;

    for (int i = 0; i < 300000; i++) {
        kc_host host;
        kc_shape vm;
        kc_policy policy;
        kc_error e1 = { 0 }, e2 = { 0 };
        kc_fit f1, f2;
        int r1, r2;

        random_case(&seed, &host, &vm, &policy);
        r1 = kc_fit_compute(&host, &vm, &policy, &f1, &e1);
        r2 = kc_fit_compute_reference(&host, &vm, &policy, &f2, &e2);
        cr_assert_eq(r1, r2, "case %d: status %d vs %d (%s | %s)", i, r1, r2, e1.msg, e2.msg);
        if (r1 < 0) {
            cr_expect_eq(e1.code, e2.code, "case %d: error code", i);
            cr_expect_str_eq(e1.msg, e2.msg, "case %d: error message", i);
            errors++;
            continue;
        }
        expect_same_fit(&f1, &f2, i);
        ok++;
    }
    /* both outcomes must be well represented, or the test proves little */
    cr_expect_gt(ok, 50000u, "only %u valid cases", ok);
    cr_expect_gt(errors, 1000u, "only %u error cases", errors);
    cr_log_info("fit fast path: %u answers and %u errors identical to the reference", ok,
                errors);
}

/* A summary against the reference's full fit (status, error and every summary field). */
static void expect_same_count(int r1, const kc_fit_summary *c, const kc_error *e1, int r2,
                              const kc_fit *ref, const kc_error *e2, int i)
{
    cr_assert_eq(r1, r2, "case %d: status %d vs %d (%s | %s)", i, r1, r2, e1->msg, e2->msg);
    if (r1 < 0) {
        cr_expect_eq(e1->code, e2->code, "case %d: error code", i);
        cr_expect_str_eq(e1->msg, e2->msg, "case %d: error message", i);
        return;
    }
    cr_expect_eq(c->count, ref->count, "case %d: count %llu vs %llu", i,
                 (unsigned long long)c->count, (unsigned long long)ref->count);
    cr_expect_eq(c->bottleneck, ref->bottleneck, "case %d: bottleneck %#x vs %#x", i,
                 c->bottleneck, ref->bottleneck);
    cr_expect_eq(c->too_big, ref->too_big, "case %d: too_big", i);
    if (ref->too_big)
        cr_expect_eq(c->too_big_res, ref->too_big_res, "case %d: too_big_res", i);
    cr_expect_eq(c->numa_limited, ref->numa_limited, "case %d: numa_limited", i);
}

/* kc_fit_count, and kc_fit_count_on on a prepared host, against the reference: count,
 * bottleneck, the physical rule and NUMA, and the same status and error. The prepared host
 * also counts the previous case's shape (one host, several shapes: how loops use it). */
Test(fit_fast, count_matches_the_reference_errors_included)
{
    uint64_t seed = 0x636f756e74ull;
    unsigned ok = 0, errors = 0, too_big = 0, ties = 0, numa = 0, pooled = 0;
    kc_shape prev = { .vcpus = 1, .mem_mib = 1 };
    kc_fit_shape fs, prev_fs;
    unsigned direct = 0;
    kc_policy first = kc_test_policy();

    kc_fit_shape_prepare(&prev, &first, &prev_fs);
    for (int i = 0; i < 300000; i++) {
        kc_host host;
        kc_shape vm;
        kc_policy policy;
        kc_error e1 = { 0 }, e2 = { 0 };
        kc_fit_summary c;
        kc_fit_host fh;
        kc_fit ref;
        int r1, r2;

        random_case(&seed, &host, &vm, &policy);
        memset(&c, 0xa5, sizeof(c));    /* every field must be written */
        r1 = kc_fit_count(&host, &vm, &policy, &c, &e1);
        r2 = kc_fit_compute_reference(&host, &vm, &policy, &ref, &e2);
        expect_same_count(r1, &c, &e1, r2, &ref, &e2, i);

        kc_fit_host_prepare(&host, &policy, &fh);
        memset(&c, 0xa5, sizeof(c));
        memset(&e1, 0, sizeof(e1));
        r1 = kc_fit_count_on(&fh, &vm, &c, &e1);
        expect_same_count(r1, &c, &e1, r2, &ref, &e2, i);

        kc_fit_shape_prepare(&vm, &policy, &fs);
        direct += kc_fit_pair_direct(&fh.hot, &fs);
        memset(&c, 0xa5, sizeof(c));
        memset(&e1, 0, sizeof(e1));
        r1 = kc_fit_pair(&fh.hot, &fs, &c, &e1);
        expect_same_count(r1, &c, &e1, r2, &ref, &e2, 1000000 + i);
        if (r2 == 0) {
            ok++;
            too_big += ref.too_big;
            ties += __builtin_popcount(ref.bottleneck) > 1;
            numa += policy.numa == KC_NUMA_STRICT && host.n_numa > 1;
            pooled += ref.pool_limited;
        } else {
            errors++;
        }

        memset(&c, 0xa5, sizeof(c));
        memset(&e1, 0, sizeof(e1));
        memset(&e2, 0, sizeof(e2));
        r1 = kc_fit_count_on(&fh, &prev, &c, &e1);
        r2 = kc_fit_compute_reference(&host, &prev, &policy, &ref, &e2);
        expect_same_count(r1, &c, &e1, r2, &ref, &e2, i);
        /* the previous shape prepared under the previous case's policy (often another
         * overhead: the pair must notice and still give the answer of this policy) */
        memset(&c, 0xa5, sizeof(c));
        memset(&e1, 0, sizeof(e1));
        r1 = kc_fit_pair(&fh.hot, &prev_fs, &c, &e1);
        expect_same_count(r1, &c, &e1, r2, &ref, &e2, 2000000 + i);
        prev = vm;
        prev_fs = fs;
        prev_fs.shape = &prev;
    }
    cr_expect_gt(direct, 30000u, "only %u pairs on the pair's own way", direct);
    /* each kind of answer well represented, or the test proves little */
    cr_expect_gt(ok, 50000u, "only %u valid cases", ok);
    cr_expect_gt(errors, 1000u, "only %u error cases", errors);
    cr_expect_gt(too_big, 1000u, "only %u too-big cases", too_big);
    cr_expect_gt(ties, 1000u, "only %u cases with several bottlenecks", ties);
    cr_expect_gt(numa, 1000u, "only %u strict NUMA cases", numa);
    cr_expect_gt(pooled, 100u, "only %u cases limited by the pools' sum", pooled);
    cr_log_info("fit count: %u answers (%u too big, %u ties, %u strict NUMA, %u pool-limited) "
                "and %u errors identical to the reference", ok, too_big, ties, numa, pooled,
                errors);
}

/* The limits are compared by cross products of terms far beyond 32 bits (memory up to 2^36
 * MiB against iops up to 2^50: products near 2^86, where 64 bits would wrap and pick the
 * wrong minimum), with the two limits close to each other or equal. */
Test(fit_fast, count_compares_limits_exactly_beyond_64_bit_products)
{
    kc_host host = kc_test_host(1u << 31, 1ull << 36);
    kc_policy policy = kc_test_policy();
    uint64_t seed = 0x776964ull;
    unsigned mem = 0, iops = 0;

    policy.reserve_mib = 0;
    host.n_storage = 1;
    host.storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 1, .size_mib = 1,
                                    .iops = 1ull << 50 };
    for (int i = 0; i < 20000; i++) {
        uint64_t k = kc_test_range(&seed, 2, 1ull << 16);
        kc_shape vm = { .vcpus = 1, .mem_mib = (1ull << 36) / k };
        kc_error err = { 0 };
        kc_fit_summary c;
        kc_fit ref;

        /* an iops limit of k - 1, k or k + 1 against the memory limit k */
        vm.iops = (1ull << 50) / (k + 1 - kc_test_rand(&seed) % 3) + kc_test_rand(&seed) % 2;
        cr_assert_eq(kc_fit_count(&host, &vm, &policy, &c, &err), 0, "%s", err.msg);
        cr_assert_eq(kc_fit_compute_reference(&host, &vm, &policy, &ref, &err), 0, "%s",
                     err.msg);
        cr_expect_eq(c.count, ref.count, "case %d: count %llu vs %llu", i,
                     (unsigned long long)c.count, (unsigned long long)ref.count);
        cr_expect_eq(c.bottleneck, ref.bottleneck, "case %d: bottleneck", i);
        mem += (ref.bottleneck >> KC_RES_MEMORY) & 1;
        iops += (ref.bottleneck >> KC_RES_IOPS) & 1;
    }
    cr_expect_gt(mem, 2000u, "memory the bottleneck only %u times", mem);
    cr_expect_gt(iops, 2000u, "iops the bottleneck only %u times", iops);
}

Test(fit_fast, numa_strict_with_cpu_load_splits_existing_memory_not_cpu_load)
{
    /* Two nodes of 4 CPUs / 4096 MiB; 2048 MiB of existing VMs (1024 per node), 4 existing
     * vCPUs. A 1 GiB VM at 50 % cpu load: per node (4096 - 256 - 1024) / 1024 = 2. */
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .cpu_util_bp = 5000 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fast, ref;

    host.n_numa = 2;
    host.numa[0] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    host.numa[1] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    host.used = (kc_usage){ .vms = 2, .vcpus = 4, .mem_mib = 2048 };
    policy.numa = KC_NUMA_STRICT;
    cr_assert_eq(kc_fit_compute(&host, &vm, &policy, &fast, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_fit_compute_reference(&host, &vm, &policy, &ref, &err), 0, "%s", err.msg);
    cr_expect_eq(fast.res[KC_RES_MEMORY].used, 2048);
    cr_expect_eq(fast.res[KC_RES_MEMORY].limit, 4);
    cr_expect_eq(fast.numa_limit, 4);
    expect_same_fit(&fast, &ref, 0);
}

Test(fit_fast, overflowing_figures_fall_back_to_the_exact_answer)
{
    /* base x (100 % + overcommit) x max util overflows 64 bits, the result does not: the
     * 128-bit path of the reference must give it, not an error. */
    kc_host host = kc_test_host(64, 1ull << 50);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1ull << 40 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fast, ref;

    policy.overcommit_bp = 10000;
    cr_assert_eq(kc_fit_compute(&host, &vm, &policy, &fast, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_fit_compute_reference(&host, &vm, &policy, &ref, &err), 0, "%s", err.msg);
    /* (2^50 - 512) x 2 / 2^40 = 2047.99... */
    cr_expect_eq(fast.res[KC_RES_MEMORY].limit, 2047);
    expect_same_fit(&fast, &ref, 0);
}

/* Hosts of several pools at ordinary figures, where the sum of the pools' counts is often
 * the answer: the fast path and the count give the reference's every field (pool_limit,
 * pool_binding included). */
Test(fit_fast, pools_match_the_reference_where_the_pools_bind)
{
    uint64_t seed = 0x706f6f6cull;
    unsigned pooled = 0, shares = 0, direct = 0, direct_pooled = 0;

    for (int i = 0; i < 100000; i++) {
        kc_host h = kc_test_host(8 + (uint32_t)(kc_test_rand(&seed) % 256),
                                 8192 + kc_test_rand(&seed) % (1u << 21));
        kc_shape vm = { .vcpus = 1 + (uint32_t)(kc_test_rand(&seed) % 8),
                        .mem_mib = 512 + kc_test_rand(&seed) % 8192 };
        kc_policy p = kc_test_policy();
        static const char *const names[] = { "", "data", "fast" };
        kc_fit f1, f2;
        kc_fit_summary c;
        kc_fit_host fh;
        kc_fit_shape fs;
        kc_error e1 = { 0 }, e2 = { 0 };

        h.n_storage = 1 + (size_t)(kc_test_rand(&seed) % 4);
        h.n_nics = 2;
        h.nics[0] = (kc_nic){ .speed_kbps = 25000000, .role = KC_NIC_VM };
        h.nics[1] = (kc_nic){ .speed_kbps = 10000000,
                              .role = kc_test_rand(&seed) % 2 ? KC_NIC_STORAGE : KC_NIC_MGMT };
        for (size_t k = 0; k < h.n_storage; k++) {
            kc_storage *g = &h.storage[k];
            bool net = kc_test_rand(&seed) % 3 == 0;

            *g = (kc_storage){ .kind = net ? KC_STORAGE_NETWORK : KC_STORAGE_LOCAL,
                               .count = 1 + (uint32_t)(kc_test_rand(&seed) % 12),
                               .size_mib = 1024 * (1 + kc_test_rand(&seed) % 16384),
                               .iops = 75 + kc_test_rand(&seed) % 800000,
                               .mbps = 100 + kc_test_rand(&seed) % 7000 };
            if (net) {
                g->link_iops = 100000 + kc_test_rand(&seed) % 300000;
                g->link_mbps = 1000 + kc_test_rand(&seed) % 3000;
                g->over_ip = kc_test_rand(&seed) % 2;
            } else {
                g->raid = (kc_raid)(kc_test_rand(&seed) % KC_RAID_LAST);
                if (g->count < kc_raid_min_devices(g->raid))
                    g->count = kc_raid_min_devices(g->raid);
                g->count += g->raid == KC_RAID_10 && g->count % 2;
            }
            if (kc_test_rand(&seed) % 2)
                g->write_iops = g->iops / (1 + kc_test_rand(&seed) % 8);
            if (kc_test_rand(&seed) % 2)
                g->write_mbps = g->mbps / (1 + kc_test_rand(&seed) % 3);
            g->boot = kc_test_rand(&seed) % 5 == 0;
            strcpy(g->name, names[kc_test_rand(&seed) % 3]);
            if (kc_test_rand(&seed) % 2) {
                g->used_mib = kc_test_rand(&seed) % (1u << 22);
                g->used_iops = kc_test_rand(&seed) % 50000;
                g->used_mbps = kc_test_rand(&seed) % 500;
                h.used.disk_mib += g->used_mib;
                h.used.iops += g->used_iops;
                h.used.mbps += g->used_mbps;
            }
        }
        if (kc_test_rand(&seed) % 3 == 0) {
            h.used.disk_mib += kc_test_rand(&seed) % (1u << 20);    /* of no known pool */
            h.used.iops += kc_test_rand(&seed) % 10000;
        }
        if (kc_test_rand(&seed) % 3)
            vm.disk_mib = 1024 * (1 + kc_test_rand(&seed) % 2048);
        if (kc_test_rand(&seed) % 3)
            vm.iops = 1 + kc_test_rand(&seed) % 5000;
        if (kc_test_rand(&seed) % 3)
            vm.mbps = 1 + kc_test_rand(&seed) % 300;
        if (kc_test_rand(&seed) % 3) {
            vm.write_bp = (uint32_t)(kc_test_rand(&seed) % 10001);
            shares++;
        }
        if (kc_test_rand(&seed) % 4 == 0)
            strcpy(vm.pool, names[kc_test_rand(&seed) % 3]);
        p.max_util_bp = 5000 + (uint32_t)(kc_test_rand(&seed) % 5001);
        p.disk_overcommit_bp = (uint32_t)(kc_test_rand(&seed) % 20000);

        cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &f2, &e2), 0, "case %d: %s", i,
                     e2.msg);
        cr_assert_eq(kc_fit_compute(&h, &vm, &p, &f1, &e1), 0, "case %d: %s", i, e1.msg);
        expect_same_fit(&f1, &f2, i);
        cr_assert_eq(kc_fit_count(&h, &vm, &p, &c, &e1), 0);
        expect_same_count(0, &c, &e1, 0, &f2, &e2, i);
        kc_fit_host_prepare(&h, &p, &fh);
        cr_assert_eq(kc_fit_count_on(&fh, &vm, &c, &e1), 0);
        expect_same_count(0, &c, &e1, 0, &f2, &e2, i);
        kc_fit_shape_prepare(&vm, &p, &fs);
        cr_assert_eq(kc_fit_pair(&fh.hot, &fs, &c, &e1), 0);
        expect_same_count(0, &c, &e1, 0, &f2, &e2, i);
        direct += kc_fit_pair_direct(&fh.hot, &fs);
        direct_pooled += kc_fit_pair_direct(&fh.hot, &fs) && f2.pool_limited;
        pooled += f2.pool_limited;
    }
    cr_expect_gt(direct, 20000u, "only %u pairs on the pair's own way", direct);
    cr_expect_gt(direct_pooled, 2000u, "only %u of them limited by the pools' sum",
                 direct_pooled);
    cr_expect_gt(pooled, 5000u, "only %u cases limited by the pools' sum", pooled);
    cr_log_info("pools: %u of 100000 limited by the pools' sum, %u with a write share, all "
                "identical to the reference", pooled, shares);
}

/* The hot loops' form: a grid of hosts x shapes, each prepared once under one policy (a
 * fleet's, a sweep point's), every pair against the reference; mostly ordinary figures, so
 * that most pairs take the pair's own way (checked), now and then an edge. */
Test(fit_fast, pair_matches_the_reference_on_prepared_hosts_and_shapes)
{
    enum { N_HOSTS = 48, N_SHAPES = 48, ROUNDS = 200 };
    static kc_host hosts[N_HOSTS];
    static kc_fit_host fh[N_HOSTS];
    static kc_shape shapes[N_SHAPES];
    static kc_fit_shape fs[N_SHAPES];
    uint64_t seed = 0x70616972ull;
    unsigned ok = 0, errors = 0, direct = 0, too_big = 0, ties = 0, pooled = 0, hp = 0;

    for (int round = 0; round < ROUNDS; round++) {
        kc_policy policy, other;

        ordinary = round % 4 != 0;    /* most rounds without edges */
        for (int k = 0; k < N_HOSTS; k++)
            random_case(&seed, &hosts[k], &shapes[k % N_SHAPES], k == 0 ? &policy : &other);
        for (int k = 0; k < N_SHAPES; k++) {
            kc_host unused;

            random_case(&seed, &unused, &shapes[k], &other);
        }
        for (int k = 0; k < N_HOSTS; k++)
            kc_fit_host_prepare(&hosts[k], &policy, &fh[k]);
        for (int k = 0; k < N_SHAPES; k++)
            kc_fit_shape_prepare(&shapes[k], &policy, &fs[k]);
        for (int a = 0; a < N_HOSTS; a++)
            for (int b = 0; b < N_SHAPES; b++) {
                kc_error e1 = { 0 }, e2 = { 0 };
                kc_fit_summary c;
                kc_fit ref;
                int r1, r2;

                memset(&c, 0xa5, sizeof(c));
                r1 = kc_fit_pair(&fh[a].hot, &fs[b], &c, &e1);
                r2 = kc_fit_compute_reference(&hosts[a], &shapes[b], &policy, &ref, &e2);
                expect_same_count(r1, &c, &e1, r2, &ref, &e2, (round * N_HOSTS + a) * N_SHAPES + b);
                if (r2 < 0) {
                    errors++;
                    continue;
                }
                ok++;
                if (kc_fit_pair_direct(&fh[a].hot, &fs[b])) {
                    direct++;
                    too_big += ref.too_big;
                    ties += __builtin_popcount(ref.bottleneck) > 1;
                    pooled += ref.pool_limited;
                    hp += shapes[b].hugepages && hosts[a].hugepages_mib > 0;
                }
            }
    }
    ordinary = false;
    cr_expect_gt(ok, 100000u, "only %u valid pairs", ok);
    cr_expect_gt(errors, 1000u, "only %u error pairs", errors);
    cr_expect_gt(direct, 90000u, "only %u pairs on the pair's own way", direct);
    cr_expect_gt(too_big, 1000u, "only %u of them too big", too_big);
    cr_expect_gt(ties, 1000u, "only %u of them with several bottlenecks", ties);
    cr_expect_gt(pooled, 100u, "only %u of them limited by the pools' sum", pooled);
    cr_expect_gt(hp, 1000u, "only %u of them on hugepages", hp);
    cr_log_info("fit pair: %u answers (%u on the pair's own way: %u too big, %u ties, %u "
                "pool-limited, %u on hugepages) and %u errors identical to the reference", ok,
                direct, too_big, ties, pooled, hp, errors);
}

/* The pair divides by no row: each limit is free x ceil(2^63 / per VM) / 2^63. Exact for
 * free below 2^31 and per VM below 2^32 (fit_fast.c; the pair takes free below 2^30 and
 * demands below 2^31): free at a multiple of per VM, one below and one above, for per VM up
 * to 2^31 - 1. */
Test(fit_fast, pair_reciprocal_limits_are_exact_at_every_multiple)
{
    uint64_t seed = 0x726563ull;
    kc_policy policy = kc_test_policy();
    unsigned direct = 0;

    policy.reserve_mib = 0;
    policy.overhead_mode = KC_OVERHEAD_FIXED;
    policy.overhead_mib = 0;
    for (int i = 0; i < 100000; i++) {
        uint64_t d = kc_test_rand(&seed) % 2 ? kc_test_range(&seed, 1, 1u << 16)
                                             : kc_test_range(&seed, 1, (1ull << 31) - 1);
        uint64_t q = kc_test_range(&seed, 0, ((1ull << 30) - 2) / d);
        uint64_t mem = q * d + (kc_test_rand(&seed) % 3) - 1;
        kc_host host;
        kc_shape vm = { .vcpus = 1, .mem_mib = d };
        kc_fit_host fh;
        kc_fit_shape fs;
        kc_fit_summary c;
        kc_fit ref;
        kc_error e1 = { 0 }, e2 = { 0 };
        int r1, r2;

        if (mem == 0 || mem >= (1ull << 30))
            mem = (1ull << 30) - 1 - kc_test_rand(&seed) % 2;    /* free below 2^30 */
        host = kc_test_host(1u << 16, mem);
        kc_fit_host_prepare(&host, &policy, &fh);
        kc_fit_shape_prepare(&vm, &policy, &fs);
        r1 = kc_fit_pair(&fh.hot, &fs, &c, &e1);
        r2 = kc_fit_compute_reference(&host, &vm, &policy, &ref, &e2);
        expect_same_count(r1, &c, &e1, r2, &ref, &e2, i);
        direct += kc_fit_pair_direct(&fh.hot, &fs);
    }
    cr_expect_gt(direct, 99000u, "only %u pairs on the pair's own way", direct);
}
