#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Published ports keep the client's address: run by tests/run.sh (as root)
# inside a network namespace of its own, pcon-keep, where 192.0.2.1 (a
# documentation address, on a dummy interface) stands for the host's
# address a remote client would reach (on a veth of the namespace's own);
# everything stays in that namespace.

load ../helpers

setup_file() {
    if ! ip -4 addr show 2>/dev/null | grep -q "inet $KEEP_ADDR/"; then
        echo "this suite runs inside tests/run.sh's pcon-keep namespace ($KEEP_ADDR)" >&2
        return 1
    fi
    pcon_setup_store
}

teardown_file() {
    pcon_teardown_store
}

@test "the default handler keeps a TCP client's address: the container sees 192.0.2.1 and its port" {
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
