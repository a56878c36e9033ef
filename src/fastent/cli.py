# SPDX-License-Identifier: BSD-3-Clause
"""The ``fastent`` command (also ``python -m fastent``).

``fastent rank DATA --target COL`` ranks the columns of a CSV, TSV or Parquet file by mutual
information with the target column (:func:`fastent.selection.select_features`) and prints a
table, CSV or JSON (``-o FILE``: to a file; ``--plot FILE``: also a bar chart, with matplotlib);
``fastent rank --example`` does it on the handwritten-digits data shipped in the package
(``fastent/data``), with NumPy alone.  With pyarrow, DATA is read by pyarrow alone and only the
columns the ranking needs are read (the target and the features: ``--columns``,
``--exclude``); without it, by pandas.

Exit status: 0 on success, 1 when the data cannot be read or scored (missing or unreadable file,
missing values with ``--missing error``, no matplotlib for ``--plot``, an unwritable output),
2 for a bad command line (unknown option, method, target or feature column, a column named twice,
k < 1, a ``--plot`` file that is not .png or .svg).  Every error is one line on stderr,
``fastent: error: ...``; every warning (k above the number of features, near-unique columns) one
line ``fastent: warning: ...``.
"""

from __future__ import annotations

import argparse
import bz2
import csv
import dataclasses
import gzip
import importlib
import importlib.util
import io
import itertools
import json
import lzma
import os
import re
import shutil
import sys
import time
import warnings
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any, NoReturn, TextIO

import numpy as np

from . import discrete, selection
from ._core.checks import check_binning, log_base
from ._core.codes import ContinuousLabelsWarning, continuous_target
from ._core.frames import column_data
from ._core.measures import ESTIMATORS
from ._core.threads import effective_n_threads
from ._version import __version__
from .selection import SCORE_MEANING

__all__ = ["main"]

PROG = "fastent"
#: Exit status for data that cannot be read or scored, and for a bad command line.
DATA_ERROR, USAGE_ERROR = 1, 2
FORMATS = ("table", "csv", "json")
MISSING = ("error", "level", "drop")
#: The example data set of ``fastent rank --example`` (see fastent/data/README.md).
EXAMPLE_FILE = "digits.csv.gz"
EXAMPLE_COLUMNS = [f"pixel_{i}_{j}" for i in range(8) for j in range(8)] + ["digit"]
EXAMPLE_TARGET = "digit"
#: File suffixes read as Parquet (anything else is read as CSV, compressed or not).
PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
#: Suffixes of tab-separated files (before a compression suffix): no need for --sep.
TSV_SUFFIXES = (".tsv", ".tab")
#: Compression suffixes decompressed with the standard library (pyarrow detects .gz, .bz2, .zst
#: and .lz4 itself; pandas .gz, .bz2, .xz, .zip, .zst).
STDLIB_CODECS = (".gz", ".bz2", ".xz", ".lzma")
COMPRESSION_SUFFIXES = (*STDLIB_CODECS, ".zip", ".zst", ".lz4")
#: Plot file suffixes (matplotlib's Agg backend writes both).
PLOT_SUFFIXES = (".png", ".svg")
#: Seconds a selection runs before the progress bar appears (fast runs never show it).
PROGRESS_DELAY = 0.3
# rows of the uniform sample that the bin edges of continuous columns are fitted on when
# streaming (--chunksize, --scheduler)
SAMPLE_ROWS = 200_000
#: A discrete feature with more distinct values than this share of the rows is near-unique (an
#: ID-like column that scores high by chance unless --adjusted).
NEAR_UNIQUE = 0.5
#: Width of the table's bar column, in characters; eighth blocks refine the last cell.
BAR_WIDTH = 20
BLOCKS = " ▏▎▍▌▋▊▉█"
PLOT_EXTRA = "pip install 'fastentropy[plot]'"
#: A binary file object (the standard library's decompressors are not typed as IO[bytes]).
ByteStream = IO[bytes] | io.BufferedIOBase


class CommandError(Exception):
    """A one-line message for the user, and the exit status."""

    def __init__(self, message: str, status: int = DATA_ERROR) -> None:
        super().__init__(message)
        self.status = status


def _one_line(text: object) -> str:
    return "; ".join(line.strip() for line in str(text).strip().splitlines() if line.strip())


def _warn(message: str) -> None:
    print(f"{PROG}: warning: {_one_line(message)}", file=sys.stderr)


class _Parser(argparse.ArgumentParser):
    """argparse that reports a bad command line as one line (no usage block)."""

    def error(self, message: str) -> NoReturn:
        raise CommandError(f"{message} (see '{self.prog} --help')", USAGE_ERROR)


