# SPDX-License-Identifier: BSD-3-Clause
from pathlib import Path

import pytest

from fastent._core import config as _config


def _asan_loaded() -> bool:
    """Whether AddressSanitizer's runtime is in this process (a FASTENT_SANITIZE=1 build run
    with libasan preloaded: CONTRIBUTING.md, "Sanitizers")."""
    try:
        return "libasan" in Path("/proc/self/maps").read_text()
    except OSError:
        return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ASan, skip the tests marked ``no_asan(reason)``, with their reason."""
    if not _asan_loaded():
        return
    for item in items:
        marker = item.get_closest_marker("no_asan")
        if marker is not None:
            item.add_marker(pytest.mark.skip(reason=f"under ASan: {marker.args[0]}"))


@pytest.fixture(params=_config.supported_simd_levels())
def simd_level(request: pytest.FixtureRequest):
    """Run the test once per SIMD level this CPU supports, restoring the level afterwards."""
    previous = _config.set_simd_level(request.param)
    yield request.param
    _config.set_simd_level(previous)
