/* SPDX-License-Identifier: MIT */
/* demand.c: a recorded host's demand: the store's readings become slots, the core's
 * statistics turn them into per-VM and host-wide figures (doc/recording.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "demand/demand.h"
#include "demand/store.h"
#include "facts/facts_json.h"
#include "util/util.h"

/* Counters of one VM, one point per slot, and its gauges. */
enum { C_CPU, C_DELAY, C_NET, C_IOPS, C_DISK, C_LAST };

typedef struct vm_ctx {
    const kc_store_slot *slots;
    size_t n;
    kc_stats_point *pts[C_LAST];
    uint64_t *rss, *guest;
    int64_t *dom_id;           /* per slot; INT64_MIN: no reading */
    size_t running;
    uint32_t vcpus;
    uint64_t mem_kib;
    kc_dom_state last_state;
    size_t last_slot;
    size_t restarts;           /* a new domain id: a new QEMU process */
    int64_t last_dom_id;
    bool seen;
} vm_ctx;

static size_t slot_of(const kc_store_slot *slots, size_t n, int64_t sample_id)
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (slots[mid].sample_id < sample_id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && slots[lo].sample_id == sample_id ? lo : n;
}

/* a + b where either may be absent */
static uint64_t sum2(uint64_t a, uint64_t b)
{
    if (a == KC_SAMPLE_NONE)
        return b;
    if (b == KC_SAMPLE_NONE)
        return a;
    return a > UINT64_MAX - 1 - b ? UINT64_MAX - 1 : a + b;
}

/* One reading of the VM into its slot (readings outside the window are skipped). */
static void take_row(vm_ctx *c, int64_t sample_id, const kc_sample_vm *vm)
{
    size_t k = slot_of(c->slots, c->n, sample_id);
    bool running = KC_DOM_IS_RUNNING(vm->state);
    const uint64_t vals[C_LAST] = { vm->cpu_time_ns, vm->vcpu_delay_ns,
                                    sum2(vm->net_rx_bytes, vm->net_tx_bytes),
                                    sum2(vm->rd_reqs, vm->wr_reqs),
                                    sum2(vm->rd_bytes, vm->wr_bytes) };
    bool fresh;

    if (k == c->n)
        return;            /* outside the window */
    if (c->seen && vm->dom_id >= 0 && c->last_dom_id >= 0 && vm->dom_id != c->last_dom_id)
        c->restarts++;
    if (vm->dom_id >= 0)
        c->last_dom_id = vm->dom_id;
    c->seen = true;
    c->last_state = vm->state;
    c->last_slot = k;
    if (vm->vcpus)
        c->vcpus = vm->vcpus;
    if (vm->mem_kib != KC_SAMPLE_NONE && vm->mem_kib)
        c->mem_kib = vm->mem_kib;
    c->dom_id[k] = vm->dom_id;
    /* a new series: first sample of a run, after a gap, or a new QEMU process */
    fresh = k == 0 || c->slots[k].fresh || c->slots[k].run_id != c->slots[k - 1].run_id ||
            (c->dom_id[k - 1] != INT64_MIN && c->dom_id[k - 1] != vm->dom_id);
    if (running)
        c->running++;
    for (int i = 0; i < C_LAST; i++) {
        c->pts[i][k].value = running ? vals[i] : KC_STATS_NONE;
        c->pts[i][k].fresh = fresh;
    }
    if (running) {
        c->rss[k] = vm->rss_kib;
        if (vm->available_kib != KC_SAMPLE_NONE && vm->usable_kib != KC_SAMPLE_NONE &&
            vm->available_kib >= vm->usable_kib)
            c->guest[k] = vm->available_kib - vm->usable_kib;
    }
}

