/* SPDX-License-Identifier: BSD-3-Clause
 *
 * logits_impl.h -- kernels of fastent.logits, a template instantiated by _instantiate.h once per
 * (dtype FE_T, SIMD level).  No include guard on purpose.
 *
 * Row kernels take one contiguous row of n logits; element-wise maps take a flat array.  The
 * arithmetic is double, except the exponentials of float32 logsumexp/softmax, which use fe_expf
 * at twice the SIMD width (sums still reach double); outputs are rounded to FE_T once.  Finite rows
 * take the branch-free SIMD path; a row with an inf or NaN (and sigmoid elements with |x| > 708,
 * where exp leaves the range fe_exp covers) is recomputed with libm by the scalar code, which
 * follows SciPy's formulas so that NaN propagates and +-inf give exactly SciPy's answers.
 *
 *   logsumexp:   m + log1p(sum_{x != m} exp(x - m) + (#{x == m} - 1)), m = max x: the max term is
 *                never added to 1, so a tiny remainder keeps its digits (log1p)
 *   softmax:     exp((x - m) - L);  log_softmax: (x - m) - L, with logsumexp = m + L
 *   sigmoid:     1 / (1 + e) for x >= 0, e / (1 + e) for x < 0, e = exp(-|x|)
 *   log_sigmoid: min(x, 0) - log1p(exp(-|x|))
 */
#define FE_EXP_RANGE 708.0 /* |x| up to this: fe_exp(-|x|) is a normal number, no clamping */
#define FE_BLOCK_F32 128   /* float32 partial sums: 8 terms per lane of 16 */
#define FE_AHEAD 64        /* float64 elements computed per prefetch of the next row's span */
#define FE_MAP_SPAN 512    /* element-wise maps: elements a span of the two loops (L1 buffers) */
/* logsumexp's exponentials in the input's precision (FE_T; float32: twice the lanes): their
 * functions, the bottom of their range and the span of one pass of exp_sum's two loops */
#if FE_IS_F64
#define FE_EX_BITS uint64_t
#define FE_EX_CORE fe_exp_core
#define FE_EX_REDUCE fe_exp_reduce
#define FE_EX_FINISH fe_exp_finish
#define FE_EX_LOW (-FE_EXP_RANGE)
#define FE_EX_SPAN FE_AHEAD
#else
#define FE_EX_BITS uint32_t
#define FE_EX_CORE fe_expf_core
#define FE_EX_REDUCE fe_expf_reduce
#define FE_EX_FINISH fe_expf_finish
#define FE_EX_LOW (-87.0f)
#define FE_EX_SPAN FE_BLOCK_F32
#endif

#ifdef FE_SCALAR_PASS
#include <stdlib.h> /* malloc/free for the limits path */
/* ---- scalar paths (libm), once per dtype ---------------------------------------------------- */

/* The row's maximum as np.amax gives it: NaN if any element is NaN, -inf for an empty row. */
static double FE_DT(row_max)(const FE_T *x, Py_ssize_t n)
{
    double mx = -INFINITY;
    int nan = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double v = (double)x[i];
        nan |= v != v;
        mx = v > mx ? v : mx;
    }
    return nan ? NAN : mx;
}

/* sum over the elements below the max of exp(x - max), with libm (no term dropped). */
static double FE_DT(lse_rest_exact)(const FE_T *x, Py_ssize_t n, double mx)
{
    fe_acc rest = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double t = (double)x[i] - mx;
        if (t < 0.0) fe_acc_add(&rest, exp(t));
    }
    return fe_acc_value(&rest);
}

/* SciPy's logsumexp: NaN if any NaN, +inf if any +inf, -inf for an empty or all -inf row. */
static double FE_DT(logsumexp_careful)(const FE_T *x, Py_ssize_t n)
{
    const double mx = FE_DT(row_max)(x, n);
    if (!isfinite(mx)) return mx;
    fe_acc rest = {0.0, 0.0};
    double ties = -1.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double t = (double)x[i] - mx;
        if (t == 0.0)
            ties += 1.0;
        else
            fe_acc_add(&rest, exp(t));
    }
    return mx + log1p(fe_acc_value(&rest) + ties);
}

/* SciPy's logsumexp with weights (its b=): log |sum_i w_i exp(x_i)|, and *sign = +1, 0, -1 (NaN
 * with a NaN).  An element with w = 0 is left out, whatever x is.  Infinite terms (an infinite
 * weight on x > -inf, or x = +inf) decide alone: +inf with their sign, NaN when the signs differ
 * (inf * exp(-inf) is NaN too).  Else the sum is shifted by the largest x, mx: with m the weights
 * at mx and r = sum w_i exp(x_i - mx) over the rest, log |m + r| = log |u| + log1p(v / u), u the
 * larger of m, r in magnitude and v the other: remainders far below keep their digits, nothing
 * overflows, and weights that cancel at the max leave the rest.  Scalar libm, double. */
