#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Pods: an infra container (pcon-infra, no image) holding the shared
# network, uts and ipc namespaces and the published ports; members that
# join them; the pod's lifecycle and its report, as podman's.

load helpers

# a free port on the host's loopback
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# the container's state is STATE (inspect's .State.Status)
ctr_state_is() { # NAME STATE
    [ "$(pcon inspect --format '{{.State.Status}}' "$1")" = "$2" ]
}

# the pod's status is STATUS
pod_status_is() { # NAME STATUS
    [ "$(pcon pod ps --filter name="$1" --format '{{.Status}}')" = "$2" ]
}

teardown() {
    pcon pod rm -a -f -t 0 >/dev/null 2>&1 || true
}

@test "pod create: an id, a pod listed with podman's columns, its infra container <id12>-infra" {
    run pcon pod create --name app
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    local id=$output
    run pcon pod ps
    assert_status 0
    [[ "${lines[0]}" =~ ^POD\ ID\ +NAME\ +STATUS\ +CREATED\ +INFRA\ ID\ +#\ OF\ CONTAINERS$ ]]
    [[ "${lines[1]}" =~ ^${id:0:12}\ +app\ +Created\ .*\ 1$ ]]
    run pcon ps -a --pod --format '{{.Names}} {{.IsInfra}} {{.Pod}} {{.PodName}} [{{.Command}}]'
    assert_output "${id:0:12}-infra true ${id:0:12} app []"
    run pcon pod exists app
    assert_status 0
    run pcon pod exists nosuchpod
    assert_status 1
    run pcon pod inspect --format '{{.Name}} {{.State}} {{.Hostname}} {{.NumContainers}} {{.SharedNamespaces}}' app
    assert_output "app Created app 1 [uts ipc net]"
}

@test "members share localhost, the pod's hostname and its published port; /etc/hosts names the pod" {
    local port
    port=$(free_port)
    pcon pod create --name web -p "$port:80" >/dev/null
    pcon run -d --pod web --name server $IMAGE sh -c 'echo from-the-member > /index.html; httpd -f -p 80 -h /' >/dev/null
    wait_for 10 curl -sf "http://127.0.0.1:$port/index.html"
    run curl -sf "http://127.0.0.1:$port/index.html"
    assert_output "from-the-member"
    run pcon run --rm --pod web --name client $IMAGE sh -c 'wget -qO- http://127.0.0.1:80/index.html; hostname; cat /etc/hosts'
    echo "$output"
    assert_status 0
    assert_output_contains "from-the-member"
    [ "${lines[1]}" = "web" ]
    assert_output_contains "10.0.2.100	web "
    assert_output_contains "-infra"
    assert_output_contains "127.0.0.1	server"
    run pcon pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
    assert_output "web Running 2"
}

@test "the infra process is pcon's own pcon-infra: PID 1 of its namespace, a few pages of memory" {
    local infra pid rss
    pcon pod create --name small >/dev/null
    pcon pod start small >/dev/null
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' small)
    pid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    [ "$(cat "/proc/$pid/comm")" = "pcon-infra" ]
    rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$pid/status")
    echo "infra RSS: $rss KiB"
    [ "$rss" -le 512 ]
    run pcon run --rm --pod small $IMAGE cat /proc/1/cmdline
    refute_output_contains "pcon-infra" # the pid namespace is not shared by default
    pcon pod create --name pids --share +pid >/dev/null
    run pcon run --rm --pod pids $IMAGE sh -c 'cat /proc/1/cmdline; echo'
    assert_output "/pcon-infra"
    run pcon pod inspect --format '{{.SharedNamespaces}}' pids
    assert_output "[uts pid ipc net]"
}

@test "a member's own -p, --hostname and --add-host are refused with podman's messages; nothing is made" {
    pcon pod create --name strict >/dev/null
    run --separate-stderr pcon run --rm --pod strict -p 8080:80 $IMAGE true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"published or exposed ports must be defined when the pod is created"* ]]
    run --separate-stderr pcon run --rm --pod strict --hostname other $IMAGE true
    assert_status 125
    [[ "$stderr" == *"cannot set hostname when joining the pod UTS namespace"* ]]
    run --separate-stderr pcon run --rm --pod strict --add-host a:192.0.2.9 $IMAGE true
    assert_status 125
    [[ "$stderr" == *"extra host entries must be specified on the pod"* ]]
    run --separate-stderr pcon run --rm --pod nosuchpod $IMAGE true
    assert_status 125
    [[ "$stderr" == "Error: no pod with name or ID nosuchpod found: no such pod" ]]
    run pcon pod ps --format '{{.Name}} {{.NumberOfContainers}}'
    assert_output "strict 1"
}

