/* SPDX-License-Identifier: MIT */
/* test_size.c: sizing over candidate hosts (growth, HA, prices, ranking) and mixed fit. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "fit.h"
#include "helpers.h"
#include "size.h"

static kc_workload_line line(const char *name, uint32_t vcpus, uint64_t mem_mib, uint64_t count)
{
    kc_workload_line l;

    memset(&l, 0, sizeof(l));
    strcpy(l.name, name);
    l.shape.vcpus = vcpus;
    l.shape.mem_mib = mem_mib;
    l.count = count;
    return l;
}

static kc_candidate cand(const char *name, uint32_t cpus, uint64_t mem_mib, uint64_t price)
{
    kc_candidate c;

    memset(&c, 0, sizeof(c));
    strcpy(c.name, name);
    c.host = kc_test_host(cpus, mem_mib);
    c.price = price;
    return c;
}

static kc_size_opts opts_default(void)
{
    kc_size_opts o;

    memset(&o, 0, sizeof(o));
    o.policy = kc_test_policy();
    return o;
}

static kc_sizing *run_ok(const kc_workload_line *l, size_t nl, const kc_candidate *c, size_t nc,
                         const kc_size_opts *o)
{
    kc_sizing *sz = NULL;
    kc_error err = { 0 };

    cr_assert_eq(kc_size_run(l, nl, c, nc, o, &sz, &err), 0, "%s", err.msg);
    cr_assert_not_null(sz);
    return sz;
}

static const kc_size_result *by_name(const kc_sizing *sz, const char *name)
{
    for (size_t i = 0; i < sz->n_results; i++)
        if (strcmp(sz->results[i].name, name) == 0)
            return &sz->results[i];
    cr_assert_fail("no result named %s", name);
    return NULL;
}

Test(size, worked_example_host_counts_match_single_host_fit)
{
    /* 8c8g: 7 x 1c1g per host; 50 % overcommit: 11 per host (doc/model.md 1.1) */
    kc_candidate c = cand("small", 8, 8192, 0);
    kc_size_opts o = opts_default();
    kc_workload_line w[1];
    kc_fit fit;
    kc_error err = { 0 };

    for (uint64_t n = 1; n <= 40; n++) {
        kc_sizing *sz;

        w[0] = line("1c1g", 1, 1024, n);
        for (int oc = 0; oc < 2; oc++) {
            o.policy.overcommit_bp = oc ? 5000 : 0;
            cr_assert_eq(kc_fit_compute(&c.host, &w[0].shape, &o.policy, &fit, &err), 0,
                         "%s", err.msg);
            cr_assert_eq(fit.count, oc ? 11 : 7);
            sz = run_ok(w, 1, &c, 1, &o);
            cr_expect_eq(sz->results[0].hosts_packed, (n + fit.count - 1) / fit.count,
                         "n %llu oc %d", (unsigned long long)n, oc);
            cr_expect(sz->results[0].proven_optimal);
            kc_sizing_free(sz);
        }
    }
}

