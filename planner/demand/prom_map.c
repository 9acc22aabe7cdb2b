/* SPDX-License-Identifier: MIT */
/* prom_map.c: exporters' series -> per-host, per-VM slots (metric names in doc/prometheus.md). */
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "counter.h"
#include "demand/prom_map.h"
#include "util/util.h"

/* Where a metric of the libvirt exporter goes. */
typedef enum unit {
    UNIT_SECONDS_NS,            /* seconds -> ns */
    UNIT_BYTES_KIB,             /* bytes -> KiB (floor) */
    UNIT_ONE,                   /* a count as it is */
} unit;

static const struct vm_source {
    const char *name;
    kc_prom_vm_metric metric;
    unit unit;
    const char *device;         /* label that tells devices apart, NULL = one per VM */
} vm_sources[] = {
    { "libvirt_domain_info_cpu_time_seconds_total", KC_PROM_VM_CPU_NS, UNIT_SECONDS_NS, NULL },
    { "libvirt_domain_interface_stats_receive_bytes_total", KC_PROM_VM_NET_BYTES, UNIT_ONE,
      "target_device" },
    { "libvirt_domain_interface_stats_transmit_bytes_total", KC_PROM_VM_NET_BYTES, UNIT_ONE,
      "target_device" },
    { "libvirt_domain_block_stats_read_requests_total", KC_PROM_VM_DISK_REQS, UNIT_ONE,
      "target_device" },
    { "libvirt_domain_block_stats_write_requests_total", KC_PROM_VM_DISK_REQS, UNIT_ONE,
      "target_device" },
    { "libvirt_domain_block_stats_read_bytes_total", KC_PROM_VM_DISK_BYTES, UNIT_ONE,
      "target_device" },
    { "libvirt_domain_block_stats_write_bytes_total", KC_PROM_VM_DISK_BYTES, UNIT_ONE,
      "target_device" },
    { "libvirt_domain_info_memory_usage_bytes", KC_PROM_VM_MEM_KIB, UNIT_BYTES_KIB, NULL },
    { "libvirt_domain_info_maximum_memory_bytes", KC_PROM_VM_MAXMEM_KIB, UNIT_BYTES_KIB, NULL },
    { "libvirt_domain_info_virtual_cpus", KC_PROM_VM_VCPUS, UNIT_ONE, NULL },
    { "libvirt_domain_state_code", KC_PROM_VM_STATE, UNIT_ONE, NULL },
};
#define N_SOURCES (sizeof(vm_sources) / sizeof(vm_sources[0]))

/* Build-time state of one VM or host: counters are merged first, cumulated at the end. */
typedef struct seen {
    size_t source;
    char *device;
} seen;

typedef struct vm_work {
    uint64_t *acc[KC_PROM_VM_COUNTERS];
    uint8_t *present[KC_PROM_VM_COUNTERS];
    seen *seen;
    size_t n_seen;
} vm_work;

typedef struct host_work {
    vm_work *vms;               /* parallel to kc_prom_host.vms */
    size_t cap_vms;
    uint64_t *idle_acc;
    uint8_t *idle_present;
    char **cpus;
    size_t n_cpus;
    bool mem_seen;
} host_work;

void kc_prom_fleet_clear(kc_prom_fleet *f)
{
    if (!f)
        return;
    for (size_t h = 0; h < f->n_hosts; h++) {
        kc_prom_host *host = &f->hosts[h];

        for (size_t i = 0; i < host->n_vms; i++) {
            for (int m = 0; m < KC_PROM_VM_LAST; m++)
                free(host->vms[i].v[m]);
            for (int m = 0; m < KC_PROM_VM_COUNTERS; m++)
                free(host->vms[i].fresh[m]);
        }
        free(host->vms);
        for (int m = 0; m < KC_PROM_HOST_LAST; m++)
            free(host->v[m]);
        free(host->idle_fresh);
    }
    free(f->hosts);
    memset(f, 0, sizeof(*f));
}

static uint64_t *none_slots(size_t n)
{
    uint64_t *v = kc_xcalloc(n ? n : 1, sizeof(*v));

    for (size_t k = 0; k < n; k++)
        v[k] = KC_PROM_NONE;
    return v;
}

int kc_prom_host_of(const kc_prom_series *s, const char *host_label, char *out, size_t size)
{
    const char *v = kc_prom_label_value(s, host_label ? host_label : "instance");
    const char *colon;
    size_t len;

    if (!v || !*v)
        return -1;
    len = strlen(v);
    if (!host_label) {
        if (v[0] == '[' && (colon = strchr(v, ']')) != NULL) {
            v++;
            len = (size_t)(colon - v);
        } else if ((colon = strchr(v, ':')) != NULL && !strchr(colon + 1, ':')) {
            len = (size_t)(colon - v);
        }
    }
    if (len == 0 || len >= size)
        return -1;
    memcpy(out, v, len);
    out[len] = '\0';
    return 0;
}

