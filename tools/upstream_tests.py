# SPDX-License-Identifier: BSD-3-Clause
"""Run SciPy's and scikit-learn's own test files against fastent.

    python tools/upstream_tests.py                   # the five default files
    python tools/upstream_tests.py --list-failures   # ... and each failing test's first error line
    python tools/upstream_tests.py --verbose         # ... and pytest's own output
    python tools/upstream_tests.py --real-only       # complex input: not applicable, not failed
    python tools/upstream_tests.py scipy/special/tests/test_logsumexp.py --json out.json

Files are named relative to site-packages (or given as paths); ``--list-skipped`` lists the
skipped and not applicable tests with their reasons, ``--json`` writes every test's outcome, the
adapter call counts and what the patched names resolved to during the run.

The installed upstream test files (SciPy and scikit-learn wheels ship them) are run by path with
``pytest.main`` while the upstream functions are replaced by adapters: functions with the upstream
signatures that call fastent.  The adapters are put into the namespaces the test files import
from (``scipy.special``, ``scipy.stats``, ``scipy.spatial.distance``, ``sklearn.metrics``,
``sklearn.metrics.cluster``, ``sklearn.metrics.cluster._supervised``,
``sklearn.feature_selection``) before the test modules are imported, so both
``from scipy.special import logsumexp`` and ``stats.entropy(...)`` reach them.  The private modules
(``sklearn.metrics.cluster._supervised.mutual_info_score``, ``scipy.special._logsumexp``) are left
alone, so upstream functions that call these internally (``v_measure_score`` calls
``mutual_info_score`` and ``contingency_matrix(sparse=True)``) still run upstream code.  The one
registry that is patched is ``scipy.spatial.distance._TEST_METRICS["test_jensenshannon"]``: the
``pdist(X, "test_jensenshannon")`` spelling the SciPy tests use to call the Python
``jensenshannon`` pair by pair.

Applicable tests
----------------
1. Selected: a collected test whose function source (decorators included) names one of the
   replaced functions (``logsumexp``, ``softmax``, ``log_softmax``, ``entropy``,
   ``jensenshannon``, ``mutual_info_score``, ``normalized_mutual_info_score``,
   ``adjusted_mutual_info_score``, ``contingency_matrix``, ``mutual_info_classif``), or that is
   parametrized with an adapter (``test_perfect_matches[adjusted_mutual_info_score]``).  The other
   tests are deselected.
2. Applicable: a selected test that called an adapter at least once and then passed or failed.
   Not applicable: a selected test that never called an adapter (it names ``differential_entropy``
   or ``norm.entropy()``, say), or that made a call fastent has no counterpart for (the adapter
   skips the test with "not applicable: ..."): ``contingency_matrix(sparse=True)`` or with
   ``eps``, ``mutual_info_score(contingency=...)``, ``mutual_info_classif`` with a continuous
   feature (scikit-learn's kNN estimator); with ``--real-only``, complex input too.
3. Skipped: a selected test that pytest skipped for any other reason: a backend of SciPy's
   ``xp`` fixture other than NumPy (the adapters are registered as NumPy-only), scikit-learn's
   float32 runs when ``SKLEARN_RUN_FLOAT32_TESTS`` is unset, a test skipping itself.  An xfail
   counts as skipped.

The figure is "passed of applicable" (pytest items: each parametrization counts).  Any exception
fastent raises is left to pytest: a test with ``pytest.raises(ValueError)`` passes only if fastent
raises a ``ValueError`` whose message matches.  fastent takes real numbers only, and SciPy's
logsumexp tests parametrize over complex dtypes and complex infinities (347 of their 406 items
on NumPy): ``--real-only`` counts those as not applicable instead of failed.  The adapters keep
the upstream conventions fastent does not share: SciPy's ``axis=None`` / ``axis=0`` defaults,
``nan_policy="propagate"`` (jensenshannon, which has no ``nan_policy``, propagates too), and the
``FutureWarning`` of scikit-learn's deprecated ``entropy``.

``--array-api`` sets ``SCIPY_ARRAY_API=1`` before SciPy is imported, so that the ``xp`` tests
also run (and skip) for the other installed backends (PyTorch, ...); the figure is the same.

The exit status is 0 whatever the tests do (this is a report); 1 if a test file is not installed,
cannot be collected or pytest itself fails; 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import importlib
import importlib.util
import inspect
import io
import json
import os
import re
import sys
import tempfile
import warnings
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest

import fastent
import fastent.discrete
import fastent.selection

UPSTREAM_FILES: tuple[str, ...] = (
    "scipy/special/tests/test_logsumexp.py",
    "scipy/stats/tests/test_entropy.py",
    "scipy/spatial/tests/test_distance.py",
    "sklearn/metrics/cluster/tests/test_supervised.py",
    "sklearn/feature_selection/tests/test_mutual_info.py",
)

F = TypeVar("F", bound=Callable[..., Any])


# --------------------------------------------------------------------------------------------
# Call recording
# --------------------------------------------------------------------------------------------


class Recorder:
    """Adapter calls, per adapter and per running test."""

    def __init__(self) -> None:
        self.real_only = False  # complex input is "not applicable" (fastent takes real numbers)
        self.current: str | None = None  # node id of the running test
        self.per_test: Counter[str] = Counter()
        self.per_adapter: Counter[str] = Counter()
        self.not_applicable: dict[str, str] = {}  # node id -> reason

    def call(self, name: str) -> None:
        self.per_adapter[name] += 1
        if self.current is not None:
            self.per_test[self.current] += 1

    def skip_not_applicable(self, reason: str) -> None:
        """Abandon the running test: it needs something fastent has no counterpart for."""
        if self.current is not None:
            self.not_applicable.setdefault(self.current, reason)
        pytest.skip(f"not applicable: {reason}")

    def check_real(self, *arrays: Any) -> None:
        """With ``--real-only``, complex input makes the test not applicable."""
        if self.real_only and any(x is not None and np.iscomplexobj(x) for x in arrays):
            self.skip_not_applicable("complex input (fastent takes real numbers)")


RECORDER = Recorder()
ADAPTERS: list[Callable[..., Any]] = []


def adapter(name: str) -> Callable[[F], F]:
    """Register ``func`` as the adapter of the upstream function ``name`` (its ``__name__`` too,
    so that pytest ids such as ``test_perfect_matches[adjusted_mutual_info_score]`` read as
    upstream)."""

    def register(func: F) -> F:
        @functools.wraps(func)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            RECORDER.call(name)
            return func(*args, **kwargs)

        recorded.__name__ = name
        recorded.__qualname__ = name
        ADAPTERS.append(recorded)
        return recorded  # type: ignore[return-value]

    return register


# --------------------------------------------------------------------------------------------
# Adapters: upstream signatures, fastent underneath
# --------------------------------------------------------------------------------------------


@adapter("logsumexp")
def logsumexp(
    a: Any,
    axis: int | tuple[int, ...] | None = None,
    b: Any = None,
    keepdims: bool = False,
    return_sign: bool = False,
) -> Any:
    """scipy.special.logsumexp (SciPy's default axis is None, fastent's -1)."""
    RECORDER.check_real(a, b)
    return fastent.logsumexp(a, axis=axis, b=b, keepdims=keepdims, return_sign=return_sign)


@adapter("softmax")
def softmax(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """scipy.special.softmax."""
    RECORDER.check_real(x)
    return fastent.softmax(x, axis=axis)  # type: ignore[arg-type]


@adapter("log_softmax")
def log_softmax(x: Any, axis: int | tuple[int, ...] | None = None) -> Any:
    """scipy.special.log_softmax."""
    RECORDER.check_real(x)
    return fastent.log_softmax(x, axis=axis)  # type: ignore[arg-type]


@adapter("entropy")
def scipy_entropy(
    pk: Any,
    qk: Any = None,
    base: float | None = None,
    axis: int | tuple[int, ...] | None = 0,
    *,
    nan_policy: str = "propagate",
    keepdims: bool = False,
) -> Any:
    """scipy.stats.entropy: H(pk), or KL(pk || qk) when qk is given."""
    kwargs: dict[str, Any] = {
        "base": base,
        "axis": axis,
        "keepdims": keepdims,
        "nan_policy": nan_policy,
    }
    if qk is None:
        return fastent.entropy(pk, **kwargs)
    return fastent.kl_divergence(pk, qk, **kwargs)


@adapter("jensenshannon")
def jensenshannon(
    p: Any, q: Any, base: float | None = None, *, axis: int = 0, keepdims: bool = False
) -> Any:
    """scipy.spatial.distance.jensenshannon (which has no nan_policy: NaN propagates)."""
    return fastent.js_distance(
        p, q, base=base, axis=axis, keepdims=keepdims, nan_policy="propagate"
    )


@adapter("mutual_info_score")
def mutual_info_score(labels_true: Any, labels_pred: Any, *, contingency: Any = None) -> Any:
    """sklearn.metrics.mutual_info_score."""
    if contingency is not None:
        RECORDER.skip_not_applicable("mutual_info_score(contingency=...): MI of a given table")
    return fastent.discrete.mutual_info(labels_true, labels_pred)


@adapter("normalized_mutual_info_score")
def normalized_mutual_info_score(
    labels_true: Any, labels_pred: Any, *, average_method: str = "arithmetic"
) -> Any:
    """sklearn.metrics.normalized_mutual_info_score."""
    return fastent.discrete.normalized_mutual_info(labels_true, labels_pred, average=average_method)


@adapter("adjusted_mutual_info_score")
def adjusted_mutual_info_score(
    labels_true: Any, labels_pred: Any, *, average_method: str = "arithmetic"
) -> Any:
    """sklearn.metrics.adjusted_mutual_info_score."""
    return fastent.discrete.adjusted_mutual_info(labels_true, labels_pred, average=average_method)


@adapter("entropy")
def sklearn_entropy(labels: Any) -> Any:
    """sklearn.metrics.cluster.entropy, with the FutureWarning of its deprecation wrapper."""
    warnings.warn(
        "Function entropy is deprecated; `entropy` is deprecated in 1.8 and will be removed in "
        "1.10.",
        category=FutureWarning,
        stacklevel=3,
    )
    return fastent.discrete.entropy(labels)


@adapter("contingency_matrix")
def contingency_matrix(
    labels_true: Any,
    labels_pred: Any,
    *,
    eps: float | None = None,
    sparse: bool = False,
    dtype: Any = np.int64,
) -> Any:
    """sklearn.metrics.cluster.contingency_matrix (dense, without eps)."""
    if sparse:
        RECORDER.skip_not_applicable("contingency_matrix(sparse=True)")
    if eps is not None:
        RECORDER.skip_not_applicable("contingency_matrix(eps=...)")
    counts = fastent.discrete.contingency(labels_true, labels_pred)[0]
    return counts.astype(dtype, copy=False)


@adapter("mutual_info_classif")
def mutual_info_classif(
    X: Any,
    y: Any,
    *,
    discrete_features: Any = "auto",
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
    n_jobs: int | None = None,
) -> Any:
    """sklearn.feature_selection.mutual_info_classif for all-discrete features only."""
    all_discrete = discrete_features is True or (
        not isinstance(discrete_features, (str, bool))
        and np.asarray(discrete_features).dtype == bool
        and bool(np.all(discrete_features))
    )
    if not all_discrete:
        RECORDER.skip_not_applicable(
            f"mutual_info_classif(discrete_features={discrete_features!r}) needs the kNN "
            "estimator of continuous features"
        )
    return fastent.selection.mutual_info_scores(X, y, discrete=True)


# --------------------------------------------------------------------------------------------
# Patching
# --------------------------------------------------------------------------------------------

# (module, attribute, adapter): the namespaces the upstream test files import from.
PATCHES: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    ("scipy.special", "logsumexp", logsumexp),
    ("scipy.special", "softmax", softmax),
    ("scipy.special", "log_softmax", log_softmax),
    ("scipy.stats", "entropy", scipy_entropy),
    ("scipy.spatial.distance", "jensenshannon", jensenshannon),
    ("sklearn.metrics", "mutual_info_score", mutual_info_score),
    ("sklearn.metrics", "normalized_mutual_info_score", normalized_mutual_info_score),
    ("sklearn.metrics", "adjusted_mutual_info_score", adjusted_mutual_info_score),
    ("sklearn.metrics.cluster", "mutual_info_score", mutual_info_score),
    ("sklearn.metrics.cluster", "normalized_mutual_info_score", normalized_mutual_info_score),
    ("sklearn.metrics.cluster", "adjusted_mutual_info_score", adjusted_mutual_info_score),
    ("sklearn.metrics.cluster", "contingency_matrix", contingency_matrix),
    ("sklearn.metrics.cluster", "entropy", sklearn_entropy),
    ("sklearn.metrics.cluster._supervised", "entropy", sklearn_entropy),
    ("sklearn.feature_selection", "mutual_info_classif", mutual_info_classif),
)


class Patcher:
    """Install the adapters into the upstream namespaces (of the packages that are installed)
    and put the originals back."""

    def __init__(self) -> None:
        self._undo: list[Callable[[], None]] = []
        self.installed: list[str] = []

    def install(self) -> None:
        for module_name, attribute, replacement in PATCHES:
            try:
                module = importlib.import_module(module_name)
            except ImportError:
                continue
            original = getattr(module, attribute)
            self._set(module, attribute, replacement)
            self.installed.append(f"{module_name}.{attribute}")
            if module_name.startswith("scipy."):
                self._register_xp_capabilities(original, replacement)
        self._patch_test_metric()

    def uninstall(self) -> None:
        while self._undo:
            self._undo.pop()()
        self.installed.clear()

    def _set(self, target: Any, attribute: str, value: Any) -> None:
        original = getattr(target, attribute)
        setattr(target, attribute, value)
        self._undo.append(lambda: setattr(target, attribute, original))

    def _register_xp_capabilities(self, original: Any, replacement: Any) -> None:
        """``make_xp_test_case(logsumexp)`` looks the function up in SciPy's capability table:
        give the adapter the original's entry, NumPy only (fastent takes NumPy arrays)."""
        array_api = importlib.import_module("scipy._lib._array_api")
        table = getattr(array_api, "xp_capabilities_table", None)  # SciPy >= 1.16
        if table is None or original not in table or replacement in table:
            return
        table[replacement] = {
            **table[original],
            "np_only": True,
            "exceptions": (),
            "reason": "fastent adapter: NumPy only",
        }
        self._undo.append(lambda: table.pop(replacement, None))

    def _patch_test_metric(self) -> None:
        """``pdist(X, "test_jensenshannon")`` calls the registry's Python function."""
        try:
            distance = importlib.import_module("scipy.spatial.distance")
        except ImportError:
            return
        metrics = getattr(distance, "_TEST_METRICS", {})
        info = metrics.get("test_jensenshannon")
        if info is None:
            return
        metrics["test_jensenshannon"] = dataclasses.replace(info, dist_func=jensenshannon)
        self._undo.append(lambda: metrics.__setitem__("test_jensenshannon", info))
        self.installed.append("scipy.spatial.distance._TEST_METRICS['test_jensenshannon']")

    def resolved(self, test_modules: Sequence[str] = ()) -> dict[str, bool]:
        """For each patched name, and each replaced name a test module imported: is it the
        adapter now?"""
        result = {}
        for module_name, attribute, replacement in PATCHES:
            module = sys.modules.get(module_name)
            if module is not None:
                result[f"{module_name}.{attribute}"] = getattr(module, attribute) is replacement
        for module_name in test_modules:
            namespace = vars(sys.modules[module_name])
            for name in NAMES:
                if name in namespace:
                    result[f"{module_name}.{name}"] = any(namespace[name] is a for a in ADAPTERS)
        return result


