/* SPDX-License-Identifier: BSD-3-Clause
 *
 * counting_impl.h -- the hot loops of counting.h, a template instantiated by _instantiate.h once
 * per SIMD level (FE_UNTYPED: integer codes of any kind, no dtype pass).  The VPOPCNTQ pass
 * (FE_VPOPCNT_PASS) emits only the bitset counting.  No include guard on purpose.
 */
#ifndef FE_VPOPCNT_PASS

/* ---- min and max of a variable ----------------------------------------------------------- */
#define FE_MINMAX_CASE(KIND, T)                                                                    \
    case KIND: {                                                                                   \
        const T *x = (const T *)data;                                                              \
        T lo = x[0], hi = x[0];                                                                    \
        FE_SIMD(reduction(min : lo) reduction(max : hi))                                           \
        for (Py_ssize_t i = 0; i < n; i++) {                                                       \
            lo = x[i] < lo ? x[i] : lo;                                                            \
            hi = x[i] > hi ? x[i] : hi;                                                            \
        }                                                                                          \
        *min = (int64_t)lo;                                                                        \
        *max = (int64_t)hi;                                                                        \
        break;                                                                                     \
    }

/* min/max of x[0:n], n >= 1. */
FE_TGT static void FE_FN(fe_minmax)(const void *data, int kind, Py_ssize_t n, int64_t *min,
                                    int64_t *max)
{
    switch (kind) {
        FE_INT_KINDS(FE_MINMAX_CASE)
    }
}
#undef FE_MINMAX_CASE

/* ---- min and max of each column of the rows of a matrix --------------------------------------
 * lo[j], hi[j] over rows [0, rows) (rows >= 1) of columns [0, cols): element (r, j) at byte
 * r * row_bytes + j * col_bytes of data.  Adjacent columns (C order, a sample of every step-th
 * row) go eight rows at a time, one vectorised loop over the columns: the rows' extremes in
 * their own type, then one update of the int64 running extremes (which, for tens of thousands
 * of columns, live in L2) for eight rows.  Other layouts (F order) go a column at a time. */
#define FE_MIN(a, b) ((b) < (a) ? (b) : (a))
#define FE_MAX(a, b) ((b) > (a) ? (b) : (a))
#define FE_RANGES_CASE(KIND, T)                                                                    \
    case KIND: {                                                                                   \
        const char *base = (const char *)data;                                                     \
        if (col_bytes == (Py_ssize_t)sizeof(T)) {                                                  \
            const T *x0 = (const T *)base;                                                         \
            for (Py_ssize_t j = 0; j < cols; j++) lo[j] = hi[j] = (int64_t)x0[j];                  \
            Py_ssize_t r = 1;                                                                      \
            for (; r + 8 <= rows; r += 8) {                                                        \
                const T *x[8];                                                                     \
                for (int i = 0; i < 8; i++) x[i] = (const T *)(base + (r + i) * row_bytes);        \
                FE_SIMD()                                                                          \
                for (Py_ssize_t j = 0; j < cols; j++) {                                            \
                    const T l =                                                                    \
                        FE_MIN(FE_MIN(FE_MIN(x[0][j], x[1][j]), FE_MIN(x[2][j], x[3][j])),         \
                               FE_MIN(FE_MIN(x[4][j], x[5][j]), FE_MIN(x[6][j], x[7][j])));        \
                    const T h =                                                                    \
                        FE_MAX(FE_MAX(FE_MAX(x[0][j], x[1][j]), FE_MAX(x[2][j], x[3][j])),         \
                               FE_MAX(FE_MAX(x[4][j], x[5][j]), FE_MAX(x[6][j], x[7][j])));        \
                    lo[j] = FE_MIN(lo[j], (int64_t)l);                                             \
                    hi[j] = FE_MAX(hi[j], (int64_t)h);                                             \
                }                                                                                  \
            }                                                                                      \
            for (; r < rows; r++) {                                                                \
                const T *x = (const T *)(base + r * row_bytes);                                    \
                FE_SIMD()                                                                          \
                for (Py_ssize_t j = 0; j < cols; j++) {                                            \
                    lo[j] = FE_MIN(lo[j], (int64_t)x[j]);                                          \
                    hi[j] = FE_MAX(hi[j], (int64_t)x[j]);                                          \
                }                                                                                  \
            }                                                                                      \
        } else {                                                                                   \
            for (Py_ssize_t j = 0; j < cols; j++) {                                                \
                const char *col = base + j * col_bytes;                                            \
                T l = *(const T *)col, h = l;                                                      \
                if (row_bytes == (Py_ssize_t)sizeof(T)) { /* a contiguous column */                \
                    const T *c = (const T *)col;                                                   \
                    FE_SIMD(reduction(min : l) reduction(max : h))                                 \
                    for (Py_ssize_t r = 1; r < rows; r++) {                                        \
                        l = FE_MIN(l, c[r]);                                                       \
                        h = FE_MAX(h, c[r]);                                                       \
                    }                                                                              \
                } else {                                                                           \
                    for (Py_ssize_t r = 1; r < rows; r++) {                                        \
                        const T v = *(const T *)(col + r * row_bytes);                             \
                        l = FE_MIN(l, v);                                                          \
                        h = FE_MAX(h, v);                                                          \
                    }                                                                              \
                }                                                                                  \
                lo[j] = (int64_t)l, hi[j] = (int64_t)h;                                            \
            }                                                                                      \
        }                                                                                          \
        break;                                                                                     \
    }

FE_TGT static void FE_FN(fe_column_ranges)(const void *data, int kind, Py_ssize_t rows,
                                           Py_ssize_t cols, Py_ssize_t row_bytes,
                                           Py_ssize_t col_bytes, int64_t *lo, int64_t *hi)
{
    switch (kind) {
        FE_INT_KINDS(FE_RANGES_CASE)
    }
}
#undef FE_RANGES_CASE
#undef FE_MIN
#undef FE_MAX

/* ---- bins of float64 values ---------------------------------------------------------------
 * out[i] = the number of cuts[0:n_cuts] (increasing) <= x[i] (x[i] at byte i * step of x, a
 * finite value; n <= FE_BIN_ROWS): the bin of a value between a column's edges, uint8 out when
 * code_bytes is 1, else uint16.  Up to FE_BIN_LINEAR cuts, one vectorised compare-and-add pass
 * over the block a cut; more, a branch-free binary search a value. */
FE_TGT static void FE_FN(fe_bin_block)(const char *x, Py_ssize_t step, Py_ssize_t n,
                                       const double *cuts, Py_ssize_t n_cuts, int code_bytes,
                                       void *out)
{
    double v[FE_BIN_ROWS];
    int64_t code[FE_BIN_ROWS];
    for (Py_ssize_t i = 0; i < n; i++) v[i] = *(const double *)(x + i * step);
    if (n_cuts <= FE_BIN_LINEAR) {
        FE_SIMD()
        for (Py_ssize_t i = 0; i < n; i++) code[i] = 0;
        for (Py_ssize_t k = 0; k < n_cuts; k++) {
            const double c = cuts[k];
            FE_SIMD()
            for (Py_ssize_t i = 0; i < n; i++) code[i] += v[i] >= c;
        }
    } else {
        for (Py_ssize_t i = 0; i < n; i++) {
            const double *base = cuts;
            for (Py_ssize_t len = n_cuts; len > 1;) {
                const Py_ssize_t half = len / 2;
                base = base[half - 1] <= v[i] ? base + half : base;
                len -= half;
            }
            code[i] = (base - cuts) + (base[0] <= v[i]);
        }
    }
    if (code_bytes == 1) {
        uint8_t *o = (uint8_t *)out;
        FE_SIMD()
        for (Py_ssize_t i = 0; i < n; i++) o[i] = (uint8_t)code[i];
    } else {
        uint16_t *o = (uint16_t *)out;
        FE_SIMD()
        for (Py_ssize_t i = 0; i < n; i++) o[i] = (uint16_t)code[i];
    }
}

/* ---- joint cell index of a block of samples ------------------------------------------------
 * idx[k] = row-major cell of sample start + k; returns nonzero if a value lies outside its
 * variable's [offset, offset + size). */
