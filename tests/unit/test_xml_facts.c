/* SPDX-License-Identifier: MIT */
/* test_xml_facts.c: the libvirt XML parsers on fixture text and on bad XML. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/xml_facts.h"
#include "util/util.h"
#include "helpers.h"

static char *fixture(const char *name)
{
    char path[512];
    kc_error err = { 0 };
    char *text;

    snprintf(path, sizeof(path), "tests/fixtures/libvirt/%s", name);
    text = kc_read_file(path, 1 << 20, NULL, &err);
    cr_assert_not_null(text, "%s", err.msg);
    return text;
}

/* A bad input gives -1, KC_ERR_INVALID and one line that names @token. */
static void expect_invalid(int rc, const kc_error *err, const char *token)
{
    cr_expect_eq(rc, -1);
    cr_expect_eq(err->code, KC_ERR_INVALID, "code %d: %s", err->code, err->msg);
    cr_expect_null(strchr(err->msg, '\n'), "message spans lines: %s", err->msg);
    cr_expect_not_null(strstr(err->msg, token), "'%s' not named in: %s", token, err->msg);
}

Test(xml_caps, numa_cells_cpus_memory_and_hugepage_pools_from_capabilities)
{
    char *xml = fixture("caps-2numa-hugepages.xml");
    kc_xml_caps caps;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_parse_caps(xml, &caps, &err), 0, "%s", err.msg);
    cr_expect_str_eq(caps.cpu_model, "Icelake-Server");
    cr_expect_eq(caps.sockets, 2);
    cr_expect_eq(caps.cores, 2);
    cr_expect_eq(caps.threads, 2);
    cr_assert_eq(caps.n_cells, 2);
    cr_expect_eq(caps.cell_ids[1], 1);
    cr_expect_eq(caps.cells[0].cpus, 4);
    cr_expect_eq(caps.cells[1].cpus, 4);
    cr_expect_eq(caps.cells[0].mem_mib, 16777216u / 1024);
    cr_expect_eq(caps.cells[1].mem_mib, 16777215u / 1024, "host memory rounds down");
    /* 4 KiB is the base page, not a pool; 2 MiB and 1 GiB pools are. */
    cr_expect_eq(caps.cells[0].hugepages_mib, 1024u * 2);
    cr_expect_eq(caps.cells[1].hugepages_mib, 512u * 2 + 2u * 1024);
    cr_expect_eq(caps.hugepages_mib, 1024u * 2 + 512u * 2 + 2u * 1024);
    cr_expect_eq(caps.n_hugepage_sizes, 2);
    cr_expect_eq(caps.hugepage_kib, 2048, "the biggest pool (3 GiB of 2 MiB pages) sets the size");
    free(xml);
}

Test(xml_caps, no_cells_is_valid_and_means_unknown)
{
    kc_xml_caps caps;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_parse_caps("<capabilities><host><topology><cells num='0'/></topology>"
                                   "</host></capabilities>", &caps, &err), 0, "%s", err.msg);
    cr_expect_eq(caps.n_cells, 0);
    cr_expect_eq(caps.hugepages_mib, 0);
    cr_expect_eq(caps.hugepage_kib, 0);
}

Test(xml_caps, bad_cell_memory_is_named)
{
    kc_xml_caps caps;
    kc_error err = { 0 };
    int rc = kc_xml_parse_caps("<capabilities><host><topology><cells><cell id='0'>"
                               "<memory unit='KiB'>12x</memory></cell></cells></topology></host>"
                               "</capabilities>", &caps, &err);

    expect_invalid(rc, &err, "'12x'");
}

Test(xml_caps, hugepages_bigger_than_the_cell_are_refused)
{
    kc_xml_caps caps;
    kc_error err = { 0 };
    int rc = kc_xml_parse_caps("<capabilities><host><topology><cells><cell id='3'>"
                               "<memory unit='KiB'>1048576</memory>"
                               "<pages unit='KiB' size='4'>1</pages>"
                               "<pages unit='KiB' size='2048'>1024</pages></cell></cells>"
                               "</topology></host></capabilities>", &caps, &err);

    expect_invalid(rc, &err, "'3'");
}

