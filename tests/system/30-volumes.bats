#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Named volumes: volume create/ls/inspect/exists/rm/prune, -v NAME:/path
# (made on first use, filled from the image's content there the first
# time), content that outlives its containers and is shared between them.

load helpers

@test "volume create, ls, inspect, exists, rm: podman's output and errors" {
    run pcon volume create --label team=a data
    assert_output "data"
    run --separate-stderr pcon volume create data
    assert_status 125
    [ "$stderr" = "Error: volume with name data already exists: volume already exists" ]
    run pcon volume ls
    [[ "${lines[0]}" =~ ^DRIVER\ +VOLUME\ NAME$ ]]
    [[ "${lines[1]}" =~ ^local\ +data$ ]]
    run pcon volume inspect --format '{{.Name}} {{.Driver}} {{.Scope}} {{.Labels.team}} {{.Mountpoint}}' data
    assert_output "data local local a $PCON_ROOT/volumes/data/_data"
    run pcon volume ls --filter label=team=a -q
    assert_output "data"
    run pcon volume ls --filter label=team=b -q
    assert_output ""
    run pcon volume exists data
    assert_status 0
    run pcon volume rm data
    assert_output "data"
    run pcon volume exists data
    assert_status 1
    run --separate-stderr pcon volume rm data
    assert_status 1
    [ "$stderr" = 'Error: no volume with name "data" found: no such volume' ]
    run --separate-stderr pcon volume create 'bad name'
    assert_status 125
    run pcon volume create
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    pcon volume rm "$output" >/dev/null
}

@test "-v NAME:/path makes the volume on first use, filled from the image; its content outlives the container, shared and read-only where asked" {
    run pcon run --rm -v firstuse:/etc $IMAGE ls /etc
    assert_output_contains "passwd"
    refute_output_contains "hosts" # the image's own content, not the container's mounts
    run pcon volume exists firstuse
    assert_status 0
    pcon run --rm -v shared:/data $IMAGE sh -c 'echo kept > /data/f'
    run pcon run --rm -v shared:/data $IMAGE cat /data/f
    assert_output "kept"
    pcon run -d --name reader -v shared:/in:ro $IMAGE sleep 1000 >/dev/null
    run pcon exec reader cat /in/f
    assert_output "kept"
    run pcon inspect --format '{{range .Mounts}}{{.Type}} {{.Name}} {{.Source}} {{.Destination}} {{.RW}}{{end}}' reader
    assert_output "volume shared $PCON_ROOT/volumes/shared/_data /in false"
    run pcon exec reader sh -c 'echo x > /in/g'
    [ "$status" -ne 0 ]
    # owned by the container's root, which is the user outside
    [ "$(stat -c %u "$PCON_ROOT/volumes/shared/_data/f")" = "$(id -u)" ]
    run --separate-stderr pcon volume rm shared
    assert_status 2
    [[ "$stderr" == "Error: volume shared is being used by the following container(s): "*": volume is being used" ]]
    run pcon volume rm -f shared
    assert_status 0
    run pcon ps -a --format '{{.Names}}' --filter name=reader
    assert_output ""
    pcon volume rm firstuse >/dev/null
}

@test "volume prune removes what no container uses; two creates of one name: exactly one wins" {
    pcon volume create unused >/dev/null
    pcon create --name holder -v used:/x $IMAGE true >/dev/null
    run pcon volume prune -f
    assert_output "unused"
    run pcon volume ls -q
    assert_output "used"
    pcon rm holder >/dev/null
    pcon volume rm used >/dev/null
    for i in 1 2 3 4; do
        pcon volume create race >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
    done
    wait
    run sh -c "grep -lx race '$BATS_TEST_TMPDIR'/out.* | wc -l"
    assert_output "1"
    run pcon volume ls -q
    assert_output "race"
    pcon volume rm race >/dev/null
    [ -z "$(ls -A "$PCON_ROOT/volumes")" ]
}

