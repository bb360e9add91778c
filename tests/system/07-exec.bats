#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec into running containers, and terminals for run and exec.

load helpers

setup_file() {
    pcon_setup_store
    pcon run -d --name box $IMAGE sleep 1000 >/dev/null
}

@test "exec runs in the container's namespaces with its root and environment" {
    run pcon exec box sh -c 'hostname; cat /etc/hostname; ls /proc | grep -cE "^[0-9]+$"; echo $container'
    assert_status 0
    [ "${lines[0]}" = "$(pcon inspect --format '{{.Config.Hostname}}' box)" ]
    [ "${lines[1]}" = "${lines[0]}" ]
    [ "${lines[2]}" -le 5 ]
    [ "${lines[3]}" = pcon ]
    # the same mount namespace as the container's init
    [ "$(pcon exec box readlink /proc/self/ns/mnt)" = "$(pcon exec box readlink /proc/1/ns/mnt)" ]
    [ "$(pcon exec box readlink /proc/self/ns/net)" = "$(pcon exec box readlink /proc/1/ns/net)" ]
}

@test "exec exit codes: the command's, 126, 127; a stopped container is an error" {
    run pcon exec box sh -c 'exit 13'
    assert_status 13
    run -127 --separate-stderr pcon exec box no-such-cmd
    assert_status 127
    assert_one_error_line
    run --separate-stderr pcon exec box /etc/passwd
    assert_status 126
    pcon create --name stopped $IMAGE true >/dev/null
    # podman's 255 for a container that does not run
    run --separate-stderr pcon exec stopped true
    assert_status 255
    [[ "$stderr" == *"can only create exec sessions on running containers"* ]]
    run --separate-stderr pcon exec nosuch true
    assert_status 125
    pcon rm stopped
}

@test "exec -u -w -e" {
    run pcon exec -u tester -w /tmp -e GREETING=hi box sh -c 'id -u; id -G; pwd; echo $GREETING; echo $HOME'
    assert_status 0
    assert_output "1000
1000 2000
/tmp
hi
/home/tester"
}

@test "exec -i streams 1.5 MB of stdin intact and propagates EOF" {
    head -c 1500000 /dev/urandom > "$BATS_TEST_TMPDIR/blob"
    run sh -c "'$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' exec -i box md5sum < '$BATS_TEST_TMPDIR/blob'"
    assert_status 0
    [ "${output%% *}" = "$(md5sum < "$BATS_TEST_TMPDIR/blob" | cut -d' ' -f1)" ]
}

@test "exec leaves nothing behind; exec -d runs in the background" {
    pcon exec box true
    run pcon exec box ps -o pid,comm
    assert_status 0
    [ "$(echo "$output" | grep -vc -e PID -e sleep -e ps)" -eq 0 ]
    run pcon exec -d box sh -c 'sleep 0.2; touch /tmp/detached-ran'
    assert_status 0
    wait_for 10 pcon exec box test -e /tmp/detached-ran
    run pcon exec box test -e /tmp/detached-ran
    assert_status 0
}

@test "exec -it gets a terminal of the caller's size" {
    run "$BATS_TEST_DIRNAME/pty-run.py" 33 101 $'tty; stty size; exit 4\n' \
        "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" exec -it box sh
    assert_output_contains "/dev/pts/"
    assert_output_contains "33 101"
    assert_output_contains "exit=4"
}

@test "run -it: a terminal, TERM=xterm, raw keys, the exit code" {
    run "$BATS_TEST_DIRNAME/pty-run.py" 24 80 $'echo $TERM; tty; exit 6\n' \
        "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm -it $IMAGE sh
    assert_output_contains "xterm"
    assert_output_contains "/dev/pts/0"
    assert_output_contains "exit=6"
    # without -t there is no terminal; TERM is podman's default all the same
    run pcon run --rm $IMAGE sh -c 'tty; echo "TERM=$TERM"'
    assert_output_contains "not a tty"
    assert_output_contains "TERM=xterm"
}

@test "run -dt logs the terminal's output" {
    pcon run -dt --name ttylog $IMAGE sh -c 'tty; echo on-a-tty' >/dev/null
    pcon wait ttylog
    run pcon logs ttylog
    assert_output_contains "/dev/pts/0"
    assert_output_contains "on-a-tty"
    pcon rm ttylog
}

@test "exec --privileged: every capability for that process only" {
    pcon run -d --name privexec $IMAGE sleep 100
    run pcon exec privexec grep CapEff /proc/self/status
    assert_output "CapEff:	00000000800405fb"
    run pcon exec --privileged privexec grep CapEff /proc/self/status
    [[ "$output" =~ ^CapEff:.0000[0-9a-f]{2}ffffffffff$ ]]
    run pcon exec privexec grep CapEff /proc/1/status
    assert_output "CapEff:	00000000800405fb"
    pcon rm -f -t 0 privexec
}
