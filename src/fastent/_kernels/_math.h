/* SPDX-License-Identifier: BSD-3-Clause
 *
 * _math.h -- the inline math and SIMD machinery shared by every fastent kernel.
 *
 * Contents
 *   FE_SIMD_SUM(...)   `omp simd` sum reductions; FE_SIMD(clauses) any `omp simd` (both empty
 *                      without OpenMP >= 4.0 / -fopenmp-simd)
 *   fe_log(x)          branch-free log of positive normal finite doubles (fdlibm/musl), <= 1 ulp
 *                      (its parts fe_log_reduce, fe_log1p_tail(f) = log(1+f) - f;
 *                      sums of weighted logs: fe_log1p_short, fe_ln2_join)
 *   fe_exp(x)          branch-free exp: Cody-Waite reduction to ln2/4, 2^(1/2) picked by parity,
 *                      degree-9 minimax polynomial, <= 1 ulp
 *                      (fe_exp_core: the same without clamping, = fe_exp_finish(fe_exp_reduce);
 *                      float32: fe_expf, fe_log1pf_unit)
 *   fe_logf8(x, &k)    float32 log of eight lanes for sums (AVX2 and AVX-512 passes): an eight-bin
 *                      table held in registers (vpermps), no division
 *   fe_prefetch_ahead  prefetch the next row while computing on this one (fe_spread: a range
 *                      prefetched evenly over a loop that reads no memory of its own)
 *   fe_acc             Neumaier-compensated accumulator for block partial sums
 *   fe_level           SIMD levels; fe_cpu_level() detects the best one the CPU (and OS) supports
 *   FE_OK              the status of a kernel that found no bad data (see below)
 *
 * Hot kernels are written once in a family's `*_impl.h` template and compiled once per
 * (dtype, SIMD level) by `_instantiate.h` with `__attribute__((target(...)))`; the Cython module
 * picks the table of function pointers for the level in use (chosen once at import).  The
 * polynomials only use 64-bit integer add/and/shift and double arithmetic, so they vectorise on
 * SSE2, AVX2 and AVX-512 without libmvec or -ffast-math.  Callers mask the special inputs
 * (0, subnormal, inf, NaN) before calling fe_log/fe_exp so the loops stay branch-free.
 */
#ifndef FASTENT_MATH_H
#define FASTENT_MATH_H

#include <Python.h> /* Py_ssize_t; Cython-generated modules have it already */

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- OpenMP SIMD reductions ------------------------------------------------------------ */
#if (defined(_OPENMP) && _OPENMP >= 201307) || defined(FE_OMP_SIMD)
#define FE_PRAGMA(x) _Pragma(#x)
#define FE_SIMD_SUM(...) FE_PRAGMA(omp simd reduction(+ : __VA_ARGS__))
#define FE_SIMD(...) FE_PRAGMA(omp simd __VA_ARGS__)
#else
#define FE_SIMD_SUM(...)
#define FE_SIMD(...)
#endif

/* ---- OpenMP threads inside a kernel (serial without OpenMP) ------------------------------ */
/* FE_OMP_PARALLEL_FOR: one equal share of the loop per thread; FE_OMP_SHARED_FOR: iterations
 * handed out one at a time (the caller sizes them: FE_THREAD_CHUNK elements or more), and
 * FE_OMP_THREAD the thread running one. */
#if defined(_OPENMP) && defined(_MSC_VER) /* MSVC: __pragma, OpenMP 2.0 (signed int loop) */
#define FE_OMP_PARALLEL_FOR(n) __pragma(omp parallel for num_threads(n) schedule(static))
#define FE_OMP_SHARED_FOR(n) __pragma(omp parallel for num_threads(n) schedule(dynamic))
#elif defined(_OPENMP)
#define FE_OMP_PRAGMA_(x) _Pragma(#x)
#define FE_OMP_PARALLEL_FOR(n) FE_OMP_PRAGMA_(omp parallel for num_threads(n) schedule(static))
#define FE_OMP_SHARED_FOR(n) FE_OMP_PRAGMA_(omp parallel for num_threads(n) schedule(dynamic))
#else
#define FE_OMP_PARALLEL_FOR(n)
#define FE_OMP_SHARED_FOR(n)
#endif
#ifdef _OPENMP
#define FE_OMP_THREAD() omp_get_thread_num()
#else
#define FE_OMP_THREAD() 0
#endif

