/* SPDX-License-Identifier: MIT */
/* test_pool.c: storage pools (issue 12): RAID space and IOPS, pool choice, per-pool use,
 * storage NICs, and the per-pool count against a brute-force assignment of VMs to pools. */
#include "helpers.h"

#include "fit.h"
#include "fit_reference.h"
#include "pool.h"

static kc_storage group(uint32_t n, uint64_t size, uint64_t r, uint64_t w, kc_raid raid)
{
    return (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = n, .size_mib = size, .iops = r,
                         .write_iops = w, .mbps = r, .write_mbps = w, .raid = raid };
}

Test(pool, raid_space_of_every_level)
{
    static const struct { kc_raid raid; uint64_t space; } cases[] = {
        { KC_RAID_NONE, 4000 }, { KC_RAID_0, 4000 }, { KC_RAID_1, 1000 },
        { KC_RAID_5, 3000 }, { KC_RAID_6, 2000 }, { KC_RAID_10, 2000 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_storage s = group(4, 1000, 100, 100, cases[i].raid);

        cr_expect_eq(kc_pool_space_mib(&s), cases[i].space);
    }
}

/* 1 / (r / (n R) + w P / (n W)), R = 100, W = 50, n = 4, w = 30 % */
Test(pool, raid_iops_with_the_write_share_and_the_penalty)
{
    static const struct { kc_raid raid; uint64_t penalty; } cases[] = {
        { KC_RAID_NONE, 1 }, { KC_RAID_0, 1 }, { KC_RAID_1, 4 }, { KC_RAID_5, 4 },
        { KC_RAID_6, 6 }, { KC_RAID_10, 2 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_storage s = group(4, 1000, 100, 50, cases[i].raid);
        double want = 1.0 / (0.7 / 400.0 + 0.3 * (double)cases[i].penalty / 200.0);

        cr_expect_eq(kc_raid_write_penalty(cases[i].raid, 4), cases[i].penalty);
        cr_expect_eq(kc_pool_iops(&s, 3000), (uint64_t)want);
        cr_expect_eq(kc_pool_iops(&s, 0), 400);             /* reads only: n x R */
    }
}

Test(pool, raid_below_its_minimum_is_invalid)
{
    kc_host h = kc_test_host(8, 8192);
    kc_error err = { 0 };

    h.n_storage = 1;
    h.storage[0] = group(2, 1000, 100, 100, KC_RAID_5);
    cr_expect_eq(kc_host_validate(&h, &err), -1);
    cr_expect(strstr(err.msg, "at least 3") != NULL, "%s", err.msg);
    h.storage[0] = group(3, 1000, 100, 100, KC_RAID_5);
    cr_expect_eq(kc_host_validate(&h, &err), 0);
}

/* The first example: the boot SSDs take no VM disk, 12 x 75 IOPS carry 4. */
Test(pool, boot_pools_hold_no_vm_disk)
{
    kc_host h = kc_test_host(80, 768 * 1024);
    kc_policy p = kc_test_policy();
    kc_shape vm = { .vcpus = 2, .mem_mib = 8192, .disk_mib = 500 * 1024, .iops = 200,
                    .write_bp = 3000 };
    kc_fit fit;
    kc_fit_summary sum;
    kc_error err = { 0 };

    h.n_storage = 2;
    h.storage[0] = group(2, 960 * 1024, 94000, 65000, KC_RAID_1);
    h.storage[0].boot = true;
    h.storage[1] = group(12, 16u * 1024 * 1024, 75, 75, KC_RAID_NONE);
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 4);
    cr_expect_eq(fit.res[KC_RES_IOPS].capacity, 900);
    cr_assert_eq(kc_fit_count(&h, &vm, &p, &sum, &err), 0, "%s", err.msg);
    cr_expect_eq(sum.count, 4);
    /* pool= names the one pool; the boot pool may be named on purpose */
    snprintf(vm.pool, sizeof(vm.pool), "%s", "os");
    snprintf(h.storage[0].name, sizeof(h.storage[0].name), "%s", "os");
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 1);    /* 960 GiB x 1 (raid1) / 500 GiB */
    snprintf(vm.pool, sizeof(vm.pool), "%s", "nosuch");
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 0);
}

/* A VM's disk lives whole on one pool: two pools of 1.5 VMs each hold 2, not 3. */
Test(pool, a_vm_disk_lives_on_one_pool)
{
    kc_host h = kc_test_host(64, 65536);
    kc_policy p = kc_test_policy();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .disk_mib = 100 };
    kc_fit fit;
    kc_error err = { 0 };

    h.n_storage = 2;
    h.storage[0] = group(1, 150, 0, 0, KC_RAID_NONE);
    h.storage[1] = group(1, 150, 0, 0, KC_RAID_NONE);
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.res[KC_RES_DISK].limit, 3);
    cr_expect_eq(fit.count, 2);
    cr_expect(fit.pool_limited);
    cr_expect(fit.bottleneck & (1u << KC_RES_DISK));
    /* per-pool use: 60 MiB used on pool 1 leaves it one VM */
    h.storage[1].used_mib = 60;
    h.used.disk_mib = 60;
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 1 + 0);    /* 150 -> 1, 90 -> 0 */
}