# --------------------------------------------------------------------------------------------
# The pytest plugin
# --------------------------------------------------------------------------------------------

NAMES = (
    "logsumexp",
    "softmax",
    "log_softmax",
    "entropy",
    "jensenshannon",
    "mutual_info_score",
    "normalized_mutual_info_score",
    "adjusted_mutual_info_score",
    "contingency_matrix",
    "mutual_info_classif",
)
NAMED = re.compile(r"(?<![\w])(" + "|".join(NAMES) + r")(?![\w])")


@dataclasses.dataclass
class Record:
    nodeid: str
    file: str
    outcome: str = "passed"  # passed, failed, skipped
    message: str = ""
    calls: int = 0
    not_applicable: str = ""

    @property
    def category(self) -> str:
        """passed, failed, skipped or not applicable."""
        if self.not_applicable:
            return "not applicable"
        if self.outcome == "skipped":
            return "skipped"
        if self.calls == 0:
            return "not applicable"
        return self.outcome


def _mentions_a_replaced_function(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        adapters = set(map(id, ADAPTERS))
        if any(id(value) in adapters for value in callspec.params.values()):
            return True
    function = getattr(item, "function", None)
    if function is None:
        return False
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return NAMED.search(source) is not None


def _first_line(report: pytest.TestReport | pytest.CollectReport) -> str:
    """The error in one line: its first three non-blank lines (an unmatched ``pytest.raises``
    regex says what was expected on the next two)."""
    if hasattr(report, "wasxfail"):
        return f"xfail: {report.wasxfail}"
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # a skip: (path, line, "Skipped: reason")
        text = str(longrepr[2])
    else:
        crash = getattr(longrepr, "reprcrash", None)
        text = crash.message if crash is not None else str(longrepr)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(lines[:3])[:300]


class UpstreamPlugin:
    """Patches before collection, keeps the selected tests, records the outcomes."""

    def __init__(self, files: dict[str, Path]) -> None:
        self.files = {str(path): name for name, path in files.items()}
        self.patcher = Patcher()
        self.collected: Counter[str] = Counter()
        self.records: dict[str, Record] = {}
        self.collection_errors: dict[str, str] = {}
        self.resolved: dict[str, bool] = {}

    def _file_of(self, path: Path) -> str:
        return self.files.get(str(Path(path).resolve()), str(path))

    def pytest_configure(self, config: pytest.Config) -> None:
        self.patcher.install()

    def pytest_unconfigure(self, config: pytest.Config) -> None:
        self.patcher.uninstall()

    def pytest_collection_modifyitems(
        self, session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
    ) -> None:
        kept, deselected = [], []
        for item in items:
            file = self._file_of(item.path)
            self.collected[file] += 1
            if _mentions_a_replaced_function(item):
                kept.append(item)
                self.records[item.nodeid] = Record(item.nodeid, file)
            else:
                deselected.append(item)
        if deselected:
            config.hook.pytest_deselected(items=deselected)
        items[:] = kept

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.collection_errors[report.nodeid] = _first_line(report)

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item, nextitem: pytest.Item | None) -> Any:
        RECORDER.current = item.nodeid
        try:
            return (yield)
        finally:
            RECORDER.current = None
            record = self.records.get(item.nodeid)
            if record is not None:
                record.calls = RECORDER.per_test[item.nodeid]
                record.not_applicable = RECORDER.not_applicable.get(item.nodeid, "")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = self.records.get(report.nodeid)
        if record is None or record.outcome == "failed":
            return
        if report.failed:
            record.outcome = "failed"
            where = "" if report.when == "call" else f"[{report.when}] "
            record.message = where + _first_line(report)
        elif report.skipped:
            record.outcome = "skipped"
            record.message = _first_line(report)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        paths = set(self.files)
        test_modules = []
        for name, module in list(sys.modules.items()):
            file = getattr(module, "__file__", None)
            if file is not None and str(Path(file).resolve()) in paths:
                test_modules.append(name)
        self.resolved = self.patcher.resolved(test_modules)


