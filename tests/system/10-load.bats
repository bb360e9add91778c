#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon load: docker-archive and oci-archive, digests and DiffIDs checked.

load helpers

archive() {
    "$BATS_TEST_DIRNAME/make-archive.py" "$@"
}

@test "load -i a docker-archive: names, id from the config, config used by run" {
    local id
    id=$(archive docker "$BB_TAR" localhost/loaded:1 "$BATS_TEST_TMPDIR/d.tar")
    run pcon load -i "$BATS_TEST_TMPDIR/d.tar"
    assert_status 0
    assert_output "Loaded image: localhost/loaded:1"
    run pcon images --no-trunc --format '{{.ID}}' localhost/loaded:1
    assert_output "sha256:$id"
    run pcon run --rm localhost/loaded:1
    assert_output "yes"
}

@test "load an oci-archive from stdin, gzip layer, name from the annotation" {
    archive oci "$BB_TAR" localhost/ocil:2 "$BATS_TEST_TMPDIR/o.tar" >/dev/null
    run sh -c "'$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' load < '$BATS_TEST_TMPDIR/o.tar'"
    assert_status 0
    assert_output "Loaded image: localhost/ocil:2"
    run pcon run --rm localhost/ocil:2 cat /data/file
    assert_output "image data"
}

@test "a layer whose DiffID is not the config's is refused, nothing stored" {
    local before layers
    # from an empty store: the layer of the refused image must not stay
    pcon rmi -a -f >/dev/null
    before=$(ls "$PCON_ROOT/images" | sort)
    layers=$(ls "$PCON_ROOT/layers" | sort)
    archive docker "$BB_TAR" localhost/bad:1 "$BATS_TEST_TMPDIR/bad.tar" bad-diffid >/dev/null
    run --separate-stderr pcon load -i "$BATS_TEST_TMPDIR/bad.tar"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"DiffID"* ]]
    [ "$(ls "$PCON_ROOT/images" | sort)" = "$before" ]
    [ "$(ls "$PCON_ROOT/layers" | sort)" = "$layers" ]
    run pcon image exists localhost/bad:1
    assert_status 1
}

@test "a blob whose digest does not match is refused" {
    archive oci "$BB_TAR" localhost/badblob:1 "$BATS_TEST_TMPDIR/bb.tar" bad-blob >/dev/null
    run --separate-stderr pcon load -i "$BATS_TEST_TMPDIR/bb.tar"
    assert_status 125
    [[ "$stderr" == *"has digest"* ]]
    run pcon image exists localhost/badblob:1
    assert_status 1
}

@test "not an image archive: one error line, nothing left" {
    tar -C "$BATS_TEST_TMPDIR" -cf "$BATS_TEST_TMPDIR/plain.tar" d.tar 2>/dev/null || tar -cf "$BATS_TEST_TMPDIR/plain.tar" -T /dev/null
    run --separate-stderr pcon load -i "$BATS_TEST_TMPDIR/plain.tar"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"payload does not match any of the supported image formats"* ]]
    [ -z "$(ls -A "$PCON_ROOT/images" | grep '^\.tmp')" ]
}

@test "an archive naming a FIFO (or a symlink to one) as a layer, config or manifest.json is refused, without hanging" {
    local kind
    for kind in layer config manifest layer-link; do
        python3 - "$BATS_TEST_TMPDIR/fifo-$kind.tar" "$kind" <<'PY'
import io, json, sys, tarfile
out, kind = sys.argv[1:3]
def add(t, name, data=None, typ=tarfile.REGTYPE, link=""):
    i = tarfile.TarInfo(name)
    i.type, i.linkname = typ, link
    i.size = len(data) if data is not None else 0
    t.addfile(i, io.BytesIO(data) if data is not None else None)
with tarfile.open(out, "w") as t:
    cfg = json.dumps({"rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]}}).encode()
    add(t, "c.json", None, tarfile.FIFOTYPE) if kind == "config" else add(t, "c.json", cfg)
    if kind == "layer":
        add(t, "l/layer.tar", None, tarfile.FIFOTYPE)
    elif kind == "layer-link":
        add(t, "l/pipe", None, tarfile.FIFOTYPE)
        add(t, "l/layer.tar", None, tarfile.SYMTYPE, "pipe")
    if kind == "manifest":
        add(t, "manifest.json", None, tarfile.FIFOTYPE)
    else:
        add(t, "manifest.json", json.dumps([{"Config": "c.json", "RepoTags": ["localhost/fifo:1"],
                                             "Layers": ["l/layer.tar"]}]).encode())
PY
        run --separate-stderr timeout 20 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" load -i "$BATS_TEST_TMPDIR/fifo-$kind.tar"
        assert_status 125
        assert_one_error_line
        [[ "$stderr" == *"not a regular file"* ]]
    done
    run pcon image exists localhost/fifo:1
    assert_status 1
}
