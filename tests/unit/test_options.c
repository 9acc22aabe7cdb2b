/* SPDX-License-Identifier: MIT */
/* test_options.c: the option table against the man page, the completion, the help and the
 * policy file keys; options a command does not take; values checked before any host; and
 * the enum name tables. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cmd.h"
#include "cli/cmd_demand.h"
#include "cli/options.h"
#include "input/config.h"
#include "util/names.h"
#include "helpers.h"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long len;

    cr_assert(f, "cannot open %s (run from the source tree)", path);
    cr_assert_eq(fseek(f, 0, SEEK_END), 0);
    len = ftell(f);
    cr_assert_geq(len, 0);
    rewind(f);
    buf = malloc((size_t)len + 1);
    cr_assert(buf);
    cr_assert_eq(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

/* The distinct option names of @text that match @pattern (its group 1 is the name after
 * the dashes), as a '\n'-separated list " name1\n name2\n" for strstr lookups. */
/* What @help prints, as a string the caller frees. */
static char *help_text(void (*help)(FILE *))
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    cr_assert(f);
    help(f);
    cr_assert_eq(fclose(f), 0);
    return text;
}

static char *options_in(const char *text, const char *pattern)
{
    regex_t re;
    regmatch_t m[2];
    size_t size = 1, len = 0;
    char *list = calloc(1, 1);

    cr_assert_eq(regcomp(&re, pattern, REG_EXTENDED | REG_NEWLINE), 0);
    for (const char *p = text; regexec(&re, p, 2, m, p == text ? 0 : REG_NOTBOL) == 0;
         p += m[0].rm_eo) {
        char name[64];
        size_t n = (size_t)(m[1].rm_eo - m[1].rm_so);
        char key[70];

        cr_assert_lt(n, sizeof(name));
        memcpy(name, p + m[1].rm_so, n);
        name[n] = '\0';
        /* the man page writes '-' as "\-" */
        for (char *s = name, *d = name;; s++) {
            if (*s == '\\')
                continue;
            if (!(*d++ = *s))
                break;
        }
        snprintf(key, sizeof(key), " %s\n", name);
        if (strstr(list, key))
            continue;
        size += strlen(key);
        list = realloc(list, size);
        cr_assert(list);
        memcpy(list + len, key, strlen(key) + 1);
        len += strlen(key);
    }
    regfree(&re);
    return list;
}

static bool listed(const char *list, const char *name)
{
    char key[70];

    snprintf(key, sizeof(key), " %s\n", name);
    return strstr(list, key) != NULL;
}

/* Every option of @list is a row of the table. */
static void expect_all_in_table(const char *list, const char *where)
{
    for (const char *p = list; *p == ' ';) {
        const char *end = strchr(p, '\n');
        char name[64];

        snprintf(name, sizeof(name), "%.*s", (int)(end - p - 1), p + 1);
        cr_expect(kc_cli_option(name) != NULL, "%s has --%s, the option table does not",
                  where, name);
        p = end + 1;
    }
}

Test(options, table_rows_are_well_formed)
{
    for (size_t i = 0; i < kc_options_n; i++) {
        const kc_option *o = &kc_options[i];
        bool value = o->kind == KC_OPT_VALUE || o->kind == KC_OPT_LIST;

        cr_expect(o->commands != 0, "--%s: no command takes it", o->name);
        cr_expect(o->help && o->help[0], "--%s: no help", o->name);
        cr_expect_eq(value, o->arg != NULL, "--%s: a value needs an argument name", o->name);
        cr_expect(!o->check || value, "--%s: a check without a value", o->name);
        cr_expect(!o->range || (o->commands & KC_CMD_BIT(KC_CMD_SWEEP)),
                  "--%s: a range for a command that sweeps nothing", o->name);
        cr_expect(!o->range || o->kind == KC_OPT_VALUE, "--%s: a range is one value", o->name);
        cr_expect(o->group < KC_GROUP_LAST, "--%s: no help section", o->name);
        if (o->other)
            cr_expect(kc_cli_option(o->other) != NULL, "--%s: no option --%s", o->name,
                      o->other);
        for (size_t j = 0; j < i; j++) {
            cr_expect(strcmp(o->name, kc_options[j].name) != 0, "--%s twice", o->name);
            cr_expect(!o->short_name || o->short_name != kc_options[j].short_name,
                      "-%c twice", o->short_name);
        }
    }
}