/* ---- the status of a kernel that checks its data ----------------------------------------
 * Kernels never raise.  One that checks its data returns a Py_ssize_t: FE_OK when every element
 * is valid, else the flat (C-order) index of the first invalid element of its input (for a row
 * that is invalid only as a whole, e.g. one summing to zero, the index of its first element).
 * The Python layer (fastent._core.checks.raise_invalid) turns it into the ValueError. */
enum { FE_OK = -1 };

/* ---- sharing work between threads ----------------------------------------------------------
 * Row and chunk loops hand out about this many elements at a time (OpenMP dynamic schedule): a
 * thread on a slower core (a busy neighbour on a cloud VM, an efficiency core) takes fewer
 * pieces instead of holding up the others with an equal share. */
enum { FE_THREAD_CHUNK = 1 << 16 };
static inline Py_ssize_t
fe_rows_per_chunk(Py_ssize_t row_length) /* rows a thread takes at a time */
{
    return row_length >= FE_THREAD_CHUNK ? 1 : FE_THREAD_CHUNK / (row_length > 0 ? row_length : 1);
}

/* ---- SIMD levels and runtime ISA dispatch ----------------------------------------------- */
typedef enum { FE_LEVEL_BASELINE, FE_LEVEL_AVX2, FE_LEVEL_AVX512, FE_N_LEVELS } fe_level;

#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(FE_NO_DISPATCH)
#define FE_X86_DISPATCH 1
#define FE_TARGET_AVX2 __attribute__((target("avx2,fma,popcnt")))
#define FE_TARGET_AVX512                                                                           \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma,popcnt")))
/* AVX-512 with VPOPCNTQ (Ice Lake, Zen 4 and later): bitset counting only */
#define FE_TARGET_AVX512_VPOPCNT                                                                   \
    __attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx512vpopcntdq,avx2,fma,popcnt")))
#include <immintrin.h> /* fe_logf8; counting's AVX2 cells and popcounts */
#endif

/* FE_CAT(name, suffix): name_suffix after expanding both (kernel names per dtype and level). */
#define FE_CAT_(a, b) a##_##b
#define FE_CAT(a, b) FE_CAT_(a, b)

/* FE_LEVEL_TABLE(MAKE) lists MAKE(level) for the three levels, falling back to the baseline
 * copy where dispatch is not compiled in, for building a family's table of kernels. */
#ifdef FE_X86_DISPATCH
#define FE_LEVEL_TABLE(MAKE) {MAKE(baseline), MAKE(avx2), MAKE(avx512)}
#else
#define FE_LEVEL_TABLE(MAKE) {MAKE(baseline), MAKE(baseline), MAKE(baseline)}
#endif

/* Highest level both the CPU and the OS (saved vector state) support. */
static int fe_cpu_level(void)
{
    int level = FE_LEVEL_BASELINE;
#ifdef FE_X86_DISPATCH
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
        __builtin_cpu_supports("popcnt"))
        level = FE_LEVEL_AVX2;
    if (level == FE_LEVEL_AVX2 && __builtin_cpu_supports("avx512f") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512bw"))
        level = FE_LEVEL_AVX512;
#endif
    return level;
}

static const char *fe_compiler(void)
{
#if defined(__clang__)
    return __VERSION__;
#elif defined(__GNUC__)
    return "GCC " __VERSION__;
#elif defined(_MSC_VER)
#define FE_STR2(x) #x
#define FE_STR(x) FE_STR2(x)
    return "MSVC " FE_STR(_MSC_VER);
#else
    return "unknown";
#endif
}

/* Whether the CPU has AVX-512 VPOPCNTQ (only asked when the AVX-512 level is in use). */
static int fe_cpu_has_vpopcnt(void)
{
#ifdef FE_X86_DISPATCH
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512vpopcntdq");
#else
    return 0;
#endif
}

/* ---- population count of a 64-bit word (bitset counting) -------------------------------- */
#if defined(_MSC_VER) && !defined(__clang__)
static inline int fe_popcount64(uint64_t x)
{
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    return (int)((x * 0x0101010101010101ULL) >> 56);
}
#else
#define fe_popcount64(x) __builtin_popcountll(x)
#endif

/* ---- prefetching the next row ------------------------------------------------------------
 * Row kernels read their row from memory once (a first pass, e.g. the maximum) and then compute
 * on it from cache; meanwhile the memory bus idles.  fe_prefetch_ahead(row, n, done, count)
 * hints that the bytes `count` elements (of `size` bytes) from element n + done of the row will be
 * read soon: for a C-ordered matrix that is the next row, which the arithmetic of this one then
 * overlaps.  Addresses are computed as integers (past the end of the last row is not a C
 * pointer) and prefetches never fault. */
