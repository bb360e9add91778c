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

# host.containers.internal: the host's first global IPv4 address
host_internal_ip() {
    ip -o -4 addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }'
}

# the host's /etc/hosts as podman copies it: no comments, "IP\tNAME NAME"
host_hosts() {
    awk '{ sub(/#.*/, ""); if (NF < 2) next; l = $1 "\t" $2
           for (i = 3; i <= NF; i++) l = l " " $i; print l }' /etc/hosts
}

# the host's nameservers that are not loopback
host_servers() {
    awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" { print "nameserver " $2 }' /etc/resolv.conf
}

# what podman writes before the container's own line (none of the names
# given): the host's entries, localhost when the host has none, the host
expected_hosts_head() {
    host_hosts
    host_hosts | cut -f2 | tr ' ' '\n' | grep -qx localhost || printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n'
    [ -z "$(host_internal_ip)" ] || printf '%s\thost.containers.internal\n' "$(host_internal_ip)"
}

@test "--dns, --dns-search and --dns-option write resolv.conf as podman does" {
    run pcon run --rm --dns 192.0.2.53 --dns 2001:DB8::1 --dns-search example.org \
        --dns-search b.test --dns-option ndots:2 --dns-option edns0 $IMAGE cat /etc/resolv.conf
    assert_status 0
    # search first, the given servers, then the options: with --dns, nothing of the host's
    assert_output "search example.org b.test
nameserver 192.0.2.53
nameserver 2001:db8::1
options ndots:2 edns0"
    # commas separate values; an IPv4 address in IPv6 is written as IPv4
    run pcon run --rm --dns 192.0.2.1,::ffff:192.0.2.9 $IMAGE grep nameserver /etc/resolv.conf
    assert_output "nameserver 192.0.2.1
nameserver 192.0.2.9"
    # without --dns: libslirp's DNS, then the host's; the host's search
    # domains and options after the given ones
    run pcon run --rm --dns-option ndots:5 --dns-search example.org $IMAGE cat /etc/resolv.conf
    assert_output "search example.org$(host_words search)
nameserver 10.0.2.3
$(host_servers)
options ndots:5$(host_words options)"
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
    refute_output_contains "10.0.2.2"
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
    assert_output_contains "10.0.2.100	${id:0:12} oldrec"
    pcon rm oldrec >/dev/null
}

@test "/etc/hosts as podman 4.3 writes it: the host's, then host.containers.internal, then the container" {
    local id head
    head=$(expected_hosts_head)
    [ -n "$head" ]
    id=$(pcon create --name hostsfile $IMAGE cat /etc/hosts)
    run pcon start -a hostsfile
    assert_status 0
    assert_output "$head
10.0.2.100	${id:0:12} hostsfile"
    pcon rm hostsfile >/dev/null
    # --add-host first, --hostname; the address follows cidr=; names given
    # (or the host's) are not added again
    run pcon run --rm --hostname myh --name hostsfile2 --add-host foo:192.0.2.7 \
        --add-host host.containers.internal:192.0.2.9 --add-host myh:192.0.2.8 \
        --network slirp4netns:cidr=10.5.0.0/24 $IMAGE cat /etc/hosts
    assert_status 0
    assert_output "192.0.2.7	foo
192.0.2.9	host.containers.internal
192.0.2.8	myh
$(expected_hosts_head | grep -v host.containers.internal)
10.5.0.100	hostsfile2"
    # without a network: the container at 127.0.0.1; on the host's: not at all,
    # and the host's name is the container's
    run pcon run --rm --network none --hostname nh --name hostsfile3 $IMAGE cat /etc/hosts
    assert_output "$head
127.0.0.1	nh hostsfile3"
    run pcon run --rm --network host $IMAGE sh -c 'cat /etc/hosts; hostname'
    assert_output "$head
$(hostname)"
}

