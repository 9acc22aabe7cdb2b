/* SPDX-License-Identifier: MIT */
/* test_facts.c: the facts file (read, write, round trip) and facts -> kc_host. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/facts_json.h"
#include "input/facts_host.h"
#include "util/util.h"
#include "helpers.h"

#define FIXTURES "tests/fixtures/hosts/"

static const char *const fixtures[] = {
    "8c8g-plain.json", "epyc-2s-512g.json", "xeon-1s-64g-nat.json",
    "xeon-2s-384g-hugepages.json", "r650-iscsi.json",
};

/* A device catalog built by hand: catalog.c and data/ are someone else's. */
static kc_device_type devices[] = {
    { .name = "nvme", .kind = KC_STORAGE_LOCAL, .iops = 500000, .mbps = 3000 },
    { .name = "ssd", .kind = KC_STORAGE_LOCAL, .iops = 80000, .mbps = 500 },
    { .name = "hdd-7.2k", .kind = KC_STORAGE_LOCAL, .iops = 150, .mbps = 200 },
    { .name = "iscsi-10g", .kind = KC_STORAGE_NETWORK, .iops = 100000, .mbps = 2000,
      .link_mbps = 1100, .link_iops = 140000 },
};
static kc_catalog catalog = { .n_devices = sizeof(devices) / sizeof(devices[0]),
                              .devices = devices };

static char *slurp_fixture(const char *name)
{
    char path[256];
    kc_error err = { 0 };
    char *text;

    snprintf(path, sizeof(path), FIXTURES "%s", name);
    text = kc_read_file(path, 1 << 20, NULL, &err);
    cr_assert(text, "%s", err.msg);
    return text;
}

static kc_facts *load_fixture(const char *name)
{
    char *text = slurp_fixture(name);
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_facts_from_json(text, name, facts, &err), 0, "%s", err.msg);
    free(text);
    return facts;
}

static kc_host host_of(const kc_facts *facts, kc_existing existing)
{
    kc_host host;
    kc_error err = { 0 };

    cr_assert_eq(kc_facts_to_host(facts, &catalog, existing, &host, &err), 0, "%s", err.msg);
    return host;
}

/* Parse @text expecting failure; returns the message (static buffer). */
static const char *parse_error(const char *text)
{
    static kc_error err;
    kc_facts *facts = kc_facts_new();

    memset(&err, 0, sizeof(err));
    cr_expect_eq(kc_facts_from_json(text, "host.json", facts, &err), -1, "accepted: %.200s",
                 text);
    cr_expect_eq(err.code, KC_ERR_INVALID, "code %d for %.200s", err.code, text);
    cr_expect(strncmp(err.msg, "host.json: ", 11) == 0, "message lacks the origin: %s",
              err.msg);
    cr_expect(strchr(err.msg, '\n') == NULL);
    kc_facts_free(facts);
    return err.msg;
}

/* ---- round trips ----------------------------------------------------------------------- */

Test(facts_json, every_fixture_round_trips_byte_for_byte)
{
    for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++) {
        char *text = slurp_fixture(fixtures[i]);
        kc_facts *facts = kc_facts_new();
        kc_error err = { 0 };
        char *again;

        cr_assert_eq(kc_facts_from_json(text, fixtures[i], facts, &err), 0, "%s", err.msg);
        again = kc_facts_to_json(facts, "0.1.0");
        cr_expect_str_eq(again, text, "%s does not round trip", fixtures[i]);
        free(again);
        free(text);
        kc_facts_free(facts);
    }
}

Test(facts_json, reading_marks_the_source_as_facts_and_keeps_provenance_as_first_note)
{
    kc_facts *facts = load_fixture("r650-iscsi.json");

    cr_expect_eq(facts->source, KC_SOURCE_FACTS);
    cr_expect_str_eq(facts->uri, "r650-iscsi.json");
    cr_assert_eq(facts->n_notes, 2);
    cr_expect_str_eq(facts->notes[0], "collected from libvirt 'qemu+ssh://root@r650.lab/system'");
    cr_expect_str_eq(facts->notes[1], "nic 'eno8303': management port");
    kc_facts_free(facts);
}

Test(facts_json, reads_every_field_of_a_fixture)
{
    kc_facts *facts = load_fixture("epyc-2s-512g.json");

    cr_expect_str_eq(facts->hostname, "kvm-epyc1.lab");
    cr_expect_str_eq(facts->cpu_model, "EPYC-Milan");
    cr_expect_eq(facts->cpus, 128);
    cr_expect_eq(facts->sockets, 2);
    cr_expect_eq(facts->cores, 32);
    cr_expect_eq(facts->threads, 2);
    cr_expect_eq(facts->mhz, 2450);
    cr_expect_eq(facts->mem_mib, 515817);
    cr_expect_str_eq(facts->mem_source, "memory-stats");
    cr_expect_eq(facts->nodeinfo_mem_mib, 257890);
    cr_assert_eq(facts->n_numa, 2);
    cr_expect_eq(facts->numa[1].cpus, 64);
    cr_expect_eq(facts->numa[1].mem_mib, 257927);
    cr_assert_eq(facts->n_nics, 3);
    cr_expect_eq(facts->nics[0].speed_kbps, 25000000);   /* speed_mbps x 1000 */
    cr_expect_str_eq(facts->nics[0].bridge, "br0");
    cr_expect_eq(facts->nics[2].speed_kbps, 0);          /* null: unknown */
    cr_assert_eq(facts->n_networks, 2);
    cr_expect_str_eq(facts->networks[1].mode, "nat");
    cr_expect_eq(facts->networks[1].active, false);
    cr_assert_eq(facts->n_storage, 2);
    cr_expect_str_eq(facts->storage[1].pool_type, "logical");
    cr_expect_eq(facts->storage[1].count, 2);
    cr_expect_eq(facts->storage[0].used_mib, 524288);
    cr_assert_eq(facts->n_vms, 3);
    cr_expect_str_eq(facts->vms[2].name, "pg1");
    cr_expect_eq(facts->vms[2].mem_mib, 131072);
    cr_expect_eq(facts->vms[2].state, KC_VM_RUNNING);
    kc_facts_free(facts);
}

