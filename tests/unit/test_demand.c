/* SPDX-License-Identifier: MIT */
/* test_demand.c: the demand model of a synthetic recording with known loads: per VM figures,
 * reboots, destroyed and off VMs, the host's sum at each sample, rightsizing, the window. */
#include <criterion/criterion.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helpers.h"
#include "demand/demand.h"
#include "demand/store.h"

#define FIXTURE "tests/fixtures/recordings/synthetic.db"
#define FIXTURE_V1 "tests/fixtures/recordings/synthetic-v1.db"   /* schema 1 */
#define T0 1796000000000000000ull     /* wall clock of the first sample */
#define STEP 10000000000ull           /* 10 s */
#define N 61

static const char facts[] =
    "{\"host\": {\"source\": \"libvirt\", \"uri\": \"qemu:///system\", \"hostname\": \"kvm7\","
    " \"cpus\": 8, \"mem_mib\": 16384},"
    " \"vms\": [{\"name\": \"busy\", \"vcpus\": 2, \"mem_mib\": 2048},"
    " {\"name\": \"idle\", \"vcpus\": 4, \"mem_mib\": 4096}]}";

static kc_sample_vm vm(const char *name, int n, uint32_t vcpus, uint64_t mem_mib)
{
    kc_sample_vm v;

    memset(&v, 0, sizeof(v));
    snprintf(v.name, sizeof(v.name), "%s", name);
    snprintf(v.uuid, sizeof(v.uuid), "00000000-0000-0000-0000-00000000000%d", n);
    v.state = KC_DOM_RUNNING;
    v.dom_id = n;
    v.vcpus = vcpus;
    v.mem_kib = mem_mib * 1024;
    v.vcpu_time_ns = v.vcpu_delay_ns = v.balloon_current_kib = KC_SAMPLE_NONE;
    v.usable_kib = v.available_kib = KC_SAMPLE_NONE;
    v.net_rx_bytes = v.net_tx_bytes = v.rd_reqs = v.wr_reqs = v.rd_bytes = v.wr_bytes = 0;
    return v;
}

/*
 * Five domains, 61 samples 10 s apart:
 *   busy    2 vCPUs: exactly one core, 0.1 core of steal, RSS 600 MiB (700 at sample 30),
 *           1 Mbit/s (125000 B/s received), 5 IOPS, 0.5 MB/s
 *   idle    4 vCPUs: 0.01 core, RSS 300 MiB, the guest uses 512 MiB, no I/O
 *   reboot  1 vCPU: half a core in odd intervals, nothing in even ones; rebooted at sample
 *           20 (a new domain id, cpu.time from 0)
 *   gone    1 vCPU: 0.2 core in even intervals, destroyed after sample 29
 *   off     2 vCPUs, shut off throughout
 */
