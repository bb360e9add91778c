#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Healthchecks: --health-* and the image's HEALTHCHECK, run by the monitor
# every interval and by healthcheck run; the state in ps and inspect.

load helpers

health_is() {
    [ "$(pcon inspect --format '{{.State.Health.Status}}' "$1")" = "$2" ]
}

@test "the monitor runs the check every interval: unhealthy after the retries, healthy once it passes" {
    pcon run -d --name hc --health-cmd 'test -e /tmp/ok' --health-interval 1s --health-retries 2 $IMAGE sleep 100
    run pcon inspect --format '{{json .Config.Healthcheck}}' hc
    assert_output '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Interval":1000000000,"Timeout":30000000000,"Retries":2}'
    wait_for 10 health_is hc unhealthy
    run pcon ps --format '{{.Status}}'
    [[ "$output" =~ ^Up\ .*\ ago\ \(unhealthy\)$ ]]
    run pcon ps --filter health=unhealthy --format '{{.Names}}'
    assert_output hc
    pcon exec hc touch /tmp/ok
    wait_for 10 health_is hc healthy
    run pcon inspect --format '{{.State.Health.FailingStreak}} {{(index .State.Health.Log 0).ExitCode}}' hc
    assert_output "0 1"
    run pcon ps --filter health=healthy --format '{{.Names}}'
    assert_output hc
    # at most five results kept
    sleep 4
    [ "$(pcon inspect --format '{{len .State.Health.Log}}' hc)" -eq 5 ]
    pcon rm -f -t 0 hc
}

@test "healthcheck run: unhealthy and exit 1, or 0; the output kept; a check past its timeout fails" {
    pcon run -d --name hr --health-cmd 'echo checked; test -e /tmp/ok' --health-interval disable $IMAGE sleep 100
    run --separate-stderr pcon healthcheck run hr
    assert_status 1
    assert_output unhealthy
    pcon exec hr touch /tmp/ok
    run pcon healthcheck run hr
    assert_status 0
    assert_output ""
    run pcon inspect --format '{{.State.Health.Status}} {{(index .State.Health.Log 1).Output}}' hr
    assert_output "healthy checked"
    pcon rm -f -t 0 hr
    pcon run -d --name slow --health-cmd 'sleep 30' --health-timeout 1s --health-interval disable $IMAGE sleep 100
    local t0=$SECONDS
    run pcon healthcheck run slow
    assert_status 1
    [ $((SECONDS - t0)) -lt 10 ]
    run pcon inspect --format '{{(index .State.Health.Log 0).Output}}' slow
    assert_output "healthcheck command exceeded timeout"
    pcon rm -f -t 0 slow
    pcon run -d --name early --health-cmd false --health-retries 1 --health-start-period 1h --health-interval disable $IMAGE sleep 100
    run pcon healthcheck run early
    assert_status 1
    # failures in the start period do not count
    health_is early starting
    pcon rm -f -t 0 early
}

@test "healthcheck run refuses what has no check or does not run, in podman's words" {
    pcon create --name stopped --health-cmd true $IMAGE true
    run --separate-stderr pcon healthcheck run stopped
    assert_status 125
    [[ "$stderr" == "Error: container "*" is not running" ]]
    pcon run -d --name nocheck $IMAGE sleep 100
    run --separate-stderr pcon healthcheck run nocheck
    assert_status 125
    [ "$stderr" = "Error: container nocheck has no defined healthcheck" ]
    run --separate-stderr pcon healthcheck run nosuch
    assert_status 125
    [[ "$stderr" == "Error: unable to look up nosuch to perform a health check: "* ]]
    run --separate-stderr pcon run --rm --health-retries 0 $IMAGE true
    assert_status 125
    run --separate-stderr pcon run --rm --health-interval soon $IMAGE true
    assert_status 125
    # podman's words, for what it refuses: no timeout at all (500ms is taken)
    run --separate-stderr pcon run --rm --health-cmd true --health-timeout 0 $IMAGE true
    assert_status 125
    [ "$stderr" = "Error: healthcheck-timeout must be at least 1 second" ]
    pcon create --name half --health-cmd true --health-timeout 500ms $IMAGE true >/dev/null
    pcon rm half >/dev/null
    # 0 is a duration (Go's): an interval of 0 runs no check on its own
    pcon create --name zero --health-cmd true --health-interval 0 $IMAGE true >/dev/null
    pcon rm zero >/dev/null
    pcon rm -f -t 0 stopped nocheck
}

