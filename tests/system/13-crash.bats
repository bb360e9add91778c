#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Crash safety and concurrency of the image store: pcon pull and pcon load
# killed with SIGKILL at several points (through a throttling proxy in
# front of the registry, on a slow stdin, while the layers are stored), and
# pulls, loads and rmi racing each other. After every crash the image is
# not visible, and once the next command has run the store holds no
# temporary (.tmp-*) and no layer that no image uses; a crash after the
# image was stored leaves an image that runs.

load helpers
load registry

# a busybox layer (shared with localhost/bb) and four layers of 1 MiB of
# random bytes each, which gzip cannot shrink
make_big_image() { # OCI-OUT DOCKER-OUT NAME; prints the config digest (hex)
    python3 - "$BATS_TEST_DIRNAME" "$BB_TAR" "$@" <<'PY'
import os, sys
sys.path.insert(0, sys.argv[1])
from imagegen import (config_of, descriptor, diff_ids, gzipped, manifest_of, sha, tar_of,
                      write_docker_archive, write_oci_archive)
bb, oci_out, docker_out, name = sys.argv[2:6]

layers = [open(bb, "rb").read()]
for n in range(1, 5):
    layers.append(tar_of([("big", None), ("big/r%d" % n, os.urandom(1 << 20))]))
config = config_of(diff_ids(layers), ["sh", "-c", "echo crash-ok; ls /big"])
write_docker_archive(docker_out, config, layers, name)
gz = gzipped(layers, level=1)
manifest = manifest_of(config, gz)
write_oci_archive(oci_out, {sha(b): b for b in [config, manifest] + gz},
                  [descriptor(manifest, annotations={"org.opencontainers.image.ref.name": name})])
print(sha(config))
PY
}

