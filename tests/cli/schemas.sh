#!/usr/bin/env bash
# Every record every tool writes validates against its kind's JSON Schema (data/schema/, draft
# 2020-12, checked by Debian's python3-jsonschema): the contract scripts rely on cannot drift. The
# tools run for real, on a sample photo and the bundled catalogue, through every path that writes
# another shape of record (split and regions, a chart, dot and density plans, a session 2 plan
# with the earlier session, spectra, a lost photo).
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
validate="/usr/bin/python3 $SRC/tests/tools/validate_records.py $SRC/data/schema"
cd "$WORK" || exit 1
cp "$SRC/data/samples/light-grey.jpg" "$SRC/data/samples/brown-black.jpg" .
echo "not a photo" > lost.jpg

smp-measure --chart --split light-grey.jpg brown-black.jpg lost.jpg > measure.jsonl 2> /dev/null
smp-measure --region crown=10%,10%,30%,30% --white D65 --session 2 light-grey.jpg > regions.jsonl 2> /dev/null
smp-match --top 3 measure.jsonl > match.jsonl 2> /dev/null
smp-match --card --format jsonl <<< "typed 40 2 3" > card.jsonl 2> /dev/null
grep '"kind":"plan"' match.jsonl | head -n 1 > plan.jsonl
echo '{"kind":"measurement","id":"light-grey/healed/hair","client":"light-grey","part":"hair","lab":[50,1,4]}' > healed.jsonl
smp-heal outcome --plan plan.jsonl --healed healed.jsonl --weeks 6 > outcome.jsonl
smp-match --top 2 --outcome outcome.jsonl measure.jsonl > session2.jsonl 2> /dev/null
grep -q '"previous_id":' session2.jsonl || fail "a session 2 plan carries the session it corrects"
smp-heal predict outcome.jsonl > prediction.jsonl
python3 "$SRC/tests/tools/clinic_truths.py" light-cool --clients 12 > clinic.jsonl
smp-heal fit -o clinic.yaml clinic.jsonl > fit.jsonl 2> /dev/null
smp-calibrate light-grey.jpg > calibration.jsonl 2> /dev/null
smp-catalog export --spectra > ladder.jsonl
smp-catalog list --format jsonl > pigments.jsonl
smp-catalog lint --format jsonl "$SRC/tests/data/catalog/few-steps.yaml" > lint.jsonl 2> /dev/null
smp-diff ladder.jsonl ladder.jsonl > difference.jsonl 2> /dev/null
smp-render -o picture.png --layout swatches.jsonl match.jsonl 2> /dev/null

run $validate measure.jsonl regions.jsonl match.jsonl card.jsonl outcome.jsonl session2.jsonl \
  prediction.jsonl fit.jsonl calibration.jsonl ladder.jsonl pigments.jsonl lint.jsonl \
  difference.jsonl swatches.jsonl
expect_status 0 "every record validates"
for kind in measurement match plan outcome prediction fit calibration ladder-step pigment \
  diagnostic difference swatch error; do
  grep -q "^$kind: [1-9]" "$WORK/out" || fail "no $kind record was checked: $(cat "$WORK/out")"
done
grep -q '"mi_max":' difference.jsonl || fail "differences of spectra carry the metamerism index"

# The check can fail: a record that breaks its kind's contract is named at its line.
sed '1s/"lab":\[/"lab":["dark",/' measure.jsonl > broken.jsonl
run $validate broken.jsonl
expect_status 1 "a broken record"
expect_stderr "broken.jsonl:1: measurement record does not validate" "named at its line"
echo '{"kind":"match","id":"x","rank":1,"unknown_field":1}' > drift.jsonl
run $validate drift.jsonl
expect_status 1 "a field the schema does not know"
finish
