/* SPDX-License-Identifier: BSD-3-Clause
 *
 * neighbors.h -- nearest-neighbour mutual information: Ross (2014) for a continuous and a
 * discrete variable, Kraskov-Stoegbauer-Grassberger (2004, estimator 1) for two continuous ones;
 * the kernels of fastent.selection's continuous="knn" and of its drop-in mutual_info_classif /
 * mutual_info_regression (one extension, neighbors.pyx).
 *
 * The numbers are scikit-learn's (sklearn/feature_selection/_mutual_info.py), so every search
 * reproduces the floating-point arithmetic of the one scikit-learn runs:
 *   - Ross: the k-th neighbour distance of a point within its class is sqrt(d * d) of the
 *     difference d (a KD-tree), except in a class of at most 2k + 1 points, where scikit-learn
 *     searches by brute force with the expansion sqrt(max((a*a - 2*(a*b)) + b*b, 0)); the radius
 *     is one ulp below it (nextafter(r, 0)); a point counts in the radius of another when
 *     d * d <= radius * radius (the KD-tree's squared distances).
 *   - KSG: Chebyshev distances max(|dx|, |dy|) in the plane, |dx| and |dy| on the axes.
 * No tree per column: Ross sorts each class (a radix sort of the values) and walks outwards in
 * 1-D; KSG cuts the plane into vertical strips of equal counts, each sorted by y, and finds the
 * k-th neighbour by scanning outwards in y within strips outwards in x; both count the points
 * inside each radius on the sorted axes by galloping from the point's own position.  Plain C
 * (branchy searches gain nothing from SIMD): every column runs in its own thread with its own
 * workspace.
 */
#ifndef FASTENT_NEIGHBORS_H
#define FASTENT_NEIGHBORS_H

#include <stdlib.h>

#include "_math.h" /* fe_acc; Py_ssize_t, math.h, stdint.h, string.h */

#define FE_MAX_NEIGHBORS 256 /* the k of one search; the Python layer checks n_neighbors */

/* ---- digamma ----------------------------------------------------------------------------------
 */

/* psi(x) for x > 0: the recurrence up to x >= 10, then the asymptotic series (error < 1e-16). */
static double fe_digamma(double x)
{
    double shift = 0.0;
    while (x < 10.0) {
        shift -= 1.0 / x;
        x += 1.0;
    }
    const double inv = 1.0 / x, t = inv * inv;
    /* ln x - 1/2x - sum B_2k / (2k x^2k), k = 1..7 */
    const double series =
        t * (1.0 / 12 -
             t * (1.0 / 120 -
                  t * (1.0 / 252 -
                       t * (1.0 / 240 - t * (1.0 / 132 - t * (691.0 / 32760 - t * (1.0 / 12)))))));
    return shift + log(x) - 0.5 * inv - series;
}

/* psi(1), ..., psi(FE_PSI_TABLE - 1): most counts of the estimators are small integers. */
#define FE_PSI_TABLE 4096
static double fe_psi_table[FE_PSI_TABLE];

/* Fill the table (once, at import, before any thread reads it). */
static void fe_neighbors_init(void)
{
    for (int m = 1; m < FE_PSI_TABLE; m++) fe_psi_table[m] = fe_digamma((double)m);
}

/* psi(m) of a count m >= 1. */
static inline double fe_psi_count(Py_ssize_t m)
{
    return m < FE_PSI_TABLE ? fe_psi_table[m] : fe_digamma((double)m);
}

/* ---- sorting doubles ---------------------------------------------------------------------------
 */

/* The unsigned key that sorts like the double (no NaN). */
static inline uint64_t fe_order_key(double v)
{
    uint64_t b;
    memcpy(&b, &v, sizeof b);
    return (b >> 63) ? ~b : b | 0x8000000000000000ull;
}

/* order[0..n) = the indices 0..n-1 sorted by values v (stable LSD radix sort, 11-bit digits:
 * the counts of every digit in one pass over the keys, then a scatter pass for each digit on
 * which the keys differ, between (keys, order) and (tmp_keys, tmp)); keys, tmp_keys, tmp: n
 * each, scratch. */
