#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Import and the root file system drivers: native overlay, fuse-overlayfs,
# plain copy; hostile tarballs refused without touching the store.

load helpers

@test "import prints the image id; the image records one layer by its diff id" {
    run pcon import "$BB_TAR" localhost/imp
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    local id=$output diff
    [ -f "$PCON_ROOT/images/$id/config.json" ]
    diff=$(sha256sum < "$BB_TAR" | cut -d' ' -f1)
    grep -q "\"sha256:$diff\"" "$PCON_ROOT/images/$id/config.json"
    [ -d "$PCON_ROOT/layers/$diff/diff/bin" ]
}

@test "import reads compressed tarballs and stdin" {
    gzip -c "$BB_TAR" > "$BATS_TEST_TMPDIR/bb.tar.gz"
    run pcon import "$BATS_TEST_TMPDIR/bb.tar.gz" localhost/gz
    assert_status 0
    run pcon run --rm localhost/gz cat /data/file
    assert_output "image data"
    run sh -c "zstd -q -c '$BB_TAR' | '$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' import - localhost/zst"
    assert_status 0
    run pcon run --rm localhost/zst cat /data/file
    assert_output "image data"
}

@test "a tarball with a path escaping the root is refused and leaves no layer" {
    local before
    before=$(ls "$PCON_ROOT/layers" | sort)
    python3 - "$BATS_TEST_TMPDIR/evil.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"pwned\n"
    i = tarfile.TarInfo("../../../../../../tmp/pcon-escape-test")
    i.size = len(data)
    t.addfile(i, io.BytesIO(data))
PY
    run --separate-stderr pcon import "$BATS_TEST_TMPDIR/evil.tar" localhost/evil
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"escapes the root"* ]]
    [ ! -e /tmp/pcon-escape-test ]
    [ "$(ls "$PCON_ROOT/layers" | sort)" = "$before" ]
    run pcon run --rm localhost/evil true
    assert_status 125
}

# the extracted layer of a single-layer image
layer_dir() {
    local id
    id=$(pcon image inspect --format '{{range .RootFS.Layers}}{{.}}{{end}}' "$1")
    echo "$PCON_ROOT/layers/${id#sha256:}/diff"
}

@test "a symlink then a file through it stays inside the layer" {
    local outside="$BATS_TEST_TMPDIR/outside"
    python3 - "$BATS_TEST_TMPDIR/link.tar" "$outside" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    l = tarfile.TarInfo("escape"); l.type = tarfile.SYMTYPE; l.linkname = sys.argv[2]
    t.addfile(l)
    data = b"through the link\n"
    f = tarfile.TarInfo("escape/file"); f.size = len(data)
    t.addfile(f, io.BytesIO(data))
PY
    mkdir -p "$outside"
    run pcon import "$BATS_TEST_TMPDIR/link.tar" localhost/link
    assert_status 0
    # nothing reached the host directory the link names
    run ls -A "$outside"
    assert_status 0
    assert_output ""
    # the file went where the link leads inside the layer's root; the link stays as written
    local dir
    dir=$(layer_dir localhost/link)
    [ "$(readlink "$dir/escape")" = "$outside" ]
    run pcon unshare cat "$dir$outside/file"
    assert_status 0
    assert_output "through the link"
}

@test "a hard link to a file outside the root is refused and leaves no layer" {
    local before
    before=$(ls "$PCON_ROOT/layers" | sort)
    python3 - "$BATS_TEST_TMPDIR/hard.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    data = b"before the link\n"
    f = tarfile.TarInfo("plain"); f.size = len(data)
    t.addfile(f, io.BytesIO(data))
    h = tarfile.TarInfo("hard"); h.type = tarfile.LNKTYPE; h.linkname = "../../../../etc/passwd"
    t.addfile(h)
PY
    run --separate-stderr pcon import "$BATS_TEST_TMPDIR/hard.tar" localhost/hard
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *'hard link target "../../../../etc/passwd" escapes the layer'* ]]
    [ "$(ls "$PCON_ROOT/layers" | sort)" = "$before" ]
    run pcon image exists localhost/hard
    assert_status 1
}

@test "a garbage tarball is refused with one error line" {
    head -c 3000 /dev/urandom > "$BATS_TEST_TMPDIR/garbage.tar"
    run --separate-stderr pcon import "$BATS_TEST_TMPDIR/garbage.tar" localhost/garbage
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon import "$BATS_TEST_TMPDIR/missing.tar" localhost/missing
    assert_status 125
    assert_one_error_line
}