/* Facts as a collector builds them, every field set, survive write -> read -> write. */
Test(facts_json, facts_from_a_collector_survive_write_read_write)
{
    kc_facts *facts = kc_facts_new(), *back = kc_facts_new();
    kc_fact_nic *nic;
    kc_fact_vm *vm;
    kc_fact_storage *st;
    kc_error err = { 0 };
    char *first, *second;

    facts->source = KC_SOURCE_EMBEDDED;
    snprintf(facts->uri, sizeof(facts->uri), "qemu:///embed?root=/tmp/x");
    snprintf(facts->hostname, sizeof(facts->hostname), "h\"o\\st\t\xc3\xa9");
    facts->cpus = 2;
    facts->mem_mib = 4096;
    facts->price = 9007199254740991ull;   /* 2^53 - 1: the largest exact value */
    nic = kc_facts_add_nic(facts);
    snprintf(nic->name, sizeof(nic->name), "nic0");
    nic->speed_kbps = 1500;               /* 1.5 Mbit/s: written as speed_kbps, exactly */
    vm = kc_facts_add_vm(facts);
    snprintf(vm->name, sizeof(vm->name), "it's");
    vm->vcpus = UINT32_MAX;
    vm->mem_mib = 1;
    vm->hugepages = true;
    vm->state = KC_VM_OFF;
    st = kc_facts_add_storage(facts);
    snprintf(st->disk_type, sizeof(st->disk_type), "nvme");
    st->count = 4;
    st->size_mib = 3662109;
    kc_facts_add_note(facts, "a note");

    first = kc_facts_to_json(facts, "9.9");
    cr_expect(strstr(first, "\"speed_kbps\":\t1500") != NULL, "%s", first);
    cr_expect(strstr(first, "9007199254740991") != NULL);
    cr_assert_eq(kc_facts_from_json(first, "f.json", back, &err), 0, "%s", err.msg);
    cr_expect_str_eq(back->hostname, facts->hostname);
    cr_expect_eq(back->price, facts->price);
    cr_expect_eq(back->nics[0].speed_kbps, 1500);
    cr_expect_eq(back->vms[0].vcpus, UINT32_MAX);
    cr_expect_eq(back->vms[0].hugepages, true);
    cr_expect_eq(back->vms[0].state, KC_VM_OFF);
    cr_expect_str_eq(back->notes[0], "collected from embedded 'qemu:///embed?root=/tmp/x'");
    second = kc_facts_to_json(back, "9.9");
    cr_expect_str_eq(second, first);
    free(first);
    free(second);
    kc_facts_free(facts);
    kc_facts_free(back);
}

Test(facts_json, random_facts_survive_write_read_write)
{
    uint64_t seed = 42;

    for (int round = 0; round < 300; round++) {
        kc_facts *facts = kc_facts_new(), *back = kc_facts_new();
        kc_error err = { 0 };
        char *first, *second;

        facts->source = (kc_source)kc_test_range(&seed, 0, KC_SOURCE_LAST - 1);
        /* a file written from facts read from a file names that file (facts_json.h) */
        snprintf(facts->uri, sizeof(facts->uri), "r.json");
        facts->cpus = (uint32_t)kc_test_range(&seed, 1, UINT32_MAX);
        facts->mem_mib = kc_test_range(&seed, 1, 9007199254740991ull);
        facts->hugepages_mib = kc_test_range(&seed, 0, 9007199254740991ull);
        facts->n_numa = (size_t)kc_test_range(&seed, 0, KC_NUMA_MAX);
        for (size_t i = 0; i < facts->n_numa; i++)
            facts->numa[i].mem_mib = kc_test_range(&seed, 0, 9007199254740991ull);
        for (uint64_t i = kc_test_range(&seed, 0, 5); i > 0; i--) {
            kc_fact_nic *nic = kc_facts_add_nic(facts);

            nic->speed_kbps = kc_test_range(&seed, 0, 9007199254740991ull);
            snprintf(nic->name, sizeof(nic->name), "n%llu", (unsigned long long)i);
        }
        for (uint64_t i = kc_test_range(&seed, 0, 5); i > 0; i--) {
            kc_fact_vm *vm = kc_facts_add_vm(facts);

            vm->vcpus = (uint32_t)kc_test_range(&seed, 0, UINT32_MAX);
            vm->mem_mib = kc_test_range(&seed, 0, 9007199254740991ull);
            vm->state = (kc_vm_state)kc_test_range(&seed, 0, 1);
        }
        first = kc_facts_to_json(facts, "0.1.0");
        cr_assert_eq(kc_facts_from_json(first, "r.json", back, &err), 0, "%s\n%s", err.msg,
                     first);
        cr_expect_eq(back->cpus, facts->cpus);
        cr_expect_eq(back->mem_mib, facts->mem_mib);
        cr_expect_eq(back->n_numa, facts->n_numa);
        for (size_t i = 0; i < facts->n_nics; i++)
            cr_expect_eq(back->nics[i].speed_kbps, facts->nics[i].speed_kbps);
        second = kc_facts_to_json(back, "0.1.0");
        cr_expect_str_eq(second, first);
        free(first);
        free(second);
        kc_facts_free(facts);
        kc_facts_free(back);
    }
}

