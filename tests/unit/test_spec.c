/* SPDX-License-Identifier: MIT */
/* test_spec.c: the spec grammar: exact numbers, rounding, host and VM specs, every error. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "facts/facts.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/facts_host.h"
#include "input/spec.h"
#include "util/util.h"
#include "helpers.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static kc_catalog *catalog;

static void load_catalog(void)
{
    const char *dir = getenv("KVMCAP_DATADIR");
    kc_error err = { 0 };

    catalog = kc_catalog_load(dir && *dir ? dir : "data", &err);
    cr_assert_not_null(catalog, "catalog: %s", err.msg);
}

static void free_catalog(void)
{
    kc_catalog_free(catalog);
    catalog = NULL;
}

/* An error must be KC_ERR_INVALID, one line, and name the bad token. */
static void expect_error(const kc_error *err, const char *input, const char *token)
{
    cr_expect_eq(err->code, KC_ERR_INVALID, "'%s': code %d", input, err->code);
    cr_expect_null(strchr(err->msg, '\n'), "'%s': message has a newline", input);
    cr_expect_not_null(strstr(err->msg, token), "'%s': message '%s' does not name '%s'", input,
                       err->msg, token);
}

/* ---- sizes ---- */

typedef struct size_case {
    const char *text;
    bool round_up, allow_zero;
    uint64_t mib;
} size_case;

Test(spec_size, good_sizes_convert_exactly)
{
    static const size_case cases[] = {
        { "512m", false, false, 512 },
        { "1.5g", true, false, 1536 },
        { "1.3g", true, false, 1332 },   /* 1331.2 MiB: VM demand rounds up */
        { "1.3g", false, false, 1331 },  /* host capacity rounds down */
        { "3.84t", false, false, 4026531 }, /* 4026531.84 */
        { "3.84t", true, false, 4026532 },
        { "16GiB", false, false, 16384 },
        { "16gb", false, false, 16384 },
        { "1T", false, false, 1048576 },
        { "2048M", false, false, 2048 },
        { "0", false, true, 0 },
        { "0g", false, true, 0 },
        { "0.000m", true, true, 0 },
        { "0.5m", true, false, 1 },
        { "1.000000000g", false, false, 1024 },  /* trailing zeros are not decimals */
        { "0.000001t", true, false, 2 },         /* 1.048576 MiB */
        { "0.000001t", false, false, 1 },
        { "1073741824t", false, false, UINT64_C(1) << 50 },  /* the limit itself */
        { "007g", false, false, 7168 },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint64_t mib = 12345;

        cr_expect_eq(kc_spec_parse_size_mib(cases[i].text, cases[i].round_up,
                                            cases[i].allow_zero, &mib, &err), 0,
                     "'%s': %s", cases[i].text, err.msg);
        cr_expect_eq(mib, cases[i].mib, "'%s' (up=%d): got %llu, want %llu", cases[i].text,
                     cases[i].round_up, (unsigned long long)mib,
                     (unsigned long long)cases[i].mib);
    }
}

typedef struct bad_case {
    const char *text;
    const char *token;   /* the message must contain this */
} bad_case;

