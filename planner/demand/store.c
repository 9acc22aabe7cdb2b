/* SPDX-License-Identifier: MIT */
/* store.c: the recording file in SQLite (schema in doc/recording.md), written one sample per
 * transaction and read back with every value checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "demand/store.h"
#include "util/util.h"

/* Version 2 of the schema (doc/recording.md is the contract; change both together). Version
 * 1 differs only in vm_samples: no `base` column, every value absolute; it is still read. */
static const char schema_v2[] =
    "CREATE TABLE hosts ("
    " id INTEGER PRIMARY KEY,"
    " uri TEXT NOT NULL,"
    " hostname TEXT NOT NULL,"
    " UNIQUE (uri, hostname));"
    "CREATE TABLE runs ("
    " id INTEGER PRIMARY KEY,"
    " host_id INTEGER NOT NULL REFERENCES hosts (id),"
    " kvmcap TEXT NOT NULL,"
    " interval_ms INTEGER NOT NULL,"
    " started_ns INTEGER NOT NULL,"
    " ended_ns INTEGER,"
    " facts TEXT);"
    "CREATE TABLE samples ("
    " id INTEGER PRIMARY KEY,"
    " run_id INTEGER NOT NULL REFERENCES runs (id),"
    " wall_ns INTEGER NOT NULL,"
    " mono_ns INTEGER NOT NULL,"
    " took_ns INTEGER NOT NULL,"
    " fresh INTEGER NOT NULL,"
    " cpu_user_ns INTEGER, cpu_system_ns INTEGER, cpu_idle_ns INTEGER, cpu_iowait_ns INTEGER,"
    " mem_total_kib INTEGER, mem_free_kib INTEGER, mem_buffers_kib INTEGER,"
    " mem_cached_kib INTEGER, ksm_pages_sharing INTEGER, page_kib INTEGER);"
    "CREATE INDEX samples_by_run ON samples (run_id, id);"
    "CREATE TABLE vms ("
    " id INTEGER PRIMARY KEY,"
    " host_id INTEGER NOT NULL REFERENCES hosts (id),"
    " uuid TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " UNIQUE (host_id, uuid));"
    "CREATE TABLE vm_samples ("
    " vm_id INTEGER NOT NULL REFERENCES vms (id),"
    " sample_id INTEGER NOT NULL REFERENCES samples (id),"
    " base INTEGER NOT NULL,"
    " state INTEGER NOT NULL,"
    " dom_id INTEGER NOT NULL,"
    " vcpus INTEGER NOT NULL,"
    " mem_kib INTEGER,"
    " cpu_time_ns INTEGER, vcpu_time_ns INTEGER, vcpu_delay_ns INTEGER,"
    " balloon_current_kib INTEGER, rss_kib INTEGER, usable_kib INTEGER,"
    " available_kib INTEGER,"
    " net_rx_bytes INTEGER, net_tx_bytes INTEGER,"
    " rd_reqs INTEGER, wr_reqs INTEGER, rd_bytes INTEGER, wr_bytes INTEGER,"
    " PRIMARY KEY (vm_id, sample_id)) WITHOUT ROWID;"
    /* the readings with every value absolute: a running sum of the differences since the
     * VM's last base row (a segment) */
    "CREATE VIEW vm_readings AS SELECT vm_id, sample_id, state,"
    " sum(dom_id) OVER w AS dom_id, sum(vcpus) OVER w AS vcpus, sum(mem_kib) OVER w AS mem_kib,"
    " sum(cpu_time_ns) OVER w AS cpu_time_ns, sum(vcpu_time_ns) OVER w AS vcpu_time_ns,"
    " sum(vcpu_delay_ns) OVER w AS vcpu_delay_ns,"
    " sum(balloon_current_kib) OVER w AS balloon_current_kib, sum(rss_kib) OVER w AS rss_kib,"
    " sum(usable_kib) OVER w AS usable_kib, sum(available_kib) OVER w AS available_kib,"
    " sum(net_rx_bytes) OVER w AS net_rx_bytes, sum(net_tx_bytes) OVER w AS net_tx_bytes,"
    " sum(rd_reqs) OVER w AS rd_reqs, sum(wr_reqs) OVER w AS wr_reqs,"
    " sum(rd_bytes) OVER w AS rd_bytes, sum(wr_bytes) OVER w AS wr_bytes"
    " FROM (SELECT *, sum(base) OVER (PARTITION BY vm_id ORDER BY sample_id) AS segment"
    " FROM vm_samples)"
    " WINDOW w AS (PARTITION BY vm_id, segment ORDER BY sample_id);"
    "CREATE TABLE gaps ("
    " run_id INTEGER NOT NULL REFERENCES runs (id),"
    " from_ns INTEGER NOT NULL,"
    " to_ns INTEGER NOT NULL,"
    " reason TEXT NOT NULL);";

/* The numeric columns of vm_samples after `state`, in order: absolute in a base row, else the
 * difference from the VM's previous row. */
enum { VC_DOM_ID, VC_VCPUS, VC_MEM, VC_CPU, VC_VCPU, VC_DELAY, VC_BALLOON, VC_RSS, VC_USABLE,
       VC_AVAILABLE, VC_RX, VC_TX, VC_RD_REQS, VC_WR_REQS, VC_RD_BYTES, VC_WR_BYTES, VC_LAST };

