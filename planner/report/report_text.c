/* SPDX-License-Identifier: MIT */
/* report_text.c: the human fit report: host, policy, a table per shape, a verdict. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "report/json_parts.h"
#include "report/report.h"
#include "util/fmt.h"
#include "util/names.h"
#include "util/sanitize.h"
#include "util/util.h"

void kc_report_warn(kc_fit_report *report, const char *fmt, ...)
{
    va_list ap;

    if (report->n_warnings >= KC_WARNINGS_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(report->warnings[report->n_warnings], sizeof(report->warnings[0]), fmt, ap);
    va_end(ap);
    report->n_warnings++;
}

void kc_report_note(kc_fit_report *report, const char *fmt, ...)
{
    va_list ap;

    if (report->n_notes >= KC_REPORT_NOTES_MAX)
        return;
    va_start(ap, fmt);
    vsnprintf(report->notes[report->n_notes], sizeof(report->notes[0]), fmt, ap);
    va_end(ap);
    report->n_notes++;
}

char *kc_fmt_bp(char *buf, size_t size, uint64_t bp)
{
    return kc_fmt_frac(buf, size, bp, 100, 2, KC_ROUND_NEAREST);    /* exact: 2 decimals */
}

char *kc_fmt_milli(char *buf, size_t size, uint64_t milli)
{
    kc_fmt_frac(buf, size, milli, 1000, 3, KC_ROUND_NEAREST);       /* exact: 3 decimals */
    if (!strchr(buf, '.') && strlen(buf) + 3 <= size)
        strcat(buf, ".0");    /* a ratio always shows its point: "4.0" */
    return buf;
}

uint64_t kc_report_uplink_kbps(const kc_host *host, const kc_policy *policy)
{
    kc_u128 sum = kc_host_nic_kbps(host, KC_NIC_VM);    /* vm NICs only (README "Model") */

    if (policy->net_mode == KC_NET_NAT)
        sum = sum * policy->nat_efficiency_bp / KC_BP_ONE;
    return sum > UINT64_MAX ? UINT64_MAX : (uint64_t)sum;
}

/* Display only: sizes in MiB as MiB/GiB/TiB with one decimal where it is not whole,
 * rounded per @mode (a fair share rounds down: util/fmt.h). */
static char *fmt_size(char *buf, size_t size, uint64_t mib, kc_round mode)
{
    static const char *const units[] = { "MiB", "GiB", "TiB", "PiB", "EiB" };
    uint64_t scale = 1;
    size_t u = 0;

    if (mib < 10240) {
        snprintf(buf, size, "%llu MiB", (unsigned long long)mib);
        return buf;
    }
    while (mib / scale >= 1024u * 10 && u + 1 < sizeof(units) / sizeof(units[0])) {
        scale *= 1024;
        u++;
    }
    if (mib % scale == 0)
        kc_fmt_frac(buf, size, mib, scale, 0, mode);
    else
        kc_fmt_fixed(buf, size, mib, scale, 1, mode);
    strncat(buf, " ", size - strlen(buf) - 1);
    strncat(buf, units[u], size - strlen(buf) - 1);
    return buf;
}

/* Bandwidth in three significant figures (Gbit/s, Mbit/s, kbit/s), rounded per @mode. */
static char *fmt_bandwidth(char *buf, size_t size, uint64_t kbps, kc_round mode)
{
    uint64_t unit = kbps >= 1000000 ? 1000000 : kbps >= 1000 ? 1000 : 1;
    uint64_t whole = kbps / unit;

    if (unit == 1) {
        snprintf(buf, size, "%llu kbit/s", (unsigned long long)kbps);
        return buf;
    }
    kc_fmt_frac(buf, size, kbps, unit, whole >= 100 ? 0 : whole >= 10 ? 1 : 2, mode);
    strncat(buf, unit == 1000000 ? " Gbit/s" : " Mbit/s", size - strlen(buf) - 1);
    return buf;
}

