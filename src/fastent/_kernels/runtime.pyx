# SPDX-License-Identifier: BSD-3-Clause
"""Build, CPU and threading facts of the compiled kernels, and SIMD-level test hooks (private).

``fastent._core.config`` turns these into ``show_config()`` and the SIMD-level override; the tests
use ``log_map``/``exp_map`` (and the float32 ``log1p_map_f32``/``exp_map_f32``) to check the
shared polynomials at every level.
"""
import numpy as np

from ._math cimport (
    FE_LEVEL_AVX2, FE_LEVEL_AVX512, FE_LEVEL_BASELINE, FE_N_LEVELS, fe_compiler, fe_cpu_level
)

#: SIMD level name -> code (``fe_level`` of _math.h), lowest first
LEVELS = {"baseline": FE_LEVEL_BASELINE, "avx2": FE_LEVEL_AVX2, "avx512": FE_LEVEL_AVX512}
assert list(LEVELS.values()) == list(range(FE_N_LEVELS))
OPENMP = bool(FE_OPENMP)
COMPILER = fe_compiler().decode()
CPU_LEVEL = fe_cpu_level()

cdef const fe_runtime_kernels *_kernels = &fe_runtime_table[CPU_LEVEL]


def set_simd_level(int level):
    """Use the kernels compiled for ``level`` (a ``LEVELS`` code, at most CPU_LEVEL)."""
    global _kernels
    _kernels = &fe_runtime_table[level]


def max_threads():
    """``omp_get_max_threads()``: follows OMP_NUM_THREADS and threadpoolctl limits (1 without
    OpenMP)."""
    return fe_max_threads()


def log_map(const double[::1] x):
    """fe_log over ``x`` at the current SIMD level (x positive, normal, finite)."""
    cdef double[::1] out = np.empty(x.shape[0])
    if x.shape[0]:
        with nogil:
            _kernels.log_map(&x[0], &out[0], x.shape[0])
    return np.asarray(out)


def exp_map(const double[::1] x):
    """fe_exp over ``x`` at the current SIMD level (x not NaN)."""
    cdef double[::1] out = np.empty(x.shape[0])
    if x.shape[0]:
        with nogil:
            _kernels.exp_map(&x[0], &out[0], x.shape[0])
    return np.asarray(out)


def log1p_map_f32(const float[::1] x):
    """fe_log1pf_unit over ``x`` at the current SIMD level (x in [0, 1])."""
    cdef float[::1] out = np.empty(x.shape[0], dtype=np.float32)
    if x.shape[0]:
        with nogil:
            _kernels.log1p_map_f32(&x[0], &out[0], x.shape[0])
    return np.asarray(out)


def exp_map_f32(const float[::1] x):
    """fe_expf over ``x`` at the current SIMD level (x not NaN)."""
    cdef float[::1] out = np.empty(x.shape[0], dtype=np.float32)
    if x.shape[0]:
        with nogil:
            _kernels.exp_map_f32(&x[0], &out[0], x.shape[0])
    return np.asarray(out)
