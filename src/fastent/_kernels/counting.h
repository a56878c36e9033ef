/* SPDX-License-Identifier: BSD-3-Clause
 *
 * counting.h -- joint histograms of integer label codes, and information from count tables: the
 * kernels of fastent.discrete and fastent.selection (one extension, counting.pyx).
 *
 * A variable is a contiguous array of integer codes of any width and sign (fe_var: data, kind,
 * offset, size); its code of sample i is x[i] - offset, in [0, size) (the caller guarantees it,
 * from fe_minmax or from factorising, or lets the count check it).  The joint cell of sample i is
 * the row-major index
 *     ((x0[i] - off0) * size1 + (x1[i] - off1)) * size2 + ...
 * computed a chunk of samples at a time into a small buffer (one vectorisable loop per variable,
 * whatever its integer type; at AVX2 8 labels a vector of 32-bit lanes, up to three int64
 * variables in one loop), then counted, after the next chunk's cells are computed (so that its
 * loads from memory overlap the counting).
 * Threads take contiguous chunks of samples, each with its own partial table, summed at the end
 * (the counts do not depend on the thread count).
 *
 * The hot loops live in counting_impl.h, compiled once per SIMD level by _instantiate.h; the
 * drivers here (threads, partial tables) and the information measures are plain C.
 */
#ifndef FASTENT_COUNTING_H
#define FASTENT_COUNTING_H

#include "_math.h"

#include <stdlib.h>

#ifdef _OPENMP
#include <omp.h>
#endif

/* Integer kinds of a variable's array (fastent._kernels.counting.INT_KINDS maps dtypes here). */
typedef enum { FE_I8, FE_U8, FE_I16, FE_U16, FE_I32, FE_U32, FE_I64, FE_N_INT_KINDS } fe_int_kind;

/* X(kind, C type) for every kind. */
/* clang-format off */
#define FE_INT_KINDS(X)                                                                            \
    X(FE_I8, int8_t) X(FE_U8, uint8_t) X(FE_I16, int16_t) X(FE_U16, uint16_t)                      \
    X(FE_I32, int32_t) X(FE_U32, uint32_t) X(FE_I64, int64_t)
/* clang-format on */

/* Entropy estimators of count tables (fastent._kernels.counting.ESTIMATORS maps names here). */
typedef enum {
    FE_PLUGIN,       /* maximum likelihood */
    FE_MILLER_MADOW, /* plug-in + (m - 1) / 2n */
    FE_SHRINKAGE,    /* James-Stein shrinkage towards uniform (Hausser & Strimmer 2009) */
    FE_CHAO_SHEN,    /* coverage-adjusted Horvitz-Thompson (Chao & Shen 2003) */
    FE_N_ESTIMATORS
} fe_estimator;

/* Most variables one joint count takes. */
enum { FE_MAX_VARIABLES = 8 };

typedef struct {
    const void *data;
    int kind;       /* fe_int_kind */
    int64_t offset; /* the value with code 0 */
    int64_t size;   /* number of codes */
} fe_var;

/* Most columns in one group (a block of cells holds at least one row of the group). */
#define FE_GROUP_MAX FE_BLOCK

/* ---- counting columns against one target ---------------------------------------------------
 * The engine of fastent.selection: for every column j, the table of (x_j, target) counts.  All
 * tables share one layout: cell (v, t) of column j is tables[t * step + pos_j + v - offset_j],
 * step = sum of the columns' sizes, so a cell is two additions away from the value (no multiply).
 * Columns of one integer kind form a group, counted a block of rows at a time: by an increment a
 * sample, or, for small tables, by comparing byte cells with each value (fe_small_levels). */
typedef struct {
    int kind;         /* fe_int_kind */
    Py_ssize_t first; /* index of the group's first column among all the columns counted */
    Py_ssize_t n_cols;
    const char *const *data;  /* column j's sample 0 */
    const Py_ssize_t *stride; /* elements between samples; NULL: the columns lie in the rows of
                                 one C-ordered matrix, read row by row: column j is element
                                 column[j] (j if column is NULL) of rows starting at data[0],
                                 row_stride elements apart */
    Py_ssize_t row_stride;
    const Py_ssize_t *column;
    const int64_t *offset, *last; /* values in [offset, last] */
    const uint64_t *adjust;       /* pos_j - offset_j (mod 2^64) */
    Py_ssize_t step;              /* cells per target value */
    Py_ssize_t n_cells;           /* cells of all the tables (target levels * step) */
    uint64_t *bits;               /* not NULL: set bit i of row `cell` (words words a row) of
                                     these bitsets for sample i, instead of counting */
    Py_ssize_t words;
} fe_columns;

/* The hot loops, compiled once per SIMD level (counting_impl.h), and their table. */
typedef void (*fe_minmax_fn)(const void *, int, Py_ssize_t, int64_t *, int64_t *);
typedef void (*fe_ranges_fn)(const void *, int, Py_ssize_t, Py_ssize_t, Py_ssize_t, Py_ssize_t,
                             int64_t *, int64_t *);
typedef Py_ssize_t (*fe_count_fn)(const fe_var *, int, Py_ssize_t, Py_ssize_t, int64_t *,
                                  Py_ssize_t, uint32_t *);
typedef void (*fe_keys_fn)(const fe_var *, int, Py_ssize_t, Py_ssize_t, uint64_t *);
typedef void (*fe_columns_fn)(const fe_columns *, const int32_t *, Py_ssize_t, Py_ssize_t,
                              uint32_t *, Py_ssize_t *);
