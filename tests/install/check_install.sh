#!/bin/sh
# Installs the build into a fresh prefix inside the build directory, then uses it as a user
# would, with no LD_LIBRARY_PATH: the installed tools (their RPATH finds the installed library),
# a program built with pkg-config (examples/chat_basic.c) and ones built with find_package
# (tests/consumer: the C example, and the C++ wrapper's example from <genapi/genapi.hpp>). Checks the licence and that genapi.pc / genapi-config.cmake ask for exactly
# the dependencies this build links.
#
# usage: check_install.sh SOURCE_DIR BUILD_DIR LIBDIR SHARED(ON|OFF) REFERENCE_BACKEND(ON|OFF) CC PYTHON
set -eu
src=$1 build=$2 libdir=$3 shared=$4 backend=$5 cc=$6 python=$7
case "$shared" in ON|on|1|TRUE|true) shared=1 ;; *) shared=0 ;; esac
case "$backend" in ON|on|1|TRUE|true) backend=1 ;; *) backend=0 ;; esac
unset LD_LIBRARY_PATH GENAPI_BASE_URL GENAPI_API_KEY GENAPI_MODEL || true
work="$build/install-check"
prefix="$work/prefix"
rm -rf "$work"
mkdir -p "$work"
server_pid=""
# True when program $1 loads the installed libgenapi (through its RPATH/RUNPATH, no LD_LIBRARY_PATH).
loads_installed() {
  lib=$(ldd "$1" | awk '/libgenapi\.so/ {print $3}')
  [ -n "$lib" ] && [ "$(realpath "$lib")" = "$(realpath "$prefix/$libdir/libgenapi.so")" ]
}
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; return 0; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

echo "== cmake --install into $prefix"
cmake --install "$build" --prefix "$prefix" >"$work/install.log"
[ -x "$prefix/bin/genapi" ] || fail "bin/genapi not installed"
cmp -s "$src/LICENSE" "$prefix/share/doc/genapi/LICENSE" || fail "LICENSE not installed to share/doc/genapi"
pc="$prefix/$libdir/pkgconfig/genapi.pc"
config="$prefix/$libdir/cmake/genapi/genapi-config.cmake"
grep -q "MIT" "$pc" || fail "genapi.pc does not name the licence"
if [ $backend = 1 ]; then
  [ -x "$prefix/bin/genapi-server" ] || fail "bin/genapi-server not installed"
  for m in libmicrohttpd spng libjpeg libwebp; do
    grep -q "^Requires.private:.* $m" "$pc" || fail "genapi.pc lacks $m"
  done
else
  [ ! -e "$prefix/bin/genapi-server" ] || fail "genapi-server installed without the reference backend"
  for m in microhttpd spng jpeg webp; do
    ! grep -q "$m" "$pc" "$config" || fail "a client-only build asks for $m"
  done
fi
if [ $shared = 1 ]; then
  readelf -d "$prefix/bin/genapi" | grep -q 'R[UN]*PATH.*\[\$ORIGIN/' || fail "bin/genapi has no \$ORIGIN RPATH"
  loads_installed "$prefix/bin/genapi" || fail "bin/genapi does not load the installed library: $(ldd "$prefix/bin/genapi" | grep genapi)"
else
  [ -e "$prefix/$libdir/libgenapi.a" ] || fail "libgenapi.a not installed"
  ! ldd "$prefix/bin/genapi" | grep -q libgenapi || fail "bin/genapi of a static build loads a shared libgenapi"
fi

# Starts a server command in the background; sets $server_pid and $url from its first line
# "... http://HOST:PORT" (at most 20 s).
start_server() {
  # A fresh file: the previous server's line must not be read before this one truncates it.
  rm -f "$work/server.out" "$work/server.err"
  "$@" >"$work/server.out" 2>"$work/server.err" &
  server_pid=$!
  i=0
  url=""
  while [ $i -lt 200 ]; do
    url=$(grep -o 'http://[0-9.]*:[0-9]*' "$work/server.out" 2>/dev/null | head -n 1 || true)
    [ -n "$url" ] && return 0
    kill -0 "$server_pid" 2>/dev/null || fail "server exited: $(cat "$work/server.err")"
    sleep 0.1
    i=$((i + 1))
  done
  fail "server did not start: $*"
}
stop_server() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

echo "== installed tools"
if [ $backend = 1 ]; then
  out=$("$prefix/bin/genapi" chat "Hello") || fail "installed genapi chat (in-process) failed"
  [ -n "$out" ] || fail "installed genapi chat printed nothing"
  echo "genapi chat (in process): $out"
  start_server "$prefix/bin/genapi-server" --host 127.0.0.1 --port 0
  out=$("$prefix/bin/genapi" --base-url "$url" chat -m genapi-ref -p seed=1 "Hello") || fail "installed genapi against installed genapi-server failed"
  [ -n "$out" ] || fail "genapi against genapi-server printed nothing"
  echo "genapi chat via genapi-server: $out"
  stop_server
