/* SPDX-License-Identifier: MIT */
/* policy.h: the policy of a run: defaults, the policy files, the profile, the options. */
#ifndef KC_POLICY_H
#define KC_POLICY_H

#include "cli/cli.h"
#include "input/catalog.h"
#include "input/config.h"
#include "kc.h"

/* Read the policy files (--config FILE, else the default places: see config.h) into
 * cli->conf, and take the non-policy defaults they set (catalog, timeout) where the command
 * line gave none. Returns 0, or -1 with @err (KC_ERR_INVALID for a bad file, KC_ERR_HOST for
 * one that cannot be read). */
int kc_cli_load_config(kc_cli *cli, kc_error *err);

/* The policy: defaults, then the policy files' profile and values, then the command line's
 * profile and options (each layer's explicit values win over its profile). Every value of
 * the files is checked, used or not (KC_ERR_INVALID naming FILE:LINE); option values are
 * usage errors. Borrowed *profile_name points into @cat. */
int kc_cli_build_policy(const kc_cli *cli, const kc_catalog *cat, kc_policy *policy,
                        const char **profile_name, kc_existing *existing, kc_error *err);

/* The same, and where each value came from (@source may be NULL; its strings are borrowed
 * from @cli). */
int kc_cli_build_policy_source(const kc_cli *cli, const kc_catalog *cat, kc_policy *policy,
                               const char **profile_name, kc_existing *existing,
                               kc_policy_source *source, kc_error *err);

#endif /* KC_POLICY_H */
