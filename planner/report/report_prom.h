/* SPDX-License-Identifier: MIT */
/* report_prom.h: the fit report in Prometheus' text exposition format (textfile collector). */
#ifndef KC_REPORT_PROM_H
#define KC_REPORT_PROM_H

#include <stdio.h>

#include "report/report.h"

/* Write @text as a label value: '\\', '"' and newline escaped as the exposition format says
 * (the quotes around it are the caller's). */
void kc_prom_label(FILE *out, const char *text);

/*
 * The fit report as metric families, each with its # HELP and # TYPE lines and all its
 * samples together (node_exporter's textfile collector reads this from a *.prom file):
 *   kvmcap_vms_fit{host,shape}                      how many more VMs fit
 *   kvmcap_vms_placed{host,shape}                   SPEC:COUNT VMs placed first
 *   kvmcap_bottleneck{host,shape,resource} 1        each resource that stops the count
 *   kvmcap_too_big{host,shape,resource} 1           one VM exceeds the hardware
 *   kvmcap_resource_capacity{host,shape,resource,unit}  plannable capacity
 *   kvmcap_resource_used{host,shape,resource,unit}      held by existing VMs
 *   kvmcap_resource_per_vm{host,shape,resource,unit}    one VM's demand (bounded only)
 *   kvmcap_resource_limit{host,shape,resource}          VMs this resource allows
 *   kvmcap_existing_vms{host}                       existing VMs counted
 * "host" is the host's name (name= or its hostname), "shape" the --vm spec. Resources of
 * unknown capacity have no capacity or used sample.
 */
void kc_report_fit_prom(FILE *out, const kc_fit_report *report);

#endif /* KC_REPORT_PROM_H */
