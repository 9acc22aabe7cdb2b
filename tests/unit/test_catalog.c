/* SPDX-License-Identifier: MIT */
/* test_catalog.c: the shipped data/ loads with sane figures; broken catalogs are named. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/spec.h"
#include "helpers.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static const char *datadir(void)
{
    const char *dir = getenv("KVMCAP_DATADIR");

    return dir && *dir ? dir : "data";
}

static kc_catalog *load_real(void)
{
    kc_error err = { 0 };
    kc_catalog *cat = kc_catalog_load(datadir(), &err);

    cr_assert_not_null(cat, "loading %s: %s", datadir(), err.msg);
    return cat;
}

Test(catalog, every_required_device_type_is_present_and_sane)
{
    static const char *const local[] = { "hdd-7.2k", "hdd-10k", "hdd-15k", "ssd", "nvme" };
    static const char *const network[] = { "iscsi-1g", "iscsi-10g", "iscsi-25g",
                                           "fc-8g", "fc-16g", "fc-32g" };
    kc_catalog *cat = load_real();

    for (size_t i = 0; i < ARRAY_LEN(local); i++) {
        const kc_device_type *d = kc_catalog_device(cat, local[i]);

        cr_assert_not_null(d, "device '%s' missing", local[i]);
        cr_expect_eq(d->kind, KC_STORAGE_LOCAL, "%s", local[i]);
        cr_expect_gt(d->iops, 0, "%s", local[i]);
        cr_expect_gt(d->mbps, 0, "%s", local[i]);
        cr_expect_eq(d->link_mbps, 0, "%s", local[i]);
        cr_expect_eq(d->link_iops, 0, "%s", local[i]);
    }
    for (size_t i = 0; i < ARRAY_LEN(network); i++) {
        const kc_device_type *d = kc_catalog_device(cat, network[i]);

        cr_assert_not_null(d, "device '%s' missing", network[i]);
        cr_expect_eq(d->kind, KC_STORAGE_NETWORK, "%s", network[i]);
        cr_expect_gt(d->link_mbps, 0, "%s", network[i]);
        /* the shipped catalog uses 4 KiB I/O for the link's IOPS */
        cr_expect_eq(d->link_iops, d->link_mbps * 1000000 / 4096, "%s", network[i]);
    }
    /* orderings any operator expects: faster spindles, then flash */
    cr_expect_lt(kc_catalog_device(cat, "hdd-7.2k")->iops, kc_catalog_device(cat, "hdd-10k")->iops);
    cr_expect_lt(kc_catalog_device(cat, "hdd-10k")->iops, kc_catalog_device(cat, "hdd-15k")->iops);
    cr_expect_lt(kc_catalog_device(cat, "hdd-15k")->iops, kc_catalog_device(cat, "ssd")->iops);
    cr_expect_lt(kc_catalog_device(cat, "ssd")->iops, kc_catalog_device(cat, "nvme")->iops);
    cr_expect_leq(kc_catalog_device(cat, "ssd")->mbps, 600, "SATA 6 Gb/s carries ~600 MB/s");
    /* FCIA speedmap, per direction */
    cr_expect_eq(kc_catalog_device(cat, "fc-8g")->link_mbps, 800);
    cr_expect_eq(kc_catalog_device(cat, "fc-16g")->link_mbps, 1600);
    cr_expect_eq(kc_catalog_device(cat, "fc-32g")->link_mbps, 3200);
    /* Ethernet links cannot carry more than their line rate */
    cr_expect_leq(kc_catalog_device(cat, "iscsi-1g")->link_mbps, 125);
    cr_expect_leq(kc_catalog_device(cat, "iscsi-10g")->link_mbps, 1250);
    cr_expect_leq(kc_catalog_device(cat, "iscsi-25g")->link_mbps, 3125);
    kc_catalog_free(cat);
}

