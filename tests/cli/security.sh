#!/usr/bin/env bash
# Files and records received from elsewhere (issue 26): no CGATS directive opens a file; smp-report
# embeds only photos it was meant to; nothing from input drives the terminal; one odd record never
# costs the rest; NaN options, byte-order marks, exponent numbers, set counts and duplicate keys.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
cd "$WORK" || exit 1
ESC=$(printf '\033')
no_escape() {  # no raw ESC on stdout or stderr
  ! grep -q "$ESC" "$WORK/out" "$WORK/err" || fail "$1: a raw escape reached the terminal"
}

# 1. .INCLUDE: refused at its line before LittleCMS sees the text, in every tool that reads CGATS;
# the included file's text never reaches a message or a catalogue; a FIFO never holds a tool.
echo "API_KEY=sk-live-123456 hunter2 1 2" > secret.txt
mkfifo fifo
cgats() {  # cgats FILE INCLUDED: a ladder/Lab file whose second row is an .INCLUDE
  printf 'CGATS.17\nNUMBER_OF_FIELDS 6\nBEGIN_DATA_FORMAT\nSAMPLE_ID LAB_L LAB_A LAB_B INK_PARTS DILUENT_PARTS\nEND_DATA_FORMAT\nNUMBER_OF_SETS 2\nBEGIN_DATA\nA 30 1 2 1 0\n.INCLUDE "%s"\nEND_DATA\n' "$2" > "$1"
}
cgats secret.cgats "$WORK/secret.txt"
cgats fifo.cgats "$WORK/fifo"
for file in secret.cgats fifo.cgats; do
  start=$(date +%s)
  run smp-diff "$file" "$file"
  expect_status 1 "smp-diff, $file"
  expect_stderr "$file:9: .INCLUDE is refused" "smp-diff names the line"
  [ $(($(date +%s) - start)) -lt 5 ] || fail "$file: refused at once, not held"
  run smp-catalog import --cgats "$file" --id x --supplier y
  expect_status 1 "smp-catalog import, $file"
  expect_stderr "$file:9: .INCLUDE is refused" "import names the line"
  expect_stdout_empty "import writes no catalogue from an .INCLUDE"
  run smp-calibrate --reference "$file" "$SRC/data/samples/light-grey.jpg"
  expect_status 1 "smp-calibrate --reference, $file"
  expect_stderr "$file:9: .INCLUDE is refused" "calibrate names the line"
done
grep -rq "sk-live" "$WORK/out" "$WORK/err" && fail "the included file's text leaked"

# 2. smp-report opens only regular files, within the limit, under the allowed folders; each
# refusal names the record and the path; the page is still written, at once.
cp "$SRC/data/samples/light-grey.jpg" photo.jpg
mkdir elsewhere && cp photo.jpg elsewhere/outside.jpg
record() { echo "{\"kind\":\"measurement\",\"id\":\"$1/hair\",\"client\":\"$1\",\"part\":\"hair\",\"source\":\"$2\",\"lab\":[30,2,3]}"; }
mkdir records
{ record zero /dev/zero; record fifo "$WORK/fifo"; record environ /proc/self/environ
  record outside "$WORK/elsewhere/outside.jpg"; record good photo.jpg; } > records/hostile.jsonl
start=$(date +%s)
run smp-report -o hostile.html --photo-root "$WORK" records/hostile.jsonl
expect_status 1 "hostile sources"
[ $(($(date +%s) - start)) -lt 10 ] || fail "hostile sources: refused at once"
[ -s hostile.html ] || fail "the page is still written"
expect_stderr "photo '/dev/zero' named by the record at records/hostile.jsonl:1 ('zero/hair') is not shown: not a regular file" "/dev/zero"
expect_stderr "photo '$WORK/fifo' named by the record at records/hostile.jsonl:2 ('fifo/hair') is not shown: not a regular file" "a FIFO"
expect_stderr "photo '/proc/self/environ' named by the record at records/hostile.jsonl:3" "/proc/self/environ"
grep -q "PATH=" hostile.html && fail "the environment reached the page"
[ "$(grep -o '<figcaption' hostile.html | wc -l)" -eq 2 ] || fail "two photos shown: the good one, and the one under --photo-root"
run smp-report -o strict.html records/hostile.jsonl
expect_stderr "named by the record at records/hostile.jsonl:4 ('outside/hair') is not shown: outside the folders photos are read from" "outside the allowed folders"
run smp-report -o small.html --photo-root "$WORK" --max-photo-bytes 1000 records/hostile.jsonl
expect_stderr "is not shown: larger than the photo limit" "the size limit, before reading"

