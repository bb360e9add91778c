#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# User-mode networking, measured in one run: pcon's pcon-net (libslirp) with
# -p against podman 4.3 (runc) with its default rootlessport handler and with
# port_handler=slirp4netns, and the host's loopback as the ceiling:
#   1. published-port throughput, host client -> container server (iperf3)
#   2. container -> host throughput (10.0.2.2, allow_host_loopback=true)
#   3. connections per second through the published port (busybox httpd)
#   4. the helper processes' memory (VmRSS, RssAnon) and idle wakeups
# Prints medians and ratios next to the goals; never fails on a figure.
#
#   bash bench/network.sh            as root (installs iperf3 and slirp4netns
#                                    when missing, re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (3), BENCH_SECONDS (3),
#              BENCH_IDLE_SECONDS (5), BENCH_USER (pcontest; only as root).
# Set-up and clean-up shared with the other benchmarks live in lib.sh.
set -euo pipefail

prog=network.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
img=localhost/benchnet
runs=${BENCH_RUNS:-3}
secs=${BENCH_SECONDS:-3}
idle=${BENCH_IDLE_SECONDS:-5}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
# whole seconds: iperf3 reads -t as an integer (-t 0.2 is 0: run forever)
[[ "$secs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_SECONDS must be a positive integer, not '$secs'"
[[ "$idle" =~ ^[1-9][0-9]*$ ]] || die "BENCH_IDLE_SECONDS must be a positive integer, not '$idle'"
bench_check_pcon
BENCH_RUNS=$runs BENCH_SECONDS=$secs BENCH_IDLE_SECONDS=$idle

if [ "$(id -u)" = 0 ] && ! { command -v iperf3 && command -v slirp4netns; } >/dev/null 2>&1; then
    echo "$prog: installing iperf3 and slirp4netns" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y iperf3 slirp4netns >/dev/null ||
        { apt-get update >/dev/null && apt-get install -y iperf3 slirp4netns >/dev/null; } ||
        die "apt-get install iperf3 slirp4netns failed"
fi

# as root: the whole benchmark runs as the unprivileged user (see lib.sh)
bench_reexec_as_user BENCH_RUNS BENCH_SECONDS BENCH_IDLE_SECONDS

bench_user_checks iperf3 slirp4netns ldd timeout

# --- processes this script starts itself (host servers), stopped by pid ---------
own_pids=() # "PID START" of each
own_ctrs=() # "ENGINE ID" of each container
net_cleanup() {
    local rc=$? p e id
    set +e
    for p in "${own_pids[@]}"; do
        # shellcheck disable=SC2086 # "PID START"
        stop_pid $p
    done
    for p in "${own_ctrs[@]}"; do
        read -r e id <<<"$p"
        case $e in
        pcon) "${pcon[@]}" rm -f "$id" >>"$log" 2>&1 ;;
        podman) podman rm -f -t 0 "$id" >>"$log" 2>&1 ;;
        esac
    done
    (exit "$rc")
    bench_cleanup
}
trap net_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start a host server in the background and remember it by pid and start time
start_host() { # CMD...
    "$@" </dev/null >>"$log" 2>&1 &
    local pid=$! ps
    ps=$(pid_with_start "$pid") || die "could not start: $*"
    own_pids+=("$ps")
}

bench_workdirs network
bench_image # $rootfs, $work/rootfs.tar
mkdir -p "$rootfs/www"
head -c 512 /dev/zero | tr '\0' x >"$rootfs/www/index.html"
bench_image_add /usr/bin/iperf3
bench_isolate
bench_podman_setup
bench_pcon_setup
cp -r "$rootfs/www" "$work/www"

# --- the python helpers ------------------------------------------------------------
cat >"$work/net.py" <<'EOF'
import json, os, socket, statistics, sys, time

def listener(port):
    """pids of our processes holding a listening TCP socket on PORT (host netns)"""
    inodes = set()
    for f in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(f).read().splitlines()[1:]
        except OSError:
            continue
        for ln in lines:
            w = ln.split()
            if w[3] == "0A" and int(w[1].rsplit(":", 1)[1], 16) == port:
                inodes.add("socket:[%s]" % w[9])
    pids = set()
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            for fd in os.listdir("/proc/%s/fd" % p):
                if os.readlink("/proc/%s/fd/%s" % (p, fd)) in inodes:
                    pids.add(int(p))
        except OSError:
            pass
    return sorted(pids)

