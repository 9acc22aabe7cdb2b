/* SPDX-License-Identifier: MIT */
/* kc.h: the core's shared types: errors, fixed-point units, host, VM shape, policy. */
#ifndef KC_H
#define KC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Units used throughout the core (all integers, never floating point):
 *   memory and disk sizes    MiB
 *   bandwidth (NIC, VM net)  kbit/s (decimal: 1 Gbit/s = 1000000 kbit/s)
 *   throughput               MB/s (decimal megabytes)
 *   percentages              basis points: 10000 = 100 %, 2000 = 20 %, 1250 = 12.5 %
 *   ratios (cpu ratio)       thousandths: 4000 = 4.0 vCPU per logical CPU
 *   cpu load                 basis points of one core: 10000 = one core busy
 */
#define KC_BP_ONE 10000u      /* 100 % in basis points */
#define KC_MILLI_ONE 1000u    /* 1.0 in thousandths */

/* Capacity tables are fixed-size so a host is a plain value (copyable, no allocation). */
#define KC_NUMA_MAX 64
#define KC_NIC_MAX 32
#define KC_STORAGE_MAX 32
#define KC_NAME_MAX 64

__extension__ typedef unsigned __int128 kc_u128;

typedef enum kc_errcode {
    KC_ERR_NONE = 0,
    KC_ERR_NOFIT = 1,     /* --check asked for more than fits */
    KC_ERR_USAGE = 2,     /* bad command line */
    KC_ERR_INVALID = 3,   /* bad input: spec, file, out-of-range value */
    KC_ERR_HOST = 4,      /* host, libvirt or I/O error */
    KC_ERR_INTERNAL = 5,  /* a bug or out-of-memory */
    KC_ERR_LAST
} kc_errcode;

/* Caller-owned error: the message is one line, lowercase, no trailing period. */
typedef struct kc_error {
    kc_errcode code;
    char msg[256];
} kc_error;

/* Set @err (if non-NULL) to @code and the formatted message. Always returns -1 so that
 * callers can write `return kc_error_set(...)`. */
