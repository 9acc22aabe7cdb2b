/* SPDX-License-Identifier: MIT */
/* kc.c: errors, defaults and validation of the core's shared types. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kc.h"

int kc_error_set(kc_error *err, kc_errcode code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return -1;
    err->code = code;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    /* Messages quote untrusted tokens (XML text, file content): a control byte there would
     * split the one-line message or drive the terminal, so it becomes '?'. */
    for (char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return -1;
}

void kc_policy_init(kc_policy *policy)
{
    memset(policy, 0, sizeof(*policy));
    policy->reserve_mib = 512;            /* the seed's figure; Nova's reserved_host_memory_mb */
    policy->cpu_ratio_milli = 4000;       /* Nova's initial_cpu_allocation_ratio */
    policy->max_util_bp = KC_BP_ONE;
    policy->overhead_mode = KC_OVERHEAD_FIXED;
    policy->numa = KC_NUMA_SPREAD;
    policy->net_mode = KC_NET_BRIDGE;
    policy->nat_efficiency_bp = KC_BP_ONE;
}

void kc_host_init(kc_host *host)
{
    memset(host, 0, sizeof(*host));
}

uint64_t kc_host_nic_kbps(const kc_host *host, kc_nic_role role)
{
    uint64_t sum = 0;

    for (size_t i = 0; i < host->n_nics && i < KC_NIC_MAX; i++)
        if (host->nics[i].role == role &&
            __builtin_add_overflow(sum, host->nics[i].speed_kbps, &sum))
            return UINT64_MAX;
    return sum;
}

/* Bounds that keep every product in the core inside 128 bits and every result inside 64. */
#define KC_PCT_MAX_BP 1000000u        /* 10000 % */
#define KC_RATIO_MAX_MILLI 1000000u   /* 1000 vCPU per CPU */

/* Fewest devices of each RAID level (kc_raid_min_devices in pool.c says the same). */
static uint32_t raid_min(kc_raid raid)
{
    static const uint32_t min[KC_RAID_LAST] = { 1, 2, 2, 3, 4, 4 };

    return (unsigned)raid < KC_RAID_LAST ? min[raid] : 1;
}

int kc_host_validate(const kc_host *host, kc_error *err)
{
    uint64_t numa_cpus = 0, numa_mem = 0, numa_hp = 0;

    if (host->n_numa > KC_NUMA_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "host has %zu NUMA nodes (at most %d)",
                            host->n_numa, KC_NUMA_MAX);
    if (host->n_nics > KC_NIC_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "host has %zu NICs (at most %d)",
                            host->n_nics, KC_NIC_MAX);
    for (size_t i = 0; i < host->n_nics; i++)
        if ((unsigned)host->nics[i].role >= KC_NIC_LAST)
            return kc_error_set(err, KC_ERR_INVALID, "NIC %zu has an unknown role", i);
    if (host->n_storage > KC_STORAGE_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "host has %zu storage groups (at most %d)",
                            host->n_storage, KC_STORAGE_MAX);
    if (host->cpus == 0)
        return kc_error_set(err, KC_ERR_INVALID, "host has no CPUs");
    if (host->mem_mib == 0)
        return kc_error_set(err, KC_ERR_INVALID, "host has no memory");
    if (host->hugepages_mib > host->mem_mib)
        return kc_error_set(err, KC_ERR_INVALID,
                            "hugepage pool (%llu MiB) is larger than host memory (%llu MiB)",
                            (unsigned long long)host->hugepages_mib,
                            (unsigned long long)host->mem_mib);
    for (size_t i = 0; i < host->n_numa; i++) {
        const kc_numa_node *n = &host->numa[i];

        if (n->hugepages_mib > n->mem_mib)
            return kc_error_set(err, KC_ERR_INVALID,
                                "NUMA node %zu: hugepages larger than its memory", i);
        numa_cpus += n->cpus;
        numa_mem += n->mem_mib;    /* cannot wrap: 64 nodes of < 2^64 each are checked below */
        numa_hp += n->hugepages_mib;
        if (numa_mem < n->mem_mib)
            return kc_error_set(err, KC_ERR_INVALID, "NUMA node memory overflows");
    }
    if (host->n_numa > 0 && (numa_cpus != host->cpus || numa_mem > host->mem_mib ||
                             numa_hp != host->hugepages_mib))
        return kc_error_set(err, KC_ERR_INVALID,
                            "NUMA nodes (%llu CPUs, %llu MiB, %llu MiB hugepages) do not add up "
                            "to the host (%u CPUs, %llu MiB, %llu MiB hugepages)",
                            (unsigned long long)numa_cpus, (unsigned long long)numa_mem,
                            (unsigned long long)numa_hp, host->cpus,
                            (unsigned long long)host->mem_mib,
                            (unsigned long long)host->hugepages_mib);
    {
        kc_node_usage sum = { 0 };

        for (size_t i = 0; i < host->n_numa; i++) {
            const kc_node_usage *u = &host->node_used[i];

            if (__builtin_add_overflow(sum.vms, u->vms, &sum.vms) ||
                __builtin_add_overflow(sum.vcpus, u->vcpus, &sum.vcpus) ||
                __builtin_add_overflow(sum.mem_mib, u->mem_mib, &sum.mem_mib) ||
                __builtin_add_overflow(sum.hugepages_mib, u->hugepages_mib, &sum.hugepages_mib))
                return kc_error_set(err, KC_ERR_INVALID, "NUMA node usage overflows");
        }
        if (sum.vms > host->used.vms || sum.vcpus > host->used.vcpus ||
            sum.mem_mib > host->used.mem_mib || sum.hugepages_mib > host->used.hugepages_mib)
            return kc_error_set(err, KC_ERR_INVALID, "the VMs placed on NUMA nodes hold more "
                                "than the host's usage");
    }
    if (host->used.load_vcpus > host->used.vcpus)
        return kc_error_set(err, KC_ERR_INVALID, "VMs of known load (%llu vCPUs) outnumber "
                            "the existing vCPUs (%llu)",
                            (unsigned long long)host->used.load_vcpus,
                            (unsigned long long)host->used.vcpus);
    for (size_t i = 0; i < host->n_storage; i++) {
        const kc_storage *s = &host->storage[i];

        if (s->count == 0 || s->size_mib == 0)
            return kc_error_set(err, KC_ERR_INVALID, "storage group %zu is empty", i);
        if ((unsigned)s->kind >= KC_STORAGE_LAST)
            return kc_error_set(err, KC_ERR_INVALID, "storage group %zu has no kind", i);
        if ((unsigned)s->raid >= KC_RAID_LAST)
            return kc_error_set(err, KC_ERR_INVALID, "storage group %zu has an unknown RAID "
                                "level", i);
        if (s->count < raid_min(s->raid) ||
            (s->raid == KC_RAID_10 && s->count % 2))
            return kc_error_set(err, KC_ERR_INVALID, "storage group %zu: %u devices are too "
                                "few for its RAID level (at least %u%s)", i, s->count,
                                raid_min(s->raid),
                                s->raid == KC_RAID_10 ? ", an even count" : "");
        if (memchr(s->name, '\0', sizeof(s->name)) == NULL)
            return kc_error_set(err, KC_ERR_INVALID, "storage group %zu: name too long", i);
    }
    return 0;
}

