/* SPDX-License-Identifier: BSD-3-Clause
 *
 * distributions_impl.h -- row kernels of fastent.distributions, a template instantiated by
 * _instantiate.h once per (dtype FE_T, SIMD level).  No include guard on purpose.
 *
 * Every row kernel takes one unnormalised row (p, and q for the two-argument measures) of n
 * elements and returns the measure in nats of the rows normalised to sum 1, or NaN when the row
 * is invalid (negative, NaN or infinite element, or a zero sum); the Python layer then finds the
 * first offending position and raises.  The fast path is one branch-free pass: normalisation,
 * validation (a count of "special" elements) and the sums are fused, zeros and subnormals are
 * masked out of the log (0 log 0 = 0).  A row with any special element, or a sum outside
 * [FE_SAFE_MIN, FE_SAFE_MAX], is recomputed by the scalar libm path (`*_careful`), which scales
 * by the maximum before normalising and so handles subnormals, huge values and q = 0 < p (inf).
 */
#define FE_SAFE_MIN 1e-200
#define FE_SAFE_MAX 1e200
#define FE_VALID(x) ((x) >= 0.0 && (x) <= DBL_MAX)

#ifdef FE_SCALAR_PASS
/* ---- scalar paths, once per dtype ------------------------------------------------------- */

/* Scale of a row: its maximum mx and sum(p / mx).  Returns 0 for an invalid or all-zero row. */
static int FE_DT(row_scale)(const FE_T *p, Py_ssize_t n, double *mx, double *sum)
{
    double m = 0.0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i];
        if (!FE_VALID(x))
            return 0;
        m = x > m ? x : m;
    }
    if (m == 0.0)
        return 0;
    fe_acc s = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++)
        fe_acc_add(&s, (double)p[i] / m);
    *mx = m;
    *sum = fe_acc_value(&s);
    return 1;
}

static double FE_DT(entropy_careful)(const FE_T *p, Py_ssize_t n)
{
    double mx, sum;
    if (!FE_DT(row_scale)(p, n, &mx, &sum))
        return NAN;
    fe_acc h = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double a = ((double)p[i] / mx) / sum;
        if (a > 0.0)
            fe_acc_add(&h, -a * log(a));
    }
    return fe_acc_value(&h);
}

/* kind: 0 cross-entropy, 1 KL divergence, 2 JS divergence */
static double FE_DT(pair_careful)(int kind, const FE_T *p, const FE_T *q, Py_ssize_t n)
{
    double mp, sp, mq, sq;
    if (!FE_DT(row_scale)(p, n, &mp, &sp) || !FE_DT(row_scale)(q, n, &mq, &sq))
        return NAN;
    fe_acc acc = {0.0, 0.0};
    for (Py_ssize_t i = 0; i < n; i++) {
        const double a = ((double)p[i] / mp) / sp, b = ((double)q[i] / mq) / sq;
        double t = 0.0;
        if (kind == 2) {
            if (a > 0.0)
                t += a * log(2.0 * a / (a + b));
            if (b > 0.0)
                t += b * log(2.0 * b / (a + b));
            t *= 0.5;
        } else if (a > 0.0) {
            if (b == 0.0)
                return INFINITY;
            if (kind == 0) {
                t = -a * log(b);
            } else {
                const double r = a / b;
                t = a * ((r >= DBL_MIN && r <= DBL_MAX) ? log(r) : log(a) - log(b));
            }
        }
        fe_acc_add(&acc, t);
    }
    return kind == 1 ? fe_acc_value(&acc) : fmax(fe_acc_value(&acc), 0.0); /* H(p, q), JS >= 0 */
}

/* Element-wise maps: return the index of the first element outside [0, 1] (or NaN), else -1. */
static Py_ssize_t FE_DT(binary_entropy_map)(const FE_T *p, FE_T *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i];
        if (!(x >= 0.0 && x <= 1.0))
            return i;
        const double y = x <= 0.5 ? x : 1.0 - x; /* h(x) = h(1 - x); 1 - x is exact for x >= 1/2 */
        out[i] = (FE_T)(y > 0.0 ? -y * log(y) - (1.0 - y) * log1p(-y) : 0.0);
    }
    return -1;
}

