"""What pip is configured to use: package indexes, CA bundle, proxy, timeout.

capwatch fetches from whatever index ``pip install`` would use, so it never names a registry host
itself. Settings are looked up per option, first match wins:

1. the environment: ``PIP_INDEX_URL``, ``PIP_EXTRA_INDEX_URL``, ``PIP_NO_INDEX``, ``PIP_CERT``,
   ``PIP_CLIENT_CERT``, ``PIP_PROXY``, ``PIP_TIMEOUT`` / ``PIP_DEFAULT_TIMEOUT`` (ignored when
   ``PIP_ISOLATED_MODE`` is set, as pip ignores them);
2. pip's configuration files, read by asking pip itself (``python -m pip config debug``, which
   lists every file in load order, so precedence is exactly pip's: global < user < site <
   ``PIP_CONFIG_FILE``); within them the ``[install]`` section beats ``[global]``, as for
   ``pip install``. If that output cannot be parsed, ``python -m pip config list`` is used (it is
   sorted by file name, so when two files set the same key the later name wins);
3. for the main index only, pip's built-in default, again asked of pip: ``PyPI.simple_url`` from
   pip's own modules, else the ``(default ...)`` in ``pip install --help``.

pip is run as ``sys.executable -m pip`` when this interpreter has pip, else as the ``pip3`` or
``pip`` on ``PATH``. Results are cached per process for a given set of ``PIP_*`` variables.

``--find-links`` and ``trusted-host`` are not used: capwatch only reads simple-API indexes, and
always verifies TLS.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from capwatch.errors import SourceError

log = logging.getLogger(__name__)

_PIP_TIMEOUT_SECONDS = 60.0
_TRUE = frozenset({"y", "yes", "t", "true", "on", "1"})
_FALSE = frozenset({"n", "no", "f", "false", "off", "0"})
_SECTIONS = ("install", "global")
"""Configuration-file sections that apply, highest precedence first."""
_FILE_VARIANTS = ("global", "user", "site", "env")
"""pip's configuration-file variants, lowest precedence first (``env`` is PIP_CONFIG_FILE)."""


@dataclass(frozen=True, slots=True)
class PipSettings:
    """The parts of pip's configuration that matter for fetching from an index."""

    index_url: str | None = None
    """The main index (``index-url``); None when not configured (pip's default applies)."""
    extra_index_urls: tuple[str, ...] = ()
    """``extra-index-url`` entries, in order."""
    no_index: bool = False
    """``no-index``: pip would use no index at all."""
    cert: str | None = None
    """CA bundle file or directory (``cert``)."""
    client_cert: str | None = None
    """Client certificate with key, PEM (``client-cert``)."""
    proxy: str | None = None
    """Proxy for HTTP and HTTPS (``proxy``); the usual ``*_proxy`` variables apply otherwise."""
    timeout: float | None = None
    """Socket timeout in seconds (``timeout`` / ``default-timeout``)."""


def pip_settings() -> PipSettings:
    """Read pip's configuration (environment first, then pip's files); see the module docstring.

    Raises :class:`SourceError` when pip's configuration cannot be read and the environment does
    not name an index, since falling back to a default index could fetch from the wrong place.
    """
    environ = dict(os.environ)
    return _cached_settings(tuple(sorted((k, v) for k, v in environ.items() if _relevant_env(k))))


def configured_index_urls() -> list[str]:
    """The index URLs ``pip install`` would use, main index first, without duplicates.

    Empty when pip is configured with ``no-index``. Local directory paths are turned into
    ``file://`` URLs. Raises :class:`SourceError` when neither the configuration nor pip can say.
    """
    return index_urls_from(pip_settings())


def default_index_url() -> str:
    """pip's built-in default index, asked of pip (never hard-coded here)."""
    try:
        module = importlib.import_module("pip._internal.models.index")
        url = module.PyPI.simple_url
        if isinstance(url, str) and url:
            return url
    except Exception as exc:  # pip internals moved or pip missing: ask the command instead
        log.debug("pip's PyPI object is not available (%s); asking 'pip install --help'", exc)
    command = _pip_command()
    if command is not None:
        output = _run_pip(command, ["install", "--help"])
        if output is not None:
            found = parse_default_index(output)
            if found:
                return found
    raise SourceError(
        "cannot tell which package index pip uses",
        diagnostic=(
            "cannot tell which package index pip uses: no index-url is configured and pip could "
            "not be asked for its default; set PIP_INDEX_URL (or index-url in pip.conf)"
        ),
    )


def index_urls_from(
    settings: PipSettings, *, default: Callable[[], str] | None = None
) -> list[str]:
    """The index list for ``settings``.

    ``default()`` (by default :func:`default_index_url`) gives the main index when it is unset.
    """
    if settings.no_index:
        return []
    if settings.index_url is not None:
        main = settings.index_url
    else:
        main = (default or default_index_url)()
    urls: list[str] = []
    seen: set[str] = set()
    for raw in (main, *settings.extra_index_urls):
        url = normalize_index_url(raw)
        key = url.rstrip("/")
        if key not in seen:
            seen.add(key)
            urls.append(url)
    return urls


def normalize_index_url(value: str) -> str:
    """An index URL as configured, with a plain local path turned into a ``file://`` URL."""
    value = value.strip()
    scheme = urlsplit(value).scheme
    if scheme and not (len(scheme) == 1 and os.name == "nt"):
        return value
    return Path(value).expanduser().resolve().as_uri()


def parse_default_index(help_text: str) -> str | None:
    """The URL in ``--index-url ... (default URL)`` of ``pip install --help``, if present."""
    match = re.search(r"--index-url\b.*?\(default\s+(\S+?)\)", help_text, re.DOTALL)
    return match.group(1) if match else None


