#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The listing commands as podman has them: --noheading, --sort, every ps
# filter key, --ns, table formats whose spaces separate columns, and an
# empty JSON list printed as [].

load helpers

@test "ps --filter: podman's keys, an unknown one refused" {
    pcon volume create fvol
    pcon network create fnet
    pcon run --name f1 -v fvol:/d --label tier=db $IMAGE true
    pcon run --name f2 --network fnet $IMAGE true
    pcon run --name f3 --restart no $IMAGE true
    names() { pcon ps -a --format '{{.Names}}' "$@" | sort | tr '\n' ' '; }
    [ "$(names --filter ancestor=$IMAGE)" = "f1 f2 f3 " ]
    [ "$(names --filter ancestor=bb)" = "f1 f2 f3 " ]
    [ "$(names --filter ancestor=$IMAGE:latest)" = "f1 f2 f3 " ]
    [ "$(names --filter ancestor=localhost/other)" = "" ]
    [ "$(names --filter volume=fvol)" = "f1 " ]
    [ "$(names --filter volume=/d)" = "f1 " ]
    [ "$(names --filter network=fnet)" = "f2 " ]
    [ "$(names --filter label!=tier=db)" = "f2 f3 " ]
    [ "$(names --filter before=f3)" = "f1 f2 " ]
    [ "$(names --filter since=f1)" = "f2 f3 " ]
    [ "$(names --filter until=1h)" = "" ]
    [ "$(names --filter health=none)" = "f1 f2 f3 " ]
    run --separate-stderr pcon ps --filter nosuch=x
    assert_status 125
    [ "$stderr" = "Error: nosuch is an invalid filter" ]
    pcon rm f1 f2 f3
    pcon volume rm fvol
    pcon network rm fnet
}

@test "ps --sort and --noheading; --ns shows the namespaces of each running container" {
    pcon create --name b-second $IMAGE true
    pcon create --name a-first $IMAGE true
    pcon run -d --name c-running $IMAGE sleep 100
    run pcon ps -a --sort names --format '{{.Names}}'
    assert_output "a-first
b-second
c-running"
    # created, podman's default: oldest first
    run pcon ps -a --sort created --format '{{.Names}}'
    assert_output "b-second
a-first
c-running"
    run pcon ps -a --format '{{.Names}}'
    assert_output "b-second
a-first
c-running"
    run pcon ps -a --noheading --sort names
    [ "${#lines[@]}" -eq 3 ]
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}\ +localhost/bb:latest\ +true\ .*a-first$ ]]
    run --separate-stderr pcon ps --sort nosuch
    assert_status 125
    run pcon ps --ns
    [[ "${lines[0]}" =~ ^CONTAINER\ ID\ +NAMES\ +PID\ +CGROUPNS\ +IPC\ +MNT\ +NET\ +PIDNS\ +USERNS\ +UTS$ ]]
    local pid net
    pid=$(pcon inspect --format '{{.State.Pid}}' c-running)
    net=$(pcon unshare readlink "/proc/$pid/ns/net" | tr -dc 0-9)
    [[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +c-running\ +$pid\ .*\ $net\ .* ]]
    pcon rm -f -t 0 a-first b-second c-running
}

@test "pod ps --sort and --noheading; network ls and volume ls --noheading" {
    pcon pod create --name zpod
    pcon pod create --name apod
    run pcon pod ps --sort name --format '{{.Name}}'
    assert_output "apod
zpod"
    run pcon pod ps --noheading
    [ "${#lines[@]}" -eq 2 ]
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}\ +apod\ +Created ]]
    run pcon pod ps -l --format '{{.Name}}'
    assert_output apod
    pcon volume create nhvol
    run pcon volume ls --noheading
    [[ "$output" =~ ^local\ +nhvol$ ]]
    run pcon network ls --noheading
    [[ "$output" =~ ^[0-9a-f]{12}\ +podman\ +bridge$ ]]
    pcon volume rm nhvol
    pcon pod rm apod zpod
}

@test "images --sort: repository, tag, created (newest first); a bad key refused" {
    pcon tag $IMAGE localhost/aaa:zz
    run pcon images --sort repository --format '{{.Repository}}:{{.Tag}}'
    assert_output "localhost/aaa:zz
localhost/bb:latest"
    run pcon images --sort tag --format '{{.Repository}}:{{.Tag}}'
    assert_output "localhost/bb:latest
localhost/aaa:zz"
    run --separate-stderr pcon images --sort nosuch
    assert_status 125
    run pcon rmi --no-prune localhost/aaa:zz
    assert_output "Untagged: localhost/aaa:zz"
}

@test "table formats: spaces between fields separate columns, the text stays in the heading; [] for no rows" {
    run pcon images --format 'table {{.Repository}} {{.Tag}}'
    [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG$ ]]
    [[ "${lines[1]}" =~ ^localhost/bb\ +latest$ ]]
    run pcon images --format 'table {{.Repository}}:{{.Tag}} !'
    [[ "${lines[0]}" =~ ^REPOSITORY:TAG\ +!$ ]]
    [[ "${lines[1]}" =~ ^localhost/bb:latest\ +!$ ]]
    for cmd in "ps -a" "images --filter reference=nosuch" "volume ls" "pod ps" "network ls --filter name=nosuch"; do
        # shellcheck disable=SC2086
        run pcon $cmd --format json
        assert_output "[]"
    done
}

@test "ps --size and inspect --size: the writable layer's bytes, and with the image's files (podman's 102kB (virtual 2.08MB))" {
    local rw root
    pcon run --name big $IMAGE sh -c 'dd if=/dev/zero of=/big bs=1k count=100 2>/dev/null' >/dev/null
    run pcon inspect --size --format '{{.SizeRw}} {{.SizeRootFs}}' big
    assert_status 0
    read -r rw root <<<"$output"
    [ "$rw" -ge 102400 ] && [ "$rw" -lt 120000 ]
    [ "$root" -gt "$rw" ]
    run pcon ps -a --size --format '{{.Size}}' --filter name=big
    [[ "$output" =~ ^1[0-9][0-9]kB\ \(virtual\ [0-9.]+[kM]B\)$ ]]
    pcon rm big >/dev/null
}

@test "logs of several containers: each line after its short id (--names: its name), --color one color each as podman's; pod logs --names and --color too" {
    local a b
    pcon run --name log-one $IMAGE echo one >/dev/null
    pcon run --name log-two $IMAGE echo two >/dev/null
    a=$(pcon inspect --format '{{.Id}}' log-one)
    b=$(pcon inspect --format '{{.Id}}' log-two)
    run pcon logs log-one log-two
    assert_output "${a:0:12} one
${b:0:12} two"
    run pcon logs --names log-one log-two
    assert_output "log-one one
log-two two"
    pcon logs --color log-one log-two >"$BATS_TEST_TMPDIR/c"
    printf '\033[37m%s one\033[0m\n\033[31m%s two\033[0m\n' "${a:0:12}" "${b:0:12}" | cmp - "$BATS_TEST_TMPDIR/c"
    pcon logs --color log-one >"$BATS_TEST_TMPDIR/c1"
    printf '\033[37mone\033[0m\n' | cmp - "$BATS_TEST_TMPDIR/c1"
    pcon rm log-one log-two >/dev/null
    pcon pod create --name logpod >/dev/null
    pcon run --pod logpod --name logpod-m $IMAGE echo member >/dev/null
    run pcon pod logs --names logpod
    assert_output "logpod-m member"
    pcon pod rm -f logpod >/dev/null
}
