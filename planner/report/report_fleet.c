/* SPDX-License-Identifier: MIT */
/* report_fleet.c: the human fleet report: one line per host, totals, placement. */
#include <stdio.h>
#include <string.h>

#include "input/config.h"
#include "report/report.h"
#include "report/report_fleet.h"
#include "util/fmt.h"
#include "util/names.h"
#include "util/util.h"

/* "memory+cpu", or "too big: memory", or "-". */
static void why_text(char *buf, size_t size, const kc_fit *fit)
{
    size_t len = 0;

    buf[0] = '\0';
    if (fit->too_big) {
        snprintf(buf, size, "too big: %s", kc_resource_name(fit->too_big_res));
        return;
    }
    for (int r = 0; r < KC_RES_LAST && len + 1 < size; r++)
        if (fit->bottleneck & (1u << r)) {
            int n = snprintf(buf + len, size - len, "%s%s", len ? "+" : "",
                             kc_resource_name((kc_resource)r));

            if (n < 0)
                break;
            len += (size_t)n;
        }
    if (!buf[0])
        snprintf(buf, size, "-");
}

static void mask_text(char *buf, size_t size, uint32_t mask)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int r = 0; r < KC_RES_LAST && len + 1 < size; r++)
        if (mask & (1u << r)) {
            int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                             kc_resource_name((kc_resource)r));

            if (n < 0)
                break;
            len += (size_t)n;
        }
}

static int col_width(const char *label)
{
    size_t n = strlen(label);

    return n < 6 ? 6 : n > 16 ? 16 : (int)n;
}

void kc_report_fleet_text(FILE *out, const kc_fleet_report *meta)
{
    const kc_fleet *fleet = meta->fleet;
    const kc_policy *p = &fleet->policy;
    char a[16], b[16], c[16];
    int uw = 4;

    fprintf(out, "fleet   %zu host%s: %zu answered, %zu failed (timeout %u s, %u at once)\n",
            fleet->n_hosts, kc_s(fleet->n_hosts), fleet->n_ok, fleet->n_failed,
            meta->timeout_s, meta->parallel);
    fprintf(out, "policy  overcommit %s %%, reserve %llu MiB, cpu ratio %s, max util %s %%%s%s\n",
            kc_fmt_bp(a, sizeof(a), p->overcommit_bp), (unsigned long long)p->reserve_mib,
            kc_fmt_milli(b, sizeof(b), p->cpu_ratio_milli),
            kc_fmt_bp(c, sizeof(c), p->max_util_bp), meta->profile ? ", profile " : "",
            meta->profile ? meta->profile : "");
    fprintf(out, "        %s networking, numa %s, existing %s",
            KC_NAME(net, p->net_mode),
            KC_NAME(numa, p->numa),
            KC_NAME(existing, fleet->existing));
    if (p->overhead_mode == KC_OVERHEAD_AUTO)
        fputs(", VM overhead auto", out);
    else if (p->overhead_mib)
        fprintf(out, ", VM overhead %llu MiB", (unsigned long long)p->overhead_mib);
    fputc('\n', out);
    if (meta->source) {
        char from[512];

        if (kc_config_source_line(from, sizeof(from), meta->source)[0])
            fprintf(out, "        %s\n", kc_term_str(from));
    }
    fputc('\n', out);
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        int n = (int)strlen(fleet->hosts[i].uri);

        if (fleet->hosts[i].ok && n > uw)
            uw = n;
    }
    if (uw > 60)
        uw = 60;
    fprintf(out, "%-*s %5s %10s %5s", uw, "host", "cpus", "mem MiB", "vms");
    for (size_t s = 0; s < fleet->n_shapes; s++)
        fprintf(out, " %*.*s", col_width(fleet->labels[s]), col_width(fleet->labels[s]),
                fleet->labels[s]);
    fprintf(out, "%s\n", fleet->n_shapes ? "  bottleneck" : "");
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        const kc_fleet_host *h = &fleet->hosts[i];

        if (!h->ok) {
            fprintf(out, "%s  failed: %s\n", kc_term_str(h->uri), kc_term_str(h->err.msg));
            continue;
        }
        fprintf(out, "%-*s %5u %10llu %5llu", uw, kc_term_str(h->uri), h->host.cpus,
                (unsigned long long)h->host.mem_mib, (unsigned long long)h->host.used.vms);
        for (size_t s = 0; s < fleet->n_shapes; s++)
            fprintf(out, " %*llu", col_width(fleet->labels[s]),
                    (unsigned long long)h->fits[s].count);
        for (size_t s = 0; s < fleet->n_shapes; s++) {
            char why[128];

            why_text(why, sizeof(why), &h->fits[s]);
            fprintf(out, "%s%s", s ? " / " : "  ", why);
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < fleet->n_hosts; i++)
        if (fleet->hosts[i].save_failed)
            fprintf(out, "%s  facts not saved: %s\n", kc_term_str(fleet->hosts[i].uri),
                    kc_term_str(fleet->hosts[i].save_err.msg));
    if (fleet->n_shapes) {
        fprintf(out, "%-*s %5s %10s %5s", uw, "total", "", "", "");
        for (size_t s = 0; s < fleet->n_shapes; s++)
            fprintf(out, " %*llu", col_width(fleet->labels[s]),
                    (unsigned long long)fleet->total[s]);
        fprintf(out, "  (%zu host%s answered)\n", fleet->n_ok, kc_s(fleet->n_ok));
    }
    if (!fleet->place)
        return;
    fprintf(out, "\nplacement (largest shapes first, each on the hosts in the order given;\n"
                 "the counts above are how many more fit after it, as in 'kvmcap fit')\n");
    for (size_t s = 0; s < fleet->place->n_shapes; s++) {
        const kc_place_shape *ps = &fleet->place->shapes[s];
        bool first = true;

        if (!fleet->counts[s])
            continue;     /* a shape without :COUNT is not placed */
        fprintf(out, "  %s: %llu of %llu placed", fleet->labels[s],
                (unsigned long long)ps->placed, (unsigned long long)ps->requested);
        for (size_t i = 0; i < fleet->n_hosts; i++) {
            const kc_fleet_host *h = &fleet->hosts[i];

            if (!h->ok || !h->placed || !h->placed[s])
                continue;
            fprintf(out, "%s%s %llu", first ? ": " : ", ", kc_term_str(h->uri),
                    (unsigned long long)h->placed[s]);
            first = false;
        }
        fputc('\n', out);
        if (ps->unplaced) {
            char full[128], big[128];

            mask_text(full, sizeof(full), ps->full);
            mask_text(big, sizeof(big), ps->too_big);
            fprintf(out, "    %llu fit nowhere:", (unsigned long long)ps->unplaced);
            if (fleet->n_ok == 0)
                fprintf(out, " no host answered");
            if (ps->full)
                fprintf(out, " %s full%s", full, ps->hosts_too_big ? ";" : "");
            if (ps->hosts_too_big)
                fprintf(out, " bigger than %zu host%s (%s)", ps->hosts_too_big,
                        kc_s(ps->hosts_too_big), big);
            fputc('\n', out);
        }
    }
}
