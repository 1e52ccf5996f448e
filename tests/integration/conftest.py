"""Fixtures shared by the integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.integration.pypi_index import Index, running_index


@pytest.fixture
def index(tmp_path: Path) -> Iterator[Index]:
    """A real pypiserver with an empty package directory (see ``pypi_index``)."""
    with running_index(tmp_path) as started:
        yield started