#define FE_LINE 64
#if defined(__GNUC__) || defined(__clang__)
#define fe_prefetch_line(p) __builtin_prefetch((p), 0, 3) /* the line holding byte p */
#else
#define fe_prefetch_line(p) ((void)(p))
#endif
static inline void fe_prefetch_ahead(const void *row, Py_ssize_t n, Py_ssize_t done,
                                     Py_ssize_t count, size_t size)
{
    const uintptr_t start = (uintptr_t)row + (uintptr_t)(n + done) * size;
    const uintptr_t stop = start + (uintptr_t)count * size;
    for (uintptr_t a = start & ~(uintptr_t)(FE_LINE - 1); a < stop; a += FE_LINE)
        fe_prefetch_line((const void *)a);
}

/* A range of bytes prefetched a little at a time over a loop of `steps` iterations that reads
 * no memory of its own (e.g. the next block's input while this block's counts are made):
 * fe_spread_step, once an iteration, issues the lines due by then, so the requests go out evenly
 * (a burst of them fills the miss queues and stalls the loop). */
typedef struct {
    uintptr_t at, end;
    Py_ssize_t lines, steps, due;
} fe_spread;
static inline fe_spread fe_spread_over(uintptr_t start, Py_ssize_t bytes, Py_ssize_t steps)
{
    fe_spread s; /* addresses as integers: the range may pass the end of an array */
    s.at = start & ~(uintptr_t)(FE_LINE - 1);
    s.end = bytes > 0 ? start + (uintptr_t)bytes : s.at;
    s.lines = (Py_ssize_t)((s.end - s.at + FE_LINE - 1) / FE_LINE);
    s.steps = steps > 0 ? steps : 1;
    s.due = 0;
    return s;
}
static inline void fe_spread_step(fe_spread *s)
{
    for (s->due += s->lines; s->due >= s->steps && s->at < s->end; s->due -= s->steps) {
        fe_prefetch_line((const void *)s->at);
        s->at += FE_LINE;
    }
}

/* ---- bit casts -------------------------------------------------------------------------- */
static inline uint64_t fe_asu64(double x)
{
    uint64_t u;
    memcpy(&u, &x, 8);
    return u;
}
static inline double fe_asf64(uint64_t u)
{
    double x;
    memcpy(&x, &u, 8);
    return x;
}

/* ---- log ----------------------------------------------------------------------------------
 * fdlibm/musl algorithm: x = 2^k (1+f) with 1+f in [sqrt(2)/2, sqrt(2)), then
 * log(1+f) = f - hf + s (hf + R(s^2)), s = f / (2 + f), R minimax (Lg1..Lg7), hf = f^2 / 2.
 * Valid for positive, normal, finite x only: the caller masks zero/subnormal/inf/NaN.
 * fe_log_reduce splits x into k (returned, as a double) and f; fe_log1p_tail(f) = log(1 + f) - f
 * = s (hf + R(s^2)) - hf, accurate relative to itself (~f^2 / 2) for f in
 * [sqrt(2)/2 - 1, sqrt(2) - 1): the measures whose terms cancel to second order (KL, JS of close
 * distributions) are built on it. */
static inline double fe_log_reduce(double x, double *f)
{
    const uint64_t off = 0x3fe6a09e00000000ULL; /* ~sqrt(2)/2 */
    uint64_t ix = fe_asu64(x);
    uint64_t u = ix - off;
    uint64_t kb = (u + (1024ULL << 52)) >> 52; /* k + 1024 */
    const double k = fe_asf64(kb | 0x4330000000000000ULL) - (4503599627370496.0 + 1024.0);
    *f = fe_asf64(ix - (u & (0xfffULL << 52))) - 1.0; /* 1 + f in [0.7071, 1.4142) */
    return k;
}

/* fdlibm's R(s^2) = s^2 (Lg1 + s^4 (Lg3 + ...)) + s^4 (Lg2 + ...), given z2 = s^2, w = s^4 (a
 * macro: fe_log keeps the statement order that GCC schedules best, 5% faster than a call to a
 * shared helper) */
#define FE_LOG_R(z2, w)                                                                            \
    ((z2) * (6.666666666666735130e-01 +                                                            \
             (w) * (2.857142874366239149e-01 +                                                     \
                    (w) * (1.818357216161805012e-01 + (w) * 1.479819860511658591e-01))) +          \
     (w) * (3.999999999940941908e-01 +                                                             \
            (w) * (2.222219843214978396e-01 + (w) * 1.531383769920937332e-01)))