#define FE_INDEX_CASE(KIND, T)                                                                     \
    case KIND: {                                                                                   \
        const T *x = (const T *)v->data + start;                                                   \
        if (first) {                                                                               \
            FE_SIMD(reduction(| : bad))                                                            \
            for (Py_ssize_t k = 0; k < len; k++) {                                                 \
                bad |= ((uint64_t)(int64_t)x[k] - off) | (last - (uint64_t)(int64_t)x[k]);         \
                idx[k] = (fe_idx)((int64_t)x[k] - off);                                            \
            }                                                                                      \
        } else {                                                                                   \
            FE_SIMD(reduction(| : bad))                                                            \
            for (Py_ssize_t k = 0; k < len; k++) {                                                 \
                bad |= ((uint64_t)(int64_t)x[k] - off) | (last - (uint64_t)(int64_t)x[k]);         \
                idx[k] = idx[k] * size + (fe_idx)((int64_t)x[k] - off);                            \
            }                                                                                      \
        }                                                                                          \
        break;                                                                                     \
    }

#define FE_DEFINE_INDEX(NAME, IDX)                                                                 \
    FE_TGT static inline int NAME(const fe_var *vars, int n_vars, Py_ssize_t start,                \
                                  Py_ssize_t len, IDX *idx)                                        \
    {                                                                                              \
        typedef IDX fe_idx;                                                                        \
        uint64_t bad = 0; /* sign bit: x - offset or last - x was negative for some sample */      \
        for (int j = 0; j < n_vars; j++) {                                                         \
            const fe_var *v = &vars[j];                                                            \
            const int first = j == 0;                                                              \
            const fe_idx size = (fe_idx)v->size;                                                   \
            const uint64_t off = (uint64_t)v->offset, last = off + (uint64_t)(v->size - 1);        \
            switch (v->kind) {                                                                     \
                FE_INT_KINDS(FE_INDEX_CASE)                                                        \
            }                                                                                      \
        }                                                                                          \
        return (int)(bad >> 63);                                                                   \
    }

/* Dense tables (< 2^32 cells) index in 32 bits (vectorises without 64-bit multiplies). */
FE_DEFINE_INDEX(FE_FN(fe_index_u32), uint32_t)
/* Sparse counting: 64-bit keys of the joint cells, sorted and counted by the caller. */
FE_DEFINE_INDEX(FE_FN(fe_index_u64), uint64_t)
#undef FE_DEFINE_INDEX
#undef FE_INDEX_CASE

#define FE_LOAD_CASE(KIND, T)                                                                      \
    case KIND:                                                                                     \
        return (int64_t)((const T *)data)[i];

/* Value i of a column of `kind` (the rare out-of-range path). */
FE_TGT static inline int64_t FE_FN(fe_load)(int kind, const void *data, Py_ssize_t i)
{
    switch (kind) {
        FE_INT_KINDS(FE_LOAD_CASE)
    }
    return 0;
}

/* The first sample in [start, start + len) with a value outside its variable's range (the block
 * has one: the rare path after fe_index_* found it). */
FE_TGT static Py_ssize_t FE_FN(fe_first_out_of_range)(const fe_var *vars, int n_vars,
                                                      Py_ssize_t start, Py_ssize_t len)
{
    for (Py_ssize_t i = start; i < start + len; i++)
        for (int j = 0; j < n_vars; j++) {
            const int64_t v = FE_FN(fe_load)(vars[j].kind, vars[j].data, i);
            if (v < vars[j].offset || v > vars[j].offset + (vars[j].size - 1)) return i;
        }
    return start;
}

#ifdef FE_AVX2_CODE
/* The AVX2 code below serves the AVX-512 level too: the compiler's loops there (zmm, 64-bit lanes)
 * measured slower than it on a Zen 4 (AVX-512 against AVX2, 1 thread: W6 1.3x, W9 1.4x, W7
 * 1.27x, W7-F 1.38x the time; with it 0.94-0.97x). */

/* Samples k..k+7 of an int64 variable as 32-bit lanes (their low halves) in the order k, k+4,
 * k+1, k+5, ..., k+3, k+7 (a shift and a blend); ORs the range check's sign bits into *bad. */
FE_TGT static inline __attribute__((always_inline)) __m256i FE_FN(fe_i64x8)(const int64_t *x,
                                                                            __m256i lo, __m256i hi,
                                                                            __m256i *bad)
{
    const __m256i a = _mm256_loadu_si256((const __m256i *)x);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(x + 4));
    *bad = _mm256_or_si256(*bad, _mm256_or_si256(_mm256_sub_epi64(a, lo), _mm256_sub_epi64(hi, a)));
    *bad = _mm256_or_si256(*bad, _mm256_or_si256(_mm256_sub_epi64(b, lo), _mm256_sub_epi64(hi, b)));
    return _mm256_blend_epi32(a, _mm256_slli_epi64(b, 32), 0xaa);
}

/* fe_index_u32 for 1 to 3 variables that are all int64 (NumPy's default labels) in one pass,
 * each block of 8 samples in fe_i64x8's order (the rest in order; the counts do not depend on
 * it): one load and store of the cells instead of one a variable (measured against fe_index8's
 * pass a variable: 0.8-0.95x the time at 2 and 3 variables).  The cell is Horner's rule on the
 * values less Horner's rule on the offsets (mod 2^32, where the cell lies). */
#define FE_INDEX_I64_VARS 3
FE_TGT static inline __attribute__((always_inline)) int
FE_FN(fe_index_i64_n)(const fe_var *vars, int n_vars, Py_ssize_t start, Py_ssize_t len,
                      uint32_t *idx)
{
    const int64_t *x[FE_INDEX_I64_VARS];
    __m256i lo[FE_INDEX_I64_VARS], hi[FE_INDEX_I64_VARS], size[FE_INDEX_I64_VARS];
    uint32_t base = 0; /* the offsets' cell */
    for (int j = 0; j < n_vars; j++) {
        x[j] = (const int64_t *)vars[j].data + start;
        lo[j] = _mm256_set1_epi64x(vars[j].offset);
        hi[j] = _mm256_set1_epi64x(vars[j].offset + (vars[j].size - 1));
        size[j] = _mm256_set1_epi32((int32_t)(uint32_t)vars[j].size);
        base = base * (uint32_t)vars[j].size + (uint32_t)vars[j].offset;
    }
    const __m256i shift = _mm256_set1_epi32((int32_t)base);
    __m256i bad = _mm256_setzero_si256(); /* sign bits as in fe_index_u32 */
    const Py_ssize_t body = len & ~(Py_ssize_t)7;
    for (Py_ssize_t k = 0; k < body; k += 8) {
        __m256i cell = _mm256_setzero_si256();
        for (int j = 0; j < n_vars; j++) {
            const __m256i v = FE_FN(fe_i64x8)(x[j] + k, lo[j], hi[j], &bad);
            cell = j == 0 ? v : _mm256_add_epi32(_mm256_mullo_epi32(cell, size[j]), v);
        }
        _mm256_storeu_si256((__m256i *)(idx + k), _mm256_sub_epi32(cell, shift));
    }
    int out = _mm256_movemask_pd(_mm256_castsi256_pd(bad)) != 0;
    for (Py_ssize_t k = body; k < len; k++) {
        uint32_t cell = 0;
        for (int j = 0; j < n_vars; j++) {
            const int64_t v = x[j][k];
            out |= v < vars[j].offset || v > vars[j].offset + (vars[j].size - 1);
            cell = cell * (uint32_t)vars[j].size + (uint32_t)v;
        }
        idx[k] = cell - base;
    }
    return out;
}

FE_TGT static int FE_FN(fe_index_i64)(const fe_var *vars, int n_vars, Py_ssize_t start,
                                      Py_ssize_t len, uint32_t *idx)
{
    switch (n_vars) { /* one copy per count, its loop over the variables unrolled */
    case 1:
        return FE_FN(fe_index_i64_n)(vars, 1, start, len, idx);
    case 2:
        return FE_FN(fe_index_i64_n)(vars, 2, start, len, idx);
    default:
        return FE_FN(fe_index_i64_n)(vars, 3, start, len, idx);
    }
}

/* fe_index_u32 for variables of any kind but uint32, one variable a pass, 8 samples a vector of
 * 32-bit lanes, in order: the compiler's loops of fe_index_u32 check and narrow every kind
 * through 64-bit lanes (int8 labels took longer than int64 ones).  int64 values take fe_i64x8 and
 * a vpermd; narrower kinds load widened to 32 bits (vpmovsx/zx) and are checked by two compares
 * against the range clamped to int32 (exact: their values are int32s). */
#define FE_INDEX8_KIND(kind) ((kind) != FE_U32)

