#!/bin/sh
# The work one small blocking request costs the client, counted in instructions with callgrind
# (the same count whatever else the machine does), beside wrk's for the same request on the same
# server, split by library. doc/performance.md explains how to read it.
#
#   bench/client_cost.sh [BUILD_DIR] [N]
#
# BUILD_DIR (default build-rel) must hold bin/genapi-server and bench_request_cost (configure
# with -DGENAPI_BUILD_BENCH=ON); N requests (default 2000) for the client; wrk runs 4 s on one
# connection. Needs valgrind and wrk. Prints TABLE| rows for bench/run_all.sh.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build-rel}
N=${2:-2000}
for tool in valgrind callgrind_annotate wrk; do
    command -v $tool >/dev/null 2>&1 || { echo "client_cost: $tool missing" >&2; exit 2; }
done
tmp=$(mktemp -d)
srv_pid=""
trap '[ -n "$srv_pid" ] && kill $srv_pid 2>/dev/null; rm -rf "$tmp"' EXIT

"$BUILD/bin/genapi-server" --host 127.0.0.1 --port 0 --parallel 2 >"$tmp/server.out" 2>/dev/null &
srv_pid=$!
url=""
for _ in $(seq 50); do
    url=$(grep -o 'http://[0-9.:]*' "$tmp/server.out" | head -1)
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { echo "client_cost: the server did not start" >&2; exit 1; }

# The client: only what runs inside genapi_chat_complete is counted.
valgrind --tool=callgrind --toggle-collect=genapi_chat_complete --callgrind-out-file="$tmp/client.cg" \
    "$BUILD/bench_request_cost" "$url" "$N" >"$tmp/client.out" 2>"$tmp/client.err" ||
    { cat "$tmp/client.err" >&2; exit 1; }

# wrk, same request (body and headers as the client sends them; wrk adds Host and
# Content-Length): the thread that makes the requests is counted.
cat >"$tmp/req.lua" <<'LUA'
wrk.method = "POST"
wrk.body = [==[{"messages":[{"role":"user","content":"Say hello."}],"model":"genapi-ref","seed":42,"max_tokens":2}]==]
wrk.headers["User-Agent"] = "libgenapi/0.1.0"
wrk.headers["Accept-Encoding"] = "deflate, gzip, br, zstd"
wrk.headers["Accept"] = "application/json"
wrk.headers["Content-Type"] = "application/json"
LUA
valgrind --tool=callgrind --separate-threads=yes --callgrind-out-file="$tmp/wrk.cg" \
    wrk -c1 -t1 -d4s -s "$tmp/req.lua" "$url/v1/chat/completions" >"$tmp/wrk.out" 2>/dev/null
wrk_requests=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$tmp/wrk.out")

# Instructions by library: the program's own (libgenapi, linked in) and, for each library it
# calls, everything that call costs (so libc work done for libcurl counts as libcurl's);
# libgenapi's callbacks run inside libcurl's calls count there too (a few hundred).
by_lib() {
    callgrind_annotate --tree=calling --inclusive=no --threshold=100 "$1" 2>/dev/null | awk -v exe="$2" '
        function lib(s,   n, parts) { gsub(/[\[\]]/, "", s); n = split(s, parts, "/"); s = parts[n]; sub(/\.so.*/, "", s); return s }
        /PROGRAM TOTALS/ { v = $1; gsub(",", "", v); total = v }
        /  \*  / && /\]$/ {
            caller = lib($NF)
            if ($0 ~ /\(below main\)|:main \[/)
                caller = "" # the program around the collected calls
            else if (caller == exe) { v = $1; gsub(",", "", v); own += v }
        }
        /  >  / && /\]$/ {
            callee = lib($NF)
            if (caller == exe && callee != exe) { v = $1; gsub(",", "", v); sum[callee] += v }
        }
        END { printf "total %d\nlibgenapi %d\n", total, own; for (l in sum) printf "%s %d\n", l, sum[l] }'
}
by_lib "$tmp/client.cg" bench_request_cost >"$tmp/client.libs"
client_total=$(awk '/^total/ {print $2}' "$tmp/client.libs")
# the busiest thread of wrk is the one that made the requests
wrk_total=0
for f in "$tmp"/wrk.cg*; do
    t=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
    [ "${t:-0}" -gt "$wrk_total" ] && wrk_total=$t
done

per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.0f", a / n }'; }
c_per=$(per "$client_total" "$N")
w_per=$(per "$wrk_total" "$wrk_requests")
echo "client: $N requests, $c_per instructions per request inside genapi_chat_complete"
sort -k2 -n -r "$tmp/client.libs" | awk -v n="$N" '$1 != "total" && $2 / n >= 50 { printf "  %-16s %8.0f per request\n", $1, $2 / n }'
echo "wrk: $wrk_requests requests, $w_per instructions per request (its request thread, start-up included)"
ratio=$(awk -v a="$c_per" -v b="$w_per" 'BEGIN { printf "%.1f", a / b }')
echo "TABLE|client instructions per small blocking request (callgrind)|$c_per|wrk $w_per|$ratio|report|yes"
for lib in libcurl libjson-c libgenapi; do
    v=$(awk -v l="$lib" -v n="$N" '$1 == l { printf "%.0f", $2 / n }' "$tmp/client.libs")
    [ -n "$v" ] && echo "TABLE|  of which $lib|$v|wrk $w_per|$(awk -v a="$v" -v b="$w_per" 'BEGIN { printf "%.1f", a / b }')|report|yes"
done
exit 0
