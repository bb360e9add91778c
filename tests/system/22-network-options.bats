#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# The network options of create and run, as podman 4.3 has them: --dns,
# --dns-search, --dns-option and --add-host in the files the container
# sees, --no-hosts and --dns none leaving the image's own, -P publishing
# what the image exposes, inspect's NetworkSettings; bad values refused
# before anything is made.

load helpers

setup_file() {
    local root="$BATS_FILE_TMPDIR/etcroot"
    pcon_setup_store
    # an image with its own /etc/hosts and /etc/resolv.conf
    cp -a "$BB_ROOT" "$root"
    printf '192.0.2.99\tfrom-image\n' > "$root/etc/hosts"
    printf 'nameserver 192.0.2.98\n' > "$root/etc/resolv.conf"
    tar -C "$root" -cf "$BATS_FILE_TMPDIR/etc.tar" .
    pcon import "$BATS_FILE_TMPDIR/etc.tar" localhost/etcfiles >/dev/null
    pcon import --change 'EXPOSE 8080' --change 'EXPOSE 9090/udp' "$BB_TAR" localhost/exposing >/dev/null
}

# the host's search domains and options, which podman's come before
host_words() {
    awk -v k="$1" '$1 == k { $1 = ""; w = $0 } END { print w }' /etc/resolv.conf
}

@test "--dns, --dns-search and --dns-option write resolv.conf as podman does" {
    run pcon run --rm --dns 192.0.2.53 --dns 2001:DB8::1 --dns-search example.org \
        --dns-search b.test --dns-option ndots:2 --dns-option edns0 $IMAGE cat /etc/resolv.conf
    assert_status 0
    # search first, the given servers only, then the options (the host's after them)
    [ "${lines[0]}" = "search example.org b.test$(host_words search)" ]
    [ "${lines[1]}" = "nameserver 192.0.2.53" ]
    [ "${lines[2]}" = "nameserver 2001:db8::1" ]
    [ "${lines[3]}" = "options ndots:2 edns0$(host_words options)" ]
    [ "${#lines[@]}" -eq 4 ]
    # commas separate values; an IPv4 address in IPv6 is written as IPv4
    run pcon run --rm --dns 192.0.2.1,::ffff:192.0.2.9 $IMAGE grep nameserver /etc/resolv.conf
    assert_output "nameserver 192.0.2.1
nameserver 192.0.2.9"
    # without --dns: libslirp's DNS
    run pcon run --rm --dns-option ndots:5 $IMAGE grep nameserver /etc/resolv.conf
    assert_output "nameserver 10.0.2.3"
}

@test "--dns-search . means no search domains; --dns none keeps the image's resolv.conf" {
    run pcon run --rm --dns-search . $IMAGE cat /etc/resolv.conf
    assert_status 0
    refute_output_contains "search"
    assert_output_contains "nameserver 10.0.2.3"
    run pcon run --rm --dns none localhost/etcfiles cat /etc/resolv.conf
    assert_output "nameserver 192.0.2.98"
    pcon create --name dnsnone --dns none localhost/etcfiles true >/dev/null
    run pcon inspect --format '{{.ResolvConfPath}}|{{.HostsPath}}' dnsnone
    [[ "$output" == "|/"*"/hosts" ]]
    pcon rm dnsnone >/dev/null
}

@test "--add-host lines come first in /etc/hosts, the usual ones after" {
    run pcon run --rm --add-host foo:192.0.2.7 --add-host bar:2001:db8::7,baz:192.0.2.8 \
        $IMAGE cat /etc/hosts
    assert_status 0
    [ "${lines[0]}" = "192.0.2.7	foo" ]
    [ "${lines[1]}" = "2001:db8::7	bar" ]
    [ "${lines[2]}" = "192.0.2.8	baz" ]
    assert_output_contains "10.0.2.2	host.containers.internal"
    # also without a network, and on the host's (where the dns options apply too)
    run pcon run --rm --network none --add-host foo:192.0.2.7 $IMAGE head -1 /etc/hosts
    assert_output "192.0.2.7	foo"
    run pcon run --rm --network host --add-host foo:192.0.2.7 --dns-option ndots:3 $IMAGE \
        sh -c 'head -1 /etc/hosts; grep ^options /etc/resolv.conf'
    assert_output "192.0.2.7	foo
options ndots:3$(host_words options)"
}

