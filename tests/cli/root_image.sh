#!/usr/bin/env bash
# `hozen collect --root DIR` (a mounted image or a fixture): live-only collectors are skipped and
# recorded as such, file-based collectors read inside DIR only, symlinks never leave DIR, and the
# bundle verifies. Every checked-in fixture scenario is collected as it is in git.
SRC=$(cd "$(dirname "$0")/../.." && pwd)
source "$(dirname "$0")/lib.sh" "$1"

# A root whose files are symlinks pointing out of it, absolutely and relatively: both resolve
# inside the root (openat2 RESOLVE_IN_ROOT), so the outside secret never enters the bundle.
mkdir -p img/etc img/var/spool/cron/crontabs outside
echo "OUTSIDE-SECRET-$$" > outside/secret
ln -s "$WORK/outside/secret" img/etc/hosts
ln -s ../../../../../../../../../../"$WORK"/outside/secret img/etc/resolv.conf
echo "nameserver 192.0.2.53" > img/etc/resolv.conf.real
expect_code 0 "collect --root image" -- "$HOZEN" collect --root img -o img.hozen -q
expect_code 0 "verify --root bundle" -- "$HOZEN" verify img.hozen
"$HOZEN" export img.hozen >img.jsonl
grep -q "OUTSIDE-SECRET" img.jsonl && fail "a symlink escaped the root" || pass
grep -q "OUTSIDE-SECRET" img.hozen && fail "a symlink escaped the root (raw bundle)" || pass
python3 - img.jsonl <<'PY' && pass || fail "--root: live-only collectors not recorded as skipped"
import json, sys
runs = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "collector_run":
        runs[r["collector_id"]] = r
for live in ("network", "sessions", "processes", "kernel_modules"):
    assert runs[live]["status"] == "RUN_SKIPPED", runs[live]
    assert "live kernel" in runs[live]["status_detail"], runs[live]
hosts = [json.loads(l) for l in open(sys.argv[1])]
links = [r for r in hosts if r["type"] == "preserved_file" and r.get("link_target")]
assert links, "the symlinked files should be preserved with their link targets"
PY

# Every fixture scenario, as checked in.
shopt -s nullglob
for dir in "$SRC"/tests/fixtures/*/; do
  name=$(basename "$dir")
  expect_code 0 "collect --root fixture $name" -- "$HOZEN" collect --root "$dir" -o "$name.hozen" -q
  expect_code 0 "verify fixture $name" -- "$HOZEN" verify "$name.hozen"
  n=$("$HOZEN" export "$name.hozen" --type preserved_file | wc -l)
  [ "$n" -gt 0 ] && pass || fail "fixture $name: no file preserved"
  # Through the real bundle and export: every parsed entry's source names a preserved file of
  # the same bundle with the same digest, and that digest is the SHA-256 of the bytes kept.
  "$HOZEN" export "$name.hozen" > "$name.jsonl"
  python3 - "$name.jsonl" <<'PY' && pass || fail "fixture $name: a source is not preserved in the bundle"
import base64, hashlib, json, sys
def raw(obj, key):
    if key + "_b64" in obj:
        return base64.b64decode(obj[key + "_b64"])
    return obj.get(key, "").encode("utf-8")
blobs = {}
refs = []
def find_refs(o, top):
    if isinstance(o, dict):
        keys = set(o)
        if not top and ("path" in keys or "path_b64" in keys) and keys <= {"path", "path_b64", "line", "offset", "sha256"}:
            refs.append(o)
            return
        for v in o.values():
            find_refs(v, False)
    elif isinstance(o, list):
        for v in o:
            find_refs(v, False)
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["type"] == "preserved_file":
        digest = r.get("sha256", "")
        if digest and not r.get("redacted"):
            assert hashlib.sha256(raw(r, "raw")).hexdigest() == digest, r.get("path")
        blobs.setdefault(raw(r, "path"), set()).add(digest)
    elif r["type"] not in ("header", "trailer", "checkpoint"):
        find_refs(r, True)
for ref in refs:
    path = raw(ref, "path")
    assert path in blobs, ("no preserved file for", path)
    assert ref.get("sha256", "") in blobs[path], ("digest mismatch", path)
print(f"{len(refs)} sources checked", file=sys.stderr)
assert refs, "no parsed entry carries a source"
PY
done
finish
