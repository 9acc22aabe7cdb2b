/* SPDX-License-Identifier: MIT */
/* facts.h: what kvmcap knows about one host, wherever it came from (libvirt, spec, file). */
#ifndef KC_FACTS_H
#define KC_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kc.h"
#include "util/names.h"    /* kc_source, kc_vm_state, kc_existing */

typedef struct kc_fact_vm {
    char name[KC_NAME_MAX];
    uint32_t vcpus;
    uint64_t mem_mib;          /* maximum memory, rounded up to MiB */
    uint64_t disk_mib;         /* 0 = unknown */
    bool hugepages;
    kc_vm_state state;
} kc_fact_vm;

typedef struct kc_fact_nic {
    char name[KC_NAME_MAX];    /* "eth0"; "nic0" for spec hosts */
    uint64_t speed_kbps;       /* 0 = unknown */
    char bridge[KC_NAME_MAX];  /* the bridge it is a port of, "" = none */
    kc_nic_role role;          /* what it carries (README "Model"; KC_NIC_VM for spec NICs) */
    bool standby;              /* a standby slave of an active-backup bond: not counted */
    char why[128];             /* why it has its role ("bond0 slave, 802.3ad; in bridge br0
                                * of network br0"); "" for spec NICs */
} kc_fact_nic;

typedef struct kc_fact_network {
    char name[KC_NAME_MAX];    /* libvirt network name */
    char mode[16];             /* "nat", "bridge", "route", "open", "isolated", ... */
    char bridge[KC_NAME_MAX];
    bool active;
} kc_fact_network;

typedef struct kc_fact_storage {
    char name[KC_NAME_MAX];    /* pool name, or "disk0" for spec hosts */
    char pool_type[16];        /* libvirt pool type ("dir", "iscsi", ...), "" for spec hosts */
    char disk_type[32];        /* catalog device type ("nvme", "iscsi-10g"), "unknown" */
    uint32_t count;            /* identical devices (>= 1) */
    uint64_t size_mib;         /* size of one device */
    uint64_t used_mib;         /* allocated (whole group) */
    kc_raid raid;              /* how a local group's devices combine (README "Model") */
    bool boot;                 /* the hypervisor's own disks: no VM disk goes there */
} kc_fact_storage;

/* Adding a host fact: doc/hacking.md 6. */
typedef struct kc_facts {
    kc_source source;
    char uri[256];             /* libvirt URI or file path; "" for spec */
    char origin_uri[256];      /* source facts: the URI the file says its host was collected
                                  from (its host.uri); "" when it does not say */
    char hostname[256];
    char name[KC_NAME_MAX];    /* name= of a spec host, or hostname */
    char cpu_model[64];
    uint32_t cpus;             /* logical CPUs */
    uint32_t sockets, cores, threads;   /* topology; 0 = unknown */
    uint32_t mhz;
    uint64_t mem_mib;
    char mem_source[32];       /* "memory-stats", "nodeinfo", "spec", "file" */
    uint64_t nodeinfo_mem_mib; /* virNodeGetInfo's figure, when it disagreed; else 0 */
    uint64_t hugepage_kib;
    uint64_t hugepages_mib;
    size_t n_numa;
    kc_numa_node numa[KC_NUMA_MAX];
    uint64_t price;            /* price= of a candidate host; 0 = none */
    size_t n_nics, n_networks, n_storage, n_vms;
    kc_fact_nic *nics;         /* owned arrays; grow with kc_facts_add_* */
    kc_fact_network *networks;
    kc_fact_storage *storage;
    kc_fact_vm *vms;
    uint64_t unplaced_used_mib;   /* storage use of no known pool: what --set disk= took
                                     from pools it replaced (existing use is not dropped) */
    size_t n_notes;
    char (*notes)[256];        /* what could not be known, discrepancies */
} kc_facts;

/* Allocate empty facts; aborts on out-of-memory. Free with kc_facts_free() (NULL-safe). */
kc_facts *kc_facts_new(void);
void kc_facts_free(kc_facts *facts);

/* Append one zeroed entry and return it (owned by @facts; aborts on out-of-memory). */
kc_fact_vm *kc_facts_add_vm(kc_facts *facts);
kc_fact_nic *kc_facts_add_nic(kc_facts *facts);
kc_fact_network *kc_facts_add_network(kc_facts *facts);
kc_fact_storage *kc_facts_add_storage(kc_facts *facts);
void kc_facts_add_note(kc_facts *facts, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Whether @nic counts in the VM uplink: a vm NIC of known speed that is not a standby. */
bool kc_facts_nic_is_uplink(const kc_fact_nic *nic);

/* Sort VMs, NICs, networks and storage by name (libvirt lists them in varying order). */
void kc_facts_sort(kc_facts *facts);

/* Whether the NUMA cells describe the host: they hold its CPUs and hugepages exactly and
 * 90-100 % of its memory. kc_facts_to_host() leaves inconsistent cells out. */
bool kc_facts_numa_consistent(const kc_facts *facts);

#endif /* KC_FACTS_H */
