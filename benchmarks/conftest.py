# SPDX-License-Identifier: BSD-3-Clause
"""pytest-benchmark setup: record the machine (harness.py), serve cached inputs (workloads.py).

python -m pytest benchmarks --benchmark-only       # timings
python -m pytest benchmarks --benchmark-disable -q  # smoke run (CI): each call once
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np
import numpy.typing as npt
import pytest

Inputs = tuple[npt.NDArray[np.floating], npt.NDArray[np.floating]]


def _load(name: str) -> ModuleType:
    """benchmarks/<name>.py, whatever the import mode and working directory."""
    path = Path(__file__).with_name(f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"fastent_benchmarks_{name}", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


workloads = _load("workloads")
harness = _load("harness")


@pytest.fixture(scope="session")
def environment() -> dict[str, str]:
    """fastent's config, CPU, cores, OMP_NUM_THREADS and the versions of SciPy, Cython, ..."""
    facts: dict[str, str] = harness.environment()
    return facts


@pytest.fixture(autouse=True)
def _record_environment(request: pytest.FixtureRequest, environment: dict[str, str]) -> None:
    if "benchmark" in request.fixturenames:
        request.getfixturevalue("benchmark").extra_info.update(environment)


@pytest.fixture(scope="session")
def distributions() -> Callable[[tuple[int, int], str], Inputs]:
    """``(P, Q)`` of a shape and dtype: seeded, generated once per session (outside timing)."""

    def make(shape: tuple[int, int], dtype: str) -> Inputs:
        return workloads.p_rows(shape, dtype), workloads.q_rows(shape, dtype)

    return make