# --------------------------------------------------------------------------------------------
# Running and reporting
# --------------------------------------------------------------------------------------------


def find_upstream_file(name: str) -> Path | None:
    """The installed copy of ``scipy/special/tests/test_logsumexp.py`` (or a path as given)."""
    path = Path(name)
    if path.is_absolute() or path.exists():
        return path.resolve() if path.exists() else None
    spec = importlib.util.find_spec(path.parts[0])
    if spec is None or not spec.submodule_search_locations:
        return None
    candidate = Path(next(iter(spec.submodule_search_locations))).parent / path
    return candidate.resolve() if candidate.exists() else None


@dataclasses.dataclass
class Summary:
    rows: dict[str, Counter[str]]
    records: list[Record]
    missing: list[str]
    collection_errors: dict[str, str]
    adapter_calls: dict[str, int]
    resolved: dict[str, bool]
    exit_code: int

    @property
    def total(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for row in self.rows.values():
            total.update(row)
        return total

    def as_dict(self) -> dict[str, Any]:
        total = self.total
        return {
            "passed": total["passed"],
            "applicable": total["passed"] + total["failed"],
            "files": {name: dict(row) for name, row in self.rows.items()},
            "tests": [{**dataclasses.asdict(r), "category": r.category} for r in self.records],
            "missing": self.missing,
            "collection_errors": self.collection_errors,
            "adapter_calls": self.adapter_calls,
            "resolved": self.resolved,
            "pytest_exit_code": self.exit_code,
        }


def run(names: Sequence[str], *, verbose: bool = False, real_only: bool = False) -> Summary:
    """Run the upstream test files ``names`` against fastent and count the outcomes."""
    RECORDER.real_only = real_only
    files: dict[str, Path] = {}
    missing = []
    for name in names:
        path = find_upstream_file(name)
        if path is None:
            missing.append(name)
        else:
            files[name] = path
    rows: dict[str, Counter[str]] = {name: Counter() for name in files}
    if not files:
        return Summary(rows, [], missing, {}, {}, {}, 0)

    plugin = UpstreamPlugin(files)
    # site-packages for installed files: node ids read scipy/special/tests/test_logsumexp.py::...
    roots = [
        str(
            path.parents[len(Path(name).parts) - 1] if not Path(name).is_absolute() else path.parent
        )
        for name, path in files.items()
    ]
    rootdir = Path(os.path.commonpath(roots))
    with tempfile.TemporaryDirectory() as empty:
        ini = Path(empty) / "pytest.ini"
        ini.write_text("[pytest]\n")  # not the repository's configuration (filterwarnings=error)
        args = [
            "-c",
            str(ini),
            "--rootdir",
            str(rootdir),
            "-p",
            "no:cacheprovider",  # write nothing into site-packages
            "--continue-on-collection-errors",
            "--tb=native",  # the quickest to format; the report needs the first line only
            "-v" if verbose else "-q",
            *(str(p) for p in files.values()),
        ]
        output = io.StringIO()
        redirect = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(output)
        with redirect:
            exit_code = int(pytest.main(args, plugins=[plugin]))
    if exit_code not in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED) and not plugin.records:
        sys.stderr.write(output.getvalue())

    for name in files:
        rows[name]["collected"] = plugin.collected[name]
    for record in plugin.records.values():
        row = rows.setdefault(record.file, Counter())
        row["selected"] += 1
        row[record.category] += 1
    return Summary(
        rows=rows,
        records=list(plugin.records.values()),
        missing=missing,
        collection_errors=plugin.collection_errors,
        adapter_calls=dict(RECORDER.per_adapter),
        resolved=plugin.resolved,
        exit_code=exit_code,
    )


