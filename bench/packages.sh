#!/usr/bin/env bash
# Issue #5 benchmark (c): package verification against `dpkg -V`, same run, page cache warm.
#   dpkg -V                       (every installed package: MD5 of every file in its md5sums,
#                                  plus conffiles against the MD5s in the status file)
#   hozen collect --only file_sweep --verify-packages --no-analysis --no-low-priority --sweep ROOT...
#                                 (normal priority, as dpkg runs; by default hozen lowers its own)
#                                 (one walk of ROOTs; every packaged regular file met is read once
#                                  for MD5 + SHA-256; every entry recorded; a signed bundle written)
# ROOTs are derived from the md5sums files so that they cover every path dpkg checks: the first two
# components of each listed path (its parent if that is a file), resolved through the merged-/usr
# links (/lib -> usr/lib), a root inside another dropped. /etc conffiles are NOT among what hozen
# verifies (dpkg's conffiles are meant to be edited; their MD5s live in the status file), so
# conffile lines ('c') are left out of the comparison and counted apart.
# Times: wall and CPU (user + sys of the process and its children) of the fastest of RUNS runs
# (default 3) after one warm-up run each (the page cache then holds every packaged file).
# The mismatch sets: dpkg -V lines with '5' in the third column of the flags, against hozen's
# file_entry records with package_check PACKAGE_MD5_MISMATCH (`hozen export --format jsonl` + jq);
# paths are compared after mapping /bin /sbin /lib* to /usr/... (merged /usr: dpkg prints the path
# its database lists, hozen the one it walked).
# usage: bench/packages.sh [build-dir]   (default build/release; needs dpkg, jq)
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/release}
export CCACHE_BASEDIR=/work
[ -d "$build" ] || flock /tmp/hozen-build.lock cmake --preset release -S "$src" >/dev/null
flock /tmp/hozen-build.lock cmake --build "$build" --target hozen >/dev/null
hozen=$build/agent/hozen
runs=${RUNS:-3}
work=$(mktemp -d /dev/shm/hozen-pkg-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Roots covering every path in the md5sums files.
cat /var/lib/dpkg/info/*.md5sums | sed -E 's/^[0-9a-f]{32} [ *]//' | awk -F/ '{print "/" $1 "/" $2}' |
  sort -u >"$work/dirs"
while IFS= read -r d; do
  if [ -d "$d" ]; then readlink -f -- "$d"; else readlink -f -- "$(dirname -- "$d")"; fi
done <"$work/dirs" | sort -u | awk '{ for (k in kept) if (index($0, k "/") == 1 || k == "/") next; kept[$0]; print }' \
  >"$work/roots"
sweep_args=()
while IFS= read -r r; do sweep_args+=(--sweep "$r"); done <"$work/roots"
listed=$(cat /var/lib/dpkg/info/*.md5sums | wc -l)
echo "paths in md5sums: $listed; roots: $(tr '\n' ' ' <"$work/roots")"

n=0
run_dpkg() { dpkg -V >"$work/dpkg.out" 2>"$work/dpkg.err" || true; }
run_hozen() {
  n=$((n + 1))
  rm -f "$work/h.hozen"
  "$hozen" collect -q --only file_sweep --verify-packages --no-analysis --no-low-priority "${sweep_args[@]}" -o "$work/h.hozen" >/dev/null
}
# "wall cpu" of the fastest of $runs runs, after one warm-up (see bench/hash.sh).
best_of() {
  local best="" out TIMEFORMAT='%R %U %S'
  "$@" >/dev/null 2>&1
  for _ in $(seq "$runs"); do
    out=$({ time "$@" >/dev/null 2>&1; } 2>&1)
    out=$(awk '{printf "%.3f %.3f", $1, $2 + $3}' <<<"$(tail -1 <<<"$out")")
    if [ -z "$best" ] || awk -v d="${out% *}" -v b="${best% *}" 'BEGIN {exit !(d < b)}'; then best=$out; fi
  done
  echo "$best"
}
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
read -r t_dpkg c_dpkg <<<"$(best_of run_dpkg)"
read -r t_hozen c_hozen <<<"$(best_of run_hozen)"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
"$hozen" verify "$work/h.hozen" >/dev/null

# Merged /usr: top-level links to usr/... (bin, sbin, lib, lib32, lib64, libx32).
map=$(for l in /*; do
  t=$(readlink -- "$l" 2>/dev/null) || continue
  case "$t" in usr/* | /usr/*) printf '%s %s\n' "$l" "/usr/${t#*usr/}" ;; esac
done)
normalise() {
  awk -v map="$map" 'BEGIN { n = split(map, m, "\n"); for (i = 1; i <= n; i++) { split(m[i], p, " "); from[i] = p[1]; to[i] = p[2] } }
    { for (i = 1; i <= n; i++) if (from[i] != "" && index($0, from[i] "/") == 1) { $0 = to[i] substr($0, length(from[i]) + 1); break } print }'
}
# dpkg -V: "??5?????? c /path" (flags, a 'c' for conffiles, the path; "missing" in place of flags).
awk 'substr($0, 3, 1) == "5" && substr($0, 11, 1) != "c" { print substr($0, 13) }' "$work/dpkg.out" | normalise | sort -u >"$work/dpkg.mismatch"
awk 'substr($0, 3, 1) == "5" && substr($0, 11, 1) == "c"' "$work/dpkg.out" | wc -l >"$work/dpkg.conf"
grep -c '^missing' "$work/dpkg.out" >"$work/dpkg.missing" || true
"$hozen" export "$work/h.hozen" --format jsonl --type file_entry >"$work/files.jsonl"
jq -r 'select(.package_check == "PACKAGE_MD5_MISMATCH") | .path' "$work/files.jsonl" | normalise | sort -u >"$work/hozen.mismatch"
checks=$(jq -r '.package_check // "PACKAGE_CHECK_UNSPECIFIED"' "$work/files.jsonl" | sort | uniq -c | tr -s ' \n' ' ')
entries=$(wc -l <"$work/files.jsonl")

only_dpkg=$(comm -23 "$work/dpkg.mismatch" "$work/hozen.mismatch")
only_hozen=$(comm -13 "$work/dpkg.mismatch" "$work/hozen.mismatch")
echo "load average: before $load_before, after $load_after"
echo "dpkg -V (best of $runs, warm): ${t_dpkg} s wall, ${c_dpkg} s CPU"
echo "hozen file_sweep --verify-packages (best of $runs, warm): ${t_hozen} s wall, ${c_hozen} s CPU ($entries entries walked)"
echo "hozen package checks: $checks"
echo "dpkg -V md5 mismatches (not conffiles): $(wc -l <"$work/dpkg.mismatch"); conffiles changed: $(cat "$work/dpkg.conf"); missing: $(cat "$work/dpkg.missing")"
echo "hozen md5 mismatches: $(wc -l <"$work/hozen.mismatch")"
echo "only dpkg -V: $(grep -c . <<<"$only_dpkg" || true)"; [ -z "$only_dpkg" ] || head -20 <<<"$only_dpkg" | sed 's/^/  /'
echo "only hozen: $(grep -c . <<<"$only_hozen" || true)"; [ -z "$only_hozen" ] || head -20 <<<"$only_hozen" | sed 's/^/  /'
awk -v td="$t_dpkg" -v th="$t_hozen" -v cd="$c_dpkg" -v ch="$c_hozen" 'BEGIN {
  printf "speed-up vs dpkg -V: %.2fx wall, %.2fx CPU (target >= 5)\n", td / th, cd / ch }'
[ -z "$only_dpkg" ] && [ -z "$only_hozen" ]
