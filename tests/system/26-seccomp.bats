#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# seccomp, on by default: podman's profile (/usr/share/containers/seccomp.json,
# else pcon's own), compiled with libseccomp and cached in the run root;
# --security-opt seccomp=unconfined|PROFILE.json, no-new-privileges.

load helpers

@test "a filter by default: vmsplice refused as podman's profile refuses it; unconfined allows it" {
    run pcon run --rm -v "$PROBE_DIR:/probe:ro" $IMAGE sh -c 'grep "^Seccomp:" /proc/self/status; /probe/probe vmsplice'
    echo "$output"
    assert_output_contains "Seccomp:	2"
    assert_output_contains "vmsplice: Operation not permitted"
    run pcon run --rm --security-opt seccomp=unconfined -v "$PROBE_DIR:/probe:ro" $IMAGE \
        sh -c 'grep "^Seccomp:" /proc/self/status; /probe/probe vmsplice'
    assert_output_contains "Seccomp:	0"
    assert_output_contains "vmsplice: ok"
    # the program is compiled once and kept in the run root
    run sh -c "ls '$PCON_RUNROOT/seccomp/' | grep -c '\\.bpf\$'"
    [ "$output" -ge 1 ]
}

@test "a profile of the user's own is kept with the container: its errno comes back, a restart still has it" {
    cat >"$BATS_TEST_TMPDIR/deny-mkdir.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}
JSON
    pcon create --name own --security-opt "seccomp=$BATS_TEST_TMPDIR/deny-mkdir.json" $IMAGE \
        sh -c 'mkdir /tmp/x; echo touched > /tmp/y && cat /tmp/y' >/dev/null
    rm "$BATS_TEST_TMPDIR/deny-mkdir.json"
    pcon start own >/dev/null
    pcon wait own >/dev/null
    run pcon logs own
    echo "$output"
    assert_output_contains "Permission denied"
    assert_output_contains "touched"
    run pcon inspect --format '{{.HostConfig.SecurityOpt}}' own
    assert_output "[seccomp=$BATS_TEST_TMPDIR/deny-mkdir.json]"
    pcon rm own >/dev/null
}

@test "exec runs under the container's filter; no-new-privileges sets NoNewPrivs" {
    pcon run -d --name filtered --security-opt no-new-privileges $IMAGE sleep 1000 >/dev/null
    run pcon exec filtered grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status
    echo "$output"
    assert_output_contains "Seccomp:	2"
    assert_output_contains "NoNewPrivs:	1"
    run pcon inspect --format '{{.HostConfig.SecurityOpt}}' filtered
    assert_output "[no-new-privileges]"
    pcon rm -f -t 0 filtered >/dev/null
    run pcon run --rm $IMAGE grep "^NoNewPrivs:" /proc/self/status
    assert_output_contains "NoNewPrivs:	0"
}

@test "a bad profile or option: one usage error in podman's words, and nothing is made" {
    printf '{bad' >"$BATS_TEST_TMPDIR/bad.json"
    run --separate-stderr pcon run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/bad.json" $IMAGE true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == "Error: loading seccomp profile ($BATS_TEST_TMPDIR/bad.json) failed"* ]]
    printf '{"defaultAction": "SCMP_ACT_FROB"}' >"$BATS_TEST_TMPDIR/frob.json"
    run --separate-stderr pcon run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/frob.json" $IMAGE true
    assert_status 125
    [[ "$stderr" == *"invalid defaultAction"* ]]
    run --separate-stderr pcon run --rm --security-opt seccomp=/nonexistent.json $IMAGE true
    assert_status 125
    [[ "$stderr" == "Error: opening seccomp profile failed: open /nonexistent.json"* ]]
    run --separate-stderr pcon run --rm --security-opt foo $IMAGE true
    assert_status 125
    [ "$stderr" = 'Error: invalid --security-opt 1: "foo"' ]
    assert_no_containers
}

@test "--seccomp-policy image: the profile of the image's io.containers.seccomp.profile label; default ignores it" {
    local c=$BATS_TEST_TMPDIR/scp
    mkdir -p "$c"
    cat > "$c/Containerfile" <<EOF2
FROM $IMAGE
LABEL io.containers.seccomp.profile='{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}'
EOF2
    pcon build -q -t localhost/scp "$c" >/dev/null
    run pcon run --rm --seccomp-policy image localhost/scp sh -c 'mkdir /x 2>/dev/null && echo made || echo refused'
    assert_output refused
    run pcon run --rm --seccomp-policy default localhost/scp sh -c 'mkdir /x && echo made'
    assert_output made
    run pcon run --rm --seccomp-policy bogus localhost/scp true
    assert_status 125
    assert_output 'Error: invalid seccomp policy "bogus": valid policies are ["default" "image"]'
    # a label that is no profile: create's one error
    printf 'FROM %s\nLABEL io.containers.seccomp.profile=nope\n' "$IMAGE" > "$c/Containerfile"
    pcon build -q -t localhost/scpbad "$c" >/dev/null
    run pcon create --seccomp-policy image localhost/scpbad true
    assert_status 125
    assert_output_contains "seccomp profile"
    pcon rmi localhost/scp localhost/scpbad >/dev/null
    assert_no_containers
}
