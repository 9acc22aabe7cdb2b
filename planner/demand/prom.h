/* SPDX-License-Identifier: MIT */
/* prom.h: Prometheus as a demand source: HTTP API client over libcurl (range queries and
 * series, split at the server's points limit, one deadline for the whole run), the
 * option values (durations, times, label selectors). */
#ifndef KC_PROM_H
#define KC_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "kc.h"
#include "demand/prom_json.h"
#include "demand/prom_map.h"

/*
 * doc/prometheus.md is the user's side of this module: which queries kvmcap sends, which
 * exporter metric stands for which figure, why rates are computed here and not by PromQL.
 */

/* Prometheus refuses a range query of more than 11,000 points per series
 * ("exceeded maximum resolution of 11,000 points per timeseries"). */
#define KC_PROM_MAX_POINTS 11000u
/* Option values. A duration is Prometheus's: one or more number+unit with units ms, s, m,
 * h, d, w, y (y = 365 d), e.g. "30d", "1h30m", "250ms"; > 0, at most 100 years.
 * A time is "now", a duration (that long before @now_ms: "--since 30d"), Unix seconds with up
 * to 3 decimals ("1764547200", "1764547200.5") or RFC 3339 in UTC or with an offset
 * ("2026-12-01T00:00:00Z", "2026-12-01T01:00:00.250+01:00"). Errors are KC_ERR_USAGE
 * naming the text. */
int kc_prom_parse_duration(const char *s, int64_t *ms, kc_error *err);
int kc_prom_parse_time(const char *s, int64_t now_ms, int64_t *ms, kc_error *err);

/* Check a label selector given with --match: comma-separated matchers
 * `name="value"`, `name!="value"`, `name=~"re"`, `name!~"re"` (double-quoted, Go-style
 * backslash escapes), optionally inside braces. Returns 0, or -1 with KC_ERR_USAGE. */
int kc_prom_check_match(const char *match, kc_error *err);

/* How to reach the server and what to read. Strings are borrowed for the client's life. */
typedef struct kc_prom_opts {
    const char *url;            /* base URL, http:// or https://, a path prefix allowed */
    const char *match;          /* --match: libvirt exporter series; NULL = all */
    const char *node_match;     /* node_exporter series; NULL = all (hosts joined by name) */
    const char *host_label;     /* label naming the host; NULL = "instance" without port */
    int64_t since_ms, until_ms; /* window, inclusive; since <= until */
    int64_t step_ms;            /* > 0 */
    unsigned timeout_ms;        /* deadline for the whole run, every request included; > 0 */
    const char *user;           /* basic auth user, password read from password_file */
    const char *password_file;
    const char *token_file;     /* bearer token read from this file (never from argv) */
    const char *ca_file;        /* CA bundle for https (verification is always on) */
    unsigned max_points;        /* per series per query; 0 = KC_PROM_MAX_POINTS */
} kc_prom_opts;

typedef struct kc_prom_client kc_prom_client;

/* Check @o, read the credential files and set up a client; the deadline starts now.
 * Returns NULL with @err: KC_ERR_USAGE for bad options, KC_ERR_INVALID for an unreadable or
 * malformed credential file. Free with kc_prom_client_free(). */
kc_prom_client *kc_prom_client_new(const kc_prom_opts *o, kc_error *err);
void kc_prom_client_free(kc_prom_client *c);

/* Run @query (PromQL) over the client's window and step, split into as many requests as the
 * points limit needs, and merge the results into @m. Returns 0, or -1 with @err:
 * KC_ERR_HOST for a server that is down, slow past the deadline, answers an HTTP or API error
 * or garbage (the message names the URL's host and what went wrong, never a credential). */
int kc_prom_query_range(kc_prom_client *c, const char *query, kc_prom_matrix *m,
                        kc_error *err);

/* /api/v1/series for @selector over the client's window into @m (no points). */
int kc_prom_series_query(kc_prom_client *c, const char *selector, kc_prom_matrix *m, kc_error *err);

/* Read every host and VM the selectors give over the client's window: one range query for
 * the libvirt exporter's metrics, two for node_exporter's, then kc_prom_fleet_build().
 * This is the entry point for `kvmcap demand --prometheus URL`. */
int kc_prom_fleet_read(kc_prom_client *c, kc_prom_fleet *f, kc_error *err);

/* The same, host by host, so that memory holds one host's history at a time (a fleet of
 * 200 hosts x 50 VMs over 30 days at 5 minutes would otherwise need gigabytes): the hosts are
 * listed through /api/v1/series, then each is read with range queries narrowed to its
 * instances and handed to @cb as a one-host kc_prom_fleet (borrowed for the call), in host
 * name order. @cb returns 0 to go on, or -1 with @err to stop. Returns 0, or -1 with @err. */
typedef int (*kc_prom_host_cb)(const kc_prom_fleet *one, void *user, kc_error *err);
int kc_prom_fleet_each(kc_prom_client *c, kc_prom_host_cb cb, void *user, kc_error *err);

#endif /* KC_PROM_H */
