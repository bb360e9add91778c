#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Container start-up time, measured in one run: `pcon run --rm` against
# `podman run --rm` (runc, overlay) and a bare `unshare -Urmpf chroot`.
# Prints medians and ratios next to the goals; never fails on a time.
#
#   bash bench/startup.sh            as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (30), BENCH_WARMUP (3),
#              BENCH_USER (pcontest; only used when started as root).
set -euo pipefail

prog=startup.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(dirname "$here")
PCON=${PCON:-$repo/pcon}
runs=${BENCH_RUNS:-30}
warmup=${BENCH_WARMUP:-3}
bench_user=${BENCH_USER:-pcontest}
img=localhost/benchbb

die() {
    echo "$prog: $*" >&2
    exit 1
}
warn() { echo "$prog: warning: $*" >&2; }

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer, not '$warmup'"
[ -x "$PCON" ] || die "pcon binary not found or not executable: $PCON (build it with make, or set PCON=/path/to/pcon)"
PCON=$(realpath -- "$PCON")

# --- as root: run the whole benchmark as the unprivileged user ---------------
# Rootless start-up is what we measure; root would take other code paths in
# both engines. Everything the user needs (script, binary, TMPDIR) goes to a
# staging dir that root removes afterwards, whatever the user left behind.
if [ "$(id -u)" = 0 ]; then
    id "$bench_user" >/dev/null 2>&1 || die "user '$bench_user' does not exist (contrib/setup-host.sh creates pcontest)"
    [ "$(id -u "$bench_user")" != 0 ] || die "BENCH_USER must not be root"
    user_home=$(getent passwd "$bench_user" | cut -d: -f6)
    stage=$(mktemp -d /tmp/pcon-bench.XXXXXX)
    trap 'rm -rf -- "$stage"' EXIT
    chmod 755 "$stage"
    install -m 644 "$here/startup.sh" "$stage/startup.sh"
    install -d -m 700 -o "$bench_user" "$stage/tmp"
    pcon_bin=$PCON
    if ! runuser -u "$bench_user" -- test -r "$PCON" -a -x "$PCON"; then
        install -m 755 "$PCON" "$stage/pcon"
        pcon_bin=$stage/pcon
    fi
    rc=0
    (cd "$stage" && runuser -u "$bench_user" -- env -i \
        HOME="$user_home" USER="$bench_user" LOGNAME="$bench_user" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM="${TERM:-dumb}" TMPDIR="$stage/tmp" \
        PCON="$pcon_bin" BENCH_RUNS="$runs" BENCH_WARMUP="$warmup" \
        bash "$stage/startup.sh") || rc=$?
    exit "$rc"
fi

# --- as the user ---------------------------------------------------------------
for c in podman runc unshare chroot tar python3 awk; do
    command -v "$c" >/dev/null 2>&1 || die "missing command: $c"