uint64_t kc_demand_bound(kc_metric m)
{
    /* a million cores (KVM allows 4096 vCPUs a VM), a petabit/s, a billion IOPS, a
     * petabyte/s, 16 PiB of memory: beyond any host, far above any real reading */
    static const uint64_t bound[KC_METRIC_LAST] = {
        [KC_METRIC_CPU] = 1048576ull * KC_STATS_MUL_CPU_BP,
        [KC_METRIC_STEAL] = 1048576ull * KC_STATS_MUL_CPU_BP,
        [KC_METRIC_CPU_DEMAND] = 2 * 1048576ull * KC_STATS_MUL_CPU_BP,
        [KC_METRIC_STEAL_SHARE] = UINT64_MAX - 1,    /* a ratio of the two above */
        [KC_METRIC_RSS] = KC_DEMAND_MAX_MEM_KIB,
        [KC_METRIC_GUEST_USED] = KC_DEMAND_MAX_MEM_KIB,
        [KC_METRIC_NET] = 1000000000000ull,          /* kbit/s */
        [KC_METRIC_IOPS] = 1000000000000ull,         /* thousandths of an I/O a second */
        [KC_METRIC_DISK] = 1000000000000ull,         /* kB/s */
    };

    return m < KC_METRIC_LAST ? bound[m] : 0;
}

/* A figure beyond its bound, or an allocation beyond any VM's, refuses the file. */
static int check_bounds(const char *path, const kc_store_slot *slots, const kc_vm_series *s,
                        kc_error *err)
{
    if (s->vcpus > KC_DEMAND_MAX_VCPUS || s->mem_mib > KC_DEMAND_MAX_MEM_KIB / 1024)
        return kc_error_set(err, KC_ERR_INVALID, "'%s': VM '%s' claims %u vCPUs and %llu MiB, "
                            "beyond any host (a damaged recording)", path, kc_term_str(s->name),
                            s->vcpus, (unsigned long long)s->mem_mib);
    for (int m = 0; m < KC_METRIC_LAST; m++)
        for (size_t k = 0; k < s->n; k++)
            if (s->v[m][k] != KC_STATS_NONE && s->v[m][k] > kc_demand_bound((kc_metric)m))
                return kc_error_set(err, KC_ERR_INVALID, "'%s': VM '%s' at sample %lld: its "
                                    "%s is beyond any host (a damaged recording: a counter "
                                    "or the monotonic clock jumped)", path,
                                    kc_term_str(s->name), (long long)slots[k].sample_id,
                                    kc_metric_name((kc_metric)m));
    return 0;
}

/* The allocation of VM @name in the run's facts (for drivers whose statistics lack it). */
static const kc_fact_vm *fact_vm(const kc_facts *f, const char *name)
{
    for (size_t i = 0; f && i < f->n_vms; i++)
        if (strcmp(f->vms[i].name, name) == 0)
            return &f->vms[i];
    return NULL;
}

