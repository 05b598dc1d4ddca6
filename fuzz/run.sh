#!/usr/bin/env bash
# Runs the libFuzzer targets (doc/fuzzing.md) for a bounded time each and fails on any finding.
#
#   fuzz/run.sh [--build DIR] [--time SECONDS | --long SECONDS] [TARGET...]
#
# --build DIR      build directory configured with -DGENAPI_FUZZ=ON (default: build-fuzz; it is
#                  configured and the targets built when missing)
# --time SECONDS   seconds per target (default 20: the CI run)
# --long SECONDS   seconds per target, and the grown corpus is kept in DIR/fuzz-work/TARGET so
#                  another long run goes on from it
# --runs N         stop a target after N executions (when that comes before the time)
# TARGET           sse accumulate response params router guided (default: all)
#
# Each target runs on a copy of its checked-in corpus (fuzz/corpus/TARGET), so the checked-in
# files never change, with its dictionary, ASan + UBSan, leak detection, a 2 GB RSS limit and a
# 25 s limit per input (wall time: the slowest legitimate inputs take about 0.5 s of CPU under the
# sanitizers, and a loaded machine stretches that at nice 10). A finding (crash, leak, undefined
# behaviour, failed check, slow input) is written to DIR/fuzz-findings/ and the script exits 1;
# each target's log is DIR/fuzz-logs/TARGET.log. The last line per target gives the executions,
# the rate and the coverage (cov: edges, ft: features).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build=build-fuzz
secs=20
long=0
runs_max=-1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --time) secs=$2; shift 2 ;;
    --long) secs=$2; long=1; shift 2 ;;
    --runs) runs_max=$2; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(sse accumulate response params router guided)

if [ ! -x "$build/fuzz/fuzz_sse" ]; then
  cmake -S . -B "$build" -DCMAKE_C_COMPILER=clang -DGENAPI_FUZZ=ON -DGENAPI_BUILD_TESTS=OFF \
        -DGENAPI_BUILD_BENCH=OFF -DGENAPI_WERROR=ON >/dev/null
fi
nice -n 10 cmake --build "$build" -j2 --target fuzz >/dev/null

# Longest input per target: the streams are cut to 2 KiB (a dozen events; longer ones only
# repeat the same work and run at a third of the rate); the others take libFuzzer's default
# (the longest seed).
max_len() {
  case "$1" in
    sse|accumulate) echo 2048 ;;
    *) echo 0 ;;
  esac
}

dicts() {
  case "$1" in
    sse) echo sse ;;
    accumulate) echo sse json ;;
    response) echo json ;;
    params) echo json router ;;
    router) echo router json ;;
    guided) echo guided json ;;
  esac
}

findings="$root/$build/fuzz-findings"
mkdir -p "$findings"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
summary=()
for t in "${targets[@]}"; do
  bin="$root/$build/fuzz/fuzz_$t"
  [ -x "$bin" ] || { echo "no fuzz target $t" >&2; exit 2; }
  if [ "$long" = 1 ]; then
    work="$root/$build/fuzz-work/$t"
    mkdir -p "$work"
  else
    work="$tmp/$t"
    mkdir -p "$work"
  fi
  cp -n "fuzz/corpus/$t/"* "$work/" 2>/dev/null || true
  dict="$tmp/$t.dict"
  : >"$dict"
  for d in $(dicts "$t"); do cat "fuzz/dict/$d.dict" >>"$dict"; done
  mkdir -p "$root/$build/fuzz-logs"
  log="$root/$build/fuzz-logs/$t.log"
  echo "== fuzz_$t: ${secs}s"
  rc=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    nice -n 10 "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=25 -print_final_stats=1 \
      -max_len="$(max_len "$t")" -runs="$runs_max" -dict="$dict" -artifact_prefix="$findings/$t-" "$work" >"$log" 2>&1 || rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -Eo 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
  line="fuzz_$t: ${runs:-?} executions, ${rate:-?} exec/s, ${cov:-no coverage line}"
  if [ "$rc" != 0 ]; then
    grep -E 'ERROR|SUMMARY|check failed|runtime error|Test unit written' "$log" | head -20 >&2 || true
    echo "   log: $log" >&2
    line="$line  FINDING (exit $rc)"
    status=1
  fi
  echo "   $line"
  summary+=("$line")
done
echo "== fuzz summary"
printf '   %s\n' "${summary[@]}"
exit $status
