#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Kubernetes YAML: kube play (Pod, Deployment, PersistentVolumeClaim,
# ConfigMap), kube down, kube generate, and the round trip between them;
# fields pcon does not know are one error naming them, nothing made.

load helpers

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

setup_file() {
    pcon_setup_store
    export PORT
    PORT=$(free_port)
}

# a failed test leaves no pod behind for the next
teardown() {
    pcon pod rm -a -f -t 0 >/dev/null 2>&1 || true
}

@test "kube play: a pod of two containers, a hostPort, env from a ConfigMap, a claim and an emptyDir shared; kube down" {
    mkdir -p "$BATS_TEST_TMPDIR/host"
    echo from-host >"$BATS_TEST_TMPDIR/host/h"
    cat >"$BATS_TEST_TMPDIR/app.yaml" <<YAML
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  colour: blue
  size: "3"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: shopdata
spec:
  accessModes: [ReadWriteOnce]
---
apiVersion: v1
kind: Pod
metadata:
  name: shop
  labels:
    tier: front
spec:
  restartPolicy: Never
  containers:
  - name: web
    image: $IMAGE
    command: [sh, -c, 'trap "exit 0" TERM; httpd -f -p 80 -h /shared & wait']
    ports:
    - containerPort: 80
      hostPort: $PORT
    volumeMounts:
    - name: scratch
      mountPath: /shared
  - name: writer
    image: $IMAGE
    command: [sh, -c]
    args: ['echo "\$COLOUR \$size \$FIXED" > /shared/index.html; cat /host/h >> /shared/index.html; echo kept > /data/k; trap "exit 0" TERM; sleep 1000 & wait']
    env:
    - name: COLOUR
      valueFrom:
        configMapKeyRef: {name: settings, key: colour}
    - name: FIXED
      value: "yes"
    envFrom:
    - configMapRef: {name: settings}
    workingDir: /tmp
    volumeMounts:
    - {name: scratch, mountPath: /shared}
    - {name: data, mountPath: /data}
    - {name: hostdir, mountPath: /host, readOnly: true}
  volumes:
  - name: scratch
    emptyDir: {}
  - name: data
    persistentVolumeClaim: {claimName: shopdata}
  - name: hostdir
    hostPath: {path: $BATS_TEST_TMPDIR/host, type: Directory}
YAML
    run pcon kube play "$BATS_TEST_TMPDIR/app.yaml"
    assert_status 0
    [ "${lines[0]}" = "Pod:" ]
    [[ "${lines[1]}" =~ ^[0-9a-f]{64}$ ]]
    wait_for 10 curl -sf "http://127.0.0.1:$PORT/"
    run curl -sf "http://127.0.0.1:$PORT/"
    assert_output $'blue 3 yes\nfrom-host'
    run pcon ps --format '{{.Names}}' --filter pod=shop
    assert_output_contains "shop-web"
    assert_output_contains "shop-writer"
    run pcon exec shop-writer sh -c 'echo $size; pwd'
    assert_output $'3\n/tmp'
    run pcon pod inspect --format '{{.Labels.tier}}' shop
    assert_output "front"
    run --separate-stderr pcon kube play "$BATS_TEST_TMPDIR/app.yaml"
    assert_status 125
    assert_one_error_line
    run pcon kube down "$BATS_TEST_TMPDIR/app.yaml"
    assert_status 0
    assert_output_contains "Pods removed:"
    run pcon pod exists shop
    assert_status 1
    # the claim's volume stays, with what was written there; the emptyDir goes
    run pcon volume ls -q
    assert_output "shopdata"
    run pcon run --rm -v shopdata:/d $IMAGE cat /d/k
    assert_output "kept"
    pcon volume rm shopdata >/dev/null
    assert_no_containers
}

