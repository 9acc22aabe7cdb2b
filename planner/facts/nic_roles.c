/* SPDX-License-Identifier: MIT */
/* nic_roles.c: which NICs carry VM traffic (the uplink), and why (README "Model"). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "facts/nic_roles.h"
#include "facts/sysfs.h"
#include "util/util.h"

#define WALK_DEPTH_MAX 8        /* bridge -> vlan -> bond -> NIC is 3 */

/* @nic's why, cut to fit (a label, never parsed). */
static void set_why(kc_fact_nic *nic, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void set_why(kc_fact_nic *nic, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vsnprintf(nic->why, sizeof(nic->why), fmt, ap) < 0)
        nic->why[0] = '\0';
    va_end(ap);
}

static kc_fact_nic *find_nic(kc_facts *facts, const char *name)
{
    for (size_t i = 0; i < facts->n_nics; i++)
        if (strcmp(facts->nics[i].name, name) == 0)
            return &facts->nics[i];
    return NULL;
}

static const kc_fact_network *find_network(const kc_facts *facts, const char *name)
{
    for (size_t i = 0; i < facts->n_networks; i++)
        if (strcmp(facts->networks[i].name, name) == 0)
            return &facts->networks[i];
    return NULL;
}

/* A bond whose slaves carry one link's traffic between them. */
static bool one_link_mode(const char *mode)
{
    return strcmp(mode, "active-backup") == 0 || strcmp(mode, "broadcast") == 0;
}

typedef struct walker {
    const char *root;
    kc_facts *facts;
    bool any;                  /* some NIC is VM uplink */
} walker;

/* Give the NICs below @ifname @role: @reason says why the interface carries that traffic,
 * @via how the NIC is reached (a bond), @standby that it is a bond's spare. KC_NIC_VM runs
 * first (kc_nic_roles_live); KC_NIC_STORAGE (kc_nic_roles_storage) leaves vm NICs vm, with
 * a note that they carry storage too. */
static void mark(walker *w, kc_nic_role role, const char *ifname, const char *via,
                 const char *reason, bool standby, unsigned depth)
{
    kc_netdev dev;
    kc_fact_nic *nic;

    if (depth > WALK_DEPTH_MAX)
        return;
    kc_sysfs_netdev(w->root, ifname, &dev);
    if (dev.kind == KC_NETDEV_OTHER && !dev.n_lower && find_nic(w->facts, ifname))
        dev.kind = KC_NETDEV_NIC;        /* a link out of the namespace (facts/netlink.h) */
    switch (dev.kind) {
    case KC_NETDEV_NIC:
        nic = find_nic(w->facts, ifname);
        if (!nic)
            return;
        if (role == KC_NIC_STORAGE && nic->role == KC_NIC_VM) {
            kc_facts_add_note(w->facts, "nic '%s': carries VM traffic and storage (%s): "
                              "counted as VM uplink", ifname, reason);
            return;
        }
        /* the first reason stays; a spare found again as an active link is counted */
        if (nic->role == role && (!nic->standby || standby))
            return;
        nic->role = role;
        nic->standby = standby;
        if (via[0])
            set_why(nic, "%s; %s", via, reason);
        else
            set_why(nic, "%s", reason);
        w->any |= role == KC_NIC_VM;
        return;
    case KC_NETDEV_BOND: {
        const char *chosen = dev.active[0] ? dev.active : dev.lower[0];
        bool one = one_link_mode(dev.mode);

        for (size_t i = 0; i < dev.n_lower; i++) {
            bool spare = one && strcmp(dev.lower[i], chosen) != 0;
            char v[128];

            snprintf(v, sizeof(v), "%s slave, %s%s", ifname, dev.mode[0] ? dev.mode : "mode unknown",
                     spare ? ", standby" : "");
            mark(w, role, dev.lower[i], v, reason, standby || spare, depth + 1);
        }
        return;
    }
    case KC_NETDEV_BRIDGE:
    case KC_NETDEV_OTHER:
        for (size_t i = 0; i < dev.n_lower; i++)
            mark(w, role, dev.lower[i], via, reason, standby, depth + 1);
        return;
    case KC_NETDEV_MISSING:
    case KC_NETDEV_LAST:
        return;
    }
}

