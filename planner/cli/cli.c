/* SPDX-License-Identifier: MIT */
/* cli.c: what every command shares: usage errors, keyword values, formats, the timeout,
 * the one message funnel and the exit. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "input/spec.h"
#include "util/util.h"

int kc_cli_fail(const kc_error *err, const char *command)
{
    fprintf(stderr, "kvmcap: %s\n", kc_term_str(err->msg));   /* C1, 8-bit bytes too */
    /* a command's mistake points at that command's help; fit's help is kvmcap --help */
    if (err->code == KC_ERR_USAGE && command && strcmp(command, "fit") != 0)
        fprintf(stderr, "Try 'kvmcap %s --help' for more information.\n", command);
    else if (err->code == KC_ERR_USAGE)
        fprintf(stderr, "Try 'kvmcap --help' for more information.\n");
    return err->code > KC_ERR_NONE && err->code < KC_ERR_LAST ? (int)err->code : KC_ERR_INTERNAL;
}

int kc_cli_usage_error(kc_error *err, const char *fmt, ...)
{
    va_list ap;

    err->code = KC_ERR_USAGE;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    /* option values are the user's bytes: a control byte must not split the one line or
     * drive the terminal (as kc_error_set does) */
    for (char *p = err->msg; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f)
            *p = '?';
    return -1;
}

int kc_cli_finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "kvmcap: cannot write the report: %s\n", strerror(errno ? errno : EIO));
        return KC_ERR_HOST;
    }
    return 0;
}

char *kc_cli_read_file(const char *path, kc_error *err)
{
    return kc_read_file(path, KC_FILE_MAX, NULL, err);
}

/* Parse one keyword option against the words of its enum. */
int kc_cli_pick(const char *opt, const char *value, const kc_names *t, int *out, kc_error *err)
{
    char list[128];
    int v = kc_names_value(t, value);

    if (v >= 0) {
        *out = v;
        return 0;
    }
    return kc_cli_usage_error(err, "bad value '%s' for %s (use %s)", value, opt,
                              kc_names_list(t, ~0u, list, sizeof(list)));
}

/* Option values are usage errors (exit 2), naming the option and the value. */
int kc_cli_opt_error(kc_error *err, const char *opt)
{
    char inner[256];

    snprintf(inner, sizeof(inner), "%s", err->msg);
    return kc_cli_usage_error(err, "%s: %s", opt, inner);
}

int kc_cli_format(const kc_cli *o, unsigned allowed, kc_format *out, kc_error *err)
{
    int f = KC_FORMAT_TABLE;

    if (o->format && kc_cli_pick("--format", o->format, &kc_names_format, &f, err) < 0)
        return -1;
    if (o->json) {
        if (o->format && f != KC_FORMAT_JSON)
            return kc_cli_usage_error(err, "--json and --format %s disagree", o->format);
        f = KC_FORMAT_JSON;
    }
    if (!(allowed & KC_FORMAT_BIT(f))) {
        char list[64];

        return kc_cli_usage_error(err, "'%s' does not write --format %s (use %s)",
                                  o->command ? o->command : "fit", KC_NAME(format, f),
                                  kc_names_list(&kc_names_format, allowed, list, sizeof(list)));
    }
    *out = (kc_format)f;
    return 0;
}

int kc_cli_timeout(const char *value, unsigned *timeout_s, kc_error *err)
{
    uint64_t t = 0;
    int rc = kc_spec_parse_uint(value, 3600, &t, err);

    if (rc < 0 || t == 0) {
        if (rc == 0)
            kc_error_set(err, KC_ERR_USAGE, "'%s' must be at least 1", value);
        return kc_cli_opt_error(err, "--timeout");
    }
    *timeout_s = (unsigned)t;
    return 0;
}

bool kc_cli_want_color(void)
{
    const char *term = getenv("TERM");

    return isatty(STDOUT_FILENO) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}
