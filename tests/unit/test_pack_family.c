/* SPDX-License-Identifier: MIT */
/* test_pack_family.c: the packer's candidates one by one (model/pack_impl.h, internal to
 * the core): the multi-bin family with each scarcity weight, ffd-scarce with each of its
 * weights. Each must give a valid packing, and the weights must change what is built. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "pack_impl.h"

/* The instance's normalized demands, as kc_pack_solve builds them. */
static void make(kc_pack_inst *in, const uint64_t *cap, size_t nd, const kc_pack_item *items,
                 size_t ni)
{
    memset(in, 0, sizeof(*in));
    in->cap = cap;
    in->nd = nd;
    in->ni = ni;
    in->items = items;
    in->norm = calloc(ni * KC_PACK_DIM_MAX + 1, sizeof(*in->norm));
    cr_assert_not_null(in->norm);
    for (size_t i = 0; i < ni; i++) {
        in->total += items[i].count;
        for (size_t d = 0; d < nd; d++)
            in->norm[i * KC_PACK_DIM_MAX + d] = kc_pack_norm_of(items[i].demand[d], cap[d]);
    }
}

/* @s holds every VM exactly once and no host exceeds a capacity. */
static void expect_valid(const kc_pack_inst *in, const kc_pack_sol *s, const char *what)
{
    uint64_t *placed = calloc(in->ni + 1, sizeof(*placed)), hosts = 0;

    cr_assert_not_null(placed);
    for (size_t k = 0; k < s->n_pat; k++) {
        uint64_t sum[KC_PACK_DIM_MAX] = { 0 };

        hosts += s->reps[k];
        for (size_t u = s->start[k]; u < s->start[k + 1]; u++) {
            placed[s->uses[u].item] += s->reps[k] * s->uses[u].count;
            for (size_t d = 0; d < in->nd; d++)
                sum[d] += s->uses[u].count * in->items[s->uses[u].item].demand[d];
        }
        for (size_t d = 0; d < in->nd; d++)
            cr_expect_leq(sum[d], in->cap[d], "%s: pattern %zu exceeds dimension %zu", what, k,
                          d);
    }
    cr_expect_eq(hosts, s->hosts, "%s: hosts do not add up", what);
    for (size_t i = 0; i < in->ni; i++)
        cr_expect_eq(placed[i], in->items[i].count, "%s: type %zu placed wrongly", what, i);
    free(placed);
}

/* The host-by-host contents of @s as one number (equal packings give equal numbers). */
static uint64_t digest(const kc_pack_sol *s)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;

    for (size_t k = 0; k < s->n_pat; k++) {
        x = (x ^ s->reps[k]) * 0x100000001b3ull;
        for (size_t u = s->start[k]; u < s->start[k + 1]; u++)
            x = (x ^ (s->uses[u].item * 1000003u + s->uses[u].count)) * 0x100000001b3ull;
    }
    return x;
}

/* 120 distinct VMs in 3 dimensions, demands 5-45 % of a host, the dimensions of unequal
 * weight (the second asked for least), so that scarcity weights matter. */
static size_t instance(uint64_t *cap, kc_pack_item *items)
{
    uint64_t seed = 31;

    cap[0] = cap[1] = cap[2] = 1000;
    for (size_t i = 0; i < 120; i++) {
        memset(&items[i], 0, sizeof(items[i]));
        items[i].demand[0] = 50 + kc_test_rand(&seed) % 400;
        items[i].demand[1] = 10 + kc_test_rand(&seed) % 150;
        items[i].demand[2] = 50 + kc_test_rand(&seed) % 300;
        items[i].count = 1;
    }
    return 120;
}

