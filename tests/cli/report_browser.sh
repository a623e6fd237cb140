#!/usr/bin/env bash
# smp-report's page in a real browser, headless Chromium (Debian's chromium, scripts/deps): a
# screenshot in which every flat swatch's pixels are within 1 dE00 of the Lab it is labelled
# with; the page prints to PDF; it loads nothing from the network. Skipped (exit 77, said on
# stderr and shown by ctest as skipped) only when Chromium is missing or cannot start.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
swatch_lab=${PNG_SWATCH_LAB:?run through ctest}

chromium_bin=${CHROMIUM:-$(command -v chromium || true)}
profile=$(mktemp -d)
trap 'rm -rf "$WORK" "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
  --disable-background-networking --disable-component-update --disable-sync
  --user-data-dir="$profile" --hide-scrollbars --force-device-scale-factor=1
  --force-color-profile=srgb)
browse() { timeout 120 "$chromium_bin" "${flags[@]}" "$@" 2> "$WORK/chromium.err"; }
if [ -z "$chromium_bin" ]; then
  echo "SKIP: chromium is not installed (scripts/deps installs it): the page is not checked in a browser" >&2
  exit 77
fi
if ! browse --dump-dom about:blank > /dev/null; then
  echo "SKIP: $chromium_bin cannot start: $(tail -n 3 "$WORK/chromium.err")" >&2
  exit 77
fi

photo=$SRC/data/samples/light-grey.jpg
smp-measure --chart --split --region crown=20%,10%,40%,40% "$photo" > "$WORK/measure.jsonl" 2> /dev/null
smp-match --top 3 "$WORK/measure.jsonl" > "$WORK/match.jsonl" 2> /dev/null
run smp-report -o "$WORK/report.html" --photo-root "$SRC/data/samples" "$WORK/measure.jsonl" "$WORK/match.jsonl"
expect_status 0 "report"

# 1. Where each swatch is: the page laid out by the browser itself, through a copy with a
# script (the page has none) that writes each swatch's box and Lab as smp-render's --layout does.
width=1000
cat > "$WORK/layout.js" <<'EOF'
<script>
var out = [];
document.querySelectorAll("[data-lab]").forEach(function (e) {
  var r = e.getBoundingClientRect(), lab = e.getAttribute("data-lab").split(" ").map(Number);
  out.push(JSON.stringify({kind: "swatch", id: e.id, swatch: e.getAttribute("data-kind"), rank: 0, lab: lab,
    x: Math.round(r.left + window.scrollX), y: Math.round(r.top + window.scrollY),
    w: Math.round(r.width), h: Math.round(r.height), out_of_gamut: e.hasAttribute("data-oog")}));
});
var pre = document.createElement("pre");
pre.textContent = "\nHEIGHT " + document.documentElement.scrollHeight + "\nLAYOUT\n" + out.join("\n") + "\nEND\n";
document.body.appendChild(pre);
</script>
EOF
{ sed '/^<\/body>$/,$d' "$WORK/report.html"; cat "$WORK/layout.js"; echo '</body></html>'; } > "$WORK/measured-page.html"
browse --window-size=$width,1000 --virtual-time-budget=5000 --dump-dom "file://$WORK/measured-page.html" > "$WORK/dom.html" ||
  fail "chromium --dump-dom: $(tail -n 3 "$WORK/chromium.err")"
sed -n '/^LAYOUT$/,/^END$/p' "$WORK/dom.html" | sed '1d;$d' | sed 's/&quot;/"/g' > "$WORK/layout.jsonl"
height=$(sed -n 's/^HEIGHT \([0-9]*\)$/\1/p' "$WORK/dom.html")
swatches=$(wc -l < "$WORK/layout.jsonl")
[ "$swatches" -ge 10 ] || fail "the layout pass found $swatches swatches"
[ -n "$height" ] && [ "$height" -gt 500 ] || fail "the page's height: '$height'"

# 2. The screenshot of the page itself, the whole height at the same width.
browse --window-size=$width,"${height:-2000}" --screenshot="$WORK/shot.png" "file://$WORK/report.html" > /dev/null ||
  fail "chromium --screenshot: $(tail -n 3 "$WORK/chromium.err")"
[ -s "$WORK/shot.png" ] || fail "no screenshot"
"$swatch_lab" --expected "$WORK/shot.png" "$WORK/layout.jsonl" > "$WORK/expected.txt" &&
  "$swatch_lab" --worst "$WORK/shot.png" "$WORK/layout.jsonl" > "$WORK/measured.txt" ||
  fail "png_swatch_lab on the screenshot"
smp-diff --max 1 "$WORK/expected.txt" "$WORK/measured.txt" > "$WORK/diff.jsonl" 2> "$WORK/diff.err" ||
  fail "a swatch's pixels are over 1 dE00 from its Lab: $(head -c 600 "$WORK/diff.err")"
worst=$(sed -n 's/.*"de00":\([0-9.]*\).*/\1/p' "$WORK/diff.jsonl" | sort -g | tail -n 1)
echo "browser: $swatches swatches, the worst pixel $worst dE00 from its Lab; page ${height}px high"

# 3. It prints (A4 and Letter alike: the print stylesheet sets margins, not a paper size).
browse --no-pdf-header-footer --print-to-pdf="$WORK/report.pdf" "file://$WORK/report.html" > /dev/null ||
  fail "chromium --print-to-pdf: $(tail -n 3 "$WORK/chromium.err")"
head -c 5 "$WORK/report.pdf" | grep -q '%PDF-' || fail "the PDF is not a PDF"
[ "$(stat -c %s "$WORK/report.pdf")" -gt 20000 ] || fail "the PDF is too small to hold the page"

# 4. Nothing on the page reaches the network: no script, no URL but data: URIs.
! grep -qiE '<script|https?:|(src|href)="//|@import|url\(' "$WORK/report.html" ||
  fail "the page has a script or an external URL"

finish
