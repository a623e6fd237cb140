#!/usr/bin/env python3
"""Scores healed predictions against a synthetic clinic's truth (tests/tools/clinic_truths.py).

Usage: clinic_eval.py CASES PREDICTIONS [--against measured|true|clinic] (PREDICTIONS "-": the
clinic-typical truth itself, the floor a clinic-wide model can reach)
CASES are the clinic's held-out or session-2 records ("healed" measured, "true_healed" without
noise); PREDICTIONS are smp-heal predict's records for them, in the same order, ids equal. The
differences are smp-diff's (CIEDE2000), so the score is the tools' own; prints
"mean P90 N" and, with --each, one ΔE00 per case.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def main():
    p = argparse.ArgumentParser()
    p.add_argument("cases")
    p.add_argument("predictions")
    p.add_argument("--against", choices=["measured", "true", "clinic"], default="measured")
    p.add_argument("--session", type=int, help="score only the cases of this session")
    p.add_argument("--each", action="store_true")
    args = p.parse_args()
    cases = [json.loads(l) for l in open(args.cases) if l.strip()]
    if args.session is not None:
        cases = [c for c in cases if c.get("session") == args.session]
    predicted = {}
    if args.predictions == "-":  # the floor: the measurement against the clinic's typical truth
        for c in cases:
            predicted[c["id"]] = c["clinic_healed"]
    for line in (open(args.predictions) if args.predictions != "-" else []):
        if line.strip():
            r = json.loads(line)
            predicted[r["id"]] = r["healed"]
    field = {"measured": "healed", "true": "true_healed", "clinic": "clinic_healed"}[args.against]
    with tempfile.TemporaryDirectory() as work:
        a, b = os.path.join(work, "a.jsonl"), os.path.join(work, "b.jsonl")
        with open(a, "w") as fa, open(b, "w") as fb:
            for c in cases:
                if c["id"] not in predicted:
                    sys.exit("clinic_eval: no prediction for " + c["id"])
                fa.write(json.dumps({"id": c["id"], "lab": c[field]}) + "\n")
                fb.write(json.dumps({"id": c["id"], "lab": predicted[c["id"]]}) + "\n")
        out = subprocess.run(["smp-diff", "--format", "jsonl", a, b], capture_output=True,
                             text=True)
        if out.returncode != 0:
            sys.exit("clinic_eval: smp-diff failed: " + out.stderr)
    de = [json.loads(l)["de00"] for l in out.stdout.splitlines() if l.strip()]
    if args.each:
        for c, d in zip(cases, de):
            print(c["id"], d)
    s = sorted(de)
    p90 = s[min(len(s) - 1, int(round(0.9 * (len(s) - 1))))]
    print("%.2f %.2f %d" % (sum(de) / len(de), p90, len(de)))


if __name__ == "__main__":
    main()
