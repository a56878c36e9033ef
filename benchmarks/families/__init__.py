# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark workloads, one module per family; each workload is a builder with ``@workload``.

- ``distributions``: W1 (entropy), W2a (KL divergence), W2b (JS divergence) of rows.
- ``logits``: W3a (logsumexp), W3b (log_softmax), W4 (sparse softmax cross-entropy) and W5
  (sigmoid cross-entropy), each in float32 and float64.
- ``discrete``: W6 (MI), W9 (conditional MI), AMI, MI with a million labels a side.
- ``selection``: W7 (MI of every column with y; also F order and int8), W8 (mRMR), W11 (coding
  string columns of every frame kind).

``load()`` imports them, which registers their builders in ``harness.REGISTRY`` (in this order,
the order of the report) without building any data.
"""

from __future__ import annotations

import importlib

FAMILIES = ("distributions", "logits", "discrete", "selection")


def load() -> None:
    """Import every family module, registering its workloads."""
    for family in FAMILIES:
        importlib.import_module(f"{__name__}.{family}")
