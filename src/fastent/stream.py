# SPDX-License-Identifier: BSD-3-Clause
"""Data bigger than memory: mutual information from count tables built chunk by chunk.

:class:`MutualInfoAccumulator` counts chunks of rows (``update``), adds up accumulators built
elsewhere (``merge``: other processes, other machines) and gives the scores, the greedy
selection and the pairwise matrix of :mod:`fastent.selection` on all the data counted, with the
same numbers.  Its state is the count tables, never the rows: small, and picklable.
:mod:`fastent.dask` runs it over the partitions of Dask collections.

Examples
--------
>>> import numpy as np
>>> from fastent.stream import MutualInfoAccumulator
>>> rng = np.random.default_rng(0)
>>> acc = MutualInfoAccumulator()
>>> for _ in range(3):  # e.g. batches read from a file
...     X = rng.integers(0, 3, (500, 2))
...     _ = acc.update(X, X[:, 0] == 2)
>>> acc.scores(base=2).round(2)
array([0.93, 0.  ])
"""

from __future__ import annotations

from .selection import MutualInfoAccumulator

__all__ = ["MutualInfoAccumulator"]
