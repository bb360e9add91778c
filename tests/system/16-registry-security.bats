#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What a registry, or a host it points to, must not get from pcon pull:
# credentials after a redirect to another origin, Basic credentials at a
# plain-http token realm of an HTTPS registry, a downgrade to plain HTTP;
# and manifests whose blobs have no size or an oversized config. Servers
# are fake-registry.py (and Debian's docker-registry) on 127.0.0.1 and
# 127.0.0.2, each killed by pid.

load helpers
load registry

SECRET_B64=$(printf 'user:secret' | base64)

# start_fake DIR NAME ARGS...: fake-registry.py in the background; its port
# goes to DIR/NAME.port, its requests to DIR/NAME.log, its pid to DIR/fake.pids
start_fake() {
    local dir=$1 name=$2
    shift 2
    "$BATS_TEST_DIRNAME/fake-registry.py" "$dir/$name.port" "$dir/$name.log" "$@" 3>&- &
    echo $! >> "$dir/fake.pids"
    for _ in $(seq 100); do
        [ -s "$dir/$name.port" ] && return 0
        sleep 0.05
    done
    echo "fake-registry.py $name did not start" >&2
    return 1
}

stop_fakes() { # DIR
    local pid
    [ -f "$1/fake.pids" ] || return 0
    while read -r pid; do
        kill "$pid" 2>/dev/null
    done < "$1/fake.pids"
    rm -f "$1/fake.pids"
}

fake() { # NAME ARGS...: a fake of this test's
    start_fake "$BATS_TEST_TMPDIR" "$@"
}

port_of() { # NAME
    cat "$BATS_TEST_TMPDIR/$1.port"
}

# LOG holds requests, and neither the password nor user:secret in base64
assert_no_secret() {
    if ! grep -q . "$1"; then
        echo "no request reached $1: the test proves nothing" >&2
        return 1
    fi
    if grep -F -e secret -e "$SECRET_B64" "$1" >&2; then
        echo "the credentials reached $1" >&2
        return 1
    fi
}

store_listing() {
    ls -A "$PCON_ROOT/layers" "$PCON_ROOT/images"
}

setup_file() {
    pcon_setup_store
    export XDG_CONFIG_HOME="$BATS_FILE_TMPDIR/config" XDG_RUNTIME_DIR="$BATS_FILE_TMPDIR/xdgrun"
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
    unset REGISTRY_AUTH_FILE CONTAINERS_REGISTRIES_CONF
    export CERTS="$BATS_FILE_TMPDIR/certs"
    make_certs "$CERTS" "$CERTS/cd"
    # an HTTPS registry wanting tokens from a realm on plain HTTP
    start_fake "$BATS_FILE_TMPDIR" realm --trap
    export REALM_PORT=$(cat "$BATS_FILE_TMPDIR/realm.port") TLS_PORT=$(free_port)
    start_registry tls "$TLS_PORT" "  tls:
    certificate: $CERTS/cert.pem
    key: $CERTS/key.pem
auth:
  silly:
    realm: http://127.0.0.1:$REALM_PORT/token
    service: pcon-test"
    "$BATS_TEST_DIRNAME/make-archive.py" oci "$BB_TAR" x "$BATS_FILE_TMPDIR/o.tar" >/dev/null
    skopeo copy -q --dest-cert-dir "$CERTS/cd" --dest-creds any:any \
        "oci-archive:$BATS_FILE_TMPDIR/o.tar" "docker://127.0.0.1:$TLS_PORT/team/bb:1"
}

teardown_file() {
    stop_registry tls
    stop_fakes "$BATS_FILE_TMPDIR"
    pcon_teardown_store
}

teardown() {
    stop_fakes "$BATS_TEST_TMPDIR"
    pcon logout -a >/dev/null 2>&1 || true
}

# A registry on 127.0.0.1 wanting Basic credentials redirects HOW (blobs
# or the ping) to TRAP-HOST, which answers 401 with a Bearer realm of its
# own. The pull may fail; the trap must not see the credentials, neither
# libcurl forwarding the registry's Authorization header nor pcon
# answering the trap's challenge with them.
redirect_case() { # TRAP-HOST HOW LOGIN
    local host=$1 how=$2 login=$3 name=trap-$1-$2-$3 reg creds=(--creds user:secret)
    fake "$name" --trap --bind "$host"
    fake "reg-$name" --basic user:secret --redirect-"$how" "http://$host:$(port_of "$name")"
    reg=127.0.0.1:$(port_of "reg-$name")
    if [ "$login" = login ]; then
        pcon login --tls-verify=false -u user -p secret "$reg" >/dev/null
        creds=()
    fi
    run --separate-stderr pcon pull -q --tls-verify=false "${creds[@]}" "$reg/team/img:1"
    # a blob whose host answers 401 is a plain failure
    if [ "$how" = blobs ]; then
        assert_status 125
        assert_one_error_line
        [[ "$stderr" == *"HTTP 401"* ]]
    fi
    assert_no_secret "$BATS_TEST_TMPDIR/$name.log"
    pcon rmi -a -f >/dev/null
}

