# SPDX-License-Identifier: BSD-3-Clause
"""The long, coverage-guided fuzz run of one family, with atheris (libFuzzer's options apply)::

python -m tests.fuzz distributions -atheris_runs=200000 -max_len=4096
python -m tests.fuzz logits -max_total_time=600
"""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in ("distributions", "logits", "discrete", "selection"):
        sys.exit(
            "usage: python -m tests.fuzz FAMILY [libFuzzer options]"
            " (FAMILY: distributions, logits, discrete or selection)"
        )
    family = sys.argv.pop(1)
    import atheris  # the fuzz extra: Linux x86_64, CPython 3.10-3.13

    with atheris.instrument_imports(include=["fastent"]):
        from .inputs import Draw
        from .targets import FAMILIES

    target = FAMILIES[family]

    def one(data: bytes) -> None:
        target(Draw(atheris.FuzzedDataProvider(data)))

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
