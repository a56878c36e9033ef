# SPDX-License-Identifier: BSD-3-Clause
"""``python -m fastent``: the ``fastent`` command (see :mod:`fastent.cli`)."""

from .cli import main

if __name__ == "__main__":
    raise SystemExit(main())