RANK_EPILOG = """\
defaults, and how they differ from scikit-learn:
  column kinds  by dtype (select_features' discrete="auto"): float columns are binned (--bins,
                --strategy), integer, bool and text columns are labels; scikit-learn's
                discrete_features="auto" treats every column of dense input as continuous.
                --discrete / --continuous override it per column.
  target        class labels, unless it looks continuous (floats with fractions, or numbers with
                more than 20 distinct values and at most 20 rows per value): then it is binned
                like a float column; --discrete-target / --continuous-target override the rule.
  --k           all features for mi, else 10 (all if fewer); a k above the number of features
                warns and keeps them all, as scikit-learn's SelectKBest.
  --missing     error: one error naming every column with missing values (NaN, empty, null).
  estimate      plug-in mutual information of the discrete (binned) columns, in nats (--base 2:
                bits); scikit-learn's mutual_info_classif uses k-nearest-neighbour estimates.
  chance        columns with many levels (IDs) score high by chance: a warning names the
                near-unique ones; --adjusted subtracts each term's expectation E[I].

output: rank (pick order), feature, score (the method's criterion at the pick; the table says what
it means), relevance I(feature; target), share (relevance as a percentage of H(target)), binned
(whether the feature was binned) and a bar (relevance, scaled to the largest shown).

exit status: 0 ok, 1 data that cannot be read or scored, 2 bad command line."""


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
            "Rank the columns of DATA by mutual information with the target column: greedy\n"
            "selection of k features (fastent.selection.select_features)."
        ),
        epilog=RANK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    rank.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help="CSV file (.csv, .tsv, optionally compressed: .csv.gz, ...; '-' reads stdin) or "
        "Parquet file (.parquet, .pq); read by pyarrow (only the columns needed), else pandas",
    )
    rank.add_argument(
        "--target",
        "-t",
        metavar="COL",
        help="the target column: class labels, or a continuous column (binned)",
    )
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
        help="number of features to rank (default: all for mi, else 10 or all if fewer; more "
        "than the features: a warning, and all)",
    )
    features = rank.add_mutually_exclusive_group()
    features.add_argument(
        "--columns",
        nargs="+",
        action="extend",
        metavar="COL",
        help="rank these columns only (default: every column but the target; put DATA first)",
    )
    features.add_argument(
        "--exclude", nargs="+", action="extend", metavar="COL", help="leave these columns out"
    )
    rank.add_argument(
        "--discrete",
        nargs="+",
        action="extend",
        default=[],
        metavar="COL",
        help="treat these (float) columns as labels, not binned",
    )
    rank.add_argument(
        "--continuous",
        nargs="+",
        action="extend",
        default=[],
        metavar="COL",
        help="bin these (integer) columns as continuous",
    )
    target_kind = rank.add_mutually_exclusive_group()
    target_kind.add_argument(
        "--discrete-target",
        dest="discrete_target",
        action="store_const",
        const=True,
        help="the target holds class labels, however many values it has",
    )
    target_kind.add_argument(
        "--continuous-target",
        dest="discrete_target",
        action="store_const",
        const=False,
        help="bin the target as a continuous column (--bins, --strategy)",
    )
    rank.add_argument(
        "--bins",
        type=int,
        default=16,
        metavar="N",
        help="most bins per continuous column (default: 16)",
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
    rank.add_argument(
        "--base",
        type=float,
        metavar="B",
        help="logarithm base of the scores: 2 for bits (default: e, nats)",
    )
    rank.add_argument(
        "--missing",
        choices=MISSING,
        default="error",
        help="missing values (NaN, empty, null): an error naming every affected column "
        "(default), a level of their own, or each score on the rows where its columns are present",
    )
    rank.add_argument(
        "--adjusted",
        action="store_true",
        help="chance-corrected information (I - E[I]): many-level columns stop winning by chance",
    )
    rank.add_argument(
        "--continuous-estimator",
        choices=("bin", "knn"),
        default="bin",
        help="continuous columns and targets: binned (--bins, --strategy), or by nearest "
        "neighbours (scikit-learn's mutual_info_classif/regression estimators; mRMR's "
        "redundancies too, JMI's and CMIM's terms stay binned) (default: bin)",
    )
    rank.add_argument(
        "--n-neighbors",
        type=int,
        default=3,
        metavar="K",
        help="neighbours of the knn estimator (default: 3)",
    )
    rank.add_argument(
        "--sep",
        metavar="SEP",
        help="CSV field separator, one character ('\\t' or 'tab' for tabs; default: tab for "
        ".tsv/.tab files or a header with tabs and no commas, else ',')",
    )
    rank.add_argument(
        "--format", "-f", choices=FORMATS, default="table", help="output format (default: table)"
    )
    rank.add_argument(
        "--output", "-o", metavar="FILE", help="write the output to FILE (default: stdout)"
    )
    rank.add_argument(
        "--plot",
        metavar="FILE",
        help=f"also draw the ranking as a bar chart: a .png or .svg file (matplotlib: "
        f"{PLOT_EXTRA})",
    )
    rank.add_argument(
        "--n-jobs",
        type=int,
        metavar="N",
        help="threads (default: all OpenMP allows; 1: serial; -1: all cores)",
    )
    rank.add_argument(
        "--chunksize",
        type=int,
        metavar="ROWS",
        help="stream DATA, about ROWS rows at a time (pyarrow's batch readers): memory stays flat "
        "whatever the file's size; continuous columns are binned by edges fitted on a uniform "
        f"sample of {SAMPLE_ROWS:,} rows (a first pass over the file)",
    )
    rank.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="count through Dask (per-partition tables merged by a tree): 'local' starts a "
        "local cluster of one worker process per core, else the address of a running Dask "
        "scheduler (host:port) that can read DATA; needs pip install 'fastentropy[dask]'",
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


# ---- the command line ----------------------------------------------------------------------------


def _separator(sep: str | None) -> str | None:
    """``--sep`` as one character ('\\t' and 'tab' are a tab)."""
    if sep is None:
        return None
    sep = {"\\t": "\t", "tab": "\t"}.get(sep, sep)
    if len(sep) != 1 or sep in '\r\n"':
        raise CommandError(
            f"--sep must be one character other than a quote or newline, got {sep!r}", USAGE_ERROR
        )
    return sep


def _no_repeats(option: str, names: Sequence[str] | None) -> None:
    seen: set[str] = set()
    for name in names or ():
        if name in seen:
            raise CommandError(f"{option} names the column {name!r} twice", USAGE_ERROR)
        seen.add(name)


def check_arguments(args: argparse.Namespace) -> None:
    """The command line's own checks, before any data is read (usage errors)."""
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
    if args.k is not None and args.k < 1:
        raise CommandError(f"--k must be at least 1, got {args.k}", USAGE_ERROR)
    try:  # the library's own checks
        check_binning(args.bins, args.strategy)
        effective_n_threads(args.n_jobs, 0)
        log_base(args.base)
    except ValueError as exc:
        message = f"--{exc}".replace("--n_bins", "--bins").replace("--n_jobs", "--n-jobs")
        raise CommandError(message, USAGE_ERROR) from None
    if args.plot is not None and Path(args.plot).suffix.lower() not in PLOT_SUFFIXES:
        raise CommandError(f"--plot FILE must end in .png or .svg, got {args.plot!r}", USAGE_ERROR)
    streamed = args.chunksize is not None or args.scheduler is not None
    if args.chunksize is not None and args.chunksize < 1:
        raise CommandError(f"--chunksize must be at least 1, got {args.chunksize}", USAGE_ERROR)
    if streamed and (args.example or args.data == "-"):
        what = "--example" if args.example else "stdin"
        raise CommandError(f"--chunksize and --scheduler read a file, not {what}", USAGE_ERROR)
    if streamed and args.continuous_estimator == "knn":
        raise CommandError(
            "--continuous-estimator knn needs every row at once: not with --chunksize or "
            "--scheduler",
            USAGE_ERROR,
        )
    args.sep = _separator(args.sep)
    for option in ("columns", "exclude", "discrete", "continuous"):
        _no_repeats(f"--{option}", getattr(args, option))
    both = [name for name in args.discrete if name in args.continuous]
    if both:
        raise CommandError(
            f"column {both[0]!r} is in both --discrete and --continuous", USAGE_ERROR
        )


def select_columns(
    names: list[str], target: str, args: argparse.Namespace, source: str
) -> list[str]:
    """The features: every column but the target, or ``--columns``, minus ``--exclude`` (in the
    file's order); every name given must be a column of the file."""
    shown = ", ".join(repr(n) for n in names[:8]) + (", ..." if len(names) > 8 else "")
    if target not in names:
        raise CommandError(
            f"unknown target column {target!r}; {source} has {len(names)} columns: {shown}",
            USAGE_ERROR,
        )
    for option in ("columns", "exclude", "discrete", "continuous"):
        for name in getattr(args, option) or ():
            if name not in names:
                raise CommandError(
                    f"--{option}: no column {name!r} in {source}; its {len(names)} columns: "
                    f"{shown}",
                    USAGE_ERROR,
                )
            if name == target and option != "exclude":
                hint = "" if option == "columns" else f"; use --{option}-target for the target"
                raise CommandError(
                    f"--{option} names the target column {target!r}: the target is never a "
                    f"feature{hint}",
                    USAGE_ERROR,
                )
    if len(set(names)) != len(names):
        needed = set(args.columns or names) | {target}
        dup = next((n for n in names if names.count(n) > 1 and n in needed), None)
        if dup is not None:
            raise CommandError(f"{source} has the column name {dup!r} more than once")
    chosen = set(args.columns) if args.columns else set(names)
    chosen -= set(args.exclude or ()) | {target}
    features = [n for n in dict.fromkeys(names) if n in chosen]
    if not features:
        if args.exclude:
            raise CommandError("--exclude leaves no columns to rank", USAGE_ERROR)
        raise CommandError(f"{source} has no columns besides the target {target!r}")
    return features


# ---- data ----------------------------------------------------------------------------------------


@dataclass
class Table:
    """Features and target of one data set (``floats``: which features hold floats, binned
    unless ``--discrete`` says otherwise)."""

    source: str
    features: Any  # a pyarrow Table, a pandas DataFrame or a 2-D NumPy array
    names: list[str]
    target: Any
    target_name: str
    n_rows: int
    floats: list[bool]


def load_example(args: argparse.Namespace) -> Table:
    """The shipped digits data (NumPy only): 64 pixel columns and the digit."""
    target = EXAMPLE_TARGET if args.target is None else args.target
    if target not in EXAMPLE_COLUMNS:
        raise CommandError(
            f"unknown target column {target!r} for --example; its columns are pixel_0_0 .. "
            f"pixel_7_7 and {EXAMPLE_TARGET}",
            USAGE_ERROR,
        )
    names = select_columns(EXAMPLE_COLUMNS, target, args, EXAMPLE_FILE)
    ref = resources.files("fastent") / "data" / EXAMPLE_FILE
    with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="ascii") as text:
        data = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    keep = [EXAMPLE_COLUMNS.index(n) for n in names]
    y = data[:, EXAMPLE_COLUMNS.index(target)]
    return Table(EXAMPLE_FILE, data[:, keep], names, y, target, len(y), [False] * len(names))


