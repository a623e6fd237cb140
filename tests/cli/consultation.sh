#!/usr/bin/env bash
# One consultation, one identity (issue 25): photos of one file name in two client folders stay
# two clients through measure, match and report; a repeated id is said; the README's loop runs
# end to end (plan, session 1 as tattooed, healed photo, outcome, session 2 corrected, the page),
# the report needing no catalogue; what a prediction is, and that the inks are illustrative, is
# said in the table, the picture and the page.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
cd "$WORK" || exit 1
mkdir -p a b
cp "$SRC/data/samples/light-black.jpg" a/client.jpg
cp "$SRC/data/samples/dark-black.jpg" b/client.jpg

# 1. Two clients of one file name.
smp-measure --split --no-chart-search a/client.jpg b/client.jpg > measure.jsonl 2> /dev/null
[ "$(sed -n 's/.*"client":"\([^"]*\)".*/\1/p' measure.jsonl | sort -u | tr '\n' ' ')" = "a/client b/client " ] ||
  fail "two clients, named by their folders: $(cut -c 1-120 measure.jsonl)"
run smp-match --top 1 measure.jsonl
expect_status 0 "match both"
grep -q "repeated id" "$WORK/err" && fail "no repeated id: $(cat "$WORK/err")"
[ "$(grep -c '^{"kind":"match","id":"a/client/hair","client":"a/client"' "$WORK/out")" -eq 1 ] &&
  [ "$(grep -c '^{"kind":"match","id":"b/client/hair","client":"b/client"' "$WORK/out")" -eq 1 ] ||
  fail "each client's recipe: $(cut -c 1-100 "$WORK/out")"
cp "$WORK/out" match.jsonl
run env -u SMPSHADE_CATALOG smp-report -o two.html measure.jsonl match.jsonl
expect_status 0 "report of two clients"
grep -qF '2 clients.' two.html || fail "the page has two clients"
[ "$(grep -o '<figcaption' two.html | wc -l)" -eq 2 ] || fail "each client's own photo"
grep -qF 'a/client.jpg' two.html && grep -qF 'b/client.jpg' two.html || fail "both photos named"
# The same records twice in one stream: the repeat is said, at its line.
run smp-match --top 1 measure.jsonl measure.jsonl
expect_stderr "warning: measure.jsonl:1: repeated id 'a/client/hair' (first at measure.jsonl:1)" "a repeated id is said"

# 2. The loop, as the README runs it. Session 1: the plan record is what is tattooed.
smp-measure --chart --split --client c17 --session 1 "$SRC/data/samples/brown-black.jpg" > c17.jsonl 2> /dev/null
smp-match --top 3 c17.jsonl > c17-plan.jsonl 2> /dev/null
plan=$(grep '"kind":"plan"' c17-plan.jsonl)
[ -n "$plan" ] || fail "smp-match writes the session plan"
grep -q '"session":1,' <<< "$plan" || fail "the plan is session 1"
plan_recipe=$(sed 's/.*"recipe":\(\[[^]]*\]\).*/\1/' <<< "$plan")
# The healed photo of session 1, measured (painted here as its hair, healed lighter).
echo '{"kind":"measurement","id":"c17/healed/hair","client":"c17","part":"hair","session":1,"lab":[38.0,4.0,6.0]}' > c17-healed.jsonl
run smp-heal outcome --plan c17-plan.jsonl --healed c17-healed.jsonl --weeks 6
expect_status 0 "outcome of session 1"
expect_stdout "\"recipe\":$plan_recipe" "the outcome stores the recipe of the plan, as tattooed"
cp "$WORK/out" c17-outcome.jsonl
# Session 2: the match with the client's own outcome, and its plan saying what session 1 did.
smp-match --top 3 --outcome c17-outcome.jsonl c17.jsonl > c17-session2.jsonl 2> /dev/null
grep -q '^{"kind":"plan","id":"c17/hair","client":"c17","part":"hair","session":2,' c17-session2.jsonl ||
  fail "session 2's plan: $(grep plan c17-session2.jsonl | head -c 300)"
grep -qF '"previous_id":"c17/hair","previous_recipe":'"$plan_recipe" c17-session2.jsonl ||
  fail "session 2's plan names session 1's recipe"
grep -q '"model":"defaults (not fitted), refined by 1 own outcome of c17"' c17-session2.jsonl ||
  fail "session 2 is refined by the client's own outcome"
run env -u SMPSHADE_CATALOG smp-report -o c17.html --photo-root "$SRC/data/samples" c17.jsonl \
  c17-session2.jsonl c17-outcome.jsonl
expect_status 0 "the page of session 2"
grep -qF 'Session 1 healed.' c17.html && grep -qF 'Session 2, corrected:' c17.html ||
  fail "the page shows session 1 against its plan, and session 2 corrected"
grep -qF 'Healed outcomes on record' c17.html || fail "the page lists the outcome"

# 3. Saying what a prediction is, and that the inks are illustrative.
run smp-match --card --format table <<< "typed 40 2 3"
expect_stdout "card dot" "a typed-in colour is predicted on card, dot for dot"
expect_stderr "illustrative values, not measurements: do not mix from these recipes" "the table's warning"
expect_stdout "yes: do not mix from these" "the table's column"
grep -q '"illustrative":true' c17-plan.jsonl || fail "match records carry illustrative"
grep -qF 'Illustrative inks: do not mix from these.' c17.html || fail "the page says it plainly"
smp-render -o c17.png --layout c17-layout.jsonl c17-plan.jsonl 2> /dev/null || fail "smp-render"
[ -s c17.png ] || fail "the picture"
finish
