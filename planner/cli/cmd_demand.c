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

static const char help_demand[] =
    "Usage: kvmcap demand FILE [--since T] [--until T] [--percentile P] [--hostname H]\n"
    "                          [--margin PCT] [--json | --format table|json|csv]\n"
    "\n"
    "What the VMs of a recorded host used (a recording of 'kvmcap record'), beside what\n"
    "they were given: per VM CPU in cores (p50, the percentile, max), steal (time its\n"
    "vCPUs waited for a host CPU), resident memory (QEMU's RSS, the most the host held),\n"
    "network, IOPS and disk throughput at the percentile; the host's demand as the sum\n"
    "over its VMs at each sample, then the percentile (peaks of VMs do not coincide);\n"
    "and the largest CPU ratio and memory overcommit at which the observed peak would\n"
    "still have fitted this host with a margin.\n"
    "\n"
    "      --since T, --until T  the window: 2026-12-03T08:00:00Z (UTC) or @EPOCH_SECONDS\n"
    "                         (default: the whole recording)\n"
    "      --percentile P     default 95 (nearest rank, see doc/recording.md)\n"
    "      --hostname H       which host of a file that holds several (hostname or URI)\n"
    "      --margin PCT       spare capacity kept by the advice (default 20)\n"
    "      --json             the versioned JSON report; --format csv: one row per VM\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 FILE is not a kvmcap recording or is damaged, 4 I/O.\n";

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

int kc_cmd_demand_run(const kc_cli *cli, bool rightsize, kc_error *err)
{
    kc_demand_opts opts = { .since_ns = cli->since_ns, .until_ns = cli->until_ns,
                            .p_bp = cli->p_bp, .hostname = cli->hostname };
    kc_demand_host h;
    kc_demand_advice adv;
    kc_demand_meta meta;
    kc_vm_rightsize *rs = NULL;
    kc_format format;

    if (kc_cli_format(cli, KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON) |
                      KC_FORMAT_BIT(KC_FORMAT_CSV), &format, err) < 0)
        return -1;
    if (kc_demand_load(cli->recording, &opts, &h, err) < 0)
        return -1;
    kc_demand_advise(&h, cli->margin_bp, 512, &adv);
    meta.file = cli->recording;
    meta.p_bp = opts.p_bp;
    meta.advice = &adv;
    if (rightsize) {
        rs = calloc(h.n_vms ? h.n_vms : 1, sizeof(*rs));
        if (!rs) {
            fputs("kvmcap: out of memory\n", stderr);
            abort();
        }
        for (size_t i = 0; i < h.n_vms; i++)
            kc_rightsize_vm(&h.vms[i].st, &cli->rs, &rs[i]);
    }
    if (format == KC_FORMAT_JSON) {
        char *text = rightsize ? kc_report_rightsize_json(&h, rs, &meta)
                               : kc_report_demand_json(&h, &meta);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else if (format == KC_FORMAT_CSV) {
        if (rightsize)
            kc_report_rightsize_csv(stdout, &h, rs);
        else
            kc_report_demand_csv(stdout, &h, &meta);
    } else if (rightsize) {
        kc_report_rightsize_text(stdout, &h, rs, &meta);
    } else {
        kc_report_demand_text(stdout, &h, &meta);
    }
    free(rs);
    kc_demand_host_clear(&h);
    return 0;
}

int kc_cmd_demand(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    (void)cat;
    return kc_cmd_demand_run(cli, false, err);
}