# 3. Nothing from input drives the terminal: ids, names and samples with escape sequences are
# shown escaped in tables, warnings and errors; lint warns of them in names.
printf '{"kind":"measurement","id":"a\\u001b[2J\\u001b]0;T\\u0007/hair","lab":[30,2,3]}\n' > evil.jsonl
run smp-match --card --format table evil.jsonl
no_escape "smp-match table"
expect_stdout 'a\x1b[2J\x1b]0;T\x07/hair' "the id shown escaped"
printf 'x\033[31m 30 2 3\n' > evil.txt
echo "y 30 2 3" > plain.txt
run smp-diff evil.txt plain.txt
no_escape "smp-diff errors"
expect_stderr "no record with id 'x\x1b[31m'" "the error shows the id escaped"
sed 's/    name: Jet$/    name: "Jet\\e]0;owned\\a"/' "$SRC/tests/data/catalog/good.yaml" > evil.yaml
run smp-catalog list --format table --catalog evil.yaml
no_escape "smp-catalog list"
expect_stdout 'Jet\x1b]0;owned\x07' "a name shown escaped"
run smp-catalog lint evil.yaml
expect_stderr "[control-characters]" "lint warns of control characters in names"

# 4. One odd record never costs the rest: a record valid under records(5) beside a good client,
# a match naming an ink no catalogue has, and a broken line: the page has the rest.
smp-match --top 1 <(record good photo.jpg) > good.jsonl 2> /dev/null
{ echo '{"id":"c2/hair","lab":[1,2,3]}'
  sed 's/"ill-[a-z-]*"/"no-such-ink"/' good.jsonl | head -n 1 | sed 's/"id":"good\/hair"/"id":"c3\/hair"/; s/"client":"good"/"client":"c3"/'
  echo '{"kind":"match","id":broken'
  cat good.jsonl; } > odd.jsonl
run env -u SMPSHADE_CATALOG smp-report -o odd.html --photo-root "$WORK" odd.jsonl
expect_status 1 "one broken line"
expect_stderr "odd.jsonl:3:22: not valid JSON" "the broken line named"
[ -s odd.html ] && grep -qF 'good/hair' odd.html && grep -qF 'c2/hair' odd.html && grep -qF 'c3/hair' odd.html ||
  fail "the page has every other record"

# 5. The smaller ones.
for tool_args in "smp-heal outcome --plan x --healed y --weeks nan" "smp-match --coverage nan" \
  "smp-match --tolerance inf" "smp-heal predict --skin 60,NaN,3 --recipe a:1" "smp-diff --max -inf a b"; do
  run $tool_args
  expect_status 2 "$tool_args: a number option refuses NaN and infinity"
  grep -qiE "'?(nan|-?inf)'? (is not a number|not in range)" "$WORK/err" || fail "$tool_args: $(cat "$WORK/err")"
done
printf '\xEF\xBB\xBF{"kind":"measurement","id":"b/hair","lab":[30,2,3]}\n' > bom.jsonl
for t in "smp-match --card" "smp-diff bom.jsonl" "smp-render -o bom.png"; do
  run $t bom.jsonl
  expect_status 0 "$t: a byte-order mark before the first record"
done
run smp-report -o bom.html bom.jsonl
expect_status 0 "smp-report: a byte-order mark"
printf '\xEF\xBB\xBFCGATS.17\nNUMBER_OF_FIELDS 4\nBEGIN_DATA_FORMAT\nSAMPLE_ID LAB_L LAB_A LAB_B\nEND_DATA_FORMAT\nNUMBER_OF_SETS 2\nBEGIN_DATA\nA 5e1 1E0 2.5e+0\nB 50 1 2\nEND_DATA\n' > bom.cgats
run smp-diff bom.cgats bom.cgats
expect_stdout '"id":"A","reference":[50.0,1.0,2.5]' "a CGATS file with a byte-order mark and exponent numbers"
echo "C 40 1 1" > c.txt
run smp-diff bom.cgats c.txt
expect_stderr "bom.cgats:9: no record with id 'B' in c.txt" "a CGATS row's message names its line"
printf 'CGATS.17\nNUMBER_OF_FIELDS 4\nBEGIN_DATA_FORMAT\nSAMPLE_ID LAB_L LAB_A LAB_B\nEND_DATA_FORMAT\nNUMBER_OF_SETS 40000\nBEGIN_DATA\nA 50 1 2\nEND_DATA\n' > sets.cgats
run smp-diff sets.cgats sets.cgats
expect_stderr "NUMBER_OF_SETS 40000 is more than 32766 rows, the most LittleCMS reads" "the set limit, said"
echo '{"kind":"measurement","id":"d","lab":[1,2,3],"lab":[50,1,1]}' > dup.jsonl
run smp-diff dup.jsonl dup.jsonl
expect_stderr "dup.jsonl:1: key 'lab' appears twice in one object" "duplicate keys refused at the line"
finish
