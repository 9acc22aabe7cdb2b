/* SPDX-License-Identifier: MIT */
/* fuzz_recording.c: libFuzzer entry for recording files (the SQLite files `kvmcap record`
 * writes and `demand`, `rightsize` and `--demand` read).
 *
 * `make fuzz` builds it (tests/fuzz/fuzz.mk; seeds: tests/fuzz/seeds/recording). An input
 * is either a whole file (it starts with SQLite's header, as the seeds do) or a program of
 * edits applied to a recording written by kvmcap's own store: SQL updates of any column of
 * any table to hostile values (wrong types, NaN, infinities, negative, huge, text, blobs),
 * counters moved backwards or forwards, rows deleted, tables dropped or renamed, another
 * schema version, then bytes of the file flipped.
 *
 * Properties checked beyond "no crash": a refused file sets KC_ERR_INVALID (exit 3) with a
 * one-line message; a file that reads gives figures that hold together (min <= p50, pct,
 * mean <= max; no value saturated, which is what a wrapped number would become; host
 * allocations at least each VM's) and the reports, rightsizing and the advice run on them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "demand/demand.h"
#include "demand/store.h"
#include "report/report_demand.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64], path[128], tmpl_path[128];
static unsigned char *tmpl;
static size_t tmpl_size;
static FILE *devnull;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_recording: %s: %s\n", what, detail);
    abort();
}

static void remove_file(const char *p)
{
    char side[160];

    unlink(p);
    snprintf(side, sizeof(side), "%s-wal", p);
    unlink(side);
    snprintf(side, sizeof(side), "%s-shm", p);
    unlink(side);
}

/* At exit (libFuzzer ends its runs with exit()): the input file and the directory go, so
 * that fuzzing leaves no /tmp/kvmcap-fuzz-rec-* behind. A crash (abort) keeps them. */
static void cleanup(void)
{
    char side[160];

    remove_file(path);
    snprintf(side, sizeof(side), "%s-journal", path);
    unlink(side);
    remove_file(tmpl_path);
    if (dir[0])
        rmdir(dir);
}

static kc_sample_vm vm(const char *name, int n, uint64_t k)
{
    kc_sample_vm v;

    memset(&v, 0, sizeof(v));
    snprintf(v.name, sizeof(v.name), "%s", name);
    snprintf(v.uuid, sizeof(v.uuid), "00000000-0000-0000-0000-00000000000%d", n);
    v.state = KC_DOM_RUNNING;
    v.dom_id = n;
    v.vcpus = (uint32_t)n;
    v.mem_kib = 1048576ull * (uint64_t)n;
    v.cpu_time_ns = k * 5000000000ull * (uint64_t)n;
    v.vcpu_time_ns = v.cpu_time_ns / 2;
    v.vcpu_delay_ns = k * 1000000;
    v.balloon_current_kib = v.mem_kib;
    v.rss_kib = 300000 + k * 1000;
    v.usable_kib = n == 2 ? 500000 - k : KC_SAMPLE_NONE;
    v.available_kib = n == 2 ? 1000000 : KC_SAMPLE_NONE;
    v.net_rx_bytes = k * 125000;
    v.net_tx_bytes = k * 1000;
    v.rd_reqs = k * 10;
    v.wr_reqs = k * 5;
    v.rd_bytes = k * 40960;
    v.wr_bytes = k * 20480;
    return v;
}

/* The template: three VMs (one with a balloon, one rebooted, one destroyed), 12 samples in
 * two runs with facts, a gap; written by kvmcap's store, kept in memory. */
