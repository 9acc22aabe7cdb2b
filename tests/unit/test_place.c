/* SPDX-License-Identifier: MIT */
/* test_place.c: placing counted shapes across different hosts (model/place.c). */
#include <criterion/criterion.h>

#include "helpers.h"
#include "place.h"

static kc_place *solve(const kc_host *hosts, size_t n_hosts, const kc_shape *shapes,
                       const uint64_t *counts, size_t n_shapes)
{
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_place *p = NULL;

    cr_assert_eq(kc_place_solve(hosts, n_hosts, shapes, counts, n_shapes, &policy, &p, &err),
                 0, "%s", err.msg);
    cr_assert_not_null(p);
    return p;
}

Test(place, fills_hosts_in_the_order_given)
{
    kc_host hosts[2] = { kc_test_host(8, 8192), kc_test_host(8, 8192) };
    kc_shape shape = { .vcpus = 1, .mem_mib = 1024 };
    uint64_t count = 10;
    kc_place *p = solve(hosts, 2, &shape, &count, 1);

    /* (8192 - 512) / 1024 = 7 on the first host, the other 3 on the second */
    cr_expect_eq(p->counts[0], 7);
    cr_expect_eq(p->counts[1], 3);
    cr_expect_eq(p->shapes[0].placed, 10);
    cr_expect_eq(p->shapes[0].unplaced, 0);
    cr_expect(p->complete);
    kc_place_free(p);
}

Test(place, largest_shape_is_placed_first)
{
    kc_host hosts[2] = { kc_test_host(8, 8704), kc_test_host(8, 8704) };
    kc_shape shapes[2] = { { .vcpus = 1, .mem_mib = 1024 }, { .vcpus = 4, .mem_mib = 4096 } };
    uint64_t counts[2] = { 4, 2 };
    kc_place *p = solve(hosts, 2, shapes, counts, 2);

    /* 4c4g x 2 fill the first host's 8192 MiB; the 1c1g go to the second */
    cr_expect_eq(p->counts[1 * 2 + 0], 2);
    cr_expect_eq(p->counts[1 * 2 + 1], 0);
    cr_expect_eq(p->counts[0 * 2 + 0], 0);
    cr_expect_eq(p->counts[0 * 2 + 1], 4);
    cr_expect(p->complete);
    kc_place_free(p);
}

Test(place, existing_usage_is_respected)
{
    kc_host hosts[1] = { kc_test_host(8, 8192) };
    kc_shape shape = { .vcpus = 1, .mem_mib = 1024 };
    uint64_t count = 7;
    kc_place *p;

    hosts[0].used.vms = 2;
    hosts[0].used.vcpus = 2;
    hosts[0].used.mem_mib = 2048;
    p = solve(hosts, 1, &shape, &count, 1);
    cr_expect_eq(p->counts[0], 5);      /* (8192 - 512 - 2048) / 1024 */
    cr_expect_eq(p->shapes[0].unplaced, 2);
    kc_place_free(p);
}

Test(place, the_rest_names_the_full_resource)
{
    kc_host hosts[1] = { kc_test_host(8, 8192) };
    kc_shape shape = { .vcpus = 1, .mem_mib = 1024 };
    uint64_t count = 10;
    kc_place *p = solve(hosts, 1, &shape, &count, 1);

    cr_expect_eq(p->shapes[0].placed, 7);
    cr_expect_eq(p->shapes[0].unplaced, 3);
    cr_expect_not(p->complete);
    cr_expect_eq(p->shapes[0].full, 1u << KC_RES_MEMORY);
    cr_expect_eq(p->shapes[0].hosts_too_big, 0);
    kc_place_free(p);
}

Test(place, a_vm_bigger_than_every_host_is_named_too_big)
{
    kc_host hosts[2] = { kc_test_host(8, 65536), kc_test_host(4, 65536) };
    kc_shape shape = { .vcpus = 16, .mem_mib = 1024 };
    uint64_t count = 1;
    kc_place *p = solve(hosts, 2, &shape, &count, 1);

    cr_expect_eq(p->shapes[0].placed, 0);
    cr_expect_eq(p->shapes[0].hosts_too_big, 2);
    cr_expect_eq(p->shapes[0].too_big, 1u << KC_RES_CPU);
    kc_place_free(p);
}

