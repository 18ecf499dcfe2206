#!/usr/bin/env bash
# Issue #5 benchmark (d) / T59: peak RSS of `hozen collect --only file_sweep --sweep TREE` on a tree
# of 1,000,000 small files on tmpfs (tests/cli/gen_tree.py: ~1000 files per directory, executables,
# ELF and script headers, SUID files, dotfiles, hidden directories). /dev/shm is a temp dir, so
# every file is opened and hashed, the ELF/script ones flagged and copied, the findings computed.
# The peak RSS is measured from outside: getrusage(RUSAGE_CHILDREN) after the collect process
# exits. Runs the CLI test (tests/cli/sweep_rss.sh, which also checks the bundle) with N files, and
# the same collect with --no-analysis and on an empty tree, to show what is fixed cost.
# usage: bench/rss.sh [build-dir] [N]   (default build/release, 1000000)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
n=${2:-1000000}
export CCACHE_BASEDIR=/work
[ -d "$build" ] || flock /tmp/hozen-build.lock cmake --preset release -S "$src" >/dev/null
flock /tmp/hozen-build.lock cmake --build "$build" --target hozen >/dev/null
hozen=$build/agent/hozen
work=$(mktemp -d /dev/shm/hozen-rss-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT

peak() {  # peak RSS (KiB), wall and CPU seconds of one collect of $1 with extra arguments
  python3 - "$hozen" "$@" <<'PY'
import resource, subprocess, sys, time
hozen, tree, out, *extra = sys.argv[1:]
t = time.monotonic()
rc = subprocess.call([hozen, "collect", "-q", "--only", "file_sweep", "--sweep", tree, "-o", out, *extra],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"peak RSS {ru.ru_maxrss / 1024:.1f} MiB, {time.monotonic() - t:.1f} s wall, "
      f"{ru.ru_utime + ru.ru_stime:.1f} s CPU, exit {rc}")
PY
}
mkdir "$work/empty"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "empty tree:              $(peak "$work/empty" "$work/e.hozen")"
python3 "$src/tests/cli/gen_tree.py" "$work/tree" "$n" >/dev/null
echo "$n files, --no-analysis: $(peak "$work/tree" "$work/a.hozen" --no-analysis)"
rm -f "$work/a.hozen"
echo "$n files:                $(peak "$work/tree" "$work/b.hozen")"
ls -l "$work/b.hozen" | awk '{printf "bundle: %.0f MB\n", $5 / 1e6}'
rm -rf "$work/tree" "$work/b.hozen"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# The CI check itself, at N files (it makes its own tree).
HOZEN_RSS_FILES=$n bash "$src/tests/cli/sweep_rss.sh" "$hozen"
