#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# User-defined networks: network create/ls/inspect/exists/rm/prune with
# podman's documents and errors; containers on a bridge in the user's
# networks namespace (pcon-netd), names answered by its DNS on the gateway,
# several networks, internal ones, published ports, --ip.

load helpers

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

netd_gone() {
    [ ! -S "$PCON_RUNROOT/netd.sock" ]
}

# every test leaves no network behind, even when it fails
teardown() {
    local n
    for n in $(pcon network ls -q 2>/dev/null); do
        [ "$n" = podman ] || pcon network rm -f "$n" >/dev/null 2>&1 || true
    done
}

@test "network create, ls, inspect, exists, rm: podman's documents, errors and exit codes" {
    run pcon network ls --format '{{.Name}} {{.ID}} {{.Driver}}'
    assert_output "podman 2f259bab93aa bridge"
    run pcon network create appnet
    assert_output "appnet"
    run pcon network inspect --format '{{.Name}} {{.Driver}} {{.NetworkInterface}} {{.DNSEnabled}} {{.Internal}}' appnet
    assert_output "appnet bridge podman1 true false"
    run pcon network inspect appnet
    assert_output_contains '"network_interface": "podman1"'
    assert_output_contains '"subnet": "10.89.0.0/24"'
    assert_output_contains '"gateway": "10.89.0.1"'
    assert_output_contains '"dns_enabled": true'
    run pcon network create --subnet 10.90.7.0/24 --gateway 10.90.7.254 --ip-range 10.90.7.128/25 \
        --internal --label team=a --disable-dns net2
    run pcon network inspect net2
    assert_output_contains '"subnet": "10.90.7.0/24"'
    assert_output_contains '"gateway": "10.90.7.254"'
    assert_output_contains '"start_ip": "10.90.7.129"'
    assert_output_contains '"end_ip": "10.90.7.254"'
    assert_output_contains '"internal": true'
    assert_output_contains '"dns_enabled": false'
    run pcon network inspect --format '{{.Labels.team}} {{json .Subnets}}' net2
    assert_output 'a [{"subnet":"10.90.7.0/24","gateway":"10.90.7.254","lease_range":{"start_ip":"10.90.7.129","end_ip":"10.90.7.254"}}]'
    run pcon network ls
    [[ "${lines[0]}" =~ ^NETWORK\ ID\ +NAME\ +DRIVER$ ]]
    [[ "${lines[1]}" =~ ^[0-9a-f]{12}\ +appnet\ +bridge$ ]]
    [[ "${lines[2]}" =~ ^[0-9a-f]{12}\ +net2\ +bridge$ ]]
    [[ "${lines[3]}" =~ ^2f259bab93aa\ +podman\ +bridge$ ]]
    run pcon network ls -q --filter label=team=a
    assert_output "net2"
    # by id prefix too
    id=$(pcon network inspect --format '{{.ID}}' appnet)
    run pcon network exists "${id:0:10}"
    assert_status 0
    run --separate-stderr pcon network create appnet
    assert_status 125
    [ "$stderr" = "Error: network name appnet already used: network already exists" ]
    run --separate-stderr pcon network create --subnet 10.89.0.0/24 over
    assert_status 125
    [ "$stderr" = "Error: subnet 10.89.0.0/24 is already used on the host or by another config" ]
    run --separate-stderr pcon network create --subnet 10.89.0.1/24 bad
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon network create 'bad/name'
    assert_status 125
    [ "$stderr" = "Error: network name bad/name invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument" ]
    run pcon network exists nope
    assert_status 1
    run --separate-stderr pcon network inspect nope
    assert_status 125
    [ "$stderr" = "Error: inspecting object: network nope: unable to find network with name or ID nope: network not found" ]
    run --separate-stderr pcon network rm nope
    assert_status 1
    [ "$stderr" = "Error: unable to find network with name or ID nope: network not found" ]
    run pcon network rm appnet net2
    assert_output $'appnet\nnet2'
    run pcon network ls -q
    assert_output "podman"
    # nothing half-made: no record, no temporary left
    run ls "$PCON_ROOT/networks"
    assert_output ""
}

@test "concurrent network create of one name: exactly one wins; of two names: two subnets" {
    local i
    for i in 1 2 3 4; do
        pcon network create race >"$BATS_TEST_TMPDIR/out$i" 2>&1 &
    done
    wait
    run cat "$BATS_TEST_TMPDIR"/out*
    [ "$(grep -c '^race$' <<<"$output")" = 1 ]
    [ "$(grep -c 'already exists' <<<"$output")" = 3 ]
    pcon network create other >/dev/null &
    pcon network create third >/dev/null &
    wait
    run pcon network ls --format '{{json .Subnets}}'
    [ "$(echo "$output" | wc -l)" = 4 ]
    [ "$(sort <<<"$output" | uniq -d)" = "" ]
    pcon network rm race other third >/dev/null
}

