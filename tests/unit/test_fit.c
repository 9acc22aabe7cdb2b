/* SPDX-License-Identifier: MIT */
/* test_fit.c: every rule of doc/model.md 2 and 3 for one host and one shape. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "fit.h"
#include "fit_reference.h"
#include "helpers.h"

#define BIT(r) (1u << (r))

static kc_fit fit_ok(const kc_host *host, const kc_shape *shape, const kc_policy *policy)
{
    kc_error err = { 0 };
    kc_fit fit;

    cr_assert_eq(kc_fit_compute(host, shape, policy, &fit, &err), 0, "%s", err.msg);
    return fit;
}

/* ---- the worked example of doc/model.md 1.1 ---- */

Test(fit, worked_example_8c8g_fits_7_of_1c1g_memory_bound)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit = fit_ok(&host, &vm, &policy);

    cr_expect_eq(fit.count, 7);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_MEMORY));
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 7680);
    cr_expect_eq(fit.res[KC_RES_CPU].capacity, 32);
    cr_expect_eq(fit.res[KC_RES_CPU].limit, 32);
}

Test(fit, worked_example_overcommit_20_fits_9)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.overcommit_bp = 2000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 9);
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 9216);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_MEMORY));
}

Test(fit, worked_example_overcommit_50_fits_11)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.overcommit_bp = 5000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 11);
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 11520);
}

Test(fit, reserve_is_taken_before_overcommit)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();

    policy.reserve_mib = 0;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 8);
    policy.reserve_mib = 2048;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 6);
}

/* ---- ties and the bottleneck ---- */

Test(fit, tie_lists_every_resource_at_the_minimum)
{
    /* 2 CPUs x ratio 1.0 = 2 vCPUs; (2560 - 512) / 1024 = 2 VMs of memory */
    kc_host host = kc_test_host(2, 2560);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.cpu_ratio_milli = 1000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 2);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_MEMORY) | BIT(KC_RES_CPU));
}

Test(fit, cpu_bound_when_memory_is_plenty)
{
    kc_host host = kc_test_host(4, 65536);
    kc_shape vm = { .vcpus = 2, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit = fit_ok(&host, &vm, &policy);

    cr_expect_eq(fit.count, 8);    /* 4 x 4.0 = 16 vCPUs / 2 */
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_CPU));
}

/* ---- the physical rule ---- */

Test(fit, vm_with_more_ram_than_host_fits_zero_times_whatever_the_overcommit)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 7681 };    /* one MiB over RAM - reserve */
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.overcommit_bp = 100000;    /* 1000 %: capacity would allow 11 */
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect(fit.too_big);
    cr_expect_eq(fit.too_big_res, KC_RES_MEMORY);
    cr_expect(fit.bottleneck & BIT(KC_RES_MEMORY));
    vm.mem_mib = 7680;    /* exactly RAM - reserve fits once */
    policy.overcommit_bp = 0;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 1);
    cr_expect_not(fit.too_big);
}

Test(fit, vm_with_more_vcpus_than_cpus_fits_zero_times_whatever_the_ratio)
{
    kc_host host = kc_test_host(8, 65536);
    kc_shape vm = { .vcpus = 9, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.cpu_ratio_milli = 16000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect_eq(fit.too_big_res, KC_RES_CPU);
    /* reserved CPUs shrink what a VM may span */
    vm.vcpus = 8;
    policy.reserve_cpus = 1;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 0);
    policy.reserve_cpus = 0;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 16);    /* 8 x 16 / 8 = 16, memory 63 */
}

Test(fit, vm_disk_bigger_than_storage_fits_zero_times_whatever_the_disk_overcommit)
{
    kc_host host = kc_test_host(8, 65536);
    kc_shape vm = { .vcpus = 1, .mem_mib = 512, .disk_mib = 2 * 1024 * 1024 + 1 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_storage = 1;
    host.storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 2, .size_mib = 1024 * 1024 };
    policy.disk_overcommit_bp = 50000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect_eq(fit.too_big_res, KC_RES_DISK);
}

/* ---- cpu ---- */

