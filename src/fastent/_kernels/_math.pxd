# SPDX-License-Identifier: BSD-3-Clause
# Declarations of _math.h that every kernel module shares (cimported, never imported).
cdef extern from "_math.h" nogil:
    enum: FE_OK  # the status of a kernel that found no bad data
    enum: FE_BLOCK
    enum: FE_THREAD_CHUNK  # elements a thread takes at a time from a shared loop
    Py_ssize_t fe_rows_per_chunk(Py_ssize_t row_length)
    ctypedef enum fe_level:
        FE_LEVEL_BASELINE
        FE_LEVEL_AVX2
        FE_LEVEL_AVX512
        FE_N_LEVELS
    int fe_cpu_level()
    const char *fe_compiler()