static char *fmt_amount(char *buf, size_t size, kc_resource r, uint64_t v, kc_round mode)
{
    switch (r) {
    case KC_RES_MEMORY:
    case KC_RES_HUGEPAGES:
    case KC_RES_DISK:
        return fmt_size(buf, size, v, mode);
    case KC_RES_NETWORK:
        return fmt_bandwidth(buf, size, v, mode);
    case KC_RES_CPU:
        snprintf(buf, size, "%llu vCPU", (unsigned long long)v);
        return buf;
    case KC_RES_CPU_LOAD:
        kc_fmt_fixed(buf, size, v, KC_BP_ONE, 2, mode);
        strncat(buf, " cores", size - strlen(buf) - 1);
        return buf;
    case KC_RES_IOPS:
        snprintf(buf, size, "%llu IOPS", (unsigned long long)v);
        return buf;
    case KC_RES_THROUGHPUT:
        snprintf(buf, size, "%llu MB/s", (unsigned long long)v);
        return buf;
    case KC_RES_LAST:
        break;
    }
    snprintf(buf, size, "%llu", (unsigned long long)v);
    return buf;
}

/* A 10-cell bar of the share of capacity held once @count more VMs are placed. */
static void bar(char *buf, size_t size, const kc_res_fit *r, uint64_t count)
{
    kc_u128 held = (kc_u128)r->used + (kc_u128)count * r->per_vm;
    unsigned cells = 0;

    if (r->capacity > 0) {
        kc_u128 c = held * 10 / r->capacity;

        cells = c > 10 ? 10 : (unsigned)c;
    } else if (held > 0) {
        cells = 10;
    }
    buf[0] = '\0';
    for (unsigned i = 0; i < 10 && strlen(buf) + 4 < size; i++)
        strcat(buf, i < cells ? "#" : ".");
}

static void bottleneck_names(char *buf, size_t size, uint32_t mask)
{
    buf[0] = '\0';
    for (int r = 0; r < KC_RES_LAST; r++) {
        if (!(mask & (1u << r)))
            continue;
        if (buf[0])
            strncat(buf, " and ", size - strlen(buf) - 1);
        strncat(buf, kc_resource_name((kc_resource)r), size - strlen(buf) - 1);
    }
}

static void print_host(FILE *out, const kc_fit_report *rep, const kc_fit_row *unused)
{
    (void)unused;
    const kc_facts *f = rep->facts;
    const kc_host *h = &rep->host;
    char mem[32], a[32], b[32];
    uint64_t uplink = kc_report_uplink_kbps(h, &rep->policy);
    size_t counted = 0;
    bool rows = false;    /* a NIC row each, where a NIC is not counted or says why */

    for (size_t i = 0; i < f->n_nics; i++) {
        counted += kc_facts_nic_is_uplink(&f->nics[i]);
        rows |= !kc_facts_nic_is_uplink(&f->nics[i]) || f->nics[i].why[0];
    }

    /* names, URIs, notes and warnings may come from a host or a file: kc_term_str strips
     * terminal control characters */
    fprintf(out, "host    %s (%s%s%s): %u %s, %s memory",
            kc_term_str(f->name[0] ? f->name : f->hostname), KC_NAME(source, f->source),
            f->uri[0] ? " " : "", kc_term_str(f->uri), h->cpus, kc_plural(h->cpus, "CPU", "CPUs"),
            fmt_size(mem, sizeof(mem), h->mem_mib, KC_ROUND_NEAREST));
    if (h->n_numa > 1)
        fprintf(out, ", %zu NUMA nodes", h->n_numa);
    if (h->hugepages_mib)
        fprintf(out, ", %s hugepages", fmt_size(a, sizeof(a), h->hugepages_mib, KC_ROUND_NEAREST));
    if (uplink)
        fprintf(out, ", uplink %s", fmt_bandwidth(b, sizeof(b), uplink, KC_ROUND_NEAREST));
    if (uplink && counted < f->n_nics)
        fprintf(out, " (%zu of %zu NICs)", counted, f->n_nics);
    fputc('\n', out);
    if (rep->existing_used.vms) {
        const kc_usage *u = &rep->existing_used;

        fprintf(out, "        existing: %llu VM%s, %llu vCPU%s, %s (%s)\n",
                (unsigned long long)u->vms, kc_s(u->vms),
                (unsigned long long)u->vcpus, kc_s(u->vcpus),
                fmt_size(mem, sizeof(mem), u->mem_mib + u->hugepages_mib, KC_ROUND_NEAREST),
                KC_NAME(existing, rep->existing));
    }
    for (size_t i = 0; rows && i < f->n_nics; i++) {
        const kc_fact_nic *n = &f->nics[i];

        fprintf(out, "        nic %s %s %s, %s%s%s\n", kc_term_str(n->name),
                n->speed_kbps ? fmt_bandwidth(b, sizeof(b), n->speed_kbps, KC_ROUND_NEAREST)
                               : "(speed unknown)",
                KC_NAME(nic_role, n->role), kc_facts_nic_is_uplink(n) ? "counted" : "not counted",
                n->why[0] ? ": " : "", kc_term_str(n->why));
    }
    if (h->used.vms > rep->existing_used.vms) {
        const kc_usage *u = &h->used, *e = &rep->existing_used;

        fprintf(out, "        placed first: %llu VM%s, %llu vCPU%s, %s\n",
                (unsigned long long)(u->vms - e->vms), kc_s(u->vms - e->vms),
                (unsigned long long)(u->vcpus - e->vcpus), kc_s(u->vcpus - e->vcpus),
                fmt_size(mem, sizeof(mem), u->mem_mib + u->hugepages_mib - e->mem_mib -
                                           e->hugepages_mib, KC_ROUND_NEAREST));
    }
}

