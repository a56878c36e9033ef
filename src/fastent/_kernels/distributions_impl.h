/* SPDX-License-Identifier: BSD-3-Clause
 *
 * distributions_impl.h -- row kernels of fastent.distributions, a template instantiated by
 * _instantiate.h once per (dtype FE_T, SIMD level).  No include guard on purpose.
 *
 * Every row kernel takes one unnormalised row (p, and q for the two-argument measures) of n
 * elements and returns the measure in nats of the rows normalised to sum 1, or NaN when the row
 * is invalid (negative, NaN or infinite element, or a zero sum); the driver then reports the
 * first invalid element of the first invalid row (FE_DT(first_invalid)) as its status.  The fast
 * path is one branch-free pass: normalisation, validation (a count of "special" elements) and the
 * sums are fused, zeros and subnormals are masked out of the log (0 log 0 = 0).  A row with any
 * special element, or a sum outside [FE_SAFE_MIN, FE_SAFE_MAX], is recomputed by the scalar libm
 * path (`*_careful`), which scales by the maximum before normalising and so handles subnormals,
 * huge values and q = 0 < p (inf).
 */
#define FE_SAFE_MIN 1e-200
#define FE_SAFE_MAX 1e200
#define FE_SAFE_SUM(s) ((s) >= FE_SAFE_MIN && (s) <= FE_SAFE_MAX)
#define FE_NSUMS 6
/* Whether the sums of a two-argument pass (Sp, Sq, ..., #special in sums[3]) can give the
 * measure: no special element, both sums in the safe range. */
#define FE_PAIR_SANE(s) ((s)[3] == 0.0 && FE_SAFE_SUM((s)[0]) && FE_SAFE_SUM((s)[1]))
/* What a value function (the first pass's sums -> the measure) returns where the sums cannot give
 * the measure: the row takes the careful path, or a second pass at the rows' sum ratio. */
#define FE_CAREFUL (-1.0)
#define FE_AGAIN (-2.0)
/* Whether a fused one-pass value v = log S - T / S (or T / S + log(S' / S)) keeps 1e-12 relative
 * accuracy, with a = |log S| + |T / S|: the pass's rounding is below ~2^-40 a + 2^-43 (block sums
 * of up to 128 terms a lane, the rounding of S inside log S), and the terms' own cancellation
 * inside T is below 3a (positive terms p log x need x > 1, and x <= S bounds them by S log S);
 * else the row takes the careful path. */
#define FE_ACCURATE(v, a) ((v) >= (a) * 0x1p-6 + 0x1p-10)
/* FE_LOG8D: 1 in the pass whose float64 entropy and cross-entropy take their logs by fe_log8d
 * (float64 input at the AVX-512 level) */
#if FE_IS_F64 && defined(FE_AVX512_PASS)
#define FE_LOG8D 1
#else
#define FE_LOG8D 0
#endif
/* FE_F32_LOGS: 1 in the passes whose float32 entropy and cross-entropy take their logs in float32
 * (fe_logf8: float32 input at the AVX2 and AVX-512 levels), held to the float32 contract by
 * fe_float32_logs_value; FE_F32_VALUES: the pass that defines those value functions */
#if FE_IS_F64
#define FE_F32_LOGS 0
#define FE_F32_VALUES 0
#elif defined(FE_SCALAR_PASS)
#define FE_F32_LOGS 0
#define FE_F32_VALUES 1
#else
#define FE_F32_LOGS 1
#define FE_F32_VALUES 0
#endif

/* ---- the per-element terms of KL and JS, once per level ----------------------------------
 * Both measures are sums of terms that cancel to second order where p ~ q (p log(p / q) changes
 * sign around q; the sum is ~ sum (p - q)^2 / q): each is computed here as one non-negative term
 * that keeps its relative accuracy, so the sums do not cancel and close distributions (drift
 * monitoring, distillation, a model against its last checkpoint) stay on the fast path.  rho
 * scales x (the rows' sum ratio; 1 in a first pass), and x rho - y is rounded once. */
static inline FE_TGT double FE_FN(mul_sub)(double x, double rho, double y)
{
#if FE_FMA
    return fma(x, rho, -y);
#else
    const double xr = x * rho;
    return (xr - y) + fe_mul_err(x, rho, xr);
#endif
}

/* t = x rho / y, and *d = t - 1 = (x rho - y) / y from the once-rounded numerator. */
static inline FE_TGT double FE_FN(kl_ratio)(double x, double y, double rho, double *d)
{
    const double iy = 1.0 / y;
    *d = FE_FN(mul_sub)(x, rho, y) * iy;
    return x * rho * iy;
}

/* y g(t), g(t) = t log t - (t - 1) >= 0, for t in the normal range and d = t - 1 (kl_ratio): summed
 * over rows x rho and y of equal sums (t = x rho / y), their KL divergence (the Bregman form:
 * sum y g(x rho / y) = sum x rho log(x rho / y)).  Near t = 1, where t log t and t - 1 cancel to
 * ~d^2 / 2, g = d^2 + (1 + d) tail(d), with log(1 + d) = d + tail(d) taken from d itself; away
 * from it y g = (y t) log t - y d (t log t alone may overflow).  Returned in two parts, as the
 * entropy's sums: y g = ln 2 (*ytk) + the value, *ytk = (y t) k (0 near 1, where k = 0), so that
 * loops sum ln 2 k apart (fe_ln2_join), off the term's dependency chain. */
static inline FE_TGT double FE_FN(kl_term)(double t, double d, double y, double *ytk)
{
    double f;
    const double k = fe_log_reduce(t, &f);
    const int near = k == 0.0; /* t in [sqrt(2)/2, sqrt(2)) */
    f = near ? d : f;
    const double tail = fe_log1p_tail(f);
    *ytk = (y * t) * k;
    return near ? y * (d * d + (1.0 + d) * tail) : (y * t) * (f + tail) - y * d;
}

/* phi(v) = (1 + v) log(1 + v) + (1 - v) log(1 - v) >= 0 for v = |u| in [0, 1], u = (a - c) / (a +
 * c): summed as (a + c) phi(u) over rows a and c of equal sums, 4 times their JS divergence
 * (a log(2a / (a + c)) + c log(2c / (a + c)) = (a + c) phi(u) / 2).  Near v = 0, where the two
 * products cancel to ~v^2, log(1 +- v) = +-v + tail(+-v) comes from +-v itself and the products'
 * leading parts add exactly: (f1 + f2) + v (f1 - f2) = 2 v^2.  The two tails share one division,
 * s_i = f_i / (2 + f_i) from 1 / ((2 + f1)(2 + f2)) (2 ulp of s_i instead of 0.5, ~0.4 ulp of a
 * tail): two divisions an element instead of three, JS 12% faster at AVX2. */
static inline FE_TGT double FE_FN(js_phi)(double v)
{
    const int big = v >= 0.41421356237309503; /* 1 + v >= sqrt(2): log(1 + v) = ln 2 + log1p(f1) */
    const double um = 1.0 - v;
    double f1 = big ? 0.5 * (v - 1.0) : v, f2;
    const double k1 = big ? 1.0 : 0.0;
    const double k2 = fe_log_reduce(um > DBL_MIN ? um : DBL_MIN, &f2); /* um = 0: weight 0 */
    /* v <= 0.29: 1 - v >= 0.71, k2 = 0 (a test of k2 itself lets GCC thread it: two tails) */
    f2 = v <= 0.29 ? -v : f2;
    const double ln2 = FE_LN2_HI + FE_LN2_LO;
    const double a1 = 2.0 + f1, a2 = 2.0 + f2, inv = 1.0 / (a1 * a2);
    const double p1 = (1.0 + v) * (k1 * ln2 + fe_log1p_tail_s(f1, f1 * a2 * inv));
    const double p2 = um * (k2 * ln2 + fe_log1p_tail_s(f2, f2 * a1 * inv));
    return ((f1 + f2) + v * (f1 - f2)) + (p1 + p2); /* lead: (1 + v) f1 + (1 - v) f2 */
}

#ifdef FE_SCALAR_PASS
/* ---- scalar paths, once per dtype ------------------------------------------------------- */

/* Scale of a row: its maximum mx, and R = sum(p / mx) - 1 summed without the element at the
 * maximum (so a small R keeps its digits).  Returns 0 for an invalid or all-zero row. */
static int FE_DT(row_scale)(const FE_T *p, Py_ssize_t n, double *mx, double *rest)
{
    double m = 0.0;
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i];
        if (!(x >= 0.0 && x <= DBL_MAX)) return 0;
        if (x > m) m = x, at = i;
    }
    if (m == 0.0) return 0;
    fe_acc s = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++)
        if (i != at) fe_acc_add(&s, (double)p[i] / m);
    *mx = m;
    *rest = fe_acc_value(&s);
    return 1;
}

/* H(p) = log1p(R) + sum_i r_i log(1 / r_i) / (1 + R), r = p / max p, R = sum r - 1: two
 * non-negative terms, so no cancellation, also where one element dominates the row (the
 * fused one-pass form log S - sum p log p / S cancels there: entropy([2**53, 1]) = 4.2e-15). */
static double FE_DT(entropy_careful)(const FE_T *p, Py_ssize_t n)
{
    double mx, rest;
    if (!FE_DT(row_scale)(p, n, &mx, &rest)) return NAN;
    fe_acc h = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double r = (double)p[i] / mx;
        if (r > 0.0 && r < 1.0) fe_acc_add(&h, -r * log(r));
    }
    return log1p(rest) + fe_acc_value(&h) / (1.0 + rest);
}

/* log(x / y) for x, y > 0 (either may be subnormal, the ratio out of range). */
static double FE_DT(log_ratio)(double x, double y)
{
    const double r = x / y;
    return (r >= DBL_MIN && r <= DBL_MAX) ? log(r) : log(x) - log(y);
}

/* The first i where p[i] (or q[i], q may be NULL) is negative, NaN or infinite; 0 when there is
 * none (the row is invalid as a whole: it sums to zero). */
static Py_ssize_t FE_DT(first_invalid)(const FE_T *p, const FE_T *q, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++)
        if (!((double)p[i] >= 0.0 && (double)p[i] <= DBL_MAX) ||
            (q && !((double)q[i] >= 0.0 && (double)q[i] <= DBL_MAX)))
            return i;
    return 0;
}

/* The two-argument measures of rows that the fused pass cannot take (a special element, sums out
 * of range, or a value that cancels): each scaled by its maximum first (r = p / max p, R = sum r -
 * 1, as row_scale), so that a = p / Sp = r / (1 + R), b = q / Sq, then
 *   cross-entropy  H(p, q) = log1p(Rq) + sum_i a_i log(max q / q_i)
 *   KL             D(p || q) = sum_i b_i g(a_i / b_i),  g(t) = t log t - (t - 1) (kl_term; where
 *                  a or b is subnormal, a log(a / b) - a + b from p and q)
 *   JS             1/4 sum_i (a_i + b_i) phi(u_i) (js_phi)
 * The cross-entropy and KL forms add non-negative terms only: no cancellation.  Logarithms come
 * from p and q themselves (log(a / b) = log(p / q) - log(Sp / Sq)), so a probability that
 * underflows (q = 1e-300 beside 1e300) still counts; zeros are read from p and q too. */
