# SPDX-License-Identifier: BSD-3-Clause
"""Build the compiled kernels: extension modules, OpenMP detection, compiler flags.

All package metadata lives in pyproject.toml.  Environment switches:

* ``FASTENT_DEBUG=1``: Cython bounds/wraparound checks back on, ``-O0 -g``.
* ``FASTENT_SANITIZE=1``: AddressSanitizer and UndefinedBehaviorSanitizer (``-O1 -g``); run with
  the ASan runtime preloaded (CONTRIBUTING.md, "Sanitizers").
* ``FASTENT_NO_OPENMP=1``: build without OpenMP (serial kernels; ``omp simd`` kept when the
  compiler has ``-fopenmp-simd``).
* ``CIBUILDWHEEL=1``: a missing OpenMP is an error, not a warning (wheels must be parallel).
* ``FASTENT_KEEP_SYMBOLS=1``: do not strip the extension modules (tools/check_isa.py).
"""

import os
import shlex
import sys
import tempfile
import warnings
from pathlib import Path

from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

KERNELS = Path("src", "fastent", "_kernels")
KERNEL_MODULES = ("runtime", "distributions", "logits", "counting", "neighbors")
DEBUG = os.environ.get("FASTENT_DEBUG", "0") == "1"
SANITIZE = os.environ.get("FASTENT_SANITIZE", "0") == "1"
SANITIZERS = ["-fsanitize=address,undefined", "-fno-sanitize-recover=undefined"]


def _flag_sets(compiler_type):
    """(OpenMP compile flags, OpenMP link flags) to try for this compiler."""
    if compiler_type == "msvc":
        return [(["/openmp"], [])]
    if sys.platform == "darwin":
        # Apple clang: libomp from Homebrew or the cibuildwheel before-all step (CPPFLAGS/LDFLAGS).
        return [(["-Xpreprocessor", "-fopenmp"], ["-lomp"]), (["-fopenmp"], ["-fopenmp"])]
    return [(["-fopenmp"], ["-fopenmp"])]


def _compiles(compiler, source, cflags, ldflags):
    """Whether ``source`` compiles and links with these flags (plus CPPFLAGS/LDFLAGS from the
    environment, which setuptools applies to the real extensions but not to this check; macOS
    builds point them at Homebrew's libomp)."""
    env_cpp = shlex.split(os.environ.get("CPPFLAGS", ""))
    env_ld = shlex.split(os.environ.get("LDFLAGS", ""))
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp, "check.c")
        src.write_text(source)
        try:
            objs = compiler.compile([str(src)], output_dir=tmp, extra_postargs=env_cpp + cflags)
            compiler.link_executable(objs, "check", output_dir=tmp, extra_postargs=ldflags + env_ld)
        except Exception:
            return False
    return True


OPENMP_CHECK = """#include <omp.h>
int main(void) {
    int n = 0;
    #pragma omp parallel reduction(+:n)
    n += 1;
    return n > 0 ? 0 : 1;
}
"""


class BuildExt(build_ext):
    """build_ext that adds the compiler's OpenMP and optimisation flags to every extension."""

    def build_extensions(self):
        ctype = self.compiler.compiler_type
        if ctype == "msvc":
            cflags, ldflags = ["/O2"] if not DEBUG else ["/Od"], []
        else:
            math = ["-fno-math-errno", "-fno-trapping-math"]
            if SANITIZE:
                level = ["-O1", "-g", "-fno-omit-frame-pointer", *SANITIZERS, *math]
            elif DEBUG:
                level = ["-O0", "-g"]
            else:
                level = ["-O3", *math]
            cflags = [*level, "-Wno-unused-function"]
            # strip the shipped .so on Linux (symbols only bloat the wheel); kept in debug builds
            # and for tools/check_isa.py (FASTENT_KEEP_SYMBOLS=1)
            keep = DEBUG or SANITIZE or os.environ.get("FASTENT_KEEP_SYMBOLS", "0") == "1"
            ldflags = ["-s"] if sys.platform.startswith("linux") and not keep else []
            if SANITIZE:
                ldflags += SANITIZERS
        omp = None
        if os.environ.get("FASTENT_NO_OPENMP", "0") != "1":
            omp = next(
                (f for f in _flag_sets(ctype) if _compiles(self.compiler, OPENMP_CHECK, *f)), None
            )
            if omp is None:
                msg = "OpenMP not found: building serial kernels (n_jobs has no effect)."
                if os.environ.get("CIBUILDWHEEL", "0") == "1":
                    raise RuntimeError(f"packaged build without OpenMP. {msg}")
                warnings.warn(msg, stacklevel=1)
        if omp is not None:
            cflags += omp[0]
            ldflags += omp[1]
        elif ctype != "msvc" and _compiles(
            self.compiler, "int main(void){return 0;}", ["-fopenmp-simd"], []
        ):
            cflags += ["-fopenmp-simd", "-DFE_OMP_SIMD"]
        for ext in self.extensions:
            ext.extra_compile_args = cflags + ext.extra_compile_args
            ext.extra_link_args = ldflags + ext.extra_link_args
        super().build_extensions()


# The kNN kernels reproduce scikit-learn's roundings operation for operation: no a*b+c fused
# behind the code's back (GCC fuses across statements wherever FMA is in the baseline, e.g.
# aarch64).  The other kernels keep contraction: their exp/log polynomials gain from FMA.
EXACT_ROUNDING = {"neighbors"}


def _extension(name):
    exact = name in EXACT_ROUNDING and not sys.platform.startswith("win")
    return Extension(
        f"fastent._kernels.{name}",
        [str(KERNELS / f"{name}.pyx")],
        include_dirs=[str(KERNELS)],
        depends=[str(p) for pattern in ("*.h", "*.pxd") for p in KERNELS.glob(pattern)],
        extra_compile_args=["-ffp-contract=off"] if exact else [],
    )


directives = {
    "language_level": 3,
    "boundscheck": DEBUG,
    "wraparound": DEBUG,
    "initializedcheck": DEBUG,
    "cdivision": True,
    "freethreading_compatible": True,
}

setup(
    ext_modules=cythonize(
        [_extension(name) for name in KERNEL_MODULES],
        compiler_directives=directives,
    ),
    cmdclass={"build_ext": BuildExt},
)