static int to_u64(double v, unit u, uint64_t *out)
{
    double x;

    if (!isfinite(v) || v < 0)
        return -1;
    x = u == UNIT_SECONDS_NS ? v * 1e9 : v;
    x = nearbyint(x);
    if (x >= 18446744073709549568.0)   /* the largest double below 2^64 */
        return -1;
    *out = (uint64_t)x;
    if (u == UNIT_BYTES_KIB)
        *out /= 1024;
    return *out == KC_PROM_NONE ? -1 : 0;
}

/* The slots of @s's points into @slots (n, already NONE); off-grid points are an error. */
static int fill_slots(const kc_prom_series *s, kc_prom_fleet *f, unit u, uint64_t *slots,
                      kc_error *err)
{
    for (size_t i = 0; i < s->n_pts; i++) {
        int64_t d = s->pts[i].t_ms - f->since_ms;
        uint64_t k;

        if (d < 0 || d % f->step_ms != 0 || (uint64_t)(d / f->step_ms) >= f->n)
            return kc_error_set(err, KC_ERR_HOST,
                                "prometheus: invalid response: %s has a point at %lld ms, off "
                                "the query's step", s->metric, (long long)s->pts[i].t_ms);
        k = (uint64_t)(d / f->step_ms);
        if (to_u64(s->pts[i].v, u, &slots[k]) < 0) {
            slots[k] = KC_PROM_NONE;
            f->dropped++;
        }
    }
    return 0;
}

static int host_cmp(const void *a, const void *b)
{
    return strcmp(((const kc_prom_host *)a)->name, ((const kc_prom_host *)b)->name);
}

static int vm_cmp(const void *a, const void *b)
{
    return strcmp(((const kc_prom_vm *)a)->name, ((const kc_prom_vm *)b)->name);
}

static kc_prom_host *find_host(kc_prom_fleet *f, host_work **work, size_t *cap,
                               const char *name, bool create)
{
    kc_prom_host *h;

    for (size_t i = 0; i < f->n_hosts; i++) {
        if (strcmp(f->hosts[i].name, name) == 0)
            return &f->hosts[i];
    }
    if (!create)
        return NULL;
    if (f->n_hosts == *cap) {
        *cap = *cap ? *cap * 2 : 8;
        f->hosts = kc_xreallocarray(f->hosts, *cap, sizeof(*f->hosts));
        *work = kc_xreallocarray(*work, *cap, sizeof(**work));
    }
    h = &f->hosts[f->n_hosts];
    memset(h, 0, sizeof(*h));
    memset(&(*work)[f->n_hosts], 0, sizeof(**work));
    f->n_hosts++;
    kc_strlcpy(h->name, name, sizeof(h->name));
    for (int m = 0; m < KC_PROM_HOST_LAST; m++)
        h->v[m] = none_slots(f->n);
    h->idle_fresh = kc_xcalloc(f->n ? f->n : 1, 1);
    return h;
}

static size_t find_vm(kc_prom_host *h, host_work *w, const char *name, const char *uuid,
                      size_t n)
{
    kc_prom_vm *vm;
    vm_work *vw;

    for (size_t i = 0; i < h->n_vms; i++) {
        if (strcmp(h->vms[i].name, name) == 0)
            return i;
    }
    if (h->n_vms == w->cap_vms) {
        w->cap_vms = w->cap_vms ? w->cap_vms * 2 : 8;
        h->vms = kc_xreallocarray(h->vms, w->cap_vms, sizeof(*h->vms));
        w->vms = kc_xreallocarray(w->vms, w->cap_vms, sizeof(*w->vms));
    }
    vm = &h->vms[h->n_vms];
    vw = &w->vms[h->n_vms];
    memset(vm, 0, sizeof(*vm));
    memset(vw, 0, sizeof(*vw));
    kc_strlcpy(vm->name, name, sizeof(vm->name));
    kc_strlcpy(vm->uuid, uuid ? uuid : "", sizeof(vm->uuid));
    for (int m = 0; m < KC_PROM_VM_LAST; m++)
        vm->v[m] = none_slots(n);
    for (int m = 0; m < KC_PROM_VM_COUNTERS; m++) {
        vm->fresh[m] = kc_xcalloc(n ? n : 1, 1);
        vw->acc[m] = none_slots(n);
        vw->present[m] = kc_xcalloc(n ? n : 1, 1);
    }
    return h->n_vms++;
}

