#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Detached containers and their monitor: run -d, create/start, stop, kill,
# rm, wait, restart policies, ps, inspect, and the truth after a crash.

load helpers

# waits (bounded) until `pcon ps -a` shows NAME with a status matching RE
wait_status() {
    local name=$1 re=$2 s=""
    for _ in $(seq 100); do
        s=$(pcon ps -a --filter "name=$name" --format '{{.Status}}')
        [[ "$s" =~ $re ]] && return 0
        sleep 0.1
    done
    echo "status of $name: $s, wanted $re" >&2
    return 1
}

ctr_pid() {
    pcon inspect --format '{{.State.Pid}}' "$1"
}

@test "run -d prints exactly the 64-hex id and the container runs on its own" {
    run pcon run -d --name bg $IMAGE sleep 100
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    [ "${#lines[@]}" -eq 1 ]
    local id=$output
    wait_status bg '^Up '
    # podman 4.3's {{.State}}: the status in words
    run pcon ps --format '{{.ID}} {{.Names}} {{.State}}'
    [[ "$output" =~ ^${id:0:12}\ bg\ Up\ .*\ ago$ ]]
    # the monitor is its own session, outliving the command that started it
    local mon
    mon=$(pcon inspect --format '{{.State.ConmonPid}}' bg)
    [ "$(cat /proc/$mon/comm)" = pcon-monitor ]
    [ "$(ps -o sid= -p "$mon" | tr -d ' ')" = "$mon" ]
    pcon rm -f bg
}

@test "the default ps shows running containers only; -a all; -q ids; -n/-l the latest" {
    pcon run --name ps-exited $IMAGE true
    pcon run -d --name ps-running $IMAGE sleep 100 >/dev/null
    run pcon ps --format '{{.Names}}'
    assert_output "ps-running"
    run pcon ps -a --format '{{.Names}}'
    assert_output_contains "ps-exited"
    run pcon ps -a -q
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
    run pcon ps -l --format '{{.Names}}'
    assert_output "ps-running"
    run pcon ps -a -n 2 --format '{{.Names}}'
    [ "${#lines[@]}" -eq 2 ]
    run pcon ps -a --filter status=exited --format '{{.Names}}'
    assert_output_contains "ps-exited"
    refute_output_contains "ps-running"
    pcon rm -f ps-running ps-exited
}

@test "ps table and status strings: Created, Up, Exited (N) ... ago" {
    pcon create --name st-created $IMAGE true >/dev/null
    pcon run --name st-exited $IMAGE sh -c 'exit 4' || true
    pcon run -d --name st-up $IMAGE sleep 100 >/dev/null
    run pcon ps -a
    assert_status 0
    [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +CREATED\ +STATUS\ +PORTS\ +NAMES$ ]]
    assert_output_contains "Created"
    assert_output_contains "Exited (4) "
    [[ "$output" =~ Up\ (Less\ than\ a\ second|[0-9]+\ seconds?) ]]
    pcon rm -f st-created st-exited st-up
}

@test "ps --format: json, table, fields, unknown field is an error" {
    pcon run --name fmt1 $IMAGE true
    run pcon ps -a --format json
    assert_status 0
    echo "$output" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(c["Names"]==["fmt1"] and c["State"]=="exited" for c in d)'
    run pcon ps -a --format 'table {{.Names}}\t{{.State}}'
    [[ "${lines[0]}" =~ ^NAMES\ +STATE$ ]]
    run pcon ps -a --format '{{upper .Names}} {{json .Names}}'
    assert_output_contains 'FMT1 "fmt1"'
    run --separate-stderr pcon ps -a --format '{{.NoSuchField}}'
    assert_status 125
    assert_one_error_line
    pcon rm fmt1
}

@test "create, then start, then wait prints the exit code" {
    run pcon create --name cw $IMAGE sh -c 'exit 7'
    assert_status 0
    run pcon ps -a --filter name=cw --format '{{.Status}}'
    assert_output "Created"
    run pcon start cw
    assert_output "cw"
    run pcon wait cw
    assert_output "7"
    run pcon start -a cw
    assert_status 7
    pcon rm cw
}