Test(place, network_placed_by_one_shape_is_not_offered_to_the_next)
{
    kc_host hosts[2] = { kc_test_host(64, 262144), kc_test_host(64, 262144) };
    kc_shape shapes[2] = { { .vcpus = 2, .mem_mib = 2048, .net_kbps = 600000 },
                           { .vcpus = 1, .mem_mib = 1024, .net_kbps = 300000 } };
    uint64_t counts[2] = { 1, 2 };
    kc_place *p;

    for (int h = 0; h < 2; h++) {
        hosts[h].n_nics = 1;
        hosts[h].nics[0].speed_kbps = 1000000;      /* 1 Gbit/s */
    }
    p = solve(hosts, 2, shapes, counts, 2);
    /* the 600m VM leaves 400m on host 0: one 300m VM there, not three */
    cr_expect_eq(p->counts[0 * 2 + 0], 1);
    cr_expect_eq(p->counts[1 * 2 + 0], 1);
    cr_expect_eq(p->counts[1 * 2 + 1], 1);
    cr_expect(p->complete);
    kc_place_free(p);
}

Test(place, no_hosts_places_nothing)
{
    kc_shape shape = { .vcpus = 1, .mem_mib = 1024 };
    uint64_t count = 3;
    kc_place *p = solve(NULL, 0, &shape, &count, 1);

    cr_expect_eq(p->shapes[0].placed, 0);
    cr_expect_eq(p->shapes[0].unplaced, 3);
    cr_expect_not(p->complete);
    kc_place_free(p);
}

Test(place, same_input_same_placement)
{
    kc_host hosts[3] = { kc_test_host(8, 16384), kc_test_host(32, 8192), kc_test_host(4, 65536) };
    kc_shape shapes[3] = { { .vcpus = 2, .mem_mib = 4096 }, { .vcpus = 4, .mem_mib = 2048 },
                           { .vcpus = 1, .mem_mib = 4096 } };
    uint64_t counts[3] = { 5, 9, 7 };
    kc_place *a = solve(hosts, 3, shapes, counts, 3);
    kc_place *b = solve(hosts, 3, shapes, counts, 3);
    uint64_t sum[3] = { 0 };

    cr_expect_arr_eq(a->counts, b->counts, 9 * sizeof(uint64_t));
    for (size_t s = 0; s < 3; s++) {
        for (size_t h = 0; h < 3; h++)
            sum[s] += a->counts[s * 3 + h];
        cr_expect_eq(sum[s], a->shapes[s].placed);
        cr_expect_eq(a->shapes[s].placed + a->shapes[s].unplaced, counts[s]);
    }
    kc_place_free(a);
    kc_place_free(b);
}

Test(place, a_zero_vcpu_shape_is_an_error)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape shape = { .vcpus = 0, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    uint64_t count = 1;
    kc_error err = { 0 };
    kc_place *p = NULL;

    cr_expect_eq(kc_place_solve(&host, 1, &shape, &count, 1, &policy, &p, &err), -1);
    cr_expect_null(p);
    cr_expect_eq(err.code, KC_ERR_INVALID);
}

/* Hugepage VMs hold whole pages: a later shape sees only the pages really left. */
Test(place, hugepage_vms_hold_whole_pages)
{
    kc_host host = kc_test_host(64, 32768);
    kc_shape shapes[2] = { { .vcpus = 1, .mem_mib = 1536, .hugepages = true },
                           { .vcpus = 1, .mem_mib = 1024, .hugepages = true } };
    uint64_t counts[2] = { 4, 12 };
    kc_place *p;

    host.hugepages_mib = 16384;
    host.hugepage_kib = 1024 * 1024;    /* 1 GiB pages: 1.5 GiB takes 2 */
    p = solve(&host, 1, shapes, counts, 2);
    /* 4 x 2 pages = 8, leaving 8 pages for the 1 GiB VMs */
    cr_expect_eq(p->shapes[0].placed, 4);
    cr_expect_eq(p->shapes[1].placed, 8);
    cr_expect_eq(p->shapes[1].unplaced, 4);
    cr_expect_not(p->complete);
    kc_place_free(p);
}

