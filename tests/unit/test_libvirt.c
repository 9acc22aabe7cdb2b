/* SPDX-License-Identifier: MIT */
/* test_libvirt.c: the collector against libvirt's test driver, deadlines, and /sys fixtures. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "facts/facts_libvirt.h"
#include "facts/sysfs.h"
#include "helpers.h"

#define SYSROOT "tests/fixtures/sys"

/* test:///<abs path>/tests/fixtures/libvirt/<name> (tests run from the repo root). */
static void fixture_uri(const char *name, char *uri, size_t size)
{
    char cwd[1024];

    cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
    snprintf(uri, size, "test://%s/tests/fixtures/libvirt/%s", cwd, name);
}

static kc_facts *collect_ok(const char *uri, const char *sysroot)
{
    kc_collect_opts opts = { .uri = uri, .timeout_s = 10, .sysroot = sysroot };
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_libvirt_collect(&opts, facts, &err), 0, "%s", err.msg);
    return facts;
}

static int has_note(const kc_facts *f, const char *needle)
{
    for (size_t i = 0; i < f->n_notes; i++)
        if (strstr(f->notes[i], needle))
            return 1;
    return 0;
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

Test(libvirt, plain_host_gives_nodeinfo_cpus_and_memory_and_says_where_memory_came_from)
{
    char uri[1200];
    kc_facts *f;

    fixture_uri("plain-8c8g.xml", uri, sizeof(uri));
    f = collect_ok(uri, NULL);
    cr_expect_eq(f->source, KC_SOURCE_LIBVIRT);
    cr_expect_str_eq(f->uri, uri);
    cr_expect_eq(f->cpus, 8);
    cr_expect_eq(f->sockets, 1);
    cr_expect_eq(f->cores, 4);
    cr_expect_eq(f->threads, 2);
    cr_expect_eq(f->mhz, 2000);
    cr_expect_eq(f->mem_mib, 8388608u / 1024);
    /* The test driver has no memory stats: nodeinfo, said so. */
    cr_expect_str_eq(f->mem_source, "nodeinfo");
    cr_expect_eq(f->nodeinfo_mem_mib, 0);
    cr_expect(has_note(f, "memory: no memory stats"));
    cr_expect_eq(f->n_numa, 0, "the test driver's files describe no NUMA cells");
    cr_expect(has_note(f, "no NUMA cells"));
    cr_expect_eq(f->n_vms, 0);
    cr_expect_eq(f->n_networks, 0);
    cr_expect_eq(f->n_nics, 0);
    cr_assert_eq(f->n_storage, 1);
    cr_expect_str_eq(f->storage[0].name, "default");
    cr_expect_str_eq(f->storage[0].disk_type, "unknown");
    cr_expect(f->hostname[0] != '\0');
    kc_facts_free(f);
}

Test(libvirt, mixed_host_vms_are_sorted_with_state_memory_rounded_up_and_hugepages)
{
    char uri[1200];
    kc_facts *f;
    static const struct { const char *name; uint32_t vcpus; uint64_t mib; kc_vm_state st;
                          bool hp; } want[] = {
        { "Zeta", 2, 512, KC_VM_RUNNING, false },
        { "app1", 1, 3072, KC_VM_RUNNING, false },
        { "db1", 4, 1025, KC_VM_RUNNING, true },    /* 1048577 KiB -> 1025 MiB (up) */
        { "web2", 2, 2048, KC_VM_OFF, false },      /* test:runstate 5 = shut off */
    };

    fixture_uri("mixed-16c64g.xml", uri, sizeof(uri));
    f = collect_ok(uri, NULL);
    cr_expect_eq(f->cpus, 16);
    cr_expect_eq(f->mem_mib, 67108864u / 1024);
    cr_assert_eq(f->n_vms, 4);
    for (size_t i = 0; i < 4; i++) {
        cr_expect_str_eq(f->vms[i].name, want[i].name);
        cr_expect_eq(f->vms[i].vcpus, want[i].vcpus, "%s", want[i].name);
        cr_expect_eq(f->vms[i].mem_mib, want[i].mib, "%s", want[i].name);
        cr_expect_eq(f->vms[i].state, want[i].st, "%s", want[i].name);
        cr_expect_eq(f->vms[i].hugepages, want[i].hp, "%s", want[i].name);
    }
    kc_facts_free(f);
}

Test(libvirt, mixed_host_networks_pools_and_physical_nics_only)
{
    char uri[1200];
    kc_facts *f;

    fixture_uri("mixed-16c64g.xml", uri, sizeof(uri));
    f = collect_ok(uri, NULL);
    cr_assert_eq(f->n_networks, 2);
    cr_expect_str_eq(f->networks[0].name, "default");
    cr_expect_str_eq(f->networks[0].mode, "nat");
    cr_expect_str_eq(f->networks[0].bridge, "virbr0");
    cr_expect(f->networks[0].active);
    cr_expect_str_eq(f->networks[1].name, "lan");
    cr_expect_str_eq(f->networks[1].mode, "bridge");
    cr_expect_str_eq(f->networks[1].bridge, "br0");

    cr_assert_eq(f->n_storage, 4);
    cr_expect_str_eq(f->storage[0].name, "fast");
    cr_expect_str_eq(f->storage[0].pool_type, "disk");
    cr_expect_str_eq(f->storage[2].name, "san");
    cr_expect_str_eq(f->storage[2].pool_type, "iscsi");
    for (size_t i = 0; i < 4; i++) {
        /* The test driver's quirk: every pool is 100 GiB. We report what libvirt says. */
        cr_expect_eq(f->storage[i].size_mib, 100u * 1024);
        cr_expect_eq(f->storage[i].count, 1);
        /* Without a root for /sys (imaginary host), no disk type is guessed. */
        cr_expect_str_eq(f->storage[i].disk_type, "unknown");
    }
    cr_expect(has_note(f, "pool 'san': iscsi storage, link speed unknown"));

    /* vnet0's parent is "computer": a tap, not a NIC. */
    cr_assert_eq(f->n_nics, 1);
    cr_expect_str_eq(f->nics[0].name, "eth0");
    cr_expect_eq(f->nics[0].speed_kbps, 25000u * 1000);
    kc_facts_free(f);
}

Test(libvirt, local_sysroot_adds_sysfs_nics_bridges_and_pool_disk_types)
{
    char uri[1200];
    kc_facts *f;

    fixture_uri("mixed-16c64g.xml", uri, sizeof(uri));
    f = collect_ok(uri, SYSROOT);
    cr_assert_eq(f->n_nics, 3, "eth0 (node device + /sys), eth1, eth2; no lo, br0, vnet0");
    cr_expect_str_eq(f->nics[0].name, "eth0");
    cr_expect_eq(f->nics[0].speed_kbps, 25000u * 1000, "the node device's speed stays");
    cr_expect_str_eq(f->nics[0].bridge, "br0");
    cr_expect_str_eq(f->nics[1].name, "eth1");
    cr_expect_eq(f->nics[1].speed_kbps, 0, "speed -1 is unknown");
    cr_expect(has_note(f, "nic 'eth1': link speed unknown (speed is '-1')"));
    cr_expect_str_eq(f->nics[2].name, "eth2");
    cr_expect(has_note(f, "nic 'eth2': link speed unknown (speed is 'unreadable')"));

    cr_assert_eq(f->n_storage, 4);
    cr_expect_str_eq(f->storage[0].name, "fast");
    cr_expect_str_eq(f->storage[0].disk_type, "nvme");
    cr_expect_str_eq(f->storage[1].name, "images");
    cr_expect_str_eq(f->storage[1].disk_type, "unknown");
    cr_expect(has_note(f, "pool 'images': disk type unknown: no block device"));
    cr_expect_str_eq(f->storage[2].disk_type, "unknown");
    cr_expect_str_eq(f->storage[3].name, "vg0");
    cr_expect_str_eq(f->storage[3].disk_type, "ssd");
    kc_facts_free(f);
}

Test(libvirt, default_test_driver_numa_cells_from_capabilities)
{
    kc_facts *f = collect_ok("test:///default", NULL);

    /* libvirt's built-in host: 2 cells of 8 CPUs, 2 and 4 GiB; nodeinfo says 3 GiB. */
    cr_expect_eq(f->cpus, 16);
    cr_expect_eq(f->sockets, 4, "2 sockets per node x 2 nodes");
    cr_assert_eq(f->n_numa, 2);
    cr_expect_eq(f->numa[0].cpus, 8);
    cr_expect_eq(f->numa[0].mem_mib, 2048);
    cr_expect_eq(f->numa[1].mem_mib, 4096);
    cr_assert_eq(f->n_vms, 1);
    cr_expect_str_eq(f->vms[0].name, "test");
    cr_expect_eq(f->vms[0].state, KC_VM_RUNNING);
    kc_facts_free(f);
}

Test(libvirt, libvirt_default_uri_from_the_environment)
{
    kc_collect_opts opts = { .uri = NULL, .timeout_s = 5 };
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(setenv("LIBVIRT_DEFAULT_URI", "test:///default", 1), 0);
    cr_assert_eq(kc_libvirt_collect(&opts, f, &err), 0, "%s", err.msg);
    cr_expect_str_eq(f->uri, "test:///default");
    cr_expect_eq(f->source, KC_SOURCE_LIBVIRT);
    kc_facts_free(f);
}

Test(libvirt, missing_file_is_a_host_error_on_one_line_and_nothing_on_stderr,
     .init = cr_redirect_stderr)
{
    char uri[1200];
    kc_collect_opts opts = { .timeout_s = 5 };
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    fixture_uri("no-such-host.xml", uri, sizeof(uri));
    opts.uri = uri;
    cr_expect_eq(kc_libvirt_collect(&opts, f, &err), -1);
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect_not_null(strstr(err.msg, "cannot connect to 'test://"), "%s", err.msg);
    cr_expect_not_null(strstr(err.msg, "no-such-host.xml"), "%s", err.msg);
    cr_expect_null(strchr(err.msg, '\n'), "%s", err.msg);
    cr_expect_eq(f->n_vms, 0);
    kc_facts_free(f);
    fflush(stderr);
    cr_expect_stderr_eq_str("");
}

Test(libvirt, refused_port_fails_fast)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    char uri[128];
    kc_collect_opts opts = { .timeout_s = 5 };
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };
    double t0;

    cr_assert_geq(s, 0);
    cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    close(s);   /* nobody listens on the port any more */
    snprintf(uri, sizeof(uri), "qemu+tcp://127.0.0.1:%u/system", ntohs(sa.sin_port));
    opts.uri = uri;
    t0 = now_s();
    cr_expect_eq(kc_libvirt_collect(&opts, f, &err), -1);
    cr_expect_lt(now_s() - t0, 2.0);
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect_not_null(strstr(err.msg, "cannot connect to 'qemu+tcp://127.0.0.1:"), "%s", err.msg);
    kc_facts_free(f);
}