static void fe_argsort(const double *v, Py_ssize_t n, Py_ssize_t *order, uint64_t *keys,
                       uint64_t *tmp_keys, Py_ssize_t *tmp)
{
    enum { DIGITS = 6, RADIX = 2048 };
    Py_ssize_t count[DIGITS][RADIX];
    memset(count, 0, sizeof count);
    uint64_t lo = ~0ull, hi = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        const uint64_t key = fe_order_key(v[i]);
        keys[i] = key;
        lo &= key;
        hi |= key;
        for (int d = 0; d < DIGITS; d++) count[d][(key >> (11 * d)) & (RADIX - 1)]++;
    }
    const uint64_t differ = lo ^ hi; /* the bits on which some keys differ */
    uint64_t *src_keys = keys, *dst_keys = tmp_keys;
    Py_ssize_t *src = NULL, *dst = tmp; /* src NULL: the identity order */
    for (int d = 0; d < DIGITS; d++) {
        const int shift = 11 * d;
        if (!((differ >> shift) & (RADIX - 1))) continue; /* one value of this digit: in order */
        Py_ssize_t *at = count[d], sum = 0;
        for (int c = 0; c < RADIX; c++) {
            const Py_ssize_t m = at[c];
            at[c] = sum;
            sum += m;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            const uint64_t key = src_keys[i];
            const Py_ssize_t to = at[(key >> shift) & (RADIX - 1)]++;
            dst_keys[to] = key;
            dst[to] = src ? src[i] : i;
        }
        uint64_t *swap_keys = src_keys;
        src_keys = dst_keys;
        dst_keys = swap_keys;
        src = dst;
        dst = src == tmp ? order : tmp;
    }
    if (src == NULL) {
        for (Py_ssize_t i = 0; i < n; i++) order[i] = i;
    } else if (src != order) {
        memcpy(order, src, (size_t)n * sizeof *order);
    }
}

/* The largest double below r >= 0 (0 for 0): scikit-learn's np.nextafter(r, 0), inlined. */
static inline double fe_below(double r)
{
    if (!(r > 0)) return r;
    uint64_t b;
    memcpy(&b, &r, sizeof b);
    b -= 1; /* positive finite doubles: the previous bit pattern is the previous value */
    memcpy(&r, &b, sizeof r);
    return r;
}

/* ---- k smallest distances ----------------------------------------------------------------------
 */

/* The k smallest of the values pushed so far, ascending, +inf while fewer than k were pushed:
 * best[k - 1] is the k-th smallest, the bound a new value must beat. */
typedef struct {
    double best[FE_MAX_NEIGHBORS];
    int k;
} fe_kbest;

static inline void fe_kbest_init(fe_kbest *h, int k)
{
    h->k = k;
    for (int i = 0; i < k; i++) h->best[i] = INFINITY;
}

static inline double fe_kbest_bound(const fe_kbest *h)
{
    return h->best[h->k - 1];
}

/* Insert d, dropping the largest: best[i] = max(best[i - 1], min(best[i], d)) from the top,
 * without a branch (a value that loses changes nothing); for large k the losers are skipped. */
static inline void fe_kbest_push(fe_kbest *h, double d)
{
    double *b = h->best;
    const int k = h->k;
    if (k > 8 && d >= b[k - 1]) return;
    for (int i = k - 1; i > 0; i--) {
        const double m = b[i] < d ? b[i] : d;
        b[i] = b[i - 1] > m ? b[i - 1] : m;
    }
    b[0] = b[0] < d ? b[0] : d;
}

/* ---- scikit-learn's preparation of continuous columns ---------------------------------------
 */

/* Rows i0 .. i1 - 1 of the continuous columns divided by their scale, plus their noise,
 * transposed: out[j * n + i] = x[i, j] / scale[j] + noise_scale[j] * noise[i * p + j], x[i, j]
 * at x + i * row_step + j * col_step (elements) -- NumPy's `x / scale` then `+= noise_scale *
 * noise`, operation for operation (two roundings each; the kernels are built without FMA
 * contraction). */