static double FE_DT(lse_weighted)(const FE_T *x, const FE_T *w, Py_ssize_t n, double *sign)
{
    double mx = -INFINITY;
    int nan = 0, plus_inf = 0, minus_inf = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double xi = (double)x[i], wi = (double)w[i];
        if (wi == 0.0) continue;
        if (xi != xi || wi != wi || (isinf(wi) && xi == -INFINITY))
            nan = 1;
        else if ((isinf(wi) || xi == INFINITY) && wi > 0.0)
            plus_inf = 1;
        else if (isinf(wi) || xi == INFINITY)
            minus_inf = 1;
        else if (xi > mx)
            mx = xi;
    }
    if (nan || (plus_inf && minus_inf)) return *sign = NAN;
    if (plus_inf || minus_inf) {
        *sign = plus_inf ? 1.0 : -1.0;
        return INFINITY;
    }
    *sign = 0.0;
    if (mx == -INFINITY) return -INFINITY; /* nothing left, or every term exp(-inf) = 0 */
    fe_acc at_max = {0.0, 0.0}, rest = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double wi = (double)w[i], t = (double)x[i] - mx;
        if (wi == 0.0) continue;
        if (t == 0.0)
            fe_acc_add(&at_max, wi);
        else
            fe_acc_add(&rest, wi * exp(t));
    }
    const double m = fe_acc_value(&at_max), r = fe_acc_value(&rest);
    const double u = fabs(m) >= fabs(r) ? m : r, v = fabs(m) >= fabs(r) ? r : m;
    if (u == 0.0 || v / u == -1.0) return -INFINITY; /* a sum of 0 */
    *sign = u > 0.0 ? 1.0 : -1.0;
    return log1p(v / u) + log(fabs(u)) + mx;
}

/* SciPy's softmax (log = 0) and log_softmax (log = 1) of a row with an inf or NaN. */
static void FE_DT(softmax_careful)(const FE_T *x, FE_T *out, Py_ssize_t n, int log_out)
{
    double mx = FE_DT(row_max)(x, n);
    if (log_out && !isfinite(mx)) mx = 0.0; /* log_softmax shifts by 0 when the max is not finite */
    double s = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) s += exp((double)x[i] - mx);
    const double log_s = log(s);
    for (Py_ssize_t i = 0; i < n; i++) {
        const double t = (double)x[i] - mx;
        out[i] = (FE_T)(log_out ? t - log_s : exp(t) / s);
    }
}

static double FE_DT(sigmoid_scalar)(double v, int log_out)
{
    const double e = exp(-fabs(v));
    if (log_out) return (v < 0.0 ? v : 0.0) - log1p(e);
    return v >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
}
#endif /* FE_SCALAR_PASS */

/* ---- SIMD kernels, once per dtype and level ------------------------------------------------ */

/* The start of the first span of `block` elements of x that holds v (the caller knows one does),
 * each span tested by a vectorised loop. */
static inline FE_TGT Py_ssize_t FE_FN(block_holding)(const FE_T *x, Py_ssize_t n, Py_ssize_t block,
                                                     FE_T v)
{
    for (Py_ssize_t b = 0;; b += block) {
        const Py_ssize_t e = n - b < block ? n : b + block;
        int found = 0;
        FE_SIMD(reduction(| : found))
        for (Py_ssize_t i = b; i < e; i++) found |= x[i] == v;
        if (found) return b;
    }
}

/* The sum of exp(x[i] - mx) over i in [b, e), e - b <= FE_BLOCK (float32: FE_BLOCK_F32, in float:
 * the exponentials 16 lanes wide, partial sums of 8 terms a lane, error < 5e-7 relative); every
 * x[i] - mx <= 0.  With `clamp` a difference below the exponential's range counts as its bottom
 * (a term of 3e-308, float32 1.7e-38, in place of a smaller one), else the caller knows there is
 * none.  In the span (FE_EX_SPAN elements) that starts at `top`, the first holding the row's
 * maximum, the maxima's terms are left out and counted in *ties; elsewhere a maximum adds an
 * exact 1 (fe_exp(0) = 1) and the loop takes no masks: logsumexp 0.90x the time at AVX2 (float32;
 * float64 0.945x), the same at AVX-512, whose masks cost little (Zen 4).  There the exponentials
 * run as two loops, the reductions (fe_exp_reduce) into L1 buffers and then the polynomials
 * (fe_exp_finish): each iteration's dependency chain is half as long, so the out-of-order window
 * holds twice the iterations (as in the KL and JS blocks): 0.90x the time at AVX2 for float64,
 * 0.90-0.97x for float32, the same at AVX-512.  While the terms are computed, the same span of the
 * next row of a C-ordered matrix is prefetched: this row is in cache (the maximum's pass read
 * it), the next one is not. */