def stat(pid):
    s = open("/proc/%d/stat" % pid).read()
    comm = s[s.index("(") + 1:s.rindex(")")]
    rest = s[s.rindex(")") + 2:].split()
    return comm, int(rest[1])  # comm, ppid

def children(pid):
    out = []
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                c, pp = stat(int(p))
            except (OSError, ValueError):
                continue
            if pp == pid:
                out.append((int(p), c))
    return out

def descendants(pid):
    out, todo = [], [pid]
    while todo:
        for c, comm in children(todo.pop()):
            out.append((c, comm))
            todo.append(c)
    return out

def status(pid):
    d = {}
    for ln in open("/proc/%d/status" % pid):
        k, _, v = ln.partition(":")
        d[k] = v.split()
    return d

def ctxt(pid):
    n = [0, 0]
    for t in os.listdir("/proc/%d/task" % pid):
        try:
            d = status_path("/proc/%d/task/%s/status" % (pid, t))
        except OSError:
            continue
        n[0] += int(d["voluntary_ctxt_switches"][0])
        n[1] += int(d["nonvoluntary_ctxt_switches"][0])
    return n

def status_path(path):
    d = {}
    for ln in open(path):
        k, _, v = ln.partition(":")
        d[k] = v.split()
    return d

def cmd(argv):
    c = argv[0]
    if c == "listener":
        print(" ".join(map(str, listener(int(argv[1])))))
    elif c == "children":  # PID COMM: children of PID named COMM
        print(" ".join(str(p) for p, comm in children(int(argv[1])) if comm == argv[2]))
    elif c == "descendants":  # PID: "PID:COMM" of each
        print(" ".join("%d:%s" % (p, comm) for p, comm in descendants(int(argv[1]))))
    elif c == "comm":
        print(stat(int(argv[1]))[0])
    elif c == "match":  # COMM STRING: pids of ours named COMM whose cmdline has STRING
        me = os.getuid()
        out = []
        for p in os.listdir("/proc"):
            if not p.isdigit():
                continue
            try:
                if os.stat("/proc/" + p).st_uid != me or stat(int(p))[0] != argv[1]:
                    continue
                if argv[2].encode() in open("/proc/%s/cmdline" % p, "rb").read():
                    out.append(p)
            except (OSError, ValueError):
                pass
        print(" ".join(out))
    elif c == "mem":  # PID,PID...: "RSS ANON THREADS" in KiB, summed
        rss = anon = thr = 0
        for p in argv[1].split(","):
            d = status(int(p))
            rss += int(d["VmRSS"][0])
            anon += int(d["RssAnon"][0])
            thr += int(d["Threads"][0])
        print(rss, anon, thr)
    elif c == "wakeups":  # SECONDS PID,PID... ...: context switches per second of
        # each group (voluntary, involuntary), all threads, over the same SECONDS
        secs = float(argv[1])
        groups = [[int(p) for p in g.split(",")] for g in argv[2:]]
        a = [[ctxt(p) for p in g] for g in groups]
        time.sleep(secs)
        b = [[ctxt(p) for p in g] for g in groups]
        for x, y in zip(a, b):
            vol = sum(q[0] - p[0] for p, q in zip(x, y)) / secs
            inv = sum(q[1] - p[1] for p, q in zip(x, y)) / secs
            print("%.1f %.1f" % (vol, inv))
    elif c == "iperf":  # FILE: received bits per second of a client's -J output
        try:
            j = json.load(open(argv[1]))
        except (OSError, ValueError) as e:
            sys.exit("iperf3 output unreadable: %s" % e)
        if "error" in j:
            sys.exit("iperf3: %s" % j["error"])
        print(j["end"]["sum_received"]["bits_per_second"])
    elif c == "connrate":  # PORT SECONDS: HTTP/1.0 GETs, one connection each
        port, secs = int(argv[1]), float(argv[2])
        req = b"GET /index.html HTTP/1.0\r\nHost: x\r\n\r\n"
        n = errs = 0
        t0 = time.perf_counter()
        end = t0 + secs
        while time.perf_counter() < end and n < 200000:
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(req)
                buf = b""
                while True:
                    d = s.recv(65536)
                    if not d:
                        break
                    buf += d
                s.close()
                if buf.startswith(b"HTTP/1.") and b" 200 " in buf[:16]:
                    n += 1
                else:
                    errs += 1
            except OSError:
                errs += 1
            if errs > 100 and errs > n:
                break
        dt = time.perf_counter() - t0
        print("%.1f %d %d" % (n / dt, n, errs))
    elif c == "stats":  # V...: median min max
        v = [float(x) for x in argv[1:]]
        print(statistics.median(v), min(v), max(v))
    else:
        sys.exit("net.py: unknown command " + c)

