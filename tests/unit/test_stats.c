/* SPDX-License-Identifier: MIT */
/* test_stats.c: counter rates, percentiles and sums per slot, against independent references. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "stats.h"

#define NONE KC_STATS_NONE

/* ---- percentiles ---- */

/* The definition itself, by brute force: the smallest present value v such that at least
 * p of the present values are <= v (p = 0: the minimum). */
static uint64_t ref_percentile(const uint64_t *v, size_t n, uint32_t p_bp)
{
    size_t m = 0;
    uint64_t best = NONE;

    for (size_t i = 0; i < n; i++)
        m += v[i] != NONE;
    if (!m)
        return NONE;
    for (size_t i = 0; i < n; i++) {
        size_t le = 0;

        if (v[i] == NONE)
            continue;
        for (size_t j = 0; j < n; j++)
            le += v[j] != NONE && v[j] <= v[i];
        if ((uint64_t)le * 10000 >= (uint64_t)p_bp * m && (best == NONE || v[i] < best))
            best = v[i];
    }
    return best;
}

Test(stats, nearest_rank_on_ten_values)
{
    uint64_t v[10];

    for (int i = 0; i < 10; i++)
        v[i] = (uint64_t)(10 - i) * 10;    /* 100, 90, ..., 10 */
    cr_expect_eq(kc_stats_percentile(v, 10, 5000), 50);   /* rank ceil(5) = 5 */
    cr_expect_eq(kc_stats_percentile(v, 10, 9500), 100);  /* rank ceil(9.5) = 10 */
    cr_expect_eq(kc_stats_percentile(v, 10, 9000), 90);   /* rank 9 */
    cr_expect_eq(kc_stats_percentile(v, 10, 9001), 100);  /* rank ceil(9.001) = 10 */
    cr_expect_eq(kc_stats_percentile(v, 10, 0), 10);
    cr_expect_eq(kc_stats_percentile(v, 10, 10000), 100);
    cr_expect_eq(kc_stats_percentile(v, 10, 1), 10);
}

Test(stats, percentile_skips_missing_slots_and_empty_is_none)
{
    uint64_t v[6] = { NONE, 7, NONE, 3, NONE, 5 };
    uint64_t e[3] = { NONE, NONE, NONE };

    cr_expect_eq(kc_stats_percentile(v, 6, 5000), 5);   /* of 3, 5, 7: rank 2 */
    cr_expect_eq(kc_stats_percentile(e, 3, 9500), NONE);
    cr_expect_eq(kc_stats_percentile(e, 0, 9500), NONE);
}

Test(stats, percentile_matches_brute_force_on_generated_series)
{
    uint64_t seed = 15;

    for (int round = 0; round < 400; round++) {
        size_t n = (size_t)kc_test_range(&seed, 0, 97);
        uint64_t v[97], copy[97];
        uint32_t p = (uint32_t)kc_test_range(&seed, 0, 10000);

        for (size_t i = 0; i < n; i++) {
            uint64_t r = kc_test_rand(&seed);

            /* few distinct values (ties), some missing, some huge */
            v[i] = r % 7 == 0 ? NONE : r % 11 == 0 ? NONE - 1 : r % 13;
        }
        memcpy(copy, v, sizeof(v));
        cr_expect_eq(kc_stats_percentile(copy, n, p), ref_percentile(v, n, p),
                     "round %d n %zu p %u", round, n, p);
    }
}

Test(stats, summary_gives_min_p50_percentile_max_and_mean)
{
    uint64_t v[5] = { 4, NONE, 1, 9, 2 }, scratch[5];
    kc_stats_summary s;

    kc_stats_summarize(v, 5, 9500, scratch, &s);
    cr_expect_eq(s.count, 4);
    cr_expect_eq(s.min, 1);
    cr_expect_eq(s.p50, 2);
    cr_expect_eq(s.pct, 9);
    cr_expect_eq(s.max, 9);
    cr_expect_eq(s.mean, 4);    /* 16 / 4 */
    cr_expect_eq(v[1], NONE, "the input is left alone");
    kc_stats_summarize(v, 0, 9500, scratch, &s);
    cr_expect_eq(s.count, 0);
    cr_expect_eq(s.max, NONE);
}

