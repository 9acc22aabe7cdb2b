/* SPDX-License-Identifier: MIT */
/* test_store.c: the recording file: written, appended, read back, and refused when wrong. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "demand/store.h"

static kc_test_recording rec;
static const char *path;

static void setup(void)
{
    kc_test_recording_new(&rec, "store");
    path = rec.path;
}

static void teardown(void)
{
    kc_test_recording_remove(&rec);
}

TestSuite(store, .init = setup, .fini = teardown);

static kc_sample_vm vm_at(const char *name, const char *uuid, uint64_t k)
{
    kc_sample_vm v;

    memset(&v, 0, sizeof(v));
    snprintf(v.name, sizeof(v.name), "%s", name);
    snprintf(v.uuid, sizeof(v.uuid), "%s", uuid);
    v.state = KC_DOM_RUNNING;
    v.dom_id = 3;
    v.vcpus = 2;
    v.mem_kib = 1048576;
    v.cpu_time_ns = k * 1000000000ull;
    v.vcpu_time_ns = k * 900000000ull;
    v.vcpu_delay_ns = k * 1000;
    v.balloon_current_kib = 1048576;
    v.rss_kib = 200000 + k;
    v.usable_kib = KC_SAMPLE_NONE;
    v.available_kib = KC_SAMPLE_NONE;
    v.net_rx_bytes = k * 100;
    v.net_tx_bytes = k * 50;
    v.rd_reqs = v.wr_reqs = v.rd_bytes = v.wr_bytes = k;
    return v;
}

static void write_run(kc_store *st, const char *host, uint64_t t0, size_t n)
{
    kc_error err = { 0 };

    cr_assert_eq(kc_store_begin_run(st, "test:///default", host, 1000, t0, "{\"x\": 1}",
                                    "0.1.0", &err), 0, "%s", err.msg);
    for (uint64_t k = 0; k < n; k++) {
        kc_sample_vm vms[2] = { vm_at("web", "11111111-1111-1111-1111-111111111111", k),
                                vm_at("db", "22222222-2222-2222-2222-222222222222", 2 * k) };
        kc_sample s = { .wall_ns = t0 + k * 1000000000ull, .mono_ns = 5000 + k * 1000000000ull,
                        .took_ns = 100, .cpu_user_ns = k, .cpu_system_ns = k,
                        .cpu_idle_ns = KC_SAMPLE_NONE, .cpu_iowait_ns = KC_SAMPLE_NONE,
                        .mem_total_kib = 8388608, .mem_free_kib = 4194304,
                        .mem_buffers_kib = 0, .mem_cached_kib = 0,
                        .ksm_pages_sharing = KC_SAMPLE_NONE, .page_kib = KC_SAMPLE_NONE,
                        .n_vms = 2, .vms = vms };

        cr_assert_eq(kc_store_add_sample(st, &s, false, &err), 0, "%s", err.msg);
    }
    cr_assert_eq(kc_store_end_run(st, t0 + n * 1000000000ull, &err), 0, "%s", err.msg);
}

typedef struct rows { size_t n; kc_sample_vm last; int64_t first_id; } rows;

static int count_row(void *ctx, int64_t sample_id, const kc_sample_vm *vm)
{
    rows *r = ctx;

    if (r->n++ == 0)
        r->first_id = sample_id;
    r->last = *vm;
    return 0;
}

Test(store, written_samples_read_back_with_absent_values_as_none)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);
    kc_store_host *hosts;
    kc_store_slot *slots;
    kc_store_vm *vms;
    size_t nh, ns, nv;
    rows r = { 0 };
    char *facts;

    cr_assert_not_null(st, "%s", err.msg);
    write_run(st, "kvm7", 1000000000000ull, 5);
    cr_assert_eq(kc_store_close(st, &err), 0);

    st = kc_store_open(path, false, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_hosts(st, &hosts, &nh, &err), 0, "%s", err.msg);
    cr_assert_eq(nh, 1);
    cr_expect_str_eq(hosts[0].hostname, "kvm7");
    cr_expect_str_eq(hosts[0].uri, "test:///default");
    cr_assert_eq(kc_store_slots(st, hosts[0].id, 0, 0, &slots, &ns, &err), 0, "%s", err.msg);
    cr_assert_eq(ns, 5);
    cr_expect_eq(slots[4].mono_ns, 5000 + 4 * 1000000000ull);
    cr_expect_eq(slots[3].cpu_busy_ns, 6);
    cr_expect_eq(slots[0].interval_ms, 1000);
    cr_expect_eq(slots[0].ksm_pages_sharing, KC_SAMPLE_NONE);
    cr_assert_eq(kc_store_vms(st, hosts[0].id, &vms, &nv, &err), 0, "%s", err.msg);
    cr_assert_eq(nv, 2);
    cr_expect_str_eq(vms[0].name, "db", "sorted by name");
    cr_assert_eq(kc_store_vm_rows(st, vms[1].id, slots[1].sample_id, slots[4].sample_id,
                                  count_row, &r, &err), 0, "%s", err.msg);
    cr_expect_eq(r.n, 4);
    cr_expect_eq(r.first_id, slots[1].sample_id);
    cr_expect_eq(r.last.cpu_time_ns, 4000000000ull);
    cr_expect_eq(r.last.usable_kib, KC_SAMPLE_NONE);
    cr_expect_eq(r.last.dom_id, 3);
    cr_expect_eq(r.last.state, KC_DOM_RUNNING);
    facts = kc_store_facts_json(st, hosts[0].id, &err);
    cr_expect_str_eq(facts, "{\"x\": 1}");
    free(facts);
    free(hosts);
    free(slots);
    free(vms);
    kc_store_close(st, NULL);
}

Test(store, a_second_run_and_a_second_host_append_to_the_same_file)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);
    kc_store_host *hosts;
    kc_store_slot *slots;
    size_t nh, ns, runs, gaps;

    cr_assert_not_null(st, "%s", err.msg);
    write_run(st, "kvm7", 1000000000000ull, 3);
    kc_store_close(st, NULL);
    st = kc_store_open(path, true, &err);
    cr_assert_not_null(st, "%s", err.msg);
    write_run(st, "kvm7", 2000000000000ull, 2);
    cr_assert_eq(kc_store_add_gap(st, 1, 2, "libvirt did not answer", &err), 0, "%s", err.msg);
    write_run(st, "kvm8", 2000000000000ull, 4);
    kc_store_close(st, NULL);

    st = kc_store_open(path, false, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_hosts(st, &hosts, &nh, &err), 0);
    cr_assert_eq(nh, 2);
    cr_assert_eq(kc_store_slots(st, hosts[0].id, 0, 0, &slots, &ns, &err), 0);
    cr_expect_eq(ns, 5);
    cr_expect_neq(slots[2].run_id, slots[3].run_id);
    free(slots);
    /* the window: only the second run */
    cr_assert_eq(kc_store_slots(st, hosts[0].id, 1500000000000ull, 0, &slots, &ns, &err), 0);
    cr_expect_eq(ns, 2);
    free(slots);
    cr_assert_eq(kc_store_counts(st, hosts[0].id, 0, 0, &runs, &gaps, &err), 0);
    cr_expect_eq(runs, 2);
    cr_expect_eq(gaps, 1);
    free(hosts);
    kc_store_close(st, NULL);
}

