/* SPDX-License-Identifier: MIT */
/* test_config.c: the policy file: syntax, places, layering under the command line, sources.
 * Hermetic: every test names its own files or directories; none reads ~/.config or /etc. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/policy.h"
#include "input/catalog.h"
#include "input/catalog_load.h"
#include "input/config.h"

static kc_catalog *cat;
static char tmpdir[64];

static void setup(void)
{
    const char *dir = getenv("KVMCAP_DATADIR");
    kc_error err = { 0 };

    cat = kc_catalog_load(dir && *dir ? dir : "data", &err);
    cr_assert_not_null(cat, "%s", err.msg);
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/kvmcap-config-XXXXXX");
    cr_assert_not_null(mkdtemp(tmpdir));
}

static void teardown(void)
{
    char cmd[128];

    kc_catalog_free(cat);
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    cr_expect_eq(system(cmd), 0);
}

TestSuite(config, .init = setup, .fini = teardown);

/* Write @text to @dir/@name (dir made if needed); returns the path (static buffer). */
static const char *write_file(const char *dir, const char *name, const char *text)
{
    static char path[256];
    FILE *f;

    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
    return path;
}

static kc_cli cli_with(const char *text)
{
    kc_cli cli;
    kc_error err = { 0 };

    memset(&cli, 0, sizeof(cli));
    cli.command = "fit";
    kc_config_init(&cli.conf);
    cr_assert_eq(kc_config_parse(&cli.conf, text, "site.conf", &err), 0, "%s", err.msg);
    return cli;
}

Test(config, keys_values_comments_and_quotes_are_read_with_their_line)
{
    kc_config cfg;
    kc_error err = { 0 };

    kc_config_init(&cfg);
    cr_assert_eq(kc_config_parse(&cfg, "# policy\n\n  overcommit = 20\r\n"
                                       "cpu_ratio=\"2.5\"   # a comment\n"
                                       "catalog = /srv/hosts#1.json\n", "a.conf", &err), 0,
                 "%s", err.msg);
    cr_expect_str_eq(cfg.value[KC_CONF_OVERCOMMIT], "20");
    cr_expect_str_eq(cfg.where[KC_CONF_OVERCOMMIT], "a.conf:3");
    cr_expect_str_eq(cfg.value[KC_CONF_CPU_RATIO], "2.5");
    cr_expect_str_eq(cfg.where[KC_CONF_CPU_RATIO], "a.conf:4");
    /* '#' inside a value (not after a space) is part of it */
    cr_expect_str_eq(cfg.value[KC_CONF_CATALOG], "/srv/hosts#1.json");
    cr_expect_str_eq(cfg.where[KC_CONF_RESERVE], "", "an unset key has no origin");
}

Test(config, a_later_line_and_a_later_file_win)
{
    kc_config cfg;
    kc_error err = { 0 };

    kc_config_init(&cfg);
    cr_assert_eq(kc_config_parse(&cfg, "overcommit = 10\novercommit = 30\n", "a.conf", &err), 0);
    cr_expect_str_eq(cfg.value[KC_CONF_OVERCOMMIT], "30");
    cr_expect_str_eq(cfg.where[KC_CONF_OVERCOMMIT], "a.conf:2");
    cr_assert_eq(kc_config_parse(&cfg, "overcommit = 40\n", "b.conf", &err), 0);
    cr_expect_str_eq(cfg.value[KC_CONF_OVERCOMMIT], "40");
    cr_expect_str_eq(cfg.where[KC_CONF_OVERCOMMIT], "b.conf:1");
}

Test(config, every_key_name_round_trips_and_underscores_are_dashes)
{
    for (int k = 0; k < KC_CONF_LAST; k++) {
        char alias[64];

        cr_expect_eq(kc_config_key_lookup(kc_config_key_name((kc_conf_key)k)), k);
        snprintf(alias, sizeof(alias), "%s", kc_config_key_name((kc_conf_key)k));
        for (char *p = alias; *p; p++)
            *p = *p == '-' ? '_' : *p;
        cr_expect_eq(kc_config_key_lookup(alias), k, "%s", alias);
    }
    cr_expect_eq(kc_config_key_lookup("overcommi"), -1);
    cr_expect_eq(kc_config_key_lookup("overcommitx"), -1);
    cr_expect_eq(kc_config_key_lookup(""), -1);
}