static void print_policy(FILE *out, const kc_fit_report *rep, const kc_fit_row *unused)
{
    (void)unused;
    const kc_policy *p = &rep->policy;
    char oc[16], ratio[16], util[16], res[32];

    fprintf(out, "policy  overcommit %s %%, reserve %s, cpu ratio %s, max util %s %%",
            kc_fmt_bp(oc, sizeof(oc), p->overcommit_bp),
            fmt_size(res, sizeof(res), p->reserve_mib, KC_ROUND_NEAREST),
            kc_fmt_milli(ratio, sizeof(ratio), p->cpu_ratio_milli),
            kc_fmt_bp(util, sizeof(util), p->max_util_bp));
    if (rep->profile)
        fprintf(out, ", profile %s", rep->profile);
    fputc('\n', out);
    fprintf(out, "        %s networking, numa %s", KC_NAME(net, p->net_mode),
            KC_NAME(numa, p->numa));
    if (p->reserve_cpus)
        fprintf(out, ", %u reserved %s", p->reserve_cpus,
                kc_plural(p->reserve_cpus, "CPU", "CPUs"));
    if (p->overhead_mode == KC_OVERHEAD_AUTO)
        fputs(", VM overhead auto (64 MiB + RAM/512 + 8 MiB per vCPU)", out);
    else if (p->overhead_mib)
        fprintf(out, ", VM overhead %llu MiB", (unsigned long long)p->overhead_mib);
    if (p->disk_overcommit_bp) {
        char d[16];

        fprintf(out, ", disk overcommit %s %%", kc_fmt_bp(d, sizeof(d), p->disk_overcommit_bp));
    }
    fputc('\n', out);
    if (rep->source) {
        /* where values came from, when a policy file gave any */
        char from[512];

        if (kc_config_source_line(from, sizeof(from), rep->source)[0])
            fprintf(out, "        %s\n", from);
    }
}

static void print_verdict(FILE *out, const kc_fit_report *rep, const kc_fit_row *row)
{
    const kc_fit *fit = &row->fit;
    const kc_host *h = &rep->host;
    char names[128], bw[32], share[32];
    uint64_t vcpus_total, vms_total, usable, uplink;

    bottleneck_names(names, sizeof(names), fit->bottleneck);
    if (row->has_count) {
        fprintf(out, "%llu VM%s of %s placed; %llu more would fit (%s%s).\n",
                (unsigned long long)row->want, kc_s(row->want), row->label,
                (unsigned long long)fit->count, fit->too_big ? "too big" : names,
                fit->numa_limited ? " per NUMA node" : "");
        return;
    }
    if (fit->too_big) {
        fprintf(out, "No VM of %s fits: one VM needs more %s than this host has%s.\n",
                row->label, kc_resource_name(fit->too_big_res),
                rep->policy.numa == KC_NUMA_STRICT && h->n_numa > 1 ? " in any NUMA node" : "");
        return;
    }
    fprintf(out, "%llu VM%s of %s fit%s; %s %s the limit", (unsigned long long)fit->count,
            kc_s(fit->count), row->label, fit->count == 1 ? "s" : "", names,
            strchr(names, ' ') ? "are" : "is");
    if (fit->numa_limited)    /* the split into nodes costs VMs: say how many */
        fprintf(out, " per NUMA node (%llu with --numa spread)",
                (unsigned long long)fit->spread_count);
    fputc('.', out);
    if (fit->count == 0) {
        fputc('\n', out);
        return;
    }
    usable = h->cpus > rep->policy.reserve_cpus ? h->cpus - rep->policy.reserve_cpus : 0;
    vcpus_total = h->used.vcpus + fit->count * row->shape.vcpus;
    vms_total = h->used.vms + fit->count;
    fprintf(out, " At %llu VM%s each vCPU gets ", (unsigned long long)fit->count,
            kc_s(fit->count));
    if (vcpus_total <= usable)
        fputs("a whole core under full load", out);
    else
        fprintf(out, "at least %s of a core under full load",    /* a lower bound: down */
                kc_fmt_fixed(share, sizeof(share), usable, vcpus_total, 2, KC_ROUND_DOWN));
    uplink = kc_report_uplink_kbps(h, &rep->policy);
    if (fit->res[KC_RES_NETWORK].state == KC_RES_BOUNDED)
        fprintf(out, " and each VM the %s it asks of the uplink",
                fmt_bandwidth(bw, sizeof(bw), row->shape.net_kbps, KC_ROUND_NEAREST));
    else if (uplink)
        fprintf(out, " and each VM about %s of the uplink",
                fmt_bandwidth(bw, sizeof(bw), uplink / vms_total, KC_ROUND_DOWN));
    fputs(".\n", out);
}

