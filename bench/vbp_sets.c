/* SPDX-License-Identifier: MIT */
/* vbp_sets.c: the multi-dimensional vector packing sets (Panigrahy, Triplet, New) for bench. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vbp_classes.h"
#include "vbp_sets.h"

/*
 * The sets are those of C. Mommessin, T. Erlebach, N. V. Shakhlevich, "Classification and
 * evaluation of the algorithms for vector bin packing", Computers & Operations Research,
 * 2025 (data and generators: github.com/Vectorpack/experiments_vector_paper, data/scripts),
 * read there and written here in our own words and code. Their random streams are not
 * seeded, so the published instances cannot be regenerated: these are the same
 * distributions, compared by class means, never instance by instance. Capacities are the
 * same in every dimension. U[a,b] is a uniform integer, both ends included.
 *
 * Panigrahy (R. Panigrahy, K. Talwar, L. Uyeda, U. Wieder, "Heuristics for vector bin
 * packing", Microsoft Research, 2011: the Caprara-Toth classes in d dimensions):
 *   1-6  every size ~ U[a,b] independently, capacity C: 1 [100,400] C 1000; 2 [1,1000];
 *        3 [200,800]; 4 [50,200]; 5 [25,100] (C 1000 for 1-5); 6 [20,100] C 150
 *   7    dimensions in pairs: the first ~ U[20,99], the second ~ U[first-10, first+10]
 *        (positively correlated); an odd last dimension ~ U[20,99]; C 150
 *   8    as 7 with the second ~ U[110-first, 130-first] (negatively correlated)
 *   9    2d units dropped uniformly over the d dimensions (k_j units in dimension j), a
 *        scale s ~ U[10,40], size_j = s * k_j + U[0,1]; redrawn while a size exceeds C; C 100
 *        (the published script keeps n + 1 such VMs; we keep n)
 * Triplet (groups of three VMs that fill a host of 100 exactly in every dimension, so the
 * optimum is n/3), per dimension of each group independently:
 *   C (Caprara-Toth 2001)  a, b ~ U[25,50], c = 100 - a - b
 *   F (Falkenauer 1996)    a ~ U[38,49], b ~ U[25, floor((100-a)/2)], c = 100 - a - b
 *   M (Mommessin et al.)   a, b ~ U[1,50], c = 100 - a - b
 *   (the first VM of a group takes every dimension's a, the second b, the third c)
 * New (Mommessin et al.), capacity 100, N(m,s) a normal draw rounded to an integer and
 * redrawn until it lies in [0,100]:
 *   1  d groups of floor(n/d) VMs (the last takes the remainder); group j: dimension j ~
 *      U[50,100], the others U[0,25]
 *   2  every size N(20,10);  3  every size N(30,15)
 *   4-6  per dimension, L = round(N(floor(0.1 n), sqrt(n/4))) clipped to [0,n] VMs get a
 *      large size N(ml,s), the others a small one N(ms,s), shuffled over the VMs:
 *      4 (ml 70, ms 30, s 15), 5 (80, 20, 10), 6 (70, 15, 10)
 * Sizes as published: Panigrahy and New n = 20, 40, 60, 120, 250, 500; Triplet n = 60, 120,
 * 249, 501; d = 3, 5 and 10 (kvmcap packs up to KC_PACK_DIM_MAX = 8 dimensions: 3 and 5 here).
 */
#define SET_N_MAX 501
#define N_SIZES 6

static const unsigned set_classes[KC_VBP_SET_LAST] = { 9, 3, 6 };
static const char *const set_names[KC_VBP_SET_LAST] = { "Panigrahy", "Triplet", "New" };
static const unsigned set_sizes[KC_VBP_SET_LAST][N_SIZES] = {
    { 20, 40, 60, 120, 250, 500 }, { 60, 120, 249, 501, 0, 0 }, { 20, 40, 60, 120, 250, 500 },
};
static const unsigned set_dims[2] = { 3, 5 };