@test "pod status: Created, Running, Degraded when a member ends, Exited after pod stop; pod start brings all back" {
    local out
    pcon pod create --name life >/dev/null
    pcon create --pod life --name stays $IMAGE sh -c 'trap "exit 0" TERM; while :; do sleep 0.1; done' >/dev/null
    pcon create --pod life --name ends $IMAGE sh -c 'exit 3' >/dev/null
    run pcon pod ps --format '{{.Status}}'
    assert_output "Created"
    run pcon pod start life
    assert_status 0
    wait_for 10 ctr_state_is ends exited
    run pcon pod ps --format '{{.Status}} {{.ContainerStatuses}}'
    echo "$output"
    [[ "$output" == "Degraded "* ]]
    run pcon pod stop life
    assert_status 0
    run pcon pod ps --format '{{.Status}}'
    assert_output "Exited"
    run pcon ps -a --format '{{.Names}} {{.State}}' --filter name=stays
    [[ "$output" =~ ^stays\ Exited\ \([0-9]+\)\ .*\ ago$ ]]
    pcon pod start life >/dev/null
    run pcon ps --format '{{.Names}}' --filter name=stays
    assert_output "stays"
}

@test "pod rm: refused with running members (exit 2) unless -f; the infra alone is never removed; all of it goes" {
    pcon pod create --name gone >/dev/null
    pcon run -d --pod gone --name m1 $IMAGE sleep 1000 >/dev/null
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' gone)
    run --separate-stderr pcon pod rm gone
    assert_status 2
    [[ "$stderr" == *"cannot remove container"*"as it is running"* ]]
    run --separate-stderr pcon rm -f "$infra"
    assert_status 125
    [[ "$stderr" == *"is the infra container of pod"*"cannot be removed without removing the pod"* ]]
    run pcon pod rm -f -t 0 gone
    assert_status 0
    run pcon ps -a --format '{{.Names}}'
    assert_output ""
    run pcon pod exists gone
    assert_status 1
    [ -z "$(ls "$PCON_ROOT/pods")" ]
    # the name is free again; a running infra alone does not keep the pod
    run pcon pod create --name gone
    assert_status 0
    pcon pod start gone
    [ "$(pcon pod inspect --format '{{.State}}' gone)" = Running ]
    run pcon pod rm gone
    assert_status 0
    # -f: a missing pod is no error, as podman has it
    run pcon pod rm -f nosuchpod
    assert_status 0
    assert_output ""
    assert_no_containers
}

@test "run --pod new:NAME makes the pod with the network options; a failed one leaves no pod" {
    local port
    port=$(free_port)
    run pcon run -d --pod new:fresh -p "$port:80" --name fresh-web $IMAGE httpd -f -p 80 -h /etc
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$port/hostname"
    run curl -sf "http://127.0.0.1:$port/hostname"
    assert_output "fresh"
    run pcon pod inspect --format '{{.InfraConfig.PortBindings}}' fresh
    assert_output_contains "$port"
    run -127 pcon run --rm --pod new:broken $IMAGE /no/such/program
    run pcon run --rm --pod new:broken2 localhost/no-such-image true
    assert_status 125
    run pcon pod exists broken2
    assert_status 1
    run pcon pod ps --format '{{.Name}}' --filter name=broken2
    assert_output ""
}

@test "two pod create --name x at once: exactly one wins, the other says the name is in use" {
    local i ok=0 used=0
    for i in 1 2 3 4; do
        pcon pod create --name race >"$BATS_TEST_TMPDIR/out.$i" 2>&1 &
    done
    wait
    for i in 1 2 3 4; do
        if grep -qE '^[0-9a-f]{64}$' "$BATS_TEST_TMPDIR/out.$i"; then
            ok=$((ok + 1))
        elif grep -q 'name "race" is in use' "$BATS_TEST_TMPDIR/out.$i"; then
            used=$((used + 1))
        fi
    done
    cat "$BATS_TEST_TMPDIR"/out.*
    [ "$ok" -eq 1 ]
    [ "$used" -eq 3 ]
    run pcon pod ps -q
    [ "${#lines[@]}" -eq 1 ]
    run pcon ps -a -q
    [ "${#lines[@]}" -eq 1 ]
}

@test "the infra killed: the pod tells it (Degraded), pod start brings a new infra and the members into it" {
    local infra pid port
    port=$(free_port)
    pcon pod create --name hurt -p "$port:80" >/dev/null
    pcon run -d --pod hurt --name hurt-web $IMAGE sh -c 'trap "exit 0" TERM; echo alive > /i; httpd -p 80 -h /; while :; do sleep 0.1; done' >/dev/null
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' hurt)
    pid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    kill -9 "$pid"
    wait_for 10 ctr_state_is "$infra" exited
    run pcon pod ps --format '{{.Status}}'
    assert_output "Degraded"
    run pcon pod start hurt
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "alive"
    run pcon pod ps --format '{{.Status}}'
    assert_output "Running"
}

