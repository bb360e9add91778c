#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# systemd units: generate systemd (--new and not), checked by
# systemd-analyze verify, and run by tests/system/sd-harness.py, which
# plays the service manager (NOTIFY_SOCKET, %t, %n) without systemd;
# --sdnotify=conmon. systemd itself is never started here.

load helpers

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

harness() {
    python3 "$BATS_TEST_DIRNAME/sd-harness.py" "$@"
}

# systemd-analyze verify, when this host has it
verify_unit() {
    command -v systemd-analyze >/dev/null || return 0
    systemd-analyze verify "$1"
}

@test "generate systemd --new: podman's unit, the container's own create arguments, accepted by systemd-analyze" {
    local port
    port=$(free_port)
    pcon create --name web -p "$port:80" -e 'GREETING=hi there' --label app=web $IMAGE \
        sh -c 'echo 100% > /tmp/i; exec httpd -f -p 80 -h /tmp' >/dev/null
    cd "$BATS_TEST_TMPDIR"
    run pcon generate systemd --new --name --files web
    assert_output "$BATS_TEST_TMPDIR/container-web.service"
    run cat container-web.service
    assert_output_contains "Type=notify"
    assert_output_contains "NotifyAccess=all"
    assert_output_contains "Environment=PODMAN_SYSTEMD_UNIT=%n"
    assert_output_contains "ExecStartPre=/bin/rm"
    assert_output_contains $'run \\\n\t--cidfile=%t/%n.ctr-id \\\n\t--cgroups=no-conmon \\\n\t--rm \\\n\t--sdnotify=conmon \\\n\t-d \\\n\t--replace \\\n\t--name web'
    assert_output_contains '-e "GREETING=hi there"'
    assert_output_contains 'sh \'
    assert_output_contains '"echo 100%% > /tmp/i; exec httpd -f -p 80 -h /tmp"'
    assert_output_contains "TimeoutStopSec=70"
    assert_output_contains "Restart=on-failure"
    assert_output_contains "WantedBy=default.target"
    run verify_unit "$BATS_TEST_TMPDIR/container-web.service"
    assert_status 0
    # options: restart policy and timeouts, no header, json
    run pcon generate systemd --new --restart-policy always --restart-sec 5 --start-timeout 30 -t 3 \
        --no-header --wants a.service --after b.service --requires c.service -e X=1 web
    [[ "${lines[0]}" = "[Unit]" ]]
    assert_output_contains "Restart=always"
    assert_output_contains "RestartSec=5"
    assert_output_contains "TimeoutStartSec=30"
    assert_output_contains "TimeoutStopSec=63"
    assert_output_contains "Wants=a.service"
    assert_output_contains "After=b.service"
    assert_output_contains "Requires=c.service"
    assert_output_contains "Environment=X=1"
    id=$(pcon inspect --format '{{.Id}}' web)
    run pcon generate systemd --format json web
    assert_output_contains "\"container-$id\":"
    run --separate-stderr pcon generate systemd nope
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon generate systemd --restart-policy sometimes web
    assert_status 125
    pcon rm web >/dev/null
}

@test "a --new unit run as systemd would: READY=1 with the monitor as MAINPID, the container serves; stop and stop-post leave nothing" {
    local port unit
    port=$(free_port)
    pcon create --name svc -p "$port:80" $IMAGE sh -c \
        'echo served > /tmp/i; trap "exit 0" TERM; httpd -f -p 80 -h /tmp & wait' >/dev/null
    unit="$BATS_TEST_TMPDIR/container-svc.service"
    pcon generate systemd --new --name svc >"$unit"
    pcon rm svc >/dev/null
    mkdir -p "$BATS_TEST_TMPDIR/rt"
    run harness start "$unit" "$BATS_TEST_TMPDIR/rt"
    assert_status 0
    assert_output_contains "READY=1"
    mainpid=$(sed -n 's/^MAINPID=//p' <<<"$output")
    [ "$mainpid" = "$(pcon inspect --format '{{.State.ConmonPid}}' svc)" ]
    [ -s "$BATS_TEST_TMPDIR/rt/container-svc.service.ctr-id" ]
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "served"
    run harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStop
    assert_status 0
    run harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStopPost
    assert_status 0
    run pcon ps -a -q
    assert_output ""
    # started again (a restart of the unit): --replace, a fresh container
    run harness start "$unit" "$BATS_TEST_TMPDIR/rt"
    assert_status 0
    run harness start "$unit" "$BATS_TEST_TMPDIR/rt"
    assert_status 0
    run pcon ps -q
    [ "$(echo "$output" | wc -l)" = 1 ]
    harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStopPost
    assert_no_containers
}