/* A uniform double in (0, 1]. */
static double unit(uint64_t *s)
{
    return ((double)(kc_vbp_rng(s) >> 11) + 1.0) / 9007199254740992.0;
}

/* A normal draw (Box-Muller), rounded to the nearest integer. */
static long normal_int(uint64_t *s, double mu, double sigma)
{
    double z = sqrt(-2.0 * log(unit(s))) * cos(6.283185307179586 * unit(s));

    return lround(mu + sigma * z);
}

static uint64_t normal_size(uint64_t *s, double mu, double sigma)
{
    long v;

    do
        v = normal_int(s, mu, sigma);
    while (v < 0 || v > 100);
    return (uint64_t)v;
}

static double now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* w[j][d] for j < n into items, identical vectors merged. */
static size_t merge(uint64_t (*w)[KC_PACK_DIM_MAX], unsigned n, unsigned nd, kc_pack_item *items)
{
    size_t ni = 0;

    for (unsigned j = 0; j < n; j++) {
        size_t i;

        for (i = 0; i < ni; i++)
            if (memcmp(items[i].demand, w[j], nd * sizeof(uint64_t)) == 0)
                break;
        if (i < ni) {
            items[i].count++;
            continue;
        }
        memset(&items[ni], 0, sizeof(items[ni]));
        memcpy(items[ni].demand, w[j], nd * sizeof(uint64_t));
        items[ni++].count = 1;
    }
    return ni;
}

static void gen_panigrahy(unsigned cls, unsigned n, unsigned nd, uint64_t *s, uint64_t *cap,
                          uint64_t (*w)[KC_PACK_DIM_MAX])
{
    static const uint64_t lo[7] = { 0, 100, 1, 200, 50, 25, 20 };
    static const uint64_t hi[7] = { 0, 400, 1000, 800, 200, 100, 100 };
    uint64_t c = cls <= 5 ? 1000 : cls <= 8 ? 150 : 100;

    for (unsigned d = 0; d < nd; d++)
        cap[d] = c;
    for (unsigned j = 0; j < n; j++) {
        if (cls <= 6) {
            for (unsigned d = 0; d < nd; d++)
                w[j][d] = kc_vbp_uni(s, lo[cls], hi[cls]);
        } else if (cls <= 8) {
            for (unsigned d = 0; d < nd; d++) {
                if (d % 2 == 0)   /* a pair's first, or the odd last */
                    w[j][d] = kc_vbp_uni(s, 20, 99);
                else
                    w[j][d] = cls == 7 ? kc_vbp_uni(s, w[j][d - 1] - 10, w[j][d - 1] + 10) :
                              kc_vbp_uni(s, 110 - w[j][d - 1], 130 - w[j][d - 1]);
            }
        } else {
            uint64_t k[KC_PACK_DIM_MAX], sc, mx;

            do {
                memset(k, 0, sizeof(k));
                for (unsigned u = 0; u < 2 * nd; u++)
                    k[kc_vbp_uni(s, 0, nd - 1)]++;
                sc = kc_vbp_uni(s, 10, 40);
                mx = 0;
                for (unsigned d = 0; d < nd; d++) {
                    w[j][d] = sc * k[d] + kc_vbp_uni(s, 0, 1);
                    mx = w[j][d] > mx ? w[j][d] : mx;
                }
            } while (mx > c);
        }
    }
}

static void gen_triplet(unsigned cls, unsigned n, unsigned nd, uint64_t *s, uint64_t *cap,
                        uint64_t (*w)[KC_PACK_DIM_MAX])
{
    for (unsigned d = 0; d < nd; d++)
        cap[d] = 100;
    for (unsigned g = 0; g + 3 <= n; g += 3)
        for (unsigned d = 0; d < nd; d++) {
            uint64_t a, b;

            if (cls == 1) {
                a = kc_vbp_uni(s, 25, 50);
                b = kc_vbp_uni(s, 25, 50);
            } else if (cls == 2) {
                a = kc_vbp_uni(s, 38, 49);
                b = kc_vbp_uni(s, 25, (100 - a) / 2);
            } else {
                a = kc_vbp_uni(s, 1, 50);
                b = kc_vbp_uni(s, 1, 50);
            }
            w[g][d] = a;
            w[g + 1][d] = b;
            w[g + 2][d] = 100 - a - b;
        }
}