@test "pod create --replace, --label, --hostname, --pod-id-file; pod ps filters and --ctr-names" {
    pcon pod create --name rep --label tier=front >/dev/null
    run pcon pod create --name rep
    assert_status 125
    run pcon pod create --name rep --replace --hostname custom --label tier=back --pod-id-file "$BATS_TEST_TMPDIR/pod.id"
    assert_status 0
    [ "$(cat "$BATS_TEST_TMPDIR/pod.id")" = "$output" ]
    pcon create --pod-id-file "$BATS_TEST_TMPDIR/pod.id" --name rep-m $IMAGE hostname >/dev/null
    pcon start rep-m >/dev/null
    pcon wait rep-m >/dev/null
    run pcon logs rep-m
    assert_output "custom"
    run pcon pod ps --filter label=tier=back --format '{{.Name}}'
    assert_output "rep"
    run pcon pod ps --filter label=tier=front --format '{{.Name}}'
    assert_output ""
    run pcon pod ps --ctr-names --format '{{.ContainerNames}}'
    assert_output_contains "rep-m"
    run pcon pod ps --filter ctr-names=rep-m -q
    [ "${#output}" -eq 12 ]
    run pcon pod rm -f -t 0 --pod-id-file "$BATS_TEST_TMPDIR/pod.id"
    assert_status 0
    run --separate-stderr pcon pod ps --filter bogus=1
    assert_status 125
    # --infra-name; a taken one fails the create, and no pod is left
    pcon pod create --name named --infra-name the-infra >/dev/null
    run pcon ps -a --format '{{.Names}}' --filter pod=named
    assert_output "the-infra"
    run pcon pod create --name named2 --infra-name the-infra
    assert_status 125
    run pcon pod exists named2
    assert_status 1
}

@test "pod top lists every running container's processes; pod kill, restart and prune as podman's" {
    pcon pod create --name ops >/dev/null
    pcon run -d --pod ops --name ops-a $IMAGE sleep 1000 >/dev/null
    run pcon pod top ops
    echo "$output"
    assert_status 0
    [[ "${lines[0]}" =~ ^USER\ +PID\ +PPID\ +%CPU\ +ELAPSED\ +TTY\ +TIME\ +COMMAND$ ]]
    assert_output_contains "/pcon-infra"
    assert_output_contains "sleep 1000"
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' ops)
    run pcon pod kill -s TERM ops
    assert_status 0
    # sleep as PID 1 ignores TERM, the infra ends at it
    wait_for 10 ctr_state_is "$infra" exited
    run pcon ps --format '{{.Names}}' --filter pod=ops
    assert_output "ops-a"
    run pcon pod kill ops
    assert_status 0
    wait_for 10 ctr_state_is ops-a exited
    run pcon pod ps --format '{{.Status}}' --filter name=ops
    assert_output "Exited"
    run pcon pod restart ops
    assert_status 0
    # oldest first, as podman lists them: the infra, then its member
    run pcon ps --format '{{.Names}}' --filter pod=ops
    assert_output "$(pcon pod inspect --format '{{.Id}}' ops | cut -c1-12)-infra
ops-a"
    idle=$(pcon pod create --name idle)
    run pcon pod prune -f
    assert_status 0
    assert_output "$idle"
    run pcon pod exists idle
    assert_status 1
    run pcon pod exists ops
    assert_status 0
    run pcon pod pause ops
    assert_status 125
}

@test "--exit-policy stop: the pod stops when its last member ends; continue (the default) keeps it" {
    pcon pod create --name stopper --exit-policy stop >/dev/null
    pcon pod create --name keeper >/dev/null
    pcon run -d --pod stopper --name s1 $IMAGE sleep 0.5 >/dev/null
    pcon run -d --pod keeper --name k1 $IMAGE sleep 0.5 >/dev/null
    wait_for 10 ctr_state_is s1 exited
    wait_for 10 ctr_state_is k1 exited
    wait_for 10 pod_status_is stopper Exited
    run pcon pod ps --filter name=keeper --format '{{.Status}}'
    assert_output "Degraded"
    run pcon pod inspect --format '{{.ExitPolicy}}' stopper
    assert_output "stop"
    run --separate-stderr pcon pod create --exit-policy sometimes
    assert_status 125
}

@test "members share the pod's /dev/shm (a tmpfs of the pod's, gone with it); a lone container has its own" {
    local id
    id=$(pcon pod create --name shm)
    pcon run -d --pod shm --name writer $IMAGE sh -c 'echo shared-bytes > /dev/shm/seg; sleep 1000' >/dev/null
    wait_for 10 pcon exec writer test -f /dev/shm/seg
    run pcon run --rm --pod shm $IMAGE sh -c 'cat /dev/shm/seg; grep " /dev/shm " /proc/mounts'
    echo "$output"
    assert_status 0
    assert_output_contains "shared-bytes"
    assert_output_contains "tmpfs"
    run pcon run --rm $IMAGE ls /dev/shm
    assert_output ""
    run pcon pod create --name noipc --share net,uts
    pcon run -d --pod noipc --name w2 $IMAGE sh -c 'echo x > /dev/shm/seg; sleep 1000' >/dev/null
    wait_for 10 pcon exec w2 test -f /dev/shm/seg
    run pcon run --rm --pod noipc $IMAGE ls /dev/shm
    assert_output ""
    # the tmpfs is mounted in pcon's mount namespace (the pause process's)
    grep -q " $PCON_RUNROOT/pods/$id/shm " "/proc/$(pause_pid)/mountinfo"
    pcon pod rm -f -t 0 shm >/dev/null
    [ ! -e "$PCON_RUNROOT/pods/$id" ]
    run grep -c " $PCON_RUNROOT/pods/$id/shm " "/proc/$(pause_pid)/mountinfo"
    assert_output "0"
}

