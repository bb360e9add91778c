#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Local image management: images, tag, untag, rmi, image inspect, exists,
# prune.

load helpers

@test "images lists names, ids, sizes; -q; --format; --filter reference" {
    run pcon images
    assert_status 0
    [[ "${lines[0]}" =~ ^REPOSITORY\ +TAG\ +IMAGE\ ID\ +CREATED\ +SIZE$ ]]
    [[ "$output" =~ localhost/bb\ +latest\ +[0-9a-f]{12}\ +.*ago\ +[0-9.]+\ [kM]B ]]
    run pcon images -q
    [[ "${lines[0]}" =~ ^[0-9a-f]{12}$ ]]
    run pcon images --format '{{.Repository}}:{{.Tag}}'
    assert_output_contains "localhost/bb:latest"
    run pcon images --filter reference=bb --format '{{.Repository}}'
    assert_output "localhost/bb"
    run pcon images --filter reference=nomatch -q
    assert_output ""
}

@test "tag adds a name; untag removes it; the image stays" {
    run pcon tag $IMAGE localhost/other:v1 quay.io/team/app:2
    assert_status 0
    run pcon images --format '{{.Repository}}:{{.Tag}}'
    assert_output_contains "localhost/other:v1"
    assert_output_contains "quay.io/team/app:2"
    run pcon run --rm localhost/other:v1 cat /data/file
    assert_output "image data"
    run pcon untag $IMAGE quay.io/team/app:2
    assert_status 0
    run pcon image exists quay.io/team/app:2
    assert_status 1
    run pcon image exists localhost/other:v1
    assert_status 0
}

@test "rmi of one name among several only untags it" {
    pcon tag $IMAGE localhost/twice
    run pcon rmi localhost/twice
    assert_status 0
    assert_output "Untagged: localhost/twice:latest"
    run pcon image exists $IMAGE
    assert_status 0
}

@test "rmi is refused while a container uses the image (exit 2) unless -f" {
    pcon import "$BB_TAR" localhost/used >/dev/null
    pcon run --name user localhost/used true
    run --separate-stderr pcon rmi localhost/used
    assert_status 2
    [[ "$stderr" == *"image is in use by a container"* ]]
    run pcon rmi -f localhost/used
    assert_status 0
    assert_output_contains "Untagged: localhost/used:latest"
    assert_output_contains "Deleted: "
    run pcon container exists user
    assert_status 1
    run --separate-stderr pcon rmi localhost/used
    assert_status 1
    [[ "$stderr" == *"image not known"* ]]
}

@test "rmi removes layers no other image uses, and keeps shared ones" {
    local layers_before
    layers_before=$(ls "$PCON_ROOT/layers" | grep -cE '^[0-9a-f]{64}$')
    printf 'x' > "$BATS_TEST_TMPDIR/x"
    tar -C "$BATS_TEST_TMPDIR" -cf "$BATS_TEST_TMPDIR/tiny.tar" x
    pcon import "$BATS_TEST_TMPDIR/tiny.tar" localhost/tiny >/dev/null
    [ "$(ls "$PCON_ROOT/layers" | grep -cE '^[0-9a-f]{64}$')" -eq $((layers_before + 1)) ]
    pcon import "$BB_TAR" localhost/samelayer >/dev/null
    pcon rmi localhost/tiny localhost/samelayer >/dev/null
    [ "$(ls "$PCON_ROOT/layers" | grep -cE '^[0-9a-f]{64}$')" -eq "$layers_before" ]
    run pcon run --rm $IMAGE true
    assert_status 0
    [ -z "$(ls -A "$PCON_ROOT/layers" "$PCON_ROOT/images" | grep '^\.tmp')" ]
}

@test "image inspect: a JSON array with the config; --format; missing is 125" {
    run pcon image inspect $IMAGE
    assert_status 0
    echo "$output" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d) == 1 and len(d[0]["Id"]) == 64
assert "localhost/bb:latest" in d[0]["RepoTags"]
assert d[0]["Os"] == "linux" and d[0]["RootFS"]["Layers"][0].startswith("sha256:")
'
    run pcon image inspect --format '{{.Architecture}}' $IMAGE
    assert_output "amd64"
    run --separate-stderr pcon image inspect localhost/nope
    assert_status 125
}

@test "image prune removes dangling images only; -a the unused ones" {
    pcon import "$BB_TAR" >/dev/null
    pcon import "$BB_TAR" localhost/unused >/dev/null
    local dangling
    dangling=$(pcon images --format '{{.ID}} {{.Repository}}' | awk '$2 == "<none>" { print $1 }')
    [ -n "$dangling" ]
    run pcon image prune -f
    assert_status 0
    [ -z "$(pcon images --format '{{.Repository}}' | grep '<none>')" ]
    run pcon image exists localhost/unused
    assert_status 0
    pcon run -d --name keepit $IMAGE sleep 100 >/dev/null
    run pcon image prune -a -f
    assert_status 0
    run pcon image exists localhost/unused
    assert_status 1
    run pcon image exists $IMAGE
    assert_status 0
    pcon rm -f keepit
}

@test "inspect finds images too; --type narrows; nothing found is 125 with []" {
    run pcon inspect --format '{{.Os}}' $IMAGE
    assert_status 0
    assert_output "linux"
    run --separate-stderr pcon inspect nosuch
    assert_status 125
    assert_output "[]"
    [ "$stderr" = 'Error: inspecting object: no such object: "nosuch"' ]
    run --separate-stderr pcon inspect --type container $IMAGE
    assert_status 125
}