static void gen_new(unsigned cls, unsigned n, unsigned nd, uint64_t *s, uint64_t *cap,
                    uint64_t (*w)[KC_PACK_DIM_MAX])
{
    static const double ml[7] = { 0, 0, 0, 0, 70, 80, 70 }, ms[7] = { 0, 0, 0, 0, 30, 20, 15 },
                        sg[7] = { 0, 0, 10, 15, 15, 10, 10 };

    for (unsigned d = 0; d < nd; d++)
        cap[d] = 100;
    if (cls == 1) {
        unsigned per = n / nd;

        for (unsigned j = 0; j < n; j++) {
            unsigned grp = j / per < nd ? j / per : nd - 1;

            for (unsigned d = 0; d < nd; d++)
                w[j][d] = d == grp ? kc_vbp_uni(s, 50, 100) : kc_vbp_uni(s, 0, 25);
        }
        return;
    }
    if (cls <= 3) {
        for (unsigned j = 0; j < n; j++)
            for (unsigned d = 0; d < nd; d++)
                w[j][d] = normal_size(s, cls == 2 ? 20 : 30, sg[cls]);
        return;
    }
    for (unsigned d = 0; d < nd; d++) {
        long large = normal_int(s, (double)(n / 10), sqrt((double)n / 4.0));

        large = large < 0 ? 0 : large > (long)n ? (long)n : large;
        for (unsigned j = 0; j < n; j++)
            w[j][d] = normal_size(s, (long)j < large ? ml[cls] : ms[cls], sg[cls]);
        for (unsigned j = n - 1; j > 0; j--) {     /* Fisher-Yates over this dimension */
            unsigned r = (unsigned)kc_vbp_uni(s, 0, j);
            uint64_t t = w[j][d];

            w[j][d] = w[r][d];
            w[r][d] = t;
        }
    }
}

size_t kc_vbp_set_generate(kc_vbp_set set, unsigned cls, unsigned n, unsigned nd,
                           uint64_t seed, uint64_t *cap, kc_pack_item *items)
{
    static uint64_t w[SET_N_MAX][KC_PACK_DIM_MAX];
    uint64_t s = seed * 1000003u + (uint64_t)set * 10007u + cls * 101u + nd * 7u + n;

    if (set >= KC_VBP_SET_LAST || cls < 1 || cls > set_classes[set] || n < 3 ||
        n > SET_N_MAX || nd < 1 || nd > KC_PACK_DIM_MAX)
        return 0;
    memset(w, 0, sizeof(w));
    if (set == KC_VBP_PANIGRAHY)
        gen_panigrahy(cls, n, nd, &s, cap, w);
    else if (set == KC_VBP_TRIPLET)
        gen_triplet(cls, n - n % 3, nd, &s, cap, w);
    else
        gen_new(cls, n, nd, &s, cap, w);
    if (set == KC_VBP_TRIPLET)
        n -= n % 3;
    return merge(w, n, nd, items);
}

/* ---- running and printing ---- */

typedef struct cell {
    unsigned inst, proven, at_lb;
    double lb, hosts, gap_pct, gap_max, bins, ms, ms_max;
    unsigned bins_max;
} cell;

static void add(cell *c, uint64_t lb, uint64_t hosts, bool proven, double ms)
{
    double pct = 100.0 * (double)(hosts - lb) / (double)lb;

    c->inst++;
    c->proven += proven;
    c->at_lb += hosts == lb;
    c->lb += (double)lb;
    c->hosts += (double)hosts;
    c->gap_pct += pct;
    c->gap_max = pct > c->gap_max ? pct : c->gap_max;
    c->bins += (double)(hosts - lb);
    c->bins_max = hosts - lb > c->bins_max ? (unsigned)(hosts - lb) : c->bins_max;
    c->ms += ms;
    c->ms_max = ms > c->ms_max ? ms : c->ms_max;
}

