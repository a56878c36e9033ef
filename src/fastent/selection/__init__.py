# SPDX-License-Identifier: BSD-3-Clause
"""Feature scoring and selection by mutual information: many columns against one target at once.

Every column of ``X`` is a discrete variable (integer, bool, categorical or string columns as they
are; float columns binned by :func:`discretize`).  One kernel does all the counting: every column
against one target code vector, in row blocks that stay in cache, threads over row ranges.  The
target is ``y`` for the relevance scores, a selected column for mRMR's redundancy terms and for
the pairwise matrix, and the pair (selected column, ``y``) for JMI and CMIM, so each greedy step is
one pass over the remaining columns and no pair is ever counted twice.

The package's parts: ``_columns`` (column coding of ``X``), ``_binning`` (continuous columns),
``_sweeps`` (count/bitset sweeps and information from their tables), ``_scores``
(:func:`mutual_info_scores`, :func:`mutual_info_matrix`), ``_greedy`` (:func:`select_features`:
the criteria table and the greedy loop), ``_stream`` (:class:`MutualInfoAccumulator`: the
tables kept and merged chunk by chunk, served to the sweeps; public as ``fastent.stream``) and
``_sklearn`` (:class:`MutualInfoSelector`, imported
on first use: scikit-learn is optional).

Examples
--------
>>> import numpy as np
>>> from fastent import selection
>>> rng = np.random.default_rng(0)
>>> y = rng.integers(0, 2, 1000)
>>> X = np.column_stack([y, rng.integers(0, 2, 1000), y ^ (rng.random(1000) < 0.1)])
>>> selection.mutual_info_scores(X, y, base=2).round(2)
array([1.  , 0.  , 0.47])
>>> selection.select_features(X, y, 2, method="mrmr").indices
array([0, 1])
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._core.checks import STRATEGIES
from ._binning import discretize
from ._greedy import CRITERIA, SCORE_MEANING, Selection, select_features
from ._neighbors import mutual_info_classif, mutual_info_regression
from ._scores import mutual_info_matrix, mutual_info_scores, mutual_info_test
from ._stream import MutualInfoAccumulator

if TYPE_CHECKING:  # pragma: no cover
    from ._sklearn import MutualInfoSelector as MutualInfoSelector

# MutualInfoSelector is not in __all__: ``from fastent.selection import *`` must work without
# scikit-learn; ``from fastent.selection import MutualInfoSelector`` imports it on first use.
__all__ = [
    "METHODS",
    "SCORE_MEANING",
    "STRATEGIES",
    "MutualInfoAccumulator",
    "Selection",
    "discretize",
    "mutual_info_classif",
    "mutual_info_matrix",
    "mutual_info_regression",
    "mutual_info_scores",
    "mutual_info_test",
    "select_features",
]

#: Greedy selection criteria of :func:`select_features`.
METHODS: tuple[str, ...] = tuple(CRITERIA)


def __getattr__(name: str) -> Any:
    if name == "MutualInfoSelector":  # scikit-learn is optional: imported on first use
        from ._sklearn import MutualInfoSelector

        return MutualInfoSelector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*__all__, "MutualInfoSelector"])