@test "the unit's main pid killed (as systemd kills a failed service): the container goes with it" {
    local unit
    pcon create --name victim $IMAGE sleep 300 >/dev/null
    unit="$BATS_TEST_TMPDIR/container-victim.service"
    pcon generate systemd --new --name victim >"$unit"
    pcon rm victim >/dev/null
    mkdir -p "$BATS_TEST_TMPDIR/rt"
    run harness start "$unit" "$BATS_TEST_TMPDIR/rt"
    assert_status 0
    mainpid=$(sed -n 's/^MAINPID=//p' <<<"$output")
    pid=$(pcon inspect --format '{{.State.Pid}}' victim)
    kill -KILL "$mainpid"
    wait_for 10 sh -c "[ ! -d /proc/$pid ] || grep -q '^State:.*Z' /proc/$pid/status"
    run pcon ps -a --format '{{.Names}} {{.Status}}'
    assert_output "victim Stopped"
    run harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStopPost
    assert_status 0
    assert_no_containers
}

@test "generate systemd without --new: a forking unit that starts the container, its PIDFile the monitor's" {
    pcon create --name old $IMAGE sleep 300 >/dev/null
    run pcon generate systemd --name old
    assert_output_contains "Type=forking"
    assert_output_contains "ExecStart=$PCON \\"
    assert_output_contains "--runroot $PCON_RUNROOT start old"
    pidfile=$(sed -n 's/^PIDFile=//p' <<<"$output")
    echo "$output" >"$BATS_TEST_TMPDIR/container-old.service"
    run verify_unit "$BATS_TEST_TMPDIR/container-old.service"
    assert_status 0
    run harness run "$BATS_TEST_TMPDIR/container-old.service" "$BATS_TEST_TMPDIR" ExecStart
    assert_status 0
    [ "$(cat "$pidfile")" = "$(pcon inspect --format '{{.State.ConmonPid}}' old)" ]
    pcon rm -f -t 0 old >/dev/null
}

@test "--sdnotify=conmon: the monitor sends MAINPID and READY=1 to NOTIFY_SOCKET; ignore sends nothing" {
    sock="$BATS_TEST_TMPDIR/notify"
    python3 - "$sock" >"$BATS_TEST_TMPDIR/got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(10)
print(s.recv(4096).decode())
PY
    listener=$!
    wait_for 10 test -S "$sock"
    NOTIFY_SOCKET="$sock" pcon run -d --name sn --sdnotify=conmon $IMAGE sleep 60 >/dev/null
    wait "$listener"
    run cat "$BATS_TEST_TMPDIR/got"
    assert_output "MAINPID=$(pcon inspect --format '{{.State.ConmonPid}}' sn)
READY=1"
    pcon rm -f -t 0 sn >/dev/null
    # ignore: nothing arrives
    python3 - "$sock.2" >"$BATS_TEST_TMPDIR/got2" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(2)
try: print(s.recv(4096).decode())
except socket.timeout: print("nothing")
PY
    listener=$!
    wait_for 10 test -S "$sock.2"
    NOTIFY_SOCKET="$sock.2" pcon run --rm --sdnotify=ignore $IMAGE true
    wait "$listener"
    run cat "$BATS_TEST_TMPDIR/got2"
    assert_output "nothing"
    run --separate-stderr pcon run --rm --sdnotify=bogus $IMAGE true
    assert_status 125
    assert_one_error_line
}

