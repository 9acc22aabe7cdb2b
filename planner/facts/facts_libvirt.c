/* SPDX-License-Identifier: MIT */
/* facts_libvirt.c: host facts live through libvirt (the project's only libvirt user). */
#define _XOPEN_SOURCE 700      /* realpath(), mkdtemp() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "facts/embed.h"
#include "facts/facts_libvirt.h"
#include "facts/netlink.h"
#include "facts/nic_roles.h"
#include "facts/sysfs.h"
#include "facts/virt.h"
#include "facts/xml_facts.h"
#include "util/dynlib_virt.h"
#include "util/util.h"

/*
 * Why a child process: libvirt's virConnectOpen*() can block forever on a peer that accepts
 * the connection and never answers (doc/libvirt.md 1.2), and so can a later call on a peer that
 * stops mid-run before keepalive notices. A worker thread could be abandoned on expiry, but
 * it would keep libvirt's global state and locks busy inside our process (and a fleet
 * collects many hosts). A forked child bounds *every* call with one deadline, is killed
 * cleanly (SIGKILL + waitpid: nothing is left running), and also keeps whatever libvirt or
 * libxml2 print on their own (the embedded driver logs its init errors, a missing test file
 * makes libxml2 warn) off our stderr: the child's stderr is /dev/null (unless KVMCAP_DEBUG
 * is set: then it is ours, so that a sanitizer's report or libvirt's own words are seen),
 * its message travels back in the kc_error. The child sends the facts back through a pipe as flat records.
 *
 * Nothing kvmcap starts may outlive it. libvirt's QEMU driver (the embedded one runs inside
 * the collector) starts `qemu-system-* -daemonize` to probe capabilities; the daemon leaves
 * its parent and its process group, so killing the collector alone would hand the probe to
 * init, where it runs forever. So: the embedded driver's collector leads its own process
 * group, and the whole group is killed when the job ends (a helper libvirt forked but has
 * not yet detached); the embedded driver's root (facts/embed.h: a per-user cache, one run at
 * a time) is in every QEMU command line libvirt builds for it, and every process that names
 * it is killed when the run ends. (Making kvmcap a child subreaper does not work: libvirt waits for the probe it
 * killed to disappear, and a zombie that kvmcap has not reaped yet never does.) The
 * collector dies with kvmcap (PR_SET_PDEATHSIG); SIGINT, SIGTERM and SIGHUP during a
 * collection clean up first; a probe left by a run killed outright is killed by the next
 * run that falls back to the embedded driver.
 */

#define EMBED_URI "qemu:///embed"
#define SYSTEM_URI "qemu:///system"

/* What the child writes first; the facts' arrays follow in order vms, nics, networks,
 * storage, notes (the pointers inside @facts are meaningless in the parent). */
typedef struct wire_header {
    int rc;
    int connect_failed;        /* virConnectOpen* itself failed (no daemon) */
    kc_error err;
    kc_facts facts;
} wire_header;

/* ------------------------------------------------------------------ child side */

static int vir_code(void)
{
    virErrorPtr e = virGetLastError();

    return e ? e->code : VIR_ERR_OK;
}

/* Whether the URI names this machine: no host part ("qemu:///system", "test:///x.xml").
 * The test driver's host is imaginary: its /sys is only read when the caller gave a root. */
static int uri_is_local(const char *uri, const char *sysroot)
{
    const char *p = strstr(uri, "://");

    if (!p || p[3] != '/')
        return 0;
    if (strncmp(uri, "test", 4) == 0 && !sysroot)
        return 0;
    return 1;
}

/* libvirt lists objects in varying order: sort them first so notes come out stable. */
static int cmp_dom(const void *a, const void *b)
{
    return strcmp(virDomainGetName(*(virDomainPtr const *)a),
                  virDomainGetName(*(virDomainPtr const *)b));
}

static int cmp_pool(const void *a, const void *b)
{
    return strcmp(virStoragePoolGetName(*(virStoragePoolPtr const *)a),
                  virStoragePoolGetName(*(virStoragePoolPtr const *)b));
}

static int cmp_net(const void *a, const void *b)
{
    return strcmp(virNetworkGetName(*(virNetworkPtr const *)a),
                  virNetworkGetName(*(virNetworkPtr const *)b));
}

static int cmp_dev(const void *a, const void *b)
{
    return strcmp(virNodeDeviceGetName(*(virNodeDevicePtr const *)a),
                  virNodeDeviceGetName(*(virNodeDevicePtr const *)b));
}

