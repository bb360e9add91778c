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

@test "--subuidname/--subgidname map NAME's /etc/subuid ranges: root is their first id on the host" {
    local slice d=$BATS_TEST_TMPDIR/vol own
    slice=$(awk -F: '$1 == "pcon-slice" { print $2; exit }' /etc/subuid)
    [ -n "$slice" ] || skip "no pcon-slice range in /etc/subuid (contrib/setup-host.sh adds it)"
    own=$(subuid_start)
    mkdir -m 0777 "$d"
    # the host's ids, as pcon's namespace has them: container 0 is the slice's first
    run pcon run --rm --subuidname pcon-slice -v "$d:/d" $IMAGE sh -c \
        'cat /proc/self/uid_map /proc/self/gid_map; touch /d/f; chown 5:5 /d/f'
    assert_status 0
    [[ "${lines[0]}" =~ ^\ +0\ +$((slice - own + 1))\ +2000$ ]]
    [[ "${lines[1]}" =~ ^\ +0\ +$((slice - own + 1))\ +2000$ ]]
    [ "$(stat -c %u:%g "$d/f")" = "$((slice + 5)):$((slice + 5))" ]
    # its own name: the whole of its ranges; with --uidmap after them
    run pcon run --rm --subuidname "$(id -un)" --subgidname "$(id -un)" --uidmap 70000:0:1 $IMAGE cat /proc/self/uid_map
    assert_status 0
    [[ "${lines[0]}" =~ ^\ +0\ +1\ +65536$ ]]
    [[ "${lines[1]}" =~ ^\ +70000\ +0\ +1$ ]]
    # a pod's user namespace, its members'
    pcon pod create --name subpod --subuidname pcon-slice >/dev/null
    run pcon run --rm --pod subpod $IMAGE cat /proc/self/uid_map
    [[ "$output" =~ ^\ +0\ +$((slice - own + 1))\ +2000$ ]]
    pcon pod rm -f -t 0 subpod >/dev/null
    # refused: ranges not the user's, no ranges, with --userns
    run -125 --separate-stderr pcon run --rm --subuidname pcon-outside $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"is not among this user's subordinate ids"* ]]
    run -125 --separate-stderr pcon run --rm --subgidname nosuch $IMAGE true
    [ "$stderr" = 'Error: no subuid ranges found for user "nosuch" in /etc/subuid' ]
    run -125 --separate-stderr pcon run --rm --userns keep-id --subuidname pcon-slice $IMAGE true
    [[ "$stderr" == *"mutually exclusive"* ]]
    assert_no_containers
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

# the number of shifted copies of layers there are
copies() {
    pcon unshare sh -c "ls -d '$PCON_ROOT'/layers/*/mapped/* 2>/dev/null | grep -v /.tmp- | wc -l"
}

# at least N copies, and none under way
copies_made() {
    [ "$(copies)" -ge "$1" ] \
        && ! pcon unshare sh -c "ls -a '$PCON_ROOT'/layers/*/mapped/ 2>/dev/null" | grep -q '^\.tmp-'
}

@test "the image's layers are shifted once per map, kept with the layer, gone with it" {
    local before after
    pcon tag $IMAGE localhost/shifted
    pcon run --rm --userns keep-id:uid=7,gid=7 localhost/shifted true
    # made behind the first start
    wait_for 30 copies_made 1
    before=$(pcon unshare sh -c "ls -d '$PCON_ROOT'/layers/*/mapped/* | wc -l")
    [ "$before" -ge 1 ]
    pcon run --rm --userns keep-id:uid=7,gid=7 localhost/shifted true
    after=$(pcon unshare sh -c "ls -d '$PCON_ROOT'/layers/*/mapped/* | wc -l")
    [ "$after" = "$before" ]
    # no copy half-made is left behind
    run pcon unshare sh -c "ls -a '$PCON_ROOT'/layers/*/mapped/"
    refute_output_contains .tmp-
}

