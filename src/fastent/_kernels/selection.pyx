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
    ctypedef void (*fe_bit_table_fn)(const uint64_t *, Py_ssize_t, const uint64_t *, Py_ssize_t,
                                     Py_ssize_t, int64_t *, Py_ssize_t) noexcept
    ctypedef struct fe_columns:
        int kind
        Py_ssize_t n_cols
        const char *const *data
        const Py_ssize_t *stride
        Py_ssize_t row_stride
        const Py_ssize_t *column
        const int64_t *offset
        const int64_t *last
        const uint64_t *adjust
        Py_ssize_t step
        uint8_t *bad
        uint64_t *bits
        Py_ssize_t words
    ctypedef struct fe_counting_kernels:
        fe_bit_table_fn bit_table
    const fe_counting_kernels fe_counting_table[3]
    void fe_count_columns(const fe_counting_kernels *k, const fe_columns *groups, int n_groups,
                          const int32_t *target, Py_ssize_t n, int n_threads, int64_t *tables,
                          Py_ssize_t n_cells, int64_t *work)
    fe_bit_table_fn fe_bit_table_for(int level)
    void fe_bitsets(const int32_t *codes, Py_ssize_t n, uint64_t *bits, Py_ssize_t words)
    void fe_bit_tables(fe_bit_table_fn table, const uint64_t *bits, const Py_ssize_t *first,
                       const int64_t *sizes, const Py_ssize_t *positions, Py_ssize_t n_cols,
                       const uint64_t *target, Py_ssize_t kt, Py_ssize_t words, int64_t *out,
                       Py_ssize_t step, int n_threads)
    double fe_mi_table(const int64_t *t, Py_ssize_t ka, Py_ssize_t kb, Py_ssize_t sa,
                       Py_ssize_t sb, int estimator, int64_t *scratch)
    double fe_cmi_table(const int64_t *t, Py_ssize_t kx, Py_ssize_t kz, Py_ssize_t ky,
                        Py_ssize_t sx, Py_ssize_t sy, int estimator, int64_t *scratch)

cdef const fe_counting_kernels *_kernels = &fe_counting_table[0]
cdef fe_bit_table_fn _bit_table = fe_bit_table_for(0)

#: Columns counted together when they are separate arrays or strided (F order, DataFrames).
STRIDED_GROUP = 16


def set_simd_level(int level):
    """Use the counting loops compiled for ``level`` (0 baseline, 1 AVX2, 2 AVX-512)."""
    global _kernels, _bit_table
    _kernels = &fe_counting_table[level]
    _bit_table = fe_bit_table_for(level)


cdef size_t _address(arr, Py_ssize_t element) except 0:
    cdef const unsigned char[::1] raw = arr.reshape(-1).view(np.uint8)
    return <size_t>&raw[element * arr.itemsize]


def count_columns(list sources, source, start, stride, offset, size, target, int64_t n_target,
                  int n_threads, Py_ssize_t n_samples=-1, bint bitsets=False):
    """(tables, positions, step, bad): the (value, target) counts of every column.

    With ``bitsets`` (and ``target`` None, ``n_samples`` given), the first result is instead a
    (step, ceil(n / 64)) uint64 array: row ``positions[j] + v`` holds the samples where column j
    has value ``offset[j] + v``, as bits.

    Cell (v, t) of column j (v in [0, size_j)) is ``tables[t * step + positions[j] + v]``, with
    ``step = sum(size)``.  Columns are counted in groups of one integer kind (at most
    FE_GROUP_MAX columns each); a group whose columns are adjacent in one C-ordered source is
    read row by row, contiguously.
    """
    cdef Py_ssize_t i, g, lo, hi, width, n_cols = len(source), n_groups
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
    kinds = np.asarray([_KINDS[sources[j].dtype] for j in source], dtype=np.intc)
    src = np.asarray(source, dtype=np.intp)
    steps_in = np.asarray(stride, dtype=np.intp)
    starts = np.asarray(start, dtype=np.intp)
    # groups: columns of one kind in one source with one stride.  With a stride > 1 they are
    # rows of a C-ordered matrix (element start % stride of each row): read row by row, up to
    # FE_GROUP_MAX columns; contiguous columns (stride 1) go STRIDED_GROUP at a time
    order = np.lexsort((starts, steps_in, src, kinds))
    key = np.stack([kinds[order], src[order], steps_in[order]], axis=1)
    cdef size_t[::1] data = np.asarray(
        [_address(sources[source[j]], start[j]) for j in order], dtype=np.uintp)
    cdef Py_ssize_t[::1] steps = steps_in[order]
    cdef Py_ssize_t[::1] within = (starts % np.maximum(steps_in, 1))[order]
    cdef int64_t[::1] off = offsets[order]
    cdef int64_t[::1] last = (offsets + sizes - 1)[order]
    cdef uint64_t[::1] adjust = (positions.astype(np.uint64) - offsets.astype(np.uint64))[order]
    bad = np.zeros(n_cols, dtype=np.uint8)
    cdef uint8_t[::1] bad_view = bad
    bounds = [0]
    lo = 0
    for i in range(1, n_cols + 1):
        if i == n_cols or (key[i] != key[i - 1]).any():
            cut = FE_GROUP_MAX if steps[lo] > 1 else STRIDED_GROUP
            cut = min(cut, FE_GROUP_MAX // 64) if bitsets else cut
            bounds.extend(range(lo + cut, i, cut))
            bounds.append(i)
            lo = i
    n_groups = len(bounds) - 1
    if bitsets:  # one row of bits per (column, value): no tables, no per-thread copies
        out = np.zeros((max(step, 1), max(words, 1)), dtype=np.uint64)
        n_cells = 0
    tables = np.zeros(max(n_cells, 1), dtype=np.int64)
    work = np.empty(max((n_threads - 1) * n_cells + (n_threads * n_cells + 1) // 2, 1),
                    dtype=np.int64)  # per-thread int64 tables, then per-thread uint32 counts
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
            groups[g].n_cols = hi - lo
            groups[g].data = <const char *const *>&data[lo]
            groups[g].stride = &steps[lo]
            groups[g].row_stride = 0
            groups[g].column = NULL
            groups[g].offset = &off[lo]
            groups[g].last = &last[lo]
            groups[g].adjust = &adjust[lo]
            groups[g].step = step
            groups[g].bad = &bad_view[lo]
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
                    row0[g] = data[lo] - within[lo] * sources[source[order[lo]]].itemsize
                    groups[g].data = <const char *const *>&row0[g]
        if n_cols and n:
            with nogil:
                fe_count_columns(_kernels, groups, <int>n_groups, y_codes, n, n_threads, &t[0],
                                 n_cells, &w[0])
    finally:
        free(groups)
    unordered = np.empty(n_cols, dtype=bool)
    unordered[order] = bad.view(bool)
    return (out if bitsets else tables), positions, step, unordered


def bit_cells_limit():
    """Largest (column levels) x (target levels) for which bitset tables beat counting: a
    popcount of n / 64 words per cell against ~n counting steps (VPOPCNTQ counts 8 words at
    once, POPCNT one; the baseline level has no popcount instruction: ~12 operations a word)."""
    if _bit_table != _kernels.bit_table:
        return 1024
    return 256 if _kernels != &fe_counting_table[0] else 16


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
            fe_bit_tables(_bit_table, &bits[0, 0], &first[0], &size[0], &pos[0], n_cols,
                          &target[0, 0], kt, words, &t[0], step, n_threads)
    return tables, positions, step


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
