#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The store and the run root are trusted with everything a container runs:
# pcon refuses directories another user made or can change, and never
# falls back to one every user shares.

load helpers

# pcon with only the given roots, as the user would type it
bare_pcon() {
    timeout --foreground 60 "$PCON" "$@"
}

@test "HOME unset: the graph root is the passwd entry's home, not /tmp/.local" {
    local home
    home=$(getent passwd "$(id -un)" | cut -d: -f6)
    run env -u HOME -u XDG_DATA_HOME "$PCON" --runroot "$PCON_RUNROOT" info
    assert_status 0
    assert_output_contains "$home/.local/share/pcon/storage"
    refute_output_contains "/tmp/.local"
    [ ! -e /tmp/.local/share/pcon ] || [ "$(stat -c %u /tmp/.local/share/pcon)" != "$(id -u)" ]
}

@test "a graph root writable by group or others is refused, naming it" {
    mkdir -m 0700 "$BATS_TEST_TMPDIR/open"
    chmod 0777 "$BATS_TEST_TMPDIR/open"
    run --separate-stderr bare_pcon --root "$BATS_TEST_TMPDIR/open" --runroot "$PCON_RUNROOT" images
    assert_status 125
    [ "${#stderr_lines[@]}" -eq 1 ]
    [ "$stderr" = "Error: graph root \"$BATS_TEST_TMPDIR/open\" is writable by group or others (mode 0777)" ]
}

@test "a graph root below a directory others can write (not sticky) is refused" {
    mkdir -p "$BATS_TEST_TMPDIR/shared"
    chmod 0777 "$BATS_TEST_TMPDIR/shared"
    run --separate-stderr bare_pcon --root "$BATS_TEST_TMPDIR/shared/store" --runroot "$PCON_RUNROOT" images
    assert_status 125
    [[ "$stderr" == "Error: graph root \"$BATS_TEST_TMPDIR/shared/store\": \"$BATS_TEST_TMPDIR/shared\" is writable by group or others (mode 0777)" ]]
    # a sticky one (like /tmp) is fine: nobody else can rename what is ours in it
    chmod 1777 "$BATS_TEST_TMPDIR/shared"
    run bare_pcon --root "$BATS_TEST_TMPDIR/shared/store" --runroot "$PCON_RUNROOT" images -q
    assert_status 0
    pcon unshare rm -rf "$BATS_TEST_TMPDIR/shared/store"
}

@test "a store another user made first, or one inside their directory, is refused" {
    [ -n "${PCON_FOREIGN_DIR:-}" ] || skip "needs tests/run.sh as root to make another user's directory"
    local owner
    owner=$(stat -c %u "$PCON_FOREIGN_DIR/store")
    run --separate-stderr bare_pcon --root "$PCON_FOREIGN_DIR/store" --runroot "$PCON_RUNROOT" images
    assert_status 125
    [ "$stderr" = "Error: graph root \"$PCON_FOREIGN_DIR/store\" is owned by uid $owner, not by you (uid $(id -u))" ]
    # made by us, but inside their directory: they could swap it
    run --separate-stderr bare_pcon --root "$PCON_FOREIGN_DIR/mine" --runroot "$PCON_RUNROOT" images
    assert_status 125
    [[ "$stderr" == *"\"$PCON_FOREIGN_DIR\" is owned by uid $owner, not by you or root" ]]
    # the run root, which holds pause.pid, the same
    run --separate-stderr bare_pcon --root "$PCON_ROOT" --runroot "$PCON_FOREIGN_DIR/run" images
    assert_status 125
    [ "$stderr" = "Error: run root \"$PCON_FOREIGN_DIR/run\" is owned by uid $owner, not by you (uid $(id -u))" ]
}

@test "without XDG_RUNTIME_DIR, a /tmp/pcon-UID writable by others is refused, with the fix named" {
    local dir=/tmp/pcon-$(id -u)
    [ ! -e "$dir" ] || skip "$dir exists already"
    mkdir -m 0700 "$dir"
    chmod 0777 "$dir"
    run --separate-stderr env -u XDG_RUNTIME_DIR "$PCON" --root "$PCON_ROOT" images
    rmdir "$dir"
    assert_status 125
    [ "${#stderr_lines[@]}" -eq 1 ]
    [ "$stderr" = "Error: run root \"$dir\" is writable by group or others (mode 0777) (XDG_RUNTIME_DIR is not set: set it to a private directory, or use --runroot)" ]
}

@test "a store directory made writable by others is refused" {
    chmod 0777 "$PCON_ROOT/images"
    run --separate-stderr pcon images
    chmod 0700 "$PCON_ROOT/images"
    assert_status 125
    [ "$stderr" = "Error: store directory \"images\" is writable by group or others (mode 0777)" ]
    run pcon images -q
    assert_status 0
}
