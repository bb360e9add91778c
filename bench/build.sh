#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Image builds, measured in one run: a 6-step Containerfile (FROM, ENV,
# COPY of a small tree, RUN, WORKDIR, CMD) built by `pcon build` and by
# `podman build` (buildah inside podman 4.3, native overlay), cold
# (--no-cache) and cached (an unchanged rebuild). Prints medians and the
# ratios next to the goals (cold >= 2x, cached >= 5x); never fails on a
# figure.
#
#   bash bench/build.sh              as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (5), BENCH_USER
#              (pcontest; only as root).
# Set-up and clean-up shared with the other benchmarks live in lib.sh.
set -euo pipefail

prog=build.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
img=localhost/benchbuildbase
runs=${BENCH_RUNS:-5}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
bench_check_pcon
BENCH_RUNS=$runs

bench_reexec_as_user BENCH_RUNS

bench_user_checks
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs build
bench_image # $rootfs, $work/rootfs.tar
bench_isolate
bench_podman_setup
bench_pcon_setup
bench_config_line

ctx=$work/context
mkdir -p "$ctx/src"
for i in $(seq 1 50); do
    printf 'file %s\n' "$i" > "$ctx/src/f$i.txt"
done
cat > "$ctx/Containerfile" <<EOF
FROM $img
ENV APP=/app
COPY src/ /app/src/
RUN cat /app/src/*.txt > /app/all.txt && rm /app/src/f1.txt
WORKDIR /app
CMD ["cat", "/app/all.txt"]
EOF

cat >"$work/timer.py" <<'EOF'
import subprocess, sys, time, statistics

runs, log, ctx = int(sys.argv[1]), sys.argv[2], sys.argv[3]
pcon = sys.argv[4:]
out = open(log, "ab", buffering=0)
engines = {"pcon": pcon, "podman": ["podman"]}

def once(name, extra):
    argv = engines[name] + ["build", "-q"] + extra + ["-t", "localhost/benchbuilt", ctx]
    t0 = time.perf_counter_ns()
    rc = subprocess.call(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=out)
    dt = time.perf_counter_ns() - t0
    if rc != 0:
        sys.exit(f"build.sh: {name} exited {rc}: {' '.join(argv)}")
    return dt / 1e6

cold = {"pcon": [], "podman": []}
cached = {"pcon": [], "podman": []}
for name in cold:
    once(name, [])  # the cache filled once
for i in range(runs):
    order = ["pcon", "podman"] if i % 2 == 0 else ["podman", "pcon"]
    for name in order:
        cold[name].append(once(name, ["--no-cache"]))
        cached[name].append(once(name, []))
for name in cold:
    print(name, statistics.median(cold[name]), statistics.median(cached[name]))
EOF
echo "measuring: $runs cold (--no-cache) and $runs cached builds each, interleaved" >&2
results=$(python3 "$work/timer.py" "$runs" "$log" "$ctx" "${pcon[@]}")

declare -A cold cached
while read -r name c w; do
    cold[$name]=$c cached[$name]=$w
done <<<"$results"

awk -v n="$runs" -v pc="${cold[pcon]}" -v pd="${cold[podman]}" -v pcw="${cached[pcon]}" \
    -v pdw="${cached[podman]}" 'BEGIN {
    printf "build, 6 steps: cold pcon %.0f ms, podman %.0f ms: %.1fx (goal >= 2x)\n", pc, pd, pd / pc
    printf "build, cached: pcon %.0f ms, podman %.0f ms: %.1fx (goal >= 5x) (medians of %d)\n", pcw, pdw, pdw / pcw, n
}'
