#!/usr/bin/env bash
# Supplier QC straight from the instrument's file (issue 30): spectral-only CGATS on either side,
# replicates averaged with their spread, pairs joined by name, id, order or a catalogue ink's
# dilutions, the QC gate naming the failing steps worst first; real instrument files from
# ArgyllCMS's reference set (argyll-ref), light sources named as such, the project's own data/.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
ref=/usr/share/color/argyll/ref
batch="python3 $SRC/tests/tools/make_batch_cgats.py"
cd "$WORK" || exit 1
smp-catalog export --spectra ill-espresso > espresso.jsonl
$batch espresso.jsonl cocoa --seed 1 > standard.cgats
$batch espresso.jsonl cocoa --seed 2 --step 5 --strength 1.12 > strong.cgats
$batch espresso.jsonl cocoa --seed 3 --step 5 > same.cgats
grep -q "LAB_L" strong.cgats && fail "the batch has no Lab columns: spectra only"

# 1. Spectral-only on both sides, joined by name; replicates averaged, their spread reported.
run smp-diff standard.cgats same.cgats
expect_status 0 "the same ink, spectra only"
expect_lines 6 "one pair per step, three replicates each averaged"
expect_stdout '"id":"cocoa 1:3",' "pairs named as the instrument names them"
expect_stdout '"reference_replicates":3,"reference_spread_de00":' "the standard's replicates"
expect_stdout '"mi_max":' "the metamerism index from the spectra"
awk -F'"de00":' '{split($2, a, ","); if (a[1] > 0.6) bad = 1} END {exit bad}' "$WORK/out" ||
  fail "the same ink measured again is within 0.6 dE00: $(cat "$WORK/out")"

# 2. The QC gate: a batch 12 % stronger fails, its steps named worst first, exit 1.
run smp-diff --max 1.0 --max-metamerism 2 standard.cgats strong.cgats
expect_status 1 "a stronger batch fails the gate"
expect_stderr "6 of 6 pairs over de00 1: cocoa 1:10 (" "the failing steps, worst first"
run smp-diff --max 2.5 standard.cgats strong.cgats
expect_status 0 "within a wider gate"

# 3. Against the catalogue's own ladder, paired by dilution (INK_PARTS and DILUENT_PARTS, or the
# "1:3" in the name): no throwaway catalogue, no export.
run smp-diff --ink ill-espresso --max 1.0 strong.cgats
expect_status 1 "the batch against the catalogue"
expect_stdout '"reference_id":"ill-espresso@1:3","dilution":"1:3"' "joined by dilution"
expect_stderr "pairs over de00 1:" "the gate"
run smp-diff --ink no-such-ink strong.cgats
expect_status 1 "an ink the catalogues lack"
expect_stderr "no ink 'no-such-ink'" "named"
# A step the ladder lacks is named.
sed 's/"cocoa 1:20"/"cocoa 1:30"/' same.cgats > extra.cgats
run smp-diff --ink ill-espresso extra.cgats
expect_stderr "no record with dilution '1:30' in" "a row with no partner is named"

# 4. Replicates that disagree are warned of; joins by SAMPLE_ID and by order.
awk '/^"cocoa 1:6"/ {n++; if (n == 2) {line = $1 " " $2; for (i = 3; i <= NF; i++) line = line " 30.000"; $0 = line}} {print}' standard.cgats > spread.cgats
run smp-diff standard.cgats spread.cgats
expect_stderr "'cocoa 1:6': 3 replicates spread" "a spread over --replicate-spread is warned"
$batch espresso.jsonl cocoa --seed 4 --ids --replicates 1 > ids.cgats
$batch espresso.jsonl other --seed 5 --ids --replicates 1 > renamed.cgats
run smp-diff --join id ids.cgats renamed.cgats
expect_status 0 "joined by SAMPLE_ID though the names differ"
expect_lines 6 "six pairs by id"
run smp-diff --join order ids.cgats renamed.cgats
expect_lines 6 "six pairs by order"
run smp-diff ids.cgats renamed.cgats
expect_status 1 "by name, nothing pairs"

# 5. Real instrument files: an i1Pro's 3.33 nm bands (SPEC_353, SPEC_357 ...) are an even grid;
# light sources are named as such by smp-diff and import alike.
sed 's/^DESCRIPTOR .*/DESCRIPTOR "i1Pro reflectance"/; s/^SPECTRAL_NORM .*/SPECTRAL_NORM "5000"/' \
  "$ref/example121.sp" > i1pro.sp
run smp-diff i1pro.sp i1pro.sp
expect_status 0 "3.33 nm bands read"
for source in F8.sp Office.sp example121.sp; do
  run smp-diff "$ref/$source" "$ref/$source"
  expect_stderr "this is a light source's spectrum (emission), not a surface's reflectance" "smp-diff: $source"
  run smp-catalog import --cgats "$ref/$source" --id x --supplier y
  expect_stderr "this is a light source's spectrum (emission)" "import: $source"
done
run smp-diff "$ref/QPcard_202.cie" "$ref/QPcard_202.cie"
expect_status 0 "QPcard 202 (XYZ and Lab)"
expect_lines 35 "QPcard 202: 35 patches"
run smp-diff "$ref/ColorChecker.cie" "$SRC/data/colorchecker24_2005.csv" --join order
expect_status 0 "ArgyllCMS's ColorChecker against the project's 2005 values"
awk -F'"de00":' '{split($2, a, ","); if (a[1] > 0.05) bad = 1} END {exit bad}' "$WORK/out" ||
  fail "the two pre-2014 references agree: $(head -n 3 "$WORK/out")"

# 6. The project's own data/: Lab tables read by their header, spectra tables refused saying so.
run smp-diff "$SRC/data/colorchecker24_2005.csv" "$SRC/data/colorchecker24_2014.csv"
expect_status 0 "data/*.csv read by their header"
expect_lines 24 "24 patches"
expect_stdout '"id":"dark skin",' "named by their name column"
run smp-diff "$SRC/data/colorchecker24_babelcolor_reflectance.csv" "$SRC/data/colorchecker24_2014.csv"
expect_status 1 "a table of spectra by wavelength"
expect_stderr "a table of spectra by wavelength (its first column is 'nm'" "said what it is"
[ "$(grep -c 'error' "$WORK/err")" -le 2 ] || fail "refused once, not line by line: $(head -c 600 "$WORK/err")"
finish
