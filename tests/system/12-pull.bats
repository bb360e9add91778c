#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon pull from real registries on 127.0.0.1 (Debian's docker-registry),
# seeded with skopeo: anonymous, bearer tokens (auth: silly and a token
# realm), digests checked.

load helpers
load registry

setup_file() {
    pcon_setup_store
    export REG_PORT=$(free_port) AUTH_PORT=$(free_port) TOKEN_PORT=$(free_port)
    start_registry plain "$REG_PORT"
    start_token_registry auth "$AUTH_PORT" "$TOKEN_PORT"
    export CONFIG_ID=$("$BATS_TEST_DIRNAME/make-archive.py" oci "$BB_TAR" x "$BATS_FILE_TMPDIR/o.tar")
    skopeo copy -q --dest-tls-verify=false "oci-archive:$BATS_FILE_TMPDIR/o.tar" \
        "docker://127.0.0.1:$REG_PORT/team/bb:1"
    skopeo copy -q --dest-tls-verify=false --dest-creds any:any "oci-archive:$BATS_FILE_TMPDIR/o.tar" \
        "docker://127.0.0.1:$AUTH_PORT/team/bb:1"
}

teardown_file() {
    stop_registry plain
    stop_token_registry auth
    pcon_teardown_store
}

@test "pull from a registry; the image id is the config's digest; it runs" {
    run pcon pull --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 0
    assert_output "$CONFIG_ID"
    run pcon run --rm "127.0.0.1:$REG_PORT/team/bb:1"
    assert_output "yes"
    [ -z "$(ls -A "$PCON_ROOT/layers" | grep '^\.tmp')" ]
}

@test "pull by digest" {
    local digest
    digest=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://127.0.0.1:$REG_PORT/team/bb:1")
    run pcon pull --disable-content-trust --tls-verify=false "127.0.0.1:$REG_PORT/team/bb@$digest"
    assert_status 0
    assert_output "$CONFIG_ID"
    # inspect tells the registry's digest, as podman does
    pcon pull -q --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1" >/dev/null
    run pcon image inspect --format '{{.Digest}} {{join .RepoDigests ","}}' "127.0.0.1:$REG_PORT/team/bb:1"
    assert_output "$digest 127.0.0.1:$REG_PORT/team/bb@$digest"
    run pcon images --digests "127.0.0.1:$REG_PORT/team/bb:1"
    [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +DIGEST\ +IMAGE\ ID ]]
    [[ "${lines[1]}" == *" $digest "* ]]
}

@test "a missing tag or repository: one error line, exit 125" {
    run --separate-stderr pcon pull --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:nope"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"HTTP 404"* ]]
    run pcon image exists "127.0.0.1:$REG_PORT/team/bb:nope"
    assert_status 1
}

@test "TLS is the default: an HTTP-only registry is refused without --tls-verify=false" {
    run --separate-stderr pcon pull "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"https://127.0.0.1:$REG_PORT/"* ]]
}

@test "bearer auth: the token from the realm of WWW-Authenticate is used" {
    : > "$BATS_FILE_TMPDIR/token.log"
    run pcon pull --tls-verify=false "127.0.0.1:$AUTH_PORT/team/bb:1"
    assert_status 0
    assert_output "$CONFIG_ID"
    grep -q "service=pcon-test" "$BATS_FILE_TMPDIR/token.log"
    grep -q "scope=repository%3Ateam%2Fbb%3Apull" "$BATS_FILE_TMPDIR/token.log"
}