Test(spec_size, bad_sizes_are_rejected_naming_the_token)
{
    static const bad_case cases[] = {
        { "2048", "'2048' needs a unit" },
        { "0", "'0' must be above zero" },
        { "0g", "'0g' must be above zero" },
        { "1x", "unknown unit 'x'" },
        { "1gx", "unknown unit 'gx'" },
        { "1k", "unknown unit 'k'" },
        { "-1g", "'-1g'" },
        { "+1g", "'+1g'" },
        { "1.g", "'1.g'" },
        { ".5g", "'.5g'" },
        { "1e3g", "unknown unit 'e3g'" },
        { "0x10g", "unknown unit 'x10g'" },
        { "1.1234567g", "too many decimals" },
        { "99999999999999999999g", "'99999999999999999999g' is too large" },
        { "1073741825t", "'1073741825t' is too large" },
        { "0.1m", "'0.1m' rounds down to zero" },
        { " 1g", "' 1g'" },
        { "1g ", "unknown unit 'g '" },
        { "1 g", "unknown unit ' g'" },
        { "", "empty size" },
        { "g", "'g'" },
        { "1,5g", "unknown unit ',5g'" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint64_t mib = 77;

        cr_expect_eq(kc_spec_parse_size_mib(cases[i].text, false, false, &mib, &err), -1,
                     "'%s' was accepted as %llu", cases[i].text, (unsigned long long)mib);
        expect_error(&err, cases[i].text, cases[i].token);
        cr_expect_eq(mib, 77, "'%s': output written on error", cases[i].text);
    }
}

/* Tiny deterministic generator so a failure is reproducible. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

Test(spec_size, property_parse_equals_exact_digit_arithmetic)
{
    static const char units[] = { 'm', 'g', 't', 'M', 'G', 'T' };
    unsigned checked = 0;

    for (int n = 0; n < 20000; n++) {
        char text[64], frac[8];
        uint64_t ip, mib = 0;
        unsigned nfrac = (unsigned)(rng() % 7);
        char unit = units[rng() % ARRAY_LEN(units)];
        bool up = rng() & 1;
        kc_u128 num = 0, den = 1, mult, exact, rem;
        kc_error err = { 0 };
        int rc;

        /* integer parts of every magnitude, including past the 2^50 MiB limit */
        switch (rng() % 4) {
        case 0: ip = rng() % 10; break;
        case 1: ip = rng() % 100000; break;
        case 2: ip = rng() % (UINT64_C(1) << 32); break;
        default: ip = rng() >> (rng() % 64); break;
        }
        for (unsigned i = 0; i < nfrac; i++)
            frac[i] = (char)('0' + rng() % 10);
        frac[nfrac] = '\0';
        if (nfrac)
            snprintf(text, sizeof(text), "%llu.%s%c", (unsigned long long)ip, frac, unit);
        else
            snprintf(text, sizeof(text), "%llu%c", (unsigned long long)ip, unit);

        /* independent: every digit of the text into one integer, over 10^decimals */
        for (const char *p = text; *p; p++) {
            if (*p >= '0' && *p <= '9')
                num = num * 10 + (kc_u128)(unsigned)(*p - '0');
        }
        for (unsigned i = 0; i < nfrac; i++)
            den *= 10;
        mult = (unit == 'm' || unit == 'M') ? 1 : (unit == 'g' || unit == 'G') ? 1024
                                                                                 : 1048576;
        exact = num * mult / den;
        rem = num * mult % den;
        if (up && rem)
            exact++;

        rc = kc_spec_parse_size_mib(text, up, false, &mib, &err);
        if (exact == 0 || exact > (kc_u128)1 << 50) {
            cr_expect_eq(rc, -1, "'%s' should be rejected", text);
            cr_expect_eq(err.code, KC_ERR_INVALID);
        } else {
            cr_expect_eq(rc, 0, "'%s': %s", text, err.msg);
            cr_expect(mib == exact, "'%s' (up=%d): got %llu, want %llu", text, up,
                      (unsigned long long)mib, (unsigned long long)exact);
            checked++;
        }
    }
    cr_expect_gt(checked, 10000, "too few accepted cases: %u", checked);
}

/* ---- bandwidth, percent, ratio, uint ---- */

typedef struct u64_case {
    const char *text;
    uint64_t value;
} u64_case;

Test(spec_bandwidth, decimal_bits_into_kbps)
{
    static const u64_case cases[] = {
        { "100m", 100000 },  { "10g", 10000000 }, { "2.5g", 2500000 }, { "1.5m", 1500 },
        { "1k", 1 },         { "10Gbit", 10000000 }, { "1gbps", 1000000 }, { "0.4t", 400000000 },
        { "25G", 25000000 },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint64_t kbps = 0;

        cr_expect_eq(kc_spec_parse_bandwidth_kbps(cases[i].text, &kbps, &err), 0, "'%s': %s",
                     cases[i].text, err.msg);
        cr_expect_eq(kbps, cases[i].value, "'%s': got %llu", cases[i].text,
                     (unsigned long long)kbps);
    }
}

