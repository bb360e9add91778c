#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Container life-cycle costs, pcon against podman 4.3 (runc, overlay) in one run:
#   1. `ps -a` (and `ps -a --format '{{.Names}}'`) with 200 stopped containers;
#   2. the cycle `run -d IMG sleep 1000` + `stop -t 0 CTR` + `rm CTR`;
#   3. the memory (RSS, PSS) of the per-container monitor (pcon-monitor, conmon)
#      of idle `sleep 1000` containers.
# Prints medians and ratios next to the goals; never fails on a time.
#
#   bash bench/lifecycle.sh          as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_CONTAINERS (200),
#              BENCH_RUNS (20: ps timings), BENCH_CYCLES (20), BENCH_WARMUP (2),
#              BENCH_MONITORS (10), BENCH_USER (pcontest; only used as root).
# Set-up and clean-up shared with startup.sh live in lib.sh.
set -euo pipefail

prog=lifecycle.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
ncont=${BENCH_CONTAINERS:-200}
runs=${BENCH_RUNS:-20}
cycles=${BENCH_CYCLES:-20}
warmup=${BENCH_WARMUP:-2}
nmon=${BENCH_MONITORS:-10}

positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, not '$2'"; }
positive BENCH_CONTAINERS "$ncont"
positive BENCH_RUNS "$runs"
positive BENCH_CYCLES "$cycles"
positive BENCH_MONITORS "$nmon"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer, not '$warmup'"
bench_check_pcon
BENCH_CONTAINERS=$ncont BENCH_RUNS=$runs BENCH_CYCLES=$cycles BENCH_WARMUP=$warmup BENCH_MONITORS=$nmon

# as root: the whole benchmark runs as the unprivileged user (see lib.sh)
bench_reexec_as_user BENCH_CONTAINERS BENCH_RUNS BENCH_CYCLES BENCH_WARMUP BENCH_MONITORS

t_begin=$(date +%s.%N)
bench_user_checks sleep
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs lifecycle
bench_image
bench_isolate
bench_podman_setup
bench_pcon_setup
bench_config_line

# --- the timer: one python helper, three modes -----------------------------------
# argv: MODE LOG IMG COUNT WARMUP then engines "name prefix-argv... :: name ...".
# Every command must exit 0; stdout is discarded unless needed (run -d's id).
cat >"$work/timer.py" <<'EOF'
import re, subprocess, sys, time, statistics

mode, log, img, count, warmup = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
engines, cur = [], None  # [name, prefix argv]
for a in sys.argv[6:]:
    if a == "::":
        cur = None
    elif cur is None:
        cur = [a, []]
        engines.append(cur)
    else:
        cur[1].append(a)
out = open(log, "ab", buffering=0)

def once(name, argv, capture=False):
    out.write(("+ " + " ".join(argv) + "\n").encode())
    t0 = time.perf_counter_ns()
    p = subprocess.run(argv, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=out)
    dt = (time.perf_counter_ns() - t0) / 1e6
    if p.returncode != 0:
        sys.exit(f"lifecycle.sh: {name} exited {p.returncode}: {' '.join(argv)}")
    return dt, (p.stdout.decode(errors="replace") if capture else "")

def rotated(lst, i):
    k = i % len(lst)
    return lst[k:] + lst[:k]

def med(t):
    return statistics.median(t) if t else float("nan")

if mode == "create":  # COUNT containers c1..cCOUNT per engine, engines interleaved
    times = {name: [] for name, _ in engines}
    for i in range(1, count + 1):
        for name, pre in rotated(engines, i):
            dt, _ = once(name, pre + ["create", "--network", "none", "--name", f"c{i}", img, "true"])
            times[name].append(dt)
    for name, _ in engines:
        print(name, med(times[name]), sum(times[name]) / 1e3)

elif mode == "ps":  # COUNT timed rounds of ps -a and ps -a --format, after WARMUP rounds
    cmds = []
    for name, pre in engines:
        cmds.append((name + "-ps", pre + ["ps", "-a"]))
        cmds.append((name + "-names", pre + ["ps", "-a", "--format", "{{.Names}}"]))
    times = {key: [] for key, _ in cmds}
    for i in range(-warmup, count):
        for key, argv in rotated(cmds, i):
            dt, _ = once(key, argv)
            if i >= 0:
                times[key].append(dt)
    for key, _ in cmds:
        t = times[key]
        print(key, med(t), min(t), max(t))

