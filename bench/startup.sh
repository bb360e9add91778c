#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Container start-up time, measured in one run: `pcon run --rm` against
# `podman run --rm` (runc, overlay), a bare `unshare -Urmpf chroot`, and the
# floor of pcon's isolation (floor.c: the same namespaces, overlay, mounts,
# capability cut and seccomp program, done by the shortest program, with no
# engine around it), and what the default seccomp profile costs (against
# seccomp=unconfined).
# Prints medians and ratios next to the goals; never fails on a time.
#
#   bash bench/startup.sh            as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (30), BENCH_WARMUP (3),
#              BENCH_USER (pcontest; only used when started as root).
# Set-up and clean-up shared with lifecycle.sh live in lib.sh.
set -euo pipefail

prog=startup.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_stage_files=(floor.c) # compiled by the user, into the work dir
runs=${BENCH_RUNS:-30}
warmup=${BENCH_WARMUP:-3}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer, not '$warmup'"
bench_check_pcon
BENCH_RUNS=$runs BENCH_WARMUP=$warmup

# as root: the whole benchmark runs as the unprivileged user (see lib.sh)
bench_reexec_as_user BENCH_RUNS BENCH_WARMUP

bench_user_checks chroot cc
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs startup
bench_image   # $rootfs, $work/rootfs.tar
bench_isolate
bench_podman_setup
bench_pcon_setup

# --- bare, and the floor of pcon's isolation ------------------------------------
bare=(unshare -Urmpf chroot "$rootfs" /bin/true)
"${bare[@]}" >>"$log" 2>&1 || die "bare unshare+chroot failed"
cc -O2 -o "$work/floor" "$here/floor.c" 2>>"$log" || die "cc floor.c failed"
program=$(ls -t "$pcon_runroot"/seccomp/*.bpf 2>/dev/null | head -1)
[ -n "$program" ] || die "no cached seccomp program in $pcon_runroot/seccomp"
mkdir -p "$work/pcon/floor" # on the store's file system, as pcon's upper dirs
floor=("$work/floor" "$rootfs" "$work/pcon/floor" "$program" -- /bin/true)
"${floor[@]}" >>"$log" 2>&1 || die "floor failed"

bench_config_line

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
    unconfined "${pcon[@]}" run --rm --network none --security-opt seccomp=unconfined "$img" true :: \
    podman podman run --rm --network none "$img" true :: \
    floor "${floor[@]}" :: \
    bare "${bare[@]}")

declare -A med lo hi
while read -r name m a b; do
    med[$name]=$m lo[$name]=$a hi[$name]=$b
done <<<"$results"

awk -v n="$runs" \
    -v pc="${med[pcon]}" -v pd="${med[podman]}" -v br="${med[bare]}" -v un="${med[unconfined]}" \
    -v fl="${med[floor]}" -v fll="${lo[floor]}" -v flh="${hi[floor]}" \
    -v pcl="${lo[pcon]}" -v pch="${hi[pcon]}" -v pdl="${lo[podman]}" -v pdh="${hi[podman]}" \
    -v brl="${lo[bare]}" -v brh="${hi[bare]}" 'BEGIN {
    printf "startup: pcon %.1f ms, podman %.1f ms, floor %.1f ms, bare %.1f ms (median of %d)\n", pc, pd, fl, br, n
    printf "ratio podman/pcon: %.1fx (goal >= 10x)\n", pd / pc
    printf "ratio pcon/bare: %.2fx (goal <= 1.3x)\n", pc / br
    printf "ratio floor/bare: %.2fx (what pcon\047s isolation costs with no engine: the lowest pcon/bare can be)\n", fl / br
    printf "ratio pcon/floor: %.2fx (the engine\047s own work: records, names, locks, events, image config)\n", pc / fl
    printf "seccomp: default profile %.1f ms, unconfined %.1f ms: +%.1f%% (goal <= 5%%)\n", pc, un, (pc / un - 1) * 100
    printf "range (min-max): pcon %.1f-%.1f ms, podman %.1f-%.1f ms, floor %.1f-%.1f ms, bare %.1f-%.1f ms\n", pcl, pch, pdl, pdh, fll, flh, brl, brh
    if (pd > 15000)
        print "note: podman near 20 s per run is conmon\047s exit timeout (long XDG_RUNTIME_DIR?), not start-up"
}'
