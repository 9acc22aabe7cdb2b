/* SPDX-License-Identifier: MIT */
/* check.h: every option value checked before a command may contact a host. */
#ifndef KC_CHECK_H
#define KC_CHECK_H

#include "cli/cli.h"
#include "input/catalog.h"

/* Check every option value the command line and the policy files gave, before any host is
 * contacted: each row's check, the output format, and the policy (sweep's ranges aside).
 * Fills the parsed fields of @cli. Returns 0, or -1 with @err (usage errors for option
 * values, KC_ERR_INVALID for bad specs and policy file values). */
int kc_cli_check(kc_cli *cli, const kc_catalog *cat, kc_error *err);

#endif /* KC_CHECK_H */
