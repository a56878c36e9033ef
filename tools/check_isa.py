# SPDX-License-Identifier: BSD-3-Clause
"""Check that only the AVX2/AVX-512 copies of the kernels contain AVX instructions.

    python tools/check_isa.py            # builds the extensions unstripped into a temp dir

The shipped wheel must run on any x86-64 CPU: the baseline code (everything but the functions
compiled with ``__attribute__((target(...)))``, named ``*_avx2`` / ``*_avx512``) may use SSE2
only.  This builds the extension modules with the release flags but without stripping, disassembles
them with objdump, and fails if a VEX/EVEX-encoded instruction (any ``v...`` mnemonic: AVX, AVX2,
AVX-512, also on xmm registers) appears in any other function.  Runtime dispatch is tested
separately (tests/test_kernels.py, and the suite under ``qemu-x86_64 -cpu Nehalem``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A kernel copy compiled for AVX2/AVX-512: name_avx2, name_avx512, name_avx512_vpopcnt (and
# compiler clones such as name_avx2.constprop.0).
TARGETED = re.compile(r"_(avx2|avx512)(_[a-z0-9]+)?\b")
FUNCTION = re.compile(r"^[0-9a-f]+ <(?P<name>[^>]+)>:$")
INSTRUCTION = re.compile(r"^\s+[0-9a-f]+:\s+(?P<mnemonic>[a-z][a-z0-9.]*)")


def build_unstripped(dest: Path) -> list[Path]:
    env = dict(os.environ, FASTENT_KEEP_SYMBOLS="1")
    subprocess.run(
        [
            sys.executable,
            "setup.py",
            "-q",
            "build_ext",
            "--build-lib",
            str(dest),
            "--build-temp",
            str(dest / "tmp"),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return sorted(dest.rglob("*.so"))


def scan(library: Path) -> tuple[set[str], dict[str, set[str]]]:
    """(AVX2/AVX-512 kernel copies, {other function: its AVX mnemonics}) of ``library``."""
    listing = subprocess.run(
        ["objdump", "-d", "--no-show-raw-insn", str(library)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    targeted: set[str] = set()
    bad: dict[str, set[str]] = {}
    name = ""
    for line in listing.splitlines():
        if m := FUNCTION.match(line):
            name = m["name"]
            if TARGETED.search(name):
                targeted.add(name)
        elif (m := INSTRUCTION.match(line)) and m["mnemonic"].startswith("v"):
            if not TARGETED.search(name):
                bad.setdefault(name, set()).add(m["mnemonic"])
    return targeted, bad


def main() -> int:
    if shutil.which("objdump") is None:
        print("objdump not found", file=sys.stderr)
        return 2
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        for library in build_unstripped(Path(tmp)):
            targeted, bad = scan(library)
            others = dict(sorted(bad.items())) or "none"
            print(f"{library.name}: {len(targeted)} AVX2/AVX-512 copies; AVX elsewhere: {others}")
            failed |= bool(bad)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
