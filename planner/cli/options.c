/* SPDX-License-Identifier: MIT */
/* options.c: the option table of every command, the parser it drives, and the checks of
 * every option value before any host is contacted. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cmd_demand.h"
#include "cli/options.h"
#include "demand/prom.h"
#include "facts/facts.h"
#include "fleet/fleet.h"
#include "input/spec.h"
#include "util/util.h"

static const char *const command_words[] = {
    [KC_CMD_FIT] = "fit", [KC_CMD_FACTS] = "facts", [KC_CMD_SIZE] = "size",
    [KC_CMD_FLEET] = "fleet", [KC_CMD_SWEEP] = "sweep", [KC_CMD_RECORD] = "record",
    [KC_CMD_DEMAND] = "demand", [KC_CMD_RIGHTSIZE] = "rightsize",
    [KC_CMD_FORECAST] = "forecast",
};
_Static_assert(sizeof(command_words) / sizeof(command_words[0]) == KC_CMD_LAST,
               "one name per command");
const kc_names kc_cli_commands = { command_words, KC_CMD_LAST };

/* ---- value checks: each parses what its option says into kc_cli ---- */

static int check_timeout(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return kc_cli_timeout(v, &o->timeout_s, err);
}

static int check_set(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    kc_facts *scratch = kc_facts_new();    /* the keys parse the same over any host */
    int ret = kc_spec_apply_set(v, cat, scratch, err);

    (void)o;
    kc_facts_free(scratch);
    return ret;
}

static int check_vm(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    kc_shape shape;
    uint64_t count = 0;
    bool has_count = false;
    char label[160], rest[512], like[KC_NAME_MAX];

    /* with --demand a spec may name a recorded VM (like=NAME) */
    if (o->demand_file && strstr(v, "like=")) {
        if (kc_fit_demand_split_like(v, rest, sizeof(rest), like, sizeof(like), err) < 0)
            return -1;
        v = rest;
    }
    return kc_spec_parse_vm(v, cat, &shape, &count, &has_count, label, sizeof(label), err);
}

static int check_check(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    if (kc_spec_parse_uint(v, UINT64_MAX, &o->check_n, err) < 0)
        return kc_cli_opt_error(err, "--check");
    return 0;
}

static int check_ha(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t ha;

    (void)cat;
    if (kc_spec_parse_uint(v, 1000, &ha, err) < 0)
        return kc_cli_opt_error(err, "--ha");
    o->ha_n = (uint32_t)ha;
    return 0;
}

static int check_min_days(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t d;

    (void)cat;
    if (kc_spec_parse_uint(v, 3650, &d, err) < 0 || d < 3)
        return kc_cli_usage_error(err, "--min-days: '%s' is not a number of days from 3 to "
                                  "3650", v);
    o->min_days_n = (uint32_t)d;
    return 0;
}

static int check_horizon(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t d;

    (void)cat;
    if (kc_spec_parse_uint(v, 3650, &d, err) < 0 || d < 1)
        return kc_cli_usage_error(err, "--horizon: '%s' is not a number of days from 1 to "
                                  "3650", v);
    o->horizon_n = (uint32_t)d;
    return 0;
}

static int check_growth(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    if (kc_spec_parse_percent_bp(v, 1000000, &o->growth_bp, err) < 0)
        return kc_cli_opt_error(err, "--growth");
    return 0;
}

/* --effort N: a multiple of the packing search's work budget (kc_pack_opts.effort). */
static int check_effort(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t n = 0;
    int rc = kc_spec_parse_uint(v, KC_CLI_EFFORT_MAX, &n, err);

    (void)cat;
    if (rc < 0 || n == 0) {
        if (rc == 0)
            kc_error_set(err, KC_ERR_USAGE, "'%s' must be at least 1", v);
        return kc_cli_opt_error(err, "--effort");
    }
    o->effort_n = (uint32_t)n;
    return 0;
}

static int check_parallel(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t n = 0;
    int rc = kc_spec_parse_uint(v, KC_FLEET_PARALLEL_MAX, &n, err);

    (void)cat;
    if (rc < 0 || n == 0) {
        if (rc == 0)
            kc_error_set(err, KC_ERR_USAGE, "'%s' must be at least 1", v);
        return kc_cli_opt_error(err, "--parallel");
    }
    o->parallel_n = (unsigned)n;
    return 0;
}

