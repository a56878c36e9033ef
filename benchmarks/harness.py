# SPDX-License-Identifier: BSD-3-Clause
# ruff: noqa: RUF001  (the report is Markdown prose; its multiplication signs are meant)
"""The benchmark harness: what a workload is, the registry, timing, checking and the report.

A *workload* (W1, W3a-float32, ...; see BENCHMARKS.md) is one fastent function on fixed, seeded
data, with the peers it is compared against and the targets it should meet.  Each family of
workloads has one module under ``benchmarks/families/`` (distributions, logits, discrete,
selection); the data generators are in ``benchmarks/workloads.py``.

**To add a workload:** a builder in the family's module with ``@workload(name)``::

    @workload("W1")
    def w1(quick: bool) -> Workload:
        '''Entropy of rows (this first line is what ``compare.py --list`` shows).'''
        p = workloads.w1(...)  # the data is made now, just before the workload is measured
        return Workload("W1", "entropy of rows", fastent.entropy, (p,), peers, targets)

Registering costs nothing: the builder runs only when ``compare.py`` measures the workload
(``--only`` selects by name prefix first), and the workload is dropped once its section is written.

Every workload is measured the same way (``measure``): a first, untimed round runs every row once
and checks fastent's rows against ``fastent.reference`` (``assert_rtol``); then the rows are timed
interleaved in one process (one call of each per round, the starting row rotated every round, the
garbage collector off) and the median over the rounds is reported.  fastent runs at 1 thread at
every SIMD level the CPU supports, and at all threads at the default level.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import importlib.metadata
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

from fastent import reference
from fastent._core import config as _config

# Read at import, before any family module imports torch: torch.set_num_threads also sets the
# OpenMP default that fastent's n_jobs=None follows (both use libgomp), so the all-threads rows
# pass this count explicitly.
ALL_THREADS: Final[int] = int(_config.config()["threads"])
DEFAULT_SIMD: Final[str] = _config.simd_level()

FASTENT_RTOL: Final = 1e-10  # float64 rows; float32 workloads pass rtol=1e-5
DEFAULT_REPEATS: Final = 7

Array = npt.NDArray[Any]


def fastent_label(level: str, threads: int, func: str = "") -> str:
    """The table label of a fastent row, e.g. ``fastent · avx2 · 1 thread``."""
    name = f" `{func}`" if func else ""
    default = " (default)" if level == DEFAULT_SIMD and threads == 1 else ""
    return f"fastent{name} · {level} · {threads} thread{'s' if threads > 1 else ''}{default}"


PRIMARY: Final = fastent_label(DEFAULT_SIMD, 1)  # the row every ratio divides by
REFERENCE: Final = "NumPy reference"
READ: Final = "read: `np.add.reduce(·, axis=1)` of each input"


def _noop() -> None:
    pass


# ---- what a workload is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Impl:
    """A table row: ``run`` is timed; ``setup`` runs untimed before every call."""

    label: str
    run: Callable[[], Any]
    setup: Callable[[], object] = _noop
    # which reference result it computes: the function's value, its sqrt (JS distance), or none
    expected: Literal["value", "sqrt"] | None = "value"
    versus: str = PRIMARY  # the fastent row its ratio divides by
    assert_rtol: float | None = None  # fail unless it agrees with the reference this closely
    max_repeats: int | None = None  # slow peers (seconds per call) are timed fewer rounds


@dataclass(frozen=True)
class Target:
    """A goal from BENCHMARKS.md: the ``column`` value of row ``row`` is ≥ (or ≤) ``bound``.

    Why a target is missed is not written here: it goes in the hand-written notes of RESULTS.md.
    """

    text: str
    row: str
    column: Literal["ratio", "read", "speedup"]  # speedup: the row's time over PRIMARY's, inverted
    bound: float
    at_least: bool = True


@dataclass(frozen=True)
class Workload:
    """One fastent function on fixed data, with its peers and targets."""

    name: str
    title: str
    func: Callable[..., Any]  # the fastent function; the reference module has the same name
    inputs: tuple[Array, ...]
    peers: tuple[Impl, ...]
    targets: tuple[Target, ...]
    extra_fastent: tuple[Impl, ...] = ()
    data: str = "float64 distributions, Gamma(0.5) normalised; P has ~10% exact zeros, Q none"
    rtol: float = FASTENT_RTOL  # fastent must agree with the reference this closely
    options: tuple[tuple[str, Any], ...] = ()  # keyword arguments for fastent and the reference
    # label workloads: where the reference lives, what is compared, how the size is described
    reference_module: Any = reference
    reference_repeats: int | None = None  # a slow reference is timed fewer rounds
    truth: Callable[[], Any] | None = None  # what is checked against, if not the reference
    result: Callable[[Any], Any] = np.asarray  # a call's result -> the array compared
    elements: int | None = None  # the ns/element denominator (default: largest input's size)
    unit: str = "element"
    shape_text: str | None = None  # replaces the "rows x cols {data}" text in the report
    notes: tuple[str, ...] = ()  # extra report lines (measured memory, ...)

    def reference(self) -> Any:
        function = getattr(self.reference_module, self.func.__name__)
        return function(*self.inputs, **dict(self.options))

    def expected(self) -> Any:
        return self.result(self.truth() if self.truth is not None else self.reference())

    def impls(self) -> tuple[Impl, ...]:
        """All rows: fastent's, the extra fastent rows, the reference, the read, the peers."""
        reference_row = (
            [Impl(REFERENCE, self.reference, max_repeats=self.reference_repeats)]
            if self.reference_module is not None
            else []
        )
        return (
            *fastent_impls(
                functools.partial(self.func, **dict(self.options)), self.inputs, self.rtol
            ),
            *self.extra_fastent,
            *reference_row,
            Impl(READ, functools.partial(_read, self.inputs), expected=None),
            *self.peers,
        )


