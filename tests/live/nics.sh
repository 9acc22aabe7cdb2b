#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# nics.sh: NIC roles on this real host (doc/model.md 2.5). Through libvirt's embedded QEMU
# driver (a local URI, so kvmcap reads this machine's /sys), in a root of its own:
#   - no domain: no NIC carries VM traffic, every physical NIC is mgmt, "not in a VM bridge";
#   - then, in the same root, one defined domain with a macvtap (<interface type='direct'>) on the first physical
#     NIC: that NIC is vm, and its why names the domain; the others stay mgmt.
# Each NIC's speed is checked against /sys/class/net/NAME/speed (unknown where the kernel
# says -1 or cannot say), and a `net=` shape's uplink against the vm NICs' speeds.
#   - in a network namespace of its own, a bridge with one enslaved veth (its peer in a second
#     namespace) is the uplink and another veth is not (issue 12's live criterion).
# Needs root, virsh, ip, qemu-system-x86_64, python3, KVMCAP_BIN.
set -euo pipefail

cd "$(dirname "$0")/../.."
# shellcheck source=tests/live/lib.sh
. tests/live/lib.sh
PASS=0
FAIL=0
TMP=""
ok() { PASS=$((PASS + 1)); echo "ok   - $*"; }
bad() { FAIL=$((FAIL + 1)); echo "FAIL - $*"; }

kc_live_trap
kc_live_require virsh ip python3 qemu-system-x86_64
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
[ -x "$KVMCAP" ] || { echo "nics: no kvmcap at '$KVMCAP'"; echo "0 passed, 1 failed"; exit 1; }
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data} LC_ALL=C NO_COLOR=1
kc_live_prepare
kc_live_tmpdir TMP

