/* SPDX-License-Identifier: MIT */
/* policy.c: the policy of a run: defaults, the policy files, the profile, the options. */
#include <stdio.h>
#include <string.h>

#include "cli/options.h"
#include "cli/policy.h"
#include "input/spec.h"
#include "util/names.h"

/* The command line's text for policy key @k (NULL: not given): the option of that name. */
static const char *cli_value(const kc_cli *o, kc_conf_key k)
{
    for (size_t i = 0; i < kc_options_n; i++)
        if (kc_options[i].conf == (int)k && kc_options[i].kind == KC_OPT_VALUE)
            return *(const char *const *)(const void *)((const char *)o + kc_options[i].field);
    return NULL;
}

static const kc_profile *find_profile(const kc_catalog *cat, const char *name, kc_error *err)
{
    const kc_profile *prof = kc_catalog_profile(cat, name);
    char list[256] = "";

    if (prof)
        return prof;
    for (size_t i = 0; i < cat->n_profiles && strlen(list) < 200; i++) {
        strcat(list, i ? ", " : "");
        strcat(list, cat->profiles[i].name);
    }
    kc_cli_usage_error(err, "unknown profile '%s' (use %s)", name, list);
    return NULL;
}

/* Set policy key @k from @v. @opt names the value in messages ("--overcommit" on the
 * command line, "overcommit" in a file). */