def fastent_impl(
    label: str,
    func: Callable[..., Any],
    inputs: tuple[Array, ...],
    level: str = DEFAULT_SIMD,
    threads: int = 1,
    expected: Literal["value", "sqrt"] = "value",
    rtol: float = FASTENT_RTOL,
) -> Impl:
    """A fastent row: ``func(*inputs, n_jobs=threads)`` at SIMD ``level``, checked at ``rtol``."""
    return Impl(
        label,
        functools.partial(func, *inputs, n_jobs=threads),
        functools.partial(_config.set_simd_level, level),
        expected,
        assert_rtol=rtol,
    )


def fastent_impls(
    func: Callable[..., Any], inputs: tuple[Array, ...], rtol: float = FASTENT_RTOL
) -> list[Impl]:
    """``func`` at 1 thread at each SIMD level (default first), then at all threads."""
    levels = sorted(_config.supported_simd_levels(), key=lambda level: level != DEFAULT_SIMD)
    runs = [(level, 1) for level in levels]
    if ALL_THREADS > 1:
        runs.append((DEFAULT_SIMD, ALL_THREADS))
    return [
        fastent_impl(fastent_label(level, threads), func, inputs, level, threads, rtol=rtol)
        for level, threads in runs
    ]


def versus_numpy(bound: float, expression: str) -> tuple[Target, Target]:
    """The "at least ``bound`` times NumPy" target, against the reference and a lean expression."""
    return (
        Target(f"≥ {bound}× NumPy reference at 1 thread", REFERENCE, "ratio", bound),
        Target(f"≥ {bound}× NumPy expression at 1 thread", expression, "ratio", bound),
    )


def _read(inputs: tuple[Array, ...]) -> None:
    """One read of each array input (frames are not arrays: they are not read here)."""
    for a in inputs:
        if isinstance(a, np.ndarray):
            np.add.reduce(a, axis=-1)


# ---- the registry -----------------------------------------------------------------------------

Builder = Callable[[bool], Workload]  # quick -> the workload, its data built now

