# SPDX-License-Identifier: BSD-3-Clause
"""
Chance correction: an ID column and ``adjusted=True``
=====================================================

A column with a distinct value in every row (a row ID, a timestamp, a customer number) determines
the target perfectly *on the sample*: its plug-in mutual information with any target is the
target's whole entropy, :math:`H(y)`. It predicts nothing about new rows. The same bias, smaller,
inflates every column with many levels. ``adjusted=True`` subtracts from each score its
expectation under random permutation of the target, :math:`I - E[I]`, so a column scores by what
it tells *beyond chance*.
"""

# %%
# The breast cancer data with an ID
# ---------------------------------
#
# The 30 measurements of the breast cancer data (scikit-learn), plus a ``patient_id`` (one value
# per row) and a ``ward`` code with 150 levels, random: neither can tell anything about a tumour.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_breast_cancer

from fastent import discrete, selection

X, y = load_breast_cancer(return_X_y=True, as_frame=True)
rng = np.random.default_rng(0)
X = X.assign(patient_id=np.arange(len(X)), ward=rng.integers(0, 150, len(X)))

plain = selection.mutual_info_scores(X, y)
adjusted = selection.mutual_info_scores(X, y, adjusted=True)
print(f"H(y) = {float(discrete.entropy(y)):.3f} nats")
for name in ["patient_id", "ward", "worst perimeter", "mean texture"]:
    j = X.columns.get_loc(name)
    print(f"{name:16} plug-in {plain[j]:.3f}   adjusted {adjusted[j]:+.3f}")

# %%
# Without the correction the ID is the "best" feature and the random ward code beats half of the
# real measurements; with it, both drop to about 0 and the ranking of the real features is kept.
order = np.argsort(plain)
fig, ax = plt.subplots(figsize=(7, 8))
positions = np.arange(len(order))
ax.barh(positions + 0.2, plain[order], 0.4, label="plug-in I(X; y)")
ax.barh(positions - 0.2, adjusted[order], 0.4, label="adjusted I - E[I]")
ax.set_yticks(positions, X.columns[order], fontsize="small")
for label in ax.get_yticklabels():
    if label.get_text() in ("patient_id", "ward"):
        label.set_color("tab:red")
ax.axvline(float(discrete.entropy(y)), color="grey", linestyle=":", label="H(y)")
ax.set_xlabel("nats")
ax.legend(loc="lower right")
ax.set_title("relevance of each column to the diagnosis")
fig.tight_layout()

# %%
# What it does to a selection
# ---------------------------
#
# mRMR picks the ID first without the correction, and its redundancy terms are inflated the
# same way. With ``adjusted=True`` every information term of the criterion is corrected.
print("plug-in: ", selection.select_features(X, y, 4).names)
print("adjusted:", selection.select_features(X, y, 4, adjusted=True).names)

# %%
# The bias grows with the number of levels
# ----------------------------------------
#
# Columns of pure noise with 2 to 569 levels (the last one an ID), scored against the diagnosis:
# the plug-in estimate grows with the number of levels, roughly as
# :math:`(k - 1)(k_y - 1) / 2n` while the table is not too sparse, up to :math:`H(y)`; the
# adjusted score stays at 0 whatever the number of levels.
levels = np.unique(np.geomspace(2, len(X), 25).astype(int))
noise = np.column_stack(
    [rng.permutation(np.arange(len(X)) % k) for k in levels]  # k levels, balanced
)
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(levels, selection.mutual_info_scores(noise, y), "o-", label="plug-in I(X; y)")
ax.plot(
    levels, selection.mutual_info_scores(noise, y, adjusted=True), "s-", label="adjusted I - E[I]"
)
ax.plot(levels, (levels - 1) / (2 * len(X)), "--", color="grey", label="(k - 1) / 2n")
ax.axhline(float(discrete.entropy(y)), color="grey", linestyle=":", label="H(y)")
ax.set_xscale("log")
ax.set_xlabel("levels of a column of noise")
ax.set_ylabel("nats")
ax.legend()
fig.tight_layout()

# %%
# :func:`~fastent.discrete.adjusted_mutual_info` is the same correction, normalised to [0, 1], for
# comparing two labellings (scikit-learn's ``adjusted_mutual_info_score``); ``fastent rank
# --adjusted`` applies it on the command line, which otherwise warns about near-unique columns.
plt.show()
