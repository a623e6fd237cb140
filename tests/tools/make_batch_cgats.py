#!/usr/bin/env python3
"""Writes a production batch of a catalogue ink as a spectrophotometer exports it: spectral-only
CGATS (SPECTRAL_NM400 ... SPECTRAL_NM700 in percent, no Lab columns), each ladder step measured
REPLICATES times with instrument noise, rows named as an instrument's operator names them
("cocoa 1:3"). The batch's ink is the catalogue's, STRENGTH times as strong in K/S (1: the same
ink; 1.15: a batch 15 % stronger), so a QC gate has something true to find.

Usage: make_batch_cgats.py LADDER.jsonl NAME [--strength S] [--replicates N] [--step NM]
       [--noise PERCENT] [--seed K] [--ids]
LADDER.jsonl: the ink's ladder as `smp-catalog export --spectra ID` writes it (ladder-step
records with spectra at 10 nm over 400-700 nm). --step 5 interpolates to 5 nm as a 5 nm
instrument would write; --ids adds SAMPLE_ID A1, A2, ... per row.
"""
import argparse
import json
import math
import random


def main():
    p = argparse.ArgumentParser()
    p.add_argument("ladder")
    p.add_argument("name")
    p.add_argument("--strength", type=float, default=1.0)
    p.add_argument("--replicates", type=int, default=3)
    p.add_argument("--step", type=int, default=10)
    p.add_argument("--noise", type=float, default=0.05, help="SD of each band, percent")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--ids", action="store_true")
    a = p.parse_args()
    rng = random.Random(a.seed)
    steps = [json.loads(l) for l in open(a.ladder) if l.strip()]
    card = None
    rows = []
    for s in steps:
        ink, diluent = (int(x) for x in s["ratio"].split(":"))
        start, step, values = s["spectrum_start"], s["spectrum_step"], s["spectrum"]
        nm = [start + step * i for i in range(len(values))]
        # The batch's reflectance: K/S of the step times the strength (Saunderson-free: the
        # change a stronger batch makes, not a model of the card), then measured with noise.
        def ks(r):
            return (1 - r) ** 2 / (2 * r)

        def r_inf(k):
            return 1 + k - math.sqrt(k * k + 2 * k)
        batch = [r_inf(ks(max(v, 1e-4)) * a.strength) if s["concentration"] < 1 or True else v
                 for v in values]
        grid = list(range(int(nm[0]), int(nm[-1]) + 1, a.step))

        def at(x):
            i = min(int((x - nm[0]) / step), len(nm) - 2)
            t = (x - nm[i]) / step
            return batch[i] + (batch[i + 1] - batch[i]) * t
        for r in range(a.replicates):
            rows.append(("%s %d:%d" % (a.name, ink, diluent),
                         [round(100 * at(x) + rng.gauss(0, a.noise), 3) for x in grid]))
    fields = (["SAMPLE_ID"] if a.ids else []) + ["SAMPLE_NAME"] + ["SPECTRAL_NM%d" % x for x in grid]
    print("CGATS.17")
    print('ORIGINATOR "tests/tools/make_batch_cgats.py"')
    print('DESCRIPTOR "Production batch of %s, %d replicates per step"' % (a.name, a.replicates))
    print('INSTRUMENTATION "spectrophotometer 45/0, M1"')
    print("ILLUMINATION_NAME D50")
    print("OBSERVER_ANGLE 2")
    print("NUMBER_OF_FIELDS %d" % len(fields))
    print("BEGIN_DATA_FORMAT")
    print(" ".join(fields))
    print("END_DATA_FORMAT")
    print("NUMBER_OF_SETS %d" % len(rows))
    print("BEGIN_DATA")
    for k, (name, values) in enumerate(rows):
        ids = ["A%d" % (k + 1)] if a.ids else []
        print(" ".join(ids + ['"%s"' % name] + ["%.3f" % v for v in values]))
    print("END_DATA")


if __name__ == "__main__":
    main()