Test(catalog, network_modes_profiles_and_flavors)
{
    static const struct { const char *name; uint32_t vcpus; uint64_t mem, disk; } m1[] = {
        { "m1.tiny", 1, 512, 1024 },    { "m1.small", 1, 2048, 20480 },
        { "m1.medium", 2, 4096, 40960 }, { "m1.large", 4, 8192, 81920 },
        { "m1.xlarge", 8, 16384, 163840 },
    };
    kc_catalog *cat = load_real();
    const kc_profile *p;

    cr_expect_eq(cat->bridge_efficiency_bp, KC_BP_ONE);
    cr_expect_gt(cat->nat_efficiency_bp, 0);
    cr_expect_lt(cat->nat_efficiency_bp, KC_BP_ONE, "NAT costs something");

    p = kc_catalog_profile(cat, "server");
    cr_assert_not_null(p);
    cr_expect_eq(p->overcommit_bp, 2000);
    cr_expect_eq(p->net_mode, KC_NET_BRIDGE);
    p = kc_catalog_profile(cat, "desktop");
    cr_assert_not_null(p);
    cr_expect_eq(p->overcommit_bp, 5000);
    cr_expect_eq(p->net_mode, KC_NET_NAT);
    cr_expect_null(kc_catalog_profile(cat, "laptop"));

    for (size_t i = 0; i < ARRAY_LEN(m1); i++) {
        kc_shape s;
        kc_error err = { 0 };

        cr_assert_not_null(kc_catalog_flavor(cat, m1[i].name), "%s missing", m1[i].name);
        cr_assert_eq(kc_spec_parse_vm(m1[i].name, cat, &s, NULL, NULL, NULL, 0, &err), 0, "%s",
                     err.msg);
        cr_expect_eq(s.vcpus, m1[i].vcpus, "%s", m1[i].name);
        cr_expect_eq(s.mem_mib, m1[i].mem, "%s", m1[i].name);
        cr_expect_eq(s.disk_mib, m1[i].disk, "%s", m1[i].name);
    }
    cr_expect_gt(cat->n_flavors, ARRAY_LEN(m1), "a few cloud shapes besides m1.*");
    cr_expect_str_neq(cat->datadir, "");
    kc_catalog_free(cat);
}

Test(catalog, shipped_host_models_parse_if_present)
{
    kc_catalog *cat = load_real();

    for (size_t i = 0; i < cat->n_hosts; i++) {
        kc_facts *f = kc_facts_new();
        kc_error err = { 0 };

        cr_expect_eq(kc_spec_parse_host(cat->hosts[i].spec, cat, f, &err), 0, "%s: %s",
                     cat->hosts[i].name, err.msg);
        cr_expect_gt(f->cpus, 0, "%s", cat->hosts[i].name);
        kc_facts_free(f);
    }
    kc_catalog_free(cat);
}

Test(catalog, find_datadir_honours_the_environment)
{
    char buf[4096];
    kc_error err = { 0 };

    cr_assert_eq(setenv("KVMCAP_DATADIR", datadir(), 1), 0);
    cr_assert_eq(kc_catalog_find_datadir(buf, sizeof(buf), &err), 0, "%s", err.msg);
    cr_expect_eq(access(buf, R_OK), 0, "'%s'", buf);
    cr_assert_eq(setenv("KVMCAP_DATADIR", "/nonexistent/kvmcap", 1), 0);
    cr_expect_eq(kc_catalog_find_datadir(buf, sizeof(buf), &err), -1);
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect_not_null(strstr(err.msg, "/nonexistent/kvmcap"), "%s", err.msg);
}

Test(catalog, find_datadir_without_environment_finds_data_next_to_the_binary_or_says_where)
{
    char buf[4096];
    kc_error err = { 0 };

    cr_assert_eq(unsetenv("KVMCAP_DATADIR"), 0);
    if (kc_catalog_find_datadir(buf, sizeof(buf), &err) == 0) {
        char path[4200];

        snprintf(path, sizeof(path), "%s/devices.json", buf);
        cr_expect_eq(access(path, R_OK), 0, "'%s'", path);
    } else {
        cr_expect_eq(err.code, KC_ERR_HOST);
        cr_expect_not_null(strstr(err.msg, "tried"), "%s", err.msg);
        cr_expect_null(strchr(err.msg, '\n'));
    }
}

/* ---- broken catalogs in a temporary directory ---- */

static char tmpdir[64];