static void fill_nodeinfo(virConnectPtr conn, kc_facts *facts, uint64_t *ni_mib, kc_error *err,
                          int *rc)
{
    virNodeInfo ni;
    char msg[200];
    uint64_t sockets;

    if (virNodeGetInfo(conn, &ni) < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot read node info of '%s': %s", facts->uri,
                     kc_virt_msg(msg, sizeof(msg)));
        *rc = -1;
        return;
    }
    facts->cpus = ni.cpus;
    facts->mhz = ni.mhz;
    /* virNodeInfo.sockets is per NUMA node. */
    sockets = (uint64_t)ni.sockets * (ni.nodes ? ni.nodes : 1);
    facts->sockets = sockets > UINT32_MAX ? 0 : (uint32_t)sockets;
    facts->cores = ni.cores;
    facts->threads = ni.threads;
    kc_strlcpy(facts->cpu_model, ni.model, sizeof(facts->cpu_model));
    *ni_mib = (uint64_t)ni.memory / 1024;
    *rc = 0;
}

static void fill_memory(virConnectPtr conn, kc_facts *facts, uint64_t ni_mib)
{
    int n = 0;
    virNodeMemoryStatsPtr st = NULL;
    uint64_t total_kib = 0;
    int have = 0;
    char msg[200];

    if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, NULL, &n, 0) == 0 &&
        n > 0 && n < 64) {
        st = kc_xcalloc((size_t)n, sizeof(*st));
        if (virNodeGetMemoryStats(conn, VIR_NODE_MEMORY_STATS_ALL_CELLS, st, &n, 0) == 0) {
            for (int i = 0; i < n; i++)
                if (strcmp(st[i].field, VIR_NODE_MEMORY_STATS_TOTAL) == 0) {
                    total_kib = st[i].value;
                    have = 1;
                }
        }
    }
    if (have && total_kib / 1024 > 0) {
        facts->mem_mib = total_kib / 1024;
        kc_strlcpy(facts->mem_source, "memory-stats", sizeof(facts->mem_source));
        if (ni_mib != facts->mem_mib) {
            facts->nodeinfo_mem_mib = ni_mib;
            kc_facts_add_note(facts, "memory: virNodeGetInfo says %llu MiB, memory stats say "
                              "%llu MiB (all cells): using memory stats",
                              (unsigned long long)ni_mib, (unsigned long long)facts->mem_mib);
        }
    } else {
        facts->mem_mib = ni_mib;
        kc_strlcpy(facts->mem_source, "nodeinfo", sizeof(facts->mem_source));
        kc_facts_add_note(facts, "memory: no memory stats (%s): using virNodeGetInfo",
                          have ? "total is 0" : kc_virt_msg(msg, sizeof(msg)));
    }
    free(st);
}

static int fill_caps(virConnectPtr conn, kc_facts *facts, kc_error *err)
{
    char *xml = virConnectGetCapabilities(conn);
    kc_xml_caps *caps;
    char msg[200];
    int ret = -1;

    if (!xml) {
        kc_facts_add_note(facts, "numa: no capabilities (%s)", kc_virt_msg(msg, sizeof(msg)));
        return 0;
    }
    caps = kc_xcalloc(1, sizeof(*caps));
    if (kc_xml_parse_caps(xml, caps, err) < 0)
        goto out;
    if (caps->cpu_model[0])
        kc_strlcpy(facts->cpu_model, caps->cpu_model, sizeof(facts->cpu_model));
    facts->n_numa = caps->n_cells;
    memcpy(facts->numa, caps->cells, sizeof(caps->cells));
    facts->hugepage_kib = caps->hugepage_kib;
    facts->hugepages_mib = caps->hugepages_mib;
    if (!caps->n_cells) {
        kc_facts_add_note(facts, "numa: the host describes no NUMA cells");
    } else {
        uint64_t sum = 0;

        for (size_t i = 0; i < caps->n_cells; i++)
            sum += caps->cells[i].mem_mib;   /* <= 64 cells of < 2^44 MiB: no overflow */
        if (sum != facts->mem_mib)
            kc_facts_add_note(facts, "numa: the cells hold %llu MiB, the host %llu MiB",
                              (unsigned long long)sum, (unsigned long long)facts->mem_mib);
    }
    if (caps->n_hugepage_sizes > 1)
        kc_facts_add_note(facts, "hugepages: pools of %u page sizes; using %llu KiB as the size",
                          caps->n_hugepage_sizes, (unsigned long long)caps->hugepage_kib);
    ret = 0;
 out:
    free(caps);
    free(xml);
    return ret;
}

/* The domain's interfaces, for the NIC roles (nic_roles.h); *@ifs grows, caller frees. */
static void keep_ifaces(const kc_xml_domain *dom, kc_vm_iface **ifs, size_t *n_ifs)
{
    if (!dom->n_ifaces)
        return;
    *ifs = kc_xreallocarray(*ifs, *n_ifs + dom->n_ifaces, sizeof(**ifs));
    for (size_t i = 0; i < dom->n_ifaces; i++) {
        kc_vm_iface *f = &(*ifs)[(*n_ifs)++];

        kc_strlcpy(f->domain, dom->name, sizeof(f->domain));
        kc_strlcpy(f->type, dom->ifaces[i].type, sizeof(f->type));
        kc_strlcpy(f->source, dom->ifaces[i].source, sizeof(f->source));
    }
}

