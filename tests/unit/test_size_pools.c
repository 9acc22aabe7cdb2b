/* SPDX-License-Identifier: MIT */
/* test_size_pools.c: `kvmcap size` with storage pools as sub-bins (issue 12, doc/model.md
 * 7.5): two data pools of different figures, pool=, boot, per-pool use, RAID, storage NICs,
 * and a property test re-fitting every packing from the pools' own figures. */
#include "helpers.h"

#include "fit.h"
#include "pool.h"
#include "size.h"

#define GIB 1024ull
#define TIB (1024ull * 1024ull)

static kc_storage group(const char *name, uint32_t n, uint64_t size, uint64_t r, uint64_t w,
                        kc_raid raid, bool boot)
{
    kc_storage s = { .kind = KC_STORAGE_LOCAL, .count = n, .size_mib = size, .iops = r,
                     .write_iops = w, .raid = raid, .boot = boot };

    snprintf(s.name, sizeof(s.name), "%s", name);
    return s;
}

static kc_candidate pooled(const char *name, uint32_t cpus, uint64_t mem_mib)
{
    kc_candidate c;

    memset(&c, 0, sizeof(c));
    snprintf(c.name, sizeof(c.name), "%s", name);
    c.host = kc_test_host(cpus, mem_mib);
    return c;
}

static kc_workload_line vm(const char *name, uint32_t vcpus, uint64_t mem_mib, uint64_t disk,
                           uint64_t iops, uint32_t write_bp, const char *pool, uint64_t count)
{
    kc_workload_line l;

    memset(&l, 0, sizeof(l));
    snprintf(l.name, sizeof(l.name), "%s", name);
    l.shape = (kc_shape){ .vcpus = vcpus, .mem_mib = mem_mib, .disk_mib = disk, .iops = iops,
                          .write_bp = write_bp };
    if (pool)
        snprintf(l.shape.pool, sizeof(l.shape.pool), "%s", pool);
    l.count = count;
    return l;
}

static kc_size_opts opts_default(void)
{
    kc_size_opts o;

    memset(&o, 0, sizeof(o));
    o.policy = kc_test_policy();
    return o;
}

static uint64_t fit_count(const kc_host *h, const kc_shape *s, const kc_policy *p)
{
    kc_fit fit;
    kc_error err = { 0 };

    cr_assert_eq(kc_fit_compute(h, s, p, &fit, &err), 0, "%s", err.msg);
    return fit.count;
}

static uint64_t div_up(uint64_t a, uint64_t b)
{
    return a / b + (a % b != 0);
}

/* Re-fit every host of @r's packing from the pools' own figures (kc_pool_fits per line),
 * independently of how size built its dimensions: each pool's space, IOPS and throughput
 * (a VM of write share w takes want / (cap(w) - used) of the pool), no disk on a pool the
 * line may not use, the storage NICs over the over-IP pools, the host-wide limits (the
 * lines without their storage, as a mixed fit), and every VM placed exactly once. */
