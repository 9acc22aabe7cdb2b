/* SPDX-License-Identifier: MIT */
/* test_record.c: the sampler against libvirt's test driver, parsing of bulk statistics, and
 * the recorder: clean stops, kill -9, the resulting file. */
#include <criterion/criterion.h>
#include <libvirt/libvirt.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"
#include "demand/record.h"
#include "demand/store.h"
#include "facts/sample_libvirt.h"

static kc_test_recording rec;
static const char *path;

static void setup(void)
{
    kc_test_recording_new(&rec, "record");
    path = rec.path;
}

static void teardown(void)
{
    kc_test_recording_remove(&rec);
}

TestSuite(record, .init = setup, .fini = teardown, .timeout = 60);

static void fixture_uri(const char *name, char *uri, size_t size)
{
    char cwd[1024];

    cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
    snprintf(uri, size, "test://%s/tests/fixtures/libvirt/%s", cwd, name);
}

/* One integer of the file, through SQL. */
static long long sql_int(const char *query)
{
    sqlite3 *db;
    sqlite3_stmt *q;
    long long v = -1;

    cr_assert_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, query, -1, &q, NULL) == SQLITE_OK) {
        if (sqlite3_step(q) == SQLITE_ROW)
            v = sqlite3_column_int64(q, 0);
        sqlite3_finalize(q);
    }
    sqlite3_close(db);
    return v;
}

Test(record, bulk_statistics_are_summed_over_vcpus_interfaces_and_disks)
{
    virTypedParameterPtr p = NULL;
    int n = 0, max = 0;
    kc_sample_vm vm;

    cr_assert_eq(virInitialize(), 0, "libvirt's allocator needs it before virTypedParamsAdd*");
    cr_assert_eq(virTypedParamsAddInt(&p, &n, &max, "state.state", 1), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "cpu.time", 5000000000ull), 0);
    cr_assert_eq(virTypedParamsAddUInt(&p, &n, &max, "vcpu.current", 2), 0);
    cr_assert_eq(virTypedParamsAddUInt(&p, &n, &max, "vcpu.maximum", 4), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "vcpu.0.time", 100), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "vcpu.1.time", 200), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "vcpu.0.delay", 7), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "vcpu.1.delay", 8), 0);
    cr_assert_eq(virTypedParamsAddInt(&p, &n, &max, "vcpu.1.state", 1), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "balloon.maximum", 1048576), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "balloon.rss", 300000), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "net.0.rx.bytes", 1000), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "net.1.rx.bytes", 24), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "net.0.tx.bytes", 5), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "net.0.rx.pkts", 99), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "block.0.rd.reqs", 10), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "block.1.rd.reqs", 11), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "block.0.wr.bytes", 4096), 0);
    cr_assert_eq(virTypedParamsAddLLong(&p, &n, &max, "block.1.wr.bytes", -1), 0);
    cr_assert_eq(virTypedParamsAddString(&p, &n, &max, "block.0.name", "vda"), 0);
    cr_assert_eq(virTypedParamsAddULLong(&p, &n, &max, "block.count", 2), 0);
    memset(&vm, 0, sizeof(vm));
    kc_sample_vm_from_params(p, n, &vm);
    cr_expect_eq(vm.state, KC_DOM_RUNNING);
    cr_expect_eq(vm.cpu_time_ns, 5000000000ull);
    cr_expect_eq(vm.vcpus, 2, "vcpu.current wins over the maximum");
    cr_expect_eq(vm.vcpu_time_ns, 300);
    cr_expect_eq(vm.vcpu_delay_ns, 15);
    cr_expect_eq(vm.mem_kib, 1048576);
    cr_expect_eq(vm.rss_kib, 300000);
    cr_expect_eq(vm.usable_kib, KC_SAMPLE_NONE, "no guest balloon driver");
    cr_expect_eq(vm.net_rx_bytes, 1024);
    cr_expect_eq(vm.net_tx_bytes, 5);
    cr_expect_eq(vm.rd_reqs, 21);
    cr_expect_eq(vm.wr_bytes, 4096, "a negative value is not given");
    cr_expect_eq(vm.wr_reqs, KC_SAMPLE_NONE);
    virTypedParamsFree(p, n);
}

Test(record, the_test_driver_gives_its_domain_and_the_host_cpu)
{
    kc_error err = { 0 };
    char host[256] = "";
    kc_sampler *s = kc_sampler_start("test:///default", NULL, 10, host, sizeof(host), &err);
    kc_sample a = { 0 };

    cr_assert_not_null(s, "%s", err.msg);
    cr_expect_str_neq(host, "");
    cr_assert_eq(kc_sampler_take(s, &a, &err), 0, "%s", err.msg);
    cr_assert_eq(a.n_vms, 1);
    cr_expect_str_eq(a.vms[0].name, "test");
    cr_expect_eq(a.vms[0].state, KC_DOM_RUNNING);
    cr_expect_geq(a.vms[0].dom_id, 1);
    cr_expect_eq(strlen(a.vms[0].uuid), 36);
    cr_expect_neq(a.cpu_user_ns, KC_SAMPLE_NONE);
    cr_expect_eq(a.ksm_pages_sharing, KC_SAMPLE_NONE, "the test driver's host is not this one");
    cr_expect_gt(a.mono_ns, 0);
    cr_assert_eq(kc_sampler_take(s, &a, &err), 0, "%s", err.msg);
    kc_sample_clear(&a);
    kc_sampler_stop(s);
}

