#!/usr/bin/env bash
# Hostile inputs of issue 19, each case built from its description: a record nested 100,000
# deep in every record reader, outputs that must not change when a tool refuses to write, a
# degenerate chart reference, smp-render's bounds, images that claim far more than they hold,
# a broken TIFF ICC tag, and a number of 300 digits in --corners.
source "$(dirname "$0")/lib.sh"
MAKE=${MAKE_TEST_IMAGE:?run through ctest}
CAM=${MAKE_CAMERA_PHOTO:?run through ctest}
CLINIC=${MAKE_CLINIC:?run through ctest}
export SMPSHADE_CATALOG=$SRC/pigments
# elapsed_at_most SECONDS WHAT CMD...: runs CMD through run(), failing if it takes longer.
elapsed_at_most() {
  local limit=$1 what=$2 start end
  shift 2
  start=$(date +%s.%N)
  run "$@"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v l="$limit" 'BEGIN {exit !(e - s <= l)}' ||
    fail "$what: took $(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.1f", e - s}') s, over $limit s"
}
# peak_kib_at_most KIB WHAT CMD...: runs CMD, failing if its peak resident memory is larger.
# (Under AddressSanitizer the shadow memory alone is larger: checked only without it.)
peak_kib_at_most() {
  local limit=$1 what=$2 peak
  shift 2
  /usr/bin/time -f '%M' -o "$WORK/peak" "$@" > "$WORK/out" 2> "$WORK/err"
  status=$?
  peak=$(tail -n 1 "$WORK/peak")
  if [ -z "${SMPSHADE_SANITIZED:-}" ] && [ "$peak" -gt "$limit" ]; then
    fail "$what: peak memory $peak KiB, over $limit KiB"
  fi
}
no_inf_nan() {
  ! grep -qiwE 'inf|nan|-nan|infinity' "$WORK/err" || fail "$1: stderr prints inf or NaN: $(head -c 400 "$WORK/err")"
}

# --- 1. A record nested 100,000 deep, not the last key, in every record reader: that line is
# reported and skipped (exit 1), the other lines are read. ------------------------------------
python3 - "$WORK" << 'EOF'
import sys
work = sys.argv[1]
deep = '{"a":0,"b":' + '[' * 100000 + ']' * 100000 + ',"c":0}'
at64 = '{"id":"at64","lab":[30,2,4],"x":' + '[' * 63 + ']' * 63 + '}'
at65 = '{"id":"at65","lab":[30,2,4],"x":' + '[' * 64 + ']' * 64 + '}'
with open(work + '/deep.jsonl', 'w') as f:
    f.write('{"id":"hair","lab":[30,2,4]}\n' + deep + '\n' + at64 + '\n' + at65 + '\n')
# A match record and an outcome record with the deep value inside them.
match = ('{"id":"m","target":[30,2,4],"predicted":[31,2,4],"de00":1,"recipe":'
         '[{"id":"exp-jet","kind":"pigment","parts":1}],"x":' + '{"k":' * 100000 + '0' +
         '}' * 100000 + ',"y":0}')
with open(work + '/deep-match.jsonl', 'w') as f:
    f.write(match + '\n')
EOF
run smp-diff "$WORK/deep.jsonl" "$WORK/deep.jsonl"
expect_status 1 "smp-diff, deep record"
expect_stderr "$WORK/deep.jsonl:2:75: nested deeper than 64 levels" "smp-diff, deep record"
run smp-match --card --top 1 "$WORK/deep.jsonl"
expect_status 1 "smp-match, deep record"
expect_stderr "deep.jsonl:2:75: nested deeper than 64 levels" "smp-match, deep record"
expect_stderr "deep.jsonl:4:" "smp-match: 65 levels refused"
expect_ids "hair at64" "smp-match reads the other lines (64 levels is the limit)"
run smp-render -o "$WORK/deep.png" "$WORK/deep.jsonl" "$WORK/deep-match.jsonl"
expect_status 1 "smp-render, deep records"
expect_stderr "deep.jsonl:2:75: nested deeper than 64 levels" "smp-render, deep Lab record"
expect_stderr "deep-match.jsonl:1:" "smp-render, deep match record"
[ -s "$WORK/deep.png" ] || fail "smp-render draws the other records"
"$CLINIC" "$SRC/pigments" 2 2 > "$WORK/outcomes.jsonl"
sed -n 1p "$WORK/deep-match.jsonl" | sed 's/^{"id":"m"/{"id":"o","skin":[60,10,15],"healed":[40,1,2],"weeks":8/' \
  >> "$WORK/outcomes.jsonl"
run smp-heal fit -o "$WORK/model.yaml" "$WORK/outcomes.jsonl"
expect_stderr "outcomes.jsonl:5:" "smp-heal fit, deep outcome record"
expect_stderr "nested deeper than 64 levels" "smp-heal fit, deep outcome record"

