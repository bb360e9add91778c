#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# A compose project on pcon: Debian's podman-compose (1.0.3) driving the
# real binary (--podman-path) through volume, network, run --net
# --network-alias --label, ps --filter label=, logs, exec, stop, rm.

load helpers

setup_file() {
    pcon_setup_store
    command -v podman-compose >/dev/null || skip "podman-compose is not installed (contrib/setup-host.sh installs it)"
    # podman-compose runs one program: pcon on this file's store
    printf '#!/bin/sh\nexec "%s" --root "%s" --runroot "%s" "$@"\n' "$PCON" "$PCON_ROOT" "$PCON_RUNROOT" \
        >"$BATS_FILE_TMPDIR/pcon"
    chmod 0755 "$BATS_FILE_TMPDIR/pcon"
    export PROJ="$BATS_FILE_TMPDIR/shop"
    mkdir -p "$PROJ"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    export PORT=$port
    # the web service's page: what the database answers, asked by name
    mkdir -p "$PROJ/www/cgi-bin"
    printf '#!/bin/sh\nprintf "Content-Type: text/plain\\r\\n\\r\\n"\nwget -qO- http://db:5432/stock\n' \
        >"$PROJ/www/cgi-bin/stock"
    chmod 0755 "$PROJ/www/cgi-bin/stock"
    # a web service publishing a port, a database-like one it reaches by
    # its service name, a named volume both use
    cat >"$PROJ/compose.yaml" <<YAML
version: "3"
services:
  db:
    image: $IMAGE
    command: sh -c 'echo stock-42 > /data/stock; exec httpd -f -p 5432 -h /data'
    volumes:
      - shared:/data
  web:
    image: $IMAGE
    command: httpd -f -p 80 -h /www
    ports:
      - "$port:80"
    volumes:
      - shared:/data
      - ./www:/www:ro
    depends_on:
      - db
volumes:
  shared:
YAML
}

compose() {
    (cd "$PROJ" && timeout 120 podman-compose --podman-path "$BATS_FILE_TMPDIR/pcon" "$@")
}

@test "podman-compose up -d, ps, exec, logs, down -v: a web service, a database by its service name, a shared volume, a published port" {
    run compose up -d
    assert_status 0
    run pcon ps --filter label=io.podman.compose.project=shop --format '{{.Names}} {{.Status}}'
    assert_output_contains "shop_db_1 Up"
    assert_output_contains "shop_web_1 Up"
    # the published port, the web service asking the database by name
    wait_for 10 curl -sf "http://127.0.0.1:$PORT/cgi-bin/stock"
    run curl -sf "http://127.0.0.1:$PORT/cgi-bin/stock"
    assert_output "stock-42"
    run compose ps
    assert_status 0
    assert_output_contains "shop_web_1"
    assert_output_contains "0.0.0.0:$PORT->80/tcp"
    # the volume, shared: what db wrote, web reads
    run compose exec -T web cat /data/stock
    assert_output_contains "stock-42"
    run pcon volume ls -q
    assert_output "shop_shared"
    run pcon network inspect --format '{{.Labels}}' shop_default
    assert_output_contains "io.podman.compose.project"
    run compose logs
    assert_status 0
    run compose down -v
    assert_status 0
    run pcon ps -a -q
    assert_output ""
    run pcon volume ls -q
    assert_output ""
    # podman-compose 1.0.3 leaves the network (as with podman): unused now
    run pcon network rm shop_default
    assert_output "shop_default"
    wait_for 10 test ! -S "$PCON_RUNROOT/netd.sock"
    run curl -s "http://127.0.0.1:$PORT/"
    [ "$status" -ne 0 ]
}

@test "podman-compose build and up: a service built from its Containerfile, with build args and a target" {
    local proj=$BATS_FILE_TMPDIR/built
    mkdir -p "$proj/app"
    cat >"$proj/app/Containerfile" <<EOF2
FROM $IMAGE AS base
ARG FLAVOUR=plain
RUN echo "flavour \$FLAVOUR" > /flavour
FROM base AS final
COPY page.txt /www/index.html
CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]
EOF2
    echo built-by-compose > "$proj/app/page.txt"
    cat >"$proj/compose.yaml" <<YAML
version: "3"
services:
  app:
    image: localhost/compose-built
    build:
      context: ./app
      target: final
      args:
        FLAVOUR: salted
YAML
    (cd "$proj" && timeout 120 podman-compose --podman-path "$BATS_FILE_TMPDIR/pcon" build)
    run pcon run --rm localhost/compose-built sh -c 'cat /flavour /www/index.html'
    assert_output "flavour salted
built-by-compose"
    (cd "$proj" && timeout 120 podman-compose --podman-path "$BATS_FILE_TMPDIR/pcon" up -d)
    wait_for 10 pcon exec built_app_1 wget -qO /dev/null http://127.0.0.1:8080/
    run pcon exec built_app_1 wget -qO- http://127.0.0.1:8080/
    assert_output built-by-compose
    (cd "$proj" && timeout 120 podman-compose --podman-path "$BATS_FILE_TMPDIR/pcon" down)
    run pcon ps -a -q
    assert_output ""
    pcon network rm built_default >/dev/null 2>&1 || true
}
