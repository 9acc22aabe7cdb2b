/* SPDX-License-Identifier: MIT */
/* fuzz_spec.c: libFuzzer entry feeding arbitrary bytes to the host and VM spec parsers (with
 * and without SPEC:COUNT), the --set overrides and every number parser. `make fuzz` builds it
 * (tests/fuzz/fuzz.mk, seeds in tests/fuzz/seeds/spec); by hand, from the repo root:
 *   KVMCAP_DATADIR=data build/fuzz/fuzz_spec -max_total_time=60
 * The catalog is loaded once from $KVMCAP_DATADIR or "data" (flavors and device types). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/spec.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static kc_catalog *catalog;
static int loaded;

/* An error message must be one non-empty line that fits its buffer. */
static void check_error(const kc_error *err)
{
    size_t n = strnlen(err->msg, sizeof(err->msg));

    if (n == 0 || n == sizeof(err->msg) || strchr(err->msg, '\n') ||
        err->code != KC_ERR_INVALID)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;
    kc_error err;
    kc_facts *facts;
    kc_shape shape;
    uint64_t count = 0, u64;
    uint32_t u32;
    bool has_count = false, vm_ok;
    char label[256];

    if (!loaded) {
        const char *dir = getenv("KVMCAP_DATADIR");

        loaded = 1;
        catalog = kc_catalog_load(dir && *dir ? dir : "data", &err);
    }
    text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    facts = kc_facts_new();
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_host(text, catalog, facts, &err) < 0) {
        check_error(&err);
    } else {
        /* what the parser promises about a host */
        if (facts->cpus == 0 || facts->mem_mib == 0 || facts->hugepages_mib > facts->mem_mib ||
            facts->n_nics > KC_NIC_MAX || facts->n_storage > KC_STORAGE_MAX)
            abort();
        if (facts->n_numa) {
            uint64_t cpus = 0, mem = 0;

            for (size_t i = 0; i < facts->n_numa; i++) {
                cpus += facts->numa[i].cpus;
                mem += facts->numa[i].mem_mib;
            }
            if (cpus != facts->cpus || mem != facts->mem_mib)
                abort();
        }
    }
    kc_facts_free(facts);

    memset(&err, 0, sizeof(err));
    vm_ok = kc_spec_parse_vm(text, catalog, &shape, &count, &has_count, label, sizeof(label),
                             &err) == 0;
    if (!vm_ok) {
        check_error(&err);
    } else if (shape.vcpus == 0 || shape.mem_mib == 0 || shape.mem_mib > KC_SPEC_SIZE_MAX_MIB ||
               (has_count && count == 0) || shape.cpu_util_bp > KC_BP_ONE) {
        abort();
    }

    /* the same text where no count is allowed: SPEC:COUNT must be refused, never ignored */
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_vm(text, catalog, &shape, NULL, NULL, NULL, 0, &err) < 0)
        check_error(&err);
    else if (!vm_ok || has_count)
        abort();

    /* --set KEYS over a host that already has NICs and storage */
    facts = kc_facts_new();
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_host("16c64g,nic=2x10g,disk=2xssd:1t", catalog, facts, &err) < 0)
        abort();
    if (kc_spec_apply_set(text, catalog, facts, &err) < 0)
        check_error(&err);
    else if (facts->n_nics > KC_NIC_MAX || facts->n_storage > KC_STORAGE_MAX ||
             facts->cpus != 16 || facts->mem_mib != 65536)
        abort();
    kc_facts_free(facts);

    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_size_mib(text, size & 1, size & 2, &u64, &err) < 0)
        check_error(&err);
    else if (u64 > KC_SPEC_SIZE_MAX_MIB)
        abort();
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_bandwidth_kbps(text, &u64, &err) < 0)
        check_error(&err);
    else if (u64 == 0 || u64 > KC_SPEC_BW_MAX_KBPS)
        abort();
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_percent_bp(text, 1000000, &u32, &err) < 0)
        check_error(&err);
    else if (u32 > 1000000)
        abort();
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_ratio_milli(text, &u32, &err) < 0)
        check_error(&err);
    else if (u32 == 0 || u32 > 1000000)
        abort();
    memset(&err, 0, sizeof(err));
    if (kc_spec_parse_uint(text, KC_SPEC_UINT_MAX, &u64, &err) < 0)
        check_error(&err);

    free(text);
    return 0;
}
