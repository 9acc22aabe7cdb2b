#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# prom_fleet.sh: a fleet's history read from a real Prometheus (issue 16): 200 hosts x 50 VMs
# x 30 days at 5-minute steps, as the libvirt and node exporters would have left it.
#
#   KVMCAP_BIN=build/kvmcap KVMCAP_PROM_GEN=build/bench/prom/prom_gen bash bench/prom_fleet.sh [JSON]
#
# 1. The history: bench/prom/prom_gen.c writes it as OpenMetrics text in pieces of one
#    18-hour block each (216 slots; T0 is a UTC midnight and a multiple of 18 h, so each piece
#    is exactly one block and promtool reads it twice, not once per block), KC_PROM_JOBS
#    pieces at a time (default 2), each fed to `promtool tsdb create-blocks-from openmetrics`
#    and deleted. The pieces go to KC_PROM_TMP (default /dev/shm when it has room, else the
#    cache directory). The TSDB is cached in build/bench-prom/KEY/ (KEY: the generator's
#    source and the parameters), so a second run does not build it again; the build's time
#    and the TSDB's size are kept beside it.
# 2. Debian's prometheus on 127.0.0.1 (tests/live/lib.sh), that TSDB as its data directory,
#    compaction off (blocks of at most 18 h), stopped by PID on exit.
# 3. Whole process (/usr/bin/time: wall, user, system, peak RSS; and the server's CPU time
#    over the run, from /proc), KC_PROM_RUNS runs each
#    (default 1): `kvmcap fleet --prometheus URL --vm 4c16g`, `kvmcap demand --prometheus URL`
#    over the 30 days and `kvmcap forecast --prometheus URL`, each with --json; each answer is
#    checked, right after its run, against what the generator wrote (`prom_gen expect`): the
#    bench proves it read the data.
# Figures are printed and added to JSON under "prom_fleet" (bench/add_json.py) after each
# command ("complete": true once all ran). KC_PROM_CMDS picks the commands (default
# "fleet demand forecast").
# KC_PROM_HOSTS / KC_PROM_VMS / KC_PROM_DAYS make it smaller (a smoke run; the JSON says the
# scale it ran at).
set -u
cd "$(dirname "$0")/.." || exit 1
JSON=${1:-build/bench.json}
KVMCAP=${KVMCAP_BIN:-build/kvmcap}
GEN=${KVMCAP_PROM_GEN:-build/bench/prom/prom_gen}
HOSTS=${KC_PROM_HOSTS:-200}
VMS=${KC_PROM_VMS:-50}
DAYS=${KC_PROM_DAYS:-30}
JOBS=${KC_PROM_JOBS:-2}
RUNS=${KC_PROM_RUNS:-1}
STEP=300
T0=1793404800           # 2026-10-31T00:00:00Z: a UTC midnight and a multiple of 18 h
PIECE=216               # slots in 18 h
N=$((DAYS * 86400 / STEP + 1))
UNTIL=$((T0 + (N - 1) * STEP))
for f in "$KVMCAP" "$GEN"; do
    [ -x "$f" ] || { echo "bench prom: '$f' is not built"; exit 1; }
done
for tool in prometheus promtool curl python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench prom: '$tool' is missing (make deps)"; exit 1; }
done
. tests/live/lib.sh
kc_live_trap
kc_live_tmpdir TMP

"$GEN" expect "$HOSTS" "$VMS" "$T0" "$STEP" "$N" >"$TMP/expect.json" || exit 1
key=$( { cat bench/prom/prom_gen.c; echo "$HOSTS $VMS $DAYS $STEP $T0 $PIECE"; } |
       sha256sum | cut -c1-16)
CACHE=${KC_PROM_CACHE:-build/bench-prom}/$HOSTS-$VMS-$DAYS-$key
load=$(cut -d' ' -f1 /proc/loadavg)
echo "prom_fleet: $HOSTS hosts x $VMS VMs x $DAYS days at ${STEP} s ($N slots), load $load"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("  %d series, %d samples" % (d["series"], d["samples"]))' "$TMP/expect.json"