elif mode == "cycle":  # COUNT timed cycles per engine, after WARMUP cycles
    times = {name: {"all": [], "run": [], "stop": [], "rm": []} for name, _ in engines}
    for i in range(-warmup, count):
        for name, pre in rotated(engines, i):
            t_run, o = once(name, pre + ["run", "-d", "--network", "none", img, "sleep", "1000"], capture=True)
            cid = o.strip()
            if not re.fullmatch(r"[0-9a-f]{64}", cid):
                sys.exit(f"lifecycle.sh: {name} run -d printed {o!r}, not a 64-hex container id")
            t_stop, _ = once(name, pre + ["stop", "-t", "0", cid])
            t_rm, _ = once(name, pre + ["rm", cid])
            if i >= 0:
                tt = times[name]
                tt["all"].append(t_run + t_stop + t_rm)
                tt["run"].append(t_run)
                tt["stop"].append(t_stop)
                tt["rm"].append(t_rm)
    for name, _ in engines:
        tt = times[name]
        print(name, med(tt["all"]), min(tt["all"]), max(tt["all"]),
              med(tt["run"]), med(tt["stop"]), med(tt["rm"]))
else:
    sys.exit(f"lifecycle.sh: unknown timer mode {mode}")
EOF
timer() { # MODE COUNT WARMUP
    python3 "$work/timer.py" "$1" "$log" "$img" "$2" "$3" \
        pcon "${pcon[@]}" :: podman podman
}
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }

# Checks that ENGINE's `ps -a` lists COUNT containers and `--format {{.Names}}`
# exactly c1..cCOUNT; says what is wrong otherwise (a bug to report, not a time).
check_listing() { # ENGINE COUNT argv...
    local eng=$1 n=$2 got want
    shift 2
    got=$("$@" ps -a -q 2>>"$log" | wc -l) || true
    [ "$got" = "$n" ] || warn "$eng ps -a -q lists $got containers, expected $n"
    got=$("$@" ps -a --format '{{.Names}}' 2>>"$log" | sort | md5sum) || true
    want=$(seq 1 "$n" | sed 's/^/c/' | sort | md5sum)
    [ "$got" = "$want" ] || warn "$eng ps -a --format '{{.Names}}' does not list exactly c1..c$n"
    got=$("$@" ps -a 2>>"$log" | wc -l) || true
    [ "$got" = "$((n + 1))" ] || warn "$eng ps -a prints $got lines, expected $((n + 1)) (header and one per container)"
}

# --- 1. ps -a with $ncont stopped containers -------------------------------------
echo "creating $ncont containers in each engine (interleaved)" >&2
t0=$(now)
declare -A cmed ctot
res=$(timer create "$ncont" 0) || die "create timing failed"
while read -r name m total; do
    cmed[$name]=$m ctot[$name]=$total
done <<<"$res"
echo "  took $(since "$t0") s" >&2
check_listing pcon "$ncont" "${pcon[@]}"
check_listing podman "$ncont" podman

echo "timing ps: $runs rounds after $warmup warm-up rounds, interleaved" >&2
declare -A pmed plo phi
res=$(timer ps "$runs" "$warmup") || die "ps timing failed"
while read -r key m a b; do
    pmed[$key]=$m plo[$key]=$a phi[$key]=$b
done <<<"$res"

# removing the stopped containers: informative, and a clean slate for 2 and 3
t0=$(now)
"${pcon[@]}" rm -a >>"$log" 2>&1 || die "pcon rm -a failed"
t_rm_pcon=$(ms_since "$t0")
t0=$(now)
podman rm -a >>"$log" 2>&1 || die "podman rm -a failed"
t_rm_podman=$(ms_since "$t0")
for eng in pcon podman; do
    if [ "$eng" = pcon ]; then left=$("${pcon[@]}" ps -a -q 2>>"$log" | wc -l); else left=$(podman ps -a -q 2>>"$log" | wc -l); fi
    [ "$left" = 0 ] || warn "$eng still lists $left containers after rm -a"
done

