#!/usr/bin/env bash
# smp-heal against truths that are not its model (issue 24): four synthetic clinics written in
# Python with their own optics, skin and colorimetry (tests/tools/clinic_truths.py), differing in
# how much ink stays, how deep it sits, how the skin scatters and how the ink clusters. Each is
# fitted on outcomes of its own clients and scored on new clients (held out), against the floor
# a clinic-wide model can reach (the measurement's noise and how clients differ). Then: what fit
# writes every reader reads, a client's own outcome moves their next session both ways, the
# tools agree on one healed colour, and black stubble keeps a black ink.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
truths="python3 $SRC/tests/tools/clinic_truths.py"
score="python3 $SRC/tests/tools/clinic_eval.py"
# mean of the first field of "mean p90 n"
first() { cut -d' ' -f1; }
le() { awk -v a="$1" -v b="$2" 'BEGIN {exit !(a <= b + 1e-9)}'; }

# 1. Held-out per clinic, 300 outcomes (100 clients, 3 sessions each), 40 new clients.
for clinic in light-cool dark dark-deep patchy-warm; do
  $truths "$clinic" --clients 100 --sessions 3 --seed 11 > "$WORK/$clinic.jsonl"
  $truths "$clinic" --clients 40 --kind heldout --seed 11 > "$WORK/$clinic-held.jsonl"
  run smp-heal fit -o "$WORK/$clinic.yaml" "$WORK/$clinic.jsonl"
  expect_status 0 "$clinic: fit"
  cp "$WORK/err" "$WORK/$clinic-fit.txt"
  run smp-heal predict --healing "$WORK/$clinic.yaml" "$WORK/$clinic-held.jsonl"
  expect_status 0 "$clinic: the fitted file is read by predict"
  cp "$WORK/out" "$WORK/$clinic-pred.jsonl"
  smp-heal predict "$WORK/$clinic-held.jsonl" > "$WORK/$clinic-defaults.jsonl"
  held=$($score "$WORK/$clinic-held.jsonl" "$WORK/$clinic-pred.jsonl" | first)
  floor=$($score "$WORK/$clinic-held.jsonl" - | first)
  defaults=$($score "$WORK/$clinic-held.jsonl" "$WORK/$clinic-defaults.jsonl" | first)
  residual=$(sed -n 's/.*fitted \([0-9.]*\), held out.*/\1/p' "$WORK/$clinic-fit.txt")
  echo "$clinic: held out $held (floor $floor, unfitted defaults $defaults), training residual $residual"
  # Within 0.6 ΔE00 of what any clinic-wide model can reach, and well under the defaults.
  le "$held" "$(awk -v f="$floor" 'BEGIN {print f + 0.6}')" ||
    fail "$clinic: held-out mean $held is over the floor $floor + 0.6"
  le "$held" "$(awk -v d="$defaults" 'BEGIN {print 0.6 * d}')" ||
    fail "$clinic: held-out mean $held is not well under the defaults' $defaults"
  le "$residual" "$(awk -v f="$floor" 'BEGIN {print f + 0.6}')" ||
    fail "$clinic: training residual $residual is over the floor $floor + 0.6"
  # No parameter pins at a bound unannounced: a bound reached is named in the summary.
  grep -q "1.000 ±" "$WORK/$clinic-fit.txt" && fail "$clinic: retention pinned at 1: $(cat "$WORK/$clinic-fit.txt")"
done
# The clinic that heals darker than the defaults fits a retention over 1, and says what it learned.
grep -q "correction learned on top" "$WORK/dark-fit.txt" ||
  fail "dark: the summary says what the correction did: $(cat "$WORK/dark-fit.txt")"
awk '/^  retention:/ {exit !($2 > 1)}' "$WORK/dark.yaml" || fail "dark: retention over 1 in the file"

# 2. The issue's case, 40 outcomes: the file loads everywhere and beats the defaults.
$truths dark --clients 40 --seed 5 > "$WORK/dark40.jsonl"
run smp-heal fit -o "$WORK/dark40.yaml" "$WORK/dark40.jsonl"
expect_status 0 "dark, 40 outcomes: fit"
fitted=$(sed -n 's/.*held out ([a-z-]*) \([0-9.]*\).*unfitted defaults \([0-9.]*\)/\1 \2/p' "$WORK/err")
le "$(echo "$fitted" | cut -d' ' -f1)" "$(echo "$fitted" | cut -d' ' -f2)" ||
  fail "dark, 40 outcomes: held out worse than the defaults ($fitted)"

