#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon push, login/logout, HTTPS with certs.d, registries.conf, manifest
# lists and --pull=newer, against Debian's docker-registry on 127.0.0.1;
# skopeo checks what pcon pushed.

load helpers
load registry

# another store of this file's: pcon_in NAME ARGS...
pcon_in() {
    local n=$1
    shift
    timeout --foreground 120 "$PCON" --root "$BATS_FILE_TMPDIR/root-$n" --runroot "$BATS_FILE_TMPDIR/run-$n" "$@"
}

pcon2() {
    pcon_in 2 "$@"
}

setup_file() {
    pcon_setup_store
    export XDG_CONFIG_HOME="$BATS_FILE_TMPDIR/config" XDG_RUNTIME_DIR="$BATS_FILE_TMPDIR/xdgrun"
    mkdir -p "$XDG_CONFIG_HOME" "$XDG_RUNTIME_DIR"
    unset REGISTRY_AUTH_FILE CONTAINERS_REGISTRIES_CONF
    export REG_PORT=$(free_port) TLS_PORT=$(free_port) AUTH_PORT=$(free_port) TOKEN_PORT=$(free_port)
    start_registry plain "$REG_PORT"
    make_certs "$BATS_FILE_TMPDIR/certs"
    htpasswd -Bbc "$BATS_FILE_TMPDIR/htpasswd" tester s3cret 2>/dev/null
    start_registry tls "$TLS_PORT" "  tls:
    certificate: $BATS_FILE_TMPDIR/certs/cert.pem
    key: $BATS_FILE_TMPDIR/certs/key.pem
auth:
  htpasswd:
    realm: pcon-test
    path: $BATS_FILE_TMPDIR/htpasswd"
    start_token_registry auth "$AUTH_PORT" "$TOKEN_PORT"
    export LAYERED_ID=$("$BATS_TEST_DIRNAME/make-layered.py" archive "$BB_TAR" localhost/layered:1 "$BATS_FILE_TMPDIR/layered.tar")
    pcon load -i "$BATS_FILE_TMPDIR/layered.tar" >/dev/null
}

teardown_file() {
    local pid start root
    stop_registry plain
    stop_registry tls
    stop_token_registry auth
    for root in "$BATS_FILE_TMPDIR"/root-*; do
        [ -d "$root" ] || continue
        pcon_in "${root##*/root-}" unshare rm -rf "$root" 2>/dev/null || true
        if [ -f "$BATS_FILE_TMPDIR/run-${root##*/root-}/pause.pid" ]; then
            read -r pid start < "$BATS_FILE_TMPDIR/run-${root##*/root-}/pause.pid"
            kill_recorded "$pid" "$start"
        fi
    done
    pcon_teardown_store
}

@test "the layered image: whiteouts hide, the opaque directory replaces" {
    run pcon run --rm localhost/layered:1
    assert_status 0
    assert_output "/data:
dir
file
keep

/data/dir:
c"
}

@test "push: skopeo inspects what pcon pushed; --digestfile holds the manifest digest" {
    run pcon push --tls-verify=false --digestfile "$BATS_TEST_TMPDIR/digest" localhost/layered:1 "127.0.0.1:$REG_PORT/team/layered:1"
    assert_status 0
    run skopeo inspect --tls-verify=false --format '{{.Digest}} {{len .Layers}} {{.Architecture}}' "docker://127.0.0.1:$REG_PORT/team/layered:1"
    assert_status 0
    assert_output "$(cat "$BATS_TEST_TMPDIR/digest") 3 amd64"
    # the config skopeo fetches is the stored one: the image id
    run sh -c "skopeo inspect --tls-verify=false --config --raw docker://127.0.0.1:$REG_PORT/team/layered:1 | sha256sum"
    assert_output "$LAYERED_ID  -"
}

