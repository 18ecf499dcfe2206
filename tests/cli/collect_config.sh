#!/usr/bin/env bash
# `hozen collect --config FILE`: a good file drives the run and is recorded (path and SHA-256) in
# the signed configuration; flags given on the command line win; a bad file is exit 2 naming
# FILE:LINE:COL with nothing created. The progress line: never when stderr is not a terminal;
# drawn and erased on a terminal (through script(1), when installed).
source "$(dirname "$0")/lib.sh" "$1"

snapshot() { ls -A | sort | tr '\n' ' '; }
header_field() {  # BUNDLE FIELD -> the header's invocation.FIELD (text)
  "$HOZEN" export "$1" --type header --format jsonl | python3 -c '
import json, sys
inv = json.loads(sys.stdin.readline())["invocation"]
print(inv.get(sys.argv[1], ""))' "$2"
}

cat > good.yaml <<'EOF'
collectors:
  only: [users]
processes: {environ: false}
sweep:
  recent_days: 3
  max_hash_mib: 64
  preserve_budget_mib: 32
deadline_s: 300
case: FILE-CASE
examiner: from the file
EOF
expect_code 0 "collect with a good --config" -- "$HOZEN" collect -q --config good.yaml -o good.hozen
cfg=$(header_field good.hozen config)
grep -qx "config_file=good.yaml" <<<"$cfg" && pass || fail "config_file not recorded: $cfg"
sum=$(sha256sum good.yaml | cut -d' ' -f1)
grep -qx "config_file_sha256=$sum" <<<"$cfg" && pass || fail "config file digest not recorded"
grep -qx "collectors.only=users" <<<"$cfg" && pass || fail "only from the file"
grep -qx "collect_environ=false" <<<"$cfg" && pass || fail "environ from the file"
grep -qx "sweep.recent_days=3" <<<"$cfg" && pass || fail "recent_days from the file"
grep -qx "sweep.max_hash_bytes=67108864" <<<"$cfg" && pass || fail "max_hash_mib from the file"
grep -qx "sweep.preserve_budget_bytes=33554432" <<<"$cfg" && pass || fail "preserve_budget_mib from the file"
grep -qx "deadline_s=300.000000" <<<"$cfg" && pass || fail "deadline from the file"
[ "$(header_field good.hozen case_id)" = FILE-CASE ] && pass || fail "case id from the file"
runs=$("$HOZEN" export good.hozen --type collector_run --format jsonl | grep -c '"RUN_OK"')
[ "$runs" = 1 ] && pass || fail "only 'users' should have run ($runs ran)"

# Flags given explicitly win; flags left at their defaults do not.
expect_code 0 "flags override the file" -- "$HOZEN" collect -q --config good.yaml --only system \
  --recent-days 30 --case CLI-CASE --preserve-budget-mib 8 -o flags.hozen
cfg=$(header_field flags.hozen config)
grep -qx "collectors.only=system" <<<"$cfg" && pass || fail "--only did not win"
grep -qx "sweep.recent_days=30" <<<"$cfg" && pass || fail "--recent-days (its default value) did not win"
grep -qx "sweep.preserve_budget_bytes=8388608" <<<"$cfg" && pass || fail "--preserve-budget-mib did not win"
grep -qx "sweep.max_hash_bytes=67108864" <<<"$cfg" && pass || fail "the file's max_hash_mib was lost"
[ "$(header_field flags.hozen case_id)" = CLI-CASE ] && pass || fail "--case did not win"
[ "$(header_field flags.hozen examiner)" = "from the file" ] && pass || fail "examiner from the file was lost"
# Without --config: recorded as none.
expect_code 0 "collect without --config" -- "$HOZEN" collect -q --only system -o plain.hozen
grep -qx "config_file=" <<<"$(header_field plain.hozen config)" && pass || fail "config_file should be empty"