static void fold(cell *a, const cell *c)
{
    a->inst += c->inst;
    a->proven += c->proven;
    a->at_lb += c->at_lb;
    a->lb += c->lb;
    a->hosts += c->hosts;
    a->gap_pct += c->gap_pct;
    a->gap_max = c->gap_max > a->gap_max ? c->gap_max : a->gap_max;
    a->bins += c->bins;
    a->bins_max = c->bins_max > a->bins_max ? c->bins_max : a->bins_max;
    a->ms += c->ms;
    a->ms_max = c->ms_max > a->ms_max ? c->ms_max : a->ms_max;
}

static void print_cell(const char *label, const cell *c)
{
    if (!c->inst)
        return;
    printf("%-16s %4u %8.1f %8.1f %7.2f %7.2f %6.2f %4u %5u %8.1f %8.1f\n", label, c->inst,
           c->lb / c->inst, c->hosts / c->inst, c->gap_pct / c->inst, c->gap_max,
           c->bins / c->inst, c->bins_max, c->at_lb, c->ms / c->inst, c->ms_max);
}

static void print_head(void)
{
    printf("%-16s %4s %8s %8s %7s %7s %6s %4s %5s %8s %8s\n", "cell", "inst", "bound", "hosts",
           "gap%", "max%", "gap_b", "max", "=lb", "ms", "max_ms");
}

/* One instance: pack, verify, check the bound against a known optimum. */
static int solve_one(const uint64_t *cap, unsigned nd, const kc_pack_item *items, size_t ni,
                     uint64_t opt, uint32_t effort, const char *what, kc_pack **p, double *ms)
{
    kc_pack_opts o = { 0 };
    kc_error err = { 0 };
    double t0 = now_ms();

    o.effort = effort;
    if (kc_pack_solve(cap, nd, items, ni, &o, p, &err) < 0 && err.code == KC_ERR_INVALID) {
        printf("%-24s skipped: %s\n", what, err.msg);     /* bad input, not a bad packing */
        return -2;
    }
    if (!*p || kc_pack_verify(*p, cap, nd, items, ni, &err) < 0) {
        fprintf(stderr, "bench: %s: %s\n", what, err.msg);
        return -1;
    }
    *ms = now_ms() - t0;
    if (opt && ((*p)->lower_bound > opt || (*p)->hosts < opt)) {
        fprintf(stderr, "bench: %s: bound %llu or hosts %llu against the optimum %llu\n", what,
                (unsigned long long)(*p)->lower_bound, (unsigned long long)(*p)->hosts,
                (unsigned long long)opt);
        return -1;
    }
    return 0;
}