Test(options, every_policy_file_key_is_the_option_of_its_name)
{
    for (int k = 0; k < KC_CONF_LAST; k++) {
        const kc_option *o = kc_cli_option(kc_config_key_name((kc_conf_key)k));

        cr_expect(o != NULL, "policy key '%s' has no option", kc_config_key_name((kc_conf_key)k));
        if (o)
            cr_expect_eq(o->conf, k, "--%s: .conf is %d, not %d", o->name, o->conf, k);
    }
    for (size_t i = 0; i < kc_options_n; i++)
        if (kc_options[i].conf >= 0)
            cr_expect_str_eq(kc_config_key_name((kc_conf_key)kc_options[i].conf),
                             kc_options[i].name);
}

Test(options, man_page_and_table_name_the_same_options)
{
    char *man = slurp("doc/kvmcap.1");
    char *list = options_in(man, "\\\\-\\\\-([a-z]([a-z]|\\\\-)*)");

    for (size_t i = 0; i < kc_options_n; i++)
        cr_expect(listed(list, kc_options[i].name), "doc/kvmcap.1 lacks --%s",
                  kc_options[i].name);
    expect_all_in_table(list, "doc/kvmcap.1");
    free(list);
    free(man);
}

/* What the completion offers after "kvmcap CMD --": its option words, one per line. */
static char *complete(const char *cmd)
{
    char script[512], *out = NULL;
    size_t size = 0;
    FILE *p;

    snprintf(script, sizeof(script),
             "bash --norc --noprofile -c '. doc/kvmcap.bash-completion; "
             "COMP_WORDS=(kvmcap %s --); COMP_CWORD=2; _kvmcap; "
             "printf \"%%s\\n\" \"${COMPREPLY[@]}\"'",
             cmd);
    p = popen(script, "r");
    cr_assert(p, "cannot run bash");
    cr_assert_geq(getdelim(&out, &size, '\0', p), 0, "no output from the completion");
    cr_assert_eq(pclose(p), 0, "the completion script failed");
    return out;
}

Test(options, completion_offers_each_command_the_options_it_takes)
{
    for (int c = 0; c < KC_CMD_LAST; c++) {
        char *out, *list;

        out = complete(kc_names_word(&kc_cli_commands, c));
        list = options_in(out, "^--([a-z][a-z-]*)$");
        for (size_t i = 0; i < kc_options_n; i++) {
            bool takes = kc_options[i].commands & KC_CMD_BIT(c);

            cr_expect_eq(listed(list, kc_options[i].name), takes,
                         "completion of 'kvmcap %s --': --%s %s",
                         kc_names_word(&kc_cli_commands, c), kc_options[i].name,
                         takes ? "missing" : "offered, not taken");
        }
        expect_all_in_table(list, "doc/kvmcap.bash-completion");
        free(list);
        free(out);
    }
}

/* kvmcap --help names every command, each on a line of its own (issue 13, item 16) */
Test(options, main_help_lists_every_command_with_one_line)
{
    char *text = help_text(kc_help_fit);
    for (int c = 0; c < KC_CMD_LAST; c++) {
        char line[64];
        const char *at;

        snprintf(line, sizeof(line), "\n  %s ", kc_names_word(&kc_cli_commands, c));
        at = strstr(text, line);
        cr_expect(at != NULL, "kvmcap --help has no line for '%s'", line + 3);
        /* one line: its text follows on the same line */
        if (at)
            cr_expect(at[strlen(line)] == ' ' || at[strlen(line)] > ' ', "%s", line + 3);
    }
    /* every key --set takes is shown, price= too (item 19) */
    cr_expect(strstr(text, "price=N") != NULL, "kvmcap --help does not show --set price=");
    free(text);
}