# The physical NICs, as kvmcap counts them: a `device` link under /sys/class/net.
NICS=()
for d in /sys/class/net/*; do [ -e "$d/device" ] && NICS+=("$(basename "$d")"); done
if [ "${#NICS[@]}" = 0 ]; then
    bad "this machine has no physical NIC in /sys/class/net: nothing to check roles on"
    echo "$PASS passed, $FAIL failed"
    exit 1
fi
FIRST=${NICS[0]}

# the kernel's speed in Mbit/s, or "null" where it does not know it (-1, absent, unreadable)
sys_speed() {
    local s
    s=$(cat "/sys/class/net/$1/speed" 2>/dev/null) || s=-1
    case $s in '' | -* | 0) echo null ;; *) echo "$s" ;; esac
}

# facts ROOT OUT: kvmcap's facts of this host through an embedded root (the first run in a
# new root probes QEMU: a generous deadline)
facts() {
    "$KVMCAP" facts -c "qemu:///embed?root=$1" --timeout 60 --json >"$2" 2>"$TMP/err"
}

# nic_field FILE NAME FIELD: one field of one NIC of a facts file ("" when absent)
nic_field() {
    python3 - "$@" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for n in d.get("nics", []):
    if n.get("name") == sys.argv[2]:
        v = n.get(sys.argv[3])
        print("null" if v is None else str(v).lower() if isinstance(v, bool) else v)
        break
EOF
}

check_nics() {    # check_nics FILE WHAT VM_NIC: every physical NIC's role and speed
    local f=$1 what=$2 vm=$3 n role want speed
    for n in "${NICS[@]}"; do
        role=$(nic_field "$f" "$n" role)
        if [ "$n" = "$vm" ]; then want=vm; else want=mgmt; fi
        if [ "$role" = "$want" ]; then
            ok "$what: $n is $role ($(nic_field "$f" "$n" why))"
        else
            bad "$what: $n: want role $want, got '$role' ($(nic_field "$f" "$n" why))"
        fi
        speed=$(nic_field "$f" "$n" speed_mbps)
        if [ "$speed" = "$(sys_speed "$n")" ]; then
            ok "$what: $n speed $speed as /sys says"
        else
            bad "$what: $n speed: /sys says $(sys_speed "$n"), kvmcap '$speed'"
        fi
    done
}

# --- 1. no domain: no VM traffic anywhere ---
mkdir -p "$TMP/embed"
if facts "$TMP/embed" "$TMP/none.json"; then
    check_nics "$TMP/none.json" "no domain" ""
    if [ "$(nic_field "$TMP/none.json" "$FIRST" why)" = "not in a VM bridge" ]; then
        ok "no domain: $FIRST says why it is mgmt"
    else
        bad "no domain: $FIRST's why is '$(nic_field "$TMP/none.json" "$FIRST" why)'"
    fi
else
    bad "facts of an empty embedded root failed: $(head -c 300 "$TMP/err")"
fi

# --- 2. a domain with a macvtap on the first NIC: that NIC carries VM traffic ---
cat >"$TMP/direct.xml" <<EOF
<domain type='qemu'>
  <name>kvmcap-live-nic</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <interface type='direct'><source dev='$FIRST' mode='bridge'/><model type='virtio'/></interface>
  </devices>
</domain>
EOF
if ! timeout 60 virsh -q -c "qemu:///embed?root=$TMP/embed" define "$TMP/direct.xml" \
        >"$TMP/virsh.out" 2>&1; then
    bad "virsh could not define the macvtap domain: $(head -c 300 "$TMP/virsh.out")"
elif facts "$TMP/embed" "$TMP/direct.json"; then
    check_nics "$TMP/direct.json" "macvtap on $FIRST" "$FIRST"
    why=$(nic_field "$TMP/direct.json" "$FIRST" why)
    case $why in
        *kvmcap-live-nic*) ok "macvtap: $FIRST's why names the domain ($why)" ;;
        *) bad "macvtap: $FIRST's why does not name the domain: '$why'" ;;
    esac
    # the uplink of a net= shape is the vm NIC alone: unknown where the kernel does not know
    # its speed, else at most its speed (the networking mode's efficiency and max util apply)
    speed=$(sys_speed "$FIRST")
    if "$KVMCAP" -c "qemu:///embed?root=$TMP/embed" --timeout 60 --vm 1c1g,net=100m --json \
            >"$TMP/fit.json" 2>"$TMP/err"; then
        got=$(python3 - "$TMP/fit.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["shapes"][0]["resources"]:
    if r["name"] == "network":
        print(r["state"], r["capacity"])
EOF
)
        if [ "$speed" = null ]; then
            if [ "$got" = "unknown None" ]; then
                ok "net= shape: $FIRST's speed is unknown, so is the uplink ($got)"
            else
                bad "net= shape: $FIRST's speed is unknown; the network row says '$got'"
            fi
        else
            cap=${got#* }
            if [ "${got%% *}" != unknown ] && [ "$cap" -gt 0 ] && [ "$cap" -le $((speed * 1000)) ]; then
                ok "net= shape: the uplink is $FIRST's, $cap kbit/s of $speed Mbit/s"
            else
                bad "net= shape: want an uplink of at most $((speed * 1000)) kbit/s, got '$got'"
            fi
        fi
    else
        bad "fit with net= failed: $(head -c 300 "$TMP/err")"
    fi
else
    bad "facts of the macvtap root failed: $(head -c 300 "$TMP/err")"
fi

# --- 3. a network namespace of our own: a bridge with one enslaved veth is the uplink ---
# Two namespaces joined by two veth pairs: in NS, vm-a is a port of bridge kc-br0 (which a
# defined domain names), mg-a is in nothing. A veth has no `device` link; the kernel says its
# peer is in another namespace (netlink) and NS has no physical NIC, so each is one of its
# NICs, 10 Gbit/s by /sys.
NS=kvmcap-live-nics-$$
NS2=kvmcap-live-peer-$$
kc_live_before_stop() { ip netns del "$NS" 2>/dev/null; ip netns del "$NS2" 2>/dev/null; return 0; }
if ip netns add "$NS" && ip netns add "$NS2" &&
   ip -n "$NS" link add vm-a type veth peer name vm-p netns "$NS2" &&
   ip -n "$NS" link add mg-a type veth peer name mg-p netns "$NS2" &&
   ip -n "$NS" link add kc-br0 type bridge && ip -n "$NS" link set vm-a master kc-br0 &&
   ip -n "$NS" link set vm-a up && ip -n "$NS" link set mg-a up &&
   ip -n "$NS" link set kc-br0 up && ip -n "$NS2" link set vm-p up &&
   ip -n "$NS2" link set mg-p up; then
    sed "s/<interface type='direct'>.*<\/interface>/<interface type='bridge'><source bridge='kc-br0'\/><model type='virtio'\/><\/interface>/; s/kvmcap-live-nic/kvmcap-live-br/" \
        "$TMP/direct.xml" >"$TMP/bridge.xml"
    mkdir -p "$TMP/embed-ns"
    if ! timeout 60 virsh -q -c "qemu:///embed?root=$TMP/embed-ns" define "$TMP/bridge.xml" \
            >"$TMP/virsh.out" 2>&1; then
        bad "virsh could not define the bridged domain: $(head -c 300 "$TMP/virsh.out")"
    elif ip netns exec "$NS" "$KVMCAP" facts -c "qemu:///embed?root=$TMP/embed-ns" --timeout 60 \
            --json >"$TMP/ns.json" 2>"$TMP/err" &&
         ip netns exec "$NS" "$KVMCAP" -c "qemu:///embed?root=$TMP/embed-ns" --timeout 60 \
            --vm 1c1g,net=1g --json >"$TMP/ns-fit.json" 2>>"$TMP/err"; then
        for n in vm-a mg-a; do
            want=mgmt; [ "$n" = vm-a ] && want=vm
            role=$(nic_field "$TMP/ns.json" "$n" role)
            speed=$(nic_field "$TMP/ns.json" "$n" speed_mbps)
            sys=$(ip netns exec "$NS" cat "/sys/class/net/$n/speed" 2>/dev/null || echo none)
            if [ "$role" = "$want" ] && [ "$speed" = "$sys" ]; then
                ok "namespace: $n is $role at $speed Mbit/s as its /sys says ($(nic_field "$TMP/ns.json" "$n" why))"
            else
                bad "namespace: $n: want $want at $sys Mbit/s, got '$role' at '$speed'"
            fi
        done
        got=$(python3 - "$TMP/ns-fit.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["shapes"][0]["resources"]:
    if r["name"] == "network":
        print(r["state"], r["capacity"], r["limit"])
EOF
)
        sys=$(ip netns exec "$NS" cat /sys/class/net/vm-a/speed)
        if [ "$got" = "bounded $((sys * 1000)) $((sys / 1000))" ]; then
            ok "namespace: the uplink is vm-a alone: $got (net=1g VMs)"
        else
            bad "namespace: want 'bounded $((sys * 1000)) $((sys / 1000))' (vm-a only), got '$got'"
        fi
    else
        bad "kvmcap in the namespace failed: $(head -c 300 "$TMP/err")"
    fi
else
    bad "could not make the network namespaces and veth pairs"
fi
ip netns del "$NS" 2>/dev/null || true
ip netns del "$NS2" 2>/dev/null || true

# nothing the runs started (the embedded driver's QEMU probes) outlives them
left=""
for _ in $(seq 20); do left=$(pgrep -f -- "$TMP/" || true); [ -z "$left" ] && break; sleep 0.1; done
if [ -z "$left" ]; then
    ok "no process of the embedded root is left"
else
    bad "processes of the embedded root are left: $left"
    for p in $left; do kill -9 "$p" 2>/dev/null || true; done
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
