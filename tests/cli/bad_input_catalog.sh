#!/usr/bin/env bash
# The bad-input suite (SPEC 4), catalogue YAML: a syntax error, an alias bomb, a 20 MiB file,
# deep nesting and a catalogue with no pigments, given to every tool that loads catalogues:
# smp-catalog (list, show, export), smp-match and smp-render (--ladder, and naming the inks of
# match records). `smp-catalog lint` of the same kinds of file is catalog_lint.sh's.
#
# What each tool does with a broken catalogue beside a good one:
# - smp-catalog lists/exports the good one (it is a catalogue tool: one file's error does not
#   hide the rest), exit 1;
# - smp-match matches nothing: recipes from part of the inks would look right and be wrong;
# - smp-render --ladder draws nothing (no -o file, no temporary file left);
# - smp-render of match records still draws the picture, with ink ids for names, exit 1.
source "$(dirname "$0")/lib.sh"
good=$SRC/tests/data/catalog/good.yaml
unset SMPSHADE_CATALOG

printf 'catalog: 1\nsupplier: [Example Pigment Co.\nillustrative: false\n' > "$WORK/syntax.yaml"
write_alias_tree "$WORK/bomb.yaml" 9
head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' '#' > "$WORK/big.yaml"
# Block maps nested 100 deep (catalog_lint.sh has the flow-style '[[[...' kind).
{
  echo 'catalog: 1'
  for i in $(seq 0 99); do printf '%*sa:\n' $((2 * i)) ''; done
} > "$WORK/deep.yaml"
# name|where and what the error says
broken=(
  "syntax|$WORK/syntax.yaml:3:13: end of sequence flow not found"
  "bomb|$WORK/bomb.yaml:6:45: aliases expand to more than 1000000 nodes: refused (an alias bomb?)"
  "big|$WORK/big.yaml: the file is 20.0 MiB; catalogue files are limited to 16 MiB"
  "deep|$WORK/deep.yaml:66:129: nesting deeper than 64 levels"
)

echo 'hair 30 2 4' > "$WORK/target.txt"
smp-match --card --top 1 --catalog "$good" "$WORK/target.txt" > "$WORK/match.jsonl" 2> /dev/null ||
  fail "smp-match with the good catalogue"
grep -q '"recipe":\[{"id":"exp-' "$WORK/match.jsonl" || fail "the match record names an exp- ink"

for entry in "${broken[@]}"; do
  name=${entry%%|*}
  message=${entry#*|}
  bad=$WORK/$name.yaml

  run smp-catalog list --catalog "$bad" --catalog "$good" --format tsv
  expect_status 1 "$name: smp-catalog list"
  expect_stderr "smp-catalog: error: $message" "$name: smp-catalog list"
  [ "$(cut -f 2 "$WORK/out" | tr '\n' ' ')" = "id exp-jet exp-umber " ] ||
    fail "$name: smp-catalog list shows the good catalogue's pigments: $(cut -f 2 "$WORK/out")"

  run smp-catalog export --catalog "$good" --catalog "$bad"
  expect_status 1 "$name: smp-catalog export"
  expect_stderr "smp-catalog: error: $message" "$name: smp-catalog export"
  [ "$(grep -c '"pigment":"exp-' "$WORK/out")" -eq "$(wc -l < "$WORK/out")" ] && [ -s "$WORK/out" ] ||
    fail "$name: smp-catalog export writes the good catalogue's steps only"

  run smp-catalog show --catalog "$bad" exp-jet
  expect_status 1 "$name: smp-catalog show"
  expect_stderr "smp-catalog: error: $message" "$name: smp-catalog show"
  expect_stdout_empty "$name: smp-catalog show"

  run smp-match --catalog "$good" --catalog "$bad" "$WORK/target.txt"
  expect_status 1 "$name: smp-match"
  expect_stderr "smp-match: error: $message" "$name: smp-match"
  expect_stdout_empty "$name: smp-match"

  run smp-render --catalog "$good" --catalog "$bad" --ladder exp-jet -o "$WORK/$name-ladder.png"
  expect_status 1 "$name: smp-render --ladder"
  expect_stderr "smp-render: error: $message" "$name: smp-render --ladder"
  expect_no_output "$WORK/$name-ladder.png" "$name: smp-render --ladder"

  run smp-render --catalog "$bad" -o "$WORK/$name-match.png" "$WORK/match.jsonl"
  expect_status 1 "$name: smp-render of match records"
  expect_stderr_line "smp-render: error: $message" "(the recipes keep their ink ids)" \
    "$name: smp-render of match records"
  [ -s "$WORK/$name-match.png" ] || fail "$name: smp-render still draws the match records"
done

# A catalogue with no pigments (only diluents) is valid YAML and lints clean, since a diluents
# file can sit beside others; alone, there is nothing to list, show, export, match or draw.
sed '/^pigments:/,$d' "$good" > "$WORK/no-pigments.yaml"
echo 'pigments: []' >> "$WORK/no-pigments.yaml"
grep -q '^diluents:' "$WORK/no-pigments.yaml" || fail "no-pigments.yaml should keep good.yaml's diluents"
no_pigments="$WORK/no-pigments.yaml: no pigments in this catalogue (only diluents)"
for sub in list export "show exp-jet"; do
  run smp-catalog $sub --catalog "$WORK/no-pigments.yaml"
  expect_status 1 "no pigments: smp-catalog $sub"
  expect_stderr "smp-catalog: error: $no_pigments" "no pigments: smp-catalog $sub"
  expect_stdout_empty "no pigments: smp-catalog $sub"
done
run smp-match --catalog "$WORK/no-pigments.yaml" "$WORK/target.txt"
expect_status 1 "no pigments: smp-match"
expect_stderr "smp-match: error: $no_pigments" "no pigments: smp-match"
expect_stdout_empty "no pigments: smp-match"
run smp-render --catalog "$WORK/no-pigments.yaml" --ladder exp-jet -o "$WORK/none.png"
expect_error "smp-render: error: $no_pigments" "no pigments: smp-render --ladder"
expect_no_output "$WORK/none.png" "no pigments: smp-render --ladder"
# Beside a catalogue with pigments it is fine.
run smp-catalog list --catalog "$WORK/no-pigments.yaml" --catalog "$good" --format tsv
expect_status 0 "a diluents-only file beside a good one"
expect_lines 3 "a diluents-only file beside a good one"

finish
