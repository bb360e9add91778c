#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# A user namespace of the container's own, nested in pcon's: --userns
# keep-id, nomap, auto, --uidmap/--gidmap. Its ids are checked from both
# sides: inside (id, /proc/self/uid_map, owners) and on the host (owners of
# what it writes), and the image's files are shown as the image's.

load helpers

subuid_start() {
    awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid
}

@test "keep-id: the invoking user's uid, gid and name inside; the image's files stay root's" {
    run pcon run --rm --userns keep-id $IMAGE sh -c \
        'id -u; id -g; id -un; echo "$HOME"; stat -c %u:%g / /bin/busybox; cat /proc/self/uid_map'
    assert_status 0
    [ "${lines[0]}" = "$(id -u)" ]
    [ "${lines[1]}" = "$(id -g)" ]
    [ "${lines[2]}" = "$(id -un)" ]
    [ "${lines[3]}" = / ]
    [ "${lines[4]}" = 0:0 ]
    [ "${lines[5]}" = 0:0 ]
    # podman's map: 0..uid-1 -> 1..uid, uid -> the user, the rest as it is
    [[ "${lines[6]}" =~ ^\ +0\ +1\ +$(id -u)$ ]]
    [[ "${lines[7]}" =~ ^\ +$(id -u)\ +0\ +1$ ]]
    [[ "${lines[8]}" =~ ^\ +$(($(id -u) + 1))\ +$(($(id -u) + 1))\ + ]]
    run pcon run --rm --userns keep-id $IMAGE grep "^$(id -un):" /etc/passwd
    assert_output "$(id -un):*:$(id -u):$(id -g)::/:/bin/sh"
}

@test "keep-id: the user's files in a bind mount are the user's inside, and what it writes is the user's" {
    local d=$BATS_TEST_TMPDIR/share
    mkdir "$d"
    echo mine > "$d/f"
    chmod 700 "$d"
    run pcon run --rm --userns keep-id -v "$d:/v" $IMAGE sh -c \
        'stat -c %u /v/f; cat /v/f; echo theirs > /v/g'
    assert_status 0
    [ "${lines[0]}" = "$(id -u)" ]
    [ "${lines[1]}" = mine ]
    [ "$(stat -c %u:%g "$d/g")" = "$(id -u):$(id -g)" ]
    [ "$(cat "$d/g")" = theirs ]
}

@test "keep-id:uid=,gid= picks the ids, with podman's entries for them" {
    run pcon run --rm --userns keep-id:uid=200,gid=300 $IMAGE sh -c \
        'id -u; id -g; grep ":200:" /etc/passwd; grep "^300:" /etc/group; stat -c %u /etc/passwd'
    assert_status 0
    [ "${lines[0]}" = 200 ]
    [ "${lines[1]}" = 300 ]
    [ "${lines[2]}" = "200:*:200:300:container user:/:/bin/sh" ]
    [ "${lines[3]}" = "300:x:300:200" ]
    [ "${lines[4]}" = 0 ]
    # --user still wins over keep-id's default user
    run pcon run --rm --userns keep-id --user 0 $IMAGE id -u
    assert_output 0
}

@test "nomap: the invoking user is not mapped; root is a subordinate id on the host" {
    local d=$BATS_TEST_TMPDIR/nomap
    mkdir "$d"
    touch "$d/mine"
    chmod 777 "$d"
    run pcon run --rm --userns nomap -v "$d:/v" $IMAGE sh -c \
        'id -u; cat /proc/self/uid_map; stat -c %u /v/mine; touch /v/made'
    assert_status 0
    [ "${lines[0]}" = 0 ]
    [[ "${lines[1]}" =~ ^\ +0\ +1\ +65536$ ]]
    [ "${lines[2]}" = 65534 ]
    [ "$(stat -c %u "$d/made")" = "$(subuid_start)" ]
    # and the user's own private files are out of its reach
    chmod 700 "$d"
    run pcon run --rm --userns nomap -v "$d:/v" $IMAGE cat /v/mine
    [ "$status" -ne 0 ]
    [[ "$output" == *"Permission denied"* ]]
    chmod 777 "$d"
    pcon unshare rm -f "$d/made"
}

