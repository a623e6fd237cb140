#!/usr/bin/env bash
# smp-calibrate on real photos made by others (tests/data/real/README.md: sources, licences):
# the chart is found, read in the right orientation (the dark-skin patch's corner where it is in
# the photo; on the Passport, the Classic page, not the creative page below it), and the model
# predicts held-out patches within a bound per photo (the leave-one-out ΔE00 of the profile as
# written, measured 2026-12-02 with tone curves and gradient as candidates, plus 0.2; before
# them, 3.05, 3.25, 3.41, 3.53, 3.24, 3.93, 5.71), and "uneven light" is said where the
# fitted light differs by more than 35 % across the chart (jtvd_color_checker_4: 50 %) and
# nowhere else.
source "$(dirname "$0")/lib.sh"
REAL=$SRC/tests/data/real

# photo, dark-skin corner x y (displayed pixels), tolerance in pixels, held-out ΔE00 bound,
# whether "uneven light" is warned
while read -r photo x y tolerance bound uneven; do
  run smp-calibrate --format jsonl "$REAL/$photo"
  expect_status 0 "$photo: calibrated"
  grep -q '"chart_found":true' "$WORK/out" || fail "$photo: the chart is found by the detector"
  grep -q "\"detection\":\"found by OpenCV's mcc detector (candidate 1 of [12]); dark skin at the first corner; colours [0-9.]* ΔE00" "$WORK/out" ||
    fail "$photo: the record says how the chart was found: $(grep -o "\"detection\":\"[^\"]*" "$WORK/out")"
  corners=$(sed -n 's/.*"corners":\[\([^]]*\)\].*/\1/p' "$WORK/out" | head -n 1)
  held_out=$(grep -o '"held_out_de00":[0-9.]*' "$WORK/out" | head -n 1 | cut -d: -f2)
  awk -v c="$corners" -v x="$x" -v y="$y" -v t="$tolerance" \
    'BEGIN {split(c, v, ","); dx = v[1] - x; dy = v[2] - y; exit !(dx * dx + dy * dy <= t * t)}' ||
    fail "$photo: dark skin's corner at $corners, expected near $x,$y"
  awk -v h="$held_out" -v b="$bound" 'BEGIN {exit !(h != "" && h <= b)}' ||
    fail "$photo: held-out dE00 $held_out over $bound"
  if grep -q '"warnings":\[[^]]*uneven light' "$WORK/out"; then warned=yes; else warned=no; fi
  [ "$warned" = "$uneven" ] || fail "$photo: 'uneven light' warned: $warned, expected $uneven"
  echo "$photo: corners $corners, held-out dE00 $held_out (bound $bound), uneven light: $warned"
done <<'PHOTOS'
jtvd_color_checker_1.jpg 416 1442 40 3.2 no
jtvd_color_checker_2.jpg 301 1499 40 3.45 no
jtvd_color_checker_3.jpg 578 1539 40 3.2 no
jtvd_color_checker_4.jpg 614 1625 40 3.25 yes
jtvd_color_checker_5.jpg 440 1512 40 3.2 no
qiujueqin_passport.jpg 753 351 20 3.3 no
jarrelscy_IMG_20140613_203438.jpg 1642 895 60 3.25 no
PHOTOS
finish