typedef void (*fe_bin_fn)(const char *, Py_ssize_t, Py_ssize_t, const double *, Py_ssize_t, int,
                          void *);
typedef void (*fe_bit_table_fn)(const uint64_t *, Py_ssize_t, const uint64_t *, Py_ssize_t,
                                Py_ssize_t, int64_t *, Py_ssize_t);

typedef struct {
    fe_minmax_fn minmax;
    fe_ranges_fn column_ranges;
    fe_count_fn count;
    fe_keys_fn keys;
    fe_columns_fn columns;
    fe_bit_table_fn bit_table;
    fe_bin_fn bin_block;
    /* largest (column levels) x (target levels) for which bitset tables beat counting: a
     * popcount of n / 64 words per cell against ~n counting steps (VPOPCNTQ counts 8 words at
     * once, POPCNT one; the baseline level has no popcount instruction: ~12 operations a word) */
    Py_ssize_t bit_cells_limit;
} fe_counting_kernels;

/* Bytes of one sample of a kind. */
static Py_ssize_t fe_kind_bytes(int kind)
{
#define FE_KIND_BYTES(KIND, T)                                                                     \
    case KIND:                                                                                     \
        return (Py_ssize_t)sizeof(T);
    switch (kind) {
        FE_INT_KINDS(FE_KIND_BYTES)
    }
#undef FE_KIND_BYTES
    return 8;
}

/* Rows of the column kernel's calls (fe_count_columns): groups reading the same rows take ~L2
 * chunks of samples (FE_ROW_CHUNK_BYTES); otherwise at most FE_SOLO_CHUNK rows (W7-F 0.86-0.9x
 * the time of 4,096) and at least FE_SOLO_MIN (below it, the comparison's end of call costs more
 * than it saves for contiguous columns: their small tables are counted by increments; rows of a
 * matrix down to FE_SMALL_MATRIX_MIN). */
#define FE_ROW_CHUNK_BYTES (256 * 1024)
#define FE_PIECE_ROWS 4096
#define FE_SOLO_CHUNK 16384
#define FE_SOLO_MIN 1024

/* ---- small tables: counting by comparison (count_columns_small, counting_impl.h) ------------
 * Groups of at most FE_SMALL_LEVELS levels a column and FE_SMALL_CELLS cells a table (levels x
 * target levels), at the AVX2 and AVX-512 levels with GCC and Clang (vector extensions); at the
 * baseline every group is counted by increments (SSE2's 16-byte compares: W7 1.19x the time of
 * the increments there, int8 0.91x).  FE_SMALL_CELLS is where comparison stops beating increments
 * at AVX2 (W7 layouts, 2e5 x 200, 1 thread: 64 cells 0.75-0.9x the time, 96 0.85-1.05x,
 * 128 1.1-1.2x). */
#if defined(__GNUC__) || defined(__clang__)
#define FE_SMALL_CELLS 80
#define FE_SMALL_LEVELS 128 /* a column's codes keep a byte's sign bit clear */
#define FE_SMALL_VB 8       /* values compared a pass, their counters in registers */
/* rows of a contiguous column a block (at most 255 a byte lane): a block of int64 and the next
 * column's, prefetched meanwhile, fit L1 (W7-F at 255 x 32 rows: 78 and 86 ms at AVX2 and
 * AVX-512, 128 x 32: 66 and 79, 64 x 32: 78 and 69, 32 x 32: 100 and 82) */
#define FE_SMALL_ROWS (64 * 32)
#define FE_SMALL_BUF 65536 /* bytes of a block's cells (the rows of a matrix: <= 255) */
/* fewest rows of a matrix a call counts by comparison (its end adds K x m32 counts to the
 * tables), against FE_SOLO_MIN before: 300-1,000 x 20,000-50,000 int64 (groups of 2,048
 * columns, K = 20: tables of 160 KB, past L1) 0.85-0.93x the time of the increments, 100-200
 * rows about even (same-process A/B, both orders) */
#define FE_SMALL_MATRIX_MIN 128
typedef uint8_t fe_u8x32 __attribute__((vector_size(32)));
/* the unsigned type of each kind's width: FE_CAT(FE_UT, T) */
#define FE_UT_int8_t uint8_t
#define FE_UT_uint8_t uint8_t
#define FE_UT_int16_t uint16_t
#define FE_UT_uint16_t uint16_t
#define FE_UT_int32_t uint32_t
#define FE_UT_uint32_t uint32_t
#define FE_UT_int64_t uint64_t

/* S, the most levels of a column of the group, if the group's rows [start, start + rows) are
 * counted by comparison: counts (not bitsets), C order or contiguous columns, every range within
 * the kind's values, S T <= FE_SMALL_CELLS; else 0. */
static inline Py_ssize_t fe_small_levels(const fe_columns *g, Py_ssize_t rows)
{
    static const int64_t lo[FE_N_INT_KINDS] = {INT8_MIN, 0, INT16_MIN, 0, INT32_MIN, 0, INT64_MIN};
    static const int64_t hi[FE_N_INT_KINDS] = {INT8_MAX,  UINT8_MAX,  INT16_MAX, UINT16_MAX,
                                               INT32_MAX, UINT32_MAX, INT64_MAX};
    if (g->bits != NULL || g->step <= 0 ||
        rows < (g->stride == NULL ? FE_SMALL_MATRIX_MIN : FE_SOLO_MIN) ||
        (g->stride != NULL && g->stride[0] != 1))
        return 0;
    Py_ssize_t s = 1;
    for (Py_ssize_t j = 0; j < g->n_cols; j++) {
        const int64_t off = g->offset[j], last = g->last[j];
        if (off < lo[g->kind] || last > hi[g->kind] || last < off ||
            (uint64_t)last - (uint64_t)off >= FE_SMALL_LEVELS)
            return 0;
        s = last - off + 1 > s ? (Py_ssize_t)(last - off + 1) : s;
    }
    return s * (g->n_cells / g->step) <= FE_SMALL_CELLS ? s : 0;
}
#endif

