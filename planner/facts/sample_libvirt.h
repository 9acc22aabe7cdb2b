/* SPDX-License-Identifier: MIT */
/* sample_libvirt.h: samples of a host's load through libvirt (read-only), each one bounded
 * by a deadline. */
#ifndef KC_SAMPLE_LIBVIRT_H
#define KC_SAMPLE_LIBVIRT_H

#include <stdbool.h>

#include "facts/sample.h"
#include "kc.h"

/*
 * A sampler is a child process that holds one read-only connection and answers one sample
 * per request through a pipe (as the facts collector does, see facts_libvirt.c: a libvirt
 * call can block forever on a peer that stopped answering; a child can be killed). When a
 * sample does not come within the timeout, or the connection broke (libvirtd restarted),
 * the child is gone and the caller starts a new sampler: a reconnect.
 */
typedef struct kc_sampler kc_sampler;

/* Connect to @uri (NULL: LIBVIRT_DEFAULT_URI, else qemu:///system) read-only in a child,
 * within @timeout_s seconds (0: 10). @sysroot: the root for /sys reads (KSM) on a local host
 * (NULL: "/"; with a test:/// URI only when given). *hostname (@hostname_size bytes) gets
 * the host's name. Returns the sampler, or NULL with @err (KC_ERR_HOST). */
kc_sampler *kc_sampler_start(const char *uri, const char *sysroot, unsigned timeout_s,
                             char *hostname, size_t hostname_size, kc_error *err);

/* Take one sample into @out (its previous content freed; domains sorted by name). Returns 0,
 * or -1 with @err (KC_ERR_HOST: "'URI' did not answer within N s", or libvirt's message);
 * after -1 the sampler is dead: stop it and start another. */
int kc_sampler_take(kc_sampler *s, kc_sample *out, kc_error *err);

/* Stop the child (killed if it does not leave at once) and free (NULL-safe). */
void kc_sampler_stop(kc_sampler *s);

/* Free what a sample owns and zero it (NULL-safe). */
void kc_sample_clear(kc_sample *s);

/* Parse one domain's bulk statistics (virConnectGetAllDomainStats' typed parameters) into
 * @vm's counters and state, every counter KC_SAMPLE_NONE until a field gives it; sums over
 * vCPUs, interfaces and disks. Unknown fields are ignored; a negative value counts as not
 * given. (Exposed for the unit tests.) */
struct _virTypedParameter;
void kc_sample_vm_from_params(const struct _virTypedParameter *params, int n, kc_sample_vm *vm);

#endif /* KC_SAMPLE_LIBVIRT_H */
