#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Pods, pcon against podman 4.3 (runc, overlay) in one run:
#   1. the cycle `pod create --name P` + two `run -d --pod P IMG sleep 1000`
#      + `pod rm -f -t 0 P`, wall time per cycle;
#   2. the memory (VmRSS, RssAnon) of the pod's infra process once the pod
#      runs: pcon-infra for pcon, catatonit (-P) for podman.
# Prints medians and ratios next to the goals; never fails on a figure.
#
#   bash bench/pods.sh               as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_CYCLES (30), BENCH_WARMUP (2),
#              BENCH_PODS (3), BENCH_USER (pcontest; only used as root).
# Set-up and clean-up shared with the other benchmarks live in lib.sh.
set -euo pipefail

prog=pods.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
cycles=${BENCH_CYCLES:-30}
warmup=${BENCH_WARMUP:-2}
npods=${BENCH_PODS:-3}

positive() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die "$1 must be a positive integer, not '$2'"; }
positive BENCH_CYCLES "$cycles"
positive BENCH_PODS "$npods"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer, not '$warmup'"
bench_check_pcon
BENCH_CYCLES=$cycles BENCH_WARMUP=$warmup BENCH_PODS=$npods

# as root: the whole benchmark runs as the unprivileged user (see lib.sh)
bench_reexec_as_user BENCH_CYCLES BENCH_WARMUP BENCH_PODS

t_begin=$(date +%s.%N)
bench_user_checks sleep slirp4netns
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs pods
bench_image
bench_isolate
bench_podman_setup
bench_pcon_setup
bench_config_line

# --- the python helper: the cycle timer and /proc look-ups ---------------------------
cat >"$work/pods.py" <<'EOF'
import os, re, statistics, subprocess, sys, time

HEX64 = re.compile(r"[0-9a-f]{64}")
UID = os.getuid()

def stat(pid):
    """(state, ppid, start time, comm) of a process, or None"""
    try:
        s = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    return rest[0], int(rest[1]), int(rest[19]), comm

def ours():
    """{pid: (ppid, start, comm)} of our live (not zombie) processes"""
    out = {}
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            if os.stat(f"/proc/{p}").st_uid != UID:
                continue
        except OSError:
            continue
        s = stat(p)
        if s and s[0] != "Z":
            out[int(p)] = (s[1], s[2], s[3])
    return out

def tree(roots):
    """the roots and their descendants, breadth first, each once"""
    procs = ours()
    kids = {}
    for p, (pp, _, _) in procs.items():
        kids.setdefault(pp, []).append(p)
    seen, order, queue = set(), [], [r for r in roots if r in procs]
    while queue:
        p = queue.pop(0)
        if p in seen:
            continue
        seen.add(p)
        order.append(p)
        queue.extend(sorted(kids.get(p, [])))
    return [(p, procs[p][1], procs[p][2]) for p in order]

def status_kib(pid, field):
    try:
        for ln in open(f"/proc/{pid}/status"):
            if ln.startswith(field + ":"):
                return int(ln.split()[1])
    except OSError:
        pass
    return None

def names_dirs(pid, dirs):
    """whether the process's command line, environment, mounts (a container's
    root and bind mounts come from the stores), cwd, root or exe names one of DIRS"""
    texts = []
    for f in ("cmdline", "environ", "mountinfo"):
        try:
            texts.append(open(f"/proc/{pid}/{f}", "rb").read().decode(errors="replace"))
        except OSError:
            pass
    for f in ("cwd", "root", "exe"):
        try:
            texts.append(os.readlink(f"/proc/{pid}/{f}"))
        except OSError:
            pass
    return any(d in t for t in texts for d in dirs)

