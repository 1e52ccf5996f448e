"""Reading index pages and files over HTTP(S) or from ``file://`` URLs, with bounds.

HTTP goes through :mod:`urllib.request`, so the usual ``http_proxy`` / ``https_proxy`` /
``no_proxy`` variables apply (pip's ``proxy`` setting replaces them when set). Every request sends
``User-Agent: capwatch/<version>``. TLS is always verified, against the first CA bundle named by:
pip's ``cert`` setting, ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``, ``SSL_CERT_FILE``; with none
of them, the system store. pip's ``client-cert`` is presented when set.

Safety rules: only ``http``, ``https`` and ``file`` URLs are opened; a redirect may only go to
``http``/``https`` and never from ``https`` down to ``http``; credentials in a URL
(``https://user:token@host/simple``) are sent as HTTP basic auth to that host only (never along a
redirect) and never appear in messages; every read is bounded.
"""

from __future__ import annotations

import base64
import http.client
import importlib.metadata
import logging
import os
import ssl
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from capwatch.errors import SourceError
from capwatch.sources.errors import NetworkError
from capwatch.sources.pipconfig import PipSettings, pip_settings

log = logging.getLogger(__name__)

SIMPLE_JSON = "application/vnd.pypi.simple.v1+json"
"""PEP 691 JSON content type."""
SIMPLE_HTML = "application/vnd.pypi.simple.v1+html"
"""PEP 691 name for the PEP 503 HTML form."""
ACCEPT_SIMPLE = f"{SIMPLE_JSON}, {SIMPLE_HTML};q=0.2, text/html;q=0.01"
"""Ask for JSON, accept HTML (what pip sends)."""
DEFAULT_TIMEOUT = 30.0
"""Socket timeout in seconds when neither the caller nor pip's configuration gives one."""
CHUNK_BYTES = 1024 * 1024

_ALLOWED_SCHEMES = frozenset({"http", "https", "file"})


def user_agent() -> str:
    """``capwatch/<installed version>``."""
    try:
        version = importlib.metadata.version("capwatch")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"
    return f"capwatch/{version}"


def redact_url(url: str) -> str:
    """``url`` with any ``user:password@`` replaced by ``***@``, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


def scheme_of(url: str) -> str:
    """The lower-cased scheme of ``url``."""
    return urlsplit(url).scheme.lower()


def file_url_to_path(url: str) -> Path:
    """The local path of a ``file://`` URL; raises :class:`SourceError` for a remote host."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        raise SourceError(f"file URL with a remote host is not supported: {redact_url(url)}")
    return Path(urllib.request.url2pathname(parts.path))