static int check_sort(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    int s;

    (void)cat;
    if (kc_cli_pick("--sort", v, &kc_names_sort, &s, err) < 0)
        return -1;
    o->sort_key = (kc_fleet_sort)s;
    return 0;
}

/* at least 10 ms between samples, at most a day */
static int check_interval(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t ms;

    (void)cat;
    if (kc_cmd_parse_span_ms("--interval", v, 86400000ull, &ms, err) < 0)
        return -1;
    if (ms < 10)
        return kc_cli_usage_error(err, "--interval: '%s' is below 0.01 s", v);
    o->interval_ms = (uint32_t)ms;
    return 0;
}

/* at most 10 years */
static int check_duration(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return kc_cmd_parse_span_ms("--duration", v, 3650ull * 86400000ull, &o->duration_ms, err);
}

/* a time, or a duration before now ("30d"), as Prometheus users write it */
/* a time as for recordings, else as Prometheus users write one: "now", a duration before
 * now ("30d"), Unix seconds or RFC 3339 with an offset (kc_prom_parse_time) */
static int parse_when(const char *opt, const char *v, uint64_t *ns, kc_error *err)
{
    struct timespec now;
    int64_t ms, now_ms;
    kc_error e2 = { 0 };

    if (kc_cmd_parse_time_ns(opt, v, ns, err) == 0)
        return 0;
    clock_gettime(CLOCK_REALTIME, &now);
    now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    if (kc_prom_parse_time(v, now_ms, &ms, &e2) < 0)
        return -1;                       /* the recording form's message, naming @opt */
    if (ms <= 0)
        return kc_cli_usage_error(err, "%s: '%s' reaches before 1970", opt, v);
    *ns = (uint64_t)ms * 1000000ull;
    memset(err, 0, sizeof(*err));
    return 0;
}

static int check_since(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return parse_when("--since", v, &o->since_ns, err);
}

static int check_until(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return parse_when("--until", v, &o->until_ns, err);
}

static int check_prometheus(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)o;
    (void)cat;
    if ((strncmp(v, "http://", 7) != 0 || !v[7]) && (strncmp(v, "https://", 8) != 0 || !v[8]))
        return kc_cli_usage_error(err, "--prometheus: '%s' is not an http:// or https:// URL",
                                  v);
    for (const char *p = v; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return kc_cli_usage_error(err, "--prometheus: '%s' is not an http:// or https:// "
                                      "URL", v);
    return 0;
}

/* at least a second, at most a day */
static int check_step(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    int64_t ms;

    (void)cat;
    if (kc_prom_parse_duration(v, &ms, err) < 0)
        return -1;
    if (ms < 1000 || ms > 86400000)
        return kc_cli_usage_error(err, "--step: '%s' is not between 1s and 1d", v);
    o->step_ms = (uint64_t)ms;
    return 0;
}

static int check_match(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)o;
    (void)cat;
    return kc_prom_check_match(v, err);
}

/* host:port as Prometheus's instance label; no quote or backslash to escape */
static int check_instance(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)o;
    (void)cat;
    if (!*v || strlen(v) > 200 || strpbrk(v, "\"\\{},=~") || strchr(v, ' '))
        return kc_cli_usage_error(err, "--instance: '%s' is not an instance (host:port)", v);
    return 0;
}

/* A percentage in bp, at most @max, into *@out; a usage error naming @opt. */
static int check_pct(const char *opt, const char *v, uint32_t max, uint32_t *out,
                     kc_error *err)
{
    if (kc_spec_parse_percent_bp(v, max, out, err) < 0)
        return kc_cli_opt_error(err, opt);
    return 0;
}

static int check_percentile(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return check_pct("--percentile", v, KC_BP_ONE, &o->p_bp, err);
}

static int check_margin(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return check_pct("--margin", v, 9900, &o->margin_bp, err);
}

static int check_target(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    if (check_pct("--target", v, KC_BP_ONE, &o->rs.target_bp, err) < 0)
        return -1;
    if (!o->rs.target_bp)
        return kc_cli_usage_error(err, "--target: '%s' must be above 0", v);
    return 0;
}

static int check_headroom(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return check_pct("--headroom", v, 1000000, &o->rs.headroom_bp, err);
}

static int check_mem_floor(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    if (kc_spec_parse_size_mib(v, true, true, &o->rs.mem_floor_mib, err) < 0)
        return kc_cli_opt_error(err, "--mem-floor");
    return 0;
}

