#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# User-defined networks, measured in one run: pcon's (`network create`, a
# bridge per network in pcon-netd's namespace, DNS on the gateway) against
# podman 4.3's (runc, the CNI backend, its rootless netns):
#   1. container -> container TCP throughput on one network (iperf3)
#   2. latencies: `network create`, `run -d` of two containers on it, and
#      pcon's DNS lookup of one container's name from the other (bench/dnsprobe.c)
#   3. the memory of pcon-netd (one process: its agent is a thread) while containers run
# Prints medians and ratios next to the goals; never fails on a figure.
#
#   bash bench/networks.sh           as root (installs iperf3 when missing,
#                                    re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (3), BENCH_SECONDS (3),
#              BENCH_WARMUP (1), BENCH_LOOKUPS (200), BENCH_USER (pcontest;
#              only as root).
# Set-up and clean-up shared with the other benchmarks live in lib.sh.
set -euo pipefail

prog=networks.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
bench_stage_files=(dnsprobe.c) # compiled by the user, into the work dir
img=localhost/benchnet
runs=${BENCH_RUNS:-3}
secs=${BENCH_SECONDS:-3}
warmup=${BENCH_WARMUP:-1}
lookups=${BENCH_LOOKUPS:-200}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
# whole seconds: iperf3 reads -t as an integer (-t 0.2 is 0: run forever)
[[ "$secs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer, not '$secs'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer, not '$warmup'"
[[ "$lookups" =~ ^[1-9][0-9]*$ ]] || die "BENCH_LOOKUPS must be a positive integer, not '$lookups'"
[ -r "$here/dnsprobe.c" ] || die "$here/dnsprobe.c missing"
bench_check_pcon
BENCH_RUNS=$runs BENCH_SECONDS=$secs BENCH_WARMUP=$warmup BENCH_LOOKUPS=$lookups

if [ "$(id -u)" = 0 ] && ! command -v iperf3 >/dev/null 2>&1; then
    echo "$prog: installing iperf3" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y iperf3 >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y iperf3 >/dev/null; } ||
        die "apt-get install iperf3 failed"
fi

# as root: the whole benchmark runs as the unprivileged user (see lib.sh)
bench_reexec_as_user BENCH_RUNS BENCH_SECONDS BENCH_WARMUP BENCH_LOOKUPS

bench_user_checks iperf3 ldd timeout cc

# --- what this script creates itself, removed by id or name ---------------------
own_ctrs=() # "ENGINE ID" of each container
own_nets=() # "ENGINE NAME" of each network
netd_seen=() # "PID START" of each pcon-netd process found
E() { # ENGINE ARGS...: the engine's command
    local e=$1
    shift
    if [ "$e" = pcon ]; then "${pcon[@]}" "$@"; else podman "$@"; fi
}
# the engine's command in the array ec (for `timeout`, which runs no function)
ecmd() { # ENGINE
    if [ "$1" = pcon ]; then ec=("${pcon[@]}"); else ec=(podman); fi
}
forget() { # ARRAY "ENGINE WHAT": drop the entry from own_ctrs or own_nets
    local -n arr=$1
    local -a keep=()
    local c
    for c in "${arr[@]}"; do
        [ "$c" = "$2" ] || keep+=("$c")
    done
    arr=("${keep[@]}")
}
rm_ctr() { # ENGINE ID|NAME
    E "$1" rm -f -t 0 "$2" >>"$log" 2>&1 || warn "$1 rm -f $2 failed"
    forget own_ctrs "$1 $2"
}
rm_net() { # ENGINE NAME
    E "$1" network rm -f "$2" >>"$log" 2>&1 || warn "$1 network rm -f $2 failed"
    forget own_nets "$1 $2"
}

# our pcon-netd processes: "PID START PPID" of each (ours, named pcon-netd, its
# command line, pcon's own, naming our runroot: other runs of the user have
# theirs)
netd_procs() {
    local p st start ppid cmd stat
    for p in /proc/[0-9]*; do
        [ -O "$p" ] || continue
        [ "$(cat "$p/comm" 2>/dev/null)" = pcon-netd ] || continue
        cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
        case "$cmd" in *" $pcon_runroot "*) ;; *) continue ;; esac
        stat=$(cat "$p/stat" 2>/dev/null) || continue
        read -r st ppid _ <<<"${stat##*) }"
        [ "$st" != Z ] || continue
        read -r _ start <<<"$(proc_state_start "${p#/proc/}")" || continue
        echo "${p#/proc/} $start $ppid"
    done
}
remember_netd() {
    local pid start ppid
    while read -r pid start ppid; do
        [ -n "$pid" ] || continue
        [[ " ${netd_seen[*]} " == *" $pid $start "* ]] || netd_seen+=("$pid $start")
    done <<<"$(netd_procs)"
}