Test(facts_json, writer_never_rounds_a_value_above_2_pow_53)
{
    kc_facts *facts = kc_facts_new();
    char *text;

    facts->cpus = 1;
    facts->mem_mib = 9007199254740993ull;    /* 2^53 + 1: a double would say ...992 */
    text = kc_facts_to_json(facts, "0.1.0");
    cr_expect(strstr(text, "\"mem_mib\":\t9007199254740993,") != NULL, "%s", text);
    /* ... and the reader refuses it rather than taking 2^53 */
    cr_expect(strstr(parse_error(text), "'host.mem_mib'") != NULL);
    free(text);
    kc_facts_free(facts);
}

Test(facts_json, a_uri_too_long_for_the_note_keeps_the_source_only)
{
    char uri[250], text[600];
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };
    char *out;

    memset(uri, 'u', sizeof(uri) - 1);
    uri[sizeof(uri) - 1] = '\0';
    snprintf(text, sizeof(text),
             "{\"host\":{\"source\":\"libvirt\",\"uri\":\"%s\",\"cpus\":1,\"mem_mib\":1}}", uri);
    cr_assert_eq(kc_facts_from_json(text, "long.json", facts, &err), 0, "%s", err.msg);
    cr_assert_eq(facts->n_notes, 1);
    cr_expect_str_eq(facts->notes[0], "collected from libvirt");
    out = kc_facts_to_json(facts, "0.1.0");
    cr_expect(strstr(out, "\"source\":\t\"facts\"") != NULL, "%s", out);
    cr_expect(strstr(out, "\"uri\":\t\"long.json\"") != NULL, "%s", out);
    free(out);
    kc_facts_free(facts);
}

Test(facts_json, optional_fields_default_and_unknown_fields_are_ignored)
{
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };
    const char *text = "{\"future\": [1, {\"x\": null}], \"host\": {\"cpus\": 4, \"mem_mib\": 2048,"
                       " \"color\": \"blue\"}, \"storage\": [{\"size_mib\": 100}],"
                       " \"vms\": [{\"vcpus\": 1, \"mem_mib\": 512}],"
                       " \"nics\": [{\"name\": \"eth0\"}]}";

    cr_assert_eq(kc_facts_from_json(text, "min.json", facts, &err), 0, "%s", err.msg);
    cr_expect_eq(facts->cpus, 4);
    cr_expect_eq(facts->mem_mib, 2048);
    cr_expect_eq(facts->n_numa, 0);
    /* no host.source: no provenance note; the NIC has no role: derived, and said so */
    cr_assert_eq(facts->n_notes, 1);
    cr_expect_str_eq(facts->notes[0], "nics: roles derived from bridges and networks (the file "
                     "predates NIC roles)");
    cr_assert_eq(facts->n_nics, 1);
    cr_expect_eq(facts->nics[0].role, KC_NIC_VM);
    cr_expect_str_eq(facts->nics[0].why, "the file lists no networks: counted");
    cr_expect_str_eq(facts->uri, "min.json");
    cr_assert_eq(facts->n_storage, 1);
    cr_expect_eq(facts->storage[0].count, 1);
    cr_expect_str_eq(facts->storage[0].disk_type, "unknown");
    cr_assert_eq(facts->n_vms, 1);
    cr_expect_eq(facts->vms[0].state, KC_VM_RUNNING);
    cr_expect_eq(facts->vms[0].hugepages, false);
    cr_assert_eq(facts->n_nics, 1);
    cr_expect_eq(facts->nics[0].speed_kbps, 0);
    kc_facts_free(facts);
}

Test(facts_json, reading_drops_what_the_facts_held_before)
{
    kc_facts *facts = load_fixture("xeon-1s-64g-nat.json");
    kc_error err = { 0 };

    cr_assert_eq(kc_facts_from_json("{\"host\":{\"cpus\":1,\"mem_mib\":1}}", "x", facts, &err),
                 0, "%s", err.msg);
    cr_expect_eq(facts->n_vms, 0);
    cr_expect_eq(facts->n_nics, 0);
    cr_expect_eq(facts->n_storage, 0);
    cr_expect_str_eq(facts->hostname, "");
    kc_facts_free(facts);
}

