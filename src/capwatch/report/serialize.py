"""The plain-data form of a :class:`~capwatch.model.ScanResult`: the ``capwatch.scan/1`` schema.

This module is the single source of truth for how a scan result looks as JSON. The ``json`` and
``jsonl`` output formats and the web service all go through :func:`result_to_dict`, and
:func:`result_from_dict` rebuilds the result from what it produced. ``docs/output.md`` documents the
schema field by field; change the two together.

Rules the schema keeps:

* keys come out in a fixed order (the order of the dict literals below), so the same result
  always serialises to the same bytes;
* enums are written as their ``label`` (``Phase``, ``Severity``, ``Confidence``, ``Verdict``) or
  ``value`` (``Ecosystem``, ``ArtifactKind``), never ``str()``;
* every value is plain JSON: no NaN or infinity (a non-finite number is written as ``null``).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from capwatch.model import (
    ArtifactInfo,
    ArtifactKind,
    CapabilitySite,
    CapabilitySummary,
    CodeFile,
    Confidence,
    Ecosystem,
    Evidence,
    Finding,
    Hook,
    HookKind,
    Inventory,
    Location,
    Metadata,
    Phase,
    ScanResult,
    Severity,
    Verdict,
)

SCHEMA = "capwatch.scan/1"
"""Identifier of the document schema; bumped only when a change would break a reader."""

__all__ = ["SCHEMA", "artifact_to_dict", "finding_to_dict", "result_from_dict", "result_to_dict"]


# --------------------------------------------------------------------------------------------
# ScanResult -> dict


def result_to_dict(result: ScanResult) -> dict[str, Any]:
    """Turn ``result`` into the plain dict of the ``capwatch.scan/1`` schema (without ``schema``).

    The ``json`` format wraps a list of these in ``{"schema": ..., "results": [...]}``; the
    ``jsonl`` format prefixes each with ``"schema"``.
    """
    return {
        "artifact": _artifact_to_dict(result.artifact),
        "verdict": result.verdict.label,
        "score": _number(result.score),
        "findings": [_finding_to_dict(f) for f in result.findings],
        "capabilities": [_capability_to_dict(c) for c in result.capabilities],
        "error": result.error,
        "duration_ms": _number(result.duration_ms),
        "files_scanned": result.files_scanned,
        "stats": _jsonable(result.stats),
        "metadata": _metadata_to_dict(result.metadata) if result.metadata is not None else None,
        "inventory": (
            _inventory_to_dict(result.inventory) if result.inventory is not None else None
        ),
    }


def _metadata_to_dict(m: Metadata) -> dict[str, Any]:
    return {
        "name": m.name,
        "version": m.version,
        "summary": m.summary,
        "description_length": m.description_length,
        "description_sha256": m.description_sha256,
        "author": m.author,
        "author_email": m.author_email,
        "maintainer": m.maintainer,
        "maintainer_email": m.maintainer_email,
        "home_page": m.home_page,
        "project_urls": list(m.project_urls),
        "requires_dist": list(m.requires_dist),
        "source": m.source,
    }


def _inventory_to_dict(inv: Inventory) -> dict[str, Any]:
    return {
        "files": [
            {"path": f.path, "phase": f.phase.label, "role": f.role, "sha256": f.sha256}
            for f in inv.files
        ],
        "hooks": [
            {"kind": h.kind.value, "path": h.path, "detail": h.detail, "sha256": h.sha256}
            for h in inv.hooks
        ],
        "sites": [
            {
                "capability": s.capability, "phase": s.phase.label, "path": s.path,
                "line": s.line, "via": s.via,
            }
            for s in inv.sites
        ],
    }


def artifact_to_dict(a: ArtifactInfo) -> dict[str, Any]:
    """The ``artifact`` object of the schema (shared with ``capwatch.diff/1``)."""
    return _artifact_to_dict(a)


def finding_to_dict(f: Finding) -> dict[str, Any]:
    """One element of ``findings`` (shared with ``capwatch.diff/1``)."""
    return _finding_to_dict(f)


def _artifact_to_dict(a: ArtifactInfo) -> dict[str, Any]:
    return {
        "path": a.path,
        "sha256": a.sha256,
        "ecosystem": a.ecosystem.value,
        "name": a.name,
        "version": a.version,
        "kind": a.kind.value,
        "size": a.size,
        "container": a.container,
    }


def _finding_to_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    return {
        "rule": f.rule,
        "title": f.title,
        "severity": f.severity.label,
        "confidence": f.confidence.label,
        "phase": f.phase.label if f.phase is not None else None,
        "capabilities": list(f.capabilities),
        "indicators": list(f.indicators),
        "message": f.message,
        # Derived from the first evidence; kept for readers that want one place to point at.
        "location": {"path": loc.path, "line": loc.line} if loc is not None else None,
        "evidence": [_evidence_to_dict(e) for e in f.evidence],
    }


def _evidence_to_dict(e: Evidence) -> dict[str, Any]:
    return {
        "location": _location_to_dict(e.location),
        "snippet": e.snippet,
        "decode_chain": list(e.decode_chain),
        "decoded": e.decoded,
    }


def _location_to_dict(loc: Location) -> dict[str, Any]:
    return {"path": loc.path, "line": loc.line, "column": loc.column}


def _capability_to_dict(c: CapabilitySummary) -> dict[str, Any]:
    return {"id": c.id, "phase": c.phase.label, "count": c.count}


def _number(x: float) -> float | None:
    return x if math.isfinite(x) else None


def _jsonable(value: Any) -> Any:
    """Best-effort plain-JSON copy of free-form ``stats``: sorted keys, enums by label/value."""
    # Enums first: Phase, Severity... are IntEnums and would otherwise pass as plain ints.
    if isinstance(value, enum.Enum):
        label = getattr(value, "label", None)
        return label if isinstance(label, str) else _jsonable(value.value)
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _number(value)
    if isinstance(value, Mapping):
        items = {_key(k): _jsonable(v) for k, v in value.items()}
        return {k: items[k] for k in sorted(items)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, set | frozenset):
        return sorted((_jsonable(v) for v in value), key=repr)
    # Anything else (a Path, a dataclass...) has no agreed JSON form; keep it readable.
    return str(value)


def _key(k: Any) -> str:
    if isinstance(k, str) and not isinstance(k, enum.Enum):
        return k
    converted = _jsonable(k)
    return converted if isinstance(converted, str) else str(converted)


# --------------------------------------------------------------------------------------------
# dict -> ScanResult


def result_from_dict(d: Mapping[str, Any]) -> ScanResult:
    """Rebuild a :class:`ScanResult` from :func:`result_to_dict` output (or a parsed jsonl line).

    A ``"schema"`` key, if present, must be ``capwatch.scan/1``. Fields the writer always emits
    but that have a model default (``size``, ``container``, ``stats``...) may be missing. Derived
    fields (a finding's ``location``) are ignored. Raises :class:`ValueError` on a malformed
    document, naming the offending field.
    """
    if not isinstance(d, Mapping):
        raise ValueError(f"result: expected an object, got {type(d).__name__}")
    schema = d.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise ValueError(f"unsupported schema {schema!r}; expected {SCHEMA!r}")
    score = _get(d, "score", (int, float, type(None)), "result")
    duration = _get(d, "duration_ms", (int, float, type(None)), "result", 0.0)
    stats = _get(d, "stats", dict, "result", {})
    return ScanResult(
        artifact=_artifact_from_dict(_get(d, "artifact", dict, "result")),
        verdict=_enum_by_label(Verdict, _get(d, "verdict", str, "result"), "verdict"),
        score=math.nan if score is None else float(score),
        findings=tuple(
            _finding_from_dict(f, f"findings[{i}]")
            for i, f in enumerate(_get(d, "findings", list, "result", []))
        ),
        capabilities=tuple(
            _capability_from_dict(c, f"capabilities[{i}]")
            for i, c in enumerate(_get(d, "capabilities", list, "result", []))
        ),
        error=_get(d, "error", (str, type(None)), "result", None),
        duration_ms=math.nan if duration is None else float(duration),
        files_scanned=_get(d, "files_scanned", int, "result", 0),
        stats=dict(stats),
        metadata=_optional(d, "metadata", _metadata_from_dict),
        inventory=_optional(d, "inventory", _inventory_from_dict),
    )


def _optional(d: Mapping[str, Any], key: str, build: Any) -> Any:
    value = _get(d, key, (dict, type(None)), "result", None)
    return None if value is None else build(value)


def _metadata_from_dict(d: Any) -> Metadata:
    where = "metadata"
    text = (str,)
    return Metadata(
        name=_get(d, "name", (str, type(None)), where, None),
        version=_get(d, "version", (str, type(None)), where, None),
        summary=_get(d, "summary", text, where, ""),
        description_length=_get(d, "description_length", int, where, 0),
        description_sha256=_get(d, "description_sha256", text, where, ""),
        author=_get(d, "author", text, where, ""),
        author_email=_get(d, "author_email", text, where, ""),
        maintainer=_get(d, "maintainer", text, where, ""),
        maintainer_email=_get(d, "maintainer_email", text, where, ""),
        home_page=_get(d, "home_page", text, where, ""),
        project_urls=_str_tuple(_get(d, "project_urls", list, where, []), f"{where}.project_urls"),
        requires_dist=_str_tuple(
            _get(d, "requires_dist", list, where, []), f"{where}.requires_dist"
        ),
        source=_get(d, "source", text, where, ""),
    )


def _inventory_from_dict(d: Any) -> Inventory:
    files = []
    for i, f in enumerate(_get(d, "files", list, "inventory", [])):
        where = f"inventory.files[{i}]"
        files.append(
            CodeFile(
                path=_get(f, "path", str, where),
                phase=_enum_by_label(Phase, _get(f, "phase", str, where), f"{where}.phase"),
                role=_get(f, "role", str, where, ""),
                sha256=_get(f, "sha256", str, where, ""),
            )
        )
    hooks = []
    for i, h in enumerate(_get(d, "hooks", list, "inventory", [])):
        where = f"inventory.hooks[{i}]"
        hooks.append(
            Hook(
                kind=_enum_by_value(HookKind, _get(h, "kind", str, where), f"{where}.kind"),
                path=_get(h, "path", str, where),
                detail=_get(h, "detail", str, where, ""),
                sha256=_get(h, "sha256", str, where, ""),
            )
        )
    sites = []
    for i, s in enumerate(_get(d, "sites", list, "inventory", [])):
        where = f"inventory.sites[{i}]"
        sites.append(
            CapabilitySite(
                capability=_get(s, "capability", str, where),
                phase=_enum_by_label(Phase, _get(s, "phase", str, where), f"{where}.phase"),
                path=_get(s, "path", str, where),
                line=_get(s, "line", int, where, 0),
                via=_get(s, "via", str, where, ""),
            )
        )
    return Inventory(tuple(files), tuple(hooks), tuple(sites))


def _artifact_from_dict(d: Any) -> ArtifactInfo:
    where = "artifact"
    return ArtifactInfo(
        path=_get(d, "path", str, where),
        sha256=_get(d, "sha256", str, where),
        size=_get(d, "size", int, where, 0),
        ecosystem=_enum_by_value(Ecosystem, _get(d, "ecosystem", str, where, "unknown"), where),
        name=_get(d, "name", (str, type(None)), where, None),
        version=_get(d, "version", (str, type(None)), where, None),
        kind=_enum_by_value(ArtifactKind, _get(d, "kind", str, where, "unknown"), where),
        container=_get(d, "container", str, where, "unknown"),
    )


def _finding_from_dict(d: Any, where: str) -> Finding:
    phase = _get(d, "phase", (str, type(None)), where, None)
    return Finding(
        rule=_get(d, "rule", str, where),
        title=_get(d, "title", str, where),
        severity=_enum_by_label(Severity, _get(d, "severity", str, where), f"{where}.severity"),
        confidence=_enum_by_label(
            Confidence, _get(d, "confidence", str, where), f"{where}.confidence"
        ),
        phase=None if phase is None else _enum_by_label(Phase, phase, f"{where}.phase"),
        message=_get(d, "message", str, where),
        capabilities=_str_tuple(_get(d, "capabilities", list, where, []), f"{where}.capabilities"),
        indicators=_str_tuple(_get(d, "indicators", list, where, []), f"{where}.indicators"),
        evidence=tuple(
            _evidence_from_dict(e, f"{where}.evidence[{i}]")
            for i, e in enumerate(_get(d, "evidence", list, where, []))
        ),
    )


def _evidence_from_dict(d: Any, where: str) -> Evidence:
    return Evidence(
        location=_location_from_dict(_get(d, "location", dict, where), f"{where}.location"),
        snippet=_get(d, "snippet", str, where, ""),
        decode_chain=_str_tuple(_get(d, "decode_chain", list, where, []), f"{where}.decode_chain"),
        decoded=_get(d, "decoded", (str, type(None)), where, None),
    )


def _location_from_dict(d: Any, where: str) -> Location:
    return Location(
        path=_get(d, "path", str, where),
        line=_get(d, "line", int, where, 0),
        column=_get(d, "column", int, where, 0),
    )


def _capability_from_dict(d: Any, where: str) -> CapabilitySummary:
    return CapabilitySummary(
        id=_get(d, "id", str, where),
        phase=_enum_by_label(Phase, _get(d, "phase", str, where), f"{where}.phase"),
        count=_get(d, "count", int, where),
    )


_MISSING: Any = object()


def _get(
    d: Any,
    key: str,
    types: type | tuple[type, ...],
    where: str,
    default: Any = _MISSING,
) -> Any:
    if not isinstance(d, Mapping):
        raise ValueError(f"{where}: expected an object, got {type(d).__name__}")
    if key not in d:
        if default is _MISSING:
            raise ValueError(f"{where}: missing field {key!r}")
        return default
    value = d[key]
    # bool is an int in Python but not a number or count in the schema.
    if isinstance(value, bool) and bool not in (types if isinstance(types, tuple) else (types,)):
        raise ValueError(f"{where}.{key}: expected {_type_names(types)}, got bool")
    if not isinstance(value, types):
        raise ValueError(
            f"{where}.{key}: expected {_type_names(types)}, got {type(value).__name__}"
        )
    return value


def _type_names(types: type | tuple[type, ...]) -> str:
    ts = types if isinstance(types, tuple) else (types,)
    names = {dict: "object", list: "array", str: "string", int: "integer", float: "number"}
    return " or ".join("null" if t is type(None) else names.get(t, t.__name__) for t in ts)


def _str_tuple(items: list[Any], where: str) -> tuple[str, ...]:
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"{where}: expected strings, got {type(item).__name__}")
    return tuple(items)


_E = TypeVar("_E", bound=enum.Enum)


def _enum_by_label(cls: type[_E], label: str, where: str) -> _E:
    for member in cls:
        if getattr(member, "label", None) == label:
            return member
    choices = ", ".join(str(getattr(m, "label", m.value)) for m in cls)
    raise ValueError(f"{where}: unknown value {label!r} (expected one of {choices})")


def _enum_by_value(cls: type[_E], value: str, where: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        choices = ", ".join(str(m.value) for m in cls)
        raise ValueError(
            f"{where}: unknown {cls.__name__} {value!r} (expected one of {choices})"
        ) from None