static int fill_domains(virConnectPtr conn, kc_facts *facts, kc_vm_iface **ifs, size_t *n_ifs,
                        kc_error *err)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(conn, &doms, 0);
    char msg[200];
    int ret = -1;

    if (n < 0)
        return kc_error_set(err, KC_ERR_HOST, "cannot list domains of '%s': %s", facts->uri,
                            kc_virt_msg(msg, sizeof(msg)));
    if (n > 1)
        qsort(doms, (size_t)n, sizeof(*doms), cmp_dom);
    for (int i = 0; i < n; i++) {
        char *xml = virDomainGetXMLDesc(doms[i], 0);
        kc_xml_domain dom;
        kc_fact_vm *vm;
        int active;

        if (!xml) {
            /* Undefined between listing and asking: a race, not an error. */
            if (vir_code() == VIR_ERR_NO_DOMAIN)
                continue;
            kc_error_set(err, KC_ERR_HOST, "cannot read domain '%s': %s",
                         virDomainGetName(doms[i]), kc_virt_msg(msg, sizeof(msg)));
            goto out;
        }
        if (kc_xml_parse_domain(xml, &dom, err) < 0) {
            free(xml);
            goto out;
        }
        free(xml);
        active = virDomainIsActive(doms[i]);
        if (active < 0) {
            if (vir_code() == VIR_ERR_NO_DOMAIN)
                continue;
            kc_error_set(err, KC_ERR_HOST, "cannot read state of domain '%s': %s", dom.name,
                         kc_virt_msg(msg, sizeof(msg)));
            goto out;
        }
        keep_ifaces(&dom, ifs, n_ifs);
        vm = kc_facts_add_vm(facts);
        kc_strlcpy(vm->name, dom.name, sizeof(vm->name));
        vm->vcpus = dom.vcpus;
        vm->mem_mib = dom.mem_mib;
        vm->hugepages = dom.hugepages;
        /* Active (running, paused, suspended, shutting down) holds its memory. */
        vm->state = active ? KC_VM_RUNNING : KC_VM_OFF;
    }
    ret = 0;
 out:
    for (int i = 0; i < n; i++)
        virDomainFree(doms[i]);
    free(doms);
    return ret;
}

/* Disk type of a pool: only a local host's /sys can tell, and only for local devices. */
static void pool_disk_type(const kc_xml_pool *pool, int local, const char *root,
                           kc_fact_storage *st, kc_facts *facts)
{
    static const char *const network[] = { "iscsi", "iscsi-direct", "netfs", "rbd", "gluster",
                                           "sheepdog", "vstorage", NULL };
    char block[KC_NAME_MAX], why[160] = "";
    const char *kind = "unknown";

    kc_strlcpy(st->disk_type, "unknown", sizeof(st->disk_type));
    for (size_t i = 0; network[i]; i++)
        if (strcmp(pool->type, network[i]) == 0) {
            kc_facts_add_note(facts, "pool '%s': %s storage, link speed unknown: disk type unknown",
                              pool->name, pool->type);
            return;
        }
    if (!local) {
        kc_facts_add_note(facts, "pool '%s': disk type unknown (not a local host)", pool->name);
        return;
    }
    if ((strcmp(pool->type, "dir") == 0 || strcmp(pool->type, "fs") == 0) &&
        pool->target_path[0] &&
        kc_sysfs_block_of_path(root, pool->target_path, block, sizeof(block)) == 0) {
        kind = kc_sysfs_disk_type(root, block, why, sizeof(why));
    } else if (pool->source_device[0] && strncmp(pool->source_device, "/dev/", 5) == 0) {
        char full[4096], real[4096];
        const char *base;

        snprintf(full, sizeof(full), "%s%s", root && strcmp(root, "/") ? root : "",
                 pool->source_device);
        base = realpath(full, real) ? real : full;
        base = strrchr(base, '/') + 1;
        kind = kc_sysfs_disk_type(root, base, why, sizeof(why));
    } else {
        snprintf(why, sizeof(why), "no block device found for '%.100s'",
                 pool->target_path[0] ? pool->target_path : pool->source_device);
    }
    kc_strlcpy(st->disk_type, kind, sizeof(st->disk_type));
    if (strcmp(kind, "unknown") == 0)
        kc_facts_add_note(facts, "pool '%s': disk type unknown: %s", pool->name, why);
}

/* A network pool's source host, for the NIC that reaches it (nic_roles.h). */
static void keep_target(const kc_xml_pool *pool, kc_storage_target **tg, size_t *n_tg)
{
    kc_storage_target *t;

    if (!pool->source_host[0])
        return;
    *tg = kc_xreallocarray(*tg, *n_tg + 1, sizeof(**tg));
    t = &(*tg)[(*n_tg)++];
    snprintf(t->what, sizeof(t->what), "pool %s", pool->name);
    kc_strlcpy(t->host, pool->source_host, sizeof(t->host));
}