static void make_template(void)
{
    static const char facts[] =
        "{\"host\": {\"source\": \"libvirt\", \"uri\": \"qemu:///system\", \"hostname\": "
        "\"kvm7\", \"cpus\": 8, \"mem_mib\": 16384}, \"vms\": [{\"name\": \"a\", \"vcpus\": 1,"
        " \"mem_mib\": 1024}]}";
    kc_error err = { 0 };
    kc_store *st;
    FILE *f;
    long len;

    snprintf(dir, sizeof(dir), "/tmp/kvmcap-fuzz-rec-XXXXXX");
    if (!mkdtemp(dir))
        fail("mkdtemp", dir);
    snprintf(path, sizeof(path), "%s/in.db", dir);
    snprintf(tmpl_path, sizeof(tmpl_path), "%s/template.db", dir);
    if (!(st = kc_store_open(tmpl_path, true, &err)))
        fail("template", err.msg);
    for (uint64_t run = 0; run < 2; run++) {
        if (kc_store_begin_run(st, "qemu:///system", "kvm7", 10000, 1 + run * 1000, facts,
                               "fuzz", &err) < 0)
            fail("template", err.msg);
        for (uint64_t k = 0; k < 6; k++) {
            kc_sample_vm v[3] = { vm("a", 1, k), vm("b", 2, k), vm("c", 3, k) };
            kc_sample s = { .wall_ns = 1000000000ull * (k + run * 100),
                            .mono_ns = 10000000000ull * (k + 1), .took_ns = 1000,
                            .cpu_user_ns = k * 1000000000ull, .cpu_system_ns = k,
                            .cpu_idle_ns = k, .cpu_iowait_ns = KC_SAMPLE_NONE,
                            .mem_total_kib = 16777216, .mem_free_kib = 8000000,
                            .mem_buffers_kib = 1000, .mem_cached_kib = 2000,
                            .ksm_pages_sharing = 100 + k, .page_kib = 4,
                            .n_vms = k > 3 ? 2 : 3, .vms = v };

            if (k >= 3) {          /* b rebooted: a new domain id, counters from 0 */
                v[1] = vm("b", 2, k - 3);
                v[1].dom_id = 12;
            }
            if (kc_store_add_sample(st, &s, k == 2, &err) < 0)
                fail("template", err.msg);
        }
        if (kc_store_add_gap(st, 5, 6, "fuzz", &err) < 0 ||
            kc_store_end_run(st, 7 + run * 1000, &err) < 0)
            fail("template", err.msg);
    }
    if (kc_store_close(st, &err) < 0)
        fail("template", err.msg);
    if (!(f = fopen(tmpl_path, "rb")) || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) <= 0)
        fail("template", "cannot read it back");
    rewind(f);
    tmpl_size = (size_t)len;
    if (!(tmpl = malloc(tmpl_size)) || fread(tmpl, 1, tmpl_size, f) != tmpl_size)
        fail("template", "cannot read it back");
    fclose(f);
    remove_file(tmpl_path);     /* kept in memory from here on */
    if (atexit(cleanup) != 0)
        fail("atexit", "cannot register the cleanup");
    if (!(devnull = fopen("/dev/null", "w")))
        fail("open", "/dev/null");
}

static void write_file(const unsigned char *bytes, size_t n)
{
    FILE *f;

    remove_file(path);
    if (!(f = fopen(path, "wb")) || fwrite(bytes, 1, n, f) != n || fclose(f) != 0)
        fail("write", path);
}

