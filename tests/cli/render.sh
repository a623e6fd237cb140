#!/usr/bin/env bash
# smp-render: the PNG it writes has the documented size, and each flat swatch's pixels are the
# Lab it is labelled with (read back, sRGB -> Lab by LittleCMS, within 1 dE00: 8-bit rounding).
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
swatch_lab=${PNG_SWATCH_LAB:?run through ctest}

# check_swatches PNG LAYOUT WHAT: every flat swatch within 1 dE00 of its Lab.
check_swatches() {
  "$swatch_lab" --expected "$1" "$2" > "$WORK/expected.txt" &&
    "$swatch_lab" "$1" "$2" > "$WORK/measured.txt" || { fail "$3: png_swatch_lab"; return; }
  [ -s "$WORK/expected.txt" ] || fail "$3: no swatches in the layout"
  smp-diff --max 1 "$WORK/expected.txt" "$WORK/measured.txt" > "$WORK/diff.jsonl" 2> "$WORK/diff.err" ||
    fail "$3: a swatch is over 1 dE00 from its Lab: $(cat "$WORK/diff.err")"
}

# 1. Match records (3 recipes for each of 2 targets, healed in their skin).
smp-match --coverage 0.25 "$SRC/docs/examples/client42.jsonl" > "$WORK/match.jsonl" 2> /dev/null
run smp-render -o "$WORK/match.png" --layout "$WORK/match-layout.jsonl" "$WORK/match.jsonl"
expect_status 0 "render match records"
expect_stdout_empty "render writes the PNG, not stdout"
# Height 24 + 48 + per target (36 + 150 + 72 + 3 recipes × 112 + 24) + 24 (smp-render(1)).
[ "$("$swatch_lab" --size "$WORK/match.png")" = "1200 1332" ] ||
  fail "match sheet size $("$swatch_lab" --size "$WORK/match.png"), expected 1200 1332"
check_swatches "$WORK/match.png" "$WORK/match-layout.jsonl" "match records"
# 2 targets × (hair + skin + 3 × (predicted + scalp + hair beside)) = 22 swatches.
[ "$(wc -l < "$WORK/match-layout.jsonl")" -eq 22 ] || fail "22 swatches in the layout"
predicted=$(grep '"kind":"match","id":"client42/crown/hair",.*"rank":1,' "$WORK/match.jsonl" |
  sed 's/.*"predicted":\[\([^]]*\)\].*/\1/')
[ -n "$predicted" ] || fail "no rank-1 prediction for client42/crown/hair"
grep -qF "\"id\":\"client42/crown/hair\",\"swatch\":\"predicted\",\"rank\":1,\"lab\":[$predicted]" \
  "$WORK/match-layout.jsonl" || fail "the rank-1 predicted swatch shows the record's predicted Lab"
grep -q '"swatch":"scalp","rank":3' "$WORK/match-layout.jsonl" || fail "a simulated scalp per recipe"

# 2. Lab records from a pipe: hair paired with its scalp, plus a lone text line.
printf '{"id":"a/hair","source":"a.jpg","region":"hair","lab":[24.1,2.3,3.9]}\n{"id":"a/scalp","source":"a.jpg","region":"scalp","lab":[62,12.1,16.3]}\n' |
  cat - <(echo "grey 55 0 0") > "$WORK/labs.jsonl"
smp-render -o "$WORK/lab.png" --layout "$WORK/lab-layout.jsonl" < "$WORK/labs.jsonl" 2> "$WORK/err"
status=$?
expect_status 0 "render Lab records from stdin"
# 24 + 48 + 2 × (36 + 150 + 72 + 24) + 24.
[ "$("$swatch_lab" --size "$WORK/lab.png")" = "1200 660" ] ||
  fail "Lab sheet size $("$swatch_lab" --size "$WORK/lab.png"), expected 1200 660"