@test "containers on a network resolve each other by name, alias and short id; addresses and routes as podman's" {
    pcon network create appnet >/dev/null
    pcon run -d --name db --network appnet --network-alias database $IMAGE \
        sh -c 'echo db-answers > /tmp/index.html; exec httpd -f -p 8080 -h /tmp' >/dev/null
    dbid=$(pcon inspect --format '{{.Id}}' db)
    run pcon inspect --format '{{.NetworkSettings.Networks.appnet.IPAddress}}/{{.NetworkSettings.Networks.appnet.IPPrefixLen}} {{.NetworkSettings.Networks.appnet.Gateway}}' db
    assert_output "10.89.0.2/24 10.89.0.1"
    run pcon inspect --format '{{json .NetworkSettings.Networks.appnet.Aliases}}' db
    assert_output "[\"database\",\"${dbid:0:12}\"]"
    run pcon run --rm --name client --network appnet $IMAGE sh -c \
        'ip -o -4 addr show eth0; ip route; cat /etc/resolv.conf; grep client /etc/hosts'
    assert_status 0
    assert_output_contains "inet 10.89.0.3/24"
    assert_output_contains "default via 10.89.0.1 dev eth0"
    assert_output_contains $'search dns.podman\nnameserver 10.89.0.1'
    [[ "$output" =~ 10\.89\.0\.3[[:space:]][0-9a-f]{12}[[:space:]]client ]]
    for name in db database "${dbid:0:12}" db.dns.podman DB; do
        run pcon run --rm --network appnet $IMAGE nslookup "$name"
        assert_status 0
        assert_output_contains "Address: 10.89.0.2"
    done
    run pcon run --rm --network appnet $IMAGE timeout 5 wget -qO- http://database:8080/
    assert_output "db-answers"
    # an unknown name of the networks' domain is NXDOMAIN, not forwarded
    run pcon run --rm --network appnet $IMAGE nslookup nobody.dns.podman
    assert_status 1
    assert_output_contains "NXDOMAIN"
    # a name is answered only while its container runs
    pcon rm -f -t 0 db >/dev/null
    run pcon run --rm --network appnet $IMAGE nslookup db.dns.podman
    assert_status 1
    pcon network rm appnet >/dev/null
    assert_no_containers
}

@test "a container on two networks reaches both; the networks are apart" {
    pcon network create --subnet 10.91.1.0/24 neta >/dev/null
    pcon network create --subnet 10.91.2.0/24 netb >/dev/null
    pcon run -d --name sa --network neta $IMAGE httpd -f -p 80 -h /etc >/dev/null
    pcon run -d --name sb --network netb $IMAGE httpd -f -p 80 -h /etc >/dev/null
    run pcon run --rm --network neta,netb $IMAGE sh -c \
        'ip -o -4 addr show | grep eth; wget -qO- http://sa/hostname; wget -qO- http://sb/hostname'
    assert_status 0
    assert_output_contains "eth0    inet 10.91.1.3/24"
    assert_output_contains "eth1    inet 10.91.2.3/24"
    assert_output_contains "$(pcon inspect --format '{{.Id}}' sa | cut -c1-12)"
    assert_output_contains "$(pcon inspect --format '{{.Id}}' sb | cut -c1-12)"
    # --network given twice is the same
    run pcon run --rm --network neta --network netb $IMAGE ls /sys/class/net
    assert_output $'eth0\neth1\nlo'
    # names of one network are not answered on another
    run pcon run --rm --network netb $IMAGE nslookup sa.dns.podman
    assert_status 1
    pcon rm -f -t 0 sa sb >/dev/null
    pcon network rm neta netb >/dev/null
}