@test "--no-hosts: the image's /etc/hosts stays, none is bound" {
    run pcon run --rm --no-hosts localhost/etcfiles cat /etc/hosts
    assert_status 0
    assert_output "192.0.2.99	from-image"
    # an image without one has none
    run pcon run --rm --no-hosts $IMAGE test -e /etc/hosts
    assert_status 1
    pcon create --name nohosts --no-hosts $IMAGE true >/dev/null
    run pcon inspect --format '{{.HostsPath}}' nohosts
    assert_output ""
    pcon rm nohosts >/dev/null
}

@test "bad network option values are one usage error each, and nothing is made" {
    local -a cases=(
        "--dns 1.2.3|1.2.3 is not an ip address"
        "--dns 192.0.2.1,|Error:  is not an ip address"
        "--dns 192.0.2.1 --dns none|none is not allowed to be specified with other DNS ip addresses"
        "--dns-search -x|-x is not a valid domain"
        "--dns-search a..b|a..b is not a valid domain"
        "--dns-search 123|123 is not a valid domain"
        "--dns-search . --dns-search a.b|cannot pass additional search domains when also specifying '.'"
        "--add-host foo|bad format for add-host: \"foo\""
        "--add-host :192.0.2.1|bad format for add-host: \":192.0.2.1\""
        "--add-host foo:bar|invalid IP address in add-host: \"bar\""
        "--add-host foo:192.0.2.1:5|invalid IP address in add-host: \"192.0.2.1:5\""
        "--no-hosts --add-host foo:192.0.2.1|--no-hosts and --add-host cannot be set together"
        "--network none --dns-option ndots:1|conflicting options: dns and the network mode: none"
        "--network none --dns 192.0.2.1|conflicting options: dns and the network mode: none"
        "--dns none --dns-search a.b|UseImageResolvConf and DNSSearch are mutually exclusive options"
        "--dns none --dns-option ndots:1|UseImageResolvConf and DNSOption are mutually exclusive options"
    )
    local c args msg
    for c in "${cases[@]}"; do
        args=${c%%|*} msg=${c#*|}
        # shellcheck disable=SC2086 # the options are words
        run --separate-stderr pcon run --rm --name badnet $args $IMAGE true
        assert_status 125
        assert_one_error_line
        [[ "$stderr" == *"$msg"* ]] || { echo "$args: $stderr" >&2; return 1; }
    done
    assert_no_containers
}

@test "values podman takes: a trailing dot or space in a domain, spaces around an add-host address" {
    run pcon run --rm --dns-search example.org. --add-host 'foo: 192.0.2.7' $IMAGE \
        sh -c 'head -1 /etc/resolv.conf; head -1 /etc/hosts'
    assert_status 0
    assert_output "search example.org.$(host_words search)
 192.0.2.7	foo"
}

@test "-P publishes every port the image exposes on a random host port; port lists them" {
    local port8080 port9090
    pcon create --name pall -P localhost/exposing true >/dev/null
    run pcon port pall
    assert_status 0
    [ "${#lines[@]}" -eq 2 ]
    [[ "${lines[0]}" =~ ^8080/tcp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
    port8080=${BASH_REMATCH[1]}
    [[ "${lines[1]}" =~ ^9090/udp\ -\>\ 0\.0\.0\.0:([0-9]+)$ ]]
    port9090=${BASH_REMATCH[1]}
    [ "$port8080" -gt 0 ] && [ "$port9090" -gt 0 ]
    run pcon inspect --format '{{json .NetworkSettings.Ports}}' pall
    assert_output "{\"8080/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"$port8080\"}],\"9090/udp\":[{\"HostIp\":\"\",\"HostPort\":\"$port9090\"}]}"
    pcon rm pall >/dev/null
    # a port -p publishes keeps its host port; the others get random ones
    pcon create --name pall2 -P -p 127.0.0.1:18080:8080 localhost/exposing true >/dev/null
    run pcon port pall2 8080/tcp
    assert_output "127.0.0.1:18080"
    run pcon port pall2 9090/udp
    [[ "$output" =~ ^0\.0\.0\.0:[0-9]+$ ]]
    pcon rm pall2 >/dev/null
    # nothing without a user-mode network, nothing when the image exposes nothing
    pcon create --name pall3 -P --network none localhost/exposing true >/dev/null
    run pcon port pall3
    assert_output ""
    pcon rm pall3 >/dev/null
    pcon create --name pall4 -P $IMAGE true >/dev/null
    run pcon port pall4
    assert_output ""
    pcon rm pall4 >/dev/null
}

@test "-P: the random host port reaches the exposed port" {
    local port
    pcon run -d --name pweb -P localhost/exposing sh -c \
        'mkdir -p /www && echo hello-exposed > /www/index.html && exec httpd -f -p 8080 -h /www' >/dev/null
    run pcon port pweb 8080
    [[ "$output" =~ ^0\.0\.0\.0:([0-9]+)$ ]]
    port=${BASH_REMATCH[1]}
    wait_for 10 curl -sf "http://127.0.0.1:$port/"
    run curl -sf "http://127.0.0.1:$port/"
    assert_output "hello-exposed"
    pcon rm -f -t 0 pweb >/dev/null
}

@test "inspect's NetworkSettings: podman's fields, the sandbox key while it runs" {
    local pid
    pcon run -d -i --name netins -p 18081:80 $IMAGE cat >/dev/null
    pid=$(pcon inspect --format '{{.State.Pid}}' netins)
    run pcon inspect --format '{{.NetworkSettings.SandboxKey}}' netins
    assert_output "/proc/$pid/ns/net"
    # the container's network namespace, not pcon's
    [ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
    run pcon inspect --format '{{json .NetworkSettings}}' netins
    assert_output "{\"EndpointID\":\"\",\"Gateway\":\"\",\"IPAddress\":\"\",\"IPPrefixLen\":0,\"IPv6Gateway\":\"\",\"GlobalIPv6Address\":\"\",\"GlobalIPv6PrefixLen\":0,\"MacAddress\":\"\",\"Bridge\":\"\",\"SandboxID\":\"\",\"HairpinMode\":false,\"LinkLocalIPv6Address\":\"\",\"LinkLocalIPv6PrefixLen\":0,\"Ports\":{\"80/tcp\":[{\"HostIp\":\"\",\"HostPort\":\"18081\"}]},\"SandboxKey\":\"/proc/$pid/ns/net\"}"
    pcon stop -t 0 netins >/dev/null
    run pcon inspect --format '{{.NetworkSettings.SandboxKey}}' netins
    assert_output ""
    pcon rm netins >/dev/null
    # none: no sandbox key even while it runs
    pcon run -d -i --name netins2 --network none $IMAGE cat >/dev/null
    run pcon inspect --format '{{.NetworkSettings.SandboxKey}}' netins2
    assert_output ""
    pcon rm -f -t 0 netins2 >/dev/null
}

@test "records from before the network options load and start with the defaults" {
    local id rec
    id=$(pcon create --name oldrec $IMAGE cat /etc/resolv.conf /etc/hosts)
    rec="$PCON_ROOT/containers/$id/container.json"
    grep -q '"no_hosts"' "$rec"
    sed -i -E 's/,"no_hosts":(true|false),"no_resolv_conf":(true|false)//' "$rec"
    run grep -c '"no_hosts"\|"dns' "$rec"
    assert_output "0"
    run pcon start -a oldrec
    assert_status 0
    assert_output_contains "nameserver 10.0.2.3"
    assert_output_contains "10.0.2.2	host.containers.internal"
    pcon rm oldrec >/dev/null
}
