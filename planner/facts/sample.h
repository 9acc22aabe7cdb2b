/* SPDX-License-Identifier: MIT */
/* sample.h: one sample of a host's load: its counters and each domain's (plain data). */
#ifndef KC_SAMPLE_H
#define KC_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "kc.h"

/* A counter or gauge that the host did not give (the driver lacks it, the guest has no
 * balloon driver, the domain is off). */
#define KC_SAMPLE_NONE UINT64_MAX

/* Domain states, as libvirt numbers them (virDomainState): the store keeps the number. */
typedef enum kc_dom_state {
    KC_DOM_NOSTATE = 0,
    KC_DOM_RUNNING = 1,
    KC_DOM_BLOCKED = 2,
    KC_DOM_PAUSED = 3,
    KC_DOM_SHUTDOWN = 4,       /* shutting down */
    KC_DOM_SHUTOFF = 5,
    KC_DOM_CRASHED = 6,
    KC_DOM_PMSUSPENDED = 7,
    KC_DOM_STATE_LAST          /* sentinel: keep last */
} kc_dom_state;

/* Whether a domain in @state runs guest code (its CPU counters advance). */
#define KC_DOM_IS_RUNNING(state) ((state) == KC_DOM_RUNNING || (state) == KC_DOM_BLOCKED)

/* One domain at one sample. Every counter is cumulative since its QEMU process started;
 * sums run over the domain's vCPUs, interfaces and disks. */
typedef struct kc_sample_vm {
    char name[KC_NAME_MAX];
    char uuid[40];             /* libvirt's UUID string (36 characters) */
    kc_dom_state state;
    int64_t dom_id;            /* libvirt's domain id; -1 when off. A new id = a new process */
    uint32_t vcpus;            /* vcpu.current (or .maximum); 0 = unknown */
    uint64_t mem_kib;          /* balloon.maximum: the memory it was given; NONE = unknown */
    uint64_t cpu_time_ns;      /* cpu.time: host CPU time of the whole QEMU process */
    uint64_t vcpu_time_ns;     /* sum of vcpu.N.time */
    uint64_t vcpu_delay_ns;    /* sum of vcpu.N.delay: time vCPUs waited for a host CPU */
    uint64_t balloon_current_kib;
    uint64_t rss_kib;          /* balloon.rss: resident memory of the QEMU process */
    uint64_t usable_kib;       /* balloon.usable: what the guest could use without swapping */
    uint64_t available_kib;    /* balloon.available: memory the guest sees */
    uint64_t net_rx_bytes, net_tx_bytes;
    uint64_t rd_reqs, wr_reqs, rd_bytes, wr_bytes;
} kc_sample_vm;

/* One sample of the whole host. */
typedef struct kc_sample {
    uint64_t wall_ns;          /* CLOCK_REALTIME at the start of the sample (may step) */
    uint64_t mono_ns;          /* CLOCK_MONOTONIC in the middle of the domains' statistics
                                  call: what rates use */
    uint64_t took_ns;          /* how long the sample took */
    /* the host (virNodeGetCPUStats, virNodeGetMemoryStats, KSM); NONE = not given */
    uint64_t cpu_user_ns, cpu_system_ns, cpu_idle_ns, cpu_iowait_ns;
    uint64_t mem_total_kib, mem_free_kib, mem_buffers_kib, mem_cached_kib;
    uint64_t ksm_pages_sharing;   /* /sys/kernel/mm/ksm/pages_sharing on a local host */
    uint64_t page_kib;            /* page size for KSM pages (KiB); NONE when no KSM figure */
    size_t n_vms;
    kc_sample_vm *vms;         /* owned */
} kc_sample;

#endif /* KC_SAMPLE_H */
