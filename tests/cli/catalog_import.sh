#!/usr/bin/env bash
# smp-catalog import → lint → export → smp-diff: a supplier's spectro file into the catalogue,
# and a new batch checked against the catalogue; malformed CGATS files.
source "$(dirname "$0")/lib.sh"
data=$SRC/tests/data/catalog

# The synthetic spectro file is the bundled Jet Black ladder: import it...
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet --name "Jet" --ci PBk7 --cas 1333-86-4 --supplier "Example Pigment Co."
expect_status 0 "import"
cp "$WORK/out" "$WORK/imported.yaml"
expect_stdout "# Imported by smp-catalog from $data/ladder.cgats" "import header"
expect_stdout '  instrument: "X-Rite i1Pro 3"' "import instrument"
expect_stdout "    ci: [PBk7]" "import ci"

# ...it lints clean and loads...
run smp-catalog lint "$WORK/imported.yaml"
expect_status 0 "imported lints clean"
expect_stderr "0 errors, 0 warnings in 1 file" "imported lints clean"

# ...and exporting it and the bundled ink gives the same colours, step for step.
smp-catalog export --catalog "$SRC/pigments" ill-jet-black | sed 's/"id":"ill-jet-black@/"id":"exp-jet@/' > "$WORK/bundled.jsonl"
run smp-diff --max 0.0001 "$WORK/bundled.jsonl" <(smp-catalog export --catalog "$WORK/imported.yaml")
expect_status 0 "export | smp-diff: identical"
expect_lines 6 "six steps compared"
expect_stderr "smp-diff: 6 pairs, de00 mean 0.00, max 0.00" "export | smp-diff"

# A new batch measured a little darker at 1:3 (L* 34.85 → 33.85): smp-diff's QC gate fails it.
sed 's/\[34.85,/[33.85,/' "$WORK/bundled.jsonl" > "$WORK/batch.jsonl"
smp-catalog export --catalog "$SRC/pigments" ill-jet-black | sed 's/"id":"ill-jet-black@/"id":"exp-jet@/' |
  smp-diff --max 0.5 - "$WORK/batch.jsonl" > "$WORK/out" 2> "$WORK/err"
status=$?
expect_status 1 "batch over tolerance"
expect_stderr "smp-diff: 1 of 6 pairs over de00 0.5" "batch over tolerance"
expect_stdout '"id":"exp-jet@1:3"' "batch pairs by id"

