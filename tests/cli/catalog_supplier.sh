#!/usr/bin/env bash
# The supplier's session (issue 15): a new ink's instrument file added to the catalogue it joins
# (import --into), lint, export with spectra, and a QC gate that sees metamerism.
source "$(dirname "$0")/lib.sh"
data=$SRC/tests/data/catalog
inst=$data/instruments

# The new ink joins a copy of the bundled blacks: no bare card in the file, the catalogue's used.
cp "$SRC/pigments/illustrative-blacks.yaml" "$WORK/cat.yaml"
cp "$WORK/cat.yaml" "$WORK/before.yaml"
run smp-catalog import --cgats "$inst/nm5.txt" --id new-jet --ci PBk7 --into "$WORK/cat.yaml"
expect_status 0 "import --into"
expect_stdout_empty "import --into writes the file, not stdout"
expect_stderr "$WORK/cat.yaml: added 'new-jet' at the end, the rest of the file as it was" "import --into"
expect_stderr "1:3: 3 replicates (rows 3, 4, 5) averaged, spread ΔE00" "replicates reported"
size=$(stat -c %s "$WORK/before.yaml")
cmp -s -n "$size" "$WORK/before.yaml" "$WORK/cat.yaml" || fail "import --into changed the original text"
grep -q '^  - id: new-jet$' "$WORK/cat.yaml" || fail "new-jet not appended as a list item"

run smp-catalog lint "$WORK/cat.yaml"
expect_status 0 "the catalogue with the new ink lints"
expect_stderr "0 errors" "no errors"

# Replicates 1.3 L* apart: averaged, with a warning; still imported.
cp "$WORK/before.yaml" "$WORK/cat2.yaml"
run smp-catalog import --cgats "$inst/replicates.txt" --id new-jet --into "$WORK/cat2.yaml"
expect_status 0 "replicates over tolerance still import"
expect_stderr_line "warning: $inst/replicates.txt: 1:3: 2 replicates" "over 0.5" "replicate warning"

# Refused: bands short of 400 nm; the id already there; another illuminant. Nothing written.
for args in "$inst/short-range.txt --id new-jet" "$inst/nm5.txt --id ill-jet-black"; do
  # shellcheck disable=SC2086
  run smp-catalog import --cgats $args --into "$WORK/cat2.yaml"
  expect_status 1 "refused: $args"
done
run smp-catalog import --cgats "$inst/short-range.txt" --id x --into "$WORK/before.yaml"
expect_stderr "the spectral fields cover 410–700 nm; the catalogue's spectra need 400–700 nm" "short range"
cmp -s "$WORK/before.yaml" "$SRC/pigments/illustrative-blacks.yaml" || fail "a refused import changed the file"
sed 's/"D50"/"D65"/' "$inst/i1profiler.txt" > "$WORK/d65.txt"
run smp-catalog import --cgats "$WORK/d65.txt" --id x --into "$WORK/before.yaml"
expect_status 1 "another illuminant"
expect_stderr "measured for D65, 2° but $WORK/before.yaml is measured for D50, 2°" "illuminant differs"

# Without --into, a catalogue needs its supplier.
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet
expect_status 1 "no supplier"
expect_stderr "give --supplier NAME" "no supplier"
run smp-catalog lint "$data/supplier.yaml"
expect_status 1 "lint: no supplier"
expect_stderr "[supplier]" "lint: supplier rule"

# list says when a catalogue is illustrative.
run smp-catalog list --format jsonl "$WORK/cat.yaml"
expect_stderr "illustrative values, not measurements" "list: illustrative"

# Export with spectra: the same ladder against itself has no metamerism.
smp-catalog export --catalog "$WORK/cat.yaml" --spectra new-jet > "$WORK/new.jsonl"
grep -q '"spectrum":\[' "$WORK/new.jsonl" || fail "export --spectra: no spectrum"
run smp-diff --max-metamerism 0.01 "$WORK/new.jsonl" "$WORK/new.jsonl"
expect_status 0 "self: no metamerism"
expect_stdout '"mi_A":0.0,' "self: mi_A 0"

# Two batches of a brown, different pigments (tests/unit/core/metamerism_reference.py): the index
# under A is 0.8587, F11 0.4711, LED-B3 0.2795 by the hand calculation.
std='0.080002,0.080003,0.080005,0.080008,0.080014,0.080025,0.080044,0.080076,0.080133,0.080231,0.080402,0.080696,0.081203,0.082067,0.083512,0.085866,0.089532,0.094860,0.101875,0.110000,0.118125,0.125140,0.130468,0.134134,0.136488,0.137933,0.138797,0.139304,0.139598,0.139769,0.139867'
spl='0.085890,0.087229,0.089694,0.093083,0.096278,0.097748,0.096771,0.094117,0.091364,0.089680,0.089322,0.089986,0.091310,0.093078,0.095179,0.097523,0.100000,0.102477,0.104823,0.106932,0.108742,0.110234,0.111424,0.112348,0.113051,0.113577,0.113967,0.114252,0.114460,0.114611,0.114721'
echo "{\"id\":\"brown@1:3\",\"lab\":[37.28,8.95,5.64],\"spectrum\":[$std],\"spectrum_start\":400,\"spectrum_step\":10}" > "$WORK/std.jsonl"
echo "{\"id\":\"brown@1:3\",\"lab\":[37.9,3.68,1.85],\"spectrum\":[$spl],\"spectrum_start\":400,\"spectrum_step\":10}" > "$WORK/spl.jsonl"
run smp-diff --max-metamerism 0.5 "$WORK/std.jsonl" "$WORK/spl.jsonl"
expect_status 1 "metameric batch over the gate"
expect_stdout '"mi_A":0.85' "mi_A by hand 0.8587"
expect_stdout '"mi_F11":0.47' "mi_F11 by hand 0.4711"
expect_stdout '"mi_LED_B3":0.27' "mi_LED_B3 by hand 0.2795"
expect_stderr "1 of 1 pairs over metamerism index 0.5" "gate summary"
expect_stderr "max 0.86 ('brown@1:3' under A)" "worst light named"
run smp-diff --max-metamerism 1 "$WORK/std.jsonl" "$WORK/spl.jsonl"
expect_status 0 "under a looser gate"
# A pair without spectra cannot pass a metamerism gate.
run smp-diff --max-metamerism 1 <(echo '{"id":"x","lab":[50,0,0]}') <(echo '{"id":"x","lab":[50,0,0]}')
expect_status 1 "no spectra, no gate"
expect_stderr "no metamerism index for --max-metamerism" "no spectra"
finish