# "daemon (pid P) RSS KiB (anon A), ..." of our pcon-netd processes, now (an
# older pcon's agent was the daemon's child: "agent (pid P) ...")
netd_mem() {
    local procs pid ppid rss anon role out=
    local -A is_pid=()
    procs=$(netd_procs)
    while read -r pid _ _; do [ -z "$pid" ] || is_pid[$pid]=1; done <<<"$procs"
    while read -r pid _ ppid; do
        [ -n "$pid" ] || continue
        read -r rss anon <<<"$(helper kib "$pid" VmRSS RssAnon 2>/dev/null)" || continue
        if [ -n "${is_pid[$ppid]:-}" ]; then role=agent; else role=daemon; fi
        out+=", $role (pid $pid) $rss KiB (anon $anon)"
    done <<<"$procs"
    echo "${out#, }"
}

networks_cleanup() {
    local rc=$? c e what i left
    set +e
    for c in "${own_ctrs[@]}"; do
        read -r e what <<<"$c"
        E "$e" rm -f -t 0 "$what" >>"$log" 2>&1
    done
    for c in "${own_nets[@]}"; do
        read -r e what <<<"$c"
        E "$e" network rm -f "$what" >>"$log" 2>&1
    done
    # pcon-netd leaves by itself 2 s after its last container; wait for that,
    # then stop what is left by pid (and start time)
    if [ "$pcon_ready" = 1 ]; then
        remember_netd
        for i in $(seq 50); do
            left=0
            for c in "${netd_seen[@]}"; do
                # shellcheck disable=SC2086 # "PID START"
                ! proc_is_ours $c || left=1
            done
            [ "$left" = 1 ] || break
            sleep 0.1
        done
        for c in "${netd_seen[@]}"; do
            # shellcheck disable=SC2086 # "PID START"
            if proc_is_ours $c; then
                warn "pcon-netd ${c% *} still runs 5 s after its last container: stopping it"
                stop_pid $c
            fi
        done
    fi
    (exit "$rc")
    bench_cleanup
}
trap networks_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs networks
bench_image # $rootfs, $work/rootfs.tar
# dnsprobe: static, so it needs nothing of the image; else with its libraries
if cc -O2 -static -o "$work/dnsprobe" "$here/dnsprobe.c" 2>>"$log"; then
    probe_kind=static
    cp "$work/dnsprobe" "$rootfs/bin/dnsprobe"
else
    cc -O2 -o "$work/dnsprobe" "$here/dnsprobe.c" 2>>"$log" || die "cc dnsprobe.c failed"
    probe_kind="dynamic (libc copied in)"
    cp "$work/dnsprobe" "$rootfs/bin/dnsprobe"
    bench_image_add "$work/dnsprobe"
fi
bench_image_add /usr/bin/iperf3
bench_isolate
bench_podman_setup
bench_pcon_setup

# --- the python helper -------------------------------------------------------------
cat >"$work/nets.py" <<'EOF'
import json, statistics, sys

def cmd(argv):
    c = argv[0]
    if c == "iperf":  # FILE: received bits per second of a client's -J output
        try:
            j = json.load(open(argv[1]))
        except (OSError, ValueError) as e:
            sys.exit("iperf3 output unreadable: %s" % e)
        if "error" in j:
            sys.exit("iperf3: %s" % j["error"])
        print(j["end"]["sum_received"]["bits_per_second"])
    elif c == "stats":  # V...: median min max
        v = [float(x) for x in argv[1:]]
        print(statistics.median(v), min(v), max(v))
    elif c == "kib":  # PID FIELD...: the fields of /proc/PID/status, in KiB
        d = {}
        for ln in open("/proc/%s/status" % argv[1]):
            k, _, v = ln.partition(":")
            d[k] = v.split()
        print(" ".join(d.get(f, ["-"])[0] for f in argv[2:]))
    else:
        sys.exit("nets.py: unknown command " + c)