@test "an internal network has no way out; its members still reach each other" {
    local hostaddr port
    hostaddr=$(ip -o -4 addr show scope global | awk '{ sub("/.*", "", $4); print $4; exit }')
    [ -n "$hostaddr" ] || skip "the host has no global IPv4 address to reach"
    port=$(free_port)
    python3 -m http.server --bind "$hostaddr" "$port" --directory /etc >/dev/null 2>&1 &
    server=$!
    wait_for 10 curl -sf -o /dev/null "http://$hostaddr:$port/hostname"
    pcon network create open >/dev/null
    pcon network create --internal closed >/dev/null
    # the open network's way out: the host through libslirp
    run pcon run --rm --network open $IMAGE timeout 5 wget -qO- "http://$hostaddr:$port/hostname"
    assert_status 0
    assert_output "$(cat /etc/hostname)"
    pcon run -d --name inner --network closed $IMAGE httpd -f -p 80 -h /etc >/dev/null
    run pcon run --rm --network closed $IMAGE sh -c 'ip route; timeout 5 wget -qO- http://inner/hostname'
    assert_status 0
    refute_output_contains "default"
    # even with a route of its own, nothing is forwarded from it
    run pcon run --rm --network closed $IMAGE sh -c \
        "ip route add default via 10.89.1.1 2>/dev/null || ip route add default via \$(ip route | awk '{print \$NF; exit}'); timeout 5 wget -qO- http://$hostaddr:$port/hostname"
    [ "$status" -ne 0 ]
    kill "$server"
    pcon rm -f -t 0 inner >/dev/null
    pcon network rm open closed >/dev/null
}

@test "-p on a network publishes on the host; the port is free again once the container is gone" {
    local port
    port=$(free_port)
    pcon network create pubnet >/dev/null
    pcon run -d --name web --network pubnet -p "$port:8080" $IMAGE sh -c \
        'echo via-network > /tmp/i.html; exec httpd -f -p 8080 -h /tmp' >/dev/null
    wait_for 10 curl -sf "http://127.0.0.1:$port/i.html"
    run curl -sf "http://127.0.0.1:$port/i.html"
    assert_output "via-network"
    run pcon port web
    assert_output "8080/tcp -> 0.0.0.0:$port"
    run pcon ps --format '{{.Ports}}' --filter name=web
    assert_output "0.0.0.0:$port->8080/tcp"
    pcon rm -f -t 0 web >/dev/null
    # released before rm returned: published again at once
    run pcon run -d --name web2 --network pubnet -p "$port:8080" $IMAGE httpd -f -p 8080 -h /etc
    assert_status 0
    pcon rm -f -t 0 web2 >/dev/null
    pcon network rm pubnet >/dev/null
}

@test "--ip gives a fixed address; a taken one is refused; --ip and aliases need a network" {
    pcon network create --subnet 10.92.0.0/24 ipnet >/dev/null
    pcon run -d --name fixed --network ipnet --ip 10.92.0.50 $IMAGE sleep 60 >/dev/null
    run pcon inspect --format '{{.NetworkSettings.Networks.ipnet.IPAddress}}' fixed
    assert_output "10.92.0.50"
    run --separate-stderr pcon run --rm --network ipnet --ip 10.92.0.50 $IMAGE true
    assert_status 125
    [[ "$stderr" == *"requested ip address 10.92.0.50 is already allocated"* ]]
    run --separate-stderr pcon run --rm --network ipnet --ip 10.93.0.5 $IMAGE true
    assert_status 125
    [ "$stderr" = "Error: requested static ip 10.93.0.5 not in any subnet on network ipnet" ]
    run --separate-stderr pcon run --rm --ip 10.92.0.9 $IMAGE true
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon run --rm --network-alias x $IMAGE true
    assert_status 125
    assert_one_error_line
    pcon rm -f -t 0 fixed >/dev/null
    pcon network rm ipnet >/dev/null
    assert_no_containers
}

@test "network rm of a network in use is exit 2; -f removes its containers; prune keeps used ones" {
    pcon network create busy >/dev/null
    pcon network create idle >/dev/null
    pcon create --name user --network busy $IMAGE true >/dev/null
    run --separate-stderr pcon network rm busy
    assert_status 2
    [ "$stderr" = 'Error: "busy" has associated containers with it. Use -f to forcibly delete containers and pods: network is being used' ]
    run pcon network prune -f
    assert_output "idle"
    run pcon network ls -q
    assert_output $'busy\npodman'
    run pcon network rm -f busy
    assert_output "busy"
    run pcon container exists user
    assert_status 1
    run --separate-stderr pcon network rm podman
    assert_status 125
    assert_one_error_line
}

@test "pcon-netd starts with the first container on a network and is gone after the last" {
    pcon network create lifenet >/dev/null
    # (the previous tests' lingers two seconds)
    wait_for 10 netd_gone
    pcon run -d --name l1 --network lifenet $IMAGE sleep 60 >/dev/null
    [ -S "$PCON_RUNROOT/netd.sock" ]
    pgrep -u "$(id -u)" -x pcon-netd >/dev/null
    pcon rm -f -t 0 l1 >/dev/null
    wait_for 10 netd_gone
    pcon network rm lifenet >/dev/null
}