static inline FE_TGT double FE_FN(exp_sum)(const FE_T *x, Py_ssize_t n, Py_ssize_t b, Py_ssize_t e,
                                           double mx, int clamp, Py_ssize_t top, double *ties)
{
    const FE_T m = (FE_T)mx; /* float32: x - mx is exact in float up to one rounding */
    FE_T s = 0, c = 0;
    for (Py_ssize_t sb = b; sb < e; sb += FE_EX_SPAN) {
        const Py_ssize_t se = e - sb < FE_EX_SPAN ? e : sb + FE_EX_SPAN;
        fe_prefetch_ahead(x, n, sb, se - sb, sizeof(FE_T));
        if (sb == top) {
            FE_SIMD_SUM(s, c)
            for (Py_ssize_t i = sb; i < se; i++) {
                const FE_T t = x[i] - m;
                c += t == 0 ? 1 : 0;
                s += (t < 0 && t >= FE_EX_LOW) ? FE_EX_CORE(t) : 0;
            }
        } else {
            FE_T r[FE_EX_SPAN];
            FE_EX_BITS k[FE_EX_SPAN];
            const Py_ssize_t len = se - sb;
            FE_SIMD()
            for (Py_ssize_t j = 0; j < len; j++) {
                const FE_T t = x[sb + j] - m;
                k[j] = FE_EX_REDUCE(clamp && t < FE_EX_LOW ? FE_EX_LOW : t, &r[j]);
            }
            FE_SIMD_SUM(s)
            for (Py_ssize_t j = 0; j < len; j++) s += FE_EX_FINISH(r[j], k[j]);
        }
    }
    *ties += (double)c;
    return (double)s;
}

/* Splits logsumexp(x) = m + L, m = max x, L = log1p(sum over the elements but one maximum of
 * exp(x - m)): a maximum's term, 1, is never added to the block sums beside it, so a tiny
 * remainder keeps its digits.  Returns 0 (and leaves m, L alone) for an empty row or one with
 * an inf or NaN. */
static FE_TGT int FE_FN(logsumexp_parts)(const FE_T *x, Py_ssize_t n, double *m, double *L)
{
    FE_T mxt = -INFINITY, mnt = INFINITY, bad = 0; /* in the input's type: 16 lanes for float32 */
    /* max/min reductions only: chains of 1-cycle operations (a sum's chain is 3-4 cycles) */
    FE_SIMD(reduction(max : mxt, bad) reduction(min : mnt))
    for (Py_ssize_t i = 0; i < n; i++) {
        const FE_T v = x[i];
        mxt = v > mxt ? v : mxt;
        mnt = v < mnt ? v : mnt;
        bad = (v - v == 0) ? bad : 1; /* v - v is NaN for +-inf and NaN */
    }
    if (bad != 0 || n == 0) return 0;
    const double mx = (double)mxt;
    const Py_ssize_t block = FE_IS_F64 ? FE_BLOCK : FE_BLOCK_F32;
    const Py_ssize_t top = FE_FN(block_holding)(x, n, FE_EX_SPAN, mxt);
    /* the exponential's range holds every x - mx unless the row spans more than it (rare) */
    const int clamp = mnt - mxt < FE_EX_LOW;
    fe_acc rest = {0.0, 0.0};
    double rest32 = 0.0; /* float32: the block sums added plainly (a row of 1e9 adds < 1e-9
                          * relative; compensating each took 1.06-1.1x the time) */
    double ties = -1.0;
    for (Py_ssize_t b = 0; b < n; b += block) {
        const Py_ssize_t e = n - b < block ? n : b + block;
        const double s = clamp ? FE_FN(exp_sum)(x, n, b, e, mx, 1, top, &ties)
                               : FE_FN(exp_sum)(x, n, b, e, mx, 0, top, &ties);
        if (FE_IS_F64)
            fe_acc_add(&rest, s);
        else
            rest32 += s;
    }
    double r = FE_IS_F64 ? fe_acc_value(&rest) : rest32;
    /* the top block drops terms far below the max (exp under 3e-308, float32 1.7e-38) and the
     * others clamp them; they count only when nothing else does (a lone max, every other term
     * tiny): then add them all with libm */
    if (ties == 0.0 && r < (FE_IS_F64 ? 0x1p-900 : 0x1p-60)) r = FE_DT(lse_rest_exact)(x, n, mx);
    *m = mx;
    *L = log1p(r + ties);
    return 1;
}

