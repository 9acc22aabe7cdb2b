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

/* ---- many types (issue 14 item 9): the tree searches give the plain scans' packings ---- */

/* Dot-product or best-fit by the plain scan the tree search replaces: at every step every
 * type that fits is scored against what is left (normalized), the best taken (ties: the
 * lowest index), half of what fits at a time; the host repeated while every type in it has
 * the VMs. O(types) a step: the reference, not the code. */
static void scan_heuristic(const kc_pack_inst *in, kc_pack_heuristic h, kc_pack_sol *s)
{
    uint64_t *rem = calloc(in->ni + 1, sizeof(*rem)), *p = calloc(in->ni + 1, sizeof(*p));
    uint64_t left_vms = in->total;
    kc_error err = { 0 };

    cr_assert(rem && p);
    memset(s, 0, sizeof(*s));
    s->how = h;
    for (size_t i = 0; i < in->ni; i++)
        rem[i] = in->items[i].count;
    while (left_vms > 0) {
        uint64_t left[KC_PACK_DIM_MAX], k = UINT64_MAX, placed = 0;

        memcpy(left, in->cap, in->nd * sizeof(*left));
        for (;;) {
            uint64_t rl[KC_PACK_DIM_MAX], best_score = 0, f, n;
            size_t best = SIZE_MAX;

            for (size_t d = 0; d < in->nd; d++)
                rl[d] = kc_pack_norm_of(left[d], in->cap[d]);
            for (size_t i = 0; i < in->ni; i++) {
                const uint64_t *x = in->norm + i * KC_PACK_DIM_MAX;
                uint64_t score = 0;

                if (rem[i] == p[i] || !kc_pack_fits_once(left, in->items[i].demand, in->nd))
                    continue;
                for (size_t d = 0; d < in->nd; d++) {
                    uint64_t r = rl[d] > x[d] ? rl[d] - x[d] : 0;

                    score += h == KC_PACK_DOT ? x[d] * rl[d] : r * r;
                }
                if (best == SIZE_MAX ||
                    (h == KC_PACK_DOT ? score > best_score : score < best_score)) {
                    best = i;
                    best_score = score;
                }
            }
            if (best == SIZE_MAX)
                break;
            f = kc_pack_fit_count(left, in->items[best].demand, in->nd);
            n = f / 2 > 1 ? f / 2 : 1;
            n = n < rem[best] - p[best] ? n : rem[best] - p[best];
            p[best] += n;
            kc_pack_take(left, in->items[best].demand, in->nd, n);
        }
        for (size_t i = 0; i < in->ni; i++)
            if (p[i]) {
                placed += p[i];
                k = rem[i] / p[i] < k ? rem[i] / p[i] : k;
            }
        cr_assert_gt(placed, 0);
        cr_assert_eq(kc_pack_sol_push(s, in->ni, k, p, &err), 0);
        for (size_t i = 0; i < in->ni; i++) {
            rem[i] -= k * p[i];
            p[i] = 0;
        }
        left_vms -= k * placed;
    }
    free(rem);
    free(p);
}

/* First fit decreasing by the plain scan: each host takes, in kc_pack_sort_items' order,
 * as many VMs of each type as fit. */
static void scan_ffd(const kc_pack_inst *in, kc_pack_heuristic h, kc_pack_sol *s)
{
    uint64_t *rem = calloc(in->ni + 1, sizeof(*rem)), *p = calloc(in->ni + 1, sizeof(*p));
    size_t *order = calloc(in->ni + 1, sizeof(*order));
    uint64_t left_vms = in->total;
    kc_error err = { 0 };

    cr_assert(rem && p && order);
    memset(s, 0, sizeof(*s));
    s->how = h;
    kc_pack_sort_items(in, h, order);
    for (size_t i = 0; i < in->ni; i++)
        rem[i] = in->items[i].count;
    while (left_vms > 0) {
        uint64_t left[KC_PACK_DIM_MAX], k = UINT64_MAX, placed = 0;

        memcpy(left, in->cap, in->nd * sizeof(*left));
        for (size_t j = 0; j < in->ni; j++) {
            size_t i = order[j];
            uint64_t n;

            if (rem[i] == 0 || !kc_pack_fits_once(left, in->items[i].demand, in->nd))
                continue;
            n = kc_pack_fit_count(left, in->items[i].demand, in->nd);
            p[i] = n < rem[i] ? n : rem[i];
            kc_pack_take(left, in->items[i].demand, in->nd, p[i]);
        }
        for (size_t i = 0; i < in->ni; i++)
            if (p[i]) {
                placed += p[i];
                k = rem[i] / p[i] < k ? rem[i] / p[i] : k;
            }
        cr_assert_gt(placed, 0);
        cr_assert_eq(kc_pack_sol_push(s, in->ni, k, p, &err), 0);
        for (size_t i = 0; i < in->ni; i++) {
            rem[i] -= k * p[i];
            p[i] = 0;
        }
        left_vms -= k * placed;
    }
    free(rem);
    free(p);
    free(order);
}

