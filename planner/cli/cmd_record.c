/* SPDX-License-Identifier: MIT */
/* cmd_record.c: kvmcap record: sample a host's load into a recording file (read-only). */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_demand.h"
#include "demand/record.h"
#include "input/spec.h"

static const char help_record[] =
    "Usage: kvmcap record [-c URI] [--interval S] [--duration D] --out FILE\n"
    "\n"
    "Sample a host's load through libvirt, read-only, into FILE (an SQLite recording,\n"
    "created or appended to; several hosts and runs may share one file): every domain's\n"
    "CPU time, steal, memory, network and disk counters and the host's CPU and memory,\n"
    "plus the host's facts at the start. Plan on it with 'kvmcap demand FILE',\n"
    "'kvmcap rightsize FILE' and 'kvmcap --demand FILE --vm SPEC'.\n"
    "\n"
    "  -c, --connect URI      the host (default: LIBVIRT_DEFAULT_URI, else qemu:///system)\n"
    "      --interval S       seconds between samples (default 10; decimals allowed)\n"
    "      --duration D       how long to record: 90s, 30m, 24h, 7d (default: until\n"
    "                         stopped with Ctrl-C or SIGTERM)\n"
    "      --out FILE         the recording (required)\n"
    "      --timeout S        deadline of one sample and of a reconnection (default 10)\n"
    "  -q, --quiet            no progress line (shown only on a terminal)\n"
    "\n"
    "SIGINT and SIGTERM finish the sample under way and close the file. Every sample is\n"
    "committed on its own: a killed recorder leaves every sample before readable. When\n"
    "the host does not answer, the recorder reconnects and records the gap. The file's\n"
    "schema is described in doc/recording.md.\n"
    "\n"
    "Exit status: 0 ok, 2 usage, 3 FILE is not a kvmcap recording, 4 the host could not\n"
    "be reached at the start, or an I/O error (a full disk: the samples before it stay).\n";

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int kc_cmd_parse_span_ms(const char *opt, const char *text, uint64_t max_ms, uint64_t *ms,
                         kc_error *err)
{
    uint64_t whole = 0, frac = 0, mul = 1000;
    const char *p = text;
    int digits = 0, fdigits = 0;

    for (; *p >= '0' && *p <= '9'; p++, digits++) {
        if (whole > (UINT64_MAX - 9) / 10)
            goto bad;
        whole = whole * 10 + (uint64_t)(*p - '0');
    }
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, fdigits++) {
            if (fdigits == 3)
                goto bad;
            frac = frac * 10 + (uint64_t)(*p - '0');
        }
        if (!fdigits)
            goto bad;
    }
    for (int i = fdigits; i < 3; i++)
        frac *= 10;
    if (!digits && !fdigits)
        goto bad;
    if (*p) {
        if (p[1])
            goto bad;
        switch (*p) {
        case 's': mul = 1000; break;
        case 'm': mul = 60000; break;
        case 'h': mul = 3600000; break;
        case 'd': mul = 86400000; break;
        default: goto bad;
        }
    }
    /* value in ms: (whole + frac/1000) * mul */
    if (whole > max_ms / mul + 1)
        goto range;
    {
        kc_u128 v = (kc_u128)whole * mul + (kc_u128)frac * mul / 1000;

        if (v == 0 || v > max_ms)
            goto range;
        *ms = (uint64_t)v;
    }
    return 0;
 range:
    return kc_cli_usage_error(err, "%s: '%s' is out of range", opt, text);
 bad:
    return kc_cli_usage_error(err, "%s: '%s' is not a time span (use e.g. 10, 0.5, 90s, 30m, "
                              "24h, 7d)", opt, text);
}

enum { OPT_INTERVAL = 256, OPT_DURATION, OPT_OUT, OPT_TIMEOUT };

static const struct option record_options[] = {
    { "connect", required_argument, NULL, 'c' },
    { "interval", required_argument, NULL, OPT_INTERVAL },
    { "duration", required_argument, NULL, OPT_DURATION },
    { "out", required_argument, NULL, OPT_OUT },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
};

int kc_cmd_record_main(int argc, char **argv)
{
    kc_record_opts o = { .interval_ms = 10000, .timeout_s = 10 };
    kc_record_result res;
    kc_error err = { 0 };
    const char *interval = NULL, *duration = NULL, *timeout = NULL;
    bool quiet = false;
    struct sigaction sa;
    uint64_t v;
    int c;

    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":c:qh", record_options, NULL)) != -1) {
        switch (c) {
        case 'c': o.uri = optarg; break;
        case OPT_INTERVAL: interval = optarg; break;
        case OPT_DURATION: duration = optarg; break;
        case OPT_OUT: o.out = optarg; break;
        case OPT_TIMEOUT: timeout = optarg; break;
        case 'q': quiet = true; break;
        case 'h':
            fputs(help_record, stdout);
            return kc_cli_finish_stdout();
        case ':':
            if (optopt && optopt < 256)
                kc_cli_usage_error(&err, "option '-%c' needs a value", optopt);
            else
                kc_cli_usage_error(&err, "option '%s' needs a value", argv[optind - 1]);
            return kc_cli_fail(&err);
        default:
            if (optopt && optopt < 256 && optopt > ' ' && optopt < 0x7f)
                kc_cli_usage_error(&err, "unknown option '-%c'", optopt);
            else
                kc_cli_usage_error(&err, "unknown option '%s'", argv[optind - 1]);
            return kc_cli_fail(&err);
        }
    }
    if (optind < argc) {
        kc_cli_usage_error(&err, "unexpected argument '%s'", argv[optind]);
        return kc_cli_fail(&err);
    }
    if (!o.out) {
        kc_cli_usage_error(&err, "record needs --out FILE");
        return kc_cli_fail(&err);
    }
    /* at least 10 ms between samples, at most a day; a duration of at most 10 years */
    if (interval) {
        if (kc_cmd_parse_span_ms("--interval", interval, 86400000ull, &v, &err) < 0)
            return kc_cli_fail(&err);
        if (v < 10) {
            kc_cli_usage_error(&err, "--interval: '%s' is below 0.01 s", interval);
            return kc_cli_fail(&err);
        }
        o.interval_ms = (uint32_t)v;
    }
    if (duration &&
        kc_cmd_parse_span_ms("--duration", duration, 3650ull * 86400000ull, &o.duration_ms,
                             &err) < 0)
        return kc_cli_fail(&err);
    if (timeout) {
        if (kc_spec_parse_uint(timeout, 3600, &v, &err) < 0 || v == 0) {
            if (v == 0)
                kc_error_set(&err, KC_ERR_USAGE, "'%s' must be at least 1", timeout);
            kc_cli_opt_error(&err, "--timeout");
            return kc_cli_fail(&err);
        }
        o.timeout_s = (unsigned)v;
    }
    o.progress = !quiet && isatty(STDERR_FILENO);
    o.stop = &stop_flag;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;     /* no SA_RESTART: a signal wakes the sleep */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (kc_record_run(&o, &res, &err) < 0)
        return kc_cli_fail(&err);
    return kc_cli_finish_stdout();
}