static int pick_host(kc_store *st, const char *path, const char *want, kc_store_host *out,
                     kc_error *err)
{
    kc_store_host *hosts = NULL;
    size_t n = 0, found = 0;
    char list[200] = "";
    int ret = -1;

    if (kc_store_hosts(st, &hosts, &n, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (strlen(list) < 150) {
            strcat(list, i ? ", " : "");
            strncat(list, hosts[i].hostname, 40);
        }
        if (!want || strcmp(want, hosts[i].hostname) == 0 || strcmp(want, hosts[i].uri) == 0) {
            *out = hosts[i];
            found++;
        }
    }
    if (n == 0)
        kc_error_set(err, KC_ERR_INVALID, "'%s' holds no samples yet", path);
    else if (!found)
        kc_error_set(err, KC_ERR_INVALID, "'%s' has no host '%s' (hosts: %s)", path, want, list);
    else if (found > 1)
        kc_error_set(err, KC_ERR_INVALID, "'%s' holds %zu hosts (%s): choose one with "
                     "--hostname", path, n, list);
    else
        ret = 0;
    free(hosts);
    return ret;
}

static int load_vm(const char *path, kc_store *st, const kc_store_vm *sv, const kc_store_slot *slots, size_t n,
                   uint64_t max_gap_ns, uint32_t p_bp, kc_demand_host *h, uint64_t **acc,
                   uint64_t *scratch, kc_demand_vm *out, kc_error *err)
{
    vm_ctx c = { .slots = slots, .n = n, .last_state = KC_DOM_NOSTATE, .last_dom_id = -1 };
    uint64_t *metric[KC_METRIC_LAST] = { 0 };
    kc_vm_series s;
    const kc_fact_vm *fv;
    int ret = -1;

    for (int i = 0; i < C_LAST; i++)
        c.pts[i] = kc_xcalloc(n, sizeof(kc_stats_point));
    c.dom_id = kc_xcalloc(n, sizeof(*c.dom_id));
    for (size_t k = 0; k < n; k++) {
        c.dom_id[k] = INT64_MIN;
        for (int i = 0; i < C_LAST; i++) {
            c.pts[i][k].t_ns = slots[k].mono_ns;
            c.pts[i][k].value = KC_STATS_NONE;
        }
    }
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        metric[m] = kc_xcalloc(n, sizeof(uint64_t));
        kc_stats_fill_none(metric[m], n);
    }
    c.rss = metric[KC_METRIC_RSS];
    c.guest = metric[KC_METRIC_GUEST_USED];
    if (n) {
        kc_store_iter *it = kc_store_iter_open(st, sv->id, slots[0].sample_id,
                                               slots[n - 1].sample_id, err);
        kc_sample_vm reading;
        int64_t sid;
        int r;

        if (!it)
            goto out;
        while ((r = kc_store_iter_next(it, &sid, &reading, err)) == 1)
            take_row(&c, sid, &reading);
        kc_store_iter_close(it);
        if (r < 0)
            goto out;
    }
    memset(out, 0, sizeof(*out));
    if (!c.seen) {
        ret = 1;           /* not in the window */
        goto out;
    }
    memset(&s, 0, sizeof(s));
    kc_strlcpy(s.name, sv->name, sizeof(s.name));
    fv = fact_vm(h->facts, sv->name);
    s.vcpus = c.vcpus ? c.vcpus : fv ? fv->vcpus : 0;
    s.mem_mib = c.mem_kib ? (c.mem_kib + 1023) / 1024 : fv ? fv->mem_mib : 0;
    s.n = n;
    s.running = c.running;
    /* restarts: counters that went backwards, and new processes (a new domain id) */
    s.resets = kc_stats_rates(c.pts[C_CPU], n, KC_STATS_MUL_CPU_BP, max_gap_ns,
                              metric[KC_METRIC_CPU]) + c.restarts;
    kc_stats_rates(c.pts[C_DELAY], n, KC_STATS_MUL_CPU_BP, max_gap_ns, metric[KC_METRIC_STEAL]);
    kc_stats_rates(c.pts[C_NET], n, KC_STATS_MUL_KBPS, max_gap_ns, metric[KC_METRIC_NET]);
    kc_stats_rates(c.pts[C_IOPS], n, KC_STATS_MUL_MILLI_PER_S, max_gap_ns,
                   metric[KC_METRIC_IOPS]);
    kc_stats_rates(c.pts[C_DISK], n, KC_STATS_MUL_KB_PER_S, max_gap_ns, metric[KC_METRIC_DISK]);
    for (int m = 0; m < KC_METRIC_LAST; m++)
        s.v[m] = metric[m];
    kc_stats_derive(&s);
    if (check_bounds(path, slots, &s, err) < 0)
        goto out;
    kc_stats_vm(&s, p_bp, scratch, &out->st);
    kc_strlcpy(out->uuid, sv->uuid, sizeof(out->uuid));
    out->last_state = c.last_state;
    out->off = c.running == 0;
    out->gone = c.last_slot + 1 < n;
    if (!out->off) {
        h->alloc_vcpus += s.vcpus;
        h->alloc_mem_mib += s.mem_mib;
    }
    for (int m = 0; m < KC_METRIC_LAST; m++)
        kc_stats_add(acc[m], metric[m], n);
    ret = 0;
 out:
    for (int i = 0; i < C_LAST; i++)
        free(c.pts[i]);
    free(c.dom_id);
    for (int m = 0; m < KC_METRIC_LAST; m++)
        free(metric[m]);
    return ret;
}

