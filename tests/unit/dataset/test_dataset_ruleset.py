"""The ruleset version changes with any .py, .toml or .txt file of the package, and only with those."""

from __future__ import annotations

from pathlib import Path

from capwatch.dataset.ruleset import LENGTH, ruleset_version


def _tree(root: Path) -> None:
    (root / "rules").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "rules" / "one.py").write_text("X = 1\n")
    (root / "catalog.toml").write_text("[a]\n")


def test_stable_and_short(tmp_path: Path) -> None:
    _tree(tmp_path)
    version = ruleset_version(tmp_path)
    assert len(version) == LENGTH
    assert ruleset_version(tmp_path) == version


def test_changes_with_python_and_toml_files(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = ruleset_version(tmp_path)
    (tmp_path / "rules" / "one.py").write_text("X = 2\n")
    after_py = ruleset_version(tmp_path)
    assert after_py != before
    (tmp_path / "catalog.toml").write_text("[b]\n")
    after_toml = ruleset_version(tmp_path)
    assert after_toml != after_py
    (tmp_path / "rules" / "two.py").write_text("")
    assert ruleset_version(tmp_path) != after_toml


def test_ignores_other_files_and_bytecode(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = ruleset_version(tmp_path)
    (tmp_path / "README.md").write_text("docs")
    (tmp_path / "__pycache__").mkdir()
    (tmp_path / "__pycache__" / "x.py").write_text("stale")
    assert ruleset_version(tmp_path) == before


def test_installed_package_has_a_version() -> None:
    assert len(ruleset_version()) == LENGTH


def test_ignores_code_that_only_consumes_results(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = ruleset_version(tmp_path)
    (tmp_path / "service").mkdir()
    (tmp_path / "service" / "app.py").write_text("APP = 1\n")
    (tmp_path / "cli.py").write_text("MAIN = 1\n")
    assert ruleset_version(tmp_path) == before
    (tmp_path / "engine.py").write_text("SCAN = 1\n")
    assert ruleset_version(tmp_path) != before


def test_changes_with_data_lists(tmp_path: Path) -> None:
    _tree(tmp_path)
    before = ruleset_version(tmp_path)
    (tmp_path / "popular.txt").write_text("requests\n")
    assert ruleset_version(tmp_path) != before