@test "the image's HEALTHCHECK is the default; --no-healthcheck and --health-cmd none disable it" {
    mkdir -p "$BATS_TEST_TMPDIR/ctx"
    printf 'FROM %s\nHEALTHCHECK --interval=1s --retries=1 CMD test -e /etc/passwd\n' $IMAGE > "$BATS_TEST_TMPDIR/ctx/Containerfile"
    pcon build -q -t localhost/hcimg "$BATS_TEST_TMPDIR/ctx" >/dev/null
    pcon run -d --name fromimg localhost/hcimg sleep 100
    wait_for 10 health_is fromimg healthy
    run pcon inspect --format '{{index .Config.Healthcheck.Test 0}} {{.Config.Healthcheck.Interval}}' fromimg
    assert_output "CMD-SHELL 1000000000"
    pcon run -d --name nohc --no-healthcheck localhost/hcimg sleep 100
    pcon run -d --name nonecmd --health-cmd none localhost/hcimg sleep 100
    for c in nohc nonecmd; do
        run pcon inspect --format '{{json .Config}}' $c
        refute_output_contains '"Healthcheck":'
        assert_output_contains '"HealthcheckOnFailureAction":"none"'  # podman's, always
        run pcon ps --filter name=$c --filter health=none --format '{{.Names}}'
        assert_output $c
    done
    # the exec form
    pcon run -d --name execform --health-cmd '["test", "-d", "/etc"]' --health-interval disable localhost/hcimg sleep 100
    run pcon healthcheck run execform
    assert_status 0
    run pcon inspect --format '{{json .Config.Healthcheck.Test}}' execform
    assert_output '["CMD","test","-d","/etc"]'
    pcon rm -f -t 0 fromimg nohc nonecmd execform
    pcon rmi localhost/hcimg
}

@test "--health-on-failure: kill, stop (the restart policy aside) or restart the container once it turns unhealthy" {
    local a
    for a in kill stop restart none; do
        pcon run -d --name "hof-$a" $([ $a = stop ] && echo --restart always) --health-cmd 'test -e /tmp/ok' \
            --health-interval 1s --health-retries 2 --health-on-failure $a $IMAGE \
            sh -c 'trap "exit 3" TERM; sleep 100 & wait' >/dev/null
    done
    run pcon inspect --format '{{.Config.HealthcheckOnFailureAction}}' hof-kill hof-none
    assert_output $'kill\nnone'
    wait_for 20 sh -c "[ \"\$($PCON --root $PCON_ROOT --runroot $PCON_RUNROOT inspect --format '{{.RestartCount}}' hof-restart)\" -ge 1 ]"
    wait_for 20 sh -c "[ \"\$($PCON --root $PCON_ROOT --runroot $PCON_RUNROOT inspect --format '{{.State.Status}}' hof-stop)\" = exited ]"
    wait_for 20 sh -c "[ \"\$($PCON --root $PCON_ROOT --runroot $PCON_RUNROOT inspect --format '{{.State.Status}}' hof-kill)\" = exited ]"
    # killed: SIGKILL's code; stopped: its stop signal, and not brought back
    run pcon inspect --format '{{.State.ExitCode}}' hof-kill hof-stop
    assert_output $'137\n3'
    sleep 1
    run pcon inspect --format '{{.State.Status}} {{.RestartCount}}' hof-stop
    assert_output "exited 0"
    # restarted whatever its policy (none here), its health started again
    run pcon inspect --format '{{.State.Status}}' hof-restart hof-none
    assert_output $'running\nrunning'
    run pcon inspect --format '{{.State.Health.Status}}' hof-none
    assert_output unhealthy
    run -125 --separate-stderr pcon run --rm --health-on-failure reboot $IMAGE true
    [ "$stderr" = 'Error: invalid on-failure action "reboot" for health check: supported actions are none,kill,restart,stop' ]
    pcon rm -f -t 0 hof-kill hof-stop hof-restart hof-none >/dev/null
}
