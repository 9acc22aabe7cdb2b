#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# whole.sh: whole-process timings a user feels, side by side on one private, warm libvirtd.
#
#   KVMCAP_BIN=build/kvmcap bash bench/whole.sh [build/bench.json]
#
# 1. `kvmcap -c URI --vm 1c1g` against `virsh -c URI nodeinfo` (URI: the daemon's QEMU
#    driver over loopback TCP), interleaved, median of N runs each, and their ratio.
# 2. `kvmcap fleet` over 100 hosts (test-driver hosts served by the same daemon, one XML
#    file each) against `kvmcap -c URI` run for the same hosts one by one.
# Results are printed and added to the JSON file under "whole" (python3). Skipped with a
# clear line when not root or when libvirtd/virsh are missing; fleet skipped when
# `kvmcap fleet --help` does not exit 0. Every daemon is started and stopped through
# tests/live/lib.sh, by its PID.
set -u
cd "$(dirname "$0")/.." || exit 1
JSON=${1:-build/bench.json}
KVMCAP=${KVMCAP_BIN:-build/kvmcap}
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data}
N=${KC_WHOLE_RUNS:-15}          # runs of each single-host command
FLEET_RUNS=${KC_FLEET_RUNS:-3}  # runs of each 100-host comparison
FLEET_HOSTS=100

skip() {
    echo "whole-process comparisons skipped: $1"
    exit 0
}
[ "$(id -u)" = 0 ] || skip "not root (a private libvirtd needs root)"
command -v libvirtd >/dev/null || skip "libvirtd is missing (make deps installs it)"
command -v virsh >/dev/null || skip "virsh is missing (make deps installs it)"
command -v python3 >/dev/null || skip "python3 is missing (make deps installs it)"
[ -x "$KVMCAP" ] || skip "'$KVMCAP' is not built"

. tests/live/lib.sh
kc_live_trap
kc_live_prepare >/dev/null
kc_live_tmpdir dir || exit 1
kc_live_start_libvirtd "$dir" || exit 1
URI=$KC_LIBVIRTD_URI

now_ns() { date +%s%N; }

# median_ms FILE: the median of the numbers (ns) in FILE, in ms; also min and max
stats_ms() {
    python3 - "$1" <<'EOF'
import statistics, sys
v = sorted(int(x) / 1e6 for x in open(sys.argv[1]).read().split())
print("%.3f %.3f %.3f" % (statistics.median(v), v[0], v[-1]))
EOF
}

# time_once FILE CMD...: run CMD (output discarded, must exit 0), append its ns to FILE
time_once() {
    local file=$1 t0 t1
    shift
    t0=$(now_ns)
    if ! "$@" >/dev/null 2>"$dir/last.err"; then
        echo "whole: '$*' failed:"; cat "$dir/last.err"; exit 1
    fi
    t1=$(now_ns)
    echo $((t1 - t0)) >>"$file"
}

# Warm: the first call that needs QEMU's capabilities takes seconds (cached afterwards).
timeout 60 virsh -c "$URI" nodeinfo >/dev/null || { echo "whole: virsh nodeinfo failed"; exit 1; }
timeout 60 "$KVMCAP" -c "$URI" --vm 1c1g >/dev/null ||
    { echo "whole: kvmcap -c $URI failed"; exit 1; }

: >"$dir/kvmcap.ns"
: >"$dir/virsh.ns"
for _ in $(seq "$N"); do
    time_once "$dir/virsh.ns" timeout 30 virsh -c "$URI" nodeinfo
    time_once "$dir/kvmcap.ns" timeout 30 "$KVMCAP" -c "$URI" --vm 1c1g
done
read -r k_med k_min k_max <<<"$(stats_ms "$dir/kvmcap.ns")"
read -r v_med v_min v_max <<<"$(stats_ms "$dir/virsh.ns")"
ratio=$(python3 -c "print('%.2f' % ($k_med / $v_med))")
printf '%-34s %11s %11s %11s\n' "whole process (ms, $N runs)" median min max
printf '%-34s %11s %11s %11s\n' "virsh -c URI nodeinfo" "$v_med" "$v_min" "$v_max"
printf '%-34s %11s %11s %11s\n' "kvmcap -c URI --vm 1c1g" "$k_med" "$k_min" "$k_max"
printf '%-34s %11s  <= 2     %s\n' "ratio kvmcap / virsh" "$ratio" \
    "$(python3 -c "print('ok' if $ratio <= 2 else 'OVER')")"

