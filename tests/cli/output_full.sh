#!/usr/bin/env bash
# T29/T30: a full output filesystem and injected ENOSPC/EIO end in 'output_exhausted' with exit 4,
# never in a bundle that verifies as complete, never with a success message.
source "$(dirname "$0")/lib.sh" "$1"
big=(collect --only system,test_slow --test-records 200000 --test-interval-ms 0 --test-record-bytes 4096 -q)

mnt="$WORK/full"
mkdir "$mnt"
if mount -t tmpfs -o size=256k tmpfs "$mnt" 2>/dev/null; then
  cleanup_hook() { umount "$mnt" 2>/dev/null; }
  expect_code 4 "tmpfs of 256 KiB fills up" -- timeout 60 "$HOZEN" "${big[@]}" -o "$mnt/b.hozen"
  grep -q "collection complete" "$WORK/.out" && fail "success printed on a full disk" || pass
  grep -q "NOT complete" "$WORK/.err" && pass || fail "no failure message"
  "$HOZEN" verify "$mnt/b.hozen" > v.txt 2>&1; vc=$?
  [ "$vc" = 1 ] && grep -q "collection output_exhausted" v.txt && pass \
    || fail "full tmpfs: verify exit $vc: $(grep result v.txt)"
  umount "$mnt"
else
  echo "SKIP: cannot mount tmpfs (not root?)"
fi

if grep -qa "AddressSanitizer" "$HOZEN"; then
  # ptrace-based injection and the sanitizers' own ptrace/pipe tricks do not mix.
  echo "SKIP: strace fault injection on a sanitizer build"
elif command -v strace >/dev/null; then
  for n in 12 40; do
    expect_code 4 "pwrite ENOSPC from call $n" -- timeout 120 strace -f -qq -o /dev/null \
      -e trace=pwrite64 -e inject=pwrite64:error=ENOSPC:when=$n+ "$HOZEN" "${big[@]}" -o "w$n.hozen"
    vc=$(verify_code "w$n.hozen")
    [ "$vc" != 0 ] && pass || fail "injected ENOSPC at write $n: bundle verifies as complete"
  done
  expect_code 4 "fdatasync EIO" -- timeout 120 strace -f -qq -o /dev/null \
    -e trace=fdatasync -e inject=fdatasync:error=EIO:when=2+ "$HOZEN" "${big[@]}" -o "s.hozen"
  vc=$(verify_code s.hozen)
  [ "$vc" != 0 ] && pass || fail "injected fdatasync EIO: bundle verifies as complete"
  expect_code 4 "fallocate ENOSPC at start" -- timeout 60 strace -f -qq -o /dev/null \
    -e trace=fallocate -e inject=fallocate:error=ENOSPC:when=1+ "$HOZEN" "${big[@]}" -o "f.hozen"
  [ ! -e f.hozen ] && pass || fail "an empty bundle was left behind"
else
  echo "SKIP: strace not installed"
fi
finish
