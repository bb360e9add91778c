#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# pcon completion bash and pcon completion man DIR: made from the command
# tables, so every command, subcommand and option pcon takes is there.

load helpers

# what bash completes for the words given (the last one being completed)
complete_words() {
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _pcon; echo "${COMPREPLY[*]}"' \
        _ "$BATS_FILE_TMPDIR/pcon.bash" "$@"
}

@test "the bash completion completes commands, subcommands, options and container names" {
    "$PCON" completion bash >"$BATS_FILE_TMPDIR/pcon.bash"
    run bash -n "$BATS_FILE_TMPDIR/pcon.bash"
    assert_status 0
    run complete_words pcon ru
    assert_output "run"
    run complete_words pcon run --cap
    assert_output "--cap-add --cap-drop"
    run complete_words pcon volume c
    assert_output "create"
    run complete_words pcon --root /x netw
    assert_output "network"
    run complete_words pcon network create --sub
    assert_output "--subnet"
    run complete_words pcon generate systemd --ne
    assert_output "--new"
    pcon create --name completeme $IMAGE true >/dev/null
    run complete_words "$PCON" --root "$PCON_ROOT" --runroot "$PCON_RUNROOT" start compl
    assert_output "completeme"
    pcon rm completeme >/dev/null
    # every option run's --help names is there
    for o in $(pcon run --help | grep -o -- '--[a-z0-9-]*' | sort -u); do
        grep -q -- "_pcon_opts\[run\]=\".*$o\b" "$BATS_FILE_TMPDIR/pcon.bash" || {
            echo "missing $o" >&2
            return 1
        }
    done
}

@test "the man pages: one per command and subcommand, every option of its --help, roff without warnings" {
    run "$PCON" completion man "$BATS_TEST_TMPDIR/man1"
    assert_status 0
    for f in pcon.1 pcon-run.1 pcon-network-create.1 pcon-kube-play.1 pcon-generate-systemd.1 pcon-volume-rm.1; do
        [ -s "$BATS_TEST_TMPDIR/man1/$f" ]
    done
    for o in $(pcon network create --help | grep -o -- '--[a-z0-9-]*' | sort -u); do
        grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$BATS_TEST_TMPDIR/man1/pcon-network-create.1" || {
            echo "missing $o" >&2
            return 1
        }
    done
    run grep -c '^\.TP' "$BATS_TEST_TMPDIR/man1/pcon-volume.1"
    [ "$output" -ge 6 ]
    if command -v groff >/dev/null; then
        for f in "$BATS_TEST_TMPDIR"/man1/*.1; do
            run groff -man -z -wmac -Wbreak "$f"
            assert_output ""
        done
    fi
    run --separate-stderr "$PCON" completion zsh
    assert_status 125
}