Test(spec_bandwidth, bad_bandwidths_are_rejected)
{
    static const bad_case cases[] = {
        { "100", "'100' needs a unit" },
        { "1.5k", "'1.5k' is not a whole number of kbit/s" },
        { "0m", "'0m' must be above zero" },
        { "10gb", "unknown unit 'gb'" },
        { "10x", "unknown unit 'x'" },
        { "-1g", "'-1g'" },
        { "2000000t", "'2000000t' is too large" },
        { "99999999999999999999k", "too large" },
        { "1.0000001g", "too many decimals" },
        { "", "empty bandwidth" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint64_t kbps = 0;

        cr_expect_eq(kc_spec_parse_bandwidth_kbps(cases[i].text, &kbps, &err), -1,
                     "'%s' was accepted", cases[i].text);
        expect_error(&err, cases[i].text, cases[i].token);
    }
}

Test(spec_percent, percent_into_basis_points)
{
    static const u64_case cases[] = {
        { "20", 2000 },  { "12.5", 1250 }, { "20%", 2000 },  { "0", 0 },
        { "12.34", 1234 }, { "100.00", 10000 }, { "0.01", 1 }, { "12.500", 1250 },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint32_t bp = 99;

        cr_expect_eq(kc_spec_parse_percent_bp(cases[i].text, KC_BP_ONE, &bp, &err), 0,
                     "'%s': %s", cases[i].text, err.msg);
        cr_expect_eq(bp, cases[i].value, "'%s': got %u", cases[i].text, bp);
    }
}

Test(spec_percent, max_bp_is_the_inclusive_limit)
{
    kc_error err = { 0 };
    uint32_t bp = 0;

    cr_expect_eq(kc_spec_parse_percent_bp("10000", 1000000, &bp, &err), 0, "%s", err.msg);
    cr_expect_eq(bp, 1000000);
    cr_expect_eq(kc_spec_parse_percent_bp("10000.01", 1000000, &bp, &err), -1);
    expect_error(&err, "10000.01", "'10000.01' is above 10000.00 %");
    cr_expect_eq(kc_spec_parse_percent_bp("100.01", KC_BP_ONE, &bp, &err), -1);
    expect_error(&err, "100.01", "'100.01'");
}

Test(spec_percent, bad_percentages_are_rejected)
{
    static const bad_case cases[] = {
        { "12.345", "too many decimals" }, { "101", "'101' is above 100.00 %" },
        { "-5", "'-5'" },   { "20%%", "'20%%'" }, { "%", "'%'" }, { "1e2", "'1e2'" },
        { "20 %", "'20 %'" }, { "", "empty percentage" },
        { "99999999999999999999", "too large" },
        { "18446744073709551615", "is above" },   /* fits uint64, * 100 must not wrap */
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint32_t bp = 0;

        cr_expect_eq(kc_spec_parse_percent_bp(cases[i].text, KC_BP_ONE, &bp, &err), -1,
                     "'%s' was accepted as %u", cases[i].text, bp);
        expect_error(&err, cases[i].text, cases[i].token);
    }
}

Test(spec_percent, property_every_two_decimal_percent_is_exact)
{
    for (uint32_t bp = 0; bp <= KC_BP_ONE; bp++) {
        char text[32];
        uint32_t got = 0;
        kc_error err = { 0 };

        snprintf(text, sizeof(text), "%u.%02u", bp / 100, bp % 100);
        cr_assert_eq(kc_spec_parse_percent_bp(text, KC_BP_ONE, &got, &err), 0, "%s", err.msg);
        cr_assert_eq(got, bp, "'%s': got %u", text, got);
    }
}

Test(spec_ratio, ratio_into_thousandths)
{
    static const u64_case cases[] = {
        { "4", 4000 }, { "4.0", 4000 }, { "1.5", 1500 }, { "16", 16000 },
        { "0.001", 1 }, { "1000", 1000000 }, { "2.125", 2125 },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint32_t milli = 0;

        cr_expect_eq(kc_spec_parse_ratio_milli(cases[i].text, &milli, &err), 0, "'%s': %s",
                     cases[i].text, err.msg);
        cr_expect_eq(milli, cases[i].value, "'%s': got %u", cases[i].text, milli);
    }
}

Test(spec_ratio, bad_ratios_are_rejected)
{
    static const bad_case cases[] = {
        { "0", "'0' must be above 0" }, { "0.0", "'0.0' must be above 0" },
        { "1000.001", "'1000.001' is above 1000" }, { "1.2345", "too many decimals" },
        { "abc", "'abc'" }, { "-1", "'-1'" }, { "4x", "'4x'" }, { "", "empty ratio" },
        { "99999999999999999999", "too large" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_error err = { 0 };
        uint32_t milli = 0;

        cr_expect_eq(kc_spec_parse_ratio_milli(cases[i].text, &milli, &err), -1,
                     "'%s' was accepted as %u", cases[i].text, milli);
        expect_error(&err, cases[i].text, cases[i].token);
    }
}

Test(spec_uint, plain_integers_with_a_maximum)
{
    kc_error err = { 0 };
    uint64_t v = 0;

    cr_expect_eq(kc_spec_parse_uint("0", 10, &v, &err), 0);
    cr_expect_eq(v, 0);
    cr_expect_eq(kc_spec_parse_uint("10", 10, &v, &err), 0);
    cr_expect_eq(v, 10);
    cr_expect_eq(kc_spec_parse_uint("18446744073709551615", UINT64_MAX, &v, &err), 0);
    cr_expect_eq(v, UINT64_MAX);
    cr_expect_eq(kc_spec_parse_uint("11", 10, &v, &err), -1);
    expect_error(&err, "11", "'11' is too large (at most 10)");
    cr_expect_eq(kc_spec_parse_uint("18446744073709551616", UINT64_MAX, &v, &err), -1);
    expect_error(&err, "2^64", "'18446744073709551616' is too large");
    cr_expect_eq(kc_spec_parse_uint("1a", 10, &v, &err), -1);
    expect_error(&err, "1a", "'1a'");
    cr_expect_eq(kc_spec_parse_uint("", 10, &v, &err), -1);
    expect_error(&err, "", "empty number");
}

/* ---- host specs ---- */

TestSuite(spec_host, .init = load_catalog, .fini = free_catalog);

Test(spec_host, minimal_host)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_host("8c8g", catalog, f, &err), 0, "%s", err.msg);
    cr_expect_eq(f->source, KC_SOURCE_SPEC);
    cr_expect_eq(f->cpus, 8);
    cr_expect_eq(f->mem_mib, 8192);
    cr_expect_str_eq(f->mem_source, "spec");
    cr_expect_eq(f->n_nics, 0);
    cr_expect_eq(f->n_storage, 0);
    cr_expect_eq(f->n_numa, 0);
    cr_expect_eq(f->hugepages_mib, 0);
    kc_facts_free(f);
}