Test(fit, cpu_ratio_and_reserved_cpus_are_exact)
{
    /* 3 CPUs x 1.333 = 3.999 vCPUs: 3, never 4 */
    kc_host host = kc_test_host(3, 65536);
    kc_shape vm = { .vcpus = 1, .mem_mib = 256 };
    kc_policy policy = kc_test_policy();

    policy.cpu_ratio_milli = 1333;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_CPU].limit, 3);
    policy.cpu_ratio_milli = 1334;    /* 4.002 */
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_CPU].limit, 4);
    policy.reserve_cpus = 1;    /* 2 x 1.334 = 2.668 */
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_CPU].limit, 2);
}

Test(fit, cpu_load_counts_busy_share_against_cores_times_max_util)
{
    kc_host host = kc_test_host(8, 1 << 20);
    kc_shape vm = { .vcpus = 2, .mem_mib = 1024, .cpu_util_bp = 5000 };
    kc_policy policy = kc_test_policy();
    kc_fit fit = fit_ok(&host, &vm, &policy);

    cr_expect_eq(fit.res[KC_RES_CPU_LOAD].state, KC_RES_BOUNDED);
    cr_expect_eq(fit.res[KC_RES_CPU_LOAD].capacity, 80000);
    cr_expect_eq(fit.res[KC_RES_CPU_LOAD].per_vm, 10000);
    cr_expect_eq(fit.count, 8);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_CPU_LOAD));
    policy.max_util_bp = 8000;    /* 6.4 cores busy at most */
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 6);
    vm.cpu_util_bp = 0;           /* not given: not a resource */
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_CPU_LOAD].state, KC_RES_ABSENT);
}

/* ---- max util, overhead, existing VMs ---- */

Test(fit, max_util_caps_every_resource_memory_included)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.max_util_bp = 8000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 6144);    /* 7680 x 0.8 */
    cr_expect_eq(fit.count, 6);
    cr_expect_eq(fit.res[KC_RES_CPU].capacity, 25);         /* 8 x 4 x 0.8 = 25.6 */
}

Test(fit, fixed_overhead_is_added_per_vm)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.overhead_mib = 100;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].per_vm, 1124);
    cr_expect_eq(fit.count, 6);    /* 7680 / 1124 = 6.8 */
    cr_expect_eq(fit.overhead_mib, 100);
}

Test(fit, auto_overhead_follows_the_documented_formula)
{
    kc_shape vm = { .vcpus = 4, .mem_mib = 16384 };
    kc_shape odd = { .vcpus = 1, .mem_mib = 1000 };
    kc_policy policy = kc_test_policy();

    policy.overhead_mode = KC_OVERHEAD_AUTO;
    cr_expect_eq(kc_fit_overhead_mib(&vm, &policy), 64 + 32 + 32);
    cr_expect_eq(kc_fit_overhead_mib(&odd, &policy), 64 + 2 + 8);    /* RAM/512 rounded up */
}

Test(fit, existing_vms_are_subtracted_with_their_overhead)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.used = (kc_usage){ .vms = 2, .vcpus = 30, .mem_mib = 2048 };
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].used, 2048);
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 5);
    cr_expect_eq(fit.res[KC_RES_CPU].limit, 2);    /* 32 - 30 */
    cr_expect_eq(fit.count, 2);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_CPU));
    policy.overhead_mib = 256;    /* 2 existing x 256 + 1280 per VM */
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].used, 2560);
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 4);
}

Test(fit, host_already_full_fits_zero_without_wrapping)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.used = (kc_usage){ .vms = 1, .vcpus = 100, .mem_mib = 9000 };
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 0);
    cr_expect_eq(fit.res[KC_RES_CPU].limit, 0);
    cr_expect_not(fit.too_big);
}

/* ---- network ---- */

Test(fit, network_divides_uplink_by_vm_bandwidth_bridge_and_nat)
{
    kc_host host = kc_test_host(64, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .net_kbps = 1000000 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_nics = 2;
    host.nics[0].speed_kbps = 10000000;
    host.nics[1].speed_kbps = 10000000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_NETWORK].capacity, 20000000);
    cr_expect_eq(fit.count, 20);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_NETWORK));
    policy.net_mode = KC_NET_NAT;
    policy.nat_efficiency_bp = 7500;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 15);
    policy.nat_efficiency_bp = 3333;    /* 6.666 Gbit/s */
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 6);
}

