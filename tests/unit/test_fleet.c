/* SPDX-License-Identifier: MIT */
/* test_fleet.c: hosts files, URIs, the parallel collector against test:/// hosts, planning,
 * sorting, saving facts and the JSON report (planner/fleet/fleet.c, planner/report/fleet_json.c). */
#include <criterion/criterion.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "facts/facts_json.h"
#include "fleet/fleet.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "report/fleet_json.h"
#include "util/util.h"
#include "helpers.h"

/* ------------------------------------------------------------------ hosts files */

static void free_uris(char **uris, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(uris[i]);
    free(uris);
}

Test(fleet, hosts_file_skips_comments_and_blank_lines)
{
    const char *text = "# fleet\n\nqemu+ssh://kvm1/system\n  qemu+tls://kvm2/system  # rack 2\r\n"
                       "\t\n#qemu+ssh://old/system\nqemu+tcp://kvm3:16509/system";
    char **uris = NULL;
    size_t n = 0;
    kc_error err = { 0 };

    cr_assert_eq(kc_fleet_parse_hosts(text, "hosts.txt", &uris, &n, &err), 0, "%s", err.msg);
    cr_assert_eq(n, 3);
    cr_expect_str_eq(uris[0], "qemu+ssh://kvm1/system");
    cr_expect_str_eq(uris[1], "qemu+tls://kvm2/system");
    cr_expect_str_eq(uris[2], "qemu+tcp://kvm3:16509/system");
    free_uris(uris, n);
}

Test(fleet, hosts_file_keeps_a_hash_inside_a_uri)
{
    char **uris = NULL;
    size_t n = 0;
    kc_error err = { 0 };

    cr_assert_eq(kc_fleet_parse_hosts("test:///tmp/a#b.xml\n", "h", &uris, &n, &err), 0);
    cr_assert_eq(n, 1);
    cr_expect_str_eq(uris[0], "test:///tmp/a#b.xml");
    free_uris(uris, n);
}

