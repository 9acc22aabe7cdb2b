# SPDX-License-Identifier: MIT
# lib.sh: private libvirt daemons for live tests and benchmarks (sourced, never run).
#
# Usage (bash, as root):
#     . tests/live/lib.sh
#     kc_live_trap                      # EXIT: stop what we started, remove temp dirs
#     kc_live_require libvirtd virsh    # root + tools, else "0 passed, 1 failed", exit 1
#     kc_live_prepare                   # users/groups/dirs libvirt-daemon-system would make;
#                                       # sets KC_DOMTYPE to kvm (or qemu without /dev/kvm)
#     kc_live_tmpdir dir                # dir=a new temp dir, removed on exit
#     kc_live_lib                       # KVMCAP_LIB (the program's objects, build/libkvmcap.a)
#                                       # and KVMCAP_LIBS (what they link with) for a driver
#     kc_live_start_virtlogd "$dir"     # only if no virtlogd runs (needed to start domains)
#     kc_live_start_libvirtd "$dir" || exit 1
#         # libvirtd --listen on 127.0.0.1:$KC_LIBVIRTD_PORT (a free port), own config, pid
#         # file, log and unix socket dir under "$dir"; sets KC_LIBVIRTD_PID, KC_LIBVIRTD_PORT,
#         # KC_LIBVIRTD_URI (qemu+tcp://127.0.0.1:PORT/system), and waits until it answers.
#         # test-driver hosts through it: test+tcp://127.0.0.1:PORT/ABS/PATH/host.xml
#     kc_live_wait_uri URI [TRIES]      # 0 once `virsh -c URI uri` answers (TRIES x 0.1 s)
#     kc_live_free_port                 # prints a loopback TCP port nobody listens on
#     kc_live_stop_pid PID              # SIGCONT, SIGTERM, up to 5 s, then SIGKILL
#     kc_live_register_pid PID          # stop PID on exit too (any process you started)
#     kc_live_pid_alive PID             # 0 if PID runs (a zombie waiting for init counts as gone)
#     kc_live_stop_pids PID...          # SIGCONT+SIGTERM to all at once, wait until none is
#                                       # alive (zombies count as gone: init here reaps them
#                                       # only after ~2 s), up to 5 s, SIGKILL the rest, and
#                                       # unregister them (the EXIT trap will not wait on them)
#
# A second, genuinely separate host (its own mount and UTS namespaces, same network):
#     kc_live_start_virtlogd_here "$dir"
#         # like kc_live_start_virtlogd, but starts one unless a virtlogd answers on THIS mount
#         # namespace's /run/libvirt/virtlogd-sock (one in another namespace does not count);
#         # sets KC_VIRTLOGD_PID (empty when an existing one is used). Needs python3.
#     kc_live_start_libvirtd_ns "$dir" HOSTNAME || exit 1
#         # unshare --mount --uts --propagation private: hostname HOSTNAME, private tmpfs over
#         # /run/libvirt, /var/lib/libvirt, /var/cache/libvirt, /var/log/libvirt, /etc/libvirt
#         # bound to "$dir/etc" (the host's *.conf files only: no domains, networks, secrets),
#         # its own virtlogd and a libvirtd --listen on 127.0.0.1:(a free port), config, pid
#         # files and log under "$dir". The namespace lives as long as its processes (nothing
#         # else holds it open); both daemons are registered. Sets KC_NS_LIBVIRTD_PID,
#         # KC_NS_VIRTLOGD_PID, KC_NS_LIBVIRTD_PORT, KC_NS_LIBVIRTD_URI; waits until it answers.
#         # Tries up to 3 ports when another process takes the free one before libvirtd binds.
#     kc_live_ns_run PID CMD...         # CMD in PID's mount and UTS namespaces (nsenter)
#     kc_live_qemu_pid DAEMON_PID NAME  # the QEMU PID of running domain NAME, read from
#                                       # /run/libvirt/qemu/NAME.pid as DAEMON_PID sees it
#
# Guests of known load (tiny multiboot kernels, booted with <os><kernel>; needs gcc -m32, ld):
#     kc_live_build_kernels DIR         # DIR/spin.elf and DIR/halt.elf: touch 64 MiB from 16 MiB
#                                       # on, then spin (one core busy) or halt (no CPU)
#     kc_live_define_guest URI DIR NAME KERNEL VCPUS
#         # virsh define a domain NAME of type $KC_DOMTYPE (kc_live_prepare), 128 MiB, VCPUS
#         # vCPUs, booting DIR/KERNEL.elf, no balloon; its XML is DIR/NAME.xml
#
# Prometheus (Debian's prometheus, on loopback, its own data directory):
#     kc_live_start_exporters URI DIR
#         # Debian's prometheus-libvirt-exporter on libvirt URI and prometheus-node-exporter
#         # (meminfo and cpu only) on free loopback ports, logs DIR/libvirt-exporter.log and
#         # DIR/node-exporter.log, both registered; sets KC_LE_PORT and KC_NE_PORT and writes
#         # DIR/prometheus.yml, which scrapes both every second (jobs libvirt and node).
#     kc_live_start_prometheus CONFIG DATA LOG [FLAG...]
#         # prometheus --config.file=CONFIG --storage.tsdb.path=DATA on 127.0.0.1:(a free
#         # port), retention 100y, FLAGs added, output to LOG; registered; waits until /-/ready
#         # answers (up to KC_PROM_WAIT_S seconds, default 20). Sets KC_PROM_PID, KC_PROM_PORT
#         # and KC_PROM_URL (http://127.0.0.1:PORT). Tries up to 3 ports. Needs curl.
#
# A script that must do something before the daemons stop (destroy its domains) defines
# kc_live_before_stop; the EXIT trap calls it first, with errexit off. Everything is stopped
# by its PID, never by name; nothing is left running on any exit path.
#
# Running this file directly does nothing (the Makefile's test-live loop skips it).

