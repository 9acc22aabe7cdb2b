/* SPDX-License-Identifier: MIT */
/* pool.h: storage pools: RAID space and I/O, and how many VMs of a shape the pools of a host
 * take (pure). The rules are README "Model" and doc/model.md 2.5. */
#ifndef KC_POOL_H
#define KC_POOL_H

#include "kc.h"

/* Fewest devices a RAID level takes (raid10 also needs an even count). */
uint32_t kc_raid_min_devices(kc_raid raid);

/* Random-write penalty: backend writes per VM write (raid1: one per mirror, n). */
uint64_t kc_raid_write_penalty(kc_raid raid, uint32_t count);

/* Usable space of a pool in MiB: none/raid0 n x s, raid1 s, raid10 (n/2) x s, raid5
 * (n-1) x s, raid6 (n-2) x s. Saturates at UINT64_MAX. */
uint64_t kc_pool_space_mib(const kc_storage *s);

/* Front-end IOPS (MB/s) a pool gives a VM mix of @write_bp writes, before max util and the
 * link: 1 / (read_share / (n x read) + write_share x penalty / (n x write)); 0 = unknown.
 * Throughput writes are limited to the data devices (raid5 n-1, raid6 n-2, raid1 1, raid10
 * n/2). Saturates at UINT64_MAX. */
uint64_t kc_pool_iops(const kc_storage *s, uint32_t write_bp);
uint64_t kc_pool_mbps(const kc_storage *s, uint32_t write_bp);

/* What storage NICs carry for over-IP storage (iSCSI): the link speed after TCP/IP overhead
 * as the catalog's links are figured (x 1448/1538, the TCP payload of a 1500-byte frame), in
 * MB/s, and that in 4 KiB I/Os. 0 = no storage NICs (no cap). */
uint64_t kc_storage_nic_mbps(const kc_host *host);
uint64_t kc_storage_nic_iops(const kc_host *host);

/* One pool under one shape. */
typedef struct kc_pool_fit {
    uint64_t space_cap, space_used;   /* MiB: usable x (1 + disk overcommit) x max util */
    uint64_t iops_cap, iops_used;     /* front-end IOPS at the shape's write share */
    uint64_t mbps_cap, mbps_used;
    uint64_t limit;           /* VMs of the shape this pool takes (eligible, and the shape
                                 asks for disk, iops or mbps); UINT64_MAX otherwise */
    uint32_t binding;         /* bits (1u << kc_resource) at that limit */
    bool eligible;            /* the shape's disk may live here (pool= / not boot) */
} kc_pool_fit;

/* Each of @host's pools under @shape and @policy (what the fit's pool_limit sums): @pools
 * gets host->n_storage entries. Host, shape and policy must be valid (kc_fit_compute
 * succeeded on them). Returns 0, or -1 with KC_ERR_INVALID for a figure beyond 64 bits. */
int kc_pool_fits(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                 kc_pool_fit *pools, kc_error *err);

/* Which of disk space, IOPS and throughput (bits 0, 1, 2) @shape asks of @host's pools as
 * the fit plans them: disk= on a host with pools, iops= / mbps= where some pool knows the
 * figure. 0: the pools do not count for the shape. */
uint32_t kc_pool_asks(const kc_host *host, const kc_shape *shape);

/* What the storage NICs leave for the over-IP pools together: IOPS and MB/s x max util,
 * less what the over-IP pools hold (the fit's shared cap). false (and @room zero) where the
 * host has no storage NICs: no cap. */
bool kc_pool_nic_room(const kc_host *host, const kc_policy *policy, uint64_t room[2]);

/* What the host holds of no known pool (kc_host.used less the pools' used): MiB, IOPS,
 * MB/s. The fit counts it against the sums over the eligible pools. */
void kc_pool_unattributed(const kc_host *host, uint64_t out[3]);

/* The storage NICs as one cap shared by the over-IP pools a shape may use (each pool's own
 * row shows the whole cap: this is the cap once). */
typedef struct kc_pool_nic_share {
    size_t n_pools;           /* eligible over-IP pools behind the storage NICs */
    uint32_t pools;           /* bit per index into kc_host.storage */
    uint64_t iops_cap, mbps_cap;   /* x max util */
    uint64_t iops_used, mbps_used; /* what the over-IP pools hold */
    uint64_t limit;           /* VMs of the shape the NICs carry; UINT64_MAX: it asks none */
    uint32_t binding;         /* bits (1u << kc_resource) at that limit */
    bool limiting;            /* the NICs carry fewer than those pools take together */
} kc_pool_nic_share;

/* Fill @out for @shape on @host (n_pools 0 where there are no storage NICs or no eligible
 * over-IP pool). Host, shape and policy must be valid. Returns 0, or -1 as kc_pool_fits. */
int kc_pool_nic_shared(const kc_host *host, const kc_shape *shape, const kc_policy *policy,
                       kc_pool_nic_share *out, kc_error *err);

#endif /* KC_POOL_H */