@test "import --change LABEL, EXPOSE, VOLUME, STOPSIGNAL land in the config" {
    pcon import --change 'LABEL team=core' --change 'LABEL tier web' --change 'EXPOSE 80 53/udp' \
        --change 'VOLUME ["/data", "/logs"]' --change 'STOPSIGNAL SIGINT' "$BB_TAR" localhost/changed >/dev/null
    run sh -c "'$PCON' --root '$PCON_ROOT' --runroot '$PCON_RUNROOT' image inspect localhost/changed | python3 -c 'import json,sys; c=json.load(sys.stdin)[0][\"Config\"]; print(c[\"Labels\"], sorted(c[\"ExposedPorts\"]), sorted(c[\"Volumes\"]), c[\"StopSignal\"])'"
    assert_status 0
    assert_output "{'team': 'core', 'tier': 'web'} ['53/udp', '80/tcp'] ['/data', '/logs'] SIGINT"
    pcon rmi localhost/changed >/dev/null
}

@test "images --filter dangling, label, before, since; filters of different keys all hold" {
    # created times have nanoseconds: f2 and f3 are after f1 without a pause
    pcon import --change 'LABEL team=core' "$BB_TAR" localhost/f1 >/dev/null
    pcon import --change 'LABEL team=edge' "$BB_TAR" localhost/f2 >/dev/null
    pcon import "$BB_TAR" localhost/f3 >/dev/null
    pcon untag localhost/f3
    run pcon images --format '{{.Repository}}' --filter label=team=core
    assert_output "localhost/f1"
    run pcon images --format '{{.Repository}}' --filter label=team --filter since=localhost/f1
    assert_output "localhost/f2"
    run pcon images --format '{{.Repository}}' --filter before=localhost/f2 --filter label=team
    assert_output "localhost/f1"
    run pcon images --format '{{.Repository}}:{{.Tag}}' --filter dangling=true
    assert_output "<none>:<none>"
    run pcon images --format '{{.Repository}}' --filter dangling=false --filter reference='localhost/f*'
    assert_output "localhost/f2
localhost/f1"
    run --separate-stderr pcon images --filter color=red
    assert_status 125
    [[ "$stderr" == *'invalid filter "color=red"'* ]]
    pcon rmi -f localhost/f1 localhost/f2 >/dev/null
    pcon image prune >/dev/null
}

@test "images --history and NamesHistory: the names an image has had, untagged ones too" {
    pcon tag $IMAGE localhost/histo:one
    pcon tag $IMAGE localhost/histo:two
    pcon untag $IMAGE localhost/histo:one
    run pcon image inspect --format '{{json .NamesHistory}}' $IMAGE
    assert_output_contains '"localhost/histo:two"'
    assert_output_contains '"localhost/histo:one"'
    run pcon images --history --format '{{.History}}' localhost/histo
    assert_output_contains "localhost/histo:one"
    run pcon images --history localhost/histo
    assert_output_contains "HISTORY"
    pcon untag $IMAGE localhost/histo:two
}

@test "image prune --filter: label=, label!= and until= of the dangling (or with -a unused) images" {
    local c=$BATS_TEST_TMPDIR/pf keep gone
    mkdir -p "$c"
    pcon image prune -f >/dev/null # what earlier tests left dangling
    printf 'FROM %s\nLABEL keep=1\nRUN echo k > /k\n' "$IMAGE" > "$c/Containerfile"
    keep=$(pcon build -q "$c")
    printf 'FROM %s\nRUN echo g > /g\n' "$IMAGE" > "$c/Containerfile"
    gone=$(pcon build -q "$c")
    run pcon image prune -f --filter until=2000-01-01T00:00:00Z
    assert_output ""
    run pcon image prune -f --filter label!=keep
    assert_output "$gone"
    run pcon image exists "$keep"
    assert_status 0
    run pcon image prune -f --filter reference=x
    assert_status 125
    pcon rmi "$keep" >/dev/null
}

@test "lookups by name stay right whatever the name index says: a moved name, a removed one, a corrupt index" {
    local c=$BATS_TEST_TMPDIR/ni a b
    mkdir -p "$c"
    printf 'FROM %s\nRUN echo a > /which\n' "$IMAGE" > "$c/Containerfile"
    a=$(pcon build -q -t localhost/ni:1 "$c")
    [ "$(pcon run --rm localhost/ni:1 cat /which)" = a ]
    [ -f "$PCON_ROOT/images/.name-index" ]
    printf 'FROM %s\nRUN echo b > /which\n' "$IMAGE" > "$c/Containerfile"
    b=$(pcon build -q -t localhost/ni:1 "$c")
    [ "$a" != "$b" ]
    [ "$(pcon run --rm localhost/ni:1 cat /which)" = b ]
    # the index pointing the name at the old image: the record wins
    printf 'localhost/ni:1\t%s\n' "$a" > "$PCON_ROOT/images/.name-index"
    [ "$(pcon run --rm localhost/ni:1 cat /which)" = b ]
    printf 'garbage\n\tno\n' > "$PCON_ROOT/images/.name-index"
    [ "$(pcon image inspect --format '{{.Id}}' localhost/ni:1)" = "$b" ]
    pcon untag localhost/ni:1
    run pcon image inspect localhost/ni:1
    assert_status 125
    pcon rmi -f "$a" "$b" >/dev/null
}
