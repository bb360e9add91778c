#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon commit, diff and history: a container's writable layer listed and
# turned into an image's top layer (deletions as whiteouts, hard and soft
# links, owners), that image run again, saved and loaded by podman's
# format, its history shown.

load helpers

@test "diff lists what a container added, changed and deleted, not pcon's own mount points" {
    pcon run --name changed $IMAGE sh -c 'echo hi > /new; rm /bin/ls; mkdir -p /etc/x; echo y > /etc/x/f'
    run pcon diff changed
    assert_status 0
    assert_output "C /bin
D /bin/ls
C /etc
A /etc/x
A /etc/x/f
A /new"
    run pcon diff --format json changed
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d == {"changed": ["/bin", "/etc"], "added": ["/etc/x", "/etc/x/f", "/new"], "deleted": ["/bin/ls"]}, d' <<<"$output"
    pcon run --name unchanged $IMAGE true
    run pcon diff unchanged
    assert_output ""
    pcon rm changed unchanged
}

@test "commit makes an image of the container's changes: deletions, links, owners and --change" {
    pcon run --name tocommit $IMAGE sh -c \
        'echo hi > /new; ln /new /hard; ln -s /new /soft; rm -rf /root; mkdir /owned; chown 123:456 /owned; mkdir /empty'
    run pcon commit -q -c 'CMD ["cat", "/new"]' -c 'ENV COMMITTED=yes' -m "a message" -a "me" tocommit localhost/committed
    assert_status 0
    [[ "$output" =~ ^[0-9a-f]{64}$ ]]
    local id=$output
    run pcon run --rm localhost/committed
    assert_output hi
    run pcon run --rm localhost/committed sh -c \
        'ls /root 2>&1; stat -c "%h %u:%g" /new /owned; readlink /soft; cat /hard; echo "$COMMITTED"; [ -d /empty ] && echo empty-dir'
    [[ "${lines[0]}" == *"No such file or directory"* ]]
    [ "${lines[1]}" = "2 0:0" ]
    [ "${lines[2]}" = "2 123:456" ]
    [ "${lines[3]}" = /new ]
    [ "${lines[4]}" = hi ]
    [ "${lines[5]}" = yes ]
    [ "${lines[6]}" = empty-dir ]
    run pcon image inspect --format '{{.Id}}' localhost/committed
    assert_output "$id"
    # the image's own diff: its top layer
    run pcon diff localhost/committed
    assert_output_contains "D /root"
    assert_output_contains "A /new"
    pcon rm tocommit
}

@test "history shows each layer's step, newest first, with the commit's comment" {
    pcon run --name hist $IMAGE sh -c 'echo x > /x'
    pcon commit -q -m "second layer" hist localhost/hist >/dev/null
    run pcon history --format '{{.ID}}|{{.CreatedBy}}|{{.Comment}}' localhost/hist
    assert_status 0
    [ "${#lines[@]}" = 2 ]
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}\|pcon\ commit\|second\ layer$ ]]
    [[ "${lines[1]}" == "$(pcon image inspect --format '{{.Id}}' $IMAGE | cut -c1-12)|pcon import|" ]]
    run pcon history localhost/hist
    [[ "${lines[0]}" =~ ^ID\ +CREATED\ +CREATED\ BY\ +SIZE\ +COMMENT$ ]]
    run pcon history -q --no-trunc localhost/hist
    [[ "${lines[0]}" =~ ^[0-9a-f]{64}$ ]]
    run pcon history --format json localhost/hist
    python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["comment"] == "second layer" and d[0]["size"] > 0, d' <<<"$output"
    pcon rm hist
}

@test "a committed image goes through save and load, and runs the same" {
    pcon run --name saved $IMAGE sh -c 'echo kept > /kept; rm /bin/cat'
    pcon commit -q saved localhost/saved >/dev/null
    pcon save -o "$BATS_TEST_TMPDIR/saved.tar" localhost/saved
    pcon rmi localhost/saved
    pcon rm saved
    run pcon load -i "$BATS_TEST_TMPDIR/saved.tar"
    assert_status 0
    run pcon run --rm localhost/saved sh -c 'read l < /kept; echo "$l"; [ -e /bin/cat ] || echo no-cat'
    assert_output "kept
no-cat"
}