/* The cpu= load of placed VMs is known usage: 6 x 1c at 100 % + 26 x 1c at 10 % is 8.6
 * cores of load on 8 cores; `fit` on the same host says 20 of the 26 fit. */
Test(place, the_cpu_load_of_placed_vms_counts)
{
    kc_host host = kc_test_host(8, 65536);
    kc_shape shapes[2] = { { .vcpus = 1, .mem_mib = 2, .cpu_util_bp = 10000 },
                           { .vcpus = 1, .mem_mib = 1, .cpu_util_bp = 1000 } };
    uint64_t counts[2] = { 6, 26 };
    kc_place *p = solve(&host, 1, shapes, counts, 2);

    cr_expect_eq(p->shapes[0].placed, 6);
    cr_expect_eq(p->shapes[1].placed, 20);    /* (80000 - 60000) / 1000 */
    cr_expect_eq(p->shapes[1].full, 1u << KC_RES_CPU_LOAD);
    cr_expect_eq(p->hosts[0].used.load_vcpus, 26);
    cr_expect_eq(p->hosts[0].used.load_bp, 6 * 10000 + 20 * 1000);
    kc_place_free(p);
}

/* The hosts after the placement: what a fleet's per-host counts are taken on. */
Test(place, the_hosts_after_placement_hold_the_placed_vms)
{
    kc_host hosts[2] = { kc_test_host(8, 8192), kc_test_host(8, 8192) };
    kc_shape shape = { .vcpus = 1, .mem_mib = 1024, .disk_mib = 10, .net_kbps = 5, .iops = 3,
                       .mbps = 2 };
    kc_policy policy = kc_test_policy();
    uint64_t count = 9;
    kc_place *p = solve(hosts, 2, &shape, &count, 1);
    kc_error err = { 0 };
    kc_fit fit;

    cr_expect_eq(p->hosts[0].used.vms, 7);
    cr_expect_eq(p->hosts[1].used.vms, 2);
    cr_expect_eq(p->hosts[1].used.mem_mib, 2048);
    cr_expect_eq(p->hosts[1].used.disk_mib, 20);
    cr_expect_eq(p->hosts[1].used.net_kbps, 10);
    cr_expect_eq(p->hosts[1].used.iops, 6);
    cr_expect_eq(p->hosts[1].used.mbps, 4);
    cr_assert_eq(kc_fit_compute(&p->hosts[1], &shape, &policy, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 5);
    kc_place_free(p);
}

/* --numa strict: a placed VM sits whole on one node, as a real one does. 8c8g on 2 nodes,
 * 1536 MiB VMs: 2 per node. After 3 placed (2 + 1), 1 more fits, not 2. */
Test(place, numa_strict_puts_each_vm_whole_on_one_node)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape shape = { .vcpus = 1, .mem_mib = 1536 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fit;

    host.n_numa = 2;
    host.numa[0] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    host.numa[1] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    policy.numa = KC_NUMA_STRICT;
    cr_assert_eq(kc_place_add(&host, &shape, &policy, 3, &err), 0, "%s", err.msg);
    cr_expect_eq(host.node_used[0].vms, 2);
    cr_expect_eq(host.node_used[0].mem_mib, 3072);
    cr_expect_eq(host.node_used[1].vms, 1);
    cr_expect_eq(host.used.vms, 3);
    cr_assert_eq(kc_fit_compute(&host, &shape, &policy, &fit, &err), 0, "%s", err.msg);
    cr_expect_eq(fit.count, 1);
    /* spread: the host-wide usage only */
    policy.numa = KC_NUMA_SPREAD;
    host = kc_test_host(8, 8192);
    cr_assert_eq(kc_place_add(&host, &shape, &policy, 3, &err), 0, "%s", err.msg);
    cr_expect_eq(host.node_used[0].vms, 0);
    cr_expect_eq(host.used.mem_mib, 3 * 1536);
}

Test(place, a_placement_beyond_64_bits_is_an_error_and_changes_nothing)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape shape = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };

    host.used.mem_mib = UINT64_MAX - 10;
    cr_expect_eq(kc_place_add(&host, &shape, &policy, 1, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_eq(host.used.vms, 0);
}