REGISTRY: dict[str, Builder] = {}  # name -> builder, in registration (= report) order


def workload(name: str, *, available: bool = True) -> Callable[[Builder], Builder]:
    """Register the decorated builder under ``name``; nothing is built until it is called.

    ``available=False`` (a peer the workload cannot do without is not installed) leaves it out.
    """

    def register(builder: Builder) -> Builder:
        if name in REGISTRY:
            raise ValueError(f"workload {name!r} is registered twice")
        if available:
            REGISTRY[name] = builder
        return builder

    return register


def select(prefixes: Sequence[str] = ()) -> list[str]:
    """The registered names that start with one of ``prefixes`` (all of them if none given)."""
    return [name for name in REGISTRY if not prefixes or name.startswith(tuple(prefixes))]


def summary(name: str) -> str:
    """The first line of the builder's docstring (what ``compare.py --list`` shows)."""
    doc = REGISTRY[name].__doc__ or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


# ---- measuring --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """A measured table row; ``ratio`` and ``read`` are time ratios (see the report header)."""

    label: str
    seconds: float
    ratio: float
    read: float
    rel_diff: float | None
    versus: str = PRIMARY  # the row its ratio divides by


def time_interleaved(impls: Sequence[Impl], repeats: int) -> dict[str, float]:
    """Median seconds per call of each impl over ``repeats`` rounds of one call each.

    Round ``r`` starts at impl ``r mod len(impls)``, so drift (clock boost, noisy neighbours)
    spreads over all rows; the garbage collector is off while timing.
    """
    samples: dict[str, list[float]] = {impl.label: [] for impl in impls}
    gc.collect()
    gc.disable()
    try:
        for r in range(repeats):
            for i in range(len(impls)):
                impl = impls[(r + i) % len(impls)]
                if impl.max_repeats is not None and len(samples[impl.label]) >= impl.max_repeats:
                    continue
                impl.setup()
                start = time.perf_counter()
                impl.run()
                samples[impl.label].append(time.perf_counter() - start)
    finally:
        gc.enable()
    return {label: statistics.median(times) for label, times in samples.items()}


def _as_numpy(result: Any) -> Any:
    """A torch tensor as a NumPy array (without importing torch if nothing did); else as is."""
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(result, torch.Tensor):
        return result.numpy()
    return result


def check(workload: Workload, impls: Sequence[Impl]) -> dict[str, float | None]:
    """Run every impl once (also the warm-up); max relative difference from the reference.

    Raises AssertionError if a row with ``assert_rtol`` (fastent) disagrees with the reference.
    """
    value = np.asarray(workload.expected())
    desired = {"value": value, "sqrt": np.sqrt(value)}
    diffs: dict[str, float | None] = {}
    for impl in impls:
        impl.setup()
        result = impl.run()
        if impl.expected is None:
            diffs[impl.label] = None
            continue
        actual = np.asarray(workload.result(_as_numpy(result)), dtype=np.float64)
        want = desired[impl.expected]
        if impl.assert_rtol is not None:
            atol = impl.assert_rtol * float(np.max(np.abs(want), initial=1.0))  # results near 0
            np.testing.assert_allclose(
                actual,
                want,
                rtol=impl.assert_rtol,
                atol=atol,
                err_msg=f"{workload.name}: {impl.label}",
            )
        scale = np.maximum(np.abs(want), np.finfo(np.float64).tiny)
        diffs[impl.label] = float(np.max(np.abs(actual - want) / scale))
    _config.set_simd_level(DEFAULT_SIMD)
    return diffs


def measure(workload: Workload, repeats: int) -> list[Row]:
    """Check every row against the reference, then time them interleaved; one Row per impl."""
    impls = workload.impls()
    print(f"{workload.name}: checking {len(impls)} implementations", file=sys.stderr)
    diffs = check(workload, impls)
    print(f"{workload.name}: timing {repeats} interleaved rounds", file=sys.stderr)
    seconds = time_interleaved(impls, repeats)
    _config.set_simd_level(DEFAULT_SIMD)
    return [
        Row(
            impl.label,
            seconds[impl.label],
            seconds[impl.label] / seconds[impl.versus],
            seconds[impl.label] / seconds[READ],
            diffs[impl.label],
            impl.versus,
        )
        for impl in impls
    ]


