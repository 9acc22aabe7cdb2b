/* SPDX-License-Identifier: MIT */
/* workload.h: workload files.
 *
 * A workload file (README, "JSON reports"):
 *   { "workload": [ { "name": "web", "vm": "2c4g,disk=40g", "count": 200 }, ... ] }
 * "name" is optional (the spec is the name), "vm" is a VM spec or a flavor (without ":COUNT"),
 * "count" an integer from 0 to 2^53 - 1. Unknown keys are ignored.
 */
#ifndef KC_WORKLOAD_H
#define KC_WORKLOAD_H

#include <stddef.h>

#include "input/catalog.h"
#include "size.h"

/* Parse a workload file and append its lines to *@lines (a malloc'd array of *@n entries,
 * grown here; the caller frees it). @origin names the file in messages. Returns 0 or -1
 * with @err (KC_ERR_INVALID naming the file and the entry). */
int kc_workload_from_json(const char *text, const char *origin, const kc_catalog *catalog,
                          kc_workload_line **lines, size_t *n, kc_error *err);

#endif /* KC_WORKLOAD_H */
