#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# --init: pcon's own init (the freestanding pcon-infra program, bound at
# /run/pcon-init) as PID 1: it runs the command in a process group of its
# own, reaps orphans, passes signals on, ends with the command's status.

load helpers

@test "--init is PID 1, the command its child in a process group of its own; the exit status is the command's" {
    run pcon run --rm --init $IMAGE sh -c 'tr "\0" " " < /proc/1/cmdline; echo; ps -o pid,pgid,comm; true'
    echo "$output"
    assert_status 0
    [[ "${lines[0]}" == "/run/pcon-init -- sh -c "* ]]
    # the shell: pid 2, its own group 2
    [[ "$output" =~ [[:space:]]2[[:space:]]+2[[:space:]]+sh ]]
    run pcon run --rm --init $IMAGE sh -c 'exit 7'
    assert_status 7
    run -127 pcon run --rm --init $IMAGE nosuchcommand
    assert_output_contains "executable file not found"
    run pcon run --rm --init $IMAGE sh -c 'kill -9 $$'
    assert_status 137
}

@test "--init reaps orphans that a plain PID 1 leaves as zombies" {
    local mode
    for mode in plain init; do
        pcon run -d --name "z-$mode" $([ "$mode" = init ] && echo --init) $IMAGE \
            sh -c 'sh -c "sleep 0.2 &"; exec sleep 1000' >/dev/null
        sleep 1
        run pcon exec "z-$mode" sh -c 'ps -o stat,args | grep -c "^Z"'
        eval "zombies_$mode=\$output"
        pcon rm -f -t 0 "z-$mode" >/dev/null
    done
    echo "plain: $zombies_plain, init: $zombies_init"
    [ "$zombies_plain" -ge 1 ]
    [ "$zombies_init" -eq 0 ]
}

@test "--init passes stop's SIGTERM to a command that, as PID 1, would ignore it" {
    pcon run -d --name term --init $IMAGE sleep 1000 >/dev/null
    start=$(date +%s%N)
    run pcon stop -t 8 term
    assert_status 0
    elapsed=$((($(date +%s%N) - start) / 1000000))
    echo "stop took $elapsed ms"
    [ "$elapsed" -lt 6000 ]
    run pcon inspect --format '{{.State.ExitCode}}' term
    assert_output "143"
    pcon rm term >/dev/null
    # the image's root is not written: the init is bound read-only
    run pcon run --rm --init $IMAGE sh -c 'echo x > /run/pcon-init'
    [ "$status" -ne 0 ]
}
