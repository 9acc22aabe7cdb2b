/* SPDX-License-Identifier: MIT */
/* report_prom.c: the fit report in Prometheus' text exposition format, for node_exporter's
 * textfile collector: a cron job writes it, the dashboards people already run show it. */
#include <stdio.h>
#include <string.h>

#include "report/report_prom.h"
#include "util/sanitize.h"

void kc_prom_label(FILE *out, const char *text)
{
    /* the format escapes \\, " and newline; every other control byte and every byte that
     * is not UTF-8 becomes '?' (util/sanitize.h) */
    while (*text) {
        size_t len = kc_safe_char_len(text), bad = len ? 0 : kc_unsafe_char_len(text);

        if (*text == '\\')
            fputs("\\\\", out);
        else if (*text == '"')
            fputs("\\\"", out);
        else if (*text == '\n')
            fputs("\\n", out);
        else if (len == 0)
            fputc('?', out);
        else
            fwrite(text, 1, len, out);
        text += len ? len : bad ? bad : 1;
    }
}

static void family(FILE *out, const char *name, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{host="..",shape=".."[,resource=".."[,unit=".."]]} value */
static void sample(FILE *out, const char *name, const char *host, const kc_fit_row *row,
                   int res, bool unit, uint64_t value)
{
    fprintf(out, "%s{host=\"", name);
    kc_prom_label(out, host);
    if (row) {
        fputs("\",shape=\"", out);
        kc_prom_label(out, row->label);
    }
    if (res >= 0) {
        fprintf(out, "\",resource=\"%s", kc_resource_name((kc_resource)res));
        if (unit)
            fprintf(out, "\",unit=\"%s", kc_resource_unit((kc_resource)res));
    }
    fprintf(out, "\"} %llu\n", (unsigned long long)value);
}

typedef enum which { CAPACITY, USED, PER_VM, LIMIT } which;

static void resource_family(FILE *out, const kc_fit_report *rep, const char *host,
                            const char *name, const char *help, which w)
{
    bool any = false;

    for (size_t i = 0; i < rep->n_rows; i++)
        for (int r = 0; r < KC_RES_LAST; r++) {
            const kc_res_fit *rf = &rep->rows[i].fit.res[r];
            uint64_t v;

            if (rf->state == KC_RES_ABSENT || rf->state == KC_RES_UNKNOWN)
                continue;
            if ((w == PER_VM || w == LIMIT) && rf->state != KC_RES_BOUNDED)
                continue;
            v = w == CAPACITY ? rf->capacity : w == USED ? rf->used :
                w == PER_VM ? rf->per_vm : rf->limit;
            if (!any)
                family(out, name, help);
            any = true;
            sample(out, name, host, &rep->rows[i], r, w != LIMIT, v);
        }
}

void kc_report_fit_prom(FILE *out, const kc_fit_report *rep)
{
    const char *host = rep->facts->name[0] ? rep->facts->name : rep->facts->hostname;
    bool any = false;

    family(out, "kvmcap_vms_fit", "How many more VMs of the shape fit on the host.");
    for (size_t i = 0; i < rep->n_rows; i++)
        sample(out, "kvmcap_vms_fit", host, &rep->rows[i], -1, false, rep->rows[i].fit.count);
    for (size_t i = 0; i < rep->n_rows; i++) {
        if (!rep->rows[i].has_count)
            continue;
        if (!any)
            family(out, "kvmcap_vms_placed", "VMs of the shape placed first (SPEC:COUNT).");
        any = true;
        sample(out, "kvmcap_vms_placed", host, &rep->rows[i], -1, false, rep->rows[i].want);
    }
    family(out, "kvmcap_bottleneck", "1 for each resource that stops the shape's count.");
    for (size_t i = 0; i < rep->n_rows; i++)
        for (int r = 0; r < KC_RES_LAST; r++)
            if (rep->rows[i].fit.bottleneck & (1u << r))
                sample(out, "kvmcap_bottleneck", host, &rep->rows[i], r, false, 1);
    any = false;
    for (size_t i = 0; i < rep->n_rows; i++) {
        if (!rep->rows[i].fit.too_big)
            continue;
        if (!any)
            family(out, "kvmcap_too_big", "1 when one VM of the shape exceeds the hardware.");
        any = true;
        sample(out, "kvmcap_too_big", host, &rep->rows[i], (int)rep->rows[i].fit.too_big_res,
               false, 1);
    }
    resource_family(out, rep, host, "kvmcap_resource_capacity",
                    "Plannable capacity of the resource, in its unit.", CAPACITY);
    resource_family(out, rep, host, "kvmcap_resource_used",
                    "Capacity held by existing VMs, in the resource's unit.", USED);
    resource_family(out, rep, host, "kvmcap_resource_per_vm",
                    "What one VM of the shape needs, in the resource's unit.", PER_VM);
    resource_family(out, rep, host, "kvmcap_resource_limit",
                    "How many more VMs of the shape this resource allows.", LIMIT);
    family(out, "kvmcap_existing_vms", "Existing VMs counted against the host.");
    sample(out, "kvmcap_existing_vms", host, NULL, -1, false, rep->host.used.vms);
}
