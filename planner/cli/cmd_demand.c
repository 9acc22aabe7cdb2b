/* SPDX-License-Identifier: MIT */
/* cmd_demand.c: kvmcap demand: per VM allocated vs observed use, and the host's totals. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd_demand.h"

kc_cmd_main_fn kc_cmd_demand_lookup(const char *name)
{
    if (strcmp(name, "record") == 0)
        return kc_cmd_record_main;
    return NULL;
}