Test(config, syntax_errors_name_the_file_the_line_and_the_token)
{
    static const struct { const char *text, *msg; } cases[] = {
        { "overcommit = 20\nbogus = 1\n", "f.conf:2: unknown key 'bogus'" },
        { "\n\njust words\n", "f.conf:3: expected 'key = value', got 'just words'" },
        { "reserve =   # nothing\n", "f.conf:1: 'reserve' has no value" },
        { "profile = \"\"\n", "f.conf:1: 'profile' has no value" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_config cfg;
        kc_error err = { 0 };

        kc_config_init(&cfg);
        cr_expect_eq(kc_config_parse(&cfg, cases[i].text, "f.conf", &err), -1, "%zu", i);
        cr_expect_eq(err.code, KC_ERR_INVALID);
        cr_expect_str_eq(err.msg, cases[i].msg);
    }
}

Test(config, a_value_too_long_is_refused_not_cut)
{
    char text[400];
    kc_config cfg;
    kc_error err = { 0 };

    memset(text, 'x', sizeof(text));
    memcpy(text, "catalog = ", 10);
    text[sizeof(text) - 1] = '\0';
    kc_config_init(&cfg);
    cr_expect_eq(kc_config_parse(&cfg, text, "f.conf", &err), -1);
    cr_expect_str_eq(err.msg, "f.conf:1: the value of 'catalog' is too long");
}

Test(config, default_places_are_etc_then_the_users_config)
{
    char paths[KC_CONF_FILES_MAX][KC_CONF_WHERE_MAX];

    cr_assert_eq(kc_config_default_paths(NULL, NULL, "/home/ann", paths, KC_CONF_FILES_MAX), 2);
    cr_expect_str_eq(paths[0], "/etc/kvmcap/kvmcap.conf");
    cr_expect_str_eq(paths[1], "/home/ann/.config/kvmcap/kvmcap.conf");
    cr_assert_eq(kc_config_default_paths(NULL, "/x/cfg", "/home/ann", paths, KC_CONF_FILES_MAX), 2);
    cr_expect_str_eq(paths[1], "/x/cfg/kvmcap/kvmcap.conf", "XDG_CONFIG_HOME wins over HOME");
    cr_expect_eq(kc_config_default_paths(NULL, NULL, NULL, paths, KC_CONF_FILES_MAX), 1,
                 "no HOME: /etc only");
}

Test(config, config_dirs_env_replaces_the_default_places_and_empty_means_none)
{
    char paths[KC_CONF_FILES_MAX][KC_CONF_WHERE_MAX];

    cr_expect_eq(kc_config_default_paths("", "/x", "/home/ann", paths, KC_CONF_FILES_MAX), 0);
    cr_assert_eq(kc_config_default_paths("/a::/b/c", NULL, "/home/ann", paths,
                                         KC_CONF_FILES_MAX), 2);
    cr_expect_str_eq(paths[0], "/a/kvmcap.conf");
    cr_expect_str_eq(paths[1], "/b/c/kvmcap.conf");
}

Test(config, load_reads_the_env_dirs_in_order_and_skips_missing_files)
{
    char a[128], b[128], missing[128], env[512];
    kc_config cfg;
    kc_error err = { 0 };

    snprintf(a, sizeof(a), "%s/site", tmpdir);
    snprintf(b, sizeof(b), "%s/user", tmpdir);
    snprintf(missing, sizeof(missing), "%s/nowhere", tmpdir);
    write_file(a, "kvmcap.conf", "overcommit = 10\nmax-util = 80\n");
    write_file(b, "kvmcap.conf", "overcommit = 25\n");
    snprintf(env, sizeof(env), "%s:%s:%s", a, missing, b);
    cr_assert_eq(setenv("KVMCAP_CONFIG_DIRS", env, 1), 0);
    kc_config_init(&cfg);
    cr_assert_eq(kc_config_load(&cfg, NULL, &err), 0, "%s", err.msg);
    cr_expect_eq(cfg.n_files, 2);
    cr_expect_str_eq(cfg.value[KC_CONF_OVERCOMMIT], "25");
    cr_expect_str_eq(cfg.value[KC_CONF_MAX_UTIL], "80");
    cr_expect(strstr(cfg.where[KC_CONF_MAX_UTIL], "/site/kvmcap.conf:2") != NULL);
}

Test(config, an_explicit_file_alone_is_read_and_must_exist)
{
    char dir[128], path[200], env[160];
    kc_config cfg;
    kc_error err = { 0 };

    snprintf(dir, sizeof(dir), "%s/site", tmpdir);
    write_file(dir, "kvmcap.conf", "overcommit = 10\n");
    snprintf(env, sizeof(env), "%s", dir);
    cr_assert_eq(setenv("KVMCAP_CONFIG_DIRS", env, 1), 0);
    snprintf(path, sizeof(path), "%s", write_file(tmpdir, "mine.conf", "reserve = 2g\n"));
    kc_config_init(&cfg);
    cr_assert_eq(kc_config_load(&cfg, path, &err), 0, "%s", err.msg);
    cr_expect_str_eq(cfg.value[KC_CONF_RESERVE], "2g");
    cr_expect_str_eq(cfg.where[KC_CONF_OVERCOMMIT], "", "--config replaces the search");

    snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
    kc_config_init(&cfg);
    cr_expect_eq(kc_config_load(&cfg, path, &err), -1);
    cr_expect_eq(err.code, KC_ERR_HOST);
    cr_expect(strstr(err.msg, "absent.conf") != NULL, "%s", err.msg);
}

Test(config, file_values_set_the_policy_and_say_where_they_came_from)
{
    kc_cli cli = cli_with("overcommit = 30\nreserve = 1g\nnuma = strict\n");
    kc_policy p;
    kc_policy_source src;
    kc_existing ex;
    const char *prof;
    kc_error err = { 0 };

    cr_assert_eq(kc_cli_build_policy_source(&cli, cat, &p, &prof, &ex, &src, &err), 0, "%s",
                 err.msg);
    cr_expect_eq(p.overcommit_bp, 3000);
    cr_expect_eq(p.reserve_mib, 1024);
    cr_expect_eq(p.numa, KC_NUMA_STRICT);
    cr_expect_null(prof);
    cr_expect_str_eq(src.from[KC_CONF_OVERCOMMIT], "site.conf:1");
    cr_expect_str_eq(src.from[KC_CONF_RESERVE], "site.conf:2");
    cr_expect_str_eq(src.from[KC_CONF_NUMA], "site.conf:3");
    cr_expect_str_eq(src.from[KC_CONF_CPU_RATIO], "default");
    cr_expect_eq(p.cpu_ratio_milli, 4000, "untouched values keep the defaults");
}

Test(config, command_line_options_win_over_the_file)
{
    kc_cli cli = cli_with("overcommit = 30\nmax-util = 80\n");
    kc_policy p;
    kc_policy_source src;
    kc_existing ex;
    const char *prof;
    kc_error err = { 0 };

    cli.overcommit = "5";
    cr_assert_eq(kc_cli_build_policy_source(&cli, cat, &p, &prof, &ex, &src, &err), 0);
    cr_expect_eq(p.overcommit_bp, 500);
    cr_expect_str_eq(src.from[KC_CONF_OVERCOMMIT], "option");
    cr_expect_eq(p.max_util_bp, 8000);
    cr_expect_str_eq(src.from[KC_CONF_MAX_UTIL], "site.conf:2");
}

Test(config, a_files_values_win_over_its_profile)
{
    kc_cli cli = cli_with("profile = desktop\novercommit = 30\n");
    kc_policy p;
    kc_policy_source src;
    kc_existing ex;
    const char *prof;
    kc_error err = { 0 };
    const kc_profile *desktop = kc_catalog_profile(cat, "desktop");

    cr_assert_not_null(desktop);
    cr_assert_eq(kc_cli_build_policy_source(&cli, cat, &p, &prof, &ex, &src, &err), 0);
    cr_expect_eq(p.overcommit_bp, 3000);
    cr_expect_eq(p.net_mode, desktop->net_mode, "the profile still sets what the file leaves");
    cr_expect_str_eq(src.from[KC_CONF_NET_MODE], "profile");
    cr_expect_str_eq(src.from[KC_CONF_PROFILE], "site.conf:1");
    cr_expect_str_eq(prof, "desktop");
}

Test(config, a_profile_on_the_command_line_wins_over_the_files_values)
{
    kc_cli cli = cli_with("profile = desktop\novercommit = 30\n");
    kc_policy p;
    kc_policy_source src;
    kc_existing ex;
    const char *prof;
    kc_error err = { 0 };
    const kc_profile *server = kc_catalog_profile(cat, "server");

    cr_assert_not_null(server);
    cli.profile = "server";
    cr_assert_eq(kc_cli_build_policy_source(&cli, cat, &p, &prof, &ex, &src, &err), 0);
    cr_expect_eq(p.overcommit_bp, server->overcommit_bp);
    cr_expect_eq(p.net_mode, server->net_mode);
    cr_expect_str_eq(src.from[KC_CONF_OVERCOMMIT], "profile");
    cr_expect_str_eq(src.from[KC_CONF_PROFILE], "option");
    cr_expect_str_eq(prof, "server");
}

Test(config, a_bad_file_value_is_bad_input_naming_the_line_even_when_overridden)
{
    kc_cli cli = cli_with("# site\novercommit = lots\n");
    kc_policy p;
    kc_existing ex;
    const char *prof;
    kc_error err = { 0 };

    cli.overcommit = "20";
    cr_expect_eq(kc_cli_build_policy(&cli, cat, &p, &prof, &ex, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strncmp(err.msg, "site.conf:2: overcommit: ", 25) == 0, "%s", err.msg);
    cr_expect(strstr(err.msg, "'lots'") != NULL, "%s", err.msg);
}

Test(config, bad_words_and_profiles_in_a_file_name_the_line)
{
    static const struct { const char *text, *msg; } cases[] = {
        { "numa = tight\n", "site.conf:1: bad value 'tight' for numa (use spread, strict)" },
        { "profile = gamer\n", "site.conf:1: unknown profile 'gamer' (use server, desktop)" },
        { "max-util = 0\n", "site.conf:1: max-util: '0' leaves nothing to plan" },
    };

    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kc_cli cli = cli_with(cases[i].text);
        kc_policy p;
        kc_existing ex;
        const char *prof;
        kc_error err = { 0 };

        cr_expect_eq(kc_cli_build_policy(&cli, cat, &p, &prof, &ex, &err), -1);
        cr_expect_eq(err.code, KC_ERR_INVALID);
        cr_expect_str_eq(err.msg, cases[i].msg);
    }
}

Test(config, without_a_file_every_value_is_default_or_option)
{
    kc_cli cli = cli_with("");
    kc_policy p, want;
    kc_policy_source src;
    kc_existing ex;
    const char *prof;
    kc_error err = { 0 };
    char line[256];

    cli.reserve = "1g";
    cr_assert_eq(kc_cli_build_policy_source(&cli, cat, &p, &prof, &ex, &src, &err), 0);
    kc_policy_init(&want);
    cr_expect_eq(p.overcommit_bp, want.overcommit_bp);
    for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
        cr_expect_str_eq(src.from[k], k == KC_CONF_RESERVE ? "option" : "default", "%s",
                         kc_config_key_name((kc_conf_key)k));
    cr_expect_str_eq(kc_config_source_line(line, sizeof(line), &src), "",
                     "the text report adds no line");
}

Test(config, the_source_line_groups_keys_by_file)
{
    kc_policy_source src;
    char line[256];

    for (int k = 0; k < KC_CONF_POLICY_LAST; k++)
        src.from[k] = "default";
    src.from[KC_CONF_OVERCOMMIT] = "/etc/kvmcap/kvmcap.conf:3";
    src.from[KC_CONF_CPU_RATIO] = "/home/a/.config/kvmcap/kvmcap.conf:1";
    src.from[KC_CONF_MAX_UTIL] = "/etc/kvmcap/kvmcap.conf:7";
    src.from[KC_CONF_NET_MODE] = "profile";
    cr_expect_str_eq(kc_config_source_line(line, sizeof(line), &src),
                     "from /etc/kvmcap/kvmcap.conf: overcommit, max-util; "
                     "/home/a/.config/kvmcap/kvmcap.conf: cpu-ratio");
    cr_expect_str_eq(kc_config_source_line(line, 20, &src), "from /etc/kvmcap...",
                     "a line cut short says so");
}

Test(config, load_config_takes_timeout_and_the_size_catalog_from_the_file)
{
    kc_cli cli;
    kc_error err = { 0 };
    char path[256];

    snprintf(path, sizeof(path), "%s",
             write_file(tmpdir, "t.conf", "timeout = 30\ncatalog = /srv/hosts.json\n"));
    memset(&cli, 0, sizeof(cli));
    cli.command = "size";
    cli.config = path;
    cr_assert_eq(kc_cli_load_config(&cli, &err), 0, "%s", err.msg);
    cr_expect_str_eq(cli.timeout, "30");
    cr_expect_str_eq(cli.catalog, "/srv/hosts.json");

    {
        char want[300];

        snprintf(path, sizeof(path), "%s", write_file(tmpdir, "r.conf", "catalog = hosts.json\n"));
        snprintf(want, sizeof(want), "%s/hosts.json", tmpdir);
        memset(&cli, 0, sizeof(cli));
        cli.command = "size";
        cli.config = path;
        cr_assert_eq(kc_cli_load_config(&cli, &err), 0, "%s", err.msg);
        cr_expect_str_eq(cli.catalog, want, "relative to the file that names it");
    }

    memset(&cli, 0, sizeof(cli));
    cli.command = "fit";
    cli.config = path;
    cli.timeout = "5";
    cr_assert_eq(kc_cli_load_config(&cli, &err), 0, "%s", err.msg);
    cr_expect_str_eq(cli.timeout, "5", "--timeout wins");
    cr_expect_null(cli.catalog, "fit has no host catalog");
}

Test(config, a_bad_timeout_in_the_file_is_bad_input)
{
    kc_cli cli;
    kc_error err = { 0 };
    char path[256];

    snprintf(path, sizeof(path), "%s", write_file(tmpdir, "t.conf", "\ntimeout = 0\n"));
    memset(&cli, 0, sizeof(cli));
    cli.command = "fit";
    cli.config = path;
    cr_expect_eq(kc_cli_load_config(&cli, &err), -1);
    cr_expect_eq(err.code, KC_ERR_INVALID);
    cr_expect(strstr(err.msg, "t.conf:2: timeout '0' must be at least 1") != NULL, "%s",
              err.msg);
}

Test(config, format_json_and_the_json_flag_agree_and_conflicts_are_usage_errors)
{
    kc_cli cli;
    kc_format f;
    kc_error err = { 0 };
    unsigned all = KC_FORMAT_BIT(KC_FORMAT_TABLE) | KC_FORMAT_BIT(KC_FORMAT_JSON) |
                   KC_FORMAT_BIT(KC_FORMAT_CSV) | KC_FORMAT_BIT(KC_FORMAT_PROMETHEUS);

    memset(&cli, 0, sizeof(cli));
    cli.command = "fit";
    cr_assert_eq(kc_cli_format(&cli, all, &f, &err), 0);
    cr_expect_eq(f, KC_FORMAT_TABLE);
    cli.json = true;
    cr_assert_eq(kc_cli_format(&cli, all, &f, &err), 0);
    cr_expect_eq(f, KC_FORMAT_JSON);
    cli.format = "json";
    cr_assert_eq(kc_cli_format(&cli, all, &f, &err), 0);
    cr_expect_eq(f, KC_FORMAT_JSON);
    cli.format = "csv";
    cr_expect_eq(kc_cli_format(&cli, all, &f, &err), -1);
    cr_expect_eq(err.code, KC_ERR_USAGE);
    cr_expect_str_eq(err.msg, "--json and --format csv disagree");
    cli.json = false;
    cli.format = "prometheus";
    cr_expect_eq(kc_cli_format(&cli, all & ~KC_FORMAT_BIT(KC_FORMAT_PROMETHEUS), &f, &err), -1);
    cr_expect_str_eq(err.msg, "'fit' does not write --format prometheus (use table, json, csv)");
    cli.format = "xml";
    cr_expect_eq(kc_cli_format(&cli, all, &f, &err), -1);
    cr_expect_str_eq(err.msg, "bad value 'xml' for --format (use table, json, csv, prometheus)");
}
