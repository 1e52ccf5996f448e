"""Parsing "simple repository API" project pages: PEP 691 JSON and PEP 503 HTML.

Both forms become a list of :class:`IndexFile`. Links are resolved against the page URL (or an
HTML ``<base href>``). Entries an index should never send are dropped with a warning rather than
trusted: a file name with a path separator or a leading dot, a link to a scheme other than
``http``/``https``, and a ``file://`` link on a page that was not itself read from ``file://``.
"""

from __future__ import annotations

import json
import logging
import posixpath
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from capwatch.errors import SourceError
from capwatch.sources.transport import SIMPLE_HTML, SIMPLE_JSON, Page, redact_url, scheme_of

log = logging.getLogger(__name__)

_HASH_FRAGMENT = re.compile(r"(sha1|sha224|sha256|sha384|sha512|md5)=([0-9a-fA-F]+)")
_HEX = re.compile(r"[0-9a-f]+")


@dataclass(frozen=True, slots=True)
class IndexFile:
    """One distribution file listed on a project page."""

    filename: str
    url: str
    """Absolute URL, without the hash fragment."""
    index_url: str
    """The index that listed it."""
    hashes: Mapping[str, str] = field(default_factory=dict)
    """Hash algorithm name (lower case) to lower-case hex digest."""
    yanked: str | None = None
    """None when not yanked; the reason (possibly '') when yanked."""
    size: int | None = None
    """Size in bytes when the index says (PEP 700)."""


def parse_page(page: Page, *, index_url: str) -> list[IndexFile]:
    """The files listed on a project page, JSON or HTML by content type (or by sniffing).

    Raises :class:`SourceError` for a JSON page that is not valid PEP 691 (version 1.x).
    """
    kind = page.content_type
    if kind == SIMPLE_JSON or kind == "application/json":
        return parse_json(page, index_url=index_url)
    if kind in (SIMPLE_HTML, "text/html"):
        return parse_html(page, index_url=index_url)
    if page.body.lstrip()[:1] == b"{":
        return parse_json(page, index_url=index_url)
    return parse_html(page, index_url=index_url)


def parse_json(page: Page, *, index_url: str) -> list[IndexFile]:
    """Files from a PEP 691 JSON project page."""
    where = redact_url(page.url)
    try:
        data = json.loads(page.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SourceError(f"{where}: the index sent invalid JSON ({exc})") from None
    if not isinstance(data, dict) or not isinstance(data.get("files"), list):
        raise SourceError(f"{where}: the index sent JSON that is not a PEP 691 project page")
    meta = data.get("meta")
    api_version = meta.get("api-version") if isinstance(meta, dict) else None
    if not isinstance(api_version, str) or api_version.split(".")[0] != "1":
        raise SourceError(
            f"{where}: unsupported simple API version {api_version!r} (capwatch reads 1.x)"
        )
    files: list[IndexFile] = []
    for entry in data["files"]:
        if not isinstance(entry, dict):
            continue
        filename, url = entry.get("filename"), entry.get("url")
        if not isinstance(filename, str) or not isinstance(url, str):
            log.warning("%s: ignoring a file entry without filename/url", where)
            continue
        hashes_raw = entry.get("hashes")
        hashes: dict[str, str] = {}
        if isinstance(hashes_raw, dict):
            for name, digest in hashes_raw.items():
                if (
                    isinstance(name, str)
                    and isinstance(digest, str)
                    and _HEX.fullmatch(digest.lower())
                ):
                    hashes[name.lower()] = digest.lower()
        yanked_raw = entry.get("yanked", False)
        # PEP 691: false, true, or the reason as a string
        yanked: str | None = (
            yanked_raw if isinstance(yanked_raw, str) else ("" if yanked_raw else None)
        )
        size_raw = entry.get("size")
        size = size_raw if isinstance(size_raw, int) and not isinstance(size_raw, bool) else None
        made = _make_file(page, url, index_url=index_url, hashes=hashes, yanked=yanked, size=size)
        if made is not None:
            if made.filename != filename:
                log.warning(
                    "%s: entry %r links to a file named %r; using the link's name",
                    where,
                    filename,
                    made.filename,
                )
            files.append(made)
    return files


def parse_html(page: Page, *, index_url: str) -> list[IndexFile]:
    """Files from a PEP 503 HTML project page (``data-yanked`` is PEP 592)."""
    parser = _AnchorParser()
    parser.feed(page.body.decode(page.charset or "utf-8", errors="replace"))
    parser.close()
    base_page = page
    if parser.base is not None:
        base_page = Page(urljoin(page.url, parser.base), page.content_type, page.charset, page.body)
    files: list[IndexFile] = []
    for attrs in parser.anchors:
        href = attrs.get("href")
        if not href:
            continue
        hashes: dict[str, str] = {}
        fragment = urlsplit(href).fragment
        for match in _HASH_FRAGMENT.finditer(fragment):
            hashes[match.group(1)] = match.group(2).lower()
        yanked = attrs.get("data-yanked")
        made = _make_file(
            base_page, href, index_url=index_url, hashes=hashes, yanked=yanked, size=None
        )
        if made is not None:
            files.append(made)
    return files


class _AnchorParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors: list[dict[str, str]] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "a":
            self.anchors.append(values)
        elif tag == "base" and self.base is None and values.get("href"):
            self.base = values["href"]


def _make_file(
    page: Page,
    link: str,
    *,
    index_url: str,
    hashes: Mapping[str, str],
    yanked: str | None,
    size: int | None,
) -> IndexFile | None:
    where = redact_url(page.url)
    absolute = urljoin(page.url, link)
    parts = urlsplit(absolute)
    url = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
    scheme = scheme_of(url)
    if scheme not in ("http", "https", "file"):
        log.warning("%s: ignoring link with scheme %r: %s", where, scheme, redact_url(url))
        return None
    if scheme == "file" and scheme_of(page.url) != "file":
        log.warning("%s: ignoring file:// link on a remote index: %s", where, redact_url(url))
        return None
    filename = unquote(posixpath.basename(parts.path))
    if not safe_filename(filename):
        log.warning("%s: ignoring link with unsafe file name %r", where, filename)
        return None
    return IndexFile(
        filename=filename,
        url=url,
        index_url=index_url,
        hashes=dict(hashes),
        yanked=yanked,
        size=size,
    )


def safe_filename(name: str) -> bool:
    """Whether ``name`` is a plain file name safe to create in a cache directory."""
    return (
        bool(name)
        and len(name) <= 255
        and not name.startswith(".")
        and not any(char in name for char in "/\\\0:")
        and name.isprintable()
    )