static void refit_check(const kc_sizing *sz, const kc_size_result *r, const kc_host *h,
                        const kc_policy *pol)
{
    uint64_t placed[16] = { 0 };
    uint64_t nic_room[2];
    bool nic = kc_pool_nic_room(h, pol, nic_room);

    cr_assert_not_null(r->pool_pack);
    cr_assert(sz->n_lines <= 16);
    for (size_t t = 0; t < r->pool_pack->n_patterns; t++) {
        const kc_pack_pattern *pat = &r->pool_pack->patterns[t];
        double share[KC_STORAGE_MAX][3] = { { 0 } };
        uint64_t space[KC_STORAGE_MAX] = { 0 }, ip[2] = { 0 };
        kc_workload_line plain[16];
        kc_size_mixed mixed;
        kc_shape none = { .vcpus = 1, .mem_mib = 1 };
        kc_error err = { 0 };

        memset(plain, 0, sizeof(plain));
        for (size_t i = 0; i < sz->n_lines; i++) {
            plain[i].shape = sz->lines[i].shape;
            plain[i].shape.disk_mib = plain[i].shape.iops = plain[i].shape.mbps = 0;
            plain[i].shape.pool[0] = '\0';
        }
        for (size_t u = 0; u < pat->n_uses; u++) {
            size_t v = pat->uses[u].item, line = r->var_line[v], p = r->var_pool[v];
            uint64_t n = pat->uses[u].count;
            const kc_shape *s = &sz->lines[line].shape;
            kc_pool_fit pf[KC_STORAGE_MAX];
            kc_error e2 = { 0 };

            placed[line] += n * pat->hosts;
            plain[line].count += n;
            if (p == KC_SIZE_NO_POOL) {
                cr_expect_eq(kc_pool_asks(h, s), 0u);
                continue;
            }
            cr_assert(p < h->n_storage);
            cr_assert_eq(kc_pool_fits(h, s, pol, pf, &e2), 0, "%s", e2.msg);
            cr_expect(pf[p].eligible, "line %zu put on pool %zu it may not use", line, p);
            cr_expect(!h->storage[p].boot || s->pool[0], "a disk on a boot pool");
            space[p] += n * s->disk_mib;
            cr_expect(space[p] <= pf[p].space_cap - (pf[p].space_used < pf[p].space_cap
                                                         ? pf[p].space_used : pf[p].space_cap),
                      "pool %zu over its space in pattern %zu", p, t);
            if (s->iops && (kc_pool_asks(h, s) & 2u)) {
                share[p][1] += (double)n * (double)s->iops /
                               (double)(pf[p].iops_cap - pf[p].iops_used);
                if (h->storage[p].over_ip && nic)
                    ip[0] += n * s->iops;
            }
            if (s->mbps && (kc_pool_asks(h, s) & 4u)) {
                share[p][2] += (double)n * (double)s->mbps /
                               (double)(pf[p].mbps_cap - pf[p].mbps_used);
                if (h->storage[p].over_ip && nic)
                    ip[1] += n * s->mbps;
            }
        }
        for (size_t p = 0; p < h->n_storage; p++) {
            cr_expect(share[p][1] <= 1.0 + 1e-9, "pool %zu over its IOPS (%.6f)", p,
                      share[p][1]);
            cr_expect(share[p][2] <= 1.0 + 1e-9, "pool %zu over its MB/s (%.6f)", p,
                      share[p][2]);
        }
        if (nic) {
            cr_expect(ip[0] <= nic_room[0], "storage NICs over their IOPS");
            cr_expect(ip[1] <= nic_room[1], "storage NICs over their MB/s");
        }
        cr_assert_eq(kc_size_mixed_fit(h, pol, plain, sz->n_lines, &none, &mixed, &err), 0,
                     "%s", err.msg);
        cr_expect(mixed.placed_fit, "pattern %zu over the host-wide limits", t);
    }
    for (size_t i = 0; i < sz->n_lines; i++)
        cr_expect_eq(placed[i], sz->lines[i].count, "line %zu", i);
}

static kc_sizing *run_ok(const kc_workload_line *l, size_t nl, const kc_candidate *c,
                         size_t nc, const kc_size_opts *o)
{
    kc_sizing *sz = NULL;
    kc_error err = { 0 };

    cr_assert_eq(kc_size_run(l, nl, c, nc, o, &sz, &err), 0, "%s", err.msg);
    return sz;
}

/* The host: 4 SSDs of 1 TiB hold 8 VMs of 500 GiB by space; 12 HDDs at 75 IOPS
 * hold 4 of 200 IOPS: the fit says 12, so 100 VMs need 9 hosts (the pools summed let a
 * VM's disk split across them and gave 2). */
static kc_candidate ssd_hdd(void)
{
    kc_candidate c = pooled("ssd+hdd", 80, 768 * GIB);

    c.host.n_storage = 2;
    c.host.storage[0] = group("ssd", 4, TIB, 90000, 30000, KC_RAID_NONE, false);
    c.host.storage[1] = group("hdd", 12, 16 * TIB, 75, 75, KC_RAID_NONE, false);
    return c;
}