Test(facts_json, an_escaped_backslash_before_u0000_is_not_a_nul)
{
    kc_facts *facts = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_facts_from_json("{\"host\":{\"name\":\"a\\\\u0000b\",\"cpus\":1,\"mem_mib\":1}}",
                                    "x", facts, &err), 0, "%s", err.msg);
    cr_expect_str_eq(facts->name, "a\\u0000b");
    kc_facts_free(facts);
}

/* ---- bad files ------------------------------------------------------------------------- */

struct bad_file {
    const char *text;
    const char *names;   /* what the message must contain */
};

#define H(rest) "{\"host\":{" rest "}}"
#define OK_HOST "\"cpus\":8,\"mem_mib\":8192"

static const struct bad_file bad_files[] = {
    { "not json", "not valid JSON" },
    { "", "not valid JSON" },
    { "[1, 2]", "not a JSON object" },
    { "\"facts\"", "not a JSON object" },
    { "{\"host\": {\"cpus\": 8, \"mem_mib\": 81", "not valid JSON" },   /* truncated */
    { H(OK_HOST) " trailing", "not valid JSON" },
    { "{}", "'host' is missing" },
    { "{\"host\": [8]}", "'host'" },
    { H("\"mem_mib\":8192"), "'host.cpus' is missing" },
    { H("\"cpus\":8"), "'host.mem_mib' is missing" },
    { H("\"cpus\":\"8\",\"mem_mib\":8192"), "'host.cpus' must be a non-negative integer" },
    { H("\"cpus\":true,\"mem_mib\":8192"), "'host.cpus'" },
    { H("\"cpus\":8,\"mem_mib\":null"), "'host.mem_mib'" },
    { H("\"cpus\":8,\"mem_mib\":-1"), "'host.mem_mib' must be a non-negative integer" },
    { H("\"cpus\":1.5,\"mem_mib\":8192"), "'host.cpus' must be a non-negative integer" },
    { H("\"cpus\":8,\"mem_mib\":1e300"), "'host.mem_mib' must be at most" },
    { H("\"cpus\":8,\"mem_mib\":1e999"), "'host.mem_mib'" },
    { H("\"cpus\":8,\"mem_mib\":9007199254740993"), "'host.mem_mib' must be at most" },
    { H("\"cpus\":8,\"mem_mib\":9007199254740992"), "'host.mem_mib' must be at most" },
    { H("\"cpus\":4294967296,\"mem_mib\":8192"), "'host.cpus' must be at most 4294967295" },
    { H("\"cpus\":0,\"mem_mib\":8192"), "'host.cpus' must be at least 1" },
    { H("\"cpus\":8,\"mem_mib\":0"), "'host.mem_mib' must be at least 1" },
    { H(OK_HOST ",\"hugepages_mib\":0.5"), "'host.hugepages_mib'" },
    { H(OK_HOST ",\"hostname\":42"), "'host.hostname' must be a string" },
    { H(OK_HOST ",\"mem_source\":\"0123456789012345678901234567890123\""),
      "'host.mem_source' is longer than 31 bytes" },
    { H(OK_HOST ",\"source\":\"remote\""), "'host.source'" },
    { H(OK_HOST ",\"name\":\"a\\u0000b\""), "\\u0000" },
    { "{\"report\":\"fit\"," "\"host\":{" OK_HOST "}}", "'report' must be 'facts'" },
    { "{\"kvmcap\":1," "\"host\":{" OK_HOST "}}", "'kvmcap' must be a string" },
    { "{\"host\":{" OK_HOST "},\"numa\":{}}", "'numa' must be an array" },
    { "{\"host\":{" OK_HOST "},\"numa\":[{\"cpus\":8}]}", "'numa[0].mem_mib' is missing" },
    { "{\"host\":{" OK_HOST "},\"numa\":[{\"cpus\":8,\"mem_mib\":1,\"hugepages_mib\":-2}]}",
      "'numa[0].hugepages_mib'" },
    { "{\"host\":{" OK_HOST "},\"nics\":[{}, 7]}", "'nics[1]' must be an object" },
    { "{\"host\":{" OK_HOST "},\"nics\":[{\"speed_mbps\":-5}]}", "'nics[0].speed_mbps'" },
    { "{\"host\":{" OK_HOST "},\"nics\":[{\"speed_mbps\":\"fast\"}]}", "'nics[0].speed_mbps'" },
    { "{\"host\":{" OK_HOST "},\"nics\":[{\"speed_mbps\":1,\"speed_kbps\":1000}]}",
      "'nics[0]' has both" },
    { "{\"host\":{" OK_HOST "},\"networks\":[{\"active\":\"yes\"}]}",
      "'networks[0].active' must be true or false" },
    { "{\"host\":{" OK_HOST "},\"networks\":[{\"mode\":\"0123456789abcdef\"}]}",
      "'networks[0].mode' is longer than 15 bytes" },
    { "{\"host\":{" OK_HOST "},\"storage\":[{\"size_mib\":1,\"count\":0}]}",
      "'storage[0].count' must be at least 1" },
    { "{\"host\":{" OK_HOST "},\"storage\":[{\"count\":2}]}", "'storage[0].size_mib' is missing" },
    { "{\"host\":{" OK_HOST "},\"vms\":[{\"vcpus\":1,\"mem_mib\":1},{\"vcpus\":1,\"mem_mib\":-1}]}",
      "'vms[1].mem_mib' must be a non-negative integer" },
    { "{\"host\":{" OK_HOST "},\"vms\":[{\"mem_mib\":1}]}", "'vms[0].vcpus' is missing" },
    { "{\"host\":{" OK_HOST "},\"vms\":[{\"vcpus\":1,\"mem_mib\":1,\"state\":\"paused\"}]}",
      "'vms[0].state' must be 'running' or 'off'" },
    { "{\"host\":{" OK_HOST "},\"vms\":[{\"vcpus\":1,\"mem_mib\":1,\"hugepages\":1}]}",
      "'vms[0].hugepages' must be true or false" },
    { "{\"host\":{" OK_HOST "},\"notes\":[\"ok\", 3]}", "'notes[1]' must be a string" },
};

