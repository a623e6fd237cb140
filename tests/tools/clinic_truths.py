#!/usr/bin/env python3
"""Synthetic SMP clinics whose truth is not smpshade's model: healed outcomes for smp-heal.

smp-heal fits a layered skin model (lib/src/optics/skin.cpp). A clinic made with that model's
own structure and inside its bounds proves only that the fit runs. These clinics are written
here, in another language, with none of the library's code: their own colorimetry (CIE 1931 2 deg
and D50 from data/, 380-780 nm by 5 nm, where the engine works on 400-700 by 10), their own
skin physiology (melanin, blood with oxy- and deoxyhaemoglobin, carotene), their own optics, and
inks described by their pigments (the bundled catalogue's stated assumptions, scripts/make-catalog)
with a scattering of their own, where the engine knows only the ladders' Lab and spectra.

Four clinics, differing in structure:
  light-cool   two-flux layers, thick epidermis, strong Rayleigh scattering, little ink kept,
               shallow: heals light and cool (inside the engine's defaults' reach)
  dark         thin epidermis, ink packed densely by macrophages (more absorbing than the cup's
               film on card), a thick ink layer just under the epidermis: heals darker than the
               engine's defaults can, with retention capped at 1
  dark-deep    much ink, deep (0.35 mm) in a blood-rich dermis, weak scattering: dark and blue
  patchy-warm  ink in clusters over a third of the dot's area (area-mixed columns, no sideways
               light), with a healing tint (haemosiderin-like, absorbing blue) in proportion to
               the ink: heals warmer, a hue the layered model cannot make

Every client has their own skin (melanin 0.3-15 %, blood 0.3-2.5 %, carotene), their own share of
ink kept (log-normal around the clinic's) and epidermis; every measured Lab has noise (0.4 per
axis by default). The engine sees only Lab, as a clinic would.

Usage:
  clinic_truths.py CLINIC --catalog DIR [--clients N] [--sessions S] [--seed K]
                   [--kind train|heldout|session2] [--noise SD] [--client-spread SD]
  clinic_truths.py --list

Writes outcome records (JSON Lines) to stdout:
  train     N clients x S sessions, each an outcome record (healed measured, with noise)
  heldout   N new clients, one recipe each: outcome records whose "healed" is the measurement,
            with "true_healed" (noiseless) and "clinic_healed" (noiseless, the clinic's typical
            share of ink kept instead of the client's own: the best a clinic-wide model can do)
  session2  N new clients: for each, the session-1 outcome (healed measured) and the session-2
            case (another recipe) with its measured and true healed colours; records carry
            "session": 1 or 2
"""

import argparse
import json
import math
import os
import random
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NM = list(range(380, 781, 5))


# --- colorimetry (CIE 15:2004): its own, at 5 nm over 380-780 -----------------------------

def read_table(path):
    rows = {}
    with open(path) as f:
        lines = [line for line in f if line.strip() and not line.startswith("#")]
    for line in lines[1:]:
        cells = line.strip().split(",")
        rows[int(round(float(cells[0])))] = [float(v) for v in cells[1:]]
    return rows


CMF = read_table(os.path.join(ROOT, "data", "cie1931_2deg_cmf.csv"))
D50 = read_table(os.path.join(ROOT, "data", "illuminant_D50.csv"))
WEIGHTS = [(D50[nm][0] * CMF[nm][0], D50[nm][0] * CMF[nm][1], D50[nm][0] * CMF[nm][2])
           for nm in NM]
NORM = sum(w[1] for w in WEIGHTS)
WHITE = (sum(w[0] for w in WEIGHTS) / NORM, 1.0, sum(w[2] for w in WEIGHTS) / NORM)


def lab(reflectance):
    x = sum(r * w[0] for r, w in zip(reflectance, WEIGHTS)) / NORM
    y = sum(r * w[1] for r, w in zip(reflectance, WEIGHTS)) / NORM
    z = sum(r * w[2] for r, w in zip(reflectance, WEIGHTS)) / NORM

    def f(t):
        return t ** (1.0 / 3.0) if t > (6.0 / 29.0) ** 3 else t / (3 * (6.0 / 29.0) ** 2) + 4.0 / 29.0

    fx, fy, fz = f(x / WHITE[0]), f(y / WHITE[1]), f(z / WHITE[2])
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)]


# --- the inks: pigments as the bundled catalogue states them ------------------------------

def edge(nm, centre, width):
    return 1.0 / (1.0 + math.exp((nm - centre) / width))


