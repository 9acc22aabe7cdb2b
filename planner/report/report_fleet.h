/* SPDX-License-Identifier: MIT */
/* report_fleet.h: the human fleet report: one line per host, totals, placement. */
#ifndef KC_REPORT_FLEET_H
#define KC_REPORT_FLEET_H

#include <stdio.h>

#include "report/fleet_json.h"

/* Print @fleet (after kc_fleet_plan) to @out: a summary line, the policy, one line per host
 * in the current order (a failed host shows its error), a totals line, and the placement
 * when counts were given. */
void kc_report_fleet_text(FILE *out, const kc_fleet *fleet, const kc_fleet_meta *meta);

#endif /* KC_REPORT_FLEET_H */
