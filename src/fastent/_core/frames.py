# SPDX-License-Identifier: BSD-3-Clause
"""The one adapter for tables and columns: every DataFrame kind, sparse matrices, series -> NumPy.

DataFrames of any library narwhals reads (pandas, polars eager and lazy, pyarrow Table and
RecordBatch, modin, cuDF) and any object with ``__arrow_c_stream__`` become named columns;
narwhals (and pyarrow, pandas) are imported only when such an object arrives, so
``import fastent`` stays light.  A column or a 1-D series becomes either numbers (with a mask of
its missing rows) or label codes from the frame library's own encoder (pandas ``factorize`` or
Categorical codes, Arrow ``dictionary_encode``, whose output polars Categorical/Enum columns
already are).  Dask collections are refused, never computed.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from .layout import to_array
from .memory import CHECK_FROM_BYTES, available_bytes

__all__ = [
    "Column",
    "Frame",
    "as_frame",
    "as_matrix",
    "check_not_lazy_collection",
    "column_data",
    "eager",
    "is_dataframe",
    "is_sparse",
]

#: Libraries whose containers come to this adapter (narwhals reads their frames).
_FRAME_LIBRARIES = ("pandas", "polars", "pyarrow", "modin", "cudf", "narwhals")
#: Libraries whose collections are lazy and distributed: never computed here.
_DASK_LIBRARIES = ("dask", "dask_expr", "dask_cudf")


def _library(obj: Any) -> str:
    return type(obj).__module__.partition(".")[0]


def check_not_lazy_collection(x: Any, name: str) -> None:
    """A ``TypeError`` for a Dask collection: computing it here would pull it into memory
    silently."""
    if _library(x) in _DASK_LIBRARIES:
        raise TypeError(
            f"{name} is a Dask collection ({type(x).__name__}); fastent does not compute it "
            "behind your back: call .compute() first if it fits in memory, or score it "
            "partition by partition with fastent.stream / fastent.dask"
        )


def is_sparse(X: Any) -> bool:
    """Whether ``X`` is a ``scipy.sparse`` matrix or array."""
    return _library(X) == "scipy" and hasattr(X, "tocsc") and hasattr(X, "nnz")


# ---- frames --------------------------------------------------------------------------------------


def _narwhals() -> Any:
    import narwhals.stable.v2 as nw

    return nw


def _arrow_stream_table(X: Any) -> Any:
    """A pyarrow Table from an object with ``__arrow_c_stream__`` (None when it is not a table)."""
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is how such streams are read
        return None
    try:
        return pa.table(X)
    except (TypeError, ValueError, pa.ArrowException):
        return None


def _to_narwhals_frame(X: Any) -> Any:
    """``X`` as a narwhals DataFrame or LazyFrame, or None when it is not a frame."""
    if isinstance(X, np.ndarray) or isinstance(X, (list, tuple, str, bytes)):
        return None
    check_not_lazy_collection(X, "X")
    library = _library(X)
    if library not in _FRAME_LIBRARIES and not hasattr(X, "__arrow_c_stream__"):
        if not (hasattr(X, "columns") and hasattr(X, "__dataframe__")):
            return None
    nw = _narwhals()
    frame = nw.from_native(X, allow_series=False, pass_through=True)
    if isinstance(frame, (nw.DataFrame, nw.LazyFrame)):
        return frame
    if hasattr(X, "__arrow_c_stream__"):
        table = _arrow_stream_table(X)
        if table is not None:
            return nw.from_native(table, eager_only=True)
    return None


def is_dataframe(X: Any) -> bool:
    """Whether ``X`` is a DataFrame (any kind this adapter reads): named columns of their own
    types.  A Dask collection is a ``TypeError``."""
    return _to_narwhals_frame(X) is not None


def eager(X: Any) -> Any:
    """A lazy frame (polars LazyFrame, ...) collected into its library's DataFrame; anything
    else as it is."""
    frame = _to_narwhals_frame(X)
    if frame is not None and isinstance(frame, _narwhals().LazyFrame):
        return frame.collect().to_native()
    return X


#: Frames of integer columns up to this many rows are read as one 2-D array (a copy, for most
#: libraries), not a column at a time: a column through the frame libraries costs ~75-95 us, the
#: time of copying ~0.5 MB (5,000 columns x 2,000 rows of pandas, polars or pyarrow: 0.30-0.59 s
#: a column at a time, 40-92 ms as one array, 27 ms for the NumPy array itself).
MATRIX_ROWS = 1 << 16


@dataclass
class Frame:
    """A table's named columns: ``frame``, an eager narwhals DataFrame; ``columns``, its columns
    as narwhals Series (made when first asked for)."""

    names: list[str]
    frame: Any
    n_rows: int

    @functools.cached_property
    def columns(self) -> list[Any]:
        """The columns (narwhals Series), in order."""
        return [self.frame.get_column(c) for c in self.frame.columns]

    def column(self, j: int) -> Any:
        """Column j (a narwhals Series), without making the others."""
        made = self.__dict__.get("columns")
        return made[j] if made is not None else self.frame.get_column(self.frame.columns[j])

    def _fits_a_matrix(self, columns: int) -> bool:
        """Whether ``columns`` columns may be copied into one 2-D array: at most ``MATRIX_ROWS``
        rows, and the copy fits a quarter of the memory available."""
        copy = 8 * self.n_rows * columns  # bytes, at the widest
        if self.n_rows > MATRIX_ROWS:
            return False
        if copy >= CHECK_FROM_BYTES:
            available = available_bytes()
            if available is not None and 4 * copy > available:
                return False
        return True

    def integer_matrix(self) -> np.ndarray | None:
        """Every column at once as a 2-D integer array, when every one is of an integer dtype
        the counting kernels read (8 to 64 bits; not UInt64) with no missing value and the copy
        may be made (``_fits_a_matrix``); else None (a column at a time, each read where it
        lies)."""
        if not self._fits_a_matrix(len(self.names)):
            return None
        native = self.frame.to_native()
        library = _library(native)
        if library == "pandas":  # NumPy integer dtypes hold no missing values
            if not all(
                isinstance(d, np.dtype) and d.kind in "iu" and d != np.uint64 for d in native.dtypes
            ):
                return None
        else:
            nw = _narwhals()
            kinds = (nw.Int8, nw.Int16, nw.Int32, nw.Int64, nw.UInt8, nw.UInt16, nw.UInt32)
            distinct = {type(d): d for d in self.frame.schema.values()}.values()
            if not all(any(d == k for k in kinds) for d in distinct):
                return None
            if library == "polars":
                nulls = native.null_count().row(0)
            elif library == "pyarrow":  # a Table or RecordBatch: its columns' counts
                nulls = [c.null_count for c in native.columns]
            else:
                nulls = self.frame.null_count().row(0)
            if any(nulls):
                return None
        arr = np.asarray(self.frame.to_numpy())  # mixed widths widen, int64 at most
        return arr if arr.ndim == 2 and arr.dtype.kind in "iu" else None

    def float_columns(self) -> dict[int, Column]:
        """The columns of a float dtype (NumPy's in pandas; Float32/Float64 elsewhere), read at
        once as one 2-D array when there are at least two and the copy may be made
        (``_fits_a_matrix``): {index: the column, its gaps (NaN, null) as NaN}; else {}.  NaN and
        null are both missing for fastent, so the column means what ``column_data`` makes of
        it."""
        native = self.frame.to_native()
        pandas = _library(native) == "pandas"
        if pandas:
            dtypes = list(native.dtypes)
            floats = [j for j, d in enumerate(dtypes) if isinstance(d, np.dtype) and d.kind == "f"]
        else:
            nw = _narwhals()
            floats = [
                j
                for j, d in enumerate(self.frame.schema.values())
                if d == nw.Float64 or d == nw.Float32
            ]
        if len(floats) < 2 or not self._fits_a_matrix(len(floats)):
            return {}
        if pandas:  # by position: pandas column labels need not be strings
            picked = native.iloc[:, floats].to_numpy()
        else:
            names = self.frame.columns
            picked = self.frame.select([names[j] for j in floats]).to_numpy()
        arr = np.asfortranarray(picked)
        if arr.shape != (self.n_rows, len(floats)) or arr.dtype.kind != "f":
            return {}
        return {j: Column("f", values=arr[:, i]) for i, j in enumerate(floats)}


def as_frame(
    X: Any, name: str, columns: list[str] | None = None, allow_empty: bool = False
) -> Frame | None:
    """The columns of a DataFrame (all, or ``columns`` only; a LazyFrame collects just those),
    or None when ``X`` is not a DataFrame (``allow_empty``: a frame with no rows is accepted)."""
    frame = _to_narwhals_frame(X)
    if frame is None:
        return None
    nw = _narwhals()
    all_names = [str(c) for c in frame.columns]
    if len(set(all_names)) != len(all_names):
        dup = next(c for c in all_names if all_names.count(c) > 1)
        raise ValueError(f"{name} has the column name {dup!r} more than once")
    if columns is not None:
        missing = [c for c in columns if c not in all_names]
        if missing:
            raise ValueError(f"{name} has no column {missing[0]!r}")
        frame = frame.select(list(columns))
    if isinstance(frame, nw.LazyFrame):
        frame = frame.collect()
    names = [str(c) for c in frame.columns]
    if not names:
        raise ValueError(f"{name} has no columns")
    if len(frame) == 0 and not allow_empty:
        raise ValueError(f"{name} has no rows")
    return Frame(names, frame, len(frame))


def as_matrix(X: Any, name: str, allow_empty: bool = False) -> np.ndarray:
    """``X`` as a 2-D, non-empty array of a real or label dtype (``allow_empty``: no rows
    accepted, but at least one column)."""
    if isinstance(X, (str, bytes)):
        raise ValueError(f"{name} must be a 2-D array, got a {type(X).__name__}")
    check_not_lazy_collection(X, name)
    arr = to_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if (arr.shape[0] == 0 and not allow_empty) or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}")
    return arr


# ---- columns and series --------------------------------------------------------------------------


@dataclass
class Column:
    """One column as NumPy: ``kind`` "f" (float numbers, binned when continuous), "i" (integer or
    bool numbers) or "O" (labels).  Numbers are ``values`` (0 where missing); labels are
    ``codes`` into ``levels`` (-1 where missing, levels in the library's order).  ``missing``:
    the rows with no value (None when there are none)."""

    kind: str
    values: np.ndarray | None = None
    codes: np.ndarray | None = None
    levels: np.ndarray | None = None
    missing: np.ndarray | None = None

    def take(self, rows: np.ndarray) -> Column:
        """The column at ``rows`` (a bool mask)."""

        def at(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[rows]

        missing = at(self.missing)
        return Column(
            self.kind,
            at(self.values),
            at(self.codes),
            self.levels,
            missing if missing is not None and missing.any() else None,
        )


def _mask(mask: np.ndarray) -> np.ndarray | None:
    mask = np.asarray(mask, dtype=bool)
    return mask if mask.any() else None


def _pandas_column(s: Any) -> Column:
    """A pandas Series, Index or Categorical."""
    import pandas as pd

    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        cat = s if isinstance(s, pd.Categorical) else pd.Categorical(s)
        codes = np.asarray(cat.codes)
        return Column("O", codes=codes, levels=np.asarray(cat.categories), missing=_mask(codes < 0))
    if isinstance(dtype, np.dtype) and dtype.kind in "biuf":
        values = np.asarray(s)
        return Column("f" if dtype.kind == "f" else "i", values=values)
    numeric = pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)
    if numeric:  # nullable (Int64, Float64, boolean) or Arrow-backed numbers
        missing = np.asarray(pd.isna(s), dtype=bool)
        kind = "f" if pd.api.types.is_float_dtype(dtype) else "i"
        target: type[np.generic] = np.float64 if kind == "f" else np.int64
        if pd.api.types.is_bool_dtype(dtype):
            target = np.bool_
        elif kind == "i" and pd.api.types.is_unsigned_integer_dtype(dtype):
            target = np.uint64
        values = np.asarray(s.to_numpy(dtype=target, na_value=0))
        return Column(kind, values=values, missing=_mask(missing))
    try:
        codes, uniques = pd.factorize(s, use_na_sentinel=True)
    except TypeError:  # unhashable labels: the generic path compares them
        return Column("O", values=np.asarray(s, dtype=object))
    codes = np.asarray(codes)
    levels = uniques if isinstance(uniques, np.ndarray) else np.asarray(uniques, dtype=object)
    return Column("O", codes=codes, levels=levels, missing=_mask(codes < 0))


def _arrow_column(arr: Any) -> Column:
    """A pyarrow Array or ChunkedArray."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    t = arr.type
    missing = _mask(arr.is_null().to_numpy(zero_copy_only=False)) if arr.null_count else None
    if pa.types.is_floating(t) or pa.types.is_integer(t) or pa.types.is_boolean(t):
        kind = "f" if pa.types.is_floating(t) else "i"
        filled = (
            arr.fill_null(False if pa.types.is_boolean(t) else 0) if missing is not None else arr
        )
        return Column(kind, values=filled.to_numpy(zero_copy_only=False), missing=missing)
    if pa.types.is_nested(t):
        raise TypeError(f"a column holds nested values ({t}): labels must be scalars")
    if not pa.types.is_dictionary(t):
        if pa.types.is_string_view(t):
            arr = arr.cast(pa.large_string())
        arr = pc.dictionary_encode(arr)
    indices = arr.indices
    if indices.null_count:
        indices = indices.cast(pa.int64()).fill_null(-1)
    codes = indices.to_numpy(zero_copy_only=False)
    levels = arr.dictionary.to_numpy(zero_copy_only=False)
    return Column("O", codes=codes, levels=levels, missing=missing)


def _polars_column(s: Any) -> Column:
    """A polars Series."""
    dtype = s.dtype
    if dtype.is_numeric() or str(dtype) == "Boolean":
        kind = "f" if dtype.is_float() else "i"
        null = s.is_null()
        if kind == "f":
            null = null | s.is_nan()
        missing = _mask(null.to_numpy())
        values = (s.fill_null(0) if missing is not None else s).to_numpy()
        if kind == "f" and missing is not None:
            values = np.where(missing, 0.0, values)
        return Column(kind, values=values, missing=missing)
    name = type(dtype).__name__
    if name in ("Categorical", "Enum"):  # physical codes index the categories: no encoding
        physical = s.to_physical()
        missing = _mask(physical.is_null().to_numpy()) if physical.null_count() else None
        if missing is not None:
            physical = physical.cast(_pl_int64(s)).fill_null(-1)
        categories = dtype.categories
        levels = (categories if name == "Enum" else categories.to_series()).to_numpy()
        # object levels, as np.asarray(series) of a Categorical or Enum gives
        return Column("O", codes=physical.to_numpy(), levels=levels.astype(object), missing=missing)
    try:
        column = _arrow_column(s.to_arrow())
    except ImportError:  # no pyarrow: the values, factorised by fastent
        return Column("O", values=s.to_numpy())
    if str(dtype) == "String" and column.levels is not None:
        column.levels = column.levels.astype(str)  # as np.asarray(series): a str array
    return column


def _pl_int64(s: Any) -> Any:
    """polars' Int64 dtype (polars is loaded: ``s`` is one of its Series)."""
    return sys.modules[type(s).__module__.partition(".")[0]].Int64


def _native_series(x: Any) -> Any:
    """The native object of a narwhals Series (or ``x`` itself)."""
    to_native = getattr(x, "to_native", None)
    return to_native() if callable(to_native) and _library(x) == "narwhals" else x


def column_data(x: Any) -> Column | None:
    """A 1-D column of a frame library (pandas Series/Index/Categorical, polars Series, pyarrow
    Array/ChunkedArray, a narwhals Series) as a :class:`Column`, or None for anything else."""
    if isinstance(x, np.ndarray):
        return None
    x = _native_series(x)
    library = _library(x)
    if library in _DASK_LIBRARIES:
        check_not_lazy_collection(x, "the labels")
    if library == "pandas" and getattr(x, "ndim", 0) == 1 and hasattr(x, "dtype"):
        return _pandas_column(x)
    if library == "polars" and type(x).__name__ == "Series":
        return _polars_column(x)
    if library == "pyarrow" and hasattr(x, "type") and hasattr(x, "is_null"):
        return _arrow_column(x)
    if library in ("modin", "cudf") and getattr(x, "ndim", 0) == 1:
        return column_data(_narwhals().from_native(x, series_only=True).to_arrow())
    return None