Test(libvirt, peer_that_accepts_and_never_answers_hits_the_deadline, .timeout = 15)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t sl = sizeof(sa);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    char uri[128], want[200];
    kc_collect_opts opts = { .timeout_s = 1 };
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };
    double t0, took;

    cr_assert_geq(s, 0);
    cr_assert_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(s, 4), 0);   /* the kernel accepts; nobody ever answers */
    cr_assert_eq(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
    snprintf(uri, sizeof(uri), "qemu+tcp://127.0.0.1:%u/system", ntohs(sa.sin_port));
    opts.uri = uri;
    t0 = now_s();
    cr_expect_eq(kc_libvirt_collect(&opts, f, &err), -1);
    took = now_s() - t0;
    cr_expect_geq(took, 0.9);
    cr_expect_lt(took, 3.0, "took %.2f s", took);
    cr_expect_eq(err.code, KC_ERR_HOST);
    snprintf(want, sizeof(want), "'%s' did not answer within 1 s", uri);
    cr_expect_str_eq(err.msg, want);
    close(s);
    kc_facts_free(f);
}

Test(sysfs, disk_kinds_follow_partitions_slaves_and_refuse_to_guess)
{
    static const struct { const char *dev, *kind, *why; } cases[] = {
        { "nvme0n1", "nvme", "" },
        { "nvme0n1p1", "nvme", "" },                 /* partition -> its disk */
        { "sdb", "ssd", "" },                        /* rotational=0 */
        { "sda", "unknown", "rotational=1" },        /* virtio disks say 1 too */
        { "sda1", "unknown", "rotational=1" },
        { "sdc", "unknown", "iSCSI" },
        { "dm-0", "ssd", "" },                       /* LVM on sdb */
        { "dm-1", "unknown", "different kinds" },    /* sdb + nvme0n1 */
        { "sdz", "unknown", "not found" },
        { "../../etc", "unknown", "not understood" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[160];
        const char *kind = kc_sysfs_disk_type(SYSROOT, cases[i].dev, why, sizeof(why));

        cr_expect_str_eq(kind, cases[i].kind, "%s", cases[i].dev);
        if (cases[i].why[0])
            cr_expect_not_null(strstr(why, cases[i].why), "%s: %s", cases[i].dev, why);
        else
            cr_expect_str_eq(why, "", "%s", cases[i].dev);
    }
}

/* A device @name under @root: its directory under /sys/devices/virtual/block, linked from
 * /sys/class/block, with an empty slaves/ entry for each of @slaves (NULL: no slaves/). */
static void make_dev(const char *root, const char *name, char slaves[][16], size_t n)
{
    char dir[512], link[512], entry[600];
    FILE *f;

    snprintf(dir, sizeof(dir), "%s/sys/devices/virtual/block/%s", root, name);
    cr_assert_eq(mkdir(dir, 0755), 0, "%s", dir);
    snprintf(link, sizeof(link), "%s/sys/class/block/%s", root, name);
    cr_assert_eq(symlink(dir, link), 0, "%s", link);
    if (!slaves)
        return;
    snprintf(entry, sizeof(entry), "%s/slaves", dir);
    cr_assert_eq(mkdir(entry, 0755), 0);
    for (size_t i = 0; i < n; i++) {
        snprintf(entry, sizeof(entry), "%s/slaves/%s", dir, slaves[i]);
        cr_assert((f = fopen(entry, "w")) && fclose(f) == 0, "%s", entry);
    }
}

/* Stacked devices that share slaves: 8 levels of 6, each device on all 6 of the next
 * level, NVMe at the bottom. Walked once per device, not once per path (6^8): the answer
 * comes at once, and a cycle ends as unknown. */
Test(sysfs, a_wide_stack_of_shared_slaves_is_walked_once_per_device, .timeout = 20)
{
    char root[] = "/tmp/kvmcap-sysfs.XXXXXX", d[512], why[160];
    char names[9][6][16], top[1][16];
    const char *kind;

    cr_assert(mkdtemp(root));
    {
        static const char *const dirs[] = { "/sys", "/sys/class", "/sys/class/block",
                                            "/sys/devices", "/sys/devices/virtual",
                                            "/sys/devices/virtual/block" };

        for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
            snprintf(d, sizeof(d), "%s%s", root, dirs[i]);
            cr_assert_eq(mkdir(d, 0755), 0, "%s", d);
        }
    }
    for (int l = 0; l < 9; l++)
        for (int k = 0; k < 6; k++)
            snprintf(names[l][k], sizeof(names[l][k]), l == 8 ? "nvme%dn1" : "dm-%d-%d", k, l);
    for (int l = 8; l >= 1; l--)
        for (int k = 0; k < 6; k++)
            make_dev(root, names[l][k], l == 8 ? NULL : names[l + 1], 6);
    snprintf(top[0], sizeof(top[0]), "dm-top");
    make_dev(root, top[0], names[1], 6);
    kind = kc_sysfs_disk_type(root, "dm-top", why, sizeof(why));
    cr_expect_str_eq(kind, "nvme", "%s", why);

    /* a cycle: each is the other's slave */
    {
        char a[1][16] = { "dm-cyc-b" }, b[1][16] = { "dm-cyc-a" };

        make_dev(root, "dm-cyc-a", a, 1);
        make_dev(root, "dm-cyc-b", b, 1);
        kind = kc_sysfs_disk_type(root, "dm-cyc-a", why, sizeof(why));
        cr_expect_str_eq(kind, "unknown");
    }
    snprintf(d, sizeof(d), "rm -rf '%s'", root);
    cr_expect_eq(system(d), 0);
}