int kc_vbp_sets_main(unsigned seeds, unsigned max_n, uint32_t effort, bool cells_out)
{
    static kc_pack_item items[SET_N_MAX];
    static cell cells[KC_VBP_SET_LAST][9][N_SIZES][2];
    double t0 = now_ms();

    memset(cells, 0, sizeof(cells));
    for (unsigned st = 0; st < KC_VBP_SET_LAST; st++)
        for (unsigned k = 1; k <= set_classes[st]; k++)
            for (unsigned z = 0; z < N_SIZES && set_sizes[st][z]; z++)
                for (unsigned dd = 0; dd < 2; dd++)
                    for (unsigned sd = 1; sd <= seeds; sd++) {
                        unsigned n = set_sizes[st][z], nd = set_dims[dd];
                        uint64_t cap[KC_PACK_DIM_MAX];
                        size_t ni;
                        kc_pack *p = NULL;
                        char what[96];
                        double ms;

                        if (max_n && n > max_n)
                            continue;
                        ni = kc_vbp_set_generate((kc_vbp_set)st, k, n, nd, sd, cap, items);
                        snprintf(what, sizeof(what), "%s class %u n %u d %u seed %u",
                                 set_names[st], k, n, nd, sd);
                        if (solve_one(cap, nd, items, ni, st == KC_VBP_TRIPLET ? n / 3 : 0,
                                      effort, what, &p, &ms) < 0)
                            return 5;
                        /* Triplet: the gap is to the optimum n/3 (the bound may be lower) */
                        add(&cells[st][k - 1][z][dd],
                            st == KC_VBP_TRIPLET ? n / 3 : p->lower_bound, p->hosts,
                            p->proven_optimal, ms);
                        kc_pack_free(p);
                    }
    printf("\nvector packing sets (Mommessin et al. 2025: Panigrahy, Triplet, New; regenerated, "
           "%u seeds a cell, effort %u)\ngap = (hosts - bound) / bound; Triplet: bound = the "
           "optimum n/3\n", seeds, effort ? effort : 1);
    for (unsigned st = 0; st < KC_VBP_SET_LAST; st++) {
        cell all = { 0 }, byn[N_SIZES] = { 0 }, byd[2] = { 0 }, big = { 0 };

        printf("\n%s\n", set_names[st]);
        print_head();
        for (unsigned k = 0; k < set_classes[st]; k++) {
            cell c = { 0 };
            char label[32];

            for (unsigned z = 0; z < N_SIZES; z++)
                for (unsigned dd = 0; dd < 2; dd++) {
                    fold(&c, &cells[st][k][z][dd]);
                    fold(&byn[z], &cells[st][k][z][dd]);
                    fold(&byd[dd], &cells[st][k][z][dd]);
                    if (set_sizes[st][z] >= 249)
                        fold(&big, &cells[st][k][z][dd]);
                }
            snprintf(label, sizeof(label), "class %u", k + 1);
            print_cell(label, &c);
            for (unsigned dd = 0; dd < 2; dd++) {
                cell e = { 0 };

                for (unsigned z = 0; z < N_SIZES; z++)
                    if (set_sizes[st][z] >= 249)
                        fold(&e, &cells[st][k][z][dd]);
                snprintf(label, sizeof(label), "  d%u n>=249", set_dims[dd]);
                print_cell(label, &e);
            }
            fold(&all, &c);
        }
        for (unsigned z = 0; z < N_SIZES && set_sizes[st][z]; z++) {
            char label[32];

            snprintf(label, sizeof(label), "n=%u", set_sizes[st][z]);
            print_cell(label, &byn[z]);
        }
        for (unsigned dd = 0; dd < 2; dd++) {
            char label[32];

            snprintf(label, sizeof(label), "d=%u", set_dims[dd]);
            print_cell(label, &byd[dd]);
        }
        print_cell("n>=249", &big);
        print_cell("all", &all);
    }
    for (unsigned st = 0; st < KC_VBP_SET_LAST && cells_out; st++)
        for (unsigned k = 0; k < set_classes[st]; k++)
            for (unsigned z = 0; z < N_SIZES && set_sizes[st][z]; z++)
                for (unsigned dd = 0; dd < 2; dd++) {
                    const cell *c = &cells[st][k][z][dd];

                    if (c->inst)
                        printf("cell %s %u %u %u %u %.2f %.2f %.3f %.1f %.1f\n", set_names[st],
                               k + 1, set_sizes[st][z], set_dims[dd], c->inst, c->lb / c->inst,
                               c->hosts / c->inst, c->gap_pct / c->inst, c->ms / c->inst,
                               c->ms_max);
                }
    printf("(%.0f ms in all)\n", now_ms() - t0);
    return 0;
}

/* ---- instance files ---- */

#define FILE_MAX (64u << 20)      /* a file larger than this is refused */
#define TYPES_MAX 1000000u

