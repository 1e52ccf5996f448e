"""Computing a :class:`~capwatch.drift.model.Drift` from two scan results."""

from __future__ import annotations

from collections.abc import Iterable
from email.utils import getaddresses
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from capwatch.drift.model import (
    CapabilityChange,
    Change,
    DependencyChange,
    Drift,
    FileChange,
    HookChange,
    MetadataChange,
    MetadataField,
)
from capwatch.model import (
    ArtifactKind,
    Ecosystem,
    Finding,
    Hook,
    HookKind,
    Inventory,
    Metadata,
    Phase,
    ScanResult,
    Verdict,
)
from capwatch.profile import EARLY
from capwatch.verdict import decide

SITES_KEPT = 50
"""Sites kept per capability change (one per file)."""


def compare(old: ScanResult, new: ScanResult) -> Drift:
    notes: list[str] = []
    for label, result in (("old", old), ("new", new)):
        if result.verdict is Verdict.ERROR:
            notes.append(f"the {label} release could not be scanned: {result.error}")
    if notes:
        return Drift(old.artifact, new.artifact, False, verdict=Verdict.ERROR, notes=tuple(notes))
    if _project(old) != _project(new):
        notes.append(
            f"releases of different projects: {old.artifact.name!r} and {new.artifact.name!r}"
        )
    if old.artifact.kind is not new.artifact.kind and ArtifactKind.UNKNOWN not in (
        old.artifact.kind, new.artifact.kind
    ):
        notes.append(
            f"comparing a {old.artifact.kind.value} with a {new.artifact.kind.value}: file paths "
            "and hooks differ between kinds; compare like with like where possible"
        )
    if old.inventory is None or new.inventory is None:
        notes.append("a result has no inventory (scanned by an older capwatch): hooks and files not compared")
    old_inv = old.inventory or Inventory()
    new_inv = new.inventory or Inventory()
    drift = Drift(
        old=old.artifact,
        new=new.artifact,
        established=old.verdict in (Verdict.CLEAN, Verdict.SUSPICIOUS),
        capabilities=_capabilities(old, new, old_inv, new_inv),
        hooks=_hooks(old_inv.hooks, new_inv.hooks),
        files=_files(old_inv, new_inv),
        dependencies=_dependencies(old.metadata, new.metadata, new.artifact.ecosystem),
        metadata=_metadata(old.metadata, new.metadata),
        notes=tuple(notes),
    )
    findings = _run_rules(drift)
    verdict, score = decide(findings)
    return Drift(
        drift.old, drift.new, drift.established, drift.capabilities, drift.hooks, drift.files,
        drift.dependencies, drift.metadata, findings, verdict, score, drift.notes,
    )


def _run_rules(drift: Drift) -> tuple[Finding, ...]:
    from capwatch.rules import all_rules
    from capwatch.rules.base import DriftRule

    findings: list[Finding] = []
    for rule in all_rules():
        if isinstance(rule, DriftRule):
            findings.extend(rule.check_drift(drift))
    findings.sort(key=lambda f: (-f.severity, f.phase if f.phase is not None else 9, f.rule))
    return tuple(findings)


def _project(result: ScanResult) -> str:
    name = result.artifact.name or ""
    return canonicalize_name(name) if result.artifact.ecosystem is Ecosystem.PYPI else name.lower()


def _capabilities(
    old: ScanResult, new: ScanResult, old_inv: Inventory, new_inv: Inventory
) -> tuple[CapabilityChange, ...]:
    before = {(c.id, c.phase): c.count for c in old.capabilities}
    after = {(c.id, c.phase): c.count for c in new.capabilities}
    earliest_old: dict[str, Phase] = {}
    for cap, phase in before:
        earliest_old[cap] = min(phase, earliest_old.get(cap, Phase.RUNTIME))
    changes: list[CapabilityChange] = []
    for key in sorted(set(before) | set(after), key=lambda k: (k[1], k[0])):
        cap, phase = key
        was, now = before.get(key, 0), after.get(key, 0)
        if was and now:
            continue
        change = Change.ADDED if now else Change.REMOVED
        inventory = new_inv if now else old_inv
        sites = tuple(s for s in inventory.sites if s.capability == cap and s.phase is phase)
        changes.append(
            CapabilityChange(cap, phase, change, was, now, earliest_old.get(cap), sites[:SITES_KEPT])
        )
    return tuple(changes)