static void fe_noised_rows(const double *x, Py_ssize_t row_step, Py_ssize_t col_step,
                           const double *noise, const double *scale, const double *noise_scale,
                           Py_ssize_t n, Py_ssize_t p, Py_ssize_t i0, Py_ssize_t i1, double *out)
{
    for (Py_ssize_t j = 0; j < p; j++) {
        const double s = scale[j], c = noise_scale[j];
        const double *xj = x + j * col_step;
        double *o = out + j * n;
        for (Py_ssize_t i = i0; i < i1; i++) {
            const double v = xj[i * row_step] / s, e = c * noise[i * p + j];
            o[i] = v + e;
        }
    }
}

/* ---- Ross: continuous c, discrete d ------------------------------------------------------------
 */

/* Workspace of fe_mi_ross, in bytes. */
static Py_ssize_t fe_ross_work_size(Py_ssize_t n, int32_t kd)
{
    return (Py_ssize_t)(n * (3 * sizeof(Py_ssize_t) + 3 * sizeof(uint64_t) + 2 * sizeof(double)) +
                        (kd + 1) * 2 * sizeof(Py_ssize_t) + 64);
}

/* Squared-distance count of scikit-learn's KD-tree: points of sorted v (kept points) with
 * (v[j] - v[at])^2 <= r2, galloping out from position `at` (v[at] is the point itself). */
static Py_ssize_t fe_count_within_sq(const double *v, Py_ssize_t n, Py_ssize_t at, double r2)
{
    const double x = v[at];
    Py_ssize_t step = 1, lo = at, hi = at; /* v[lo..hi] all inside */
    /* upwards: the last j with (v[j] - x)^2 <= r2 (monotone in j) */
    while (hi + step < n && (v[hi + step] - x) * (v[hi + step] - x) <= r2) {
        hi += step;
        step *= 2;
    }
    for (step /= 2; step > 0; step /= 2)
        if (hi + step < n && (v[hi + step] - x) * (v[hi + step] - x) <= r2) hi += step;
    step = 1;
    while (lo - step >= 0 && (x - v[lo - step]) * (x - v[lo - step]) <= r2) {
        lo -= step;
        step *= 2;
    }
    for (step /= 2; step > 0; step /= 2)
        if (lo - step >= 0 && (x - v[lo - step]) * (x - v[lo - step]) <= r2) lo -= step;
    return hi - lo + 1;
}

/* Ross's I(C; D) in nats, clipped at 0, as scikit-learn's _compute_mi_cd: c[i] continuous, d[i]
 * a label code in [0, kd); k neighbours (1 <= k <= FE_MAX_NEIGHBORS); single: c holds float32
 * values (scikit-learn's brute-force search then rounds its distances to float32). */
