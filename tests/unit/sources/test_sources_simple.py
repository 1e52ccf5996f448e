"""Parsing PEP 503 HTML and PEP 691 JSON project pages."""

from __future__ import annotations

import json

import pytest

from capwatch.errors import SourceError
from capwatch.sources.simple import parse_page, safe_filename
from capwatch.sources.transport import SIMPLE_JSON, Page

BASE = "https://index.example/simple/demo/"


def html(body: str, url: str = BASE) -> Page:
    return Page(url=url, content_type="text/html", charset="utf-8", body=body.encode())


def test_html_links_hashes_yanked_and_base() -> None:
    page = html(
        '<html><head><base href="https://mirror.example/pkgs/"></head><body>'
        '<a href="demo-1.0.tar.gz#sha256=ABCDEF">demo-1.0.tar.gz</a>'
        '<a href="/other/demo-1.1.tar.gz#md5=0123&amp;x=1" data-yanked>demo-1.1.tar.gz</a>'
        '<a href="demo-1.2.tar.gz" data-yanked="bad &amp; broken">demo-1.2.tar.gz</a>'
        "<a>no href</a></body></html>"
    )
    files = parse_page(page, index_url="https://index.example/simple")
    assert [(f.filename, f.url, dict(f.hashes), f.yanked) for f in files] == [
        (
            "demo-1.0.tar.gz",
            "https://mirror.example/pkgs/demo-1.0.tar.gz",
            {"sha256": "abcdef"},
            None,
        ),
        ("demo-1.1.tar.gz", "https://mirror.example/other/demo-1.1.tar.gz", {"md5": "0123"}, ""),
        ("demo-1.2.tar.gz", "https://mirror.example/pkgs/demo-1.2.tar.gz", {}, "bad & broken"),
    ]


def test_unsafe_links_are_dropped(caplog: pytest.LogCaptureFixture) -> None:
    page = html(
        '<a href="..%2F..%2Fetc%2Fcron.d%2Fx.tar.gz">x</a>'
        '<a href="file:///etc/passwd">passwd</a>'
        '<a href="javascript:alert(1)">js</a>'
        '<a href="ftp://files.example/demo-1.0.tar.gz">ftp</a>'
        '<a href="../.hidden.tar.gz">hidden</a>'
        '<a href="ok-1.0.tar.gz">ok</a>'
    )
    files = parse_page(page, index_url="x")
    assert [f.filename for f in files] == ["ok-1.0.tar.gz"]
    assert "ignoring" in caplog.text


def test_file_links_are_fine_on_a_file_index() -> None:
    page = html(
        '<a href="../../files/demo-1.0.tar.gz">demo</a>', url="file:///srv/simple/demo/index.html"
    )
    (file,) = parse_page(page, index_url="file:///srv/simple")
    assert file.url == "file:///srv/files/demo-1.0.tar.gz"


def json_page(doc: object, content_type: str = SIMPLE_JSON) -> Page:
    return Page(url=BASE, content_type=content_type, charset=None, body=json.dumps(doc).encode())


def test_json_files() -> None:
    doc = {
        "meta": {"api-version": "1.1"},
        "name": "demo",
        "files": [
            {
                "filename": "demo-1.0.tar.gz",
                "url": "demo-1.0.tar.gz",
                "hashes": {"SHA256": "AB"},
                "yanked": False,
                "size": 12,
            },
            {
                "filename": "demo-1.1.tar.gz",
                "url": "https://cdn.example/demo-1.1.tar.gz",
                "hashes": {},
                "yanked": True,
            },
            {
                "filename": "demo-1.2.tar.gz",
                "url": "demo-1.2.tar.gz",
                "hashes": {"sha256": "zz"},
                "yanked": "oops",
            },
            {"filename": 3, "url": "x"},
            "junk",
        ],
    }
    files = parse_page(json_page(doc), index_url="i")
    assert [(f.filename, f.url, dict(f.hashes), f.yanked, f.size) for f in files] == [
        ("demo-1.0.tar.gz", BASE + "demo-1.0.tar.gz", {"sha256": "ab"}, None, 12),
        ("demo-1.1.tar.gz", "https://cdn.example/demo-1.1.tar.gz", {}, "", None),
        ("demo-1.2.tar.gz", BASE + "demo-1.2.tar.gz", {}, "oops", None),
    ]


def test_json_is_sniffed_without_a_content_type() -> None:
    doc = {
        "meta": {"api-version": "1.0"},
        "files": [{"filename": "a-1.tar.gz", "url": "a-1.tar.gz", "hashes": {}}],
    }
    assert len(parse_page(json_page(doc, content_type=""), index_url="i")) == 1


@pytest.mark.parametrize(
    "doc",
    [{"meta": {"api-version": "2.0"}, "files": []}, {"meta": {}, "files": []}, {"files": "x"}, [1]],
)
def test_bad_json_pages_are_errors(doc: object) -> None:
    with pytest.raises(SourceError):
        parse_page(json_page(doc), index_url="i")


def test_invalid_json_is_an_error() -> None:
    page = Page(url=BASE, content_type=SIMPLE_JSON, charset=None, body=b"{nope")
    with pytest.raises(SourceError, match="invalid JSON"):
        parse_page(page, index_url="i")


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("demo-1.0.tar.gz", True),
        ("", False),
        ("..", False),
        (".x", False),
        ("a/b", False),
        ("a\\b", False),
        ("a\x00b", False),
        ("a\nb", False),
    ],
)
def test_safe_filename(name: str, ok: bool) -> None:
    assert safe_filename(name) is ok
