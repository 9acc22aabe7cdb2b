/* SPDX-License-Identifier: MIT */
/* report_prom.h: the fit and fleet reports in Prometheus' text exposition format (for
 * node_exporter's textfile collector). */
#ifndef KC_REPORT_PROM_H
#define KC_REPORT_PROM_H

#include <stdio.h>

#include "report/report.h"
#include "report/report_fleet.h"

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
void kc_report_fit_prometheus(FILE *out, const kc_fit_report *report);

/*
 * The fleet report as metric families, as for the fit report:
 *   kvmcap_host_up{host}                     1 when the host answered and was planned, else 0
 *   kvmcap_vms_fit{host,shape}               how many more VMs fit (answering hosts)
 *   kvmcap_vms_placed{host,shape}            SPEC:COUNT VMs placed on the host
 *   kvmcap_bottleneck{host,shape,resource} 1 each resource that stops the count
 *   kvmcap_too_big{host,shape,resource} 1    one VM exceeds the host's hardware
 *   kvmcap_existing_vms{host}                existing VMs counted (answering hosts)
 * "host" is the URI as given (unique in a run, and known for a host that failed), "shape"
 * the --vm spec. Shared families keep the fit report's # HELP text.
 */
void kc_report_fleet_prometheus(FILE *out, const kc_fleet_report *report);

/* Series are told apart by their labels only: each of the @n shape @labels must be given
 * once. Returns 0, or -1 with @err (KC_ERR_USAGE) naming the label given twice. */
int kc_report_prometheus_shapes_unique(const char *const *labels, size_t n, kc_error *err);

#endif /* KC_REPORT_PROM_H */
