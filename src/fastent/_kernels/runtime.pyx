# SPDX-License-Identifier: BSD-3-Clause
"""Build, CPU and threading facts of the compiled kernels, and SIMD-level test hooks (private).

``fastent._core.config`` turns these into ``show_config()`` and the SIMD-level override; the tests
use ``log_map``/``exp_map`` (and the float32 ``log1p_map_f32``/``exp_map_f32``) to check the
shared polynomials at every level, ``logf8_map_f32`` the float32 log of the AVX2 and AVX-512
levels and ``log8d_map_f64`` the float64 table log of the AVX-512 level.
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


ctypedef fused real:
    float
    double


cdef _mapped(const real[::1] x, void (*f)(const real *, real *, Py_ssize_t) noexcept nogil):
    """f over ``x`` into a new array of its dtype."""
    out = np.empty(x.shape[0], dtype=np.float64 if real is double else np.float32)
    cdef real[::1] o = out
    if x.shape[0]:
        with nogil:
            f(&x[0], &o[0], x.shape[0])
    return out


def log_map(const double[::1] x):
    """fe_log over ``x`` at the current SIMD level (x positive, normal, finite)."""
    return _mapped(x, _kernels.log_map)


def exp_map(const double[::1] x):
    """fe_exp over ``x`` at the current SIMD level (x not NaN)."""
    return _mapped(x, _kernels.exp_map)


def log1p_map_f32(const float[::1] x):
    """fe_log1pf_unit over ``x`` at the current SIMD level (x in [0, 1])."""
    return _mapped(x, _kernels.log1p_map_f32)


def exp_map_f32(const float[::1] x):
    """fe_expf over ``x`` at the current SIMD level (x not NaN)."""
    return _mapped(x, _kernels.exp_map_f32)


def logf8_map_f32(const float[::1] x):
    """log m of fe_logf8 (x = 2^k m, m in [sqrt(2)/2, sqrt(2))) over ``x`` at the current SIMD
    level, which must be AVX2 or above (fe_logf16, its sixteen lanes, at the AVX-512 level)."""
    if _kernels.logf8_map_f32 == NULL:
        raise ValueError("fe_logf8 exists at the AVX2 and AVX-512 levels only")
    return _mapped(x, _kernels.logf8_map_f32)


def log8d_map_f64(const double[::1] x):
    """log m of fe_log8d (x = 2^k m, m in [0.698, 1.396)) over ``x`` at the current SIMD level,
    which must be AVX-512."""
    if _kernels.log8d_map_f64 == NULL:
        raise ValueError("fe_log8d exists at the AVX-512 level only")
    return _mapped(x, _kernels.log8d_map_f64)
