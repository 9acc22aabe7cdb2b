/* SPDX-License-Identifier: MIT */
/* fuzz_facts.c: libFuzzer entry for the facts file reader, writer and facts -> kc_host.
 *
 * `make fuzz` builds it (tests/fuzz/fuzz.mk; seeds: tests/fixtures/hosts); by hand:
 *   mkdir -p build/corpus-facts && build/fuzz/fuzz_facts -max_total_time=60 \
 *       build/corpus-facts tests/fixtures/hosts
 *
 * Properties checked beyond "no crash": a rejected file sets KC_ERR_INVALID and a one-line
 * message naming the origin; an accepted file re-exports to text that reads back and
 * exports again to the very same text (a fixed point after one write). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "facts/facts_json.h"
#include "input/facts_host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_device_type devices[] = {
    { .name = "nvme", .kind = KC_STORAGE_LOCAL, .iops = 500000, .mbps = 3000 },
    { .name = "ssd", .kind = KC_STORAGE_LOCAL, .iops = 80000, .mbps = 500 },
    { .name = "iscsi-10g", .kind = KC_STORAGE_NETWORK, .iops = 100000, .mbps = 2000,
      .link_mbps = 1100, .link_iops = 140000 },
};
static const kc_catalog catalog = { .n_devices = 3, .devices = devices };

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_facts: %s: %s\n", what, detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    kc_facts *facts = kc_facts_new(), *again = kc_facts_new();
    kc_error err = { 0 };
    char *first = NULL, *second = NULL;

    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';     /* an embedded NUL just ends the text, as in kc_read_file */

    if (kc_facts_from_json(text, "fuzz.json", facts, &err) < 0) {
        if (err.code != KC_ERR_INVALID || strncmp(err.msg, "fuzz.json: ", 11) != 0 ||
            strchr(err.msg, '\n'))
            fail("bad error", err.msg);
        goto out;
    }
    for (int mode = 0; mode < KC_EXISTING_LAST; mode++) {
        kc_host host;
        kc_error herr = { 0 };

        if (kc_facts_to_host(facts, &catalog, (kc_existing)mode, &host, &herr) < 0 &&
            herr.code != KC_ERR_INVALID)
            fail("to_host error code", herr.msg);
    }
    first = kc_facts_to_json(facts, "0.1.0");
    /* everything the reader accepts is below 2^53, so its export must read back */
    if (kc_facts_from_json(first, "fuzz.json", again, &err) < 0)
        fail("re-read failed", err.msg);
    second = kc_facts_to_json(again, "0.1.0");
    if (strcmp(first, second) != 0)
        fail("not a fixed point", first);
 out:
    free(second);
    free(first);
    kc_facts_free(again);
    kc_facts_free(facts);
    free(text);
    return 0;
}
