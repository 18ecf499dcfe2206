#!/usr/bin/env bash
# export --format csv|timesketch|bodyfile over a file sweep of a tree with hostile names: the
# bodyfile read by Sleuth Kit's mactime (skipped when absent), Timesketch lines and CSV checked
# with python3 (FORMAT.md §Export).
source "$(dirname "$0")/lib.sh" "$1"

T="$WORK/tree"
mkdir -p "$T/sub dir"
printf 'x' > "$T/plain.txt"
printf 'x' > "$T/a|b"
printf 'x' > "$T/$(printf 'new\nline')"
printf 'x' > "$T/$(printf 'cr\rname')"
printf 'x' > "$T/$(printf 'bad\xffutf8')"
printf 'x' > "$T/=cmd|' \\C calc'!A0"
printf 'x' > "$T/comma,quote\"name"
printf 'x' > "$T/back\\slash"
printf 'x' > "$T/$(printf '\xe8\xa8\xbc\xe6\x8b\xa0')"
printf '#!/bin/sh\n' > "$T/sub dir/run.sh"; chmod 4755 "$T/sub dir/run.sh"
ln -s "../a|b" "$T/sub dir/link"
mkdir "$T/sticky"; chmod 1777 "$T/sticky"
ln -s "=cmd|' /C calc'!A0" "$T/formula-link"
touch -d '2001-02-03 04:05:06 UTC' "$T/plain.txt"

expect_code 0 "collect a sweep of the tree" -- "$HOZEN" collect -q --only file_sweep --sweep "$T" \
  --profile full -o b.hozen
"$HOZEN" export b.hozen --format jsonl --type file_entry >fe.jsonl 2>/dev/null
N=$(wc -l <fe.jsonl)
[ "$N" -ge 14 ] && pass || fail "only $N file_entry records"

# --- bodyfile -------------------------------------------------------------------------------
expect_code 0 "export bodyfile" -- "$HOZEN" export b.hozen --format bodyfile
cp "$WORK/.out" body.txt
[ "$(wc -l <body.txt)" = "$N" ] && pass || fail "bodyfile has $(wc -l <body.txt) lines, want $N"
awk -F'|' 'NF != 11 { bad = 1 } END { exit bad }' body.txt && pass || fail "a bodyfile line without 11 fields"
grep -q '/a\\x7cb|' body.txt && pass || fail "'a|b' not escaped as a\\x7cb"
grep -q '/new\\x0aline|' body.txt && pass || fail "newline not escaped"
grep -q '/bad\\xffutf8|' body.txt && pass || fail "invalid UTF-8 not escaped"
grep -q "/sub dir/link -> ../a\\\\x7cb|[0-9]*|lrwxrwxrwx|" body.txt && pass || fail "symlink line"
grep -q '/sub dir/run.sh|[0-9]*|-rwsr-xr-x|' body.txt && pass || fail "setuid mode string"
grep -q '/sticky|[0-9]*|drwxrwxrwt|' body.txt && pass || fail "sticky mode string"
grep -Eq '^[0-9a-f]{64}\|.*/plain.txt\|.*\|981173106\|' body.txt && pass || fail "plain.txt: sha256 or mtime"
if command -v mactime >/dev/null; then
  TZ=UTC mactime -b body.txt -d -y >timeline.csv 2>mactime.err
  [ $? = 0 ] && pass || fail "mactime failed: $(head -3 mactime.err)"
  # mactime writes one row per distinct time of an entry (times < 0 are dropped).
  want=$(awk -F'|' '{ delete s; n = 0; for (i = 8; i <= 11; i++) if ($i >= 0 && !($i in s)) { s[$i]; n++ } t += n } END { print t }' body.txt)
  got=$(($(wc -l <timeline.csv) - 1))
  [ "$got" = "$want" ] && pass || fail "mactime rows $got, want $want"
  python3 - timeline.csv body.txt "$T" <<'PY' && pass || fail "mactime timeline"
import csv, sys
timeline, body, tree = sys.argv[1:4]
rows = list(csv.DictReader(open(timeline, newline="", encoding="utf-8", errors="surrogateescape")))
names = {l.split("|")[1] for l in open(body, encoding="utf-8", errors="surrogateescape")}
assert {r["File Name"] for r in rows} == names, names ^ {r["File Name"] for r in rows}
plain = [r for r in rows if r["File Name"] == tree + "/plain.txt" and "m" in r["Type"]]
assert plain and plain[0]["Date"] == "2001-02-03T04:05:06Z", plain
for odd in ('comma,quote"name', "a\\x7cb", "new\\x0aline", "bad\\xffutf8", "\u8a3c\u62e0"):
    assert tree + "/" + odd in names, odd