Test(size, growth_rounds_each_count_up)
{
    kc_workload_line w[2] = { line("2c4g", 2, 4096, 200), line("1c1g", 1, 1024, 3) };
    kc_candidate c = cand("big", 64, 524288, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    o.growth_bp = 3000;                     /* 30 % */
    sz = run_ok(w, 2, &c, 1, &o);
    cr_expect_eq(sz->lines[0].requested, 200);
    cr_expect_eq(sz->lines[0].count, 260);
    cr_expect_eq(sz->lines[1].count, 4);    /* 3.9 -> 4 */
    cr_expect_eq(sz->total_vms, 264);
    kc_sizing_free(sz);

    o.growth_bp = 0;
    sz = run_ok(w, 2, &c, 1, &o);
    cr_expect_eq(sz->lines[1].count, 3);
    kc_sizing_free(sz);
}

Test(size, ha_adds_spare_hosts_on_top_of_the_packing)
{
    kc_workload_line w[1] = { line("4c16g", 4, 16384, 100) };
    kc_candidate c = cand("r", 64, 262144, 10000);
    kc_size_opts o = opts_default();
    kc_sizing *a, *b;

    a = run_ok(w, 1, &c, 1, &o);
    o.ha = 2;
    b = run_ok(w, 1, &c, 1, &o);
    cr_expect_eq(a->results[0].hosts, a->results[0].hosts_packed);
    cr_expect_eq(b->results[0].hosts_packed, a->results[0].hosts_packed);
    cr_expect_eq(b->results[0].hosts, a->results[0].hosts_packed + 2);
    cr_expect_eq(b->results[0].price_total, 10000 * b->results[0].hosts);
    /* utilization is of the packed hosts: the spares do not dilute it */
    cr_expect_eq(b->results[0].util_bp[KC_RES_MEMORY], a->results[0].util_bp[KC_RES_MEMORY]);
    kc_sizing_free(a);
    kc_sizing_free(b);
}

Test(size, price_total_and_per_vm_in_cents_rounded_half_up)
{
    /* one host holds all 3 VMs: 1000 / 3 = 333.333 -> 33333 cents */
    kc_workload_line w[1] = { line("1c1g", 1, 1024, 3) };
    kc_candidate c = cand("h", 8, 8192, 1000);
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 1, &c, 1, &o);

    cr_expect_eq(sz->results[0].hosts, 1);
    cr_expect_eq(sz->results[0].price_total, 1000);
    cr_expect_eq(sz->results[0].price_per_vm_cents, 33333);
    kc_sizing_free(sz);

    /* 1001 / 2 = 500.5 -> 50050 cents; 2001 / 6 = 333.5 -> 33350 */
    w[0].count = 2;
    c.price = 1001;
    sz = run_ok(w, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].price_per_vm_cents, 50050);
    kc_sizing_free(sz);
    w[0].count = 6;
    c.price = 2001;
    c.host.mem_mib = 16384;
    sz = run_ok(w, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts, 1);
    cr_expect_eq(sz->results[0].price_per_vm_cents, 33350);
    kc_sizing_free(sz);
}

Test(size, cheapest_total_is_recommended_even_with_more_hosts)
{
    /* 64 x 2c8g: small (8c32g, 3 per host -> 22 hosts x 1000 = 22000);
     * big (32c256g, 31 per host -> 3 hosts x 9000 = 27000) */
    kc_workload_line w[1] = { line("2c8g", 2, 8192, 64) };
    kc_candidate c[2] = { cand("big", 32, 262144, 9000), cand("small", 8, 32768, 1000) };
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 1, c, 2, &o);

    cr_assert(sz->recommended);
    cr_expect_str_eq(sz->results[0].name, "small");
    cr_expect_eq(sz->results[0].rank, KC_SIZE_RANK_PRICE);
    cr_expect_eq(by_name(sz, "small")->hosts, 22);
    cr_expect_eq(by_name(sz, "big")->hosts, 3);
    cr_expect_eq(sz->results[0].candidate, 1);
    kc_sizing_free(sz);

    c[0].price = 7000;                      /* 21000 < 22000: now big wins */
    sz = run_ok(w, 1, c, 2, &o);
    cr_expect_str_eq(sz->results[0].name, "big");
    kc_sizing_free(sz);
}

Test(size, without_prices_fewest_hosts_then_name)
{
    kc_workload_line w[1] = { line("2c8g", 2, 8192, 64) };
    kc_candidate c[3] = { cand("zeta", 32, 262144, 0), cand("small", 8, 32768, 0),
                          cand("alpha", 32, 262144, 0) };
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 1, c, 3, &o);

    cr_expect_str_eq(sz->results[0].name, "alpha");    /* 3 hosts, tie broken by name */
    cr_expect_str_eq(sz->results[1].name, "zeta");
    cr_expect_str_eq(sz->results[2].name, "small");    /* 22 hosts */
    cr_expect_eq(sz->results[0].rank, KC_SIZE_RANK_HOSTS);
    kc_sizing_free(sz);
}