/* every column of every table, and values a hostile or damaged file may hold */
static const char *const cols[][2] = {
    { "hosts", "id" }, { "hosts", "uri" }, { "hosts", "hostname" },
    { "runs", "id" }, { "runs", "host_id" }, { "runs", "kvmcap" }, { "runs", "interval_ms" },
    { "runs", "started_ns" }, { "runs", "ended_ns" }, { "runs", "facts" },
    { "samples", "id" }, { "samples", "run_id" }, { "samples", "wall_ns" },
    { "samples", "mono_ns" }, { "samples", "took_ns" }, { "samples", "fresh" },
    { "samples", "cpu_user_ns" }, { "samples", "cpu_system_ns" }, { "samples", "mem_total_kib" },
    { "samples", "mem_free_kib" }, { "samples", "mem_buffers_kib" },
    { "samples", "mem_cached_kib" }, { "samples", "ksm_pages_sharing" },
    { "samples", "page_kib" },
    { "vms", "id" }, { "vms", "host_id" }, { "vms", "uuid" }, { "vms", "name" },
    { "vm_samples", "vm_id" }, { "vm_samples", "sample_id" }, { "vm_samples", "base" },
    { "vm_samples", "state" }, { "vm_samples", "dom_id" }, { "vm_samples", "vcpus" },
    { "vm_samples", "mem_kib" }, { "vm_samples", "cpu_time_ns" },
    { "vm_samples", "vcpu_time_ns" }, { "vm_samples", "vcpu_delay_ns" },
    { "vm_samples", "balloon_current_kib" }, { "vm_samples", "rss_kib" },
    { "vm_samples", "usable_kib" }, { "vm_samples", "available_kib" },
    { "vm_samples", "net_rx_bytes" }, { "vm_samples", "net_tx_bytes" },
    { "vm_samples", "rd_reqs" }, { "vm_samples", "wr_reqs" }, { "vm_samples", "rd_bytes" },
    { "vm_samples", "wr_bytes" },
    { "gaps", "run_id" }, { "gaps", "from_ns" }, { "gaps", "to_ns" }, { "gaps", "reason" },
};
static const char *const vals[] = {
    "-1", "0", "1", "2", "3", "-9223372036854775808", "9223372036854775807",
    "4611686018427387904", "4294967296", "1e308", "-1e308", "9e999", "-9e999", "0.5",
    "'NaN'", "0.0/0.0", "'x'", "x'00ff'", "NULL", "'9'", "''", "'\x1b[31mred'",
    "'{\"host\": {\"cpus\": 1, \"mem_mib\": 1}}'", "'{\"host\": 5}'",
    "'0123456789012345678901234567890123456789012345678901234567890123456789'",
};
static const char *const tables[] = { "hosts", "runs", "samples", "vms", "vm_samples", "gaps",
                                      "vm_readings", "samples_by_run" };

/* One edit of the program at @d (4 bytes, more for an integer from the input). */
static size_t edit(sqlite3 *db, const uint8_t *d, size_t n)
{
    char sql[512], val[32], where[64];
    const char *t, *c, *v;
    size_t used = 4;
    int k;

    if (n < 4)
        return n;
    t = cols[d[1] % (sizeof(cols) / sizeof(cols[0]))][0];
    c = cols[d[1] % (sizeof(cols) / sizeof(cols[0]))][1];
    v = vals[d[2] % (sizeof(vals) / sizeof(vals[0]))];
    k = d[3] % 5 + 1;
    if (d[2] >= 224 && n >= 12) {     /* an integer from the input */
        int64_t x;

        memcpy(&x, d + 4, sizeof(x));
        snprintf(val, sizeof(val), "%lld", (long long)x);
        v = val;
        used = 12;
    }
    snprintf(where, sizeof(where), "%s %% %d = %d",
             strcmp(t, "vm_samples") == 0 ? "sample_id" : "rowid", k, d[3] % k);
    switch (d[0] % 8) {
    case 0:
    case 1:
        snprintf(sql, sizeof(sql), "UPDATE OR IGNORE %s SET %s = %s WHERE %s", t, c, v, where);
        break;
    case 2:                           /* counters backwards or jumping */
        snprintf(sql, sizeof(sql), "UPDATE OR IGNORE %s SET %s = %s %s %s WHERE %s", t, c, c,
                 d[3] & 1 ? "-" : "+", v, where);
        break;
    case 3:
        snprintf(sql, sizeof(sql), "DELETE FROM %s WHERE %s", t, where);
        break;
    case 4:
        snprintf(sql, sizeof(sql), "DROP %s %s",
                 strcmp(tables[d[1] % 8], "vm_readings") == 0 ? "VIEW"
                 : strcmp(tables[d[1] % 8], "samples_by_run") == 0 ? "INDEX" : "TABLE",
                 tables[d[1] % 8]);
        break;
    case 5:
        snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", d[2] % 4);
        break;
    case 6:
        snprintf(sql, sizeof(sql), "ALTER TABLE %s RENAME COLUMN %s TO x%d", t, c, d[2]);
        break;
    default:                          /* a copy of rows under other ids */
        if (strcmp(t, "vm_samples") == 0)
            snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO vm_samples SELECT vm_id + %d,"
                     " sample_id + %d, base, state, dom_id, vcpus, mem_kib, cpu_time_ns,"
                     " vcpu_time_ns, vcpu_delay_ns, balloon_current_kib, rss_kib, usable_kib,"
                     " available_kib, net_rx_bytes, net_tx_bytes, rd_reqs, wr_reqs, rd_bytes,"
                     " wr_bytes FROM vm_samples WHERE %s", d[2] % 3, d[3] % 7, where);
        else
            snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO vms (host_id, uuid, name)"
                     " VALUES (%d, 'u%d', 'n%d')", d[2] % 3, d[3], d[3] % 4);
        break;
    }
    (void)sqlite3_exec(db, sql, NULL, NULL, NULL);   /* a constraint may refuse it */
    return used;
}