static double FE_DT(pair_careful)(fe_pair_kind kind, const FE_T *p, const FE_T *q, Py_ssize_t n)
{
    double mp, rp, mq, rq;
    if (!FE_DT(row_scale)(p, n, &mp, &rp) || !FE_DT(row_scale)(q, n, &mq, &rq)) return NAN;
    const double sp = 1.0 + rp, sq = 1.0 + rq;
    const double shift = FE_DT(log_ratio)(mp, mq) + (log1p(rp) - log1p(rq)); /* log(Sp / Sq) */
    fe_acc acc = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i], y = (double)q[i];
        const double a = (x / mp) / sp, b = (y / mq) / sq;
        double t = 0.0;
        if (kind == FE_JS_DIVERGENCE) {
            if (a + b > 0.0) t = 0.25 * (a + b) * FE_FN(js_phi)(fabs((a - b) / (a + b)));
        } else if (y == 0.0) {
            if (x > 0.0) return INFINITY;
        } else if (kind == FE_CROSS_ENTROPY) {
            if (x > 0.0 && y < mq) t = a * FE_DT(log_ratio)(mq, y);
        } else if (x == 0.0) {
            t = b; /* 0 log 0 - 0 + b */
        } else if (a >= DBL_MIN && b >= DBL_MIN && a / b >= DBL_MIN && a / b <= DBL_MAX) {
            double d, bk;
            const double r = FE_FN(kl_ratio)(a, b, 1.0, &d), g = FE_FN(kl_term)(r, d, b, &bk);
            t = fe_ln2_join(bk, g);
        } else {
            t = a * (FE_DT(log_ratio)(x, y) - shift) - a + b;
        }
        fe_acc_add(&acc, t);
    }
    if (kind == FE_CROSS_ENTROPY) return log1p(rq) + fe_acc_value(&acc);
    return fmax(fe_acc_value(&acc), 0.0); /* KL and JS >= 0 */
}

/* Element-wise maps: return the index of the first element outside [0, 1] (or NaN), else -1. */
static Py_ssize_t FE_DT(binary_entropy_map)(const FE_T *p, FE_T *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i];
        if (!(x >= 0.0 && x <= 1.0)) return i;
        const double y = x <= 0.5 ? x : 1.0 - x; /* h(x) = h(1 - x); 1 - x is exact for x >= 1/2 */
        out[i] = (FE_T)(y > 0.0 ? -y * log(y) - (1.0 - y) * log1p(-y) : 0.0);
    }
    return -1;
}

static Py_ssize_t FE_DT(self_information_map)(const FE_T *p, FE_T *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i];
        if (!(x >= 0.0 && x <= 1.0)) return i;
        out[i] = (FE_T)(x > 0.0 ? 0.0 - log(x) : INFINITY); /* 0 - log 1 = +0 */
    }
    return -1;
}
#endif /* FE_SCALAR_PASS */

/* ---- SIMD row kernels, once per dtype and level ------------------------------------------ */

/* The row kernels share one driver: a kernel's block function sums up to FE_NSUMS quantities over
 * elements [b, e) with an `omp simd` reduction (c0, c1: per-row constants it may use), and
 * FE_FN(row_sums) adds the block results with compensation, so accuracy holds for any row length.
 * Validation inside the blocks is one compare per input (x >= 0 also rejects NaN); infinities
 * surface as a non-finite sum, which fails the [FE_SAFE_MIN, FE_SAFE_MAX] check.  Conditions in
 * the loops combine with `&`, not `&&`: short-circuit evaluation lets GCC 12 turn the loads into
 * masked loads, which it miscompiled for float32 input at AVX2 (a crash, caught by the tests). */
#ifdef FE_SCALAR_PASS
typedef void (*FE_DT(block_fn))(const FE_T *, const FE_T *, Py_ssize_t, Py_ssize_t, double, double,
                                double *);
#endif

static FE_TGT void FE_FN(row_sums)(FE_DT(block_fn) block, const FE_T *p, const FE_T *q,
                                   Py_ssize_t n, double c0, double c1, double sums[FE_NSUMS])
{
    fe_acc acc[FE_NSUMS] = {{0.0, 0.0}};
    for (Py_ssize_t b = 0; b < n; b += FE_BLOCK) {
        double part[FE_NSUMS] = {0.0};
        block(p, q, b, n - b < FE_BLOCK ? n : b + FE_BLOCK, c0, c1, part);
        for (int k = 0; k < FE_NSUMS; k++) fe_acc_add(&acc[k], part[k]);
    }
    for (int k = 0; k < FE_NSUMS; k++) sums[k] = fe_acc_value(&acc[k]);
}

#ifdef FE_SCALAR_PASS
typedef void (*FE_DT(sums_fn))(FE_DT(block_fn), const FE_T *, const FE_T *, Py_ssize_t, double,
                               double, double *);

/* row_sums over one long row with n_threads threads: the row is cut into block-aligned chunks,
 * one per thread, each summed by `serial` (the row_sums of the SIMD level in use), and the chunk
 * results are added in chunk order, so the result is deterministic for a given n_threads.  The
 * parallel region lives here, in untargeted code, and calls the targeted code by pointer. */
#define FE_MAX_CHUNKS 64
static void FE_DT(row_sums_threaded)(FE_DT(sums_fn) serial, FE_DT(block_fn) block, const FE_T *p,
                                     const FE_T *q, Py_ssize_t n, double c0, double c1,
                                     int n_threads, double sums[FE_NSUMS])
{
    const Py_ssize_t nblocks = (n + FE_BLOCK - 1) / FE_BLOCK;
    int nt = n_threads < FE_MAX_CHUNKS ? n_threads : FE_MAX_CHUNKS;
    nt = nt < nblocks ? nt : (int)nblocks;
    if (nt <= 1) {
        serial(block, p, q, n, c0, c1, sums);
        return;
    }
    double part[FE_MAX_CHUNKS][FE_NSUMS];
    FE_OMP_PARALLEL_FOR(nt)
    for (int t = 0; t < nt; t++) {
        const Py_ssize_t lo = nblocks * t / nt * FE_BLOCK, hi = nblocks * (t + 1) / nt * FE_BLOCK;
        serial(block, p + lo, q + lo, (hi < n ? hi : n) - lo, c0, c1, part[t]);
    }
    fe_acc acc[FE_NSUMS] = {{0.0, 0.0}};
    for (int t = 0; t < nt; t++)
        for (int k = 0; k < FE_NSUMS; k++) fe_acc_add(&acc[k], part[t][k]);
    for (int k = 0; k < FE_NSUMS; k++) sums[k] = fe_acc_value(&acc[k]);
}
#undef FE_MAX_CHUNKS
#endif

/* w log y = ln 2 (w k) + w log(1 + f) (fe_log1p_short): the two sums of one term of the entropy
 * (w = y) and the cross-entropy.  Any y gives finite k and f (fe_log_reduce reads any bits into
 * them: zero gives k = -1023, f = 0; a subnormal some f in [-1/2, 1)); where y < DBL_MIN, w = 0
 * (0 log 0 = 0; for the entropy a subnormal w's term is below 2^-1012), or the row is special.
 * Not clamping y to DBL_MIN saves a compare and two blends a vector: W1 at AVX2 0.92x the time. */
static inline FE_TGT void FE_FN(log_terms)(double w, double y, double *wk, double *wf)
{
    double f;
    const double k = fe_log_reduce(y, &f);
    *wk = w * k;
    *wf = w * fe_log1p_short(f);
}

#if FE_F32_LOGS
/* The low (h = 0) or high (h = 1) four lanes of v as float64 */
static inline FE_TGT __m256d FE_FN(half_pd)(__m256 v, int h)
{
    return _mm256_cvtps_pd(h == 0 ? _mm256_castps256_ps128(v) : _mm256_extractf128_ps(v, 1));
}

/* half_pd(v, h) of v, the r floats at p (load8): where all eight are there, straight from memory
 * (a load-convert instead of a vextractf128 and a convert, which share the pipes of the logs'
 * permutes).  Zen 5, float32, 1 thread, ns an element, AVX2 | AVX-512: entropy along axis 0
 * 0.42 -> 0.37 | 0.23 -> 0.21, the cross-entropy's columns 0.68 -> 0.55 | 0.57 -> 0.53, its rows
 * 0.54 -> 0.49 | 0.50 -> 0.47. */
static inline FE_TGT __m256d FE_FN(half_at)(const float *p, Py_ssize_t r, __m256 v, int h)
{
    return r >= 8 ? _mm256_cvtps_pd(_mm_loadu_ps(p + 4 * h)) : FE_FN(half_pd)(v, h);
}

/* The terms of log_terms for eight float32 x at once, x the r floats at p (load8), the log in
 * float32 (fe_logf8: twice the lanes of the float64 log, no division): t[h], t[2 + h], t[4 + h] =
 * x, k, log m as float64, for the low (h = 0) and high (h = 1) four lanes; w log x = ln 2 (w k) +
 * w log m.  Zero gives log m = 0: it adds nothing. */
static inline FE_TGT void FE_FN(logf8_terms)(__m256 x, const float *p, Py_ssize_t r, __m256d t[6])
{
    __m256i k;
    const __m256 lm = fe_logf8(x, &k);
    t[0] = FE_FN(half_at)(p, r, x, 0);
    t[1] = FE_FN(half_at)(p, r, x, 1);
    t[2] = _mm256_cvtepi32_pd(_mm256_castsi256_si128(k));
    t[3] = _mm256_cvtepi32_pd(_mm256_extracti128_si256(k, 1));
    t[4] = FE_FN(half_pd)(lm, 0);
    t[5] = FE_FN(half_pd)(lm, 1);
}

#ifdef FE_AVX512_PASS
/* logf8_terms for sixteen lanes (fe_logf16; x the r floats at p, the lanes past r zero): t[h],
 * t[2 + h], t[4 + h] for the low (h = 0) and high (h = 1) eight lanes */
static inline FE_TGT void FE_FN(logf16_terms)(__m512 x, const float *p, Py_ssize_t r, __m512d t[6])
{
    __m512i k;
    const __m512 lm = fe_logf16(x, &k);
    t[0] =
        r >= 16 ? _mm512_cvtps_pd(_mm256_loadu_ps(p)) : _mm512_cvtps_pd(_mm512_castps512_ps256(x));
    t[1] = r >= 16 ? _mm512_cvtps_pd(_mm256_loadu_ps(p + 8))
                   : _mm512_cvtps_pd(_mm512_extractf32x8_ps(x, 1));
    t[2] = _mm512_cvtepi32_pd(_mm512_castsi512_si256(k));
    t[3] = _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(k, 1));
    t[4] = _mm512_cvtps_pd(_mm512_castps512_ps256(lm));
    t[5] = _mm512_cvtps_pd(_mm512_extractf32x8_ps(lm, 1));
}
#endif

/* The r floats at p, eight at most, the lanes past r zero (a masked load: nothing past p + r is
 * read; zeros add nothing to the sums) */