/* Is the @len bytes word at @w a number ("20", "0.88", "1,024")? */
static bool is_number(const char *w, size_t len)
{
    if (len == 0 || w[0] < '0' || w[0] > '9')
        return false;
    for (size_t i = 1; i < len; i++)
        if ((w[i] < '0' || w[i] > '9') && w[i] != '.' && w[i] != ',')
            return false;
    return true;
}

/* Is the word at @w (up to a space, a newline, or punctuation after it) a unit of measure? */
static bool is_unit(const char *w)
{
    static const char *const units[] = { "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "kbit/s",
                                          "Mbit/s", "Gbit/s", "MB/s", "IOPS", "%", "s",
                                          "vCPU", "vCPUs", "cores", "MHz" };
    size_t len = strcspn(w, " \n,;:.)");

    for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
        if (strlen(units[i]) == len && strncmp(w, units[i], len) == 0)
            return true;
    return false;
}

void kc_report_print_wrapped(FILE *out, const char *text, size_t indent)
{
    size_t col = 0;
    bool space = false;    /* a word is already on this line: separate the next one */
    bool glued = false;    /* the word before was a number: this one (its unit) follows it */

    if (indent > 0 && strlen(text) > indent && text[indent - 1] == ' ') {
        fwrite(text, 1, indent, out);
        text += indent;
        col = indent;
        while (*text == ' ')
            text++;
    }
    while (*text == ' ') {    /* a line's own indent stays */
        fputc(' ', out);
        col++;
        text++;
    }
    while (*text) {
        size_t word = strcspn(text, " \n"), need = word;
        bool number = is_number(text, word) && text[word] == ' ' && is_unit(text + word + 1);

        if (number)    /* a number and its unit break as one: never "20 / Gbit/s" */
            need += 1 + strcspn(text + word + 1, " \n");
        if (space && !glued && col + 1 + need > 79) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
            space = false;
        }
        if (space) {
            fputc(' ', out);
            col++;
        }
        fwrite(text, 1, word, out);
        col += word;
        space = true;
        glued = number;
        text += word;
        while (*text == ' ' || *text == '\n')
            text++;
    }
    fputc('\n', out);
}

static void print_wrapped(FILE *out, const char *text)
{
    kc_report_print_wrapped(out, text, 0);
}

/* The verdict sentence, composed in memory and then wrapped. */
typedef void (*render_fn)(FILE *out, const kc_fit_report *rep, const kc_fit_row *row);

/* Render into memory, then print each line wrapped at 79 columns, continuation lines
 * indented by @indent (a label padded to @indent, as "host    ", stays in front). */
static void print_rendered(FILE *out, render_fn render, const kc_fit_report *rep,
                           const kc_fit_row *row, size_t indent)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);

    if (!mem) {
        render(out, rep, row);
        return;
    }
    render(mem, rep, row);
    if (fclose(mem) == 0 && buf)
        for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
            kc_report_print_wrapped(out, line, indent);
    free(buf);
}

