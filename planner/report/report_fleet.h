/* SPDX-License-Identifier: MIT */
/* report_fleet.h: what a fleet report shows, and the human fleet report. */
#ifndef KC_REPORT_FLEET_H
#define KC_REPORT_FLEET_H

#include <stdio.h>

#include "fleet/fleet.h"
#include "input/config.h"

/* A fleet (after kc_fleet_plan, hosts in their display order) and how the run was made.
 * Borrows everything. */
typedef struct kc_fleet_report {
    const kc_fleet *fleet;
    const char *profile;              /* NULL: none */
    const kc_policy_source *source;   /* where each policy value came from; NULL: not said */
    unsigned timeout_s;
    unsigned parallel;
    const char *sort;                 /* "name", "free", "bottleneck" */
    const char *version;              /* JSON: the "kvmcap" version */
} kc_fleet_report;

/* The fleet as text: a summary line, the policy, one line per host in the current order (a
 * failed host shows its error), a totals line, and the placement when counts were given.
 * (json: fleet_json.h; csv: report_csv.h; prometheus: report_prom.h; report/dispatch.h
 * picks one.) */
void kc_report_fleet_text(FILE *out, const kc_fleet_report *report);

#endif /* KC_REPORT_FLEET_H */
