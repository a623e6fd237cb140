#!/usr/bin/env bash
# smp-heal: outcome records from a plan and a healed measurement, the fit (a synthetic clinic
# made by a truth model that differs from smpshade's), predictions with the fitted model and a
# client's own outcome, smp-match --healing, and bad input.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
"$MAKE_CLINIC" "$SRC/pigments" 12 3 > "$WORK/outcomes.jsonl"
[ "$(wc -l < "$WORK/outcomes.jsonl")" -eq 36 ] || fail "36 synthetic outcomes"

# 1. Fit: the model file, one report record per outcome, the report on stderr.
run smp-heal fit -o "$WORK/clinic.yaml" "$WORK/outcomes.jsonl"
expect_status 0 "fit"
expect_lines 36 "one report record per outcome"
expect_stdout '"held_out_de00":' "held-out ΔE00 per outcome"
expect_stderr "smp-heal: fitted 36 outcomes of 12 clients" "summary"
expect_stderr "held out (leave-one-out)" "held-out method"
grep -q '^healing: 1$' "$WORK/clinic.yaml" || fail "the model file's version line"
grep -q 'held_out_p90_de00:' "$WORK/clinic.yaml" || fail "the model file carries the 90 % radius"
# The fitted model predicts the outcomes better than the unfitted defaults (mean ΔE00).
awk -F'"de00":' '{split($2, a, ","); fit += a[1]} END {exit !(fit / NR < 2.0)}' "$WORK/out" ||
  fail "fitted mean ΔE00 under 2"
fitted=$(sed 's/.*"de00":\([0-9.]*\).*/\1/' "$WORK/out" | awk '{s += $1} END {print s / NR}')
defaults=$(sed 's/.*"default_de00":\([0-9.]*\).*/\1/' "$WORK/out" | awk '{s += $1} END {print s / NR}')
awk -v f="$fitted" -v d="$defaults" 'BEGIN {exit !(f < 0.7 * d)}' ||
  fail "fitted ($fitted) well under the defaults ($defaults)"

# 2. Predict: match records are cases; the model and its uncertainty travel in the records.
cat > "$WORK/client.jsonl" <<'JSON'
{"kind":"measurement","id":"c9/crown/hair","client":"c9","part":"hair","source":"c9.jpg","region":"crown/hair","lab":[30.0,3.0,5.0]}
{"kind":"measurement","id":"c9/crown/scalp","client":"c9","part":"scalp","source":"c9.jpg","region":"crown/scalp","lab":[62.0,12.1,16.3]}
JSON
smp-match --healing "$WORK/clinic.yaml" --top 2 "$WORK/client.jsonl" > "$WORK/session.jsonl" 2> "$WORK/match.err"
[ "$(wc -l < "$WORK/session.jsonl")" -eq 3 ] || fail "smp-match --healing: two recipes and the plan: $(cat "$WORK/match.err")"
grep '"kind":"match"' "$WORK/session.jsonl" > "$WORK/match.jsonl"
grep -q "\"model\":\"$WORK/clinic.yaml (36 outcomes)\"" "$WORK/match.jsonl" ||
  fail "match records name the fitted model: $(head -c 300 "$WORK/match.jsonl")"
run smp-heal predict --healing "$WORK/clinic.yaml" "$WORK/match.jsonl"
expect_status 0 "predict match records"
expect_lines 2 "one prediction per case, in order"
expect_ids "c9/crown/hair c9/crown/hair" "ids kept"
expect_stdout '"uncertainty_de00":' "uncertainty from the fit"
# smp-heal predict and smp-match agree on the same recipe and model.
m=$(head -n 1 "$WORK/match.jsonl" | sed 's/.*"predicted":\[\([^]]*\)\].*/\1/')
h=$(head -n 1 "$WORK/out" | sed 's/.*"healed":\[\([^]]*\)\].*/\1/')
[ "$m" = "$h" ] || fail "smp-match predicted [$m], smp-heal predict [$h]"

# A recipe on the command line: what will my usual 1 + 6 look like on this client?
run smp-heal predict --skin 62,12.1,16.3 --recipe ill-jet-black:1,distilled-water:6
expect_status 0 "--skin --recipe"
expect_stdout '"recipe":[{"id":"ill-jet-black","kind":"pigment","parts":1},{"id":"distilled-water","kind":"diluent","parts":6}]' "the recipe, diluent recognised"
expect_stdout '{"kind":"prediction","id":"recipe",' "a prediction record"
expect_stdout '"model":"defaults (not fitted)"' "defaults without --healing"