@test "generate systemd --new of a pod: a forking pod unit and member units bound to it, run as systemd would" {
    local port rt="$BATS_TEST_TMPDIR/rt"
    port=$(free_port)
    pcon pod create --name shop -p "$port:80" >/dev/null
    pcon create --pod shop --name till $IMAGE sh -c \
        'echo in-pod > /tmp/i; trap "exit 0" TERM; httpd -f -p 80 -h /tmp & wait' >/dev/null
    mkdir -p "$rt" "$BATS_TEST_TMPDIR/units"
    cd "$BATS_TEST_TMPDIR/units"
    run pcon generate systemd --new --name --files shop
    assert_output "$BATS_TEST_TMPDIR/units/container-till.service
$BATS_TEST_TMPDIR/units/pod-shop.service"
    run cat pod-shop.service
    assert_output_contains "Wants=container-till.service"
    assert_output_contains "Before=container-till.service"
    assert_output_contains $'pod create \\\n\t--infra-conmon-pidfile %t/pod-shop.pid \\\n\t--pod-id-file %t/pod-shop.pod-id \\\n\t--exit-policy=stop \\\n\t--name shop \\\n\t-p '"$port"$':80 \\\n\t--replace'
    assert_output_contains "PIDFile=%t/pod-shop.pid"
    assert_output_contains "Type=forking"
    run cat container-till.service
    assert_output_contains "BindsTo=pod-shop.service"
    assert_output_contains $'--pod-id-file %t/pod-shop.pod-id \\'
    refute_output_contains "--pod shop"
    for u in pod-shop.service container-till.service; do
        run verify_unit "$BATS_TEST_TMPDIR/units/$u"
        assert_status 0
    done
    pcon pod rm -f -t 0 shop >/dev/null
    # the pod's unit first, then its member's
    run harness start pod-shop.service "$rt"
    assert_status 0
    [ "${output#MAINPID=}" = "$(pcon inspect --format '{{.State.ConmonPid}}' "$(pcon pod inspect --format '{{.InfraContainerID}}' shop)")" ]
    run harness start container-till.service "$rt"
    assert_status 0
    assert_output_contains "READY=1"
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "in-pod"
    harness run container-till.service "$rt" ExecStop
    harness run container-till.service "$rt" ExecStopPost
    harness run pod-shop.service "$rt" ExecStop
    harness run pod-shop.service "$rt" ExecStopPost
    run pcon pod ps -q
    assert_output ""
    assert_no_containers
}

@test "--sdnotify=container (the default): the container gets a NOTIFY_SOCKET of its own; its READY=1 reaches the service manager with the monitor as MAINPID" {
    sock="$BATS_TEST_TMPDIR/notify"
    python3 - "$sock" >"$BATS_TEST_TMPDIR/got" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(10)
print(s.recv(4096).decode())
PY
    listener=$!
    wait_for 10 test -S "$sock"
    NOTIFY_SOCKET="$sock" pcon run -d --name inner --user 1000 -v "$PROBE_DIR:/probe:ro" $IMAGE \
        sh -c 'echo "$NOTIFY_SOCKET"; /probe/probe notify "READY=1
STATUS=serving
MAINPID=1"; exec sleep 60' >/dev/null
    wait "$listener"
    run cat "$BATS_TEST_TMPDIR/got"
    assert_output "MAINPID=$(pcon inspect --format '{{.State.ConmonPid}}' inner)
READY=1
STATUS=serving"
    run pcon logs inner
    assert_output_contains "/run/notify/notify.sock"
    assert_output_contains "notify: sent"
    pcon rm -f -t 0 inner >/dev/null
    # without a service manager, nothing of it
    run pcon run --rm $IMAGE sh -c 'echo "[$NOTIFY_SOCKET]"; ls /run/notify 2>&1 | head -1'
    assert_output_contains "[]"
    assert_output_contains "No such file"
}

@test "socket activation: the service manager's listening socket (LISTEN_FDS) is the container's fd 3, no port forwarding" {
    local port
    port=$(free_port)
    # plays systemd's part: a socket listening at fd 3, LISTEN_PID this very pid, then exec
    run python3 - "$port" "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run -d --name sock \
        --network none -v "$PROBE_DIR:/probe:ro" $IMAGE sh -c \
        'echo "names=$LISTEN_FDNAMES"; exec /probe/probe activated' <<'PY'
import os, socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(4)
if s.fileno() != 3:
    os.dup2(s.fileno(), 3)
os.set_inheritable(3, True)
os.environ.update(LISTEN_FDS="1", LISTEN_PID=str(os.getpid()), LISTEN_FDNAMES="web")
os.execv(sys.argv[2], sys.argv[2:])
PY
    assert_status 0
    # the container (network none: no way in but the fd) answers
    run python3 -c "
import socket
c = socket.create_connection(('127.0.0.1', $port), timeout=10)
print(c.recv(200).decode().strip())"
    assert_output "fd 3 LISTEN_FDS=1 LISTEN_PID=1"
    wait_for 10 sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT logs sock | grep -q answered"
    run pcon logs sock
    assert_output_contains "names=web"
    pcon rm -f -t 0 sock >/dev/null
    # without LISTEN_PID naming pcon, nothing is passed on
    run env LISTEN_FDS=1 LISTEN_PID=1 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm $IMAGE sh -c 'echo "[$LISTEN_FDS]"; ls /proc/self/fd'
    assert_output_contains "[]"
}

