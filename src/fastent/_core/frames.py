# SPDX-License-Identifier: BSD-3-Clause
"""2-D input -> named columns: a NumPy array (a column per feature) or a DataFrame."""

from __future__ import annotations

from typing import Any

import numpy as np

from .layout import to_array

__all__ = ["as_matrix", "column_kind", "is_dataframe", "split_columns"]


def is_dataframe(X: Any) -> bool:
    """Whether ``X`` is a DataFrame (pandas, polars): it has named columns of their own types."""
    return hasattr(X, "columns") and not isinstance(X, np.ndarray)


def as_matrix(X: Any, name: str) -> np.ndarray:
    """``X`` as a 2-D, non-empty array of a real or label dtype."""
    if isinstance(X, (str, bytes)):
        raise ValueError(f"{name} must be a 2-D array, got a {type(X).__name__}")
    arr = to_array(X, name)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if arr.dtype.kind in "cV":
        raise TypeError(f"{name} has unsupported dtype {arr.dtype}")
    return arr


def split_columns(X: Any, name: str) -> tuple[list[str], list[Any]]:
    """(column names, columns) of a DataFrame or a 2-D array (names "0", "1", ...)."""
    if is_dataframe(X):
        names = [str(c) for c in X.columns]
        if hasattr(X, "iloc"):  # pandas
            columns = [X.iloc[:, j] for j in range(len(names))]
        else:  # polars
            columns = [X.get_column(c) for c in X.columns]
        if not names:
            raise ValueError(f"{name} has no columns")
        if len(columns[0]) == 0:
            raise ValueError(f"{name} has no rows")
        return names, columns
    arr = as_matrix(X, name)
    return [str(j) for j in range(arr.shape[1])], [arr[:, j] for j in range(arr.shape[1])]


def column_kind(column: Any) -> str:
    """'f' for a float column of a DataFrame or array, else the kind of its values ('O' for
    categorical, string and object columns)."""
    dtype = getattr(column, "dtype", None)
    if getattr(dtype, "name", None) == "category":
        return "O"
    if dtype is not None and hasattr(dtype, "is_float"):  # polars
        return "f" if dtype.is_float() else "O"
    return str(getattr(dtype, "kind", "O"))  # NumPy and pandas (incl. nullable Float64: "f")