#define FE_LN2_HI 6.93147180369123816490e-01 /* ln 2 = FE_LN2_HI + FE_LN2_LO */
#define FE_LN2_LO 1.90821492927058770002e-10

static inline double fe_log(double x)
{
    double f;
    const double k = fe_log_reduce(x, &f);
    double hfsq = 0.5 * f * f;
    double s = f / (2.0 + f);
    double z2 = s * s, w = z2 * z2;
    return s * (hfsq + FE_LOG_R(z2, w)) + k * FE_LN2_LO - hfsq + f + k * FE_LN2_HI;
}

/* fe_log1p_tail given s = f / (2 + f) (or a value within a few ulp of it) */
static inline double fe_log1p_tail_s(double f, double s)
{
    const double hfsq = 0.5 * f * f, z2 = s * s, w = z2 * z2;
    return s * (hfsq + FE_LOG_R(z2, w)) - hfsq;
}

static inline double fe_log1p_tail(double f)
{
    return fe_log1p_tail_s(f, f / (2.0 + f));
}

/* Sums of weighted logs, sum_i w_i log x_i = ln 2 sum_i w_i k_i + sum_i w_i log(1 + f_i) with
 * k_i, f_i = fe_log_reduce(x_i): loops that only need the sum (entropy, cross-entropy) add the
 * two parts apart and join them once, fe_ln2_join(sum w k, sum w fe_log1p_short(f)).
 * fe_log1p_short is 2 s + s R(s^2) without fdlibm's hf correction: <= 2 ulp instead of 1
 * (4e6-point sweep against log1pl), so the sums keep their accuracy, but its dependency chain
 * from the load to the sum is ~20 cycles shorter than fe_log's, and those loops are latency
 * bound (the FP register file holds ~4 iterations of fe_log's 75-cycle chain): entropy at AVX2
 * 1.84 -> 1.2 ns/element. */
static inline double fe_log1p_short(double f)
{
    const double s = f / (2.0 + f), z2 = s * s, w = z2 * z2;
    return s * FE_LOG_R(z2, w) + 2.0 * s;
}

static inline double fe_ln2_join(double tk, double tf)
{
    return tk * FE_LN2_HI + (tk * FE_LN2_LO + tf);
}

/* a b - p exactly, for p = a * b rounded (Dekker's product, Veltkamp's split).  Only where no FMA
 * instruction exists (with one, the compiler could contract the split and break it; use fma). */
