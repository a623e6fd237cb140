#!/usr/bin/env python3
"""Reference values for tests/unit/core/metamerism_test.cpp, worked independently of the C++.

ISO 18314-4:2024, metamerism index for a change of illuminant, with its spectral correction:
  W_r (n x 3): the reference illuminant's tristimulus weights S_r(l) xbar,ybar,zbar(l)
  P = W_r (W_r^T W_r)^-1 W_r^T                      (projection onto the weights' column space)
  R_corr = R_spl + P (R_std - R_spl)                (so that XYZ_r(R_corr) = XYZ_r(R_std))
  M_t = dE(Lab_t(R_std), Lab_t(R_corr))             (Lab under the test illuminant, its white)
Plain Python: the CIE tables from data/*.csv, a 3x3 solve by Cramer's rule, CIELAB (CIE 15:2004)
and CIEDE2000 (Sharma, Wu, Dalal 2005) written out here.

Checked first against colour-science's published example (sd_to_metamerism_index doctest,
D65 -> A, 10 deg, CIE 1976: 3.4766679), then run for the test's pairs (D50 -> A, FL11, LED-B3,
2 deg, CIEDE2000).  Run: python3 tests/unit/core/metamerism_reference.py
"""
import math, os

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..')

def table(name):
    rows = {}
    for line in open(os.path.join(ROOT, 'data', name)):
        if line[0].isdigit():
            cells = line.strip().split(',')
            rows[int(cells[0])] = [float(c) for c in cells[1:]]
    return rows

def at(t, nm, col=0):
    return t[nm][col] if nm in t else 0.0

CMF = {2: table('cie1931_2deg_cmf.csv'), 10: table('cie1964_10deg_cmf.csv')}
ILL = {k: table('illuminant_%s.csv' % k) for k in ('D50', 'D65', 'A', 'FL11', 'LED_B3')}
NM = list(range(400, 701, 10))

def weights(ill, obs):
    return [[at(ILL[ill], nm) * CMF[obs][nm][k] for k in range(3)] for nm in NM]

def xyz(r, ill, obs):
    w = weights(ill, obs)
    norm = sum(row[1] for row in w)
    return [sum(r[i] * w[i][k] for i in range(len(NM))) / norm for k in range(3)]

def det3(m):
    return (m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]))

def solve3(m, v):
    d = det3(m)
    out = []
    for c in range(3):
        mc = [[v[r] if k == c else m[r][k] for k in range(3)] for r in range(3)]
        out.append(det3(mc) / d)
    return out

def corrected(spl, std, ref, obs):
    w = weights(ref, obs)
    n = len(NM)
    wtw = [[sum(w[i][a] * w[i][b] for i in range(n)) for b in range(3)] for a in range(3)]
    d = [std[i] - spl[i] for i in range(n)]
    u = solve3(wtw, [sum(w[i][a] * d[i] for i in range(n)) for a in range(3)])
    return [spl[i] + sum(w[i][a] * u[a] for a in range(3)) for i in range(n)]

def lab(x, white):
    def f(t):
        return t ** (1 / 3) if t > (6 / 29) ** 3 else t / (3 * (6 / 29) ** 2) + 4 / 29
    fx, fy, fz = (f(x[k] / white[k]) for k in range(3))
    return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)]

def de76(a, b):
    return math.sqrt(sum((a[k] - b[k]) ** 2 for k in range(3)))

