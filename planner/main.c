/* SPDX-License-Identifier: MIT */
/* main.c: kvmcap's entry: pick the command, parse options, load the catalog, run, and turn
 * any error into one line on stderr and an exit status. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cmd.h"
#include "cli/check.h"
#include "cli/cmd_demand.h"
#include "cli/options.h"
#include "cli/policy.h"
#include "input/catalog.h"
#include "input/catalog_load.h"

typedef struct kc_command {
    const char *name;
    int (*run)(const kc_cli *cli, kc_catalog *cat, kc_error *err);
    void (*help)(FILE *out);
} kc_command;

/* Adding a command: doc/hacking.md 4. */
static const kc_command commands[] = {
    { "fit", kc_cmd_fit, kc_help_fit },
    { "facts", kc_cmd_facts, kc_help_facts },
    { "size", kc_cmd_size, kc_help_size },
    { "fleet", kc_cmd_fleet, kc_help_fleet },
    { "sweep", kc_cmd_sweep, kc_help_sweep },
    { "record", kc_cmd_record, kc_help_record },
    { "demand", kc_cmd_demand, kc_help_demand },
    { "rightsize", kc_cmd_rightsize, kc_help_rightsize },
    { "forecast", kc_cmd_forecast, kc_help_forecast },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))
_Static_assert(N_COMMANDS == KC_CMD_LAST, "a row per command of options.h");

int main(int argc, char **argv)
{
    const kc_command *cmd = &commands[0];    /* fit is the default */
    kc_error err = { 0 };
    kc_catalog *cat = NULL;
    char datadir[4096];
    kc_cli cli;
    int first = 1, ret, status;

    memset(&cli, 0, sizeof(cli));
    if (argc > 1 && argv[1][0] != '-') {
        char names[256] = "";

        cmd = NULL;
        for (size_t i = 0; i < N_COMMANDS; i++) {
            if (strcmp(argv[1], commands[i].name) == 0)
                cmd = &commands[i];
            strcat(names, i ? ", " : "");
            strcat(names, commands[i].name);
        }
        if (!cmd) {
            kc_cli_usage_error(&err, "unknown command '%s' (commands: %s)", argv[1], names);
            return kc_cli_fail(&err, cli.command);
        }
        first = 2;
    }
    cli.command = cmd->name;
    ret = kc_cli_parse(argc, argv, first, cmd->help, &cli, &err);
    if (ret > 0)
        return kc_cli_finish_stdout();
    if (ret < 0 || kc_cli_load_config(&cli, &err) < 0)
        return kc_cli_fail(&err, cli.command);
    if (kc_catalog_find_datadir(datadir, sizeof(datadir), &err) < 0 ||
        !(cat = kc_catalog_load(datadir, &err))) {
        status = kc_cli_fail(&err, cli.command);
        goto out;
    }
    /* every option value is checked before a command may contact a host */
    if (kc_cli_check(&cli, cat, &err) < 0) {
        status = kc_cli_fail(&err, cli.command);
        goto out;
    }
    ret = cmd->run(&cli, cat, &err);
    /* a failed command reports its own error, once; stdout must have been written either
     * way: a lost report is exit 4 even when the run also fell short (--check, a fleet's
     * SPEC:COUNT), so the shortfall's exit 1 never hides it */
    status = ret < 0 ? kc_cli_fail(&err, cli.command) : 0;
    if (kc_cli_finish_stdout() != 0)
        status = KC_ERR_HOST;
 out:
    kc_catalog_free(cat);
    return status;
}
