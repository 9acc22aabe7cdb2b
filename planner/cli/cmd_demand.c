/* SPDX-License-Identifier: MIT */
/* cmd_demand.c: kvmcap demand (per VM allocated vs observed use, host totals, overcommit
 * advice) and kvmcap rightsize (per VM recommendations, reclaimable totals). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cmd_demand.h"
#include "demand/demand.h"
#include "input/spec.h"
#include "report/report_demand.h"
#include "util/util.h"

static const char help_demand[] =
    "Usage: kvmcap demand FILE [--since T] [--until T] [--percentile P] [--hostname H]\n"
    "                          [--margin PCT] [--json | --format table|json|csv]\n"
    "       kvmcap demand --prometheus URL [--since T] [--until T] [--step D]\n"
    "                          [--match SELECTOR] [--instance HOST:PORT] [...]\n"
    "\n"
    "What the VMs of a recorded host used (a recording of 'kvmcap record'), beside what\n"
    "they were given: per VM CPU in cores (p50, the percentile, max), steal (time its\n"
    "vCPUs waited for a host CPU), resident memory (QEMU's RSS, the most the host held),\n"
    "network, IOPS and disk throughput at the percentile; the host's demand as the sum\n"
    "over its VMs at each sample, then the percentile (peaks of VMs do not coincide);\n"
    "and the largest CPU ratio and memory overcommit at which the observed peak would\n"
    "still have fitted this host with a margin. With --prometheus, the same for every\n"
    "host the server's libvirt exporter series name (doc/prometheus.md: memory is the\n"
    "balloon's size, the exporter has no RSS; no steal).\n"
    "\n"
    "      --since T, --until T  the window: 2026-12-03T08:00:00Z (UTC), @EPOCH_SECONDS or\n"
    "                         a duration before now (30d, 12h) (default: the whole\n"
    "                         recording; for Prometheus the 30 days before now)\n"
    "      --percentile P     default 95 (nearest rank, see doc/recording.md)\n"
    "      --hostname H       which host of a file that holds several (hostname or URI),\n"
    "                         or of Prometheus (the instance label without its port)\n"
    "      --margin PCT       spare capacity kept by the advice (default 20)\n"
    "      --json             the versioned JSON report; --format csv: one row per VM\n"
    "  Prometheus:\n"
    "      --prometheus URL   the server (http:// or https://, a path prefix allowed)\n"
    "      --step D           the distance between samples (default 5m)\n"
    "      --match SELECTOR   the libvirt exporter's series: 'job=\"libvirt\"'\n"
    "      --instance HOST:PORT  one libvirt exporter only\n"
    "      --timeout S        one deadline for the whole read (default 10)\n"
    "      --user NAME --password-file FILE, --bearer-token-file FILE, --cacert FILE\n"
    "                         basic auth, a bearer token, a CA bundle (never a secret on\n"
    "                         the command line)\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 FILE is not a kvmcap recording or is damaged (or no\n"
    "host in the Prometheus window), 4 I/O (the server is down, slow or answers garbage).\n";

int kc_cmd_parse_time_ns(const char *opt, const char *text, uint64_t *ns, kc_error *err)
{
    struct tm tm;
    const char *p;
    int64_t days;
    int y, mo, d, h, mi, s;
    char sep, z = 0, extra;

    if (text[0] == '@') {
        uint64_t v;

        if (kc_spec_parse_uint(text + 1, 253402300799ull, &v, err) < 0)
            goto bad;
        *ns = v * 1000000000ull;
        return 0;
    }
    memset(&tm, 0, sizeof(tm));
    if (sscanf(text, "%4d-%2d-%2d%c%2d:%2d:%2d%c%c", &y, &mo, &d, &sep, &h, &mi, &s, &z,
               &extra) < 7 || (sep != 'T' && sep != ' ') || (z && z != 'Z') ||
        (z == 'Z' && strlen(strchr(text, 'Z')) != 1))
        goto bad;
    for (p = text; *p; p++)
        if ((unsigned char)*p < 0x20)
            goto bad;
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 ||
        h < 0 || mi < 0 || s < 0)
        goto bad;
    /* days since the epoch, proleptic Gregorian (Howard Hinnant's days_from_civil) */
    {
        int yy = mo <= 2 ? y - 1 : y;
        int64_t era = yy / 400;
        int64_t yoe = yy - era * 400;
        int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

        days = era * 146097 + doe - 719468;
    }
    {
        int64_t secs = days * 86400 + (int64_t)h * 3600 + (int64_t)mi * 60 + (int64_t)s;

        *ns = (uint64_t)secs * 1000000000ull;
    }
    return 0;
 bad:
    return kc_cli_usage_error(err, "%s: '%s' is not a time (use 2026-12-03T08:00:00Z or "
                              "@EPOCH_SECONDS)", opt, text);
}