Test(size_pools, two_data_pools_one_shape_packs_the_fit_count)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l = vm("web", 2, 8 * GIB, 500 * GIB, 200, 0, NULL, 100);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    cr_assert_eq(fit_count(&c.host, &l.shape, &o.policy), 12);
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts_packed, 9);
    cr_expect_eq(sz->results[0].lower_bound, 9);
    cr_expect(sz->results[0].proven_optimal);
    cr_expect(sz->results[0].bottleneck & (1u << KC_RES_DISK));
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    kc_sizing_free(sz);
}

Test(size_pools, pool_name_restricts_a_line_to_that_pool)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l[2] = { vm("db", 2, 8 * GIB, 500 * GIB, 200, 0, "hdd", 40),
                              vm("web", 2, 8 * GIB, 500 * GIB, 200, 0, "ssd", 16) };
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    sz = run_ok(&l[0], 1, &c, 1, &o);    /* 4 per host on the HDDs */
    cr_expect_eq(sz->results[0].hosts_packed, 10);
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    for (size_t v = 0; v < sz->results[0].n_vars; v++)
        cr_expect_eq(sz->results[0].var_pool[v], 1);
    kc_sizing_free(sz);
    sz = run_ok(l, 2, &c, 1, &o);        /* the two share hosts: 4 + 8 on each */
    cr_expect_eq(sz->results[0].hosts_packed, 10);
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    kc_sizing_free(sz);
}

Test(size_pools, a_pool_no_candidate_has_is_an_error_naming_it)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l = vm("db", 2, 8 * GIB, 500 * GIB, 0, 0, "nvme", 4);
    kc_size_opts o = opts_default();
    kc_sizing *sz = NULL;
    kc_error err = { 0 };

    cr_expect_eq(kc_size_run(&l, 1, &c, 1, &o, &sz, &err), -1);
    cr_expect_null(sz);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_str_eq(err.msg, "vm 'db': no candidate host has a pool named 'nvme'");
}

/* A candidate without the named pool cannot take the line; one with it can. */
Test(size_pools, a_candidate_without_the_pool_is_infeasible)
{
    kc_candidate c[2] = { ssd_hdd(), pooled("plain", 80, 768 * GIB) };
    kc_workload_line l = vm("db", 2, 8 * GIB, 500 * GIB, 0, 0, "hdd", 40);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    c[1].host.n_storage = 1;
    c[1].host.storage[0] = group("data", 4, TIB, 90000, 0, KC_RAID_NONE, false);
    sz = run_ok(&l, 1, c, 2, &o);
    cr_expect_str_eq(sz->results[0].name, "ssd+hdd");
    cr_expect_eq(sz->results[1].rank, KC_SIZE_RANK_INFEASIBLE);
    cr_expect_eq(sz->results[1].misfit_res, KC_RES_DISK);
    kc_sizing_free(sz);
}

Test(size_pools, boot_pools_hold_no_vm_disk)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l = vm("web", 2, 8 * GIB, 500 * GIB, 200, 0, NULL, 100);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    c.host.storage[0].boot = true;    /* only the HDDs: 4 per host */
    cr_assert_eq(fit_count(&c.host, &l.shape, &o.policy), 4);
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts_packed, 25);
    for (size_t v = 0; v < sz->results[0].n_vars; v++)
        cr_expect_neq(sz->results[0].var_pool[v], 0);
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    kc_sizing_free(sz);
}

Test(size_pools, existing_use_counts_per_pool)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l = vm("web", 2, 8 * GIB, 500 * GIB, 200, 0, NULL, 60);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    /* 3 TiB held on the SSDs: they take 2 more, the HDDs 4 */
    c.host.storage[0].used_mib = 3 * TIB;
    c.host.used.disk_mib = 3 * TIB;
    cr_assert_eq(fit_count(&c.host, &l.shape, &o.policy), 6);
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts_packed, 10);
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    kc_sizing_free(sz);
}

/* Use of no known pool (kc_host.used beyond the pools' used) counts against the pools
 * together, as the fit's rows. */