@test "a blob corrupted in the registry is refused; nothing is stored" {
    local blob
    pcon rmi -a -f >/dev/null
    # blobs of its own: the registry shares identical ones between repositories
    head -c 200000 /dev/urandom > "$BATS_TEST_TMPDIR/noise"
    tar -C "$BATS_TEST_TMPDIR" -cf "$BATS_TEST_TMPDIR/noise.tar" noise
    "$BATS_TEST_DIRNAME/make-archive.py" oci "$BATS_TEST_TMPDIR/noise.tar" x "$BATS_TEST_TMPDIR/b.tar" >/dev/null
    skopeo copy -q --dest-tls-verify=false "oci-archive:$BATS_TEST_TMPDIR/b.tar" \
        "docker://127.0.0.1:$REG_PORT/team/broken:1"
    # its layer blob, found by size (gzip of random bytes stays ~200 KB): flip its last bytes
    blob=$(find "$BATS_FILE_TMPDIR/plain/data" -name data -path '*blobs*' -size +150k -size -260k | head -1)
    [ -n "$blob" ]
    python3 - "$blob" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[-5:] = b"XXXXX"
open(p, "wb").write(bytes(b))
PY
    run --separate-stderr pcon pull --tls-verify=false "127.0.0.1:$REG_PORT/team/broken:1"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"digest"* ]]
    [ -z "$(ls "$PCON_ROOT/images" | grep -E '^[0-9a-f]{64}$')" ]
    [ -z "$(ls -A "$PCON_ROOT/layers")" ]
}

@test "run pulls a missing image (--pull=missing); --pull=never does not" {
    pcon rmi -a -f >/dev/null
    run --separate-stderr pcon run --rm --pull=never --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 125
    [[ "$stderr" == *"image not known"* ]]
    run pcon run --rm --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 0
    assert_output "yes"
    run pcon images --format '{{.Repository}}:{{.Tag}}'
    assert_output "127.0.0.1:$REG_PORT/team/bb:1"
    run pcon create --pull=always --tls-verify=false --name pulled "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 0
    run pcon inspect --format '{{.ImageName}}' pulled
    assert_output "127.0.0.1:$REG_PORT/team/bb:1"
    pcon rm pulled
}

@test "progress: per blob on a terminal, none when not a terminal or with -q" {
    pcon rmi -a -f >/dev/null
    run "$BATS_TEST_DIRNAME/pty-run.py" 24 120 '' "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" \
        pull --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 0
    assert_output_contains "Copying blob "
    assert_output_contains "Copying config "
    assert_output_contains "$CONFIG_ID"
    pcon rmi -a -f >/dev/null
    run "$BATS_TEST_DIRNAME/pty-run.py" 24 120 '' "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" \
        pull -q --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1"
    [[ "$output" != *"Copying"* ]]
    pcon rmi -a -f >/dev/null
    run --separate-stderr pcon pull --tls-verify=false "127.0.0.1:$REG_PORT/team/bb:1"
    assert_status 0
    [ -z "$stderr" ]
}

@test "progress of blobs downloaded at once: a line each, every one ends done" {
    local lines
    "$BATS_TEST_DIRNAME/make-layered.py" archive "$BB_TAR" x "$BATS_TEST_TMPDIR/l.tar" >/dev/null
    skopeo copy -q --dest-tls-verify=false "oci-archive:$BATS_TEST_TMPDIR/l.tar" \
        "docker://127.0.0.1:$REG_PORT/team/layered:1"
    pcon rmi -a -f >/dev/null
    run "$BATS_TEST_DIRNAME/pty-run.py" 24 120 '' "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" \
        pull --tls-verify=false "127.0.0.1:$REG_PORT/team/layered:1"
    assert_status 0
    # three layers, three lines made for them; each drawn on its own line
    # (the cursor moved up 3, 2 and 1 lines to it), each finished
    lines=$(grep -o 'Copying blob [0-9a-f]\{12\} done' <<<"$output" | sort -u | wc -l)
    [ "$lines" = 3 ] || { echo "$output" >&2; return 1; }
    for up in 1 2 3; do
        assert_output_contains $'\e['"${up}A"
    done
    run pcon run --rm "127.0.0.1:$REG_PORT/team/layered:1" cat /data/dir/c
    assert_status 0
}
