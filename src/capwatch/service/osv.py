"""What a confirmed malicious artifact becomes outside capwatch: an OSV record and an observation.

:func:`osv_record` writes an `OSV <https://ossf.github.io/osv-schema/>`_ record (schema 1.6) in
the style of the OpenSSF malicious-packages database (``MAL-`` ids): the affected package with
the one version the artifact belongs to, the findings as Markdown details, credits, and
capwatch's verdict in ``database_specific``.

:func:`observation_body` writes the body PyPI's observations API takes
(``POST /danger-api/projects/<name>/observations``, content type
``application/vnd.pypi.api-v0-danger+json``, bearer token): ``kind`` (``is_malware``), ``summary``
and ``inspector_url``, which Warehouse requires for malware and which must point into PyPI's
inspector (``https://inspector.pypi.io/project/<name>/<version>/...``).

Both are pure functions of a :class:`~capwatch.model.ScanResult`. Everything that comes from the
package (messages, snippets, paths) is escaped before it goes into Markdown: a record is rendered
by third parties, and malware authors put markup in their code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlsplit

from packaging.utils import canonicalize_name

from capwatch.errors import CapwatchError
from capwatch.model import Ecosystem, Finding, ScanResult

OSV_SCHEMA_VERSION = "1.6.0"
"""The OSV schema version records declare."""
OBSERVATION_KIND_MALWARE = "is_malware"
"""Warehouse's observation kind for malware."""
OBSERVATION_CONTENT_TYPE = "application/vnd.pypi.api-v0-danger+json"
"""The media type Warehouse's danger API reads and writes."""
DEFAULT_INSPECTOR_BASE_URL = "https://inspector.pypi.io"
"""PyPI's inspector; Warehouse rejects malware observations whose link starts elsewhere."""
SUMMARY_FINDINGS = 3
"""How many findings the default observation summary names."""
SUMMARY_MAX_CHARS = 1000
SNIPPET_MAX_CHARS = 400

_ECOSYSTEMS = {Ecosystem.PYPI: "PyPI", Ecosystem.NPM: "npm"}
_PURL_TYPES = {Ecosystem.PYPI: "pypi", Ecosystem.NPM: "npm"}
_RECORD_ID = re.compile(r"[A-Z][A-Z0-9]*-[A-Za-z0-9][A-Za-z0-9._:-]*")
_PYPI_FILE_PATH = re.compile(
    r"/packages/(?P<first>[0-9a-f]{2})/(?P<second>[0-9a-f]{2})/(?P<rest>[0-9a-f]{60})/(?P<dist>[^/]+)"
)
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
"""Inline markup: with whitespace collapsed, package text never starts a line, so block markup
(``#``, ``-``, ``1.``) cannot take effect; links need ``[``, emphasis ``*``/``_``, tables ``|``."""


class RecordError(CapwatchError):
    """A scan result cannot become an OSV record or an observation (say, it names no package)."""


def osv_record(
    result: ScanResult,
    *,
    record_id: str,
    published: datetime,
    modified: datetime,
    details_note: str | None = None,
    credits: Sequence[str] = (),
) -> dict[str, Any]:
    """An OSV record for the package and version of ``result``'s artifact.

    ``record_id`` is the record's id (``MAL-2026-123``); ``published`` and ``modified`` must be
    timezone-aware and are written in UTC (RFC 3339, ``Z``). ``details_note`` (a reviewer's
    note, Markdown written by a person, kept as is) goes before the findings; ``credits`` are
    names credited as finders. Raises :class:`RecordError` when the artifact has no known
    ecosystem, name or version.
    """
    ecosystem, name, version = _identity(result)
    if not _RECORD_ID.fullmatch(record_id):
        raise RecordError(
            f"invalid OSV id {record_id!r}",
            diagnostic=f"invalid OSV id {record_id!r}: expected PREFIX-ID, e.g. MAL-2026-1",
        )
    artifact = result.artifact
    rules = sorted({f.rule for f in result.findings})
    return {
        "schema_version": OSV_SCHEMA_VERSION,
        "id": record_id,
        "modified": rfc3339(modified),
        "published": rfc3339(published),
        "summary": f"Malicious code in {name} ({_ECOSYSTEMS[ecosystem]})",
        "details": findings_markdown(result, note=details_note),
        "affected": [
            {
                "package": {
                    "ecosystem": _ECOSYSTEMS[ecosystem],
                    "name": name,
                    "purl": purl(ecosystem, name),
                },
                "versions": [version],
                "database_specific": {
                    "sha256": artifact.sha256,
                    "artifact": {
                        "kind": artifact.kind.value,
                        "container": artifact.container,
                        "size": artifact.size,
                    },
                },
            }
        ],
        "credits": [{"name": credit, "type": "FINDER"} for credit in credits if credit.strip()],
        "database_specific": {
            "capwatch": {
                "verdict": result.verdict.label,
                "score": result.score,
                "rules": rules,
                "sha256": artifact.sha256,
            }
        },
    }