/* A domain's values in that order; absent (KC_SAMPLE_NONE or beyond SQLite's range) is
 * INT64_MIN. */
static void vm_values(const kc_sample_vm *vm, int64_t v[VC_LAST])
{
    const uint64_t u[VC_LAST] = { 0, vm->vcpus, vm->mem_kib, vm->cpu_time_ns, vm->vcpu_time_ns,
                                  vm->vcpu_delay_ns, vm->balloon_current_kib, vm->rss_kib,
                                  vm->usable_kib, vm->available_kib, vm->net_rx_bytes,
                                  vm->net_tx_bytes, vm->rd_reqs, vm->wr_reqs, vm->rd_bytes,
                                  vm->wr_bytes };

    for (int i = 1; i < VC_LAST; i++)
        v[i] = u[i] > (uint64_t)INT64_MAX ? INT64_MIN : (int64_t)u[i];
    /* libvirt: -1 when off, else an unsigned int (the bounds keep differences in range) */
    v[VC_DOM_ID] = vm->dom_id < -1 ? -1 : vm->dom_id > INT64_MAX / 2 ? INT64_MAX / 2
                                                                     : vm->dom_id;
}

/* The domains of the current run whose row id is known (uuid -> vms.id). */
typedef struct vm_cache {
    char uuid[40];
    char name[KC_NAME_MAX];
    int64_t id;
    bool have_prev;            /* prev holds its last row of this run */
    int64_t prev[VC_LAST];
} vm_cache;

struct kc_store {
    sqlite3 *db;
    char path[4096];
    bool write;
    int64_t schema;            /* of the file: 1 (read only) or KC_STORE_SCHEMA */
    int64_t host_id, run_id;
    vm_cache *ids;
    size_t n_ids, cap_ids;
    sqlite3_stmt *ins_sample, *ins_vm_sample, *ins_vm, *get_vm, *ren_vm;
};

const char *kc_store_path(const kc_store *st)
{
    return st->path;
}

/* SQLite's message for the last failure of @db, as our error. Full disks are host errors
 * with a plain message. */
static int db_error(kc_store *st, int rc, const char *what, kc_error *err)
{
    const char *m = st && st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc);
    int prim = rc & 0xff;

    if (prim == SQLITE_FULL)
        return kc_error_set(err, KC_ERR_HOST, "cannot %s '%s': disk full", what,
                            st ? st->path : "?");
    if (prim == SQLITE_NOTADB || prim == SQLITE_CORRUPT)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is not a kvmcap recording (%s)",
                            st ? st->path : "?", m);
    return kc_error_set(err, KC_ERR_HOST, "cannot %s '%s': %s", what, st ? st->path : "?", m);
}

static int exec(kc_store *st, const char *sql, const char *what, kc_error *err)
{
    int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);

    return rc == SQLITE_OK ? 0 : db_error(st, rc, what, err);
}

static int prepare(kc_store *st, const char *sql, sqlite3_stmt **stmt, kc_error *err)
{
    int rc = sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL);

    if (rc == SQLITE_OK)
        return 0;
    /* a table or column missing: not our schema, whatever its version says */
    if ((rc & 0xff) == SQLITE_ERROR)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is not a kvmcap recording of schema %lld "
                            "(%s)", st->path,
                            (long long)(st->schema ? st->schema : KC_STORE_SCHEMA),
                            sqlite3_errmsg(st->db));
    return db_error(st, rc, "read", err);
}

/* One integer pragma. */
static int pragma_int(kc_store *st, const char *name, int64_t *out, kc_error *err)
{
    char sql[64];
    sqlite3_stmt *q = NULL;
    int rc;

    snprintf(sql, sizeof(sql), "PRAGMA %s", name);
    if (prepare(st, sql, &q, err) < 0)
        return -1;
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        return db_error(st, rc, "read", err);
    }
    *out = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return 0;
}

/* Which tables exist (0: an empty file, ready for the schema). */
static int count_tables(kc_store *st, int64_t *n, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    int rc;

    if (prepare(st, "SELECT count(*) FROM sqlite_master", &q, err) < 0)
        return -1;
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        return db_error(st, rc, "read", err);
    }
    *n = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return 0;
}

static int check_version(kc_store *st, kc_error *err)
{
    int64_t app = 0, ver = 0;

    if (pragma_int(st, "application_id", &app, err) < 0 ||
        pragma_int(st, "user_version", &ver, err) < 0)
        return -1;
    if (app != KC_STORE_APP_ID)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is not a kvmcap recording "
                            "(application_id %lld)", st->path, (long long)app);
    if (ver != KC_STORE_SCHEMA && ver != 1)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is a kvmcap recording of schema %lld; "
                            "this kvmcap reads schemas 1 and %d", st->path, (long long)ver,
                            KC_STORE_SCHEMA);
    if (st->write && ver != KC_STORE_SCHEMA)
        return kc_error_set(err, KC_ERR_INVALID, "'%s' is a kvmcap recording of schema %lld, "
                            "which this kvmcap reads but does not append to (schema %d): "
                            "record into a new file", st->path, (long long)ver,
                            KC_STORE_SCHEMA);
    st->schema = ver;
    return 0;
}

