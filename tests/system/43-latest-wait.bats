#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# podman's --latest (-l) on the container and pod commands, wait
# --condition and --interval, and --cidfile on kill and pause.

load helpers

@test "--latest: each container command acts on the newest container; none at all is podman's error" {
    run --separate-stderr pcon stop -l
    assert_status 125
    [ "$stderr" = "Error: no such container" ]
    run --separate-stderr pcon pod rm -l
    assert_status 125
    [ "$stderr" = "Error: no such pod" ]
    local older newest
    older=$(pcon create --name older $IMAGE sleep 100)
    newest=$(pcon create --name newest $IMAGE sleep 100)
    # podman's output: the full id
    run pcon start -l
    assert_output "$newest"
    run pcon inspect -l --format '{{.Name}} {{.State.Status}}'
    assert_output "newest running"
    run pcon exec -l sh -c 'echo in $(hostname)'
    assert_output "in $(pcon inspect --format '{{.Config.Hostname}}' newest)"
    run pcon top -l
    assert_status 0
    assert_output_contains "sleep 100"
    run pcon port -l
    assert_status 0
    run pcon kill -l
    assert_output "$newest"
    run pcon wait -l
    assert_output 137
    run pcon restart -l
    assert_output "$newest"
    run --separate-stderr pcon stop -l -t 0
    assert_output "$newest"
    run pcon logs -l
    assert_status 0
    run pcon rm -l
    assert_output "$newest"
    # older is the latest now
    run pcon rm -l
    assert_output "$older"
    run --separate-stderr pcon rm -l
    assert_status 125
}

@test "--latest on pods: the newest pod" {
    pcon pod create --name pold
    pcon pod create --name pnew
    run pcon pod start -l
    assert_status 0
    run pcon pod inspect -l --format '{{.Name}} {{.State}}'
    assert_output "pnew Running"
    run pcon pod top -l
    assert_status 0
    run pcon pod stop -l -t 0
    assert_status 0
    run pcon pod inspect --format '{{.State}}' pold
    assert_output Created
    run pcon pod rm -l
    assert_status 0
    run pcon pod exists pnew
    assert_status 1
    pcon pod rm pold
}

@test "wait --condition: running and created give -1 once there, exited the exit code; bad values refused" {
    pcon create --name waiter $IMAGE sh -c 'sleep 1; exit 7'
    run timeout 10 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" wait --condition created waiter
    [ "$output" = "-1" ]
    (sleep 0.5; "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" start waiter >/dev/null) &
    run timeout 10 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" wait --condition running -i 50ms waiter
    [ "$output" = "-1" ]
    [ "$(pcon inspect --format '{{.State.Status}}' waiter)" = running ]
    run timeout 10 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" wait --condition running --condition exited -i 100 waiter
    [ "$output" = "-1" ]
    run timeout 10 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" wait --condition=stopped waiter
    assert_output 7
    wait
    run --separate-stderr pcon wait --condition bogus waiter
    assert_status 125
    [ "$stderr" = "Error: unknown container state: bogus" ]
    run --separate-stderr pcon wait -i soon waiter
    assert_status 125
    assert_one_error_line
    pcon rm waiter
}

@test "kill and pause take --cidfile" {
    pcon run -d --cidfile "$BATS_TEST_TMPDIR/cid" --name bycid $IMAGE sleep 100
    run pcon kill --cidfile "$BATS_TEST_TMPDIR/cid"
    assert_status 0
    assert_output "$(cat "$BATS_TEST_TMPDIR/cid")"
    run pcon wait bycid
    assert_output 137
    run --separate-stderr pcon kill --cidfile "$BATS_TEST_TMPDIR/nosuch"
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon pause --cidfile "$BATS_TEST_TMPDIR/nosuch"
    assert_status 125
    assert_one_error_line
    pcon rm bycid
}

@test "--filter on start, stop, restart and rm (ps's keys), start --all; an unknown key refused" {
    local a b c
    a=$(pcon create --name fa --label grp=x $IMAGE sleep 100)
    b=$(pcon create --name fb --label grp=x $IMAGE sleep 100)
    c=$(pcon create --name fc $IMAGE sleep 100)
    run pcon start --filter label=grp=x
    assert_status 0
    [ "$(echo "$output" | sort)" = "$(printf '%s\n' "$a" "$b" | sort)" ]
    [ "$(pcon ps --format '{{.Names}}' | sort | tr '\n' ' ')" = "fa fb " ]
    run --separate-stderr pcon restart --filter name=fa -t 0
    assert_output "$a"
    run --separate-stderr pcon stop -t 0 --filter status=running
    assert_status 0
    [ "${#lines[@]}" -eq 2 ]
    run pcon start --all
    assert_status 0
    [ "${#lines[@]}" -eq 3 ]
    [ "$(pcon ps -q | wc -l)" -eq 3 ]
    run --separate-stderr pcon stop --filter nosuch=1
    assert_status 125
    [ "$stderr" = "Error: nosuch is an invalid filter" ]
    # none matching: nothing to do
    run pcon stop --filter name=nomatch
    assert_status 0
    assert_output ""
    run pcon rm -f --filter label=grp=x
    [ "$(echo "$output" | sort)" = "$(printf '%s\n' "$a" "$b" | sort)" ]
    run pcon ps -a --format '{{.Names}}'
    assert_output fc
    pcon rm -f -t 0 fc
}