# 3. What fit writes, every reader reads: random clinics (seeds, sizes, spreads), each file read
# by smp-heal predict, smp-match and smp-report.
cat > "$WORK/case.jsonl" <<'JSON'
{"kind":"measurement","id":"c9/hair","client":"c9","part":"hair","region":"hair","lab":[30.0,3.0,5.0],"coverage":0.2}
{"kind":"measurement","id":"c9/scalp","client":"c9","part":"scalp","region":"scalp","lab":[62.0,12.1,16.3]}
JSON
n=0
for spec in "light-cool 7 12 1" "dark 3 25 2" "dark-deep 9 60 1" "patchy-warm 4 20 3" "dark 8 8 1" "dark-deep 2 35 2"; do
  set -- $spec
  $truths "$1" --clients "$3" --sessions "$4" --seed "$2" > "$WORK/random.jsonl"
  model="$WORK/random$n.yaml"
  run smp-heal fit -o "$model" "$WORK/random.jsonl"
  expect_status 0 "random clinic $spec: fit"
  run smp-heal predict --healing "$model" "$WORK/$1-held.jsonl"
  expect_status 0 "random clinic $spec: smp-heal predict reads the file"
  run smp-match --healing "$model" --top 1 "$WORK/case.jsonl"
  expect_status 0 "random clinic $spec: smp-match reads the file"
  cp "$WORK/out" "$WORK/random$n-match.jsonl"
  run smp-report -o "$WORK/random$n.html" "$WORK/random$n-match.jsonl"
  expect_status 0 "random clinic $spec: smp-report shows what smp-match predicted with it"
  grep -qF "$model (" "$WORK/random$n.html" || fail "random clinic $spec: the page names the model"
  n=$((n + 1))
done

# 4. A client's own outcome moves their session 2 toward what their skin did, both ways: clinics
# whose clients differ much (ln spread 0.7), session 1 healed, session 2 another recipe.
for clinic in light-cool dark; do
  $truths "$clinic" --clients 100 --sessions 3 --seed 21 --client-spread 0.7 > "$WORK/s.jsonl"
  smp-heal fit -o "$WORK/s.yaml" "$WORK/s.jsonl" > /dev/null 2>&1
  $truths "$clinic" --clients 40 --kind session2 --seed 21 --client-spread 0.7 > "$WORK/s2.jsonl"
  grep '"session":1' "$WORK/s2.jsonl" > "$WORK/s2-1.jsonl"
  grep '"session":2' "$WORK/s2.jsonl" > "$WORK/s2-2.jsonl"
  smp-heal predict --healing "$WORK/s.yaml" "$WORK/s2-2.jsonl" > "$WORK/clinic.jsonl"
  smp-heal predict --healing "$WORK/s.yaml" --outcome "$WORK/s2-1.jsonl" "$WORK/s2-2.jsonl" > "$WORK/own.jsonl"
  before=$($score "$WORK/s2-2.jsonl" "$WORK/clinic.jsonl" --against true | first)
  after=$($score "$WORK/s2-2.jsonl" "$WORK/own.jsonl" --against true | first)
  echo "$clinic session 2: clinic model $before, refined by session 1 $after"
  le "$after" "$(awk -v b="$before" 'BEGIN {print b - 0.1}')" ||
    fail "$clinic: session 1 did not improve session 2 ($before -> $after)"
  # Both ways: clients whose truth is darker than the clinic's typical and lighter (by over 0.5
  # L*) are each moved their way, most of them.
  python3 - "$WORK/s2-2.jsonl" "$WORK/clinic.jsonl" "$WORK/own.jsonl" <<'PY' || fail "$clinic: the refinement does not follow each client's way"
import json, sys
cases = [json.loads(l) for l in open(sys.argv[1])]
clinic = {json.loads(l)["id"]: json.loads(l)["healed"][0] for l in open(sys.argv[2])}
own = {json.loads(l)["id"]: json.loads(l)["healed"][0] for l in open(sys.argv[3])}
ways = {"darker": [0, 0], "lighter": [0, 0]}
for c in cases:
    effect = c["true_healed"][0] - c["clinic_healed"][0]
    if abs(effect) < 0.5:
        continue
    way = ways["darker" if effect < 0 else "lighter"]
    way[1] += 1
    way[0] += (own[c["id"]] - clinic[c["id"]]) * effect > 0