/* ---- rates ---- */

Test(stats, rate_is_floor_of_delta_over_time)
{
    /* 1.5 s of CPU in 2 s: 0.75 core = 7500 bp; then 1 ns in 3 ns: floor(3333.3) */
    kc_stats_point p[3] = {
        { .t_ns = 1000, .value = 0 },
        { .t_ns = 1000 + 2000000000ull, .value = 1500000000ull },
        { .t_ns = 1000 + 2000000003ull, .value = 1500000001ull },
    };
    uint64_t r[3];

    cr_expect_eq(kc_stats_rates(p, 3, KC_STATS_MUL_CPU_BP, 0, r), 0);
    cr_expect_eq(r[0], NONE, "the first reading has no rate");
    cr_expect_eq(r[1], 7500);
    cr_expect_eq(r[2], 3333);
}

Test(stats, counter_going_backwards_starts_a_new_series_never_a_negative_rate)
{
    kc_stats_point p[5] = {
        { .t_ns = 0, .value = 5000000000ull },
        { .t_ns = 1000000000ull, .value = 6000000000ull },   /* one core */
        { .t_ns = 2000000000ull, .value = 100000000ull },    /* rebooted */
        { .t_ns = 3000000000ull, .value = 600000000ull },    /* half a core */
        { .t_ns = 4000000000ull, .value = 600000000ull },    /* idle */
    };
    uint64_t r[5];

    cr_expect_eq(kc_stats_rates(p, 5, KC_STATS_MUL_CPU_BP, 0, r), 1);
    cr_expect_eq(r[1], 10000);
    cr_expect_eq(r[2], NONE);
    cr_expect_eq(r[3], 5000);
    cr_expect_eq(r[4], 0);
}

Test(stats, gaps_fresh_points_missing_values_and_stalled_clocks_give_no_rate)
{
    kc_stats_point p[8] = {
        { .t_ns = 0, .value = 0 },
        { .t_ns = 10, .value = 10 },                  /* 1 per ns */
        { .t_ns = 100, .value = 100 },                /* gap of 90 > 50 */
        { .t_ns = 110, .value = 110, .fresh = true }, /* a new run */
        { .t_ns = 120, .value = NONE },               /* not read */
        { .t_ns = 130, .value = 130 },                /* after a missing one */
        { .t_ns = 130, .value = 140 },                /* time did not advance */
        { .t_ns = 140, .value = 150 },
    };
    uint64_t r[8];

    kc_stats_rates(p, 8, 1000, 50, r);
    cr_expect_eq(r[1], 1000);
    cr_expect_eq(r[2], NONE);
    cr_expect_eq(r[3], NONE);
    cr_expect_eq(r[4], NONE);
    cr_expect_eq(r[5], NONE);
    cr_expect_eq(r[6], NONE);
    cr_expect_eq(r[7], 1000);
}

Test(stats, huge_rate_is_capped_below_none)
{
    kc_stats_point p[2] = { { .t_ns = 0, .value = 0 }, { .t_ns = 1, .value = NONE - 1 } };
    uint64_t r[2];

    kc_stats_rates(p, 2, KC_STATS_MUL_MILLI_PER_S, 0, r);
    cr_expect_eq(r[1], NONE - 1);
}

/*
 * Generated VMs with a known true rate per slot (chosen so that the counter's delta is an
 * exact multiple: rate * dt / 10000 with dt a multiple of 10000 ns), with reboots (the
 * counter restarts near 0), samples slower than the interval, gaps beyond the limit and VMs
 * that start late or stop early. The pipeline (rates -> sum per slot -> percentile) must
 * give exactly the reference computed from the truth.
 */
#define GEN_VMS 9
#define GEN_SLOTS 300
#define GEN_GAP 30000000000ull

typedef struct gen {
    kc_stats_point pts[GEN_VMS][GEN_SLOTS];
    uint64_t truth[GEN_VMS][GEN_SLOTS];   /* expected rate, NONE where none is defined */
    size_t resets[GEN_VMS];
} gen;