Test(pack_family, every_multi_bin_weight_packs_validly_and_the_weights_differ)
{
    static const char *const names[KC_PACK_W_LAST] = { "util", "avg", "recip", "one" };
    static kc_pack_item items[120];
    uint64_t cap[3], dig[KC_PACK_W_LAST];
    size_t ni = instance(cap, items), distinct = 0;
    kc_pack_inst in;
    kc_error err = { 0 };

    make(&in, cap, 3, items, ni);
    for (int w = 0; w < KC_PACK_W_LAST; w++) {
        kc_pack_sol s;
        uint64_t spent = 0;

        /* k from the bound 1 up to 119 hosts: some k always works (one VM a host) */
        cr_assert_eq(kc_pack_run_multi(&in, 1, 120, (kc_pack_weight)w, 100000000u, &s, &spent,
                                       &err), 0, "%s", err.msg);
        cr_assert_neq(s.hosts, UINT64_MAX, "%s found nothing", names[w]);
        cr_expect_eq(s.how, KC_PACK_MULTI);
        expect_valid(&in, &s, names[w]);
        cr_expect_gt(spent, 0);
        dig[w] = digest(&s);
        kc_pack_sol_clear(&s);
    }
    for (int w = 0; w < KC_PACK_W_LAST; w++) {
        bool seen = false;

        for (int v = 0; v < w; v++)
            seen = seen || dig[v] == dig[w];
        distinct += !seen;
    }
    /* a weight that were ignored would give the unweighted packing */
    cr_expect_eq(distinct, KC_PACK_W_LAST, "only %zu distinct packings of %d weights", distinct,
                 KC_PACK_W_LAST);
    free(in.norm);
}

Test(pack_family, ffd_scarce_by_average_and_by_reciprocal_average_differ)
{
    static kc_pack_item items[120];
    uint64_t cap[3], d_avg, d_recip;
    size_t ni = instance(cap, items);
    kc_pack_inst in;
    kc_pack_sol s;
    kc_error err = { 0 };

    make(&in, cap, 3, items, ni);
    cr_assert_eq(kc_pack_run_heuristic(&in, KC_PACK_FFD_SCARCE, KC_PACK_W_AVG, &s, &err), 0);
    expect_valid(&in, &s, "avg");
    d_avg = digest(&s);
    kc_pack_sol_clear(&s);
    cr_assert_eq(kc_pack_run_heuristic(&in, KC_PACK_FFD_SCARCE, KC_PACK_W_RECIP, &s, &err), 0);
    expect_valid(&in, &s, "recip");
    d_recip = digest(&s);
    kc_pack_sol_clear(&s);
    cr_expect_neq(d_avg, d_recip);
    free(in.norm);
}

/* @n VMs of sizes U[1, 1000] in 3 dimensions on hosts of 1000 (the Caprara-Toth class 2 in
 * 3 dimensions): most hosts hold one to three VMs. */
static size_t wide_instance(uint64_t *cap, kc_pack_item *items, size_t n, uint64_t seed)
{
    cap[0] = cap[1] = cap[2] = 1000;
    for (size_t i = 0; i < n; i++) {
        memset(&items[i], 0, sizeof(items[i]));
        for (size_t d = 0; d < 3; d++)
            items[i].demand[d] = 1 + kc_test_rand(&seed) % 1000;
        items[i].count = 1;
    }
    return n;
}

