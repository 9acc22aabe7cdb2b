/* SPDX-License-Identifier: MIT */
/* fleet_json.h: the versioned JSON fleet report (DESIGN section 4, "report": "fleet"). */
#ifndef KC_FLEET_JSON_H
#define KC_FLEET_JSON_H

#include <stdio.h>

#include "report/report_fleet.h"

/* Write the JSON report of @report, and a newline, to @out: hosts in their current order,
 * integers written from their decimal text. Aborts on out-of-memory. */
void kc_report_fleet_json(FILE *out, const kc_fleet_report *report);

#endif /* KC_FLEET_JSON_H */
