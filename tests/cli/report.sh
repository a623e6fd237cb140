#!/usr/bin/env bash
# smp-report: one self-contained HTML page from the pipe's records and the photo; every text
# from the input escaped; nothing that loads from the network; healed session 1 corrected. It
# reads and never recomputes: no catalogue, the same records give the same page.
# (tests/cli/report_browser.sh opens it in Chromium.)
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments

# expect_self_contained HTML WHAT: no script, no URL that is not a data: URI.
expect_self_contained() {
  ! grep -qiE '<script|https?:|(src|href)="//|@import|url\(' "$1" ||
    fail "$2: the page has a script or an external URL: $(grep -oiE '.{30}(<script|https?:|@import|url\().{30}' "$1" | head -3)"
}

photo=$SRC/data/samples/light-grey.jpg
smp-measure --chart --split --region crown=20%,10%,40%,40% "$photo" > "$WORK/measure.jsonl" 2> /dev/null ||
  fail "smp-measure of the sample photo"
grep -q '"outline":\[' "$WORK/measure.jsonl" || fail "measure records carry the region's outline"
grep -q '"chart":\[' "$WORK/measure.jsonl" || fail "measure records carry the chart's outline with --chart"
smp-match --top 3 "$WORK/measure.jsonl" > "$WORK/match.jsonl" 2> /dev/null || fail "smp-match"
grep -q '"ml":' "$WORK/match.jsonl" && grep -q '"drops":' "$WORK/match.jsonl" &&
  grep -q '"robustness_de00":' "$WORK/match.jsonl" || fail "match records carry ml, drops, robustness"

# 1. Measurement and match records and the photo (found by the records' source, under a folder
# photos may be read from), with no catalogue anywhere.
run env -u SMPSHADE_CATALOG smp-report -o "$WORK/report.html" --photo-root "$SRC/data/samples" \
  "$WORK/measure.jsonl" "$WORK/match.jsonl"
expect_status 0 "report"
env -u SMPSHADE_CATALOG smp-report -o "$WORK/again.html" --photo-root "$SRC/data/samples" \
  "$WORK/measure.jsonl" "$WORK/match.jsonl" 2> /dev/null
cmp -s "$WORK/report.html" "$WORK/again.html" || fail "the same records give the same page"
expect_stdout_empty "the report goes to -o"
html=$WORK/report.html
for text in '<!DOCTYPE html>' 'data:image/png;base64,' '<polygon class="region"' \
  '<polygon class="chart"' 'crown' 'Session 1, lighter and sparser' 'in the cup:' \
  'drops)' 'robustness' 'calibrated on the chart: mean' 'defaults (not fitted)' '@media print'; do
  grep -qF -- "$text" "$html" || fail "the page lacks '$text'"
done
expect_self_contained "$html" "report"
n=$(grep -o 'data-kind="predicted"' "$html" | wc -l)
[ "$n" -eq 3 ] || fail "3 recipes' healed swatches expected, found $n"

# 2. From standard input, the recipes and cup smp-match wrote (--top 2 --cup 1), --photo.
cp "$photo" "$WORK/copy.jpg"
smp-match --top 2 --cup 1 "$WORK/measure.jsonl" 2> /dev/null |
  smp-report -o "$WORK/stdin.html" --photo "$WORK/copy.jpg" > "$WORK/out" 2> "$WORK/err"
status=$?
expect_status 0 "report from stdin"
n=$(grep -o 'data-kind="predicted"' "$WORK/stdin.html" | wc -l)
[ "$n" -eq 2 ] || fail "smp-match --top 2: 2 recipes expected, found $n"
grep -qF 'copy.jpg' "$WORK/stdin.html" || fail "--photo names the photo shown"
grep -qE 'in the cup: 0\.[0-9]+ ml' "$WORK/stdin.html" || fail "the cup of the records (1 ml) on the page"
grep -qF 'in the cup: 1.' "$WORK/stdin.html" && fail "a line of 1 ml or more in a 1 ml cup"