check_swatches "$WORK/lab.png" "$WORK/lab-layout.jsonl" "Lab records"
grep -q '"id":"a/hair","swatch":"skin","rank":0,"lab":\[62.0,12.1,16.3\]' "$WORK/lab-layout.jsonl" ||
  fail "the scalp record is drawn as the hair's skin"

# 3. Out of gamut: a saturated green is clipped and marked, the rest still checked.
echo "green 60 -90 60" | smp-render -o "$WORK/gamut.png" --layout "$WORK/gamut-layout.jsonl"
grep -q '"out_of_gamut":true' "$WORK/gamut-layout.jsonl" || fail "L60 a-90 b60 is out of sRGB"

# 4. Bad records are reported and skipped; the PNG still has the good ones; exit 1.
printf '{"id":"x","lab":[30,1,2]}\n{"id":"y","lab":[30,"a",2]}\n{"kind":"match","id":"z","rank":1,"target":[30,1,2],"recipe":[],"predicted":[31,1,2]}\n' > "$WORK/bad.jsonl"
run smp-render -o "$WORK/bad.png" --layout "$WORK/bad-layout.jsonl" "$WORK/bad.jsonl"
expect_status 1 "bad records"
expect_stderr "smp-render: error: $WORK/bad.jsonl:2:" "the bad Lab record is named by line"
expect_stderr "smp-render: error: $WORK/bad.jsonl:3: match record needs 'de00'" "bad match record"
[ -s "$WORK/bad.png" ] || fail "the PNG is still written with the good records"
grep -q '"id":"x","swatch":"hair"' "$WORK/bad-layout.jsonl" || fail "the good record is drawn"

# 5. Output: a missing folder is named, nothing is left behind; usage errors exit 2.
run smp-render -o "$WORK/no/such/dir/x.png" "$WORK/labs.jsonl"
expect_status 1 "missing output folder"
expect_stderr "the output folder does not exist: $WORK/no/such/dir/" "names the folder"
echo "1 2 3" > "$WORK/one.txt"
chmod a-w "$WORK" 2>/dev/null
if [ "$(id -u)" -ne 0 ]; then
  run smp-render -o "$WORK/ro.png" "$WORK/one.txt"
  expect_status 1 "unwritable folder"
fi
chmod u+w "$WORK"
[ -z "$(find "$WORK" -name '.*.png.*')" ] || fail "a temporary file was left behind"
run smp-render "$WORK/one.txt"
expect_status 2 "-o is required"
run smp-render --coverage 2 -o "$WORK/x.png" "$WORK/one.txt"
expect_status 2 "--coverage out of range"
run smp-render --help
expect_status 0 "--help"
expect_stdout "--ladder" "--help lists --ladder"

# 6. The ladder strip: 6 steps and the substrate, each labelled with its ratio.
run smp-render --ladder ill-espresso -o "$WORK/ladder.png" --layout "$WORK/ladder-layout.jsonl"
expect_status 0 "--ladder"
[ "$(grep -c '"swatch":"ladder"' "$WORK/ladder-layout.jsonl")" -eq 7 ] || fail "7 ladder swatches"
grep -q '"id":"1:20","swatch":"ladder"' "$WORK/ladder-layout.jsonl" || fail "ladder step 1:20"
check_swatches "$WORK/ladder.png" "$WORK/ladder-layout.jsonl" "ladder"
run smp-render --ladder no-such-ink -o "$WORK/ladder2.png"
expect_status 1 "unknown pigment"
expect_stderr "no pigment 'no-such-ink'" "names the pigment"
[ ! -e "$WORK/ladder2.png" ] || fail "no PNG when the ladder cannot be drawn"

# 7. The ladder healed in a skin: each step is what smp-heal predicts for it in that skin, the
# skin closes the strip, and an ink given by its name gets the id it meant.
run smp-render --ladder ill-jet-black --skin 70,9,16 -o "$WORK/healed-ladder.png" --layout "$WORK/healed-layout.jsonl"
expect_status 0 "--ladder --skin"
check_swatches "$WORK/healed-ladder.png" "$WORK/healed-layout.jsonl" "healed ladder"
grep -q '"id":"skin","swatch":"ladder","rank":0,"lab":\[70.0,9.0,16.0\]' "$WORK/healed-layout.jsonl" ||
  fail "the healed ladder ends with the skin"
