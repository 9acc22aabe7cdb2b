#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# history.sh: kvmcap demand, fit and forecast with --prometheus against a real Prometheus
# (Debian's prometheus, started here on 127.0.0.1 with its own data directory, stopped by
# PID) holding 15 days of history written with `promtool tsdb create-blocks-from
# openmetrics` from the generator below. Every figure checked follows from the generator:
#   kvm1 (libvirt exporter kvm1:9177, node_exporter kvm1:9100): 16 GiB, 4 CPUs, each idle
#     3/4 of the time (1 core busy);
#     web: 2 vCPUs, 4 GiB; its balloon holds 1 GiB + 64 MiB per day (a step at each UTC
#       midnight); 0.5 core, its CPU counter restarting from 0 at slot 100;
#     db: 4 vCPUs, 8 GiB, balloon 4 GiB; 1.25 cores;
#   kvm2 (libvirt exporter only): idle, 1 vCPU, 1 GiB, balloon 512 MiB, CPU standing still.
# So kvm1's VMs hold 5120 + 64 d MiB on day d (6080 MiB on the last, day 15) and use 1.75
# cores; with the 512 MiB reserve, 15872 MiB usable: memory is full in (15872 - 6080) / 64 =
# 153 days, at --max-util 80 in ceil((12697.6 - 6080) / 64) = 104 days; CPU is flat.
#
# Then fleet --prometheus (kvm1 takes 3 more 1c1g; kvm2, of unknown size, is a failed row),
# and a live chain: Debian's prometheus-libvirt-exporter (on libvirt's test:///default host,
# in-process) and prometheus-node-exporter on loopback, scraped every second by the same
# server: demand --prometheus names the same VMs with the same vCPUs, memory and states as
# a `kvmcap record` of that host, and node_exporter's size is this machine's. (The test
# driver's guests have no load: the CPU figures of a real QEMU guest are not compared here.)
# Last, the server stopped: exit 4, one line.
#
# With KVMCAP_CAPTURE=DIR the server's answers to kvmcap's three range queries over the
# whole window are also written to DIR (tests/fixtures/prometheus/ was made so; the unit
# tests of tests/unit/test_prom.c and test_forecast.c read them).
# Prints "N passed, M failed" last; exits 1 on a failure.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/live/lib.sh
kc_live_trap

PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else bad "$d"; fi; }
eq() { if [ "$2" = "$3" ]; then ok "$1 ($3)"; else bad "$1: expected '$2', got '$3'"; fi; }
finish() { echo "$PASS passed, $FAIL failed"; [ "$FAIL" = 0 ]; exit $?; }

K=${KVMCAP_BIN:-$PWD/build/kvmcap}
for tool in prometheus promtool prometheus-libvirt-exporter prometheus-node-exporter python3 \
            curl "$K"; do
    command -v "$tool" >/dev/null || { bad "'$tool' is missing (make deps installs it)"; finish; }
done
kc_live_tmpdir TMP

T0=1793491200        # 2026-11-01T00:00:00Z
STEP=7200            # 2 h
N=181                # 15 days + 1 point: days 0..15
python3 - "$TMP/history.om" "$T0" "$STEP" "$N" <<'PY'
import sys
out, t0, step, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
MiB, GiB = 1 << 20, 1 << 30
per_day = 86400 // step
RESET = 100
H = 'job="history"'
fams = {}
def add(fam, typ, name, labels, k, v):
    fams.setdefault((fam, typ), []).append((name, labels, k, v))
def vm(inst, dom, k, cpu, mem, maxmem, vcpus):
    l = H + ',instance="%s",domain="%s",uuid="u-%s"' % (inst, dom, dom)
    add('libvirt_domain_info_cpu_time_seconds', 'counter',
        'libvirt_domain_info_cpu_time_seconds_total', l, k, cpu)
    add('libvirt_domain_info_memory_usage_bytes', 'gauge',
        'libvirt_domain_info_memory_usage_bytes', l, k, mem)
    add('libvirt_domain_info_maximum_memory_bytes', 'gauge',
        'libvirt_domain_info_maximum_memory_bytes', l, k, maxmem)
    add('libvirt_domain_info_virtual_cpus', 'gauge', 'libvirt_domain_info_virtual_cpus', l, k, vcpus)
    add('libvirt_domain_state_code', 'gauge', 'libvirt_domain_state_code', l, k, 1)
