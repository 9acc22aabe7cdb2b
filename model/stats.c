/* SPDX-License-Identifier: MIT */
/* stats.c: counter rates across resets and gaps, nearest-rank percentiles, sums per slot. */
#include <stdlib.h>
#include <string.h>

#include "stats.h"

size_t kc_stats_rates(const kc_stats_point *pts, size_t n, uint64_t mul, uint64_t max_gap_ns,
                      uint64_t *out)
{
    size_t resets = 0;

    for (size_t i = 0; i < n; i++) {
        const kc_stats_point *a, *b = &pts[i];
        uint64_t dt;
        kc_u128 r;

        out[i] = KC_STATS_NONE;
        if (i == 0 || b->fresh || b->value == KC_STATS_NONE)
            continue;
        a = &pts[i - 1];
        if (a->value == KC_STATS_NONE)
            continue;
        if (b->value < a->value) {
            /* the counter went backwards: the VM restarted (a new QEMU process), so the
             * reading starts a new series; the interval has no rate */
            resets++;
            continue;
        }
        if (b->t_ns <= a->t_ns)
            continue;
        dt = b->t_ns - a->t_ns;
        if (max_gap_ns && dt > max_gap_ns)
            continue;
        r = (kc_u128)(b->value - a->value) * mul / dt;
        out[i] = r >= KC_STATS_NONE ? KC_STATS_NONE - 1 : (uint64_t)r;
    }
    return resets;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

/* Sort @n values ascending: an LSD radix sort by bytes (passes where every value has the same
 * byte are skipped), insertion sort for short arrays, qsort if no scratch memory. A week of
 * one VM at 20 s is 30240 values per metric: this is the cost of a demand report. */
static void sort_u64(uint64_t *v, size_t n)
{
    uint64_t *tmp, *src = v, *dst;
    size_t count[256];

    if (n < 64) {
        for (size_t i = 1; i < n; i++) {
            uint64_t x = v[i];
            size_t j = i;

            for (; j > 0 && v[j - 1] > x; j--)
                v[j] = v[j - 1];
            v[j] = x;
        }
        return;
    }
    if (!(tmp = malloc(n * sizeof(*tmp)))) {
        qsort(v, n, sizeof(*v), cmp_u64);
        return;
    }
    dst = tmp;
    for (unsigned shift = 0; shift < 64; shift += 8) {
        size_t pos = 0;
        bool one_bucket = false;

        memset(count, 0, sizeof(count));
        for (size_t i = 0; i < n; i++)
            count[(src[i] >> shift) & 0xff]++;
        for (size_t b = 0; b < 256; b++)
            if (count[b] == n)
                one_bucket = true;
        if (one_bucket)
            continue;
        for (size_t b = 0; b < 256; b++) {
            size_t c = count[b];

            count[b] = pos;
            pos += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(src[i] >> shift) & 0xff]++] = src[i];
        {
            uint64_t *t = src;

            src = dst;
            dst = t;
        }
    }
    if (src != v)
        memcpy(v, src, n * sizeof(*v));
    free(tmp);
}

/* Move the values that are present to the front; returns how many. */
static size_t compact(uint64_t *values, size_t n)
{
    size_t m = 0;

    for (size_t i = 0; i < n; i++)
        if (values[i] != KC_STATS_NONE)
            values[m++] = values[i];
    for (size_t i = m; i < n; i++)
        values[i] = KC_STATS_NONE;
    return m;
}

/* Rank of the nearest-rank percentile among @m sorted values (0-based index). */
static size_t rank_of(size_t m, uint32_t p_bp)
{
    kc_u128 r;

    if (p_bp > KC_BP_ONE)
        p_bp = KC_BP_ONE;
    r = ((kc_u128)p_bp * m + KC_BP_ONE - 1) / KC_BP_ONE;   /* ceil(p * m) */
    return r == 0 ? 0 : (size_t)r - 1;
}

uint64_t kc_stats_percentile(uint64_t *values, size_t n, uint32_t p_bp)
{
    size_t m = compact(values, n);

    if (m == 0)
        return KC_STATS_NONE;
    sort_u64(values, m);
    return values[rank_of(m, p_bp)];
}

void kc_stats_summarize(const uint64_t *values, size_t n, uint32_t p_bp, uint64_t *scratch,
                        kc_stats_summary *out)
{
    kc_u128 sum = 0;
    size_t m;

    out->count = 0;
    out->min = out->p50 = out->pct = out->max = out->mean = KC_STATS_NONE;
    if (n)
        memcpy(scratch, values, n * sizeof(*values));
    m = compact(scratch, n);
    if (m == 0)
        return;
    sort_u64(scratch, m);
    for (size_t i = 0; i < m; i++)
        sum += scratch[i];
    out->count = m;
    out->min = scratch[0];
    out->max = scratch[m - 1];
    out->p50 = scratch[rank_of(m, KC_BP_ONE / 2)];
    out->pct = scratch[rank_of(m, p_bp)];
    out->mean = (uint64_t)(sum / m);   /* a mean of u64 values fits in u64 */
}

void kc_stats_fill_none(uint64_t *values, size_t n)
{
    for (size_t i = 0; i < n; i++)
        values[i] = KC_STATS_NONE;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
    return a > KC_STATS_NONE - 1 - b ? KC_STATS_NONE - 1 : a + b;
}

void kc_stats_add(uint64_t *acc, const uint64_t *series, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (series[i] == KC_STATS_NONE)
            continue;
        acc[i] = add_sat(acc[i] == KC_STATS_NONE ? 0 : acc[i], series[i]);
    }
}