Test(store, the_file_is_wal_with_the_schema_version_and_readable_by_sqlite3)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);
    char cmd[512], out[256] = "";
    FILE *p;

    cr_assert_not_null(st, "%s", err.msg);
    write_run(st, "kvm7", 1000000000000ull, 3);
    kc_store_close(st, NULL);
    snprintf(cmd, sizeof(cmd), "sqlite3 '%s' 'PRAGMA journal_mode; PRAGMA user_version; "
             "PRAGMA application_id; SELECT count(*) FROM vm_samples' | tr '\\n' ' '", path);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(out, sizeof(out), p));
    pclose(p);
    cr_expect_str_eq(out, "wal 2 1802923363 6 ");
}

static void sql(const char *stmt)
{
    sqlite3 *db;

    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, stmt, NULL, NULL, NULL), SQLITE_OK, "%s", sqlite3_errmsg(db));
    sqlite3_close(db);
}

Test(store, another_schema_version_is_refused_by_readers_and_writers)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);

    cr_assert_not_null(st, "%s", err.msg);
    kc_store_close(st, NULL);
    sql("PRAGMA user_version = 3");
    cr_expect_null(kc_store_open(path, false, &err));
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_str_eq(err.msg + strlen(path) + 2,
                     " is a kvmcap recording of schema 3; this kvmcap reads schemas 1 and 2");
    cr_expect_null(kc_store_open(path, true, &err));
    cr_expect_eq(err.code, KC_ERR_INVALID);
}