Test(record, an_unreachable_host_is_a_host_error)
{
    kc_error err = { 0 };

    cr_expect_null(kc_sampler_start("test:///nonexistent/host.xml", NULL, 5, NULL, 0, &err));
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect(strstr(err.msg, "cannot connect to 'test:///nonexistent/host.xml'"), "%s",
              err.msg);
}

Test(record, a_timed_recording_has_every_sample_every_domain_and_the_facts)
{
    char uri[1200];
    kc_record_opts o = { .uri = uri, .out = path, .interval_ms = 50, .duration_ms = 400,
                         .timeout_s = 10 };
    kc_record_result r;
    kc_error err = { 0 };

    fixture_uri("mixed-16c64g.xml", uri, sizeof(uri));
    cr_assert_eq(kc_record_run(&o, &r, &err), 0, "%s", err.msg);
    cr_expect_geq(r.samples, 8);
    cr_expect_leq(r.samples, 9);
    cr_expect_eq(r.vms, 4);
    cr_expect_eq(sql_int("SELECT count(*) FROM samples"), (long long)r.samples);
    cr_expect_eq(sql_int("SELECT count(*) FROM vm_samples"), 4 * (long long)r.samples);
    cr_expect_eq(sql_int("SELECT count(*) FROM vms"), 4);
    cr_expect_eq(sql_int("SELECT count(*) FROM runs WHERE ended_ns IS NOT NULL"), 1);
    cr_expect_eq(sql_int("SELECT instr(facts, '\"cpus\":\t16') > 0 FROM runs"), 1);
    cr_expect_eq(sql_int("SELECT min(mono_ns) < max(mono_ns) FROM samples"), 1);
    /* appended: a second run on the same file */
    o.duration_ms = 100;
    cr_assert_eq(kc_record_run(&o, &r, &err), 0, "%s", err.msg);
    cr_expect_eq(sql_int("SELECT count(*) FROM runs"), 2);
    cr_expect_eq(sql_int("SELECT count(*) FROM hosts"), 1);
    /* the test driver makes up new UUIDs for a file's domains at each connection: the same
     * names, other domains (a real host keeps its UUIDs) */
    cr_expect_eq(sql_int("SELECT count(DISTINCT name) FROM vms"), 4);
}

static volatile sig_atomic_t stop_now;

Test(record, a_stop_request_finishes_the_sample_and_ends_the_run)
{
    kc_record_opts o = { .uri = "test:///default", .out = path, .interval_ms = 20,
                         .timeout_s = 10, .stop = &stop_now };
    kc_record_result r;
    kc_error err = { 0 };

    stop_now = 1;     /* as if SIGINT came during the first sample */
    cr_assert_eq(kc_record_run(&o, &r, &err), 0, "%s", err.msg);
    cr_expect_eq(r.samples, 1);
    cr_expect_eq(sql_int("SELECT count(*) FROM runs WHERE ended_ns IS NOT NULL"), 1);
}

static void wait_samples(long long n)
{
    for (int i = 0; i < 500; i++) {
        struct timespec ts = { 0, 20000000 };

        if (access(path, F_OK) == 0 && sql_int("SELECT count(*) FROM samples") >= n)
            return;
        nanosleep(&ts, NULL);
    }
    cr_assert_fail("the recorder wrote fewer than %lld samples", n);
}

Test(record, kill_9_leaves_every_committed_sample_readable)
{
    pid_t pid;
    int status;
    kc_error err = { 0 };
    kc_store *st;
    kc_store_host *hosts;
    kc_store_slot *slots;
    size_t nh, ns;

    fflush(NULL);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        kc_record_opts o = { .uri = "test:///default", .out = path, .interval_ms = 10,
                             .timeout_s = 10 };
        kc_record_result r;
        kc_error e = { 0 };

        _exit(kc_record_run(&o, &r, &e) == 0 ? 0 : 1);
    }
    wait_samples(5);
    kill(pid, SIGKILL);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFSIGNALED(status));
    st = kc_store_open(path, false, &err);
    cr_assert_not_null(st, "%s", err.msg);
    cr_assert_eq(kc_store_hosts(st, &hosts, &nh, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_store_slots(st, hosts[0].id, 0, 0, &slots, &ns, &err), 0, "%s", err.msg);
    cr_expect_geq(ns, 5);
    cr_expect_eq(sql_int("SELECT count(*) FROM runs WHERE ended_ns IS NULL"), 1);
    cr_expect_eq(sql_int("SELECT count(*) FROM vm_samples"), (long long)ns,
                 "no sample without its domains");
    free(hosts);
    free(slots);
    kc_store_close(st, NULL);
}

Test(record, sigterm_to_the_command_stops_it_cleanly_with_status_0)
{
    const char *bin = getenv("KVMCAP_BIN");
    pid_t pid;
    int status;

    cr_assert_not_null(bin, "run through make check");
    fflush(NULL);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        execl(bin, bin, "record", "-c", "test:///default", "--interval", "0.02", "--out", path,
              (char *)NULL);
        _exit(127);
    }
    wait_samples(3);
    kill(pid, SIGTERM);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %d", status);
    cr_expect_eq(sql_int("SELECT count(*) FROM runs WHERE ended_ns IS NOT NULL"), 1);
}