@test "-v /path makes an anonymous volume: --rm and rm -v remove it, rm alone keeps it, named ones stay" {
    run pcon run --rm -v /data $IMAGE sh -c 'echo x > /data/f; grep -c " /data " /proc/mounts'
    assert_output "1"
    run pcon volume ls -q
    assert_output ""
    pcon create --name anon -v /data -v named:/n $IMAGE true >/dev/null
    run pcon volume ls -q
    [ "${#lines[@]}" -eq 2 ]
    pcon rm -v anon >/dev/null
    run pcon volume ls -q
    assert_output "named"
    pcon create --name anon2 -v /data $IMAGE true >/dev/null
    pcon rm anon2 >/dev/null
    run pcon volume ls -q
    [ "${#lines[@]}" -eq 2 ]
    pcon volume prune -f >/dev/null
}

@test "--mount type=bind|volume|tmpfs: as -v and --tmpfs; bad ones are one usage error" {
    mkdir -p "$BATS_TEST_TMPDIR/src"
    echo from-host >"$BATS_TEST_TMPDIR/src/f"
    run pcon run --rm --mount "type=bind,src=$BATS_TEST_TMPDIR/src,dst=/m,ro" \
        --mount type=volume,source=mnt-vol,target=/v --mount type=tmpfs,destination=/t,tmpfs-size=1m \
        $IMAGE sh -c 'cat /m/f; touch /m/x 2>/dev/null || echo ro; echo kept > /v/k; grep " /t " /proc/mounts'
    assert_status 0
    assert_output_contains "from-host"
    assert_output_contains "ro"
    assert_output_contains "size=1024k"
    run pcon run --rm -v mnt-vol:/v $IMAGE cat /v/k
    assert_output "kept"
    for bad in "type=nfs,target=/x" "type=bind,target=/x" "type=volume,src=a/b,dst=/x" \
        "type=tmpfs,src=/a,dst=/x" "type=bind,src=/tmp,dst=/x,bogus=1" "src=/tmp,dst=/x"; do
        run --separate-stderr pcon run --rm --mount "$bad" $IMAGE true
        assert_status 125
        assert_one_error_line
    done
    pcon volume rm mnt-vol >/dev/null
    assert_no_containers
}

@test "--volumes-from: another container's volumes, read-only when asked; an anonymous one stays while it is used" {
    pcon create --name vsrc -v vf-data:/data -v /scratch $IMAGE true >/dev/null
    pcon run --rm -v vf-data:/data $IMAGE sh -c 'echo shared > /data/s'
    run pcon run --rm --volumes-from vsrc $IMAGE sh -c 'cat /data/s; echo w > /scratch/w && cat /scratch/w'
    assert_output $'shared\nw'
    run pcon run --rm --volumes-from vsrc:ro $IMAGE sh -c 'touch /data/x 2>/dev/null || echo read-only'
    assert_output "read-only"
    pcon create --name vuser --volumes-from vsrc $IMAGE true >/dev/null
    anon=$(pcon volume ls -q | grep -v '^vf-data$')
    pcon rm -v vsrc >/dev/null
    run pcon volume exists "$anon"
    assert_status 0
    pcon rm -v vuser >/dev/null
    run pcon volume exists "$anon"
    assert_status 1
    run --separate-stderr pcon run --rm --volumes-from nope $IMAGE true
    assert_status 125
    [ "$stderr" = 'Error: no container with name or ID "nope" found: no such container' ]
    pcon volume rm vf-data >/dev/null
}

