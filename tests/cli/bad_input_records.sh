#!/usr/bin/env bash
# The bad-input suite (SPEC 4), Lab records: NaN, Inf, short arrays, out-of-range Lab and lines
# that are not JSON, fed to every tool that reads records (smp-match, smp-diff, smp-render).
# Each bad line is an error naming file:line and what is wrong, the exit status is 1, and the
# good records around the bad ones are still processed and written.
#
# The rest of the suite: bad_input_catalog.sh (catalogue YAML), bad_input_output.sh (-o paths,
# files that do not exist), bad_input_limits.sh (the limits, CGATS parser isolation). Photos are
# measure_bad.sh's, malformed CGATS files (wrong NUMBER_OF_SETS both ways) catalog_import.sh's.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments

# Three good records among one of each fault, text and JSON lines mixed (SPEC 2.1).
cat > "$WORK/mixed.txt" <<'EOF'
good1 40 10 10
nan 50 nan 0
inf 50 0 inf
{"id":"good2","lab":[55,5,12]}
{"id":"short","lab":[40,10]}
{"id":"huge","lab":[1e999,0,0]}
{"id":"nan-json","lab":[NaN,0,0]}
light 150 0 0
{"id":"strong","lab":[50,300,0]}
{this is not JSON
good3 60 -5 20
EOF
# line|what: the error each bad line must get.
bad_lines=(
  "2|lab: a* is not a finite number"
  "3|lab: b* is not a finite number"
  "5|'lab' must be an array of three numbers [L*, a*, b*]"
  "6|a number is out of range for a double"
  "7|not valid JSON"
  "8|lab: L* 150.0000 is outside 0..100"
  "9|lab: a* 300.0000 is outside -200..200"
  "10|not valid JSON"
)
# expect_bad_lines TOOL: each bad line named once, with its fault; no other error.
expect_bad_lines() {
  local entry
  for entry in "${bad_lines[@]}"; do
    expect_stderr_line "$1: error: $WORK/mixed.txt:${entry%%|*}:" "${entry#*|}" "$1 line ${entry%%|*}"
  done
  expect_errors ${#bad_lines[@]} "$1: one error per bad line"
}

# smp-match: a recipe for each good target, in input order.
run smp-match --card --top 1 "$WORK/mixed.txt"
expect_status 1 "smp-match, bad records"
expect_bad_lines smp-match
expect_ids "good1 good2 good3" "smp-match matches the good records"

# smp-diff, the bad lines on either side: the good records are paired and compared.
printf 'good1 40 10 10\ngood2 55 5 12\ngood3 60 -5 21\n' > "$WORK/reference.txt"
run smp-diff "$WORK/reference.txt" "$WORK/mixed.txt"
expect_status 1 "smp-diff, bad sample records"
expect_bad_lines smp-diff
expect_ids "good1 good2 good3" "smp-diff compares the good records"
expect_stderr "smp-diff: 3 pairs" "smp-diff summary counts the good pairs"
run smp-diff "$WORK/mixed.txt" "$WORK/reference.txt"
expect_status 1 "smp-diff, bad reference records"
expect_bad_lines smp-diff
expect_ids "good1 good2 good3" "smp-diff, bad reference: the good records compared"

# smp-render: the picture is drawn whole from the good records (its layout lists their swatches).
run smp-render -o "$WORK/mixed.png" --layout "$WORK/mixed-layout.jsonl" "$WORK/mixed.txt"
expect_status 1 "smp-render, bad records"
expect_bad_lines smp-render
expect_stdout_empty "smp-render"
[ "$(head -c 8 "$WORK/mixed.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] &&
  [ "$(tail -c 8 "$WORK/mixed.png" | head -c 4)" = IEND ] ||
  fail "smp-render: the PNG is not whole"
[ "$(sed 's/^{"kind":"swatch","id":"\([^"]*\)".*/\1/' "$WORK/mixed-layout.jsonl" | tr '\n' ' ')" = "good1 good2 good3 " ] ||
  fail "smp-render: the layout should hold the good records' swatches: $(cut -c 1-40 "$WORK/mixed-layout.jsonl")"

# A batch: an input of nothing but garbage does not stop the good input after it; stdin is "-".
printf 'garbage\n{"lab":\n' > "$WORK/garbage.txt"
run sh -c "printf 'good4 45 3 8\n' | smp-match --card --top 1 '$WORK/garbage.txt' -"
expect_status 1 "smp-match batch with a garbage input"
expect_stderr_line "smp-match: error: $WORK/garbage.txt:1:" "expected 'L a b' or 'ID L a b', found 1 fields" "garbage line 1"
expect_stderr_line "smp-match: error: $WORK/garbage.txt:2" "not valid JSON" "garbage line 2"
expect_ids "good4" "the good input after the garbage one is matched"
run sh -c "smp-render -o '$WORK/stdin.png' - < '$WORK/mixed.txt'"
expect_status 1 "smp-render from stdin"
expect_stderr_line "smp-render: error: -:9:" "a* 300.0000 is outside" "stdin is named '-'"
[ -s "$WORK/stdin.png" ] || fail "smp-render from stdin: no picture"

# A file of only bad records: nothing to write, still exit 1 (not 0 with an empty output).
grep -v good "$WORK/mixed.txt" > "$WORK/all-bad.txt"
run smp-match --card "$WORK/all-bad.txt"
expect_status 1 "smp-match, only bad records"
expect_stdout_empty "smp-match, only bad records"

finish
