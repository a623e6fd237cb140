#!/usr/bin/env bash
# smp-diff: the Sharma, Wu and Dalal (2005) table through a pipe, options and bad input.
source "$(dirname "$0")/lib.sh"
sharma=$SRC/tests/data/ciede2000_sharma.csv

# The two colours of each pair as `ID L a b` text streams; the reference comes through stdin.
grep -v '^#' "$sharma" | tail -n +2 | awk -F, '{print "pair" $1, $2, $3, $4}' > "$WORK/first.txt"
grep -v '^#' "$sharma" | tail -n +2 | awk -F, '{print "pair" $1, $5, $6, $7}' > "$WORK/second.txt"
grep -v '^#' "$sharma" | tail -n +2 | awk -F, '{print "pair" $1, $8}' > "$WORK/published.txt"

cat "$WORK/first.txt" | smp-diff --format tsv - "$WORK/second.txt" > "$WORK/diff.tsv" 2> "$WORK/err"
status=$?
expect_status 0 "Sharma table"
[ "$(head -n 1 "$WORK/diff.tsv" | cut -f 2,10)" = "$(printf 'id\tde00')" ] ||
  fail "TSV header: $(head -n 1 "$WORK/diff.tsv")"
tail -n +2 "$WORK/diff.tsv" | cut -f 2,10 | sort > "$WORK/computed.txt"
join <(sort "$WORK/published.txt") "$WORK/computed.txt" > "$WORK/joined.txt"
[ "$(wc -l < "$WORK/joined.txt")" -eq 34 ] || fail "Sharma table: $(wc -l < "$WORK/joined.txt") of 34 pairs joined"
bad=$(awk '{d = $2 - $3; if (d < 0) d = -d; if (d > 1e-4) print $0}' "$WORK/joined.txt")
[ -z "$bad" ] || fail "Sharma pairs off by more than 1e-4: $bad"
grep -q "smp-diff: 34 pairs, de00 mean" "$WORK/err" || fail "summary line: $(cat "$WORK/err")"

# JSON Lines are the default when stdout is not a terminal.
run smp-diff "$WORK/first.txt" "$WORK/second.txt"
expect_status 0 "jsonl default"
expect_lines 34 "jsonl default"
expect_stdout '{"kind":"difference","id":"pair1","reference":[50.0,2.6772,-79.7751],"sample":[50.0,0.0,-82.7485],"white":"D50","de00":2.0425,' "jsonl record"

# --max gates a QC script: pair 19 has the largest difference in the table (ΔE00 31.9030),
# pair 17 the next (27.1492).
run smp-diff --max 30 "$WORK/first.txt" "$WORK/second.txt"
expect_status 1 "--max below the largest"
expect_stderr "1 of 34 pairs over de00 30: pair19 (31.90)" "--max names the pair"
expect_stderr "max 31.90" "summary max"
expect_lines 34 "--max still writes every pair"
run smp-diff --max 31.91 "$WORK/first.txt" "$WORK/second.txt"
expect_status 0 "--max above the largest"
run smp-diff --metric de76 --max 1000 "$WORK/first.txt" "$WORK/second.txt"
expect_stderr "de76 mean" "--metric names the summary"

# A colour given relative to D65 is adapted (Bradford) before comparing: no difference remains.
echo '{"id":"skin","lab":[62.0,12.1,16.3]}' > "$WORK/d50.jsonl"
run smp-diff "$WORK/d50.jsonl" "$WORK/d50.jsonl" --white D65
expect_stdout '"white":"D65","de00":0.0,' "--white D65"
echo '{"id":"skin","lab":[62.0,12.1,16.3],"white":"D65"}' > "$WORK/d65.jsonl"
echo '{"id":"skin","lab":[50.0,0.0,0.0],"white":"D65"}' > "$WORK/grey65.jsonl"
echo '{"id":"skin","lab":[50.0,0.0,0.0]}' > "$WORK/grey50.jsonl"
run smp-diff "$WORK/grey50.jsonl" "$WORK/grey65.jsonl"
expect_stdout '"de00":0.0,' "a neutral stays neutral across whites"
run smp-diff "$WORK/d50.jsonl" "$WORK/d65.jsonl"
awk -F'"de00":' '{split($2, v, ","); exit !(v[1] > 0.3)}' "$WORK/out" ||
  fail "the same numbers under D65 and D50 are different colours: $(cat "$WORK/out")"