Test(xml_caps, hugepage_count_that_overflows_is_an_error_not_a_wrap)
{
    kc_xml_caps caps;
    kc_error err = { 0 };
    int rc = kc_xml_parse_caps("<capabilities><host><topology><cells><cell id='0'>"
                               "<memory unit='KiB'>1048576</memory>"
                               "<pages unit='KiB' size='4'>1</pages>"
                               "<pages unit='KiB' size='1048576'>18446744073709551615</pages>"
                               "</cell></cells></topology></host></capabilities>", &caps, &err);

    expect_invalid(rc, &err, "18446744073709551615");
}

Test(xml_caps, more_cells_than_the_core_holds_is_an_error)
{
    size_t cap = 100000;
    char *xml = malloc(cap);
    size_t len;
    kc_xml_caps caps;
    kc_error err = { 0 };

    cr_assert_not_null(xml);
    len = (size_t)snprintf(xml, cap, "<capabilities><host><topology><cells>");
    for (int i = 0; i <= KC_NUMA_MAX; i++)
        len += (size_t)snprintf(xml + len, cap - len, "<cell id='%d'/>", i);
    snprintf(xml + len, cap - len, "</cells></topology></host></capabilities>");
    expect_invalid(kc_xml_parse_caps(xml, &caps, &err), &err, "NUMA cells");
    free(xml);
}

Test(xml_domain, kib_memory_rounds_up_to_mib_and_hugepages_are_seen)
{
    kc_xml_domain d;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_parse_domain("<domain type='kvm'><name>db1</name>"
                                     "<memory unit='KiB'>1048577</memory>"
                                     "<memoryBacking><hugepages/></memoryBacking>"
                                     "<vcpu placement='static' current='2'>4</vcpu></domain>",
                                     &d, &err), 0, "%s", err.msg);
    cr_expect_str_eq(d.name, "db1");
    cr_expect_eq(d.mem_mib, 1025, "1 GiB + 1 KiB needs 1025 MiB");
    cr_expect_eq(d.vcpus, 4, "the maximum vcpus count");
    cr_expect(d.hugepages);
}

Test(xml_domain, units_follow_libvirt_and_default_to_kib)
{
    static const struct { const char *mem; uint64_t mib; } cases[] = {
        { "<memory>65536</memory>", 64 },
        { "<memory unit='GiB'>3</memory>", 3072 },
        { "<memory unit='G'>2</memory>", 2048 },
        { "<memory unit='bytes'>1048576</memory>", 1 },
        { "<memory unit='b'>1048577</memory>", 2 },
        { "<memory unit='MB'>1000</memory>", 954 },   /* 10^9 bytes = 953.67 MiB, up */
        { "<memory unit='MiB'>512</memory>", 512 },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char xml[256];
        kc_xml_domain d;
        kc_error err = { 0 };

        snprintf(xml, sizeof(xml), "<domain><name>v</name><vcpu>1</vcpu>%s</domain>",
                 cases[i].mem);
        cr_assert_eq(kc_xml_parse_domain(xml, &d, &err), 0, "%s: %s", cases[i].mem, err.msg);
        cr_expect_eq(d.mem_mib, cases[i].mib, "%s gave %llu", cases[i].mem,
                     (unsigned long long)d.mem_mib);
        cr_expect_not(d.hugepages);
    }
}