@test "--label on a container: inspect, ps --filter label=, --label-file" {
    printf 'from=file\n# a comment\n\nbare\n' >"$BATS_TEST_TMPDIR/labels"
    pcon create --name lab --label app=web -l tier=front --label-file "$BATS_TEST_TMPDIR/labels" $IMAGE true >/dev/null
    run pcon inspect --format '{{.Config.Labels.app}} {{.Config.Labels.tier}} {{.Config.Labels.from}} [{{.Config.Labels.bare}}]' lab
    assert_output "web front file []"
    run pcon ps -a --filter label=app=web --format '{{.Names}}'
    assert_output "lab"
    run pcon ps -a --filter label=app --format '{{.Names}}'
    assert_output "lab"
    run pcon ps -a --filter label=app=db --format '{{.Names}}'
    assert_output ""
    run pcon ps -a --filter name=lab --format '{{.Labels.tier}}'
    assert_output "front"
    pcon rm lab >/dev/null
}

@test "a pod on a network: the pod's name and its members' names answer with the pod's address" {
    pcon network create podnet >/dev/null
    pcon pod create --name shop --network podnet >/dev/null
    pcon run -d --pod shop --name cashier $IMAGE sh -c 'echo till > /tmp/t; exec httpd -f -p 80 -h /tmp' >/dev/null
    run pcon run --rm --network podnet $IMAGE sh -c 'nslookup shop; nslookup cashier; wget -qO- http://cashier/t'
    assert_status 0
    [ "$(grep -c 'Address: 10.89.0.2' <<<"$output")" = 2 ]
    assert_output_contains "till"
    # a member's name goes with it
    pcon rm -f -t 0 cashier >/dev/null
    run pcon run --rm --network podnet $IMAGE nslookup cashier.dns.podman
    assert_status 1
    pcon pod rm -f -t 0 shop >/dev/null
}

@test "network connect and disconnect: a stopped container's record, a running one's interfaces at once" {
    pcon network create --subnet 10.94.1.0/24 c1 >/dev/null
    pcon network create --subnet 10.94.2.0/24 c2 >/dev/null
    pcon create --name hop --network c1 $IMAGE httpd -f -p 80 -h /etc >/dev/null
    run pcon network connect c2 hop
    assert_status 0
    # connected already: done, as podman
    run pcon network connect c2 hop
    assert_status 0
    run pcon inspect --format '{{json .NetworkSettings.Networks}}' hop
    assert_output_contains '"c1":'
    assert_output_contains '"c2":'
    run pcon network disconnect c2 hop
    assert_status 0
    run --separate-stderr pcon network disconnect c2 hop
    assert_status 125
    [ "$stderr" = "Error: container hop is not connected to network c2" ]
    run --separate-stderr pcon network disconnect c1 hop
    assert_status 125
    assert_one_error_line
    run --separate-stderr pcon network connect nope hop
    assert_status 125
    [ "$stderr" = "Error: unable to find network with name or ID nope: network not found" ]
    # running: an interface more, named on the new network, and gone again
    pcon start hop >/dev/null
    pcon network connect --alias hopper c2 hop
    run pcon exec hop ip -o -4 addr show
    assert_output_contains "eth0    inet 10.94.1.2/24"
    assert_output_contains "eth1    inet 10.94.2.2/24"
    run pcon run --rm --network c2 $IMAGE sh -c 'nslookup hopper; wget -qO- http://hop/hostname'
    assert_status 0
    assert_output_contains "Address: 10.94.2.2"
    run pcon inspect --format '{{.NetworkSettings.Networks.c2.IPAddress}}' hop
    assert_output "10.94.2.2"
    pcon network disconnect c2 hop
    run pcon exec hop ls /sys/class/net
    assert_output $'eth0\nlo'
    run pcon run --rm --network c2 $IMAGE nslookup hopper.dns.podman
    assert_status 1
    # a restart brings back its networks of the record
    pcon network connect c2 hop
    pcon restart -t 0 hop >/dev/null
    run pcon exec hop ls /sys/class/net
    assert_output $'eth0\neth1\nlo'
    run --separate-stderr pcon network connect c1 "$(pcon create --network none $IMAGE true)"
    assert_status 125
    assert_one_error_line
    pcon rm -a -f -t 0 >/dev/null
}

