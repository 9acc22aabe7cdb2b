/* SPDX-License-Identifier: MIT */
/* record.h: kvmcap record: sample a host at an interval into a recording file. */
#ifndef KC_RECORD_H
#define KC_RECORD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "kc.h"

typedef struct kc_record_opts {
    const char *uri;            /* NULL: LIBVIRT_DEFAULT_URI, else qemu:///system */
    const char *out;            /* the recording file (created or appended to) */
    uint32_t interval_ms;       /* between the starts of two samples (>= 1) */
    uint64_t duration_ms;       /* 0: until stopped */
    unsigned timeout_s;         /* per sample and per (re)connection */
    const char *sysroot;        /* root for /sys (KSM) on a local host; NULL = "/" */
    bool progress;              /* a progress line on stderr (a terminal) */
    const volatile sig_atomic_t *stop;  /* set by a signal: finish the sample, stop */
} kc_record_opts;

typedef struct kc_record_result {
    uint64_t samples;
    uint64_t gaps;
    size_t vms;                 /* domains in the last sample */
} kc_record_result;

/* Record until @opts->duration_ms passed or *@opts->stop is set: the host's facts at the
 * start, then one sample per interval, each committed on its own. When libvirt does not
 * answer a sample within the timeout or the connection breaks, the recorder reconnects at
 * the next intervals and records the gap. Returns 0 (a clean stop: the run is marked
 * ended), or -1 with @err: KC_ERR_INVALID for a file that is not a recording, KC_ERR_HOST
 * for no connection at the start, I/O, or a full disk (samples before it are kept). */
int kc_record_run(const kc_record_opts *opts, kc_record_result *res, kc_error *err);

#endif /* KC_RECORD_H */