@test "kube generate, then kube play of what it wrote: the same pod back, its port answering, its volume" {
    pcon pod create --name round -p "$PORT:80" >/dev/null
    pcon create --pod round --name srv -v roundvol:/srv $IMAGE \
        sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /srv & wait' >/dev/null
    pcon create --pod round --name fill -v roundvol:/srv -e GREETING=hello $IMAGE \
        sh -c 'echo "$GREETING round trip" > /srv/index.html; trap "exit 0" TERM; sleep 1000 & wait' >/dev/null
    run pcon kube generate -f "$BATS_TEST_TMPDIR/round.yaml" round
    assert_status 0
    # the document holds to the v1 Pod schema's fields
    run python3 - "$BATS_TEST_TMPDIR/round.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
pod = docs[0]
assert pod["apiVersion"] == "v1" and pod["kind"] == "Pod", pod
assert set(pod) <= {"apiVersion", "kind", "metadata", "spec", "status"}, set(pod)
assert set(pod["metadata"]) <= {"name", "labels", "annotations", "creationTimestamp"}
spec_fields = {"containers", "volumes", "hostname", "restartPolicy",
               "automountServiceAccountToken", "enableServiceLinks"}
assert set(pod["spec"]) <= spec_fields, set(pod["spec"])
ctr_fields = {"name", "image", "command", "args", "env", "ports", "volumeMounts",
              "workingDir", "securityContext"}
for c in pod["spec"]["containers"]:
    assert set(c) <= ctr_fields, set(c)
    assert isinstance(c["name"], str) and isinstance(c["image"], str)
    for p in c.get("ports", []):
        assert set(p) <= {"containerPort", "hostPort", "hostIP", "protocol"}
        assert isinstance(p["containerPort"], int)
    for e in c.get("env", []):
        assert set(e) == {"name", "value"} and isinstance(e["value"], str), e
    assert all(isinstance(a, str) for a in c.get("command", []))
for v in pod["spec"].get("volumes", []):
    assert set(v) <= {"name", "hostPath", "persistentVolumeClaim", "emptyDir"}, v
assert pod["spec"]["restartPolicy"] in ("Always", "OnFailure", "Never")
print(sorted(c["name"] for c in pod["spec"]["containers"]))
PY
    assert_status 0
    assert_output "['fill', 'srv']"
    pcon pod rm -f -t 0 round >/dev/null
    run pcon kube play "$BATS_TEST_TMPDIR/round.yaml"
    assert_status 0
    wait_for 10 curl -sf "http://127.0.0.1:$PORT/"
    run curl -sf "http://127.0.0.1:$PORT/"
    assert_output "hello round trip"
    run pcon ps --format '{{.Names}}' --filter pod=round
    assert_output_contains "round-srv"
    # generated again, the names are the same: the pod's prefix is not doubled
    run pcon kube generate round
    assert_output_contains "  - name: srv"
    refute_output_contains "round-round"
    run pcon kube play --down "$BATS_TEST_TMPDIR/round.yaml"
    assert_status 0
    pcon volume rm roundvol >/dev/null
    assert_no_containers
}

@test "kube play of a Deployment of one replica: a pod named NAME-pod-0; --start=false; --replace" {
    cat >"$BATS_TEST_TMPDIR/dep.yaml" <<YAML
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: main
        image: $IMAGE
        command: [sleep, "1000"]
YAML
    run pcon kube play --start=false "$BATS_TEST_TMPDIR/dep.yaml"
    assert_status 0
    run pcon pod ps --format '{{.Name}} {{.Status}}'
    assert_output "api-pod-0 Created"
    run pcon kube play --replace "$BATS_TEST_TMPDIR/dep.yaml"
    assert_status 0
    run pcon pod ps --format '{{.Name}} {{.Status}}'
    assert_output "api-pod-0 Running"
    pcon kube down "$BATS_TEST_TMPDIR/dep.yaml" >/dev/null
    sed -i 's/replicas: 1/replicas: 2/' "$BATS_TEST_TMPDIR/dep.yaml"
    run --separate-stderr pcon kube play "$BATS_TEST_TMPDIR/dep.yaml"
    assert_status 125
    [ "$stderr" = "Error: kube: document 1: a Deployment of one replica only" ]
    assert_no_containers
}

