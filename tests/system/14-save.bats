#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon save: docker-archive and oci-archive, read back by pcon load (here
# and in a second store) and by skopeo.

load helpers

archive() {
    "$BATS_TEST_DIRNAME/make-archive.py" "$@"
}

# the other store of this file, for round trips
pcon2() {
    timeout --foreground 120 "$PCON" --root "$BATS_FILE_TMPDIR/root2" --runroot "$BATS_FILE_TMPDIR/run2" "$@"
}

teardown_file() {
    local pid start
    if [ -d "$BATS_FILE_TMPDIR/root2" ]; then
        pcon2 unshare rm -rf "$BATS_FILE_TMPDIR/root2" 2>/dev/null || true
        if [ -f "$BATS_FILE_TMPDIR/run2/pause.pid" ]; then
            read -r pid start < "$BATS_FILE_TMPDIR/run2/pause.pid"
            kill_recorded "$pid" "$start"
        fi
    fi
    pcon_teardown_store
}

# member NAME of tar ARCHIVE, on stdout
member() {
    tar -xOf "$1" "$2"
}

@test "save a docker-archive: layers are the DiffIDs' tars; load gives the same image back" {
    local id
    id=$(pcon images --no-trunc -q $IMAGE)
    run pcon save -o "$BATS_TEST_TMPDIR/d.tar" $IMAGE
    assert_status 0
    assert_output ""
    python3 - "$BATS_TEST_TMPDIR/d.tar" "${id#sha256:}" <<'PY'
import hashlib, json, sys, tarfile
t = tarfile.open(sys.argv[1])
m = json.load(t.extractfile("manifest.json"))
assert len(m) == 1 and m[0]["RepoTags"] == ["localhost/bb:latest"], m
cfg_bytes = t.extractfile(m[0]["Config"]).read()
assert hashlib.sha256(cfg_bytes).hexdigest() == sys.argv[2]
cfg = json.loads(cfg_bytes)
got = ["sha256:" + hashlib.sha256(t.extractfile(l).read()).hexdigest() for l in m[0]["Layers"]]
assert got == cfg["rootfs"]["diff_ids"], (got, cfg["rootfs"]["diff_ids"])
PY
    run pcon2 load -i "$BATS_TEST_TMPDIR/d.tar"
    assert_status 0
    assert_output "Loaded image: localhost/bb:latest"
    run pcon2 images --no-trunc -q localhost/bb
    assert_output "$id"
    run pcon2 run --rm localhost/bb cat /data/file
    assert_output "image data"
    assert_status 0
}

@test "save an oci-archive: the blobs are the ones loaded (gzip stays gzip), same manifest digest" {
    # a layer of its own: one shared with an image stored before keeps that one's blob
    cp "$BB_TAR" "$BATS_TEST_TMPDIR/layer.tar"
    echo own > "$BATS_TEST_TMPDIR/own"
    tar -C "$BATS_TEST_TMPDIR" -rf "$BATS_TEST_TMPDIR/layer.tar" own
    archive oci "$BATS_TEST_TMPDIR/layer.tar" localhost/ocis:1 "$BATS_TEST_TMPDIR/in.tar" >/dev/null
    pcon load -i "$BATS_TEST_TMPDIR/in.tar" >/dev/null
    run pcon save --format oci-archive -o "$BATS_TEST_TMPDIR/out.tar" localhost/ocis:1
    assert_status 0
    # the manifest is the loaded one, byte for byte: the index names the same digest
    in_digest=$(member "$BATS_TEST_TMPDIR/in.tar" index.json | python3 -c 'import json,sys; print(json.load(sys.stdin)["manifests"][0]["digest"])')
    run sh -c "tar -xOf '$BATS_TEST_TMPDIR/out.tar' index.json | python3 -c 'import json,sys; m=json.load(sys.stdin)[\"manifests\"][0]; print(m[\"digest\"], m[\"annotations\"][\"org.opencontainers.image.ref.name\"])'"
    assert_output "$in_digest localhost/ocis:1"
    [ "$(tar -tf "$BATS_TEST_TMPDIR/in.tar" | grep '^blobs/sha256/.' | sort)" = "$(tar -tf "$BATS_TEST_TMPDIR/out.tar" | grep '^blobs/sha256/.' | sort)" ]
    run pcon2 load -i "$BATS_TEST_TMPDIR/out.tar"
    assert_output "Loaded image: localhost/ocis:1"
    run pcon2 run --rm localhost/ocis:1
    assert_output "yes"
}