static int prepare_writes(kc_store *st, kc_error *err)
{
    if (prepare(st, "INSERT INTO samples (run_id, wall_ns, mono_ns, took_ns, fresh, cpu_user_ns,"
                " cpu_system_ns, cpu_idle_ns, cpu_iowait_ns, mem_total_kib, mem_free_kib,"
                " mem_buffers_kib, mem_cached_kib, ksm_pages_sharing, page_kib)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &st->ins_sample, err) < 0 ||
        prepare(st, "INSERT INTO vm_samples (vm_id, sample_id, base, state, dom_id, vcpus,"
                " mem_kib, cpu_time_ns, vcpu_time_ns, vcpu_delay_ns, balloon_current_kib,"
                " rss_kib, usable_kib, available_kib, net_rx_bytes, net_tx_bytes, rd_reqs,"
                " wr_reqs, rd_bytes, wr_bytes)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                &st->ins_vm_sample, err) < 0 ||
        prepare(st, "INSERT OR IGNORE INTO vms (host_id, uuid, name) VALUES (?,?,?)",
                &st->ins_vm, err) < 0 ||
        prepare(st, "SELECT id, name FROM vms WHERE host_id = ? AND uuid = ?", &st->get_vm,
                err) < 0 ||
        prepare(st, "UPDATE vms SET name = ? WHERE id = ?", &st->ren_vm, err) < 0)
        return -1;
    return 0;
}

kc_store *kc_store_open(const char *path, bool write, kc_error *err)
{
    kc_store *st = kc_xcalloc(1, sizeof(*st));
    int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    int64_t tables = 0;
    struct stat sb;
    int rc;

    kc_strlcpy(st->path, path, sizeof(st->path));
    st->write = write;
    if (!write && stat(path, &sb) < 0) {
        kc_error_set(err, KC_ERR_HOST, "cannot open '%s': %s", path, strerror(errno));
        goto fail;
    }
    rc = sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        db_error(st, rc, "open", err);
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 1);
    /* a reader waits for a recorder's transaction rather than failing */
    sqlite3_busy_timeout(st->db, 5000);
    if (count_tables(st, &tables, err) < 0)
        goto fail;
    if (tables == 0) {
        if (!write) {
            kc_error_set(err, KC_ERR_INVALID, "'%s' is not a kvmcap recording (no tables)",
                         path);
            goto fail;
        }
        if (exec(st, "PRAGMA journal_mode = WAL", "write", err) < 0 ||
            exec(st, "BEGIN", "write", err) < 0 ||
            exec(st, schema_v2, "write", err) < 0 ||
            exec(st, "PRAGMA application_id = 1802923363", "write", err) < 0 ||
            exec(st, "PRAGMA user_version = 2", "write", err) < 0 ||
            exec(st, "COMMIT", "write", err) < 0)
            goto fail;
    }
    if (check_version(st, err) < 0)
        goto fail;
    if (write) {
        /* WAL: a commit is one append to the log; NORMAL syncs at checkpoints, which keeps
         * every committed sample across a killed process (not across a power loss) */
        if (exec(st, "PRAGMA journal_mode = WAL", "write", err) < 0 ||
            exec(st, "PRAGMA synchronous = NORMAL", "write", err) < 0 ||
            prepare_writes(st, err) < 0)
            goto fail;
    }
    return st;
 fail:
    kc_store_close(st, NULL);
    return NULL;
}

int kc_store_close(kc_store *st, kc_error *err)
{
    int rc;

    if (!st)
        return 0;
    sqlite3_finalize(st->ins_sample);
    sqlite3_finalize(st->ins_vm_sample);
    sqlite3_finalize(st->ins_vm);
    sqlite3_finalize(st->get_vm);
    sqlite3_finalize(st->ren_vm);
    rc = st->db ? sqlite3_close(st->db) : SQLITE_OK;
    free(st->ids);
    free(st);
    if (rc != SQLITE_OK)
        return kc_error_set(err, KC_ERR_HOST, "cannot close the recording: %s",
                            sqlite3_errstr(rc));
    return 0;
}

int kc_store_limit_pages(kc_store *st, uint64_t pages, kc_error *err)
{
    char sql[64];

    snprintf(sql, sizeof(sql), "PRAGMA max_page_count = %llu", (unsigned long long)pages);
    return exec(st, sql, "write", err);
}

/* ---- writing ---- */

/* Bind a value that may be absent: KC_SAMPLE_NONE (or beyond SQLite's signed range) is
 * NULL. */
static int bind_u64(sqlite3_stmt *q, int i, uint64_t v)
{
    if (v == KC_SAMPLE_NONE || v > (uint64_t)INT64_MAX)
        return sqlite3_bind_null(q, i);
    return sqlite3_bind_int64(q, i, (sqlite3_int64)v);
}

/* Step a write statement to its end; reset it for the next use. */
static int step_done(kc_store *st, sqlite3_stmt *q, const char *what, kc_error *err)
{
    int rc = sqlite3_step(q);

    sqlite3_reset(q);
    sqlite3_clear_bindings(q);
    return rc == SQLITE_DONE ? 0 : db_error(st, rc, what, err);
}

int kc_store_begin_run(kc_store *st, const char *uri, const char *hostname,
                       uint32_t interval_ms, uint64_t started_wall_ns, const char *facts_json,
                       const char *version, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    int ret = -1, rc;

    if (exec(st, "BEGIN IMMEDIATE", "write", err) < 0)
        return -1;
    if (prepare(st, "INSERT OR IGNORE INTO hosts (uri, hostname) VALUES (?, ?)", &q, err) < 0)
        goto out;
    sqlite3_bind_text(q, 1, uri, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, hostname, -1, SQLITE_TRANSIENT);
    if (step_done(st, q, "write", err) < 0)
        goto out;
    sqlite3_finalize(q);
    q = NULL;
    if (prepare(st, "SELECT id FROM hosts WHERE uri = ? AND hostname = ?", &q, err) < 0)
        goto out;
    sqlite3_bind_text(q, 1, uri, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(q, 2, hostname, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        db_error(st, rc, "write", err);
        goto out;
    }
    st->host_id = sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    q = NULL;
    if (prepare(st, "INSERT INTO runs (host_id, kvmcap, interval_ms, started_ns, facts)"
                " VALUES (?, ?, ?, ?, ?)", &q, err) < 0)
        goto out;
    sqlite3_bind_int64(q, 1, st->host_id);
    sqlite3_bind_text(q, 2, version, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(q, 3, interval_ms);
    bind_u64(q, 4, started_wall_ns);
    if (facts_json)
        sqlite3_bind_text(q, 5, facts_json, -1, SQLITE_TRANSIENT);
    if (step_done(st, q, "write", err) < 0)
        goto out;
    st->run_id = sqlite3_last_insert_rowid(st->db);
    st->n_ids = 0;
    if (exec(st, "COMMIT", "write", err) < 0)
        goto out;
    ret = 0;
 out:
    sqlite3_finalize(q);
    if (ret < 0)
        (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    return ret;
}

/* The cache entry of @vm on the current host (its vms.id added, or renamed, as needed). */
static vm_cache *vm_row(kc_store *st, const kc_sample_vm *vm, kc_error *err)
{
    int64_t id_, *id = &id_;
    int rc;

    for (size_t i = 0; i < st->n_ids; i++)
        if (strcmp(st->ids[i].uuid, vm->uuid) == 0) {
            if (strcmp(st->ids[i].name, vm->name) != 0)
                break;      /* renamed: update below */
            return &st->ids[i];
        }
    sqlite3_bind_int64(st->ins_vm, 1, st->host_id);
    sqlite3_bind_text(st->ins_vm, 2, vm->uuid, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st->ins_vm, 3, vm->name, -1, SQLITE_TRANSIENT);
    if (step_done(st, st->ins_vm, "write", err) < 0)
        return NULL;
    sqlite3_bind_int64(st->get_vm, 1, st->host_id);
    sqlite3_bind_text(st->get_vm, 2, vm->uuid, -1, SQLITE_TRANSIENT);
    rc = sqlite3_step(st->get_vm);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st->get_vm);
        db_error(st, rc, "write", err);
        return NULL;
    }
    *id = sqlite3_column_int64(st->get_vm, 0);
    {
        const unsigned char *name = sqlite3_column_text(st->get_vm, 1);
        bool renamed = !name || strcmp((const char *)name, vm->name) != 0;

        sqlite3_reset(st->get_vm);
        sqlite3_clear_bindings(st->get_vm);
        if (renamed) {
            sqlite3_bind_text(st->ren_vm, 1, vm->name, -1, SQLITE_TRANSIENT);
            sqlite3_bind_int64(st->ren_vm, 2, *id);
            if (step_done(st, st->ren_vm, "write", err) < 0)
                return NULL;
        }
    }
    for (size_t i = 0; i < st->n_ids; i++)
        if (strcmp(st->ids[i].uuid, vm->uuid) == 0) {
            kc_strlcpy(st->ids[i].name, vm->name, sizeof(st->ids[i].name));
            return &st->ids[i];
        }
    if (st->n_ids == st->cap_ids) {
        st->cap_ids = st->cap_ids ? st->cap_ids * 2 : 64;
        st->ids = kc_xreallocarray(st->ids, st->cap_ids, sizeof(*st->ids));
    }
    memset(&st->ids[st->n_ids], 0, sizeof(st->ids[0]));
    kc_strlcpy(st->ids[st->n_ids].uuid, vm->uuid, sizeof(st->ids[0].uuid));
    kc_strlcpy(st->ids[st->n_ids].name, vm->name, sizeof(st->ids[0].name));
    st->ids[st->n_ids].id = *id;
    return &st->ids[st->n_ids++];
}

/* Write one reading. A base row holds the values; the rows after it hold the differences
 * from the VM's previous row (small numbers: a counter's growth over one interval, 0 for
 * what did not change), as long as the run goes on without a gap and the same values are
 * present. A difference is exact (the values are at most INT64_MAX), so the readings read
 * back are the ones written. */
static int add_vm_sample(kc_store *st, int64_t sample_id, const kc_sample_vm *vm, kc_error *err)
{
    sqlite3_stmt *q = st->ins_vm_sample;
    vm_cache *c = vm_row(st, vm, err);
    int64_t cur[VC_LAST];
    bool base;

    if (!c)
        return -1;
    vm_values(vm, cur);
    base = !c->have_prev;
    for (int i = 0; i < VC_LAST && !base; i++)
        base = (cur[i] == INT64_MIN) != (c->prev[i] == INT64_MIN);
    sqlite3_bind_int64(q, 1, c->id);
    sqlite3_bind_int64(q, 2, sample_id);
    sqlite3_bind_int(q, 3, base);
    sqlite3_bind_int(q, 4, (int)vm->state);
    for (int i = 0; i < VC_LAST; i++) {
        if (cur[i] == INT64_MIN)
            sqlite3_bind_null(q, 5 + i);
        else
            sqlite3_bind_int64(q, 5 + i, base ? cur[i] : cur[i] - c->prev[i]);
    }
    if (step_done(st, q, "write", err) < 0)
        return -1;
    memcpy(c->prev, cur, sizeof(cur));
    c->have_prev = true;
    return 0;
}

int kc_store_add_sample(kc_store *st, const kc_sample *s, bool fresh, kc_error *err)
{
    sqlite3_stmt *q = st->ins_sample;
    const uint64_t vals[] = { s->cpu_user_ns, s->cpu_system_ns, s->cpu_idle_ns, s->cpu_iowait_ns,
                              s->mem_total_kib, s->mem_free_kib, s->mem_buffers_kib,
                              s->mem_cached_kib, s->ksm_pages_sharing, s->page_kib };
    int64_t sample_id;

    if (exec(st, "BEGIN IMMEDIATE", "write", err) < 0)
        return -1;
    sqlite3_bind_int64(q, 1, st->run_id);
    bind_u64(q, 2, s->wall_ns);
    bind_u64(q, 3, s->mono_ns);
    bind_u64(q, 4, s->took_ns);
    sqlite3_bind_int(q, 5, fresh);
    for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
        bind_u64(q, 6 + (int)i, vals[i]);
    if (step_done(st, q, "write", err) < 0)
        goto fail;
    sample_id = sqlite3_last_insert_rowid(st->db);
    if (fresh)              /* after a gap: every domain starts from a base row */
        for (size_t i = 0; i < st->n_ids; i++)
            st->ids[i].have_prev = false;
    for (size_t i = 0; i < s->n_vms; i++)
        if (add_vm_sample(st, sample_id, &s->vms[i], err) < 0)
            goto fail;
    if (exec(st, "COMMIT", "write", err) < 0)
        goto fail;
    return 0;
 fail:
    (void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    /* the vm ids cached during the failed transaction may not exist */
    st->n_ids = 0;
    return -1;
}

int kc_store_add_gap(kc_store *st, uint64_t from_wall_ns, uint64_t to_wall_ns,
                     const char *reason, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    int ret;

    if (prepare(st, "INSERT INTO gaps (run_id, from_ns, to_ns, reason) VALUES (?,?,?,?)", &q,
                err) < 0)
        return -1;
    sqlite3_bind_int64(q, 1, st->run_id);
    bind_u64(q, 2, from_wall_ns);
    bind_u64(q, 3, to_wall_ns);
    sqlite3_bind_text(q, 4, reason, -1, SQLITE_TRANSIENT);
    ret = step_done(st, q, "write", err);
    sqlite3_finalize(q);
    return ret;
}

int kc_store_end_run(kc_store *st, uint64_t ended_wall_ns, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    int ret;

    if (prepare(st, "UPDATE runs SET ended_ns = ? WHERE id = ?", &q, err) < 0)
        return -1;
    bind_u64(q, 1, ended_wall_ns);
    sqlite3_bind_int64(q, 2, st->run_id);
    ret = step_done(st, q, "write", err);
    sqlite3_finalize(q);
    return ret;
}

/* ---- reading: every value is checked ---- */

/* Column @c of the current row as a non-negative integer; NULL is KC_SAMPLE_NONE when
 * @nullable. */
static int col_u64(kc_store *st, sqlite3_stmt *q, int c, bool nullable, const char *table,
                   int64_t row, uint64_t *out, kc_error *err)
{
    int t = sqlite3_column_type(q, c);
    sqlite3_int64 v;

    if (t == SQLITE_NULL && nullable) {
        *out = KC_SAMPLE_NONE;
        return 0;
    }
    if (t != SQLITE_INTEGER || (v = sqlite3_column_int64(q, c)) < 0)
        return kc_error_set(err, KC_ERR_INVALID, "'%s': %s row %lld: '%s' must be a "
                            "non-negative integer", st->path, table, (long long)row,
                            sqlite3_column_name(q, c));
    *out = (uint64_t)v;
    return 0;
}

/* Column @c as text of at most @size - 1 bytes, without NUL bytes. */
static int col_text(kc_store *st, sqlite3_stmt *q, int c, const char *table, int64_t row,
                    char *out, size_t size, kc_error *err)
{
    const unsigned char *s;
    int len;

    if (sqlite3_column_type(q, c) != SQLITE_TEXT)
        goto bad;
    s = sqlite3_column_text(q, c);
    len = sqlite3_column_bytes(q, c);
    if (!s || len < 0 || (size_t)len >= size || strlen((const char *)s) != (size_t)len)
        goto bad;
    memcpy(out, s, (size_t)len + 1);
    return 0;
 bad:
    return kc_error_set(err, KC_ERR_INVALID, "'%s': %s row %lld: '%s' must be text of at most "
                        "%zu bytes", st->path, table, (long long)row, sqlite3_column_name(q, c),
                        size - 1);
}

int kc_store_hosts(kc_store *st, kc_store_host **hosts, size_t *n, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    kc_store_host *h = NULL;
    size_t cnt = 0, cap = 0;
    int rc, ret = -1;

    *hosts = NULL;
    *n = 0;
    if (prepare(st, "SELECT id, uri, hostname FROM hosts ORDER BY id", &q, err) < 0)
        return -1;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        uint64_t u;

        if (cnt == cap) {
            cap = cap ? cap * 2 : 4;
            h = kc_xreallocarray(h, cap, sizeof(*h));
        }
        if (col_u64(st, q, 0, false, "hosts", id, &u, err) < 0 ||
            col_text(st, q, 1, "hosts", id, h[cnt].uri, sizeof(h[cnt].uri), err) < 0 ||
            col_text(st, q, 2, "hosts", id, h[cnt].hostname, sizeof(h[cnt].hostname), err) < 0)
            goto out;
        h[cnt++].id = id;
    }
    if (rc != SQLITE_DONE) {
        db_error(st, rc, "read", err);
        goto out;
    }
    *hosts = h;
    *n = cnt;
    h = NULL;
    ret = 0;
 out:
    free(h);
    sqlite3_finalize(q);
    return ret;
}

int kc_store_slots(kc_store *st, int64_t host_id, uint64_t since_ns, uint64_t until_ns,
                   kc_store_slot **slots, size_t *n, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    kc_store_slot *sl = NULL;
    size_t cnt = 0, cap = 0;
    int rc, ret = -1;

    *slots = NULL;
    *n = 0;
    if (prepare(st, "SELECT s.id, s.run_id, s.wall_ns, s.mono_ns, r.interval_ms, s.fresh,"
                " s.cpu_user_ns, s.cpu_system_ns, s.mem_total_kib, s.mem_free_kib,"
                " s.mem_buffers_kib, s.mem_cached_kib, s.ksm_pages_sharing, s.page_kib"
                " FROM samples s JOIN runs r ON r.id = s.run_id"
                " WHERE r.host_id = ? AND s.wall_ns >= ? AND s.wall_ns <= ? ORDER BY s.id",
                &q, err) < 0)
        return -1;
    sqlite3_bind_int64(q, 1, host_id);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)(since_ns > INT64_MAX ? INT64_MAX : since_ns));
    sqlite3_bind_int64(q, 3, (sqlite3_int64)(until_ns == 0 || until_ns > INT64_MAX
                                             ? INT64_MAX : until_ns));
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);
        uint64_t u[14];
        kc_store_slot *s;

        for (int c = 0; c < 14; c++)
            if (col_u64(st, q, c, c >= 6, "samples", id, &u[c], err) < 0)
                goto out;
        if (u[4] == 0 || u[4] > UINT32_MAX || u[5] > 1) {
            kc_error_set(err, KC_ERR_INVALID, "'%s': samples row %lld: %s out of range",
                         st->path, (long long)id, u[5] > 1 ? "'fresh'" : "the run's interval");
            goto out;
        }
        if (cnt == cap) {
            cap = cap ? cap * 2 : 1024;
            sl = kc_xreallocarray(sl, cap, sizeof(*sl));
        }
        s = &sl[cnt++];
        s->sample_id = id;
        s->run_id = (int64_t)u[1];
        s->wall_ns = u[2];
        s->mono_ns = u[3];
        s->interval_ms = (uint32_t)u[4];
        s->fresh = u[5] != 0;
        s->cpu_busy_ns = u[6] == KC_SAMPLE_NONE || u[7] == KC_SAMPLE_NONE ||
                         u[6] > UINT64_MAX / 2 || u[7] > UINT64_MAX / 2
                         ? KC_SAMPLE_NONE : u[6] + u[7];
        s->mem_total_kib = u[8];
        s->mem_free_kib = u[9];
        s->mem_buffers_kib = u[10];
        s->mem_cached_kib = u[11];
        s->ksm_pages_sharing = u[12];
        s->page_kib = u[13];
    }
    if (rc != SQLITE_DONE) {
        db_error(st, rc, "read", err);
        goto out;
    }
    *slots = sl;
    *n = cnt;
    sl = NULL;
    ret = 0;
 out:
    free(sl);
    sqlite3_finalize(q);
    return ret;
}