/* issue 12: only vm NICs are the uplink; mgmt and storage ports carry no VM traffic */
Test(fit, network_counts_only_vm_nics)
{
    kc_host host = kc_test_host(64, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .net_kbps = 1000000 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_nics = 3;
    host.nics[0] = (kc_nic){ .speed_kbps = 10000000, .role = KC_NIC_VM };
    host.nics[1] = (kc_nic){ .speed_kbps = 10000000, .role = KC_NIC_STORAGE };
    host.nics[2] = (kc_nic){ .speed_kbps = 1000000, .role = KC_NIC_MGMT };
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_NETWORK].capacity, 10000000);
    cr_expect_eq(fit.count, 10);
    cr_expect_eq(kc_host_nic_kbps(&host, KC_NIC_STORAGE), 10000000);
    cr_expect_eq(kc_host_nic_kbps(&host, KC_NIC_MGMT), 1000000);
    host.nics[1].role = KC_NIC_VM;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 20);
    /* no vm NIC at all: the VMs' bandwidth is not known, as with a NIC of unknown speed */
    host.nics[0].role = KC_NIC_MGMT;
    host.nics[1].role = KC_NIC_STORAGE;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_NETWORK].state, KC_RES_UNKNOWN);
}

Test(fit, nic_role_out_of_range_is_invalid)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fit;

    host.n_nics = 1;
    host.nics[0] = (kc_nic){ .speed_kbps = 1000000, .role = KC_NIC_LAST };
    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), -1);
    cr_expect_str_eq(err.msg, "NIC 0 has an unknown role");
}

Test(fit, network_unbounded_without_net_and_unknown_without_nic_speed)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_nics = 1;
    host.nics[0].speed_kbps = 1000000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_NETWORK].state, KC_RES_UNBOUNDED);
    cr_expect_eq(fit.res[KC_RES_NETWORK].capacity, 1000000);
    cr_expect_eq(fit.count, 7);

    host.nics[0].speed_kbps = 0;    /* unknown speed: not planned, not zero */
    vm.net_kbps = 100000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_NETWORK].state, KC_RES_UNKNOWN);
    cr_expect_eq(fit.count, 7);
}

/* ---- disk space, iops, throughput by device type ---- */

static void add_storage(kc_host *host, kc_storage s)
{
    host->storage[host->n_storage++] = s;
}

Test(fit, disk_space_with_disk_overcommit_and_used)
{
    kc_host host = kc_test_host(64, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .disk_mib = 40 * 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    add_storage(&host, (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 1, .size_mib = 1024 * 1024 });
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_DISK].limit, 25);    /* 1024 GiB / 40 GiB = 25.6 */
    policy.disk_overcommit_bp = 10000;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_DISK].limit, 51);
    host.used.disk_mib = 1024 * 1024;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_DISK].limit, 25);
}

Test(fit, iops_and_throughput_sum_local_devices)
{
    kc_host host = kc_test_host(64, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .iops = 300, .mbps = 50 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    /* 4 x HDD 7.2k (80 IOPS, 150 MB/s each) */
    add_storage(&host, (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 4, .size_mib = 1 << 22,
                                     .iops = 80, .mbps = 150 });
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_IOPS].capacity, 320);
    cr_expect_eq(fit.res[KC_RES_IOPS].limit, 1);
    cr_expect_eq(fit.res[KC_RES_THROUGHPUT].limit, 12);
    cr_expect_eq(fit.count, 1);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_IOPS));
}

Test(fit, network_storage_is_capped_by_its_link)
{
    kc_host host = kc_test_host(64, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .iops = 1000, .mbps = 100 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    /* an array good for 200k IOPS / 4000 MB/s behind a 10 GbE link (1250 MB/s) */
    add_storage(&host, (kc_storage){ .kind = KC_STORAGE_NETWORK, .count = 1, .size_mib = 1 << 24,
                                     .iops = 200000, .mbps = 4000,
                                     .link_iops = 305175, .link_mbps = 1250 });
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_THROUGHPUT].capacity, 1250);
    cr_expect_eq(fit.res[KC_RES_IOPS].capacity, 200000);
    cr_expect_eq(fit.res[KC_RES_THROUGHPUT].limit, 12);
    /* the same device counted local would not be capped */
    host.storage[0].kind = KC_STORAGE_LOCAL;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_THROUGHPUT].capacity, 4000);
}

