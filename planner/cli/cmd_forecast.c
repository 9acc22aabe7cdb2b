/* SPDX-License-Identifier: MIT */
/* cmd_forecast.c: kvmcap forecast: per resource of a host (or of the fleet), how long until
 * its demand's trend crosses the usable capacity, from a recording or Prometheus. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_demand.h"
#include "cli/policy.h"
#include "demand/forecast.h"
#include "report/report_forecast.h"
#include "util/util.h"

static const char help_forecast[] =
    "Usage: kvmcap forecast FILE [--since T] [--until T] [--hostname H]\n"
    "       kvmcap forecast --prometheus URL [--since T] [--until T] [--step D]\n"
    "                       [--match SELECTOR] [--instance HOST:PORT] [--ha N]\n"
    "                       [--reserve SIZE] [--reserve-cpus N] [--max-util PCT]\n"
    "                       [--min-days N] [--horizon DAYS] [--json | --format F]\n"
    "\n"
    "How long until each resource of a host runs out, from the demand history of a\n"
    "recording ('kvmcap record' over days) or of Prometheus: the host's summed demand\n"
    "(the VMs' resident memory, their CPU) is reduced to one peak per UTC day, a\n"
    "least-squares line through the peaks is extended until it crosses the usable\n"
    "capacity, and the conservative figure is where the line's 95 % prediction band\n"
    "crosses it (doc/forecast.md). Usable is physical, as in the demand model:\n"
    "(memory - reserve) x max util, (CPUs - reserved) x max util. A flat or falling\n"
    "trend is \"not within the horizon\"; fewer days than --min-days is \"not enough\n"
    "history\". With several Prometheus hosts of a known size, the fleet too: their\n"
    "sums against their capacity with the --ha N largest hosts kept spare.\n"
    "\n"
    "      --since T, --until T  the window (as for 'kvmcap demand'; default: the whole\n"
    "                         recording, for Prometheus the 30 days before now)\n"
    "      --hostname H       which host of a file or of Prometheus\n"
    "      --reserve SIZE     memory kept by the hypervisor (default 512m)\n"
    "      --reserve-cpus N   logical CPUs kept by the host (default 0)\n"
    "      --max-util PCT     plan no resource above this share (default 100)\n"
    "      --ha N             the fleet keeps its N largest hosts spare (default 0)\n"
    "      --min-days N       fewer days of history give no forecast (default 7, >= 3)\n"
    "      --horizon DAYS     look this far ahead (default 365)\n"
    "      --json             the versioned JSON report; --format csv: a row per resource\n"
    "  Prometheus: --prometheus URL, --step D, --match SELECTOR, --instance HOST:PORT,\n"
    "  --timeout S and the credentials as for 'kvmcap demand'.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 FILE is not a kvmcap recording or is damaged (or no\n"
    "host in the Prometheus window), 4 I/O (the server is down, slow or answers garbage).\n";

void kc_help_forecast(FILE *out)
{
    fputs(help_forecast, out);
}

int kc_cmd_forecast(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    kc_forecast_opts fo;
    kc_forecast_meta meta;
    kc_prom_hosts ph = { 0 };
    kc_forecast_host *fc = NULL;
    kc_policy policy;
    kc_existing existing;
    const char *profile;
    kc_format format;
    size_t n = 0;
    int ret = -1;

    if (kc_cli_format(cli, KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON) |
                      KC_FORMAT_BIT(KC_FORMAT_CSV), &format, err) < 0 ||
        kc_cli_build_policy(cli, cat, &policy, &profile, &existing, err) < 0)
        return -1;
    kc_forecast_opts_init(&fo);
    fo.reserve_mib = policy.reserve_mib;
    fo.reserve_cpus = policy.reserve_cpus;
    fo.max_util_bp = policy.max_util_bp;
    fo.ha_hosts = cli->ha_n;
    if (cli->min_days_n)
        fo.trend.min_days = cli->min_days_n;
    if (cli->horizon_n)
        fo.trend.horizon_days = cli->horizon_n;
    if (cli->prometheus) {
        if (kc_cmd_prom_load(cli, true, &ph, err) < 0)
            return -1;
    } else {
        kc_demand_opts opts = { .since_ns = cli->since_ns, .until_ns = cli->until_ns,
                                .p_bp = cli->p_bp, .hostname = cli->hostname,
                                .keep_series = true };

        if (cli->ha_n)
            return kc_cli_usage_error(err, "--ha is for a fleet: forecast --prometheus URL");
        ph.h = kc_xcalloc(1, sizeof(*ph.h));
        if (kc_demand_load(cli->recording, &opts, &ph.h[0], err) < 0) {
            free(ph.h);
            return -1;
        }
        ph.n = 1;
    }
    fc = kc_xcalloc(ph.n + 1, sizeof(*fc));
    for (n = 0; n < ph.n; n++)
        kc_forecast_host_run(&ph.h[n], &fo, &fc[n]);
    if (ph.n > 1) {
        if (kc_forecast_fleet_run(ph.h, ph.n, &fo, &fc[n], err) < 0) {
            /* hosts without a size make no fleet; --ha beyond them is a mistake */
            if (err->code == KC_ERR_USAGE || cli->ha_n)
                goto out;
            memset(err, 0, sizeof(*err));
        } else {
            n++;
        }
    } else if (cli->ha_n) {
        kc_cli_usage_error(err, "--ha %u: the window has one host", cli->ha_n);
        goto out;
    }
    meta.source = cli->prometheus ? "prometheus" : "recording";
    meta.origin = cli->prometheus ? cli->prometheus : cli->recording;
    meta.opts = &fo;
    if (format == KC_FORMAT_JSON) {
        char *text = kc_report_forecast_json(fc, n, &meta);

        fputs(text, stdout);
        fputc('\n', stdout);
        free(text);
    } else if (format == KC_FORMAT_CSV) {
        kc_report_forecast_csv(stdout, fc, n);
    } else {
        kc_report_forecast_text(stdout, fc, n, &meta);
    }
    ret = 0;
 out:
    for (size_t i = 0; i <= ph.n && fc; i++)
        kc_forecast_host_clear(&fc[i]);
    free(fc);
    kc_cmd_prom_hosts_clear(&ph);
    return ret;
}