Test(spec_host, full_host_fills_every_fact)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };
    const char *spec = "32c256g,nic=2x10g,disk=4xssd:1.92t,storage=iscsi-10g:20t,numa=2,"
                       "price=18000,name=r650,hugepages=16g,nic=1g";

    cr_assert_eq(kc_spec_parse_host(spec, catalog, f, &err), 0, "%s", err.msg);
    cr_expect_eq(f->cpus, 32);
    cr_expect_eq(f->mem_mib, 262144);
    cr_assert_eq(f->n_nics, 3);
    cr_expect_str_eq(f->nics[0].name, "nic0");
    cr_expect_str_eq(f->nics[2].name, "nic2");
    cr_expect_eq(f->nics[0].speed_kbps, 10000000);
    cr_expect_eq(f->nics[1].speed_kbps, 10000000);
    cr_expect_eq(f->nics[2].speed_kbps, 1000000);
    cr_assert_eq(f->n_storage, 2);
    cr_expect_str_eq(f->storage[0].name, "disk0");
    cr_expect_str_eq(f->storage[0].disk_type, "ssd");
    cr_expect_eq(f->storage[0].count, 4);
    cr_expect_eq(f->storage[0].size_mib, 2013265);   /* 1.92 * 2^20 = 2013265.92, down */
    cr_expect_str_eq(f->storage[1].name, "disk1");
    cr_expect_str_eq(f->storage[1].disk_type, "iscsi-10g");
    cr_expect_eq(f->storage[1].count, 1);
    cr_expect_eq(f->storage[1].size_mib, 20971520);
    cr_expect_eq(f->price, 18000);
    cr_expect_str_eq(f->name, "r650");
    cr_expect_eq(f->hugepages_mib, 16384);
    cr_expect_eq(f->hugepage_kib, 2048);
    cr_assert_eq(f->n_numa, 2);
    for (size_t i = 0; i < 2; i++) {
        cr_expect_eq(f->numa[i].cpus, 16);
        cr_expect_eq(f->numa[i].mem_mib, 131072);
        cr_expect_eq(f->numa[i].hugepages_mib, 8192);
    }
    kc_facts_free(f);
}

Test(spec_host, host_memory_rounds_down)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_host("8c1.3g", catalog, f, &err), 0, "%s", err.msg);
    cr_expect_eq(f->mem_mib, 1331);
    kc_facts_free(f);
}

Test(spec_host, numa_memory_remainder_goes_to_node_zero)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };
    uint64_t sum = 0;

    cr_assert_eq(kc_spec_parse_host("6c10g,numa=3", catalog, f, &err), 0, "%s", err.msg);
    cr_assert_eq(f->n_numa, 3);
    cr_expect_eq(f->numa[0].mem_mib, 10240 / 3 + 10240 % 3);
    cr_expect_eq(f->numa[1].mem_mib, 10240 / 3);
    cr_expect_eq(f->numa[2].mem_mib, 10240 / 3);
    for (size_t i = 0; i < 3; i++) {
        cr_expect_eq(f->numa[i].cpus, 2);
        sum += f->numa[i].mem_mib;
    }
    cr_expect_eq(sum, f->mem_mib);
    kc_facts_free(f);
}

