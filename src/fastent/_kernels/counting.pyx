# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.discrete`` and ``fastent.selection`` (private): counting integer label
codes into joint tables, and information from count tables.

Contract (its callers, ``fastent._core.codes``/``counting``/``measures`` and the sweeps of
``fastent.selection``, guarantee it before any call):

* A label array is 1-D, C-contiguous, non-empty, of an integer kind (``INT_KINDS``; bool is
  passed as uint8); its codes are ``value - offset`` in ``[0, size)``.  ``count`` checks that and
  reports the first sample outside (the status convention of ``_math.h``: -1 when all are in
  range); ``keys`` trusts it.
* A column of ``count_columns`` is a strided view into a C-contiguous source array of an integer
  kind: element ``start + i * stride`` is sample i.  A column with a value outside its
  ``[offset, offset + size)`` gets the row of the first one in the returned status array (its
  table is then incomplete); -1 means every value was in range.
* ``target``: int32 codes in ``[0, n_target)``, one per sample.
* Count tables are int64; estimators are the ``ESTIMATORS`` codes of ``fe_estimator``.
* ``n_threads`` >= 1; 1 = serial.  The GIL is released in every loop.
"""
import numpy as np
from cython.parallel cimport prange
from libc.stdint cimport int32_t, int64_t, uint64_t
from libc.stdlib cimport free, malloc

from ._math cimport FE_OK

#: dtype -> integer kind code (``fe_int_kind`` of counting.h)
INT_KINDS = {
    np.dtype(np.int8): FE_I8, np.dtype(np.uint8): FE_U8, np.dtype(np.int16): FE_I16,
    np.dtype(np.uint16): FE_U16, np.dtype(np.int32): FE_I32, np.dtype(np.uint32): FE_U32,
    np.dtype(np.int64): FE_I64,
}
#: estimator name -> code (``fe_estimator`` of counting.h), in code order
ESTIMATORS = {
    "plugin": FE_PLUGIN, "miller_madow": FE_MILLER_MADOW, "shrinkage": FE_SHRINKAGE,
    "chao_shen": FE_CHAO_SHEN,
}
assert len(INT_KINDS) == FE_N_INT_KINDS and len(ESTIMATORS) == FE_N_ESTIMATORS
#: Most variables one joint count takes.
MAX_VARIABLES = FE_MAX_VARIABLES

cdef const fe_counting_kernels *_kernels = fe_counting_kernels_for(0)


def set_simd_level(int level):
    """Use the counting loops compiled for ``level`` (``fe_level``: 0 baseline, 1 AVX2, 2 AVX-512;
    at AVX-512, the bitset counting with VPOPCNTQ where the CPU has it)."""
    global _kernels
    _kernels = fe_counting_kernels_for(level)


cdef const void *_data(arr) except NULL:
    cdef const unsigned char[::1] raw = arr.view(np.uint8)
    return &raw[0]


def minmax(arr, int n_threads):
    """(min, max) of a non-empty label array as Python ints."""
    cdef int64_t lo = 0, hi = 0
    cdef const void *data = _data(arr)
    cdef int kind = INT_KINDS[arr.dtype]
    cdef Py_ssize_t n = arr.shape[0]
    with nogil:
        fe_minmax(_kernels, data, kind, n, n_threads, &lo, &hi)
    return lo, hi


def column_ranges(arr, int n_threads):
    """(lo, hi): the minimum and maximum of each column of a 2-D integer array with at least one
    row (int64 arrays), in one pass over its rows, which may be strided (a sample of every
    step-th row of a matrix) and in any order (C or F)."""
    cdef Py_ssize_t rows = arr.shape[0], cols = arr.shape[1]
    cdef Py_ssize_t row_bytes = arr.strides[0], col_bytes = arr.strides[1]
    cdef int kind = INT_KINDS[arr.dtype]
    if rows == 0:
        raise ValueError("column_ranges: the array has no rows")
    lo = np.empty(cols, dtype=np.int64)
    hi = np.empty(cols, dtype=np.int64)
    work = np.empty(2 * cols * max(n_threads - 1, 0) + 1, dtype=np.int64)
    cdef int64_t[::1] lo_v = lo, hi_v = hi, work_v = work
    cdef size_t data = arr.__array_interface__["data"][0]  # element (0, 0); strides any sign
    if cols == 0:
        return lo, hi
    with nogil:
        fe_column_ranges(_kernels, <const void *>data, kind, rows, cols, row_bytes, col_bytes,
                         n_threads, &lo_v[0], &hi_v[0], &work_v[0])
    return lo, hi


def bin_columns(values, const double[:, ::1] cuts, const Py_ssize_t[::1] n_cuts, out,
                int n_threads):
    """Bins of a 2-D float64 array's finite values (aligned, any strides) into ``out``
    (F-ordered uint8 or uint16 of the same shape): element (i, j) becomes the number of
    ``cuts[j, :n_cuts[j]]`` (increasing) at or below it."""
    cdef Py_ssize_t rows = values.shape[0], cols = values.shape[1], width = cuts.shape[1]
    if (values.dtype != np.float64 or not values.flags.aligned or cuts.shape[0] != cols
            or n_cuts.shape[0] != cols or out.shape != values.shape
            or out.dtype not in (np.uint8, np.uint16) or not out.flags.f_contiguous
            or (cols and not 0 <= np.min(n_cuts) <= np.max(n_cuts) <= width)):
        raise ValueError("bin_columns: bad arguments")
    if rows == 0 or cols == 0:
        return
    if width == 0:
        out[...] = 0
        return
    cdef size_t data = values.__array_interface__["data"][0]  # element (0, 0)
    cdef size_t codes = out.__array_interface__["data"][0]
    cdef Py_ssize_t row_bytes = values.strides[0], col_bytes = values.strides[1]
    cdef int code_bytes = out.dtype.itemsize
    with nogil:
        fe_bin_columns(_kernels, <const char *>data, rows, cols, row_bytes, col_bytes,
                       &cuts[0, 0], width, &n_cuts[0], code_bytes, <void *>codes, n_threads)


def merge_bins(const int64_t[::1] counts, Py_ssize_t n_bins):
    """The first value of each of at most ``n_bins`` bins (intp) of values counted ``counts``
    (at least one), merged from one bin a value: the adjacent pair with the smallest total first
    (the leftmost of equal ones), until ``n_bins`` remain."""
    cdef Py_ssize_t m = counts.shape[0], k
    if m == 0 or n_bins < 1:
        raise ValueError("merge_bins: no values, or no bins")
    starts = np.empty(m, dtype=np.intp)
    cdef Py_ssize_t[::1] out = starts
    with nogil:
        k = fe_merge_bins(&counts[0], m, n_bins, &out[0])
    if k < 0:
        raise MemoryError("merge_bins: no memory for its work")
    return starts[:k]


cdef int _pack(list arrays, list offsets, list sizes, fe_var *variables) except -1:
    cdef Py_ssize_t j
    for j in range(len(arrays)):
        variables[j].data = _data(arrays[j])
        variables[j].kind = INT_KINDS[arrays[j].dtype]
        variables[j].offset = offsets[j]
        variables[j].size = sizes[j]
    return 0


def count(list arrays, list offsets, list sizes, int n_threads):
    """(table, status): joint counts of the variables as a flat row-major int64 table of
    prod(sizes) cells, and -1, or the first sample with a value outside its variable's
    ``[offset, offset + size)`` (the table is then incomplete)."""
    cdef fe_var variables[FE_MAX_VARIABLES]
    cdef Py_ssize_t n = arrays[0].shape[0], n_cells = 1, status
    cdef int n_vars = len(arrays)
    for s in sizes:
        n_cells *= s
    _pack(arrays, offsets, sizes, variables)
    table = np.zeros(n_cells, dtype=np.int64)
    work = np.empty(max(fe_count_work_size(n_cells, n_threads), 1), dtype=np.int64)
    cdef int64_t[::1] t = table, w = work
    with nogil:
        status = fe_count(_kernels, variables, n_vars, n, n_threads, &t[0], n_cells, &w[0])
    return table, status


def keys(list arrays, list offsets, list sizes, int n_threads):
    """The joint cell of every sample as uint64 (row-major over the codes)."""
    cdef fe_var variables[FE_MAX_VARIABLES]
    cdef Py_ssize_t n = arrays[0].shape[0]
    cdef int n_vars = len(arrays)
    _pack(arrays, offsets, sizes, variables)
    out = np.empty(n, dtype=np.uint64)
    cdef uint64_t[::1] k = out
    with nogil:
        fe_keys(_kernels, variables, n_vars, n, n_threads, &k[0])
    return out


# ---- information from count tables ---------------------------------------------------------------


def entropy_counts(const int64_t[::1] counts, double n_bins, int estimator):
    """Entropy in nats of a histogram's ``counts`` (zeros skipped) over an alphabet of ``n_bins``,
    by estimator code ``estimator``."""
    cdef double h
    with nogil:
        h = fe_entropy_counts(&counts[0], counts.shape[0], 1, n_bins, estimator)
    return h


def plugin_sum(const int64_t[::1] c, const double[:] u, const double[:] v, const double[:] w):
    """sum_k c[k] log(c[k] u[k] / (v[k] w[k])), compensated (u, v, w may be broadcast with
    stride 0)."""
    cdef Py_ssize_t m = c.shape[0], su, sv, sw
    cdef double s = 0.0
    if m == 0:
        return s
    su, sv, sw = u.strides[0] // 8, v.strides[0] // 8, w.strides[0] // 8
    with nogil:
        s = fe_plugin_sum(&c[0], m, &u[0], su, &v[0], sv, &w[0], sw)
    return s


def expected_mutual_info(const int64_t[::1] a, const int64_t[::1] a_mult, const int64_t[::1] b,
                         const int64_t[::1] b_mult, int64_t n):
    """E[I] in nats of two labellings with marginal counts ``a``/``b`` (distinct values with
    multiplicities ``a_mult``/``b_mult``) under random permutation."""
    cdef double emi
    with nogil:
        emi = fe_expected_mutual_info(&a[0], &a_mult[0], a.shape[0], &b[0], &b_mult[0],
                                      b.shape[0], n)
    return emi


def mi_tables(const int64_t[::1] tables, const Py_ssize_t[::1] positions, Py_ssize_t step,
              const int64_t[::1] rows, int64_t n_target, int estimator, int n_threads):
    """out[j] = I(X_j; target) in nats of column j's table (the layout of ``count_columns``)."""
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


