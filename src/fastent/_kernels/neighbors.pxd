# SPDX-License-Identifier: BSD-3-Clause
# Declarations of neighbors.h (the contract of neighbors.pyx; see the header for each function).
from libc.stdint cimport int32_t


cdef extern from "neighbors.h" nogil:
    enum: FE_MAX_NEIGHBORS
    void fe_neighbors_init()
    double fe_digamma(double x)
    void fe_noised_rows(const double *x, Py_ssize_t row_step, Py_ssize_t col_step,
                        const double *noise, const double *scale, const double *noise_scale,
                        Py_ssize_t n, Py_ssize_t p, Py_ssize_t i0, Py_ssize_t i1, double *out)
    Py_ssize_t fe_ross_work_size(Py_ssize_t n, int32_t kd)
    double fe_mi_ross(const double *c, const int32_t *d, Py_ssize_t n, int32_t kd, int k,
                      int single, void *work)
    Py_ssize_t fe_ksg_work_size(Py_ssize_t n)
    double fe_mi_ksg(const double *x, const double *y, const Py_ssize_t *y_order, Py_ssize_t n,
                     int k, void *work)
