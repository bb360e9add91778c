# shellcheck shell=bash
# SPDX-License-Identifier: Apache-2.0
# Shared set-up for the benchmarks in bench/ (startup.sh, lifecycle.sh, ...).
# Sourced, not run: the caller sets `prog` (its file name) and `here` (the
# directory holding it and this file) first, then uses, in this order:
#
#   bench_check_pcon                 PCON exists; make it absolute
#   bench_reexec_as_user VAR...      as root: re-run the caller as $bench_user
#                                    (passing PCON and the named variables) and exit;
#                                    the files named in bench_stage_files (in $here)
#                                    go along with the script
#   bench_user_checks [CMD...]       commands, busybox, subordinate id ranges
#   trap bench_cleanup EXIT ...      (see below)
#   bench_workdirs NAME              $work, $short, $log
#   bench_image                      $work/rootfs, $work/rootfs.tar
#   bench_image_add PROGRAM...       (optional) programs and their libraries into it
#   bench_isolate                    XDG_* point into the temporary dirs
#   bench_podman_setup               isolated podman config, $img imported, checked
#   bench_pcon_setup                 pcon array (--root/--runroot), $img imported
#   bench_config_line                the "config: ..." line both scripts print
#
# bench_cleanup (the EXIT trap) removes all containers of both engines, resets
# podman's store, removes pcon's store, stops both pause processes by the pid
# in their pid files (after checking owner and start time), stops any process
# of ours still naming the temporary dirs (with a warning) and removes the dirs.

# shellcheck disable=SC2154 # prog and here come from the caller
repo=$(dirname "$here")
PCON=${PCON:-$repo/pcon}
bench_user=${BENCH_USER:-pcontest}
img=localhost/benchbb

die() {
    echo "$prog: $*" >&2
    exit 1
}
warn() { echo "$prog: warning: $*" >&2; }

bench_check_pcon() {
    [ -x "$PCON" ] || die "pcon binary not found or not executable: $PCON (build it with make, or set PCON=/path/to/pcon)"
    PCON=$(realpath -- "$PCON")
}

# --- as root: run the whole benchmark as the unprivileged user ---------------
# Rootless is what we measure; root would take other code paths in both
# engines. Everything the user needs (script, this file, binary, TMPDIR) goes
# to a staging dir that root removes afterwards, whatever the user left behind.
bench_stage=
bench_stage_files=() # more files of $here the caller needs (e.g. a C source), staged too
bench_reexec_as_user() { # VAR... (variables to pass on, besides PCON)
    [ "$(id -u)" = 0 ] || return 0
    id "$bench_user" >/dev/null 2>&1 || die "user '$bench_user' does not exist (contrib/setup-host.sh creates pcontest)"
    [ "$(id -u "$bench_user")" != 0 ] || die "BENCH_USER must not be root"
    local user_home pcon_bin v rc=0
    local -a pass=()
    user_home=$(getent passwd "$bench_user" | cut -d: -f6)
    bench_stage=$(mktemp -d /tmp/pcon-bench.XXXXXX)
    trap 'rm -rf -- "$bench_stage"' EXIT
    chmod 755 "$bench_stage"
    install -m 644 "$here/$prog" "$here/lib.sh" "${bench_stage_files[@]/#/$here/}" "$bench_stage/"
    install -d -m 700 -o "$bench_user" "$bench_stage/tmp"
    pcon_bin=$PCON
    if ! runuser -u "$bench_user" -- test -r "$PCON" -a -x "$PCON"; then
        install -m 755 "$PCON" "$bench_stage/pcon"
        pcon_bin=$bench_stage/pcon
    fi
    for v in "$@"; do
        pass+=("$v=${!v-}")
    done
    (cd "$bench_stage" && runuser -u "$bench_user" -- env -i \
        HOME="$user_home" USER="$bench_user" LOGNAME="$bench_user" \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 TERM="${TERM:-dumb}" TMPDIR="$bench_stage/tmp" \
        PCON="$pcon_bin" "${pass[@]}" \
        bash "$bench_stage/$prog") || rc=$?
    exit "$rc"
}

