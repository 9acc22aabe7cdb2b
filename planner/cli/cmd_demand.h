/* SPDX-License-Identifier: MIT */
/* cmd_demand.h: the demand model's commands (record, demand, rightsize), each parsing its
 * own options; each returns the exit status. */
#ifndef KC_CMD_DEMAND_H
#define KC_CMD_DEMAND_H

#include <stdbool.h>
#include <stdint.h>

#include "cli/cli.h"
#include "input/catalog.h"
#include "kc.h"

/* argv[0] is the command's name ("record"); the options follow. */
int kc_cmd_record_main(int argc, char **argv);
int kc_cmd_demand_main(int argc, char **argv);
int kc_cmd_rightsize_main(int argc, char **argv);

/* demand (@rightsize false) or rightsize: parse, load, print; returns the exit status. */
int kc_cmd_demand_run(int argc, char **argv, bool rightsize);
extern const char kc_help_rightsize[];

/* The entry point of one of these commands for @name, or NULL. */
typedef int (*kc_cmd_main_fn)(int argc, char **argv);
kc_cmd_main_fn kc_cmd_demand_lookup(const char *name);

/* A time span: a decimal number of seconds with up to 3 decimals and an optional unit
 * s, m, h or d ("10", "0.5", "90s", "24h", "7d"), into milliseconds (> 0). Returns 0, or -1
 * with a usage error naming @opt. */
int kc_cmd_parse_span_ms(const char *opt, const char *text, uint64_t max_ms, uint64_t *ms,
                         kc_error *err);

/* A point in time: "YYYY-MM-DDTHH:MM:SSZ" (UTC; "T" may be a space, the "Z" may be left out)
 * or "@SECONDS" since the epoch, into ns since the epoch. */
int kc_cmd_parse_time_ns(const char *opt, const char *text, uint64_t *ns, kc_error *err);

/* kvmcap [fit] --demand FILE: take --demand FILE (or --demand=FILE), --percentile P,
 * --hostname H, --since T and --until T out of argv[@first..] (*@argc shrinks), so that the
 * rest is parsed as for fit. Returns 0, or -1 with a usage error (one of them without
 * --demand). */
int kc_fit_demand_take(int *argc, char **argv, int first, kc_error *err);

/* Whether --demand was given. */
bool kc_fit_demand_wanted(void);

/* Fit every --vm of @cli on the recorded host under the allocation and the demand model
 * and print both (text or JSON). Returns 0, or -1 with @err. */
int kc_fit_demand_run(const kc_cli *cli, kc_catalog *cat, kc_error *err);

#endif /* KC_CMD_DEMAND_H */
