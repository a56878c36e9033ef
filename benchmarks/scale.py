# SPDX-License-Identifier: BSD-3-Clause
"""W10: mutual-information scoring of data on disk, through ``fastent.dask`` and the streaming
``fastent rank --chunksize``.

Writes X (``--rows`` x ``--columns`` int8, 10 levels, the first 10 columns carrying a binary y) as
Parquet chunks of ``--chunk-rows`` rows, then measures, each in processes of its own:

1. the in-memory single-process call: the chunks read into one NumPy array, then
   ``fastent.selection.mutual_info_scores(X, y)`` timed (median of ``--repeats``; all cores);
2. ``fastent.dask.mutual_info_scores`` on a ``distributed.LocalCluster`` (``--workers``
   processes, one thread each) reading the same chunks with ``dask.dataframe.read_parquet``
   (``filesystem="arrow"``),
   timed from the lazy frame to the NumPy result, and the peak resident memory of the client,
   the scheduler and every worker; the scores must equal the in-memory ones;
3. ``fastent rank FILE --target y --chunksize ROWS`` on single Parquet files of a quarter, a half
   and all of the rows: its peak resident memory (``wait4``) and time for each size.

Run ``python benchmarks/scale.py --output benchmarks/RESULTS-W10.md`` (the committed results);
``--quick`` runs a small version of everything (a smoke run).  Needs ``fastentropy[dask]`` and
pyarrow.  The data directory (``--data``, default a temporary one) is removed at the end unless
``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

TARGET_RATIO = 0.6  # BENCHMARKS.md: >= 0.6x the in-memory single-process throughput
MEMORY_LIMIT = 2 * 1024**3  # peak memory of every process < 2 GB
FLATNESS = 0.10  # streaming CLI memory within 10% across the sizes


def _columns(p: int) -> list[str]:
    return [f"x{j}" for j in range(p)]


def _chunk(seed: int, rows: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    """One chunk: X int8 in [0, 10), y binary; the first 10 columns lean towards y."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, rows, dtype=np.int8)
    X = rng.integers(0, 10, (rows, p), dtype=np.int8)
    lean = min(10, p)
    X[:, :lean] = np.where(rng.random((rows, lean)) < 0.2, y[:, None] * 9, X[:, :lean])
    return X, y


def _table(X: np.ndarray, y: np.ndarray) -> object:
    import pyarrow as pa

    arrays = [pa.array(X[:, j]) for j in range(X.shape[1])] + [pa.array(y)]
    return pa.table(arrays, names=[*_columns(X.shape[1]), "y"])


