#!/usr/bin/env bash
# The volatile collectors against the host tools a responder would otherwise run, in the same run:
#   hozen collect --only processes   vs   ps -eo pid,ppid,uid,lstart,stat,args
#   hozen collect --only network     vs   ss -tuanp
# with EXTRA background processes (default 500 sleepers, each holding a socket via a shell
# redirection-free `sleep`) so that the numbers are not dominated by start-up.
# usage: bench/volatile.sh [build-dir]    needs: hyperfine, procps, iproute2
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
[ -d "$build" ] || cmake --preset release -S "$src" >/dev/null
cmake --build "$build" --target hozen >/dev/null
hozen=$build/agent/hozen
extra=${EXTRA:-500}
pids=()
for _ in $(seq "$extra"); do sleep 600 & pids+=($!); done
trap 'kill "${pids[@]}" 2>/dev/null' EXIT
out=/dev/shm/hozen-bench-volatile.hozen
echo "processes on this host: $(ls /proc | grep -c '^[0-9]')"
hyperfine -N --warmup 2 --runs 10 --export-markdown /dev/shm/bench-ps.md \
  --prepare "rm -f $out" \
  "ps -eo pid,ppid,uid,lstart,stat,args" \
  "$hozen collect --only processes -q -o $out"
hyperfine -N --warmup 2 --runs 10 --export-markdown /dev/shm/bench-ss.md \
  --prepare "rm -f $out" \
  "ss -tuanp" \
  "$hozen collect --only network -q -o $out"
cat /dev/shm/bench-ps.md /dev/shm/bench-ss.md
rm -f "$out"
