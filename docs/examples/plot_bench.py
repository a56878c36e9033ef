# SPDX-License-Identifier: BSD-3-Clause
"""
Speed: ``fastent bench`` as a bar chart
=======================================

``fastent bench`` (in Python: :func:`fastent.bench`) times one workload of each family against
fastent's own plain NumPy reference (``fastent.reference``, the definitions the test suite checks
the kernels against) on the machine it runs on, and checks that every result agrees. This page
runs it while the documentation is built, so the numbers below are those of the build machine
(its CPU, SIMD level and NumPy are in the first line of the table), one round per workload and
one thread, and draws them.
"""

# %%
# Run the benchmark
# -----------------
#
# ``fastent.bench`` prints its table and returns the rows: the median time of fastent and of
# the reference for each workload, and whether the two results agree.
import matplotlib.pyplot as plt
import numpy as np

import fastent

rows = fastent.bench(repeats=1, n_jobs=1)
assert all(row.agrees for row in rows)

# %%
# The chart
# ---------
#
# Times on a log scale (fastent and the reference side by side), and the speed-up, the ratio of
# the two, at the right of each pair.
names = [row.name for row in rows]
ours = np.array([row.fastent for row in rows]) * 1e3
theirs = np.array([row.reference for row in rows]) * 1e3
positions = np.arange(len(rows))[::-1]

fig, ax = plt.subplots(figsize=(9, 6))
ax.barh(positions + 0.2, theirs, 0.4, label="NumPy reference", color="tab:grey")
ax.barh(positions - 0.2, ours, 0.4, label="fastent, 1 thread", color="tab:blue")
for y, a, b in zip(positions, ours, theirs, strict=True):
    ax.text(b * 1.15, y, f"{b / a:.0f}x", va="center", fontsize="small")
ax.set_yticks(positions, [f"{row.name}\n{row.shape}" for row in rows], fontsize="x-small")
ax.set_xscale("log")
ax.set_xlim(right=theirs.max() * 8)
ax.set_xlabel("median time (ms, log scale)")
ax.set_title(f"fastent {fastent.__version__} against its NumPy reference")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# On your machine
# ---------------
#
# .. code-block:: bash
#
#    fastent bench                      # 3 rounds, 1 thread
#    fastent bench --n-jobs 4           # fastent with 4 threads
#    FASTENT_SIMD=baseline fastent bench   # another SIMD level (baseline, avx2, avx512)
#
# The speed-up comes from the kernels' own vectorised ``log``/``exp``, validation fused into the
# same pass, counting without factorising (small integer codes are counted in place), and
# per-thread tables; see :ref:`performance`. The full comparison, against NumPy, SciPy,
# scikit-learn and PyTorch at every SIMD level and thread count, is ``benchmarks/compare.py`` in
# the source tree, whose latest results are on the :doc:`benchmarks page </benchmarks>`.