static void write_synthetic(const char *path)
{
    kc_store *st;
    uint64_t reboot_cpu = 0, gone_cpu = 0;

    unlink(path);
    st = kc_test_recording_begin(path, "qemu:///system", "kvm7", 10000, T0, facts);
    for (uint64_t k = 0; k < N; k++) {
        kc_sample_vm v[5];
        size_t n = 0;
        kc_sample s = { .wall_ns = T0 + k * STEP, .mono_ns = 1000000000000ull + k * STEP,
                        .took_ns = 1000000, .cpu_user_ns = k * 20000000000ull,
                        .cpu_system_ns = k * 5000000000ull, .cpu_idle_ns = KC_SAMPLE_NONE,
                        .cpu_iowait_ns = KC_SAMPLE_NONE, .mem_total_kib = 16777216,
                        .mem_free_kib = 8388608, .mem_buffers_kib = 0, .mem_cached_kib = 1048576,
                        .ksm_pages_sharing = 2560, .page_kib = 4 };

        v[n] = vm("busy", 1, 2, 2048);
        v[n].cpu_time_ns = 50000000000ull + k * STEP;
        v[n].vcpu_delay_ns = k * STEP / 10;
        v[n].rss_kib = (k == 30 ? 700 : 600) * 1024;
        v[n].net_rx_bytes = k * 1250000;
        v[n].rd_reqs = k * 30;
        v[n].wr_reqs = k * 20;
        v[n].rd_bytes = k * 5000000;
        n++;
        v[n] = vm("idle", 2, 4, 4096);
        v[n].cpu_time_ns = k * STEP / 100;
        v[n].rss_kib = 300 * 1024;
        v[n].available_kib = 4096 * 1024;
        v[n].usable_kib = 3584 * 1024;
        n++;
        if (k == 20)
            reboot_cpu = 123;          /* rebooted: a new process */
        else if (k % 2 == 1)
            reboot_cpu += STEP / 2;
        v[n] = vm("reboot", 3, 1, 1024);
        v[n].dom_id = k >= 20 ? 33 : 3;
        v[n].cpu_time_ns = reboot_cpu;
        v[n].rss_kib = 200 * 1024;
        n++;
        if (k < 30) {
            if (k % 2 == 0 && k > 0)
                gone_cpu += STEP / 5;
            v[n] = vm("gone", 4, 1, 512);
            v[n].cpu_time_ns = gone_cpu;
            v[n].rss_kib = 100 * 1024;
            n++;
        }
        v[n] = vm("off", 5, 2, 8192);
        v[n].state = KC_DOM_SHUTOFF;
        v[n].dom_id = -1;
        v[n].cpu_time_ns = v[n].rss_kib = KC_SAMPLE_NONE;
        v[n].net_rx_bytes = v[n].net_tx_bytes = KC_SAMPLE_NONE;
        v[n].rd_reqs = v[n].wr_reqs = v[n].rd_bytes = v[n].wr_bytes = KC_SAMPLE_NONE;
        n++;
        s.n_vms = n;
        s.vms = v;
        kc_test_recording_add(st, &s, false);
    }
    kc_test_recording_end(st, T0 + N * STEP);
    /* a file to ship: no WAL beside it */
    {
        sqlite3 *db;

        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL),
                     SQLITE_OK);
        sqlite3_close(db);
    }
}

static kc_test_recording rec;
static const char *path;

static void setup(void)
{
    kc_test_recording_new(&rec, "demand");
    path = rec.path;
    write_synthetic(path);
}

static void teardown(void)
{
    kc_test_recording_remove(&rec);
}

TestSuite(demand, .init = setup, .fini = teardown);

static const kc_demand_vm *find(const kc_demand_host *h, const char *name)
{
    for (size_t i = 0; i < h->n_vms; i++)
        if (strcmp(h->vms[i].st.name, name) == 0)
            return &h->vms[i];
    cr_assert_fail("no vm %s", name);
    return NULL;
}

static kc_demand_host load(uint64_t since, uint64_t until, uint32_t p_bp)
{
    kc_demand_opts o = { .since_ns = since, .until_ns = until, .p_bp = p_bp };
    kc_demand_host h;
    kc_error err = { 0 };

    cr_assert_eq(kc_demand_load(path, &o, &h, &err), 0, "%s", err.msg);
    return h;
}

Test(demand, a_busy_vm_shows_one_core_its_steal_its_peak_rss_and_its_io)
{
    kc_demand_host h = load(0, 0, 9500);
    const kc_demand_vm *b = find(&h, "busy");
    const kc_stats_summary *m = b->st.m;

    cr_expect_eq(h.samples, N);
    cr_expect_eq(h.n_vms, 5);
    cr_expect_eq(b->st.vcpus, 2);
    cr_expect_eq(b->st.mem_mib, 2048);
    cr_expect_eq(m[KC_METRIC_CPU].count, N - 1, "every interval has a rate");
    cr_expect_eq(m[KC_METRIC_CPU].p50, 10000);
    cr_expect_eq(m[KC_METRIC_CPU].pct, 10000);
    cr_expect_eq(m[KC_METRIC_CPU].max, 10000);
    cr_expect_eq(m[KC_METRIC_STEAL].pct, 1000);
    cr_expect_eq(m[KC_METRIC_CPU_DEMAND].pct, 11000);
    cr_expect_eq(m[KC_METRIC_STEAL_SHARE].pct, 500, "0.1 core of 2 vCPUs: 5 %%");
    cr_expect_eq(m[KC_METRIC_RSS].max, 700 * 1024);
    cr_expect_eq(m[KC_METRIC_RSS].pct, 600 * 1024);
    cr_expect_eq(m[KC_METRIC_NET].pct, 1000, "1 Mbit/s = 1000 kbit/s");
    cr_expect_eq(m[KC_METRIC_IOPS].pct, 5000, "5 IOPS in thousandths");
    cr_expect_eq(m[KC_METRIC_DISK].pct, 500, "0.5 MB/s = 500 kB/s");
    cr_expect_eq(m[KC_METRIC_GUEST_USED].count, 0);
    cr_expect_not(b->off);
    kc_demand_host_clear(&h);
}