def settings_from(files: Mapping[str, str], environ: Mapping[str, str]) -> PipSettings:
    """Combine configuration-file values (``section.key``) and environment into settings."""
    use_env = not _truthy(environ.get("PIP_ISOLATED_MODE", ""))

    def get(*keys: str) -> str | None:
        if use_env:
            for key in keys:
                value = environ.get("PIP_" + key.upper().replace("-", "_"), "")
                if value.strip():
                    return value
        for section in _SECTIONS:
            for key in keys:
                value = files.get(f"{section}.{key}", "")
                if value.strip():
                    return value
        return None

    timeout: float | None = None
    raw_timeout = get("timeout", "default-timeout")
    if raw_timeout is not None:
        try:
            timeout = float(raw_timeout)
        except ValueError:
            log.warning("ignoring pip timeout %r: not a number", raw_timeout)
    raw_no_index = get("no-index")
    index_url = get("index-url")
    extra = get("extra-index-url")
    return PipSettings(
        index_url=index_url.strip() if index_url else None,
        extra_index_urls=tuple(extra.split()) if extra else (),
        no_index=_truthy(raw_no_index) if raw_no_index is not None else False,
        cert=_strip(get("cert")),
        client_cert=_strip(get("client-cert")),
        proxy=_strip(get("proxy")),
        timeout=timeout if timeout is None or timeout > 0 else None,
    )


def parse_config_debug(output: str) -> dict[str, str] | None:
    """Merge the file values listed by ``pip config debug`` in pip's precedence order.

    Returns ``section.key -> value`` (later files override earlier ones), or None when the output
    does not look like ``pip config debug`` output at all. The ``env_var`` block is ignored (the
    environment is read directly).
    """
    lines = output.splitlines()
    if not any(line.rstrip() == "env_var:" for line in lines):
        return None
    by_variant: dict[str, list[tuple[str, str]]] = {}
    variant: str | None = None
    last: list[str] | None = None  # [key, value] being built, for continuation lines
    for line in lines:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        text = line.strip()
        if indent == 0 and text.endswith(":"):
            variant = text[:-1]
            last = None
            continue
        if variant is None or variant == "env_var":
            continue
        if indent == 2 and re.search(r", exists: (True|False)$", text):
            last = None
            continue
        match = re.fullmatch(r"([A-Za-z0-9_:-]+\.[A-Za-z0-9_-]+): ?(.*)", text)
        if indent >= 4 and match:
            entry = [match.group(1), match.group(2)]
            by_variant.setdefault(variant, []).append((entry[0], entry[1]))
            last = entry
            continue
        if last is not None and indent >= 4:  # a multi-line value: pip indents every line
            items = by_variant[variant]
            key, value = items[-1]
            items[-1] = (key, f"{value}\n{text}")
            continue
        log.debug("unrecognised 'pip config debug' line: %r", line)
    merged: dict[str, str] = {}
    order = [*_FILE_VARIANTS, *sorted(set(by_variant) - set(_FILE_VARIANTS))]
    for name in order:
        for key, value in by_variant.get(name, []):
            merged[key] = value
    return merged


def parse_config_list(output: str) -> dict[str, str]:
    """Parse ``pip config list`` (``key='value'`` lines; later lines win; ``:env:`` dropped)."""
    merged: dict[str, str] = {}
    for line in output.splitlines():
        key, sep, raw = line.partition("=")
        if not sep or key.startswith(":env:") or "." not in key:
            continue
        try:
            value = ast.literal_eval(raw)
        except (ValueError, SyntaxError):
            value = raw
        merged[key.strip()] = str(value)
    return merged


@functools.lru_cache(maxsize=8)
def _cached_settings(env_items: tuple[tuple[str, str], ...]) -> PipSettings:
    environ = dict(env_items)
    files = _read_pip_files()
    if files is None:
        if environ.get("PIP_INDEX_URL", "").strip() or _truthy(environ.get("PIP_NO_INDEX", "")):
            log.warning("could not read pip's configuration files; using the environment only")
            files = {}
        else:
            raise SourceError(
                "cannot read pip's configuration",
                diagnostic=(
                    "cannot read pip's configuration (is pip installed?), so the package index to "
                    "fetch from is unknown; set PIP_INDEX_URL"
                ),
            )
    return settings_from(files, environ)


def _read_pip_files() -> dict[str, str] | None:
    command = _pip_command()
    if command is None:
        return None
    output = _run_pip(command, ["config", "debug"])
    if output is not None:
        parsed = parse_config_debug(output)
        if parsed is not None:
            return parsed
        log.debug("'pip config debug' output not understood; trying 'pip config list'")
    output = _run_pip(command, ["config", "list"])
    return None if output is None else parse_config_list(output)


def _pip_command() -> list[str] | None:
    if importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip"]
    for name in ("pip3", "pip"):
        found = shutil.which(name)
        if found:
            return [found]
    return None


def _run_pip(command: Sequence[str], args: Sequence[str]) -> str | None:
    env = dict(os.environ)
    env.update(PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1", PIP_NO_COLOR="1")
    try:
        done = subprocess.run(
            [*command, *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=_PIP_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("could not run %s: %s", " ".join([*command, *args]), exc)
        return None
    if done.returncode != 0:
        log.warning(
            "%s failed (exit %d): %s",
            " ".join([*command, *args]),
            done.returncode,
            done.stderr.strip(),
        )
        return None
    return done.stdout


def _relevant_env(name: str) -> bool:
    return name.startswith("PIP_") or name in {"HOME", "XDG_CONFIG_HOME", "VIRTUAL_ENV", "APPDATA"}


def _truthy(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE or not lowered:
        return False
    log.warning("treating pip boolean %r as false", value)
    return False


def _strip(value: str | None) -> str | None:
    return value.strip() if value is not None else None
