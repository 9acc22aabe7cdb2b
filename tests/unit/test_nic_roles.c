/* SPDX-License-Identifier: MIT */
/* test_nic_roles.c: which NICs are the VM uplink, from a /sys fixture tree (issue 12). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/facts_json.h"
#include "facts/nic_roles.h"
#include "facts/sysfs.h"
#include "helpers.h"

#define ROOT "tests/fixtures/netroles"      /* its README says what is in it */

static void add_network(kc_facts *f, const char *name, const char *mode, const char *bridge,
                        bool active)
{
    kc_fact_network *n = kc_facts_add_network(f);

    snprintf(n->name, sizeof(n->name), "%s", name);
    snprintf(n->mode, sizeof(n->mode), "%s", mode);
    snprintf(n->bridge, sizeof(n->bridge), "%s", bridge);
    n->active = active;
}

/* The fixture's NICs, read by the real collector, sorted as the facts are. */
static kc_facts *host(const char *root)
{
    kc_facts *f = kc_facts_new();

    cr_assert_eq(kc_sysfs_add_nics(root, f), 8);
    kc_facts_sort(f);
    return f;
}

static const kc_fact_nic *nic(const kc_facts *f, const char *name)
{
    for (size_t i = 0; i < f->n_nics; i++)
        if (strcmp(f->nics[i].name, name) == 0)
            return &f->nics[i];
    cr_assert_fail("no NIC '%s'", name);
    return NULL;
}

static uint64_t uplink_mbps(const kc_facts *f)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < f->n_nics; i++)
        if (kc_facts_nic_is_uplink(&f->nics[i]))
            sum += f->nics[i].speed_kbps / 1000;
    return sum;
}

Test(sysfs_net, reads_bonds_bridges_and_vlans)
{
    kc_netdev d;

    kc_sysfs_netdev(ROOT, "bond0", &d);
    cr_expect_eq(d.kind, KC_NETDEV_BOND);
    cr_expect_str_eq(d.mode, "802.3ad");
    cr_assert_eq(d.n_lower, 2);
    cr_expect_str_eq(d.lower[0], "eno1");
    cr_expect_str_eq(d.lower[1], "eno2");
    kc_sysfs_netdev(ROOT, "bond1", &d);
    cr_expect_str_eq(d.mode, "active-backup");
    cr_expect_str_eq(d.active, "eno4");
    kc_sysfs_netdev(ROOT, "br100", &d);
    cr_expect_eq(d.kind, KC_NETDEV_BRIDGE);
    cr_assert_eq(d.n_lower, 1);
    cr_expect_str_eq(d.lower[0], "bond2.100");
    kc_sysfs_netdev(ROOT, "bond2.100", &d);
    cr_expect_eq(d.kind, KC_NETDEV_OTHER);
    cr_assert_eq(d.n_lower, 1);
    cr_expect_str_eq(d.lower[0], "bond2");
    kc_sysfs_netdev(ROOT, "eno6", &d);
    cr_expect_eq(d.kind, KC_NETDEV_NIC);
    kc_sysfs_netdev(ROOT, "nope0", &d);
    cr_expect_eq(d.kind, KC_NETDEV_MISSING);
    kc_sysfs_netdev(ROOT, "../net", &d);
    cr_expect_eq(d.kind, KC_NETDEV_MISSING);
}

Test(sysfs_net, default_route_is_the_up_default_of_lowest_metric)
{
    char ifname[64];

    cr_assert_eq(kc_sysfs_default_route(ROOT, ifname, sizeof(ifname)), 0);
    cr_expect_str_eq(ifname, "eno5");
    cr_assert_eq(kc_sysfs_default_route(ROOT "/alt", ifname, sizeof(ifname)), 0);
    cr_expect_str_eq(ifname, "bond0");
    cr_expect_eq(kc_sysfs_default_route("/nonexistent", ifname, sizeof(ifname)), -1);
}