@test "kube play refuses what it does not understand: one line naming the field, nothing made" {
    for doc in \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: a\n    image: x\n    livenessProbe: {}' \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  initContainers: []\n  containers: [{name: a, image: x}]' \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - {name: a, image: x, volumeMounts: [{name: nope, mountPath: /x}]}' \
        $'apiVersion: v1\nkind: Job\nmetadata: {name: bad}' \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - {name: a, image: x, ports: [{containerPort: 99999}]}' \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - {name: a, image: x, securityContext: {windowsOptions: {}}}' \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad\nspec: [' \
        $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - {name: a, image: x, env: [{name: A, valueFrom: {configMapKeyRef: {name: none, key: k}}}]}'; do
        printf '%s\n' "$doc" >"$BATS_TEST_TMPDIR/bad.yaml"
        run --separate-stderr pcon kube play "$BATS_TEST_TMPDIR/bad.yaml"
        assert_status 125
        assert_one_error_line
        [[ "$stderr" == "Error: kube: "* ]]
    done
    run --separate-stderr pcon kube play "$BATS_TEST_TMPDIR/bad.yaml"
    run pcon pod ps -q
    assert_output ""
    printf '%s\n' $'apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n  containers:\n  - name: a\n    image: x\n    livenessProbe: {}' >"$BATS_TEST_TMPDIR/bad.yaml"
    run --separate-stderr pcon kube play "$BATS_TEST_TMPDIR/bad.yaml"
    [ "$stderr" = "Error: kube: document 1.spec.containers[0].livenessProbe: field not supported by pcon" ]
    # podman's older names
    run pcon play kube --help
    assert_status 0
    run pcon generate kube --help
    assert_status 0
    assert_no_containers
}

@test "kube generate of containers alone: one Pod of them all with podman's annotations, privileged and the user; kube play brings them back so" {
    pcon create --name kpriv --privileged $IMAGE sleep 1000 >/dev/null
    pcon create --name kuser -u 1000:1000 --cap-add NET_ADMIN -t $IMAGE sleep 1000 >/dev/null
    run pcon kube generate -f "$BATS_TEST_TMPDIR/two.yaml" kpriv kuser
    assert_status 0
    run python3 - "$BATS_TEST_TMPDIR/two.yaml" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
assert len(docs) == 1, len(docs)
pod = docs[0]
assert pod["metadata"]["name"] == "kpriv-pod"
ann = pod["metadata"]["annotations"]
assert ann["io.podman.annotations.privileged/kpriv"] == "TRUE", ann
assert ann["io.podman.annotations.privileged/kuser"] == "FALSE", ann
assert ann["io.kubernetes.cri-o.TTY/kuser"] == "true", ann
assert list(ann) == sorted(ann), list(ann)
assert pod["spec"]["automountServiceAccountToken"] is False
a, b = pod["spec"]["containers"]
assert a["name"] == "kpriv" and a["securityContext"] == {"privileged": True}, a
sc = b["securityContext"]
assert sc["runAsUser"] == 1000 and sc["runAsGroup"] == 1000, sc
assert sc["capabilities"]["add"] == ["CAP_NET_ADMIN"], sc
assert "volumeMounts" not in a and "volumeMounts" not in b
PY
    assert_status 0
    pcon rm kpriv kuser >/dev/null
    run pcon kube play "$BATS_TEST_TMPDIR/two.yaml"
    assert_status 0
    run pcon inspect --format '{{.HostConfig.Privileged}}' kpriv-pod-kpriv kpriv-pod-kuser
    assert_output "true
false"
    run pcon inspect --format '{{.Config.User}}' kpriv-pod-kuser
    assert_output "1000:1000"
    run pcon exec kpriv-pod-kpriv grep CapEff /proc/self/status
    assert_output "CapEff:	000001ffffffffff"
    run pcon exec kpriv-pod-kuser id
    [[ "$output" == "uid=1000"*" gid=1000"* ]]
    run pcon kube down "$BATS_TEST_TMPDIR/two.yaml"
    assert_status 0
    assert_no_containers
}