# Absorption strength of each pigment per unit of ink share, relative (the catalogue's unit K/S
# shapes), and the scattering each adds (cm^-1 per unit share in skin): carbon hardly scatters,
# iron oxides do.
PIGMENT_ABSORPTION = {
    "PBk7": lambda nm: 14.0 * (1.0 + 0.12 * (700 - nm) / 300.0),
    "PBk7-coarse": lambda nm: 14.0 * (0.90 + 0.20 * (nm - 400) / 300.0),
    "PBk11": lambda nm: 5.0 * (1.3 - 0.6 * (nm - 400) / 300.0),
    "PR101": lambda nm: 9.0 * (0.08 + 0.92 * edge(nm, 585, 16)),
    "PY42": lambda nm: 6.0 * (0.04 + 0.96 * edge(nm, 495, 18)),
}
PIGMENT_SCATTERING = {"PBk7": 1.0, "PBk7-coarse": 2.0, "PBk11": 25.0, "PR101": 40.0, "PY42": 35.0}


def read_inks(catalog_dir):
    """The inks of the bundled catalogue: id -> [(pigment, share)], from the line
    '# ID: PIGMENT SHARE, ...' that scripts/make-catalog writes above each pigment, and the
    diluent ids."""
    inks, diluents = {}, []
    for name in sorted(os.listdir(catalog_dir)):
        if not name.endswith(".yaml"):
            continue
        with open(os.path.join(catalog_dir, name)) as f:
            text = f.read()
        for m in re.finditer(r"^  # ([a-z0-9-]+): (.+)$", text, re.M):
            inks[m.group(1)] = [(p, float(s)) for p, s in
                                (item.strip().split() for item in m.group(2).split(","))]
        for m in re.finditer(r"^  - id: ([a-z0-9-]+)\n    name: \"Distilled", text, re.M):
            if m.group(1) not in diluents:
                diluents.append(m.group(1))
    if not inks:
        sys.exit("clinic_truths: no ink composition lines in " + catalog_dir)
    return inks, diluents


# --- skin ---------------------------------------------------------------------------------

def melanin_mua(nm):  # cm^-1 in a melanosome (Jacques 1996: 6.6e11 nm^-3.33)
    return 6.6e11 * nm ** -3.33


def baseline_mua(nm):  # bloodless tissue (Saidi 1992: 7.84e8 nm^-3.255)
    return 7.84e8 * nm ** -3.255


def gauss(nm, centre, width, height):
    return height * math.exp(-0.5 * ((nm - centre) / width) ** 2)


def blood_mua(nm, saturation):
    """Whole blood (cm^-1), a shape of oxy- and deoxyhaemoglobin's bands: the Soret band near
    415/430 nm, the Q bands at 542 and 577 (oxy) or one at 555 (deoxy), little in the red."""
    oxy = (gauss(nm, 415, 16, 3500) + gauss(nm, 542, 11, 260) + gauss(nm, 577, 10, 280) +
           gauss(nm, 480, 60, 90) + 1.5)
    deoxy = (gauss(nm, 432, 14, 3800) + gauss(nm, 556, 18, 280) + gauss(nm, 480, 60, 80) +
             gauss(nm, 650, 120, 6) + 1.5)
    return saturation * oxy + (1 - saturation) * deoxy


def carotene_mua(nm):  # per unit of the client's carotene level, cm^-1
    return gauss(nm, 460, 25, 30) + gauss(nm, 485, 18, 25)


def reduced_scattering(nm, clinic):  # cm^-1: Rayleigh + Mie (Jacques 2013's form)
    x = nm / 500.0
    return clinic["mus500"] * (clinic["rayleigh"] * x ** -4 + (1 - clinic["rayleigh"]) * x ** -clinic["mie_b"])


# --- two-flux layers (Kubelka 1948, 1954), written here in their hyperbolic form ------------

def layer(k, s, d):
    """(R, T) of a layer of absorption K and scattering S (per cm) and thickness d cm."""
    if s <= 0 or d <= 0:
        return 0.0, math.exp(-k * d)
    a = 1.0 + k / s
    b = math.sqrt(max(a * a - 1.0, 1e-18))
    bsx = b * s * d
    if bsx > 30:
        return 1.0 / (a + b), 0.0
    sh, ch = math.sinh(bsx), math.cosh(bsx)
    den = a * sh + b * ch
    return sh / den, b / den


