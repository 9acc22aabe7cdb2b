/* SPDX-License-Identifier: MIT */
/* report_prom.c: the fit and fleet reports in Prometheus' text exposition format, for
 * node_exporter's textfile collector: a cron job writes it, the dashboards people already
 * run show it. */
#include <stdio.h>
#include <string.h>

#include "report/report_prom.h"
#include "util/util.h"

void kc_prom_label(FILE *out, const char *text)
{
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            fputs("\\\\", out);
        else if (*p == '"')
            fputs("\\\"", out);
        else if (*p == '\n')
            fputs("\\n", out);
        else
            fputc(*p, out);
    }
}

static void family(FILE *out, const char *name, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* name{host="..",shape=".."[,resource=".."[,unit=".."]]} value */
static void sample_of(FILE *out, const char *name, const char *host, const char *shape,
                      int res, bool unit, uint64_t value)
{
    fprintf(out, "%s{host=\"", name);
    kc_prom_label(out, host);
    if (shape) {
        fputs("\",shape=\"", out);
        kc_prom_label(out, shape);
    }
    if (res >= 0) {
        fprintf(out, "\",resource=\"%s", kc_resource_name((kc_resource)res));
        if (unit)
            fprintf(out, "\",unit=\"%s", kc_resource_unit((kc_resource)res));
    }
    fprintf(out, "\"} %llu\n", (unsigned long long)value);
}

static void sample(FILE *out, const char *name, const char *host, const kc_fit_row *row,
                   int res, bool unit, uint64_t value)
{
    sample_of(out, name, host, row ? row->label : NULL, res, unit, value);
}

/* The # HELP text of the families the fit and fleet reports share: node_exporter drops a
 * family whose HELP differs from the same family's in another file of its directory. */
#define HELP_VMS_FIT "How many more VMs of the shape fit on the host."
#define HELP_BOTTLENECK "1 for each resource that stops the shape's count."
#define HELP_TOO_BIG "1 when one VM of the shape exceeds the hardware."
#define HELP_EXISTING "Existing VMs counted against the host."
#define HELP_PLACED "VMs of the shape placed on the host (SPEC:COUNT)."

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

void kc_report_fit_prometheus(FILE *out, const kc_fit_report *rep)
{
    const char *host = rep->facts->name[0] ? rep->facts->name : rep->facts->hostname;
    bool any = false;

    family(out, "kvmcap_vms_fit", HELP_VMS_FIT);
    for (size_t i = 0; i < rep->n_rows; i++)
        sample(out, "kvmcap_vms_fit", host, &rep->rows[i], -1, false, rep->rows[i].fit.count);
    for (size_t i = 0; i < rep->n_rows; i++) {
        if (!rep->rows[i].has_count)
            continue;
        if (!any)
            family(out, "kvmcap_vms_placed", HELP_PLACED);
        any = true;
        sample(out, "kvmcap_vms_placed", host, &rep->rows[i], -1, false, rep->rows[i].want);
    }
    family(out, "kvmcap_bottleneck", HELP_BOTTLENECK);
    for (size_t i = 0; i < rep->n_rows; i++)
        for (int r = 0; r < KC_RES_LAST; r++)
            if (rep->rows[i].fit.bottleneck & (1u << r))
                sample(out, "kvmcap_bottleneck", host, &rep->rows[i], r, false, 1);
    any = false;
    for (size_t i = 0; i < rep->n_rows; i++) {
        if (!rep->rows[i].fit.too_big)
            continue;
        if (!any)
            family(out, "kvmcap_too_big", HELP_TOO_BIG);
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
    family(out, "kvmcap_existing_vms", HELP_EXISTING);
    sample(out, "kvmcap_existing_vms", host, NULL, -1, false, rep->host.used.vms);
}

void kc_report_fleet_prometheus(FILE *out, const kc_fleet_report *rep)
{
    const kc_fleet *fleet = rep->fleet;
    bool any = false;

    family(out, "kvmcap_host_up", "1 when the host answered and was planned, else 0.");
    for (size_t i = 0; i < fleet->n_hosts; i++)
        sample_of(out, "kvmcap_host_up", fleet->hosts[i].uri, NULL, -1, false,
                  fleet->hosts[i].ok ? 1 : 0);
    if (fleet->n_ok == 0)
        return;    /* every other family is of answering hosts: none would have a sample */
    if (fleet->n_shapes) {
        family(out, "kvmcap_vms_fit", HELP_VMS_FIT);
        for (size_t i = 0; i < fleet->n_hosts; i++)
            for (size_t s = 0; fleet->hosts[i].ok && s < fleet->n_shapes; s++)
                sample_of(out, "kvmcap_vms_fit", fleet->hosts[i].uri, fleet->labels[s], -1,
                          false, fleet->hosts[i].fits[s].count);
    }
    for (size_t s = 0; fleet->counts && s < fleet->n_shapes; s++) {
        if (!fleet->counts[s])
            continue;    /* a shape without :COUNT is not placed */
        for (size_t i = 0; i < fleet->n_hosts; i++) {
            const kc_fleet_host *h = &fleet->hosts[i];

            if (!h->ok || !h->placed)
                continue;
            if (!any)
                family(out, "kvmcap_vms_placed", HELP_PLACED);
            any = true;
            sample_of(out, "kvmcap_vms_placed", h->uri, fleet->labels[s], -1, false,
                      h->placed[s]);
        }
    }
    any = false;
    for (size_t i = 0; i < fleet->n_hosts; i++)
        for (size_t s = 0; fleet->hosts[i].ok && s < fleet->n_shapes; s++)
            for (int r = 0; r < KC_RES_LAST; r++) {
                if (!(fleet->hosts[i].fits[s].bottleneck & (1u << r)))
                    continue;
                if (!any)
                    family(out, "kvmcap_bottleneck", HELP_BOTTLENECK);
                any = true;
                sample_of(out, "kvmcap_bottleneck", fleet->hosts[i].uri, fleet->labels[s], r,
                          false, 1);
            }
    any = false;
    for (size_t i = 0; i < fleet->n_hosts; i++)
        for (size_t s = 0; fleet->hosts[i].ok && s < fleet->n_shapes; s++) {
            const kc_fit *fit = &fleet->hosts[i].fits[s];

            if (!fit->too_big)
                continue;
            if (!any)
                family(out, "kvmcap_too_big", HELP_TOO_BIG);
            any = true;
            sample_of(out, "kvmcap_too_big", fleet->hosts[i].uri, fleet->labels[s],
                      (int)fit->too_big_res, false, 1);
        }
    family(out, "kvmcap_existing_vms", HELP_EXISTING);
    for (size_t i = 0; i < fleet->n_hosts; i++)
        if (fleet->hosts[i].ok)
            sample_of(out, "kvmcap_existing_vms", fleet->hosts[i].uri, NULL, -1, false,
                      fleet->hosts[i].host.used.vms);
}

int kc_report_prometheus_shapes_unique(const char *const *labels, size_t n, kc_error *err)
{
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(labels[i], labels[j]) == 0)
                return kc_error_set(err, KC_ERR_USAGE, "--format prometheus: shape '%s' is "
                                    "given twice (each series needs its own shape label)",
                                    labels[i]);
    return 0;
}