static int fill_pools(virConnectPtr conn, kc_facts *facts, int local, const char *root,
                      kc_storage_target **tg, size_t *n_tg, kc_error *err)
{
    virStoragePoolPtr *pools = NULL;
    int n = virConnectListAllStoragePools(conn, &pools, 0);
    char msg[200];
    int ret = -1;

    if (n < 0) {
        kc_facts_add_note(facts, "storage: cannot list pools (%s)", kc_virt_msg(msg, sizeof(msg)));
        return 0;
    }
    if (n > 1)
        qsort(pools, (size_t)n, sizeof(*pools), cmp_pool);
    for (int i = 0; i < n; i++) {
        char *xml = virStoragePoolGetXMLDesc(pools[i], 0);
        kc_xml_pool pool;
        kc_fact_storage *st;

        if (!xml) {
            if (vir_code() == VIR_ERR_NO_STORAGE_POOL)
                continue;
            kc_error_set(err, KC_ERR_HOST, "cannot read pool '%s': %s",
                         virStoragePoolGetName(pools[i]), kc_virt_msg(msg, sizeof(msg)));
            goto out;
        }
        if (kc_xml_parse_pool(xml, &pool, err) < 0) {
            free(xml);
            goto out;
        }
        free(xml);
        st = kc_facts_add_storage(facts);
        kc_strlcpy(st->name, pool.name, sizeof(st->name));
        kc_strlcpy(st->pool_type, pool.type, sizeof(st->pool_type));
        st->count = 1;
        st->size_mib = pool.capacity_mib;
        st->used_mib = pool.allocation_mib;
        if (virStoragePoolIsActive(pools[i]) == 0)
            kc_facts_add_note(facts, "pool '%s': inactive, its sizes are not known", pool.name);
        pool_disk_type(&pool, local, root, st, facts);
        keep_target(&pool, tg, n_tg);
    }
    ret = 0;
 out:
    for (int i = 0; i < n; i++)
        virStoragePoolFree(pools[i]);
    free(pools);
    return ret;
}

static int fill_networks(virConnectPtr conn, kc_facts *facts, kc_error *err)
{
    virNetworkPtr *nets = NULL;
    int n = virConnectListAllNetworks(conn, &nets, 0);
    char msg[200];
    int ret = -1;

    if (n < 0) {
        kc_facts_add_note(facts, "networks: cannot list (%s)", kc_virt_msg(msg, sizeof(msg)));
        return 0;
    }
    if (n > 1)
        qsort(nets, (size_t)n, sizeof(*nets), cmp_net);
    for (int i = 0; i < n; i++) {
        char *xml = virNetworkGetXMLDesc(nets[i], 0);
        kc_xml_network net;
        kc_fact_network *fn;

        if (!xml) {
            if (vir_code() == VIR_ERR_NO_NETWORK)
                continue;
            kc_error_set(err, KC_ERR_HOST, "cannot read network '%s': %s",
                         virNetworkGetName(nets[i]), kc_virt_msg(msg, sizeof(msg)));
            goto out;
        }
        if (kc_xml_parse_network(xml, &net, err) < 0) {
            free(xml);
            goto out;
        }
        free(xml);
        fn = kc_facts_add_network(facts);
        kc_strlcpy(fn->name, net.name, sizeof(fn->name));
        kc_strlcpy(fn->mode, net.mode, sizeof(fn->mode));
        kc_strlcpy(fn->bridge, net.bridge, sizeof(fn->bridge));
        fn->active = virNetworkIsActive(nets[i]) == 1;
    }
    ret = 0;
 out:
    for (int i = 0; i < n; i++)
        virNetworkFree(nets[i]);
    free(nets);
    return ret;
}

static int fill_nics(virConnectPtr conn, kc_facts *facts, kc_error *err)
{
    virNodeDevicePtr *devs = NULL;
    int n = virConnectListAllNodeDevices(conn, &devs, VIR_CONNECT_LIST_NODE_DEVICES_CAP_NET);
    char msg[200];
    int ret = -1;

    if (n < 0) {
        kc_facts_add_note(facts, "nics: cannot list node devices (%s)",
                          kc_virt_msg(msg, sizeof(msg)));
        return 0;
    }
    if (n > 1)
        qsort(devs, (size_t)n, sizeof(*devs), cmp_dev);
    for (int i = 0; i < n; i++) {
        char *xml = virNodeDeviceGetXMLDesc(devs[i], 0);
        kc_xml_nodedev_net dev;
        kc_fact_nic *nic;

        if (!xml)
            continue;   /* unplugged meanwhile */
        if (kc_xml_parse_nodedev_net(xml, &dev, err) < 0) {
            free(xml);
            goto out;
        }
        free(xml);
        if (dev.is_virtual || strcmp(dev.interface, "lo") == 0)
            continue;
        nic = kc_facts_add_nic(facts);
        kc_strlcpy(nic->name, dev.interface, sizeof(nic->name));
        nic->speed_kbps = dev.speed_kbps;
    }
    ret = 0;
 out:
    for (int i = 0; i < n; i++)
        virNodeDeviceFree(devs[i]);
    free(devs);
    return ret;
}

