# SPDX-License-Identifier: BSD-3-Clause
"""The repository's tools (tools/): the ISA check tells kernel copies from baseline code."""

import importlib.util
from pathlib import Path

import pytest

TOOLS = Path(__file__).resolve().parents[1] / "tools"


@pytest.fixture(scope="module")
def check_isa():
    path = TOOLS / "check_isa.py"
    if not path.exists():  # tests run from an sdist without tools/
        pytest.skip("tools/check_isa.py is not next to the tests")
    spec = importlib.util.spec_from_file_location("check_isa", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "targeted"),
    [
        ("entropy_row_f64_avx2", True),
        ("entropy_row_f32_avx512", True),
        ("fe_bit_table_avx512_vpopcnt", True),  # the VPOPCNTQ copy of the AVX-512 level
        ("fe_count_chunk_avx2.constprop.0", True),
        ("fe_bit_table_avx512_vpopcnt.part.0", True),
        ("fe_count_chunk_baseline", False),
        ("entropy_careful_f64", False),
        ("__pyx_pw_7fastent_8_kernels_8counting_5count", False),
        ("fe_avx512x", False),
    ],
)
def test_kernel_copies_are_recognised(check_isa, name, targeted):
    assert bool(check_isa.TARGETED.search(name)) is targeted