static int check_idle_cpu(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    uint64_t bp;

    (void)cat;
    /* cores with up to 4 decimals, in bp of a core (ratio parser: thousandths) */
    if (kc_spec_parse_ratio_milli(v, &o->rs.idle_cpu_bp, err) < 0)
        return kc_cli_opt_error(err, "--idle-cpu");
    bp = (uint64_t)o->rs.idle_cpu_bp * 10;
    o->rs.idle_cpu_bp = bp > UINT32_MAX ? UINT32_MAX : (uint32_t)bp;
    return 0;
}

static int check_undersized(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return check_pct("--undersized", v, KC_BP_ONE, &o->rs.undersized_bp, err);
}

static int check_steal(kc_cli *o, const kc_catalog *cat, const char *v, kc_error *err)
{
    (void)cat;
    return check_pct("--steal", v, KC_BP_ONE, &o->rs.steal_bp, err);
}

/* ---- the table ---- */

#define FIT KC_CMD_BIT(KC_CMD_FIT)
#define FACTS KC_CMD_BIT(KC_CMD_FACTS)
#define SIZE KC_CMD_BIT(KC_CMD_SIZE)
#define FLEET KC_CMD_BIT(KC_CMD_FLEET)
#define SWEEP KC_CMD_BIT(KC_CMD_SWEEP)
#define RECORD KC_CMD_BIT(KC_CMD_RECORD)
#define DEMAND KC_CMD_BIT(KC_CMD_DEMAND)
#define RIGHTSIZE KC_CMD_BIT(KC_CMD_RIGHTSIZE)
#define FORECAST KC_CMD_BIT(KC_CMD_FORECAST)
#define RECORDED (DEMAND | RIGHTSIZE | FORECAST) /* the commands that read a recording */
#define PROM (FIT | FLEET | RECORDED)            /* the commands that read Prometheus */
#define PLANNER (FIT | FACTS | SIZE | FLEET | SWEEP)    /* the commands of a host's facts */
#define ALL (PLANNER | RECORD | RECORDED)
#define POLICY (FIT | SIZE | FLEET | SWEEP)      /* the commands that plan */

#define AT(f) offsetof(kc_cli, f)
#define FLAG(f) .kind = KC_OPT_FLAG, .field = AT(f)
#define VALUE(f, a) .kind = KC_OPT_VALUE, .field = AT(f), .arg = (a)
#define LIST(last, arr, n, a) .kind = KC_OPT_LIST, .field = (last), .list = AT(arr),  \
        .count = AT(n), .max = sizeof(((kc_cli *)0)->arr) / sizeof(((kc_cli *)0)->arr[0]), \
        .arg = (a)
#define CONF(k) .conf = (k)

/* In the order of 'kvmcap --help' (the rows of other commands between). Every row names its
 * .conf: -1 unless the policy file has a key of the same name. */