@test "a first start of a new map goes over fuse-overlayfs's view of the layers while their copies are made; what it writes stays, the restart is native" {
    local id n
    pcon tag $IMAGE localhost/viewed
    n=$(copies)
    pcon run -d --name kview --userns keep-id:uid=9,gid=9 localhost/viewed sleep 60
    id=$(pcon inspect --format '{{.Id}}' kview)
    # the view's daemon, over the layers as they are, with the map
    run pgrep -u "$(id -u)" -f "fuse-overlayfs .*uidmapping=0:1:9:.*containers/$id/vie[w]"
    assert_status 0
    # the image's files are root's inside; only root may write them
    run pcon exec kview sh -c 'stat -c "%u:%g" /bin/busybox; touch /bin/x 2>&1; id -u'
    [ "${lines[0]}" = 0:0 ]
    [[ "${lines[1]}" == *"Permission denied"* ]]
    [ "${lines[2]}" = 9 ]
    pcon exec -u 0 kview sh -c 'echo kept > /bin/new; chown 5:6 /bin/new; rm /bin/cat'
    wait_for 30 copies_made $((n + 1))
    pcon stop -t 0 kview
    # the daemon went with the stop
    wait_for 10 sh -c "! pgrep -u $(id -u) -f 'containers/$id/vie[w]' >/dev/null"
    # the writable layer is overlay's own: the copies take over from the view
    pcon start kview
    run pgrep -u "$(id -u)" -f "containers/$id/vie[w]"
    assert_status 1
    run pcon exec kview sh -c 'cat /bin/new; stat -c "%u:%g" /bin/new /bin/busybox; ls /bin/cat 2>&1'
    [ "${lines[0]}" = kept ]
    [ "${lines[1]}" = 5:6 ]
    [ "${lines[2]}" = 0:0 ]
    [[ "${lines[3]}" == *"No such file"* ]]
    run pcon diff kview
    assert_output_contains "A /bin/new"
    assert_output_contains "D /bin/cat"
    pcon rm -f -t 0 kview
    # a second container of that map: no view
    pcon run -d --name kview2 --userns keep-id:uid=9,gid=9 localhost/viewed sleep 60
    id=$(pcon inspect --format '{{.Id}}' kview2)
    run pgrep -u "$(id -u)" -f "containers/$id/vie[w]"
    assert_status 1
    pcon rm -f -t 0 kview2
    pcon rmi localhost/viewed
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

@test "a user namespace of its own joins another container's net, pid, ipc and uts namespaces, and exec does too" {
    pcon run -d --name nsowner --hostname ownerhost $IMAGE sh -c 'echo owned > /dev/shm/x; sleep 60'
    local owner_net owner_pid owner_ifs
    owner_net=$(pcon exec nsowner readlink /proc/self/ns/net)
    owner_pid=$(pcon exec nsowner readlink /proc/1/ns/pid)
    owner_ifs=$(pcon exec nsowner sh -c 'ls /sys/class/net | sort | tr "\n" " "')
    # its network: the owner's interfaces, in its own sysfs too
    run pcon run --rm --userns keep-id --network container:nsowner $IMAGE sh -c \
        'readlink /proc/self/ns/net; id -u; ls /sys/class/net | sort | tr "\n" " "; echo; cat /proc/self/uid_map | wc -l'
    assert_status 0
    [ "${lines[0]}" = "$owner_net" ]
    [ "${lines[1]}" = "$(id -u)" ]
    [ "${lines[2]}" = "$owner_ifs" ]
    [[ "$owner_ifs" == *tap0* ]]
    [ "${lines[3]}" = 3 ]
    # its pid namespace: the owner's processes in a proc of that namespace,
    # masked and read-only as ever
    run pcon run --rm --userns auto --pid container:nsowner $IMAGE sh -c \
        'readlink /proc/self/ns/pid; cat /proc/1/cmdline | tr "\0" " "; echo; (echo 1 > /proc/sys/kernel/hostname) 2>/dev/null || echo ro'
    assert_status 0
    [ "${lines[0]}" = "$owner_pid" ]
    [ "${lines[1]}" = "sleep 60 " ] # the owner's shell exec'd its last command
    [ "${lines[2]}" = ro ]
    # ipc and uts: the owner's hostname, and a mqueue of its ipc namespace
    run pcon run --rm --userns auto --ipc container:nsowner --uts container:nsowner $IMAGE sh -c \
        'hostname; grep -c " /dev/mqueue mqueue " /proc/self/mounts'
    assert_status 0
    assert_output $'ownerhost\n1'
    # exec joins them all, the user namespace last
    pcon run -d --name nsjoiner --userns auto --network container:nsowner --pid container:nsowner $IMAGE sleep 60
    run pcon exec nsjoiner sh -c 'readlink /proc/self/ns/net; cat /proc/self/uid_map'
    assert_status 0
    [ "${lines[0]}" = "$owner_net" ]
    [[ "${lines[1]}" =~ ^\ +0\ +[1-9][0-9]*\ +[0-9]+$ ]]
    # a restart joins again
    pcon restart -t 0 nsjoiner
    run pcon exec nsjoiner readlink /proc/self/ns/net
    assert_output "$owner_net"
    pcon rm -f -t 0 nsjoiner nsowner
}

@test "a user namespace of its own cannot join a pod's namespaces: a clear error" {
    pcon pod create --name plainpod
    run -125 --separate-stderr pcon run --rm --userns keep-id --pod plainpod $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"pod create --userns"* ]]
    pcon pod rm -f -t 0 plainpod
}

