# SPDX-License-Identifier: BSD-3-Clause
"""tools/upstream_tests.py: SciPy's own logsumexp/softmax tests run against fastent's adapters."""

from __future__ import annotations

import importlib.util
import json
import math
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "upstream_tests.py"
UPSTREAM_FILE = "scipy/special/tests/test_logsumexp.py"


def _require_upstream_file() -> None:
    if not TOOL.exists():  # tests run from an sdist without tools/
        pytest.skip("tools/upstream_tests.py is not next to the tests")
    pytest.importorskip("scipy")
    spec = importlib.util.find_spec("scipy")
    assert spec is not None
    assert spec.submodule_search_locations
    root = Path(next(iter(spec.submodule_search_locations))).parent
    if not (root / UPSTREAM_FILE).exists():
        pytest.skip(f"SciPy is installed without its tests ({UPSTREAM_FILE})")


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    """The script, imported (the tools directory is not a package)."""
    _require_upstream_file()
    spec = importlib.util.spec_from_file_location("upstream_tests", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The harness run on SciPy's test_logsumexp.py in a subprocess (a pytest session of its own),
    complex input counted as not applicable: its JSON report."""
    _require_upstream_file()
    out = tmp_path_factory.mktemp("upstream") / "report.json"
    env = {k: v for k, v in os.environ.items() if k != "SCIPY_ARRAY_API"}
    proc = subprocess.run(
        [sys.executable, str(TOOL), UPSTREAM_FILE, "--real-only", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "applicable upstream tests pass" in proc.stdout
    result: dict[str, Any] = json.loads(out.read_text())
    return result


def test_the_harness_finds_applicable_tests_and_most_pass(report: dict[str, Any]) -> None:
    row = report["files"][UPSTREAM_FILE]
    applicable = row.get("passed", 0) + row.get("failed", 0)
    assert applicable >= 30, row  # TestLogSumExp, TestSoftmax, TestLogSoftmax on NumPy
    assert report["applicable"] == applicable
    assert row.get("passed", 0) >= 0.9 * applicable, [
        (t["nodeid"], t["message"]) for t in report["tests"] if t["category"] == "failed"
    ]
    assert not report["collection_errors"]


def test_the_upstream_names_resolve_to_the_adapters_inside_the_run(report: dict[str, Any]) -> None:
    resolved = report["resolved"]
    assert resolved["scipy.special.logsumexp"]
    # ... and the names the test module imported with `from scipy.special import logsumexp`
    for name in ("logsumexp", "softmax", "log_softmax"):
        assert resolved[f"scipy.special.tests.test_logsumexp.{name}"], name
    calls = report["adapter_calls"]
    assert calls["logsumexp"] > 0
    assert calls["softmax"] > 0
    assert calls["log_softmax"] > 0
    # every test counted as applicable called an adapter
    assert all(t["calls"] > 0 for t in report["tests"] if t["category"] in ("passed", "failed"))


def test_complex_input_is_not_applicable_with_real_only(report: dict[str, Any]) -> None:
    complex_tests = [t for t in report["tests"] if "complex" in t["not_applicable"]]
    assert complex_tests
    assert all(t["category"] == "not applicable" for t in complex_tests)


def test_the_adapters_keep_the_upstream_defaults(harness: ModuleType) -> None:
    x = np.zeros((2, 2))
    assert harness.logsumexp(x) == pytest.approx(math.log(4))  # SciPy: axis=None
    np.testing.assert_allclose(harness.softmax(x), np.full((2, 2), 0.25))
    assert harness.scipy_entropy([[1, 1], [1, 1]]) == pytest.approx([math.log(2)] * 2)  # axis=0
    assert math.isnan(harness.scipy_entropy([np.nan, 1.0]))  # SciPy's nan_policy="propagate"
    assert harness.jensenshannon([1.0, 0.0], [1.0, 0.0]) == 0.0
    assert harness.logsumexp.__name__ == "logsumexp"  # pytest ids read as upstream


def test_the_patches_are_undone(harness: ModuleType) -> None:
    special = pytest.importorskip("scipy.special")
    original = special.logsumexp
    patcher = harness.Patcher()
    patcher.install()
    try:
        assert special.logsumexp is harness.logsumexp
        assert patcher.resolved()["scipy.special.logsumexp"]
    finally:
        patcher.uninstall()
    assert special.logsumexp is original