Test(pack_family, least_flexible_first_beats_every_first_fit_order_on_wide_sizes)
{
    static const kc_pack_heuristic ffd[3] = { KC_PACK_FFD_L1, KC_PACK_FFD_L2, KC_PACK_FFD_LINF };
    static kc_pack_item items[300];
    uint64_t cap[3], sum_ffd = 0, sum_deg = 0, sum_size = 0;
    kc_error err = { 0 };

    /* over three instances (one may tie) */
    for (uint64_t seed = 7; seed < 10; seed++) {
        size_t ni = wide_instance(cap, items, 300, seed);
        uint64_t best_ffd = UINT64_MAX;
        kc_pack_inst in;
        kc_pack_sol s;

        make(&in, cap, 3, items, ni);
        for (int h = 0; h < 3; h++) {
            cr_assert_eq(kc_pack_run_heuristic(&in, ffd[h], KC_PACK_W_ONE, &s, &err), 0);
            best_ffd = s.hosts < best_ffd ? s.hosts : best_ffd;
            kc_pack_sol_clear(&s);
        }
        sum_ffd += best_ffd;
        cr_assert_eq(kc_pack_run_mindeg(&in, false, &s, &err), 0, "%s", err.msg);
        cr_expect_eq(s.how, KC_PACK_MINDEG);
        expect_valid(&in, &s, "least-flexible");
        sum_deg += s.hosts;
        kc_pack_sol_clear(&s);
        cr_assert_eq(kc_pack_run_mindeg(&in, true, &s, &err), 0, "%s", err.msg);
        expect_valid(&in, &s, "least-flexible by size");
        sum_size += s.hosts;
        kc_pack_sol_clear(&s);
        free(in.norm);
    }
    /* pairing the VMs with the fewest partners first is a near-maximum matching here */
    cr_expect_lt(sum_deg, sum_ffd, "least flexible %llu, first fit %llu",
                 (unsigned long long)sum_deg, (unsigned long long)sum_ffd);
    cr_expect_lt(sum_size, sum_ffd, "least flexible by size %llu, first fit %llu",
                 (unsigned long long)sum_size, (unsigned long long)sum_ffd);
}

Test(pack_family, best_fit_decreasing_packs_validly_in_every_order)
{
    static const kc_pack_heuristic keys[3] = { KC_PACK_FFD_L1, KC_PACK_FFD_L2, KC_PACK_FFD_LINF };
    static kc_pack_item items[120];
    uint64_t cap[3];
    size_t ni = instance(cap, items);
    kc_pack_inst in;
    kc_error err = { 0 };

    make(&in, cap, 3, items, ni);
    for (int k = 0; k < 3; k++) {
        kc_pack_sol s;

        cr_assert_eq(kc_pack_run_bfd(&in, keys[k], &s, &err), 0, "%s", err.msg);
        cr_expect_eq(s.how, KC_PACK_BFD);
        expect_valid(&in, &s, "best-fit-dec");
        kc_pack_sol_clear(&s);
    }
    free(in.norm);
}

/* Hosts of (10, 10); by the sum of demands: A (6, 6) opens host 1 (4, 4 free); B (5, 5)
 * does not fit it and opens host 2; C (5, 0) fits only host 2 (0, 5 free); D (0, 4) fits
 * both: first fit puts it on host 1, best fit on the fuller host 2. */
Test(pack_family, best_fit_decreasing_takes_the_fullest_host)
{
    static kc_pack_item items[4];
    static const uint64_t sizes[4][2] = { { 6, 6 }, { 5, 5 }, { 5, 0 }, { 0, 4 } };
    uint64_t cap[2] = { 10, 10 };
    kc_pack_inst in;
    kc_pack_sol s;
    kc_error err = { 0 };

    for (size_t i = 0; i < 4; i++) {
        memset(&items[i], 0, sizeof(items[i]));
        items[i].demand[0] = sizes[i][0];
        items[i].demand[1] = sizes[i][1];
        items[i].count = 1;
    }
    make(&in, cap, 2, items, 4);
    cr_assert_eq(kc_pack_run_bfd(&in, KC_PACK_FFD_L1, &s, &err), 0);
    expect_valid(&in, &s, "best-fit-dec");
    cr_expect_eq(s.hosts, 2);
    cr_assert_eq(s.n_pat, 2);
    cr_expect_eq(s.start[1] - s.start[0], 1, "host 1 holds A alone");
    cr_expect_eq(s.start[2] - s.start[1], 3, "host 2 holds B, C and D");
    kc_pack_sol_clear(&s);
    /* first fit: D on host 1 */
    cr_assert_eq(kc_pack_run_heuristic(&in, KC_PACK_FFD_L1, KC_PACK_W_ONE, &s, &err), 0);
    cr_assert_eq(s.n_pat, 2);
    cr_expect_eq(s.start[1] - s.start[0], 2);
    kc_pack_sol_clear(&s);
    free(in.norm);
}