Test(facts_json, every_bad_file_is_refused_naming_the_field)
{
    for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
        const char *msg = parse_error(bad_files[i].text);

        cr_expect(strstr(msg, bad_files[i].names) != NULL, "case %zu: '%s' not in: %s", i,
                  bad_files[i].names, msg);
    }
}

Test(facts_json, a_string_longer_than_its_buffer_is_an_error_not_a_cut)
{
    char name[KC_NAME_MAX + 1], text[256];

    memset(name, 'n', sizeof(name) - 1);      /* 64 bytes: one more than name[64] holds */
    name[sizeof(name) - 1] = '\0';
    snprintf(text, sizeof(text), H(OK_HOST ",\"name\":\"%s\""), name);
    cr_expect(strstr(parse_error(text), "'host.name' is longer than 63 bytes") != NULL);
    name[sizeof(name) - 2] = '\0';             /* 63 bytes fit */
    {
        kc_facts *facts = kc_facts_new();
        kc_error err = { 0 };

        snprintf(text, sizeof(text), H(OK_HOST ",\"name\":\"%s\""), name);
        cr_expect_eq(kc_facts_from_json(text, "x", facts, &err), 0, "%s", err.msg);
        cr_expect_str_eq(facts->name, name);
        kc_facts_free(facts);
    }
}

Test(facts_json, a_note_longer_than_255_bytes_is_an_error)
{
    char note[300], text[400];

    memset(note, 'x', sizeof(note) - 1);
    note[sizeof(note) - 1] = '\0';
    snprintf(text, sizeof(text), "{\"host\":{" OK_HOST "},\"notes\":[\"%s\"]}", note);
    cr_expect(strstr(parse_error(text), "'notes[0]' is longer than 255 bytes") != NULL);
}

Test(facts_json, more_numa_nodes_than_the_limit_is_an_error_naming_it)
{
    char text[4096];
    size_t off;

    off = (size_t)snprintf(text, sizeof(text), "{\"host\":{" OK_HOST "},\"numa\":[");
    for (int i = 0; i <= KC_NUMA_MAX; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off, "%s{\"cpus\":0,\"mem_mib\":1}",
                                i ? "," : "");
    snprintf(text + off, sizeof(text) - off, "]}");
    cr_assert_lt(off + 2, sizeof(text));
    cr_expect(strstr(parse_error(text), "'numa' has 65 nodes (at most 64)") != NULL);
}

Test(facts_json, deep_nesting_is_refused_not_a_stack_overflow)
{
    size_t depth = 200000;
    char *text = malloc(depth + 1);

    cr_assert(text);
    memset(text, '[', depth);
    text[depth] = '\0';
    cr_expect(strstr(parse_error(text), "not valid JSON") != NULL);
    free(text);
}

/* ---- facts -> host --------------------------------------------------------------------- */

Test(facts_host, existing_running_counts_only_running_vms)
{
    kc_facts *facts = load_fixture("xeon-1s-64g-nat.json");
    kc_host host = host_of(facts, KC_EXISTING_RUNNING);

    /* running: db1 4c16g, web1 2c4g, web2 2c4g */
    cr_expect_eq(host.used.vms, 3);
    cr_expect_eq(host.used.vcpus, 4 + 2 + 2);
    cr_expect_eq(host.used.mem_mib, 16384 + 4096 + 4096);
    cr_expect_eq(host.used.hugepages_mib, 0);
    cr_expect_eq(host.used.disk_mib, 184320);   /* the pool's allocation, not the VMs' */
    kc_facts_free(facts);
}

Test(facts_host, existing_all_counts_defined_but_off_vms_too)
{
    kc_facts *facts = load_fixture("xeon-1s-64g-nat.json");
    kc_host host = host_of(facts, KC_EXISTING_ALL);

    /* plus build 8c8g and win10 4c8g, both off */
    cr_expect_eq(host.used.vms, 5);
    cr_expect_eq(host.used.vcpus, 4 + 2 + 2 + 8 + 4);
    cr_expect_eq(host.used.mem_mib, 16384 + 4096 + 4096 + 8192 + 8192);
    cr_expect_eq(host.used.disk_mib, 184320);
    kc_facts_free(facts);
}