/* Everything after connecting. */
/* Where this network namespace has no physical NIC (a network namespace or container of its
 * own), its links out of it (a veth whose peer is elsewhere) are its NICs. Not beside
 * physical NICs: there such links are containers' host-side veths, not the host's NICs. Only
 * where /sys is this machine's (no other root). */
static void add_foreign_links(const char *root, size_t physical, kc_facts *facts)
{
    char names[KC_NIC_MAX][KC_NAME_MAX];
    size_t n;

    if ((root && root[0] && strcmp(root, "/") != 0) || physical)
        return;
    n = kc_netlink_foreign_links(names, KC_NIC_MAX);
    for (size_t i = 0; i < n; i++)
        kc_sysfs_add_nic(root, names[i], facts);
}

static int collect_conn(virConnectPtr conn, const char *root, int local, kc_facts *facts,
                        kc_error *err)
{
    char *host;
    uint64_t ni_mib = 0;
    int rc;
    size_t nodedev_nics, n_ifs = 0, n_tg = 0;
    kc_vm_iface *ifs = NULL;
    kc_storage_target *tg = NULL;

    /* Keepalive needs the event loop; drivers without it (test, embed) just say no. */
    (void)virConnectSetKeepAlive(conn, 1, 2);
    host = virConnectGetHostname(conn);
    if (host) {
        kc_strlcpy(facts->hostname, host, sizeof(facts->hostname));
        kc_strlcpy(facts->name, host, sizeof(facts->name));
        free(host);
    }
    fill_nodeinfo(conn, facts, &ni_mib, err, &rc);
    if (rc < 0)
        return -1;
    fill_memory(conn, facts, ni_mib);
    if (fill_caps(conn, facts, err) < 0 || fill_domains(conn, facts, &ifs, &n_ifs, err) < 0 ||
        fill_pools(conn, facts, local, root, &tg, &n_tg, err) < 0 ||
        fill_networks(conn, facts, err) < 0 || fill_nics(conn, facts, err) < 0) {
        free(ifs);
        free(tg);
        return -1;
    }
    nodedev_nics = facts->n_nics;
    if (local) {
        add_foreign_links(root, kc_sysfs_add_nics(root, facts), facts);
        kc_nic_roles_live(root, ifs, n_ifs, facts);
        kc_nic_roles_storage(root, tg, n_tg, facts);
    } else {
        kc_nic_roles_unknown(facts);
    }
    free(ifs);
    free(tg);
    if (!facts->n_nics)
        kc_facts_add_note(facts, "nics: none found%s", nodedev_nics || local ? ""
                          : " (not a local host: only libvirt's node devices were asked)");
    kc_facts_sort(facts);
    return 0;
}

static void child_main(int fd, const char *uri, const char *root, kc_source source,
                       pid_t parent)
{
    wire_header *h = kc_xcalloc(1, sizeof(*h));
    kc_facts *facts = kc_facts_new();
    virConnectPtr conn = NULL;
    int devnull = open("/dev/null", O_RDWR);
    char msg[200];

    if (source == KC_SOURCE_EMBEDDED)
        (void)setpgid(0, 0);    /* see the top of this file, and kc_libvirt_job_start() */
#ifdef __linux__
    (void)prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
#endif
    if (getppid() != parent)
        _exit(1);               /* kvmcap died before the line above */
    if (devnull >= 0) {
        dup2(devnull, STDIN_FILENO);
        /* KVMCAP_DEBUG: what libvirt, libxml2 or a sanitizer say in here reaches stderr */
        if (!getenv("KVMCAP_DEBUG") || !getenv("KVMCAP_DEBUG")[0])
            dup2(devnull, STDERR_FILENO);
        close(devnull);
    }
    h->rc = -1;
    if (kc_virt_start(&h->err) < 0)
        goto send;
    facts->source = source;
    kc_strlcpy(facts->uri, source == KC_SOURCE_EMBEDDED ? EMBED_URI : uri, sizeof(facts->uri));
    conn = virConnectOpenReadOnly(uri);
    if (!conn) {
        h->connect_failed = 1;
        kc_error_set(&h->err, KC_ERR_HOST, "cannot connect to '%s': %s", facts->uri,
                     kc_virt_msg(msg, sizeof(msg)));
        goto send;
    }
    h->rc = collect_conn(conn, root, uri_is_local(uri, root), facts, &h->err);
    virConnectClose(conn);
 send:
    h->facts = *facts;
    if (kc_write_all(fd, h, sizeof(*h)) < 0 ||
        kc_write_all(fd, facts->vms, facts->n_vms * sizeof(*facts->vms)) < 0 ||
        kc_write_all(fd, facts->nics, facts->n_nics * sizeof(*facts->nics)) < 0 ||
        kc_write_all(fd, facts->networks, facts->n_networks * sizeof(*facts->networks)) < 0 ||
        kc_write_all(fd, facts->storage, facts->n_storage * sizeof(*facts->storage)) < 0 ||
        kc_write_all(fd, facts->notes, facts->n_notes * sizeof(*facts->notes)) < 0)
        _exit(1);
    _exit(0);
}

