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
