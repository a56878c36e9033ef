# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.selection`` (private): count many columns against one target code vector,
and turn the tables into mutual information.

Contract (``fastent/selection.py`` guarantees it before any call):

* A column is a strided view into a C-contiguous source array of an integer kind
  (``fastent._kernels.discrete.KINDS``): element ``start + i * stride`` is sample i.  Its values
  are expected in ``[offset, offset + size)``; a column with a value outside is reported in the
  returned ``bad`` mask (its table is then incomplete).
* ``target``: int32 codes in ``[0, n_target)``, one per sample.
* Tables: column j's ``size_j x n_target`` row-major table starts at ``positions[j]``.
* ``n_threads`` >= 1; the GIL is released in every loop.
"""
import numpy as np
from cython.parallel cimport prange
from libc.stdint cimport int32_t, int64_t, uint8_t, uint64_t
from libc.stdlib cimport free, malloc

from .discrete import KINDS as _KINDS

cdef extern from "counting.h" nogil:
    enum: FE_GROUP_MAX
    ctypedef struct fe_columns:
        int kind
        Py_ssize_t n_cols
        const char *const *data
        const Py_ssize_t *stride
        Py_ssize_t row_stride
        const int64_t *offset
        const int64_t *last
        const uint64_t *adjust
        Py_ssize_t step
        uint8_t *bad
    ctypedef struct fe_counting_kernels:
        pass
    const fe_counting_kernels fe_counting_table[3]
    void fe_count_columns(const fe_counting_kernels *k, const fe_columns *groups, int n_groups,
                          const int32_t *target, Py_ssize_t n, int n_threads, int64_t *tables,
                          Py_ssize_t n_cells, int64_t *work)
    double fe_mi_table(const int64_t *t, Py_ssize_t ka, Py_ssize_t kb, Py_ssize_t sa,
                       Py_ssize_t sb, int estimator, int64_t *scratch)
    double fe_cmi_table(const int64_t *t, Py_ssize_t kx, Py_ssize_t kz, Py_ssize_t ky,
                        Py_ssize_t sx, Py_ssize_t sy, int estimator, int64_t *scratch)

cdef const fe_counting_kernels *_kernels = &fe_counting_table[0]

#: Columns counted together when they are separate arrays or strided (F order, DataFrames).
STRIDED_GROUP = 16


def set_simd_level(int level):
    """Use the counting loops compiled for ``level`` (0 baseline, 1 AVX2, 2 AVX-512)."""
    global _kernels
    _kernels = &fe_counting_table[level]


cdef size_t _address(arr, Py_ssize_t element) except 0:
    cdef const unsigned char[::1] raw = arr.reshape(-1).view(np.uint8)
    return <size_t>&raw[element * arr.itemsize]


def count_columns(list sources, source, start, stride, offset, size, const int32_t[::1] target,
                  int64_t n_target, int n_threads):
    """(tables, positions, step, bad): the (value, target) counts of every column.

    Cell (v, t) of column j (v in [0, size_j)) is ``tables[t * step + positions[j] + v]``, with
    ``step = sum(size)``.  Columns are counted in groups of one integer kind (at most
    FE_GROUP_MAX columns each); a group whose columns are adjacent in one C-ordered source is
    read row by row, contiguously.
    """
    cdef Py_ssize_t i, g, lo, hi, width, n_cols = len(source), n = target.shape[0], n_groups
    cdef bint adjacent
    sizes = np.asarray(size, dtype=np.int64)
    offsets = np.asarray(offset, dtype=np.int64)
    positions = np.zeros(n_cols, dtype=np.intp)
    if n_cols:
        positions[1:] = np.cumsum(sizes)[:n_cols - 1]
    cdef Py_ssize_t step = int(sizes.sum()), n_cells = step * n_target
    kinds = np.asarray([_KINDS[sources[j].dtype] for j in source], dtype=np.intc)
    order = np.argsort(kinds, kind="stable")
    # per column, in group order
    cdef size_t[::1] data = np.asarray(
        [_address(sources[source[j]], start[j]) for j in order], dtype=np.uintp)
    cdef Py_ssize_t[::1] steps = np.asarray(stride, dtype=np.intp)[order]
    cdef int64_t[::1] off = offsets[order]
    cdef int64_t[::1] last = (offsets + sizes - 1)[order]
    cdef uint64_t[::1] adjust = (positions.astype(np.uint64) - offsets.astype(np.uint64))[order]
    bad = np.zeros(n_cols, dtype=np.uint8)
    cdef uint8_t[::1] bad_view = bad
    # groups: runs of one kind, cut to at most FE_GROUP_MAX columns when they are adjacent in a
    # C-ordered source (read row by row), else to STRIDED_GROUP (few enough streams to prefetch)
    bounds = [0]
    lo = 0
    for i in range(1, n_cols + 1):
        if i == n_cols or kinds[order[i]] != kinds[order[i - 1]]:
            width = sources[source[order[lo]]].itemsize
            adjacent = True
            for g in range(lo, i):
                adjacent &= steps[g] == steps[lo] and data[g] == data[lo] + (g - lo) * width
            adjacent &= steps[lo] >= i - lo
            cut = FE_GROUP_MAX if adjacent else STRIDED_GROUP
            bounds.extend(range(lo + cut, i, cut))
            bounds.append(i)
            lo = i
    n_groups = len(bounds) - 1
    tables = np.zeros(max(n_cells, 1), dtype=np.int64)
    work = np.empty(max((n_threads - 1) * n_cells, 1), dtype=np.int64)
    cdef int64_t[::1] t = tables, w = work
    cdef fe_columns *groups = <fe_columns *>malloc(max(n_groups, 1) * sizeof(fe_columns))
    if groups == NULL:
        raise MemoryError()
    try:
        for g in range(n_groups):
            lo, hi = bounds[g], bounds[g + 1]
            groups[g].kind = kinds[order[lo]]
            groups[g].n_cols = hi - lo
            groups[g].data = <const char *const *>&data[lo]
            groups[g].stride = &steps[lo]
            groups[g].row_stride = 0
            groups[g].offset = &off[lo]
            groups[g].last = &last[lo]
            groups[g].adjust = &adjust[lo]
            groups[g].step = step
            groups[g].bad = &bad_view[lo]
            width = sources[source[order[lo]]].itemsize
            adjacent = steps[lo] >= hi - lo
            for i in range(lo, hi):
                adjacent &= steps[i] == steps[lo] and data[i] == data[lo] + (i - lo) * width
            if adjacent:  # columns side by side in a C-ordered matrix: read rows contiguously
                groups[g].stride = NULL
                groups[g].row_stride = steps[lo]
        if n_cols and n:
            with nogil:
                fe_count_columns(_kernels, groups, <int>n_groups, &target[0], n, n_threads, &t[0],
                                 n_cells, &w[0])
    finally:
        free(groups)
    unordered = np.empty(n_cols, dtype=bool)
    unordered[order] = bad.view(bool)
    return tables, positions, step, unordered


def mi_tables(const int64_t[::1] tables, const Py_ssize_t[::1] positions, Py_ssize_t step,
              const int64_t[::1] rows, int64_t n_target, int estimator, int n_threads):
    """out[j] = I(X_j; target) in nats of column j's table (see ``count_columns``)."""
    cdef Py_ssize_t j, n = positions.shape[0], most = 0
    for j in range(n):
        most = max(most, rows[j])
    out = np.empty(n, dtype=np.float64)
    scratch = np.empty((n, most + n_target + most * n_target), dtype=np.int64)
    cdef double[::1] o = out
    cdef int64_t[:, ::1] s = scratch
    if n == 0:
        return out
    with nogil:
        for j in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic"):
            o[j] = fe_mi_table(&tables[positions[j]], rows[j], n_target, 1, step, estimator,
                               &s[j, 0])
    return out


def cmi_tables(const int64_t[::1] tables, const Py_ssize_t[::1] positions, Py_ssize_t step,
               const int64_t[::1] rows, int64_t kz, int64_t ky, int estimator, int n_threads):
    """out[j] = I(X_j; Y | Z) in nats of column j's table against the target z * ky + y."""
    cdef Py_ssize_t j, n = positions.shape[0], most = 0
    for j in range(n):
        most = max(most, rows[j])
    out = np.empty(n, dtype=np.float64)
    scratch = np.empty((n, most * kz + kz * ky + kz + most * kz * ky), dtype=np.int64)
    cdef double[::1] o = out
    cdef int64_t[:, ::1] s = scratch
    if n == 0:
        return out
    with nogil:
        for j in prange(n, use_threads_if=n_threads > 1, num_threads=n_threads,
                        schedule="dynamic"):
            o[j] = fe_cmi_table(&tables[positions[j]], rows[j], kz, ky, 1, step, estimator,
                                &s[j, 0])
    return out