cmd(sys.argv[1:])
EOF
helper() { python3 "$work/nets.py" "$@"; }

p_backend=$(podman info --format '{{.Host.NetworkBackend}}' 2>>"$log") || p_backend=unknown
bench_config_line
echo "config: iperf3 $(iperf3 --version | awk 'NR == 1 { print $2 }'); podman network backend $p_backend; dnsprobe $probe_kind; $runs runs ($warmup warm-up) of $secs s, $lookups lookups each"

# the values of each figure, and its failed runs (no value: the run is counted
# as failed and left out of the median)
declare -A res fails
add() { # KEY VALUE
    if [ -n "$2" ]; then
        res[$1]="${res[$1]:-} $2"
    else
        fails[$1]=$((${fails[$1]:-0} + 1))
        echo "run of $1 failed" >>"$log"
    fi
}
rotate() { # K NAME...: the names, starting at the K-th (mod count)
    local k=$1
    shift
    local -a a=("$@")
    local n=${#a[@]} i
    for ((i = 0; i < n; i++)); do
        echo "${a[$(((k + i) % n))]}"
    done
}

# timed ENGINE ARGS...: runs the engine's command, stdout to $work/out, stderr to
# the log; the wall time in ms in $ms (bash's clock: no fork around the command)
ms=
timed() {
    local t0 t1 rc=0
    echo "+ $*" >>"$log"
    t0=$EPOCHREALTIME
    E "$@" >"$work/out" 2>>"$log" || rc=$?
    t1=$EPOCHREALTIME
    ms=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) * 1000 }')
    cat "$work/out" >>"$log"
    return "$rc"
}
is_id() { [[ "$(cat "$work/out")" =~ ^[0-9a-f]{64}$ ]]; }

# an address field of a container on a network (IPAddress, Gateway)
ctr_addr() { # ENGINE CTR NET FIELD
    E "$1" inspect --format "{{.NetworkSettings.Networks.$3.$4}}" "$2" 2>>"$log"
}

