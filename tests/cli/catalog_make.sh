#!/usr/bin/env bash
# scripts/make-catalog reproduces the bundled catalogue byte for byte: pigments/ is its output,
# not hand-edited values.
source "$(dirname "$0")/lib.sh"

run python3 "$SRC/scripts/make-catalog" --output-dir "$WORK/pigments"
expect_status 0 "make-catalog"
for file in "$SRC"/pigments/*.yaml; do
  cmp -s "$file" "$WORK/pigments/$(basename "$file")" ||
    fail "pigments/$(basename "$file") differs from what scripts/make-catalog writes"
done
[ "$(ls "$WORK/pigments" | wc -l)" -eq "$(ls "$SRC"/pigments/*.yaml | wc -l)" ] ||
  fail "make-catalog writes other files than pigments/ holds"

finish