Test(size, priced_candidates_rank_before_unpriced_and_equal_price_prefers_fewer_hosts)
{
    kc_workload_line w[1] = { line("2c8g", 2, 8192, 64) };
    kc_candidate c[3] = { cand("unpriced", 32, 262144, 0), cand("small", 8, 32768, 1000),
                          cand("big", 32, 262144, 22000 / 3 + 1) };
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    c[2].price = 0;
    c[2] = cand("big", 64, 262144, 0);
    /* big: 31 per host by memory, 3 hosts; price it so 3 hosts cost what 22 small do */
    c[2].price = 22000 / 3;                 /* 7333 x 3 = 21999 < 22000 */
    sz = run_ok(w, 1, c, 3, &o);
    cr_expect_str_eq(sz->results[0].name, "big");
    cr_expect_str_eq(sz->results[1].name, "small");
    cr_expect_str_eq(sz->results[2].name, "unpriced");
    kc_sizing_free(sz);
}

Test(size, vm_bigger_than_every_candidate_names_shape_and_biggest)
{
    kc_workload_line w[2] = { line("1c1g", 1, 1024, 10), line("64c1t", 64, 1048576, 1) };
    kc_candidate c[2] = { cand("r660", 64, 262144, 0), cand("r760", 128, 524288, 0) };
    kc_size_opts o = opts_default();
    kc_sizing *sz = NULL;
    kc_error err = { 0 };

    o.policy.overcommit_bp = 20000;         /* 3x memory on paper: the physical rule holds */
    cr_expect_eq(kc_size_run(w, 2, c, 2, &o, &sz, &err), -1);
    cr_expect_null(sz);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_str_eq(err.msg, "vm '64c1t' fits on no candidate host (the biggest is 'r760')");
}

Test(size, candidate_too_small_for_one_shape_is_listed_last_not_recommended)
{
    kc_workload_line w[2] = { line("1c1g", 1, 1024, 10), line("8c64g", 8, 65536, 1) };
    kc_candidate c[2] = { cand("tiny", 8, 32768, 100), cand("big", 32, 262144, 5000) };
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 2, c, 2, &o);
    const kc_size_result *t = by_name(sz, "tiny");

    cr_expect_str_eq(sz->results[0].name, "big");
    cr_expect_eq(t->rank, KC_SIZE_RANK_INFEASIBLE);
    cr_expect_str_eq(sz->lines[t->misfit_line].name, "8c64g");
    cr_expect_eq(t->misfit_res, KC_RES_MEMORY);
    cr_expect_null(t->pack);
    kc_sizing_free(sz);
}

Test(size, zero_counts_ignored_and_equal_shapes_merged_keeping_every_name)
{
    kc_workload_line w[5] = { line("web", 2, 4096, 100), line("huge", 512, 4194304, 0),
                              line("db", 2, 4096, 50), line("db", 8, 32768, 0),
                              line("web", 2, 4096, 30) };
    kc_candidate c = cand("h", 64, 262144, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 5, &c, 1, &o);

    cr_assert_eq(sz->n_lines, 1);
    cr_expect_str_eq(sz->lines[0].name, "web+db");    /* not "web" alone */
    cr_expect_eq(sz->lines[0].n_names, 2);
    cr_expect_eq(sz->lines[0].requested, 180);
    cr_expect_eq(sz->total_vms, 180);
    cr_expect_eq(sz->results[0].pack->n_items, 1);
    kc_sizing_free(sz);
}

