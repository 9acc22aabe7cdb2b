/* SPDX-License-Identifier: MIT */
/* report_demand.h: the demand and rightsize reports (text, JSON, CSV). */
#ifndef KC_REPORT_DEMAND_H
#define KC_REPORT_DEMAND_H

#include <stdio.h>

#include "demand/demand.h"
#include "demand/plan.h"
#include "report/report.h"
#include "stats.h"

/* What the reports say about where the figures came from. */
typedef struct kc_demand_meta {
    const char *file;            /* the recording */
    uint32_t p_bp;               /* the percentile */
    const kc_demand_advice *advice;
} kc_demand_meta;

void kc_report_demand_text(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta);
void kc_report_demand_csv(FILE *out, const kc_demand_host *h, const kc_demand_meta *meta);
/* Returns the JSON text (caller frees with free()). */
char *kc_report_demand_json(const kc_demand_host *h, const kc_demand_meta *meta);

void kc_report_rightsize_text(FILE *out, const kc_demand_host *h, const kc_vm_rightsize *rs,
                              const kc_demand_meta *meta);
void kc_report_rightsize_csv(FILE *out, const kc_demand_host *h, const kc_vm_rightsize *rs);
char *kc_report_rightsize_json(const kc_demand_host *h, const kc_vm_rightsize *rs,
                               const kc_demand_meta *meta);

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
