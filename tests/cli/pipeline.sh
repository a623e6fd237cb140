#!/usr/bin/env bash
# The technician's pipe: a painted shaved-scalp photo through smp-measure --split into smp-match,
# which takes the photo's scalp record as the skin the hair's recipes heal in.
source "$(dirname "$0")/lib.sh"
export SMPSHADE_CATALOG=$SRC/pigments
painted=$("$MAKE_TEST_IMAGE" scalp "$WORK/client42.png") || fail "make_test_image"
hair=($(echo "$painted" | awk '$1 == "hair" {print $2, $3, $4}'))
scalp=($(echo "$painted" | awk '$1 == "scalp" {print $2, $3, $4}'))

smp-measure --split "$WORK/client42.png" 2> "$WORK/measure.err" | smp-match --top 2 > "$WORK/out" 2> "$WORK/err"
status=$?
expect_status 0 "measure | match"
expect_lines 3 "two recipes for the one hair record and its session plan; the scalp record is the skin"
[ "$(grep -c '"kind":"match"' "$WORK/out")" -eq 2 ] || fail "two match records"
sed -n 3p "$WORK/out" | grep -q '^{"kind":"plan","id":"client42/hair","client":"client42","part":"hair","session":1,' ||
  fail "the session plan follows: $(sed -n 3p "$WORK/out" | head -c 300)"
grep -q '"id":"client42/hair",.*"rank":1,' "$WORK/out" || fail "the hair is the target: $(head -c 300 "$WORK/out")"
expect_stdout '"predicts":"healed"' "healed in the photo's own skin"
# The target and skin are the painted colours (within 1 ΔE76 here; smp-measure's own tests
# hold them to ΔE00).
read -r tl ta tb < <(head -n 1 "$WORK/out" | sed 's/.*"target":\[\([^]]*\)\].*/\1/; s/,/ /g')
read -r sl sa sb < <(head -n 1 "$WORK/out" | sed 's/.*"skin":\[\([^]]*\)\].*/\1/; s/,/ /g')
awk -v a="$tl $ta $tb" -v b="${hair[*]}" 'BEGIN {split(a, x); split(b, y); d = 0;
  for (i = 1; i <= 3; i++) d += (x[i] - y[i]) ^ 2; exit !(sqrt(d) < 1)}' ||
  fail "target $tl $ta $tb is not the painted hair ${hair[*]}"
awk -v a="$sl $sa $sb" -v b="${scalp[*]}" 'BEGIN {split(a, x); split(b, y); d = 0;
  for (i = 1; i <= 3; i++) d += (x[i] - y[i]) ^ 2; exit !(sqrt(d) < 1)}' ||
  fail "skin $sl $sa $sb is not the painted scalp ${scalp[*]}"
# Black stubble (L* 17) is darker than any dot seen through skin (Saunderson's k1 puts the floor
# near L* 24): still the best recipes, with a warning.
expect_stdout '"reachable":false' "black hair is not reachable"
expect_stderr "smp-match: warning: -:1: client42/hair: best recipe is dE00" "unreachable warning"

finish