/* Binning (fe_bin_block): rows a block (its values and codes in L1), and the most cuts a column
 * compared with every value of a block (more: a binary search a value). */
#define FE_BIN_ROWS 1024
#define FE_BIN_LINEAR 16

#define FE_IMPL "counting_impl.h"
#define FE_UNTYPED 1
#define FE_WITH_VPOPCNT 1
#include "_instantiate.h"
#undef FE_WITH_VPOPCNT
#undef FE_UNTYPED

#define FE_COUNTING_KERNELS_AT(isa, bits, limit)                                                   \
    {fe_minmax_##isa,                                                                              \
     fe_column_ranges_##isa,                                                                       \
     fe_count_chunk_##isa,                                                                         \
     fe_keys_block_##isa,                                                                          \
     fe_count_columns_rows_##isa,                                                                  \
     fe_bit_table_##bits,                                                                          \
     fe_bin_block_##isa,                                                                           \
     limit}
#define FE_COUNTING_KERNELS(isa) FE_COUNTING_KERNELS_AT(isa, isa, FE_CAT(FE_BIT_CELLS, isa))
#define FE_BIT_CELLS_baseline 16
#define FE_BIT_CELLS_avx2 256
#define FE_BIT_CELLS_avx512 256
static const fe_counting_kernels fe_counting_table[FE_N_LEVELS] =
    FE_LEVEL_TABLE(FE_COUNTING_KERNELS);

/* The kernels of a level: at the AVX-512 level on a CPU with VPOPCNTQ, its bitset counting. */
static const fe_counting_kernels *fe_counting_kernels_for(int level)
{
#ifdef FE_X86_DISPATCH
    static const fe_counting_kernels vpopcnt = FE_COUNTING_KERNELS_AT(avx512, avx512_vpopcnt, 1024);
    if (level == FE_LEVEL_AVX512 && fe_cpu_has_vpopcnt()) return &vpopcnt;
#endif
    return &fe_counting_table[level];
}

/* lo[j], hi[j] = the minimum and maximum of column j over `rows` rows (>= 1) of `cols` columns,
 * element (r, j) at byte r * row_bytes + j * col_bytes of data; threads take runs of rows, each
 * but the first into `work` (2 * cols * (n_threads - 1) int64), joined at the end.  A matrix
 * of fewer than 2^16 elements is read by one thread. */
static void fe_column_ranges(const fe_counting_kernels *k, const void *data, int kind,
                             Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t row_bytes,
                             Py_ssize_t col_bytes, int n_threads, int64_t *lo, int64_t *hi,
                             int64_t *work)
{
    int nt = rows * cols < ((Py_ssize_t)1 << 16) ? 1 : n_threads;
    if (nt > rows) nt = (int)rows;
    if (nt < 1) nt = 1;
    FE_OMP_PARALLEL_FOR(nt)
    for (int t = 0; t < nt; t++) {
        const Py_ssize_t start = rows * t / nt, stop = rows * (t + 1) / nt;
        int64_t *l = t == 0 ? lo : work + (Py_ssize_t)(t - 1) * 2 * cols;
        int64_t *h = t == 0 ? hi : l + cols;
        k->column_ranges((const char *)data + start * row_bytes, kind, stop - start, cols,
                         row_bytes, col_bytes, l, h);
    }
    for (int t = 1; t < nt; t++) {
        const int64_t *l = work + (Py_ssize_t)(t - 1) * 2 * cols, *h = l + cols;
        for (Py_ssize_t j = 0; j < cols; j++) {
            lo[j] = l[j] < lo[j] ? l[j] : lo[j];
            hi[j] = h[j] > hi[j] ? h[j] : hi[j];
        }
    }
}

/* out[i + j * rows] = the bin of element (i, j) of a float64 matrix (at byte i * row_bytes +
 * j * col_bytes of data; finite values) between column j's cuts (n_cuts[j] increasing values
 * from cuts + j * cut_stride): the number of them <= the value, in code_bytes (1 or 2) bytes,
 * F order.  Tasks of FE_BIN_ROWS rows of FE_BIN_GROUP columns: a C-ordered block's cache lines
 * serve eight columns in a row; a matrix of fewer than 2^16 elements is binned by one thread. */