Test(size_pools, use_of_no_known_pool_counts_against_the_sum)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l = vm("web", 2, 8 * GIB, 500 * GIB, 0, 0, NULL, 1000);
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    uint64_t n;

    c.host.storage[1].count = 1;          /* 16 TiB + 4 TiB, 10 TiB of no known pool */
    c.host.used.disk_mib = 10 * TIB;
    n = fit_count(&c.host, &l.shape, &o.policy);
    cr_assert_eq(n, 20);                  /* 10 TiB / 500 GiB */
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts_packed, div_up(1000, n));
    kc_sizing_free(sz);
}

Test(size_pools, raid_levels_pay_their_space_and_write_penalty)
{
    static const kc_raid levels[] = { KC_RAID_0, KC_RAID_1, KC_RAID_5, KC_RAID_6, KC_RAID_10 };
    kc_size_opts o = opts_default();

    for (size_t k = 0; k < sizeof(levels) / sizeof(levels[0]); k++) {
        kc_candidate c = ssd_hdd();
        kc_workload_line l = vm("db", 2, 8 * GIB, 500 * GIB, 150, 3000, NULL, 200);
        kc_sizing *sz;
        uint64_t n;

        c.host.storage[1].raid = levels[k];
        c.host.storage[1].count = 8;
        n = fit_count(&c.host, &l.shape, &o.policy);
        cr_assert_gt(n, 0);
        sz = run_ok(&l, 1, &c, 1, &o);
        cr_expect_eq(sz->results[0].hosts_packed, div_up(200, n), "raid level %d",
                     (int)levels[k]);
        refit_check(sz, &sz->results[0], &c.host, &o.policy);
        kc_sizing_free(sz);
    }
}

/* Two write shares on one pool: its IOPS differ per shape; the packing counts each VM's
 * share of the pool and never fills it past one whole pool. */
Test(size_pools, mixed_write_shares_share_a_pool_by_their_own_figures)
{
    kc_candidate c = pooled("raid6", 64, 512 * GIB);
    kc_workload_line l[2] = { vm("reader", 1, 2 * GIB, 50 * GIB, 100, 0, NULL, 30),
                              vm("writer", 1, 2 * GIB, 50 * GIB, 100, 10000, NULL, 30) };
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    uint64_t nr, nw;

    c.host.n_storage = 1;
    c.host.storage[0] = group("data", 8, 4 * TIB, 150, 150, KC_RAID_6, false);
    nr = fit_count(&c.host, &l[0].shape, &o.policy);    /* 1200 / 100 */
    nw = fit_count(&c.host, &l[1].shape, &o.policy);    /* 1200 / 6 / 100 */
    cr_assert_eq(nr, 12);
    cr_assert_eq(nw, 2);
    sz = run_ok(l, 2, &c, 1, &o);
    /* each host: r/12 + w/2 <= 1; 30 writers need 15 hosts, which take 30 readers too
     * only if the writers leave room: 15 hosts of 2 writers are full */
    cr_expect_geq(sz->results[0].hosts_packed, 15);
    cr_expect_geq(sz->results[0].hosts_packed, sz->results[0].lower_bound);
    cr_expect_geq(sz->results[0].lower_bound, 15);
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    kc_sizing_free(sz);
}

/* Two iSCSI arrays behind one pair of storage NICs: the NICs cap both together. */
Test(size_pools, storage_nics_cap_the_over_ip_pools_together)
{
    kc_candidate c = pooled("iscsi", 64, 1024 * GIB);
    kc_workload_line l = vm("io", 1, 2 * GIB, 0, 0, 0, NULL, 200);
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    uint64_t n;

    l.shape.mbps = 100;
    c.host.n_nics = 1;
    c.host.nics[0] = (kc_nic){ .speed_kbps = 10000000, .role = KC_NIC_STORAGE };
    c.host.n_storage = 2;
    for (int i = 0; i < 2; i++) {
        c.host.storage[i] = (kc_storage){ .kind = KC_STORAGE_NETWORK, .count = 1,
                                          .size_mib = 10 * TIB, .iops = 50000, .mbps = 1000,
                                          .over_ip = true };
        snprintf(c.host.storage[i].name, sizeof(c.host.storage[i].name), "lun%d", i);
    }
    n = fit_count(&c.host, &l.shape, &o.policy);
    cr_assert_eq(n, 11);    /* 1176 MB/s of NIC, not 2 x 1000 of arrays */
    {
        /* what the reports show once for both pools */
        kc_pool_nic_share sh;
        kc_error err = { 0 };

        cr_assert_eq(kc_pool_nic_shared(&c.host, &l.shape, &o.policy, &sh, &err), 0);
        cr_expect_eq(sh.n_pools, 2);
        cr_expect_eq(sh.pools, 3u);
        cr_expect_eq(sh.mbps_cap, 1176);
        cr_expect_eq(sh.limit, 11);
        cr_expect_eq(sh.binding, 1u << KC_RES_THROUGHPUT);
        cr_expect(sh.limiting);
    }
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts_packed, div_up(200, n));
    refit_check(sz, &sz->results[0], &c.host, &o.policy);
    kc_sizing_free(sz);
}