void kc_help_demand(FILE *out)
{
    fputs(help_demand, out);
}

/* One host's report; @json_out gets the JSON text (the caller prints or gathers it). */
static void demand_write(const kc_cli *cli, bool rightsize, kc_format format,
                         const kc_demand_host *h, kc_demand_meta *meta, char **json_out)
{
    kc_demand_advice adv;
    kc_vm_rightsize *rs = NULL;

    kc_demand_advise(h, cli->margin_bp, 512, &adv);
    meta->advice = &adv;
    if (rightsize) {
        rs = kc_xcalloc(h->n_vms ? h->n_vms : 1, sizeof(*rs));
        for (size_t i = 0; i < h->n_vms; i++)
            kc_rightsize_vm(&h->vms[i].st, &cli->rs, &rs[i]);
    }
    if (format == KC_FORMAT_JSON)
        *json_out = rightsize ? kc_report_rightsize_json(h, rs, meta)
                              : kc_report_demand_json(h, meta);
    else if (format == KC_FORMAT_CSV && rightsize)
        kc_report_rightsize_csv(stdout, h, rs, meta);
    else if (format == KC_FORMAT_CSV)
        kc_report_demand_csv(stdout, h, meta);
    else if (rightsize)
        kc_report_rightsize_text(stdout, h, rs, meta);
    else
        kc_report_demand_text(stdout, h, meta);
    meta->advice = NULL;
    free(rs);
}

/* Every host of --prometheus, read before anything is written (a server that fails half
 * way leaves no partial report): text one report per host, JSON one document of all,
 * CSV one table with a host column. */
static int demand_prom_run(const kc_cli *cli, bool rightsize, kc_format format, kc_error *err)
{
    kc_prom_hosts ph;
    kc_demand_meta meta = { .file = cli->prometheus, .p_bp = cli->p_bp,
                            .csv_host_column = true };
    char **docs;

    if (kc_cmd_prom_load(cli, false, &ph, err) < 0)
        return -1;
    docs = kc_xcalloc(ph.n, sizeof(*docs));
    for (size_t i = 0; i < ph.n; i++) {
        if (i && format == KC_FORMAT_TABLE)
            fputc('\n', stdout);
        meta.csv_header = i == 0;
        demand_write(cli, rightsize, format, &ph.h[i], &meta, &docs[i]);
    }
    if (format == KC_FORMAT_JSON) {
        char *text = kc_report_demand_hosts_json(rightsize ? "rightsize" : "demand",
                                                 cli->prometheus, docs, ph.n);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    }
    free(docs);
    kc_cmd_prom_hosts_clear(&ph);
    return 0;
}

int kc_cmd_demand_run(const kc_cli *cli, bool rightsize, kc_error *err)
{
    kc_demand_opts opts = { .since_ns = cli->since_ns, .until_ns = cli->until_ns,
                            .p_bp = cli->p_bp, .hostname = cli->hostname };
    kc_demand_host h;
    kc_demand_meta meta = { .file = cli->recording, .p_bp = cli->p_bp };
    kc_format format;
    char *text = NULL;

    if (kc_cli_format(cli, KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON) |
                      KC_FORMAT_BIT(KC_FORMAT_CSV), &format, err) < 0)
        return -1;
    if (cli->prometheus)
        return demand_prom_run(cli, rightsize, format, err);
    if (kc_demand_load(cli->recording, &opts, &h, err) < 0)
        return -1;
    demand_write(cli, rightsize, format, &h, &meta, &text);
    if (text) {
        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    }
    kc_demand_host_clear(&h);
    return 0;
}

int kc_cmd_demand(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    (void)cat;
    return kc_cmd_demand_run(cli, false, err);
}