Test(store, other_sqlite_files_and_other_files_are_not_recordings)
{
    kc_error err = { 0 };
    FILE *f;

    sql("CREATE TABLE t (x)");
    cr_expect_null(kc_store_open(path, false, &err));
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strstr(err.msg, "is not a kvmcap recording (application_id 0)"), "%s", err.msg);
    cr_expect_null(kc_store_open(path, true, &err), "nor appended to");
    unlink(path);
    f = fopen(path, "w");
    fputs("this is not a database, but long enough to look like a header ..................."
          "................................................................................", f);
    fclose(f);
    cr_expect_null(kc_store_open(path, false, &err));
    cr_expect_eq(err.code, KC_ERR_INVALID, "%s", err.msg);
    cr_expect(strstr(err.msg, "is not a kvmcap recording"), "%s", err.msg);
    unlink(path);
    cr_expect_null(kc_store_open(path, false, &err));
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect(strstr(err.msg, "No such file"), "%s", err.msg);
}

Test(store, a_file_without_the_tables_its_version_claims_is_refused)
{
    kc_error err = { 0 };
    kc_store *st;

    sql("PRAGMA application_id = 1802923363; PRAGMA user_version = 1; CREATE TABLE hosts (x)");
    cr_assert_not_null(st = kc_store_open(path, false, &err), "%s", err.msg);
    {
        kc_store_host *h;
        size_t n;

        cr_expect_eq(kc_store_hosts(st, &h, &n, &err), -1);
        cr_expect_eq(err.code, KC_ERR_INVALID);
        cr_expect(strstr(err.msg, "not a kvmcap recording of schema 1"), "%s", err.msg);
    }
    kc_store_close(st, NULL);
}

Test(store, bad_values_are_refused_naming_table_row_and_column)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);
    kc_store_host *hosts;
    kc_store_slot *slots;
    kc_store_vm *vms;
    size_t nh, ns, nv;
    rows r = { 0 };

    cr_assert_not_null(st, "%s", err.msg);
    write_run(st, "kvm7", 1000000000000ull, 3);
    kc_store_close(st, NULL);
    /* sample 1 holds base rows (values), the later ones differences */
    sql("UPDATE vm_samples SET cpu_time_ns = -5 WHERE sample_id = 1;"
        "UPDATE samples SET mono_ns = 'soon' WHERE id = 3;");
    st = kc_store_open(path, false, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_hosts(st, &hosts, &nh, &err), 0);
    cr_expect_eq(kc_store_slots(st, hosts[0].id, 0, 0, &slots, &ns, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strstr(err.msg, "samples row 3: 'mono_ns' must be a non-negative integer"), "%s",
              err.msg);
    cr_assert_eq(kc_store_vms(st, hosts[0].id, &vms, &nv, &err), 0);
    cr_expect_eq(kc_store_vm_rows(st, vms[0].id, 0, 100, count_row, &r, &err), -1);
    cr_expect(strstr(err.msg, "vm_samples row (2, 1): 'cpu_time_ns' must be a non-negative "
                     "integer"),
              "%s", err.msg);
    free(hosts);
    free(vms);
    kc_store_close(st, NULL);
    sql("UPDATE vm_samples SET cpu_time_ns = 0 WHERE sample_id = 1;"
        "UPDATE vm_samples SET state = 99 WHERE sample_id = 2;");
    st = kc_store_open(path, false, &err);
    r.n = 0;
    cr_expect_eq(kc_store_vm_rows(st, 1, 0, 100, count_row, &r, &err), -1);
    cr_expect(strstr(err.msg, "'state' out of range"), "%s", err.msg);
    kc_store_close(st, NULL);
}

