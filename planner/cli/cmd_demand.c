/* SPDX-License-Identifier: MIT */
/* cmd_demand.c: kvmcap demand (per VM allocated vs observed use, host totals, overcommit
 * advice) and kvmcap rightsize (per VM recommendations, reclaimable totals). */
#include <getopt.h>
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

enum {
    OPT_SINCE = 256, OPT_UNTIL, OPT_PERCENTILE, OPT_HOSTNAME, OPT_MARGIN, OPT_JSON, OPT_FORMAT,
    OPT_TARGET, OPT_HEADROOM, OPT_MEM_FLOOR, OPT_IDLE_CPU, OPT_UNDERSIZED, OPT_STEAL,
};

static const struct option demand_options[] = {
    { "since", required_argument, NULL, OPT_SINCE },
    { "until", required_argument, NULL, OPT_UNTIL },
    { "percentile", required_argument, NULL, OPT_PERCENTILE },
    { "hostname", required_argument, NULL, OPT_HOSTNAME },
    { "margin", required_argument, NULL, OPT_MARGIN },
    { "json", no_argument, NULL, OPT_JSON },
    { "format", required_argument, NULL, OPT_FORMAT },
    { "target", required_argument, NULL, OPT_TARGET },
    { "headroom", required_argument, NULL, OPT_HEADROOM },
    { "mem-floor", required_argument, NULL, OPT_MEM_FLOOR },
    { "idle-cpu", required_argument, NULL, OPT_IDLE_CPU },
    { "undersized", required_argument, NULL, OPT_UNDERSIZED },
    { "steal", required_argument, NULL, OPT_STEAL },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

typedef struct demand_args {
    const char *file;
    kc_demand_opts opts;
    uint32_t margin_bp;
    kc_format format;
    kc_rightsize_opts rs;
} demand_args;

static int pct_opt(const char *opt, const char *v, uint32_t max, uint32_t *out, kc_error *err)
{
    if (kc_spec_parse_percent_bp(v, max, out, err) < 0)
        return kc_cli_opt_error(err, opt);
    return 0;
}

/* Parse the options of demand (@rightsize false) or rightsize. Returns 0 to go on, 1 after
 * --help, -1 with a usage error. */
static int parse(int argc, char **argv, bool rightsize, demand_args *a, kc_error *err)
{
    const char *format = NULL;
    bool json = false;
    int c;

    memset(a, 0, sizeof(*a));
    a->opts.p_bp = 9500;
    a->margin_bp = 2000;
    kc_rightsize_opts_init(&a->rs);
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", demand_options, NULL)) != -1) {
        uint64_t v;

        if (!rightsize && c >= OPT_TARGET && c <= OPT_STEAL) {
            const char *name = "?";

            for (const struct option *op = demand_options; op->name; op++)
                if (op->val == c)
                    name = op->name;
            return kc_cli_usage_error(err, "--%s is for 'kvmcap rightsize'", name);
        }
        if (rightsize && c == OPT_MARGIN)
            return kc_cli_usage_error(err, "--margin is for 'kvmcap demand'");
        switch (c) {
        case OPT_SINCE:
            if (kc_cmd_parse_time_ns("--since", optarg, &a->opts.since_ns, err) < 0)
                return -1;
            break;
        case OPT_UNTIL:
            if (kc_cmd_parse_time_ns("--until", optarg, &a->opts.until_ns, err) < 0)
                return -1;
            break;
        case OPT_PERCENTILE:
            if (pct_opt("--percentile", optarg, KC_BP_ONE, &a->opts.p_bp, err) < 0)
                return -1;
            break;
        case OPT_HOSTNAME: a->opts.hostname = optarg; break;
        case OPT_MARGIN:
            if (pct_opt("--margin", optarg, 9900, &a->margin_bp, err) < 0)
                return -1;
            break;
        case OPT_JSON: json = true; break;
        case OPT_FORMAT: format = optarg; break;
        case OPT_TARGET:
            if (pct_opt("--target", optarg, KC_BP_ONE, &a->rs.target_bp, err) < 0)
                return -1;
            if (!a->rs.target_bp)
                return kc_cli_usage_error(err, "--target: '%s' must be above 0", optarg);
            break;
        case OPT_HEADROOM:
            if (pct_opt("--headroom", optarg, 1000000, &a->rs.headroom_bp, err) < 0)
                return -1;
            break;
        case OPT_MEM_FLOOR:
            if (kc_spec_parse_size_mib(optarg, true, true, &a->rs.mem_floor_mib, err) < 0)
                return kc_cli_opt_error(err, "--mem-floor");
            break;
        case OPT_IDLE_CPU:
            /* cores with up to 4 decimals, in bp of a core (ratio parser: thousandths) */
            if (kc_spec_parse_ratio_milli(optarg, &a->rs.idle_cpu_bp, err) < 0)
                return kc_cli_opt_error(err, "--idle-cpu");
            v = (uint64_t)a->rs.idle_cpu_bp * 10;
            a->rs.idle_cpu_bp = v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
            break;
        case OPT_UNDERSIZED:
            if (pct_opt("--undersized", optarg, KC_BP_ONE, &a->rs.undersized_bp, err) < 0)
                return -1;
            break;
        case OPT_STEAL:
            if (pct_opt("--steal", optarg, KC_BP_ONE, &a->rs.steal_bp, err) < 0)
                return -1;
            break;
        case 'h':
            fputs(rightsize ? kc_help_rightsize : help_demand, stdout);
            return 1;
        case ':':
            return kc_cli_usage_error(err, "option '%s' needs a value", argv[optind - 1]);
        default:
            if (optopt && optopt < 256 && optopt > ' ' && optopt < 0x7f)
                return kc_cli_usage_error(err, "unknown option '-%c'", optopt);
            return kc_cli_usage_error(err, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind == argc)
        return kc_cli_usage_error(err, "%s needs a recording FILE",
                                  rightsize ? "rightsize" : "demand");
    if (argc - optind > 1)
        return kc_cli_usage_error(err, "unexpected argument '%s'", argv[optind + 1]);
    a->file = argv[optind];
    if (a->opts.until_ns && a->opts.since_ns > a->opts.until_ns)
        return kc_cli_usage_error(err, "--since is after --until");
    {
        kc_cli o;

        memset(&o, 0, sizeof(o));
        o.command = rightsize ? "rightsize" : "demand";
        o.format = format;
        o.json = json;
        if (kc_cli_format(&o, KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON) |
                          KC_FORMAT_BIT(KC_FORMAT_CSV), &a->format, err) < 0)
            return -1;
    }
    return 0;
}

int kc_cmd_demand_run(int argc, char **argv, bool rightsize)
{
    demand_args a;
    kc_demand_host h;
    kc_demand_advice adv;
    kc_demand_meta meta;
    kc_vm_rightsize *rs = NULL;
    kc_error err = { 0 };
    int r = parse(argc, argv, rightsize, &a, &err), status;

    if (r > 0)
        return kc_cli_finish_stdout();
    if (r < 0)
        return kc_cli_fail(&err);
    if (kc_demand_load(a.file, &a.opts, &h, &err) < 0)
        return kc_cli_fail(&err);
    kc_demand_advise(&h, a.margin_bp, 512, &adv);
    meta.file = a.file;
    meta.p_bp = a.opts.p_bp;
    meta.advice = &adv;
    if (rightsize) {
        rs = calloc(h.n_vms ? h.n_vms : 1, sizeof(*rs));
        if (!rs) {
            fputs("kvmcap: out of memory\n", stderr);
            abort();
        }
        for (size_t i = 0; i < h.n_vms; i++)
            kc_rightsize_vm(&h.vms[i].st, &a.rs, &rs[i]);
    }
    if (a.format == KC_FORMAT_JSON) {
        char *text = rightsize ? kc_report_rightsize_json(&h, rs, &meta)
                               : kc_report_demand_json(&h, &meta);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else if (a.format == KC_FORMAT_CSV) {
        if (rightsize)
            kc_report_rightsize_csv(stdout, &h, rs);
        else
            kc_report_demand_csv(stdout, &h, &meta);
    } else if (rightsize) {
        kc_report_rightsize_text(stdout, &h, rs, &meta);
    } else {
        kc_report_demand_text(stdout, &h, &meta);
    }
    status = kc_cli_finish_stdout();
    free(rs);
    kc_demand_host_clear(&h);
    return status;
}

int kc_cmd_demand_main(int argc, char **argv)
{
    return kc_cmd_demand_run(argc, argv, false);
}

kc_cmd_main_fn kc_cmd_demand_lookup(const char *name)
{
    if (strcmp(name, "record") == 0)
        return kc_cmd_record_main;
    if (strcmp(name, "demand") == 0)
        return kc_cmd_demand_main;
    if (strcmp(name, "rightsize") == 0)
        return kc_cmd_rightsize_main;
    return NULL;
}