static inline FE_TGT __m256 FE_FN(load8)(const float *p, Py_ssize_t r)
{
    if (r >= 8) return _mm256_loadu_ps(p);
    return _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)r),
                                                    _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)));
}

/* 1 in the lanes where p = x, q = y make the cross-entropy special (a bad element, or q below
 * FLT_MIN where p > 0: fe_logf8 reads a subnormal q as 2^-127 m), else 0 */
static inline FE_TGT __m256 FE_FN(xent_special8)(__m256 x, __m256 y)
{
    const __m256 zero = _mm256_setzero_ps();
    const __m256 least = _mm256_and_ps(_mm256_cmp_ps(x, zero, _CMP_GT_OQ), _mm256_set1_ps(FLT_MIN));
    const __m256 ok =
        _mm256_and_ps(_mm256_cmp_ps(x, zero, _CMP_GE_OQ), _mm256_cmp_ps(y, least, _CMP_GE_OQ));
    return _mm256_andnot_ps(ok, _mm256_set1_ps(1.0f));
}

/* The sum of the eight float64 lanes of a and b */
static inline FE_TGT double FE_FN(sum8_pd)(__m256d a, __m256d b)
{
    double lanes[4];
    _mm256_storeu_pd(lanes, _mm256_add_pd(a, b));
    return (lanes[0] + lanes[1]) + (lanes[2] + lanes[3]);
}

/* entropy_block for float32 input at the AVX2 and AVX-512 levels (logf8_terms, the last partial
 * vector by a masked load), the sums in float64 lanes; sums[3]: the number of elements, for
 * entropy_value32's error bound. */
static FE_TGT void FE_FN(entropy_block32)(const float *p, const float *q, Py_ssize_t b,
                                          Py_ssize_t e, double c0, double c1, double *out)
{
    __m256d acc[6] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(),
                      _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd()};
    __m256 lo = _mm256_setzero_ps();
    float lo4[4];
    (void)q, (void)c0, (void)c1;
    for (Py_ssize_t i = b; i < e; i += 8) {
        __m256d t[6];
        const __m256 x = FE_FN(load8)(p + i, e - i);
        FE_FN(logf8_terms)(x, p + i, e - i, t);
        lo = _mm256_min_ps(lo, x);
        for (int h = 0; h < 2; h++) {
            acc[h] = _mm256_add_pd(acc[h], t[h]);
            acc[2 + h] = _mm256_fmadd_pd(t[h], t[2 + h], acc[2 + h]);
            acc[4 + h] = _mm256_fmadd_pd(t[h], t[4 + h], acc[4 + h]);
        }
    }
    for (int j = 0; j < 3; j++) out[j] = FE_FN(sum8_pd)(acc[2 * j], acc[2 * j + 1]);
    _mm_storeu_ps(lo4, _mm_min_ps(_mm256_castps256_ps128(lo), _mm256_extractf128_ps(lo, 1)));
    out[1] = fe_ln2_join(out[1], out[2]);
    out[2] = fminf(fminf(lo4[0], lo4[1]), fminf(lo4[2], lo4[3])) < 0.0f;
    out[3] = (double)(e - b);
}
#endif

#ifdef FE_AVX512_PASS
/* The r elements at p, eight at most, as float64, the lanes past r zero (a masked load: nothing
 * past p + r is read; zeros add nothing to the sums) */
static inline FE_TGT __m512d FE_FN(load8d)(const FE_T *p, Py_ssize_t r)
{
    const __mmask8 live = (__mmask8)((1u << (r >= 8 ? 8 : r)) - 1);
#if FE_IS_F64
    return r >= 8 ? _mm512_loadu_pd(p) : _mm512_maskz_loadu_pd(live, p);
#else
    return _mm512_cvtps_pd(r >= 8 ? _mm256_loadu_ps(p) : _mm256_maskz_loadu_ps(live, p));
#endif
}
#endif

#if FE_LOG8D
/* log_terms for eight lanes (fe_log8d): *tk += w k, *tf += w log m, w log y = ln 2 (w k) + w log
 * m.  y = 0 gives k = -1023, log m = 0 (w = 0 there, or the caller's row is special). */
static inline FE_TGT void FE_FN(log8d_terms)(__m512d w, __m512d y, __m512d *tk, __m512d *tf)
{
    __m512d k;
    const __m512d lm = fe_log8d(y, &k);
    *tk = _mm512_fmadd_pd(w, k, *tk);
    *tf = _mm512_fmadd_pd(w, lm, *tf);
}
#endif

/* H(p) = log S - (1/S) sum p log p, S = sum p.  sums: S, sum p log p, #bad.  With FE_LOG8D:
 * fe_log8d's logs, eight elements a step. */
#if FE_LOG8D
static FE_TGT void FE_FN(entropy_block)(const FE_T *p, const FE_T *q, Py_ssize_t b, Py_ssize_t e,
                                        double c0, double c1, double *out)
{
    __m512d s = _mm512_setzero_pd(), tk = s, tf = s, lo = s;
    (void)q, (void)c0, (void)c1;
    for (Py_ssize_t i = b; i < e; i += 8) {
        const __m512d x = FE_FN(load8d)(p + i, e - i);
        FE_FN(log8d_terms)(x, x, &tk, &tf);
        lo = _mm512_min_pd(lo, x);
        s = _mm512_add_pd(s, x);
    }
    out[0] = _mm512_reduce_add_pd(s);
    out[1] = fe_ln2_join(_mm512_reduce_add_pd(tk), _mm512_reduce_add_pd(tf));
    out[2] = _mm512_reduce_min_pd(lo) < 0.0; /* NaN: s fails FE_SAFE_SUM */
}
#else
static FE_TGT void FE_FN(entropy_block)(const FE_T *p, const FE_T *q, Py_ssize_t b, Py_ssize_t e,
                                        double c0, double c1, double *out)
{
    double s = 0.0, tk = 0.0, tf = 0.0, lo = 0.0;
    (void)q, (void)c0, (void)c1;
    FE_SIMD(reduction(+ : s, tk, tf) reduction(min : lo))
    for (Py_ssize_t i = b; i < e; i++) {
        const double x = (double)p[i];
        double xk, xf;
        FE_FN(log_terms)(x, x, &xk, &xf);
        lo = x < lo ? x : lo;
        s += x;
        tk += xk;
        tf += xf;
    }
    out[0] = s, out[1] = fe_ln2_join(tk, tf), out[2] = lo < 0.0; /* NaN: s fails FE_SAFE_SUM */
}
#endif

#ifdef FE_SCALAR_PASS
/* h = log S - T / S from the sums (S, T, #bad), and in *a the size of what cancels there,
 * |log S| + |T / S|; FE_CAREFUL where the sums cannot give it */
static double FE_DT(entropy_sums)(const double *sums, double *a)
{
    if (sums[2] != 0.0 || !FE_SAFE_SUM(sums[0])) return FE_CAREFUL;
    const double ls = log(sums[0]), ts = sums[1] / sums[0];
    *a = fabs(ls) + fabs(ts);
    return ls - ts;
}

static double FE_DT(entropy_value)(const double *sums)
{
    double a;
    const double h = FE_DT(entropy_sums)(sums, &a);
    return h >= 0.0 && FE_ACCURATE(h, a) ? h : FE_CAREFUL;
}
#endif

#if FE_F32_VALUES
/* The value h = log S' - T / S of a pass whose T = sum w log y took log m in float32 (x = y,
 * S' = S for the entropy; w = p, y = q, S' = Sq for the cross-entropy), to the float32 contract
 * (1e-6 relative), given a = |log S'| + |T / S| and ts = T / S.  fe_logf8 errs by at most
 * 2^-22 |log m| a term, and |log m| <= min(ln(2) / 2, |log y|), while
 *     sum w |log y| = -T + 2 sum_{y > 1} w log y <= -T + 2 S log+ S'    (as y <= S'),
 * so T / S errs by at most 2^-22 B, B = min(ln(2) / 2, -T / S + 2 log+ S'), plus `extra`, plus
 * the float64 sums' 2^-40 (3a) + 2^-43 (FE_ACCURATE's bound, T's terms cancelling to 3a at
 * most).  h is taken where that is below 5e-7 h: where S' ~ 1, B ~ h and it holds down to
 * h ~ 3e-7 (the float64 criterion needs h >= 2^-10: a confident classifier's predictions stay on
 * the fast path); else the float64 pass (FE_AGAIN), or the careful path straight away below
 * 2^-10, where the float64 pass would not take it either. */
static double fe_float32_logs_value(double h, double a, double ts, double log_s, double extra)
{
    const double tail = -ts + 2.0 * (log_s > 0.0 ? log_s : 0.0);
    const double b = tail < 0.34657359 ? (tail > 0.0 ? tail : 0.0) : 0.34657359;
    if (0x1p-38 * a + 0x1p-43 + 0x1p-22 * b + extra <= 5e-7 * h) return h;
    return h < 0x1p-10 ? FE_CAREFUL : FE_AGAIN;
}

/* entropy_value for the sums of entropy_block32 and entropy_col_steps (sums[3]: the number of
 * elements n): extra = n 2^-122 / S for subnormal x, which fe_logf8 reads as 2^-127 m
 * (|error| <= 16 x). */
static double FE_DT(entropy_value32)(const double *sums)
{
    double a;
    const double h = FE_DT(entropy_sums)(sums, &a);
    if (h == FE_CAREFUL) return h;
    return fe_float32_logs_value(h, a, sums[1] / sums[0], log(sums[0]),
                                 sums[3] * 0x1p-122 / sums[0]);
}
#endif

static FE_TGT double FE_FN(entropy_row)(const FE_T *p, Py_ssize_t n, int n_threads)
{
    double sums[FE_NSUMS];
#if FE_F32_LOGS
    FE_DT(row_sums_threaded)(FE_FN(row_sums), FE_FN(entropy_block32), p, p, n, 0.0, 0.0, n_threads,
                             sums);
    const double h32 = FE_DT(entropy_value32)(sums);
    if (h32 != FE_AGAIN) return h32 >= 0.0 ? h32 : FE_DT(entropy_careful)(p, n);
#endif
    FE_DT(row_sums_threaded)(FE_FN(row_sums), FE_FN(entropy_block), p, p, n, 0.0, 0.0, n_threads,
                             sums);
    const double h = FE_DT(entropy_value)(sums);
    return h >= 0.0 ? h : FE_DT(entropy_careful)(p, n);
}

/* H(p, q) = log Sq - (1/Sp) sum p log q.  sums: Sp, Sq, sum p log q, #special (bad or q = 0 < p).
 */
#if FE_LOG8D
/* cross_entropy_block with fe_log8d for log q, eight elements a step (zeros past the row's end
 * are not special) */
