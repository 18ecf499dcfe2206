#!/usr/bin/env bash
# Findings end to end (issue 6): a planted implant (a copied binary run from a hidden temp
# directory, then deleted) and an indicator list. `collect --ioc` writes signed findings,
# `analyze` recomputes them from an older bundle with new indicators, `hunt` reports per host
# across bundles, and bad indicator files are refused with their line number.
source "$(dirname "$0")/lib.sh" "$1"

mkdir -p "$WORK/.hide"
cp /bin/sleep "$WORK/.hide/implant-$$"
"$WORK/.hide/implant-$$" 300 &
IMPLANT=$!
cleanup_hook() { kill "$IMPLANT" 2>/dev/null || true; }
sleep 0.2
rm -f "$WORK/.hide/implant-$$"

printf '# from the advisory\nprocess:implant-%s\n198.51.100.0/24\n' "$$" > iocs.txt
printf 'ips:\n  - 203.0.113.9\nports: [4444]\nprocesses:\n  - "implant-*"\n' > iocs.yaml
printf '203.0.113.7\nnot an indicator at all\n' > bad.txt
printf 'ips:\n  - 203.0.113.9\ndomain:\n  - evil.example\n' > bad.yaml

# 1. A bad indicator file: usage error, its line named, no bundle written.
expect_code 2 "collect with a bad IOC file" -- "$HOZEN" collect -q --only processes --ioc bad.txt -o never.hozen
grep -q 'bad.txt:2' "$WORK/.err" || fail "the error names bad.txt line 2: $(cat "$WORK/.err")"
[ ! -e never.hozen ] || fail "a bundle was written despite the bad IOC file"
expect_code 2 "analyze with a bad YAML IOC file" -- "$HOZEN" analyze --ioc bad.yaml never.hozen
grep -q 'bad.yaml:3' "$WORK/.err" || fail "the error names bad.yaml line 3: $(cat "$WORK/.err")"

# 2. collect --ioc: findings are records of the bundle, signed with it, and summarised.
expect_code 0 "collect with indicators" -- "$HOZEN" collect -q --only network,processes --no-exe-hash --ioc iocs.txt -o a.hozen
grep -q 'findings:' "$WORK/.out" || fail "collect prints no findings summary"
"$HOZEN" export a.hozen --type finding,analysis_summary > a.jsonl
python3 - "$WORK/a.jsonl" "$$" <<'PY' || fail "findings in the collected bundle"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
pid_tag = "implant-" + sys.argv[2]
fs = [r for r in recs if r["type"] == "finding"]
assert all(r["verified"] and r["collector"] == "analysis" for r in fs), "findings must be verified records"
rules = {f["rule_id"] for f in fs}
for want in ("HZ-PROC-DELETED-EXE", "HZ-PROC-SUSPECT-PATH", "IOC-MATCH"):
    assert want in rules, f"{want} missing from {sorted(rules)}"
ioc = [f for f in fs if f["rule_id"] == "IOC-MATCH"]
assert any(pid_tag in i["matched_value"] for f in ioc for i in f["indicators"]), ioc
assert any(i["ioc_source"].endswith("iocs.txt:2") for f in ioc for i in f["indicators"]), ioc
dele = [f for f in fs if f["rule_id"] == "HZ-PROC-DELETED-EXE" and pid_tag in f["summary"]]
assert dele and dele[0]["severity"] == "SEVERITY_HIGH" and dele[0]["checklist_id"] == "H1", dele
summ = [r for r in recs if r["type"] == "analysis_summary"]
assert len(summ) == 1 and summ[0]["ioc_sources"][0]["indicators"] == 2, summ
PY

# 3. analyze: the same bundle with another list (YAML); text and jsonl; exit code of verify.
expect_code 0 "analyze with new indicators" -- "$HOZEN" analyze a.hozen --ioc iocs.yaml --format jsonl
python3 - "$WORK/.out" <<'PY' || fail "analyze --format jsonl"
import json, sys
fs = [json.loads(l) for l in open(sys.argv[1])]
assert all(f["type"] == "finding" for f in fs)
ioc = [f for f in fs if f["rule_id"] == "IOC-MATCH"]
assert ioc and all(i["ioc_source"].startswith("iocs.yaml:") for f in ioc for i in f["indicators"]), ioc
PY
expect_code 0 "analyze, text, high and above" -- "$HOZEN" analyze a.hozen --min-severity high
grep -q 'HZ-PROC-DELETED-EXE' "$WORK/.out" || fail "analyze text lists the deleted executable"
grep -q '\[info\]' "$WORK/.out" && fail "--min-severity high still lists info findings"
expect_code 2 "analyze with a bad --min-severity" -- "$HOZEN" analyze a.hozen --min-severity severe

# 4. hunt: two bundles and a directory; per host, and indicators across hosts.
mkdir hunt
expect_code 0 "second collection" -- "$HOZEN" collect -q --only processes --no-exe-hash --no-analysis -o hunt/b.hozen
cp a.hozen hunt/
expect_code 0 "hunt over a directory" -- "$HOZEN" hunt --ioc iocs.txt hunt
[ "$(grep -c '^== ' "$WORK/.out")" -ge 3 ] || fail "hunt prints a section per bundle and the cross-host summary: $(cat "$WORK/.out")"
grep -q "process implant-$$: 1 host" "$WORK/.out" || grep -q "process implant-$$: " "$WORK/.out" || fail "hunt's cross-host line for the process indicator"
expect_code 0 "hunt jsonl" -- "$HOZEN" hunt --ioc iocs.yaml --format jsonl hunt/a.hozen hunt/b.hozen
python3 - "$WORK/.out" <<'PY' || fail "hunt --format jsonl"
import json, sys
fs = [json.loads(l) for l in open(sys.argv[1])]
assert fs and all("bundle" in f and "hostname" in f for f in fs)
assert {f["bundle"] for f in fs if f["rule_id"] == "IOC-MATCH"} >= {"hunt/a.hozen", "hunt/b.hozen"}
PY
# A damaged bundle in a hunt: still hunted up to what verifies, and the exit code says so.
cp a.hozen hunt/c.hozen
size=$(stat -c %s hunt/c.hozen)
printf 'X' | dd of=hunt/c.hozen bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
"$HOZEN" hunt --ioc iocs.txt hunt > hunt.out 2>&1
code=$?
case $code in 10|11|12) pass ;; *) fail "hunt with a damaged bundle exits $code, expected 10-12" ;; esac
grep -qE 'BROKEN|BAD SIGNATURE|VERIFIED PREFIX' hunt.out || fail "hunt reports the damaged bundle: $(cat hunt.out)"
expect_code 2 "hunt without bundles" -- "$HOZEN" hunt --ioc iocs.txt

finish