def de00(lab1, lab2):
    L1, a1, b1 = lab1; L2, a2, b2 = lab2
    C1, C2 = math.hypot(a1, b1), math.hypot(a2, b2)
    Cb = (C1 + C2) / 2
    G = 0.5 * (1 - math.sqrt(Cb ** 7 / (Cb ** 7 + 25 ** 7)))
    a1p, a2p = (1 + G) * a1, (1 + G) * a2
    C1p, C2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1 = math.degrees(math.atan2(b1, a1p)) % 360 if C1p else 0
    h2 = math.degrees(math.atan2(b2, a2p)) % 360 if C2p else 0
    dL, dC = L2 - L1, C2p - C1p
    if C1p * C2p == 0: dh = 0
    elif abs(h2 - h1) <= 180: dh = h2 - h1
    elif h2 - h1 > 180: dh = h2 - h1 - 360
    else: dh = h2 - h1 + 360
    dH = 2 * math.sqrt(C1p * C2p) * math.sin(math.radians(dh / 2))
    Lb, Cbp = (L1 + L2) / 2, (C1p + C2p) / 2
    if C1p * C2p == 0: hb = h1 + h2
    elif abs(h1 - h2) <= 180: hb = (h1 + h2) / 2
    elif h1 + h2 < 360: hb = (h1 + h2 + 360) / 2
    else: hb = (h1 + h2 - 360) / 2
    T = (1 - 0.17 * math.cos(math.radians(hb - 30)) + 0.24 * math.cos(math.radians(2 * hb))
         + 0.32 * math.cos(math.radians(3 * hb + 6)) - 0.20 * math.cos(math.radians(4 * hb - 63)))
    dtheta = 30 * math.exp(-((hb - 275) / 25) ** 2)
    Rc = 2 * math.sqrt(Cbp ** 7 / (Cbp ** 7 + 25 ** 7))
    SL = 1 + 0.015 * (Lb - 50) ** 2 / math.sqrt(20 + (Lb - 50) ** 2)
    SC, SH = 1 + 0.045 * Cbp, 1 + 0.015 * Cbp * T
    RT = -math.sin(math.radians(2 * dtheta)) * Rc
    return math.sqrt((dL / SL) ** 2 + (dC / SC) ** 2 + (dH / SH) ** 2 + RT * (dC / SC) * (dH / SH))

def metamerism_index(spl, std, ref, test, obs, diff=de00, white=None):
    corr = corrected(spl, std, ref, obs)
    assert max(abs(a - b) for a, b in zip(xyz(corr, ref, obs), xyz(std, ref, obs))) < 1e-12
    w = white or xyz([1.0] * len(NM), test, obs)
    return diff(lab(xyz(std, test, obs), w), lab(xyz(corr, test, obs), w))

# colour-science's example pair (400-700 nm at 10 nm).
N_SPL = [0.0379, 0.0403, 0.0415, 0.0427, 0.045, 0.0483, 0.0521, 0.0572, 0.0624, 0.0673, 0.0777,
         0.1026, 0.1307, 0.145, 0.1484, 0.1455, 0.1375, 0.1254, 0.1099, 0.0908, 0.0698, 0.0526,
         0.0423, 0.0368, 0.0331, 0.0306, 0.0297, 0.0311, 0.034, 0.038, 0.0421]
N_STD = [0.099, 0.1244, 0.0933, 0.0596, 0.0405, 0.0322, 0.0299, 0.0316, 0.0377, 0.0507, 0.0681,
         0.0968, 0.1522, 0.2014, 0.1991, 0.159, 0.1162, 0.0843, 0.0655, 0.057, 0.0553, 0.0582,
         0.0638, 0.0716, 0.0818, 0.0959, 0.1131, 0.1317, 0.149, 0.1656, 0.1832]

# Two batches of a warm brown ink at 1:3, the same under D50 but made with other pigments: the
# standard a carbon black + iron oxide red (PBk7 + PR101), the sample a black + yellow + violet.
BROWN_STD = [0.080 + 0.060 / (1 + math.exp(-(nm - 590) / 18)) for nm in NM]
BROWN_SPL = [0.085 + 0.030 / (1 + math.exp(-(nm - 560) / 30))
             + 0.012 * math.exp(-((nm - 450) / 30) ** 2) for nm in NM]

if __name__ == '__main__':
    # A's white for the 10 deg observer as colour-science gives it: xy (0.45117, 0.40594), Y = 1.
    x, y = 0.45117, 0.40594
    white_a10 = [x / y, 1.0, (1 - x - y) / y]
    print('colour-science example (D65 -> A, 10 deg, dE76; published 3.4766679): %.5f'
          % metamerism_index(N_SPL, N_STD, 'D65', 'A', 10, de76, white_a10))
    for name, spl, std in (('example', N_SPL, N_STD), ('brown', BROWN_SPL, BROWN_STD)):
        for test in ('A', 'FL11', 'LED_B3'):
            print('%s D50 -> %s, 2 deg, dE00: %.4f' % (name, test,
                  metamerism_index(spl, std, 'D50', test, 2)))
        print('%s D50 dE00 before correction: %.4f' % (name, de00(
            lab(xyz(std, 'D50', 2), xyz([1.0] * 31, 'D50', 2)),
            lab(xyz(spl, 'D50', 2), xyz([1.0] * 31, 'D50', 2)))))
        print('%s spl: %s' % (name, ', '.join('%.6f' % v for v in spl)))
        print('%s std: %s' % (name, ', '.join('%.6f' % v for v in std)))
