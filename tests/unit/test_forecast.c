/* SPDX-License-Identifier: MIT */
/* test_forecast.c: time remaining per resource (planner/demand/forecast.c) from a real
 * Prometheus's answers (tests/fixtures/prometheus/, the generator in tests/live/history.sh)
 * and from a recording of several days, whose samples carry their own wall clock. */
#include <criterion/criterion.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demand/demand_prom.h"
#include "demand/forecast.h"
#include "demand/store.h"
#include "helpers.h"

/* test_prom.c: the fixtures as a fleet (kvm1 with node_exporter, kvm2 without) */
void kc_test_prom_fixture_fleet(kc_prom_fleet *f);

static void kvm_hosts(kc_demand_host h[2])
{
    kc_prom_fleet f = { 0 };

    kc_test_prom_fixture_fleet(&f);
    cr_assert_eq(f.n_hosts, 2);
    kc_demand_from_prom(&f, &f.hosts[0], 9500, true, &h[0]);
    kc_demand_from_prom(&f, &f.hosts[1], 9500, true, &h[1]);
    kc_prom_fleet_clear(&f);
}

/* kvm1's VMs hold 5120 + 64 d MiB on day d = 0..15 of 15872 usable: 153 days */
Test(forecast, memory_growing_64_mib_a_day_is_full_when_the_generator_says)
{
    kc_demand_host h[2];
    kc_forecast_opts o;
    kc_forecast_host fc;
    const kc_forecast_row *mem, *cpu;

    kvm_hosts(h);
    kc_forecast_opts_init(&o);
    kc_forecast_host_run(&h[0], &o, &fc);
    mem = &fc.r[KC_FORECAST_MEMORY];
    cpu = &fc.r[KC_FORECAST_CPU];
    cr_expect(mem->known);
    cr_expect_eq(mem->capacity, 15872);
    cr_expect_eq(mem->n_days, 16);
    cr_expect_eq(mem->t.demand_now, 6080);
    cr_expect(fabs(mem->t.growth_per_day - 64.0) < 1e-6, "growth %f", mem->t.growth_per_day);
    cr_expect_eq(mem->t.status, KC_TREND_FULL);
    cr_expect_eq(mem->t.days, 153);
    cr_expect_eq(mem->t.days_conservative, 153);     /* an exact line: no band */
    /* 1.75 cores of 4, flat */
    cr_expect_eq(cpu->capacity, 40000);
    cr_expect_eq(cpu->t.demand_now, 17500);
    cr_expect_eq(cpu->t.status, KC_TREND_NONE_SEEN);
    cr_expect_eq(cpu->t.days, UINT32_MAX);
    kc_forecast_host_clear(&fc);
    /* --max-util 80: 12697 MiB (rounded down): ceil((12697 - 6080) / 64) = 104 */
    o.max_util_bp = 8000;
    kc_forecast_host_run(&h[0], &o, &fc);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].capacity, 12697);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.days, 104);
    cr_expect_eq(fc.r[KC_FORECAST_CPU].capacity, 32000);
    kc_forecast_host_clear(&fc);
    /* --reserve 4g: (12288 - 6080) / 64 = 97 */
    o.max_util_bp = 10000;
    o.reserve_mib = 4096;
    kc_forecast_host_run(&h[0], &o, &fc);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.days, 97);
    kc_forecast_host_clear(&fc);
    /* --min-days 20: 16 days are not enough */
    kc_forecast_opts_init(&o);
    o.trend.min_days = 20;
    kc_forecast_host_run(&h[0], &o, &fc);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.status, KC_TREND_SHORT);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].n_days, 16);
    kc_forecast_host_clear(&fc);
    /* --horizon 100: beyond it */
    kc_forecast_opts_init(&o);
    o.trend.horizon_days = 100;
    kc_forecast_host_run(&h[0], &o, &fc);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.status, KC_TREND_NONE_SEEN);
    kc_forecast_host_clear(&fc);
    /* kvm2 has no node_exporter: a trend, no capacity */
    kc_forecast_opts_init(&o);
    kc_forecast_host_run(&h[1], &o, &fc);
    cr_expect(!fc.has_facts);
    cr_expect(!fc.r[KC_FORECAST_MEMORY].known);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.demand_now, 512);
    kc_forecast_host_clear(&fc);
    kc_demand_host_clear(&h[0]);
    kc_demand_host_clear(&h[1]);
}