# Bad files: exit 2, FILE:LINE:COL, nothing created.
bad() {  # NAME EXPECTED-LOCATION EXPECTED-TEXT CONTENT
  printf '%s' "$4" > "$1.yaml"
  local s0; s0=$(snapshot)
  expect_code 2 "bad config $1" -- "$HOZEN" collect -q --config "$1.yaml" -o "$1.hozen"
  grep -qF "$1.yaml:$2: " "$WORK/.err" && grep -qF "$3" "$WORK/.err" && pass ||
    fail "bad config $1: message: $(cat "$WORK/.err")"
  [ "$(snapshot)" = "$s0" ] && pass || fail "bad config $1 created files: $(snapshot)"
}
bad unknown-key 2:1 "unknown key 'colectors'" $'case: x\ncolectors: {only: [users]}\n'
bad wrong-type 2:16 "not a string" $'sweep:\n  recent_days: "3"\n'
bad negative 2:12 "must not be negative" $'sweep:\n  threads: -4\n'
bad overflow 1:23 "at most" $'sweep: {max_hash_mib: 99999999999999999999}\n'
bad relative 3:7 "must be absolute" $'sweep:\n  paths:\n    - tmp\n'
bad profile 1:18 "'default' or 'full'" $'sweep: {profile: quick}\n'
bad collector 1:21 "unknown collector 'nosuch'" $'collectors: {only: [nosuch]}\n'
bad syntax 2:1 "YAML:" $'sweep: {threads: 1\n'
s0=$(snapshot)
expect_code 2 "missing --config file" -- "$HOZEN" collect -q --config nosuch.yaml -o x.hozen
grep -q "nosuch.yaml: cannot open" "$WORK/.err" && pass || fail "missing file message: $(cat "$WORK/.err")"
expect_code 2 "--config a directory" -- "$HOZEN" collect -q --config . -o x.hozen
expect_code 2 "bad --max-hash-mib" -- "$HOZEN" collect -q --max-hash-mib -1 -o x.hozen
expect_code 2 "bad --preserve-max-mib" -- "$HOZEN" collect -q --preserve-max-mib 9 -o x.hozen
[ "$(snapshot)" = "$s0" ] && pass || fail "failed commands created files: $(snapshot)"

# The progress line. A small tree whose one 4 MB executable is read at 1 MB/s: the sweep lasts
# a few seconds, long enough for several redraws.
mkdir -p tree/bin && head -c 4000000 /dev/zero > tree/bin/big && chmod +x tree/bin/big
expect_code 0 "sweep, stderr not a terminal" -- "$HOZEN" collect --only file_sweep --sweep "$WORK/tree" \
  --io-rate 1 -o notty.hozen
if grep -q $'\r\|\033' "$WORK/.err"; then fail "progress output without a terminal"; else pass; fi
grep -q "file_sweep .* ok " "$WORK/.err" && pass || fail "the summary line is missing: $(cat "$WORK/.err")"
if command -v script >/dev/null; then
  script -qec "'$HOZEN' collect --only file_sweep --sweep '$WORK/tree' --io-rate 1 -o tty.hozen" /dev/null \
    > tty.out 2>&1 </dev/null
  [ $? = 0 ] && pass || fail "collect under script(1): $(tail -5 tty.out)"
  grep -aq $'\r\033\[Kfile_sweep: [0-9,]* entr' tty.out && pass || fail "no progress line on a terminal"
  # Erased before the collector's summary line.
  grep -aq $'\r\033\[K  file_sweep  *ok ' tty.out && pass || fail "progress line not erased before the summary"
  script -qec "'$HOZEN' collect -q --only file_sweep --sweep '$WORK/tree' --io-rate 1 -o ttyq.hozen" /dev/null \
    > ttyq.out 2>&1 </dev/null
  if grep -aq $'\033' ttyq.out; then fail "progress line despite --quiet"; else pass; fi
else
  echo "script(1) not installed: the terminal case is not checked here"
fi
finish
