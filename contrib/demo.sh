#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The main job on a local default image: make a busybox root file system
# from Debian's busybox-static, import it with `pcon import`, and run a
# container from it, rootless. As root, prepares the host and runs the demo
# as the unprivileged test user.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
pcon=${PCON:-$top/pcon}
user=${PCON_TEST_USER:-pcontest}

if [ "$(id -u)" = 0 ]; then
    bash "$top/contrib/setup-host.sh"
    tmp=$(mktemp -d /tmp/pcon-demo.XXXXXX)
    chmod 0755 "$tmp"
    install -m 0755 "$pcon" "$tmp/pcon"
    install -m 0755 "$0" "$tmp/demo.sh"
    status=0
    runuser -u "$user" -- env -i HOME="$(getent passwd "$user" | cut -d: -f6)" PATH="$PATH" \
        PCON="$tmp/pcon" bash "$tmp/demo.sh" || status=$?
    rm -rf "$tmp"
    exit "$status"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,etc,root,tmp}
cp /bin/busybox "$root/bin/busybox"
for c in $("$root/bin/busybox" --list); do
    [ -e "$root/bin/$c" ] || ln -s busybox "$root/bin/$c"
done
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$root/etc/group"
tar -C "$root" --owner=0 --group=0 -cf "$work/rootfs.tar" .

echo "+ pcon import rootfs.tar localhost/busybox"
"$pcon" import "$work/rootfs.tar" localhost/busybox
echo "+ pcon run --rm localhost/busybox sh -c 'id -u; cat /proc/self/uid_map; echo \$\$; hostname'"
"$pcon" run --rm localhost/busybox sh -c 'id -u; cat /proc/self/uid_map; echo $$; hostname'