@test "after a lost run root (every process gone, as after a reboot) pod ps tells the truth and pod rm -f works" {
    local id c pids=""
    id=$(pcon pod create --name lost)
    pcon run -d --pod lost --name lost-m $IMAGE sleep 1000 >/dev/null
    for c in lost-m "${id:0:12}-infra"; do
        pids="$pids $(pcon inspect --format '{{.State.Pid}} {{.State.ConmonPid}}' "$c")"
    done
    pids="$pids $(pause_pid)"
    # shellcheck disable=SC2086 # a list of pids
    kill -9 $pids
    for c in $pids; do
        wait_for 10 sh -c "! kill -0 $c 2>/dev/null || grep -q '^State:.*Z' /proc/$c/status"
    done
    rm -rf "$PCON_RUNROOT"
    run pcon pod ps --format '{{.Name}} {{.Status}}'
    assert_status 0
    assert_output "lost Exited"
    run pcon ps -a --format '{{.Names}} {{.State}}' --filter pod=lost
    assert_output_contains "lost-m Stopped"
    run pcon pod rm -f -t 0 lost
    assert_status 0
    assert_output "$id"
    run pcon ps -a -q
    assert_output ""
}

@test "pod logs: every member's lines after its short id; --container one's alone, as logs prints it" {
    local a b
    pcon pod create --name talk >/dev/null
    a=$(pcon run -d --pod talk --name talk-a $IMAGE sh -c 'echo hello-a; sleep 1000')
    b=$(pcon run -d --pod talk --name talk-b $IMAGE sh -c 'echo hello-b; sleep 1000')
    wait_for 10 sh -c "\"$PCON\" --root \"$PCON_ROOT\" --runroot \"$PCON_RUNROOT\" logs talk-b | grep -q hello-b"
    run pcon pod logs talk
    assert_status 0
    assert_output_contains "${a:0:12} hello-a"
    assert_output_contains "${b:0:12} hello-b"
    [ "${#lines[@]}" -eq 2 ]
    run pcon pod logs --container talk-a talk
    assert_output "hello-a"
    run pcon pod logs -c nosuch talk
    assert_status 125
}

@test "a member made while its pod is removed: either it is in the pod and goes with it, or it is refused; never an orphan" {
    local i
    for i in 1 2 3 4 5 6; do
        pcon pod create --name racing >/dev/null
        pcon create --pod racing $IMAGE true >/dev/null 2>&1 &
        pcon create --pod racing $IMAGE true >/dev/null 2>&1 &
        pcon pod rm -f -t 0 racing >/dev/null 2>&1 || true
        wait
        pcon pod rm -f -t 0 racing >/dev/null 2>&1 || true
    done
    # every container left names a pod that exists (none should be left)
    run pcon ps -a --format '{{.Names}} pod={{.Pod}} name={{.PodName}}'
    echo "$output"
    assert_output ""
}

@test "the infra's monitor killed: the infra goes with it (it held the network), the pod says Degraded, pod start heals it" {
    local infra port mon
    port=$(free_port)
    pcon pod create --name orphan -p "$port:80" >/dev/null
    pcon run -d --pod orphan --name orphan-web $IMAGE sh -c 'trap "exit 0" TERM; echo up > /i; httpd -p 80 -h /; while :; do sleep 0.1; done' >/dev/null
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' orphan)
    mon=$(pcon inspect --format '{{.State.ConmonPid}}' "$infra")
    kill -9 "$mon"
    wait_for 10 pod_status_is orphan Degraded
    run pcon pod start orphan
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run pcon pod ps --format '{{.Status}}' --filter name=orphan
    assert_output "Running"
}

@test "a member brought back by its restart policy rejoins the pod's network, which the infra kept" {
    local port
    port=$(free_port)
    pcon pod create --name again -p "$port:80" >/dev/null
    pcon run -d --pod again --name flappy --restart on-failure:3 $IMAGE \
        sh -c 'echo round > /i; timeout 2 httpd -f -p 80 -h /; exit 1' >/dev/null
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    wait_for 20 sh -c "[ \"\$(\"$PCON\" --root \"$PCON_ROOT\" --runroot \"$PCON_RUNROOT\" inspect --format '{{.RestartCount}}' flappy)\" -ge 1 ]"
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "round"
    run pcon pod ps --filter name=again --format '{{.Status}}'
    assert_output "Running"
}

