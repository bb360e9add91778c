#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Container escapes a security review found: a container reaching pcon's
# fds through /proc during exec, typing into the user's shell through the
# terminal, inheritable capabilities. Each test plays the attacker from
# inside the container with the static probe (tests/system/probe.c).

load helpers

@test "exec: the container never reaches a file descriptor of pcon's through /proc" {
    pcon run -d --name race -v "$PROBE_DIR:/probe:ro" $IMAGE /probe/probe fdrace /tmp/stop >/dev/null
    # the probe is PID 1 and watches for each exec session's pid
    for _ in $(seq 50); do
        pcon logs race | grep -q 'fdrace: watching' && break
        sleep 0.1
    done
    for _ in $(seq 300); do
        pcon exec race true
    done
    pcon exec race touch /tmp/stop
    run pcon wait race
    assert_status 0
    run pcon logs race
    echo "$output"
    # the probe saw the sessions come and go: it was racing for real
    [[ "$output" =~ observed\ ([0-9]+)\ pids ]]
    [ "${BASH_REMATCH[1]}" -ge 20 ]
    refute_output_contains "reached pid"
    assert_output_contains "reached 0 fds"
    pcon rm race >/dev/null
}

# drives a shell on a pseudo-terminal: the command runs in the foreground,
# then the shell reads one line from the terminal, which is what a
# container managed to type into it
shell_reads_after() {
    python3 "$BATS_TEST_DIRNAME/pty-run.py" 24 80 "" bash --norc --noprofile -c \
        "$1; read -r -t 2 line; echo \"shell read: [\$line]\""
}

@test "run without -t: the container cannot type into the user's shell (TIOCSTI)" {
    run shell_reads_after "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT run --rm -v $PROBE_DIR:/probe:ro $IMAGE /probe/probe tiocsti 'echo INJECTED'"
    echo "$output"
    assert_output_contains "open /dev/tty: No such device or address"
    assert_output_contains "tiocsti: nothing injected"
    assert_output_contains "shell read: []"
    refute_output_contains "shell read: [echo INJECTED]"
}

@test "exec without -t: the session cannot type into the user's shell (TIOCSTI)" {
    pcon run -d --name tty-target -v "$PROBE_DIR:/probe:ro" $IMAGE sleep 1000 >/dev/null
    run shell_reads_after "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec tty-target /probe/probe tiocsti 'echo INJECTED'"
    echo "$output"
    assert_output_contains "open /dev/tty: No such device or address"
    assert_output_contains "tiocsti: nothing injected"
    assert_output_contains "shell read: []"
    pcon rm -f -t 0 tty-target >/dev/null
}

@test "run -t: the container's terminal is its own; /dev/tty works inside" {
    run python3 "$BATS_TEST_DIRNAME/pty-run.py" 24 80 "" "$PCON" --root "$PCON_ROOT" \
        --runroot "$PCON_RUNROOT" run --rm -t -v "$PROBE_DIR:/probe:ro" $IMAGE /probe/probe tiocsti 'echo own'
    echo "$output"
    assert_output_contains "tiocsti: injected"
    assert_output_contains "exit=0"
}

@test "the inheritable capability set is empty, for root and other users (CVE-2022-27649)" {
    run pcon run --rm $IMAGE grep -E '^Cap(Inh|Prm|Eff)' /proc/self/status
    assert_status 0
    assert_output_contains "CapInh:	0000000000000000"
    assert_output_contains "CapEff:	00000000800405fb"
    run pcon run --rm -u 1000 $IMAGE grep CapInh /proc/self/status
    assert_output "CapInh:	0000000000000000"
    pcon run -d --name caps $IMAGE sleep 1000 >/dev/null
    run pcon exec caps grep CapInh /proc/self/status
    assert_output "CapInh:	0000000000000000"
    pcon rm -f -t 0 caps >/dev/null
}

@test "a kernel path that cannot be masked stops the start; only a missing one is skipped" {
    # a volume over /sys whose dev/ is a link loop: /sys/dev/block cannot be
    # resolved, let alone masked
    mkdir -p "$BATS_TEST_TMPDIR/sys"
    ln -s dev "$BATS_TEST_TMPDIR/sys/dev"
    run --separate-stderr pcon run --rm --name masked -v "$BATS_TEST_TMPDIR/sys:/sys" $IMAGE true
    assert_status 125
    [ "${#stderr_lines[@]}" -eq 1 ]
    [[ "$stderr" == "Error: "*"/sys/dev/block"*"Too many levels of symbolic links" ]]
    run pcon container exists masked
    assert_status 1
    # paths this kernel lacks are skipped (here /sys/devices/virtual/powercap
    # and /proc/timer_stats, where absent)
    run pcon run --rm $IMAGE true
    assert_status 0
}

@test "exec without -t: the session gets pipes, never the user's terminal, and a process it leaves behind does not hold exec" {
    pcon run -d --name keys $IMAGE sleep 1000 >/dev/null
    # on a terminal, as a user types it: what fds 0-2 of the session are
    run python3 "$BATS_TEST_DIRNAME/pty-run.py" 24 80 "" "$PCON" --root "$PCON_ROOT" \
        --runroot "$PCON_RUNROOT" exec -i keys sh -c 'for f in 0 1 2; do readlink /proc/self/fd/$f; done'
    echo "$output"
    assert_output_contains "exit=0"
    refute_output_contains "/dev/pts"
    refute_output_contains "/dev/tty"
    [ "$(echo "$output" | grep -c '^pipe:')" -eq 3 ]
    # a background process keeping the output pipe open: exec still ends
    run timeout 10 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" exec keys sh -c 'sleep 100 & echo started'
    assert_status 0
    assert_output "started"
    # stdin and output both flow, beyond a pipe's buffer each way
    run sh -c "head -c 1000000 /dev/zero | $PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec -i keys cat | wc -c"
    assert_output "1000000"
    run sh -c "echo hi | $PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec -i keys sh -c 'cat; echo err >&2; exit 3' 2>/dev/null"
    assert_status 3
    assert_output "hi"
    pcon rm -f -t 0 keys >/dev/null
}