static FE_TGT double FE_FN(logsumexp_row)(const FE_T *x, Py_ssize_t n)
{
    double m, L;
    return FE_FN(logsumexp_parts)(x, n, &m, &L) ? m + L : FE_DT(logsumexp_careful)(x, n);
}

/* out = softmax (log_out = 0) or log_softmax (log_out = 1) of the row, from (x - m) - L: for the
 * maximum that is exactly -L, so small log-probabilities near 0 keep their digits. */
static FE_TGT void FE_FN(softmax_row)(const FE_T *x, FE_T *out, Py_ssize_t n, int log_out)
{
    double m, L;
    if (!FE_FN(logsumexp_parts)(x, n, &m, &L)) { /* the row has an inf or NaN */
        FE_DT(softmax_careful)(x, out, n, log_out);
        return;
    }
    if (log_out) {
        FE_SIMD()
        for (Py_ssize_t i = 0; i < n; i++) out[i] = (FE_T)(((double)x[i] - m) - L);
    } else {
        double tiny = 0.0;
#if FE_IS_F64
        FE_SIMD_SUM(tiny)
        for (Py_ssize_t i = 0; i < n; i++) {
            const double t = (x[i] - m) - L;
            const int ok = t >= -FE_EXP_RANGE;
            out[i] = fe_exp_core(ok ? t : 0.0);
            tiny += ok ? 0.0 : 1.0;
        }
#else
        const float mf = (float)m, Lf = (float)L;
        float tinyf = 0.0f;
        FE_SIMD_SUM(tinyf)
        for (Py_ssize_t i = 0; i < n; i++) {
            const float t = (x[i] - mf) - Lf;
            const int ok = t >= -87.0f;
            out[i] = fe_expf_core(ok ? t : 0.0f);
            tinyf += ok ? 0.0f : 1.0f;
        }
        tiny = tinyf;
#endif
        if (tiny != 0.0) /* probabilities below the polynomial's range: libm (subnormal or 0) */
            for (Py_ssize_t i = 0; i < n; i++)
                if (!(((double)x[i] - m) - L >= (FE_IS_F64 ? -FE_EXP_RANGE : -87.0)))
                    out[i] = (FE_T)exp(((double)x[i] - m) - L);
    }
}

/* out = sigmoid (log_out = 0) or log_sigmoid (log_out = 1) of x, element-wise. */
static FE_TGT void FE_FN(sigmoid_map)(const FE_T *x, FE_T *out, Py_ssize_t n, int log_out)
{
    double special = 0.0, eb[FE_MAP_SPAN];
    if (log_out) { /* two loops a span, as the sigmoid loss: exp(-|x|) into eb, then log1p (half
                    * the dependency chain an iteration: 0.70-0.80x the time at AVX2, 0.85-0.89x at
                    * AVX-512; sigmoid's division alone gains nothing) */
        for (Py_ssize_t b = 0; b < n; b += FE_MAP_SPAN) {
            const Py_ssize_t len = n - b < FE_MAP_SPAN ? n - b : FE_MAP_SPAN;
            const FE_T *xs = x + b;
            FE_SIMD_SUM(special)
            for (Py_ssize_t j = 0; j < len; j++) {
                const double a = fabs((double)xs[j]);
                const int ok = a <= FE_EXP_RANGE; /* false for inf and NaN too */
                eb[j] = fe_exp_core(ok ? -a : 0.0);
                special += ok ? 0.0 : 1.0;
            }
            FE_SIMD()
            for (Py_ssize_t j = 0; j < len; j++) {
                const double v = (double)xs[j];
                out[b + j] = (FE_T)((v < 0.0 ? v : 0.0) - fe_log1p_unit(eb[j]));
            }
        }
    } else {
        FE_SIMD_SUM(special)
        for (Py_ssize_t i = 0; i < n; i++) {
            const double v = (double)x[i], a = fabs(v);
            const int ok = a <= FE_EXP_RANGE;
            const double e = fe_exp_core(ok ? -a : 0.0), r = 1.0 / (1.0 + e);
            out[i] = (FE_T)(v >= 0.0 ? r : e * r);
            special += ok ? 0.0 : 1.0;
        }
    }
    if (special != 0.0)
        for (Py_ssize_t i = 0; i < n; i++)
            if (!(fabs((double)x[i]) <= FE_EXP_RANGE))
                out[i] = (FE_T)FE_DT(sigmoid_scalar)((double)x[i], log_out);
}

