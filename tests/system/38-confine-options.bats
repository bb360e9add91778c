#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# What a container is given or held to besides namespaces, capabilities
# and seccomp: --privileged, --device, --ulimit, --sysctl, --tz,
# --env-host, --group-add, --cgroupns, --oom-score-adj, --init-path. Each
# is checked where it acts (inside the container) and refused, in one line
# and before anything is made, where it cannot.

load helpers

@test "--privileged: every capability, no seccomp, no masked paths, sysfs writable, the host's devices" {
    local last all
    last=$(cat /proc/sys/kernel/cap_last_cap)
    all=$(printf '%016x' $(((1 << (last + 1)) - 1)))
    run pcon run --rm --privileged $IMAGE sh -c \
        'grep -E "^(CapEff|CapBnd|Seccomp):" /proc/self/status; mount; ls /dev'
    assert_status 0
    [[ "${lines[0]}" == *"$all" ]]
    [[ "${lines[1]}" == *"$all" ]]
    [[ "${lines[2]}" == *$'\t0' ]]
    refute_output_contains ' on /proc/keys '
    refute_output_contains ' on /proc/sys '
    [[ "$output" =~ sysfs\ on\ /sys\ type\ sysfs\ \(rw ]]
    assert_output_contains fuse
    # and without it: the default set, seccomp filtering, the masks
    run pcon run --rm $IMAGE sh -c 'grep -E "^(CapEff|Seccomp):" /proc/self/status; mount'
    [[ "${lines[0]}" != *"$all" ]]
    [[ "${lines[1]}" == *$'\t2' ]]
    assert_output_contains ' on /proc/keys '
}

@test "--device binds a host device node, at its path or another" {
    run pcon run --rm --device /dev/fuse --device /dev/null:/dev/mynull $IMAGE sh -c \
        'stat -c "%t:%T" /dev/fuse /dev/mynull; echo gone > /dev/mynull'
    assert_status 0
    [ "${lines[0]}" = a:e5 ]
    [ "${lines[1]}" = 1:3 ]
    run -125 --separate-stderr pcon run --rm --device /dev/no-such-device $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"/dev/no-such-device"* ]]
    run -125 --separate-stderr pcon run --rm --device /etc/passwd $IMAGE true
    [[ "$stderr" == *"is not a device"* ]]
    assert_no_containers
}

@test "--ulimit sets limits; above the user's hard limit is refused; open files default to the hard limit" {
    local hard
    hard=$(ulimit -Hn)
    run pcon run --rm --ulimit nofile=100:200 --ulimit core=0 $IMAGE sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
    assert_status 0
    [ "${lines[0]}" = 100 ]
    [ "${lines[1]}" = 200 ]
    [ "${lines[2]}" = 0 ]
    run pcon run --rm $IMAGE sh -c 'ulimit -n'
    assert_output "$hard"
    if [ "$hard" != unlimited ]; then
        run -125 --separate-stderr pcon run --rm --ulimit nofile=$((hard + 1)) $IMAGE true
        assert_one_error_line
        [[ "$stderr" == *"hard limit"* ]]
    fi
    run -125 --separate-stderr pcon run --rm --ulimit bogus=1 $IMAGE true
    [[ "$stderr" == *"invalid ulimit type"* ]]
    run -125 --separate-stderr pcon run --rm --ulimit nofile=200:100 $IMAGE true
    [[ "$stderr" == *"soft limit must be less than or equal"* ]]
    # exec runs under them too
    pcon run -d --name ulim --ulimit nofile=150:150 $IMAGE sleep 60
    run pcon exec ulim sh -c 'ulimit -n'
    assert_output 150
    pcon rm -f -t 0 ulim
}

@test "--sysctl sets namespaced settings: a non-root user may then bind port 80" {
    run pcon run --rm --user 1000 $IMAGE sh -c 'httpd -f -p 80'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Permission denied"* ]]
    run pcon run --rm --user 1000 --sysctl net.ipv4.ip_unprivileged_port_start=0 $IMAGE sh -c \
        'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; httpd -p 80 -h /etc && sleep 0.3 &&
         wget -qO- http://127.0.0.1:80/passwd | head -1'
    assert_status 0
    [ "${lines[0]}" = 0 ]
    [[ "${lines[1]}" == root:* ]]
    local before
    before=$(cat /proc/sys/kernel/msgmax)
    run pcon run --rm --sysctl kernel.msgmax=$((before - 1)) $IMAGE cat /proc/sys/kernel/msgmax
    assert_output $((before - 1))
    # the host's own setting is untouched
    [ "$(cat /proc/sys/kernel/msgmax)" = "$before" ]
}