int kc_store_vms(kc_store *st, int64_t host_id, kc_store_vm **vms, size_t *n, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    kc_store_vm *v = NULL;
    size_t cnt = 0, cap = 0;
    int rc, ret = -1;

    *vms = NULL;
    *n = 0;
    if (prepare(st, "SELECT id, name, uuid FROM vms WHERE host_id = ? ORDER BY name, id", &q,
                err) < 0)
        return -1;
    sqlite3_bind_int64(q, 1, host_id);
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(q, 0);

        if (cnt == cap) {
            cap = cap ? cap * 2 : 64;
            v = kc_xreallocarray(v, cap, sizeof(*v));
        }
        if (col_text(st, q, 1, "vms", id, v[cnt].name, sizeof(v[cnt].name), err) < 0 ||
            col_text(st, q, 2, "vms", id, v[cnt].uuid, sizeof(v[cnt].uuid), err) < 0)
            goto out;
        v[cnt++].id = id;
    }
    if (rc != SQLITE_DONE) {
        db_error(st, rc, "read", err);
        goto out;
    }
    *vms = v;
    *n = cnt;
    v = NULL;
    ret = 0;
 out:
    free(v);
    sqlite3_finalize(q);
    return ret;
}

/* One value of a vm_samples row: column @c holds, in a base row, the value (NULL: absent,
 * else >= @min), in a difference row the change from @prev (NULL exactly when @prev is
 * absent). The result is the value, INT64_MIN when absent; -1 on a bad value. */