/* Bridge-mode networks and a domain's own bridge: bonds count by their mode. */
Test(nic_roles, bridges_and_bonds_of_each_mode)
{
    kc_facts *f = host(ROOT);
    kc_vm_iface ifs[] = { { "web1", "bridge", "br100" }, { "web1", "network", "host1" } };

    add_network(f, "br0", "bridge", "br0", true);
    add_network(f, "host1", "bridge", "br1", true);
    add_network(f, "default", "nat", "virbr0", true);    /* no VM uses it: eno5 is not */
    kc_nic_roles_live(ROOT, ifs, 2, f);

    /* 802.3ad: both slaves */
    cr_expect_eq(nic(f, "eno1")->role, KC_NIC_VM);
    cr_expect_str_eq(nic(f, "eno1")->why, "bond0 slave, 802.3ad; in bridge br0 of network br0");
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno2")));
    /* active-backup: the active slave; the other is a standby, not counted */
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno4")));
    cr_expect_str_eq(nic(f, "eno4")->why,
                     "bond1 slave, active-backup; in bridge br1 of network host1");
    cr_expect_eq(nic(f, "eno3")->role, KC_NIC_VM);
    cr_expect(nic(f, "eno3")->standby);
    cr_expect(!kc_facts_nic_is_uplink(nic(f, "eno3")));
    cr_expect_str_eq(nic(f, "eno3")->why,
                     "bond1 slave, active-backup, standby; in bridge br1 of network host1");
    /* balance-xor under a VLAN, in a bridge only a domain names */
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno7")));
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno8")));
    cr_expect_str_eq(nic(f, "eno8")->why, "bond2 slave, balance-xor; in bridge br100 (domain web1)");
    /* in nothing; the default route of an unused NAT network */
    cr_expect_eq(nic(f, "eno5")->role, KC_NIC_MGMT);
    cr_expect_str_eq(nic(f, "eno5")->why, "not in a VM bridge");
    cr_expect_eq(nic(f, "eno6")->role, KC_NIC_MGMT);
    cr_expect_eq(uplink_mbps(f), 25000 * 4 + 10000);
    kc_facts_free(f);
}

/* NAT alone: the default-route interface is the uplink. */
Test(nic_roles, nat_takes_the_default_route)
{
    kc_facts *f = host(ROOT);

    add_network(f, "default", "nat", "virbr0", true);
    kc_nic_roles_live(ROOT, NULL, 0, f);
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno5")));
    cr_expect_str_eq(nic(f, "eno5")->why, "default route (NAT network default)");
    cr_expect_eq(uplink_mbps(f), 10000);
    kc_facts_free(f);

    /* a default route on a bond counts the bond's slaves */
    f = host(ROOT "/alt");
    add_network(f, "default", "nat", "virbr0", true);
    kc_nic_roles_live(ROOT "/alt", NULL, 0, f);
    cr_expect_str_eq(nic(f, "eno1")->why, "bond0 slave, 802.3ad; default route (NAT network default)");
    cr_expect_eq(uplink_mbps(f), 50000);
    kc_facts_free(f);

    /* an inactive NAT network carries nothing */
    f = host(ROOT);
    add_network(f, "default", "nat", "virbr0", false);
    kc_nic_roles_live(ROOT, NULL, 0, f);
    cr_expect_eq(uplink_mbps(f), 0);
    kc_facts_free(f);
}

/* A domain on the NAT network adds the default route to the bridges' ports. */
Test(nic_roles, nat_in_use_beside_a_bridge)
{
    kc_facts *f = host(ROOT);
    kc_vm_iface ifs[] = { { "desk1", "network", "default" } };

    add_network(f, "br0", "bridge", "br0", true);
    add_network(f, "default", "nat", "virbr0", true);
    kc_nic_roles_live(ROOT, ifs, 1, f);
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno5")));
    cr_expect_eq(uplink_mbps(f), 60000);
    kc_facts_free(f);
}

static kc_facts *from_json(const char *text)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_facts_from_json(text, "old.json", f, &err), 0, "%s", err.msg);
    return f;
}

