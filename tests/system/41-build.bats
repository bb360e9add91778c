#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon build: real Containerfiles over real contexts. RUN runs a container
# and commits its changes (deletions are whiteouts), COPY and ADD write
# layers from the context (.dockerignore honoured, nothing outside it
# reachable), metadata is inherited by later steps, stages feed each other,
# and the layer cache makes an unchanged rebuild produce nothing new.

load helpers

# a context directory with the given Containerfile text
context() { # DIR TEXT
    mkdir -p "$1"
    printf '%s\n' "$2" > "$1/Containerfile"
}

@test "build: RUN, COPY, ENV, WORKDIR, USER, ARG; later steps and the container see them" {
    local c=$BATS_TEST_TMPDIR/ctx
    context "$c" "ARG BASE=$IMAGE
FROM \$BASE
ARG GREETING=hello
ENV APP=/app MODE=\"two words\"
WORKDIR \$APP
COPY hello.txt ./
COPY sub/ ./sub/
RUN echo \"\$GREETING \$MODE\" > ran.txt && rm /bin/ls && id -u > uid-at-run
USER 1000
LABEL org.example.name=\"demo app\"
EXPOSE 8080
CMD [\"cat\", \"/app/ran.txt\"]"
    echo hi > "$c/hello.txt"
    mkdir "$c/sub"
    echo nested > "$c/sub/n.txt"
    run pcon build -t localhost/built:1 --build-arg GREETING=bonjour "$c"
    assert_status 0
    assert_output_contains "STEP 1/11: FROM $IMAGE"
    assert_output_contains "STEP 7/11: RUN echo"
    assert_output_contains "COMMIT localhost/built:1"
    assert_output_contains "Successfully tagged localhost/built:1"
    [[ "${lines[-1]}" =~ ^[0-9a-f]{64}$ ]]
    run pcon run --rm localhost/built:1
    assert_output "bonjour two words"
    run pcon run --rm localhost/built:1 sh -c \
        'id -u; pwd; cat hello.txt sub/n.txt uid-at-run; ls /bin/ls 2>&1; stat -c %u:%g hello.txt'
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = /app ]
    [ "${lines[2]}" = hi ]
    [ "${lines[3]}" = nested ]
    [ "${lines[4]}" = 0 ]
    [[ "${lines[5]}" == *"No such file or directory"* ]]
    [ "${lines[6]}" = 0:0 ]
    run pcon image inspect --format '{{.Config.Labels}} {{.Config.ExposedPorts}}' localhost/built:1
    assert_output "map[org.example.name:demo app] map[8080/tcp:map[]]"
}

@test "build: an unchanged rebuild uses the cache and gives the same image; a changed file rebuilds from its step" {
    local c=$BATS_TEST_TMPDIR/cache first second
    context "$c" "FROM $IMAGE
COPY a.txt /a.txt
RUN cat /a.txt > /b.txt
COPY c.txt /c.txt"
    echo one > "$c/a.txt"
    echo c > "$c/c.txt"
    first=$(pcon build -q "$c")
    run pcon build "$c"
    assert_status 0
    [ "${lines[-1]}" = "$first" ]
    [ "$(grep -c 'Using cache' <<<"$output")" = 3 ]
    # a change in the first copied file: every step from it runs again
    echo two > "$c/a.txt"
    run pcon build "$c"
    refute_output_contains "Using cache"
    second=${lines[-1]}
    [ "$second" != "$first" ]
    run pcon run --rm "$second" cat /b.txt
    assert_output two
    # a change in the last one only: the steps before it come from the cache
    echo cc > "$c/c.txt"
    run pcon build "$c"
    [ "$(grep -c 'Using cache' <<<"$output")" = 2 ]
    # --no-cache runs everything
    run pcon build --no-cache "$c"
    refute_output_contains "Using cache"
}

