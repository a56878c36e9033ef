/* SPDX-License-Identifier: BSD-3-Clause
 *
 * _instantiate.h -- compile a family's kernel template once per (dtype, SIMD level).
 *
 * A family header does
 *     #define FE_IMPL "distributions_impl.h"
 *     #include "_instantiate.h"
 * and the template FE_IMPL is then included six times: element type float64 and float32, each at
 * the baseline, AVX2 and AVX-512 levels (the last two only where x86-64 dispatch is compiled in).
 * A template that is not about floating-point elements (counting: integer codes of any width)
 * also defines FE_UNTYPED and is included once per level.  Inside the template:
 *     FE_T            the element type of the inputs (double or float; not with FE_UNTYPED)
 *     FE_IS_F64       1 when FE_T is double, else 0 (for #if)
 *     FE_FN(name)     name_<dtype>_<level>, e.g. entropy_row_f64_avx2 (name_<level> untyped): the
 *                     SIMD kernels
 *     FE_DT(name)     name_<dtype>, e.g. entropy_careful_f32 (name untyped): code emitted once
 *     FE_TGT          the `target` attribute of the level (empty at baseline)
 *     FE_SCALAR_PASS  defined in the baseline pass only: emit the FE_DT (scalar) code there
 *     FE_AVX2_CODE    defined in the AVX2 and AVX-512 passes: code written with AVX2 intrinsics
 *                     (the AVX-512 targets include AVX2)
 *     FE_AVX512_PASS  defined in the AVX-512 passes only (code written with AVX-512 intrinsics)
 *     FE_FMA          1 where the level has a fused multiply-add instruction (AVX2, AVX-512, an
 *                     FMA baseline such as aarch64), else 0: fma() is a libm call there
 *     FE_VPOPCNT_PASS defined in one more pass, at the AVX-512 level with VPOPCNTQ, when the family
 *                     also defines FE_WITH_VPOPCNT (the template then emits only what uses it)
 * Calls between functions of the same pass inline (GCC and Clang inline a callee whose target is
 * a subset of the caller's), so fe_log/fe_exp are vectorised at each level's width.
 */
#ifndef FE_IMPL
#error "define FE_IMPL (the template to instantiate) before including _instantiate.h"
#endif

#if !defined(FE_T) && !defined(FE_UNTYPED)
/* Outer pass: one inner pass per dtype. */
#define FE_DT(name) FE_CAT(name, FE_TS)
#define FE_FN(name) FE_CAT(FE_DT(name), FE_ISA)

#define FE_T double
#define FE_TS f64
#define FE_IS_F64 1
#include "_instantiate.h"
#undef FE_T
#undef FE_TS
#undef FE_IS_F64

#define FE_T float
#define FE_TS f32
#define FE_IS_F64 0
#include "_instantiate.h"
#undef FE_T
#undef FE_TS
#undef FE_IS_F64

#undef FE_DT
#undef FE_FN
#undef FE_IMPL
#else
/* Inner pass: one include of the template per SIMD level. */
#ifdef FE_UNTYPED
#define FE_DT(name) name
#define FE_FN(name) FE_CAT(name, FE_ISA)
#endif

#define FE_ISA baseline
#define FE_TGT
#define FE_SCALAR_PASS 1
#if defined(__FMA__) || defined(__aarch64__) || defined(_M_ARM64)
#define FE_FMA 1
#else
#define FE_FMA 0
#endif
#include FE_IMPL
#undef FE_FMA
#undef FE_SCALAR_PASS
#undef FE_TGT
#undef FE_ISA

#ifdef FE_X86_DISPATCH
#define FE_FMA 1
#define FE_ISA avx2
#define FE_TGT FE_TARGET_AVX2
#define FE_AVX2_CODE 1
#include FE_IMPL
#undef FE_TGT
#undef FE_ISA

#define FE_ISA avx512
#define FE_TGT FE_TARGET_AVX512
#define FE_AVX512_PASS 1
#include FE_IMPL
#undef FE_TGT
#undef FE_ISA

#ifdef FE_WITH_VPOPCNT
#define FE_ISA avx512_vpopcnt
#define FE_TGT FE_TARGET_AVX512_VPOPCNT
#define FE_VPOPCNT_PASS 1
#include FE_IMPL
#undef FE_VPOPCNT_PASS
#undef FE_TGT
#undef FE_ISA
#endif
#undef FE_AVX512_PASS
#undef FE_AVX2_CODE
#undef FE_FMA
#endif

#ifdef FE_UNTYPED
#undef FE_DT
#undef FE_FN
#undef FE_IMPL
#endif
#endif
