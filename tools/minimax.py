# SPDX-License-Identifier: BSD-3-Clause
"""Fit the polynomial of ``fe_exp_core`` (src/fastent/_kernels/_math.h) and report its error.

exp(r) = 1 + r + r^2 P(r) on |r| <= a; P of degree ``d`` is fitted to (exp(r) - 1 - r) / r^2 by
Lawson's iteratively reweighted least squares (near-minimax in the weighted max norm
max |r^2 (P - g)|), in 50-digit arithmetic, then rounded to double; the error printed is the
relative error of 1 + r + r^2 P(r) with the rounded coefficients, in units of 2^-53, on a dense
grid.  Needs mpmath.

    python tools/minimax.py 0.17328679513998632 7   # fe_exp_core: |r| <= ln2/4, degree 9 in all
"""

import sys
from collections.abc import Callable

import mpmath as mp

mp.mp.dps = 50


def lawson(
    xs: list[mp.mpf], g: list[mp.mpf], scale: list[mp.mpf], degree: int, rounds: int = 30
) -> list[float]:
    """The polynomial P of ``degree`` near-minimax in max_i |scale_i (P(x_i) - g_i)| (Lawson's
    iteratively reweighted least squares over the points ``xs``), rounded to double."""
    points = len(xs)
    weights = [mp.mpf(1)] * points
    c = None
    for _ in range(rounds):
        A = mp.matrix(points, degree + 1)
        b = mp.matrix(points, 1)
        for i, x in enumerate(xs):
            s = mp.sqrt(weights[i]) * scale[i]
            for j in range(degree + 1):
                A[i, j] = s * x**j
            b[i] = s * g[i]
        c = mp.qr_solve(A, b)[0]
        err = [
            abs(si * (mp.polyval(list(reversed(c)), x) - gi))
            for x, gi, si in zip(xs, g, scale, strict=True)
        ]
        total = sum(w * e for w, e in zip(weights, err, strict=True))
        weights = [w * e / total * points for w, e in zip(weights, err, strict=True)]
    assert c is not None
    return [float(c[j]) for j in range(degree + 1)]


def chebyshev_points(a: mp.mpf, points: int) -> list[mp.mpf]:
    return [a * mp.cos(mp.pi * (k + mp.mpf(0.5)) / points) for k in range(points)]


def worst_relative(
    a: mp.mpf,
    approx: Callable[[mp.mpf], mp.mpf],
    exact: Callable[[mp.mpf], mp.mpf],
    grid: int = 4000,
) -> float:
    """max |approx(x) - exact(x)| / |exact(x)| over a grid of [-a, a] (0 left out), in 2^-53."""
    worst = mp.mpf(0)
    for k in range(grid + 1):
        x = -a + 2 * a * mp.mpf(k) / grid
        if x:
            worst = max(worst, abs(approx(x) - exact(x)) / abs(exact(x)))
    return float(worst / mp.mpf(2) ** -53)


def fit(a: mp.mpf, degree: int, points: int = 400) -> list[float]:
    xs = chebyshev_points(a, points)
    return lawson(xs, [(mp.exp(x) - 1 - x) / x**2 for x in xs], [x**2 for x in xs], degree)


def relative_error(a: mp.mpf, coefficients: list[float]) -> float:
    rev = [mp.mpf(c) for c in reversed(coefficients)]
    return worst_relative(a, lambda x: 1 + x + x**2 * mp.polyval(rev, x), mp.exp)


if __name__ == "__main__":
    a, degree = mp.mpf(sys.argv[1]), int(sys.argv[2])
    coefficients = fit(a, degree)
    print(", ".join(repr(c) for c in coefficients))
    print(f"relative error: {relative_error(a, coefficients):.3f} * 2^-53")