@test "pod create --infra=false (or --share \"\"): no infra; members keep their own network, ports and hostname" {
    local port id m
    port=$(free_port)
    run pcon pod create --infra=false --name loose
    assert_status 0
    id=$output
    run pcon pod inspect --format '{{.CreateInfra}} {{.NumContainers}} [{{.Hostname}}]' loose
    assert_output "false 0 []"
    run pcon pod ps --format '{{.Name}} {{.Status}} [{{.InfraId}}] {{.NumberOfContainers}}'
    assert_output "loose Created [] 0"
    m=$(pcon run -d --pod loose --name loose-web -p "$port:80" --hostname own $IMAGE sh -c 'echo own-port > /i; httpd -f -p 80 -h /')
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "own-port"
    run pcon exec loose-web hostname
    assert_output "own"
    # nothing is shared: a second member has a network namespace of its own
    run pcon run --rm --pod loose $IMAGE readlink /proc/self/ns/net
    assert_status 0
    [ "$output" != "$(readlink /proc/"$(pcon inspect --format '{{.State.Pid}}' loose-web)"/ns/net)" ]
    run pcon ps -a --pod --format '{{.Names}} {{.PodName}}'
    assert_output "loose-web loose"
    run pcon pod ps --format '{{.Name}} {{.Status}} {{.NumberOfContainers}}'
    assert_output "loose Running 1"
    pcon pod stop -t 0 loose >/dev/null
    ctr_state_is loose-web exited
    pcon pod start loose >/dev/null
    ctr_state_is loose-web running
    run pcon pod rm loose
    assert_status 2
    pcon pod rm -f -t 0 loose
    run pcon container exists "$m"
    assert_status 1
    # --share "" is podman's other way to say it
    pcon pod create --share "" --name loose2 >/dev/null
    run pcon pod inspect --format '{{.CreateInfra}}' loose2
    assert_output "false"
}

@test "pod create --infra=false refuses what needs an infra, in podman's words, and makes nothing" {
    run -125 --separate-stderr pcon pod create --infra=false -p 8080:80 --name bad
    assert_one_error_line
    [ "$stderr" = "Error: you must have an infra container to publish port bindings to the host" ]
    run -125 --separate-stderr pcon pod create --infra=false --share ipc,uts --name bad
    [ "$stderr" = "Error: cannot set share(ipc,uts) namespaces without an infra container" ]
    run -125 --separate-stderr pcon pod create --infra=false --network none --name bad
    [ "$stderr" = "Error: NoInfra and network modes cannot be used together" ]
    run -125 --separate-stderr pcon pod create --infra=false --dns 192.0.2.1 --name bad
    [ "$stderr" = "Error: NoInfra and DNSServer are mutually exclusive pod options: invalid pod spec" ]
    run -125 --separate-stderr pcon pod create --infra=false --no-hosts --name bad
    [ "$stderr" = "Error: cannot specify --no-hosts without an infra container" ]
    run pcon pod exists bad
    assert_status 1
}

@test "pod create --infra-image --infra-command: the infra runs the image's command; members join its network" {
    local infra ipid mpid
    pcon pod create --infra-image $IMAGE --infra-command "sleep 1000" --name imgpod >/dev/null
    pcon pod start imgpod >/dev/null
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' imgpod)
    run pcon inspect --format '{{.Path}} {{.Args}} {{.ImageName}} {{.IsInfra}}' "$infra"
    assert_output "sleep [1000] $IMAGE:latest true"
    run pcon top "$infra" args
    assert_output_contains "sleep 1000"
    pcon run -d --pod imgpod --name imgpod-m $IMAGE sleep 1000 >/dev/null
    ipid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    mpid=$(pcon inspect --format '{{.State.Pid}}' imgpod-m)
    [ "$(readlink /proc/$ipid/ns/net)" = "$(readlink /proc/$mpid/ns/net)" ]
    [ "$(readlink /proc/$ipid/ns/uts)" = "$(readlink /proc/$mpid/ns/uts)" ]
    run pcon exec imgpod-m hostname
    assert_output "imgpod"
    # without --infra-image the command runs in pcon-infra's root, as
    # podman's runs in its pause image: one that is not there cannot start
    pcon pod create --infra-command /bin/sleep --name cmdpod >/dev/null
    run -125 --separate-stderr pcon pod start cmdpod
    [[ "$stderr" == *'"/bin/sleep"'* ]]
}

@test "pod create --share cgroup: members join the infra's cgroup namespace (with --share-parent=false, as podman asks)" {
    local infra ipid
    run -125 --separate-stderr pcon pod create --share cgroup,net --name cg
    [[ "$stderr" == *"cannot define the pod as the cgroup parent"* ]]
    pcon pod create --share cgroup,net --share-parent=false --name cg >/dev/null
    run pcon pod inspect --format '{{.SharedNamespaces}} {{.CreateCgroup}}' cg
    assert_output "[cgroup net] false"
    pcon pod start cg >/dev/null
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' cg)
    ipid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    [ "$(readlink /proc/$ipid/ns/cgroup)" != "$(readlink /proc/self/ns/cgroup)" ]
    run pcon run --rm --pod cg $IMAGE readlink /proc/self/ns/cgroup
    assert_output "$(readlink /proc/$ipid/ns/cgroup)"
    # the default pod shares none: a member's is not the infra's
    pcon pod create --name nocg >/dev/null
    pcon pod start nocg >/dev/null
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' nocg)
    ipid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    run pcon run --rm --pod nocg --cgroupns private $IMAGE readlink /proc/self/ns/cgroup
    [ "$output" != "$(readlink /proc/$ipid/ns/cgroup)" ]
}

