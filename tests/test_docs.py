# SPDX-License-Identifier: BSD-3-Clause
"""The docstring examples of the public modules run and give what they show."""

import doctest
from pathlib import Path

import pytest

import fastent
from fastent import _config, distributions, logits, reference


@pytest.mark.parametrize(
    "module", [fastent, distributions, logits, reference, _config], ids=lambda m: m.__name__
)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
    if module is not fastent:
        assert result.attempted > 0


def test_public_names_are_documented():
    for name in fastent.__all__:
        obj = getattr(fastent, name)
        if callable(obj):
            assert obj.__doc__, name
            assert "Examples" in obj.__doc__, name


def test_readme_example():
    readme = Path(__file__).resolve().parents[1] / "README.md"
    if not readme.exists():  # tests run from an installed wheel's sdist without the README
        pytest.skip("README.md is not next to the tests")
    result = doctest.testfile(str(readme), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    assert result.attempted >= 5
