/* SPDX-License-Identifier: MIT */
/* names.h: the words of kvmcap's enumerations, one table per enum, read both ways: the
 * parsers look words up, the messages list them ("use spread, strict") and the renderers
 * print them, so the three cannot drift apart.
 *
 * Adding a value: add it to the enum here (or in kc.h), then its word to the table in
 * names.c; the _Static_asserts there fail until both agree. */
#ifndef KC_NAMES_H
#define KC_NAMES_H

#include <stddef.h>

#include "fit.h"    /* kc_res_state */
#include "kc.h"

/* Where a host's facts came from: the report's host.source, the facts file's "source". */
typedef enum kc_source {
    KC_SOURCE_LIBVIRT,     /* a libvirt daemon (local or remote URI) */
    KC_SOURCE_EMBEDDED,    /* qemu:///embed: no daemon on this host */
    KC_SOURCE_SPEC,        /* --host SPEC */
    KC_SOURCE_FACTS,       /* --facts FILE */
    KC_SOURCE_LAST
} kc_source;

/* An existing VM's state in a facts file ("running" or "off"). */
typedef enum kc_vm_state {
    KC_VM_RUNNING,         /* running, paused, blocked: holds its memory */
    KC_VM_OFF,             /* defined but not running */
    KC_VM_STATE_LAST
} kc_vm_state;

/* Which existing VMs count against the host (--existing). */
typedef enum kc_existing {
    KC_EXISTING_RUNNING,   /* default */
    KC_EXISTING_ALL,       /* running and defined-but-off */
    KC_EXISTING_NONE,
    KC_EXISTING_LAST
} kc_existing;

/* Output formats (--format; --json is --format json). Adding one: doc/hacking.md 3. */
typedef enum kc_format {
    KC_FORMAT_TABLE,
    KC_FORMAT_JSON,
    KC_FORMAT_CSV,
    KC_FORMAT_PROMETHEUS,
    KC_FORMAT_LAST                      /* sentinel: keep last */
} kc_format;

#define KC_FORMAT_BIT(f) (1u << (f))

/* The order of a fleet report's hosts (--sort). */
typedef enum kc_fleet_sort {
    KC_FLEET_SORT_NAME,        /* host name, then URI (default) */
    KC_FLEET_SORT_FREE,        /* most VMs of the shapes first (free memory without shapes) */
    KC_FLEET_SORT_BOTTLENECK,  /* by the first shape's bottleneck, then as FREE */
    KC_FLEET_SORT_LAST
} kc_fleet_sort;

/* The words of one enum, indexed by its values 0 .. n-1. */
typedef struct kc_names {
    const char *const *words;
    unsigned n;
} kc_names;

extern const kc_names kc_names_numa;       /* kc_numa_mode: spread, strict */
extern const kc_names kc_names_net;        /* kc_net_mode: bridge, nat */
extern const kc_names kc_names_nic_role;  /* kc_nic_role: vm, mgmt, storage */
extern const kc_names kc_names_raid;       /* kc_raid: none, raid0, raid1, raid5, raid6, raid10 */
extern const kc_names kc_names_existing;   /* kc_existing: running, all, none */
extern const kc_names kc_names_format;     /* kc_format: table, json, csv, prometheus */
extern const kc_names kc_names_sort;       /* kc_fleet_sort: name, free, bottleneck */
extern const kc_names kc_names_source;     /* kc_source: libvirt, embedded, spec, facts */
extern const kc_names kc_names_vm_state;   /* kc_vm_state: running, off */
extern const kc_names kc_names_res_state;  /* kc_res_state: absent, unbounded, bounded,
                                            * unknown (the reports' resource "state") */

/* The word of @value, or "unknown" for a value the table does not have. */
const char *kc_names_word(const kc_names *t, int value);

/* The word of @value in kc_names_<table>: KC_NAME(numa, policy->numa) is "spread". */
#define KC_NAME(table, value) kc_names_word(&kc_names_##table, (int)(value))

/* The value whose word is @word (exact, case-sensitive), or -1. */
int kc_names_value(const kc_names *t, const char *word);

/* The words of the values in @mask (bit 1 << value; ~0u for all), joined by ", ", into
 * @buf of @size bytes (cut if needed). Returns @buf. */
const char *kc_names_list(const kc_names *t, unsigned mask, char *buf, size_t size);

#endif /* KC_NAMES_H */
