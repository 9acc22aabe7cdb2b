/* SPDX-License-Identifier: MIT */
/* prom_map.h: the libvirt and node exporters' series mapped onto per-host, per-VM slots of
 * one time grid, counters corrected for resets as PromQL does. */
#ifndef KC_PROM_MAP_H
#define KC_PROM_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "kc.h"
#include "demand/prom_json.h"

/* A slot without a value (see kc_prom_vm). */
#define KC_PROM_NONE UINT64_MAX

/*
 * The exporters' metrics on one slot grid: slot k is time since_ms + k * step_ms, the points
 * a range query returns. A slot without a value is KC_PROM_NONE. Counters are corrected for
 * resets as PromQL's rate() does (a counter that goes down restarted from 0, so the increase
 * over that slot is the new value), summed over devices where a VM has several, and given as
 * a cumulative integer that never goes down, with fresh[k] = 1 where no increase over
 * (slot k-1, slot k] is known (first value, after a gap): the rate over slot k is
 * (c[k] - c[k-1]) / step, defined where c[k] and c[k-1] have values and fresh[k] is 0.
 */
typedef enum kc_prom_vm_metric {
    KC_PROM_VM_CPU_NS,          /* counter: libvirt_domain_info_cpu_time_seconds_total, ns */
    KC_PROM_VM_NET_BYTES,       /* counter: interface receive + transmit bytes, all NICs */
    KC_PROM_VM_DISK_REQS,       /* counter: block read + write requests, all disks */
    KC_PROM_VM_DISK_BYTES,      /* counter: block read + write bytes, all disks */
    KC_PROM_VM_MEM_KIB,         /* gauge: memory_usage_bytes / 1024: the balloon's current
                                   size, the stand-in for QEMU's RSS (the exporter has none) */
    KC_PROM_VM_MAXMEM_KIB,      /* gauge: maximum_memory_bytes / 1024 (allocated) */
    KC_PROM_VM_VCPUS,           /* gauge: virtual_cpus */
    KC_PROM_VM_STATE,           /* gauge: state_code (virDomainState: 1 running, 5 off) */
    KC_PROM_VM_LAST             /* sentinel: keep last */
} kc_prom_vm_metric;
#define KC_PROM_VM_COUNTERS 4   /* the first four are counters */

typedef enum kc_prom_host_metric {
    KC_PROM_HOST_MEM_KIB,       /* gauge: node_memory_MemTotal_bytes / 1024 */
    KC_PROM_HOST_IDLE_NS,       /* counter: node_cpu_seconds_total{mode="idle"}, all CPUs */
    KC_PROM_HOST_LAST
} kc_prom_host_metric;

typedef struct kc_prom_vm {
    char name[KC_NAME_MAX];     /* the domain label */
    char uuid[KC_NAME_MAX];
    uint64_t *v[KC_PROM_VM_LAST];           /* n slots each */
    uint8_t *fresh[KC_PROM_VM_COUNTERS];    /* n slots each, counters only */
    size_t cpu_resets;          /* times the CPU counter went down (a restarted QEMU) */
} kc_prom_vm;

typedef struct kc_prom_host {
    char name[KC_NAME_MAX];     /* host label (instance without its port) */
    uint32_t cpus;              /* distinct node_cpu_seconds_total cpu labels; 0 unknown */
    uint64_t *v[KC_PROM_HOST_LAST];         /* n slots each (all NONE without node data) */
    uint8_t *idle_fresh;
    kc_prom_vm *vms;            /* sorted by name */
    size_t n_vms;
} kc_prom_host;

typedef struct kc_prom_fleet {
    int64_t since_ms, step_ms;
    size_t n;                   /* slots */
    kc_prom_host *hosts;        /* sorted by name */
    size_t n_hosts;
    size_t dropped;             /* values left out: NaN, Inf, negative, out of range */
} kc_prom_fleet;

/* Build @f from matrices already read: @libvirt holds the libvirt exporter's series,
 * @node the node_exporter's (may be NULL). Series whose points are off the grid of @since_ms,
 * @step_ms, @n are an error (KC_ERR_HOST: not what the query asked for). A libvirt series
 * without a domain label or a host label is an error too. @host_label as in kc_prom_opts.
 * Caller frees with kc_prom_fleet_clear(). */
int kc_prom_fleet_build(const kc_prom_matrix *libvirt, const kc_prom_matrix *node,
                        const char *host_label, int64_t since_ms, int64_t step_ms, size_t n,
                        kc_prom_fleet *f, kc_error *err);

void kc_prom_fleet_clear(kc_prom_fleet *f);

/* The host @s belongs to, into @out (@size bytes): the value of @host_label, or with NULL
 * the "instance" label without its port ("kvm7:9177" -> "kvm7", "[2001:db8::7]:9177" ->
 * "2001:db8::7"), so that a machine's libvirt and node exporters meet. Returns 0, or -1
 * when the label is missing, empty or longer than @size - 1. */
int kc_prom_host_of(const kc_prom_series *s, const char *host_label, char *out, size_t size);

#endif /* KC_PROM_MAP_H */
