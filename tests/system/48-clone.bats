#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon container clone: a copy made from the original's own create
# arguments, with another name, image, pod or limits; --destroy, --run.

load helpers

@test "container clone: the original's command, env and options under NAME-clone; a name, an image, --run" {
    pcon create --name orig -e GREETING=hi -w /tmp --label k=v $IMAGE sh -c 'echo "$GREETING from $(pwd)"' >/dev/null
    run pcon container clone orig
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    run pcon inspect --format '{{.Name}} {{.Config.Labels.k}} {{.Config.WorkingDir}}' orig-clone
    assert_output "orig-clone v /tmp"
    pcon start -a orig-clone >"$BATS_TEST_TMPDIR/out"
    run cat "$BATS_TEST_TMPDIR/out"
    assert_output "hi from /tmp"
    # the next free name, a name given, an image given
    run pcon container clone orig
    assert_status 0
    run pcon inspect --format '{{.Name}}' "$output"
    assert_output "orig-clone1"
    pcon tag $IMAGE localhost/other:1
    pcon container clone orig named localhost/other:1 >/dev/null
    run pcon inspect --format '{{.ImageName}}' named
    assert_output "localhost/other:1"
    # --run starts it
    pcon create --name sleeper $IMAGE sleep 1000 >/dev/null
    pcon container clone --run sleeper sleeper2 >/dev/null
    run pcon inspect --format '{{.State.Status}}' sleeper2
    assert_output "running"
    pcon rm -a -f -t 0 >/dev/null
    pcon rmi localhost/other:1 >/dev/null
}

@test "container clone --destroy: the original goes (a running one only with -f, refused before anything is made)" {
    pcon run -d --name live $IMAGE sleep 1000 >/dev/null
    run -2 --separate-stderr pcon container clone --destroy live copy
    assert_one_error_line
    run pcon container exists copy
    assert_status 1
    run pcon container clone --destroy -f live copy
    assert_status 0
    run pcon container exists live
    assert_status 1
    run pcon ps -a --format '{{.Names}}'
    assert_output "copy"
    run -125 pcon container clone nosuch
    run -125 pcon container clone
    pcon rm -a -f -t 0 >/dev/null
    assert_no_containers
}

@test "container clone into a pod, and a pod member's copy stays in its pod" {
    pcon pod create --name cpod >/dev/null
    pcon create --pod cpod --name member $IMAGE sleep 1000 >/dev/null
    pcon container clone member >/dev/null
    run pcon ps -a --filter pod=cpod --format '{{.Names}}' --sort names
    assert_output_contains "member-clone"
    pcon pod create --name other >/dev/null
    pcon container clone --pod other member moved >/dev/null
    run pcon inspect --format '{{.Pod}}' moved
    assert_output "$(pcon pod inspect --format '{{.Id}}' other)"
    pcon pod rm -a -f -t 0 >/dev/null
    assert_no_containers
}

@test "container checkpoint and restore: refused as podman's rootless ones (CRIU needs root), nothing changed" {
    pcon run -d --name ck $IMAGE sleep 1000 >/dev/null
    run -125 --separate-stderr pcon container checkpoint --leave-running ck
    [ "$stderr" = "Error: checkpointing a container requires root" ]
    run -125 --separate-stderr pcon container restore --import x.tar.gz
    [ "$stderr" = "Error: restoring a container requires root" ]
    run pcon inspect --format '{{.State.Status}}' ck
    assert_output "running"
    pcon rm -f -t 0 ck >/dev/null
}

# pcon run inside pcon unshare (its namespaces, its roots)
in_unshare() { # SCRIPT (it finds pcon as $PCON, absolute)
    PCON="$(readlink -f "$PCON")" "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" unshare sh -c "$1"
}

@test "mount and umount: refused outside pcon unshare (as podman's rootless ones); inside, the container's root to read and write; rm unmounts it" {
    local out
    pcon create --name mnt $IMAGE cat /from-mount >/dev/null
    run -125 --separate-stderr pcon mount mnt
    [ "$stderr" = 'Error: cannot run command "pcon mount" in rootless mode, must execute `pcon unshare` first' ]
    run in_unshare 'P="$PCON --root $PCON_GRAPHROOT --runroot $PCON_RUNROOT"; d=$($P mount mnt) || exit 1
        test -x "$d/bin/busybox" || exit 2
        echo written-through-mount > "$d/from-mount"
        $P mount; $P mount --format json; $P umount mnt; $P umount mnt' 
    echo "$output"
    assert_status 0
    assert_output_contains "$(pcon inspect --format '{{.Id}}' mnt | cut -c1-12)  $PCON_RUNROOT/containers/"
    assert_output_contains '"mountpoint": '
    [[ "$output" == *$'\nmnt\nmnt' ]]
    run pcon start -a mnt
    assert_output "written-through-mount"
    # mounted when removed: unmounted first, nothing left
    in_unshare 'P="$PCON --root $PCON_GRAPHROOT --runroot $PCON_RUNROOT"; $P mount mnt >/dev/null'
    pcon rm mnt >/dev/null
    run in_unshare 'grep -c "/containers/.*/merged" /proc/self/mountinfo'
    assert_output "0"
    assert_no_containers
}

@test "image mount (read-only), volume mount, container cleanup: refused outside pcon unshare as podman's; rmi unmounts an image first" {
    local id
    run -125 --separate-stderr pcon image mount $IMAGE
    [ "$stderr" = 'Error: cannot run command "pcon image mount" in rootless mode, must execute `pcon unshare` first' ]
    run -125 pcon volume mount nosuch
    pcon volume create mvol >/dev/null
    id=$(pcon image inspect --format '{{.Id}}' $IMAGE)
    run in_unshare 'P="$PCON --root $PCON_GRAPHROOT --runroot $PCON_RUNROOT"; d=$($P image mount '"$IMAGE"') || exit 1
        test -x "$d/bin/busybox" || exit 2
        touch "$d/nope" 2>/dev/null && exit 3
        $P image mount; $P image unmount '"$IMAGE"'
        $P volume mount mvol; $P volume unmount mvol'
    echo "$output"
    assert_status 0
    assert_output_contains "  $PCON_RUNROOT/image-mounts/$id"
    assert_output_contains "$PCON_ROOT/volumes/mvol/_data"
    printf '%s\n' "${lines[@]}" | grep -qx "$id" # image unmount prints the id
    # an image mounted when removed: unmounted first
    pcon tag $IMAGE localhost/mounted-img
    pcon import "$BB_TAR" localhost/mounted-img >/dev/null
    in_unshare 'P="$PCON --root $PCON_GRAPHROOT --runroot $PCON_RUNROOT"; $P image mount localhost/mounted-img >/dev/null'
    pcon rmi localhost/mounted-img >/dev/null
    run in_unshare 'grep -c image-mounts /proc/self/mountinfo'
    assert_output "0"
    # cleanup --rm of a stopped container: its mount undone, the container gone
    pcon create --name cu $IMAGE true >/dev/null
    in_unshare 'P="$PCON --root $PCON_GRAPHROOT --runroot $PCON_RUNROOT"; $P mount cu >/dev/null'
    run pcon container cleanup --rm cu
    assert_status 0
    run pcon container exists cu
    assert_status 1
    pcon volume rm mvol >/dev/null
    assert_no_containers
}