/* ------------------------------------------------------------------ parent side */

/* Move the child's records into @facts; -1 if the buffer is not what the child sends. */
static int unpack(const char *buf, size_t len, kc_facts *facts, wire_header *h)
{
    const kc_facts *f;
    size_t need = sizeof(*h), off;
    kc_fact_vm *vms;
    kc_fact_nic *nics;
    kc_fact_network *nets;
    kc_fact_storage *sts;
    char (*notes)[256];
    size_t nv, nn, nw, ns, nt;

    if (len < sizeof(*h))
        return -1;
    memcpy(h, buf, sizeof(*h));
    f = &h->facts;
    nv = f->n_vms, nn = f->n_nics, nw = f->n_networks, ns = f->n_storage, nt = f->n_notes;
    /* Sizes come from our own child, but check before trusting them. */
    if (nv > len || nn > len || nw > len || ns > len || nt > len)
        return -1;
    need += nv * sizeof(kc_fact_vm) + nn * sizeof(kc_fact_nic) + nw * sizeof(kc_fact_network) +
            ns * sizeof(kc_fact_storage) + nt * sizeof(*facts->notes);
    if (need != len)
        return -1;
    /* Scalars from the child, arrays from @facts plus the child's entries. */
    vms = facts->vms, nics = facts->nics, nets = facts->networks, sts = facts->storage;
    notes = facts->notes;
    {
        size_t ov = facts->n_vms, on = facts->n_nics, ow = facts->n_networks,
               os = facts->n_storage, ot = facts->n_notes;

        *facts = *f;
        facts->vms = vms, facts->nics = nics, facts->networks = nets, facts->storage = sts;
        facts->notes = notes;
        facts->n_vms = ov, facts->n_nics = on, facts->n_networks = ow, facts->n_storage = os;
        facts->n_notes = ot;
    }
    off = sizeof(*h);
    for (size_t i = 0; i < nv; i++, off += sizeof(kc_fact_vm))
        memcpy(kc_facts_add_vm(facts), buf + off, sizeof(kc_fact_vm));
    for (size_t i = 0; i < nn; i++, off += sizeof(kc_fact_nic))
        memcpy(kc_facts_add_nic(facts), buf + off, sizeof(kc_fact_nic));
    for (size_t i = 0; i < nw; i++, off += sizeof(kc_fact_network))
        memcpy(kc_facts_add_network(facts), buf + off, sizeof(kc_fact_network));
    for (size_t i = 0; i < ns; i++, off += sizeof(kc_fact_storage))
        memcpy(kc_facts_add_storage(facts), buf + off, sizeof(kc_fact_storage));
    for (size_t i = 0; i < nt; i++, off += sizeof(*facts->notes))
        kc_facts_add_note(facts, "%s", buf + off);
    return 0;
}

/* One collection running in a child; the parent reads its records from @fd. */
struct kc_libvirt_job {
    pid_t pid;
    int fd;                    /* read end of the child's pipe; -1 once at end of data */
    char *buf;
    size_t len, cap;
    bool failed;               /* reading failed: @err holds why */
    bool own_group;            /* the child leads its own process group */
    bool embedded;             /* the embedded QEMU driver (KC_SOURCE_EMBEDDED) */
    kc_error err;
};

kc_libvirt_job *kc_libvirt_job_start(const char *uri, const char *sysroot, kc_source source,
                                     kc_error *err)
{
    kc_libvirt_job *job;
    int fds[2];
    pid_t pid, self = getpid();

    /* here, before the fork: the child must not dlopen (util/dynlib.h) */
    if (kc_dynlib_load(KC_DYNLIB_VIRT, err) < 0)
        return NULL;
    if (pipe(fds) < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot create a pipe: %s", strerror(errno));
        return NULL;
    }
    /* The parent never blocks on a child: a full pipe only waits for the next poll(). */
    (void)fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    (void)fcntl(fds[0], F_SETFD, FD_CLOEXEC);
    fflush(NULL);
    pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        kc_error_set(err, KC_ERR_HOST, "cannot fork: %s", strerror(errno));
        return NULL;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(fds[1], uri, sysroot, source, self);
    }
    /* The embedded driver's collector leads its own group, killed whole at the end (also
     * set here, so the group exists before anyone kills it). Only that one: a collector
     * for a remote URI stays in our group, where ssh may still ask for a password on the
     * terminal (a background group reading the terminal would be stopped). */
    if (source == KC_SOURCE_EMBEDDED)
        (void)setpgid(pid, pid);
    close(fds[1]);
    job = kc_xcalloc(1, sizeof(*job));
    job->pid = pid;
    job->fd = fds[0];
    job->own_group = source == KC_SOURCE_EMBEDDED;
    job->embedded = source == KC_SOURCE_EMBEDDED;
    return job;
}