setup_file() {
    pcon_setup_store
    export BB_ID=$(pcon images --no-trunc --format '{{.ID}}' "$IMAGE")
    BB_ID=${BB_ID#sha256:}
    export REG_PORT=$(free_port)
    start_registry plain "$REG_PORT"
    export BIG_ID=$(make_big_image "$BATS_FILE_TMPDIR/big-oci.tar" "$BATS_FILE_TMPDIR/big-docker.tar" \
        localhost/big:1)
    skopeo copy -q --dest-tls-verify=false "oci-archive:$BATS_FILE_TMPDIR/big-oci.tar" \
        "docker://127.0.0.1:$REG_PORT/crash/big:1"
    export BIG="127.0.0.1:$REG_PORT/crash/big:1"
    # 64 KiB every 50 ms (the manifest 100 bytes at a time)
    export PROXY_LOG="$BATS_FILE_TMPDIR/proxy.log"
    "$BATS_TEST_DIRNAME/slow-proxy.py" "$REG_PORT" "$BATS_FILE_TMPDIR/proxy.port" "$PROXY_LOG" \
        65536 0.05 100 > "$BATS_FILE_TMPDIR/proxy.err" 2>&1 &
    echo $! > "$BATS_FILE_TMPDIR/proxy.pid"
    wait_for 5 test -s "$BATS_FILE_TMPDIR/proxy.port"
    export PROXY_PORT=$(cat "$BATS_FILE_TMPDIR/proxy.port")
    [ -n "$PROXY_PORT" ]
}

teardown_file() {
    [ -f "$BATS_FILE_TMPDIR/proxy.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/proxy.pid")" 2>/dev/null
    stop_registry plain
    pcon_teardown_store
}

setup() {
    reset_store
    LAYERS_BEFORE=$(list_layers)
    CONTAINERS_BEFORE=$(list_containers)
}

teardown() {
    local p
    # what a failed test left running: its own background jobs, by pid
    for p in $(jobs -p); do
        [[ " ${BG_PIDS:-} " == *" $p "* ]] && kill -9 "$p" 2>/dev/null
    done
    return 0
}

list_layers() {
    ls -A "$PCON_ROOT/layers" | sort
}

# back to localhost/bb alone: every other image, and whatever an earlier
# (failed) test left in the store, goes
reset_store() {
    local id
    for id in $(pcon images --no-trunc --format '{{.ID}}'); do
        id=${id#sha256:}
        [ "$id" = "$BB_ID" ] || pcon rmi -f "$id" >/dev/null
    done
    for id in $(store_check --garbage); do
        pcon unshare rm -rf "$id"
    done
    store_check
}

# The store's invariants, read from its files: no .tmp-* in layers/ and
# images/; every image complete and every layer it names present; every
# layer used by some image. Prints what is wrong and fails; with --garbage
# prints the paths of temporaries and unused layers instead.
store_check() {
    python3 - "$PCON_ROOT" "${1:-}" <<'PY'
import json, os, re, sys
root, mode = sys.argv[1], sys.argv[2]
hexre = re.compile(r"^[0-9a-f]{64}$")
bad, garbage, used = [], [], set()
for sub in ("layers", "images"):
    for n in sorted(os.listdir(os.path.join(root, sub))):
        if n.startswith(".tmp-"):
            bad.append("temporary left: %s/%s" % (sub, n))
            garbage.append(os.path.join(root, sub, n))
for n in sorted(os.listdir(os.path.join(root, "images"))):
    if not hexre.match(n):
        continue
    d = os.path.join(root, "images", n)
    for f in ("image.json", "config.json", "manifest.json"):
        if not os.path.isfile(os.path.join(d, f)):
            bad.append("image %s: no %s" % (n[:12], f))
    try:
        img = json.load(open(os.path.join(d, "image.json")))
    except (OSError, ValueError) as e:
        bad.append("image %s: image.json: %s" % (n[:12], e))
        continue
    for l in img.get("layers") or []:
        used.add(l)
        ld = os.path.join(root, "layers", l)
        if not (os.path.isfile(os.path.join(ld, "layer.json")) and os.path.isdir(os.path.join(ld, "diff"))):
            bad.append("image %s: layer %s missing or incomplete" % (n[:12], l[:12]))
for n in sorted(os.listdir(os.path.join(root, "layers"))):
    if hexre.match(n) and n not in used:
        bad.append("layer %s is used by no image" % n[:12])
        garbage.append(os.path.join(root, "layers", n))
if mode == "--garbage":
    print("\n".join(garbage))
    sys.exit(0)
if bad:
    print("store inconsistent:\n  " + "\n  ".join(bad), file=sys.stderr)
    sys.exit(1)
PY
}

# After a pcon killed before it stored NAME: the image is not visible, and
# after those commands the store is as before the killed command.
assert_nothing_left() { # NAME WHAT
    run pcon image exists "$1"
    if [ "$status" -ne 1 ]; then
        echo "$2: pcon image exists $1: status $status (want 1)" >&2
        return 1
    fi
    run pcon images -q
    assert_status 0
    assert_output "${BB_ID:0:12}"
    if ! store_check; then
        echo "(after: $2; then pcon image exists and pcon images)" >&2
        return 1
    fi
    if [ "$(list_layers)" != "$LAYERS_BEFORE" ]; then
        printf '%s: layers before:\n%s\nafter:\n%s\n' "$2" "$LAYERS_BEFORE" "$(list_layers)" >&2
        return 1
    fi
}

# exactly these images ("ID NAME" lines, in any order)
assert_images() {
    local want got
    want=$(printf '%s\n' "$@" | sort)
    got=$(pcon images --no-trunc --format '{{.ID}} {{.Repository}}:{{.Tag}}' | sort)
    if [ "$got" != "$want" ]; then
        printf 'expected images:\n%s\ngot:\n%s\n' "$want" "$got" >&2
        return 1
    fi
}

# the image is stored whole and runs
assert_big_runs() { # NAME
    run pcon run --rm "$1"
    assert_status 0
    assert_output "crash-ok
r1
r2
r3
r4"
    store_check
}

# pcon in the background on this file's store, stdin from $BG_IN (else
# /dev/null, as for any background command); output in $BATS_TEST_TMPDIR/bg.out
pcon_bg() {
    "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" "$@" < "${BG_IN:-/dev/null}" \
        > "$BATS_TEST_TMPDIR/bg.out" 2>&1 &
    BG=$!
    BG_PIDS="${BG_PIDS:-} $BG"
}

# $BG runs (a zombie does not)
bg_alive() {
    local st
    st=$(ps -o stat= -p "$BG") && [[ "$st" != Z* ]]
}

# waits until the proxy's log has N lines matching PATTERN, while $BG lives
wait_proxy_log() { # PATTERN N
    local i
    for i in $(seq 1000); do
        [ "$(grep -cE "$1" "$PROXY_LOG")" -ge "$2" ] && return 0
        if ! bg_alive; then
            echo "pcon ended before the proxy saw $2 x '$1':" >&2
            cat "$BATS_TEST_TMPDIR/bg.out" "$PROXY_LOG" >&2
            return 1
        fi
        sleep 0.01
    done
    echo "timed out waiting for $2 x '$1' in the proxy log" >&2
    cat "$PROXY_LOG" >&2
    return 1
}

# SIGKILL to $BG, which must still have been running
kill_bg() {
    local rc=0
    kill -9 "$BG"
    wait "$BG" 2>/dev/null || rc=$?
    if [ "$rc" -ne 137 ]; then
        echo "pcon was not killed (exit $rc):" >&2
        cat "$BATS_TEST_TMPDIR/bg.out" >&2
        return 1
    fi
}

# Runs pcon and kills it with SIGKILL as soon as EVENT shows in layers/:
# new-layer (a layer directory under its final name that was not there) or
# layer-tmp (a layer being extracted). Prints what it saw; fails when pcon
# ended before.
kill_at() { # EVENT STDIN PCON-ARGS...
    local event=$1 input=$2
    shift 2
    timeout 60 python3 - "$event" "$PCON_ROOT/layers" "$input" "$PCON" --root "$PCON_ROOT" \
        --runroot "$PCON_RUNROOT" "$@" <<'PY'
import os, re, signal, subprocess, sys, time
event, layers, stdin = sys.argv[1:4]
cmd = sys.argv[4:]
pat = re.compile(r"^[0-9a-f]{64}$" if event == "new-layer" else r"^\.tmp-[0-9]+-[0-9]+$")
# a pull extracts each layer into a directory of its own download directory
staged = re.compile(r"^\.tmp-pull-[0-9]+-[0-9]+/layer-[0-9]+$")
def entries():
    for n in os.listdir(layers):
        yield n
        if event == "layer-tmp" and n.startswith(".tmp-pull-"):
            try:
                yield from (n + "/" + m for m in os.listdir(os.path.join(layers, n)))
            except OSError:
                pass
before = set(entries())
p = subprocess.Popen(cmd, stdin=open(stdin, "rb") if stdin != "-" else subprocess.DEVNULL,
                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
deadline, hit = time.monotonic() + 30, None
while hit is None and time.monotonic() < deadline and p.poll() is None:
    hit = next((n for n in entries() if n not in before and (pat.match(n) or staged.match(n))),
               None)
if hit:
    p.send_signal(signal.SIGKILL)
else:
    p.kill()
out = p.communicate()[0].decode(errors="replace")
if hit and p.returncode == -signal.SIGKILL:
    print("killed at %s %s" % (event, hit[:24]))
    sys.exit(0)
print("%s not seen before pcon ended (exit %s): %s" % (event, p.returncode, out), file=sys.stderr)
sys.exit(1)
PY
}

@test "pull killed by SIGKILL during the manifest, a first blob, a later blob, or waiting for the store lock: no image, nothing left; then the pull works" {
    local name="127.0.0.1:$PROXY_PORT/crash/big:1" point lockpid
    # blob 1 is the config, 2 the busybox layer, 3..6 the random ones
    for point in "manifests/ 1" "blobs/ 2" "blobs/ 4"; do
        : > "$PROXY_LOG"
        pcon_bg pull --tls-verify=false "$name"
        wait_proxy_log "^start GET .*/${point% *}" "${point#* }"
        sleep 0.15 # in the middle of that body
        kill_bg
        assert_nothing_left "$name" "pull killed during ${point% *} #${point#* }"
    done

    # every blob downloaded, waiting for the store's lock (held here, shared)
    python3 -c 'import fcntl, sys, time
f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_SH); print("locked", flush=True); time.sleep(60)' \
        "$PCON_ROOT/storage.lock" > "$BATS_TEST_TMPDIR/lock.out" &
    lockpid=$!
    BG_PIDS="${BG_PIDS:-} $lockpid"
    wait_for 10 test -s "$BATS_TEST_TMPDIR/lock.out"
    pcon_bg pull --tls-verify=false "$BIG"
    for _ in $(seq 1000); do
        grep -qE -- "-> FLOCK +ADVISORY +WRITE +$BG " /proc/locks && break
        bg_alive || break
        sleep 0.01
    done
    grep -qE -- "-> FLOCK +ADVISORY +WRITE +$BG " /proc/locks
    kill_bg
    kill "$lockpid"
    wait "$lockpid" 2>/dev/null || true
    assert_nothing_left "$BIG" "pull killed waiting for the store lock"

    run pcon pull --tls-verify=false "$BIG"
    assert_status 0
    assert_output "$BIG_ID"
    assert_big_runs "$BIG"
}

@test "pull killed by SIGKILL while it extracts a layer: no image, no temporary, no layer of no image" {
    run kill_at layer-tmp - pull --tls-verify=false "$BIG"
    assert_status 0
    assert_nothing_left "$BIG" "pull ${output}"
    run pcon pull --tls-verify=false "$BIG"
    assert_status 0
    assert_big_runs "$BIG"
}

@test "pull killed by SIGKILL once it stored a layer, before the image: no image, no temporary, no layer of no image" {
    run kill_at new-layer - pull --tls-verify=false "$BIG"
    assert_status 0
    assert_nothing_left "$BIG" "pull ${output}"
    run pcon pull --tls-verify=false "$BIG"
    assert_status 0
    assert_big_runs "$BIG"
}

@test "pull killed by SIGKILL at increasing delays: the image runs, or nothing is left" {
    local start end ms d killed=0 stored=0
    start=$(date +%s%N)
    pcon pull --tls-verify=false "$BIG" > /dev/null
    end=$(date +%s%N)
    ms=$(( (end - start) / 1000000 ))
    pcon rmi -f "$BIG" > /dev/null
    [ "$(list_layers)" = "$LAYERS_BEFORE" ]
    # from the manifest to past the end, in 16 steps
    for d in $(seq 0 15); do
        pcon_bg pull --tls-verify=false "$BIG"
        sleep "$(awk -v ms="$ms" -v d="$d" 'BEGIN { printf "%.3f", ms * d / 10 / 1000 }')"
        kill -9 "$BG" 2>/dev/null || true
        wait "$BG" 2>/dev/null || true
        run pcon image exists "$BIG"
        if [ "$status" -eq 0 ]; then
            stored=$((stored + 1))
            assert_big_runs "$BIG"
            pcon rmi -f "$BIG" > /dev/null
        else
            killed=$((killed + 1))
            assert_nothing_left "$BIG" "pull killed after $((ms * d / 10)) ms (full pull: $ms ms)"
        fi
    done
    echo "# $killed killed before the image was stored, $stored after" >&3
    [ "$killed" -gt 0 ]
}

@test "load killed by SIGKILL while it reads a slow stdin: no image, nothing left; then the load works" {
    local fifo="$BATS_TEST_TMPDIR/fifo" writer size got=0
    size=$(stat -c %s "$BATS_FILE_TMPDIR/big-docker.tar")
    mkfifo "$fifo"
    # 64 KiB every 20 ms; progress in bytes to writer.out
    python3 -c 'import os, sys, time
data = open(sys.argv[1], "rb").read()
out = open(sys.argv[2], "wb")
for i in range(0, len(data), 65536):
    out.write(data[i:i + 65536]); out.flush()
    with open(sys.argv[3] + ".tmp", "w") as f:
        f.write(str(i + 65536))
    os.rename(sys.argv[3] + ".tmp", sys.argv[3])
    time.sleep(0.02)' "$BATS_FILE_TMPDIR/big-docker.tar" "$fifo" "$BATS_TEST_TMPDIR/writer.out" \
        2>/dev/null &
    writer=$!
    BG_PIDS="${BG_PIDS:-} $writer"
    BG_IN=$fifo pcon_bg load
    # a third of the archive read
    for _ in $(seq 1000); do
        got=$(cat "$BATS_TEST_TMPDIR/writer.out" 2>/dev/null) || true
        [ "${got:-0}" -ge $((size / 3)) ] && break
        sleep 0.01
    done
    [ "${got:-0}" -lt "$size" ]
    [ -n "$(ls -A "$PCON_ROOT/images" | grep '^\.tmp-load-')" ]
    kill_bg
    wait "$writer" 2>/dev/null || true # ends on the broken pipe
    assert_nothing_left localhost/big:1 "load killed reading its stdin"

    run pcon load -i "$BATS_FILE_TMPDIR/big-docker.tar"
    assert_status 0
    assert_output "Loaded image: localhost/big:1"
    assert_big_runs localhost/big:1
}

@test "load killed by SIGKILL while it extracts a layer: no image, nothing left" {
    run kill_at layer-tmp "$BATS_FILE_TMPDIR/big-docker.tar" load
    assert_status 0
    assert_nothing_left localhost/big:1 "load ${output}"
    run pcon load -i "$BATS_FILE_TMPDIR/big-docker.tar"
    assert_status 0
    assert_big_runs localhost/big:1
}

@test "load killed by SIGKILL once it stored a layer, before the image: no image, nothing left" {
    run kill_at new-layer "$BATS_FILE_TMPDIR/big-docker.tar" load
    assert_status 0
    assert_nothing_left localhost/big:1 "load ${output}"
    run pcon load -i "$BATS_FILE_TMPDIR/big-docker.tar"
    assert_status 0
    assert_big_runs localhost/big:1
}

@test "two pulls of the same image at the same time both succeed: one image, each layer once" {
    local a b
    timeout 60 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" pull --tls-verify=false "$BIG" \
        > "$BATS_TEST_TMPDIR/a.out" 2>&1 &
    a=$!
    timeout 60 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" pull --tls-verify=false "$BIG" \
        > "$BATS_TEST_TMPDIR/b.out" 2>&1 &
    b=$!
    wait "$a" || { cat "$BATS_TEST_TMPDIR/a.out" >&2; false; }
    wait "$b" || { cat "$BATS_TEST_TMPDIR/b.out" >&2; false; }
    [ "$(cat "$BATS_TEST_TMPDIR/a.out")" = "$BIG_ID" ]
    [ "$(cat "$BATS_TEST_TMPDIR/b.out")" = "$BIG_ID" ]
    assert_images "sha256:$BIG_ID $BIG" "sha256:$BB_ID $IMAGE:latest"
    # the busybox layer is localhost/bb's: four new ones
    [ "$(comm -13 <(echo "$LAYERS_BEFORE") <(list_layers) | grep -cE '^[0-9a-f]{64}$')" -eq 4 ]
    [ "$(ls "$PCON_ROOT/layers" | grep -cE '^[0-9a-f]{64}$')" -eq 5 ]
    assert_big_runs "$BIG"
}

@test "a pull racing rmi -f of the same image: clean exits, the image runs or is gone, nothing left" {
    local i rc removed=0 missing=0 failed=0 present=0
    for i in $(seq 0 7); do
        # every other round the image is there before the pull
        if [ $((i % 2)) -eq 1 ]; then
            pcon pull --tls-verify=false "$BIG" > /dev/null
        fi
        timeout 60 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" pull --tls-verify=false "$BIG" \
            > "$BATS_TEST_TMPDIR/pull.out" 2> "$BATS_TEST_TMPDIR/pull.err" &
        BG=$!
        BG_PIDS="${BG_PIDS:-} $BG"
        sleep "0.0$i"
        run --separate-stderr pcon rmi -f "$BIG"
        if [ "$status" -eq 0 ]; then
            removed=$((removed + 1))
            assert_output_contains "Deleted: $BIG_ID"
        else
            # not there (yet): exit 1, one error line
            missing=$((missing + 1))
            assert_status 1
            assert_one_error_line
            [[ "$stderr" == *"image not known"* ]]
        fi
        rc=0
        wait "$BG" || rc=$?
        if [ "$rc" -eq 0 ]; then
            [ "$(cat "$BATS_TEST_TMPDIR/pull.out")" = "$BIG_ID" ]
        else
            # a clean error: exit 125, one error line
            failed=$((failed + 1))
            run cat "$BATS_TEST_TMPDIR/pull.err"
            stderr=$output
            if [ "$rc" -ne 125 ] || ! assert_one_error_line; then
                echo "pull exited $rc, stderr:" >&2
                cat "$BATS_TEST_TMPDIR/pull.err" >&2
                false
            fi
        fi
        run pcon images
        assert_status 0
        store_check
        run pcon image exists "$BIG"
        if [ "$status" -eq 0 ]; then
            present=$((present + 1))
            assert_big_runs "$BIG"
            pcon rmi -f "$BIG" > /dev/null
        else
            assert_status 1
        fi
        [ "$(list_layers)" = "$LAYERS_BEFORE" ]
    done
    echo "# rmi: $removed removed, $missing not there; pulls failed: $failed; image there after: $present" >&3
}

@test "two loads of the same archive in parallel (-i and stdin) both succeed: one image, each layer once" {
    local a b
    timeout 60 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" load -i "$BATS_FILE_TMPDIR/big-docker.tar" \
        > "$BATS_TEST_TMPDIR/a.out" 2>&1 &
    a=$!
    timeout 60 "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" load < "$BATS_FILE_TMPDIR/big-docker.tar" \
        > "$BATS_TEST_TMPDIR/b.out" 2>&1 &
    b=$!
    wait "$a" || { cat "$BATS_TEST_TMPDIR/a.out" >&2; false; }
    wait "$b" || { cat "$BATS_TEST_TMPDIR/b.out" >&2; false; }
    [ "$(cat "$BATS_TEST_TMPDIR/a.out")" = "Loaded image: localhost/big:1" ]
    [ "$(cat "$BATS_TEST_TMPDIR/b.out")" = "Loaded image: localhost/big:1" ]
    assert_images "sha256:$BIG_ID localhost/big:1" "sha256:$BB_ID $IMAGE:latest"
    [ "$(ls "$PCON_ROOT/layers" | grep -cE '^[0-9a-f]{64}$')" -eq 5 ]
    assert_big_runs localhost/big:1
}

@test "a removal's background deleter killed midway: the next removal sweeps its directory, never one a live deleter holds" {
    local left="$PCON_ROOT/containers/.tmp-rm-0000000000000000000000000000000000000000000000000000000000000001"
    local held="$PCON_ROOT/containers/.tmp-rm-0000000000000000000000000000000000000000000000000000000000000002"
    mkdir -p "$left/upper/a/b" "$held/upper"
    touch "$left/upper/a/b/f" "$held/upper/f"
    # a live deleter's lock on the second
    python3 -c 'import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
fcntl.flock(fd, fcntl.LOCK_EX)
time.sleep(30)' "$held" &
    local holder=$!
    sleep 0.3
    pcon run --rm $IMAGE true
    for _ in $(seq 50); do [ ! -e "$left" ] && break; sleep 0.1; done
    [ ! -e "$left" ]
    [ -e "$held/upper/f" ]
    kill "$holder"
    wait "$holder" || true
    pcon run --rm $IMAGE true
    for _ in $(seq 50); do [ ! -e "$held" ] && break; sleep 0.1; done
    [ ! -e "$held" ]
}
