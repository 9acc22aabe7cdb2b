/* SPDX-License-Identifier: MIT */
/* report_csv.c: CSV reports (RFC 4180) of fit, size and fleet, for spreadsheets and
 * plotting. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pool.h"
#include "report/json_parts.h"
#include "report/report_csv.h"
#include "util/names.h"
#include "util/sanitize.h"

void kc_csv_field(FILE *out, const char *text)
{
    char *safe = kc_term_dup(text);    /* no control byte, no invalid UTF-8 in a cell */
    size_t n = strlen(safe);

    if (!strpbrk(safe, ",\"") && !(n && (safe[0] == ' ' || safe[n - 1] == ' '))) {
        fputs(safe, out);
        free(safe);
        return;
    }
    fputc('"', out);
    for (const char *p = safe; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    fputc('"', out);
    free(safe);
}

static void u64_field(FILE *out, uint64_t v)
{
    fprintf(out, "%llu", (unsigned long long)v);
}

/* Resource names of @mask joined by ';'. */
static void mask_field(FILE *out, uint32_t mask)
{
    bool first = true;

    for (int r = 0; r < KC_RES_LAST; r++) {
        if (!(mask & (1u << r)))
            continue;
        fprintf(out, "%s%s", first ? "" : ";", kc_resource_name((kc_resource)r));
        first = false;
    }
}

/* The columns every row of a shape starts with: host, vm, vcpus, mem_mib, count (how many
 * more), placed, bottleneck, too_big (no comma after the last). */
static void row_head(FILE *out, const char *host, const kc_fit_row *row)
{
    kc_csv_field(out, host);
    fputc(',', out);
    kc_csv_field(out, row->label);
    fprintf(out, ",%u,%llu,%llu,", row->shape.vcpus, (unsigned long long)row->shape.mem_mib,
            (unsigned long long)row->fit.count);
    if (row->has_count)
        u64_field(out, row->want);
    fputc(',', out);
    mask_field(out, row->fit.bottleneck);
    fputc(',', out);
    if (row->fit.too_big)
        fputs(kc_resource_name(row->fit.too_big_res), out);
}

/* On a host of several pools, a row per pool after a shape's resources (README "Model"):
 * resource "pool:NAME", unit VM, state bottleneck (it stops the count), bounded, boot or
 * other (pool= names another), and in limit the VMs it takes. */
static void pool_rows(FILE *out, const kc_fit_report *rep, const kc_fit_row *row,
                      const char *host)
{
    const kc_host *h = &rep->host;
    const kc_shape *s = &row->shape;
    kc_pool_fit pools[KC_STORAGE_MAX];

    if (h->n_storage < 2 || (!s->disk_mib && !s->iops && !s->mbps) ||
        kc_pool_fits(h, s, &rep->policy, pools, NULL) < 0)
        return;
    for (size_t i = 0; i < h->n_storage; i++) {
        const kc_pool_fit *p = &pools[i];
        char res[8 + KC_POOL_NAME_MAX];
        bool known = p->eligible && p->limit != UINT64_MAX;

        row_head(out, host, row);
        snprintf(res, sizeof(res), "pool:%s", h->storage[i].name);
        fputc(',', out);
        kc_csv_field(out, res);
        fprintf(out, ",VM,%s,,,,", kc_report_pool_is_bottleneck(p, &row->fit) ? "bottleneck"
                                   : known ? "bounded"
                                   : h->storage[i].boot && !p->eligible ? "boot" : "other");
        if (known)
            u64_field(out, p->limit);
        fputs(",\r\n", out);
    }
    {
        /* over-IP pools behind the same storage NICs: the shared cap once, as a row of its
         * own (each pool's row above holds the whole cap) */
        kc_pool_nic_share sh;

        if (kc_pool_nic_shared(h, s, &rep->policy, &sh, NULL) < 0 || sh.n_pools < 2 ||
            sh.limit == UINT64_MAX)
            return;
        row_head(out, host, row);
        fprintf(out, ",storage-nics,VM,%s,,,,",
                sh.limiting && row->fit.count == sh.limit ? "bottleneck" : "bounded");
        u64_field(out, sh.limit);
        fputs(",\r\n", out);
    }
}