const kc_option kc_options[] = {
    /* the host */
    { "connect", .short_name = 'c', LIST(AT(uri), uris, n_uris, "URI"),
      .commands = FIT | FACTS | FLEET | SWEEP | RECORD, .conf = -1, .other = "hosts",
      .group = KC_GROUP_HOST,
      .help = "a libvirt URI, read-only (honours LIBVIRT_DEFAULT_URI)" },
    { "host", LIST(AT(host_spec), hosts, n_hosts, "SPEC"),
      .commands = FIT | FACTS | SIZE | SWEEP, .conf = -1, .group = KC_GROUP_HOST,
      .help = "a described host: 8c8g, or with keys:\n"
              "32c256g,nic=2x10g,disk=4xssd:1.92t,\n"
              "storage=iscsi-10g:20t,numa=2,hugepages=16g,name=X" },
    { "facts", VALUE(facts_file, "FILE"), .commands = FIT | FACTS | SWEEP, .conf = -1,
      .other = "from-facts", .group = KC_GROUP_HOST,
      .help = "a facts file written by 'kvmcap facts --json'" },
    { "timeout", VALUE(timeout, "S"),
      .commands = FIT | FACTS | FLEET | SWEEP | RECORD | RECORDED,
      CONF(KC_CONF_TIMEOUT), .check = check_timeout, .group = KC_GROUP_HOST,
      .help = "deadline for libvirt, connecting included (default 10)" },
    { "set", VALUE(set, "KEYS"), .commands = FIT | FACTS | SWEEP, .conf = -1,
      .check = check_set, .group = KC_GROUP_HOST,
      .help = "override what the host reports (each kind replaced):\n"
              "nic=2x10g,disk=4xssd:1t,storage=iscsi-10g:20t,\n"
              "name=X,price=N" },
    /* the VMs */
    { "vm", LIST(KC_OPT_NO_FIELD, vms, n_vms, "SPEC[:COUNT]"),
      .commands = FIT | SIZE | FLEET | SWEEP, .conf = -1, .check = check_vm,
      .group = KC_GROUP_VMS,
      .help = "1c1g, 2c4g,disk=40g,iops=200,mbps=50,net=100m,cpu=25%,\n"
              "8c32g,hugepages, or a flavor (m1.small); with :COUNT\n"
              "the VMs are placed first, the others fit around them" },
    /* the policy: checked together by kc_cli_check() (kc_cli_build_policy) */
    { "profile", VALUE(profile, "P"), .commands = POLICY, CONF(KC_CONF_PROFILE),
      .group = KC_GROUP_POLICY,
      .help = "server (overcommit 20 %, bridge) or desktop (50 %, nat)" },
    { "overcommit", VALUE(overcommit, "PCT"), .commands = POLICY, CONF(KC_CONF_OVERCOMMIT),
      .range = true, .group = KC_GROUP_POLICY, .help = "memory overcommit (default 0)" },
    { "reserve", VALUE(reserve, "SIZE"), .commands = POLICY | FORECAST, CONF(KC_CONF_RESERVE),
      .range = true, .group = KC_GROUP_POLICY,
      .help = "memory kept by the hypervisor (default 512m)" },
    { "reserve-cpus", VALUE(reserve_cpus, "N"), .commands = POLICY | FORECAST,
      CONF(KC_CONF_RESERVE_CPUS), .group = KC_GROUP_POLICY,
      .help = "logical CPUs kept by the host (default 0)" },
    { "cpu-ratio", VALUE(cpu_ratio, "R"), .commands = POLICY, CONF(KC_CONF_CPU_RATIO),
      .range = true, .group = KC_GROUP_POLICY, .help = "vCPUs per logical CPU (default 4.0)" },
    { "vm-overhead", VALUE(vm_overhead, "X"), .commands = POLICY, CONF(KC_CONF_VM_OVERHEAD),
      .group = KC_GROUP_POLICY, .help = "per-VM memory overhead: SIZE or auto (default 0)" },
    { "disk-overcommit", VALUE(disk_overcommit, "PCT"), .commands = POLICY,
      CONF(KC_CONF_DISK_OVERCOMMIT), .group = KC_GROUP_POLICY,
      .help = "thin provisioning of disk space (default 0)" },
    { "max-util", VALUE(max_util, "PCT"), .commands = POLICY | FORECAST, CONF(KC_CONF_MAX_UTIL),
      .range = true, .group = KC_GROUP_POLICY,
      .help = "plan no resource above this share (default 100)" },
    { "numa", VALUE(numa, "MODE"), .commands = POLICY, CONF(KC_CONF_NUMA),
      .group = KC_GROUP_POLICY,
      .help = "spread (default) or strict (a VM fits inside one node)" },
    { "net-mode", VALUE(net_mode, "MODE"), .commands = POLICY, CONF(KC_CONF_NET_MODE),
      .group = KC_GROUP_POLICY, .help = "bridge (default) or nat" },
    { "existing", VALUE(existing, "WHICH"), .commands = POLICY, CONF(KC_CONF_EXISTING),
      .group = KC_GROUP_POLICY,
      .help = "existing VMs that count: running (default), all, none" },
    /* output and configuration */
    { "format", VALUE(format, "F"), .commands = PLANNER | RECORDED, .conf = -1, .group = KC_GROUP_OUTPUT,
      .help = "table (default), json, csv or prometheus" },
    { "json", FLAG(json), .commands = PLANNER | RECORDED, .conf = -1, .group = KC_GROUP_OUTPUT,
      .help = "the versioned JSON report (--format json)" },
    { "check", VALUE(check, "N"), .commands = FIT, .conf = -1, .check = check_check,
      .group = KC_GROUP_OUTPUT, .help = "exit 1 if fewer than N VMs of any shape fit" },
    { "config", VALUE(config, "FILE"), .commands = PLANNER, .conf = -1, .group = KC_GROUP_OUTPUT,
      .help = "the policy file to read instead of /etc/kvmcap/kvmcap.conf\n"
              "and ~/.config/kvmcap/kvmcap.conf (options win over both)" },
    /* kvmcap size */
    { "workload", LIST(AT(workload), workloads, n_workloads, "FILE"), .commands = SIZE,
      .conf = -1,
      .group = KC_GROUP_VMS,
      .help = "{\"workload\": [{\"name\": .., \"vm\": \"2c4g\", \"count\": 200}]}" },
    { "catalog", VALUE(catalog, "FILE"), .commands = SIZE, CONF(KC_CONF_CATALOG),
      .group = KC_GROUP_HOST, .help = "candidate host models instead of data/hosts.json" },
    { "from-facts", LIST(AT(from_facts), from_facts_files, n_from_facts, "FILE"),
      .commands = SIZE, .conf = -1,
      .group = KC_GROUP_VMS, .help = "the VMs a host runs today (consolidation)" },
    { "ha", VALUE(ha, "N"), .commands = SIZE | FORECAST, .conf = -1, .check = check_ha,
      .group = KC_GROUP_POLICY, .help = "host failures tolerated: N spare hosts (default 0)" },
    { "growth", VALUE(growth, "PCT"), .commands = SIZE, .conf = -1, .check = check_growth,
      .group = KC_GROUP_VMS, .help = "grow every count by PCT (default 0)" },
    { "effort", VALUE(effort, "N"), .commands = SIZE, .conf = -1, .check = check_effort,
      .group = KC_GROUP_POLICY,
      .help = "search up to N x longer for fewer hosts while a gap to the\n"
              "bound is left (default 1, at most 64)" },
    /* kvmcap fleet */
    { "hosts", VALUE(hosts_file, "FILE"), .commands = FLEET, .conf = -1,
      .group = KC_GROUP_HOST,
      .help = "one URI per line; '#' comments, blank lines ('-': stdin)" },
    { "parallel", VALUE(parallel, "N"), .commands = FLEET, .conf = -1,
      .check = check_parallel, .group = KC_GROUP_HOST,
      .help = "hosts collected at once (default 16, at most 256)" },
    { "save-facts", VALUE(save_facts, "DIR"), .commands = FLEET, .conf = -1,
      .group = KC_GROUP_HOST, .help = "write each host's facts file into DIR" },
    { "sort", VALUE(sort, "KEY"), .commands = FLEET, .conf = -1, .check = check_sort,
      .group = KC_GROUP_OUTPUT, .help = "name (default), free (most room first), bottleneck" },
    { "strict", FLAG(strict), .commands = FLEET, .conf = -1, .group = KC_GROUP_HOST,
      .help = "exit 4 when any host fails (default: report it, exit 0)" },
    { "quiet", .short_name = 'q', FLAG(quiet), .commands = FLEET | RECORD, .conf = -1,
      .group = KC_GROUP_OUTPUT,
      .help = "no progress on stderr (shown only on a terminal)" },
    /* kvmcap sweep: ranges the command checks before it contacts the host */
    { "host-mem", VALUE(host_mem, "SIZE:SIZE:SIZE"), .commands = SWEEP, .conf = -1,
      .group = KC_GROUP_HOST, .help = "the host's memory, e.g. 8g:64g:8g" },
    { "nic-speed", VALUE(nic_speed, "BW:BW:BW"), .commands = SWEEP, .conf = -1,
      .group = KC_GROUP_HOST, .help = "the host's uplink (one NIC), e.g. 1g:25g:1g" },
    /* kvmcap record */
    { "interval", VALUE(interval, "S"), .commands = RECORD, .conf = -1,
      .check = check_interval, .group = KC_GROUP_HOST,
      .help = "seconds between samples (default 10; decimals allowed)" },
    { "duration", VALUE(duration, "D"), .commands = RECORD, .conf = -1,
      .check = check_duration, .group = KC_GROUP_HOST,
      .help = "how long to record: 90s, 30m, 24h, 7d (default: until stopped)" },
    { "out", VALUE(out, "FILE"), .commands = RECORD, .conf = -1, .group = KC_GROUP_OUTPUT,
      .help = "the recording (required)" },
    /* kvmcap fit --demand FILE, kvmcap demand and kvmcap rightsize */
    { "demand", VALUE(demand_file, "FILE"), .commands = FIT, .conf = -1,
      .group = KC_GROUP_DEMAND,
      .help = "plan the host of a recording ('kvmcap record') under the\n"
              "allocation and the demand model; --vm SPEC,like=NAME\n"
              "takes the observed use of the recorded VM NAME" },
    { "since", VALUE(since, "T"), .commands = FIT | FLEET | RECORDED, .conf = -1,
      .check = check_since, .group = KC_GROUP_DEMAND,
      .help = "the window's start: 2026-12-03T08:00:00Z (UTC), @EPOCH or a\n"
              "duration before now (30d)" },
    { "until", VALUE(until, "T"), .commands = FIT | FLEET | RECORDED, .conf = -1,
      .check = check_until, .group = KC_GROUP_DEMAND,
      .help = "the window's end (default: the whole recording; now for\n"
              "--prometheus, whose --since defaults to 30 days before it)" },
    { "prometheus", VALUE(prometheus, "URL"), .commands = PROM, .conf = -1,
      .check = check_prometheus, .group = KC_GROUP_DEMAND,
      .help = "read the history from this Prometheus server (its libvirt and\n"
              "node exporters) instead of a recording (doc/prometheus.md)" },
    { "step", VALUE(step, "D"), .commands = PROM, .conf = -1, .check = check_step,
      .group = KC_GROUP_DEMAND, .help = "Prometheus: the distance between samples (default 5m)" },
    { "match", VALUE(match, "SELECTOR"), .commands = PROM, .conf = -1,
      .check = check_match, .group = KC_GROUP_DEMAND,
      .help = "Prometheus: the libvirt exporter's series, e.g. 'job=\"libvirt\"'" },
    { "instance", VALUE(instance, "HOST:PORT"), .commands = PROM, .conf = -1,
      .check = check_instance, .group = KC_GROUP_DEMAND,
      .help = "Prometheus: one libvirt exporter's host only (kvm7:9177)" },
    { "user", VALUE(user, "NAME"), .commands = PROM, .conf = -1,
      .group = KC_GROUP_DEMAND, .help = "Prometheus: basic auth user" },
    { "password-file", VALUE(password_file, "FILE"), .commands = PROM, .conf = -1,
      .group = KC_GROUP_DEMAND, .help = "Prometheus: basic auth password, read from FILE" },
    { "bearer-token-file", VALUE(token_file, "FILE"), .commands = PROM, .conf = -1,
      .group = KC_GROUP_DEMAND, .help = "Prometheus: bearer token, read from FILE" },
    { "cacert", VALUE(cacert, "FILE"), .commands = PROM, .conf = -1,
      .group = KC_GROUP_DEMAND, .help = "Prometheus: CA bundle for https" },
    { "percentile", VALUE(percentile, "P"), .commands = FIT | DEMAND | RIGHTSIZE, .conf = -1,
      .check = check_percentile, .group = KC_GROUP_DEMAND,
      .help = "the demand planned for (default 95)" },
    { "hostname", VALUE(hostname, "H"), .commands = FIT | RECORDED, .conf = -1,
      .group = KC_GROUP_DEMAND,
      .help = "which host of a recording (or of Prometheus: the instance\n"
              "label without its port) that holds several" },
    { "min-days", VALUE(min_days, "N"), .commands = FORECAST, .conf = -1,
      .check = check_min_days, .group = KC_GROUP_DEMAND,
      .help = "fewer days of history give no forecast (default 7, at least 3)" },
    { "horizon", VALUE(horizon, "DAYS"), .commands = FORECAST, .conf = -1,
      .check = check_horizon, .group = KC_GROUP_DEMAND,
      .help = "look this far ahead (default 365, at most 3650)" },
    { "margin", VALUE(margin, "PCT"), .commands = DEMAND, .conf = -1, .check = check_margin,
      .group = KC_GROUP_POLICY, .help = "spare capacity kept by the advice (default 20)" },
    { "target", VALUE(target, "PCT"), .commands = RIGHTSIZE, .conf = -1,
      .check = check_target, .group = KC_GROUP_POLICY,
      .help = "CPU utilisation to size for (default 80)" },
    { "headroom", VALUE(headroom, "PCT"), .commands = RIGHTSIZE, .conf = -1,
      .check = check_headroom, .group = KC_GROUP_POLICY, .help = "memory headroom (default 20)" },
    { "mem-floor", VALUE(mem_floor, "SIZE"), .commands = RIGHTSIZE, .conf = -1,
      .check = check_mem_floor, .group = KC_GROUP_POLICY,
      .help = "smallest memory recommended (default 256m)" },
    { "idle-cpu", VALUE(idle_cpu, "CORES"), .commands = RIGHTSIZE, .conf = -1,
      .check = check_idle_cpu, .group = KC_GROUP_POLICY,
      .help = "idle below this CPU demand (default 0.05)" },
    { "undersized", VALUE(undersized, "PCT"), .commands = RIGHTSIZE, .conf = -1,
      .check = check_undersized, .group = KC_GROUP_POLICY,
      .help = "undersized at this share of its vCPUs (default 90)" },
    { "steal", VALUE(steal, "PCT"), .commands = RIGHTSIZE, .conf = -1, .check = check_steal,
      .group = KC_GROUP_POLICY, .help = "undersized above this steal share (default 10)" },
    /* everywhere */
    { "help", .short_name = 'h', .kind = KC_OPT_HELP, .commands = ALL, .conf = -1,
      .group = KC_GROUP_OUTPUT,
      .help = "this help" },
    { "version", .short_name = 'V', .kind = KC_OPT_VERSION, .commands = ALL, .conf = -1,
      .group = KC_GROUP_OUTPUT, .help = "the version" },
};

