#!/usr/bin/env bash
# smp-measure: the split on a painted scalp, painted highlights, regions of every kind, formats,
# batches in input order, standard input, the pipe into smp-match, and usage errors.
source "$(dirname "$0")/lib.sh"
MAKE=${MAKE_TEST_IMAGE:?run through ctest}

# A shaved scalp (sRGB, 7-pixel stubble dots over 20% of the area, a little shine): written as
# PNG and as a 4:4:4 JPEG, each part within 1 dE00 of the colour painted.
"$MAKE" scalp "$WORK/scalp.png" | awk '{print "scalp/" $0}' > "$WORK/painted.txt"
run smp-measure --split "$WORK/scalp.png"
expect_status 0 "--split"
expect_lines 2 "--split: hair and scalp"
expect_stdout '{"kind":"measurement","id":"scalp/hair","client":"scalp","part":"hair","source":"'"$WORK"'/scalp.png","region":"hair","white":"D50","lab":[' "hair record"
expect_stdout '"id":"scalp/scalp"' "scalp record"
grep -qE '"coverage":0\.(19[5-9]|20[0-5])' "$WORK/out" ||
  fail "hair coverage near the painted 20%: $(head -c 400 "$WORK/out")"
smp-diff --max 1 "$WORK/painted.txt" "$WORK/out" > /dev/null 2> "$WORK/diff.err" ||
  fail "--split: over 1 dE00 from the painted colours: $(cat "$WORK/diff.err")"

# The same scalp as a 4:2:0 JPEG (dots of radius 3.5, brown hair): --split unmixes the chroma
# from the stored planes, says so, and does not warn; hair within 1.5 and scalp within 1 dE00.
"$MAKE" scalp "$WORK/stubble.jpg" --quality 90 | awk '{print "stubble/" $0}' > "$WORK/painted420.txt"
run smp-measure --split "$WORK/stubble.jpg"
expect_status 0 "--split on a 4:2:0 JPEG"
expect_stdout '"chroma":"unmixed from 4:2:0"' "4:2:0: the records say the chroma was unmixed"
grep -q "lower resolution" "$WORK/out" && fail "4:2:0 unmixed: no warning about the chroma"
smp-diff --max 1.5 "$WORK/painted420.txt" "$WORK/out" > /dev/null 2> "$WORK/diff.err" ||
  fail "4:2:0 --split: over 1.5 dE00 from the painted colours: $(cat "$WORK/diff.err")"
# Without --split nothing is unmixed.
run smp-measure "$WORK/stubble.jpg"
grep -q '"chroma"' "$WORK/out" && fail "4:2:0 without --split: no chroma field"

# A whole-image --split with a ColorChecker in frame leaves the chart's card out (its black
# patches would read as hair), says so and where; grey stubble painted at 52 0 3 then reads
# near it, its darkest tenth no darker than L* 40 (with the chart in, under 10).
run smp-measure --split "$SRC/data/samples/light-grey.jpg"
expect_status 0 "--split with a chart in frame"
expect_stderr "a ColorChecker in the photo (its card is \`chart\`) is left out of hair and scalp; --chart calibrates with it, --region measures only the scalp" "chart in frame: warned"
expect_stdout '"chart":[' "chart in frame: its card in the records"
p10=$(head -n 1 "$WORK/out" | sed 's/.*"p10":\[\([0-9.]*\),.*/\1/')
awk -v l="$p10" 'BEGIN {exit !(l > 40)}' || fail "chart left out: hair p10 L* $p10"
run smp-measure --split --no-chart-search "$SRC/data/samples/light-grey.jpg"
grep -q "ColorChecker" "$WORK/err" && fail "--no-chart-search: no chart warning"
p10=$(head -n 1 "$WORK/out" | sed 's/.*"p10":\[\([0-9.]*\),.*/\1/')
awk -v l="$p10" 'BEGIN {exit !(l < 20)}' || fail "--no-chart-search: the chart's black read as hair (p10 $p10)"
# The same photo cut to its top left, without the chart: nothing found, nothing said.
jpegtran -crop 500x300+0+0 "$SRC/data/samples/light-grey.jpg" > "$WORK/no-chart.jpg"
run smp-measure --split "$WORK/no-chart.jpg"
expect_status 0 "--split without a chart"
grep -q "ColorChecker" "$WORK/err" && fail "no chart: no chart warning"
grep -q '"chart"' "$WORK/out" && fail "no chart: no chart field"

