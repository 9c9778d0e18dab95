"""Every test here runs on both backends: SQLite (the default) and PostgreSQL."""

from __future__ import annotations

import pytest

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)