@test "more of podman's flags: diff -l, port -a, restart --running and --cidfile, start --sig-proxy, commit --iidfile, volume create --driver, network create --ipam-driver" {
    local a b c
    a=$(pcon run -d --name pa -p 18731:80 $IMAGE sh -c 'echo x > /new; sleep 100')
    b=$(pcon create --name pb $IMAGE true)
    run pcon port -a
    assert_output "${a:0:12}	80/tcp -> 0.0.0.0:18731"
    run pcon port -a pa
    assert_status 125
    # the newest is pb: a diff of none; pa's has /new
    run pcon diff -l
    assert_output ""
    has_new() { pcon diff pa | grep -q '^A /new'; }
    wait_for 10 has_new
    # --running: only pa is restarted (pb stays created)
    run --separate-stderr pcon restart -t 0 --all --running
    assert_output "$a"
    run pcon inspect --format '{{.State.Status}}' pb
    assert_output "created"
    echo "$a" > "$BATS_TEST_TMPDIR/cid"
    run --separate-stderr pcon restart -t 0 --cidfile "$BATS_TEST_TMPDIR/cid"
    assert_output "$a"
    run pcon start --attach --sig-proxy=false pb
    assert_status 0
    run pcon commit -q --iidfile "$BATS_TEST_TMPDIR/iid" pa localhost/committed
    [ "$(cat "$BATS_TEST_TMPDIR/iid")" = "sha256:${lines[-1]}" ]
    pcon rm -f -t 0 pa pb >/dev/null
    pcon rmi localhost/committed >/dev/null
    run pcon volume create --driver local vlocal
    assert_output vlocal
    run pcon volume create --driver foo vfoo
    assert_status 125
    assert_output "Error: volume vfoo uses volume plugin foo but it could not be retrieved: no volume plugin with name foo available: required plugin missing"
    pcon volume rm vlocal >/dev/null
    run pcon network create --ipam-driver host-local hl
    assert_output hl
    run pcon network create --ipam-driver foo nf
    assert_status 125
    assert_output_contains 'unsupported ipam driver "foo"'
    run pcon network create --ipam-driver dhcp nd
    assert_status 125
    assert_output_contains 'host-local'
    pcon network rm hl >/dev/null
    # import's platform and message; exists --external, image prune --external
    pcon import -q -m "from a tarball" --arch arm64 --variant v8 "$BB_TAR" localhost/imported >/dev/null
    run pcon inspect --format '{{.Architecture}}/{{.Os}}' localhost/imported
    assert_output "arm64/linux"
    run pcon history --format '{{.Comment}}' localhost/imported
    assert_output "from a tarball"
    pcon rmi localhost/imported >/dev/null
    run pcon container exists --external nosuch
    assert_status 1
    run pcon image prune -f --external
    assert_status 0
}

@test "rm --depend removes what depends on a container first (its namespaces' joiners, --requires); volume rm -f --time stops its users first" {
    local base dep1 dep2
    base=$(pcon run -d --name base $IMAGE sleep 100)
    dep1=$(pcon run -d --name dep1 --network container:base $IMAGE sleep 100)
    dep2=$(pcon create --name dep2 --requires base $IMAGE true)
    run pcon rm -f -t 0 base
    assert_status 125
    assert_output_contains "has dependent containers"
    run --separate-stderr pcon rm -f -t 0 --depend base
    assert_status 0
    assert_output_contains "$dep1"
    assert_output_contains "$dep2"
    [ "${lines[-1]}" = base ]
    assert_no_containers
    pcon volume create vt >/dev/null
    pcon run -d --name uses -v vt:/data $IMAGE sleep 100 >/dev/null
    run pcon volume rm vt
    assert_status 2
    run --separate-stderr pcon volume rm -f --time 0 vt
    assert_status 0
    assert_output vt
    assert_no_containers
    run pcon volume rm --time x vt
    assert_status 125
    # prune --filter: label, label! and until, nothing else
    local k1 k2
    k1=$(pcon create --label keep=1 --name pk1 $IMAGE true)
    k2=$(pcon create --name pk2 $IMAGE true)
    run pcon container prune -f --filter label!=keep
    assert_output "$k2"
    run pcon container prune -f --filter until=2000-01-01T00:00:00Z
    assert_output ""
    run pcon container prune -f --filter name=pk1
    assert_status 125
    assert_output "Error: name=pk1 is an invalid filter"
    pcon rm "$k1" >/dev/null
    pcon volume create --label keep=1 vkeep >/dev/null
    pcon volume create vgo >/dev/null
    run pcon volume prune -f --filter label!=keep
    assert_output vgo
    pcon volume rm vkeep >/dev/null
}

@test "attach --detach-keys: ctrl-p,ctrl-q (or the keys given) detach, the container running on; a partial sequence is the container's" {
    pcon run -d -i --name cat $IMAGE cat >/dev/null
    run pcon attach cat < <(printf 'one\x10x\n'; sleep 1; printf '\x10\x11after\n')
    assert_status 0
    run pcon inspect --format '{{.State.Status}}' cat
    assert_output running
    run pcon logs cat
    assert_output "one"$'\x10'"x"
    # keys of one's own; "" for none: stdin's end is the container's then
    run pcon attach --detach-keys ctrl-a,d cat < <(printf 'two\n'; sleep 1; printf '\x01d')
    assert_status 0
    run pcon inspect --format '{{.State.Status}}' cat
    assert_output running
    run pcon attach --detach-keys nope cat < /dev/null
    assert_status 125
    assert_output_contains "invalid detach keys"
    run pcon attach --detach-keys "" cat < <(printf 'three\n')
    assert_status 0
    run pcon logs cat
    assert_output "one"$'\x10'"x
two
three"
    pcon rm -f -t 0 cat >/dev/null
}