# ---- the machine ------------------------------------------------------------------------------

READ_BYTES: Final = 256 * 2**20  # larger than any cache, so the read comes from memory


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what ``platform`` knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "model name" and value.strip():
                return value.strip()
    return platform.processor() or platform.machine() or "unknown"


def usable_cores() -> int | None:
    """The logical CPUs this process may run on (its affinity mask), where the OS says."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return None


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def environment() -> dict[str, str]:
    """fastent's ``config()`` plus CPU, cores, ``OMP_NUM_THREADS`` and the peers' versions.

    Versions come from the installed package metadata, so nothing heavy (torch) is imported.
    """
    facts = {key: str(value) for key, value in _config.config().items()}
    facts["cpu"] = cpu_model()
    facts["cpu_count"] = str(os.cpu_count())
    facts["usable_cores"] = str(usable_cores() or "unknown")
    facts["OMP_NUM_THREADS"] = os.environ.get("OMP_NUM_THREADS", "(not set)")
    facts["FASTENT_SIMD"] = os.environ.get("FASTENT_SIMD", "(not set)")
    for distribution in (
        "scipy",
        "scikit-learn",
        "pyitlib",
        "torch",
        "Cython",
        "pytest-benchmark",
    ):
        version = _installed_version(distribution)
        if version is not None:
            facts[distribution] = version
    return facts


def read_bandwidth(nbytes: int = READ_BYTES, runs: int = 5) -> tuple[float, float]:
    """Measured memory-read speed: ``np.add.reduce`` over ``nbytes`` of float64, 1 thread.

    Returns
    -------
    gb_per_s, ns_per_element : float
        From the median of ``runs`` timed calls after one untimed call.
    """
    a = np.ones(nbytes // 8)
    np.add.reduce(a)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        np.add.reduce(a)
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    return a.nbytes / seconds / 1e9, seconds * 1e9 / a.size


# ---- the report -------------------------------------------------------------------------------


def header(repeats: int, quick: bool) -> str:
    """The report's first section: date, machine, versions, method and column meanings."""
    env = environment()
    gb_s, ns_element = read_bandwidth()
    openmp = "on" if env["openmp"] == "True" else "off"
    versions = [
        f"fastent {env['fastent']} (compiler {env['compiler']}, OpenMP {openmp})",
        f"Python {env['python']}",
        f"NumPy {np.__version__}",
    ]
    for distribution, name in (
        ("scipy", "SciPy"),
        ("torch", "PyTorch"),
        ("scikit-learn", "scikit-learn"),
        ("pyitlib", "pyitlib"),
    ):
        if distribution in env:
            versions.append(f"{name} {env[distribution]}")
    lines = [
        "# fastent vs NumPy reference and peers",
        "",
        f"- Date: {dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M UTC}",
        f"- CPU: {env['cpu']}, {env['platform']}",
        f"- Cores: {env['cpu_count']} logical CPUs, {env['usable_cores']} usable by this process",
        f"- SIMD level in use: {DEFAULT_SIMD} (supported: {env['simd_supported']}; "
        f"FASTENT_SIMD {env['FASTENT_SIMD']})",
        f"- Threads: {ALL_THREADS} (fastent's OpenMP default; OMP_NUM_THREADS "
        f"{env['OMP_NUM_THREADS']})",
        f"- Memory read (measured): {gb_s:.1f} GB/s, {ns_element:.2f} ns/element "
        f"(`np.add.reduce` of {READ_BYTES // 2**20} MB float64, 1 thread, median of 5)",
        f"- Versions: {', '.join(versions)}",
        "- Data: per workload below, fixed seeds (benchmarks/workloads.py)",
        f"- Method: median of {repeats} interleaved rounds in one process, after an untimed "
        "check/warm-up round; fastent rows agree with the reference (rtol 1e-10 for float64, "
        "1e-5 for float32)",
        "- Columns: ns/element = time / (rows × cols); ratio = this row's time / time of "
        f"{PRIMARY} (above 1: fastent is faster); × read = time / time of `np.add.reduce` over the "
        "same inputs",
    ]
    if quick:
        lines.append("- **Quick smoke run: small shapes, 1 round — these timings mean nothing.**")
    return "\n".join([*lines, ""])