@test "stop: a container that ignores SIGTERM is killed after the timeout: 137 and a warning" {
    pcon run -d --name stubborn $IMAGE sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
    wait_status stubborn '^Up '
    run --separate-stderr pcon stop -t 1 stubborn
    assert_status 0
    [ "$output" = stubborn ]
    [[ "$stderr" == *"StopSignal SIGTERM failed to stop container stubborn in 1 seconds, resorting to SIGKILL"* ]]
    run pcon inspect --format '{{.State.ExitCode}} {{.State.Status}}' stubborn
    assert_output "137 exited"
    pcon rm stubborn
}

@test "stop: a container trapping SIGTERM stops at once with its own code" {
    pcon run -d --name trapper $IMAGE sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done' >/dev/null
    wait_status trapper '^Up '
    local start=$SECONDS
    run --separate-stderr pcon stop trapper
    assert_status 0
    [ -z "$stderr" ]
    [ $((SECONDS - start)) -lt 5 ]
    run pcon inspect --format '{{.State.ExitCode}}' trapper
    assert_output "42"
    pcon rm trapper
}

usr1_logged() {
    [ "$(pcon logs killme | grep -c got-usr1)" -ge "$1" ]
}

@test "kill: signals by name, SIG-name and number" {
    pcon run -d --name killme $IMAGE sh -c 'trap "echo got-usr1" USR1; trap "exit 3" TERM; while :; do sleep 0.1; done' >/dev/null
    wait_status killme '^Up '
    local n=0 sig
    # one at a time: signals of one kind pending together are merged
    for sig in USR1 SIGUSR1 10; do
        run pcon kill -s $sig killme
        assert_status 0
        assert_output "killme"
        n=$((n + 1))
        wait_for 10 usr1_logged $n
        [ "$(pcon logs killme | grep -c got-usr1)" -eq $n ]
    done
    run pcon kill -s TERM killme
    assert_status 0
    assert_output "killme"
    run pcon wait killme
    assert_output "3"
    run --separate-stderr pcon kill killme
    assert_status 125
    [[ "$stderr" == *"can only kill running containers"* ]]
    run --separate-stderr pcon kill -s NOTASIG killme
    assert_status 125
    pcon rm killme
}

@test "rm: running needs -f (exit 2); missing is exit 1; rm -f of a missing one is silent" {
    pcon run -d --name busy $IMAGE sleep 100 >/dev/null
    run --separate-stderr pcon rm busy
    assert_status 2
    [[ "$stderr" == *"as it is running - running or paused containers cannot be removed without force"* ]]
    run pcon rm -f busy
    assert_status 0
    assert_output "busy"
    run --separate-stderr pcon rm nosuch
    assert_status 1
    [ "$stderr" = 'Error: no container with name or ID "nosuch" found: no such container' ]
    run --separate-stderr pcon rm -f nosuch
    assert_status 0
    [ -z "$output" ]
    [ -z "$stderr" ]
    assert_no_containers
}

@test "a missing container is exit 125 for other commands" {
    for cmd in stop start logs wait kill; do
        run --separate-stderr pcon $cmd nosuch
        assert_status 125
        [[ "$stderr" == *'no container with name or ID "nosuch" found: no such container'* ]]
    done
    run pcon container exists nosuch
    assert_status 1
}

@test "names are unique: a second --name is exit 125; --replace takes the name over" {
    pcon run -d --name uniq $IMAGE sleep 100 >/dev/null
    run --separate-stderr pcon run -d --name uniq $IMAGE true
    assert_status 125
    [[ "$stderr" == *'the container name "uniq" is already in use by '* ]]
    run pcon run -d --replace --name uniq $IMAGE sleep 100
    assert_status 0
    [ "$(pcon ps -a --filter name=uniq --format '{{.ID}}' | wc -l)" -eq 1 ]
    pcon rm -f uniq
}

@test "--cidfile is written; stop and rm take --cidfile; --ignore" {
    local f="$BATS_TEST_TMPDIR/cid"
    run pcon run -d --cidfile "$f" $IMAGE sleep 100
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    [ "$(cat "$f")" = "$output" ]
    run --separate-stderr pcon run -d --cidfile "$f" $IMAGE true
    assert_status 125
    run pcon stop -t 0 --cidfile "$f"
    assert_status 0
    run pcon rm --cidfile "$f"
    assert_status 0
    run pcon stop --ignore --cidfile "$f"
    assert_status 0
    run pcon rm -f --ignore nosuch
    assert_status 0
}

