#!/usr/bin/env bash
# scripts/batch-consult on the sample photos plus one truncated JPEG: the broken photo is named
# and the other six are still measured and matched, to JSON Lines and CSV.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
mkdir -p "$WORK/photos"
cp "$SRC"/data/samples/*.jpg "$WORK/photos/"
head -c 3000 "$SRC/data/samples/dark-black.jpg" > "$WORK/photos/broken.jpg"
run "$SRC/scripts/batch-consult" --region crown=0,0,520,600 --top 2 "$WORK/photos" "$WORK/result"
expect_status 1 "one photo failed"
expect_stdout "batch-consult: 7 photos: 6 measured and matched (12 recipes), 1 failed" "summary"
expect_stderr "smp-measure: error: $WORK/photos/broken.jpg:" "the broken photo is named"
[ "$(cat "$WORK/result/failed.txt")" = "$WORK/photos/broken.jpg" ] || fail "failed.txt lists the broken photo"
[ "$(grep -c '"kind":"match"' "$WORK/result/matches.jsonl")" -eq 12 ] || fail "2 recipes for each of 6 photos"
[ "$(wc -l < "$WORK/result/measures.jsonl")" -eq 12 ] || fail "hair and scalp of each of 6 photos"
[ "$(wc -l < "$WORK/result/matches.csv")" -eq 13 ] || fail "CSV: one header and 12 rows"
[ "$(grep -c '^kind,id,' "$WORK/result/matches.csv")" -eq 1 ] || fail "CSV: a single header row"
grep -q '^{"kind":"match","id":"light-grey/crown/hair",.*"rank":1,' "$WORK/result/matches.jsonl" || fail "light-grey matched"
grep -q '"predicts":"healed"' "$WORK/result/matches.jsonl" || fail "healed in each photo's own scalp"
# The measured scalp of dark-black (painted L* 32, ITA -56) is dark skin: the pipeline carries
# the photo's colour, not a default.
grep '"id":"dark-black/crown/scalp"' "$WORK/result/measures.jsonl" | grep -qE '"lab":\[3[0-3]\.' ||
  fail "dark-black scalp measured near its painted L* 32"

# One report per photo and an index linking them; a photo named like markup is escaped there.
[ "$(ls "$WORK/result/reports" | wc -l)" -eq 6 ] || fail "6 reports: $(ls "$WORK/result/reports")"
[ "$(grep -c '<li><a href="reports/' "$WORK/result/index.html")" -eq 6 ] || fail "the index links 6 reports"
grep -qF 'href="reports/light-grey.html"' "$WORK/result/index.html" || fail "the index links light-grey"

# All photos good: exit 0; not a folder: exit 2.
rm "$WORK/photos/broken.jpg"
run "$SRC/scripts/batch-consult" --region crown=0,0,520,600 --top 1 "$WORK/photos" "$WORK/result2"
expect_status 0 "all photos good"
expect_stdout "6 measured and matched (6 recipes), 0 failed" "summary without failures"
mkdir -p "$WORK/evil"
cp "$SRC/data/samples/light-grey.jpg" "$WORK/evil/<i onmouseover=alert(1)>x.jpg"
run "$SRC/scripts/batch-consult" --top 1 "$WORK/evil" "$WORK/result4"
expect_status 0 "a photo named like markup"
grep -qF '<i onmouseover' "$WORK/result4/index.html" && fail "the index shows a photo's name as markup"
grep -qF '&lt;i onmouseover=alert(1)&gt;x' "$WORK/result4/index.html" || fail "the index shows the name escaped"
run "$SRC/scripts/batch-consult" "$WORK/nowhere" "$WORK/result3"
expect_status 2 "not a folder"
finish
