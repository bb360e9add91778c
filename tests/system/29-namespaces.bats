#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# --pid, --ipc, --uts: a container's own (the default), the host's, or
# another running container's.

load helpers

@test "--pid container:X, --uts container:X, --ipc container:X join X's; X cannot be removed while they exist" {
    pcon run -d --name base $IMAGE sleep 1000 >/dev/null
    run pcon run --rm --pid container:base --uts container:base --ipc container:base $IMAGE \
        sh -c 'tr "\0" " " < /proc/1/cmdline; echo; hostname; readlink /proc/self/ns/ipc'
    echo "$output"
    assert_status 0
    [ "${lines[0]}" = "sleep 1000 " ]
    [ "${lines[1]}" = "$(pcon inspect --format '{{.Config.Hostname}}' base)" ]
    base_ipc=$(pcon exec base readlink /proc/self/ns/ipc)
    [ "${lines[2]}" = "$base_ipc" ]
    pcon create --name joiner --pid container:base $IMAGE true >/dev/null
    run --separate-stderr pcon rm -f base
    assert_status 125
    [[ "$stderr" == *"has dependent containers which must be removed before it"* ]]
    pcon rm joiner >/dev/null
    pcon rm -f -t 0 base >/dev/null
    run --separate-stderr pcon run --rm --pid container:nosuch $IMAGE true
    assert_status 125
}

@test "--pid host sees the host's processes through the host's /proc; --uts host has the host's name" {
    run pcon run --rm --pid host $IMAGE sh -c 'ls -d /proc/[0-9]* | wc -l; test -e /proc/1/comm && echo pid1-visible'
    echo "$output"
    [ "${lines[0]}" -gt 10 ]
    assert_output_contains "pid1-visible"
    run pcon run --rm $IMAGE sh -c 'ls -d /proc/[0-9]* | wc -l'
    [ "$output" -lt 5 ]
    run pcon run --rm --uts host $IMAGE hostname
    assert_output "$(hostname)"
}

@test "--shm-size sizes /dev/shm (64m by default); a bad size is podman's error" {
    run pcon run --rm --shm-size 1m $IMAGE grep " /dev/shm " /proc/mounts
    assert_output_contains "size=1024k"
    run pcon run --rm $IMAGE grep " /dev/shm " /proc/mounts
    assert_output_contains "size=65536k"
    run --separate-stderr pcon run --rm --shm-size abc $IMAGE true
    assert_status 125
    [ "$stderr" = "Error: unable to translate --shm-size: invalid size: 'abc'" ]
}

@test "--ipc none has no /dev/shm; a bad mode is one usage error" {
    run pcon run --rm --ipc none $IMAGE ls /dev/shm
    [ "$status" -ne 0 ]
    run pcon run --rm --ipc shareable $IMAGE sh -c 'grep -c " /dev/shm " /proc/mounts'
    assert_output "1"
    run --separate-stderr pcon run --rm --pid frob $IMAGE true
    assert_status 125
    [ "$stderr" = "Error: unrecognized namespace mode frob passed" ]
    run --separate-stderr pcon run --rm --uts none $IMAGE true
    assert_status 125
}