def observation_body(
    result: ScanResult,
    *,
    inspector_base_url: str,
    summary: str | None = None,
    download_url: str | None = None,
) -> dict[str, Any]:
    """The body of ``POST /danger-api/projects/<name>/observations`` reporting ``result`` as malware.

    ``inspector_url`` points into the inspector at ``inspector_base_url`` (PyPI's is
    :data:`DEFAULT_INSPECTOR_BASE_URL`): when ``download_url`` is the file's URL on PyPI's file
    host (``.../packages/ab/cd/<60 hex>/<filename>``) the link opens the file of the most severe
    finding at its line (``.../packages/ab/cd/<hex>/<filename>/<path>#line.N``), or the
    distribution's file list when there is no finding; otherwise it opens the release
    (``<base>/project/<name>/<version>/``), which lists its distributions. ``summary`` defaults to
    the verdict and the most severe findings. Raises :class:`RecordError` for an artifact that
    is not a named PyPI package, or an inspector base URL that is not http(s). Whether the
    artifact deserves the report (a reviewer's decision) is the caller's to know.
    """
    ecosystem, name, version = _identity(result)
    if ecosystem is not Ecosystem.PYPI:
        raise RecordError(
            f"{name} is an {_ECOSYSTEMS[ecosystem]} package; observations are PyPI's API",
            diagnostic=(
                f"{name} is an {_ECOSYSTEMS[ecosystem]} package: the observations API and the "
                "inspector are PyPI's; report it to its own registry (the OSV record works for it)"
            ),
        )
    base = inspector_base_url.rstrip("/")
    if urlsplit(base).scheme not in ("http", "https") or not urlsplit(base).netloc:
        raise RecordError(f"the inspector base URL must be an http(s) URL, got {base!r}")
    release = f"{base}/project/{quote(canonicalize_name(name), safe='')}/{quote(version, safe='')}/"
    link = release
    match = _PYPI_FILE_PATH.search(urlsplit(download_url).path) if download_url else None
    if match is not None:
        link = f"{release}packages/{match['first']}/{match['second']}/{match['rest']}/{match['dist']}/"
        worst = _ordered(result.findings)
        location = worst[0].location if worst else None
        if location is not None and location.path:
            link += quote(location.path, safe="/")
            if location.line:
                link += f"#line.{location.line}"
    return {
        "kind": OBSERVATION_KIND_MALWARE,
        "summary": summary if summary is not None else default_summary(result),
        "inspector_url": link,
    }


def default_summary(result: ScanResult) -> str:
    """One paragraph: the verdict, the score and the most severe findings (plain text)."""
    artifact = result.artifact
    head = (
        f"capwatch: {artifact.name} {artifact.version} ({artifact.kind.value}, sha256 "
        f"{artifact.sha256}) scanned as {result.verdict.label} (score {result.score:g})."
    )
    parts = [
        f"{f.rule} {f.title} ({f.phase.label if f.phase is not None else 'any'} phase"
        f"{', ' + str(f.location) if f.location else ''}): {f.message}"
        for f in _ordered(result.findings)[:SUMMARY_FINDINGS]
    ]
    text = head + (" " + "; ".join(parts) if parts else "")
    return text if len(text) <= SUMMARY_MAX_CHARS else text[: SUMMARY_MAX_CHARS - 1] + "…"