@test "restart policy on-failure:2 restarts a failing container twice" {
    pcon run -d --name flaky --restart on-failure:2 $IMAGE sh -c 'echo run; exit 1' >/dev/null
    restarted_twice() {
        [ "$(pcon inspect --format '{{.State.Status}} {{.RestartCount}}' flaky)" = "exited 2" ]
    }
    wait_for 10 restarted_twice
    run pcon inspect --format '{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}}' flaky
    assert_output "exited 2 1"
    [ "$(pcon logs flaky | grep -c run)" -eq 3 ]
    pcon rm flaky
}

@test "restart policy always brings a killed container back" {
    pcon run -d --name phoenix --restart always $IMAGE sleep 100 >/dev/null
    wait_status phoenix '^Up '
    local pid mon
    pid=$(ctr_pid phoenix)
    mon=$(pcon inspect --format '{{.State.ConmonPid}}' phoenix)
    # killed from outside, not stopped by the user
    kill -KILL "$pid"
    back_up() {
        local new
        new=$(ctr_pid phoenix)
        [ "$new" != 0 ] && [ "$new" != "$pid" ]
    }
    wait_for 10 back_up
    run pcon inspect --format '{{.State.Status}} {{.RestartCount}}' phoenix
    assert_output "running 1"
    # but a stop is final: the monitor ends without another start
    run pcon stop -t 1 phoenix
    assert_status 0
    monitor_gone() { ! kill -0 "$mon" 2>/dev/null; }
    wait_for 10 monitor_gone
    run pcon inspect --format '{{.State.Status}} {{.RestartCount}}' phoenix
    assert_output "exited 1"
    pcon rm phoenix
}

@test "--timeout kills the container after N seconds" {
    local start=$SECONDS
    run pcon run --timeout 1 $IMAGE sleep 100
    assert_status 137
    [ $((SECONDS - start)) -lt 5 ]
}

@test "run -d --rm: the monitor removes the container when it exits" {
    pcon run -d --rm --name ephemeral $IMAGE sh -c 'sleep 0.3' >/dev/null
    wait_for 10 eval '! pcon container exists ephemeral'
    run pcon container exists ephemeral
    assert_status 1
}

@test "a monitor killed with SIGKILL: ps shows the container stopped; rm still works" {
    pcon run -d --name orphan $IMAGE sleep 100 >/dev/null
    wait_status orphan '^Up '
    local mon pid
    mon=$(pcon inspect --format '{{.State.ConmonPid}}' orphan)
    pid=$(ctr_pid orphan)
    kill -KILL "$mon"
    kill -KILL "$pid"
    wait_for 10 eval "[ ! -d /proc/$pid ]"
    run pcon ps -a --filter name=orphan --format '{{.Status}}'
    assert_output "Stopped"
    run pcon inspect --format '{{.State.Status}} {{.State.Error}}' orphan
    assert_output "stopped exit code unknown"
    run pcon rm orphan
    assert_status 0
}

@test "after the run root is lost, ps tells the truth and rm works" {
    pcon run -d --name lost $IMAGE sleep 100 >/dev/null
    wait_status lost '^Up '
    local mon pid start
    mon=$(pcon inspect --format '{{.State.ConmonPid}}' lost)
    pid=$(ctr_pid lost)
    kill -KILL "$mon" "$pid"
    read -r p start < "$PCON_RUNROOT/pause.pid"
    kill_recorded "$p" "$start"
    rm -rf "$PCON_RUNROOT"
    run pcon ps -a --filter name=lost --format '{{.Status}}'
    assert_output "Stopped"
    run pcon rm lost
    assert_status 0
    assert_output "lost"
}