@test "auto: running containers get disjoint slices, sized for the image's ids; size= is honoured" {
    local want
    # podman's size: the largest id the image's passwd and group name, plus one, at least 1024
    want=$(pcon run --rm $IMAGE cat /etc/passwd /etc/group |
        awk -F: '{ for (i = 3; i <= 4; i++) if ($i ~ /^[0-9]+$/ && $i != 65534 && $i + 0 > m) m = $i + 0 }
                 END { m++; print (m < 1024 ? 1024 : m) }')
    pcon run -d --name auto1 --userns auto $IMAGE sleep 60
    pcon run -d --name auto2 --userns auto:size=500 $IMAGE sleep 60
    run pcon exec auto1 cat /proc/self/uid_map
    [[ "$output" =~ ^\ +0\ +1\ +$want$ ]]
    run pcon exec auto2 cat /proc/self/uid_map
    [[ "$output" =~ ^\ +0\ +$((want + 1))\ +500$ ]]
    run pcon inspect auto2 --format '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}}'
    assert_output "private {\"UidMap\":[\"0:$((want + 1)):500\"],\"GidMap\":[\"0:$((want + 1)):500\"]}"
    # once auto1 is gone, its slice is free again
    pcon rm -f -t 0 auto1
    run pcon run --rm --userns auto:size=100 $IMAGE cat /proc/self/uid_map
    [[ "$output" =~ ^\ +0\ +1\ +100$ ]]
    pcon rm -f -t 0 auto2
}

@test "exec joins the container's own user namespace as its user" {
    pcon run -d --name kexec --userns keep-id $IMAGE sleep 60
    run pcon exec kexec sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/1/ns/user'
    assert_status 0
    [ "${lines[0]}" = "$(id -u)" ]
    [ "${lines[1]}" = "${lines[2]}" ]
    [ "${lines[1]}" != "$(pcon unshare readlink /proc/self/ns/user)" ]
    pcon rm -f -t 0 kexec
}

@test "--uidmap and --gidmap make the maps; one stands for both" {
    run pcon run --rm --uidmap 0:100:2000 --gidmap 0:200:3000 $IMAGE cat /proc/self/uid_map /proc/self/gid_map
    assert_status 0
    [[ "${lines[0]}" =~ ^\ +0\ +100\ +2000$ ]]
    [[ "${lines[1]}" =~ ^\ +0\ +200\ +3000$ ]]
    run pcon run --rm --uidmap 0:100:2000 $IMAGE cat /proc/self/gid_map
    [[ "$output" =~ ^\ +0\ +100\ +2000$ ]]
    run pcon run --rm --uidmap 0:1:100 --uidmap 100:2000:10 $IMAGE stat -c %u:%g /bin/busybox
    assert_output 0:0
}

@test "bad user namespace options are one-line errors that make nothing" {
    run -125 --separate-stderr pcon run --rm --userns bogus $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"unrecognized namespace mode bogus passed"* ]]
    run -125 --separate-stderr pcon run --rm --uidmap 0:1:10 --uidmap 5:100:10 $IMAGE true
    [[ "$stderr" == *overlaps* ]]
    run -125 --separate-stderr pcon run --rm --uidmap 0:1:99999999 $IMAGE true
    [[ "$stderr" == *outside* ]]
    run -125 --separate-stderr pcon run --rm --uidmap 0:x:1 $IMAGE true
    [[ "$stderr" == *"CONTAINER:HOST:SIZE"* ]]
    run -125 --separate-stderr pcon run --rm --userns keep-id --uidmap 0:1:10 $IMAGE true
    [[ "$stderr" == *"mutually exclusive"* ]]
    run -125 --separate-stderr pcon run --rm --userns auto:size=x $IMAGE true
    run -125 --separate-stderr pcon run --rm --userns keep-id:uid=99999999 $IMAGE true
    assert_one_error_line
    assert_no_containers
}

