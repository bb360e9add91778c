#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon secret create|ls|inspect|rm, and run --secret: a file under
# /run/secrets (its owner and mode as asked) or a variable, read at each
# start, never in the container's record.

load helpers

@test "secret create, ls, inspect, rm: podman's outputs and errors" {
    run pcon secret create pw - <<<"hunter2"
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{25}$ ]]
    local id=$output
    run --separate-stderr pcon secret create pw - <<<"other"
    assert_status 125
    [ "$stderr" = "Error: pw: secret name in use" ]
    printf 'from a file' > "$BATS_TEST_TMPDIR/f"
    pcon secret create --label team=a fromfile "$BATS_TEST_TMPDIR/f"
    FROMENV=from-env pcon secret create --env fromenv FROMENV
    run pcon secret ls
    [[ "${lines[0]}" =~ ^ID\ +NAME\ +DRIVER\ +CREATED\ +UPDATED$ ]]
    [[ "${lines[3]}" =~ ^$id\ +pw\ +file\ +.*ago\ +.*ago$ ]]
    run pcon secret ls --format '{{.Name}}' --filter name=from
    assert_output "fromenv
fromfile"
    run pcon secret ls -q --filter name=pw
    assert_output "$id"
    run pcon secret inspect --format '{{.Spec.Name}} {{.Spec.Driver.Name}} {{.Spec.Labels.team}}' fromfile
    assert_output "fromfile file a"
    run pcon secret inspect "${id:0:8}"
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["ID"] == sys.argv[1] and d[0]["Spec"]["Name"] == "pw", d' "$id" <<<"$output"
    # the data is the user's alone, and nowhere in a record
    [ "$(stat -c %a "$PCON_ROOT/secrets/pw/data")" = 600 ]
    ! grep -rq hunter2 "$PCON_ROOT/secrets/pw/secret.json"
    run --separate-stderr pcon secret inspect nosuch
    assert_status 125
    [ "$stderr" = 'Error: inspecting secret: no secret with name or id "nosuch": no such secret' ]
    run --separate-stderr pcon secret create 'bad/name' - <<<"x"
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon secret create empty /dev/null
    assert_status 125
    [[ "$stderr" == *"secret data must be larger than 0"* ]]
    run pcon secret rm pw
    assert_output "$id"
    run pcon secret rm -a
    assert_status 0
    [ "${#lines[@]}" -eq 2 ]
    run pcon secret ls --format json
    assert_output "[]"
    run --separate-stderr pcon secret rm pw
    assert_status 125
    [ "$stderr" = 'Error: no secret with name or id "pw": no such secret' ]
}

@test "run --secret: a file at /run/secrets/NAME, or where target= says, owned and moded as asked; type=env a variable" {
    printf 's3cr3t' | pcon secret create db -
    run pcon run --rm --secret db $IMAGE sh -c 'stat -c "%a %u %g" /run/secrets/db; cat /run/secrets/db; echo; echo x > /run/secrets/db || echo read-only'
    assert_output_contains "444 0 0"
    assert_output_contains "s3cr3t"
    assert_output_contains "read-only"
    run pcon run --rm -u 1000 --secret db,target=/etc/db.conf,uid=1000,gid=1000,mode=0400 $IMAGE sh -c 'stat -c "%a %u %g" /etc/db.conf; cat /etc/db.conf'
    assert_output "400 1000 1000
s3cr3t"
    run pcon run --rm --secret db,target=creds $IMAGE cat /run/secrets/creds
    assert_output s3cr3t
    run pcon run --rm --secret db,type=env,target=DB_PASSWORD $IMAGE sh -c 'echo "$DB_PASSWORD"'
    assert_output s3cr3t
    # the value is not kept in the record: inspect does not show it
    pcon create --name holder --secret db,type=env $IMAGE sh -c 'echo $db'
    run pcon inspect --format '{{.Config.Env}}' holder
    refute_output_contains s3cr3t
    ! grep -rq s3cr3t "$PCON_ROOT/containers"
    run pcon start -a holder
    assert_output s3cr3t
    # read at each start: removed, the container no longer starts
    pcon secret rm db
    run --separate-stderr pcon start holder
    assert_status 125
    [[ "$stderr" == *'no secret with name or id "db"'* ]]
    pcon rm holder
    run --separate-stderr pcon run --rm --secret nosuch $IMAGE true
    assert_status 125
    [ "$stderr" = 'Error: no secret with name or id "nosuch": no such secret' ]
    for bad in "db,type=env,mode=0400" "db,target=../../../etc/passwd" "db,type=file" "db,type=env,target=1BAD" ",type=env"; do
        run --separate-stderr pcon run --rm --secret "$bad" $IMAGE true
        assert_status 125
        assert_one_error_line
    done
    assert_no_containers
}
