/* SPDX-License-Identifier: MIT */
/* facts_host.c: host facts -> the core's kc_host (device figures from the catalog). */
#include <stdio.h>
#include <string.h>

#include "input/facts_host.h"
#include "util/util.h"

/* libvirt pool types whose volumes live behind a network link. */
static bool network_pool(const char *pool_type)
{
    static const char *const types[] = {
        "iscsi", "iscsi-direct", "netfs", "rbd", "gluster", "sheepdog", "vstorage",
    };

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(pool_type, types[i]) == 0)
            return true;
    return false;
}

/* *@sum += @add, or -1 if that would wrap. */
static int add_checked(uint64_t *sum, uint64_t add)
{
    if (add > UINT64_MAX - *sum)
        return -1;
    *sum += add;
    return 0;
}

static int storage_to_host(const kc_facts *facts, const kc_catalog *catalog, kc_host *host,
                           kc_error *err)
{
    uint64_t total_mib = 0;

    host->used.disk_mib = facts->unplaced_used_mib;
    for (size_t i = 0; i < facts->n_storage; i++) {
        const kc_fact_storage *fs = &facts->storage[i];
        const kc_device_type *dev = NULL;
        kc_storage *s;
        bool unknown = fs->disk_type[0] == '\0' || strcmp(fs->disk_type, "unknown") == 0;

        if (!unknown) {
            dev = catalog ? kc_catalog_device(catalog, fs->disk_type) : NULL;
            if (!dev)
                return kc_error_set(err, KC_ERR_INVALID,
                                    "storage '%s': unknown disk type '%s'", fs->name,
                                    fs->disk_type);
        }
        /* Used space counts even where a pool reports no capacity (inactive, empty). */
        if (add_checked(&host->used.disk_mib, fs->used_mib) < 0)
            return kc_error_set(err, KC_ERR_INVALID,
                                "storage '%s': used space '%llu' MiB overflows the total",
                                fs->name, (unsigned long long)fs->used_mib);
        if (fs->count == 0 || fs->size_mib == 0)
            continue;    /* nothing to plan on; the core rejects empty groups */
        if (fs->size_mib > UINT64_MAX / fs->count ||
            add_checked(&total_mib, fs->size_mib * fs->count) < 0)
            return kc_error_set(err, KC_ERR_INVALID,
                                "storage '%s': size '%llu' MiB x %u overflows the total",
                                fs->name, (unsigned long long)fs->size_mib, fs->count);
        if (host->n_storage >= KC_STORAGE_MAX)
            return kc_error_set(err, KC_ERR_INVALID,
                                "host has more than %d storage groups (at '%s')",
                                KC_STORAGE_MAX, fs->name);
        s = &host->storage[host->n_storage++];
        s->count = fs->count;
        s->size_mib = fs->size_mib;
        /* a pool (README "Model"): its name for pool=, RAID level, boot role and the space
         * its VMs hold */
        kc_strlcpy(s->name, fs->name, sizeof(s->name));
        s->raid = fs->raid;
        s->boot = fs->boot;
        s->used_mib = fs->used_mib;
        if (dev) {
            s->kind = dev->kind;
            s->iops = dev->iops;
            s->mbps = dev->mbps;
            s->write_iops = dev->write_iops;
            s->write_mbps = dev->write_mbps;
            s->link_iops = dev->link_iops;
            s->link_mbps = dev->link_mbps;
            s->over_ip = dev->over_ip;
        } else {
            /* Capacity only: iops = mbps = 0 tells the core the figures are unknown. */
            s->kind = network_pool(fs->pool_type) ? KC_STORAGE_NETWORK : KC_STORAGE_LOCAL;
        }
    }
    return 0;
}

static int vms_to_host(const kc_facts *facts, kc_existing existing, kc_host *host,
                       kc_error *err)
{
    kc_usage *u = &host->used;

    if (existing == KC_EXISTING_NONE)
        return 0;
    for (size_t i = 0; i < facts->n_vms; i++) {
        const kc_fact_vm *vm = &facts->vms[i];

        if (existing == KC_EXISTING_RUNNING && vm->state != KC_VM_RUNNING)
            continue;
        /* vms cannot wrap: it counts entries of an array that is in memory */
        u->vms++;
        if (add_checked(&u->vcpus, vm->vcpus) < 0 ||
            add_checked(vm->hugepages ? &u->hugepages_mib : &u->mem_mib, vm->mem_mib) < 0)
            return kc_error_set(err, KC_ERR_INVALID,
                                "VM '%s': existing VM totals overflow", vm->name);
    }
    return 0;
}

