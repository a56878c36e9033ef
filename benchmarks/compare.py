# SPDX-License-Identifier: BSD-3-Clause
"""Time fastent against its NumPy reference and the installed peers, workload by workload.

    python benchmarks/compare.py [--quick] [--repeats N] [--only W1,W3] [--output FILE] [--list]

The workloads and their targets are those of BENCHMARKS.md (the project's shared design notes):
W1, W2a, W2b (distributions); W3a, W3b, W4, W5 in float32 and float64 (logits); W6, W9, AMI,
high-cardinality MI (discrete); W7, W7-F, W7-int8, W7-wide, W8 (selection).  Each is defined
in ``families/<family>.py`` and measured by ``harness.py``.  ``--list`` prints their names;
``--only`` picks them by name prefix before any data is built, and each chosen workload's data is
built just before it is measured and dropped after.

The Markdown report (a header with the machine, then one section per workload: the table and
whether each BENCHMARKS.md target is met) goes to stdout, progress to stderr.  ``--output FILE``
also writes it to FILE, keeping FILE's hand-written part: everything from the line
``<!-- notes: written by hand, kept by compare.py -->`` to the end (why targets are missed, ...).
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence
from pathlib import Path

import families
import harness
import workloads

NOTES_MARKER = "<!-- notes: written by hand, kept by compare.py -->"
NOTES_STUB = "## Notes on missed targets\n"


def write_report(path: Path, report: str) -> None:
    """Write ``report`` to ``path``, then the hand-written notes ``path`` has after the marker.

    Without a marker (or a file), the marker and a stub notes heading are added.
    """
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    _, marker, notes = old.partition(NOTES_MARKER)
    kept = marker + notes if marker else f"{NOTES_MARKER}\n\n{NOTES_STUB}"
    path.write_text(f"{report.rstrip()}\n\n{kept}", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small shapes, 1 round (CI smoke run)")
    parser.add_argument(
        "--repeats",
        type=int,
        help=f"timed rounds (default {harness.DEFAULT_REPEATS}; 1 with --quick)",
    )
    parser.add_argument(
        "--output", type=Path, help="also write the report to this file, keeping its notes"
    )
    parser.add_argument("--only", help="comma-separated workload names or prefixes, e.g. W1,W3")
    parser.add_argument(
        "--list", action="store_true", help="print the workload names and exit (builds nothing)"
    )
    args = parser.parse_args(argv)
    families.load()
    if args.list:
        width = max(map(len, harness.REGISTRY))
        for name in harness.REGISTRY:
            print(f"{name:<{width}}  {harness.summary(name)}")
        return 0
    repeats = (
        args.repeats if args.repeats is not None else 1 if args.quick else harness.DEFAULT_REPEATS
    )
    if repeats < 1:
        parser.error("--repeats must be at least 1")
    prefixes = [p.strip() for p in args.only.split(",") if p.strip()] if args.only else []
    chosen = harness.select(prefixes)
    if not chosen:
        parser.error(f"no workload matches --only {args.only} (see --list)")
    sections = [harness.header(repeats, args.quick)]
    for name in chosen:
        workload = harness.REGISTRY[name](args.quick)  # builds this workload's data now
        sections.append(harness.section(workload, harness.measure(workload, repeats)))
        del workload  # ... and drops it: W7's X alone is 1.6 GB
        workloads.clear()
        gc.collect()
    report = "\n".join(sections)
    print(report)
    if args.output is not None:
        write_report(args.output, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
