#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Prepare a Debian 12 host for building and testing pcon (run as root):
# installs the build and test dependencies, creates the unprivileged test
# user with subordinate id ranges, and opens /dev/fuse and /dev/net/tun as
# stock Debian does. Idempotent.
set -euo pipefail

user=${PCON_TEST_USER:-pcontest}
nosub_user=${PCON_NOSUB_USER:-pconnosub}

if [ "$(id -u)" != 0 ]; then
    echo "setup-host.sh: must run as root" >&2
    exit 1
fi

pkgs=(build-essential pkg-config git libyajl-dev libsubid-dev libarchive-dev
      liblz4-dev libbz2-dev liblzma-dev zlib1g-dev libssl-dev libcurl4-openssl-dev libzstd-dev libcap-dev libseccomp-dev
      libslirp-dev libglib2.0-dev libyaml-dev libisal-dev uidmap fuse-overlayfs fuse3 busybox-static
      bats procps util-linux iproute2 python3 zstd gzip curl docker-registry skopeo
      apache2-utils openssl podman-compose clang libclang-rt-14-dev clang-format golang-github-containers-common
      podman runc conmon catatonit slirp4netns containernetworking-plugins)
missing=()
for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! id "$user" >/dev/null 2>&1; then
    useradd -m -s /bin/bash "$user"
fi
# a supplementary group of its own, for --group-add keep-groups
getent group pcon-extra >/dev/null || groupadd pcon-extra
id -nG "$user" | tr ' ' '\n' | grep -qx pcon-extra || usermod -aG pcon-extra "$user"
# useradd already gives a range on Debian 12; add one only when none exists
# (a second, overlapping line makes libsubid report two ranges).
for f in /etc/subuid /etc/subgid; do
    touch "$f"
    grep -q "^$user:" "$f" || echo "$user:100000:65536" >> "$f"
done

# named ranges that are no user's, for --subuidname: a slice of the test
# user's own ids, and a range outside them
for f in /etc/subuid /etc/subgid; do
    start=$(awk -F: -v u="$user" '$1 == u { print $2; exit }' "$f")
    grep -q "^pcon-slice:" "$f" || echo "pcon-slice:$((start + 1000)):2000" >> "$f"
    grep -q "^pcon-outside:" "$f" || echo "pcon-outside:$((start + 4000000)):1000" >> "$f"
done

# a second user without subordinate ids, for the single-mapping fallback
if ! id "$nosub_user" >/dev/null 2>&1; then
    useradd -m -s /bin/bash -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$nosub_user"
fi
sed -i "/^$nosub_user:/d" /etc/subuid /etc/subgid

for dev in /dev/fuse /dev/net/tun; do
    [ -e "$dev" ] && chmod 0666 "$dev"
done
exit 0