Test(fleet, hosts_file_bad_line_is_named_with_file_and_line)
{
    char **uris = NULL;
    size_t n = 0;
    kc_error err = { 0 };

    cr_expect_eq(kc_fleet_parse_hosts("qemu:///system\n\nkvm7 extra\n", "hosts.txt", &uris, &n,
                                      &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_str_eq(err.msg, "hosts.txt:3: 'kvm7 extra' is not a libvirt URI (blank or "
                              "control character)");
    free_uris(uris, n);
    uris = NULL;
    n = 0;
    cr_expect_eq(kc_fleet_parse_hosts("kvm7\n", "h.txt", &uris, &n, &err), -1);
    cr_expect_str_eq(err.msg, "h.txt:1: 'kvm7' is not a libvirt URI (like qemu+ssh://host/system)");
    free_uris(uris, n);
}

Test(fleet, hosts_file_rejects_a_uri_given_twice)
{
    char **uris = NULL;
    size_t n = 0;
    kc_error err = { 0 };

    cr_expect_eq(kc_fleet_parse_hosts("qemu+ssh://a/system\nqemu+ssh://a/system\n", "f", &uris,
                                      &n, &err), -1);
    cr_expect_str_eq(err.msg, "f:2: 'qemu+ssh://a/system' is listed twice");
    free_uris(uris, n);
}

Test(fleet, hosts_file_rejects_an_overlong_line)
{
    char text[400];
    char **uris = NULL;
    size_t n = 0;
    kc_error err = { 0 };

    memset(text, 'x', sizeof(text) - 1);
    memcpy(text, "qemu+ssh://", 11);
    text[sizeof(text) - 1] = '\0';
    cr_expect_eq(kc_fleet_parse_hosts(text, "f", &uris, &n, &err), -1);
    cr_expect(strstr(err.msg, "f:1: 'qemu+ssh://") == err.msg, "%s", err.msg);
    cr_expect(strstr(err.msg, "longer than 255 bytes") != NULL, "%s", err.msg);
    free_uris(uris, n);
}

/* ------------------------------------------------------------------ URIs */

Test(fleet, ssh_uris_get_no_tty)
{
    char out[KC_FLEET_URI_MAX + 16];

    cr_assert_eq(kc_fleet_uri_no_tty("qemu+ssh://kvm1/system", out, sizeof(out)), 0);
    cr_expect_str_eq(out, "qemu+ssh://kvm1/system?no_tty=1");
    cr_assert_eq(kc_fleet_uri_no_tty("qemu+ssh://u@kvm1/system?keyfile=/k", out, sizeof(out)), 0);
    cr_expect_str_eq(out, "qemu+ssh://u@kvm1/system?keyfile=/k&no_tty=1");
    cr_assert_eq(kc_fleet_uri_no_tty("qemu+ssh://kvm1/system?no_tty=0", out, sizeof(out)), 0);
    cr_expect_str_eq(out, "qemu+ssh://kvm1/system?no_tty=0");
}

Test(fleet, other_transports_are_left_alone)
{
    static const char *const same[] = { "qemu+tcp://kvm1/system", "qemu+tls://kvm1/system",
                                        "qemu:///system", "test:///default",
                                        "qemu+libssh2://kvm1/system" };
    char out[KC_FLEET_URI_MAX + 16];

    for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
        cr_assert_eq(kc_fleet_uri_no_tty(same[i], out, sizeof(out)), 0);
        cr_expect_str_eq(out, same[i]);
    }
    cr_expect_eq(kc_fleet_uri_no_tty("qemu+ssh://kvm1/system", out, 20), -1);
}

Test(fleet, safe_names_keep_only_safe_bytes)
{
    char out[64];

    kc_fleet_safe_name("kvm1.example.com", out, sizeof(out));
    cr_expect_str_eq(out, "kvm1.example.com");
    kc_fleet_safe_name("qemu+ssh://a/system", out, sizeof(out));
    cr_expect_str_eq(out, "qemu_ssh___a_system");
    kc_fleet_safe_name("../etc", out, sizeof(out));
    cr_expect_str_eq(out, "_._etc");
    kc_fleet_safe_name("", out, sizeof(out));
    cr_expect_str_eq(out, "_");
}

/* ------------------------------------------------------------------ collection and planning */

static char uri_a[512], uri_b[512], uri_c[512], uri_missing[512];
static kc_catalog *cat;

static void setup(void)
{
    char cwd[256];
    const char *dir = getenv("KVMCAP_DATADIR");
    kc_error err = { 0 };

    cr_assert_not_null(getcwd(cwd, sizeof(cwd)));
    snprintf(uri_a, sizeof(uri_a), "test://%s/tests/fixtures/libvirt/fleet/a-16c32g.xml", cwd);
    snprintf(uri_b, sizeof(uri_b), "test://%s/tests/fixtures/libvirt/fleet/b-4c64g.xml", cwd);
    snprintf(uri_c, sizeof(uri_c), "test://%s/tests/fixtures/libvirt/fleet/c-8c8g.xml", cwd);
    snprintf(uri_missing, sizeof(uri_missing), "test://%s/tests/fixtures/libvirt/fleet/none.xml",
             cwd);
    cat = kc_catalog_load(dir ? dir : "data", &err);
    cr_assert_not_null(cat, "%s", err.msg);
}

static void teardown(void)
{
    kc_catalog_free(cat);
}

TestSuite(fleet_hosts, .init = setup, .fini = teardown, .timeout = 60);

static const kc_shape shape_2c4g = { .vcpus = 2, .mem_mib = 4096 };
static const char *const label_2c4g[] = { "2c4g" };

/* a, b, c and a missing file, collected 2 at a time and planned for 2c4g */
static kc_fleet *collect_four(const uint64_t *counts)
{
    const char *uris[4] = { uri_a, uri_b, uri_missing, uri_c };
    kc_fleet_opts opts = { .parallel = 2, .timeout_s = 30 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fleet *fleet = kc_fleet_new(uris, 4, &err);

    cr_assert_not_null(fleet, "%s", err.msg);
    cr_assert_eq(kc_fleet_collect(fleet, &opts, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_fleet_plan(fleet, cat, &shape_2c4g, label_2c4g, counts, 1, &policy,
                               KC_EXISTING_RUNNING, &err), 0, "%s", err.msg);
    return fleet;
}

static const kc_fleet_host *by_uri(const kc_fleet *fleet, const char *uri)
{
    for (size_t i = 0; i < fleet->n_hosts; i++)
        if (strcmp(fleet->hosts[i].uri, uri) == 0)
            return &fleet->hosts[i];
    cr_assert_fail("no host '%s'", uri);
    return NULL;
}

Test(fleet_hosts, pool_collects_every_host_and_counts_match_hand_computed_values)
{
    kc_fleet *fleet = collect_four(NULL);
    const kc_fleet_host *a = by_uri(fleet, uri_a), *b = by_uri(fleet, uri_b),
                        *c = by_uri(fleet, uri_c);

    cr_assert(a->ok && b->ok && c->ok);
    cr_expect_eq(a->host.cpus, 16);
    cr_expect_eq(a->host.mem_mib, 32768);
    cr_expect_eq(a->host.used.vms, 1);
    /* memory: (32768 - 512 - 4096) / 4096 = 6; cpu: (64 - 2) / 2 = 31 */
    cr_expect_eq(a->fits[0].count, 6);
    cr_expect_eq(a->fits[0].bottleneck, 1u << KC_RES_MEMORY);
    /* memory (65536 - 512) / 4096 = 15; cpu 16 / 2 = 8 */
    cr_expect_eq(b->fits[0].count, 8);
    cr_expect_eq(b->fits[0].bottleneck, 1u << KC_RES_CPU);
    cr_expect_eq(c->fits[0].count, 1);
    cr_expect_eq(fleet->total[0], 6 + 8 + 1);
    cr_expect_eq(fleet->n_ok, 3);
    cr_expect_eq(fleet->n_failed, 1);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, a_failed_host_is_a_row_with_its_error)
{
    kc_fleet *fleet = collect_four(NULL);
    const kc_fleet_host *m = by_uri(fleet, uri_missing);

    cr_expect_not(m->ok);
    cr_expect_null(m->fits);
    cr_expect_eq(m->err.code, KC_ERR_HOST);
    cr_expect(strstr(m->err.msg, "cannot connect to") != NULL, "%s", m->err.msg);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, one_at_a_time_gives_the_same_answers)
{
    const char *uris[3] = { uri_a, uri_b, uri_c };
    kc_fleet_opts opts = { .parallel = 1, .timeout_s = 30 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fleet *fleet = kc_fleet_new(uris, 3, &err);

    cr_assert_not_null(fleet);
    cr_assert_eq(kc_fleet_collect(fleet, &opts, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_fleet_plan(fleet, cat, &shape_2c4g, label_2c4g, NULL, 1, &policy,
                               KC_EXISTING_RUNNING, &err), 0, "%s", err.msg);
    cr_expect_eq(fleet->total[0], 15);
    cr_expect_eq(fleet->n_failed, 0);
    kc_fleet_free(fleet);
}

static size_t progress_calls, progress_last_done, progress_last_failed;

static void count_progress(void *opaque, size_t done, size_t total, size_t failed)
{
    cr_expect_eq(total, 4);
    cr_expect_eq(opaque, &progress_calls);
    progress_calls++;
    progress_last_done = done;
    progress_last_failed = failed;
}

Test(fleet_hosts, progress_is_reported_once_per_host)
{
    const char *uris[4] = { uri_a, uri_b, uri_missing, uri_c };
    kc_fleet_opts opts = { .parallel = 3, .timeout_s = 30, .progress = count_progress,
                           .opaque = &progress_calls };
    kc_error err = { 0 };
    kc_fleet *fleet = kc_fleet_new(uris, 4, &err);

    cr_assert_eq(kc_fleet_collect(fleet, &opts, &err), 0, "%s", err.msg);
    cr_expect_eq(progress_calls, 4);
    cr_expect_eq(progress_last_done, 4);
    cr_expect_eq(progress_last_failed, 1);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, a_peer_that_never_answers_is_cut_at_the_timeout)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(sa);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    char uri[128];
    const char *uris[2];
    kc_fleet_opts opts = { .parallel = 2, .timeout_s = 1 };
    kc_error err = { 0 };
    kc_fleet *fleet;

    /* listens (the kernel accepts the connection) and never says a word */
    cr_assert(fd >= 0);
    cr_assert_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    cr_assert_eq(listen(fd, 8), 0);
    cr_assert_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
    snprintf(uri, sizeof(uri), "qemu+tcp://127.0.0.1:%u/system", ntohs(sa.sin_port));
    uris[0] = uri;
    uris[1] = uri_a;
    fleet = kc_fleet_new(uris, 2, &err);
    cr_assert_eq(kc_fleet_collect(fleet, &opts, &err), 0, "%s", err.msg);
    cr_expect_not(fleet->hosts[0].ok);
    {
        char want[256];

        snprintf(want, sizeof(want), "'%s' did not answer within 1 s", uri);
        cr_expect_str_eq(fleet->hosts[0].err.msg, want);
    }
    cr_expect(fleet->hosts[1].ok, "%s", fleet->hosts[1].err.msg);
    kc_fleet_free(fleet);
    close(fd);
}

Test(fleet_hosts, sorting_by_name_free_and_bottleneck)
{
    kc_fleet *fleet = collect_four(NULL);

    /* all test-driver hosts share a host name: the URI decides; failed hosts last */
    kc_fleet_sort_hosts(fleet, KC_FLEET_SORT_NAME);
    cr_expect_str_eq(fleet->hosts[0].uri, uri_a);
    cr_expect_str_eq(fleet->hosts[1].uri, uri_b);
    cr_expect_str_eq(fleet->hosts[2].uri, uri_c);
    cr_expect_str_eq(fleet->hosts[3].uri, uri_missing);
    /* most room first: b 8, a 6, c 1 */
    kc_fleet_sort_hosts(fleet, KC_FLEET_SORT_FREE);
    cr_expect_str_eq(fleet->hosts[0].uri, uri_b);
    cr_expect_str_eq(fleet->hosts[1].uri, uri_a);
    cr_expect_str_eq(fleet->hosts[2].uri, uri_c);
    cr_expect_str_eq(fleet->hosts[3].uri, uri_missing);
    /* memory-bound first (a 6, c 1), then cpu-bound (b) */
    kc_fleet_sort_hosts(fleet, KC_FLEET_SORT_BOTTLENECK);
    cr_expect_str_eq(fleet->hosts[0].uri, uri_a);
    cr_expect_str_eq(fleet->hosts[1].uri, uri_c);
    cr_expect_str_eq(fleet->hosts[2].uri, uri_b);
    cr_expect_str_eq(fleet->hosts[3].uri, uri_missing);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, placement_goes_over_the_hosts_in_the_order_given)
{
    uint64_t counts[1] = { 20 };
    kc_fleet *fleet = collect_four(counts);

    kc_fleet_sort_hosts(fleet, KC_FLEET_SORT_FREE);    /* display order does not matter */
    cr_assert_not_null(fleet->place);
    cr_expect_eq(by_uri(fleet, uri_a)->placed[0], 6);
    cr_expect_eq(by_uri(fleet, uri_b)->placed[0], 8);
    cr_expect_eq(by_uri(fleet, uri_c)->placed[0], 1);
    cr_expect_eq(fleet->place->shapes[0].placed, 15);
    cr_expect_eq(fleet->place->shapes[0].unplaced, 5);
    cr_expect_eq(fleet->place->shapes[0].full, (1u << KC_RES_MEMORY) | (1u << KC_RES_CPU));
    cr_expect_not(fleet->place->complete);
    kc_fleet_free(fleet);
}

/* A host's count is how many more fit after what was placed there, as in `kvmcap fit`:
 * not "count 6, placed 6" on a full host. */
Test(fleet_hosts, per_host_counts_are_after_the_placement)
{
    uint64_t counts[1] = { 9 };
    kc_fleet *fleet = collect_four(counts);
    const kc_fleet_host *a = by_uri(fleet, uri_a), *b = by_uri(fleet, uri_b),
                        *c = by_uri(fleet, uri_c);

    cr_expect_eq(a->placed[0], 6);
    cr_expect_eq(a->fits[0].count, 0);
    cr_expect_eq(b->placed[0], 3);
    cr_expect_eq(b->fits[0].count, 5);
    cr_expect_eq(c->placed[0], 0);
    cr_expect_eq(c->fits[0].count, 1);
    cr_expect_eq(fleet->total[0], 6);
    kc_fleet_free(fleet);
}

/* A policy that leaves nothing of a host to plan makes that host a row with the error. */
Test(fleet_hosts, a_policy_that_leaves_a_host_nothing_is_that_hosts_error)
{
    const char *uris[2] = { uri_a, uri_c };
    kc_fleet_opts opts = { .parallel = 2, .timeout_s = 30 };
    kc_policy policy = kc_test_policy();
    kc_error err = { 0 };
    kc_fleet *fleet = kc_fleet_new(uris, 2, &err);

    cr_assert_not_null(fleet, "%s", err.msg);
    cr_assert_eq(kc_fleet_collect(fleet, &opts, &err), 0, "%s", err.msg);
    policy.reserve_mib = 8192;    /* all of c's 8 GiB, a quarter of a's */
    cr_assert_eq(kc_fleet_plan(fleet, cat, &shape_2c4g, label_2c4g, NULL, 1, &policy,
                               KC_EXISTING_RUNNING, &err), 0, "%s", err.msg);
    cr_expect(by_uri(fleet, uri_a)->ok);
    cr_expect_not(by_uri(fleet, uri_c)->ok);
    cr_expect(strstr(by_uri(fleet, uri_c)->err.msg, "reserve") != NULL, "%s",
              by_uri(fleet, uri_c)->err.msg);
    cr_expect_eq(fleet->n_failed, 1);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, json_report_holds_hosts_totals_and_placement)
{
    uint64_t counts[1] = { 4 };
    kc_fleet *fleet = collect_four(counts);
    kc_fleet_report meta = { .timeout_s = 30, .parallel = 2, .sort = "name",
                             .version = "0.1.0" };
    char *text = NULL;
    size_t text_len = 0;
    FILE *out;
    cJSON *root, *hosts, *total, *pl;
    int ok = 0, failed = 0;

    kc_fleet_sort_hosts(fleet, KC_FLEET_SORT_NAME);
    meta.fleet = fleet;
    out = open_memstream(&text, &text_len);
    cr_assert_not_null(out);
    kc_report_fleet_json(out, &meta);
    cr_assert_eq(fclose(out), 0);
    root = cJSON_Parse(text);
    cr_assert_not_null(root, "%s", text);
    cr_expect_str_eq(cJSON_GetObjectItem(root, "report")->valuestring, "fleet");
    hosts = cJSON_GetObjectItem(root, "hosts");
    cr_assert_eq(cJSON_GetArraySize(hosts), 4);
    for (int i = 0; i < 4; i++) {
        cJSON *h = cJSON_GetArrayItem(hosts, i);

        cr_expect(cJSON_IsString(cJSON_GetObjectItem(h, "uri")));
        if (cJSON_IsTrue(cJSON_GetObjectItem(h, "ok"))) {
            ok++;
            cr_expect(cJSON_IsArray(cJSON_GetObjectItem(h, "shapes")));
        } else {
            failed++;
            cr_expect(cJSON_IsString(cJSON_GetObjectItem(h, "error")));
        }
    }
    cr_expect_eq(ok, 3);
    cr_expect_eq(failed, 1);
    total = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "total"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(total, "vm")->valuestring, "2c4g");
    /* how many more after the 4 placed (all on a): 6 + 8 + 1 - 4 */
    cr_expect_eq(cJSON_GetObjectItem(total, "count")->valueint, 11);
    pl = cJSON_GetObjectItem(root, "placement");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(pl, "complete")));
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(pl, "shapes"), 0),
                                     "placed")->valueint, 4);
    cJSON_Delete(root);
    free(text);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, saved_facts_are_one_file_per_host_and_read_back)
{
    char tmpl[] = "/tmp/kvmcap-fleet-test.XXXXXX";
    kc_fleet *fleet = collect_four(NULL);
    kc_error err = { 0 };
    size_t files = 0;
    DIR *d;
    struct dirent *e;

    cr_assert_not_null(mkdtemp(tmpl));
    cr_assert_eq(kc_fleet_save_facts(fleet, tmpl, "0.1.0", &err), 0, "%s", err.msg);
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        const kc_fleet_host *h = &fleet->hosts[i];
        kc_facts *back;
        char *text;

        if (!h->ok) {
            cr_expect_str_eq(h->facts_file, "");
            continue;
        }
        /* test-driver hosts share a host name: the URI names the file */
        cr_expect(strstr(h->facts_file, "/test____") != NULL, "%s", h->facts_file);
        text = kc_read_file(h->facts_file, 1 << 20, NULL, &err);
        cr_assert_not_null(text, "%s", err.msg);
        back = kc_facts_new();
        cr_expect_eq(kc_facts_from_json(text, h->facts_file, back, &err), 0, "%s", err.msg);
        cr_expect_eq(back->cpus, h->facts->cpus);
        cr_expect_eq(back->mem_mib, h->facts->mem_mib);
        kc_facts_free(back);
        free(text);
        unlink(h->facts_file);
    }
    /* nothing else left behind: no temporary files */
    d = opendir(tmpl);
    cr_assert_not_null(d);
    while ((e = readdir(d)))
        if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")))
            files++;
    closedir(d);
    cr_expect_eq(files, 0);
    rmdir(tmpl);
    kc_fleet_free(fleet);
}

Test(fleet_hosts, saving_into_a_missing_directory_fails)
{
    kc_fleet *fleet = collect_four(NULL);
    kc_error err = { 0 };

    cr_expect_eq(kc_fleet_save_facts(fleet, "/nonexistent/kvmcap", "0.1.0", &err), -1);
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect_str_eq(err.msg, "--save-facts: '/nonexistent/kvmcap' is not a directory");
    kc_fleet_free(fleet);
}