def _hook_key(hook: Hook) -> tuple[str, ...]:
    match hook.kind:
        case HookKind.SETUP_COMMAND:
            return (hook.kind.value, hook.path, hook.detail)
        case HookKind.NPM_SCRIPT:
            return (hook.kind.value, hook.detail.split(":", 1)[0])
        case HookKind.BUILD_BACKEND:
            return (hook.kind.value,)
        case _:
            return (hook.kind.value, hook.path)


def _hooks(old: Iterable[Hook], new: Iterable[Hook]) -> tuple[HookChange, ...]:
    before = {_hook_key(h): h for h in old}
    after = {_hook_key(h): h for h in new}
    changes: list[HookChange] = []
    for key in sorted(set(before) | set(after)):
        was, now = before.get(key), after.get(key)
        if was is None and now is not None:
            changes.append(HookChange(Change.ADDED, now))
        elif now is None and was is not None:
            changes.append(HookChange(Change.REMOVED, was))
        elif was is not None and now is not None and (
            was.sha256 != now.sha256 or was.detail != now.detail
        ):
            changes.append(HookChange(Change.CHANGED, now, was))
    return tuple(changes)


def _layout_key(path: str) -> str:
    """A path with a leading ``src/`` or ``lib/`` dropped: moving to a src layout is no change."""
    first, sep, rest = path.partition("/")
    return rest if sep and first in ("src", "lib") else path


def _files(old: Inventory, new: Inventory) -> tuple[FileChange, ...]:
    before = {_layout_key(f.path): f for f in old.files}
    after = {_layout_key(f.path): f for f in new.files}
    changes: list[FileChange] = []
    for key in sorted(set(after) - set(before)):
        file = after[key]
        caps = sorted({s.capability for s in new.sites if s.path == file.path and s.phase in EARLY})
        changes.append(FileChange(Change.ADDED, file, tuple(caps)))
    for key in sorted(set(before) - set(after)):
        changes.append(FileChange(Change.REMOVED, before[key]))
    return tuple(changes)


def _requirements(meta: Metadata | None, ecosystem: Ecosystem) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in meta.requires_dist if meta else ():
        if ecosystem is Ecosystem.NPM:
            out[text.split(" ", 1)[0].lower()] = text
            continue
        try:
            out[canonicalize_name(Requirement(text).name)] = text
        except InvalidRequirement:
            out[text.split(";")[0].strip().lower()] = text
    return out


def _dependencies(
    old: Metadata | None, new: Metadata | None, ecosystem: Ecosystem
) -> tuple[DependencyChange, ...]:
    before, after = _requirements(old, ecosystem), _requirements(new, ecosystem)
    changes: list[DependencyChange] = []
    for name in sorted(set(before) | set(after)):
        was, now = before.get(name, ""), after.get(name, "")
        if was == now:
            continue
        change = Change.ADDED if not was else Change.REMOVED if not now else Change.CHANGED
        changes.append(DependencyChange(change, name, was, now))
    return tuple(changes)


def _metadata(old: Metadata | None, new: Metadata | None) -> tuple[MetadataChange, ...]:
    if old is None or new is None:
        return ()
    changes: list[MetadataChange] = []
    for field, was, now in (
        (MetadataField.AUTHOR_EMAIL, old.author_email, new.author_email),
        (MetadataField.MAINTAINER_EMAIL, old.maintainer_email, new.maintainer_email),
    ):
        if addresses(was) != addresses(now):
            changes.append(MetadataChange(field, was, now))
    for field, was, now in (
        (MetadataField.HOME_PAGE, old.home_page, new.home_page),
        (MetadataField.SUMMARY, old.summary, new.summary),
    ):
        if was.strip().lower() != now.strip().lower():
            changes.append(MetadataChange(field, was, now))
    if sorted(old.project_urls) != sorted(new.project_urls):
        changes.append(
            MetadataChange(
                MetadataField.PROJECT_URLS, "\n".join(old.project_urls), "\n".join(new.project_urls)
            )
        )
    if old.description_sha256 != new.description_sha256:
        changes.append(
            MetadataChange(
                MetadataField.DESCRIPTION,
                f"{old.description_length} characters",
                f"{new.description_length} characters",
            )
        )
    return tuple(changes)


def addresses(text: str) -> frozenset[str]:
    """The e-mail addresses in a header (``Ada <ada@x.example>, bob@y.example``), lower case."""
    return frozenset(addr.lower() for _, addr in getaddresses([text]) if "@" in addr)


def host_of(url: str) -> str:
    """The host of a URL or of a ``Label, URL`` project URL, lower case ("" when none)."""
    text = url.split(",", 1)[-1].strip() if "," in url else url.strip()
    try:
        return (urlsplit(text).hostname or "").lower()
    except ValueError:
        return ""