PY
else
  echo "SKIP: mactime not installed (Debian package sleuthkit); bodyfile not checked against it"
fi
expect_code 2 "bodyfile of another type" -- "$HOZEN" export b.hozen --format bodyfile --type process

# --- timesketch -----------------------------------------------------------------------------
expect_code 0 "export timesketch" -- "$HOZEN" export b.hozen --format timesketch
cp "$WORK/.out" ts.jsonl
python3 - ts.jsonl fe.jsonl "$T" <<'PY' && pass || fail "timesketch lines"
import json, sys, datetime, base64
ts, fe, tree = sys.argv[1:4]
events = [json.loads(l) for l in open(ts, encoding="utf-8")]
entries = [json.loads(l) for l in open(fe, encoding="utf-8")]
want = sum(1 for e in entries for k in ("atime_utc_ns", "mtime_utc_ns", "ctime_utc_ns", "btime_utc_ns") if k in e)
got = [e for e in events if e["data_type"] == "hozen:file_entry"]
assert len(got) == want, (len(got), want)
for e in events:
    for k in ("message", "datetime", "timestamp", "timestamp_desc", "data_type", "hostname", "record_index"):
        assert k in e, (k, e)
    assert isinstance(e["timestamp"], int)
    assert e["datetime"].endswith("Z"), e["datetime"]
    d = datetime.datetime.fromisoformat(e["datetime"].replace("Z", "+00:00"))
    us = (d - datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)) // datetime.timedelta(microseconds=1)
    assert us == e["timestamp"], (us, e)
descs = {e["timestamp_desc"] for e in got}
assert {"Content Modification Time", "Last Access Time", "Metadata Modification Time"} <= descs, descs
plain = [e for e in got if e.get("path") == tree + "/plain.txt" and e["timestamp_desc"] == "Content Modification Time"]
assert len(plain) == 1 and plain[0]["datetime"] == "2001-02-03T04:05:06.000000Z", plain
bad = [e for e in got if "path_b64" in e and base64.b64decode(e["path_b64"]) == (tree + "/bad\xffutf8").encode("latin-1")]
assert bad and "bad\\xffutf8" in bad[0]["message"], bad[:1]
PY
expect_code 0 "export timesketch --type process" -- "$HOZEN" export b.hozen --format timesketch --type process
[ ! -s "$WORK/.out" ] && pass || fail "--type process exported file events"

# --- csv ------------------------------------------------------------------------------------
expect_code 0 "export csv" -- "$HOZEN" export b.hozen --format csv --type file_entry
cp "$WORK/.out" fe.csv
python3 - fe.csv "$N" "$T" <<'PY' && pass || fail "csv content"
import csv, sys, base64
path, n, tree = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = list(csv.DictReader(open(path, newline="", encoding="utf-8")))
assert len(rows) == n, (len(rows), n)
def value(cell):  # the documented formula guard: one leading apostrophe on text cells
    return cell[1:] if cell.startswith("'") else cell
paths = {value(r["path"]) for r in rows if r["path"]}
for odd in ("=cmd|' \\C calc'!A0", 'comma,quote"name', "new\nline", "cr\rname", "a|b", "back\\slash", "\u8a3c\u62e0"):
    assert tree + "/" + odd in paths, odd
raw = [base64.b64decode(r["path_b64"]) for r in rows if r["path_b64"]]
assert (tree + "/bad\xffutf8").encode("latin-1") in raw, raw
formula = [r["link_target"] for r in rows if r["link_target"].endswith("calc'!A0")]
assert formula == ["'=cmd|' /C calc'!A0"], formula  # the formula guard
assert all(r["verified"] == "true" for r in rows)
PY
expect_code 2 "csv without --type" -- "$HOZEN" export b.hozen --format csv
grep -q "file_entry" "$WORK/.err" && pass || fail "csv usage error does not list the types"
expect_code 2 "csv with two types" -- "$HOZEN" export b.hozen --format csv --type process,socket
expect_code 2 "csv of an unknown type" -- "$HOZEN" export b.hozen --format csv --type nosuch
expect_code 2 "unknown format" -- "$HOZEN" export b.hozen --format xml
grep -q "jsonl, csv, timesketch, bodyfile" "$WORK/.err" && pass || fail "unknown format error does not name the formats"
expect_code 0 "export csv of the header" -- "$HOZEN" export b.hozen --format csv --type header
[ "$(wc -l <"$WORK/.out")" = 2 ] && pass || fail "header csv is not 2 lines"

finish