@test "push NAME with one argument pushes to that name, not to the image's first one" {
    pcon tag localhost/layered:1 "127.0.0.1:$REG_PORT/ns/name:2"
    run pcon push --tls-verify=false -q "127.0.0.1:$REG_PORT/ns/name:2"
    assert_status 0
    run skopeo inspect --tls-verify=false --format '{{len .Layers}}' "docker://127.0.0.1:$REG_PORT/ns/name:2"
    assert_output "3"
    pcon untag localhost/layered:1 "127.0.0.1:$REG_PORT/ns/name:2"
}

@test "what pcon pushed pulls into another store as the same image, and runs the same" {
    pcon push --tls-verify=false -q localhost/layered:1 "127.0.0.1:$REG_PORT/team/layered:2"
    run pcon2 pull --tls-verify=false "127.0.0.1:$REG_PORT/team/layered:2"
    assert_status 0
    assert_output "$LAYERED_ID"
    run pcon2 run --rm "127.0.0.1:$REG_PORT/team/layered:2" ls /data/dir
    assert_output "c"
}

@test "pull then push sends the manifest byte for byte; blobs the registry has are skipped" {
    local want
    skopeo copy -q --dest-tls-verify=false "oci-archive:$BATS_FILE_TMPDIR/layered.tar" \
        "docker://127.0.0.1:$REG_PORT/team/seeded:1"
    want=$(skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://127.0.0.1:$REG_PORT/team/seeded:1")
    # a store of its own: a layer stored before, from elsewhere, would keep that one's blob
    pcon_in fresh pull --tls-verify=false "127.0.0.1:$REG_PORT/team/seeded:1" >/dev/null
    run --separate-stderr pcon_in fresh push --tls-verify=false "127.0.0.1:$REG_PORT/team/seeded:1" "127.0.0.1:$REG_PORT/team/seeded:copy"
    assert_status 0
    [[ "$stderr" == *"skipped: already exists"* ]]
    run skopeo inspect --tls-verify=false --format '{{.Digest}}' "docker://127.0.0.1:$REG_PORT/team/seeded:copy"
    assert_output "$want"
}

@test "push --format v2s2 writes a Docker manifest; an imported (uncompressed) layer goes gzipped" {
    run pcon push --tls-verify=false --format v2s2 -q $IMAGE "127.0.0.1:$REG_PORT/team/bb:v2"
    assert_status 0
    run sh -c "skopeo inspect --tls-verify=false --raw docker://127.0.0.1:$REG_PORT/team/bb:v2 | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m[\"mediaType\"], m[\"layers\"][0][\"mediaType\"])'"
    assert_output "application/vnd.docker.distribution.manifest.v2+json application/vnd.docker.image.rootfs.diff.tar.gzip"
}

@test "push asks the token realm for pull and push scope" {
    : > "$BATS_FILE_TMPDIR/token.log"
    run pcon push --tls-verify=false -q $IMAGE "127.0.0.1:$AUTH_PORT/team/pushed:1"
    assert_status 0
    cat "$BATS_FILE_TMPDIR/token.log" >&2
    grep -qE "scope=repository%3Ateam%2Fpushed%3A(pull%2Cpush|push%2Cpull)" "$BATS_FILE_TMPDIR/token.log"
    run skopeo inspect --tls-verify=false --creds any:any --format '{{len .Layers}}' "docker://127.0.0.1:$AUTH_PORT/team/pushed:1"
    assert_output "1"
}

@test "HTTPS is verified: an unknown CA is refused, certs.d or --cert-dir names the right one" {
    run --separate-stderr pcon pull --creds tester:s3cret "127.0.0.1:$TLS_PORT/team/x:1"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"pinging container registry 127.0.0.1:$TLS_PORT"* ]]
    mkdir -p "$BATS_TEST_TMPDIR/cd"
    cp "$BATS_FILE_TMPDIR/certs/ca.crt" "$BATS_TEST_TMPDIR/cd/"
    run pcon push --cert-dir "$BATS_TEST_TMPDIR/cd" --creds tester:s3cret -q $IMAGE "127.0.0.1:$TLS_PORT/team/tls:1"
    assert_status 0
    mkdir -p "$XDG_CONFIG_HOME/containers/certs.d/127.0.0.1:$TLS_PORT"
    cp "$BATS_FILE_TMPDIR/certs/ca.crt" "$XDG_CONFIG_HOME/containers/certs.d/127.0.0.1:$TLS_PORT/"
    run pcon pull --creds tester:s3cret "127.0.0.1:$TLS_PORT/team/tls:1"
    assert_status 0
}