static FE_TGT void FE_FN(cross_entropy_block)(const FE_T *p, const FE_T *q, Py_ssize_t b,
                                              Py_ssize_t e, double c0, double c1, double *out)
{
    const __m512d zero = _mm512_setzero_pd(), one = _mm512_set1_pd(1.0);
    __m512d sp = zero, sq = zero, tk = zero, tf = zero, bad = zero;
    (void)c0, (void)c1;
    for (Py_ssize_t i = b; i < e; i += 8) {
        const __m512d x = FE_FN(load8d)(p + i, e - i), y = FE_FN(load8d)(q + i, e - i);
        /* special unless x >= 0 and y >= (x > 0 ? DBL_MIN : 0) (NaN: special) */
        const __m512d least =
            _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(x, zero, _CMP_GT_OQ), _mm512_set1_pd(DBL_MIN));
        const __mmask8 ok =
            _mm512_cmp_pd_mask(x, zero, _CMP_GE_OQ) & _mm512_cmp_pd_mask(y, least, _CMP_GE_OQ);
        bad = _mm512_mask_add_pd(bad, (__mmask8)~ok, bad, one);
        FE_FN(log8d_terms)(x, y, &tk, &tf);
        sp = _mm512_add_pd(sp, x);
        sq = _mm512_add_pd(sq, y);
    }
    out[0] = _mm512_reduce_add_pd(sp), out[1] = _mm512_reduce_add_pd(sq);
    out[2] = fe_ln2_join(_mm512_reduce_add_pd(tk), _mm512_reduce_add_pd(tf));
    out[3] = _mm512_reduce_add_pd(bad);
}
#else
static FE_TGT void FE_FN(cross_entropy_block)(const FE_T *p, const FE_T *q, Py_ssize_t b,
                                              Py_ssize_t e, double c0, double c1, double *out)
{
    double sp = 0.0, sq = 0.0, tk = 0.0, tf = 0.0, bad = 0.0;
    (void)c0, (void)c1;
    FE_SIMD_SUM(sp, sq, tk, tf, bad)
    for (Py_ssize_t i = b; i < e; i++) {
        const double x = (double)p[i], y = (double)q[i];
        bad += ((x >= 0.0) & (y >= (x > 0.0 ? DBL_MIN : 0.0))) ? 0.0 : 1.0;
        sp += x;
        sq += y;
        double xk, xf;
        FE_FN(log_terms)(x, y, &xk, &xf);
        tk += xk;
        tf += xf;
    }
    out[0] = sp, out[1] = sq, out[2] = fe_ln2_join(tk, tf), out[3] = bad;
}
#endif

#ifdef FE_SCALAR_PASS
static double FE_DT(cross_entropy_value)(const double *sums)
{
    if (!FE_PAIR_SANE(sums)) return FE_CAREFUL;
    const double lq = log(sums[1]), h = lq - sums[2] / sums[0];
    return FE_ACCURATE(h, fabs(lq) + fabs(sums[2] / sums[0])) ? h : FE_CAREFUL;
}
#endif

#if FE_F32_LOGS
/* cross_entropy_block for float32 input at the AVX2 and AVX-512 levels: log q by logf8_terms,
 * the sums in float64 lanes, the last partial vector by masked loads (zeros add nothing).
 * Special (sums[3]) as in cross_entropy_block, and also a subnormal q where p > 0 (fe_logf8 reads
 * it as 2^-127 m): the careful path takes those. */
static FE_TGT void FE_FN(cross_entropy_block32)(const float *p, const float *q, Py_ssize_t b,
                                                Py_ssize_t e, double c0, double c1, double *out)
{
    __m256d acc[8] = {_mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(),
                      _mm256_setzero_pd(), _mm256_setzero_pd(), _mm256_setzero_pd(),
                      _mm256_setzero_pd(), _mm256_setzero_pd()}; /* Sp, Sq, sum p k, sum p log m */
    __m256 bad = _mm256_setzero_ps();
    (void)c0, (void)c1;
    for (Py_ssize_t i = b; i < e; i += 8) {
        __m256d t[6];
        const __m256 x = FE_FN(load8)(p + i, e - i), y = FE_FN(load8)(q + i, e - i);
        bad = _mm256_add_ps(bad, FE_FN(xent_special8)(x, y));
        FE_FN(logf8_terms)(y, q + i, e - i, t);
        for (int h = 0; h < 2; h++) {
            const __m256d xd = FE_FN(half_at)(p + i, e - i, x, h);
            acc[h] = _mm256_add_pd(acc[h], xd);
            acc[2 + h] = _mm256_add_pd(acc[2 + h], t[h]);
            acc[4 + h] = _mm256_fmadd_pd(xd, t[2 + h], acc[4 + h]);
            acc[6 + h] = _mm256_fmadd_pd(xd, t[4 + h], acc[6 + h]);
        }
    }
    for (int j = 0; j < 4; j++) out[j] = FE_FN(sum8_pd)(acc[2 * j], acc[2 * j + 1]);
    out[2] = fe_ln2_join(out[2], out[3]);
    out[3] = FE_FN(sum8_pd)(FE_FN(half_pd)(bad, 0), FE_FN(half_pd)(bad, 1));
}
#endif

#if FE_F32_VALUES
/* cross_entropy_value for the sums of cross_entropy_block32 (fe_float32_logs_value; subnormal q
 * where p > 0 are special, and where p = 0 they add nothing: no extra) */
static double FE_DT(cross_entropy_value32)(const double *sums)
{
    if (!FE_PAIR_SANE(sums)) return FE_CAREFUL;
    const double lq = log(sums[1]), ts = sums[2] / sums[0];
    return fe_float32_logs_value(lq - ts, fabs(lq) + fabs(ts), ts, lq, 0.0);
}
#endif

/* The KL and JS blocks run two loops a chunk: the ratios (a division) into L1 buffers with the
 * sums and validation, then the logarithms (each with its own division and polynomial).  One loop
 * doing both is one dependency chain of ~100 instructions an iteration, of which the out-of-order
 * window holds ~2; split, each loop's iterations are short and independent. */
#define FE_PAIR_CHUNK 256

/* D(p || q) from T = sum y g(x rho / y) (kl_term).  First pass, rho = 1: with c = Sq / Sp = 1 + e,
 * T / Sp = D + h(c), h(c) = c - 1 - log c >= 0 exactly, so D = T / Sp - h(c), within ~2^-50
 * (|e| + T / Sp + h) (the roundings of T / Sp and h, and of e: h'(c) <= |e|); accepted when that
 * is below 2^-43 D (rows normalised alike, e ~ 1e-16, or distributions far apart).  Otherwise
 * (close distributions in rows of different sums: counts) a second pass with rho = c gives
 * D = T / Sq (an error d in rho adds only ~d^2 / 2).  An x below DBL_MIN counts as 0 (its term
 * is below 1e-305).  sums: Sp, Sq, T, #special (bad, q = 0 < p, or a ratio outside the normal
 * range). */
static FE_TGT void FE_FN(kl_block)(const FE_T *p, const FE_T *q, Py_ssize_t b, Py_ssize_t e,
                                   double rho, double c1, double *out)
{
    double ratio[FE_PAIR_CHUNK], dev[FE_PAIR_CHUNK], weight[FE_PAIR_CHUNK];
    double sp = 0.0, sq = 0.0, t = 0.0, tk = 0.0, bad = 0.0;
    (void)c1;
    for (Py_ssize_t cb = b; cb < e; cb += FE_PAIR_CHUNK) {
        const Py_ssize_t len = e - cb < FE_PAIR_CHUNK ? e - cb : FE_PAIR_CHUNK;
        const FE_T *pc = p + cb, *qc = q + cb;
        FE_SIMD_SUM(sp, sq, t, bad)
        for (Py_ssize_t j = 0; j < len; j++) {
            const double x = (double)pc[j], y = (double)qc[j];
            const int pos = x >= DBL_MIN;
            double d;
            const double r = FE_FN(kl_ratio)(x, y, rho, &d);
            const int ok = (x >= 0.0) & (y >= (pos ? DBL_MIN : 0.0)) &
                           (((r >= DBL_MIN) & (r <= DBL_MAX)) | !pos);
            const int live = pos & ok;
            bad += ok ? 0.0 : 1.0;
            sp += x;
            sq += y;
            t += live ? 0.0 : y; /* x = 0: y g(0) = y */
            ratio[j] = live ? r : 1.0;
            dev[j] = live ? d : 0.0;
            weight[j] = live ? y : 0.0;
        }
        FE_SIMD_SUM(t, tk)
        for (Py_ssize_t j = 0; j < len; j++) {
            double ytk;
            t += FE_FN(kl_term)(ratio[j], dev[j], weight[j], &ytk);
            tk += ytk;
        }
    }
    out[0] = sp, out[1] = sq, out[2] = fe_ln2_join(tk, t), out[3] = bad;
}

#ifdef FE_SCALAR_PASS
static double FE_DT(kl_value)(const double *sums)
{
    if (!FE_PAIR_SANE(sums)) return FE_CAREFUL;
    const double sp = sums[0], sq = sums[1], c = sq / sp, e = (sq - sp) / sp, tp = sums[2] / sp;
    const double h = (e >= -0.29289 && e < 0.41421) ? -fe_log1p_tail(e) : e - log(c), d = tp - h;
    if (fabs(e) + tp + h <= 0x1p7 * d) return d;
    return FE_SAFE_SUM(c) ? FE_AGAIN : FE_CAREFUL; /* x c overflows */
}

/* D from the second pass's sums (rho = Sq / Sp; sums[1] = Sq, as in the first pass). */
static double FE_DT(kl_again)(const double *sums)
{
    return sums[3] != 0.0 ? FE_CAREFUL : sums[2] / sums[1];
}
#endif

/* JS(p, q) = F(rho) / (4 Sq), F(rho) = sum w phi(u) (js_phi), w = x rho + y, u = (x rho - y) / w,
 * with rho = Sq / Sp.  The first pass takes rho = 1.  With e = rho - 1, F(rho) = F(1) + e F'(1) +
 * O(e^2 Sq) (F'' = sum 2 x y / (x + y) <= Sq near rho = 1), and F'(1) = sum 2 x log(1 + u) lies
 * in [Sp - Sq, Sp - Sq + F(1)] (u / (1 + u) <= log(1 + u) <= u, 2 x = w (1 + u)); so
 * JS = F(1) (1 + e / 2) / (4 Sq) within |e| / 2 JS + 3 e^2 / 8, accepted when that is below
 * 2^-43 JS (rows normalised alike in float64: e ~ 1e-16), else a second pass with rho.  JS >= 0
 * mathematically; a rounding-negative result is clipped.  sums: Sp, Sq, F, #bad. */
#ifdef FE_AVX512_PASS
/* js_phi for eight lanes without a division: v < 1/4 by phi's series, sum_{n >= 1} v^2n / (n (2n
 * - 1)) to n = 12 (the rest is below 2^-56 phi); else a log a + b log b, a = 1 + v, b = 1 - v, by
 * fe_log8d (the two products, each ~v in size, cancel to phi >= phi(1/4) = 0.063: a few ulp of v,
 * within 2e-14 of phi; 2.1e-15 measured against mpmath, the log1p tails of js_phi 1.6e-15).
 * b = 0 (v = 1) gives k = -1023, log m = 0: a term 0. */
