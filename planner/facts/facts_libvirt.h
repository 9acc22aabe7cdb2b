/* SPDX-License-Identifier: MIT */
/* facts_libvirt.h: host facts live through libvirt, read-only, under a deadline. */
#ifndef KC_FACTS_LIBVIRT_H
#define KC_FACTS_LIBVIRT_H

#include <stdbool.h>

#include "facts/facts.h"

#define KC_COLLECT_TIMEOUT_DEFAULT 10u
#define KC_EMBED_FIRST_TIMEOUT 30u      /* the embedded driver's first run, without --timeout */

typedef struct kc_collect_opts {
    const char *uri;          /* NULL: LIBVIRT_DEFAULT_URI, else the local default (qemu:///system),
                                 falling back to qemu:///embed?root=<the per-user cache,
                                 facts/embed.h> when no daemon answers (source
                                 KC_SOURCE_EMBEDDED) */
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
 * message inside ours, and on expiry exactly "'URI' did not answer within N s" (for the
 * embedded driver "the embedded QEMU driver did not answer within N s");
 * KC_ERR_INVALID (3) for XML from the host that does not parse. */
int kc_libvirt_collect(const kc_collect_opts *opts, kc_facts *facts, kc_error *err);

/*
 * One collection as a job, for callers that run many at once (the fleet): each job is a
 * child process with a pipe; the caller poll()s the pipes from one thread, calls
 * kc_libvirt_job_read() when one is readable, and kc_libvirt_job_finish() once it returned
 * 1 or the caller's deadline passed. No threads, nothing shared between jobs.
 */
typedef struct kc_libvirt_job kc_libvirt_job;

/* Fork a child that collects @uri (used as given: no LIBVIRT_DEFAULT_URI, no embedded
 * fallback) into facts of @source. Loads libvirt first (util/dynlib.h). Returns the job, or
 * NULL with @err (KC_ERR_HOST: libvirt not installed, no pipe, no fork). */
kc_libvirt_job *kc_libvirt_job_start(const char *uri, const char *sysroot, kc_source source,
                                     kc_error *err);

/* The descriptor to poll for POLLIN (non-blocking, close-on-exec); -1 after the end. */
int kc_libvirt_job_fd(const kc_libvirt_job *job);

/* Read what the child has written so far. Returns 1 at the end of its data (the child is
 * done or dead), 0 when more may come. Never blocks. */
int kc_libvirt_job_read(kc_libvirt_job *job);

/* End the job and free it: with @timed_out (or before its data ended) the child is killed
 * and @err says "'SHOWN_URI' did not answer within TIMEOUT_S s" (for @source
 * KC_SOURCE_EMBEDDED: "the embedded QEMU driver did not answer within TIMEOUT_S s"); the
 * child is always reaped. Otherwise its facts are appended to @facts as kc_libvirt_collect() does.
 * *connect_failed is set when the child could not connect at all. Returns 0 or -1. */
int kc_libvirt_job_finish(kc_libvirt_job *job, bool timed_out, const char *shown_uri,
                          unsigned timeout_s, kc_facts *facts, int *connect_failed,
                          kc_error *err);

#endif /* KC_FACTS_LIBVIRT_H */