/* --numa strict: the nodes are the bins; the pools are split with them. */
Test(size_pools, strict_numa_packs_pooled_nodes_within_the_pools)
{
    kc_candidate c = ssd_hdd();
    kc_workload_line l = vm("web", 2, 8 * GIB, 500 * GIB, 200, 0, NULL, 100);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    c.host.n_numa = 2;
    for (int i = 0; i < 2; i++)
        c.host.numa[i] = (kc_numa_node){ .cpus = 40, .mem_mib = 384 * GIB };
    o.policy.numa = KC_NUMA_STRICT;
    sz = run_ok(&l, 1, &c, 1, &o);
    /* a node has half of each pool: 4 on the SSDs, 2 on the HDDs; 6 per node, 12 a host */
    cr_expect_eq(sz->results[0].hosts_packed, 9);
    cr_expect_geq(sz->results[0].hosts_packed, sz->results[0].lower_bound);
    kc_sizing_free(sz);
}

/* Many generated small pooled hosts and workloads: every packing re-fits from the pools'
 * own figures, never beats the bound, and for one shape equals the fit's count. */
Test(size_pools, property_packings_refit_and_one_shape_equals_the_fit, .timeout = 120)
{
    static const kc_raid raids[] = { KC_RAID_NONE, KC_RAID_0, KC_RAID_1, KC_RAID_5, KC_RAID_6,
                                     KC_RAID_10 };
    uint64_t st = 12;
    size_t runs = 0, single = 0;

    for (int it = 0; it < 400; it++) {
        kc_candidate c = pooled("gen", (uint32_t)kc_test_range(&st, 8, 96),
                                kc_test_range(&st, 32, 512) * GIB);
        kc_workload_line l[3];
        size_t nl = 1 + kc_test_rand(&st) % 3, np = 1 + kc_test_rand(&st) % 4;
        kc_size_opts o = opts_default();
        kc_sizing *sz = NULL;
        kc_error err = { 0 };

        c.host.n_storage = np;
        for (size_t p = 0; p < np; p++) {
            kc_raid raid = raids[kc_test_rand(&st) % 6];
            uint32_t n = (uint32_t)kc_test_range(&st, kc_raid_min_devices(raid), 12);
            char name[8];

            if (raid == KC_RAID_10 && n % 2)
                n++;
            snprintf(name, sizeof(name), "p%zu", p);
            c.host.storage[p] = group(name, n, kc_test_range(&st, 100, 4096) * GIB,
                                      kc_test_range(&st, 75, 20000),
                                      kc_test_rand(&st) % 2 ? kc_test_range(&st, 75, 20000) : 0,
                                      raid, p + 1 < np && kc_test_rand(&st) % 4 == 0);
            if (kc_test_rand(&st) % 3 == 0) {
                c.host.storage[p].used_mib =
                    kc_test_rand(&st) % (kc_pool_space_mib(&c.host.storage[p]) + 1);
                c.host.storage[p].used_iops = kc_test_rand(&st) % 300;
                c.host.used.disk_mib += c.host.storage[p].used_mib;
                c.host.used.iops += c.host.storage[p].used_iops;
            }
        }
        if (kc_test_rand(&st) % 8 == 0)
            c.host.used.disk_mib += kc_test_range(&st, 1, 2048) * GIB;
        for (size_t i = 0; i < nl; i++) {
            char name[8], pool[8];
            bool named = kc_test_rand(&st) % 5 == 0;

            snprintf(name, sizeof(name), "s%zu", i);
            snprintf(pool, sizeof(pool), "p%zu", (size_t)(kc_test_rand(&st) % np));
            l[i] = vm(name, (uint32_t)kc_test_range(&st, 1, 8), kc_test_range(&st, 1, 32) * GIB,
                      kc_test_range(&st, 0, 800) * GIB,
                      kc_test_rand(&st) % 3 ? kc_test_range(&st, 10, 500) : 0,
                      (uint32_t)(kc_test_rand(&st) % 3 * 5000), named ? pool : NULL,
                      kc_test_range(&st, 1, 300));
        }
        if (kc_size_run(l, nl, &c, 1, &o, &sz, &err) < 0) {
            /* only "does not fit": a shape no pool of the host takes */
            cr_expect_eq(err.code, KC_ERR_INVALID, "%s", err.msg);
            cr_expect(strstr(err.msg, "fit") != NULL, "%s", err.msg);
            continue;
        }
        runs++;
        refit_check(sz, &sz->results[0], &c.host, &o.policy);
        cr_expect_geq(sz->results[0].hosts_packed, sz->results[0].lower_bound);
        if (sz->n_lines == 1) {
            uint64_t n = fit_count(&c.host, &sz->lines[0].shape, &o.policy);

            single++;
            cr_assert_gt(n, 0);
            cr_expect_eq(sz->results[0].hosts_packed, div_up(sz->lines[0].count, n),
                         "iteration %d: %llu VMs at %llu a host", it,
                         (unsigned long long)sz->lines[0].count, (unsigned long long)n);
            cr_expect_eq(sz->results[0].lower_bound, sz->results[0].hosts_packed);
        }
        kc_sizing_free(sz);
    }
    cr_expect_gt(runs, 200);
    cr_expect_gt(single, 50);
}