Test(fit, storage_with_unknown_figures_is_not_planned)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .iops = 100 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    add_storage(&host, (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 1, .size_mib = 1 << 20 });
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_IOPS].state, KC_RES_UNKNOWN);
    cr_expect_eq(fit.res[KC_RES_DISK].state, KC_RES_UNBOUNDED);
    cr_expect_eq(fit.count, 7);
}

/* ---- hugepages ---- */

Test(fit, hugepage_pool_is_not_available_to_normal_vms)
{
    kc_host host = kc_test_host(16, 16384 + 512);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.hugepages_mib = 8192;
    host.hugepage_kib = 2048;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 8192);
    cr_expect_eq(fit.count, 8);
    cr_expect_eq(fit.res[KC_RES_HUGEPAGES].state, KC_RES_UNBOUNDED);
}

Test(fit, hugepage_vm_draws_whole_pages_from_the_pool_never_overcommitted)
{
    kc_host host = kc_test_host(64, 65536);
    kc_shape vm = { .vcpus = 1, .mem_mib = 2560, .hugepages = true };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.hugepages_mib = 16384;
    host.hugepage_kib = 1024 * 1024;    /* 1 GiB pages: 2.5 GiB takes 3 */
    policy.overcommit_bp = 5000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_HUGEPAGES].per_vm, 3072);
    cr_expect_eq(fit.res[KC_RES_HUGEPAGES].capacity, 16384);
    cr_expect_eq(fit.count, 5);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_HUGEPAGES));
    cr_expect_eq(fit.res[KC_RES_MEMORY].state, KC_RES_UNBOUNDED);    /* no overhead set */
    policy.overhead_mib = 100;    /* overhead comes from normal memory */
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].per_vm, 100);
    cr_expect_eq(fit.count, 5);
}

Test(fit, hugepage_vm_on_host_without_pool_fits_zero)
{
    kc_host host = kc_test_host(64, 65536);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .hugepages = true };
    kc_policy policy = kc_test_policy();
    kc_fit fit = fit_ok(&host, &vm, &policy);

    cr_expect_eq(fit.count, 0);
    cr_expect(fit.too_big);
    cr_expect_eq(fit.too_big_res, KC_RES_HUGEPAGES);
}

/* ---- NUMA ---- */

static kc_host two_node_host(void)
{
    kc_host host = kc_test_host(8, 8192);

    host.n_numa = 2;
    host.numa[0] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    host.numa[1] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    return host;
}

Test(fit, numa_strict_fits_per_node_and_sums)
{
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 2048 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 3);    /* spread: 7680 / 2048 */
    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 2);    /* each node: (4096 - 256) / 2048 = 1 */
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 2);
    cr_expect(fit.bottleneck & BIT(KC_RES_MEMORY));
}

Test(fit, numa_strict_vm_bigger_than_every_node_fits_zero)
{
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 5120 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 1);    /* spread: 7680 / 5120 */
    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect(fit.too_big);
    cr_expect_eq(fit.too_big_res, KC_RES_MEMORY);
    vm = (kc_shape){ .vcpus = 5, .mem_mib = 512 };    /* more vCPUs than a node has */
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect_eq(fit.too_big_res, KC_RES_CPU);
}

Test(fit, numa_strict_mixed_bottlenecks_are_reported_as_numa_limited)
{
    /* node 0 is memory-poor, node 1 cpu-poor: host-wide sums hide it */
    kc_host host = kc_test_host(10, 16384);
    kc_shape vm = { .vcpus = 2, .mem_mib = 2048 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_numa = 2;
    host.numa[0] = (kc_numa_node){ .cpus = 8, .mem_mib = 2048 + 256 };
    host.numa[1] = (kc_numa_node){ .cpus = 2, .mem_mib = 14336 - 256 };
    policy.cpu_ratio_milli = 1000;
    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    /* node 0: memory 1, cpu 4 -> 1; node 1: memory 6, cpu 1 -> 1 */
    cr_expect_eq(fit.count, 2);
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 7);
    cr_expect_eq(fit.res[KC_RES_CPU].limit, 5);
    cr_expect(fit.numa_limited);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_MEMORY) | BIT(KC_RES_CPU));
}