/* One variable's pass over samples [0, body) (a multiple of 8): v = 8 values as int32 lanes
 * (LOAD), out-of-range lanes ORed into bad (CHECK), then the cells. */
#define FE_INDEX8_LOOP(LOAD, CHECK)                                                                \
    for (Py_ssize_t k = 0; k < body; k += 8) {                                                     \
        const __m256i v = LOAD;                                                                    \
        CHECK;                                                                                     \
        const __m256i code = _mm256_sub_epi32(v, off32);                                           \
        _mm256_storeu_si256(                                                                       \
            (__m256i *)(idx + k),                                                                  \
            first                                                                                  \
                ? code                                                                             \
                : _mm256_add_epi32(                                                                \
                      _mm256_mullo_epi32(_mm256_loadu_si256((__m256i *)(idx + k)), size), code));  \
    }
#define FE_CHECK32                                                                                 \
    bad32 = _mm256_or_si256(bad32,                                                                 \
                            _mm256_or_si256(_mm256_cmpgt_epi32(lo, v), _mm256_cmpgt_epi32(v, hi)))
#define FE_NARROW8(CVT, LOAD, T) CVT(LOAD((const void *)((const T *)x + k)))

FE_TGT static int FE_FN(fe_index8)(const fe_var *vars, int n_vars, Py_ssize_t start, Py_ssize_t len,
                                   uint32_t *idx)
{
    const Py_ssize_t body = len & ~(Py_ssize_t)7;
    __m256i bad64 = _mm256_setzero_si256(); /* sign bits as in fe_index_u32 */
    __m256i bad32 = _mm256_setzero_si256(); /* all-ones lanes: a value out of range */
    int bad = 0;
    for (int j = 0; j < n_vars; j++) {
        const int64_t off = vars[j].offset, last = off + (vars[j].size - 1);
        const int kind = vars[j].kind, first = j == 0;
        const char *x = (const char *)vars[j].data + start * fe_kind_bytes(kind);
        const __m256i off32 = _mm256_set1_epi32((int32_t)(uint32_t)off);
        const __m256i size = _mm256_set1_epi32((int32_t)(uint32_t)vars[j].size);
        if (kind == FE_I64) {
            const __m256i lo = _mm256_set1_epi64x(off), hi = _mm256_set1_epi64x(last);
            const __m256i order = _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7);
            FE_INDEX8_LOOP(_mm256_permutevar8x32_epi32(
                               FE_FN(fe_i64x8)((const int64_t *)x + k, lo, hi, &bad64), order), )
        } else if (off > INT32_MAX || last < INT32_MIN) {
            return len > 0; /* every sample is out of range */
        } else {
            const __m256i lo = _mm256_set1_epi32(off < INT32_MIN ? INT32_MIN : (int32_t)off);
            const __m256i hi = _mm256_set1_epi32(last > INT32_MAX ? INT32_MAX : (int32_t)last);
            switch (kind) {
            case FE_I32:
                FE_INDEX8_LOOP(FE_NARROW8(, _mm256_loadu_si256, int32_t), FE_CHECK32)
                break;
            case FE_I16:
                FE_INDEX8_LOOP(FE_NARROW8(_mm256_cvtepi16_epi32, _mm_loadu_si128, int16_t),
                               FE_CHECK32)
                break;
            case FE_U16:
                FE_INDEX8_LOOP(FE_NARROW8(_mm256_cvtepu16_epi32, _mm_loadu_si128, uint16_t),
                               FE_CHECK32)
                break;
            case FE_I8:
                FE_INDEX8_LOOP(FE_NARROW8(_mm256_cvtepi8_epi32, _mm_loadl_epi64, int8_t),
                               FE_CHECK32)
                break;
            default: /* FE_U8 */
                FE_INDEX8_LOOP(FE_NARROW8(_mm256_cvtepu8_epi32, _mm_loadl_epi64, uint8_t),
                               FE_CHECK32)
                break;
            }
        }
        for (Py_ssize_t k = body; k < len; k++) {
            const int64_t v = FE_FN(fe_load)(kind, x, k);
            bad |= v < off || v > last;
            idx[k] = (first ? 0 : idx[k] * (uint32_t)vars[j].size) + (uint32_t)(v - off);
        }
    }
    return bad || !_mm256_testz_si256(bad32, bad32) ||
           _mm256_movemask_pd(_mm256_castsi256_pd(bad64));
}
#undef FE_NARROW8
#undef FE_CHECK32
#undef FE_INDEX8_LOOP
#endif

/* Counts of the joint cells of samples [start, stop) added to `table`; returns FE_OK, or the
 * first sample with a value out of range (the table is then incomplete).  Small tables are
 * counted in four interleaved 32-bit sub-tables (`scratch`, 4 * n_cells) so that runs of one cell
 * (skewed data) do not serialise on one counter's store-to-load latency, a chunk of samples at a
 * time, software-pipelined: the next chunk's cells are computed before this chunk's are counted,
 * so that its loads from memory overlap the counting, which reads only L1.  Measured against
 * prefetching the next 2,048 samples while counting these (the prefetches cost load slots): MI
 * and CMI of 1e7 samples 0.6-0.75x the time at AVX2 for int64, int32 and int8 labels (with
 * fe_index_i64 and fe_index8), 0.9x at the baseline for int64; chunks of 64 to 256 alike, but
 * the compiler's loops over narrower kinds need 1,024 to break even. */
#define FE_COUNT_CHUNK 128
#define FE_COUNT_CHUNK_NARROW 1024
FE_TGT static Py_ssize_t FE_FN(fe_count_chunk)(const fe_var *vars, int n_vars, Py_ssize_t start,
                                               Py_ssize_t stop, int64_t *table, Py_ssize_t n_cells,
                                               uint32_t *scratch)
{
    uint32_t idx[FE_BLOCK]; /* with scratch: two chunks of cells, this one's and the next's */
    int (*index)(const fe_var *, int, Py_ssize_t, Py_ssize_t, uint32_t *) = FE_FN(fe_index_u32);
    int all_i64 = 1;
    for (int j = 0; j < n_vars; j++) all_i64 &= vars[j].kind == FE_I64;
    /* the compiler's loops of narrower kinds cost more a call (their widening prologues) */
    Py_ssize_t chunk = all_i64 ? FE_COUNT_CHUNK : FE_COUNT_CHUNK_NARROW;
#ifdef FE_AVX2_CODE
    int by8 = 1;
    for (int j = 0; j < n_vars; j++) by8 &= FE_INDEX8_KIND(vars[j].kind);
    if (by8) index = FE_FN(fe_index8), chunk = FE_COUNT_CHUNK;
    if (all_i64 && n_vars <= FE_INDEX_I64_VARS) index = FE_FN(fe_index_i64);
#endif
    if (scratch == NULL) {
        for (Py_ssize_t b = start; b < stop; b += FE_BLOCK) {
            Py_ssize_t len = stop - b < FE_BLOCK ? stop - b : FE_BLOCK;
            if (index(vars, n_vars, b, len, idx))
                return FE_FN(fe_first_out_of_range)(vars, n_vars, b, len);
            for (Py_ssize_t k = 0; k < len; k++) table[idx[k]]++;
        }
        return FE_OK;
    }
    uint32_t *h0 = scratch, *h1 = scratch + n_cells, *h2 = h1 + n_cells, *h3 = h2 + n_cells;
    uint32_t *ahead = idx + chunk, *cells = idx;
    const Py_ssize_t flush = (Py_ssize_t)1 << 30; /* sub-table counts stay below 2^32 */
    for (Py_ssize_t s = start; s < stop; s += flush) {
        Py_ssize_t end = stop - s < flush ? stop : s + flush;
        memset(scratch, 0, sizeof(uint32_t) * 4 * (size_t)n_cells);
        Py_ssize_t len = end - s < chunk ? end - s : chunk;
        if (index(vars, n_vars, s, len, cells))
            return FE_FN(fe_first_out_of_range)(vars, n_vars, s, len);
        for (Py_ssize_t b = s; len > 0; b += chunk) {
            const Py_ssize_t next = end - (b + len) < chunk ? end - (b + len) : chunk;
            if (next > 0 && index(vars, n_vars, b + len, next, ahead))
                return FE_FN(fe_first_out_of_range)(vars, n_vars, b + len, next);
            Py_ssize_t k = 0;
            for (; k + 4 <= len; k += 4) {
                h0[cells[k]]++;
                h1[cells[k + 1]]++;
                h2[cells[k + 2]]++;
                h3[cells[k + 3]]++;
            }
            for (; k < len; k++) h0[cells[k]]++;
            uint32_t *t = cells;
            cells = ahead, ahead = t, len = next;
        }
        for (Py_ssize_t c = 0; c < n_cells; c++) table[c] += (int64_t)h0[c] + h1[c] + h2[c] + h3[c];
    }
    return FE_OK;
}

