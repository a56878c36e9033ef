# SPDX-License-Identifier: BSD-3-Clause
"""Make the table and polynomial of ``fe_log8d`` (src/fastent/_kernels/_math.h) and report them.

x = 2^k m with m = bits(u + OFF), u the low 52 bits of bits(x) - OFF, so m lies in
[0.698, 1.396); OFF puts 1 two thirds into bin 9 (a bin is 2^48 of u: 1/32 of m below 1, 1/16
above), so the bin around 1 spans r in [-1/48, 1/48] with c = 1.  Each other bin's 1/c is a
double of 20 significant bits near the inverse of its balanced centre 2 lo hi / (lo + hi),
picked so that -log(1/c) is nearest a double (Gal's accurate tables: within 0.004 ulp).  Then
log1p(r) = r + r^2 Q(r) with Q of degree ``d`` fitted to (log1p(r) - r) / r^2 by Lawson's
iteratively reweighted least squares in the weighted max norm of the relative error, in 50-digit
arithmetic, rounded to double (tools/minimax.py's fit).  Needs mpmath.

    python tools/log_table.py 7   # fe_log8d: degree 7 (0.07 * 2^-53 relative on |r| <= 0.0299)
"""

import struct
import sys

import mpmath as mp
from minimax import chebyshev_points, lawson, worst_relative

mp.mp.dps = 50
OFF = 0x3FF0000000000000 - (29 << 48) // 3  # bits of 1.0 minus 9 2/3 bins


def as_double(bits: int) -> float:
    return float(struct.unpack("<d", struct.pack("<Q", bits))[0])


def bins() -> list[tuple[mp.mpf, mp.mpf]]:
    """The [lo, hi] of m over each of the sixteen bins."""
    return [
        (mp.mpf(as_double(OFF + (j << 48))), mp.mpf(as_double(OFF + ((j + 1) << 48) - 1)))
        for j in range(16)
    ]


def ulps_off(value: mp.mpf) -> mp.mpf:
    """How far ``value`` is from the nearest double, in its units of the last place."""
    return abs(value - mp.mpf(float(value))) / mp.mpf(2) ** (mp.floor(mp.log(abs(value), 2)) - 52)


def inverse(lo: mp.mpf, hi: mp.mpf, candidates: int = 3000) -> float:
    """1/c of a bin: 1 for the bin holding 1, else the 20-bit double near the inverse of the
    balanced centre whose -log is nearest a double, its |r| within 1% of the balanced one."""
    if lo <= 1 <= hi:
        return 1.0
    ideal = (lo + hi) / (2 * lo * hi)
    step = 2.0 ** (int(mp.floor(mp.log(ideal, 2))) - 19)
    centre = round(float(ideal) / step)
    balanced = (hi - lo) / (hi + lo)
    best = None
    for n in range(centre - candidates, centre + candidates + 1):
        invc = n * step
        if max(abs(lo * invc - 1), abs(hi * invc - 1)) > balanced * mp.mpf("1.01"):
            continue
        off = ulps_off(-mp.log(mp.mpf(invc)))
        if best is None or off < best[0]:
            best = (off, invc)
    assert best is not None
    return best[1]


def fit(a: mp.mpf, degree: int, points: int = 300) -> list[float]:
    """Q for log1p(r) = r + r^2 Q(r) on |r| <= a, near-minimax in the error relative to log1p."""
    xs = chebyshev_points(a, points)
    g = [(mp.log1p(x) - x) / x**2 for x in xs]
    return lawson(xs, g, [x**2 / abs(mp.log1p(x)) for x in xs], degree, rounds=40)


def relative_error(a: mp.mpf, coefficients: list[float]) -> float:
    rev = [mp.mpf(c) for c in reversed(coefficients)]
    return worst_relative(a, lambda x: x + x**2 * mp.polyval(rev, x), mp.log1p)


if __name__ == "__main__":
    degree = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    invc = [inverse(lo, hi) for lo, hi in bins()]
    logc = [float(-mp.log(mp.mpf(v))) for v in invc]
    a = max(max(abs(lo * v - 1), abs(hi * v - 1)) for (lo, hi), v in zip(bins(), invc, strict=True))
    print(f"OFF = {OFF:#x}; |r| <= {float(a):.6f}")
    print("invc:", ", ".join(v.hex() for v in invc))
    print("logc:", ", ".join(v.hex() for v in logc))
    worst = max(ulps_off(-mp.log(mp.mpf(v))) for v in invc if v != 1)
    print(f"logc off a double by at most {float(worst):.4f} ulp")
    coefficients = fit(a * mp.mpf("1.0001"), degree)
    print("Q (c0 first):", ", ".join(c.hex() for c in coefficients))
    print(f"relative error: {relative_error(a, coefficients):.3f} * 2^-53")