@test "login checks the password, auth.json serves push and pull, logout removes it" {
    mkdir -p "$XDG_CONFIG_HOME/containers/certs.d/127.0.0.1:$TLS_PORT"
    cp "$BATS_FILE_TMPDIR/certs/ca.crt" "$XDG_CONFIG_HOME/containers/certs.d/127.0.0.1:$TLS_PORT/"
    run --separate-stderr pcon push -q $IMAGE "127.0.0.1:$TLS_PORT/team/login:1"
    assert_status 125
    [[ "$stderr" == *"401"* ]]
    run --separate-stderr pcon login -u tester -p wrong "127.0.0.1:$TLS_PORT"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"invalid username/password"* ]]
    [ ! -e "$XDG_RUNTIME_DIR/containers/auth.json" ]
    run sh -c "echo s3cret | '$PCON' login -u tester --password-stdin 127.0.0.1:$TLS_PORT"
    assert_status 0
    assert_output "Login Succeeded!"
    [ "$(stat -c %a "$XDG_RUNTIME_DIR/containers/auth.json")" = 600 ]
    python3 -c 'import json,sys,base64; a=json.load(open(sys.argv[1]))["auths"][sys.argv[2]]["auth"]; assert base64.b64decode(a)==b"tester:s3cret"' \
        "$XDG_RUNTIME_DIR/containers/auth.json" "127.0.0.1:$TLS_PORT"
    run pcon login --get-login "127.0.0.1:$TLS_PORT"
    assert_output "tester"
    run pcon push -q $IMAGE "127.0.0.1:$TLS_PORT/team/login:1"
    assert_status 0
    run pcon2 pull -q "127.0.0.1:$TLS_PORT/team/login:1"
    assert_status 0
    run pcon logout "127.0.0.1:$TLS_PORT"
    assert_output "Removed login credentials for 127.0.0.1:$TLS_PORT"
    run --separate-stderr pcon logout "127.0.0.1:$TLS_PORT"
    assert_status 125
    [[ "$stderr" == "Error: not logged into 127.0.0.1:$TLS_PORT" ]]
    run --separate-stderr pcon2 pull -q "127.0.0.1:$TLS_PORT/team/login:1"
    assert_status 125
}

@test "registries.conf: short names from unqualified-search-registries, insecure=true, blocked" {
    mkdir -p "$XDG_CONFIG_HOME/containers"
    cat > "$XDG_CONFIG_HOME/containers/registries.conf" <<CONF
unqualified-search-registries = ["127.0.0.1:$AUTH_PORT", "127.0.0.1:$REG_PORT"]

[[registry]]
location = "127.0.0.1:$REG_PORT"
insecure = true

[[registry]]
location = "127.0.0.1:$AUTH_PORT"
insecure = true
CONF
    pcon push -q localhost/layered:1 "127.0.0.1:$REG_PORT/team/short:1"
    pcon rmi -f "127.0.0.1:$REG_PORT/team/short:1" >/dev/null 2>&1 || true
    # not in the first search registry: found in the second, over HTTP
    run pcon pull -q team/short:1
    assert_status 0
    assert_output "$LAYERED_ID"
    run pcon images --format '{{.Repository}}:{{.Tag}}' "127.0.0.1:$REG_PORT/team/short:1"
    assert_output "127.0.0.1:$REG_PORT/team/short:1"
    cat >> "$XDG_CONFIG_HOME/containers/registries.conf" <<CONF
[[registry]]
prefix = "127.0.0.1:$REG_PORT/team/blocked"
location = "127.0.0.1:$REG_PORT/team/blocked"
blocked = true
CONF
    run --separate-stderr pcon pull -q "127.0.0.1:$REG_PORT/team/blocked:1"
    assert_status 125
    [[ "$stderr" == *"blocked in registries.conf"* ]]
    rm "$XDG_CONFIG_HOME/containers/registries.conf"
}