# --- 2. Nothing a tool refuses to write changes a file. ----------------------------------------
printf 'hair 30 2 4\nskin 62 12 16\n' > "$WORK/labs.txt"
echo "precious" > "$WORK/precious.jsonl"
ln -s "$WORK/precious.jsonl" "$WORK/link.jsonl"
run smp-render -o /nonexistent/x.png --layout "$WORK/link.jsonl" "$WORK/labs.txt"
expect_error "/nonexistent/x.png: the output folder does not exist" "-o /nonexistent, --layout LINK"
[ "$(cat "$WORK/precious.jsonl")" = precious ] || fail "-o /nonexistent: the --layout link's target changed"
[ -L "$WORK/link.jsonl" ] || fail "-o /nonexistent: the --layout link was replaced"
expect_no_output "$WORK/x.png" "-o /nonexistent"
[ -z "$(find "$WORK" -maxdepth 1 -name '.precious.jsonl.*')" ] || fail "temporary file left beside the link's target"
# The same through a written file: the link stays, its target is replaced whole.
run smp-render -o "$WORK/ok.png" --layout "$WORK/link.jsonl" "$WORK/labs.txt"
expect_status 0 "--layout LINK"
[ -L "$WORK/link.jsonl" ] && [ "$(wc -l < "$WORK/precious.jsonl")" -eq 2 ] || fail "--layout LINK: written through the link"
# A refused picture (too many targets) changes neither output.
seq 1 50 | awk '{print "t" $1, 30, 2, 4}' > "$WORK/fifty.txt"
echo "precious" > "$WORK/precious.jsonl"
cp "$WORK/ok.png" "$WORK/ok-before.png"
run smp-render -o "$WORK/ok.png" --layout "$WORK/link.jsonl" "$WORK/fifty.txt"
expect_status 1 "a refused picture"
[ "$(cat "$WORK/precious.jsonl")" = precious ] || fail "a refused picture changed the --layout link's target"
cmp -s "$WORK/ok.png" "$WORK/ok-before.png" || fail "a refused picture changed -o"
# -o a pipe with no reader: refused at once, not blocked forever; with a reader, written.
mkfifo "$WORK/fifo"
elapsed_at_most 20 "-o FIFO without a reader" timeout 30 smp-render -o "$WORK/fifo" "$WORK/labs.txt"
expect_error "$WORK/fifo: a pipe with no reader" "-o FIFO without a reader"
cat "$WORK/fifo" > "$WORK/from-fifo.png" &
reader=$!
sleep 1  # the reader is waiting in open(): it counts as one
run timeout 60 smp-render -o "$WORK/fifo" "$WORK/labs.txt"
wait "$reader"
expect_status 0 "-o FIFO with a reader"
[ "$(head -c 4 "$WORK/from-fifo.png" | tail -c 3)" = PNG ] || fail "-o FIFO with a reader: a PNG through the pipe"
# -o /dev/full fails before any record is read or drawn (stdin would block).
elapsed_at_most 10 "-o /dev/full" timeout 30 smp-render -o /dev/full < /dev/zero
expect_error "/dev/full: cannot write: No space left on device" "-o /dev/full"

# --- 3. A degenerate chart reference is refused, and no message prints inf or NaN. -------------
"$CAM" "$WORK/consult.jpg" > "$WORK/consult.truth" || fail "make_camera_photo"
header='CGATS.17
NUMBER_OF_FIELDS 4
BEGIN_DATA_FORMAT
SAMPLE_ID LAB_L LAB_A LAB_B
END_DATA_FORMAT
NUMBER_OF_SETS 24
BEGIN_DATA'
{ echo "$header"; seq 1 24 | awk '{print $1, 0, 0, 0}'; echo END_DATA; } > "$WORK/black.cgats"
# A chart's 18 colours, then neutrals that are out of order, or tinted.
colours=$(seq 1 18 | awk '{print $1, 20 + $1 * 3, 40 * sin($1), 40 * cos($1)}')
{ echo "$header"; echo "$colours"; printf '19 96 0 0
20 50 0 0
21 81 0 0
22 67 0 0
23 36 0 0
24 21 0 0
'
  echo END_DATA; } > "$WORK/greys.cgats"
{ echo "$header"; echo "$colours"; printf '19 96 0 0
20 81 15 15
21 67 0 0
22 51 0 0
23 36 0 0
24 21 0 0
'
  echo END_DATA; } > "$WORK/tinted.cgats"
