#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Concurrency: parallel commands share the store safely.

load helpers

@test "20 pcon run --rm in parallel all succeed and leave nothing behind" {
    local i pids=() fails=0
    for i in $(seq 20); do
        "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm $IMAGE sh -c "echo run-$i > /marker; cat /marker" \
            > "$BATS_TEST_TMPDIR/out.$i" 2>&1 &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || fails=$((fails + 1))
    done
    [ "$fails" -eq 0 ]
    for i in $(seq 20); do
        [ "$(cat "$BATS_TEST_TMPDIR/out.$i")" = "run-$i" ]
    done
    assert_no_containers
}

@test "the first commands of a fresh store race to create one pause process" {
    local root="$BATS_TEST_TMPDIR/r" run="$BATS_TEST_TMPDIR/rr" i pids=() fails=0
    for i in $(seq 8); do
        "$PCON" --root "$root" --runroot "$run" unshare readlink /proc/self/ns/user > "$BATS_TEST_TMPDIR/ns.$i" &
        pids+=($!)
    done
    for i in "${!pids[@]}"; do
        wait "${pids[$i]}" || fails=$((fails + 1))
    done
    [ "$fails" -eq 0 ]
    [ "$(cat "$BATS_TEST_TMPDIR"/ns.* | sort -u | wc -l)" -eq 1 ]
    local pid start
    read -r pid start < "$run/pause.pid"
    "$PCON" --root "$root" --runroot "$run" unshare rm -rf "$root"
    kill_recorded "$pid" "$start"
}

@test "two imports of the same tarball in parallel share one layer" {
    "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" import "$BB_TAR" localhost/par1 > /dev/null &
    local a=$!
    "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" import "$BB_TAR" localhost/par2 > /dev/null &
    local b=$!
    wait $a
    wait $b
    run pcon run --rm localhost/par1 true
    assert_status 0
    run pcon run --rm localhost/par2 true
    assert_status 0
    # one layer for all three imports of the same content
    [ "$(ls "$PCON_ROOT/layers" | grep -cE '^[0-9a-f]{64}$')" -eq 1 ]
    [ -z "$(ls -A "$PCON_ROOT/layers" | grep tmp)" ]
}