@test "logs: k8s-file lines on disk, --tail, -t, 700 KB not truncated" {
    pcon run --name logger $IMAGE sh -c 'echo first; echo second >&2; printf partial'
    local log
    log=$(pcon inspect --format '{{.HostConfig.LogConfig.Path}}' logger)
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z stdout F first$' "$log"
    grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z stderr F second$' "$log"
    grep -qE 'stdout P partial$' "$log"
    run --separate-stderr pcon logs logger
    [ "$output" = "first
partial" ]
    [ "$stderr" = second ]
    run pcon logs --tail 1 logger
    assert_output_contains "partial"
    refute_output_contains "first"
    run pcon logs -t logger
    [[ "${lines[0]}" =~ ^[0-9]{4}-.*Z\ first$ ]]
    # 700 KB through the log, byte for byte
    pcon run --name big $IMAGE sh -c 'i=0; while [ $i -lt 7000 ]; do printf "%099d\n" $i; i=$((i+1)); done'
    [ "$(pcon logs big | wc -c)" -eq 700000 ]
    [ "$(pcon logs big | md5sum)" = "$(for i in $(seq 0 6999); do printf "%099d\n" $i; done | md5sum)" ]
    pcon rm logger big
}

@test "logs -f follows until the container exits" {
    pcon run -d --name follower $IMAGE sh -c 'for i in 1 2 3; do echo line$i; sleep 0.3; done' >/dev/null
    run timeout 10 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" logs -f follower
    assert_status 0
    assert_output "line1
line2
line3"
    pcon rm follower
}

@test "log drivers: none keeps no log; --log-opt max-size bounds the log" {
    pcon run --name nolog --log-driver none $IMAGE echo hidden
    run --separate-stderr pcon logs nolog
    assert_status 125
    [[ "$stderr" == *"'none' log driver"* ]]
    pcon run --name small --log-opt max-size=10k $IMAGE sh -c 'i=0; while [ $i -lt 1000 ]; do echo line $i; i=$((i+1)); done'
    local log
    log=$(pcon inspect --format '{{.HostConfig.LogConfig.Path}}' small)
    [ "$(stat -c %s "$log")" -le 10240 ]
    pcon logs small | tail -1 | grep -q "line 999"
    pcon rm nolog small
}

@test "inspect: a JSON array with State, Config, HostConfig, Mounts; --format; missing is 125" {
    mkdir -p "$BATS_TEST_TMPDIR/m"
    pcon run --name insp -v "$BATS_TEST_TMPDIR/m:/m:ro" -e FOO=bar $IMAGE true
    run pcon inspect insp
    assert_status 0
    echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert isinstance(d, list) and len(d) == 1
c = d[0]
assert c["Name"] == "insp" and len(c["Id"]) == 64
assert c["State"]["Status"] == "exited" and c["State"]["ExitCode"] == 0
assert "FOO=bar" in c["Config"]["Env"]
assert c["Mounts"][0]["Destination"] == "/m" and c["Mounts"][0]["RW"] is False
assert c["HostConfig"]["NetworkMode"] == "slirp4netns"
'
    run pcon inspect --format '{{.Config.Hostname}}-{{.State.Running}}' insp
    [[ "$output" =~ ^[0-9a-f]{12}-false$ ]]
    run --separate-stderr pcon inspect insp nosuch
    assert_status 125
    pcon rm insp
}

@test "rename, restart, container exists, container prune" {
    pcon run --name before $IMAGE true
    run pcon rename before after
    assert_status 0
    run pcon container exists after
    assert_status 0
    run pcon container exists before
    assert_status 1
    run pcon restart after
    assert_status 0
    run pcon wait after
    assert_output "0"
    pcon run -d --name keeper $IMAGE sleep 100 >/dev/null
    run pcon container prune -f
    assert_status 0
    run pcon container exists after
    assert_status 1
    run pcon container exists keeper
    assert_status 0
    pcon rm -f keeper
}

@test "init: the container's process made and its command held (initialized, not in ps), start runs it; errors as podman's" {
    local d="$BATS_TEST_TMPDIR/v"
    mkdir -p "$d"
    pcon create --name ini -v "$d:/v" $IMAGE sh -c 'touch /v/ran; echo out; exec sleep 100' >/dev/null
    run pcon init ini
    assert_status 0
    [ "$output" = ini ]
    run pcon inspect --format '{{.State.Status}} {{.State.StartedAt}}' ini
    [ "$output" = "initialized 0001-01-01T00:00:00Z" ]
    local pid
    pid=$(ctr_pid ini)
    [ "$pid" -gt 0 ]
    kill -0 "$pid"
    # made, but the command has not run
    sleep 0.3
    [ ! -e "$d/ran" ]
    [ "$(pcon ps -a --filter name=ini --format '{{.Status}}')" = Initialized ]
    [ -z "$(pcon ps --filter name=ini --format '{{.Names}}')" ]
    run pcon init ini
    assert_status 125
    assert_output_contains "has already been created in runtime: container state improper"
    run pcon kill ini
    assert_status 125
    assert_output_contains "can only kill running containers."
    run pcon exec ini true
    assert_status 255
    # start: the same process goes on to the command
    run pcon start ini
    assert_status 0
    wait_status ini '^Up '
    [ "$(ctr_pid ini)" = "$pid" ]
    for _ in $(seq 50); do [ -e "$d/ran" ] && break; sleep 0.1; done
    [ -e "$d/ran" ]
    [ "$(pcon logs ini)" = out ]
    run pcon init ini
    assert_status 125
    pcon rm -f -t 0 ini
    run pcon init nosuch
    assert_status 125
    assert_output_contains 'no container with name or ID "nosuch" found'
}

@test "init: stop ends the held process at once, rm needs no force; start -a and -ai of an initialized one attach; a missing command fails at start" {
    pcon create --name ini2 $IMAGE sleep 100 >/dev/null
    pcon init ini2 >/dev/null
    local pid
    pid=$(ctr_pid ini2)
    run pcon stop ini2
    assert_status 0
    [[ "$output" != *SIGKILL* ]]
    ! kill -0 "$pid" 2>/dev/null
    [[ "$(pcon ps -a --filter name=ini2 --format '{{.Status}}')" =~ ^Exited ]]
    pcon init ini2 >/dev/null
    pid=$(ctr_pid ini2)
    run pcon rm ini2
    assert_status 0
    ! kill -0 "$pid" 2>/dev/null
    run pcon container exists ini2
    assert_status 1

    pcon create --name ini3 $IMAGE sh -c 'echo out; exit 3' >/dev/null
    pcon init ini3 >/dev/null
    run pcon start -a ini3
    assert_status 3
    [ "$output" = out ]
    pcon create -i --name ini4 $IMAGE sh -c 'read x; echo got $x' >/dev/null
    pcon container init ini4 >/dev/null
    run sh -c "echo hello | '$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' start -ai ini4"
    assert_status 0
    [ "$output" = "got hello" ]

    pcon create --name ini5 $IMAGE /nosuchcmd >/dev/null
    pcon init ini5 >/dev/null
    run -127 pcon start ini5
    assert_output_contains "nosuchcmd"
    [ "$(pcon inspect --format '{{.State.ExitCode}}' ini5)" = 127 ]
    pcon rm -f ini3 ini4 ini5
}

@test "init --all initializes those that can be; --timeout counts from the start" {
    pcon create --name ia1 $IMAGE sleep 100 >/dev/null
    pcon create --name ia2 --timeout 1 $IMAGE sleep 100 >/dev/null
    pcon run -d --name ia3 $IMAGE sleep 100 >/dev/null
    local id3
    id3=$(pcon inspect --format '{{.Id}}' ia3)
    run pcon init --all
    assert_status 0
    [[ "$output" == *"$(pcon inspect --format '{{.Id}}' ia1)"* && "$output" == *"$id3"* ]]
    [ "$(pcon inspect --format '{{.State.Status}}' ia1)" = initialized ]
    [ "$(pcon inspect --format '{{.State.Status}}' ia3)" = running ]
    sleep 1.5
    [ "$(pcon ps -a --filter name=ia2 --format '{{.Status}}')" = Initialized ]
    pcon start ia2 >/dev/null
    wait_status ia2 '^Exited'
    pcon rm -f -t 0 ia1 ia2 ia3
}

@test "a created container whose state.json a crash lost or tore reads as Created, and starts" {
    # create writes the first state.json without an fsync: this is what
    # the loader must make of it when a power loss took it
    local id st
    id=$(pcon create --name torn $IMAGE sleep 100)
    st="$PCON_ROOT/containers/$id/state.json"
    [ -f "$st" ]
    for damage in empty missing torn; do
        case $damage in
        empty) : >"$st" ;;
        missing) rm -f "$st" ;;
        torn) printf '{"status":"run' >"$st" ;;
        esac
        run pcon ps -a --filter name=torn --format '{{.Status}}'
        assert_status 0
        assert_output "Created"
        run pcon inspect --format '{{.State.Status}} {{.State.ExitCode}}' torn
        assert_output "created 0"
    done
    pcon start torn >/dev/null
    wait_status torn '^Up '
    pcon rm -f -t 0 torn >/dev/null
}
