/* SPDX-License-Identifier: MIT */
/* report_demand.c: the demand and rightsize reports in text, JSON and CSV. Figures are exact
 * integers underneath (stats.h units); they are turned into cores, Mbit/s, ... here only. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/report_demand.h"
#include "util/fmt.h"
#include "util/json_out.h"
#include "util/util.h"

#ifndef KC_VERSION
#define KC_VERSION "0.1.0"
#endif

#define NONE KC_STATS_NONE

/* "p95", "p99.9" */
static void pct_label(char *buf, size_t size, uint32_t p_bp)
{
    if (p_bp % 100 == 0)
        snprintf(buf, size, "p%u", p_bp / 100);
    else if (p_bp % 10 == 0)
        snprintf(buf, size, "p%u.%u", p_bp / 100, p_bp / 10 % 10);
    else
        snprintf(buf, size, "p%u.%02u", p_bp / 100, p_bp % 100);
}

static void iso(char *buf, size_t size, uint64_t ns)
{
    time_t t = (time_t)(ns / 1000000000ull);
    struct tm tm;

    if (!gmtime_r(&t, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
        snprintf(buf, size, "?");
}

static uint64_t kib_to_mib_up(uint64_t kib)
{
    return kib == NONE ? NONE : kib / 1024 + (kib % 1024 != 0);
}

/* ---- what each column shows: value in display units, or NONE ---- */

typedef enum unit { U_CORES, U_PCT, U_MIB, U_THOUSANDTHS } unit;

static double shown(uint64_t v, unit u)
{
    switch (u) {
    case U_CORES: return (double)v / 10000.0;
    case U_PCT: return (double)v / 100.0;
    case U_MIB: return (double)kib_to_mib_up(v);
    case U_THOUSANDTHS: return (double)v / 1000.0;
    }
    return 0;
}

static void add_num(cJSON *o, const char *key, uint64_t v, unit u)
{
    if (v == NONE)
        kc_json_must(cJSON_AddNullToObject(o, key));
    else if (u == U_MIB)
        kc_json_add_u64(o, key, kib_to_mib_up(v));
    else
        kc_json_must(cJSON_AddNumberToObject(o, key, shown(v, u)));
}

/* A metric's columns: NAME_p50 (optional), NAME_pNN, NAME_max. */
static void add_metric(cJSON *o, const char *name, const kc_stats_summary *s, unit u,
                       const char *pl, bool p50)
{
    char key[64];

    if (p50) {
        snprintf(key, sizeof(key), "%s_p50", name);
        add_num(o, key, s->p50, u);
    }
    snprintf(key, sizeof(key), "%s_%s", name, pl);
    add_num(o, key, s->pct, u);
    snprintf(key, sizeof(key), "%s_max", name);
    add_num(o, key, s->max, u);
}

static const char *state_name(kc_dom_state s)
{
    static const char *const names[KC_DOM_STATE_LAST] = {
        "nostate", "running", "blocked", "paused", "shutdown", "off", "crashed", "pmsuspended",
    };

    return s < KC_DOM_STATE_LAST ? names[s] : "?";
}

static const char *vm_state(const kc_demand_vm *v)
{
    return v->off ? "off" : v->gone ? "gone" : state_name(v->last_state);
}

static void add_metrics(cJSON *o, const kc_stats_summary *m, const char *pl)
{
    add_metric(o, "cpu_cores", &m[KC_METRIC_CPU], U_CORES, pl, true);
    add_metric(o, "cpu_demand_cores", &m[KC_METRIC_CPU_DEMAND], U_CORES, pl, false);
    add_metric(o, "steal_cores", &m[KC_METRIC_STEAL], U_CORES, pl, false);
    add_metric(o, "mem_rss_mib", &m[KC_METRIC_RSS], U_MIB, pl, false);
    add_metric(o, "mem_guest_used_mib", &m[KC_METRIC_GUEST_USED], U_MIB, pl, false);
    add_metric(o, "net_mbps", &m[KC_METRIC_NET], U_THOUSANDTHS, pl, false);
    add_metric(o, "iops", &m[KC_METRIC_IOPS], U_THOUSANDTHS, pl, false);
    add_metric(o, "disk_mbps", &m[KC_METRIC_DISK], U_THOUSANDTHS, pl, false);
}

static cJSON *vm_json(const kc_demand_vm *v, const char *pl)
{
    cJSON *o = kc_json_must(cJSON_CreateObject());

    kc_json_must(cJSON_AddStringToObject(o, "name", v->st.name));
    kc_json_must(cJSON_AddStringToObject(o, "uuid", v->uuid));
    kc_json_must(cJSON_AddStringToObject(o, "state", vm_state(v)));
    kc_json_add_u64(o, "vcpus", v->st.vcpus);
    kc_json_add_u64(o, "mem_mib", v->st.mem_mib);
    kc_json_add_u64(o, "samples", v->st.running);
    kc_json_add_u64(o, "resets", v->st.resets);
    add_metrics(o, v->st.m, pl);
    add_num(o, "cpu_cores_mean", v->st.m[KC_METRIC_CPU].mean, U_CORES);
    add_metric(o, "steal_pct", &v->st.m[KC_METRIC_STEAL_SHARE], U_PCT, pl, false);
    return o;
}

static cJSON *report_root(const char *kind, const kc_demand_host *h, const kc_demand_meta *meta)
{
    cJSON *root = kc_json_must(cJSON_CreateObject()), *d, *w;
    char from[40], to[40];

    kc_json_must(cJSON_AddStringToObject(root, "kvmcap", KC_VERSION));
    kc_json_must(cJSON_AddStringToObject(root, "report", kind));
    kc_json_must(cJSON_AddStringToObject(root, "file", meta->file));
    d = kc_json_add_obj(root, "demand");
    w = kc_json_add_obj(d, "window");
    iso(from, sizeof(from), h->first_wall_ns);
    iso(to, sizeof(to), h->last_wall_ns);
    if (h->samples) {
        kc_json_must(cJSON_AddStringToObject(w, "from", from));
        kc_json_must(cJSON_AddStringToObject(w, "to", to));
    } else {
        kc_json_must(cJSON_AddNullToObject(w, "from"));
        kc_json_must(cJSON_AddNullToObject(w, "to"));
    }
    kc_json_add_u64(w, "seconds", (h->last_wall_ns - h->first_wall_ns) / 1000000000ull);
    kc_json_must(cJSON_AddNumberToObject(d, "percentile", (double)meta->p_bp / 100.0));
    kc_json_must(cJSON_AddStringToObject(d, "percentile_method", "nearest-rank"));
    kc_json_add_u64(d, "samples", h->samples);
    kc_json_add_u64(d, "runs", h->runs);
    kc_json_add_u64(d, "gaps", h->gaps);
    return root;
}

static void host_json_common(cJSON *host, const kc_demand_host *h)
{
    size_t running = 0;

    kc_json_must(cJSON_AddStringToObject(host, "uri", h->uri));
    kc_json_must(cJSON_AddStringToObject(host, "hostname", h->hostname));
    if (h->facts) {
        kc_json_add_u64(host, "cpus", h->facts->cpus);
        kc_json_add_u64(host, "mem_mib", h->facts->mem_mib);
    } else {
        kc_json_must(cJSON_AddNullToObject(host, "cpus"));
        kc_json_must(cJSON_AddNullToObject(host, "mem_mib"));
    }
    for (size_t i = 0; i < h->n_vms; i++)
        running += !h->vms[i].off;
    kc_json_add_u64(host, "vms", h->n_vms);
    kc_json_add_u64(host, "vms_running", running);
    kc_json_add_u64(host, "alloc_vcpus", h->alloc_vcpus);
    kc_json_add_u64(host, "alloc_mem_mib", h->alloc_mem_mib);
    if (h->mem_standin)
        kc_json_must(cJSON_AddStringToObject(host, "mem_rss_standin", h->mem_standin));
}

char *kc_report_demand_json(const kc_demand_host *h, const kc_demand_meta *meta)
{
    cJSON *root = report_root("demand", h, meta), *host, *vms, *adv;
    char pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    host = kc_json_add_obj(root, "host");
    host_json_common(host, h);
    add_metrics(host, h->m, pl);
    add_metric(host, "node_cpu_cores", &h->node_cpu, U_CORES, pl, false);
    add_metric(host, "mem_used_mib", &h->mem_used_kib, U_MIB, pl, false);
    add_metric(host, "ksm_saved_mib", &h->ksm_saved_kib, U_MIB, pl, false);
    if (meta->advice && meta->advice->known) {
        adv = kc_json_add_obj(host, "advice");
        kc_json_must(cJSON_AddNumberToObject(adv, "margin_pct",
                                             (double)meta->advice->margin_bp / 100.0));
        kc_json_must(cJSON_AddNumberToObject(adv, "cpu_ratio",
                                             (double)meta->advice->cpu_ratio_milli / 1000.0));
        kc_json_must(cJSON_AddNumberToObject(adv, "overcommit_pct",
                                             (double)meta->advice->overcommit_bp / 100.0));
    } else {
        kc_json_must(cJSON_AddNullToObject(host, "advice"));
    }
    vms = kc_json_add_arr(root, "vms");
    for (size_t i = 0; i < h->n_vms; i++)
        cJSON_AddItemToArray(vms, vm_json(&h->vms[i], pl));
    return kc_json_print(root);
}

/* ---- text ---- */

static void cell(FILE *out, int width, uint64_t v, unit u, int decimals)
{
    if (v == NONE)
        fprintf(out, " %*s", width, "-");
    else if (u == U_MIB)
        fprintf(out, " %*llu", width, (unsigned long long)kib_to_mib_up(v));
    else
        fprintf(out, " %*.*f", width, decimals, shown(v, u));
}

static void head_lines(FILE *out, const char *cmd, const kc_demand_host *h,
                       const kc_demand_meta *meta)
{
    char from[40], to[40], pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    iso(from, sizeof(from), h->first_wall_ns);
    iso(to, sizeof(to), h->last_wall_ns);
    fprintf(out, "%s of '%s' (%s) from %s\n", cmd, kc_term_str(h->hostname),
            kc_term_str(h->uri), kc_term_str(meta->file));
    if (h->samples)
        fprintf(out, "window: %s .. %s (%llu s), %zu sample%s, %zu run%s, %zu gap%s\n", from,
                to, (unsigned long long)((h->last_wall_ns - h->first_wall_ns) / 1000000000ull),
                h->samples, kc_s(h->samples), h->runs, kc_s(h->runs), h->gaps, kc_s(h->gaps));
    else
        fprintf(out, "window: no samples\n");
    if (h->facts)
        fprintf(out, "host: %u CPUs, %llu MiB; percentile %s (nearest rank)\n", h->facts->cpus,
                (unsigned long long)h->facts->mem_mib, pl);
    else
        fprintf(out, "host: size unknown (no facts recorded); percentile %s (nearest rank)\n",
                pl);
}

void kc_report_demand_text(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta)
{
    char pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    head_lines(out, "demand", h, meta);
    fprintf(out, "\n%-21s %-7s %5s %8s  %-22s %6s %8s %8s %8s %8s\n", "", "", "", "",
            "CPU cores", "steal", "RSS MiB", "net", "IOPS", "disk");
    fprintf(out, "%-21s %-7s %5s %8s %7s %7s %7s %6s %8s %8s %8s %8s\n", "VM", "state", "vCPUs",
            "mem MiB", "p50", pl, "max", pl, "max", "Mbit/s", pl, "MB/s");
    for (size_t i = 0; i < h->n_vms; i++) {
        const kc_demand_vm *v = &h->vms[i];
        const kc_stats_summary *m = v->st.m;

        fprintf(out, "%-21s %-7s %5u %8llu", kc_term_str(v->st.name),
                vm_state(v), v->st.vcpus,
                (unsigned long long)v->st.mem_mib);
        cell(out, 7, m[KC_METRIC_CPU].p50, U_CORES, 2);
        cell(out, 7, m[KC_METRIC_CPU].pct, U_CORES, 2);
        cell(out, 7, m[KC_METRIC_CPU].max, U_CORES, 2);
        if (m[KC_METRIC_STEAL_SHARE].pct == NONE)
            fprintf(out, " %6s", "-");
        else
            fprintf(out, " %5.1f%%", shown(m[KC_METRIC_STEAL_SHARE].pct, U_PCT));
        cell(out, 8, m[KC_METRIC_RSS].max, U_MIB, 0);
        cell(out, 8, m[KC_METRIC_NET].pct, U_THOUSANDTHS, 2);
        cell(out, 8, m[KC_METRIC_IOPS].pct, U_THOUSANDTHS, 1);
        cell(out, 8, m[KC_METRIC_DISK].pct, U_THOUSANDTHS, 2);
        fputc('\n', out);
    }
    fprintf(out, "%-29s %5llu %8llu", "host (sum at each sample)",
            (unsigned long long)h->alloc_vcpus, (unsigned long long)h->alloc_mem_mib);
    cell(out, 7, h->m[KC_METRIC_CPU].p50, U_CORES, 2);
    cell(out, 7, h->m[KC_METRIC_CPU].pct, U_CORES, 2);
    cell(out, 7, h->m[KC_METRIC_CPU].max, U_CORES, 2);
    fprintf(out, " %6s", "");
    cell(out, 8, h->m[KC_METRIC_RSS].max, U_MIB, 0);
    cell(out, 8, h->m[KC_METRIC_NET].pct, U_THOUSANDTHS, 2);
    cell(out, 8, h->m[KC_METRIC_IOPS].pct, U_THOUSANDTHS, 1);
    cell(out, 8, h->m[KC_METRIC_DISK].pct, U_THOUSANDTHS, 2);
    fputc('\n', out);
    fprintf(out, "\nCPU demand (with steal) %s: %.2f cores of the VMs", pl,
            h->m[KC_METRIC_CPU_DEMAND].pct == NONE ? 0.0
            : shown(h->m[KC_METRIC_CPU_DEMAND].pct, U_CORES));
    if (h->node_cpu.count)
        fprintf(out, ", %.2f cores of the whole host", shown(h->node_cpu.pct, U_CORES));
    fputc('\n', out);
    if (h->mem_standin)
        fprintf(out, "RSS MiB: %s\n", h->mem_standin);
    if (h->mem_used_kib.count)
        fprintf(out, "host memory in use: %llu MiB at most\n",
                (unsigned long long)kib_to_mib_up(h->mem_used_kib.max));
    if (h->ksm_saved_kib.count)
        fprintf(out, "KSM: %llu MiB shared at most\n",
                (unsigned long long)kib_to_mib_up(h->ksm_saved_kib.max));
    if (meta->advice && meta->advice->known) {
        /* the largest safe settings: rounded down, never up past what is safe (util/fmt.h) */
        char margin[32], ratio[32], oc[32];

        fprintf(out, "advice: at its peak this host's use would still fit with a %s %% "
                "margin up to cpu ratio %s and memory overcommit %s %%\n",
                kc_fmt_frac(margin, sizeof(margin), meta->advice->margin_bp, 100, 2,
                            KC_ROUND_NEAREST),
                kc_fmt_fixed(ratio, sizeof(ratio), meta->advice->cpu_ratio_milli, 1000, 2,
                             KC_ROUND_DOWN),
                kc_fmt_frac(oc, sizeof(oc), meta->advice->overcommit_bp, 100, 0,
                            KC_ROUND_DOWN));
    }
}

/* ---- CSV ---- */

static void csv_cell(FILE *out, uint64_t v, unit u)
{
    if (v == NONE)
        fputs(",", out);
    else if (u == U_MIB)
        fprintf(out, ",%llu", (unsigned long long)kib_to_mib_up(v));
    else
        fprintf(out, ",%g", shown(v, u));
}

/* A CSV field: quoted when it holds a comma, quote or line break; quotes doubled. */
static void csv_text(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\r\n")) {
        kc_term_fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        if ((unsigned char)*s >= 0x20 && *s != 0x7f)
            fputc(*s, out);
    }
    fputc('"', out);
}

/* the "host" column of a report of several hosts */
static void host_cell(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta)
{
    if (!meta->csv_host_column)
        return;
    csv_text(out, h->hostname);
    fputc(',', out);
}

static void csv_metrics(FILE *out, const kc_stats_summary *m)
{
    csv_cell(out, m[KC_METRIC_CPU].p50, U_CORES);
    csv_cell(out, m[KC_METRIC_CPU].pct, U_CORES);
    csv_cell(out, m[KC_METRIC_CPU].max, U_CORES);
    csv_cell(out, m[KC_METRIC_CPU_DEMAND].pct, U_CORES);
    csv_cell(out, m[KC_METRIC_STEAL_SHARE].pct, U_PCT);
    csv_cell(out, m[KC_METRIC_RSS].max, U_MIB);
    csv_cell(out, m[KC_METRIC_GUEST_USED].max, U_MIB);
    csv_cell(out, m[KC_METRIC_NET].pct, U_THOUSANDTHS);
    csv_cell(out, m[KC_METRIC_IOPS].pct, U_THOUSANDTHS);
    csv_cell(out, m[KC_METRIC_DISK].pct, U_THOUSANDTHS);
}

void kc_report_demand_csv(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta)
{
    char pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    if (meta->csv_host_column && !meta->csv_header)
        goto rows;
    if (meta->csv_host_column)
        fputs("host,", out);
    fprintf(out, "name,state,vcpus,mem_mib,samples,cpu_cores_p50,cpu_cores_%s,cpu_cores_max,"
            "cpu_demand_cores_%s,steal_pct_%s,mem_rss_mib_max,mem_guest_used_mib_max,"
            "net_mbps_%s,iops_%s,disk_mbps_%s\n", pl, pl, pl, pl, pl, pl);
 rows:
    for (size_t i = 0; i < h->n_vms; i++) {
        const kc_demand_vm *v = &h->vms[i];

        host_cell(out, h, meta);
        csv_text(out, v->st.name);
        fprintf(out, ",%s,%u,%llu,%zu", vm_state(v), v->st.vcpus,
                (unsigned long long)v->st.mem_mib, v->st.running);
        csv_metrics(out, v->st.m);
        fputc('\n', out);
    }
    host_cell(out, h, meta);
    fprintf(out, "(host),,%llu,%llu,%zu", (unsigned long long)h->alloc_vcpus,
            (unsigned long long)h->alloc_mem_mib, h->samples);
    csv_metrics(out, h->m);
    fputc('\n', out);
}

/* ---- rightsize ---- */

static void flag_names(char *buf, size_t size, unsigned flags, const char *sep)
{
    static const char *const names[] = { "oversized", "undersized", "idle", "off" };

    buf[0] = '\0';
    for (unsigned b = 0; b < 4; b++)
        if (flags & (1u << b)) {
            if (buf[0])
                strncat(buf, sep, size - strlen(buf) - 1);
            strncat(buf, names[b], size - strlen(buf) - 1);
        }
}

typedef struct totals {
    uint64_t vcpus, mem_mib, off_vms, idle_vms, idle_vcpus, idle_mem_mib;
} totals;

static totals sum_up(const kc_demand_host *h, const kc_vm_rightsize *rs)
{
    totals t = { 0 };

    for (size_t i = 0; i < h->n_vms; i++) {
        t.vcpus += rs[i].reclaim_vcpus;
        t.mem_mib += rs[i].reclaim_mem_mib;
        t.off_vms += (rs[i].flags & KC_RIGHTSIZE_OFF) != 0;
        if (rs[i].flags & KC_RIGHTSIZE_IDLE) {
            t.idle_vms++;
            t.idle_vcpus += h->vms[i].st.vcpus;
            t.idle_mem_mib += h->vms[i].st.mem_mib;
        }
    }
    return t;
}

char *kc_report_rightsize_json(const kc_demand_host *h, const kc_vm_rightsize *rs,
                               const kc_demand_meta *meta)
{
    cJSON *root = report_root("rightsize", h, meta), *vms, *rec;
    totals t = sum_up(h, rs);
    char pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    vms = kc_json_add_arr(root, "vms");
    for (size_t i = 0; i < h->n_vms; i++) {
        const kc_demand_vm *v = &h->vms[i];
        cJSON *o = kc_json_must(cJSON_CreateObject()), *flags;
        char key[32];

        cJSON_AddItemToArray(vms, o);
        kc_json_must(cJSON_AddStringToObject(o, "name", v->st.name));
        kc_json_add_u64(o, "vcpus", v->st.vcpus);
        kc_json_add_u64(o, "mem_mib", v->st.mem_mib);
        snprintf(key, sizeof(key), "cpu_cores_%s", pl);
        add_num(o, key, v->st.m[KC_METRIC_CPU_DEMAND].pct, U_CORES);
        add_num(o, "mem_rss_mib_max", v->st.m[KC_METRIC_RSS].max, U_MIB);
        add_num(o, "mem_guest_used_mib_max", v->st.m[KC_METRIC_GUEST_USED].max, U_MIB);
        kc_json_add_u64(o, "recommended_vcpus", rs[i].vcpus);
        kc_json_add_u64(o, "recommended_mem_mib", rs[i].mem_mib);
        flags = kc_json_add_arr(o, "flags");
        for (unsigned b = 0; b < 4; b++)
            if (rs[i].flags & (1u << b)) {
                static const char *const names[] = { "oversized", "undersized", "idle", "off" };

                cJSON_AddItemToArray(flags, kc_json_must(cJSON_CreateString(names[b])));
            }
    }
    rec = kc_json_add_obj(root, "reclaimable");
    kc_json_add_u64(rec, "vcpus", t.vcpus);
    kc_json_add_u64(rec, "mem_mib", t.mem_mib);
    kc_json_add_u64(rec, "off_vms", t.off_vms);
    kc_json_add_u64(rec, "idle_vms", t.idle_vms);
    kc_json_add_u64(rec, "idle_vcpus", t.idle_vcpus);
    kc_json_add_u64(rec, "idle_mem_mib", t.idle_mem_mib);
    return kc_json_print(root);
}

void kc_report_rightsize_text(FILE *out, const kc_demand_host *h, const kc_vm_rightsize *rs,
                              const kc_demand_meta *meta)
{
    totals t = sum_up(h, rs);
    char pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    head_lines(out, "rightsize", h, meta);
    fprintf(out, "\n%-20s %5s %8s %9s %8s %9s %9s  %s\n", "VM", "vCPUs", "mem MiB", "CPU", "RSS",
            "-> vCPUs", "-> MiB", "flags");
    fprintf(out, "%-20s %5s %8s %9s %8s\n", "", "", "", pl, "max MiB");
    for (size_t i = 0; i < h->n_vms; i++) {
        const kc_demand_vm *v = &h->vms[i];
        char flags[64];

        flag_names(flags, sizeof(flags), rs[i].flags, ", ");
        fprintf(out, "%-20s %5u %8llu", kc_term_str(v->st.name), v->st.vcpus,
                (unsigned long long)v->st.mem_mib);
        cell(out, 9, v->st.m[KC_METRIC_CPU_DEMAND].pct, U_CORES, 2);
        cell(out, 8, v->st.m[KC_METRIC_RSS].max, U_MIB, 0);
        fprintf(out, " %9u %9llu  %s\n", rs[i].vcpus, (unsigned long long)rs[i].mem_mib,
                flags[0] ? flags : "ok");
    }
    fprintf(out, "\nreclaimable: %llu vCPU%s, %llu MiB (%llu VM%s off for the whole window)\n",
            (unsigned long long)t.vcpus, kc_s(t.vcpus), (unsigned long long)t.mem_mib,
            (unsigned long long)t.off_vms, kc_s(t.off_vms));
    if (t.idle_vms)
        fprintf(out, "idle: %llu VM%s holding %llu vCPU%s and %llu MiB\n",
                (unsigned long long)t.idle_vms, kc_s(t.idle_vms),
                (unsigned long long)t.idle_vcpus, kc_s(t.idle_vcpus),
                (unsigned long long)t.idle_mem_mib);
}

void kc_report_rightsize_csv(FILE *out, const kc_demand_host *h, const kc_vm_rightsize *rs,
                             const kc_demand_meta *meta)
{
    if (!meta->csv_host_column || meta->csv_header)
        fprintf(out, "%sname,vcpus,mem_mib,cpu_cores,mem_rss_mib_max,recommended_vcpus,"
                "recommended_mem_mib,flags\n", meta->csv_host_column ? "host," : "");
    for (size_t i = 0; i < h->n_vms; i++) {
        const kc_demand_vm *v = &h->vms[i];
        char flags[64];

        flag_names(flags, sizeof(flags), rs[i].flags, ";");
        host_cell(out, h, meta);
        csv_text(out, v->st.name);
        fprintf(out, ",%u,%llu", v->st.vcpus, (unsigned long long)v->st.mem_mib);
        csv_cell(out, v->st.m[KC_METRIC_CPU_DEMAND].pct, U_CORES);
        csv_cell(out, v->st.m[KC_METRIC_RSS].max, U_MIB);
        fprintf(out, ",%u,%llu,%s\n", rs[i].vcpus, (unsigned long long)rs[i].mem_mib, flags);
    }
}

char *kc_report_demand_hosts_json(const char *kind, const char *url, char **docs, size_t n)
{
    cJSON *root = kc_json_must(cJSON_CreateObject()), *hosts;

    kc_json_must(cJSON_AddStringToObject(root, "kvmcap", KC_VERSION));
    kc_json_must(cJSON_AddStringToObject(root, "report", kind));
    kc_json_must(cJSON_AddStringToObject(root, "source", "prometheus"));
    kc_json_must(cJSON_AddStringToObject(root, "url", url));
    hosts = kc_json_add_arr(root, "hosts");
    for (size_t i = 0; i < n; i++) {
        /* raw: printed as it is, so integers above 2^53 stay exact (a parse would not) */
        cJSON_AddItemToArray(hosts, kc_json_must(cJSON_CreateRaw(docs[i])));
        free(docs[i]);
        docs[i] = NULL;
    }
    return kc_json_print(root);
}

/* ---- kvmcap --demand FILE --vm SPEC ---- */

static cJSON *bottleneck_names(uint32_t mask)
{
    return kc_json_resource_names(mask);
}

static cJSON *model_json(const kc_fit *f, bool with_resources)
{
    cJSON *o = kc_json_must(cJSON_CreateObject()), *res;

    kc_json_add_u64(o, "count", f->count);
    cJSON_AddItemToObject(o, "bottleneck", bottleneck_names(f->bottleneck));
    if (!with_resources)
        return o;
    res = kc_json_add_arr(o, "resources");
    for (int r = 0; r < KC_RES_LAST; r++) {
        const kc_res_fit *rf = &f->res[r];
        cJSON *e;

        if (rf->state == KC_RES_ABSENT || r == KC_RES_CPU)
            continue;
        e = kc_json_must(cJSON_CreateObject());
        cJSON_AddItemToArray(res, e);
        kc_json_must(cJSON_AddStringToObject(e, "name", kc_resource_name((kc_resource)r)));
        kc_json_must(cJSON_AddStringToObject(e, "unit", kc_resource_unit((kc_resource)r)));
        kc_json_add_u64(e, "capacity", rf->capacity);
        kc_json_add_u64(e, "used", rf->used);
        kc_json_add_u64(e, "per_vm", rf->per_vm);
        if (rf->state == KC_RES_BOUNDED)
            kc_json_add_u64(e, "limit", rf->limit);
        else
            kc_json_must(cJSON_AddNullToObject(e, "limit"));
    }
    return o;
}

char *kc_report_fit_demand_json(const kc_fit_report *rep, const kc_demand_plan_row *rows,
                                const kc_demand_host *h, const kc_demand_plan *plan,
                                const kc_demand_meta *meta)
{
    char *alloc = NULL, from[40], to[40];
    size_t alloc_len = 0, i = 0;
    FILE *mem = open_memstream(&alloc, &alloc_len);
    cJSON *root, *shapes, *d, *w, *typ;

    /* the allocation model's report as 'kvmcap fit' writes it, then the models added */
    if (!mem) {
        fputs("kvmcap: out of memory\n", stderr);
        abort();
    }
    kc_report_fit_json(mem, rep);
    if (fclose(mem) != 0 || !alloc) {
        fputs("kvmcap: out of memory\n", stderr);
        abort();
    }
    root = cJSON_Parse(alloc);
    free(alloc);
    kc_json_must(root);
    shapes = cJSON_GetObjectItemCaseSensitive(root, "shapes");
    cJSON_ArrayForEach(w, shapes) {
        const kc_demand_plan_row *r = &rows[i++];
        cJSON *models = kc_json_must(cJSON_CreateObject()), *dm, *per;
        uint32_t bn = (r->by_alloc ? r->alloc.bottleneck : 0) |
                      (r->by_demand ? r->demand.bottleneck : 0);

        cJSON_ReplaceItemInObjectCaseSensitive(w, "count",
                                               kc_json_must(cJSON_CreateNumber((double)r->count)));
        cJSON_ReplaceItemInObjectCaseSensitive(w, "bottleneck", bottleneck_names(bn));
        kc_json_must(cJSON_AddStringToObject(w, "bottleneck_model",
                                             r->by_alloc && r->by_demand ? "both"
                                             : r->by_alloc ? "allocation" : "demand"));
        cJSON_AddItemToObject(w, "models", models);
        cJSON_AddItemToObject(models, "allocation", model_json(&r->alloc, false));
        dm = model_json(&r->demand, true);
        cJSON_AddItemToObject(models, "demand", dm);
        per = kc_json_add_obj(dm, "per_vm");
        kc_json_must(cJSON_AddNumberToObject(per, "cpu_cores",
                                             (double)r->dshape.cpu_util_bp *
                                             r->dshape.vcpus / 10000.0));
        kc_json_must(cJSON_AddStringToObject(per, "cpu_from",
                                             kc_plan_source_name(r->cpu_source)));
        kc_json_add_u64(per, "mem_mib", r->dshape.mem_mib);
        kc_json_must(cJSON_AddStringToObject(per, "mem_from",
                                             kc_plan_source_name(r->mem_source)));
        kc_json_must(cJSON_AddNumberToObject(per, "net_mbps",
                                             (double)r->dshape.net_kbps / 1000.0));
        kc_json_add_u64(per, "iops", r->dshape.iops);
        kc_json_add_u64(per, "mbps", r->dshape.mbps);
    }
    d = kc_json_add_obj(root, "demand");
    kc_json_must(cJSON_AddStringToObject(d, "file", meta->file));
    kc_json_must(cJSON_AddStringToObject(d, "hostname", h->hostname));
    kc_json_must(cJSON_AddStringToObject(d, "uri", h->uri));
    w = kc_json_add_obj(d, "window");
    iso(from, sizeof(from), h->first_wall_ns);
    iso(to, sizeof(to), h->last_wall_ns);
    kc_json_must(cJSON_AddStringToObject(w, "from", from));
    kc_json_must(cJSON_AddStringToObject(w, "to", to));
    kc_json_add_u64(w, "seconds", (h->last_wall_ns - h->first_wall_ns) / 1000000000ull);
    kc_json_must(cJSON_AddNumberToObject(d, "percentile", (double)meta->p_bp / 100.0));
    kc_json_add_u64(d, "samples", h->samples);
    kc_json_must(cJSON_AddNumberToObject(d, "existing_cpu_cores",
                                         (double)plan->dhost.used.load_bp / 10000.0));
    kc_json_add_u64(d, "existing_mem_rss_mib", plan->dhost.used.mem_mib);
    typ = kc_json_add_obj(d, "typical");
    kc_json_must(cJSON_AddNumberToObject(typ, "cpu_cores_per_vcpu",
                                         (double)plan->cpu_bp_per_vcpu / 10000.0));
    kc_json_must(cJSON_AddNumberToObject(typ, "rss_per_mem",
                                         (double)plan->rss_bp_of_mem / 10000.0));
    return kc_json_print(root);
}

static void model_line(FILE *out, const char *name, const kc_fit *f)
{
    fprintf(out, "  %-17s %8llu", name, (unsigned long long)f->count);
    for (int r = 0, first = 1; r < KC_RES_LAST; r++)
        if (f->bottleneck & (1u << r)) {
            fprintf(out, "%s%s", first ? "  (" : ", ", kc_resource_name((kc_resource)r));
            first = 0;
        }
    if (f->bottleneck)
        fputc(')', out);
    fputc('\n', out);
}

void kc_report_fit_demand_text(FILE *out, const kc_fit_report *rep,
                               const kc_demand_plan_row *rows, const kc_demand_host *h,
                               const kc_demand_plan *plan, const kc_demand_meta *meta)
{
    char pl[16];

    pct_label(pl, sizeof(pl), meta->p_bp);
    head_lines(out, "demand", h, meta);
    fprintf(out, "existing VMs at their demand: %.2f cores (%s, with steal), %llu MiB resident "
            "(max); typical VM: %.3f cores per vCPU, %.0f %% of its memory resident\n",
            (double)plan->dhost.used.load_bp / 10000.0, pl,
            (unsigned long long)plan->dhost.used.mem_mib,
            (double)plan->cpu_bp_per_vcpu / 10000.0, (double)plan->rss_bp_of_mem / 100.0);
    fprintf(out, "demand model: the same capacities and max util, no memory overcommit, no vCPU "
            "ratio\n\n");
    for (size_t i = 0; i < rep->n_rows; i++) {
        const kc_demand_plan_row *r = &rows[i];

        fprintf(out, "%s: %llu more fit (%s model)\n", kc_term_str(rep->rows[i].label),
                (unsigned long long)r->count,
                r->by_alloc && r->by_demand ? "both" : r->by_alloc ? "allocation" : "demand");
        model_line(out, "allocation model", &r->alloc);
        model_line(out, "demand model", &r->demand);
        fprintf(out, "  one VM's demand: %.2f cores (%s), %llu MiB (%s)\n",
                (double)r->dshape.cpu_util_bp * r->dshape.vcpus / 10000.0,
                kc_plan_source_name(r->cpu_source), (unsigned long long)r->dshape.mem_mib,
                kc_plan_source_name(r->mem_source));
    }
}