/* keys[i] = 64-bit joint cell of sample i for i in [start, stop). */
FE_TGT static void FE_FN(fe_keys_block)(const fe_var *vars, int n_vars, Py_ssize_t start,
                                        Py_ssize_t stop, uint64_t *keys)
{
    for (Py_ssize_t b = start; b < stop; b += FE_BLOCK) {
        Py_ssize_t len = stop - b < FE_BLOCK ? stop - b : FE_BLOCK;
        FE_FN(fe_index_u64)(vars, n_vars, b, len, keys + b);
    }
}

/* Rows [b, b + len) of column j of a group counted value by value (a block with a value out of
 * range): values outside the column's range are skipped, and status[g->first + j] records the
 * first such row (this thread's rows come in increasing order: the first one recorded is its
 * first). */
FE_TGT static void FE_FN(count_checked)(const fe_columns *g, const int32_t *y, Py_ssize_t b,
                                        Py_ssize_t len, Py_ssize_t j, uint32_t *tables,
                                        Py_ssize_t *status)
{
    const char *col = g->stride == NULL ? g->data[0] : g->data[j];
    for (Py_ssize_t r = b; r < b + len; r++) {
        const Py_ssize_t i = g->stride != NULL ? r * g->stride[j]
                                               : r * g->row_stride + (g->column ? g->column[j] : j);
        const int64_t v = FE_FN(fe_load)(g->kind, col, i);
        const uint64_t cell =
            (y ? (uint64_t)y[r] * (uint64_t)g->step : 0) + g->adjust[j] + (uint64_t)v;
        if (v < g->offset[j] || v > g->last[j]) {
            if (status[g->first + j] == FE_OK) status[g->first + j] = r;
        } else if (g->bits != NULL)
            g->bits[cell * g->words + (r >> 6)] |= (uint64_t)1 << (r & 63);
        else
            tables[cell]++;
    }
}

#if defined(FE_SMALL_CELLS) && !defined(FE_SCALAR_PASS)
/* ---- small tables: counting by comparison --------------------------------------------------
 * A group whose columns have at most S levels each, against a target of T levels with K = S T <=
 * FE_SMALL_CELLS: the cell of a sample in its column's table fits a byte, c = (x - offset) + S t,
 * and a vector of cells is counted by comparing it with each of the K values (a compare and a
 * subtract a value, into byte counters), not by an increment of a table in memory each (a load
 * of the cell, then a load and a store of the count).  C order: the cells of a block of rows,
 * then adjacent columns a vector; contiguous columns (F order, DataFrames): one column's cells,
 * then its rows a vector.  W7 (1e6 x 200, 10 levels, binary y) at AVX2, 1 thread: int64 C order
 * 0.73x the time of the increments, F order 0.68x, int8 0.49x, int32 0.87x; 2 threads 0.63-0.73x.
 * The comparisons read no memory: the next block's rows (C order) or the next column's (F order)
 * are prefetched meanwhile, evenly over them (fe_spread); W7 on a Zen 5, 1 thread: int64 C order
 * 81-83 -> 65-70 ms (the read 53-57), F order 104-119 -> 87-93 ms.  A burst of prefetches (two
 * lines a vector of cells: twice the rate) was slower than none, 108 ms.
 */

#define FE_SMALL_V fe_u8x32 /* byte lanes a vector */
#define FE_SMALL_W ((Py_ssize_t)sizeof(FE_SMALL_V))

/* acc[k] = the lanes' counts of value v0 + k (k < FE_SMALL_VB, counters in registers) over n
 * vectors of cells, `stride` bytes apart: a compare and a subtract a value and vector; `ahead`
 * stepped a vector (the caller's next input). */
static inline __attribute__((always_inline)) FE_TGT void
FE_FN(small_compare)(const uint8_t *cell, Py_ssize_t n, Py_ssize_t stride, int v0,
                     FE_SMALL_V acc[FE_SMALL_VB], fe_spread *ahead)
{
    for (int k = 0; k < FE_SMALL_VB; k++) acc[k] = (FE_SMALL_V){0};
    for (Py_ssize_t i = 0; i < n; i++) {
        FE_SMALL_V c;
        fe_spread_step(ahead);
        memcpy(&c, cell + i * stride, sizeof c);
        for (int k = 0; k < FE_SMALL_VB; k++)
            acc[k] -= (FE_SMALL_V)(c == (uint8_t)(v0 + k)); /* -(-1): one more */
    }
}

/* counts[v * m32 + j] += the rows among len (cell: row r at cell + r * m32) whose cell j is v,
 * for v < K: FE_SMALL_W columns a vector; the bytes [next, next + next_bytes) (the next block's
 * rows of X) prefetched meanwhile, evenly over the vectors of cells: the comparisons read no
 * memory, so the hardware prefetchers would fetch nothing until the next block's cells start on
 * misses. */
FE_TGT static void FE_FN(small_count_rows)(const uint8_t *cell, Py_ssize_t len, Py_ssize_t m32,
                                           int k_cells, uint32_t *counts, uintptr_t next,
                                           Py_ssize_t next_bytes)
{
    const Py_ssize_t passes = (m32 / FE_SMALL_W) * ((k_cells + FE_SMALL_VB - 1) / FE_SMALL_VB);
    fe_spread ahead = fe_spread_over(next, next_bytes, passes * len);
    for (Py_ssize_t j0 = 0; j0 < m32; j0 += FE_SMALL_W)
        for (int v0 = 0; v0 < k_cells; v0 += FE_SMALL_VB) {
            FE_SMALL_V acc[FE_SMALL_VB];
            FE_FN(small_compare)(cell + j0, len, m32, v0, acc, &ahead);
            for (int k = 0; k < FE_SMALL_VB && v0 + k < k_cells; k++) {
                uint8_t lane[FE_SMALL_W];
                uint32_t *out = counts + (v0 + k) * m32 + j0;
                memcpy(lane, &acc[k], sizeof lane);
                for (int l = 0; l < FE_SMALL_W; l++) out[l] += lane[l];
            }
        }
}

/* sums[v] = the number of cells among cell[0:len] (len a multiple of FE_SMALL_W, at most 255
 * FE_SMALL_W) equal to v, for v < K: FE_SMALL_W rows a vector; the bytes [next, next +
 * next_bytes) (the next column's rows) prefetched meanwhile, as small_count_rows. */
FE_TGT static void FE_FN(small_count_column)(const uint8_t *cell, Py_ssize_t len, int k_cells,
                                             uint32_t *sums, uintptr_t next, Py_ssize_t next_bytes)
{
    const Py_ssize_t passes = (k_cells + FE_SMALL_VB - 1) / FE_SMALL_VB;
    fe_spread ahead = fe_spread_over(next, next_bytes, passes * (len / FE_SMALL_W));
    for (int v0 = 0; v0 < k_cells; v0 += FE_SMALL_VB) {
        FE_SMALL_V acc[FE_SMALL_VB];
        FE_FN(small_compare)(cell, len / FE_SMALL_W, FE_SMALL_W, v0, acc, &ahead);
        for (int k = 0; k < FE_SMALL_VB && v0 + k < k_cells; k++) {
            uint8_t lane[FE_SMALL_W];
            uint32_t s = 0;
            memcpy(lane, &acc[k], sizeof lane);
            for (int l = 0; l < FE_SMALL_W; l++) s += lane[l];
            sums[v0 + k] = s;
        }
    }
}

#ifdef FE_AVX2_CODE
/* small_cells at AVX2 for int64 and int32 labels without a column map (the compiler's loops
 * narrow them to bytes through the stack: W7 0.88x the time of those, int32 0.92x): 32 codes
 * x - lo a vector, any code outside [0, 128) leaves a bit above the seventh in `any`, then bytes
 * in order, each checked against its column's span (span - code keeps its sign in a byte).
 * Returns -1 for the other groups. */
