/* SPDX-License-Identifier: MIT */
/* report_sweep.h: what a sweep report shows (one VM shape on one host while one value runs
 * over a range), and its renderers. */
#ifndef KC_REPORT_SWEEP_H
#define KC_REPORT_SWEEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report/report.h"

/* The value a sweep runs over. */
typedef enum kc_sweep_param {
    KC_SWEEP_OVERCOMMIT,       /* memory overcommit, basis points */
    KC_SWEEP_CPU_RATIO,        /* vCPUs per logical CPU, thousandths */
    KC_SWEEP_RESERVE,          /* memory kept by the hypervisor, MiB */
    KC_SWEEP_MAX_UTIL,         /* utilization cap, basis points */
    KC_SWEEP_HOST_MEM,         /* the host's memory, MiB */
    KC_SWEEP_NIC_SPEED,        /* the host's uplink (one NIC), kbit/s */
    KC_SWEEP_LAST              /* sentinel: keep last */
} kc_sweep_param;

/* The answer at one value. */
typedef struct kc_sweep_point {
    uint64_t value;            /* in the parameter's unit above */
    uint64_t count;
    uint32_t bottleneck;       /* bit 1 << kc_resource */
    bool too_big;
    kc_resource too_big_res;
} kc_sweep_point;

typedef struct kc_sweep_report {
    const kc_fit_report *fit;  /* the host, the policy that holds still (profile, source,
                                  version), and rows[0]: the VM shape */
    kc_sweep_param param;
    const kc_sweep_point *points;   /* at least one, in the order swept */
    size_t n_points;
} kc_sweep_report;

/* The renderers of a sweep, one per format (report/dispatch.h picks one).
 * text: the sweep, host, VM and policy lines, a table with a bar chart of the count, and
 * where the bottleneck changes. csv: parameter,value,unit,count,bottleneck,too_big, one line
 * per value. json: "report": "sweep" with host, vm, policy (the swept value null),
 * policy_source, sweep, points and changes, and a newline. */
void kc_report_sweep_text(FILE *out, const kc_sweep_report *report);
void kc_report_sweep_csv(FILE *out, const kc_sweep_report *report);
void kc_report_sweep_json(FILE *out, const kc_sweep_report *report);

#endif /* KC_REPORT_SWEEP_H */