static void generate(gen *g, uint64_t *seed)
{
    uint64_t t[GEN_SLOTS];

    t[0] = kc_test_range(seed, 0, 1ull << 40) * 10000;
    for (size_t k = 1; k < GEN_SLOTS; k++) {
        /* mostly 10 s, sometimes slow (12 s), sometimes a gap (45 s) */
        uint64_t r = kc_test_rand(seed) % 20;
        uint64_t dt = r == 0 ? 45000000000ull : r == 1 ? 12000000000ull : 10000000000ull;

        t[k] = t[k - 1] + dt + kc_test_range(seed, 0, 100) * 10000;
    }
    for (size_t v = 0; v < GEN_VMS; v++) {
        size_t start = (size_t)kc_test_range(seed, 0, GEN_SLOTS / 3);
        size_t stop = (size_t)kc_test_range(seed, GEN_SLOTS / 2, GEN_SLOTS);
        uint64_t c = kc_test_range(seed, 0, 1ull << 50);

        g->resets[v] = 0;
        for (size_t k = 0; k < GEN_SLOTS; k++) {
            kc_stats_point *p = &g->pts[v][k];

            p->t_ns = t[k];
            p->fresh = false;
            g->truth[v][k] = NONE;
            if (k < start || k >= stop) {
                p->value = NONE;
                continue;
            }
            if (k == start) {
                p->value = c;
                continue;
            }
            if (kc_test_rand(seed) % 37 == 0) {
                /* rebooted: a new process, its counter restarts below the last reading */
                c = kc_test_range(seed, 0, c ? c - 1 : 0);
                if (c < g->pts[v][k - 1].value) {
                    g->resets[v]++;
                    p->value = c;
                    continue;
                }
            }
            {
                uint64_t rate = kc_test_range(seed, 0, 80000);   /* up to 8 cores */
                uint64_t dt = t[k] - t[k - 1];

                c += rate * (dt / 10000);
                p->value = c;
                g->truth[v][k] = dt > GEN_GAP ? NONE : rate;
            }
        }
    }
}

Test(stats, generated_vms_rates_sums_and_percentiles_match_the_truth)
{
    uint64_t seed = 1616;
    gen *g = malloc(sizeof(*g));

    cr_assert_not_null(g);
    for (int round = 0; round < 20; round++) {
        uint64_t acc[GEN_SLOTS], ref_sum[GEN_SLOTS], r[GEN_SLOTS], copy[GEN_SLOTS];
        uint64_t max_sum_of_maxes = 0;
        uint32_t p = round % 2 ? 9500 : (uint32_t)kc_test_range(&seed, 0, 10000);

        generate(g, &seed);
        kc_stats_fill_none(acc, GEN_SLOTS);
        kc_stats_fill_none(ref_sum, GEN_SLOTS);
        for (size_t v = 0; v < GEN_VMS; v++) {
            uint64_t vmax = 0;

            cr_expect_eq(kc_stats_rates(g->pts[v], GEN_SLOTS, KC_STATS_MUL_CPU_BP, GEN_GAP, r),
                         g->resets[v], "round %d vm %zu", round, v);
            for (size_t k = 0; k < GEN_SLOTS; k++) {
                cr_expect_eq(r[k], g->truth[v][k], "round %d vm %zu slot %zu", round, v, k);
                if (g->truth[v][k] != NONE) {
                    ref_sum[k] = (ref_sum[k] == NONE ? 0 : ref_sum[k]) + g->truth[v][k];
                    vmax = vmax > g->truth[v][k] ? vmax : g->truth[v][k];
                }
            }
            max_sum_of_maxes += vmax;
            kc_stats_add(acc, r, GEN_SLOTS);
        }
        for (size_t k = 0; k < GEN_SLOTS; k++)
            cr_expect_eq(acc[k], ref_sum[k], "round %d slot %zu", round, k);
        memcpy(copy, acc, sizeof(acc));
        cr_expect_eq(kc_stats_percentile(copy, GEN_SLOTS, p), ref_percentile(ref_sum, GEN_SLOTS, p),
                     "round %d p %u", round, p);
        memcpy(copy, acc, sizeof(acc));
        cr_expect_leq(kc_stats_percentile(copy, GEN_SLOTS, 10000), max_sum_of_maxes);
    }
    free(g);
}

