#!/usr/bin/env bash
# The file sweep hashes what other records name as running, wherever it is (issue 5 point 3),
# copies deleted executables of running processes into the bundle (point 5), and computes MD5 and
# SHA-1 only when an indicator list asks for them (point 2). Also: the walk goes through a
# read-only noatime view of the mounts.
source "$(dirname "$0")/lib.sh" "$1"

# A deleted implant, still running: the bundle must hold its bytes.
mkdir -p .hide tree elsewhere
cp /bin/sleep ".hide/implant-$$"
".hide/implant-$$" 300 &
IMPLANT=$!
# A script run by an interpreter from outside the swept tree: hashed because a process names it.
printf '#!/bin/sh\nsleep 300\n' > elsewhere/run.sh
bash "$WORK/elsewhere/run.sh" &
RUNNER=$!
# Run through a symlink: the link is what argv names, its target is what runs.
mkdir elsewhere/real
printf '#!/bin/sh\nsleep 301\n' > elsewhere/real/target.sh
ln -s real/target.sh elsewhere/link.sh
bash "$WORK/elsewhere/link.sh" &
LINKED=$!
# A script deleted while it runs: named by argv, gone from disk.
printf '#!/bin/sh\nsleep 302\n' > elsewhere/gone.sh
bash "$WORK/elsewhere/gone.sh" &
GONE=$!
cleanup_hook() { pkill -P "$RUNNER" 2>/dev/null; pkill -P "$LINKED" 2>/dev/null; pkill -P "$GONE" 2>/dev/null
                 kill "$IMPLANT" "$RUNNER" "$LINKED" "$GONE" 2>/dev/null || true; }
sleep 0.3
rm -f ".hide/implant-$$" elsewhere/gone.sh
# A dropper inside the tree, named by its MD5 and SHA-1 in an indicator list.
cp /bin/sleep tree/dropper.bin
printf 'hello\n' > tree/notes.txt
printf 'md5:%s\nsha1:%s\n' "$(md5sum < /bin/sleep | cut -d' ' -f1)" "$(sha1sum < /bin/sleep | cut -d' ' -f1)" > iocs.txt

expect_code 0 "collect processes + sweep of one tree" -- "$HOZEN" collect -q --only processes,file_sweep \
  --sweep "$WORK/tree" --ioc iocs.txt -o s.hozen
expect_code 0 "verify" -- "$HOZEN" verify s.hozen
"$HOZEN" export s.hozen > s.jsonl
python3 - s.jsonl "$IMPLANT" "$WORK" "$(sha256sum < /bin/sleep | cut -d' ' -f1)" \
  "$(sha256sum < elsewhere/run.sh | cut -d' ' -f1)" "$(md5sum < /bin/sleep | cut -d' ' -f1)" \
  "$(sha1sum < /bin/sleep | cut -d' ' -f1)" <<'PY' || fail "references, copies and IOC digests"
import base64, json, sys
path, implant, work, sleep_sha, script_sha, sleep_md5, sleep_sha1 = sys.argv[1:]
recs = [json.loads(l) for l in open(path)]
by = lambda t: [r for r in recs if r["type"] == t]

# 1. The deleted executable's bytes, read through /proc/<pid>/exe, are the original's.
copies = [p for p in by("preserved_file") if p.get("pid") == int(implant)]
assert len(copies) == 1, copies
c = copies[0]
assert c["read_via"] == f"/proc/{implant}/exe", c["read_via"]
assert c["path"].endswith(" (deleted)") and "implant-" in c["path"], c["path"]
assert c["sha256"] == sleep_sha, (c["sha256"], sleep_sha)
raw = base64.b64decode(c["raw_b64"]) if "raw_b64" in c else c["raw"].encode()
assert len(raw) == c["size"] and len(raw) > 0, (len(raw), c["size"])
proc = [p for p in by("process") if p["pid"] == int(implant)]
assert proc and proc[0]["exe_deleted"] and proc[0]["exe_preserved"], proc

# 2. The script a process runs from outside the swept tree is visited and hashed.
files = {f["path"]: f for f in by("file_entry")}
script = files.get(f"{work}/elsewhere/run.sh")
assert script, sorted(files)[:20]
assert script["hash_status"] == "ITEM_OK" and script["sha256"] == script_sha, script
assert any(s.startswith("process ") for s in script["referenced_by"]), script
summary = by("sweep_summary")[0]
assert int(summary["referenced_outside_roots"]) >= 1 and int(summary["referenced_files"]) >= 1, summary
# Through a symlink: the link is recorded as referenced, and its target is hashed too.
link = files.get(f"{work}/elsewhere/link.sh")
assert link and link["file_kind"] == "FILE_SYMLINK" and link["referenced_by"], link
target = files.get(f"{work}/elsewhere/real/target.sh")
assert target and target["hash_status"] == "ITEM_OK", target
assert any("(via " in s for s in target["referenced_by"]), target
# A script deleted while it runs is named in the summary as missing.
assert f"{work}/elsewhere/gone.sh" in summary.get("referenced_missing", []), summary
assert summary.get("noatime_view") is True, summary  # root, Linux >= 5.12: the view is expected

# 3. MD5 and SHA-1 were computed because the indicator list holds them, and they matched.
assert summary.get("md5_requested") and summary.get("sha1_requested"), summary
d = files[f"{work}/tree/dropper.bin"]
assert d["md5"] == sleep_md5 and d["sha1"] == sleep_sha1, d
hits = [i for f in by("finding") if f["rule_id"] == "IOC-MATCH" for i in f["indicators"]]
assert any(sleep_md5 in i["matched_value"] for i in hits), hits
assert any(sleep_sha1 in i["matched_value"] for i in hits), hits
PY

# Without indicator lists no MD5 or SHA-1 is computed for files that are not packaged.
expect_code 0 "collect without indicators" -- "$HOZEN" collect -q --only file_sweep --no-analysis \
  --sweep "$WORK/tree" -o n.hozen
"$HOZEN" export n.hozen --type file_entry,sweep_summary > n.jsonl
python3 - n.jsonl <<'PY' || fail "no MD5/SHA-1 unless asked"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert not any("md5" in r or "sha1" in r for r in recs if r["type"] == "file_entry"), recs
s = [r for r in recs if r["type"] == "sweep_summary"][0]
assert not s.get("md5_requested") and not s.get("sha1_requested"), s
PY

# A file bind-mounted from a filesystem the sweep never enters (here procfs; in the field FUSE or
# NFS, where open(2) can hang) is recorded but never opened. Private mount namespace: the host's
# mount table is untouched.
touch tree/bound
if unshare -m sh -c "mount --make-rprivate / && mount --bind /proc/version '$WORK/tree/bound' && \
     '$HOZEN' collect -q --only file_sweep --no-analysis --sweep '$WORK/tree' -o '$WORK/m.hozen'" \
     >"$WORK/.out" 2>"$WORK/.err"; then
  pass
  "$HOZEN" export m.hozen --type file_entry > m.jsonl
  python3 - m.jsonl "$WORK" <<'PY' || fail "a bind-mounted procfs file is not opened"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
b = [r for r in recs if r["path"] == sys.argv[2] + "/tree/bound"]
assert len(b) == 1, [r["path"] for r in recs]
b = b[0]
assert b.get("hash_status", "ITEM_NOT_ATTEMPTED") == "ITEM_NOT_ATTEMPTED" and "sha256" not in b, b
assert "not opened" in b["hash_error"], b
PY
else
  echo "SKIP: cannot bind-mount in a private namespace here: $(cat "$WORK/.err")"
fi
finish