@test "pod logs -f follows every member at once, until all have ended" {
    pcon pod create --name follow >/dev/null
    # followed one after the other (the newest first), b-late would come
    # before a-late; followed at once, they come as they are written
    pcon run -d --pod follow --name follow-a $IMAGE sh -c 'echo a-early; sleep 2; echo a-late' >/dev/null
    pcon run -d --pod follow --name follow-b $IMAGE sh -c 'echo b-early; sleep 4; echo b-late' >/dev/null
    run timeout 20 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" pod logs -f follow
    assert_status 0
    echo "$output"
    [ "${#lines[@]}" -eq 4 ]
    [[ "${lines[2]}" == *" a-late" ]]
    [[ "${lines[3]}" == *" b-late" ]]
    # logs -f of several containers: the same
    pcon run -d --name solo-a $IMAGE sh -c 'sleep 1; echo x-late' >/dev/null
    pcon run -d --name solo-b $IMAGE sh -c 'echo y-early; sleep 3; echo y-late' >/dev/null
    run timeout 20 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" logs -f solo-b solo-a
    assert_status 0
    [[ "${lines[1]}" == *"x-late" ]]
    [[ "${lines[2]}" == *"y-late" ]]
    pcon rm -f solo-a solo-b >/dev/null
}

@test "pod create --share ipc,uts: members share those with the infra, but each has its own network, ports and /etc/hosts" {
    local port infra ipid mpid
    port=$(free_port)
    pcon pod create --share ipc,uts --name apart >/dev/null
    run pcon pod inspect --format '{{.SharedNamespaces}}' apart
    assert_output "[uts ipc]"
    pcon run -d --pod apart --name apart-web -p "$port:80" $IMAGE sh -c 'echo apart > /i; httpd -f -p 80 -h /' >/dev/null
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "apart"
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' apart)
    ipid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    mpid=$(pcon inspect --format '{{.State.Pid}}' apart-web)
    [ "$(readlink /proc/$ipid/ns/ipc)" = "$(readlink /proc/$mpid/ns/ipc)" ]
    [ "$(readlink /proc/$ipid/ns/uts)" = "$(readlink /proc/$mpid/ns/uts)" ]
    [ "$(readlink /proc/$ipid/ns/net)" != "$(readlink /proc/$mpid/ns/net)" ]
    run pcon exec apart-web hostname
    assert_output "apart"
    run pcon exec apart-web cat /etc/hosts
    assert_output_contains "apart-web"
    # the hostname is still the pod's (uts is shared)
    run -125 pcon run --rm --pod apart --hostname other $IMAGE true
    # a member started again with the pod comes back into the infra's ipc
    pcon pod stop -t 0 apart >/dev/null
    pcon pod start apart >/dev/null
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' apart)
    ipid=$(pcon inspect --format '{{.State.Pid}}' "$infra")
    mpid=$(pcon inspect --format '{{.State.Pid}}' apart-web)
    [ "$(readlink /proc/$ipid/ns/ipc)" = "$(readlink /proc/$mpid/ns/ipc)" ]
}

@test "pod ps --filter network= (the infra's networks) and until= (made before)" {
    pcon network create podnet-f >/dev/null
    pcon pod create --network podnet-f --name on-net >/dev/null
    pcon pod create --name off-net >/dev/null
    run pcon pod ps --filter network=podnet-f --format '{{.Name}}'
    assert_output "on-net"
    run pcon pod ps --filter until=2000-01-01T00:00:00Z --format '{{.Name}}'
    assert_output ""
    run pcon pod ps --sort name --filter until=2099-01-01T00:00:00Z --format '{{.Name}}'
    assert_output "off-net
on-net"
    run -125 pcon pod ps --filter bogus=1
    pcon pod rm -f on-net >/dev/null
    pcon network rm podnet-f >/dev/null
}