/* ---- element-wise binary losses --------------------------------------------------------------
 * Over a (rows x C) block of labels z and logits x (or probabilities), with an optional per-class
 * weight w[C] (pos_weight); loss and grad outputs are optional (NULL).  Returns the sum of the
 * losses (for mean/sum reductions); *bad gets the flat index of the first invalid element (label
 * outside [0, 1] or NaN, NaN logit, probability outside [0, 1]), else stays -1.
 *
 * sigmoid cross-entropy with logits (PyTorch's BCEWithLogits, pos_weight p):
 *     loss = p z softplus(-x) + (1 - z) softplus(x),  softplus(x) = max(x, 0) + log1p(exp(-|x|))
 *     d loss / dx = (1 - z) sigmoid(x) - p z sigmoid(-x)
 * the sum of two non-negative terms (for p >= 0), each computed without cancellation: exact on
 * both sides where the loss is tiny (x = 37, z = 1 and x = -37, z = 0: 8.533e-17), and for every
 * pos_weight.  +-inf logits take the limits (0 or inf; the gradient stays finite). */
#ifdef FE_SCALAR_PASS
static double FE_DT(sigmoid_ce_scalar)(double z, double x, double p, double *g)
{
    const double e = exp(-fabs(x)), r = 1.0 / (1.0 + e);
    *g = (1.0 - z) * (x >= 0.0 ? r : e * r) - p * z * (x >= 0.0 ? e * r : r);
    if (x == INFINITY) return z == 1.0 ? 0.0 : INFINITY;
    if (x == -INFINITY) return p * z == 0.0 ? 0.0 : INFINITY;
    const double l1 = log1p(e);
    return p * z * (fmax(-x, 0.0) + l1) + (1.0 - z) * (fmax(x, 0.0) + l1);
}
#endif

/* One element of the SIMD path into lb[c] (and gb[c] when GRAD): the loss and the gradient of
 * label zc, logit xc and pos_weight p, from e = eb[c] = exp(-|x|) (FE_SIGMOID_CE_EXP's, 1 where
 * the element takes the scalar path); s += the loss of the elements that do not. */
#define FE_SIGMOID_CE_BODY(P, GRAD)                                                                \
    {                                                                                              \
        const double zc = (double)zr[c], xc = (double)xr[c], p = (P), e = eb[c];                   \
        const int ok = (zc >= 0.0) & (zc <= 1.0) & (fabs(xc) <= FE_EXP_RANGE);                     \
        const double l1 = fe_log1p_unit(e), pz = p * zc;                                           \
        const double l =                                                                           \
            pz * ((xc < 0.0 ? -xc : 0.0) + l1) + (1.0 - zc) * ((xc > 0.0 ? xc : 0.0) + l1);        \
        lb[c] = l;                                                                                 \
        if (GRAD) {                                                                                \
            const double r = 1.0 / (1.0 + e); /* sigmoid(|x|) */                                   \
            const double sig_pos = (xc >= 0.0 ? 1.0 : e) * r, sig_neg = (xc >= 0.0 ? e : 1.0) * r; \
            gb[c] = (1.0 - zc) * sig_pos - pz * sig_neg;                                           \
        }                                                                                          \
        s += ok ? l : 0.0;                                                                         \
    }

/* The SIMD path's first loop: eb[c] = exp(-|x|) of the sub-block's elements, special += 1 where
 * an element must take the scalar path (a label outside [0, 1], NaN, |x| > 708).  The
 * exponentials and the logarithms run as two loops: one loop doing both is a dependency chain
 * of ~100 cycles an iteration, and the out-of-order window holds too few of them (the sum alone:
 * 0.86x the time at AVX2, 0.75-0.93x at AVX-512). */
#define FE_SIGMOID_CE_EXP()                                                                        \
    FE_SIMD_SUM(special)                                                                           \
    for (Py_ssize_t c = 0; c < m; c++) {                                                           \
        const double zc = (double)zr[c], a = fabs((double)xr[c]);                                  \
        const int ok = (zc >= 0.0) & (zc <= 1.0) & (a <= FE_EXP_RANGE);                            \
        eb[c] = fe_exp_core(ok ? -a : 0.0);                                                        \
        special += ok ? 0.0 : 1.0;                                                                 \
    }

#define FE_SIGMOID_CE_SUB 512 /* elements of a sub-block: lb, gb stay in L1 */

#if !FE_IS_F64
/* The loss alone of float32 input, in float32 arithmetic (twice the lanes): a sum of
 * non-negative terms (pos_weight >= 0: the caller checks), each a few float ulps from exact
 * (fe_expf, fe_log1pf_unit), so within the float32 contract (2e-6 relative) for every label.  |x| >
 * 87 (beyond fe_expf's normal range) takes the scalar path.  The gradient stays in double:
 * sigmoid(x) - z cancels where the two are close, and float32 terms would leave too few digits. */