# 3. Hostile names: a photo named like markup shows as text, and CSV cells starting with = are
# neutralised (OWASP), numbers untouched.
evil='<img src=x onerror=alert(1)>'
cp "$photo" "$WORK/$evil.jpg"
smp-measure --split "$WORK/$evil.jpg" > "$WORK/evil.jsonl" 2> /dev/null || fail "measure the evil photo"
run smp-report -o "$WORK/evil.html" "$WORK/evil.jsonl"
expect_status 0 "report of a photo named like markup"
grep -qF '<img src=x' "$WORK/evil.html" && fail "the photo's name reached the page as markup"
grep -qF '&lt;img src=x onerror=alert(1)&gt;' "$WORK/evil.html" || fail "the photo's name is shown escaped"
expect_self_contained "$WORK/evil.html" "evil report"
echo '=HYPERLINK("http://x") 30 5 8' | smp-match --card --top 1 --format csv > "$WORK/evil.csv" 2> /dev/null
grep -q "^match,\"'=HYPERLINK" "$WORK/evil.csv" || fail "CSV: a formula id gets a leading ': $(cat "$WORK/evil.csv")"
cp "$photo" "$WORK/=cmd.jpg"
smp-measure --format csv "$WORK/=cmd.jpg" > "$WORK/cmd.csv" 2> /dev/null
grep -q "^measurement,'=cmd/image,'=cmd,image," "$WORK/cmd.csv" ||
  fail "CSV: a photo named =cmd.jpg: $(head -c 300 "$WORK/cmd.csv")"
grep -qE ',-?[0-9]+\.[0-9]+,' "$WORK/cmd.csv" || fail "CSV numbers are written as they are"
grep -qE ",'-?[0-9]" "$WORK/cmd.csv" && fail "CSV: a number got a leading '"

# 4. A healed session 1 (the plan's recipe, as tattooed): smp-match --outcome plans session 2 with
# it, and the page shows what that plan record says.
smp-heal outcome --plan "$WORK/match.jsonl" --healed "$WORK/measure.jsonl" > "$WORK/outcome.jsonl" 2> /dev/null ||
  fail "smp-heal outcome"
smp-match --top 3 --outcome "$WORK/outcome.jsonl" "$WORK/measure.jsonl" > "$WORK/session2.jsonl" 2> /dev/null ||
  fail "smp-match --outcome"
run env -u SMPSHADE_CATALOG smp-report -o "$WORK/healed.html" --photo-root "$SRC/data/samples" \
  --outcome "$WORK/outcome.jsonl" "$WORK/measure.jsonl" "$WORK/session2.jsonl"
expect_status 0 "report with a healed outcome"
grep -qF 'Session 1 healed.' "$WORK/healed.html" || fail "the healed outcome is compared with its plan"
grep -qF 'Session 2, corrected:' "$WORK/healed.html" || fail "session 2 is corrected"

# 5. Whole or not at all; a missing photo is a failed input, the page still written.
run smp-report -o "$WORK/no-such-folder/r.html" "$WORK/measure.jsonl"
expect_error "no-such-folder" "an output folder that does not exist"
expect_no_output "$WORK/no-such-folder/r.html" "no page in a missing folder"
sed "s#$photo#$WORK/gone.jpg#" "$WORK/measure.jsonl" > "$WORK/gone.jsonl"
run smp-report -o "$WORK/gone.html" "$WORK/gone.jsonl"
expect_status 1 "a photo that is not there"
[ -s "$WORK/gone.html" ] || fail "the page is written without its photo"
grep -qF 'is not shown: no such file' "$WORK/gone.html" || fail "the page says the photo could not be read"
expect_stderr "photo '$WORK/gone.jpg' named by the record at $WORK/gone.jsonl:1" "the message names the record and the path"
run smp-report "$WORK/measure.jsonl"
expect_status 2 "-o is required"

finish