Test(size, a_merged_line_with_more_names_than_room_says_how_many_more)
{
    kc_workload_line w[40];
    kc_candidate c = cand("h", 64, 262144, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    for (int i = 0; i < 40; i++) {
        char name[16];

        snprintf(name, sizeof(name), "n%02d", i);
        w[i] = line(name, 1, 1024, 1);
    }
    sz = run_ok(w, 40, &c, 1, &o);
    cr_assert_eq(sz->n_lines, 1);
    cr_expect_eq(sz->lines[0].n_names, 40);
    cr_expect(strncmp(sz->lines[0].name, "n00+n01+", 8) == 0, "%s", sz->lines[0].name);
    cr_expect(strstr(sz->lines[0].name, " more") != NULL, "%s", sz->lines[0].name);
    cr_expect_lt(strlen(sz->lines[0].name), (size_t)KC_NAME_MAX);
    kc_sizing_free(sz);
}

Test(size, empty_workload_and_bad_shape_are_errors)
{
    kc_workload_line w[2] = { line("a", 1, 1024, 0), line("zero", 0, 1024, 5) };
    kc_candidate c = cand("h", 8, 8192, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz = NULL;
    kc_error err = { 0 };

    cr_expect_eq(kc_size_run(w, 1, &c, 1, &o, &sz, &err), -1);
    cr_expect_str_eq(err.msg, "the workload has no VMs");
    cr_expect_eq(kc_size_run(w, 2, &c, 1, &o, &sz, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect_not_null(strstr(err.msg, "vm 'zero'"), "%s", err.msg);
    cr_expect_eq(kc_size_run(w, 1, &c, 0, &o, &sz, &err), -1);
}

Test(size, utilization_rounds_to_nearest)
{
    /* 5 x 1c1g on 8c8g: memory 5120 / 7680 = 2/3: 66.67 %, never 66.66 % */
    kc_workload_line w[1] = { line("1c1g", 1, 1024, 5) };
    kc_candidate c = cand("h", 8, 8192, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 1, &c, 1, &o);

    cr_expect_eq(sz->results[0].util_bp[KC_RES_MEMORY], 6667);
    kc_sizing_free(sz);
}

Test(size, utilization_and_bottleneck_per_resource)
{
    /* 7 x 1c1g on 8c8g: memory 7168 / 7680 = 93.33 %, cpu 7 / 32 = 21.875 % -> 21.88 %
     * (to nearest, half up: a utilization is not a bound) */
    kc_workload_line w[1] = { line("1c1g", 1, 1024, 7) };
    kc_candidate c = cand("h", 8, 8192, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(w, 1, &c, 1, &o);
    const kc_size_result *r = &sz->results[0];

    cr_expect_eq(r->hosts, 1);
    cr_expect_eq(r->util_bp[KC_RES_MEMORY], 9333);
    cr_expect_eq(r->util_bp[KC_RES_CPU], 2188);
    cr_expect_eq(r->bottleneck, 1u << KC_RES_MEMORY);
    cr_expect_eq(r->capacity[KC_RES_MEMORY], 7680);
    cr_expect_eq(r->demand[KC_RES_CPU], 7);
    kc_sizing_free(sz);

    /* 4c512m x 16 on 8c8g (32 vCPU per host): cpu 64 -> 2 hosts at 100 % cpu,
     * memory 8192 / 15360: cpu alone is the bottleneck */
    w[0] = line("4c512m", 4, 512, 16);
    sz = run_ok(w, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts, 2);
    cr_expect_eq(sz->results[0].bottleneck, 1u << KC_RES_CPU);
    kc_sizing_free(sz);
}

Test(size, max_util_caps_every_resource)
{
    /* 50 %: 3840 MiB plannable on an 8c8g host: 3 x 1c1g per host */
    kc_workload_line w[1] = { line("1c1g", 1, 1024, 9) };
    kc_candidate c = cand("h", 8, 8192, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    o.policy.max_util_bp = 5000;
    sz = run_ok(w, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts, 3);
    cr_expect_eq(sz->results[0].capacity[KC_RES_MEMORY], 3840);
    kc_sizing_free(sz);
}

Test(size, extra_dimensions_come_from_what_shapes_ask)
{
    /* disk becomes a dimension: 2 x 500 GiB per 1 TiB host limits it, not memory */
    kc_workload_line w[1] = { line("2c4g", 2, 4096, 10) };
    kc_candidate c = cand("h", 64, 262144, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;

    c.host.n_storage = 1;
    c.host.storage[0] = (kc_storage){ .kind = KC_STORAGE_LOCAL, .count = 1,
                                      .size_mib = 1048576 };
    w[0].shape.disk_mib = 512000;
    sz = run_ok(w, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts, 5);
    cr_expect(sz->results[0].planned & (1u << KC_RES_DISK));
    cr_expect_eq(sz->results[0].bottleneck, 1u << KC_RES_DISK);
    kc_sizing_free(sz);
}

Test(size, mixed_fit_one_2c4g_leaves_room_for_three_1c1g)
{
    kc_host host = kc_test_host(8, 8192);
    kc_policy pol = kc_test_policy();
    kc_workload_line placed = line("2c4g", 2, 4096, 1);
    kc_shape extra = { .vcpus = 1, .mem_mib = 1024 };
    kc_size_mixed m;
    kc_error err = { 0 };

    cr_assert_eq(kc_size_mixed_fit(&host, &pol, &placed, 1, &extra, &m, &err), 0, "%s",
                 err.msg);
    cr_expect(m.placed_fit);
    cr_expect_eq(m.extra, 3);
    cr_expect_eq(m.bottleneck, 1u << KC_RES_MEMORY);
    cr_expect_eq(m.used[KC_RES_MEMORY], 4096);

    placed.count = 2;                      /* 8192 MiB > 7680: they do not fit together */
    cr_assert_eq(kc_size_mixed_fit(&host, &pol, &placed, 1, &extra, &m, &err), 0, "%s",
                 err.msg);
    cr_expect_not(m.placed_fit);
    cr_expect_eq(m.over, 1u << KC_RES_MEMORY);
    cr_expect_eq(m.extra, 0);
}

Test(size, mixed_fit_with_nothing_placed_equals_single_fit)
{
    kc_host host = kc_test_host(8, 8192);
    kc_policy pol = kc_test_policy();
    kc_shape extra = { .vcpus = 1, .mem_mib = 1024 };
    kc_size_mixed m;
    kc_fit fit;
    kc_error err = { 0 };

    pol.overcommit_bp = 2000;
    host.used.vms = 1;
    host.used.vcpus = 2;
    host.used.mem_mib = 2048;
    cr_assert_eq(kc_fit_compute(&host, &extra, &pol, &fit, &err), 0, "%s", err.msg);
    cr_assert_eq(kc_size_mixed_fit(&host, &pol, NULL, 0, &extra, &m, &err), 0, "%s", err.msg);
    cr_expect_eq(m.extra, fit.count);
    cr_expect_eq(m.extra, 7);              /* (7680 x 1.2 - 2048) / 1024 = 7 */
}

Test(size, mixed_fit_too_big_extra_fits_zero_times)
{
    kc_host host = kc_test_host(8, 8192);
    kc_policy pol = kc_test_policy();
    kc_shape extra = { .vcpus = 1, .mem_mib = 8192 };
    kc_size_mixed m;
    kc_error err = { 0 };

    pol.overcommit_bp = 10000;             /* 15360 MiB on paper; 8 GiB is still too big */
    cr_assert_eq(kc_size_mixed_fit(&host, &pol, NULL, 0, &extra, &m, &err), 0, "%s", err.msg);
    cr_expect(m.extra_too_big);
    cr_expect_eq(m.extra, 0);
}

Test(size, a_million_vms_size_against_several_models)
{
    kc_workload_line w[8];
    kc_candidate c[4] = { cand("1u-256g", 64, 262144, 9000), cand("2u-512g", 128, 524288, 16000),
                          cand("2u-1t", 128, 1048576, 26000), cand("1u-128g", 32, 131072, 6000) };
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    static const uint32_t cpu[8] = { 1, 1, 2, 2, 4, 4, 8, 16 };
    static const uint64_t mem[8] = { 1024, 2048, 4096, 8192, 8192, 16384, 32768, 65536 };
    static const uint64_t cnt[8] = { 300000, 200000, 200000, 100000, 80000, 60000, 40000, 20000 };

    for (size_t i = 0; i < 8; i++) {
        char name[32];

        snprintf(name, sizeof(name), "%uc%llug", cpu[i], (unsigned long long)mem[i] / 1024);
        w[i] = line(name, cpu[i], mem[i], cnt[i]);
    }
    o.ha = 1;
    o.growth_bp = 1000;
    sz = run_ok(w, 8, c, 4, &o);
    cr_expect_eq(sz->total_vms, 1100000);
    for (size_t k = 0; k < sz->n_results; k++) {
        const kc_size_result *r = &sz->results[k];
        uint64_t placed = 0;

        cr_assert_not_null(r->pack);
        for (size_t p = 0; p < r->pack->n_patterns; p++)
            for (size_t i = 0; i < 8; i++)
                placed += r->pack->patterns[p].hosts *
                          kc_pack_pattern_count(&r->pack->patterns[p], i);
        cr_expect_eq(placed, 1100000);
        cr_expect_geq(r->hosts_packed, r->lower_bound);
        cr_expect_eq(r->hosts, r->hosts_packed + 1);
        if (k > 0)
            cr_expect_leq(sz->results[k - 1].price_total, r->price_total);
    }
    kc_sizing_free(sz);
}

/* Under --numa strict the bins are NUMA nodes: sizing agrees with what fit says per host. */
Test(size, strict_numa_packs_nodes_and_agrees_with_fit)
{
    kc_workload_line l = line("1c2g", 1, 2048, 6);
    kc_candidate c = cand("8c8g-2n", 8, 8192, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    kc_fit fit;

    c.host.n_numa = 2;
    c.host.numa[0] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    c.host.numa[1] = (kc_numa_node){ .cpus = 4, .mem_mib = 4096 };
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts, 2);    /* spread: 3 per host */
    kc_sizing_free(sz);

    o.policy.numa = KC_NUMA_STRICT;
    cr_assert_eq(kc_fit_compute(&c.host, &l.shape, &o.policy, &fit, NULL), 0);
    cr_assert_eq(fit.count, 2);               /* one per node */
    sz = run_ok(&l, 1, &c, 1, &o);
    cr_expect_eq(sz->results[0].hosts, 3);    /* 6 VMs at 2 per host */
    /* no node holds two: 6 nodes, 3 hosts at least */
    cr_expect_eq(sz->results[0].lower_bound, 3);
    cr_expect(sz->results[0].proven_optimal);
    kc_sizing_free(sz);
}

/* The patterns describe hosts, not NUMA nodes: a host lists the VMs of all its nodes. */
Test(size, strict_numa_patterns_describe_hosts)
{
    kc_workload_line l = line("4c20g", 4, 20480, 4);
    kc_candidate c = cand("16c64g-2n", 16, 65536, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    const kc_size_result *r;
    uint64_t hosts = 0, vms = 0;

    c.host.n_numa = 2;
    c.host.numa[0] = (kc_numa_node){ .cpus = 8, .mem_mib = 32768 };
    c.host.numa[1] = (kc_numa_node){ .cpus = 8, .mem_mib = 32768 };
    o.policy.numa = KC_NUMA_STRICT;
    o.ha = 1;
    sz = run_ok(&l, 1, &c, 1, &o);
    r = &sz->results[0];
    cr_expect_eq(r->hosts_packed, 2);
    cr_expect_eq(r->hosts, 3);
    cr_expect_eq(r->pack->hosts, 2);
    for (size_t p = 0; p < r->pack->n_patterns; p++) {
        hosts += r->pack->patterns[p].hosts;
        vms += r->pack->patterns[p].hosts * kc_pack_pattern_count(&r->pack->patterns[p], 0);
    }
    cr_expect_eq(hosts, 2);
    cr_expect_eq(vms, 4);
    cr_assert_eq(r->pack->n_patterns, 1);
    cr_expect_eq(kc_pack_pattern_count(&r->pack->patterns[0], 0), 2);
    /* the bound and the gap agree with "proven optimal" */
    cr_expect_eq(r->lower_bound, 2);
    cr_expect(r->proven_optimal);
    kc_sizing_free(sz);
}

/* Odd node counts: 3 bins of one pattern on 2-node hosts make a host and a half. */
Test(size, strict_numa_groups_nodes_across_patterns)
{
    kc_workload_line w[2] = { line("big", 4, 24576, 3), line("small", 1, 8192, 3) };
    kc_candidate c = cand("16c64g-2n", 16, 65536, 0);
    kc_size_opts o = opts_default();
    kc_sizing *sz;
    const kc_size_result *r;
    uint64_t hosts = 0, big = 0, small = 0;

    c.host.n_numa = 2;
    c.host.numa[0] = (kc_numa_node){ .cpus = 8, .mem_mib = 32768 };
    c.host.numa[1] = (kc_numa_node){ .cpus = 8, .mem_mib = 32768 };
    o.policy.numa = KC_NUMA_STRICT;
    sz = run_ok(w, 2, &c, 1, &o);
    r = &sz->results[0];
    for (size_t p = 0; p < r->pack->n_patterns; p++) {
        const kc_pack_pattern *pat = &r->pack->patterns[p];

        hosts += pat->hosts;
        big += pat->hosts * kc_pack_pattern_count(pat, 0);
        small += pat->hosts * kc_pack_pattern_count(pat, 1);
        cr_expect_leq(kc_pack_pattern_count(pat, 0), 2, "a host has two nodes, one big VM each");
    }
    cr_expect_eq(hosts, r->hosts_packed);
    cr_expect_eq(big, 3);
    cr_expect_eq(small, 3);
    cr_expect_eq(r->hosts_packed, 2);
    kc_sizing_free(sz);
}

/* Issue 14 item 8: a candidate whose total price overflows 64 bits is its own error, listed
 * last; the other candidates are still sized and one is recommended. Alone, it is the run's
 * error, naming the candidate. */
Test(size, a_price_overflow_is_that_candidates_error)
{
    kc_workload_line l = line("web", 2, 4096, 1000000);
    kc_candidate c[2] = { cand("dear", 4, 8192, UINT64_MAX / 1000), cand("cheap", 8, 32768, 100) };
    kc_size_opts o = opts_default();
    kc_sizing *sz = run_ok(&l, 1, c, 2, &o);
    kc_error err = { 0 };

    cr_assert_eq(sz->n_results, 2);
    cr_expect_str_eq(sz->results[0].name, "cheap");
    cr_expect_eq(sz->results[0].rank, KC_SIZE_RANK_PRICE);
    cr_expect(sz->recommended);
    cr_expect_str_eq(sz->results[1].name, "dear");
    cr_expect_eq(sz->results[1].rank, KC_SIZE_RANK_ERROR);
    cr_expect_str_eq(sz->results[1].error, "total price does not fit in 64 bits");
    kc_sizing_free(sz);
    sz = NULL;
    cr_expect_eq(kc_size_run(&l, 1, c, 1, &o, &sz, &err), -1);
    cr_expect_null(sz);
    cr_expect_str_eq(err.msg, "host 'dear': total price does not fit in 64 bits");
}
