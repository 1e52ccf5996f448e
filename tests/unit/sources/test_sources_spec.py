"""Telling paths from requirements, and which requirement forms are accepted."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from capwatch.errors import UsageError
from capwatch.sources import PathSpec, RequirementSpec, parse_spec, resolve_targets


@pytest.mark.parametrize(
    ("text", "name", "version"),
    [
        ("six", "six", None),
        ("six==1.16.0", "six", Version("1.16.0")),
        ("Six == 1.16", "six", Version("1.16")),
        ("zope.interface==6.0", "zope-interface", Version("6.0")),
        ("requests[socks]==2.31.0", "requests", Version("2.31.0")),
        ("torch==2.1.0+cpu", "torch", Version("2.1.0+cpu")),
        ("discord.py", "discord-py", None),
    ],
)
def test_requirements(text: str, name: str, version: Version | None) -> None:
    assert parse_spec(text) == RequirementSpec(text=text, name=name, version=version)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("six>=1.0", "not an exact version"),
        ("six~=1.0", "not an exact version"),
        ("six!=1.0", "not an exact version"),
        ("six===1.0", "not an exact version"),
        ("six==1.*", "not an exact version"),
        ("six>1,<2", "at most one version"),
        ("six==1.0; python_version > '3'", "markers"),
        ("six @ https://example.invalid/six.tar.gz", "direct URL"),
        ("not a requirement!", "not an existing path"),
        ("   ", "empty target"),
    ],
)
def test_rejected_forms_are_usage_errors(text: str, why: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_spec(text)
    assert why in caught.value.diagnostic
    assert "NAME==VERSION" in caught.value.diagnostic


def test_existing_paths_win_over_requirements(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("six").write_text("a file that happens to be called six")
    assert parse_spec("six") == PathSpec(text="six", path=Path("six"))


@pytest.mark.parametrize("text", ["dist/missing.whl", "./six", "~/x", "six-1.16.0.tar.gz", "x.WHL"])
def test_path_like_specs_are_paths_even_when_missing(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert isinstance(parse_spec(text), PathSpec)


def test_resolve_targets_rejects_a_bad_spec_before_doing_anything(tmp_path: Path) -> None:
    artifact = tmp_path / "a.whl"
    artifact.write_bytes(b"PK\x03\x04")
    with pytest.raises(UsageError):
        resolve_targets([str(artifact), "six>=1"])
