#!/bin/sh
# Runs every benchmark of bench/ in one go and writes one markdown table of the ratios they
# measure against baselines taken in the same run (doc/performance.md explains each).
#
#   bench/run_all.sh [BUILD_DIR] [OUT_FILE]
#
# BUILD_DIR (default build-rel beside bench/) is configured as a Release build and the
# benchmarks are built in it; the table goes to stdout and to OUT_FILE (default
# BUILD_DIR/bench-results.md); each benchmark's full output to BUILD_DIR/bench-logs/. The
# single-threaded benchmarks are pinned to one CPU with taskset when there are two or more;
# bench_async (server and load generators) is not pinned. The client-vs-wrk rows need wrk
# (Debian package wrk), the instruction counts (bench/client_cost.sh) valgrind too; the Lanczos
# and PNG rows need Pillow (python3-pil) under
# /usr/bin/python3. A benchmark that cannot run leaves a row saying so.
# Environment: BENCH_ASYNC_ROUNDS (5), BENCH_ASYNC_SECONDS (3).
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-rel}
OUT=${2:-$BUILD/bench-results.md}
LOGS=$BUILD/bench-logs
ROUNDS=${BENCH_ASYNC_ROUNDS:-5}
SECONDS_EACH=${BENCH_ASYNC_SECONDS:-3}

cmake -S "$SRC" -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DGENAPI_BUILD_BENCH=ON >/dev/null || exit 1
cmake --build "$BUILD" -j2 --target bench_samplers bench_image bench_client bench_guided bench_async \
    bench_request_cost genapi_server_bin >/dev/null || exit 1
mkdir -p "$LOGS"

PIN=""
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then
    PIN="taskset -c 1"
fi

ROWS=$LOGS/rows.txt
: >"$ROWS"
# run NAME COMMAND...: the full output to the log, its TABLE lines to the rows
run() {
    name=$1
    shift
    echo "running $name: $*" >&2
    if "$@" >"$LOGS/$name.txt" 2>&1; then
        grep '^TABLE|' "$LOGS/$name.txt" >>"$ROWS"
    else
        grep '^TABLE|' "$LOGS/$name.txt" >>"$ROWS"
        echo "TABLE|$name|failed (see $LOGS/$name.txt)|||||NO" >>"$ROWS"
    fi
}

run bench_samplers $PIN "$BUILD/bench_samplers" 1
if /usr/bin/python3 -c 'import PIL' 2>/dev/null; then
    run bench_image $PIN "$BUILD/bench_image" 5 --pillow-only
else
    echo "TABLE|bench_image against Pillow|not run: python3-pil missing|||||NO" >>"$ROWS"
fi
run bench_client $PIN "$BUILD/bench_client" 7
run bench_guided $PIN "$BUILD/bench_guided"
if command -v wrk >/dev/null 2>&1; then
    run bench_async_blocking "$BUILD/bench_async" --only throughput --blocking --rounds "$ROUNDS" --seconds "$SECONDS_EACH"
    run bench_async "$BUILD/bench_async" --only throughput --rounds "$ROUNDS" --seconds "$SECONDS_EACH"
else
    echo "TABLE|client vs wrk|not run: wrk missing (apt-get install wrk)|||||NO" >>"$ROWS"
fi
if command -v wrk >/dev/null 2>&1 && command -v valgrind >/dev/null 2>&1; then
    run client_cost sh "$SRC/bench/client_cost.sh" "$BUILD" 2000
else
    echo "TABLE|client instructions per request|not run: wrk or valgrind missing|||||NO" >>"$ROWS"
fi

{
    echo "Benchmarks of libgenapi $(git -C "$SRC" describe --always --dirty 2>/dev/null), $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo "on $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')),"
    echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg). Ratios are against baselines measured in the same run."
    echo
    echo "| metric | value | baseline (same run) | ratio | goal | met? |"
    echo "|---|---|---|---:|---|---|"
    sed -e 's/^TABLE//' -e 's/|/ | /g' -e 's/  */ /g' -e 's/^ //' -e 's/$/ |/' "$ROWS"
} | tee "$OUT"
echo "full outputs: $LOGS" >&2