healed=$(smp-heal predict --skin 70,9,16 --recipe ill-jet-black:1,distilled-water:6 | sed 's/.*"healed":\[\([^]]*\)\].*/\1/')
[ -n "$healed" ] || fail "smp-heal predict gave no prediction"
grep -qF "\"id\":\"1:6\",\"swatch\":\"ladder\",\"rank\":0,\"lab\":[$healed]" "$WORK/healed-layout.jsonl" ||
  fail "the healed 1:6 step is smp-heal's prediction [$healed]: $(grep '"1:6"' "$WORK/healed-layout.jsonl")"
card=$(grep '"id":"1:6"' "$WORK/ladder-layout.jsonl" | head -n 1)
grep -qF "$card" "$WORK/healed-layout.jsonl" && fail "the healed ladder is the card's"
run smp-render --ladder "Jet Black" -o "$WORK/ladder3.png"
expect_status 1 "ladder by name"
expect_stderr "did you mean 'ill-jet-black'?" "ladder: did you mean"
run smp-render --skin 70,9,16 -o "$WORK/ladder4.png" "$WORK/labs.jsonl"
expect_status 2 "--skin without --ladder"

# 8. The pipe carries what it knows: smp-match's --coverage is the picture's share of dots
# (unless smp-render is given its own), and the measurement's warnings reach the picture.
echo "hair 45 3 5" | smp-match --skin 70,9,16 --coverage 0.4 > "$WORK/match40.jsonl" 2> /dev/null
smp-render -o "$WORK/m40.png" --layout "$WORK/m40.jsonl" "$WORK/match40.jsonl" || fail "render coverage 0.4"
grep -q '"swatch":"scalp","rank":1,.*"coverage":0.4' "$WORK/m40.jsonl" || fail "the scalp patch has 40% in dots"
smp-render --coverage 0.1 -o "$WORK/m10.png" --layout "$WORK/m10.jsonl" "$WORK/match40.jsonl" || fail "render --coverage 0.1"
grep -q '"swatch":"scalp","rank":1,.*"coverage":0.1' "$WORK/m10.jsonl" || fail "--coverage overrides the record's"
sed '1s/"coverage":0.22}/"coverage":0.22,"warnings":["no ICC profile: assumed sRGB","4:2:0 chroma: colour edges are blurred"]}/' \
  "$SRC/docs/examples/client42.jsonl" > "$WORK/warned.jsonl"
grep -q '"warnings"' "$WORK/warned.jsonl" || fail "test set-up: no warnings added"
smp-match --coverage 0.25 "$WORK/warned.jsonl" > "$WORK/warned-match.jsonl" 2> /dev/null
[ "$(grep -c '"warnings":\["no ICC profile: assumed sRGB","4:2:0 chroma' "$WORK/warned-match.jsonl")" -eq 3 ] ||
  fail "smp-match carries the hair record's warnings into its 3 records"
grep -q '"id":"client42/crown/hair",.*"hair_coverage":0.22' "$WORK/warned-match.jsonl" ||
  fail "smp-match carries the hair's coverage"
grep '"id":"client42/temple/hair"' "$WORK/warned-match.jsonl" | grep -q '"warnings"' &&
  fail "a record without warnings gets none"
smp-render -o "$WORK/warned.png" "$WORK/warned-match.jsonl" || fail "render with warnings"
# Two warning lines of 20 pixels under the first target's header.
[ "$("$swatch_lab" --size "$WORK/warned.png")" = "1200 1372" ] ||
  fail "warned sheet size $("$swatch_lab" --size "$WORK/warned.png"), expected 1200 1372"

finish