static int set_value(kc_conf_key k, const char *v, const char *opt, const kc_catalog *cat,
                     kc_policy *p, kc_existing *existing, kc_error *err)
{
    uint64_t n;
    int w = 0;

    switch (k) {
    case KC_CONF_OVERCOMMIT:
        if (kc_spec_parse_percent_bp(v, 1000000, &p->overcommit_bp, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_RESERVE:
        if (kc_spec_parse_size_mib(v, false, true, &p->reserve_mib, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_RESERVE_CPUS:
        if (kc_spec_parse_uint(v, UINT32_MAX, &n, err) < 0)
            return kc_cli_opt_error(err, opt);
        p->reserve_cpus = (uint32_t)n;
        return 0;
    case KC_CONF_CPU_RATIO:
        if (kc_spec_parse_ratio_milli(v, &p->cpu_ratio_milli, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_VM_OVERHEAD:
        if (strcmp(v, "auto") == 0) {
            p->overhead_mode = KC_OVERHEAD_AUTO;
            return 0;
        }
        p->overhead_mode = KC_OVERHEAD_FIXED;
        if (kc_spec_parse_size_mib(v, true, true, &p->overhead_mib, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_DISK_OVERCOMMIT:
        if (kc_spec_parse_percent_bp(v, 1000000, &p->disk_overcommit_bp, err) < 0)
            return kc_cli_opt_error(err, opt);
        return 0;
    case KC_CONF_MAX_UTIL:
        if (kc_spec_parse_percent_bp(v, KC_BP_ONE, &p->max_util_bp, err) < 0)
            return kc_cli_opt_error(err, opt);
        if (p->max_util_bp == 0)
            return kc_cli_usage_error(err, "%s: '%s' leaves nothing to plan", opt, v);
        return 0;
    case KC_CONF_NUMA:
        if (kc_cli_pick(opt, v, &kc_names_numa, &w, err) < 0)
            return -1;
        p->numa = (kc_numa_mode)w;
        return 0;
    case KC_CONF_NET_MODE:
        if (kc_cli_pick(opt, v, &kc_names_net, &w, err) < 0)
            return -1;
        p->net_mode = (kc_net_mode)w;
        return 0;
    case KC_CONF_EXISTING:
        if (kc_cli_pick(opt, v, &kc_names_existing, &w, err) < 0)
            return -1;
        *existing = (kc_existing)w;
        return 0;
    case KC_CONF_PROFILE:
        return find_profile(cat, v, err) ? 0 : -1;
    default:
        break;
    }
    return kc_error_set(err, KC_ERR_INTERNAL, "no policy key %d", (int)k);
}

/* An error in a policy file's value is bad input naming the file and line. */
static int file_error(kc_error *err, const char *where)
{
    char inner[sizeof(err->msg)];

    snprintf(inner, sizeof(inner), "%s", err->msg);
    return kc_error_set(err, KC_ERR_INVALID, "%s: %s", where, inner);
}

static void apply_profile(const kc_profile *prof, kc_policy *p, kc_policy_source *src)
{
    p->overcommit_bp = prof->overcommit_bp;
    p->net_mode = prof->net_mode;
    src->from[KC_CONF_OVERCOMMIT] = "profile";
    src->from[KC_CONF_NET_MODE] = "profile";
}

int kc_cli_build_policy_source(const kc_cli *o, const kc_catalog *cat, kc_policy *p,
                               const char **profile_name, kc_existing *existing,
                               kc_policy_source *source, kc_error *err)
{
    const kc_config *cf = &o->conf;
    const kc_profile *prof = NULL;
    kc_policy_source src;

    kc_policy_init(p);
    p->nat_efficiency_bp = cat->nat_efficiency_bp;
    *profile_name = NULL;
    *existing = KC_EXISTING_RUNNING;
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
        src.from[k] = "default";

    /* the policy files: their profile, then their values; every value is checked */
    if (cf->where[KC_CONF_PROFILE][0]) {
        if (!(prof = find_profile(cat, cf->value[KC_CONF_PROFILE], err)))
            return file_error(err, cf->where[KC_CONF_PROFILE]);
        apply_profile(prof, p, &src);
        src.from[KC_CONF_PROFILE] = cf->where[KC_CONF_PROFILE];
    }
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++) {
        if (k == KC_CONF_PROFILE || !cf->where[k][0])
            continue;
        if (set_value((kc_conf_key)k, cf->value[k], kc_config_key_name((kc_conf_key)k), cat, p,
                      existing, err) < 0)
            return file_error(err, cf->where[k]);
        src.from[k] = cf->where[k];
    }
    /* the command line: its profile, then its options */
    if (o->profile) {
        if (!(prof = find_profile(cat, o->profile, err)))
            return -1;
        apply_profile(prof, p, &src);
        src.from[KC_CONF_PROFILE] = "option";
    }
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++) {
        const char *v = cli_value(o, (kc_conf_key)k);
        char opt[32];

        if (k == KC_CONF_PROFILE || !v)
            continue;
        snprintf(opt, sizeof(opt), "--%s", kc_config_key_name((kc_conf_key)k));
        if (set_value((kc_conf_key)k, v, opt, cat, p, existing, err) < 0)
            return -1;
        src.from[k] = "option";
    }
    if (prof)
        *profile_name = prof->name;
    if (source)
        *source = src;
    return 0;
}

int kc_cli_build_policy(const kc_cli *o, const kc_catalog *cat, kc_policy *p,
                        const char **profile_name, kc_existing *existing, kc_error *err)
{
    return kc_cli_build_policy_source(o, cat, p, profile_name, existing, NULL, err);
}

int kc_cli_load_config(kc_cli *o, kc_error *err)
{
    kc_config *cf = &o->conf;

    kc_config_init(cf);
    if (kc_config_load(cf, o->config, err) < 0)
        return -1;
    if (cf->where[KC_CONF_TIMEOUT][0]) {
        uint64_t t;

        if (kc_spec_parse_uint(cf->value[KC_CONF_TIMEOUT], 3600, &t, err) < 0)
            return file_error(err, cf->where[KC_CONF_TIMEOUT]);
        if (t == 0)
            return kc_error_set(err, KC_ERR_INVALID, "%s: timeout '%s' must be at least 1",
                                cf->where[KC_CONF_TIMEOUT], cf->value[KC_CONF_TIMEOUT]);
        if (!o->timeout)
            o->timeout = cf->value[KC_CONF_TIMEOUT];
    }
    /* a relative catalog path is relative to the file that names it */
    if (cf->where[KC_CONF_CATALOG][0] && cf->value[KC_CONF_CATALOG][0] != '/') {
        const char *w = cf->where[KC_CONF_CATALOG], *slash = strrchr(w, '/');
        char path[KC_CONF_VALUE_MAX];

        if (slash &&
            snprintf(path, sizeof(path), "%.*s/%s", (int)(slash - w), w,
                     cf->value[KC_CONF_CATALOG]) >= (int)sizeof(path))
            return kc_error_set(err, KC_ERR_INVALID, "%s: catalog path '%s' is too long", w,
                                cf->value[KC_CONF_CATALOG]);
        if (slash)
            memcpy(cf->value[KC_CONF_CATALOG], path, sizeof(path));
    }
    /* the host catalog is 'kvmcap size's alone; other commands ignore the key */
    if (cf->where[KC_CONF_CATALOG][0] && !o->catalog && o->command &&
        strcmp(o->command, "size") == 0)
        o->catalog = cf->value[KC_CONF_CATALOG];
    return 0;
}
