#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# User networks seen from outside: run by tests/run.sh (as root) in its
# pcon-keep namespace, where the host's resolver is the tests' own on
# 127.0.0.1 (answering every A question with $KEEP_DNS) and a second host
# answers on $KEEP_PEER. Nothing leaves the two namespaces.

load ../helpers

setup_file() {
    if ! ip -4 addr show 2>/dev/null | grep -q "inet $KEEP_ADDR/"; then
        echo "this suite runs inside tests/run.sh's pcon-keep namespace ($KEEP_ADDR)" >&2
        return 1
    fi
    wait_for 10 curl -sf "http://$KEEP_PEER/who" || {
        echo "the second host (peer.py on $KEEP_PEER) does not answer" >&2
        return 1
    }
    pcon_setup_store
    mkdir -p "$BATS_FILE_TMPDIR/www/cgi-bin"
    printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$REMOTE_ADDR"\n' \
        >"$BATS_FILE_TMPDIR/www/cgi-bin/who"
    chmod 0755 "$BATS_FILE_TMPDIR/www/cgi-bin/who"
    pcon network create outnet >/dev/null
}

teardown_file() {
    pcon_teardown_store
}

@test "names that are no container's are forwarded to the host's resolver" {
    # (the tests' resolver has no AAAA: nslookup's exit is that one's)
    run pcon run --rm --network outnet $IMAGE nslookup -type=a registry.example.org
    assert_output_contains "Name:	registry.example.org"
    assert_output_contains "Address: $KEEP_DNS"
    # a container's name is still answered by the network
    pcon run -d --name named --network outnet $IMAGE sleep 60 >/dev/null
    run pcon run --rm --network outnet $IMAGE nslookup named
    assert_output_contains "Address: 10.89.0.2"
    pcon rm -f -t 0 named >/dev/null
}

@test "a container on a network reaches the second host, from the host's address" {
    run pcon run --rm --network outnet $IMAGE wget -qO- "http://$KEEP_PEER/who"
    assert_status 0
    assert_output "$KEEP_ADDR"
}

@test "a port published from a network keeps the second host's address" {
    local port=18220
    pcon run -d --name netwho --network outnet -p "$port:80" -v "$BATS_FILE_TMPDIR/www:/www:ro" \
        $IMAGE httpd -f -p 80 -h /www >/dev/null
    wait_for 10 curl -sf "http://$KEEP_PEER/fetch?port=$port&path=cgi-bin/who" >/dev/null
    run curl -sf "http://$KEEP_PEER/fetch?port=$port&path=cgi-bin/who"
    pcon rm -f -t 0 netwho >/dev/null
    assert_output_contains "$KEEP_PEER_ADDR"
}

@test "a query forwarded over TCP gets the host's resolver's answer over TCP" {
    run pcon run --rm --network outnet -v "$PROBE_DIR:/probe:ro" $IMAGE sh -c \
        '/probe/probe dnstcp "$(awk "/^nameserver/ {print \$2; exit}" /etc/resolv.conf)" a registry.example.org other.example.org'
    assert_status 0
    assert_output "registry.example.org rcode=0
A $KEEP_DNS
other.example.org rcode=0
A $KEEP_DNS"
}

@test "pcon-netd follows the host's resolv.conf when it changes, without a restart" {
    [ -n "${KEEP_DNS2:-}" ] && [ -w /etc/resolv.conf ] || skip "needs tests/run.sh's second resolver"
    local saved
    saved=$(cat /etc/resolv.conf)
    pcon run -d --name stay --network outnet $IMAGE sleep 120 >/dev/null
    run pcon run --rm --network outnet $IMAGE nslookup -type=a moved.example.org
    assert_output_contains "Address: $KEEP_DNS"
    # rewritten in place, as resolvconf or NetworkManager would
    echo "nameserver $KEEP_DNS2_SERVER" >/etc/resolv.conf
    sleep 1.2
    run pcon run --rm --network outnet $IMAGE nslookup -type=a moved.example.org
    printf '%s\n' "$saved" >/etc/resolv.conf
    assert_output_contains "Address: $KEEP_DNS2"
    sleep 1.2
    run pcon run --rm --network outnet $IMAGE nslookup -type=a moved.example.org
    assert_output_contains "Address: $KEEP_DNS"
    pcon rm -f -t 0 stay >/dev/null
}

@test "a container on an IPv6 network reaches the second host over IPv6, from the host's address" {
    pcon network create --ipv6 out6 >/dev/null
    wait_for 10 curl -sf "http://$KEEP_PEER6/who" >/dev/null
    run pcon run --rm --network out6 $IMAGE wget -qO- "http://$KEEP_PEER6/who"
    assert_status 0
    assert_output "$KEEP_ADDR6"
    # IPv4 still goes out from the same network
    run pcon run --rm --network out6 $IMAGE wget -qO- "http://$KEEP_PEER/who"
    assert_output "$KEEP_ADDR"
    # an internal one keeps its IPv6 members in too
    pcon network create --ipv6 --internal in6 >/dev/null
    run pcon run --rm --network in6 $IMAGE wget -T 3 -qO- "http://$KEEP_PEER6/who"
    [ "$status" -ne 0 ]
    refute_output_contains "$KEEP_ADDR6"
    pcon network rm in6 out6 >/dev/null
}

@test "a port published from an IPv6 network keeps an IPv6 client's address" {
    local port=18241
    pcon network create --ipv6 pub6 >/dev/null
    pcon run -d --name netwho6 --network pub6 -p "$port:80" -v "$BATS_FILE_TMPDIR/www:/www:ro" \
        $IMAGE httpd -f -p 80 -h /www >/dev/null
    wait_for 10 curl -sf "http://$KEEP_PEER6/fetch?port=$port&path=cgi-bin/who" >/dev/null
    run curl -sf "http://$KEEP_PEER6/fetch?port=$port&path=cgi-bin/who"
    pcon rm -f -t 0 netwho6 >/dev/null
    pcon network rm pub6 >/dev/null
    assert_output "[${KEEP_PEER6_ADDR}]"
}