# Bad lines are reported with file:line and skipped; the good records are still written.
printf 'a 50 0 0\nb 50 NaN 0\nc 50 0 0\n{"id":"d","lab":[50,0]}\n' > "$WORK/bad.txt"
printf 'a 51 0 0\nb 50 0 0\nc 52 0 0\nd 50 0 0\n' > "$WORK/good.txt"
run smp-diff "$WORK/good.txt" "$WORK/bad.txt"
expect_status 1 "bad lines"
expect_stderr "smp-diff: error: $WORK/bad.txt:2: lab: a* is not a finite number" "NaN named with its line"
expect_stderr "$WORK/bad.txt:4: 'lab' must be an array of three numbers" "short lab"
expect_stderr "no record with id 'b' in $WORK/bad.txt" "unpaired id"
expect_lines 2 "good pairs still written"

# Usage: --help and --version exit 0 on stdout; a bad option exits 2 with stdout empty.
run smp-diff --help
expect_status 0 "--help"
expect_stdout "Usage: smp-diff" "--help"
run smp-diff --version
expect_status 0 "--version"
expect_stdout "smp-diff (smpshade) " "--version"
run smp-diff --no-such-option a b
expect_status 2 "bad option"
expect_stderr "smp-diff: error:" "bad option"
expect_stdout_empty "bad option"
run smp-diff --metric de2001 a b
expect_status 2 "bad --metric value"
run smp-diff "$WORK/first.txt"
expect_status 2 "missing SAMPLE"
run smp-diff - -
expect_status 2 "both inputs on stdin"

# A file that does not exist is named.
run smp-diff "$WORK/first.txt" "$WORK/nope.txt"
expect_status 1 "missing file"
expect_stderr "smp-diff: error: $WORK/nope.txt: cannot open: No such file or directory" "missing file"
expect_stdout_empty "missing file"

# --max names every pair over it, worst first.
run smp-diff --max 27 "$WORK/first.txt" "$WORK/second.txt"
expect_status 1 "--max 27"
expect_stderr "2 of 34 pairs over de00 27: pair19 (31.90), pair17 (27.15)" "--max names the pairs, worst first"

# Supplier QC: a spectrophotometer's CGATS file (Lab, or XYZ with white Y = 100) against records,
# read through the checked parser smp-catalog import uses.
cat > "$WORK/batch-lab.cgats" <<'CGATS'
CGATS.17
ILLUMINATION_NAME	"D50"
NUMBER_OF_FIELDS	4
BEGIN_DATA_FORMAT
SAMPLE_NAME	LAB_L	LAB_A	LAB_B
END_DATA_FORMAT
NUMBER_OF_SETS	2
BEGIN_DATA
"grey"	50.00	0.00	0.00
"dark"	27.41	0.00	0.00
END_DATA
CGATS
sed -e 's/LAB_L\tLAB_A\tLAB_B/XYZ_X\tXYZ_Y\tXYZ_Z/' -e 's/50.00\t0.00\t0.00/17.760\t18.419\t15.194/' \
  -e 's/27.41\t0.00\t0.00/5.0533\t5.2409\t4.3232/' "$WORK/batch-lab.cgats" > "$WORK/batch-xyz.cgats"
printf '{"id":"dark","lab":[27.41,0,0]}\n{"id":"grey","lab":[50,0,0]}\n' > "$WORK/catalogue.jsonl"
for kind in lab xyz; do
  run smp-diff --max 0.01 "$WORK/catalogue.jsonl" "$WORK/batch-$kind.cgats"
  expect_status 0 "CGATS $kind"
  expect_lines 2 "CGATS $kind: two pairs, joined by sample name"
  expect_stderr "smp-diff: 2 pairs, de00 mean 0.00, max 0.00" "CGATS $kind"
done
run smp-diff --max 0 "$SRC/tests/data/catalog/ladder.cgats" "$SRC/tests/data/catalog/ladder.cgats"
expect_status 0 "an instrument's own ladder file against itself"
expect_lines 8 "its 8 samples compared"
sed 's/^NUMBER_OF_SETS.*/NUMBER_OF_SETS\t1/' "$WORK/batch-lab.cgats" > "$WORK/count.cgats"
run smp-diff "$WORK/catalogue.jsonl" "$WORK/count.cgats"
expect_status 1 "CGATS count error"
expect_stderr "2 rows of 4 fields, NUMBER_OF_SETS says 1" "CGATS count error in words"
expect_stdout_empty "CGATS count error"
grep -q "found 1 fields" "$WORK/err" && fail "a CGATS file read as text lines"

finish