static inline FE_TGT __m512d FE_FN(js_phi8)(__m512d v)
{
    /* the series' coefficients 1 / (n (2n - 1)), n = 1..12, summed by Estrin's scheme (a chain
     * of four FMAs instead of Horner's eleven) */
#define FE_C(n) _mm512_set1_pd(1.0 / ((n) * (2 * (n) - 1)))
    const __m512d one = _mm512_set1_pd(1.0), ln2 = _mm512_set1_pd(FE_LN2_HI + FE_LN2_LO);
    const __m512d z = _mm512_mul_pd(v, v), a = _mm512_add_pd(one, v), b = _mm512_sub_pd(one, v);
    const __m512d z2 = _mm512_mul_pd(z, z), z4 = _mm512_mul_pd(z2, z2);
    __m512d pair[6], ka, kb;
    for (int i = 0; i < 6; i++) pair[i] = _mm512_fmadd_pd(FE_C(2 * i + 2), z, FE_C(2 * i + 1));
    const __m512d q0 = _mm512_fmadd_pd(pair[1], z2, pair[0]);
    const __m512d q1 = _mm512_fmadd_pd(pair[3], z2, pair[2]);
    const __m512d q2 = _mm512_fmadd_pd(pair[5], z2, pair[4]);
    const __m512d s = _mm512_fmadd_pd(_mm512_fmadd_pd(q2, z4, q1), z4, q0);
#undef FE_C
    const __m512d la = fe_log8d(a, &ka), lb = fe_log8d(b, &kb);
    const __m512d big = _mm512_fmadd_pd(a, _mm512_fmadd_pd(ka, ln2, la),
                                        _mm512_mul_pd(b, _mm512_fmadd_pd(kb, ln2, lb)));
    return _mm512_mask_blend_pd(_mm512_cmp_pd_mask(v, _mm512_set1_pd(0.25), _CMP_LT_OQ), big,
                                _mm512_mul_pd(z, s));
}

/* js_block's element step for eight lanes (and js_col_step's): w = x rho + y, the lanes' validity
 * (*ok: x, y >= 0), and *v = |u| = |x rho - y| / w with *w where the lane is live (ok, w > 0),
 * else 0 (phi(0) = 0) */
static inline FE_TGT void FE_FN(js_ratio8)(__m512d x, __m512d y, __m512d rho, __mmask8 *ok,
                                           __m512d *v, __m512d *w)
{
    const __m512d zero = _mm512_setzero_pd(), wt = _mm512_fmadd_pd(x, rho, y);
    *ok = _mm512_cmp_pd_mask(x, zero, _CMP_GE_OQ) & _mm512_cmp_pd_mask(y, zero, _CMP_GE_OQ);
    const __mmask8 live = *ok & _mm512_cmp_pd_mask(wt, zero, _CMP_GT_OQ);
    *v = _mm512_mask_abs_pd(zero, live, _mm512_div_pd(_mm512_fmsub_pd(x, rho, y), wt));
    *w = _mm512_maskz_mov_pd(live, wt);
}

/* js_block at AVX-512 (float64 and float32 input): the ratios (one division) into L1 buffers with
 * the sums and validation, then js_phi8 of each (in one loop, each iteration a dependency chain of
 * ~80 cycles, of which the out-of-order window holds ~2: 1.30 ns an element, 1.15 without the
 * division).  Zen 5, W2b (float64 2,000 x 10,000), 1 thread, ns an element: 1.30 -> 0.98 (the
 * compiler's loops of js_phi, two divisions an element), float32 1.57 -> 1.18. */
static FE_TGT void FE_FN(js_block)(const FE_T *p, const FE_T *q, Py_ssize_t b, Py_ssize_t e,
                                   double rho, double c1, double *out)
{
    const __m512d zero = _mm512_setzero_pd(), r = _mm512_set1_pd(rho);
    __m512d sp = zero, sq = zero, f = zero, bad = zero;
    double dev[FE_PAIR_CHUNK], weight[FE_PAIR_CHUNK];
    (void)c1;
    for (Py_ssize_t cb = b; cb < e; cb += FE_PAIR_CHUNK) {
        const Py_ssize_t len = e - cb < FE_PAIR_CHUNK ? e - cb : FE_PAIR_CHUNK;
        for (Py_ssize_t j = 0; j < len; j += 8) {
            const __m512d x = FE_FN(load8d)(p + cb + j, len - j);
            const __m512d y = FE_FN(load8d)(q + cb + j, len - j);
            __m512d v, w;
            __mmask8 ok;
            FE_FN(js_ratio8)(x, y, r, &ok, &v, &w);
            bad = _mm512_mask_add_pd(bad, (__mmask8)~ok, bad, _mm512_set1_pd(1.0));
            sp = _mm512_add_pd(sp, x);
            sq = _mm512_add_pd(sq, y);
            _mm512_storeu_pd(dev + j, v);
            _mm512_storeu_pd(weight + j, w);
        }
        for (Py_ssize_t j = 0; j < len; j += 8) {
            const __m512d v = _mm512_loadu_pd(dev + j), w = _mm512_loadu_pd(weight + j);
            f = _mm512_fmadd_pd(w, FE_FN(js_phi8)(v), f);
        }
    }
    out[0] = _mm512_reduce_add_pd(sp), out[1] = _mm512_reduce_add_pd(sq);
    out[2] = _mm512_reduce_add_pd(f), out[3] = _mm512_reduce_add_pd(bad);
}
#else
static FE_TGT void FE_FN(js_block)(const FE_T *p, const FE_T *q, Py_ssize_t b, Py_ssize_t e,
                                   double rho, double c1, double *out)
{
    double dev[FE_PAIR_CHUNK], weight[FE_PAIR_CHUNK];
    double sp = 0.0, sq = 0.0, bad = 0.0, f = 0.0;
    (void)c1;
    for (Py_ssize_t cb = b; cb < e; cb += FE_PAIR_CHUNK) {
        const Py_ssize_t len = e - cb < FE_PAIR_CHUNK ? e - cb : FE_PAIR_CHUNK;
        const FE_T *pc = p + cb, *qc = q + cb;
        FE_SIMD_SUM(sp, sq, bad)
        for (Py_ssize_t j = 0; j < len; j++) {
            const double x = (double)pc[j], y = (double)qc[j], w = x * rho + y;
            const int ok = (x >= 0.0) & (y >= 0.0), live = ok & (w > 0.0);
            bad += ok ? 0.0 : 1.0;
            sp += x;
            sq += y;
            dev[j] = live ? fabs(FE_FN(mul_sub)(x, rho, y) / w) : 0.0; /* |u| */
            weight[j] = live ? w : 0.0;
        }
        FE_SIMD_SUM(f)
        for (Py_ssize_t j = 0; j < len; j++) f += weight[j] * FE_FN(js_phi)(dev[j]);
    }
    out[0] = sp, out[1] = sq, out[2] = f, out[3] = bad;
}
#endif

#ifdef FE_SCALAR_PASS
static double FE_DT(js_value)(const double *sums)
{
    if (!FE_PAIR_SANE(sums)) return FE_CAREFUL;
    const double sp = sums[0], sq = sums[1], e = (sq - sp) / sp;
    const double js = sums[2] * (1.0 + 0.5 * e) / (4.0 * sq);
    if (fabs(e) <= 0x1p-43 && 0.375 * e * e <= 0x1p-44 * js) return fmax(js, 0.0);
    return FE_SAFE_SUM(sq / sp) ? FE_AGAIN : FE_CAREFUL; /* x c overflows */
}

/* JS from the sums of a pass at rho = Sq / Sp (sums[1] = Sq). */
static double FE_DT(js_again)(const double *sums)
{
    return sums[3] != 0.0 ? FE_CAREFUL : fmax(sums[2] / (4.0 * sums[1]), 0.0);
}
#endif

/* Sp and Sq alone (for a pass that needs their ratio up front). */
static FE_TGT void FE_FN(sum_block)(const FE_T *p, const FE_T *q, Py_ssize_t b, Py_ssize_t e,
                                    double c0, double c1, double *out)
{
    double sp = 0.0, sq = 0.0;
    (void)c0, (void)c1;
    FE_SIMD_SUM(sp, sq)
    for (Py_ssize_t i = b; i < e; i++) {
        sp += (double)p[i];
        sq += (double)q[i];
    }
    out[0] = sp, out[1] = sq;
}

#ifdef FE_SCALAR_PASS
/* The value function of sum_block's sums (sums[3] = 0): a pass at their ratio, where they are
 * sane. */
static double FE_DT(ratio_value)(const double *sums)
{
    return FE_PAIR_SANE(sums) && FE_SAFE_SUM(sums[1] / sums[0]) ? FE_AGAIN : FE_CAREFUL;
}
#endif

/* A two-argument measure of one row: a first pass (block at rho = 1, or with `presum` the sums
 * alone) finished by its value function; where that asks, a pass at the rows' sum ratio finished
 * by `again`; else the careful path.  `presum` is for float32 JS: rows normalised in float32
 * differ in their sums by ~1e-8, far above what its first pass accepts (2^-43), so the ratio
 * comes from a pass of sums (a read) instead of a second JS pass. */
static FE_TGT double FE_FN(pair_row)(fe_pair_kind kind, FE_DT(block_fn) block,
                                     double (*value)(const double *),
                                     double (*again)(const double *), int presum, const FE_T *p,
                                     const FE_T *q, Py_ssize_t n, int n_threads)
{
    double sums[FE_NSUMS];
    FE_DT(row_sums_threaded)(FE_FN(row_sums), presum ? FE_FN(sum_block) : block, p, q, n, 1.0, 0.0,
                             n_threads, sums);
    double v = presum ? FE_DT(ratio_value)(sums) : value(sums);
    if (v == FE_AGAIN && again != NULL) {
        FE_DT(row_sums_threaded)(FE_FN(row_sums), block, p, q, n, sums[1] / sums[0], 0.0, n_threads,
                                 sums);
        v = again(sums);
    }
    return v >= 0.0 ? v : FE_DT(pair_careful)(kind, p, q, n);
}

