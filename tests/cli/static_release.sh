#!/usr/bin/env bash
# T2/T3 on the release binary: statically linked (no NEEDED entries, no interpreter), exactly one
# execve (itself), and before the bundle is created it opens no host file outside /proc and /sys
# (libc does not read the host's tzfile, OpenSSL not its openssl.cnf).
source "$(dirname "$0")/lib.sh" "$1"

if readelf -d "$HOZEN" 2>/dev/null | grep -q NEEDED; then fail "dynamic dependencies: $(readelf -d "$HOZEN" | grep NEEDED)"; else pass; fi
readelf -l "$HOZEN" | grep -q "INTERP" && fail "has a program interpreter" || pass
if command -v strace >/dev/null; then
  strace -f -qq --seccomp-bpf -o trace.txt -e trace=execve,execveat,open,openat,openat2 "$HOZEN" collect -q -o b.hozen >/dev/null 2>&1
  [ "$(grep -cE 'execve(at)?\(' trace.txt)" = 1 ] && pass || fail "execve count: $(grep -cE 'execve' trace.txt)"
  # Paths opened before the bundle is created (the header's provenance), other than /, /proc/*,
  # /sys/* and the machine-id the header records.
  others=$(sed '/b\.hozen/q' trace.txt | grep -oE 'open(at2?)?\([^"]*"[^"]*"' | sed 's/.*"\(.*\)"/\1/' \
           | grep -vE '^(/|/proc/.*|/sys/.*|b\.hozen|proc/.*|sys/.*|etc/machine-id|etc/localtime|etc/timezone)$' | sort -u)
  [ -z "$others" ] && pass || fail "opened host paths: $others"
  "$HOZEN" verify b.hozen | grep -q "static" && pass || fail "header does not say static"
  # T1, order of volatility: every socket table and process map is read before the first
  # configuration file's content (/etc/os-release, read by the first non-volatile collector).
  strace -f -qq -o order.txt -e trace=openat,openat2 "$HOZEN" collect -q --skip file_sweep -o c.hozen >/dev/null 2>&1
  first_file=$(grep -n 'os-release' order.txt | head -1 | cut -d: -f1)
  last_net=$(grep -n 'net/tcp' order.txt | tail -1 | cut -d: -f1)
  last_maps=$(grep -n '"maps"' order.txt | tail -1 | cut -d: -f1)
  last_modules=$(grep -nE 'proc/modules"|sys/module' order.txt | tail -1 | cut -d: -f1)
  if [ -n "$first_file" ] && [ -n "$last_net" ] && [ -n "$last_maps" ] && [ -n "$last_modules" ] &&
     [ "$last_net" -lt "$first_file" ] && [ "$last_maps" -lt "$first_file" ] && [ "$last_modules" -lt "$first_file" ]; then
    pass
  else
    fail "order of volatility: os-release at line ${first_file:-none}, last net/tcp ${last_net:-none}, maps ${last_maps:-none}, modules ${last_modules:-none}"
  fi
else
  echo "SKIP: strace not installed"
fi
finish