#: The SIMD levels every 1-thread target is also judged at (besides the default level's row).
TARGET_LEVELS: Final = ("avx512", "avx2")


def _target_lines(workload: Workload, rows: Sequence[Row]) -> list[str]:
    """Each target met or not at the default SIMD level and, for 1-thread targets, at every
    other level of TARGET_LEVELS measured (its ``fastent · level · 1 thread`` row)."""
    by_label = {row.label: row for row in rows}
    levels = [
        level
        for level in TARGET_LEVELS
        if level != DEFAULT_SIMD and fastent_label(level, 1) in by_label
    ]
    lines = []
    for target in workload.targets:
        row = by_label.get(target.row)
        if row is None:
            lines.append(f"- {target.text}: not measured (peer not installed)")
            continue
        value = {"ratio": row.ratio, "read": row.read, "speedup": 1 / row.ratio}[target.column]
        line = f"- {target.text}: {_verdict(target, value)}"
        for level in levels:
            at = by_label[fastent_label(level, 1)]
            if target.column == "ratio" and row.versus == PRIMARY:
                line += f"; {level}: {_verdict(target, row.ratio / at.ratio)}"
            elif target.column == "read" and target.row == PRIMARY:
                line += f"; {level}: {_verdict(target, at.read)}"
        if len(line) > len(f"- {target.text}: {_verdict(target, value)}"):
            line = line.replace(": ", f": {DEFAULT_SIMD} (default): ", 1)
        lines.append(line)
    return lines


def _verdict(target: Target, value: float) -> str:
    met = value >= target.bound if target.at_least else value <= target.bound
    return f"**{'met' if met else 'NOT met'}** ({value:.2f}×)"


def section(workload: Workload, rows: Sequence[Row]) -> str:
    """A workload's report section: what is measured, the table, the targets met or not."""
    arrays = [a for a in workload.inputs if isinstance(a, np.ndarray)]
    main = max(arrays, key=lambda a: a.size)  # the logits / distributions / labels
    elements = workload.elements or main.size
    module = workload.func.__module__.removeprefix("fastent.")
    module = "" if module in ("distributions", "logits") else f"{module}."
    name = f"{module}{workload.func.__name__}"
    shape = workload.shape_text or (
        f"{main.shape[0]:,} × {main.shape[1]:,} {workload.data}; {elements:,} elements per input"
    )
    against = (
        f" vs NumPy reference `fastent.reference.{name}`"
        if workload.reference_module is not None
        else " (no NumPy reference row: its dense table would not fit)"
    )
    unit = workload.unit
    lines = [
        f"## {workload.name}: {workload.title}",
        "",
        f"`fastent.{name}`{against}; {shape}.",
        "",
        f"| implementation | median (ms) | ns/{unit} | ratio | × read | max rel. diff vs "
        f"{'reference' if workload.truth is None else 'the checked value'} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        diff = "—" if row.rel_diff is None else f"{row.rel_diff:.1e}"
        lines.append(
            f"| {row.label} | {row.seconds * 1e3:.2f} | {row.seconds * 1e9 / elements:.2f} "
            f"| {row.ratio:.2f} | {row.read:.2f} | {diff} |"
        )
    lines += ["", *workload.notes]
    if workload.targets:
        lines += ["", "Targets (BENCHMARKS.md):", *_target_lines(workload, rows)]
    return "\n".join([*lines, ""])
