#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon run in the foreground: namespaces, root file system, identity,
# environment, mounts and exit codes.

load helpers

@test "container root is the invoking user, 1..N the subordinate range" {
    run pcon run --rm $IMAGE sh -c 'id -u; cat /proc/self/uid_map; cat /proc/self/gid_map'
    assert_status 0
    local sub
    sub=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
    [ "${lines[0]}" = 0 ]
    [[ "${lines[1]}" =~ ^\ +0\ +$(id -u)\ +1$ ]]
    [[ "${lines[2]}" =~ ^\ +1\ +$sub\ +65536$ ]]
    [[ "${lines[3]}" =~ ^\ +0\ +$(id -g)\ +1$ ]]
}

@test "the container is pid 1 and sees only its own processes" {
    run pcon run --rm $IMAGE sh -c 'echo $$; ls /proc | grep -E "^[0-9]+$" | wc -l'
    assert_status 0
    [ "${lines[0]}" = 1 ]
    # sh and ls (and grep, wc) of the pipeline only: never the host's hundreds
    [ "${lines[1]}" -le 4 ]
}

@test "exit codes: 0, 1 and N are the container's" {
    run pcon run --rm $IMAGE true
    assert_status 0
    run pcon run --rm $IMAGE false
    assert_status 1
    run pcon run --rm $IMAGE sh -c 'exit 42'
    assert_status 42
}

@test "a container killed by a signal exits 128+N" {
    "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm $IMAGE sleep 100 &
    local pid=$! child=""
    sleep_started() {
        child=$(awk '{ print $1 }' /proc/$pid/task/$pid/children 2>/dev/null)
        [ -n "$child" ] && [ "$(cat /proc/$child/comm 2>/dev/null)" = sleep ]
    }
    wait_for 10 sleep_started
    # the container's pid 1, by pid, from outside its namespace
    kill -KILL "$child"
    status=0
    wait $pid || status=$?
    [ "$status" -eq 137 ]
}

@test "a command not found exits 127 with one error line" {
    run -127 --separate-stderr pcon run --rm $IMAGE no-such-command
    assert_status 127
    assert_one_error_line
    [[ "$stderr" == *'executable file `no-such-command` not found in $PATH'* ]]
    assert_no_containers
}

@test "a command that cannot be executed exits 126" {
    run --separate-stderr pcon run --rm $IMAGE /etc/passwd
    assert_status 126
    assert_one_error_line
    [[ "$stderr" == *"Permission denied"* ]]
    run --separate-stderr pcon run --rm $IMAGE /etc
    assert_status 126
}

@test "a missing image is an engine error: exit 125, one line, nothing created" {
    run --separate-stderr pcon run --rm --pull=never localhost/nope true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"localhost/nope: image not known"* ]]
    assert_no_containers
    # by default a missing image is pulled: here nothing listens on localhost:443
    run --separate-stderr pcon run --rm localhost/nope true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"pull localhost/nope:latest"* ]]
    assert_no_containers
    run --separate-stderr pcon run --rm --pull=sometimes localhost/nope true
    assert_status 125
    [[ "$stderr" == *'invalid pull policy "sometimes"'* ]]
}

@test "an invalid image reference is refused" {
    run --separate-stderr pcon run --rm 'UPPER/Case' true
    assert_status 125
    [[ "$stderr" == *"invalid reference format"* ]]
}

@test "stdout and stderr are passed through separately" {
    run --separate-stderr pcon run --rm $IMAGE sh -c 'echo out; echo err >&2'
    assert_status 0
    [ "$output" = out ]
    [ "$stderr" = err ]
}

@test "stdin reaches the container only with -i" {
    run sh -c "echo hello-stdin | '$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' run --rm -i $IMAGE cat"
    assert_status 0
    assert_output "hello-stdin"
    run sh -c "echo hello-stdin | '$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' run --rm $IMAGE cat"
    assert_status 0
    assert_output ""
}