#define FE_BIN_GROUP 256
static void fe_bin_columns(const fe_counting_kernels *k, const char *data, Py_ssize_t rows,
                           Py_ssize_t cols, Py_ssize_t row_bytes, Py_ssize_t col_bytes,
                           const double *cuts, Py_ssize_t cut_stride, const Py_ssize_t *n_cuts,
                           int code_bytes, void *out, int n_threads)
{
    const Py_ssize_t blocks = (rows + FE_BIN_ROWS - 1) / FE_BIN_ROWS;
    const Py_ssize_t groups = (cols + FE_BIN_GROUP - 1) / FE_BIN_GROUP, tasks = blocks * groups;
    int nt = rows * cols < ((Py_ssize_t)1 << 16) ? 1 : n_threads;
    if (nt > tasks) nt = (int)tasks;
    if (nt < 1) nt = 1;
    FE_OMP_SHARED_FOR(nt)
    for (Py_ssize_t task = 0; task < tasks; task++) {
        const Py_ssize_t r0 = (task % blocks) * FE_BIN_ROWS, g = task / blocks;
        const Py_ssize_t n = rows - r0 < FE_BIN_ROWS ? rows - r0 : FE_BIN_ROWS;
        const Py_ssize_t j1 = (g + 1) * FE_BIN_GROUP < cols ? (g + 1) * FE_BIN_GROUP : cols;
        for (Py_ssize_t j = g * FE_BIN_GROUP; j < j1; j++)
            k->bin_block(data + r0 * row_bytes + j * col_bytes, row_bytes, n, cuts + j * cut_stride,
                         n_cuts[j], code_bytes, (char *)out + (j * rows + r0) * code_bytes);
    }
}

/* ---- equal-frequency bins that never split a value (fastent.selection's binning) -----------
 * Starting from one bin per value (counts[0:m], m >= 1), the adjacent pair of bins with the
 * smallest total is merged (the leftmost of equal ones: pairs ordered by (total, first bin,
 * second bin)) until n_bins remain; starts[0:return] = the first value of each bin.  The bins form
 * a linked list; a binary heap holds the candidate pairs (each merge adds at most two; a pair one
 * of whose bins has changed since is skipped when popped).  -1: no memory for the work. */
typedef struct {
    int64_t total;
    Py_ssize_t first, second;
} fe_pair;

static inline int fe_pair_before(const fe_pair *a, const fe_pair *b)
{
    if (a->total != b->total) return a->total < b->total;
    return a->first != b->first ? a->first < b->first : a->second < b->second;
}

static void fe_pair_push(fe_pair *heap, Py_ssize_t *len, fe_pair x)
{
    Py_ssize_t k = (*len)++;
    for (; k > 0 && fe_pair_before(&x, &heap[(k - 1) / 2]); k = (k - 1) / 2)
        heap[k] = heap[(k - 1) / 2];
    heap[k] = x;
}

static fe_pair fe_pair_pop(fe_pair *heap, Py_ssize_t *len)
{
    const fe_pair top = heap[0], last = heap[--*len];
    const Py_ssize_t n = *len;
    Py_ssize_t k = 0;
    for (Py_ssize_t c = 1; c < n; c = 2 * k + 1) {
        if (c + 1 < n && fe_pair_before(&heap[c + 1], &heap[c])) c++;
        if (!fe_pair_before(&heap[c], &last)) break;
        heap[k] = heap[c];
        k = c;
    }
    if (n > 0) heap[k] = last;
    return top;
}

static Py_ssize_t fe_merge_bins(const int64_t *counts, Py_ssize_t m, Py_ssize_t n_bins,
                                Py_ssize_t *starts)
{
    Py_ssize_t *right = (Py_ssize_t *)malloc(2 * (size_t)m * sizeof(Py_ssize_t));
    int64_t *total = (int64_t *)malloc((size_t)m * sizeof(int64_t));
    fe_pair *heap = (fe_pair *)malloc(3 * (size_t)m * sizeof(fe_pair));
    if (right == NULL || total == NULL || heap == NULL) {
        free(right);
        free(total);
        free(heap);
        return -1;
    }
    Py_ssize_t *left = right + m, len = 0, bins = m, k = 0;
    for (Py_ssize_t i = 0; i < m; i++) {
        right[i] = i + 1;
        left[i] = i - 1;
        total[i] = counts[i];
    }
    for (Py_ssize_t i = 0; i + 1 < m; i++)
        fe_pair_push(heap, &len, (fe_pair){total[i] + total[i + 1], i, i + 1});
    while (bins > n_bins && len > 0) {
        const fe_pair p = fe_pair_pop(heap, &len);
        const Py_ssize_t i = p.first, j = p.second;
        if (right[i] != j || j >= m || left[j] != i || total[i] + total[j] != p.total)
            continue; /* stale: one of its bins has been merged since */
        total[i] = p.total;
        right[i] = right[j];
        left[j] = -2; /* j is gone */
        if (right[i] < m) {
            left[right[i]] = i;
            fe_pair_push(heap, &len, (fe_pair){total[i] + total[right[i]], i, right[i]});
        }
        if (left[i] >= 0)
            fe_pair_push(heap, &len, (fe_pair){total[left[i]] + total[i], left[i], i});
        bins--;
    }
    for (Py_ssize_t i = 0; i < m; i = right[i]) starts[k++] = i;
    free(right);
    free(total);
    free(heap);
    return k;
}

