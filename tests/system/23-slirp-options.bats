#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# slirp4netns's options: cidr= (the addresses follow the network),
# enable_ipv6= (podman 4.3's default is on: fd00::/64), outbound_addr= and
# outbound_addr6= (the host address libslirp's sockets come from). Servers
# on the host's loopback only.

load helpers

# a free port on the host's loopback
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# an HTTP server on ADDR:PORT (IPv4 or IPv6) that answers each request with
# the client's address; its pid in $who_pid
who_server() { # ADDR PORT
    python3 - "$1" "$2" >/dev/null 2>&1 <<'PY' &
import http.server, socket, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (self.client_address[0] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
class S(http.server.HTTPServer):
    address_family = socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET
S((sys.argv[1], int(sys.argv[2])), H).serve_forever()
PY
    who_pid=$!
    local url="http://$1:$2/"
    [[ "$1" == *:* ]] && url="http://[$1]:$2/"
    wait_for 10 curl -sf "$url"
}

@test "cidr=: the container's address, gateway, DNS and route follow the network" {
    run pcon run --rm --network slirp4netns:cidr=10.5.0.0/16 $IMAGE \
        sh -c 'ip -4 addr show tap0; ip route; cat /etc/resolv.conf; grep host.containers.internal /etc/hosts'
    echo "$output"
    assert_status 0
    assert_output_contains "inet 10.5.0.100/16"
    assert_output_contains "default via 10.5.0.2 dev tap0"
    assert_output_contains "nameserver 10.5.0.3"
    refute_output_contains "10.0.2."
}

@test "cidr=: the host's loopback through the new gateway, published ports in both handlers" {
    local port p1 p2 cid
    port=$(free_port)
    who_server 127.0.0.1 "$port"
    run pcon run --rm --network slirp4netns:cidr=172.30.8.0/24,allow_host_loopback=true $IMAGE \
        wget -qO- "http://172.30.8.2:$port/"
    kill "$who_pid"
    assert_status 0
    assert_output "127.0.0.1"
    p1=$(free_port)
    p2=$(free_port)
    for h in rootlesskit slirp4netns; do
        cid=$(pcon run -d -p "$p1:80" --network "slirp4netns:cidr=172.30.8.0/24,port_handler=$h" $IMAGE \
            sh -c 'echo served-at-$(ip -4 addr show tap0 | grep -o "inet [0-9.]*") > /i; httpd -f -p 80 -h /')
        wait_for 10 curl -sf "http://127.0.0.1:$p1/i"
        run curl -sf "http://127.0.0.1:$p1/i"
        pcon rm -f -t 0 "$cid" >/dev/null
        echo "$h: $output"
        assert_output "served-at-inet 172.30.8.100"
        p1=$p2
    done
}

@test "bad cidr= values are one usage error each, and nothing is made" {
    local v
    for v in 10.0.2.100/24 10.0.0.0/26 10.0.0.0/0 10.0.0.0 10.0.0/24 10.0.0.0/24x "" 300.0.0.0/8; do
        run --separate-stderr pcon run --rm --network "slirp4netns:cidr=$v" $IMAGE true
        echo "$v: $stderr"
        assert_status 125
        assert_one_error_line
        [[ "$stderr" == *"invalid cidr"* ]]
    done
    assert_no_containers
}

@test "IPv6 is on by default: tap0 has libslirp's fd00::/64 address and route from the first instruction" {
    run pcon run --rm $IMAGE sh -c 'ip -6 addr show tap0 scope global; ip -6 route show default'
    echo "$output"
    assert_status 0
    [[ "$output" =~ inet6\ fd00::[0-9a-f:]+/64 ]]
    assert_output_contains "default via fe80::2 dev tap0"
    refute_output_contains "tentative"
    run pcon run --rm --network slirp4netns:enable_ipv6=false $IMAGE sh -c 'ip -6 addr show tap0; ip -6 route'
    echo "$output"
    assert_status 0
    refute_output_contains "fd00::"
    refute_output_contains "fe80::2"
}

@test "IPv6 reaches the host: fd00::2 is the host's ::1 with allow_host_loopback=true, refused without" {
    local port
    python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null \
        || skip "the host has no IPv6 loopback"
    port=$(free_port)
    who_server ::1 "$port"
    run pcon run --rm --network slirp4netns:allow_host_loopback=true $IMAGE \
        wget -qO- "http://[fd00::2]:$port/"
    allowed_status=$status allowed=$output
    run pcon run --rm $IMAGE timeout 5 wget -qO- "http://[fd00::2]:$port/"
    denied_status=$status
    kill "$who_pid"
    echo "allowed: $allowed_status $allowed; denied: $denied_status"
    [ "$allowed_status" -eq 0 ]
    [ "$allowed" = "::1" ]
    [ "$denied_status" -ne 0 ]
}

@test "outbound_addr=: libslirp's connections to the host come from the address given, or the interface's" {
    local port
    port=$(free_port)
    who_server 127.0.0.1 "$port"
    run pcon run --rm --network slirp4netns:allow_host_loopback=true,outbound_addr=127.0.0.2 $IMAGE \
        wget -qO- "http://10.0.2.2:$port/"
    by_addr_status=$status by_addr=$output
    run pcon run --rm --network slirp4netns:allow_host_loopback=true,outbound_addr=lo $IMAGE \
        wget -qO- "http://10.0.2.2:$port/"
    by_if_status=$status by_if=$output
    kill "$who_pid"
    echo "by address: $by_addr_status $by_addr; by interface: $by_if_status $by_if"
    [ "$by_addr_status" -eq 0 ]
    [ "$by_addr" = "127.0.0.2" ]
    [ "$by_if_status" -eq 0 ]
    [ "$by_if" = "127.0.0.1" ]
}

@test "outbound_addr= names an interface the host lacks: exit 126, one line, no container left" {
    run --separate-stderr pcon run --rm --network slirp4netns:outbound_addr=nosuchif0 $IMAGE true
    echo "$stderr"
    assert_status 126
    assert_one_error_line
    [[ "$stderr" == *"no interface nosuchif0"* ]]
    assert_no_containers
    run pcon run --rm --network slirp4netns:outbound_addr=bad/name $IMAGE true
    assert_status 125
    assert_output_contains "invalid outbound_addr"
    run pcon run --rm --network slirp4netns:enable_ipv6=false,outbound_addr6=::1 $IMAGE true
    assert_status 125
    assert_output_contains "outbound_addr6 needs IPv6"
}

@test "the options are kept with the container: inspect and a restart see them" {
    local cid
    cid=$(pcon create --network slirp4netns:cidr=10.9.0.0/24,enable_ipv6=false,outbound_addr=lo $IMAGE \
        sh -c 'ip -4 addr show tap0; ip -6 addr show tap0 scope global')
    run pcon inspect --format '{{.HostConfig.NetworkMode}}' "$cid"
    assert_output "slirp4netns:cidr=10.9.0.0/24,enable_ipv6=false,outbound_addr=lo"
    pcon start "$cid" >/dev/null
    pcon wait "$cid" >/dev/null
    run pcon logs "$cid"
    assert_output_contains "inet 10.9.0.100/24"
    refute_output_contains "fd00::"
    pcon rm "$cid" >/dev/null
}

@test "published ports listen on IPv6 too, as podman's: [::1] reaches -p P:80; -p [::1]:P:80 listens there alone" {
    local p1 p2 cid
    python3 -c 'import socket; socket.socket(socket.AF_INET6).bind(("::1", 0))' 2>/dev/null \
        || skip "the host has no IPv6 loopback"
    p1=$(free_port)
    p2=$(free_port)
    cid=$(pcon run -d -p "$p1:80" -p "[::1]:$p2:80" -p "$p1:5353/udp" -v "$PROBE_DIR:/probe:ro" $IMAGE \
        sh -c 'echo hello-six > /i; /probe/probe udpecho 5353 & httpd -f -p 80 -h /')
    wait_for 10 curl -sf "http://[::1]:$p1/i"
    run curl -sf "http://[::1]:$p1/i"
    assert_output "hello-six"
    run curl -sf "http://127.0.0.1:$p1/i"
    assert_output "hello-six"
    run curl -sf "http://[::1]:$p2/i"
    assert_output "hello-six"
    run curl -sf -m 3 "http://127.0.0.1:$p2/i"
    [ "$status" -ne 0 ]
    run timeout 20 python3 - "$p1" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.settimeout(2)
for attempt in range(5):
    s.sendto(b"over-six", ("::1", int(sys.argv[1])))
    try:
        print(s.recvfrom(100)[0].decode())
        break
    except socket.timeout:
        pass
PY
    assert_output "over-six"
    # podman writes an IPv6 address bare here
    run pcon port "$cid" 80
    assert_output "0.0.0.0:$p1
::1:$p2"
    pcon rm -f -t 0 "$cid" >/dev/null
}

@test "port_handler=slirp4netns publishes on IPv4 only: an IPv6 host address is exit 126, one line" {
    run --separate-stderr pcon run --rm -p "[::1]:$(free_port):80" --network slirp4netns:port_handler=slirp4netns $IMAGE true
    echo "$stderr"
    assert_status 126
    assert_one_error_line
    [[ "$stderr" == *"IPv4 addresses only"* ]]
    assert_no_containers
}
