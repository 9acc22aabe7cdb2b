/* SPDX-License-Identifier: MIT */
/* report_size.c: the human sizing report: workload, candidates ranked, the recommendation. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "report/report.h"
#include "report/report_size.h"
#include "util/fmt.h"
#include "util/util.h"

static void names_of(char *buf, size_t size, uint32_t mask)
{
    buf[0] = '\0';
    for (int r = 0; r < KC_RES_LAST; r++) {
        if (!(mask & (1u << r)))
            continue;
        if (buf[0])
            strncat(buf, "+", size - strlen(buf) - 1);
        strncat(buf, kc_resource_name((kc_resource)r), size - strlen(buf) - 1);
    }
}

/* Cents as money with the same thousands separators as the totals: "1,234.50". */
static char *money(char *buf, size_t size, uint64_t cents)
{
    char whole[32];

    snprintf(buf, size, "%s.%02" PRIu64, kc_fmt_grouped(whole, sizeof(whole), cents / 100),
             cents % 100);
    return buf;
}

size_t kc_report_size_warnings(const kc_sizing *s, const kc_size_opts *opts,
                               char (*out)[256], size_t max)
{
    size_t n = 0;

    if (opts->policy.numa == KC_NUMA_STRICT && n < max)
        snprintf(out[n++], sizeof(out[0]), "--numa strict: packed node by node, as the "
                 "host's smallest node");
    bool priced = false;

    for (size_t i = 0; i < s->n_results; i++)
        if (s->results[i].price && s->results[i].rank < KC_SIZE_RANK_INFEASIBLE)
            priced = true;
    /* a candidate without a price among priced ones cannot be compared on price: say where
     * it went (doc/model.md 7.4) */
    for (size_t i = 0; priced && i < s->n_results && n < max; i++) {
        const kc_size_result *r = &s->results[i];

        if (!r->price && r->rank < KC_SIZE_RANK_INFEASIBLE)
            snprintf(out[n++], sizeof(out[0]), "%s has no price: ranked after every priced "
                     "candidate, by host count (give price=)", r->name);
    }
    for (size_t i = 0; i < s->n_results && n < max; i++) {
        const kc_size_result *r = &s->results[i];
        char names[64];

        if (!r->unknown || r->rank >= KC_SIZE_RANK_INFEASIBLE)
            continue;
        names_of(names, sizeof(names), r->unknown);
        snprintf(out[n++], sizeof(out[0]), "%s: %s not planned (capacity unknown: give nic=, "
                 "disk=)", r->name, names);
    }
    return n;
}

/* Where the disks go on a packing that uses two or more pools (doc/model.md 7.6): each
 * pattern's VMs by pool, the pools in the host's order. */
static void print_pools(FILE *out, const kc_sizing *s, const kc_host *h,
                        const kc_size_result *r)
{
    if (kc_size_pools_used(r) < 2)
        return;
    fprintf(out, "  by pool, per %s:\n", r->bins_per_host > 1 ? "NUMA node" : "host");
    for (size_t t = 0; t < r->pool_pack->n_patterns; t++) {
        const kc_pack_pattern *pat = &r->pool_pack->patterns[t];
        const char *sep = "";

        fprintf(out, "  %" PRIu64 " x [", pat->hosts);
        for (size_t p = 0; p <= h->n_storage; p++) {
            size_t want = p < h->n_storage ? p : KC_SIZE_NO_POOL;
            bool named = false;

            for (size_t u = 0; u < pat->n_uses; u++) {
                size_t v = pat->uses[u].item;

                if (r->var_pool[v] != want)
                    continue;
                if (!named)
                    fprintf(out, "%s%s: ", sep, want == KC_SIZE_NO_POOL ? "no disk"
                                                : kc_term_str(h->storage[p].name));
                else
                    fputs(", ", out);
                fprintf(out, "%" PRIu64 " %s", pat->uses[u].count,
                        kc_term_str(s->lines[r->var_line[v]].name));
                named = true;
                sep = "; ";
            }
        }
        fputs("]\n", out);
    }
}