Test(demand, a_reboot_starts_a_new_series_and_a_destroyed_vm_stops_contributing)
{
    kc_demand_host h = load(0, 0, 9500);
    const kc_demand_vm *r = find(&h, "reboot"), *g = find(&h, "gone"), *o = find(&h, "off");
    const kc_demand_vm *i = find(&h, "idle");

    cr_expect_eq(r->st.m[KC_METRIC_CPU].count, N - 2, "no rate across the reboot");
    cr_expect_eq(r->st.resets, 1, "one new process");
    cr_expect(g->gone);
    cr_expect_not(r->gone);
    cr_expect_eq(r->st.m[KC_METRIC_CPU].max, 5000);
    cr_expect_eq(r->st.m[KC_METRIC_CPU].min, 0);
    cr_expect_eq(g->st.m[KC_METRIC_CPU].count, 29);
    cr_expect_eq(g->st.m[KC_METRIC_CPU].max, 2000);
    cr_expect_eq(g->st.running, 30);
    cr_expect(o->off);
    cr_expect_eq(o->st.running, 0);
    cr_expect_eq(o->st.m[KC_METRIC_CPU].count, 0);
    cr_expect_eq(i->st.m[KC_METRIC_CPU].pct, 100);
    cr_expect_eq(i->st.m[KC_METRIC_GUEST_USED].max, 512 * 1024);
    kc_demand_host_clear(&h);
}

Test(demand, the_host_is_the_sum_at_each_sample_not_the_sum_of_peaks)
{
    kc_demand_host h = load(0, 0, 9500);

    /* busy 1 + idle 0.01 + (reboot 0.5 in odd intervals | gone 0.2 in even ones) */
    cr_expect_eq(h.m[KC_METRIC_CPU].max, 15100, "the sum of the VMs' peaks would be 1.71");
    cr_expect_eq(h.m[KC_METRIC_CPU].min, 10100);
    cr_expect_eq(h.m[KC_METRIC_CPU].pct, 15100);
    /* busy peaks at sample 30, when 'gone' is gone: 700 + 300 + 200, as 600 + ... + 100 */
    cr_expect_eq(h.m[KC_METRIC_RSS].max, 1200 * 1024);
    cr_expect_eq(h.alloc_vcpus, 2 + 4 + 1 + 1, "the VMs that ran");
    cr_expect_eq(h.alloc_mem_mib, 2048 + 4096 + 1024 + 512);
    cr_expect_eq(h.node_cpu.pct, 25000, "user + system: 2.5 cores");
    cr_expect_eq(h.mem_used_kib.max, (16384 - 8192 - 1024) * 1024);
    cr_expect_eq(h.ksm_saved_kib.max, 10240);
    cr_expect_not_null(h.facts);
    cr_expect_eq(h.facts->cpus, 8);
    cr_expect_eq(h.runs, 1);
    kc_demand_host_clear(&h);
}

Test(demand, the_window_limits_the_samples)
{
    kc_demand_host h = load(T0 + 40 * STEP, T0 + 50 * STEP, 9500);

    cr_expect_eq(h.samples, 11);
    cr_expect_eq(h.n_vms, 4, "'gone' was destroyed before the window");
    cr_expect_eq(find(&h, "busy")->st.m[KC_METRIC_CPU].count, 10);
    kc_demand_host_clear(&h);
}