@test "--sysctl refuses what is not the container's own namespace's, and paths out of /proc/sys" {
    run -125 --separate-stderr pcon run --rm --sysctl vm.swappiness=1 $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"sysctl 'vm.swappiness' is not allowed"* ]]
    run -125 --separate-stderr pcon run --rm --network host --sysctl net.ipv4.ip_forward=1 $IMAGE true
    [[ "$stderr" == *"Network Namespace set to host"* ]]
    run -125 --separate-stderr pcon run --rm --ipc host --sysctl kernel.shmmax=1 $IMAGE true
    [[ "$stderr" == *"IPC Namespace set to host"* ]]
    run -125 --separate-stderr pcon run --rm --sysctl net/../../kernel/hostname=x $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --sysctl net.ipv4.ip_forward $IMAGE true
    assert_no_containers
}

@test "--tz binds the zone at /etc/localtime; a zone that is not there is refused" {
    [ -f /usr/share/zoneinfo/Europe/Paris ] || skip "no tzdata on this host"
    run pcon run --rm --tz Europe/Paris $IMAGE sh -c 'date -d "2026-01-15 12:00" +%Z'
    assert_output CET
    run -125 --separate-stderr pcon run --rm --tz Nowhere/Atlantis $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --tz ../../etc/passwd $IMAGE true
    [[ "$stderr" == *"invalid time zone"* ]]
}

@test "--env-host passes the caller's environment; -e still wins" {
    PCON_TEST_VAR=from-host run pcon run --rm --env-host -e PCON_OTHER=flag $IMAGE sh -c \
        'echo "$PCON_TEST_VAR $PCON_OTHER"'
    assert_output "from-host flag"
    PCON_TEST_VAR=from-host run pcon run --rm $IMAGE sh -c 'echo "[$PCON_TEST_VAR]"'
    assert_output "[]"
}

@test "--group-add adds supplementary groups, by number or the container's name" {
    run pcon run --rm --group-add 10 --group-add nogroup $IMAGE id -G
    assert_status 0
    [[ " $output " == *" 10 "* ]]
    [[ " $output " == *" 65534 "* ]]
    run -125 --separate-stderr pcon run --rm --group-add no-such-group $IMAGE true
    [[ "$stderr" == *"unable to find group no-such-group"* ]]
    run -125 --separate-stderr pcon run --rm --group-add keep-groups --group-add 10 $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *"not allowed with any other groups"* ]]
}

@test "--group-add keep-groups keeps the user's supplementary groups: a directory only its group may read" {
    # contrib/setup-host.sh makes the test user a member of pcon-extra
    id -nG | tr ' ' '\n' | grep -qx pcon-extra || skip "the test user is not in pcon-extra (contrib/setup-host.sh)"
    local d=$BATS_TEST_TMPDIR/grp
    mkdir "$d"
    echo for-the-group > "$d/f"
    chgrp pcon-extra "$d" "$d/f"
    chmod 0040 "$d/f"
    chmod 0070 "$d"
    # the host's group is not mapped: it shows as 65534, and still counts
    # (for a user that is not the directory's owner, whose bits say no)
    run pcon run --rm -v "$d:/d" --user 1000 --group-add keep-groups $IMAGE sh -c 'id -G; cat /d/f'
    assert_status 0
    [[ " ${lines[0]} " == *" 65534 "* ]]
    [ "${lines[1]}" = for-the-group ]
    run pcon run --rm -v "$d:/d" --userns auto --user 1000 --group-add keep-groups $IMAGE cat /d/f
    assert_output for-the-group
    # exec keeps them too
    pcon run -d --name kg -v "$d:/d" --user 1000 --group-add keep-groups $IMAGE sleep 60
    run pcon exec kg cat /d/f
    assert_output for-the-group
    pcon rm -f -t 0 kg
    # without it, the container's groups only
    run pcon run --rm -v "$d:/d" --user 1000 $IMAGE cat /d/f
    [ "$status" -ne 0 ]
    [[ "$output" == *"Permission denied"* ]]
    chmod 0700 "$d"
}