/* Two series for the same VM, metric and device would be counted twice: refuse them. */
static int mark_seen(vm_work *vw, size_t source, const char *device, const char *host,
                     const char *vm, kc_error *err)
{
    for (size_t i = 0; i < vw->n_seen; i++) {
        if (vw->seen[i].source == source && strcmp(vw->seen[i].device, device) == 0)
            return kc_error_set(err, KC_ERR_INVALID,
                                "prometheus: two series of %s for VM '%s' on host '%s'%s%s: "
                                "narrow the selector (--match)", vm_sources[source].name,
                                kc_term_str(vm), kc_term_str(host), *device ? " device " : "",
                                kc_term_str(device));
    }
    vw->seen = kc_xreallocarray(vw->seen, vw->n_seen + 1, sizeof(*vw->seen));
    vw->seen[vw->n_seen].source = source;
    vw->seen[vw->n_seen].device = kc_xstrdup(device);
    vw->n_seen++;
    return 0;
}

static int add_vm_series(kc_prom_fleet *f, host_work **work, size_t *cap, const char *host_label,
                         const kc_prom_series *s, uint64_t *scratch, kc_error *err)
{
    char hname[KC_NAME_MAX];
    const char *dom, *dev = "";
    const struct vm_source *src = NULL;
    size_t si, vi;
    kc_prom_host *h;
    host_work *w;
    kc_prom_vm *vm;
    size_t r;

    for (si = 0; si < N_SOURCES; si++) {
        if (strcmp(s->metric, vm_sources[si].name) == 0) {
            src = &vm_sources[si];
            break;
        }
    }
    if (!src)
        return 0;       /* not a metric kvmcap reads */
    if (kc_prom_host_of(s, host_label, hname, sizeof(hname)) < 0)
        return kc_error_set(err, KC_ERR_INVALID,
                            "prometheus: a %s series has no usable '%s' label", s->metric,
                            host_label ? host_label : "instance");
    dom = kc_prom_label_value(s, "domain");
    if (!dom || !*dom || strlen(dom) >= KC_NAME_MAX)
        return kc_error_set(err, KC_ERR_INVALID,
                            "prometheus: a %s series on host '%s' has no usable 'domain' label",
                            s->metric, kc_term_str(hname));
    if (src->device) {
        dev = kc_prom_label_value(s, src->device);
        dev = dev ? dev : "";
    }
    h = find_host(f, work, cap, hname, true);
    w = &(*work)[h - f->hosts];
    vi = find_vm(h, w, dom, kc_prom_label_value(s, "uuid"), f->n);
    vm = &h->vms[vi];
    if (mark_seen(&w->vms[vi], si, dev, hname, dom, err) < 0)
        return -1;
    if (src->metric < KC_PROM_VM_COUNTERS) {
        for (size_t k = 0; k < f->n; k++)
            scratch[k] = KC_PROM_NONE;
        if (fill_slots(s, f, src->unit, scratch, err) < 0)
            return -1;
        r = kc_counter_merge(w->vms[vi].acc[src->metric], w->vms[vi].present[src->metric],
                             scratch, f->n);
        if (src->metric == KC_PROM_VM_CPU_NS)
            vm->cpu_resets += r;
        return 0;
    }
    return fill_slots(s, f, src->unit, vm->v[src->metric], err);
}

static int add_node_series(kc_prom_fleet *f, host_work *work, const char *host_label,
                           const kc_prom_series *s, uint64_t *scratch, kc_error *err)
{
    char hname[KC_NAME_MAX];
    kc_prom_host *h;
    host_work *w;
    const char *cpu;
    size_t none_cap = 0;
    host_work *none_work = NULL;

    if (kc_prom_host_of(s, host_label, hname, sizeof(hname)) < 0)
        return 0;       /* a node without a host name cannot be joined to a libvirt host */
    h = find_host(f, &none_work, &none_cap, hname, false);
    if (!h)
        return 0;       /* a node_exporter host without VMs in the selection */
    w = &work[h - f->hosts];
    if (strcmp(s->metric, "node_memory_MemTotal_bytes") == 0) {
        if (w->mem_seen)
            return kc_error_set(err, KC_ERR_INVALID,
                                "prometheus: two node_memory_MemTotal_bytes series for host "
                                "'%s': narrow the node selector", kc_term_str(hname));
        w->mem_seen = true;
        return fill_slots(s, f, UNIT_BYTES_KIB, h->v[KC_PROM_HOST_MEM_KIB], err);
    }
    if (strcmp(s->metric, "node_cpu_seconds_total") != 0)
        return 0;
    cpu = kc_prom_label_value(s, "cpu");
    if (!cpu || strcmp(kc_prom_label_value(s, "mode") ? kc_prom_label_value(s, "mode") : "", "idle") != 0)
        return 0;
    for (size_t i = 0; i < w->n_cpus; i++) {
        if (strcmp(w->cpus[i], cpu) == 0)
            return kc_error_set(err, KC_ERR_INVALID,
                                "prometheus: two node_cpu_seconds_total series for cpu '%s' "
                                "of host '%s': narrow the node selector", kc_term_str(cpu),
                                kc_term_str(hname));
    }
    w->cpus = kc_xreallocarray(w->cpus, w->n_cpus + 1, sizeof(*w->cpus));
    w->cpus[w->n_cpus++] = kc_xstrdup(cpu);
    if (!w->idle_acc) {
        w->idle_acc = none_slots(f->n);
        w->idle_present = kc_xcalloc(f->n ? f->n : 1, 1);
    }
    for (size_t k = 0; k < f->n; k++)
        scratch[k] = KC_PROM_NONE;
    if (fill_slots(s, f, UNIT_SECONDS_NS, scratch, err) < 0)
        return -1;
    kc_counter_merge(w->idle_acc, w->idle_present, scratch, f->n);
    return 0;
}

