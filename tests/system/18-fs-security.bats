#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Names a container controls must not reach the host: cp never removes a
# directory tree for a file named like it (either way), top reads the
# container's /etc/passwd inside its root.

load helpers

# a running container named $1 after its command ($2) has run
run_ready() {
    pcon run -d --name "$1" $IMAGE sh -c "$2; touch /ready; exec sleep 1000" >/dev/null
    for _ in $(seq 50); do
        pcon exec "$1" test -e /ready && return 0
        sleep 0.1
    done
    return 1
}

@test "cp out: a container file named like a host directory does not replace it" {
    local host="$BATS_TEST_TMPDIR/hostdir"
    mkdir -p "$host/victim/sub"
    echo precious > "$host/victim/keep"
    echo deep > "$host/victim/sub/deep"
    pcon run --name cpout $IMAGE sh -c 'mkdir /dir && echo ctr > /dir/victim'
    run --separate-stderr pcon cp cpout:/dir/. "$host"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"cannot overwrite directory \"$host/victim\" with non-directory \"cpout:/dir/victim\""* ]]
    [ -d "$host/victim" ]
    [ "$(cat "$host/victim/keep")" = precious ]
    [ "$(cat "$host/victim/sub/deep")" = deep ]
    # the same file named as the copy's source, into the directory
    run --separate-stderr pcon cp cpout:/dir/victim "$host"
    assert_status 125
    [[ "$stderr" == *"cannot overwrite directory \"$host/victim\" with non-directory"* ]]
    [ "$(cat "$host/victim/keep")" = precious ]
    pcon rm cpout
}

@test "cp out: a container directory named like a host file does not replace it" {
    local host="$BATS_TEST_TMPDIR/hostdir"
    mkdir -p "$host"
    echo precious > "$host/victim"
    pcon run --name cpout2 $IMAGE sh -c 'mkdir -p /dir/victim && echo ctr > /dir/victim/f'
    run --separate-stderr pcon cp cpout2:/dir/. "$host"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"cannot overwrite non-directory \"$host/victim\" with directory \"cpout2:/dir/victim\""* ]]
    [ "$(cat "$host/victim")" = precious ]
    pcon rm cpout2
}

@test "cp in: a host file named like a container directory does not replace it" {
    local host="$BATS_TEST_TMPDIR/hostdir"
    mkdir -p "$host"
    echo hostfile > "$host/victim"
    run_ready cpin 'mkdir -p /dir/victim/sub && echo precious > /dir/victim/keep \
        && echo deep > /dir/victim/sub/deep'
    run --separate-stderr pcon cp "$host/." cpin:/dir
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"cannot overwrite directory \"cpin:/dir/victim\" with non-directory \"$host/victim\""* ]]
    run pcon exec cpin sh -c 'cat /dir/victim/keep /dir/victim/sub/deep'
    assert_status 0
    assert_output "precious
deep"
    # and a host directory over a container file
    rm "$host/victim"
    mkdir "$host/victim"
    pcon exec cpin sh -c 'rm -r /dir/victim && echo ctrfile > /dir/victim'
    run --separate-stderr pcon cp "$host/." cpin:/dir
    assert_status 125
    [[ "$stderr" == *"cannot overwrite non-directory \"cpin:/dir/victim\" with directory \"$host/victim\""* ]]
    run pcon exec cpin cat /dir/victim
    assert_output ctrfile
    pcon rm -f -t 0 cpin
}

@test "cp: files replace files and directories merge, both ways" {
    local host="$BATS_TEST_TMPDIR/hostdir"
    mkdir -p "$host/d/sub"
    echo old > "$host/f"
    echo hostonly > "$host/d/mine"
    echo olddeep > "$host/d/sub/deep"
    run_ready cpok 'mkdir -p /dir/d/sub && echo new > /dir/f && echo newdeep > /dir/d/sub/deep \
        && echo ctronly > /dir/d/theirs'
    run pcon cp cpok:/dir/. "$host"
    assert_status 0
    [ "$(cat "$host/f")" = new ]
    [ "$(cat "$host/d/sub/deep")" = newdeep ]
    [ "$(cat "$host/d/mine")" = hostonly ]
    [ "$(cat "$host/d/theirs")" = ctronly ]
    # a file over a file named as the destination
    echo again > "$BATS_TEST_TMPDIR/single"
    run pcon cp "$BATS_TEST_TMPDIR/single" cpok:/dir/f
    assert_status 0
    echo fromhost > "$host/d/sub/deep"
    run pcon cp "$host/." cpok:/dir
    assert_status 0
    run pcon exec cpok sh -c 'cat /dir/f /dir/d/sub/deep /dir/d/mine /dir/d/theirs'
    assert_output "new
fromhost
hostonly
ctronly"
    run pcon cp "$BATS_TEST_TMPDIR/single" cpok:/dir/f
    run pcon exec cpok cat /dir/f
    assert_output again
    pcon rm -f -t 0 cpok
}

@test "top: a link on the way to /etc/passwd is resolved inside the container" {
    mkdir -p "$BATS_TEST_TMPDIR/hostetc"
    echo 'hostonlyname:x:0:0::/:/bin/sh' > "$BATS_TEST_TMPDIR/hostetc/passwd"
    # the init process's root is /jail, whose etc is an absolute link: read
    # through /proc/PID/root by path, it leads to the host's directory
    run_ready topetc "mkdir /jail && cp -a /bin /jail/ && ln -s $BATS_TEST_TMPDIR/hostetc /jail/etc \
        && touch /ready /jail/ready && exec chroot /jail sleep 1000"
    run pcon top topetc
    assert_status 0
    refute_output_contains hostonlyname
    [[ "$output" =~ (^|$'\n')0\ +1\ +0\ .*sleep\ 1000 ]]
    pcon rm -f -t 0 topetc
}

@test "top: /etc/passwd as a link to a host path is not read from the host" {
    echo 'hostonlyname:x:0:0::/:/bin/sh' > "$BATS_TEST_TMPDIR/passwd"
    run_ready toplink "ln -sf $BATS_TEST_TMPDIR/passwd /etc/passwd"
    run pcon top toplink
    assert_status 0
    refute_output_contains hostonlyname
    [[ "$output" =~ (^|$'\n')0\ +1\ +0\ .*sleep\ 1000 ]]
    pcon rm -f -t 0 toplink
}

@test "top: /etc/passwd as a link inside the container is the container's file" {
    run_ready toprel "mv /etc/passwd /etc/passwd.real && ln -s passwd.real /etc/passwd"
    run pcon top toprel
    assert_status 0
    [[ "$output" =~ root\ +1\ +0\ .*sleep\ 1000 ]]
    pcon rm -f -t 0 toprel
}