# In a region, the records are REGION/hair and REGION/scalp.
run smp-measure --split --region crown=10%,10%,50%,50% "$WORK/scalp.png"
expect_stdout '"id":"scalp/crown/hair","client":"scalp","part":"hair","source":' "region split: hair id"
expect_stdout '"region":"crown/scalp"' "region split: scalp region"

# Painted shine on skin: excluded, the skin comes out within 0.3 dE00; kept in, it does not.
"$MAKE" highlights "$WORK/shine.png" | awk '{print "shine/image", $2, $3, $4}' > "$WORK/skin.txt"
run smp-measure "$WORK/shine.png"
expect_status 0 "highlights"
smp-diff --max 0.3 "$WORK/skin.txt" "$WORK/out" > /dev/null 2> "$WORK/diff.err" ||
  fail "highlights excluded: over 0.3 dE00: $(cat "$WORK/diff.err")"
grep -q '"highlights":0.0[3-9]' "$WORK/out" || fail "highlight share: $(cat "$WORK/out")"
run smp-measure --keep-highlights "$WORK/shine.png"
expect_stdout '"highlights":0.0,' "--keep-highlights"
smp-diff --max 0.3 "$WORK/skin.txt" "$WORK/out" > /dev/null 2>&1 &&
  fail "highlights kept in should pull the skin off by more than 0.3 dE00"

# Regions: a rectangle in pixels, the same in percent, the same as a polygon and as a mask all
# measure the very same pixels.
"$MAKE" patches "$WORK/patches.png" > /dev/null  # 456 x 64, patch p1 inner square at 72,16
"$MAKE" mask "$WORK/mask.png" 456 64 72 16 32 32
run smp-measure --format tsv --region a=72,16,32,32 --region "b=poly:72,16,104,16,104,48,72,48" \
  --region "c=mask:$WORK/mask.png" --region d=50%,25%,25%,50% "$WORK/patches.png"
expect_status 0 "regions"
expect_lines 5 "regions: header and four records"
[ "$(head -n 1 "$WORK/out" | cut -f 1,2,6-9)" = "$(printf 'kind\tid\tsource\tregion\twhite\tlab_L')" ] ||
  fail "TSV header: $(head -n 1 "$WORK/out")"
for r in b c; do
  [ "$(grep "^measurement.patches/$r" "$WORK/out" | cut -f 9-11,24)" = "$(grep "^measurement.patches/a" "$WORK/out" | cut -f 9-11,24)" ] ||
    fail "region $r differs from the rectangle: $(cat "$WORK/out")"
done
[ "$(grep "^measurement.patches/a" "$WORK/out" | cut -f 24)" = 1024 ] || fail "32 x 32 rectangle: not 1024 pixels"
[ "$(grep "^measurement.patches/d" "$WORK/out" | cut -f 24)" = 3648 ] || fail "50%,25%,25%,50% of 456 x 64: not 114 x 32 pixels"

# Coordinates are those of the displayed photo: the same patches stored turned (EXIF 6).
"$MAKE" patches "$WORK/turned.jpg" --orientation 6 > /dev/null
"$MAKE" patches "$WORK/upright.jpg" > /dev/null
smp-measure --region p1=72,16,32,32 "$WORK/turned.jpg" 2> /dev/null | sed 's/turned/x/g' > "$WORK/turned.out"
smp-measure --region p1=72,16,32,32 "$WORK/upright.jpg" 2> /dev/null | sed 's/upright/x/g' > "$WORK/upright.out"
cmp -s "$WORK/turned.out" "$WORK/upright.out" || fail "EXIF orientation: $(cat "$WORK/turned.out" "$WORK/upright.out")"