else
  if "$prefix/bin/genapi" chat "Hello" >/dev/null 2>"$work/cli.err"; then fail "client-only genapi answered without a base URL"; fi
  grep -q "GENAPI_REFERENCE_BACKEND=OFF" "$work/cli.err" || fail "unclear error without a base URL: $(cat "$work/cli.err")"
fi
# Every build: a canned server answering a recorded chat completion.
fixture="$src/tests/data/fixtures/chat_completions/plain"
want="The capital of Australia is Canberra. It was chosen in 1908 as a compromise between Sydney and Melbourne."
start_server "$python" "$src/tests/install/canned_server.py" "$fixture"
canned=$url
out=$("$prefix/bin/genapi" --base-url "$canned" chat -m Mistral-Nemo-12B-Instruct-2407 "Hello") || fail "genapi against the canned server failed"
[ "$out" = "$want" ] || fail "genapi against the canned server printed: $out"

# Runs a consumer program: the canned answer through GENAPI_BASE_URL, then without a base URL
# (the in-process backend, or the typed error of a client-only build).
check_consumer() {
  name=$1 exe=$2
  out=$(GENAPI_BASE_URL="$canned" "$exe" "Hello" 2>/dev/null) || fail "$name against the canned server failed"
  [ "$out" = "$want" ] || fail "$name against the canned server printed: $out"
  if [ $backend = 1 ]; then
    out=$("$exe" "Hello" 2>/dev/null) || fail "$name (in process) failed"
    [ -n "$out" ] || fail "$name (in process) printed nothing"
  else
    if "$exe" "Hello" >/dev/null 2>"$work/$name.err"; then fail "client-only $name answered without a base URL"; fi
    grep -q "GENAPI_REFERENCE_BACKEND=OFF" "$work/$name.err" || fail "$name: unclear error: $(cat "$work/$name.err")"
  fi
  if [ $shared = 1 ]; then
    loads_installed "$exe" || fail "$name does not load the installed library"
  else
    ! ldd "$exe" | grep -q libgenapi || fail "$name of a static build loads a shared libgenapi"
  fi
  echo "$name: ok"
}

echo "== pkg-config consumer (examples/chat_basic.c)"
export PKG_CONFIG_PATH="$prefix/$libdir/pkgconfig"
pc_libdir=$(pkg-config --variable=libdir genapi)
if [ $shared = 1 ]; then
  libs=$(pkg-config --libs genapi)
else
  # A static libgenapi with its direct dependencies (Requires.private, Libs.private) shared:
  # `pkg-config --static` would also ask for the static closure of libcurl's dependencies.
  libs="$(pkg-config --libs genapi $(pkg-config --print-requires-private genapi)) $(sed -n 's/^Libs.private: //p' "$pc")"
fi
# shellcheck disable=SC2046
"$cc" -std=c11 "$src/examples/chat_basic.c" $(pkg-config --cflags genapi) $libs \
  -Wl,-rpath,"$pc_libdir" -o "$work/chat_basic_pc" || fail "building against genapi.pc failed"
check_consumer chat_basic_pc "$work/chat_basic_pc"

echo "== find_package consumer (tests/consumer)"
cmake -S "$src/tests/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
  >"$work/consumer-configure.log" || fail "configuring tests/consumer failed: $(cat "$work/consumer-configure.log")"
cmake --build "$work/consumer" >"$work/consumer-build.log" || fail "building tests/consumer failed: $(cat "$work/consumer-build.log")"
check_consumer consumer "$work/consumer/consumer"
# The C++ wrapper from the installed <genapi/genapi.hpp>: its example (chat, stream, an image,
# async, errors) on the in-process backend.
if [ $backend = 1 ]; then
  "$work/consumer/consumer_cpp" "$work/consumer_cpp.png" >"$work/consumer_cpp.out" || fail "consumer_cpp failed"
  grep -q "same text: yes" "$work/consumer_cpp.out" || fail "consumer_cpp printed: $(cat "$work/consumer_cpp.out")"
  [ "$(head -c 4 "$work/consumer_cpp.png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "consumer_cpp wrote no PNG"
  if [ $shared = 1 ]; then
    loads_installed "$work/consumer/consumer_cpp" || fail "consumer_cpp does not load the installed library"
  fi
  echo "consumer_cpp: ok"
fi
stop_server
echo "install check passed"