def findings_markdown(result: ScanResult, *, note: str | None = None) -> str:
    """The findings of ``result`` as Markdown, most severe first (package text escaped)."""
    artifact = result.artifact
    lines: list[str] = []
    if note and note.strip():
        lines += [note.strip(), ""]
    lines += [
        f"capwatch scanned {md_escape(artifact.name or '?')} {md_escape(artifact.version or '?')} "
        f"({artifact.kind.value}, sha256 `{artifact.sha256}`): "
        f"**{result.verdict.label}**, score {result.score:g}.",
        "",
    ]
    if not result.findings:
        lines.append("No findings.")
    shown_before: set[str] = set()
    for finding in _ordered(result.findings):
        phase = finding.phase.label if finding.phase is not None else "any"
        lines.append(
            f"- **{finding.rule}** {md_escape(finding.title)}: {md_escape(finding.message)}  "
        )
        where = f"`{code_span(str(finding.location))}`" if finding.location else "the artifact"
        lines.append(
            f"  phase: {phase}; severity: {finding.severity.label}; "
            f"confidence: {finding.confidence.label}; at {where}"
        )
        for evidence in finding.evidence[:1]:
            shown = evidence.decoded or evidence.snippet
            if evidence.decode_chain:
                chain = " → ".join(code_span(d) for d in evidence.decode_chain)
                lines.append(f"  decoded with: `{chain}`")
            if shown and shown not in shown_before:
                shown_before.add(shown)
                lines += ["", *_fenced(shown[:SNIPPET_MAX_CHARS], indent="  "), ""]
    return "\n".join(lines).rstrip() + "\n"


def purl(ecosystem: Ecosystem, name: str) -> str:
    """The package URL of a project, without version (``pkg:pypi/requests``)."""
    if ecosystem is Ecosystem.PYPI:
        return f"pkg:pypi/{quote(canonicalize_name(name), safe='')}"
    if name.startswith("@") and "/" in name:
        scope, _, bare = name.partition("/")
        return f"pkg:npm/{quote(scope, safe='')}/{quote(bare, safe='')}"
    return f"pkg:{_PURL_TYPES[ecosystem]}/{quote(name, safe='')}"


def rfc3339(moment: datetime) -> str:
    """``moment`` in UTC as RFC 3339 with a ``Z`` (seconds precision); naive times are refused."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise RecordError(f"timestamp {moment.isoformat()} has no timezone; pass an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def md_escape(text: str) -> str:
    """``text`` as literal Markdown inline text: markup characters and HTML escaped."""
    text = " ".join(text.split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def code_span(text: str) -> str:
    """``text`` safe inside a single-backtick code span (backticks and newlines replaced)."""
    return " ".join(text.split()).replace("`", "'")


def _fenced(text: str, *, indent: str) -> list[str]:
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = [indent + line for line in text.splitlines()] or [indent]
    return [indent + fence, *body, indent + fence]


def _ordered(findings: Sequence[Finding]) -> list[Finding]:
    """Most severe and confident first; earlier phase first; stable otherwise."""
    return sorted(
        findings,
        key=lambda f: (-f.severity, -f.confidence, f.phase if f.phase is not None else 99),
    )


def _identity(result: ScanResult) -> tuple[Ecosystem, str, str]:
    artifact = result.artifact
    if artifact.ecosystem not in _ECOSYSTEMS:
        raise RecordError(
            f"artifact {artifact.sha256} belongs to no known ecosystem",
            diagnostic=(
                f"artifact {artifact.sha256} belongs to no known ecosystem (its metadata did not "
                "say PyPI or npm), so it cannot be named in a report"
            ),
        )
    if not artifact.name or not artifact.version:
        raise RecordError(
            f"artifact {artifact.sha256} has no package name or version",
            diagnostic=(
                f"artifact {artifact.sha256} has no package name or version in its metadata; "
                "a report needs both"
            ),
        )
    return artifact.ecosystem, artifact.name, artifact.version