print("  moved their way:", {k: "%d of %d" % tuple(v) for k, v in ways.items()})
sys.exit(0 if all(v[1] == 0 or v[0] >= 0.7 * v[1] for v in ways.values()) and
         sum(v[1] for v in ways.values()) >= 5 else 1)
PY
done

# 5. One rule: smp-match, smp-heal predict (and the report, which reads smp-match's records)
# give the same healed colour for the same case, the client's own outcome applied once.
echo '{"kind":"outcome","id":"c9/session1","client":"c9","skin":[62.0,12.1,16.3],"recipe":[{"id":"ill-jet-black","kind":"pigment","parts":1},{"id":"distilled-water","kind":"diluent","parts":4}],"healed":[47.0,1.0,4.0]}' > "$WORK/own9.jsonl"
echo '{"kind":"outcome","id":"c7/session1","client":"c7","skin":[62.0,12.1,16.3],"recipe":[{"id":"ill-jet-black","kind":"pigment","parts":1}],"healed":[20.0,1.0,4.0]}' >> "$WORK/own9.jsonl"
smp-match --healing "$WORK/dark.yaml" --outcome "$WORK/own9.jsonl" --top 1 "$WORK/case.jsonl" | grep '"kind":"match"' > "$WORK/m.jsonl"
grep -q 'refined by 1 own outcome of c9' "$WORK/m.jsonl" || fail "smp-match: only c9's own outcome: $(cat "$WORK/m.jsonl")"
run smp-heal predict --healing "$WORK/dark.yaml" --outcome "$WORK/own9.jsonl" "$WORK/m.jsonl"
expect_status 0 "predict the match record"
m=$(sed 's/.*"predicted":\[\([^]]*\)\].*/\1/' "$WORK/m.jsonl")
h=$(sed 's/.*"healed":\[\([^]]*\)\].*/\1/' "$WORK/out")
[ "$m" = "$h" ] || fail "one rule: smp-match predicted [$m], smp-heal predict [$h]"

# 6. Black stubble keeps a black ink when the healed outcome moves by up to 1 ΔE00 either way
# (brown-black sample: hair 16 1 1 on skin 45 14 22, a fifth of the area); with the defaults and
# with a fitted clinic. The figure that ranked is in the record beside the dot's.
cat > "$WORK/bb.jsonl" <<'JSON'
{"kind":"measurement","id":"bb/hair","client":"bb","part":"hair","source":"bb.jpg","region":"hair","lab":[16,1,1],"coverage":0.2}
{"kind":"measurement","id":"bb/scalp","client":"bb","part":"scalp","source":"bb.jpg","region":"scalp","lab":[45,14,22]}
JSON
blacks=$(sed -n 's/^  - id: \(ill-[a-z-]*\)$/\1/p' "$SRC/pigments/illustrative-blacks.yaml" | tr '\n' ' ')
for model in "" "$WORK/patchy-warm.yaml"; do
  healing=${model:+--healing $model}
  base=$(smp-heal predict $healing --skin 45,14,22 --recipe ill-jet-black:1 | sed 's/.*"healed":\[\([^]]*\)\].*/\1/')
  for shift in "0.9 0 0" "-0.9 0 0" "0 1 0" "0 -1 0" "0 0 1" "0 0 -1"; do
    healed=$(echo "$base $shift" | tr ',' ' ' | awk '{printf "%.3f,%.3f,%.3f", $1 + $4, $2 + $5, $3 + $6}')
    echo "{\"kind\":\"outcome\",\"id\":\"bb/session1\",\"client\":\"bb\",\"skin\":[45,14,22],\"recipe\":[{\"id\":\"ill-jet-black\",\"kind\":\"pigment\",\"parts\":1}],\"healed\":[$healed]}" > "$WORK/bb-own.jsonl"
    run smp-match $healing --outcome "$WORK/bb-own.jsonl" --top 1 "$WORK/bb.jsonl"
    ink=$(grep '"kind":"match"' "$WORK/out" | sed -n 's/.*"recipe":\[{"id":"\([^"]*\)".*/\1/p')
    case " $blacks " in *" $ink "*) ;; *) fail "black stubble, healed moved by ($shift), ${model:-defaults}: rank 1 is $ink, not a black" ;; esac
    expect_stdout '"rank_de00":' "the figure that ranked is in the record"
  done
done
finish
