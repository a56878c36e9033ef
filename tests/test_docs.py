# SPDX-License-Identifier: BSD-3-Clause
"""The docstring examples of the public modules run and give what they show."""

import doctest
from pathlib import Path

import pytest

import fastent
from fastent import _config, _sklearn, discrete, distributions, logits, reference, selection
from fastent.reference import discrete as reference_discrete
from fastent.reference import selection as reference_selection

MODULES = [
    fastent,
    distributions,
    logits,
    discrete,
    selection,
    _sklearn,
    reference,
    reference_discrete,
    reference_selection,
    _config,
]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
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
