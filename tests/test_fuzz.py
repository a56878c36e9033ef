# SPDX-License-Identifier: BSD-3-Clause
"""The fuzz smoke run (issue 11): every public family on seeded fuzz bytes and on the inputs that
once found bugs, held to the contract by ``tests.fuzz.harness.check``; and a short
coverage-guided atheris run where atheris is installed.  The long run: ``python -m tests.fuzz``."""

from __future__ import annotations

import base64
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .fuzz.corpus import CRASHES, SEEDS, seeded_bytes
from .fuzz.harness import ContractViolation, check
from .fuzz.inputs import Bytes, Draw
from .fuzz.targets import FAMILIES

#: seeded inputs per family in the default suite (about a second a family)
SMOKE_RUNS = int(os.environ.get("FASTENT_FUZZ_RUNS", "1500"))


def _run(family: str, data: bytes) -> None:
    FAMILIES[family](Draw(Bytes(data)))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_smoke_run(family):
    broken = []
    for seed in range(SMOKE_RUNS):
        try:
            _run(family, seeded_bytes(seed))
        except ContractViolation as exc:
            broken.append(f"seed {seed}: {exc}")
    assert not broken, "\n".join(broken[:5])


@pytest.mark.parametrize(("family", "seed"), [(f, s) for f, seeds in SEEDS.items() for s in seeds])
def test_inputs_that_found_bugs(family, seed):
    _run(family, seeded_bytes(seed))


@pytest.mark.parametrize(
    ("family", "data"), [(f, d) for f, found in CRASHES.items() for d in found], ids=str
)
def test_atheris_inputs_that_found_bugs(family, data):
    atheris = pytest.importorskip("atheris")
    FAMILIES[family](Draw(atheris.FuzzedDataProvider(base64.b64decode(data))))


def test_the_harness_catches_a_broken_function():
    """The contract check can fail: a wrong number, a crash-like exception, a modified input."""
    import numpy as np

    from fastent import reference

    def off_by_a_little(p, **kwargs):
        return reference.entropy(p, **kwargs) * (1 + 1e-6)

    def raises_index_error(p, **kwargs):
        raise IndexError("boom")

    def modifies(p, **kwargs):
        p[0] = 0.0
        return reference.entropy(p, **kwargs)

    for broken in (off_by_a_little, raises_index_error, modifies):
        with pytest.raises(ContractViolation):
            check("entropy", broken, reference.entropy, (np.array([0.25, 0.75]),), {})
    check("entropy", reference.entropy, reference.entropy, (np.array([0.25, 0.75]),), {})


@pytest.mark.skipif(importlib.util.find_spec("atheris") is None, reason="atheris not installed")
@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_short_atheris_run(family, tmp_path):
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run(
        [sys.executable, "-m", "tests.fuzz", family, "-atheris_runs=400", "-max_len=1024",
         f"-artifact_prefix={tmp_path}/"],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "Done 400 runs" in proc.stderr or "Done 400 in" in proc.stderr, proc.stderr[-2000:]