const char *kc_metric_name(kc_metric m)
{
    static const char *const names[KC_METRIC_LAST] = {
        "cpu", "steal", "cpu_demand", "steal_share", "rss", "guest_used", "net", "iops", "disk",
    };

    return m < KC_METRIC_LAST ? names[m] : "?";
}

void kc_stats_derive(kc_vm_series *s)
{
    uint64_t *cpu = s->v[KC_METRIC_CPU], *steal = s->v[KC_METRIC_STEAL];
    uint64_t *dem = s->v[KC_METRIC_CPU_DEMAND], *share = s->v[KC_METRIC_STEAL_SHARE];

    for (size_t i = 0; i < s->n; i++) {
        bool has_steal = steal && steal[i] != KC_STATS_NONE;

        if (dem)
            dem[i] = cpu && cpu[i] != KC_STATS_NONE
                         ? add_sat(cpu[i], has_steal ? steal[i] : 0) : KC_STATS_NONE;
        if (share)
            share[i] = has_steal && s->vcpus ? steal[i] / s->vcpus : KC_STATS_NONE;
    }
}

void kc_stats_vm(const kc_vm_series *s, uint32_t p_bp, uint64_t *scratch, kc_vm_stats *out)
{
    memset(out, 0, sizeof(*out));
    memcpy(out->name, s->name, sizeof(out->name));
    out->vcpus = s->vcpus;
    out->mem_mib = s->mem_mib;
    out->slots = s->n;
    out->running = s->running;
    out->resets = s->resets;
    for (int m = 0; m < KC_METRIC_LAST; m++) {
        if (s->v[m])
            kc_stats_summarize(s->v[m], s->n, p_bp, scratch, &out->m[m]);
        else
            kc_stats_summarize(NULL, 0, p_bp, scratch, &out->m[m]);
    }
}

void kc_rightsize_opts_init(kc_rightsize_opts *o)
{
    o->target_bp = 8000;
    o->headroom_bp = 2000;
    o->mem_floor_mib = 256;
    o->idle_cpu_bp = 500;
    o->undersized_bp = 9000;
    o->steal_bp = 1000;
}

/* Whether a metric saw no activity at all (absent counts as none). */
static bool quiet_metric(const kc_stats_summary *s)
{
    return s->count == 0 || s->max == 0;
}

void kc_rightsize_vm(const kc_vm_stats *vm, const kc_rightsize_opts *o, kc_vm_rightsize *out)
{
    const kc_stats_summary *cpu = &vm->m[KC_METRIC_CPU_DEMAND];
    const kc_stats_summary *steal = &vm->m[KC_METRIC_STEAL_SHARE];
    const kc_stats_summary *guest = &vm->m[KC_METRIC_GUEST_USED], *rss = &vm->m[KC_METRIC_RSS];
    uint64_t p95 = cpu->count ? cpu->pct : 0, base_kib;
    uint32_t target = o->target_bp ? o->target_bp : 8000;
    kc_u128 need, mem;

    memset(out, 0, sizeof(*out));
    out->vcpus = vm->vcpus;
    out->mem_mib = vm->mem_mib;
    if (vm->running == 0) {
        out->flags = KC_RIGHTSIZE_OFF;
        out->reclaim_vcpus = vm->vcpus;
        out->reclaim_mem_mib = vm->mem_mib;
        return;
    }
    /* without CPU figures (the driver gave none) the vCPUs stay as they are */
    if (cpu->count) {
        need = ((kc_u128)p95 + target - 1) / target;
        out->vcpus = need < 1 ? 1 : need > UINT32_MAX ? UINT32_MAX : (uint32_t)need;
    }
    base_kib = guest->count ? guest->max : rss->count ? rss->max : 0;
    if (base_kib) {
        mem = ((kc_u128)base_kib * (KC_BP_ONE + o->headroom_bp) + (kc_u128)KC_BP_ONE * 1024 - 1) /
              ((kc_u128)KC_BP_ONE * 1024);
        mem = (mem + 63) / 64 * 64;
        out->mem_mib = mem < o->mem_floor_mib ? o->mem_floor_mib
                       : mem > UINT64_MAX / 2 ? UINT64_MAX / 2 : (uint64_t)mem;
    }
    if (cpu->count && p95 < o->idle_cpu_bp && quiet_metric(&vm->m[KC_METRIC_NET]) &&
        quiet_metric(&vm->m[KC_METRIC_IOPS]) && quiet_metric(&vm->m[KC_METRIC_DISK]))
        out->flags |= KC_RIGHTSIZE_IDLE;
    /* p95 is in bp of one core: all vCPUs busy is vcpus * 10000 */
    if ((vm->vcpus && (kc_u128)p95 >= (kc_u128)o->undersized_bp * vm->vcpus) ||
        (steal->count && steal->pct > o->steal_bp))
        out->flags |= KC_RIGHTSIZE_UNDERSIZED;
    if (!(out->flags & KC_RIGHTSIZE_UNDERSIZED) &&
        (out->vcpus < vm->vcpus || (vm->mem_mib && out->mem_mib < vm->mem_mib)))
        out->flags |= KC_RIGHTSIZE_OVERSIZED;
    out->reclaim_vcpus = out->vcpus < vm->vcpus ? vm->vcpus - out->vcpus : 0;
    out->reclaim_mem_mib = out->mem_mib < vm->mem_mib ? vm->mem_mib - out->mem_mib : 0;
}