Test(xml_domain, bad_values_are_named)
{
    static const struct { const char *xml; const char *token; } cases[] = {
        { "<domain><name>v</name><vcpu>two</vcpu><memory>1</memory></domain>", "'two'" },
        { "<domain><name>v</name><vcpu>-1</vcpu><memory>1</memory></domain>", "'-1'" },
        { "<domain><name>v</name><vcpu>4294967296</vcpu><memory>1</memory></domain>",
          "'4294967296'" },
        { "<domain><name>v</name><vcpu>1</vcpu><memory>99999999999999999999</memory></domain>",
          "'99999999999999999999'" },
        { "<domain><name>v</name><vcpu>1</vcpu><memory unit='EiB'>16</memory></domain>",
          "'16 EiB'" },
        { "<domain><name>v</name><vcpu>1</vcpu><memory unit='parsec'>1</memory></domain>",
          "'parsec'" },
        { "<domain><name>v</name><vcpu>1</vcpu></domain>", "'memory'" },
        { "<domain><vcpu>1</vcpu><memory>1</memory></domain>", "'name'" },
        { "<domain><name>v</name><memory>1</memory></domain>", "'vcpu'" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_xml_domain d;
        kc_error err = { 0 };

        expect_invalid(kc_xml_parse_domain(cases[i].xml, &d, &err), &err, cases[i].token);
    }
}

Test(xml_pool, sizes_in_bytes_become_mib_and_devices_are_kept)
{
    kc_xml_pool p;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_parse_pool("<pool type='logical'><name>vg0</name>"
                                   "<capacity unit='bytes'>107374182400</capacity>"
                                   "<allocation unit='bytes'>1048577</allocation>"
                                   "<available unit='bytes'>107373133823</available>"
                                   "<source><device path='/dev/sdb'/><device path='/dev/sdc'/>"
                                   "</source><target><path>/dev/vg0</path></target></pool>",
                                   &p, &err), 0, "%s", err.msg);
    cr_expect_str_eq(p.name, "vg0");
    cr_expect_str_eq(p.type, "logical");
    cr_expect_eq(p.capacity_mib, 102400);
    cr_expect_eq(p.allocation_mib, 2, "what is used rounds up");
    cr_expect_eq(p.available_mib, 107373133823ull >> 20, "what is free rounds down");
    cr_expect_str_eq(p.source_device, "/dev/sdb");
    cr_expect_str_eq(p.target_path, "/dev/vg0");
    cr_expect_str_eq(p.source_host, "", "a local pool names no storage host");
}

/* A network pool's source host: the NIC that reaches it is storage (nic_roles.h). */
Test(xml_pool, network_pools_keep_their_first_source_host)
{
    kc_xml_pool p;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_parse_pool("<pool type='iscsi'><name>san1</name>"
                                   "<capacity unit='bytes'>0</capacity>"
                                   "<source><host name='10.20.5.9' port='3260'/>"
                                   "<host name='10.20.5.10'/>"
                                   "<device path='iqn.2026-01.com.example:lun1'/></source>"
                                   "<target><path>/dev/disk/by-path</path></target></pool>",
                                   &p, &err), 0, "%s", err.msg);
    cr_expect_str_eq(p.source_host, "10.20.5.9");
}

Test(xml_pool, missing_type_or_bad_capacity_is_an_error)
{
    kc_xml_pool p;
    kc_error err = { 0 };

    expect_invalid(kc_xml_parse_pool("<pool><name>x</name></pool>", &p, &err), &err, "'type'");
    expect_invalid(kc_xml_parse_pool("<pool type='dir'><name>x</name><capacity>1e9</capacity>"
                                     "</pool>", &p, &err), &err, "'1e9'");
}