Test(spec_host, gigabyte_hugepages)
{
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_host("4c8g,hugepages=2g:1g", catalog, f, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(f->hugepages_mib, 2048);
    cr_expect_eq(f->hugepage_kib, 1048576);
    kc_facts_free(f);
}

Test(spec_host, bad_host_specs_are_rejected_naming_the_token)
{
    static const bad_case cases[] = {
        { "8c8g,nci=10g", "unknown key 'nci' (keys: nic, disk, storage, numa, hugepages, "
                          "price, name)" },
        { "0c8g", "a host needs at least one CPU" },
        { "8c", "'8c' needs a memory size" },
        { "8c8", "'8' needs a unit" },
        { "8x8g", "'8x8g' is not CPUScMEMORY" },
        { "r650", "'r650' is not CPUScMEMORY" },
        { "8c8g,numa=3", "numa=3" },
        { "8c8g,numa=0", "numa '0' must be at least 1" },
        { "8c8g,numa=65", "'65' is too large" },
        { "8c8g,numa=2,numa=2", "key 'numa' is given twice" },
        { "8c8g,name=a,name=b", "key 'name' is given twice" },
        { "8c8g,price=x", "'x' is not a whole number" },
        { "8c8g,price=1,price=2", "key 'price' is given twice" },
        { "8c8g,price=9007199254740992", "'9007199254740992' is too large" },
        { "8c8g,disk=4xfoo:1t", "unknown disk type 'foo'" },
        { "8c8g,disk=iscsi-10g:1t", "'iscsi-10g' is network storage" },
        { "8c8g,storage=ssd:1t", "'ssd' is a local disk type" },
        { "8c8g,storage=nvme-of:1t", "unknown storage type 'nvme-of'" },
        { "8c8g,disk=ssd", "disk 'ssd' needs TYPE:SIZE" },
        { "8c8g,disk=0xssd:1t", "'0xssd:1t'" },
        { "8c8g,disk=ssd:0.5m", "'0.5m' rounds down to zero" },
        { "8c8g,disk=ssd:1x", "unknown unit 'x'" },
        { "8c8g,disk=4096xssd:1073741824t", "is too large" },
        { "8c8g,nic=0x10g", "'0x10g'" },
        { "8c8g,nic=33x10g", "'33x10g'" },
        { "8c8g,nic=10", "'10' needs a unit" },
        { "8c8g,nic=99999999999999999999x1g", "too large" },
        { "8c8g,hugepages=9g", "exceed the host's memory" },
        { "8c8g,hugepages=3m", "3 MiB" },
        { "8c8g,hugepages=1g:4k", "unknown hugepage size '4k'" },
        { "8c8g,numa=2,hugepages=2g:1g,numa=2", "twice" },
        { "8c8g,,nic=1g", "empty item" },
        { "8c8g,", "empty item" },
        { ",8c8g", "empty item" },
        { "8c8g,nic", "key 'nic' needs a value" },
        { "8c8g,name=", "name ''" },
        { "8c8g,name=a/b", "name 'a/b'" },
        { "18446744073709551615c1g", "'18446744073709551615c1g'" },
        { "99999999999999999999999c1g", "too large" },
        { "4294967296c1g", "too large" },
        { "8c8g,name=a b", "unexpected space" },
        { "8c8g\n", "0x0a" },
        { "", "empty spec" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_facts *f = kc_facts_new();
        kc_error err = { 0 };

        cr_expect_eq(kc_spec_parse_host(cases[i].text, catalog, f, &err), -1,
                     "'%s' was accepted", cases[i].text);
        expect_error(&err, cases[i].text, cases[i].token);
        cr_expect(strncmp(err.msg, "bad host spec '", 15) == 0, "'%s': message '%s'",
                  cases[i].text, err.msg);
        kc_facts_free(f);
    }
}

Test(spec_host, more_nics_or_disks_than_the_tables_hold_is_an_error)
{
    char spec[1024] = "8c8g";
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    for (int i = 0; i <= KC_STORAGE_MAX; i++)
        strcat(spec, ",disk=ssd:1g");
    cr_expect_eq(kc_spec_parse_host(spec, catalog, f, &err), -1);
    expect_error(&err, "33 disks", "more than 32");
    kc_facts_free(f);
    f = kc_facts_new();
    cr_expect_eq(kc_spec_parse_host("8c8g,nic=32x1g,nic=1g", catalog, f, &err), -1);
    expect_error(&err, "33 nics", "more than 32 NICs");
    kc_facts_free(f);
}

Test(spec_host, long_spec_is_an_error_not_a_truncation)
{
    char spec[2000];
    kc_facts *f = kc_facts_new();
    kc_error err = { 0 };

    memset(spec, 'a', sizeof(spec) - 1);
    spec[sizeof(spec) - 1] = '\0';
    cr_expect_eq(kc_spec_parse_host(spec, catalog, f, &err), -1);
    expect_error(&err, "long", "longer than 1023");
    cr_expect_lt(strlen(err.msg), sizeof(err.msg) - 1);
    kc_facts_free(f);
}

/* ---- VM specs ---- */

TestSuite(spec_vm, .init = load_catalog, .fini = free_catalog);

Test(spec_vm, plain_shapes)
{
    kc_shape s;
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_vm("1c1g", catalog, &s, NULL, NULL, NULL, 0, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(s.vcpus, 1);
    cr_expect_eq(s.mem_mib, 1024);
    cr_expect_eq(s.disk_mib, 0);
    cr_expect_eq(s.net_kbps, 0);
    cr_expect_not(s.hugepages);
    cr_assert_eq(kc_spec_parse_vm("1c512m", catalog, &s, NULL, NULL, NULL, 0, &err), 0);
    cr_expect_eq(s.mem_mib, 512);
    cr_assert_eq(kc_spec_parse_vm("1c1.3g", catalog, &s, NULL, NULL, NULL, 0, &err), 0);
    cr_expect_eq(s.mem_mib, 1332, "VM memory rounds up");
    cr_assert_eq(kc_spec_parse_vm("8c32g,hugepages", catalog, &s, NULL, NULL, NULL, 0, &err),
                 0, "%s", err.msg);
    cr_expect_eq(s.vcpus, 8);
    cr_expect_eq(s.mem_mib, 32768);
    cr_expect(s.hugepages);
}

Test(spec_vm, every_key)
{
    kc_shape s;
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_vm("2c4g,disk=40g,iops=200,mbps=50,net=100m,cpu=25%", catalog,
                                  &s, NULL, NULL, NULL, 0, &err), 0, "%s", err.msg);
    cr_expect_eq(s.vcpus, 2);
    cr_expect_eq(s.mem_mib, 4096);
    cr_expect_eq(s.disk_mib, 40960);
    cr_expect_eq(s.iops, 200);
    cr_expect_eq(s.mbps, 50);
    cr_expect_eq(s.net_kbps, 100000);
    cr_expect_eq(s.cpu_util_bp, 2500);
    cr_assert_eq(kc_spec_parse_vm("1c1g,disk=1.3g", catalog, &s, NULL, NULL, NULL, 0, &err), 0);
    cr_expect_eq(s.disk_mib, 1332, "VM disk rounds up");
}

Test(spec_vm, flavors_expand_and_keys_override)
{
    kc_shape s;
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_vm("m1.small", catalog, &s, NULL, NULL, NULL, 0, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(s.vcpus, 1);
    cr_expect_eq(s.mem_mib, 2048);
    cr_expect_eq(s.disk_mib, 20480);
    cr_assert_eq(kc_spec_parse_vm("m1.small,net=1g", catalog, &s, NULL, NULL, NULL, 0, &err), 0,
                 "%s", err.msg);
    cr_expect_eq(s.net_kbps, 1000000);
    cr_expect_eq(s.disk_mib, 20480);
    cr_assert_eq(kc_spec_parse_vm("m1.small,disk=40g", catalog, &s, NULL, NULL, NULL, 0, &err),
                 0, "%s", err.msg);
    cr_expect_eq(s.disk_mib, 40960, "the user's disk= wins over the flavor's");
    cr_assert_eq(kc_spec_parse_vm("m1.tiny", catalog, &s, NULL, NULL, NULL, 0, &err), 0);
    cr_expect_eq(s.mem_mib, 512);
    cr_expect_eq(s.disk_mib, 1024);
}

Test(spec_vm, spec_count_and_label)
{
    kc_shape s;
    kc_error err = { 0 };
    uint64_t count = 99;
    bool has = true;
    char label[64];

    cr_assert_eq(kc_spec_parse_vm("2c4g:200", catalog, &s, &count, &has, label, sizeof(label),
                                  &err), 0, "%s", err.msg);
    cr_expect_eq(count, 200);
    cr_expect(has);
    cr_expect_str_eq(label, "2c4g");
    cr_expect_eq(s.mem_mib, 4096);

    cr_assert_eq(kc_spec_parse_vm("m1.small,net=1g:3", catalog, &s, &count, &has, label,
                                  sizeof(label), &err), 0, "%s", err.msg);
    cr_expect_eq(count, 3);
    cr_expect_str_eq(label, "m1.small,net=1g");

    cr_assert_eq(kc_spec_parse_vm("1c1g", catalog, &s, &count, &has, label, sizeof(label),
                                  &err), 0);
    cr_expect_eq(count, 0);
    cr_expect_not(has);
    cr_expect_str_eq(label, "1c1g");
}

Test(spec_vm, count_where_none_is_allowed_is_an_error)
{
    kc_shape s;
    kc_error err = { 0 };

    cr_expect_eq(kc_spec_parse_vm("1c1g:5", catalog, &s, NULL, NULL, NULL, 0, &err), -1);
    expect_error(&err, "1c1g:5", "':5'");
}

Test(spec_vm, label_that_does_not_fit_is_an_error)
{
    kc_shape s;
    kc_error err = { 0 };
    char label[4];

    cr_expect_eq(kc_spec_parse_vm("1c1g,disk=1g", catalog, &s, NULL, NULL, label,
                                  sizeof(label), &err), -1);
    expect_error(&err, "label", "longer than 3");
}

Test(spec_vm, bad_vm_specs_are_rejected_naming_the_token)
{
    static const bad_case cases[] = {
        { "1c1x", "bad VM spec '1c1x': unknown unit 'x' (use m, g or t)" },
        { "0c1g", "bad VM spec '0c1g': a VM needs at least one vCPU" },
        { "m9.huge", "bad VM spec 'm9.huge': unknown flavor 'm9.huge'" },
        { "1c1g,,disk=1g", "empty item" },
        { "1c1g,disk=1g,disk=2g", "key 'disk' is given twice" },
        { "1c1g,foo=1", "unknown key 'foo'" },
        { "1c1g,nic=1g", "unknown key 'nic'" },
        { "1c1g:0", "count '0'" },
        { "1c1g:abc", "'abc' is not a whole number" },
        { "1c1g:", "empty number" },
        { "1c1g:-1", "'-1'" },
        { "1c1g:99999999999999999999", "too large" },
        { "1c1g:1:2", "more than one ':'" },
        { "1c0g", "'0g' must be above zero" },
        { "1c0", "'0' must be above zero" },
        { "1c1024", "'1024' needs a unit" },
        { "1c-1g", "'-1g'" },
        { "1c1gx", "unknown unit 'gx'" },
        { "1c1g,cpu=0", "cpu load '0' must be above zero" },
        { "1c1g,cpu=101", "'101' is above 100.00 %" },
        { "1c1g,cpu=12.345", "too many decimals" },
        { "1c1g,iops=0", "'0' must be above zero" },
        { "1c1g,iops=1.5", "'1.5' is not a whole number" },
        { "1c1g,mbps=x", "'x'" },
        { "1c1g,hugepages=1", "takes no value (got '1')" },
        { "1c1g,hugepages,hugepages", "key 'hugepages' is given twice" },
        { "1c1g,net=100", "'100' needs a unit" },
        { "1c1g,net=0g", "'0g' must be above zero" },
        { "1c1g,disk", "key 'disk' needs a value" },
        { "1c1g,disk=0", "'0' must be above zero" },
        { "1c1g,disk=-5g", "'-5g'" },
        { "18446744073709551615c1g", "'18446744073709551615c1g'" },
        { "99999999999999999999c1g", "too large" },
        { "1c99999999999999999999g", "'99999999999999999999g' is too large" },
        { "1c2000000000t", "'2000000000t' is too large" },
        { "c1g", "unknown flavor 'c1g'" },
        { "1x1g", "'1x1g' is not CPUScMEMORY" },
        { "m1.small,m1.small", "unknown key 'm1.small'" },
        { "1c1g\t", "0x09" },
        { "1c1g,disk=1\xc3\xa9g", "0xc3" },
        { "", "empty spec" },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_shape s;
        kc_error err = { 0 };
        uint64_t count = 0;
        bool has = false;

        cr_expect_eq(kc_spec_parse_vm(cases[i].text, catalog, &s, &count, &has, NULL, 0, &err),
                     -1, "'%s' was accepted", cases[i].text);
        expect_error(&err, cases[i].text, cases[i].token);
        cr_expect(strncmp(err.msg, "bad VM spec '", 13) == 0, "'%s': message '%s'",
                  cases[i].text, err.msg);
    }
}

Test(spec_vm, flavors_need_a_catalog)
{
    kc_shape s;
    kc_error err = { 0 };

    cr_expect_eq(kc_spec_parse_vm("m1.small", NULL, &s, NULL, NULL, NULL, 0, &err), -1);
    expect_error(&err, "m1.small", "m1.small");
    cr_expect_eq(kc_spec_parse_vm("2c4g", NULL, &s, NULL, NULL, NULL, 0, &err), 0, "%s",
                 err.msg);
}

/* ---- --set: overriding collected facts ---- */

TestSuite(spec_set, .init = load_catalog, .fini = free_catalog);

static kc_facts *collected_host(void)
{
    kc_facts *f = kc_facts_new();
    kc_fact_nic *nic = kc_facts_add_nic(f);
    kc_fact_storage *st = kc_facts_add_storage(f);

    f->cpus = 16;
    f->mem_mib = 65536;
    kc_strlcpy(nic->name, "eth0", sizeof(nic->name));     /* speed unknown */
    kc_strlcpy(st->name, "default", sizeof(st->name));
    kc_strlcpy(st->disk_type, "unknown", sizeof(st->disk_type));
    st->count = 1;
    st->size_mib = 1 << 20;
    return f;
}

Test(spec_set, replaces_the_nics_and_storage_it_names)
{
    kc_facts *f = collected_host();
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_apply_set("nic=2x10g,disk=4xssd:1t,name=kvm7", catalog, f, &err), 0,
                 "%s", err.msg);
    cr_expect_eq(f->n_nics, 2);
    cr_expect_eq(f->nics[0].speed_kbps, 10000000);
    cr_expect_eq(f->n_storage, 1);
    cr_expect_str_eq(f->storage[0].disk_type, "ssd");
    cr_expect_eq(f->storage[0].count, 4);
    cr_expect_str_eq(f->name, "kvm7");
    cr_expect_eq(f->cpus, 16);          /* untouched */
    cr_expect_eq(f->mem_mib, 65536);
    cr_expect_eq(f->n_notes, 1);
    kc_facts_free(f);
}

Test(spec_set, keeps_what_it_does_not_name)
{
    kc_facts *f = collected_host();
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_apply_set("nic=25g", catalog, f, &err), 0, "%s", err.msg);
    cr_expect_eq(f->n_nics, 1);
    cr_expect_eq(f->nics[0].speed_kbps, 25000000);
    cr_expect_eq(f->n_storage, 1);
    cr_expect_str_eq(f->storage[0].name, "default");
    kc_facts_free(f);
}

Test(spec_set, refuses_topology_and_bad_keys)
{
    kc_facts *f = collected_host();
    kc_error err = { 0 };

    cr_expect_eq(kc_spec_apply_set("numa=2", catalog, f, &err), -1);
    cr_expect(strstr(err.msg, "numa") != NULL, "%s", err.msg);
    cr_expect_eq(kc_spec_apply_set("nci=10g", catalog, f, &err), -1);
    cr_expect(strstr(err.msg, "nci") != NULL, "%s", err.msg);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_eq(kc_spec_apply_set("", catalog, f, &err), -1);
    cr_expect_eq(f->n_nics, 1);    /* a failed --set changes nothing */
    cr_expect_eq(f->nics[0].speed_kbps, 0);
    kc_facts_free(f);
}

/* ---- pools (README "Spec grammar", doc/model.md 2.6) ---- */

Test(spec_host, pool_fields_come_in_any_order)
{
    static const char *const specs[] = {
        "8c8g,disk=6xhdd-7.2k:8t:raid6:boot:os",
        "8c8g,disk=6xhdd-7.2k:8t:os:raid6:boot",
        "8c8g,disk=6xhdd-7.2k:8t:boot:os:raid6",
    };

    for (size_t i = 0; i < ARRAY_LEN(specs); i++) {
        kc_facts *f = kc_facts_new();
        kc_error err = { 0 };

        cr_assert_eq(kc_spec_parse_host(specs[i], catalog, f, &err), 0, "%s", err.msg);
        cr_expect_eq(f->storage[0].raid, KC_RAID_6, "%s", specs[i]);
        cr_expect(f->storage[0].boot, "%s", specs[i]);
        cr_expect_str_eq(f->storage[0].name, "os", "%s", specs[i]);
        kc_facts_free(f);
    }
}

Test(spec_host, bad_pool_fields_name_the_token)
{
    static const struct { const char *spec, *token; } bad[] = {
        { "8c8g,disk=2xssd:1t:raid7", "raid7" },
        { "8c8g,disk=2xssd:1t:raid5", "raid5" },
        { "8c8g,disk=3xssd:1t:raid10", "raid10" },
        { "8c8g,disk=4xssd:1t:raid1:raid5", "two RAID levels" },
        { "8c8g,disk=2xssd:1t:a:b", "two pool names" },
        { "8c8g,disk=2xssd:1t:9x", "9x" },
        { "8c8g,disk=2xssd:1t::boot", "empty field" },
        { "8c8g,storage=iscsi-10g:1t:raid5", "RAID level is for disk=" },
        { "8c8g,disk=2xssd:1t:a,disk=4xnvme:1t:a", "'a'" },
    };

    for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
        kc_facts *f = kc_facts_new();
        kc_error err = { 0 };

        cr_expect_eq(kc_spec_parse_host(bad[i].spec, catalog, f, &err), -1, "%s", bad[i].spec);
        expect_error(&err, bad[i].spec, bad[i].token);
        kc_facts_free(f);
    }
}