void kc_report_size_text(FILE *out, const kc_size_report *rep)
{
    const kc_sizing *s = rep->sizing;
    const kc_size_opts *opts = rep->opts;
    char warnings[16][256];
    size_t n_warnings = kc_report_size_warnings(s, opts, warnings, 16);

    char a[32], b[32], c[32];
    const kc_size_result *best = s->recommended && s->n_results ? &s->results[0] : NULL;

    fprintf(out, "workload  %s %s in %zu shape%s", kc_fmt_grouped(a, sizeof(a), s->total_vms),
            kc_plural(s->total_vms, "VM", "VMs"), s->n_lines, kc_s(s->n_lines));
    if (opts->growth_bp)
        fprintf(out, " (after %s %% growth)", kc_fmt_bp(b, sizeof(b), opts->growth_bp));
    fprintf(out, ", %u host failure%s tolerated\n", opts->ha, kc_s(opts->ha));
    for (size_t i = 0; i < s->n_lines; i++) {
        const char *name = kc_term_str(s->lines[i].name);

        if (strlen(name) > 28) {    /* a long name gets a line of its own: the counts align */
            fprintf(out, "  %s\n", name);
            name = "";
        }
        fprintf(out, "  %-28s %10s -> %s\n", name,
                kc_fmt_grouped(a, sizeof(a), s->lines[i].requested),
                kc_fmt_grouped(b, sizeof(b), s->lines[i].count));
    }
    fprintf(out, "policy    overcommit %s %%, cpu ratio %s, max util %s %%\n\n",
            kc_fmt_bp(a, sizeof(a), opts->policy.overcommit_bp),
            kc_fmt_milli(b, sizeof(b), opts->policy.cpu_ratio_milli),
            kc_fmt_bp(c, sizeof(c), opts->policy.max_util_bp));

    int w = 9;

    for (size_t i = 0; i < s->n_results; i++)
        if ((int)strlen(s->results[i].name) > w)
            w = (int)strlen(s->results[i].name);
    w = w > 24 ? 24 : w;    /* a longer name gets a line of its own: the table stays in 80 */
    fprintf(out, "%-*s %5s %6s %5s %10s %8s  %s\n", w, "candidate", "hosts", "packed", "bound",
            "price", "per VM", "bottleneck");
    for (size_t i = 0; i < s->n_results; i++) {
        const kc_size_result *r = &s->results[i];
        char names[64], price[32], per_vm[32];
        uint32_t top = 0;

        const char *name = kc_term_str(r->name);    /* names come from files */

        if ((int)strlen(name) > w) {
            fprintf(out, "%s\n", name);
            name = "";
        }
        if (r->rank == KC_SIZE_RANK_INFEASIBLE) {
            fprintf(out, "%-*s %5s  '%s' does not fit (%s)\n", w, name, "-",
                    kc_term_str(s->lines[r->misfit_line].name), kc_resource_name(r->misfit_res));
            continue;
        }
        if (r->rank == KC_SIZE_RANK_ERROR) {
            fprintf(out, "%-*s %5s  %s\n", w, name, "-", r->error);
            continue;
        }
        for (int d = 0; d < KC_RES_LAST; d++)
            if ((r->bottleneck & (1u << d)) && r->util_bp[d] > top)
                top = r->util_bp[d];
        names_of(names, sizeof(names), r->bottleneck);
        if (r->price) {
            kc_fmt_grouped(price, sizeof(price), r->price_total);
            money(per_vm, sizeof(per_vm), r->price_per_vm_cents);
        } else {
            snprintf(price, sizeof(price), "-");
            snprintf(per_vm, sizeof(per_vm), "-");
        }
        fprintf(out, "%-*s %5" PRIu64 " %6" PRIu64 " %5" PRIu64 " %10s %8s  %s %s %%%s\n",
                w, name, r->hosts, r->hosts_packed, r->lower_bound, price, per_vm, names,
                kc_fmt_fixed(a, sizeof(a), top, 100, 2, KC_ROUND_NEAREST),    /* exact bp */
                r->proven_optimal ? "" : "  *");
    }
    fputs("\n'packed' hosts hold the workload, 'hosts' adds the spares; 'bound': no packing\n"
          "needs fewer; '*': not proven optimal (the gap is packed - bound); bottleneck:\n"
          "the resource with the highest utilization over the packed hosts, as a share\n"
          "of what may be planned (after reserve, overcommit and --max-util).\n", out);
    if (n_warnings)
        fputc('\n', out);
    for (size_t i = 0; i < n_warnings; i++) {
        char line[300];

        snprintf(line, sizeof(line), "warning: %s", kc_term_str(warnings[i]));
        kc_report_print_wrapped(out, line, 0);
    }
    if (!best) {
        fputs("No candidate holds the workload.\n", out);
        return;
    }
    fprintf(out, "\nRecommended: %s\n  %" PRIu64 " host%s", kc_term_str(best->name), best->hosts,
            kc_s(best->hosts));
    if (best->price)
        fprintf(out, " for %s (%s per VM)", kc_fmt_grouped(a, sizeof(a), best->price_total),
                money(b, sizeof(b), best->price_per_vm_cents));
    {
        char names[64];

        names_of(names, sizeof(names), best->bottleneck);
        fprintf(out, ": %s; %s limits it.\n",
                best->price ? "the cheapest total" : "the fewest hosts (no prices given)", names);
    }
    for (size_t p = 0; best->pack && p < best->pack->n_patterns; p++) {
        const kc_pack_pattern *pat = &best->pack->patterns[p];
        bool first = true;

        fprintf(out, "  %" PRIu64 " x [", pat->hosts);
        for (size_t u = 0; u < pat->n_uses; u++) {
            fprintf(out, "%s%" PRIu64 " %s", first ? "" : ", ", pat->uses[u].count,
                    kc_term_str(s->lines[pat->uses[u].item].name));
            first = false;
        }
        fputs("]\n", out);
    }
    if (best->hosts > best->hosts_packed)
        fprintf(out, "  %" PRIu64 " x [spare]\n", best->hosts - best->hosts_packed);
    print_pools(out, s, &rep->cands[best->candidate].host, best);
}