@test "environment: defaults, image Env, -e, bare -e KEY from the host, --env-file" {
    printf '# comment\n\nFROM_FILE=yes\nOVERRIDE=file\n' > "$BATS_TEST_TMPDIR/env"
    HOSTVAR=from-host run pcon run --rm --env-file "$BATS_TEST_TMPDIR/env" -e OVERRIDE=cli \
        -e HOSTVAR -e UNSET_ON_HOST $IMAGE env
    assert_status 0
    assert_output_contains "container=pcon"
    assert_output_contains "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert_output_contains "HOME=/root"
    assert_output_contains "FROM_FILE=yes"
    assert_output_contains "OVERRIDE=cli"
    assert_output_contains "HOSTVAR=from-host"
    refute_output_contains "UNSET_ON_HOST"
    refute_output_contains "OVERRIDE=file"
    # podman's default, with or without a terminal
    assert_output_contains "TERM=xterm"
    run pcon run --rm -e TERM=dumb $IMAGE sh -c 'echo $TERM'
    assert_output dumb
}

@test "HOSTNAME and the hostname default to the short id; --hostname sets both" {
    run pcon run --rm $IMAGE sh -c 'hostname; echo $HOSTNAME; cat /etc/hostname'
    assert_status 0
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
    [ "${lines[1]}" = "${lines[0]}" ]
    [ "${lines[2]}" = "${lines[0]}" ]
    run pcon run --rm --hostname web.example $IMAGE sh -c 'hostname; echo $HOSTNAME; grep web.example /etc/hosts'
    assert_status 0
    [ "${lines[0]}" = web.example ]
    [ "${lines[1]}" = web.example ]
    [[ "${lines[2]}" == *web.example* ]]
}

@test "/etc/hosts, /etc/resolv.conf and /run/.containerenv are provided" {
    run pcon run --rm --name envcheck $IMAGE sh -c 'cat /etc/hosts; test -f /etc/resolv.conf && echo RESOLV; cat /run/.containerenv'
    assert_status 0
    assert_output_contains "localhost"
    assert_output_contains "RESOLV"
    assert_output_contains 'engine="pcon-0.1.0"'
    assert_output_contains 'name="envcheck"'
    assert_output_contains 'image="localhost/bb:latest"'
}

@test "workdir: -w is created when missing and used; image WorkingDir too" {
    run pcon run --rm -w /srv/app $IMAGE pwd
    assert_status 0
    assert_output "/srv/app"
    pcon import --change WORKDIR=/data --change 'CMD ["pwd"]' "$BB_TAR" localhost/bbwd
    run pcon run --rm localhost/bbwd
    assert_status 0
    assert_output "/data"
}

@test "a relative workdir is refused" {
    run --separate-stderr pcon run --rm -w relative $IMAGE pwd
    assert_status 125
    assert_one_error_line
}

@test "image Cmd and Entrypoint are used; --entrypoint overrides" {
    pcon import --change 'ENTRYPOINT ["echo","ep"]' --change 'CMD ["default"]' "$BB_TAR" localhost/bbep
    run pcon run --rm localhost/bbep
    assert_output "ep default"
    run pcon run --rm localhost/bbep given
    assert_output "ep given"
    run pcon run --rm --entrypoint /bin/echo localhost/bbep other
    assert_output "other"
}

@test "an image without a command needs one" {
    run --separate-stderr pcon run --rm $IMAGE
    assert_status 125
    [[ "$stderr" == *"no command or entrypoint provided"* ]]
    assert_no_containers
}

@test "-u: numeric, by name, with group; supplementary groups; HOME follows passwd" {
    run pcon run --rm -u 1000 $IMAGE sh -c 'id -u; id -g; echo $HOME'
    assert_status 0
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 1000 ]
    [ "${lines[2]}" = /home/tester ]
    run pcon run --rm -u tester $IMAGE id -G
    assert_status 0
    assert_output "1000 2000"
    run pcon run --rm -u tester:extra $IMAGE sh -c 'id -u; id -g'
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 2000 ]
    run pcon run --rm -u 4242:4343 $IMAGE sh -c 'id -u; id -g; echo $HOME'
    [ "${lines[0]}" = 4242 ]
    [ "${lines[1]}" = 4343 ]
    [ "${lines[2]}" = / ]
}

@test "-u with an unknown user name fails" {
    run --separate-stderr pcon run --rm -u nosuchuser $IMAGE true
    assert_status 126
    assert_one_error_line
    [[ "$stderr" == *"unable to find user nosuchuser"* ]]
}

@test "a non-root user has no capabilities; root keeps only the default set" {
    run pcon run --rm -u 1000 $IMAGE grep CapEff /proc/self/status
    assert_output_contains "0000000000000000"
    run pcon run --rm $IMAGE grep -E 'CapEff|CapBnd' /proc/self/status
    # chown dac_override fowner fsetid kill setgid setuid setpcap net_bind_service sys_chroot setfcap
    assert_output_contains "CapEff:	00000000800405fb"
    assert_output_contains "CapBnd:	00000000800405fb"
}

