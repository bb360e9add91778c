#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon events: the log every command appends to (podman's file backend, in
# the run root), read back with podman's lines, json, templates, filters,
# --since/--until, streaming, rotation past 1 MiB.

load helpers

@test "events: a container's life, images and volumes, in podman's words and order" {
    pcon run --name evc $IMAGE true
    local id
    id=$(pcon inspect --format '{{.Id}}' evc)
    pcon rm evc
    pcon tag $IMAGE localhost/evtag
    pcon untag $IMAGE localhost/evtag
    pcon volume create evvol
    pcon volume rm evvol
    run pcon events --stream=false --filter container=evc
    assert_status 0
    [ "${#lines[@]}" -eq 4 ]
    [[ "${lines[0]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9:.]+\ \+0000\ UTC\ container\ create\ $id\ \(image=localhost/bb:latest,\ name=evc\)$ ]]
    [[ "${lines[1]}" == *" container start $id "* ]]
    [[ "${lines[2]}" == *" container died $id (image=localhost/bb:latest, name=evc, containerExitCode=0)" ]]
    [[ "${lines[3]}" == *" container remove $id "* ]]
    run pcon events --stream=false --filter event=died --format json
    python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); assert d["Status"] == "died" and d["Name"] == "evc" and d["Type"] == "container" and d["Attributes"]["containerExitCode"] == "0", d' <<<"$output"
    run pcon events --stream=false --filter type=image --format '{{.Status}} {{.Name}}'
    assert_output_contains "tag localhost/evtag:latest"
    assert_output_contains "untag localhost/evtag:latest"
    run pcon events --stream=false --filter type=volume
    [[ "${lines[0]}" == *" UTC volume create evvol" ]]
    [[ "${lines[1]}" == *" UTC volume remove evvol" ]]
    run pcon events --stream=false --filter container=evc --filter event=start --filter event=remove --format '{{.Status}}'
    assert_output "start
remove"
    run pcon events --stream=false --since 2030-01-01
    assert_output ""
    run --separate-stderr pcon events --stream=false --filter nosuch=1
    assert_status 125
    assert_one_error_line
    # the log is the user's alone
    [ "$(stat -c %a "$PCON_RUNROOT/events/events.log")" = 600 ]
}

@test "events streams what comes until --until; --events-backend none writes nothing" {
    local until
    until=$(date -u -d '+4 seconds' +%Y-%m-%dT%H:%M:%SZ)
    timeout 20 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" events --filter event=start \
        --format '{{.Name}}' --until "$until" > "$BATS_TEST_TMPDIR/out" &
    local ev=$!
    sleep 1
    pcon run --rm --name streamed $IMAGE true
    wait "$ev"
    grep -qx streamed "$BATS_TEST_TMPDIR/out"
    local before
    before=$(wc -l < "$PCON_RUNROOT/events/events.log")
    pcon --events-backend none run --rm $IMAGE true
    [ "$(wc -l < "$PCON_RUNROOT/events/events.log")" -eq "$before" ]
}

@test "events: past 1 MiB the log becomes events.log.1, and both are read" {
    local line='{"ID":"old","Name":"old","Status":"create","Time":"2026-01-01T00:00:00.000000001Z","Type":"container","Attributes":{}}'
    mkdir -p "$PCON_RUNROOT/events"
    python3 -c 'import sys; open(sys.argv[1], "w").write((sys.argv[2] + "\n") * 9000)' "$PCON_RUNROOT/events/events.log" "$line"
    pcon volume create rotvol
    [ -f "$PCON_RUNROOT/events/events.log.1" ]
    [ "$(wc -l < "$PCON_RUNROOT/events/events.log")" -eq 1 ]
    run pcon events --stream=false --format '{{.Name}}' --filter container=old
    [ "${#lines[@]}" -eq 9000 ]
    run pcon events --stream=false --filter type=volume --format '{{.Name}}'
    assert_output rotvol
    pcon volume rm rotvol
}