@dataclass(frozen=True, slots=True)
class Page:
    """A fetched index page."""

    url: str
    """Where it came from after redirects: the base for its relative links."""
    content_type: str
    """``Content-Type`` without parameters, lower case ('' when unknown)."""
    charset: str | None
    body: bytes


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follow redirects only to http(s), and never from https to http."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        old, new = scheme_of(req.full_url), scheme_of(urljoin(req.full_url, newurl))
        if new not in ("http", "https") or (old == "https" and new == "http"):
            raise urllib.error.HTTPError(
                redact_url(newurl), code, f"refusing redirect from {old} to {new}", headers, fp
            )
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Transport:
    """Fetches pages and files for one resolution run; settings are read on first network use."""

    def __init__(
        self, settings: PipSettings | None = None, *, timeout: float | None = None
    ) -> None:
        self._settings = settings
        self._timeout = timeout
        self._opener: urllib.request.OpenerDirector | None = None
        self._credentials: dict[tuple[str, str], str] = {}
        self._user_agent = user_agent()

    @property
    def settings(self) -> PipSettings:
        """pip's settings (read now if they were not given)."""
        if self._settings is None:
            self._settings = pip_settings()
        return self._settings

    @property
    def timeout(self) -> float:
        """Socket timeout for every request, in seconds."""
        if self._timeout is None:
            self._timeout = self.settings.timeout or DEFAULT_TIMEOUT
        return self._timeout

    def remember_credentials(self, url: str) -> str:
        """Strip ``user:password@`` from ``url``, keeping it for requests to the same host."""
        clean, auth = _split_credentials(url)
        if auth is not None:
            parts = urlsplit(clean)
            self._credentials[(parts.scheme.lower(), parts.netloc.lower())] = auth
        return clean

    def get_page(self, url: str, *, max_bytes: int) -> Page | None:
        """Fetch an index page; None when it does not exist (HTTP 404/410, no such directory).

        For a ``file://`` directory the page is its ``index.json`` (PEP 691) or else its
        ``index.html`` (PEP 503). Raises :class:`NetworkError` when the index cannot be read, and
        for a ``file://`` URL whose parent directory (the index root) is missing.
        """
        scheme = scheme_of(url)
        if scheme == "file":
            return self._get_file_page(url, max_bytes=max_bytes)
        self._check_scheme(url)
        try:
            with self._open(url, accept=ACCEPT_SIMPLE) as response:
                body = _read_bounded(response, max_bytes, url)
                final_url = response.geturl()
                content_type = (
                    response.headers.get_content_type()
                    if response.headers.get("Content-Type")
                    else ""
                )
                charset = response.headers.get_content_charset()
        except urllib.error.HTTPError as exc:
            exc.close()
            if exc.code in (404, 410):
                return None
            raise _http_error(url, exc) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _network_error(url, exc) from None
        return Page(url=final_url, content_type=content_type, charset=charset, body=body)

    def stream(self, url: str, *, max_bytes: int) -> Iterator[bytes]:
        """Yield the bytes of the http(s) file at ``url`` in chunks, at most ``max_bytes``.

        Raises :class:`NetworkError` for network and HTTP failures and :class:`SourceError` when
        the file is larger than ``max_bytes``.
        """
        self._check_scheme(url)
        if scheme_of(url) == "file":
            raise SourceError(f"not an http(s) URL: {redact_url(url)}")
        try:
            with self._open(url, accept="*/*") as response:
                length = response.headers.get("Content-Length")
                if length and length.isdigit() and int(length) > max_bytes:
                    raise too_large(url, max_bytes, int(length))
                total = 0
                while chunk := response.read(CHUNK_BYTES):
                    total += len(chunk)
                    if total > max_bytes:
                        raise too_large(url, max_bytes, None)
                    yield chunk
        except urllib.error.HTTPError as exc:
            exc.close()
            raise _http_error(url, exc) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise _network_error(url, exc) from None

    def _get_file_page(self, url: str, *, max_bytes: int) -> Page | None:
        path = file_url_to_path(url)
        if path.is_dir():
            base = url if url.endswith("/") else url + "/"
            for name, content_type in (("index.json", SIMPLE_JSON), ("index.html", "text/html")):
                candidate = path / name
                if candidate.is_file():
                    body = read_local_bounded(candidate, max_bytes)
                    return Page(urljoin(base, name), content_type, None, body)
            return None
        if path.is_file():
            body = read_local_bounded(path, max_bytes)
            content_type = SIMPLE_JSON if path.suffix == ".json" else ""
            return Page(url, content_type, None, body)
        if not path.parent.is_dir():
            raise NetworkError(
                f"index directory {path.parent} does not exist",
                diagnostic=(
                    f"the configured index {redact_url(url.rstrip('/').rpartition('/')[0])} is a "
                    f"local directory that does not exist ({path.parent}); check pip's "
                    "index-url / extra-index-url"
                ),
            )
        return None

    def _check_scheme(self, url: str) -> None:
        scheme = scheme_of(url)
        if scheme not in _ALLOWED_SCHEMES:
            raise SourceError(f"unsupported URL scheme '{scheme}': {redact_url(url)}")

    def _open(self, url: str, *, accept: str) -> http.client.HTTPResponse:
        clean, auth = _split_credentials(url)
        request = urllib.request.Request(
            clean, headers={"Accept": accept, "User-Agent": self._user_agent}
        )
        parts = urlsplit(clean)
        auth = auth or self._credentials.get((parts.scheme.lower(), parts.netloc.lower()))
        if auth is not None:
            request.add_unredirected_header("Authorization", auth)
        response = self._get_opener().open(request, timeout=self.timeout)
        assert isinstance(response, http.client.HTTPResponse)
        return response

    def _get_opener(self) -> urllib.request.OpenerDirector:
        if self._opener is None:
            settings = self.settings
            if settings.proxy:
                proxy = settings.proxy if "://" in settings.proxy else f"http://{settings.proxy}"
                proxies: dict[str, str] | None = {"http": proxy, "https": proxy}
            else:
                proxies = None  # urllib reads the *_proxy environment variables
            opener = urllib.request.OpenerDirector()
            for handler in (
                urllib.request.ProxyHandler(proxies),
                urllib.request.UnknownHandler(),
                urllib.request.HTTPHandler(),
                urllib.request.HTTPSHandler(context=self._ssl_context(settings)),
                urllib.request.HTTPDefaultErrorHandler(),
                _RedirectHandler(),
                urllib.request.HTTPErrorProcessor(),
            ):
                opener.add_handler(handler)
            self._opener = opener
        return self._opener

    def _ssl_context(self, settings: PipSettings) -> ssl.SSLContext:
        candidates = (
            ("pip's 'cert' setting", settings.cert),
            ("REQUESTS_CA_BUNDLE", os.environ.get("REQUESTS_CA_BUNDLE")),
            ("CURL_CA_BUNDLE", os.environ.get("CURL_CA_BUNDLE")),
            ("SSL_CERT_FILE", os.environ.get("SSL_CERT_FILE")),
        )
        context: ssl.SSLContext | None = None
        for origin, value in candidates:
            if not value:
                continue
            bundle = Path(value).expanduser()
            try:
                if bundle.is_dir():
                    context = ssl.create_default_context(capath=os.fspath(bundle))
                else:
                    context = ssl.create_default_context(cafile=os.fspath(bundle))
            except (OSError, ssl.SSLError) as exc:
                raise SourceError(
                    f"cannot load CA certificates from {bundle}",
                    diagnostic=f"cannot load CA certificates from {bundle} (from {origin}): {exc}",
                ) from None
            log.debug("verifying TLS with %s (from %s)", bundle, origin)
            break
        if context is None:
            context = ssl.create_default_context()
        if settings.client_cert:
            try:
                context.load_cert_chain(os.path.expanduser(settings.client_cert))
            except (OSError, ssl.SSLError) as exc:
                raise SourceError(
                    f"cannot load pip's client certificate {settings.client_cert}: {exc}"
                ) from None
        return context


