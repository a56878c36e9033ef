# SPDX-License-Identifier: BSD-3-Clause
"""Fuzzing fastent's public API against its contract (issue 11).

One target per public family (``targets.FAMILIES``) turns fuzz bytes into a call: arbitrary
shapes (0-d, empty, up to a few hundred elements), dtypes (every integer width, floats, bool,
complex, strings, objects, datetimes; big-endian), layouts (C, F, strided, transposed),
values (0, tiny, subnormal, huge, +-inf, NaN, +-2**63 labels) and argument values (axis, base,
n_jobs, nan_policy, reductions, weights, estimators, methods ...).  ``harness.check`` holds
fastent to the contract: the same result as ``fastent.reference`` (within the dtype's
tolerance) or the same ``ValueError``/``TypeError`` - never a crash, a hang, another
exception type or a wrong number.

* The smoke run is part of the test suite (``tests/test_fuzz.py``): seeded random bytes,
  a few hundred inputs per family, and the inputs that once found bugs (``corpus``).
* The long run is coverage-guided, with atheris (Linux x86_64, CPython 3.10-3.13)::

      python -m tests.fuzz distributions -atheris_runs=200000    # or logits, discrete, selection

  A failing input is written to ``crash-<hash>`` by libFuzzer; add it to ``corpus.py``.
"""
