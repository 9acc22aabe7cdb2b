/* SPDX-License-Identifier: MIT */
/* fuzz_xml.c: libFuzzer entries for the libvirt XML parsers (capabilities, domain, pool,
 * network, node device).
 *
 * `make fuzz` (tests/fuzz/fuzz.mk) builds one target per parser from this file with
 * -DKC_FUZZ_XML=N (1 caps, 2 domain, 3 pool, 4 network, 5 nodedev), so each keeps its own
 * corpus, and fuzz_xml (no define) which feeds every input to every parser. Seeds:
 * tests/fixtures/libvirt and tests/fuzz/seeds/xml-<parser>.
 *
 * The contract checked: 0, or -1 with KC_ERR_INVALID and one non-empty line; what a parser
 * accepts stays inside its struct (counts within bounds, strings terminated). */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/xml_facts.h"

#ifndef KC_FUZZ_XML
#define KC_FUZZ_XML 0
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_xml: %s: %s\n", what, detail);
    abort();
}

static void check_error(const char *parser, const kc_error *err)
{
    size_t n = strnlen(err->msg, sizeof(err->msg));

    if (err->code != KC_ERR_INVALID || n == 0 || n == sizeof(err->msg) || strchr(err->msg, '\n'))
        fail(parser, err->msg);
}

#define TERMINATED(field) (strnlen((field), sizeof(field)) < sizeof(field))

static void run_caps(const char *text)
{
    kc_xml_caps caps;
    kc_error err = { 0 };

    if (kc_xml_parse_caps(text, &caps, &err) < 0) {
        check_error("caps", &err);
        return;
    }
    if (caps.n_cells > KC_NUMA_MAX || !TERMINATED(caps.cpu_model))
        fail("caps", "out of contract");
}

static void run_domain(const char *text)
{
    kc_xml_domain dom;
    kc_error err = { 0 };

    if (kc_xml_parse_domain(text, &dom, &err) < 0) {
        check_error("domain", &err);
        return;
    }
    if (!TERMINATED(dom.name))
        fail("domain", "name not terminated");
}

static void run_pool(const char *text)
{
    kc_xml_pool pool;
    kc_error err = { 0 };

    if (kc_xml_parse_pool(text, &pool, &err) < 0) {
        check_error("pool", &err);
        return;
    }
    if (!TERMINATED(pool.name) || !TERMINATED(pool.type) || !TERMINATED(pool.target_path) ||
        !TERMINATED(pool.source_device))
        fail("pool", "string not terminated");
}

static void run_network(const char *text)
{
    kc_xml_network net;
    kc_error err = { 0 };

    if (kc_xml_parse_network(text, &net, &err) < 0) {
        check_error("network", &err);
        return;
    }
    if (!TERMINATED(net.name) || !TERMINATED(net.mode) || !TERMINATED(net.bridge))
        fail("network", "string not terminated");
}

static void run_nodedev(const char *text)
{
    kc_xml_nodedev_net dev;
    kc_error err = { 0 };

    if (kc_xml_parse_nodedev_net(text, &dev, &err) < 0) {
        check_error("nodedev", &err);
        return;
    }
    if (!TERMINATED(dev.name) || !TERMINATED(dev.parent) || !TERMINATED(dev.interface))
        fail("nodedev", "string not terminated");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);

    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    if (KC_FUZZ_XML == 0 || KC_FUZZ_XML == 1)
        run_caps(text);
    if (KC_FUZZ_XML == 0 || KC_FUZZ_XML == 2)
        run_domain(text);
    if (KC_FUZZ_XML == 0 || KC_FUZZ_XML == 3)
        run_pool(text);
    if (KC_FUZZ_XML == 0 || KC_FUZZ_XML == 4)
        run_network(text);
    if (KC_FUZZ_XML == 0 || KC_FUZZ_XML == 5)
        run_nodedev(text);
    free(text);
    return 0;
}
