/* SPDX-License-Identifier: MIT */
/* catalog_load.h: find data/ and load its catalogs, every field and spec checked. */
#ifndef KC_CATALOG_LOAD_H
#define KC_CATALOG_LOAD_H

#include <stddef.h>

#include "input/catalog.h"
#include "kc.h"

/* Where data/ is: $KVMCAP_DATADIR, else ../data or ../share/kvmcap next to the running
 * binary, else the compiled-in KC_DATADIR. Writes the directory into @buf. Returns 0 or -1
 * with KC_ERR_HOST naming the places it looked. */
int kc_catalog_find_datadir(char *buf, size_t size, kc_error *err);

/* Load every catalog file of @datadir. Returns a catalog the caller frees with
 * kc_catalog_free(), or NULL with @err (KC_ERR_INVALID naming the file and the field). */
kc_catalog *kc_catalog_load(const char *datadir, kc_error *err);
/* Load a host catalog file ({"hosts": [...]}) in place of data/hosts.json. */
int kc_catalog_load_hosts(kc_catalog *catalog, const char *path, kc_error *err);

#endif /* KC_CATALOG_LOAD_H */