static inline double fe_mul_err(double a, double b, double p)
{
    const double split = 134217729.0; /* 2^27 + 1 */
    const double ca = split * a, cb = split * b;
    const double ah = ca - (ca - a), al = a - ah, bh = cb - (cb - b), bl = b - bh;
    return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/* ---- log1p for y in [0, 1] ------------------------------------------------------------------
 * log(u) corrected for the rounding of u = 1 + y (Goldberg): log1p(y) = log(u) - ((u - 1) - y) / u,
 * accurate to ~1 ulp also for tiny y. */
static inline double fe_log1p_unit(double y)
{
    const double u = 1.0 + y;
    return fe_log(u) - ((u - 1.0) - y) / u;
}

/* ---- exp ----------------------------------------------------------------------------------
 * x = k ln2/2 + r with |r| <= ln2/4 (Cody-Waite, two-part ln2/2), exp(x) = 2^floor(k/2) T e^r
 * with T = 1 or sqrt(2) by k's parity: a two-entry table picked by bit masks (no gather, the same
 * code at every level) that halves the range, so a degree-9 minimax polynomial (relative error
 * 0.17 * 2^-53) replaces degree 13; 15% faster logsumexp at AVX2, float64.  fe_exp_core takes x
 * in [-708, 709] only (callers that mask their arguments into that range save the clamps);
 * fe_exp clamps x to it: below that the result flushes to ~exp(-708) (callers that care, e.g.
 * logsumexp, only add such terms to something >= 1).  NaN must be masked by the caller. */
/* fe_exp_core's first half: r with |r| <= ln2/4, and k's bits (returned), x = k ln2/2 + r */
static inline uint64_t fe_exp_reduce(double x, double *r)
{
    const double inv_hln2 = 2.8853900817779268147, hln2_hi = 3.46573590184561908245e-01,
                 hln2_lo = 9.54107464635293850010e-11, shift = 6755399441055744.0; /* 1.5*2^52 */
    double kd = x * inv_hln2 + shift; /* k = round(2x / ln2), kept in the low bits */
    const uint64_t ki = fe_asu64(kd);
    kd -= shift;
    *r = (x - kd * hln2_hi) - kd * hln2_lo;
    return ki;
}

/* fe_exp_core's second half: exp(k ln2/2 + r) from fe_exp_reduce's r and k bits */
static inline double fe_exp_finish(double r, uint64_t ki)
{
    /* e^r = 1 + q, q = r + r^2 P(r), P minimax for (e^r - 1 - r) / r^2 (Estrin) */
    double r2 = r * r, r4 = r2 * r2;
    double c01 = 0.4999999999999844 + r * 0.16666666666666355,
           c23 = 0.04166666667172479 + r * 0.008333333334082286,
           c45 = 0.0013888883800115893 + r * 0.00019841263716082136,
           c67 = 2.4821759861951374e-05 + r * 2.7578079447496895e-06;
    double P = (c01 + r2 * c23) + r4 * (c45 + r2 * c67);
    /* 2^(k/2) = t (1 + c): t = 2^floor(k/2) times 1 or the double nearest sqrt(2), c its
     * rounding (0 or -6.8e-17), picked by k's parity without a branch */
    uint64_t odd = 0 - (ki & 1);
    double t = fe_asf64(0x3ff0000000000000ULL + (odd & 0x6a09e667f3bcdULL) + ((ki >> 1) << 52));
    double q = (r + fe_asf64(odd & 0xbc93b3efbf5e2228ULL)) + r2 * P;
    return t + t * q; /* t is added last: its rounding is the only one of size, < 1 ulp */
}

static inline double fe_exp_core(double x)
{
    double r;
    const uint64_t ki = fe_exp_reduce(x, &r);
    return fe_exp_finish(r, ki);
}

static inline double fe_exp(double x)
{
    x = x < -708.0 ? -708.0 : x;
    return fe_exp_core(x > 709.0 ? 709.0 : x);
}

/* ---- expf ------------------------------------------------------------------------------------
 * float32 exp for the float32 kernels: the same Cody-Waite reduction in float (three-part ln2),
 * degree-7 Taylor polynomial (truncation < 6e-9 on |r| <= ln2/2), 2^k from the exponent bits;
 * fe_expf clamps x to [-87, 88] (normal results), fe_expf_core takes x in that range only.  ~1 ulp;
 * 16 lanes per AVX-512 vector instead of 8. */
static inline uint32_t fe_asu32(float x)
{
    uint32_t u;
    memcpy(&u, &x, 4);
    return u;
}
static inline float fe_asf32(uint32_t u)
{
    float x;
    memcpy(&x, &u, 4);
    return x;
}

/* fe_expf_core's halves, as fe_exp_reduce and fe_exp_finish */
static inline uint32_t fe_expf_reduce(float x, float *r)
{
    const float inv_ln2 = 1.44269504088896341f, ln2_hi = 0.693359375f, ln2_lo = -2.12194440e-4f,
                shift = 12582912.0f; /* 1.5 * 2^23 */
    float kd = x * inv_ln2 + shift;
    const uint32_t ki = fe_asu32(kd);
    kd -= shift;
    *r = (x - kd * ln2_hi) - kd * ln2_lo;
    return ki;
}

static inline float fe_expf_finish(float r, uint32_t ki)
{
    const float p =
        1.0f +
        r * (1.0f +
             r * (0.5f +
                  r * (1.0f / 6 +
                       r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
    return p * fe_asf32((ki + 127u) << 23);
}

static inline float fe_expf_core(float x) /* x in [-87, 88] */
{
    float r;
    const uint32_t ki = fe_expf_reduce(x, &r);
    return fe_expf_finish(r, ki);
}

static inline float fe_expf(float x)
{
    x = x < -87.0f ? -87.0f : x;
    return fe_expf_core(x > 88.0f ? 88.0f : x);
}

/* ---- log1pf for y in [0, 1] -----------------------------------------------------------------
 * log1p(y) for y in [0, 1] in float32 by musl's logf polynomial (1 + y = 2^k (1+f),
 * log(1+f) = f - hf + s (hf + R(s^2)), s = f / (2 + f), R of degree 4), with k and f taken from
 * y itself (no rounded 1 + y, so no correction and no second division), <= 1.4 ulp.  Twice the
 * lanes of fe_log: for the float32 kernels whose accuracy contract (1e-6 relative) float32
 * arithmetic meets. */
static inline float fe_log1pf_unit(float y)
{
    /* 1 + y = 2^k (1 + f) with f in [sqrt(2)/2 - 1, sqrt(2) - 1] straight from y: k = 0, f = y
     * (exact: no rounded 1 + y to correct), or k = 1, f = (y - 1) / 2 */
    const float ln2_hi = 6.9313812256e-01f, ln2_lo = 9.0580006145e-06f, Lg1 = 0.66666662693f,
                Lg2 = 0.40000972152f, Lg3 = 0.28498786688f, Lg4 = 0.24279078841f;
    const int big = y > 0.41421356f;
    const float k = big ? 1.0f : 0.0f, f = big ? (y - 1.0f) * 0.5f : y;
    const float s = f / (2.0f + f), z = s * s, w = z * z;
    const float R = z * (Lg1 + w * Lg3) + w * (Lg2 + w * Lg4), hfsq = 0.5f * f * f;
    return s * (hfsq + R) + k * ln2_lo - hfsq + f + k * ln2_hi;
}

#ifdef FE_X86_DISPATCH
/* ---- float32 log, eight lanes, for sums (the AVX2 and AVX-512 passes) ----------------------
 * x = 2^k m with m in [sqrt(2)/2, sqrt(2)) (k in *k), m = c (1 + r) with c the centre of one of
 * eight bins picked by m's top three bits, its 1/c and log c in registers (vpermps: a table
 * lookup without gathers or a division), r = m (1/c) - 1 in [-0.057, 0.057] by one FMA, and
 * log m = log c + r + r^2 Q(r), Q the degree-3 Chebyshev interpolant of (log1p(r) - r) / r^2 on
 * that interval (0.21 * 2^-24 relative); log c is two floats (hi + lo) so the sum keeps float32
 * accuracy.  Returns log m with |error| <= 2.3 * 2^-24 |log m| (a sweep of every float32 mantissa
 * against logl), exact 0 at m = 1.  Any bit pattern gives a finite result (m stays in range):
 * zero gives k = -127, log m = 0; the caller screens negatives, NaN, inf and subnormals. */
static const float fe_logf8_invc[8] = {0x1.5ab744p+0f, 0x1.3fa85ep+0f, 0x1.28845ep+0f,
                                       0x1.14802cp+0f, 1.0f,           0x1.d0bb0ap-1f,
                                       0x1.a16018p-1f, 0x1.7ac74cp-1f};
static const float fe_logf8_hi[8] = {
    -0x1.369bacp-2f, -0x1.c6ce56p-3f, -0x1.2ce83ap-3f, -0x1.3b89e6p-4f, 0.0f,
    0x1.8cc418p-4f,  0x1.a27c4ep-3f,  0x1.349b2p-2f};
static const float fe_logf8_lo[8] = {
    0x1.ddd6p-30f, -0x1.9f1856p-33f, 0x1.15dafp-28f,   0x1.4e2f02p-29f,
    0.0f,          -0x1.bafd8ep-31f, -0x1.7af10ep-28f, 0x1.4957c4p-27f};

/* The body of fe_logf8 and fe_logf16 (P: the intrinsics' prefix, _mm256 or _mm512; SI: the
 * integer suffix, si256 or si512; VI, VF: the vector types; TABLE(t): the eight-entry table t
 * as a vector, each lane i holding t[i % 8]; PERM(table, bin): the lane of the table that the
 * low three bits of bin pick). */
#define FE_LOGF_BODY(P, SI, VI, VF, TABLE, PERM)                                                   \
    const VI ix = P##_castps_##SI(x), u = P##_sub_epi32(ix, P##_set1_epi32(0x3f3504f3));           \
    const VI bin = P##_srli_epi32(u, 20); /* the permute reads the low three bits */               \
    const VF m =                                                                                   \
        P##_cast##SI##_ps(P##_sub_epi32(ix, P##_and_##SI(u, P##_set1_epi32((int)0xff800000))));    \
    const VF invc = PERM(TABLE(fe_logf8_invc), bin);                                               \
    const VF hi = PERM(TABLE(fe_logf8_hi), bin);                                                   \
    const VF lo = PERM(TABLE(fe_logf8_lo), bin);                                                   \
    const VF r = P##_fmsub_ps(m, invc, P##_set1_ps(1.0f)), r2 = P##_mul_ps(r, r);                  \
    const VF q01 = P##_fmadd_ps(r, P##_set1_ps(0.33333313f), P##_set1_ps(-0.4999998f));            \
    const VF q23 = P##_fmadd_ps(r, P##_set1_ps(0.20046191f), P##_set1_ps(-0.25053886f));           \
    *k = P##_srai_epi32(u, 23);                                                                    \
    return P##_add_ps(hi, P##_fmadd_ps(r2, P##_fmadd_ps(r2, q23, q01), P##_add_ps(r, lo)))

#define FE_LOGF8_PERM(table, bin) _mm256_permutevar8x32_ps(table, bin)
static inline FE_TARGET_AVX2 __m256 fe_logf8(__m256 x, __m256i *k)
{
    FE_LOGF_BODY(_mm256, si256, __m256i, __m256, _mm256_loadu_ps, FE_LOGF8_PERM);
}
#undef FE_LOGF8_PERM

/* fe_logf8 for sixteen lanes (the AVX-512 passes): the same operations lane by lane, so the
 * same logs to the bit; vpermps of a zmm reads four bits of bin, and the tables are repeated. */
#define FE_LOGF16_TABLE(t) _mm512_broadcast_f32x8(_mm256_loadu_ps(t))
#define FE_LOGF16_PERM(table, bin) _mm512_permutexvar_ps(bin, table)
static inline FE_TARGET_AVX512 __m512 fe_logf16(__m512 x, __m512i *k)
{
    FE_LOGF_BODY(_mm512, si512, __m512i, __m512, FE_LOGF16_TABLE, FE_LOGF16_PERM);
}
#undef FE_LOGF16_PERM
#undef FE_LOGF16_TABLE
#undef FE_LOGF_BODY

/* ---- float64 log, eight lanes, for sums (the AVX-512 passes) --------------------------------
 * The table-driven form of fe_log_reduce + fe_log1p_short, without a division: x = 2^k m with m
 * in [0.698, 1.396) (k in *k, as a double), m = c (1 + r) with c one of sixteen bins picked by
 * m's top four bits past the offset, its 1/c and log c in two pairs of registers (vpermt2pd: a
 * table lookup without gathers), r = m (1/c) - 1 in [-0.0299, 0.0299] by one FMA, and
 * log m = log c + r + r^2 Q(r), Q the degree-7 near-minimax fit of (log1p(r) - r) / r^2 there
 * (0.07 * 2^-53 relative; tools/log_table.py makes the table and Q), by Estrin's scheme (after
 * r^2, a chain of three FMAs instead of Horner's seven: JS at AVX-512, two logs an element, 0.91x
 * the time; the same 1.25 ulp).  1/c has 20 significant bits
 * and is picked near the bin's centre so that log c is within 0.005 ulp of a double (Gal's
 * accurate tables), and the bin holding 1 has c = 1, log c = 0: log m is within 1.25 ulp (a
 * 4e6-point sweep against long double), exact 0 at m = 1.  Any bit pattern gives a finite
 * result (m stays in range, and r too): zero gives k = -1023, log m = 0; the caller screens
 * negatives, NaN and inf, and a subnormal x's term x log x is below 2^-1012 (its log m is that
 * of another m, |log m| < 0.36).  Zen 4, rows of 10,000, 1 thread: entropy 0.886x the time of
 * fe_log_reduce + fe_log1p_short (whose division the vectoriser keeps), cross-entropy 0.923x;
 * what is left is ~12 FMA-class operations a vector of eight (1 a cycle on a 256-bit datapath). */
#define FE_LOG8D_OFF 0x3fe6555555555556LL /* bits of 0.69792 (1 lies 2/3 into bin 9) */
static const double fe_log8d_invc[16] = {0x1.66c48p+0, 0x1.57c3p+0,  0x1.49dcap+0, 0x1.3d258p+0,
                                         0x1.31458p+0, 0x1.265bep+0, 0x1.1c1f4p+0, 0x1.12948p+0,
                                         0x1.09b14p+0, 1.0,          0x1.e6968p-1, 0x1.cb462p-1,
                                         0x1.b2f9p-1,  0x1.9d24ap-1, 0x1.894d8p-1, 0x1.7737ep-1};
static const double fe_log8d_logc[16] = {-0x1.5998e5b991412p-2, -0x1.2dd886bc5d4b1p-2,
                                         -0x1.03948e5dd8aa3p-2, -0x1.b6a75109220c5p-3,
                                         -0x1.687f4beb46ed5p-3, -0x1.1df24967c6ee9p-3,
                                         -0x1.aae96f22a94e9p-4, -0x1.1efcffc67ff3ep-4,
                                         -0x1.306dd0f9fa9e7p-5, 0.0,
                                         0x1.a107e2d5d128bp-5,  0x1.bd24f0161b9f0p-4,
                                         0x1.4de8adad20ce4p-3,  0x1.b75bdd0878e96p-3,
                                         0x1.0e132ae1ba344p-2,  0x1.3e46be24271e0p-2};

static inline FE_TARGET_AVX512 __m512d fe_log8d(__m512d x, __m512d *k)
{
    const __m512i ix = _mm512_castpd_si512(x),
                  u = _mm512_sub_epi64(ix, _mm512_set1_epi64(FE_LOG8D_OFF));
    const __m512i bin = _mm512_srli_epi64(u, 48); /* vpermt2pd reads the low four bits */
    const __m512d m = _mm512_castsi512_pd(_mm512_sub_epi64(
        ix, _mm512_and_si512(u, _mm512_set1_epi64((long long)0xfff0000000000000ULL))));
    const __m512d invc = _mm512_permutex2var_pd(_mm512_loadu_pd(fe_log8d_invc), bin,
                                                _mm512_loadu_pd(fe_log8d_invc + 8));
    const __m512d logc = _mm512_permutex2var_pd(_mm512_loadu_pd(fe_log8d_logc), bin,
                                                _mm512_loadu_pd(fe_log8d_logc + 8));
    const __m512d r = _mm512_fmsub_pd(m, invc, _mm512_set1_pd(1.0));
    const __m512d r2 = _mm512_mul_pd(r, r), r4 = _mm512_mul_pd(r2, r2);
    const __m512d q01 = _mm512_fmadd_pd(r, _mm512_set1_pd(0x1.555555555550fp-2),
                                        _mm512_set1_pd(-0x1.fffffffffffd8p-2));
    const __m512d q23 = _mm512_fmadd_pd(r, _mm512_set1_pd(0x1.9999999b13561p-3),
                                        _mm512_set1_pd(-0x1.00000000919cep-2));
    const __m512d q45 = _mm512_fmadd_pd(r, _mm512_set1_pd(0x1.2492357d3d68cp-3),
                                        _mm512_set1_pd(-0x1.5555435c7f67fp-3));
    const __m512d q67 = _mm512_fmadd_pd(r, _mm512_set1_pd(0x1.c7eaa74ea1d54p-4),
                                        _mm512_set1_pd(-0x1.00691fb255c8ep-3));
    const __m512d q =
        _mm512_fmadd_pd(_mm512_fmadd_pd(q67, r2, q45), r4, _mm512_fmadd_pd(q23, r2, q01));
    *k = _mm512_cvtepi64_pd(_mm512_srai_epi64(u, 52));
    return _mm512_add_pd(logc, _mm512_fmadd_pd(r2, q, r));
}
#endif

/* ---- compensated accumulation of block sums ----------------------------------------------
 * Kernels sum FE_BLOCK elements at a time with an `omp simd` reduction (8-16 partial sums,
 * error ~1e-16 * sqrt(block)), then add each block's sum here (Neumaier), so accuracy does not
 * degrade with row length (rows of 1e7+ elements stay at ~1e-16 relative). */
#define FE_BLOCK 2048

typedef struct {
    double sum, comp;
} fe_acc;

/* The step's rounding error c = (sum + x) - t, exact, by Knuth's TwoSum (no comparison of
 * magnitudes to branch on: Neumaier's form, which picks (sum - t) + x or (x - t) + sum by the
 * larger, gives the same c; its branch mispredicts on terms of mixed sizes and signs: the
 * plug-in MI of 2,000-100,000 tables of 20-80 cells 0.67-0.73x the time, the other estimators
 * 0.82-0.94x, the same values).  Once the sum is infinite (an infinite term, or overflow) the
 * correction of that step is inf - inf = NaN: it is dropped, so the sum stays +-inf (IEEE:
 * inf + -inf is NaN all the same). */
static inline void fe_acc_add(fe_acc *a, double x)
{
    const double t = a->sum + x, bp = t - a->sum;
    const double c = (a->sum - (t - bp)) + (x - bp);
    a->comp += isfinite(t) ? c : 0.0;
    a->sum = t;
}

static inline double fe_acc_value(const fe_acc *a)
{
    return a->sum + a->comp;
}

#endif /* FASTENT_MATH_H */