@test "build: multi-stage with --target and COPY --from; only the needed stages run" {
    local c=$BATS_TEST_TMPDIR/stages
    context "$c" "FROM $IMAGE AS builder
RUN echo built-artifact > /artifact
FROM $IMAGE AS unused
RUN echo never-run
FROM $IMAGE
COPY --from=builder /artifact /copied
CMD [\"cat\", \"/copied\"]"
    run pcon build -t localhost/staged "$c"
    assert_status 0
    refute_output_contains "never-run"
    assert_output_contains "[1/2] STEP 1/2: FROM $IMAGE AS builder"
    run pcon run --rm localhost/staged
    assert_output built-artifact
    run pcon build -t localhost/builder-only --target builder "$c"
    assert_status 0
    run pcon run --rm localhost/builder-only cat /artifact
    assert_output built-artifact
    run -125 --separate-stderr pcon build --target nosuch "$c"
    assert_one_error_line
}

@test "build: .dockerignore keeps files out; nothing outside the context can be copied" {
    local c=$BATS_TEST_TMPDIR/ignore
    context "$c" "FROM $IMAGE
COPY . /ctx/
RUN ls -A /ctx | sort | tr '\\n' ' ' > /listing"
    echo keep > "$c/keep.txt"
    echo secret > "$c/secret.txt"
    mkdir "$c/logs"
    echo log > "$c/logs/x.log"
    printf 'secret.txt\nlogs\n' > "$c/.dockerignore"
    ln -s /etc/passwd "$c/escape"
    run pcon build -t localhost/ignored "$c"
    assert_status 0
    run pcon run --rm localhost/ignored cat /listing
    assert_output ".dockerignore Containerfile escape keep.txt "
    # a copied link stays a link: the host's file is not read
    run pcon run --rm localhost/ignored readlink /ctx/escape
    assert_output /etc/passwd
    context "$c/../outside" "FROM $IMAGE
COPY ../ignore/keep.txt /x"
    run -125 --separate-stderr pcon build "$c/../outside"
    assert_one_error_line
    [[ "$stderr" == *"outside the build context"* ]]
    # a link in the context naming a host file resolves inside the context
    context "$c/../linked" "FROM $IMAGE
COPY escape /x"
    ln -s /etc/passwd "$c/../linked/escape"
    run --separate-stderr pcon build "$c/../linked"
    [ "$status" -ne 0 ]
}

@test "build: ADD unpacks a local archive; a failing RUN fails the build with its status and the line" {
    local c=$BATS_TEST_TMPDIR/add
    mkdir -p "$c/tree/d"
    echo inside > "$c/tree/d/f"
    tar -C "$c/tree" -czf "$c/a.tar.gz" d
    context "$c" "FROM $IMAGE
ADD a.tar.gz /opt/
COPY --chown=7:8 --chmod=600 a.tar.gz /raw.tgz
RUN cat /opt/d/f && stat -c '%u:%g %a' /raw.tgz"
    run pcon build -q "$c"
    assert_status 0
    run pcon run --rm "${lines[-1]}" sh -c 'cat /opt/d/f; stat -c "%u:%g %a" /raw.tgz'
    assert_output "inside
7:8 600"
    context "$c/../fail" "FROM $IMAGE
RUN echo before
RUN exit 3"
    run --separate-stderr pcon build "$c/../fail"
    assert_status 3
    assert_one_error_line
    [[ "$stderr" == *'building at STEP "RUN exit 3" (line 3): while running runtime: exit status 3'* ]]
    run pcon ps -a -q
    assert_output ""
}

@test "build: a bad Containerfile is one line naming it; --iidfile and --timestamp" {
    local c=$BATS_TEST_TMPDIR/bad a b
    context "$c" "FROM $IMAGE
FROBNICATE now"
    run -125 --separate-stderr pcon build "$c"
    assert_one_error_line
    [[ "$stderr" == *"line 2: unknown instruction: FROBNICATE"* ]]
    context "$c" "RUN true"
    run -125 --separate-stderr pcon build "$c"
    [[ "$stderr" == *"no FROM"* ]]
    context "$c" "FROM $IMAGE
COPY x.txt /x.txt
ENV K=v"
    echo x > "$c/x.txt"
    pcon build -q --timestamp 1000000000 --iidfile "$BATS_TEST_TMPDIR/iid" --no-cache "$c" > /dev/null
    a=$(cat "$BATS_TEST_TMPDIR/iid")
    b=$(pcon build -q --timestamp 1000000000 --no-cache "$c")
    # the same context at the same time: the same image
    [ "$a" = "sha256:$b" ]
    run pcon image inspect --format '{{.Created}}' "$b"
    assert_output_contains "2001-09-09"
}

@test "build: RUN --mount of a cache kept across builds, a read-only context bind, a tmpfs and a secret, none of them in the image" {
    local c=$BATS_TEST_TMPDIR/mounts id
    context "$c" "FROM $IMAGE
RUN --mount=type=cache,target=/cache echo run >> /cache/log && wc -l < /cache/log > /count
RUN --mount=type=bind,source=data,target=/data cat /data/d.txt > /copied && ! touch /data/new 2>/dev/null
RUN --mount=type=tmpfs,target=/scratch touch /scratch/x && test \"\$(stat -f -c %T /scratch)\" = tmpfs
RUN --mount=type=secret,id=tok wc -c < /run/secrets/tok > /secret-len"
    mkdir "$c/data"
    echo bound > "$c/data/d.txt"
    echo s3cr3t > "$BATS_TEST_TMPDIR/tok"
    id=$(pcon build -q --secret "id=tok,src=$BATS_TEST_TMPDIR/tok" "$c")
    run pcon run --rm "$id" sh -c 'cat /count /copied /secret-len; ls /run/secrets /cache /scratch 2>&1 | grep -c "No such file"'
    assert_output "1
bound
7
3"
    [ ! -e "$c/data/new" ]
    # the cache is still there for the next build
    id=$(pcon build -q --no-cache --secret "id=tok,src=$BATS_TEST_TMPDIR/tok" "$c")
    run pcon run --rm "$id" cat /count
    assert_output 2
    run pcon diff "$id"
    refute_output_contains secrets
    refute_output_contains tok
}

@test "build -f - reads the Containerfile from stdin" {
    local id
    mkdir -p "$BATS_TEST_TMPDIR/stdin"
    id=$(printf 'FROM %s\nRUN echo from-stdin > /s\n' "$IMAGE" | pcon build -q -f - "$BATS_TEST_TMPDIR/stdin")
    run pcon run --rm "$id" cat /s
    assert_output from-stdin
}

@test "build: the steps' images are listed with images -a only; an untagged result is listed" {
    local c=$BATS_TEST_TMPDIR/listed before id
    context "$c" "FROM $IMAGE
RUN echo one > /one
RUN echo two > /two"
    before=$(pcon images -q | wc -l)
    id=$(pcon build -q "$c")
    run pcon images -q --no-trunc
    assert_output_contains "sha256:$id"
    [ "$(pcon images -q | wc -l)" = $((before + 1)) ]
    [ "$(pcon images -a -q | wc -l)" -ge $((before + 2)) ]
}

@test "build: heredocs: a RUN of one alone is its script, a command's go to its shell; COPY <<NAME makes the file (expanded unless quoted); changed content rebuilds" {
    local c=$BATS_TEST_TMPDIR/hd
    mkdir -p "$c"
    cat >"$c/Containerfile" <<OUTER
FROM $IMAGE
ARG WHO=world
RUN <<EOF
echo one > /one
echo "two \$WHO" > /two
EOF
RUN cat > /three <<'END'
three \$HOME
END
RUN <<-EOT
	echo tabbed > /four
	EOT
COPY <<greeting.txt <<"raw.txt" /etc/
hello \${WHO}
greeting.txt
not \${WHO}
raw.txt
OUTER
    run pcon build -q -t localhost/heredoc "$c"
    assert_status 0
    run pcon run --rm localhost/heredoc sh -c 'cat /one /two /three /four /etc/greeting.txt /etc/raw.txt; stat -c "%a %u" /etc/greeting.txt'
    assert_output "one
two world
three \$HOME
tabbed
hello world
not \${WHO}
644 0"
    # the same again: every step from the cache; a heredoc changed: its step again
    run pcon build -t localhost/heredoc "$c"
    [ "$(grep -c 'Using cache' <<<"$output")" -eq 4 ]
    sed -i 's/hello /howdy /' "$c/Containerfile"
    run pcon build -t localhost/heredoc "$c"
    [ "$(grep -c 'Using cache' <<<"$output")" -eq 3 ]
    run pcon run --rm localhost/heredoc cat /etc/greeting.txt
    assert_output "howdy world"
    # one that is never closed: one line naming it, nothing built
    printf 'FROM %s\nRUN <<EOF\necho never\n' "$IMAGE" >"$c/Containerfile"
    run -125 --separate-stderr pcon build "$c"
    assert_one_error_line
    [[ "$stderr" == *"line 2: heredoc EOF is not closed by a line EOF"* ]]
    pcon rmi localhost/heredoc >/dev/null
}

@test "container runlabel: the label's command with IMAGE and NAME replaced, run by pcon on this store (--display shows it); a missing label is podman's error" {
    local c=$BATS_TEST_TMPDIR/rl
    context "$c" "FROM $IMAGE
LABEL RUN=\"podman run --rm --name NAME -e NAME=NAME -e IMAGE=IMAGE IMAGE echo hello from \\\$NAME\""
    pcon build -q -t localhost/labelled "$c" >/dev/null
    run pcon container runlabel --display RUN localhost/labelled
    assert_output "command: pcon run --rm --name labelled -e NAME=labelled -e IMAGE=localhost/labelled:latest localhost/labelled:latest echo hello from labelled"
    run pcon container runlabel --name other RUN localhost/labelled and-more
    assert_status 0
    assert_output "hello from other and-more"
    run -125 --separate-stderr pcon container runlabel NOPE localhost/labelled
    [ "$stderr" = "Error: cannot find the value of label: NOPE in image: localhost/labelled" ]
    pcon rmi localhost/labelled >/dev/null
    assert_no_containers
}

@test "build --squash makes the new layers one (a base file deleted stays deleted); --squash-all makes one of all; the cache holds them" {
    local c=$BATS_TEST_TMPDIR/sq base id
    context "$c" "FROM $IMAGE
RUN echo one > /one && echo two > /two
RUN rm /two /bin/ls && echo three > /three && mkdir -p /d && echo x > /d/x
RUN rm -r /d && mkdir /d && echo y > /d/y"
    base=$(pcon inspect --format '{{len .RootFS.Layers}}' $IMAGE)
    run pcon build -q --squash -t localhost/squashed "$c"
    assert_status 0
    id=${lines[-1]}
    run pcon inspect --format '{{len .RootFS.Layers}}' "$id"
    assert_output "$((base + 1))"
    run pcon run --rm localhost/squashed sh -c 'cat /one /three /d/*; ls /two /bin/ls /d/x 2>&1 | grep -c "No such file"'
    assert_output "one
three
y
3"
    # the history stands for one layer: a line each step, all but the last empty
    run pcon inspect --format '{{json .History}}' "$id"
    [ "$(grep -o '"empty_layer":true' <<<"$output" | wc -l)" -eq 2 ]
    [[ "$output" == *'"created_by":"/bin/sh -c rm -r /d && mkdir /d && echo y > /d/y"}]' ]]
    # the same again: from the cache, the same image
    run pcon build -q --squash "$c"
    assert_output "$id"
    # --layers=false: buildah's, no cache and one new layer
    run pcon build -q --layers=false "$c"
    run pcon inspect --format '{{len .RootFS.Layers}}' "${lines[-1]}"
    assert_output "$((base + 1))"
    run pcon build -q --squash-all -t localhost/squashed-all "$c"
    id=${lines[-1]}
    run pcon inspect --format '{{len .RootFS.Layers}}' "$id"
    assert_output 1
    run pcon run --rm localhost/squashed-all sh -c 'cat /one /three; ls /two /bin/ls 2>&1 | grep -c "No such file"; ls / | grep -c "^\.wh\."'
    assert_output "one
three
2
0"
    pcon rmi localhost/squashed localhost/squashed-all >/dev/null
}

@test "build: RUN's container options (--add-host, --dns, --cap-drop, -v, --security-opt) and --env, --unsetenv, --omit-history, --from in the image" {
    local c=$BATS_TEST_TMPDIR/runopts id
    context "$c" "FROM nosuch.example/replaced-by-from
RUN grep -c 'myhost' /etc/hosts > /hosts-n; grep nameserver /etc/resolv.conf > /ns; grep ^CapEff /proc/self/status > /capeff; cat /vol/v.txt > /vol-seen; echo \"\$GREETING\" > /greeting"
    mkdir -p "$BATS_TEST_TMPDIR/vol"
    echo from-volume > "$BATS_TEST_TMPDIR/vol/v.txt"
    id=$(pcon build -q --from $IMAGE --add-host myhost:10.1.2.3 --dns 10.9.9.9 --cap-drop all \
        -v "$BATS_TEST_TMPDIR/vol:/vol:ro" --env GREETING=bonjour --env KEPT=1 --unsetenv PATH \
        --omit-history "$c")
    run pcon run --rm --entrypoint /bin/cat "$id" /hosts-n /ns /capeff /vol-seen /greeting
    assert_output "1
nameserver 10.9.9.9
CapEff:	0000000000000000
from-volume
bonjour"
    run pcon inspect --format '{{json .Config.Env}} {{len .History}}' "$id"
    assert_output '["GREETING=bonjour","KEPT=1"] 0'
    # the bind is no part of the image
    run pcon run --rm "$id" ls /vol
    assert_output ""
    run pcon build -q --ignorefile "$BATS_TEST_TMPDIR/none" "$c"
    assert_status 125
    assert_output_contains "--ignorefile"
    run pcon build --isolation chroot "$c"
    assert_status 125
}

@test "build: a base image's ONBUILD triggers run first in the child (and are not inherited); --build-context dirs and images; RUN binds with rw write to a copy" {
    local c=$BATS_TEST_TMPDIR/ob extra=$BATS_TEST_TMPDIR/extra id
    context "$c" "FROM $IMAGE
ONBUILD RUN echo triggered > /trig
ONBUILD COPY hello.txt /hello.txt
RUN echo base > /base"
    echo hi > "$c/hello.txt"
    pcon build -q -t localhost/onbase "$c" >/dev/null
    run pcon inspect --format '{{json .Config.OnBuild}}' localhost/onbase
    assert_output '["RUN echo triggered > /trig","COPY hello.txt /hello.txt"]'
    mkdir -p "$extra"
    echo from-extra > "$extra/e.txt"
    printf '%s\n' "FROM localhost/onbase
COPY --from=more e.txt /e.txt
COPY --from=img /base /base-from-img
RUN --mount=type=bind,source=.,target=/ctx,rw echo scribble > /ctx/new && cat /ctx/hello.txt > /bound
RUN cat /trig /hello.txt /base /e.txt /base-from-img /bound" > "$c/Child"
    run pcon build -f "$c/Child" --build-context "more=$extra" \
        --build-context img=docker-image://localhost/onbase -t localhost/onchild "$c"
    assert_status 0
    assert_output_contains "ONBUILD RUN echo triggered > /trig"
    assert_output_contains "triggered
hi
base
from-extra
base
hi"
    # the rw bind's writes went to a copy: the context has no new file
    [ ! -e "$c/new" ]
    run pcon inspect --format '{{json .Config.OnBuild}}' localhost/onchild
    refute_output_contains triggered
    run pcon build -f "$c/Child" --build-context "more=$BATS_TEST_TMPDIR/nodir" "$c"
    assert_status 125
    assert_output_contains "not a directory"
    run pcon build -f "$c/Child" --build-context "more=https://example.org/x.tar" "$c"
    assert_status 125
    assert_output_contains "only directories and docker-image://"
    pcon rmi localhost/onchild localhost/onbase >/dev/null
}

@test "build --platform is what the image says (a base of another platform refused); --skip-unused-stages=false; --logfile" {
    local c=$BATS_TEST_TMPDIR/plat id
    context "$c" "FROM scratch
COPY f /f"
    echo f > "$c/f"
    id=$(pcon build -q --platform linux/arm64 "$c")
    run pcon inspect --format '{{.Os}}/{{.Architecture}}' "$id"
    assert_output "linux/arm64"
    context "$c" "FROM $IMAGE AS unused
RUN echo built > /u
FROM $IMAGE
RUN true"
    run pcon build --platform linux/arm64 "$c"
    assert_status 125
    assert_output_contains "is for amd64, not arm64"
    run pcon build "$c"
    refute_output_contains "echo built"
    run pcon build --skip-unused-stages=false --logfile "$BATS_TEST_TMPDIR/log" "$c"
    assert_status 0
    assert_output ""
    grep -q "RUN echo built" "$BATS_TEST_TMPDIR/log"
    grep -q "^\[2/2\] STEP 2/2: RUN true" "$BATS_TEST_TMPDIR/log"
}

@test "build --jobs 2: independent stages build at once (each waits for the other to have started), the stage needing both after them" {
    local c=$BATS_TEST_TMPDIR/jobs shared=$BATS_TEST_TMPDIR/shared
    mkdir -p "$shared"
    context "$c" "FROM $IMAGE AS a
RUN touch /shared/a && timeout 20 sh -c 'until [ -e /shared/b ]; do sleep 0.1; done' && echo A > /a.txt
FROM $IMAGE AS b
RUN touch /shared/b && timeout 20 sh -c 'until [ -e /shared/a ]; do sleep 0.1; done' && echo B > /b.txt
FROM $IMAGE
COPY --from=a /a.txt /a.txt
COPY --from=b /b.txt /b.txt
RUN cat /a.txt /b.txt"
    run pcon build --jobs 2 --no-cache -v "$shared:/shared" -t localhost/jobs "$c"
    assert_status 0
    assert_output_contains "[1/3] STEP 1/2: FROM $IMAGE AS a"
    assert_output_contains "[2/3] STEP 1/2: FROM $IMAGE AS b"
    assert_output_contains "A
B"
    run pcon run --rm localhost/jobs cat /a.txt /b.txt
    assert_output "A
B"
    # a stage that fails fails the build, with its status; the other ends first
    rm -f "$shared"/*
    context "$c" "FROM $IMAGE AS a
RUN sleep 1 && touch /shared/a-done
FROM $IMAGE AS b
RUN exit 7
FROM $IMAGE
COPY --from=a /etc/hostname /x
COPY --from=b /etc/hostname /y"
    run pcon build --jobs 2 --no-cache -v "$shared:/shared" "$c"
    assert_status 7
    [ -e "$shared/a-done" ]
    run pcon build --jobs x "$c"
    assert_status 125
    pcon rmi localhost/jobs >/dev/null
}

@test "build --userns-uid-map/--userns-gid-map, --userns-uid-map-user, --userns auto: RUN in a user namespace of its own; what it chowns is the image's ids, not the shifted ones" {
    local c=$BATS_TEST_TMPDIR/um id slice own
    context "$c" "FROM $IMAGE
RUN cat /proc/self/uid_map /proc/self/gid_map > /maps; touch /f; chown 5:7 /f"
    id=$(pcon build -q --userns-uid-map 0:1:2000 --userns-gid-map 0:1:3000 "$c")
    run pcon run --rm "$id" sh -c 'cat /maps; stat -c %u:%g /f'
    assert_status 0
    [[ "${lines[0]}" =~ ^\ +0\ +1\ +2000$ ]]
    [[ "${lines[1]}" =~ ^\ +0\ +1\ +3000$ ]]
    [ "${lines[2]}" = 5:7 ]
    id=$(pcon build -q --no-cache --userns auto "$c")
    run pcon run --rm "$id" stat -c %u:%g /f
    assert_output 5:7
    slice=$(awk -F: '$1 == "pcon-slice" { print $2; exit }' /etc/subuid)
    own=$(awk -F: -v u="$(id -un)" '$1 == u { print $2; exit }' /etc/subuid)
    if [ -n "$slice" ]; then
        id=$(pcon build -q --no-cache --userns-uid-map-user pcon-slice --userns-gid-map-group pcon-slice "$c")
        run pcon run --rm "$id" sh -c 'head -1 /maps; stat -c %u:%g /f'
        [[ "${lines[0]}" =~ ^\ +0\ +$((slice - own + 1))\ +2000$ ]]
        [ "${lines[1]}" = 5:7 ]
    fi
    run -125 --separate-stderr pcon build --no-cache --userns-uid-map-user nosuch "$c"
    assert_one_error_line
}

@test "build --os-version, --os-feature (FEATURE- removes the base's): the image config's os.version and os.features" {
    local c=$BATS_TEST_TMPDIR/osv d=$BATS_TEST_TMPDIR/saved
    context "$c" "FROM $IMAGE
LABEL a=b"
    pcon build -q --os-version 10.0.17763 --os-feature win32k --os-feature f2 -t localhost/osv "$c" >/dev/null
    context "$c" "FROM localhost/osv
LABEL b=c"
    pcon build -q --os-feature f2- --os-feature f3 -t localhost/osv2 "$c" >/dev/null
    config_of() { # IMAGE: its config's os.version and os.features, from save
        rm -rf "$d" && mkdir "$d"
        pcon save -o "$d/x.tar" "$1"
        tar -C "$d" -xf "$d/x.tar"
        python3 -c 'import json, sys
m = json.load(open(sys.argv[1] + "/manifest.json"))
c = json.load(open(sys.argv[1] + "/" + m[0]["Config"]))
print(c.get("os.version"), ",".join(c.get("os.features", [])), c["os"])' "$d"
    }
    run config_of localhost/osv
    assert_output "10.0.17763 win32k,f2 linux"
    run config_of localhost/osv2
    assert_output "10.0.17763 win32k,f3 linux"
    run -125 pcon build --os-feature - "$c"
    pcon rmi localhost/osv2 localhost/osv >/dev/null
}

@test "build --cache-ttl: a cached step made longer ago than that is made again; 0 uses none" {
    local c=$BATS_TEST_TMPDIR/ttl a b
    context "$c" "FROM $IMAGE
RUN cat /proc/sys/kernel/random/uuid > /made"
    a=$(pcon build -q "$c")
    [ "$(pcon build -q --cache-ttl 1h "$c")" = "$a" ]
    sleep 1.2
    b=$(pcon build -q --cache-ttl 1s "$c")
    [ "$b" != "$a" ]
    # the step made again is the cache's now
    [ "$(pcon build -q "$c")" = "$b" ]
    [ "$(pcon build -q --cache-ttl 0 "$c")" != "$b" ]
    run -125 pcon build --cache-ttl soon "$c"
}

@test "build -f X.in: the Containerfile through cpp (includes from the context, --cpp-flag's defines), as buildah's" {
    command -v cpp >/dev/null || skip "no cpp on this host"
    local c=$BATS_TEST_TMPDIR/cpp id
    mkdir -p "$c"
    printf '#include "common.inc"\nRUN echo VALUE > /v\n' > "$c/Containerfile.in"
    printf 'FROM %s\nLABEL from=include\n' "$IMAGE" > "$c/common.inc"
    id=$(pcon build -q -f "$c/Containerfile.in" --cpp-flag -DVALUE=forty-two "$c")
    run pcon run --rm "$id" cat /v
    assert_output forty-two
    run pcon inspect --format '{{.Config.Labels.from}}' "$id"
    assert_output include
    # not named *.in: as it is (cpp's # lines are comments)
    cp "$c/Containerfile.in" "$c/Plain"
    run -125 --separate-stderr pcon build -q -f "$c/Plain" "$c"
    [[ "$stderr" == *"no FROM"* ]]
}

@test "build --retry, --retry-delay: a FROM pull that failed on the way is tried again, and gets the image once the registry is back" {
    load registry
    local c=$BATS_TEST_TMPDIR/retry port first id pid
    # the image pushed to a registry that is then stopped for good; the
    # builds ask for it on a port nothing listens on, where the registry
    # (its storage, so the image too) comes up later
    first=$(free_port)
    start_registry retry "$first"
    pcon tag $IMAGE 127.0.0.1:$first/base:1
    pcon push --tls-verify=false 127.0.0.1:$first/base:1 >/dev/null
    pcon rmi 127.0.0.1:$first/base:1 >/dev/null
    pid=$(cat "$BATS_FILE_TMPDIR/retry/pid")
    stop_registry retry
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    port=$(free_port)
    context "$c" "FROM 127.0.0.1:$port/base:1
RUN echo retried > /r"
    # down: each try warns as podman does, then the error
    run --separate-stderr pcon build -q --tls-verify=false --retry 2 --retry-delay 100ms "$c"
    assert_status 125
    [ "$(grep -c 'Failed, retrying in 100ms ... ([12]/2)' <<<"$stderr")" = 2 ]
    run --separate-stderr pcon build -q --tls-verify=false --retry 0 "$c"
    assert_status 125
    [[ "$stderr" != *retrying* ]]
    # back while the build waits: the next try pulls it
    (sleep 1; start_registry retry "$port") 3>&- &
    local starter=$!
    id=$(pcon build -q --tls-verify=false --retry 10 --retry-delay 500ms "$c" 2>/dev/null)
    wait "$starter"
    run pcon run --rm "$id" cat /r
    assert_output retried
    # a missing image is not tried again
    run --separate-stderr pcon build -q --tls-verify=false --retry 5 --retry-delay 2s "$(
        context "$BATS_TEST_TMPDIR/missing" "FROM 127.0.0.1:$port/nosuch:1"
        echo "$BATS_TEST_TMPDIR/missing")"
    assert_status 125
    [[ "$stderr" != *retrying* ]]
    stop_registry retry
    run -125 pcon build --retry x "$c"
    run -125 pcon build --retry-delay soon "$c"
}

@test "build --manifest LIST: the image added to the list, made when there is none; a second build adds its own" {
    local c=$BATS_TEST_TMPDIR/ml a b
    context "$c" "FROM $IMAGE
LABEL v=1"
    a=$(pcon build -q --manifest localhost/mlist "$c")
    context "$c" "FROM $IMAGE
LABEL v=2"
    b=$(pcon build -q --manifest localhost/mlist "$c")
    run pcon manifest inspect localhost/mlist
    assert_status 0
    assert_output_contains "\"digest\": \"$(pcon image inspect --format '{{.Digest}}' "$a")\""
    assert_output_contains "\"digest\": \"$(pcon image inspect --format '{{.Digest}}' "$b")\""
    [ "$(grep -c '"digest"' <<<"$output")" = 2 ]
    pcon manifest rm localhost/mlist >/dev/null
}

@test "build --output: the image's files into a directory (type=local, or a path) or a tar (type=tar; - on stdout, the steps on stderr); a bad one refused before building" {
    local c=$BATS_TEST_TMPDIR/outctx o=$BATS_TEST_TMPDIR/out
    context "$c" "FROM $IMAGE
RUN echo made > /made && rm /bin/ls"
    pcon build -q -o "$o/dir" "$c" >/dev/null
    [ "$(cat "$o/dir/made")" = made ]
    [ -x "$o/dir/bin/busybox" ]
    [ ! -e "$o/dir/bin/ls" ]
    [ "$(stat -c %u "$o/dir/made")" = "$(id -u)" ]
    pcon build -q --output "type=local,dest=$o/dir2" "$c" >/dev/null
    [ -f "$o/dir2/made" ]
    pcon build -q --output "type=tar,dest=$o/x.tar" "$c" >/dev/null
    run tar -xOf "$o/x.tar" made
    assert_output made
    run sh -c "$PCON --root $PCON_ROOT --runroot $PCON_RUNROOT build -o - '$c' 2>/dev/null | tar -xOf - made"
    assert_output made
    run -125 --separate-stderr pcon build --output type=oci,dest=x "$c"
    assert_one_error_line
    [[ "$stderr" != *STEP* ]]
}