Test(fit, numa_strict_hugepages_per_node)
{
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1536, .hugepages = true };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.hugepages_mib = 4096;
    host.hugepage_kib = 2048;
    host.numa[0].hugepages_mib = 2048;
    host.numa[1].hugepages_mib = 2048;
    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 2);    /* one per node; spread would give 4096/1536 = 2 too */
    vm.mem_mib = 2560;             /* bigger than each node's pool, smaller than the pool */
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect_eq(fit.too_big_res, KC_RES_HUGEPAGES);
    policy.numa = KC_NUMA_SPREAD;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 1);
}

Test(fit, numa_strict_splits_reserved_cpus_as_integers_adding_up)
{
    /* 16 CPUs on 4 nodes, 1 reserved: 3 + 4 + 4 + 4 = 15 usable, not 4 x (4 - 1) = 12 */
    kc_host host = kc_test_host(16, 65536);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_numa = 4;
    for (size_t i = 0; i < 4; i++)
        host.numa[i] = (kc_numa_node){ .cpus = 4, .mem_mib = 16384 };
    policy.numa = KC_NUMA_STRICT;
    policy.reserve_cpus = 1;
    policy.cpu_ratio_milli = 1000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 15);
    cr_expect_eq(fit.res[KC_RES_CPU].capacity, 15);
    cr_expect_not(fit.numa_limited);    /* 15 host-wide too */
    /* 5 reserved over 4 nodes: 2 + 1 + 1 + 1 */
    policy.reserve_cpus = 5;
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 11);
}

Test(fit, numa_strict_splits_the_memory_reserve_as_integers_adding_up)
{
    /* 513 MiB over 2 nodes: 257 + 256, not 2 x 257 */
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.numa = KC_NUMA_STRICT;
    policy.reserve_mib = 513;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 8192 - 513);
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 8192 - 513);
    /* a reserve a node cannot hold goes on to the next node */
    host.numa[0] = (kc_numa_node){ .cpus = 4, .mem_mib = 100 };
    host.numa[1] = (kc_numa_node){ .cpus = 4, .mem_mib = 8092 };
    policy.reserve_mib = 1000;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_MEMORY].capacity, 8192 - 1000);
}

Test(fit, numa_strict_splits_existing_usage_as_integers_adding_up)
{
    /* 3 existing vCPUs over 2 nodes: 2 + 1, not 2 + 2 */
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 512 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.used = (kc_usage){ .vms = 3, .vcpus = 3, .mem_mib = 3 };
    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_CPU].used, 3);
    cr_expect_eq(fit.res[KC_RES_MEMORY].used, 3);
}

Test(fit, numa_strict_too_big_in_memory_names_memory_and_keeps_the_cpu_limit)
{
    /* 4c40g on 2 x 32 GiB: memory fits no node; cpu alone takes 16 per node */
    kc_host host = kc_test_host(16, 65536);
    kc_shape vm = { .vcpus = 4, .mem_mib = 40960 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_numa = 2;
    host.numa[0] = (kc_numa_node){ .cpus = 8, .mem_mib = 32768 };
    host.numa[1] = (kc_numa_node){ .cpus = 8, .mem_mib = 32768 };
    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 0);
    cr_expect_eq(fit.too_big_res, KC_RES_MEMORY);
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 0);
    cr_expect_eq(fit.res[KC_RES_CPU].limit, 16);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_MEMORY));
    cr_expect(fit.numa_limited);           /* host-wide 1 would fit */
    cr_expect_eq(fit.spread_count, 1);
}

Test(fit, numa_strict_sets_numa_limited_when_the_split_lowers_the_count)
{
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 2048 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.numa = KC_NUMA_STRICT;
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 2);            /* host-wide 3 */
    cr_expect(fit.numa_limited);
    cr_expect_eq(fit.spread_count, 3);
    vm.mem_mib = 1920;                     /* 2 per node, 4 host-wide: no change */
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 4);
    cr_expect_not(fit.numa_limited);
}

