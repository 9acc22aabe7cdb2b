/* SPDX-License-Identifier: MIT */
/* report_demand.h: the demand and rightsize reports (text, JSON, CSV). */
#ifndef KC_REPORT_DEMAND_H
#define KC_REPORT_DEMAND_H

#include <stdbool.h>
#include <stdio.h>

#include "demand/demand.h"
#include "demand/plan.h"
#include "report/report.h"
#include "stats.h"

/* What the reports say about where the figures came from. */
typedef struct kc_demand_meta {
    const char *file;            /* the recording (or the Prometheus URL) */
    uint32_t p_bp;               /* the percentile */
    const kc_demand_advice *advice;
    /* CSV of several hosts (Prometheus): a first column "host" with h->hostname, and the
     * header line only when csv_header (the first host) */
    bool csv_host_column, csv_header;
} kc_demand_meta;

void kc_report_demand_text(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta);
void kc_report_demand_csv(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta);
/* Returns the JSON text (caller frees with free()). */
char *kc_report_demand_json(const kc_demand_host *h, const kc_demand_meta *meta);

void kc_report_rightsize_text(FILE *out, const kc_demand_host *h, const kc_vm_rightsize *rs,
                              const kc_demand_meta *meta);
void kc_report_rightsize_csv(FILE *out, const kc_demand_host *h, const kc_vm_rightsize *rs,
                             const kc_demand_meta *meta);
char *kc_report_rightsize_json(const kc_demand_host *h, const kc_vm_rightsize *rs,
                               const kc_demand_meta *meta);

/* Several hosts' reports as one document (Prometheus): {"kvmcap", "report": @kind,
 * "source": "prometheus", "url": @url, "hosts": [...]}, each element one of @docs (texts of
 * kc_report_demand_json() or kc_report_rightsize_json(), freed here). Returns the JSON text
 * (caller frees with free()). */
char *kc_report_demand_hosts_json(const char *kind, const char *url, char **docs, size_t n);

/* kvmcap --demand FILE --vm SPEC: the fit report of the allocation model (@rep, as
 * 'kvmcap fit' writes it) with each shape's two models (@rows, one per rep->rows) side by
 * side: shapes[i].models.{allocation,demand}, shapes[i].count the smaller, and "demand". */
char *kc_report_fit_demand_json(const kc_fit_report *rep, const kc_demand_plan_row *rows,
                                const kc_demand_host *h, const kc_demand_plan *plan,
                                const kc_demand_meta *meta);
void kc_report_fit_demand_text(FILE *out, const kc_fit_report *rep,
                               const kc_demand_plan_row *rows, const kc_demand_host *h,
                               const kc_demand_plan *plan, const kc_demand_meta *meta);

#endif /* KC_REPORT_DEMAND_H */
