#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# More of podman's run/create options: the environment (--unsetenv,
# --unsetenv-all, --env-merge, the caller's proxy variables, --http-proxy),
# --umask, --pidfile, --annotation, --expose with -P, -q.

load helpers

@test "the environment: the caller's proxies (unless --http-proxy=false), --unsetenv, --unsetenv-all, --env-merge" {
    run env http_proxy=http://192.0.2.9:3128 NO_PROXY=localhost "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm $IMAGE env
    assert_status 0
    assert_output_contains "http_proxy=http://192.0.2.9:3128"
    assert_output_contains "NO_PROXY=localhost"
    run env http_proxy=http://192.0.2.9:3128 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm --http-proxy=false $IMAGE env
    refute_output_contains "proxy"
    # -e still wins over a proxy
    run env http_proxy=http://192.0.2.9:3128 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run --rm -e http_proxy=mine $IMAGE env
    assert_output_contains "http_proxy=mine"
    run pcon run --rm --unsetenv TERM --unsetenv container $IMAGE env
    refute_output_contains "TERM="
    refute_output_contains "container="
    assert_output_contains "PATH="
    run pcon run --rm --unsetenv-all -e ONLY=1 $IMAGE /bin/env
    assert_output "ONLY=1
HOME=/root"
    run pcon run --rm --env-merge 'PATH=/opt/bin:${PATH}' --env-merge 'GONE=${NOSUCH}x' $IMAGE env
    assert_output_contains "PATH=/opt/bin:/usr/local/sbin:"
    refute_output_contains "GONE="
    run -125 --separate-stderr pcon run --rm --env-merge novalue $IMAGE true
    assert_one_error_line
}

@test "--umask: the container's processes (exec's too) create files with it; 0022 by default; a bad one refused" {
    run pcon run --rm $IMAGE sh -c 'umask'
    assert_output "0022"
    pcon run -d --name um --umask 0077 $IMAGE sleep 1000 >/dev/null
    run pcon exec um sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
    assert_output "0077
600"
    run pcon inspect --format '{{.Config.Umask}}' um
    assert_output "0077"
    pcon rm -f -t 0 um >/dev/null
    run -125 --separate-stderr pcon run --rm --umask 0999 $IMAGE true
    [ "$stderr" = "Error: invalid umask string 0999" ]
    assert_no_containers
}

