# SPDX-License-Identifier: BSD-3-Clause
import pytest

from fastent._core import config as _config


@pytest.fixture(params=_config.supported_simd_levels())
def simd_level(request: pytest.FixtureRequest):
    """Run the test once per SIMD level this CPU supports, restoring the level afterwards."""
    previous = _config.set_simd_level(request.param)
    yield request.param
    _config.set_simd_level(previous)
