# SPDX-License-Identifier: BSD-3-Clause
"""
Feature selection on real data: mRMR against ``SelectKBest``
=============================================================

Two data sets that ship with scikit-learn: the handwritten **digits** (1,797 images of 8 x 8
pixels, 10 classes) and the **breast cancer** Wisconsin data (569 tumours, 30 continuous
measurements, 2 classes). For each, fastent ranks the features by mRMR (relevance minus mean
redundancy with the features already picked, :func:`fastent.selection.select_features`), draws
the ranking with :meth:`Selection.plot() <fastent.selection.Selection.plot>`, and compares, by
3-fold cross-validated accuracy of a logistic regression, keeping the ``k`` features
:class:`~fastent.selection.MutualInfoSelector` picks against keeping the ``k`` best by
scikit-learn's ``SelectKBest(mutual_info_classif)``.
"""

# %%
# The digits: which pixels tell the digit?
# ----------------------------------------
#
# The pixels are whole numbers 0--16 stored as floats; ``discrete=True`` counts them as the
# labels they are (by default float columns are binned). ``method="mi"`` ranks by relevance
# :math:`I(X_j; y)` alone, ``"mrmr"`` discounts what a pixel shares with the pixels already
# picked, so neighbouring pixels, which carry much the same stroke, are not all picked.
from functools import partial

import matplotlib.pyplot as plt
from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fastent import selection
from fastent.selection import MutualInfoSelector

digits = load_digits(as_frame=True)
X_digits, y_digits = digits.data, digits.target
relevance_only = selection.select_features(X_digits, y_digits, 12, method="mi", discrete=True)
mrmr = selection.select_features(X_digits, y_digits, 12, method="mrmr", discrete=True)
print("by relevance:", relevance_only.names)
print("by mRMR:     ", mrmr.names)

# %%
# The ranking plot shows, for each pick, the criterion when it was picked (for mRMR, relevance
# minus mean redundancy: it falls, and may go below 0) next to the feature's relevance.
ax = mrmr.plot()
ax.figure.tight_layout()

# %%
# On the 8 x 8 grid: the relevance of every pixel (the grey scale) and the first 12 picks of each
# method (the numbers). Ranking by relevance alone keeps to the most informative block of
# neighbouring pixels; mRMR trades some of them for pixels further out (the top and bottom rows)
# that tell other digits apart.
fig, axes = plt.subplots(1, 2, figsize=(8, 4.2))
image = mrmr.relevance.reshape(8, 8)
for ax, result, title in zip(
    axes, [relevance_only, mrmr], ["relevance only (mi)", "mRMR"], strict=True
):
    ax.imshow(image, cmap="Greys")
    for rank, j in enumerate(result.indices, start=1):
        ax.text(
            j % 8,
            j // 8,
            str(rank),
            ha="center",
            va="center",
            color="tab:red",
            fontsize=10,
            fontweight="bold",
        )
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle("relevance I(pixel; digit) and the first 12 picks")
fig.tight_layout()

# %%
# The breast cancer data
# ----------------------
#
# Thirty continuous measurements of cell nuclei (the mean, the standard error and the worst
# value of ten quantities), many strongly correlated: the "worst" radius, perimeter and area
# are nearly the same feature. Float columns are binned (16 equal-frequency bins).
cancer = load_breast_cancer(as_frame=True)
X_cancer, y_cancer = cancer.data, cancer.target
ranking = selection.select_features(X_cancer, y_cancer, 10, method="mrmr")
print(ranking.to_frame().round(3).to_string(index=False))
ax = ranking.plot()
ax.figure.tight_layout()

# %%
# Cross-validated accuracy
# ------------------------
#
# The same pipeline, standardisation and a logistic regression, after one of two selectors:
# fastent's mRMR selector, or scikit-learn's ``SelectKBest`` with its nearest-neighbour
# ``mutual_info_classif`` scores (seeded). Three folds, the same splits for both, a few ``k``.
# Both selectors are refitted inside every fold, so the accuracy is honest.


def accuracy(selector, X, y):
    model = make_pipeline(selector, StandardScaler(), LogisticRegression(max_iter=2000))
    folds = StratifiedKFold(n_splits=3, shuffle=True, random_state=0)
    return cross_val_score(model, X, y, cv=folds).mean()


experiments = {
    "digits": (X_digits, y_digits, [5, 10, 20], {"discrete": True}),
    "breast cancer": (X_cancer, y_cancer, [2, 5, 10], {}),
}
results = {}
for name, (X, y, ks, options) in experiments.items():
    results[name] = {
        "MutualInfoSelector (mRMR)": [
            accuracy(MutualInfoSelector(k=k, method="mrmr", **options), X, y) for k in ks
        ],
        "SelectKBest(mutual_info_classif)": [
            accuracy(SelectKBest(partial(mutual_info_classif, random_state=0), k=k), X, y)
            for k in ks
        ],
    }
    for selector, scores in results[name].items():
        print(
            f"{name:14} {selector:33}",
            "  ".join(f"k={k}: {s:.3f}" for k, s in zip(ks, scores, strict=True)),
        )

# %%
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, (name, (_, _, ks, _)) in zip(axes, experiments.items(), strict=True):
    for (selector, scores), marker in zip(results[name].items(), ["o", "s"], strict=True):
        ax.plot(ks, scores, marker=marker, label=selector)
    ax.set_xticks(ks)
    ax.set_xlabel("k (features kept)")
    ax.set_title(name)
axes[0].set_ylabel("3-fold CV accuracy")
axes[1].legend(loc="lower right", fontsize="small")
fig.tight_layout()

# %%
# With few features, avoiding redundancy matters most: ``SelectKBest`` keeps the ``k`` most
# relevant features even when they repeat one another (neighbouring pixels, the radius and the
# perimeter of the same nucleus), while mRMR spends each pick on information the others lack.
# With many features both keep most of what there is to know.
plt.show()