@test "a multi-platform index: the host's platform by default, --arch picks another" {
    "$BATS_TEST_DIRNAME/make-layered.py" index "$BB_TAR" "$BATS_TEST_TMPDIR/idx" >/dev/null
    skopeo copy -q --all --dest-tls-verify=false "oci:$BATS_TEST_TMPDIR/idx:multi" \
        "docker://127.0.0.1:$REG_PORT/team/multi:1"
    run pcon pull --tls-verify=false -q "127.0.0.1:$REG_PORT/team/multi:1"
    assert_status 0
    assert_output "$LAYERED_ID"
    run pcon2 pull --tls-verify=false -q --arch arm64 "127.0.0.1:$REG_PORT/team/multi:1"
    assert_status 0
    run pcon2 image inspect --format '{{.Architecture}}' "127.0.0.1:$REG_PORT/team/multi:1"
    assert_output "arm64"
    run --separate-stderr pcon2 pull --tls-verify=false -q --arch s390x "127.0.0.1:$REG_PORT/team/multi:1"
    assert_status 125
    [[ "$stderr" == *"no image found in manifest list for architecture s390x"* ]]
    run --separate-stderr pcon2 pull --tls-verify=false -q --platform linux/arm64/v8 "127.0.0.1:$REG_PORT/team/multi:1"
    assert_status 125
    [[ "$stderr" == *"architecture arm64, variant v8, OS linux"* ]]
    run -125 --separate-stderr pcon2 pull --platform linux/arm64 --arch arm64 "127.0.0.1:$REG_PORT/team/multi:1"
    [ "$stderr" = "Error: --platform option can not be specified with --arch or --os" ]
    # run and create: a stored image of another platform is pulled again
    local ref="127.0.0.1:$REG_PORT/team/multi:1" img
    pcon create --name plat --tls-verify=false --platform linux/arm64 "$ref" true >/dev/null
    img=$(pcon inspect --format '{{.Image}}' plat)
    run pcon image inspect --format '{{.Architecture}}' "$img"
    assert_output arm64
    run pcon run --rm --tls-verify=false --arch amd64 "$ref" true
    assert_status 0
    run pcon image inspect --format '{{.Architecture}}' "$ref"
    assert_output amd64
    # of the platform asked: no pull (--pull=never would refuse one)
    run pcon run --rm --pull never --arch amd64 "$ref" true
    assert_status 0
    run -125 --separate-stderr pcon run --rm --pull never --arch arm64 "$ref" true
    assert_one_error_line
    pcon rm plat >/dev/null
}

@test "--pull=newer reuses an unchanged image and pulls a changed one" {
    local old
    pcon push --tls-verify=false -q $IMAGE "127.0.0.1:$REG_PORT/team/newer:1"
    pcon pull --tls-verify=false -q "127.0.0.1:$REG_PORT/team/newer:1" >/dev/null
    old=$(pcon images -q --no-trunc "127.0.0.1:$REG_PORT/team/newer:1")
    run pcon run --rm --pull=newer --tls-verify=false "127.0.0.1:$REG_PORT/team/newer:1" cat /data/file
    assert_output "image data"
    [ "$(pcon images -q --no-trunc "127.0.0.1:$REG_PORT/team/newer:1")" = "$old" ]
    # the tag moves to another image on the registry
    pcon push --tls-verify=false -q localhost/layered:1 "127.0.0.1:$REG_PORT/team/newer:1"
    run pcon run --rm --pull=newer --tls-verify=false "127.0.0.1:$REG_PORT/team/newer:1" cat /data/keep
    assert_output "keep"
    run pcon images -q --no-trunc "127.0.0.1:$REG_PORT/team/newer:1"
    assert_output "sha256:$LAYERED_ID"
}

