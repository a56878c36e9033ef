# SPDX-License-Identifier: BSD-3-Clause
"""Fuzz inputs that found bugs, per family: seeds of ``seeded_bytes`` (the smoke run's bytes).

A seed names an input only as long as ``inputs.Draw`` reads bytes the same way; each bug also has
an explicit regression test in ``tests/test_regressions.py`` (section 12), which does not depend
on the fuzz harness.  Crash files from the long atheris runs go in ``CRASHES`` as bytes.
"""

from __future__ import annotations

import numpy as np

#: bytes per smoke-run input
INPUT_BYTES = 512


def seeded_bytes(seed: int) -> bytes:
    """The fuzz input of ``seed`` (the smoke run draws seeds 0, 1, 2, ...)."""
    return np.random.default_rng(seed).bytes(INPUT_BYTES)


SEEDS: dict[str, list[int]] = {
    "distributions": [
        1141, 1464, 1781, 1965,  # empty rows under nan_policy; q=None (IndexError)
        2862, 3442, 9520, 9747, 10129, 10225,  # KL inf where q underflows once normalised
        7008, 9771, 10536,  # cross-entropy inf where q underflows
        9842,  # KL 0 where p > 0 = q (p underflowing)
        3499,  # q checked through a zero-row broadcast
        5199, 5426,  # js_distance: sqrt of JS's rounding
    ],
    "logits": [
        197, 625, 895, 1117, 1219, 2950,  # empty softmax; n_jobs unchecked on empty input
        522, 649, 705, 721, 891,  # weighted logsumexp of 0-d input
        2149,  # weighted logsumexp of a broadcast x: uninitialised memory
        2650, 3001,  # weighted logsumexp with infinite weights
        176, 1070, 1279, 3004, 3074, 202,  # cross-entropy limits at +-inf logits, inf targets
        349, 1729, 1120,  # pos_weight of the wrong size or sign; weights beyond float32
        3117,  # unsigned labels with ignore_index: segfault
        3824, 7190,  # soft-target loss of tiny probabilities; gradient cancellation
    ],
    "discrete": [1414, 1466, 1604, 1618, 1626, 1631, 1644, 1645, 1678, 1691, 1698],  # n_jobs
    "selection": [1040, 1050, 1060, 1122, 1232, 1524],  # object columns with NaN
}  # fmt: skip

#: Inputs of the atheris runs (libFuzzer crash files, base64) that found bugs: read by atheris's
#: FuzzedDataProvider, so they replay only where atheris is installed.
CRASHES: dict[str, list[str]] = {
    "distributions": [  # entropy of [DBL_MAX, -1e300, DBL_MAX] (propagate): the sum overflowed
        "QQABAAEAAENDQ0NDQ0PQQ0MBAC1DQwApAA==",
    ],
    "logits": [
        "////q0RERB9NTU0DuC8AAAAgALpN",  # sparse CE of 0 rows, 0 classes: the reference failed
        # soft labels of 1e38: the gradient (softmax * 5e38 - 1e38) is 1 ulp of its terms, the
        # harness's tolerance scaled with the gradient alone
        "KjU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU14eHh4TU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1MSo=",
        # NaN logits of a row that ignore_index leaves out: not read (PyTorch); the reference
        # raised
        "DkMAAAAFtUrQAAAAf39/f39/f39/f39/ADIAAAAIAH8Af39/f39/f39/fykp",
    ],
    "discrete": [  # NMI of a constant labelling: the reference's MI was 2.2e-16, not 0
        "kpKSkpKSAQCSkpKSkpKSkpCSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSkpKSksI=",
        # AMI (average "min") where x gives each sample its own label: 0 / 0 up to rounding,
        # fastent 1.0 (as scikit-learn), the reference 1.125
        "eS7//gew//8Ivy4HsP///wgmbR5heC14LUJhIQ==",
    ],
    "selection": [  # quantile edges of [-0.5, 5e-324, 0] on x / 2: the subnormal flushed to 0
        "AU8AHBwcHBwcHBwcHBwcHBwcHBw+Pz4+Pj4+PD4AAAAALgWyZ0AA/z0AkgM7",
    ],
}