def read_local_bounded(path: Path, max_bytes: int) -> bytes:
    """Read a local file of at most ``max_bytes``; raises :class:`SourceError` otherwise."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise too_large(path.as_uri(), max_bytes, None)
    return data


def too_large(url: str, max_bytes: int, size: int | None) -> SourceError:
    """The error for a page or file over its size bound."""
    got = f"{size} bytes" if size is not None else "more"
    return SourceError(
        f"{redact_url(url)} is too large ({got}; limit {max_bytes} bytes)",
        diagnostic=(
            f"{redact_url(url)} is too large ({got}; limit {max_bytes} bytes); raise it with "
            "--limit artifact_bytes=N"
        ),
    )


def _read_bounded(response: http.client.HTTPResponse, max_bytes: int, url: str) -> bytes:
    chunks: list[bytes] = []
    total = 0
    while chunk := response.read(CHUNK_BYTES):
        total += len(chunk)
        if total > max_bytes:
            raise too_large(url, max_bytes, None)
        chunks.append(chunk)
    return b"".join(chunks)


def _split_credentials(url: str) -> tuple[str, str | None]:
    """``url`` without ``user:password@``, and the matching basic-auth header value (or None)."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    token = base64.b64encode(f"{unquote(user)}:{unquote(password)}".encode()).decode("ascii")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, f"Basic {token}"


def _http_error(url: str, exc: urllib.error.HTTPError) -> NetworkError:
    where = redact_url(url)
    hint = ""
    if exc.code in (401, 403):
        hint = "; the index wants credentials: put them in the index URL or check they are valid"
    elif exc.code >= 500:
        hint = "; the index is failing, try again later"
    return NetworkError(
        f"{where}: HTTP {exc.code} {exc.reason}",
        diagnostic=f"{where}: HTTP {exc.code} {exc.reason}{hint}",
    )


def _network_error(url: str, exc: BaseException) -> NetworkError:
    where = redact_url(url)
    reason: object = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, ssl.SSLError):
        hint = (
            "TLS verification failed; point pip's 'cert' setting, REQUESTS_CA_BUNDLE or "
            "SSL_CERT_FILE at the CA bundle for this index"
        )
    elif isinstance(reason, TimeoutError):
        hint = "timed out; raise pip's timeout (PIP_DEFAULT_TIMEOUT) or check the network"
    else:
        hint = "check the network, proxy settings (https_proxy / pip's 'proxy') and the index URL"
    return NetworkError(
        f"cannot reach {where}: {reason}",
        diagnostic=f"cannot reach {where}: {reason}; {hint}",
    )