Test(fit, numa_strict_counts_vms_of_known_node_on_their_node)
{
    /* 3 x 1536 MiB placed whole: 2 on node 0, 1 on node 1; 1 more fits (on node 1) */
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1536 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.numa = KC_NUMA_STRICT;
    host.used = (kc_usage){ .vms = 3, .vcpus = 3, .mem_mib = 3 * 1536 };
    host.node_used[0] = (kc_node_usage){ .vms = 2, .vcpus = 2, .mem_mib = 3072 };
    host.node_used[1] = (kc_node_usage){ .vms = 1, .vcpus = 1, .mem_mib = 1536 };
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.count, 1);
    cr_expect_eq(fit.res[KC_RES_MEMORY].used, 3 * 1536);
    cr_expect_eq(fit.res[KC_RES_CPU].used, 3);
}

Test(fit, node_usage_above_the_host_usage_is_invalid)
{
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1536 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fit;

    host.node_used[1] = (kc_node_usage){ .vms = 1, .vcpus = 1, .mem_mib = 1536 };
    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
}

Test(fit, numa_strict_hugepage_row_only_for_hugepage_vms_or_a_pool)
{
    kc_host host = two_node_host();
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();

    policy.numa = KC_NUMA_STRICT;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_HUGEPAGES].state, KC_RES_ABSENT);
    vm.hugepages = true;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_HUGEPAGES].state, KC_RES_BOUNDED);
    vm.hugepages = false;
    host.hugepages_mib = 2048;
    host.hugepage_kib = 2048;
    host.numa[0].hugepages_mib = 1024;
    host.numa[1].hugepages_mib = 1024;
    cr_expect_eq(fit_ok(&host, &vm, &policy).res[KC_RES_HUGEPAGES].state, KC_RES_UNBOUNDED);
}

Test(fit, a_policy_that_leaves_nothing_to_plan_is_named)
{
    kc_host host = kc_test_host(8, 8192);
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };

    cr_expect_eq(kc_fit_check_policy(&host, &policy, &err), 0, "%s", err.msg);
    policy.reserve_mib = 8192;
    cr_expect_eq(kc_fit_check_policy(&host, &policy, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strstr(err.msg, "reserve") != NULL, "%s", err.msg);
    policy.reserve_mib = 8191;    /* 1 MiB left: a policy, if a tight one */
    cr_expect_eq(kc_fit_check_policy(&host, &policy, &err), 0, "%s", err.msg);
    policy = kc_test_policy();
    policy.reserve_cpus = 8;
    cr_expect_eq(kc_fit_check_policy(&host, &policy, &err), -1);
    cr_expect(strstr(err.msg, "CPUs") != NULL, "%s", err.msg);
    policy = kc_test_policy();
    host.hugepages_mib = 8192;
    cr_expect_eq(kc_fit_check_policy(&host, &policy, &err), -1);
    cr_expect(strstr(err.msg, "hugepage") != NULL, "%s", err.msg);
}

/* ---- bad input and overflow ---- */

Test(fit, zero_vcpu_or_zero_memory_shape_is_invalid)
{
    kc_host host = kc_test_host(8, 8192);
    kc_shape vm = { .vcpus = 0, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fit;

    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    vm = (kc_shape){ .vcpus = 1, .mem_mib = 0 };
    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), -1);
}

Test(fit, capacity_beyond_64_bits_is_an_error_not_a_wrapped_number)
{
    kc_host host = kc_test_host(8, UINT64_MAX / 2);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fit fit;

    policy.overcommit_bp = 50000;    /* x 6 */
    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strstr(err.msg, "memory") != NULL, "%s", err.msg);

    host = kc_test_host(8, 8192);
    host.n_storage = 2;
    host.storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 4, .size_mib = UINT64_MAX / 4 };
    host.storage[1] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 1, .size_mib = 1 << 20 };
    policy.overcommit_bp = 0;
    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), -1);
    cr_expect(strstr(err.msg, "storage") != NULL, "%s", err.msg);
}