static void write_file(const char *name, const char *text)
{
    char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static const char good_devices[] =
    "{\"devices\":[{\"name\":\"ssd\",\"kind\":\"local\",\"iops\":1000,\"mbps\":500,"
    "\"source\":\"t\"},{\"name\":\"fc-8g\",\"kind\":\"network\",\"iops\":5000,\"mbps\":2000,"
    "\"link_mbps\":800,\"io_kib\":4,\"source\":\"t\"}]}";
static const char good_network[] =
    "{\"modes\":[{\"name\":\"bridge\",\"efficiency_pct\":100,\"source\":\"t\"},"
    "{\"name\":\"nat\",\"efficiency_pct\":80.25,\"source\":\"t\",\"estimate\":true}]}";
static const char good_flavors[] =
    "{\"flavors\":[{\"name\":\"m1.small\",\"spec\":\"1c2g,disk=20g\",\"source\":\"t\"}]}";
static const char good_profiles[] =
    "{\"profiles\":[{\"name\":\"server\",\"overcommit_pct\":12.5,\"net_mode\":\"bridge\","
    "\"source\":\"t\"}]}";

static void make_tmp(void)
{
    strcpy(tmpdir, "/tmp/kc-catalog-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
    write_file("devices.json", good_devices);
    write_file("network.json", good_network);
    write_file("flavors.json", good_flavors);
    write_file("profiles.json", good_profiles);
}

static void remove_tmp(void)
{
    static const char *const names[] = { "devices.json", "network.json", "flavors.json",
                                         "profiles.json", "hosts.json", "other.json" };

    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char path[128];

        snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
        unlink(path);
    }
    rmdir(tmpdir);
}

TestSuite(catalog_broken, .init = make_tmp, .fini = remove_tmp);

Test(catalog_broken, the_minimal_catalog_loads_exactly)
{
    kc_error err = { 0 };
    kc_catalog *cat = kc_catalog_load(tmpdir, &err);

    cr_assert_not_null(cat, "%s", err.msg);
    cr_expect_eq(cat->n_devices, 2);
    cr_expect_eq(kc_catalog_device(cat, "fc-8g")->link_iops, 800 * 1000000 / 4096);
    cr_expect_eq(cat->nat_efficiency_bp, 8025);
    cr_expect_eq(kc_catalog_profile(cat, "server")->overcommit_bp, 1250);
    cr_expect_eq(cat->n_hosts, 0, "hosts.json is optional");
    kc_catalog_free(cat);
}

typedef struct broken_case {
    const char *file;
    const char *text;
    const char *token;   /* the message must contain this */
} broken_case;

#define DEV(body) "{\"devices\":[{\"name\":\"nvme\",\"kind\":\"local\"," body "}]}"
#define NETDEV(body) "{\"devices\":[{\"name\":\"fc\",\"kind\":\"network\",\"iops\":1," \
                     "\"mbps\":1,\"source\":\"t\"," body "}]}"

Test(catalog_broken, every_broken_field_is_named)
{
    static const broken_case cases[] = {
        { "devices.json", DEV("\"iops\":\"many\",\"mbps\":1,\"source\":\"t\""),
          "devices.json: device 'nvme': 'iops' must be a positive integer" },
        { "devices.json", DEV("\"iops\":-5,\"mbps\":1,\"source\":\"t\""), "'iops' must be" },
        { "devices.json", DEV("\"iops\":1.5,\"mbps\":1,\"source\":\"t\""), "'iops' must be" },
        { "devices.json", DEV("\"iops\":0,\"mbps\":1,\"source\":\"t\""), "'iops' must be" },
        { "devices.json", DEV("\"iops\":1e300,\"mbps\":1,\"source\":\"t\""), "'iops' must be" },
        { "devices.json", DEV("\"iops\":9007199254740993,\"mbps\":1,\"source\":\"t\""),
          "'iops' must be" },
        { "devices.json", DEV("\"iops\":1,\"source\":\"t\""), "device 'nvme': missing 'mbps'" },
        { "devices.json", DEV("\"iops\":1,\"mbps\":1"), "missing 'source'" },
        { "devices.json", DEV("\"iops\":1,\"mbps\":1,\"source\":\"t\",\"ipos\":3"),
          "unknown field 'ipos'" },
        { "devices.json", DEV("\"iops\":1,\"mbps\":1,\"source\":\"t\",\"link_mbps\":3"),
          "network devices only" },
        { "devices.json", "{\"devices\":[{\"name\":\"x\",\"kind\":\"tape\",\"iops\":1,"
                          "\"mbps\":1,\"source\":\"t\"}]}", "not 'tape'" },
        { "devices.json", NETDEV("\"io_kib\":4"), "device 'fc': missing 'link_mbps'" },
        { "devices.json", NETDEV("\"link_mbps\":800"), "missing 'io_kib'" },
        { "devices.json", NETDEV("\"link_mbps\":800,\"io_kib\":0"), "'io_kib' must be" },
        { "devices.json", NETDEV("\"link_mbps\":1,\"io_kib\":1048576"), "less than one I/O" },
        { "devices.json", "{\"devices\":[{\"name\":\"a\",\"kind\":\"local\",\"iops\":1,"
                          "\"mbps\":1,\"source\":\"t\"},{\"name\":\"a\",\"kind\":\"local\","
                          "\"iops\":1,\"mbps\":1,\"source\":\"t\"}]}", "'a' is listed twice" },
        { "devices.json", "{\"devices\":[{\"name\":\"a b\",\"kind\":\"local\",\"iops\":1,"
                          "\"mbps\":1,\"source\":\"t\"}]}", "device 'a b'" },
        { "devices.json", "{\"devices\":[{\"name\":\"\",\"kind\":\"local\"}]}",
          "device #1: 'name' must be 1 to 31 characters" },
        { "devices.json", "{\"devices\":[{\"name\":7}]}", "device #1: 'name' must be a string" },
        { "devices.json", "{\"devices\":[42]}", "device #1: must be an object" },
        { "devices.json", "{\"devices\":{}}", "'devices' must be an array" },
        { "devices.json", "{\"devices\":[]}", "'devices' is empty" },
        { "devices.json", "[1,2]", "devices.json: not a JSON object" },
        { "devices.json", "{\"devices\":[", "devices.json: not valid JSON (ends early" },
        { "network.json", "{\"modes\":[{\"name\":\"bridge\",\"efficiency_pct\":100,"
                          "\"source\":\"t\"}]}", "mode 'nat' is missing" },
        { "network.json", "{\"modes\":[{\"name\":\"bridge\",\"efficiency_pct\":100,"
                          "\"source\":\"t\"},{\"name\":\"nat\",\"efficiency_pct\":12.345,"
                          "\"source\":\"t\"}]}", "mode 'nat': 'efficiency_pct' must be" },
        { "network.json", "{\"modes\":[{\"name\":\"bridge\",\"efficiency_pct\":100,"
                          "\"source\":\"t\"},{\"name\":\"nat\",\"efficiency_pct\":0,"
                          "\"source\":\"t\"}]}", "'efficiency_pct' must be" },
        { "network.json", "{\"modes\":[{\"name\":\"bridge\",\"efficiency_pct\":100.5,"
                          "\"source\":\"t\"}]}", "'efficiency_pct' must be" },
        { "network.json", "{\"modes\":[{\"name\":\"macvtap\",\"efficiency_pct\":100,"
                          "\"source\":\"t\"}]}", "unknown mode 'macvtap'" },
        { "network.json", "{\"modes\":[{\"name\":\"nat\",\"efficiency_pct\":80,"
                          "\"source\":\"t\",\"estimate\":\"yes\"}]}", "'estimate' must be" },
        { "flavors.json", "{\"flavors\":[{\"name\":\"m1.bad\",\"spec\":\"1c1x\","
                          "\"source\":\"t\"}]}", "flavor 'm1.bad': bad VM spec '1c1x': "
                                                 "unknown unit 'x'" },
        { "flavors.json", "{\"flavors\":[{\"name\":\"m1.bad\",\"spec\":\"1c1g:4\","
                          "\"source\":\"t\"}]}", "flavor 'm1.bad'" },
        { "flavors.json", "{\"flavors\":[{\"name\":\"2c4g\",\"spec\":\"1c1g\","
                          "\"source\":\"t\"}]}", "flavor '2c4g'" },
        { "flavors.json", "{\"flavors\":[{\"name\":\"m1.big\",\"spec\":\"m1.small\","
                          "\"source\":\"t\"}]}", "'m1.small'" },
        { "profiles.json", "{\"profiles\":[{\"name\":\"server\",\"overcommit_pct\":20,"
                           "\"net_mode\":\"wifi\",\"source\":\"t\"}]}", "not 'wifi'" },
        { "profiles.json", "{\"profiles\":[{\"name\":\"server\",\"overcommit_pct\":-1,"
                           "\"net_mode\":\"nat\",\"source\":\"t\"}]}",
          "profile 'server': 'overcommit_pct' must be" },
        { "profiles.json", "{\"profiles\":[{\"name\":\"server\","
                           "\"net_mode\":\"nat\",\"source\":\"t\"}]}", "missing 'overcommit_pct'" },
        { "hosts.json", "{\"hosts\":[{\"name\":\"r650\",\"price\":100}]}",
          "hosts.json: host 'r650': missing 'spec'" },
        { "hosts.json", "{\"hosts\":[{\"name\":\"r650\",\"spec\":\"8c8g,disk=2xtape:1t\"}]}",
          "host 'r650': bad host spec '8c8g,disk=2xtape:1t': unknown disk type 'tape'" },
        { "hosts.json", "{\"hosts\":[{\"name\":\"r650\",\"spec\":\"8c8g\",\"price\":-1}]}",
          "'price' must be an integer" },
        { "hosts.json", "{\"hosts\":[{\"name\":\"a\",\"spec\":\"8c8g\"},{\"name\":\"a\","
                        "\"spec\":\"8c8g\"}]}", "host 'a' is listed twice" },
        { "hosts.json", "{\"hosts\":[{\"spec\":\"8c8g\"}]}", "host #1: missing 'name'" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        kc_catalog *cat;

        remove_tmp();   /* a fresh, good catalog for each case */
        make_tmp();
        write_file(cases[i].file, cases[i].text);
        cat = kc_catalog_load(tmpdir, &err);
        cr_expect_null(cat, "case %zu (%s) loaded", i, cases[i].text);
        cr_expect_eq(err.code, KC_ERR_INVALID, "case %zu: code %d (%s)", i, err.code, err.msg);
        cr_expect_not_null(strstr(err.msg, cases[i].token), "case %zu: '%s' lacks '%s'", i,
                           err.msg, cases[i].token);
        cr_expect_not_null(strstr(err.msg, cases[i].file), "case %zu: '%s' lacks the file", i,
                           err.msg);
        cr_expect_null(strchr(err.msg, '\n'));
        kc_catalog_free(cat);
    }
}

Test(catalog_broken, a_missing_required_file_is_an_error)
{
    char path[128];
    kc_error err = { 0 };

    snprintf(path, sizeof(path), "%s/flavors.json", tmpdir);
    cr_assert_eq(unlink(path), 0);
    cr_expect_null(kc_catalog_load(tmpdir, &err));
    cr_expect_not_null(strstr(err.msg, "flavors.json"), "%s", err.msg);
}

Test(catalog_broken, hosts_json_loads_and_a_host_catalog_replaces_it)
{
    kc_error err = { 0 };
    kc_catalog *cat;
    char path[128];

    write_file("hosts.json", "{\"hosts\":[{\"name\":\"r650\",\"spec\":\"64c512g,nic=2x25g,"
                             "disk=4xssd:3.84t\",\"price\":18000},{\"name\":\"small\","
                             "\"spec\":\"8c32g\",\"source\":\"t\"}]}");
    cat = kc_catalog_load(tmpdir, &err);
    cr_assert_not_null(cat, "%s", err.msg);
    cr_assert_eq(cat->n_hosts, 2);
    cr_expect_str_eq(cat->hosts[0].name, "r650");
    cr_expect_str_eq(cat->hosts[0].spec, "64c512g,nic=2x25g,disk=4xssd:3.84t");
    cr_expect_eq(cat->hosts[0].price, 18000);
    cr_expect_eq(cat->hosts[1].price, 0, "price is optional");

    write_file("other.json", "{\"hosts\":[{\"name\":\"big\",\"spec\":\"128c1t\"}]}");
    snprintf(path, sizeof(path), "%s/other.json", tmpdir);
    cr_assert_eq(kc_catalog_load_hosts(cat, path, &err), 0, "%s", err.msg);
    cr_assert_eq(cat->n_hosts, 1);
    cr_expect_str_eq(cat->hosts[0].name, "big");

    /* a broken file leaves the loaded hosts alone */
    write_file("other.json", "{\"hosts\":[{\"name\":\"big\"}]}");
    cr_expect_eq(kc_catalog_load_hosts(cat, path, &err), -1);
    cr_expect_not_null(strstr(err.msg, "host 'big': missing 'spec'"), "%s", err.msg);
    cr_expect_eq(cat->n_hosts, 1);
    cr_expect_str_eq(cat->hosts[0].name, "big");
    kc_catalog_free(cat);
}
