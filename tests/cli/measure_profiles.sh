#!/usr/bin/env bash
# smp-measure against LittleCMS's transicc on the same pixel values, for photos with embedded
# sRGB, Display P3, Adobe RGB (8-bit JPEG), Display P3 (HEIC), ProPhoto (16-bit TIFF) and Rec. 2020 (16-bit PNG)
# profiles, with --profile, and with no profile at all. smp-diff (itself checked against
# Sharma's CIEDE2000 table) does the comparing: --max 0.1 exits 1 on any patch over 0.1 ΔE00.
source "$(dirname "$0")/lib.sh"
MAKE=${MAKE_TEST_IMAGE:?run through ctest}
REF=/usr/share/color/argyll/ref
[ -r "$REF/sRGB.icm" ] || { echo "FAIL: $REF missing: install the 'argyll' package" >&2; exit 1; }

# check NAME FILE PROFILE BITS EXPECTED_PROFILE_FIELD [smp-measure options...]
# FILE.layout (from make_test_image) holds "pN X Y W H R G B" per patch.
check() {
  local name=$1 file=$2 profile=$3 bits=$4 field=$5
  shift 5
  local regions=() stem
  stem=$(basename "${file%.*}")
  while read -r id x y w h r g b; do regions+=(--region "$id=$x,$y,$w,$h"); done < "$file.layout"
  run smp-measure --format jsonl "$@" "${regions[@]}" "$file"
  expect_status 0 "$name: measure"
  expect_lines 8 "$name: one record per patch"
  expect_stdout "\"profile\":\"$field\"" "$name: profile field"
  cp "$WORK/out" "$WORK/$name.jsonl"
  # transicc reads RGB as 0..255 numbers: 16-bit codes are scaled, not rounded.
  awk -v bits="$bits" '{s = bits == 16 ? 255 / 65535 : 1; printf "%.9f %.9f %.9f\n", $6 * s, $7 * s, $8 * s}' \
    "$file.layout" | transicc -t1 -i "$profile" -o '*Lab' -n > "$WORK/$name.lab" 2> /dev/null
  paste -d ' ' <(awk -v stem="$stem" '{print stem "/" $1}' "$file.layout") "$WORK/$name.lab" \
    > "$WORK/$name.expected"
  [ "$(wc -l < "$WORK/$name.expected")" -eq 8 ] || fail "$name: transicc gave $(wc -l < "$WORK/$name.lab") lines"
  smp-diff --max "${MAXDE:-0.1}" "$WORK/$name.expected" "$WORK/$name.jsonl" > "$WORK/$name.diff" 2> "$WORK/$name.err" ||
    fail "$name: over ${MAXDE:-0.1} dE00 from transicc: $(cat "$WORK/$name.err")"
  grep -q "8 pairs, de00 mean" "$WORK/$name.err" || fail "$name: not 8 pairs compared: $(cat "$WORK/$name.err")"
  echo "$name: $(cat "$WORK/$name.err")"
}

"$MAKE" patches "$WORK/srgb.jpg" --profile "$REF/sRGB.icm" > "$WORK/srgb.jpg.layout"
check srgb "$WORK/srgb.jpg" "$REF/sRGB.icm" 8 \
  "embedded: sRGB IEC61966-2.1 (Equivalent to www.srgb.com 1998 HP profile)"
"$MAKE" patches "$WORK/p3.jpg" --profile "$REF/DisplayP3.icm" > "$WORK/p3.jpg.layout"
check p3 "$WORK/p3.jpg" "$REF/DisplayP3.icm" 8 "embedded: DisplayP3 color profile"
"$MAKE" patches "$WORK/adobe.jpg" --profile "$REF/ClayRGB1998.icm" > "$WORK/adobe.jpg.layout"
check adobe "$WORK/adobe.jpg" "$REF/ClayRGB1998.icm" 8 "embedded: Interchangeable with Adobe RGB (1998)"
"$MAKE" patches "$WORK/prophoto.tif" --bits 16 --profile "$REF/ProPhoto.icm" > "$WORK/prophoto.tif.layout"
check prophoto "$WORK/prophoto.tif" "$REF/ProPhoto.icm" 16 "embedded: ProPhoto RGB"
"$MAKE" patches "$WORK/rec2020.png" --bits 16 --profile "$REF/Rec2020.icm" > "$WORK/rec2020.png.layout"
check rec2020 "$WORK/rec2020.png" "$REF/Rec2020.icm" 16 "embedded: BT.2020 color profile"

# HEIF (an iPhone's HEIC): HEVC at quality 95 is lossy, so within 1 ΔE00 of the values painted.
"$MAKE" patches "$WORK/p3.heic" --profile "$REF/DisplayP3.icm" > "$WORK/p3.heic.layout"
MAXDE=1.0 check p3-heic "$WORK/p3.heic" "$REF/DisplayP3.icm" 8 "embedded: DisplayP3 color profile"

# --profile wins over the embedded profile: the P3 photo read as Adobe RGB.
cp "$WORK/p3.jpg.layout" "$WORK/p3-as-adobe.jpg.layout"
cp "$WORK/p3.jpg" "$WORK/p3-as-adobe.jpg"
check p3-as-adobe "$WORK/p3-as-adobe.jpg" "$REF/ClayRGB1998.icm" 8 "file: $REF/ClayRGB1998.icm" \
  --profile "$REF/ClayRGB1998.icm"

# No profile: sRGB (LittleCMS's own, as transicc's *sRGB), with a warning in record and stderr.
"$MAKE" patches "$WORK/plain.png" > "$WORK/plain.png.layout"
check plain "$WORK/plain.png" '*sRGB' 8 "assumed sRGB"
grep -q '"warnings":\["no ICC profile: assumed sRGB"\]' "$WORK/plain.jsonl" || fail "no-profile warning in the record"
run smp-measure "$WORK/plain.png"
expect_stderr "smp-measure: warning: $WORK/plain.png: no ICC profile: assumed sRGB" "no-profile warning on stderr"

# The same codes as Display P3 and as sRGB are different colours: more than 2 dE00 apart on
# skin (the reason embedded profiles must be read).
"$MAKE" patches "$WORK/p3-codes.png" --profile "$REF/DisplayP3.icm" > /dev/null
smp-measure --region skin=72,16,32,32 "$WORK/p3-codes.png" > "$WORK/as-p3.jsonl" 2> /dev/null
smp-measure --region skin=72,16,32,32 --profile "$REF/sRGB.icm" "$WORK/p3-codes.png" > "$WORK/as-srgb.jsonl" 2> /dev/null
smp-diff --max 2 "$WORK/as-p3.jsonl" "$WORK/as-srgb.jsonl" > /dev/null 2>&1 &&
  fail "Display P3 and sRGB readings of the same skin codes are within 2 dE00"

# A profile that is not an RGB profile, or not a profile: usage-time errors, exit 1.
run smp-measure --profile "$REF/ColorChecker.cht" "$WORK/plain.png"
expect_status 1 "--profile that is not a profile"
expect_stderr "smp-measure: error: $REF/ColorChecker.cht: " "--profile that is not a profile"
expect_stdout_empty "--profile that is not a profile"

finish