int kc_shape_validate(const kc_shape *shape, kc_error *err)
{
    if (shape->vcpus == 0)
        return kc_error_set(err, KC_ERR_INVALID, "a VM needs at least one vCPU");
    if (shape->mem_mib == 0)
        return kc_error_set(err, KC_ERR_INVALID, "a VM needs some memory");
    if (shape->cpu_util_bp > KC_BP_ONE)
        return kc_error_set(err, KC_ERR_INVALID, "cpu load above 100 %% per vCPU");
    if (shape->write_bp > KC_BP_ONE)
        return kc_error_set(err, KC_ERR_INVALID, "write share above 100 %%");
    if (memchr(shape->pool, '\0', sizeof(shape->pool)) == NULL)
        return kc_error_set(err, KC_ERR_INVALID, "pool name too long");
    return 0;
}

int kc_policy_validate(const kc_policy *policy, kc_error *err)
{
    if (policy->overcommit_bp > KC_PCT_MAX_BP)
        return kc_error_set(err, KC_ERR_INVALID, "overcommit above 10000 %%");
    if (policy->disk_overcommit_bp > KC_PCT_MAX_BP)
        return kc_error_set(err, KC_ERR_INVALID, "disk overcommit above 10000 %%");
    if (policy->cpu_ratio_milli == 0 || policy->cpu_ratio_milli > KC_RATIO_MAX_MILLI)
        return kc_error_set(err, KC_ERR_INVALID, "cpu ratio must be above 0 and at most 1000");
    if (policy->max_util_bp == 0 || policy->max_util_bp > KC_BP_ONE)
        return kc_error_set(err, KC_ERR_INVALID, "max util must be above 0 and at most 100 %%");
    if (policy->nat_efficiency_bp == 0 || policy->nat_efficiency_bp > KC_BP_ONE)
        return kc_error_set(err, KC_ERR_INVALID, "NAT efficiency must be above 0 and at most 100 %%");
    if ((unsigned)policy->numa >= KC_NUMA_LAST || (unsigned)policy->net_mode >= KC_NET_LAST ||
        (unsigned)policy->overhead_mode >= KC_OVERHEAD_LAST)
        return kc_error_set(err, KC_ERR_INVALID, "policy mode out of range");
    return 0;
}
