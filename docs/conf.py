# SPDX-License-Identifier: BSD-3-Clause
"""Sphinx configuration of the fastent documentation site.

Build (from the repository root, after ``pip install -e ".[docs]"``)::

    make -C docs              # the site, warning-free (-W), and the doctests of the guide
    make -C docs html         # the site alone: docs/_build/html/index.html

The API reference is generated from the docstrings (autosummary + numpydoc), the gallery runs the
scripts of ``docs/examples`` (sphinx-gallery), the command-line reference renders the argparse
parser of ``fastent.cli`` (``docs/_ext/cli_reference.py``) and the changelog and benchmark
results are the Markdown files of the repository, included through myst-parser.
"""

from __future__ import annotations

import inspect
import os
import sys
from pathlib import Path

import fastent

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

# gallery examples and doctests draw with matplotlib off screen
os.environ.setdefault("MPLBACKEND", "Agg")

# -- project -------------------------------------------------------------------------------------

project = "fastent"
author = "The fastent developers"
copyright = "the fastent developers"
release = fastent.__version__
version = ".".join(release.split(".")[:2])

# -- extensions ----------------------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
    "cli_reference",  # docs/_ext: the `fastent` command's reference from its argparse parser
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "examples",  # the gallery's sources: sphinx-gallery renders them into auto_examples
    "auto_examples/*.ipynb",
    "auto_examples/*.py",
    "auto_examples/*.zip",
    "**/sg_execution_times.rst",
    "sg_execution_times.rst",
]
templates_path = ["_templates"]
default_role = "literal"

# -- autodoc, autosummary, numpydoc --------------------------------------------------------------

autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "none"  # numpydoc's Parameters section states the types
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_attributes_as_param_list = True
numpydoc_xref_param_type = False

# -- doctest (sphinx-build -b doctest) -----------------------------------------------------------

import doctest  # noqa: E402

doctest_default_flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
doctest_global_setup = """
import numpy as np
import fastent
"""

# -- sphinx-gallery ------------------------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "remove_config_comments": True,
    "doc_module": ("fastent",),
    "backreferences_dir": "gen_modules/backreferences",
    "reference_url": {"fastent": None},
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib",),
    "capture_repr": ("_repr_html_", "__repr__"),
    "min_reported_time": 1,
    "show_memory": False,
    "promote_jupyter_magic": False,
    "abort_on_example_error": True,
}

# -- HTML ----------------------------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"fastent {release}"
html_theme_options = {
    "github_url": "https://github.com/fastent/fastent",
    "navbar_align": "left",
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "header_links_before_dropdown": 6,
    "icon_links_label": "Quick links",
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version", "theme-version"],
    "secondary_sidebar_items": ["page-toc", "sourcelink"],
}
html_context = {"default_mode": "auto"}
html_show_sourcelink = True
html_copy_source = True

# -- myst-parser (the changelog and the benchmark results are Markdown) -------------------------

myst_enable_extensions = ["dollarmath"]
myst_heading_anchors = 3


def _no_builtin_docstring(app, what, name, obj, options, lines) -> None:  # type: ignore[no-untyped-def]
    """A constant without a doc comment gets its own text, not the docstring of its type."""
    doc = type(obj).__doc__
    if what in ("data", "attribute") and doc and "\n".join(lines).strip() == inspect.cleandoc(doc):
        lines.clear()


#: Benchmark result files the benchmarks page includes after RESULTS.md when they exist: the same
#: CPU held to AVX2, the last run on an AVX2-only machine, and single workloads measured by their
#: own scripts (benchmarks/scale.py's W10).
EXTRA_RESULTS = ["RESULTS-avx2.md", "RESULTS-avx2-zen3.md", "RESULTS-W10.md"]


def _extra_results(app, docname, source) -> None:  # type: ignore[no-untyped-def]
    """Append the extra benchmark result files that exist to the benchmarks page."""
    if docname != "benchmarks":
        return
    for name in EXTRA_RESULTS:
        path = HERE.parent / "benchmarks" / name
        if path.exists():
            app.env.note_dependency(str(path))
            source[0] += f"\n```{{include}} ../benchmarks/{name}\n:heading-offset: 1\n```\n"


def _doctest_skips_gallery(app) -> None:  # type: ignore[no-untyped-def]
    """The doctest builder reads the gallery's pages without running the examples again."""
    if app.builder.name == "doctest":
        app.config.plot_gallery = False


def setup(app) -> None:  # type: ignore[no-untyped-def]
    # before sphinx-gallery reads plot_gallery (its builder-inited handler has priority 10)
    app.connect("builder-inited", _doctest_skips_gallery, priority=5)
    app.connect("autodoc-process-docstring", _no_builtin_docstring, priority=400)  # before numpydoc
    app.connect("source-read", _extra_results)