def cycle(log, img, count, warmup, engines):
    out = open(log, "ab", buffering=0)

    def once(name, argv):
        out.write(("+ " + " ".join(argv) + "\n").encode())
        t0 = time.perf_counter_ns()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=out)
        dt = (time.perf_counter_ns() - t0) / 1e6
        o = p.stdout.decode(errors="replace")
        out.write(p.stdout)
        if p.returncode != 0:
            sys.exit(f"pods.sh: {name} exited {p.returncode}: {' '.join(argv)}")
        return dt, o.strip()

    steps = ("create", "run1", "run2", "rm")
    times = {name: {k: [] for k in ("all",) + steps} for name, _ in engines}
    odd = []
    for i in range(-warmup, count):
        k = i % len(engines)
        for name, pre in engines[k:] + engines[:k]:
            t = {}
            t["create"], pod = once(name, pre + ["pod", "create", "--name", "P"])
            if not HEX64.fullmatch(pod):
                sys.exit(f"pods.sh: {name} pod create printed {pod!r}, not a 64-hex pod id")
            for r in ("run1", "run2"):
                t[r], cid = once(name, pre + ["run", "-d", "--pod", "P", img, "sleep", "1000"])
                if not HEX64.fullmatch(cid):
                    sys.exit(f"pods.sh: {name} run -d --pod printed {cid!r}, not a 64-hex container id")
            t["rm"], o = once(name, pre + ["pod", "rm", "-f", "-t", "0", "P"])
            if o != pod:
                odd.append(f"{name} pod rm -f -t 0 printed {o!r}, not the pod id {pod}")
            if i >= 0:
                for s in steps:
                    times[name][s].append(t[s])
                times[name]["all"].append(sum(t.values()))
    for m in odd[:5]:
        print("pods.sh: warning:", m, file=sys.stderr)
    if len(odd) > 5:
        print(f"pods.sh: warning: and {len(odd) - 5} more odd outputs of pod rm", file=sys.stderr)
    for name, _ in engines:
        tt = times[name]
        print(name, statistics.median(tt["all"]), min(tt["all"]), max(tt["all"]),
              *(statistics.median(tt[s]) for s in steps))

def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "cycle":  # LOG IMG COUNT WARMUP name prefix... :: name prefix...
        engines, cur = [], None
        for a in args[4:]:
            if a == "::":
                cur = None
            elif cur is None:
                cur = [a, []]
                engines.append(cur)
            else:
                cur[1].append(a)
        cycle(args[0], args[1], int(args[2]), int(args[3]), engines)
    elif mode == "find":  # NAME PID...: the first process named NAME among the PIDs and their descendants
        for p, _, comm in tree([int(a) for a in args[1:] if a.isdigit()]):
            if comm == args[0]:
                print(p)
                return
        sys.exit(1)
    elif mode == "mem":  # PID...: "pid start comm VmRSS RssAnon" of the PIDs and their descendants
        for p, start, comm in tree([int(a) for a in args if a.isdigit()]):
            print(p, start, comm, status_kib(p, "VmRSS"), status_kib(p, "RssAnon"))
    elif mode == "named":  # COMM STRING: our processes named COMM whose command line holds STRING
        for p, (_, start, comm) in sorted(ours().items()):
            try:
                cmd = open(f"/proc/{p}/cmdline", "rb").read().decode(errors="replace")
            except OSError:
                continue
            if comm == args[0] and args[1] in cmd.replace("\0", " "):
                print(p, start, comm, status_kib(p, "VmRSS"), status_kib(p, "RssAnon"))
    elif mode == "left":  # SINCE SHELL DIR... [-x PID...]: ours, started at or after SINCE, naming a DIR,
        # not the SHELL's own children (this helper and its pipeline) nor an excluded PID
        since, shell, rest = int(args[0]), int(args[1]), args[2:]
        excl = set()
        if "-x" in rest:
            i = rest.index("-x")
            excl = {int(a) for a in rest[i + 1:] if a.isdigit()}
            rest = rest[:i]
        excl |= {p for p, _, _ in tree([shell])}
        for p, (_, start, comm) in sorted(ours().items()):
            if p in excl or start < since:
                continue
            if names_dirs(p, rest):
                print(p, start, comm)
    else:
        sys.exit(f"pods.sh: unknown helper mode {mode}")

