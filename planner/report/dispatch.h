/* SPDX-License-Identifier: MIT */
/* dispatch.h: each command's renderers by output format: one table per command. */
#ifndef KC_DISPATCH_H
#define KC_DISPATCH_H

#include <stdio.h>

#include "report/report.h"
#include "report/report_facts.h"
#include "report/report_fleet.h"
#include "report/report_format.h"
#include "report/report_size.h"
#include "report/report_sweep.h"

typedef void (*kc_report_fit_fn)(FILE *out, const kc_fit_report *report);
typedef int (*kc_report_facts_fn)(FILE *out, const kc_facts_report *report, kc_error *err);
typedef void (*kc_report_size_fn)(FILE *out, const kc_size_report *report);
typedef void (*kc_report_fleet_fn)(FILE *out, const kc_fleet_report *report);
typedef void (*kc_report_sweep_fn)(FILE *out, const kc_sweep_report *report);

/* Indexed by kc_format; NULL where the command does not write the format.
 * KC_REPORT_FORMATS(table) is the set a command accepts in --format. */
extern const kc_report_fit_fn kc_report_fit_by_format[KC_FORMAT_LAST];
extern const kc_report_facts_fn kc_report_facts_by_format[KC_FORMAT_LAST];
extern const kc_report_size_fn kc_report_size_by_format[KC_FORMAT_LAST];
extern const kc_report_fleet_fn kc_report_fleet_by_format[KC_FORMAT_LAST];
extern const kc_report_sweep_fn kc_report_sweep_by_format[KC_FORMAT_LAST];

#endif /* KC_DISPATCH_H */