done
[ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"

me=$(id -un)
uid=$(id -u)
subid_range() { # FILE -> "start count" of the user's first range
    awk -F: -v n="$me" -v u="$uid" '($1 == n || $1 == u) && NF >= 3 { print $2, $3; exit }' "$1"
}
read -r subuid_start subuid_count <<<"$(subid_range /etc/subuid)" || true
read -r subgid_start subgid_count <<<"$(subid_range /etc/subgid)" || true
if [ -z "${subuid_start:-}" ] || [ -z "${subgid_start:-}" ]; then
    die "user '$me' has no range in /etc/subuid and /etc/subgid (run as root, or add one)"
fi

# Remove trees holding files owned by subordinate ids: map them the way both
# engines do (0 -> us, 1.. -> the first subordinate range) and rm as root there.
subid_rm() {
    unshare --map-root-user \
        --map-users="$subuid_start,1,$subuid_count" \
        --map-groups="$subgid_start,1,$subgid_count" \
        rm -rf -- "$@"
}

# Signal a process we started, found from a pid file: only if it is still
# ours, not a zombie, and (when the file records one) has the same start time.
kill_from_pidfile() { # FILE
    local pid start stat fields
    [ -r "$1" ] || return 0
    read -r -d '' pid start _ <"$1" || true
    [[ "${pid:-}" =~ ^[0-9]+$ ]] || return 0
    stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
    [ "$(stat -c %u "/proc/$pid")" = "$uid" ] || return 0
    read -r -a fields <<<"${stat##*) }" # fields[0] is field 3 (state)
    [ "${fields[0]}" != Z ] || return 0
    if [[ "${start:-}" =~ ^[0-9]+$ ]] && [ "${fields[19]}" != "$start" ]; then
        return 0 # pid recycled
    fi
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        stat=$(cat "/proc/$pid/stat" 2>/dev/null) || return 0
        read -r -a fields <<<"${stat##*) }"
        [ "${fields[0]}" != Z ] || return 0
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
}

# The pid and start time (field 22 of /proc/PID/stat) of a live process.
pid_with_start() { # PID
    local stat fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -r -a fields <<<"${stat##*) }"
    echo "$1 ${fields[19]}"
}

work=
short=
log=/dev/null
podman_ready=0
pcon_ready=0

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [ "$rc" != 0 ] && [ -s "$log" ]; then
        echo "$prog: last lines of $log:" >&2
        tail -n 20 "$log" >&2
    fi
    if [ "$podman_ready" = 1 ]; then
        # reset removes the store and stops podman's pause process; check anyway
        podman system reset -f >>"$log" 2>&1 || warn "podman system reset failed"
        kill_from_pidfile "$work/podman-pause.pid"
    fi
    if [ "$pcon_ready" = 1 ]; then
        # the store may hold subordinate-owned files; pcon's own userns removes them
        "${pcon[@]}" unshare rm -rf "$pcon_root" >>"$log" 2>&1 ||
            subid_rm "$pcon_root" >>"$log" 2>&1 || warn "could not remove $pcon_root"
        kill_from_pidfile "$pcon_runroot/pause.pid"
    fi
    local d
    for d in "$work" "$short"; do
        [ -n "$d" ] || continue
        rm -rf -- "$d" 2>/dev/null || subid_rm "$d" || warn "could not remove $d"
    done
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

work=$(mktemp -d "${TMPDIR:-/tmp}/pcon-startup.XXXXXX")
# Runtime dirs get a short path of their own: with a long XDG_RUNTIME_DIR
# (about 50 characters) podman 4.3 misses the container's exit and each `run`
# waits out conmon's 20 s timeout (a unix socket path limit, it seems).
short=$(mktemp -d /tmp/pcb.XXXXXX)
log=$work/log
: >"$log"

# --- image: busybox-static rootfs, one tarball for both engines ---------------
rootfs=$work/rootfs
mkdir -p "$rootfs"/{bin,etc,dev,proc,sys,tmp,root,run,var/tmp}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $("$rootfs/bin/busybox" --list); do
    [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
    >"$rootfs/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$rootfs/etc/group"
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/rootfs.tar" .

# --- isolation: nothing reads or writes the user's ~/.config, ~/.local or runtime dir
mkdir -p "$work/xdg/config" "$work/xdg/data" "$short/x"
chmod 700 "$short/x"
export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data XDG_RUNTIME_DIR=$short/x

# --- podman: runc (crun refuses cgroup v1 here), overlay, no systemd ----------
pgraph=$work/podman/graph
mkdir -p "$work/podman"
cat >"$work/podman/containers.conf" <<EOF
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
# rootless_storage_path too: containers/storage (podman 4.3) ignores graphroot
# from CONTAINERS_STORAGE_CONF for rootless users (podman issue 10762).
cat >"$work/podman/storage.conf" <<EOF
[storage]
driver = "overlay"
graphroot = "$pgraph"
runroot = "$work/podman/runroot"
rootless_storage_path = "$pgraph"
EOF
export CONTAINERS_CONF=$work/podman/containers.conf
export CONTAINERS_STORAGE_CONF=$work/podman/storage.conf

podman_ready=1 # from here on, cleanup resets podman's store
pinfo=$(podman info --format \
    '{{.Store.GraphRoot}}|{{.Store.RunRoot}}|{{.Store.GraphDriverName}}|{{.Host.OCIRuntime.Name}}|{{index .Store.GraphStatus "Native Overlay Diff"}}|{{.Host.CgroupManager}}|{{.Version.Version}}' \
    2>>"$log") || die "podman info failed"
IFS='|' read -r p_graph p_run p_driver p_runtime p_native p_cgm p_version <<<"$pinfo"
case "$p_graph:$p_run" in
"$work"/*:"$short"/*) ;;
*) die "podman does not use the temporary store (graphroot $p_graph, runroot $p_run)" ;;
esac
[ "$p_driver" = overlay ] || die "podman storage driver is $p_driver, not overlay"
[ "$p_runtime" = runc ] || die "podman runtime is $p_runtime, not runc"

podman import "$work/rootfs.tar" "$img" >>"$log" 2>&1 || die "podman import failed"
podman run --rm --network none "$img" true >>"$log" 2>&1 || die "podman run failed"
# remember podman's pause process (pid and start time) to check it is gone at the end
if ppid=$(cat "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid" 2>/dev/null); then
    pid_with_start "$ppid" >"$work/podman-pause.pid" || true
fi

# --- pcon ----------------------------------------------------------------------
pcon_root=$work/pcon/root
pcon_runroot=$short/p
mkdir -p "$work/pcon"
pcon=("$PCON" --root "$pcon_root" --runroot "$pcon_runroot")
pcon_ready=1
"${pcon[@]}" import "$work/rootfs.tar" "$img" >>"$log" 2>&1 || die "pcon import failed"
"${pcon[@]}" run --rm --network none "$img" true >>"$log" 2>&1 || die "pcon run failed"

# --- bare ------------------------------------------------------------------------
bare=(unshare -Urmpf chroot "$rootfs" /bin/true)
"${bare[@]}" >>"$log" 2>&1 || die "bare unshare+chroot failed"

echo "config: podman $p_version (runtime $p_runtime, storage $p_driver, native diff $p_native, cgroups $p_cgm); pcon $PCON; user $me"

# --- measure: interleaved, rotating the order each round -------------------------
cat >"$work/timer.py" <<'EOF'
import subprocess, sys, time, statistics

runs, warmup, log = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cmds, cur = [], None  # [name, argv]; groups separated by "::", first word is the name
for a in sys.argv[4:]:
    if a == "::":
        cur = None
    elif cur is None:
        cur = [a, []]
        cmds.append(cur)
    else:
        cur[1].append(a)
out = open(log, "ab", buffering=0)

def once(name, argv):
    t0 = time.perf_counter_ns()
    rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    dt = time.perf_counter_ns() - t0
    if rc != 0:
        sys.exit(f"startup.sh: {name} exited {rc} during measurement: {' '.join(argv)}")
    return dt / 1e6

for _ in range(warmup):
    for name, argv in cmds:
        once(name, argv)
times = {name: [] for name, _ in cmds}
for i in range(runs):
    k = i % len(cmds)
    for name, argv in cmds[k:] + cmds[:k]:
        times[name].append(once(name, argv))
for name, _ in cmds:
    t = times[name]
    print(name, statistics.median(t), min(t), max(t))
EOF
echo "measuring: $runs runs each after $warmup warm-up rounds, interleaved" >&2
results=$(python3 "$work/timer.py" "$runs" "$warmup" "$log" \
    pcon "${pcon[@]}" run --rm --network none "$img" true :: \
    podman podman run --rm --network none "$img" true :: \
    bare "${bare[@]}")

declare -A med lo hi
while read -r name m a b; do
    med[$name]=$m lo[$name]=$a hi[$name]=$b
done <<<"$results"

awk -v n="$runs" \
    -v pc="${med[pcon]}" -v pd="${med[podman]}" -v br="${med[bare]}" \
    -v pcl="${lo[pcon]}" -v pch="${hi[pcon]}" -v pdl="${lo[podman]}" -v pdh="${hi[podman]}" \
    -v brl="${lo[bare]}" -v brh="${hi[bare]}" 'BEGIN {
    printf "startup: pcon %.1f ms, podman %.1f ms, bare %.1f ms (median of %d)\n", pc, pd, br, n
    printf "ratio podman/pcon: %.1fx (goal >= 10x)\n", pd / pc
    printf "ratio pcon/bare: %.2fx (goal <= 2x)\n", pc / br
    printf "range (min-max): pcon %.1f-%.1f ms, podman %.1f-%.1f ms, bare %.1f-%.1f ms\n", pcl, pch, pdl, pdh, brl, brh
    if (pd > 15000)
        print "note: podman near 20 s per run is conmon\047s exit timeout (long XDG_RUNTIME_DIR?), not start-up"
}'