main()
EOF
helper() { python3 "$work/pods.py" "$@"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
ms_since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.0f", (b - a) * 1000 }'; }
read -r _ t_start <<<"$(proc_state_start $$)" # clock ticks since boot, as in /proc/PID/stat

# the pause processes (both engines keep one for their user namespace) are not leftovers
pause_pids() {
    local f pid
    for f in "$work/podman-pause.pid" "$pcon_runroot/pause.pid" "$XDG_RUNTIME_DIR/libpod/tmp/pause.pid"; do
        [ -r "$f" ] || continue
        read -r pid _ <"$f" || true
        [[ "${pid:-}" =~ ^[0-9]+$ ]] && echo "$pid"
    done
}

# Processes of this run still alive besides the pause processes (command line,
# environment, mounts, cwd, root or executable naming the temporary dirs: a
# container's mounts name the store, its command line does not); pods and
# containers each engine still lists; state left in pcon's store. Says what it
# finds (a bug to report, not a figure): "WHEN: ..." on stdout.
check_left() { # WHEN
    local procs n_pc n_pd p_pc p_pd st=""
    # shellcheck disable=SC2046 # one pid per word
    procs=$(helper left "$t_start" $$ "$work" "$short" -x $(pause_pids) | awk '{ printf "%s%s(%s)", sep, $1, $3; sep = " " }')
    n_pc=$("${pcon[@]}" ps -a -q 2>>"$log" | wc -l)
    n_pd=$(podman ps -a -q 2>>"$log" | wc -l)
    p_pc=$("${pcon[@]}" pod ps -q 2>>"$log" | wc -l)
    p_pd=$(podman pod ps -q 2>>"$log" | wc -l)
    [ "$n_pc$p_pc" = 00 ] || st+="; pcon lists $p_pc pods, $n_pc containers"
    [ "$n_pd$p_pd" = 00 ] || st+="; podman lists $p_pd pods, $n_pd containers"
    local pc_left
    pc_left=$(find "$pcon_runroot/containers" "$pcon_root/containers" "$pcon_root/names" "$pcon_root/pods" \
        -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) || true
    [ "$pc_left" = 0 ] || st+="; pcon's store keeps $pc_left entries in runroot/containers, root/containers, root/names, root/pods"
    [ -z "$procs" ] || st+="; processes still alive: $procs"
    if [ -z "$st" ]; then
        echo "$1: no pod, container or process left (besides the pause processes)"
    else
        echo "$1: ${st#; }"
    fi
}

# --- 1. the pod cycle ---------------------------------------------------------------
echo "timing pod create + 2x run -d --pod + pod rm -f -t 0: $cycles cycles after $warmup warm-up cycles, interleaved" >&2
declare -A yall ylo yhi ycr yr1 yr2 yrm
res=$(helper cycle "$log" "$img" "$cycles" "$warmup" pcon "${pcon[@]}" :: podman podman) ||
    die "pod cycle timing failed"
while read -r name m a b c r1 r2 d; do
    yall[$name]=$m ylo[$name]=$a yhi[$name]=$b ycr[$name]=$c yr1[$name]=$r1 yr2[$name]=$r2 yrm[$name]=$d
done <<<"$res"
sleep 0.5 # podman's cleanup processes (conmon's exit command) may still be finishing
left_cycles=$(check_left "after $((cycles + warmup)) cycles per engine")

# --- 2. infra memory ------------------------------------------------------------------
echo "starting $npods pods of 2 sleep members in each engine" >&2
kib_med() { # the median of a list of numbers (other words are skipped), or "-"
    tr ' ' '\n' <<<"$1" | awk '/^[0-9]+$/' | sort -n |
        awk '{ v[NR] = $1 } END { if (!NR) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
declare -A irss ianon grss ganon gcount gnames gdetail
seen_pids=() # "pid start" of every process of the pods, checked after pod rm
for eng in pcon podman; do
    if [ "$eng" = pcon ]; then e=("${pcon[@]}"); else e=(podman); fi
    for i in $(seq 1 "$npods"); do
        "${e[@]}" pod create --name "m$i" >>"$log" 2>&1 || die "$eng pod create m$i failed"
        for _ in 1 2; do
            "${e[@]}" run -d --pod "m$i" "$img" sleep 1000 >>"$log" 2>&1 || die "$eng run -d --pod m$i failed"
        done
    done
done
sleep 1 # let the infra processes and helpers settle into their idle state
for eng in pcon podman; do
    if [ "$eng" = pcon ]; then e=("${pcon[@]}") want=pcon-infra; else e=(podman) want=catatonit; fi
    irss[$eng]="" ianon[$eng]="" grss[$eng]="" ganon[$eng]="" gcount[$eng]="" gnames[$eng]="" gdetail[$eng]=""
    for i in $(seq 1 "$npods"); do
        infra=$("${e[@]}" pod inspect --format '{{.InfraContainerID}}' "m$i" 2>>"$log") || die "$eng pod inspect m$i failed"
        [[ "$infra" =~ ^[0-9a-f]{64}$ ]] || { warn "$eng pod m$i: infra container id '$infra'"; continue; }
        ipid=$("${e[@]}" inspect --format '{{.State.Pid}}' "$infra" 2>>"$log") || die "$eng inspect infra failed"
        mpid=$("${e[@]}" inspect --format '{{.State.ConmonPid}}' "$infra" 2>>"$log") || die "$eng inspect infra failed"
        # the infra process: the infra container's pid, or else a descendant of it or of its monitor
        if ! p=$(helper find "$want" "$ipid" "$mpid"); then
            warn "$eng pod m$i: no process named $want under the infra container's pid '$ipid' or monitor '$mpid'"
            continue
        fi
        [ "$p" = "$ipid" ] || warn "$eng pod m$i: the infra container's pid $ipid is not $want; $want is $p"
        irss[$eng]+="$(helper mem "$p" | awk 'NR == 1 { print $4 }') "
        ianon[$eng]+="$(helper mem "$p" | awk 'NR == 1 { print $5 }') "
        # the pod's own processes: the infra's monitor and its descendants (pcon: pcon-infra,
        # pcon-net); podman's slirp4netns of the pod is not a child of conmon: found by netns path
        helper mem "$mpid" >"$work/group"
        if [ "$eng" = podman ]; then
            key=$(podman inspect --format '{{.NetworkSettings.SandboxKey}}' "$infra" 2>>"$log") || key=
            if [ -n "$key" ]; then
                helper named slirp4netns "$key" >>"$work/group"
            else
                warn "podman pod m$i: the infra container has no SandboxKey: its slirp4netns is not counted"
            fi
        fi
        while read -r gp gs _; do seen_pids+=("$eng $gp $gs"); done <"$work/group"
        # "sum count names": names in tree order, a repeated one as NAMExN
        read -r s a c n <<<"$(awk '{ s += $4; a += $5; c++; if (!($3 in n)) o[++k] = $3; n[$3]++ } END {
            for (i = 1; i <= k; i++) l = l (i > 1 ? "," : "") o[i] (n[o[i]] > 1 ? "x" n[o[i]] : "")
            print s, a, c, l }' "$work/group")"
        grss[$eng]+="$s " ganon[$eng]+="$a " gcount[$eng]=$c gnames[$eng]=$n
        [ "$i" != 1 ] || gdetail[$eng]=$(awk '{ printf "%s%s %s/%s", sep, $3, $4, $5; sep = ", " }' "$work/group")
    done
done
# members too, so the check after pod rm covers them
for eng in pcon podman; do
    if [ "$eng" = pcon ]; then e=("${pcon[@]}"); else e=(podman); fi
    for id in $("${e[@]}" ps -q --no-trunc 2>>"$log"); do
        for f in '{{.State.Pid}}' '{{.State.ConmonPid}}'; do
            p=$("${e[@]}" inspect --format "$f" "$id" 2>>"$log") || continue
            if [[ "$p" =~ ^[1-9][0-9]*$ ]] && ps_=$(pid_with_start "$p"); then seen_pids+=("$eng $ps_"); fi
        done
    done
done
t0=$(now)
for i in $(seq 1 "$npods"); do
    "${pcon[@]}" pod rm -f -t 0 "m$i" >>"$log" 2>&1 || warn "pcon pod rm -f -t 0 m$i failed"
done
t_rm_pcon=$(ms_since "$t0")
t0=$(now)
for i in $(seq 1 "$npods"); do
    podman pod rm -f -t 0 "m$i" >>"$log" 2>&1 || warn "podman pod rm -f -t 0 m$i failed"
done
t_rm_podman=$(ms_since "$t0")
sleep 0.5
alive=()
for m in "${seen_pids[@]}"; do
    read -r eng p start <<<"$m"
    proc_is_ours "$p" "$start" && alive+=("$eng:$p($(cat "/proc/$p/comm" 2>/dev/null))")
done
left_mem=$(check_left "after pod rm -f -t 0 of the $npods running pods")
[ ${#alive[@]} = 0 ] || left_mem+="; still alive among the pods' processes: ${alive[*]}"

# --- results ------------------------------------------------------------------------------
pc_rss=$(kib_med "${irss[pcon]}") pd_rss=$(kib_med "${irss[podman]}")
pc_anon=$(kib_med "${ianon[pcon]}") pd_anon=$(kib_med "${ianon[podman]}")
pc_grp=$(kib_med "${grss[pcon]}") pd_grp=$(kib_med "${grss[podman]}")
pc_gan=$(kib_med "${ganon[pcon]}") pd_gan=$(kib_med "${ganon[podman]}")
awk -v n="$cycles" -v np="$npods" \
    -v pc="${yall[pcon]}" -v pd="${yall[podman]}" -v pcl="${ylo[pcon]}" -v pch="${yhi[pcon]}" \
    -v pdl="${ylo[podman]}" -v pdh="${yhi[podman]}" \
    -v pcc="${ycr[pcon]}" -v pc1="${yr1[pcon]}" -v pc2="${yr2[pcon]}" -v pcm="${yrm[pcon]}" \
    -v pdc="${ycr[podman]}" -v pd1="${yr1[podman]}" -v pd2="${yr2[podman]}" -v pdm="${yrm[podman]}" \
    -v pcr="$pc_rss" -v pdr="$pd_rss" -v pca="$pc_anon" -v pda="$pd_anon" \
    -v pcg="$pc_grp" -v pdg="$pd_grp" -v pcga="$pc_gan" -v pdga="$pd_gan" \
    -v pcgn="${gcount[pcon]} ${gnames[pcon]}" -v pdgn="${gcount[podman]} ${gnames[podman]}" \
    -v rmpc="$t_rm_pcon" -v rmpd="$t_rm_podman" 'function num(x) { return x ~ /^[0-9.]+$/ }
    function ratio(a, b) { return (num(a) && num(b) && b > 0) ? sprintf("%.1fx", a / b) : "-" }
    function row(label, a, b, r, goal, l) {
        l = sprintf("  %-44s %12s %12s %8s  %s", label, a, b, r, goal)
        sub(/ +$/, "", l)
        print l
    }
    function ms(x) { return sprintf("%.1f", x) }
    BEGIN {
    printf "pods, pcon against podman (cycle: median of %d; memory: median of %d pods of 2 sleep members)\n", n, np
    row("", "pcon", "podman", "ratio", "goal")
    row("pod cycle, ms", ms(pc), ms(pd), ratio(pd, pc),
        sprintf("podman/pcon >= 10x: %s", (pd / pc >= 10) ? "met" : "missed"))
    row("  pod create --name P, ms", ms(pcc), ms(pdc), ratio(pdc, pcc), "")
    row("  run -d --pod P IMG sleep 1000 (1st), ms", ms(pc1), ms(pd1), ratio(pd1, pc1), "")
    row("  run -d --pod P IMG sleep 1000 (2nd), ms", ms(pc2), ms(pd2), ratio(pd2, pc2), "")
    row("  pod rm -f -t 0 P, ms", ms(pcm), ms(pdm), ratio(pdm, pcm), "")
    row("  range (min-max), ms", ms(pcl) "-" ms(pch), ms(pdl) "-" ms(pdh), "", "")
    row("infra VmRSS, KiB (pcon-infra, catatonit)", pcr, pdr, ratio(pdr, pcr),
        num(pcr) ? sprintf("pcon <= 512 KiB: %s", (pcr + 0 <= 512) ? "met" : "missed") : "pcon <= 512 KiB: not measured")
    row("infra RssAnon, KiB", pca, pda, ratio(pda, pca), "")
    row("pod processes VmRSS, KiB (sum)", pcg, pdg, ratio(pdg, pcg), "no goal")
    row("pod processes RssAnon, KiB (sum)", pcga, pdga, ratio(pdga, pcga), "")
    split(pcgn, a, " "); split(pdgn, b, " ")
    printf "  pod processes: the infra\047s monitor and its descendants, and podman\047s slirp4netns of the pod\n"
    printf "    (VmRSS counts shared pages, libc included, in full): pcon %s (%s); podman %s (%s)\n", a[1], a[2], b[1], b[2]
    printf "pod rm -f -t 0 of %d running pods, one by one: pcon %d ms, podman %d ms\n", np, rmpc, rmpd
}'
echo "$left_cycles"
echo "$left_mem"
echo "all infra VmRSS (KiB): pcon ${irss[pcon]}; podman ${irss[podman]}" | sed 's/ ;/;/; s/ $//'
echo "pod m1's processes, VmRSS/RssAnon KiB: pcon ${gdetail[pcon]}; podman ${gdetail[podman]}"
echo "total time: $(since "$t_begin") s (before clean-up)"
