#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Quadlet: NAME.container, .volume, .network, .pod and .kube files turned into
# systemd units by pcon's user generator (pcon-user-generator, or pcon
# quadlet --dryrun), checked by systemd-analyze verify and run by
# sd-harness.py; systemd itself is never started.

load helpers

setup_file() {
    # the units name no --root: this file's store is the default one of
    # its own XDG directories
    export XDG_DATA_HOME="$BATS_FILE_TMPDIR/data" XDG_RUNTIME_DIR="$BATS_FILE_TMPDIR/xdgrun"
    mkdir -p -m 0700 "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"
    export PCON_ROOT="$XDG_DATA_HOME/pcon/storage" PCON_RUNROOT="$XDG_RUNTIME_DIR/pcon"
    pcon import "$BB_TAR" "$IMAGE" >/dev/null
    export QUADLET_UNIT_DIRS="$BATS_FILE_TMPDIR/quadlet"
    mkdir -p "$QUADLET_UNIT_DIRS"
    ln -s "$PCON" "$BATS_FILE_TMPDIR/pcon-user-generator"
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

harness() {
    python3 "$BATS_TEST_DIRNAME/sd-harness.py" "$@"
}

@test "quadlet: a container, its volume and its network become units systemd-analyze accepts, and run as systemd would" {
    local port out="$BATS_TEST_TMPDIR/units" rt="$BATS_TEST_TMPDIR/rt"
    port=$(free_port)
    cat >"$QUADLET_UNIT_DIRS/web.container" <<EOF2
[Unit]
Description=A web server

[Container]
Image=$IMAGE
Exec=sh -c "echo served-by-quadlet > /d/index.html; \\
  trap 'exit 0' TERM; httpd -f -p 80 -h /d & wait"
PublishPort=$port:80
Volume=data.volume:/d
Network=net.network
Environment=GREETING=hi "TWO=two words"
Label=app=web

[Service]
Restart=always

[Install]
WantedBy=default.target
EOF2
    printf '[Volume]\nLabel=k=v\n' >"$QUADLET_UNIT_DIRS/data.volume"
    printf '[Network]\nSubnet=10.98.7.0/24\n' >"$QUADLET_UNIT_DIRS/net.network"
    run pcon quadlet --dryrun
    assert_status 0
    assert_output_contains "---web.service---"
    assert_output_contains "---data-volume.service---"
    assert_output_contains "---net-network.service---"
    assert_output_contains "ExecStart=$PCON run --name=systemd-%N --cidfile=%t/%N.cid --replace --rm --cgroups=split --sdnotify=conmon -d --publish $port:80 -v systemd-data:/d --network systemd-net --env GREETING=hi --env \"TWO=two words\" --label app=web $IMAGE sh -c"
    assert_output_contains "Requires=data-volume.service"
    assert_output_contains "After=net-network.service"
    assert_output_contains "Restart=always"
    # as systemd runs it: NORMAL_DIR EARLY_DIR LATE_DIR
    mkdir -p "$out" "$rt"
    run "$BATS_FILE_TMPDIR/pcon-user-generator" "$out" "$out" "$out"
    assert_status 0
    [ -L "$out/default.target.wants/web.service" ]
    for u in web.service data-volume.service net-network.service; do
        if command -v systemd-analyze >/dev/null; then
            run systemd-analyze verify "$out/$u"
            assert_status 0
        fi
    done
    # the volume's and the network's first, then the container's
    harness run "$out/data-volume.service" "$rt" ExecStart
    harness run "$out/net-network.service" "$rt" ExecStart
    run pcon volume inspect --format '{{.Name}} {{.Labels.k}}' systemd-data
    assert_output "systemd-data v"
    run pcon network inspect --format '{{.Name}}' systemd-net
    assert_output "systemd-net"
    # made once: a second start is fine
    run harness run "$out/net-network.service" "$rt" ExecStart
    assert_status 0
    run harness start "$out/web.service" "$rt"
    assert_status 0
    assert_output_contains "READY=1"
    wait_for 10 curl -sf "http://127.0.0.1:$port/"
    run curl -sf "http://127.0.0.1:$port/"
    assert_output "served-by-quadlet"
    run pcon ps --format '{{.Names}} {{.Labels.app}}'
    assert_output "systemd-web web"
    run pcon exec systemd-web sh -c 'echo "$GREETING/$TWO"; ip -o -4 addr show eth0'
    assert_output_contains "hi/two words"
    assert_output_contains "10.98.7."
    harness run "$out/web.service" "$rt" ExecStop
    harness run "$out/web.service" "$rt" ExecStopPost
    run pcon ps -a -q
    assert_output ""
    pcon network rm systemd-net >/dev/null
    pcon volume rm systemd-data >/dev/null
    rm -f "$QUADLET_UNIT_DIRS"/*
}

@test "quadlet: a key it does not know is an error naming the file and line; the other files still become units" {
    printf '[Container]\nImage=%s\nPrivileged=true\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/bad.container"
    printf '[Container]\nExec=true\n' >"$QUADLET_UNIT_DIRS/noimage.container"
    printf '[Container]\nImage=%s\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/good.container"
    printf 'Image=%s\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/nosection.container"
    run --separate-stderr pcon quadlet --dryrun
    assert_status 1
    [[ "$stderr" == *"Error: $QUADLET_UNIT_DIRS/bad.container:3: unsupported key Privileged in [Container]"* ]]
    [[ "$stderr" == *"Error: $QUADLET_UNIT_DIRS/noimage.container: no Image= in [Container]"* ]]
    [[ "$stderr" == *"nosection.container: line 1: an entry before any [Section]"* ]]
    assert_output_contains "---good.service---"
    refute_output_contains "---bad.service---"
    rm -f "$QUADLET_UNIT_DIRS"/*
}

@test "quadlet: confinement keys (UserNS, AddDevice, Ulimit, Sysctl, Timezone, RunInit, NoNewPrivileges) reach the container" {
    local out="$BATS_TEST_TMPDIR/units" rt="$BATS_TEST_TMPDIR/rt"
    cat >"$QUADLET_UNIT_DIRS/confined.container" <<EOF2
[Container]
Image=$IMAGE
UserNS=keep-id
AddDevice=/dev/fuse
Ulimit=nofile=100:200
Sysctl=net.ipv4.ip_unprivileged_port_start=0 kernel.msgmax=9000
RunInit=yes
NoNewPrivileges=true
Exec=sleep 1000
EOF2
    run pcon quadlet --dryrun
    assert_status 0
    assert_output_contains "-d --userns keep-id --device /dev/fuse --ulimit nofile=100:200 --sysctl net.ipv4.ip_unprivileged_port_start=0 --sysctl kernel.msgmax=9000 --init --security-opt=no-new-privileges $IMAGE sleep 1000"
    mkdir -p "$out" "$rt"
    run "$BATS_FILE_TMPDIR/pcon-user-generator" "$out" "$out" "$out"
    assert_status 0
    run harness start "$out/confined.service" "$rt"
    assert_status 0
    run pcon exec systemd-confined sh -c 'id -u; ulimit -n; cat /proc/sys/kernel/msgmax; stat -c %t:%T /dev/fuse; grep NoNewPrivs /proc/1/status; cat /proc/1/cmdline | tr "\0" " "'
    assert_status 0
    [ "${lines[0]}" = "$(id -u)" ]
    [ "${lines[1]}" = 100 ]
    [ "${lines[2]}" = 9000 ]
    [ "${lines[3]}" = a:e5 ]
    [[ "${lines[4]}" == *1 ]]
    [[ "${lines[5]}" == "/run/pcon-init -- sleep 1000"* ]]
    harness run "$out/confined.service" "$rt" ExecStop
    harness run "$out/confined.service" "$rt" ExecStopPost
    rm -f "$QUADLET_UNIT_DIRS"/*
}

@test "quadlet: a .kube file becomes a unit that plays its YAML (beside the file) and takes it down; Secret= reaches the container" {
    local port out="$BATS_TEST_TMPDIR/units" rt="$BATS_TEST_TMPDIR/rt"
    port=$(free_port)
    cat >"$QUADLET_UNIT_DIRS/app.yaml" <<EOF2
apiVersion: v1
kind: Pod
metadata:
  name: qkube
spec:
  containers:
  - name: web
    image: $IMAGE
    command: ["sh", "-c", "echo from-kube > /i; trap 'exit 0' TERM; httpd -f -p 80 -h / & wait"]
    ports:
    - containerPort: 80
      hostPort: $port
EOF2
    printf '[Kube]\nYaml=app.yaml\n\n[Install]\nWantedBy=default.target\n' >"$QUADLET_UNIT_DIRS/app.kube"
    run pcon quadlet --dryrun
    assert_status 0
    assert_output_contains "---app.service---"
    assert_output_contains "ExecStart=$PCON kube play --replace $QUADLET_UNIT_DIRS/app.yaml"
    assert_output_contains "ExecStop=$PCON kube down $QUADLET_UNIT_DIRS/app.yaml"
    mkdir -p "$out" "$rt"
    run "$BATS_FILE_TMPDIR/pcon-user-generator" "$out" "$out" "$out"
    assert_status 0
    [ -L "$out/default.target.wants/app.service" ]
    if command -v systemd-analyze >/dev/null; then
        run systemd-analyze verify "$out/app.service"
        assert_status 0
    fi
    run harness run "$out/app.service" "$rt" ExecStart
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "from-kube"
    run harness run "$out/app.service" "$rt" ExecStop
    assert_status 0
    assert_no_containers
    printf '[Kube]\nNetwork=none\n' >"$QUADLET_UNIT_DIRS/app.kube"
    run --separate-stderr pcon quadlet --dryrun
    assert_status 1
    [[ "$stderr" == *"no Yaml= in [Kube]"* ]]
    rm -f "$QUADLET_UNIT_DIRS"/*
    # Secret=: a secret of the user's, mounted in the container
    printf 's3cret' | pcon secret create qsec - >/dev/null
    printf '[Container]\nImage=%s\nSecret=qsec\nExec=cat /run/secrets/qsec\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/sec.container"
    run pcon quadlet --dryrun
    assert_output_contains " -d --secret qsec $IMAGE cat /run/secrets/qsec"
    rm -f "$QUADLET_UNIT_DIRS"/*
    pcon secret rm qsec >/dev/null
}

@test "contrib/systemd: the example quadlet files become units systemd-analyze accepts; the web server and the pod serve" {
    local port kport out="$BATS_TEST_TMPDIR/units" rt="$BATS_TEST_TMPDIR/rt"
    port=$(free_port)
    kport=$(free_port)
    pcon tag $IMAGE docker.io/library/busybox:latest
    # as a user would copy them, on ports free here
    for f in "$BATS_TEST_DIRNAME"/../../contrib/systemd/quadlet/*; do
        sed -e "s/8080:80/$port:80/" -e "s/hostPort: 8081/hostPort: $kport/" "$f" >"$QUADLET_UNIT_DIRS/${f##*/}"
    done
    mkdir -p "$out" "$rt"
    run "$BATS_FILE_TMPDIR/pcon-user-generator" "$out" "$out" "$out"
    assert_status 0
    run ls "$out"
    assert_output_contains "web.service"
    assert_output_contains "site-volume.service"
    assert_output_contains "app-network.service"
    assert_output_contains "hello.service"
    if command -v systemd-analyze >/dev/null; then
        for u in web.service site-volume.service app-network.service hello.service; do
            run systemd-analyze verify "$out/$u"
            assert_status 0
        done
    fi
    harness run "$out/site-volume.service" "$rt" ExecStart
    harness run "$out/app-network.service" "$rt" ExecStart
    pcon run --rm -v systemd-site:/s $IMAGE sh -c 'echo from-contrib > /s/index.html'
    run harness start "$out/web.service" "$rt"
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$port/"
    run curl -sf "http://127.0.0.1:$port/"
    assert_output "from-contrib"
    run pcon inspect --format '{{.HostConfig.ReadonlyRootfs}} {{.EffectiveCaps}}' web
    assert_output "true [CAP_NET_BIND_SERVICE]"
    run harness run "$out/hello.service" "$rt" ExecStart
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$kport/"
    run curl -sf "http://127.0.0.1:$kport/"
    assert_output "hello"
    harness run "$out/hello.service" "$rt" ExecStop
    harness run "$out/web.service" "$rt" ExecStop
    harness run "$out/web.service" "$rt" ExecStopPost
    assert_no_containers
    pcon network rm systemd-app >/dev/null
    pcon volume rm systemd-site >/dev/null
    rm -f "$QUADLET_UNIT_DIRS"/*
}

@test "quadlet: a .pod file becomes NAME-pod.service, a forking unit that makes the pod; a .container with Pod= is its member" {
    local port out="$BATS_TEST_TMPDIR/units" rt="$BATS_TEST_TMPDIR/rt"
    port=$(free_port)
    printf '[Pod]\nPublishPort=%s:80\n\n[Install]\nWantedBy=default.target\n' "$port" >"$QUADLET_UNIT_DIRS/shop.pod"
    printf '[Container]\nImage=%s\nPod=shop.pod\nExec=sh -c "echo in-the-pod > /i; trap '"'exit 0'"' TERM; httpd -f -p 80 -h / & wait"\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/front.container"
    run pcon quadlet --dryrun
    assert_status 0
    assert_output_contains "---shop-pod.service---"
    assert_output_contains "ExecStartPre=$PCON pod create --infra-conmon-pidfile=%t/%N.pid --pod-id-file=%t/%N.pod-id --exit-policy=stop --replace --publish $port:80 --name=systemd-shop"
    assert_output_contains "Wants=front.service"
    assert_output_contains "BindsTo=shop-pod.service"
    assert_output_contains "--pod-id-file=%t/shop-pod.pod-id"
    mkdir -p "$out" "$rt"
    run "$BATS_FILE_TMPDIR/pcon-user-generator" "$out" "$out" "$out"
    assert_status 0
    if command -v systemd-analyze >/dev/null; then
        run systemd-analyze verify "$out/shop-pod.service" "$out/front.service"
        assert_status 0
    fi
    # the pod's unit first (the member's is After= it), then the member's
    run harness start "$out/shop-pod.service" "$rt"
    assert_status 0
    mainpid=$(sed -n 's/^MAINPID=//p' <<<"$output")
    [ "$mainpid" = "$(cat "$rt/shop-pod.pid")" ]
    run pcon pod ps --format '{{.Name}} {{.Status}}'
    assert_output "systemd-shop Running"
    run harness start "$out/front.service" "$rt"
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$port/i"
    run curl -sf "http://127.0.0.1:$port/i"
    assert_output "in-the-pod"
    run pcon ps --format '{{.Names}} {{.PodName}}' --filter pod=systemd-shop
    assert_output_contains "systemd-front systemd-shop"
    harness run "$out/shop-pod.service" "$rt" ExecStop
    harness run "$out/shop-pod.service" "$rt" ExecStopPost
    run pcon pod ps -q
    assert_output ""
    assert_no_containers
    printf '[Container]\nImage=%s\nPod=shop\n' "$IMAGE" >"$QUADLET_UNIT_DIRS/front.container"
    run --separate-stderr pcon quadlet --dryrun
    [[ "$stderr" == *"Pod=shop: a quadlet .pod file's name is needed"* ]]
    rm -f "$QUADLET_UNIT_DIRS"/*
}
