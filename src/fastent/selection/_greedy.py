# SPDX-License-Identifier: BSD-3-Clause
"""Greedy feature selection: a table of criteria, one loop.

Every criterion is the same loop: pick the best-scoring remaining column, count the remaining
columns against the pick (one sweep), fold the sweep's terms into a running accumulator, and
rescore.  A :class:`Criterion` says what the sweep computes, how terms accumulate (sum or min)
and how the score follows from relevance and accumulator; adding a criterion adds a row to
``CRITERIA``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core.checks import check_k, log_base
from .._core.measures import estimator_code
from ._columns import code_target
from ._scores import input_bytes, scoring
from ._sweeps import Bitsets, Sweeps, Target

__all__ = ["CRITERIA", "Selection", "select_features"]

#: The new term of each candidate given a new pick s: sweep(sweeps, candidates, s, y, relevance).
Term = Callable[[Sweeps, Sequence[int], int, Target, np.ndarray], np.ndarray]


def _redundancy(sweeps: Sweeps, j: Sequence[int], s: int, y: Target, rel: np.ndarray) -> np.ndarray:
    """I(X_j; X_s)."""
    return sweeps.mutual_info(j, sweeps.column_target(s))


def _conditional(
    sweeps: Sweeps, j: Sequence[int], s: int, y: Target, rel: np.ndarray
) -> np.ndarray:
    """I(X_j; y | X_s)."""
    return sweeps.conditional_mutual_info(j, s, y)


def _joint(sweeps: Sweeps, j: Sequence[int], s: int, y: Target, rel: np.ndarray) -> np.ndarray:
    """I(X_j, X_s; y) = I(X_s; y) + I(X_j; y | X_s): the table CMIM's term comes from."""
    return np.asarray(rel[s] + sweeps.conditional_mutual_info(j, s, y))


@dataclass(frozen=True)
class Criterion:
    """A greedy criterion: ``term`` (None: relevance alone) is folded into the accumulator by
    ``fold`` (sum or min), and ``score(relevance, accumulated, n_selected)`` ranks the
    candidates."""

    term: Term | None
    fold: Callable[[np.ndarray, np.ndarray], np.ndarray] = np.add
    start: float = 0.0
    score: Callable[[np.ndarray, np.ndarray, int], np.ndarray] = lambda rel, acc, n: acc


#: Greedy selection criteria of :func:`select_features`, by name (a row per method).
CRITERIA: dict[str, Criterion] = {
    "mi": Criterion(None),
    "mrmr": Criterion(_redundancy, score=lambda rel, acc, n: rel - acc / n),
    "jmi": Criterion(_joint),
    "cmim": Criterion(_conditional, fold=np.minimum, start=np.inf),
}


def greedy(
    relevance: np.ndarray,
    k: int,
    criterion: Criterion,
    term: Callable[[Sequence[int], int], np.ndarray],
    progress: Callable[[int, int], None] | None = None,
) -> list[tuple[int, float]]:
    """[(pick, score), ...]: ``k`` greedy picks; ``term(candidates, s)`` is the criterion's new
    term of each candidate given the new pick s.  Scores within 1e-12 (relative to
    max(1, |best|)) of the best tie, and ties go to the lowest index."""
    p = relevance.shape[0]
    remaining = np.ones(p, dtype=bool)
    acc = np.full(p, criterion.start)
    score = relevance.copy()
    picks: list[tuple[int, float]] = []
    for step in range(k):
        masked = np.where(remaining, score, -np.inf)
        best = float(masked.max())
        pick = int(np.flatnonzero(masked >= best - 1e-12 * max(1.0, abs(best)))[0])
        picks.append((pick, float(score[pick])))
        remaining[pick] = False
        if progress is not None:
            progress(step + 1, k)
        if step + 1 == k or criterion.term is None:
            continue
        candidates = np.flatnonzero(remaining)
        acc[candidates] = criterion.fold(acc[candidates], term(candidates.tolist(), pick))
        score[candidates] = criterion.score(relevance[candidates], acc[candidates], step + 1)
    return picks