/* iSCSI behind storage NICs: one 10 Gbit/s storage NIC caps the array's MB/s. */
Test(pool, iscsi_is_capped_by_the_storage_nics)
{
    kc_host h = kc_test_host(64, 1 << 20);
    kc_policy p = kc_test_policy();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .mbps = 100 };
    kc_fit fit;
    kc_error err = { 0 };

    h.n_storage = 1;
    h.storage[0] = (kc_storage){ .kind = KC_STORAGE_NETWORK, .count = 1, .size_mib = 1 << 20,
                                 .iops = 50000, .mbps = 2000, .link_mbps = 2942,
                                 .over_ip = true };
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 20);                      /* the array: 2000 MB/s */
    h.n_nics = 2;
    h.nics[0] = (kc_nic){ .speed_kbps = 25000000, .role = KC_NIC_VM };
    h.nics[1] = (kc_nic){ .speed_kbps = 10000000, .role = KC_NIC_STORAGE };
    cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.res[KC_RES_THROUGHPUT].capacity, 1176);   /* 1250 x 1448/1538 */
    cr_expect_eq(fit.count, 11);
}

/* N LUNs on one array are one array: 2x multiplies space, not IOPS. */
Test(pool, luns_multiply_space_only)
{
    kc_storage s = { .kind = KC_STORAGE_NETWORK, .count = 2, .size_mib = 100, .iops = 50000,
                     .mbps = 2000 };

    cr_expect_eq(kc_pool_space_mib(&s), 200);
    cr_expect_eq(kc_pool_iops(&s, 3000), 50000);
}

/* The per-pool count equals the best assignment of VMs to pools found by brute force,
 * and the fast count agrees with the reference, on many generated small hosts. */
Test(pool, count_equals_a_brute_force_assignment)
{
    uint64_t seed = 12;
    kc_policy p = kc_test_policy();
    unsigned checked = 0;

    for (int t = 0; t < 3000; t++) {
        kc_host h = kc_test_host(1 + (uint32_t)(kc_test_rand(&seed) % 16),
                                 1024 + kc_test_rand(&seed) % 16384);
        kc_shape vm = { .vcpus = 1, .mem_mib = 512 + kc_test_rand(&seed) % 2048,
                        .write_bp = (uint32_t)(kc_test_rand(&seed) % 10001) };
        kc_shape host_only;
        kc_fit fit;
        kc_fit_summary sum, hs;
        kc_error err = { 0 };
        uint64_t cap_space[3], cap_iops[3], best = 0, x[3];
        size_t np = 1 + kc_test_rand(&seed) % 3;

        if (kc_test_rand(&seed) % 2)
            vm.disk_mib = 1 + kc_test_rand(&seed) % 400;
        if (kc_test_rand(&seed) % 2 || !vm.disk_mib)
            vm.iops = 1 + kc_test_rand(&seed) % 300;
        h.n_storage = np;
        for (size_t i = 0; i < np; i++) {
            kc_raid raid = (kc_raid)(kc_test_rand(&seed) % KC_RAID_LAST);
            uint32_t n = kc_raid_min_devices(raid) + (uint32_t)(kc_test_rand(&seed) % 3);

            if (raid == KC_RAID_10 && n % 2)
                n++;
            h.storage[i] = group(n, 50 + kc_test_rand(&seed) % 500,
                                 10 + kc_test_rand(&seed) % 200,
                                 10 + kc_test_rand(&seed) % 200, raid);
            h.storage[i].boot = kc_test_rand(&seed) % 4 == 0;
            h.storage[i].used_mib = kc_test_rand(&seed) % 100;
            h.storage[i].used_iops = kc_test_rand(&seed) % 50;
            h.used.disk_mib += h.storage[i].used_mib;
            h.used.iops += h.storage[i].used_iops;
            /* independent capacities: the RAID formulas (tested above) x max util 100 % */
            cap_space[i] = kc_pool_space_mib(&h.storage[i]);
            cap_iops[i] = kc_pool_iops(&h.storage[i], vm.write_bp);
        }
        cr_assert_eq(kc_fit_compute_reference(&h, &vm, &p, &fit, &err), 0, "%s", err.msg);
        cr_assert_eq(kc_fit_count(&h, &vm, &p, &sum, &err), 0, "%s", err.msg);
        cr_expect_eq(sum.count, fit.count);
        cr_expect_eq(sum.bottleneck, fit.bottleneck);
        /* the host-wide limit: the same VM asking no storage */
        host_only = vm;
        host_only.disk_mib = host_only.iops = 0;
        cr_assert_eq(kc_fit_count(&h, &host_only, &p, &hs, &err), 0, "%s", err.msg);
        /* every assignment x[i] <= 40 VMs per pool */
        for (x[0] = 0; x[0] <= 40; x[0]++)
            for (x[1] = 0; x[1] <= (np > 1 ? 40 : 0); x[1]++)
                for (x[2] = 0; x[2] <= (np > 2 ? 40 : 0); x[2]++) {
                    uint64_t k = 0;
                    bool ok = true;

                    for (size_t i = 0; i < np && ok; i++) {
                        const kc_storage *s = &h.storage[i];

                        k += x[i];
                        if (x[i] == 0)
                            continue;    /* an unused pool may be over-full already */
                        if (s->boot)
                            ok = false;
                        if (vm.disk_mib && x[i] * vm.disk_mib + s->used_mib > cap_space[i])
                            ok = false;
                        if (vm.iops && x[i] * vm.iops + s->used_iops > cap_iops[i])
                            ok = false;
                    }
                    if (ok && k <= hs.count && k > best)
                        best = k;
                }
        if (best < 40) {    /* else the enumeration was cut short */
            cr_expect_eq(fit.count, best, "case %d np %zu hs %lu disk %lu iops %lu b0 %d cs %lu ci %lu u %lu", t, np, (unsigned long)hs.count, (unsigned long)vm.disk_mib, (unsigned long)vm.iops, h.storage[0].boot, (unsigned long)cap_space[0], (unsigned long)cap_iops[0], (unsigned long)h.storage[0].used_iops);
            checked++;
        }
    }
    cr_expect(checked > 1000, "%u cases checked", checked);
}
