#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# Hostile input to the parsers, through the real binary: what the fuzz
# targets found must end as one error line, never as a crash.

load helpers

@test "registries.conf with an empty location or prefix: refused, naming the file" {
    local conf="$BATS_TEST_TMPDIR/registries.conf"
    printf '[[registry]]\nlocation = ""\n' > "$conf"
    run --separate-stderr env CONTAINERS_REGISTRIES_CONF="$conf" \
        "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" pull 127.0.0.1:9/team/bb:1
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"$conf"*"[[registry]] location is empty"* ]]

    printf '[[registry]]\nlocation = "127.0.0.1:9"\nprefix = ""\n' > "$conf"
    run --separate-stderr env CONTAINERS_REGISTRIES_CONF="$conf" \
        "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" pull 127.0.0.1:9/team/bb:1
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"$conf"*"[[registry]] prefix is empty"* ]]
}

@test "load of a docker-archive whose manifest.json is nested 2,000,000 deep: one error, nothing stored" {
    local before layers
    before=$(pcon images -q --no-trunc | sort)
    layers=$(ls "$PCON_ROOT/layers" | sort)
    python3 - "$BATS_TEST_TMPDIR/deep.tar" <<'PY'
import io, sys, tarfile
doc = b"[" * 2000000 + b"]" * 2000000
with tarfile.open(sys.argv[1], "w") as t:
    info = tarfile.TarInfo("manifest.json")
    info.size = len(doc)
    t.addfile(info, io.BytesIO(doc))
PY
    run --separate-stderr pcon load -i "$BATS_TEST_TMPDIR/deep.tar"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"manifest.json"*"JSON document nested deeper than 64 levels"* ]]
    [ "$(pcon images -q --no-trunc | sort)" = "$before" ]
    [ "$(ls "$PCON_ROOT/layers" | sort)" = "$layers" ]
    [ -z "$(ls -A "$PCON_ROOT/images" | grep '^\.tmp')" ]
}

@test "load of an oci-archive whose index.json is nested 2,000,000 deep: one error" {
    python3 - "$BATS_TEST_TMPDIR/deep-oci.tar" <<'PY'
import io, sys, tarfile
doc = b'{"manifests":' + b"[" * 2000000 + b"]" * 2000000 + b"}"
with tarfile.open(sys.argv[1], "w") as t:
    for name, data in (("oci-layout", b'{"imageLayoutVersion":"1.0.0"}'), ("index.json", doc)):
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
PY
    run --separate-stderr pcon load -i "$BATS_TEST_TMPDIR/deep-oci.tar"
    assert_status 125
    assert_one_error_line
    [[ "$stderr" == *"index.json"*"nested deeper than 64 levels"* ]]
}
