"""Reading pip's configuration: which indexes, CA bundle, proxy and timeout pip would use."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from capwatch.errors import SourceError
from capwatch.sources import PipSettings, configured_index_urls, pip_settings, pipconfig
from capwatch.sources.pipconfig import (
    index_urls_from,
    normalize_index_url,
    parse_config_debug,
    parse_config_list,
    parse_default_index,
    settings_from,
)

DEBUG_OUTPUT = """\
env_var:
  PIP_CERT='/etc/ssl/certs/ca-certificates.crt'
  PIP_DEFAULT_TIMEOUT='180'
env:
  /tmp/override.conf, exists: True
    global.timeout: 7
global:
  /etc/xdg/pip/pip.conf, exists: True
    global.index-url: https://xdg.example/simple
  /etc/pip.conf, exists: True
    global.index-url: https://etc.example/simple
    global.cert: /etc/ssl/certs/ca-certificates.crt
site:
  /venv/pip.conf, exists: True
    install.index-url: https://site.example/simple
user:
  /root/.pip/pip.conf, exists: False
  /root/.config/pip/pip.conf, exists: True
    global.extra-index-url:\x20
    file:///opt/pypi/simple
    https://user.example/simple
    global.timeout: 3
"""


def test_config_debug_follows_pips_precedence() -> None:
    merged = parse_config_debug(DEBUG_OUTPUT)
    assert merged == {
        "global.index-url": "https://etc.example/simple",  # later global file wins
        "global.cert": "/etc/ssl/certs/ca-certificates.crt",
        "install.index-url": "https://site.example/simple",
        "global.extra-index-url": "\nfile:///opt/pypi/simple\nhttps://user.example/simple",
        "global.timeout": "7",  # PIP_CONFIG_FILE beats the user file
    }


def test_config_debug_unrecognised_output() -> None:
    assert parse_config_debug("something else\n") is None


def test_config_list() -> None:
    output = (
        "global.cert='/etc/ssl/certs/ca-certificates.crt'\n"
        "global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'\n"
        "global.index-url='\\nhttps://a.example/simple'\n"
        ":env:.default-timeout='180'\n"
    )
    assert parse_config_list(output) == {
        "global.cert": "/etc/ssl/certs/ca-certificates.crt",
        "global.extra-index-url": "file:///opt/pypi/simple file:///opt/pypi-more/simple",
        "global.index-url": "\nhttps://a.example/simple",
    }


def test_environment_beats_install_beats_global() -> None:
    files = {
        "global.index-url": "https://global.example/simple",
        "install.index-url": "https://install.example/simple",
        "global.extra-index-url": "https://a.example/simple\nhttps://b.example/simple",
        "global.timeout": "9",
        "global.cert": "/x.pem",
    }
    assert settings_from(files, {}) == PipSettings(
        index_url="https://install.example/simple",
        extra_index_urls=("https://a.example/simple", "https://b.example/simple"),
        cert="/x.pem",
        timeout=9.0,
    )
    env = {
        "PIP_INDEX_URL": "https://env.example/simple",
        "PIP_EXTRA_INDEX_URL": "",
        "PIP_DEFAULT_TIMEOUT": "180",
    }
    settings = settings_from(files, env)
    assert settings.index_url == "https://env.example/simple"
    assert settings.extra_index_urls == ("https://a.example/simple", "https://b.example/simple")
    assert settings.timeout == 180.0
    isolated = settings_from(files, {**env, "PIP_ISOLATED_MODE": "1"})
    assert isolated.index_url == "https://install.example/simple"


def test_index_list_default_dedup_and_no_index(tmp_path: Path) -> None:
    settings = PipSettings(
        extra_index_urls=("https://d.example/simple/", str(tmp_path), "https://d.example/simple")
    )
    assert index_urls_from(settings, default=lambda: "https://d.example/simple") == [
        "https://d.example/simple",
        tmp_path.as_uri(),
    ]
    assert index_urls_from(PipSettings(index_url="x://y", no_index=True)) == []


def test_normalize_index_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert normalize_index_url(" file:///srv/simple ") == "file:///srv/simple"
    assert normalize_index_url("mirror/simple") == (tmp_path / "mirror" / "simple").as_uri()


def test_default_index_help_text() -> None:
    help_text = """
  -i, --index-url <url>       Base URL of the Python Package Index (default
                              https://pypi.org/simple). This should point to a
"""
    assert parse_default_index(help_text) == "https://pypi.org/simple"
    assert parse_default_index("no such option") is None


def test_default_index_comes_from_pip(monkeypatch: pytest.MonkeyPatch) -> None:
    pypi = importlib.import_module("pip._internal.models.index").PyPI
    assert pipconfig.default_index_url() == pypi.simple_url
    real_import = importlib.import_module

    def no_pip_internals(name: str) -> object:
        if name.startswith("pip."):
            raise ImportError(name)
        return real_import(name)

    monkeypatch.setattr(importlib, "import_module", no_pip_internals)
    assert pipconfig.default_index_url() == pypi.simple_url  # from 'pip install --help'


def clean_pip_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PIP_"):
            monkeypatch.delenv(name)


def test_configured_index_urls_reads_pips_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_pip_env(monkeypatch)
    conf = tmp_path / "pip.conf"
    conf.write_text(
        "[global]\nindex-url = https://main.example/simple\n"
        "extra-index-url =\n    file:///srv/one/simple\n    https://two.example/simple\n"
        "cert = /some/ca.pem\ntimeout = 12\n"
    )
    monkeypatch.setenv("PIP_CONFIG_FILE", str(conf))
    assert configured_index_urls() == [
        "https://main.example/simple",
        "file:///srv/one/simple",
        "https://two.example/simple",
    ]
    settings = pip_settings()
    assert (settings.cert, settings.timeout) == ("/some/ca.pem", 12.0)
    monkeypatch.setenv("PIP_EXTRA_INDEX_URL", "https://env.example/simple")
    assert configured_index_urls() == ["https://main.example/simple", "https://env.example/simple"]


def test_nothing_configured_means_pips_default(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_pip_env(monkeypatch)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    pypi = importlib.import_module("pip._internal.models.index").PyPI
    assert configured_index_urls() == [pypi.simple_url]
    monkeypatch.setenv("PIP_NO_INDEX", "yes")
    assert configured_index_urls() == []


def test_without_pip_only_the_environment_can_say(monkeypatch: pytest.MonkeyPatch) -> None:
    clean_pip_env(monkeypatch)
    monkeypatch.setattr(pipconfig, "_pip_command", lambda: None)
    with pytest.raises(SourceError, match="cannot read pip's configuration"):
        configured_index_urls()
    monkeypatch.setenv("PIP_INDEX_URL", "https://env.example/simple")
    assert configured_index_urls() == ["https://env.example/simple"]