def _have(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def _pandas() -> Any:
    try:
        return importlib.import_module("pandas")
    except ImportError:
        raise CommandError(
            "reading DATA needs pyarrow or pandas: pip install pyarrow (or "
            "'fastentropy[pandas]'); fastent rank --example runs without them"
        ) from None


def _check_file(path: str) -> None:
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{path}: no such file")
    if file.is_dir():
        raise CommandError(f"{path}: is a directory, not a CSV or Parquet file")
    if not file.is_file():  # a device (/dev/zero), a pipe or a socket: it may never end
        raise CommandError(
            f"{path}: not a regular file; give a CSV or Parquet file, or '-' to read stdin"
        )


def _read_stdin() -> bytes:
    buffer = getattr(sys.stdin, "buffer", None)
    if buffer is not None:
        data: bytes = buffer.read()
        return data
    return str(sys.stdin.read()).encode("utf-8")


def _open_binary(path: str) -> ByteStream:
    """The bytes of a CSV file, decompressed by its suffix."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gz":
        return gzip.open(path, "rb")
    if suffix == ".bz2":
        return bz2.open(path, "rb")
    if suffix in (".xz", ".lzma"):
        return lzma.open(path, "rb")
    if suffix == ".zip":
        with zipfile.ZipFile(path) as archive:  # the member keeps the file open until closed
            members = [m for m in archive.namelist() if not m.endswith("/")]
            if len(members) != 1:
                raise ValueError(f"a .zip file must hold one CSV file, not {len(members)}")
            return archive.open(members[0])
    if suffix in (".zst", ".lz4") and _have("pyarrow"):
        stream = importlib.import_module("pyarrow").input_stream(path, compression="detect")
        return io.BufferedReader(stream)  # lines (pyarrow's streams have no readline)
    return open(path, "rb")


def _tab_separated(path: str, header: str) -> bool:
    """A .tsv/.tab file (compressed or not), or a header with tabs and no commas."""
    suffixes = [s.lower() for s in Path(path).suffixes] if path != "-" else []
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes.pop()
    if suffixes and suffixes[-1] in TSV_SUFFIXES:
        return True
    return "\t" in header and "," not in header


def csv_header(stream: ByteStream, path: str, sep: str | None) -> tuple[list[str], str]:
    """(column names, separator) from the header line of a CSV stream."""
    lines = (line.decode("utf-8") for line in stream)  # b"\n" is never inside a character
    first = next(lines, "").removeprefix("\ufeff")
    if not first.strip():
        raise ValueError("empty file: no header line")
    if "\x00" in first:
        raise ValueError("a NUL byte in the header line: binary data, not text")
    if sep is None:
        sep = "\t" if _tab_separated(path, first) else ","
    return next(csv.reader(itertools.chain([first], lines), delimiter=sep)), sep


def _csv_source(path: str, raw: bytes | None, arrow: bool) -> Any:
    """What the CSV reader reads: stdin's bytes, the path (the reader decompresses it) or a
    stream decompressed here (suffixes the reader does not know)."""
    if raw is not None:
        return io.BytesIO(raw)
    suffix = Path(path).suffix.lower()
    if suffix in ((".xz", ".lzma", ".zip") if arrow else (".lzma",)):
        return _open_binary(path)
    return path


def read_csv(path: str, raw: bytes | None, sep: str, columns: list[str], arrow: bool) -> Any:
    """``columns`` of a CSV file: a pyarrow Table (``arrow``) or a pandas DataFrame."""
    source = _csv_source(path, raw, arrow)
    try:
        if arrow:
            pcsv = importlib.import_module("pyarrow.csv")
            return pcsv.read_csv(
                source,
                parse_options=pcsv.ParseOptions(delimiter=sep),
                # an empty field is missing in every column, as pandas reads it
                convert_options=pcsv.ConvertOptions(
                    include_columns=columns, strings_can_be_null=True
                ),
            )
        return _pandas().read_csv(source, sep=sep, usecols=columns, low_memory=False)
    finally:
        if not isinstance(source, str):
            source.close()


def _is_float(column: Any) -> bool:
    """Whether a column (pyarrow, pandas) holds floats: binned under ``discrete="auto"``."""
    if hasattr(column, "type"):  # pyarrow
        pa_types = importlib.import_module("pyarrow.types")
        return bool(pa_types.is_floating(column.type))
    api = importlib.import_module("pandas.api.types")
    return bool(api.is_float_dtype(column.dtype))


def load_table(args: argparse.Namespace) -> Table:
    """Read the target and feature columns of DATA (CSV or Parquet)."""
    path, target = args.data, args.target
    source = "stdin" if path == "-" else Path(path).name
    parquet = path != "-" and Path(path).suffix.lower() in PARQUET_SUFFIXES
    if path != "-":
        _check_file(path)
    arrow = _have("pyarrow")
    if parquet and not arrow and not _have("fastparquet"):
        raise CommandError("reading Parquet needs pyarrow: pip install pyarrow")
    if not arrow:
        _pandas()
    raw = _read_stdin() if path == "-" else None
    name = "stdin" if path == "-" else path
    kind = "Parquet" if parquet else "CSV"
    try:  # the header first: check every name before reading the columns
        if parquet and arrow:
            names = list(importlib.import_module("pyarrow.parquet").read_schema(path).names)
        elif parquet:
            frame = _pandas().read_parquet(path)
            names = [str(c) for c in frame.columns]
        else:
            with io.BytesIO(raw) if raw is not None else _open_binary(path) as stream:
                names, sep = csv_header(stream, path, args.sep)
    except CommandError:
        raise
    except Exception as exc:  # garbled files fail in many ways (parser, codec, gzip, arrow)
        raise CommandError(f"could not read {name} as {kind}: {_one_line(exc)}") from None
    features = select_columns(names, target, args, source)
    needed = [n for n in dict.fromkeys(names) if n in {target, *features}]
    try:
        if parquet and arrow:
            pq = importlib.import_module("pyarrow.parquet")
            frame = pq.read_table(path, columns=needed)
        elif not parquet:
            frame = read_csv(path, raw, sep, needed, arrow)
    except Exception as exc:
        raise CommandError(f"could not read {name} as {kind}: {_one_line(exc)}") from None
    if hasattr(frame, "num_rows"):  # pyarrow
        X, y, n_rows = frame.select(features), frame.column(target), frame.num_rows
        floats = [_is_float(frame.column(c)) for c in features]
    else:
        X, y, n_rows = frame[features], frame[target], len(frame)
        floats = [_is_float(frame[c]) for c in features]
    if n_rows == 0:
        raise CommandError(f"{source} has no rows")
    return Table(source, X, features, y, target, n_rows, floats)


# ---- streaming: --chunksize and --scheduler ------------------------------------------------------


@dataclass
class Source:
    """A file read batch by batch: its separator (CSV), feature and target names, which
    features hold floats, and its row count when the file says (Parquet)."""

    path: str
    parquet: bool
    sep: str
    names: list[str]
    target: str
    floats: list[bool]
    target_numeric: bool
    target_float: bool
    n_rows: int | None


def _arrow_modules() -> tuple[Any, Any, Any]:
    if not _have("pyarrow"):
        raise CommandError(
            "--chunksize and --scheduler read files with pyarrow: pip install pyarrow"
        )
    pa, pcsv, pq = (
        importlib.import_module(m) for m in ("pyarrow", "pyarrow.csv", "pyarrow.parquet")
    )
    return pa, pcsv, pq


def _csv_block_size(path: str, rows: int) -> int:
    """Bytes of a CSV block holding about ``rows`` rows (from the first MiB's line lengths)."""
    with _open_binary(path) as stream:
        head = stream.read(1 << 20)
    per_row = len(head) / max(head.count(b"\n"), 1)
    return int(min(max(rows * per_row, 1 << 16), (1 << 31) - 1))


def _batches(src: Source, columns: list[str] | None, rows: int) -> Any:
    """The tables of ``columns`` (None: all) of the file, about ``rows`` rows each."""
    pa, pcsv, pq = _arrow_modules()
    if src.parquet:
        # without pre-buffering: it keeps what it read of every row group (memory would grow
        # with the file)
        parquet = pq.ParquetFile(src.path, pre_buffer=False)
        for batch in parquet.iter_batches(batch_size=rows, columns=columns):
            yield pa.Table.from_batches([batch])
        return
    source = _csv_source(src.path, None, True)
    try:
        reader = pcsv.open_csv(
            source,
            read_options=pcsv.ReadOptions(block_size=_csv_block_size(src.path, rows)),
            parse_options=pcsv.ParseOptions(delimiter=src.sep),
            convert_options=pcsv.ConvertOptions(
                include_columns=columns or [], strings_can_be_null=True
            ),
        )
        for batch in reader:
            yield pa.Table.from_batches([batch])
    finally:
        if not isinstance(source, str):
            source.close()


def open_source(args: argparse.Namespace) -> Source:
    """DATA's columns and types, read from its schema (Parquet) or its first block (CSV)."""
    pa, _, pq = _arrow_modules()
    path, target = args.data, args.target
    _check_file(path)
    parquet = Path(path).suffix.lower() in PARQUET_SUFFIXES
    kind = "Parquet" if parquet else "CSV"
    try:
        if parquet:
            schema, sep = pq.read_schema(path), ","
            n_rows: int | None = pq.ParquetFile(path).metadata.num_rows
        else:
            with _open_binary(path) as stream:
                _, sep = csv_header(stream, path, args.sep)
            src = Source(path, False, sep, [], target, [], False, False, None)
            schema, n_rows = next(iter(_batches(src, None, 1000))).schema, None
    except CommandError:
        raise
    except Exception as exc:
        raise CommandError(f"could not read {path} as {kind}: {_one_line(exc)}") from None
    names = list(schema.names)
    features = select_columns(names, target, args, Path(path).name)
    types = {name: schema.field(name).type for name in names}
    numeric = pa.types.is_integer(types[target]) or pa.types.is_floating(types[target])
    return Source(
        path,
        parquet,
        sep,
        features,
        target,
        [bool(pa.types.is_floating(types[n])) for n in features],
        bool(numeric),
        bool(pa.types.is_floating(types[target])),
        n_rows,
    )


def _sample(src: Source, columns: list[str], args: argparse.Namespace) -> dict[str, np.ndarray]:
    """A uniform sample of SAMPLE_ROWS rows of numeric ``columns`` (float64, NaN where
    missing): each row gets a random key and the smallest keys stay, batch by batch."""
    rng = np.random.default_rng(0)
    keys = np.empty(0)
    kept = {name: np.empty(0) for name in columns}
    for table in _batches(src, columns, args.chunksize or SAMPLE_ROWS):
        new = rng.random(table.num_rows)
        every = np.concatenate([keys, new])
        order = np.argsort(every, kind="stable")[:SAMPLE_ROWS]
        for name in columns:
            values = table.column(name).to_numpy(zero_copy_only=False).astype(np.float64)
            kept[name] = np.concatenate([kept[name], values])[order]
        keys = every[order]
    return kept


def _edges(values: np.ndarray, args: argparse.Namespace) -> np.ndarray:
    """Bin edges of a continuous column fitted on its sampled values (NaN left out)."""
    present = values[~np.isnan(values)]
    if present.size == 0:
        return np.array([0.0, 0.0])
    _, edges = selection.discretize(present, n_bins=args.bins, strategy=args.strategy)
    return np.asarray(edges)


def _target_binned(src: Source, sample: np.ndarray | None, args: argparse.Namespace) -> bool:
    """Whether the target is binned: --continuous-target, or the in-memory rule (numbers with
    fractions, or many values for the rows) applied to its sample."""
    if args.discrete_target is not None:
        return not args.discrete_target
    if sample is None:
        return False
    levels = np.unique(sample[~np.isnan(sample)])
    if not src.target_float:
        levels = levels.astype(np.int64)
    n = int(np.count_nonzero(~np.isnan(sample)))
    return continuous_target(levels, n)


def stream_counts(args: argparse.Namespace) -> tuple[Source, Any, list[bool]]:
    """(the source, its MutualInfoAccumulator, which features were binned): DATA counted batch
    by batch, or by Dask partitions with --scheduler."""
    src = open_source(args)
    listed, binned_ints = set(args.discrete), set(args.continuous)
    binned = [
        (is_float and name not in listed) or name in binned_ints
        for name, is_float in zip(src.names, src.floats, strict=True)
    ]
    to_sample = [name for name, b in zip(src.names, binned, strict=True) if b]
    if args.discrete_target is False and not src.target_numeric:
        raise CommandError(f"--continuous-target: the target column {src.target!r} is not numeric")
    if src.target_numeric and args.discrete_target is not True:
        to_sample.append(src.target)
    try:
        sample = _sample(src, to_sample, args) if to_sample else {}
    except Exception as exc:
        raise CommandError(f"could not read {src.path}: {_one_line(exc)}") from None
    edges = {name: _edges(sample[name], args) for name in src.names if name in sample}
    y_binned = _target_binned(src, sample.get(src.target), args)
    settings = {
        "discrete": [not b for b in binned],
        "edges": [edges.get(name) for name in src.names],
        "y_edges": _edges(sample[src.target], args) if y_binned else None,
        "missing": args.missing,
        "pairs": args.method != "mi",
    }
    try:
        if args.scheduler is not None:
            acc = _dask_counts(src, settings, args)
        else:
            acc = _batch_counts(src, settings, args)
    except (ValueError, TypeError) as exc:
        raise CommandError(_library_message(exc, src.target)) from None
    return src, acc, binned


def _batch_counts(src: Source, settings: dict[str, Any], args: argparse.Namespace) -> Any:
    stream = importlib.import_module("fastent.stream")
    acc = stream.MutualInfoAccumulator(n_jobs=args.n_jobs, **settings)
    bar = ProgressBar(sys.stderr, f"{PROG}: counting") if sys.stderr.isatty() else None
    try:
        for i, table in enumerate(_batches(src, [*src.names, src.target], args.chunksize)):
            acc.update(table.select(src.names), table.column(src.target), chunk=i)
            if bar is not None and src.n_rows:
                bar(acc.n_rows, src.n_rows)
    except (ValueError, TypeError):
        raise
    except Exception as exc:  # pyarrow: a value a column's type (from the first block) rejects
        raise CommandError(f"could not read {src.path}: {_one_line(exc)}") from None
    finally:
        if bar is not None:
            bar.close()
    return acc


def _dask_counts(src: Source, settings: dict[str, Any], args: argparse.Namespace) -> Any:
    try:
        dd = importlib.import_module("dask.dataframe")
        distributed = importlib.import_module("distributed")
        fastent_dask = importlib.import_module("fastent.dask")
    except ImportError:
        raise CommandError("--scheduler needs Dask: pip install 'fastentropy[dask]'") from None
    columns = [*src.names, src.target]
    if src.parquet:
        frame = dd.read_parquet(src.path, columns=columns, filesystem="arrow")
    else:
        blocksize = _csv_block_size(src.path, args.chunksize or 1_000_000)
        frame = dd.read_csv(src.path, sep=src.sep, usecols=columns, blocksize=blocksize)
    if args.scheduler == "local":
        cluster = distributed.LocalCluster(
            threads_per_worker=1, processes=True, dashboard_address=None
        )
        client = distributed.Client(cluster)
    else:
        cluster = None
        try:
            client = distributed.Client(args.scheduler, timeout="10s")
        except OSError as exc:
            raise CommandError(f"--scheduler {args.scheduler}: {_one_line(exc)}") from None
    try:
        return fastent_dask.accumulate(frame[src.names], frame[src.target], **settings)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def rank_streamed(args: argparse.Namespace) -> tuple[Table, selection.Selection, float, int]:
    """(the table's description, the selection, H(target) and its levels) of DATA streamed."""
    src, acc, binned = stream_counts(args)
    k = _chosen_k(args, len(src.names))
    if acc.n_rows == 0:
        raise CommandError(f"{Path(src.path).name} has no rows")
    try:
        result = acc.select(
            k, method=args.method, estimator=args.estimator, base=args.base, adjusted=args.adjusted
        )
        entropy = acc.target_entropy(estimator=args.estimator, base=args.base)
    except (ValueError, TypeError) as exc:
        raise CommandError(_library_message(exc, src.target)) from None
    table = Table(Path(src.path).name, None, src.names, None, src.target, acc.n_rows, binned)
    if not args.adjusted:
        _warn_near_unique(
            [(n, m) for n, m, b in zip(src.names, acc.n_levels, binned, strict=True) if not b],
            acc.n_rows,
        )
    return table, result, entropy, acc.n_target_levels


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


def _chosen_k(args: argparse.Namespace, p: int) -> int:
    """--k, or all features for mi and 10 (all if fewer) for the others; more than the p
    features warns and keeps them all."""
    k: int = (p if args.method == "mi" else min(10, p)) if args.k is None else args.k
    if k > p:
        _warn(f"--k {k} is more than the {p} features: ranking all {p} (as SelectKBest)")
    return min(k, p)


def discrete_mask(table: Table, args: argparse.Namespace) -> Any:
    """``discrete=`` for select_features: "auto" (by dtype), or with --discrete / --continuous
    a bool mask: float columns binned unless listed in --discrete, --continuous ones binned."""
    if not (args.discrete or args.continuous):
        return "auto"
    listed, binned = set(args.discrete), set(args.continuous)
    return [
        (name in listed or not is_float) and name not in binned
        for name, is_float in zip(table.names, table.floats, strict=True)
    ]


def _library_message(exc: BaseException, target: str) -> str:
    """A library error in the command's words: options instead of keyword arguments, the
    target's name instead of ``y``."""
    message = _one_line(exc)
    for option in MISSING:
        message = message.replace(f"missing={option!r}", f"--missing {option}")
    if message.startswith(("y[", "y ", "column y ")):
        message = f"target column {target!r}: {message}"
    return message


_CONTINUOUS_LABELS = re.compile(r"^column (.+?) has \d+ distinct non-integer")


def _report_warnings(caught: list[warnings.WarningMessage]) -> None:
    """The library's warnings, one line each; columns that look continuous but are treated as
    labels (--discrete) all on one line."""
    continuous = []
    for w in caught:
        message = _one_line(w.message)
        match = _CONTINUOUS_LABELS.match(message)
        if issubclass(w.category, ContinuousLabelsWarning) and match:
            continuous.append(match.group(1))
        else:
            _warn(message)
    if continuous:
        _warn(
            f"{len(continuous)} column(s) treated as labels look continuous (many distinct "
            f"non-integer values; every value is a level): {', '.join(continuous)}; drop them "
            "from --discrete to bin them"
        )


def rank(table: Table, args: argparse.Namespace) -> selection.Selection:
    """Run the selection, with a progress bar on a terminal and warnings as one-liners."""
    k = _chosen_k(args, len(table.names))
    bar = ProgressBar(sys.stderr, f"{PROG}: {args.method}") if sys.stderr.isatty() else None
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = selection.select_features(
                table.features,
                table.target,
                k,
                method=args.method,
                discrete=discrete_mask(table, args),
                n_bins=args.bins,
                strategy=args.strategy,
                estimator=args.estimator,
                base=args.base,
                missing=args.missing,
                discrete_target=args.discrete_target,
                adjusted=args.adjusted,
                continuous=args.continuous_estimator,
                n_neighbors=args.n_neighbors,
                n_jobs=args.n_jobs,
                progress=bar,
            )
    except (ValueError, TypeError, ImportError) as exc:
        raise CommandError(_library_message(exc, table.target_name)) from None
    finally:
        if bar is not None:
            bar.close()
    _report_warnings(caught)
    if isinstance(table.features, np.ndarray):  # the example: name the columns
        result = dataclasses.replace(
            result,
            names=[table.names[j] for j in result.indices],
            binned=[table.names[int(j)] for j in result.binned],
            columns=list(table.names),
        )
    if not args.adjusted:
        _warn_near_unique(
            [(name, _n_distinct(table, name)) for name in table.names if name not in result.binned],
            table.n_rows,
        )
    return result


def _warn_near_unique(distinct: list[tuple[str, int]], n_rows: int) -> None:
    """A warning naming the label columns (name, distinct values) with values in more than
    NEAR_UNIQUE of the rows."""
    near_unique = [name for name, m in distinct if m > max(NEAR_UNIQUE * n_rows, 1)]
    if near_unique:
        shown = ", ".join(near_unique[:5]) + (
            f" and {len(near_unique) - 5} more" if len(near_unique) > 5 else ""
        )
        _warn(
            f"near-unique column(s) (distinct values in more than half the rows) can score "
            f"high by chance: {shown}; pass --adjusted to correct for chance"
        )


def _n_distinct(table: Table, name: str) -> int:
    """Distinct present values of feature ``name``."""
    features = table.features
    if isinstance(features, np.ndarray):
        return int(np.unique(features[:, table.names.index(name)]).size)
    if hasattr(features, "num_rows"):  # pyarrow
        pa = importlib.import_module("pyarrow")
        column = features.column(name)
        if pa.types.is_null(column.type):  # an all-empty column: no values
            return 0
        pc = importlib.import_module("pyarrow.compute")
        return int(pc.count_distinct(column, mode="only_valid").as_py())
    return int(features[name].nunique(dropna=True))


# ---- the report ----------------------------------------------------------------------------------


@dataclass
class Row:
    rank: int
    feature: str
    score: float
    relevance: float
    share: float | None  # relevance / H(target); None when H(target) is 0
    binned: bool


@dataclass
class Report:
    """What every output format shows: the rows and the target's entropy."""

    table: Table
    result: selection.Selection
    args: argparse.Namespace
    entropy: float
    levels: int  # classes of the target, or its bins when binned
    rows: list[Row]


def _target_values(y: Any) -> tuple[np.ndarray, np.ndarray]:
    """(values or label codes, mask of missing rows) of the target column."""
    data = column_data(y)
    if data is None:
        values = np.asarray(y)
        missing = np.zeros(values.shape[0], dtype=bool)
    elif data.codes is not None:
        values = np.asarray(data.codes)
        missing = values < 0
    else:
        values = np.asarray(data.values)
        missing = np.zeros(values.shape[0], dtype=bool)
    if data is not None and data.missing is not None:
        missing = missing | data.missing
    if values.dtype.kind == "f":
        missing = missing | np.isnan(values)
    return values, missing


def target_entropy(
    table: Table, result: selection.Selection, args: argparse.Namespace
) -> tuple[float, int]:
    """(H(target) in the scores' unit, its classes or bins): the target as the selection coded
    it (binned when it was, missing values a level with --missing level, left out otherwise)."""
    values, missing = _target_values(table.target)
    present = values[~missing]
    if result.target_binned:
        codes, edges = selection.discretize(
            present.astype(np.float64), n_bins=args.bins, strategy=args.strategy
        )
        levels = max(int(edges.size) - 1, 1)
    else:
        _, codes = np.unique(present, return_inverse=True)
        levels = int(codes.max()) + 1 if codes.size else 0
    codes = np.asarray(codes, dtype=np.int64).reshape(-1)
    if args.missing == "level" and missing.any():
        codes = np.concatenate([codes, np.full(int(missing.sum()), levels, dtype=np.int64)])
        levels += 1
    if codes.size == 0:
        return 0.0, 0
    h = discrete.entropy(codes, base=args.base, estimator=args.estimator, n_jobs=args.n_jobs)
    return float(h), levels


def build_report(
    table: Table,
    result: selection.Selection,
    args: argparse.Namespace,
    target: tuple[float, int] | None = None,
) -> Report:
    """The report of a ranking; ``target``: (H(target), its levels) when known (streamed),
    else computed from the table's target column."""
    entropy, levels = target if target is not None else target_entropy(table, result, args)
    binned = set(result.binned)
    rows = [
        Row(
            i + 1,
            result.names[i],
            float(score),
            float(result.relevance[j]),
            float(result.relevance[j]) / entropy if entropy > 0 else None,
            result.names[i] in binned,
        )
        for i, (j, score) in enumerate(zip(result.indices, result.scores, strict=True))
    ]
    return Report(table, result, args, entropy, levels, rows)


def _fixed(x: float, digits: int = 4) -> str:
    """``x`` to ``digits`` decimals, never ``-0.0000``."""
    text = f"{x:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def _bar(value: float, top: float, blocks: str) -> str:
    """A bar of BAR_WIDTH cells for ``value`` out of ``top`` (eighth blocks, or whole ones)."""
    if not (top > 0 and value > 0):
        return ""
    eighths = round(8 * BAR_WIDTH * min(value / top, 1.0))
    if len(blocks) == 2:  # no eighth blocks in this encoding
        return blocks[1] * round(eighths / 8)
    return blocks[8] * (eighths // 8) + (blocks[eighths % 8] if eighths % 8 else "")


def _blocks(encoding: str | None) -> str:
    """The bar's characters: eighth blocks where ``encoding`` has them, else ``#``."""
    try:
        BLOCKS.encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return " #"
    return BLOCKS


def _target_line(report: Report) -> str:
    args, unit = report.args, report.result.unit
    name = report.table.target_name
    entropy = f"H({name}) = {_fixed(report.entropy)} {unit}"
    if report.result.target_binned:
        how = (
            "binned as asked (--continuous-target)"
            if args.discrete_target is False
            else ("continuous, binned")
        )
        bins = f"{report.levels} {args.strategy} bin{'' if report.levels == 1 else 's'}"
        return f"target {name!r}: {how} into {bins}; {entropy}"
    classes = f"{report.levels} class{'' if report.levels == 1 else 'es'}"
    return f"target {name!r}: {classes}; {entropy}"


def format_table(report: Report, encoding: str | None = "utf-8") -> str:
    result, args, table = report.result, report.args, report.table
    rows, blocks = report.rows, _blocks(encoding)
    k, p = len(rows), len(table.names)
    what = (
        "chance-adjusted mutual information (I - E[I])" if args.adjusted else ("mutual information")
    )
    missing = "" if args.missing == "error" else f"; missing values: {args.missing}"
    top = max((row.relevance for row in rows), default=0.0)
    width = max(len("feature"), *(len(row.feature) for row in rows))
    lines = [
        f"{args.method}: {k} of {p} features of {table.source} ranked by {what} with "
        f"{table.target_name!r} ({table.n_rows} rows; {result.unit}{missing})",
        f"score: {SCORE_MEANING[args.method]}",
        _target_line(report),
        f"{'rank':>4}  {'feature':<{width}}  {'score':>9}  {'relevance':>9}  {'share':>6}  "
        f"{'binned':<6}  bar",
    ]
    for row in rows:
        share = "n/a" if row.share is None else f"{_fixed(100 * row.share, 1)}%"
        line = (
            f"{row.rank:>4}  {row.feature:<{width}}  {_fixed(row.score):>9}  "
            f"{_fixed(row.relevance):>9}  {share:>6}  {'yes' if row.binned else 'no':<6}  "
            f"{_bar(row.relevance, top, blocks)}"
        )
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def format_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["rank", "feature", "score", "relevance", "relevance_share", "binned"])
    writer.writerows(
        [
            row.rank,
            row.feature,
            repr(row.score),
            repr(row.relevance),
            "" if row.share is None else repr(row.share),
            "true" if row.binned else "false",
        ]
        for row in report.rows
    )
    return out.getvalue()


def format_json(report: Report) -> str:
    table, result, args = report.table, report.result, report.args
    document = {
        "data": table.source,
        "target": table.target_name,
        "method": args.method,
        "score_meaning": SCORE_MEANING[args.method],
        "k": len(report.rows),
        "n_rows": table.n_rows,
        "n_features": len(table.names),
        "unit": result.unit,
        "base": args.base,
        "adjusted": bool(result.adjusted),
        "missing": args.missing,
        "target_entropy": report.entropy,
        "target_binned": bool(result.target_binned),
        "target_levels": report.levels,
        "binned": list(result.binned),
        "features": [
            {
                "rank": row.rank,
                "feature": row.feature,
                "score": row.score,
                "relevance": row.relevance,
                "relevance_share": row.share,
                "binned": row.binned,
            }
            for row in report.rows
        ],
    }
    return json.dumps(document, indent=2) + "\n"


def _pyplot() -> Any:
    """matplotlib.pyplot on the Agg backend (files only, no display)."""
    try:
        matplotlib = importlib.import_module("matplotlib")
    except ImportError:
        raise CommandError(f"--plot needs matplotlib: {PLOT_EXTRA}") from None
    matplotlib.use("Agg")
    return importlib.import_module("matplotlib.pyplot")


def save_plot(result: selection.Selection, path: str, pyplot: Any) -> None:
    """``result.plot()`` written to ``path`` (.png or .svg)."""
    ax = result.plot()
    figure = ax.figure
    try:
        figure.savefig(path, format=Path(path).suffix.lower()[1:], bbox_inches="tight")
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot write the plot {path}: {_one_line(exc)}") from None
    finally:
        pyplot.close(figure)


def run_rank(args: argparse.Namespace) -> int:
    """``fastent rank``."""
    check_arguments(args)
    pyplot = _pyplot() if args.plot is not None else None  # before the work: fail early
    if args.chunksize is not None or args.scheduler is not None:
        table, result, entropy, levels = rank_streamed(args)
        report = build_report(table, result, args, (entropy, levels))
    else:
        table = load_example(args) if args.example else load_table(args)
        result = rank(table, args)
        report = build_report(table, result, args)
    to_file = args.output is not None and args.output != "-"
    if args.format == "csv":
        text = format_csv(report)
    elif args.format == "json":
        text = format_json(report)
    else:
        stream = None if to_file else sys.stdout
        text = format_table(report, "utf-8" if to_file else getattr(stream, "encoding", None))
    if pyplot is not None:
        save_plot(result, args.plot, pyplot)
    if to_file:
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"cannot write {args.output}: {_one_line(exc)}") from None
    else:
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
