#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Image transfer costs, pcon against podman 4.3 (overlay) in one run:
#   1. `load -i ARCHIVE` of a docker-archive of about 200 MB in 5 layers;
#   2. `pull --tls-verify=false` of the same image from a local registry
#      (Debian's docker-registry on 127.0.0.1, layers gzipped by skopeo).
# Each timed command starts from a store without the image or its layers;
# the engines are interleaved. Prints the median wall time, the ratio
# podman/pcon and the peak memory (max RSS) next to the goals; never fails
# on a time or a size.
#
#   bash bench/images.sh             as root (re-runs itself as $BENCH_USER)
#                                    or as a user with /etc/subuid ranges
# Environment: PCON (default <repo>/pcon), BENCH_RUNS (5; RUNS is read too),
#              BENCH_WARMUP (1), BENCH_IMAGE_MB (200), BENCH_SETTLE (0 s to
#              wait after each rmi), BENCH_USER (pcontest; only used as root).
# Set-up and clean-up shared with startup.sh and lifecycle.sh live in lib.sh.
set -euo pipefail

prog=images.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$here/lib.sh"
runs=${BENCH_RUNS:-${RUNS:-5}}
warmup=${BENCH_WARMUP:-1}
size_mb=${BENCH_IMAGE_MB:-200}
settle=${BENCH_SETTLE:-0}