# --- as the user ---------------------------------------------------------------
bench_user_checks() { # [extra commands]
    local c
    for c in podman runc unshare tar python3 awk "$@"; do
        command -v "$c" >/dev/null 2>&1 || die "missing command: $c"
    done
    [ -x /bin/busybox ] || die "/bin/busybox missing (apt-get install busybox-static)"
    me=$(id -un)
    uid=$(id -u)
    read -r subuid_start subuid_count <<<"$(subid_range /etc/subuid)" || true
    read -r subgid_start subgid_count <<<"$(subid_range /etc/subgid)" || true
    if [ -z "${subuid_start:-}" ] || [ -z "${subgid_start:-}" ]; then
        die "user '$me' has no range in /etc/subuid and /etc/subgid (run as root, or add one)"
    fi
}

subid_range() { # FILE -> "start count" of the user's first range
    awk -F: -v n="$me" -v u="$uid" '($1 == n || $1 == u) && NF >= 3 { print $2, $3; exit }' "$1"
}

# Remove trees holding files owned by subordinate ids: map them the way both
# engines do (0 -> us, 1.. -> the first subordinate range) and rm as root there.
subid_rm() {
    unshare --map-root-user \
        --map-users="$subuid_start,1,$subuid_count" \
        --map-groups="$subgid_start,1,$subgid_count" \
        rm -rf -- "$@"
}

# The state (field 3) and start time (field 22) of a process, from
# /proc/PID/stat; fails when there is no such process.
proc_state_start() { # PID
    local stat fields
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    read -r -a fields <<<"${stat##*) }" # fields[0] is field 3 (state)
    echo "${fields[0]} ${fields[19]}"
}

# Whether PID is a live (not zombie) process of ours, with start time START
# when one is given (so a recycled pid is not taken for it).
proc_is_ours() { # PID [START]
    local st start
    read -r st start <<<"$(proc_state_start "$1")" || return 1
    [ -n "${st:-}" ] && [ "$st" != Z ] || return 1
    [ "$(stat -c %u "/proc/$1" 2>/dev/null)" = "$uid" ] || return 1
    [ -z "${2:-}" ] || [ "$start" = "$2" ]
}

# TERM, then KILL after a second, a process checked with proc_is_ours.
stop_pid() { # PID [START]
    proc_is_ours "$@" || return 0
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        proc_is_ours "$@" || return 0
        sleep 0.1
    done
    kill -KILL "$1" 2>/dev/null || true
}

# Signal a process we started, found from a pid file: only if it is still
# ours, not a zombie, and (when the file records one) has the same start time.
kill_from_pidfile() { # FILE
    local pid start
    [ -r "$1" ] || return 0
    read -r -d '' pid start _ <"$1" || true
    [[ "${pid:-}" =~ ^[0-9]+$ ]] || return 0
    [[ "${start:-}" =~ ^[0-9]+$ ]] || start=
    stop_pid "$pid" ${start:+"$start"}
}

# The pid and start time (field 22 of /proc/PID/stat) of a live process.
pid_with_start() { # PID
    local st start
    read -r st start <<<"$(proc_state_start "$1")" || return 1
    [ -n "${start:-}" ] || return 1
    echo "$1 $start"
}

