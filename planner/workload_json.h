/* SPDX-License-Identifier: MIT */
/* workload_json.h: workload files and the sizing report in JSON.
 *
 * A workload file (DESIGN section 4):
 *   { "workload": [ { "name": "web", "vm": "2c4g,disk=40g", "count": 200 }, ... ] }
 * "name" is optional (the spec is the name), "vm" is a VM spec or a flavor (without ":COUNT"),
 * "count" an integer from 0 to 2^53 - 1. Unknown keys are ignored.
 */
#ifndef KC_WORKLOAD_JSON_H
#define KC_WORKLOAD_JSON_H

#include <stddef.h>

#include "catalog.h"
#include "size.h"

/* Parse a workload file and append its lines to *@lines (a malloc'd array of *@n entries,
 * grown here; the caller frees it). @origin names the file in messages. Returns 0 or -1
 * with @err (KC_ERR_INVALID naming the file and the entry). */
int kc_workload_from_json(const char *text, const char *origin, const kc_catalog *catalog,
                          kc_workload_line **lines, size_t *n, kc_error *err);

/* The "size" JSON report (DESIGN section 4). @cands are the candidates the sizing ran on.
 * Returns a string the caller frees with free(). */
char *kc_report_size_json(const kc_sizing *sizing, const kc_candidate *cands,
                          const kc_size_opts *opts, const char *version);

#endif /* KC_WORKLOAD_JSON_H */