Test(sysfs, block_device_of_a_device_number)
{
    char name[64];

    cr_assert_eq(kc_sysfs_block_of_devnum(SYSROOT, 259, 0, name, sizeof(name)), 0);
    cr_expect_str_eq(name, "nvme0n1");
    cr_assert_eq(kc_sysfs_block_of_devnum(SYSROOT, 8, 16, name, sizeof(name)), 0);
    cr_expect_str_eq(name, "sdb");
    cr_expect_eq(kc_sysfs_block_of_devnum(SYSROOT, 9, 9, name, sizeof(name)), -1);
    cr_expect_eq(kc_sysfs_block_of_path(SYSROOT, "/no/such/dir", name, sizeof(name)), -1);
    cr_expect_eq(kc_sysfs_block_of_path(SYSROOT, "relative", name, sizeof(name)), -1);
}

Test(sysfs, physical_nics_only_with_speed_and_bridge)
{
    kc_facts *f = kc_facts_new();

    cr_expect_eq(kc_sysfs_add_nics(SYSROOT, f), 3);
    kc_facts_sort(f);
    cr_assert_eq(f->n_nics, 3);
    cr_expect_str_eq(f->nics[0].name, "eth0");
    cr_expect_eq(f->nics[0].speed_kbps, 10000u * 1000);
    cr_expect_str_eq(f->nics[0].bridge, "br0");
    cr_expect_str_eq(f->nics[1].name, "eth1");
    cr_expect_eq(f->nics[1].speed_kbps, 0);
    cr_expect_str_eq(f->nics[1].bridge, "");
    cr_expect_eq(f->n_notes, 2, "eth1 and eth2 have no known speed");
    kc_facts_free(f);
}

Test(sysfs, missing_root_finds_nothing)
{
    kc_facts *f = kc_facts_new();

    cr_expect_eq(kc_sysfs_add_nics("/nonexistent-kvmcap-root", f), 0);
    cr_expect_eq(f->n_nics, 0);
    kc_facts_free(f);
}