static int vm_value(kc_store *st, sqlite3_stmt *q, int i, bool base, int64_t prev, int64_t min,
                    int64_t vm_id, int64_t sid, int64_t *out, kc_error *err)
{
    int c = 3 + i;             /* sample_id, base and state come first */
    int t = sqlite3_column_type(q, c);
    int64_t v;

    if (t == SQLITE_NULL && (base ? i >= VC_MEM : prev == INT64_MIN)) {
        *out = INT64_MIN;
        return 0;
    }
    if (t != SQLITE_INTEGER || (!base && prev == INT64_MIN))
        goto bad;
    v = sqlite3_column_int64(q, c);
    if (!base) {
        /* prev + v without wrapping; the reading must stay a value (prev >= min >= -1, so
         * min - prev does not wrap, where min - v would for v = INT64_MIN) */
        if ((v > 0 && prev > INT64_MAX - v) || (v < 0 && v < min - prev))
            goto bad;
        v += prev;
    }
    if (v < min)
        goto bad;
    *out = v;
    return 0;
 bad:
    return kc_error_set(err, KC_ERR_INVALID, "'%s': vm_samples row (%lld, %lld): '%s' must be "
                        "%s", st->path, (long long)vm_id, (long long)sid,
                        sqlite3_column_name(q, c),
                        base ? (min < 0 ? "an integer >= -1" : "a non-negative integer")
                             : "a difference from the row before that gives a value (NULL "
                               "exactly when the value before is absent)");
}