# Malformed files: exit 1, a message naming the file, nothing on stdout.
check_bad() {
  run smp-catalog import --cgats "$data/$1" --id exp-jet
  expect_status 1 "$1"
  expect_stdout_empty "$1"
  expect_stderr "smp-catalog: error: $data/$1: $2" "$1"
}
check_bad bad-sets.cgats "not a readable CGATS.17 file: Line 18, Count mismatch. NUMBER_OF_SETS was 9, found 7"
check_bad truncated.cgats "no END_DATA after BEGIN_DATA: the file is truncated"
check_bad no-colour.cgats "no LAB_L/LAB_A/LAB_B, no XYZ_X/XYZ_Y/XYZ_Z and no spectral fields"
check_bad no-parts.cgats "row 1 (sample 'card'): no ink and diluent parts"
check_bad no-substrate.cgats "no substrate: measure the bare card"
check_bad bad-number.cgats "row 6 (sample 'Jet'): SPECTRAL_410 is 'n/a', not a number"
check_bad not-cgats.cgats "not a CGATS.17 measurement file"
# An empty file (LittleCMS asserts on one; found by the CGATS fuzzer): a message, not an abort.
: > "$WORK/empty.cgats"
run smp-catalog import --cgats "$WORK/empty.cgats" --id exp-jet
expect_status 1 "empty CGATS file"
expect_stderr "$WORK/empty.cgats: the file is empty" "empty CGATS file"
expect_stdout_empty "empty CGATS file"
# A NUMBER_OF_SETS past an int (LittleCMS wraps it to the 8 rows given; found by the fuzzer).
run smp-catalog import --cgats "$SRC/tests/fuzz/corpus/cgats/huge-sets.cgats" --id exp-jet
expect_status 1 "huge NUMBER_OF_SETS"
expect_stderr "NUMBER_OF_SETS 4294967304 is more than 32766 rows, the most LittleCMS reads" "huge NUMBER_OF_SETS"
expect_stdout_empty "huge NUMBER_OF_SETS"
# Files LittleCMS 2.14's IT8 parser cannot be trusted with are refused before it sees them
# (the first crashed it: memory corruption found by the CGATS fuzzer).
run smp-catalog import --cgats "$SRC/tests/fuzz/corpus/cgats/two-headers-long-rows.cgats" --id exp-jet
expect_status 1 "two headers"
expect_stderr "NUMBER_OF_FIELDS appears twice: import reads files with one table" "two headers"
sed 's/^NUMBER_OF_SETS.*/NUMBER_OF_SETS\t7/' "$data/ladder.cgats" > "$WORK/more-rows.cgats"
run smp-catalog import --cgats "$WORK/more-rows.cgats" --id exp-jet
expect_status 1 "more rows than sets"
expect_stderr "8 rows of 36 fields, NUMBER_OF_SETS says 7" "more rows than sets, in words"
sed 's/^NUMBER_OF_FIELDS.*/NUMBER_OF_FIELDS\t5/' "$data/ladder.cgats" > "$WORK/fields.cgats"
run smp-catalog import --cgats "$WORK/fields.cgats" --id exp-jet
expect_status 1 "NUMBER_OF_FIELDS disagrees"
expect_stderr "NUMBER_OF_FIELDS says 5 but the data format has" "NUMBER_OF_FIELDS disagrees"
run smp-catalog import --cgats "$WORK/none.cgats" --id exp-jet
expect_status 1 "missing CGATS file"
expect_stderr "$WORK/none.cgats: cannot open: No such file or directory" "missing CGATS file"
run smp-catalog import --cgats "$data/ladder.cgats"
expect_status 2 "import without --id"

# The imported file names the diluent the ladder was drawn with (default distilled water) and
# the lot's expiry; a recipe from it names that diluent.
grep -qx "  - id: distilled-water" "$WORK/imported.yaml" || fail "import writes the default diluent"
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet --supplier Test --diluent glycerin-mix --expires 2027-06-30
expect_status 0 "import --diluent --expires"
cp "$WORK/out" "$WORK/glycerin.yaml"
expect_stdout "  - id: glycerin-mix" "import --diluent"
expect_stdout '    name: "Glycerin mix"' "import --diluent name"
expect_stdout "    expires: 2027-06-30" "import --expires"
run smp-match --catalog "$WORK/glycerin.yaml" --format jsonl <<< "hair 45 0 -1"
expect_status 0 "match with the imported diluent"
expect_stdout '{"id":"glycerin-mix","name":"Glycerin mix","kind":"diluent"' "recipe names the imported diluent"
grep -q '"id":""' "$WORK/out" && fail "a recipe names an empty id"
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet --supplier Test --expires 2027-13-40
expect_status 1 "import --expires not a date"
expect_stderr "'expires' must be a date as YYYY-MM-DD" "import --expires not a date"
expect_stdout_empty "import --expires not a date"
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet --supplier Test --diluent "Tap Water"
expect_status 1 "import --diluent not an id"
expect_stdout_empty "import --diluent not an id"

# A catalogue without diluents: lint says so (an error), and smp-match refuses it rather than
# proposing "7 parts" of nothing.
awk '/^diluents:/ {skip = 1; next} /^pigments:/ {skip = 0} !skip' "$WORK/imported.yaml" > "$WORK/no-diluent.yaml"
run smp-catalog lint "$WORK/no-diluent.yaml"
expect_status 1 "lint: no diluent"
expect_stderr "no 'diluents' to mix them with" "lint: no diluent"
expect_stderr "[no-diluent]" "lint: no diluent rule"
run smp-match --catalog "$WORK/no-diluent.yaml" --format jsonl <<< "hair 45 0 -1"
expect_status 1 "match: no diluent"
expect_stdout_empty "match: no diluent"

finish
