/* SPDX-License-Identifier: MIT */
/* report_fleet.c: the human fleet report: one line per host, totals, placement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input/config.h"
#include "report/report.h"
#include "report/report_fleet.h"
#include "util/fmt.h"
#include "util/names.h"
#include "util/util.h"

/* "memory+cpu", or "too big: memory", or "-". */
static void why_text(char *buf, size_t size, const kc_fit *fit)
{
    size_t len = 0;

    buf[0] = '\0';
    if (fit->too_big) {
        snprintf(buf, size, "too big: %s", kc_resource_name(fit->too_big_res));
        return;
    }
    for (int r = 0; r < KC_RES_LAST && len + 1 < size; r++)
        if (fit->bottleneck & (1u << r)) {
            int n = snprintf(buf + len, size - len, "%s%s", len ? "+" : "",
                             kc_resource_name((kc_resource)r));

            if (n < 0)
                break;
            len += (size_t)n;
        }
    if (!buf[0])
        snprintf(buf, size, "-");
}

static void mask_text(char *buf, size_t size, uint32_t mask)
{
    size_t len = 0;

    buf[0] = '\0';
    for (int r = 0; r < KC_RES_LAST && len + 1 < size; r++)
        if (mask & (1u << r)) {
            int n = snprintf(buf + len, size - len, "%s%s", len ? ", " : "",
                             kc_resource_name((kc_resource)r));

            if (n < 0)
                break;
            len += (size_t)n;
        }
}

/* The table's host column: at most this wide, so that the table fits 80 columns with real
 * URIs (the URI itself is in JSON and CSV). */
#define HOST_COL_MAX 20

/* The authority of @uri without its user ("root@kvm1.example.com:16509" ->
 * "kvm1.example.com:16509"), "" for a local URI ("qemu:///system"). With @port false, the
 * host alone ("kvm1.example.com"). */