/* Storage NICs already full: no over-IP pool takes a VM, the candidate cannot hold the
 * line (listed as infeasible, not an error of the run). */
Test(size_pools, full_storage_nics_make_a_candidate_infeasible)
{
    kc_candidate c[2] = { pooled("iscsi", 64, 1024 * GIB), pooled("local", 64, 1024 * GIB) };
    kc_workload_line l = vm("io", 1, 2 * GIB, 0, 0, 0, NULL, 20);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    l.shape.mbps = 100;
    c[0].host.n_nics = 1;
    c[0].host.nics[0] = (kc_nic){ .speed_kbps = 10000000, .role = KC_NIC_STORAGE };
    c[0].host.n_storage = 2;
    for (int i = 0; i < 2; i++) {
        c[0].host.storage[i] = (kc_storage){ .kind = KC_STORAGE_NETWORK, .count = 1,
                                             .size_mib = 10 * TIB, .iops = 50000,
                                             .mbps = 1000, .over_ip = true };
        snprintf(c[0].host.storage[i].name, sizeof(c[0].host.storage[i].name), "lun%d", i);
    }
    c[0].host.storage[0].used_mbps = 700;    /* with the other pool's 500: past 1176 */
    c[0].host.storage[1].used_mbps = 500;
    c[0].host.used.mbps = 1200;
    cr_assert_eq(fit_count(&c[0].host, &l.shape, &o.policy), 0);
    c[1].host.n_storage = 1;
    c[1].host.storage[0] = group("data", 4, TIB, 90000, 0, KC_RAID_NONE, false);
    c[1].host.storage[0].mbps = 2000;
    sz = run_ok(&l, 1, c, 2, &o);
    cr_expect_str_eq(sz->results[0].name, "local");
    cr_expect_eq(sz->results[1].rank, KC_SIZE_RANK_INFEASIBLE);
    cr_expect_eq(sz->results[1].misfit_res, KC_RES_THROUGHPUT);
    kc_sizing_free(sz);
}