cmd(sys.argv[1:])
EOF
net() { python3 "$work/net.py" "$@"; }

# --- the helpers' MTU (the largest single factor in user-mode TCP throughput) ----
pcon_mtu=$("${pcon[@]}" run --rm "$img" cat /sys/class/net/tap0/mtu 2>>"$log") || die "pcon run with the default network failed"
podman_mtu=$(podman run --rm "$img" cat /sys/class/net/tap0/mtu 2>>"$log") || die "podman run with the default network failed"

bench_config_line
echo "config: iperf3 $(iperf3 --version | awk 'NR == 1 { print $2 }'), slirp4netns $(slirp4netns --version | awk 'NR == 1 { print $3 }'); MTU in the container: pcon $pcon_mtu, podman $podman_mtu; $runs runs of $secs s each"
# pcon with port_handler= (the splice forwarder as the default) or without
# (libslirp's host forwarding is the only handler)
ph_slirp=--network=slirp4netns:port_handler=slirp4netns
if "${pcon[@]}" run --rm "$ph_slirp" "$img" true >>"$log" 2>&1; then
    pcon_kinds=(pcon pslirp)
    echo "note: pcon's default -p handler is its splice forwarder in pcon-net (podman's port_handler=rootlesskit); pcon $ph_slirp is libslirp's host forwarding (podman's port_handler=slirp4netns)"
else
    pcon_kinds=(pcon)
    echo "note: pcon's -p handler today is libslirp's host forwarding in pcon-net (podman's port_handler=slirp4netns); the splice-based handler is not built yet (pcon rejects $ph_slirp)"
fi

# --- containers ------------------------------------------------------------------
# ports: iperf3 and httpd published for each of the three, the host's iperf3 and
# httpd, and one for each idle container of the memory step
read -r p_pc_i p_pc_h p_ps_i p_ps_h p_rl_i p_rl_h p_sl_i p_sl_h p_host_i p_host_h \
    p_idle_pc p_idle_ps p_idle_rl p_idle_sl <<<"$(bench_free_ports 14)"
# iperf3 first: when httpd answers, iperf3 has been listening for a while
server_cmd=(sh -c 'iperf3 -s -D -p 5201 && exec httpd -f -p 8080 -h /www')

# run -d, remember the container, wait until httpd answers through the port and
# iperf3 completes a 1 s test: sets ctr_id
start_ctr() { # ENGINE PORT_IPERF PORT_HTTP ARGS...
    local e=$1 pi=$2 ph=$3 id i
    shift 3
    if [ "$e" = pcon ]; then
        id=$("${pcon[@]}" run -d "$@" -p "$pi:5201" -p "$ph:8080" "$img" "${server_cmd[@]}" 2>>"$log") ||
            die "pcon run -d $* failed"
    else
        id=$(podman run -d "$@" -p "$pi:5201" -p "$ph:8080" "$img" "${server_cmd[@]}" 2>>"$log") ||
            die "podman run -d $* failed"
    fi
    own_ctrs+=("$e $id")
    ctr_id=$id
    for i in $(seq 50); do
        if [ "$(net connrate "$ph" 0.01 2>/dev/null | awk '{ print $2 }')" -gt 0 ] 2>/dev/null; then
            break
        fi
        [ "$i" -lt 50 ] || die "$e container ($*) does not answer on port $ph"
        sleep 0.1
    done
    for i in 1 2 3 4 5; do
        timeout 30 iperf3 -c 127.0.0.1 -p "$pi" -t 1 -J --connect-timeout 5000 >"$work/warmup.json" 2>>"$log" &&
            net iperf "$work/warmup.json" >/dev/null 2>>"$log" && return 0
        sleep 0.5
    done
    warn "$e container ($*): iperf3 through port $pi fails (its runs will fail)"
}