/* Two hosts of kvm1's figures: 31744 MiB usable, 12160 + 128 d now: 153 days; with --ha 1
 * one host's 15872 hold 12160 + 128 d: ceil(3712 / 128) = 29 days */
Test(forecast, the_fleet_sums_hosts_and_keeps_the_ha_largest_spare)
{
    kc_demand_host h[2], two[3];
    kc_forecast_opts o;
    kc_forecast_host fc;
    kc_error err = { 0 };

    kvm_hosts(h);
    kc_forecast_opts_init(&o);
    /* kvm2 has no size: the fleet is kvm1 alone; --ha 1 leaves nothing */
    cr_assert_eq(kc_forecast_fleet_run(h, 2, &o, &fc, &err), 0, "%s", err.msg);
    cr_expect_eq(fc.hosts, 1);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.days, 153);
    kc_forecast_host_clear(&fc);
    o.ha_hosts = 1;
    cr_expect_eq(kc_forecast_fleet_run(h, 2, &o, &fc, &err), -1);
    cr_expect_eq(err.code, KC_ERR_USAGE);
    cr_expect(strstr(err.msg, "--ha 1") != NULL, "%s", err.msg);
    /* kvm1 twice (borrowed: the copies share its arrays), and kvm2 */
    two[0] = h[0];
    two[1] = h[0];
    two[2] = h[1];
    o.ha_hosts = 0;
    memset(&err, 0, sizeof(err));
    cr_assert_eq(kc_forecast_fleet_run(two, 3, &o, &fc, &err), 0, "%s", err.msg);
    cr_expect_eq(fc.hosts, 2);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].capacity, 31744);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.demand_now, 12160);
    cr_expect(fabs(fc.r[KC_FORECAST_MEMORY].t.growth_per_day - 128.0) < 1e-6);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.days, 153);
    cr_expect_eq(fc.r[KC_FORECAST_CPU].capacity, 80000);
    kc_forecast_host_clear(&fc);
    o.ha_hosts = 1;
    cr_assert_eq(kc_forecast_fleet_run(two, 3, &o, &fc, &err), 0, "%s", err.msg);
    cr_expect_eq(fc.ha_hosts, 1);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].capacity, 15872);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.days, 29);
    kc_forecast_host_clear(&fc);
    kc_demand_host_clear(&h[0]);
    kc_demand_host_clear(&h[1]);
}

/*
 * A recording of 10 days, a sample every hour, in two runs: the host rebooted after day 4,
 * so the second run's monotonic clock starts again near 0 (days are the samples' own wall
 * clock, which the store keeps). One VM holds 1000 + 100 d MiB on day d, plus 50 MiB at
 * noon; the host has 8 GiB: 7680 usable, 1900 + 50 on day 9: ceil((7680 - 1950) / 100) = 58.
 */
#define R_T0 1793491200000000000ull   /* 2026-11-01T00:00:00Z */
#define HOUR 3600000000000ull

#define GROWING "tests/fixtures/recordings/growing.db"

