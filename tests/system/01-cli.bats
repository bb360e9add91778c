#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The command line: help, version, info, usage errors and exit codes.

load helpers

@test "pcon --help lists the commands and exits 0" {
    run pcon --help
    assert_status 0
    assert_output_contains "Usage:"
    assert_output_contains "run "
    assert_output_contains "import "
    assert_output_contains "unshare "
}

@test "pcon COMMAND --help prints the command's options" {
    run pcon run --help
    assert_status 0
    assert_output_contains "pcon run [options] IMAGE [COMMAND [ARG...]]"
    assert_output_contains "--env-file FILE"
    assert_output_contains "-h, --hostname NAME"
}

@test "version --format: podman's Client document, json or a template" {
    run pcon version --format '{{.Client.Version}} {{.Client.Os}}'
    assert_output "0.1.0 linux"
    run pcon version -f json
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["Client"]["Version"] == "0.1.0", d' <<<"$output"
    run --separate-stderr pcon version --format '{{.Nope}}'
    assert_status 125
    assert_one_error_line
}

@test "pcon version and --version print the version" {
    run pcon version
    assert_status 0
    assert_output_contains "Version:      0.1.0"
    assert_output_contains "OS/Arch:      linux/amd64"
    run pcon --version
    assert_output "pcon version 0.1.0"
}

@test "an unknown command is one error line and exit 125" {
    run --separate-stderr pcon frobnicate
    assert_status 125
    [[ "$stderr" == "Error: unrecognized command \`pcon frobnicate\`"* ]]
}

@test "an unknown flag exits 125 and names the flag" {
    run --separate-stderr pcon run --no-such-flag $IMAGE true
    assert_status 125
    [[ "$stderr" == *"unknown flag: --no-such-flag"* ]]
}

@test "run without an image is a usage error" {
    run --separate-stderr pcon run
    assert_status 125
    [[ "$stderr" == "Error: requires at least 1 arg(s), only received 0"* ]]
}

@test "info reports the storage driver with its reason, the store and the id maps" {
    run pcon info
    assert_status 0
    assert_output_contains "graphDriverName: overlay"
    assert_output_contains "graphDriverReason: native overlayfs mounts in the user namespace"
    assert_output_contains "graphRoot: $PCON_ROOT"
    assert_output_contains "runRoot: $PCON_RUNROOT"
    assert_output_contains "rootless: true"
    # uid 0 in the namespace is the invoking user
    assert_output_contains "      host_id: $(id -u)"
    assert_output_contains "number: 1"
}

@test "info with an unusable storage driver name fails cleanly" {
    run --separate-stderr pcon --storage-driver zfs info
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *'unknown storage driver "zfs"'* ]]
}

@test "options may follow operands, as podman's (inspect X --format); run, create and exec stop at the image and the command" {
    pcon create --name late $IMAGE true >/dev/null
    run pcon inspect late --format '{{.Name}}'
    assert_status 0
    assert_output "late"
    run pcon rm late --force
    assert_status 0
    assert_output "late"
    # run's options end at the image: -la is the command's
    run pcon run --rm $IMAGE ls -ld /
    assert_status 0
    [[ "$output" == d* ]]
}

@test "podman's global options: accepted, validated, or refused with the reason" {
    # accepted: pcon is its own runtime and monitor
    run pcon --runtime crun --runtime-flag debug --conmon /usr/bin/conmon --syslog --tmpdir /tmp --log-level debug images -q
    assert_status 0
    run pcon --cgroup-manager systemd --events-backend file info --format '{{.Host.CgroupManager}} {{.Host.EventLogger}}'
    assert_output "systemd file"
    # --noout: stdout goes nowhere, the command still runs
    run pcon --noout create --name quiet $IMAGE true
    assert_status 0
    assert_output ""
    pcon container exists quiet
    pcon rm quiet
    # --log-level error: no warnings
    run --separate-stderr pcon run --rm --memory 64m $IMAGE true
    [[ "$stderr" == *WARN* ]] || skip "no warning for limits here (a delegated cgroup)"
    run --separate-stderr pcon --log-level error run --rm --memory 64m $IMAGE true
    assert_status 0
    [ -z "$stderr" ]
}

@test "bad values of the global options, and the remote ones, are refused in one line" {
    for args in "--log-level loud" "--cgroup-manager nosuch" "--events-backend nosuch" "--remote" "-r" \
        "--url unix:/x" "--connection c" "--hooks-dir /x" "--volumepath /x" "--namespace ns"; do
        # shellcheck disable=SC2086
        run --separate-stderr pcon $args ps
        assert_status 125
        assert_one_error_line
    done
}