rm_ctr() { # ENGINE ID
    if [ "$1" = pcon ]; then
        "${pcon[@]}" rm -f "$2" >>"$log" 2>&1 || warn "pcon rm -f $2 failed"
    else
        podman rm -f -t 0 "$2" >>"$log" 2>&1 || warn "podman rm -f $2 failed"
    fi
    local -a keep=()
    local c
    for c in "${own_ctrs[@]}"; do
        [ "$c" = "$1 $2" ] || keep+=("$c")
    done
    own_ctrs=("${keep[@]}")
}

# The helper processes of a container: helper_words, "NAME:PID[,PID...]" words.
# pcon: the monitor's children named pcon-net (cross-checked with the listener
# of the published port); podman: slirp4netns (its command line names the
# container's netns) and, with rootlessport, the listener and its descendants.
helpers() { # ENGINE ID PORT
    local e=$1 id=$2 port=$3 mon nets lst key sl rl d
    if [ "$e" = pcon ]; then
        mon=$("${pcon[@]}" inspect --format '{{.State.ConmonPid}}' "$id" 2>>"$log") || { warn "pcon inspect $id failed"; return 1; }
        nets=$(net children "$mon" pcon-net)
        [ -n "$nets" ] || { warn "no pcon-net child of pcon's monitor $mon ($(net comm "$mon" 2>/dev/null))"; return 1; }
        lst=$(net listener "$port")
        [ "$lst" = "$nets" ] || warn "port $port is held by pid(s) '$lst', not pcon-net $nets"
        d=$(net descendants "$nets")
        for d in $d; do
            nets+=",${d%%:*}"
        done
        helper_words="pcon-net:${nets// /,}"
        return
    fi
    key=$(podman inspect --format '{{.NetworkSettings.SandboxKey}}' "$id" 2>>"$log") || { warn "podman inspect $id failed"; return 1; }
    [ -n "$key" ] || { warn "podman container $id has no network namespace path"; return 1; }
    sl=$(net match slirp4netns "$key")
    [ -n "$sl" ] || { warn "no slirp4netns process naming $key"; return 1; }
    lst=$(net listener "$port")
    [ -n "$lst" ] || { warn "nothing of ours listens on port $port"; return 1; }
    if [ "$lst" = "$sl" ]; then
        helper_words="slirp4netns:${sl// /,}"
        return
    fi
    rl=$lst
    for d in $(net descendants "$lst"); do
        rl+=",${d%%:*}"
    done
    helper_words="slirp4netns:${sl// /,} rootlessport:${rl// /,}"
}

# --- 4. memory and wakeups of idle containers (first: no traffic before) --------
echo "measuring: helper memory and wakeups of idle containers ($idle s each)" >&2
read -r p_idle_pc_h p_idle_ps_h p_idle_rl_h p_idle_sl_h <<<"$(bench_free_ports 4)"
start_ctr pcon "$p_idle_pc" "$p_idle_pc_h"
idle_pc=$ctr_id
pslirp_mem=()
if [ "${#pcon_kinds[@]}" = 2 ]; then
    start_ctr pcon "$p_idle_ps" "$p_idle_ps_h" "$ph_slirp"
    pslirp_mem=(pcon-slirp4netns pcon "$ctr_id" "$p_idle_ps")
