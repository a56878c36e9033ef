# SPDX-License-Identifier: BSD-3-Clause
"""fastent: fast, exact information theory for NumPy.

Entropy, cross-entropy, KL and Jensen-Shannon divergence of probability arrays, and logsumexp,
softmax, log_softmax, sigmoid and log_sigmoid of logits (top level); entropies and mutual
information estimated from samples (``fastent.discrete``); mutual-information feature scoring and
selection (``fastent.selection``), also chunk by chunk (``fastent.stream``) and on Dask
collections (``fastent.dask``, imported on its own: Dask is optional); all computed by
SIMD-dispatched, multi-threaded Cython/C kernels.  ``fastent.reference`` holds the plain NumPy
definitions the kernels are tested and benchmarked against.
"""

try:
    from ._kernels import distributions as _distributions_kernels  # noqa: F401
except ImportError as exc:  # pragma: no cover - only a broken install gets here
    raise ImportError(
        "fastent's compiled kernels could not be imported; reinstall fastent (pip install "
        "--force-reinstall fastent) or, from a source checkout, build it with `pip install .`. "
        f"Cause: {exc}"
    ) from exc

from typing import Any

from . import discrete, selection, stream
from ._core.config import show_config
from ._version import __version__
from .distributions import (
    binary_entropy,
    cross_entropy,
    entropy,
    js_distance,
    js_divergence,
    kl_divergence,
    self_information,
)
from .logits import (
    binary_cross_entropy,
    log_sigmoid,
    log_softmax,
    logsumexp,
    sigmoid,
    sigmoid_cross_entropy_with_logits,
    softmax,
    softmax_cross_entropy_with_logits,
    sparse_softmax_cross_entropy_with_logits,
)

__all__ = [
    "__version__",
    "bench",
    "binary_cross_entropy",
    "binary_entropy",
    "cross_entropy",
    "discrete",
    "entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "log_sigmoid",
    "log_softmax",
    "logsumexp",
    "selection",
    "self_information",
    "show_config",
    "sigmoid",
    "sigmoid_cross_entropy_with_logits",
    "softmax",
    "softmax_cross_entropy_with_logits",
    "sparse_softmax_cross_entropy_with_logits",
    "stream",
]


def bench(*, quick: bool = False, n_jobs: int = 1, repeats: int | None = None) -> Any:
    """Print fastent's speed against its NumPy reference on this machine (``fastent bench``).

    One workload per family, timed in interleaved rounds against ``fastent.reference``, each
    result checked against the reference's; see :func:`fastent._bench.bench`.

    Parameters
    ----------
    quick : bool, default False
        Inputs 10x smaller and one round (a smoke test).
    n_jobs : int, default 1
        fastent's threads.
    repeats : int, optional
        Interleaved rounds per workload (default 3; 1 with ``quick``).

    Returns
    -------
    list of fastent._bench.Row
        Median seconds of fastent and of the reference per workload, and whether they agree.

    Examples
    --------
    >>> import fastent
    >>> rows = fastent.bench(quick=True)  # doctest: +ELLIPSIS
    fastent ... bench: ...
    """
    from ._bench import bench as run

    return run(quick=quick, n_jobs=n_jobs, repeats=repeats)