@test "--userns ns:PATH joins the user namespace there, with its maps; the root is shifted for them" {
    pcon run -d --name nsuser --userns auto $IMAGE sleep 60
    local pid uns
    pid=$(pcon inspect --format '{{.State.Pid}}' nsuser)
    uns=$(pcon exec nsuser readlink /proc/self/ns/user)
    run pcon run --rm --userns "ns:/proc/$pid/ns/user" $IMAGE sh -c \
        'readlink /proc/self/ns/user; id -u; stat -c %u:%g /bin/busybox; touch /made && stat -c %u /made'
    assert_status 0
    assert_output "$uns
0
0:0
0"
    run pcon create --name nspath --userns "ns:/proc/$pid/ns/user" $IMAGE true
    assert_status 0
    run pcon inspect --format '{{.HostConfig.UsernsMode}} {{json .HostConfig.IDMappings.UidMap}}' nspath
    assert_output "ns:/proc/$pid/ns/user $(pcon inspect --format '{{json .HostConfig.IDMappings.UidMap}}' nsuser)"
    # gone with its process: the start says so
    pcon rm -f -t 0 nsuser
    run --separate-stderr pcon start -a nspath
    [ "$status" -ne 0 ]
    assert_one_error_line
    pcon rm -f nspath
}

@test "--userns ns: refuses what is not a child user namespace of pcon's, in one line" {
    pcon run -d --name nsother $IMAGE sleep 60
    local pid
    pid=$(pcon inspect --format '{{.State.Pid}}' nsother)
    run -125 --separate-stderr pcon run --rm --userns "ns:/proc/$pid/ns/net" $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"is not a user namespace"* ]]
    # pcon's own (the plain container's) is not one of a container's own
    run -125 --separate-stderr pcon run --rm --userns "ns:/proc/$pid/ns/user" $IMAGE true
    [[ "$stderr" == *"is not a child of pcon's"* ]]
    run -125 --separate-stderr pcon run --rm --userns ns:/no/such $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --userns ns:relative $IMAGE true
    [[ "$stderr" == *"absolute path"* ]]
    pcon rm -f -t 0 nsother
    run pcon ps -a -q
    assert_output ""
}

@test "--hostuser adds the host's accounts to /etc/passwd as podman writes them" {
    local me image_passwd
    me=$(id -un)
    image_passwd=$(pcon run --rm $IMAGE cat /etc/passwd)
    run pcon run --rm --hostuser "$me" --hostuser 1 -w /tmp $IMAGE cat /etc/passwd
    assert_status 0
    assert_output "$image_passwd
$me:*:$(id -u):$(id -g)::/tmp:/bin/sh
$(getent passwd 1 | cut -d: -f1):*:1:$(getent passwd 1 | cut -d: -f4):$(getent passwd 1 | cut -d: -f5):/tmp:/bin/sh"
    # the user can be named, an entry the image has is left alone
    run pcon run --rm --hostuser "$me" --hostuser root --user "$me" $IMAGE sh -c 'id -u; grep -c ^root: /etc/passwd'
    assert_output "$(id -u)
1"
    # with keep-id's own entry, once
    run pcon run --rm --userns keep-id --hostuser "$me" $IMAGE grep -c "^$me:" /etc/passwd
    assert_output 1
    # the image's file is untouched
    run pcon run --rm $IMAGE cat /etc/passwd
    assert_output "$image_passwd"
    run -125 --separate-stderr pcon run --rm --hostuser no-such-user $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"unknown user no-such-user"* ]]
}