static Py_ssize_t FE_DT(self_information_map)(const FE_T *p, FE_T *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        const double x = (double)p[i];
        if (!(x >= 0.0 && x <= 1.0))
            return i;
        out[i] = (FE_T)(x > 0.0 ? 0.0 - log(x) : INFINITY); /* 0 - log 1 = +0 */
    }
    return -1;
}
#endif /* FE_SCALAR_PASS */

/* ---- SIMD row kernels, once per dtype and level ------------------------------------------ */

/* H(p) = log S - (1/S) sum p log p, S = sum p. */
static FE_TGT double FE_FN(entropy_row)(const FE_T *p, Py_ssize_t n)
{
    fe_acc S = {0.0, 0.0}, T = {0.0, 0.0};
    double special = 0.0;
    for (Py_ssize_t b = 0; b < n; b += FE_BLOCK) {
        const Py_ssize_t e = n - b < FE_BLOCK ? n : b + FE_BLOCK;
        double s = 0.0, t = 0.0, bad = 0.0;
        FE_SIMD_SUM(s, t, bad)
        for (Py_ssize_t i = b; i < e; i++) {
            const double x = (double)p[i];
            bad += FE_VALID(x) ? 0.0 : 1.0;
            s += x;
            t += x * fe_log(x >= DBL_MIN ? x : 1.0);
        }
        fe_acc_add(&S, s);
        fe_acc_add(&T, t);
        special += bad;
    }
    const double sum = fe_acc_value(&S);
    if (special != 0.0 || !(sum >= FE_SAFE_MIN && sum <= FE_SAFE_MAX))
        return FE_DT(entropy_careful)(p, n);
    return fmax(log(sum) - fe_acc_value(&T) / sum, 0.0); /* H >= 0: clip the rounding of the fused form */
}

/* H(p, q) = log Sq - (1/Sp) sum p log q. */
static FE_TGT double FE_FN(cross_entropy_row)(const FE_T *p, const FE_T *q, Py_ssize_t n)
{
    fe_acc SP = {0.0, 0.0}, SQ = {0.0, 0.0}, T = {0.0, 0.0};
    double special = 0.0;
    for (Py_ssize_t b = 0; b < n; b += FE_BLOCK) {
        const Py_ssize_t e = n - b < FE_BLOCK ? n : b + FE_BLOCK;
        double sp = 0.0, sq = 0.0, t = 0.0, bad = 0.0;
        FE_SIMD_SUM(sp, sq, t, bad)
        for (Py_ssize_t i = b; i < e; i++) {
            const double x = (double)p[i], y = (double)q[i];
            const int ok = FE_VALID(x) && FE_VALID(y) && (x == 0.0 || y >= DBL_MIN);
            bad += ok ? 0.0 : 1.0;
            sp += x;
            sq += y;
            t += x * fe_log(y >= DBL_MIN ? y : 1.0);
        }
        fe_acc_add(&SP, sp);
        fe_acc_add(&SQ, sq);
        fe_acc_add(&T, t);
        special += bad;
    }
    const double sp = fe_acc_value(&SP), sq = fe_acc_value(&SQ);
    if (special != 0.0 || !(sp >= FE_SAFE_MIN && sp <= FE_SAFE_MAX) ||
        !(sq >= FE_SAFE_MIN && sq <= FE_SAFE_MAX))
        return FE_DT(pair_careful)(0, p, q, n);
    return fmax(log(sq) - fe_acc_value(&T) / sp, 0.0); /* H(p, q) >= H(p) >= 0 */
}

/* D(p || q) = (1/Sp) sum p log(p / q) + log(Sq / Sp).  The ratio form keeps the accuracy when
 * p ~ q (log p - log q would cancel). */
