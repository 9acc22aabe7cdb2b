/* SPDX-License-Identifier: MIT */
/* fuzz_workload.c: libFuzzer entry for workload files (kvmcap size --workload FILE).
 *
 * Built by `make fuzz` (tests/fuzz/fuzz.mk), seeded from tests/fuzz/seeds/workload and the
 * workload files of the golden CLI cases. The catalog (flavors, device types) is loaded once
 * from $KVMCAP_DATADIR or "data".
 *
 * Properties beyond "no crash": a rejected file sets KC_ERR_INVALID and one line starting
 * with the origin; an accepted file gives lines whose shapes the spec parser promises
 * (vcpus and memory non-zero, count below 2^53), appended after what was there. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/spec.h"
#include "input/workload.h"
#include "report/size_json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_catalog *catalog;
static int loaded;

static void fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz_workload: %s: %s\n", what, detail);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    kc_workload_line *lines;
    size_t n = 1;
    kc_error err = { 0 };
    char *text;

    if (!loaded) {
        const char *dir = getenv("KVMCAP_DATADIR");

        loaded = 1;
        catalog = kc_catalog_load(dir && *dir ? dir : "data", &err);
        if (!catalog)
            fail("catalog", err.msg);
    }
    text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    /* one line already there: the parser must append, never overwrite */
    lines = calloc(1, sizeof(*lines));
    if (!lines)
        abort();
    lines[0].count = 7;
    if (kc_workload_from_json(text, "fuzz.json", catalog, &lines, &n, &err) < 0) {
        if (err.code != KC_ERR_INVALID || strncmp(err.msg, "fuzz.json", 9) != 0 ||
            strchr(err.msg, '\n') || strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg))
            fail("bad error", err.msg);
    } else {
        if (n < 1 || lines[0].count != 7)
            fail("first line lost", text);
        for (size_t i = 1; i < n; i++) {
            if (lines[i].shape.vcpus == 0 || lines[i].shape.mem_mib == 0 ||
                lines[i].shape.mem_mib > KC_SPEC_SIZE_MAX_MIB ||
                lines[i].count > KC_SPEC_UINT_MAX ||
                strnlen(lines[i].name, sizeof(lines[i].name)) == sizeof(lines[i].name))
                fail("line out of contract", text);
        }
    }
    free(lines);
    free(text);
    return 0;
}