static inline __attribute__((always_inline)) FE_TGT __m256i FE_FN(small_i64x8)(const int64_t *x,
                                                                               __m256i lo_a,
                                                                               __m256i lo_b,
                                                                               __m256i *any)
{
    const __m256i a = _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)x), lo_a);
    const __m256i b = _mm256_sub_epi64(_mm256_loadu_si256((const __m256i *)(x + 4)), lo_b);
    *any = _mm256_or_si256(*any, _mm256_or_si256(a, b));
    return _mm256_permutevar8x32_epi32(_mm256_blend_epi32(a, _mm256_slli_epi64(b, 32), 0xaa),
                                       _mm256_setr_epi32(0, 2, 4, 6, 1, 3, 5, 7));
}

/* 32 int32 codes in [0, 128), in order in four vectors, as bytes in order */
static inline __attribute__((always_inline)) FE_TGT __m256i FE_FN(small_bytes)(__m256i c0,
                                                                               __m256i c1,
                                                                               __m256i c2,
                                                                               __m256i c3)
{
    const __m256i w = _mm256_packus_epi32(c0, c1), v = _mm256_packus_epi32(c2, c3);
    return _mm256_permutevar8x32_epi32(_mm256_packus_epi16(w, v),
                                       _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

/* 32 samples from x (int64 or int32) minus lo (lanes: per_lane ? lo[0..31] : lo[0]) as byte codes
 */
#define FE_SMALL_LO(k) (per_lane ? _mm256_loadu_si256((const __m256i *)(lo + (k))) : lo1)
static inline __attribute__((always_inline)) FE_TGT __m256i
FE_FN(small_codes32)(const void *x, int wide, const void *lo_p, int per_lane, __m256i *any)
{
    if (wide) {
        const int64_t *v = (const int64_t *)x, *lo = (const int64_t *)lo_p;
        const __m256i lo1 = _mm256_set1_epi64x(lo[0]);
        __m256i c[4];
        for (int q = 0; q < 4; q++)
            c[q] = FE_FN(small_i64x8)(v + 8 * q, FE_SMALL_LO(8 * q), FE_SMALL_LO(8 * q + 4), any);
        return FE_FN(small_bytes)(c[0], c[1], c[2], c[3]);
    }
    const int32_t *v = (const int32_t *)x, *lo = (const int32_t *)lo_p;
    const __m256i lo1 = _mm256_set1_epi32(lo[0]);
    __m256i c[4];
    for (int q = 0; q < 4; q++) {
        c[q] =
            _mm256_sub_epi32(_mm256_loadu_si256((const __m256i *)(v + 8 * q)), FE_SMALL_LO(8 * q));
        *any = _mm256_or_si256(*any, c[q]);
    }
    return FE_FN(small_bytes)(c[0], c[1], c[2], c[3]);
}
#undef FE_SMALL_LO

FE_TGT static int FE_FN(small_cells_avx2)(const fe_columns *g, Py_ssize_t b, Py_ssize_t len,
                                          Py_ssize_t j, const uint8_t *ys, const uint64_t *lo_w,
                                          const uint8_t *span8, uint8_t *cell, Py_ssize_t m32)
{
    const int wide = g->kind == FE_I64;
    if ((!wide && g->kind != FE_I32) || (g->stride == NULL && g->column != NULL)) return -1;
    const Py_ssize_t m = g->n_cols, size = wide ? 8 : 4;
    const void *lo = wide ? (const void *)g->offset : (const void *)lo_w;
    __m256i any = _mm256_setzero_si256(), bad8 = _mm256_setzero_si256();
    uint64_t tail = 0; /* the scalar rest: a bit above the seventh for a code out of range */
#define FE_SMALL_X(i)                                                                              \
    (wide ? (uint64_t)((const int64_t *)x)[i] : (uint64_t)(int64_t)((const int32_t *)x)[i])
#define FE_SMALL_OFF(c)                                                                            \
    (wide ? (uint64_t)g->offset[c] : (uint64_t)(int64_t)(int32_t)((const uint32_t *)lo_w)[c])
    if (g->stride != NULL) { /* column j, 32 rows a vector */
        const char *x = g->data[j] + b * size;
        const __m256i span = _mm256_set1_epi8((char)span8[j]);
        const void *lo_j =
            wide ? (const void *)(g->offset + j) : (const void *)((const int32_t *)lo_w + j);
        Py_ssize_t r = 0;
        for (; r + 32 <= len; r += 32) {
            const __m256i code = FE_FN(small_codes32)(x + r * size, wide, lo_j, 0, &any);
            bad8 = _mm256_or_si256(bad8, _mm256_sub_epi8(span, code));
            _mm256_storeu_si256(
                (__m256i *)(cell + r),
                _mm256_add_epi8(code, _mm256_loadu_si256((const __m256i *)(ys + r))));
        }
        for (; r < len; r++) {
            const uint64_t code = FE_SMALL_X(r) - FE_SMALL_OFF(j);
            tail |= code > span8[j] ? 128 : 0;
            cell[r] = (uint8_t)((uint8_t)code + ys[r]);
        }
    } else { /* the rows of a matrix, 32 columns a vector */
        /* one offset for every column (labels coded alike): broadcast, not loaded a lane */
        int one_offset = 1;
        for (Py_ssize_t jj = 1; jj < m; jj++) one_offset &= g->offset[jj] == g->offset[0];
        for (Py_ssize_t r = 0; r < len; r++) {
            const char *x = g->data[0] + (b + r) * g->row_stride * size;
            const __m256i t = _mm256_set1_epi8((char)ys[r]);
            uint8_t *c = cell + r * m32;
            /* the last vector ends at column m, over columns of the one before (their cells
             * written again, alike): only rows of fewer than 32 columns take the scalar loop */
            Py_ssize_t jj = 0;
#define FE_SMALL_ROW(PER_LANE)                                                                     \
    for (; jj < m && m >= 32; jj += 32) {                                                          \
        const Py_ssize_t at = m - jj < 32 ? m - 32 : jj;                                           \
        const __m256i code = FE_FN(small_codes32)(                                                 \
            x + at * size, wide, (const char *)lo + (PER_LANE ? at * size : 0), PER_LANE, &any);   \
        bad8 = _mm256_or_si256(                                                                    \
            bad8, _mm256_sub_epi8(_mm256_loadu_si256((const __m256i *)(span8 + at)), code));       \
        _mm256_storeu_si256((__m256i *)(c + at), _mm256_add_epi8(code, t));                        \
    }
            if (one_offset)
                FE_SMALL_ROW(0)
            else
                FE_SMALL_ROW(1)
#undef FE_SMALL_ROW
            for (; jj < m; jj++) {
                const uint64_t code = FE_SMALL_X(jj) - FE_SMALL_OFF(jj);
                tail |= code > span8[jj] ? 128 : 0;
                c[jj] = (uint8_t)((uint8_t)code + ys[r]);
            }
        }
    }
#undef FE_SMALL_X
#undef FE_SMALL_OFF
    return tail != 0 || !_mm256_testz_si256(any, _mm256_set1_epi32(~127)) ||
           _mm256_movemask_epi8(bad8) != 0;
}
#endif

/* The byte cells of a block: C order, row r of the block at cell + r * m32; contiguous columns,
 * column j's rows at cell (ys: S t of each row).  *over gets a nonzero value if a value lies
 * outside its column's range (then the cells are not valid). */
#define FE_SMALL_CELLS_CASE(KIND, T)                                                               \
    case KIND: {                                                                                   \
        typedef FE_CAT(FE_UT, T) fe_ut;                                                            \
        const fe_ut *lo = (const fe_ut *)lo_w;                                                     \
        fe_ut over = 0;                                                                            \
        if (g->stride != NULL) {                                                                   \
            const T *x = (const T *)g->data[j] + b;                                                \
            const fe_ut l = lo[j], s = span8[j];                                                   \
            FE_SIMD(reduction(| : over))                                                           \
            for (Py_ssize_t r = 0; r < len; r++) {                                                 \
                const fe_ut code = (fe_ut)((fe_ut)x[r] - l);                                       \
                over |= (fe_ut)(code > s);                                                         \
                cell[r] = (uint8_t)((uint8_t)code + ys[r]);                                        \
            }                                                                                      \
        } else {                                                                                   \
            for (Py_ssize_t r = 0; r < len; r++) {                                                 \
                const T *x = (const T *)g->data[0] + (b + r) * g->row_stride;                      \
                const uint8_t t = ys[r];                                                           \
                uint8_t *c = cell + r * m32;                                                       \
                if (g->column == NULL) {                                                           \
                    FE_SIMD(reduction(| : over))                                                   \
                    for (Py_ssize_t jj = 0; jj < m; jj++) {                                        \
                        const fe_ut code = (fe_ut)((fe_ut)x[jj] - lo[jj]);                         \
                        over |= (fe_ut)(code > span8[jj]);                                         \
                        c[jj] = (uint8_t)((uint8_t)code + t);                                      \
                    }                                                                              \
                } else {                                                                           \
                    FE_SIMD(reduction(| : over))                                                   \
                    for (Py_ssize_t jj = 0; jj < m; jj++) {                                        \
                        const fe_ut code = (fe_ut)((fe_ut)x[g->column[jj]] - lo[jj]);              \
                        over |= (fe_ut)(code > span8[jj]);                                         \
                        c[jj] = (uint8_t)((uint8_t)code + t);                                      \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        bad = over != 0;                                                                           \
        break;                                                                                     \
    }

FE_TGT static int FE_FN(small_cells)(const fe_columns *g, Py_ssize_t b, Py_ssize_t len,
                                     Py_ssize_t j, const uint8_t *ys, const uint64_t *lo_w,
                                     const uint8_t *span8, uint8_t *cell, Py_ssize_t m32)
{
    const Py_ssize_t m = g->n_cols;
    int bad = 0;
#ifdef FE_AVX2_CODE
    bad = FE_FN(small_cells_avx2)(g, b, len, j, ys, lo_w, span8, cell, m32);
    if (bad >= 0) return bad;
#endif
    switch (g->kind) {
        FE_INT_KINDS(FE_SMALL_CELLS_CASE)
    }
    return bad;
}
#undef FE_SMALL_CELLS_CASE

/* counts (v = t S + code at counts[v * stride]) added to the cells (code, t) of column j's table */
FE_TGT static void FE_FN(small_add)(const fe_columns *g, Py_ssize_t j, Py_ssize_t S, Py_ssize_t n_t,
                                    const uint32_t *counts, Py_ssize_t stride, uint32_t *tables)
{
    const Py_ssize_t levels = (Py_ssize_t)(g->last[j] - g->offset[j]) + 1;
    for (Py_ssize_t t = 0; t < n_t; t++) {
        uint32_t *out =
            tables + (uint64_t)t * (uint64_t)g->step + g->adjust[j] + (uint64_t)g->offset[j];
        for (Py_ssize_t v = 0; v < levels; v++) out[v] += counts[(t * S + v) * stride];
    }
}

/* fe_count_columns_rows for a group of small tables (S = fe_small_levels(g) > 0); returns 0,
 * having counted nothing, if it cannot allocate its buffer. */
FE_TGT static int FE_FN(count_columns_small)(const fe_columns *g, const int32_t *y,
                                             Py_ssize_t start, Py_ssize_t stop, Py_ssize_t S,
                                             uint32_t *tables, Py_ssize_t *status)
{
    const Py_ssize_t m = g->n_cols, m32 = (m + 31) & ~(Py_ssize_t)31;
    const Py_ssize_t n_t = g->n_cells / g->step; /* target levels */
    const int k_cells = (int)(S * n_t);
    const int rows_of_matrix = g->stride == NULL;
    const Py_ssize_t size = fe_kind_bytes(g->kind);
    uint64_t lo_w[FE_BLOCK]; /* the offsets in the kind's width (an array of it) */
    uint8_t span8[FE_BLOCK], ys[FE_SMALL_ROWS];
    uint32_t sums[FE_SMALL_CELLS];
#define FE_SMALL_NARROW(KIND, T)                                                                   \
    case KIND:                                                                                     \
        for (Py_ssize_t j = 0; j < m; j++)                                                         \
            ((FE_CAT(FE_UT, T) *)lo_w)[j] = (FE_CAT(FE_UT, T))g->offset[j];                        \
        break;
    switch (g->kind) {
        FE_INT_KINDS(FE_SMALL_NARROW)
    }
#undef FE_SMALL_NARROW
    for (Py_ssize_t j = 0; j < m; j++) span8[j] = (uint8_t)(g->last[j] - g->offset[j]);
    /* the cells of a block, and for the rows of a matrix the counts of the call (K x m32) */
    const size_t n_counts = rows_of_matrix ? (size_t)k_cells * (size_t)m32 : 0;
    uint32_t *counts = (uint32_t *)calloc(n_counts * sizeof(uint32_t) + FE_SMALL_BUF, 1);
    if (counts == NULL) return 0;
    uint8_t *cell = (uint8_t *)(counts + n_counts);
    memset(cell, 0xff, FE_SMALL_BUF); /* lanes past the last column: no value (K < 255) */
    /* rows a block: byte counters count to 255 a lane */
    const Py_ssize_t rows = !rows_of_matrix            ? FE_SMALL_ROWS
                            : FE_SMALL_BUF / m32 < 255 ? FE_SMALL_BUF / m32
                                                       : 255;
    for (Py_ssize_t b = start; b < stop; b += rows) {
        const Py_ssize_t len = stop - b < rows ? stop - b : rows;
        for (Py_ssize_t r = 0; r < len; r++) ys[r] = (uint8_t)(y ? y[b + r] * S : 0);
        if (rows_of_matrix) { /* the block's rows, then columns a vector */
            if (FE_FN(small_cells)(g, b, len, 0, ys, lo_w, span8, cell, m32))
                for (Py_ssize_t j = 0; j < m; j++)
                    FE_FN(count_checked)(g, y, b, len, j, tables, status);
            else { /* prefetching the next block's rows, as many as this one's at most */
                const Py_ssize_t n_next = stop - (b + len) < len ? stop - (b + len) : len;
                FE_FN(small_count_rows)(cell, len, m32, k_cells, counts,
                                        (uintptr_t)g->data[0] +
                                            (uintptr_t)((b + len) * g->row_stride * size),
                                        n_next * g->row_stride * size);
            }
            continue;
        }
        const Py_ssize_t len_w = (len + FE_SMALL_W - 1) & ~(FE_SMALL_W - 1);
        memset(cell + len, 0xff, (size_t)(len_w - len)); /* no value past the last row */
        for (Py_ssize_t j = 0; j < m; j++) { /* contiguous columns: rows of one a vector */
            if (FE_FN(small_cells)(g, b, len, j, ys, lo_w, span8, cell, m32)) {
                FE_FN(count_checked)(g, y, b, len, j, tables, status);
                continue;
            }
            /* prefetching the next column's rows, or the next block's of the first column */
            const Py_ssize_t nj = j + 1 < m ? j + 1 : 0, nb = j + 1 < m ? b : b + len;
            const Py_ssize_t n_next = stop - nb < len ? stop - nb : len;
            FE_FN(small_count_column)(cell, len_w, k_cells, sums,
                                      (uintptr_t)g->data[nj] +
                                          (uintptr_t)(nb * g->stride[nj] * size),
                                      n_next * g->stride[nj] * size);
            FE_FN(small_add)(g, j, S, n_t, sums, 1, tables);
        }
    }
    for (Py_ssize_t j = 0; j < m && rows_of_matrix; j++)
        FE_FN(small_add)(g, j, S, n_t, counts + j, m32, tables);
    free(counts);
    return 1;
}
#undef FE_SMALL_W
#undef FE_SMALL_V
#endif

/* Rows [start, stop) of a group of columns (fe_count_columns): the cells of a block of rows x
 * columns (<= FE_BLOCK) are computed first -- row by row, vectorised over the columns, when they
 * are adjacent in a C-ordered matrix; column by column, vectorised over the rows, otherwise --
 * checked against the ranges, then counted in row-major order, so that consecutive increments hit
 * different columns' tables.  A block with a value out of range is recounted value by value,
 * skipping those; status[g->first + j] records the first such row of column j (this thread's rows
 * come in increasing order: the first one recorded is its first). */
#define FE_CELLS32(XJ)                                                                             \
    FE_SIMD(reduction(| : any32))                                                                  \
    for (Py_ssize_t j = 0; j < m; j++) {                                                           \
        const uint32_t v = (uint32_t)(int32_t)(XJ);                                                \
        any32 |= (v - off32[j]) | (last32[j] - v);                                                 \
        cell[j] = base + adj32[j] + v;                                                             \
    }
#define FE_ROWS_CASE(KIND, T)                                                                      \
    case KIND: {                                                                                   \
        if (narrow && g->stride != NULL) { /* contiguous columns: 32-bit cells, column-major */    \
            uint32_t any32 = 0, *rb = (uint32_t *)rowbase;                                         \
            for (Py_ssize_t r = 0; r < len; r++)                                                   \
                rb[r] = y ? (uint32_t)y[b + r] * (uint32_t)step : 0;                               \
            for (Py_ssize_t j = 0; j < m; j++) {                                                   \
                const T *x = (const T *)g->data[j] + b;                                            \
                const uint32_t lo = off32[j], hi = last32[j], a = adj32[j];                        \
                uint32_t *cj = idx32 + j * len;                                                    \
                FE_SIMD(reduction(| : any32))                                                      \
                for (Py_ssize_t r = 0; r < len; r++) {                                             \
                    const uint32_t v = (uint32_t)(int32_t)x[r];                                    \
                    any32 |= (v - lo) | (hi - v);                                                  \
                    cj[r] = rb[r] + a + v;                                                         \
                }                                                                                  \
            }                                                                                      \
            any = (uint64_t)any32 << 32;                                                           \
        } else if (narrow) { /* C order (the rows of a matrix), 32-bit cells */                    \
            uint32_t any32 = 0;                                                                    \
            for (Py_ssize_t r = 0; r < len; r++) {                                                 \
                const T *x = (const T *)g->data[0] + (b + r) * g->row_stride;                      \
                const uint32_t base = y ? (uint32_t)y[b + r] * (uint32_t)step : 0;                 \
                uint32_t *cell = idx32 + r * m;                                                    \
                if (g->column == NULL) {                                                           \
                    FE_CELLS32(x[j])                                                               \
                } else {                                                                           \
                    FE_CELLS32(x[g->column[j]])                                                    \
                }                                                                                  \
            }                                                                                      \
            any = (uint64_t)any32 << 32;                                                           \
        } else if (g->stride == NULL && g->column == NULL) {                                       \
            for (Py_ssize_t r = 0; r < len; r++) {                                                 \
                const T *x = (const T *)g->data[0] + (b + r) * g->row_stride;                      \
                const uint64_t base = y ? (uint64_t)y[b + r] * step : 0;                           \
                uint64_t *cell = idx + r * m;                                                      \
                FE_SIMD(reduction(| : any))                                                        \
                for (Py_ssize_t j = 0; j < m; j++) {                                               \
                    int64_t v = (int64_t)x[j];                                                     \
                    any |= ((uint64_t)v - off[j]) | (last[j] - (uint64_t)v);                       \
                    cell[j] = base + adj[j] + (uint64_t)v;                                         \
                }                                                                                  \
            }                                                                                      \
        } else if (g->stride == NULL) {                                                            \
            const Py_ssize_t *col = g->column;                                                     \
            for (Py_ssize_t r = 0; r < len; r++) {                                                 \
                const T *x = (const T *)g->data[0] + (b + r) * g->row_stride;                      \
                const uint64_t base = y ? (uint64_t)y[b + r] * step : 0;                           \
                uint64_t *cell = idx + r * m;                                                      \
                FE_SIMD(reduction(| : any))                                                        \
                for (Py_ssize_t j = 0; j < m; j++) {                                               \
                    int64_t v = (int64_t)x[col[j]];                                                \
                    any |= ((uint64_t)v - off[j]) | (last[j] - (uint64_t)v);                       \
                    cell[j] = base + adj[j] + (uint64_t)v;                                         \
                }                                                                                  \
            }                                                                                      \
        } else {                                                                                   \
            for (Py_ssize_t r = 0; r < len; r++) rowbase[r] = y ? (uint64_t)y[b + r] * step : 0;   \
            for (Py_ssize_t j = 0; j < m; j++) {                                                   \
                const T *x = (const T *)g->data[j] + b * g->stride[j];                             \
                const Py_ssize_t s = g->stride[j];                                                 \
                const uint64_t lo = (uint64_t)off[j], hi = (uint64_t)last[j];                      \
                const uint64_t a = adj[j];                                                         \
                if (s == 1) { /* a contiguous column: plain loads, not a gather */                 \
                    FE_SIMD(reduction(| : any))                                                    \
                    for (Py_ssize_t r = 0; r < len; r++) {                                         \
                        int64_t v = (int64_t)x[r];                                                 \
                        any |= ((uint64_t)v - lo) | (hi - (uint64_t)v);                            \
                        idx[r * m + j] = rowbase[r] + a + (uint64_t)v;                             \
                    }                                                                              \
                    continue;                                                                      \
                }                                                                                  \
                FE_SIMD(reduction(| : any))                                                        \
                for (Py_ssize_t r = 0; r < len; r++) {                                             \
                    int64_t v = (int64_t)x[r * s];                                                 \
                    any |= ((uint64_t)v - lo) | (hi - (uint64_t)v);                                \
                    idx[r * m + j] = rowbase[r] + a + (uint64_t)v;                                 \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
        break;                                                                                     \
    }

/* eight increments (unrolled: 0.8-0.95x the time of W7, C and F order) */
#define FE_ADD8(I, e)                                                                              \
    {                                                                                              \
        for (int u_ = 0; u_ < 8; u_++) tables[(I)[(e) + u_]]++;                                    \
    }
FE_TGT static void FE_FN(fe_count_columns_rows)(const fe_columns *g, const int32_t *y,
                                                Py_ssize_t start, Py_ssize_t stop, uint32_t *tables,
                                                Py_ssize_t *status)
{
    uint64_t idx[FE_BLOCK], rowbase[FE_BLOCK];
    /* m <= FE_BLOCK (the caller splits groups); bitsets: m <= FE_BLOCK / 64 and blocks of the 64
     * rows of one word (starts are multiples of 64), so a block's words stay in L1 */
#if defined(FE_SMALL_CELLS) && !defined(FE_SCALAR_PASS)
    const Py_ssize_t small = fe_small_levels(g, stop - start);
    if (small > 0 && FE_FN(count_columns_small)(g, y, start, stop, small, tables, status)) return;
#endif
    const Py_ssize_t m = g->n_cols, rows = g->bits != NULL ? 64 : FE_BLOCK / m;
    const int64_t *off = g->offset, *last = g->last;
    const uint64_t *adj = g->adjust, step = (uint64_t)g->step;
    /* Labels of at most 32 bits in ranges narrower than 2^31 (codes), in the rows of a matrix or
     * in contiguous columns: the cells in 32 bits (v - offset and last - v keep their sign bits
     * in 32-bit arithmetic), twice the lanes a vector and half the bytes of idx.  W7-int8 (C
     * order) 0.63-0.71x the time at AVX2, int32 0.68-0.74x.  Columns store their cells
     * column-major (vector stores, not a store per element with the row's stride) and are
     * counted row by row, reading them with that stride: F-ordered int8 0.66-0.68x, int32
     * 0.77-0.80x, a DataFrame of int8 columns 0.79-0.81x (int64 columns the same way, with the
     * range check in 64 bits, measured 0.97-1.0x: not done). */
    uint32_t off32[FE_BLOCK], last32[FE_BLOCK], adj32[FE_BLOCK], *idx32 = (uint32_t *)idx;
    int narrow = (g->stride == NULL || g->stride[0] == 1) && g->bits == NULL && g->kind != FE_I64 &&
                 g->kind != FE_U32 && (uint64_t)g->n_cells <= UINT32_MAX;
    for (Py_ssize_t j = 0; narrow && j < m; j++) {
        narrow = off[j] >= INT32_MIN && last[j] <= INT32_MAX && last[j] - off[j] < INT32_MAX;
        off32[j] = (uint32_t)off[j], last32[j] = (uint32_t)last[j], adj32[j] = (uint32_t)adj[j];
    }
    for (Py_ssize_t b = start; b < stop; b += rows) {
        const Py_ssize_t len = stop - b < rows ? stop - b : rows;
        uint64_t any = 0; /* sign bit: a value below its column's offset or above its last */
        switch (g->kind) {
            FE_INT_KINDS(FE_ROWS_CASE)
        }
        any >>= 63;
        if (!any && g->bits != NULL) { /* bitsets: set bit r of word b / 64 of the cell's row */
            uint64_t *word = g->bits + (b >> 6);
            const Py_ssize_t words = g->words;
            /* a column at a time: its levels' words stay in L1 across the 64 rows */
            for (Py_ssize_t j = 0; j < m; j++)
                for (Py_ssize_t r = 0; r < len; r++)
                    word[idx[r * m + j] * words] |= (uint64_t)1 << r;
            continue;
        }
        if (!any) {
            const Py_ssize_t n_idx = len * m;
            Py_ssize_t e = 0;
            /* C order: the next block's rows of X are prefetched while this one's are counted (a
             * line every 8 increments): the hardware prefetcher sees no load of X during the
             * increments, and the next block's cells would start on cache misses.  W7 (int64)
             * 0.8-0.87x the time at AVX2. */
            const Py_ssize_t bytes = fe_kind_bytes(g->kind);
            if (g->stride == NULL && stop - (b + len) >= len) {
                const char *next = g->data[0] + (b + len) * g->row_stride * bytes;
                const Py_ssize_t lines = len * g->row_stride * bytes / FE_LINE;
#define FE_PREFETCH_ADD8(I)                                                                        \
    for (; e + 8 <= n_idx; e += 8) {                                                               \
        if ((e >> 3) < lines) fe_prefetch_line(next + (e >> 3) * FE_LINE);                         \
        FE_ADD8(I, e)                                                                              \
    }
                if (narrow)
                    FE_PREFETCH_ADD8(idx32)
                else
                    FE_PREFETCH_ADD8(idx)
#undef FE_PREFETCH_ADD8
            } else if (g->stride != NULL && g->stride[0] == 1) {
                /* F order (a group's columns share one stride): the rows after this block (the
                 * next chunk's) of each column, line l of column j per step, as integers (past
                 * the end of the array, maybe; prefetches never fault).  W7-F 0.75-0.8x the time
                 * at AVX2. */
                const Py_ssize_t per = len * bytes / FE_LINE;
                Py_ssize_t j = per > 0 ? 0 : m, l = 0;
                uintptr_t col = (uintptr_t)g->data[0] + (uintptr_t)((b + len) * bytes);
#define FE_NEXT_COLUMN_LINE                                                                        \
    if (j < m) {                                                                                   \
        fe_prefetch_line((const void *)(col + (uintptr_t)(l * FE_LINE)));                          \
        if (++l == per && ++j < m)                                                                 \
            l = 0, col = (uintptr_t)g->data[j] + (uintptr_t)((b + len) * bytes);                   \
    }
                if (narrow) { /* column-major 32-bit cells, counted row by row */
                    for (Py_ssize_t r = 0; r < len; r++) {
                        FE_NEXT_COLUMN_LINE
                        FE_NEXT_COLUMN_LINE
                        const uint32_t *ir = idx32 + r;
                        for (Py_ssize_t jj = 0; jj < m; jj++) tables[ir[jj * len]]++;
                    }
                    e = n_idx;
                }
                for (; e + 8 <= n_idx; e += 8) {
                    FE_NEXT_COLUMN_LINE
                    FE_ADD8(idx, e)
                }
#undef FE_NEXT_COLUMN_LINE
            }
            if (narrow)
                for (; e + 8 <= n_idx; e += 8) FE_ADD8(idx32, e)
            else
                for (; e + 8 <= n_idx; e += 8) FE_ADD8(idx, e)
            for (; e < n_idx; e++) tables[narrow ? idx32[e] : idx[e]]++;
            continue;
        }
        for (Py_ssize_t j = 0; j < m; j++) FE_FN(count_checked)(g, y, b, len, j, tables, status);
    }
}
#undef FE_ROWS_CASE
#undef FE_CELLS32
#undef FE_ADD8

#endif /* FE_VPOPCNT_PASS */

/* Bitset counting (repeated sweeps over small alphabets): out[t * step + v] = number of samples
 * with x = v and target = t, as popcount(bits[v] & target[t]) over `words` 64-bit words, for
 * v < kx, t < kt.  Words go in chunks that keep both sets of rows in L1. */
#if defined(FE_X86_DISPATCH) && !defined(FE_SCALAR_PASS) && !defined(FE_VPOPCNT_PASS)
/* AVX2 (and AVX-512 without VPOPCNTQ): no vector popcount instruction, and the scalar POPCNT
 * loop (load, and, popcnt, add a word) runs ~2 cycles a word.  Here 4 words at once: each byte's
 * count from a 16-entry table of nibble counts (vpshufb; Mula, Kurz and Lemire 2018), summed in
 * bytes for up to 31 vectors (at most 8 a byte each) and then into 64-bit lanes (vpsadbw), and
 * FE_BIT_TARGETS targets per loaded word of x. */
#define FE_BIT_TARGETS 4

/* c[i] = popcount(a & b_i) over len words, b_i = b + i * words, for i < nb (constant after
 * inlining: one copy per nb). */
FE_TGT static inline __attribute__((always_inline)) void
FE_FN(fe_and_popcounts)(const uint64_t *a, const uint64_t *b, Py_ssize_t words, Py_ssize_t len,
                        int nb, int64_t *c)
{
    const __m256i table = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                                           2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256();
    __m256i sum[FE_BIT_TARGETS], bytes[FE_BIT_TARGETS];
    for (int i = 0; i < nb; i++) sum[i] = zero;
    Py_ssize_t w = 0;
    while (len - w >= 4) {
        const Py_ssize_t vectors = (len - w) / 4 < 31 ? (len - w) / 4 : 31;
        for (int i = 0; i < nb; i++) bytes[i] = zero;
        for (Py_ssize_t r = 0; r < vectors; r++, w += 4) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(a + w));
            for (int i = 0; i < nb; i++) {
                const __m256i y =
                    _mm256_and_si256(x, _mm256_loadu_si256((const __m256i *)(b + i * words + w)));
                const __m256i lo = _mm256_and_si256(y, low);
                const __m256i hi = _mm256_and_si256(_mm256_srli_epi16(y, 4), low);
                bytes[i] =
                    _mm256_add_epi8(bytes[i], _mm256_add_epi8(_mm256_shuffle_epi8(table, lo),
                                                              _mm256_shuffle_epi8(table, hi)));
            }
        }
        for (int i = 0; i < nb; i++)
            sum[i] = _mm256_add_epi64(sum[i], _mm256_sad_epu8(bytes[i], zero));
    }
    for (int i = 0; i < nb; i++) {
        int64_t lanes[4];
        _mm256_storeu_si256((__m256i *)lanes, sum[i]);
        int64_t total = lanes[0] + lanes[1] + lanes[2] + lanes[3];
        for (Py_ssize_t t = w; t < len; t++) total += fe_popcount64(a[t] & b[i * words + t]);
        c[i] = total;
    }
}

#else
/* The baseline level (no popcount instruction) and AVX-512 with VPOPCNTQ (which the compiler
 * vectorises this loop with): one target row at a time. */
#define FE_BIT_TARGETS 1

FE_TGT static inline void FE_FN(fe_and_popcounts)(const uint64_t *a, const uint64_t *b,
                                                  Py_ssize_t words, Py_ssize_t len, int nb,
                                                  int64_t *c)
{
    (void)words, (void)nb;
    int64_t total = 0;
    FE_SIMD_SUM(total)
    for (Py_ssize_t w = 0; w < len; w++) total += fe_popcount64(a[w] & b[w]);
    c[0] = total;
}
#endif

FE_TGT static void FE_FN(fe_bit_table)(const uint64_t *bits, Py_ssize_t kx, const uint64_t *target,
                                       Py_ssize_t kt, Py_ssize_t words, int64_t *out,
                                       Py_ssize_t step)
{
    int64_t c[FE_BIT_TARGETS];
    for (Py_ssize_t v = 0; v < kx; v++)
        for (Py_ssize_t t = 0; t < kt; t++) out[t * step + v] = 0;
    for (Py_ssize_t w0 = 0; w0 < words; w0 += 256) {
        const Py_ssize_t len = words - w0 < 256 ? words - w0 : 256;
        for (Py_ssize_t v = 0; v < kx; v++) {
            const uint64_t *a = bits + v * words + w0;
            for (Py_ssize_t t = 0; t < kt; t += FE_BIT_TARGETS) {
                const uint64_t *b = target + t * words + w0;
                const int nb = kt - t < FE_BIT_TARGETS ? (int)(kt - t) : FE_BIT_TARGETS;
                switch (nb) {
                case 4:
                    FE_FN(fe_and_popcounts)(a, b, words, len, 4, c);
                    break;
                case 3:
                    FE_FN(fe_and_popcounts)(a, b, words, len, 3, c);
                    break;
                case 2:
                    FE_FN(fe_and_popcounts)(a, b, words, len, 2, c);
                    break;
                default:
                    FE_FN(fe_and_popcounts)(a, b, words, len, 1, c);
                    break;
                }
                for (int i = 0; i < nb; i++) out[(t + i) * step + v] += c[i];
            }
        }
    }
}
#undef FE_BIT_TARGETS
