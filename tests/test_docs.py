# SPDX-License-Identifier: BSD-3-Clause
"""The docstring examples of the public modules run and give what they show."""

import doctest
import importlib
from pathlib import Path

import pytest

import fastent
from fastent import discrete, selection

#: Every module whose docstrings hold examples (the selector's need scikit-learn, fastent.dask's
#: Dask).
MODULES = [
    "fastent",
    "fastent.distributions",
    "fastent.logits",
    "fastent.discrete",
    "fastent.selection",
    "fastent.selection._binning",
    "fastent.selection._scores",
    "fastent.selection._greedy",
    "fastent.selection._sklearn",
    "fastent.selection._stream",
    "fastent.stream",
    "fastent.dask",
    "fastent.reference",
    "fastent.reference.discrete",
    "fastent.reference.selection",
    "fastent._core.config",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    if name.endswith("_sklearn"):
        pytest.importorskip("sklearn")
    if name == "fastent.dask":
        pytest.importorskip("dask.dataframe")
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if module is not fastent:
        assert result.attempted > 0


@pytest.mark.parametrize("module", [fastent, discrete, selection], ids=lambda m: m.__name__)
def test_public_names_are_documented(module):
    for name in module.__all__:
        obj = getattr(module, name)
        if callable(obj) and not isinstance(obj, type):
            assert obj.__doc__, name
            assert "Examples" in obj.__doc__, name


def test_readme_example():
    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.exists():  # tests run from an installed wheel's sdist without the README
        pytest.skip("README.md is not next to the tests")
    result = doctest.testfile(str(readme), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 5