def over(upper, lower_r):
    """Reflectance of a layer (R, T) over a ground of reflectance lower_r."""
    r, t = upper
    return r + t * t * lower_r / (1.0 - r * lower_r)


def stack(upper, lower):
    r1, t1 = upper
    r2, t2 = lower
    den = 1.0 - r1 * r2
    return r1 + t1 * t1 * r2 / den, t1 * t2 / den


def infinite(k, s):
    a = 1.0 + k / s
    return a - math.sqrt(a * a - 1.0)


def surface(r_internal, k1, k2):  # Saunderson
    return k1 + (1 - k1) * (1 - k2) * r_internal / (1 - k2 * r_internal)


# --- the clinics --------------------------------------------------------------------------

CLINICS = {
    "light-cool": dict(
        describe="heals light and cool: thick epidermis, strong Rayleigh scattering, little ink kept",
        mus500=62.0, rayleigh=0.55, mie_b=0.9, epidermis_mm=0.10, depth_mm=0.08, ink_mm=0.08,
        kept=0.10, k_per_ks=32.0, k1=0.03, k2=0.55, client_spread=0.30, patchy=None, tint=0.0),
    "dark": dict(
        describe="heals darker than the defaults: thin epidermis, ink packed dense just below it",
        mus500=42.0, rayleigh=0.3, mie_b=0.6, epidermis_mm=0.045, depth_mm=0.02, ink_mm=0.25,
        kept=1.6, k_per_ks=36.0, k1=0.04, k2=0.6, client_spread=0.30, patchy=None, tint=0.0),
    "dark-deep": dict(
        describe="much ink, deep in a blood-rich dermis, weak scattering: dark and blue",
        mus500=36.0, rayleigh=0.25, mie_b=0.5, epidermis_mm=0.07, depth_mm=0.35, ink_mm=0.30,
        kept=3.0, k_per_ks=30.0, k1=0.035, k2=0.6, client_spread=0.35, patchy=None, tint=0.0,
        blood_boost=2.0),
    "patchy-warm": dict(
        describe="ink in clusters over a third of the dot, with a warm healing tint",
        mus500=55.0, rayleigh=0.4, mie_b=0.7, epidermis_mm=0.07, depth_mm=0.10, ink_mm=0.12,
        kept=0.5, k_per_ks=30.0, k1=0.035, k2=0.6, client_spread=0.30, patchy=0.33, tint=60.0),
}


class Clinic:
    def __init__(self, name, inks, diluents, seed, noise):
        self.name = name
        self.c = CLINICS[name]
        self.inks = inks
        self.ink_ids = sorted(inks)
        self.diluent = diluents[0] if diluents else "distilled-water"
        self.rng = random.Random(seed)
        self.noise = noise

    def new_client(self, cid):
        u, z = self.rng.random, self.rng.gauss
        return dict(
            id=cid,
            melanin=0.003 + 0.15 * u() ** 1.5,
            blood=(0.003 + 0.022 * u()) * self.c.get("blood_boost", 1.0),
            saturation=0.6 + 0.3 * u(),
            carotene=0.5 * u(),
            kept=self.c["kept"] * math.exp(self.c["client_spread"] * z(0, 1)),
            epidermis=self.c["epidermis_mm"] * math.exp(0.12 * z(0, 1)))

    def recipe(self):
        first = self.rng.choice(self.ink_ids)
        parts = [{"id": first, "kind": "pigment", "parts": self.rng.randint(1, 4)}]
        if self.rng.random() < 0.3:
            second = self.rng.choice(self.ink_ids)
            if second != first:
                parts.append({"id": second, "kind": "pigment", "parts": 1})
        water = self.rng.randint(0, 12)
        if water:
            parts.append({"id": self.diluent, "kind": "diluent", "parts": water})
        return parts

    def ink_optics(self, recipe, nm):
        """Absorption and scattering (cm^-1) the recipe's cup puts in skin at kept share 1."""
        total = sum(p["parts"] for p in recipe)
        k = s = 0.0
        for p in recipe:
            if p["kind"] != "pigment":
                continue
            share = p["parts"] / total
            for pigment, amount in self.inks[p["id"]]:
                k += share * amount * PIGMENT_ABSORPTION[pigment](nm) * self.c["k_per_ks"]
                s += share * amount * PIGMENT_SCATTERING[pigment]
        return k, s

    def column(self, client, nm, ink_k, ink_s, tint):
        """Internal reflectance of one column: epidermis / dermis above / ink layer / dermis."""
        c = self.c
        mus = reduced_scattering(nm, c)
        s = 0.75 * mus
        epi_k = 2 * (client["melanin"] * melanin_mua(nm) + (1 - client["melanin"]) * baseline_mua(nm) +
                     client["carotene"] * carotene_mua(nm))
        derm_k = 2 * (client["blood"] * blood_mua(nm, client["saturation"]) + baseline_mua(nm))
        epidermis = layer(epi_k, s, client["epidermis"] * 0.1)
        above = layer(derm_k, s, c["depth_mm"] * 0.1)
        ink = layer(derm_k + ink_k + tint, s + ink_s, c["ink_mm"] * 0.1)
        below = infinite(derm_k, s)
        return over(stack(epidermis, stack(above, ink)), below)

    def reflectance(self, client, recipe):
        c = self.c
        out = []
        for nm in NM:
            k, s = self.ink_optics(recipe, nm) if recipe else (0.0, 0.0)
            k *= client["kept"]
            s *= client["kept"]
            # A healing tint (haemosiderin-like: absorbs blue) in proportion to the ink's amount.
            tint = c["tint"] * min(1.0, k / 400.0) * math.exp(-(nm - 400) / 70.0) if k > 0 else 0.0
            if c["patchy"]:
                share = c["patchy"]
                r_internal = (share * self.column(client, nm, k / share, s / share, tint / share) +
                              (1 - share) * self.column(client, nm, 0.0, 0.0, 0.0))
            else:
                r_internal = self.column(client, nm, k, s, tint)
            out.append(surface(r_internal, c["k1"], c["k2"]))
        return out

    def measured(self, value):
        return [round(v + self.rng.gauss(0, self.noise), 3) for v in value]


