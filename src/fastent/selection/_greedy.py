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
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .._core.checks import check_k, log_base
from .._core.measures import estimator_code
from ._columns import Columns
from ._neighbors import knn_redundancy, knn_relevance, prepare
from ._scores import check_adjusted, check_knn, g_test_pvalues, input_bytes, scoring
from ._sweeps import Bitsets, Sweeps, Target

__all__ = [
    "CRITERIA",
    "SCORE_MEANING",
    "Selection",
    "check_method",
    "greedy_selection",
    "select",
    "select_features",
]

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
    """I(X_j, X_s; y) = I(X_s; y) + I(X_j; y | X_s), both from the table CMIM's term comes
    from."""
    return sweeps.joint_mutual_info(j, s, y)


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


def check_method(method: Any) -> Criterion:
    """The criterion of ``method`` (a ``ValueError`` for an unknown one)."""
    if not isinstance(method, str) or method not in CRITERIA:
        raise ValueError(f"method must be one of {tuple(CRITERIA)}, got {method!r}")
    return CRITERIA[method]


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


#: What each criterion's per-step score is, for tables and plots.
SCORE_MEANING = {
    "mi": "I(X; y), the relevance",
    "mrmr": "relevance minus mean redundancy with the picks before (not monotone)",
    "jmi": "sum over the picks before of I(X, X_s; y) (grows with the step)",
    "cmim": "min over the picks before of I(X; y | X_s)",
}


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
        :math:`I(X_j; y)` of every column (minus its chance expectation when ``adjusted``).
    method : str
        The criterion.
    base : float or None
        The logarithm base of the scores (None: nats).
    adjusted : bool
        Whether the information terms are chance-corrected.
    target_binned : bool
        Whether the target was continuous and binned.
    binned : list of str
        The columns that were binned as continuous.
    columns : list of str
        The names of every column.
    pvalues : ndarray of float64 or None
        G-test p-values of every column's relevance (``MutualInfoSelector`` asks for them; None
        otherwise).
    """

    indices: np.ndarray
    scores: np.ndarray
    names: list[str]
    relevance: np.ndarray
    method: str = "mrmr"
    base: float | None = None
    adjusted: bool = False
    target_binned: bool = False
    binned: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    pvalues: np.ndarray | None = None

    @property
    def unit(self) -> str:
        """The unit of the scores: nats, bits, or "log base b" units."""
        if self.base is None:
            return "nats"
        named = {2.0: "bits", 10.0: "hartleys"}
        return named.get(float(self.base), f"log-{self.base:g} units")

    def to_frame(self) -> Any:
        """The picks as a table: a pandas DataFrame (a dict of lists without pandas) with one
        row per pick: ``rank``, ``column``, ``index``, ``score`` (the criterion at the pick),
        ``relevance``.

        Examples
        --------
        >>> from fastent import selection
        >>> X, y = [[0, 1], [0, 0], [1, 1], [1, 0]], [0, 0, 1, 1]
        >>> selection.select_features(X, y, 2, method="mi", base=2).to_frame()
           rank column  index  score  relevance
        0     1      0      0    1.0        1.0
        1     2      1      1    0.0        0.0
        """
        table = {
            "rank": list(range(1, self.indices.size + 1)),
            "column": list(self.names),
            "index": self.indices.tolist(),
            "score": self.scores.tolist(),
            "relevance": self.relevance[self.indices].tolist(),
        }
        try:
            import pandas as pd
        except ImportError:  # pragma: no cover - pandas is optional
            return table
        return pd.DataFrame(table)

    def plot(self, ax: Any = None) -> Any:
        """A ranked horizontal bar chart of each pick's score and relevance (matplotlib; the
        ``plot`` extra).  Returns the Axes.

        Parameters
        ----------
        ax : matplotlib Axes, optional
            Where to draw (a new figure when None).
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover - matplotlib is optional
            raise ImportError(
                "Selection.plot needs matplotlib: pip install 'fastentropy[plot]'"
            ) from None
        if ax is None:
            _, ax = plt.subplots(figsize=(7, 0.35 * self.indices.size + 1.5))
        positions = np.arange(self.indices.size)
        height = 0.4
        ax.barh(positions - height / 2, self.scores, height, label=f"score ({self.method})")
        ax.barh(positions + height / 2, self.relevance[self.indices], height, label="relevance")
        ax.set_yticks(positions, [f"{i + 1}. {name}" for i, name in enumerate(self.names)])
        ax.invert_yaxis()  # the first pick on top
        what = "I - E[I]" if self.adjusted else "mutual information"
        ax.set_xlabel(f"{what} ({self.unit})")
        ax.set_title(f"{self.method}: {SCORE_MEANING[self.method]}", fontsize="small")
        ax.legend(loc="best", fontsize="small")
        return ax


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
    missing: str = "error",
    discrete_target: bool | None = None,
    adjusted: bool = False,
    continuous: str = "bin",
    n_neighbors: int = 3,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Selection:
    r"""Greedy selection of ``k`` columns by a mutual-information criterion.

    Parameters
    ----------
    X, y, discrete, n_bins, strategy, estimator, base, missing, discrete_target, n_jobs
        As in :func:`mutual_info_scores` (``missing="drop"``: every term on the rows where its
        variables are present).
    adjusted : bool, default False
        Every information term minus its expectation under permutation: the relevance
        :math:`I - E[I]`, mRMR's redundancies likewise, JMI's joint terms with the pair
        :math:`(X_j, X_s)` as one variable, CMIM's conditional terms within each stratum of
        :math:`X_s`.  Many-level columns then stop winning by chance.
    continuous, n_neighbors
        As in :func:`mutual_info_scores`: with ``"knn"`` the relevance is estimated by
        nearest neighbours wherever a column or the target is continuous, and so are mRMR's
        redundancies I(X_j; X_s) wherever either column is; JMI's and CMIM's terms, which need
        a three-variable estimate, stay on the binned columns (the kNN conditional estimators
        are too slow to run k passes over every column pair and have no scikit-learn numbers to
        match), so with them ``"knn"`` changes the relevance and the first pick only.
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
        ``.relevance``, ``.target_binned``, ``.binned``; ``.to_frame()`` and ``.plot()``.

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
    return select(
        X,
        y,
        k,
        method=method,
        discrete=discrete,
        n_bins=n_bins,
        strategy=strategy,
        estimator=estimator,
        base=base,
        missing=missing,
        discrete_target=discrete_target,
        adjusted=adjusted,
        continuous=continuous,
        n_neighbors=n_neighbors,
        n_jobs=n_jobs,
        progress=progress,
    )


def select(
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
    missing: str = "error",
    discrete_target: bool | None = None,
    adjusted: bool = False,
    continuous: str = "bin",
    n_neighbors: int = 3,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    pvalues: bool = False,
) -> Selection:
    """:func:`select_features`, and with ``pvalues`` the G-test p-values of the relevance from
    the same coded columns (one more sweep)."""
    criterion = check_method(method)
    estimator_code(estimator)
    log_base(base)  # checked before any work
    adjusted = check_adjusted(adjusted, estimator)
    continuous, n_neighbors = check_knn(continuous, n_neighbors, adjusted)
    knn = continuous == "knn"
    run = scoring(
        X, y, discrete, n_bins, strategy, estimator, n_jobs, missing, discrete_target, knn
    )
    assert run.target is not None
    cols, threads = run.cols, run.threads
    k = check_k(k, len(cols.names))
    # repeated sweeps (a pick's terms): bitsets of every column, built in one pass
    repeated = criterion.term is not None and k > 1
    bitsets = Bitsets.build(cols, threads, input_bytes(X)) if repeated else None
    sweeps = Sweeps(cols, run.estimator, threads, bitsets, adjusted)
    target = sweeps.target(run.target.codes)
    relevance = sweeps.mutual_info(range(len(cols.names)), target)
    prepared = prepare(cols, run.target, run.threads) if knn else None
    if prepared is not None:
        relevance = knn_relevance(prepared, cols, run.target, relevance, n_neighbors, threads)

    def term(candidates: Sequence[int], s: int) -> np.ndarray:
        assert criterion.term is not None
        if prepared is not None and criterion.term is _redundancy:  # mRMR: kNN where continuous
            return knn_redundancy(
                prepared,
                cols,
                candidates,
                s,
                lambda which: sweeps.mutual_info(which, sweeps.column_target(s)),
                n_neighbors,
                threads,
            )
        return criterion.term(sweeps, candidates, s, target, relevance)

    picks = greedy(relevance, k, criterion, term, progress)
    p_values = None
    if pvalues:
        plain = sweeps if not adjusted else Sweeps(cols, run.estimator, threads)
        p_values = g_test_pvalues(plain.g_test(range(len(cols.names)), target))
    return _result(picks, relevance, cols, method, base, adjusted, run.target.binned, p_values)


def greedy_selection(
    sweeps: Sweeps,
    target: Target,
    k: int,
    method: str,
    base: float | None,
    target_binned: bool,
    progress: Callable[[int, int], None] | None = None,
) -> Selection:
    """:func:`select_features` on the columns of ``sweeps`` (which may serve their tables from
    counts kept elsewhere, as ``fastent.stream`` does) against ``target``: the relevance, the
    greedy loop of the criterion of ``method``, the result."""
    criterion = check_method(method)
    log_base(base)  # checked before any work
    cols = sweeps.cols
    k = check_k(k, len(cols.names))
    relevance = sweeps.mutual_info(range(len(cols.names)), target)

    def term(candidates: Sequence[int], s: int) -> np.ndarray:
        assert criterion.term is not None
        return criterion.term(sweeps, candidates, s, target, relevance)

    picks = greedy(relevance, k, criterion, term, progress)
    return _result(picks, relevance, cols, method, base, sweeps.adjusted, target_binned, None)


def _result(
    picks: list[tuple[int, float]],
    relevance: np.ndarray,
    cols: Columns,
    method: str,
    base: float | None,
    adjusted: bool,
    target_binned: bool,
    p_values: np.ndarray | None,
) -> Selection:
    """The :class:`Selection` of the picks, the scores in ``base`` units."""
    scale = log_base(base)
    indices = np.asarray([j for j, _ in picks], dtype=np.intp)
    scores = np.asarray([score for _, score in picks]) / scale
    return Selection(
        indices,
        scores,
        [cols.names[j] for j in indices],
        relevance / scale,
        method,
        base,
        adjusted,
        target_binned,
        [name for name, b in zip(cols.names, cols.binned, strict=True) if b],
        list(cols.names),
        p_values,
    )
