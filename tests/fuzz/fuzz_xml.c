/* SPDX-License-Identifier: MIT */
/* fuzz_xml.c: libFuzzer entry for the libvirt XML parsers (capabilities, domain, pool,
 * network, node device). Build:
 *   clang -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -fsanitize=fuzzer,address,undefined \
 *     -Imodel -Iplanner $(pkg-config --cflags libxml-2.0) tests/fuzz/fuzz_xml.c \
 *     planner/xml_facts.c planner/util.c model/kc.c $(pkg-config --libs libxml-2.0)
 * Seed it with tests/fixtures/libvirt/. Every input goes through every parser: the root
 * element check turns most away early, the rest get the full walk. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xml_facts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    kc_error err;
    kc_xml_caps caps;
    kc_xml_domain dom;
    kc_xml_pool pool;
    kc_xml_network net;
    kc_xml_nodedev_net dev;

    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    /* The contract: 0, or -1 with a one-line message. */
    if (kc_xml_parse_caps(text, &caps, &err) < 0 && strchr(err.msg, '\n'))
        abort();
    if (kc_xml_parse_caps(text, &caps, &err) == 0 && caps.n_cells > KC_NUMA_MAX)
        abort();
    if (kc_xml_parse_domain(text, &dom, &err) < 0 && strchr(err.msg, '\n'))
        abort();
    if (kc_xml_parse_pool(text, &pool, &err) < 0 && strchr(err.msg, '\n'))
        abort();
    if (kc_xml_parse_network(text, &net, &err) < 0 && strchr(err.msg, '\n'))
        abort();
    if (kc_xml_parse_nodedev_net(text, &dev, &err) < 0 && strchr(err.msg, '\n'))
        abort();
    free(text);
    return 0;
}
