#!/usr/bin/env bash
# Issue #5 benchmark: platform::walk_tree over one filesystem against
#   find PATH -xdev -printf '%p %s %T@\n' >/dev/null
# measured in the same run with hyperfine (warm cache: both walk the dentry/inode cache after the
# warmup runs; hyperfine discards stdout, i.e. find's >/dev/null). hozen-view walks through
# open_noatime_view (a detached read-only noatime copy of the mount tree). Also prints the
# walker's entry count against find's and its peak RSS.
# (-i: find exits 1 when a file vanishes under it on a busy host.)
# usage: bench/walk.sh [build-dir] [path]   (default build/release and /; needs hyperfine)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
path=${2:-/}
[ -d "$build" ] || cmake --preset release -S "$src" >/dev/null
cmake --build "$build" --target hozen_bench_walk >/dev/null
bench=$build/bench/hozen_bench_walk
json=$(mktemp /tmp/hozen-walk-bench-XXXXXX.json)
trap 'rm -f "$json"' EXIT
"$bench" "$path"
"$bench" --view "$path"
echo "find entries (incl. the start): $(find "$path" -xdev -printf '\n' | wc -l)"
hyperfine -N -i --warmup 2 --runs "${RUNS:-10}" --export-json "$json" \
  -n hozen "$bench --quiet $path" \
  -n hozen-view "$bench --quiet --view $path" \
  -n find "find $path -xdev -printf '%p %s %T@\n'" >&2 || true
python3 - "$json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
f = r["find"]["mean"]
for name in ("hozen", "hozen-view"):
    h = r[name]["mean"]
    print(f"{name} {h*1000:.0f} ms, find {f*1000:.0f} ms, ratio {name}/find: {h/f:.2f} (target <= 1.20)")
PY