@test "kube play builds an image from the directory of its name (--build, --context-dir); --annotation, --no-hosts, --network with --ip and --mac-address, -q" {
    local d=$BATS_TEST_TMPDIR/kb
    mkdir -p "$d/kbuilt" "$BATS_TEST_TMPDIR/elsewhere/kbuilt"
    printf 'FROM %s\nRUN echo built-here > /built\n' "$IMAGE" >"$d/kbuilt/Containerfile"
    printf 'FROM %s\nRUN echo built-elsewhere > /built\n' "$IMAGE" >"$BATS_TEST_TMPDIR/elsewhere/kbuilt/Containerfile"
    cat >"$d/pod.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: kb
spec:
  containers:
  - name: main
    image: localhost/kbuilt:1
    command: [sh, -c, "trap 'exit 0' TERM; while :; do sleep 1; done"]
YAML
    # missing: built from the directory beside the YAML
    run pcon kube play -q --annotation team=blue --no-hosts "$d/pod.yaml"
    assert_status 0
    run pcon exec kb-main cat /built
    assert_output built-here
    run pcon inspect --format '{{index .Config.Annotations "team"}}' kb-main
    assert_output blue
    run pcon exec kb-main cat /etc/hosts
    refute_output_contains "kb-main"
    pcon kube down "$d/pod.yaml" >/dev/null
    # there already: kept, unless --build; --build=false never builds
    run pcon kube play -q --build --context-dir "$BATS_TEST_TMPDIR/elsewhere" "$d/pod.yaml"
    run pcon exec kb-main cat /built
    assert_output built-elsewhere
    pcon kube down "$d/pod.yaml" >/dev/null
    pcon rmi localhost/kbuilt:1 >/dev/null
    run pcon kube play -q --build=false "$d/pod.yaml"
    assert_status 125
    # the pod's address on a network
    pcon network create --subnet 10.67.0.0/24 kbnet >/dev/null
    sed -i "s|localhost/kbuilt:1|$IMAGE|" "$d/pod.yaml"
    run pcon kube play --network kbnet --ip 10.67.0.40 --mac-address 02:67:00:00:00:40 "$d/pod.yaml"
    assert_status 0
    run pcon exec kb-main sh -c 'ip -o -4 addr show eth0; ip link show eth0'
    assert_output_contains "inet 10.67.0.40/24"
    assert_output_contains "link/ether 02:67:00:00:00:40"
    pcon kube down "$d/pod.yaml" >/dev/null
    pcon network rm kbnet >/dev/null
}

@test "kube play: the seccomp annotations (the pod's, a container's own) pick each container's profile; localhost/ NAME is in --seccomp-profile-root, never above it" {
    local root=$BATS_TEST_TMPDIR/profiles
    mkdir -p "$root"
    echo '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}' \
        > "$root/nomkdir.json"
    cat >"$BATS_TEST_TMPDIR/sc.yaml" <<YAML
apiVersion: v1
kind: Pod
metadata:
  name: sc
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: localhost/nomkdir.json
    container.seccomp.security.alpha.kubernetes.io/dflt: runtime/default
    container.seccomp.security.alpha.kubernetes.io/free: unconfined
spec:
  containers:
  - {name: strict, image: $IMAGE, command: [sleep, "1000"]}
  - {name: dflt, image: $IMAGE, command: [sleep, "1000"]}
  - {name: free, image: $IMAGE, command: [sleep, "1000"]}
YAML
    pcon kube play --seccomp-profile-root "$root" "$BATS_TEST_TMPDIR/sc.yaml" >/dev/null
    run pcon exec sc-strict mkdir /tmp/d
    [ "$status" -ne 0 ]
    pcon exec sc-dflt mkdir /tmp/d
    run pcon exec sc-dflt grep ^Seccomp: /proc/self/status
    assert_output "Seccomp:	2"
    run pcon exec sc-free grep ^Seccomp: /proc/self/status
    assert_output "Seccomp:	0"
    pcon kube down "$BATS_TEST_TMPDIR/sc.yaml" >/dev/null
    # a way out of the root, a key without a container, an unknown kind: refused, nothing made
    sed -i 's|localhost/nomkdir.json|localhost/../profiles/nomkdir.json|' "$BATS_TEST_TMPDIR/sc.yaml"
    run --separate-stderr pcon kube play --seccomp-profile-root "$root" "$BATS_TEST_TMPDIR/sc.yaml"
    assert_status 125
    [ "$stderr" = "Error: invalid seccomp path: localhost/../profiles/nomkdir.json" ]
    sed -i 's|localhost/../profiles/nomkdir.json|bogus/x|' "$BATS_TEST_TMPDIR/sc.yaml"
    run --separate-stderr pcon kube play --seccomp-profile-root "$root" "$BATS_TEST_TMPDIR/sc.yaml"
    [ "$stderr" = "Error: invalid seccomp path: bogus/x" ]
    run pcon pod ps -q
    assert_output ""
    assert_no_containers
}