@test "commit and diff errors: no such container, a bad change; nothing is made" {
    run -125 --separate-stderr pcon commit no-such-container localhost/x
    assert_one_error_line
    pcon run --name bad $IMAGE true
    run -125 --separate-stderr pcon commit -c 'RUN true' bad localhost/x
    assert_one_error_line
    [[ "$stderr" == *"invalid change"* ]]
    run -125 --separate-stderr pcon commit -c 'EXPOSE notaport' bad localhost/x
    assert_one_error_line
    run pcon image exists localhost/x
    assert_status 1
    run -125 --separate-stderr pcon diff no-such-thing
    assert_one_error_line
    pcon rm bad
}

@test "export writes a container's files as a tar (not its mounts), which import makes an image again" {
    pcon run -d --name exported $IMAGE sh -c 'echo mine > /new; rm /bin/cat; sleep 60'
    run sh -c "'$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' export exported > '$BATS_TEST_TMPDIR/ex.tar'"
    assert_status 0
    run tar -tf "$BATS_TEST_TMPDIR/ex.tar"
    assert_output_contains "new"
    refute_output_contains "bin/cat"
    refute_output_contains "proc/self"
    refute_output_contains "dev/null"
    pcon export -o "$BATS_TEST_TMPDIR/ex2.tar" exported
    cmp "$BATS_TEST_TMPDIR/ex.tar" "$BATS_TEST_TMPDIR/ex2.tar"
    pcon import "$BATS_TEST_TMPDIR/ex.tar" localhost/reimported >/dev/null
    run pcon run --rm localhost/reimported sh -c 'read l < /new; echo "$l"; [ -e /bin/cat ] || echo no-cat'
    assert_output "mine
no-cat"
    pcon rm -f -t 0 exported
    run -125 --separate-stderr pcon export -o "$BATS_TEST_TMPDIR/x.tar" no-such
    assert_one_error_line
    [ ! -e "$BATS_TEST_TMPDIR/x.tar" ]
}

@test "image tree: an image's layers, base first, each with the images it tops; --whatrequires: the layers built on it" {
    pcon run --name treec $IMAGE sh -c 'echo layer2 > /added' >/dev/null
    pcon commit -q treec localhost/tree-top:1 >/dev/null
    pcon rm treec >/dev/null
    run pcon image tree localhost/tree-top:1
    assert_status 0
    echo "$output"
    [[ "${lines[0]}" =~ ^Image\ ID:\ [0-9a-f]{12}$ ]]
    [ "${lines[1]}" = "Tags:     [localhost/tree-top:1]" ]
    [[ "${lines[2]}" =~ ^Size:\ +[0-9.]+[kMG]?B$ ]]
    [ "${lines[3]}" = "Image Layers" ]
    [[ "${lines[4]}" =~ ^├──\ ID:\ [0-9a-f]{12}\ Size:\ +[0-9.]+[kMG]?B\ Top\ Layer\ of:\ \[$IMAGE:latest\]$ ]]
    [[ "${lines[5]}" =~ ^└──\ ID:\ [0-9a-f]{12}\ Size:\ +[0-9.]+[kMG]?B\ Top\ Layer\ of:\ \[localhost/tree-top:1\]$ ]]
    [ "${#lines[@]}" -eq 6 ]
    # (other tests' images may be built on it too)
    run pcon image tree --whatrequires $IMAGE
    assert_status 0
    [[ "${lines[4]}" == "├── ID: "*"Top Layer of: [$IMAGE:latest]" ]]
    assert_output_contains " Top Layer of: [localhost/tree-top:1]"
    [[ "${lines[${#lines[@]} - 1]}" == "└── ID: "* ]]
    run -125 --separate-stderr pcon image tree nosuch
    assert_one_error_line
    pcon rmi localhost/tree-top:1 >/dev/null
}

@test "commit --squash: one layer of them all (a deleted file stays deleted), the name on it, no image of many layers left" {
    local before id
    pcon run --name sq $IMAGE sh -c 'rm /bin/ls; echo x > /x' >/dev/null
    before=$(pcon images -aq | sort -u | wc -l)
    id=$(pcon commit -q --squash sq localhost/squashed)
    run pcon inspect --format '{{len .RootFS.Layers}}' localhost/squashed
    assert_output 1
    run pcon inspect --format '{{.Id}}' localhost/squashed
    assert_output "$id"
    run pcon run --rm localhost/squashed sh -c 'cat /x; ls /bin/ls 2>&1 | grep -c "No such file"'
    assert_output "x
1"
    [ "$(pcon images -aq | sort -u | wc -l)" -eq $((before + 1)) ]
    pcon rm sq >/dev/null
    pcon rmi localhost/squashed >/dev/null
}
