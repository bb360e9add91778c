# SPDX-License-Identifier: Apache-2.0
# Registry helpers for the system tests: Debian's docker-registry on
# 127.0.0.1 with a config and a storage directory of the test file's own.

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_registry() { # NAME PORT [AUTH-YAML]
    local dir="$BATS_FILE_TMPDIR/$1"
    mkdir -p "$dir/data"
    cat > "$dir/cfg.yml" <<YML
version: 0.1
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$2
${3:-}
YML
    docker-registry serve "$dir/cfg.yml" > "$dir/log" 2>&1 &
    echo $! > "$dir/pid"
    for _ in $(seq 50); do
        curl -s -o /dev/null "http://127.0.0.1:$2/v2/" && return 0
        sleep 0.1
    done
    cat "$dir/log" >&2
    return 1
}

stop_registry() { # NAME
    local f="$BATS_FILE_TMPDIR/$1/pid"
    [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    return 0
}

# A registry that wants bearer tokens (auth: silly) and the token realm
# that hands them out, logging what it was asked to $BATS_FILE_TMPDIR/token.log
start_token_registry() { # NAME PORT TOKEN-PORT
    "$BATS_TEST_DIRNAME/token-server.py" "$3" "$BATS_FILE_TMPDIR/token.log" &
    echo $! > "$BATS_FILE_TMPDIR/token.pid"
    start_registry "$1" "$2" "auth:
  silly:
    realm: http://127.0.0.1:$3/token
    service: pcon-test"
}

stop_token_registry() { # NAME
    stop_registry "$1"
    [ -f "$BATS_FILE_TMPDIR/token.pid" ] && kill "$(cat "$BATS_FILE_TMPDIR/token.pid")" 2>/dev/null
    return 0
}

# make_certs DIR [CADIR]: a CA (CADIR/ca.crt, CADIR defaults to DIR) and a
# certificate for 127.0.0.1 and 127.0.0.2 signed by it (DIR/cert.pem,
# DIR/key.pem)
make_certs() {
    local d=$1 ca=${2:-$1}
    mkdir -p "$d" "$ca"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj /CN=pcon-test-ca -keyout "$d/ca.key" -out "$ca/ca.crt" 2>/dev/null
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=127.0.0.1 \
        -keyout "$d/key.pem" -out "$d/srv.csr" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,IP:127.0.0.2\n' > "$d/ext"
    openssl x509 -req -in "$d/srv.csr" -CA "$ca/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
        -days 2 -extfile "$d/ext" -out "$d/cert.pem" 2>/dev/null
}