@test "image file ownership is mapped into the subordinate range" {
    run pcon run --rm $IMAGE stat -c '%u:%g' /home/tester/note /data/file
    assert_status 0
    [ "${lines[0]}" = 1000:1000 ]
    [ "${lines[1]}" = 0:0 ]
    # on the host, container uid 1000 is subordinate id start+999
    local sub f
    sub=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
    f=$(find "$PCON_ROOT/layers" -path '*/home/tester/note' | head -1)
    [ "$(stat -c %u "$f")" = $((sub + 999)) ]
}

@test "a file written to the container root stays in the store, never on the host" {
    run pcon run --name writer $IMAGE sh -c 'echo secret > /created-by-container; echo x > /tmp/t'
    assert_status 0
    [ ! -e /created-by-container ]
    local found
    found=$(find "$PCON_ROOT/containers" -name created-by-container 2>/dev/null || true)
    [ -n "$found" ]
    [[ "$found" == "$PCON_ROOT"/containers/*/upper/created-by-container ]]
    # and the image's layer is untouched
    [ -z "$(find "$PCON_ROOT/layers" -name created-by-container)" ]
}

@test "--rm leaves nothing of the container behind" {
    run pcon run --rm --name gone $IMAGE sh -c 'echo data > /x'
    assert_status 0
    assert_no_containers
}

@test "a name in use is refused with exit 125" {
    run pcon run --name taken $IMAGE true
    assert_status 0
    run --separate-stderr pcon run --rm --name taken $IMAGE true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *'the container name "taken" is already in use by '* ]]
    run --separate-stderr pcon run --rm --name 'bad/name' $IMAGE true
    assert_status 125
    [[ "$stderr" == *"names must match"* ]]
}

@test "volumes: read-write bind mounts write through to the host" {
    mkdir -p "$BATS_TEST_TMPDIR/vol"
    echo host-data > "$BATS_TEST_TMPDIR/vol/in"
    run pcon run --rm -v "$BATS_TEST_TMPDIR/vol:/mnt/vol" $IMAGE sh -c 'cat /mnt/vol/in; echo from-ctr > /mnt/vol/out'
    assert_status 0
    assert_output "host-data"
    [ "$(cat "$BATS_TEST_TMPDIR/vol/out")" = from-ctr ]
}

@test "volumes: a read-only bind mount cannot be written" {
    mkdir -p "$BATS_TEST_TMPDIR/rovol"
    echo keep > "$BATS_TEST_TMPDIR/rovol/f"
    run pcon run --rm -v "$BATS_TEST_TMPDIR/rovol:/ro:ro" $IMAGE sh -c 'echo x > /ro/f; echo y > /ro/new; rm /ro/f; grep " /ro " /proc/mounts'
    assert_output_contains "Read-only file system"
    assert_output_contains " ro,"
    [ "$(cat "$BATS_TEST_TMPDIR/rovol/f")" = keep ]
    [ ! -e "$BATS_TEST_TMPDIR/rovol/new" ]
}

@test "volumes: a file can be bound; a missing source or bad option is refused" {
    echo single > "$BATS_TEST_TMPDIR/single"
    run pcon run --rm -v "$BATS_TEST_TMPDIR/single:/etc/single:ro" $IMAGE cat /etc/single
    assert_output "single"
    run --separate-stderr pcon run --rm -v "$BATS_TEST_TMPDIR/missing:/x" $IMAGE true
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon run --rm -v "$BATS_TEST_TMPDIR:/x:bogus" $IMAGE true
    assert_status 125
    [[ "$stderr" == *'invalid volume option "bogus"'* ]]
    run --separate-stderr pcon run --rm -v "$BATS_TEST_TMPDIR:relative" $IMAGE true
    assert_status 125
    assert_no_containers
}

@test "a volume destination through an image symlink stays inside the root" {
    local root="$BATS_TEST_TMPDIR/linkroot" hostdir="$BATS_TEST_TMPDIR/hostside"
    mkdir -p "$BATS_TEST_TMPDIR/v2" "$hostdir"
    echo inside > "$BATS_TEST_TMPDIR/v2/f"
    cp -a "$BB_ROOT" "$root"
    # absolute and relative links that would leave the root if followed on the host
    ln -s "$hostdir" "$root/abs-out"
    ln -s ../../../../../../../..$hostdir "$root/rel-out"
    tar -C "$root" -cf "$BATS_TEST_TMPDIR/link.tar" .
    pcon import "$BATS_TEST_TMPDIR/link.tar" localhost/bblink
    run pcon run --rm -v "$BATS_TEST_TMPDIR/v2:/abs-out/vol" -v "$BATS_TEST_TMPDIR/v2:/rel-out/vol2" \
        localhost/bblink sh -c "cat $hostdir/vol/f $hostdir/vol2/f"
    assert_status 0
    assert_output "inside
inside"
    # the mount points were made inside the container's root, not on the host
    [ -z "$(ls -A "$hostdir")" ]
}

@test "a volume destination is cleaned of .. components" {
    mkdir -p "$BATS_TEST_TMPDIR/v3"
    echo clean > "$BATS_TEST_TMPDIR/v3/f"
    run pcon run --rm -v "$BATS_TEST_TMPDIR/v3:/../../../../opt/v3" $IMAGE cat /opt/v3/f
    assert_status 0
    assert_output "clean"
}

@test "/dev has the standard nodes; /dev/pts, /dev/shm, /dev/mqueue are mounted" {
    run pcon run --rm $IMAGE sh -c 'ls /dev; grep -E " /dev/(pts|shm|mqueue) " /proc/mounts | cut -d" " -f2,3; echo x > /dev/null && head -c 4 /dev/zero | wc -c'
    assert_status 0
    for n in null zero full random urandom tty ptmx fd stdin stdout stderr pts shm mqueue; do
        assert_output_contains "$n"
    done
    assert_output_contains "/dev/pts devpts"
    assert_output_contains "/dev/shm tmpfs"
    assert_output_contains "/dev/mqueue mqueue"
    [ "${lines[-1]}" = 4 ]
}

@test "/sys and /proc/sys are read-only and kernel paths are masked" {
    run pcon run --rm $IMAGE sh -c 'cut -d" " -f2-4 /proc/mounts; echo x > /proc/sys/kernel/hostname; wc -c < /proc/timer_list'
    assert_output_contains "/sys sysfs ro,"
    assert_output_contains "/proc/sys proc ro,"
    assert_output_contains "/proc/keys devtmpfs"
    assert_output_contains "/sys/firmware tmpfs ro,"
    assert_output_contains "Read-only file system"
    [ "${lines[-1]}" = 0 ]
}

@test "--network none has only loopback, up; --network host sees the host's interfaces" {
    run pcon run --rm --network none $IMAGE sh -c 'ls /sys/class/net; ip -o link show lo'
    assert_status 0
    [ "${lines[0]}" = lo ]
    [ "${#lines[@]}" -eq 2 ]
    assert_output_contains "UP"
    run pcon run --rm --network host $IMAGE ls /sys/class/net
    assert_status 0
    [ "$(echo "$output" | wc -l)" -eq "$(ls /sys/class/net | wc -l)" ]
    # bridge: podman's default network, "podman" (10.88.0.0/16)
    run pcon run --rm --network bridge $IMAGE ip -o -4 addr show eth0
    assert_status 0
    assert_output_contains "inet 10.88.0."
    run --separate-stderr pcon run --rm --network nosuchnet $IMAGE true
    assert_status 125
    [ "$stderr" = "Error: unable to find network with name or ID nosuchnet: network not found" ]
    run --separate-stderr pcon run --rm --network 'bad:mode' $IMAGE true
    assert_status 125
}

@test "signals sent to pcon reach the container" {
    "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm $IMAGE sh -c 'trap "echo got-term; exit 7" TERM; echo ready; while :; do sleep 0.1; done' > "$BATS_TEST_TMPDIR/out" &
    local pid=$!
    wait_for 10 grep -q ready "$BATS_TEST_TMPDIR/out"
    kill -TERM $pid
    wait $pid || status=$?
    [ "${status:-0}" -eq 7 ]
    grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "no file descriptor of pcon leaks into the container" {
    run pcon run --rm $IMAGE ls /proc/self/fd
    assert_status 0
    # 0 1 2 and the fd of ls's own directory listing
    [ "$(echo "$output" | wc -l)" -le 4 ]
}