fi
start_ctr podman "$p_idle_rl" "$p_idle_rl_h"
idle_rl=$ctr_id
start_ctr podman "$p_idle_sl" "$p_idle_sl_h" --network slirp4netns:port_handler=slirp4netns
idle_sl=$ctr_id
sleep 2 # past the start-up and the readiness probes
# "LABEL NAME PID,PID..." for each helper of the containers, then memory and
# wakeups of all of them (measured at the same time): $work/mem.txt
mem_report() { # OUTFILE LABEL ENGINE ID PORT [LABEL ENGINE ID PORT]...
    local out=$1 w name pids rss anon thr vol inv np
    local -a groups=() labels=()
    shift
    while [ $# -ge 4 ]; do
        helper_words=
        helpers "$2" "$3" "$4" || echo "$1 gone - - - - - 0" >>"$out"
        for w in $helper_words; do
            groups+=("${w#*:}")
            labels+=("$1 ${w%%:*}")
        done
        shift 4
    done
    [ "${#groups[@]}" -gt 0 ] || return 0
    net wakeups "$idle" "${groups[@]}" >"$work/wake.txt"
    for i in "${!groups[@]}"; do
        pids=${groups[$i]}
        np=$(echo "$pids" | tr ',' ' ' | wc -w)
        read -r rss anon thr <<<"$(net mem "$pids")"
        read -r vol inv <<<"$(sed -n "$((i + 1))p" "$work/wake.txt")"
        echo "${labels[$i]} $rss $anon $thr $vol $inv $np"
    done >>"$out"
}
: >"$work/mem.txt"
mem_report "$work/mem.txt" pcon pcon "$idle_pc" "$p_idle_pc" "${pslirp_mem[@]}" \
    podman-rootlessport podman "$idle_rl" "$p_idle_rl" \
    podman-slirp4netns podman "$idle_sl" "$p_idle_sl"
rm_ctr pcon "$idle_pc"
[ "${#pslirp_mem[@]}" = 0 ] || rm_ctr pcon "${pslirp_mem[2]}"
rm_ctr podman "$idle_rl"
rm_ctr podman "$idle_sl"

# --- servers for 1-3 ---------------------------------------------------------------
start_ctr pcon "$p_pc_i" "$p_pc_h"
ctr_pc=$ctr_id
pslirp_mem=()
if [ "${#pcon_kinds[@]}" = 2 ]; then
    start_ctr pcon "$p_ps_i" "$p_ps_h" "$ph_slirp"
    pslirp_mem=(pcon-slirp4netns-after pcon "$ctr_id" "$p_ps_i")
fi
start_ctr podman "$p_rl_i" "$p_rl_h"
ctr_rl=$ctr_id
start_ctr podman "$p_sl_i" "$p_sl_h" --network slirp4netns:port_handler=slirp4netns
ctr_sl=$ctr_id
start_host iperf3 -s -B 127.0.0.1 -p "$p_host_i" --logfile "$work/iperf3-host.log"
start_host busybox httpd -f -p "127.0.0.1:$p_host_h" -h "$work/www"
for i in $(seq 50); do
    [ -n "$(net listener "$p_host_i")" ] && [ -n "$(net listener "$p_host_h")" ] && break
    [ "$i" -lt 50 ] || die "the host's iperf3 or httpd does not listen"
    sleep 0.1
done

iperf_out=$work/iperf.json
iperf_host() { # PORT: bits/s, host client
    timeout $((secs + 10)) iperf3 -c 127.0.0.1 -p "$1" -t "$secs" -J --connect-timeout 5000 \
        >"$iperf_out" 2>>"$log" || echo "iperf3 -c 127.0.0.1 -p $1: exit $?" >>"$log"
    net iperf "$iperf_out" 2>>"$log" || true
}
iperf_ctr() { # ENGINE: bits/s, client in a new container to the host's server
    local e=$1 net_opt=slirp4netns:allow_host_loopback=true
    local -a c=(iperf3 -c 10.0.2.2 -p "$p_host_i" -t "$secs" -J --connect-timeout 5000)
    if [ "$e" = pcon ]; then
        timeout $((secs + 10)) "${pcon[@]}" run --rm --network "$net_opt" "$img" "${c[@]}" >"$iperf_out" 2>>"$log" || true
    else
        timeout $((secs + 10)) podman run --rm --network "$net_opt" "$img" "${c[@]}" >"$iperf_out" 2>>"$log" || true
    fi
    net iperf "$iperf_out" 2>>"$log" || true
}

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

# --- 1. published-port throughput --------------------------------------------------
echo "measuring: published-port throughput, $runs x $secs s each" >&2
declare -A port_i=([pcon]=$p_pc_i [pslirp]=$p_ps_i [rootlessport]=$p_rl_i [slirp4netns]=$p_sl_i [loopback]=$p_host_i)
declare -A port_h=([pcon]=$p_pc_h [pslirp]=$p_ps_h [rootlessport]=$p_rl_h [slirp4netns]=$p_sl_h [loopback]=$p_host_h)
for ((r = 0; r < runs; r++)); do
    for n in $(rotate "$r" "${pcon_kinds[@]}" rootlessport slirp4netns loopback); do
        v=$(iperf_host "${port_i[$n]}")
        add "in_$n" "$v"
    done
done

# --- 2. container -> host ----------------------------------------------------------
echo "measuring: container -> host throughput, $runs x $secs s each" >&2
for ((r = 0; r < runs; r++)); do
    for n in $(rotate "$r" pcon podman); do
        v=$(iperf_ctr "$n")
        add "out_$n" "$v"
    done
done

# --- 3. connection rate ------------------------------------------------------------
echo "measuring: connections per second, $runs x $secs s each" >&2
conn_errs=0
declare -A conn_errs_of # failed connections of each handler
for ((r = 0; r < runs; r++)); do
    for n in $(rotate "$r" "${pcon_kinds[@]}" rootlessport slirp4netns loopback); do
        v=$(net connrate "${port_h[$n]}" "$secs")
        read -r rate ok errs <<<"$v"
        [ "${ok:-0}" -gt 0 ] || rate=
        add "conn_$n" "$rate"
        conn_errs=$((conn_errs + ${errs:-0}))
        conn_errs_of[$n]=$((${conn_errs_of[$n]:-0} + ${errs:-0}))
    done
done

# --- memory after traffic (the same helpers, now idle after 1-3) -------------------
sleep 1
mem_report "$work/mem.txt" pcon-after pcon "$ctr_pc" "$p_pc_i" "${pslirp_mem[@]}" \
    podman-rootlessport-after podman "$ctr_rl" "$p_rl_i" \
    podman-slirp4netns-after podman "$ctr_sl" "$p_sl_i"

# --- report ------------------------------------------------------------------------
# m, lo, hi: median, min and max of each figure (Gbit/s or conn/s); "" when no run worked
declare -A m lo hi
for k in in_pcon in_pslirp in_rootlessport in_slirp4netns in_loopback out_pcon out_podman \
    conn_pcon conn_pslirp conn_rootlessport conn_slirp4netns conn_loopback; do
    m[$k]='' lo[$k]='' hi[$k]=''
    [ -n "${res[$k]:-}" ] || continue
    # shellcheck disable=SC2086 # the values, one word each
    read -r a b c <<<"$(net stats ${res[$k]})"
    case $k in conn_*) sc=1 ;; *) sc=1e9 ;; esac
    read -r a b c <<<"$(awk -v a="$a" -v b="$b" -v c="$c" -v s="$sc" \
        'BEGIN { f = s == 1 ? "%.0f %.0f %.0f\n" : "%.2f %.2f %.2f\n"; printf f, a / s, b / s, c / s }')"
    m[$k]=$a lo[$k]=$b hi[$k]=$c