/* The next unsigned decimal number in *p (blanks before it skipped); -1 at anything else. */
static int next_u64(const char **p, uint64_t *v)
{
    const char *s = *p;
    char *end;

    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    *v = strtoull(s, &end, 10);
    if (errno)
        return -1;
    *p = end;
    return 0;
}

/* Parse a VBP file: d, d capacities, m, then m lines of d sizes and a count. Returns the
 * item types (in *items, malloc'd) or -1 with @why. */
static long parse_vbp(const char *text, unsigned *nd, uint64_t *cap, kc_pack_item **items,
                      const char **why)
{
    const char *p = text;
    uint64_t d, m, v;
    kc_pack_item *it;

    *why = "the dimension count";
    if (next_u64(&p, &d) < 0 || d < 1)
        return -1;
    if (d > KC_PACK_DIM_MAX) {
        *why = "more dimensions than kvmcap packs (8)";
        return -1;
    }
    *why = "a capacity";
    for (unsigned k = 0; k < d; k++)
        if (next_u64(&p, &cap[k]) < 0 || cap[k] == 0)
            return -1;
    *why = "the item count";
    if (next_u64(&p, &m) < 0 || m < 1 || m > TYPES_MAX)
        return -1;
    it = calloc(m, sizeof(*it));
    if (!it) {
        *why = "out of memory";
        return -1;
    }
    *why = "an item line";
    for (uint64_t i = 0; i < m; i++) {
        for (unsigned k = 0; k <= d; k++) {
            if (next_u64(&p, &v) < 0) {
                free(it);
                return -1;
            }
            if (k < d)
                it[i].demand[k] = v;
            else
                it[i].count = v;
        }
    }
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p) {
        *why = "text after the last item";
        free(it);
        return -1;
    }
    *nd = (unsigned)d;
    *items = it;
    return (long)m;
}

static char *slurp(const char *path, const char **why)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t len = 0, n;

    if (!f) {
        *why = strerror(errno);
        return NULL;
    }
    buf = malloc(FILE_MAX + 1);
    if (!buf) {
        fclose(f);
        *why = "out of memory";
        return NULL;
    }
    while ((n = fread(buf + len, 1, FILE_MAX + 1 - len, f)) > 0 && len < FILE_MAX + 1)
        len += n;
    fclose(f);
    if (len > FILE_MAX || memchr(buf, 0, len)) {
        free(buf);
        *why = len > FILE_MAX ? "larger than 64 MiB" : "not text";
        return NULL;
    }
    buf[len] = 0;
    return buf;
}

/* The reference table: names and their LB, OPT, best_overall. */
typedef struct ref_row {
    char name[64];
    long lb, opt, best;
} ref_row;

static ref_row *refs;
static size_t n_refs;

static int load_refs(const char *path)
{
    const char *why = NULL;
    char *text = slurp(path, &why), *line, *save = NULL;
    int col[4] = { -1, -1, -1, -1 }, hdr = 1;
    static const char *const want[4] = { "instance_name", "LB", "OPT", "best_overall" };

    if (!text) {
        fprintf(stderr, "bench: %s: %s\n", path, why);
        return -1;
    }
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f, *s2 = NULL;
        int c = 0;
        ref_row r = { { 0 }, -1, -1, -1 };

        for (f = strtok_r(line, "\t\r", &s2); f; f = strtok_r(NULL, "\t\r", &s2), c++) {
            if (hdr) {
                for (int k = 0; k < 4; k++)
                    if (strcmp(f, want[k]) == 0)
                        col[k] = c;
                continue;
            }
            if (c == col[0])
                snprintf(r.name, sizeof(r.name), "%s", f);
            else if (c == col[1])
                r.lb = strtol(f, NULL, 10);
            else if (c == col[2])
                r.opt = strtol(f, NULL, 10);
            else if (c == col[3])
                r.best = strtol(f, NULL, 10);
        }
        if (hdr) {
            hdr = 0;
            if (col[0] < 0 || col[1] < 0 || col[2] < 0 || col[3] < 0) {
                fprintf(stderr, "bench: %s: no instance_name, LB, OPT, best_overall columns\n",
                        path);
                free(text);
                return -1;
            }
            continue;
        }
        if (!r.name[0])
            continue;
        if (n_refs % 1024 == 0) {
            ref_row *nr = realloc(refs, (n_refs + 1024) * sizeof(*refs));

            if (!nr) {
                free(text);
                return -1;
            }
            refs = nr;
        }
        refs[n_refs++] = r;
    }
    free(text);
    return 0;
}

