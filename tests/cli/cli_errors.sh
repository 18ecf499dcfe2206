#!/usr/bin/env bash
# Bad input gets a clear error, a non-zero exit and nothing written.
source "$(dirname "$0")/lib.sh" "$1"

snapshot() { ls -A | sort | tr '\n' ' '; }
s0=$(snapshot)
expect_code 2 "no command" -- "$HOZEN"
expect_code 2 "unknown command" -- "$HOZEN" frobnicate
expect_code 2 "unknown option" -- "$HOZEN" collect --frobnicate
expect_code 2 "stray positional" -- "$HOZEN" collect extra
expect_code 2 "unknown collector" -- "$HOZEN" collect --only nosuch
grep -q "unknown collector 'nosuch'" "$WORK/.err" && pass || fail "unknown collector message"
expect_code 2 "negative deadline" -- "$HOZEN" collect --deadline -1
expect_code 2 "missing option value" -- "$HOZEN" collect --output
expect_code 2 "keygen without --out" -- "$HOZEN" keygen
expect_code 2 "verify without file" -- "$HOZEN" verify
expect_code 3 "missing signing key" -- "$HOZEN" collect --signing-key nosuch.key -o x.hozen
printf 'not a key' > bad.key; s0=$(snapshot)
expect_code 3 "garbage signing key" -- "$HOZEN" collect --signing-key bad.key -o x.hozen
expect_code 3 "--root not a directory" -- "$HOZEN" collect --root /nonexistent -o x.hozen
[ "$(snapshot)" = "$s0" ] && pass || fail "files were created by failed commands: $(snapshot)"

for c in collect verify export keygen collectors; do
  expect_code 0 "$c --help" -- "$HOZEN" $c --help
done

# Never overwrite; never follow a planted symlink (T60).
echo "precious" > existing.hozen
expect_code 3 "existing output" -- "$HOZEN" collect -o existing.hozen
[ "$(cat existing.hozen)" = precious ] && pass || fail "existing output was modified"
echo "victim" > victim; ln -s victim planted.hozen
expect_code 3 "planted symlink" -- "$HOZEN" collect -o planted.hozen
[ "$(cat victim)" = victim ] && pass || fail "symlink target modified"

# T31: /dev/full exists, so it is refused at once; no hang.
start=$(date +%s)
expect_code 3 "-o /dev/full" -- timeout 20 "$HOZEN" collect -o /dev/full
[ $(( $(date +%s) - start )) -lt 10 ] && pass || fail "-o /dev/full was slow"

# verify / export on bad input.
expect_code 3 "verify missing file" -- "$HOZEN" verify nosuch.hozen
head -c 5000 /dev/urandom > random.hozen
expect_code 11 "verify random bytes" -- "$HOZEN" verify random.hozen
: > empty.hozen
expect_code 11 "verify empty file" -- "$HOZEN" verify empty.hozen
expect_code 11 "export random bytes" -- "$HOZEN" export random.hozen
[ ! -s "$WORK/.out" ] && pass || fail "export printed records from garbage"
expect_code 3 "verify with a non-key --key" -- "$HOZEN" verify random.hozen --key bad.key
finish
