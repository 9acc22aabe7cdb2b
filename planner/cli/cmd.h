/* SPDX-License-Identifier: MIT */
/* cmd.h: the commands of kvmcap. Each runs on options the table has let through and checked
 * (options.c, check.c) and prints its report on stdout; main.c prints errors and maps
 * them to exit codes. */
#ifndef KC_CMD_H
#define KC_CMD_H

#include <stdio.h>

#include "cli/cli.h"
#include "cli/policy.h"
#include "input/catalog.h"

/* Returns 0, or -1 with @err (its code is the exit status). */
int kc_cmd_fit(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_facts(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_size(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_fleet(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_sweep(const kc_cli *cli, kc_catalog *cat, kc_error *err);

/* Print the command's --help on @out. */
void kc_help_fit(FILE *out);
void kc_help_facts(FILE *out);
void kc_help_size(FILE *out);
void kc_help_fleet(FILE *out);
void kc_help_sweep(FILE *out);

#endif /* KC_CMD_H */
