# SPDX-License-Identifier: BSD-3-Clause
"""Kernels of ``fastent.selection``'s nearest-neighbour mutual information (private).

Contract (callers: ``fastent.selection._neighbors``):

* Continuous variables are float64 rows of a C-contiguous 2-D array (one variable per row),
  finite; discrete ones are int32 codes in ``[0, size)``, rows of a C-contiguous 2-D array.
* ``ross(C, D, sizes, k, n_threads, single)``: Ross's I(C_j; D_j) for j in
  range(max(len(C), len(D))), a single row of either side being paired with every row of the
  other; ``sizes[j]``: the codes of D's row j are in ``[0, sizes[j])``; ``single``: C's values
  are float32 ones.  ``ksg(X, Y, k, n_threads)``: KSG's I(X_j; Y_j), the same pairing (a single
  Y is sorted once for all the columns).  1 <= k <= ``MAX_NEIGHBORS``,
  and k < the number of samples for KSG.
* ``noised_columns(x, noise, scale, noise_scale, n_threads)``: the last step of scikit-learn's
  preparation of continuous columns, fused and transposed into that layout (rows of x in
  parallel).
* Pairs run in parallel (``n_threads``), each thread with its own workspace; the GIL is
  released.
"""
import numpy as np
from cython.parallel cimport prange, threadid
from libc.stdint cimport int32_t

#: Most neighbours one search takes.
MAX_NEIGHBORS = FE_MAX_NEIGHBORS

fe_neighbors_init()  # the table of psi at small counts, filled before any kernel runs


def digamma(double x):
    """psi(x) for x > 0 (the kernels' own)."""
    return fe_digamma(x)


def noised_columns(const double[:, :] x, const double[:, ::1] noise, const double[::1] scale,
                   const double[::1] noise_scale, int n_threads):
    """scikit-learn's noised continuous columns, one per row: ``out[j, i] = x[i, j] / scale[j] +
    noise_scale[j] * noise[i, j]`` (x of any strides, noise of x's shape)."""
    cdef Py_ssize_t n = x.shape[0], p = x.shape[1], b, block = 256
    out = np.empty((p, n), dtype=np.float64)
    cdef double[:, ::1] o = out
    if n == 0 or p == 0:
        return out
    cdef Py_ssize_t row_step = x.strides[0] // sizeof(double)
    cdef Py_ssize_t col_step = x.strides[1] // sizeof(double)
    cdef Py_ssize_t n_blocks = (n + block - 1) // block
    n_threads = max(1, min(n_threads, n_blocks))
    for b in prange(n_blocks, nogil=True, num_threads=n_threads, schedule="static"):
        fe_noised_rows(&x[0, 0], row_step, col_step, &noise[0, 0], &scale[0], &noise_scale[0], n,
                       p, b * block, min(n, b * block + block), &o[0, 0])
    return out


def ross(const double[:, ::1] C, const int32_t[:, ::1] D, const int32_t[::1] sizes, int k,
         int n_threads, bint single=False):
    """Ross's I(C_j; D_j) in nats of every pair (see the module's contract); ``single``: C holds
    float32 values (scikit-learn's brute-force distances are then float32)."""
    cdef Py_ssize_t n = C.shape[1], pc = C.shape[0], pd = D.shape[0]
    cdef Py_ssize_t p = max(pc, pd), j
    cdef int32_t most = max(np.asarray(sizes).max(), 1) if sizes.shape[0] else 1
    out = np.zeros(p, dtype=np.float64)
    cdef double[::1] o = out
    if n == 0 or p == 0:
        return out
    n_threads = max(1, min(n_threads, p))
    # one workspace a thread (8-byte aligned rows)
    cdef double[:, ::1] work = np.empty((n_threads, fe_ross_work_size(n, most) // 8 + 1))
    for j in prange(p, nogil=True, num_threads=n_threads, schedule="dynamic"):
        o[j] = fe_mi_ross(&C[j if pc > 1 else 0, 0], &D[j if pd > 1 else 0, 0], n,
                          sizes[j if pd > 1 else 0], k, single, &work[threadid(), 0])
    return out


def ksg(const double[:, ::1] X, const double[:, ::1] Y, int k, int n_threads):
    """KSG's I(X_j; Y_j) in nats of every pair (see the module's contract)."""
    cdef Py_ssize_t n = X.shape[1], px = X.shape[0], py = Y.shape[0]
    cdef Py_ssize_t p = max(px, py), j
    out = np.zeros(p, dtype=np.float64)
    cdef double[::1] o = out
    if n == 0 or p == 0:
        return out
    n_threads = max(1, min(n_threads, p))
    cdef double[:, ::1] work = np.empty((n_threads, fe_ksg_work_size(n) // 8 + 1))
    # one y against many columns: y sorted once for all of them
    cdef const Py_ssize_t[::1] y_order = np.argsort(Y[0], kind="stable").astype(np.intp)
    cdef const Py_ssize_t *shared = &y_order[0] if py == 1 else NULL
    for j in prange(p, nogil=True, num_threads=n_threads, schedule="dynamic"):
        o[j] = fe_mi_ksg(&X[j if px > 1 else 0, 0], &Y[j if py > 1 else 0, 0], shared, n, k,
                         &work[threadid(), 0])
    return out