/* The host's own series: CPU busy from its counters, memory in use, KSM savings. */
static void host_series(kc_demand_host *h, const kc_store_slot *sl, size_t n,
                        uint64_t max_gap_ns, uint32_t p_bp, uint64_t *scratch)
{
    kc_stats_point *pts = kc_xcalloc(n ? n : 1, sizeof(*pts));
    uint64_t *v = kc_xcalloc(n ? n : 1, sizeof(*v));

    for (size_t k = 0; k < n; k++) {
        pts[k].t_ns = sl[k].mono_ns;
        pts[k].value = sl[k].cpu_busy_ns;
        pts[k].fresh = k == 0 || sl[k].fresh || sl[k].run_id != sl[k - 1].run_id;
    }
    kc_stats_rates(pts, n, KC_STATS_MUL_CPU_BP, max_gap_ns, v);
    kc_stats_summarize(v, n, p_bp, scratch, &h->node_cpu);
    for (size_t k = 0; k < n; k++) {
        const kc_store_slot *s = &sl[k];
        uint64_t other = sum2(sum2(s->mem_free_kib, s->mem_buffers_kib), s->mem_cached_kib);

        v[k] = s->mem_total_kib != KC_SAMPLE_NONE && s->mem_free_kib != KC_SAMPLE_NONE &&
               other <= s->mem_total_kib ? s->mem_total_kib - other : KC_STATS_NONE;
    }
    kc_stats_summarize(v, n, p_bp, scratch, &h->mem_used_kib);
    for (size_t k = 0; k < n; k++) {
        const kc_store_slot *s = &sl[k];

        v[k] = s->ksm_pages_sharing != KC_SAMPLE_NONE && s->page_kib != KC_SAMPLE_NONE &&
               s->ksm_pages_sharing <= UINT64_MAX / 2 / (s->page_kib + 1)
               ? s->ksm_pages_sharing * s->page_kib : KC_STATS_NONE;
    }
    kc_stats_summarize(v, n, p_bp, scratch, &h->ksm_saved_kib);
    free(pts);
    free(v);
}

int kc_demand_load(const char *path, const kc_demand_opts *o, kc_demand_host *h, kc_error *err)
{
    kc_store *st = kc_store_open(path, false, err);
    kc_store_host sh;
    kc_store_slot *slots = NULL;
    kc_store_vm *vms = NULL;
    size_t n = 0, nv = 0;
    uint64_t *acc[KC_METRIC_LAST] = { 0 }, *scratch = NULL, max_gap_ns = 0;
    char *facts = NULL;
    int ret = -1;

    memset(h, 0, sizeof(*h));
    if (!st)
        return -1;
    if (pick_host(st, path, o->hostname, &sh, err) < 0 ||
        kc_store_slots(st, sh.id, o->since_ns, o->until_ns, &slots, &n, err) < 0 ||
        kc_store_vms(st, sh.id, &vms, &nv, err) < 0 ||
        kc_store_counts(st, sh.id, o->since_ns, o->until_ns, &h->runs, &h->gaps, err) < 0)
        goto out;
    kc_strlcpy(h->uri, sh.uri, sizeof(h->uri));
    kc_strlcpy(h->hostname, sh.hostname, sizeof(h->hostname));
    if ((facts = kc_store_facts_json(st, sh.id, err))) {
        char origin[300];

        snprintf(origin, sizeof(origin), "%.200s: facts", path);
        h->facts = kc_facts_new();
        if (kc_facts_from_json(facts, origin, h->facts, err) < 0)
            goto out;
    } else if (err->code != KC_ERR_NONE) {
        goto out;
    }
    h->samples = n;
    /* the earliest and the latest stamp: the wall clock may have stepped back mid-window
     * (the first sample is then not the earliest, and last - first would wrap) */
    for (size_t k = 0; k < n; k++) {
        if (k == 0 || slots[k].wall_ns < h->first_wall_ns)
            h->first_wall_ns = slots[k].wall_ns;
        if (k == 0 || slots[k].wall_ns > h->last_wall_ns)
            h->last_wall_ns = slots[k].wall_ns;
    }
    /* a rate may span a slow sample, not a gap: three intervals at most */
    for (size_t k = 0; k < n; k++)
        if ((uint64_t)slots[k].interval_ms * 3000000ull > max_gap_ns)
            max_gap_ns = (uint64_t)slots[k].interval_ms * 3000000ull;
    scratch = kc_xcalloc(n ? n : 1, sizeof(*scratch));
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        acc[m] = kc_xcalloc(n ? n : 1, sizeof(uint64_t));
        kc_stats_fill_none(acc[m], n);
    }
    h->vms = kc_xcalloc(nv ? nv : 1, sizeof(*h->vms));
    for (size_t i = 0; i < nv; i++) {
        int r = load_vm(path, st, &vms[i], slots, n, max_gap_ns, o->p_bp, h, acc, scratch,
                        &h->vms[h->n_vms], err);

        if (r < 0)
            goto out;
        if (r == 0)
            h->n_vms++;
    }
    for (int m = 0; m < KC_METRIC_LAST; m++)
        for (size_t k = 0; k < n; k++)
            if (acc[m][k] == KC_STATS_NONE - 1) {
                /* the sum at a sample saturated: bounded VMs, but too many of them */
                kc_error_set(err, KC_ERR_INVALID, "'%s': the host's %s at sample %lld is "
                             "beyond any host (a damaged recording)", path,
                             kc_metric_name((kc_metric)m), (long long)slots[k].sample_id);
                goto out;
            }
    for (int m = 0; m < KC_METRIC_LAST; m++)
        kc_stats_summarize(acc[m], n, o->p_bp, scratch, &h->m[m]);
    host_series(h, slots, n, max_gap_ns, o->p_bp, scratch);
    if (o->keep_series) {
        /* each sample's own wall clock (the store keeps it beside the monotonic one) */
        h->slot_wall_ns = kc_xcalloc(n ? n : 1, sizeof(*h->slot_wall_ns));
        for (size_t k = 0; k < n; k++)
            h->slot_wall_ns[k] = slots[k].wall_ns;
        for (int m = 0; m < KC_METRIC_LAST; m++) {
            h->series[m] = acc[m];
            acc[m] = NULL;
        }
    }
    ret = 0;
 out:
    for (int m = 0; m < KC_METRIC_LAST; m++)
        free(acc[m]);
    free(scratch);
    free(facts);
    free(slots);
    free(vms);
    kc_store_close(st, NULL);
    if (ret < 0)
        kc_demand_host_clear(h);
    return ret;
}