# Formats: a table on request (and by default on a terminal), CSV with its header.
run smp-measure --format table "$WORK/patches.png"
expect_stdout "id" "table header"
expect_stdout "patches/image" "table row"
run smp-measure --format csv "$WORK/patches.png"
[ "$(head -n 1 "$WORK/out")" = "kind,id,client,part,session,source,region,white,lab_L,lab_a,lab_b,median_L,median_a,median_b,p10_L,p10_a,p10_b,p90_L,p90_a,p90_b,sd_L,sd_a,sd_b,pixels,clipped,highlights,coverage,chroma,profile,calibration_de00,ita,warnings" ] ||
  fail "CSV header: $(head -n 1 "$WORK/out")"

# --white D65: every record says so, and the Lab is adapted.
run smp-measure --white D65 "$WORK/patches.png"
expect_stdout '"white":"D65"' "--white D65"

# Batches: outcomes in input order whatever finishes first, with -j 3.
files=()
for i in $(seq 1 12); do
  if [ $((i % 3)) -eq 0 ]; then cp "$WORK/scalp.png" "$WORK/b$i.png"; else cp "$WORK/patches.png" "$WORK/b$i.png"; fi
  files+=("$WORK/b$i.png")
done
run smp-measure -j 3 "${files[@]}"
expect_status 0 "batch"
expected_ids=$(for i in $(seq 1 12); do echo "b$i/image"; done)
[ "$(sed 's/^{"kind":"measurement","id":"\([^"]*\)".*/\1/' "$WORK/out")" = "$expected_ids" ] || fail "batch order: $(cut -c 1-30 "$WORK/out")"
smp-measure -j 1 "${files[@]}" > "$WORK/serial.out" 2> /dev/null
cmp -s "$WORK/out" "$WORK/serial.out" || fail "-j 3 and -j 1 differ"

# Standard input: no file, or -.
run smp-measure < "$WORK/patches.png"
expect_stdout '{"kind":"measurement","id":"stdin/image","client":"stdin","part":"image","source":"-","region":"image"' "standard input"
run smp-measure - < "$WORK/patches.png"
expect_status 0 "- is standard input"

# Into smp-match: the records are Lab records every tool reads.
smp-measure --split "$WORK/scalp.png" 2> /dev/null |
  smp-match --catalog "$SRC/pigments" --top 1 > "$WORK/match.out" 2> "$WORK/match.err"
[ $? -eq 0 ] || fail "measure | match: $(cat "$WORK/match.err")"
grep -q '"id":"scalp/hair","client":"scalp","part":"hair","session":1,"source":"[^"]*","rank":1' "$WORK/match.out" || fail "measure | match: $(head -c 300 "$WORK/match.out")"

# Usage: bad options and regions exit 2 with the reason; --help and --version exit 0.
run smp-measure --region crown=1,2,3 "$WORK/patches.png"
expect_status 2 "short region"
expect_stderr "smp-measure: error: --region crown: expected four numbers x,y,w,h, got 3" "short region"
expect_stdout_empty "short region"
run smp-measure --region crown=1,2,3,4 --region crown=5,6,7,8 "$WORK/patches.png"
expect_status 2 "region named twice"
run smp-measure --white D55 "$WORK/patches.png"
expect_status 2 "bad --white"
run smp-measure - - < "$WORK/patches.png"
expect_status 2 "stdin twice"
run smp-measure --help
expect_status 0 "--help"
expect_stdout "--split" "--help lists --split"
run smp-measure --version
expect_stdout "smp-measure (smpshade) " "--version"

finish
