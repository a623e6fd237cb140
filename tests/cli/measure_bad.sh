#!/usr/bin/env bash
# smp-measure on bad photos: each is named on stderr with what is wrong, the good photos of the
# same batch are still measured and written in order, and the exit status is 1.
source "$(dirname "$0")/lib.sh"
MAKE=${MAKE_TEST_IMAGE:?run through ctest}

"$MAKE" patches "$WORK/good.jpg" > /dev/null
"$MAKE" patches "$WORK/good.png" > /dev/null
: > "$WORK/empty.jpg"
head -c "$(($(wc -c < "$WORK/good.jpg") / 2))" "$WORK/good.jpg" > "$WORK/truncated.jpg"
head -c "$(($(wc -c < "$WORK/good.png") / 2))" "$WORK/good.png" > "$WORK/truncated.png"
echo "not an image at all" > "$WORK/notes.jpg"
"$MAKE" claim "$WORK/huge.png" 100000 100000
"$MAKE" bad-iccp "$WORK/bad-iccp.png"
cp "$WORK/good.png" "$WORK/really-png.jpg"
mkdir "$WORK/folder.jpg"

batch=("$WORK/good.jpg" "$WORK/empty.jpg" "$WORK/truncated.jpg" "$WORK/truncated.png"
       "$WORK/notes.jpg" "$WORK/huge.png" "$WORK/bad-iccp.png" "$WORK/really-png.jpg"
       "$WORK/folder.jpg" "$WORK/missing.jpg" "$WORK/good.png")
start=$(date +%s%N)
run smp-measure -j 2 "${batch[@]}"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_status 1 "batch with bad photos"
expect_lines 11 "the three good photos are still written, and the eight lost ones as error records"
[ "$(grep -c '^{"kind":"error",' "$WORK/out")" -eq 8 ] || fail "eight error records"
[ "$(measurement_ids)" = "good/image really-png/image good/image " ] ||
  fail "good records in input order: $(cut -c 1-40 "$WORK/out")"
expect_stderr "smp-measure: error: $WORK/empty.jpg: empty file (0 bytes): not an image" "empty"
expect_stderr "smp-measure: error: $WORK/truncated.jpg: corrupt or truncated JPEG data: Premature end of JPEG file" "truncated JPEG"
expect_stderr "smp-measure: error: $WORK/truncated.png: corrupt or truncated PNG data: unexpected end of file (truncated PNG)" "truncated PNG"
expect_stderr "smp-measure: error: $WORK/notes.jpg: not a JPEG, PNG, TIFF or HEIF file: text" "not an image"
expect_stderr "smp-measure: error: $WORK/huge.png: the header claims 100000 x 100000 pixels (10000.0 megapixels), over the limit of 100.0 megapixels: refused before decoding" "huge claim"
expect_stderr "smp-measure: error: $WORK/bad-iccp.png: the embedded ICC profile is broken: iCCP: " "garbage ICC"
expect_stderr "smp-measure: warning: $WORK/really-png.jpg: PNG data in a file named .jpg" "mislabelled"
expect_stderr "smp-measure: error: $WORK/folder.jpg: is a directory, not a file" "directory"
expect_stderr "smp-measure: error: $WORK/missing.jpg: cannot open: No such file or directory" "missing"
[ "$elapsed_ms" -lt 5000 ] || fail "the batch took ${elapsed_ms} ms: a huge claim was decoded?"

# --max-pixels is the caller's limit.
run smp-measure --max-pixels 10000 "$WORK/good.png"
expect_status 1 "--max-pixels"
expect_stderr "over the limit of 0.0 megapixels: refused before decoding" "--max-pixels"
run smp-measure --max-pixels 0 "$WORK/good.png"
expect_status 2 "--max-pixels 0"

# Regions that do not fit the photo: an error for that photo, not a crash.
run smp-measure --region far=400,0,100,10 "$WORK/good.png" "$WORK/good.jpg"
expect_status 1 "region outside"
expect_stderr "smp-measure: error: $WORK/good.png: region 'far': x,y,w,h = 400,0,100,10 pixels reaches outside the 456 x 64 image" "region outside"
expect_only_errors "region outside"
run smp-measure --region "m=mask:$WORK/missing-mask.png" "$WORK/good.png"
expect_status 1 "missing mask"
expect_stderr "smp-measure: error: $WORK/missing-mask.png: cannot open: No such file or directory" "missing mask"

# A JPEG with a broken embedded profile (its 'acsp' signature overwritten in APP2): named,
# with LittleCMS's reason.
"$MAKE" patches "$WORK/with-icc.jpg" --profile /usr/share/color/argyll/ref/sRGB.icm > /dev/null
offset=$(grep -obUaP "ICC_PROFILE\x00" "$WORK/with-icc.jpg" | head -n 1 | cut -d: -f1)
if [ -n "$offset" ]; then
  cp "$WORK/with-icc.jpg" "$WORK/bad-icc.jpg"
  printf 'garbage garbage garbage garbage garbage garbage' |
    dd of="$WORK/bad-icc.jpg" bs=1 seek=$((offset + 14 + 32)) conv=notrunc status=none
  run smp-measure "$WORK/bad-icc.jpg"
  expect_status 1 "garbage embedded profile in a JPEG"
  expect_stderr "smp-measure: error: $WORK/bad-icc.jpg (embedded ICC profile): " "garbage JPEG profile"
else
  fail "no ICC_PROFILE marker found in the test JPEG"
fi

finish