@test "file capabilities survive the shift of a user namespace of its own, and a commit of its changes" {
    local p=/probe/probe
    pcon run --name capsrc -v "$PROBE_DIR:/probe:ro" $IMAGE sh -c "cp $p /capped && $p setcap /capped"
    pcon commit -q capsrc localhost/capped >/dev/null
    pcon rm capsrc
    # cap_net_bind_service (0x400) for a non-root user, through the file
    for mode in "" "--userns auto" "--userns keep-id"; do
        run pcon run --rm --user 1000 $mode localhost/capped /capped capeff
        assert_output "CapEff:	0000000000000400"
    done
    run pcon run --rm --user 1000 localhost/capped cat /proc/self/status
    [[ "$output" == *"CapEff:	0000000000000000"* ]]
    # inside, they are its root's (v2); in the shifted copy on disk, the
    # shifted root's (v3, rootid the container's root as pcon numbers it)
    run pcon run --rm --userns auto:size=1500 localhost/capped /capped getcap /capped
    assert_output 0100000200040000000000000000000000000000
    run pcon unshare sh -c "for f in \"$PCON_ROOT\"/layers/*/mapped/*/capped; do \"$PROBE_DIR/probe\" getcap \"\$f\"; done"
    assert_status 0
    [ "${#lines[@]}" -ge 2 ]
    for l in "${lines[@]}"; do
        [[ "$l" =~ ^0100000300040000000000000000000000000000[0-9a-f]{8}$ ]]
        [[ "$l" != *00000000 ]]
    done
    # written by the root of a user namespace of its own and committed:
    # the image root's again
    pcon run --name capsrc2 --userns auto -v "$PROBE_DIR:/probe:ro" $IMAGE sh -c \
        "cp $p /capped2 && $p setcap /capped2"
    pcon commit -q capsrc2 localhost/capped2 >/dev/null
    pcon rm capsrc2
    run pcon run --rm --user 1000 localhost/capped2 /capped2 capeff
    assert_output "CapEff:	0000000000000400"
    pcon rmi localhost/capped localhost/capped2
}

@test "--user UID the image lacks gets podman's passwd entry; --passwd=false none; --passwd-entry's template" {
    run pcon run --rm --user 1234 $IMAGE sh -c 'tail -1 /etc/passwd; id -un; echo "$HOME"'
    assert_output "1234:*:1234:0:container user:/:/bin/sh
1234
/"
    run pcon run --rm --user 1234:555 -w /tmp $IMAGE tail -1 /etc/passwd
    assert_output "1234:*:1234:555:container user:/tmp:/bin/sh"
    run pcon run --rm --passwd=false --user 1234 $IMAGE sh -c 'grep -c ^1234: /etc/passwd'
    assert_output 0
    run pcon run --rm --user 1234 --passwd-entry '$USERNAME:x:$UID:$GID:$NAME:$HOME:/bin/false' $IMAGE tail -1 /etc/passwd
    assert_output "1234:x:1234:0:container user:/:/bin/false"
    run pcon run --rm --userns keep-id --passwd-entry '$USERNAME:x:$UID:$GID::$HOME:/bin/false' $IMAGE tail -1 /etc/passwd
    assert_output "$(id -un):x:$(id -u):$(id -g)::/:/bin/false"
    # a uid the image has: its own entry, nothing added
    run pcon run --rm --user 1000 $IMAGE sh -c 'grep -c ":1000:" /etc/passwd'
    assert_output 1
}