/* The row kernels of the dispatch table (distributions.h). */
#define FE_PAIR_ROW(NAME, KIND, AGAIN, PRESUM)                                                     \
    static FE_TGT double FE_FN(NAME##_row)(const FE_T *p, const FE_T *q, Py_ssize_t n, int nt)     \
    {                                                                                              \
        return FE_FN(pair_row)(KIND, FE_FN(NAME##_block), FE_DT(NAME##_value), AGAIN, PRESUM, p,   \
                               q, n, nt);                                                          \
    }
#if FE_F32_LOGS
/* float32 cross-entropy at AVX2 and AVX-512: the float32-log pass, held to the float32 contract;
 * where its bound cannot promise that, the float64 row kernel */
static FE_TGT double FE_FN(cross_entropy_row)(const FE_T *p, const FE_T *q, Py_ssize_t n, int nt)
{
    double sums[FE_NSUMS];
    FE_DT(row_sums_threaded)(FE_FN(row_sums), FE_FN(cross_entropy_block32), p, q, n, 1.0, 0.0, nt,
                             sums);
    const double v = FE_DT(cross_entropy_value32)(sums);
    if (v != FE_AGAIN) return v >= 0.0 ? v : FE_DT(pair_careful)(FE_CROSS_ENTROPY, p, q, n);
    return FE_FN(pair_row)(FE_CROSS_ENTROPY, FE_FN(cross_entropy_block), FE_DT(cross_entropy_value),
                           NULL, 0, p, q, n, nt);
}
#else
FE_PAIR_ROW(cross_entropy, FE_CROSS_ENTROPY, NULL, 0)
#endif
FE_PAIR_ROW(kl, FE_KL_DIVERGENCE, FE_DT(kl_again), 0)
FE_PAIR_ROW(js, FE_JS_DIVERGENCE, FE_DT(js_again), !FE_IS_F64)
#undef FE_PAIR_ROW

/* ---- reductions along the first axis: the columns of an (m x n) C-contiguous array ---------
 * Column j of p (and q) is the row the measure reduces; a kernel takes columns [j0, j1),
 * j1 - j0 <= FE_COL_CHUNK (the caller's unit of threading), without copying the input.  Each
 * measure reads the array row by row, one vectorised loop over a row's columns with the sums in
 * L1 arrays (entropy_col_sums and entropy_col_steps; pair_col_pass for the two-argument
 * measures); blocks of rows are added with compensation, as row_sums does, and the measure's
 * value function finishes each column (cols_finish); a column it cannot finish (the careful
 * path, a second pass: rare) is gathered and run as a row.  (KL and the cross-entropy went a
 * band of 256 rows at a time, each tile of 8 columns transposed into L1 buffers and summed by the
 * measure's own block function: Zen 5, normalised float64 10,000 x 2,000, 1 thread, ns an
 * element, KL 3.1 -> 2.7 at AVX2, 2.4 -> 1.4 at AVX-512, the cross-entropy 2.2 -> 0.9 and
 * 1.7 -> 0.7.)
 * The row-by-row loops prefetch the rows FE_COL_AHEAD on as they read these: a row's stretch of a
 * chunk of columns is a short stream, which the hardware prefetchers pick up too late (8 or 16
 * rows ahead alike, 4 a little slower; the first lines of the next rows alone were not enough).
 * Zen 5, 1 thread, float64 2,000 x 10,000, 10,000 x 2,000 and 100,000 x 200 along axis 0 (the
 * read 0.41-0.50 ns an element), entropy_col_sums: at AVX2 0.71 ns an element against 1.17 at
 * 200 columns (the wider tables compute-bound, ~1.0 either way); at AVX-512 0.66-0.68 against
 * 0.82-0.95 (0.34 at 200 columns), and 0.34-0.37 with entropy_col_steps, which the level now
 * takes. */
#define FE_COL_AHEAD 8
static FE_TGT void FE_FN(entropy_col_sums)(const FE_T *p, Py_ssize_t m, Py_ssize_t n, Py_ssize_t j0,
                                           Py_ssize_t j1, fe_acc acc[][FE_NSUMS])
{
    double s[FE_COL_CHUNK], tk[FE_COL_CHUNK], tf[FE_COL_CHUNK], lo[FE_COL_CHUNK];
    const Py_ssize_t w = j1 - j0;
    for (Py_ssize_t i0 = 0; i0 < m; i0 += FE_BLOCK) {
        const Py_ssize_t i1 = m - i0 < FE_BLOCK ? m : i0 + FE_BLOCK;
        for (Py_ssize_t c = 0; c < w; c++) s[c] = tk[c] = tf[c] = lo[c] = 0.0;
        for (Py_ssize_t i = i0; i < i1; i++) {
            const FE_T *row = p + i * n + j0;
            fe_prefetch_ahead(row, FE_COL_AHEAD * n, 0, w, sizeof(FE_T));
            FE_SIMD()
            for (Py_ssize_t c = 0; c < w; c++) {
                const double x = (double)row[c];
                double xk, xf;
                FE_FN(log_terms)(x, x, &xk, &xf);
                lo[c] = x < lo[c] ? x : lo[c];
                s[c] += x;
                tk[c] += xk;
                tf[c] += xf;
            }
        }
        for (Py_ssize_t c = 0; c < w; c++) {
            fe_acc_add(&acc[c][0], s[c]);
            fe_acc_add(&acc[c][1], fe_ln2_join(tk[c], tf[c]));
            fe_acc_add(&acc[c][2], lo[c] < 0.0);
        }
    }
}

#if FE_F32_LOGS || FE_LOG8D
/* entropy_col_steps' step: FE_COLW columns, their sums g (S, sum x k, sum x log m) and minimum lo
 * over the elements of two rows, the r <= FE_COLW elements at a and, if `both`, at b (the lanes
 * past r and a missing row are zeros, which add nothing).  float64 at AVX-512: fe_log8d, as the
 * rows' entropy_block; float32: fe_logf16 at AVX-512 and fe_logf8 at AVX2, the same operations
 * lane by lane (the same sums to the bit), the sums in float64 as log_terms keeps them. */
#if FE_LOG8D
#define FE_COLW 8
static inline FE_TGT void FE_FN(col_add)(const double *a, const double *b, Py_ssize_t r, int both,
                                         double g[3][FE_COLW], double *lo)
{
    const __m512d xa = FE_FN(load8d)(a, r), xb = both ? FE_FN(load8d)(b, r) : _mm512_setzero_pd();
    __m512d s = _mm512_loadu_pd(g[0]), tk = _mm512_loadu_pd(g[1]), tf = _mm512_loadu_pd(g[2]);
    FE_FN(log8d_terms)(xa, xa, &tk, &tf);
    FE_FN(log8d_terms)(xb, xb, &tk, &tf);
    _mm512_storeu_pd(g[0], _mm512_add_pd(s, _mm512_add_pd(xa, xb)));
    _mm512_storeu_pd(g[1], tk);
    _mm512_storeu_pd(g[2], tf);
    _mm512_storeu_pd(lo, _mm512_min_pd(_mm512_min_pd(xa, xb), _mm512_loadu_pd(lo)));
}
#else
/* The float32 step after the terms ta, tb of its two rows (logf8_terms or logf16_terms; P: the
 * intrinsics' prefix, _mm256 or _mm512; H: the float64 lanes of a half) */
#define FE_COL_SUMS32(P, H)                                                                        \
    P##_storeu_ps(lo, P##_min_ps(P##_min_ps(xa, xb), P##_loadu_ps(lo)));                           \
    for (int h = 0; h < 2; h++) {                                                                  \
        double *s = g[0] + (H) * h;                                                                \
        P##_storeu_pd(s, P##_add_pd(P##_loadu_pd(s), P##_add_pd(ta[h], tb[h])));                   \
        for (int t = 1; t < 3; t++) {                                                              \
            double *y = g[t] + (H) * h;                                                            \
            P##_storeu_pd(y, P##_fmadd_pd(tb[h], tb[2 * t + h],                                    \
                                          P##_fmadd_pd(ta[h], ta[2 * t + h], P##_loadu_pd(y))));   \
        }                                                                                          \
    }
#ifdef FE_AVX512_PASS
#define FE_COLW 16
static inline FE_TGT void FE_FN(col_add)(const float *a, const float *b, Py_ssize_t r, int both,
                                         double g[3][FE_COLW], float *lo)
{
    const __mmask16 live = r >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << r) - 1);
    const __m512 xa = _mm512_maskz_loadu_ps(live, a);
    const __m512 xb = _mm512_maskz_loadu_ps(both ? live : (__mmask16)0, b);
    __m512d ta[6], tb[6];
    FE_FN(logf16_terms)(xa, a, r, ta);
    FE_FN(logf16_terms)(xb, b, both ? r : 0, tb);
    FE_COL_SUMS32(_mm512, 8)
}
#else
#define FE_COLW 8
static inline FE_TGT void FE_FN(col_add)(const float *a, const float *b, Py_ssize_t r, int both,
                                         double g[3][FE_COLW], float *lo)
{
    const __m256 xa = FE_FN(load8)(a, r), xb = both ? FE_FN(load8)(b, r) : _mm256_setzero_ps();
    __m256d ta[6], tb[6];
    FE_FN(logf8_terms)(xa, a, r, ta);
    FE_FN(logf8_terms)(xb, b, both ? r : 0, tb);
    FE_COL_SUMS32(_mm256, 4)
}
#endif
#undef FE_COL_SUMS32
#endif

/* entropy_col_sums by col_add: FE_COLW columns a vector, two rows a pass (the sums are loaded and
 * stored once for both), the line of each of the two rows FE_COL_AHEAD on prefetched as these
 * are read, and in sums[3] the number of rows, for entropy_value32's error bound.  An odd last
 * row is paired with zeros, and the columns past the last multiple of FE_COLW are read by masked
 * loads.  Zen 5, 1 thread, ns an element (the read 0.21 for float32): float32 at AVX-512 (sixteen
 * lanes) 0.22-0.25, at AVX2 0.38, against 0.53-0.56 for the eight lanes at both levels with the
 * first lines of the next rows prefetched alone; sixteen lanes without these prefetches were
 * slower than eight (0.68).  float64 at AVX-512 (fe_log8d): 0.34-0.37 (the compiler's loop of
 * log_terms in entropy_col_sums, with the same prefetches, 0.66-0.68). */
static FE_TGT void FE_FN(entropy_col_steps)(const FE_T *p, Py_ssize_t m, Py_ssize_t n,
                                            Py_ssize_t j0, Py_ssize_t j1, fe_acc acc[][FE_NSUMS])
{
    /* per group of FE_COLW columns: S, sum x k, sum x log m (one stretch of memory: three arrays
     * a multiple of 4 KiB apart would alias in the store buffer) */
    double sum[FE_COL_CHUNK / FE_COLW][3][FE_COLW];
    FE_T lo[FE_COL_CHUNK];
    const Py_ssize_t w = j1 - j0, wv = w - w % FE_COLW;
    const Py_ssize_t line = FE_LINE / (Py_ssize_t)sizeof(FE_T);
    for (Py_ssize_t i0 = 0; i0 < m; i0 += FE_BLOCK) {
        const Py_ssize_t i1 = m - i0 < FE_BLOCK ? m : i0 + FE_BLOCK;
        memset(sum, 0, sizeof sum);
        memset(lo, 0, sizeof lo);
        for (Py_ssize_t i = i0; i < i1; i += 2) {
            const int both = i + 1 < i1;
            const FE_T *row = p + i * n + j0, *next = both ? row + n : row;
            for (Py_ssize_t c = 0; c < wv; c += FE_COLW) {
                if (c % line == 0) {
                    fe_prefetch_ahead(row, FE_COL_AHEAD * n, c, 1, sizeof(FE_T));
                    fe_prefetch_ahead(row, (FE_COL_AHEAD + 1) * n, c, 1, sizeof(FE_T));
                }
                FE_FN(col_add)(row + c, next + c, FE_COLW, both, sum[c / FE_COLW], lo + c);
            }
            if (wv < w)
                FE_FN(col_add)(row + wv, next + wv, w - wv, both, sum[wv / FE_COLW], lo + wv);
        }
        for (Py_ssize_t c = 0; c < w; c++) {
            const double *g = &sum[c / FE_COLW][0][c % FE_COLW];
            fe_acc_add(&acc[c][0], g[0]);
            fe_acc_add(&acc[c][1], fe_ln2_join(g[FE_COLW], g[2 * FE_COLW]));
            fe_acc_add(&acc[c][2], lo[c] < 0);
            fe_acc_add(&acc[c][3], (double)(i1 - i0));
        }
    }
}
#undef FE_COLW
#endif