@test "pod clone: the pod again from its own create command, its members as NAME-clone in it; --start, --destroy, a name" {
    local port
    port=$(free_port)
    pcon pod create --name orig -p "$port:80" --label tier=web >/dev/null
    pcon create --pod orig --name orig-web $IMAGE sh -c 'echo cloned > /i; httpd -f -p 80 -h /' >/dev/null
    # pod create's options change the copy
    run pcon pod clone --label extra=1 --shm-size 20m orig
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    run pcon pod inspect --format '{{.Name}} {{.Labels.tier}} {{.Labels.extra}} {{.NumContainers}}' orig-clone
    assert_output "orig-clone web 1 2"
    run pcon run --rm --pod orig-clone $IMAGE sh -c 'df -k /dev/shm | tail -1'
    assert_output_contains " 20480 "
    run pcon ps -a --filter pod=orig-clone --format '{{.Names}}' --sort names
    assert_output_contains "orig-web-clone"
    pcon pod rm orig-clone >/dev/null
    # started in place of the original
    run pcon pod clone --start --destroy orig copy
    assert_status 0
    run pcon pod exists orig
    assert_status 1
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "cloned"
    run pcon pod ps --format '{{.Name}} {{.Status}}'
    assert_output "copy Running"
    run -125 pcon pod clone nosuch
    pcon pod rm -f -t 0 copy >/dev/null
    assert_no_containers
}

@test "pod create --ip, --ip6, --mac-address, --network-alias on a network, --sysctl and --label-file: the pod's, its members see them" {
    pcon network create --subnet 10.66.0.0/24 --subnet fd66::/64 podnet >/dev/null
    printf 'team=blue\n' > "$BATS_TEST_TMPDIR/labels"
    pcon pod create --name addr --network podnet --ip 10.66.0.50 --ip6 fd66::50 \
        --mac-address 02:66:00:00:00:50 --network-alias podalias \
        --sysctl net.ipv4.ping_group_range="0 0" --label-file "$BATS_TEST_TMPDIR/labels" >/dev/null
    run pcon run --rm --pod addr $IMAGE sh -c \
        'ip -o addr show eth0 scope global; ip link show eth0; cat /proc/sys/net/ipv4/ping_group_range'
    assert_output_contains "inet 10.66.0.50/24"
    assert_output_contains "inet6 fd66::50/64"
    assert_output_contains "link/ether 02:66:00:00:00:50"
    assert_output_contains "0	0"
    run pcon run --rm --network podnet $IMAGE nslookup podalias
    assert_output_contains "Address: 10.66.0.50"
    run pcon pod inspect --format '{{.Labels.team}}' addr
    assert_output blue
    pcon pod rm -f addr >/dev/null
    run pcon pod create --network-alias x
    assert_status 125
    assert_output_contains "can only be used with Bridge mode networking"
    pcon network rm podnet >/dev/null
}

@test "pod ps --ns: the pod's cgroup (its members' parent) and namespace columns" {
    local id
    id=$(pcon pod create --name nsp)
    run pcon pod ps --ns
    assert_output_contains "CGROUP"
    assert_output_contains "NAMESPACES"
    assert_output_contains "pcon-pod-$id"
    run pcon pod ps --format '{{.Cgroup}}'
    assert_output "pcon-pod-$id"
    pcon pod rm nsp >/dev/null
    id=$(pcon pod create --share-parent=false --name nsp2)
    run pcon pod ps --format '[{{.Cgroup}}]'
    assert_output "[]"
    pcon pod rm nsp2 >/dev/null
}

@test "pod create -v, --volumes-from, --device, --shm-size, --security-opt: every member inherits them (podman's InfraInherit)" {
    local d="$BATS_TEST_TMPDIR/pv"
    mkdir -p "$d"
    echo hostdata > "$d/f"
    cat >"$BATS_TEST_TMPDIR/deny-mkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
JSON
    pcon volume create podvol >/dev/null
    pcon create --name volsrc -v podvol:/fromvol $IMAGE true >/dev/null
    pcon pod create --name inh -v "$d:/data:ro" --volumes-from volsrc --device /dev/null:/dev/podnull \
        --shm-size 10m --security-opt no-new-privileges \
        --security-opt "seccomp=$BATS_TEST_TMPDIR/deny-mkdir.json" >/dev/null
    run pcon run --rm --pod inh $IMAGE sh -c 'cat /data/f; touch /data/x 2>&1; test -c /dev/podnull && echo dev;
        df -k /dev/shm | tail -1; grep NoNewPrivs /proc/self/status; mkdir /tmp/m 2>&1; echo v > /fromvol/v'
    echo "$output"
    assert_status 0
    assert_output_contains hostdata
    assert_output_contains "Read-only file system"
    assert_output_contains dev
    assert_output_contains " 10240 "
    assert_output_contains "NoNewPrivs:	1"
    assert_output_contains "Permission denied"
    [ "$(pcon run --rm -v podvol:/v $IMAGE cat /v/v)" = v ]
    # a member's own volume at the pod's destination is podman's error
    run pcon create --pod inh -v "$d:/data" $IMAGE true
    assert_status 125
    assert_output_contains '"/data": duplicate mount destination'
    # without an infra there is nothing to inherit from: refused, nothing made
    run pcon pod create --infra=false --name noinh -v "$d:/data"
    assert_status 125
    assert_output_contains "through the infra container"
    run pcon pod exists noinh
    assert_status 1
    pcon pod rm -f inh >/dev/null
    pcon rm volsrc >/dev/null
    pcon volume rm podvol >/dev/null
}