Test(facts_host, existing_none_counts_no_vm)
{
    kc_facts *facts = load_fixture("xeon-1s-64g-nat.json");
    kc_host host = host_of(facts, KC_EXISTING_NONE);

    cr_expect_eq(host.used.vms, 0);
    cr_expect_eq(host.used.vcpus, 0);
    cr_expect_eq(host.used.mem_mib, 0);
    cr_expect_eq(host.used.hugepages_mib, 0);
    cr_expect_eq(host.used.disk_mib, 184320);
    kc_facts_free(facts);
}

Test(facts_host, copies_cpus_memory_and_local_storage_figures)
{
    kc_facts *facts = load_fixture("xeon-1s-64g-nat.json");
    kc_host host = host_of(facts, KC_EXISTING_RUNNING);

    cr_expect_eq(host.cpus, 16);
    cr_expect_eq(host.mem_mib, 64287);
    cr_expect_eq(host.n_numa, 0);
    cr_assert_eq(host.n_nics, 1);
    cr_expect_eq(host.nics[0].speed_kbps, 1000000);
    cr_assert_eq(host.n_storage, 1);
    cr_expect_eq(host.storage[0].kind, KC_STORAGE_LOCAL);
    cr_expect_eq(host.storage[0].count, 1);
    cr_expect_eq(host.storage[0].size_mib, 953869);
    cr_expect_eq(host.storage[0].iops, devices[1].iops);
    cr_expect_eq(host.storage[0].mbps, devices[1].mbps);
    cr_expect_eq(host.storage[0].link_mbps, 0);
    kc_facts_free(facts);
}

Test(facts_host, hugepage_vms_draw_on_the_pool_not_on_normal_memory)
{
    kc_facts *facts = load_fixture("xeon-2s-384g-hugepages.json");
    kc_host running = host_of(facts, KC_EXISTING_RUNNING);
    kc_host all = host_of(facts, KC_EXISTING_ALL);

    cr_expect_eq(running.hugepages_mib, 196608);
    cr_expect_eq(running.hugepage_kib, 1048576);
    /* running: vnf-fw1, vnf-fw2 (8c32g hugepages), mgmt 2c4g normal */
    cr_expect_eq(running.used.vms, 3);
    cr_expect_eq(running.used.vcpus, 8 + 8 + 2);
    cr_expect_eq(running.used.hugepages_mib, 32768 + 32768);
    cr_expect_eq(running.used.mem_mib, 4096);
    /* plus vnf-lb1 (4c16g hugepages, off) */
    cr_expect_eq(all.used.vms, 4);
    cr_expect_eq(all.used.hugepages_mib, 32768 + 32768 + 16384);
    cr_expect_eq(all.used.mem_mib, 4096);
    kc_facts_free(facts);
}

Test(facts_host, numa_nodes_are_copied)
{
    kc_facts *facts = load_fixture("xeon-2s-384g-hugepages.json");
    kc_host host = host_of(facts, KC_EXISTING_RUNNING);

    cr_assert_eq(host.n_numa, 2);
    for (size_t i = 0; i < 2; i++) {
        cr_expect_eq(host.numa[i].cpus, facts->numa[i].cpus);
        cr_expect_eq(host.numa[i].mem_mib, facts->numa[i].mem_mib);
        cr_expect_eq(host.numa[i].hugepages_mib, facts->numa[i].hugepages_mib);
    }
    kc_facts_free(facts);
}

Test(facts_host, nics_of_unknown_speed_stay_out_and_bridge_ports_count)
{
    kc_facts *facts = load_fixture("epyc-2s-512g.json");
    kc_host host = host_of(facts, KC_EXISTING_RUNNING);

    /* eno1 (a port of br0) and eno2 at 25G; eno3's speed is unknown */
    cr_assert_eq(host.n_nics, 2);
    cr_expect_eq(host.nics[0].speed_kbps, 25000000);
    cr_expect_eq(host.nics[1].speed_kbps, 25000000);
    kc_facts_free(facts);
}

Test(facts_host, storage_groups_take_their_figures_from_the_catalog)
{
    kc_facts *facts = load_fixture("epyc-2s-512g.json");
    kc_host host = host_of(facts, KC_EXISTING_RUNNING);

    cr_assert_eq(host.n_storage, 2);
    cr_expect_eq(host.storage[1].count, 2);
    cr_expect_eq(host.storage[1].size_mib, 1831054);
    cr_expect_eq(host.storage[1].iops, devices[0].iops);
    cr_expect_eq(host.storage[1].mbps, devices[0].mbps);
    cr_expect_eq(host.used.disk_mib, 524288);
    /* api1, api2 8c32g, pg1 16c128g: all running */
    cr_expect_eq(host.used.vcpus, 32);
    cr_expect_eq(host.used.mem_mib, 32768 + 32768 + 131072);
    kc_facts_free(facts);
}

