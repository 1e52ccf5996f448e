"""What a release is made of: its code files, its install and start-up hooks, and where each
capability is used, as an :class:`~capwatch.model.Inventory` kept on the scan result.

Paths are relative to the package root (``pkg-1.0/`` is dropped), so two releases of one project
can be compared file by file (:mod:`capwatch.drift`).
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Mapping, Sequence

from capwatch.ecosystem.commands import takes_over
from capwatch.ecosystem.layout import FilePlan, Identity
from capwatch.flow import COMMAND_BASES
from capwatch.lang.base import FileAnalysis, ScopeKind
from capwatch.model import (
    ArtifactKind,
    CapabilitySite,
    CapabilityUse,
    CodeFile,
    Hook,
    HookKind,
    Inventory,
    Phase,
)

MAX_SITES = 1000
"""Capability sites kept per artifact (one per capability, phase and file)."""

_COMMAND_SUFFIXES = (
    ".install", ".develop", ".egg_info", ".build_py", ".sdist", ".build_ext", ".bdist_egg",
)


def relative(identity: Identity, path: str) -> str:
    return path[len(identity.root) :] if identity.root and path.startswith(identity.root) else path


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def build_inventory(
    identity: Identity,
    plans: Sequence[FilePlan],
    analyses: Mapping[str, FileAnalysis],
    digests: Mapping[str, str],
    uses: Sequence[CapabilityUse],
    read: Callable[[str], bytes | None],
) -> Inventory:
    """The inventory of one artifact; ``digests`` maps analysed member paths to their sha256."""
    files = tuple(
        sorted(
            (
                CodeFile(relative(identity, p.path), p.phase, p.role, digests[p.path])
                for p in plans
                if p.path in digests
            ),
            key=lambda f: f.path,
        )
    )
    hooks: list[Hook] = []
    for plan in plans:
        rel = relative(identity, plan.path)
        digest = digests.get(plan.path, "")
        match plan.role:
            case "setup-script":
                hooks.append(Hook(HookKind.SETUP_SCRIPT, rel, "setup.py", digest))
                analysis = analyses.get(plan.path)
                if analysis is not None:
                    hooks.extend(_commands(analysis, rel))
            case "pth" if plan.phase is Phase.STARTUP:
                analysis = analyses.get(plan.path)
                runs = "import lines" if analysis is not None and analysis.facts else "paths only"
                hooks.append(Hook(HookKind.PTH, rel, f"{rel.rsplit('/', 1)[-1]}: {runs}", digest))
            case "startup-module":
                hooks.append(Hook(HookKind.STARTUP_MODULE, rel, plan.module, digest))
            case _:
                pass
    backend = _backend(identity, read)
    if backend is not None:
        hooks.append(backend)
    for declared in identity.commands:
        if takes_over(declared.name, identity.name):
            detail = f"{declared.name} = {declared.target}"
            hooks.append(
                Hook(HookKind.COMMAND_TAKEOVER, declared.source, detail, sha256_text(detail))
            )
    for name, command in identity.npm_scripts:
        hooks.append(Hook(HookKind.NPM_SCRIPT, "package.json", f"{name}: {command}", sha256_text(command)))
    sites: dict[tuple[str, int, str], CapabilitySite] = {}
    for use in uses:
        rel = relative(identity, use.location.path)
        key = (use.capability, use.phase, rel)
        if key not in sites and len(sites) < MAX_SITES:
            sites[key] = CapabilitySite(use.capability, use.phase, rel, use.location.line, use.via)
    ordered = sorted(sites.values(), key=lambda s: (s.phase, s.capability, s.path, s.line))
    return Inventory(files, tuple(sorted(hooks, key=lambda h: (h.kind.value, h.path, h.detail))),
                     tuple(ordered))


def _commands(analysis: FileAnalysis, rel: str) -> list[Hook]:
    found: dict[str, str] = {}
    for scope in analysis.scopes.values():
        if scope.kind is not ScopeKind.FUNCTION or "." not in scope.qualname:
            continue
        bases = [
            b for b in scope.class_bases
            if b.startswith(COMMAND_BASES) or b.endswith(_COMMAND_SUFFIXES)
        ]
        if bases:
            found.setdefault(scope.qualname.rsplit(".", 1)[0], bases[0])
    return [
        Hook(HookKind.SETUP_COMMAND, rel, f"{cls}({base})", sha256_text(f"{cls}({base})"))
        for cls, base in sorted(found.items())
    ]


def members_read(identity: Identity) -> tuple[str, ...]:
    """The members :func:`build_inventory` asks its ``read`` for (the build backend's
    ``pyproject.toml`` of an sdist), so that a caller can read them before it lets the
    archive go."""
    if identity.kind is not ArtifactKind.SDIST:
        return ()
    return (f"{identity.root}pyproject.toml",)


def _backend(identity: Identity, read: Callable[[str], bytes | None]) -> Hook | None:
    paths = members_read(identity)
    if not paths:
        return None
    data = read(paths[0])
    if not data:
        return None
    try:
        build = tomllib.loads(data.decode("utf-8", "replace")).get("build-system", {})
    except tomllib.TOMLDecodeError:
        return None
    if not isinstance(build, dict) or not isinstance(build.get("build-backend"), str):
        return None
    detail = str(build["build-backend"])
    if build.get("backend-path"):
        detail += " (in-tree)"
    return Hook(HookKind.BUILD_BACKEND, "pyproject.toml", detail, sha256_text(detail))