@test "resolv.conf: libslirp's server and the host's; none without a network; the host's on its network" {
    local want="nameserver 10.0.2.3
$(host_servers)"
    [ -z "$(host_words search)" ] || want="search$(host_words search)
$want"
    [ -z "$(host_words options)" ] || want="$want
options$(host_words options)"
    run pcon run --rm $IMAGE cat /etc/resolv.conf
    assert_status 0
    assert_output "$want"
    run pcon run --rm --network slirp4netns:cidr=10.5.0.0/24 $IMAGE grep -m1 nameserver /etc/resolv.conf
    assert_output "nameserver 10.5.0.3"
    # --network none: no resolv.conf at all (this image has none of its own)
    run pcon run --rm --network none $IMAGE test -e /etc/resolv.conf
    assert_status 1
    pcon run --name nores --network none $IMAGE true
    run pcon inspect --format '{{.ResolvConfPath}}|{{.HostsPath}}' nores
    [[ "$output" == "|/"*"/hosts" ]]
    pcon rm nores >/dev/null
    # the host's network: the host's servers, loopback ones too
    run pcon run --rm --network host $IMAGE grep nameserver /etc/resolv.conf
    assert_output "$(grep '^nameserver' /etc/resolv.conf | awk '{ print "nameserver " $2 }')"
}

@test "container:NAME shares the other's hosts and resolv.conf; its own line comes and goes" {
    local owner_hosts joiner
    pcon run -d --name fowner --hostname ownh $IMAGE sleep 1000 >/dev/null
    owner_hosts=$(pcon inspect --format '{{.HostsPath}}' fowner)
    joiner=$(pcon run -d --name fjoiner --network container:fowner $IMAGE sleep 1000)
    # the same files, not copies: what the owner adds, the joiner sees
    run pcon inspect --format '{{.HostsPath}} {{.ResolvConfPath}}' fjoiner
    assert_output "$(pcon inspect --format '{{.HostsPath}} {{.ResolvConfPath}}' fowner)"
    [ "$owner_hosts" != "" ]
    pcon exec fowner sh -c 'echo "192.0.2.55	added-by-owner" >> /etc/hosts'
    run pcon exec fjoiner tail -2 /etc/hosts
    assert_output "127.0.0.1	${joiner:0:12} fjoiner
192.0.2.55	added-by-owner"
    run pcon exec fjoiner cat /etc/resolv.conf
    assert_output "$(pcon exec fowner cat /etc/resolv.conf)"
    # the joiner's line goes when it stops
    pcon stop -t 0 fjoiner >/dev/null
    run pcon exec fowner cat /etc/hosts
    refute_output_contains "fjoiner"
    assert_output_contains "10.0.2.100	ownh fowner"
    # --no-hosts: the image's own (none here)
    run pcon run --rm --network container:fowner --no-hosts $IMAGE test -e /etc/hosts
    assert_status 1
    # what podman refuses on another's network
    run --separate-stderr pcon run --rm --network container:fowner --add-host foo:192.0.2.1 $IMAGE true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"invalid config provided: cannot set extra host entries when the container is joined to another containers network namespace: invalid configuration" ]]
    run --separate-stderr pcon run --rm --network container:fowner --dns-search a.test $IMAGE true
    assert_status 125
    [[ "$stderr" == *"conflicting options: dns and the network mode: container" ]]
    pcon rm fjoiner >/dev/null
    pcon rm -f -t 0 fowner >/dev/null
}

@test "a container whose network others join is not removed, even with --force, while they exist" {
    local owner j1 j2 msg
    owner=$(pcon run -d --name rowner $IMAGE sleep 1000)
    j1=$(pcon create --network container:rowner $IMAGE true)
    j2=$(pcon run -d --network container:rowner $IMAGE sleep 1000)
    msg="Error: container $owner has dependent containers which must be removed before it: $(printf '%s\n' "$j1" "$j2" | sort | paste -sd, - | sed 's/,/, /'): container already exists"
    run --separate-stderr pcon rm -f rowner
    assert_status 125
    [ "$stderr" = "$msg" ]
    # still there and running; stopped, the same
    run pcon inspect --format '{{.State.Status}}' rowner
    assert_output "running"
    pcon stop -t 0 rowner >/dev/null
    run --separate-stderr pcon rm rowner
    assert_status 125
    [ "$stderr" = "$msg" ]
    pcon rm -f "$j1" "$j2" >/dev/null
    run pcon rm rowner
    assert_status 0
}

