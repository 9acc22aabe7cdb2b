/* SPDX-License-Identifier: MIT */
/* facts_host.h: host facts -> the core's kc_host (device figures from the catalog). */
#ifndef KC_FACTS_HOST_H
#define KC_FACTS_HOST_H

#include "facts/facts.h"
#include "input/catalog.h"
#include "kc.h"

/* Build the core's view of @facts: device figures from @catalog, existing VMs per
 * @existing. Returns 0, or -1 with @err (KC_ERR_INVALID: unknown disk type, a sum that
 * overflows, more devices than KC_*_MAX). */
int kc_facts_to_host(const kc_facts *facts, const kc_catalog *catalog,
                     kc_existing existing, kc_host *host, kc_error *err);

/* Put where @facts came from (the facts file, the libvirt URI) in front of @err's message,
 * for errors about a host that would otherwise not say which: "URI: host has 0 CPUs".
 * Nothing for a host from a spec (the spec is named already). Returns -1. */
int kc_facts_name_error(const kc_facts *facts, kc_error *err);

/* Whether @shape's pool= names a pool of @host (README "Model"); 0, or -1 with
 * KC_ERR_INVALID naming the VM (@label), the pool and the host's pools. */
int kc_host_check_pool(const kc_host *host, const kc_shape *shape, const char *label,
                       kc_error *err);

#endif /* KC_FACTS_HOST_H */
