#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# A user without subordinate ids: one id mapped, one clear warning, and
# pcon still runs containers. Run by tests/run.sh as such a user.

load ../helpers

setup_file() {
    if grep -q "^$(id -un):" /etc/subuid 2>/dev/null; then
        echo "this suite needs a user without /etc/subuid ranges" >&2
        return 1
    fi
    export PCON_ROOT="$BATS_FILE_TMPDIR/root" PCON_RUNROOT="$BATS_FILE_TMPDIR/run"
}

@test "the first command warns once about the single mapping" {
    run --separate-stderr pcon import "$BB_TAR" $IMAGE
    assert_status 0
    [ "$(printf '%s\n' "$stderr" | grep -c 'no subuid/subgid ranges')" -eq 1 ]
    # the ownership squash of the image's uid 1000 files is announced once too
    [ "$(printf '%s\n' "$stderr" | grep -c 'owned by root instead')" -eq 1 ]
    # later commands share the namespace and stay quiet
    run --separate-stderr pcon run --rm $IMAGE true
    assert_status 0
    [ -z "$stderr" ]
}

@test "only the user's own id is mapped, and containers run" {
    run pcon run --rm $IMAGE sh -c 'id -u; cat /proc/self/uid_map; stat -c %u /home/tester/note'
    assert_status 0
    [ "${lines[0]}" = 0 ]
    [[ "${lines[1]}" =~ ^\ +0\ +$(id -u)\ +1$ ]]
    [ "${#lines[@]}" -eq 3 ]
    [ "${lines[2]}" = 0 ]
}

@test "switching to an unmapped user fails with one error line" {
    run --separate-stderr pcon run --rm -u 1000 $IMAGE true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"set gid 1000"* ]]
}