#define FE_EXPF_RANGE 87.0f
#define FE_SIGMOID_CE_BODY_F32(P)                                                                  \
    {                                                                                              \
        const float zc = zr[c], xc = xr[c], p = (P), e = ef[c];                                    \
        const int ok = (zc >= 0.0f) & (zc <= 1.0f) & (fabsf(xc) <= FE_EXPF_RANGE);                 \
        const float l1 = fe_log1pf_unit(e), pz = p * zc;                                           \
        const float l =                                                                            \
            pz * ((xc < 0.0f ? -xc : 0.0f) + l1) + (1.0f - zc) * ((xc > 0.0f ? xc : 0.0f) + l1);   \
        lf[c] = l;                                                                                 \
        sf += ok ? l : 0.0f;                                                                       \
    }

/* The float32 loop over lf[0:m] in runs of FE_BLOCK_F32: float partial sums of non-negative
 * terms (16 a lane at most, < 1e-6 relative), each run's added in double; the exponentials
 * first, into ef (two loops, as FE_SIGMOID_CE_EXP). */
#define FE_SIGMOID_CE_LOOP_F32(P)                                                                  \
    for (Py_ssize_t r0 = 0; r0 < m; r0 += FE_BLOCK_F32) {                                          \
        const Py_ssize_t r1 = m - r0 < FE_BLOCK_F32 ? m : r0 + FE_BLOCK_F32;                       \
        float sf = 0.0f, specialf = 0.0f;                                                          \
        FE_SIMD_SUM(specialf)                                                                      \
        for (Py_ssize_t c = r0; c < r1; c++) {                                                     \
            const float zc = zr[c], a = fabsf(xr[c]);                                              \
            const int ok = (zc >= 0.0f) & (zc <= 1.0f) & (a <= FE_EXPF_RANGE);                     \
            ef[c] = fe_expf_core(ok ? -a : 0.0f);                                                  \
            specialf += ok ? 0.0f : 1.0f;                                                          \
        }                                                                                          \
        FE_SIMD_SUM(sf)                                                                            \
        for (Py_ssize_t c = r0; c < r1; c++) FE_SIGMOID_CE_BODY_F32(P)                             \
        s += (double)sf;                                                                           \
        special += (double)specialf;                                                               \
    }
#endif

