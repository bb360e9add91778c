#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# What loading the default seccomp filter costs the kernel, at each
# container start: the program pcon caches in its run root (podman's
# profile, compiled once) loaded in BENCH_RUNS forked children, against
# children that load nothing and a one-instruction filter. The kernel's
# cost follows the program's length (checks, eBPF conversion, JIT) and
# the path of each syscall number (its action cache); pcon shortens
# libseccomp's program for that (engine/seccomp_bpf.c). Prints medians;
# never fails on a figure.
#
#   bash bench/seccomp-load.sh       as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (300), BENCH_USER
#              (pcontest; only as root).
set -euo pipefail

prog=seccomp-load.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_stage_files=(seccomp_load.c) # compiled by the user, into the work dir
img=localhost/benchbb
runs=${BENCH_RUNS:-300}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
bench_check_pcon
BENCH_RUNS=$runs
bench_reexec_as_user BENCH_RUNS

bench_user_checks cc
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs seccomp
bench_image
bench_pcon_setup # its run compiled the default profile into the run root's cache
cc -O2 -o "$work/seccomp_load" "$here/seccomp_load.c" 2>>"$log" || die "cc seccomp_load.c failed"
program=$(ls -t "$pcon_runroot"/seccomp/*.bpf 2>/dev/null | head -1)
[ -n "$program" ] || die "no cached seccomp program in $pcon_runroot/seccomp"

echo "measuring: $runs children each, interleaved in rounds of 20" >&2
declare -A sum
for name in none allow pcon; do sum[$name]=""; done
for ((r = 0; r < runs; r += 20)); do
    for name in none allow pcon; do
        what=$name
        [ "$name" = pcon ] && what=$program
        read -r us len < <("$work/seccomp_load" "$what" 20)
        sum[$name]+="$us "
        [ "$name" = pcon ] && plen=$len
    done
done
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
none=$(echo "${sum[none]}" | median)
allow=$(echo "${sum[allow]}" | median)
pc=$(echo "${sum[pcon]}" | median)
echo "fork + exit: ${none} us; with a 1-instruction filter ${allow} us; with pcon's default program (${plen} instructions) ${pc} us (medians of rounds)"
echo "the default program's load: $((pc - allow)) us over the 1-instruction filter"
