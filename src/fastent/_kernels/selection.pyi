# SPDX-License-Identifier: BSD-3-Clause
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

STRIDED_GROUP: int

def set_simd_level(level: int) -> None: ...
def count_columns(
    sources: list[np.ndarray],
    source: Sequence[int] | npt.NDArray[np.intp],
    start: Sequence[int] | npt.NDArray[np.intp],
    stride: Sequence[int] | npt.NDArray[np.intp],
    offset: Sequence[int] | npt.NDArray[np.int64],
    size: Sequence[int] | npt.NDArray[np.int64],
    target: npt.NDArray[np.int32] | None,
    n_target: int,
    n_threads: int,
    n_samples: int = -1,
    bitsets: bool = False,
) -> tuple[np.ndarray, npt.NDArray[np.intp], int, npt.NDArray[np.bool_]]: ...
def bit_cells_limit() -> int: ...
def bitsets(codes: npt.NDArray[np.int32], size: int) -> npt.NDArray[np.uint64]: ...
def bit_tables(
    bits: npt.NDArray[np.uint64],
    first: npt.NDArray[np.intp],
    size: npt.NDArray[np.int64],
    target: npt.NDArray[np.uint64],
    n_threads: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], int]: ...
def mi_tables(
    tables: npt.NDArray[np.int64],
    positions: npt.NDArray[np.intp],
    step: int,
    rows: npt.NDArray[np.int64],
    n_target: int,
    estimator: int,
    n_threads: int,
) -> npt.NDArray[np.float64]: ...
def cmi_tables(
    tables: npt.NDArray[np.int64],
    positions: npt.NDArray[np.intp],
    step: int,
    rows: npt.NDArray[np.int64],
    kz: int,
    ky: int,
    estimator: int,
    n_threads: int,
) -> npt.NDArray[np.float64]: ...
