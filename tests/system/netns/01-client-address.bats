#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Published ports keep the client's address: run by tests/run.sh (as root)
# inside a network namespace of its own, pcon-keep, where 192.0.2.1 (a
# documentation address, on a veth) is the host's address; the other end
# of the veth is a second host, pcon-peer ($KEEP_PEER_ADDR), where
# tests/system/netns/peer.py is the remote client the tests ask for.
# Nothing leaves the two namespaces.

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
    # a CGI that answers with the address the request came from, as the
    # container's own httpd sees it
    mkdir -p "$BATS_FILE_TMPDIR/www/cgi-bin"
    printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n%%s\\n" "$REMOTE_ADDR"\n' \
        >"$BATS_FILE_TMPDIR/www/cgi-bin/who"
    chmod 0755 "$BATS_FILE_TMPDIR/www/cgi-bin/who"
}

# what the second host's request to the published port PORT was seen as
# (busybox httpd listens on IPv6 too: an IPv4 client is ::ffff:A.B.C.D)
peer_fetch_who() { # PORT
    wait_for 10 curl -sf "http://$KEEP_PEER/fetch?port=$1&path=cgi-bin/who" >/dev/null
    curl -sf "http://$KEEP_PEER/fetch?port=$1&path=cgi-bin/who" | sed 's/^\[::ffff:\(.*\)\]$/\1/'
}

@test "both port handlers keep a remote TCP client's address: the container sees the second host's" {
    local port=18204 h
    for h in rootlesskit slirp4netns; do
        pcon run -d --name "who-$h" -p "$port:80" --network "slirp4netns:port_handler=$h" \
            -v "$BATS_FILE_TMPDIR/www:/www:ro" $IMAGE httpd -f -p 80 -h /www >/dev/null
        run peer_fetch_who "$port"
        pcon rm -f -t 0 "who-$h" >/dev/null
        echo "$h: $output"
        assert_status 0
        assert_output "$KEEP_PEER_ADDR"
        port=$((port + 1))
    done
}

@test "a UDP client on the second host: its datagrams arrive from its address, the echo goes back to it" {
    local port=18206
    pcon run -d --name peer-udp -p "$port:5353/udp" -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe udpecho 5353 >/dev/null
    sleep 1
    run curl -sf "http://$KEEP_PEER/udp?port=$port"
    assert_output "hello"
    run pcon logs peer-udp
    assert_output_contains "first datagram from $KEEP_PEER_ADDR"
    pcon rm -f -t 0 peer-udp >/dev/null
}

@test "outbound_addr=: the second host sees the container's connections come from the address or interface given" {
    local spec
    run pcon run --rm $IMAGE wget -qO- "http://$KEEP_PEER/who"
    assert_status 0
    assert_output "$KEEP_ADDR"
    for spec in "outbound_addr=$KEEP_OUT_IF" "outbound_addr=$KEEP_OUT_ADDR"; do
        run pcon run --rm --network "slirp4netns:$spec" $IMAGE wget -qO- "http://$KEEP_PEER/who"
        echo "$spec: $output"
        assert_status 0
        assert_output "$KEEP_OUT_ADDR"
    done
}

teardown_file() {
    pcon_teardown_store
}

@test "a client on another of the host's own addresses is kept too: the container sees 192.0.2.1 and its port" {
    local port=18201
    pcon run -d --name keep -p "$port:9000" $IMAGE sh -c 'nc -l -p 9000 >/dev/null & sleep 2; netstat -tn; sleep 100' >/dev/null
    sleep 0.5
    client_port=$(python3 - "$KEEP_ADDR" "$port" <<'PY'
import socket, sys, time
s = socket.create_connection((sys.argv[1], int(sys.argv[2])))
print(s.getsockname()[1], flush=True)
time.sleep(3)
PY
)
    run pcon logs keep
    echo "$output"
    assert_output_contains "$KEEP_ADDR:$client_port"
    pcon rm -f -t 0 keep >/dev/null
}

@test "a client on the host's loopback comes from the container's own address" {
    local port=18202
    pcon run -d --name lo -p "$port:9000" $IMAGE sh -c 'nc -l -p 9000 >/dev/null & sleep 2; netstat -tn; sleep 100' >/dev/null
    sleep 0.5
    python3 -c "import socket, time; s = socket.create_connection(('127.0.0.1', $port)); time.sleep(3)"
    run pcon logs lo
    echo "$output"
    assert_output_contains "10.0.2.100:9000"
    refute_output_contains "127.0.0.1"
    pcon rm -f -t 0 lo >/dev/null
}

@test "a UDP client's address is kept too: the echo goes back to it" {
    local port=18203
    pcon run -d --name uecho -p "$port:5353/udp" -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe udpecho 5353 >/dev/null
    sleep 1
    run timeout 20 python3 - "$KEEP_ADDR" "$port" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
s.settimeout(2)
for attempt in range(5):
    s.sendto(b"hello", (sys.argv[1], int(sys.argv[2])))
    try:
        print(s.recvfrom(100)[0].decode())
        break
    except socket.timeout:
        pass
PY
    assert_output "hello"
    run pcon logs uecho
    assert_output_contains "first datagram from $KEEP_ADDR"
    pcon rm -f -t 0 uecho >/dev/null
}

@test "DNS through 10.0.2.3 is answered by the host's resolver, even one on 127.0.0.1" {
    [ -n "${KEEP_DNS:-}" ] || skip "needs tests/run.sh's resolver"
    grep -q '^nameserver 127\.0\.0\.1' /etc/resolv.conf
    run pcon run --rm $IMAGE sh -c 'grep nameserver /etc/resolv.conf && nslookup -type=a test.pcon.example'
    echo "$output"
    assert_status 0
    assert_output_contains "nameserver 10.0.2.3"
    assert_output_contains "Address: $KEEP_DNS"
}

@test "an IPv6 client on the second host is kept too, over the container's IPv6 address: TCP and UDP" {
    local port=18240
    pcon run -d --name who6 -p "$port:80" -v "$BATS_FILE_TMPDIR/www:/www:ro" $IMAGE \
        httpd -f -p 80 -h /www >/dev/null
    wait_for 10 curl -sf "http://$KEEP_PEER6/fetch?port=$port&path=cgi-bin/who" >/dev/null
    run curl -sf "http://$KEEP_PEER6/fetch?port=$port&path=cgi-bin/who"
    pcon rm -f -t 0 who6 >/dev/null
    assert_output "[${KEEP_PEER6_ADDR}]"
    port=$((port + 1))
    pcon run -d --name udp6 -p "$port:5353/udp" -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe udpecho6 5353 >/dev/null
    sleep 1
    run curl -sf "http://$KEEP_PEER6/udp?port=$port"
    assert_output "hello"
    run pcon logs udp6
    pcon rm -f -t 0 udp6 >/dev/null
    assert_output_contains "first datagram from $KEEP_PEER6_ADDR"
    # a service on IPv4 alone is still reached by an IPv6 client (over
    # IPv4, from the container's own address then)
    port=$((port + 1))
    pcon run -d --name udp4 -p "$port:5353/udp" -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe udpecho 5353 >/dev/null
    sleep 1
    run curl -sf "http://$KEEP_PEER6/udp?port=$port"
    assert_output "hello"
    pcon rm -f -t 0 udp4 >/dev/null
}