# --- 1. the TSDB, built once per key ---
if [ -f "$CACHE/built.json" ]; then
    echo "  TSDB cached in $CACHE ($(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("built in %.0f s, %.2f GB" % (d["build_s"], d["tsdb_bytes"] / 1e9))' "$CACHE/built.json"))"
else
    rm -rf "$CACHE"
    mkdir -p "$CACHE/data" || exit 1
    pieces=$(( (N + PIECE - 1) / PIECE ))
    # one piece of text is ~110 bytes a sample; JOBS of them at once must fit well
    per_piece=$(( PIECE * HOSTS * (VMS * 5 + 65) * 110 ))
    PT=${KC_PROM_TMP:-}
    if [ -z "$PT" ]; then
        shm=$(df --output=avail -B1 /dev/shm 2>/dev/null | tail -1)
        if [ -n "$shm" ] && [ "$shm" -gt $(( per_piece * JOBS * 3 )) ]; then PT=/dev/shm; else PT=$CACHE; fi
    fi
    work=$(mktemp -d "$PT/kvmcap-bench-prom.XXXXXX") || exit 1
    KC_LIVE_DIRS+=("$work")
    echo "  building the TSDB: $pieces pieces of 18 h, $JOBS at a time, text in $work (~$((per_piece / 1000000)) MB a piece)"
    start=$(date +%s.%N)
    one_piece() {   # PIECE_INDEX
        local j=$1 from to
        from=$((j * PIECE))
        to=$((from + PIECE))
        [ "$to" -gt "$N" ] && to=$N
        "$GEN" om "$HOSTS" "$VMS" "$T0" "$STEP" "$N" "$from" "$to" >"$work/$j.om" &&
            promtool tsdb create-blocks-from openmetrics -q --max-block-duration=18h \
                "$work/$j.om" "$CACHE/data" >"$work/$j.log" 2>&1
        local rc=$?
        rm -f "$work/$j.om"
        [ "$rc" = 0 ] || { echo "  piece $j: promtool failed:"; tail -3 "$work/$j.log"; }
        return "$rc"
    }
    failed=0
    running=0
    for j in $(seq 0 $((pieces - 1))); do
        one_piece "$j" &
        running=$((running + 1))
        if [ "$running" -ge "$JOBS" ]; then
            wait -n || failed=1
            running=$((running - 1))
        fi
        [ "$failed" = 0 ] || break
    done
    while [ "$running" -gt 0 ]; do wait -n || failed=1; running=$((running - 1)); done
    [ "$failed" = 0 ] || { echo "bench prom: the TSDB was not built"; rm -rf "$CACHE"; exit 1; }
    build_s=$(python3 -c "import sys; print(round($(date +%s.%N) - $start, 1))")
    tsdb=$(du -sb "$CACHE/data" | cut -f1)
    blocks=$(find "$CACHE/data" -mindepth 1 -maxdepth 1 -type d | wc -l)
    echo "{\"build_s\": $build_s, \"tsdb_bytes\": $tsdb, \"blocks\": $blocks, \"jobs\": $JOBS, \"load_at_start\": $load, \"text_dir\": \"$PT\"}" \
        >"$CACHE/built.json"
    echo "  built in $build_s s: $blocks blocks, $((tsdb / 1000000)) MB"
fi

# --- 2. the server: compaction off (the blocks are 18 h, the largest range it would make) ---
cat >"$TMP/prometheus.yml" <<'YML'
global:
  scrape_interval: 1h
YML
KC_PROM_WAIT_S=300 kc_live_start_prometheus "$TMP/prometheus.yml" "$CACHE/data" \
    "$TMP/prometheus.log" --storage.tsdb.max-block-duration=18h || exit 1
