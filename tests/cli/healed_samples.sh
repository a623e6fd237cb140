#!/usr/bin/env bash
# The six sample consultation photos, calibrated from their own charts, measured and matched
# healed in each client's own scalp: every client's rank-1 plan is one a technician would accept
# (data/samples/README.md has the painted colours): black stubble gets a black ink at a stated
# density, never a brown picked for its hue; brown stubble a brown; grey a light mix.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
(cd "$SRC/data/samples" && smp-measure --chart --split ./*.jpg) > "$WORK/measure.jsonl" 2> "$WORK/measure.err" ||
  fail "smp-measure: $(cat "$WORK/measure.err")"
run smp-match --top 1 "$WORK/measure.jsonl"
expect_status 0 "match"
expect_lines 12 "one recipe and one session plan per client"
[ "$(grep -c '^{"kind":"plan",' "$WORK/out")" -eq 6 ] || fail "a session plan per client"
plan() { grep "^{\"kind\":\"match\",\"id\":\"$1/hair\"" "$WORK/out"; }
for client in light-black brown-black dark-black; do
  line=$(plan "$client")
  grep -qE '"recipe":\[\{"id":"ill-(jet-black|soft-black)","name":"[^"]*","kind":"pigment","parts":[0-9]+,"ml":[0-9.]+,"drops":[0-9]+\}(,\{"id":"distilled-water"[^]]*)?\]' <<< "$line" ||
    fail "$client: black stubble gets a black ink alone: $line"
  grep -q '"matches":"overall"' <<< "$line" || fail "$client: planned by density: $line"
  density=$(sed 's/.*"density":\([0-9.]*\).*/\1/' <<< "$line")
  awk -v d="$density" 'BEGIN {exit !(d > 0.1 && d <= 0.5)}' || fail "$client: density $density"
done
grep -q '"id":"ill-espresso"' <<< "$(plan tan-darkbrown)" ||
  fail "dark brown stubble: Espresso: $(plan tan-darkbrown)"
grep -qE '"id":"ill-(chestnut|espresso|ash-brown)"' <<< "$(plan intermediate-brown)" ||
  fail "brown stubble: a brown: $(plan intermediate-brown)"
# Grey stubble is matched dot for dot with a diluted ink, healed within 3.5 ΔE00 (see cli.demo).
line=$(plan light-grey)
de=$(sed 's/.*"de00":\([0-9.]*\).*/\1/' <<< "$line")
grep -q '"matches":"dot"' <<< "$line" && grep -q '"kind":"diluent"' <<< "$line" &&
  awk -v d="$de" 'BEGIN {exit !(d < 3.5)}' || fail "grey stubble is matched dot for dot: $line"
finish