bool kc_facts_numa_consistent(const kc_facts *facts)
{
    uint64_t cpus = 0, mem = 0, hp = 0;

    if (facts->n_numa == 0 || facts->n_numa > KC_NUMA_MAX)
        return false;
    for (size_t i = 0; i < facts->n_numa; i++) {
        cpus += facts->numa[i].cpus;              /* 64 x 32-bit: cannot wrap */
        if (add_checked(&mem, facts->numa[i].mem_mib) < 0 ||
            add_checked(&hp, facts->numa[i].hugepages_mib) < 0 ||
            facts->numa[i].hugepages_mib > facts->numa[i].mem_mib)
            return false;
    }
    /* The cells must hold the host's CPUs and hugepages exactly and (firmware and the
     * kernel keep a little) at least 90 % of its memory, never more. */
    return cpus == facts->cpus && hp == facts->hugepages_mib && mem <= facts->mem_mib &&
           (kc_u128)mem * 10 >= (kc_u128)facts->mem_mib * 9;
}

int kc_facts_to_host(const kc_facts *facts, const kc_catalog *catalog,
                     kc_existing existing, kc_host *host, kc_error *err)
{
    uint64_t uplink_kbps = 0;    /* the core sums the NICs: that sum must not wrap either */

    kc_host_init(host);
    if ((unsigned)existing >= KC_EXISTING_LAST)
        return kc_error_set(err, KC_ERR_INVALID, "existing mode '%d' is out of range",
                            (int)existing);
    if (facts->n_numa > KC_NUMA_MAX)
        return kc_error_set(err, KC_ERR_INVALID, "host has '%zu' NUMA nodes (at most %d)",
                            facts->n_numa, KC_NUMA_MAX);

    host->cpus = facts->cpus;
    host->mem_mib = facts->mem_mib;
    host->hugepages_mib = facts->hugepages_mib;
    host->hugepage_kib = facts->hugepage_kib;
    /* NUMA cells that do not describe the host (libvirt's test driver; capabilities that
     * show one node's memory) are left out: the host is planned as one node. */
    if (kc_facts_numa_consistent(facts)) {
        host->n_numa = facts->n_numa;
        memcpy(host->numa, facts->numa, facts->n_numa * sizeof(host->numa[0]));
    }

    /* The facts list physical NICs (a bridge port still is one) with their roles: only vm
     * NICs are the uplink, the core sees to that. One of unknown speed, or the standby slave
     * of an active-backup bond, adds nothing and stays out of the table. */
    for (size_t i = 0; i < facts->n_nics; i++) {
        const kc_fact_nic *nic = &facts->nics[i];

        if (nic->speed_kbps == 0 || nic->standby)
            continue;
        if ((unsigned)nic->role >= KC_NIC_LAST)
            return kc_error_set(err, KC_ERR_INVALID, "nic '%s': role '%d' is out of range",
                                nic->name, (int)nic->role);
        if (host->n_nics >= KC_NIC_MAX)
            return kc_error_set(err, KC_ERR_INVALID,
                                "host has more than %d NICs of known speed (at '%s')",
                                KC_NIC_MAX, nic->name);
        if (add_checked(&uplink_kbps, nic->speed_kbps) < 0)
            return kc_error_set(err, KC_ERR_INVALID,
                                "nic '%s': speed '%llu' kbit/s overflows the uplink total",
                                nic->name, (unsigned long long)nic->speed_kbps);
        host->nics[host->n_nics++] = (kc_nic){ .speed_kbps = nic->speed_kbps,
                                               .role = nic->role };
    }

    if (storage_to_host(facts, catalog, host, err) < 0 ||
        vms_to_host(facts, existing, host, err) < 0)
        return -1;
    return kc_host_validate(host, err);
}

int kc_facts_name_error(const kc_facts *facts, kc_error *err)
{
    char inner[sizeof(err->msg)];

    if (facts->source == KC_SOURCE_SPEC || !facts->uri[0])
        return -1;
    snprintf(inner, sizeof(inner), "%s", err->msg);
    return kc_error_set(err, err->code, "%s: %s", facts->uri, inner);
}

int kc_host_check_pool(const kc_host *host, const kc_shape *shape, const char *label,
                       kc_error *err)
{
    char names[256];
    size_t len = 0;

    if (!shape->pool[0])
        return 0;
    names[0] = '\0';
    for (size_t i = 0; i < host->n_storage; i++) {
        int w;

        if (strcmp(host->storage[i].name, shape->pool) == 0) {
            if (host->storage[i].boot)
                return kc_error_set(err, KC_ERR_INVALID, "VM '%s': pool '%s' is the boot "
                                    "pool (no VM disk goes there)", label, shape->pool);
            return 0;
        }
        if (len + 1 < sizeof(names)) {
            w = snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
                         host->storage[i].name);
            if (w > 0)
                len += (size_t)w;
        }
    }
    return kc_error_set(err, KC_ERR_INVALID, "VM '%s': no pool '%s' on the host (pools: %s)",
                        label, shape->pool, host->n_storage ? names : "none");
}