def write_data(root: Path, rows: int, p: int, chunk_rows: int) -> dict[str, object]:
    """The chunk directory and the three single files of the CLI runs."""
    import pyarrow.parquet as pq

    chunks = root / "chunks"
    chunks.mkdir(parents=True, exist_ok=True)
    n_chunks = -(-rows // chunk_rows)
    sizes = sorted({max(chunk_rows, rows // 4), max(chunk_rows, rows // 2), rows})
    files = {size: str(root / f"rank-{size}.parquet") for size in sizes}
    if len(list(chunks.iterdir())) == n_chunks and all(Path(f).exists() for f in files.values()):
        return {  # written by an earlier run (--keep): the same seeds, the same data
            "chunks": str(chunks),
            "n_chunks": n_chunks,
            "files": files,
            "write_s": 0.0,
            "disk_bytes": sum(f.stat().st_size for f in chunks.iterdir()),
        }
    writers = {
        size: pq.ParquetWriter(root / f"rank-{size}.parquet", _table(*_chunk(0, 1, p)).schema)
        for size in sizes
    }
    start = time.perf_counter()
    for i in range(n_chunks):
        m = min(chunk_rows, rows - i * chunk_rows)
        table = _table(*_chunk(i, m, p))
        pq.write_table(table, chunks / f"part-{i:04d}.parquet")
        for size, writer in writers.items():
            if i * chunk_rows < size:
                writer.write_table(table)
    for writer in writers.values():
        writer.close()
    return {
        "chunks": str(chunks),
        "n_chunks": n_chunks,
        "files": files,
        "write_s": time.perf_counter() - start,
        "disk_bytes": sum(f.stat().st_size for f in chunks.iterdir()),
    }


# ---- the measurements, each run in a fresh interpreter -----------------------------------------


def in_memory(chunks: str, repeats: int) -> dict[str, object]:
    """The in-memory single-process call on the chunks read into one array."""
    import pyarrow.parquet as pq

    from fastent.selection import mutual_info_scores

    table = pq.read_table(chunks)
    names = [c for c in table.column_names if c != "y"]
    X = np.empty((table.num_rows, len(names)), dtype=np.int8)
    for j, name in enumerate(names):
        X[:, j] = table.column(name).to_numpy()
    y = table.column("y").to_numpy()
    del table
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        scores = mutual_info_scores(X, y)
        times.append(time.perf_counter() - start)
    return {"times": times, "scores": scores.tolist(), "peak": _peak()}


def on_dask(chunks: str, repeats: int, workers: int) -> dict[str, object]:
    """``fastent.dask.mutual_info_scores`` of the chunks on a local cluster."""
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    import fastent.dask

    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            # pyarrow's own filesystem: ~2x faster per partition than the fsspec default here
            frame = dd.read_parquet(chunks, filesystem="arrow")
            scores = fastent.dask.mutual_info_scores(frame, "y")  # y: the target column
            times.append(time.perf_counter() - start)
        workers_peak = client.run(_peak)
        scheduler_peak = client.run_on_scheduler(_peak)
    return {
        "times": times,
        "scores": scores.tolist(),
        "client": _peak(),
        "scheduler": scheduler_peak,
        "workers": list(workers_peak.values()),
    }


def _peak() -> int:
    """Peak resident memory of this process, in bytes."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


RUNS = {"in-memory": in_memory, "dask": on_dask}


def _run_python(run: str, *args: object) -> dict[str, object]:
    """``run`` in a fresh interpreter (this script, ``--run``): its peak memory is its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--run", run, *map(str, args)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _run_rank(path: str, chunk_rows: int) -> tuple[float, int]:
    """(seconds, peak resident bytes) of one streaming ``fastent rank`` process."""
    cmd = [sys.executable, "-m", "fastent", "rank", path, "--target", "y"]
    cmd += ["--method", "mi", "--chunksize", str(chunk_rows), "--format", "csv"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()}")  # type: ignore[union-attr]
    return elapsed, usage.ru_maxrss * 1024


def _cpu() -> str:
    """The CPU's model name (Linux), else the machine type."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _gib(n: float) -> str:
    return f"{n / 1024**3:.2f} GiB"


def report(args: argparse.Namespace, data: dict, mem: dict, dsk: dict, ranks: dict) -> str:
    rows, p = args.rows, args.columns
    t_mem, t_dask = float(np.median(mem["times"])), float(np.median(dsk["times"]))
    ratio = t_mem / t_dask
    peaks = {"client (LocalCluster's scheduler runs in it)": max(dsk["client"], dsk["scheduler"])}
    peaks.update({f"worker {i}": v for i, v in enumerate(dsk["workers"])})
    equal = np.array_equal(np.asarray(mem["scores"]), np.asarray(dsk["scores"]))
    rss = [peak for _, peak in ranks.values()]
    spread = (max(rss) - min(rss)) / min(rss)
    lines = [
        "# W10: scoring data on disk (fastent.dask, streaming fastent rank)",
        "",
        f"Machine: {_cpu()}, {os.cpu_count()} logical CPUs; "
        f"Python {platform.python_version()}.  X {rows:,} x {p} int8 (10 levels) + y binary, "
        f"{data['n_chunks']} Parquet chunks of {args.chunk_rows:,} rows "
        f"({_gib(data['disk_bytes'])} on disk, {_gib(rows * (p + 1))} in memory).  "
        f"Written by `benchmarks/scale.py`; medians of {args.repeats} runs.",
        "",
        "| run | median (s) | rows/s | ratio to in-memory |",
        "|---|---:|---:|---:|",
        f"| in-memory `mutual_info_scores` (one process, data loaded) | {t_mem:.2f} | "
        f"{rows / t_mem:,.0f} | 1.00 |",
        f"| `fastent.dask.mutual_info_scores` ({args.workers} worker processes, from Parquet) | "
        f"{t_dask:.2f} | {rows / t_dask:,.0f} | {ratio:.2f} |",
        "",
        f"Scores of the Dask run equal the in-memory ones: {'yes' if equal else 'NO'}.",
        "",
        "| process (Dask run) | peak resident memory |",
        "|---|---:|",
        *[f"| {name} | {_gib(v)} |" for name, v in peaks.items()],
        f"| (the in-memory process, for scale) | {_gib(mem['peak'])} |",
        "",
        f"`fastent rank FILE --target y --method mi --chunksize {args.chunk_rows}`:",
        "",
        "| rows | file size | time (s) | peak resident memory |",
        "|---:|---:|---:|---:|",
        *[
            f"| {size:,} | {_gib(Path(data['files'][size]).stat().st_size)} | {t:.1f} | "
            f"{_gib(peak)} |"
            for size, (t, peak) in ranks.items()
        ],
        "",
        "Targets (BENCHMARKS.md):",
        f"- >= {TARGET_RATIO}x the in-memory single-process throughput: "
        f"**{'met' if ratio >= TARGET_RATIO else 'NOT met'}** ({ratio:.2f}x)",
        f"- peak memory of every process < 2 GB: "
        f"**{'met' if max(peaks.values()) < MEMORY_LIMIT else 'NOT met'}** "
        f"(largest {_gib(max(peaks.values()))})",
        f"- streaming CLI memory flat within 10% across the sizes: "
        f"**{'met' if spread <= FLATNESS else 'NOT met'}** (spread {spread:.1%})",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run"]:  # a measurement in its own process
        run, *rest = argv[1:]
        print(json.dumps(RUNS[run](rest[0], *map(int, rest[1:]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--columns", type=int, default=100)
    parser.add_argument("--chunk-rows", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200,000 rows x 20 columns, 1 run")
    parser.add_argument("--data", help="directory for the data (default: a temporary one)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data directory (a later run reuses it)"
    )
    parser.add_argument("--output", help="also write the report to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.rows, args.columns, args.chunk_rows, args.repeats = 200_000, 20, 50_000, 1
    root = Path(args.data or tempfile.mkdtemp(prefix="fastent-w10-"))
    try:
        data = write_data(root, args.rows, args.columns, args.chunk_rows)
        print(f"wrote {data['n_chunks']} chunks in {data['write_s']:.0f} s", file=sys.stderr)
        mem = _run_python("in-memory", data["chunks"], args.repeats)
        print(f"in-memory: {mem['times']}", file=sys.stderr)
        dsk = _run_python("dask", data["chunks"], args.repeats, args.workers)
        print(f"dask: {dsk['times']}", file=sys.stderr)
        ranks = {size: _run_rank(path, args.chunk_rows) for size, path in data["files"].items()}
        text = report(args, data, mem, dsk, ranks)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(text)
    if args.output:
        Path(args.output).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