#ifdef FE_SCALAR_PASS
/* A two-argument measure's sums for columns [j0, j1) of an (m x n) array (rho: per column, or
 * NULL for 1), added to acc, as its block gives them for a row */
typedef void (*FE_DT(col_sums_fn))(const FE_T *, const FE_T *, Py_ssize_t, Py_ssize_t, Py_ssize_t,
                                   Py_ssize_t, const double *, fe_acc[][FE_NSUMS]);
#endif

/* A two-argument measure's sums for columns [j0, j1), as its block gives them (`what`: JS, KL,
 * the cross-entropy, or only Sp and Sq; rho: per column, or NULL for 1; a column at rho 0 is
 * skipped by the caller, its sums here at rho 1), a row at a time: one vectorised loop over a
 * row's columns with the sums in L1 arrays, as entropy_col_sums, FE_COL_SEG columns a step with
 * the lines FE_COL_AHEAD rows on prefetched before each.  Each column's sums are their own
 * dependency chain, so the terms need not be split from the ratios as in js_block and kl_block.
 * Zen 5, normalised float64, 1 thread, AVX-512, ns an element against the former transposed
 * tiles (the rows themselves: 1.21-1.24): JS 10,000 x 2,000 1.38 against 2.49, 100,000 x 64 1.35
 * against 2.61, 256 x 1,024 1.44 against 1.90 (the whole row's prefetches at once: 1.91 at
 * 10,000 x 2,000; steps of 32 columns as 64, of 256 1.55). */
#define FE_COL_SEG 64
/* rows a column's sums take before they are added with compensation: 128 terms a sum, as the
 * rows' blocks hold a lane (FE_BLOCK over 16 lanes), the rounding the value functions allow for
 * (KL of a column that one element dominates, at FE_BLOCK rows: 1.5e-14 from the exact value,
 * the rows 5e-15) */
#define FE_COL_FLUSH 128
#ifdef FE_AVX512_PASS
/* pair_col_pass's JS step at AVX-512: the columns [c0, c1) (c1 - c0 <= FE_COL_SEG) of a row,
 * eight a vector, as js_block takes a row (the ratios into L1 buffers, then js_phi8); r: the
 * columns' rho; the sums sp, sq, f, bad per column.  Columns past c1 are neither read nor
 * written.  Zen 5, normalised, 1 thread, ns an element: float64 10,000 x 2,000 1.45 -> 1.13,
 * 100,000 x 64 1.42 -> 1.12, float32 10,000 x 2,000 1.72 -> 1.41 (the compiler's loop of
 * js_phi below). */
static inline FE_TGT void FE_FN(js_col_step)(const FE_T *pr, const FE_T *qr, Py_ssize_t c0,
                                             Py_ssize_t c1, const double *r, double *sp, double *sq,
                                             double *f, double *bad)
{
    double dev[FE_COL_SEG], weight[FE_COL_SEG];
    for (Py_ssize_t c = c0; c < c1; c += 8) {
        const __mmask8 in = (__mmask8)((1u << (c1 - c >= 8 ? 8 : c1 - c)) - 1);
        const __m512d x = FE_FN(load8d)(pr + c, c1 - c), y = FE_FN(load8d)(qr + c, c1 - c);
        __m512d v, w;
        __mmask8 ok;
        FE_FN(js_ratio8)(x, y, _mm512_maskz_loadu_pd(in, r + c), &ok, &v, &w);
        _mm512_mask_storeu_pd(
            bad + c, in & (__mmask8)~ok,
            _mm512_add_pd(_mm512_maskz_loadu_pd(in, bad + c), _mm512_set1_pd(1.0)));
        _mm512_mask_storeu_pd(sp + c, in, _mm512_add_pd(_mm512_maskz_loadu_pd(in, sp + c), x));
        _mm512_mask_storeu_pd(sq + c, in, _mm512_add_pd(_mm512_maskz_loadu_pd(in, sq + c), y));
        _mm512_storeu_pd(dev + (c - c0), v);
        _mm512_storeu_pd(weight + (c - c0), w);
    }
    for (Py_ssize_t c = c0; c < c1; c += 8) {
        const __mmask8 in = (__mmask8)((1u << (c1 - c >= 8 ? 8 : c1 - c)) - 1);
        const __m512d v = _mm512_loadu_pd(dev + (c - c0)), w = _mm512_loadu_pd(weight + (c - c0));
        _mm512_mask_storeu_pd(
            f + c, in, _mm512_fmadd_pd(w, FE_FN(js_phi8)(v), _mm512_maskz_loadu_pd(in, f + c)));
    }
}
#endif
#ifndef FE_COL_WHAT /* once, not once per dtype and level */
#define FE_COL_WHAT
enum { FE_COL_SUMS, FE_COL_JS, FE_COL_KL, FE_COL_XENT };
#endif
static inline __attribute__((always_inline)) FE_TGT void
FE_FN(pair_col_pass)(const FE_T *p, const FE_T *q, Py_ssize_t m, Py_ssize_t n, Py_ssize_t j0,
                     Py_ssize_t j1, const double *rho, fe_acc acc[][FE_NSUMS], int what)
{
    /* f: the terms (JS, KL: y g; the cross-entropy: x log(1 + f)); fk: their sum of x k */
    double sp[FE_COL_CHUNK], sq[FE_COL_CHUNK], f[FE_COL_CHUNK], fk[FE_COL_CHUNK];
    double bad[FE_COL_CHUNK], r[FE_COL_CHUNK];
    const Py_ssize_t w = j1 - j0;
    for (Py_ssize_t c = 0; c < w; c++) r[c] = rho != NULL && rho[c] != 0.0 ? rho[c] : 1.0;
    for (Py_ssize_t i0 = 0; i0 < m; i0 += FE_COL_FLUSH) {
        const Py_ssize_t i1 = m - i0 < FE_COL_FLUSH ? m : i0 + FE_COL_FLUSH;
        for (Py_ssize_t c = 0; c < w; c++) sp[c] = sq[c] = f[c] = fk[c] = bad[c] = 0.0;
        for (Py_ssize_t i = i0; i < i1; i++) {
            const FE_T *pr = p + i * n + j0, *qr = q + i * n + j0;
            for (Py_ssize_t c0 = 0; c0 < w; c0 += FE_COL_SEG) {
                const Py_ssize_t c1 = w - c0 < FE_COL_SEG ? w : c0 + FE_COL_SEG;
                fe_prefetch_ahead(pr, FE_COL_AHEAD * n, c0, c1 - c0, sizeof(FE_T));
                fe_prefetch_ahead(qr, FE_COL_AHEAD * n, c0, c1 - c0, sizeof(FE_T));
#ifdef FE_AVX512_PASS
                if (what == FE_COL_JS) {
                    FE_FN(js_col_step)(pr, qr, c0, c1, r, sp, sq, f, bad);
                    continue;
                }
#endif
                FE_SIMD()
                for (Py_ssize_t c = c0; c < c1; c++) {
                    /* Sp and Sq are added in each branch, after its validation: at the top or
                     * the end of the body GCC's if-conversion of JS took 14 more instructions an
                     * iteration, 1.12x the time */
                    const double x = (double)pr[c], y = (double)qr[c];
                    if (what == FE_COL_JS) { /* as js_block */
                        const double wt = x * r[c] + y;
                        const int ok = (x >= 0.0) & (y >= 0.0), live = ok & (wt > 0.0);
                        const double v = live ? fabs(FE_FN(mul_sub)(x, r[c], y) / wt) : 0.0;
                        bad[c] += !ok ? 1.0 : 0.0;
                        sp[c] += x;
                        sq[c] += y;
                        f[c] += (live ? wt : 0.0) * FE_FN(js_phi)(v);
                    } else if (what == FE_COL_KL) { /* as kl_block */
                        const int pos = x >= DBL_MIN;
                        double d, ytk;
                        const double t = FE_FN(kl_ratio)(x, y, r[c], &d);
                        const int ok = (x >= 0.0) & (y >= (pos ? DBL_MIN : 0.0)) &
                                       (((t >= DBL_MIN) & (t <= DBL_MAX)) | !pos);
                        const int live = pos & ok;
                        bad[c] += ok ? 0.0 : 1.0;
                        sp[c] += x;
                        sq[c] += y;
                        f[c] += (live ? 0.0 : y) + FE_FN(kl_term)(live ? t : 1.0, live ? d : 0.0,
                                                                  live ? y : 0.0, &ytk);
                        fk[c] += ytk;
                    } else if (what == FE_COL_XENT) { /* as cross_entropy_block */
                        double xk, xf;
                        bad[c] += ((x >= 0.0) & (y >= (x > 0.0 ? DBL_MIN : 0.0))) ? 0.0 : 1.0;
                        sp[c] += x;
                        sq[c] += y;
                        FE_FN(log_terms)(x, y, &xk, &xf);
                        fk[c] += xk;
                        f[c] += xf;
                    } else {
                        sp[c] += x;
                        sq[c] += y;
                    }
                }
            }
        }
        for (Py_ssize_t c = 0; c < w; c++) {
            fe_acc_add(&acc[c][0], sp[c]);
            fe_acc_add(&acc[c][1], sq[c]);
            fe_acc_add(&acc[c][2], what == FE_COL_JS ? f[c] : fe_ln2_join(fk[c], f[c]));
            fe_acc_add(&acc[c][3], bad[c]);
        }
    }
}

#define FE_COL_SUMS_FN(NAME, WHAT)                                                                 \
    static FE_TGT void FE_FN(NAME)(const FE_T *p, const FE_T *q, Py_ssize_t m, Py_ssize_t n,       \
                                   Py_ssize_t j0, Py_ssize_t j1, const double *rho,                \
                                   fe_acc acc[][FE_NSUMS])                                         \
    {                                                                                              \
        FE_FN(pair_col_pass)(p, q, m, n, j0, j1, rho, acc, WHAT);                                  \
    }
FE_COL_SUMS_FN(js_col_sums, FE_COL_JS)
FE_COL_SUMS_FN(kl_col_sums, FE_COL_KL)
FE_COL_SUMS_FN(sum_col_sums, FE_COL_SUMS) /* sum_block's sums (Sp, Sq); rho unused */
#if !FE_F32_LOGS
FE_COL_SUMS_FN(cross_entropy_col_sums, FE_COL_XENT)
#else
/* cross_entropy_block32's sums for columns [j0, j1) (rho unused), a row at a time: eight columns
 * a vector, log q by logf8_terms as the rows take it (the same logs: columns and rows agree to
 * the sums' rounding), the sums in float64 lanes, the rows FE_COL_AHEAD on prefetched a line at
 * a time as these are read.  Zen 5, float32 10,000 x 2,000 (100,000 x 64), 1 thread, ns an
 * element: AVX2 0.72 (0.60), AVX-512 0.60 (0.59), against 1.33 (1.39) and 1.30 (1.32) for
 * transposed tiles of cross_entropy_block32; float64 logs in pair_col_pass: 1.01 and 0.50, but
 * then columns and rows would differ by the float32 logs' error. */