Test(options, main_help_lists_every_option_fit_takes)
{
    char *text = help_text(kc_help_fit);
    for (size_t i = 0; i < kc_options_n; i++) {
        char line[64];

        if (kc_options[i].short_name)
            snprintf(line, sizeof(line), "\n  -%c, --%s", kc_options[i].short_name,
                     kc_options[i].name);
        else
            snprintf(line, sizeof(line), "\n      --%s ", kc_options[i].name);
        cr_expect_eq(strstr(text, line) != NULL,
                     (kc_options[i].commands & KC_CMD_BIT(KC_CMD_FIT)) != 0,
                     "kvmcap --help and --%s", kc_options[i].name);
    }
    free(text);
}

Test(options, help_names_only_table_options_and_each_where_it_is_taken)
{
    void (*const helps[KC_CMD_LAST])(FILE *) = {
        [KC_CMD_FIT] = kc_help_fit, [KC_CMD_FACTS] = kc_help_facts,
        [KC_CMD_SIZE] = kc_help_size, [KC_CMD_FLEET] = kc_help_fleet,
        [KC_CMD_SWEEP] = kc_help_sweep, [KC_CMD_RECORD] = kc_help_record,
        [KC_CMD_DEMAND] = kc_help_demand, [KC_CMD_RIGHTSIZE] = kc_help_rightsize,
        [KC_CMD_FORECAST] = kc_help_forecast,
    };
    char *lists[KC_CMD_LAST];

    for (int c = 0; c < KC_CMD_LAST; c++) {
        char *text = help_text(helps[c]);
        lists[c] = options_in(text, "--([a-z][a-z-]*)");
        expect_all_in_table(lists[c], "--help");
        free(text);
    }
    for (size_t i = 0; i < kc_options_n; i++) {
        bool shown = false;

        for (int c = 0; c < KC_CMD_LAST; c++)
            shown = shown || ((kc_options[i].commands & KC_CMD_BIT(c)) &&
                              listed(lists[c], kc_options[i].name));
        /* size's help sends the reader to 'kvmcap --help' for the policy options */
        cr_expect(shown, "no --help of a command that takes --%s shows it", kc_options[i].name);
    }
    for (int c = 0; c < KC_CMD_LAST; c++)
        free(lists[c]);
}

/* Run kvmcap with @args (NULL-terminated) and no policy file; its status, and its stderr in
 * @err (of @size bytes). */
static int run(const char *const *args, char *err, size_t size)
{
    const char *bin = getenv("KVMCAP_BIN");
    char *argv[16];
    int pipefd[2], status;
    size_t n = 0, got = 0;
    ssize_t r;
    pid_t pid;

    cr_assert(bin, "KVMCAP_BIN is not set (run through make check)");
    argv[n++] = (char *)bin;
    for (; *args; args++) {
        cr_assert_lt(n, 15);
        argv[n++] = (char *)*args;
    }
    argv[n] = NULL;
    cr_assert_eq(pipe(pipefd), 0);
    fflush(NULL);
    pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);

        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(pipefd[1], 2);
        close(pipefd[0]);
        setenv("KVMCAP_CONFIG_DIRS", "", 1);
        unsetenv("LIBVIRT_DEFAULT_URI");
        execv(bin, argv);
        _exit(127);
    }
    close(pipefd[1]);
    while (got + 1 < size && (r = read(pipefd[0], err + got, size - 1 - got)) > 0)
        got += (size_t)r;
    err[got] = '\0';
    close(pipefd[0]);
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* A value for each option, good enough to get past the parser. */
static const char *some_value(const kc_option *o)
{
    return strcmp(o->name, "vm") == 0 ? "1c1g" : strcmp(o->name, "host") == 0 ? "8c8g" : "1";
}