const size_t kc_options_n = sizeof(kc_options) / sizeof(kc_options[0]);

static const char *const group_headings[] = {
    /* one literal in parentheses: clang's -Wstring-concatenation takes two for a lost comma */
    [KC_GROUP_HOST] = ("Host (one of; default: the local libvirt daemon read-only, else "
                       "libvirt's\nembedded QEMU driver):"),
    [KC_GROUP_VMS] = "VMs:",
    [KC_GROUP_POLICY] = "Policy (the same on fit, size, fleet and sweep):",
    [KC_GROUP_OUTPUT] = "Output and configuration:",
    [KC_GROUP_DEMAND] = "Demand (a recorded host, see 'kvmcap demand --help'):",
};
_Static_assert(sizeof(group_headings) / sizeof(group_headings[0]) == KC_GROUP_LAST,
               "one heading per section");

void kc_cli_print_options(FILE *out, kc_cmd_id cmd)
{
    for (int g = 0; g < KC_GROUP_LAST; g++) {
        bool any = false;

        for (size_t i = 0; i < kc_options_n; i++) {
            const kc_option *o = &kc_options[i];
            int width;

            if (o->group != (kc_opt_group)g || !(o->commands & KC_CMD_BIT(cmd)))
                continue;
            if (!any)
                fprintf(out, "%s\n", group_headings[g]);
            any = true;
            if (o->short_name)
                width = fprintf(out, "  -%c, --%s", o->short_name, o->name);
            else
                width = fprintf(out, "      --%s", o->name);
            if (o->arg)
                width += fprintf(out, " %s", o->arg);
            /* the text starts in column 25, or two spaces after a longer option */
            fprintf(out, "%*s", width <= 23 ? 25 - width : 2, "");
            for (const char *line = o->help; *line;) {
                size_t len = strcspn(line, "\n");

                fprintf(out, "%s%.*s\n", line == o->help ? "" : "                         ",
                        (int)len, line);
                line += len + (line[len] == '\n');
            }
        }
        if (any)
            fputc('\n', out);
    }
}