struct kc_store_iter {
    kc_store *st;
    sqlite3_stmt *q;
    int64_t vm_id, first;
    int64_t prev[VC_LAST];
    bool have;                 /* prev holds the row before */
    bool done;
};

kc_store_iter *kc_store_iter_open(kc_store *st, int64_t vm_id, int64_t first, int64_t last,
                                  kc_error *err)
{
    /* schema 2 reads from the VM's last base row at or before @first (the differences
     * after it rebuild the values); schema 1 holds values only */
    static const char cols[] = "state, dom_id, vcpus, mem_kib, cpu_time_ns, vcpu_time_ns,"
        " vcpu_delay_ns, balloon_current_kib, rss_kib, usable_kib, available_kib,"
        " net_rx_bytes, net_tx_bytes, rd_reqs, wr_reqs, rd_bytes, wr_bytes FROM vm_samples";
    char sql[800];
    kc_store_iter *it = kc_xcalloc(1, sizeof(*it));

    if (st->schema == 1)
        snprintf(sql, sizeof(sql), "SELECT sample_id, 1, %s WHERE vm_id = ?1 AND sample_id"
                 " BETWEEN ?2 AND ?3 ORDER BY sample_id", cols);
    else
        snprintf(sql, sizeof(sql), "SELECT sample_id, base, %s WHERE vm_id = ?1 AND sample_id"
                 " BETWEEN coalesce((SELECT sample_id FROM vm_samples WHERE vm_id = ?1 AND"
                 " sample_id <= ?2 AND base = 1 ORDER BY sample_id DESC LIMIT 1), ?2) AND ?3"
                 " ORDER BY sample_id", cols);
    if (prepare(st, sql, &it->q, err) < 0) {
        free(it);
        return NULL;
    }
    it->st = st;
    it->vm_id = vm_id;
    it->first = first;
    sqlite3_bind_int64(it->q, 1, vm_id);
    sqlite3_bind_int64(it->q, 2, first);
    sqlite3_bind_int64(it->q, 3, last);
    return it;
}