/* Min/max of x[0:n] (n >= 1) over n_threads chunks. */
static void fe_minmax(const fe_counting_kernels *k, const void *data, int kind, Py_ssize_t n,
                      int n_threads, int64_t *min, int64_t *max)
{
    static const int width[FE_N_INT_KINDS] = {1, 1, 2, 2, 4, 4, 8};
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

/* Size in int64 of the `work` fe_count needs: (n_threads - 1) partial tables of n_cells, a status
 * per thread, plus n_threads * 4 sub-tables of uint32 for small tables. */
static Py_ssize_t fe_count_work_size(Py_ssize_t n_cells, int n_threads)
{
    Py_ssize_t scratch = n_cells <= FE_SUBTABLE_MAX_CELLS ? 4 * n_cells : 0;
    return (n_threads - 1) * n_cells + n_threads + (n_threads * scratch + 1) / 2;
}

/* table[0:n_cells] = joint counts of n samples (table zeroed by the caller, `work` any contents,
 * fe_count_work_size).  Returns FE_OK, or the index of the first sample whose value lies outside
 * its variable's [offset, offset + size) (the table is then incomplete: the caller re-encodes and
 * recounts). */
static Py_ssize_t fe_count(const fe_counting_kernels *k, const fe_var *vars, int n_vars,
                           Py_ssize_t n, int n_threads, int64_t *table, Py_ssize_t n_cells,
                           int64_t *work)
{
    const int sub = n_cells <= FE_SUBTABLE_MAX_CELLS;
    int64_t *status = work + (Py_ssize_t)(n_threads - 1) * n_cells;
    uint32_t *scratch = (uint32_t *)(status + n_threads);
    FE_OMP_PARALLEL_FOR(n_threads)
    for (int t = 0; t < n_threads; t++) {
        int64_t *mine = t == 0 ? table : work + (Py_ssize_t)(t - 1) * n_cells;
        if (t > 0) memset(mine, 0, sizeof(int64_t) * (size_t)n_cells);
        status[t] = k->count(vars, n_vars, n * t / n_threads, n * (t + 1) / n_threads, mine,
                             n_cells, sub ? scratch + (Py_ssize_t)t * 4 * n_cells : NULL);
    }
    for (int t = 0; t < n_threads; t++) /* threads count consecutive chunks: the first is first */
        if (status[t] != FE_OK) return (Py_ssize_t)status[t];
    for (int t = 1; t < n_threads; t++) {
        const int64_t *part = work + (Py_ssize_t)(t - 1) * n_cells;
        for (Py_ssize_t c = 0; c < n_cells; c++) table[c] += part[c];
    }
    return FE_OK;
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

/* Size in int64 of the `work` fe_count_columns needs: (n_threads - 1) partial int64 tables, then
 * n_threads uint32 tables, of n_cells each. */
static Py_ssize_t fe_count_columns_work_size(Py_ssize_t n_cells, int n_threads)
{
    return (n_threads - 1) * n_cells + (n_threads * n_cells + 1) / 2;
}

/* tables[target * step + pos_j + x_j - offset_j] += 1 over all rows and every column of every
 * group (tables zeroed by the caller; `work` of fe_count_columns_work_size, any contents).
 * Threads take chunks of rows cut at multiples of 64 (a bitset word is written by one thread);
 * target may be NULL (all zeros), as when the groups set bitsets.
 * status[j] (n_cols, filled with FE_OK by the caller) gets the first row where column j has a
 * value outside its range; that column's table is then incomplete (the caller recounts it from
 * its exact range), and no count ever lands outside a column's table.  `thread_status`: n_threads
 * * n_cols scratch. */
static void fe_count_columns(const fe_counting_kernels *k, const fe_columns *groups, int n_groups,
                             const int32_t *target, Py_ssize_t n, int n_threads, int64_t *tables,
                             Py_ssize_t n_cells, int64_t *work, Py_ssize_t n_cols,
                             Py_ssize_t *status, Py_ssize_t *thread_status)
{
    /* each thread counts into 32-bit tables (half the cache footprint of int64) over segments of
     * rows short enough not to overflow them, then adds them to its int64 tables */
    uint32_t *narrow = (uint32_t *)(work + (Py_ssize_t)(n_threads - 1) * n_cells);
    const Py_ssize_t segment = (Py_ssize_t)1 << 31;
    /* all the groups over one chunk of rows at a time (a multiple of 64 rows), handed to the
     * threads a piece at a time, so a thread on a slower core takes fewer.  Groups that set
     * bitsets, or read the same rows of a matrix through column maps, take ~FE_ROW_CHUNK_BYTES
     * of samples, so that the chunk's rows and bitset words are still cached for the next group
     * (W8's bitsets take 1.16x the time in long calls); otherwise every sample is read once
     * whatever the chunk, and calls are long (counting by comparison adds a call's counts to the
     * tables at its end; contiguous columns stream longer), down to four pieces a thread. */
    Py_ssize_t row_bytes = 0;
    int shared = 0;
    for (int g = 0; g < n_groups; g++) {
        row_bytes += groups[g].n_cols * fe_kind_bytes(groups[g].kind);
        shared |= groups[g].bits != NULL || (groups[g].stride == NULL && groups[g].column != NULL);
    }
    Py_ssize_t chunk = n / (4 * (Py_ssize_t)n_threads);
    chunk = chunk > FE_SOLO_CHUNK ? FE_SOLO_CHUNK : chunk < FE_SOLO_MIN ? FE_SOLO_MIN : chunk;
    if (n_groups > 1 && shared) chunk = FE_ROW_CHUNK_BYTES / row_bytes;
    chunk &= ~(Py_ssize_t)63;
    chunk = chunk > 64 ? chunk : 64;
    /* a thread takes whole chunks, at least FE_PIECE_ROWS rows at a time: the streams of columns
     * in separate arrays (F order) stay long */
    const Py_ssize_t piece = chunk * ((FE_PIECE_ROWS + chunk - 1) / chunk);
    for (int t = 0; t < n_threads; t++) {
        Py_ssize_t *seen = thread_status + (Py_ssize_t)t * n_cols;
        for (Py_ssize_t j = 0; j < n_cols; j++) seen[j] = FE_OK;
        if (t > 0)
            memset(work + (Py_ssize_t)(t - 1) * n_cells, 0, sizeof(int64_t) * (size_t)n_cells);
    }
    for (Py_ssize_t s = 0; s < n; s += segment) {
        const Py_ssize_t end = n - s < segment ? n : s + segment;
        const int n_pieces = (int)((end - s + piece - 1) / piece);
        /* fewer pieces than threads (short, wide tables): a task is one group over one piece */
        const int by_group = n_pieces < n_threads && n_groups > 1;
        const int n_tasks = by_group ? n_pieces * n_groups : n_pieces;
        if (n_cells) memset(narrow, 0, sizeof(uint32_t) * (size_t)n_cells * (size_t)n_threads);
        FE_OMP_SHARED_FOR(n_threads)
        for (int task = 0; task < n_tasks; task++) {
            const int t = FE_OMP_THREAD(), c = by_group ? task / n_groups : task;
            const int g0 = by_group ? task % n_groups : 0, g1 = by_group ? g0 + 1 : n_groups;
            const Py_ssize_t p_end = end - s - c * piece < piece ? end : s + (c + 1) * piece;
            for (Py_ssize_t r = s + c * piece; r < p_end; r += chunk) {
                const Py_ssize_t r_end = p_end - r < chunk ? p_end : r + chunk;
                for (int g = g0; g < g1; g++)
                    k->columns(&groups[g], target, r, r_end, narrow + (Py_ssize_t)t * n_cells,
                               thread_status + (Py_ssize_t)t * n_cols);
            }
        }
        for (int t = 0; t < n_threads; t++) {
            int64_t *mine = t == 0 ? tables : work + (Py_ssize_t)(t - 1) * n_cells;
            const uint32_t *counts = narrow + (Py_ssize_t)t * n_cells;
            for (Py_ssize_t c = 0; c < n_cells; c++) mine[c] += counts[c];
        }
    }
    for (int t = 1; t < n_threads; t++) {
        const int64_t *part = work + (Py_ssize_t)(t - 1) * n_cells;
        for (Py_ssize_t c = 0; c < n_cells; c++) tables[c] += part[c];
    }
    /* each thread met its chunks in increasing order: the first row seen by any is the least */
    for (int t = 0; t < n_threads; t++)
        for (Py_ssize_t j = 0; j < n_cols; j++) {
            const Py_ssize_t row = thread_status[(Py_ssize_t)t * n_cols + j];
            if (row != FE_OK && (status[j] == FE_OK || row < status[j])) status[j] = row;
        }
}

/* bits[codes[r] * words + r / 64] has bit r % 64 set, for r < n (bits zeroed by the caller):
 * one bitset of samples per code. */
static void fe_bitsets(const int32_t *codes, Py_ssize_t n, uint64_t *bits, Py_ssize_t words)
{
    for (Py_ssize_t r = 0; r < n; r++) bits[codes[r] * words + (r >> 6)] |= (uint64_t)1 << (r & 63);
}

/* out[t * step + positions[j] + v] = samples with column j = v and target = t, for the
 * columns' bitsets (column j's level v is row first[j] + v of `bits`, `words` words a row) and
 * the target's (kt rows).  Columns in parallel. */
static void fe_bit_tables(const fe_counting_kernels *k, const uint64_t *bits,
                          const Py_ssize_t *first, const int64_t *sizes,
                          const Py_ssize_t *positions, Py_ssize_t n_cols, const uint64_t *target,
                          Py_ssize_t kt, Py_ssize_t words, int64_t *out, Py_ssize_t step,
                          int n_threads)
{
    FE_OMP_PARALLEL_FOR(n_threads)
    for (Py_ssize_t j = 0; j < n_cols; j++)
        k->bit_table(bits + first[j] * words, sizes[j], target, kt, words, out + positions[j],
                     step);
}

/* ---- information from count tables ---------------------------------------------------------
 * Every estimate of fastent.discrete and fastent.selection comes from these: the entropy of a
 * histogram by each fe_estimator, and the plug-in sums over nonzero cells, c log(c u / (v w)),
 * of MI, CMI, conditional entropy and VI.  Zero counts are skipped; n_bins is the size of the
 * alphabet the shrinkage target spreads over. */

/* One plug-in term: c log(c u / (v w)) (with u = n, v, w the marginals: c log(n c / (a b))). */
static inline double fe_plugin_term(double c, double u, double v, double w)
{
    return c * log((c * u) / (v * w));
}

static double fe_entropy_counts(const int64_t *c, Py_ssize_t m, Py_ssize_t stride, double n_bins,
                                int estimator)
{
    double n = 0, f1 = 0, nz = 0;
    fe_acc h = {0, 0};
    for (Py_ssize_t k = 0; k < m; k++) {
        int64_t v = c[k * stride];
        n += (double)v;
        f1 += v == 1;
        nz += v > 0;
    }
    if (n == 0) return 0.0;
    if (estimator == FE_PLUGIN || estimator == FE_MILLER_MADOW) {
        for (Py_ssize_t k = 0; k < m; k++) {
            double v = (double)c[k * stride];
            if (v > 0) fe_acc_add(&h, v * log(n / v));
        }
        return fe_acc_value(&h) / n + (estimator == FE_MILLER_MADOW ? (nz - 1) / (2 * n) : 0.0);
    }
    if (estimator == FE_SHRINKAGE) { /* James-Stein shrinkage towards 1/n_bins */
        double t = 1.0 / n_bins, empty = n_bins - nz, lam = 1.0;
        fe_acc s2 = {0, 0}, d2 = {0, 0};
        for (Py_ssize_t k = 0; k < m; k++) {
            double p = (double)c[k * stride] / n;
            if (p > 0) {
                fe_acc_add(&s2, p * p);
                fe_acc_add(&d2, (t - p) * (t - p));
            }
        }
        double denominator = (n - 1) * (fe_acc_value(&d2) + empty * t * t);
        if (denominator > 0) {
            lam = (1 - fe_acc_value(&s2)) / denominator;
            lam = lam > 1 ? 1.0 : (lam < 0 ? 0.0 : lam);
        }
        for (Py_ssize_t k = 0; k < m; k++) {
            double v = (double)c[k * stride];
            if (v > 0) {
                double p = lam * t + (1 - lam) * v / n;
                fe_acc_add(&h, -p * log(p));
            }
        }
        if (empty > 0 && lam > 0) fe_acc_add(&h, -empty * lam * t * log(lam * t));
        return fe_acc_value(&h);
    }
    /* FE_CHAO_SHEN: 1 - (1 - pa)^n as -expm1(n log1p(-pa)) */
    double coverage = 1 - (f1 == n ? n - 1 : f1) / n;
    for (Py_ssize_t k = 0; k < m; k++) {
        double v = (double)c[k * stride];
        if (v > 0) {
            double pa = coverage * v / n;
            fe_acc_add(&h, -pa * log(pa) / -expm1(n * log1p(-pa)));
        }
    }
    return fe_acc_value(&h);
}

/* sum_k fe_plugin_term(c[k], u[k * su], v[k * sv], w[k * sw]) over m cells (strides 0
 * broadcast a scalar), compensated: accurate over millions of cells. */
static double fe_plugin_sum(const int64_t *c, Py_ssize_t m, const double *u, Py_ssize_t su,
                            const double *v, Py_ssize_t sv, const double *w, Py_ssize_t sw)
{
    fe_acc s = {0, 0};
    for (Py_ssize_t k = 0; k < m; k++)
        fe_acc_add(&s, fe_plugin_term((double)c[k], u[k * su], v[k * sv], w[k * sw]));
    return fe_acc_value(&s);
}

/* Marginal sums of a (rows x cols) table, cell (i, j) at t[i * si + j * sj], into a[rows] and
 * b[cols]; returns the total. */
static double fe_margins(const int64_t *t, Py_ssize_t rows, Py_ssize_t cols, Py_ssize_t si,
                         Py_ssize_t sj, int64_t *a, int64_t *b)
{
    int64_t n = 0;
    for (Py_ssize_t j = 0; j < cols; j++) b[j] = 0;
    for (Py_ssize_t i = 0; i < rows; i++) {
        int64_t s = 0;
        for (Py_ssize_t j = 0; j < cols; j++) {
            s += t[i * si + j * sj];
            b[j] += t[i * si + j * sj];
        }
        a[i] = s;
        n += s;
    }
    return (double)n;
}

static double fe_nonzero(const int64_t *c, Py_ssize_t m)
{
    double nz = 0;
    for (Py_ssize_t k = 0; k < m; k++) nz += c[k] > 0;
    return nz;
}

/* I(A; B) in nats of a (ka x kb) table, cell (i, j) at t[i * sa + j * sb]; scratch of ka + kb +
 * ka * kb int64.  Plug-in: the sum of fe_plugin_term over the nonzero cells, clipped at 0; else
 * H(A) + H(B) - H(A, B). */
static double fe_mi_table(const int64_t *t, Py_ssize_t ka, Py_ssize_t kb, Py_ssize_t sa,
                          Py_ssize_t sb, int estimator, int64_t *scratch)
{
    int64_t *a = scratch, *b = scratch + ka, *cells = b + kb;
    double n = fe_margins(t, ka, kb, sa, sb, a, b);
    fe_acc s = {0, 0};
    if (n == 0) return 0.0;
    if (estimator == FE_PLUGIN) {
        for (Py_ssize_t i = 0; i < ka; i++)
            for (Py_ssize_t j = 0; j < kb; j++) {
                double c = (double)t[i * sa + j * sb];
                if (c > 0) fe_acc_add(&s, fe_plugin_term(c, n, (double)a[i], (double)b[j]));
            }
        double mi = fe_acc_value(&s) / n;
        return mi > 0 ? mi : 0.0;
    }
    for (Py_ssize_t i = 0; i < ka; i++)
        for (Py_ssize_t j = 0; j < kb; j++) cells[i * kb + j] = t[i * sa + j * sb];
    double na = fe_nonzero(a, ka), nb = fe_nonzero(b, kb);
    return fe_entropy_counts(a, ka, 1, na, estimator) + fe_entropy_counts(b, kb, 1, nb, estimator) -
           fe_entropy_counts(cells, ka * kb, 1, na * nb, estimator);
}

/* I(X; Y | Z) in nats of a (kx x kz x ky) table, cell (x, z, y) at t[x * sx + (z * ky + y) *
 * sy]; scratch of kx*kz + kz*ky + kz + kx*kz*ky int64.  Plug-in: sum c log(c c_z / (c_xz c_zy)),
 * clipped at 0; else H(XZ) + H(ZY) - H(XZY) - H(Z). */
static double fe_cmi_table(const int64_t *t, Py_ssize_t kx, Py_ssize_t kz, Py_ssize_t ky,
                           Py_ssize_t sx, Py_ssize_t sy, int estimator, int64_t *scratch)
{
    int64_t *xz = scratch, *zy = scratch + kx * kz, *z = zy + kz * ky, *cells = z + kz;
    /* the (x, z) x y view gives c_xz as row sums and nothing else; sum the rest directly */
    memset(zy, 0, sizeof(int64_t) * (size_t)(kz * ky + kz));
    double n = 0;
    fe_acc s = {0, 0};
    for (Py_ssize_t x = 0; x < kx; x++)
        for (Py_ssize_t zz = 0; zz < kz; zz++) {
            int64_t r = 0;
            const int64_t *row = t + x * sx + zz * ky * sy;
            for (Py_ssize_t y = 0; y < ky; y++) {
                r += row[y * sy];
                zy[zz * ky + y] += row[y * sy];
                cells[(x * kz + zz) * ky + y] = row[y * sy];
            }
            xz[x * kz + zz] = r;
            z[zz] += r;
            n += (double)r;
        }
    if (n == 0) return 0.0;
    if (estimator == FE_PLUGIN) {
        for (Py_ssize_t x = 0; x < kx; x++)
            for (Py_ssize_t zz = 0; zz < kz; zz++) {
                const int64_t *row = cells + (x * kz + zz) * ky;
                for (Py_ssize_t y = 0; y < ky; y++) {
                    double c = (double)row[y];
                    if (c > 0)
                        fe_acc_add(&s, fe_plugin_term(c, (double)z[zz], (double)xz[x * kz + zz],
                                                      (double)zy[zz * ky + y]));
                }
            }
        double cmi = fe_acc_value(&s) / n;
        return cmi > 0 ? cmi : 0.0;
    }
    /* observed levels of each variable, for the shrinkage alphabets */
    double lx = 0, ly = 0, lz = fe_nonzero(z, kz);
    for (Py_ssize_t x = 0; x < kx; x++) {
        int64_t r = 0;
        for (Py_ssize_t zz = 0; zz < kz; zz++) r += xz[x * kz + zz];
        lx += r > 0;
    }
    for (Py_ssize_t y = 0; y < ky; y++) {
        int64_t r = 0;
        for (Py_ssize_t zz = 0; zz < kz; zz++) r += zy[zz * ky + y];
        ly += r > 0;
    }
    return fe_entropy_counts(xz, kx * kz, 1, lx * lz, estimator) +
           fe_entropy_counts(zy, kz * ky, 1, lz * ly, estimator) -
           fe_entropy_counts(cells, kx * kz * ky, 1, lx * lz * ly, estimator) -
           fe_entropy_counts(z, kz, 1, lz, estimator);
}

/* E[I] in nats of two labellings of n samples with marginal counts a (distinct values, with
 * multiplicities a_mult) and b under random permutation (hypergeometric model, Vinh, Epps &
 * Bailey 2010).  Every pair of distinct values is summed once; for each pair the probabilities
 * of the cell count are computed from the mode outwards by their ratio recurrence, stopping once
 * a term is negligible (they decrease monotonically away from the mode): log-gamma is evaluated
 * once per pair, not once per term. */
static double fe_expected_mutual_info(const int64_t *a, const int64_t *a_mult, Py_ssize_t na,
                                      const int64_t *b, const int64_t *b_mult, Py_ssize_t nb,
                                      int64_t n)
{
    const double ln_n = log((double)n), lg_n = lgamma(n + 1.0), eps = 1e-17;
    double total = 0;
    for (Py_ssize_t i = 0; i < na; i++) {
        const int64_t ai = a[i];
        for (Py_ssize_t j = 0; j < nb; j++) {
            const int64_t bj = b[j];
            int64_t lo = ai + bj - n, hi = ai < bj ? ai : bj;
            lo = lo < 1 ? 1 : lo;
            if (lo > hi) continue;
            int64_t mode = (int64_t)((ai + 1.0) * (bj + 1.0) / (n + 2.0));
            mode = mode < lo ? lo : (mode > hi ? hi : mode);
            const double p0 =
                exp(lgamma(ai + 1.0) + lgamma(bj + 1.0) + lgamma(n - ai + 1.0) +
                    lgamma(n - bj + 1.0) - lg_n - lgamma(mode + 1.0) - lgamma(ai - mode + 1.0) -
                    lgamma(bj - mode + 1.0) - lgamma(n - ai - bj + mode + 1.0));
            const double lai = log((double)ai), lbj = log((double)bj);
            double pair = 0, p = p0;
            for (int64_t k = mode; k <= hi; k++) {
                pair += p * k * (ln_n + log((double)k) - lai - lbj);
                if (p < eps * p0) break;
                p *= (ai - k) * (double)(bj - k) / ((k + 1.0) * (n - ai - bj + k + 1.0));
            }
            p = p0;
            for (int64_t k = mode; k > lo;) {
                p *= k * (n - ai - bj + (double)k) / ((ai - k + 1.0) * (double)(bj - k + 1));
                k--;
                pair += p * k * (ln_n + log((double)k) - lai - lbj);
                if (p < eps * p0) break;
            }
            total += pair * (double)a_mult[i] * (double)b_mult[j];
        }
    }
    return total / (double)n;
}

#endif /* FASTENT_COUNTING_H */
