/* SPDX-License-Identifier: MIT */
/* cmd_demand.h: the demand model's commands (record, demand, rightsize) and fit --demand. */
#ifndef KC_CMD_DEMAND_H
#define KC_CMD_DEMAND_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli/cli.h"
#include "demand/demand.h"
#include "input/catalog.h"
#include "kc.h"

/* The commands, run on what the option table parsed into @cli (their options are rows of
 * options.c); each returns 0, or -1 with @err. */
int kc_cmd_record(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_demand(const kc_cli *cli, kc_catalog *cat, kc_error *err);
int kc_cmd_rightsize(const kc_cli *cli, kc_catalog *cat, kc_error *err);
void kc_help_record(FILE *out);
void kc_help_demand(FILE *out);
void kc_help_rightsize(FILE *out);
int kc_cmd_forecast(const kc_cli *cli, kc_catalog *cat, kc_error *err);
void kc_help_forecast(FILE *out);

/* demand (@rightsize false) or rightsize. */
int kc_cmd_demand_run(const kc_cli *cli, bool rightsize, kc_error *err);

/* A time span: a decimal number of seconds with up to 3 decimals and an optional unit
 * s, m, h or d ("10", "0.5", "90s", "24h", "7d"), into milliseconds (> 0). Returns 0, or -1
 * with a usage error naming @opt. */
int kc_cmd_parse_span_ms(const char *opt, const char *text, uint64_t max_ms, uint64_t *ms,
                         kc_error *err);

/* A point in time: "YYYY-MM-DDTHH:MM:SSZ" (UTC; "T" may be a space, the "Z" may be left out)
 * or "@SECONDS" since the epoch, into ns since the epoch. */
int kc_cmd_parse_time_ns(const char *opt, const char *text, uint64_t *ns, kc_error *err);

/* "2c4g,like=web1,disk=40g" -> "2c4g,disk=40g" in @rest and "web1" in @like (--vm SPEC
 * with --demand). Returns 0, or -1 with @err. */
int kc_fit_demand_split_like(const char *spec, char *rest, size_t rest_size, char *like,
                             size_t like_size, kc_error *err);

/* Fit every --vm of @cli on the recorded host under the allocation and the demand model
 * and print both (text or JSON). Returns 0, or -1 with @err. */
int kc_fit_demand_run(const kc_cli *cli, kc_catalog *cat, kc_error *err);

/* --prometheus URL (cmd_prom.c): every host the server's libvirt exporter series give over
 * the window of @cli (--since, default 30 days before --until, default now; --step, default
 * 5 minutes; --match, --instance; --hostname keeps one host), each summarised at
 * @cli->p_bp as kc_demand_load() does for a recording, in host name order, with the host's
 * sums per slot kept when @series (kc_demand_opts.keep_series). Returns 0, or -1 with @err
 * (KC_ERR_HOST: the server is down, slow past --timeout or answers garbage; KC_ERR_INVALID:
 * no host in the window). Caller frees with kc_cmd_prom_hosts_clear(). */
typedef struct kc_prom_hosts {
    kc_demand_host *h;
    size_t n;
} kc_prom_hosts;

int kc_cmd_prom_load(const kc_cli *cli, bool series, kc_prom_hosts *out, kc_error *err);
void kc_cmd_prom_hosts_clear(kc_prom_hosts *ph);
/* The window of --since/--until/--step with their defaults, in ms since the epoch. */
void kc_cmd_prom_window(const kc_cli *cli, int64_t *since_ms, int64_t *until_ms,
                        int64_t *step_ms);

#endif /* KC_CMD_DEMAND_H */