[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "BENCH_RUNS must be a positive integer, not '$runs'"
[[ "$warmup" =~ ^[0-9]+$ ]] || die "BENCH_WARMUP must be a non-negative integer, not '$warmup'"
if ! [[ "$size_mb" =~ ^[1-9][0-9]*$ ]] || [ "$size_mb" -lt 20 ]; then
    die "BENCH_IMAGE_MB must be an integer of at least 20, not '$size_mb'"
fi
[[ "$settle" =~ ^[0-9]+$ ]] || die "BENCH_SETTLE must be a non-negative integer, not '$settle'"
bench_check_pcon
BENCH_RUNS=$runs BENCH_WARMUP=$warmup BENCH_IMAGE_MB=$size_mb BENCH_SETTLE=$settle

# as root: the whole benchmark runs as the unprivileged user (see lib.sh)
bench_reexec_as_user BENCH_RUNS BENCH_WARMUP BENCH_IMAGE_MB BENCH_SETTLE

t_begin=$(date +%s.%N)
bench_user_checks skopeo docker-registry curl

# The registry is ours alone: stopped by its pid (checked with its start time)
# before lib.sh's clean-up runs.
reg_pid=
images_cleanup() {
    local rc=$? p s
    set +e
    if [ -n "$reg_pid" ]; then
        read -r p s <<<"$reg_pid"
        stop_pid "$p" "$s"
        wait "$p" 2>/dev/null
    fi
    (exit "$rc") # bench_cleanup takes the exit code from $?
    bench_cleanup
}
trap images_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_workdirs images
bench_image # $rootfs (and $work/rootfs.tar, imported by the set-up)
bench_isolate
# no registries.conf of the user's or the host's: the references are fully
# qualified and --tls-verify=false says the registry is plain HTTP
printf 'unqualified-search-registries = []\n' >"$work/registries.conf"
export CONTAINERS_REGISTRIES_CONF=$work/registries.conf
bench_podman_setup
bench_pcon_setup

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- the image: busybox base + 4 layers of mixed content, as a docker-archive --------
# argv: OUT BASE-TAR TOTAL-MB NAME EXPECT-FILE. The layers are tar files made
# with python's tarfile (owner 0:0, fixed mtime, fixed seed: the same image
# every run), then put in a docker-archive (manifest.json, <config>.json,
# <diffid>/layer.tar). EXPECT-FILE gets what check_image (below) must see
# in a container of the image.
cat >"$work/mkimage.py" <<'EOF'
import hashlib, io, json, os, platform, random, sys, tarfile

out, base, total_mb, name, expect_file = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
MiB = 1 << 20
MTIME = 1700000000
rng = random.Random(20240601)
tmpdir = os.path.dirname(out)
budget = total_mb * MiB - os.path.getsize(base)  # tar bytes for the 4 new layers

class Layer:
    def __init__(self, path):
        self.path, self.f = path, open(path, "wb")
        self.t = tarfile.open(fileobj=self.f, mode="w", format=tarfile.GNU_FORMAT)
        self.dirs, self.files = set(), 0

    def info(self, p, kind, mode):
        i = tarfile.TarInfo(p)
        i.type, i.mode, i.mtime, i.uid, i.gid, i.uname, i.gname = kind, mode, MTIME, 0, 0, "root", "root"
        return i

    def dir(self, p):
        parts = [x for x in p.split("/") if x]
        for k in range(1, len(parts) + 1):
            d = "/".join(parts[:k])
            if d not in self.dirs:
                self.dirs.add(d)
                self.t.addfile(self.info(d, tarfile.DIRTYPE, 0o755))

    def file(self, p, data, mode=0o644):
        self.dir(os.path.dirname(p))
        i = self.info(p, tarfile.REGTYPE, mode)
        i.size = len(data)
        self.t.addfile(i, io.BytesIO(data))
        self.files += 1

    def link(self, p, target, kind):  # kind: SYMTYPE or LNKTYPE
        self.dir(os.path.dirname(p))
        i = self.info(p, kind, 0o777 if kind == tarfile.SYMTYPE else 0o644)
        i.linkname = target
        self.t.addfile(i)
        self.files += 1

    def size(self):
        return self.f.tell()

    def close(self):
        self.t.close()
        self.f.close()

words = ("the a of to in request response worker queue cache miss hit user session token "
         "error warning info debug retry timeout connect close open read write flush sync "
         "layer image blob manifest config digest registry pull push load store commit "
         "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda omicron sigma").split()
levels = ["INFO"] * 6 + ["DEBUG"] * 3 + ["WARN", "ERROR"]

def text(n):  # about n bytes of log-like text: compresses well, but not trivially
    out, size, t = [], 0, 1700000000000
    while size < n:
        t += rng.randint(1, 5000)
        line = "%d.%03d %s svc-%d[%d]: %s id=%08x took=%dms\n" % (
            t // 1000, t % 1000, rng.choice(levels), rng.randint(1, 12), rng.randint(100, 32000),
            " ".join(rng.choices(words, k=rng.randint(4, 14))), rng.getrandbits(32), rng.randint(1, 999))
        out.append(line)
        size += len(line)
    return "".join(out).encode()[:n]

nibbles = bytes((b % 16) + 0x30 for b in range(256))
def semi(n):  # 4 bits of entropy per byte: gzip gets about 1.8x
    return rng.randbytes(n).translate(nibbles)

sha = lambda b: hashlib.sha256(b).hexdigest()
digests = {}  # path in the image -> sha256, for the check
layers = []
# 1. random, incompressible: 40% in files of 10 MiB (or less)
L = Layer(os.path.join(tmpdir, "layer-random.tar"))
target = budget * 40 // 100
n = max(2, -(-target // (10 * MiB)))
for k in range(n):
    data = rng.randbytes(target // n - 1024)
    L.file("opt/bench/random/blob-%d.bin" % k, data)
    if k == 1:
        digests["/opt/bench/random/blob-1.bin"] = sha(data)
L.close(); layers.append(("random", L))
# 2. text, compressible: 25% in files of 5 MiB (or less)
L = Layer(os.path.join(tmpdir, "layer-text.tar"))
target = budget * 25 // 100
n = max(1, -(-target // (5 * MiB)))
for k in range(n):
    data = text(target // n - 1024)
    L.file("usr/share/bench/text/log-%d.txt" % k, data)
    if k == 0:
        digests["/usr/share/bench/text/log-0.txt"] = sha(data)
L.close(); layers.append(("text", L))
# 3. many small files (100 B to 3 KiB; text, random or both), 100 per directory
L = Layer(os.path.join(tmpdir, "layer-small.tar"))
target, k = budget * 20 // 100, 0
pool = text(4 * MiB)
while L.size() < target:
    n = rng.randint(100, 3072)
    kind = k % 3
    if kind == 0:
        o = rng.randrange(len(pool) - n)
        data = pool[o:o + n]
    elif kind == 1:
        data = rng.randbytes(n)
    else:
        data = semi(n)
    L.file("srv/small/d%03d/f%04d" % (k // 100, k % 100), data)
    if k == 1:
        digests["/srv/small/d000/f0001"] = sha(data)
    if k % 500 == 499:
        L.link("srv/small/d%03d/latest" % (k // 100), "f%04d" % (k % 100), tarfile.SYMTYPE)
    k += 1
small_count = k
L.close(); layers.append(("small", L))
# 4. an application layer: semi-compressible files of 64 KiB to 2 MiB, a script,
#    a symbolic and a hard link, a rewritten /etc/motd and a whiteout (blob-0.bin)
L = Layer(os.path.join(tmpdir, "layer-app.tar"))
target, k = budget * 15 // 100, 0
L.file("opt/bench/random/.wh.blob-0.bin", b"")
L.link("opt/bench/current", "random", tarfile.SYMTYPE)
L.file("etc/motd", b"pcon image benchmark\n")
L.file("opt/bench/app/bin/run.sh", b"#!/bin/sh\necho running\n", 0o755)
L.link("opt/bench/app/bin/run-again.sh", "opt/bench/app/bin/run.sh", tarfile.LNKTYPE)
while L.size() < target - 4096:
    data = semi(min(rng.randint(64 * 1024, 2 * MiB), max(1024, target - L.size() - 1024)))
    L.file("opt/bench/app/lib/part-%03d.so" % k, data)
    if k == 0:
        digests["/opt/bench/app/lib/part-000.so"] = sha(data)
    k += 1
L.close(); layers.append(("app", L))

def file_sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

with tarfile.open(base) as t:
    base_files = sum(1 for m in t if not m.isdir())
parts = [("base", base, base_files)] + [(what, L.path, L.files) for what, L in layers]
diffs = [file_sha(p) for _, p, _ in parts]
arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())
config = json.dumps({
    "created": "2024-06-01T00:00:00Z", "architecture": arch, "os": "linux",
    "config": {"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["sh"]},
    "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diffs]},
    "history": [{"created": "2024-06-01T00:00:00Z", "created_by": "bench/images.sh: " + what} for what, _, _ in parts],
}).encode()

def add(t, arcname, path=None, data=None):
    i = tarfile.TarInfo(arcname)
    i.size = os.path.getsize(path) if path else len(data)
    i.mtime, i.mode = MTIME, 0o644
    i.uid, i.gid = os.getuid(), os.getgid()  # like make-archive.py: owned by whoever unpacks it
    if path:
        with open(path, "rb") as f:
            t.addfile(i, f)
    else:
        t.addfile(i, io.BytesIO(data))

with tarfile.open(out, "w", format=tarfile.GNU_FORMAT) as t:
    for (_, p, _), d in zip(parts, diffs):
        add(t, d + "/layer.tar", path=p)
    add(t, sha(config) + ".json", data=config)
    add(t, "manifest.json", data=json.dumps([{"Config": sha(config) + ".json", "RepoTags": [name],
                                              "Layers": [d + "/layer.tar" for d in diffs]}]).encode())
sizes = [os.path.getsize(p) for _, p, _ in parts]
for _, p, _ in parts[1:]:
    os.unlink(p)

# what the check in images.sh prints in a container of the image
with open(expect_file, "w") as f:
    f.write("%d\nwhiteout ok\nrandom\npcon image benchmark\n2\n" % small_count)
    for p in sorted(digests):
        f.write("%s  %s\n" % (digests[p], p))
print("id", sha(config))
print("layers", " ".join("%s=%d" % (what, s) for (what, _, _), s in zip(parts, sizes)))
print("files", sum(n for _, _, n in parts))
print("archive", os.path.getsize(out))
EOF
echo "building the image (about $size_mb MB)" >&2
t0=$(now)
# the base layer: lib.sh's busybox tree, with fixed mtimes and order, so that
# the image (and its id) is the same from run to run on one host
tar --sort=name --mtime=@1700000000 --numeric-owner --owner=0 --group=0 \
    -C "$rootfs" -cf "$work/base.tar" . || die "tar of the base layer failed"
archive=$work/big.tar
load_ref=localhost/bench/big:1
imginfo=$(python3 "$work/mkimage.py" "$archive" "$work/base.tar" "$size_mb" "$load_ref" "$work/expect") ||
    die "building the image failed"
img_id=$(awk '$1 == "id" { print $2 }' <<<"$imginfo")
img_layers=$(awk '$1 == "layers" { $1 = ""; print substr($0, 2) }' <<<"$imginfo")
img_files=$(awk '$1 == "files" { print $2 }' <<<"$imginfo")
img_bytes=$(awk '$1 == "archive" { print $2 }' <<<"$imginfo")
echo "  took $(since "$t0") s" >&2

# --- empty stores: no image, no layer --------------------------------------------------
# The set-up imported and ran $img (lib.sh); remove it so that the stores hold
# nothing but what a timed command brings, and check that before every run.
layer_dirs() { # ENGINE [list] -> number (or names) of the layers in the engine's store
    local -a f
    if [ "$1" = pcon ]; then
        f=(find "$pcon_root/layers" -mindepth 1 -maxdepth 1)
    else
        # overlay/<id>/ per layer; overlay/l/ holds the short links, and files are markers
        f=(find "$p_graph/overlay" -mindepth 1 -maxdepth 1 -type d ! -name l)
    fi
    if [ "${2:-}" = list ]; then "${f[@]}" -printf '%P\n' 2>/dev/null; else "${f[@]}" 2>/dev/null | wc -l; fi
}
eng_cmd() { # ENGINE -> sets the array e to the engine's command
    if [ "$1" = pcon ]; then e=("${pcon[@]}"); else e=(podman); fi
}
empty_store() { # ENGINE REF...: rmi -f the images, then check that nothing is left
    local eng=$1 n l
    shift
    local -a e
    eng_cmd "$eng"
    echo "+ $eng rmi -f -i $*" >>"$log"
    "${e[@]}" rmi -f -i "$@" >>"$log" 2>&1 || die "$eng rmi -f -i $* failed"
    n=$("${e[@]}" images -a -q 2>>"$log" | wc -l) || die "$eng images -a -q failed"
    l=$(layer_dirs "$eng")
    if [ "$n" != 0 ] || [ "$l" != 0 ]; then
        die "$eng still has $n images and $l layers after rmi -f (images -a -q: $("${e[@]}" images -a -q 2>&1 | tr '\n' ' '); layers: $(layer_dirs "$eng" list | tr '\n' ' '))"
    fi
}
# lib.sh keeps podman's graph root to itself; it checked that it is in $work
p_graph=$(podman info --format '{{.Store.GraphRoot}}' 2>>"$log") || die "podman info failed"
empty_store pcon "$img"
empty_store podman "$img"

# --- the registry: Debian's docker-registry, plain HTTP on 127.0.0.1 --------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/registry/data"
cat >"$work/registry/cfg.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/registry/data
http:
  addr: 127.0.0.1:$port
EOF
docker-registry serve "$work/registry/cfg.yml" >"$work/registry/log" 2>&1 &
reg_pid=$(pid_with_start $!) || die "docker-registry exited at once: $(cat "$work/registry/log")"
for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/v2/" && break
    sleep 0.1
done
curl -s -o /dev/null "http://127.0.0.1:$port/v2/" ||
    die "docker-registry does not answer on 127.0.0.1:$port: $(cat "$work/registry/log")"
pull_ref=127.0.0.1:$port/bench/big:1

echo "pushing the image to the registry with skopeo (gzip)" >&2
t0=$(now)
echo "+ skopeo copy docker-archive:$archive docker://$pull_ref" >>"$log"
skopeo copy --quiet --dest-tls-verify=false "docker-archive:$archive" "docker://$pull_ref" >>"$log" 2>&1 ||
    die "skopeo copy to the registry failed"
echo "  took $(since "$t0") s" >&2
# the manifest as the engines will get it: layer sizes and types
reg_info=$(curl -s -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://127.0.0.1:$port/v2/bench/big/manifests/1" | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(sum(l["size"] for l in m["layers"]), len(m["layers"]), m["config"]["digest"].split(":")[1],
      ",".join(sorted({l["mediaType"].rsplit(".", 1)[-1].rsplit("+", 1)[-1] for l in m["layers"]})))') ||
    die "cannot read the manifest back from the registry"
read -r reg_bytes reg_nlayers reg_config reg_types <<<"$reg_info"
[ "$reg_config" = "$img_id" ] || warn "the registry's config digest $reg_config is not the archive's $img_id"

# --- the timer: fork/exec one command, wait, report wall time and the children's rusage ---
# argv: LOG TIME-OUT CMD...; prints "WALL-MS MAXRSS-KIB USER-MS SYS-MS
# EXIT-CODE TIME-MAXRSS-KIB" (user and sys: the children's CPU times).
# ru_maxrss of RUSAGE_CHILDREN is the largest RSS of any descendant that was
# waited for (podman's child that makes its user namespace, when there is no
# pause process, included; with one, podman joins it in-process). The child
# is forked from this python, whose RSS it keeps until exec: that is a floor
# (about 6 MiB), measured below with /bin/true; -I -S keep the interpreter
# small. When TIME-OUT is not "-", CMD runs under GNU time (`time -f %M -o
# TIME-OUT CMD...`), forked from a small C program (a floor of about 1 MiB):
# its figure is the last field ("-" without /usr/bin/time).
cat >"$work/rusage.py" <<'EOF'
import os, resource, sys, time

log, tout, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
if tout != "-":
    argv = ["/usr/bin/time", "-f", "%M", "-o", tout] + argv
fd = os.open(log, os.O_WRONLY | os.O_APPEND)
os.write(fd, ("+ " + " ".join(argv) + "\n").encode())
null = os.open(os.devnull, os.O_RDONLY)
t0 = time.perf_counter_ns()
pid = os.fork()
if pid == 0:
    try:
        os.dup2(null, 0)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(argv[0], argv)
    finally:
        os._exit(127)
_, status = os.waitpid(pid, 0)
dt = (time.perf_counter_ns() - t0) / 1e6
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
tmax = "-"
if tout != "-":
    try:
        with open(tout) as f:
            tmax = f.read().split()[-1]
    except (OSError, IndexError):
        pass
print("%.1f %d %.0f %.0f %d %s" % (dt, ru.ru_maxrss, ru.ru_utime * 1000, ru.ru_stime * 1000,
                                   os.waitstatus_to_exitcode(status), tmax))
EOF
if [ -x /usr/bin/time ]; then tout=$work/time.out; else tout=-; fi
rusage() { python3 -I -S "$work/rusage.py" "$log" "$tout" "$@"; }
read -r _ floor_kib _ _ _ tfloor_kib <<<"$(rusage /bin/true)"

declare -A wall rss trss usr sys # "ENGINE OP" -> the values of the timed runs, space-separated
measure() { # ENGINE OP TIMED(0|1)
    local eng=$1 op=$2 res ms kib ums sms rc tkib id ref
    local -a e
    eng_cmd "$eng"
    case "$op" in
    load) e+=(load -i "$archive") ;;
    pull) e+=(pull --tls-verify=false "$pull_ref") ;;
    esac
    res=$(rusage "${e[@]}") || die "the timer failed on: ${e[*]}"
    read -r ms kib ums sms rc tkib <<<"$res"
    [ "$rc" = 0 ] || die "$eng $op exited $rc: ${e[*]}"
    # the image must be there, under the archive's config digest
    eng_cmd "$eng"
    if [ "$op" = load ]; then ref=$load_ref; else ref=$pull_ref; fi
    id=$("${e[@]}" inspect --format '{{.Id}}' "$ref" 2>>"$log") || die "$eng $op: no image $ref afterwards"
    id=${id#sha256:}
    [ "$id" = "$img_id" ] || warn "$eng $op: image id $id, expected $img_id (the config's digest)"
    if [ "$3" = 1 ]; then
        wall[$eng $op]+="$ms " rss[$eng $op]+="$kib " trss[$eng $op]+="$tkib "
        usr[$eng $op]+="$ums " sys[$eng $op]+="$sms "
    fi
}

# Runs a container of the image and compares what it prints with what the
# image was built with: file count, whiteout, links, contents.
check_image() { # ENGINE REF
    local got
    local -a e
    eng_cmd "$1"
    got=$("${e[@]}" run --rm --network none "$2" sh -c '
        find /srv/small -type f | wc -l
        test -e /opt/bench/random/blob-0.bin || echo whiteout ok
        readlink /opt/bench/current
        cat /etc/motd
        stat -c %h /opt/bench/app/bin/run.sh
        sha256sum /opt/bench/app/lib/part-000.so /opt/bench/random/blob-1.bin \
            /srv/small/d000/f0001 /usr/share/bench/text/log-0.txt' 2>>"$log") ||
        { warn "$1: run of $2 failed"; return 0; }
    if [ "$got" != "$(cat "$work/expect")" ]; then
        warn "$1: a container of $2 does not show the image's content:"
        diff <(echo "$got") "$work/expect" >&2 || true
    fi
}

bench_config_line
awk -v id="$img_id" -v l="$img_layers" -v f="$img_files" -v a="$img_bytes" \
    -v r="$reg_bytes" -v rn="$reg_nlayers" -v rt="$reg_types" 'BEGIN {
    n = split(l, parts, " "); s = ""; tot = 0
    for (i = 1; i <= n; i++) {
        split(parts[i], kv, "="); tot += kv[2]
        s = s sprintf("%s%s %.1f", (i > 1 ? ", " : ""), kv[1], kv[2] / 1048576)
    }
    printf "image: %d layers, %.1f MiB of tar (%s MiB), %d files; docker-archive %.1f MiB; registry %d layers (%s) %.1f MiB; id %s\n",
        n, tot / 1048576, s, f, a / 1048576, rn, rt, r / 1048576, substr(id, 1, 12)
}'
echo "note: warm cache: the archive and the registry's blobs are in the page cache (nothing is dropped; not root); sync before each run, then $settle s of wait"
# ext4 without a journal skips inodes freed less than 60 s ago (300 s more while
# their inode table block is dirty) when it allocates one, testing each in turn
# (fs/ext4/ialloc.c, recently_deleted): creating the image's files again right
# after rmi costs far more there, the more so the more files a group had freed.
dev=$(df --output=source "$work" 2>/dev/null | tail -n 1) || dev=
dev=${dev##*/}
if [ -n "$dev" ] && [ -d "/proc/fs/ext4/$dev" ] && ! compgen -G "/proc/fs/jbd2/$dev-*" >/dev/null; then
    echo "note: $dev (the stores' file system) is ext4 without a journal: inodes freed in the last 60 s are skipped, one by one, when files are created; each run follows an rmi of the same files (BENCH_SETTLE=65 waits that out)"
fi
awk -v k="$floor_kib" -v t="$tfloor_kib" 'BEGIN {
    printf "maxrss floor (/bin/true): %.1f MiB for the python timer", k / 1024
    if (t != "-") printf ", %.1f MiB for GNU time", t / 1024
    printf "\n"
}'

# --- measure: each run from empty stores, engines interleaved --------------------------------
for op in load pull; do
    echo "timing $op: $runs runs each after $warmup warm-up rounds, interleaved, from empty stores" >&2
    t0=$(now)
    for ((i = -warmup; i < runs; i++)); do
        if (((i + warmup) % 2 == 0)); then order="pcon podman"; else order="podman pcon"; fi
        for eng in $order; do
            empty_store "$eng" "$load_ref" "$pull_ref"
            # the previous run's writes (the other engine's, mostly) are not
            # to be written back during this one; sync drops nothing from the cache
            sync
            [ "$settle" = 0 ] || sleep "$settle"
            measure "$eng" "$op" "$((i >= 0))"
        done
    done
    echo "  took $(since "$t0") s" >&2
    if [ "$op" = load ]; then ref=$load_ref; else ref=$pull_ref; fi
    check_image pcon "$ref"
    check_image podman "$ref"
done

stats() { # VALUES -> "median min max"
    tr ' ' '\n' <<<"$1" | awk 'NF' | sort -g |
        awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m, v[1], v[NR] }'
}
for op in load pull; do
    read -r wpc wpcl wpch <<<"$(stats "${wall[pcon $op]}")"
    read -r wpd wpdl wpdh <<<"$(stats "${wall[podman $op]}")"
    read -r rpc rpcl rpch <<<"$(stats "${rss[pcon $op]}")"
    read -r rpd rpdl rpdh <<<"$(stats "${rss[podman $op]}")"
    read -r upc _ _ <<<"$(stats "${usr[pcon $op]}")"
    read -r upd _ _ <<<"$(stats "${usr[podman $op]}")"
    read -r spc _ _ <<<"$(stats "${sys[pcon $op]}")"
    read -r spd _ _ <<<"$(stats "${sys[podman $op]}")"
    tpc=- tpd=-
    if [ "$tout" != - ]; then
        read -r tpc _ _ <<<"$(stats "${trss[pcon $op]}")"
        read -r tpd _ _ <<<"$(stats "${trss[podman $op]}")"
    fi
    awk -v op="$op" -v n="$runs" -v floor="$floor_kib" \
        -v wpc="$wpc" -v wpcl="$wpcl" -v wpch="$wpch" -v wpd="$wpd" -v wpdl="$wpdl" -v wpdh="$wpdh" \
        -v rpc="$rpc" -v rpcl="$rpcl" -v rpch="$rpch" -v rpd="$rpd" -v rpdl="$rpdl" -v rpdh="$rpdh" \
        -v upc="$upc" -v upd="$upd" -v spc="$spc" -v spd="$spd" -v tpc="$tpc" -v tpd="$tpd" 'BEGIN {
        M = 1024
        printf "%-6s pcon %.0f ms  podman %.0f ms  ratio %.2fx  maxrss pcon %.1f MiB podman %.1f MiB\n",
            op, wpc, wpd, wpd / wpc, rpc / M, rpd / M
        printf "  goal (podman/pcon >= 1.5x, pcon maxrss < podman): time %s, memory %s\n",
            (wpd / wpc >= 1.5 ? "met" : "missed"), (rpc < rpd ? "met" : "missed")
        if (rpc < floor + 512)
            printf "  pcon maxrss %.1f MiB is the python timer\047s floor (%.1f MiB): pcon itself takes less\n", rpc / M, floor / M
        printf "  range (min-max, %d runs): pcon %.0f-%.0f ms, podman %.0f-%.0f ms; maxrss pcon %.1f-%.1f MiB, podman %.1f-%.1f MiB\n",
            n, wpcl, wpch, wpdl, wpdh, rpcl / M, rpch / M, rpdl / M, rpdh / M
        printf "  cpu user + sys (medians): pcon %.0f + %.0f ms, podman %.0f + %.0f ms\n", upc, spc, upd, spd
        if (tpc != "-")
            printf "  maxrss by GNU time (median): pcon %.1f MiB, podman %.1f MiB\n", tpc / M, tpd / M
    }'
done
echo "total time: $(since "$t_begin") s (before clean-up)"