@test "pod create --uts host, --pid host: the infra's namespaces are the host's, and a member sharing them is in the host's too" {
    local host_uts host_pid
    host_uts=$(readlink /proc/self/ns/uts)
    host_pid=$(readlink /proc/self/ns/pid)
    pcon pod create --name huts --uts host >/dev/null
    run pcon run --rm --pod huts $IMAGE sh -c 'busybox readlink /proc/self/ns/uts; cat /proc/sys/kernel/hostname'
    assert_status 0
    [ "${lines[0]}" = "$host_uts" ]
    [ "${lines[1]}" = "$(cat /proc/sys/kernel/hostname)" ]
    run pcon pod inspect --format '{{.InfraConfig.uts_ns}} {{.InfraConfig.pid_ns}}' huts
    assert_output "host private"
    # --pid host, shared: the member sees the host's processes; not shared: its own
    pcon pod create --name hpid --pid host --share +pid >/dev/null
    run pcon run --rm --pod hpid $IMAGE sh -c 'busybox readlink /proc/self/ns/pid; echo $$'
    assert_status 0
    [ "${lines[0]}" = "$host_pid" ]
    [ "${lines[1]}" != 1 ]
    pcon pod create --name hpid2 --pid host >/dev/null
    run pcon run --rm --pod hpid2 $IMAGE sh -c 'echo $$'
    assert_output 1
    run pcon pod inspect --format '{{.InfraConfig.pid_ns}}' hpid
    assert_output host
    # --pid container:NAME: the infra in that container's, and a sharing member too
    pcon run -d --name pidsrc $IMAGE sleep 1000 >/dev/null
    pcon pod create --name cpid --pid container:pidsrc --share +pid >/dev/null
    run pcon run --rm --pod cpid $IMAGE ps -o pid,args
    assert_output_contains "    1 sleep 1000"
    pcon pod rm -f -t 0 cpid >/dev/null
    pcon rm -f -t 0 pidsrc >/dev/null
    # refused: one line each, nothing made
    run -125 --separate-stderr pcon pod create --uts host --hostname h
    [ "$stderr" = "Error: invalid config provided: cannot set hostname when running in the host UTS namespace: invalid configuration" ]
    run -125 --separate-stderr pcon pod create --pid container:x
    assert_one_error_line
    run -125 --separate-stderr pcon pod create --infra=false --uts host
    assert_one_error_line
    run pcon pod ps --format '{{.Name}}' --sort name
    assert_output "hpid
hpid2
huts"
}

@test "create --init-ctr: pod start runs the pod's init containers to their end, oldest first, before the members; once ones are removed; a failed one stops the start" {
    pcon pod create --name initp --exit-policy stop >/dev/null
    pcon create --pod initp --init-ctr always --name init1 -v "$BATS_TEST_TMPDIR:/out" $IMAGE \
        sh -c 'echo first >> /out/order; sleep 0.3' >/dev/null
    pcon create --pod initp --name mem -v "$BATS_TEST_TMPDIR:/out" $IMAGE \
        sh -c 'echo member >> /out/order; sleep 1000' >/dev/null
    pcon create --pod initp --init-ctr once --name init2 -v "$BATS_TEST_TMPDIR:/out" $IMAGE \
        sh -c 'echo second >> /out/order' >/dev/null
    pcon pod start initp >/dev/null
    wait_for 10 grep -q member "$BATS_TEST_TMPDIR/order"
    run cat "$BATS_TEST_TMPDIR/order"
    assert_output "first
second
member"
    # the init ones do not count in the pod's status, nor stop it (--exit-policy stop)
    pod_status_is initp Running
    ctr_state_is init1 exited
    run pcon container exists init2
    assert_status 1
    # always: again at the next start
    pcon pod stop -t 0 initp >/dev/null
    pcon pod start initp >/dev/null
    wait_for 10 sh -c "[ \$(grep -c member '$BATS_TEST_TMPDIR/order') = 2 ]"
    run grep -c first "$BATS_TEST_TMPDIR/order"
    assert_output 2
    # podman's refusals: a running pod, no pod, a bad value
    run -125 --separate-stderr pcon create --pod initp --init-ctr always $IMAGE true
    [ "$stderr" = "Error: cannot add init-ctr to a running pod" ]
    run -125 --separate-stderr pcon create --init-ctr always $IMAGE true
    [ "$stderr" = "Error: must specify pod value with init-ctr" ]
    run -125 --separate-stderr pcon create --pod initp --init-ctr sometimes $IMAGE true
    [ "$stderr" = "Error: init-ctr value must be 'always' or 'once'" ]
    # a failed init container: the start fails, the members stay down
    pcon pod stop -t 0 initp >/dev/null
    pcon create --pod initp --init-ctr always --name bad $IMAGE sh -c 'exit 3' >/dev/null
    run --separate-stderr pcon pod start initp
    assert_status 125
    [[ "$stderr" == "Error: init container "*" exited with code 3" ]]
    run pcon inspect --format '{{.State.Status}}' mem
    assert_output exited
}