static double fe_mi_ross(const double *c, const int32_t *d, Py_ssize_t n, int32_t kd, int k,
                         int single, void *work)
{
    char *w = (char *)work;
    Py_ssize_t *order = (Py_ssize_t *)w, *tmp = order + n, *sorted_pos = tmp + n;
    uint64_t *keys = (uint64_t *)(sorted_pos + n), *tmp_keys = keys + n,
             *by_class_key = tmp_keys + n;
    double *vals = (double *)(by_class_key + n), *kept = vals + n;
    Py_ssize_t *start = (Py_ssize_t *)(kept + n), *fill = start + kd + 1;
    (void)by_class_key;

    fe_argsort(c, n, order, keys, tmp_keys, tmp);
    /* classes in order, each sorted by value (a stable counting sort of the sorted order) */
    memset(start, 0, (size_t)(kd + 1) * sizeof *start);
    for (Py_ssize_t i = 0; i < n; i++) start[d[i] + 1]++;
    for (int32_t l = 0; l < kd; l++) start[l + 1] += start[l];
    memcpy(fill, start, (size_t)(kd + 1) * sizeof *fill);
    for (Py_ssize_t s = 0; s < n; s++) {
        Py_ssize_t i = order[s];
        Py_ssize_t at = fill[d[i]]++;
        vals[at] = c[i];
        tmp[at] = s; /* the point's position in the global sorted order */
    }
    /* kept points (classes of more than one), in global sorted order: their positions */
    for (Py_ssize_t s = 0; s < n; s++) sorted_pos[s] = -1;
    Py_ssize_t n_kept = 0;
    for (Py_ssize_t s = 0; s < n; s++) {
        int32_t l = d[order[s]];
        if (start[l + 1] - start[l] > 1) {
            sorted_pos[s] = n_kept;
            kept[n_kept++] = c[order[s]];
        }
    }
    if (n_kept == 0) return 0.0;

    fe_acc sum_k = {0, 0}, sum_count = {0, 0}, sum_m = {0, 0};
    for (int32_t l = 0; l < kd; l++) {
        const Py_ssize_t lo = start[l], m = start[l + 1] - lo;
        if (m <= 1) continue;
        const int kl = k < m - 1 ? k : (int)(m - 1);
        /* scikit-learn's NearestNeighbors searches a class of m points by brute force (the
         * expansion a*a - 2ab + b*b) when kl >= m / 2, else with a KD-tree (exact differences) */
        const int brute = kl >= m / 2;
        const double *v = vals + lo;
        const double psi_k = fe_psi_count(kl), psi_m = fe_psi_count(m);
        for (Py_ssize_t p = 0; p < m; p++) {
            double r;
            if (brute) {
                fe_kbest h;
                fe_kbest_init(&h, kl);
                const double a = v[p];
                for (Py_ssize_t q = 0; q < m; q++) {
                    if (q == p) continue;
                    const double b = v[q], e = (a * a - 2.0 * (a * b)) + b * b;
                    /* float32 data (single): the distance rounded to float32, as NumPy's */
                    fe_kbest_push(&h, single ? (double)sqrtf((float)(e > 0 ? e : 0.0))
                                             : sqrt(e > 0 ? e : 0.0));
                }
                r = fe_kbest_bound(&h);
            } else { /* walk outwards from p: the kl-th smallest |difference| */
                Py_ssize_t left = p - 1, right = p + 1;
                double dist = 0.0;
                for (int t = 0; t < kl; t++) {
                    const double dl = left >= 0 ? v[p] - v[left] : INFINITY;
                    const double dr = right < m ? v[right] - v[p] : INFINITY;
                    if (dl <= dr) {
                        dist = dl;
                        left--;
                    } else {
                        dist = dr;
                        right++;
                    }
                }
                r = sqrt(dist * dist);
            }
            const double radius = fe_below(r);
            const Py_ssize_t at = sorted_pos[tmp[lo + p]];
            const Py_ssize_t count = fe_count_within_sq(kept, n_kept, at, radius * radius);
            fe_acc_add(&sum_k, psi_k);
            fe_acc_add(&sum_count, psi_m);
            fe_acc_add(&sum_m, fe_psi_count(count));
        }
    }
    const double nk = (double)n_kept;
    const double mi = fe_digamma(nk) + fe_acc_value(&sum_k) / nk - fe_acc_value(&sum_count) / nk -
                      fe_acc_value(&sum_m) / nk;
    return mi > 0 ? mi : 0.0;
}

/* ---- KSG: continuous x, continuous y -----------------------------------------------------------
 */

/* Workspace of fe_mi_ksg, in bytes. */
static Py_ssize_t fe_ksg_work_size(Py_ssize_t n)
{
    return (Py_ssize_t)(n * (6 * sizeof(Py_ssize_t) + 2 * sizeof(uint64_t) + 5 * sizeof(double)) +
                        ((Py_ssize_t)sqrt((double)n) + 8) * sizeof(Py_ssize_t) + 64);
}

/* The points cut into vertical strips of about equal counts by x, each strip sorted by y: strip
 * s holds positions first[s] .. first[s + 1] - 1 of (sx, sy), with x values in [xlo[s], xhi[s]]
 * -- the structure of the k-th neighbour search in the plane. */
typedef struct {
    const double *xy; /* the points (x, y), strip by strip, by y within a strip */
    const Py_ssize_t *first;
    const double *xlo, *xhi;
    Py_ssize_t n_strips;
} fe_strips;

/* The candidates of strip s from position `from` upwards (step 1) or downwards (step -1), while
 * their y distance can still beat the k-th best: Chebyshev distances pushed into h. */