int kc_libvirt_job_fd(const kc_libvirt_job *job)
{
    return job->fd;
}

int kc_libvirt_job_read(kc_libvirt_job *job)
{
    for (;;) {
        ssize_t got;

        if (job->fd < 0)
            return 1;
        if (job->len + 65536 > job->cap) {
            job->cap = job->cap ? job->cap * 2 : 131072;
            job->buf = kc_xreallocarray(job->buf, job->cap, 1);
        }
        got = read(job->fd, job->buf + job->len, job->cap - job->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (got < 0) {
            job->failed = true;
            kc_error_set(&job->err, KC_ERR_HOST, "reading the collector: %s", strerror(errno));
        }
        if (got <= 0) {
            close(job->fd);
            job->fd = -1;
            return 1;
        }
        job->len += (size_t)got;
    }
}

int kc_libvirt_job_finish(kc_libvirt_job *job, bool timed_out, const char *shown_uri,
                          unsigned timeout_s, kc_facts *facts, int *connect_failed,
                          kc_error *err)
{
    int ret = -1, status = 0;
    wire_header h;

    *connect_failed = 0;
    if (job->fd >= 0) {
        close(job->fd);
        job->fd = -1;
        timed_out = true;         /* abandoned before the end of its data: an expiry */
    }
    /* The collector's whole group where it leads one, on expiry and after a normal end
     * alike (the collector has closed its pipe: it is exiting, its status is set). The
     * collector is not reaped yet, so its pid, the group's id, cannot have been reused. */
    if (timed_out)
        kill(job->pid, SIGKILL);
    if (job->own_group)
        kill(-job->pid, SIGKILL);
    while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (timed_out && job->embedded) {
        /* no host to blame: QEMU's probe in this process took too long (facts/embed.h) */
        kc_error_set(err, KC_ERR_HOST, "the embedded QEMU driver did not answer within %u s",
                     timeout_s);
        goto out;
    }
    if (timed_out) {
        kc_error_set(err, KC_ERR_HOST, "'%s' did not answer within %u s", shown_uri, timeout_s);
        goto out;
    }
    if (job->failed) {
        *err = job->err;
        goto out;
    }
    if (unpack(job->buf, job->len, facts, &h) < 0) {
        if (WIFSIGNALED(status))
            kc_error_set(err, KC_ERR_HOST, "collecting facts from '%s' crashed (signal %d)",
                         shown_uri, WTERMSIG(status));
        else
            kc_error_set(err, KC_ERR_HOST, "collecting facts from '%s' failed", shown_uri);
        goto out;
    }
    *connect_failed = h.connect_failed;
    if (h.rc < 0) {
        *err = h.err;
        goto out;
    }
    ret = 0;
 out:
    free(job->buf);
    free(job);
    return ret;
}

/* SIGINT, SIGTERM or SIGHUP received during kc_libvirt_collect() (0: none): the collection
 * stops, everything it started is removed, then the signal is raised again. */
static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
    caught_signal = sig;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };
#define N_STOP_SIGNALS (sizeof(stop_signals) / sizeof(stop_signals[0]))

/* Run one collection of @uri in a child, bounded by @deadline (ms, monotonic).
 * *connect_failed is set when the child could not connect at all. */
static int run_child(const char *uri, const char *shown_uri, const char *root, kc_source source,
                     int64_t deadline, unsigned timeout_s, kc_facts *facts, int *connect_failed,
                     kc_error *err)
{
    kc_libvirt_job *job = kc_libvirt_job_start(uri, root, source, err);
    bool timed_out = false;

    *connect_failed = 0;
    if (!job)
        return -1;
    for (;;) {
        struct pollfd pfd = { .fd = job->fd, .events = POLLIN };
        int64_t left = deadline - kc_now_ms();
        int r;

        if (caught_signal) {
            kc_error ignored;

            (void)kc_libvirt_job_finish(job, true, shown_uri, timeout_s, facts, connect_failed,
                                        &ignored);
            return kc_error_set(err, KC_ERR_HOST, "interrupted by signal %d",
                                (int)caught_signal);
        }
        if (left <= 0) {
            timed_out = true;
            break;
        }
        /* in slices, so that a signal between the check above and poll() is seen soon */
        r = poll(&pfd, 1, left > 250 ? 250 : (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            kc_error ignored;

            kc_error_set(err, KC_ERR_HOST, "poll: %s", strerror(errno));
            (void)kc_libvirt_job_finish(job, true, shown_uri, timeout_s, facts, connect_failed,
                                        &ignored);
            return -1;
        }
        if (r > 0 && kc_libvirt_job_read(job) == 1)
            break;
    }
    return kc_libvirt_job_finish(job, timed_out, shown_uri, timeout_s, facts, connect_failed,
                                 err);
}

/* EMBED_URI?root=PATH with PATH percent-encoded (a cache under $HOME may hold a space, '%',
 * '#' or '&', which libvirt's URI parser would read otherwise). @size holds 3 bytes a byte. */
static void uri_with_root(char *buf, size_t size, const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    int n = snprintf(buf, size, "%s?root=", EMBED_URI);
    size_t o = n > 0 ? (size_t)n : 0;

    for (const unsigned char *p = (const unsigned char *)path; *p && o + 4 < size; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr("/._~-", *p)) {
            buf[o++] = (char)*p;
        } else {
            buf[o++] = '%';
            buf[o++] = hex[*p >> 4];
            buf[o++] = hex[*p & 15];
        }
    }
    buf[o < size ? o : size - 1] = '\0';
}