Test(fit, huge_valid_host_is_exact)
{
    /* a 1 PiB, million-CPU host */
    kc_host host = kc_test_host(1000000, 1ull << 30);
    kc_shape vm = { .vcpus = 3, .mem_mib = 3000 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    policy.overcommit_bp = 1250;
    fit = fit_ok(&host, &vm, &policy);
    /* (2^30 - 512) x 1.125 / 3000 = 402652.992 */
    cr_expect_eq(fit.res[KC_RES_MEMORY].limit, 402652);
    cr_expect_eq(fit.res[KC_RES_CPU].limit, 1333333);
    cr_expect_eq(fit.count, 402652);
}

/* ---- exactness: a property test against an independent computation ---- */

/* The largest k with used + k x per_vm <= base x f1 x f2 / div, found by bisection on the
 * inequality (used + k x per_vm) x div <= base x f1 x f2 in 128 bits: no division by the
 * factors at all, so it shares no rounding with fit.c. */
static uint64_t ref_limit(uint64_t base, uint64_t f1, uint64_t f2, uint64_t div,
                          uint64_t used, uint64_t per_vm)
{
    kc_u128 rhs = (kc_u128)base * f1 * f2;
    uint64_t lo = 0, hi = UINT64_MAX;

    while (lo < hi) {
        uint64_t mid = lo + (hi - lo) / 2 + 1;
        kc_u128 lhs = ((kc_u128)used + (kc_u128)mid * per_vm);

        /* lhs x div may exceed 128 bits only when lhs is already far above rhs / div */
        if (lhs <= rhs / div + 1 && lhs * div <= rhs)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

Test(fit, property_counts_match_an_independent_exact_computation)
{
    uint64_t seed = 0x6b766d636170ull;
    unsigned naive_wrong = 0, checked = 0;

    for (int i = 0; i < 200000; i++) {
        kc_host host = kc_test_host((uint32_t)kc_test_range(&seed, 1, 4096),
                                    kc_test_range(&seed, 1, 1ull << 40));
        kc_shape vm = { .vcpus = (uint32_t)kc_test_range(&seed, 1, 64),
                        .mem_mib = kc_test_range(&seed, 1, 1 << 20) };
        kc_policy policy = kc_test_policy();
        kc_error err = { 0 };
        kc_fit fit;
        uint64_t base, mem_base, want_mem, want_cpu, want_disk = UINT64_MAX, want;

        policy.overcommit_bp = (uint32_t)kc_test_range(&seed, 0, 100000);
        policy.reserve_mib = kc_test_range(&seed, 0, 4096);
        policy.cpu_ratio_milli = (uint32_t)kc_test_range(&seed, 1, 64000);
        policy.max_util_bp = (uint32_t)kc_test_range(&seed, 1, 10000);
        policy.reserve_cpus = (uint32_t)kc_test_range(&seed, 0, 4);
        host.used.mem_mib = kc_test_range(&seed, 0, 1 << 20);
        host.used.vcpus = kc_test_range(&seed, 0, 1024);
        if (i % 3 == 0) {
            host.n_storage = 1;
            host.storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL,
                                            .count = (uint32_t)kc_test_range(&seed, 1, 24),
                                            .size_mib = kc_test_range(&seed, 1, 1ull << 24) };
            vm.disk_mib = kc_test_range(&seed, 1, 1ull << 20);
            policy.disk_overcommit_bp = (uint32_t)kc_test_range(&seed, 0, 30000);
        }

        cr_assert_eq(kc_fit_compute(&host, &vm, &policy, &fit, &err), 0, "%s", err.msg);

        base = host.mem_mib > policy.reserve_mib ? host.mem_mib - policy.reserve_mib : 0;
        want_mem = vm.mem_mib > base ? 0 :
            ref_limit(base, 10000 + (uint64_t)policy.overcommit_bp, policy.max_util_bp,
                      100000000, host.used.mem_mib, vm.mem_mib);
        mem_base = base;
        base = host.cpus > policy.reserve_cpus ? host.cpus - policy.reserve_cpus : 0;
        want_cpu = vm.vcpus > base ? 0 :
            ref_limit(base, policy.cpu_ratio_milli, policy.max_util_bp, 10000000,
                      host.used.vcpus, vm.vcpus);
        if (vm.disk_mib) {
            uint64_t total = host.storage[0].size_mib * host.storage[0].count;

            want_disk = vm.disk_mib > total ? 0 :
                ref_limit(total, 10000 + (uint64_t)policy.disk_overcommit_bp,
                          policy.max_util_bp, 100000000, 0, vm.disk_mib);
        }
        want = want_mem < want_cpu ? want_mem : want_cpu;
        want = want < want_disk ? want : want_disk;
        cr_assert_eq(fit.res[KC_RES_MEMORY].limit, want_mem, "case %d: memory", i);
        cr_assert_eq(fit.res[KC_RES_CPU].limit, want_cpu, "case %d: cpu", i);
        cr_assert_eq(fit.count, want, "case %d: count", i);
        checked++;

        /* what a naive floating-point formula would have said */
        if (host.used.mem_mib == 0 && vm.mem_mib <= mem_base) {
            double naive = floor((double)(host.mem_mib - policy.reserve_mib) *
                                 (1.0 + policy.overcommit_bp / 10000.0) *
                                 (policy.max_util_bp / 10000.0) / (double)vm.mem_mib);

            if (host.mem_mib > policy.reserve_mib && (uint64_t)naive != want_mem)
                naive_wrong++;
        }
    }
    cr_log_info("exactness: %u cases checked; a naive double formula was wrong in %u",
                checked, naive_wrong);
}

Test(fit, naive_double_formula_is_wrong_where_ours_is_exact)
{
    /* 0.16 is not exact in binary: 25 x 1.16 = 28.999999999999996 in double. With a
     * 537 MiB host (25 after the reserve), 16 % overcommit and 1 MiB VMs the truth is 29. */
    kc_host host = kc_test_host(64, 537);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1 };
    kc_policy policy = kc_test_policy();
    volatile double oc = 0.16;
    double naive = floor(25.0 * (1.0 + oc) / 1.0);

    policy.overcommit_bp = 1600;
    policy.cpu_ratio_milli = 16000;
    cr_assert_eq((int)naive, 28, "this libm rounds differently; pick another example");
    cr_expect_eq(fit_ok(&host, &vm, &policy).count, 29);
}

/* ---- usage known only for VMs kvmcap placed itself (SPEC:COUNT) ---- */

Test(fit, placed_network_and_io_usage_is_subtracted)
{
    kc_host host = kc_test_host(64, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .net_kbps = 500000, .iops = 100, .mbps = 10 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    host.n_nics = 1;
    host.nics[0].speed_kbps = 1000000;
    add_storage(&host, (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 1, .size_mib = 1 << 20,
                                     .iops = 1000, .mbps = 100 });
    host.used = (kc_usage){ .vms = 1, .vcpus = 1, .mem_mib = 1024,
                            .net_kbps = 500000, .iops = 800, .mbps = 50 };
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_NETWORK].used, 500000);
    cr_expect_eq(fit.res[KC_RES_NETWORK].limit, 1);
    cr_expect_eq(fit.res[KC_RES_IOPS].limit, 2);
    cr_expect_eq(fit.res[KC_RES_THROUGHPUT].limit, 5);
    cr_expect_eq(fit.count, 1);
    cr_expect_eq(fit.bottleneck, BIT(KC_RES_NETWORK));
    cr_expect_eq(kc_fit_compute_reference(&host, &vm, &policy, &fit, NULL), 0);
    cr_expect_eq(fit.count, 1);
}

Test(fit, known_load_replaces_the_assumed_load_for_its_vcpus)
{
    kc_host host = kc_test_host(8, 1 << 20);
    kc_shape vm = { .vcpus = 1, .mem_mib = 1024, .cpu_util_bp = 5000 };
    kc_policy policy = kc_test_policy();
    kc_fit fit;

    /* 4 existing vCPUs: 2 of unknown load (assumed 50 %), 2 known to be 100 % busy */
    host.used = (kc_usage){ .vms = 2, .vcpus = 4, .mem_mib = 2048,
                            .load_vcpus = 2, .load_bp = 20000 };
    fit = fit_ok(&host, &vm, &policy);
    cr_expect_eq(fit.res[KC_RES_CPU_LOAD].used, 2 * 5000 + 20000);
    cr_expect_eq(fit.res[KC_RES_CPU_LOAD].limit, 10);    /* (80000 - 30000) / 5000 */
    host.used.load_vcpus = 5;                               /* more than exist: invalid */
    cr_expect_eq(kc_fit_compute(&host, &vm, &policy, &fit, NULL), -1);
}