Test(demand, advice_is_the_largest_ratio_and_overcommit_that_fit_the_peak_with_a_margin)
{
    kc_demand_host h = load(0, 0, 9500);
    kc_demand_advice a;

    kc_demand_advise(&h, 2000, 512, &a);
    cr_assert(a.known);
    /* 8 vCPUs allocated, peak demand 1.61 cores (busy 1.1 + idle 0.01 + reboot 0.5):
     * 0.8 * 8 / 1.61 = 3.975 */
    cr_expect_eq(h.m[KC_METRIC_CPU_DEMAND].max, 16100);
    cr_expect_eq(a.cpu_ratio_milli, 3975);
    /* 7680 MiB allocated, peak RSS 1200 MiB: 0.8 * 7680 / 1200 = 5.12 -> 412 % */
    cr_expect_eq(a.overcommit_bp, 41200);
    kc_demand_host_clear(&h);
}

Test(demand, rightsize_flags_and_recommendations)
{
    kc_demand_host h = load(0, 0, 9500);
    kc_rightsize_opts o;
    kc_vm_rightsize r;

    kc_rightsize_opts_init(&o);
    kc_rightsize_vm(&find(&h, "busy")->st, &o, &r);
    cr_expect_eq(r.vcpus, 2, "1.1 cores at 80 %%: ceil(1.375)");
    cr_expect_eq(r.mem_mib, 896, "700 MiB + 20 %% = 840, rounded up to 64 MiB");
    cr_expect_eq(r.flags, KC_RIGHTSIZE_OVERSIZED, "memory: 896 < 2048");
    kc_rightsize_vm(&find(&h, "idle")->st, &o, &r);
    cr_expect_eq(r.vcpus, 1);
    cr_expect_eq(r.mem_mib, 640, "the guest's 512 MiB + 20 %%, not RSS");
    cr_expect_eq(r.flags, KC_RIGHTSIZE_OVERSIZED | KC_RIGHTSIZE_IDLE);
    cr_expect_eq(r.reclaim_vcpus, 3);
    kc_rightsize_vm(&find(&h, "reboot")->st, &o, &r);
    cr_expect_eq(r.vcpus, 1);
    cr_expect_eq(r.mem_mib, 256, "200 MiB + 20 %% = 240, rounded up to 64 MiB");
    cr_expect_eq(r.flags, KC_RIGHTSIZE_OVERSIZED, "half of its one vCPU is not undersized");
    kc_rightsize_vm(&find(&h, "off")->st, &o, &r);
    cr_expect_eq(r.flags, KC_RIGHTSIZE_OFF);
    cr_expect_eq(r.reclaim_vcpus, 2);
    cr_expect_eq(r.reclaim_mem_mib, 8192);
    /* thresholds are options: 5 %% steal is undersized with --steal 4 */
    o.steal_bp = 400;
    kc_rightsize_vm(&find(&h, "busy")->st, &o, &r);
    cr_expect_eq(r.flags, KC_RIGHTSIZE_UNDERSIZED);
    o.steal_bp = 1000;
    o.undersized_bp = 5000;
    kc_rightsize_vm(&find(&h, "reboot")->st, &o, &r);
    cr_expect_eq(r.flags, KC_RIGHTSIZE_UNDERSIZED, "0.5 core is 50 %% of its vCPU");
    kc_demand_host_clear(&h);
}

Test(demand, the_fixture_for_the_golden_cases_is_this_recording)
{
    /* KVMCAP_REGENERATE=1 rewrites it; else it must hold what write_synthetic writes */
    kc_demand_opts o = { .p_bp = 9500 };
    kc_demand_host a, b;
    kc_error err = { 0 };

    if (getenv("KVMCAP_REGENERATE"))
        write_synthetic(FIXTURE);
    cr_assert_eq(kc_demand_load(FIXTURE, &o, &a, &err), 0, "%s", err.msg);
    b = load(0, 0, 9500);
    cr_expect_eq(a.n_vms, b.n_vms);
    cr_expect_eq(a.samples, b.samples);
    for (size_t i = 0; i < a.n_vms && i < b.n_vms; i++)
        cr_expect_eq(memcmp(&a.vms[i], &b.vms[i], sizeof(a.vms[i])), 0, "vm %zu", i);
    kc_demand_host_clear(&a);
    kc_demand_host_clear(&b);
}

