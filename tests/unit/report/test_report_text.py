"""--format text, the sanitiser and the batch summary."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from rich.markup import render as render_markup

from capwatch.model import (
    Confidence,
    Evidence,
    Finding,
    Location,
    Phase,
    ScanResult,
    Severity,
    Verdict,
    chain_text,
)
from capwatch.report import OutputFormat, escape_markup, render, sanitize, summary
from capwatch.report import text as text_mod

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _text(results: list[ScanResult], *, color: bool = False, verbose: bool = False) -> str:
    return render(results, OutputFormat.TEXT, color=color, verbose=verbose)


# -- sanitize ---------------------------------------------------------------------------------


def test_sanitize_neutralises_escape_sequences_and_keeps_markup_literal() -> None:
    snippet = "print('\x1b[2J[red]gotcha[/red]')\r# hidden"
    out = sanitize(snippet)
    assert "\x1b" not in out and "\r" not in out
    assert out == "print('\\x1b[2J[red]gotcha[/red]')\\r# hidden"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\tb\nc", "a\tb\nc"),  # tab and newline survive
        ("\x00\x07\x08\x0b\x0c\x7f", "\\0\\x07\\b\\v\\f\\x7f"),
        ("\x9b31m", "\\x9b31m"),  # 8-bit CSI
        ("\x85", "\\x85"),  # NEL
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),  # OSC window title
        ("abc\u202edcba", "abc\\u202edcba"),  # Trojan Source override
        ("\u2066x\u2069\u200f\u061c", "\\u2066x\\u2069\\u200f\\u061c"),
        ("a\u2028b", "a\\u2028b"),
        ("bad\udcffname", "bad\\udcffname"),  # surrogateescape'd byte
        ("ünïcödé ✓ 漢字", "ünïcödé ✓ 漢字"),  # ordinary text untouched
    ],
)
def test_sanitize_table(raw: str, shown: str) -> None:
    assert sanitize(raw) == shown


@pytest.mark.parametrize(
    "raw", ["a\\", "a\\\\", "a\\\\\\", "[red]x", "\\[red]x\\", "[/]", "x\x1b[2J", "[link=x]y"]
)
def test_escape_markup_round_trips_through_rich(raw: str) -> None:
    rendered = render_markup(f"[bold]{escape_markup(raw)}[/bold] tail")
    assert rendered.plain == sanitize(raw) + " tail"
    assert [(s.start, s.end, s.style) for s in rendered.spans] == [(0, len(sanitize(raw)), "bold")]


# -- text report --------------------------------------------------------------------------------


def test_no_ansi_without_color(results: list[ScanResult]) -> None:
    out = _text(results, verbose=True)
    assert "\x1b" not in out


def test_color_styles_verdicts(results: list[ScanResult]) -> None:
    out = _text(results, color=True)
    assert "\x1b[1;31mMALICIOUS" in out  # bold red
    assert "\x1b[32mCLEAN" in out  # green
    assert "\x1b[1;35mERROR" in out  # bold magenta
    suspicious = replace(results[0], verdict=Verdict.SUSPICIOUS)
    assert "\x1b[1;33mSUSPICIOUS" in _text([suspicious], color=True)
    assert ANSI.sub("", out) == _text(results)


def test_header_line(malicious: ScanResult) -> None:
    first = _text([malicious]).splitlines()[0]
    assert first == (
        "MALICIOUS   score 97.5  demo-pkg 0.1.0 (pypi sdist)  dist/demo_pkg-0.1.0.tar.gz"
    )


def test_findings_grouped_by_phase_in_order(malicious: ScanResult) -> None:
    lines = _text([malicious]).splitlines()
    headings = [ln.strip() for ln in lines if re.match(r"^  \S", ln)]
    assert headings == [
        "install (2)",
        "startup (1)",
        "import (1)",
        "runtime (1)",
        "(none) (1)",
        "capabilities",
    ]
    rule_order = [m.group(1) for ln in lines if (m := re.match(r"^    \w+\s+(CW\d+)", ln))]
    # Within install, critical CW1001 comes before medium CW1010.
    assert rule_order == ["CW1001", "CW1010", "CW1500", "CW2001", "CW3001", "CW9001"]


def test_phase_order_constant() -> None:
    assert text_mod.PHASE_ORDER == (
        Phase.INSTALL,
        Phase.STARTUP,
        Phase.IMPORT,
        Phase.RUNTIME,
        None,
    )


def test_finding_details(malicious: ScanResult) -> None:
    out = _text([malicious])
    block = out[out.index("CRITICAL") : out.index("MEDIUM")]
    assert "CW1001  Decoded payload executed at install  (high confidence)" in block
    assert "setup.py executes a base64+zlib payload while pip installs the package" in block
    assert "at setup.py:14\n" in block
    assert "│ exec(zlib.decompress(base64.b64decode(BLOB)))" in block
    assert "decoded via base64.b64decode -> zlib.decompress:" in block
    assert "│ import urllib.request" in block
    assert "at setup.py:20\n" in block  # second evidence
    assert "capabilities: code.exec, network.http, env.read" in block
    assert "indicators: endpoint.webhook" in block


@pytest.mark.parametrize(
    ("chain", "shown"),
    [
        ((), ""),
        (("base64.b64decode", "zlib.decompress"), "base64.b64decode -> zlib.decompress"),
        (("base64.b64decode", "zlib.decompress") * 50, "(base64.b64decode -> zlib.decompress) x50"),
        (("reverse",) + ("base64.b64decode",) * 4 + ("exec",), "reverse -> base64.b64decode x4 -> exec"),
        (("a", "b", "a", "b", "c"), "a -> b -> a -> b -> c"),  # twice is written out
        (("a", "b", "c") * 3 + ("a",), "(a -> b -> c) x3 -> a"),
    ],
)
def test_long_decode_chains_are_written_with_counts(chain: tuple[str, ...], shown: str) -> None:
    assert chain_text(chain) == shown


def test_repeated_layers_shown_once_with_their_count(malicious: ScanResult) -> None:
    finding = malicious.findings[0]
    layered = Evidence(
        finding.evidence[0].location, "exec(b)", ("base64.b64decode", "zlib.decompress") * 30, "import os"
    )
    out = _text([replace(malicious, findings=(replace(finding, evidence=(layered,)),))])
    assert "decoded via (base64.b64decode -> zlib.decompress) x30:" in out


def test_decoded_payload_truncated_with_note(malicious: ScanResult) -> None:
    out = _text([malicious])
    decoded = malicious.findings[4].evidence[0].decoded
    assert decoded is not None
    lines = out.splitlines()
    start = next(i for i, ln in enumerate(lines) if "decoded via" in ln) + 1
    end = next(i for i, ln in enumerate(lines) if "not shown" in ln)
    assert lines[start:end] == ["        │ " + ln for ln in decoded.split("\n")[:20]]
    assert "hooks.example.invalid" not in out  # the 43rd line is cut
    total = len(decoded.split("\n"))
    cut_chars = len(decoded) - len("\n".join(decoded.split("\n")[:20]))
    assert f"… {total - 20} more lines, {cut_chars} more characters not shown" in out


def test_truncate_by_chars_and_lines() -> None:
    assert text_mod.truncate("short") == ("short", "")
    kept, note = text_mod.truncate("x" * 2500)
    assert kept == "x" * 2000 and note == "… 500 more characters not shown"
    kept, note = text_mod.truncate("\n".join("ab" for _ in range(25)))
    assert kept.count("\n") == 19
    assert note == "… 5 more lines, 15 more characters not shown"
    assert text_mod.truncate("ab\n" * 20) == ("ab\n" * 19 + "ab", "")
    kept, note = text_mod.truncate("ab\n" * 21)
    assert note == "… 1 more line, 3 more characters not shown"
    kept, note = text_mod.truncate("y" * 1500 + "\n" + "z" * 1500)
    assert kept == "y" * 1500 + "\n" + "z" * 499
    assert note == "… 1,001 more characters not shown"


def test_long_snippet_clipped(clean: ScanResult) -> None:
    finding = Finding(
        rule="CW5",
        title="Minified",
        severity=Severity.MEDIUM,
        confidence=Confidence.LOW,
        phase=Phase.IMPORT,
        message="m",
        evidence=(Evidence(Location("a.js", 1), "x" * 1000),),
    )
    out = _text([replace(clean, verdict=Verdict.SUSPICIOUS, findings=(finding,))])
    assert "│ " + "x" * 240 + "…\n" in out
    assert "… 760 characters of long lines not shown" in out


def test_clean_is_one_line_unless_verbose(clean: ScanResult) -> None:
    assert _text([clean]) == (
        "CLEAN       score 0  tidy 1.0 (pypi wheel)  dist/tidy-1.0-py3-none-any.whl\n"
    )
    verbose = _text([clean], verbose=True)
    assert verbose.splitlines()[0] == _text([clean]).rstrip("\n")
    assert "sha256 " + "b" * 64 in verbose
    assert "files scanned 4" in verbose
    assert "fs.read" in verbose


def test_clean_with_minor_findings_says_so(clean: ScanResult) -> None:
    minor = Finding("CW9", "t", Severity.INFO, Confidence.LOW, None, "m")
    out = _text([replace(clean, findings=(minor, minor))])
    assert out.count("\n") == 1
    assert out.rstrip().endswith("(2 low-risk findings)")


def test_error_prints_message(errored: ScanResult) -> None:
    out = _text([errored])
    assert (
        out == "ERROR       dist/broken-2.0.tgz\n  error: not an archive: gzip header is corrupt\n"
    )


def test_capability_table(malicious: ScanResult) -> None:
    out = _text([malicious])
    table = out[out.index("  capabilities\n") :]
    rows = [ln.split() for ln in table.splitlines()[1:] if ln.strip() and "─" not in ln]
    assert rows == [
        ["capability", "phase", "count"],
        ["code.exec", "install", "2"],
        ["env.read", "import", "1"],
        ["network.http", "runtime", "1"],
    ]


def test_untrusted_text_is_neutralised_everywhere(malicious: ScanResult) -> None:
    evil = "\x1b[2J[red]boom[/red]\\"
    finding = Finding(
        rule="CW1\x1b[0m",
        title="t [bold]" + evil,
        severity=Severity.HIGH,
        confidence=Confidence.HIGH,
        phase=Phase.INSTALL,
        message="msg " + evil,
        capabilities=("cap" + evil,),
        evidence=(Evidence(Location("p" + evil, 3), "code " + evil, ("b64" + evil,), evil),),
    )
    art = replace(malicious.artifact, name="n" + evil, version="v\r", path="dist/" + evil)
    result = replace(malicious, artifact=art, findings=(finding,), error="err " + evil)
    for color in (False, True):
        out = _text([result], color=color, verbose=True)
        plain = ANSI.sub("", out)
        assert "\x1b[2J" not in out and "\r" not in out
        assert "\x1b" not in plain  # the only ESCs left are our own SGR styles
        # name, path, error, title, message, location, snippet, chain, decoded, capability
        assert plain.count("\\x1b[2J[red]boom[/red]\\") == 10
        assert "[bold]" in plain
        # "[red]" in package text stayed text and turned nothing red.
        assert not re.search(r"\x1b\[[0-9;]*mboom", out)
        assert out.count("[red]boom[/red]") == 10


def test_empty_batch() -> None:
    assert _text([]) == ""


def test_blank_line_between_detailed_artifacts(results: list[ScanResult]) -> None:
    out = _text([results[0], results[0]])
    assert "\n\nMALICIOUS" in out
    assert not out.endswith("\n\n")


# -- summary ----------------------------------------------------------------------------------


def test_summary(results: list[ScanResult]) -> None:
    assert summary(results, elapsed=2.0) == (
        "3 artifacts scanned in 2.00 s (1.5 artifacts/s): 1 malicious, 0 suspicious, 1 clean, "
        "1 error; 6 findings, 11 files"
    )


def test_summary_defaults_to_summed_durations(results: list[ScanResult]) -> None:
    # 123.5 + 12 + 1.5 ms
    assert summary(results).startswith("3 artifacts scanned in 0.14 s (21.9 artifacts/s)")


def test_summary_counts_errored_results_as_errors_only(clean: ScanResult) -> None:
    partial = replace(clean, verdict=Verdict.SUSPICIOUS, error="limit exceeded")
    line = summary([partial, clean], elapsed=1.0)
    assert "0 suspicious, 1 clean, 1 error;" in line


def test_summary_edge_cases(clean: ScanResult) -> None:
    assert summary([]) == (
        "0 artifacts scanned in 0.00 s: 0 malicious, 0 suspicious, 0 clean, 0 errors; "
        "0 findings, 0 files"
    )
    one = summary([clean], elapsed=3725.0)
    assert one.startswith("1 artifact scanned in 1 h 2 min (0.0 artifacts/s)")
    assert "4 files" in one
    assert summary([clean], elapsed=90.0).startswith("1 artifact scanned in 1 min 30 s")