KC_LIVE_PIDS=()
KC_LIVE_DIRS=()
KC_LIBVIRTD_PID=""
KC_LIBVIRTD_PORT=""
KC_LIBVIRTD_URI=""
KC_DOMTYPE=""
KC_VIRTLOGD_PID=""
KC_NS_LIBVIRTD_PID=""
KC_NS_VIRTLOGD_PID=""
KC_NS_LIBVIRTD_PORT=""
KC_NS_LIBVIRTD_URI=""
KC_PROM_PID=""
KC_PROM_PORT=""
KC_PROM_URL=""

kc_live_register_pid() { KC_LIVE_PIDS+=("$1"); }

kc_live_stop_pid() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || return 0
    kill -CONT "$pid" 2>/dev/null
    kill "$pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
    return 0
}

kc_live_cleanup() {
    local rc=$? i
    set +e
    if declare -F kc_live_before_stop >/dev/null; then kc_live_before_stop; fi
    # newest first: a daemon started later may depend on an earlier one
    for ((i = ${#KC_LIVE_PIDS[@]} - 1; i >= 0; i--)); do kc_live_stop_pid "${KC_LIVE_PIDS[$i]}"; done
    for i in "${KC_LIVE_DIRS[@]}"; do [ -n "$i" ] && rm -rf "$i"; done
    exit "$rc"
}

kc_live_trap() {
    trap kc_live_cleanup EXIT
    trap 'exit 130' INT TERM
}

kc_live_require() {
    local tool
    if [ "$(id -u)" != 0 ]; then
        echo "live tests: must run as root to start a private libvirtd (skipping is a failure)"
        echo "0 passed, 1 failed"
        exit 1
    fi
    for tool in "$@"; do
        if ! command -v "$tool" >/dev/null; then
            echo "live tests: '$tool' is missing (make deps installs it)"
            echo "0 passed, 1 failed"
            exit 1
        fi
    done
}

kc_live_prepare() {
    getent group kvm >/dev/null || groupadd -r kvm
    getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
    id libvirt-qemu >/dev/null 2>&1 ||
        useradd -r -g libvirt-qemu -G kvm -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
    mkdir -p /var/log/libvirt
    if [ -e /dev/kvm ]; then
        chgrp kvm /dev/kvm && chmod 0660 /dev/kvm
        KC_DOMTYPE=kvm
    else
        KC_DOMTYPE=qemu
        echo "note: /dev/kvm is missing: domains run under TCG (type qemu)"
    fi
}

# kc_live_tmpdir NAME: sets the variable NAME (not a subshell: the dir must be registered)
# The program's objects for a small test driver: `make test-live` passes KVMCAP_LIB and
# KVMCAP_LIBS; run by hand, the archive is built here (from the repository root).
kc_live_lib() {
    if [ -z "${KVMCAP_LIB:-}" ]; then
        make -s --no-print-directory build/libkvmcap.a >/dev/null || return 1
        KVMCAP_LIB=$PWD/build/libkvmcap.a
    fi
    if [ -z "${KVMCAP_LIBS:-}" ]; then
        KVMCAP_LIBS="$(pkg-config --libs libvirt libcjson libxml-2.0 sqlite3 libcurl) -lpthread -lm"
    fi
}

kc_live_tmpdir() {
    local d
    d=$(mktemp -d "${TMPDIR:-/tmp}/kvmcap-live.XXXXXX") || return 1
    KC_LIVE_DIRS+=("$d")
    printf -v "$1" '%s' "$d"
}

kc_live_free_port() {
    local p
    for _ in $(seq 100); do
        p=$((20000 + RANDOM % 20000))
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
    done
    return 1
}

kc_live_wait_uri() {
    local uri=$1 tries=${2:-100}
    for _ in $(seq "$tries"); do
        if timeout 5 virsh -c "$uri" uri >/dev/null 2>&1; then return 0; fi
        sleep 0.1
    done
    return 1
}

kc_live_start_virtlogd() {
    local dir=$1 pid=""
    pgrep -x virtlogd >/dev/null && return 0
    virtlogd -d -p "$dir/virtlogd.pid" || return 1
    for _ in $(seq 50); do [ -s "$dir/virtlogd.pid" ] && break; sleep 0.1; done
    pid=$(cat "$dir/virtlogd.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kc_live_register_pid "$pid"
    return 0
}

kc_live_start_libvirtd() {
    local dir=$1 port
    port=$(kc_live_free_port) || { echo "live tests: no free port"; return 1; }
    mkdir -p "$dir/sock"
    cat >"$dir/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$port"
auth_tcp = "none"
unix_sock_dir = "$dir/sock"
log_outputs = "3:file:$dir/libvirtd.log"
EOF
    if ! libvirtd --listen -f "$dir/libvirtd.conf" -p "$dir/libvirtd.pid" -d; then
        echo "live tests: libvirtd did not start (see above)"
        return 1
    fi
    for _ in $(seq 100); do [ -s "$dir/libvirtd.pid" ] && break; sleep 0.05; done
    KC_LIBVIRTD_PID=$(cat "$dir/libvirtd.pid" 2>/dev/null || true)
    [ -n "$KC_LIBVIRTD_PID" ] && kc_live_register_pid "$KC_LIBVIRTD_PID"
    KC_LIBVIRTD_PORT=$port
    KC_LIBVIRTD_URI="qemu+tcp://127.0.0.1:$port/system"
    if [ -z "$KC_LIBVIRTD_PID" ] || ! kc_live_wait_uri "$KC_LIBVIRTD_URI"; then
        echo "live tests: libvirtd (pid ${KC_LIBVIRTD_PID:-?}) does not answer on $KC_LIBVIRTD_URI"
        tail -n 5 "$dir/libvirtd.log" 2>/dev/null || true
        return 1
    fi
    return 0
}

kc_live_pid_alive() {
    local st
    [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
    st=$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\) .*/\1/p' "/proc/$1/stat" 2>/dev/null)
    [ "$st" != Z ] && [ "$st" != X ]
}

kc_live_stop_pids() {
    local p i live
    for p in "$@"; do
        [ -n "$p" ] || continue
        kill -CONT "$p" 2>/dev/null || true
        kill "$p" 2>/dev/null || true
    done
    for _ in $(seq 50); do
        live=0
        for p in "$@"; do kc_live_pid_alive "$p" && live=1; done
        [ "$live" = 0 ] && break
        sleep 0.1
    done
    for p in "$@"; do if kc_live_pid_alive "$p"; then kill -9 "$p" 2>/dev/null || true; fi; done
    for p in "$@"; do
        [ -n "$p" ] || continue
        for i in "${!KC_LIVE_PIDS[@]}"; do
            [ "${KC_LIVE_PIDS[$i]}" = "$p" ] && unset 'KC_LIVE_PIDS[i]'
        done
    done
    KC_LIVE_PIDS=("${KC_LIVE_PIDS[@]}")
    return 0
}

kc_live_start_virtlogd_here() {
    local dir=$1
    KC_VIRTLOGD_PID=""
    if [ -S /run/libvirt/virtlogd-sock ] && python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(sys.argv[1])' \
        /run/libvirt/virtlogd-sock 2>/dev/null; then
        return 0
    fi
    virtlogd -d -p "$dir/virtlogd.pid" || return 1
    for _ in $(seq 50); do [ -s "$dir/virtlogd.pid" ] && break; sleep 0.1; done
    KC_VIRTLOGD_PID=$(cat "$dir/virtlogd.pid" 2>/dev/null || true)
    [ -n "$KC_VIRTLOGD_PID" ] && kc_live_register_pid "$KC_VIRTLOGD_PID"
    [ -n "$KC_VIRTLOGD_PID" ]
}

kc_live_ns_run() {
    local pid=$1
    shift
    nsenter --mount --uts --target "$pid" -- "$@"
}

kc_live_qemu_pid() {
    kc_live_ns_run "$1" cat "/run/libvirt/qemu/$2.pid" 2>/dev/null
}

kc_live_start_libvirtd_ns() {
    local dir=$1 name=$2 port rc attempt
    mkdir -p "$dir/sock" "$dir/etc" /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt
    cp -p /etc/libvirt/*.conf "$dir/etc/" 2>/dev/null || true
    # up to 3 ports: another test may take the free one before libvirtd binds it
    for attempt in 1 2 3; do
        rc=0
        rm -f "$dir/virtlogd.pid" "$dir/libvirtd.pid" "$dir/libvirtd.log"
        port=$(kc_live_free_port) || { echo "live tests: no free port"; return 1; }
        cat >"$dir/libvirtd.conf" <<EOF
listen_tls = 0
listen_tcp = 1
listen_addr = "127.0.0.1"
tcp_port = "$port"
auth_tcp = "none"
unix_sock_dir = "$dir/sock"
log_outputs = "3:file:$dir/libvirtd.log"
EOF
        # the shell inside exits once both daemons have forked; they keep the namespace alive
        # shellcheck disable=SC2016 # expanded by the inner shell
        unshare --mount --uts --propagation private -- bash -c '
            set -e
            hostname "$2"
            for d in /run/libvirt /var/lib/libvirt /var/cache/libvirt /var/log/libvirt; do
                mount -t tmpfs -o mode=0755,size=64m kvmcap-live "$d"
            done
            mount --bind "$1/etc" /etc/libvirt
            virtlogd -d -p "$1/virtlogd.pid"
            for _ in $(seq 50); do [ -s "$1/virtlogd.pid" ] && break; sleep 0.1; done
            libvirtd --listen -f "$1/libvirtd.conf" -p "$1/libvirtd.pid" -d
        ' kc-live-ns "$dir" "$name" 2>"$dir/unshare.err" || rc=$?
        for _ in $(seq 100); do
            [ -s "$dir/libvirtd.pid" ] && break
            [ "$rc" != 0 ] && break
            sleep 0.05
        done
        KC_NS_VIRTLOGD_PID=$(cat "$dir/virtlogd.pid" 2>/dev/null || true)
        [ -n "$KC_NS_VIRTLOGD_PID" ] && kc_live_register_pid "$KC_NS_VIRTLOGD_PID"
        KC_NS_LIBVIRTD_PID=$(cat "$dir/libvirtd.pid" 2>/dev/null || true)
        [ -n "$KC_NS_LIBVIRTD_PID" ] && kc_live_register_pid "$KC_NS_LIBVIRTD_PID"
        KC_NS_LIBVIRTD_PORT=$port
        KC_NS_LIBVIRTD_URI="qemu+tcp://127.0.0.1:$port/system"
        [ "$rc" = 0 ] && break
        if [ "$attempt" != 3 ] && grep -q "Address already in use" "$dir/libvirtd.log" 2>/dev/null; then
            echo "note: port $port was taken before libvirtd bound it: another port"
            kc_live_stop_pids "$KC_NS_LIBVIRTD_PID" "$KC_NS_VIRTLOGD_PID"
            continue
        fi
        cat "$dir/unshare.err"
        echo "live tests: the namespaced libvirtd did not start (exit $rc)"
        tail -n 5 "$dir/libvirtd.log" 2>/dev/null || true
        return 1
    done
    if [ -z "$KC_NS_LIBVIRTD_PID" ] || ! kc_live_wait_uri "$KC_NS_LIBVIRTD_URI"; then
        echo "live tests: namespaced libvirtd (pid ${KC_NS_LIBVIRTD_PID:-?}) does not answer on $KC_NS_LIBVIRTD_URI"
        tail -n 5 "$dir/libvirtd.log" 2>/dev/null || true
        return 1
    fi
    return 0
}

kc_live_build_kernels() {
    local dir=$1 k def
    cat >"$dir/k.S" <<'EOF'
        .text
        .align 4
        .long 0x1BADB002
        .long 0x00000003
        .long -(0x1BADB002 + 0x00000003)
        .globl _start
_start:
        mov $stack_top, %esp
        mov $0x1000000, %edi
        mov $(64 * 256), %ecx
1:      movl $1, (%edi)
        add $4096, %edi
        loop 1b
#ifdef SPIN
2:      jmp 2b
#else
3:      cli
        hlt
        jmp 3b
#endif
        .bss
        .space 4096
stack_top:
EOF
    for k in spin halt; do
        def=""
        [ "$k" = spin ] && def=-DSPIN
        gcc -m32 -c $def -o "$dir/$k.o" "$dir/k.S" || return 1
        ld -m elf_i386 -N -Ttext 0x100000 -o "$dir/$k.elf" "$dir/$k.o" 2>/dev/null || return 1
        chmod 0644 "$dir/$k.elf"
    done
    [ -s "$dir/spin.elf" ] && [ -s "$dir/halt.elf" ]
}

kc_live_define_guest() {
    local uri=$1 dir=$2 name=$3 kernel=$4 vcpus=$5
    cat >"$dir/$name.xml" <<EOF
<domain type='$KC_DOMTYPE'>
  <name>$name</name>
  <memory unit='MiB'>128</memory>
  <vcpu>$vcpus</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type><kernel>$dir/$kernel.elf</kernel></os>
  <devices><serial type='pty'/><memballoon model='none'/></devices>
</domain>
EOF
    timeout 30 virsh -q -c "$uri" define "$dir/$name.xml" >/dev/null
}

kc_live_start_exporters() {
    local uri=$1 dir=$2
    KC_LE_PORT=$(kc_live_free_port) || return 1
    KC_NE_PORT=$(kc_live_free_port) || return 1
    prometheus-libvirt-exporter --web.listen-address="127.0.0.1:$KC_LE_PORT" \
        --libvirt.uri="$uri" >"$dir/libvirt-exporter.log" 2>&1 &
    kc_live_register_pid $!
    prometheus-node-exporter --web.listen-address="127.0.0.1:$KC_NE_PORT" \
        --collector.disable-defaults --collector.meminfo --collector.cpu \
        >"$dir/node-exporter.log" 2>&1 &
    kc_live_register_pid $!
    cat >"$dir/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: libvirt
    static_configs: [ { targets: [ "127.0.0.1:$KC_LE_PORT" ] } ]
  - job_name: node
    static_configs: [ { targets: [ "127.0.0.1:$KC_NE_PORT" ] } ]
YML
}

kc_live_start_prometheus() {
    local config=$1 data=$2 log=$3 port attempt tries
    shift 3
    tries=$(( ${KC_PROM_WAIT_S:-20} * 5 ))
    for attempt in 1 2 3; do
        port=$(kc_live_free_port) || { echo "live tests: no free port"; return 1; }
        prometheus --config.file="$config" --storage.tsdb.path="$data" \
            --storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$port" "$@" \
            >"$log" 2>&1 &
        KC_PROM_PID=$!
        kc_live_register_pid "$KC_PROM_PID"
        KC_PROM_PORT=$port
        KC_PROM_URL="http://127.0.0.1:$port"
        for _ in $(seq "$tries"); do
            curl -sf "$KC_PROM_URL/-/ready" >/dev/null 2>&1 && return 0
            kc_live_pid_alive "$KC_PROM_PID" || break
            sleep 0.2
        done
        if kc_live_pid_alive "$KC_PROM_PID"; then
            echo "live tests: prometheus (pid $KC_PROM_PID) is not ready on $KC_PROM_URL"
            tail -n 5 "$log"
            return 1
        fi
        if [ "$attempt" != 3 ] && grep -q "address already in use" "$log"; then
            echo "note: port $port was taken before prometheus bound it: another port"
            continue
        fi
        echo "live tests: prometheus exited:"
        tail -n 5 "$log"
        return 1
    done
    return 1
}

# executed rather than sourced: do nothing
if [ "${BASH_SOURCE[0]}" = "$0" ]; then exit 0; fi