@test "--network NAME:alias=,ip=,mac=,interface_name= are that network's own; inspect shows each network's aliases" {
    pcon network create --subnet 10.95.1.0/24 pn1 >/dev/null
    pcon network create --subnet 10.95.2.0/24 pn2 >/dev/null
    pcon run -d --name opts --network pn1:alias=first,ip=10.95.1.50,mac=02:11:22:33:44:55 \
        --network pn2:alias=second,interface_name=net2 $IMAGE httpd -f -p 80 -h /etc >/dev/null
    run pcon inspect --format '{{.NetworkSettings.Networks.pn1.IPAddress}} {{.NetworkSettings.Networks.pn1.MacAddress}} {{json .NetworkSettings.Networks.pn1.Aliases}} {{json .NetworkSettings.Networks.pn2.Aliases}}' opts
    assert_output "10.95.1.50 02:11:22:33:44:55 [\"first\",\"$(pcon inspect --format '{{.Id}}' opts | cut -c1-12)\"] [\"second\",\"$(pcon inspect --format '{{.Id}}' opts | cut -c1-12)\"]"
    run pcon exec opts sh -c 'cat /sys/class/net/eth0/address; ls /sys/class/net | sort | tr "\n" " "'
    assert_output $'02:11:22:33:44:55\neth0 lo net2 '
    # each alias answers on its own network only
    run pcon run --rm --network pn1 $IMAGE nslookup first
    assert_status 0
    assert_output_contains "Address: 10.95.1.50"
    run pcon run --rm --network pn2 $IMAGE nslookup first
    assert_status 1
    run pcon run --rm --network pn2 $IMAGE nslookup second
    assert_status 0
    # a restart keeps them
    pcon restart -t 0 opts >/dev/null
    run pcon exec opts cat /sys/class/net/eth0/address
    assert_output 02:11:22:33:44:55
    # --mac-address: the first network's
    pcon run -d --name mac1 --network pn2 --mac-address 02:00:00:00:00:0a $IMAGE sleep 60 >/dev/null
    run pcon exec mac1 cat /sys/class/net/eth0/address
    assert_output 02:00:00:00:00:0a
    # bad options: one line, nothing made
    run -125 --separate-stderr pcon run --rm --network pn1:ip=10.95.2.9 $IMAGE true
    [ "$stderr" = "Error: requested static ip 10.95.2.9 not in any subnet on network pn1" ]
    run -125 --separate-stderr pcon run --rm --network pn1:bogus=1 $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --network pn1:mac=01:00:00:00:00:01 $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --network pn1:interface_name=../x $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --mac-address nope --network pn1 $IMAGE true
    assert_one_error_line
    run -125 --separate-stderr pcon run --rm --mac-address 02:00:00:00:00:0b --network none $IMAGE true
    assert_one_error_line
    pcon rm -f -t 0 opts mac1 >/dev/null
    assert_no_containers
}

@test "network connect --ip, --alias, --mac-address: the container's own on that network, gone with disconnect" {
    pcon network create --subnet 10.96.1.0/24 cn1 >/dev/null
    pcon network create --subnet 10.96.2.0/24 cn2 >/dev/null
    pcon run -d --name con --network cn1 $IMAGE httpd -f -p 80 -h /etc >/dev/null
    pcon network connect --ip 10.96.2.77 --alias conn2 --mac-address 02:aa:bb:cc:dd:ee cn2 con
    run pcon exec con sh -c 'ip -o -4 addr show eth1 | awk "{print \$4}"; cat /sys/class/net/eth1/address'
    assert_output $'10.96.2.77/24\n02:aa:bb:cc:dd:ee'
    run pcon run --rm --network cn2 $IMAGE sh -c 'nslookup conn2 | grep "Address: 10.96"; wget -qO- http://conn2/hostname'
    assert_status 0
    assert_output "Address: 10.96.2.77
$(pcon inspect --format '{{.Config.Hostname}}' con)"
    run pcon run --rm --network cn1 $IMAGE nslookup conn2
    assert_status 1
    run pcon inspect --format '{{json .NetworkSettings.Networks.cn2.Aliases}}' con
    assert_output_contains '"conn2"'
    # a stopped container gets them at its start
    pcon network disconnect cn2 con
    pcon stop -t 0 con >/dev/null
    pcon network connect --ip 10.96.2.88 cn2 con
    pcon start con >/dev/null
    run pcon inspect --format '{{.NetworkSettings.Networks.cn2.IPAddress}}' con
    assert_output 10.96.2.88
    run pcon run --rm --network cn2 $IMAGE nslookup conn2
    assert_status 1
    pcon network disconnect cn2 con
    run -125 --separate-stderr pcon network connect --ip 10.96.1.5 cn2 con
    [ "$stderr" = "Error: requested static ip 10.96.1.5 not in any subnet on network cn2" ]
    run -125 --separate-stderr pcon network connect --mac-address zz cn2 con
    assert_one_error_line
    run pcon inspect --format '{{json .NetworkSettings.Networks}}' con
    [[ "$output" != *'"cn2"'* ]]
    pcon rm -f -t 0 con >/dev/null
}

