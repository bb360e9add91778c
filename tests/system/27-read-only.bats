#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# --read-only (with tmpfs on /tmp, /run and /var/tmp unless
# --read-only-tmpfs=false), --tmpfs PATH[:OPTS], and volume options in any
# order.

load helpers

@test "--read-only: the root refuses writes, /tmp, /run and /var/tmp are tmpfs; =false for them keeps them read-only" {
    run pcon run --rm --read-only $IMAGE sh -c 'touch /x; for d in /tmp /run /var/tmp; do touch $d/y && echo "$d writable"; done; grep -c " /tmp tmpfs " /proc/mounts'
    echo "$output"
    assert_output_contains "touch: /x: Read-only file system"
    assert_output_contains "/tmp writable"
    assert_output_contains "/run writable"
    assert_output_contains "/var/tmp writable"
    run pcon run --rm --read-only --read-only-tmpfs=false $IMAGE sh -c 'touch /tmp/y'
    [ "$status" -ne 0 ]
    assert_output_contains "Read-only file system"
    # without --read-only nothing changes
    run pcon run --rm $IMAGE sh -c 'touch /x && echo root-writable'
    assert_output "root-writable"
}

@test "--tmpfs mounts a tmpfs with its options (nosuid, nodev by default); bad ones are one usage error" {
    run pcon run --rm --tmpfs /data:size=1m,mode=0700 --tmpfs /scratch:ro,exec $IMAGE \
        sh -c 'grep -E " /(data|scratch) " /proc/mounts; ls -ld /data'
    echo "$output"
    assert_status 0
    [[ "$output" == *"/data tmpfs rw,nosuid,nodev"*"size=1024k,mode=700"* ]]
    [[ "$output" == *"/scratch tmpfs ro,nosuid,nodev,relatime"* ]]
    [[ "$output" == *"drwx------"* ]]
    run --separate-stderr pcon run --rm --tmpfs /data:frob $IMAGE true
    assert_status 125
    [ "$stderr" = 'Error: unknown mount option "frob": invalid mount option' ]
    run --separate-stderr pcon run --rm --tmpfs data $IMAGE true
    assert_status 125
    assert_one_error_line
    assert_no_containers
}

@test "volume options in any order: ro after z still makes the volume read-only" {
    mkdir -p "$BATS_TEST_TMPDIR/vol"
    run pcon run --rm -v "$BATS_TEST_TMPDIR/vol:/v:z,ro" $IMAGE touch /v/x
    [ "$status" -ne 0 ]
    assert_output_contains "Read-only file system"
    [ ! -e "$BATS_TEST_TMPDIR/vol/x" ]
    run pcon run --rm -v "$BATS_TEST_TMPDIR/vol:/v:rbind,rw" $IMAGE touch /v/y
    assert_status 0
    [ -e "$BATS_TEST_TMPDIR/vol/y" ]
}