void kc_report_fit_csv(FILE *out, const kc_fit_report *rep)
{
    const char *host = rep->facts->name[0] ? rep->facts->name : rep->facts->hostname;

    fputs("host,vm,vcpus,mem_mib,count,placed,bottleneck,too_big,resource,unit,state,"
          "capacity,used,per_vm,limit,fair_share\r\n", out);
    for (size_t i = 0; i < rep->n_rows; i++) {
        const kc_fit_row *row = &rep->rows[i];
        uint64_t n = rep->host.used.vms + row->fit.count;

        for (int r = 0; r < KC_RES_LAST; r++) {
            const kc_res_fit *rf = &row->fit.res[r];

            if (rf->state == KC_RES_ABSENT)
                continue;
            row_head(out, host, row);
            fprintf(out, ",%s,%s,%s,", kc_resource_name((kc_resource)r),
                    kc_resource_unit((kc_resource)r), KC_NAME(res_state, rf->state));
            if (rf->state != KC_RES_UNKNOWN) {
                u64_field(out, rf->capacity);
                fputc(',', out);
                u64_field(out, rf->used);
            } else {
                fputc(',', out);
            }
            fputc(',', out);
            if (rf->state == KC_RES_BOUNDED) {
                u64_field(out, rf->per_vm);
                fputc(',', out);
                u64_field(out, rf->limit);
                fputc(',', out);
            } else {
                fputs(",,", out);
                if (rf->state == KC_RES_UNBOUNDED && n)
                    u64_field(out, rf->capacity / n);
            }
            fputs("\r\n", out);
        }
        pool_rows(out, rep, row, host);
    }
}

void kc_report_size_csv(FILE *out, const kc_size_report *rep)
{
    const kc_sizing *s = rep->sizing;

    fputs("candidate,feasible,recommended,hosts,hosts_packed,lower_bound,price,price_total,"
          "price_per_vm,bottleneck", out);
    for (int r = 0; r < KC_RES_LAST; r++)
        fprintf(out, ",utilization_%s", kc_resource_name((kc_resource)r));
    fputs("\r\n", out);
    for (size_t i = 0; i < s->n_results; i++) {
        const kc_size_result *res = &s->results[i];
        bool ok = res->rank < KC_SIZE_RANK_INFEASIBLE;

        kc_csv_field(out, res->name);
        fprintf(out, ",%s,%s,", ok ? "true" : "false",
                s->recommended && i == 0 ? "true" : "false");
        if (ok)
            fprintf(out, "%llu,%llu,%llu", (unsigned long long)res->hosts,
                    (unsigned long long)res->hosts_packed, (unsigned long long)res->lower_bound);
        else
            fputs(",,", out);
        fputc(',', out);
        if (res->price)
            u64_field(out, res->price);
        fputc(',', out);
        if (res->price && ok)
            fprintf(out, "%llu,%llu.%02llu", (unsigned long long)res->price_total,
                    (unsigned long long)(res->price_per_vm_cents / 100),
                    (unsigned long long)(res->price_per_vm_cents % 100));
        else
            fputc(',', out);
        fputc(',', out);
        if (ok)
            mask_field(out, res->bottleneck);
        for (int r = 0; r < KC_RES_LAST; r++) {
            fputc(',', out);
            if (ok && (res->planned & (1u << r)))
                fprintf(out, "%u.%04u", res->util_bp[r] / KC_BP_ONE, res->util_bp[r] % KC_BP_ONE);
        }
        fputs("\r\n", out);
    }
}

void kc_report_fleet_csv(FILE *out, const kc_fleet_report *rep)
{
    const kc_fleet *fleet = rep->fleet;

    fputs("host,name,ok,error,host_cpus,host_mem_mib,existing_vms,vm,vcpus,mem_mib,count,"
          "placed,bottleneck,too_big\r\n", out);
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        const kc_fleet_host *h = &fleet->hosts[i];

        for (size_t s = 0; s < fleet->n_shapes || (s == 0 && fleet->n_shapes == 0); s++) {
            kc_csv_field(out, h->uri);
            fputc(',', out);
            if (h->ok) {
                const kc_facts *f = h->facts;

                kc_csv_field(out, f->name[0] ? f->name : f->hostname);
                fprintf(out, ",true,,%u,%llu,%llu,", h->host.cpus,
                        (unsigned long long)h->host.mem_mib,
                        (unsigned long long)h->host.used.vms);
            } else {
                fputs(",false,", out);
                kc_csv_field(out, h->err.msg);
                fputs(",,,,", out);
            }
            if (fleet->n_shapes == 0) {
                fputs(",,,,,,\r\n", out);
                continue;
            }
            kc_csv_field(out, fleet->labels[s]);
            fprintf(out, ",%u,%llu,", fleet->shapes[s].vcpus,
                    (unsigned long long)fleet->shapes[s].mem_mib);
            if (h->ok) {
                const kc_fit *fit = &h->fits[s];

                u64_field(out, fit->count);
                fputc(',', out);
                if (h->placed && fleet->counts && fleet->counts[s])
                    u64_field(out, h->placed[s]);
                fputc(',', out);
                mask_field(out, fit->bottleneck);
                fputc(',', out);
                if (fit->too_big)
                    fputs(kc_resource_name(fit->too_big_res), out);
            } else {
                fputs(",,,", out);
            }
            fputs("\r\n", out);
        }
    }
}
