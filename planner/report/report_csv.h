/* SPDX-License-Identifier: MIT */
/* report_csv.h: CSV reports (RFC 4180) of fit, size, fleet and sweep, and their field
 * writer. */
#ifndef KC_REPORT_CSV_H
#define KC_REPORT_CSV_H

#include <stdio.h>

#include "report/report.h"
#include "report/report_fleet.h"
#include "report/report_size.h"

/* Write one CSV field: quoted (with '"' doubled) when it holds a comma, a quote, CR or LF,
 * or starts or ends with a space; as it is otherwise. No separator is written. */
void kc_csv_field(FILE *out, const char *text);

/* The fit report as CSV: a header line, then one line per shape and resource (absent
 * resources left out). Columns: host,vm,vcpus,mem_mib,count,placed,bottleneck,too_big,
 * resource,unit,state,capacity,used,per_vm,limit,fair_share; a value that does not apply is
 * empty; several bottleneck resources are joined by ';'. Lines end in CRLF as RFC 4180
 * says. */
void kc_report_fit_csv(FILE *out, const kc_fit_report *report);

/* The sizing as CSV: one line per candidate (in ranked order). Columns:
 * candidate,feasible,recommended,hosts,hosts_packed,lower_bound,price,price_total,
 * price_per_vm,bottleneck, then one utilization_<resource> column (a fraction, 4
 * decimals; empty when not planned) per resource. */
void kc_report_size_csv(FILE *out, const kc_size_report *report);

/* The fleet as CSV: one line per host and shape, hosts in the report's order (one line
 * for a host when no shape is given). Columns: host (the URI as given), name, ok, error,
 * host_cpus, host_mem_mib, existing_vms, vm, vcpus, mem_mib, count, placed, bottleneck,
 * too_big; the last seven as in the fit CSV. A failed host has ok=false, its error, and
 * only the shape's own columns besides; placed is empty for a shape without :COUNT. */
void kc_report_fleet_csv(FILE *out, const kc_fleet_report *report);

#endif /* KC_REPORT_CSV_H */