/* Schema 1 (every value absolute, before the differences of schema 2) is still read, to the
 * same figures; appending to it is refused with a message saying so. */
Test(demand, a_schema_1_recording_reads_to_the_same_figures_and_is_not_appended_to)
{
    kc_demand_opts o = { .p_bp = 9500 };
    kc_demand_host a, b;
    kc_error err = { 0 };
    char cmd[300];

    cr_assert_eq(kc_demand_load(FIXTURE_V1, &o, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_demand_load(FIXTURE, &o, &b, &err), 0, "%s", err.msg);
    cr_expect_eq(a.n_vms, b.n_vms);
    cr_expect_eq(a.samples, b.samples);
    cr_expect_eq(memcmp(a.m, b.m, sizeof(a.m)), 0);
    for (size_t i = 0; i < a.n_vms && i < b.n_vms; i++)
        cr_expect_eq(memcmp(&a.vms[i], &b.vms[i], sizeof(a.vms[i])), 0, "vm %zu", i);
    kc_demand_host_clear(&a);
    kc_demand_host_clear(&b);
    snprintf(cmd, sizeof(cmd), "cp %s '%s'", FIXTURE_V1, path);
    cr_assert_eq(system(cmd), 0);
    cr_expect_null(kc_store_open(path, true, &err));
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strstr(err.msg, "is a kvmcap recording of schema 1, which this kvmcap reads but "
                     "does not append to (schema 2): record into a new file"), "%s", err.msg);
}

#include "demand/plan.h"