@test "volume export and import: the content as a tar (owners as in the container), back into another volume, compressed or from stdin; a hostile tarball lands nothing outside" {
    pcon volume create vexp >/dev/null
    pcon run --rm -v vexp:/d $IMAGE sh -c 'echo hi > /d/f; mkdir /d/sub; echo x > /d/sub/g; chown 1000:1000 /d/sub/g'
    pcon volume export -o "$BATS_TEST_TMPDIR/v.tar" vexp
    run tar tvf "$BATS_TEST_TMPDIR/v.tar"
    assert_output_contains "0/0"
    [[ "$output" == *"1000/1000"*"sub/g"* ]]
    pcon volume export vexp | cmp - "$BATS_TEST_TMPDIR/v.tar"
    pcon volume create vimp >/dev/null
    pcon volume import vimp "$BATS_TEST_TMPDIR/v.tar"
    run pcon run --rm -v vimp:/d $IMAGE sh -c 'cat /d/f /d/sub/g; stat -c %u:%g /d/sub/g'
    assert_output "hi
x
1000:1000"
    pcon volume create vgz >/dev/null
    gzip -c "$BATS_TEST_TMPDIR/v.tar" | pcon volume import vgz -
    run pcon run --rm -v vgz:/d $IMAGE cat /d/sub/g
    assert_output "x"
    # a tarball that climbs out: refused, nothing written beside the volume
    python3 - "$BATS_TEST_TMPDIR/bad.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    i = tarfile.TarInfo("../../escaped"); d = b"out\n"; i.size = len(d)
    t.addfile(i, io.BytesIO(d))
PY
    run --separate-stderr pcon volume import vgz "$BATS_TEST_TMPDIR/bad.tar"
    [ "$status" -ne 0 ]
    assert_one_error_line
    run find "$PCON_ROOT" -name escaped
    assert_output ""
    run -125 pcon volume import nosuch "$BATS_TEST_TMPDIR/v.tar"
    run -125 pcon volume export -o "$BATS_TEST_TMPDIR/none.tar" nosuch
    run ls "$BATS_TEST_TMPDIR"
    refute_output_contains "none.tar" # nor a temporary one
    pcon volume rm vexp vimp vgz >/dev/null
}

@test "an image's VOLUME is an anonymous volume filled from the image (--image-volume bind); tmpfs or ignore when asked" {
    local ctx=$BATS_TEST_TMPDIR/ctx
    mkdir -p "$ctx"
    printf 'FROM %s\nRUN mkdir -p /data && echo seeded > /data/f\nVOLUME /data\n' "$IMAGE" >"$ctx/Dockerfile"
    pcon build -q -t localhost/withvol "$ctx" >/dev/null
    local before
    before=$(pcon volume ls -q | wc -l)
    pcon run --name iv localhost/withvol sh -c 'cat /data/f; echo more > /data/g'
    run pcon inspect --format '{{range .Mounts}}{{.Type}} {{.Destination}}{{end}}' iv
    assert_output "volume /data"
    [ "$(pcon volume ls -q | wc -l)" -eq $((before + 1)) ]
    # it goes with rm -v, as an anonymous -v /data would
    pcon rm -v iv >/dev/null
    [ "$(pcon volume ls -q | wc -l)" -eq "$before" ]
    run pcon run --rm localhost/withvol cat /data/f
    assert_output seeded
    [ "$(pcon volume ls -q | wc -l)" -eq "$before" ]
    # a mount of the container's own at the path wins
    pcon volume create mine >/dev/null
    run pcon run --rm -v mine:/data localhost/withvol cat /data/f
    assert_output seeded
    [ "$(pcon volume ls -q | wc -l)" -eq $((before + 1)) ]
    pcon volume rm mine >/dev/null
    run pcon run --rm --image-volume tmpfs localhost/withvol sh -c 'grep " /data " /proc/mounts | cut -d" " -f3; ls /data | wc -l'
    assert_output $'tmpfs\n0'
    run pcon run --rm --image-volume ignore localhost/withvol sh -c 'grep -c " /data " /proc/mounts; cat /data/f'
    assert_output $'0\nseeded'
    [ "$(pcon volume ls -q | wc -l)" -eq "$before" ]
    run -125 --separate-stderr pcon run --rm --image-volume nope localhost/withvol true
    [ "$stderr" = 'Error: invalid image-volume type "nope". Pick one of bind, tmpfs, or ignore' ]
    pcon rmi localhost/withvol >/dev/null
}

@test "volume reload: no volume plugins, nothing added or removed, the volumes as they were" {
    pcon volume create stays >/dev/null
    run pcon volume reload
    assert_status 0
    assert_output ""
    run pcon volume ls -q
    assert_output stays
    run pcon volume reload extra
    assert_status 125
    pcon volume rm stays >/dev/null
}