/* @ni types in @nd dimensions: demands from a few values (@coarse: many ties in the
 * normalized figures and in the scores) or from a wide range, 1-3 VMs a type and now and
 * then many (batches, hosts repeated). */
static kc_pack_item *many_types(uint64_t *cap, size_t nd, size_t ni, bool coarse,
                                uint64_t seed)
{
    kc_pack_item *items = calloc(ni, sizeof(*items));

    cr_assert_not_null(items);
    for (size_t d = 0; d < nd; d++)
        cap[d] = 1000 + 997 * d;
    for (size_t i = 0; i < ni; i++) {
        for (size_t d = 0; d < nd; d++)
            items[i].demand[d] = coarse ? cap[d] / 8 * (1 + kc_test_rand(&seed) % 4) :
                                 1 + kc_test_rand(&seed) % (cap[d] / 2);
        items[i].count = kc_test_rand(&seed) % 16 == 0 ? 1 + kc_test_rand(&seed) % 60 :
                         1 + kc_test_rand(&seed) % 3;
    }
    return items;
}

/* Above KC_PACK_KD_MIN_TYPES types dot-product, best-fit and first fit search a tree in
 * k-d order: the same packing, host for host, as the plain scan, on wide and on tie-heavy
 * demands. */
Test(pack_family, tree_heuristics_pack_as_the_scan_on_many_types, .timeout = 120)
{
    static const kc_pack_heuristic hs[] = {
        KC_PACK_DOT, KC_PACK_BEST_FIT, KC_PACK_FFD_L1, KC_PACK_FFD_L2, KC_PACK_FFD_LINF,
    };

    for (int c = 0; c < 4; c++) {
        size_t nd = c < 2 ? 3 : 5, ni = c % 2 ? 1500 : 2500;
        uint64_t cap[KC_PACK_DIM_MAX];
        kc_pack_item *items = many_types(cap, nd, ni, c % 2 == 1, 100 + (uint64_t)c);
        kc_pack_inst in;

        make(&in, cap, nd, items, ni);
        for (size_t k = 0; k < sizeof(hs) / sizeof(hs[0]); k++) {
            kc_pack_sol a, b;
            kc_error err = { 0 };

            cr_assert_eq(kc_pack_run_heuristic(&in, hs[k], KC_PACK_W_ONE, &a, &err), 0, "%s",
                         err.msg);
            if (hs[k] <= KC_PACK_FFD_LINF)
                scan_ffd(&in, hs[k], &b);
            else
                scan_heuristic(&in, hs[k], &b);
            expect_valid(&in, &a, kc_pack_heuristic_name(hs[k]));
            cr_expect_eq(a.hosts, b.hosts);
            cr_expect_eq(a.n_pat, b.n_pat);
            cr_expect_eq(digest(&a), digest(&b), "case %d %s: not the scan's packing", c,
                         kc_pack_heuristic_name(hs[k]));
            kc_pack_sol_clear(&a);
            kc_pack_sol_clear(&b);
        }
        free(in.norm);
        free(items);
    }
}

/* kc_pack_sort_items radix-sorts many types: the order is the comparison sort's (by
 * decreasing key, ties by index) for each static key, ties included. */
Test(pack_family, sort_items_on_many_types_is_the_comparison_order)
{
    static const kc_pack_heuristic hs[] = { KC_PACK_FFD_L1, KC_PACK_FFD_L2, KC_PACK_FFD_LINF };
    enum { NI = 4000, ND = 3 };

    for (int coarse = 0; coarse <= 1; coarse++) {
        uint64_t cap[KC_PACK_DIM_MAX];
        kc_pack_item *items = many_types(cap, ND, NI, coarse, 7);
        size_t *order = calloc(NI, sizeof(*order));
        kc_pack_inst in;

        cr_assert_not_null(order);
        make(&in, cap, ND, items, NI);
        for (size_t k = 0; k < sizeof(hs) / sizeof(hs[0]); k++) {
            kc_pack_sort_items(&in, hs[k], order);
            for (size_t j = 1; j < NI; j++) {
                const uint64_t *a = in.norm + order[j - 1] * KC_PACK_DIM_MAX;
                const uint64_t *b = in.norm + order[j] * KC_PACK_DIM_MAX;
                uint64_t ka = 0, kb = 0;

                for (size_t d = 0; d < ND; d++) {
                    if (hs[k] == KC_PACK_FFD_L1) {
                        ka += a[d];
                        kb += b[d];
                    } else if (hs[k] == KC_PACK_FFD_L2) {
                        ka += a[d] * a[d];
                        kb += b[d] * b[d];
                    } else {
                        ka = a[d] > ka ? a[d] : ka;
                        kb = b[d] > kb ? b[d] : kb;
                    }
                }
                cr_assert(ka > kb || (ka == kb && order[j - 1] < order[j]),
                          "%s at %zu: keys %llu %llu, types %zu %zu", kc_pack_heuristic_name(hs[k]),
                          j, (unsigned long long)ka, (unsigned long long)kb, order[j - 1],
                          order[j]);
            }
        }
        free(in.norm);
        free(order);
        free(items);
    }
}