Test(demand, the_demand_model_plans_vms_at_their_use_against_the_hardware)
{
    kc_demand_host h = load(0, 0, 9500);
    kc_demand_plan p;
    kc_demand_plan_row r;
    kc_host host;
    kc_policy pol;
    kc_shape s = { .vcpus = 2, .mem_mib = 4096 };
    kc_error err = { 0 };

    kc_host_init(&host);
    host.cpus = 8;
    host.mem_mib = 16384;
    host.used.vms = 2;
    host.used.vcpus = 6;
    host.used.mem_mib = 6144;
    kc_policy_init(&pol);
    pol.overcommit_bp = 2000;
    cr_assert_eq(kc_demand_plan_init(&h, &host, &pol, &p, &err), 0, "%s", err.msg);
    cr_expect_eq(p.dhost.used.mem_mib, 1200, "the most RSS the host held");
    cr_expect_eq(p.dhost.used.load_bp, 16100, "p95 of the CPU demand summed at each sample");
    cr_expect_eq(p.cpu_bp_per_vcpu, 2012, "1.61 cores over 8 vCPUs");
    cr_expect_eq(p.rss_bp_of_mem, 1563, "1200 of 7680 MiB, rounded up");
    cr_assert_eq(kc_demand_plan_shape(&p, &h, &host, &pol, &s, NULL, &r, &err), 0, "%s",
                 err.msg);
    /* allocation: (16384 - 512) x 1.2 = 19046 MiB - 6144 held: 3 of 4096 */
    cr_expect_eq(r.alloc.count, 3);
    /* demand: memory (15872 - 1200) / 640 = 22; cpu load (80000 - 16100) / 4024 = 15 */
    cr_expect_eq(r.dshape.mem_mib, 640, "4096 x 1200 / 7680 exactly");
    cr_expect_eq(r.dshape.cpu_util_bp, 2012);
    cr_expect_eq(r.demand.res[KC_RES_MEMORY].limit, 22);
    cr_expect_eq(r.demand.res[KC_RES_CPU_LOAD].limit, 15);
    cr_expect_eq(r.demand.count, 15);
    cr_expect_eq(r.demand.bottleneck, 1u << KC_RES_CPU_LOAD);
    cr_expect_eq(r.count, 3);
    cr_expect(r.by_alloc && !r.by_demand);
    /* like=busy: 1.1 cores per 2 vCPUs, 700 of 2048 MiB */
    cr_assert_eq(kc_demand_plan_shape(&p, &h, &host, &pol, &s, "busy", &r, &err), 0);
    cr_expect_eq(r.dshape.cpu_util_bp, 5500);
    cr_expect_eq(r.dshape.mem_mib, 1400);
    cr_expect_eq(r.cpu_source, KC_PLAN_LIKE);
    cr_expect_eq(kc_demand_plan_shape(&p, &h, &host, &pol, &s, "off", &r, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    kc_demand_host_clear(&h);
}

#include "helpers.h"

/* A hostile recording: any column of any row given another type or value must give figures
 * or "bad input" (exit 3), never a crash or another error (a structured fuzz, run under the
 * sanitizers by check-san). */
Test(demand, any_value_anywhere_reads_or_is_refused_as_bad_input)
{
    static const char *const cols[][2] = {
        { "samples", "mono_ns" }, { "samples", "wall_ns" }, { "samples", "run_id" },
        { "samples", "fresh" }, { "samples", "cpu_user_ns" }, { "samples", "mem_free_kib" },
        { "samples", "ksm_pages_sharing" }, { "samples", "page_kib" },
        { "vm_samples", "state" }, { "vm_samples", "dom_id" }, { "vm_samples", "vcpus" },
        { "vm_samples", "mem_kib" }, { "vm_samples", "cpu_time_ns" },
        { "vm_samples", "vcpu_delay_ns" }, { "vm_samples", "rss_kib" },
        { "vm_samples", "available_kib" }, { "vm_samples", "usable_kib" },
        { "vm_samples", "net_rx_bytes" }, { "vm_samples", "wr_bytes" },
        { "vm_samples", "sample_id" }, { "vms", "name" }, { "vms", "uuid" },
        { "hosts", "hostname" }, { "runs", "interval_ms" }, { "runs", "facts" },
    };
    static const char *const vals[] = {
        "-1", "0", "9223372036854775807", "-9223372036854775808", "'text'", "1.5", "x'00ff'",
        "NULL", "'" "\x1b[31m" "'", "4294967296", "'{\"host\": {\"cpus\": 1}}'", "''",
        "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'",
    };
    uint64_t seed = 1515;
    int read_ok = 0, refused = 0;

    for (int round = 0; round < 30; round++) {
        kc_demand_opts o = { .p_bp = 9500 };
        kc_demand_host h;
        kc_error err = { 0 };
        sqlite3 *db;
        char sqlq[512];
        int n = (int)kc_test_range(&seed, 1, 3);

        write_synthetic(path);
        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        for (int i = 0; i < n; i++) {
            size_t c = (size_t)(kc_test_rand(&seed) % (sizeof(cols) / sizeof(cols[0])));
            size_t v = (size_t)(kc_test_rand(&seed) % (sizeof(vals) / sizeof(vals[0])));

            snprintf(sqlq, sizeof(sqlq), "UPDATE %s SET %s = %s WHERE rowid IN (SELECT rowid "
                     "FROM %s ORDER BY random() LIMIT 3)", cols[c][0], cols[c][1], vals[v],
                     cols[c][0]);
            if (strcmp(cols[c][0], "vm_samples") == 0)   /* WITHOUT ROWID */
                snprintf(sqlq, sizeof(sqlq), "UPDATE OR IGNORE vm_samples SET %s = %s WHERE "
                         "sample_id %% 7 = %d", cols[c][1], vals[v], (int)(v % 7));
            (void)sqlite3_exec(db, sqlq, NULL, NULL, NULL);  /* a constraint may refuse it */
        }
        sqlite3_close(db);
        if (kc_demand_load(path, &o, &h, &err) == 0) {
            kc_demand_host_clear(&h);
            read_ok++;
        } else {
            cr_expect_eq(err.code, KC_ERR_INVALID, "round %d: %s", round, err.msg);
            refused++;
        }
    }
    cr_expect(read_ok > 0 && refused > 0, "both outcomes seen: %d read, %d refused", read_ok,
              refused);
}

/* Figures no host can produce (a counter or the monotonic clock jumped, an allocation of
 * millions of vCPUs) refuse the file as damaged rather than print a saturated number; the
 * bounds themselves still read. */
Test(demand, figures_beyond_any_host_refuse_the_file_and_the_bounds_still_read)
{
    static const struct { const char *sql, *msg; } cases[] = {
        { "UPDATE samples SET mono_ns = mono_ns - 9999999999 WHERE id = 5",
          "VM 'busy' at sample 5: its cpu is beyond any host" },
        /* busy's base row holds values, its later rows differences: 1 Pbit/s and more */
        { ("UPDATE vm_samples SET net_rx_bytes = 1250000000001250 WHERE vm_id = 1 AND "
           "sample_id = 7"), "VM 'busy' at sample 7: its net is beyond any host" },
        { "UPDATE vm_samples SET vcpus = 1048577 WHERE vm_id = 1 AND sample_id = 1",
          "VM 'busy' claims 1048577 vCPUs" },
        { "UPDATE vm_samples SET mem_kib = 17592186044417 WHERE vm_id = 1 AND sample_id = 1",
          "VM 'busy' claims 2 vCPUs and 17179869185 MiB" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_demand_opts o = { .p_bp = 9500 };
        kc_demand_host h;
        kc_error err = { 0 };
        sqlite3 *db;

        write_synthetic(path);
        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, "SELECT 1 FROM vms WHERE id = 1 AND name = 'busy'", NULL,
                                  NULL, NULL), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, cases[i].sql, NULL, NULL, NULL), SQLITE_OK, "%s",
                     sqlite3_errmsg(db));
        sqlite3_close(db);
        cr_expect_eq(kc_demand_load(path, &o, &h, &err), -1, "%s", cases[i].sql);
        cr_expect_eq(err.code, KC_ERR_INVALID);
        cr_expect(strstr(err.msg, cases[i].msg), "%s: %s", cases[i].sql, err.msg);
    }
    /* at the bound: 1 Pbit/s over the 10 s interval is 1.25e15 bytes, read */
    {
        kc_demand_opts o = { .p_bp = 9500 };
        kc_demand_host h;
        kc_error err = { 0 };
        sqlite3 *db;

        write_synthetic(path);
        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, "UPDATE vm_samples SET net_rx_bytes = 1250000000000000 "
                                  "WHERE vm_id = 1 AND sample_id = 7", NULL, NULL, NULL),
                     SQLITE_OK);
        sqlite3_close(db);
        cr_assert_eq(kc_demand_load(path, &o, &h, &err), 0, "%s", err.msg);
        cr_expect_eq(find(&h, "busy")->st.m[KC_METRIC_NET].max, kc_demand_bound(KC_METRIC_NET));
        kc_demand_host_clear(&h);
    }
}