@test "a redirect's host never gets the credentials, even asking for them with a Bearer realm" {
    local reg
    # the stand-in registry serves its image to the right credentials only
    fake plain --basic user:secret
    reg=127.0.0.1:$(port_of plain)
    run --separate-stderr pcon pull -q --tls-verify=false "$reg/team/img:1"
    assert_status 125
    run pcon pull -q --tls-verify=false --creds user:secret "$reg/team/img:1"
    assert_status 0
    grep -q "^GET /v2/team/img/blobs/sha256:.* Basic $SECRET_B64\$" "$BATS_TEST_TMPDIR/plain.log"
    pcon rmi -a -f >/dev/null
    # another host, and the same host on another port
    redirect_case 127.0.0.2 blobs creds
    redirect_case 127.0.0.1 blobs creds
    redirect_case 127.0.0.2 ping creds
    redirect_case 127.0.0.2 blobs login
}

@test "an HTTPS registry's plain-HTTP token realm never gets the credentials" {
    local reg=127.0.0.1:$TLS_PORT log=$BATS_FILE_TMPDIR/realm.log
    : > "$log"
    run --separate-stderr pcon pull -q --cert-dir "$CERTS/cd" --creds user:secret "$reg/team/bb:1"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"http://127.0.0.1:$REALM_PORT/token"* ]]
    run --separate-stderr pcon login --cert-dir "$CERTS/cd" -u user -p secret "$reg"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"http://127.0.0.1:$REALM_PORT/token"* ]]
    run pcon login --get-login "$reg"
    assert_status 125
    # anonymous, nothing is secret: the token may come over HTTP
    run pcon pull -q --cert-dir "$CERTS/cd" "$reg/team/bb:1"
    assert_status 0
    assert_no_secret "$log"
    pcon rmi -a -f >/dev/null
    # an insecure registry is the user's choice: the realm gets them
    run pcon pull -q --tls-verify=false --creds user:secret "$reg/team/bb:1"
    assert_status 0
    grep -qF "Basic $SECRET_B64" "$log"
    pcon rmi -a -f >/dev/null
}

@test "an HTTPS registry's redirect to plain HTTP is refused; to HTTPS elsewhere it is followed" {
    local reg
    fake cdn --bind 127.0.0.2 --tls "$CERTS/cert.pem" "$CERTS/key.pem"
    fake plain --bind 127.0.0.2
    fake reg --basic user:secret --tls "$CERTS/cert.pem" "$CERTS/key.pem" \
        --redirect-blobs "https://127.0.0.2:$(port_of cdn)"
    fake downgrade --basic user:secret --tls "$CERTS/cert.pem" "$CERTS/key.pem" \
        --redirect-blobs "http://127.0.0.2:$(port_of plain)"
    run pcon pull -q --cert-dir "$CERTS/cd" --creds user:secret "127.0.0.1:$(port_of reg)/team/img:1"
    assert_status 0
    grep -q "^GET /blobs/" "$BATS_TEST_TMPDIR/cdn.log"
    assert_no_secret "$BATS_TEST_TMPDIR/cdn.log"
    pcon rmi -a -f >/dev/null
    run --separate-stderr pcon pull -q --cert-dir "$CERTS/cd" --creds user:secret \
        "127.0.0.1:$(port_of downgrade)/team/img:1"
    assert_status 125
    assert_one_error_line
    grep -q "^GET /v2/team/img/blobs/" "$BATS_TEST_TMPDIR/downgrade.log"
    [ ! -s "$BATS_TEST_TMPDIR/plain.log" ]
}

@test "a layer without a size, or of size 0, is refused before any download; nothing is stored" {
    local flaw before
    before=$(store_listing)
    for flaw in no-size zero-size; do
        fake "$flaw" --flaw "$flaw"
        run --separate-stderr pcon pull -q --tls-verify=false "127.0.0.1:$(port_of "$flaw")/team/img:1"
        assert_status 125
        assert_one_error_line
        [[ "$stderr" == *"size"* ]]
        grep -q "/manifests/1 " "$BATS_TEST_TMPDIR/$flaw.log"
        run ! grep -q "/blobs/" "$BATS_TEST_TMPDIR/$flaw.log"
        [ "$(store_listing)" = "$before" ]
    done
}

