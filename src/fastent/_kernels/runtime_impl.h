/* SPDX-License-Identifier: BSD-3-Clause
 *
 * runtime_impl.h -- the shared polynomials of _math.h mapped over arrays, compiled at every SIMD
 * level (template for _instantiate.h), so the tests can check fe_log/fe_exp as each level's code
 * computes them (contraction into FMA differs between levels), and fe_logf8 (fe_logf16 at the
 * AVX-512 level) and fe_log8d where they exist.  No include guard on purpose.
 */
/* name_<dtype>_<level>: out[i] = f(x[i]) over n elements of the pass's FE_T. */
#if defined(FE_PRAGMA)
#define FE_MAP(name, f)                                                                            \
    static FE_TGT void FE_FN(name)(const FE_T *x, FE_T *out, Py_ssize_t n)                         \
    {                                                                                              \
        FE_PRAGMA(omp simd)                                                                        \
        for (Py_ssize_t i = 0; i < n; i++) out[i] = f(x[i]);                                       \
    }
#else
#define FE_MAP(name, f)                                                                            \
    static FE_TGT void FE_FN(name)(const FE_T *x, FE_T *out, Py_ssize_t n)                         \
    {                                                                                              \
        for (Py_ssize_t i = 0; i < n; i++) out[i] = f(x[i]);                                       \
    }
#endif

#if FE_IS_F64
FE_MAP(log_map, fe_log)
FE_MAP(exp_map, fe_exp)
#else
FE_MAP(log1p_map, fe_log1pf_unit)
FE_MAP(exp_map, fe_expf)
#endif
#undef FE_MAP

#if !FE_IS_F64 && defined(FE_AVX512_PASS)
/* log m of fe_logf16 (x = 2^k m) over n floats, sixteen at a time (the AVX-512 passes) */
static FE_TGT void FE_FN(logf8_map)(const float *x, float *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i += 16) {
        const __mmask16 live = n - i >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (n - i)) - 1);
        __m512i k;
        _mm512_mask_storeu_ps(out + i, live, fe_logf16(_mm512_maskz_loadu_ps(live, x + i), &k));
    }
}
#elif !FE_IS_F64 && !defined(FE_SCALAR_PASS)
/* log m of fe_logf8 (x = 2^k m) over n floats, eight at a time (the AVX2 passes) */
static FE_TGT void FE_FN(logf8_map)(const float *x, float *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i += 8) {
        const Py_ssize_t r = n - i < 8 ? n - i : 8;
        float in8[8] = {0.0f}, out8[8];
        __m256i k;
        memcpy(in8, x + i, (size_t)r * sizeof(float));
        _mm256_storeu_ps(out8, fe_logf8(_mm256_loadu_ps(in8), &k));
        memcpy(out + i, out8, (size_t)r * sizeof(float));
    }
}
#endif

#if FE_IS_F64 && defined(FE_AVX512_PASS)
/* log m of fe_log8d (x = 2^k m) over n doubles, eight at a time (AVX-512 passes only) */
static FE_TGT void FE_FN(log8d_map)(const double *x, double *out, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i += 8) {
        const __mmask8 live = n - i >= 8 ? (__mmask8)0xff : (__mmask8)((1u << (n - i)) - 1);
        __m512d k;
        _mm512_mask_storeu_pd(out + i, live, fe_log8d(_mm512_maskz_loadu_pd(live, x + i), &k));
    }
}
#endif