void kc_demand_host_clear(kc_demand_host *h)
{
    if (!h)
        return;
    kc_facts_free(h->facts);
    free(h->vms);
    free(h->slot_wall_ns);
    for (int m = 0; m < KC_METRIC_LAST; m++)
        free(h->series[m]);
    memset(h, 0, sizeof(*h));
}

void kc_demand_advise(const kc_demand_host *h, uint32_t margin_bp, uint64_t reserve_mib,
                      kc_demand_advice *out)
{
    const kc_stats_summary *cpu = &h->m[KC_METRIC_CPU_DEMAND], *rss = &h->m[KC_METRIC_RSS];
    uint64_t keep = KC_BP_ONE - (margin_bp > KC_BP_ONE ? KC_BP_ONE : margin_bp);

    memset(out, 0, sizeof(*out));
    out->margin_bp = margin_bp;
    if (!h->facts || !h->alloc_vcpus || !h->alloc_mem_mib || cpu->count == 0 ||
        rss->count == 0 || cpu->max == 0 || rss->max == 0 || h->facts->mem_mib <= reserve_mib)
        return;
    /* peak use per allocated vCPU is cpu.max / alloc_vcpus cores; the host's CPUs with the
     * margin hold cpus * keep of it: ratio = cpus * keep * alloc / (cpus * peak) */
    out->cpu_ratio_milli = (uint64_t)((kc_u128)h->alloc_vcpus * keep * KC_MILLI_ONE /
                                      cpu->max);    /* cpu.max in bp: keep/bp cancel */
    /* peak resident memory per allocated MiB is rss.max / (alloc * 1024); the usable memory
     * may then be handed out (keep / that) times: overcommit = keep/share - 100 % */
    {
        kc_u128 hand = (kc_u128)h->alloc_mem_mib * 1024 * keep / rss->max;   /* in bp */

        out->overcommit_bp = hand > KC_BP_ONE ? (uint64_t)(hand - KC_BP_ONE) : 0;
    }
    out->known = true;
}
