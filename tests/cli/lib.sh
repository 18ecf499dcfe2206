# Shared helpers for the CLI tests. Usage: source lib.sh "$HOZEN"
set -u
HOZEN=${1:?usage: $0 path/to/hozen}
HOZEN=$(readlink -f "$HOZEN")
WORK=$(mktemp -d /tmp/hozen-cli-XXXXXX)
trap 'cleanup_hook; rm -rf "$WORK"' EXIT
cleanup_hook() { :; }
cd "$WORK"
FAILS=0
CHECKS=0

fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { CHECKS=$((CHECKS + 1)); }
# expect_code CODE DESCRIPTION -- command...
expect_code() {
  local want=$1 what=$2; shift 3
  "$@" >"$WORK/.out" 2>"$WORK/.err"
  local got=$?
  if [ "$got" != "$want" ]; then
    fail "$what: exit $got, expected $want"; sed 's/^/    /' "$WORK/.out" "$WORK/.err" | tail -15 >&2
  else
    pass
  fi
}
# verify_code FILE -> prints verify's exit code
verify_code() { "$HOZEN" verify "$1" >/dev/null 2>&1; echo $?; }
finish() {
  echo "$(basename "$0"): $CHECKS checks passed, $FAILS failed"
  [ "$FAILS" = 0 ]
}
