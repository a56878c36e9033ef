# SPDX-License-Identifier: BSD-3-Clause
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

INT_KINDS: dict[np.dtype[np.integer], int]
ESTIMATORS: dict[str, int]
MAX_VARIABLES: int

_Ints = Sequence[int] | npt.NDArray[np.integer]

def set_simd_level(level: int) -> None: ...
def minmax(arr: npt.NDArray[np.integer], n_threads: int) -> tuple[int, int]: ...
def column_ranges(
    arr: npt.NDArray[np.integer], n_threads: int
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
def merge_bins(counts: npt.NDArray[np.int64], n_bins: int) -> npt.NDArray[np.intp]: ...
def bin_columns(
    values: npt.NDArray[np.float64],
    cuts: npt.NDArray[np.float64],
    n_cuts: npt.NDArray[np.intp],
    out: npt.NDArray[np.uint8] | npt.NDArray[np.uint16],
    n_threads: int,
) -> None: ...
def count(
    arrays: list[npt.NDArray[np.integer]], offsets: list[int], sizes: list[int], n_threads: int
) -> tuple[npt.NDArray[np.int64], int]: ...
def keys(
    arrays: list[npt.NDArray[np.integer]], offsets: list[int], sizes: list[int], n_threads: int
) -> npt.NDArray[np.uint64]: ...
def entropy_counts(counts: npt.NDArray[np.int64], n_bins: float, estimator: int) -> float: ...
def plugin_sum(
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
def count_columns(
    sources: list[np.ndarray],
    source: _Ints,
    start: _Ints,
    stride: _Ints,
    offset: _Ints,
    size: _Ints,
    target: npt.NDArray[np.int32] | None,
    n_target: int,
    n_threads: int,
    n_samples: int = -1,
    bitsets: bool = False,
) -> tuple[np.ndarray, npt.NDArray[np.intp], int, npt.NDArray[np.intp]]: ...
def bit_cells_limit() -> int: ...
def bitsets(codes: npt.NDArray[np.int32], size: int) -> npt.NDArray[np.uint64]: ...
def bit_tables(
    bits: npt.NDArray[np.uint64],
    first: npt.NDArray[np.intp],
    size: npt.NDArray[np.int64],
    target: npt.NDArray[np.uint64],
    n_threads: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.intp], int]: ...
