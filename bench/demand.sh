#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# demand.sh: recording and the demand model at scale (issue 15), through kvmcap's own code.
#
#   KVMCAP_BIN=build/kvmcap KVMCAP_BENCH_DEMAND=build/bench-demand bash bench/demand.sh [JSON]
#
# 1. One sample of 1,000 test-driver domains: kvmcap's sampler child (kc_sampler_take, as
#    `kvmcap record` runs it) and the sample's commit into a recording (kc_store_add_sample),
#    KC_DEMAND_REPS samples (default 20): median, min, max. Target: under 100 ms a sample.
# 2. A synthetic week, 200 VMs every 20 s (30,240 samples, 6,048,000 VM-samples), written by
#    kvmcap's store; then `kvmcap demand FILE --json` over it, whole process (wall, CPU and
#    peak RSS from /usr/bin/time), KC_DEMAND_RUNS runs (default 1). Targets: under 10 s, a
#    file under 500 MB. KC_WEEK_VMS / KC_WEEK_SAMPLES make it smaller (a smoke run).
# The figures are printed and added to JSON under "demand" (bench/add_json.py). The week's
# file (~0.5 GB) goes to KC_BENCH_TMP (default /tmp) and is removed at the end.
set -u
cd "$(dirname "$0")/.." || exit 1
JSON=${1:-build/bench.json}
KVMCAP=${KVMCAP_BIN:-build/kvmcap}
BENCH=${KVMCAP_BENCH_DEMAND:-build/bench-demand}
REPS=${KC_DEMAND_REPS:-20}
RUNS=${KC_DEMAND_RUNS:-1}
VMS=${KC_WEEK_VMS:-200}
SAMPLES=${KC_WEEK_SAMPLES:-30240}
for f in "$KVMCAP" "$BENCH"; do
    [ -x "$f" ] || { echo "bench demand: '$f' is not built"; exit 1; }
done
[ -x /usr/bin/time ] || { echo "bench demand: /usr/bin/time is missing (package time)"; exit 1; }
load=$(cut -d' ' -f1 /proc/loadavg)
dir=$(mktemp -d "${KC_BENCH_TMP:-/tmp}/kvmcap-bench-demand-XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

echo "demand: one sample of 1000 test-driver domains, $REPS samples"
sample=$("$BENCH" sample 1000 "$REPS") || exit 1
echo "  $sample"

echo "demand: writing a synthetic week ($VMS VMs x $SAMPLES samples at 20 s)"
week=$("$BENCH" week "$dir/week.db" "$VMS" "$SAMPLES" 20) || exit 1
echo "  $week"

runs=""
for r in $(seq "$RUNS"); do
    sync
    /usr/bin/time -f '%e %U %S %M' -o "$dir/time" "$KVMCAP" demand "$dir/week.db" --json \
        >"$dir/out.json" 2>"$dir/err" || { echo "kvmcap demand failed:"; cat "$dir/err"; exit 1; }
    read -r wall user sys rss <"$dir/time"
    echo "  kvmcap demand: ${wall} s wall, ${user} s user, ${sys} s system, peak RSS $((rss / 1024)) MiB"
    runs="$runs${runs:+, }{\"wall_s\": $wall, \"user_s\": $user, \"sys_s\": $sys, \"peak_rss_mib\": $((rss / 1024))}"
done
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["vms"]) == int(sys.argv[2]), "vms"; assert d["demand"]["samples"] == int(sys.argv[3]), "samples"' \
    "$dir/out.json" "$VMS" "$SAMPLES" || { echo "bench demand: the report does not hold the week"; exit 1; }
[ -f "$JSON" ] || echo '{}' >"$JSON"
python3 bench/add_json.py "$JSON" demand \
    "{\"load_at_start\": $load, \"sample_1000_domains\": $sample, \"week\": $week, \"demand_runs\": [$runs]}" || exit 1
echo "demand: added to $JSON"