URL=$KC_PROM_URL
echo "  prometheus $(prometheus --version 2>&1 | head -1 | cut -d' ' -f3) on $URL (pid $KC_PROM_PID)"
W=(--since "@$T0" --until "@$UNTIL" --timeout 3600)

prom_ticks() { awk '{print $14 + $15}' "/proc/$KC_PROM_PID/stat"; }   # the server's CPU
timed() {   # NAME HOSTS OUT CMD...: runs CMD (reading HOSTS hosts) with stdout to OUT, appends
            # a JSON row to $TMP/NAME.runs
    local name=$1 nh=$2 out=$3 p0 p1 pcpu
    shift 3
    p0=$(prom_ticks)
    /usr/bin/time -f '%e %U %S %M' -o "$TMP/time" "$@" >"$out" 2>"$TMP/err" ||
        { echo "bench prom: $name failed:"; head -5 "$TMP/err"; exit 1; }
    p1=$(prom_ticks)
    pcpu=$(python3 -c "import os; print(round(($p1 - $p0) / os.sysconf('SC_CLK_TCK'), 1))")
    read -r wall user sys rss <"$TMP/time"
    echo "  $name ($nh hosts): ${wall} s wall, ${user} s user, ${sys} s system, peak RSS $((rss / 1024)) MiB; prometheus ${pcpu} s CPU; load $(cut -d' ' -f1 /proc/loadavg)"
    echo "{\"hosts\": $nh, \"wall_s\": $wall, \"user_s\": $user, \"sys_s\": $sys, \"peak_rss_mib\": $((rss / 1024)), \"prometheus_cpu_s\": $pcpu, \"load\": $(cut -d' ' -f1 /proc/loadavg)}" \
        >>"$TMP/$name.runs"
}

# the answers are the generator's: CHECK WHICH (fleet, demand or forecast)
check() {   # WHICH HOSTS
    python3 - "$1" "$TMP/expect.json" "$TMP/$1.json" "$2" <<'PY'
import json, sys
which, e, got = sys.argv[1], json.load(open(sys.argv[2])), json.load(open(sys.argv[3]))
H, V = int(sys.argv[4]), e["vms_per_host"]
bad = []
def want(what, exp, val):
    if exp != val:
        bad.append("%s: expected %r, got %r" % (what, exp, val))
if which == "fleet":
    # --vm 4c16g, the allocation model's defaults (doc/model.md: cpu ratio 4, reserve 512 MiB):
    # CPU (64 x 4 - 50) / 4 = 51, memory (393216 - 512 - 307200) / 16384 = 5: 5, memory
    cpu_left = (e["host_cpus"] * 4 - e["alloc_vcpus"]) // 4
    mem_left = (e["host_mem_mib"] - 512 - e["alloc_mem_mib"]) // 16384
    count = min(cpu_left, mem_left)
    want("fleet: hosts", H, len(got["hosts"]))
    want("fleet: hosts planned", H, sum(1 for h in got["hosts"] if h["ok"]))
    want("fleet: 4c16g per host", {count}, {h["shapes"][0]["count"] for h in got["hosts"] if h["ok"]})
    want("fleet: bottleneck", {"memory" if mem_left < cpu_left else "cpu"},
         {b for h in got["hosts"] if h["ok"] for b in h["shapes"][0]["bottleneck"]})
    want("fleet: total", H * count, got["total"][0]["count"])
    summary = "%d more 4c16g a host, %d in all" % (count, H * count)
elif which == "demand":
    want("demand: hosts", H, len(got["hosts"]))
    for h in got["hosts"]:
        x = h["host"]
        want("demand: host " + x["hostname"],
             (e["host_cpus"], e["host_mem_mib"], e["alloc_vcpus"], e["alloc_mem_mib"],
              e["host_mem_mib_now"], e["host_cpu_cores"], e["slots"], V),
             (x["cpus"], x["mem_mib"], x["alloc_vcpus"], x["alloc_mem_mib"], x["mem_rss_mib_max"],
              x["cpu_cores_p95"], h["demand"]["samples"], len(h["vms"])))
        for v in h["vms"]:
            i = int(v["name"][1:])
            want("demand: %s/%s" % (x["hostname"], v["name"]),
                 (1, 6144, 2048 + 512 * (i % 5) + 32 * (e["slots"] - 1) * e["step_s"] // 86400,
                  (i % 4) / 4, 1 if i == 1 else 0),
                 (v["vcpus"], v["mem_mib"], v["mem_rss_mib_max"], v["cpu_cores_p95"], v["resets"]))
        if len(bad) > 20:
            break
    summary = "%d hosts, %d VMs, %d slots each, every figure" % (H, H * V, e["slots"])
else:
    # memory full in the generator's days on each host and on the fleet; CPU flat
    want("forecast: hosts", H, len([h for h in got["hosts"] if h["hostname"] != "(fleet)"]))
    for h in got["hosts"]:
        r = {x["name"]: x for x in h["resources"]}
        want("forecast: %s memory days" % h["hostname"], e["mem_days_remaining"],
             r["memory"]["days_remaining"])
        grow = e["mem_growth_mib_per_day"] * (H if h["hostname"] == "(fleet)" else 1)
        want("forecast: %s memory growth" % h["hostname"], grow,
             round(r["memory"]["growth_per_day"]))
        want("forecast: %s cpu" % h["hostname"], None, r["cpu"]["days_remaining"])
        if len(bad) > 20:
            break
    summary = "memory full in %d days on each host and the fleet, CPU flat" % e["mem_days_remaining"]
if bad:
    print("bench prom: the %s answer is not the generator's:" % which)
    print("\n".join("  " + b for b in bad[:20]))
    sys.exit(1)
print("  %s checked: %s" % (which, summary))
PY
}