Test(stats, host_demand_is_the_percentile_of_sums_not_the_sum_of_percentiles)
{
    /* two VMs busy at different times: each peaks at one core, the host never above one */
    uint64_t a[4] = { 10000, 0, 10000, 0 }, b[4] = { 0, 10000, 0, 10000 }, acc[4], s[4];
    kc_stats_summary sum;

    kc_stats_fill_none(acc, 4);
    kc_stats_add(acc, a, 4);
    kc_stats_add(acc, b, 4);
    kc_stats_summarize(acc, 4, 9500, s, &sum);
    cr_expect_eq(sum.pct, 10000);
    cr_expect_eq(sum.max, 10000);
}

Test(stats, add_keeps_slots_without_any_value_absent_and_saturates)
{
    uint64_t acc[3], a[3] = { NONE, 5, NONE - 2 }, b[3] = { NONE, NONE, 7 };

    kc_stats_fill_none(acc, 3);
    kc_stats_add(acc, a, 3);
    kc_stats_add(acc, b, 3);
    cr_expect_eq(acc[0], NONE);
    cr_expect_eq(acc[1], 5);
    cr_expect_eq(acc[2], NONE - 1);
}

Test(stats, derive_adds_steal_to_cpu_and_shares_it_over_the_vcpus)
{
    uint64_t cpu[3] = { NONE, 5000, 8000 }, steal[3] = { NONE, 2000, NONE };
    uint64_t dem[3], share[3];
    kc_vm_series s = { .vcpus = 4, .n = 3 };
    kc_vm_stats st;
    uint64_t scratch[3];

    s.v[KC_METRIC_CPU] = cpu;
    s.v[KC_METRIC_STEAL] = steal;
    s.v[KC_METRIC_CPU_DEMAND] = dem;
    s.v[KC_METRIC_STEAL_SHARE] = share;
    kc_stats_derive(&s);
    cr_expect_eq(dem[0], NONE);
    cr_expect_eq(dem[1], 7000);
    cr_expect_eq(dem[2], 8000);
    cr_expect_eq(share[1], 500);    /* 0.2 core waiting over 4 vCPUs: 5 % */
    cr_expect_eq(share[2], NONE);
    kc_stats_vm(&s, 9500, scratch, &st);
    cr_expect_eq(st.m[KC_METRIC_CPU].max, 8000);
    cr_expect_eq(st.m[KC_METRIC_CPU_DEMAND].count, 2);
    cr_expect_eq(st.m[KC_METRIC_RSS].count, 0, "a metric the source lacks is absent");
    cr_expect_str_eq(kc_metric_name(KC_METRIC_STEAL_SHARE), "steal_share");
}

static int cmp_ref(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

Test(stats, long_series_sort_as_qsort_does_at_every_rank)
{
    uint64_t seed = 30240;

    for (int round = 0; round < 30; round++) {
        size_t n = (size_t)kc_test_range(&seed, 64, 5000);
        uint64_t *v = malloc(n * sizeof(*v)), *ref = malloc(n * sizeof(*ref));
        uint64_t *scratch = malloc(n * sizeof(*scratch));
        unsigned kind = (unsigned)(kc_test_rand(&seed) % 4);
        kc_stats_summary s;
        size_t m = 0;

        cr_assert(v && ref && scratch);
        for (size_t i = 0; i < n; i++) {
            uint64_t r = kc_test_rand(&seed);

            /* full 64-bit values, small ones (bytes skipped), equal high bytes, gaps */
            v[i] = kind == 0 ? r : kind == 1 ? r % 300 : kind == 2 ? (7ull << 56) | (r % 100000)
                   : r % 5 == 0 ? NONE : r >> (r % 64);
            if (v[i] != NONE)
                ref[m++] = v[i];
        }
        qsort(ref, m, sizeof(*ref), cmp_ref);
        kc_stats_summarize(v, n, 9500, scratch, &s);
        cr_expect_eq(s.count, m);
        for (size_t i = 0; i < m; i++)
            cr_expect_eq(scratch[i], ref[i], "round %d kind %u rank %zu", round, kind, i);
        cr_expect_eq(s.pct, ref[(95 * m + 99) / 100 - 1]);
        free(v);
        free(ref);
        free(scratch);
    }
}
