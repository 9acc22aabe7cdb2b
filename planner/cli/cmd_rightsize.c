/* SPDX-License-Identifier: MIT */
/* cmd_rightsize.c: kvmcap rightsize: per VM of a recorded host the vCPUs and memory it needs,
 * its flags (oversized, undersized, idle, off) and what could be reclaimed. The options,
 * window and output are those of kvmcap demand (cmd_demand.c); the rules are the core's
 * (stats.h). */
#include "cli/cmd_demand.h"

static const char help_rightsize[] =
    "Usage: kvmcap rightsize FILE [--since T] [--until T] [--percentile P] [--hostname H]\n"
    "                             [--target PCT] [--headroom PCT] [--mem-floor SIZE]\n"
    "                             [--idle-cpu CORES] [--undersized PCT] [--steal PCT]\n"
    "                             [--json | --format table|json|csv]\n"
    "\n"
    "Per VM of a recorded host, the vCPUs and memory it needs, and which VMs are\n"
    "oversized, undersized, idle or off, with the vCPUs and memory that could be\n"
    "reclaimed:\n"
    "  recommended vCPUs   CPU demand (with steal) at the percentile / --target, at least 1\n"
    "  recommended memory  the guest's used memory at its maximum where the guest reports\n"
    "                      it, else QEMU's RSS maximum, + --headroom, at least --mem-floor\n"
    "  oversized           recommended vCPUs or memory below what it was given\n"
    "  undersized          CPU demand at the percentile at or above --undersized of its\n"
    "                      vCPUs, or its steal share above --steal\n"
    "  idle                CPU demand at the percentile below --idle-cpu and no network\n"
    "                      or disk I/O in the whole window\n"
    "  off                 never running in the window: all it holds is reclaimable\n"
    "\n"
    "      --target PCT       CPU utilisation to size for (default 80)\n"
    "      --headroom PCT     memory headroom (default 20)\n"
    "      --mem-floor SIZE   smallest memory recommended (default 256m)\n"
    "      --idle-cpu CORES   idle below this CPU demand (default 0.05)\n"
    "      --undersized PCT   default 90; --steal PCT default 10\n"
    "  Window, percentile, host and output as for 'kvmcap demand'.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 FILE is not a kvmcap recording or is damaged, 4 I/O.\n";

void kc_help_rightsize(FILE *out)
{
    fputs(help_rightsize, out);
}

int kc_cmd_rightsize(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    (void)cat;
    return kc_cmd_demand_run(cli, true, err);
}