Test(xml_network, forward_modes_and_bridges)
{
    static const struct { const char *xml, *mode, *bridge; } cases[] = {
        { "<network><name>default</name><forward mode='nat'/><bridge name='virbr0'/></network>",
          "nat", "virbr0" },
        { "<network><name>n</name><forward/><bridge name='virbr1'/></network>", "nat", "virbr1" },
        { "<network><name>lan</name><forward mode='bridge'/><bridge name='br0'/></network>",
          "bridge", "br0" },
        { "<network><name>mv</name><forward mode='bridge'><interface dev='eth0'/></forward>"
          "</network>", "bridge", "eth0" },
        { "<network><name>r</name><forward mode='route'/><bridge name='virbr2'/></network>",
          "route", "virbr2" },
        { "<network><name>iso</name><bridge name='virbr3'/></network>", "isolated", "virbr3" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_xml_network n;
        kc_error err = { 0 };

        cr_assert_eq(kc_xml_parse_network(cases[i].xml, &n, &err), 0, "%s", err.msg);
        cr_expect_str_eq(n.mode, cases[i].mode, "%s", cases[i].xml);
        cr_expect_str_eq(n.bridge, cases[i].bridge, "%s", cases[i].xml);
    }
}

Test(xml_nodedev, link_speed_in_mbit_becomes_kbit_and_virtual_parents_are_flagged)
{
    kc_xml_nodedev_net d;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_parse_nodedev_net("<device><name>net_eth0_1</name>"
                                          "<parent>pci_0000_00_03_0</parent>"
                                          "<capability type='net'><interface>eth0</interface>"
                                          "<link speed='10000' state='up'/></capability></device>",
                                          &d, &err), 0, "%s", err.msg);
    cr_expect_str_eq(d.interface, "eth0");
    cr_expect_eq(d.speed_kbps, 10000u * 1000);
    cr_expect_not(d.is_virtual);

    cr_assert_eq(kc_xml_parse_nodedev_net("<device><name>net_vnet0</name><parent>computer</parent>"
                                          "<capability type='net'><interface>vnet0</interface>"
                                          "<link state='down'/></capability></device>",
                                          &d, &err), 0, "%s", err.msg);
    cr_expect(d.is_virtual);
    cr_expect_eq(d.speed_kbps, 0, "no speed is unknown");
}

Test(xml_nodedev, a_device_without_net_capability_or_with_junk_speed_is_refused)
{
    kc_xml_nodedev_net d;
    kc_error err = { 0 };

    expect_invalid(kc_xml_parse_nodedev_net("<device><name>pci_1</name><capability type='pci'/>"
                                            "</device>", &d, &err), &err, "'pci_1'");
    expect_invalid(kc_xml_parse_nodedev_net("<device><name>n</name><capability type='net'>"
                                            "<interface>e</interface><link speed='fast'/>"
                                            "</capability></device>", &d, &err), &err, "'fast'");
}

Test(xml_bad, broken_xml_gives_one_line_naming_the_document)
{
    static const char *const docs[] = {
        "", "<domain><name>x</name", "not xml at all", "<domain>&undefined;</domain>",
        "<?xml version='1.0'?><!DOCTYPE d [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><domain>&e;</domain>",
    };
    kc_xml_domain d;

    for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
        kc_error err = { 0 };
        int rc = kc_xml_parse_domain(docs[i], &d, &err);

        expect_invalid(rc, &err, "domain");
    }
}

Test(xml_bad, wrong_root_and_null_are_refused)
{
    kc_xml_pool p;
    kc_xml_caps caps;
    kc_error err = { 0 };

    expect_invalid(kc_xml_parse_pool("<network><name>x</name></network>", &p, &err), &err,
                   "'network'");
    expect_invalid(kc_xml_parse_caps(NULL, &caps, &err), &err, "capabilities");
}

Test(xml_size, libvirt_units_scale_exactly_and_overflow_is_an_error)
{
    uint64_t b = 0;
    kc_error err = { 0 };

    cr_assert_eq(kc_xml_size_bytes("t", "3", "TB", "KiB", &b, &err), 0, "%s", err.msg);
    cr_expect_eq(b, 3000000000000ull);
    cr_assert_eq(kc_xml_size_bytes("t", "3", "tib", "KiB", &b, &err), 0, "%s", err.msg);
    cr_expect_eq(b, 3ull << 40);
    cr_assert_eq(kc_xml_size_bytes("t", "7", NULL, "KiB", &b, &err), 0, "%s", err.msg);
    cr_expect_eq(b, 7ull << 10);
    expect_invalid(kc_xml_size_bytes("t", "16", "EiB", "KiB", &b, &err), &err, "'16 EiB'");
    expect_invalid(kc_xml_size_bytes("t", "1", "KiBB", "KiB", &b, &err), &err, "'KiBB'");
    expect_invalid(kc_xml_size_bytes("t", " ", "k", "KiB", &b, &err), &err, "' '");
}
