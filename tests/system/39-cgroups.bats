#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# cgroups. This host is cgroup v1 (hybrid): no controller can be delegated
# to a rootless user, so limits cannot be enforced here. What is tested:
# the detection (limits ignored with podman's warning, stats and update
# refusing with the reason); a real cgroup v2 directory delegated to the
# test user by tests/run.sh (PCON_TEST_CGROUP; its hierarchy may have no
# controllers), where each container gets a cgroup of its own that the
# kernel puts it in and stats reads; and the limit files pcon writes, in a
# tree laid out as a delegated cgroup v2 directory with every controller
# (a plain directory: the kernel enforces nothing there).

load helpers

# pcon with its cgroups under DIR
pcon_cg() { # DIR ARGS...
    local dir=$1
    shift
    PCON_CGROUP_ROOT=$dir pcon "$@"
}

need_delegated() {
    [ -n "${PCON_TEST_CGROUP:-}" ] || skip "no cgroup v2 directory delegated to the test user (tests/run.sh makes one as root)"
}

# a directory laid out as a delegated cgroup v2 one with every controller,
# and the leaf of container ID in it, as the kernel would fill it
fake_tree() { # DIR [ID]
    mkdir -p "$1"
    echo "cpuset cpu io memory hugetlb pids rdma misc" > "$1/cgroup.controllers"
    : > "$1/cgroup.subtree_control"
    [ -n "${2:-}" ] || return 0
    mkdir -p "$1/pcon-$2"
    cp "$1/cgroup.controllers" "$1/pcon-$2/cgroup.controllers"
    for f in cgroup.procs memory.max memory.swap.max memory.low cpu.max cpu.weight io.weight \
        cpuset.cpus cpuset.mems pids.max; do
        : > "$1/pcon-$2/$f"
    done
}

@test "without a delegated cgroup v2 subtree: limits are ignored with podman's warning, stats and update say why" {
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
        [ -w "/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service/user.slice" ]; then
        skip "this host delegates cgroup v2 to the user"
    fi
    run --separate-stderr pcon run --rm --memory 100m --cpus 1 --pids-limit 50 $IMAGE echo ran
    assert_status 0
    assert_output ran
    [[ "$stderr" == "Resource limits are not supported and ignored on cgroups V1 rootless systems"* ]]
    run pcon run --rm $IMAGE echo quiet
    assert_output quiet
    pcon run -d --name nostats $IMAGE sleep 60
    run -125 --separate-stderr pcon stats --no-stream
    assert_one_error_line
    [[ "$stderr" == *"stats is not supported in rootless mode without cgroups v2"* ]]
    run -125 --separate-stderr pcon update --memory 100m nostats
    assert_one_error_line
    pcon rm -f -t 0 nostats
}

