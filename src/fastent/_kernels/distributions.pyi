# SPDX-License-Identifier: BSD-3-Clause
import numpy as np
import numpy.typing as npt

PAIR_KINDS: dict[str, int]

def set_simd_level(level: int) -> None: ...
def entropy_rows(
    p: npt.NDArray[np.floating], out: npt.NDArray[np.float64], n_threads: int
) -> int: ...
def pair_rows(
    kind: int,
    p: npt.NDArray[np.floating],
    q: npt.NDArray[np.floating],
    p_step: int,
    q_step: int,
    out: npt.NDArray[np.float64],
    n_threads: int,
) -> int: ...
def entropy_cols(
    p: npt.NDArray[np.floating], out: npt.NDArray[np.float64], n_threads: int
) -> int: ...
def pair_cols(
    kind: int,
    p: npt.NDArray[np.floating],
    q: npt.NDArray[np.floating],
    out: npt.NDArray[np.float64],
    n_threads: int,
) -> int: ...
def binary_entropy_map(p: npt.NDArray[np.floating], out: npt.NDArray[np.floating]) -> int: ...
def self_information_map(p: npt.NDArray[np.floating], out: npt.NDArray[np.floating]) -> int: ...
