# SPDX-License-Identifier: BSD-3-Clause
"""
Cross-entropy losses with gradients: a NumPy training loop
===========================================================

``return_grad=True`` makes every cross-entropy loss of fastent return the gradient of the loss
with respect to the logits, computed in the same pass as the loss. With it, a model is trained by
plain NumPy: here a softmax (multinomial logistic) regression on the digits data of
scikit-learn, by full-batch gradient descent with momentum, with
:func:`fastent.sparse_softmax_cross_entropy_with_logits`; then a binary logistic regression with
:func:`fastent.sigmoid_cross_entropy_with_logits`.
"""

# %%
# The data
# --------
#
# 1,797 images of 8 x 8 pixels, standardised, with a column of ones for the bias; 2/3 to train,
# 1/3 to test.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

import fastent

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=1 / 3, stratify=y, random_state=0
)
mean, std = X_train.mean(axis=0), X_train.std(axis=0) + 1e-9
X_train = np.column_stack([(X_train - mean) / std, np.ones(len(X_train))])
X_test = np.column_stack([(X_test - mean) / std, np.ones(len(X_test))])
n_features, n_classes = X_train.shape[1], 10

# %%
# The training loop
# -----------------
#
# The logits are ``X @ W``. The loss returns ``d loss / d logits`` (for the mean loss:
# :math:`(\operatorname{softmax}(x) - \text{onehot}(y)) / n`), so the gradient of the weights is
# one matrix product, ``X.T @ grad``. An L2 penalty keeps the weights small.


def train(X, y, X_val, y_val, *, steps=300, rate=0.5, momentum=0.9, l2=1e-3, **loss_options):
    W = np.zeros((X.shape[1], n_classes))
    velocity = np.zeros_like(W)
    history = {"train": [], "test": [], "accuracy": []}
    for _ in range(steps):
        loss, grad = fastent.sparse_softmax_cross_entropy_with_logits(
            y, X @ W, reduction="mean", return_grad=True, **loss_options
        )
        velocity = momentum * velocity - rate * (X.T @ grad + l2 * W)
        W += velocity
        logits_val = X_val @ W
        history["train"].append(float(loss) + 0.5 * l2 * float((W * W).sum()))
        history["test"].append(
            float(
                fastent.sparse_softmax_cross_entropy_with_logits(
                    y_val, logits_val, reduction="mean"
                )
            )
        )
        history["accuracy"].append(float((logits_val.argmax(axis=1) == y_val).mean()))
    return W, history


W, history = train(X_train, y_train, X_test, y_test)
print(f"test loss {history['test'][-1]:.3f} nats, test accuracy {history['accuracy'][-1]:.3f}")

# %%
# The gradient is right: a finite-difference check of every logit of a few rows, at random
# weights.
logits = X_train[:20] @ np.random.default_rng(0).normal(size=W.shape)
_, grad = fastent.sparse_softmax_cross_entropy_with_logits(
    y_train[:20], logits, reduction="mean", return_grad=True
)
numeric = np.zeros_like(logits)
for index in np.ndindex(*logits.shape):
    step = np.zeros_like(logits)
    step[index] = 1e-6
    up, down = (
        fastent.sparse_softmax_cross_entropy_with_logits(
            y_train[:20], logits + s * step, reduction="mean"
        )
        for s in (1, -1)
    )
    numeric[index] = (up - down) / 2e-6
difference, largest = np.abs(grad - numeric).max(), np.abs(grad).max()
print(f"largest difference: {difference:.1e} (gradient entries up to {largest:.3f})")

# %%
# Loss curves, with label smoothing for comparison (``label_smoothing=0.1`` mixes each one-hot
# target with the uniform distribution, as in PyTorch; its loss cannot fall below the entropy
# of the smoothed target, so the curves are compared on the test loss without smoothing).
W_smooth, smooth = train(X_train, y_train, X_test, y_test, label_smoothing=0.1)
fig, (ax, ax2) = plt.subplots(1, 2, figsize=(10, 4))
ax.plot(history["train"], label="train (penalised)")
ax.plot(history["test"], label="test")
ax.plot(smooth["test"], label="test, label_smoothing=0.1")
ax.set_yscale("log")
ax.set_xlabel("step")
ax.set_ylabel("mean cross-entropy (nats)")
ax.legend()
ax2.plot(history["accuracy"], label="plain")
ax2.plot(smooth["accuracy"], label="label_smoothing=0.1")
ax2.set_ylim(0.8, 1.0)
ax2.set_xlabel("step")
ax2.set_ylabel("test accuracy")
ax2.legend(loc="lower right")
fig.tight_layout()

# %%
# The learned weights of each class, as 8 x 8 images: red pixels raise the logit of the class,
# blue ones lower it.
fig, axes = plt.subplots(1, 10, figsize=(12, 1.8))
limit = np.abs(W[:64]).max()
for digit, ax in enumerate(axes):
    ax.imshow(W[:64, digit].reshape(8, 8), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(str(digit))
    ax.axis("off")
fig.tight_layout()

# %%
# Binary labels: the sigmoid loss
# -------------------------------
#
# "Is it a 9?" as a logistic regression with
# :func:`~fastent.sigmoid_cross_entropy_with_logits` (element-wise:
# :math:`\max(x, 0) - x z + \log(1 + e^{-|x|})`, exact for any logit). The positive class is
# rare (1 in 10), so ``pos_weight=9`` weighs its errors nine times, as PyTorch's
# ``binary_cross_entropy_with_logits(..., pos_weight=)`` does.
z_train, z_test = (y_train == 9).astype(float), (y_test == 9).astype(float)
curves = {}
for pos_weight in (None, 9.0):
    w = np.zeros(n_features)
    curve = []
    for _ in range(200):
        loss, grad = fastent.sigmoid_cross_entropy_with_logits(
            z_train, X_train @ w, reduction="mean", pos_weight=pos_weight, return_grad=True
        )
        w -= 0.5 * (X_train.T @ grad)
        curve.append(float(loss))
    predicted = (X_test @ w) > 0
    recall = (predicted & (z_test == 1)).sum() / (z_test == 1).sum()
    precision = (predicted & (z_test == 1)).sum() / max(predicted.sum(), 1)
    curves[pos_weight] = curve
    print(f"pos_weight={pos_weight}: recall of the 9s {recall:.3f}, precision {precision:.3f}")

fig, ax = plt.subplots(figsize=(6, 3.5))
for pos_weight, curve in curves.items():
    ax.plot(curve, label=f"pos_weight={pos_weight}")
ax.set_xlabel("step")
ax.set_ylabel("mean sigmoid cross-entropy (nats)")
ax.legend()
fig.tight_layout()
plt.show()
