#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Capabilities: podman's default set, --cap-add and --cap-drop (names with
# or without CAP_, ALL), ambient ones for a non-root user, exec's the
# container's own, inspect's CapAdd, CapDrop and EffectiveCaps; the masks
# are podman 4.3's on this kernel.

load helpers

# the Cap* lines of the container's first process, on one line
caps_of() { # RUN ARGS...
    pcon run --rm "$@" sh -c 'grep Cap /proc/self/status' | tr '\t\n' '  '
}

@test "the default set is podman's: bounding, effective and permitted 800405fb, inheritable and ambient empty" {
    run caps_of $IMAGE
    echo "$output"
    [[ "$output" == *"CapInh: 0000000000000000"* ]]
    [[ "$output" == *"CapEff: 00000000800405fb"* ]]
    [[ "$output" == *"CapBnd: 00000000800405fb"* ]]
    [[ "$output" == *"CapAmb: 0000000000000000"* ]]
}

@test "--cap-add and --cap-drop change the set; --cap-drop ALL leaves none, so chown fails" {
    run caps_of --cap-add net_admin --cap-drop CAP_CHOWN $IMAGE
    [[ "$output" == *"CapEff: 00000000800415fa"* ]]
    run caps_of --cap-add=sys_time,NET_RAW $IMAGE
    [[ "$output" == *"CapEff: 00000000820425fb"* ]]
    run caps_of --cap-drop all --cap-add kill $IMAGE
    [[ "$output" == *"CapEff: 0000000000000020"* ]]
    run pcon run --rm $IMAGE chown 1:1 /tmp
    assert_status 0
    run pcon run --rm --cap-drop ALL $IMAGE chown 1:1 /tmp
    [ "$status" -ne 0 ]
    assert_output_contains "Operation not permitted"
    run caps_of --cap-add ALL $IMAGE
    last=$(cat /proc/sys/kernel/cap_last_cap)
    printf -v want '%016x' $(((1 << (last + 1)) - 1))
    [[ "$output" == *"CapEff: $want"* ]]
}

@test "a non-root user gets the added capabilities as ambient ones, as podman gives them" {
    run caps_of --user 1000 --cap-add net_admin $IMAGE
    echo "$output"
    [[ "$output" == *"CapInh: 0000000000001000"* ]]
    [[ "$output" == *"CapEff: 0000000000001000"* ]]
    [[ "$output" == *"CapAmb: 0000000000001000"* ]]
    [[ "$output" == *"CapBnd: 00000000800415fb"* ]]
    run caps_of --user 1000 $IMAGE
    [[ "$output" == *"CapEff: 0000000000000000"* ]]
}

@test "exec runs with the container's capabilities; inspect lists CapAdd, CapDrop and EffectiveCaps as podman" {
    pcon run -d --name capped --cap-add sys_time --cap-drop chown $IMAGE sleep 1000 >/dev/null
    run pcon exec capped grep CapEff /proc/self/status
    [[ "$output" == *"00000000820405fa"* ]]
    run pcon inspect --format '{{.HostConfig.CapAdd}} {{.HostConfig.CapDrop}}' capped
    assert_output "[CAP_SYS_TIME] [CAP_AUDIT_WRITE CAP_CHOWN CAP_MKNOD CAP_NET_RAW]"
    run pcon inspect --format '{{.EffectiveCaps}}' capped
    assert_output "[CAP_DAC_OVERRIDE CAP_FOWNER CAP_FSETID CAP_KILL CAP_NET_BIND_SERVICE CAP_SETFCAP CAP_SETGID CAP_SETPCAP CAP_SETUID CAP_SYS_CHROOT CAP_SYS_TIME]"
    pcon rm -f -t 0 capped >/dev/null
}

@test "an unknown capability is one usage error, podman's words, and nothing is made" {
    run --separate-stderr pcon run --rm --cap-add foo $IMAGE true
    assert_status 125
    assert_one_error_line
    [ "$stderr" = 'Error: "CAP_FOO": unknown capability' ]
    run --separate-stderr pcon create --cap-drop cap_nope $IMAGE true
    assert_status 125
    [ "$stderr" = 'Error: "CAP_NOPE": unknown capability' ]
    assert_no_containers
}