@test "save to stdout pipes into load; by id the archive carries no name" {
    local id
    id=$(pcon images --no-trunc -q $IMAGE)
    run sh -c "'$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' save ${id:7:12} | '$PCON' --root '$BATS_FILE_TMPDIR/root2' --runroot '$BATS_FILE_TMPDIR/run2' load"
    assert_status 0
    assert_output "Loaded image: $id"
}

@test "save -m writes several images; without -m more arguments are tags" {
    archive docker "$BB_TAR" localhost/second:2 "$BATS_TEST_TMPDIR/s.tar" >/dev/null
    pcon load -i "$BATS_TEST_TMPDIR/s.tar" >/dev/null
    run pcon save -m -o "$BATS_TEST_TMPDIR/m.tar" $IMAGE localhost/second:2
    assert_status 0
    run sh -c "tar -xOf '$BATS_TEST_TMPDIR/m.tar' manifest.json | python3 -c 'import json,sys; [print(*e[\"RepoTags\"]) for e in json.load(sys.stdin)]'"
    assert_output "localhost/bb:latest
localhost/second:2"
    run pcon save -o "$BATS_TEST_TMPDIR/t.tar" $IMAGE other/name:5
    assert_status 0
    run sh -c "tar -xOf '$BATS_TEST_TMPDIR/t.tar' manifest.json | python3 -c 'import json,sys; [print(*e[\"RepoTags\"]) for e in json.load(sys.stdin)]'"
    assert_output "localhost/bb:latest localhost/other/name:5"
}

@test "skopeo reads pcon's docker-archive" {
    pcon save -o "$BATS_TEST_TMPDIR/k.tar" $IMAGE
    run skopeo inspect --format '{{len .Layers}} {{.Os}}' "docker-archive:$BATS_TEST_TMPDIR/k.tar"
    assert_status 0
    assert_output "1 linux"
}

@test "save errors: a missing image leaves no file; unknown format; oci-archive takes one image" {
    local out="$BATS_TEST_TMPDIR/out"
    mkdir "$out"
    run --separate-stderr pcon save -o "$out/x.tar" localhost/nope
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"image not known"* ]]
    [ -z "$(ls -A "$out")" ]
    run --separate-stderr pcon save --format oci-dir -o "$out/x" $IMAGE
    assert_status 125
    [[ "$stderr" == "Error: unsupported format \"oci-dir\""* ]]
    run --separate-stderr pcon save --format oci-archive -o "$out/x.tar" $IMAGE localhost/a:1
    assert_status 125
    [[ "$stderr" == *"docker-archive"* ]]
    [ -z "$(ls -A "$out")" ]
}

@test "save of an unwritable place fails before writing anything" {
    run --separate-stderr pcon save -o /proc/nope/x.tar $IMAGE
    assert_status 125
    assert_one_error_line
}

@test "a zstd layer: DiffID checked after decompression, kept as zstd by save" {
    cp "$BB_TAR" "$BATS_TEST_TMPDIR/layer.tar"
    echo zstd > "$BATS_TEST_TMPDIR/z"
    tar -C "$BATS_TEST_TMPDIR" -rf "$BATS_TEST_TMPDIR/layer.tar" z
    archive oci "$BATS_TEST_TMPDIR/layer.tar" localhost/zst:1 "$BATS_TEST_TMPDIR/z.tar" zstd >/dev/null
    run pcon load -i "$BATS_TEST_TMPDIR/z.tar"
    assert_status 0
    run pcon run --rm localhost/zst:1 cat /z
    assert_output "zstd"
    pcon save --format oci-archive -o "$BATS_TEST_TMPDIR/out.tar" localhost/zst:1
    run sh -c "tar -xOf '$BATS_TEST_TMPDIR/out.tar' blobs/sha256/\$(tar -xOf '$BATS_TEST_TMPDIR/out.tar' index.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"manifests\"][0][\"digest\"][7:])') | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"layers\"][0][\"mediaType\"])'"
    assert_output "application/vnd.oci.image.layer.v1.tar+zstd"
}
