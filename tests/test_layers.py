# SPDX-License-Identifier: BSD-3-Clause
"""The package's layering holds (DESIGN.md section 1; the import-linter contract in pyproject.toml
checks the imports between layers): public modules take no private name from each other, the
reference is an independent NumPy twin, and the selection package needs scikit-learn only for
its selector."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import fastent

PACKAGE = Path(fastent.__file__).parent
#: Private layers the public modules are meant to use.
CORE = ("fastent._core", "fastent._kernels", "fastent._version")


def _module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _public_family(module: str) -> str:
    """The public module or package a module belongs to: fastent.selection for
    fastent.selection._sweeps, fastent.cli for fastent.cli."""
    return ".".join(module.split(".")[:2])


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if node.level == 0:
        return node.module or ""
    base = module.split(".")
    base = base[: len(base) - node.level + (1 if is_package else 0)]
    return ".".join([*base, *([node.module] if node.module else [])])


def _private_imports(path: Path, package: Path = PACKAGE) -> list[str]:
    """``from <another public module> import _name`` and ``<public module>._name`` uses."""
    module = _module_name(path, package)
    family = _public_family(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(module, node, path.name == "__init__.py")
            for alias in node.names:
                target = f"{source}.{alias.name}"
                aliases[alias.asname or alias.name] = target
                other = _public_family(source) != family and not source.startswith(CORE)
                if other and alias.name.startswith("_") and not target.startswith(CORE):
                    found.append(f"{module}: from {source} import {alias.name}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            target = aliases.get(node.value.id, "")
            if (
                target.startswith("fastent.")
                and not target.startswith(CORE)
                and _public_family(target) != family
                and node.attr.startswith("_")
                and not node.attr.startswith("__")
            ):
                found.append(f"{module}: {node.value.id}.{node.attr}")
    return found


def _public_files() -> list[Path]:
    skip = ("_core", "_kernels", "reference")
    return [p for p in sorted(PACKAGE.rglob("*.py")) if p.relative_to(PACKAGE).parts[0] not in skip]


@pytest.mark.parametrize("path", _public_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_public_modules_take_no_private_names_from_each_other(path):
    assert _private_imports(path) == []


def test_the_private_name_check_can_fail(tmp_path):
    bad = PACKAGE / "cli.py"
    source = bad.read_text(encoding="utf-8") + "\nfrom .selection import _greedy\nselection._x\n"
    copy = tmp_path / "fastent" / "cli.py"
    copy.parent.mkdir()
    copy.write_text(source, encoding="utf-8")
    found = _private_imports(copy, tmp_path / "fastent")
    assert found == [
        "fastent.cli: from fastent.selection import _greedy",
        "fastent.cli: selection._x",
    ]


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_reference_imports_and_runs_without_the_rest_of_fastent():
    """fastent.reference loaded on its own (as a package named ``twin``), with every other module
    of fastent, the compiled kernels included, made unimportable: it needs NumPy alone."""
    run = _run(
        f"""
        import importlib.abc, importlib.util, sys
        import numpy as np

        class Block(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "fastent" or name.startswith("fastent."):
                    raise ImportError(f"blocked: {{name}}")
                return None

        sys.meta_path.insert(0, Block())
        root = {str(PACKAGE / "reference")!r}
        spec = importlib.util.spec_from_file_location(
            "twin", root + "/__init__.py", submodule_search_locations=[root]
        )
        twin = importlib.util.module_from_spec(spec)
        sys.modules["twin"] = twin
        spec.loader.exec_module(twin)
        import twin.discrete, twin.selection
        assert not [m for m in sys.modules if m.startswith("fastent")]
        print(round(float(twin.entropy([0.5, 0.25, 0.25], base=2)), 6))
        print(round(float(twin.discrete.mutual_info([0, 0, 1, 1], [0, 0, 1, 1], base=2)), 6))
        X = np.array([[0, 1], [0, 0], [1, 1], [1, 0]])
        print(twin.selection.select_features(X, [0, 0, 1, 1], 2, method="mrmr").indices.tolist())
        """
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["1.5", "1.0", "[0,", "1]"]


def test_selection_star_import_without_scikit_learn():
    run = _run(
        """
        import sys
        sys.modules["sklearn"] = None  # scikit-learn is not installed
        from fastent.selection import *
        print(sorted(k for k in dir() if not k.startswith("_") and k != "sys"))
        try:
            from fastent.selection import MutualInfoSelector
        except ImportError as exc:
            print("ImportError:", exc)
        """
    )
    assert run.returncode == 0, run.stderr
    names, error = run.stdout.splitlines()
    from fastent import selection

    assert names == str(sorted(selection.__all__))
    assert "MutualInfoSelector" not in selection.__all__
    assert error.startswith("ImportError: fastent.selection.MutualInfoSelector needs scikit-learn")
    assert "pip install 'fastentropy[sklearn]'" in error


def test_selector_is_importable_from_selection():
    pytest.importorskip("sklearn")
    from fastent.selection import MutualInfoSelector

    assert MutualInfoSelector.__module__ == "fastent.selection._sklearn"
    assert "MutualInfoSelector" in dir(fastent.selection)