static inline void fe_scan(const fe_strips *g, Py_ssize_t s, Py_ssize_t from, int step, double qx,
                           double qy, fe_kbest *h)
{
    const Py_ssize_t lo = g->first[s], hi = g->first[s + 1];
    for (Py_ssize_t j = from; j >= lo && j < hi; j += step) {
        const double dy = fabs(g->xy[2 * j + 1] - qy);
        if (dy >= fe_kbest_bound(h)) return; /* farther in y from here on */
        const double dx = fabs(g->xy[2 * j] - qx);
        fe_kbest_push(h, dx > dy ? dx : dy);
    }
}

/* First position of strip s whose y is >= qy, advancing the strip's cursor: the queries of one
 * strip come in increasing y, so each cursor only moves forwards. */
static inline Py_ssize_t fe_lower_bound(const fe_strips *g, Py_ssize_t s, double qy,
                                        Py_ssize_t *cursor)
{
    Py_ssize_t j = cursor[s], step = 1; /* sy[j - 1] < qy already; gallop, then halve */
    const Py_ssize_t hi = g->first[s + 1];
    while (j + step <= hi && g->xy[2 * (j + step - 1) + 1] < qy) {
        j += step;
        step *= 2;
    }
    for (step /= 2; step > 0; step /= 2)
        if (j + step <= hi && g->xy[2 * (j + step - 1) + 1] < qy) j += step;
    if (j < hi && g->xy[2 * j + 1] < qy) j++;
    cursor[s] = j;
    return j;
}

/* The k-th smallest Chebyshev distance from the point at position `at` of strip s to the other
 * points: its own strip outwards in y, then the strips outwards in x while their x gap can beat
 * the k-th best. */
static double fe_kth_chebyshev(const fe_strips *g, Py_ssize_t s, Py_ssize_t at, int k,
                               Py_ssize_t *cursor)
{
    fe_kbest h;
    fe_kbest_init(&h, k);
    const double qx = g->xy[2 * at], qy = g->xy[2 * at + 1];
    fe_scan(g, s, at + 1, 1, qx, qy, &h);
    fe_scan(g, s, at - 1, -1, qx, qy, &h);
    int left = 1, right = 1;
    for (Py_ssize_t o = 1; left || right; o++) {
        if (left) {
            const Py_ssize_t t = s - o;
            if (t < 0 || qx - g->xhi[t] >= fe_kbest_bound(&h)) {
                left = 0;
            } else {
                const Py_ssize_t j = fe_lower_bound(g, t, qy, cursor);
                fe_scan(g, t, j, 1, qx, qy, &h);
                fe_scan(g, t, j - 1, -1, qx, qy, &h);
            }
        }
        if (right) {
            const Py_ssize_t t = s + o;
            if (t >= g->n_strips || g->xlo[t] - qx >= fe_kbest_bound(&h)) {
                right = 0;
            } else {
                const Py_ssize_t j = fe_lower_bound(g, t, qy, cursor);
                fe_scan(g, t, j, 1, qx, qy, &h);
                fe_scan(g, t, j - 1, -1, qx, qy, &h);
            }
        }
    }
    return fe_kbest_bound(&h);
}

/* The last position j >= at of sorted v with v[j] - v[at] <= r, searched from `guess` (the
 * previous point's answer: in a sweep along v the ends move little) by galloping away from it,
 * then halving. */
static inline Py_ssize_t fe_upper_end(const double *v, Py_ssize_t n, Py_ssize_t at, double r,
                                      Py_ssize_t guess)
{
    const double x = v[at];
    Py_ssize_t in, out, step = 1; /* v[in] inside, `out` the first known outside (or n) */
    guess = guess < at ? at : (guess >= n ? n - 1 : guess);
    if (v[guess] - x <= r) { /* inside: gallop up */
        in = guess;
        while (in + step < n && v[in + step] - x <= r) {
            in += step;
            step *= 2;
        }
        out = in + step < n ? in + step : n;
    } else { /* outside: gallop down towards at */
        out = guess;
        while (out - step > at && v[out - step] - x > r) {
            out -= step;
            step *= 2;
        }
        in = out - step > at ? out - step : at;
    }
    while (out - in > 1) {
        const Py_ssize_t mid = in + (out - in) / 2;
        if (v[mid] - x <= r)
            in = mid;
        else
            out = mid;
    }
    return in;
}