Test(options, an_option_a_command_does_not_take_is_exit_2_naming_who_takes_it)
{
    for (int c = 0; c < KC_CMD_LAST; c++) {
        for (size_t i = 0; i < kc_options_n; i++) {
            const kc_option *o = &kc_options[i];
            bool value = o->kind == KC_OPT_VALUE || o->kind == KC_OPT_LIST;
            char opt[40], want[96], err[1024];
            const char *args[5] = { kc_names_word(&kc_cli_commands, c), opt, NULL, NULL, NULL };

            if (o->commands & KC_CMD_BIT(c))
                continue;
            snprintf(opt, sizeof(opt), "--%s", o->name);
            if (value)
                args[2] = some_value(o);
            snprintf(want, sizeof(want), "kvmcap: --%s is for ", o->name);
            cr_expect_eq(run(args, err, sizeof(err)), 2, "kvmcap %s --%s: status", args[0],
                         o->name);
            cr_expect(strncmp(err, want, strlen(want)) == 0, "kvmcap %s --%s: %s", args[0],
                      o->name, err);
            /* the hint names the command's own help (issue 13, item 19) */
            if (c == KC_CMD_FIT)
                snprintf(want, sizeof(want), "Try 'kvmcap --help'");
            else
                snprintf(want, sizeof(want), "Try 'kvmcap %s --help'", args[0]);
            cr_expect(strstr(err, want) != NULL, "kvmcap %s --%s: %s", args[0], o->name, err);
        }
    }
}

/* A bad value of each option with one; the options left out are the host source itself
 * and files and directories, read where they are used (a missing one is an I/O error). */
static const struct {
    const char *name, *bad;
} bad_values[] = {
    { "timeout", "0" }, { "set", "bogus=1" }, { "vm", "1x1g" }, { "profile", "nosuch" },
    { "overcommit", "abc" }, { "reserve", "1q" }, { "reserve-cpus", "-1" },
    { "cpu-ratio", "x" }, { "vm-overhead", "lots" }, { "disk-overcommit", "abc" },
    { "max-util", "0" }, { "numa", "tight" }, { "net-mode", "wifi" }, { "existing", "some" },
    { "format", "yaml" }, { "check", "many" }, { "ha", "-1" }, { "growth", "abc" },
    { "effort", "0" }, { "parallel", "0" }, { "sort", "cheap" }, { "host-mem", "8g" },
    { "nic-speed", "10g" },
    { "interval", "0.001" }, { "duration", "3x" }, { "since", "yesterday" },
    { "until", "2026-13-01T00:00:00Z" }, { "percentile", "101" }, { "margin", "99.5" },
    { "target", "0" }, { "headroom", "abc" }, { "mem-floor", "1q" }, { "idle-cpu", "x" },
    { "undersized", "-1" }, { "steal", "abc" }, { "prometheus", "ftp://prom:9090" },
    { "step", "5x" }, { "match", "job=libvirt" }, { "instance", "kvm 7" },
    { "min-days", "2" }, { "horizon", "0" },
};
static const char *const not_checked[] = {
    "connect", "host", "facts", "config", "workload", "catalog", "from-facts", "hosts",
    "save-facts", "out", "demand", "hostname",
    /* Prometheus credentials: names of files read (and checked) when the client starts */
    "user", "password-file", "bearer-token-file", "cacert",
};

