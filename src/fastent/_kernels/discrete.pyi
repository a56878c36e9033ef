# SPDX-License-Identifier: BSD-3-Clause
import numpy as np
import numpy.typing as npt

KINDS: dict[np.dtype[np.integer], int]
MAX_VARIABLES: int
ESTIMATORS: tuple[str, ...]

def set_simd_level(level: int) -> None: ...
def minmax(arr: npt.NDArray[np.integer], n_threads: int) -> tuple[int, int]: ...
def count(
    arrays: list[npt.NDArray[np.integer]], offsets: list[int], sizes: list[int], n_threads: int
) -> npt.NDArray[np.int64] | None: ...
def keys(
    arrays: list[npt.NDArray[np.integer]], offsets: list[int], sizes: list[int], n_threads: int
) -> npt.NDArray[np.uint64]: ...
def entropy_counts(counts: npt.NDArray[np.int64], n_bins: float, estimator: int) -> float: ...
def sum_c_log_ratio(
    c: npt.NDArray[np.int64],
    u: npt.NDArray[np.float64],
    v: npt.NDArray[np.float64],
    w: npt.NDArray[np.float64],
) -> float: ...
def expected_mutual_info(
    a: npt.NDArray[np.int64],
    a_mult: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    b_mult: npt.NDArray[np.int64],
    n: int,
) -> float: ...
