/* SPDX-License-Identifier: MIT */
/* xml_facts.h: pure parsers of libvirt XML (capabilities, domain, pool, network, node device). */
#ifndef KC_XML_FACTS_H
#define KC_XML_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc.h"

/*
 * Every parser takes libvirt's XML text (untrusted: it may come from a remote host or a
 * fuzzer), fills a caller-owned struct and returns 0, or -1 with @err set to KC_ERR_INVALID
 * and a one-line message naming the bad token. They use libxml2's tree and XPath API, never
 * string search, do no I/O, print nothing and keep no state: `text -> struct`.
 * Names longer than the struct's field are cut (they are labels, not numbers); numbers that
 * do not fit are errors, never wrapped.
 */

/* Host part of `virConnectGetCapabilities()`. */
typedef struct kc_xml_caps {
    char cpu_model[64];          /* host/cpu/model, "" if absent */
    uint32_t sockets, cores, threads;   /* host/cpu/topology, 0 = absent */
    size_t n_cells;              /* NUMA cells; 0 = none described (test driver files) */
    kc_numa_node cells[KC_NUMA_MAX];    /* cpus, mem_mib (rounded down), hugepages_mib */
    uint32_t cell_ids[KC_NUMA_MAX];     /* the cells' id attributes */
    uint64_t hugepage_kib;       /* page size of the biggest hugepage pool; 0 = no pool */
    uint64_t hugepages_mib;      /* all hugepage pools, all sizes, all cells */
    unsigned n_hugepage_sizes;   /* how many page sizes have a non-empty pool */
} kc_xml_caps;

int kc_xml_parse_caps(const char *xml, kc_xml_caps *out, kc_error *err);

#define KC_XML_IFACE_MAX 16       /* interfaces kept per domain (the rest are left out) */

/* One <interface> of a domain: how the VM reaches the network (issue 12, NIC roles). */
typedef struct kc_xml_iface {
    char type[16];               /* @type: "bridge", "network", "direct", ... */
    char source[KC_NAME_MAX];    /* source/@bridge, source/@network or source/@dev by type */
} kc_xml_iface;

/* `virDomainGetXMLDesc()`. */
typedef struct kc_xml_domain {
    char name[KC_NAME_MAX];
    uint32_t vcpus;              /* <vcpu> maximum (what the domain may run) */
    uint64_t mem_mib;            /* <memory> (maximum), rounded UP to MiB */
    bool hugepages;              /* <memoryBacking><hugepages/> */
    size_t n_ifaces;             /* devices/interface of type bridge, network or direct */
    kc_xml_iface ifaces[KC_XML_IFACE_MAX];
} kc_xml_domain;

int kc_xml_parse_domain(const char *xml, kc_xml_domain *out, kc_error *err);

/* `virStoragePoolGetXMLDesc()`. Sizes rounded down to MiB. */
typedef struct kc_xml_pool {
    char name[KC_NAME_MAX];
    char type[16];               /* "dir", "iscsi", "logical", ... */
    uint64_t capacity_mib, allocation_mib, available_mib;
    char target_path[256];       /* target/path, "" if absent */
    char source_device[256];     /* first source/device/@path, "" if absent */
    char source_host[KC_NAME_MAX];  /* first source/host/@name (iscsi, netfs, rbd...), "" */
} kc_xml_pool;

int kc_xml_parse_pool(const char *xml, kc_xml_pool *out, kc_error *err);

/* `virNetworkGetXMLDesc()`. */
typedef struct kc_xml_network {
    char name[KC_NAME_MAX];
    char mode[16];               /* forward mode; "nat" for <forward/>; "isolated" without it */
    char bridge[KC_NAME_MAX];    /* bridge/@name, else forward/interface/@dev (macvtap), else "" */
} kc_xml_network;

int kc_xml_parse_network(const char *xml, kc_xml_network *out, kc_error *err);

/* `virNodeDeviceGetXMLDesc()` of a device with a net capability. */
typedef struct kc_xml_nodedev_net {
    char name[KC_NAME_MAX];      /* device name, "net_eth0_52_54_00_12_34_56" */
    char parent[KC_NAME_MAX];    /* "computer" for virtual interfaces */
    char interface[KC_NAME_MAX]; /* "eth0" */
    uint64_t speed_kbps;         /* link/@speed (Mbit/s) x 1000; 0 = unknown */
    bool is_virtual;             /* parent is "computer" (lo, bridges, taps, veth) */
} kc_xml_nodedev_net;

/* Returns 0, or -1 (KC_ERR_INVALID) also when the device has no net capability. */
int kc_xml_parse_nodedev_net(const char *xml, kc_xml_nodedev_net *out, kc_error *err);

/* Parse a libvirt size: decimal integer @value in @unit ("b", "bytes", "k", "KiB", "KB",
 * "M", "MiB", "MB", "G", ..., "T", "TiB"; NULL or "" = @default_unit) into bytes.
 * Returns 0, or -1 (KC_ERR_INVALID naming @what and the token) on junk or overflow. */
int kc_xml_size_bytes(const char *what, const char *value, const char *unit,
                      const char *default_unit, uint64_t *bytes, kc_error *err);

#endif /* KC_XML_FACTS_H */
