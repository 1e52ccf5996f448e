"""``--format text``: the human report, rendered with Rich.

Per artifact: a header line (verdict, score, name/version/kind, path), then the findings grouped by
the phase in which the code runs (install, startup, import, runtime, then findings with no phase),
most severe first within a phase, then a table of the capabilities seen. A clean artifact is one
line unless ``verbose``; an artifact that could not be scanned shows its error.

Everything that comes from the package is untrusted. It is passed through
:func:`~capwatch.report.sanitize.sanitize` and put into :class:`rich.text.Text` objects, never into
markup strings, so neither terminal escape sequences nor Rich markup in a snippet take effect.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from rich import box
from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from capwatch.model import Evidence, Finding, Phase, ScanResult, Severity, Verdict, chain_text
from capwatch.report.sanitize import sanitize

__all__ = [
    "DECODED_MAX_CHARS",
    "DECODED_MAX_LINES",
    "DEFAULT_WIDTH",
    "PHASE_ORDER",
    "render",
    "truncate",
]

DEFAULT_WIDTH = 100
DECODED_MAX_LINES = 20
DECODED_MAX_CHARS = 2000
SNIPPET_MAX_LINES = 5
SNIPPET_MAX_LINE_CHARS = 240
EVIDENCE_SHOWN = 3
"""Evidence items shown per finding unless verbose."""

PHASE_ORDER: tuple[Phase | None, ...] = (*sorted(Phase), None)
"""Order of the finding groups: install, startup, import, runtime, then no phase."""

VERDICT_STYLE: dict[Verdict, str] = {
    Verdict.MALICIOUS: "bold red",
    Verdict.SUSPICIOUS: "bold yellow",
    Verdict.CLEAN: "green",
    Verdict.ERROR: "bold magenta",
}
SEVERITY_STYLE: dict[Severity, str] = {
    Severity.CRITICAL: "bold red",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_VERDICT_WIDTH = max(len(v.label) for v in Verdict)
_SEVERITY_WIDTH = max(len(s.label) for s in Severity)
_GUTTER = "│ "


def render(
    results: Sequence[ScanResult],
    *,
    color: bool,
    verbose: bool,
    width: int | None = None,
) -> str:
    """The report for ``results`` as a string ending in a newline (empty for no results).

    ``color`` emits ANSI styles (16-colour, so the terminal theme applies); without it the output
    is plain text. ``width`` only bounds the capability table: report lines are never wrapped or
    cropped, so paths and snippets stay copyable.
    """
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        width=width or DEFAULT_WIDTH,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
        force_jupyter=False,
        force_interactive=False,
        tab_size=4,
    )
    for i, result in enumerate(results):
        _render_result(console, result, verbose=verbose, last=i == len(results) - 1)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------


def _line(console: Console, *parts: str | Text | tuple[str, str]) -> None:
    """Print one line, unwrapped. Plain ``str`` parts must be our own text, never package text."""
    console.print(Text.assemble(*parts), soft_wrap=True)


def _u(text: str, style: str = "") -> Text:
    """Untrusted text, neutralised."""
    return Text(sanitize(text), style=style)


def _render_result(console: Console, result: ScanResult, *, verbose: bool, last: bool) -> None:
    _line(console, *_header(result))
    detailed = verbose or result.verdict is not Verdict.CLEAN or result.error is not None
    if not detailed:
        return
    if verbose:
        _details(console, result)
    if result.error is not None:
        _line(console, "  ", ("error: ", "bold magenta"), _u(result.error))
    findings = _grouped(result.findings)
    if not findings and result.error is None:
        _line(console, "  ", ("no findings", "dim"))
    for phase, group in findings:
        heading = phase.label if phase is not None else "(none)"
        _line(console, "  ", (f"{heading}", "bold underline"), (f" ({len(group)})", "dim"))
        for finding in group:
            _finding(console, finding, verbose=verbose)
    if result.capabilities:
        _capability_table(console, result)
    if not last:
        console.print()


def _header(result: ScanResult) -> list[str | Text | tuple[str, str]]:
    a = result.artifact
    verdict = result.verdict
    parts: list[str | Text | tuple[str, str]] = [
        (verdict.label.upper().ljust(_VERDICT_WIDTH), VERDICT_STYLE[verdict]),
        "  ",
    ]
    if verdict is not Verdict.ERROR:
        parts += [("score ", "dim"), (_score(result.score), "bold"), "  "]
    if a.name:
        parts += [_u(" ".join(x for x in (a.name, a.version) if x), "bold"), " "]
    kind = " ".join(x for x in (a.ecosystem.value, a.kind.value) if x != "unknown")
    if kind:
        parts += [(f"({kind})", "dim"), "  "]
    parts.append(_u(a.path))
    if verdict is Verdict.CLEAN and result.error is None and result.findings:
        n = len(result.findings)
        parts.append((f"  ({n} low-risk finding{'s' if n != 1 else ''})", "dim"))
    return parts


def _details(console: Console, result: ScanResult) -> None:
    a = result.artifact
    _line(
        console,
        ("  sha256 ", "dim"),
        _u(a.sha256),
        ("  size ", "dim"),
        f"{a.size:,}",
        ("  container ", "dim"),
        _u(a.container),
    )
    _line(
        console,
        ("  files scanned ", "dim"),
        f"{result.files_scanned:,}",
        ("  time ", "dim"),
        f"{result.duration_ms:,.0f} ms",
    )


def _grouped(findings: Iterable[Finding]) -> list[tuple[Phase | None, list[Finding]]]:
    by_phase: dict[Phase | None, list[Finding]] = {}
    for finding in findings:
        by_phase.setdefault(finding.phase, []).append(finding)
    return [
        (phase, sorted(by_phase[phase], key=lambda f: (-f.severity, -f.confidence)))
        for phase in PHASE_ORDER
        if phase in by_phase
    ]


def _finding(console: Console, finding: Finding, *, verbose: bool) -> None:
    sev = finding.severity
    _line(
        console,
        "    ",
        (sev.label.upper().ljust(_SEVERITY_WIDTH), SEVERITY_STYLE[sev]),
        "  ",
        _u(finding.rule, "bold"),
        "  ",
        _u(finding.title, "bold"),
        (f"  ({finding.confidence.label} confidence)", "dim"),
    )
    indent = "      "
    if finding.message:
        _block(console, indent, "", finding.message)
    evidence = finding.evidence if verbose else finding.evidence[:EVIDENCE_SHOWN]
    for item in evidence:
        _evidence(console, item, indent)
    hidden = len(finding.evidence) - len(evidence)
    if hidden:
        _line(console, indent, (f"… {hidden} more location{'s' if hidden != 1 else ''}", "dim"))
    if finding.capabilities:
        _line(console, indent, ("capabilities: ", "dim"), _u(", ".join(finding.capabilities)))
    if finding.indicators:
        _line(console, indent, ("indicators: ", "dim"), _u(", ".join(finding.indicators)))


def _evidence(console: Console, evidence: Evidence, indent: str) -> None:
    _line(console, indent, ("at ", "dim"), _u(str(evidence.location), "cyan"))
    if evidence.snippet:
        snippet, note = _clip_snippet(evidence.snippet)
        _block(console, indent + "  ", _GUTTER, snippet)
        if note:
            _line(console, indent + "  ", (note, "dim"))
    if evidence.decode_chain or evidence.decoded is not None:
        chain = chain_text(evidence.decode_chain) or "?"
        colon = ":" if evidence.decoded is not None else ""
        _line(console, indent, ("decoded via ", "dim"), _u(chain, "magenta"), (colon, "dim"))
        if evidence.decoded is not None:
            shown, note = truncate(evidence.decoded)
            _block(console, indent + "  ", _GUTTER, shown, style="magenta")
            if note:
                _line(console, indent + "  ", (note, "dim"))


def _block(console: Console, indent: str, gutter: str, text: str, style: str = "") -> None:
    for line in sanitize(text.rstrip("\n")).split("\n"):
        _line(console, indent, (gutter, "dim"), Text(line, style=style))


def _clip_snippet(snippet: str) -> tuple[str, str]:
    lines = snippet.rstrip("\n").split("\n")
    cut_lines = max(0, len(lines) - SNIPPET_MAX_LINES)
    lines = lines[:SNIPPET_MAX_LINES]
    cut_chars = 0
    for i, line in enumerate(lines):
        if len(line) > SNIPPET_MAX_LINE_CHARS:
            cut_chars += len(line) - SNIPPET_MAX_LINE_CHARS
            lines[i] = line[:SNIPPET_MAX_LINE_CHARS] + "…"
    notes = []
    if cut_lines:
        notes.append(f"{cut_lines:,} more line{'s' if cut_lines != 1 else ''}")
    if cut_chars:
        notes.append(f"{cut_chars:,} characters of long lines")
    return "\n".join(lines), ("… " + " and ".join(notes) + " not shown") if notes else ""


def truncate(
    text: str, max_lines: int = DECODED_MAX_LINES, max_chars: int = DECODED_MAX_CHARS
) -> tuple[str, str]:
    """Cut ``text`` to at most ``max_lines`` lines and ``max_chars`` characters.

    Returns the kept text and a note saying how much was cut (empty when nothing was).
    """
    text = text.removesuffix("\n")  # a final newline ends the last line, it is not a new one
    lines = text.split("\n")
    kept = "\n".join(lines[:max_lines])
    if len(kept) > max_chars:
        kept = kept[:max_chars]
    if len(kept) == len(text):
        return text, ""
    cut_chars = len(text) - len(kept)
    cut_lines = len(lines) - len(kept.split("\n"))
    parts = []
    if cut_lines:
        parts.append(f"{cut_lines:,} more line{'s' if cut_lines != 1 else ''}")
    parts.append(f"{cut_chars:,} more character{'s' if cut_chars != 1 else ''}")
    return kept, "… " + ", ".join(parts) + " not shown"


def _capability_table(console: Console, result: ScanResult) -> None:
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 2, 0, 0),
        header_style="bold",
        title=None,
    )
    table.add_column("capability")
    table.add_column("phase")
    table.add_column("count", justify="right")
    for cap in sorted(result.capabilities, key=lambda c: (c.phase, c.id)):
        table.add_row(_u(cap.id), Text(cap.phase.label), Text(str(cap.count)))
    _line(console, "  ", ("capabilities", "bold underline"))
    console.print(Padding(table, (0, 0, 0, 4), expand=False))


def _score(score: float) -> str:
    if score != score:  # NaN
        return "?"
    return f"{round(score, 2):g}"