const kc_option *kc_cli_option(const char *name)
{
    for (size_t i = 0; i < kc_options_n; i++)
        if (strcmp(kc_options[i].name, name) == 0)
            return &kc_options[i];
    return NULL;
}

/* ---- parsing ---- */

/* "fit, facts, fleet and sweep": the commands of @mask. */
static const char *command_list(unsigned mask, char *buf, size_t size)
{
    unsigned left = 0;

    for (int c = 0; c < KC_CMD_LAST; c++)
        left += (mask >> c) & 1u;
    buf[0] = '\0';
    for (int c = 0; c < KC_CMD_LAST; c++) {
        if (!(mask & KC_CMD_BIT(c)))
            continue;
        left--;
        strncat(buf, command_words[c], size - strlen(buf) - 1);
        if (left)
            strncat(buf, left == 1 ? " and " : ", ", size - strlen(buf) - 1);
    }
    return buf;
}

static int not_taken(const kc_option *opt, const char *spelled, kc_cmd_id cmd, kc_error *err)
{
    const kc_option *other = opt->other ? kc_cli_option(opt->other) : NULL;
    char list[128];             /* every command's name fits */

    if (other && (other->commands & KC_CMD_BIT(cmd)))
        return kc_cli_usage_error(err, "%s is for %s (use --%s)", spelled,
                                  command_list(opt->commands, list, sizeof(list)), other->name);
    return kc_cli_usage_error(err, "%s is for %s", spelled,
                              command_list(opt->commands, list, sizeof(list)));
}

