# SPDX-License-Identifier: BSD-3-Clause
"""The ``fastent`` command (also ``python -m fastent``).

``fastent rank DATA --target COL`` ranks the columns of a CSV or Parquet file by mutual
information with the target column (:func:`fastent.selection.select_features`) and prints a
table, CSV or JSON; ``fastent rank --example`` does it on the handwritten-digits data shipped in
the package (``fastent/data``), with NumPy alone.

Exit status: 0 on success, 1 when the data cannot be read or scored (missing or unreadable
file, missing values), 2 for a bad command line (unknown option, method or target column, k out
of range).  Every error is one line on stderr, ``fastent: error: ...``.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib
import importlib.util
import io
import json
import os
import shutil
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn, TextIO

import numpy as np

from . import selection
from ._core.checks import check_binning, check_k
from ._core.codes import ContinuousLabelsWarning
from ._core.measures import ESTIMATORS
from ._core.threads import effective_n_threads
from ._version import __version__

__all__ = ["main"]

PROG = "fastent"
#: Exit status for data that cannot be read or scored, and for a bad command line.
DATA_ERROR, USAGE_ERROR = 1, 2
FORMATS = ("table", "csv", "json")
#: The example data set of ``fastent rank --example`` (see fastent/data/README.md).
EXAMPLE_FILE = "digits.csv.gz"
EXAMPLE_COLUMNS = [f"pixel_{i}_{j}" for i in range(8) for j in range(8)] + ["digit"]
EXAMPLE_TARGET = "digit"
#: File suffixes read as Parquet (anything else is read as CSV, compressed or not).
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
#: Seconds a selection runs before the progress bar appears (fast runs never show it).
PROGRESS_DELAY = 0.3


class CommandError(Exception):
    """A one-line message for the user, and the exit status."""

    def __init__(self, message: str, status: int = DATA_ERROR) -> None:
        super().__init__(message)
        self.status = status


def _one_line(text: object) -> str:
    return "; ".join(line.strip() for line in str(text).strip().splitlines() if line.strip())


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one line (no usage block)."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see '{self.prog} --help')", USAGE_ERROR)


def build_parser() -> argparse.ArgumentParser:
    """The ``fastent`` argument parser (one subcommand per job)."""
    parser = _Parser(
        prog=PROG,
        description="Fast, exact information theory for NumPy: command-line tools.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )
    rank = commands.add_parser(
        "rank",
        help="rank the columns of a table by mutual information with a target column",
        description=(
            "Rank the columns of DATA by mutual information with the target column: greedy "
            "selection of k features (fastent.selection.select_features). Integer, bool and "
            "text columns are discrete; float columns are binned (--bins, --strategy)."
        ),
        epilog=(
            "Output columns: rank (pick order), feature, score (the method's criterion when the "
            "feature was picked) and relevance (I(feature; target)), in nats. Exit status: 0 "
            "ok, 1 unreadable data, 2 bad command line."
        ),
    )
    rank.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help="CSV file (.csv, optionally compressed: .csv.gz, ...; '-' reads stdin) or Parquet "
        "file (.parquet, .pq; needs pyarrow); reading it needs pandas",
    )
    rank.add_argument("--target", "-t", metavar="COL", help="the target column (class labels)")
    rank.add_argument(
        "--example",
        action="store_true",
        help=f"rank the 64 pixels of the shipped handwritten-digits data (UCI optical digits) "
        f"for the '{EXAMPLE_TARGET}' column",
    )
    rank.add_argument(
        "--method",
        "-m",
        choices=selection.METHODS,
        default="mrmr",
        help="mi: relevance only; mrmr: relevance minus mean redundancy; jmi: joint mutual "
        "information; cmim: conditional mutual information maximisation (default: mrmr)",
    )
    rank.add_argument(
        "--k",
        "-k",
        type=int,
        metavar="K",
        help="number of features to rank (default: all for mi, else 10 or all if fewer)",
    )
    rank.add_argument(
        "--bins", type=int, default=16, metavar="N", help="bins per float column (default: 16)"
    )
    rank.add_argument(
        "--strategy",
        choices=selection.STRATEGIES,
        default="quantile",
        help="equal-frequency or equal-width bins (default: quantile)",
    )
    rank.add_argument(
        "--estimator",
        choices=ESTIMATORS,
        default="plugin",
        help="entropy estimator (default: plugin)",
    )
    rank.add_argument("--format", "-f", choices=FORMATS, default="table", help="output format")
    rank.add_argument(
        "--n-jobs",
        type=int,
        metavar="N",
        help="threads (default: all OpenMP allows; 1: serial; -1: all cores)",
    )
    rank.set_defaults(run=run_rank)
    bench = commands.add_parser(
        "bench",
        help="time fastent against its NumPy reference on this machine",
        description=(
            "Print a table of fastent's speed against its plain NumPy reference "
            "(fastent.reference) on this machine: one workload per family, interleaved rounds, "
            "medians, every result checked against the reference."
        ),
    )
    bench.add_argument("--quick", action="store_true", help="10x smaller inputs, one round")
    bench.add_argument("--repeats", type=int, metavar="N", help="rounds per workload (default 3)")
    bench.add_argument(
        "--n-jobs", type=int, default=1, metavar="N", help="fastent's threads (default: 1)"
    )
    bench.set_defaults(run=run_bench)
    return parser


# ---- data ----------------------------------------------------------------------------------------


@dataclass
class Table:
    """Features and target of one data set."""

    source: str
    features: Any  # a pandas DataFrame or a 2-D NumPy array
    names: list[str]
    target: Any
    target_name: str

    @property
    def n_rows(self) -> int:
        return len(self.target)


def load_example(target: str | None) -> Table:
    """The shipped digits data (NumPy only): 64 pixel columns and the digit."""
    target = EXAMPLE_TARGET if target is None else target
    if target not in EXAMPLE_COLUMNS:
        raise CommandError(
            f"unknown target column {target!r} for --example; its columns are pixel_0_0 .. "
            f"pixel_7_7 and {EXAMPLE_TARGET}",
            USAGE_ERROR,
        )
    ref = resources.files("fastent") / "data" / EXAMPLE_FILE
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        data = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    t = EXAMPLE_COLUMNS.index(target)
    names = [c for c in EXAMPLE_COLUMNS if c != target]
    return Table(EXAMPLE_FILE, np.delete(data, t, axis=1), names, data[:, t], target)


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise CommandError(
            "reading DATA needs pandas: pip install 'fastentropy[pandas]' "
            "(fastent rank --example runs without it)"
        ) from None


def read_data(path: str) -> Any:
    """DATA as a pandas DataFrame: Parquet by suffix, else CSV (compression from the suffix)."""
    parquet = path != "-" and Path(path).suffix.lower() in PARQUET_SUFFIXES
    if path != "-":
        file = Path(path)
        if not file.exists():
            raise CommandError(f"{path}: no such file")
        if file.is_dir():
            raise CommandError(f"{path}: is a directory, not a CSV or Parquet file")
        if not file.is_file():  # a device (/dev/zero), a pipe or a socket: it may never end
            raise CommandError(
                f"{path}: not a regular file; give a CSV or Parquet file, or '-' to read stdin"
            )
    pd = _pandas()
    if parquet and not (_have("pyarrow") or _have("fastparquet")):
        raise CommandError("reading Parquet needs pyarrow: pip install pyarrow")
    kind = "Parquet" if parquet else "CSV"
    try:
        if parquet:
            return pd.read_parquet(path)
        return pd.read_csv(sys.stdin if path == "-" else path, low_memory=False)
    except Exception as exc:  # garbled files fail in many ways (parser, codec, gzip, arrow)
        name = "stdin" if path == "-" else path
        raise CommandError(f"could not read {name} as {kind}: {_one_line(exc)}") from None


def load_table(path: str, target: str) -> Table:
    """Split DATA into features and the target column; missing values are an error."""
    df = read_data(path)
    names = [str(c) for c in df.columns]
    source = "stdin" if path == "-" else Path(path).name
    if target not in names:
        shown = ", ".join(repr(n) for n in names[:8]) + (", ..." if len(names) > 8 else "")
        raise CommandError(
            f"unknown target column {target!r}; {source} has {len(names)} columns: {shown}",
            USAGE_ERROR,
        )
    if len(df) == 0:
        raise CommandError(f"{source} has no rows")
    t = names.index(target)
    keep = [j for j in range(len(names)) if j != t]
    if not keep:
        raise CommandError(f"{source} has no columns besides the target {target!r}")
    for j, name in enumerate(names):
        missing = df.iloc[:, j].isna().to_numpy()
        if missing.any():
            row = int(np.flatnonzero(missing)[0]) + 1
            raise CommandError(
                f"column {name!r} has a missing value (NaN or empty) in data row {row}, "
                f"{int(missing.sum())} in all; fill or drop them first"
            )
    return Table(source, df.iloc[:, keep], [names[j] for j in keep], df.iloc[:, t], target)


# ---- ranking -------------------------------------------------------------------------------------


class ProgressBar:
    """A one-line bar on a terminal stream, drawn once a run has lasted ``delay`` seconds and
    erased when done."""

    def __init__(self, stream: TextIO, label: str, delay: float | None = None) -> None:
        self.stream, self.label = stream, label
        self.delay = PROGRESS_DELAY if delay is None else delay
        self.start = time.monotonic()
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        if not self.width and time.monotonic() - self.start < self.delay:
            return
        columns = shutil.get_terminal_size((80, 24)).columns
        size = max(10, min(40, columns - len(self.label) - 2 * len(str(total)) - 6))
        filled = size * done // max(total, 1)
        line = f"{self.label} [{'#' * filled}{'.' * (size - filled)}] {done}/{total}"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = max(self.width, len(line))

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _default_k(method: str, p: int) -> int:
    return p if method == "mi" else min(10, p)


def rank(table: Table, args: argparse.Namespace) -> selection.Selection:
    """Run the selection, with a progress bar on a terminal and warnings as one-liners."""
    p = len(table.names)
    try:
        k = check_k(_default_k(args.method, p) if args.k is None else args.k, p)
    except ValueError as exc:
        raise CommandError(f"--{exc}", USAGE_ERROR) from None
    bar = ProgressBar(sys.stderr, f"{PROG}: {args.method}") if sys.stderr.isatty() else None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = selection.select_features(
                table.features,
                table.target,
                k,
                method=args.method,
                n_bins=args.bins,
                strategy=args.strategy,
                estimator=args.estimator,
                n_jobs=args.n_jobs,
                progress=bar,
            )
    except (ValueError, TypeError) as exc:
        raise CommandError(_one_line(exc)) from None
    finally:
        if bar is not None:
            bar.close()
    for w in caught:
        message = _one_line(w.message)
        if issubclass(w.category, ContinuousLabelsWarning) and message.startswith("y "):
            message = (
                f"target column {table.target_name!r} looks continuous (many distinct "
                "non-integer values): each distinct value counts as a class; bin it first for a "
                "meaningful ranking"
            )
        print(f"{PROG}: warning: {message}", file=sys.stderr)
    return result


def _rows(table: Table, result: selection.Selection) -> list[tuple[int, str, float, float]]:
    return [
        (i + 1, table.names[j], float(score), float(result.relevance[j]))
        for i, (j, score) in enumerate(zip(result.indices, result.scores, strict=True))
    ]


def format_table(table: Table, result: selection.Selection, method: str) -> str:
    rows = _rows(table, result)
    k, p = len(rows), len(table.names)
    width = max(len("feature"), *(len(name) for _, name, _, _ in rows))
    lines = [
        f"{method}: {k} of {p} features of {table.source} ranked by mutual information with "
        f"{table.target_name!r} ({table.n_rows} rows; nats)",
        f"{'rank':>4}  {'feature':<{width}}  {'score':>9}  {'relevance':>9}",
    ]
    lines += [f"{r:>4}  {name:<{width}}  {s:>9.4f}  {rel:>9.4f}" for r, name, s, rel in rows]
    return "\n".join(lines) + "\n"


def format_csv(table: Table, result: selection.Selection) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "feature", "score", "relevance"])
    writer.writerows([r, name, repr(s), repr(rel)] for r, name, s, rel in _rows(table, result))
    return out.getvalue()


def format_json(table: Table, result: selection.Selection, args: argparse.Namespace) -> str:
    document = {
        "data": table.source,
        "target": table.target_name,
        "method": args.method,
        "k": len(result.indices),
        "n_rows": table.n_rows,
        "n_features": len(table.names),
        "unit": "nats",
        "features": [
            {"rank": r, "feature": name, "score": s, "relevance": rel}
            for r, name, s, rel in _rows(table, result)
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def run_rank(args: argparse.Namespace) -> int:
    """``fastent rank``."""
    if args.example and args.data is not None:
        raise CommandError("give DATA or --example, not both", USAGE_ERROR)
    if not args.example and args.data is None:
        raise CommandError(
            "give a DATA file (CSV or Parquet) and --target COL, or --example", USAGE_ERROR
        )
    if not args.example and args.target is None:
        raise CommandError(
            "--target COL is required: the column to rank the features for", USAGE_ERROR
        )
    try:  # the library's own checks, before any data is read
        check_binning(args.bins, args.strategy)
        effective_n_threads(args.n_jobs, 0)
    except ValueError as exc:
        message = f"--{exc}".replace("--n_bins", "--bins").replace("--n_jobs", "--n-jobs")
        raise CommandError(message, USAGE_ERROR) from None
    table = load_example(args.target) if args.example else load_table(args.data, args.target)
    result = rank(table, args)
    if args.format == "csv":
        text = format_csv(table, result)
    elif args.format == "json":
        text = format_json(table, result, args)
    else:
        text = format_table(table, result, args.method)
    write_output(text)
    return 0


def write_output(text: str) -> None:
    """Write the result to stdout; a closed or full stdout is a one-line error, not a traceback."""
    if sys.stdout is None:  # started with fd 1 closed (`fastent ... >&-`)
        raise CommandError("standard output is closed: nowhere to write the result")
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except (OSError, ValueError) as exc:  # /dev/full, a closed file object
        _silence_stdout()
        raise CommandError(f"cannot write the result: {_one_line(exc)}") from None


def _silence_stdout() -> None:
    """Point fd 1 at /dev/null so that the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def run_bench(args: argparse.Namespace) -> int:
    """``fastent bench``."""
    if args.repeats is not None and args.repeats < 1:
        raise CommandError("--repeats must be at least 1", USAGE_ERROR)
    try:
        effective_n_threads(args.n_jobs, 0)
    except ValueError as exc:
        raise CommandError(f"--{exc}".replace("--n_jobs", "--n-jobs"), USAGE_ERROR) from None
    from ._bench import bench  # imports the NumPy reference: only for this command

    out = io.StringIO()
    rows = bench(quick=args.quick, n_jobs=args.n_jobs, repeats=args.repeats, file=out)
    write_output(out.getvalue())
    return 0 if all(row.agrees for row in rows) else DATA_ERROR


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fastent`` command with ``argv`` (default ``sys.argv[1:]``); the exit status."""
    try:
        args = build_parser().parse_args(argv)
        status: int = args.run(args)
        return status
    except CommandError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return exc.status
    except SystemExit as exc:  # --help, --version
        return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `fastent rank ... | head`: stop quietly
        _silence_stdout()
        return 1