/* Files written before NIC roles: derived from their bridges and networks. */
Test(nic_roles, old_files_derive_roles)
{
    kc_facts *f = from_json(
        "{\"host\":{\"cpus\":4,\"mem_mib\":4096},"
        "\"nics\":[{\"name\":\"a\",\"speed_mbps\":10000,\"bridge\":\"br-vm\"},"
        "{\"name\":\"b\",\"speed_mbps\":1000,\"bridge\":\"\"}],"
        "\"networks\":[{\"name\":\"lan\",\"mode\":\"bridge\",\"bridge\":\"br-vm\",\"active\":true},"
        "{\"name\":\"default\",\"mode\":\"nat\",\"bridge\":\"virbr0\",\"active\":true}]}");

    cr_expect_str_eq(f->nics[0].why, "in bridge br-vm of network lan");
    cr_expect(kc_facts_nic_is_uplink(&f->nics[0]));
    cr_expect_eq(f->nics[1].role, KC_NIC_MGMT);
    cr_assert_eq(f->n_notes, 1);
    cr_expect(strstr(f->notes[0], "predates NIC roles") != NULL);
    kc_facts_free(f);

    /* NAT and one NIC: it is the default route; with two the file cannot tell */
    f = from_json("{\"host\":{\"cpus\":4,\"mem_mib\":4096},"
                  "\"nics\":[{\"name\":\"a\",\"speed_mbps\":1000}],"
                  "\"networks\":[{\"name\":\"default\",\"mode\":\"nat\",\"active\":true}]}");
    cr_expect(kc_facts_nic_is_uplink(&f->nics[0]));
    kc_facts_free(f);
    f = from_json("{\"host\":{\"cpus\":4,\"mem_mib\":4096},"
                  "\"nics\":[{\"name\":\"a\",\"speed_mbps\":1000},{\"name\":\"b\",\"speed_mbps\":1000}],"
                  "\"networks\":[{\"name\":\"default\",\"mode\":\"nat\",\"active\":true}]}");
    cr_expect(!kc_facts_nic_is_uplink(&f->nics[0]));
    cr_expect(!kc_facts_nic_is_uplink(&f->nics[1]));
    cr_assert_eq(f->n_notes, 2);
    cr_expect(strstr(f->notes[0], "none counted") != NULL);
    kc_facts_free(f);

    /* roles given are kept, and nothing is derived */
    f = from_json("{\"host\":{\"cpus\":4,\"mem_mib\":4096},"
                  "\"nics\":[{\"name\":\"a\",\"speed_mbps\":1000,\"role\":\"storage\","
                  "\"why\":\"iSCSI\",\"standby\":false}],\"networks\":[]}");
    cr_expect_eq(f->nics[0].role, KC_NIC_STORAGE);
    cr_expect_str_eq(f->nics[0].why, "iSCSI");
    cr_expect_eq(f->n_notes, 0);
    kc_facts_free(f);
}

Test(nic_roles, a_remote_host_counts_every_nic_and_says_so)
{
    kc_facts *f = host(ROOT);

    kc_nic_roles_unknown(f);
    cr_expect_eq(uplink_mbps(f), 25000 * 4 + 10000 * 4);
    cr_expect_str_eq(f->nics[0].why, "not a local host: bridges unknown, counted");
    kc_facts_free(f);
}

static bool has_note(const kc_facts *f, const char *part)
{
    for (size_t i = 0; i < f->n_notes; i++)
        if (strstr(f->notes[i], part))
            return true;
    return false;
}

Test(sysfs_net, route_to_takes_the_longest_up_mask)
{
    char ifname[KC_NAME_MAX];

    cr_assert_eq(kc_sysfs_route_to(ROOT, "10.20.5.9", ifname, sizeof(ifname)), 0);
    cr_expect_str_eq(ifname, "eno5");                  /* the /24 beats eno6's /16 */
    cr_assert_eq(kc_sysfs_route_to(ROOT, "10.20.9.1", ifname, sizeof(ifname)), 0);
    cr_expect_str_eq(ifname, "eno6");                  /* eno5's /24 there is down */
    cr_assert_eq(kc_sysfs_route_to(ROOT, "8.8.8.8", ifname, sizeof(ifname)), 0);
    cr_expect_str_eq(ifname, "eno5");                  /* the default of lowest metric */
    cr_expect_eq(kc_sysfs_route_to(ROOT, "nas.example", ifname, sizeof(ifname)), -2);
    cr_expect_eq(kc_sysfs_route_to(ROOT, "fd00::1", ifname, sizeof(ifname)), -2);
    cr_expect_eq(kc_sysfs_route_to("tests/fixtures/none", "10.0.0.1", ifname, sizeof(ifname)), -1);
}

