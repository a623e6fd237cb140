# Helpers sourced by the CLI tests. Each test runs the real binaries (on PATH via ctest).
set -uo pipefail
SRC=${SMPSHADE_SOURCE_DIR:?run through ctest}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
failures=0

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run CMD...: runs a command, keeping its stdout, stderr and exit status in $WORK/{out,err}, $status.
run() {
  "$@" > "$WORK/out" 2> "$WORK/err"
  status=$?
}

expect_status() {
  [ "$status" -eq "$1" ] || fail "$2: exit status $status, expected $1; stderr: $(head -c 400 "$WORK/err")"
}
expect_stderr() {
  grep -qF -- "$1" "$WORK/err" || fail "$2: stderr lacks '$1'; stderr: $(head -c 400 "$WORK/err")"
}
expect_stdout() {
  grep -qF -- "$1" "$WORK/out" || fail "$2: stdout lacks '$1'; stdout: $(head -c 400 "$WORK/out")"
}
expect_stdout_empty() {
  [ ! -s "$WORK/out" ] || fail "$1: stdout should be empty: $(head -c 200 "$WORK/out")"
}
expect_lines() {
  local n
  n=$(wc -l < "$WORK/out")
  [ "$n" -eq "$1" ] || fail "$2: $n lines on stdout, expected $1"
}

finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$failures check(s) failed" >&2
    exit 1
  fi
  echo "all checks passed"
}
