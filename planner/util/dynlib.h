/* SPDX-License-Identifier: MIT */
/* dynlib.h: libvirt, libxml2 and libcurl, loaded when a command first needs them. */
#ifndef KC_DYNLIB_H
#define KC_DYNLIB_H

#include "kc.h"

/*
 * kvmcap is not linked with libvirt, libxml2 or libcurl (doc/hacking.md 8): mapping
 * libvirt's tree of ~58 libraries cost every run ~15 ms, also the runs that never contact
 * a host (`--host`, `size`, `sweep`, `--facts`). Each library is
 * dlopen()ed by its versioned name the first time a command needs it, and the functions
 * kvmcap calls are resolved into a table (util/dynlib_virt.h, util/dynlib_xml.h,
 * util/dynlib_curl.h: call sites keep the library's own names, typed by its own headers).
 */
typedef enum kc_dynlib {
    KC_DYNLIB_VIRT,            /* libvirt.so.0 (and libxml2 with it: the collector parses) */
    KC_DYNLIB_XML,             /* libxml2.so.2 */
    KC_DYNLIB_CURL,            /* libcurl.so.4 (Prometheus only) */
    KC_DYNLIB_LAST
} kc_dynlib;

/* Load @lib and resolve every function kvmcap calls in it; at once if it is loaded already.
 * Call it in the parent, before any fork (a child must not dlopen: the parent's other
 * children and libvirt's threads make it unsafe) and before the first call into the library.
 * Returns 0, or -1 with @err (KC_ERR_HOST) in one line:
 * "libvirt is not installed (DLERROR): install libvirt0", or, for a library without one of
 * the functions, "libvirt is too old (libvirt.so.0 has no 'NAME'): install a newer libvirt0". */
int kc_dynlib_load(kc_dynlib lib, kc_error *err);

#endif /* KC_DYNLIB_H */