/* With several pools and none marked boot, the smallest local group of at most two
 * devices is boot; one pool, a marked boot, or no such group: none is inferred. */
Test(spec_host, the_boot_group_is_inferred_only_when_none_is_marked)
{
    static const struct { const char *spec; int boot; } cases[] = {
        { "8c8g,disk=2xssd:960g,disk=12xhdd-7.2k:16t", 0 },
        { "8c8g,disk=12xhdd-7.2k:16t,disk=2xssd:960g", 1 },
        { "8c8g,disk=2xssd:480g,storage=iscsi-10g:20t", 0 },
        { "8c8g,disk=2xnvme:3.84t,disk=1xssd:480g,disk=8xhdd-7.2k:8t", 1 },
        { "8c8g,disk=2xssd:960g", -1 },
        { "8c8g,disk=4xssd:960g,disk=8xhdd-7.2k:8t", -1 },
        { "8c8g,disk=2xssd:960g,disk=2xnvme:1t:boot", 1 },
        { "8c8g,storage=iscsi-10g:1t,storage=iscsi-10g:2t", -1 },
    };

    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        kc_facts *f = kc_facts_new();
        kc_error err = { 0 };

        cr_assert_eq(kc_spec_parse_host(cases[i].spec, catalog, f, &err), 0, "%s", err.msg);
        for (size_t k = 0; k < f->n_storage; k++)
            cr_expect_eq(f->storage[k].boot, (int)k == cases[i].boot, "%s: pool %zu",
                         cases[i].spec, k);
        kc_facts_free(f);
    }
}

