# SPDX-License-Identifier: Apache-2.0
# Builds the test images once for the whole suite, from Debian's
# busybox-static; fails the run when it cannot.

setup_suite() {
    local root="$BATS_SUITE_TMPDIR/bbroot" c
    mkdir -p "$root"/{bin,etc,root,tmp,home/tester,data}
    cp /bin/busybox "$root/bin/busybox" || return 1
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
    # one tarball: root-owned, with tester's home owned by 1000:1000
    tar -C "$root" --owner=0 --group=0 --exclude=./home/tester -cf "$BATS_SUITE_TMPDIR/bb.tar" . || return 1
    tar -C "$root" --owner=1000 --group=1000 -rf "$BATS_SUITE_TMPDIR/bb.tar" ./home/tester || return 1
    export BB_TAR="$BATS_SUITE_TMPDIR/bb.tar" BB_ROOT="$root"
    # the probe, bound into containers as /probe/probe (-v "$PROBE_DIR:/probe:ro")
    mkdir -p "$BATS_SUITE_TMPDIR/probe"
    cc -static -O2 -Wall -Wextra -Werror -o "$BATS_SUITE_TMPDIR/probe/probe" \
        "$(dirname "${BASH_SOURCE[0]}")/probe.c" || return 1
    export PROBE_DIR="$BATS_SUITE_TMPDIR/probe"
}