@test "generate systemd --template: NAME@.service, a container of its own per instance, each run as systemd would" {
    local unit
    pcon create --name tpl $IMAGE sleep 1000 >/dev/null
    unit="$BATS_TEST_TMPDIR/container-tpl@.service"
    run pcon generate systemd --template --name tpl
    assert_status 0
    echo "$output" >"$unit"
    assert_output_contains "# container-tpl@.service"
    assert_output_contains "Description=pcon container-tpl.service for %I"
    assert_output_contains "Environment=PODMAN_SYSTEMD_UNIT=%n-%i"
    assert_output_contains "--name tpl-%i"
    assert_output_contains "--cidfile=%t/%n.ctr-id"
    verify_unit "$unit"
    pcon rm tpl >/dev/null
    mkdir -p "$BATS_TEST_TMPDIR/rt"
    SD_INSTANCE=one run harness start "$unit" "$BATS_TEST_TMPDIR/rt"
    assert_status 0
    assert_output_contains "READY=1"
    SD_INSTANCE=two run harness start "$unit" "$BATS_TEST_TMPDIR/rt"
    assert_status 0
    run pcon ps --format '{{.Names}}' --sort names
    assert_output "tpl-one
tpl-two"
    [ -s "$BATS_TEST_TMPDIR/rt/container-tpl@one.service.ctr-id" ]
    SD_INSTANCE=one harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStop
    SD_INSTANCE=one harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStopPost
    run pcon ps -a --format '{{.Names}}'
    assert_output "tpl-two"
    SD_INSTANCE=two harness run "$unit" "$BATS_TEST_TMPDIR/rt" ExecStopPost
    assert_no_containers
    # an unnamed container's instances are named after the unit; pods have none
    pcon create $IMAGE true >/dev/null
    run pcon generate systemd --template --name "$(pcon ps -aq)"
    assert_output_contains "--name=container-"
    pcon rm -a >/dev/null
    pcon pod create --name tpod >/dev/null
    run -125 --separate-stderr pcon generate systemd --template tpod
    [ "$stderr" = "Error: --template is not supported for pods" ]
    pcon pod rm tpod >/dev/null
}

@test "--sdnotify=healthy: MAINPID at once, READY=1 only once a healthcheck passes; refused without a healthcheck that runs" {
    local sock="$BATS_TEST_TMPDIR/notify" t0 t1
    python3 - "$sock" >"$BATS_TEST_TMPDIR/got" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(20)
t0 = time.monotonic()
while True:
    m = s.recv(4096).decode()
    for line in m.split("\n"):
        print("%s %.1f" % (line, time.monotonic() - t0), flush=True)
    if "READY=1" in m:
        break
PY
    listener=$!
    wait_for 10 test -S "$sock"
    # healthy only once /ok exists, which it makes 2 s after it starts
    NOTIFY_SOCKET="$sock" pcon run -d --name hn --sdnotify=healthy --health-cmd 'test -e /ok' \
        --health-interval 1s $IMAGE sh -c 'sleep 2; touch /ok; sleep 60' >/dev/null
    wait "$listener"
    run cat "$BATS_TEST_TMPDIR/got"
    echo "$output"
    [[ "${lines[0]}" == "MAINPID=$(pcon inspect --format '{{.State.ConmonPid}}' hn) "* ]]
    [[ "${lines[1]}" == "READY=1 "* ]]
    # READY=1 came after the check passed, not at start (2 s or more later)
    t1=${lines[1]#READY=1 }
    python3 -c "import sys; sys.exit(0 if float('$t1') >= 1.5 else 1)"
    run pcon inspect --format '{{.State.Health.Status}}' hn
    assert_output "healthy"
    pcon rm -f -t 0 hn >/dev/null
    run -125 --separate-stderr pcon run --rm --sdnotify=healthy $IMAGE true
    [[ "$stderr" == *"--sdnotify=healthy needs a healthcheck"* ]]
    run -125 --separate-stderr pcon run --rm --sdnotify=healthy --health-cmd true --health-interval disable $IMAGE true
    assert_one_error_line
    assert_no_containers
}