@test "--opt isolate=true: two isolated networks cannot reach each other; others still can; podman's option text" {
    pcon network create --opt isolate=1 --subnet 10.97.1.0/24 iso1 >/dev/null
    pcon network create --opt isolate=true --subnet 10.97.2.0/24 iso2 >/dev/null
    pcon network create --subnet 10.97.3.0/24 open3 >/dev/null
    run pcon network inspect --format '{{json .Options}}' iso1
    assert_output '{"isolate":"true"}'
    local n
    for n in 1 2 3; do
        pcon run -d --name "s$n" --network "$([ $n = 3 ] && echo open3 || echo iso$n)" $IMAGE httpd -f -p 80 -h /etc >/dev/null
    done
    get() { pcon exec "$1" sh -c "printf 'GET /hostname HTTP/1.0\r\n\r\n' | nc -w 3 $2 80 | tail -1"; }
    run get s1 10.97.2.2
    [[ "$output" == *"unreachable"* ]]
    run get s2 10.97.1.2
    [[ "$output" == *"unreachable"* ]]
    run get s1 10.97.3.2
    assert_output "$(pcon inspect --format '{{.Config.Hostname}}' s3)"
    run get s3 10.97.1.2
    assert_output "$(pcon inspect --format '{{.Config.Hostname}}' s1)"
    # its own members still talk
    run pcon run --rm --network iso1 $IMAGE wget -qO- http://s1/hostname
    assert_output "$(pcon inspect --format '{{.Config.Hostname}}' s1)"
    run -125 --separate-stderr pcon network create --opt isolate=maybe bad
    [ "$stderr" = 'Error: failed to parse isolate option: strconv.ParseBool: parsing "maybe": invalid syntax' ]
    run -125 --separate-stderr pcon network create --opt vlan=x bad
    assert_one_error_line
    pcon rm -f -t 0 s1 s2 s3 >/dev/null
    run pcon network exists bad
    assert_status 1
}

@test "the network's DNS answers PTR for its containers and answers over TCP too, several queries on one connection" {
    pcon network create --subnet 10.98.1.0/24 dnsnet >/dev/null
    pcon run -d --name revd --network dnsnet:alias=rev-alias $IMAGE sleep 60 >/dev/null
    # a reverse lookup: the container's name in the network's domain
    run pcon run --rm --network dnsnet $IMAGE nslookup 10.98.1.2 10.98.1.1
    assert_status 0
    assert_output_contains "2.1.98.10.in-addr.arpa	name = revd.dns.podman"
    # an address of the network no container has: NXDOMAIN, not forwarded
    run pcon run --rm --network dnsnet $IMAGE nslookup 10.98.1.77 10.98.1.1
    assert_status 1
    assert_output_contains "NXDOMAIN"
    # TCP: names, aliases, the domain, and PTR, back to back on one connection
    run pcon run --rm --network dnsnet -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe dnstcp 10.98.1.1 a revd rev-alias.dns.podman nosuch.dns.podman
    assert_status 0
    assert_output "revd rcode=0
A 10.98.1.2
rev-alias.dns.podman rcode=0
A 10.98.1.2
nosuch.dns.podman rcode=3"
    run pcon run --rm --network dnsnet -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe dnstcp 10.98.1.1 ptr 2.1.98.10.in-addr.arpa
    assert_output "2.1.98.10.in-addr.arpa rcode=0
PTR revd.dns.podman"
    pcon rm -f -t 0 revd >/dev/null
}