Test(facts_host, unknown_disk_type_gives_capacity_without_figures)
{
    kc_facts *facts = load_fixture("r650-iscsi.json");
    kc_host host = host_of(facts, KC_EXISTING_RUNNING);

    cr_assert_eq(host.n_storage, 2);
    /* local: disk_type unknown */
    cr_expect_eq(host.storage[0].kind, KC_STORAGE_LOCAL);
    cr_expect_eq(host.storage[0].size_mib, 456704);
    cr_expect_eq(host.storage[0].iops, 0);
    cr_expect_eq(host.storage[0].mbps, 0);
    /* san-lun0: iscsi-10g, a network device capped by its link */
    cr_expect_eq(host.storage[1].kind, KC_STORAGE_NETWORK);
    cr_expect_eq(host.storage[1].size_mib, 20971520);
    cr_expect_eq(host.storage[1].iops, devices[3].iops);
    cr_expect_eq(host.storage[1].link_mbps, devices[3].link_mbps);
    cr_expect_eq(host.storage[1].link_iops, devices[3].link_iops);
    cr_expect_eq(host.used.disk_mib, 30720 + 4194304);
    kc_facts_free(facts);
}

Test(facts_host, unknown_disk_type_in_a_network_pool_is_network_storage)
{
    kc_facts *facts = kc_facts_new();
    kc_fact_storage *st;
    kc_host host;

    facts->cpus = 1;
    facts->mem_mib = 1024;
    st = kc_facts_add_storage(facts);
    snprintf(st->pool_type, sizeof(st->pool_type), "netfs");
    snprintf(st->disk_type, sizeof(st->disk_type), "unknown");
    st->count = 1;
    st->size_mib = 1000;
    host = host_of(facts, KC_EXISTING_RUNNING);
    cr_assert_eq(host.n_storage, 1);
    cr_expect_eq(host.storage[0].kind, KC_STORAGE_NETWORK);
    cr_expect_eq(host.storage[0].iops, 0);
    cr_expect_eq(host.storage[0].link_mbps, 0);
    kc_facts_free(facts);
}

Test(facts_host, an_empty_pool_adds_its_used_space_but_no_group)
{
    kc_facts *facts = kc_facts_new();
    kc_fact_storage *st;
    kc_host host;

    facts->cpus = 1;
    facts->mem_mib = 1024;
    st = kc_facts_add_storage(facts);
    snprintf(st->disk_type, sizeof(st->disk_type), "ssd");
    st->count = 1;
    st->size_mib = 0;       /* an inactive pool reports no capacity */
    st->used_mib = 7;
    host = host_of(facts, KC_EXISTING_RUNNING);
    cr_expect_eq(host.n_storage, 0);
    cr_expect_eq(host.used.disk_mib, 7);
    kc_facts_free(facts);
}

static kc_facts *small_facts(void)
{
    kc_facts *facts = kc_facts_new();

    facts->cpus = 4;
    facts->mem_mib = 4096;
    return facts;
}

