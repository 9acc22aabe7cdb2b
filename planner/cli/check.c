/* SPDX-License-Identifier: MIT */
/* check.c: every option value checked before a command may contact a host. */
#include <stdlib.h>
#include <string.h>

#include "cli/check.h"
#include "cli/options.h"
#include "cli/policy.h"
#include "util/util.h"

int kc_cli_check(kc_cli *o, const kc_catalog *cat, kc_error *err)
{
    const char *base = (const char *)o;
    int cmd = kc_names_value(&kc_cli_commands, o->command ? o->command : "fit");
    bool plans = false;
    kc_format format;

    if (cmd < 0)
        return kc_error_set(err, KC_ERR_INTERNAL, "'%s' has no options table", o->command);
    o->timeout_s = 10;
    o->interval_ms = 10000;
    o->p_bp = 9500;
    o->margin_bp = 2000;
    kc_rightsize_opts_init(&o->rs);
    if (cmd == KC_CMD_RECORD && !o->out)
        return kc_cli_usage_error(err, "record needs --out FILE");
    /* the window, percentile and host of fit are those of its --demand FILE */
    if (cmd == KC_CMD_FLEET && !o->prometheus && (o->since || o->until))
        return kc_cli_usage_error(err, "%s needs --prometheus URL",
                                  o->since ? "--since" : "--until");
    if (cmd == KC_CMD_FIT && o->demand_file && o->prometheus)
        return kc_cli_usage_error(err, "--demand '%s' and --prometheus: one source of history "
                                  "only", o->demand_file);
    if (cmd == KC_CMD_FIT && !o->demand_file && !o->prometheus &&
        (o->percentile || o->hostname || o->since || o->until))
        return kc_cli_usage_error(err, "%s needs --demand FILE or --prometheus URL",
                                  o->percentile ? "--percentile" : o->hostname ? "--hostname"
                                  : o->since ? "--since" : "--until");
    for (size_t i = 0; i < kc_options_n; i++) {
        const kc_option *opt = &kc_options[i];

        if (opt->conf >= 0 && opt->conf < KC_CONF_POLICY_LAST &&
            (opt->commands & KC_CMD_BIT(cmd)))
            plans = true;
        if (!opt->check)
            continue;
        if (opt->kind == KC_OPT_LIST) {
            const char *const *arr = (const char *const *)(const void *)(base + opt->list);
            size_t n = *(const size_t *)(const void *)(base + opt->count);

            for (size_t j = 0; j < n; j++)
                if (opt->check(o, cat, arr[j], err) < 0)
                    return -1;
        } else if (opt->kind == KC_OPT_VALUE) {
            const char *v = *(const char *const *)(const void *)(base + opt->field);

            if (v && opt->check(o, cat, v, err) < 0)
                return -1;
        }
    }
    if (o->prometheus && o->recording)
        return kc_cli_usage_error(err, "'%s' and --prometheus: one source of history only",
                                  o->recording);
    if (!o->prometheus) {
        const char *only = o->step ? "--step" : o->match ? "--match" : o->instance
                           ? "--instance" : o->user ? "--user" : o->password_file
                           ? "--password-file" : o->token_file ? "--bearer-token-file"
                           : o->cacert ? "--cacert" : NULL;

        if (only)
            return kc_cli_usage_error(err, "%s needs --prometheus URL", only);
    }
    if (o->password_file && !o->user)
        return kc_cli_usage_error(err, "--password-file needs --user");
    if ((cmd == KC_CMD_DEMAND || cmd == KC_CMD_RIGHTSIZE || cmd == KC_CMD_FORECAST) &&
        !o->recording && !o->prometheus)
        return kc_cli_usage_error(err, "%s needs a recording FILE", o->command);
    if ((cmd == KC_CMD_DEMAND || cmd == KC_CMD_RIGHTSIZE || cmd == KC_CMD_FORECAST) &&
        o->until_ns &&
        o->since_ns > o->until_ns)
        return kc_cli_usage_error(err, "--since is after --until");
    /* the format word and --json; which formats the command writes, it says itself */
    if (kc_cli_format(o, ~0u, &format, err) < 0)
        return -1;
    if (plans) {
        /* every policy value, of the files too; a sweep's range is its own to check */
        kc_cli *fixed = kc_xcalloc(1, sizeof(*fixed));
        kc_policy policy;
        kc_existing existing;
        const char *profile;
        int rc;

        *fixed = *o;
        for (size_t i = 0; cmd == KC_CMD_SWEEP && i < kc_options_n; i++) {
            const char **v;

            if (!kc_options[i].range)    /* a range row is a KC_OPT_VALUE */
                continue;
            v = (const char **)(void *)((char *)fixed + kc_options[i].field);
            if (*v && strchr(*v, ':'))
                *v = NULL;
        }
        rc = kc_cli_build_policy(fixed, cat, &policy, &profile, &existing, err);
        free(fixed);
        if (rc < 0)
            return -1;
    }
    return 0;
}