# the figures so far into JSON (after each command: a run cut short keeps what it measured)
runs() { [ -f "$TMP/$1.runs" ] && paste -sd, "$TMP/$1.runs"; }
save() {
    [ -f "$JSON" ] || echo '{}' >"$JSON"
    python3 bench/add_json.py "$JSON" prom_fleet "{\"scale\": $(cat "$TMP/expect.json"), \"tsdb\": $(cat "$CACHE/built.json"), \"load_at_start\": $load, \"complete\": $1, \"fleet_runs\": [$(runs fleet)], \"demand_runs\": [$(runs demand)], \"forecast_runs\": [$(runs forecast)]}" || exit 1
}

# KC_PROM_CMDS: "fleet demand forecast" by default; "demand:20" reads only hosts 1-20 (a
# --match on their instance labels; each row of the JSON says how many hosts it read)
CMDS=${KC_PROM_CMDS:-fleet demand forecast}
for r in $(seq "$RUNS"); do
    for c in $CMDS; do
        name=${c%%:*}
        nh=${c#*:}
        [ "$nh" = "$c" ] && nh=$HOSTS
        M=()
        if [ "$nh" != "$HOSTS" ]; then
            M=(--match "instance=~\"$(for h in $(seq "$nh"); do printf 'h%04d:9177|' "$h"; done | sed 's/|$//')\"")
        fi
        case $name in
        fleet) timed fleet "$nh" "$TMP/fleet.json" "$KVMCAP" fleet --prometheus "$URL" \
                   --until "@$UNTIL" --timeout 3600 --vm 4c16g "${M[@]}" --json ;;
        demand) timed demand "$nh" "$TMP/demand.json" "$KVMCAP" demand --prometheus "$URL" \
                    "${W[@]}" "${M[@]}" --json ;;
        forecast) timed forecast "$nh" "$TMP/forecast.json" "$KVMCAP" forecast \
                      --prometheus "$URL" "${W[@]}" "${M[@]}" --json ;;
        *) echo "bench prom: unknown command '$c' in KC_PROM_CMDS"; exit 1 ;;
        esac
        check "$name" "$nh" || exit 1
        save false
    done
done
save true
echo "prom_fleet: added to $JSON"
