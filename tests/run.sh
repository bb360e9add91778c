#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs every test: the C unit tests given as arguments and the bats system
# suite, all TAP, and ends with "N passed, N failed". As root it prepares
# the host (contrib/setup-host.sh), copies the built tree where the test
# users can read it, and reruns itself as the unprivileged test user (and
# the no-subordinate-ids suite as a user without ranges): rootless is the
# product, so the tests never run pcon as root.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
user=${PCON_TEST_USER:-pcontest}
nosub_user=${PCON_NOSUB_USER:-pconnosub}

if [ "$(id -u)" = 0 ]; then
    bash "$top/contrib/setup-host.sh" || exit 1
    tmp=$(mktemp -d /tmp/pcon-tests.XXXXXX)
    chmod 0755 "$tmp"
    cp -a "$top/." "$tmp/src"
    chown -R "$user:" "$tmp/src"
    chmod -R a+rX "$tmp/src"
    pcon_rel=""
    [ -n "${PCON:-}" ] && pcon_rel="$tmp/src/${PCON#"$top"/}"
    log="$tmp/main.tap"
    # a directory of another local user's, open to all: what an attacker
    # would prepare for the test user's store (20-private-dirs.bats)
    foreign="$tmp/foreign"
    mkdir -p "$foreign/store" "$foreign/run"
    chown -R "$nosub_user:" "$foreign"
    chmod 0777 "$foreign" "$foreign/store" "$foreign/run"
    # a cgroup v2 directory delegated to the test user, as systemd's
    # user@UID.service is (39-cgroups.bats): the suite runs in its tests/
    # leaf, so that pcon may move containers into siblings of it
    cg=""
    for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
        if [ "$(stat -f -c %T "$root" 2>/dev/null)" = cgroup2fs ] && mkdir "$root/pcon-tests-$$" 2>/dev/null; then
            cg=$root/pcon-tests-$$
            break
        fi
    done
    if [ -n "$cg" ] && { ! mkdir "$cg/tests" || ! chown -R "$user:" "$cg"; }; then
        rmdir "$cg/tests" "$cg" 2>/dev/null
        cg=""
    fi
    (
        [ -z "$cg" ] || echo "$BASHPID" > "$cg/tests/cgroup.procs" || exit 1
        exec runuser -u "$user" -- env -i HOME="$(getent passwd "$user" | cut -d: -f6)" \
            PATH="$PATH" TERM="${TERM:-dumb}" ${pcon_rel:+PCON="$pcon_rel"} PCON_FOREIGN_DIR="$foreign" \
            ${cg:+PCON_TEST_CGROUP="$cg"} bash "$tmp/src/tests/run.sh" "$@"
    ) | sed -u -E 's/^([0-9]+ passed, [0-9]+ failed)$/# as '"$user"': \1/' | tee "$log"
    main_rc=${PIPESTATUS[0]}
    if [ -n "$cg" ]; then
        # what the suite left in it (nothing, if all went well) goes first
        for d in "$cg"/*/; do
            [ -d "$d" ] || continue
            while read -r pid; do kill -KILL "$pid" 2>/dev/null; done < "$d/cgroup.procs"
            rmdir "$d" 2>/dev/null
        done
        rmdir "$cg" 2>/dev/null
    fi
    # the fallback without subordinate ids, as a user that has none
    nlog="$tmp/nosub.tap"
    runuser -u "$nosub_user" -- env -i HOME="$(getent passwd "$nosub_user" | cut -d: -f6)" \
        PATH="$PATH" PCON="${pcon_rel:-$tmp/src/pcon}" \
        bats --tap "$tmp/src/tests/system/nosubid" 2>&1 | tee "$nlog"
    # published ports keep a client's address: two network namespaces of
    # the tests' own, joined by veth pairs (documentation ranges): the
    # engine runs as the test user in pcon-keep (192.0.2.1 on v0,
    # 198.51.100.1 on w0, 2001:db8::1 on v0), a second host answers in
    # pcon-peer (192.0.2.11, 198.51.100.11, 2001:db8::11) and is the remote
    # client the suite asks for
    klog="$tmp/keep.tap"
    ns=pcon-keep-$$ peer=pcon-peer-$$
    # (pcon-keep's resolv.conf, bound by ip netns exec, names a resolver of
    # the tests' own on 127.0.0.1, as systemd-resolved's 127.0.0.53 would be;
    # a second one on 127.0.0.2 answers otherwise, and the test user may
    # rewrite the file to move to it, as a laptop's network change would)
    if ip netns add "$ns" && ip netns add "$peer" \
        && ip -n "$ns" link set lo up && ip -n "$peer" link set lo up \
        && ip -n "$ns" link add v0 type veth peer name v1 netns "$peer" \
        && ip -n "$ns" link add w0 type veth peer name w1 netns "$peer" \
        && ip -n "$ns" addr add 192.0.2.1/24 dev v0 && ip -n "$peer" addr add 192.0.2.11/24 dev v1 \
        && ip -n "$ns" addr add 198.51.100.1/24 dev w0 && ip -n "$peer" addr add 198.51.100.11/24 dev w1 \
        && ip -n "$ns" addr add 2001:db8::1/64 dev v0 nodad \
        && ip -n "$peer" addr add 2001:db8::11/64 dev v1 nodad \
        && ip -n "$ns" link set v0 up && ip -n "$ns" link set w0 up \
        && ip -n "$peer" link set v1 up && ip -n "$peer" link set w1 up \
        && mkdir -p "/etc/netns/$ns" && echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf" \
        && chown "$user" "/etc/netns/$ns/resolv.conf"; then
        ip netns exec "$ns" python3 "$top/tests/system/dns-server.py" 127.0.0.1 53 192.0.2.53 &
        dns_pid=$!
        ip netns exec "$ns" python3 "$top/tests/system/dns-server.py" 127.0.0.2 53 192.0.2.54 &
        dns2_pid=$!
        ip netns exec "$peer" python3 "$top/tests/system/netns/peer.py" 192.0.2.11 7000 192.0.2.1 &
        peer_pid=$!
        ip netns exec "$peer" python3 "$top/tests/system/netns/peer.py" 2001:db8::11 7000 2001:db8::1 &
        peer6_pid=$!
        ip netns exec "$ns" runuser -u "$user" -- env -i HOME="$(getent passwd "$user" | cut -d: -f6)" \
            PATH="$PATH" PCON="${pcon_rel:-$tmp/src/pcon}" KEEP_ADDR=192.0.2.1 KEEP_DNS=192.0.2.53 \
            KEEP_PEER=192.0.2.11:7000 KEEP_PEER_ADDR=192.0.2.11 KEEP_OUT_IF=w0 KEEP_OUT_ADDR=198.51.100.1 \
            KEEP_DNS2_SERVER=127.0.0.2 KEEP_DNS2=192.0.2.54 KEEP_PEER6='[2001:db8::11]:7000' \
            KEEP_ADDR6=2001:db8::1 KEEP_PEER6_ADDR=2001:db8::11 \
            bats --tap "$tmp/src/tests/system/netns" 2>&1 | tee "$klog"
        kill "$dns_pid" "$dns2_pid" "$peer_pid" "$peer6_pid" 2>/dev/null
        wait "$dns_pid" "$dns2_pid" "$peer_pid" "$peer6_pid" 2>/dev/null
    else
        echo "not ok 1 the client-address suite's namespaces could not be made" | tee "$klog"
    fi
    ip netns del "$ns" 2>/dev/null
    ip netns del "$peer" 2>/dev/null
    rm -rf "/etc/netns/$ns"
    passed=$(( $(grep -c '^ok ' "$log") + $(grep -c '^ok ' "$nlog") + $(grep -c '^ok ' "$klog") ))
    failed=$(( $(grep -c '^not ok ' "$log") + $(grep -c '^not ok ' "$nlog") + $(grep -c '^not ok ' "$klog") ))
    rm -rf "$tmp"
    echo "$passed passed, $failed failed"
    [ "$failed" = 0 ] && [ "$passed" -gt 0 ] && [ "$main_rc" = 0 ]
    exit
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd "$top" || exit 1
for t in "$@"; do
    echo "# unit: $t"
    "$t" 2>&1 | tee -a "$out"
done
echo "# system: tests/system"
bats --tap tests/system 2>&1 | tee -a "$out"
# the same command sequences on podman 4.3, side by side (tests/compat/allow
# lists each known difference with its reason)
echo "# compat: tests/compat"
PCON="${PCON:-$top/pcon}" bash tests/compat/run.sh 2>&1 | tee -a "$out"
passed=$(grep -c '^ok ' "$out")
failed=$(grep -c '^not ok ' "$out")
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$passed" -gt 0 ]