/* The same downwards: the first position j <= at with v[at] - v[j] <= r. */
static inline Py_ssize_t fe_lower_end(const double *v, Py_ssize_t at, double r, Py_ssize_t guess)
{
    const double x = v[at];
    Py_ssize_t in, out, step = 1;
    guess = guess > at ? at : (guess < 0 ? 0 : guess);
    if (x - v[guess] <= r) {
        in = guess;
        while (in - step >= 0 && x - v[in - step] <= r) {
            in -= step;
            step *= 2;
        }
        out = in - step >= 0 ? in - step : -1;
    } else {
        out = guess;
        while (out + step < at && x - v[out + step] > r) {
            out += step;
            step *= 2;
        }
        in = out + step < at ? out + step : at;
    }
    while (in - out > 1) {
        const Py_ssize_t mid = out + (in - out) / 2;
        if (x - v[mid] <= r)
            in = mid;
        else
            out = mid;
    }
    return in;
}

/* The bucket of t = (value - first) / width among nb buckets (the end ones take the rest). */
static inline Py_ssize_t fe_bucket(double t, Py_ssize_t nb)
{
    return t > 0 ? (t < (double)nb ? (Py_ssize_t)t : nb - 1) : 0;
}

/* Sum over s of psi(the count of points j with |v[j] - v[s]| <= r[s], s included), v sorted.
 * The values are cut into n / 2 + 1 buckets of equal width, table[b] (n / 2 + 2 entries) the
 * first position of bucket b: each end of a count lies in or next to the bucket of v[s] +- r[s],
 * found there by halving without branches, then checked; where the values crowd into a few
 * buckets (so the check fails) it is galloped to from there. */
static double fe_sum_psi_counts(const double *v, const double *r, Py_ssize_t n, Py_ssize_t *table)
{
    const Py_ssize_t nb = n / 2 + 1;
    const double first = v[0], width = (v[n - 1] - v[0]) / (double)nb;
    const double scale = width > 0 && isfinite(width) ? 1.0 / width : 0.0;
    memset(table, 0, (size_t)(nb + 1) * sizeof *table);
    for (Py_ssize_t j = 0; j < n; j++) table[fe_bucket((v[j] - first) * scale, nb) + 1]++;
    for (Py_ssize_t b = 0; b < nb; b++) table[b + 1] += table[b];
    fe_acc sum = {0, 0};
    for (Py_ssize_t s = 0; s < n; s++) {
        const double x = v[s], rs = r[s];
        /* hi: the last position with v[hi] - x <= rs, in [w0, w1] (v[w0] inside) */
        Py_ssize_t b = fe_bucket((x + rs - first) * scale, nb);
        Py_ssize_t w0 = table[b] - 1, w1 = table[b + 1];
        Py_ssize_t hi = w0 < s ? s : w0, len = (w1 >= n ? n - 1 : w1) - hi + 1;
        for (; len > 1; len -= len / 2) hi = v[hi + len / 2] - x <= rs ? hi + len / 2 : hi;
        if (!(v[hi] - x <= rs) || (hi + 1 < n && v[hi + 1] - x <= rs))
            hi = fe_upper_end(v, n, s, rs, hi);
        /* lo: the first position with x - v[lo] <= rs, in [w0, w1] (v[w1] inside) */
        b = fe_bucket((x - rs - first) * scale, nb);
        w0 = table[b] - 1;
        w1 = table[b + 1];
        Py_ssize_t lo = w0 < 0 ? 0 : w0;
        len = (w1 > s ? s : w1) - lo + 1;
        for (; len > 1; len -= len / 2) lo = x - v[lo + len / 2 - 1] > rs ? lo + len / 2 : lo;
        if (!(x - v[lo] <= rs) || (lo > 0 && x - v[lo - 1] <= rs)) lo = fe_lower_end(v, s, rs, lo);
        fe_acc_add(&sum, fe_psi_count(hi - lo + 1));
    }
    return fe_acc_value(&sum);
}