int kc_error_set(kc_error *err, kc_errcode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

typedef enum kc_numa_mode {
    KC_NUMA_SPREAD,       /* host-wide: a VM may span nodes (default) */
    KC_NUMA_STRICT,       /* a VM must fit inside one node */
    KC_NUMA_LAST
} kc_numa_mode;

typedef enum kc_net_mode {
    KC_NET_BRIDGE,        /* VMs on the uplink at full efficiency, reachable from outside */
    KC_NET_NAT,           /* routed through the host (libvirt's default virbr0) */
    KC_NET_LAST
} kc_net_mode;

typedef enum kc_overhead_mode {
    KC_OVERHEAD_FIXED,    /* policy.overhead_mib per VM (default 0) */
    KC_OVERHEAD_AUTO,     /* 64 MiB + RAM/512 + 8 MiB per vCPU (see fit.c) */
    KC_OVERHEAD_LAST
} kc_overhead_mode;

typedef struct kc_numa_node {
    uint32_t cpus;            /* logical CPUs of the node */
    uint64_t mem_mib;         /* node memory, hugepage pool included */
    uint64_t hugepages_mib;   /* the node's part of the hugepage pool */
} kc_numa_node;

/* What a NIC carries (README "Model"): only KC_NIC_VM ports are the VMs' uplink; KC_NIC_STORAGE
 * ports carry network storage (iSCSI); KC_NIC_MGMT ports carry neither. */
typedef enum kc_nic_role {
    KC_NIC_VM,                /* default */
    KC_NIC_MGMT,
    KC_NIC_STORAGE,
    KC_NIC_LAST
} kc_nic_role;

typedef struct kc_nic {
    uint64_t speed_kbps;      /* link speed; 0 = unknown */
    kc_nic_role role;
} kc_nic;

typedef enum kc_storage_kind {
    KC_STORAGE_LOCAL,         /* HDD, SATA/SAS SSD, NVMe in the host */
    KC_STORAGE_NETWORK,       /* iSCSI, Fibre Channel: capped by the link */
    KC_STORAGE_LAST
} kc_storage_kind;

/* How the devices of a local group are combined (README "Model", doc/model.md 2.5):
 * KC_RAID_NONE is independent disks (each VM disk on one device, the group's space and I/O
 * the sum of its devices'). */
typedef enum kc_raid {
    KC_RAID_NONE,             /* default */
    KC_RAID_0,
    KC_RAID_1,
    KC_RAID_5,
    KC_RAID_6,
    KC_RAID_10,
    KC_RAID_LAST
} kc_raid;

#define KC_POOL_NAME_MAX 32

/* One storage pool: a group of identical devices (`4xnvme:3.84t`), one network array
 * (`iscsi-10g:20t`, count = LUNs of that size on the one array behind one link), or a
 * libvirt storage pool. A VM's disk lives whole on one pool. Figures come from the
 * planner's device catalog. */
typedef struct kc_storage {
    kc_storage_kind kind;
    uint32_t count;           /* devices (local) or LUNs (network) in the pool (>= 1) */
    uint64_t size_mib;        /* size of one device */
    uint64_t iops;            /* random read IOPS per device (local) or of the array
                                 (network); 0 = unknown */
    uint64_t mbps;            /* read MB/s, per device or of the array; 0 = unknown */
    uint64_t write_iops;      /* random write IOPS, as iops; 0 = the read figure */
    uint64_t write_mbps;      /* write MB/s, as mbps; 0 = the read figure */
    uint64_t link_iops;       /* network: what the link carries at the catalog's I/O size; 0 = no cap */
    uint64_t link_mbps;       /* network: link throughput in MB/s; 0 = no cap */
    kc_raid raid;             /* local groups; network arrays are KC_RAID_NONE */
    bool boot;                /* the hypervisor's own disks: no VM disk goes there */
    bool over_ip;             /* network storage over TCP/IP (iSCSI): also capped by the
                                 host's KC_NIC_STORAGE NICs */
    char name[KC_POOL_NAME_MAX];   /* what `pool=NAME` matches; "" = unnamed */
    /* What VMs of known pool hold here (facts' per-pool `used`, VMs placed by kvmcap):
     * part of kc_host.used, not in addition to it. */
    uint64_t used_mib;
    uint64_t used_iops;
    uint64_t used_mbps;
} kc_storage;

/* What the existing VMs on a host already hold (aggregated). */
typedef struct kc_usage {
    uint64_t vms;
    uint64_t vcpus;
    uint64_t mem_mib;         /* normal memory of the existing VMs */
    uint64_t hugepages_mib;   /* hugepage-backed memory of the existing VMs */
    uint64_t disk_mib;        /* storage already allocated (the pools' used_mib included; the
                                 rest is of unknown pool) */
    /* What only VMs placed by kvmcap itself (SPEC:COUNT) are known to hold; existing VMs
     * from a host's facts leave these 0 (their network and I/O use is not known). */
    uint64_t net_kbps;        /* bandwidth held */
    uint64_t iops;
    uint64_t mbps;            /* disk throughput, MB/s */
    uint64_t load_vcpus;      /* vCPUs whose load is known: load_bp; the other vCPUs are
                                 assumed to run at the planned shape's cpu= load */
    uint64_t load_bp;         /* their load, basis points of one core */
} kc_usage;

/* What VMs known to sit on one NUMA node hold there (VMs placed by kvmcap under --numa
 * strict; see kc_place_add). Part of kc_host.used, not in addition to it. */
typedef struct kc_node_usage {
    uint64_t vms;
    uint64_t vcpus;
    uint64_t mem_mib;         /* normal memory */
    uint64_t hugepages_mib;   /* hugepage-backed memory, in whole pages */
} kc_node_usage;

/* A host as the core sees it: numbers only, wherever they came from. */
typedef struct kc_host {
    uint32_t cpus;            /* logical CPUs (threads) */
    uint64_t mem_mib;         /* physical memory */
    uint64_t hugepages_mib;   /* size of the hugepage pool (part of mem_mib) */
    uint64_t hugepage_kib;    /* page size of the pool; 0 = none */
    size_t n_numa;            /* 0 = unknown: treated as one node */
    kc_numa_node numa[KC_NUMA_MAX];
    size_t n_nics;
    kc_nic nics[KC_NIC_MAX];
    size_t n_storage;
    kc_storage storage[KC_STORAGE_MAX];
    kc_usage used;
    /* used[] of each NUMA node (n_numa entries): the VMs whose node is known. The rest of
     * `used` (existing VMs from facts, whose nodes are not known) is spread over the nodes
     * by their size. */
    kc_node_usage node_used[KC_NUMA_MAX];
} kc_host;

/* One VM shape. Optional demands are 0 when not given. */
typedef struct kc_shape {
    uint32_t vcpus;
    uint32_t cpu_util_bp;     /* cpu=NN%; 0 = not given */
    uint64_t mem_mib;
    uint64_t disk_mib;        /* disk= */
    uint64_t iops;            /* iops= */
    uint64_t mbps;            /* mbps= (MB/s) */
    uint64_t net_kbps;        /* net= */
    uint32_t write_bp;        /* write share of iops= and mbps= (write=PCT); 0 = reads only */
    bool hugepages;           /* memory from the hugepage pool */
    char pool[KC_POOL_NAME_MAX];   /* pool=NAME: the only pool its disk may live on; "" = any
                                      pool that is not boot */
} kc_shape;

typedef struct kc_policy {
    uint32_t overcommit_bp;       /* memory overcommit, 0 = none */
    uint64_t reserve_mib;         /* kept by the hypervisor; default 512 */
    uint32_t reserve_cpus;
    uint32_t cpu_ratio_milli;     /* vCPU per logical CPU; default 4000 */
    kc_overhead_mode overhead_mode;
    uint64_t overhead_mib;        /* per VM, KC_OVERHEAD_FIXED only */
    uint32_t disk_overcommit_bp;
    uint32_t max_util_bp;         /* default 10000 */
    kc_numa_mode numa;
    kc_net_mode net_mode;
    uint32_t nat_efficiency_bp;   /* from the catalog; used with KC_NET_NAT */
} kc_policy;

/* Fill @policy with the defaults of doc/model.md 4.1 (512 MiB reserve, ratio 4.0, 100 % util,
 * bridge networking; NAT efficiency 100 % until the planner sets the catalog's figure). */
void kc_policy_init(kc_policy *policy);

/* The summed link speed of @host's NICs of @role, saturating at UINT64_MAX. */
uint64_t kc_host_nic_kbps(const kc_host *host, kc_nic_role role);

/* Zero @host. A host with no NUMA, NIC or storage entries is valid. */
void kc_host_init(kc_host *host);

/* Check that a host, shape or policy is self-consistent (e.g. NUMA nodes add up, counts
 * in range). Returns 0, or -1 with KC_ERR_INVALID naming the field. */
int kc_host_validate(const kc_host *host, kc_error *err);
int kc_shape_validate(const kc_shape *shape, kc_error *err);
int kc_policy_validate(const kc_policy *policy, kc_error *err);

#endif /* KC_H */
