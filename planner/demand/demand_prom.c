/* SPDX-License-Identifier: MIT */
/* demand_prom.c: a Prometheus host's slots become the demand model a recording gives
 * (doc/prometheus.md). */
#include <stdlib.h>
#include <string.h>

#include "demand/demand_prom.h"
#include "facts/sample.h"
#include "util/util.h"

/* What the report says of the memory figure (doc/prometheus.md, "Figures the exporter does
 * not have"). */
#define KC_PROM_MEM_STANDIN "VM memory use is the balloon's current size " \
    "(libvirt_domain_info_memory_usage_bytes): the exporter has no QEMU RSS"

/* The latest value of @v (n slots), or KC_PROM_NONE. */
static uint64_t latest(const uint64_t *v, size_t n)
{
    for (size_t k = n; k-- > 0;)
        if (v[k] != KC_PROM_NONE)
            return v[k];
    return KC_PROM_NONE;
}

/* Rates of a cumulative, reset-corrected counter on the slot grid. */
static size_t rates(const kc_prom_fleet *f, const uint64_t *c, const uint8_t *fresh,
                    uint64_t mul, kc_stats_point *pts, uint64_t *out)
{
    for (size_t k = 0; k < f->n; k++) {
        pts[k].t_ns = (uint64_t)(f->since_ms + (int64_t)k * f->step_ms) * 1000000ull;
        pts[k].value = c[k] == KC_PROM_NONE ? KC_STATS_NONE : c[k];
        pts[k].fresh = fresh[k] != 0;
    }
    /* two steps at most: a missed scrape is not a gap (a recording allows three intervals) */
    return kc_stats_rates(pts, f->n, mul, (uint64_t)f->step_ms * 2000000ull, out);
}

static bool running_at(const kc_prom_vm *vm, size_t k)
{
    uint64_t st = vm->v[KC_PROM_VM_STATE][k];

    if (st != KC_PROM_NONE)
        return st <= 255 && KC_DOM_IS_RUNNING((kc_dom_state)st);
    return vm->v[KC_PROM_VM_CPU_NS][k] != KC_PROM_NONE || vm->v[KC_PROM_VM_MEM_KIB][k] !=
           KC_PROM_NONE;
}

static void one_vm(const kc_prom_fleet *f, const kc_prom_vm *pv, uint32_t p_bp,
                   kc_stats_point *pts, uint64_t *scratch, uint64_t **acc, kc_demand_host *h,
                   kc_demand_vm *out)
{
    static const struct { int src; kc_metric dst; uint64_t mul; } ctr[] = {
        { KC_PROM_VM_CPU_NS, KC_METRIC_CPU, KC_STATS_MUL_CPU_BP },
        { KC_PROM_VM_NET_BYTES, KC_METRIC_NET, KC_STATS_MUL_KBPS },
        { KC_PROM_VM_DISK_REQS, KC_METRIC_IOPS, KC_STATS_MUL_MILLI_PER_S },
        { KC_PROM_VM_DISK_BYTES, KC_METRIC_DISK, KC_STATS_MUL_KB_PER_S },
    };
    size_t n = f->n, last = n;
    uint64_t *metric[KC_METRIC_LAST];
    uint64_t vcpus = latest(pv->v[KC_PROM_VM_VCPUS], n);
    uint64_t maxkib = latest(pv->v[KC_PROM_VM_MAXMEM_KIB], n);
    uint64_t state = latest(pv->v[KC_PROM_VM_STATE], n);
    kc_vm_series s;

    memset(&s, 0, sizeof(s));
    memset(out, 0, sizeof(*out));
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        metric[m] = kc_xcalloc(n ? n : 1, sizeof(uint64_t));
        kc_stats_fill_none(metric[m], n);
    }
    for (size_t i = 0; i < sizeof(ctr) / sizeof(ctr[0]); i++)
        rates(f, pv->v[ctr[i].src], pv->fresh[ctr[i].src], ctr[i].mul, pts, metric[ctr[i].dst]);
    for (size_t k = 0; k < n; k++) {
        bool run = running_at(pv, k);

        if (run)
            s.running++;
        for (int i = 0; i < KC_PROM_VM_LAST; i++)
            if (pv->v[i][k] != KC_PROM_NONE)
                last = k;
        if (!run) {
            for (int m = 0; m < KC_METRIC_LAST; m++)
                metric[m][k] = KC_STATS_NONE;
            continue;
        }
        /* the stand-in for QEMU's RSS: the balloon's current size */
        metric[KC_METRIC_RSS][k] = pv->v[KC_PROM_VM_MEM_KIB][k] == KC_PROM_NONE
                                   ? KC_STATS_NONE : pv->v[KC_PROM_VM_MEM_KIB][k];
    }
    kc_strlcpy(s.name, pv->name, sizeof(s.name));
    s.vcpus = vcpus != KC_PROM_NONE && vcpus <= UINT32_MAX ? (uint32_t)vcpus : 0;
    s.mem_mib = maxkib != KC_PROM_NONE ? (maxkib + 1023) / 1024 : 0;
    s.n = n;
    s.resets = pv->cpu_resets;        /* the CPU counter went down: QEMU restarted */
    for (int m = 0; m < KC_METRIC_LAST; m++)
        s.v[m] = metric[m];
    kc_stats_derive(&s);
    kc_stats_vm(&s, p_bp, scratch, &out->st);
    kc_strlcpy(out->uuid, pv->uuid, sizeof(out->uuid));
    out->last_state = state != KC_PROM_NONE && state <= 255 ? (kc_dom_state)state
                                                             : KC_DOM_NOSTATE;
    out->off = s.running == 0;
    out->gone = last + 1 < n;
    if (!out->off) {
        h->alloc_vcpus += s.vcpus;
        h->alloc_mem_mib += s.mem_mib;
    }
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        kc_stats_add(acc[m], metric[m], n);
        free(metric[m]);
    }
}

