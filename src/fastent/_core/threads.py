# SPDX-License-Identifier: BSD-3-Clause
"""Thread policy: how many threads a call runs (DESIGN.md section 2, scikit-learn's semantics)."""

from __future__ import annotations

import numbers
import os

from .._kernels import runtime

__all__ = ["PARALLEL_MIN_WORK", "effective_n_threads", "usable_cores"]

#: Below this many elements a call runs serially (a parallel region costs ~1 us per thread).
PARALLEL_MIN_WORK = 50_000

# GNU libgomp is not fork-safe: a child forked after the parent ran OpenMP threads hangs in its
# first parallel region.  A forked child therefore runs every kernel serially (``spawn`` and
# ``forkserver`` children are fresh processes and keep their threads).
_in_forked_child = False


def _mark_forked_child() -> None:
    global _in_forked_child
    _in_forked_child = True


if hasattr(os, "register_at_fork"):  # not on Windows
    os.register_at_fork(after_in_child=_mark_forked_child)


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity mask, or the machine's count)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        count = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:  # pragma: no cover - macOS and Windows before Python 3.13
        count = os.cpu_count()
    return max(int(count or 1), 1)


def effective_n_threads(n_jobs: int | None, work: int = PARALLEL_MIN_WORK) -> int:
    """Threads to use for ``n_jobs`` on ``work`` elements.

    None: all threads OpenMP allows (``omp_get_max_threads()``, which follows OMP_NUM_THREADS and
    threadpoolctl); k > 0: k threads; -1: all; -k: all but k - 1; 0 is invalid.  No call runs
    more threads than the process has usable cores (a larger ``n_jobs`` or OMP_NUM_THREADS is
    clamped: oversubscribing cores never speeds these kernels up, and OpenMP must never be asked
    for an absurd team).  Work below ``PARALLEL_MIN_WORK`` elements, and everything in a forked
    child process, runs serially.
    """
    if n_jobs is not None and (
        isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral)
    ):
        raise TypeError(f"n_jobs must be an integer or None, got {type(n_jobs).__name__}")
    if n_jobs == 0:
        raise ValueError("n_jobs = 0 is invalid")
    cores = usable_cores()
    max_threads = min(int(runtime.max_threads()), cores)
    if n_jobs is None:
        n = max_threads
    elif n_jobs < 0:
        n = max(max_threads + max(int(n_jobs), -cores - 1) + 1, 1)
    else:
        n = min(int(n_jobs), cores)
    return 1 if work < PARALLEL_MIN_WORK or _in_forked_child else n