/* The embedded fallback, in its root (facts/embed.h): a per-user cache that later runs
 * reuse, kept by one run at a time; everything that names it is killed afterwards. */
static int collect_embedded(const char *root, int64_t deadline, unsigned timeout_s,
                            bool timeout_given, kc_facts *facts, int *connect_failed,
                            kc_error *err)
{
    char embed_uri[sizeof(((kc_embed_root *)0)->path) * 3 + 32];
    kc_embed_root er;
    int ret;

    if (kc_embed_root_open(&er, deadline, &caught_signal, err) < 0) {
        *connect_failed = 0;    /* its own line: not "the embedded driver failed" */
        return -1;
    }
    /* A root libvirt has not probed QEMU in yet: the probe alone takes most of the default
     * deadline on a busy machine, so a first run without --timeout gets the longer one. */
    if (!timeout_given && !kc_embed_root_probed(&er) &&
        deadline < kc_now_ms() + (int64_t)KC_EMBED_FIRST_TIMEOUT * 1000) {
        deadline = kc_now_ms() + (int64_t)KC_EMBED_FIRST_TIMEOUT * 1000;
        timeout_s = KC_EMBED_FIRST_TIMEOUT;
        kc_facts_add_note(facts, "the embedded driver's first run in %s probed QEMU (up to "
                          "%u s without --timeout)", er.path, KC_EMBED_FIRST_TIMEOUT);
    }
    uri_with_root(embed_uri, sizeof(embed_uri), er.path);
    ret = run_child(embed_uri, EMBED_URI, root, KC_SOURCE_EMBEDDED, deadline, timeout_s, facts,
                    connect_failed, err);
    kc_embed_root_close(&er);
    return ret;
}

static int collect(const kc_collect_opts *opts, kc_facts *facts, kc_error *err)
{
    unsigned timeout_s = opts && opts->timeout_s ? opts->timeout_s : KC_COLLECT_TIMEOUT_DEFAULT;
    const char *root = opts ? opts->sysroot : NULL;
    const char *uri = opts ? opts->uri : NULL;
    int64_t deadline = kc_now_ms() + (int64_t)timeout_s * 1000;
    int connect_failed = 0, ret;
    kc_error first;

    if (!uri || !uri[0]) {
        const char *env = getenv("LIBVIRT_DEFAULT_URI");

        uri = env && env[0] ? env : NULL;
    }
    if (uri)
        return run_child(uri, uri, root, KC_SOURCE_LIBVIRT, deadline, timeout_s, facts,
                         &connect_failed, err);

    /* No URI: the local daemon, and where none answers, the embedded driver. */
    if (run_child(SYSTEM_URI, SYSTEM_URI, root, KC_SOURCE_LIBVIRT, deadline, timeout_s, facts,
                  &connect_failed, &first) == 0)
        return 0;
    if (!connect_failed || caught_signal) {
        *err = first;
        return -1;
    }
    ret = collect_embedded(root, deadline, timeout_s, opts && opts->timeout_s, facts,
                           &connect_failed, err);
    if (ret < 0 && connect_failed) {
        kc_error why = *err;

        kc_error_set(err, KC_ERR_HOST, "no libvirt daemon answered on '%s' and the embedded "
                     "driver failed: %.160s", SYSTEM_URI, why.msg);
    }
    if (ret == 0)
        kc_facts_add_note(facts, "no libvirt daemon answered on '%s': used the embedded driver",
                          SYSTEM_URI);
    return ret;
}

int kc_libvirt_collect(const kc_collect_opts *opts, kc_facts *facts, kc_error *err)
{
    struct sigaction sa, old[N_STOP_SIGNALS];
    int ret, sig;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    caught_signal = 0;
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i], &sa, &old[i]);
    ret = collect(opts, facts, err);
    for (size_t i = 0; i < N_STOP_SIGNALS; i++)
        sigaction(stop_signals[i], &old[i], NULL);
    sig = caught_signal;
    caught_signal = 0;
    if (sig)
        raise(sig);             /* as if it had come now, with what was there before */
    return ret;
}
