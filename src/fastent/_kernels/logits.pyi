# SPDX-License-Identifier: BSD-3-Clause
import numpy as np
import numpy.typing as npt

def set_simd_level(level: int) -> None: ...
def logsumexp_rows(
    x: npt.NDArray[np.floating], out: npt.NDArray[np.floating], n_threads: int
) -> None: ...
def logsumexp_weighted_rows(
    x: npt.NDArray[np.floating],
    x_step: int,
    w: npt.NDArray[np.floating],
    w_step: int,
    out: npt.NDArray[np.floating],
    sign: npt.NDArray[np.floating],
    n_threads: int,
) -> None: ...
def softmax_rows(
    x: npt.NDArray[np.floating], out: npt.NDArray[np.floating], log_out: bool, n_threads: int
) -> None: ...
def sigmoid_map(
    x: npt.NDArray[np.floating], out: npt.NDArray[np.floating], log_out: bool, n_threads: int
) -> None: ...
def sigmoid_ce(
    labels: npt.NDArray[np.floating],
    logits: npt.NDArray[np.floating],
    pos_weight: npt.NDArray[np.floating] | None,
    loss: npt.NDArray[np.floating] | None,
    grad: npt.NDArray[np.floating] | None,
    grad_scale: float,
    n_threads: int,
) -> tuple[float, int]: ...
def binary_cross_entropy(
    labels: npt.NDArray[np.floating],
    probs: npt.NDArray[np.floating],
    eps: float,
    loss: npt.NDArray[np.floating] | None,
) -> tuple[float, int]: ...
def ce_rows(
    logits: npt.NDArray[np.floating],
    labels: npt.NDArray[np.int64] | None,
    targets: npt.NDArray[np.floating] | None,
    weights: npt.NDArray[np.floating] | None,
    weight_sum: float,
    smoothing: float,
    loss: npt.NDArray[np.floating],
    grad: npt.NDArray[np.floating] | None,
    grad_scale: float,
    n_threads: int,
) -> int: ...
