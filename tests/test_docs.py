# SPDX-License-Identifier: BSD-3-Clause
"""The docstring examples of the public modules run and give what they show."""

import doctest
import importlib
import re
import types
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
    "fastent.selection._neighbors",
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


#: The documentation site's API reference (docs/api): one page per public module.
API_PAGES = Path(__file__).resolve().parents[1] / "docs" / "api"


def _documented(text):
    """The names a page of the API reference documents: autosummary entries (indented bare
    names) and the targets of ``.. autoxxx::`` / ``.. py:xxx::`` directives."""
    entries = re.findall(r"^ {3}~?([\w.]+)$", text, flags=re.MULTILINE)
    directives = re.findall(r"^\.\. (?:auto\w+|py:\w+):: ([\w.]+)", text, flags=re.MULTILINE)
    return {name.rpartition(".")[2] for name in entries + directives}


@pytest.mark.parametrize(
    ("name", "page"),
    [
        ("fastent", "fastent.rst"),
        ("fastent.discrete", "discrete.rst"),
        ("fastent.selection", "selection.rst"),
        ("fastent.stream", "stream.rst"),
        ("fastent.dask", "dask.rst"),
    ],
)
def test_api_reference_lists_every_public_name(name, page):
    """Every name of a public module's __all__ has an entry in its page of the API reference
    (the entries are written by hand; the pages behind them are generated from docstrings).  A
    submodule has a page of its own; a name documented under another module (an alias) is
    named with its module's prefix on the page."""
    if not API_PAGES.is_dir():  # tests run from an sdist without the docs
        pytest.skip("docs/api is not next to the tests")
    if name == "fastent.dask":
        pytest.importorskip("dask.dataframe")
    module = importlib.import_module(name)
    text = (API_PAGES / page).read_text(encoding="utf-8")
    names = set(module.__all__) | ({"MutualInfoSelector"} if name == "fastent.selection" else set())
    documented = _documented(text)
    missing = sorted(
        n
        for n in names
        if n not in documented
        and f"{name}.{n}" not in text
        and not (
            isinstance(getattr(module, n), types.ModuleType) and (API_PAGES / f"{n}.rst").exists()
        )
    )
    assert not missing, f"docs/api/{page} does not document {missing}"


def test_cli_reference_lists_every_command():
    """docs/api/cli.rst renders every subcommand of the fastent command."""
    if not API_PAGES.is_dir():
        pytest.skip("docs/api is not next to the tests")
    from fastent.cli import build_parser

    text = (API_PAGES / "cli.rst").read_text(encoding="utf-8")
    commands = next(a for a in build_parser()._actions if a.choices and a.dest == "command")
    missing = [c for c in commands.choices if f".. fastent-command:: {c}\n" not in text]
    assert not missing, f"docs/api/cli.rst does not render {missing}"
