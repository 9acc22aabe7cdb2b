/* SPDX-License-Identifier: MIT */
/* sysfs.h: what /sys says about NICs and block devices, below an injectable root. */
#ifndef KC_SYSFS_H
#define KC_SYSFS_H

#include <stddef.h>

#include "facts/facts.h"

/*
 * @root is the root of the host's file system (NULL or "" = "/"): /sys is read at
 * <root>/sys and pool paths are looked up at <root><path>. Tests pass a fixture tree
 * (tests/fixtures/sys). Nothing here fails on a missing or odd file: what cannot be read
 * is unknown, never guessed.
 */

/* Merge the physical NICs of <root>/sys/class/net (those with a `device` link; lo, bridges,
 * taps and veths are not NICs) into @facts: a NIC already in @facts (from libvirt's node
 * devices) keeps its name and gets the speed when it had none and its bridge; others are
 * added. `speed` of -1, unreadable or junk is unknown (0) and gets a note. Returns the number
 * of NICs found in /sys (0 when the directory is missing). */
size_t kc_sysfs_add_nics(const char *root, kc_facts *facts);

/* One interface @name of <root>/sys/class/net as a NIC, as kc_sysfs_add_nics() adds one, with
 * or without a `device` link (a link out of this namespace: facts/netlink.h). Returns 1, or 0
 * when it is not there. */
size_t kc_sysfs_add_nic(const char *root, const char *name, kc_facts *facts);

/* What an interface of <root>/sys/class/net is, and what lies below it (issue 12, NIC roles). */
typedef enum kc_netdev_kind {
    KC_NETDEV_MISSING,         /* not in /sys/class/net */
    KC_NETDEV_NIC,             /* a physical NIC (it has a `device` link) */
    KC_NETDEV_BRIDGE,          /* lower: its ports (brif/) */
    KC_NETDEV_BOND,            /* lower: its slaves (bonding/slaves) */
    KC_NETDEV_OTHER,           /* VLAN, macvlan, tap, veth...; lower: its lower_* links */
    KC_NETDEV_LAST
} kc_netdev_kind;

#define KC_NETDEV_LOWER_MAX 16

typedef struct kc_netdev {
    kc_netdev_kind kind;
    char mode[32];             /* a bond's mode: first word of bonding/mode ("802.3ad") */
    char active[KC_NAME_MAX];  /* a bond's bonding/active_slave, "" when none */
    size_t n_lower;            /* at most KC_NETDEV_LOWER_MAX, sorted by name */
    char lower[KC_NETDEV_LOWER_MAX][KC_NAME_MAX];
} kc_netdev;

/* Describe the interface @ifname into *@out. Never fails: a missing or odd entry is
 * KC_NETDEV_MISSING or has no lower devices. */
void kc_sysfs_netdev(const char *root, const char *ifname, kc_netdev *out);

/* The interface of the default route in <root>/proc/net/route (destination and mask 0, up;
 * the lowest metric wins). Returns 0 with @ifname filled, or -1 (none, or no file). */
int kc_sysfs_default_route(const char *root, char *ifname, size_t size);

/* The interface that <root>/proc/net/route sends the IPv4 address @addr ("10.0.0.5") through:
 * the up route of the longest mask, then the lowest metric. Returns 0 with @ifname filled,
 * -1 (no route, or no file) or -2 (@addr is not an IPv4 address). */
int kc_sysfs_route_to(const char *root, const char *addr, char *ifname, size_t size);

/* The targets of the host's open-iSCSI sessions: persistent_address of every
 * <root>/sys/class/iscsi_connection/connection*, at most @max, sorted. Returns how many. */
size_t kc_sysfs_iscsi_targets(const char *root, char (*addr)[64], size_t max);

/* Classify the block device @block ("sda", "nvme0n1p2", "dm-0"): "nvme", "ssd" or "unknown".
 * Partitions are looked up on their disk, device-mapper devices on their slaves (all must
 * agree). rotational=1 is "unknown": virtual disks say 1 too (doc/libvirt.md 4.2). On "unknown"
 * @why (of @why_size bytes) says why; else it is "". Returns a static string. */
const char *kc_sysfs_disk_type(const char *root, const char *block, char *why, size_t why_size);

/* The block device holding the file system of <root>@path, via its st_dev and
 * <root>/sys/dev/block/MAJOR:MINOR. Returns 0 with @name filled, or -1 (not found). */
int kc_sysfs_block_of_path(const char *root, const char *path, char *name, size_t size);

/* The block device name of MAJOR:MINOR in <root>/sys/dev/block. Returns 0 or -1. */
int kc_sysfs_block_of_devnum(const char *root, unsigned major, unsigned minor,
                             char *name, size_t size);

#endif /* KC_SYSFS_H */
