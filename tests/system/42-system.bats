#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon system: df (what images, containers and volumes take, and what
# removing the unused would give back).

load helpers

# df's JSON row of TYPE as "TOTAL ACTIVE RAWSIZE RAWRECLAIMABLE"
df_row() {
    pcon system df --format json | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    if r["Type"] == sys.argv[1]:
        print(r["Total"], r["Active"], r["RawSize"], r["RawReclaimable"])' "$1"
}

@test "system df: images by their layers, containers by their writes, volumes by their files; the unused reclaimable" {
    run pcon system df
    assert_status 0
    [ "${lines[0]}" = "TYPE           TOTAL  ACTIVE  SIZE     RECLAIMABLE" ] || [[ "${lines[0]}" =~ ^TYPE\ +TOTAL\ +ACTIVE\ +SIZE\ +RECLAIMABLE$ ]]
    [[ "${lines[1]}" =~ ^Images\ +1\ +0\ +[0-9.]+MB\ +[0-9.]+MB\ \(100%\)$ ]]
    [[ "${lines[2]}" =~ ^Containers\ +0\ +0\ +0B\ +0B\ \(0%\)$ ]]
    [[ "${lines[3]}" =~ ^Local\ Volumes\ +0\ +0\ +0B\ +0B\ \(0%\)$ ]]
    read -r total active size reclaim < <(df_row Images)
    [ "$total $active" = "1 0" ] && [ "$size" -gt 1000000 ] && [ "$reclaim" = "$size" ]

    pcon volume create dfvol
    pcon run --name writer -v dfvol:/data $IMAGE sh -c 'head -c 300000 /dev/zero > /big; head -c 200000 /dev/zero > /data/f'
    pcon run -d --name runner $IMAGE sleep 100
    read -r total active csize creclaim < <(df_row Containers)
    [ "$total $active" = "2 1" ]
    # the stopped one's 300000 bytes reclaimable, the running one's kept
    [ "$csize" -ge 300000 ] && [ "$creclaim" -ge 300000 ] && [ "$creclaim" -le "$csize" ]
    read -r total active vsize vreclaim < <(df_row "Local Volumes")
    [ "$total $active $vreclaim" = "1 1 0" ] && [ "$vsize" -ge 200000 ]
    read -r total active size reclaim < <(df_row Images)
    [ "$total $active $reclaim" = "1 1 0" ]

    run pcon system df --format '{{.Type}}={{.Total}}'
    assert_output "Images=1
Containers=2
Local Volumes=1"
    pcon rm -f -t 0 runner writer
    read -r total active vsize vreclaim < <(df_row "Local Volumes")
    [ "$total $active" = "1 0" ] && [ "$vreclaim" = "$vsize" ]
    pcon volume rm dfvol
}