/* KSG's I(X; Y) in nats (estimator 1), clipped at 0, as scikit-learn's _compute_mi_cc.
 * y_order: the indices that sort y (NULL: sorted here), so that columns against one y share it. */
static double fe_mi_ksg(const double *x, const double *y, const Py_ssize_t *y_order, Py_ssize_t n,
                        int k, void *work)
{
    if (n < 2 || k >= n) return 0.0; /* scikit-learn fails there; the caller checks */
    const Py_ssize_t n_strips = (Py_ssize_t)sqrt((double)n / 4.0) + 1;
    char *w = (char *)work;
    Py_ssize_t *order = (Py_ssize_t *)w, *tmp = order + n, *rank_x = tmp + n,
               *strip_of = rank_x + n, *rx = strip_of + n, *ry = rx + n, *first = ry + n;
    uint64_t *keys = (uint64_t *)(first + n_strips + 2), *tmp_keys = keys + n;
    double *sx = (double *)(tmp_keys + n), *sy = sx + n, *xy = sy + n, *radius = xy + 2 * n,
           *xlo = (double *)tmp_keys, *xhi = xlo + n_strips;

    /* x sorted, each point's place on it and its strip (by x rank) */
    fe_argsort(x, n, order, keys, tmp_keys, tmp);
    for (Py_ssize_t s = 0; s < n; s++) {
        sx[s] = x[order[s]];
        rank_x[order[s]] = s;
        strip_of[order[s]] = s * n_strips / n;
    }
    if (y_order == NULL) {
        fe_argsort(y, n, order, keys, tmp_keys, tmp);
        y_order = order;
    }
    /* the strips (tmp_keys is free now: their x ranges) */
    for (Py_ssize_t s = 0; s <= n_strips; s++) first[s] = (s * n + n_strips - 1) / n_strips;
    for (Py_ssize_t s = 0; s < n_strips; s++) {
        xlo[s] = sx[first[s]];
        xhi[s] = sx[first[s + 1] - 1];
        tmp[s] = first[s];
    }
    /* points dealt out in y order, so each strip is sorted by y; rx, ry: the ranks on the axes
     * of the point at each strip position */
    for (Py_ssize_t s = 0; s < n; s++) {
        const Py_ssize_t i = y_order[s], at = tmp[strip_of[i]]++;
        sy[s] = y[i];
        xy[2 * at] = x[i];
        xy[2 * at + 1] = y[i];
        rx[at] = rank_x[i];
        ry[at] = s;
    }
    /* the k-th neighbour of every point, strip by strip (consecutive queries share their
     * strips in cache), then the counts on each axis */
    const fe_strips g = {xy, first, xlo, xhi, n_strips};
    Py_ssize_t *cursor = tmp; /* a cursor per strip, from the start of the strip at each s */
    for (Py_ssize_t s = 0; s < n_strips; s++) {
        memcpy(cursor, first, (size_t)n_strips * sizeof *cursor);
        for (Py_ssize_t at = first[s]; at < first[s + 1]; at++)
            radius[at] = fe_below(fe_kth_chebyshev(&g, s, at, k, cursor));
    }
    /* the radii in each axis' sorted order (keys, tmp_keys are free), then psi(nx + 1) and
     * psi(ny + 1), nx the count without the point itself, in sweeps along the sorted axes
     * (order and tmp, free too, hold their guess tables) */
    double *rad_x = (double *)keys, *rad_y = (double *)tmp_keys;
    for (Py_ssize_t at = 0; at < n; at++) {
        rad_x[rx[at]] = radius[at];
        rad_y[ry[at]] = radius[at];
    }
    const double dn = (double)n;
    const double mi = fe_digamma(dn) + fe_psi_count(k) -
                      fe_sum_psi_counts(sx, rad_x, n, order) / dn -
                      fe_sum_psi_counts(sy, rad_y, n, order) / dn;
    return mi > 0 ? mi : 0.0;
}

#endif /* FASTENT_NEIGHBORS_H */
