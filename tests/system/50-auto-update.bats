#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# auto-update: containers labelled io.containers.autoupdate in units made by
# generate systemd --new, run by sd-harness.py; tests/system/fake-systemctl
# plays systemctl's restart (ExecStop, ExecStopPost, the start) without
# systemd. Policies local and registry (Debian's docker-registry on
# 127.0.0.1), rollback, --dry-run, podman's output and errors.

load helpers
load registry

setup_file() {
    pcon_setup_store
    export REG_PORT=$(free_port)
    start_registry plain "$REG_PORT"
    export FAKE_UNITS="$BATS_FILE_TMPDIR/units"
    mkdir -p "$FAKE_UNITS/rt" "$BATS_FILE_TMPDIR/bin"
    ln -s "$BATS_TEST_DIRNAME/fake-systemctl" "$BATS_FILE_TMPDIR/bin/systemctl"
    export PATH="$BATS_FILE_TMPDIR/bin:$PATH"
}

teardown_file() {
    stop_registry plain
    pcon_teardown_store
}

# an image NAME from the busybox one: /v holds TEXT; without sleep when TEXT is "broken"
image_v() { # NAME TEXT
    local d="$BATS_TEST_TMPDIR/ctx-$2"
    mkdir -p "$d"
    if [ "$2" = broken ]; then
        printf 'FROM %s\nRUN rm /bin/sleep\n' "$IMAGE" > "$d/Containerfile"
    else
        printf 'FROM %s\nRUN echo %s > /v\n' "$IMAGE" "$2" > "$d/Containerfile"
    fi
    pcon build -q -t "$1" "$d" >/dev/null
}

# the unit of container NAME (made with its labels), started as systemd would
unit_start() { # NAME IMAGE POLICY
    pcon create --name "$1" --label "io.containers.autoupdate=$3" "$2" sleep 1000 >/dev/null
    pcon generate systemd --new --name "$1" > "$FAKE_UNITS/container-$1.service"
    pcon rm "$1" >/dev/null
    python3 "$BATS_TEST_DIRNAME/sd-harness.py" start "$FAKE_UNITS/container-$1.service" "$FAKE_UNITS/rt" >/dev/null
}

unit_stop() { # NAME
    python3 "$BATS_TEST_DIRNAME/sd-harness.py" run "$FAKE_UNITS/container-$1.service" "$FAKE_UNITS/rt" ExecStop >/dev/null 2>&1 || true
    python3 "$BATS_TEST_DIRNAME/sd-harness.py" run "$FAKE_UNITS/container-$1.service" "$FAKE_UNITS/rt" ExecStopPost >/dev/null 2>&1 || true
}

@test "auto-update local: a new image of the name restarts the unit, which runs it; --dry-run says pending and changes nothing" {
    image_v localhost/app v1
    unit_start web localhost/app local
    # the unit's environment made the label
    run pcon inspect --format '{{index .Config.Labels "PODMAN_SYSTEMD_UNIT"}}' web
    [ "$output" = container-web.service ]
    local id1
    id1=$(pcon inspect --format '{{.Id}}' web)
    run pcon auto-update
    assert_status 0
    [ "${lines[0]}" = "UNIT                   CONTAINER           IMAGE                 POLICY  UPDATED" ]
    [ "${lines[1]}" = "container-web.service  ${id1:0:12} (web)  localhost/app:latest  local   false" ]
    [ ! -s "$FAKE_UNITS/log" ]
    image_v localhost/app v2
    run pcon auto-update --dry-run --format '{{.ContainerName}} {{.Policy}} {{.Updated}}'
    assert_status 0
    [ "$output" = "web local pending" ]
    [ "$(pcon inspect --format '{{.Id}}' web)" = "$id1" ]
    [ "$(pcon exec web cat /v)" = v1 ]
    run pcon auto-update --format json
    assert_status 0
    [[ "$output" == *'"Updated": "true"'* && "$output" == *"\"ContainerID\": \"$id1\""* ]]
    [ "$(cat "$FAKE_UNITS/log")" = "restart container-web.service" ]
    # a new container of the new image, in the unit
    [ "$(pcon inspect --format '{{.Id}}' web)" != "$id1" ]
    [ "$(pcon exec web cat /v)" = v2 ]
    [ "$(pcon inspect --format '{{.State.Status}}' web)" = running ]
    run pcon auto-update --format '{{.Updated}}'
    [ "$output" = false ]
    unit_stop web
    rm -f "$FAKE_UNITS/log"
}