done
row() { # LABEL KEY REFKEY
    local k=$2 nok nf of=
    nok=$(wc -w <<<"${res[$k]:-}")
    nf=${fails[$k]:-0}
    if [ -z "${m[$k]}" ]; then
        printf '   %-22s %8s  %-15s %-11s %s\n' "$1" failed - - "0/$nf runs worked"
        return
    fi
    [ -z "${m[$3]}" ] || of=$(awk -v a="${m[$k]}" -v b="${m[$3]}" 'BEGIN { printf "%.0f%%", 100 * a / b }')
    printf '   %-22s %8s  %-15s %-11s %s\n' "$1" "${m[$k]}" "${lo[$k]}-${hi[$k]}" "${of:--}" \
        "$([ "$nf" = 0 ] || echo "$nok/$((nok + nf)) runs worked")" | sed 's/ *$//'
}
header() { printf '   %-22s %8s  %-15s %s\n' name "$1" min-max "of loopback"; }
goal() { # TEXT KEY OTHERKEY GOAL
    if [ -z "${m[$2]}" ] || [ -z "${m[$3]}" ]; then
        printf '   %s: not measured (goal >= %sx)\n' "$1" "$4"
        return
    fi
    awk -v t="$1" -v a="${m[$2]}" -v b="${m[$3]}" -v g="$4" 'BEGIN {
        v = a / b
        printf "   %s: %.2fx (goal >= %sx) %s\n", t, v, g, (v >= g) ? "met" : "missed" }'
}
info() { # TEXT KEY OTHERKEY
    [ -n "${m[$2]}" ] && [ -n "${m[$3]}" ] || return 0
    awk -v t="$1" -v a="${m[$2]}" -v b="${m[$3]}" 'BEGIN { printf "%s %.2fx", t, a / b }'
}

echo
echo "1. published port, host client -> container server (iperf3 -c 127.0.0.1 -p PORT -t $secs; -s in the container), Gbit/s, median of $runs:"
header Gbit/s
if [ "${#pcon_kinds[@]}" = 2 ]; then
    row "pcon default (splice)" in_pcon in_loopback
    row "pcon slirp4netns" in_pslirp in_loopback
    pslirp=pslirp