@test "system df -v: each image with its shared and unique size, each container, each volume with its links" {
    pcon tag $IMAGE localhost/other:2
    pcon volume create vvol
    pcon run --name vwriter -v vvol:/data $IMAGE sh -c 'head -c 300000 /dev/zero > /big; head -c 200000 /dev/zero > /data/f'
    run pcon system df -v
    assert_status 0
    [ "${lines[0]}" = "Images space usage:" ]
    [[ "${lines[1]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE\ +SHARED\ SIZE\ +UNIQUE\ SIZE\ +CONTAINERS$ ]]
    # one image under two names: a row for each, its one layer unique to it
    [[ "${lines[2]}" =~ ^localhost/bb\ +latest\ +[0-9a-f]{12}\ +[^\ ].*\ +[0-9.]+MB\ +0B\ +[0-9.]+MB\ +1$ ]]
    [[ "${lines[3]}" =~ ^localhost/other\ +2\ +[0-9a-f]{12}\ .*\ 1$ ]]
    [ "${lines[4]}" = "Containers space usage:" ]
    [[ "${lines[5]}" =~ ^CONTAINER\ ID\ +IMAGE\ +COMMAND\ +LOCAL\ VOLUMES\ +SIZE\ +CREATED\ +STATUS\ +NAMES$ ]]
    [[ "${lines[6]}" =~ ^[0-9a-f]{12}\ +[0-9a-f]{12}\ +sh\ -c\ head.*\ +1\ +30[0-9.]+kB\ +.*\ +exited\ +vwriter$ ]]
    [ "${lines[7]}" = "Local Volumes space usage:" ]
    [[ "${lines[8]}" =~ ^VOLUME\ NAME\ +LINKS\ +SIZE$ ]]
    [[ "${lines[9]}" =~ ^vvol\ +1\ +20[0-9.]+kB$ ]]
    pcon rm -v vwriter
    pcon volume rm vvol
    pcon rmi localhost/other:2
    run --separate-stderr pcon system df extra
    assert_status 125
    assert_one_error_line
}

@test "info: YAML by default, the same document as --format json; Go templates by podman's field names" {
    pcon info > "$BATS_TEST_TMPDIR/info.yaml"
    pcon system info --format json > "$BATS_TEST_TMPDIR/info.json"
    # the YAML reads back as the JSON, whatever the values are (uptime, free
    # memory and the disk's use aside: they change between the two runs)
    python3 - "$BATS_TEST_TMPDIR/info.yaml" "$BATS_TEST_TMPDIR/info.json" "$PCON_ROOT" <<'PY'
import json, sys, yaml
y = yaml.safe_load(open(sys.argv[1]))
j = json.load(open(sys.argv[2]))
for d in (y, j):
    for k in ("uptime", "memFree", "swapFree"):
        d["host"].pop(k)
    d["store"].pop("graphRootUsed")
assert y == j, (y, j)
assert j["store"]["graphRoot"] == sys.argv[3], j["store"]
assert j["host"]["security"]["rootless"] is True
assert j["host"]["idMappings"]["uidmap"][0]["container_id"] == 0
assert j["store"]["imageStore"]["number"] == 1
PY
    run pcon info --format '{{.Host.Arch}} {{.Store.GraphDriverName}} {{(index .Host.IDMappings.UIDMap 0).HostID}} {{.Store.ImageStore.Number}}'
    assert_status 0
    assert_output "$(uname -m | sed 's/x86_64/amd64/;s/aarch64/arm64/') overlay $(id -u) 1"
    run --separate-stderr pcon info --format '{{.Host.NoSuchField}}'
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon info extra
    assert_status 125
    assert_one_error_line
}

@test "system: df and info are its commands, anything else is refused" {
    run pcon system info --format '{{.Host.Arch}}'
    assert_status 0
    [ -n "$output" ]
    run --separate-stderr pcon system nosuch
    assert_status 125
    assert_one_error_line
}

@test "system prune: stopped containers and pods, unused networks, dangling images; volumes only with --volumes" {
    pcon run --name stopped $IMAGE sh -c 'head -c 5000 /dev/zero > /f'
    pcon commit -q stopped > "$BATS_TEST_TMPDIR/dangling"
    pcon run -d --name running $IMAGE sleep 100
    pcon pod create --name stoppedpod
    pcon create --pod stoppedpod --name podmember $IMAGE true
    pcon network create unusednet
    pcon volume create unusedvol
    # answered no: nothing goes
    run pcon system prune <<<"n"
    assert_status 0
    [[ "$output" == "WARNING! This command removes:"* ]]
    pcon container exists stopped
    run pcon system prune -f
    assert_status 0
    assert_output_contains "Deleted Pods"
    assert_output_contains "Deleted Containers"
    assert_output_contains "Deleted Images
$(cat "$BATS_TEST_TMPDIR/dangling" | sed 's/^sha256://')"
    assert_output_contains "Deleted Networks
unusednet"
    refute_output_contains "Deleted Volumes"
    [[ "${lines[-1]}" =~ ^Total\ reclaimed\ space:\ [0-9.]+kB$ ]]
    run pcon container exists stopped
    assert_status 1
    run pcon pod exists stoppedpod
    assert_status 1
    run pcon container exists podmember
    assert_status 1
    pcon container exists running
    pcon image exists $IMAGE
    pcon volume exists unusedvol
    run pcon system prune -f --volumes
    assert_output "Deleted Volumes
unusedvol
Total reclaimed space: 0B"
    # -a: every image no container has; the running one's stays
    pcon tag $IMAGE localhost/spare
    pcon untag $IMAGE $IMAGE
    run pcon system prune -a -f
    assert_output "Total reclaimed space: 0B"
    pcon image exists localhost/spare
    pcon rm -f -t 0 running
    run pcon system prune -a -f
    assert_output_contains "Deleted Images"
    run pcon image exists localhost/spare
    assert_status 1
    pcon import "$BB_TAR" $IMAGE >/dev/null
    run --separate-stderr pcon system prune -f extra
    assert_status 125
    assert_one_error_line
}

@test "system migrate and renumber: accepted, nothing to do" {
    run pcon system migrate
    assert_status 0
    assert_output ""
    run pcon system migrate --new-runtime crun
    assert_status 0
    run pcon system renumber
    assert_status 0
    pcon image exists $IMAGE
}

@test "system reset: asks first; -f stops and removes every pod, container, volume, network, secret and image, the roots and the pause process" {
    local pid start
    pcon pod create --name rpod >/dev/null
    pcon run -d --pod rpod --name rmember $IMAGE sleep 1000 >/dev/null
    pcon run -d --name rlone $IMAGE sleep 1000 >/dev/null
    pcon volume create rvol >/dev/null
    pcon network create rnet >/dev/null
    printf 'x' | pcon secret create rsec - >/dev/null
    run pcon system reset <<<"n"
    assert_status 0
    assert_output_contains "Are you sure you want to continue? [y/N]"
    assert_output_contains "the graphRoot directory: \"$PCON_ROOT\""
    run pcon ps -q
    [ "${#lines[@]}" -eq 3 ]
    read -r pid start <"$PCON_RUNROOT/pause.pid"
    mpid=$(pcon inspect --format '{{.State.Pid}}' rlone)
    run pcon system reset -f
    assert_status 0
    [ ! -e "$PCON_ROOT" ]
    [ ! -e "$PCON_RUNROOT/pause.pid" ]
    ! kill -0 "$mpid" 2>/dev/null
    wait_for 5 sh -c "! kill -0 $pid 2>/dev/null"
    # a store made afresh on the next command
    run pcon images -q
    assert_status 0
    assert_output ""
    run pcon volume ls -q
    assert_output ""
    run pcon network ls --format '{{.Name}}'
    assert_output "podman"
    run pcon secret ls -q
    assert_output ""
    pcon import "$BB_TAR" "$IMAGE" >/dev/null
}

@test "system prune --filter: only the containers, images, networks and volumes the label and until filters match" {
    pcon run --name keepme --label keep=1 $IMAGE true
    pcon run --name dropme $IMAGE true
    pcon network create --label keep=1 keepnet >/dev/null
    pcon network create dropnet >/dev/null
    pcon volume create --label keep=1 keepvol >/dev/null
    pcon volume create dropvol >/dev/null
    run pcon system prune -f --volumes --filter bogus=1
    assert_status 125
    pcon container exists dropme
    run pcon system prune -f --volumes --filter until=2000-01-01T00:00:00Z
    assert_status 0
    pcon container exists dropme
    pcon network exists dropnet
    run pcon system prune -f --volumes --filter label!=keep
    assert_status 0
    assert_output_contains "Deleted Networks
dropnet"
    assert_output_contains "Deleted Volumes
dropvol"
    run pcon container exists dropme
    assert_status 1
    run pcon network exists dropnet
    assert_status 1
    pcon container exists keepme
    pcon network exists keepnet
    pcon volume exists keepvol
    pcon rm keepme >/dev/null
    pcon network rm keepnet >/dev/null
    pcon volume rm keepvol >/dev/null
}