@test "-p on none, host and container:X is discarded with podman's warning; silently on ns:PATH" {
    local warn="Port mappings have been discarded as one of the Host, Container, Pod, and None network modes are in use"
    local net pid
    pcon run -d --name powner $IMAGE sleep 1000 >/dev/null
    pid=$(pcon inspect --format '{{.State.Pid}}' powner)
    for net in none host container:powner; do
        run --separate-stderr pcon create --name pdisc -p 18090:80 --network "$net" $IMAGE true
        assert_status 0
        [ "$stderr" = "$warn" ] || { echo "$net: $stderr" >&2; return 1; }
        run pcon port pdisc
        assert_output ""
        run pcon inspect --format '{{json .NetworkSettings.Ports}}' pdisc
        assert_output "{}"
        run pcon ps -a --filter name=pdisc --format '{{.Ports}}'
        assert_output ""
        pcon rm pdisc >/dev/null
    done
    run --separate-stderr pcon run --rm -p 18090:80 --network host $IMAGE echo ran
    assert_status 0
    assert_output "ran"
    [ "$stderr" = "$warn" ]
    # -P alone says nothing
    run --separate-stderr pcon create --name pdisc -P --network none $IMAGE true
    [ "$stderr" = "" ]
    pcon rm pdisc >/dev/null
    # ns:PATH: no word, no port
    run --separate-stderr pcon create --name pdisc -p 18090:80 --network "ns:/proc/$pid/ns/net" $IMAGE true
    assert_status 0
    [ "$stderr" = "" ]
    run pcon port pdisc
    assert_output ""
    pcon rm pdisc >/dev/null
    pcon rm -f -t 0 powner >/dev/null
}

@test "inspect's HostConfig: Dns, DnsOptions, DnsSearch and ExtraHosts as podman prints them" {
    pcon create --name hcdns $IMAGE true >/dev/null
    run pcon inspect --format '{{json .HostConfig.Dns}}{{json .HostConfig.DnsOptions}}{{json .HostConfig.DnsSearch}}{{json .HostConfig.ExtraHosts}}' hcdns
    assert_output "[][][][]"
    pcon rm hcdns >/dev/null
    pcon create --name hcdns --dns 192.0.2.53 --dns ::ffff:192.0.2.9 --dns-search example.org \
        --dns-option ndots:2 --add-host foo:192.0.2.7 --add-host 'bar: 192.0.2.8' $IMAGE true >/dev/null
    run pcon inspect --format '{{json .HostConfig.Dns}}{{json .HostConfig.DnsOptions}}{{json .HostConfig.DnsSearch}}{{json .HostConfig.ExtraHosts}}' hcdns
    assert_output '["192.0.2.53","192.0.2.9"]["ndots:2"]["example.org"]["foo:192.0.2.7","bar: 192.0.2.8"]'
    # in podman's order, after AutoRemove
    run pcon inspect --format '{{json .HostConfig}}' hcdns
    [[ "$output" == *'"AutoRemove":false,"Dns":["192.0.2.53","192.0.2.9"],"DnsOptions":["ndots:2"],"DnsSearch":["example.org"],"ExtraHosts":["foo:192.0.2.7","bar: 192.0.2.8"]'* ]]
    pcon rm hcdns >/dev/null
}

@test "no value makes a line of its own in hosts or resolv.conf" {
    local nl=$'\n'
    # only the first line of a list option counts, as podman reads it (CSV)
    run pcon run --rm --add-host "foo:192.0.2.7${nl}192.0.2.66 evil" \
        --dns-option "ndots:1${nl}nameserver 192.0.2.66" --dns-search "a.test${nl}b.test" \
        $IMAGE sh -c 'cat /etc/hosts /etc/resolv.conf'
    assert_status 0
    refute_output_contains "192.0.2.66"
    refute_output_contains "b.test"
    assert_output_contains "192.0.2.7	foo"
    assert_output_contains "options ndots:1"
    # a hostname with a control character is refused
    run --separate-stderr pcon run --rm --hostname "a${nl}192.0.2.66 evil" $IMAGE true
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"invalid hostname: it holds a control character" ]]
    assert_no_containers
}
