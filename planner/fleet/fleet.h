/* SPDX-License-Identifier: MIT */
/* fleet.h: many hosts through libvirt's remote URIs, collected in parallel, and planned. */
#ifndef KC_FLEET_H
#define KC_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "util/names.h"    /* kc_fleet_sort */
#include "fit.h"
#include "kc.h"
#include "place.h"

#define KC_FLEET_URI_MAX 256        /* the length of kc_facts.uri */
#define KC_FLEET_HOSTS_MAX 10000    /* hosts in one run */
#define KC_FLEET_PARALLEL_DEFAULT 16u
#define KC_FLEET_PARALLEL_MAX 256u

typedef struct kc_fleet_host {
    char uri[KC_FLEET_URI_MAX];    /* as the user gave it */
    size_t given;                  /* its position in the list given */
    bool ok;                       /* collected and planned */
    kc_error err;                  /* !ok: why */
    kc_facts *facts;               /* collected facts (owned; also set when planning failed) */
    kc_host host;                  /* ok: the core's view */
    kc_fit *fits;                  /* ok: one per shape (owned): how many more fit, after the
                                      placement when there is one (as in `kvmcap fit`); with
                                      no placement only count, bottleneck, too_big,
                                      too_big_res and numa_limited (kc_fit_count_on) */
    uint64_t *placed;              /* ok, with counted shapes: VMs of each shape placed here */
    char facts_file[4096];         /* --save-facts: the file written, "" = none */
} kc_fleet_host;

typedef struct kc_fleet {
    size_t n_hosts;
    kc_fleet_host *hosts;          /* owned */
    size_t n_shapes;
    const kc_shape *shapes;        /* borrowed */
    const char *const *labels;     /* borrowed: each shape's spec as given */
    const uint64_t *counts;        /* borrowed: SPEC:COUNT counts, or NULL (no placement) */
    kc_policy policy;
    kc_existing existing;
    size_t n_ok, n_failed;
    uint64_t *total;               /* per shape: sum of counts over the hosts that answered */
    kc_place *place;               /* with counts: over the hosts that answered, in order given */
} kc_fleet;

/* Parse a hosts file: one libvirt URI per line; '#' starts a comment (at the start of a line
 * or after a blank), blank lines are skipped. URIs are appended to *@uris (a growing array of
 * owned strings; *@n entries). A bad line is KC_ERR_INVALID naming "@path:LINE" and the
 * token; a URI given twice (here or in the *@n already there) is an error too. */
int kc_fleet_parse_hosts(const char *text, const char *path, char ***uris, size_t *n,
                         kc_error *err);

/* Check one URI from the command line or a file: "scheme://..." with a scheme of letters,
 * digits, '+', '-', '.', at most KC_FLEET_URI_MAX - 1 bytes, no blanks or control bytes. */
int kc_fleet_check_uri(const char *uri, kc_error *err);

/* For libvirt's ssh transport (scheme "...+ssh"), add the URI parameter no_tty=1 (libvirt
 * then runs ssh with BatchMode=yes: it fails instead of asking for a password or a host key
 * confirmation). Other URIs, and URIs that set no_tty already, are copied unchanged.
 * Returns -1 if @out (of @size bytes) is too small. */
int kc_fleet_uri_no_tty(const char *uri, char *out, size_t size);

/* A new fleet of @n hosts with @uris (copied; checked with kc_fleet_check_uri). */
kc_fleet *kc_fleet_new(const char *const *uris, size_t n, kc_error *err);
void kc_fleet_free(kc_fleet *fleet);

typedef struct kc_fleet_opts {
    unsigned parallel;             /* children at once; 0 = KC_FLEET_PARALLEL_DEFAULT */
    unsigned timeout_s;            /* per host, connecting included; 0 = 10 */
    bool no_tty;                   /* add no_tty=1 to ssh URIs (stdin is not a terminal) */
    const char *sysroot;           /* as kc_collect_opts.sysroot */
    /* called after each host finishes (may be NULL) */
    void (*progress)(void *opaque, size_t done, size_t total, size_t failed);
    void *opaque;
} kc_fleet_opts;

/* Collect every host's facts: at most @opts->parallel children at once, driven by poll()
 * from this one thread, each killed at its own deadline (start + timeout). A host that
 * fails gets ok = false and its error; the others are unaffected. Returns 0, or -1 with
 * @err only when the run itself cannot go on (poll fails). */
int kc_fleet_collect(kc_fleet *fleet, const kc_fleet_opts *opts, kc_error *err);

/* Plan the hosts whose facts arrived: kc_facts_to_host (a host that fails there becomes a
 * failed row with that error), one kc_fit per shape, totals per shape, and with @counts the
 * placement (kc_place_solve over the hosts that answered, in the order given). The shapes,
 * labels and counts are borrowed for the fleet's life. Returns 0, or -1 with @err (a shape
 * or policy the core rejects). */
int kc_fleet_plan(kc_fleet *fleet, const kc_catalog *cat, const kc_shape *shapes,
                  const char *const *labels, const uint64_t *counts, size_t n_shapes,
                  const kc_policy *policy, kc_existing existing, kc_error *err);

/* Order the hosts by @key; failed hosts last, in the order given. Deterministic. */
void kc_fleet_sort_hosts(kc_fleet *fleet, kc_fleet_sort key);

/* Write each collected host's facts JSON into the existing directory @dir, atomically (a
 * temporary file, then rename). File names: the host name when no other host has it (all
 * test-driver hosts share one), else the URI, with every byte
 * outside [A-Za-z0-9._-] made '_', a leading '.' made '_', "-2", "-3"... on a clash, and
 * ".json". Sets each host's facts_file. Returns 0, or -1 with @err (KC_ERR_HOST). */
int kc_fleet_save_facts(kc_fleet *fleet, const char *dir, const char *version, kc_error *err);

/* The file-name stem for @name (see kc_fleet_save_facts) into @out of @size (>= 2) bytes. */
void kc_fleet_safe_name(const char *name, char *out, size_t size);

#endif /* KC_FLEET_H */
