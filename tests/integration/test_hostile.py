"""Hostile inputs, end to end: one batch through the real command line.

Every artifact is built here (in memory, then written under a temporary directory); none comes
from a corpus. They are scanned together in ONE ``capwatch scan`` run, with a normal malicious
package and normal benign ones, so the tests also show that one hostile artifact neither stops
nor spoils the rest of the batch. Nothing is ever extracted, installed, imported or run.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import json
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.helpers import sdist_bytes, wheel_bytes
from tests.integration.hostile_lib import (
    BENIGN_INIT,
    BENIGN_SETUP,
    CURL_SH,
    MALICIOUS_SETUP,
    PY_PAYLOAD,
    TarEntry,
    empty_members_tar,
    gzip_tar_bomb,
    jsonl_results,
    messages_of,
    raw_tar,
    rename_zip_member,
    rules_of,
    sdist_entries,
    tar_gz,
    varied_digits,
    wheel_files,
    zip_bytes,
)

import capwatch.batch
from capwatch.batch import Job, scan_many
from capwatch.cli import EXIT_FOUND, main
from capwatch.config import Limits
from capwatch.engine import ScanOptions
from capwatch.model import ScanResult, Verdict
from capwatch.rules import RuleKind, all_rules

SECONDS_LIMIT = 20
MEMBERS_LIMIT = 10_000
MiB = 1 << 20
Result = dict[str, Any]


# ------------------------------------------------------------------------------------------------
# The artifacts


def _zero_bytes() -> bytes:
    return b""


def _truncated_gzip() -> bytes:
    # The payload comes first; a large incompressible module after it is cut off mid-stream.
    filler = varied_digits(400_000, seed=1)
    full = tar_gz(
        sdist_entries(
            "truncated-0.1",
            {"setup.py": PY_PAYLOAD, "truncated/big.py": b"DATA = [" + filler + b"]\n"},
        )
    )
    return full[: len(full) // 2]


def _truncated_head() -> bytes:
    return tar_gz(sdist_entries("cut-0.1", {"setup.py": BENIGN_SETUP}))[:12]


def _zip_bomb() -> bytes:
    # 48 MiB of zeros in a ~48 KiB member: a ratio of about 1000.
    files = [*wheel_files("zipbomb", "0.1"), ("zipbomb/__init__.py", b"\0" * (48 * MiB))]
    return zip_bytes(files)


def _gzip_bomb() -> bytes:
    # A 1 GiB setup.py of zeros in a ~1 MiB .tar.gz.
    return gzip_tar_bomb("gzbomb-0.1", "setup.py", 1 << 30)


def _nested_zip_bomb() -> bytes:
    # zip in zip in zip in zip in a wheel; each level also holds a high-ratio .py and several
    # copies of the level below (fan-out), the way 42.zip is built.
    level = zip_bytes([("bomb.py", b"\0" * (8 * MiB))])
    for depth in range(4):
        level = zip_bytes(
            [(f"bomb{depth}.py", b"\0" * (8 * MiB))] + [(f"inner{i}.zip", level) for i in range(3)]
        )
    files = [*wheel_files("nestbomb", "0.1"), ("nestbomb/__init__.py", ""), ("nestbomb/data.zip", level)]
    return zip_bytes(files)


@functools.cache
def _many_members() -> bytes:
    head = raw_tar(sdist_entries("many-0.1", {"setup.py": BENIGN_SETUP}))[:-1024]
    members = empty_members_tar(b"many-0.1/d/f%06d.txt" % i for i in range(100_000))
    return gzip.compress(head + members + b"\0" * 1024, compresslevel=1, mtime=0)


def _symlink_passwd_tar() -> bytes:
    entries = sdist_entries("symlink-0.1", {"setup.py": BENIGN_SETUP})
    entries += [
        TarEntry(b"symlink-0.1/symlink/passwd", type=b"2", linkname=b"/etc/passwd"),
        TarEntry(b"symlink-0.1/symlink/__init__.py", type=b"2", linkname=b"/etc/passwd"),
        TarEntry(b"symlink-0.1/symlink/up.py", type=b"2", linkname=b"../../../../../etc/passwd"),
    ]
    return tar_gz(entries)


def _symlink_passwd_zip() -> bytes:
    return zip_bytes(
        [*wheel_files("zsymlink", "0.1"), ("zsymlink/util.py", BENIGN_INIT)],
        symlinks=[("zsymlink/__init__.py", "/etc/passwd"), ("zsymlink/up.py", "../../../etc/passwd")],
    )


def _escaping_paths_tar() -> bytes:
    entries = sdist_entries("escape-0.1", {"setup.py": BENIGN_SETUP})
    entries += [
        TarEntry(b"/etc/cron.d/capwatch-test", b"* * * * * root true\n"),
        TarEntry(b"/usr/lib/python3/dist-packages/capwatch_test_abs.py", PY_PAYLOAD.encode()),
        TarEntry(b"../../capwatch_test_up.py", PY_PAYLOAD.encode()),
        TarEntry(b"escape-0.1/../../../capwatch_test_up2.py", PY_PAYLOAD.encode()),
    ]
    return tar_gz(entries)


def _escaping_paths_zip() -> bytes:
    return zip_bytes(
        [
            *wheel_files("zescape", "0.1"),
            ("zescape/__init__.py", BENIGN_INIT),
            ("/tmp/capwatch_test_abs.py", PY_PAYLOAD),
            ("../../capwatch_test_up.py", PY_PAYLOAD),
        ]
    )


def _huge_line_source() -> bytes:
    return b"DATA = [" + varied_digits(50 * MiB - 10, seed=2) + b"]\n"


def _huge_line_tar() -> bytes:
    # Plain (uncompressed) tar: the 50 MB single-line module is read at full size.
    entries = sdist_entries("hugeline-0.1", {"setup.py": BENIGN_SETUP})
    entries.append(TarEntry(b"hugeline-0.1/hugeline/__init__.py", _huge_line_source()))
    return raw_tar(entries)


def _deep(expr: str, name: str) -> Callable[[], bytes]:
    def build() -> bytes:
        # The deep expression and, below it in the SAME file, a payload that must still be seen.
        return sdist_bytes(
            {"setup.py": "x = " + expr + "\n" + PY_PAYLOAD},
            top=f"{name}-0.1",
        )

    return build


def _bad_utf8_source() -> bytes:
    source = (
        b"# -*- coding: utf-8 -*-\n"
        b"BANNER = '\xff\xfe\xc3\x28 not utf-8 \xe9\x80'\n"
        + PY_PAYLOAD.encode()
        + b"# trailing junk \xed\xa0\x80 \xf8\x88\x80\x80\x80\n"
    )
    return sdist_bytes({"setup.py": source}, top="badsrc-0.1")


def _bad_utf8_names_tar() -> bytes:
    entries = sdist_entries("badname-0.1", {"setup.py": BENIGN_SETUP})
    entries += [
        TarEntry(b"badname-0.1/badname/\xff\xfe\x1b[2J\xc3\x28.py", PY_PAYLOAD.encode()),
        TarEntry(b"badname-0.1/badname/__init__.py", b"from . import helpers\n"),
        TarEntry(b"badname-0.1/\xe2\x80\xaeyp.evil\x00.py", BENIGN_INIT.encode()),
    ]
    return tar_gz(entries)


def _bad_utf8_names_zip() -> bytes:
    data = zip_bytes([*wheel_files("zbadname", "0.1"), ("zbadname/PLACEHOLDR.py", PY_PAYLOAD)])
    return rename_zip_member(
        data, b"zbadname/PLACEHOLDR.py", b"zbadname/\xff\xfe\xc3\x28\x1b[2J\x80\x81.py", utf8_flag=True
    )


PYTHON2_SETUP = (
    "import os\n"
    "from setuptools import setup\n"
    'print "installing the old way"\n'
    "try:\n"
    f"    os.system({CURL_SH!r})\n"
    "except Exception, e:\n"
    '    print "failed", e\n'
    "exec \"VERSION = '0.1'\"\n"
    "print `VERSION`\n"
    "MODE = 0755\n"
    "setup(name='oldstyle', version='0.1')\n"
)


def _python2() -> bytes:
    return sdist_bytes({"setup.py": PYTHON2_SETUP}, top="oldstyle-0.1")


def _normal_malicious() -> bytes:
    return sdist_bytes({"setup.py": MALICIOUS_SETUP}, top="evilnormal-1.0")


def _normal_benign_sdist() -> bytes:
    return sdist_bytes({"setup.py": BENIGN_SETUP, "nicepkg/__init__.py": BENIGN_INIT}, top="nicepkg-1.0")


def _normal_benign_wheel() -> bytes:
    return wheel_bytes({"nicepkg/__init__.py": BENIGN_INIT}, name="nicepkg", version="1.0")


ARTIFACTS: dict[str, Callable[[], bytes]] = {
    "zero-bytes.tar.gz": _zero_bytes,
    "truncated-0.1.tar.gz": _truncated_gzip,
    "cut-0.1.tar.gz": _truncated_head,
    "zipbomb-0.1-py3-none-any.whl": _zip_bomb,
    "gzbomb-0.1.tar.gz": _gzip_bomb,
    "nestbomb-0.1-py3-none-any.whl": _nested_zip_bomb,
    "many-0.1.tar.gz": _many_members,
    "symlink-0.1.tar.gz": _symlink_passwd_tar,
    "zsymlink-0.1-py3-none-any.whl": _symlink_passwd_zip,
    "escape-0.1.tar.gz": _escaping_paths_tar,
    "zescape-0.1-py3-none-any.whl": _escaping_paths_zip,
    "hugeline-0.1.tar": _huge_line_tar,
    "huge_line.py": _huge_line_source,
    "deep-parens-0.1.tar.gz": _deep("(" * 10_000 + "1" + ")" * 10_000, "deep-parens"),
    "deep-plus-0.1.tar.gz": _deep("1+" * 10_000 + "1", "deep-plus"),
    "deep-minus-0.1.tar.gz": _deep("-" * 100_000 + "1", "deep-minus"),
    "badsrc-0.1.tar.gz": _bad_utf8_source,
    "badname-0.1.tar.gz": _bad_utf8_names_tar,
    "zbadname-0.1-py3-none-any.whl": _bad_utf8_names_zip,
    "oldstyle-0.1.tar.gz": _python2,
    "evilnormal-1.0.tar.gz": _normal_malicious,
    "nicepkg-1.0.tar.gz": _normal_benign_sdist,
    "nicepkg-1.0-py3-none-any.whl": _normal_benign_wheel,
}


# ------------------------------------------------------------------------------------------------
# One batch for the whole module


class Batch:
    def __init__(self, exit_code: int, stdout: str, stderr: str, paths: dict[str, Path], elapsed: float):
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr
        self.paths = paths
        self.elapsed = elapsed
        self.lines = [line for line in stdout.split("\n") if line]
        self.results = jsonl_results(stdout)
        self.by_name: dict[str, list[Result]] = {}
        for result in self.results:
            self.by_name.setdefault(Path(result["artifact"]["path"]).name, []).append(result)

    def __getitem__(self, name: str) -> Result:
        found = self.by_name.get(name, [])
        assert len(found) == 1, f"{name}: {len(found)} results"
        return found[0]


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Batch]:
    root = tmp_path_factory.mktemp("hostile")
    paths: dict[str, Path] = {}
    for name, build in ARTIFACTS.items():
        path = root / name
        path.write_bytes(build())
        paths[name] = path
    out, err = io.StringIO(), io.StringIO()
    argv = [
        "scan", *map(str, paths.values()),
        "--format", "jsonl", "--no-progress", "--jobs", "2",
        "--limit", f"seconds={SECONDS_LIMIT}",
        # Keeps the 100,000-member tar fast on a busy machine; it is still ten times over.
        "--limit", f"members={MEMBERS_LIMIT}",
    ]
    started = time.monotonic()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    elapsed = time.monotonic() - started
    yield Batch(code, out.getvalue(), err.getvalue(), paths, elapsed)


# ------------------------------------------------------------------------------------------------
# The batch as a whole


def test_every_target_has_exactly_one_result(batch: Batch) -> None:
    assert len(batch.results) == len(ARTIFACTS), batch.stderr
    assert sorted(batch.by_name) == sorted(ARTIFACTS)
    for name in ARTIFACTS:
        assert len(batch.by_name[name]) == 1, name
    assert batch.stdout.isascii(), "machine output must be escaped ASCII"
    for result in batch.results:
        assert result["schema"] == "capwatch.scan/1"


def test_every_target_has_exactly_one_result_line(batch: Batch) -> None:
    assert batch.stdout.endswith("\n")
    assert len(batch.lines) == len(ARTIFACTS)
    for line in batch.lines:
        assert json.loads(line)["schema"] == "capwatch.scan/1"


def test_each_result_is_a_verdict_or_a_clear_error_within_the_limits(batch: Batch) -> None:
    for name in ARTIFACTS:
        result = batch[name]
        if result["verdict"] == "error":
            assert isinstance(result["error"], str) and len(result["error"]) > 10, (name, result)
        else:
            assert result["verdict"] in ("clean", "suspicious", "malicious"), name
        # The soft limit, plus a margin for a slow machine: never the hard kill (limit + grace).
        assert result["duration_ms"] <= (SECONDS_LIMIT + 5) * 1000, (name, result["duration_ms"])
        assert "worker" not in (result["error"] or ""), (name, result["error"])
    assert batch.elapsed < 120, f"the batch took {batch.elapsed:.0f} s"


def test_normal_packages_keep_their_verdicts_and_exit_status_is_1(batch: Batch) -> None:
    malicious = batch["evilnormal-1.0.tar.gz"]
    assert malicious["verdict"] == "malicious", malicious
    assert "CW106" in rules_of(malicious)
    assert CURL_SH in messages_of(malicious, "CW106")
    assert malicious["artifact"]["name"] == "evilnormal"
    for name in ("nicepkg-1.0.tar.gz", "nicepkg-1.0-py3-none-any.whl"):
        benign = batch[name]
        assert benign["verdict"] == "clean", benign
        assert benign["error"] is None
        assert benign["artifact"]["name"] == "nicepkg"
    assert batch.exit_code == EXIT_FOUND
    assert f"{len(ARTIFACTS)} artifacts scanned" in batch.stderr


def test_the_host_is_never_read_nor_written(batch: Batch) -> None:
    passwd = Path("/etc/passwd")
    if passwd.is_file():
        first = passwd.read_text(errors="replace").split("\n", 1)[0]
        if first:
            assert first not in batch.stdout
    for leaked in ("capwatch_test_up.py", "capwatch_test_up2.py", "capwatch_test_abs.py"):
        for base in (batch.paths["escape-0.1.tar.gz"].parent, Path.cwd(), Path("/tmp")):
            for where in (base, base.parent, base.parent.parent):
                assert not (where / leaked).exists(), where / leaked
    assert not Path("/etc/cron.d/capwatch-test").exists()


# ------------------------------------------------------------------------------------------------
# Case by case


def test_zero_bytes_is_an_error(batch: Batch) -> None:
    result = batch["zero-bytes.tar.gz"]
    assert result["verdict"] == "error"
    assert "empty" in result["error"] or "zero bytes" in result["error"]
    assert result["artifact"]["size"] == 0


def test_truncated_gzip_keeps_what_precedes_the_break(batch: Batch) -> None:
    result = batch["truncated-0.1.tar.gz"]
    assert result["verdict"] == "malicious", result
    assert "CW106" in rules_of(result)
    assert "truncated" in messages_of(result, "CW901")


def test_gzip_cut_in_its_header_is_a_clear_error(batch: Batch) -> None:
    result = batch["cut-0.1.tar.gz"]
    assert result["verdict"] == "error"
    assert "nothing was readable" in result["error"] or "truncat" in result["error"]


def test_zip_bomb_is_cut_at_the_ratio_limit(batch: Batch) -> None:
    result = batch["zipbomb-0.1-py3-none-any.whl"]
    assert result["verdict"] != "error", result
    assert "ratio-exceeded" in messages_of(result, "CW901")


def test_gzip_bomb_is_cut_at_the_ratio_limit(batch: Batch) -> None:
    result = batch["gzbomb-0.1.tar.gz"]
    assert result["verdict"] != "error", result
    assert "ratio-exceeded" in messages_of(result, "CW901")


def test_nested_zip_bomb_stops_at_the_nesting_limit(batch: Batch) -> None:
    result = batch["nestbomb-0.1-py3-none-any.whl"]
    assert result["verdict"] != "error", result
    text = messages_of(result, "CW901")
    assert "nesting-exceeded" in text
    assert "ratio-exceeded" in text


def test_a_hundred_thousand_members(batch: Batch) -> None:
    result = batch["many-0.1.tar.gz"]
    assert result["verdict"] != "error", result
    assert "too-many-members" in messages_of(result, "CW901")
    assert result["artifact"]["name"] == "many"


@pytest.mark.parametrize("name", ["symlink-0.1.tar.gz", "zsymlink-0.1-py3-none-any.whl"])
def test_symlink_to_etc_passwd_is_reported_never_followed(batch: Batch, name: str) -> None:
    result = batch[name]
    assert result["verdict"] != "error", result
    text = messages_of(result, "CW901")
    assert "symlink-outside" in text
    assert "/etc/passwd" in text
    # The link named __init__.py reads as nothing: no code of the host is analysed as the package's
    # (findings about the package's metadata, such as its empty description, are not about code).
    metadata_rules = {r.id for r in all_rules() if r.kind is RuleKind.METADATA}
    assert result["findings"] and all(
        f["rule"].startswith("CW9") or f["rule"] in metadata_rules for f in result["findings"]
    ), result


@pytest.mark.parametrize("name", ["escape-0.1.tar.gz", "zescape-0.1-py3-none-any.whl"])
def test_absolute_and_dotdot_paths_are_reported(batch: Batch, name: str) -> None:
    result = batch[name]
    assert result["verdict"] != "error", result
    text = messages_of(result, "CW901")
    assert "path-absolute" in text
    assert "path-traversal" in text


@pytest.mark.parametrize("name", ["hugeline-0.1.tar", "huge_line.py"])
def test_fifty_megabyte_single_line(batch: Batch, name: str) -> None:
    result = batch[name]
    assert result["verdict"] != "error", result
    # Over the source_bytes limit: not parsed, and said so.
    assert "source_bytes" in messages_of(result), result["findings"]


@pytest.mark.parametrize("name", ["deep-parens-0.1.tar.gz", "deep-plus-0.1.tar.gz", "deep-minus-0.1.tar.gz"])
def test_deeply_nested_expression_does_not_hide_the_payload(batch: Batch, name: str) -> None:
    result = batch[name]
    assert result["error"] is None, result
    assert result["verdict"] == "malicious", result
    assert CURL_SH in messages_of(result, "CW106")
    assert "fallback-parse" in messages_of(result, "CW902")


def test_invalid_utf8_in_source(batch: Batch) -> None:
    result = batch["badsrc-0.1.tar.gz"]
    assert result["verdict"] == "malicious", result
    assert CURL_SH in messages_of(result, "CW106")
    assert "bad-encoding" in messages_of(result, "CW902")


def test_invalid_utf8_in_member_names_tar(batch: Batch) -> None:
    result = batch["badname-0.1.tar.gz"]
    assert result["verdict"] != "error", result
    assert "bad-name-encoding" in messages_of(result, "CW901")
    # The payload in the module with the mangled name is still analysed.
    assert "CW106" in rules_of(result)
    # Escapes, never raw control characters, in the output.
    assert "\x1b" not in json.dumps(result, ensure_ascii=False)


def test_invalid_utf8_in_member_names_zip(batch: Batch) -> None:
    result = batch["zbadname-0.1-py3-none-any.whl"]
    assert result["verdict"] != "error", result
    assert "bad-name-encoding" in messages_of(result, "CW901")
    assert "CW106" in rules_of(result)
    assert "\x1b" not in json.dumps(result, ensure_ascii=False)


def test_python2_setup_payload_is_detected(batch: Batch) -> None:
    result = batch["oldstyle-0.1.tar.gz"]
    assert result["verdict"] == "malicious", result
    findings = [f for f in result["findings"] if f["rule"] == "CW106"]
    assert findings, result["findings"]
    assert findings[0]["phase"] == "install"
    assert CURL_SH in messages_of(result, "CW106")
    assert findings[0]["location"]["path"].endswith("setup.py")


# ------------------------------------------------------------------------------------------------
# A worker that never returns is ended; the rest of the batch is scanned


def test_batch_survives_a_worker_that_hangs_and_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A FIFO with no writer: the worker blocks in open() before the scan's own deadline starts,
    # so only the parent's hard limit (seconds + grace) can end it.
    fifo = tmp_path / "stuck-0.1.tar.gz"
    os.mkfifo(fifo)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    files = {
        "evil-1.tar.gz": _normal_malicious(),
        "nice-1.tar.gz": _normal_benign_sdist(),
        "nice-1.whl": _normal_benign_wheel(),
        "evil-2.tar.gz": _normal_malicious(),
    }
    jobs: list[Job] = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    names = ["evil-1.tar.gz", "stuck-0.1.tar.gz", "nice-1.tar.gz", "nice-1.whl", "evil-2.tar.gz"]
    for index, name in enumerate(names):
        jobs.append(Job(index, tmp_path / name, name))
    monkeypatch.setattr(capwatch.batch, "GRACE_SECONDS", 1.0)
    results: dict[int, ScanResult] = {}

    def on_result(index: int, result: ScanResult) -> None:
        assert index not in results, f"two results for job {index}"
        results[index] = result

    started = time.monotonic()
    scan_many(jobs, ScanOptions(Limits(seconds=5.0)), workers=2, on_result=on_result)
    elapsed = time.monotonic() - started
    assert sorted(results) == list(range(len(names)))
    stuck = results[1]
    assert stuck.verdict is Verdict.ERROR
    assert stuck.error is not None and "worker ended" in stuck.error
    assert stuck.artifact.path == "stuck-0.1.tar.gz"
    assert results[0].verdict is Verdict.MALICIOUS
    assert results[4].verdict is Verdict.MALICIOUS
    assert results[2].verdict is Verdict.CLEAN
    assert results[3].verdict is Verdict.CLEAN
    assert elapsed < 30, elapsed


def test_scan_over_the_seconds_limit_becomes_an_error_and_others_succeed(tmp_path: Path) -> None:
    # A slow artifact (100,000 members) with a seconds limit far below its scan time. One
    # worker, in this (already warm) process, so that the small scans are fast on a busy machine.
    (tmp_path / "many.tar.gz").write_bytes(_many_members())
    (tmp_path / "evil.tar.gz").write_bytes(_normal_malicious())
    (tmp_path / "nice.whl").write_bytes(_normal_benign_wheel())
    names = ["evil.tar.gz", "many.tar.gz", "nice.whl"]
    jobs = [Job(i, tmp_path / n, n) for i, n in enumerate(names)]
    results: dict[int, ScanResult] = {}
    scan_many(jobs[:1], ScanOptions(), workers=1, on_result=lambda i, r: None)  # warm up
    scan_many(
        jobs, ScanOptions(Limits(seconds=0.3)), workers=1,
        on_result=lambda i, r: results.__setitem__(i, r),
    )
    assert sorted(results) == [0, 1, 2]
    assert results[1].verdict is Verdict.ERROR
    assert results[1].error is not None and "seconds limit" in results[1].error
    assert results[0].verdict is Verdict.MALICIOUS
    assert results[2].verdict is Verdict.CLEAN