static FE_TGT double FE_FN(sigmoid_ce)(const FE_T *z, const FE_T *x, const FE_T *w, Py_ssize_t rows,
                                       Py_ssize_t C, FE_T *loss, FE_T *grad, double grad_scale,
                                       Py_ssize_t *bad)
{
    /* Segments of the flat array: the rows when there are per-class weights, else blocks of
     * FE_BLOCK elements (short rows would leave the SIMD loop no room), cut into sub-blocks.
     * Each sub-block takes one of four SIMD loops (weights or not, gradient or not: no
     * per-element test of what the caller asked for), into the buffers lb, gb; the outputs
     * asked for are copied out after. */
    const Py_ssize_t n = rows * C, seg = w ? C : FE_BLOCK;
    double lb[FE_SIGMOID_CE_SUB], gb[FE_SIGMOID_CE_SUB], eb[FE_SIGMOID_CE_SUB];
#if !FE_IS_F64
    float lf[FE_SIGMOID_CE_SUB], ef[FE_SIGMOID_CE_SUB];
#endif
    fe_acc total = {0.0, 0.0};
    for (Py_ssize_t b = 0; b < n; b += seg) {
        const Py_ssize_t len = n - b < seg ? n - b : seg;
        for (Py_ssize_t o = 0; o < len; o += FE_SIGMOID_CE_SUB) {
            const Py_ssize_t m = len - o < FE_SIGMOID_CE_SUB ? len - o : FE_SIGMOID_CE_SUB;
            const Py_ssize_t at = b + o;
            const FE_T *zr = z + at, *xr = x + at, *wr = w ? w + o : NULL;
            double s = 0.0, special = 0.0, range = FE_EXP_RANGE; /* |x| of the SIMD path */
#if !FE_IS_F64
            if (!grad) {
                range = FE_EXPF_RANGE;
                if (wr)
                    FE_SIGMOID_CE_LOOP_F32(wr[c])
                else
                    FE_SIGMOID_CE_LOOP_F32(1.0f)
                if (loss) memcpy(loss + at, lf, (size_t)m * sizeof *lf);
            } else
#endif
            {
                FE_SIGMOID_CE_EXP()
                if (wr && grad) {
                    FE_SIMD_SUM(s)
                    for (Py_ssize_t c = 0; c < m; c++) FE_SIGMOID_CE_BODY((double)wr[c], 1)
                } else if (wr) {
                    FE_SIMD_SUM(s)
                    for (Py_ssize_t c = 0; c < m; c++) FE_SIGMOID_CE_BODY((double)wr[c], 0)
                } else if (grad) {
                    FE_SIMD_SUM(s)
                    for (Py_ssize_t c = 0; c < m; c++) FE_SIGMOID_CE_BODY(1.0, 1)
                } else {
                    FE_SIMD_SUM(s)
                    for (Py_ssize_t c = 0; c < m; c++) FE_SIGMOID_CE_BODY(1.0, 0)
                }
            }
#if !FE_IS_F64
            if (loss && grad) {
#else
            if (loss) {
#endif
                FE_SIMD()
                for (Py_ssize_t c = 0; c < m; c++) loss[at + c] = (FE_T)lb[c];
            }
            if (grad) {
                FE_SIMD()
                for (Py_ssize_t c = 0; c < m; c++) grad[at + c] = (FE_T)(grad_scale * gb[c]);
            }
            if (special != 0.0) { /* labels to validate, +-inf, NaN or |x| > range: scalar libm */
                for (Py_ssize_t c = 0; c < m; c++) {
                    const double zc = (double)zr[c], xc = (double)xr[c];
                    const double p = wr ? (double)wr[c] : 1.0;
                    if ((zc >= 0.0) & (zc <= 1.0) & (fabs(xc) <= range)) continue;
                    if (!(zc >= 0.0 && zc <= 1.0) || xc != xc) {
                        *bad = at + c;
                        return NAN;
                    }
                    double g;
                    const double l = FE_DT(sigmoid_ce_scalar)(zc, xc, p, &g);
                    if (loss) loss[at + c] = (FE_T)l;
                    if (grad) grad[at + c] = (FE_T)(grad_scale * g);
                    s += l;
                }
            }
            fe_acc_add(&total, s);
        }
    }
    return fe_acc_value(&total);
}
#undef FE_SIGMOID_CE_BODY
#undef FE_SIGMOID_CE_EXP
#undef FE_SIGMOID_CE_SUB
#ifdef FE_SIGMOID_CE_BODY_F32
#undef FE_SIGMOID_CE_BODY_F32
#undef FE_SIGMOID_CE_LOOP_F32
#undef FE_EXPF_RANGE
#endif

/* binary cross-entropy from probabilities q (clipped to [eps, 1 - eps] when eps > 0):
 *     loss = -(z log q + (1 - z) log1p(-q))
 * with 0 log 0 = 0, so q = 0 or 1 costs inf only where the label disagrees.  Scalar libm: the
 * logits losses are the fast path; this one is for callers that only have probabilities. */
#ifdef FE_SCALAR_PASS
static double FE_DT(bce)(const FE_T *z, const FE_T *q, Py_ssize_t n, double eps, FE_T *loss,
                         Py_ssize_t *bad)
{
    fe_acc total = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double zc = (double)z[i], raw = (double)q[i];
        if (!(zc >= 0.0 && zc <= 1.0 && raw >= 0.0 && raw <= 1.0)) {
            *bad = i;
            return NAN;
        }
        const double qc = eps > 0.0 ? fmin(fmax(raw, eps), 1.0 - eps) : raw;
        const double l =
            -((zc > 0.0 ? zc * log(qc) : 0.0) + (zc < 1.0 ? (1.0 - zc) * log1p(-qc) : 0.0));
        if (loss) loss[i] = (FE_T)l;
        fe_acc_add(&total, l);
    }
    return fe_acc_value(&total);
}
#endif

/* ---- softmax cross-entropy of one row ---------------------------------------------------------
 * The row's log-softmax is ls_c = (x_c - m) - L (logsumexp_parts), never log(softmax).
 *   sparse (class y, weights w, smoothing e):  (1 - e) w_y (-ls_y) + (e / C) sum_c w_c (-ls_c)
 *       grad_c = (1 - e) w_y (p_c - [c = y]) + (e / C) (p_c W - w_c),  W = sum_c w_c
 *   dense (target row t >= 0):                 sum_c t_c (-ls_c),  grad_c = p_c T - t_c,  T = sum t
 * with p_c = exp(ls_c); grad (optional) is scaled by gscale.  A row with +-inf logits goes through
 * FE_DT(log_softmax_limits) (exact limits: 0 * inf = 0); a NaN logit, or a negative or NaN target,
 * returns NaN (the caller reports it). */
#ifdef FE_SCALAR_PASS
/* ls = log_softmax of a row with +-inf (no NaN): -log K for the K +inf entries and -inf elsewhere,
 * or, without +inf, the finite entries normalised among themselves and -inf for the -inf ones. */
static void FE_DT(log_softmax_limits)(const FE_T *x, Py_ssize_t C, double *ls)
{
    double mx = FE_DT(row_max)(x, C), K = 0.0, s = 0.0;
    for (Py_ssize_t c = 0; c < C; c++) K += (double)x[c] == INFINITY;
    if (K == 0.0 && isfinite(mx))
        for (Py_ssize_t c = 0; c < C; c++) s += exp((double)x[c] - mx);
    for (Py_ssize_t c = 0; c < C; c++) {
        const double v = (double)x[c];
        ls[c] = K > 0.0 ? (v == INFINITY ? -log(K) : -INFINITY)
                        : (isfinite(mx) ? (v - mx) - log(s) : -INFINITY);
    }
}

