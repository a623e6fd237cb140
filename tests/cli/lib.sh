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
# expect_only_errors WHAT: stdout holds only error records (kind error): a photo that failed stays
# in the stream, named, and nothing else is written.
expect_only_errors() {
  [ -s "$WORK/out" ] || { fail "$1: no error record on stdout"; return; }
  grep -qv '^{"kind":"error",' "$WORK/out" && fail "$1: stdout holds more than error records: $(head -c 300 "$WORK/out")"
}
# measurement_ids: the ids of the measurement records on stdout, in order.
measurement_ids() {
  sed -n 's/^{"kind":"measurement","id":"\([^"]*\)".*/\1/p' "$WORK/out" | tr '\n' ' '
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

# expect_stderr_line A B WHAT: one line of stderr holds A and, after it, B.
expect_stderr_line() {
  awk -v a="$1" -v b="$2" '{i = index($0, a); if (i && index(substr($0, i + length(a)), b)) f = 1}
    END {exit !f}' "$WORK/err" ||
    fail "$3: no stderr line with '$1' ... '$2'; stderr: $(head -c 600 "$WORK/err")"
}
# expect_errors N WHAT: stderr holds exactly N "error:" diagnostics.
expect_errors() {
  local n
  n=$(grep -c ': error: ' "$WORK/err")
  [ "$n" -eq "$1" ] || fail "$2: $n errors on stderr, expected $1: $(head -c 600 "$WORK/err")"
}
# expect_ids "ID..." WHAT: the ids of the records on stdout, in order.
expect_ids() {
  local ids
  ids=$(sed -n 's/^{\("kind":"[^"]*",\)\{0,1\}"id":"\([^"]*\)".*/\2/p' "$WORK/out" | tr '\n' ' ')
  [ "$ids" = "$1 " ] || fail "$2: record ids '$ids', expected '$1'"
}
# expect_no_output FILE WHAT: FILE was not written, and no temporary file was left beside it.
expect_no_output() {
  local folder leftovers
  [ ! -e "$1" ] || fail "$2: $1 was written"
  folder=$(dirname "$1")
  if [ -d "$folder" ]; then
    leftovers=$(find "$folder" -maxdepth 1 -name ".$(basename "$1").*" | head -n 3)
    [ -z "$leftovers" ] || fail "$2: temporary files left: $leftovers"
  fi
}
# expect_error TEXT WHAT: exit status 1 and TEXT on stderr.
expect_error() {
  expect_status 1 "$2"
  expect_stderr "$1" "$2"
}
# write_alias_tree FILE LEVELS: YAML whose level i holds ten aliases of level i-1, so that it
# stands for 10^(LEVELS+1) nodes (LEVELS 9: the "billion laughs" alias bomb).
write_alias_tree() {
  local i refs
  echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]' > "$1"
  for ((i = 1; i <= $2; i++)); do
    refs=$(printf "*a$((i - 1)), %.0s" 1 2 3 4 5 6 7 8 9)
    echo "a$i: &a$i [$refs*a$((i - 1))]" >> "$1"
  done
}