static FE_TGT void FE_FN(cross_entropy_col_sums)(const float *p, const float *q, Py_ssize_t m,
                                                 Py_ssize_t n, Py_ssize_t j0, Py_ssize_t j1,
                                                 const double *rho, fe_acc acc[][FE_NSUMS])
{
    double sum[FE_COL_CHUNK / 8][5][8]; /* per 8 columns: Sp, Sq, sum p k, sum p log m, #special */
    const Py_ssize_t w = j1 - j0;
    (void)rho;
    /* FE_BLOCK rows a flush, as entropy_col_steps: fe_float32_logs_value allows for 2^-38 a of
     * rounding (FE_COL_FLUSH rows: 0.70 ns an element at AVX-512 against 0.60) */
    for (Py_ssize_t i0 = 0; i0 < m; i0 += FE_BLOCK) {
        const Py_ssize_t i1 = m - i0 < FE_BLOCK ? m : i0 + FE_BLOCK;
        memset(sum, 0, (size_t)((w + 7) / 8) * sizeof sum[0]);
        for (Py_ssize_t i = i0; i < i1; i++) {
            const float *pr = p + i * n + j0, *qr = q + i * n + j0;
            for (Py_ssize_t c = 0; c < w; c += 8) {
                double(*g)[8] = sum[c / 8];
                __m256d t[6];
                if (c % 16 == 0) {
                    fe_prefetch_ahead(pr, FE_COL_AHEAD * n, c, 1, sizeof(float));
                    fe_prefetch_ahead(qr, FE_COL_AHEAD * n, c, 1, sizeof(float));
                }
                const __m256 x = FE_FN(load8)(pr + c, w - c), y = FE_FN(load8)(qr + c, w - c);
                const __m256 bad = FE_FN(xent_special8)(x, y);
                FE_FN(logf8_terms)(y, qr + c, w - c, t);
                for (int h = 0; h < 2; h++) {
                    const __m256d xd = FE_FN(half_at)(pr + c, w - c, x, h);
                    const __m256d bd = FE_FN(half_pd)(bad, h);
                    double *s0 = g[0] + 4 * h, *s1 = g[1] + 4 * h, *s2 = g[2] + 4 * h,
                           *s3 = g[3] + 4 * h, *s4 = g[4] + 4 * h;
                    _mm256_storeu_pd(s0, _mm256_add_pd(_mm256_loadu_pd(s0), xd));
                    _mm256_storeu_pd(s1, _mm256_add_pd(_mm256_loadu_pd(s1), t[h]));
                    _mm256_storeu_pd(s2, _mm256_fmadd_pd(xd, t[2 + h], _mm256_loadu_pd(s2)));
                    _mm256_storeu_pd(s3, _mm256_fmadd_pd(xd, t[4 + h], _mm256_loadu_pd(s3)));
                    _mm256_storeu_pd(s4, _mm256_add_pd(_mm256_loadu_pd(s4), bd));
                }
            }
        }
        for (Py_ssize_t c = 0; c < w; c++) {
            const double(*g)[8] = sum[c / 8];
            fe_acc_add(&acc[c][0], g[0][c % 8]);
            fe_acc_add(&acc[c][1], g[1][c % 8]);
            fe_acc_add(&acc[c][2], fe_ln2_join(g[2][c % 8], g[3][c % 8]));
            fe_acc_add(&acc[c][3], g[4][c % 8]);
        }
    }
}
#endif
#undef FE_COL_SUMS_FN

#ifdef FE_SCALAR_PASS
/* out[j] = value(the sums of column j) for columns [j0, j1) (those with rho[j - j0] != 0 if rho
 * is not NULL): the measure, or FE_AGAIN or FE_CAREFUL where the sums cannot give it. */
static void FE_DT(cols_value)(double (*value)(const double *), Py_ssize_t j0, Py_ssize_t j1,
                              fe_acc acc[][FE_NSUMS], const double *rho, double *out)
{
    for (Py_ssize_t j = j0; j < j1; j++) {
        double sums[FE_NSUMS];
        if (rho != NULL && rho[j - j0] == 0.0) continue;
        for (int k = 0; k < FE_NSUMS; k++) sums[k] = fe_acc_value(&acc[j - j0][k]);
        out[j] = value(sums);
    }
}

/* The columns in [j0, j1) left unfinished (out[j] < 0), gathered and run as rows; 0, or -1 when
 * the gather buffer could not be allocated.  q is NULL for the entropy (row then ignores its
 * second argument). */
static int FE_DT(cols_finish)(double (*row)(const FE_T *, const FE_T *, Py_ssize_t, int),
                              const FE_T *p, const FE_T *q, Py_ssize_t m, Py_ssize_t n,
                              Py_ssize_t j0, Py_ssize_t j1, double *out)
{
    FE_T *column = NULL;
    for (Py_ssize_t j = j0; j < j1; j++) {
        if (out[j] >= 0.0) continue;
        if (column == NULL && (column = (FE_T *)malloc(2 * (size_t)m * sizeof(FE_T))) == NULL)
            return -1;
        for (Py_ssize_t i = 0; i < m; i++) {
            column[i] = p[i * n + j];
            column[m + i] = q != NULL ? q[i * n + j] : 0;
        }
        out[j] = row(column, column + m, m, 1);
    }
    free(column);
    return 0;
}
#endif

/* The entropy as a row of the two-argument signature (q unused), for cols_finish. */
static FE_TGT double FE_FN(entropy_pair_row)(const FE_T *p, const FE_T *q, Py_ssize_t n, int nt)
{
    (void)q;
    return FE_FN(entropy_row)(p, n, nt);
}

static FE_TGT int FE_FN(entropy_cols)(const FE_T *p, const FE_T *q, Py_ssize_t m, Py_ssize_t n,
                                      Py_ssize_t j0, Py_ssize_t j1, double *out)
{
    fe_acc acc[FE_COL_CHUNK][FE_NSUMS];
    (void)q;
    memset(acc, 0, sizeof acc);
#if FE_F32_LOGS
    Py_ssize_t a = j0, b = j1;
    FE_FN(entropy_col_steps)(p, m, n, j0, j1, acc);
    FE_DT(cols_value)(FE_DT(entropy_value32), j0, j1, acc, NULL, out);
    while (a < b && out[a] != FE_AGAIN) a++;
    while (b > a && out[b - 1] != FE_AGAIN) b--;
    if (a < b) { /* the columns float32 logs could not give, again in float64 */
        double again[FE_COL_CHUNK];
        for (Py_ssize_t j = a; j < b; j++) again[j - a] = out[j] == FE_AGAIN;
        memset(acc, 0, (size_t)(b - a) * sizeof acc[0]);
        FE_FN(entropy_col_sums)(p, m, n, a, b, acc);
        FE_DT(cols_value)(FE_DT(entropy_value), a, b, acc, again, out);
    }
#elif FE_LOG8D
    FE_FN(entropy_col_steps)(p, m, n, j0, j1, acc);
    FE_DT(cols_value)(FE_DT(entropy_value), j0, j1, acc, NULL, out);
#else
    FE_FN(entropy_col_sums)(p, m, n, j0, j1, acc);
    FE_DT(cols_value)(FE_DT(entropy_value), j0, j1, acc, NULL, out);
#endif
    return FE_DT(cols_finish)(FE_FN(entropy_pair_row), p, NULL, m, n, j0, j1, out);
}

/* The two-argument measures' columns: a first pass of the measure's col_sums (with `presum`, as
 * in pair_row, sum_col_sums); the columns whose sums ask for a second pass at their sum ratio get
 * it (again: that pass's value function; NULL: the measure never asks); the rest is
 * cols_finish. */
static FE_TGT int FE_FN(pair_cols)(FE_DT(col_sums_fn) col_sums, double (*value)(const double *),
                                   double (*again)(const double *), int presum,
                                   double (*row)(const FE_T *, const FE_T *, Py_ssize_t, int),
                                   const FE_T *p, const FE_T *q, Py_ssize_t m, Py_ssize_t n,
                                   Py_ssize_t j0, Py_ssize_t j1, double *out)
{
    fe_acc acc[FE_COL_CHUNK][FE_NSUMS];
    double rho[FE_COL_CHUNK];
    Py_ssize_t a = j1, b = j0; /* the second pass's columns: [a, b) */
    memset(acc, 0, sizeof acc);
    (presum ? FE_FN(sum_col_sums) : col_sums)(p, q, m, n, j0, j1, NULL, acc);
    FE_DT(cols_value)(presum ? FE_DT(ratio_value) : value, j0, j1, acc, NULL, out);
    for (Py_ssize_t j = j0; j < j1; j++) {
        const int redo = out[j] == FE_AGAIN && again != NULL;
        rho[j - j0] = redo ? fe_acc_value(&acc[j - j0][1]) / fe_acc_value(&acc[j - j0][0]) : 0.0;
        if (redo) a = a < j ? a : j, b = j + 1;
    }
    if (a < b) { /* acc and rho from column a on (those between at rho 0: skipped) */
        memset(acc, 0, (size_t)(b - a) * sizeof acc[0]);
        col_sums(p, q, m, n, a, b, rho + (a - j0), acc);
        FE_DT(cols_value)(again, a, b, acc, rho + (a - j0), out);
    }
    return FE_DT(cols_finish)(row, p, q, m, n, j0, j1, out);
}

#define FE_PAIR_COLS(NAME, AGAIN, PRESUM)                                                          \
    static FE_TGT int FE_FN(NAME##_cols)(const FE_T *p, const FE_T *q, Py_ssize_t m, Py_ssize_t n, \
                                         Py_ssize_t j0, Py_ssize_t j1, double *out)                \
    {                                                                                              \
        return FE_FN(pair_cols)(FE_FN(NAME##_col_sums), FE_DT(NAME##_value), AGAIN, PRESUM,        \
                                FE_FN(NAME##_row), p, q, m, n, j0, j1, out);                       \
    }
#if FE_F32_LOGS
static FE_TGT int FE_FN(cross_entropy_cols)(const FE_T *p, const FE_T *q, Py_ssize_t m,
                                            Py_ssize_t n, Py_ssize_t j0, Py_ssize_t j1, double *out)
{
    return FE_FN(pair_cols)(FE_FN(cross_entropy_col_sums), FE_DT(cross_entropy_value32), NULL, 0,
                            FE_FN(cross_entropy_row), p, q, m, n, j0, j1, out);
}
#else
FE_PAIR_COLS(cross_entropy, NULL, 0)
#endif
FE_PAIR_COLS(kl, FE_DT(kl_again), 0)
FE_PAIR_COLS(js, FE_DT(js_again), !FE_IS_F64)
#undef FE_PAIR_COLS

#undef FE_PAIR_CHUNK
#undef FE_CAREFUL
#undef FE_PAIR_SANE
#undef FE_AGAIN
#undef FE_COL_AHEAD
#undef FE_COL_SEG
#undef FE_COL_FLUSH
#undef FE_SAFE_MIN
#undef FE_SAFE_MAX
#undef FE_SAFE_SUM
#undef FE_ACCURATE
#undef FE_LOG8D
#undef FE_F32_LOGS
#undef FE_F32_VALUES
#undef FE_NSUMS