static void check_summary(const kc_stats_summary *m, size_t n, const char *what)
{
    if (m->count == 0)
        return;
    if (m->count > n || m->min > m->p50 || m->p50 > m->max || m->min > m->pct ||
        m->pct > m->max || m->mean < m->min || m->mean > m->max)
        fail("summary out of order", what);
    if (m->max >= KC_STATS_NONE - 1)
        fail("a saturated (wrapped) figure was reported", what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_demand_opts o = { .p_bp = 9500 };
    kc_demand_host h;
    kc_error err = { 0 };
    size_t i = 0;

    if (!tmpl)
        make_template();
    if (size >= 16 && memcmp(data, "SQLite format 3", 16) == 0) {
        write_file(data, size);
    } else {
        sqlite3 *db;

        write_file(tmpl, tmpl_size);
        if (size > 0)
            o.p_bp = (uint32_t)(data[0] % 101) * 100;
        if (size > 1 && data[1] & 1)
            o.since_ns = 3000000000ull;
        if (sqlite3_open(path, &db) != SQLITE_OK)
            fail("sqlite3_open", path);
        for (i = 2; i < size && data[i] != 0xff;)
            i += edit(db, data + i, size - i);
        sqlite3_close(db);
        /* after the program (its end is a 0xff byte): offsets and bytes to overwrite */
        for (i++; i + 3 <= size; i += 3) {
            FILE *f = fopen(path, "r+b");
            long off = (long)((data[i] << 8 | data[i + 1]) % 65536);

            if (!f)
                fail("open", path);
            if (fseek(f, off, SEEK_SET) == 0)
                (void)fputc(data[i + 2], f);
            fclose(f);
        }
    }
    if (kc_demand_load(path, &o, &h, &err) < 0) {
        if (err.code != KC_ERR_INVALID || !err.msg[0] || strchr(err.msg, '\n'))
            fail("bad error", err.msg);
        return 0;
    }
    for (size_t v = 0; v < h.n_vms; v++) {
        kc_rightsize_opts ro;
        kc_vm_rightsize r;

        for (int m = 0; m < KC_METRIC_LAST; m++) {
            check_summary(&h.vms[v].st.m[m], h.samples, h.vms[v].st.name);
            if (h.vms[v].st.m[m].count && h.vms[v].st.m[m].max > kc_demand_bound((kc_metric)m))
                fail("a figure beyond its bound was reported", kc_metric_name((kc_metric)m));
        }
        if (h.alloc_mem_mib < (h.vms[v].off ? 0 : h.vms[v].st.mem_mib) ||
            h.alloc_vcpus < (h.vms[v].off ? 0 : h.vms[v].st.vcpus))
            fail("host allocation below a VM's", h.vms[v].st.name);
        kc_rightsize_opts_init(&ro);
        kc_rightsize_vm(&h.vms[v].st, &ro, &r);
        if (r.vcpus < 1 && h.vms[v].st.vcpus > 0)
            fail("rightsize", "fewer than 1 vCPU recommended");
    }
    for (int m = 0; m < KC_METRIC_LAST; m++)
        check_summary(&h.m[m], h.samples, "host");
    if (h.last_wall_ns < h.first_wall_ns)
        fail("window", "ends before it starts (its length would wrap)");
    {
        kc_demand_advice adv;
        kc_demand_meta meta = { .file = path, .p_bp = o.p_bp, .advice = &adv };
        char *json;

        kc_demand_advise(&h, 2000, 512, &adv);
        kc_report_demand_text(devnull, &h, &meta);
        kc_report_demand_csv(devnull, &h, &meta);
        json = kc_report_demand_json(&h, &meta);
        if (!json)
            fail("json", "no report");
        free(json);
    }
    kc_demand_host_clear(&h);
    return 0;
}
