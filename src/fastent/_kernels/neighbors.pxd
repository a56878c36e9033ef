# SPDX-License-Identifier: BSD-3-Clause
# Declarations of neighbors.h (the contract of neighbors.pyx; see the header for each function).
from libc.stdint cimport int32_t


cdef extern from "neighbors.h" nogil:
    enum: FE_MAX_NEIGHBORS
    void fe_neighbors_init()
    double fe_digamma(double x)
    Py_ssize_t fe_ross_work_size(Py_ssize_t n, int32_t kd)
    double fe_mi_ross(const double *c, const int32_t *d, Py_ssize_t n, int32_t kd, int k,
                      int single, void *work)
    Py_ssize_t fe_ksg_work_size(Py_ssize_t n)
    double fe_mi_ksg(const double *x, const double *y, const Py_ssize_t *y_order, Py_ssize_t n,
                     int k, void *work)