COLUMNS = ("collected", "selected", "skipped", "not applicable", "applicable", "passed", "failed")


def format_table(summary: Summary) -> Iterator[str]:
    width = max([len("upstream test file"), *(len(name) for name in summary.rows)])
    header = f"{'upstream test file':<{width}}  " + "  ".join(f"{c:>{len(c)}}" for c in COLUMNS)
    yield header
    yield "-" * len(header)
    named = [*summary.rows.items(), ("total", summary.total)]
    for i, (name, row) in enumerate(named):
        if i == len(named) - 1:
            yield "-" * len(header)
        values = Counter(row)
        values["applicable"] = row["passed"] + row["failed"]
        yield f"{name:<{width}}  " + "  ".join(f"{values[c]:>{len(c)}}" for c in COLUMNS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the upstream SciPy / scikit-learn test files against fastent."
    )
    parser.add_argument(
        "files",
        nargs="*",
        default=list(UPSTREAM_FILES),
        help="upstream test files, relative to site-packages or as paths (default: the five)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show pytest's output")
    parser.add_argument(
        "--list-failures", action="store_true", help="each failing test with its first error line"
    )
    parser.add_argument(
        "--list-skipped", action="store_true", help="each skipped or not applicable test"
    )
    parser.add_argument(
        "--real-only",
        action="store_true",
        help="count tests that give complex input as not applicable (fastent is real-only)",
    )
    parser.add_argument(
        "--array-api",
        action="store_true",
        help="set SCIPY_ARRAY_API=1: run the xp tests on every installed backend",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args(argv)

    if args.array_api:
        if "scipy" in sys.modules and not os.environ.get("SCIPY_ARRAY_API"):
            parser.error("--array-api must be set before SciPy is imported")
        os.environ["SCIPY_ARRAY_API"] = "1"
    summary = run(args.files, verbose=args.verbose, real_only=args.real_only)

    for line in format_table(summary):
        print(line)
    total = summary.total
    applicable = total["passed"] + total["failed"]
    print(f"\n{total['passed']} of {applicable} applicable upstream tests pass")
    print(
        f"({total['skipped']} skipped, {total['not applicable']} not applicable, "
        f"{total['collected'] - total['selected']} deselected)"
    )
    for name in summary.missing:
        print(f"missing: {name} (not installed)")
    for nodeid, message in summary.collection_errors.items():
        print(f"collection error: {nodeid}: {message}")
    if args.list_failures:
        failed = [r for r in summary.records if r.category == "failed"]
        print(f"\nfailures ({len(failed)}):")
        for record in failed:
            print(f"  {record.nodeid}\n      {record.message}")
    if args.list_skipped:
        others = [r for r in summary.records if r.category in ("skipped", "not applicable")]
        print(f"\nskipped or not applicable ({len(others)}):")
        for record in others:
            reason = record.message or "no adapter call"
            print(f"  {record.category}: {record.nodeid}\n      {reason}")
    if args.json is not None:
        args.json.write_text(json.dumps(summary.as_dict(), indent=1) + "\n")

    broken = (
        summary.missing
        or summary.collection_errors
        or summary.exit_code
        not in (
            pytest.ExitCode.OK,
            pytest.ExitCode.TESTS_FAILED,
            pytest.ExitCode.NO_TESTS_COLLECTED,
        )
    )
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
