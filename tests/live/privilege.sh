#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# privilege.sh: least privilege, proven. A private libvirtd whose read-write unix socket is
# root-only (0700) and whose read-only socket is open to all (0777, no auth); kvmcap, run as
# the unprivileged user 'nobody', still collects the host's facts through the read-only
# socket (it only ever opens read-only connections), and fails cleanly (exit 4, one line)
# when pointed at the read-write socket it cannot open. Needs root, libvirtd, virsh, runuser.
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
kc_live_require libvirtd virsh runuser python3
KVMCAP=${KVMCAP_BIN:-$PWD/build/kvmcap}
[ -x "$KVMCAP" ] || { echo "privilege: no kvmcap at '$KVMCAP'"; echo "0 passed, 1 failed"; exit 1; }
export KVMCAP_DATADIR=${KVMCAP_DATADIR:-$PWD/data} LC_ALL=C NO_COLOR=1
USER_=nobody
kc_live_prepare
kc_live_tmpdir TMP
chmod 0755 "$TMP"
mkdir -p "$TMP/sock"
chmod 0755 "$TMP/sock"
# unix sockets only (no --listen): rw root-only, ro for everyone without authentication
cat >"$TMP/libvirtd.conf" <<CONF
listen_tls = 0
listen_tcp = 0
unix_sock_dir = "$TMP/sock"
unix_sock_ro_perms = "0777"
unix_sock_rw_perms = "0700"
auth_unix_ro = "none"
auth_unix_rw = "none"
log_outputs = "3:file:$TMP/libvirtd.log"
CONF
libvirtd -f "$TMP/libvirtd.conf" -p "$TMP/libvirtd.pid" -d
for _ in $(seq 100); do [ -s "$TMP/libvirtd.pid" ] && [ -S "$TMP/sock/libvirt-sock-ro" ] && break; sleep 0.05; done
PID=$(cat "$TMP/libvirtd.pid" 2>/dev/null || true)
[ -n "$PID" ] && kc_live_register_pid "$PID"
RO="test+unix:///default?socket=$TMP/sock/libvirt-sock-ro"
RW="test+unix:///default?socket=$TMP/sock/libvirt-sock"
if [ -z "$PID" ] || ! kc_live_wait_uri "$RO"; then
    echo "privilege: libvirtd did not come up"; tail -5 "$TMP/libvirtd.log" 2>/dev/null || true
    echo "0 passed, 1 failed"; exit 1
fi

# the setup is what it claims: the user cannot open the read-write socket
if runuser -u "$USER_" -- virsh -c "$RW" uri >/dev/null 2>&1; then
    bad "user '$USER_' can open the read-write socket: the test proves nothing"
else
    ok "user '$USER_' cannot open the read-write socket"
fi
# as root, the reference answer over the read-write socket
"$KVMCAP" facts -c "$RW" --json >"$TMP/root.json"
# as the user, through the read-only socket
if runuser -u "$USER_" -- "$KVMCAP" facts -c "$RO" --json >"$TMP/user.json" 2>"$TMP/err"; then
    same=$(python3 - "$TMP/root.json" "$TMP/user.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
keys = ("cpus", "mem_mib")
print(all(a["host"][k] == b["host"][k] for k in keys) and len(a["vms"]) == len(b["vms"]))
PY
)
    [ "$same" = True ] && ok "user '$USER_' collects the facts read-only (same CPUs, memory, VMs as root)" ||
        bad "user's facts differ from root's"
else
    bad "user '$USER_' cannot collect read-only: $(cat "$TMP/err")"
fi
if runuser -u "$USER_" -- "$KVMCAP" -c "$RO" --vm 1c1g >/dev/null 2>"$TMP/err"; then
    ok "user '$USER_' plans a fit on the read-only connection"
else
    bad "user '$USER_' fit failed: $(cat "$TMP/err")"
fi
# pointed at the socket it may not open: exit 4 and one line
set +e
runuser -u "$USER_" -- "$KVMCAP" facts -c "$RW" --timeout 5 >/dev/null 2>"$TMP/err"
st=$?
set -e
if [ "$st" = 4 ] && [ "$(wc -l <"$TMP/err")" = 1 ] && grep -q '^kvmcap: ' "$TMP/err"; then
    ok "read-write socket as '$USER_': exit 4: $(cat "$TMP/err")"
else
    bad "read-write socket as '$USER_': exit $st, stderr: $(cat "$TMP/err")"
fi
# and the only libvirt connection the program opens is read-only
opens=$(grep -hoE 'virConnectOpen[A-Za-z]*\(' planner/*.c planner/*/*.c | sort -u | tr -d '(' | tr '\n' ' ')
[ "$opens" = "virConnectOpenReadOnly " ] && ok "the sources open only virConnectOpenReadOnly" ||
    bad "the sources call: $opens"

echo "$PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