static int store(const kc_option *opt, const char *spelled, kc_cli *o, const char *value,
                 kc_error *err)
{
    char *base = (char *)o;

    switch (opt->kind) {
    case KC_OPT_FLAG:
        *(bool *)(void *)(base + opt->field) = true;
        return 0;
    case KC_OPT_VALUE:
        *(const char **)(void *)(base + opt->field) = value;
        return 0;
    case KC_OPT_LIST: {
        const char **arr = (const char **)(void *)(base + opt->list);
        size_t *n = (size_t *)(void *)(base + opt->count);

        if (*n == opt->max) {
            if (opt->other)
                return kc_cli_usage_error(err, "too many %s (at most %zu; use --%s)", spelled,
                                          opt->max, opt->other);
            return kc_cli_usage_error(err, "too many %s (at most %zu)", spelled, opt->max);
        }
        arr[(*n)++] = value;
        if (opt->field != KC_OPT_NO_FIELD)
            *(const char **)(void *)(base + opt->field) = value;
        return 0;
    }
    default:
        break;
    }
    return kc_error_set(err, KC_ERR_INTERNAL, "option '--%s' has no place", opt->name);
}

int kc_cli_parse(int argc, char **argv, int first, void (*help)(FILE *out), kc_cli *o,
                 kc_error *err)
{
    struct option longs[sizeof(kc_options) / sizeof(kc_options[0]) + 1];
    char shorts[2 * sizeof(kc_options) / sizeof(kc_options[0]) + 2], *sp = shorts;
    int cmd = kc_names_value(&kc_cli_commands, o->command ? o->command : "fit");
    int c;

    if (cmd < 0)
        return kc_error_set(err, KC_ERR_INTERNAL, "'%s' has no options table", o->command);
    *sp++ = ':';    /* a missing value is ':', not '?' */
    for (size_t i = 0; i < kc_options_n; i++) {
        const kc_option *opt = &kc_options[i];
        bool value = opt->kind == KC_OPT_VALUE || opt->kind == KC_OPT_LIST;

        longs[i] = (struct option){ opt->name, value ? required_argument : no_argument, NULL,
                                    256 + (int)i };
        if (opt->short_name) {
            *sp++ = opt->short_name;
            if (value)
                *sp++ = ':';
        }
    }
    longs[kc_options_n] = (struct option){ NULL, 0, NULL, 0 };
    *sp = '\0';

    optind = first;
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const kc_option *opt = NULL;
        char spelled[40];

        if (c == ':') {
            if (optopt && optopt < 256)    /* a short option: argv may hold a cluster */
                return kc_cli_usage_error(err, "option '-%c' needs a value", optopt);
            return kc_cli_usage_error(err, "option '%s' needs a value", argv[optind - 1]);
        }
        if (c >= 256 && (size_t)(c - 256) < kc_options_n) {
            opt = &kc_options[c - 256];
            snprintf(spelled, sizeof(spelled), "--%s", opt->name);
        } else {
            for (size_t i = 0; c != '?' && i < kc_options_n; i++)
                if (kc_options[i].short_name == c)
                    opt = &kc_options[i];
            snprintf(spelled, sizeof(spelled), "-%c", c);
        }
        if (!opt) {
            if (optopt && optopt < 256 && optopt > ' ' && optopt < 0x7f)
                return kc_cli_usage_error(err, "unknown option '-%c'", optopt);
            return kc_cli_usage_error(err, "unknown option '%s'", argv[optind - 1]);
        }
        if (!(opt->commands & KC_CMD_BIT(cmd)))
            return not_taken(opt, spelled, (kc_cmd_id)cmd, err);
        if (opt->kind == KC_OPT_HELP) {
            help(stdout);
            return 1;
        }
        if (opt->kind == KC_OPT_VERSION) {
            printf("kvmcap %s\n", KC_VERSION);
            return 1;
        }
        if (store(opt, spelled, o, optarg, err) < 0)
            return -1;
    }
    /* demand and rightsize read one recording; kc_cli_check() says when it is missing */
    if ((cmd == KC_CMD_DEMAND || cmd == KC_CMD_RIGHTSIZE || cmd == KC_CMD_FORECAST) &&
        optind < argc)
        o->recording = argv[optind++];
    if (optind < argc)
        return kc_cli_usage_error(err, "unexpected argument '%s'", argv[optind]);
    return 0;
}