for k in range(n):
    day = k // per_day
    web_cpu = 0.5 * step * (k if k < RESET else k - RESET + 1)
    vm('kvm1:9177', 'web', k, web_cpu, GiB + 64 * MiB * day, 4 * GiB, 2)
    vm('kvm1:9177', 'db', k, 1.25 * step * k, 4 * GiB, 8 * GiB, 4)
    vm('kvm2:9177', 'idle', k, 12, 512 * MiB, GiB, 1)
    ln = H + ',instance="kvm1:9100"'
    add('node_memory_MemTotal_bytes', 'gauge', 'node_memory_MemTotal_bytes', ln, k, 16 * GiB)
    for c in range(4):
        add('node_cpu_seconds', 'counter', 'node_cpu_seconds_total',
            ln + ',cpu="%d",mode="idle"' % c, k, 0.75 * step * k)
        add('node_cpu_seconds', 'counter', 'node_cpu_seconds_total',
            ln + ',cpu="%d",mode="user"' % c, k, 0.25 * step * k)
with open(out, 'w') as f:
    for (fam, typ), rows in fams.items():
        f.write('# TYPE %s %s\n' % (fam, typ))
        for name, labels, k, v in rows:
            f.write('%s{%s} %s %d\n' % (name, labels, repr(v), t0 + k * step))
    f.write('# EOF\n')
PY
mkdir -p "$TMP/data"
if promtool tsdb create-blocks-from openmetrics --max-block-duration=512h "$TMP/history.om" \
    "$TMP/data" >"$TMP/promtool.log" 2>&1; then
    ok "promtool wrote the history ($(wc -l <"$TMP/history.om") lines)"
else
    bad "promtool: $(tail -3 "$TMP/promtool.log")"
    finish
fi
# the live chain: Debian's exporters on loopback (the libvirt one on libvirt's test:///default
# host, in-process), scraped every second beside the history
kc_live_start_exporters "test:///default" "$TMP" ||
    { bad "exporters: no free loopback port"; finish; }
started=0
kc_live_start_prometheus "$TMP/prometheus.yml" "$TMP/data" "$TMP/prometheus.log" && started=1
PROM_PID=$KC_PROM_PID
URL=$KC_PROM_URL
check "prometheus answers on $URL (pid $PROM_PID)" test "$started" = 1
SINCE=$T0
UNTIL=$((T0 + (N - 1) * STEP))
W=(--since "@$SINCE" --until "@$UNTIL" --step 2h --match 'job="history"')

if [ -n "${KVMCAP_CAPTURE:-}" ]; then
    mkdir -p "$KVMCAP_CAPTURE"
    LV='libvirt_domain_info_cpu_time_seconds_total|libvirt_domain_info_memory_usage_bytes|libvirt_domain_info_maximum_memory_bytes|libvirt_domain_info_virtual_cpus|libvirt_domain_state_code|libvirt_domain_interface_stats_receive_bytes_total|libvirt_domain_interface_stats_transmit_bytes_total|libvirt_domain_block_stats_read_requests_total|libvirt_domain_block_stats_write_requests_total|libvirt_domain_block_stats_read_bytes_total|libvirt_domain_block_stats_write_bytes_total'
    for pair in "libvirt|{__name__=~\"$LV\",job=\"history\"}" \
                "node-mem|{__name__=\"node_memory_MemTotal_bytes\"}" \
                "node-cpu|{__name__=\"node_cpu_seconds_total\",mode=\"idle\"}"; do
        curl -sf "$URL/api/v1/query_range" --data-urlencode "query=${pair#*|}" \
            --data "start=$SINCE&end=$UNTIL&step=$STEP" -o "$KVMCAP_CAPTURE/${pair%%|*}.json"
        check "captured ${pair%%|*}.json" test -s "$KVMCAP_CAPTURE/${pair%%|*}.json"
    done
fi

# --- demand: every host the server knows ---
"$K" demand --prometheus "$URL" "${W[@]}" --json >"$TMP/demand.json" 2>"$TMP/demand.err"
rc=$?
eq "demand --prometheus: exit 0 $(head -c 200 "$TMP/demand.err")" 0 "$rc"
python3 - "$TMP/demand.json" >"$TMP/demand.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(d["report"], d["source"], len(d["hosts"]))
for h in d["hosts"]:
    x = h["host"]
    print(x["hostname"], x["cpus"], x["mem_mib"], x["alloc_vcpus"], x["alloc_mem_mib"],
          x["mem_rss_mib_max"], x["cpu_cores_p95"], h["demand"]["samples"])
    for v in h["vms"]:
        print(" ", v["name"], v["vcpus"], v["mem_mib"], v["mem_rss_mib_max"], v["cpu_cores_p95"], v["resets"])