# Live processes of ours, started after this script, whose command line names
# one of the temporary dirs: "PID START COMMAND-LINE" per line.
bench_strays() {
    local p st start cmd mystart
    read -r _ mystart <<<"$(proc_state_start $$)"
    for p in /proc/[0-9]*; do
        [ -O "$p" ] || continue # owned by us (a builtin test: no fork per process)
        p=${p#/proc/}
        [ "$p" != $$ ] || continue
        read -r st start <<<"$(proc_state_start "$p")" || continue
        if [ -z "${st:-}" ] || [ "$st" = Z ] || [ "$start" -lt "$mystart" ]; then
            continue
        fi
        cmd=$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null) || continue
        case "$cmd" in
        *"$work"/* | *"$short"/*) echo "$p $start $cmd" ;;
        esac
    done
}

work=
short=
log=/dev/null
podman_ready=0
pcon_ready=0

bench_cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    if [ "$rc" != 0 ] && [ -s "$log" ]; then
        echo "$prog: last lines of $log:" >&2
        tail -n 20 "$log" >&2
    fi
    if [ "$podman_ready" = 1 ]; then
        podman rm -a -f -t 0 >>"$log" 2>&1 || warn "podman rm -a -f failed"
        # reset removes the store and stops podman's pause process; check anyway
        podman system reset -f >>"$log" 2>&1 || warn "podman system reset failed"
        kill_from_pidfile "$work/podman-pause.pid"
    fi
    if [ "$pcon_ready" = 1 ]; then
        "${pcon[@]}" rm -a -f >>"$log" 2>&1 || warn "pcon rm -a -f failed"
        # the store may hold subordinate-owned files; pcon's own userns removes them
        "${pcon[@]}" unshare rm -rf "$pcon_root" >>"$log" 2>&1 ||
            subid_rm "$pcon_root" >>"$log" 2>&1 || warn "could not remove $pcon_root"
        kill_from_pidfile "$pcon_runroot/pause.pid"
    fi
    local d pid start cmd
    if [ -n "$work" ]; then
        while read -r pid start cmd; do
            [ -n "$pid" ] || continue
            warn "process $pid was left running, stopping it: $cmd"
            stop_pid "$pid" "$start"
        done <<<"$(bench_strays)"
    fi
    for d in "$work" "$short"; do
        [ -n "$d" ] || continue
        rm -rf -- "$d" 2>/dev/null || subid_rm "$d" || warn "could not remove $d"
    done
    exit "$rc"
}

bench_workdirs() { # NAME
    work=$(mktemp -d "${TMPDIR:-/tmp}/pcon-$1.XXXXXX")
    # Runtime dirs get a short path of their own: with a long XDG_RUNTIME_DIR
    # (about 50 characters) podman 4.3 misses the container's exit and each `run`
    # waits out conmon's 20 s timeout (a unix socket path limit, it seems).
    short=$(mktemp -d /tmp/pcb.XXXXXX)
    log=$work/log
    : >"$log"
}

# --- image: busybox-static rootfs, one tarball for both engines ---------------
bench_image() {
    local applet
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
}

# Copy programs into $rootfs (from bench_image) with the shared libraries ldd
# names, each at the same path, and write $work/rootfs.tar again.
bench_image_add() { # PROGRAM...
    local f lib
    for f in "$@"; do
        for lib in "$f" $(ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
            mkdir -p "$rootfs/$(dirname "$lib")"
            cp -L "$lib" "$rootfs/$lib"
        done
    done
    tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/rootfs.tar" .
}

# N free TCP ports on 127.0.0.1 (bound and released at once: free now, not reserved)
bench_free_ports() { # N
    python3 - "$1" <<'PYEOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PYEOF
}

# --- isolation: nothing reads or writes the user's ~/.config, ~/.local or runtime dir
bench_isolate() {
    mkdir -p "$work/xdg/config" "$work/xdg/data" "$short/x"
    chmod 700 "$short/x"
    export XDG_CONFIG_HOME=$work/xdg/config XDG_DATA_HOME=$work/xdg/data XDG_RUNTIME_DIR=$short/x
}

# --- podman: runc (crun refuses cgroup v1 here), overlay, no systemd ----------
bench_podman_setup() {
    local pgraph=$work/podman/graph pinfo p_graph p_run ppid
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
}

# --- pcon ----------------------------------------------------------------------
bench_pcon_setup() {
    pcon_root=$work/pcon/root
    pcon_runroot=$short/p
    mkdir -p "$work/pcon"
    pcon=("$PCON" --root "$pcon_root" --runroot "$pcon_runroot")
    pcon_ready=1
    "${pcon[@]}" import "$work/rootfs.tar" "$img" >>"$log" 2>&1 || die "pcon import failed"
    "${pcon[@]}" run --rm --network none "$img" true >>"$log" 2>&1 || die "pcon run failed"
}

bench_config_line() {
    echo "config: podman $p_version (runtime $p_runtime, storage $p_driver, native diff $p_native, cgroups $p_cgm); pcon $PCON; user $me"
}
