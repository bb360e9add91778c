#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Runs each libFuzzer target SECONDS seconds, one after another, from a
# copy of its seed corpus (tests/fuzz/corpus/<target>/ stays as
# committed); what a run adds stays in build-fuzz/corpus/<target>/, a
# crashing input in build-fuzz/crashes/. One TAP-like line per target,
# then "N passed, N failed".
# usage: run.sh SECONDS build-fuzz/fuzz_X...
set -uo pipefail

seconds=$1
shift
here=$(cd "$(dirname "$0")" && pwd)
passed=0 failed=0
tmpbase=${TMPDIR:-/tmp}
[ -w /dev/shm ] && tmpbase=/dev/shm
for bin in "$@"; do
    name=$(basename "$bin")
    out=$(dirname "$bin")
    work="$out/corpus/$name" crashes="$out/crashes" log="$out/logs/$name.log"
    mkdir -p "$work" "$crashes" "$out/logs"
    # the targets' scratch directories (tmpfs: the stores fsync), removed
    # even when a crash left its own behind
    PCON_FUZZ_TMPDIR=$(mktemp -d "$tmpbase/pcon-fuzz-run.XXXXXX")
    export PCON_FUZZ_TMPDIR
    # -timeout: one input may take 10 s (a large layer under ASan), no more
    if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/$name-" "$work" "$here/corpus/$name" >"$log" 2>&1; then
        passed=$((passed + 1))
        echo "ok - $name: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" \
            | grep -o '[0-9]*$') runs, $(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1)"
    else
        failed=$((failed + 1))
        echo "not ok - $name (log: $log)"
        grep -E -m 5 'ERROR|SUMMARY|Test unit written|escaped|harness' "$log" | sed 's/^/# /'
    fi
    rm -rf "$PCON_FUZZ_TMPDIR"
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