@test "--cgroupns private gives the container a cgroup namespace of its own" {
    run pcon run --rm --cgroupns private $IMAGE sh -c 'readlink /proc/self/ns/cgroup; cut -d: -f3 /proc/self/cgroup | sort -u'
    assert_status 0
    [ "${lines[0]}" != "$(readlink /proc/self/ns/cgroup)" ]
    [ "${lines[1]}" = / ]
    run pcon run --rm $IMAGE readlink /proc/self/ns/cgroup
    assert_output "$(readlink /proc/self/ns/cgroup)"
    run -125 --separate-stderr pcon run --rm --cgroupns bogus $IMAGE true
    assert_one_error_line
}

@test "--oom-score-adj raises the score; lowering it is the host's to allow" {
    run pcon run --rm --oom-score-adj 500 $IMAGE cat /proc/self/oom_score_adj
    assert_output 500
    run --separate-stderr pcon run --rm --oom-score-adj -500 $IMAGE true
    [ "$status" -ne 0 ]
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --oom-score-adj 5000 $IMAGE true
    assert_one_error_line
}

@test "--init-path runs another init as PID 1 with the command after --" {
    local init=$BATS_TEST_TMPDIR/my-init
    printf '#!/bin/sh\n[ "$1" = -- ] && shift\necho "init pid $$"\nexec "$@"\n' > "$init"
    chmod 755 "$init"
    run pcon run --rm --init --init-path "$init" $IMAGE echo child
    assert_status 0
    [ "${lines[0]}" = "init pid 1" ]
    [ "${lines[1]}" = child ]
    run -125 --separate-stderr pcon run --rm --init --init-path /nonexistent $IMAGE true
    assert_one_error_line
}

@test "--security-opt mask= hides more paths, unmask= (or ALL) shows podman's masked ones" {
    run pcon run --rm --security-opt mask=/etc/passwd:/usr $IMAGE sh -c 'wc -c < /etc/passwd; mount | grep -c " on /proc/keys "'
    assert_output "0
1"
    run pcon run --rm --security-opt unmask=/proc/keys $IMAGE sh -c 'mount | grep -c " on /proc/keys "; mount | grep -c " on /proc/sys "'
    assert_output "0
1"
    run pcon run --rm --security-opt unmask=ALL $IMAGE sh -c 'mount | grep -c " on /proc/keys "; mount | grep -c " on /proc/sys "'
    assert_output "0
0"
    run -125 --separate-stderr pcon run --rm --security-opt mask=relative $IMAGE true
    assert_one_error_line
}

@test "--security-opt proc-opts= mounts /proc with them: hidepid hides root's processes from a user, subset=pid the rest" {
    pcon run -d --name hp --security-opt proc-opts=hidepid=2 $IMAGE sleep 60
    run pcon exec --user 1000 hp sh -c 'test -e /proc/1 && echo seen || echo hidden; grep " /proc proc " /proc/self/mounts'
    assert_status 0
    [ "${lines[0]}" = hidden ]
    [[ "${lines[1]}" == *hidepid=invisible* ]]
    pcon run -d --name nohp $IMAGE sleep 60
    run pcon exec --user 1000 nohp sh -c 'test -e /proc/1 && echo seen || echo hidden'
    assert_output seen
    # in a pid namespace joined by a user namespace of its own too
    run pcon run --rm --userns auto --pid container:nohp --user 1000 --security-opt proc-opts=hidepid=2 \
        $IMAGE sh -c 'test -e /proc/1 && echo seen || echo hidden'
    assert_output hidden
    run pcon run --rm --security-opt proc-opts=subset=pid $IMAGE sh -c 'test -e /proc/meminfo && echo all || echo subset'
    assert_output subset
    pcon rm -f -t 0 hp nohp
    run -125 --separate-stderr pcon run --rm --security-opt proc-opts=hidepid=2,bogus $IMAGE true
    assert_one_error_line
    [[ "$stderr" == *'"bogus"'* ]]
    run pcon ps -a -q
    assert_output ""
}
