# SPDX-License-Identifier: Apache-2.0
# Helpers for the system tests: each file gets its own store (graph root
# and run root) with the busybox image imported as localhost/bb, and its
# own pause process, killed by pid at the end.

bats_require_minimum_version 1.5.0

PCON=${PCON:-$(cd "$BATS_TEST_DIRNAME/../.." && pwd)/pcon}
IMAGE=localhost/bb

# the real binary under a time limit, on this file's store
pcon() {
    timeout --foreground 120 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" "$@"
}

pcon_setup_store() {
    export PCON_ROOT="$BATS_FILE_TMPDIR/root" PCON_RUNROOT="$BATS_FILE_TMPDIR/run"
    pcon import "$BB_TAR" "$IMAGE" >/dev/null
}

pause_pid() {
    [ -f "$PCON_RUNROOT/pause.pid" ] && cut -d' ' -f1 "$PCON_RUNROOT/pause.pid"
}

# kills a process by pid, after checking it is the one recorded (start time)
kill_recorded() {
    local pid=$1 start=$2 now
    now=$(awk '{ sub(/.*\) /, ""); print $20 }' "/proc/$pid/stat" 2>/dev/null) || return 0
    [ "$now" = "$start" ] && kill "$pid" 2>/dev/null
    return 0
}

pcon_teardown_store() {
    [ -n "${PCON_ROOT:-}" ] || return 0
    # no monitor or container may outlive the file's tests
    pcon pod rm -a -f -t 0 >/dev/null 2>&1 || true
    pcon rm -a -f >/dev/null 2>&1 || true
    # files owned by subordinate ids can only be removed inside the namespace
    pcon unshare rm -rf "$PCON_ROOT" 2>/dev/null || true
    if [ -f "$PCON_RUNROOT/pause.pid" ]; then
        read -r pid start < "$PCON_RUNROOT/pause.pid"
        kill_recorded "$pid" "$start"
    fi
}

setup_file() {
    pcon_setup_store
}

teardown_file() {
    pcon_teardown_store
}

# wait_for SECONDS COMMAND [ARG...]: runs COMMAND every 0.05 s until it
# succeeds; fails, naming the command, when SECONDS pass first
wait_for() {
    local limit=$1 deadline
    shift
    deadline=$(($(date +%s%N) + limit * 1000000000))
    until "$@"; do
        if [ "$(date +%s%N)" -ge "$deadline" ]; then
            echo "wait_for: gave up after ${limit} s: $*" >&2
            return 1
        fi
        sleep 0.05
    done
}

assert_status() {
    if [ "$status" -ne "$1" ]; then
        echo "expected status $1, got $status; output:" >&2
        echo "$output" >&2
        return 1
    fi
}

assert_output() {
    if [ "$output" != "$1" ]; then
        printf 'expected output:\n%s\ngot:\n%s\n' "$1" "$output" >&2
        return 1
    fi
}

assert_output_contains() {
    if [[ "$output" != *"$1"* ]]; then
        printf 'expected output to contain:\n%s\ngot:\n%s\n' "$1" "$output" >&2
        return 1
    fi
}

refute_output_contains() {
    if [[ "$output" == *"$1"* ]]; then
        printf 'expected output not to contain:\n%s\ngot:\n%s\n' "$1" "$output" >&2
        return 1
    fi
}

# exactly one line on stderr, starting with "Error: "
assert_one_error_line() {
    local n
    n=$(printf '%s\n' "$stderr" | grep -c .)
    if [ "$n" -ne 1 ] || [[ "$stderr" != "Error: "* ]]; then
        printf 'expected one "Error: " line on stderr, got:\n%s\n' "$stderr" >&2
        return 1
    fi
}

# every container and pod record, run directory and name in the store
list_containers() {
    find "$PCON_ROOT/containers" "$PCON_RUNROOT/containers" "$PCON_ROOT/names" "$PCON_ROOT/pods" -mindepth 1 \
        -maxdepth 1 -not -name '.tmp-rm-*' -printf '%f\n' 2>/dev/null | sort
}

# a removed container's directory is deleted in the background
# (.tmp-rm-ID): waits (bounded) until no such deletion is left
wait_deleted() {
    for _ in $(seq 100); do
        [ -z "$(find "$PCON_ROOT/containers" -mindepth 1 -maxdepth 1 -name '.tmp-rm-*' 2>/dev/null)" ] && return 0
        sleep 0.1
    done
    echo "container directories still being deleted after 10 s:" >&2
    ls -a "$PCON_ROOT/containers" >&2
    return 1
}

setup() {
    CONTAINERS_BEFORE=$(list_containers)
}

# nothing of any container made by this test is left in the store or the
# run root
assert_no_containers() {
    local now
    wait_deleted
    now=$(list_containers)
    if [ "$now" != "$CONTAINERS_BEFORE" ]; then
        printf 'containers left behind:\n%s\n' "$(comm -13 <(echo "$CONTAINERS_BEFORE") <(echo "$now"))" >&2
        return 1
    fi
}
