/* SPDX-License-Identifier: MIT */
/* virt.h: what every libvirt child of kvmcap does first (the collector, the sampler). */
#ifndef KC_VIRT_H
#define KC_VIRT_H

#include <stddef.h>

#include "kc.h"

/* In a child that is about to talk to libvirt: keep libvirt from printing (its messages go
 * into ours, doc/libvirt.md), initialize it and run its default event loop in a thread
 * (the embedded driver and keepalives need one). Returns 0, or -1 with @err (KC_ERR_HOST). */
int kc_virt_start(kc_error *err);

/* libvirt's last error message on one line (no newline or tab), in @buf; returns @buf. */
const char *kc_virt_msg(char *buf, size_t size);

#endif /* KC_VIRT_H */
