#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# attach, top, cp, port, pause/unpause.

load helpers

@test "attach: stdin of a -i container, its output, its exit code" {
    pcon run -d -i --name att $IMAGE sh -c 'while read l; do echo "got $l"; done; echo bye; exit 3' >/dev/null
    run sh -c "printf 'one\ntwo\n' | '$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' attach att"
    assert_status 3
    assert_output "got one
got two
bye"
    run --separate-stderr pcon attach att
    assert_status 125
    [[ "$stderr" == *"you can only attach to running containers"* ]]
    pcon rm att
}

@test "top lists the container's processes with container pids" {
    pcon run -d --name topper $IMAGE sh -c 'sleep 1000 & exec sleep 999' >/dev/null
    # both sleeps started
    top_lines() { [ "$(pcon top topper | wc -l)" -ge 3 ]; }
    wait_for 10 top_lines
    run pcon top topper
    assert_status 0
    [[ "${lines[0]}" =~ ^USER\ +PID\ +PPID\ +%CPU\ +ELAPSED\ +TTY\ +TIME\ +COMMAND$ ]]
    [[ "$output" =~ root\ +1\ +0\ .*sleep\ 999 ]]
    [[ "$output" =~ root\ +[0-9]+\ +1\ .*sleep\ 1000 ]]
    [ "${#lines[@]}" -eq 3 ]
    pcon rm -f topper
    run --separate-stderr pcon top topper
    assert_status 125
}

@test "cp into and out of a running container, files and directories" {
    mkdir -p "$BATS_TEST_TMPDIR/tree/sub"
    echo hello > "$BATS_TEST_TMPDIR/file"
    echo inner > "$BATS_TEST_TMPDIR/tree/sub/x"
    pcon run -d --name cpbox $IMAGE sleep 1000 >/dev/null
    run pcon cp "$BATS_TEST_TMPDIR/file" cpbox:/tmp/
    assert_status 0
    run pcon cp "$BATS_TEST_TMPDIR/tree" cpbox:/opt/tree
    assert_status 0
    run pcon exec cpbox sh -c 'cat /tmp/file /opt/tree/sub/x; stat -c %u /opt/tree/sub/x'
    assert_output "hello
inner
0"
    run pcon cp cpbox:/etc/passwd "$BATS_TEST_TMPDIR/passwd-out"
    assert_status 0
    grep -q '^tester:' "$BATS_TEST_TMPDIR/passwd-out"
    # copies out belong to the user
    [ "$(stat -c %u "$BATS_TEST_TMPDIR/passwd-out")" = "$(id -u)" ]
    run --separate-stderr pcon cp cpbox:/nonexistent "$BATS_TEST_TMPDIR/"
    assert_status 125
    assert_one_error_line
    pcon rm -f cpbox
}

@test "cp into a stopped container; a link in the container cannot lead outside" {
    mkdir -p "$BATS_TEST_TMPDIR/outside"
    echo data > "$BATS_TEST_TMPDIR/f"
    pcon create --name cpstopped $IMAGE cat /linked/f >/dev/null
    # a link to an absolute host path, made inside the container
    pcon start -a cpstopped || true
    pcon run --name linkmaker $IMAGE ln -s "$BATS_TEST_TMPDIR/outside" /linkdir
    run pcon cp "$BATS_TEST_TMPDIR/f" linkmaker:/linkdir/f
    assert_status 0
    run ls -A "$BATS_TEST_TMPDIR/outside"
    assert_status 0
    assert_output ""
    # the link was followed inside the container's root: the copy is there
    run pcon cp "linkmaker:$BATS_TEST_TMPDIR/outside/f" "$BATS_TEST_TMPDIR/landed"
    assert_status 0
    [ "$(cat "$BATS_TEST_TMPDIR/landed")" = data ]
    run pcon cp "$BATS_TEST_TMPDIR/f" cpstopped:/copied
    assert_status 0
    run pcon cp cpstopped:/copied "$BATS_TEST_TMPDIR/copied-back"
    assert_status 0
    [ "$(cat "$BATS_TEST_TMPDIR/copied-back")" = data ]
    pcon rm cpstopped linkmaker
}

@test "port: a container publishes no ports (empty, exit 0); a missing one is exit 125" {
    pcon run -d --name ported $IMAGE sleep 1000 >/dev/null
    pcon create --name port-created $IMAGE true >/dev/null
    local c
    for c in ported port-created; do
        run --separate-stderr pcon port $c
        assert_status 0
        assert_output ""
        [ -z "$stderr" ]
    done
    run --separate-stderr pcon port nosuch
    assert_status 125
    assert_one_error_line
    [ "$stderr" = 'Error: no container with name or ID "nosuch" found: no such container' ]
    run --separate-stderr pcon port
    assert_status 125
    [[ "$stderr" == "Error: requires at least 1 arg(s), only received 0"* ]]
    pcon rm -f ported port-created
}

@test "pause and unpause say why they cannot work without a cgroup of the container's own" {
    pcon run -d --name paused $IMAGE sleep 1000 >/dev/null
    run --separate-stderr pcon pause paused
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"pause is not supported"* ]]
    run --separate-stderr pcon unpause paused
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *'"paused" is not paused, can'"'"'t unpause'* ]]
    # and the container was left running
    run pcon inspect --format '{{.State.Status}}' paused
    assert_output "running"
    pcon rm -f paused
}

@test "cp --overwrite: a directory and a file in each other's way, the target replaced (refused without it); --archive=false refused" {
    mkdir -p "$BATS_TEST_TMPDIR/d"
    echo filesub > "$BATS_TEST_TMPDIR/d/sub"
    pcon run --name cpo $IMAGE mkdir -p /t/d/sub >/dev/null
    run pcon cp "$BATS_TEST_TMPDIR/d" cpo:/t/
    assert_status 125
    assert_output_contains "cannot overwrite directory"
    run pcon cp --overwrite "$BATS_TEST_TMPDIR/d" cpo:/t/
    assert_status 0
    pcon cp cpo:/t/d/sub "$BATS_TEST_TMPDIR/out"
    [ "$(cat "$BATS_TEST_TMPDIR/out")" = filesub ]
    run pcon cp --archive=false "$BATS_TEST_TMPDIR/d" cpo:/t/
    assert_status 125
    pcon rm cpo >/dev/null
}