@test "auto-update: a unit that fails to restart gets its old image back and restarts again (rolled back); --rollback=false leaves it failed" {
    image_v localhost/rb v1
    unit_start rbw localhost/rb local
    local old
    old=$(pcon image inspect --format '{{.Id}}' localhost/rb)
    image_v localhost/rb broken
    local broken
    broken=$(pcon image inspect --format '{{.Id}}' localhost/rb)
    run pcon auto-update --format '{{.ContainerName}} {{.Updated}}'
    assert_status 125
    assert_output_contains "rbw rolled back"
    assert_output_contains "Error: restarting unit container-rbw.service"
    [ "$(pcon image inspect --format '{{.Id}}' localhost/rb)" = "$old" ]
    [ "$(pcon inspect --format '{{.State.Status}}' rbw)" = running ]
    [ "$(pcon exec rbw cat /v)" = v1 ]
    [ "$(grep -c restart "$FAKE_UNITS/log")" = 2 ]
    pcon tag "$broken" localhost/rb
    run pcon auto-update --rollback=false --format '{{.ContainerName}} {{.Updated}}'
    assert_status 125
    assert_output_contains "rbw failed"
    [ "$(pcon image inspect --format '{{.Id}}' localhost/rb)" = "$broken" ]
    ! pcon container exists rbw
    unit_stop rbw
    rm -f "$FAKE_UNITS/log"
}

@test "auto-update registry: a new manifest under the tag is pulled and the unit restarted on it" {
    local ref="127.0.0.1:$REG_PORT/team/app:1"
    image_v localhost/r1 r1
    image_v localhost/r2 r2
    pcon push -q --tls-verify=false localhost/r1 "$ref"
    pcon pull -q --tls-verify=false "$ref" >/dev/null
    unit_start reg "$ref" registry
    run pcon auto-update --tls-verify=false --format '{{.Image}} {{.Policy}} {{.Updated}}'
    echo "$output"
    assert_status 0
    [ "$output" = "$ref registry false" ]
    pcon push -q --tls-verify=false localhost/r2 "$ref"
    run pcon auto-update --tls-verify=false --dry-run --format '{{.Updated}}'
    [ "$output" = pending ]
    [ "$(pcon exec reg cat /v)" = r1 ]
    run pcon auto-update --tls-verify=false --format '{{.Updated}}'
    assert_status 0
    [ "$output" = true ]
    [ "$(pcon exec reg cat /v)" = r2 ]
    [ "$(pcon image inspect --format '{{.Id}}' "$ref")" = "$(pcon image inspect --format '{{.Id}}' localhost/r2)" ]
    # a registry it cannot reach is no update (podman's)
    stop_registry plain
    run pcon auto-update --tls-verify=false --format '{{.Updated}}'
    assert_status 0
    [ "$output" = false ]
    start_registry plain "$REG_PORT"
    unit_stop reg
    rm -f "$FAKE_UNITS/log"
}

@test "auto-update: podman's errors for a bad policy, a container outside a unit, and arguments; nothing labelled is no output" {
    run pcon auto-update
    assert_status 0
    [ -z "$output" ]
    pcon run -d --name bad --label io.containers.autoupdate=sometimes $IMAGE sleep 100 >/dev/null
    pcon run -d --name nounit --label io.containers.autoupdate=local $IMAGE sleep 100 >/dev/null
    pcon run -d --name off --label io.containers.autoupdate=disabled $IMAGE sleep 100 >/dev/null
    run pcon auto-update
    assert_status 125
    assert_output_contains 'Error: invalid auto-update policy "sometimes": valid policies are ["disabled" "image" "local" "registry"]'
    assert_output_contains "Error: auto-updating container \"$(pcon inspect --format '{{.Id}}' nounit)\": no PODMAN_SYSTEMD_UNIT label found"
    [[ "$output" != *UPDATED* ]]
    run pcon auto-update extra
    assert_status 125
    assert_output_contains "takes no arguments"
    pcon rm -f -t 0 bad nounit off
    [ ! -e "$FAKE_UNITS/log" ]
}