static void write_growing(const char *path)
{
    static const char facts[] =
        "{\"host\": {\"source\": \"libvirt\", \"uri\": \"qemu:///system\", \"hostname\": "
        "\"kvm9\", \"cpus\": 4, \"mem_mib\": 8192}, \"vms\": []}";
    kc_error err = { 0 };
    kc_store *st;
    uint64_t cpu = 0;

    unlink(path);
    st = kc_store_open(path, true, &err);
    cr_assert_not_null(st, "%s", err.msg);
    for (uint64_t k = 0; k < 240; k++) {
        uint64_t day = k / 24, wall = R_T0 + k * HOUR;
        kc_sample_vm v;
        kc_sample s = { .wall_ns = wall, .took_ns = 1000000, .cpu_user_ns = KC_SAMPLE_NONE,
                        .cpu_system_ns = KC_SAMPLE_NONE, .cpu_idle_ns = KC_SAMPLE_NONE,
                        .cpu_iowait_ns = KC_SAMPLE_NONE, .mem_total_kib = KC_SAMPLE_NONE,
                        .mem_free_kib = KC_SAMPLE_NONE, .mem_buffers_kib = KC_SAMPLE_NONE,
                        .mem_cached_kib = KC_SAMPLE_NONE, .ksm_pages_sharing = KC_SAMPLE_NONE,
                        .page_kib = KC_SAMPLE_NONE, .n_vms = 1, .vms = &v };

        if (k == 0 || k == 120) {
            if (k)
                cr_assert_eq(kc_store_end_run(st, wall - 1, &err), 0, "%s", err.msg);
            cr_assert_eq(kc_store_begin_run(st, "qemu:///system", "kvm9", 3600000, wall, facts,
                                            "0.1.0", &err), 0, "%s", err.msg);
            cpu = 0;
        }
        /* monotonic: from 5 s after each boot */
        s.mono_ns = 5000000000ull + (k < 120 ? k : k - 120) * HOUR;
        memset(&v, 0, sizeof(v));
        snprintf(v.name, sizeof(v.name), "app");
        snprintf(v.uuid, sizeof(v.uuid), "00000000-0000-0000-0000-000000000001");
        v.state = KC_DOM_RUNNING;
        v.dom_id = k < 120 ? 1 : 2;
        v.vcpus = 2;
        v.mem_kib = 4096 * 1024;
        v.vcpu_time_ns = v.vcpu_delay_ns = v.balloon_current_kib = KC_SAMPLE_NONE;
        v.usable_kib = v.available_kib = KC_SAMPLE_NONE;
        cpu += HOUR / 2;
        v.cpu_time_ns = cpu;
        v.rss_kib = (1000 + 100 * day + (k % 24 == 12 ? 50 : 0)) * 1024;
        cr_assert_eq(kc_store_add_sample(st, &s, false, &err), 0, "%s", err.msg);
    }
    cr_assert_eq(kc_store_end_run(st, R_T0 + 240 * HOUR, &err), 0, "%s", err.msg);
    kc_store_close(st, NULL);
    {
        sqlite3 *db;        /* a file to ship: no WAL beside it */

        cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
        cr_assert_eq(sqlite3_exec(db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL),
                     SQLITE_OK);
        sqlite3_close(db);
    }
}

static void check_growing(const char *path)
{
    kc_error err = { 0 };
    kc_demand_opts dopts = { .p_bp = 9500, .keep_series = true };
    kc_demand_host h;
    kc_forecast_opts o;
    kc_forecast_host fc;

    cr_assert_eq(kc_demand_load(path, &dopts, &h, &err), 0, "%s", err.msg);
    cr_assert_not_null(h.slot_wall_ns);
    cr_assert_eq(h.samples, 240);
    cr_expect_eq(h.slot_wall_ns[0], R_T0);
    cr_expect_eq(h.slot_wall_ns[239], R_T0 + 239 * HOUR);
    kc_forecast_opts_init(&o);
    kc_forecast_host_run(&h, &o, &fc);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].n_days, 10);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].first_day, R_T0 / 1000000000ull / 86400);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.demand_now, 1950);
    cr_expect(fabs(fc.r[KC_FORECAST_MEMORY].t.growth_per_day - 100.0) < 1e-6);
    cr_expect_eq(fc.r[KC_FORECAST_MEMORY].t.days, 58);
    /* half a core throughout: flat */
    cr_expect_eq(fc.r[KC_FORECAST_CPU].t.demand_now, 5000);
    cr_expect_eq(fc.r[KC_FORECAST_CPU].t.status, KC_TREND_NONE_SEEN);
    kc_forecast_host_clear(&fc);
    kc_demand_host_clear(&h);
}

Test(forecast, a_recording_of_days_uses_each_samples_wall_clock)
{
    char path[] = "/tmp/kvmcap-forecast-XXXXXX";
    int fd = mkstemp(path);

    cr_assert_geq(fd, 0);
    close(fd);
    write_growing(path);
    check_growing(path);
    unlink(path);
}

/* the golden cases' forecast-* recording; KVMCAP_REGENERATE=1 rewrites it */
Test(forecast, the_fixture_for_the_golden_cases_is_this_recording)
{
    if (getenv("KVMCAP_REGENERATE"))
        write_growing(GROWING);
    check_growing(GROWING);
}
