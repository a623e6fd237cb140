#!/usr/bin/env bash
# smp-catalog lint: diagnostics, summary, exit status, --strict, --format jsonl, hostile files.
source "$(dirname "$0")/lib.sh"
data=$SRC/tests/data/catalog

# The bundled catalogue lints clean: only the two "illustrative" warnings.
run smp-catalog lint "$SRC/pigments"
expect_status 0 "bundled catalogue"
expect_stdout_empty "bundled catalogue"
expect_stderr "smp-catalog: 0 errors, 2 warnings in 2 files" "bundled catalogue summary"
[ "$(grep -c '\[illustrative\]$' "$WORK/err")" -eq 2 ] || fail "illustrative warnings: $(cat "$WORK/err")"
run smp-catalog lint --strict "$SRC/pigments"
expect_status 1 "--strict counts warnings"

# A typo: the exact compiler-style line, then the summary; exit 1.
run smp-catalog lint --today 2026-01-01 "$data/unknown-key.yaml"
expect_status 1 "unknown key"
expect_stdout_empty "unknown key"
[ "$(head -n 1 "$WORK/err")" = "$data/unknown-key.yaml:7:3: error: unknown key 'illuminnt' in 'measurement'; did you mean 'illuminant'? [unknown-key]" ] ||
  fail "diagnostic line: $(head -n 1 "$WORK/err")"
expect_stderr "smp-catalog: 1 error, 0 warnings in 1 file" "unknown key summary"

# Every file is linted and every problem reported, in file order.
run smp-catalog lint --today 2026-01-01 "$data/ladder-darkens.yaml" "$data/cas-check-digit.yaml" "$data/expired.yaml"
expect_status 1 "several files"
[ "$(grep -c ': error: \|: warning: ' "$WORK/err")" -eq 7 ] || fail "several files: $(cat "$WORK/err")"
expect_stderr "ladder-darkens.yaml:50:9: error: step 1:3 (L* 31.32) is darker than step 1:0" "ladder-darkens"
expect_stderr "cas-check-digit.yaml:19:11: error: CAS number '1333-86-5' has a wrong check digit" "cas"
expect_stderr "expired.yaml:21:14: warning: lot A-2025-114 expired on 2025-01-31 [expired]" "expired"
# The three are variants of one catalogue: their ids clash across the files too.
expect_stderr "cas-check-digit.yaml:16:5: error: pigment id 'exp-jet' is already used by the pigment at $data/ladder-darkens.yaml:16:5 [duplicate-id]" "duplicate ids across files"
expect_stderr "6 errors, 1 warning in 3 files" "several files summary"

# Warnings alone exit 0; the date is injectable so the test does not age.
run smp-catalog lint --today 2025-01-31 "$data/expired.yaml"
expect_status 0 "not yet expired"
expect_stderr "0 errors, 0 warnings in 1 file" "not yet expired"

# Records on stdout with --format jsonl; the summary stays on stderr.
run smp-catalog lint --format jsonl --today 2026-01-01 "$data/few-steps.yaml" "$data/version.yaml"
expect_status 1 "jsonl"
expect_lines 2 "jsonl"
expect_stdout "{\"kind\":\"diagnostic\",\"file\":\"$data/few-steps.yaml\",\"line\":49,\"column\":7,\"severity\":\"warning\",\"rule\":\"few-steps\"," "jsonl record"
expect_stdout "\"rule\":\"version\"" "jsonl version record"
expect_stderr "1 error, 1 warning in 2 files" "jsonl summary"

# Unreadable input: named, and the others still linted.
run smp-catalog lint "$WORK/missing.yaml" "$data/good.yaml" --today 2026-01-01
expect_status 1 "missing file"
expect_stderr "$WORK/missing.yaml: error: cannot open: No such file or directory [io]" "missing file"

# Hostile files: refused quickly with a message, never a crash (a crash exits 128+).
printf 'catalog: 1\npigments: %s\n' "$(head -c 200000 /dev/zero | tr '\0' '[')" > "$WORK/deep.yaml"
run smp-catalog lint "$WORK/deep.yaml"
expect_status 1 "deep nesting"
expect_stderr "$WORK/deep.yaml:2:75: error: nesting deeper than 64 levels" "deep nesting"
{
  echo 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]'
  for i in 1 2 3 4 5 6 7 8 9; do
    p="*a$((i - 1))"
    echo "a$i: &a$i [$p, $p, $p, $p, $p, $p, $p, $p, $p, $p]"
  done
} > "$WORK/bomb.yaml"
start=$(date +%s%N)
run smp-catalog lint "$WORK/bomb.yaml"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
expect_status 1 "alias bomb"
expect_stderr "error: aliases expand to more than 1000000 nodes: refused (an alias bomb?) [yaml-limits]" "alias bomb"
[ "$elapsed_ms" -lt 2000 ] || fail "alias bomb took $elapsed_ms ms"
head -c $((17 * 1024 * 1024)) /dev/zero | tr '\0' '#' > "$WORK/huge.yaml"
run smp-catalog lint "$WORK/huge.yaml"
expect_status 1 "huge file"
expect_stderr "$WORK/huge.yaml: error: the file is 17.0 MiB; catalogue files are limited to 16 MiB [yaml-limits]" "huge file"

# Usage errors exit 2.
run smp-catalog
expect_status 2 "no subcommand"
run smp-catalog lint --today 31/12/2026 "$data/good.yaml"
expect_status 2 "bad --today"
run smp-catalog frobnicate
expect_status 2 "unknown subcommand"
run smp-catalog --help
expect_status 0 "--help"
expect_stdout "lint" "--help lists the subcommands"

finish