# Decompression and hashing run on a thread of their own, a few hundred
# KiB ahead of the extraction; gzip through ISA-L when libisal is there,
# libarchive's zlib when it is not (here: a libisal.so.2 without its
# symbols, found first through LD_LIBRARY_PATH). In both: what they
# compute, concatenated members with padding after them, and an end of
# either side in the middle of a stream many times the thread's lead.
big_gzip_layers() {
    python3 - "$BATS_TEST_TMPDIR" <<'PY'
import gzip, io, random, sys, tarfile
d = sys.argv[1]
def fill(t, evil):
    rnd = random.Random(7)
    for i in range(40):
        data = rnd.randbytes(200000) + b"x" * 100000
        f = tarfile.TarInfo(f"d{i % 4}/f{i}"); f.size = len(data)
        t.addfile(f, io.BytesIO(data))
    if evil:
        data = b"pwned\n"
        e = tarfile.TarInfo("../../../../../../tmp/pcon-late-escape"); e.size = len(data)
        t.addfile(e, io.BytesIO(data))
for name, evil in (("big.tar", False), ("late-evil.tar", True)):
    with tarfile.open(f"{d}/{name}", "w") as t:
        fill(t, evil)
tar = open(f"{d}/big.tar", "rb").read()
gz = gzip.compress(tar, mtime=0)
open(f"{d}/big.tar.gz", "wb").write(gz)
open(f"{d}/late-evil.tar.gz", "wb").write(gzip.compress(open(f"{d}/late-evil.tar", "rb").read(), mtime=0))
open(f"{d}/cut.tar.gz", "wb").write(gz[: len(gz) // 2])
half = len(tar) // 2
open(f"{d}/members.tar.gz", "wb").write(gzip.compress(tar[:half], mtime=0) + gzip.compress(tar[half:], mtime=0) + bytes(512))
bad = bytearray(gz); bad[-8] ^= 0xff  # the CRC-32 of the trailer
open(f"{d}/badcrc.tar.gz", "wb").write(bad)
PY
}

@test "large gzip layers, through ISA-L and through zlib: both digests, members; cut short, bad CRC (ISA-L) or hostile late: refused, nothing left" {
    local before tar=$BATS_TEST_TMPDIR/big.tar id f bad
    before=$(ls "$PCON_ROOT/layers" | sort)
    big_gzip_layers
    mkdir "$BATS_TEST_TMPDIR/nolib"
    echo 'int pcon_not_isal;' > "$BATS_TEST_TMPDIR/nolib/x.c"
    cc -shared -o "$BATS_TEST_TMPDIR/nolib/libisal.so.2" "$BATS_TEST_TMPDIR/nolib/x.c"
    for libs in "" "$BATS_TEST_TMPDIR/nolib"; do
        # libarchive does not check a gzip member's CRC-32 (ISA-L does, as
        # Go's gzip reader does for podman); a pull checks the digests
        bad="late-evil cut"
        [ -n "$libs" ] || bad+=" badcrc"
        for f in $bad; do
            run --separate-stderr env LD_LIBRARY_PATH="$libs" "$PCON" --root "$PCON_ROOT" \
                --runroot "$PCON_RUNROOT" import "$BATS_TEST_TMPDIR/$f.tar.gz" localhost/$f
            echo "$f with LD_LIBRARY_PATH=$libs: $stderr"
            assert_status 125
            assert_one_error_line
        done
        [ ! -e /tmp/pcon-late-escape ]
        [ "$(ls "$PCON_ROOT/layers" | sort)" = "$before" ]
        [ -z "$(ls -A "$PCON_ROOT/layers" | grep '^\.')" ]

        for f in big members; do
            run env LD_LIBRARY_PATH="$libs" "$PCON" --root "$PCON_ROOT" \
                --runroot "$PCON_RUNROOT" import "$BATS_TEST_TMPDIR/$f.tar.gz" localhost/$f
            assert_status 0
            id=$(pcon image inspect --format '{{range .RootFS.Layers}}{{.}}{{end}}' localhost/$f)
            [ "$id" = "sha256:$(sha256sum < "$tar" | cut -d' ' -f1)" ]
            grep -q "\"blob_digest\":\"sha256:$(sha256sum < "$BATS_TEST_TMPDIR/$f.tar.gz" | cut -d' ' -f1)\"" \
                "$PCON_ROOT/layers/${id#sha256:}/layer.json"
            [ "$(ls "$(layer_dir localhost/$f)"/d* | grep -c '^f')" = 40 ]
            cmp "$(layer_dir localhost/$f)/d3/f39" <(tar -xOf "$tar" d3/f39)
            pcon rmi localhost/$f
        done
    done
}

@test "import --change sets CMD, ENV, USER; an unknown instruction is refused" {
    pcon import --change 'CMD ["sh","-c","echo $GREETING; id -u"]' --change 'ENV GREETING hello' \
        --change 'USER 1000' "$BB_TAR" localhost/changed
    run pcon run --rm localhost/changed
    assert_status 0
    [ "${lines[0]}" = hello ]
    [ "${lines[1]}" = 1000 ]
    run --separate-stderr pcon import --change 'FROB x' "$BB_TAR" localhost/bad
    assert_status 125
}

run_with_driver() {
    local driver=$1
    run "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" --storage-driver "$driver" run --rm $IMAGE \
        sh -c 'grep " / " /proc/mounts | cut -d" " -f3; cat /data/file; echo new > /data/file; cat /data/file; stat -c %u /home/tester/note'
}

@test "fuse-overlayfs driver: the root is a fuse-overlayfs mount and works" {
    run_with_driver fuse-overlayfs
    assert_status 0
    [ "${lines[0]}" = fuse.fuse-overlayfs ]
    [ "${lines[1]}" = "image data" ]
    [ "${lines[2]}" = new ]
    [ "${lines[3]}" = 1000 ]
    assert_no_containers
    # the image itself is untouched
    run pcon run --rm $IMAGE cat /data/file
    assert_output "image data"
}

@test "vfs driver: the root is a plain copy of the image, not an overlay, with owners kept" {
    run "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" --storage-driver vfs run --name vfsctr $IMAGE \
        sh -c 'grep " / " /proc/mounts | cut -d" " -f3; awk "\$5 == \"/\" { print \$4 }" /proc/self/mountinfo
               cat /data/file; echo new > /data/file; cat /data/file; stat -c %u /home/tester/note'
    assert_status 0
    local id rootfs layer
    id=$(pcon inspect --format '{{.Id}}' vfsctr)
    # / is no overlay of any kind: a bind mount of the container's own directory
    [ "${lines[0]}" != overlay ]
    [ "${lines[0]}" != fuse.fuse-overlayfs ]
    [[ "${lines[1]}" == */containers/$id/rootfs ]]
    [ "${lines[2]}" = "image data" ]
    [ "${lines[3]}" = new ]
    [ "${lines[4]}" = 1000 ]
    run pcon inspect --format '{{.GraphDriver.Name}}' vfsctr
    assert_output "vfs"
    # the change is in the copy, a file of its own; the layer's file is untouched
    rootfs="$PCON_ROOT/containers/$id/rootfs"
    layer="$(layer_dir $IMAGE)"
    [ "$(cat "$rootfs/data/file")" = new ]
    [ "$(cat "$layer/data/file")" = "image data" ]
    [ "$(stat -c %i "$rootfs/bin/busybox")" != "$(stat -c %i "$layer/bin/busybox")" ]
    cmp "$rootfs/bin/busybox" "$layer/bin/busybox"
    pcon rm vfsctr
    assert_no_containers
    run pcon run --rm $IMAGE cat /data/file
    assert_output "image data"
}

@test "storage.conf chooses the driver; --storage-driver wins; an unknown driver is refused" {
    local conf="$BATS_TEST_TMPDIR/storage.conf"
    printf '[storage]\ndriver = "vfs"\ngraphroot = "/nonexistent/podman-store"\n\n[storage.options]\npull_options = {enable_partial_images = "false"}\n' > "$conf"
    CONTAINERS_STORAGE_CONF=$conf run pcon info
    assert_status 0
    assert_output_contains "graphDriverName: vfs"
    assert_output_contains "chosen in $conf"
    CONTAINERS_STORAGE_CONF=$conf run pcon run --rm $IMAGE sh -c 'grep " / " /proc/mounts | cut -d" " -f3'
    assert_status 0
    [ "$output" != overlay ]
    [ "$output" != fuse.fuse-overlayfs ]
    printf '[storage]\ndriver = "overlay"\n[storage.options.overlay]\nmount_program = "/usr/bin/fuse-overlayfs"\n' > "$conf"
    CONTAINERS_STORAGE_CONF=$conf run pcon run --rm $IMAGE sh -c 'grep " / " /proc/mounts | cut -d" " -f3'
    assert_output fuse.fuse-overlayfs
    CONTAINERS_STORAGE_CONF=$conf run pcon --storage-driver vfs info
    assert_output_contains "graphDriverName: vfs"
    printf '[storage]\ndriver = "btrfs"\n' > "$conf"
    CONTAINERS_STORAGE_CONF=$conf run --separate-stderr pcon images
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *'unsupported storage driver "btrfs"'* ]]
}