Test(sysfs_net, iscsi_sessions)
{
    char addr[4][64];

    cr_assert_eq(kc_sysfs_iscsi_targets(ROOT, addr, 4), 1);
    cr_expect_str_eq(addr[0], "10.20.3.4");
    cr_expect_eq(kc_sysfs_iscsi_targets("tests/fixtures/none", addr, 4), 0);
}

/* Storage NICs: the ones that reach the pools' hosts and the iSCSI sessions' targets. */
Test(nic_roles, storage_targets_by_route)
{
    kc_facts *f = host(ROOT);
    kc_storage_target tg[] = {
        { "pool san1", "10.20.5.9" },        /* eno5, a more specific route than eno6's */
        { "pool nas", "nas.example" },       /* a name: not resolved */
        { "pool vmnet", "192.168.1.50" },    /* through br1, which carries VM traffic */
    };

    add_network(f, "host1", "bridge", "br1", true);
    kc_nic_roles_live(ROOT, NULL, 0, f);
    cr_expect_eq(nic(f, "eno6")->role, KC_NIC_MGMT);
    kc_nic_roles_storage(ROOT, tg, 3, f);
    cr_expect_eq(nic(f, "eno5")->role, KC_NIC_STORAGE);
    cr_expect_str_eq(nic(f, "eno5")->why, "route to 10.20.5.9 (pool san1)");
    /* the iSCSI session's target 10.20.3.4 is on eno6's /16 */
    cr_expect_eq(nic(f, "eno6")->role, KC_NIC_STORAGE);
    cr_expect_str_eq(nic(f, "eno6")->why, "route to 10.20.3.4 (an iSCSI session)");
    /* a VM bridge's ports stay the uplink; the note says they carry storage too */
    cr_expect_eq(nic(f, "eno4")->role, KC_NIC_VM);
    cr_expect(kc_facts_nic_is_uplink(nic(f, "eno4")));
    cr_expect(has_note(f, "nic 'eno4': carries VM traffic and storage (route to 192.168.1.50 "
                          "(pool vmnet))"));
    cr_expect(has_note(f, "pool nas names its storage host 'nas.example', not an IPv4"));
    /* storage NICs are not the uplink */
    cr_expect_eq(uplink_mbps(f), 10000);
    /* the others keep their role */
    cr_expect_eq(nic(f, "eno1")->role, KC_NIC_MGMT);
    kc_facts_free(f);
}

/* A storage bond in active-backup: the active slave carries it, the other is a standby (not
 * counted in the storage NICs' cap), as for the uplink. */
Test(nic_roles, storage_bond_active_backup_counts_the_active_slave)
{
    kc_facts *f = host(ROOT);
    kc_storage_target tg[] = { { "pool san2", "10.30.1.2" } };    /* via br1 = bond1 */

    kc_nic_roles_live(ROOT, NULL, 0, f);                            /* no VM network: mgmt */
    kc_nic_roles_storage(ROOT, tg, 1, f);
    cr_expect_eq(nic(f, "eno4")->role, KC_NIC_STORAGE);
    cr_expect(!nic(f, "eno4")->standby);
    cr_expect_str_eq(nic(f, "eno4")->why, "bond1 slave, active-backup; route to 10.30.1.2 (pool san2)");
    cr_expect_eq(nic(f, "eno3")->role, KC_NIC_STORAGE);
    cr_expect(nic(f, "eno3")->standby);
    kc_facts_free(f);
}