# ---- many columns against one target -------------------------------------------------------------


cdef size_t _address(arr, Py_ssize_t element) except 0:
    cdef const unsigned char[::1] raw = arr.reshape(-1).view(np.uint8)
    cdef Py_ssize_t itemsize = arr.itemsize
    return <size_t>&raw[element * itemsize]


def count_columns(list sources, source, start, stride, offset, size, target, int64_t n_target,
                  int n_threads, Py_ssize_t n_samples=-1, bint bitsets=False):
    """(tables, positions, step, status): the (value, target) counts of every column.

    With ``bitsets`` (and ``target`` None, ``n_samples`` given), the first result is instead a
    (step, ceil(n / 64)) uint64 array: row ``positions[j] + v`` holds the samples where column j
    has value ``offset[j] + v``, as bits.

    Cell (v, t) of column j (v in [0, size_j)) is ``tables[t * step + positions[j] + v]``, with
    ``step = sum(size)``.  ``status[j]`` is -1, or the first row where column j has a value
    outside its range.  Columns are counted in groups of one integer kind (at most FE_GROUP_MAX
    columns each); a group whose columns are adjacent in one C-ordered source is read row by row,
    contiguously; columns of one kind in separate arrays or strided (F order, DataFrames) go 16
    at a time.
    """
    cdef Py_ssize_t i, g, lo, hi, n_cols = len(source), n_groups
    cdef Py_ssize_t n = target.shape[0] if target is not None else n_samples
    cdef const int32_t[::1] y = target if target is not None else np.zeros(1, dtype=np.int32)
    cdef Py_ssize_t words = (n + 63) // 64
    cdef const int32_t *y_codes = &y[0] if target is not None else NULL
    cdef bint adjacent
    sizes = np.asarray(size, dtype=np.int64)
    offsets = np.asarray(offset, dtype=np.int64)
    positions = np.zeros(n_cols, dtype=np.intp)
    if n_cols:
        positions[1:] = np.cumsum(sizes)[:n_cols - 1]
    cdef Py_ssize_t step = int(sizes.sum()), n_cells = step * n_target
    src = np.asarray(source, dtype=np.intp)
    kinds = np.asarray([INT_KINDS.get(a.dtype, -1) for a in sources], dtype=np.intc)[src]
    if (kinds < 0).any():
        raise TypeError(f"a column's source is {sources[src[np.argmin(kinds)]].dtype}, "
                        "not an integer kind the kernels count")
    steps_in = np.asarray(stride, dtype=np.intp)
    starts = np.asarray(start, dtype=np.intp)
    # groups: columns of one kind in one source with one stride.  With a stride > 1 they are
    # rows of a C-ordered matrix (element start % stride of each row): read row by row, up to
    # FE_GROUP_MAX columns; contiguous columns (stride 1) go 16 at a time
    order = np.lexsort((starts, steps_in, src, kinds))
    key = np.stack([kinds[order], src[order], steps_in[order]], axis=1)
    item = np.asarray([a.itemsize for a in sources], dtype=np.intp)[src]
    base = np.asarray([_address(a, 0) if a.size else 0 for a in sources], dtype=np.uintp)[src]
    cdef size_t[::1] data = (base + (starts * item).astype(np.uintp))[order]
    cdef Py_ssize_t[::1] steps = steps_in[order]
    cdef Py_ssize_t[::1] within = (starts % np.maximum(steps_in, 1))[order]
    cdef int64_t[::1] off = offsets[order]
    cdef int64_t[::1] last = (offsets + sizes - 1)[order]
    cdef uint64_t[::1] adjust = (positions.astype(np.uint64) - offsets.astype(np.uint64))[order]
    status = np.full(n_cols, FE_OK, dtype=np.intp)
    thread_status = np.empty(max(n_threads * n_cols, 1), dtype=np.intp)
    cdef Py_ssize_t[::1] status_view = status, thread_view = thread_status
    ends = np.flatnonzero((key[1:] != key[:n_cols - 1]).any(axis=1)) + 1
    bounds = [0]
    for lo, i in zip([0, *ends.tolist()], [*ends.tolist(), n_cols]):
        if i > lo:
            cut = FE_GROUP_MAX if steps[lo] > 1 else 16
            cut = min(cut, FE_GROUP_MAX // 64) if bitsets else cut
            bounds.extend(range(lo + cut, i, cut))
            bounds.append(i)
    n_groups = len(bounds) - 1
    if bitsets:  # one row of bits per (column, value): no tables, no per-thread copies
        out = np.zeros((max(step, 1), max(words, 1)), dtype=np.uint64)
        n_cells = 0
    tables = np.zeros(max(n_cells, 1), dtype=np.int64)
    work = np.empty(max(fe_count_columns_work_size(n_cells, n_threads), 1), dtype=np.int64)
    cdef uint64_t[:, ::1] bits_view = out if bitsets else np.zeros((1, 1), dtype=np.uint64)
    cdef int64_t[::1] t = tables, w = work
    cdef size_t[::1] row0 = np.zeros(max(n_groups, 1), dtype=np.uintp)
    cdef fe_columns *groups = <fe_columns *>malloc(max(n_groups, 1) * sizeof(fe_columns))
    if groups == NULL:
        raise MemoryError()
    try:
        for g in range(n_groups):
            lo, hi = bounds[g], bounds[g + 1]
            groups[g].kind = kinds[order[lo]]
            groups[g].first = lo
            groups[g].n_cols = hi - lo
            groups[g].data = <const char *const *>&data[lo]
            groups[g].stride = &steps[lo]
            groups[g].row_stride = 0
            groups[g].column = NULL
            groups[g].offset = &off[lo]
            groups[g].last = &last[lo]
            groups[g].adjust = &adjust[lo]
            groups[g].step = step
            groups[g].n_cells = n_cells
            groups[g].bits = &bits_view[0, 0] if bitsets else NULL
            groups[g].words = words
            if steps[lo] > 1:  # rows of a C-ordered matrix: data[0] is the start of row 0
                groups[g].stride = NULL
                groups[g].row_stride = steps[lo]
                groups[g].column = &within[lo]
                adjacent = True
                for i in range(lo, hi):
                    adjacent &= within[i] == within[lo] + (i - lo)
                if adjacent:  # side by side: contiguous loads
                    groups[g].column = NULL
                    groups[g].data = <const char *const *>&data[lo]
                else:
                    row0[g] = data[lo] - within[lo] * item[order[lo]]
                    groups[g].data = <const char *const *>&row0[g]
        if n_cols and n:
            with nogil:
                fe_count_columns(_kernels, groups, <int>n_groups, y_codes, n, n_threads, &t[0],
                                 n_cells, &w[0], n_cols, &status_view[0], &thread_view[0])
    finally:
        free(groups)
    unordered = np.empty(n_cols, dtype=np.intp)
    unordered[order] = status
    return (out if bitsets else tables), positions, step, unordered


def bit_cells_limit():
    """Largest (column levels) x (target levels) for which bitset tables beat counting at the
    SIMD level in use."""
    return _kernels.bit_cells_limit


def bitsets(const int32_t[::1] codes, Py_ssize_t size):
    """(size, ceil(n / 64)) uint64: row v holds the samples whose code is v, as bits."""
    cdef Py_ssize_t n = codes.shape[0], words = (n + 63) // 64
    out = np.zeros((size, max(words, 1)), dtype=np.uint64)
    cdef uint64_t[:, ::1] bits = out
    if n:
        with nogil:
            fe_bitsets(&codes[0], n, &bits[0, 0], words)
    return out


def bit_tables(const uint64_t[:, ::1] bits, const Py_ssize_t[::1] first, const int64_t[::1] size,
               const uint64_t[:, ::1] target, int n_threads):
    """(tables, positions, step) as ``count_columns`` gives them, from bitsets: column j's level
    v is row ``first[j] + v`` of ``bits``; the target's levels are the rows of ``target``."""
    cdef Py_ssize_t n_cols = first.shape[0], kt = target.shape[0], words = bits.shape[1]
    positions = np.zeros(n_cols, dtype=np.intp)
    if n_cols:
        positions[1:] = np.cumsum(np.asarray(size))[: n_cols - 1]
    cdef Py_ssize_t step = int(np.asarray(size).sum())
    tables = np.empty(max(step * kt, 1), dtype=np.int64)
    cdef int64_t[::1] t = tables
    cdef Py_ssize_t[::1] pos = positions
    if n_cols and kt:
        with nogil:
            fe_bit_tables(_kernels, &bits[0, 0], &first[0], &size[0], &pos[0], n_cols,
                          &target[0, 0], kt, words, &t[0], step, n_threads)
    return tables, positions, step