/* Over-IP pools behind the same storage NICs: each pool's figure holds the whole NIC cap,
 * so the cap is shown once, with what it carries and the pools that share it. */
static void shared_nics(char *line, size_t *len, size_t size, const kc_fit_report *rep,
                        const kc_fit_row *row)
{
    const kc_host *h = &rep->host;
    kc_pool_nic_share sh;
    char names[64];
    int w;

    if (*len >= size || kc_pool_nic_shared(h, &row->shape, &rep->policy, &sh, NULL) < 0 ||
        sh.n_pools < 2 || sh.limit == UINT64_MAX)
        return;
    bottleneck_names(names, sizeof(names), sh.binding);
    w = snprintf(line + *len, size - *len, "; storage NICs %llu (%s, shared by",
                 (unsigned long long)sh.limit, names);
    for (size_t i = 0; w > 0 && i < h->n_storage; i++) {
        *len += (size_t)w;
        w = 0;
        if ((sh.pools & (1u << i)) && *len < size)
            w = snprintf(line + *len, size - *len, " %s", kc_term_str(h->storage[i].name));
    }
    if (w >= 0 && *len + (size_t)w < size) {
        *len += (size_t)w;
        snprintf(line + *len, size - *len, ")%s",
                 sh.limiting && row->fit.count == sh.limit ? " <" : "");
        *len += strlen(line + *len);
    }
}

/* The pools of a host of several (README "Model"): what each takes of the shape and what
 * stops it; '<' marks the pools that stop the count. */
