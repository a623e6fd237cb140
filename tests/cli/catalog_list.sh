#!/usr/bin/env bash
# smp-catalog list/show/export: the catalogue search path, records and tables, bad catalogues.
source "$(dirname "$0")/lib.sh"
data=$SRC/tests/data/catalog
unset SMPSHADE_CATALOG

# list: one record per pigment, in file then catalogue order.
run smp-catalog list --format tsv "$SRC/pigments"
expect_status 0 "list"
expect_lines 8 "list: header + 7 inks"
[ "$(head -n 1 "$WORK/out")" = "$(printf 'kind\tid\tname\tsupplier\tci\tsteps\tlot\texpires\tillustrative\tfile')" ] ||
  fail "list header: $(head -n 1 "$WORK/out")"
expect_stdout "$(printf 'pigment\till-soft-black\tSoft Black\tsmpshade (illustrative)\tPBk7; PBk11\t6\t\t\ttrue\t')" "list row"

# The search path: --catalog, then $SMPSHADE_CATALOG, then the installed share/, then ./pigments.
run smp-catalog --catalog "$data/good.yaml" list
expect_lines 2 "--catalog"
expect_stdout '"id":"exp-umber"' "--catalog"
SMPSHADE_CATALOG="$data/good.yaml:$data/ladder-order.yaml" run smp-catalog list
expect_status 1 "SMPSHADE_CATALOG with a bad file"
expect_stderr "smp-catalog: error: $data/ladder-order.yaml:51:9: step 1:3 has more ink than the step before it" "bad file named"
expect_lines 2 "the good file is still listed"
(cd "$SRC" && run smp-catalog list --format tsv && [ "$status" -eq 0 ] && [ "$(wc -l < "$WORK/out")" -eq 8 ]) ||
  fail "./pigments fallback"
mkdir -p "$WORK/prefix/bin" "$WORK/prefix/share/smpshade/pigments" "$WORK/elsewhere"
cp "$(command -v smp-catalog)" "$WORK/prefix/bin/"
cp "$data/good.yaml" "$WORK/prefix/share/smpshade/pigments/"
(cd "$WORK/elsewhere" && "$WORK/prefix/bin/smp-catalog" list > "$WORK/out" 2> "$WORK/err")
expect_stdout "\"file\":\"$WORK/prefix/share/smpshade/pigments/good.yaml\"" "installed share/smpshade/pigments"
(cd "$WORK/elsewhere" && smp-catalog list > "$WORK/out" 2> "$WORK/err")
expect_stderr "no catalogue found: give --catalog PATH or set SMPSHADE_CATALOG" "nothing found"

# Duplicate ids across catalogues are an error, but the listing still comes.
run smp-catalog list --catalog "$data/good.yaml" --catalog "$data/illustrative.yaml"
expect_status 1 "duplicate ids"
expect_stderr "pigment id 'exp-jet' is already used by the pigment at $data/good.yaml:16:5" "duplicate ids"

# show: the pigment above a table of its steps; Lab computed where only a spectrum is given.
run smp-catalog show --catalog "$data/good.yaml" --format table exp-jet
expect_status 0 "show table"
sed -n 2p "$WORK/out" | grep -q '^exp-jet  *Jet  *Example Pigment Co\.  *PBk7  *4  *A-2025-114  *2027-06-30  *no ' || fail "show header: $(head -n 2 "$WORK/out")"
expect_stdout "step  ratio  concentration                   lab  lab_from  white" "show step header"
grep -q '^   3  1:10            0.09   44.14   0.28   0.70  spectrum  D50 ' "$WORK/out" ||
  fail "show spectrum-only step: $(cat "$WORK/out")"
run smp-catalog show --catalog "$data/good.yaml" exp-umber
expect_lines 3 "show jsonl"
expect_stdout '{"kind":"ladder-step","id":"exp-umber@1:20","pigment":"exp-umber","step":3,"ratio":"1:20","concentration":0.0476,"lab":[62.51,8.93,10.39],"lab_from":"lab","white":"D50",' "show record"
run smp-catalog show --catalog "$data/good.yaml" exp-nothing
expect_status 1 "show unknown"
expect_stderr "smp-catalog: error: no pigment 'exp-nothing' in the catalogues" "show unknown"
expect_stdout_empty "show unknown"

# export: every step (or the ids given) as Lab records.
run smp-catalog export --catalog "$SRC/pigments"
expect_status 0 "export all"
expect_lines 42 "export all: 7 inks x 6 steps"
run smp-catalog export --catalog "$SRC/pigments" ill-taupe ill-nothing
expect_status 1 "export unknown id"
expect_lines 6 "export: the known id still exported"
expect_stderr "no pigment 'ill-nothing'" "export unknown id"

finish
