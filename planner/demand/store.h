/* SPDX-License-Identifier: MIT */
/* store.h: the recording file (SQLite): write samples as they come, read them back checked. */
#ifndef KC_STORE_H
#define KC_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts/sample.h"
#include "kc.h"

/*
 * The schema is a contract: doc/recording.md describes every table and column. Version 2
 * is PRAGMA user_version = 2 with PRAGMA application_id = KC_STORE_APP_ID; its vm_samples
 * rows after a VM's base row hold differences, which the reader turns back into the values
 * (kc_store_vm_rows gives values, whatever the version). Version 1 files (values only) are
 * read, not appended to. The file is in
 * WAL mode; every sample is one transaction, so a recorder killed at any point leaves every
 * sample committed before it readable. Several hosts (one row in `hosts` each) and several
 * runs (one `kvmcap record` each) share one file.
 *
 * A recording is untrusted input when read: the version, the tables and every value are
 * checked (KC_ERR_INVALID naming the file, the table, the row and the column).
 */
#define KC_STORE_SCHEMA 2
#define KC_STORE_APP_ID 0x6b766d63   /* "kvmc" */

typedef struct kc_store kc_store;

/* Open @path for recording (created if missing, else checked and appended to) or, with
 * @write false, for reading (must exist). Returns the store, or NULL with @err:
 * KC_ERR_INVALID for a file that is not a kvmcap recording or of another schema version,
 * KC_ERR_HOST for I/O (missing file, no permission, disk full). Close with kc_store_close. */
kc_store *kc_store_open(const char *path, bool write, kc_error *err);

/* Close (NULL-safe). Returns 0, or -1 with @err when the last write-back failed (@err may
 * be NULL). */
int kc_store_close(kc_store *st, kc_error *err);

/* The path it was opened with (borrowed). */
const char *kc_store_path(const kc_store *st);

/* ---- writing (a recorder) ---- */

/* Start a run on host (@uri, @hostname): the host row is found or added. @facts_json is
 * the host's facts at the start (a facts file, may be NULL). */
int kc_store_begin_run(kc_store *st, const char *uri, const char *hostname,
                       uint32_t interval_ms, uint64_t started_wall_ns, const char *facts_json,
                       const char *version, kc_error *err);

/* Append one sample of the current run in one transaction. @fresh: the sample starts new
 * series (the recorder reconnected after a gap). Returns 0, or -1 with @err (KC_ERR_HOST;
 * "disk full" when SQLite says so); a failed sample is rolled back, the ones before stay. */
int kc_store_add_sample(kc_store *st, const kc_sample *s, bool fresh, kc_error *err);

/* Record that no sample could be taken from @from_wall_ns to @to_wall_ns, and why. */
int kc_store_add_gap(kc_store *st, uint64_t from_wall_ns, uint64_t to_wall_ns,
                     const char *reason, kc_error *err);

/* Mark the run ended (a clean stop) with how many samples it took. */
int kc_store_end_run(kc_store *st, uint64_t ended_wall_ns, kc_error *err);

/* For tests: cap the file at @pages pages (SQLite then answers "database or disk is full",
 * as on a full disk). */
int kc_store_limit_pages(kc_store *st, uint64_t pages, kc_error *err);

/* ---- reading ---- */

typedef struct kc_store_host {
    int64_t id;
    char uri[256];
    char hostname[256];
} kc_store_host;

/* Every host of the file, in the order they were first recorded. Caller frees *hosts. */
int kc_store_hosts(kc_store *st, kc_store_host **hosts, size_t *n, kc_error *err);

/* One sample of a host (what the demand model needs of it). */
typedef struct kc_store_slot {
    int64_t sample_id;
    int64_t run_id;
    uint64_t wall_ns, mono_ns;
    uint32_t interval_ms;      /* the run's --interval */
    bool fresh;                /* starts new series: first of its run, or after a gap */
    uint64_t cpu_busy_ns;      /* host user + system (NONE if not given) */
    uint64_t mem_total_kib, mem_free_kib, mem_buffers_kib, mem_cached_kib;
    uint64_t ksm_pages_sharing, page_kib;
} kc_store_slot;

/* The samples of host @host_id whose wall clock is in [@since_ns, @until_ns] (0: open), in
 * the order they were taken. Caller frees *slots. */
int kc_store_slots(kc_store *st, int64_t host_id, uint64_t since_ns, uint64_t until_ns,
                   kc_store_slot **slots, size_t *n, kc_error *err);

typedef struct kc_store_vm {
    int64_t id;
    char name[KC_NAME_MAX];
    char uuid[40];
} kc_store_vm;

/* The domains ever seen on host @host_id, by name. Caller frees *vms. */
int kc_store_vms(kc_store *st, int64_t host_id, kc_store_vm **vms, size_t *n, kc_error *err);

/* The one reader of a domain's readings (every reader of a recording goes through it:
 * kc_store_vm_rows below, and with it demand, rightsize and --demand): the readings of
 * domain @vm_id at samples @first..@last (ids), in order, each value checked and, in
 * schema 2, rebuilt from the differences. Open returns NULL with @err on failure. */
typedef struct kc_store_iter kc_store_iter;

kc_store_iter *kc_store_iter_open(kc_store *st, int64_t vm_id, int64_t first, int64_t last,
                                  kc_error *err);

/* The next reading into *@sample_id and *@vm (name and uuid left empty; counters the host did
 * not give are KC_SAMPLE_NONE): 1, or 0 at the end, or -1 with @err (KC_ERR_INVALID for a bad
 * value, naming the row and the column; the iterator then only returns 0). */
int kc_store_iter_next(kc_store_iter *it, int64_t *sample_id, kc_sample_vm *vm, kc_error *err);

void kc_store_iter_close(kc_store_iter *it);   /* NULL-safe */

/* Call @row for each reading of domain @vm_id at samples @first..@last (ids), in order;
 * a non-zero return of @row stops with that value. Counters the host did not give are
 * KC_SAMPLE_NONE. The row's name and uuid are left empty. */
int kc_store_vm_rows(kc_store *st, int64_t vm_id, int64_t first, int64_t last,
                     int (*row)(void *ctx, int64_t sample_id, const kc_sample_vm *vm),
                     void *ctx, kc_error *err);

/* The facts file text of host @host_id's latest run that has one (caller frees), or NULL
 * with *@err code KC_ERR_NONE when no run kept facts. */
char *kc_store_facts_json(kc_store *st, int64_t host_id, kc_error *err);

/* How many runs and gaps host @host_id has in the window (for the report). */
int kc_store_counts(kc_store *st, int64_t host_id, uint64_t since_ns, uint64_t until_ns,
                    size_t *runs, size_t *gaps, kc_error *err);

#endif /* KC_STORE_H */
