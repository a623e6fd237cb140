#!/usr/bin/env bash
# The bad-input suite (SPEC 4), paths: -o and --layout where no file can be written, and every
# tool given a file that does not exist. A file that cannot be written is an error naming it,
# exit 1, and nothing is left behind: neither the target nor a temporary file beside it.
#
# The tests run as root, for whom permission bits do not stop a write, so "cannot be written"
# is made of things that fail for root too: a folder that does not exist, a "folder" that is a
# regular file (ENOTDIR), a target that is a folder (rename fails with EISDIR) and /dev/full
# (ENOSPC; only for --layout, which writes a device in place: -o would rename over it).
source "$(dirname "$0")/lib.sh"
MAKE=${MAKE_TEST_IMAGE:?run through ctest}
export SMPSHADE_CATALOG=$SRC/pigments
printf 'hair 30 2 4\nskin 62 12 16\n' > "$WORK/labs.txt"
: > "$WORK/a-file"
mkdir "$WORK/a-folder.png"

# -o in a "folder" that is a regular file (render.sh has the folder that does not exist).
run smp-render -o "$WORK/a-file/out.png" "$WORK/labs.txt"
expect_status 1 "-o under a regular file"
expect_stderr "smp-render: error: $WORK/a-file/out.png: the output folder is not a folder" "-o under a regular file"
expect_no_output "$WORK/a-file/out.png" "-o under a regular file"

# -o naming a folder: refused, and no temporary file left beside it.
run smp-render -o "$WORK/a-folder.png" "$WORK/labs.txt"
expect_error "smp-render: error: $WORK/a-folder.png: is a folder, not a file" "-o is a folder"
[ -z "$(find "$WORK" -maxdepth 1 -name '.a-folder.png.*')" ] || fail "-o is a folder: temporary file left"
[ -z "$(ls -A "$WORK/a-folder.png")" ] || fail "-o is a folder: something was written into it"

# --layout that cannot be written: checked before the PNG, so neither file is left.
for case in "no/such/folder:does not exist" "a-file:is not a folder"; do
  layout="$WORK/${case%%:*}/layout.jsonl"
  run smp-render -o "$WORK/with-layout.png" --layout "$layout" "$WORK/labs.txt"
  expect_status 1 "bad --layout $layout"
  expect_stderr "smp-render: error: $layout: the output folder ${case#*:}: " "bad --layout $layout"
  expect_no_output "$WORK/with-layout.png" "bad --layout $layout: the PNG"
done
# A full disk: the write error is reported (it used to go unnoticed, exit 0).
run smp-render -o "$WORK/full.png" --layout /dev/full "$WORK/labs.txt"
expect_status 1 "--layout on a full disk"
expect_stderr "smp-render: error: /dev/full: cannot write: No space left on device" "--layout on a full disk"
[ -c /dev/full ] || fail "/dev/full is no longer a device"
# A symlink (as /dev/stdout is) is written through, not replaced by a file.
: > "$WORK/target.jsonl"
ln -s "$WORK/target.jsonl" "$WORK/link.jsonl"
run smp-render -o "$WORK/linked.png" --layout "$WORK/link.jsonl" "$WORK/labs.txt"
expect_status 0 "--layout through a symlink"
[ -L "$WORK/link.jsonl" ] || fail "--layout replaced the symlink"
[ "$(wc -l < "$WORK/target.jsonl")" -eq 2 ] || fail "--layout through a symlink: 2 swatches expected"
# A good --layout is written whole, with the mode a new file gets (not mkstemp's 0600).
run sh -c "umask 022 && smp-render -o '$WORK/ok.png' --layout '$WORK/ok.jsonl' '$WORK/labs.txt'"
expect_status 0 "good --layout"
[ "$(wc -l < "$WORK/ok.jsonl")" -eq 2 ] || fail "good --layout: 2 swatches expected"
[ "$(stat -c %a "$WORK/ok.jsonl")" = 644 ] || fail "good --layout: mode $(stat -c %a "$WORK/ok.jsonl")"

# Every tool given a file that does not exist: named, with the reason, exit 1; the good input
# beside it is still processed.
missing=$WORK/missing
"$MAKE" patches "$WORK/good.png" > /dev/null
run smp-measure "$missing.jpg" "$WORK/good.png"
expect_status 1 "smp-measure, missing photo"
expect_stderr "smp-measure: error: $missing.jpg: cannot open: No such file or directory" "smp-measure"
[ "$(measurement_ids)" = "good/image " ] || fail "smp-measure measures the good photo: $(head -c 300 "$WORK/out")"
expect_stdout '{"kind":"error","id":"missing","client":"missing","source":"'"$missing"'.jpg","stage":"measure","message":"cannot open: No such file or directory"' "the missing photo as an error record"
run smp-match --card --top 1 "$missing.txt" "$WORK/labs.txt"
expect_status 1 "smp-match, missing records"
expect_stderr "smp-match: error: $missing.txt: cannot open: No such file or directory" "smp-match"
expect_ids "hair skin" "smp-match matches the file that exists"
run smp-diff "$missing.txt" "$WORK/labs.txt"
expect_status 1 "smp-diff, missing reference"
expect_stderr "smp-diff: error: $missing.txt: cannot open: No such file or directory" "smp-diff"
run smp-render -o "$WORK/partial.png" "$missing.txt" "$WORK/labs.txt"
expect_status 1 "smp-render, missing records"
expect_stderr "smp-render: error: $missing.txt: cannot open: No such file or directory" "smp-render"
[ -s "$WORK/partial.png" ] || fail "smp-render draws the records of the file that exists"
for args in "lint $missing.yaml" "list $missing.yaml" "--catalog $missing.yaml export" \
            "--catalog $missing.yaml show exp-jet" "import --cgats $missing.cgats --id exp-jet"; do
  run smp-catalog $args
  expect_status 1 "smp-catalog $args"
  expect_stderr_line "$missing." "cannot open: No such file or directory" "smp-catalog $args"
  expect_stdout_empty "smp-catalog $args"
done
for command in "smp-match --catalog $missing.yaml $WORK/labs.txt" \
               "smp-render --catalog $missing.yaml --ladder ill-taupe -o $WORK/ladder.png"; do
  run $command
  expect_error "${command%% *}: error: $missing.yaml: cannot open: No such file or directory" "$command"
  expect_stdout_empty "$command"
done
expect_no_output "$WORK/ladder.png" "smp-render, missing catalogue"
run smp-render --font "$missing.ttf" -o "$WORK/font.png" "$WORK/labs.txt"
expect_status 1 "smp-render, missing font"
expect_stderr "$missing.ttf" "smp-render --font names the font"
expect_no_output "$WORK/font.png" "smp-render, missing font"

finish
