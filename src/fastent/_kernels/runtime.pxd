# SPDX-License-Identifier: BSD-3-Clause
# Declarations of runtime.h (the contract of runtime.pyx).
cdef extern from "runtime.h" nogil:
    int FE_OPENMP
    int fe_max_threads()
    ctypedef void (*fe_map_f64)(const double *, double *, Py_ssize_t) noexcept
    ctypedef void (*fe_map_f32)(const float *, float *, Py_ssize_t) noexcept
    ctypedef struct fe_runtime_kernels:
        fe_map_f64 log_map
        fe_map_f64 exp_map
        fe_map_f32 log1p_map_f32
        fe_map_f32 exp_map_f32
        fe_map_f32 logf8_map_f32
        fe_map_f64 log8d_map_f64
    const fe_runtime_kernels fe_runtime_table[]