static const char *host_error(const kc_facts *facts, const kc_catalog *cat)
{
    static kc_error err;
    kc_host host;

    memset(&err, 0, sizeof(err));
    cr_expect_eq(kc_facts_to_host(facts, cat, KC_EXISTING_ALL, &host, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    return err.msg;
}

Test(facts_host, a_disk_type_missing_from_the_catalog_is_an_error)
{
    kc_facts *facts = small_facts();
    kc_fact_storage *st = kc_facts_add_storage(facts);

    snprintf(st->name, sizeof(st->name), "pool1");
    snprintf(st->disk_type, sizeof(st->disk_type), "floppy");
    st->count = 1;
    st->size_mib = 1;
    cr_expect(strstr(host_error(facts, &catalog), "'floppy'") != NULL);
    /* and without any catalog */
    snprintf(st->disk_type, sizeof(st->disk_type), "nvme");
    cr_expect(strstr(host_error(facts, NULL), "'nvme'") != NULL);
    kc_facts_free(facts);
}

Test(facts_host, existing_memory_that_overflows_is_an_error)
{
    kc_facts *facts = small_facts();

    for (int i = 0; i < 2; i++) {
        kc_fact_vm *vm = kc_facts_add_vm(facts);

        snprintf(vm->name, sizeof(vm->name), "big%d", i);
        vm->vcpus = 1;
        vm->mem_mib = UINT64_MAX / 2 + 1;
    }
    cr_expect(strstr(host_error(facts, &catalog), "'big1'") != NULL);
    /* the same two VMs off and not counted: no overflow */
    facts->vms[0].state = facts->vms[1].state = KC_VM_OFF;
    {
        kc_host host;
        kc_error err = { 0 };

        cr_expect_eq(kc_facts_to_host(facts, &catalog, KC_EXISTING_RUNNING, &host, &err), 0,
                     "%s", err.msg);
    }
    kc_facts_free(facts);
}

Test(facts_host, existing_hugepage_memory_that_overflows_is_an_error)
{
    kc_facts *facts = small_facts();

    for (int i = 0; i < 2; i++) {
        kc_fact_vm *vm = kc_facts_add_vm(facts);

        vm->hugepages = true;
        vm->mem_mib = UINT64_MAX;
    }
    cr_expect(strstr(host_error(facts, &catalog), "overflow") != NULL);
    kc_facts_free(facts);
}

Test(facts_host, storage_sums_that_overflow_are_errors)
{
    kc_facts *facts = small_facts();
    kc_fact_storage *st = kc_facts_add_storage(facts);

    snprintf(st->name, sizeof(st->name), "huge");
    snprintf(st->disk_type, sizeof(st->disk_type), "ssd");
    st->count = 2;
    st->size_mib = UINT64_MAX / 2 + 1;       /* count x size wraps */
    cr_expect(strstr(host_error(facts, &catalog), "'huge'") != NULL);
    st->count = 1;
    st->used_mib = UINT64_MAX;
    st = kc_facts_add_storage(facts);
    snprintf(st->name, sizeof(st->name), "more");
    snprintf(st->disk_type, sizeof(st->disk_type), "ssd");
    st->count = 1;
    st->size_mib = 1;
    st->used_mib = 1;                        /* used totals wrap */
    cr_expect(strstr(host_error(facts, &catalog), "'more'") != NULL);
    kc_facts_free(facts);
}

Test(facts_host, nic_speeds_that_overflow_the_uplink_are_an_error)
{
    kc_facts *facts = small_facts();

    for (int i = 0; i < 2; i++) {
        kc_fact_nic *nic = kc_facts_add_nic(facts);

        snprintf(nic->name, sizeof(nic->name), "eth%d", i);
        nic->speed_kbps = UINT64_MAX / 2 + 1;
    }
    cr_expect(strstr(host_error(facts, &catalog), "'eth1'") != NULL);
    kc_facts_free(facts);
}

Test(facts_host, more_nics_than_the_limit_is_an_error_unless_some_are_of_unknown_speed)
{
    kc_facts *facts = small_facts();
    kc_host host;
    kc_error err = { 0 };

    for (int i = 0; i <= KC_NIC_MAX; i++)
        kc_facts_add_nic(facts)->speed_kbps = 1000000;
    cr_expect(strstr(host_error(facts, &catalog), "more than 32 NICs") != NULL);
    facts->nics[0].speed_kbps = 0;
    cr_expect_eq(kc_facts_to_host(facts, &catalog, KC_EXISTING_ALL, &host, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(host.n_nics, KC_NIC_MAX);
    kc_facts_free(facts);
}

Test(facts_host, more_storage_groups_than_the_limit_is_an_error)
{
    kc_facts *facts = small_facts();

    for (int i = 0; i <= KC_STORAGE_MAX; i++) {
        kc_fact_storage *st = kc_facts_add_storage(facts);

        snprintf(st->name, sizeof(st->name), "p%02d", i);
        snprintf(st->disk_type, sizeof(st->disk_type), "unknown");
        st->count = 1;
        st->size_mib = 1;
    }
    cr_expect(strstr(host_error(facts, &catalog), "more than 32 storage groups") != NULL);
    kc_facts_free(facts);
}

Test(facts_host, more_numa_nodes_than_the_limit_is_an_error)
{
    kc_facts *facts = small_facts();

    facts->n_numa = KC_NUMA_MAX + 1;
    cr_expect(strstr(host_error(facts, &catalog), "at most 64") != NULL);
    kc_facts_free(facts);
}

Test(facts_host, the_result_is_validated)
{
    kc_facts *facts = load_fixture("epyc-2s-512g.json");

    /* (NUMA cells that do not add up are left out, not an error: see below) */
    facts->hugepages_mib = facts->mem_mib + 1;
    cr_expect(host_error(facts, &catalog)[0] != '\0');
    kc_facts_free(facts);
}

Test(facts_host, an_existing_mode_out_of_range_is_an_error)
{
    kc_facts *facts = small_facts();
    kc_host host;
    kc_error err = { 0 };

    cr_expect_eq(kc_facts_to_host(facts, &catalog, KC_EXISTING_LAST, &host, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    kc_facts_free(facts);
}

/* NUMA cells that do not describe the host are left out, never an error. */
Test(facts_host, numa_cells_that_do_not_add_up_are_left_out)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };
    kc_host host;

    f->cpus = 8;
    f->mem_mib = 24576;
    f->n_numa = 2;
    f->numa[0] = (kc_numa_node){ .cpus = 4, .mem_mib = 12000 };
    f->numa[1] = (kc_numa_node){ .cpus = 4, .mem_mib = 12000 };
    cr_expect(kc_facts_numa_consistent(f));
    cr_assert_eq(kc_facts_to_host(f, &catalog, KC_EXISTING_RUNNING, &host, &err), 0, "%s", err.msg);
    cr_expect_eq(host.n_numa, 2);

    f->numa[1].cpus = 2;               /* cells hold 6 of 8 CPUs */
    cr_expect_not(kc_facts_numa_consistent(f));
    cr_assert_eq(kc_facts_to_host(f, &catalog, KC_EXISTING_RUNNING, &host, &err), 0, "%s", err.msg);
    cr_expect_eq(host.n_numa, 0);

    f->numa[1].cpus = 4;
    f->n_numa = 1;                     /* one node's memory of a bigger host (virNodeGetInfo's trap) */
    f->numa[0] = (kc_numa_node){ .cpus = 8, .mem_mib = 4569 };
    cr_expect_not(kc_facts_numa_consistent(f));
    cr_assert_eq(kc_facts_to_host(f, &catalog, KC_EXISTING_RUNNING, &host, &err), 0, "%s", err.msg);
    cr_expect_eq(host.n_numa, 0);

    f->numa[0].mem_mib = 30000;        /* more than the host */
    cr_expect_not(kc_facts_numa_consistent(f));
    kc_facts_free(f);
}