awk -v n="$ncont" -v r="$runs" \
    -v cpc="${cmed[pcon]}" -v cpd="${cmed[podman]}" -v tpc="${ctot[pcon]}" -v tpd="${ctot[podman]}" \
    -v ps="${pmed[pcon-ps]}" -v pd="${pmed[podman-ps]}" -v ns="${pmed[pcon-names]}" -v nd="${pmed[podman-names]}" \
    -v psl="${plo[pcon-ps]}" -v psh="${phi[pcon-ps]}" -v pdl="${plo[podman-ps]}" -v pdh="${phi[podman-ps]}" \
    -v nsl="${plo[pcon-names]}" -v nsh="${phi[pcon-names]}" -v ndl="${plo[podman-names]}" -v ndh="${phi[podman-names]}" \
    -v rpc="$t_rm_pcon" -v rpd="$t_rm_podman" 'BEGIN {
    printf "create: pcon %.1f ms, podman %.1f ms per container (median of %d; all: pcon %.2f s, podman %.2f s)\n", cpc, cpd, n, tpc, tpd
    printf "ps -a, %d containers: pcon %.1f ms, podman %.1f ms (median of %d)\n", n, ps, pd, r
    printf "  pcon %s the goal (< 20 ms at 200 containers); ratio podman/pcon: %.1fx\n", (ps < 20 ? "meets" : "misses"), pd / ps
    printf "ps -a --format {{.Names}}, %d containers: pcon %.1f ms, podman %.1f ms; ratio podman/pcon: %.1fx\n", n, ns, nd, nd / ns
    printf "  range (min-max): ps -a pcon %.1f-%.1f ms, podman %.1f-%.1f ms; --format pcon %.1f-%.1f ms, podman %.1f-%.1f ms\n", psl, psh, pdl, pdh, nsl, nsh, ndl, ndh
    printf "rm -a of %d stopped containers: pcon %d ms, podman %d ms\n", n, rpc, rpd
}'

# --- 2. run -d + stop -t 0 + rm ------------------------------------------------------
# `sleep` as pid 1 ignores SIGTERM: `stop` with the default 10 s timeout would
# time the grace period; with -t 0 both engines send SIGKILL at once.
echo "timing run -d + stop -t 0 + rm: $cycles cycles after $warmup warm-up cycles, interleaved" >&2
declare -A yall ylo yhi yrun ystop yrm
res=$(timer cycle "$cycles" "$warmup") || die "cycle timing failed"
while read -r name m a b r s d; do
    yall[$name]=$m ylo[$name]=$a yhi[$name]=$b yrun[$name]=$r ystop[$name]=$s yrm[$name]=$d
done <<<"$res"
awk -v n="$cycles" \
    -v pc="${yall[pcon]}" -v pd="${yall[podman]}" -v pcl="${ylo[pcon]}" -v pch="${yhi[pcon]}" \
    -v pdl="${ylo[podman]}" -v pdh="${yhi[podman]}" \
    -v pcr="${yrun[pcon]}" -v pcs="${ystop[pcon]}" -v pcm="${yrm[pcon]}" \
    -v pdr="${yrun[podman]}" -v pds="${ystop[podman]}" -v pdm="${yrm[podman]}" 'BEGIN {
    printf "cycle run -d + stop -t 0 + rm: pcon %.1f ms, podman %.1f ms (median of %d)\n", pc, pd, n
    printf "  ratio podman/pcon: %.1fx (goal >= 25x)\n", pd / pc
    printf "  steps (medians): pcon run %.1f + stop %.1f + rm %.1f ms; podman run %.1f + stop %.1f + rm %.1f ms\n", pcr, pcs, pcm, pdr, pds, pdm
    printf "  range (min-max): pcon %.1f-%.1f ms, podman %.1f-%.1f ms\n", pcl, pch, pdl, pdh
}'