for case in "black:is not lighter than black" "greys:the neutrals do not step down" \
            "tinted:should be neutral"; do
  file=$WORK/${case%%:*}.cgats
  run smp-calibrate --reference "$file" -o "$WORK/degenerate.icc" "$WORK/consult.jpg"
  expect_status 1 "smp-calibrate --reference ${case%%:*}"
  expect_stderr_line "$file" "does not look like a ColorChecker" "smp-calibrate --reference ${case%%:*}"
  expect_stderr "${case#*:}" "smp-calibrate --reference ${case%%:*}"
  expect_no_output "$WORK/degenerate.icc" "smp-calibrate --reference ${case%%:*}"
  no_inf_nan "smp-calibrate --reference ${case%%:*}"
done
run smp-measure --chart --chart-reference "$WORK/black.cgats" --region skin=90,90,90,90 "$WORK/consult.jpg"
expect_status 1 "smp-measure --chart-reference black"
expect_stderr_line "black.cgats" "does not look like a ColorChecker" "smp-measure --chart-reference black"
expect_stdout_empty "smp-measure --chart-reference black"
no_inf_nan "smp-measure --chart-reference black"
# Two patches alike: the first 23 of a real chart and the white repeated.
cgats=$SRC/tests/data/chart/colorchecker-2005-by-columns.cgats
awk '/^D6/ {$0 = "D6 \"black\" 96.54 -0.43 1.19"} {print}' "$cgats" > "$WORK/alike.cgats"
run smp-calibrate --reference "$WORK/alike.cgats" "$WORK/consult.jpg"
expect_error "does not look like a ColorChecker" "two patches alike"
# A black photo: the grey patches read no light, and the warning says so without "inf%".
python3 -c "
import zlib, struct, sys
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
w, h = 600, 400
raw = b''.join(b'\0' + b'\0' * (w * 3) for _ in range(h))
sys.stdout.buffer.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                        + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))" > "$WORK/black.png"
run smp-calibrate --corners 100,100,500,100,500,300,100,300 "$WORK/black.png"
no_inf_nan "smp-calibrate on a black photo"

# --- 4. smp-render's bounds: targets per picture, recipes per target, labels. -----------------
seq 1 2000 | awk '{print "t" $1, 30 + $1 % 40, 2, 4}' > "$WORK/2000.txt"
elapsed_at_most 10 "2,000 targets" smp-render -o "$WORK/2000.png" "$WORK/2000.txt"
expect_error "2000 targets: a picture holds at most 40" "2,000 targets"
expect_no_output "$WORK/2000.png" "2,000 targets"
head -n 40 "$WORK/2000.txt" > "$WORK/40.txt"
run smp-render -o "$WORK/40.png" --layout "$WORK/40.jsonl" "$WORK/40.txt"
expect_status 0 "40 targets"
[ "$(grep -c '"swatch":"hair"' "$WORK/40.jsonl")" -eq 40 ] || fail "40 targets: 40 hair swatches"
recipe='"recipe":[{"id":"exp-jet","kind":"pigment","parts":1}]'
for i in $(seq 1 11); do
  echo "{\"kind\":\"match\",\"id\":\"many\",\"rank\":$i,\"target\":[30,2,4],\"predicted\":[31,2,4],\"de00\":1,$recipe}"
done > "$WORK/eleven.jsonl"
run smp-render -o "$WORK/eleven.png" "$WORK/eleven.jsonl"
expect_error "eleven.jsonl:1: target 'many' has 11 recipes: a picture shows at most 10" "11 recipes"
expect_no_output "$WORK/eleven.png" "11 recipes"
head -n 10 "$WORK/eleven.jsonl" > "$WORK/ten.jsonl"
run smp-render -o "$WORK/ten.png" "$WORK/ten.jsonl"
expect_status 0 "10 recipes"
# Ten ids of 1 MB each (under the 1 MiB line limit): labels are cut, glyphs past the edge are
# not drawn, and the picture is as tall as for short ids.
python3 -c "
for i in range(10): print('{\"id\":\"%s\",\"lab\":[30,2,4]}' % (str(i) * 1000000))" > "$WORK/long-ids.jsonl"
elapsed_at_most 15 "ten 1 MB ids" smp-render -o "$WORK/long.png" --layout "$WORK/long.jsonl" "$WORK/long-ids.jsonl"
expect_status 0 "ten 1 MB ids"
python3 -c "
import struct, sys
d = open(sys.argv[1], 'rb').read(24); w, h = struct.unpack('>II', d[16:24])
sys.exit(0 if (w, h) == (1200, 2916) else 1)" "$WORK/long.png" || fail "ten 1 MB ids: a 1200 x 2916 picture"

# --- 5. Images that claim far more than they hold cost what they hold. ------------------------
python3 - "$WORK" << 'EOF'
import struct, sys, zlib
work = sys.argv[1]
def chunk(t, d): return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
# Interlaced 16-bit RGB claiming 10000 x 10000, with a few bytes of image data: 69 bytes.
png = (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', 10000, 10000, 16, 2, 0, 0, 1))
       + chunk(b'IDAT', zlib.compress(b'\0' * 8)) + chunk(b'IEND', b''))