# 3. outcome: the session as tattooed (the plan record's recipe: session 1, lighter than the
# match) joined with the healed measurement, in order.
echo '{"kind":"measurement","id":"c9/healed/hair","client":"c9","part":"hair","source":"c9-healed.jpg","region":"hair","lab":[48.0,2.0,4.0]}' > "$WORK/healed.jsonl"
plan_recipe=$(grep '"kind":"plan"' "$WORK/session.jsonl" | sed 's/.*"recipe":\(\[[^]]*\]\).*/\1/')
run smp-heal outcome --plan "$WORK/session.jsonl" --healed "$WORK/healed.jsonl" --weeks 6
expect_status 0 "outcome"
expect_lines 1 "the one target's plan"
expect_stdout '{"kind":"outcome","id":"c9/crown/hair","client":"c9","part":"hair","session":1,"skin":[62.0,12.1,16.3],"recipe":'"$plan_recipe" "outcome fields: the plan's recipe, as tattooed"
expect_stdout '"healed":[48.0,2.0,4.0],"weeks":6.0' "healed and weeks"
# The match's recipe of a rank instead, and a recipe changed on the day.
run smp-heal outcome --plan "$WORK/session.jsonl" --rank 1 --healed "$WORK/healed.jsonl"
rank1=$(head -n 1 "$WORK/match.jsonl" | sed 's/.*"recipe":\[{"id":"\([^"]*\)".*/\1/')
expect_stdout "\"recipe\":[{\"id\":\"$rank1\"" "--rank 1: the match's recipe"
run smp-heal outcome --plan "$WORK/session.jsonl" --recipe ill-jet-black:1,distilled-water:5 --healed "$WORK/healed.jsonl"
expect_stdout '"recipe":[{"id":"ill-jet-black","kind":"pigment","parts":1},{"id":"distilled-water","kind":"diluent","parts":5}]' "--recipe: what was tattooed on the day"
run smp-heal outcome --plan "$WORK/session.jsonl" --healed "$WORK/healed.jsonl" --weeks 6
cp "$WORK/out" "$WORK/own.jsonl"
# That client's own outcome refines their prediction (and says so).
run smp-heal predict --healing "$WORK/clinic.yaml" --outcome "$WORK/own.jsonl" "$WORK/match.jsonl"
expect_status 0 "predict with the client's outcome"
expect_stdout 'refined by 1 own outcome of c9' "the refinement is named, with whose"
run smp-match --healing "$WORK/clinic.yaml" --outcome "$WORK/own.jsonl" --top 1 "$WORK/client.jsonl"
expect_status 0 "smp-match --outcome"
expect_stdout 'refined by 1 own outcome of c9' "smp-match names the refinement"

# 4. Bad input: a bad outcome line is named and skipped, the rest fitted; exit 1.
{ head -n 20 "$WORK/outcomes.jsonl"; echo '{"kind":"outcome","id":"x","skin":[62,12,17],"recipe":[{"id":"ill-jet-black","parts":0}],"healed":[50,3,6]}';
  echo '{"kind":"outcome","id":"y","skin":[62,12,17],"recipe":[{"id":"no-such-ink","parts":1}],"healed":[50,3,6]}'; } > "$WORK/bad.jsonl"
run smp-heal fit -o "$WORK/bad.yaml" "$WORK/bad.jsonl"
expect_status 1 "bad outcomes"
expect_stderr "$WORK/bad.jsonl:21: 'recipe' must be an array" "bad parts named at its line"
expect_stderr "$WORK/bad.jsonl:22: outcome 'y': no ink 'no-such-ink' in the catalogues" "unknown ink named"
[ -s "$WORK/bad.yaml" ] || fail "the good outcomes are still fitted"
run smp-heal fit -o "$WORK/missing/clinic.yaml" "$WORK/outcomes.jsonl"
expect_status 1 "-o into a missing folder"
[ ! -e "$WORK/missing" ] || fail "nothing written"
echo "healing: 2" > "$WORK/v2.yaml"
run smp-heal predict --healing "$WORK/v2.yaml" "$WORK/match.jsonl"
expect_status 1 "a model file of another version"
expect_stderr "$WORK/v2.yaml:1:10: healing model format 2 is not one this version reads (1)" "version named"
run smp-heal predict --skin 62,12,16
expect_status 2 "--skin without --recipe is a usage error"
finish
