#!/usr/bin/env bash
# T59: the file sweep's memory is bounded whatever the tree's size. A tree of N small files on
# tmpfs (/dev/shm: a temp dir, so every regular file is opened and hashed, the ELF and script
# ones flagged and copied into the bundle, the findings computed) is swept; the collect process's
# peak RSS, measured from outside (getrusage(RUSAGE_CHILDREN) after it exits), stays under
# 64 MiB; the bundle verifies and holds one file_entry per file.
# N: HOZEN_RSS_FILES (default 200000 to keep CI near a minute on 2 cores; bench/rss.sh runs the
# same check with 1,000,000). HOZEN_RSS_LIMIT_KIB: the bound (default 65536).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib.sh" "$1"
N=${HOZEN_RSS_FILES:-200000}
LIMIT_KIB=${HOZEN_RSS_LIMIT_KIB:-65536}
SHM=$(mktemp -d /dev/shm/hozen-rss-XXXXXX)
cleanup_hook() { rm -rf "$SHM"; }

made=$(python3 "$HERE/gen_tree.py" "$SHM/tree" "$N")
[ "$made" = "$N" ] && pass || fail "the generator made $made files, not $N"

# Peak RSS of the collect process alone (the generator ran in another python process).
peak=$(python3 - "$HOZEN" "$SHM/tree" "$SHM/out.hozen" <<'PY'
import resource, subprocess, sys
hozen, tree, out = sys.argv[1:4]
rc = subprocess.call([hozen, "collect", "-q", "--only", "file_sweep", "--sweep", tree, "-o", out],
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)
PY
)
read -r rss_kib rc <<<"$peak"
echo "sweep of $N files: peak RSS $((rss_kib / 1024)) MiB (limit $((LIMIT_KIB / 1024)) MiB), exit $rc"
[ "$rc" = 0 ] && pass || fail "collect exited $rc"
[ "$rss_kib" -lt "$LIMIT_KIB" ] && pass || fail "peak RSS ${rss_kib} KiB >= ${LIMIT_KIB} KiB"
expect_code 0 "the bundle verifies" -- "$HOZEN" verify "$SHM/out.hozen"

# One file_entry per regular file of the tree, each hashed; the summary counts every entry.
"$HOZEN" export "$SHM/out.hozen" --type file_entry,sweep_summary >"$SHM/out.jsonl"
python3 - "$SHM/out.jsonl" "$N" "$SHM/tree" <<'PY' && pass || fail "the bundle does not hold the $N files"
import json, sys
path, n, tree = sys.argv[1], int(sys.argv[2]), sys.argv[3]
regular = hashed = 0
summary = None
for line in open(path):
    r = json.loads(line)
    if r["type"] == "sweep_summary":
        summary = r
    elif r.get("file_kind") == "FILE_REGULAR" and r.get("path", "").startswith(tree + "/"):
        regular += 1
        hashed += r.get("hash_status") == "ITEM_OK"
assert regular == n, (regular, n)
assert hashed == n, (hashed, n)
assert summary is not None and int(summary["entries"]) >= n, summary
PY
finish