static FE_TGT double FE_FN(kl_row)(const FE_T *p, const FE_T *q, Py_ssize_t n)
{
    fe_acc SP = {0.0, 0.0}, SQ = {0.0, 0.0}, T = {0.0, 0.0};
    double special = 0.0;
    for (Py_ssize_t b = 0; b < n; b += FE_BLOCK) {
        const Py_ssize_t e = n - b < FE_BLOCK ? n : b + FE_BLOCK;
        double sp = 0.0, sq = 0.0, t = 0.0, bad = 0.0;
        FE_SIMD_SUM(sp, sq, t, bad)
        for (Py_ssize_t i = b; i < e; i++) {
            const double x = (double)p[i], y = (double)q[i];
            const double r = (x >= DBL_MIN ? x : 1.0) / (y >= DBL_MIN ? y : 1.0);
            const int ok = FE_VALID(x) && FE_VALID(y) &&
                           (x == 0.0 || (x >= DBL_MIN && y >= DBL_MIN && r >= DBL_MIN && r <= DBL_MAX));
            bad += ok ? 0.0 : 1.0;
            sp += x;
            sq += y;
            t += x * fe_log(r >= DBL_MIN && r <= DBL_MAX ? r : 1.0);
        }
        fe_acc_add(&SP, sp);
        fe_acc_add(&SQ, sq);
        fe_acc_add(&T, t);
        special += bad;
    }
    const double sp = fe_acc_value(&SP), sq = fe_acc_value(&SQ);
    if (special != 0.0 || !(sp >= FE_SAFE_MIN && sp <= FE_SAFE_MAX) ||
        !(sq >= FE_SAFE_MIN && sq <= FE_SAFE_MAX))
        return FE_DT(pair_careful)(1, p, q, n);
    return fe_acc_value(&T) / sp + log(sq / sp);
}

/* JS(p, q) = 1/2 sum a log(2a / (a + b)) + b log(2b / (a + b)), a = p / Sp, b = q / Sq.
 * Two passes over the row (sums, then terms); the second one reads from cache for rows that
 * fit in L2.  a (or b) below DBL_MIN is dropped: its term is below 1e-305 in absolute value.
 * JS >= 0 mathematically; a rounding-negative result is clipped to 0. */
static FE_TGT double FE_FN(js_row)(const FE_T *p, const FE_T *q, Py_ssize_t n)
{
    fe_acc SP = {0.0, 0.0}, SQ = {0.0, 0.0}, T = {0.0, 0.0};
    double special = 0.0;
    for (Py_ssize_t b = 0; b < n; b += FE_BLOCK) {
        const Py_ssize_t e = n - b < FE_BLOCK ? n : b + FE_BLOCK;
        double sp = 0.0, sq = 0.0, bad = 0.0;
        FE_SIMD_SUM(sp, sq, bad)
        for (Py_ssize_t i = b; i < e; i++) {
            const double x = (double)p[i], y = (double)q[i];
            bad += (FE_VALID(x) && FE_VALID(y)) ? 0.0 : 1.0;
            sp += x;
            sq += y;
        }
        fe_acc_add(&SP, sp);
        fe_acc_add(&SQ, sq);
        special += bad;
    }
    const double sp = fe_acc_value(&SP), sq = fe_acc_value(&SQ);
    if (special != 0.0 || !(sp >= FE_SAFE_MIN && sp <= FE_SAFE_MAX) ||
        !(sq >= FE_SAFE_MIN && sq <= FE_SAFE_MAX))
        return FE_DT(pair_careful)(2, p, q, n);
    const double ip = 1.0 / sp, iq = 1.0 / sq;
    for (Py_ssize_t b = 0; b < n; b += FE_BLOCK) {
        const Py_ssize_t e = n - b < FE_BLOCK ? n : b + FE_BLOCK;
        double t = 0.0;
        FE_SIMD_SUM(t)
        for (Py_ssize_t i = b; i < e; i++) {
            const double a = (double)p[i] * ip, c = (double)q[i] * iq;
            const double m = a + c;
            const double ra = a >= DBL_MIN ? 2.0 * a / m : 1.0;
            const double rc = c >= DBL_MIN ? 2.0 * c / m : 1.0;
            t += a * fe_log(ra) + c * fe_log(rc);
        }
        fe_acc_add(&T, t);
    }
    return fmax(0.5 * fe_acc_value(&T), 0.0); /* >= 0 up to rounding: clip */
}

#undef FE_SAFE_MIN
#undef FE_SAFE_MAX
#undef FE_VALID