Test(options, every_option_value_is_checked_before_any_host_is_contacted)
{
    for (size_t i = 0; i < kc_options_n; i++) {
        const kc_option *o = &kc_options[i];
        const char *bad = NULL;
        bool skip = false;

        if (o->kind != KC_OPT_VALUE && o->kind != KC_OPT_LIST)
            continue;
        for (size_t j = 0; j < sizeof(bad_values) / sizeof(bad_values[0]); j++)
            if (strcmp(bad_values[j].name, o->name) == 0)
                bad = bad_values[j].bad;
        for (size_t j = 0; j < sizeof(not_checked) / sizeof(not_checked[0]); j++)
            skip = skip || strcmp(not_checked[j], o->name) == 0;
        cr_expect(bad || skip, "--%s: give it a bad value here (or say why it has none)",
                  o->name);
        if (!bad)
            continue;
        for (int c = 0; c < KC_CMD_LAST; c++) {
            /* a host that cannot be reached: exit 4 at once for fit, facts and sweep, a
             * failed row (exit 0) for fleet; size contacts no host */
            const char *args[10] = { kc_names_word(&kc_cli_commands, c) };
            char opt[40], err[1024];
            size_t n = 1;
            int st;

            if (!(o->commands & KC_CMD_BIT(c)))
                continue;
            if (c == KC_CMD_DEMAND || c == KC_CMD_RIGHTSIZE) {
                /* a recording that is not there: exit 4 once it is opened */
                args[n++] = "/nonexistent/recording.db";
            } else if (c == KC_CMD_RECORD) {
                args[n++] = "-c";
                args[n++] = "test:///nonexistent";
                args[n++] = "--out";
                args[n++] = "/nonexistent/recording.db";
            } else if (c == KC_CMD_FIT && o->group == KC_GROUP_DEMAND) {
                args[n++] = "--demand";
                args[n++] = "/nonexistent/recording.db";
            } else if (c != KC_CMD_SIZE) {
                args[n++] = "-c";
                args[n++] = "test:///nonexistent";
            }
            if (c != KC_CMD_FACTS && c != KC_CMD_RECORD && c != KC_CMD_DEMAND &&
                c != KC_CMD_RIGHTSIZE && strcmp(o->name, "vm") != 0) {
                args[n++] = "--vm";
                args[n++] = c == KC_CMD_SIZE ? "1c1g:1" : "1c1g";
            }
            if (c == KC_CMD_SWEEP && !o->range && strcmp(o->name, "host-mem") != 0 &&
                strcmp(o->name, "nic-speed") != 0) {
                args[n++] = "--overcommit";
                args[n++] = "0:50:10";
            }
            snprintf(opt, sizeof(opt), "--%s", o->name);
            args[n++] = opt;
            args[n++] = bad;
            st = run(args, err, sizeof(err));
            cr_expect(st == 2 || st == 3, "kvmcap %s %s %s: status %d, %s", args[0], opt, bad,
                      st, err);
        }
    }
}

Test(names, every_value_has_a_word_that_reads_back)
{
    const kc_names *const tables[] = {
        &kc_names_numa, &kc_names_net, &kc_names_existing, &kc_names_format, &kc_names_sort,
        &kc_names_source, &kc_names_vm_state, &kc_names_res_state, &kc_cli_commands,
    };

    for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
        cr_expect_gt(tables[t]->n, 0);
        for (unsigned v = 0; v < tables[t]->n; v++) {
            const char *w = tables[t]->words[v];

            cr_expect(w && w[0], "table %zu: value %u has no word", t, v);
            cr_expect_eq(kc_names_value(tables[t], w), (int)v, "table %zu: '%s'", t, w);
        }
        cr_expect_str_eq(kc_names_word(tables[t], (int)tables[t]->n), "unknown");
        cr_expect_str_eq(kc_names_word(tables[t], -1), "unknown");
        cr_expect_eq(kc_names_value(tables[t], "no such word"), -1);
    }
}

Test(names, lists_join_the_words_of_a_mask)
{
    char buf[64];

    cr_expect_str_eq(kc_names_list(&kc_names_numa, ~0u, buf, sizeof(buf)), "spread, strict");
    cr_expect_str_eq(kc_names_list(&kc_names_format, KC_FORMAT_BIT(KC_FORMAT_TABLE) |
                                   KC_FORMAT_BIT(KC_FORMAT_CSV), buf, sizeof(buf)),
                     "table, csv");
    cr_expect_str_eq(kc_names_list(&kc_names_format, ~0u, buf, 12), "table, json");
    cr_expect_str_eq(kc_names_list(&kc_names_format, 0, buf, sizeof(buf)), "");
    cr_expect_str_eq(KC_NAME(net, KC_NET_NAT), "nat");
    cr_expect_str_eq(KC_NAME(existing, KC_EXISTING_ALL), "all");
}