@dataclass(frozen=True)
class Selection:
    """The result of :func:`select_features`.

    Attributes
    ----------
    indices : ndarray of intp
        The selected columns, in the order they were picked.
    scores : ndarray of float64
        The criterion of each pick when it was made (``scores[0]`` is the relevance
        :math:`I(X_{j_0}; y)` of the first pick).
    names : list of str
        Column names of the picks (DataFrame column names, else the indices as strings).
    relevance : ndarray of float64
        :math:`I(X_j; y)` of every column.
    """

    indices: np.ndarray
    scores: np.ndarray
    names: list[str]
    relevance: np.ndarray


def select_features(
    X: Any,
    y: Any,
    k: int,
    *,
    method: str = "mrmr",
    discrete: Any = "auto",
    n_bins: int = 16,
    strategy: str = "quantile",
    estimator: str = "plugin",
    base: float | None = None,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Selection:
    r"""Greedy selection of ``k`` columns by a mutual-information criterion.

    Parameters
    ----------
    X, y, discrete, n_bins, strategy, estimator, base, n_jobs
        As in :func:`mutual_info_scores`.
    k : int
        Number of columns to select, 1 <= k <= n_features.
    method : {"mi", "mrmr", "jmi", "cmim"}, default "mrmr"
        The score of a candidate column :math:`X_j` given the selected set S:

        * ``mi``: relevance :math:`I(X_j; y)` (no redundancy term);
        * ``mrmr``: :math:`I(X_j; y) - \frac{1}{|S|} \sum_{s \in S} I(X_j; X_s)` (Peng et al.
          2005, difference form);
        * ``jmi``: :math:`\sum_{s \in S} I(X_j, X_s; y)` (Yang & Moody 1999);
        * ``cmim``: :math:`\min_{s \in S} I(X_j; y \mid X_s)` (Fleuret 2004).

        The first pick is the most relevant column.  Ties (within 1e-12 relative) go to the
        lowest column index.
    progress : callable, optional
        Called as ``progress(done, k)`` after every pick.

    Returns
    -------
    Selection
        ``.indices`` (selection order), ``.scores`` (criterion at each pick), ``.names``,
        ``.relevance``.

    Raises
    ------
    ValueError
        k outside [1, n_features], an unknown method, and the input errors of
        :func:`mutual_info_scores`.

    Notes
    -----
    Each step counts every remaining column against one target in a single pass (the last pick
    for mRMR; the pair of the last pick and y for JMI and CMIM) and updates the running
    redundancy sums or minima, so no pair is counted twice: ``k`` passes over the data in all.

    Examples
    --------
    >>> import numpy as np
    >>> from fastent import selection
    >>> rng = np.random.default_rng(1)
    >>> a, b = rng.integers(0, 2, (2, 2000))
    >>> X = np.column_stack([a, a, b])  # column 1 duplicates column 0
    >>> y = 2 * a + (b ^ (rng.random(2000) < 0.1))  # a, and a noisy copy of b
    >>> selection.select_features(X, y, 2, method="mi").indices  # relevance only: a twice
    array([0, 1])
    >>> selection.select_features(X, y, 2, method="mrmr").indices  # the copy is redundant
    array([0, 2])
    """
    if method not in CRITERIA:
        raise ValueError(f"method must be one of {tuple(CRITERIA)}, got {method!r}")
    criterion = CRITERIA[method]
    estimator_code(estimator)
    scale = log_base(base)
    cols, est, threads = scoring(X, discrete, n_bins, strategy, estimator, n_jobs)
    k = check_k(k, len(cols.names))
    y_codes = code_target(y, cols.n, threads)
    # repeated sweeps (a pick's terms): bitsets of every column, built in one pass
    repeated = criterion.term is not None and k > 1
    sweeps = Sweeps(
        cols, est, threads, Bitsets.build(cols, threads, input_bytes(X)) if repeated else None
    )
    target = sweeps.target(y_codes)
    relevance = sweeps.mutual_info(range(len(cols.names)), target)

    def term(candidates: Sequence[int], s: int) -> np.ndarray:
        assert criterion.term is not None
        return criterion.term(sweeps, candidates, s, target, relevance)

    picks = greedy(relevance, k, criterion, term, progress)
    indices = np.asarray([j for j, _ in picks], dtype=np.intp)
    scores = np.asarray([score for _, score in picks]) / scale
    return Selection(indices, scores, [cols.names[j] for j in indices], relevance / scale)