PY
eq "demand: two hosts" "demand prometheus 2" "$(head -1 "$TMP/demand.txt")"
eq "kvm1: 4 CPUs, 16 GiB, 6 vCPUs and 12 GiB given, 6080 MiB held at most, 1.75 cores" \
    "kvm1 4 16384 6 12288 6080 1.75 181" "$(sed -n 2p "$TMP/demand.txt")"
eq "db: 1.25 cores, 4096 MiB" "  db 4 8192 4096 1.25 0" "$(sed -n 3p "$TMP/demand.txt")"
eq "web: 0.5 core across the counter's restart, 1984 MiB on the last day" \
    "  web 2 4096 1984 0.5 1" "$(sed -n 4p "$TMP/demand.txt")"
eq "kvm2: no node_exporter, size unknown" "kvm2 None None 1 1024 512 0 181" \
    "$(sed -n 5p "$TMP/demand.txt")"

"$K" demand --prometheus "$URL" "${W[@]}" --instance kvm2:9177 --format csv >"$TMP/kvm2.csv" 2>&1
eq "demand --instance kvm2:9177: one host" 3 "$(wc -l <"$TMP/kvm2.csv")"
check "  ... with a host column" grep -q '^kvm2,idle,running,1,1024,181,' "$TMP/kvm2.csv"

# --- fit with the demand model: one host, node_exporter's size ---
"$K" --prometheus "$URL" "${W[@]}" --hostname kvm1 --vm 1c1g --json >"$TMP/fit.json" 2>"$TMP/fit.err"
rc=$?
eq "fit --prometheus --hostname kvm1: exit 0 $(head -c 200 "$TMP/fit.err")" 0 "$rc"
"$K" --prometheus "$URL" "${W[@]}" --vm 1c1g >/dev/null 2>"$TMP/two.err"
rc=$?
eq "fit --prometheus with two hosts: exit 2 ($(head -1 "$TMP/two.err"))" 2 "$rc"

# --- forecast ---
if "$K" forecast --help >/dev/null 2>&1; then
    "$K" forecast --prometheus "$URL" "${W[@]}" --hostname kvm1 --json >"$TMP/fc.json" 2>"$TMP/fc.err"
    rc=$?
    eq "forecast --prometheus: exit 0 $(head -c 200 "$TMP/fc.err")" 0 "$rc"
    python3 - "$TMP/fc.json" >"$TMP/fc.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for h in d["hosts"]:
    for r in h["resources"]:
        print(h["hostname"], r["name"], r["capacity"], r["demand_now"], r["growth_per_day"],
              r["days_remaining"], r["days_history"])
PY
    eq "forecast memory: 64 MiB a day, full in 153 days" "kvm1 memory 15872 6080 64 153 16" \
        "$(grep memory "$TMP/fc.txt")"
    eq "forecast cpu: flat" "kvm1 cpu 4 1.75 0 None 16" "$(grep cpu "$TMP/fc.txt")"
    "$K" forecast --prometheus "$URL" "${W[@]}" --hostname kvm1 --max-util 80 --json \
        >"$TMP/fc80.json" 2>&1
    eq "forecast --max-util 80: 104 days" 104 \
        "$(python3 -c 'import json,sys; print([r for r in json.load(open(sys.argv[1]))["hosts"][0]["resources"] if r["name"]=="memory"][0]["days_remaining"])' "$TMP/fc80.json")"
    "$K" forecast --prometheus "$URL" --since "@$((UNTIL - 3 * 86400))" --until "@$UNTIL" \
        --step 2h --match 'job="history"' --hostname kvm1 >"$TMP/short.txt" 2>&1
    check "forecast over 3 days: not enough history" grep -q 'not enough history' "$TMP/short.txt"
    "$K" forecast --prometheus "$URL" "${W[@]}" >"$TMP/fc-text.txt" 2>&1
    rc=$?
    eq "forecast, text, both hosts and the fleet: exit 0" 0 "$rc"
    check "  ... the fleet: kvm1's size only (kvm2 has no node_exporter)" \
        grep -q 'forecast of the fleet (1 host of a known size' "$TMP/fc-text.txt"
    check "  ... kvm2: capacity unknown" grep -q 'capacity unknown' "$TMP/fc-text.txt"
    sed 's/^/# /' "$TMP/fc-text.txt"
    "$K" forecast --prometheus "$URL" "${W[@]}" --ha 1 >/dev/null 2>"$TMP/ha.err"
    rc=$?
    eq "forecast --ha 1 with one host of a known size: exit 2 ($(head -1 "$TMP/ha.err"))" 2 "$rc"