@test "push errors: no registry in the name, a missing image, a registry that refuses" {
    run --separate-stderr pcon push --tls-verify=false $IMAGE
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"name a registry"* ]]
    run --separate-stderr pcon push --tls-verify=false localhost/nope "127.0.0.1:$REG_PORT/x:1"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"image not known"* ]]
    run --separate-stderr pcon push --tls-verify=false -q $IMAGE "127.0.0.1:$AUTH_PORT/BAD:1"
    assert_status 125
    assert_one_error_line
}

@test "search: a registry's catalog by term, --list-tags, --limit, --filter, --compatible, json and templates; nothing found prints nothing" {
    local r="127.0.0.1:$REG_PORT"
    pcon push -q --tls-verify=false $IMAGE "$r/search/alpha:1"
    pcon push -q --tls-verify=false $IMAGE "$r/search/alpha:2"
    pcon push -q --tls-verify=false $IMAGE "$r/search/beta:latest"
    run pcon search --tls-verify=false "$r/search/"
    assert_status 0
    [[ "${lines[0]}" =~ ^NAME\ +DESCRIPTION$ ]]
    [[ "$output" == *"$r/search/alpha"* && "$output" == *"$r/search/beta"* ]]
    run pcon search --tls-verify=false --format '{{.Name}} {{.Index}} {{.Stars}}' "$r/alpha"
    assert_output "$r/search/alpha $r 0"
    run pcon search --tls-verify=false --list-tags --format '{{.Name}}:{{.Tag}}' "$r/search/alpha"
    assert_output_contains "$r/search/alpha:1"
    assert_output_contains "$r/search/alpha:2"
    [ "${#lines[@]}" -eq 2 ]
    run pcon search --tls-verify=false --list-tags --limit 1 "$r/search/alpha:2"
    [ "${#lines[@]}" -eq 2 ] # the heading and one tag
    run pcon search --tls-verify=false --limit 1 --format '{{.Name}}' "$r/search"
    [ "${#lines[@]}" -eq 1 ]
    run pcon search --tls-verify=false --compatible "$r/beta"
    [[ "${lines[0]}" =~ ^NAME\ +DESCRIPTION\ +STARS\ +OFFICIAL\ +AUTOMATED$ ]]
    run pcon search --tls-verify=false --format json "$r/beta"
    python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d[0]["Name"].endswith("/search/beta") and d[0]["Tag"] == "", d' "$output"
    # a catalog has no stars and nothing official
    run pcon search --tls-verify=false --filter is-official=true "$r/search"
    assert_output ""
    run pcon search --tls-verify=false --filter stars=0 --format '{{.Name}}' "$r/beta"
    assert_output "$r/search/beta"
    run pcon search --tls-verify=false "$r/nothing-like-it"
    assert_status 0
    assert_output ""
    run -125 --separate-stderr pcon search --tls-verify=false --filter bogus=1 "$r/x"
    assert_one_error_line
    run -125 --separate-stderr pcon search --list-tags alpha
    assert_one_error_line
    # a registry that wants a token: the catalog with the token it hands out
    pcon push -q --tls-verify=false $IMAGE "127.0.0.1:$AUTH_PORT/search/gamma:1"
    run pcon search --tls-verify=false --format '{{.Name}}' "127.0.0.1:$AUTH_PORT/gamma"
    assert_status 0
    assert_output "127.0.0.1:$AUTH_PORT/search/gamma"
}

@test "pull --all-tags: every tag the registry lists, each id printed; images REGISTRY:PORT/NAME lists them all" {
    local r="127.0.0.1:$REG_PORT"
    pcon push -q --tls-verify=false $IMAGE "$r/alltags/x:one"
    pcon push -q --tls-verify=false localhost/layered:1 "$r/alltags/x:two"
    pcon rmi "$r/alltags/x:one" "$r/alltags/x:two" >/dev/null 2>&1 || true
    run pcon pull --tls-verify=false --all-tags "$r/alltags/x"
    assert_status 0
    [ "${#lines[@]}" -eq 2 ]
    [[ "${lines[0]}" =~ ^[0-9a-f]{64}$ ]] && [[ "${lines[1]}" =~ ^[0-9a-f]{64}$ ]]
    run pcon images --format '{{.Repository}}:{{.Tag}}' "$r/alltags/x"
    assert_output_contains "$r/alltags/x:one"
    assert_output_contains "$r/alltags/x:two"
    [ "${#lines[@]}" -eq 2 ]
    run -125 --separate-stderr pcon pull --all-tags "$r/alltags/x:one"
    assert_one_error_line
    pcon rmi "$r/alltags/x:one" "$r/alltags/x:two" >/dev/null
}