/* What a difference row may hold: a change that keeps the value a value (no wrap, no
 * negative reading), NULL exactly where the value before was absent, and only after a row
 * of the same VM. Each case is refused on its own, naming the row and the column. */
Test(store, differences_that_wrap_go_negative_or_start_a_series_are_refused)
{
    static const struct { const char *sql, *msg; } cases[] = {
        /* 0 + INT64_MAX is still a value; the next difference wraps */
        { "UPDATE vm_samples SET cpu_time_ns = 9223372036854775807 WHERE sample_id = 2",
          "row (1, 3): 'cpu_time_ns' must be a difference" },
        { "UPDATE vm_samples SET rss_kib = -9223372036854775807 WHERE sample_id = 3",
          "row (1, 3): 'rss_kib' must be a difference" },
        /* the smallest integer: its negation wraps (found by check-san) */
        { "UPDATE vm_samples SET cpu_time_ns = -9223372036854775808 WHERE sample_id = 2",
          "row (1, 2): 'cpu_time_ns' must be a difference" },
        { "UPDATE vm_samples SET net_rx_bytes = NULL WHERE sample_id = 2",
          "row (1, 2): 'net_rx_bytes' must be a difference" },
        { "UPDATE vm_samples SET usable_kib = 5 WHERE sample_id = 2",
          "row (1, 2): 'usable_kib' must be a difference" },
        { "UPDATE vm_samples SET dom_id = -5 WHERE sample_id = 2",
          "row (1, 2): 'dom_id' must be a difference" },
        { "UPDATE vm_samples SET base = 0 WHERE sample_id = 1",
          "row (1, 1): 'base' must be 1 or 0, and 0 only after a row of the same VM" },
        { "UPDATE vm_samples SET base = 2 WHERE sample_id = 3",
          "row (1, 3): 'base' must be 1 or 0" },
        { "UPDATE vm_samples SET base = 'yes' WHERE sample_id = 3",
          "row (1, 3): 'base' must be 1 or 0" },
        { "UPDATE vm_samples SET wr_bytes = 1.5 WHERE sample_id = 3",
          "row (1, 3): 'wr_bytes' must be a difference" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_error err = { 0 };
        kc_store *st = kc_store_open(path, true, &err);
        rows r = { 0 };

        cr_assert_not_null(st, "%s", err.msg);
        write_run(st, "kvm7", 1000000000000ull, 4);
        kc_store_close(st, NULL);
        sql(cases[i].sql);
        st = kc_store_open(path, false, &err);
        cr_assert_not_null(st, "%s", err.msg);
        cr_expect_eq(kc_store_vm_rows(st, 1, 0, 100, count_row, &r, &err), -1, "%s",
                     cases[i].sql);
        cr_expect_eq(err.code, KC_ERR_INVALID);
        cr_expect(strstr(err.msg, cases[i].msg), "%s: %s", cases[i].sql, err.msg);
        kc_store_close(st, NULL);
        unlink(path);
    }
}

typedef struct got { kc_sample_vm v[12]; int64_t id[12]; size_t n; } got;

static int collect(void *ctx, int64_t sample_id, const kc_sample_vm *vm)
{
    got *g = ctx;

    if (g->n < 12) {
        g->id[g->n] = sample_id;
        g->v[g->n++] = *vm;
    }
    return 0;
}

/* Schema 2 stores differences; the readings read back, through the reader and through the
 * file's own view, are the values written, across a counter going backwards, a value that
 * appears and disappears, a gap (a fresh sample) and a window that starts mid-series. */
Test(store, differences_rebuild_every_value_written_and_the_view_gives_the_same)
{
    kc_error err = { 0 };
    kc_store *st = kc_test_recording_begin(path, "test:///default", "kvm7", 1000, 1, NULL);
    kc_sample_vm want[12];
    char cmd[512], out[2048] = "";
    FILE *p;

    for (uint64_t k = 0; k < 12; k++) {
        kc_sample_vm v = vm_at("web", "11111111-1111-1111-1111-111111111111", k * k);
        kc_sample s = { .wall_ns = 1 + k, .mono_ns = 1 + k, .cpu_user_ns = KC_SAMPLE_NONE,
                        .cpu_system_ns = KC_SAMPLE_NONE, .cpu_idle_ns = KC_SAMPLE_NONE,
                        .cpu_iowait_ns = KC_SAMPLE_NONE, .mem_total_kib = KC_SAMPLE_NONE,
                        .mem_free_kib = KC_SAMPLE_NONE, .mem_buffers_kib = KC_SAMPLE_NONE,
                        .mem_cached_kib = KC_SAMPLE_NONE, .ksm_pages_sharing = KC_SAMPLE_NONE,
                        .page_kib = KC_SAMPLE_NONE, .n_vms = 1, .vms = &v };

        if (k == 5) {              /* rebooted: counters from 0, a new domain id */
            v.cpu_time_ns = 7;
            v.dom_id = 9;
        }
        if (k >= 6 && k <= 7)      /* the guest's balloon driver reports for a while */
            v.usable_kib = 1000 * k, v.available_kib = 4000;
        if (k == 9)
            v.rss_kib = KC_SAMPLE_NONE;
        if (k == 10)
            v.rss_kib = (uint64_t)INT64_MAX;   /* the largest value SQLite holds */
        want[k] = v;
        kc_test_recording_add(st, &s, k == 8);
    }
    kc_test_recording_end(st, 100);
    st = kc_store_open(path, false, &err);
    cr_assert_not_null(st, "%s", err.msg);
    for (int64_t first = 1; first <= 12; first += 4) {
        got g = { .n = 0 };

        cr_assert_eq(kc_store_vm_rows(st, 1, first, 12, collect, &g, &err), 0, "%s", err.msg);
        cr_expect_eq(g.n, (size_t)(13 - first));
        for (size_t i = 0; i < g.n; i++) {
            const kc_sample_vm *w = &want[(size_t)first - 1 + i];

            cr_expect_eq(g.id[i], first + (int64_t)i);
            cr_expect_eq(g.v[i].cpu_time_ns, w->cpu_time_ns, "sample %lld", (long long)g.id[i]);
            cr_expect_eq(g.v[i].rss_kib, w->rss_kib, "sample %lld", (long long)g.id[i]);
            cr_expect_eq(g.v[i].usable_kib, w->usable_kib, "sample %lld", (long long)g.id[i]);
            cr_expect_eq(g.v[i].dom_id, w->dom_id, "sample %lld", (long long)g.id[i]);
            cr_expect_eq(g.v[i].wr_bytes, w->wr_bytes, "sample %lld", (long long)g.id[i]);
            cr_expect_eq(g.v[i].mem_kib, w->mem_kib, "sample %lld", (long long)g.id[i]);
        }
    }
    kc_store_close(st, NULL);
    /* every reading, through the view */
    snprintf(cmd, sizeof(cmd), "sqlite3 '%s' \"SELECT sum(base), count(*) FROM vm_samples;"
             " SELECT group_concat(coalesce(rss_kib, 'N') || '/' || cpu_time_ns || '/' ||"
             " coalesce(usable_kib, 'N') || '/' || dom_id, ' ') FROM vm_readings\""
             " | tr '\\n' ' '", path);
    p = popen(cmd, "r");
    cr_assert_not_null(p);
    cr_assert_not_null(fgets(out, sizeof(out), p));
    pclose(p);
    {
        char exp[1024];
        size_t len;

        /* base rows: the first, the reboot keeps differences (a counter may go down), the
         * balloon appearing (6) and going (8, also fresh), rss absent (9) and back (10) */
        len = (size_t)snprintf(exp, sizeof(exp), "5|12 ");
        for (int k = 0; k < 12; k++) {
            char rss[24], usable[24];

            if (want[k].rss_kib == KC_SAMPLE_NONE)
                snprintf(rss, sizeof(rss), "N");
            else
                snprintf(rss, sizeof(rss), "%llu", (unsigned long long)want[k].rss_kib);
            if (want[k].usable_kib == KC_SAMPLE_NONE)
                snprintf(usable, sizeof(usable), "N");
            else
                snprintf(usable, sizeof(usable), "%llu", (unsigned long long)want[k].usable_kib);
            len += (size_t)snprintf(exp + len, sizeof(exp) - len, "%s%s/%llu/%s/%lld",
                                    k ? " " : "", rss,
                                    (unsigned long long)want[k].cpu_time_ns, usable,
                                    (long long)want[k].dom_id);
        }
        snprintf(exp + len, sizeof(exp) - len, " ");
        cr_expect_str_eq(out, exp);
    }
}

Test(store, a_full_disk_is_a_host_error_and_keeps_every_sample_before)
{
    kc_error err = { 0 };
    kc_store *st = kc_store_open(path, true, &err);
    kc_sample_vm vms[40];
    kc_sample s = { .wall_ns = 1, .mono_ns = 1, .n_vms = 40, .vms = vms };
    kc_store_host *hosts;
    kc_store_slot *slots;
    size_t nh, ns, ok = 0;
    int rc = 0;

    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_begin_run(st, "test:///default", "kvm7", 1000, 1, NULL, "0.1.0", &err),
                 0, "%s", err.msg);
    for (int i = 0; i < 40; i++) {
        char name[16], uuid[40];

        snprintf(name, sizeof(name), "vm%d", i);
        snprintf(uuid, sizeof(uuid), "00000000-0000-0000-0000-%012d", i);
        vms[i] = vm_at(name, uuid, 1);
    }
    cr_assert_eq(kc_store_limit_pages(st, 40, &err), 0, "%s", err.msg);
    for (int k = 0; k < 1000 && rc == 0; k++) {
        s.wall_ns = s.mono_ns = (uint64_t)k + 1;
        for (int i = 0; i < 40; i++)
            vms[i].cpu_time_ns = (uint64_t)k * 123456789;
        rc = kc_store_add_sample(st, &s, false, &err);
        ok += rc == 0;
    }
    cr_assert_eq(rc, -1, "the file never filled up");
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect(strstr(err.msg, "disk full"), "%s", err.msg);
    cr_expect_gt(ok, 0);
    kc_store_close(st, NULL);
    st = kc_store_open(path, false, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_hosts(st, &hosts, &nh, &err), 0);
    cr_assert_eq(kc_store_slots(st, hosts[0].id, 0, 0, &slots, &ns, &err), 0, "%s", err.msg);
    cr_expect_eq(ns, ok, "every sample committed before the full disk is there, no partial one");
    free(hosts);
    free(slots);
    kc_store_close(st, NULL);
}
