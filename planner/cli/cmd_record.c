/* SPDX-License-Identifier: MIT */
/* cmd_record.c: kvmcap record: sample a host's load into a recording file (read-only). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_demand.h"
#include "demand/record.h"

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

void kc_help_record(FILE *out)
{
    fputs(help_record, out);
}

int kc_cmd_record(const kc_cli *cli, kc_catalog *cat, kc_error *err)
{
    kc_record_opts o = { .uri = cli->uri, .out = cli->out, .interval_ms = cli->interval_ms,
                         .duration_ms = cli->duration_ms, .timeout_s = cli->timeout_s };
    kc_record_result res;
    struct sigaction sa;

    (void)cat;
    o.progress = !cli->quiet && isatty(STDERR_FILENO);
    o.stop = &stop_flag;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;     /* no SA_RESTART: a signal wakes the sleep */
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return kc_record_run(&o, &res, err);
}