@test "network create --ipv6: a unique local /64 beside the IPv4 subnet; subnets, gateways and ranges per family; podman's errors" {
    run pcon network create --ipv6 dual
    assert_status 0
    run pcon network inspect --format '{{json .Subnets}} {{.IPv6Enabled}}' dual
    [[ "$output" =~ ^\[\{\"subnet\":\"10\.89\.[0-9]+\.0/24\",\"gateway\":\"10\.89\.[0-9]+\.1\"\},\{\"subnet\":\"(fd[0-9a-f]{2}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4})::/64\",\"gateway\":\"([^\"]+)\"\}\]\ true$ ]]
    [ "${BASH_REMATCH[2]}" = "${BASH_REMATCH[1]}::1" ]
    run pcon network ls --format '{{.Name}} {{.IPv6Enabled}}' --filter name=dual
    assert_output "dual true"
    # both subnets given, each with its gateway, in the order given
    pcon network create --subnet 10.97.0.0/24 --subnet fd97:1:2:3::/64 --gateway 10.97.0.1 \
        --gateway fd97:1:2:3::fe both >/dev/null
    run pcon network inspect --format '{{json .Subnets}}' both
    assert_output '[{"subnet":"10.97.0.0/24","gateway":"10.97.0.1"},{"subnet":"fd97:1:2:3::/64","gateway":"fd97:1:2:3::fe"}]'
    # --ipv6 with an IPv6 subnet: an IPv4 one is chosen after it; a range
    # of the IPv6 one is its lease range
    pcon network create --ipv6 --subnet fd97:1:2:4::/64 --ip-range fd97:1:2:4::/120 six >/dev/null
    run pcon network inspect --format '{{json .Subnets}}' six
    [[ "$output" =~ ^\[\{\"subnet\":\"fd97:1:2:4::/64\",\"gateway\":\"fd97:1:2:4::1\",\"lease_range\":\{\"start_ip\":\"fd97:1:2:4::1\",\"end_ip\":\"fd97:1:2:4::ff\"\}\},\{\"subnet\":\"10\.89\.[0-9]+\.0/24\" ]]
    # what cannot be: one line each, exit 125, nothing made
    run pcon network create --subnet fd97:1:2:5::/64 v6only
    assert_status 125
    assert_status 125
    assert_output_contains "an IPv6-only network is not supported by pcon"
    [ "${#lines[@]}" -eq 1 ]
    run pcon network create --ipv6 --subnet fd97:1:2:3:1::/80 over
    assert_status 125
    assert_output "Error: subnet fd97:1:2:3:1::/80 is already used on the host or by another config"
    run pcon network create --ipv6 --subnet fe80::/64 ll
    assert_output "Error: subnet fe80::/64 is already used on the host or by another config"
    run pcon network create --ipv6 --subnet fd97:1:2:6::/64 --gateway fd97:1:2:7::1 gw
    assert_output "Error: gateway fd97:1:2:7::1 not in subnet fd97:1:2:6::/64"
    run pcon network create --subnet 10.96.0.0/24 --gateway 10.96.0.1 --gateway 10.96.0.2 gws
    assert_output "Error: cannot set more gateways than subnets"
    run pcon network create --ipv6 --subnet fd97:1:2:8::/64 --subnet fd97:1:2:9::/64 two6
    assert_status 125
    assert_output_contains "at most one IPv6 subnet"
    [ "${#lines[@]}" -eq 1 ]
    run pcon network create --ipv6 --subnet fd97:1:2:8::1/64 hostbits
    assert_status 125
    assert_output_contains "not a network address"
    [ "${#lines[@]}" -eq 1 ]
    run pcon network ls -q
    for n in v6only over ll gw gws two6 hostbits; do refute_output_contains "$n"; done
}

@test "containers on an IPv6 network: addresses and routes, AAAA and PTR, hosts and resolv.conf, each other over IPv6" {
    pcon network create --subnet 10.95.0.0/24 --subnet fd95::/64 v6net >/dev/null
    pcon run -d --name web6 --network v6net $IMAGE \
        sh -c 'echo over-six > /tmp/index.html; exec httpd -f -p 8080 -h /tmp' >/dev/null
    run pcon inspect --format '{{with index .NetworkSettings.Networks "v6net"}}{{.GlobalIPv6Address}}/{{.GlobalIPv6PrefixLen}} {{.IPv6Gateway}} {{.IPAddress}}{{end}}' web6
    assert_output "fd95::2/64 fd95::1 10.95.0.2"
    run pcon run --rm --name client6 --network v6net $IMAGE sh -c \
        'ip -o -6 addr show eth0 scope global; ip -6 route show default; cat /etc/resolv.conf; grep client6 /etc/hosts'
    assert_status 0
    assert_output_contains "inet6 fd95::3/64"
    assert_output_contains "default via fd95::1 dev eth0"
    assert_output_contains $'nameserver 10.95.0.1\nnameserver fd95::1'
    [[ "$output" =~ fd95::3[[:space:]][0-9a-f]{12}[[:space:]]client6 ]]
    run pcon run --rm --network v6net $IMAGE timeout 5 wget -qO- 'http://[fd95::2]:8080/'
    assert_output "over-six"
    # the name over IPv6: AAAA, asked of either gateway; PTR of ip6.arpa
    run pcon run --rm --network v6net $IMAGE nslookup -type=AAAA web6 fd95::1
    assert_status 0
    assert_output_contains "Address: fd95::2"
    run pcon run --rm --network v6net $IMAGE nslookup fd95::2 10.95.0.1
    assert_output_contains "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.5.9.d.f.ip6.arpa	name = web6.dns.podman"
    run pcon run --rm --network v6net -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe dnstcp fd95::1 aaaa web6 web6.dns.podman
    assert_output "web6 rcode=0
AAAA fd95::2
web6.dns.podman rcode=0
AAAA fd95::2"
    # a name of an IPv4-only network has no AAAA
    pcon network create --subnet 10.94.0.0/24 four >/dev/null
    pcon run -d --name only4 --network four $IMAGE sleep 60 >/dev/null
    run pcon run --rm --network four -v "$PROBE_DIR:/probe:ro" $IMAGE \
        /probe/probe dnstcp 10.94.0.1 aaaa only4
    assert_output "only4 rcode=0"
    # --ip6 and ip6=: fixed addresses; a taken one refused; outside the subnet a usage error
    run pcon run --rm --network v6net --ip6 fd95::99 $IMAGE ip -o -6 addr show eth0 scope global
    assert_output_contains "inet6 fd95::99/64"
    run pcon run --rm --network v6net:ip6=fd95::98 $IMAGE ip -o -6 addr show eth0 scope global
    assert_output_contains "inet6 fd95::98/64"
    run pcon run --rm --network v6net --ip6 fd95::2 $IMAGE true
    assert_status 125
    assert_output_contains "fd95::2 is already allocated"
    run pcon run --rm --network four --ip6 fd95::7 $IMAGE true
    assert_status 125
    assert_output "Error: requested static ip fd95::7 not in any subnet on network four"
    # connect a running container: its IPv6 address on the new interface
    pcon network connect --ip6 fd95::77 v6net only4
    run pcon exec only4 ip -o -6 addr show eth1 scope global
    assert_output_contains "inet6 fd95::77/64"
    run pcon inspect --format '{{with index .NetworkSettings.Networks "v6net"}}{{.GlobalIPv6Address}}{{end}}' only4
    assert_output "fd95::77"
    pcon rm -f -t 0 web6 only4 >/dev/null
    assert_no_containers
}

@test "unshare --rootless-netns enters the networks' namespace: bridges with both gateways, a router both ways" {
    pcon network create --subnet 10.93.0.0/24 --subnet fd93::/64 seen >/dev/null
    pcon run -d --name inside --network seen $IMAGE sleep 60 >/dev/null
    bridge=$(pcon network inspect --format '{{.NetworkInterface}}' seen)
    run pcon unshare --rootless-netns sh -c "ip -o addr show $bridge; ip -o link show master $bridge; \
        cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding"
    assert_status 0
    assert_output_contains "inet 10.93.0.1/24"
    assert_output_contains "inet6 fd93::1/64"
    [[ "$output" =~ veth[0-9a-f]{8}@ ]]
    assert_output_contains $'\n1\n1'
    # the namespace lasts while the command runs, whatever else ends
    pcon rm -f -t 0 inside >/dev/null
    run pcon unshare --rootless-netns ip -o link show tap0
    assert_status 0
    # and the host's own namespace is not it
    run pcon unshare ip -o link show tap0
    assert_status 1
}

@test "--opt vlan=N: podman's checks; its ports on the VLAN where the kernel's bridges filter VLANs, one clear error where not" {
    pcon network create --opt vlan=5 vnet >/dev/null
    run pcon network inspect --format '{{json .Options}}' vnet
    assert_output '{"vlan":"5"}'
    run pcon network create --opt vlan=5000 big
    assert_status 125
    assert_output "Error: vlan ID 5000 must be between 0 and 4094"
    run pcon network create --opt vlan=x nan
    assert_output 'Error: strconv.Atoi: parsing "x": invalid syntax'
    if unshare -Urn ip link add b0 type bridge vlan_filtering 1 2>/dev/null; then
        pcon run -d --name onvlan --network vnet $IMAGE sleep 60 >/dev/null
        run pcon unshare --rootless-netns bridge vlan show
        assert_output_contains "5 PVID Egress Untagged"
        pcon rm -f -t 0 onvlan >/dev/null
    else
        # this kernel has no CONFIG_BRIDGE_VLAN_FILTERING (podman fails too)
        run pcon run --rm --name onvlan --network vnet $IMAGE true
        assert_status 125
        assert_output_contains "Error: network vnet's vlan=5: this kernel's bridges have no VLAN filtering"
    fi
    assert_no_containers
    pcon network rm vnet >/dev/null
}