fi

# --- fleet --prometheus: no SSH; kvm1 has 16384 - 512 - 12288 = 3584 MiB and 16 - 6 = 10
# vCPUs left: 3 more 1c1g; kvm2 has no node_exporter: a failed row ---
"$K" fleet --prometheus "$URL" --until "@$UNTIL" --step 2h --match 'job="history"' --vm 1c1g \
    --json >"$TMP/fleet.json" 2>"$TMP/fleet.err"
rc=$?
eq "fleet --prometheus: exit 0 $(head -c 200 "$TMP/fleet.err")" 0 "$rc"
eq "  ... kvm1: 3 more 1c1g (memory), kvm2 failed: its size is unknown; total 3" \
    "prometheus://kvm1 True 3 ['memory'] prometheus://kvm2 False size 3" \
    "$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
out = []
for h in d["hosts"]:
    if h["ok"]:
        out += [h["uri"], "True", str(h["shapes"][0]["count"]), str(h["shapes"][0]["bottleneck"])]
    else:
        out += [h["uri"], "False", "size" if "size is unknown" in h["error"] else h["error"]]
out.append(str(d["total"][0]["count"]))
print(" ".join(out))' "$TMP/fleet.json")"
"$K" fleet --prometheus "$URL" --until "@$UNTIL" --step 2h --match 'job="history"' \
    --vm 1c1g:5 >"$TMP/fleet-place.txt" 2>&1
rc=$?
eq "fleet --prometheus --vm 1c1g:5: 5 do not fit on 3 places: exit 1" 1 "$rc"
sed 's/^/# /' "$TMP/fleet-place.txt"

# --- the live chain: demand --prometheus and a recording of the same host agree ---
"$K" record -c test:///default --interval 1 --duration 3s --out "$TMP/rec.db" -q \
    >"$TMP/rec.log" 2>&1
rc=$?
eq "record -c test:///default for 3 s: exit 0 $(head -c 200 "$TMP/rec.log")" 0 "$rc"
sleep 2      # Prometheus has scraped for the whole run by now
"$K" demand --prometheus "$URL" --since 8s --until now --step 1s --match 'job="libvirt"' \
    --json >"$TMP/live.json" 2>"$TMP/live.err"
rc=$?
eq "demand --prometheus on the live exporters: exit 0 $(head -c 200 "$TMP/live.err")" 0 "$rc"
"$K" demand "$TMP/rec.db" --json >"$TMP/rec.json" 2>"$TMP/rec.err"
rc=$?
eq "demand of the recording: exit 0 $(head -c 200 "$TMP/rec.err")" 0 "$rc"
vms() {   # name vcpus mem_mib state of each VM, sorted
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
hs = d["hosts"] if "hosts" in d else [d]
for h in hs:
    for v in h["vms"]:
        print(v["name"], v["vcpus"], v["mem_mib"], v["state"])' "$1" | sort
}
check "  ... the exporter's host has VMs" test -n "$(vms "$TMP/live.json")"
eq "  ... the same VMs, vCPUs, memory and states as the recording" "$(vms "$TMP/rec.json")" \
    "$(vms "$TMP/live.json")"
eq "  ... the host's size from node_exporter is this machine's" \
    "$(nproc --all) $(( $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 1024 ))" \
    "$(python3 -c 'import json,sys; h=json.load(open(sys.argv[1]))["hosts"][0]["host"]; print(h["cpus"], h["mem_mib"])' "$TMP/live.json")"

# --- a server that is gone: exit 4, one line ---
kc_live_stop_pid "$PROM_PID"
"$K" demand --prometheus "$URL" "${W[@]}" --timeout 3 >/dev/null 2>"$TMP/gone.err"
rc=$?
eq "demand, the server stopped: exit 4 ($(cat "$TMP/gone.err"))" 4 "$rc"
eq "  ... one line" 1 "$(wc -l <"$TMP/gone.err")"
finish
