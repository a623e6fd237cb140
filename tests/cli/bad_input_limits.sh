#!/usr/bin/env bash
# The limits of smpshade(7), LIMITS: --max-file-size, --max-yaml-depth and --max-yaml-nodes on
# the tools that load catalogues (smp-catalog, smp-match, smp-render), each shown to decide the
# outcome both ways; their bounds (exit 2); and CGATS import's parser isolation: LittleCMS's IT8
# parser runs in a child process, and a crash there is a clear error, not a dead smp-catalog.
# (--max-pixels is smp-measure's: measure_bad.sh.)
source "$(dirname "$0")/lib.sh"
data=$SRC/tests/data/catalog
good=$data/good.yaml
unset SMPSHADE_CATALOG
echo 'hair 30 2 4' > "$WORK/target.txt"

# --max-yaml-depth: good.yaml nests 7 levels deep (the top map > pigments > a pigment > ladder >
# a step > spectrum > values).
run smp-catalog lint --today 2026-01-01 --max-yaml-depth 7 "$good"
expect_status 0 "lint at --max-yaml-depth 7"
run smp-catalog lint --today 2026-01-01 --max-yaml-depth 6 "$good"
expect_status 1 "lint at --max-yaml-depth 6"
expect_stderr "$good:30:19: error: nesting deeper than 6 levels: refused" "lint at --max-yaml-depth 6"
run smp-match --card --max-yaml-depth 6 --catalog "$good" "$WORK/target.txt"
expect_status 1 "smp-match at --max-yaml-depth 6"
expect_stderr "smp-match: error: $good:30:19: nesting deeper than 6 levels" "smp-match at --max-yaml-depth 6"
expect_stdout_empty "smp-match at --max-yaml-depth 6"
# Deeper than the default of 64, allowed when asked for (the ceiling is 1000).
{
  cat "$good"
  printf 'x-deep: %s%s\n' "$(printf '[%.0s' $(seq 80))" "$(printf ']%.0s' $(seq 80))"
} > "$WORK/deep80.yaml"
run smp-catalog list --catalog "$WORK/deep80.yaml"
expect_status 1 "80 levels at the default depth limit"
expect_stderr "nesting deeper than 64 levels" "80 levels at the default depth limit"
run smp-catalog list --catalog "$WORK/deep80.yaml" --max-yaml-depth 100 --format tsv
expect_status 1 "80 levels under --max-yaml-depth 100: parsed, then the unknown key"
expect_stderr "unknown key 'x-deep'" "80 levels under --max-yaml-depth 100"

# --max-yaml-nodes: good.yaml has 100-odd nodes; it also bounds what aliases expand to.
run smp-render --ladder exp-jet --catalog "$good" --max-yaml-nodes 100 -o "$WORK/ladder.png"
expect_status 1 "smp-render at --max-yaml-nodes 100"
expect_stderr "smp-render: error: $good:31:44: more than 100 YAML nodes: refused" "--max-yaml-nodes 100"
expect_no_output "$WORK/ladder.png" "smp-render at --max-yaml-nodes 100"
run smp-render --ladder exp-jet --catalog "$good" --max-yaml-nodes 1000 -o "$WORK/ladder.png"
expect_status 0 "smp-render at --max-yaml-nodes 1000"
[ -s "$WORK/ladder.png" ] || fail "smp-render at --max-yaml-nodes 1000 draws the ladder"
write_alias_tree "$WORK/small-bomb.yaml" 4
run smp-catalog lint "$WORK/small-bomb.yaml"
expect_status 1 "a 10^5-node alias tree under the default limit"
expect_stderr "unknown key 'a0'" "a 10^5-node alias tree is parsed under the default limit"
run smp-catalog lint --max-yaml-nodes 10000 "$WORK/small-bomb.yaml"
expect_status 1 "a 10^5-node alias tree at --max-yaml-nodes 10000"
expect_stderr "small-bomb.yaml:4:45: error: aliases expand to more than 10000 nodes: refused (an alias bomb?) [yaml-limits]" "--max-yaml-nodes bounds aliases"

# --max-file-size: a good catalogue padded to 20 MiB with a comment is refused by default and
# loads (and matches) when the limit is raised; units as in 32M.
{
  cat "$good"
  head -c $((20 * 1024 * 1024)) /dev/zero | tr '\0' '#'
  echo
} > "$WORK/padded.yaml"
run smp-match --card --top 1 --catalog "$WORK/padded.yaml" "$WORK/target.txt"
expect_status 1 "a 20 MiB catalogue at the default limit"
expect_stderr "smp-match: error: $WORK/padded.yaml: the file is 20.0 MiB; catalogue files are limited to 16 MiB" "20 MiB"
expect_stdout_empty "a 20 MiB catalogue at the default limit"
run smp-match --card --top 1 --max-file-size 32M --catalog "$WORK/padded.yaml" "$WORK/target.txt"
expect_status 0 "a 20 MiB catalogue under --max-file-size 32M"
expect_ids "hair" "a 20 MiB catalogue under --max-file-size 32M"
run smp-catalog list --catalog "$good" --max-file-size 1k
expect_status 1 "good.yaml over --max-file-size 1k"
expect_stderr "smp-catalog: error: $good: the file is $(wc -c < "$good") bytes; catalogue files are limited to 1 KiB" "--max-file-size 1k"
# CGATS import has the same file-size limit.
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet --max-file-size 2k
expect_status 1 "CGATS over --max-file-size 2k"
expect_stderr "smp-catalog: error: $data/ladder.cgats: the file is over 2 KiB: not a spectrophotometer export" "CGATS --max-file-size"
expect_stdout_empty "CGATS over --max-file-size 2k"
run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet --supplier Test --max-file-size 4k
expect_status 0 "CGATS under --max-file-size 4k"

# Out-of-range limits are usage errors.
for bad in "--max-file-size 0" "--max-file-size lots" "--max-yaml-depth 0" "--max-yaml-depth 1001" \
           "--max-yaml-nodes 0"; do
  run smp-match $bad --catalog "$good" "$WORK/target.txt"
  expect_status 2 "smp-match $bad"
  expect_stderr "smp-match: error: ${bad%% *}" "smp-match $bad names the option"
done

# The CGATS parser crashing in its child process (the test hook aborts the child before it
# parses): a clear error naming the file, exit 1, nothing on stdout, and the tool itself lives.
SMPSHADE_TEST_CGATS_PARSER_CRASH=1 run smp-catalog import --cgats "$data/ladder.cgats" --id exp-jet
expect_status 1 "CGATS parser crash"
expect_stderr "smp-catalog: error: $data/ladder.cgats: CGATS parser crashed on this file (Aborted)" "CGATS parser crash"
expect_stdout_empty "CGATS parser crash"

finish
