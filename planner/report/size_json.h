/* SPDX-License-Identifier: MIT */
/* size_json.h: the sizing report in JSON. */
#ifndef KC_SIZE_JSON_H
#define KC_SIZE_JSON_H

#include <stdio.h>

#include "report/report_size.h"

/* Write the "size" JSON report of @report, and a newline, to @out. Aborts on
 * out-of-memory. */
void kc_report_size_json(FILE *out, const kc_size_report *report);

#endif /* KC_SIZE_JSON_H */
