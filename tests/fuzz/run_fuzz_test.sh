#!/bin/bash
# Runs one libFuzzer target for a bounded time (meson test suite "fuzz").
#   run_fuzz_test.sh EXE CORPUS_DIR SECONDS ARTIFACT_DIR
# $FUZZ_SECONDS overrides SECONDS. New inputs go to a temporary directory
# given first (libFuzzer writes to its first corpus directory), the
# committed seeds second, so they are never modified. Crash, leak, timeout
# and OOM reproducers land in ARTIFACT_DIR. Exit status: libFuzzer's (0 only
# if nothing was found).
set -u
exe=$1 corpus=$2 seconds=${FUZZ_SECONDS:-$3} artifacts=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-corpus.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
dirs=("$work")
[ -d "$corpus" ] && dirs+=("$corpus")
regressions="$(dirname "$corpus")/../regressions/$(basename "$corpus")"
[ -d "$regressions" ] && dirs+=("$regressions")
# Undefined behaviour stops the run like a crash (UBSan only reports it by
# default); leaks are reported at exit (detect_leaks is ASan's default).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ]; then
  for s in llvm-symbolizer-16 llvm-symbolizer; do
    if p=$(command -v "$s"); then export ASAN_SYMBOLIZER_PATH=$p; break; fi
  done
fi
# -error_exitcode=1: libFuzzer's default (77) means "skipped" to meson.
nice -n 19 "$exe" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -error_exitcode=1 \
  -print_final_stats=1 -artifact_prefix="$artifacts/" "${dirs[@]}"
