/* SPDX-License-Identifier: MIT */
/* nic_roles.h: which NICs carry VM traffic (the uplink), and why (README "Model"). */
#ifndef KC_NIC_ROLES_H
#define KC_NIC_ROLES_H

#include <stddef.h>

#include "facts/facts.h"

/* One network interface of a domain, as the collector found it. */
typedef struct kc_vm_iface {
    char domain[KC_NAME_MAX];
    char type[16];             /* "bridge", "network" or "direct" (libvirt's interface type) */
    char source[KC_NAME_MAX];  /* the bridge, network or device it names */
} kc_vm_iface;

/*
 * A local host: give every NIC of @facts its role and why, from <root>/sys (sysfs.h) and
 * the host's networks and domain interfaces (@ifaces). The VM uplink is:
 *   - the ports of the bridges that bridge-mode networks (facts->networks) or domain
 *     interfaces of type bridge name; the device of a macvtap network or direct interface;
 *   - where VMs use NAT (a domain interface on an active NAT network, or an active NAT
 *     network and no VM bridge at all): the default-route interface of <root>/proc/net/route;
 *   - through a bond: all its slaves for 802.3ad and balance-*, one (bonding/active_slave,
 *     else the first) for active-backup and broadcast, the others marked standby.
 * Every other NIC is mgmt, "not in a VM bridge". Notes say what could not be known.
 */
void kc_nic_roles_live(const char *root, const kc_vm_iface *ifaces, size_t n_ifaces,
                       kc_facts *facts);

/*
 * A facts file that predates NIC roles: every NIC whose role is KC_NIC_LAST (the reader's
 * "not given") gets one from what the file has. A port of a bridge is vm; where no NIC is
 * and an active NAT network exists, the one NIC of known speed is taken as the default
 * route (with several, none is: the file does not say which, and a note says so); the rest
 * are mgmt. A file that lists no networks (one written by hand) says nothing of how VMs
 * connect: its NICs are all vm. Adds a note that the roles were derived.
 */
void kc_nic_roles_from_file(kc_facts *facts);

/* One network storage target of a host: a libvirt pool's source host (an iSCSI portal, an NFS
 * server, a Ceph monitor), as the collector found it. */
typedef struct kc_storage_target {
    char what[KC_NAME_MAX + 8];  /* "pool san1" */
    char host[KC_NAME_MAX];      /* the address or name it gives */
} kc_storage_target;

/*
 * A local host, after kc_nic_roles_live(): a mgmt NIC through which <root>/proc/net/route
 * reaches a storage target (@targets, and the open-iSCSI sessions of <root>/sys) is storage,
 * through bonds and VLANs as for the uplink. A NIC that carries VM traffic stays vm (a note
 * says it carries storage too). A target given by name is not resolved, and IPv6 routes are
 * not followed: notes say so.
 */
void kc_nic_roles_storage(const char *root, const kc_storage_target *targets, size_t n_targets,
                          kc_facts *facts);

/* A host whose /sys cannot be read (remote): every NIC stays vm, counted, and says why. */
void kc_nic_roles_unknown(kc_facts *facts);

#endif /* KC_NIC_ROLES_H */