int kc_store_iter_next(kc_store_iter *it, int64_t *sample_id, kc_sample_vm *vm, kc_error *err)
{
    kc_store *st = it->st;
    sqlite3_stmt *q = it->q;
    int64_t vm_id = it->vm_id, cur[VC_LAST];
    int rc;

    if (it->done)
        return 0;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        int64_t sid = sqlite3_column_int64(q, 0), b;
        uint64_t state;

        if (sqlite3_column_type(q, 1) != SQLITE_INTEGER ||
            ((b = sqlite3_column_int64(q, 1)) != 0 && b != 1) || (b == 0 && !it->have)) {
            kc_error_set(err, KC_ERR_INVALID, "'%s': vm_samples row (%lld, %lld): 'base' must "
                         "be 1 or 0, and 0 only after a row of the same VM", st->path,
                         (long long)vm_id, (long long)sid);
            goto fail;
        }
        if (col_u64(st, q, 2, false, "vm_samples", sid, &state, err) < 0)
            goto fail;
        for (int i = 0; i < VC_LAST; i++)
            if (vm_value(st, q, i, b == 1, it->have ? it->prev[i] : INT64_MIN,
                         i == VC_DOM_ID ? -1 : 0, vm_id, sid, &cur[i], err) < 0)
                goto fail;
        memcpy(it->prev, cur, sizeof(cur));
        it->have = true;
        if (state >= KC_DOM_STATE_LAST || cur[VC_VCPUS] > UINT32_MAX) {
            kc_error_set(err, KC_ERR_INVALID, "'%s': vm_samples row (%lld, %lld): '%s' out of "
                         "range", st->path, (long long)vm_id, (long long)sid,
                         state >= KC_DOM_STATE_LAST ? "state" : "vcpus");
            goto fail;
        }
        if (sid < it->first)
            continue;          /* read only to rebuild the values of the window */
        memset(vm, 0, sizeof(*vm));
        vm->state = (kc_dom_state)state;
        vm->dom_id = cur[VC_DOM_ID];
        vm->vcpus = (uint32_t)cur[VC_VCPUS];
        {
            uint64_t *const dst[VC_LAST] = { NULL, NULL, &vm->mem_kib, &vm->cpu_time_ns,
                                             &vm->vcpu_time_ns, &vm->vcpu_delay_ns,
                                             &vm->balloon_current_kib, &vm->rss_kib,
                                             &vm->usable_kib, &vm->available_kib,
                                             &vm->net_rx_bytes, &vm->net_tx_bytes,
                                             &vm->rd_reqs, &vm->wr_reqs, &vm->rd_bytes,
                                             &vm->wr_bytes };

            for (int i = VC_MEM; i < VC_LAST; i++)
                *dst[i] = cur[i] == INT64_MIN ? KC_SAMPLE_NONE : (uint64_t)cur[i];
        }
        *sample_id = sid;
        return 1;
    }
    if (rc != SQLITE_DONE) {
        db_error(st, rc, "read", err);
        goto fail;
    }
    it->done = true;
    return 0;
 fail:
    it->done = true;
    return -1;
}