static const ref_row *find_ref(const char *name)
{
    for (size_t i = 0; i < n_refs; i++)
        if (strcmp(refs[i].name, name) == 0)
            return &refs[i];
    return NULL;
}

typedef struct file_sum {
    unsigned files, bad, with_ref, worse, worse2, better;
    unsigned worse_max;
    double gap_ref, gap_peer, gap_lb;
} file_sum;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int pack_file(const char *path, uint32_t effort, file_sum *sum)
{
    const char *why = NULL, *base = strrchr(path, '/');
    char *text = slurp(path, &why), name[64];
    kc_pack_item *items = NULL;
    uint64_t cap[KC_PACK_DIM_MAX];
    unsigned nd = 0;
    long ni = -1;
    kc_pack *p = NULL;
    double ms;
    const ref_row *r;
    int r2;

    base = base ? base + 1 : path;
    snprintf(name, sizeof(name), "%s", base);
    if (strlen(name) > 4 && strcmp(name + strlen(name) - 4, ".vbp") == 0)
        name[strlen(name) - 4] = 0;
    if (text)
        ni = parse_vbp(text, &nd, cap, &items, &why);
    free(text);
    if (ni < 0) {
        printf("%-24s skipped: %s\n", name, why);
        sum->bad++;
        return 3;
    }
    r2 = solve_one(cap, nd, items, (size_t)ni, 0, effort, name, &p, &ms);
    if (r2 < 0) {
        free(items);
        sum->bad++;
        return r2 == -2 ? 3 : 5;
    }
    sum->files++;
    sum->gap_lb += 100.0 * (double)(p->hosts - p->lower_bound) / (double)p->lower_bound;
    printf("%-24s d %u types %6ld hosts %5llu bound %5llu %-7s %-10s%s %8.1f ms", name, nd, ni,
           (unsigned long long)p->hosts, (unsigned long long)p->lower_bound,
           kc_pack_bound_name(p->bound), kc_pack_heuristic_name(p->heuristic),
           p->proven_optimal ? " proven" : "       ", ms);
    r = find_ref(name);
    if (r && r->best > 0 && (r->opt > 0 || r->lb > 0)) {
        long ref = r->opt > 0 ? r->opt : r->lb, h = (long)p->hosts;

        sum->with_ref++;
        sum->gap_ref += 100.0 * (double)(h - ref) / (double)ref;
        sum->gap_peer += 100.0 * (double)(r->best - ref) / (double)ref;
        sum->worse += h > r->best;
        sum->worse2 += h > r->best + 1;
        sum->better += h < r->best;
        if (h > r->best && (unsigned)(h - r->best) > sum->worse_max)
            sum->worse_max = (unsigned)(h - r->best);
        printf("  %s %ld best-peer %ld", r->opt > 0 ? "opt" : "lb", ref, r->best);
        if (h != r->best)
            printf(" (%+ld)", h - r->best);
    }
    putchar('\n');
    kc_pack_free(p);
    free(items);
    return 0;
}

