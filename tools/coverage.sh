#!/usr/bin/env bash
# Line and branch coverage of the library (lib/) per folder, from one command:
#
#   tools/coverage.sh [BUILD_DIR]                 (default build-cov; needs gcovr: apt-get install gcovr)
#   tools/coverage.sh --report-only [BUILD_DIR]   the report of the last run, without rebuilding
#
# Configures an instrumented build (--coverage -O0; counters updated atomically, the library is
# threaded; no sanitizers, no benchmarks), builds it, runs the whole ctest suite (CMocka, Python,
# Lua and LÖVE tests: everything that loads the library counts), then prints lines and branches
# covered per folder of lib/ and in total. BUILD_DIR/coverage.json holds the per-file summary
# (gcovr --json-summary), BUILD_DIR/coverage/index.html the annotated sources. Exits non-zero
# when a test failed (the figures are still printed).
set -euo pipefail
cd "$(dirname "$0")/.."
report_only=0
if [ "${1:-}" = "--report-only" ]; then
  report_only=1
  shift
fi
dir="${1:-build-cov}"
command -v gcovr >/dev/null || { echo "coverage.sh: gcovr not found (apt-get install gcovr)" >&2; exit 2; }

tests_ok=0
if [ "$report_only" = 0 ]; then
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="--coverage -O0 -fprofile-update=atomic" \
        -DGENAPI_BUILD_BENCH=OFF -DGENAPI_SANITIZE=OFF -DGENAPI_TSAN=OFF \
        -DGENAPI_TEST_TIMEOUT_OVERRIDE=600 >/dev/null   # -O0 with counters is several times slower
  # Tools the build runs (genapi-paramdoc) write their counts aside, not over the last run's.
  abs_dir="$(cd "$dir" && pwd)"
  GCOV_PREFIX="$abs_dir/build-time-gcda" nice -n 10 cmake --build "$dir" -j2 >/dev/null
  rm -rf "$dir/build-time-gcda"
  find "$dir" -name '*.gcda' -delete
  nice -n 10 ctest --test-dir "$dir" -j2 --output-on-failure >"$dir/ctest.log" 2>&1 || tests_ok=$?
  tail -3 "$dir/ctest.log"
fi

mkdir -p "$dir/coverage"
gcovr -r . --object-directory "$dir" --filter "$PWD/lib/" \
      --json-summary "$dir/coverage.json" --json-summary-pretty \
      --html-details "$dir/coverage/index.html" >/dev/null

python3 - "$dir/coverage.json" <<'PY'
import json, os, sys
files = json.load(open(sys.argv[1]))["files"]
folders = {}
for f in files:
    folder = os.path.dirname(f["filename"])
    agg = folders.setdefault(folder, [0, 0, 0, 0, 0])
    agg[0] += f["line_covered"]; agg[1] += f["line_total"]
    agg[2] += f["branch_covered"]; agg[3] += f["branch_total"]; agg[4] += 1
def pct(a, b):
    return f"{100.0 * a / b:5.1f}%" if b else "    -"
print(f"{'folder':28} {'files':>5} {'lines':>15} {'%':>6} {'branches':>15} {'%':>6}")
tot = [0, 0, 0, 0, 0]
for folder in sorted(folders):
    a = folders[folder]
    tot = [x + y for x, y in zip(tot, a)]
    print(f"{folder:28} {a[4]:5} {a[0]:7}/{a[1]:<7} {pct(a[0], a[1])} {a[2]:7}/{a[3]:<7} {pct(a[2], a[3])}")
print(f"{'lib (total)':28} {tot[4]:5} {tot[0]:7}/{tot[1]:<7} {pct(tot[0], tot[1])} {tot[2]:7}/{tot[3]:<7} {pct(tot[2], tot[3])}")
PY
if [ "$tests_ok" != 0 ]; then
  echo "coverage.sh: some tests failed (see $dir/ctest.log)" >&2
  exit 1
fi