# --- 3. monitor memory of idle containers -----------------------------------------------
echo "starting $nmon idle sleep containers in each engine" >&2
kib() { # FIELD FILE -> the value in kB of "FIELD: N kB", or "-"
    awk -v f="$1:" '$1 == f { print $2; found = 1; exit } END { if (!found) print "-" }' "$2" 2>/dev/null || echo -
}
declare -A rss pss
mon_pids=() # "pid start" of every monitor and workload, checked after rm -a -f
for eng in pcon podman; do
    if [ "$eng" = pcon ]; then e=("${pcon[@]}") want=pcon-monitor; else e=(podman) want=conmon; fi
    ids=()
    for i in $(seq 1 "$nmon"); do
        id=$("${e[@]}" run -d --network none --name "m$i" "$img" sleep 1000 2>>"$log") ||
            die "$eng run -d (monitor container m$i) failed"
        ids+=("$id")
    done
    sleep 1 # let the monitors settle into their idle state
    rss[$eng]="" pss[$eng]=""
    for id in "${ids[@]}"; do
        mp=$("${e[@]}" inspect --format '{{.State.ConmonPid}}' "$id" 2>>"$log") || die "$eng inspect failed"
        cp=$("${e[@]}" inspect --format '{{.State.Pid}}' "$id" 2>>"$log") || die "$eng inspect failed"
        for p in "$mp" "$cp"; do
            if [[ "$p" =~ ^[1-9][0-9]*$ ]] && ps_=$(pid_with_start "$p"); then mon_pids+=("$eng $ps_"); fi
        done
        if ! [[ "$mp" =~ ^[1-9][0-9]*$ ]] || ! [ -r "/proc/$mp/status" ]; then
            warn "$eng container ${id:0:12}: monitor pid '$mp' is not a live process"
            continue
        fi
        comm=$(cat "/proc/$mp/comm" 2>/dev/null || echo '?')
        [ "$comm" = "$want" ] || warn "$eng container ${id:0:12}: monitor pid $mp is '$comm', expected '$want'"
        rss[$eng]+="$(kib VmRSS "/proc/$mp/status") "
        pss[$eng]+="$(kib Pss "/proc/$mp/smaps_rollup") "
    done
done
# the median of a list of numbers ("-" entries are skipped), or "-"
median() {
    tr ' ' '\n' <<<"$1" | awk '/^[0-9]+$/' | sort -n |
        awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
awk -v n="$nmon" \
    -v pcr="$(median "${rss[pcon]}")" -v pcp="$(median "${pss[pcon]}")" \
    -v pdr="$(median "${rss[podman]}")" -v pdp="$(median "${pss[podman]}")" \
    -v pcall="${rss[pcon]}" -v pdall="${rss[podman]}" 'BEGIN {
    printf "monitor memory, %d idle containers each (median): pcon-monitor RSS %s KiB, PSS %s KiB; conmon RSS %s KiB, PSS %s KiB\n", n, pcr, pcp, pdr, pdp
    if (pcr == "-")
        print "  pcon: no monitor RSS could be read: goal (< 1 MiB RSS per idle container) not checked"
    else
        printf "  pcon %s the goal (< 1024 KiB RSS per idle container): %s KiB; ratio conmon/pcon-monitor RSS: %s\n",
            (pcr + 0 < 1024 ? "meets" : "misses"), pcr, (pdr == "-" ? "-" : sprintf("%.2fx", pdr / pcr))
    if (pcp != "-")
        printf "  pcon %s the goal (<= 256 KiB PSS per idle container): %s KiB\n", (pcp + 0 <= 256 ? "meets" : "misses"), pcp
    printf "  all RSS (KiB): pcon %s; podman %s\n", pcall, pdall
}'

# --- tear-down: rm -a -f, then nothing of ours may be left -------------------------------
t0=$(now)
"${pcon[@]}" rm -a -f >>"$log" 2>&1 || warn "pcon rm -a -f failed"
t_pc=$(ms_since "$t0")
t0=$(now)
podman rm -a -f -t 0 >>"$log" 2>&1 || warn "podman rm -a -f failed"
t_pd=$(ms_since "$t0")
echo "rm -a -f of $nmon running containers: pcon $t_pc ms, podman $t_pd ms (podman with -t 0)"
sleep 0.5
left=()
for m in "${mon_pids[@]}"; do
    read -r eng p start <<<"$m"
    proc_is_ours "$p" "$start" && left+=("$eng:$p($(cat "/proc/$p/comm" 2>/dev/null))")
done
n_pc=$("${pcon[@]}" ps -a -q 2>>"$log" | wc -l)
n_pd=$(podman ps -a -q 2>>"$log" | wc -l)
[ "$n_pc" = 0 ] || warn "pcon still lists $n_pc containers after rm -a -f"
[ "$n_pd" = 0 ] || warn "podman still lists $n_pd containers after rm -a -f"
if [ ${#left[@]} = 0 ]; then
    echo "after rm -a -f: no monitor or container process left"
else
    echo "after rm -a -f: processes still alive: ${left[*]}"
fi
# container state pcon keeps once every container is gone (should be none)
pc_left=$(find "$pcon_runroot/containers" "$pcon_root/containers" "$pcon_root/names" \
    -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) || true
[ "$pc_left" = 0 ] ||
    echo "pcon store after rm -a -f: $pc_left entries left in runroot/containers, root/containers, root/names"
echo "total time: $(since "$t_begin") s (before clean-up)"