# --- throughput servers: one network and one iperf3 -s container per engine --------
# They run through 2 as well: pcon-netd and podman's rootless netns stay up, so
# each `run -d` of 2 joins a running network process, as most do.
tpnet=benchtp # no "-": a field name of the inspect template
declare -A srv_ip first_run dns_on dns_txt
for e in pcon podman; do
    E "$e" network create "$tpnet" >>"$log" 2>&1 || die "$e network create $tpnet failed"
    own_nets+=("$e $tpnet")
    dns_on[$e]=$(E "$e" network inspect --format '{{.DNSEnabled}}' "$tpnet" 2>>"$log") || dns_on[$e]=false
    # the first container on a network of the user: starts pcon-netd, podman's rootless netns
    timed "$e" run -d --network "$tpnet" --name srv "$img" iperf3 -s -p 5201 || die "$e run -d --network $tpnet failed"
    is_id || die "$e run -d printed '$(cat "$work/out")', not a container id"
    first_run[$e]=$ms
    own_ctrs+=("$e srv")
    srv_ip[$e]=$(ctr_addr "$e" srv "$tpnet" IPAddress) || die "$e inspect srv failed"
    [[ "${srv_ip[$e]}" =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "$e: the server's address on $tpnet is '${srv_ip[$e]}'"
done
remember_netd

iperf_out=$work/iperf.json
# a client container on the network: bits/s (nothing when the run failed)
iperf_ctr() { # ENGINE TARGET SECONDS
    local e=$1 rc=0
    local -a c=(iperf3 -c "$2" -p 5201 -t "$3" -J --connect-timeout 5000)
    E "$e" rm -f -t 0 bcli >/dev/null 2>&1 || true # a client a timeout left behind
    echo "+ $e run --rm --network $tpnet --name bcli $img ${c[*]}" >>"$log"
    ecmd "$e"
    timeout $(($3 + 30)) "${ec[@]}" run --rm --network "$tpnet" --name bcli "$img" "${c[@]}" \
        >"$iperf_out" 2>>"$log" || rc=$?
    [ "$rc" = 0 ] || echo "$e iperf3 client: exit $rc" >>"$log"
    helper iperf "$iperf_out" 2>>"$log" || true
}
# ready: a 1 s test passes (pcon's by the server's name, through its DNS)
declare -A by_name
for e in pcon podman; do
    target=${srv_ip[$e]}
    [ "$e" != pcon ] || [ "${dns_on[$e]}" != true ] || target=srv
    ok=
    for i in 1 2 3 4 5; do
        v=$(iperf_ctr "$e" "$target" 1)
        [ -z "$v" ] || { ok=1; break; }
        sleep 0.5
    done
    if [ "$e" = pcon ] && [ "$target" = srv ]; then
        by_name[$e]=$([ -n "$ok" ] && echo ok || echo failed)
        [ -n "$ok" ] || { warn "pcon: iperf3 -c srv (by name) fails; trying the address"; target=${srv_ip[$e]}; }
        for i in 1 2 3; do
            [ -z "$ok" ] || break
            v=$(iperf_ctr "$e" "$target" 1)
            [ -z "$v" ] || ok=1
        done
    fi
    [ -n "$ok" ] || warn "$e: iperf3 to the server container on $tpnet fails (its runs will fail)"
done

# --- 2. latencies: network create, run -d twice, DNS lookups ------------------------
echo "measuring: network create + 2x run -d + $lookups DNS lookups, $runs rounds after $warmup warm-up" >&2
declare -A probe_fail probe_ok
lat_round() { # ENGINE ROUND COUNTED(0|1)
    local e=$1 r=$2 cnt=$3 net=benchl$2 ok=1 gw a_ip line
    if timed "$e" network create "$net"; then
        own_nets+=("$e $net")
        [ "$cnt" = 0 ] || add "create_$e" "$ms"
    else
        [ "$cnt" = 0 ] || add "create_$e" ""
        return 0
    fi
    for c in a b; do
        if timed "$e" run -d --network "$net" --name "b$c$r" "$img" sleep 1000 && is_id; then
            own_ctrs+=("$e b$c$r")
            [ "$cnt" = 0 ] || add "run${c}_$e" "$ms"
        else
            E "$e" rm -f -t 0 "b$c$r" >>"$log" 2>&1 || true
            [ "$cnt" = 0 ] || add "run${c}_$e" ""
            ok=0
        fi
    done
    # the name of one container looked up from the other, against the gateway
    if [ "$ok" = 1 ] && [ "${dns_on[$e]}" = true ]; then
        gw=$(ctr_addr "$e" "bb$r" "$net" Gateway) || gw=
        a_ip=$(ctr_addr "$e" "ba$r" "$net" IPAddress) || a_ip=
        echo "+ $e exec bb$r dnsprobe $gw ba$r $lookups" >>"$log"
        # each lookup waits 1 s at most
        ecmd "$e"
        line=$(timeout $((lookups + 60)) "${ec[@]}" exec "bb$r" dnsprobe "$gw" "ba$r" "$lookups" 2>>"$log") || true
        echo "$line" >>"$log"
        if [[ "$line" =~ ok=([0-9]+)\ fail=([0-9]+)\ median_us=([0-9.]+)\ p90_us=([0-9.]+).*mean_us=([0-9.]+)\ addr=([0-9.]+) ]]; then
            if [ "${BASH_REMATCH[6]}" != "$a_ip" ]; then
                warn "$e: dnsprobe got ${BASH_REMATCH[6]} for ba$r, its address is $a_ip"
                [ "$cnt" = 0 ] || add "dns_$e" ""
            elif [ "$cnt" = 1 ]; then
                add "dns_$e" "${BASH_REMATCH[3]}"
                add "dnsp90_$e" "${BASH_REMATCH[4]}"
                add "dnsmean_$e" "${BASH_REMATCH[5]}"
                probe_ok[$e]=$((${probe_ok[$e]:-0} + BASH_REMATCH[1]))
                probe_fail[$e]=$((${probe_fail[$e]:-0} + BASH_REMATCH[2]))
            fi
        else
            [ "$cnt" = 0 ] || add "dns_$e" ""
        fi
    fi
}
lat_clean() { # ENGINE ROUND
    local c
    for c in a b; do
        [[ " ${own_ctrs[*]} " != *" $1 b$c$2 "* ]] || rm_ctr "$1" "b$c$2"
    done
    [[ " ${own_nets[*]} " != *" $1 benchl$2 "* ]] || rm_net "$1" "benchl$2"
}
for ((r = -warmup; r < runs; r++)); do
    cnt=1
    [ "$r" -ge 0 ] || cnt=0
    rr=$((r + warmup))
    for e in $(rotate "$rr" pcon podman); do
        lat_round "$e" "$rr" "$cnt"
    done
    # 3. pcon-netd's memory, with the round's two containers and the server up
    if [ "$r" = $((runs - 1)) ]; then
        sleep 1
        remember_netd
        netd_idle=$(netd_mem)
        n_idle=$("${pcon[@]}" ps -q 2>>"$log" | wc -l)
    fi
    for e in pcon podman; do
        lat_clean "$e" "$rr"
    done
done

# --- 1. throughput -----------------------------------------------------------------
echo "measuring: container -> container throughput on $tpnet, $runs x $secs s each" >&2
for ((r = 0; r < runs; r++)); do
    for e in $(rotate "$r" pcon podman); do
        v=$(iperf_ctr "$e" "${srv_ip[$e]}" "$secs")
        add "tp_$e" "$v"
    done
done
sleep 1
remember_netd
netd_after=$(netd_mem)
n_after=$("${pcon[@]}" ps -q 2>>"$log" | wc -l)
# podman's counterpart, for information: the slirp4netns of its rootless netns
# (its command line names the netns under our XDG_RUNTIME_DIR)
pd_slirp=
for p in /proc/[0-9]*; do
    [ -O "$p" ] || continue
    [ "$(cat "$p/comm" 2>/dev/null)" = slirp4netns ] || continue
    case "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" in
    *"$short"/*)
        read -r rss anon <<<"$(helper kib "${p#/proc/}" VmRSS RssAnon 2>/dev/null)" || continue
        pd_slirp+=", slirp4netns (pid ${p#/proc/}) $rss KiB (anon $anon)"
        ;;
    esac
done

# --- report ------------------------------------------------------------------------
# m, lo, hi: median, min and max of each figure; "" when no run worked
declare -A m lo hi
for k in tp_pcon tp_podman create_pcon create_podman runa_pcon runa_podman runb_pcon runb_podman \
    dns_pcon dns_podman dnsp90_pcon dnsp90_podman dnsmean_pcon dnsmean_podman; do
    m[$k]='' lo[$k]='' hi[$k]=''
    [ -n "${res[$k]:-}" ] || continue
    # shellcheck disable=SC2086 # the values, one word each
    read -r a b c <<<"$(helper stats ${res[$k]})"
    case $k in tp_*) sc=1e9 f=%.2f ;; *) sc=1 f=%.1f ;; esac
    read -r a b c <<<"$(awk -v a="$a" -v b="$b" -v c="$c" -v s="$sc" -v f="$f" \
        'BEGIN { printf f " " f " " f "\n", a / s, b / s, c / s }')"
    m[$k]=$a lo[$k]=$b hi[$k]=$c
done
m[first_pcon]=$(printf %.1f "${first_run[pcon]}") m[first_podman]=$(printf %.1f "${first_run[podman]}")
worked() { # KEY...: "; pcon 2/3 runs worked" for each with failed runs
    local k nok nf
    for k in "$@"; do
        nf=${fails[$k]:-0}
        [ "$nf" != 0 ] || continue
        nok=$(wc -w <<<"${res[$k]:-}")
        printf '; %s %s/%s runs worked' "${k#*_}" "$nok" "$((nok + nf))"
    done
}
row() { # LABEL PCON PODMAN RATIO NOTE
    local l
    l=$(printf '  %-42s %9s %9s %8s  %s' "$@")
    echo "${l%"${l##*[! ]}"}"
}
val() { echo "${m[$1]:-failed}"; }
ratio() { # A B: A/B
    if [ -n "${m[$1]:-}" ] && [ -n "${m[$2]:-}" ]; then
        awk -v a="${m[$1]}" -v b="${m[$2]}" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
    else
        echo -
    fi
}
range() { # KEY UNIT: "pcon LO-HI, podman LO-HI UNIT"
    local e out=
    for e in pcon podman; do
        [ -n "${m[${1}_$e]:-}" ] || continue
        out+=", $e ${lo[${1}_$e]}-${hi[${1}_$e]}"
    done
    echo "${out#, } $2"
}
goal_met() { # KEY OTHER MIN: "met" or "missed" for m[KEY]/m[OTHER] >= MIN
    if [ -z "${m[$1]:-}" ] || [ -z "${m[$2]:-}" ]; then
        echo "not measured"
        return
    fi
    awk -v a="${m[$1]}" -v b="${m[$2]}" -v g="$3" 'BEGIN { print (b > 0 && a / b >= g) ? "met" : "missed" }'
}

echo
echo "networks, pcon against podman $p_version ($p_backend backend): user-defined networks, medians of $runs runs"
row "" pcon podman ratio goal
row "1. ctr -> ctr TCP throughput, Gbit/s" "$(val tp_pcon)" "$(val tp_podman)" "$(ratio tp_pcon tp_podman)" \
    "pcon/podman >= 1.0: $(goal_met tp_pcon tp_podman 1)$(worked tp_pcon tp_podman)"
row "2. network create, ms" "$(val create_pcon)" "$(val create_podman)" "$(ratio create_podman create_pcon)" \
    "podman/pcon, no goal$(worked create_pcon create_podman)"
row "   run -d on it, 1st container, ms" "$(val runa_pcon)" "$(val runa_podman)" "$(ratio runa_podman runa_pcon)" \
    "podman/pcon, no goal$(worked runa_pcon runa_podman)"
row "   run -d on it, 2nd container, ms" "$(val runb_pcon)" "$(val runb_podman)" "$(ratio runb_podman runb_pcon)" \
    "podman/pcon, no goal$(worked runb_pcon runb_podman)"
row "   run -d, the first on any network, ms" "$(val first_pcon)" "$(val first_podman)" \
    "$(ratio first_podman first_pcon)" "podman/pcon, one run (starts pcon-netd, podman's rootless netns)"
for e in pcon podman; do
    if [ "${dns_on[$e]}" != true ]; then
        dns_txt[$e]="$e: no DNS on CNI without dnsname"
        m[dns_$e]=''
    elif [ -z "${m[dns_$e]}" ]; then
        dns_txt[$e]="$e: failed (see the log)"
    else
        dns_txt[$e]=$(awk -v e="$e" -v md="${m[dns_$e]}" -v p90="${m[dnsp90_$e]}" -v mean="${m[dnsmean_$e]}" \
            -v ok="${probe_ok[$e]:-0}" -v f="${probe_fail[$e]:-0}" 'BEGIN {
            printf "%s: p90 %.1f, mean %.1f us; %d of %d lookups answered", e, p90, mean, ok, ok + f }')
    fi
done
dns_goal="pcon < 1000 us: not measured"
[ -z "${m[dns_pcon]}" ] || dns_goal="pcon < 1000 us: $(awk -v v="${m[dns_pcon]}" 'BEGIN { print (v < 1000) ? "met" : "missed" }')"
row "   DNS lookup of the other's name, us" "$(val dns_pcon)" "${m[dns_podman]:--}" "$(ratio dns_podman dns_pcon)" \
    "$dns_goal$(worked dns_pcon dns_podman)"
echo "  range (min-max): throughput $(range tp Gbit/s)"
echo "    network create $(range create ms); run -d 1st $(range runa ms)"
echo "    run -d 2nd $(range runb ms); DNS (the rounds' medians) $(range dns us)"
echo "  DNS: ${dns_txt[pcon]}; ${dns_txt[podman]}"
[ "${by_name[pcon]:-}" != failed ] || echo "  note: pcon's iperf3 -c srv (by name, through its DNS) failed; the runs use the address"
echo "  1.: run --rm --network $tpnet IMG iperf3 -c SERVER-IP -t $secs -J (end.sum_received); the server: run -d"
echo "      --network $tpnet --name srv IMG iperf3 -s; its address from inspect in both engines (pcon's warm-up used the name)"
echo "  2.: on a new network each round, with $tpnet's server up: run -d --network NET --name N IMG sleep 1000, twice;"
echo "      then exec in the 2nd: dnsprobe GATEWAY NAME-OF-1ST $lookups (A queries one at a time, each timed in the"
echo "      process; the address checked against inspect), the median of each round, then of the rounds"
echo "3. pcon-netd VmRSS (RssAnon), the daemon (and an older pcon's agent child), while containers run:"
echo "   with $n_idle containers (the server and 2.'s last two): ${netd_idle:-not found}"
echo "   after 1., with $n_after: ${netd_after:-not found}"
[ -z "$pd_slirp" ] || echo "   for information, podman's rootless netns: ${pd_slirp#, }"
echo "total time: $SECONDS s (before clean-up)"

# --- clean-up of what is still up: the servers and their networks ------------------
for e in pcon podman; do
    rm_ctr "$e" srv
    rm_net "$e" "$tpnet"
done