static void work_free(kc_prom_fleet *f, host_work *work)
{
    for (size_t h = 0; h < f->n_hosts && work; h++) {
        host_work *w = &work[h];

        for (size_t i = 0; i < f->hosts[h].n_vms; i++) {
            for (int m = 0; m < KC_PROM_VM_COUNTERS; m++) {
                free(w->vms[i].acc[m]);
                free(w->vms[i].present[m]);
            }
            for (size_t j = 0; j < w->vms[i].n_seen; j++)
                free(w->vms[i].seen[j].device);
            free(w->vms[i].seen);
        }
        free(w->vms);
        free(w->idle_acc);
        free(w->idle_present);
        for (size_t i = 0; i < w->n_cpus; i++)
            free(w->cpus[i]);
        free(w->cpus);
    }
    free(work);
}

int kc_prom_fleet_build(const kc_prom_matrix *libvirt, const kc_prom_matrix *node,
                        const char *host_label, int64_t since_ms, int64_t step_ms, size_t n,
                        kc_prom_fleet *f, kc_error *err)
{
    host_work *work = NULL;
    size_t cap = 0;
    uint64_t *scratch = NULL;
    int ret = -1;

    memset(f, 0, sizeof(*f));
    if (step_ms <= 0 || n == 0 || n > SIZE_MAX / sizeof(uint64_t) / 16)
        return kc_error_set(err, KC_ERR_INTERNAL, "prometheus: bad slot grid");
    f->since_ms = since_ms;
    f->step_ms = step_ms;
    f->n = n;
    scratch = kc_xcalloc(n, sizeof(*scratch));
    for (size_t i = 0; i < libvirt->n; i++) {
        if (add_vm_series(f, &work, &cap, host_label, &libvirt->s[i], scratch, err) < 0)
            goto out;
    }
    for (size_t i = 0; node && i < node->n; i++) {
        if (add_node_series(f, work, host_label, &node->s[i], scratch, err) < 0)
            goto out;
    }
    for (size_t h = 0; h < f->n_hosts; h++) {
        kc_prom_host *host = &f->hosts[h];
        host_work *w = &work[h];

        for (size_t i = 0; i < host->n_vms; i++) {
            for (int m = 0; m < KC_PROM_VM_COUNTERS; m++)
                kc_counter_cumulate(w->vms[i].acc[m], w->vms[i].present[m], n,
                                    host->vms[i].v[m], host->vms[i].fresh[m]);
        }
        if (w->idle_acc)
            kc_counter_cumulate(w->idle_acc, w->idle_present, n, host->v[KC_PROM_HOST_IDLE_NS],
                                host->idle_fresh);
        host->cpus = (uint32_t)w->n_cpus;
    }
    ret = 0;
 out:
    work_free(f, work);
    free(scratch);
    if (ret < 0) {
        kc_prom_fleet_clear(f);
        return ret;
    }
    /* sorted only now: the work arrays run parallel to the unsorted ones until here */
    for (size_t h = 0; h < f->n_hosts; h++) {
        if (f->hosts[h].n_vms > 1)
            qsort(f->hosts[h].vms, f->hosts[h].n_vms, sizeof(kc_prom_vm), vm_cmp);
    }
    if (f->n_hosts > 1)     /* qsort(NULL, 0, ...) is undefined */
        qsort(f->hosts, f->n_hosts, sizeof(*f->hosts), host_cmp);
    return 0;
}