/* Why @ifname, given to VMs by @what, carries their traffic. */
static void reason_for(const walker *w, const char *ifname, const char *what, char *buf,
                       size_t size)
{
    kc_netdev dev;

    kc_sysfs_netdev(w->root, ifname, &dev);
    if (snprintf(buf, size, "%s %s %s", dev.kind == KC_NETDEV_BRIDGE ? "in bridge" : "device",
                 ifname, what) < 0)
        buf[0] = '\0';
}

static void rest_not_uplink(kc_facts *facts)
{
    for (size_t i = 0; i < facts->n_nics; i++)
        if (facts->nics[i].role == KC_NIC_LAST) {
            facts->nics[i].role = KC_NIC_MGMT;
            facts->nics[i].standby = false;
            kc_strlcpy(facts->nics[i].why, "not in a VM bridge", sizeof(facts->nics[i].why));
        }
}

void kc_nic_roles_live(const char *root, const kc_vm_iface *ifaces, size_t n_ifaces,
                       kc_facts *facts)
{
    walker w = { root, facts, false };
    const kc_fact_network *nat = NULL;
    char reason[192], what[96], route[KC_NAME_MAX];
    bool nat_used = false;

    for (size_t i = 0; i < facts->n_nics; i++) {
        facts->nics[i].role = KC_NIC_LAST;      /* not yet known */
        facts->nics[i].standby = false;
        facts->nics[i].why[0] = '\0';
    }
    /* bridge-mode networks (and macvtap ones, whose "bridge" is the device) */
    for (size_t i = 0; i < facts->n_networks; i++) {
        const kc_fact_network *n = &facts->networks[i];

        if (strcmp(n->mode, "nat") == 0 && n->active && !nat)
            nat = n;
        if (strcmp(n->mode, "nat") == 0 || strcmp(n->mode, "route") == 0 ||
            strcmp(n->mode, "open") == 0 || strcmp(n->mode, "isolated") == 0 || !n->bridge[0])
            continue;
        snprintf(what, sizeof(what), "of network %s", n->name);
        reason_for(&w, n->bridge, what, reason, sizeof(reason));
        mark(&w, KC_NIC_VM, n->bridge, "", reason, false, 0);
    }
    /* the domains' own bridges and devices; a NAT network in use */
    for (size_t i = 0; i < n_ifaces; i++) {
        const kc_vm_iface *f = &ifaces[i];

        if (strcmp(f->type, "network") == 0) {
            const kc_fact_network *n = find_network(facts, f->source);

            if (n && n->active && strcmp(n->mode, "nat") == 0 && !nat_used) {
                nat_used = true;
                nat = n;
            }
            continue;
        }
        snprintf(what, sizeof(what), "(domain %s)", f->domain);
        reason_for(&w, f->source, what, reason, sizeof(reason));
        mark(&w, KC_NIC_VM, f->source, "", reason, false, 0);
    }
    /* NAT: the VMs' traffic leaves through the host's default route */
    if (nat && (nat_used || !w.any)) {
        if (kc_sysfs_default_route(root, route, sizeof(route)) < 0) {
            kc_facts_add_note(facts, "nics: no default route in /proc/net/route: the NAT "
                              "network '%s' has no known uplink", nat->name);
        } else {
            snprintf(reason, sizeof(reason), "default route (NAT network %s)", nat->name);
            mark(&w, KC_NIC_VM, route, "", reason, false, 0);
        }
    }
    rest_not_uplink(facts);
}

