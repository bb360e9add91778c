#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The per-user pause process: one user and mount namespace for every
# command, found again from its pid file, replaced when stale.

load helpers

@test "every command joins the same user namespace, held by the pause process" {
    local pid a b
    pid=$(pause_pid)
    [ -n "$pid" ]
    [ "$(cat /proc/$pid/comm)" = pcon-pause ]
    a=$(pcon unshare readlink /proc/self/ns/user)
    b=$(pcon unshare readlink /proc/self/ns/user)
    [ "$a" = "$b" ]
    [ "$a" = "$(readlink /proc/$pid/ns/user)" ]
    [ "$a" != "$(readlink /proc/self/ns/user)" ]
    # and its mount namespace
    [ "$(pcon unshare readlink /proc/self/ns/mnt)" = "$(readlink /proc/$pid/ns/mnt)" ]
}

@test "pcon unshare runs a command as root of the namespace, in the cwd" {
    cd "$BATS_TEST_TMPDIR"
    run pcon unshare sh -c 'id -u; pwd; cat /proc/self/uid_map'
    assert_status 0
    [ "${lines[0]}" = 0 ]
    [ "${lines[1]}" = "$BATS_TEST_TMPDIR" ]
    [[ "${lines[2]}" =~ ^\ +0\ +$(id -u)\ +1$ ]]
}

@test "pcon unshare can chown to a subordinate id, which shows on the host" {
    local sub
    sub=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
    touch "$BATS_TEST_TMPDIR/owned"
    run pcon unshare chown 1:1 "$BATS_TEST_TMPDIR/owned"
    assert_status 0
    [ "$(stat -c %u "$BATS_TEST_TMPDIR/owned")" = "$sub" ]
    pcon unshare rm -f "$BATS_TEST_TMPDIR/owned"
}

@test "pcon unshare exits with the command's code; a missing command is 127" {
    run pcon unshare sh -c 'exit 3'
    assert_status 3
    run -127 --separate-stderr pcon unshare no-such-command-here
    assert_status 127
    assert_one_error_line
}

@test "a pause process killed is replaced, and the store still works" {
    local old new
    old=$(pause_pid)
    kill -KILL "$old"
    wait_for 10 eval "[ ! -d /proc/$old ]"
    run pcon run --rm $IMAGE echo alive
    assert_status 0
    assert_output "alive"
    new=$(pause_pid)
    [ -n "$new" ]
    [ "$new" != "$old" ]
    [ "$(cat /proc/$new/comm)" = pcon-pause ]
}

@test "a recycled pid in pause.pid is not trusted: the start time must match" {
    local pid start
    read -r pid start < "$PCON_RUNROOT/pause.pid"
    # point the record at a live process of ours that is not the pause process
    sleep 100 &
    local decoy=$!
    echo "$decoy $start" > "$PCON_RUNROOT/pause.pid"
    run pcon unshare readlink /proc/self/ns/user
    assert_status 0
    [ "$output" != "$(readlink /proc/$decoy/ns/user)" ]
    [ "$(pause_pid)" != "$decoy" ]
    kill "$decoy"
    # the earlier pause process is orphaned: end it by its pid
    kill_recorded "$pid" "$start"
}

@test "a lost run root (as after a reboot) is recreated" {
    local pid start
    read -r pid start < "$PCON_RUNROOT/pause.pid"
    kill_recorded "$pid" "$start"
    rm -rf "$PCON_RUNROOT"
    run pcon run --rm $IMAGE echo back
    assert_status 0
    assert_output "back"
    [ -f "$PCON_RUNROOT/pause.pid" ]
}
