#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The first start of a container in a user namespace of its own
# (`run --userns keep-id`) on an image of many files, measured in one run
# against podman 4.3 (runc, native overlay). Both engines give the image's
# files their new owners once per id map and keep the result: each run here
# asks for a map not seen before (keep-id:uid=N, N new), so each is a first
# start; a last round repeats a map (the cached start). Prints medians and
# the ratio next to the goal (>= 10x); never fails on a figure.
#
#   bash bench/keepid.sh             as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (5), BENCH_FILES
#              (20000), BENCH_USER (pcontest; only as root).
# Set-up and clean-up shared with the other benchmarks live in lib.sh.
set -euo pipefail

prog=keepid.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
img=localhost/benchkeepid
runs=${BENCH_RUNS:-5}
files=${BENCH_FILES:-20000}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
[[ "$files" =~ ^[1-9][0-9]*$ ]] || die "BENCH_FILES must be a positive integer, not '$files'"
bench_check_pcon
BENCH_RUNS=$runs BENCH_FILES=$files

bench_reexec_as_user BENCH_RUNS BENCH_FILES

bench_user_checks
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs keepid
# podman's runc mounts the image as the container's own root (a subordinate
# id), which must get through the directories above podman's store, as it
# does through ~/.local/share: 0711 (pcon hands its init the root instead)
chmod 0711 "$work" "$(dirname "$work")"
bench_image # $rootfs, $work/rootfs.tar
# the many files: 100 directories of small files (a few hundred bytes each,
# as a distribution's /usr/share holds), then the archive again
python3 - "$rootfs/usr/share/bench" "$files" <<'PYEOF'
import os, sys
top, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(top, "d%03d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "f%05d" % i), "w") as f:
        f.write(("file %d\n" % i) * 40)
PYEOF
tar --numeric-owner --owner=0 --group=0 -C "$rootfs" -cf "$work/rootfs.tar" .
bench_isolate
bench_podman_setup
bench_pcon_setup
bench_config_line
echo "image: $files files more than busybox" >&2

cat >"$work/timer.py" <<'EOF'
import subprocess, sys, time, statistics

runs, log, pcon = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
out = open(log, "ab", buffering=0)
engines = {"pcon": pcon, "podman": ["podman"]}

def once(name, uid):
    argv = engines[name] + ["run", "--rm", "--network", "none",
                            "--userns", "keep-id:uid=%d,gid=%d" % (uid, uid),
                            "localhost/benchkeepid", "true"]
    t0 = time.perf_counter_ns()
    rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    dt = time.perf_counter_ns() - t0
    if rc != 0:
        sys.exit(f"keepid.sh: {name} exited {rc}: {' '.join(argv)}")
    return dt / 1e6

first = {"pcon": [], "podman": []}
for i in range(runs):
    order = ["pcon", "podman"] if i % 2 == 0 else ["podman", "pcon"]
    for name in order:
        first[name].append(once(name, 2000 + i))
cached = {name: statistics.median([once(name, 2000) for _ in range(3)]) for name in first}
for name in first:
    print(name, statistics.median(first[name]), min(first[name]), max(first[name]), cached[name])
EOF
echo "measuring: $runs first starts each (a new map each), then 3 cached ones" >&2
results=$(python3 "$work/timer.py" "$runs" "$log" "${pcon[@]}")

declare -A med lo hi warm
while read -r name m a b c; do
    med[$name]=$m lo[$name]=$a hi[$name]=$b warm[$name]=$c
done <<<"$results"

awk -v n="$runs" -v f="$files" -v pc="${med[pcon]}" -v pd="${med[podman]}" \
    -v pcl="${lo[pcon]}" -v pch="${hi[pcon]}" -v pdl="${lo[podman]}" -v pdh="${hi[podman]}" \
    -v pcw="${warm[pcon]}" -v pdw="${warm[podman]}" 'BEGIN {
    printf "keep-id first start (%d files): pcon %.0f ms, podman %.0f ms (median of %d)\n", f, pc, pd, n
    printf "ratio podman/pcon: %.1fx (goal >= 10x)\n", pd / pc
    printf "range (min-max): pcon %.0f-%.0f ms, podman %.0f-%.0f ms\n", pcl, pch, pdl, pdh
    printf "keep-id cached start: pcon %.0f ms, podman %.0f ms (median of 3)\n", pcw, pdw
}'