/* The wall clock stepped back an hour mid-recording (NTP, a user): the samples stay in the
 * order taken, the rates (monotonic) are unchanged, and the window runs from the earliest to
 * the latest stamp rather than wrapping. */
Test(demand, a_wall_clock_stepped_back_keeps_the_rates_and_a_window_that_does_not_wrap)
{
    kc_demand_opts o = { .p_bp = 9500 };
    kc_demand_host a, b;
    kc_error err = { 0 };
    sqlite3 *db;

    write_synthetic(path);
    cr_assert_eq(kc_demand_load(path, &o, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
    cr_assert_eq(sqlite3_exec(db, "UPDATE samples SET wall_ns = wall_ns - 3600000000000 "
                              "WHERE id > 30", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    cr_assert_eq(kc_demand_load(path, &o, &b, &err), 0, "%s", err.msg);
    cr_expect_eq(b.samples, a.samples);
    cr_expect_eq(memcmp(a.m, b.m, sizeof(a.m)), 0, "the same rates");
    cr_expect_eq(b.first_wall_ns, T0 + 30 * STEP - 3600000000000ull, "the earliest stamp");
    cr_expect_eq(b.last_wall_ns, T0 + 29 * STEP, "the latest stamp (ids start at 1)");
    kc_demand_host_clear(&a);
    kc_demand_host_clear(&b);
}