@test "the image's layers are shifted once per map, kept with the layer, gone with it" {
    local before after
    pcon tag $IMAGE localhost/shifted
    pcon run --rm --userns keep-id:uid=7,gid=7 localhost/shifted true
    before=$(pcon unshare sh -c "ls -d '$PCON_ROOT'/layers/*/mapped/* | wc -l")
    [ "$before" -ge 1 ]
    pcon run --rm --userns keep-id:uid=7,gid=7 localhost/shifted true
    after=$(pcon unshare sh -c "ls -d '$PCON_ROOT'/layers/*/mapped/* | wc -l")
    [ "$after" = "$before" ]
    # no copy half-made is left behind
    run pcon unshare sh -c "ls -a '$PCON_ROOT'/layers/*/mapped/"
    refute_output_contains .tmp-
}

@test "cp and a restart work on a container of its own user namespace" {
    echo copied > "$BATS_TEST_TMPDIR/in"
    pcon run -d --name kcp --userns keep-id $IMAGE sleep 60
    pcon cp "$BATS_TEST_TMPDIR/in" kcp:/tmp/in
    run pcon exec kcp cat /tmp/in
    assert_output copied
    pcon restart -t 0 kcp
    run pcon exec kcp sh -c 'cat /tmp/in; id -u'
    assert_status 0
    [ "${lines[0]}" = copied ]
    [ "${lines[1]}" = "$(id -u)" ]
    pcon rm -f -t 0 kcp
}

@test "pod create --userns keep-id: its members share the pod's user namespace, run as the user, and share localhost" {
    pcon pod create --name kpod --userns keep-id
    pcon run -d --pod kpod --name kweb $IMAGE httpd -f -p 8080 -h /etc
    run pcon run --rm --pod kpod $IMAGE sh -c \
        'id -u; readlink /proc/self/ns/user; sleep 0.3; wget -qO- http://127.0.0.1:8080/passwd | grep -c "^$(id -un):"'
    assert_status 0
    [ "${lines[0]}" = "$(id -u)" ]
    [ "${lines[2]}" = 1 ]
    local ns=${lines[1]}
    [[ "$ns" == user:* ]]
    [ "$ns" != "$(pcon unshare readlink /proc/self/ns/user)" ]
    run pcon exec kweb readlink /proc/self/ns/user
    assert_output "$ns"
    run pcon pod inspect kpod --format '{{.State}}'
    assert_output Running
    # a member may not ask for another
    run -125 --separate-stderr pcon run --rm --pod kpod --userns nomap $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"--userns and --pod cannot be set together"* ]]
    pcon pod rm -f -t 0 kpod
}

@test "--userns container:NAME joins another container's user namespace, with its maps" {
    pcon run -d --name uowner --userns auto:size=2000 $IMAGE sleep 60
    run pcon run --rm --userns container:uowner $IMAGE sh -c \
        'readlink /proc/self/ns/user; cat /proc/self/uid_map; stat -c %u /bin/busybox'
    assert_status 0
    [ "${lines[0]}" = "$(pcon exec uowner readlink /proc/self/ns/user)" ]
    [[ "${lines[1]}" =~ ^\ +0\ +[0-9]+\ +2000$ ]]
    [ "${lines[2]}" = 0 ]
    pcon run -d --name uplain $IMAGE sleep 60
    run -125 --separate-stderr pcon run --rm --userns container:uplain $IMAGE true
    [[ "$stderr" == *"has no user namespace of its own"* ]]
    run -125 --separate-stderr pcon run --rm --userns container:no-such $IMAGE true
    assert_one_error_line
    # joined, its owner must be running
    pcon create --name ujoin --userns container:uowner $IMAGE true
    pcon rm -f -t 0 uowner
    run --separate-stderr pcon start -a ujoin
    [ "$status" -ne 0 ]
    pcon rm -f -t 0 uplain ujoin
}

@test "a user namespace of its own cannot join a pod's or another container's other namespaces: a clear error" {
    pcon run -d --name nsowner $IMAGE sleep 60
    run -125 --separate-stderr pcon run --rm --userns keep-id --network container:nsowner $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"cannot join another container's namespaces"* ]]
    pcon pod create --name plainpod
    run -125 --separate-stderr pcon run --rm --userns keep-id --pod plainpod $IMAGE true
    [[ "$stderr" == *"pod create --userns"* ]]
    pcon pod rm -f -t 0 plainpod
    pcon rm -f -t 0 nsowner
}