static void uri_host(const char *uri, bool port, char *out, size_t size)
{
    const char *p = strstr(uri, "://");
    size_t n;

    out[0] = '\0';
    if (!p)
        return;
    p += 3;
    n = strcspn(p, "/?");
    for (size_t i = n; i > 0; i--)    /* the user: up to the last '@' of the authority */
        if (p[i - 1] == '@') {
            p += i;
            n -= i;
            break;
        }
    if (port) {
        /* as it is */
    } else if (n > 0 && p[0] == '[') {       /* [IPv6]:port */
        const char *end = memchr(p, ']', n);

        if (end)
            n = (size_t)(end - p) + 1;
    } else {
        const char *colon = memchr(p, ':', n);

        if (colon)
            n = (size_t)(colon - p);
    }
    if (n >= size)
        n = size - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

/* A name for @uri at @level of detail: 0 the host's first DNS label ("kvm1"; an address
 * whole), 1 the whole host name, 2 with its port, 3 the URI. A local URI is itself when
 * short, else the last part of its path ("test:///.../r650.xml" -> "r650.xml"). At most
 * HOST_COL_MAX columns: a longer name keeps its start and its end ("qemu+ssh...1/system"). */
static void short_name(const char *uri, int level, char *out, size_t size)
{
    char host[256], name[256];
    size_t len;

    uri_host(uri, level >= 2, host, sizeof(host));
    if (level >= 3 || (!host[0] && strlen(uri) <= HOST_COL_MAX)) {
        kc_strlcpy(name, uri, sizeof(name));
    } else if (!host[0]) {
        const char *path = strstr(uri, ":///");
        const char *base = path ? path + 4 : uri;
        size_t n;

        for (const char *q = base; *q && *q != '?'; q++)
            if (*q == '/' && q[1] && q[1] != '?')
                base = q + 1;
        n = strcspn(base, "?");
        n = n < sizeof(name) - 1 ? n : sizeof(name) - 1;
        memcpy(name, base, n);
        name[n] = '\0';
    } else {
        bool address = strspn(host, "0123456789.") == strlen(host) || host[0] == '[';

        if (level == 0 && !address)
            host[strcspn(host, ".")] = '\0';
        kc_strlcpy(name, host, sizeof(name));
    }
    len = strlen(name);
    if (len > HOST_COL_MAX)    /* 8 + "..." + 9: the start and the end, and a cut said */
        snprintf(out, size, "%.8s...%s", name, name + len - (HOST_COL_MAX - 11));
    else
        kc_strlcpy(out, name, size);
}

/* Short, distinct names for the table: where two hosts would share one, both get more of
 * their URI. Caller frees. */
static char (*short_names(const kc_fleet *fleet))[HOST_COL_MAX + 1]
{
    char (*names)[HOST_COL_MAX + 1] = kc_xcalloc(fleet->n_hosts + 1, sizeof(*names));
    int *level = kc_xcalloc(fleet->n_hosts + 1, sizeof(*level));

    for (int round = 0; round < 4; round++) {
        bool again = false;

        for (size_t i = 0; i < fleet->n_hosts; i++)
            short_name(fleet->hosts[i].uri, level[i], names[i], sizeof(names[i]));
        for (size_t i = 0; i < fleet->n_hosts; i++)
            for (size_t j = i + 1; j < fleet->n_hosts; j++)
                if (strcmp(names[i], names[j]) == 0 && (level[i] < 3 || level[j] < 3)) {
                    level[i] = level[i] < 3 ? level[i] + 1 : 3;
                    level[j] = level[j] < 3 ? level[j] + 1 : 3;
                    again = true;
                }
        if (!again)
            break;
    }
    free(level);
    return names;
}

/* Print @text, each line wrapped at 79 columns, continuation lines indented by @indent. */
static void print_block(FILE *out, const char *text, size_t indent)
{
    char *copy = kc_xstrdup(text);

    for (char *line = strtok(copy, "\n"); line; line = strtok(NULL, "\n"))
        kc_report_print_wrapped(out, line, indent);
    free(copy);
}

static int col_width(const char *label)
{
    size_t n = strlen(label);

    return n < 6 ? 6 : n > 16 ? 16 : (int)n;
}

/* The placement: a line per counted shape, wrapped under itself. */
static void print_placement(FILE *out, const kc_fleet *fleet, char (*names)[HOST_COL_MAX + 1])
{
    char *buf = NULL;
    size_t buf_len = 0;
    FILE *mem = open_memstream(&buf, &buf_len);
    FILE *real = out;

    if (!mem)
        kc_oom();
    out = mem;
    for (size_t s = 0; s < fleet->place->n_shapes; s++) {
        const kc_place_shape *ps = &fleet->place->shapes[s];
        bool first = true;

        if (!fleet->counts[s])
            continue;     /* a shape without :COUNT is not placed */
        fprintf(out, "  %s: %llu of %llu placed", fleet->labels[s],
                (unsigned long long)ps->placed, (unsigned long long)ps->requested);
        for (size_t i = 0; i < fleet->n_hosts; i++) {
            const kc_fleet_host *h = &fleet->hosts[i];

            if (!h->ok || !h->placed || !h->placed[s])
                continue;
            fprintf(out, "%s%s %llu", first ? ": " : ", ", kc_term_str(names[i]),
                    (unsigned long long)h->placed[s]);
            first = false;
        }
        fputc('\n', out);
        if (ps->unplaced) {
            char full[128], big[128];

            mask_text(full, sizeof(full), ps->full);
            mask_text(big, sizeof(big), ps->too_big);
            fprintf(out, "    %llu fit nowhere:", (unsigned long long)ps->unplaced);
            if (fleet->n_ok == 0)
                fprintf(out, " no host answered");
            if (ps->full)
                fprintf(out, " %s full%s", full, ps->hosts_too_big ? ";" : "");
            if (ps->hosts_too_big)
                fprintf(out, " bigger than %zu host%s (%s)", ps->hosts_too_big,
                        kc_s(ps->hosts_too_big), big);
            fputc('\n', out);
        }
    }
    if (fclose(mem) != 0)
        kc_oom();
    fputs("\nplacement (largest shapes first, each on the hosts in the order given;\n"
          "the counts above are how many more fit after it, as in 'kvmcap fit')\n", real);
    print_block(real, buf, 4);
    free(buf);
}

void kc_report_fleet_text(FILE *out, const kc_fleet_report *meta)
{
    const kc_fleet *fleet = meta->fleet;
    const kc_policy *p = &fleet->policy;
    char a[16], b[16], c[16];
    char (*names)[HOST_COL_MAX + 1];
    size_t why_col;
    int uw = 4;

    fprintf(out, "fleet   %zu host%s: %zu answered, %zu failed (timeout %u s, %u at once)\n",
            fleet->n_hosts, kc_s(fleet->n_hosts), fleet->n_ok, fleet->n_failed,
            meta->timeout_s, meta->parallel);
    fprintf(out, "policy  overcommit %s %%, reserve %llu MiB, cpu ratio %s, max util %s %%%s%s\n",
            kc_fmt_bp(a, sizeof(a), p->overcommit_bp), (unsigned long long)p->reserve_mib,
            kc_fmt_milli(b, sizeof(b), p->cpu_ratio_milli),
            kc_fmt_bp(c, sizeof(c), p->max_util_bp), meta->profile ? ", profile " : "",
            meta->profile ? meta->profile : "");
    fprintf(out, "        %s networking, numa %s, existing %s",
            KC_NAME(net, p->net_mode),
            KC_NAME(numa, p->numa),
            KC_NAME(existing, fleet->existing));
    if (p->overhead_mode == KC_OVERHEAD_AUTO)
        fputs(", VM overhead auto", out);
    else if (p->overhead_mib)
        fprintf(out, ", VM overhead %llu MiB", (unsigned long long)p->overhead_mib);
    fputc('\n', out);
    if (meta->source) {
        char from[512];

        if (kc_config_source_line(from, sizeof(from), meta->source)[0])
            fprintf(out, "        %s\n", kc_term_str(from));
    }
    fputc('\n', out);
    names = short_names(fleet);
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        int n = (int)strlen(kc_term_str(names[i]));

        if (n > uw)
            uw = n;
    }
    fprintf(out, "%-*s %5s %10s %5s", uw, "host", "cpus", "mem MiB", "vms");
    for (size_t s = 0; s < fleet->n_shapes; s++)
        fprintf(out, " %*.*s", col_width(fleet->labels[s]), col_width(fleet->labels[s]),
                fleet->labels[s]);
    fprintf(out, "%s\n", fleet->n_shapes ? "  bottleneck" : "");
    why_col = (size_t)uw + 6 + 11 + 6 + 2;
    for (size_t s = 0; s < fleet->n_shapes; s++)
        why_col += 1 + (size_t)col_width(fleet->labels[s]);
    for (size_t i = 0; i < fleet->n_hosts; i++) {
        const kc_fleet_host *h = &fleet->hosts[i];
        size_t col = why_col - 2;    /* before the two spaces in front of the first */

        if (!h->ok) {
            /* the whole message is in JSON and CSV; here it wraps under itself */
            char line[1024];

            snprintf(line, sizeof(line), "%-*s  failed: %s", uw, kc_term_str(names[i]),
                     kc_term_str(h->err.msg));
            kc_report_print_wrapped(out, line, (size_t)uw + 2);
            continue;
        }
        fprintf(out, "%-*s %5u %10llu %5llu", uw, kc_term_str(names[i]), h->host.cpus,
                (unsigned long long)h->host.mem_mib, (unsigned long long)h->host.used.vms);
        for (size_t s = 0; s < fleet->n_shapes; s++)
            fprintf(out, " %*llu", col_width(fleet->labels[s]),
                    (unsigned long long)h->fits[s].count);
        for (size_t s = 0; s < fleet->n_shapes; s++) {
            char why[128];
            size_t len;

            why_text(why, sizeof(why), &h->fits[s]);
            len = strlen(why) + (s ? 3 : 2);
            if (s && col + len > 79) {    /* the rest under the column, not past 80 */
                fprintf(out, "\n%*s", (int)why_col, "");
                col = why_col;
                len = strlen(why);
                fputs(why, out);
            } else {
                fprintf(out, "%s%s", s ? " / " : "  ", why);
            }
            col += len;
        }
        fputc('\n', out);
    }
    for (size_t i = 0; i < fleet->n_hosts; i++)
        if (fleet->hosts[i].save_failed) {
            char line[1024];

            snprintf(line, sizeof(line), "%s  facts not saved: %s", kc_term_str(names[i]),
                     kc_term_str(fleet->hosts[i].save_err.msg));
            kc_report_print_wrapped(out, line, 4);
        }
    if (fleet->n_shapes) {
        fprintf(out, "%-*s %5s %10s %5s", uw, "total", "", "", "");
        for (size_t s = 0; s < fleet->n_shapes; s++)
            fprintf(out, " %*llu", col_width(fleet->labels[s]),
                    (unsigned long long)fleet->total[s]);
        fprintf(out, "  (%zu host%s answered)\n", fleet->n_ok, kc_s(fleet->n_ok));
    }
    if (fleet->place)
        print_placement(out, fleet, names);
    free(names);
}
