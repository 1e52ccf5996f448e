"""One real download from the index pip is configured to use (skipped when it cannot be reached)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from capwatch.sources import NetworkError, ProjectNotFoundError, VersionNotFoundError, fetch


@pytest.mark.network
def test_fetch_six_from_the_configured_index(tmp_path: Path) -> None:
    try:
        targets = fetch("six", "1.16.0", cache_dir=tmp_path, timeout=20)
    except NetworkError as exc:
        pytest.skip(f"package index unreachable: {exc.diagnostic}")
    except (
        ProjectNotFoundError,
        VersionNotFoundError,
    ) as exc:  # e.g. only an offline mirror answered
        pytest.skip(f"the reachable indexes do not carry six 1.16.0: {exc.diagnostic}")
    by_name = {t.path.name: t for t in targets}
    assert set(by_name) == {"six-1.16.0.tar.gz", "six-1.16.0-py2.py3-none-any.whl"}
    assert by_name["six-1.16.0.tar.gz"].display == "six==1.16.0 (six-1.16.0.tar.gz)"
    with zipfile.ZipFile(by_name["six-1.16.0-py2.py3-none-any.whl"].path) as wheel:
        assert "six.py" in wheel.namelist()