@test "a container gets a cgroup of its own in the delegated directory, gone when it ends" {
    need_delegated
    local rel=${PCON_TEST_CGROUP#/sys/fs/cgroup}
    rel=${rel#/unified}
    run pcon_cg "$PCON_TEST_CGROUP" run --rm $IMAGE sh -c 'grep "^0::" /proc/self/cgroup; echo "[$HOSTNAME]"'
    assert_status 0
    [[ "${lines[0]}" =~ ^0::$rel/pcon-[0-9a-f]{64}$ ]]
    run sh -c "ls -d '$PCON_TEST_CGROUP'/pcon-* 2>/dev/null"
    assert_output ""
    # --cgroups disabled: none
    run pcon_cg "$PCON_TEST_CGROUP" run --rm --cgroups disabled $IMAGE grep "^0::" /proc/self/cgroup
    assert_status 0
    [[ ! "$output" =~ /pcon-[0-9a-f]{64}$ ]]
}

@test "stats reads a running container's cgroup: its CPU time grows while it spins" {
    need_delegated
    local id
    id=$(pcon_cg "$PCON_TEST_CGROUP" run -d --name spin $IMAGE sh -c 'while :; do :; done')
    sleep 1
    run pcon_cg "$PCON_TEST_CGROUP" stats --no-stream --format '{{.ID}} {{.Name}} {{.CPU}} {{.CPUPerc}}' spin
    assert_status 0
    [[ "$output" =~ ^${id:0:12}\ spin\ [0-9.]+(ms|s)\ [0-9.]+%$ ]]
    # at least a quarter of one core over its life so far
    run pcon_cg "$PCON_TEST_CGROUP" stats --no-stream --format json
    assert_status 0
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["name"] == "spin", d; assert float(d[0]["avg_cpu"].rstrip("%")) > 25, d' <<<"$output"
    run pcon_cg "$PCON_TEST_CGROUP" stats --no-stream
    [[ "${lines[0]}" =~ ^ID\ +NAME\ +CPU\ %\ +MEM\ USAGE\ /\ LIMIT\ +MEM\ %\ +NET\ IO\ +BLOCK\ IO\ +PIDS\ +CPU\ TIME\ +AVG\ CPU\ %$ ]]
    pcon_cg "$PCON_TEST_CGROUP" rm -f -t 0 spin
}

@test "pause freezes the container's cgroup: its CPU time stands still until unpause; stop thaws it" {
    need_delegated
    local id d before after
    id=$(pcon_cg "$PCON_TEST_CGROUP" run -d --name frozen $IMAGE sh -c 'while :; do :; done')
    d=$PCON_TEST_CGROUP/pcon-$id
    sleep 0.3
    run pcon_cg "$PCON_TEST_CGROUP" pause frozen
    assert_output "$id"
    [ "$(grep frozen "$d/cgroup.events")" = "frozen 1" ]
    run pcon inspect frozen --format '{{.State.Status}}'
    assert_output paused
    before=$(awk '$1 == "usage_usec" { print $2 }' "$d/cpu.stat")
    sleep 0.5
    after=$(awk '$1 == "usage_usec" { print $2 }' "$d/cpu.stat")
    [ "$before" = "$after" ]
    run -125 --separate-stderr pcon_cg "$PCON_TEST_CGROUP" pause frozen
    [[ "$stderr" == *"is not running, can't pause"* ]]
    pcon_cg "$PCON_TEST_CGROUP" unpause frozen
    sleep 0.3
    after=$(awk '$1 == "usage_usec" { print $2 }' "$d/cpu.stat")
    [ "$after" -gt "$before" ]
    run pcon inspect frozen --format '{{.State.Status}}'
    assert_output running
    # a paused container still stops
    pcon_cg "$PCON_TEST_CGROUP" pause frozen
    run pcon_cg "$PCON_TEST_CGROUP" stop -t 1 frozen
    assert_status 0
    run pcon inspect frozen --format '{{.State.Status}}'
    assert_output exited
    pcon_cg "$PCON_TEST_CGROUP" rm frozen
    [ ! -d "$d" ]
}

@test "a limit whose controller is not delegated fails the start; nothing is left running" {
    need_delegated
    grep -qw memory "$PCON_TEST_CGROUP/cgroup.controllers" && skip "this tree has the memory controller"
    run --separate-stderr pcon_cg "$PCON_TEST_CGROUP" run --rm --memory 100m $IMAGE true
    [ "$status" -ne 0 ]
    assert_one_error_line
    [[ "$stderr" == *"memory controller is not delegated"* ]]
    assert_no_containers
}

@test "the limits are written as cgroup v2 files, the container put in; update rewrites them" {
    local tree=$BATS_TEST_TMPDIR/cg id pid
    fake_tree "$tree"
    id=$(pcon_cg "$tree" create --name lim --memory 100m --memory-swap 150m --memory-reservation 50m \
        --cpus 1.5 --cpu-shares 512 --cpuset-cpus 0 --cpuset-mems 0 --pids-limit 100 \
        --blkio-weight 500 $IMAGE sleep 60)
    fake_tree "$tree" "$id"
    pcon_cg "$tree" start lim
    pid=$(pcon inspect lim --format '{{.State.Pid}}')
    local d=$tree/pcon-$id
    [ "$(cat "$d/cgroup.procs")" = "$pid" ]
    [ "$(cat "$d/memory.max")" = 104857600 ]
    [ "$(cat "$d/memory.swap.max")" = 52428800 ]
    [ "$(cat "$d/memory.low")" = 52428800 ]
    [ "$(cat "$d/cpu.max")" = "150000 100000" ]
    [ "$(cat "$d/cpu.weight")" = 20 ]
    [ "$(cat "$d/cpuset.cpus")" = 0 ]
    [ "$(cat "$d/pids.max")" = 100 ]
    [ "$(cat "$d/io.weight")" = "default 500" ]
    [ "$(cat "$tree/cgroup.subtree_control")" = "+cpuset +cpu +io +memory +pids" ]
    run pcon inspect lim --format '{{.HostConfig.Memory}} {{.HostConfig.CpuQuota}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}}'
    assert_output "104857600 150000 1500000000 100"
    # memory and swap together stay at least the memory
    run -125 --separate-stderr pcon_cg "$tree" update --memory 200m lim
    [[ "$stderr" == *"memoryswap limit should be larger"* ]]
    [ "$(cat "$d/memory.max")" = 104857600 ]
    run pcon_cg "$tree" update --memory 200m --memory-swap 300m --pids-limit 10 lim
    assert_status 0
    [ "$(cat "$d/memory.max")" = 209715200 ]
    [ "$(cat "$d/memory.swap.max")" = 104857600 ]
    [ "$(cat "$d/pids.max")" = 10 ]
    [ "$(cat "$d/cpu.max")" = "150000 100000" ]
    run pcon inspect lim --format '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}}'
    assert_output "209715200 10"
    # stats reads what the kernel would have written there
    echo 1000000 > "$d/memory.current"
    echo 3 > "$d/pids.current"
    printf 'usage_usec 2500000\nuser_usec 2000000\n' > "$d/cpu.stat"
    echo "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2" > "$d/io.stat"
    run pcon_cg "$tree" stats --no-stream --format '{{.MemUsage}}|{{.PIDs}}|{{.CPU}}|{{.BlockIO}}' lim
    assert_output "1MB / 210MB|3|2.5s|4.1kB / 8.19kB"
    pcon_cg "$tree" rm -f -t 0 lim
    # the default: podman's 2048 processes
    id=$(pcon_cg "$tree" create $IMAGE true)
    fake_tree "$tree" "$id"
    pcon_cg "$tree" start -a "$id"
    [ "$(cat "$tree/pcon-$id/pids.max")" = 2048 ]
    pcon rm -f "$id"
}

@test "bad limits are one-line errors that make nothing" {
    run -125 --separate-stderr pcon run --rm --memory 1k $IMAGE true
    [[ "$stderr" == *"minimum memory limit allowed is 6MB"* ]]
    run -125 --separate-stderr pcon run --rm --memory lots $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --cpus many $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --cpuset-cpus 3-1 $IMAGE true
    [[ "$stderr" == *"invalid cpuset list"* ]]
    run -125 --separate-stderr pcon run --rm --memory-swap 100m $IMAGE true
    [[ "$stderr" == *"always set a memory limit"* ]]
    run -125 --separate-stderr pcon run --rm --blkio-weight 5 $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon update --memory 10m nosuch
    assert_one_error_line
    assert_no_containers
}

@test "pod stats lists each container of a pod from its cgroup; pod pause freezes them all" {
    need_delegated
    pcon_cg "$PCON_TEST_CGROUP" pod create --name spod >/dev/null
    pcon_cg "$PCON_TEST_CGROUP" run -d --pod spod --name spin2 $IMAGE sh -c 'while :; do :; done' >/dev/null
    sleep 0.5
    run pcon_cg "$PCON_TEST_CGROUP" pod stats --format '{{.Name}} {{.PIDs}}' spod
    assert_status 0
    assert_output_contains "-infra "
    assert_output_contains "spin2"
    run pcon_cg "$PCON_TEST_CGROUP" pod stats spod
    [[ "${lines[0]}" =~ ^POD\ +CID\ +NAME\ +CPU\ % ]]
    pcon_cg "$PCON_TEST_CGROUP" pod pause spod
    run pcon ps -a --filter pod=spod --format '{{.State}}'
    assert_output "paused
paused"
    pcon_cg "$PCON_TEST_CGROUP" pod unpause spod
    run pcon ps -a --filter pod=spod --format '{{.State}}'
    [[ "${lines[0]}" =~ ^Up\ .*\ ago$ ]] && [[ "${lines[1]}" =~ ^Up\ .*\ ago$ ]]
    pcon_cg "$PCON_TEST_CGROUP" pod rm -f -t 0 spod
}

@test "a pod's containers' cgroups are in the pod's (--share-parent, the default), gone with it; --share-parent=false keeps them apart" {
    need_delegated
    local id infra m
    id=$(pcon_cg "$PCON_TEST_CGROUP" pod create --name cgpod)
    m=$(pcon_cg "$PCON_TEST_CGROUP" run -d --pod cgpod $IMAGE sleep 1000)
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' cgpod)
    [ -d "$PCON_TEST_CGROUP/pcon-pod-$id/pcon-$infra" ]
    grep -qx "$(pcon inspect --format '{{.State.Pid}}' "$m")" "$PCON_TEST_CGROUP/pcon-pod-$id/pcon-$m/cgroup.procs"
    [ ! -e "$PCON_TEST_CGROUP/pcon-$m" ]
    run pcon_cg "$PCON_TEST_CGROUP" pod inspect --format '{{.CreateCgroup}} {{.CgroupPath}}' cgpod
    assert_output "true ${PCON_TEST_CGROUP#/sys/fs/cgroup}/pcon-pod-$id"
    run pcon_cg "$PCON_TEST_CGROUP" pod stats --no-stream --format '{{.Name}}' cgpod
    assert_output_contains "-infra"
    pcon_cg "$PCON_TEST_CGROUP" pod rm -f -t 0 cgpod >/dev/null
    [ ! -e "$PCON_TEST_CGROUP/pcon-pod-$id" ]
    id=$(pcon_cg "$PCON_TEST_CGROUP" pod create --share-parent=false --name flat)
    m=$(pcon_cg "$PCON_TEST_CGROUP" run -d --pod flat $IMAGE sleep 1000)
    [ -d "$PCON_TEST_CGROUP/pcon-$m" ]
    [ ! -e "$PCON_TEST_CGROUP/pcon-pod-$id" ]
    run pcon_cg "$PCON_TEST_CGROUP" pod inspect --format '{{.CreateCgroup}} [{{.CgroupPath}}]' flat
    assert_output "false []"
    pcon_cg "$PCON_TEST_CGROUP" pod rm -f -t 0 flat >/dev/null
    [ ! -e "$PCON_TEST_CGROUP/pcon-$m" ]
}

@test "device IO limits, per-device weights and --cgroup-conf are cgroup v2 files; --cgroup-parent places the cgroup; what v2 lacks is recorded with podman's warnings" {
    local tree=$BATS_TEST_TMPDIR/cg dev mm id pid
    dev=$(find /dev -maxdepth 1 -type b | sort | head -1)
    [ -n "$dev" ] || skip "no block device on this host"
    mm=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
    fake_tree "$tree"
    id=$(pcon_cg "$tree" create --name io --device-read-bps "$dev:1mb" --device-write-iops "$dev:100" \
        --blkio-weight-device "$dev:300" --cgroup-conf memory.high=50000000 $IMAGE sleep 60)
    fake_tree "$tree" "$id"
    : > "$tree/pcon-$id/io.max"
    : > "$tree/pcon-$id/memory.high"
    pcon_cg "$tree" start io
    [ "$(cat "$tree/pcon-$id/io.max")" = "$mm rbps=1048576 wiops=100" ]
    [ "$(cat "$tree/pcon-$id/io.weight")" = "$mm 300" ]
    [ "$(cat "$tree/pcon-$id/memory.high")" = 50000000 ]
    run pcon inspect --format '{{json .HostConfig.BlkioDeviceReadBps}} {{json .HostConfig.BlkioDeviceWriteIOps}} {{json .HostConfig.BlkioWeightDevice}}' io
    assert_output "[{\"Path\":\"$dev\",\"Rate\":1048576}] [{\"Path\":\"$dev\",\"Rate\":100}] [{\"Path\":\"$dev\",\"Weight\":300}]"
    # update: that device's read rate replaced, its write limit kept
    pcon_cg "$tree" update --device-read-bps "$dev:2mb" io
    [ "$(cat "$tree/pcon-$id/io.max")" = "$mm rbps=2097152 wiops=100" ]
    pcon_cg "$tree" rm -f -t 0 io >/dev/null
    # --cgroup-parent: the container's cgroup below it, the parent kept after
    id=$(pcon_cg "$tree" create --cgroup-parent /app/web $IMAGE sleep 60)
    fake_tree "$tree/app"
    fake_tree "$tree/app/web" "$id"
    pcon_cg "$tree" start "$id"
    pid=$(pcon inspect "$id" --format '{{.State.Pid}}')
    [ "$(cat "$tree/app/web/pcon-$id/cgroup.procs")" = "$pid" ]
    run pcon inspect --format '{{.HostConfig.CgroupParent}}' "$id"
    assert_output "app/web"
    pcon_cg "$tree" rm -f -t 0 "$id" >/dev/null
    [ -d "$tree/app/web" ]
    # recorded, with podman's warnings: cgroup v2 has none of them
    run --separate-stderr pcon_cg "$tree" create --name rt --memory-swappiness 10 --oom-kill-disable \
        --cpu-rt-period 1000 $IMAGE true
    assert_status 0
    [[ "$stderr" == *"Memory swappiness is not supported on cgroups V2 systems"* ]]
    [[ "$stderr" == *"OOM kill disable is not supported on cgroups V2 systems"* ]]
    [[ "$stderr" == *"Realtime period not supported on cgroups V2 systems"* ]]
    run pcon inspect --format '{{.HostConfig.MemorySwappiness}} {{.HostConfig.OomKillDisable}} {{.HostConfig.CpuRealtimePeriod}}' rt
    assert_output "10 true 1000"
    pcon rm rt >/dev/null
    # refused: one line each, nothing made
    run pcon create --device-cgroup-rule 'c 1:3 mr' $IMAGE true
    assert_status 125
    assert_output_contains "not supported in rootless mode"
    run pcon create --device-read-bps /etc/passwd:1mb $IMAGE true
    assert_output "Error: /etc/passwd is not a block device"
    run pcon create --cgroup-conf ../x=1 $IMAGE true
    assert_status 125
    run pcon create --cgroup-parent ../up $IMAGE true
    assert_status 125
    run pcon create --memory-swappiness 101 $IMAGE true
    assert_output "Error: invalid value: 101, valid memory swappiness range is 0-100"
    assert_no_containers
}

@test "pod create's limits are the pod's cgroup's: written there by the member that makes it, below --cgroup-parent; pod inspect shows them" {
    local tree=$BATS_TEST_TMPDIR/cg id infra m dev mm
    dev=$(find /dev -maxdepth 1 -type b | sort | head -1)
    fake_tree "$tree"
    id=$(pcon_cg "$tree" pod create --name plim --memory 100m --memory-swap 150m --cpus 1.5 \
        --cpu-shares 512 --cpuset-cpus 0 --blkio-weight 300 --cgroup-parent app \
        ${dev:+--device-read-bps "$dev:1mb"})
    infra=$(pcon pod inspect --format '{{.InfraContainerID}}' plim)
    m=$(pcon_cg "$tree" create --pod plim $IMAGE sleep 60)
    fake_tree "$tree/app"
    fake_tree "$tree/app/pcon-pod-$id" "$infra"
    fake_tree "$tree/app/pcon-pod-$id" "$m"
    local pd=$tree/app/pcon-pod-$id
    : > "$pd/memory.max"
    : > "$pd/memory.swap.max"
    : > "$pd/cpu.max"
    : > "$pd/cpu.weight"
    : > "$pd/cpuset.cpus"
    : > "$pd/io.weight"
    : > "$pd/io.max"
    pcon_cg "$tree" start "$m"
    [ "$(cat "$pd/memory.max")" = 104857600 ]
    [ "$(cat "$pd/memory.swap.max")" = 52428800 ]
    [ "$(cat "$pd/cpu.max")" = "150000 100000" ]
    [ "$(cat "$pd/cpu.weight")" = 20 ]
    [ "$(cat "$pd/cpuset.cpus")" = 0 ]
    [ "$(cat "$pd/io.weight")" = "default 300" ]
    if [ -n "$dev" ]; then
        mm=$(printf '%d:%d' "0x$(stat -c %t "$dev")" "0x$(stat -c %T "$dev")")
        [ "$(cat "$pd/io.max")" = "$mm rbps=1048576" ]
    fi
    # the pod's limits are not its containers' own: theirs stay podman's defaults
    [ "$(cat "$pd/pcon-$m/memory.max")" = "" ]
    [ "$(cat "$pd/pcon-$m/pids.max")" = 2048 ]
    grep -qx "$(pcon inspect --format '{{.State.Pid}}' "$m")" "$pd/pcon-$m/cgroup.procs"
    grep -qx "$(pcon inspect --format '{{.State.Pid}}' "$infra")" "$pd/pcon-$infra/cgroup.procs"
    run pcon_cg "$tree" pod inspect --format '{{.CgroupPath}}' plim
    assert_output "$tree/app/pcon-pod-$id"
    run pcon pod inspect plim
    assert_output_contains '"memory_limit": 104857600'
    assert_output_contains '"memory_swap": 157286400'
    assert_output_contains '"cpu_quota": 150000'
    assert_output_contains '"cpu_shares": 512'
    assert_output_contains '"cpuset_cpus": "0"'
    assert_output_contains '"blkio_weight": 300'
    [ -z "$dev" ] || assert_output_contains "\"Path\": \"$dev\""
    pcon_cg "$tree" pod rm -f -t 0 plim >/dev/null
    [ -d "$tree/app" ]
}

@test "pod limits: ignored with podman's warning without a delegated cgroup; refused without the pod's cgroup; --cpus at most the host's" {
    if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] &&
        [ -w "/sys/fs/cgroup/user.slice/user-$(id -u).slice/user@$(id -u).service/user.slice" ]; then
        skip "this host delegates cgroup v2 to the user"
    fi
    run --separate-stderr pcon pod create --name pwarn --memory 100m --cpus 100000
    assert_status 0
    [[ "$stderr" == "Resource limits are not supported and ignored on cgroups V1 rootless systems"* ]]
    run pcon run --rm --pod pwarn $IMAGE echo ran
    assert_output ran
    run pcon pod inspect pwarn
    assert_output_contains "\"cpu_quota\": $(($(nproc) * 100000))"
    pcon pod rm -f pwarn >/dev/null
    run -125 --separate-stderr pcon pod create --infra=false --memory 100m
    assert_one_error_line
    run -125 --separate-stderr pcon pod create --share-parent=false --cpus 1
    assert_one_error_line
    [[ "$stderr" == *"need --share-parent"* ]]
    run -125 --separate-stderr pcon pod create --memory lots
    assert_one_error_line
    run -125 --separate-stderr pcon pod create --cgroup-parent ../up
    assert_one_error_line
    run pcon pod ps -q
    assert_output ""
    assert_no_containers
}

@test "build --cgroup-parent: RUN's containers' cgroups below it" {
    need_delegated
    local rel=${PCON_TEST_CGROUP#/sys/fs/cgroup} c=$BATS_TEST_TMPDIR/ctx id
    rel=${rel#/unified}
    mkdir -p "$c"
    printf 'FROM %s\nRUN grep "^0::" /proc/self/cgroup > /cg\n' "$IMAGE" > "$c/Containerfile"
    id=$(pcon_cg "$PCON_TEST_CGROUP" build -q --cgroup-parent bld "$c")
    run pcon run --rm "$id" cat /cg
    [[ "$output" =~ ^0::$rel/bld/pcon-[0-9a-f]{64}$ ]]
    pcon rmi "$id" >/dev/null
}
