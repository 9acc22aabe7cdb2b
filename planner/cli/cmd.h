/* SPDX-License-Identifier: MIT */
/* cmd.h: the commands of kvmcap. Each checks the options it takes, runs, and prints its
 * report on stdout; main.c prints errors and maps them to exit codes. */
#ifndef KC_CMD_H
#define KC_CMD_H

#include "cli/cli.h"
#include "cli/policy.h"
#include "input/catalog.h"

/* Returns 0, or -1 with @err (its code is the exit status). */
int kc_cmd_fit(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_facts(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_size(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_fleet(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_sweep(const kc_cli *cli, kc_catalog *cat, kc_error *err);

extern const char kc_help_fit[];
extern const char kc_help_facts[];
extern const char kc_help_size[];
extern const char kc_help_fleet[];
extern const char kc_help_sweep[];

#endif /* KC_CMD_H */
