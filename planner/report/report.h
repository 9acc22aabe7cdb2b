/* SPDX-License-Identifier: MIT */
/* report.h: what a fit report holds, and its text and JSON renderers. */
#ifndef KC_REPORT_H
#define KC_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "facts/facts.h"
#include "input/config.h"
#include "fit.h"

#define KC_WARNINGS_MAX 32
#define KC_REPORT_NOTES_MAX 8

/* One --vm line and its answer. */
typedef struct kc_fit_row {
    char label[160];           /* the spec as given, without ":COUNT" */
    kc_shape shape;
    bool has_count;            /* SPEC:COUNT: placed first, the rest is planned around it */
    uint64_t want;             /* the count asked for (has_count) */
    kc_fit fit;
} kc_fit_row;

typedef struct kc_fit_report {
    const kc_facts *facts;     /* borrowed */
    kc_host host;              /* the host the rows were fitted on (placed rows included) */
    kc_usage existing_used;    /* what the host's existing VMs hold (before placing) */
    kc_policy policy;
    const char *profile;       /* NULL: none */
    const kc_policy_source *source;   /* where each policy value came from; NULL: not said */
    kc_existing existing;
    size_t n_rows;
    kc_fit_row *rows;          /* borrowed */
    size_t n_warnings;
    char warnings[KC_WARNINGS_MAX][256];
    size_t n_notes;            /* how the answer was reached (after the facts' own notes) */
    char notes[KC_REPORT_NOTES_MAX][256];
    bool color;                /* text: ANSI bold and colour */
    const char *version;       /* JSON: the "kvmcap" version */
} kc_fit_report;

/* Add a warning (one line, lowercase, no period); silently keeps the first KC_WARNINGS_MAX. */
void kc_report_warn(kc_fit_report *report, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Add a note: how the answer was reached, not a problem (one line, lowercase, no period);
 * keeps the first KC_REPORT_NOTES_MAX. */
void kc_report_note(kc_fit_report *report, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The renderers of the fit report, one per format (report/dispatch.h picks one).
 * text: host and policy lines, a table per shape with a bar per resource, and a verdict
 * sentence; a summary when there are several shapes; report->color adds ANSI bold/colour.
 * json: the versioned JSON report ("report": "fit", README "JSON reports"), and a newline.
 * Both abort on out-of-memory. (csv: report_csv.h; prometheus: report_prom.h.) */
void kc_report_fit_text(FILE *out, const kc_fit_report *report);
void kc_report_fit_json(FILE *out, const kc_fit_report *report);

/* Print @text wrapped at 79 columns at word boundaries, continuation lines indented by
 * @indent, and a newline. A leading label padded with spaces to @indent ("host    ") is kept
 * as it is. A number is never left at the end of a line apart from its unit ("20 Gbit/s",
 * "3 VMs" stay together). */
void kc_report_print_wrapped(FILE *out, const char *text, size_t indent);

/* Uplink after the networking mode's efficiency, kbit/s (0 = unknown). */
uint64_t kc_report_uplink_kbps(const kc_host *host, const kc_policy *policy);

/* Fixed-point to text: basis points as a percentage ("12.5"), thousandths as a ratio
 * ("4.0", "1.333"). Writes into @buf and returns it. */
char *kc_fmt_bp(char *buf, size_t size, uint64_t bp);
char *kc_fmt_milli(char *buf, size_t size, uint64_t milli);

#endif /* KC_REPORT_H */
