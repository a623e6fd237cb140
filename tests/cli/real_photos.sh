#!/usr/bin/env bash
# smp-calibrate on real photos made by others (tests/data/real/README.md: sources, licences):
# the chart is found, read in the right orientation (the dark-skin patch's corner where it is in
# the photo; on the Passport, the Classic page, not the creative page below it), and the model
# predicts held-out patches within a bound per photo (today's leave-one-out ΔE00 plus 0.4).
source "$(dirname "$0")/lib.sh"
REAL=$SRC/tests/data/real

# photo, dark-skin corner x y (displayed pixels), tolerance in pixels, held-out ΔE00 bound
while read -r photo x y tolerance bound; do
  run smp-calibrate --format jsonl "$REAL/$photo"
  expect_status 0 "$photo: calibrated"
  grep -q '"chart_found":true' "$WORK/out" || fail "$photo: the chart is found by the detector"
  corners=$(sed -n 's/.*"corners":\[\([^]]*\)\].*/\1/p' "$WORK/out" | head -n 1)
  held_out=$(grep -o '"held_out_de00":[0-9.]*' "$WORK/out" | head -n 1 | cut -d: -f2)
  awk -v c="$corners" -v x="$x" -v y="$y" -v t="$tolerance" \
    'BEGIN {split(c, v, ","); dx = v[1] - x; dy = v[2] - y; exit !(dx * dx + dy * dy <= t * t)}' ||
    fail "$photo: dark skin's corner at $corners, expected near $x,$y"
  awk -v h="$held_out" -v b="$bound" 'BEGIN {exit !(h != "" && h <= b)}' ||
    fail "$photo: held-out dE00 $held_out over $bound"
  echo "$photo: corners $corners, held-out dE00 $held_out (bound $bound)"
done <<'PHOTOS'
jtvd_color_checker_1.jpg 416 1442 40 3.5
jtvd_color_checker_2.jpg 301 1499 40 3.7
jtvd_color_checker_3.jpg 578 1539 40 3.8
jtvd_color_checker_4.jpg 614 1625 40 3.9
jtvd_color_checker_5.jpg 440 1512 40 3.7
qiujueqin_passport.jpg 753 351 20 4.4
jarrelscy_IMG_20140613_203438.jpg 1642 895 60 6.2
PHOTOS
finish
