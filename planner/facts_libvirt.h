/* SPDX-License-Identifier: MIT */
/* facts_libvirt.h: host facts live through libvirt, read-only, under a deadline. */
#ifndef KC_FACTS_LIBVIRT_H
#define KC_FACTS_LIBVIRT_H

#include "facts.h"

#define KC_COLLECT_TIMEOUT_DEFAULT 10u

typedef struct kc_collect_opts {
    const char *uri;          /* NULL: LIBVIRT_DEFAULT_URI, else the local default (qemu:///system),
                                 falling back to qemu:///embed?root=<private tmp dir> when no
                                 daemon answers (source KC_SOURCE_EMBEDDED; the tmp dir is
                                 removed afterwards) */
    unsigned timeout_s;       /* deadline for connecting and for the whole collection; 0 = 10 */
    const char *sysroot;      /* root for /sys reads on a local host; NULL = "/" ; tests pass a
                                 fixture. With a test:/// URI, /sys is read only when this is
                                 given (the test driver's host is not this machine). */
} kc_collect_opts;

/* Collect facts into @facts (normally fresh from kc_facts_new(); entries are appended):
 * source, uri, hostname, cpu topology, memory with mem_source/nodeinfo_mem_mib, NUMA cells
 * and hugepages from the capabilities, VMs sorted by name, pools, networks, NICs, and a note
 * for everything that could not be known. Only read-only connections are made.
 * The whole collection runs in a child process that is killed at the deadline (see the .c).
 * Returns 0, or -1 with @err: KC_ERR_HOST (4) for connection/libvirt errors with libvirt's
 * message inside ours, and on expiry exactly "'URI' did not answer within N s";
 * KC_ERR_INVALID (3) for XML from the host that does not parse. */
int kc_libvirt_collect(const kc_collect_opts *opts, kc_facts *facts, kc_error *err);

#endif /* KC_FACTS_LIBVIRT_H */
