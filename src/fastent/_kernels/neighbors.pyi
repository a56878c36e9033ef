# SPDX-License-Identifier: BSD-3-Clause
import numpy as np
import numpy.typing as npt

MAX_NEIGHBORS: int

def digamma(x: float) -> float: ...
def noised_columns(
    x: npt.NDArray[np.float64],
    noise: npt.NDArray[np.float64],
    scale: npt.NDArray[np.float64],
    noise_scale: npt.NDArray[np.float64],
    n_threads: int,
) -> npt.NDArray[np.float64]: ...
def ross(
    C: npt.NDArray[np.float64],
    D: npt.NDArray[np.int32],
    sizes: npt.NDArray[np.int32],
    k: int,
    n_threads: int,
    single: bool = ...,
) -> npt.NDArray[np.float64]: ...
def ksg(
    X: npt.NDArray[np.float64], Y: npt.NDArray[np.float64], k: int, n_threads: int
) -> npt.NDArray[np.float64]: ...
