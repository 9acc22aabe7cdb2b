/* SPDX-License-Identifier: MIT */
/* facts_json.h: the facts file: kc_facts to and from versioned JSON (kvmcap facts --json). */
#ifndef KC_FACTS_JSON_H
#define KC_FACTS_JSON_H

#include "facts/facts.h"
#include "kc.h"

/*
 * The facts file (written by `kvmcap facts --json`, read by `--facts FILE`).
 * Keys are written in this order; unknown keys are ignored on read; units are in the names.
 * Integers are exact non-negative decimal integers below 2^53 (cJSON numbers are doubles).
 *
 * {
 *   "kvmcap": "0.1.0",               version of the writer (string, optional on read)
 *   "report": "facts",               optional on read; if present it must be "facts"
 *   "host": {                        required
 *     "source": "libvirt",           where the facts were collected: "libvirt", "embedded",
 *                                    "spec" or "facts" (optional on read, see below)
 *     "uri": "qemu:///system",       libvirt URI or path (string, < 256 bytes)
 *     "hostname": "kvm1",            < 256 bytes
 *     "name": "kvm1",                < 64 bytes
 *     "cpu_model": "EPYC-Milan",     < 64 bytes
 *     "cpus": 128,                   REQUIRED, logical CPUs, 1 .. 2^32-1
 *     "sockets": 2, "cores": 32, "threads": 2,    topology, 0 = unknown
 *     "mhz": 2450,                   0 = unknown
 *     "mem_mib": 524288,             REQUIRED, physical memory, >= 1
 *     "mem_source": "memory-stats",  where mem_mib came from (< 32 bytes)
 *     "nodeinfo_mem_mib": 0,         virNodeGetInfo's figure when it disagreed, else 0
 *     "hugepage_kib": 1048576,       hugepage size of the pool, 0 = none
 *     "hugepages_mib": 65536,        hugepage pool size (part of mem_mib)
 *     "price": 0                     price of a candidate host, 0 = none
 *   },
 *   "numa": [ { "cpus": 64, "mem_mib": 262144, "hugepages_mib": 32768 } ],
 *                                    at most KC_NUMA_MAX (64) nodes; cpus and mem_mib
 *                                    required, hugepages_mib defaults to 0
 *   "nics": [ { "name": "eno1", "speed_mbps": 25000, "bridge": "br0", "role": "vm",
 *               "why": "in bridge br0 of network br0", "standby": false } ],
 *                                    speed_mbps: Mbit/s, null = unknown; a speed that is not
 *                                    a whole Mbit/s is written as "speed_kbps" instead (give
 *                                    one of the two); bridge: the bridge it is a port of, "";
 *                                    role: vm (the VM uplink), mgmt or storage; why: how the
 *                                    collector knew (< 128 bytes); standby: a spare slave of
 *                                    an active-backup bond, not counted. A file without
 *                                    "role" (written before NIC roles) gets them derived from
 *                                    bridges and networks (nic_roles.h).
 *   "networks": [ { "name": "default", "mode": "nat", "bridge": "virbr0", "active": true } ],
 *   "storage": [ { "name": "images", "pool_type": "dir", "disk_type": "nvme", "count": 1,
 *                  "size_mib": 3662109, "used_mib": 102400 } ],
 *                                    size_mib (of one device) required; count >= 1 defaults
 *                                    to 1; disk_type (catalog name) defaults to "unknown";
 *                                    used_mib (whole group) defaults to 0; each entry is
 *                                    a pool: "raid" none (default), raid0, raid1, raid5,
 *                                    raid6 or raid10, "role" vm (default) or boot (the
 *                                    hypervisor's disks); written only when not the default
 *   "vms": [ { "name": "web1", "vcpus": 2, "mem_mib": 4096, "disk_mib": 40960,
 *              "hugepages": false, "state": "running" } ],
 *                                    vcpus and mem_mib required; disk_mib 0 = unknown;
 *                                    state "running" (default) or "off"
 *   "notes": [ "nic 'eth0': link speed unknown" ]
 * }
 *
 * Provenance: reading a file sets facts->source = KC_SOURCE_FACTS and facts->uri = the
 * file's origin (what a fit report shows). Where the file says it was collected elsewhere
 * (host.source is not "facts"), the reader keeps that as the FIRST note, exactly
 *     collected from <source> '<uri>'
 * and the writer, given facts whose source is KC_SOURCE_FACTS and whose first note has
 * that form, writes it back as host.source/host.uri and leaves the note out. So the
 * provenance survives re-export and to_json(from_json(x)) == x for every file to_json
 * writes. (A uri too long to fit in a note is kept as "collected from <source>", and the
 * re-exported file then names the facts file instead.)
 */

/* Serialize @facts as a pretty-printed facts file (cJSON's tab layout, fixed key order,
 * trailing newline). @version is the "kvmcap" field. Integers are written exactly, never
 * through a double (a value of 2^53 or more is written in full, and the reader then
 * rejects it). Returns a malloc'd string the caller frees with free(); aborts on
 * out-of-memory. */
char *kc_facts_to_json(const kc_facts *facts, const char *version);

/* Parse the facts file @text (untrusted) into @facts, whose previous content is dropped.
 * @origin names the input in messages and becomes facts->uri (NULL: "facts").
 * Returns 0, or -1 with @err set to KC_ERR_INVALID and a one-line message naming
 * @origin and the JSON path of the bad field, e.g.
 *     host.json: 'vms[3].mem_mib' must be a non-negative integer
 * On error @facts holds partial content: free it with kc_facts_free(), don't use it. */
int kc_facts_from_json(const char *text, const char *origin, kc_facts *facts, kc_error *err);

#endif /* KC_FACTS_JSON_H */
