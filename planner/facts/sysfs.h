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