/* The route to one target; @what says whose it is ("pool san1"). */
static void storage_route(const char *root, kc_facts *facts, const char *what, const char *host)
{
    walker w = { root, facts, false };
    char ifname[KC_NAME_MAX], reason[192];
    int rc = kc_sysfs_route_to(root, host, ifname, sizeof(ifname));

    if (rc == -2) {
        kc_facts_add_note(facts, "nics: %s names its storage host '%s', not an IPv4 address: "
                          "the NIC that reaches it is not known", what, host);
        return;
    }
    if (rc < 0) {
        kc_facts_add_note(facts, "nics: no route to %s's storage host %s in /proc/net/route",
                          what, host);
        return;
    }
    snprintf(reason, sizeof(reason), "route to %s (%s)", host, what);
    mark(&w, KC_NIC_STORAGE, ifname, "", reason, false, 0);
}

void kc_nic_roles_storage(const char *root, const kc_storage_target *targets, size_t n_targets,
                          kc_facts *facts)
{
    char sessions[16][64];
    size_t n_sessions = kc_sysfs_iscsi_targets(root, sessions, 16);

    for (size_t i = 0; i < n_targets; i++)
        storage_route(root, facts, targets[i].what, targets[i].host);
    for (size_t i = 0; i < n_sessions; i++)
        storage_route(root, facts, "an iSCSI session", sessions[i]);
}

void kc_nic_roles_from_file(kc_facts *facts)
{
    const kc_fact_network *nat = NULL;
    kc_fact_nic *only = NULL;
    size_t derived = 0, candidates = 0;
    bool any = false;

    for (size_t i = 0; i < facts->n_networks && !nat; i++)
        if (strcmp(facts->networks[i].mode, "nat") == 0 && facts->networks[i].active)
            nat = &facts->networks[i];
    for (size_t i = 0; i < facts->n_nics; i++) {
        kc_fact_nic *nic = &facts->nics[i];

        if (nic->role == KC_NIC_VM && !nic->standby)
            any = true;
        if (nic->role != KC_NIC_LAST)
            continue;
        derived++;
        if (!nic->bridge[0]) {
            if (nic->speed_kbps) {
                candidates++;
                only = nic;
            }
            continue;
        }
        nic->role = KC_NIC_VM;
        any = true;
        for (size_t n = 0; n < facts->n_networks; n++)
            if (strcmp(facts->networks[n].bridge, nic->bridge) == 0 &&
                strcmp(facts->networks[n].mode, "bridge") == 0) {
                set_why(nic, "in bridge %s of network %s", nic->bridge,
                         facts->networks[n].name);
                break;
            }
        if (!nic->why[0])
            set_why(nic, "in bridge %s", nic->bridge);
    }
    if (!derived)
        return;
    if (!facts->n_networks) {
        /* a file without networks (written by hand) says nothing of how VMs connect */
        for (size_t i = 0; i < facts->n_nics; i++)
            if (facts->nics[i].role == KC_NIC_LAST) {
                facts->nics[i].role = KC_NIC_VM;
                set_why(&facts->nics[i], "the file lists no networks: counted");
            }
    } else if (!any && nat && candidates == 1) {
        only->role = KC_NIC_VM;
        set_why(only, "the only NIC, so the default route (NAT "
                 "network %s)", nat->name);
    } else if (!any && nat && candidates > 1) {
        kc_facts_add_note(facts, "nics: the file does not say which NIC holds the default "
                          "route of NAT network '%s': none counted (give --set nic=...)",
                          nat->name);
    }
    rest_not_uplink(facts);
    kc_facts_add_note(facts, "nics: roles derived from bridges and networks (the file "
                      "predates NIC roles)");
}

void kc_nic_roles_unknown(kc_facts *facts)
{
    for (size_t i = 0; i < facts->n_nics; i++) {
        facts->nics[i].role = KC_NIC_VM;
        facts->nics[i].standby = false;
        kc_strlcpy(facts->nics[i].why, "not a local host: bridges unknown, counted",
                   sizeof(facts->nics[i].why));
    }
}