@test "manifest create, add, annotate, inspect, remove, push, rm: a list of local images, pushed with them by digest; pull picks this platform's" {
    local r="127.0.0.1:$REG_PORT" id d1 d2
    run pcon manifest create localhost/multi $IMAGE
    assert_status 0
    id=$output
    [[ "$id" =~ ^[0-9a-f]{64}$ ]]
    pcon manifest exists localhost/multi
    run pcon manifest exists localhost/nolist
    assert_status 1
    run pcon manifest create multi
    assert_status 125
    assert_output "Error: image name \"localhost/multi:latest\" is already associated with image \"$id\""
    d1=$(pcon manifest inspect multi | grep -o 'sha256:[0-9a-f]*')
    [ "$d1" = "$(pcon inspect --format '{{.Digest}}' $IMAGE)" ]
    # an entry's platform changed: pull must find the other one for amd64
    run pcon manifest annotate --arch arm64 --variant v8 --os-version 1.0 --annotation k=v multi "$d1"
    assert_output "$id"
    run pcon manifest add multi localhost/layered:1
    assert_output "$id"
    run pcon manifest inspect localhost/multi
    assert_output_contains '"mediaType": "application/vnd.docker.distribution.manifest.list.v2+json"'
    assert_output_contains '"architecture": "arm64"'
    assert_output_contains '"variant": "v8"'
    assert_output_contains '"os.version": "1.0"'
    assert_output_contains '"k": "v"'
    [ "$(grep -c '"digest"' <<<"$output")" -eq 2 ]
    run pcon manifest annotate --arch s390x multi sha256:0000000000000000000000000000000000000000000000000000000000000000
    assert_status 125
    assert_output_contains "no instance matching digest"
    # pushed: the images first by digest, then the list; the registry has what it names
    run pcon manifest push --compression-format zstd multi "$r/multi/list:1"
    assert_status 125
    run pcon manifest push -q --tls-verify=false --remove-signatures --compression-format gzip \
        --digestfile "$BATS_TEST_TMPDIR/dig" multi "$r/multi/list:1"
    assert_status 0
    run skopeo inspect --raw --tls-verify=false "docker://$r/multi/list:1"
    assert_output_contains '"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json"'
    [ "sha256:$(skopeo inspect --raw --tls-verify=false "docker://$r/multi/list:1" | sha256sum | cut -d' ' -f1)" = "$(cat "$BATS_TEST_TMPDIR/dig")" ]
    for d in $(grep -o 'sha256:[0-9a-f]*' <<<"$output"); do
        skopeo inspect --raw --tls-verify=false "docker://$r/multi/list@$d" >/dev/null
    done
    # pulled back: this host's platform is the layered image's entry
    run pcon pull -q --tls-verify=false "$r/multi/list:1"
    assert_output "$LAYERED_ID"
    # an entry removed; a registry's image added by reference
    run pcon manifest remove multi "$d1"
    assert_output "$id"
    run pcon manifest add --tls-verify=false multi "docker://$r/multi/list:1"
    assert_status 0
    run pcon manifest inspect --tls-verify=false "$r/multi/list:1"
    assert_output_contains '"os.version": "1.0"'
    run pcon manifest rm multi localhost/nolist
    assert_status 1
    assert_output_contains "Untagged: localhost/multi:latest"
    assert_output_contains "Deleted: $id"
    assert_output_contains "Error: localhost/nolist: image not known"
    run pcon manifest exists multi
    assert_status 1
}
