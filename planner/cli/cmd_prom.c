/* SPDX-License-Identifier: MIT */
/* cmd_prom.c: --prometheus URL for the demand commands: the options become a window and a
 * client, every host the server knows becomes the demand model a recording gives. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "cli/cmd_demand.h"
#include "demand/demand_prom.h"
#include "demand/prom.h"
#include "util/sanitize.h"
#include "util/util.h"

/* The defaults of doc/prometheus.md: the last 30 days at 5-minute steps. */
#define DEFAULT_SPAN_MS (30ll * 86400000)
#define DEFAULT_STEP_MS 300000ll

typedef struct load_ctx {
    kc_prom_hosts *out;
    const kc_cli *cli;
    bool series;
} load_ctx;

static int on_host(const kc_prom_fleet *one, void *user, kc_error *err)
{
    load_ctx *c = user;

    (void)err;
    for (size_t i = 0; i < one->n_hosts; i++) {
        kc_prom_hosts *ph = c->out;

        if (c->cli->hostname && strcmp(c->cli->hostname, one->hosts[i].name) != 0)
            continue;
        ph->h = kc_xreallocarray(ph->h, ph->n + 1, sizeof(*ph->h));
        kc_demand_from_prom(one, &one->hosts[i], c->cli->p_bp, c->series, &ph->h[ph->n++]);
    }
    return 0;
}

void kc_cmd_prom_window(const kc_cli *cli, int64_t *since_ms, int64_t *until_ms,
                        int64_t *step_ms)
{
    struct timespec now;

    clock_gettime(CLOCK_REALTIME, &now);
    *until_ms = cli->until_ns ? (int64_t)(cli->until_ns / 1000000ull)
                              : (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    *since_ms = cli->since_ns ? (int64_t)(cli->since_ns / 1000000ull)
                              : *until_ms - DEFAULT_SPAN_MS;
    *step_ms = cli->step_ms ? (int64_t)cli->step_ms : DEFAULT_STEP_MS;
}

int kc_cmd_prom_load(const kc_cli *cli, bool series, kc_prom_hosts *out, kc_error *err)
{
    char match[600];
    kc_prom_opts po;
    kc_prom_client *c;
    load_ctx ctx = { .out = out, .cli = cli, .series = series };
    int ret;

    memset(&po, 0, sizeof(po));
    memset(out, 0, sizeof(*out));
    po.url = cli->prometheus;
    kc_cmd_prom_window(cli, &po.since_ms, &po.until_ms, &po.step_ms);
    po.timeout_ms = (cli->timeout_s ? cli->timeout_s : 10) * 1000u;
    po.user = cli->user;
    po.password_file = cli->password_file;
    po.token_file = cli->token_file;
    po.ca_file = cli->cacert;
    po.match = cli->match;
    if (cli->instance) {
        const char *m = cli->match ? cli->match : "";
        size_t ml = strlen(m);

        /* the user's matchers, braces taken off, and the instance (checked: no quote) */
        if (ml >= 2 && m[0] == '{' && m[ml - 1] == '}') {
            m++;
            ml -= 2;
        }
        if (ml > INT_MAX ||
            snprintf(match, sizeof(match), "%.*s%sinstance=\"%s\"", (int)ml, m, ml ? "," : "",
                     cli->instance) >= (int)sizeof(match))
            return kc_cli_usage_error(err, "--match and --instance together are longer than "
                                      "%zu bytes", sizeof(match) - 1);
        po.match = match;
    }
    if (po.since_ms > po.until_ms)
        return kc_cli_usage_error(err, "--since is after --until");
    if (!(c = kc_prom_client_new(&po, err)))
        return -1;
    ret = kc_prom_fleet_each(c, on_host, &ctx, err);
    kc_prom_client_free(c);
    if (ret == 0 && out->n == 0) {
        if (cli->hostname)
            kc_error_set(err, KC_ERR_INVALID, "prometheus: no host '%s' in the window (the "
                         "host is the instance label without its port)",
                         kc_term_str(cli->hostname));
        else
            kc_error_set(err, KC_ERR_INVALID, "prometheus: no host in the window");
        ret = -1;
    }
    if (ret < 0)
        kc_cmd_prom_hosts_clear(out);
    return ret;
}

void kc_cmd_prom_hosts_clear(kc_prom_hosts *ph)
{
    if (!ph)
        return;
    for (size_t i = 0; i < ph->n; i++)
        kc_demand_host_clear(&ph->h[i]);
    free(ph->h);
    memset(ph, 0, sizeof(*ph));
}