else
    row "pcon -p (libslirp)" in_pcon in_loopback
    pslirp=pcon
fi
row "podman rootlessport" in_rootlessport in_loopback
row "podman slirp4netns" in_slirp4netns in_loopback
row "loopback" in_loopback in_loopback
goal "pcon / podman rootlessport (default handlers)" in_pcon in_rootlessport 1.2
goal "pcon / host loopback" in_pcon in_loopback 0.7
goal "pcon / podman, both port_handler=slirp4netns" "in_$pslirp" in_slirp4netns 1

echo
echo "2. container -> host (iperf3 -c 10.0.2.2 -t $secs in run --rm --network slirp4netns:allow_host_loopback=true; -s on the host's 127.0.0.1), Gbit/s, median of $runs:"
header Gbit/s
row "pcon (libslirp)" out_pcon in_loopback
row "podman slirp4netns" out_podman in_loopback
row "loopback (from 1.)" in_loopback in_loopback
goal "pcon / podman slirp4netns" out_pcon out_podman 1
[ -z "${fails[out_pcon]:-}" ] ||
    echo "   note: ${fails[out_pcon]} failed runs: pcon-net can die while the container's client sends to the host (killed by SIGPIPE, see bench/README.md)"

echo
echo "3. connections per second through the published port (one client: connect, HTTP/1.0 GET of 512 B from busybox httpd, read to EOF, close; $secs s), median of $runs:"
header conn/s
if [ "${#pcon_kinds[@]}" = 2 ]; then
    row "pcon default (splice)" conn_pcon conn_loopback
    row "pcon slirp4netns" conn_pslirp conn_loopback
else
    row "pcon -p (libslirp)" conn_pcon conn_loopback
fi
row "podman rootlessport" conn_rootlessport conn_loopback
row "podman slirp4netns" conn_slirp4netns conn_loopback
row "loopback" conn_loopback conn_loopback
ratios="$(info "pcon default / podman rootlessport" conn_pcon conn_rootlessport);$(info "pcon / podman slirp4netns" "conn_$pslirp" conn_slirp4netns)"
ratios=${ratios#;}
ratios=${ratios%;}
echo "   ${ratios/;/, } (no goal)"
if [ "$conn_errs" != 0 ]; then
    whose=
    for n in "${!conn_errs_of[@]}"; do
        [ "${conn_errs_of[$n]}" = 0 ] || whose+=" $n ${conn_errs_of[$n]},"
    done
    whose=${whose%,}
    echo "   note: $conn_errs failed connections in all (${whose# }; not counted; a run stops after 100 failures; see the warnings of 4. for a helper that died)"
fi

echo
echo "4. helper processes of an idle container with a published port (wakeups: context switches in $idle s, all threads, per second):"
mem_table() { # after|idle
    local label name rss anon thr vol inv np
    while read -r label name rss anon thr vol inv np; do
        [ -n "$label" ] || continue
        case $label in
        *-after) [ "$1" = after ] || continue ;;
        *) [ "$1" = idle ] || continue ;;
        esac
        label=${label%-after}
        if [ "$name" = gone ]; then
            printf '   %-44s %s\n' "$label:" "no helper found (it exited: see the warnings)"
            continue
        fi
        if [ "$1" = idle ] && [ "$label" = pcon ] && [ "$name" = pcon-net ]; then
            pcon_wake=$vol
        fi
        [ "$np" -le 1 ] || name="$name ($np procs)"
        printf '   %-44s %9s %11s %7s %9s %s\n' "$label: $name" "$rss" "$anon" "$thr" "$vol" "($inv)"
    done <"$work/mem.txt"
}
printf '   %-44s %9s %11s %7s %9s %s\n' "engine: process" "VmRSS KiB" "RssAnon KiB" threads wakeups/s "(involuntary/s)"
pcon_wake=
mem_table idle
if [ -n "$pcon_wake" ]; then
    awk -v v="$pcon_wake" 'BEGIN { printf "   pcon-net idle wakeups: %.1f/s (goal 0/s) %s\n", v, (v == 0) ? "met" : "missed" }'
else
    echo "   pcon-net idle wakeups: not measured (goal 0/s)"
fi
echo "   after 1.-3. (the published-port containers' helpers, idle again):"
mem_table after
echo "total time: $SECONDS s (before clean-up)"