open(work + '/claim-interlaced.png', 'wb').write(png)
# A tiled TIFF claiming 10000 x 10000 (16-bit RGB, 256 x 256 deflate tiles) whose 1,600 tiles
# all point at the same 8 bytes of nonsense: 13 KB.
w = h = 10000
tiles = ((w + 255) // 256) * ((h + 255) // 256)
entries = []
data = bytearray(b'II*\0\0\0\0\0')
def place(blob):
    global data
    offset = len(data)
    data += blob
    if len(data) % 2: data += b'\0'
    return offset
junk = place(b'\x78\x9c\x00\x00\x00\xff\xff\x00')
bits = place(struct.pack('<3H', 16, 16, 16))
offsets = place(struct.pack('<%dI' % tiles, *([junk] * tiles)))
counts = place(struct.pack('<%dI' % tiles, *([8] * tiles)))
def entry(tag, typ, count, value): entries.append(struct.pack('<HHII', tag, typ, count, value))
entry(256, 4, 1, w); entry(257, 4, 1, h); entry(258, 3, 3, bits); entry(259, 3, 1, 8)
entry(262, 3, 1, 2); entry(277, 3, 1, 3); entry(284, 3, 1, 1)
entry(322, 3, 1, 256); entry(323, 3, 1, 256); entry(324, 4, tiles, offsets); entry(325, 4, tiles, counts)
ifd = len(data)
data += struct.pack('<H', len(entries)) + b''.join(entries) + b'\0\0\0\0'
data[4:8] = struct.pack('<I', ifd)
open(work + '/claim-tiled.tif', 'wb').write(bytes(data))
# A small strip TIFF whose ICC profile tag claims 4 GB.
w, h = 8, 8
data = bytearray(b'II*\0\0\0\0\0')
pixels = place(b'\x80' * (w * h * 3))
bits = place(struct.pack('<3H', 8, 8, 8))
entries = []
entry(256, 4, 1, w); entry(257, 4, 1, h); entry(258, 3, 3, bits); entry(259, 3, 1, 1)
entry(262, 3, 1, 2); entry(273, 4, 1, pixels); entry(277, 3, 1, 3); entry(278, 4, 1, h)
entry(279, 4, 1, w * h * 3); entry(34675, 7, 0xFFFFFFF0, 8)
ifd = len(data)
data += struct.pack('<H', len(entries)) + b''.join(entries) + b'\0\0\0\0'
data[4:8] = struct.pack('<I', ifd)
open(work + '/bad-icc.tif', 'wb').write(bytes(data))
EOF
[ "$(wc -c < "$WORK/claim-interlaced.png")" -lt 100 ] || fail "the interlaced claim is a tiny file"
peak_kib_at_most 150000 "interlaced PNG claiming 10000 x 10000" smp-measure "$WORK/claim-interlaced.png"
expect_error "claim-interlaced.png: truncated PNG" "interlaced PNG claiming 10000 x 10000"
peak_kib_at_most 150000 "tiled TIFF claiming 10000 x 10000" smp-measure "$WORK/claim-tiled.tif"
expect_error "claim-tiled.tif: corrupt or truncated TIFF data" "tiled TIFF claiming 10000 x 10000"
# Four at once (-j 4) stay as small.
peak_kib_at_most 200000 "four claims at -j 4" smp-measure -j 4 "$WORK/claim-interlaced.png" \
  "$WORK/claim-tiled.tif" "$WORK/claim-interlaced.png" "$WORK/claim-tiled.tif"
expect_status 1 "four claims at -j 4"
expect_errors 4 "four claims at -j 4"

# --- 6. One rule for broken embedded ICC profiles; numbers in messages; /dev/full. ------------
run smp-measure "$WORK/bad-icc.tif"
expect_error "bad-icc.tif: the embedded ICC profile is broken" "TIFF with an ICC tag claiming 4 GB"
expect_only_errors "TIFF with an ICC tag claiming 4 GB"
run smp-measure "$SRC/tests/fuzz/corpus/image/bad-iccp.png"
expect_error "bad-iccp.png: the embedded ICC profile is broken" "PNG with a broken iCCP"
run smp-calibrate --corners 1e300,0,1e300,10,0,10,0,0 "$WORK/consult.jpg"
expect_status 1 "--corners 1e300"
awk 'length($0) > 300 {exit 1}' "$WORK/err" || fail "--corners 1e300: a line of over 300 characters"
expect_stderr "1e+300" "--corners 1e300: written with an exponent"
no_inf_nan "--corners 1e300"

finish
