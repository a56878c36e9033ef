/* SPDX-License-Identifier: BSD-3-Clause
 *
 * counting.h -- joint histograms of integer label codes: the engine of fastent.discrete and
 * fastent.selection.
 *
 * A variable is a contiguous array of integer codes of any width and sign (fe_var: data, kind,
 * offset, size); its code of sample i is x[i] - offset, in [0, size) (the caller guarantees it,
 * from fe_minmax or from factorising).  The joint cell of sample i is the row-major index
 *     ((x0[i] - off0) * size1 + (x1[i] - off1)) * size2 + ...
 * computed FE_BLOCK samples at a time into a small buffer (one vectorisable loop per variable,
 * whatever its integer type), then counted.  Threads take contiguous chunks of samples, each with
 * its own partial table, summed at the end (the counts do not depend on the thread count).
 */
#ifndef FASTENT_COUNTING_H
#define FASTENT_COUNTING_H

#include "_math.h"

#ifdef _OPENMP
#include <omp.h>
#endif

/* Integer kinds of a variable's array (the Python layer maps dtypes to these). */
enum { FE_I8, FE_U8, FE_I16, FE_U16, FE_I32, FE_U32, FE_I64 };

typedef struct {
    const void *data;
    int kind;
    int64_t offset; /* the value with code 0 */
    int64_t size;   /* number of codes */
} fe_var;

/* X(kind, C type) for every kind. */
#define FE_KINDS(X)                                                                            \
    X(FE_I8, int8_t) X(FE_U8, uint8_t) X(FE_I16, int16_t) X(FE_U16, uint16_t)                  \
    X(FE_I32, int32_t) X(FE_U32, uint32_t) X(FE_I64, int64_t)

/* The hot loops, compiled once per SIMD level (counting_impl.h), and their table. */
typedef void (*fe_minmax_fn)(const void *, int, Py_ssize_t, int64_t *, int64_t *);
typedef int (*fe_count_fn)(const fe_var *, int, Py_ssize_t, Py_ssize_t, int64_t *, Py_ssize_t,
                           uint32_t *);
typedef void (*fe_keys_fn)(const fe_var *, int, Py_ssize_t, Py_ssize_t, uint64_t *);
typedef struct {
    fe_minmax_fn minmax;
    fe_count_fn count;
    fe_keys_fn keys;
} fe_counting_kernels;

#define FE_ISA baseline
#define FE_TGT
#include "counting_impl.h"
#undef FE_TGT
#undef FE_ISA
#ifdef FE_X86_DISPATCH
#define FE_ISA avx2
#define FE_TGT FE_TARGET_AVX2
#include "counting_impl.h"
#undef FE_TGT
#undef FE_ISA
#define FE_ISA avx512
#define FE_TGT FE_TARGET_AVX512
#include "counting_impl.h"
#undef FE_TGT
#undef FE_ISA
#endif

#define FE_COUNTING_KERNELS(isa)                                                               \
    {FE_CAT(fe_minmax_serial, isa), FE_CAT(fe_count_chunk, isa), FE_CAT(fe_keys_block, isa)}
static const fe_counting_kernels fe_counting_table[FE_N_LEVELS] =
    FE_LEVEL_TABLE(FE_COUNTING_KERNELS);

/* Min/max of x[0:n] (n >= 1) over n_threads chunks. */
static void fe_minmax(const fe_counting_kernels *k, const void *data, int kind, Py_ssize_t n,
                      int n_threads, int64_t *min, int64_t *max)
{
    static const int width[] = {1, 1, 2, 2, 4, 4, 8};
    int64_t lo[64], hi[64];
    int nt = n_threads < 64 ? n_threads : 64;
    if (nt > n) nt = (int)n;
    if (nt < 1) nt = 1;
    FE_OMP_PARALLEL_FOR(nt)
    for (int t = 0; t < nt; t++) {
        Py_ssize_t start = n * t / nt, stop = n * (t + 1) / nt;
        k->minmax((const char *)data + start * width[kind], kind, stop - start, &lo[t], &hi[t]);
    }
    *min = lo[0];
    *max = hi[0];
    for (int t = 1; t < nt; t++) {
        *min = lo[t] < *min ? lo[t] : *min;
        *max = hi[t] > *max ? hi[t] : *max;
    }
}

/* Largest table counted with four sub-tables (4 x 4 KiB: stays in L1). */
#define FE_SUBTABLE_MAX_CELLS 1024

/* Size in int64 of the `work` fe_count needs: (n_threads - 1) partial tables of n_cells, plus
 * n_threads * 4 sub-tables of uint32 for small tables. */
static Py_ssize_t fe_count_work_size(Py_ssize_t n_cells, int n_threads)
{
    Py_ssize_t scratch = n_cells <= FE_SUBTABLE_MAX_CELLS ? 4 * n_cells : 0;
    return (n_threads - 1) * n_cells + (n_threads * scratch + 1) / 2;
}

/* table[0:n_cells] = joint counts of n samples (table zeroed by the caller, `work` any contents,
 * fe_count_work_size).  Returns 0, or 1 when a sample's value lies outside its variable's
 * [offset, offset + size) (the table is then incomplete: the caller re-encodes and recounts). */
static int fe_count(const fe_counting_kernels *k, const fe_var *vars, int n_vars, Py_ssize_t n,
                    int n_threads, int64_t *table, Py_ssize_t n_cells, int64_t *work)
{
    const int sub = n_cells <= FE_SUBTABLE_MAX_CELLS;
    uint32_t *scratch = (uint32_t *)(work + (n_threads - 1) * n_cells);
    int bad = 0;
    FE_OMP_PARALLEL_FOR(n_threads)
    for (int t = 0; t < n_threads; t++) {
        int64_t *mine = t == 0 ? table : work + (Py_ssize_t)(t - 1) * n_cells;
        if (t > 0) memset(mine, 0, sizeof(int64_t) * (size_t)n_cells);
        if (k->count(vars, n_vars, n * t / n_threads, n * (t + 1) / n_threads, mine, n_cells,
                     sub ? scratch + (Py_ssize_t)t * 4 * n_cells : NULL))
            bad = 1; /* benign race: every writer stores 1 */
    }
    if (bad) return 1;
    for (int t = 1; t < n_threads; t++) {
        const int64_t *part = work + (Py_ssize_t)(t - 1) * n_cells;
        for (Py_ssize_t c = 0; c < n_cells; c++) table[c] += part[c];
    }
    return 0;
}

/* keys[i] = joint cell of sample i (64-bit), for sort-based counting of huge joint spaces
 * (every value in range: the caller encoded the variables exactly). */
static void fe_keys(const fe_counting_kernels *k, const fe_var *vars, int n_vars, Py_ssize_t n,
                    int n_threads, uint64_t *keys)
{
    FE_OMP_PARALLEL_FOR(n_threads)
    for (int t = 0; t < n_threads; t++)
        k->keys(vars, n_vars, n * t / n_threads, n * (t + 1) / n_threads, keys);
}

#endif /* FASTENT_COUNTING_H */
