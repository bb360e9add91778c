#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The hostile-layer corpus: every layer either is refused (one error line,
# no layer left) or lands entirely below its root; the host's canary
# directory is never touched.

load helpers

setup() {
    CONTAINERS_BEFORE=$(list_containers)
    OUTSIDE="$BATS_TEST_TMPDIR/outside"
    mkdir -p "$OUTSIDE"
    echo canary > "$OUTSIDE/canary"
    LAYERS_BEFORE=$(ls "$PCON_ROOT/layers" | sort)
}

host_untouched() {
    [ "$(ls -A "$OUTSIDE")" = canary ] || { ls -la "$OUTSIDE" >&2; return 1; }
    [ "$(cat "$OUTSIDE/canary")" = canary ]
}

# CASE: import must fail cleanly
refused() {
    "$BATS_TEST_DIRNAME/hostile-layer.py" "$1" "$BATS_TEST_TMPDIR/l.tar" "$OUTSIDE"
    run --separate-stderr pcon import "$BATS_TEST_TMPDIR/l.tar" "localhost/hostile-$1"
    assert_status 125
    assert_one_error_line
    host_untouched
    [ "$(ls "$PCON_ROOT/layers" | sort)" = "$LAYERS_BEFORE" ]
    [ -z "$(ls -A "$PCON_ROOT/layers" | grep '^\.tmp')" ]
}

# the extracted layer of a single-layer image
layer_dir() {
    local id
    id=$(pcon image inspect --format '{{range .RootFS.Layers}}{{.}}{{end}}' "$1")
    echo "$PCON_ROOT/layers/${id#sha256:}/diff"
}

# CASE: import may succeed, but only below the root
contained() {
    "$BATS_TEST_DIRNAME/hostile-layer.py" "$1" "$BATS_TEST_TMPDIR/l.tar" "$OUTSIDE"
    run pcon import "$BATS_TEST_TMPDIR/l.tar" "localhost/hostile-$1"
    host_untouched
}

@test "hostile: ../ names are refused" {
    refused dotdot
    refused dotdot-middle
    refused whiteout-escape
}

@test "hostile: an absolute name lands below the root" {
    contained absolute
    assert_status 0
    run pcon unshare cat "$(layer_dir localhost/hostile-absolute)$OUTSIDE/absolute"
    assert_output "pwned"
}

@test "hostile: files through symlinks stay inside (absolute, relative, chained links)" {
    for c in symlink-parent symlink-relative symlink-chain; do
        contained $c
        assert_status 0
        host_untouched
    done
    # the links stay as written; the files went where the links lead inside the root
    run pcon unshare cat "$(layer_dir localhost/hostile-symlink-parent)$OUTSIDE/through-link"
    assert_output "pwned"
    run pcon unshare cat "$(layer_dir localhost/hostile-symlink-relative)$OUTSIDE/through-relative"
    assert_output "pwned"
    run pcon unshare cat "$(layer_dir localhost/hostile-symlink-chain)$OUTSIDE/through-chain"
    assert_output "pwned"
}

@test "hostile: hard links to host files are refused" {
    refused hardlink-outside
    refused hardlink-dotdot
    refused hardlink-through-symlink
}

@test "hostile: device nodes are not created; the rest of the layer is" {
    contained device
    assert_status 0
    local dir
    dir=$(layer_dir localhost/hostile-device)
    [ ! -e "$dir/dev-null-copy" ]
    [ "$(cat "$dir/after-device")" = ok ]
}

@test "hostile: overlay and trusted xattrs are dropped, user ones kept" {
    contained overlay-xattr
    assert_status 0
    local dir
    dir=$(find "$PCON_ROOT/layers" -maxdepth 3 -name opaque-by-xattr 2>/dev/null | head -1)
    [ -n "$dir" ]
    run pcon unshare python3 -c "import os, sys; print(sorted(os.listxattr(sys.argv[1])))" "$dir"
    assert_output "['user.kept']"
    [ "$(cat "$dir/file")" = ok ]
}

@test "hostile: set-id bits survive the owner change, owned by the subordinate id" {
    contained setuid
    assert_status 0
    local sub
    sub=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
    [ "$(stat -c '%a %u' "$(layer_dir localhost/hostile-setuid)/suid")" = "4755 $((sub + 999))" ]
}