/* The first c where the target t[c] (t may be NULL) is negative or NaN, or the logit x[c] is NaN;
 * 0 when there is none (the row is invalid as a whole: its targets do not sum to a finite total).
 */
static Py_ssize_t FE_DT(ce_first_invalid)(const FE_T *x, const FE_T *t, Py_ssize_t C)
{
    for (Py_ssize_t c = 0; c < C; c++)
        if ((t && !((double)t[c] >= 0.0)) || x[c] != x[c]) return c;
    return 0;
}

/* t_c * (-ls_c) with 0 * inf = 0 */
static inline double FE_DT(xent_term)(double t, double ls)
{
    return t == 0.0 ? 0.0 : -t * ls;
}

static double FE_DT(ce_row_limits)(const FE_T *x, Py_ssize_t C, Py_ssize_t y, const FE_T *t,
                                   const FE_T *w, double wsum, double e, FE_T *grad, double gscale)
{
    double *ls = (double *)malloc(sizeof(double) * (size_t)(C > 0 ? C : 1)), loss = 0.0, T = 0.0;
    if (ls == NULL) return NAN;
    FE_DT(log_softmax_limits)(x, C, ls);
    if (t)
        for (Py_ssize_t c = 0; c < C; c++) T += (double)t[c];
    for (Py_ssize_t c = 0; c < C; c++) {
        const double wc = w ? (double)w[c] : 1.0, p = exp(ls[c]);
        double g;
        if (t) {
            loss += FE_DT(xent_term)((double)t[c], ls[c]);
            g = p * T - (double)t[c];
        } else {
            const double wy = w ? (double)w[y] : 1.0;
            loss += (c == y ? FE_DT(xent_term)((1.0 - e) * wy, ls[c]) : 0.0) +
                    FE_DT(xent_term)(e / (double)C * wc, ls[c]);
            g = (1.0 - e) * wy * (p - (c == y)) + e / (double)C * (p * wsum - wc);
        }
        if (grad) grad[c] = (FE_T)(gscale * g);
    }
    free(ls);
    return loss;
}
#endif

static FE_TGT double FE_FN(ce_row)(const FE_T *x, Py_ssize_t C, Py_ssize_t y, const FE_T *t,
                                   const FE_T *w, double wsum, double e, FE_T *grad, double gscale)
{
    double m, L, bad = 0.0, T = 0.0, acc = 0.0;
    if (t) {
        FE_SIMD_SUM(bad, T)
        for (Py_ssize_t c = 0; c < C; c++) {
            bad += (double)t[c] >= 0.0 ? 0.0 : 1.0; /* negative or NaN target */
            T += (double)t[c];
        }
    }
    if (bad != 0.0 || !isfinite(T)) return NAN;
    if (!FE_FN(logsumexp_parts)(x, C, &m, &L)) {
        if (isnan(FE_DT(row_max)(x, C))) return NAN;
        return FE_DT(ce_row_limits)(x, C, y, t, w, wsum, e, grad, gscale);
    }
    if (t) {
        FE_SIMD_SUM(acc)
        for (Py_ssize_t c = 0; c < C; c++) acc += (double)t[c] * ((m - (double)x[c]) + L);
    } else {
        const double wy = w ? (double)w[y] : 1.0;
        acc = (1.0 - e) * wy * ((m - (double)x[y]) + L);
        if (e > 0.0) {
            double sm = 0.0;
            FE_SIMD_SUM(sm)
            for (Py_ssize_t c = 0; c < C; c++)
                sm += (w ? (double)w[c] : 1.0) * ((m - (double)x[c]) + L);
            acc += e / (double)C * sm;
        }
    }
    if (grad) {
        const double wy = t ? 0.0 : (w ? (double)w[y] : 1.0), a = (1.0 - e) * wy, b = e / (double)C;
        FE_SIMD()
        for (Py_ssize_t c = 0; c < C; c++) {
            const double p = fe_exp(((double)x[c] - m) - L);
            const double wc = w ? (double)w[c] : 1.0;
            const double g = t ? p * T - (double)t[c] : a * (p - (c == y)) + b * (p * wsum - wc);
            grad[c] = (FE_T)(gscale * g);
        }
    }
    return acc;
}

#undef FE_EXP_RANGE
#undef FE_BLOCK_F32
#undef FE_MAP_SPAN
#undef FE_EX_BITS
#undef FE_EX_CORE
#undef FE_EX_REDUCE
#undef FE_EX_FINISH
#undef FE_EX_LOW
#undef FE_EX_SPAN
