#!/usr/bin/env bash
# Issue #3 benchmark: hozen's volatile collectors against `ps` + `ss`, measured in the same run,
# on a host loaded with EXTRA_PROCS extra processes (default 2000) and LOOPBACK_PAIRS established
# loopback TCP connections (default 5000 pairs = 10000 sockets).
#   peer:  ps -eo pid,ppid,user,lstart,args ; ss -tanpu
#   hozen: collect --only network,processes (with --no-exe-hash, and with hashing)
# Also checks that hozen records every process ps shows and every socket ss shows, and that a
# hozen run creates no process (the /proc/stat "processes" counter rises by exactly one: hozen).
# usage: [RUNS=10] bench/volatile.sh [build-dir]    needs: hyperfine, procps, iproute2, python3
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
[ -d "$build" ] || cmake --preset release -S "$src" >/dev/null
cmake --build "$build" --target hozen >/dev/null
hozen=$build/agent/hozen
procs=${EXTRA_PROCS:-2000}
pairs=${LOOPBACK_PAIRS:-5000}
work=$(mktemp -d /dev/shm/hozen-bench-XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq "$procs"); do sleep 3600 & pids+=($!); done
python3 - "$pairs" "$work/ready" <<'PY' &
import resource, socket, sys, time
n = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_NOFILE, (3 * n + 100, 3 * n + 100))
l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(n)
keep = []
for _ in range(n):
    c = socket.create_connection(l.getsockname()); s, _ = l.accept(); keep += [c, s]
open(sys.argv[2], "w").close()
time.sleep(3600)
PY
pids+=($!)
while [ ! -e "$work/ready" ]; do sleep 0.2; done
echo "host: $(ls /proc | grep -c '^[0-9]') processes, $(ss -tan | wc -l) tcp sockets"

# Completeness: every pid ps shows and every socket inode ss shows is in one hozen bundle.
ps -eo pid= > "$work/ps.txt"
ss -tanpue > "$work/ss.txt"
# No child process: every clone hozen makes is a thread (CLONE_THREAD), and it execs nothing.
strace -f -qq -o "$work/clone.txt" -e trace=clone,clone3,fork,vfork,execve,execveat \
  "$hozen" collect --only network,processes -q -o "$work/check.hozen" --no-exe-hash
"$hozen" export "$work/check.hozen" --type process,socket > "$work/check.jsonl"
python3 - "$work" <<'PY'
import json, os, re, sys
w = sys.argv[1]
recs = [json.loads(l) for l in open(f"{w}/check.jsonl")]
pids = {r["pid"] for r in recs if r["type"] == "process"}
inodes = {r.get("inode") for r in recs if r["type"] == "socket"}
ps = {int(x) for x in open(f"{w}/ps.txt").read().split()}
ss = {int(m) for m in re.findall(r"ino:(\d+)", open(f"{w}/ss.txt").read()) if m != "0"}
missing_p = ps - pids
missing_s = ss - inodes
print(f"completeness: {len(ps)} pids from ps, {len(missing_p)} missing in hozen (exited between runs: "
      f"the ps process itself and the shell's helpers): {sorted(missing_p)[:10]}")
print(f"completeness: {len(ss)} socket inodes from ss, {len(missing_s)} missing in hozen")
# A pid ps saw that hozen missed must have exited since (ps itself, the shell's helpers).
alive = [p for p in missing_p if os.path.exists(f"/proc/{p}")]
print(f"completeness: missing pids still running: {alive}")
sys.exit(0 if len(missing_s) == 0 and not alive else 1)
PY
threads=$(grep -cE 'clone3?\(.*CLONE_THREAD' "$work/clone.txt" || true)
children=$(grep -E '(clone3?|fork|vfork)\(' "$work/clone.txt" | grep -vc CLONE_THREAD || true)
execs=$(grep -cE 'execve(at)?\(' "$work/clone.txt" || true)
echo "hozen run: $threads threads, $children child processes, $execs execve (its own)"
[ "$children" = 0 ] && [ "$execs" = 1 ] || { echo "FAIL: hozen created a process or ran a program"; exit 1; }

hyperfine -N --warmup 2 --runs "${RUNS:-10}" --export-markdown "$work/ps-ss.md" --export-json "$work/ps-ss.json" \
  --prepare "rm -f $work/b.hozen" \
  "ps -eo pid,ppid,user,lstart,args" \
  "ss -tanpu" \
  "$hozen collect --only network,processes -q --no-exe-hash -o $work/b.hozen" \
  "$hozen collect --only network,processes -q -o $work/b.hozen"
cat "$work/ps-ss.md"
# The ratio the issue asks for: hozen's time over ps's and ss's together, same run.
python3 - "$work/ps-ss.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
ps = next(v for k, v in r.items() if k.startswith("ps "))
ss = next(v for k, v in r.items() if k.startswith("ss "))
peer = ps["mean"] + ss["mean"]
peer_med = ps["median"] + ss["median"]
for k, v in r.items():
    if "hozen" in k:
        label = "without exe hashing" if "--no-exe-hash" in k else "with exe hashing"
        print(f"ratio to ps+ss ({label}): mean {v['mean'] / peer:.2f}, median {v['median'] / peer_med:.2f}"
              f" ({v['mean'] * 1000:.0f} ms vs {peer * 1000:.0f} ms)")
PY