Test(spec_vm, write_share_defaults_to_the_catalogs_and_pool_names_a_pool)
{
    kc_shape s;
    kc_error err = { 0 };

    cr_assert_eq(kc_spec_parse_vm("2c4g,iops=100", catalog, &s, NULL, NULL, NULL, 0, &err), 0,
                 "%s", err.msg);
    cr_expect_eq(s.write_bp, catalog->write_share_bp);
    cr_expect_eq(catalog->write_share_bp, 3000);    /* data/devices.json: 70/30 */
    cr_assert_eq(kc_spec_parse_vm("2c4g,iops=100,write=12.5,pool=data", catalog, &s, NULL, NULL,
                                  NULL, 0, &err), 0, "%s", err.msg);
    cr_expect_eq(s.write_bp, 1250);
    cr_expect_str_eq(s.pool, "data");
    cr_expect_eq(kc_spec_parse_vm("2c4g,pool=a/b", catalog, &s, NULL, NULL, NULL, 0, &err), -1);
    expect_error(&err, "pool=a/b", "a/b");
    cr_expect_eq(kc_spec_parse_vm("2c4g,write=101", catalog, &s, NULL, NULL, NULL, 0, &err), -1);
    expect_error(&err, "write=101", "101");
}

/* --set disk= replaces the pools but keeps their use: on the pool of the same name, else
 * as use of no known pool. */
Test(spec_set, replacing_the_pools_keeps_their_use)
{
    kc_facts *f = collected_host();
    kc_error err = { 0 };
    kc_host h;

    f->storage[0].used_mib = 4096;
    cr_assert_eq(kc_spec_apply_set("disk=2xssd:480g:raid1:boot,disk=4xnvme:1t:raid10:vms",
                                   catalog, f, &err), 0, "%s", err.msg);
    cr_expect_eq(f->unplaced_used_mib, 4096);
    cr_assert_eq(kc_facts_to_host(f, catalog, KC_EXISTING_RUNNING, &h, &err), 0, "%s", err.msg);
    cr_expect_eq(h.used.disk_mib, 4096);
    kc_facts_free(f);

    f = collected_host();
    f->storage[0].used_mib = 4096;
    cr_assert_eq(kc_spec_apply_set("disk=4xnvme:1t:default", catalog, f, &err), 0, "%s", err.msg);
    cr_expect_eq(f->unplaced_used_mib, 0);
    cr_expect_eq(f->storage[0].used_mib, 4096);
    kc_facts_free(f);
}