/* The host's CPU busy (bp of a core) from node_exporter's idle counter and CPU count. */
static void host_cpu(const kc_prom_fleet *f, const kc_prom_host *ph, uint32_t p_bp,
                     kc_stats_point *pts, uint64_t *v, uint64_t *scratch, kc_demand_host *h)
{
    rates(f, ph->v[KC_PROM_HOST_IDLE_NS], ph->idle_fresh, KC_STATS_MUL_CPU_BP, pts, v);
    for (size_t k = 0; k < f->n; k++) {
        uint64_t all = (uint64_t)ph->cpus * KC_STATS_MUL_CPU_BP;

        if (v[k] == KC_STATS_NONE || !ph->cpus)
            v[k] = KC_STATS_NONE;
        else
            v[k] = v[k] >= all ? 0 : all - v[k];
    }
    kc_stats_summarize(v, f->n, p_bp, scratch, &h->node_cpu);
}

void kc_demand_from_prom(const kc_prom_fleet *f, const kc_prom_host *ph, uint32_t p_bp,
                         bool series, kc_demand_host *h)
{
    size_t n = f->n;
    kc_stats_point *pts = kc_xcalloc(n ? n : 1, sizeof(*pts));
    uint64_t *scratch = kc_xcalloc(n ? n : 1, sizeof(*scratch));
    uint64_t *v = kc_xcalloc(n ? n : 1, sizeof(*v));
    uint64_t *acc[KC_METRIC_LAST];
    uint64_t mem_kib = latest(ph->v[KC_PROM_HOST_MEM_KIB], n);

    memset(h, 0, sizeof(*h));
    kc_strlcpy(h->uri, ph->name, sizeof(h->uri));
    kc_strlcpy(h->hostname, ph->name, sizeof(h->hostname));
    h->samples = n;
    h->runs = n ? 1 : 0;
    if (n) {
        h->first_wall_ns = (uint64_t)f->since_ms * 1000000ull;
        h->last_wall_ns = (uint64_t)(f->since_ms + (int64_t)(n - 1) * f->step_ms) * 1000000ull;
    }
    if (mem_kib != KC_PROM_NONE || ph->cpus) {
        h->facts = kc_facts_new();
        h->facts->source = KC_SOURCE_FACTS;
        kc_strlcpy(h->facts->hostname, ph->name, sizeof(h->facts->hostname));
        kc_strlcpy(h->facts->name, ph->name, sizeof(h->facts->name));
        h->facts->cpus = ph->cpus;
        h->facts->mem_mib = mem_kib != KC_PROM_NONE ? mem_kib / 1024 : 0;
        kc_strlcpy(h->facts->mem_source, "node_exporter", sizeof(h->facts->mem_source));
        kc_facts_add_note(h->facts, KC_PROM_MEM_STANDIN);
    }
    h->mem_standin = KC_PROM_MEM_STANDIN;
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        acc[m] = kc_xcalloc(n ? n : 1, sizeof(uint64_t));
        kc_stats_fill_none(acc[m], n);
    }
    h->vms = kc_xcalloc(ph->n_vms ? ph->n_vms : 1, sizeof(*h->vms));
    for (size_t i = 0; i < ph->n_vms; i++)
        one_vm(f, &ph->vms[i], p_bp, pts, scratch, acc, h, &h->vms[h->n_vms++]);
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        kc_stats_summarize(acc[m], n, p_bp, scratch, &h->m[m]);
        if (series)
            h->series[m] = acc[m];
        else
            free(acc[m]);
    }
    if (series) {
        h->slot_wall_ns = kc_xcalloc(n ? n : 1, sizeof(*h->slot_wall_ns));
        for (size_t k = 0; k < n; k++)
            h->slot_wall_ns[k] = (uint64_t)(f->since_ms + (int64_t)k * f->step_ms) * 1000000ull;
    }
    host_cpu(f, ph, p_bp, pts, v, scratch, h);
    kc_stats_summarize(NULL, 0, p_bp, scratch, &h->mem_used_kib);
    kc_stats_summarize(NULL, 0, p_bp, scratch, &h->ksm_saved_kib);
    free(pts);
    free(scratch);
    free(v);
}
