/* SPDX-License-Identifier: MIT */
/* options.h: the option table: every option of every command once, with the commands that
 * take it, where kc_cli keeps it, how its value is checked and its help; the parser and the
 * value checks it drives.
 *
 * Adding an option: one row in kc_options[] (options.c) and the kc_cli field it fills
 * (cli.h); its value check there if it has a value; the command that reads it; then the man
 * page (doc/kvmcap.1), the completion (doc/kvmcap.bash-completion) and the command's --help,
 * which test_options.c checks against the table. */
#ifndef KC_OPTIONS_H
#define KC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cli/cli.h"
#include "input/catalog.h"
#include "util/names.h"

/* The commands that take options from the table (bit 1 << id in kc_option.commands). */
typedef enum kc_cmd_id {
    KC_CMD_FIT,
    KC_CMD_FACTS,
    KC_CMD_SIZE,
    KC_CMD_FLEET,
    KC_CMD_SWEEP,
    KC_CMD_RECORD,
    KC_CMD_DEMAND,
    KC_CMD_RIGHTSIZE,
    KC_CMD_FORECAST,
    KC_CMD_LAST                 /* sentinel: keep last */
} kc_cmd_id;

#define KC_CMD_BIT(c) (1u << (c))

/* Their names: "fit", "facts", "size", "fleet", "sweep", "record", "demand", "rightsize", "forecast". */
extern const kc_names kc_cli_commands;

typedef enum kc_opt_kind {
    KC_OPT_FLAG,                /* no value: sets the bool at .field */
    KC_OPT_VALUE,               /* a value: the const char * at .field; the last one wins */
    KC_OPT_LIST,                /* repeatable: appended to the array at .list (and the last
                                 * one at .field, unless that is KC_OPT_NO_FIELD) */
    KC_OPT_HELP,                /* prints the command's help */
    KC_OPT_VERSION,             /* prints the version */
    KC_OPT_KIND_LAST
} kc_opt_kind;

#define KC_OPT_NO_FIELD ((size_t)-1)

/* The sections of 'kvmcap --help' (options.c has their headings). */
typedef enum kc_opt_group {
    KC_GROUP_HOST,
    KC_GROUP_VMS,
    KC_GROUP_POLICY,
    KC_GROUP_OUTPUT,
    KC_GROUP_DEMAND,            /* fit --demand FILE */
    KC_GROUP_LAST
} kc_opt_group;

typedef struct kc_option {
    const char *name;           /* the long option, without "--" */
    const char *arg;            /* what its value is, as help shows it ("URI"); NULL: none */
    size_t field;               /* offsetof(kc_cli, ...) of its bool or text */
    size_t list, count, max;    /* KC_OPT_LIST: offsetof its array and size_t count, and the
                                 * array's size */
    const char *other;          /* the option to use instead where this one is not taken or
                                 * too many are given ("from-facts" for --facts), or NULL */
    /* Check @value (and keep what it parses into @cli); NULL: nothing to check before the
     * command runs. Returns 0, or -1 with @err. */
    int (*check)(kc_cli *cli, const kc_catalog *cat, const char *value, kc_error *err);
    const char *help;           /* what it does: its lines of 'kvmcap --help' */
    kc_opt_kind kind;
    unsigned commands;          /* KC_CMD_BIT() of every command that takes it */
    int conf;                   /* the policy file key of the same name (kc_conf_key), or -1 */
    kc_opt_group group;         /* its section of 'kvmcap --help' */
    char short_name;            /* its one-letter form ('c' for -c), or 0 */
    bool range;                 /* 'kvmcap sweep' takes START:END:STEP here */
} kc_option;

extern const kc_option kc_options[];
extern const size_t kc_options_n;

/* The row of the long option @name (without "--"), or NULL. */
const kc_option *kc_cli_option(const char *name);

/* The option lines of @cmd's help, section by section: "  -c, --connect URI      a libvirt
 * URI, ..." (help text from column 25, its further lines indented as far). */
void kc_cli_print_options(FILE *out, kc_cmd_id cmd);

/* Parse argv[first..] into @cli, whose ->command names the command. Prints help() on --help
 * and the version on --version. An option the command does not take is a usage error
 * ("--timeout is for fit, facts, fleet and sweep"). Returns 0 to go on, 1 when help or
 * version was printed, -1 with @err (KC_ERR_USAGE). demand and rightsize take one argument,
 * the recording (->recording). */
int kc_cli_parse(int argc, char **argv, int first, void (*help)(FILE *out), kc_cli *cli,
                 kc_error *err);

#endif /* KC_OPTIONS_H */
