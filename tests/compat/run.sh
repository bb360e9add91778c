#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The podman compatibility suite: the cases in tests/compat/cases* run on
# pcon and on podman side by side, as this (unprivileged) user, each engine
# in fresh stores of its own; exit codes, normalised stdout and the first
# line of stderr compared (see compat.py), the known differences listed in
# tests/compat/allow. TAP, ending "N passed, N failed"; non-zero on failure.
#
#   PCON=/path/to/pcon [BB_TAR=busybox-rootfs.tar] [PODMAN=podman]
#   [COMPAT_ONLY=REGEX] [COMPAT_VERBOSE=1] bash tests/compat/run.sh [CASEFILE...]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
podman=${PODMAN:-podman}
pcon=${PCON:-$top/pcon}

if [ "$(id -u)" = 0 ]; then
    echo "not ok 1 the compatibility suite runs as an unprivileged user, not root"
    echo "0 passed, 1 failed"
    exit 1
fi
if ! command -v "$podman" >/dev/null 2>&1; then
    echo "not ok 1 podman is not installed (apt-get install podman runc slirp4netns uidmap)"
    echo "0 passed, 1 failed"
    exit 1
fi
if [ ! -x "$pcon" ]; then
    echo "not ok 1 no pcon binary at $pcon (set PCON)"
    echo "0 passed, 1 failed"
    exit 1
fi
podman=$(command -v "$podman")

tmp=$(mktemp -d /tmp/pcon-compat.XXXXXX) || exit 1
chmod 0700 "$tmp"
# a copy of its own: a rebuild of the tree during the run does not pull
# the binary from under the suite
pcon_orig=$pcon
mkdir "$tmp/bin" && cp "$pcon" "$tmp/bin/pcon" || { rm -rf "$tmp"; exit 1; }
pcon=$tmp/bin/pcon
for e in pcon podman; do
    mkdir -p "$tmp/$e"/{root,run,home,scratch}
    mkdir -m 0700 "$tmp/$e/xdg"
done
cat > "$tmp/containers.conf" <<'EOF'
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
cat > "$tmp/registries.conf" <<'EOF'
unqualified-search-registries = []
short-name-mode = "disabled"
EOF

# each engine exactly as compat.py runs it
eng_env() {
    local e=$1
    env -i PATH="$PATH" HOME="$tmp/$e/home" XDG_RUNTIME_DIR="$tmp/$e/xdg" \
        CONTAINERS_CONF="$tmp/containers.conf" CONTAINERS_REGISTRIES_CONF="$tmp/registries.conf" \
        TZ=UTC LANG=C "${@:2}"
}
run_pcon() { eng_env pcon "$pcon" --root "$tmp/pcon/root" --runroot "$tmp/pcon/run" "$@"; }
run_podman() { eng_env podman "$podman" --root "$tmp/podman/root" --runroot "$tmp/podman/run" "$@"; }

pause_pids() {
    local f pid
    for f in "$tmp/podman/xdg/libpod/tmp/pause.pid" "$tmp/pcon/run/pause.pid"; do
        [ -f "$f" ] || continue
        pid=$(cut -d' ' -f1 < "$f")
        [[ "$pid" =~ ^[0-9]+$ ]] && echo "$pid"
    done
}
cleanup() {
    local pids pid
    # containers first (their monitors and slirp4netns), then the stores
    run_podman rm -a -f -t 0 >/dev/null 2>&1
    run_podman pod rm -a -f -t 0 >/dev/null 2>&1
    run_pcon rm -a -f >/dev/null 2>&1
    run_pcon pod rm -a -f >/dev/null 2>&1
    # the engines' pause processes, by the pids they wrote (read before
    # the run roots go, and again for one an unshare below might start)
    pids=$(pause_pids)
    run_podman unshare rm -rf "$tmp/podman/root" "$tmp/podman/run" >/dev/null 2>&1
    run_pcon unshare rm -rf "$tmp/pcon/root" "$tmp/pcon/run" >/dev/null 2>&1
    pids="$pids $(pause_pids)"
    for pid in $(printf '%s\n' $pids | sort -u); do
        kill "$pid" 2>/dev/null
    done
    rm -rf "$tmp" 2>/dev/null
    [ ! -e "$tmp" ] || echo "# could not remove $tmp" >&2
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# the busybox image, built as tests/system/setup_suite.bash builds it
if [ -z "${BB_TAR:-}" ]; then
    root="$tmp/bbroot"
    mkdir -p "$root"/{bin,etc,root,tmp,home/tester,data}
    cp /bin/busybox "$root/bin/busybox" || { echo "not ok 1 no /bin/busybox (busybox-static)"; echo "0 passed, 1 failed"; exit 1; }
    for c in $("$root/bin/busybox" --list); do
        [ -e "$root/bin/$c" ] || ln -s busybox "$root/bin/$c"
    done
    cat > "$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
    cat > "$root/etc/group" <<'GR'
root:x:0:
tty:x:5:
tester:x:1000:
extra:x:2000:tester
nogroup:x:65534:
GR
    echo "image data" > "$root/data/file"
    echo "owned by tester" > "$root/home/tester/note"
    chmod 1777 "$root/tmp"
    tar -C "$root" --owner=0 --group=0 --exclude=./home/tester -cf "$tmp/bb.tar" . || exit 1
    tar -C "$root" --owner=1000 --group=1000 -rf "$tmp/bb.tar" ./home/tester || exit 1
    rm -rf "$root"
    BB_TAR=$tmp/bb.tar
fi
export BB_TAR

ver() { "$@" version 2>/dev/null | awk '$1 == "Version:" { print $2; exit }'; }
echo "# pcon: $pcon_orig ($(ver run_pcon))"
echo "# podman: $podman ($(ver run_podman))"
imp_ok=1
run_pcon import "$BB_TAR" localhost/bb >"$tmp/imp.log" 2>&1 || { imp_ok=0; sed 's/^/# pcon import: /' "$tmp/imp.log"; }
run_podman import "$BB_TAR" localhost/bb >"$tmp/imp.log" 2>&1 || { imp_ok=0; sed 's/^/# podman import: /' "$tmp/imp.log"; }
if [ "$imp_ok" = 0 ]; then
    echo "not ok 1 localhost/bb imported into both engines"
    echo "0 passed, 1 failed"
    exit 1
fi

COMPAT_TMP=$tmp COMPAT_PCON=$pcon COMPAT_PODMAN=$podman \
    python3 "$here/compat.py" "$@"