@test "a config over 4 MiB is refused before it is downloaded; nothing is stored" {
    local before
    before=$(store_listing)
    fake big --flaw big-config
    run --separate-stderr pcon pull -q --tls-verify=false "127.0.0.1:$(port_of big)/team/img:1"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"config"* ]]
    grep -q "/manifests/1 " "$BATS_TEST_TMPDIR/big.log"
    run ! grep -q "/blobs/" "$BATS_TEST_TMPDIR/big.log"
    [ "$(store_listing)" = "$before" ]
}

# a pull of fake NAME in the background: its pid in $BATS_TEST_TMPDIR/pull.pid,
# its status in pull.rc, stderr in pull.err
pull_bg() { # NAME
    ( rc=0
      pcon pull --tls-verify=false "127.0.0.1:$(port_of "$1")/team/slow:1" \
        > "$BATS_TEST_TMPDIR/pull.out" 2> "$BATS_TEST_TMPDIR/pull.err" || rc=$?
      echo "$rc" > "$BATS_TEST_TMPDIR/pull.rc" ) 3>&- &
    echo $! > "$BATS_TEST_TMPDIR/pull.pid"
}

@test "a layer is extracted while its blob still arrives, and stored only once whole and verified" {
    pcon rmi -a -f >/dev/null
    fake slow --stall "$BATS_TEST_TMPDIR/gate"
    pull_bg slow
    # half the blob sent, the rest held back: its first file is out already
    wait_for 20 sh -c "find '$PCON_ROOT/layers' -path '*/layer-0/diff/early' | grep -q ."
    [ ! -e "$BATS_TEST_TMPDIR/pull.rc" ]
    [ -z "$(ls "$PCON_ROOT/images" | grep -E '^[0-9a-f]{64}$')" ]
    # the second layer is fetched meanwhile, over a connection of its own
    layer1=$(curl -s "http://127.0.0.1:$(port_of slow)/v2/team/slow/manifests/1" |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["layers"][1]["digest"])')
    wait_for 20 grep -q "GET /v2/team/slow/blobs/$layer1" "$BATS_TEST_TMPDIR/slow.log"
    touch "$BATS_TEST_TMPDIR/gate"
    wait_for 20 test -s "$BATS_TEST_TMPDIR/pull.rc"
    [ "$(cat "$BATS_TEST_TMPDIR/pull.rc")" = 0 ] || { cat "$BATS_TEST_TMPDIR/pull.err" >&2; return 1; }
    # the stored layers: their files whole, each blob the registry's
    [ "$(find "$PCON_ROOT/layers" -mindepth 1 -maxdepth 1 -name '[0-9a-f]*' | wc -l)" = 2 ]
    dir=$(dirname "$(find "$PCON_ROOT/layers" -path '*/diff/early')")/..
    [ "$(cat "$dir/diff/early")" = early ]
    [ "$(stat -c %s "$dir/diff/late")" = 1048576 ]
    dir=$(dirname "$(find "$PCON_ROOT/layers" -path '*/diff/second')")/..
    [ "$(cat "$dir/diff/second")" = second ]
    [ "sha256:$(sha256sum < "$dir/blob" | cut -d' ' -f1)" = "$layer1" ]
}

@test "a hostile entry at the start of a blob still arriving fails the pull at once; nothing stored" {
    pcon rmi -a -f >/dev/null
    fake slow --stall "$BATS_TEST_TMPDIR/gate" --hostile
    pull_bg slow
    # the registry holds the rest back for good: the pull ends on its own
    wait_for 20 test -s "$BATS_TEST_TMPDIR/pull.rc"
    [ "$(cat "$BATS_TEST_TMPDIR/pull.rc")" = 125 ]
    grep -q 'escapes the root' "$BATS_TEST_TMPDIR/pull.err"
    [ "$(wc -l < "$BATS_TEST_TMPDIR/pull.err")" = 1 ]
    [ -z "$(store_listing | grep -E '^[0-9a-f]{64}$')" ]
    [ -z "$(ls -A "$PCON_ROOT/layers")" ]
}

@test "a registry gone in the middle of a blob: the download's error, nothing stored" {
    pcon rmi -a -f >/dev/null
    fake slow --stall "$BATS_TEST_TMPDIR/gate"
    pull_bg slow
    wait_for 20 sh -c "find '$PCON_ROOT/layers' -path '*/layer-0/diff/early' | grep -q ."
    stop_fakes "$BATS_TEST_TMPDIR"
    wait_for 20 test -s "$BATS_TEST_TMPDIR/pull.rc"
    [ "$(cat "$BATS_TEST_TMPDIR/pull.rc")" = 125 ]
    [ "$(wc -l < "$BATS_TEST_TMPDIR/pull.err")" = 1 ]
    grep -q '^Error: .*blob' "$BATS_TEST_TMPDIR/pull.err" || { cat "$BATS_TEST_TMPDIR/pull.err" >&2; return 1; }
    [ -z "$(ls -A "$PCON_ROOT/layers")" ]
}
