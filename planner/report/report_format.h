/* SPDX-License-Identifier: MIT */
/* report_format.h: the output formats of the reports (--format), and the set of them a
 * command's dispatch table writes. */
#ifndef KC_REPORT_FORMAT_H
#define KC_REPORT_FORMAT_H

#include "util/names.h"

/* The formats themselves (kc_format, KC_FORMAT_BIT) and their words are util/names.h's.
 * Adding one: a member of kc_format and its word there, a line in KC_REPORT_FORMATS here,
 * then a renderer kc_report_<command>_<format> and its entry in report/dispatch.c for each
 * command that writes it. */

/* KC_FORMAT_BIT() of every format a dispatch table (an array of KC_FORMAT_LAST renderers,
 * NULL where the command does not write the format) has a renderer for. */
#define KC_REPORT_FORMATS(table)                                                   \
    (((table)[KC_FORMAT_TABLE] ? KC_FORMAT_BIT(KC_FORMAT_TABLE) : 0u) |            \
     ((table)[KC_FORMAT_JSON] ? KC_FORMAT_BIT(KC_FORMAT_JSON) : 0u) |              \
     ((table)[KC_FORMAT_CSV] ? KC_FORMAT_BIT(KC_FORMAT_CSV) : 0u) |                \
     ((table)[KC_FORMAT_PROMETHEUS] ? KC_FORMAT_BIT(KC_FORMAT_PROMETHEUS) : 0u))

_Static_assert(KC_FORMAT_LAST == 4, "KC_REPORT_FORMATS names every format");

#endif /* KC_REPORT_FORMAT_H */
