"""Fixtures for capwatch.artifact tests (builders live in artifact_testlib)."""

from __future__ import annotations

import pytest
from tests.unit.artifact.artifact_testlib import Build


@pytest.fixture
def build() -> type[Build]:
    return Build