def outcome(clinic, client, recipe, oid, true_healed=False, session=None):
    skin = clinic.measured(lab(clinic.reflectance(client, None)))
    truth = lab(clinic.reflectance(client, recipe))
    record = {"kind": "outcome", "id": oid, "client": client["id"], "part": "hair"}
    if session is not None:
        record["session"] = session
    record.update({"skin": skin, "recipe": recipe, "healed": clinic.measured(truth), "weeks": 8.0})
    if true_healed:
        record["true_healed"] = [round(v, 4) for v in truth]
        # The best a clinic-wide model can do: this client's skin, the clinic's typical share.
        typical = dict(client, kept=clinic.c["kept"])
        record["clinic_healed"] = [round(v, 4) for v in lab(clinic.reflectance(typical, recipe))]
    record["white"] = "D50"
    return record


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("clinic", nargs="?", choices=sorted(CLINICS))
    parser.add_argument("--catalog", default=os.path.join(ROOT, "pigments"))
    parser.add_argument("--clients", type=int, default=40)
    parser.add_argument("--sessions", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kind", choices=["train", "heldout", "session2"], default="train")
    parser.add_argument("--noise", type=float, default=0.4)
    parser.add_argument("--client-spread", type=float,
                        help="SD of ln(share of ink kept) between clients (default: the clinic's)")
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list or not args.clinic:
        for name in sorted(CLINICS):
            print("%-12s %s" % (name, CLINICS[name]["describe"]))
        return
    inks, diluents = read_inks(args.catalog)
    # Each kind draws from its own stream: held-out clients are never training clients.
    offset = {"train": 0, "heldout": 7919, "session2": 15887}[args.kind]
    clinic = Clinic(args.clinic, inks, diluents, args.seed * 104729 + offset, args.noise)
    if args.client_spread is not None:
        clinic.c = dict(clinic.c, client_spread=args.client_spread)
    out = sys.stdout
    for i in range(args.clients):
        client = clinic.new_client("%s-%s%d" % (args.clinic, args.kind, i + 1))
        if args.kind == "train":
            for s in range(args.sessions):
                rec = outcome(clinic, client, clinic.recipe(), "%s/session%d" % (client["id"], s + 1),
                              session=s + 1)
                out.write(json.dumps(rec, separators=(",", ":")) + "\n")
        elif args.kind == "heldout":
            rec = outcome(clinic, client, clinic.recipe(), client["id"] + "/case", true_healed=True)
            out.write(json.dumps(rec, separators=(",", ":")) + "\n")
        else:
            for s in (1, 2):
                rec = outcome(clinic, client, clinic.recipe(), "%s/session%d" % (client["id"], s),
                              true_healed=True, session=s)
                out.write(json.dumps(rec, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