static void print_pools(FILE *out, const kc_fit_report *rep, const kc_fit_row *row)
{
    const kc_host *h = &rep->host;
    const kc_shape *s = &row->shape;
    kc_pool_fit pools[KC_STORAGE_MAX];
    char line[1024];
    size_t len = 0;

    if (h->n_storage < 2 || (!s->disk_mib && !s->iops && !s->mbps) ||
        kc_pool_fits(h, s, &rep->policy, pools, NULL) < 0)
        return;
    for (size_t i = 0; i < h->n_storage && len < sizeof(line); i++) {
        const kc_pool_fit *p = &pools[i];
        char what[96];
        int w;

        if (!p->eligible)
            snprintf(what, sizeof(what), "%s", h->storage[i].boot ? "boot" : "not its pool");
        else if (p->limit == UINT64_MAX)
            snprintf(what, sizeof(what), "-");
        else {
            char names[64];

            bottleneck_names(names, sizeof(names), p->binding);
            snprintf(what, sizeof(what), "%llu (%s)%s", (unsigned long long)p->limit, names,
                     kc_report_pool_is_bottleneck(p, &row->fit) ? " <" : "");
        }
        w = snprintf(line + len, sizeof(line) - len, "%s%s %s", i ? ", " : "",
                     kc_term_str(h->storage[i].name), what);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    shared_nics(line, &len, sizeof(line), rep, row);
    fprintf(out, "  pools      %s\n", line);
}

static void print_row(FILE *out, const kc_fit_report *rep, const kc_fit_row *row, bool color)
{
    const kc_shape *s = &row->shape;
    char mem[32];

    fprintf(out, "\n%s%s%s  (%u vCPU%s, %s%s", color ? "\033[1m" : "", row->label,
            color ? "\033[0m" : "", s->vcpus, kc_s(s->vcpus),
            fmt_size(mem, sizeof(mem), s->mem_mib, KC_ROUND_NEAREST),
            s->hugepages ? " on hugepages" : "");
    if (row->fit.overhead_mib)
        fprintf(out, " + %llu MiB overhead", (unsigned long long)row->fit.overhead_mib);
    fputs(")\n", out);
    if (row->has_count)
        fprintf(out, "  %llu placed first; what follows is what is left.\n",
                (unsigned long long)row->want);
    fprintf(out, "  %-10s %13s %13s %13s %9s\n", "resource", "capacity", "used", "per VM", "limit");
    for (int r = 0; r < KC_RES_LAST; r++) {
        const kc_res_fit *rf = &row->fit.res[r];
        bool hot = (row->fit.bottleneck & (1u << r)) != 0;
        char cap[32], used[32], per[32], lim[24], b[16];

        if (rf->state == KC_RES_ABSENT)
            continue;
        if (rf->state == KC_RES_UNKNOWN) {
            fprintf(out, "  %-10s %13s %13s %13s %9s\n", kc_resource_name((kc_resource)r),
                    "unknown", "-", "-", "-");
            continue;
        }
        /* what the host offers rounds down, what a VM asks rounds up, a fair share (a lower
         * bound) down: the table never shows more room than there is (util/fmt.h) */
        fmt_amount(cap, sizeof(cap), (kc_resource)r, rf->capacity, KC_ROUND_DOWN);
        fmt_amount(used, sizeof(used), (kc_resource)r, rf->used, KC_ROUND_NEAREST);
        if (rf->state == KC_RES_BOUNDED) {
            fmt_amount(per, sizeof(per), (kc_resource)r, rf->per_vm, KC_ROUND_UP);
            snprintf(lim, sizeof(lim), "%llu", (unsigned long long)rf->limit);
            bar(b, sizeof(b), rf, row->fit.count);
        } else {
            uint64_t n = rep->host.used.vms + row->fit.count;

            /* unbounded: the fair share each VM gets at the final count */
            if (n)
                fmt_amount(per, sizeof(per), (kc_resource)r, rf->capacity / n, KC_ROUND_DOWN);
            else
                snprintf(per, sizeof(per), "-");
            snprintf(lim, sizeof(lim), "-");
            snprintf(b, sizeof(b), "share");
        }
        fprintf(out, "  %s%-10s %13s %13s %13s %9s  %s%s%s\n", hot && color ? "\033[1;31m" : "",
                kc_resource_name((kc_resource)r), cap, used, per, lim, b,
                hot ? " <" : "", hot && color ? "\033[0m" : "");
    }
    print_pools(out, rep, row);
    print_rendered(out, print_verdict, rep, row, 0);
}

/* Does the facts file have a note the text shows (its provenance note is not news)? */
static bool has_facts_notes(const kc_facts *facts)
{
    for (size_t i = 0; i < facts->n_notes; i++)
        if (strncmp(facts->notes[i], "collected from ", 15) != 0)
            return true;
    return false;
}

void kc_report_fit_text(FILE *out, const kc_fit_report *rep)
{
    bool color = rep->color;

    print_rendered(out, print_host, rep, NULL, 8);
    print_rendered(out, print_policy, rep, NULL, 8);
    for (size_t i = 0; i < rep->n_rows; i++)
        print_row(out, rep, &rep->rows[i], color);
    if (rep->n_rows > 1) {
        int w = 4;

        for (size_t i = 0; i < rep->n_rows; i++)
            if ((int)strlen(rep->rows[i].label) > w)
                w = (int)strlen(rep->rows[i].label);
        w = w > 40 ? 40 : w;
        fputs("\nsummary\n", out);
        for (size_t i = 0; i < rep->n_rows; i++) {
            const kc_fit_row *row = &rep->rows[i];
            char names[128];

            if (row->has_count) {
                fprintf(out, "  %-*s %10llu placed\n", w, row->label, (unsigned long long)row->want);
                continue;
            }
            bottleneck_names(names, sizeof(names), row->fit.bottleneck);
            fprintf(out, "  %-*s %10llu more  (%s)\n", w, row->label,
                    (unsigned long long)row->fit.count, row->fit.too_big ? "too big" : names);
        }
        fputs("  each count is for that shape alone on what is left.\n", out);
    }
    /* what the collector could not know; a facts file's provenance note is not news */
    for (size_t i = 0, shown = 0; i < rep->facts->n_notes; i++) {
        char line[300];

        if (strncmp(rep->facts->notes[i], "collected from ", 15) == 0)
            continue;
        if (shown++ == 0)
            fputc('\n', out);
        snprintf(line, sizeof(line), "note: %s", kc_term_str(rep->facts->notes[i]));
        print_wrapped(out, line);
    }
    for (size_t i = 0; i < rep->n_notes; i++) {
        char line[300];

        if (i == 0 && !has_facts_notes(rep->facts))
            fputc('\n', out);
        snprintf(line, sizeof(line), "note: %s", kc_term_str(rep->notes[i]));
        print_wrapped(out, line);
    }
    if (rep->n_warnings) {
        fputc('\n', out);
        for (size_t i = 0; i < rep->n_warnings; i++) {
            char line[300];

            snprintf(line, sizeof(line), "%swarning:%s %s", color ? "\033[33m" : "",
                     color ? "\033[0m" : "", kc_term_str(rep->warnings[i]));
            print_wrapped(out, line);
        }
    }
}
