# SPDX-License-Identifier: BSD-3-Clause
import numpy as np
import numpy.typing as npt

def set_simd_level(level: int) -> None: ...
def logsumexp_rows(
    x: npt.NDArray[np.floating], out: npt.NDArray[np.floating], n_threads: int
) -> None: ...
def softmax_rows(
    x: npt.NDArray[np.floating], out: npt.NDArray[np.floating], log_out: bool, n_threads: int
) -> None: ...
def sigmoid_map(
    x: npt.NDArray[np.floating], out: npt.NDArray[np.floating], log_out: bool, n_threads: int
) -> None: ...