void kc_store_iter_close(kc_store_iter *it)
{
    if (!it)
        return;
    sqlite3_finalize(it->q);
    free(it);
}

int kc_store_vm_rows(kc_store *st, int64_t vm_id, int64_t first, int64_t last,
                     int (*row)(void *ctx, int64_t sample_id, const kc_sample_vm *vm),
                     void *ctx, kc_error *err)
{
    kc_store_iter *it = kc_store_iter_open(st, vm_id, first, last, err);
    kc_sample_vm vm;
    int64_t sid;
    int r, ret;

    if (!it)
        return -1;
    while ((ret = kc_store_iter_next(it, &sid, &vm, err)) == 1)
        if ((r = row(ctx, sid, &vm)) != 0) {
            ret = r;
            break;
        }
    kc_store_iter_close(it);
    return ret;
}

char *kc_store_facts_json(kc_store *st, int64_t host_id, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    char *text = NULL;
    int rc;

    err->code = KC_ERR_NONE;
    if (prepare(st, "SELECT facts FROM runs WHERE host_id = ? AND facts IS NOT NULL"
                " ORDER BY id DESC LIMIT 1", &q, err) < 0)
        return NULL;
    sqlite3_bind_int64(q, 1, host_id);
    rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const unsigned char *s = sqlite3_column_text(q, 0);
        int len = sqlite3_column_bytes(q, 0);

        if (sqlite3_column_type(q, 0) != SQLITE_TEXT || !s || len < 0 ||
            strlen((const char *)s) != (size_t)len)
            kc_error_set(err, KC_ERR_INVALID, "'%s': runs: 'facts' must be text", st->path);
        else
            text = kc_xstrdup((const char *)s);
    } else if (rc != SQLITE_DONE) {
        db_error(st, rc, "read", err);
    }
    sqlite3_finalize(q);
    return text;
}

int kc_store_counts(kc_store *st, int64_t host_id, uint64_t since_ns, uint64_t until_ns,
                    size_t *runs, size_t *gaps, kc_error *err)
{
    sqlite3_stmt *q = NULL;
    sqlite3_int64 lo = (sqlite3_int64)(since_ns > INT64_MAX ? INT64_MAX : since_ns);
    sqlite3_int64 hi = (sqlite3_int64)(until_ns == 0 || until_ns > INT64_MAX ? INT64_MAX
                                       : until_ns);
    int rc;

    if (prepare(st, "SELECT (SELECT count(DISTINCT s.run_id) FROM samples s JOIN runs r"
                " ON r.id = s.run_id WHERE r.host_id = ?1 AND s.wall_ns BETWEEN ?2 AND ?3),"
                " (SELECT count(*) FROM gaps g JOIN runs r ON r.id = g.run_id"
                " WHERE r.host_id = ?1 AND g.to_ns >= ?2 AND g.from_ns <= ?3)", &q, err) < 0)
        return -1;
    sqlite3_bind_int64(q, 1, host_id);
    sqlite3_bind_int64(q, 2, lo);
    sqlite3_bind_int64(q, 3, hi);
    rc = sqlite3_step(q);
    if (rc != SQLITE_ROW) {
        sqlite3_finalize(q);
        return db_error(st, rc, "read", err);
    }
    *runs = (size_t)sqlite3_column_int64(q, 0);
    *gaps = (size_t)sqlite3_column_int64(q, 1);
    sqlite3_finalize(q);
    return 0;
}