fleet_json=null
if timeout 10 "$KVMCAP" fleet --help >/dev/null 2>&1; then
    # 100 hosts: the fleet fixtures and the other test-driver hosts, cycled, each its own
    # test+tcp URI served by the daemon (a file per host, as remote hosts would be).
    mapfile -t xmls < <(grep -l '^<node' "$PWD"/tests/fixtures/libvirt/fleet/*.xml \
                           "$PWD"/tests/fixtures/libvirt/*.xml 2>/dev/null)
    [ "${#xmls[@]}" -gt 0 ] || { echo "whole: no test-driver host files"; exit 1; }
    : >"$dir/hosts"
    for i in $(seq 0 $((FLEET_HOSTS - 1))); do
        x=${xmls[$((i % ${#xmls[@]}))]}
        mkdir -p "$dir/hosts.d"
        cp "$x" "$dir/hosts.d/host$i.xml"
        echo "test+tcp://127.0.0.1:$KC_LIBVIRTD_PORT$dir/hosts.d/host$i.xml" >>"$dir/hosts"
    done
    one_by_one() {
        local u
        while read -r u; do
            timeout 30 "$KVMCAP" -c "$u" --vm 1c1g >/dev/null || return 1
        done <"$dir/hosts"
    }
    timeout 120 "$KVMCAP" fleet -q --strict --hosts "$dir/hosts" --vm 1c1g >/dev/null ||
        { echo "whole: kvmcap fleet failed"; exit 1; }
    : >"$dir/fleet.ns"
    : >"$dir/serial.ns"
    for _ in $(seq "$FLEET_RUNS"); do
        time_once "$dir/fleet.ns" timeout 120 "$KVMCAP" fleet -q --strict --hosts "$dir/hosts" \
            --vm 1c1g
        time_once "$dir/serial.ns" one_by_one
    done
    read -r f_med f_min f_max <<<"$(stats_ms "$dir/fleet.ns")"
    read -r s_med s_min s_max <<<"$(stats_ms "$dir/serial.ns")"
    speedup=$(python3 -c "print('%.2f' % ($s_med / $f_med))")
    printf '%-34s %11s %11s %11s\n' "kvmcap fleet, $FLEET_HOSTS hosts" "$f_med" "$f_min" "$f_max"
    printf '%-34s %11s %11s %11s\n' "kvmcap -c, same hosts one by one" "$s_med" "$s_min" "$s_max"
    printf '%-34s %11s\n' "speedup one-by-one / fleet" "$speedup"
    fleet_json="{ \"hosts\": $FLEET_HOSTS, \"runs\": $FLEET_RUNS,
      \"fleet_ms\": { \"median\": $f_med, \"min\": $f_min, \"max\": $f_max },
      \"one_by_one_ms\": { \"median\": $s_med, \"min\": $s_min, \"max\": $s_max },
      \"speedup\": $speedup }"
else
    echo "fleet comparison skipped: 'kvmcap fleet --help' does not exit 0"
fi

whole="{ \"uri\": \"qemu+tcp (private libvirtd on loopback)\", \"runs\": $N,
    \"kvmcap_fit_ms\": { \"median\": $k_med, \"min\": $k_min, \"max\": $k_max },
    \"virsh_nodeinfo_ms\": { \"median\": $v_med, \"min\": $v_min, \"max\": $v_max },
    \"ratio\": $ratio, \"ratio_target\": 2, \"fleet\": $fleet_json }"
if [ -f "$JSON" ]; then
    python3 bench/add_json.py "$JSON" whole "$whole" || { echo "whole: could not update $JSON"; exit 1; }
    echo "added \"whole\" to $JSON"
fi