int kc_vbp_file_main(int n_paths, char **paths, const char *ref_path, uint32_t effort)
{
    file_sum sum = { 0 };
    int rc = 0, r;

    if (ref_path && load_refs(ref_path) < 0)
        return 3;
    for (int i = 0; i < n_paths; i++) {
        DIR *dir = opendir(paths[i]);
        char **names = NULL;
        size_t nn = 0, cap_n = 0;
        struct dirent *de;

        if (!dir) {
            r = pack_file(paths[i], effort, &sum);
            rc = r > rc ? r : rc;
            continue;
        }
        while ((de = readdir(dir)) != NULL) {
            size_t len = strlen(de->d_name);

            if (len < 5 || strcmp(de->d_name + len - 4, ".vbp") != 0)
                continue;
            if (nn == cap_n) {
                char **nw = realloc(names, (cap_n = cap_n ? cap_n * 2 : 256) * sizeof(*names));

                if (!nw)
                    break;
                names = nw;
            }
            names[nn] = malloc(strlen(paths[i]) + len + 2);
            if (!names[nn])
                break;
            snprintf(names[nn], strlen(paths[i]) + len + 2, "%s/%s", paths[i], de->d_name);
            nn++;
        }
        closedir(dir);
        if (nn)
            qsort(names, nn, sizeof(*names), cmp_str);
        for (size_t k = 0; k < nn; k++) {
            r = pack_file(names[k], effort, &sum);
            rc = r > rc ? r : rc;
            free(names[k]);
        }
        free(names);
    }
    printf("\n%u packed, %u skipped; mean gap to kvmcap's bound %.2f %%\n", sum.files, sum.bad,
           sum.files ? sum.gap_lb / sum.files : 0.0);
    if (sum.with_ref)
        printf("against the table (%u instances): mean gap to OPT (LB where no OPT) kvmcap "
               "%.2f %%, best peer %.2f %%; kvmcap worse than the best peer on %u (by 2+ on "
               "%u, at most %u), better on %u\n", sum.with_ref, sum.gap_ref / sum.with_ref,
               sum.gap_peer / sum.with_ref, sum.worse, sum.worse2, sum.worse_max, sum.better);
    free(refs);
    refs = NULL;
    n_refs = 0;
    return rc;
}

int kc_vbp_sets_write(const char *dir, unsigned seeds)
{
    static kc_pack_item items[SET_N_MAX];
    static const char tri[3] = { 'C', 'F', 'M' };

    for (unsigned st = 0; st < KC_VBP_SET_LAST; st++)
        for (unsigned k = 1; k <= set_classes[st]; k++)
            for (unsigned z = 0; z < N_SIZES && set_sizes[st][z]; z++)
                for (unsigned dd = 0; dd < 2; dd++)
                    for (unsigned sd = 1; sd <= seeds; sd++) {
                        unsigned n = set_sizes[st][z], nd = set_dims[dd];
                        uint64_t cap[KC_PACK_DIM_MAX];
                        size_t ni = kc_vbp_set_generate((kc_vbp_set)st, k, n, nd, sd, cap,
                                                        items);
                        char path[512];
                        FILE *f;

                        if (st == KC_VBP_TRIPLET)
                            snprintf(path, sizeof(path), "%s/%s_class%c_%u_%u_%u.vbp", dir,
                                     set_names[st], tri[k - 1], n, nd, sd - 1);
                        else
                            snprintf(path, sizeof(path), "%s/%s_class%u_%u_%u_%u.vbp", dir,
                                     set_names[st], k, n, nd, sd - 1);
                        f = fopen(path, "w");
                        if (!f) {
                            perror(path);
                            return 4;
                        }
                        fprintf(f, "%u\n", nd);
                        for (unsigned d = 0; d < nd; d++)
                            fprintf(f, "%llu%c", (unsigned long long)cap[d],
                                    d + 1 < nd ? ' ' : '\n');
                        fprintf(f, "%zu\n", ni);
                        for (size_t i = 0; i < ni; i++) {
                            for (unsigned d = 0; d < nd; d++)
                                fprintf(f, "%llu ", (unsigned long long)items[i].demand[d]);
                            fprintf(f, "%llu\n", (unsigned long long)items[i].count);
                        }
                        if (fclose(f) != 0) {
                            perror(path);
                            return 4;
                        }
                    }
    return 0;
}