@test "--pidfile gets the container process's pid at each start; --annotation shows in inspect with podman's own; --expose is published by -P; -q accepted" {
    local port
    pcon run -d --name pf --pidfile "$BATS_TEST_TMPDIR/pid" --annotation team=blue $IMAGE sleep 1000 >/dev/null
    [ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(pcon inspect --format '{{.State.Pid}}' pf)" ]
    run pcon inspect --format '{{index .Config.Annotations "team"}} {{index .Config.Annotations "io.podman.annotations.privileged"}}' pf
    assert_output "blue FALSE"
    pcon stop -t 0 pf >/dev/null
    pcon start pf >/dev/null
    [ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(pcon inspect --format '{{.State.Pid}}' pf)" ]
    pcon rm -f -t 0 pf >/dev/null
    pcon run -d --name ex --expose 8123 -P $IMAGE sh -c 'echo exposed > /i; httpd -f -p 8123 -h /' >/dev/null
    port=$(pcon port ex 8123 | sed 's/.*://')
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "exposed"
    pcon rm -f -t 0 ex >/dev/null
    run pcon run --rm -q $IMAGE echo quiet
    assert_output "quiet"
    run -125 --separate-stderr pcon run --rm --expose abc $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --annotation novalue $IMAGE true
    assert_one_error_line
    assert_no_containers
}

@test "--requires: the containers named start first; inspect lists them in Dependencies; rm of one refused while a dependent stays, as podman" {
    local dep
    dep=$(pcon create --name dep1 $IMAGE sleep 1000)
    pcon create --name needs --requires dep1 $IMAGE true >/dev/null
    run pcon inspect --format '{{.Dependencies}}' needs
    assert_output "[$dep]"
    pcon start needs >/dev/null
    run pcon inspect --format '{{.State.Status}}' dep1
    assert_output "running"
    run -125 --separate-stderr pcon rm -f dep1
    [[ "$stderr" == "Error: container $dep has dependent containers which must be removed before it: "* ]]
    run -125 --separate-stderr pcon create --requires nosuch $IMAGE true
    [[ "$stderr" == 'Error: "nosuch" is not a valid container, cannot be used as a dependency'* ]]
    pcon rm -f needs dep1 >/dev/null
    assert_no_containers
}

@test "--rmi (implies --rm): the name it ran by goes; an image of that one name goes unless a container uses it" {
    pcon tag $IMAGE localhost/rmi-tag
    run pcon run --rmi localhost/rmi-tag echo ran
    assert_output "ran"
    run pcon images -q localhost/rmi-tag
    assert_output ""
    run pcon images -q $IMAGE
    [ -n "$output" ]
    pcon import "$BB_TAR" localhost/rmi-solo >/dev/null
    pcon create --name keeper localhost/rmi-solo true >/dev/null
    pcon run --rmi localhost/rmi-solo true
    run pcon images -q localhost/rmi-solo
    [ -n "$output" ] # in use by keeper: it stays
    pcon rm keeper >/dev/null
    pcon run -d --rmi --name gone localhost/rmi-solo true >/dev/null
    wait_for 10 sh -c "[ -z \"\$(\"$PCON\" --root \"$PCON_ROOT\" --runroot \"$PCON_RUNROOT\" images -q localhost/rmi-solo)\" ]"
    run pcon container exists gone
    assert_status 1
    assert_no_containers
}

@test "--personality LINUX32 gives the container's processes (exec's too) the 32-bit domain" {
    [ "$(uname -m)" = x86_64 ] || skip "the 32-bit domain's machine name is x86-64's i686"
    run pcon run --rm --personality LINUX32 $IMAGE uname -m
    assert_output i686
    run pcon run --rm --personality LINUX $IMAGE uname -m
    assert_output x86_64
    pcon run -d --name pers --personality LINUX32 $IMAGE sleep 60 >/dev/null
    run pcon exec pers uname -m
    assert_output i686
    pcon rm -f -t 0 pers >/dev/null
    run -125 --separate-stderr pcon run --rm --personality LINUX64 $IMAGE true
    assert_one_error_line
}

@test "run -a/--attach shows only the streams named; the log keeps both; a bad stream is podman's error" {
    run --separate-stderr pcon run --name att -a stdout $IMAGE sh -c 'echo out; echo err >&2'
    assert_status 0
    assert_output out
    [ -z "$stderr" ]
    run pcon logs att
    assert_output $'out\nerr'
    pcon rm att >/dev/null
    run --separate-stderr pcon run --rm -a stderr $IMAGE sh -c 'echo out; echo err >&2'
    [ -z "$output" ]
    [ "$stderr" = err ]
    run --separate-stderr pcon run --rm -a stdout -a stderr $IMAGE sh -c 'echo out; echo err >&2'
    assert_output out
    [ "$stderr" = err ]
    # stdin still goes with -i
    run sh -c "echo typed | $PCON --root $PCON_ROOT --runroot $PCON_RUNROOT run --rm -i -a stdout $IMAGE cat"
    assert_output typed
    run -125 --separate-stderr pcon run --rm -a stdall $IMAGE true
    [ "$stderr" = 'Error: invalid stream "stdall" for --attach - must be one of stdin, stdout, or stderr: invalid argument' ]
}

@test "run --preserve-fds N passes the caller's fds 3.. to the container, and nothing else; a missing one is refused" {
    echo handed-over > "$BATS_TEST_TMPDIR/f"
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT run --rm --preserve-fds 1 $IMAGE sh -c 'cat <&3' 3<'$BATS_TEST_TMPDIR/f'"
    assert_output handed-over
    # without it the fd stays out
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT run --rm $IMAGE sh -c 'cat <&3 || echo none' 3<'$BATS_TEST_TMPDIR/f'"
    assert_output_contains none
    # detached too
    sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT run -d --name pfd --preserve-fds 1 $IMAGE sh -c 'cat <&3 >/tmp/got; sleep 60' 3<'$BATS_TEST_TMPDIR/f'" >/dev/null
    wait_for 10 pcon exec pfd test -s /tmp/got
    run pcon exec pfd cat /tmp/got
    assert_output handed-over
    pcon rm -f -t 0 pfd >/dev/null
    # (bats holds fds 3 and 4 of its own: 4 closed for pcon)
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT run --rm --preserve-fds 2 $IMAGE true 3<'$BATS_TEST_TMPDIR/f' 4>&- 2>&1; echo rc=\$?"
    assert_output "Error: file descriptor 4 is not available - the preserve-fds option requires that all file descriptors must be passed
rc=125"
    assert_no_containers
}

@test "exec --preserve-fds N passes the caller's fds 3.. to the process, and nothing else; a missing one is refused" {
    echo handed-over > "$BATS_TEST_TMPDIR/f"
    pcon run -d --name xfd $IMAGE sleep 60 >/dev/null
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec --preserve-fds 1 xfd sh -c 'cat <&3; ls /proc/self/fd | wc -l' 3<'$BATS_TEST_TMPDIR/f'"
    assert_status 0
    # 0, 1, 2, the passed 3, and ls's own directory
    assert_output "handed-over
5"
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec xfd sh -c 'cat <&3 || echo none' 3<'$BATS_TEST_TMPDIR/f'"
    assert_output_contains none
    # detached: the session has it too
    sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec -d --preserve-fds 1 xfd sh -c 'cat <&3 >/tmp/got' 3<'$BATS_TEST_TMPDIR/f'"
    wait_for 10 pcon exec xfd test -s /tmp/got
    run pcon exec xfd cat /tmp/got
    assert_output handed-over
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT exec --preserve-fds 2 xfd true 3<'$BATS_TEST_TMPDIR/f' 4>&- 2>&1; echo rc=\$?"
    assert_output "Error: file descriptor 4 is not available - the preserve-fds option requires that all file descriptors must be passed
rc=125"
    run -125 pcon exec --preserve-fds x xfd true
    pcon rm -f -t 0 xfd >/dev/null
}

@test "--chrootdirs: pcon's hosts, hostname and resolv.conf bound below each chroot too" {
    run pcon run --rm --chrootdirs /jail,/other --add-host jailed:192.0.2.9 --hostname inner $IMAGE sh -c \
        'grep jailed /jail/etc/hosts; cat /jail/etc/hostname /other/etc/hostname; cmp /etc/resolv.conf /jail/etc/resolv.conf && echo same'
    assert_status 0
    assert_output $'192.0.2.9\tjailed\ninner\ninner\nsame'
    run -125 --separate-stderr pcon run --rm --chrootdirs jail $IMAGE true
    assert_one_error_line
}

@test "--systemd: always, or true for an init: tmpfs on /run, /run/lock, /tmp, /var/log/journal (/run/.containerenv still there), stopped by SIGRTMIN+3; false: none" {
    run pcon run --rm --systemd=always $IMAGE sh -c \
        'for d in /run /run/lock /tmp /var/log/journal; do grep -q " $d tmpfs " /proc/mounts && echo "$d"; done; ls -a /run | grep -c containerenv'
    assert_output "/run
/run/lock
/tmp
/var/log/journal
1"
    local id
    id=$(pcon create --systemd=always $IMAGE true)
    run pcon inspect --format '{{.Config.StopSignal}} {{.Config.SystemdMode}}' "$id"
    assert_output "37 true"
    pcon rm "$id" >/dev/null
    id=$(pcon create $IMAGE /sbin/init)
    run pcon inspect --format '{{.Config.StopSignal}} {{.Config.SystemdMode}}' "$id"
    assert_output "37 true"
    pcon rm "$id" >/dev/null
    id=$(pcon create --systemd=false $IMAGE /sbin/init)
    run pcon inspect --format '{{.Config.StopSignal}} {{.Config.SystemdMode}}' "$id"
    assert_output "15 false"
    pcon rm "$id" >/dev/null
    # a --tmpfs of one's own stays as given
    run pcon run --rm --systemd=always --tmpfs /tmp:size=1m $IMAGE sh -c 'grep " /tmp " /proc/mounts'
    assert_output_contains "size=1024k"
    run pcon run --rm --systemd=maybe $IMAGE true
    assert_status 125
    assert_output 'Error: --systemd: invalid value "maybe": true, false or always'
}

@test "--rootfs DIR: the container's root is the directory itself, its files the user's as root's; DIR:O an overlay that leaves DIR as it was; rm keeps DIR" {
    local r=$BATS_TEST_TMPDIR/rootfs
    mkdir -p "$r"
    tar -C "$r" -xf "$BB_TAR"
    echo from-dir > "$r/marker"
    run pcon run --rm --rootfs "$r" sh -c 'id -u; stat -c %u /marker; cat /marker; echo written > /new'
    assert_status 0
    assert_output "0
0
from-dir"
    [ "$(cat "$r/new")" = written ]
    [ "$(stat -c %u "$r/new")" = "$(id -u)" ]
    # :O: the writes go to the container's own layer
    pcon create --name rfo --rootfs "$r:O" sh -c 'echo over > /marker; rm /new; cat /marker' >/dev/null
    run pcon start -a rfo
    assert_output over
    [ "$(cat "$r/marker")" = from-dir ]
    [ -e "$r/new" ]
    run pcon inspect --format '{{.Image}}|{{.ImageName}}|{{.Rootfs}}' rfo
    assert_output "||$r"
    # export and cp read the overlay, commit refuses, diff shows no change
    # (as podman: no layer of changes to an image), rm leaves the directory
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT export rfo | tar -xOf - marker"
    assert_output over
    run -125 --separate-stderr pcon commit rfo localhost/rfc
    [ "$stderr" = "Error: cannot commit a container that uses an exploded rootfs" ]
    run pcon diff rfo
    assert_status 0
    assert_output ""
    run pcon diff --format json rfo
    assert_output "{}"
    pcon rm rfo >/dev/null
    [ "$(cat "$r/marker")" = from-dir ]
    [ -x "$r/bin/busybox" ]
    # a running one: exec and cp work on the directory
    pcon run -d --name rfd --rootfs "$r" sleep 100 >/dev/null
    run pcon exec rfd cat /marker
    assert_output from-dir
    pcon rm -f -t 0 rfd >/dev/null
    [ -x "$r/bin/busybox" ]
    # refused: no command, a missing directory, a user namespace of its own
    run -125 --separate-stderr pcon run --rm --rootfs "$r"
    [ "$stderr" = "Error: no command or entrypoint provided, and no CMD or ENTRYPOINT from image" ]
    run -125 --separate-stderr pcon run --rm --rootfs "$BATS_TEST_TMPDIR/nosuch" true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --rootfs --userns auto "$r" true
    assert_one_error_line
    assert_no_containers
}

@test "run -it: ctrl-p ctrl-q detach, the container running on with its output logged, attach later; --detach-keys picks others or none; start -ai detaches too" {
    local pr=$BATS_TEST_DIRNAME/pty-run.py
    local pc=("$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT")
    run "$pr" 24 80 $'echo marker-$((40+2))\n\x10\x11' "${pc[@]}" run -it --name dk $IMAGE sh
    [[ "$output" == *"exit=0" ]]
    ctr_running() { [ "$(pcon inspect --format '{{.State.Status}}' "$1")" = running ]; }
    ctr_running dk
    wait_for 10 sh -c "'$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' logs dk | grep -q marker-42"
    # attached again: it answers, and its exit is attach's
    run "$pr" 24 80 $'echo again-$((1+1))\nexit 5\n' "${pc[@]}" attach dk
    [[ "$output" == *"again-2"* ]]
    [[ "$output" == *"exit=5" ]]
    pcon rm dk >/dev/null
    # no detach keys: they are the container's, and it ends as it says
    run "$pr" 24 80 $'\x10\x11exit 3\n' "${pc[@]}" run -it --rm --detach-keys "" $IMAGE sh
    [[ "$output" == *"exit=3" ]]
    # keys of the user's own
    run "$pr" 24 80 $'\x01x' "${pc[@]}" run -it --name dk2 --detach-keys ctrl-a,x $IMAGE sh
    [[ "$output" == *"exit=0" ]]
    ctr_running dk2
    pcon rm -f -t 0 dk2 >/dev/null
    # start -ai of a container made with -it
    pcon create -it --name dk3 $IMAGE sh >/dev/null
    run "$pr" 24 80 $'\x10\x11' "${pc[@]}" start -ai dk3
    [[ "$output" == *"exit=0" ]]
    ctr_running dk3
    pcon rm -f -t 0 dk3 >/dev/null
    # the exit code of one that ends by itself, as before
    run "$pr" 24 80 '' "${pc[@]}" run -it --rm $IMAGE sh -c 'exit 7'
    [[ "$output" == *"exit=7" ]]
    run -125 --separate-stderr pcon run -it --rm --detach-keys ctrl- $IMAGE true
    assert_one_error_line
    assert_no_containers
}

@test "exec -it: the detach keys leave the command running in the container, its terminal kept open; --detach-keys \"\" passes them on" {
    local pr=$BATS_TEST_DIRNAME/pty-run.py
    local pc=("$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT")
    pcon run -d --name xdk $IMAGE sleep 1000 >/dev/null
    run "$pr" 24 80 $'\x10\x11' "${pc[@]}" exec -it xdk sh -c 'sleep 1; tty > /tmp/tty; echo done > /tmp/done; sleep 1000'
    [[ "$output" == *"exit=0" ]]
    # it went on after we left, its terminal still there
    wait_for 10 pcon exec xdk test -s /tmp/done
    run pcon exec xdk cat /tmp/tty
    [[ "$output" == /dev/pts/* ]]
    run pcon exec xdk sh -c 'ps -o args | grep -c "[s]leep 1000"'
    assert_output 2
    run "$pr" 24 80 $'\x10\x11exit 4\n' "${pc[@]}" exec -it --detach-keys "" xdk sh
    [[ "$output" == *"exit=4" ]]
    pcon rm -f -t 0 xdk >/dev/null
}

@test "run -it whose command is killed: the monitor lets go of the terminal (what is typed after is not the container's); the container runs on" {
    python3 - "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" run -it --name k9 $IMAGE sh <<'PY'
import os, pty, signal, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
time.sleep(1.5)
os.kill(pid, signal.SIGKILL)
os.waitpid(pid, 0)
time.sleep(0.5)
os.write(fd, b"echo typed-after-$((1+2))\n")
time.sleep(1)
PY
    run pcon inspect --format '{{.State.Status}}' k9
    assert_output running
    run pcon logs k9
    [[ "$output" != *typed-after-3* ]]
    pcon rm -f -t 0 k9 >/dev/null
}
